"""c7200 hardware probes (guest/tests/c7200) on the emulator.

- c7_pci on every NPE (npe-100 ... npe-400) x midplane (std, vxr) with
  three port-adapter layouts that put every emulated PA type in a bay of
  each PCI group (1/3/5 and 2/4/6) and every bay-0 card the NPE takes,
  plus the jacket card. The expected output is computed from the shared
  spec (c7200.md §10, §12.1, §12.2, §12.4) by expected_pci() below, never
  from running the emulator.
- c7_pos echoes frames through a PA-POS-OC3 over a UDP NIO (devices.md
  §3.8); a capture on that NIO made with the Cisco HDLC link type holds the
  frames both ways (network.md §7.3, devices.md §1.7).

bench/c7200_probe_compare.py runs the same images on another dynamips
binary (the reference) and reports which outputs match byte for byte.

Run: /usr/bin/python3 -m pytest tests/integration/test_c7200_probes.py
(DYNAMIPS=path overrides the binary.)
"""
import os
import re
import select
import socket
import struct
import subprocess
import time
from pathlib import Path

import pytest

from test_hypervisor import c, free_port, hv  # noqa: F401 (fixtures)
from netlab import UdpPeer, free_udp_ports, udp_echo

ROOT = Path(__file__).resolve().parents[2]
EMU = Path(os.environ.get("DYNAMIPS", ROOT / "build" / "dynamips"))
PROBES = ROOT / "guest" / "images" / "c7200"
TIMEOUT = 30

NPES = ["npe-100", "npe-150", "npe-175", "npe-200", "npe-225", "npe-300",
        "npe-400"]
MIDPLANES = ["std", "vxr"]
GT64010_NPES = ("npe-100", "npe-150", "npe-200")

# Bays 1-6 per layout; over the three layouts every PA type sits once in a
# bay of the 1/3/5 group and once in a bay of the 2/4/6 group.
LAYOUTS = {
    "a": ["PA-FE-TX", "PA-2FE-TX", "PA-GE", "PA-4E", "PA-8E", "PA-4T+"],
    "b": ["PA-8T", "PA-A1", "PA-POS-OC3", "PA-FE-TX", "PA-2FE-TX", "PA-GE"],
    "c": ["PA-4E", "PA-8E", "PA-4T+", "PA-8T", "PA-A1", "PA-POS-OC3"],
    "jc": [None] * 6,
}
# Bay-0 card per layout; the Intel I/O cards need device 0 of their own
# bus, which the GT-64010 NPEs do not have (c7200.md §10 notes).
BAY0 = {
    "a": ("C7200-IO-FE", "C7200-IO-FE"),
    "b": ("C7200-IO-2FE", "C7200-IO-FE"),
    "c": ("C7200-IO-GE-E", "C7200-IO-FE"),
    "jc": ("C7200-JC-PA", "C7200-JC-PA"),
}


def bay0_card(npe, layout):
    return BAY0[layout][1 if npe in GT64010_NPES else 0]


def card_args(npe, layout):
    args = ["-p", "0:%s" % bay0_card(npe, layout)]
    for bay, card in enumerate(LAYOUTS[layout], start=1):
        if card:
            args += ["-p", "%d:%s" % (bay, card)]
    return args


def probe_args(npe, midplane, layout):
    return (["-P", "7200", "-t", npe, "--midplane", midplane, "-X", "-r",
             "64"] + card_args(npe, layout))


CASES = [(n, m, lay) for n in NPES for m in MIDPLANES for lay in LAYOUTS]


def case_id(case):
    return "%s-%s-%s" % case


# ------------------------------------------------------------ the spec

# c7200.md §12.4: identity, register 0x08, decoded BARs.
CHIP = {
    "gt64010": (0x014611AB, 0x00000000, ()),
    "gt64120": (0x462011AB, 0x03008005, ()),
    "dec21050": (0x00011011, 0x06040000, None),
    "dec21150": (0x00231011, 0x06040000, None),
    "pd6729": (0x11001013, 0x00000000, ()),
    "sram": (0x00051137, 0x00000000, ()),
    "dec21140": (0x00091011, 0x02000011, (0x14,)),
    "i82543": (0x10018086, 0x02000003, (0x10,)),
    "am79c971": (0x20001022, 0x02000002, (0x14,)),
    "mueslix": (0x00011137, 0x02800001, (0x10,)),
    "ti1570": (0xA001104C, 0x00000000, (0x10,)),
    "plx9060es": (0x906E10B5, 0x00000000, ()),
    "plx9060": (0x906010B5, 0x00000000, (0x10, 0x18)),
    "pos_ctrl": (0x00000000, 0x00000000, (0x10,)),
}

# c7200.md §10: the functions of each card on its bay bus, by device.
CARD = {
    "C7200-IO-FE": {0: "dec21140"},
    "C7200-IO-2FE": {0: "i82543", 1: "i82543"},
    "C7200-IO-GE-E": {0: "i82543", 1: "i82543"},
    "C7200-JC-PA": {},
    "PA-FE-TX": {0: "dec21140"},
    "PA-2FE-TX": {0: "i82543", 1: "i82543"},
    "PA-GE": {0: "i82543"},
    "PA-4E": {d: "am79c971" for d in range(4)},
    "PA-8E": {d: "am79c971" for d in range(8)},
    "PA-4T+": {0: "mueslix"},
    "PA-8T": {0: "mueslix", 1: "mueslix"},
    "PA-A1": {0: "ti1570", 1: "plx9060es"},
    "PA-POS-OC3": {0: "plx9060", 1: "plx9060", 2: "plx9060",
                   3: "pos_ctrl"},
}


def bus_of(card):
    return dict(CARD[card]) if card else {}


def topology(npe, midplane, layout):
    """c7200.md §12.2: the roots, as {dev: chip or (bridge, bus)}."""
    bay_bridge = "dec21050" if midplane == "std" else "dec21150"
    bays = [None] + LAYOUTS[layout]
    bay0 = bus_of(bay0_card(npe, layout))
    if npe in GT64010_NPES:
        sram = {0: "sram"} if npe in ("npe-150", "npe-200") else {}
        g135 = {**sram, 1: (bay_bridge, bus_of(bays[1])),
                2: (bay_bridge, bus_of(bays[3])),
                3: (bay_bridge, bus_of(bays[5]))}
        g246 = {**sram, 1: (bay_bridge, bus_of(bays[2])),
                2: (bay_bridge, bus_of(bays[4])),
                3: (bay_bridge, bus_of(bays[6]))}
        root0 = {0: "gt64010", 1: ("dec21050", {}),
                 2: ("dec21050", g135), 3: ("dec21050", {}),
                 4: ("dec21050", g246), 5: "pd6729"}
        if 0 in bay0:  # bay 0 is bus 0 itself: its device 0 lands at 6
            root0[6] = bay0[0]
        return [root0]
    pcmcia = {16: "pd6729"}
    if npe == "npe-300":
        root0 = {0: "gt64120",
                 1: ("dec21150", bay0, pcmcia),
                 2: ("dec21150", {1: (bay_bridge, bus_of(bays[1])),
                                  2: (bay_bridge, bus_of(bays[3])),
                                  3: (bay_bridge, bus_of(bays[5]))})}
        root1 = {1: ("dec21150", {1: (bay_bridge, bus_of(bays[2])),
                                  2: (bay_bridge, bus_of(bays[4])),
                                  3: (bay_bridge, bus_of(bays[6]))})}
        return [root0, root1]
    bay0_bridge = "dec21050" if npe == "npe-400" else "dec21150"
    root0 = {0: "gt64120", 1: (bay0_bridge, bay0, pcmcia),
             7: (bay_bridge, bus_of(bays[1])),
             8: (bay_bridge, bus_of(bays[3])),
             9: (bay_bridge, bus_of(bays[5]))}
    root1 = {7: (bay_bridge, bus_of(bays[2])),
             8: (bay_bridge, bus_of(bays[4])),
             9: (bay_bridge, bus_of(bays[6]))}
    return [root0, root1]


def expected_pci(npe, midplane, layout):
    """What c7_pci prints (c7_pci.c, c7io.c) for that router."""
    out = ["=== BEGIN c7_pci", "roots %d" % (1 if npe in GT64010_NPES
                                             else 2)]
    nfn = [0]

    def fn_line(root, bus, dev, chip, depth, hidden):
        ident, cls, bars = CHIP[chip]
        out.append("%sr%d b%d d%2d: %04x:%04x class %08x cmd 00000000 "
                   "hdr 00000000 sub 00000000 int 00000000%s"
                   % ("  " * depth, root, bus, dev, ident & 0xFFFF,
                      ident >> 16, cls, " (no bridge)" if hidden else ""))
        if bars is None or (root == 0 and bus == 0 and dev == 0):
            return
        base = 0x60000000 + nfn[0] * 0x400000
        nfn[0] += 1
        out.append("%s  bars %s" % ("  " * depth, " ".join(
            "%02x=%08x" % (0x10 + 4 * i, base + i * 0x100000
                           if 0x10 + 4 * i in bars else 0)
            for i in range(6))))

    def walk(root, bus, devs, nxt, depth, hidden):
        for dev in sorted(devs):
            what = devs[dev]
            if isinstance(what, str):
                fn_line(root, bus, dev, what, depth, hidden)
                continue
            chip, behind = what[0], what[1]
            sec = nxt[0]
            nxt[0] += 1
            fn_line(root, bus, dev, chip, depth, hidden)
            walk(root, sec, behind, nxt, depth + 1, False)
            if len(what) > 2:  # §12.3: the bus reached without a bridge
                hid = nxt[0]
                nxt[0] += 1
                walk(root, hid, what[2], nxt, depth + 1, True)
            out.append("%s  r%d b%d d%d bus numbers %08x"
                       % ("  " * depth, root, bus, dev,
                          (nxt[0] - 1) << 16 | sec << 8 | bus))

    for root, devs in enumerate(topology(npe, midplane, layout)):
        walk(root, 0, devs, [1], 0, False)
    out.append("absent: 0x00 ffffffff 0x08 00000000")
    out.append("=== END")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------- runs

def section(text, name):
    text = text.replace("\r\n", "\n").replace("\r", "")
    m = re.search(r"^=== BEGIN %s$.*?^=== END$" % name, text, re.M | re.S)
    return m.group(0) + "\n" if m else None


@pytest.fixture(scope="module", autouse=True)
def built():
    if not EMU.is_file():
        pytest.fail("%s is not built (run `make`)" % EMU)
    for p in ("c7_pci", "c7_pos"):
        assert (PROBES / (p + ".elf")).is_file(), p


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_pci(tmp_path, case):
    npe, midplane, layout = case
    p = subprocess.run([str(EMU)] + probe_args(npe, midplane, layout) +
                       [str(PROBES / "c7_pci.elf")], cwd=tmp_path,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr[-2000:]
    got = section(p.stdout.decode(errors="replace"), "c7_pci")
    assert got == expected_pci(npe, midplane, layout)


def test_expected_model_matches_the_spec_observation():
    """The model reproduces c7200.md §12.2's observed NPE-400 numbering:
    bay 0 on bus 1, the PD6729 at 2:16, bays 1/3/5 on buses 3/4/5."""
    text = expected_pci("npe-400", "vxr", "a")
    assert "  r0 b2 d16: 1013:1100" in text
    assert "  r0 b0 d1 bus numbers 00020100" in text
    assert "  r0 b0 d9 bus numbers 00050500" in text
    assert "  r1 b0 d9 bus numbers 00030300" in text


HDLC_FRAMES = [bytes([0x0F, 0, 0x08, 0]) + bytes((k * 5 + i) & 0xFF
                                                for k in range(n))
               for i, n in enumerate([20, 301, 1500])]


def echo_through(peer, nio_port, frames, deadline, resend=False):
    """udp_echo from a bare socket to a NIO on this host (as
    bench/c7200_probe_compare.py drives its peers)."""
    return udp_echo(peer, ("127.0.0.1", nio_port), frames, deadline, resend)


def console_until(port, marker, deadline):
    """A router's TCP console (output replayed to the first client) up to
    and including marker."""
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), 1)
            break
        except OSError:
            assert time.time() < deadline, "console never opened"
            time.sleep(0.05)
    with s:
        s.settimeout(0.1)
        buf = b""
        while marker not in buf:
            assert time.time() < deadline, buf[-2000:]
            try:
                d = s.recv(65536)
            except socket.timeout:
                continue
            assert d, buf[-2000:]
            buf += d
    return buf


def read_until(proc, marker, deadline):
    """The probe's console (stdout) up to and including marker."""
    buf = b""
    while marker not in buf:
        assert time.time() < deadline, buf[-2000:]
        r, _, _ = select.select([proc.stdout], [], [], 0.1)
        if r:
            d = os.read(proc.stdout.fileno(), 65536)
            assert d, buf[-2000:]
            buf += d
    return buf


def expected_pos():
    """c7_pos on a PA-POS-OC3 in bay 1 of an NPE-400 (bus 3 of root 0,
    c7200.md §12.2), frames of HDLC_FRAMES: receive length = data + 4
    (CRC 4 selected, devices.md §3.8), the card's bit 8 in MP FPGA 0x10
    (bay 1 port 0, c7200.md §4.2) until the 20th status read, the first
    transmit descriptor back with OWN clear, the second zeroed."""
    lines = ["=== BEGIN c7_pos", "PA-POS-OC3: root 0 bus 3",
             "PLX ranges fff00000 fff00000 fff00000",
             "CS range ffc00000, control 0x404 ffffffff 0x406 ffff "
             "0x407 ff 0x400 00000000",
             "CS 0x300008 0000007f, control 1 00000007",
             "rings 00000000 00000000",
             "  idle: net irq status 00000000 00000000", "started"]
    for n, f in enumerate(HDLC_FRAMES):
        lines += ["frame %d: descriptor %d word 0 %08x, %d bytes"
                  % (n, n, len(f) + 4, len(f)),
                  "  received: net irq status 00000100 00000000",
                  "  20 status reads: net irq status 00000000 00000000",
                  "  sent: words 0 0800000a 00000000, TX current 00000000"]
    lines += ["echoed 3 frames", "=== END"]
    return "\n".join(lines) + "\n"


def test_pos_echo_over_udp(tmp_path, procs):
    peer = UdpPeer(0, free_udp_ports(1)[0])
    procs.append(peer)
    proc = subprocess.Popen(
        [str(EMU), "-P", "7200", "-X", "-r", "64", "-p", "1:PA-POS-OC3",
         "-s", "1:0:udp:%d:127.0.0.1:%d" % (peer.nio_port, peer.port),
         str(PROBES / "c7_pos.elf")], cwd=tmp_path,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        first = read_until(proc, b"started\n", time.time() + 20)
        echoes = peer.echo(HDLC_FRAMES, time.time() + 20)
        out, err = proc.communicate(timeout=20)
        out = first + out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err[-2000:]
    assert echoes == HDLC_FRAMES
    assert section(out.decode(errors="replace"), "c7_pos") == expected_pos()


def pcap_records(path):
    data = path.read_bytes()
    magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4
    recs, off = [], 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        recs.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return linktype, recs


def test_pos_capture_is_cisco_hdlc(tmp_path, hv, c, procs):
    """The frames cross the NIO as IOS framed them (devices.md §1.7), so a
    capture set up with the Cisco HDLC link type (DLT_C_HDLC, 104) holds
    them unchanged, received and sent."""
    peer = UdpPeer(0, free_udp_ports(1)[0])
    procs.append(peer)
    pcap = tmp_path / "pos.pcap"
    con_port = free_port()
    c.ok("vm create R1 1 c7200")
    c.ok('vm set_ios R1 "%s"' % (PROBES / "c7_pos.elf"))
    c.ok("vm set_ram R1 64")
    c.ok("vm set_con_tcp_port R1 %d" % con_port)
    c.ok("vm slot_add_binding R1 1 0 PA-POS-OC3")
    c.ok("nio create_udp pos1 %d 127.0.0.1 %d" % (peer.nio_port, peer.port))
    c.ok("vm slot_add_nio_binding R1 1 0 pos1")
    c.ok("nio bind_filter pos1 2 capture")
    c.ok('nio setup_filter pos1 2 c_hdlc "%s"' % pcap)
    c.ok("vm start R1")
    console_until(con_port, b"started\n", time.time() + 20)
    frames = HDLC_FRAMES[:2]
    echoes = peer.echo(frames, time.time() + 20)
    assert echoes == frames
    c.ok("nio unbind_filter pos1 2")
    assert hv.stop() == 0
    linktype, recs = pcap_records(pcap)
    assert linktype == 104
    assert [r for r in recs if r in frames] == recs
    for f in frames:
        assert recs.count(f) >= 2  # in and out
