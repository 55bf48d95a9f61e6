#!/usr/bin/env python3
"""Host CPU of an idle router: idle-PC by hand, automatic idle detection
only, neither (issue 9). Ratios against "neither", measured in the same run.

    /usr/bin/python3 bench/idle_bench.py            # 10 s per case
    /usr/bin/python3 bench/idle_bench.py -t 5 --dynamips build/dynamips

Guests (tests/integration/idle_guests.py), each run as `dynamips -P 7200
-X -r 16`:
  count-wait  spin-waits on the Count register, 10 ms ticks, no WAIT and
              no interrupt: the hard case for automatic detection
  irq-flag    Count/Compare interrupt every 10 ms sets a RAM flag the main
              loop spins on (no WAIT)
  spin        `b .` forever
  firmware    the project's firmware at its prompt (idles with WAIT, which
              sleeps in every mode; shown for reference)
CPU time is the sum over the process's threads (schedstat, ns), after 2 s
of warm-up; "cpu thread" is the emulated CPU's thread alone.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import idle_guests as g  # noqa: E402

FIRMWARE = ROOT / "guest" / "images" / "firmware" / "router-firmware.elf"


def thread_ns(pid):
    out = {}
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                out[t] = int(f.read().split()[0])
        except OSError:
            pass
    return out


def measure(emu, image, args, seconds, cwd, console=False):
    cmd = [str(emu), "-P", "7200", "-X", "-r", "16" if not console else "64"]
    port = None
    if console:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cmd += ["-T", str(port)]
    p = subprocess.Popen(cmd + list(args) + [str(image)], cwd=cwd,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    sock = None
    try:
        if console:   # firmware: get it to its prompt
            deadline = time.monotonic() + 10
            while sock is None:
                try:
                    sock = socket.create_connection(("127.0.0.1", port), 1)
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            time.sleep(1.0)
            sock.sendall(b"\r")
        time.sleep(2.0)
        a, t0 = thread_ns(p.pid), time.monotonic()
        time.sleep(seconds)
        b, t1 = thread_ns(p.pid), time.monotonic()
    finally:
        if sock:
            sock.close()
        p.send_signal(signal.SIGTERM)
        p.wait(10)
    wall = (t1 - t0) * 1e9
    per = {t: (b[t] - a.get(t, 0)) / wall for t in b}
    total = sum(per.values())
    # the emulated CPU is the busiest thread that is not the main one
    cpu = max((v for t, v in per.items() if t != str(p.pid)), default=0)
    return total, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-t", "--seconds", type=float, default=10.0)
    ap.add_argument("--dynamips", default=str(ROOT / "build" / "dynamips"))
    ap.add_argument("--guest", action="append",
                    help="count-wait, irq-flag, spin, firmware (default all)")
    a = ap.parse_args()
    emu = Path(a.dynamips)
    cases = {
        "count-wait": (g.count_wait_image(), g.COUNT_WAIT_LOOP),
        "irq-flag": (g.irq_flag_image(), g.IRQ_FLAG_LOOP),
        "spin": (g.spin_image(), g.ENTRY),
        "firmware": (None, None),
    }
    guests = a.guest or list(cases)
    print("idle_bench: host CPU of an idle router over %.0f s (%% of one "
          "core; process total / CPU thread)" % a.seconds)
    print("%-11s %-22s %-22s %-22s %s" % ("guest", "(a) idle-PC by hand",
                                          "(b) automatic only",
                                          "(c) neither", "c/a   c/b"))
    with tempfile.TemporaryDirectory() as tmp:
        for name in guests:
            blob, pc = cases[name]
            if blob is None:
                image, console = FIRMWARE, True
            else:
                image, console = Path(tmp) / (name + ".elf"), False
                image.write_bytes(blob)
            runs = {}
            hand = ["--no-auto-idle"] + (["--idle-pc", "0x%x" % pc]
                                         if pc else [])
            for key, args in (("a", hand), ("b", []),
                              ("c", ["--no-auto-idle"])):
                if key == "a" and not pc:
                    runs[key] = None
                    continue
                runs[key] = measure(emu, image, args, a.seconds, tmp,
                                    console)

            def fmt(r):
                return "-" if r is None else \
                    "%6.2f%% / %6.2f%%" % (r[0] * 100, r[1] * 100)

            def ratio(x, y):
                return "-" if not x or not y or y[0] == 0 else \
                    "%5.0fx" % (x[0] / y[0])
            print("%-11s %-22s %-22s %-22s %s %s" % (
                name, fmt(runs["a"]), fmt(runs["b"]), fmt(runs["c"]),
                ratio(runs["c"], runs["a"]), ratio(runs["c"], runs["b"])))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
