"""UDP segmentation offload on udp NIOs (src/net/nio_udp.c): frames a
device forwards in one round leave as one UDP_SEGMENT send per run of
same-size frames, and the NIO's socket receives with UDP_GRO, splitting
what the kernel kept together into frames. Seen from outside nothing
changes: every peer that does not ask for GRO gets one frame per
datagram, and the per-frame checks and counters are the same.

The peers are real sockets on loopback: plain ones (one datagram per
recv, as vpcs or ubridge), ones sending with UDP_SEGMENT, and ones
receiving with UDP_GRO, which shows whether our side sent segmented
(the kernel then hands a GRO receiver the whole run as one buffer).
DYNAMIPS_NO_UDP_GSO / DYNAMIPS_NO_UDP_GRO turn either side off.
"""

import json
import os
import socket
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from netlab import Testd, free_udp_ports, need_tool, write_cfg

# udp(7); socket.SOL_UDP is missing from older Pythons.
SOL_UDP = 17
UDP_SEGMENT = 103
UDP_GRO = 104
HERE = Path(__file__).resolve().parent


class Peer:
    """One end of a udp NIO on 127.0.0.1: sends plain or segmented,
    receives plain or with GRO."""

    def __init__(self, my_port, nio_port, gro=False):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.sock.bind(("127.0.0.1", my_port))
        if gro:
            self.sock.setsockopt(SOL_UDP, UDP_GRO, 1)
        self.dest = ("127.0.0.1", nio_port)

    def send(self, frame):
        self.sock.sendto(frame, self.dest)

    def send_gso(self, frames):
        """Frames of one size (the last may be shorter) in one sendmsg()
        that the kernel cuts into one datagram each."""
        seg = len(frames[0])
        self.sock.sendmsg([b"".join(frames)],
                          [(SOL_UDP, UDP_SEGMENT, struct.pack("=H", seg))],
                          0, self.dest)

    def recv_all(self, timeout=0.5):
        """[(datagram, GRO segment size or 0)] until quiet."""
        got = []
        self.sock.settimeout(timeout)
        while True:
            try:
                data, anc, _, _ = self.sock.recvmsg(
                    65536, socket.CMSG_SPACE(4))
            except socket.timeout:
                return got
            seg = 0
            for level, kind, val in anc:
                if level == SOL_UDP and kind == UDP_GRO:
                    seg = struct.unpack("=i", val[:4])[0]
            got.append((data, seg))

    def close(self):
        self.sock.close()


def split(got):
    """What a GRO receiver got, as the frames it stands for."""
    frames = []
    for data, seg in got:
        step = seg or len(data)
        frames += [data[i:i + step] for i in range(0, len(data), step)]
    return frames


def frame(i, size):
    """A broadcast Ethernet frame of size bytes numbered i."""
    head = b"\xff" * 6 + bytes.fromhex("020000000001") + b"\x08\x00"
    body = i.to_bytes(4, "big") * (size // 4)
    return head + body[:size - 14]


def hub(tmp_path, procs, env=None):
    """net_testd hub h1 <-> h2, with peers a (on h1) and b (on h2) ports."""
    p1l, p1r, p2l, p2r, stranger = free_udp_ports(5)
    cfg = write_cfg(tmp_path / "hub.cfg",
                    "h1:udp:%d:127.0.0.1:%d\n" % (p1r, p1l) +
                    "h2:udp:%d:127.0.0.1:%d\n" % (p2r, p2l))
    t = Testd(["-b", cfg], tmp_path, env=env)
    procs.append(t)
    return t, (p1l, p1r), (p2l, p2r), stranger


# A mix: runs of one size with a shorter last frame, single frames of
# other sizes between them, sizes from 60 to 1514 bytes.
def mixed_traffic():
    runs = []
    n = 0
    for size, count, last in ((100, 20, 60), (1514, 30, 700), (60, 40, 0),
                              (512, 5, 100)):
        run = [frame(n + i, size) for i in range(count)]
        if last:
            run.append(frame(n + count, last))
        n += len(run)
        runs.append(run)
        runs.append([frame(n, 77 + n % 50)])  # one plain frame between
        n += 1
    return runs


def send_mixed_traffic(peer):
    """mixed_traffic() from peer, each run of more than one frame in one
    segmented send; the frames sent, in order."""
    sent = []
    for run in mixed_traffic():
        if len(run) > 1:
            peer.send_gso(run)
        else:
            peer.send(run[0])
        sent += run
    return sent


@pytest.mark.parametrize("gro", ["on", "off"])
def test_segmented_sends_reach_a_plain_receiver_one_frame_per_datagram(
        tmp_path, procs, gro):
    """A peer sends runs with UDP_SEGMENT (and single frames between):
    the NIO splits them (GRO on: from one buffer; off: the kernel did),
    the hub forwards, and a plain receiver gets every frame as its own
    datagram, in order, of the right size; counters per frame."""
    env = {"DYNAMIPS_NO_UDP_GRO": "1"} if gro == "off" else None
    t, (al, ar), (bl, br), _ = hub(tmp_path, procs, env)
    a, b = Peer(al, ar), Peer(bl, br)
    procs += [a, b]
    sent = send_mixed_traffic(a)
    got = b.recv_all()
    assert all(seg == 0 for _, seg in got)
    assert [len(d) for d, _ in got] == [len(f) for f in sent]
    assert [d for d, _ in got] == sent
    st = t.stats("h1")
    assert (st["pkts_in"], st["bytes_in"]) == (len(sent),
                                               sum(map(len, sent)))
    assert (st["drop_oversize"], st["drop_foreign"], st["rx_errors"]) == \
        (0, 0, 0)
    st = t.stats("h2")
    assert (st["pkts_out"], st["tx_errors"]) == (len(sent), 0)


@pytest.mark.parametrize("gso", ["on", "off"])
def test_forwarded_runs_leave_segmented(tmp_path, procs, gso):
    """What the hub forwards in one round leaves as one segmented send per
    run of same-size frames: a GRO receiver gets the run back as one
    buffer with the frame size; with DYNAMIPS_NO_UDP_GSO every frame is a
    datagram of its own (the fallback), the frames the same either way."""
    env = {"DYNAMIPS_NO_UDP_GSO": "1"} if gso == "off" else None
    t, (al, ar), (bl, br), _ = hub(tmp_path, procs, env)
    a, b = Peer(al, ar), Peer(bl, br, gro=True)
    procs += [a, b]
    sent = send_mixed_traffic(a)
    got = b.recv_all()
    assert split(got) == sent
    coalesced = [(len(d), seg) for d, seg in got if seg]
    if gso == "on":
        # The first run came in as one buffer and left in one round, as
        # one send (the rounds of the others depend on timing, a queue
        # holds 32 frames at most).
        assert coalesced[0] == (2060, 100)
        assert {seg for _, seg in coalesced} <= {len(f) for f in sent}
        assert len(got) <= len(sent) // 4
    else:
        assert coalesced == []
        assert len(got) == len(sent)
    st = t.stats("h2")
    assert (st["pkts_out"], st["bytes_out"], st["tx_errors"]) == \
        (len(sent), sum(map(len, sent)), 0)


@pytest.mark.parametrize("gro", ["on", "off"])
def test_segmented_input_checked_frame_by_frame(tmp_path, procs, gro):
    """The checks of a udp NIO apply to each frame of a segmented send:
    a run from a stranger is dropped and counted frame by frame, a run
    whose first segment is longer than the largest frame loses that one
    (drop_oversize) and delivers the shorter last one; empty and oversized
    plain datagrams around them are counted as before. The same counts
    whether the NIO splits (GRO on) or the kernel does (GRO off)."""
    env = {"DYNAMIPS_NO_UDP_GRO": "1"} if gro == "off" else None
    t, (al, ar), (bl, br), stranger = hub(tmp_path, procs, env)
    a, b, x = Peer(al, ar), Peer(bl, br), Peer(stranger, ar)
    procs += [a, b, x]
    good = [frame(i, 200) for i in range(10)]
    x.send_gso([frame(100 + i, 300) for i in range(12)])  # wrong source
    a.send_gso(good)
    a.send(b"")                                   # empty
    a.send(bytes(40000))                          # oversized
    # 40000 + 20000 bytes: segments of 40000 (too long) and 20000.
    tail = frame(7, 20000)
    a.send_gso([bytes(40000), tail])
    a.send_gso(good)
    got = [d for d, _ in b.recv_all()]
    assert got == good + [tail] + good
    st = t.stats("h1")
    assert st["drop_foreign"] == 12
    assert st["drop_oversize"] == 2
    assert st["drop_empty"] == 1
    assert st["pkts_in"] == 21
    assert t.stats("h2")["pkts_out"] == 21


def test_mixed_sizes_in_one_round(tmp_path, procs):
    """Datagrams of several sizes waiting together (net_testd stopped while
    they were sent, so one recvmmsg() reads them all and the hub forwards
    them in one round): a plain receiver gets them one by one; a GRO
    receiver shows the groups sent: each run of one size with the shorter
    frame after it, a longer frame starting a new group."""
    import signal
    p1l, p1r, p2l, p2r, p3l, p3r = free_udp_ports(6)
    cfg = write_cfg(tmp_path / "hub.cfg",
                    "h1:udp:%d:127.0.0.1:%d\n" % (p1r, p1l) +
                    "h2:udp:%d:127.0.0.1:%d\n" % (p2r, p2l) +
                    "h3:udp:%d:127.0.0.1:%d\n" % (p3r, p3l))
    t = Testd(["-b", cfg], tmp_path)
    procs.append(t)
    a, b, c = Peer(p1l, p1r), Peer(p2l, p2r), Peer(p3l, p3r, gro=True)
    procs += [a, b, c]
    sizes = [1000, 60, 1000, 60, 100, 100, 100, 60, 200, 200, 50, 70, 70,
             70, 1514, 1514, 1514, 1514]
    sent = [frame(i, n) for i, n in enumerate(sizes)]
    t.proc.send_signal(signal.SIGSTOP)
    try:
        for f in sent:
            a.send(f)
    finally:
        t.proc.send_signal(signal.SIGCONT)
    assert [d for d, _ in b.recv_all()] == sent
    got = c.recv_all()
    assert split(got) == sent
    assert [(len(d), seg) for d, seg in got] == [
        (1060, 1000), (1060, 1000), (360, 100), (450, 200), (210, 70),
        (4 * 1514, 1514)]
    assert t.stats("h1")["pkts_in"] == len(sent)


def test_ethernet_switch_with_segmenting_peers(tmp_path, procs):
    """Two access ports and a dot1q trunk of our Ethernet switch, peers
    sending and receiving segmented: the access port gets the frames, the
    trunk the tagged copies, in order, and the trunk's output is one
    segmented send per run (the tag makes every frame 4 bytes longer)."""
    p1l, p1r, p2l, p2r, p3l, p3r = free_udp_ports(6)
    cfg = write_cfg(tmp_path / "sw.cfg",
                    "IF:p1:udp:%d:127.0.0.1:%d\n" % (p1r, p1l) +
                    "IF:p2:udp:%d:127.0.0.1:%d\n" % (p2r, p2l) +
                    "IF:p3:udp:%d:127.0.0.1:%d\n" % (p3r, p3l) +
                    "ACCESS:p1:7\nACCESS:p2:7\nDOT1Q:p3:1\n")
    t = Testd(["-E", cfg], tmp_path)
    procs.append(t)
    a, b, c = Peer(p1l, p1r), Peer(p2l, p2r), Peer(p3l, p3r, gro=True)
    procs += [a, b, c]
    runs = [[frame(i, 64) for i in range(32)],
            [frame(100 + i, 1500) for i in range(8)] + [frame(200, 90)]]
    sent = []
    for run in runs:
        a.send_gso(run)
        sent += run
    assert [d for d, _ in b.recv_all()] == sent
    got = c.recv_all()
    assert split(got) == [f[:12] + b"\x81\x00\x00\x07" + f[12:]
                          for f in sent]
    assert (32 * 68, 68) in [(len(d), seg) for d, seg in got]
    st = t.stats("p1")
    assert (st["pkts_in"], st["drop_oversize"]) == (len(sent), 0)
    for n in ("p2", "p3"):
        st = t.stats(n)
        assert (st["pkts_out"], st["tx_errors"]) == (len(sent), 0)


# Run inside a network namespace whose loopback has a 1500-byte MTU: the
# kernel refuses segments that do not fit one packet (EMSGSIZE), and the
# NIO then sends frames of that size and longer one datagram each (the
# kernel fragments them) while shorter runs still go segmented.
MTU_SCRIPT = r"""
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from netlab import Testd, free_udp_ports, write_cfg
from test_net_offload import Peer, frame, split
tmp = Path(tempfile.mkdtemp(prefix="gso_mtu."))
p1l, p1r, p2l, p2r = free_udp_ports(4)
cfg = write_cfg(tmp / "hub.cfg",
                "h1:udp:%d:127.0.0.1:%d\n" % (p1r, p1l) +
                "h2:udp:%d:127.0.0.1:%d\n" % (p2r, p2l))
t = Testd(["-b", cfg], tmp)
a, b, plain = Peer(p1l, p1r), Peer(p2l, p2r, gro=True), None
out = {"rounds": []}
for size in (1000, 1500, 1400, 1472, 1480, 1000):
    run = [frame(i, size) for i in range(10)]
    a.send_gso(run) if size <= 1472 else [a.send(f) for f in run]
    got = b.recv_all()
    out["rounds"].append({"size": size, "ok": split(got) == run,
                          "buffers": len(got),
                          "segs": sorted({s for _, s in got})})
out["stats"] = t.stats("h2")
t.stop()
print(json.dumps(out))
"""


def test_runs_longer_than_the_path_mtu_fall_back(tmp_path):
    """Loopback MTU 1500 in a namespace: runs of 1000-byte frames leave
    segmented; 1500-byte frames are refused by the kernel as segments
    (1528 bytes with the headers) and go one datagram each (fragmented,
    all delivered), while runs of 1400 and 1472 bytes (a 1500-byte packet)
    still go segmented, 1480 bytes no longer, and 1000 still does."""
    need_tool("ip")
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    ns = "odgso%d" % os.getpid()
    r = subprocess.run(["ip", "netns", "add", ns], capture_output=True,
                       text=True)
    if r.returncode != 0:
        pytest.skip("cannot create a network namespace: %s" % r.stderr)
    try:
        for args in (("link", "set", "lo", "mtu", "1500"),
                     ("link", "set", "lo", "up")):
            subprocess.run(["ip", "-n", ns] + list(args), check=True)
        r = subprocess.run(
            ["ip", "netns", "exec", ns, sys.executable, "-c", MTU_SCRIPT,
             str(HERE)], capture_output=True, text=True, timeout=60,
            cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    for x in out["rounds"]:
        assert x["ok"], x
    by = [(x["size"], x["buffers"], x["segs"]) for x in out["rounds"]]
    assert by == [(1000, 1, [1000]), (1500, 10, [0]), (1400, 1, [1400]),
                  (1472, 1, [1472]), (1480, 10, [0]), (1000, 1, [1000])]
    assert (out["stats"]["pkts_out"], out["stats"]["tx_errors"]) == (60, 0)
