"""Capture files decoded by tshark, and the Frame Relay switch's LMI over
UDP (shared spec network.md §7.3-§7.5, §10).

Frames are injected by scripted UDP peers into build/net_testd devices;
the capture filter is driven with the hypervisor's bind_filter /
setup_filter / unbind_filter commands; tshark (Debian tshark) must decode
each link type as what it is.
"""

import struct
import subprocess
import time

import pytest

from netlab import Testd, UdpPeer, free_udp_ports, tshark, write_cfg


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def icmp_echo(src, dst, ident=0x1234, seq=1):
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"opendynamips"
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1,
                      0, bytes(src), bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + icmp


IP = icmp_echo([10, 0, 0, 1], [10, 0, 0, 2])


@pytest.fixture
def hub(tmp_path):
    """A hub between two scripted peers; captures go on h1."""
    p1l, p1r, p2l, p2r = free_udp_ports(4)
    cfg = write_cfg(tmp_path / "hub.cfg",
                    "h1:udp:%d:127.0.0.1:%d\n" % (p1r, p1l) +
                    "h2:udp:%d:127.0.0.1:%d\n" % (p2r, p2l))
    t = Testd(["-b", cfg], tmp_path)
    a, b = UdpPeer(p1l, p1r), UdpPeer(p2l, p2r)
    yield t, a, b
    a.close()
    b.close()
    t.stop()


def capture(t, nio, linktype, path, direction=2):
    assert t.cmd("bind_filter %s %d capture" % (nio, direction))[0] == 100
    code, _, text = t.cmd("setup_filter %s %d %s %s" % (nio, direction,
                                                        linktype, path))
    assert code == 100, text


def fields(path, *names, extra=()):
    args = ["-r", str(path), "-T", "fields"]
    for n in names:
        args += ["-e", n]
    out = tshark(args + list(extra))
    return [line.split("\t") for line in out.splitlines()]


def send_through(hub, frames):
    t, a, b = hub
    for f in frames:
        a.send(f)
        assert b.recv() == f
        b.send(f)  # and the other direction
        assert a.recv() == f


def test_ethernet_capture(tmp_path, hub):
    t = hub[0]
    pcap = tmp_path / "eth.pcap"
    capture(t, "h1", "en10mb", pcap)
    frame = (bytes.fromhex("020000000002020000000001") + b"\x08\x00" + IP)
    send_through(hub, [frame])
    # Flushed per record: complete while the capture still runs.
    rows = fields(pcap, "frame.protocols", "eth.src", "ip.dst",
                  "icmp.type")
    assert len(rows) == 2  # received and sent on h1
    assert rows[0] == ["eth:ethertype:ip:icmp:data", "02:00:00:00:00:01",
                       "10.0.0.2", "8"]
    assert t.cmd("unbind_filter h1 2")[0] == 100
    assert t.cmd("unbind_filter h1 2")[0] == 100  # still bound, inactive
    send_through(hub, [frame])
    assert len(fields(pcap, "frame.number")) == 2


def test_cisco_hdlc_capture(tmp_path, hub):
    pcap = tmp_path / "hdlc.pcap"
    capture(hub[0], "h1", "c_hdlc", pcap, direction=0)
    slarp = bytes.fromhex("8f008035") + struct.pack("!III", 2, 7, 3) + \
        b"\xff\xff"
    send_through(hub, [bytes.fromhex("0f000800") + IP, slarp])
    rows = fields(pcap, "frame.protocols", "chdlc.address", "ip.dst",
                  "slarp.ptype")
    assert len(rows) == 2  # RX slot only
    assert rows[0][0] == "chdlc:ip:icmp:data" and rows[0][2] == "10.0.0.2"
    assert rows[1][0] == "chdlc:slarp" and rows[1][3] == "2"


def test_ppp_capture(tmp_path, hub):
    pcap = tmp_path / "ppp.pcap"
    capture(hub[0], "h1", "ppp_serial", pcap, direction=1)
    lcp = bytes.fromhex("ff03c021 01010008 05060a0b")  # LCP conf-req
    send_through(hub, [bytes.fromhex("ff030021") + IP, lcp])
    rows = fields(pcap, "frame.protocols", "ip.dst", "lcp.opt.magic_number")
    assert len(rows) == 2  # TX slot only
    assert rows[0][:2] == ["ppp:ip:icmp:data", "10.0.0.2"]
    assert rows[1][0] == "ppp:lcp"


def test_capture_header_for_every_gns3_link_type(tmp_path, hub):
    t = hub[0]
    want = {"en10mb": 1, "c_hdlc": 104, "ppp_serial": 50, "frelay": 107,
            "atm_rfc1483": 100}
    t.cmd("bind_filter h2 2 capture")
    for name, linktype in want.items():
        pcap = tmp_path / ("%s.pcap" % name)
        assert t.cmd("setup_filter h2 2 %s %s" % (name, pcap))[0] == 100
        data = pcap.read_bytes()  # header on disk before any frame
        assert len(data) == 24
        magic, major, minor, _, _, snaplen, lt = struct.unpack("<IHHiIII",
                                                               data)
        assert (magic, major, minor, snaplen, lt) == (0xA1B2C3D4, 2, 4,
                                                      65535, linktype)
    # Wrong argument count: 215, the running capture is kept.
    assert t.cmd("setup_filter h2 2 en10mb")[0] == 215
    assert t.cmd("bind_filter h2 2 nosuch")[0] == 208


@pytest.fixture
def frsw(tmp_path):
    """FR switch: a <-> b with VCs a:100 -> b:200, a:101 -> b:201,
    a:1000 -> b:16, b:200 -> a:100 (the reference's test DLCIs)."""
    al, ar, bl, br = free_udp_ports(4)
    cfg = write_cfg(tmp_path / "fr.cfg",
                    "IF:a:udp:%d:127.0.0.1:%d\n" % (ar, al) +
                    "IF:b:udp:%d:127.0.0.1:%d\n" % (br, bl) +
                    "VC:a:100:b:200\nVC:a:101:b:201\nVC:a:1000:b:16\n"
                    "VC:b:200:a:100\n")
    t = Testd(["-f", cfg], tmp_path)
    a, b = UdpPeer(al, ar), UdpPeer(bl, br)
    yield t, a, b
    a.close()
    b.close()
    t.stop()


FULL_ENQ = bytes.fromhex("0001 0308 0075 95 010100 03020100")
FULL_STATUS = bytes.fromhex("0001 0308 007D 95 010100 03020101 0703 06A082"
                            " 0703 06A882 0703 3EC082")


def test_frsw_lmi_ansi_over_udp(frsw):
    t, a, b = frsw
    a.send(FULL_ENQ)
    assert a.recv() == FULL_STATUS
    a.send(bytes.fromhex("0001 0308 0075 95 010101 03020201"))
    assert a.recv() == bytes.fromhex("0001 0308 007D 95 010101 03020202")
    # Only input NIOs answer: b has one VC (DLCI 200).
    b.send(FULL_ENQ)
    assert b.recv() == bytes.fromhex("0001 0308 007D 95 010100 03020101"
                                     " 0703 0CC082")


def test_frsw_switches_dlcis_over_udp(frsw):
    t, a, b = frsw
    a.send(bytes.fromhex("1a4f 03cc") + IP)
    assert b.recv() == bytes.fromhex("328f 03cc") + IP
    b.send(bytes.fromhex("3081 03cc") + IP)
    assert a.recv() == bytes.fromhex("1841 03cc") + IP
    a.send(bytes.fromhex("30c1 03cc"))  # DLCI 204: no VC
    assert b.recv(0.3) is None


def test_frsw_lmi_decoded_by_tshark(tmp_path, frsw):
    """A capture of the LMI exchange on the FR switch port, read by
    Wireshark's Q.933 dissector: ANSI full status, keepalive sequence
    numbers, PVC status of DLCIs 100, 101, 1000 as Active."""
    t, a, b = frsw
    pcap = tmp_path / "fr.pcap"
    capture(t, "a", "frelay", pcap)
    a.send(FULL_ENQ)
    assert a.recv() == FULL_STATUS
    a.send(bytes.fromhex("1a4f 03cc") + IP)
    b.recv()
    out = tshark(["-r", str(pcap), "-V"])
    assert "Report type: Full status" in out or \
        "Report type: Full Status" in out
    rows = fields(pcap, "frame.protocols", "fr.dlci", "q933.message_type",
                  "q933.link_verification.txseq",
                  "q933.link_verification.rxseq", "q933.dlci", "q933.status")
    assert len(rows) == 3
    enq, status, data = rows
    assert enq[1] == "0" and enq[2] == "0x75"
    assert status[2] == "0x7d"
    assert status[3:5] == ["1", "1"]
    assert status[5] == "100,101,1000"
    assert "Active" in out and "DLCI: 1000" in out
    assert data[1] == "100" and "ip" in data[0]


def test_frsw_q933a_and_cisco_lmi(tmp_path, frsw):
    t, a, b = frsw
    pcap = tmp_path / "lmi.pcap"
    capture(t, "a", "frelay", pcap, direction=1)
    a.send(bytes.fromhex("0001 0308 0075 510100 53020100"))
    assert a.recv() == bytes.fromhex("0001 0308 007D 510100 53020101"
                                     " 5703 06A082 5703 06A882 5703 3EC082")
    a.send(bytes.fromhex("fcf1 0309 0075 010100 03020201"))
    reply = a.recv()
    assert reply[:12] == bytes.fromhex("fcf1 0309 007D 010100 030202")
    assert reply[13:] == bytes.fromhex("0706 06A082000000 0706 06A882000000"
                                       " 0706 3EC082000000")
    rows = fields(pcap, "fr.dlci", "q933.dlci", "lmi.msg_type",
                  "lmi.dlci_act")
    assert rows[0][:2] == ["0", "100,101,1000"]
    assert rows[1][0] == "1023"
    assert rows[1][2] == "0x7d"
