#!/usr/bin/python3
"""Network benchmark: frames per second through the Ethernet switch and
the hub of build/net_testd, for 64- and 1500-byte frames, over loopback
UDP NIOs, and the forwarder's CPU time per frame.

The baseline, measured in the same run, is a bare UDP relay (one
recvfrom() and one sendto() per frame, the system calls an NIO needs), so
the ratio shows what the switching itself costs on top of the sockets.

    make build/net_testd && /usr/bin/python3 bench/net_bench.py
    /usr/bin/python3 bench/net_bench.py --seconds 5 --sizes 64,512,1500

Loopback only; every process started here is ended by its id.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTD = ROOT / "build" / "net_testd"
LOADGEN = ROOT / "build" / "net_loadgen"
TICKS = os.sysconf("SC_CLK_TCK")


def free_udp_ports(n):
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
             for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def build_loadgen():
    src = ROOT / "bench" / "net_loadgen.c"
    if LOADGEN.exists() and LOADGEN.stat().st_mtime >= src.stat().st_mtime:
        return
    LOADGEN.parent.mkdir(exist_ok=True)
    subprocess.run(["cc", "-O2", "-D_GNU_SOURCE", "-o", str(LOADGEN),
                    str(src)], check=True)


def start_forwarder(kind, ports, tmp):
    """kind: relay | switch | hub. ports = (a, s1, b, s2): the generator's
    A and B sockets, the forwarder's input s1 and output s2."""
    a, s1, b, s2 = ports
    if kind == "relay":
        return subprocess.Popen([str(LOADGEN), "relay", str(s1), str(s2),
                                 str(b)])
    cfg = Path(tmp) / ("%s.cfg" % kind)
    lines = ["p1:udp:%d:127.0.0.1:%d" % (s1, a),
             "p2:udp:%d:127.0.0.1:%d" % (s2, b)]
    if kind == "switch":
        lines = ["IF:" + l for l in lines] + ["ACCESS:p1:1", "ACCESS:p2:1"]
    cfg.write_text("\n".join(lines) + "\n")
    p = subprocess.Popen([str(TESTD), "-E" if kind == "switch" else "-b",
                          str(cfg)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    return p


def run_one(kind, size, seconds, tmp):
    ports = free_udp_ports(4)
    fwd = start_forwarder(kind, ports, tmp)
    time.sleep(0.2)
    try:
        a, s1, b, s2 = ports
        c0 = cpu_seconds(fwd.pid)
        r = subprocess.run([str(LOADGEN), "gen", str(a), str(s1), str(b),
                            str(s2), str(size), str(seconds)],
                           capture_output=True, text=True, check=True)
        c1 = cpu_seconds(fwd.pid)
    finally:
        fwd.terminate()
        fwd.wait(10)
        if fwd.stdout:
            fwd.stdout.close()
    vals = dict(kv.split("=") for kv in r.stdout.split())
    received, secs = int(vals["received"]), float(vals["seconds"])
    fps = received / secs
    return {"fps": fps, "mbps": fps * size * 8 / 1e6,
            "us_per_frame": (c1 - c0) / max(received, 1) * 1e6,
            "loss": 1 - received / max(int(vals["sent"]), 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--sizes", default="64,1500")
    args = ap.parse_args()
    if not TESTD.exists():
        sys.exit("build/net_testd missing: run `make build/net_testd`")
    build_loadgen()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("%-8s %6s %12s %10s %14s %8s %10s" % (
        "device", "bytes", "frames/s", "Mbit/s", "CPU us/frame", "loss",
        "vs relay"))
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            base = None
            for kind in ("relay", "switch", "hub"):
                r = run_one(kind, size, args.seconds, tmp)
                if kind == "relay":
                    base = r
                print("%-8s %6d %12.0f %10.1f %14.2f %7.2f%% %9.2fx" % (
                    kind, size, r["fps"], r["mbps"], r["us_per_frame"],
                    100 * r["loss"], r["fps"] / base["fps"]))
                sys.stdout.flush()


if __name__ == "__main__":
    main()
