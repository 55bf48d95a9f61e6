"""A udp NIO's socket is connected to its peer (src/net/nio_udp.c, shared
spec network.md §2.1): the kernel hands it only the peer's datagrams to
the local address connect() chose, and a second, unconnected socket on
the same port takes the rest, so that datagrams from anyone else are
still counted (drop_foreign) and dropped, and the peer's datagrams to
another local address are still delivered. DYNAMIPS_NO_UDP_CONNECT keeps
the single unconnected socket that checks every source itself: each test
runs both ways and expects the same.

The peers are real sockets on loopback (127.0.0.1, and 127.0.0.2 as a
second local address: all of 127/8 is on the loopback interface).
"""

import socket
import time

import pytest

from netlab import Testd, UdpPeer, free_udp_ports, write_cfg

# udp(7); socket.SOL_UDP is missing from older Pythons.
SOL_UDP = 17
UDP_SEGMENT = 103
CONNECT = {"on": None, "off": {"DYNAMIPS_NO_UDP_CONNECT": "1"}}


@pytest.fixture
def procs():
    started = []
    yield started
    for p in reversed(started):
        p.close() if hasattr(p, "close") else p.stop()


def frame(i, size=60):
    """A broadcast Ethernet frame numbered i."""
    head = b"\xff" * 6 + bytes.fromhex("020000000001") + b"\x08\x00"
    return head + i.to_bytes(4, "big") + bytes(size - 18)


def hub(tmp_path, procs, connect):
    """net_testd hub h1 <-> h2; (a port, h1 port), (b port, h2 port),
    a free port for a stranger."""
    al, ar, bl, br, stranger = free_udp_ports(5)
    cfg = write_cfg(tmp_path / "hub.cfg",
                    "h1:udp:%d:127.0.0.1:%d\n" % (ar, al) +
                    "h2:udp:%d:127.0.0.1:%d\n" % (br, bl))
    t = Testd(["-b", cfg], tmp_path, env=CONNECT[connect])
    procs.append(t)
    return t, (al, ar), (bl, br), stranger


def udp_sockets(port):
    """The IPv4 UDP sockets bound to port, from /proc/net/udp:
    [(remote "addr:port" in hex, state)]."""
    found = []
    with open("/proc/net/udp") as f:
        next(f)
        for line in f:
            local, remote, state = line.split()[1:4]
            if int(local.split(":")[1], 16) == port:
                found.append((remote, int(state, 16)))
    return sorted(found)


@pytest.mark.parametrize("connect", ["on", "off"])
def test_sockets_of_a_udp_nio(tmp_path, procs, connect):
    """Connected: one socket connected to the peer (TCP_ESTABLISHED, 1,
    in /proc/net/udp) and one unconnected (TCP_CLOSE, 7) on the port;
    otherwise one unconnected socket."""
    t, (al, ar), _, _ = hub(tmp_path, procs, connect)
    peer = "0100007F:%04X" % al  # 127.0.0.1, little-endian as the kernel
    if connect == "on":
        assert udp_sockets(ar) == sorted([(peer, 1), ("00000000:0000", 7)])
    else:
        assert udp_sockets(ar) == [("00000000:0000", 7)]


@pytest.mark.parametrize("connect", ["on", "off"])
def test_sources_filtered_counted_and_delivered(tmp_path, procs, connect):
    """The peer's frames arrive whichever local address they were sent to
    (the connected socket takes those to 127.0.0.1, the other one those
    to 127.0.0.2); a stranger's are dropped and counted one by one,
    plain or segmented, to either address."""
    t, (al, ar), (bl, br), stranger = hub(tmp_path, procs, connect)
    a, b = UdpPeer(al, ar), UdpPeer(bl, br)
    x = UdpPeer(stranger, ar)
    procs += [a, b, x]
    other = ("127.0.0.2", ar)
    got, want = [], []
    for i in range(6):
        f = frame(i)
        want.append(f)
        if i % 2:
            a.sock.sendto(f, other)
        else:
            a.send(f)
        x.send(frame(100 + i))             # stranger, to 127.0.0.1
        x.sock.sendto(frame(200 + i), other)  # stranger, elsewhere
        got.append(b.recv())               # one at a time: two sockets
    x.sock.sendmsg([b"".join(frame(300 + i, 100) for i in range(5))],
                   [(SOL_UDP, UDP_SEGMENT, (100).to_bytes(2, "little"))],
                   0, ("127.0.0.1", ar))
    a.send(frame(6))
    want.append(frame(6))
    got += b.recv_all()
    assert got == want
    st = t.stats("h1")
    assert (st["pkts_in"], st["drop_foreign"], st["rx_errors"]) == \
        (7, 6 + 6 + 5, 0)
    assert t.stats("h2")["pkts_out"] == 7


@pytest.mark.parametrize("connect", ["on", "off"])
def test_peer_listening_late_loses_nothing(tmp_path, procs, connect):
    """Frames forwarded to a peer port nobody listens on yet each bring
    back an ICMP port unreachable, which a connected socket reports once
    on its next send or receive: it is ignored (the send goes again), so
    from the moment the peer listens every frame reaches it and no
    error is counted."""
    t, (al, ar), (bl, br), _ = hub(tmp_path, procs, connect)
    a = UdpPeer(al, ar)
    procs.append(a)
    for i in range(5):
        a.send(frame(i))
    # Until h2 has counted them all (counted before the send), then a
    # little longer, for the sends themselves.
    for _ in range(100):
        if t.stats("h2")["pkts_out"] == 5:
            break
        time.sleep(0.01)
    time.sleep(0.2)
    b = UdpPeer(bl, br)
    procs.append(b)
    late = [frame(10 + i) for i in range(10)]
    got = []
    for f in late:
        a.send(f)
        got.append(b.recv())
    assert got == late
    st1, st2 = t.stats("h1"), t.stats("h2")
    assert (st2["pkts_out"], st2["tx_errors"], st2["rx_errors"]) == \
        (15, 0, 0)
    assert (st1["pkts_in"], st1["rx_errors"]) == (15, 0)


@pytest.mark.parametrize("connect", ["on", "off"])
def test_port_still_exclusive(tmp_path, procs, connect):
    """The NIO's port stays taken: a socket without SO_REUSEADDR cannot
    bind it, on the wildcard address or on 127.0.0.1 (a second udp NIO on
    it is refused: tests/unit/test_net_nio.c)."""
    t, (al, ar), _, _ = hub(tmp_path, procs, connect)
    for addr in ("0.0.0.0", "127.0.0.1"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with pytest.raises(OSError) as e:
            s.bind((addr, ar))
        s.close()
        assert e.value.errno == 98  # EADDRINUSE
