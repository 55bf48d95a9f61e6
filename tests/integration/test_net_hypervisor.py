"""The network modules of the hypervisor (`dynamips -H`): nio,
nio_bridge, ethsw, frsw, atmsw, atm_bridge (shared spec hypervisor.md
§5.5-§5.10, network.md §12), driven as gns3-server drives them, with
scripted UDP peers on the NIOs. The sanitizer build is used when it
exists (build/asan/dynamips), so leaks and undefined behaviour in these
paths fail the tests.
"""

import os
import re
import socket
import struct
import subprocess
import time
from pathlib import Path

import pytest

from netlab import UdpPeer, free_tcp_port, free_udp_ports, tshark

ROOT = Path(__file__).resolve().parents[2]
ASAN = ROOT / "build" / "asan" / "dynamips"
PLAIN = Path(os.environ.get("DYNAMIPS", ROOT / "build" / "dynamips"))
DYNAMIPS = ASAN if ASAN.is_file() and "DYNAMIPS" not in os.environ else PLAIN
FINAL = re.compile(r"^(\d{3})-")


class Hv:
    def __init__(self, cwd):
        if not DYNAMIPS.is_file():
            pytest.fail("%s not built (run `make`)" % DYNAMIPS)
        self.port = free_tcp_port()
        self.err = open(cwd / "stderr.txt", "wb")
        self.cwd = cwd
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
        self.p = subprocess.Popen(
            [str(DYNAMIPS), "-H", "127.0.0.1:%d" % self.port], cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self.err, env=env)
        deadline = time.monotonic() + 15
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port),
                                                     1)
                break
            except OSError:
                assert self.p.poll() is None
                assert time.monotonic() < deadline, "no listener"
                time.sleep(0.02)
        self.sock.settimeout(15)
        self.buf = b""

    def cmd(self, line):
        """(code, [info lines], final text)"""
        self.sock.sendall(line.encode() + b"\n")
        info = []
        while True:
            while b"\r\n" not in self.buf:
                d = self.sock.recv(65536)
                assert d, "connection closed"
                self.buf += d
            raw, self.buf = self.buf.split(b"\r\n", 1)
            text = raw.decode(errors="replace")
            if FINAL.match(text):
                return int(text[:3]), info, text[4:]
            info.append(text[4:])

    def ok(self, line):
        code, info, text = self.cmd(line)
        assert code == 100, (line, code, text)
        return info, text

    def stop(self):
        if self.p.poll() is None:
            self.cmd("hypervisor stop")
            self.p.wait(15)
        self.sock.close()
        self.err.close()
        err = (self.cwd / "stderr.txt").read_text(errors="replace")
        for word in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            assert word not in err, err
        return self.p.returncode


@pytest.fixture
def hv(tmp_path):
    h = Hv(tmp_path)
    yield h
    assert h.stop() == 0


@pytest.fixture
def peers():
    made = []
    yield made
    for p in made:
        p.close()


def udp_nio(hv, peers, name):
    """A udp NIO and its scripted peer."""
    mine, theirs = free_udp_ports(2)
    hv.ok("nio create_udp %s %d 127.0.0.1 %d" % (name, theirs, mine))
    p = UdpPeer(mine, theirs)
    peers.append(p)
    return p


BCAST = b"\xff" * 6
MAC_A = bytes.fromhex("0200000000aa")
MAC_B = bytes.fromhex("0200000000bb")


def test_ethsw_gns3_flow(hv, peers):
    a = udp_nio(hv, peers, "nio_a")
    b = udp_nio(hv, peers, "nio_b")
    assert hv.ok("ethsw create sw1")[1] == "ETHSW 'sw1' created"
    assert hv.ok("ethsw add_nio sw1 nio_a")[1] == "NIO 'nio_a' bound."
    hv.ok("ethsw add_nio sw1 nio_b")
    assert hv.ok("ethsw set_access_port sw1 nio_a 10")[1] == \
        "Port settings OK"
    hv.ok("ethsw set_dot1q_port sw1 nio_b 1")
    frame = BCAST + MAC_A + b"\x08\x00" + bytes(46)
    a.send(frame)
    assert b.recv() == BCAST + MAC_A + b"\x81\x00\x00\x0a\x08\x00" + bytes(46)
    info, _ = hv.ok("ethsw show_mac_addr_table sw1")
    assert info == ["0200.0000.00aa  10  nio_a"]
    assert hv.ok("nio get_stats nio_a")[1] == "1 0 60 0"
    assert hv.ok("nio get_stats nio_b")[1] == "0 1 0 64"
    hv.ok("nio reset_stats nio_a")
    assert hv.ok("nio get_stats nio_a")[1] == "0 0 0 0"
    # A renamed NIO keeps its binding and shows its new name.
    hv.ok("nio rename nio_a port_a")
    assert hv.ok("ethsw show_mac_addr_table sw1")[0] == \
        ["0200.0000.00aa  10  port_a"]
    assert hv.cmd("ethsw set_access_port sw1 nosuch 10")[0] == 205
    assert hv.cmd("ethsw set_qinq_port sw1 nio_b 100 0x1234")[0] == 205
    hv.ok("ethsw set_qinq_port sw1 nio_b 100 0x88a8")
    assert hv.cmd("ethsw add_nio sw1 port_a")[0] == 205  # already a port
    assert hv.cmd("ethsw add_nio sw1 nosuch")[0] == 205
    assert hv.cmd("ethsw add_nio nosw port_a") == \
        (208, [], "unable to find object 'nosw'")
    # Bound NIOs cannot go (spec §1.2).
    assert hv.cmd("nio delete port_a") == \
        (207, [], "unable to delete NIO 'port_a'")
    hv.ok("ethsw clear_mac_addr_table sw1")
    assert hv.ok("ethsw show_mac_addr_table sw1")[0] == []
    assert hv.ok("ethsw remove_nio sw1 port_a")[1] == "NIO 'port_a' unbound."
    assert hv.cmd("ethsw remove_nio sw1 port_a")[0] == 205
    assert hv.ok("nio delete port_a")[1] == "NIO 'port_a' deleted"
    assert hv.ok("ethsw list")[0] == ["sw1"]
    hv.ok("ethsw rename sw1 sw2")
    assert hv.ok("ethsw delete sw2")[1] == "ETHSW 'sw2' deleted"
    assert hv.ok("nio delete nio_b")  # the switch released it
    assert hv.ok("nio list")[0] == []


def test_capture_as_gns3_does(hv, peers, tmp_path):
    a = udp_nio(hv, peers, "n1")
    b = udp_nio(hv, peers, "n2")
    hv.ok("nio_bridge create hub")
    hv.ok("nio_bridge add_nio hub n1")
    hv.ok("nio_bridge add_nio hub n2")
    assert hv.cmd("nio bind_filter n1 2 nosuch") == \
        (208, [], "Unknown filter nosuch")
    assert hv.cmd("nio unbind_filter n1 2") == \
        (208, [], "No filter previously defined")
    pcap = tmp_path / "dir with space" / "n1.pcap"
    pcap.parent.mkdir()
    hv.ok("nio bind_filter n1 2 capture")
    hv.ok('nio setup_filter n1 2 en10mb "%s"' % pcap)
    frame = BCAST + MAC_A + b"\x08\x06" + bytes(46)
    a.send(frame)
    assert b.recv() == frame
    b.send(frame)
    assert a.recv() == frame
    out = tshark(["-r", str(pcap), "-T", "fields", "-e", "eth.src",
                  "-e", "eth.type"])
    assert out.split("\n")[:2] == ["02:00:00:00:00:aa\t0x0806"] * 2
    hv.ok("nio unbind_filter n1 2")
    hv.ok("nio unbind_filter n1 2")
    assert hv.cmd("nio setup_filter n1 2 en10mb")[0] == 215
    # freq_drop on RX: every 2nd frame.
    hv.ok("nio bind_filter n1 0 freq_drop")
    hv.ok("nio setup_filter n1 0 2")
    for _ in range(4):
        a.send(frame)
    assert len(b.recv_all()) == 2
    hv.ok("nio set_debug n1 0")
    hv.ok("nio set_bandwidth n1 1000")
    assert hv.ok("nio_bridge list")[0] == ["hub"]
    assert hv.cmd("nio_bridge remove_nio hub nosuch")[0] == 205
    hv.ok("nio_bridge delete hub")


def test_udp_auto(hv, peers):
    lo, = free_udp_ports(1)
    _, text = hv.ok("nio create_udp_auto ua 127.0.0.1 %d %d" % (lo, lo + 10))
    port = int(text)
    assert lo <= port <= lo + 10
    mine, = free_udp_ports(1)
    assert hv.ok("nio connect_udp_auto ua 127.0.0.1 %d" % mine)[1] == \
        "NIO 'ua' connected"
    assert hv.cmd("nio connect_udp_auto ua 127.0.0.1 %d" % mine) == \
        (206, [], "unable to connect NIO")
    assert hv.cmd("nio create_udp ua 1 127.0.0.1 2") == \
        (206, [], "unable to create UDP NIO")
    hv.ok("nio create_null nul")
    hv.ok("nio create_fifo f1")
    hv.ok("nio create_fifo f2")
    hv.ok("nio crossconnect_fifo f1 f2")
    assert sorted(hv.ok("nio list")[0]) == ["f1", "f2", "nul", "ua"]


def test_frsw(hv, peers):
    a = udp_nio(hv, peers, "fa")
    b = udp_nio(hv, peers, "fb")
    assert hv.ok("frsw create fr")[1] == "FRSW 'fr' created"
    assert hv.ok("frsw create_vc fr fa 100 fb 200")[1] == "VC created"
    hv.ok("frsw create_vc fr fb 200 fa 100")
    assert hv.cmd("frsw create_vc fr fa 100 fb 300") == \
        (205, [], "unable to create VC")
    # The rejected VC did not silence the NIO (reference quirk, §10.1).
    a.send(bytes.fromhex("0001 0308 0075 95 010100 03020100"))
    assert a.recv() == bytes.fromhex("0001 0308 007D 95 010100 03020101"
                                     " 0703 06A082")
    a.send(bytes.fromhex("1841 03cc 45"))
    assert b.recv() == bytes.fromhex("3081 03cc 45")
    assert hv.cmd("nio delete fa")[0] == 207
    assert hv.cmd("frsw delete_vc fr fa 100 fb 201")[0] == 205
    assert hv.ok("frsw delete_vc fr fa 100 fb 200")[1] == "VC deleted"
    assert hv.cmd("nio delete fa")[0] == 207  # still the output of a VC
    hv.ok("frsw delete fr")
    hv.ok("nio delete fa")


def cell(vpi, vci, pti=0):
    w = vpi << 20 | vci << 4 | pti << 1
    return struct.pack("!I", w) + b"\x00" + bytes(range(48))


def test_atmsw_and_atm_bridge(hv, peers):
    a = udp_nio(hv, peers, "aa")
    b = udp_nio(hv, peers, "ab")
    assert hv.ok("atmsw create atm")[1] == "ATMSW 'atm' created"
    assert hv.ok("atmsw create_vpc atm aa 5 ab 6")[1] == "VPC created"
    assert hv.ok("atmsw create_vcc atm aa 1 100 ab 2 200")[1] == \
        "VCC created"
    assert hv.cmd("atmsw create_vcc atm aa 5 7 ab 1 1") == \
        (205, [], "unable to create VCC")
    a.send(cell(1, 100, 1))
    got = b.recv()
    assert struct.unpack("!I", got[:4])[0] == (2 << 20 | 200 << 4 | 2)
    a.send(cell(5, 1234))
    assert struct.unpack("!I", b.recv()[:4])[0] >> 4 == (6 << 16 | 1234)
    hv.ok("atmsw delete_vcc atm aa 1 100 ab 2 200")
    hv.ok("atmsw delete_vpc atm aa 5 ab 6")
    hv.ok("atmsw delete atm")

    e = udp_nio(hv, peers, "eth")
    assert hv.ok("atm_bridge create br")[1] == "ATM bridge 'br' created"
    assert hv.ok("atm_bridge configure br eth aa 0 100")[1] == \
        "ATM bridge configured"
    assert hv.cmd("atm_bridge configure br eth aa 0 100")[0] == 205
    e.send(BCAST + MAC_B + b"\x08\x00" + bytes(50))  # 64 bytes: 2 cells
    cells = a.recv_all()
    assert [len(c) for c in cells] == [53, 53]
    assert cells[0][5:15] == bytes.fromhex("AAAA030080C200070000")
    assert hv.ok("atm_bridge unconfigure br")[1] == \
        "ATM bridge unconfigured"
    assert hv.cmd("atm_bridge unconfigure br")[0] == 205
    hv.ok("atm_bridge configure br eth aa 0 100")
    assert hv.ok("atm_bridge list")[0] == ["br"]


def test_reset_deletes_devices_then_nios(hv, peers):
    udp_nio(hv, peers, "r1")
    udp_nio(hv, peers, "r2")
    hv.ok("ethsw create s")
    hv.ok("ethsw add_nio s r1")
    hv.ok("frsw create f")
    hv.ok("frsw create_vc f r2 16 r2 17")
    hv.ok("hypervisor reset")
    for module in ("nio", "ethsw", "frsw"):
        assert hv.ok("%s list" % module)[0] == []
