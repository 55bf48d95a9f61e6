#!/usr/bin/python3
"""CPU benchmark: the same C workload run natively and on the emulated c7200.

The workload (guest/bench/workload.c: CRC-32, quicksort, a bytecode
interpreter, 64-bit multiply/divide) is compiled

  * for the host with gcc -O2 into build/bench/cpu_bench_native, and
  * for the guest at -O2 into guest/images/bench/cpu_bench.elf (committed,
    rebuilt by `make firmware`).

The emulated image runs on both execution engines: the interpreter
(`dynamips -j`) and the x86-64 translator (`dynamips --jit`). All runs print
the same checksums; this script checks that they agree, then prints the
median workload time of native code and of each engine, the ratios and
the guest's speed in millions of MIPS instructions per second. The
instruction count comes from one extra run per engine with --deterministic,
where CP0 Count advances once per two executed instructions; the guest
reads Count around each kernel. The two deterministic runs must report the
same counts (the translator is exact).

Times are those of the workload alone: the native program reads
CLOCK_MONOTONIC around it; for the emulator, the script timestamps the
console lines "bench start" and "bench end" as they arrive (the ROM boot
and process start-up are left out, and shown separately).

On a busy host the wall-clock times above swing with the load; the CPU
time the emulator process spent between the same two lines (all its
threads, from /proc/PID/task/*/schedstat) is steadier and is printed as
well, and so is our CPU time / the reference's.

--reference PATH runs the same image on another dynamips binary as well
(`PATH [-j] -P 7200 -X -r 64 -T <port> image`, both of its engines), reading
the guest's console over TCP and timestamping the same two lines, and prints
our time / its time per engine. Its guest speed in MIPS uses our instruction
count: the workload between the two lines executes the same instructions
on any correct emulator.

Usage: /usr/bin/python3 bench/cpu_bench.py [-n REPS] [--dynamips PATH]
                                          [--engine interp|jit|both]
                                          [--reference PATH]
Exit status: 0 on success, 1 if a run failed or the checksums differ.
"""

import argparse
import glob
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NATIVE_SRCS = ["bench/native_main.c", "guest/bench/workload.c"]
NATIVE_DEPS = NATIVE_SRCS + ["guest/bench/workload.h"]
NATIVE_BIN = "build/bench/cpu_bench_native"
IMAGE = "guest/images/bench/cpu_bench.elf"
EMU_ARGS = ["-P", "7200", "-X", "-r", "64"]
ENGINES = {"interp": ["-j"], "jit": ["--jit"]}
RUN_TIMEOUT = 300  # seconds, per emulator run


class BenchError(Exception):
    pass


def rel(path):
    return os.path.join(ROOT, path)


def build_native(cc):
    """Compiles the native workload unless the binary is up to date."""
    out = rel(NATIVE_BIN)
    if os.path.exists(out):
        built = os.path.getmtime(out)
        if all(os.path.getmtime(rel(p)) <= built for p in NATIVE_DEPS):
            return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    cmd = [cc, "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror",
           "-I" + rel("guest/bench")] + [rel(p) for p in NATIVE_SRCS] + \
          ["-o", out]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise BenchError("native build failed:\n%s\n%s"
                         % (" ".join(cmd), r.stderr))
    return out


def parse_results(lines, what):
    """Checksums and per-kernel figures from a run's output lines."""
    res = {"kernels": {}, "checksum": None, "count": {}, "time_ns": {}}
    for line in lines:
        f = line.split()
        if len(f) == 3 and f[0] == "kernel":
            res["kernels"][f[1]] = f[2]
        elif len(f) == 2 and f[0] == "checksum":
            res["checksum"] = f[1]
        elif len(f) == 3 and f[0] in ("count", "time_ns"):
            res[f[0]][f[1]] = int(f[2])
    if res["checksum"] is None or not res["kernels"]:
        raise BenchError("%s printed no checksum; its output was:\n%s"
                         % (what, "\n".join(lines[-30:])))
    return res


def run_native(binary):
    r = subprocess.run([binary], capture_output=True, text=True,
                       timeout=RUN_TIMEOUT)
    if r.returncode != 0:
        raise BenchError("native run exited with %d:\n%s"
                         % (r.returncode, r.stderr))
    res = parse_results(r.stdout.splitlines(), "the native program")
    res["seconds"] = res["time_ns"]["total"] / 1e9
    return res


def proc_cpu_s(pid):
    """(CPU time of the threads of process pid so far in seconds, their
    ids), or None."""
    total, tids = 0, set()
    for path in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])  # ns on the CPU
            tids.add(path.split("/")[4])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended
    return (total / 1e9, tids) if tids else None


def cpu_span(cpu_marks):
    """CPU time between the marks; None when unknown, or when a thread
    ended in between (its time is gone from /proc)."""
    a, b = cpu_marks.get("bench start"), cpu_marks.get("bench end")
    if a is None or b is None or not a[1] <= b[1]:
        return None
    return b[0] - a[0]


def run_emulated(dynamips, image, engine, deterministic=False):
    """One emulator run in a scratch directory, console lines timestamped."""
    workdir = tempfile.mkdtemp(prefix="cpu_bench.")
    cmd = [dynamips] + ENGINES[engine] + EMU_ARGS + \
        (["--deterministic"] if deterministic else []) + [image]
    lines, marks, cpu_marks = [], {}, {}
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=workdir, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             bufsize=0)
        try:
            for raw in iter(p.stdout.readline, b""):
                now = time.perf_counter()
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                lines.append(line)
                if line in ("bench start", "bench end"):
                    marks[line] = now
                    cpu_marks[line] = proc_cpu_s(p.pid)
                if now - t0 > RUN_TIMEOUT:
                    raise BenchError("emulator run took more than %d s"
                                     % RUN_TIMEOUT)
            rc = p.wait(timeout=RUN_TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        wall = time.perf_counter() - t0
        err = p.stderr.read().decode("utf-8", "replace")
        p.stdout.close()
        p.stderr.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if rc != 0:
        raise BenchError("%s exited with %d:\n%s\n%s"
                         % (" ".join(cmd), rc, "\n".join(lines[-20:]), err))
    res = parse_results(lines, "the emulated image")
    if "bench start" not in marks or "bench end" not in marks:
        raise BenchError("the emulated image printed no bench start/end "
                         "lines")
    res["seconds"] = marks["bench end"] - marks["bench start"]
    res["startup"] = marks["bench start"] - t0
    res["wall"] = wall
    res["cpu"] = cpu_span(cpu_marks)
    return res


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def strip_telnet(data):
    """Console bytes without telnet commands (IAC sequences)."""
    out, i = bytearray(), 0
    while i < len(data):
        b = data[i]
        if b == 255 and i + 1 < len(data):
            cmd = data[i + 1]
            if cmd == 255:
                out.append(255)
                i += 2
            elif cmd == 250:  # SB ... IAC SE
                j = data.find(b"\xff\xf0", i + 2)
                i = len(data) if j < 0 else j + 2
            elif 251 <= cmd <= 254:
                i += 3
            else:
                i += 2
        else:
            out.append(b)
            i += 1
    return bytes(out)


def run_reference(binary, image, engine):
    """One run of another dynamips binary, console on TCP (its console on
    the terminal needs a tty). The guest's lines are timestamped as they
    arrive; after the last one the process is terminated: it does not have
    to exit by itself when the guest halts."""
    workdir = tempfile.mkdtemp(prefix="cpu_bench_ref.")
    port = free_port()
    cmd = [binary] + (["-j"] if engine == "interp" else []) + EMU_ARGS + \
        ["-T", str(port), image]
    lines, marks, cpu_marks, raw = [], {}, {}, b""
    p = None
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=workdir, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        while True:
            try:
                s = socket.create_connection(("127.0.0.1", port), 1)
                break
            except OSError:
                if p.poll() is not None:
                    raise BenchError("%s exited with %d before its console "
                                     "opened" % (" ".join(cmd), p.returncode))
                if time.perf_counter() - t0 > 30:
                    raise BenchError("%s: no console after 30 s"
                                     % " ".join(cmd))
                time.sleep(0.002)
        s.settimeout(1)
        done = False
        with s:
            while not done:
                try:
                    d = s.recv(65536)
                except socket.timeout:
                    d = None
                now = time.perf_counter()
                if now - t0 > RUN_TIMEOUT:
                    raise BenchError("%s took more than %d s"
                                     % (" ".join(cmd), RUN_TIMEOUT))
                if d == b"":
                    break
                if not d:
                    continue
                raw += d
                text = strip_telnet(raw)
                complete, _, _ = text.rpartition(b"\n")
                new_lines = complete.split(b"\n")[len(lines):] \
                    if complete else []
                for ln in new_lines:
                    line = ln.decode("utf-8", "replace").rstrip("\r")
                    lines.append(line)
                    if line in ("bench start", "bench end"):
                        marks[line] = now
                        cpu_marks[line] = proc_cpu_s(p.pid)
                    if line.startswith("count total"):
                        done = True
    finally:
        if p is not None and p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    res = parse_results(lines, "the image on the reference")
    if "bench start" not in marks or "bench end" not in marks:
        raise BenchError("the image printed no bench start/end lines on "
                         "the reference")
    res["seconds"] = marks["bench end"] - marks["bench start"]
    res["startup"] = marks["bench start"] - t0
    res["cpu"] = cpu_span(cpu_marks)
    return res


def median_cpu(runs):
    """Median CPU time of the runs where it could be read (None when that
    is fewer than half of them)."""
    v = [r["cpu"] for r in runs if r["cpu"] is not None]
    return statistics.median(v) if 2 * len(v) >= len(runs) else None


def times(ratio):
    """A ratio to native as printed: two decimals under 10x."""
    return "%.2fx" % ratio if ratio < 10 else "%.0fx" % ratio


def same_results(a, b):
    return a["checksum"] == b["checksum"] and a["kernels"] == b["kernels"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--reps", type=int, default=3,
                    help="runs of each kind; the median is reported "
                         "(default 3)")
    ap.add_argument("--dynamips", default=rel("build/dynamips"),
                    help="emulator binary (default build/dynamips)")
    ap.add_argument("--image", default=rel(IMAGE),
                    help="guest image (default %s)" % IMAGE)
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"),
                    help="host compiler (default $CC or gcc)")
    ap.add_argument("--engine", choices=["interp", "jit", "both"],
                    default="both",
                    help="execution engine(s) to measure (default both)")
    ap.add_argument("--reference", metavar="PATH",
                    help="another dynamips binary to run the image on "
                         "(its interpreter, -j, and its JIT)")
    ap.add_argument("--pin", type=int, metavar="CPU",
                    help="run everything (native, ours, the reference) on "
                         "this one host CPU: without it, the scheduler "
                         "moving the emulator's CPU thread between cores "
                         "makes single runs up to 30%% slower")
    args = ap.parse_args()
    if args.pin is not None:
        try:
            os.sched_setaffinity(0, {args.pin})  # children inherit it
        except (OSError, ValueError) as e:
            ap.error("--pin %d: %s" % (args.pin, e))
    args.dynamips = os.path.abspath(args.dynamips)
    args.image = os.path.abspath(args.image)
    if args.reference:
        args.reference = os.path.abspath(args.reference)
    if args.reps < 1:
        ap.error("--reps must be at least 1")
    engines = ["interp", "jit"] if args.engine == "both" else [args.engine]

    try:
        for path, hint in ((args.dynamips, "run `make` first"),
                           (args.image, "run `make firmware`")):
            if not os.path.exists(path):
                raise BenchError("%s not found (%s)" % (path, hint))
        native_bin = build_native(args.cc)

        natives = [run_native(native_bin) for _ in range(args.reps)]
        emus, dets = {}, {}
        for e in engines:
            emus[e] = [run_emulated(args.dynamips, args.image, e)
                       for _ in range(args.reps)]
            dets[e] = run_emulated(args.dynamips, args.image, e,
                                   deterministic=True)
        refs = {}
        if args.reference:
            if not os.access(args.reference, os.X_OK):
                raise BenchError("%s is not executable" % args.reference)
            for e in engines:
                refs[e] = [run_reference(args.reference, args.image, e)
                           for _ in range(args.reps)]

        ref = natives[0]
        checks = [(r, "native run") for r in natives]
        for e in engines:
            checks += [(r, "%s run" % e) for r in emus[e]]
            checks += [(dets[e], "deterministic %s run" % e)]
            checks += [(r, "reference %s run" % e) for r in refs.get(e, [])]
        for r, what in checks:
            if not same_results(ref, r):
                raise BenchError(
                    "checksum mismatch: native %s %s, %s %s %s"
                    % (ref["checksum"], ref["kernels"], what,
                       r["checksum"], r["kernels"]))
        if len(engines) == 2 and dets["interp"]["count"] != dets["jit"]["count"]:
            raise BenchError("deterministic runs differ: interpreter Count "
                             "%s, JIT Count %s" % (dets["interp"]["count"],
                                                   dets["jit"]["count"]))
    except (BenchError, OSError, subprocess.TimeoutExpired) as e:
        print("cpu_bench: %s" % e, file=sys.stderr)
        return 1

    native_s = statistics.median(r["seconds"] for r in natives)
    insns = 2 * dets[engines[0]]["count"]["total"]
    kernels = list(ref["kernels"])
    emu_s = {e: statistics.median(r["seconds"] for r in emus[e])
             for e in engines}

    print("cpu_bench: %d kernels (%s), checksum %s on host and guest"
          % (len(kernels), ", ".join(kernels), ref["checksum"]))
    print("guest instructions %d (--deterministic run%s)"
          % (insns, ", identical on both engines" if len(engines) == 2
             else ""))
    print()
    print("%-12s %9s %9s %11s   %s" % ("", "seconds", "vs native", "guest MIPS",
                                       "(median of %d)" % args.reps))
    print("%-12s %9.3f %9s %11s   %s -O2" % ("native", native_s, "1x", "-",
                                            args.cc))
    names = {"interp": "interpreter", "jit": "JIT"}
    for e in engines:
        wall = statistics.median(r["wall"] for r in emus[e])
        print("%-12s %9.3f %9s %11.1f   dynamips %s %s; whole process "
              "%.2f s" % (names[e], emu_s[e], times(emu_s[e] / native_s),
                          insns / emu_s[e] / 1e6, " ".join(ENGINES[e]),
                          " ".join(EMU_ARGS), wall))
    ref_s = {e: statistics.median(r["seconds"] for r in refs[e])
             for e in refs}
    for e in engines:
        if e not in refs:
            continue
        start = statistics.median(r["startup"] for r in refs[e])
        print("%-12s %9.3f %9s %11.1f   reference %s%s; spawn to "
              "bench start %.2f s" % (
                  "ref " + {"interp": "interp", "jit": "JIT"}[e], ref_s[e],
                  times(ref_s[e] / native_s), insns / ref_s[e] / 1e6,
                  "-j " if e == "interp" else "", " ".join(EMU_ARGS), start))
    if len(engines) == 2:
        print("JIT speed-up over the interpreter: %.1fx"
              % (emu_s["interp"] / emu_s["jit"]))
    if refs:
        if len(engines) == 2:
            print("reference JIT speed-up over its interpreter: %.1fx"
                  % (ref_s["interp"] / ref_s["jit"]))
        print("ours / reference (time, lower is better): %s" % ", ".join(
            "%s %.3f" % (names[e], emu_s[e] / ref_s[e]) for e in engines))
        cpu = {e: (median_cpu(emus[e]), median_cpu(refs[e]))
               for e in engines}
        cpu = {e: v for e, v in cpu.items() if v[0] and v[1]}
        if cpu:
            print("CPU time of the workload, ours / reference: %s" %
                  ", ".join("%s %.3f s / %.3f s = %.3f" % (
                      names[e], cpu[e][0], cpu[e][1], cpu[e][0] / cpu[e][1])
                      for e in engines if e in cpu))
        print("spawn to bench start: ours %s" % ", ".join(
            "%s %.3f s" % (names[e], statistics.median(
                r["startup"] for r in emus[e])) for e in engines))

    # Per kernel: the emulated time is the kernel's share of Count in the
    # normal runs (Count follows host time there).
    print()
    head = "%-8s %10s %10s" % ("kernel", "native ms", "guest Minsn")
    for e in engines:
        head += " %9s %7s %7s" % (names[e][:6] + " ms", "ratio", "MIPS")
    print(head)
    for k in kernels:
        nat = statistics.median(r["time_ns"][k] for r in natives) / 1e6
        kins = 2 * dets[engines[0]]["count"][k]
        line = "%-8s %10.2f %10.1f" % (k, nat, kins / 1e6)
        for e in engines:
            emu = statistics.median(
                r["count"][k] / r["count"]["total"] * r["seconds"]
                for r in emus[e]) * 1e3
            line += " %9.1f %7s %7.1f" % (
                emu, times(emu / nat) if nat else "-",
                kins / (emu / 1e3) / 1e6 if emu else 0.0)
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
