#!/usr/bin/env python3
"""Memory of 10 routers running the same image, with and without ghost RAM
(issue 9), in one hypervisor process as Dynagen and GNS3 labs run them.

    /usr/bin/python3 bench/ghost_bench.py
    /usr/bin/python3 bench/ghost_bench.py -n 10 --image-mb 48 --ram 128

The image is IOS-sized (tests/integration/idle_guests.py big_image: an idle
loop followed by --image-mb of incompressible data), since what ghost RAM
shares is the loaded image; our own firmware is under 100 KB. Each router
has RAM in a file in the working directory (the default, `vm set_ram_mmap
1`), and idles. Reported after the routers ran 2 s: the process's VmRSS
and its Pss (smaps_rollup: shared pages divided among their users), and
the ghost file's own page-cache share when used.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import idle_guests as g  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        deadline = time.monotonic() + 10
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), 1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        self.s.settimeout(30)
        self.buf = b""

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                d = self.s.recv(65536)
                if not d:
                    raise RuntimeError("hypervisor closed")
                self.buf += d
            ln, self.buf = self.buf.split(b"\r\n", 1)
            ln = ln.decode()
            lines.append(ln)
            if ln[3] == "-":
                if not ln.startswith("100"):
                    raise RuntimeError("%s -> %s" % (line, lines))
                return lines


def mem(pid):
    st = {}
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            k, v = ln.split(":", 1)
            st[k] = v.strip()
    rss = int(st["VmRSS"].split()[0])
    pss = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for ln in f:
            if ln.startswith("Pss:"):
                pss = int(ln.split()[1])
    return rss, pss


def run(emu, image, n, ram, ghost, workdir):
    port = free_port()
    p = subprocess.Popen([str(emu), "-H", "127.0.0.1:%d" % port],
                         cwd=workdir, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        c = Client(port)
        gfile = Path(workdir) / ("big.elf-%d.ghost" % ram)
        if ghost:
            c.cmd('vm create Ghost 0 c7200')
            c.cmd('vm set_ios Ghost "%s"' % image)
            c.cmd('vm set_ghost_status Ghost 1')
            c.cmd('vm set_ghost_file Ghost "%s"' % gfile)
            c.cmd('vm set_ram Ghost %d' % ram)
            c.cmd('vm start Ghost')
            c.cmd('vm stop Ghost')
            c.cmd('vm clean_delete Ghost')
        base = mem(p.pid)
        t0 = time.monotonic()
        for i in range(n):
            name = "R%d" % i
            c.cmd('vm create %s %d c7200' % (name, i + 1))
            c.cmd('vm set_ios %s "%s"' % (name, image))
            c.cmd('vm set_ram %s %d' % (name, ram))
            if ghost:
                c.cmd('vm set_ghost_status %s 2' % name)
                c.cmd('vm set_ghost_file %s "%s"' % (name, gfile))
            c.cmd('vm start %s' % name)
        start_s = time.monotonic() - t0
        time.sleep(2.0)
        rss, pss = mem(p.pid)
        c.cmd("hypervisor stop")
        p.wait(20)
        return rss - base[0], pss - base[1], start_s
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10, help="routers (10)")
    ap.add_argument("--image-mb", type=int, default=48)
    ap.add_argument("--ram", type=int, default=128, help="MB per router")
    ap.add_argument("--dynamips", default=str(ROOT / "build" / "dynamips"))
    a = ap.parse_args()
    emu = Path(a.dynamips)
    tmp = tempfile.mkdtemp(prefix="ghost_bench.")
    try:
        image = Path(tmp) / "big.elf"
        image.write_bytes(g.big_image(a.image_mb))
        res = {}
        for ghost in (False, True):
            d = Path(tmp) / ("ghost" if ghost else "plain")
            d.mkdir()
            res[ghost] = run(emu, image, a.n, a.ram, ghost, d)
        print("ghost_bench: %d routers, %d MB RAM each, a %d MB image, one "
              "hypervisor" % (a.n, a.ram, a.image_mb))
        print("%-14s %12s %12s %10s" % ("", "RSS MB", "Pss MB", "start s"))
        for ghost in (False, True):
            rss, pss, st = res[ghost]
            print("%-14s %12.1f %12.1f %10.2f" % (
                "ghost RAM" if ghost else "without", rss / 1024, pss / 1024,
                st))
        print("ratio          %11.2fx %11.2fx" % (
            res[True][0] / res[False][0], res[True][1] / res[False][1]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
