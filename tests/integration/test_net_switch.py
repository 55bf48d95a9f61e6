"""Ethernet switch and hub with real third-party peers over UDP NIOs.

VPCS instances (Debian vpcs) on udp NIOs of build/net_testd switches ping
each other: same access VLAN succeeds, different VLANs fail, across a
dot1q trunk between two switch processes succeeds, through a hub succeeds.
A scripted UDP peer on a trunk checks the 802.1Q push/pop byte for byte
(shared spec network.md §9.4) and the NIO size/source rules (§4, §2.1).
"""

import time

import pytest

from netlab import (Testd, UdpPeer, Vpcs, free_udp_ports, need_tool,
                    write_cfg)


def vpcs_pair_lab(tmp_path, procs, port_lines, devs_flag="-E"):
    """Switch with two VPCS; port_lines(p1, p2) gives extra config."""
    need_tool("vpcs")
    v1l, v1r, v2l, v2r = free_udp_ports(4)
    cfg = write_cfg(tmp_path / "sw.cfg",
                    "IF:p1:udp:%d:127.0.0.1:%d\n" % (v1r, v1l) +
                    "IF:p2:udp:%d:127.0.0.1:%d\n" % (v2r, v2l) +
                    port_lines)
    t = Testd([devs_flag, cfg], tmp_path)
    procs.append(t)
    a = Vpcs(v1l, v1r, mac=1, cwd=tmp_path)
    procs.append(a)
    b = Vpcs(v2l, v2r, mac=2, cwd=tmp_path)
    procs.append(b)
    Vpcs.set_ips([(a, "10.9.0.1/24"), (b, "10.9.0.2/24")])
    return t, a, b


def test_vpcs_ping_same_access_vlan(tmp_path, procs):
    t, a, b = vpcs_pair_lab(tmp_path, procs,
                            "ACCESS:p1:10\nACCESS:p2:10\n")
    n, out = a.ping("10.9.0.2")
    assert n == 3, out
    # Both addresses learned in VLAN 10 on their ports (spec §9.6).
    code, lines, _ = t.cmd("show_mac sw")
    assert code == 100
    assert "0050.7966.6801  10  p1" in lines
    assert "0050.7966.6802  10  p2" in lines
    st = t.stats("p1")
    assert st["pkts_in"] >= 4 and st["pkts_out"] >= 4
    assert st["drop_foreign"] == 0


def test_vpcs_ping_fails_across_vlans(tmp_path, procs):
    t, a, b = vpcs_pair_lab(tmp_path, procs,
                            "ACCESS:p1:10\nACCESS:p2:20\n")
    n, out = a.ping("10.9.0.2", count=2)
    assert n == 0, out
    assert t.stats("p2")["pkts_out"] == 0  # nothing leaked into VLAN 20


def test_vpcs_ping_through_hub(tmp_path, procs):
    need_tool("vpcs")
    v1l, v1r, v2l, v2r = free_udp_ports(4)
    cfg = write_cfg(tmp_path / "hub.cfg",
                    "h1:udp:%d:127.0.0.1:%d\n" % (v1r, v1l) +
                    "h2:udp:%d:127.0.0.1:%d\n" % (v2r, v2l))
    procs.append(Testd(["-b", cfg], tmp_path))
    a = Vpcs(v1l, v1r, mac=1, cwd=tmp_path)
    procs.append(a)
    b = Vpcs(v2l, v2r, mac=2, cwd=tmp_path)
    procs.append(b)
    Vpcs.set_ips([(a, "10.9.1.1/24"), (b, "10.9.1.2/24")])
    n, out = b.ping("10.9.1.1")
    assert n == 3, out


def test_vpcs_ping_across_dot1q_trunk(tmp_path, procs):
    """Two switch processes joined by a trunk (native VLAN 1): VPCS in
    access VLAN 30 on each side reach each other; VLAN 31 does not reach
    VLAN 30."""
    need_tool("vpcs")
    v1l, v1r, v2l, v2r, t1, t2, v3l, v3r = free_udp_ports(8)
    sw1 = write_cfg(tmp_path / "sw1.cfg",
                    "IF:a1:udp:%d:127.0.0.1:%d\n" % (v1r, v1l) +
                    "IF:trunk1:udp:%d:127.0.0.1:%d\n" % (t1, t2) +
                    "ACCESS:a1:30\nDOT1Q:trunk1:1\n")
    sw2 = write_cfg(tmp_path / "sw2.cfg",
                    "IF:a2:udp:%d:127.0.0.1:%d\n" % (v2r, v2l) +
                    "IF:a3:udp:%d:127.0.0.1:%d\n" % (v3r, v3l) +
                    "IF:trunk2:udp:%d:127.0.0.1:%d\n" % (t2, t1) +
                    "ACCESS:a2:30\nACCESS:a3:31\nDOT1Q:trunk2:1\n")
    s1 = Testd(["-E", sw1], tmp_path)
    procs.append(s1)
    s2 = Testd(["-E", sw2], tmp_path)
    procs.append(s2)
    a = Vpcs(v1l, v1r, mac=1, cwd=tmp_path)
    procs.append(a)
    b = Vpcs(v2l, v2r, mac=2, cwd=tmp_path)
    procs.append(b)
    c = Vpcs(v3l, v3r, mac=3, cwd=tmp_path)
    procs.append(c)
    Vpcs.set_ips([(a, "10.9.2.1/24"), (b, "10.9.2.2/24"),
                  (c, "10.9.2.3/24")])
    n, out = a.ping("10.9.2.2")
    assert n == 3, out
    # Frames crossed the trunk tagged: VLAN 30 learned on the trunk port.
    _, lines, _ = s2.cmd("show_mac sw2")
    assert "0050.7966.6801  30  trunk2" in lines
    n, out = a.ping("10.9.2.3", count=2)
    assert n == 0, out


def test_trunk_tags_byte_for_byte(tmp_path, procs):
    """A VPCS on access VLAN 10, a scripted peer on a dot1q trunk (native
    1): the peer sees VPCS's ARP with an 8100/VID 10 tag (PCP 0, +4
    bytes); the peer's tagged reply reaches VPCS untagged and is answered.
    """
    need_tool("vpcs")
    vl, vr, tl, tr = free_udp_ports(4)
    cfg = write_cfg(tmp_path / "sw.cfg",
                    "IF:acc:udp:%d:127.0.0.1:%d\n" % (vr, vl) +
                    "IF:trk:udp:%d:127.0.0.1:%d\n" % (tr, tl) +
                    "ACCESS:acc:10\nDOT1Q:trk:1\n")
    t = Testd(["-E", cfg], tmp_path)
    procs.append(t)
    peer = UdpPeer(tl, tr)
    procs.append(peer)
    v = Vpcs(vl, vr, mac=5, cwd=tmp_path)
    procs.append(v)
    v.ip("10.9.3.1/24")
    peer.recv_all(0.5)  # VPCS's gratuitous ARPs
    v.cmd("ping 10.9.3.2 -c 1", timeout=10)
    frames = peer.recv_all(0.5)
    arps = [f for f in frames if f[12:14] == b"\x81\x00" and
            f[16:18] == b"\x08\x06"]
    assert arps, frames
    arp = arps[0]
    assert arp[:6] == b"\xff" * 6
    assert arp[6:12] == bytes.fromhex("005079666805")
    assert arp[14:16] == b"\x00\x0a"  # PCP 0, VID 10
    assert len(arp) == 64 + 4 or len(arp) == 42 + 4
    # Answer the ARP from the trunk, tagged VID 10 with PCP 3.
    my_mac = bytes.fromhex("020000000077")
    reply = (arp[6:12] + my_mac + b"\x81\x00\x60\x0a" + b"\x08\x06" +
             bytes.fromhex("0001080006040002") + my_mac +
             bytes([10, 9, 3, 2]) + arp[6:12] + bytes([10, 9, 3, 1]))
    peer.send(reply)
    time.sleep(0.2)
    # VPCS now knows 10.9.3.2: its ICMP echo comes tagged on the trunk.
    v.cmd("ping 10.9.3.2 -c 1", timeout=10)
    frames = peer.recv_all(0.5)
    icmp = [f for f in frames if f[16:18] == b"\x08\x00"]
    assert icmp, frames
    assert icmp[0][:6] == my_mac and icmp[0][14:16] == b"\x00\x0a"
    _, lines, _ = t.cmd("show_mac sw")
    assert "0200.0000.0077  10  trk" in lines


def test_udp_nio_rules(tmp_path, procs):
    """Size and source rules of a udp NIO seen from outside (spec §2.1,
    §4): only the configured peer is heard, empty and oversized datagrams
    are counted and dropped, a 32768-byte frame passes."""
    p1l, p1r, p2l, p2r, stranger = free_udp_ports(5)
    cfg = write_cfg(tmp_path / "hub.cfg",
                    "h1:udp:%d:127.0.0.1:%d\n" % (p1r, p1l) +
                    "h2:udp:%d:127.0.0.1:%d\n" % (p2r, p2l))
    t = Testd(["-b", cfg], tmp_path)
    procs.append(t)
    a = UdpPeer(p1l, p1r)
    procs.append(a)
    b = UdpPeer(p2l, p2r)
    procs.append(b)
    x = UdpPeer(stranger, p1r)
    procs.append(x)
    a.send(b"\xff" * 6 + b"\x02" * 6 + b"\x08\x00" + bytes(46))
    assert b.recv() == b"\xff" * 6 + b"\x02" * 6 + b"\x08\x00" + bytes(46)
    x.send(b"\x01" * 60)          # wrong source port
    a.send(b"")                   # empty
    a.send(bytes(40000))          # oversized
    big = bytes(range(256)) * 128  # 32768 bytes: the largest frame
    a.send(big)
    assert b.recv() == big
    assert b.recv(0.3) is None
    st = t.stats("h1")
    assert st["pkts_in"] == 2
    assert st["drop_foreign"] == 1
    assert st["drop_empty"] == 1
    assert st["drop_oversize"] == 1
    assert t.stats("h2")["pkts_out"] == 2


def test_config_errors_name_file_and_line(tmp_path):
    bad = write_cfg(tmp_path / "bad.cfg",
                    "# comment\nIF:p1:null\nACCESS:p9:10\n")
    from netlab import NET_TESTD, need_testd
    import subprocess
    need_testd()
    r = subprocess.run([str(NET_TESTD), "-E", str(bad)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=10,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 1
    assert "bad.cfg:3: unknown NIO 'p9'" in r.stderr
    bad.write_text("IF:p1:udp:notaport:127.0.0.1:1\n")
    r = subprocess.run([str(NET_TESTD), "-E", str(bad)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=10,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 1
    assert "bad.cfg:1: bad UDP port" in r.stderr


def read_pcap(path):
    """The frames of a libpcap savefile (little-endian, as we write)."""
    import struct
    data = path.read_bytes()
    assert struct.unpack_from("<I", data)[0] == 0xA1B2C3D4
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def test_burst_in_order_with_drops_between(tmp_path, procs):
    """A burst arrives faster than the switch handles it, so frames are
    received and sent in batches (recvmmsg / sendmmsg): every frame comes
    out once, in order, in the right form per port (an access port gets
    the original, a dot1q trunk the tagged copy made after it), the bad
    datagrams among them are counted and dropped one by one, and a
    capture on the output NIO sees every frame."""
    import socket
    p1l, p1r, p2l, p2r, p3l, p3r, stranger = free_udp_ports(7)
    cfg = write_cfg(tmp_path / "sw.cfg",
                    "IF:p1:udp:%d:127.0.0.1:%d\n" % (p1r, p1l) +
                    "IF:p2:udp:%d:127.0.0.1:%d\n" % (p2r, p2l) +
                    "IF:p3:udp:%d:127.0.0.1:%d\n" % (p3r, p3l) +
                    "ACCESS:p1:7\nACCESS:p2:7\nDOT1Q:p3:1\n")
    t = Testd(["-E", cfg], tmp_path)
    procs.append(t)
    a, b, c = UdpPeer(p1l, p1r), UdpPeer(p2l, p2r), UdpPeer(p3l, p3r)
    x = UdpPeer(stranger, p1r)
    procs.extend([a, b, c, x])
    for peer in (b, c):  # room for the whole burst at the receivers
        peer.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    pcap = tmp_path / "p2.pcap"
    assert t.cmd("bind_filter p2 1 capture")[0] == 100
    assert t.cmd("setup_filter p2 1 en10mb %s" % pcap)[0] == 100

    hdr = b"\xff" * 6 + bytes.fromhex("020000000001")
    frames = [hdr + b"\x08\x00" + i.to_bytes(4, "big") + bytes(42)
              for i in range(300)]
    for i, f in enumerate(frames):
        a.send(f)
        if i % 50 == 25:
            x.send(f)              # wrong source
            a.send(b"")            # empty
            a.send(bytes(40000))   # oversized
    got_b = b.recv_all(0.5)
    got_c = c.recv_all(0.5)
    assert got_b == frames
    assert got_c == [hdr + b"\x81\x00\x00\x07" + f[12:] for f in frames]
    st = t.stats("p1")
    assert (st["pkts_in"], st["drop_foreign"], st["drop_empty"],
            st["drop_oversize"]) == (300, 6, 6, 6)
    for n in ("p2", "p3"):
        st = t.stats(n)
        assert (st["pkts_out"], st["tx_errors"]) == (300, 0)
    assert t.cmd("unbind_filter p2 1")[0] == 100
    assert read_pcap(pcap) == frames
