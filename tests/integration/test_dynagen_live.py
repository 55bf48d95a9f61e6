"""dynagen end to end: real `dynamips -H` processes, routers running the
project's open firmware, the sample labs loaded unchanged (only their
server section points at the test's hypervisor, with its own console and
UDP bases), and `dynagen --check` scripts that configure the routers on
their consoles and ping across the lab:

- simple1 (serial back to back, PA-8T), simple2 (two LANs), frame_relay1
  (FR switch, ANSI LMI, frame-relay map), ethsw1 (VLANs on the Ethernet
  switch: R1 and R3 share VLAN 1, R2 is alone in VLAN 20; the Windows-only
  host NIO of port 4 becomes a null NIO);
- a lab split across two hypervisor processes on loopback;
- the CLI driving a live lab (list, stop/start, show device, save/push).

Run: /usr/bin/python3 -m pytest tests/integration/test_dynagen_live.py
(DYNAMIPS / DYNAGEN override the binaries.)
"""

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from test_hypervisor import free_port

ROOT = Path(__file__).resolve().parents[2]
DYNAMIPS = Path(os.environ.get("DYNAMIPS", ROOT / "build" / "dynamips"))
DYNAGEN = Path(os.environ.get("DYNAGEN", ROOT / "build" / "dynagen"))
FIRMWARE = ROOT / "guest" / "images" / "firmware" / "router-firmware.elf"
LABS = ROOT / "tests" / "dynagen" / "labs"

pytestmark = pytest.mark.skipif(
    not (DYNAMIPS.exists() and DYNAGEN.exists() and FIRMWARE.exists()),
    reason="needs build/dynamips, build/dynagen and the open firmware")


def port_block(n):
    """A base port with n free TCP ports above it (consoles)."""
    for _ in range(50):
        base = free_port()
        if base + n > 65000:
            continue
        ok = True
        for p in range(base, base + n):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                ok = False
            finally:
                s.close()
            if not ok:
                break
        if ok:
            return base
    raise RuntimeError("no free port block")


class Hypervisor:
    def __init__(self, workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        for _ in range(10):
            self.port = free_port()
            self.log = open(workdir / "dynamips.out", "w+")
            self.proc = subprocess.Popen(
                [str(DYNAMIPS), "-H", "127.0.0.1:%d" % self.port],
                cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT)
            if self._ready():
                return
            self.stop()
        raise RuntimeError("dynamips -H did not start")

    def _ready(self):
        end = time.time() + 10
        while time.time() < end:
            if self.proc.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def hv(tmp_path):
    h = Hypervisor(tmp_path / "hv")
    yield h
    h.stop()


def lab_for(name, hv, tmp_path, nconsoles=8):
    text = (LABS / name).read_text()
    server = "[127.0.0.1:%d]\n    console = %d\n    udp = %d\n" % (
        hv.port, port_block(nconsoles), free_port())
    text = text.replace("[localhost]\n", server)
    path = tmp_path / name
    path.write_text(text)
    return path


def check(tmp_path, lab, script, timeout=300):
    s = tmp_path / "script.chk"
    s.write_text(script)
    env = dict(os.environ, HOME=str(tmp_path))
    r = subprocess.run([str(DYNAGEN), "--ini", "/dev/null", "--check",
                        str(lab), str(s)], capture_output=True, text=True,
                       env=env, timeout=timeout)
    print(r.stdout)
    print(r.stderr)
    return r


def configure(router, lines):
    """Console lines: wake the router, enter config mode, the lines, end."""
    out = ['send %s ""' % router, 'expect %s "Router>" 180' % router,
           'send %s "enable"' % router, 'expect %s "Router#"' % router,
           'send %s "configure terminal"' % router,
           'expect %s "(config)#"' % router]
    for l in lines:
        out.append('send %s "%s"' % (router, l))
    out += ['send %s "end"' % router, 'expect %s /Router#/' % router]
    return "\n".join(out) + "\n"


def ping(router, addr, ok=True, wait=60):
    pattern = ("/Success rate is [1-9][0-9]* percent/" if ok
               else "/Success rate is 0 percent/")
    return ('send %s "ping %s"\nexpect %s %s %d\n'
            % (router, addr, router, pattern, wait))


def ethernet(ifname, addr):
    return ["interface %s" % ifname, "ip address %s 255.255.255.0" % addr,
            "no shutdown", "exit"]


def test_simple1_serial(hv, tmp_path):
    lab = lab_for("simple1.net", hv, tmp_path)
    script = configure("R1", ethernet("Serial1/0", "10.0.12.1")) + \
        configure("R2", ethernet("Serial1/0", "10.0.12.2")) + \
        "sleep 2\n" + ping("R1", "10.0.12.2") + ping("R2", "10.0.12.1")
    r = check(tmp_path, lab, script)
    assert r.returncode == 0
    assert re.search(r"check: (\d+) of \1 expectations met\n", r.stdout)


def test_simple2_lan(hv, tmp_path):
    lab = lab_for("simple2.net", hv, tmp_path)
    script = ""
    for i, r in enumerate(["Zapp", "Leela", "Kif"], 1):
        script += configure(r, ethernet("FastEthernet0/0", "10.1.0.%d" % i) +
                            ethernet("FastEthernet1/0", "10.2.0.%d" % i))
    script += "sleep 2\n" + ping("Zapp", "10.1.0.2") + \
        ping("Zapp", "10.1.0.3") + ping("Kif", "10.2.0.2")
    r = check(tmp_path, lab, script)
    assert r.returncode == 0
    assert "note: Zapp: image" in r.stderr and "open firmware" in r.stderr


def test_frame_relay1(hv, tmp_path):
    lab = lab_for("frame_relay1.net", hv, tmp_path)
    maps = {"R1": [("10.0.0.2", 102), ("10.0.0.3", 103)],
            "R2": [("10.0.0.1", 201), ("10.0.0.3", 203)],
            "R3": [("10.0.0.1", 301), ("10.0.0.2", 302)]}
    script = "cli start /all\n"
    for i, r in enumerate(["R1", "R2", "R3"], 1):
        lines = ["interface Serial1/0", "encapsulation frame-relay",
                 "frame-relay lmi-type ansi",
                 "ip address 10.0.0.%d 255.255.255.0" % i]
        lines += ["frame-relay map ip %s %d broadcast" % m for m in maps[r]]
        lines += ["no shutdown", "exit"]
        script += configure(r, lines)
    script += "sleep 5\n" + ping("R1", "10.0.0.2") + \
        ping("R1", "10.0.0.3") + ping("R2", "10.0.0.3")
    r = check(tmp_path, lab, script)
    assert r.returncode == 0


def test_ethsw1_vlans(hv, tmp_path):
    lab = lab_for("ethsw1.net", hv, tmp_path)
    text = lab.read_text().replace(
        "4 = dot1q 1 NIO_gen_eth:\\Device\\NPF_{B00A38DD-F10B-43B4-99F4-"
        "B4A078484487}", "4 = dot1q 1 NIO_null:host")
    lab.write_text(text)
    script = "cli start /all\n"
    for i, r in enumerate(["R1", "R2", "R3"], 1):
        script += configure(r, ethernet("FastEthernet1/0", "10.3.0.%d" % i))
    script += "sleep 2\n" + ping("R1", "10.3.0.3") + \
        ping("R1", "10.3.0.2", ok=False, wait=60) + "cli show mac S1\n"
    r = check(tmp_path, lab, script)
    assert r.returncode == 0
    assert re.search(r"[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4} +1 +nio_udp",
                     r.stdout)


def test_ethsw1_windows_adapter_explained(hv, tmp_path):
    """ethsw1.net as the tutorial ships it, on this (non-Windows) host: the
    server cannot open the WinPcap adapter of port 4; the load fails as
    Dynagen's does, and a note says what to write instead."""
    lab = lab_for("ethsw1.net", hv, tmp_path)
    env = dict(os.environ, HOME=str(tmp_path))
    r = subprocess.run([str(DYNAGEN), "--ini", "/dev/null", str(lab)],
                       input="\n", capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 1
    out = r.stdout + r.stderr
    assert "206-unable to create generic ethernet NIO" in out
    assert ("Note: \\Device\\NPF_{B00A38DD-F10B-43B4-99F4-B4A078484487} "
            "is the name of a network adapter on a Windows host") in out
    assert "NIO_null:name to leave the port unconnected" in out
    assert "errors during loading of the topology file" in out


def test_capture_lab(hv, tmp_path):
    """The tutorial's "Packet Capture" section on capture.net (three 3660s):
    capture r1 f0/0 r1.cap, capture r2 s1/0 r2.cap HDLC, pings, no capture;
    tshark decodes the ICMP echoes in both files (Ethernet, Cisco HDLC)."""
    from netlab import tshark
    lab = lab_for("capture.net", hv, tmp_path)
    script = configure("r1", ethernet("FastEthernet0/0", "10.1.0.1")) + \
        configure("r2", ethernet("FastEthernet0/0", "10.1.0.2") +
                  ethernet("Serial1/0", "10.2.0.2")) + \
        configure("r3", ethernet("Serial1/0", "10.2.0.3")) + \
        "cli capture r1 f0/0 r1.cap\ncli capture r2 s1/0 r2.cap HDLC\n" + \
        "sleep 2\n" + ping("r1", "10.1.0.2") + ping("r2", "10.2.0.3") + \
        "cli no capture r1 f0/0\ncli no capture r2 s1/0\n"
    r = check(tmp_path, lab, script)
    assert r.returncode == 0
    for name, link in (("r1.cap", "eth"), ("r2.cap", "chdlc")):
        cap = tmp_path / name
        assert cap.exists(), name
        out = tshark(["-r", str(cap), "-T", "fields", "-e", "frame.protocols",
                      "-e", "ip.src", "-e", "ip.dst", "-e", "icmp.type"])
        rows = [l.split("\t") for l in out.splitlines()]
        assert all(row[0].startswith(link + ":") for row in rows), out
        src, dst = ("10.1.0.1", "10.1.0.2") if link == "eth" else \
            ("10.2.0.2", "10.2.0.3")
        assert [src, dst, "8"] in [row[1:] for row in rows], out
        assert [dst, src, "0"] in [row[1:] for row in rows], out


def test_ghost_sparse_lab(hv, tmp_path):
    """The tutorial's "Memory Usage Optimizations" lab (ghostios = true and
    sparsemem = true at the top level, three 3660s on one image): one
    .ghost file next to the NVRAM files, no per-router RAM file, and the
    three routers boot from the shared image. Port 4's host NIO (eth0)
    becomes a null NIO: the test must not depend on the host's network."""
    lab = lab_for("ghost_sparse.net", hv, tmp_path)
    text = lab.read_text().replace("4 = dot1q 1 NIO_linux_eth:eth0",
                                   "4 = dot1q 1 NIO_null:host")
    lab.write_text(text)
    script = ""
    for r in ("r1", "r2", "r3"):
        script += 'send %s ""\nexpect %s "Router>" 180\n' % (r, r)
        script += 'send %s "show version"\nexpect %s "Cisco 3660"\n' % (r, r)
    r = check(tmp_path, lab, script)
    assert r.returncode == 0
    ghosts = list(tmp_path.glob("*.ghost"))
    assert [g.name for g in ghosts] == \
        ["router-firmware.elf-127.0.0.1.ghost"], list(tmp_path.iterdir())
    assert ghosts[0].stat().st_size > 0
    assert not list(tmp_path.glob("c3600_r*_ram"))
    for name in ("r1", "r2", "r3"):
        assert (tmp_path / ("c3600_%s_nvram" % name)).exists()


def test_export_import_push_on_a_running_lab(hv, tmp_path):
    """The tutorial's "import / export" and "push / save" on routers that
    run (the snapshotting use): R1 saves a config, it is exported, then
    imported into R2 with another hostname and pushed back to R1 while
    both run; after a reload each router boots with what it was given."""
    lab = lab_for("simple1.net", hv, tmp_path)
    script = configure("R1", ["hostname TUTOR"]).replace(
        'expect R1 /Router#/', 'expect R1 "TUTOR#"') + \
        'send R1 "write memory"\nexpect R1 "[OK]"\n' + \
        "cli export R1 cfgs\ncli save R1\n" + \
        'cli !sed s/TUTOR/PUPIL/ %s/cfgs/R1.cfg > %s/cfgs/R2.cfg\n' % (
            tmp_path, tmp_path) + \
        "cli import R2 cfgs\n" + \
        'send R1 "configure terminal"\nsend R1 "hostname OTHER"\n' + \
        'send R1 "end"\nsend R1 "write memory"\nexpect R1 "[OK]"\n' + \
        "cli push R1\ncli reload /all\n" + \
        'send R1 ""\nexpect R1 "TUTOR>" 180\n' + \
        'send R2 ""\nexpect R2 "PUPIL>" 180\n'
    r = check(tmp_path, lab, script)
    assert "rejected" not in r.stdout + r.stderr
    assert r.returncode == 0
    assert "Exporting R1 to cfgs/R1.cfg" in r.stdout
    assert "Importing R2 from R2.cfg" in r.stdout
    assert "Pushed config to: R1" in r.stdout
    assert "configuration = " in lab.read_text()


def test_tutorial_model_example(hv, tmp_path):
    """The tutorial's 2691/3600/3700 section as written: [[3660]] defaults,
    R1 with model = 3660 and f0/0 = R2 e1/1, R2 a 7200 by default (PA-8E
    inserted for e1/1); a ping across the cable."""
    text = ("[127.0.0.1:%d]\n    console = %d\n    udp = %d\n"
            "    [[3660]]\n"
            "    image = /opt/3660-images/c3660-ik9o3s-mz.122-15.T17.image\n"
            "    ram = 96\n"
            "    [[ROUTER R1]]\n    model = 3660\n    f0/0 = R2 e1/1\n"
            "    [[ROUTER R2]]\n"
            % (hv.port, port_block(2), free_port()))
    lab = tmp_path / "models.net"
    lab.write_text(text)
    script = configure("R1", ethernet("FastEthernet0/0", "10.9.0.1")) + \
        configure("R2", ethernet("Ethernet1/1", "10.9.0.2")) + \
        "sleep 2\n" + ping("R1", "10.9.0.2") + \
        'send R2 "show version"\nexpect R2 "8 Ethernet interfaces"\n'
    r = check(tmp_path, lab, script)
    assert r.returncode == 0


def test_idlepc_on_a_live_router(hv, tmp_path):
    """The tutorial's "Calculating Idle-PC values" on a running router:
    idlepc get (statistics, a numbered list, a choice applied), idlepc
    show, idlepc save R1 db writes the database keyed by the image name."""
    lab = lab_for("simple1.net", hv, tmp_path)
    env = dict(os.environ, HOME=str(tmp_path))
    r = subprocess.run([str(DYNAGEN), "--ini", "/dev/null", str(lab)],
                       input="stop R2\nidlepc get R1\n1\nidlepc show R1\n\n"
                             "idlepc save R1 db\nidlepc save R1\nexit\n",
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Please wait while gathering statistics..." in out
    m = re.search(r"\n +1: (0x[0-9a-f]{8}) \[\d+\]\n", out)
    assert m, out
    pc = m.group(1)
    assert "Applied idlepc value %s to R1" % pc in out
    assert "No changes made" in out
    db = tmp_path / "dynagenidledb.ini"
    assert db.read_text() == "router-firmware.elf = %s\n" % pc
    assert re.search(r"\[\[ROUTER R1\]\]\n(    .*\n)*    idlepc = %s\n" % pc,
                     lab.read_text())


def test_two_hypervisors(tmp_path):
    a = Hypervisor(tmp_path / "hvA")
    b = Hypervisor(tmp_path / "hvB")
    try:
        # DEC21140 I/O cards (slot0): the firmware drives them today
        text = ("[127.0.0.1:%d]\n    console = %d\n"
                "    [[ROUTER R1]]\n    slot0 = C7200-IO-FE\n"
                "    f0/0 = R2 f0/0\n    s1/0 = R2 s1/0\n"
                "[127.0.0.1:%d]\n    console = %d\n"
                "    [[ROUTER R2]]\n    slot0 = C7200-IO-FE\n"
                % (a.port, port_block(4), b.port, port_block(4)))
        lab = tmp_path / "two.net"
        lab.write_text(text)
        script = configure("R1", ethernet("FastEthernet0/0", "10.9.0.1") +
                           ethernet("Serial1/0", "10.8.0.1")) + \
            configure("R2", ethernet("FastEthernet0/0", "10.9.0.2") +
                      ethernet("Serial1/0", "10.8.0.2")) + \
            "sleep 2\n" + ping("R1", "10.9.0.2") + ping("R2", "10.8.0.1")
        r = check(tmp_path, lab, script)
    finally:
        a.stop()
        b.stop()
    assert r.returncode == 0


def test_dec21140_lan(hv, tmp_path):
    """Two routers on a LAN through DEC21140 cards chosen by slotN."""
    text = ("[127.0.0.1:%d]\n    console = %d\n    [[7200]]\n"
            "    slot0 = C7200-IO-FE\n    slot1 = PA-FE-TX\n"
            "    [[ROUTER A]]\n    f0/0 = LAN 1\n    f1/0 = B f1/0\n"
            "    [[ROUTER B]]\n    f0/0 = LAN 1\n" % (hv.port, port_block(4)))
    lab = tmp_path / "dec.net"
    lab.write_text(text)
    script = configure("A", ethernet("FastEthernet0/0", "10.4.0.1") +
                       ethernet("FastEthernet1/0", "10.5.0.1")) + \
        configure("B", ethernet("FastEthernet0/0", "10.4.0.2") +
                  ethernet("FastEthernet1/0", "10.5.0.2")) + \
        "sleep 2\n" + ping("A", "10.4.0.2") + ping("B", "10.5.0.1")
    r = check(tmp_path, lab, script)
    assert r.returncode == 0


def test_check_reports_failure(hv, tmp_path):
    lab = lab_for("simple1.net", hv, tmp_path)
    r = check(tmp_path, lab, 'send R1 ""\nexpect R1 "no such text" 3\n',
              timeout=120)
    assert r.returncode == 1
    assert re.search(r'script\.chk:2: FAILED: "no such text" not seen on R1 '
                     r'within 3 s', r.stderr)
    assert "---- last console output ----" in r.stderr


def test_check_script_errors(hv, tmp_path):
    lab = lab_for("simple1.net", hv, tmp_path)
    r = check(tmp_path, lab, 'expect R1\nfrobnicate\nsend R9 "x"\n')
    assert r.returncode == 1
    assert "script.chk:1: expect ROUTER \"text\" [SECONDS]" in r.stderr
    assert "script.chk:2: unknown directive \"frobnicate\"" in r.stderr


def test_cli_on_a_live_lab(hv, tmp_path):
    lab = lab_for("simple1.net", hv, tmp_path)
    env = dict(os.environ, HOME=str(tmp_path))
    r = subprocess.run([str(DYNAGEN), "--ini", "/dev/null", str(lab)],
                       input="list\nstop R2\nlist\nstart R2\nsuspend R1\n"
                             "list\nresume R1\nshow device R1\n"
                             "send 127.0.0.1 vm list\nsave R1\nexit\n",
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert re.search(r"R1 +7200 +running", out)
    assert "100-VM 'R2' stopped" in out
    assert re.search(r"R2 +7200 +stopped", out)
    assert "100-VM 'R2' started" in out
    assert "100-VM 'R1' suspended" in out
    assert re.search(r"R1 +7200 +suspended", out)
    assert "100-VM 'R1' resumed" in out
    assert "Serial1/0 is connected to router R2 s1/0" in out
    assert "101 R1 (c7200)" in out or "101 R2 (c7200)" in out


def test_snapshot_and_restore(hv, tmp_path):
    # A snapshot taken with hostname SNAP; after renaming the router, restore
    # brings back the router as it was (hostname SNAP, privileged mode).
    lab = lab_for("simple1.net", hv, tmp_path)
    env = dict(os.environ, HOME=str(tmp_path))
    r = subprocess.run([str(DYNAGEN), "--ini", "/dev/null", str(lab)],
                       input="snapshot R1\nrestore R1\nsnapshot R9\nlist\n"
                             "exit\n",
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout + r.stderr
    assert re.search(r"100-.*R1", out), out
    assert "R9" in out  # unknown router: a clear message, CLI stays up
    assert re.search(r"R1 +7200 +running", r.stdout)
    print(out)
    states = list(tmp_path.rglob("R1.state"))
    assert states and states[0].stat().st_size > 0, out


def test_mixed_models(hv, tmp_path):
    """A 7200, a 3725 and a 3660 in one lab, all on the open firmware:
    7200 FastEthernet0/0 to the 3725's GT-96100 FastEthernet0/0, the
    3725's WIC-2T (inserted for s0/0) to the 3660's NM-4T; static routes,
    pings end to end."""
    text = ("[127.0.0.1:%d]\n    console = %d\n    udp = %d\n"
            "    [[ROUTER R1]]\n    model = 7200\n    ram = 64\n"
            "    slot0 = C7200-IO-FE\n    f0/0 = R2 f0/0\n"
            "    [[ROUTER R2]]\n    model = 3725\n    ram = 64\n"
            "    s0/0 = R3 s1/0\n"
            "    [[ROUTER R3]]\n    model = 3660\n    ram = 64\n"
            "    slot1 = NM-4T\n"
            % (hv.port, port_block(4), free_port()))
    lab = tmp_path / "mixed.net"
    lab.write_text(text)
    script = configure("R1", ethernet("FastEthernet0/0", "10.1.0.1") +
                       ["ip route 10.2.0.0 255.255.255.0 10.1.0.2"]) + \
        configure("R2", ethernet("FastEthernet0/0", "10.1.0.2") +
                  ethernet("Serial0/0", "10.2.0.2")) + \
        configure("R3", ethernet("Serial1/0", "10.2.0.3") +
                  ["ip route 0.0.0.0 0.0.0.0 10.2.0.2"]) + \
        "sleep 2\n" + ping("R1", "10.1.0.2") + ping("R2", "10.2.0.3") + \
        ping("R1", "10.2.0.3") + ping("R3", "10.1.0.1") + \
        'send R2 "show version"\nexpect R2 "Cisco 3725 (R7000)"\n' + \
        'send R3 "show version"\nexpect R3 "Cisco 3660 (R527x)"\n'
    r = check(tmp_path, lab, script)
    assert r.returncode == 0
    assert re.search(r"check: (\d+) of \1 expectations met\n", r.stdout)
    for name in ("R1", "R2", "R3"):
        assert "note: %s: no image: using the open firmware" % name \
            in r.stderr
