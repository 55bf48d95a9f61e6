"""Port adapters on the dynamips command line (hypervisor.md §7.4,
c7200.md §10): -p <slot>:<card> and -s <slot>:<port>:<nio>.

Every test starts build/dynamips as a real process in its own temporary
working directory. Usage errors (unknown card, wrong slot, port the card
lacks, bad NIO syntax) exit 2 naming the problem; a NIO that cannot be
opened or a card the NPE has no room for exits 1; a good set of cards and
NIOs runs the hello image to its normal end (0) and the log lists the cards.

The last test is end to end: a hand-assembled guest drives the
C7200-IO-FE through PCI configuration, its registers and descriptor rings
(frames both ways over a UDP NIO, interrupt status up to the CPU).

Run: /usr/bin/python3 -m pytest tests/integration/test_pa.py
(DYNAMIPS=path overrides the binary.)
"""

import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DYNAMIPS = Path(os.environ.get("DYNAMIPS", ROOT / "build" / "dynamips"))
HELLO = ROOT / "guest" / "images" / "hello.elf"
GREETING = "Hello from OpenDynamips!"
TIMEOUT = 30


@pytest.fixture(scope="module", autouse=True)
def binary():
    if not DYNAMIPS.is_file():
        pytest.fail("%s not built (run `make`)" % DYNAMIPS)


def run(args, cwd):
    return subprocess.run([str(DYNAMIPS), "-P", "7200", "-X", "-r", "64"] +
                          [str(a) for a in args] + [str(HELLO)], cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, errors="replace", timeout=TIMEOUT)


def assert_clean(r):
    assert r.returncode >= 0, "killed by signal %d" % -r.returncode
    for word in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
        assert word not in r.stderr


def free_udp_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


@pytest.mark.parametrize("args, message", [
    (["-p", "1:PA-9T"], "unknown card 'PA-9T'"),
    (["-p", "7:PA-4E"], "slot 7 out of range"),
    (["-p", "0:PA-4E"], "does not fit slot 0"),
    (["-p", "2:C7200-IO-FE"], "does not fit slot 2"),
    (["-p", "1:PA-4B"], "not emulated"),
    (["-p", "1:PA-4E", "-p", "1:PA-8E"], "slot 1 given twice"),
    (["-p", "1:2:PA-4E"], "no sub-slot"),
    (["-p", "PA-4E"], "<slot>:<card> expected"),
    (["-s", "1:0:null"], "slot 1 has no card"),
    (["-p", "3:PA-4T+", "-s", "3:4:null"], "PA-4T+ has 4 ports"),
    (["-s", "0:1:null"], "C7200-IO-FE has 1 port"),
    (["-s", "0:0"], "<slot>:<port>:<type>"),
    (["-s", "0:0:null", "-s", "0:0:null"], "given twice"),
    (["-s", "0:0:bogus"], "unknown NIO type 'bogus'"),
    (["-s", "0:0:udp:1:2"], "takes 3 parameters"),
])
def test_usage_errors(tmp_path, args, message):
    r = run(args, tmp_path)
    assert_clean(r)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr


def test_cards_and_nios_run(tmp_path):
    a, b = free_udp_ports(2)
    r = run(["-p", "1:PA-FE-TX", "-p", "2:PA-8E", "-p", "3:PA-4T+",
             "-p", "4:PA-8T", "-p", "5:PA-A1", "-p", "6:PA-GE",
             "-s", "0:0:udp:%d:127.0.0.1:%d" % (a, b),
             "-s", "1:0:udp:%d:127.0.0.1:%d" % (b, a),
             "-s", "2:7:null", "-s", "4:5:null", "-s", "5:0:null",
             "-s", "6:0:null"], tmp_path)
    assert_clean(r)
    assert r.returncode == 0, r.stderr
    assert GREETING in r.stdout
    log = (tmp_path / "dynamips_log.txt").read_text(errors="replace")
    for card, bay in (("C7200-IO-FE", 0), ("PA-FE-TX", 1), ("PA-8E", 2),
                      ("PA-4T+", 3), ("PA-8T", 4), ("PA-A1", 5),
                      ("PA-GE", 6)):
        assert "%s in bay %d" % (card, bay) in log


def test_intel_io_card_replaces_the_default(tmp_path):
    r = run(["-p", "0:C7200-IO-GE-E", "-s", "0:1:null", "-p", "1:PA-2FE-TX",
             "-s", "1:1:null"], tmp_path)
    assert_clean(r)
    assert r.returncode == 0, r.stderr
    log = (tmp_path / "dynamips_log.txt").read_text(errors="replace")
    assert "C7200-IO-GE-E in bay 0" in log


def test_intel_io_card_needs_a_gt64120_npe(tmp_path):
    # c7200.md §10: device 0 of bus 0 is the GT-64010 on NPE-100/150/200
    r = run(["-t", "npe-200", "-p", "0:C7200-IO-2FE"], tmp_path)
    assert_clean(r)
    assert r.returncode == 1
    assert "no room" in r.stderr


def test_udp_port_in_use(tmp_path):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    port = s.getsockname()[1]
    try:
        r = run(["-s", "0:0:udp:%d:127.0.0.1:9" % port], tmp_path)
    finally:
        s.close()
    assert_clean(r)
    assert r.returncode == 1
    assert "c7200-i0/0/0" in r.stderr


def test_help_lists_the_options(tmp_path):
    r = subprocess.run([str(DYNAMIPS), "--help"], capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert r.returncode == 0
    assert "-p <slot>:<card>" in r.stdout
    assert "-s <slot>:<port>:<nio>" in r.stdout


# ----------------------------------------------------------------------
# End to end: a hand-assembled guest drives the C7200-IO-FE's DEC21140.
# It programs the bay-0 bridge and the chip's BAR through the GT-64120's
# configuration ports (values byte-reversed: the GT is little-endian,
# c7200.md §11.1, §12.1), builds descriptor rings, starts the chip
# (transmit of a first frame at once), waits for a received frame, stamps
# CSR5, the midplane FPGA network status (0x10) and CP0 Cause into it and
# sends it back, then stops the router. This test plays the far end of
# the UDP NIO.

import struct
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent))
from elfgen import elf, seg  # noqa: E402


def _bswap(v):
    return struct.unpack("<I", struct.pack(">I", v))[0]


class Asm:
    """Just enough MIPS for the test: li, lw/sw, bltz, a few ALU ops."""

    def __init__(self):
        self.words, self.labels, self.fixups = [], {}, []

    def emit(self, w):
        self.words.append(w & 0xFFFFFFFF)

    def i(self, op, rs, rt, imm):
        self.emit(op << 26 | rs << 21 | rt << 16 | (imm & 0xFFFF))

    def li(self, rt, v):
        self.i(0x0F, 0, rt, v >> 16)          # lui
        self.i(0x0D, rt, rt, v & 0xFFFF)      # ori

    def lw(self, rt, off, base):
        self.i(0x23, base, rt, off)

    def sw(self, rt, off, base):
        self.i(0x2B, base, rt, off)

    def andi(self, rt, rs, imm):
        self.i(0x0C, rs, rt, imm)

    def addiu(self, rt, rs, imm):
        self.i(0x09, rs, rt, imm)

    def srl(self, rd, rt, sa):
        self.emit(rt << 16 | rd << 11 | sa << 6 | 0x02)

    def or_(self, rd, rs, rt):
        self.emit(rs << 21 | rt << 16 | rd << 11 | 0x25)

    def mfc0(self, rt, rd):
        self.emit(0x40000000 | rt << 16 | rd << 11)

    def mtc0(self, rt, rd):
        self.emit(0x40800000 | rt << 16 | rd << 11)

    def label(self, name):
        self.labels[name] = len(self.words)

    def bltz(self, rs, name):
        self.fixups.append((len(self.words), name))
        self.i(0x01, rs, 0, 0)
        self.emit(0)  # delay slot

    def beq0(self, name):
        self.fixups.append((len(self.words), name))
        self.i(0x04, 0, 0, 0)
        self.emit(0)

    def code(self):
        for at, name in self.fixups:
            off = self.labels[name] - (at + 1)
            self.words[at] = (self.words[at] & 0xFFFF0000) | (off & 0xFFFF)
        return self.words


ENTRY = 0x80008000
DEC_BAR = 0x10000000                      # free physical space below 512 MB
TXRING, RXRING = 0x00100000, 0x00100100   # physical
TXBUF, RXBUF = 0x00101000, 0x00102000
T0, T1, T2, T3, T4, T5, T6, T7, T8, T9 = 8, 9, 10, 11, 12, 13, 14, 15, 24, 25
FIRST = (b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x07" + b"\x88\xb5" +
         b"OpenDynamips DEC21140 transmit test".ljust(50, b"."))


def dec21140_guest():
    a = Asm()
    a.li(T1, 0x00400000)             # Status: BEV, interrupts off
    a.mtc0(T1, 12)
    a.li(T0, 0xB4000000)             # GT-64120
    # bridge 0:1 (bay 0): primary 0, secondary 1, subordinate 1
    a.li(T1, _bswap(0x80000000 | 1 << 11 | 0x18))
    a.sw(T1, 0xCF8, T0)
    a.li(T1, _bswap(0x00010100))
    a.sw(T1, 0xCFC, T0)
    # DEC21140 at 1:0: CSR window (BAR at 0x14)
    a.li(T1, _bswap(0x80000000 | 1 << 16 | 0x14))
    a.sw(T1, 0xCF8, T0)
    a.li(T1, _bswap(DEC_BAR))
    a.sw(T1, 0xCFC, T0)
    a.li(T2, 0xA0000000 | DEC_BAR)   # CSRs, uncached
    a.li(T1, RXRING)
    a.sw(T1, 3 * 8, T2)              # CSR3
    a.li(T1, TXRING)
    a.sw(T1, 4 * 8, T2)              # CSR4
    a.li(T1, 0x2042)                 # CSR6: ST | PR | SR
    a.sw(T1, 6 * 8, T2)
    a.li(T3, 0xA0000000 | RXRING)
    a.label("wait")                  # until RDES0.OWN is ours again
    a.lw(T4, 0, T3)
    a.bltz(T4, "wait")
    a.srl(T5, T4, 16)                # FL, with the FCS
    a.andi(T5, T5, 0x3FFF)
    a.addiu(T5, T5, -4)
    a.li(T7, 0xA0000000 | RXBUF)
    a.lw(T6, 5 * 8, T2)              # CSR5
    a.sw(T6, 16, T7)
    a.li(T8, 0xBE800000)             # MP FPGA
    a.li(T1, 1)
    a.sw(T1, 0x20, T8)               # unmask bay 0 port 0
    a.lw(T9, 0x10, T8)
    a.sw(T9, 20, T7)
    a.mfc0(T9, 13)                   # Cause: IP2 = network
    a.sw(T9, 24, T7)
    a.li(T3, 0xA0000000 | (TXRING + 16))
    a.li(T1, 0x62000000)             # FS | LS | TER
    a.or_(T1, T1, T5)
    a.sw(T1, 4, T3)
    a.li(T1, RXBUF)
    a.sw(T1, 8, T3)
    a.li(T1, 0x80000000)
    a.sw(T1, 0, T3)                  # OWN
    a.sw(0, 1 * 8, T2)               # CSR1: transmit poll demand
    a.li(T0, 0xB6000000)             # remote control: stop
    a.li(T1, 1)
    a.sw(T1, 0x34, T0)
    a.label("hang")
    a.beq0("hang")

    data = bytearray(0x3000)
    struct.pack_into(">IIII", data, 0x000, 0x80000000, 0x60000000 | 64,
                     TXBUF, 0)                       # TX desc 0
    struct.pack_into(">IIII", data, 0x010, 0, 0x02000000, 0, 0)  # desc 1
    struct.pack_into(">IIII", data, 0x100, 0x80000000, 0x02000000 | 1536,
                     RXBUF, 0)                       # RX desc, RER
    data[0x1000:0x1000 + 64] = FIRST
    return elf(ENTRY, [seg(ENTRY, a.code()),
                       (0x80000000 | TXRING, bytes(data))])


def test_guest_drives_the_io_card(tmp_path):
    image = tmp_path / "dec21140.elf"
    image.write_bytes(dec21140_guest())
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(15)
    (lport,) = free_udp_ports(1)
    proc = subprocess.Popen(
        [str(DYNAMIPS), "-P", "7200", "-X", "-r", "64", "-s",
         "0:0:udp:%d:127.0.0.1:%d" % (lport, peer.getsockname()[1]),
         str(image)], cwd=tmp_path, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first, _ = peer.recvfrom(4096)
        assert first == FIRST
        reply = (b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x09" + b"\x88\xb5" +
                 bytes(range(100)))
        peer.sendto(reply, ("127.0.0.1", lport))
        echo, _ = peer.recvfrom(4096)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        peer.close()
    assert proc.returncode == 0, err
    assert len(echo) == len(reply)
    assert echo[:16] == reply[:16] and echo[28:] == reply[28:]
    csr5, mp_status, cause = struct.unpack(">III", echo[16:28])
    # RI and NIS, receive and transmit processes running (devices.md §3.1)
    assert csr5 == 0xFC000000 | 0x40 | 0x10000 | 3 << 17 | 3 << 20
    assert mp_status == 0x00000001       # bay 0 port 0 (c7200.md §4.2)
    assert cause & 0x400                 # CPU line 2 (§4.1)
