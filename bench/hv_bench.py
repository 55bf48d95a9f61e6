#!/usr/bin/python3
"""Hypervisor-mode timings: how fast `dynamips -H` is ready to serve and
how fast it goes away, as gns3-server sees it (it spawns one process per
node, connects with retries, sends `hypervisor version`; at the end sends
`hypervisor stop` and kills the process after 3 s).

Measured per run (wall clock, this host):
  ready    process spawn -> reply to the first `hypervisor version`
  stop     `hypervisor stop` sent -> process exited
  rtt      one `hypervisor version` round trip on an open connection
  pipe     one command when 1000 are pipelined (throughput)
  vm       `vm create` + `vm start` + `vm stop` + `vm delete` of a c7200
           running guest/images/hello.elf (16 MB RAM, no RAM file)
Baseline, same run: `dynamips --version` (spawn, banner, exit); `ready` is
also printed as a ratio to it, i.e. what the hypervisor adds on top of
starting the process at all.

    /usr/bin/python3 bench/hv_bench.py [-n RUNS] [--dynamips PATH]
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "guest" / "images" / "hello.elf"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_reply(sock, buf=b""):
    while True:
        while b"\r\n" not in buf:
            d = sock.recv(65536)
            if not d:
                raise ConnectionError("closed")
            buf += d
        i = buf.index(b"\r\n")
        line, buf = buf[:i], buf[i + 2:]
        if len(line) >= 4 and line[3:4] == b"-":
            return line, buf


def cmd(sock, line):
    sock.sendall(line.encode() + b"\n")
    reply, rest = read_reply(sock)
    assert not rest, rest
    if not reply.startswith(b"100-"):
        raise RuntimeError("%s -> %s" % (line, reply))
    return reply


def one_run(binary, cwd):
    port = free_port()
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "-H", "127.0.0.1:%d" % port], cwd=cwd,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    # gns3-server style: connect with retries
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), 1)
            break
        except OSError:
            if p.poll() is not None:
                raise RuntimeError("dynamips exited with %d" % p.returncode)
            time.sleep(0.001)
    cmd(s, "hypervisor version")
    ready = time.perf_counter() - t0

    n = 200
    t = time.perf_counter()
    for _ in range(n):
        cmd(s, "hypervisor version")
    rtt = (time.perf_counter() - t) / n

    n = 1000
    t = time.perf_counter()
    s.sendall(b"hypervisor version\n" * n)
    buf = b""
    for _ in range(n):
        _, buf = read_reply(s, buf)
    pipe = (time.perf_counter() - t) / n

    t = time.perf_counter()
    cmd(s, 'vm create "B1" 1 c7200')
    cmd(s, 'vm set_ios "B1" "%s"' % HELLO)
    cmd(s, 'vm set_ram "B1" 16')
    cmd(s, 'vm set_ram_mmap "B1" 0')
    cmd(s, 'vm start "B1"')
    cmd(s, 'vm stop "B1"')
    cmd(s, 'vm delete "B1"')
    vm = time.perf_counter() - t

    t = time.perf_counter()
    s.sendall(b"hypervisor stop\n")
    read_reply(s)
    p.wait(10)
    stop = time.perf_counter() - t
    s.close()
    if p.returncode != 0:
        raise RuntimeError("exit status %d after stop" % p.returncode)
    return {"ready": ready, "stop": stop, "rtt": rtt, "pipe": pipe, "vm": vm}


def baseline(binary, cwd):
    t = time.perf_counter()
    subprocess.run([binary, "--version"], cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def fmt(sec):
    if sec >= 1:
        return "%.2f s" % sec
    if sec >= 1e-3:
        return "%.2f ms" % (sec * 1e3)
    return "%.1f us" % (sec * 1e6)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10, help="runs (default 10)")
    ap.add_argument("--dynamips", default=str(ROOT / "build" / "dynamips"))
    a = ap.parse_args()
    a.dynamips = os.path.abspath(a.dynamips)
    if not os.access(a.dynamips, os.X_OK):
        sys.exit("hv_bench: %s not built (make)" % a.dynamips)
    with tempfile.TemporaryDirectory(prefix="hv_bench.") as cwd:
        baseline(a.dynamips, cwd)  # warm the page cache
        base = [baseline(a.dynamips, cwd) for _ in range(a.n)]
        runs = [one_run(a.dynamips, cwd) for _ in range(a.n)]
    b = statistics.median(base)
    print("hv_bench: %d runs of %s" % (a.n, a.dynamips))
    print("%-8s %10s %10s %10s" % ("", "median", "min", "max"))
    print("%-8s %10s %10s %10s" % ("baseline", fmt(b), fmt(min(base)),
                                   fmt(max(base))))
    for key in ("ready", "stop", "rtt", "pipe", "vm"):
        v = [r[key] for r in runs]
        print("%-8s %10s %10s %10s" % (key, fmt(statistics.median(v)),
                                       fmt(min(v)), fmt(max(v))))
    ready = statistics.median([r["ready"] for r in runs])
    print("ready / baseline = %.2f  (spawn to first reply, against spawn "
          "to exit of `dynamips --version`)" % (ready / b))
    rtt = statistics.median([r["rtt"] for r in runs])
    pipe = statistics.median([r["pipe"] for r in runs])
    print("rtt / pipelined = %.1f  (how much pipelining gains per command)"
          % (rtt / pipe))


if __name__ == "__main__":
    main()
