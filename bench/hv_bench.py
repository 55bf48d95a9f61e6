#!/usr/bin/python3
"""Hypervisor-mode timings and memory: how fast `dynamips -H` is ready to
serve and how fast it goes away, as gns3-server sees it (it probes the
version with `dynamips -P none`, spawns one process per node, connects with
retries, sends `hypervisor version`; at the end sends `hypervisor stop` and
kills the process after 3 s), how many requests per second it answers, and
how much memory an idle router adds.

Measured per run (wall clock, this host), each run in a new empty working
directory:
  probe         `dynamips -P none` spawn -> exit (gns3-server's version probe)
  ready         spawn -> reply to the first `hypervisor version`, in an
                empty working directory
  ready2        the same again in the directory the first process used
                (files it left there, e.g. caches, are present)
  rtt           one `hypervisor version` round trip on an open connection
  pipe          one `hypervisor version` when 1000 are pipelined
  create/set/delete
                requests per second when N `vm create`, then N `vm set_ram`,
                then N `vm delete` are pipelined (one write), per phase, and
                all 3N together
  start         `vm start` of a c7200 with the open firmware
                (guest/images/firmware/router-firmware.elf, 256 MB RAM,
                `vm set_ram_mmap 0`, i.e. -X) -> its reply
  first output  `vm start` sent -> first byte the guest writes on its TCP
                console (an upper bound of start -> first instruction)
  1st instr     `vm start` sent -> a byte that an image writes with its
                first instructions, read on the console (in a process with
                the telnet greeting, so the byte is replayed to a client
                connecting after it was written; our ROM monitor runs
                before the image, so this is an upper bound)
  vm stop, vm delete
                request -> reply, the router having booted
  stop          `hypervisor stop` -> process exit, after the above
  stop2         `hypervisor stop` -> exit of the second, idle process

Memory, once per binary (--vms N, default 4): N routers with the open
firmware are created and started one after the other, each waited for
until its console shows "Press RETURN to get started" (the firmware is then
idle at the prompt), for three RAM setups: `file` (vm set_ram_mmap 1: RAM
in a file mapped into the process), `anon` (vm set_ram_mmap 0, as -X) and
`sparse` (vm set_sparse_mem 1, gns3-server's default). Reported: the memory
(PSS, see memory()) the first router adds, the memory each further router
adds ((PSS with N - PSS with
1) / (N - 1)), and, in the `file` setup where the guest RAM is a mapping of
its own, the same without the guest RAM mappings (memory beyond guest RAM),
and where the added memory is, by mapping; also the CPU the idle routers use.

--reference PATH runs everything on that binary as well and prints
ours / reference ratios.

    /usr/bin/python3 bench/hv_bench.py [-n RUNS] [--dynamips PATH]
                                       [--reference PATH] [--vms N]
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRMWARE = ROOT / "guest" / "images" / "firmware" / "router-firmware.elf"
TICKS = os.sysconf("SC_CLK_TCK")
PROMPT = b"Press RETURN to get started"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Conn:
    """A hypervisor connection; replies are read line by line."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def reply(self):
        """The next final reply line (xxx-...), skipping 1xx info lines."""
        while True:
            while b"\r\n" not in self.buf:
                d = self.sock.recv(65536)
                if not d:
                    raise ConnectionError("hypervisor closed the connection")
                self.buf += d
            i = self.buf.index(b"\r\n")
            line, self.buf = self.buf[:i], self.buf[i + 2:]
            if len(line) >= 4 and line[3:4] == b"-":
                return line

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        r = self.reply()
        if not r.startswith(b"100-"):
            raise RuntimeError("%s -> %s" % (line, r.decode("latin1")))
        return r


def spawn(binary, cwd, greeting=False):
    """Starts `binary -H`; returns (process, connection, seconds from spawn
    to the first `hypervisor version` reply)."""
    port = free_port()
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "-H", "127.0.0.1:%d" % port] +
                         ([] if greeting else ["--notelnetmsg"]), cwd=cwd,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    # gns3-server style: connect with retries
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), 1)
            break
        except OSError:
            if p.poll() is not None:
                raise RuntimeError("%s exited with %d" % (binary,
                                                          p.returncode))
            if time.perf_counter() - t0 > 20:
                kill(p)
                raise RuntimeError("%s -H: no listener after 20 s" % binary)
            time.sleep(0.001)
    s.settimeout(60)
    c = Conn(s)
    c.cmd("hypervisor version")
    return p, c, time.perf_counter() - t0


def kill(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def hv_stop(p, c):
    """`hypervisor stop` -> process exit, in seconds (None: still running
    after 10 s, then killed)."""
    t = time.perf_counter()
    try:
        c.sock.sendall(b"hypervisor stop\n")
        c.reply()
        p.wait(10)
        dt = time.perf_counter() - t
    except (OSError, subprocess.TimeoutExpired):
        dt = None
    c.sock.close()
    kill(p)
    return dt


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


def console(port, timeout=10):
    deadline = time.perf_counter() + timeout
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), 1)
            s.settimeout(1)
            return s
        except OSError:
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.001)


def wait_console(s, pattern=None, timeout=60, seen=None):
    """Reads the console until pattern (or any guest byte when None);
    returns the time it arrived. seen: a bytearray that collects what was
    read, and whose earlier content counts (the pattern may have come
    along with the first byte, e.g. from the replay buffer)."""
    data = bytes(seen) if seen is not None else b""
    if pattern and pattern in strip_telnet(data):
        return time.perf_counter()
    deadline = time.perf_counter() + timeout
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            d = None
        now = time.perf_counter()
        if d == b"":
            raise RuntimeError("console closed")
        if d:
            data += d
            if seen is not None:
                seen += d
            text = strip_telnet(data)
            if (pattern is None and text) or (pattern and pattern in text):
                return now
        if now > deadline:
            raise RuntimeError("console: no %s after %d s (got %r)" % (
                pattern or "output", timeout, strip_telnet(data)[-200:]))


def show_logs(cwd, vm=None):
    """The end of the VM logs of a failed run, on stderr."""
    pattern = "*_%s_log.txt" % vm if vm else "*_log.txt"
    for f in sorted(Path(cwd).glob(pattern)):
        if re.search(r"_P\d+_log", f.name):
            continue  # the pipelined test's VM objects
        lines = f.read_text(errors="replace").splitlines()
        print("--- %s (last lines)" % f, file=sys.stderr)
        print("\n".join(lines[-15:]), file=sys.stderr)


def wait_booted(con, boot_timeout):
    """Waits until the firmware is at its prompt. Returns (time of the
    first guest byte or None, whether the boot output was lost): when
    nothing arrives in boot_timeout, RETURN is sent, and a "Router>" reply
    shows the router booted while its console output was not delivered."""
    first = None
    seen = bytearray()
    try:
        first = wait_console(con, timeout=boot_timeout, seen=seen)
        wait_console(con, PROMPT, timeout=boot_timeout, seen=seen)
        return first, False
    except RuntimeError:
        con.sendall(b"\r\n")
        wait_console(con, b"Router>", timeout=5)
        return first, True


def one_run(binary, tmp, nvm, a):
    cwd = tempfile.mkdtemp(prefix="run.", dir=tmp)
    r = {}
    p, c, r["ready"] = spawn(binary, cwd)
    try:
        n = 200
        t = time.perf_counter()
        for _ in range(n):
            c.cmd("hypervisor version")
        r["rtt"] = (time.perf_counter() - t) / n

        n = 1000
        t = time.perf_counter()
        c.sock.sendall(b"hypervisor version\n" * n)
        for _ in range(n):
            c.reply()
        r["pipe"] = (time.perf_counter() - t) / n

        # Pipelined VM objects: N creates, N set_ram, N deletes, one write.
        req = b"".join(b"vm create P%d %d c7200\n" % (i, 100 + i)
                       for i in range(nvm))
        req += b"".join(b"vm set_ram P%d 128\n" % i for i in range(nvm))
        req += b"".join(b"vm delete P%d\n" % i for i in range(nvm))
        marks, bad = [], 0
        t = time.perf_counter()
        c.sock.sendall(req)
        for k in range(3 * nvm):
            if not c.reply().startswith(b"100-"):
                bad += 1
            if k % nvm == nvm - 1:
                marks.append(time.perf_counter())
        if bad:
            raise RuntimeError("%d pipelined vm requests failed" % bad)
        r["create"] = nvm / (marks[0] - t)
        r["set"] = nvm / (marks[1] - marks[0])
        r["delete"] = nvm / (marks[2] - marks[1])
        r["csd"] = 3 * nvm / (marks[2] - t)

        # One router: start, first console output, stop, delete.
        cport = free_port()
        for line in ('vm create "B1" 1 c7200',
                     'vm set_ios "B1" "%s"' % FIRMWARE,
                     'vm set_ram "B1" 256',
                     'vm set_ram_mmap "B1" 0',
                     'vm set_con_tcp_port "B1" %d' % cport):
            c.cmd(line)
        t = time.perf_counter()
        c.cmd('vm start "B1"')
        r["start"] = time.perf_counter() - t
        con = console(cport)
        r["first"], lost = None, False
        try:
            first, lost = wait_booted(con, a.boot_timeout)
            if first and not lost:
                r["first"] = first - t
        except RuntimeError as e:
            # Counted as a failed run of this row; the rest goes on.
            print("hv_bench: %s: router B1: %s" % (binary, e),
                  file=sys.stderr)
            show_logs(cwd, "B1")
            r["boot_failed"] = 1
        if lost:
            r["console_lost"] = 1
        t = time.perf_counter()
        c.cmd('vm stop "B1"')
        r["vmstop"] = time.perf_counter() - t
        con.close()
        t = time.perf_counter()
        c.cmd('vm delete "B1"')
        r["vmdelete"] = time.perf_counter() - t
    except BaseException:
        c.sock.close()
        kill(p)
        show_logs(cwd)
        raise
    r["stop"] = hv_stop(p, c)

    # The same directory again, idle.
    p, c, r["ready2"] = spawn(binary, cwd)
    r["stop2"] = hv_stop(p, c)
    shutil.rmtree(cwd, ignore_errors=True)
    return r


MARK = b"@"  # what the first-instruction image writes


def mark_image(path):
    """An image whose first instructions write MARK on the console (DUART
    channel A data register, c7200.md §9), then spin."""
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    from elfgen import NOP, addiu, beq, elf, lui, seg, sw
    entry = 0x80008000  # where images are linked (guest/README)
    t0, t2 = 8, 10
    code = [lui(t0, 0xBE84), addiu(t2, 0, MARK[0]), sw(t2, 0x41C, t0),
            beq(0, 0, -1), NOP]
    path.write_bytes(elf(entry, [seg(entry, code)]))


def first_instruction(binary, tmp, a_timeout=10):
    """`vm start` sent -> MARK, written by the image's first instructions,
    read on the console (on our side the ROM monitor runs before the
    image, so this bounds the time to the ROM's first instruction from
    above). The console client connects once the reply is in and gets
    MARK from the replay buffer if it came earlier: hence a process with
    the telnet greeting, the only way the reference replays output."""
    cwd = tempfile.mkdtemp(prefix="mark.", dir=tmp)
    image = Path(cwd) / "mark.elf"
    mark_image(image)
    p, c, _ = spawn(binary, cwd, greeting=True)
    try:
        cport = free_port()
        for line in ('vm create "F1" 1 c7200',
                     'vm set_ios "F1" "%s"' % image,
                     'vm set_ram "F1" 64',
                     'vm set_ram_mmap "F1" 0',
                     'vm set_con_tcp_port "F1" %d' % cport):
            c.cmd(line)
        t = time.perf_counter()
        c.cmd('vm start "F1"')
        con = console(cport)
        try:
            dt = wait_console(con, MARK, timeout=a_timeout) - t
        except RuntimeError as e:
            print("hv_bench: %s: first instruction: %s" % (binary, e),
                  file=sys.stderr)
            dt = None
        con.close()
        c.cmd('vm stop "F1"')
        c.cmd('vm delete "F1"')
    except BaseException:
        c.sock.close()
        kill(p)
        raise
    hv_stop(p, c)
    shutil.rmtree(cwd, ignore_errors=True)
    return dt


def probe(binary, tmp):
    cwd = tempfile.mkdtemp(prefix="probe.", dir=tmp)
    t = time.perf_counter()
    subprocess.run([binary, "-P", "none"], cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    shutil.rmtree(cwd, ignore_errors=True)
    return dt


def memory(pid):
    """PSS in KiB per kind of mapping, from smaps: the file name (the VM's
    own name replaced by *, e.g. c7200_M*_ram), [heap], [anon], ...
    PSS rather than RSS: a page mapped twice in the process (the JIT's
    code buffer has a writable and an executable view of the same memory)
    counts once, and pages shared with other processes (libraries, the
    page cache of a file another process maps too) count for their share."""
    groups = {}
    key = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                parts = line.split(None, 5)
                name = parts[5].strip() if len(parts) == 6 else ""
                name = os.path.basename(name) if name.startswith("/") \
                    else name
                key = re.sub(r"_M\d+_", "_M*_", name) or "[anon]"
            elif line.startswith("Pss:"):
                groups[key] = groups.get(key, 0) + int(line.split()[1])
    return groups


def split_ram(groups):
    """(total PSS, PSS of the guest RAM files *_ram) in KiB."""
    total = sum(groups.values())
    ram = sum(v for k, v in groups.items() if k.endswith("_ram"))
    return total, ram


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


MEM_MODES = {"file": (1, 0), "anon": (0, 0), "sparse": (1, 1)}


def mem_run(binary, tmp, mode, nvms, ram, settle, boot_timeout):
    mmap, sparse = MEM_MODES[mode]
    cwd = tempfile.mkdtemp(prefix="mem.", dir=tmp)
    p, c, _ = spawn(binary, cwd)
    cons = []
    lost_count = 0
    try:
        samples = {0: memory(p.pid)}
        for k in range(1, nvms + 1):
            name = "M%d" % k
            cport = free_port()
            for line in ('vm create %s %d c7200' % (name, k),
                         'vm set_ios %s "%s"' % (name, FIRMWARE),
                         'vm set_ram %s %d' % (name, ram),
                         'vm set_ram_mmap %s %d' % (name, mmap),
                         'vm set_sparse_mem %s %d' % (name, sparse),
                         'vm set_con_tcp_port %s %d' % (name, cport),
                         'vm start %s' % name):
                c.cmd(line)
            con = console(cport)
            cons.append(con)
            _, lost = wait_booted(con, boot_timeout)
            lost_count += lost
            if k == 1 or k == nvms:
                time.sleep(settle)
                samples[k] = memory(p.pid)
        c0, t0 = cpu_seconds(p.pid), time.perf_counter()
        time.sleep(2)
        idle = (cpu_seconds(p.pid) - c0) / (time.perf_counter() - t0) / nvms
        for k in range(1, nvms + 1):
            c.cmd("vm stop M%d" % k)
            c.cmd("vm delete M%d" % k)
    except BaseException:
        for con in cons:
            con.close()
        c.sock.close()
        kill(p)
        show_logs(cwd)
        raise
    for con in cons:
        con.close()
    hv_stop(p, c)
    shutil.rmtree(cwd, ignore_errors=True)
    (t0_, r0), (t1, r1), (tn, rn) = (split_ram(samples[k])
                                     for k in (0, 1, nvms))
    res = {"first": (t1 - t0_) / 1024, "idle_cpu": idle, "lost": lost_count}
    if nvms > 1:
        res["added"] = (tn - t1) / (nvms - 1) / 1024
        res["added_noram"] = ((tn - rn) - (t1 - r1)) / (nvms - 1) / 1024
        res["added_ram"] = (rn - r1) / (nvms - 1) / 1024
        g1, gn = samples[1], samples[nvms]
        res["groups"] = sorted(
            ((k, (gn.get(k, 0) - g1.get(k, 0)) / (nvms - 1) / 1024)
             for k in set(g1) | set(gn)), key=lambda kv: -kv[1])
    return res


def fmt(sec):
    if sec is None:
        return "-"
    if sec >= 1:
        return "%.2f s" % sec
    if sec >= 1e-3:
        return "%.2f ms" % (sec * 1e3)
    return "%.1f us" % (sec * 1e6)


def fmt_rate(x):
    return "%.0f/s" % x if x is not None else "-"


ROWS = [  # key, label, formatter, higher is better
    ("probe", "probe (-P none)", fmt, False),
    ("ready", "ready, empty dir", fmt, False),
    ("ready2", "ready, used dir", fmt, False),
    ("rtt", "rtt", fmt, False),
    ("pipe", "pipelined, each", fmt, False),
    ("create", "vm create, pipelined", fmt_rate, True),
    ("set", "vm set_ram, pipelined", fmt_rate, True),
    ("delete", "vm delete, pipelined", fmt_rate, True),
    ("csd", "create/set/delete", fmt_rate, True),
    ("start", "vm start (reply)", fmt, False),
    ("first", "start -> 1st output", fmt, False),
    ("instr", "start -> 1st instr", fmt, False),
    ("vmstop", "vm stop", fmt, False),
    ("vmdelete", "vm delete", fmt, False),
    ("stop", "stop (after VMs)", fmt, False),
    ("stop2", "stop (idle)", fmt, False),
]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def measure(binary, a, tmp, ours=True):
    probe(binary, tmp)  # warm the page cache
    res = {"probe": [probe(binary, tmp) for _ in range(a.n)]}
    for i in range(a.n):
        r = one_run(binary, tmp, a.pipelined_vms, a)
        # The reference loads ELF images by section headers, which the
        # mark image has none of: the row is ours only.
        if ours:
            r["instr"] = first_instruction(binary, tmp)
        for k, v in r.items():
            res.setdefault(k, []).append(v)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10, help="runs (default 10)")
    ap.add_argument("--dynamips", default=str(ROOT / "build" / "dynamips"))
    ap.add_argument("--reference", metavar="PATH",
                    help="another dynamips binary to measure the same way")
    ap.add_argument("--pipelined-vms", type=int, default=500,
                    help="VM objects in the pipelined test (default 500)")
    ap.add_argument("--vms", type=int, default=4,
                    help="idle routers in the memory test (default 4; "
                         "0 skips it)")
    ap.add_argument("--ram", type=int, default=256,
                    help="guest RAM of those routers in MiB (default 256)")
    ap.add_argument("--settle", type=float, default=2.0,
                    help="seconds to wait before sampling memory")
    ap.add_argument("--boot-timeout", type=float, default=10.0,
                    help="seconds a router may take to reach its prompt "
                         "(default 10)")
    a = ap.parse_args()
    bins = [("ours", os.path.abspath(a.dynamips))]
    if a.reference:
        bins.append(("reference", os.path.abspath(a.reference)))
    for _, b in bins:
        if not os.access(b, os.X_OK):
            sys.exit("hv_bench: %s not built or not executable" % b)
    if not FIRMWARE.exists():
        sys.exit("hv_bench: %s missing (make firmware)" % FIRMWARE)

    res, mem = {}, {}
    with tempfile.TemporaryDirectory(prefix="hv_bench.") as tmp:
        for name, b in bins:
            res[name] = measure(b, a, tmp, name == "ours")
        if a.vms > 0:
            for name, b in bins:
                for mode in MEM_MODES:
                    for attempt in (1, 2):
                        try:
                            mem[(name, mode)] = mem_run(
                                b, tmp, mode, a.vms, a.ram, a.settle,
                                a.boot_timeout)
                            break
                        except RuntimeError as e:
                            print("hv_bench: memory, %s, %s, attempt %d: %s"
                                  % (name, mode, attempt, e),
                                  file=sys.stderr)
                            mem[(name, mode)] = None

    print("hv_bench: %d runs, medians (min-max)" % a.n)
    for name, b in bins:
        print("%-9s %s" % (name + ":", b))
    head = "%-22s %22s" % ("", "ours")
    if a.reference:
        head += " %22s %9s" % ("reference", "ours/ref")
    print(head)
    for key, label, f, _ in ROWS:
        line = "%-22s" % label
        meds = []
        for name, _ in bins:
            v = [x for x in res[name].get(key, []) if x is not None]
            m = median(v)
            meds.append(m)
            cell = "%s (%s-%s)" % (f(m), f(min(v)), f(max(v))) if v else "-"
            if len(v) < len(res[name].get(key, [])):
                cell += " [%d failed]" % (len(res[name][key]) - len(v))
            line += " %22s" % cell
        if a.reference:
            line += " %9s" % ("%.3f" % (meds[0] / meds[1])
                              if meds[0] and meds[1] else "-")
        print(line)
    print("create/set/delete: %d VM objects per phase; rates are requests "
          "per second" % a.pipelined_vms)
    if a.reference:
        print("start -> 1st instr: ours only (the reference loads ELF "
              "images by their section headers; the mark image has none)")
    for name, _ in bins:
        nf = len(res[name].get("boot_failed", []))
        if nf:
            print("%s: the router did not reach its prompt in %d of %d runs "
                  "(see stderr)" % (name, nf, a.n))
        nl = len(res[name].get("console_lost", []))
        if nl:
            print("%s: in %d of %d runs the console delivered none of the "
                  "boot output (the router answered RETURN with its prompt);"
                  " those runs have no `start -> 1st output`" % (name, nl,
                                                                  a.n))
    if mem:
        print()
        print("memory: %d idle c7200 routers (open firmware at its prompt), "
              "%d MiB guest RAM each; MiB of PSS" % (a.vms, a.ram))
        head = "%-10s %-7s %9s %11s %14s %12s %10s" % (
            "", "RAM", "first VM", "per added", "beyond guest", "guest RAM",
            "idle CPU")
        print(head)
        print("%-10s %-7s %9s %11s %14s %12s %10s" % (
            "", "", "", "VM", "RAM, per VM", "per VM", "per VM"))
        for name, _ in bins:
            for mode in MEM_MODES:
                m = mem[(name, mode)]
                if m is None:
                    print("%-10s %-7s %9s" % (name, mode, "failed"))
                    continue
                file_mode = mode == "file"
                print("%-10s %-7s %9.2f %11s %14s %12s %9.1f%%" % (
                    name, mode, m["first"],
                    "%.2f" % m["added"] if "added" in m else "-",
                    "%.2f" % m["added_noram"] if file_mode and
                    "added" in m else "-",
                    "%.2f" % m["added_ram"] if file_mode and
                    "added" in m else "-",
                    100 * m["idle_cpu"]))
        for name, _ in bins:
            lost = sum(mem[(name, m)]["lost"] for m in MEM_MODES
                       if mem[(name, m)])
            if lost:
                print("%s: %d of %d routers delivered no boot output on "
                      "their console (they answered RETURN)" % (
                          name, lost, a.vms * len(MEM_MODES)))
        for name, _ in bins:
            m = mem.get((name, "file"))
            if m and "groups" in m:
                top = ["%s %.2f" % kv for kv in m["groups"][:5]
                       if kv[1] >= 0.05]
                print("%s, file, MiB per added VM by mapping: %s"
                      % (name, ", ".join(top)))
        o, r = mem.get(("ours", "file")), mem.get(("reference", "file"))
        if a.reference and a.vms > 1 and o and r:
            print("beyond guest RAM per added VM, ours / reference: %.2f"
                  % (o["added_noram"] / r["added_noram"]
                     if r["added_noram"] > 0 else float("nan")))


if __name__ == "__main__":
    main()
