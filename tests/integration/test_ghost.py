"""Ghost RAM (mips64.md §11.1, hypervisor.md §5.2.6): -g writes the image
into a ghost file and exits, -G and `vm set_ghost_status 2` map it
copy-on-write instead of loading the image; a ghost that does not fit is
ignored (the image is loaded) rather than trusted."""
import subprocess
import time

import pytest

from test_firmware import EMU, IMAGE, PROMPT, Router
from test_hypervisor import DYNAMIPS, Hypervisor, free_port
from test_snapshot import Console, firmware_vm

pytestmark = pytest.mark.skipif(not EMU.exists(), reason="not built")


def make_ghost(cwd, ghost, ram=64, image=IMAGE):
    p = subprocess.run([str(EMU), "-P", "7200", "-X", "-r", str(ram), "-g",
                        str(ghost), str(image)], cwd=cwd, timeout=20,
                       stdin=subprocess.DEVNULL, capture_output=True)
    assert p.returncode == 0, p.stderr
    return p.stdout.decode()


def test_generate_then_boot_from_ghost(tmp_path, routers=None):
    ghost = tmp_path / "fw.ghost"
    out = make_ghost(tmp_path, ghost)
    assert "Ghost RAM file '%s' generated." % ghost in out
    # RAM image, sparse, plus one trailer page
    assert ghost.stat().st_size == (64 << 20) + 4096
    assert ghost.stat().st_blocks * 512 < 4 << 20
    assert not list(tmp_path.glob("*.tmp*"))
    before = ghost.read_bytes()

    r = Router(tmp_path, ["-G", str(ghost)])
    try:
        r.expect("Press RETURN to get started!")
        r.send("\r")
        r.expect(PROMPT)
        r.send("enable\r")
        r.expect(PROMPT)
    finally:
        assert r.stop() == 0
    log = (tmp_path / "dynamips_log.txt").read_text()
    assert "RAM is the ghost" in log
    assert "loaded " + str(IMAGE) not in log.split("RAM is the ghost")[-1]
    assert ghost.read_bytes() == before      # private: never written


def test_ghost_that_does_not_fit_is_ignored(tmp_path):
    ghost = tmp_path / "fw.ghost"
    make_ghost(tmp_path, ghost, ram=32)
    r = Router(tmp_path, ["-G", str(ghost)])   # a 64 MB router
    try:
        r.expect("Press RETURN to get started!")
    finally:
        r.stop()
    log = (tmp_path / "dynamips_log.txt").read_text()
    assert "ghost RAM not used" in log and "32 MB" in log
    junk = tmp_path / "junk.ghost"
    junk.write_bytes(b"\0" * 8192)
    r = Router(tmp_path, ["-G", str(junk)])
    try:
        r.expect("Press RETURN to get started!")
    finally:
        r.stop()
    assert "is not a ghost RAM file" in \
        (tmp_path / "dynamips_log.txt").read_text()


def test_hypervisor_ghost_flow(tmp_path):
    """gns3-server's sequence (hypervisor.md §8.4): a ghost instance
    generates the file, two routers then run from it."""
    if not DYNAMIPS.exists():
        pytest.fail("%s is missing" % DYNAMIPS)
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        ghost = tmp_path / "router-firmware.elf-64.ghost"
        c.ok('vm create "Ghost" 0 c7200')
        c.ok('vm set_ios "Ghost" "%s"' % IMAGE)
        c.ok('vm set_ghost_status "Ghost" 1')
        c.ok('vm set_ghost_file "Ghost" "%s"' % ghost)
        c.ok('vm set_ram "Ghost" 64')
        c.ok('vm start "Ghost"')
        assert c.ok('vm get_status "Ghost"').text == "1"
        assert ghost.stat().st_size == (64 << 20) + 4096
        c.ok('vm stop "Ghost"')
        c.ok('vm clean_delete "Ghost"')
        ports = []
        for i, name in enumerate(["R1", "R2"]):
            ports.append(free_port())
            firmware_vm(c, name, ports[-1], i + 1)
            c.ok('vm set_ghost_status "%s" 2' % name)
            c.ok('vm set_ghost_file "%s" "%s"' % (name, ghost))
            c.ok('vm start "%s"' % name)
        for port in ports:
            con = Console(port)
            con.expect("Press RETURN to get started!")
            con.send("\r")
            con.expect(PROMPT)
            con.close()
        maps = open("/proc/%d/maps" % h.p.pid).read()
        assert maps.count(str(ghost)) >= 2     # both RAMs map the ghost
        for name in ["R1", "R2"]:
            log = (tmp_path / ("c7200_%s_log.txt" % name)).read_text()
            assert "RAM is the ghost" in log
            c.ok('vm stop "%s"' % name)
    finally:
        h.kill()
