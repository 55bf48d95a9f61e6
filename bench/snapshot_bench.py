#!/usr/bin/env python3
"""Restoring a booted router from a snapshot vs booting it (issue 9).

    /usr/bin/python3 bench/snapshot_bench.py          # 5 rounds, medians
    /usr/bin/python3 bench/snapshot_bench.py -n 10 --ram 256

One hypervisor, the project's firmware (c7200, NPE-400, RAM in a file):
  boot     `vm start` until the console shows the prompt after RETURN
  save     `vm save_state` of the router at its prompt (paused meanwhile)
  restore  `vm load_state` (stop, build the hardware, load, run) until the
           console answers RETURN with the prompt again
  command  the `vm load_state` round trip alone
"""
import argparse
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from ghost_bench import Client, free_port  # noqa: E402

FIRMWARE = ROOT / "guest" / "images" / "firmware" / "router-firmware.elf"
PROMPT = re.compile(rb"\n[A-Za-z][A-Za-z0-9-]*[>#]")


def console(port, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), 1)
            s.settimeout(0.01)
            return s
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.001)


def wait_for(s, pattern, timeout=10, poke=None):
    buf = b""
    deadline = time.monotonic() + timeout
    last = 0.0
    while not re.search(pattern, buf):
        if poke and time.monotonic() - last > 0.05:
            s.sendall(poke)
            last = time.monotonic()
        try:
            buf += s.recv(65536)
        except socket.timeout:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("no %r in %r" % (pattern, buf[-300:]))
    return buf


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=5, help="rounds (5)")
    ap.add_argument("--ram", type=int, default=256, help="MB (256)")
    ap.add_argument("--dynamips", default=str(ROOT / "build" / "dynamips"))
    a = ap.parse_args()
    boot, save, restore, command, size = [], [], [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        hport = free_port()
        p = subprocess.Popen([a.dynamips, "-H", "127.0.0.1:%d" % hport],
                             cwd=tmp, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            c = Client(hport)
            cport = free_port()
            c.cmd("vm create R1 1 c7200")
            c.cmd('vm set_ios R1 "%s"' % FIRMWARE)
            c.cmd("vm set_ram R1 %d" % a.ram)
            c.cmd("vm set_con_tcp_port R1 %d" % cport)
            snap = Path(tmp) / "r1.snap"
            for _ in range(a.n):
                t0 = time.monotonic()
                c.cmd("vm start R1")
                s = console(cport)
                wait_for(s, rb"Press RETURN to get started!")
                wait_for(s, PROMPT, poke=b"\r")
                boot.append(time.monotonic() - t0)
                s.close()
                t0 = time.monotonic()
                c.cmd('vm save_state R1 "%s"' % snap)
                save.append(time.monotonic() - t0)
                size = snap.stat().st_size
                c.cmd("vm stop R1")
                t0 = time.monotonic()
                c.cmd('vm load_state R1 "%s"' % snap)
                command.append(time.monotonic() - t0)
                s = console(cport)
                wait_for(s, PROMPT, poke=b"\r")
                restore.append(time.monotonic() - t0)
                s.close()
                c.cmd("vm stop R1")
            c.cmd("hypervisor stop")
            p.wait(20)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()

    def ms(v):
        return "%8.1f ms" % (statistics.median(v) * 1000)
    print("snapshot_bench: firmware router, %d MB RAM, median of %d" % (
        a.ram, a.n))
    print("boot to prompt      %s" % ms(boot))
    print("save_state          %s   (snapshot %.1f KB)" % (ms(save),
                                                           size / 1024))
    print("load_state command  %s" % ms(command))
    print("restore to prompt   %s" % ms(restore))
    print("restore / boot      %8.2fx" % (statistics.median(restore) /
                                          statistics.median(boot)))


if __name__ == "__main__":
    main()
