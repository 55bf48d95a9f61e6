"""c7200 storage files end to end (shared spec c7200.md §14, §15,
hypervisor.md §4.6, §5.2.2, §6.1, §7.4): which image files a router
creates, their first contents, the --disk0/--disk1 options and
set_disk0/set_disk1, bad or odd image files, and guest writes landing in
the files (guest/images/tests/storage_probe-o32.elf programs the bootflash
and writes disk0 sectors 70000-70001).

Run: /usr/bin/python3 -m pytest tests/integration/test_storage.py
(DYNAMIPS=path overrides the binary.)
"""

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DYNAMIPS = Path(os.environ.get("DYNAMIPS", ROOT / "build" / "dynamips"))
HELLO = ROOT / "guest" / "images" / "hello.elf"
PROBE = ROOT / "guest" / "images" / "tests" / "storage_probe-o32.elf"
MB = 1 << 20
TIMEOUT = 30


def run(cwd, *args):
    return subprocess.run([str(DYNAMIPS), "-P", "7200", "-X", "-r", "64",
                           *map(str, args)], cwd=cwd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=TIMEOUT)


def sector(path, lba):
    with open(path, "rb") as f:
        f.seek(lba * 512)
        return f.read(512)


# ------------------------------------------------------ standard mode

def test_default_files(tmp_path):
    r = run(tmp_path, HELLO)
    assert r.returncode == 0, r.stderr
    bf = tmp_path / "c7200_i0_bootflash"
    assert bf.stat().st_size == 8 * MB          # 4 x 28F016SA, §14
    data = bf.read_bytes()
    assert data == b"\xff" * len(data)          # erased flash
    d0 = tmp_path / "c7200_i0_disk0"
    assert d0.stat().st_size == 64 * MB         # default disk0, §6.1
    mbr = sector(d0, 0)
    assert mbr[510:] == b"\x55\xaa" and mbr[0x1C2] == 0x04
    assert sector(d0, 32)[3:11] == b"DYNAMIPS"  # FAT16 at LBA 32, §15.4
    assert not (tmp_path / "c7200_i0_disk1").exists()


def test_disk_options(tmp_path):
    r = run(tmp_path, "--disk0", "0", "--disk1", "16", "-i", "3", HELLO)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "c7200_i3_disk0").exists()
    d1 = tmp_path / "c7200_i3_disk1"
    assert d1.stat().st_size == 16 * MB
    assert sector(d1, 32)[43:54] == b"disk1      "


@pytest.mark.parametrize("value", ["4096", "-1", "abc", ""])
def test_disk_option_errors(tmp_path, value):
    r = run(tmp_path, "--disk1", value, HELLO)
    assert r.returncode == 2
    assert b"--disk1" in r.stderr
    assert not list(tmp_path.iterdir())


def test_unusable_image_is_an_error(tmp_path):
    (tmp_path / "c7200_i0_disk0").mkdir()
    r = run(tmp_path, HELLO)
    assert r.returncode == 1
    assert b"c7200_i0_disk0" in r.stderr
    assert b"Is a directory" in r.stderr or b"regular file" in r.stderr
    (tmp_path / "c7200_i0_disk0").rmdir()
    os.mkfifo(tmp_path / "c7200_i0_disk0")
    r = run(tmp_path, HELLO)
    assert r.returncode == 1
    assert b"c7200_i0_disk0 is not a regular file" in r.stderr
    (tmp_path / "c7200_i0_disk0").unlink()
    (tmp_path / "c7200_i0_bootflash").unlink()  # made by the runs above
    (tmp_path / "c7200_i0_bootflash").mkdir()
    r = run(tmp_path, HELLO)
    assert r.returncode == 1
    assert b"c7200_i0_bootflash" in r.stderr


def test_existing_images_are_kept(tmp_path):
    d0 = tmp_path / "c7200_i0_disk0"
    with open(d0, "wb") as f:                   # 2 MB, no partition table
        f.seek(100 * 512)
        f.write(b"keep me")
        f.truncate(2 * MB)
    bf = tmp_path / "c7200_i0_bootflash"
    bf.write_bytes(b"\x00" * 1024)              # a short reference image
    r = run(tmp_path, HELLO)
    assert r.returncode == 0, r.stderr
    assert d0.stat().st_size == 64 * MB         # extended, not formatted
    assert sector(d0, 100)[:7] == b"keep me"
    assert sector(d0, 0) == b"\x00" * 512
    data = bf.read_bytes()
    assert data[:1024] == b"\x00" * 1024
    assert data[1024:] == b"\xff" * (8 * MB - 1024)
    # a larger disk keeps its size
    r = run(tmp_path, "--disk0", "8", HELLO)
    assert r.returncode == 0, r.stderr
    assert d0.stat().st_size == 64 * MB
    assert sector(d0, 100)[:7] == b"keep me"
    log = (tmp_path / "dynamips_log.txt").read_text()
    assert "keeps the image's 1024 cylinders" in log


def test_guest_writes_reach_the_files(tmp_path):
    r = run(tmp_path, PROBE)
    assert r.returncode == 0, r.stderr
    assert b"read back: 512 bytes match" in r.stdout
    want = bytes((k * 13 + 7) & 0xFF for k in range(512))
    d0 = tmp_path / "c7200_i0_disk0"
    assert sector(d0, 70000) == want and sector(d0, 70001) == want
    with open(tmp_path / "c7200_i0_bootflash", "rb") as f:
        f.seek(0x40000)                         # programmed, then erased
        assert f.read(0x40000) == b"\xff" * 0x40000
        f.seek(0x80000)                         # next block kept
        assert f.read(4) == b"\x00\x00\xaa\xaa"


# ------------------------------------------------------ hypervisor mode

class Hypervisor:
    def __init__(self, cwd):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [str(DYNAMIPS), "-H", "127.0.0.1:%d" % self.port], cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        deadline = time.time() + TIMEOUT
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port),
                                                     TIMEOUT)
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.05)
        self.buf = b""

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(4096)
                assert chunk, "hypervisor closed the connection"
                self.buf += chunk
            line_b, self.buf = self.buf.split(b"\r\n", 1)
            lines.append(line_b.decode())
            if re.match(r"^\d{3}-", lines[-1]):
                return lines

    def ok(self, line):
        lines = self.cmd(line)
        assert lines[-1].startswith("100-"), (line, lines)
        return lines

    def close(self):
        try:
            self.cmd("hypervisor stop")
        except (OSError, AssertionError):
            pass
        self.sock.close()
        try:
            self.proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wait_halted(hv, name):
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        if hv.ok("vm get_status %s" % name)[-1] == "100-0":
            return
        time.sleep(0.05)
    raise AssertionError("%s did not stop" % name)


def test_hypervisor_set_disk(tmp_path):
    hv = Hypervisor(tmp_path)
    try:
        hv.ok("vm create R1 1 c7200")
        hv.ok('vm set_ios R1 "%s"' % HELLO)
        hv.ok("vm set_ram R1 64")
        hv.ok("vm set_ram_mmap R1 0")
        hv.ok("vm set_disk0 R1 0")
        hv.ok("vm set_disk1 R1 8")
        hv.ok("vm start R1")
        wait_halted(hv, "R1")
        assert not (tmp_path / "c7200_R1_disk0").exists()
        assert (tmp_path / "c7200_R1_disk1").stat().st_size == 8 * MB
        assert (tmp_path / "c7200_R1_bootflash").stat().st_size == 8 * MB
        # defaults of a new VM: disk0 64 MB, no disk1 (§6.1)
        hv.ok("vm create R2 2 c7200")
        hv.ok('vm set_ios R2 "%s"' % HELLO)
        hv.ok("vm set_ram R2 64")
        hv.ok("vm set_ram_mmap R2 0")
        hv.ok("vm start R2")
        wait_halted(hv, "R2")
        assert (tmp_path / "c7200_R2_disk0").stat().st_size == 64 * MB
        assert not (tmp_path / "c7200_R2_disk1").exists()
        # clean_delete removes every image file of the VM (§4.6)
        hv.ok("vm clean_delete R1")
        assert not [p for p in tmp_path.iterdir()
                    if p.name.startswith("c7200_R1_")]
        # a size too large for a card: the start fails, the reason is logged
        hv.ok("vm set_disk0 R2 5000")
        assert not hv.cmd("vm start R2")[-1].startswith("100-")
    finally:
        hv.close()
