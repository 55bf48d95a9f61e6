"""The 3600 family (3620, 3640, 3660) and the GT-96100 routers (2691, 3725,
3745): shared spec c3600-c2691-c37xx.md.

- hello.elf boots through the ROM monitor on every chassis and prints on
  the platform's console (NS16552), under the JIT, the interpreter and the
  sanitizer build;
- the platform probes (guest/tests/platforms) print what IOS finds:
  EEPROMs, PCI topology, I/O FPGA registers and interrupt paths, NVRAM and
  config store, flash; compared with expected/<probe>-<chassis>.out,
  written from the spec;
- the command line (-P, -t, -p, -s, usage errors);
- the hypervisor modules c3600, c2691, c3725, c3745 and configuration
  transfer through NVRAM (vm push_config / extract_config);
- Ethernet traffic through a UDP NIO: plat_net echoes frames through the
  Am79C971 (Leopard-2FE, NM-1FE-TX behind every chassis' PCI topology)
  and the GT-96100's own port;
- HDLC through a WIC serial port: plat_hdlc echoes frames through the
  WIC's GT-96100 MPSC channel and SDMA rings;
- snapshots (vm save_state / load_state) on every chassis: plat_snap
  counts on after the restore and reads back the same device state.

Run: /usr/bin/python3 -m pytest tests/integration/test_platforms.py
"""
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from netlab import UdpPeer, free_udp_ports
from test_hypervisor import c, free_port, hv  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
EMU = ROOT / "build" / "dynamips"
ASAN = ROOT / "build" / "asan" / "dynamips"
HELLO = ROOT / "guest" / "images" / "hello.elf"
PROBES = ROOT / "guest" / "images" / "platforms"
EXPECTED = ROOT / "guest" / "tests" / "platforms" / "expected"
MAC = "0012.3456.789a"
STARTUP = "hostname platform-probe"

# chassis -> (-P, -t, PRId, remote platform id, NVRAM KB)
CHASSIS = {
    "3620": ("3600", "3620", 0x2112, 0x1E, 128),
    "3640": ("3600", "3640", 0x2112, 0x1E, 128),
    "3660": ("3600", "3660", 0x2812, 0x34, 128),
    "2691": ("2691", None, 0x2721, 0x66, 112),
    "3725": ("3725", None, 0x2721, 0x61, 112),
    "3745": ("3745", None, 0x2721, 0x69, 304),
}

# The cards each probe's expected output was written for.
PROBE_CARDS = {
    "plat_eeprom": {
        "3620": ["-p", "0:NM-1E", "-p", "1:NM-4T"],
        "3640": ["-p", "0:NM-4E", "-p", "2:NM-1FE-TX"],
        "3660": ["-p", "1:NM-4T", "-p", "6:NM-1FE-TX"],
        "2691": ["-p", "1:NM-1FE-TX", "-p", "0:16:WIC-1T", "-p",
                 "0:48:WIC-2T"],
        "3725": ["-p", "2:NM-4T", "-p", "0:32:WIC-2T"],
        "3745": ["-p", "3:NM-1FE-TX", "-p", "0:16:WIC-2T"],
    },
    "plat_pci": {
        "3620": ["-p", "0:NM-1E", "-p", "1:NM-4T"],
        "3640": ["-p", "0:NM-4E", "-p", "3:NM-1FE-TX"],
        "3660": ["-p", "2:NM-4T", "-p", "5:NM-16ESW"],
        "2691": ["-p", "1:NM-4T"],
        "3725": ["-p", "1:NM-1FE-TX", "-p", "2:NM-4T"],
        "3745": ["-p", "1:NM-4T", "-p", "2:NM-16ESW", "-p", "4:NM-1FE-TX"],
    },
    "plat_fpga": {
        "3620": ["-p", "1:NM-1FE-TX"],
        "3640": ["-p", "3:NM-1FE-TX"],
        "3660": [],
        "2691": ["-p", "1:NM-1FE-TX"],
        "3725": ["-p", "2:NM-1FE-TX"],
        "3745": ["-p", "4:NM-1FE-TX"],
    },
    "plat_nvram": {ch: ["-C", "start.cfg"] for ch in CHASSIS},
}

EMUS = {"jit": (EMU, [], 30), "interp": (EMU, ["-j"], 30),
        "asan": (ASAN, [], 120)}


def platform_args(chassis):
    p, t = CHASSIS[chassis][:2]
    return ["-P", p] + (["-t", t] if t else [])


def run(tmp_path, chassis, image, *extra, emu="jit"):
    exe, opts, timeout = EMUS[emu]
    if not exe.exists():
        pytest.fail("%s is not built" % exe)
    cmd = [str(exe), *platform_args(chassis), "-X", *opts, *extra,
           str(image)]
    return subprocess.run(cmd, cwd=tmp_path, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout)


def section(text, name):
    text = text.replace("\r\n", "\n")
    m = re.search(r"^=== BEGIN %s$.*?^=== END$" % name, text, re.M | re.S)
    return m.group(0) + "\n" if m else None


def echo_probe(tmp_path, chassis, probe, args, nio_at, frames):
    """Run guest probe `probe` on chassis with extra args and a UDP NIO at
    nio_at ("slot:port") to a socket of this test; send each frame (again
    every 0.1 s) until it comes back, then wait for the probe to end.
    Returns (the emulator's pid, the probe's section of its output, the
    echoes)."""
    peer = UdpPeer(0, free_udp_ports(1)[0])
    nio = "%s:udp:%d:127.0.0.1:%d" % (nio_at, peer.nio_port, peer.port)
    proc = subprocess.Popen(
        [str(EMU), *platform_args(chassis), "-X", "-r", "32", *args,
         "-s", nio, str(PROBES / (probe + ".elf"))], cwd=tmp_path,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        echoes = peer.echo(frames, time.time() + 20, resend=True)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        peer.close()
    assert proc.returncode == 0, err[-2000:]
    return proc.pid, section(out.decode(errors="replace"), probe), echoes


# ------------------------------------------------------------- hello

@pytest.mark.parametrize("emu", sorted(EMUS))
@pytest.mark.parametrize("chassis", sorted(CHASSIS))
def test_hello_boots(tmp_path, chassis, emu):
    p = run(tmp_path, chassis, HELLO, emu=emu)
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0, (p.returncode, p.stderr[-2000:])
    assert "ERROR: AddressSanitizer" not in p.stderr.decode(errors="replace")
    _, _, prid, pid, nvkb = CHASSIS[chassis]
    model = "3620/3640" if chassis in ("3620", "3640") else chassis
    assert "A bare-metal program on an emulated Cisco %s" % model in out
    assert "CPU PRId        : 0x%08x" % prid in out
    assert "NVRAM           : %u KB" % nvkb in out
    assert "DRAM            : 128 MB" in out
    assert "Status at entry : 0x00408101" in out
    assert "Goodbye." in out


def test_rom_banner_names_the_platform(tmp_path):
    p = run(tmp_path, "3745", HELLO)
    assert b"OpenDynamips ROM monitor for the c3745" in p.stdout


def test_empty_nvram_sets_confreg_bit_6(tmp_path):
    # §2.2 step 4: the 3600 tests the whole NVRAM device (which the ROM
    # writes on every boot: §10 item 8), the GT-96100 routers only the
    # window in the ROM flash (which the ROM never writes).
    p = run(tmp_path, "3640", HELLO)
    assert b"Config register : 0x2142" in p.stdout
    p = run(tmp_path, "3640", HELLO)
    assert b"Config register : 0x2102" in p.stdout
    for _ in range(2):
        p = run(tmp_path, "2691", HELLO)
        assert b"Config register : 0x2142" in p.stdout


# ------------------------------------------------------------ probes

@pytest.mark.parametrize("chassis", sorted(CHASSIS))
@pytest.mark.parametrize("probe", sorted(PROBE_CARDS))
def test_probe(tmp_path, probe, chassis):
    (tmp_path / "start.cfg").write_text(STARTUP)
    image = PROBES / (probe + ".elf")
    assert image.exists(), image
    args = ["-m", MAC] + PROBE_CARDS[probe][chassis]
    p = run(tmp_path, chassis, image, *args)
    assert p.returncode == 0, (p.returncode, p.stderr[-2000:])
    got = section(p.stdout.decode(errors="replace"), probe)
    want = (EXPECTED / ("%s-%s.out" % (probe, chassis))).read_text()
    assert got == want


def eeprom_bytes(text, chip):
    """The 128 bytes plat_eeprom printed for `chip` ("mainboard:")."""
    words = []
    lines = text.splitlines()
    i = lines.index(chip + ":") + 1
    while len(words) < 64:
        addr, _, vals = lines[i].strip().partition(": ")
        if ".." in addr:
            lo, hi = (int(x, 16) for x in addr.split(".."))
            words += [int(vals, 16)] * (hi - lo + 1)
        else:
            words += [int(v, 16) for v in vals.split()]
        i += 1
    return b"".join(w.to_bytes(2, "big") for w in words)


@pytest.mark.parametrize("chassis,sysid,chip,off,want", [
    ("3640", "123456", "mainboard", 16, (123456).to_bytes(4, "big")),
    ("3660", "ABCDEFGHIJK", "backplane", 50, b"ABCDEFGHIJK"),
    ("3725", "ABCDEFGHIJK", "mainboard", 62, b"ABCDEFGHIJK"),
    ("3745", "ABCDEFGHIJK", "midplane", 72, b"ABCDEFGHIJK"),
])
def test_system_id_option(tmp_path, chassis, sysid, chip, off, want):
    """-I burns the system id into the chassis EEPROM (§9); the rest of
    the image is as without it."""
    args = ["-m", MAC] + PROBE_CARDS["plat_eeprom"][chassis]
    p = run(tmp_path, chassis, PROBES / "plat_eeprom.elf", "-I", sysid,
            *args)
    assert p.returncode == 0, p.stderr[-2000:]
    got = eeprom_bytes(section(p.stdout.decode(), "plat_eeprom"), chip)
    base = eeprom_bytes((EXPECTED / ("plat_eeprom-%s.out" % chassis))
                        .read_text(), chip)
    assert got[off:off + len(want)] == want
    assert got[:off] + got[off + len(want):] == \
        base[:off] + base[off + len(want):]


# ------------------------------------------------------------ traffic

@pytest.mark.parametrize("chassis,cards,port,chip", [
    ("3620", ["-p", "1:NM-1FE-TX"], "1:0", "Am79C971 at 0/0/13"),
    ("3640", ["-p", "3:NM-1FE-TX"], "3:0", "Am79C971 at 0/1/8"),
    ("3660", [], "0:0", "Am79C971 at 0/0/6"),          # Leopard-2FE
    ("2691", [], "0:0", "GT-96100 Ethernet port 0"),
    ("3725", ["-p", "2:NM-1FE-TX"], "2:0", "Am79C971 at 1/0/10"),
    ("3745", [], "0:0", "GT-96100 Ethernet port 0"),
    ("3745", ["-p", "4:NM-1FE-TX"], "4:0", "Am79C971 at 1/4/0"),
])
def test_ethernet_echo(tmp_path, chassis, cards, port, chip):
    """plat_net sends every frame back with its addresses swapped: the
    chip, its rings in RAM and the UDP NIO, frames of 60 to 1514 bytes."""
    frames = [bytes.fromhex("020000000001020000000099 0800") +
              bytes([0x10 + i]) + bytes((k * 7) & 0xFF
                                        for k in range(n - 15))
              for i, n in enumerate([60, 600, 1514])]
    _, text, echoes = echo_probe(tmp_path, chassis, "plat_net", cards, port,
                                 frames)
    assert chip in text and "echoed 3 frames" in text, text
    for f, e in zip(frames, echoes):
        assert e == f[6:12] + f[:6] + f[12:]


@pytest.mark.parametrize("chassis,sub,card,channel", [
    ("2691", 16, "WIC-1T", 1),
    ("3725", 48, "WIC-1T", 5),
    ("3745", 32, "WIC-2T", 4),
])
def test_wic_serial_echo(tmp_path, chassis, sub, card, channel):
    """plat_hdlc sends every HDLC frame back through port 0 of the WIC:
    the WIC's MPSC channel (§4.9), its SDMA rings and the UDP NIO."""
    frames = [bytes([0x0F, 0, 0x08, 0]) + bytes((k * 5 + i) & 0xFF
                                               for k in range(n))
              for i, n in enumerate([20, 300, 1500])]
    _, text, echoes = echo_probe(tmp_path, chassis, "plat_hdlc",
                                 ["-p", "0:%d:%s" % (sub, card)],
                                 "0:%d" % sub, frames)
    assert "WIC %d port 0: MPSC channel %d" % (sub // 16 - 1, channel) \
        in text, text
    assert "echoed 3 frames" in text, text
    assert echoes == frames


@pytest.mark.parametrize("chassis,sub,channel,prefix", [
    ("2691", 16, 1, 0xC0),
    ("3725", 32, 4, 0xC2),
    ("3745", 48, 5, 0xC4),
])
def test_wic1enet_echo(tmp_path, chassis, sub, channel, prefix):
    """plat_wenet finds the WIC-1ENET by its EEPROM, whose MAC field the
    emulator filled (prefix : instance : pid : sub-slot port id : 00), and
    sends every Ethernet frame back through the WIC's MPSC channel (§4.9)
    with the addresses swapped, its received count including the FCS."""
    frames = [bytes([0xFF] * 6 + [2, 0, 0, 0, 0, 9, 0x08, 0x06]) +
              bytes((k * 3 + i) & 0xFF for k in range(n))
              for i, n in enumerate([46, 300, 1500])]
    pid, text, echoes = echo_probe(tmp_path, chassis, "plat_wenet",
                                   ["-p", "0:%d:WIC-1ENET" % sub],
                                   "0:%d" % sub, frames)
    pid &= 0xFFFF
    mac = ":".join("%02x" % b for b in
                   (prefix, 0, pid >> 8, pid & 0xFF, sub, 0))
    assert "WIC-1ENET in WIC %d: MPSC channel %d, field cf len 6, MAC %s" \
        % (sub // 16 - 1, channel, mac) in text, text
    assert "frame 2: 1514 bytes, type 0806" in text, text
    assert "echoed 3 frames" in text, text
    for f, e in zip(frames, echoes):
        assert e == f[6:12] + f[:6] + f[12:]


# ------------------------------------------------------ command line

@pytest.mark.parametrize("args,why", [
    (["-P", "3600", "-t", "3699"], b"-t"),
    (["-P", "3600", "-t", "3620", "-p", "2:NM-4T"], b"out of range"),
    (["-P", "2691", "-p", "1:NM-4E"], b"does not fit"),
    (["-P", "3745", "-p", "4:NM-NAM"], b"not emulated"),
    (["-P", "3725", "-p", "0:17:WIC-1T"], b"not a card position"),
    (["-P", "3600", "-t", "3640", "-s", "1:0:null"], b"no card there"),
    (["-P", "2691", "-s", "0:16:null"], b"no card there"),
    (["-P", "3600", "-p", "1:NM-4T", "-s", "1:4:null"], b"4 ports"),
    (["-P", "3600", "--iomem-size", "101"], b"--iomem-size"),
    (["-P", "2691", "-I", "12345"], b"not offered on the 2691"),
])
def test_usage_errors(tmp_path, args, why):
    p = subprocess.run([str(EMU), *args, "-X", str(HELLO)], cwd=tmp_path,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=30)
    assert p.returncode == 2, p.stderr
    assert why in p.stderr, p.stderr


def test_cards_and_nios_on_every_chassis(tmp_path):
    cases = [
        ("3620", ["-p", "0:NM-4E", "-p", "1:NM-4T", "-s", "0:3:null",
                  "-s", "1:2:null"]),
        ("3640", ["-p", "0:NM-1E", "-p", "1:NM-1FE-TX", "-p", "2:NM-4T",
                  "-p", "3:NM-4E", "-s", "3:0:null"]),
        ("3660", ["-p", "1:NM-4T", "-p", "6:NM-4E", "-s", "0:1:null",
                  "-s", "6:3:null"]),
        ("2691", ["-p", "1:NM-4T", "-p", "0:16:WIC-2T", "-s", "0:0:null",
                  "-s", "0:17:null"]),
        ("3725", ["-p", "1:NM-1FE-TX", "-p", "2:NM-4T", "-p",
                  "0:48:WIC-1T", "-s", "0:48:null", "-s", "2:3:null"]),
        ("3745", ["-p", "1:NM-4T", "-p", "4:NM-1FE-TX", "-p",
                  "0:32:WIC-2T", "-s", "0:33:null", "-s", "4:0:null"]),
    ]
    for chassis, args in cases:
        p = run(tmp_path, chassis, HELLO, *args)
        assert p.returncode == 0, (chassis, p.stderr[-1000:])
        assert b"Goodbye." in p.stdout


def test_files_named_as_the_reference(tmp_path):
    run(tmp_path, "3620", HELLO)
    run(tmp_path, "3745", HELLO)
    names = {f.name for f in tmp_path.iterdir()}
    assert {"c3600_i0_nvram", "c3600_i0_bootflash", "c3745_i0_rom",
            "c3745_i0_ssa", "c3745_i0_disk0"} <= names
    # §4.10: 2 MB of ROM flash with the monitor at offset 0
    rom = (tmp_path / "c3745_i0_rom").read_bytes()
    assert len(rom) == 2 << 20
    assert rom[:4] != b"\0\0\0\0"


# -------------------------------------------------------- hypervisor


def test_hypervisor_modules(c):
    mods = c.ok("hypervisor module_list").info
    for m in ("c3600", "c2691", "c3725", "c3745"):
        assert m in mods
    assert c.cmd("hypervisor cmd_list c3600").code == 100


def test_hypervisor_builtin_slot0_cards(c):
    c.ok("vm create R1 1 c2691")
    assert c.ok("vm slot_bindings R1").info == ["0/0: GT96100-FE"]
    c.ok("vm slot_add_binding R1 0 16 WIC-2T")
    c.ok("vm slot_add_binding R1 1 0 NM-4T")
    c.ok("vm create R2 2 c3600")
    assert c.ok("vm slot_bindings R2").info == []
    c.ok("c3600 set_chassis R2 3660")
    assert c.ok("vm slot_bindings R2").info == ["0/0: Leopard-2FE"]
    assert c.cmd("c3600 set_chassis R2 3699").lines[-1] == \
        "206-unable to set Chassis type for router 'R2'"
    c.ok("c3600 set_chassis R2 3620")
    assert c.ok("vm slot_bindings R2").info == []
    assert c.cmd("vm slot_add_binding R2 3 0 NM-4T").code == 100
    assert c.cmd("c3600 get_mac_addr R1").lines[-1] == \
        "212-VM 'R1' is not a VM type c3600"
    assert c.ok("c2691 list").info == ["R1"]


def test_hypervisor_mac_iomem_and_save_config(c, tmp_path):
    c.ok("vm create R1 1 c3745")
    c.ok("c3745 set_mac_addr R1 c4:01:02:03:04:05")
    assert c.ok("c3745 get_mac_addr R1").text == "c401.0203.0405"
    c.ok("c3745 set_iomem R1 10")
    c.ok("vm slot_add_binding R1 0 32 WIC-1T")
    c.ok("vm create R2 2 c3600")
    c.ok("c3600 set_chassis R2 3660")
    c.ok("hypervisor save_config %s" % (tmp_path / "saved.cfg"))
    saved = (tmp_path / "saved.cfg").read_text()
    assert "GT96100-FE" not in saved and "Leopard-2FE" not in saved
    assert 'c3600 set_chassis "R2" 3660' in saved
    assert 'c3745 set_iomem "R1" 10' in saved
    assert 'c3745 set_mac_addr "R1" c401.0203.0405' in saved
    assert 'vm slot_add_binding "R1" 0 32 WIC-1T' in saved


@pytest.mark.parametrize("platform", ["c3600", "c2691", "c3725", "c3745"])
def test_hypervisor_start_hello(c, platform):
    c.ok("vm create R1 1 %s" % platform)
    c.ok("vm set_ios R1 %s" % HELLO)
    if platform != "c3600":
        c.ok("vm slot_add_binding R1 0 16 WIC-1T")
    c.ok("vm start R1")
    deadline = time.time() + 20
    while c.ok("vm get_status R1").text != "0":
        assert time.time() < deadline, "hello did not power off"
        time.sleep(0.1)


@pytest.mark.parametrize("platform", ["c3600", "c2691", "c3745"])
def test_config_push_extract(c, tmp_path, platform):
    import base64
    c.ok("vm create R1 1 %s" % platform)
    cfg = b"hostname pushed\n"
    c.ok("vm push_config R1 %s" % base64.b64encode(cfg).decode())
    r = c.ok("vm extract_config R1")
    m = re.search(r"conf '[^']*' '([^']*)' '([^']*)'", r.lines[-1])
    assert base64.b64decode(m.group(1)) == cfg
    # the file the start will use: NVRAM device or ROM flash (§8.2)
    fname = "%s_R1_%s" % (platform, "nvram" if platform == "c3600"
                          else "rom")
    assert (tmp_path / fname).exists()


# ---------------------------------------------------------- snapshots

HV_PLATFORM = {"3620": "c3600", "3640": "c3600", "3660": "c3600",
               "2691": "c2691", "3725": "c3725", "3745": "c3745"}
TICK = re.compile(rb"tick (\d+) (scr [^\r\n]*)\r?\n")


class Console:
    """The router's console port: plat_snap's tick lines."""

    def __init__(self, port):
        deadline = time.time() + 10
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), 1)
                break
            except OSError:
                assert time.time() < deadline, "console never opened"
                time.sleep(0.02)
        self.s.settimeout(0.1)
        self.buf = b""

    def tick(self, at_least=0, timeout=20):
        """The first complete tick line numbered at_least or more."""
        deadline = time.time() + timeout
        while True:
            for m in TICK.finditer(self.buf):
                if int(m.group(1)) >= at_least:
                    self.buf = self.buf[m.end():]
                    return int(m.group(1)), m.group(2).decode()
            assert time.time() < deadline, self.buf[-400:]
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                continue
            assert d, "console closed"
            self.buf += d

    def close(self):
        self.s.close()


def snap_router(c, name, iid, chassis, port):
    plat = HV_PLATFORM[chassis]
    c.ok("vm create %s %d %s" % (name, iid, plat))
    if plat == "c3600":
        c.ok("c3600 set_chassis %s %s" % (name, chassis))
    c.ok("vm set_ios %s %s" % (name, PROBES / "plat_snap.elf"))
    c.ok("vm set_ram %s 32" % name)
    c.ok("vm set_con_tcp_port %s %d" % (name, port))
    c.ok("vm slot_add_binding %s 1 0 NM-1FE-TX" % name)


@pytest.mark.parametrize("chassis", sorted(CHASSIS))
def test_snapshot_goes_on_where_it_was(c, tmp_path, chassis):
    """vm save_state / load_state: the restored router counts on from
    where it was (no ROM, no boot) and reads back the same DUART, GT,
    NVRAM or SSA, PCI BAR and Am79C971 state (plat_snap.c)."""
    port = free_port()
    snap_router(c, "R1", 1, chassis, port)
    c.ok("vm start R1")
    con = Console(port)
    n0, state = con.tick(at_least=2)
    ident = int(CHASSIS[chassis][3])
    assert state == ("scr 5a mask 00000010 mem c0ffee%02x bar 10100000 "
                     "csr12 1234" % ident), state
    snap = tmp_path / "r1.snap"
    c.ok('vm save_state R1 "%s"' % snap)
    con.close()
    c.ok("vm stop R1")
    c.ok('vm load_state R1 "%s"' % snap)
    assert c.ok("vm get_status R1").text == "2"
    con = Console(port)
    n1, state1 = con.tick()
    assert n1 > n0 and state1 == state, (n0, n1, state1)
    assert b"platform" not in con.buf and b"ROM" not in con.buf
    con.close()
    c.ok("vm stop R1")
    log = (tmp_path / ("%s_R1_log.txt" % HV_PLATFORM[chassis])).read_text()
    assert "state loaded" in log


def test_snapshot_of_another_chassis_refused(c, tmp_path):
    snap_router(c, "R1", 1, "3640", free_port())
    c.ok("vm start R1")
    time.sleep(0.3)
    snap = tmp_path / "r1.snap"
    c.ok('vm save_state R1 "%s"' % snap)
    c.ok("vm stop R1")
    snap_router(c, "R2", 2, "3620", free_port())
    r = c.cmd('vm load_state R2 "%s"' % snap)
    assert r.code == 209 and "3620" in r.text, r
    assert c.ok("vm get_status R2").text == "0"
    # another platform: refused before anything is built
    snap_router(c, "R3", 3, "3745", free_port())
    r = c.cmd('vm load_state R3 "%s"' % snap)
    assert r.code == 209 and "c3600" in r.text, r
