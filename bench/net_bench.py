#!/usr/bin/python3
"""Network benchmark: frames per second through the Ethernet switch, the
hub and one router between two loopback UDP endpoints, for 64- and
1500-byte frames, and the forwarder's CPU time per frame.

For each device and frame size:
  peak       frames/s delivered when the load generator keeps a window of
             128 frames in flight (closed loop: never more than the device
             takes), with the forwarder's CPU time per delivered frame;
  loss-free  the highest offered rate (open loop, evenly spaced frames)
             that the device forwards with at most --max-loss lost, found
             by bisection with trials of --trial-seconds, and the CPU time
             per frame at that rate;
  CPU @ rate the forwarder's CPU time per frame at one fixed offered rate
             (--cpu-rate, default 20000 frames/s, below every device's
             loss-free rate), the same load for every device.
CPU time is the forwarder process's time on a CPU (all its threads, from
/proc/PID/task/*/schedstat) over the run, divided by the frames delivered.

Every measurement is made with two kinds of peers (--peers):
  plain  A sends one datagram per frame and B receives one per recv, as
         vpcs, ubridge and the reference's NIOs do;
  gso    A sends bursts with UDP segmentation offload (one sendmsg() with
         UDP_SEGMENT per burst, which the kernel cuts into one datagram per
         frame) and B receives with UDP_GRO, as a peer of our own kind.
Each frame is still one datagram for a peer that does not ask for GRO:
the difference is how many times the kernel's send and receive paths run.

The devices are built in `dynamips -H` (build/dynamips) with the
hypervisor commands gns3-server uses (nio create_udp, ethsw create /
add_nio / set_access_port, nio_bridge create / add_nio). The baseline,
measured in the same run, is a bare UDP relay (one recvfrom() and one
sendto() per frame, the system calls an NIO needs), so its ratio shows
what the switching itself costs on top of the sockets; a second one,
brelay, forwards with the system calls our NIOs make (connected
sockets, epoll_wait(), recvmmsg() batches until the socket is empty,
each batch out in one UDP_SEGMENT send): the least CPU per frame a forwarder of these
peers' datagrams spends in the same conditions, with no switching at
all. --testd also
measures the same devices in build/net_testd (built from configuration
files, no hypervisor). --reference PATH runs the same measurements on
another dynamips binary (same hypervisor commands) and prints ours /
reference ratios.

The router is a c7200 (NPE-400, PA-FE-TX in slots 1 and 2: the reference
does not bind a -s NIO to slot 0) running the open router firmware
(guest/images/firmware/router-firmware.elf, the same image for every
binary), configured on its console: FastEthernet1/0 10.1.0.1/24 towards
A, FastEthernet2/0 10.2.0.1/24 towards B. A learns the router's MAC with an ARP request, B
announces 10.2.0.2 with one, then A sends IPv4/UDP packets 10.1.0.2 ->
10.2.0.2 that the router routes to B (TTL and checksum rewritten). Its CPU
per frame at a fixed rate is taken at --router-cpu-rate, and includes
the emulated CPU.

    make build/dynamips && /usr/bin/python3 bench/net_bench.py
    /usr/bin/python3 bench/net_bench.py --devices router --sizes 64
    /usr/bin/python3 bench/net_bench.py --reference /path/to/dynamips -r 3
    /usr/bin/python3 bench/net_bench.py --seconds 5 --sizes 64,512,1500

Loopback only; every process started here is ended by its id.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTD = ROOT / "build" / "net_testd"
LOADGEN = ROOT / "build" / "net_loadgen"
TICKS = os.sysconf("SC_CLK_TCK")
FIRMWARE = ROOT / "guest" / "images" / "firmware" / "router-firmware.elf"
# The generator's MACs (net_loadgen.c) and the routed lab's addresses.
MAC_A = bytes.fromhex("02000000000a")
MAC_B = bytes.fromhex("02000000000b")
IP_A, IP_RA, IP_RB, IP_B = "10.1.0.2", "10.1.0.1", "10.2.0.1", "10.2.0.2"
# net_loadgen options per kind of peers: -g A sends with UDP_SEGMENT, -G B
# receives with UDP_GRO.
PEER_FLAGS = {"plain": [], "gso": ["-g", "-G"]}


def free_udp_ports(n):
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
             for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """CPU time of a whole process: the sum over its threads of the time
    on a CPU from /proc/PID/task/*/schedstat (nanoseconds); utime + stime
    from /proc/PID/stat (clock ticks) where schedstat is missing."""
    try:
        total = 0
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    total += int(f.read().split()[0])
            except FileNotFoundError:
                pass  # a thread that just ended
        return total / 1e9
    except (FileNotFoundError, ValueError, IndexError):
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS


def build_loadgen():
    src = ROOT / "bench" / "net_loadgen.c"
    if LOADGEN.exists() and LOADGEN.stat().st_mtime >= src.stat().st_mtime:
        return
    LOADGEN.parent.mkdir(exist_ok=True)
    subprocess.run(["cc", "-O2", "-D_GNU_SOURCE", "-o", str(LOADGEN),
                    str(src)], check=True)


class Hypervisor:
    """A `dynamips -H` process on loopback, driven line by line."""

    def __init__(self, binary, workdir):
        port = free_tcp_port()
        self.proc = subprocess.Popen(
            [binary, "-H", "127.0.0.1:%d" % port], cwd=workdir,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self.pid = self.proc.pid
        deadline = time.monotonic() + 10
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), 1)
                break
            except OSError:
                if self.proc.poll() is not None or \
                        time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError("%s -H did not start" % binary)
                time.sleep(0.005)
        self.sock.settimeout(10)
        self.buf = b""

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        while True:
            while b"\r\n" not in self.buf:
                d = self.sock.recv(65536)
                if not d:
                    raise RuntimeError("hypervisor closed the connection")
                self.buf += d
            i = self.buf.index(b"\r\n")
            reply, self.buf = self.buf[:i], self.buf[i + 2:]
            if reply[3:4] == b"-":
                if not reply.startswith(b"100-"):
                    raise RuntimeError("%s -> %s" % (line, reply.decode()))
                return reply

    def close(self):
        try:
            if getattr(self, "sock", None):
                self.sock.sendall(b"hypervisor stop\n")
                self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "sock", None):
            self.sock.close()


def inet_csum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def arp_request(mac, ip, target):
    """Who has target? tell ip (mac): an Ethernet broadcast frame."""
    body = (struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac +
            socket.inet_aton(ip) + bytes(6) + socket.inet_aton(target))
    return b"\xff" * 6 + mac + b"\x08\x06" + body + bytes(18)


def routed_frame(size, router_mac):
    """A frame of size bytes from A: IPv4/UDP 10.1.0.2 -> 10.2.0.2 (port
    9, discard) to the router's MAC."""
    ip_len = size - 14
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, 0, 0, 64, 17, 0,
                      socket.inet_aton(IP_A), socket.inet_aton(IP_B))
    hdr = hdr[:10] + struct.pack("!H", inet_csum(hdr)) + hdr[12:]
    udp = struct.pack("!HHHH", 1024, 9, ip_len - 20, 0)
    return router_mac + MAC_A + b"\x08\x00" + hdr + udp + \
        bytes(ip_len - 28)


class Console:
    """The router's console on TCP (telnet options dropped)."""
    PROMPT = re.compile(rb"(?:^|\n)[A-Za-z][A-Za-z0-9-]*(?:\([a-z-]+\))?[>#]$")

    def __init__(self, port, proc, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), 1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("router console never opened")
                time.sleep(0.05)
        self.buf = b""

    def expect(self, want, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            text = re.sub(rb"\xff[\xfb-\xfe].|\xff\xfa.*?\xff\xf0", b"",
                          self.buf, flags=re.S).replace(b"\r", b"")
            m = want.search(text) if hasattr(want, "search") else \
                (re.search(re.escape(want), text))
            if m:
                self.buf = text[m.end():]
                return text[:m.end()]
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("router console: no %r in %r"
                                   % (want, text[-300:]))
            self.s.settimeout(min(left, 0.5))
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                continue
            if not d:
                raise RuntimeError("router console closed")
            self.buf += d

    def line(self, text, want=None):
        self.s.sendall(text.encode() + b"\r")
        return self.expect(want or self.PROMPT)

    def close(self):
        self.s.close()


def start_router(fwd, binary):
    """Boots the firmware on a c7200 wired to the generator, configures
    it, resolves both sides; sets fwd.proc and fwd.router_mac."""
    a, s1, b, s2 = fwd.ports
    con_port = free_tcp_port()
    fwd.proc = subprocess.Popen(
        [binary, "-P", "7200", "-X", "-r", "64", "-T", str(con_port),
         "-p", "1:PA-FE-TX", "-p", "2:PA-FE-TX",
         "-s", "1:0:udp:%d:127.0.0.1:%d" % (s1, a),
         "-s", "2:0:udp:%d:127.0.0.1:%d" % (s2, b), str(FIRMWARE)],
        cwd=fwd.workdir, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    fwd.pid = fwd.proc.pid
    con = Console(con_port, fwd.proc)
    try:
        con.expect(b"Press RETURN to get started!", 60)
        con.line("")
        con.line("enable")
        con.line("configure terminal")
        for l in ("interface FastEthernet1/0",
                  "ip address %s 255.255.255.0" % IP_RA, "no shutdown",
                  "interface FastEthernet2/0",
                  "ip address %s 255.255.255.0" % IP_RB, "no shutdown"):
            con.line(l)
        con.line("end")
    finally:
        con.close()
    sa = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sa.bind(("127.0.0.1", a))
        sb.bind(("127.0.0.1", b))
        sa.settimeout(0.2)
        sb.settimeout(0.2)
        ask_a = arp_request(MAC_A, IP_A, IP_RA)
        ask_b = arp_request(MAC_B, IP_B, IP_RB)
        mac, told_b = None, False
        deadline = time.monotonic() + 20  # the interfaces come up
        while (mac is None or not told_b) and time.monotonic() < deadline:
            if mac is None:
                sa.sendto(ask_a, ("127.0.0.1", s1))
            if not told_b:
                sb.sendto(ask_b, ("127.0.0.1", s2))
            for sock, is_a in ((sa, True), (sb, False)):
                try:
                    f = sock.recv(65536)
                except socket.timeout:
                    continue
                if f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02":
                    if is_a:
                        mac = f[22:28]
                    else:
                        told_b = True
        if mac is None or not told_b:
            raise RuntimeError("the router never answered ARP")
        # One packet through, to know the path works.
        probe = routed_frame(64, mac)
        for _ in range(50):
            sa.sendto(probe, ("127.0.0.1", s1))
            try:
                f = sb.recv(65536)
            except socket.timeout:
                continue
            if f[:6] == MAC_B and f[12:14] == b"\x08\x00":
                break
        else:
            raise RuntimeError("the router does not route")
    finally:
        sa.close()
        sb.close()
    fwd.router_mac = mac


class Forwarder:
    """One device under test between the generator's sockets A and B.
    impl: relay | testd | a dynamips binary path (hypervisor mode)."""

    def __init__(self, impl, kind, tmp):
        self.ports = free_udp_ports(4)
        a, s1, b, s2 = self.ports
        self.hv = self.proc = None
        self.kind = kind
        self.router_mac = None
        self.workdir = tempfile.mkdtemp(prefix="net_bench.", dir=tmp)
        if kind == "router":
            try:
                start_router(self, impl)
            except Exception:
                self.close()
                raise
        elif impl == "relay":
            self.proc = subprocess.Popen([str(LOADGEN), "relay", str(s1),
                                          str(s2), str(b)])
            self.pid = self.proc.pid
        elif impl == "brelay":
            self.proc = subprocess.Popen([str(LOADGEN), "brelay", str(s1),
                                          str(s2), str(b), str(a)])
            self.pid = self.proc.pid
        elif impl == "testd":
            cfg = Path(self.workdir) / ("%s.cfg" % kind)
            lines = ["p1:udp:%d:127.0.0.1:%d" % (s1, a),
                     "p2:udp:%d:127.0.0.1:%d" % (s2, b)]
            if kind == "switch":
                lines = ["IF:" + l for l in lines] + ["ACCESS:p1:1",
                                                      "ACCESS:p2:1"]
            cfg.write_text("\n".join(lines) + "\n")
            self.proc = subprocess.Popen(
                [str(TESTD), "-E" if kind == "switch" else "-b", str(cfg)],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
                cwd=self.workdir)
            self.pid = self.proc.pid
            if self.proc.stdout.readline().strip() != "ready":
                self.close()
                raise RuntimeError("net_testd did not start")
        else:
            self.hv = Hypervisor(impl, self.workdir)
            self.pid = self.hv.pid
            c = self.hv.cmd
            c("nio create_udp nio_a %d 127.0.0.1 %d" % (s1, a))
            c("nio create_udp nio_b %d 127.0.0.1 %d" % (s2, b))
            if kind == "switch":
                c("ethsw create sw0")
                for n in ("nio_a", "nio_b"):
                    c("ethsw add_nio sw0 %s" % n)
                    c("ethsw set_access_port sw0 %s 1" % n)
            else:
                c("nio_bridge create hub0")
                for n in ("nio_a", "nio_b"):
                    c("nio_bridge add_nio hub0 %s" % n)
        time.sleep(0.2)

    def run(self, mode, size, seconds, fps=None, peers="plain"):
        a, s1, b, s2 = self.ports
        args = [str(LOADGEN)] + PEER_FLAGS[peers] + [
            mode, str(a), str(s1), str(b), str(s2), str(size), str(seconds)]
        if mode == "rate":
            args.append("%.0f" % fps)
        if self.router_mac:
            args.append(routed_frame(size, self.router_mac).hex())
        c0 = cpu_seconds(self.pid)
        r = subprocess.run(args, capture_output=True, text=True, check=True)
        c1 = cpu_seconds(self.pid)
        vals = dict(kv.split("=") for kv in r.stdout.split())
        sent, received = int(vals["sent"]), int(vals["received"])
        secs = float(vals["seconds"])
        return {"sent": sent, "received": received, "seconds": secs,
                "fps": received / secs, "offered": sent / secs,
                "loss": 1 - received / max(sent, 1),
                "cpu": (c1 - c0) / max(received, 1) * 1e6}

    def close(self):
        if self.hv:
            self.hv.close()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def measure(fwd, size, args, peers):
    """Peak (closed loop), then the loss-free rate by bisection."""
    peak = fwd.run("gen", size, args.seconds, peers=peers)
    lo, hi = 0.0, max(peak["fps"] * 1.25, 1000.0)
    best = None
    lost_once = False  # did any trial fail by losing frames?
    for step in range(args.steps):
        # First at the peak rate, then halving until a trial passes, then
        # bisection between the best pass and the lowest failure.
        if best:
            rate = (lo + hi) / 2
        else:
            rate = hi * (0.8 if step == 0 else 0.5)
        t = fwd.run("rate", size, args.trial_seconds, rate, peers)
        if t["loss"] <= args.max_loss:
            # What was actually offered (the generator may fall behind).
            offered = min(rate, t["offered"])
            if offered > lo:
                lo, best = offered, t
            if t["offered"] < 0.97 * rate:
                hi = rate  # the generator's limit: no use asking for more
        else:
            lost_once = True
            hi = rate
        if hi - lo <= args.precision * hi:
            break
    fixed = fwd.run("rate", size, args.seconds,
                    args.router_cpu_rate if fwd.kind == "router"
                    else args.cpu_rate, peers)
    return {"peak": peak["fps"], "peak_cpu": peak["cpu"],
            "peak_loss": peak["loss"],
            "lossfree": lo, "lossfree_cpu": best["cpu"] if best else None,
            "fixed_cpu": fixed["cpu"], "fixed_loss": fixed["loss"],
            "gen_limited": not lost_once}


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dynamips", default=str(ROOT / "build" / "dynamips"),
                    help="our emulator (default build/dynamips)")
    ap.add_argument("--reference", metavar="PATH",
                    help="another dynamips binary to measure the same way")
    ap.add_argument("--testd", action="store_true",
                    help="also measure build/net_testd")
    ap.add_argument("--no-relay", action="store_true",
                    help="skip the bare UDP relay baselines")
    ap.add_argument("--seconds", type=float, default=2.0,
                    help="duration of the peak run (default 2)")
    ap.add_argument("--trial-seconds", type=float, default=1.0,
                    help="duration of one loss-free trial (default 1)")
    ap.add_argument("--steps", type=int, default=10,
                    help="loss-free trials at most (default 10)")
    ap.add_argument("--precision", type=float, default=0.03,
                    help="bisection stops when the bracket is narrower "
                         "than this fraction (default 0.03)")
    ap.add_argument("--max-loss", type=float, default=0.001,
                    help="loss fraction still called loss-free "
                         "(default 0.001 = 0.1%%)")
    ap.add_argument("--cpu-rate", type=float, default=20000,
                    help="fixed rate at which CPU per frame is compared "
                         "(default 20000 frames/s)")
    ap.add_argument("--router-cpu-rate", type=float, default=5000,
                    help="the same for the router (default 5000 frames/s)")
    ap.add_argument("--devices", default="switch,hub,router",
                    help="devices to measure (default switch,hub,router)")
    ap.add_argument("--sizes", default="64,1500")
    ap.add_argument("--peers", default="plain,gso",
                    help="kinds of peers: plain (one datagram per frame "
                         "both ways, as vpcs, ubridge), gso (UDP_SEGMENT "
                         "sends, UDP_GRO receives); default plain,gso")
    ap.add_argument("-r", "--repeat", type=int, default=1,
                    help="repeat everything, report medians (default 1)")
    args = ap.parse_args()

    impls = []
    if not args.no_relay and set(args.devices.split(",")) - {"router"}:
        impls.append(("relay", "relay", ("relay",)))
        impls.append(("brelay", "brelay", ("relay",)))
    args.dynamips = os.path.abspath(args.dynamips)
    if not os.access(args.dynamips, os.X_OK):
        sys.exit("net_bench: %s not built (make)" % args.dynamips)
    devices = tuple(args.devices.split(","))
    if set(devices) - {"switch", "hub", "router"}:
        sys.exit("net_bench: --devices takes switch, hub, router")
    if "router" in devices and not FIRMWARE.exists():
        sys.exit("net_bench: %s missing" % FIRMWARE)
    impls.append(("ours", args.dynamips, devices))
    if args.testd:
        if not TESTD.exists():
            sys.exit("build/net_testd missing: run `make build/net_testd`")
        impls.append(("testd", "testd",
                      tuple(d for d in devices if d != "router")))
    if args.reference:
        args.reference = os.path.abspath(args.reference)
        if not os.access(args.reference, os.X_OK):
            sys.exit("net_bench: %s is not executable" % args.reference)
        impls.append(("reference", args.reference, devices))
    build_loadgen()
    sizes = [int(s) for s in args.sizes.split(",")]
    peer_kinds = args.peers.split(",")
    if not peer_kinds or set(peer_kinds) - set(PEER_FLAGS):
        sys.exit("net_bench: --peers takes plain, gso")

    results = {}  # (name, kind, size, peers) -> list of measure() dicts
    with tempfile.TemporaryDirectory(prefix="net_bench.") as tmp:
        for rep in range(args.repeat):
            for size in sizes:
                for name, impl, kinds in impls:
                    for kind in kinds:
                        # One device for both kinds of peers, one after the
                        # other (a router boots once).
                        fwd = Forwarder(impl, kind, tmp)
                        try:
                            for peers in peer_kinds:
                                m = measure(fwd, size, args, peers)
                                results.setdefault(
                                    (name, kind, size, peers), []).append(m)
                                print("# run %d: %-9s %-6s %5d B %-5s peers: "
                                      "peak %8.0f/s, loss-free %8.0f/s"
                                      % (rep + 1, name, kind, size, peers,
                                         m["peak"], m["lossfree"]),
                                      file=sys.stderr, flush=True)
                        finally:
                            fwd.close()

    def agg(name, kind, size, peers):
        rs = results[(name, kind, size, peers)]
        return {k: med([r[k] for r in rs]) for k in
                ("peak", "peak_cpu", "lossfree", "lossfree_cpu",
                 "fixed_cpu", "fixed_loss")} | {
                    "gen_limited": all(r["gen_limited"] for r in rs)}

    print("net_bench: frames through a device between two loopback UDP "
          "endpoints; median of %d run(s); loss-free = at most %.2f%% lost"
          % (args.repeat, 100 * args.max_loss))
    print("ours: %s" % args.dynamips)
    if args.reference:
        print("reference: %s" % args.reference)
    print()
    print("peers: plain = one datagram per frame both ways (vpcs, ubridge); "
          "gso = the generator sends with UDP_SEGMENT, receives with "
          "UDP_GRO")
    print()
    print("%-10s %-7s %-5s %5s %10s %8s %7s %10s %7s %9s" % (
        "", "", "", "", "peak", "", "CPU", "loss-free", "CPU",
        "CPU us/fr"))
    print("%-10s %-7s %-5s %5s %10s %8s %7s %10s %7s %9s" % (
        "", "device", "peers", "bytes", "frames/s", "Mbit/s", "us/fr",
        "frames/s", "us/fr", "@%.0fk/s" % (args.cpu_rate / 1e3)))
    for peers in peer_kinds:
        for size in sizes:
            for name, _, kinds in impls:
                for kind in kinds:
                    a = agg(name, kind, size, peers)
                    print("%-10s %-7s %-5s %5d %10.0f %8.1f %7.2f %9.0f%s "
                          "%7s %9.2f"
                          % (name, kind, peers, size, a["peak"],
                             a["peak"] * size * 8 / 1e6, a["peak_cpu"],
                             a["lossfree"], "*" if a["gen_limited"] else " ",
                             "%.2f" % a["lossfree_cpu"] if a["lossfree_cpu"]
                             is not None else "-", a["fixed_cpu"]))
    if "router" in devices:
        print("router: CPU at %.0fk/s (--router-cpu-rate), the emulated "
              "CPU included" % (args.router_cpu_rate / 1e3))
    if any(agg(n, k, s, p)["gen_limited"] for n, _, ks in impls for k in ks
           for s in sizes for p in peer_kinds):
        print("* no trial lost frames: the generator could not offer more, "
              "the device's loss-free rate is at least this")
    if args.reference:
        print()
        print("ours / reference (rates: higher is better; CPU per frame: "
              "lower is better)")
        print("%-7s %-5s %6s %10s %10s %12s %10s" % (
            "device", "peers", "bytes", "peak", "loss-free", "CPU@peak",
            "CPU@%.0fk" % (args.cpu_rate / 1e3)))

        def ratio(x, y):
            return "%.3gx" % (x / y) if x and y else "-"
        for peers in peer_kinds:
            for size in sizes:
                for kind in devices:
                    o = agg("ours", kind, size, peers)
                    r = agg("reference", kind, size, peers)
                    print("%-7s %-5s %6d %10s %10s %12s %10s" % (
                        kind, peers, size, ratio(o["peak"], r["peak"]),
                        ratio(o["lossfree"], r["lossfree"]),
                        ratio(o["peak_cpu"], r["peak_cpu"]),
                        ratio(o["fixed_cpu"], r["fixed_cpu"])))


if __name__ == "__main__":
    main()
