"""The router firmware (guest/images/firmware/router-firmware.elf) driven
through its real console: dynamips with -T, a TCP client speaking telnet.

Each router runs in its own temporary working directory, so NVRAM
persists between two processes started there (write memory, restart).
"""
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from test_hypervisor import free_port
from test_idle_auto import thread_wakes

ROOT = Path(__file__).resolve().parents[2]
# Another build of the emulator can be tested with DYNAMIPS_BUILD=<dir>.
BUILD = Path(os.environ.get("DYNAMIPS_BUILD", ROOT / "build"))
EMU = BUILD / "dynamips"
NVRAM_EXPORT = BUILD / "nvram_export"
IMAGE = ROOT / "guest" / "images" / "firmware" / "router-firmware.elf"
TIMEOUT = 10

IAC, SB, SE = 255, 250, 240


def strip_telnet(data, state):
    """Removes telnet commands from data (state carries partial ones)."""
    out = bytearray()
    buf = state.pop() + data if state else data
    i = 0
    while i < len(buf):
        c = buf[i]
        if c != IAC:
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(buf):
            state.append(buf[i:])
            break
        cmd = buf[i + 1]
        if cmd == IAC:
            out.append(IAC)
            i += 2
        elif cmd == SB:
            end = buf.find(bytes([IAC, SE]), i + 2)
            if end < 0:
                state.append(buf[i:])
                break
            i = end + 2
        elif cmd >= 251:  # WILL WONT DO DONT + option
            if i + 2 >= len(buf):
                state.append(buf[i:])
                break
            i += 3
        else:
            i += 2
    return bytes(out)


class Router:
    """A firmware router: dynamips process plus a console connection."""

    def __init__(self, cwd, args=(), emu=EMU, platform=("-P", "7200")):
        self.cwd = Path(cwd)
        self.port = free_port()
        self.log = open(self.cwd / "dynamips.out", "ab")
        self.t_start = time.monotonic()
        self.p = subprocess.Popen(
            [str(emu), *platform, "-X", "-r", "64", "-T", str(self.port),
             *args, str(IMAGE)],
            cwd=self.cwd, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", self.port),
                                                  1)
                break
            except OSError:
                assert self.p.poll() is None, "dynamips exited"
                assert time.monotonic() < deadline, "console never opened"
                time.sleep(0.02)
        self.s.settimeout(0.05)
        self.buf = b""
        self.tstate = []

    def _read(self):
        try:
            d = self.s.recv(65536)
        except socket.timeout:
            return False
        assert d, "console closed; got %r" % self.buf[-400:]
        self.buf += strip_telnet(d, self.tstate)
        return True

    def expect(self, want, timeout=TIMEOUT):
        """Waits for want (str or compiled regex); returns and consumes the
        text up to and including it."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.buf.decode("latin-1")
            if isinstance(want, str):
                i = text.find(want)
                end = i + len(want) if i >= 0 else -1
            else:
                m = want.search(text)
                end = m.end() if m else -1
            if end >= 0:
                self.buf = self.buf[end:]
                return text[:end]
            assert time.monotonic() < deadline, \
                "no %r in %r" % (want, text[-600:])
            self._read()

    def send(self, text):
        self.s.sendall(text.encode("latin-1"))

    def drain(self):
        """Discards what arrived so far (e.g. asynchronous log messages)."""
        while self._read():
            pass
        self.buf = b""

    def cmd(self, line, prompt=None, timeout=TIMEOUT):
        """Types a line; returns what came before the next prompt (the
        echo of the line and the prompt removed)."""
        self.drain()
        self.send(line + "\r")
        self.expect(line)
        out = self.expect(prompt or PROMPT, timeout)
        out = out.replace("\r\n", "\n")
        assert out.startswith("\n"), out
        out = out[1:]
        return out[:out.rfind("\n") + 1]

    def boot(self):
        self.expect("Press RETURN to get started!")
        self.send("\r")
        return self.expect(PROMPT)

    def stop(self):
        try:
            self.s.close()
        except OSError:
            pass
        if self.p.poll() is None:
            self.p.terminate()
        rc = self.p.wait(timeout=TIMEOUT)
        self.log.close()
        return rc


PROMPT = re.compile(r"\n[A-Za-z][A-Za-z0-9-]*(?:\([a-z-]+\))?[>#]$")


@pytest.fixture
def routers(tmp_path):
    made = []

    def make(args=(), cwd=None, emu=EMU, platform=("-P", "7200")):
        r = Router(cwd or tmp_path, args, emu, platform)
        made.append(r)
        return r
    yield make
    for r in made:
        if r.p.poll() is None:
            r.p.kill()
            r.p.wait()


def emu_has_cards(emu=EMU):
    out = subprocess.run([str(emu), "--help"], capture_output=True,
                         text=True).stdout
    return "-p <slot>:<card>" in out


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(autouse=True)
def need_image():
    if not EMU.exists():
        pytest.fail(f"{EMU} is missing (make)")
    if not IMAGE.exists():
        pytest.fail(f"{IMAGE} is missing (make firmware)")


# ---------------------------------------------------------------- boot

def test_boot_to_prompt_within_a_second(routers):
    r = routers()
    text = r.expect("Press RETURN to get started!")
    elapsed = time.monotonic() - r.t_start
    assert elapsed < 1.0, f"banner after {elapsed:.2f} s"
    # entered by our ROM, as IOS is
    assert "Starting image at 0x80008000" in text
    assert "OpenDynamips Router Firmware" in text
    r.send("\r")
    r.expect("Router>")


def test_idle_router_sleeps(routers):
    r = routers()
    r.boot()
    time.sleep(0.3)
    c0, t0 = cpu_seconds(r.p.pid), time.monotonic()
    time.sleep(2.0)
    c1, t1 = cpu_seconds(r.p.pid), time.monotonic()
    share = (c1 - c0) / (t1 - t0)
    assert share < 0.15, f"idle router used {share:.0%} of a core"


def test_idle_router_wakes_rarely(routers):
    """Tickless idle: at its prompt the router's CPU sleeps until the
    firmware's next deadline (its one-second poll) rather than at each
    4 ms tick, so no thread of the process wakes 250 times a second."""
    r = routers()
    r.boot()
    time.sleep(0.5)
    a, t0 = thread_wakes(r.p.pid), time.monotonic()
    time.sleep(2.0)
    b, t1 = thread_wakes(r.p.pid), time.monotonic()
    rates = sorted((b[t] - a.get(t, 0)) / (t1 - t0) for t in b)
    assert rates[-1] < 25, rates

def test_uptime_follows_host_time(routers):
    r = routers()
    r.boot()
    first = r.cmd("show clock")
    time.sleep(2.0)
    second = r.cmd("show clock")

    def secs(t):
        h, m, s = re.search(r"\*(\d+):(\d+):(\d+\.\d+)", t).groups()
        return int(h) * 3600 + int(m) * 60 + float(s)
    delta = secs(second) - secs(first)
    assert 1.5 < delta < 3.5, (first, second)


# ------------------------------------------------------------ CLI modes

def test_modes_and_prompts(routers):
    r = routers()
    r.boot()
    r.cmd("enable")
    assert r.buf == b""
    r.send("configure terminal\r")
    r.expect("Router(config)#")
    r.send("hostname R1\r")
    r.expect("R1(config)#")
    r.send("interface FastEthernet0/0\r")
    r.expect("R1(config-if)#")
    r.send("exit\r")
    r.expect("R1(config)#")
    r.send("int fa0/0\r")
    r.expect("R1(config-if)#")
    r.send("end\r")
    r.expect("R1#")
    r.send("disable\r")
    r.expect("R1>")
    r.send("en\r")
    r.expect("R1#")
    r.send("conf t\r")
    r.expect("R1(config)#")
    r.send("\x1a")  # Ctrl-Z: end
    r.expect("R1#")


def test_help_lists_commands(routers):
    r = routers()
    r.boot()
    r.send("?")
    out = r.expect("Router>")
    assert "Exec commands:" in out
    for word in ("enable", "ping", "show"):
        assert re.search(rf"\n  {word} +\S", out), out
    assert "configure" not in out  # privileged only
    r.send("enable\r")
    r.expect("Router#")
    r.send("show ?")
    out = r.expect("Router#show ")
    for word in ("version", "running-config", "interfaces", "ip"):
        assert re.search(rf"\n  {word} +\S", out), out
    r.send("\x15")  # Ctrl-U: erase the line
    r.send("sh?")
    out = r.expect("Router#sh")
    assert "show" in out
    r.send("\x15conf t\r")
    r.expect("Router(config)#")
    r.send("?")
    out = r.expect("Router(config)#")
    assert "Configure commands:" in out
    assert re.search(r"\n  hostname +Set system's network name", out)
    r.send("hostname ?")
    out = r.expect("Router(config)#hostname ")
    assert "WORD" in out


def test_invalid_input_caret(routers):
    r = routers()
    r.boot()
    r.cmd("enable")
    out = r.cmd("show xyzzy")
    # "Router#" is 7 characters, "show " 5: the caret is under 'x'
    assert out.startswith(" " * 12 + "^\n% Invalid input detected at "
                          "'^' marker.\n"), out
    out = r.cmd("show versoin")
    # "vers" matches "version": the caret is under the 'o'
    assert out.startswith(" " * (7 + 5 + 4) + "^\n"), out
    r.send("configure terminal\r")
    r.expect("Router(config)#")
    out = r.cmd("foo bar")
    assert out.startswith(" " * 15 + "^\n% Invalid input detected"), out


def test_incomplete_and_ambiguous(routers):
    r = routers()
    r.boot()
    r.cmd("enable")
    assert "% Incomplete command." in r.cmd("show")
    assert '% Ambiguous command: "c"' in r.cmd("c")
    r.send("conf t\r")
    r.expect("Router(config)#")
    assert "% Incomplete command." in r.cmd("hostname")


def test_line_editor(routers):
    r = routers()
    r.boot()
    # backspace and DEL erase, Ctrl-U kills the line
    r.send("enxx\x08\x7fable\r")
    r.expect("Router#")
    r.send("garbage\x15show ip interface brief\r")
    out = r.expect("Router#")
    assert "FastEthernet0/0" in out
    # Ctrl-C abandons the line (and configuration mode)
    r.send("conf t\r")
    r.expect("Router(config)#")
    r.send("hostname XX\x03")
    out = r.expect("Router#")
    assert "^C" in out
    # Tab completes a unique keyword
    r.send("show vers\t")
    r.expect("show version ")
    r.send("\r")
    r.expect("Router#")


def test_interface_configuration(routers):
    r = routers()
    r.boot()
    r.cmd("enable")
    r.send("conf t\r")
    r.expect("Router(config)#")
    r.send("interface FastEthernet0/0\r")
    r.expect("(config-if)#")
    r.send("ip address 10.1.1.1 255.255.255.0\r")
    r.expect("(config-if)#")
    out = r.cmd("ip address 10.1.2.1 255.0.255.0")
    assert "Bad mask" in out
    # a number that is no FastEthernet: invalid (and no Loopback5 either)
    out = r.cmd("interface FastEthernet 5")
    assert "% Invalid input detected" in out, out
    r.send("interface loopback 0\r")
    r.expect("(config-if)#")
    r.send("ip address 10.1.1.5 255.255.255.255\r")
    out = r.expect("(config-if)#")
    assert "overlaps with FastEthernet0/0" in out
    r.send("ip address 192.168.1.1 255.255.255.255\r")
    r.expect("(config-if)#")
    # a global command from interface mode leaves interface mode
    r.send("ip route 0.0.0.0 0.0.0.0 10.1.1.254\r")
    r.expect("Router(config)#")
    r.send("end\r")
    r.expect("Router#")
    out = r.cmd("show ip interface brief")
    assert re.search(r"FastEthernet0/0 +10\.1\.1\.1 +YES manual "
                     r"administratively down down", out), out
    assert re.search(r"Loopback0 +192\.168\.1\.1 +YES manual up +up", out)
    assert "Loopback5" not in out
    out = r.cmd("show running-config")
    assert "interface FastEthernet0/0\n ip address 10.1.1.1 " \
           "255.255.255.0\n shutdown\n" in out, out
    assert "interface Loopback0\n ip address 192.168.1.1 " \
           "255.255.255.255\n" in out
    assert "ip route 0.0.0.0 0.0.0.0 10.1.1.254\n" in out


# ------------------------------------------------------------ show version

def test_show_version(routers):
    r = routers()
    r.boot()
    out = r.cmd("show version")
    assert "OpenDynamips Router Firmware, 7200 Software" in out
    assert "cisco 7206VXR (NPE400) processor" in out
    assert "with 65536K bytes of memory" in out  # EMT 4 with -r 64
    assert "R7000 CPU at 350MHz" in out
    assert "Processor board ID" in out
    assert "Slot 0: C7200-IO-FE" in out
    assert "1 FastEthernet interface" in out
    assert "126K bytes of NVRAM." in out
    # fresh NVRAM: the emulator sets bit 6 (c7200.md §13.1)
    assert "Configuration register is 0x2142" in out


@pytest.mark.parametrize("npe,name,cpu", [
    ("npe-100", "NPE100", "R4600 CPU at 150MHz"),
    ("npe-200", "NPE200", "R5000 CPU at 200MHz"),
    ("npe-225", "NPE225", "R527x CPU at 262MHz"),
    ("npe-300", "NPE300", "R7000 CPU at 262MHz"),
])
def test_show_version_other_npes(routers, npe, name, cpu):
    r = routers(["-t", npe, "--midplane", "std"])
    r.boot()
    out = r.cmd("show version")
    assert f"cisco 7206 ({name}) processor" in out, out
    assert cpu in out
    assert "1 FastEthernet interface" in out
    r.cmd("enable")
    # the I/O card's DEC21140 was found through the GT on this NPE
    out = r.cmd("show pci")
    assert re.search(r"1011:0009 +02000011 +0 ", out), out


def test_port_adapters_found(routers):
    if not emu_has_cards():
        pytest.skip("this dynamips has no -p option")
    r = routers(["-p", "1:PA-4E", "-p", "2:PA-8T", "-p", "3:PA-FE-TX",
                 "-p", "4:PA-4T+"])
    r.boot()
    out = r.cmd("show version")
    assert "Slot 1: PA-4E" in out and "Slot 2: PA-8T" in out
    assert "Slot 3: PA-FE-TX" in out and "Slot 4: PA-4T+" in out
    assert "4 Ethernet interfaces" in out
    assert "2 FastEthernet interfaces" in out
    assert "12 Serial interfaces" in out
    out = r.cmd("show ip interface brief")
    names = re.findall(r"^(\S+\d)\s", out, re.M)
    assert names == (["FastEthernet0/0"] +
                     [f"Ethernet1/{p}" for p in range(4)] +
                     [f"Serial2/{p}" for p in range(8)] +
                     ["FastEthernet3/0"] +
                     [f"Serial4/{p}" for p in range(4)]), names
    out = r.cmd("show interfaces Serial2/7")
    assert out.startswith("Serial2/7 is administratively down")
    r.cmd("enable")
    out = r.cmd("show pci")
    for bay, ident in ((1, "1022:2000"), (2, "1137:0001"), (3, "1011:0009"),
                       (4, "1137:0001")):
        assert re.search(rf"{ident} +\S+ +{bay} ", out), (bay, out)


# ------------------------------------------------------------ NVRAM

CONFIG_STEPS = [
    ("configure terminal", "Router(config)#"),
    ("hostname R7", "R7(config)#"),
    ("interface FastEthernet0/0", "R7(config-if)#"),
    ("description uplink to the lab", "R7(config-if)#"),
    ("ip address 192.0.2.7 255.255.255.0", "R7(config-if)#"),
    ("no shutdown", "R7(config-if)#"),
    ("exit", "R7(config)#"),
    ("ip route 198.51.100.0 255.255.255.0 192.0.2.1", "R7(config)#"),
    ("end", "R7#"),
]


def configure(r):
    r.cmd("enable")
    for line, prompt in CONFIG_STEPS:
        r.send(line + "\r")
        r.expect(prompt)


def test_write_memory_survives_restart(routers, tmp_path):
    r = routers()
    r.boot()
    configure(r)
    running = r.cmd("show running-config")
    out = r.cmd("write memory")
    assert "Building configuration...\n[OK]" in out
    startup = r.cmd("show startup-config")
    assert r.stop() == 0

    # same working directory: same NVRAM file
    r2 = routers()
    r2.expect("Press RETURN to get started!")
    r2.send("\r")
    r2.expect("R7>")
    r2.cmd("enable")
    again = r2.cmd("show running-config")
    assert again == running
    assert "hostname R7\n" in again
    assert " description uplink to the lab\n" in again
    assert "ip route 198.51.100.0 255.255.255.0 192.0.2.1\n" in again
    out = r2.cmd("show ip interface brief")
    assert re.search(r"FastEthernet0/0 +192\.0\.2\.7 +YES NVRAM", out), out
    out = r2.cmd("show version")
    assert "Configuration register is 0x2102" in out
    assert r2.stop() == 0

    # nvram_export reads what the firmware wrote (c7200.md §13.4-13.5)
    nv = tmp_path / "c7200_i0_nvram"
    assert nv.exists()
    res = subprocess.run([str(NVRAM_EXPORT), "--strict", str(nv),
                          str(tmp_path / "exported.cfg")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    exported = (tmp_path / "exported.cfg").read_text()
    body = startup.split("\n", 1)[1]  # after "Using N out of M bytes"
    assert exported.rstrip("\n") == body.rstrip("\n")
    assert exported.startswith("!\n") and exported.endswith("end\n")


def test_copy_running_config_startup_config(routers, tmp_path):
    r = routers()
    r.boot()
    configure(r)
    r.send("copy running-config startup-config\r")
    r.expect("Destination filename [startup-config]? ")
    r.send("\r")
    out = r.expect("R7#")
    assert "[OK]" in out
    r.stop()
    res = subprocess.run([str(NVRAM_EXPORT), str(tmp_path / "c7200_i0_nvram"),
                          "-"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "hostname R7\n" in res.stdout


def test_confreg_bit6_ignores_startup_config(routers):
    r = routers()
    r.boot()
    configure(r)
    r.cmd("write memory")
    r.stop()
    r2 = routers(["-c", "0x2142"])
    r2.boot()
    out = r2.cmd("show version")
    assert "Configuration register is 0x2142" in out
    assert r2.buf == b""


def test_reads_config_pushed_by_the_emulator(routers, tmp_path):
    cfgfile = tmp_path / "startup.cfg"
    cfgfile.write_text("!\nhostname Pushed\n!\ninterface FastEthernet0/0\n"
                       " ip address 10.9.9.9 255.255.255.0\n shutdown\n!\n"
                       "line con 0\n exec-timeout 0 0\n!\nend\n")
    r = routers(["-C", str(cfgfile)])
    r.expect("Press RETURN to get started!")
    r.send("\r")
    r.expect("Pushed>")
    out = r.cmd("show ip interface brief")
    assert re.search(r"FastEthernet0/0 +10\.9\.9\.9 +YES NVRAM +"
                     r"administratively down", out), out


def test_reload_restarts_with_saved_config(routers, tmp_path):
    # A pushed config clears configuration-register bit 6, which the
    # emulator sets for the whole run when NVRAM starts out blank.
    (tmp_path / "empty.cfg").write_text("!\nend\n")
    r = routers(["-C", str(tmp_path / "empty.cfg")])
    r.boot()
    configure(r)
    r.cmd("write memory")
    r.send("configure terminal\r")
    r.expect("R7(config)#")
    r.send("hostname Unsaved\r")
    r.expect("Unsaved(config)#")
    r.send("end\r")
    r.expect("Unsaved#")
    r.send("reload\r")
    r.expect("Save? [yes/no]: ")
    r.send("no\r")
    r.expect("Proceed with reload? [confirm]")
    r.send("\r")
    out = r.expect("Press RETURN to get started!")
    assert "OpenDynamips ROM monitor" in out
    r.send("\r")
    r.expect("R7>")


# ------------------------------------------------------------ network

def free_udp_ports(n):
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def udp_link(slot_port_a, slot_port_b):
    """-s arguments joining two router ports with a UDP NIO pair."""
    pa, pb = free_udp_ports(2)
    return (["-s", f"{slot_port_a}:udp:{pa}:127.0.0.1:{pb}"],
            ["-s", f"{slot_port_b}:udp:{pb}:127.0.0.1:{pa}"])


def setup_router(r, name, lines):
    r.boot()
    r.cmd("enable")
    r.send("configure terminal\r")
    r.expect("(config)#")
    r.send(f"hostname {name}\r")
    r.expect(f"{name}(config)#")
    for line in lines:
        r.send(line + "\r")
        r.expect(re.compile(r"\)#$"))
    r.send("end\r")
    r.expect(f"{name}#")


def wait_line_up(r, ifname, timeout=5):
    deadline = time.monotonic() + timeout
    while True:
        out = r.cmd(f"show interfaces {ifname}")
        if "line protocol is up" in out:
            return
        assert time.monotonic() < deadline, out
        time.sleep(0.3)


def ping(r, addr, timeout=30):
    out = r.cmd(f"ping {addr}", timeout=timeout)
    m = re.search(r"Success rate is (\d+) percent \((\d+)/(\d+)\)", out)
    assert m, out
    return int(m.group(1)), out


def test_ping_over_fastethernet(routers, tmp_path):
    a_args, b_args = udp_link("0:0", "0:0")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    r1 = routers(a_args, cwd=tmp_path / "a")
    r2 = routers(b_args, cwd=tmp_path / "b")
    setup_router(r1, "R1", ["interface FastEthernet0/0",
                            "ip address 10.0.0.1 255.255.255.0",
                            "no shutdown"])
    setup_router(r2, "R2", ["interface FastEthernet0/0",
                            "ip address 10.0.0.2 255.255.255.0",
                            "no shutdown"])
    wait_line_up(r1, "FastEthernet0/0")
    wait_line_up(r2, "FastEthernet0/0")
    rate, out = ping(r1, "10.0.0.2")
    # IOS style: the first echo may be lost to ARP resolution
    assert re.search(r"\n[.!]!!!!\n", out), out
    assert rate >= 80
    rate, out = ping(r1, "10.0.0.2")
    assert "!!!!!" in out and rate == 100, out
    assert "round-trip min/avg/max = " in out
    out = r2.cmd("show arp")
    assert re.search(r"10\.0\.0\.1 +\d+ +ca\S+ +ARPA +FastEthernet0/0", out)
    # an address nobody has: all timeouts
    rate, out = ping(r1, "10.0.0.99 timeout 1")
    assert rate == 0 and "....." in out


def test_unconnected_fastethernet_stays_down(routers):
    r = routers()
    setup_router(r, "R1", ["interface FastEthernet0/0",
                           "ip address 10.0.0.1 255.255.255.0",
                           "no shutdown"])
    time.sleep(1.5)
    out = r.cmd("show ip interface brief")
    # no NIO: the PHY reports no link (devices.md §3.1, MII BMSR)
    assert re.search(r"FastEthernet0/0 +10\.0\.0\.1 +YES manual down +down",
                     out), out


def test_routing_between_two_lans(routers, tmp_path):
    if not emu_has_cards():
        pytest.skip("this dynamips has no -p option")
    l1a, l1b = udp_link("0:0", "0:0")
    l2a, l2b = udp_link("1:0", "0:0")
    for d in "abc":
        (tmp_path / d).mkdir()
    r1 = routers(l1a, cwd=tmp_path / "a")
    r2 = routers(["-p", "1:PA-FE-TX", *l1b, *l2a], cwd=tmp_path / "b")
    r3 = routers(l2b, cwd=tmp_path / "c")
    setup_router(r1, "R1", ["interface FastEthernet0/0",
                            "ip address 10.1.0.1 255.255.255.0",
                            "no shutdown", "exit",
                            "ip route 10.2.0.0 255.255.255.0 10.1.0.2"])
    setup_router(r2, "R2", ["interface FastEthernet0/0",
                            "ip address 10.1.0.2 255.255.255.0",
                            "no shutdown",
                            "interface FastEthernet1/0",
                            "ip address 10.2.0.2 255.255.255.0",
                            "no shutdown"])
    setup_router(r3, "R3", ["interface FastEthernet0/0",
                            "ip address 10.2.0.3 255.255.255.0",
                            "no shutdown", "exit",
                            "ip route 0.0.0.0 0.0.0.0 10.2.0.2"])
    for r, i in ((r1, "FastEthernet0/0"), (r2, "FastEthernet0/0"),
                 (r2, "FastEthernet1/0"), (r3, "FastEthernet0/0")):
        wait_line_up(r, i)
    out = r2.cmd("show ip route")
    assert "C    10.1.0.0/24 is directly connected, FastEthernet0/0" in out
    assert "C    10.2.0.0/24 is directly connected, FastEthernet1/0" in out
    out = r3.cmd("show ip route")
    assert "Gateway of last resort is 10.2.0.2 to network 0.0.0.0" in out
    assert "S*   0.0.0.0/0 [1/0] via 10.2.0.2" in out
    ping(r1, "10.2.0.3")  # resolves ARP along the path
    rate, out = ping(r1, "10.2.0.3 repeat 10")
    assert rate == 100, out
    rate, out = ping(r3, "10.1.0.1")
    assert rate == 100, out
    out = r1.cmd("traceroute 10.2.0.3", timeout=60)
    assert "Tracing the route to 10.2.0.3" in out
    assert re.search(r"\n +1 10\.1\.0\.2 \d+ msec", out), out
    assert re.search(r"\n +2 10\.2\.0\.3 \d+ msec", out), out
    assert not re.search(r"\n +3 ", out), out


def two_routers(routers, tmp_path, cards, link, a_if, b_if, extra_a, extra_b,
                addr_a="10.0.0.1", addr_b="10.0.0.2"):
    """Two routers joined by one UDP link; both interfaces configured."""
    la, lb = udp_link(*link)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    r1 = routers([*cards[0], *la], cwd=tmp_path / "a")
    r2 = routers([*cards[1], *lb], cwd=tmp_path / "b")
    setup_router(r1, "R1", [f"interface {a_if}", *extra_a,
                            f"ip address {addr_a} 255.255.255.0",
                            "no shutdown"])
    setup_router(r2, "R2", [f"interface {b_if}", *extra_b,
                            f"ip address {addr_b} 255.255.255.0",
                            "no shutdown"])
    wait_line_up(r1, a_if)
    wait_line_up(r2, b_if)
    return r1, r2


def test_ping_over_pa_ethernet(routers, tmp_path):
    if not emu_has_cards():
        pytest.skip("this dynamips has no -p option")
    r1, r2 = two_routers(routers, tmp_path,
                         (["-p", "1:PA-4E"], ["-p", "3:PA-8E"]),
                         ("1:2", "3:7"), "Ethernet1/2", "Ethernet3/7", [], [])
    ping(r1, "10.0.0.2")
    rate, out = ping(r1, "10.0.0.2")
    assert rate == 100, out
    out = r1.cmd("show interfaces Ethernet1/2")
    assert "Hardware is AmdP2" in out


@pytest.mark.parametrize("encap", ["hdlc", "ppp"])
def test_ping_over_serial(routers, tmp_path, encap):
    if not emu_has_cards():
        pytest.skip("this dynamips has no -p option")
    r1, r2 = two_routers(routers, tmp_path,
                         (["-p", "1:PA-8T"], ["-p", "2:PA-4T+"]),
                         ("1:0", "2:3"), "Serial1/0", "Serial2/3",
                         [f"encapsulation {encap}"],
                         [f"encapsulation {encap}"])
    rate, out = ping(r1, "10.0.0.2")
    assert rate == 100, out
    rate, out = ping(r2, "10.0.0.1")
    assert rate == 100, out
    out = r1.cmd("show interfaces Serial1/0")
    assert "Serial1/0 is up, line protocol is up" in out
    assert f"Encapsulation {encap.upper()}" in out
    if encap == "ppp":
        assert "LCP Open" in out and "Open: IPCP" in out
    out = r1.cmd("show running-config | section Serial1/0")
    if encap == "ppp":
        assert " encapsulation ppp\n" in out
    else:
        assert "encapsulation" not in out  # HDLC is the default


def test_serial_line_protocol_follows_keepalives(routers, tmp_path):
    if not emu_has_cards():
        pytest.skip("this dynamips has no -p option")
    la, lb = udp_link("1:0", "1:0")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    r1 = routers(["-p", "1:PA-4T+", *la], cwd=tmp_path / "a")
    r2 = routers(["-p", "1:PA-4T+", *lb], cwd=tmp_path / "b")
    setup_router(r1, "R1", ["interface Serial1/0", "no shutdown"])
    r2.boot()
    # a cable but nobody talking HDLC at the other end: line protocol down
    time.sleep(1.5)
    out = r1.cmd("show ip interface brief | include Serial1/0")
    assert re.search(r"Serial1/0 +unassigned +YES unset +up +down", out), out
    r2.cmd("enable")
    r2.send("configure terminal\r")
    r2.expect("(config)#")
    r2.send("interface Serial1/0\r")
    r2.expect("(config-if)#")
    r2.send("no shutdown\r")
    r2.expect("(config-if)#")
    wait_line_up(r1, "Serial1/0")


class Hypervisor:
    def __init__(self, cwd):
        self.port = free_port()
        self.p = subprocess.Popen([str(EMU), "-H", str(self.port)], cwd=cwd,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", self.port),
                                                  1)
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        self.f = self.s.makefile("rb")

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        while True:
            reply = self.f.readline().decode()
            assert reply.startswith("1"), (line, reply)
            if reply[3] == "-":  # the last line of a reply (as the reference)
                return reply

    def stop(self):
        self.s.close()
        self.p.terminate()
        self.p.wait(timeout=TIMEOUT)


@pytest.mark.parametrize("maps", [True, False], ids=["maps", "inverse-arp"])
def test_frame_relay_three_routers(routers, tmp_path, maps):
    if not emu_has_cards():
        pytest.skip("this dynamips has no -p option")
    (tmp_path / "hv").mkdir()
    hv = Hypervisor(tmp_path / "hv")
    try:
        ports = {}
        hv.cmd("frsw create F1")
        for k in (1, 2, 3):
            sw, rt = free_udp_ports(2)
            ports[k] = (sw, rt)
            hv.cmd(f"nio create_udp nio{k} {sw} 127.0.0.1 {rt}")
        # full mesh of PVCs: DLCI "ij" on router i reaches router j
        for i, j in ((1, 2), (1, 3), (2, 3)):
            hv.cmd(f"frsw create_vc F1 nio{i} {i}0{j} nio{j} {j}0{i}")
            hv.cmd(f"frsw create_vc F1 nio{j} {j}0{i} nio{i} {i}0{j}")
        rs = {}
        for k in (1, 2, 3):
            (tmp_path / f"r{k}").mkdir()
            sw, rt = ports[k]
            rs[k] = routers(["-p", "1:PA-4T+", "-s",
                             f"1:0:udp:{rt}:127.0.0.1:{sw}"],
                            cwd=tmp_path / f"r{k}")
        for k, r in rs.items():
            lines = ["interface Serial1/0", "encapsulation frame-relay",
                     "frame-relay lmi-type ansi",
                     f"ip address 10.0.0.{k} 255.255.255.0"]
            if maps:
                lines += [f"frame-relay map ip 10.0.0.{j} {k}0{j} broadcast"
                          for j in (1, 2, 3) if j != k]
            setup_router(r, f"R{k}", lines + ["no shutdown"])
        for r in rs.values():
            wait_line_up(r, "Serial1/0")
        out = rs[1].cmd("show frame-relay pvc")
        assert "DLCI = 102" in out and "DLCI = 103" in out
        assert "PVC STATUS = ACTIVE" in out
        out = rs[1].cmd("show interfaces Serial1/0")
        assert "LMI type is ANSI Annex D" in out
        for a, b in ((1, 2), (1, 3), (2, 3), (3, 1)):
            deadline = time.monotonic() + 10
            while True:  # Inverse ARP may still be on its way
                rate, out = ping(rs[a], f"10.0.0.{b}")
                if rate >= 80 or time.monotonic() > deadline:
                    break
            assert rate >= 80, (a, b, out)
        out = rs[2].cmd("show frame-relay map")
        assert re.search(r"ip 10\.0\.0\.1 dlci 201\(", out), out
    finally:
        hv.stop()


def test_output_filters(routers):
    r = routers()
    r.boot()
    r.cmd("enable")
    out = r.cmd("show running-config | include hostname")
    assert out == "hostname Router\n", out
    out = r.cmd("show running-config | begin line con")
    assert out.startswith("line con 0\n") and out.rstrip().endswith("end")
    out = r.cmd("show ip interface brief | exclude ^Interface")
    assert out.startswith("FastEthernet0/0"), out
    out = r.cmd("show running-config | section interface")
    assert out == "interface FastEthernet0/0\n no ip address\n shutdown\n", out
    out = r.cmd("show version | include Fast|NVRAM")
    assert out.splitlines() == ["Slot 0: C7200-IO-FE (I/O Controller with "
                                "FastEthernet)", "1 FastEthernet interface",
                                "126K bytes of NVRAM."], out
    out = r.cmd("show version | foo bar")
    assert "% Invalid input detected" in out


def test_three_routers_on_a_hub(routers, tmp_path):
    (tmp_path / "hv").mkdir()
    hv = Hypervisor(tmp_path / "hv")
    try:
        hv.cmd("nio_bridge create H1")  # the hub
        rs = {}
        for k in (1, 2, 3):
            sw, rt = free_udp_ports(2)
            hv.cmd(f"nio create_udp hnio{k} {sw} 127.0.0.1 {rt}")
            hv.cmd(f"nio_bridge add_nio H1 hnio{k}")
            (tmp_path / f"r{k}").mkdir()
            rs[k] = routers(["-s", f"0:0:udp:{rt}:127.0.0.1:{sw}"],
                            cwd=tmp_path / f"r{k}")
        for k, r in rs.items():
            setup_router(r, f"R{k}", ["interface FastEthernet0/0",
                                      f"ip address 192.168.7.{k} "
                                      "255.255.255.0", "no shutdown"])
        for r in rs.values():
            wait_line_up(r, "FastEthernet0/0")
        for a in (1, 2, 3):
            for b in (1, 2, 3):
                if a == b:
                    continue
                ping(rs[a], f"192.168.7.{b} repeat 2")  # ARP
                rate, out = ping(rs[a], f"192.168.7.{b}")
                assert rate == 100, (a, b, out)
    finally:
        hv.stop()


def frame_relay_switch(hv, vcs):
    """Creates F1 with a NIO per router; vcs: ((i, dlci_i, j, dlci_j), ...)
    both directions. Returns {router: (switch_port, router_port)}."""
    ports = {}
    hv.cmd("frsw create F1")
    for i, _, j, _ in vcs:
        for k in (i, j):
            if k not in ports:
                sw, rt = free_udp_ports(2)
                ports[k] = (sw, rt)
                hv.cmd(f"nio create_udp nio{k} {sw} 127.0.0.1 {rt}")
    for i, di, j, dj in vcs:
        hv.cmd(f"frsw create_vc F1 nio{i} {di} nio{j} {dj}")
        hv.cmd(f"frsw create_vc F1 nio{j} {dj} nio{i} {di}")
    return ports


def test_frame_relay_point_to_point_subinterfaces(routers, tmp_path):
    """Hub and spokes over p2p subinterfaces; spokes reach each other
    through the hub (forwarding between subinterfaces)."""
    if not emu_has_cards():
        pytest.skip("this dynamips has no -p option")
    (tmp_path / "hv").mkdir()
    hv = Hypervisor(tmp_path / "hv")
    try:
        ports = frame_relay_switch(hv, ((1, 102, 2, 201), (1, 103, 3, 301)))
        rs = {}
        for k in (1, 2, 3):
            (tmp_path / f"r{k}").mkdir()
            sw, rt = ports[k]
            rs[k] = routers(["-p", "1:PA-4T+", "-s",
                             f"1:0:udp:{rt}:127.0.0.1:{sw}"],
                            cwd=tmp_path / f"r{k}")
        common = ["interface Serial1/0", "encapsulation frame-relay",
                  "frame-relay lmi-type ansi", "no shutdown"]
        setup_router(rs[1], "R1", common + [
            "interface Serial1/0.102 point-to-point",
            "ip address 10.12.0.1 255.255.255.0",
            "frame-relay interface-dlci 102",
            "interface Serial1/0.103 point-to-point",
            "ip address 10.13.0.1 255.255.255.0",
            "frame-relay interface-dlci 103"])
        setup_router(rs[2], "R2", common + [
            "interface Serial1/0.201 point-to-point",
            "ip address 10.12.0.2 255.255.255.0",
            "frame-relay interface-dlci 201", "exit",
            "ip route 0.0.0.0 0.0.0.0 10.12.0.1"])
        setup_router(rs[3], "R3", common + [
            "interface Serial1/0.301 point-to-point",
            "ip address 10.13.0.3 255.255.255.0",
            "frame-relay interface-dlci 301", "exit",
            "ip route 0.0.0.0 0.0.0.0 10.13.0.1"])
        wait_line_up(rs[1], "Serial1/0.102")
        wait_line_up(rs[1], "Serial1/0.103")
        wait_line_up(rs[2], "Serial1/0.201")
        wait_line_up(rs[3], "Serial1/0.301")
        for a, dst in ((1, "10.12.0.2"), (1, "10.13.0.3"), (2, "10.13.0.3"),
                       (3, "10.12.0.2")):
            rate, out = ping(rs[a], dst)
            assert rate == 100, (a, dst, out)
        out = rs[1].cmd("show running-config | section Serial1/0.102")
        assert out == ("interface Serial1/0.102 point-to-point\n"
                       " ip address 10.12.0.1 255.255.255.0\n"
                       " frame-relay interface-dlci 102\n"), out
        out = rs[1].cmd("show ip interface brief | include Serial")
        assert re.search(r"Serial1/0\.103 +10\.13\.0\.1 +YES manual up +up",
                         out), out
    finally:
        hv.stop()


def test_dot1q_subinterfaces(routers, tmp_path):
    r1, r2 = two_routers(routers, tmp_path, ([], []), ("0:0", "0:0"),
                         "FastEthernet0/0", "FastEthernet0/0", [], [],
                         "192.168.0.1", "192.168.0.2")
    for r, k in ((r1, 1), (r2, 2)):
        r.send("configure terminal\r")
        r.expect("(config)#")
        for line in (f"interface FastEthernet0/0.10", "encapsulation dot1Q 10",
                     f"ip address 10.10.0.{k} 255.255.255.0",
                     f"interface FastEthernet0/0.20", "encapsulation dot1Q 20",
                     f"ip address 10.20.0.{k} 255.255.255.0", "end"):
            r.send(line + "\r")
            r.expect(re.compile(r"[#]$"))
    for dst in ("10.10.0.2", "10.20.0.2", "192.168.0.2"):
        ping(r1, dst)
        rate, out = ping(r1, dst)
        assert rate == 100, (dst, out)
    out = r2.cmd("show arp")
    assert re.search(r"10\.10\.0\.1 .* FastEthernet0/0\.10", out), out
    assert re.search(r"10\.20\.0\.1 .* FastEthernet0/0\.20", out), out
    out = r1.cmd("show running-config | section FastEthernet0/0.20")
    assert out == ("interface FastEthernet0/0.20\n encapsulation dot1Q 20\n"
                   " ip address 10.20.0.1 255.255.255.0\n"), out


def test_enable_secret_and_console_password(routers, tmp_path):
    # a secret as IOS stores it ("cisco"), pushed with the startup-config
    cfgfile = tmp_path / "startup.cfg"
    cfgfile.write_text("!\nhostname Sec\n!\n"
                       "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n!\n"
                       "line con 0\n password letmein\n login\n!\nend\n")
    r = routers(["-C", str(cfgfile)])
    r.expect("Press RETURN to get started!")
    r.send("\r")
    r.expect("Password: ")
    r.send("wrong\r")
    r.expect("Password: ")
    r.send("letmein\r")
    r.expect("Sec>")
    r.send("enable\r")
    r.expect("Password: ")
    r.send("nope\r")
    r.expect("Password: ")
    r.send("cisco\r")   # not echoed
    out = r.expect("Sec#")
    assert "cisco" not in out
    # a new secret is stored hashed ($1$ MD5, salt of 4)
    r.send("configure terminal\r")
    r.expect("(config)#")
    r.send("enable secret s3cr3t\r")
    r.expect("(config)#")
    r.send("end\r")
    r.expect("Sec#")
    out = r.cmd("show running-config | include enable")
    assert re.fullmatch(r"enable secret 5 \$1\$[./0-9A-Za-z]{4}\$"
                        r"[./0-9A-Za-z]{22}\n", out), out
    r.cmd("disable")
    r.send("enable\r")
    for _ in range(3):
        r.expect("Password: ")
        r.send("cisco\r")
    out = r.expect("Sec>")
    assert "% Bad secrets" in out
    r.send("enable\r")
    r.expect("Password: ")
    r.send("s3cr3t\r")
    r.expect("Sec#")


def test_banner_motd(routers, tmp_path):
    r = routers()
    r.boot()
    r.cmd("enable")
    r.send("configure terminal\r")
    r.expect("(config)#")
    r.send("banner motd #\r")
    r.expect("End with the character '#'.")
    r.send("Authorized access only\r")
    r.send("Lab router#\r")
    r.expect("(config)#")
    r.send("end\r")
    r.expect("Router#")
    out = r.cmd("show running-config | begin banner")
    assert out.startswith("banner motd ^C\nAuthorized access only\n"
                          "Lab router\n^C\n"), out
    r.cmd("write memory")
    r.stop()
    # read back from NVRAM (also the "^C" delimiter of configurations)
    r2 = routers(["-c", "0x2102"])
    r2.expect("Press RETURN to get started!")
    r2.send("\r")
    out = r2.expect("Router>")
    assert "Authorized access only\nLab router" in out.replace("\r\n", "\n")
    r2.cmd("enable")
    r2.send("configure terminal\r")
    r2.expect("(config)#")
    r2.send("banner motd %One line only%\r")
    r2.expect("(config)#")
    r2.send("end\r")
    r2.expect("Router#")
    out = r2.cmd("show running-config | section banner")
    assert out == "banner motd ^C\n", out  # section: the line itself
    out = r2.cmd("show running-config | include One line")
    assert out == "One line only\n", out
