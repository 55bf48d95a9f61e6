"""Router consoles as users reach them: a real telnet client on the -T
port (negotiation, greeting, replay of earlier output, Enter as one CR,
Ctrl-] monitor keys, several clients), and the console on the terminal
with stdin piped or on a pseudo-terminal (raw mode, restored on exit).

The guest is built here (elfgen): it prints READY, then answers each byte
received on the console with its value in hex and a space, so a test sees
exactly which bytes reached the router.

Run: /usr/bin/python3 -m pytest tests/integration/test_console.py
"""

import os
import pty
import select
import signal
import socket
import subprocess
import termios
import time
from pathlib import Path

import pytest

from elfgen import NOP, addiu, beq, elf, i_type, lui, lw, ori, r_type, seg, sw
from test_hypervisor import free_port

ROOT = Path(__file__).resolve().parents[2]
EMULATORS = [ROOT / "build" / "dynamips", ROOT / "build" / "asan" / "dynamips"]
HELLO = ROOT / "guest" / "images" / "hello.elf"
ENTRY = 0x80008000
TIMEOUT = 10  # seconds for anything expected to show up

IAC, DO, DONT, WILL = 255, 253, 254, 251
# What the server sends first (spec hypervisor.md §7.6).
NEGOTIATION = bytes([IAC, DO, 24, IAC, WILL, 1, IAC, WILL, 3, IAC, DONT, 34])
GREETING = (b'Connected to Dynamips VM "default" (ID 0, type c7200) - '
            b"Console port\r\nPress ENTER to get the prompt.\r\n")


# ------------------------------------------------------------ the guest

def andi(rt, rs, imm): return i_type(0x0C, rs, rt, imm)
def lbu(rt, off, base): return i_type(0x24, base, rt, off)
def srl(rd, rt, sa): return r_type(0, 0, rt, rd, sa, 0x02)
def addu(rd, rs, rt): return r_type(0, rs, rt, rd, 0, 0x21)


def echo_hex_image():
    """Prints READY, then the hex of every console byte (DUART channel A of
    the c7200 I/O FPGA, spec c7200.md §9: SRA 0x40C bit 0 RxRDY, RHRA/THRA
    0x41C)."""
    t0, t1, t2, t3, t4 = 8, 9, 10, 11, 12
    code = [lui(t0, 0xBE84)]
    table_at = None  # patched below
    code += [lui(t4, 0), ori(t4, t4, 0)]  # t4 = hex table
    for c in b"READY\r\n":
        code += [addiu(t2, 0, c), sw(t2, 0x41C, t0)]
    loop = len(code)
    code += [lw(t1, 0x40C, t0), andi(t1, t1, 1)]
    code += [beq(t1, 0, loop - (len(code) + 1)), NOP]
    code += [lw(t2, 0x41C, t0), andi(t2, t2, 0xFF),
             srl(t3, t2, 4), addu(t3, t3, t4), lbu(t3, 0, t3),
             sw(t3, 0x41C, t0),
             andi(t3, t2, 0xF), addu(t3, t3, t4), lbu(t3, 0, t3),
             sw(t3, 0x41C, t0),
             addiu(t3, 0, 0x20), sw(t3, 0x41C, t0)]
    code += [beq(0, 0, loop - (len(code) + 1)), NOP]
    table_at = ENTRY + 4 * len(code)
    code[1] = lui(t4, table_at >> 16)
    code[2] = ori(t4, t4, table_at & 0xFFFF)
    table = b"0123456789abcdef"
    code += [int.from_bytes(table[i:i + 4], "big") for i in range(0, 16, 4)]
    return elf(ENTRY, [seg(ENTRY, code)])


@pytest.fixture(scope="module")
def echo_image(tmp_path_factory):
    p = tmp_path_factory.mktemp("guest") / "echo_hex.elf"
    p.write_bytes(echo_hex_image())
    return p


@pytest.fixture(params=EMULATORS, ids=["dynamips", "asan"])
def emu(request):
    if not request.param.exists():
        pytest.fail(f"{request.param} is missing (make all asan)")
    return request.param


# ------------------------------------------------------------- helpers

class Router:
    """dynamips in standard mode, console on a TCP port."""

    def __init__(self, emu, image, cwd, args=()):
        self.port = free_port()
        self.out = open(cwd / "stdout.txt", "wb")
        self.err = open(cwd / "stderr.txt", "wb")
        self.cwd = cwd
        self.p = subprocess.Popen(
            [str(emu), "-P", "7200", "-X", "-r", "16", "-T", str(self.port),
             *args, str(image)],
            cwd=cwd, stdin=subprocess.DEVNULL, stdout=self.out,
            stderr=self.err)
        deadline = time.time() + TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                break
            except OSError:
                assert self.p.poll() is None, self.stderr()
                assert time.time() < deadline, "console port never opened"
                time.sleep(0.05)

    def stderr(self):
        return (self.cwd / "stderr.txt").read_text(errors="replace")

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(timeout=TIMEOUT)
        self.out.close()
        self.err.close()
        err = self.stderr()
        for word in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
            assert word not in err, err
        return rc


@pytest.fixture
def router_factory(tmp_path):
    routers = []

    def make(emu, image, args=()):
        r = Router(emu, image, tmp_path, args)
        routers.append(r)
        return r
    yield make
    for r in routers:
        if r.p.poll() is None:
            r.p.kill()
            r.p.wait()


class Pty:
    """A program on a pseudo-terminal, read with a small expect()."""

    def __init__(self, argv, cwd=None, env=None):
        self.master, slave = pty.openpty()
        self.slave = slave
        self.initial_mode = termios.tcgetattr(slave)
        self.p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=slave,
                                  stdout=slave, stderr=slave,
                                  start_new_session=True)
        self.buf = b""

    def read_some(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return b""
        try:
            data = os.read(self.master, 4096)
        except OSError:  # EIO: the other side is gone
            return b""
        self.buf += data
        return data

    def expect(self, want, timeout=TIMEOUT):
        """Waits for bytes want; returns and consumes what came up to it."""
        deadline = time.time() + timeout
        while want not in self.buf:
            left = deadline - time.time()
            assert left > 0, "no %r in %r" % (want, self.buf[-400:])
            self.read_some(min(left, 0.2))
        i = self.buf.index(want) + len(want)
        got, self.buf = self.buf[:i], self.buf[i:]
        return got

    def quiet(self, seconds):
        """What arrives within seconds."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            self.read_some(max(0.0, deadline - time.time()))
        got, self.buf = self.buf, b""
        return got

    def send(self, data):
        os.write(self.master, data)

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait(timeout=TIMEOUT)
        os.close(self.master)
        os.close(self.slave)


def telnet(port, *opts):
    # A dumb terminal type: no window-title sequence arrives at a random
    # moment in the middle of what the tests compare.
    env = dict(os.environ, TERM="dumb")
    return Pty(["telnet", *opts, "127.0.0.1", str(port)], env=env)


def recv_until(s, want, timeout=TIMEOUT):
    s.settimeout(0.2)
    data = b""
    deadline = time.time() + timeout
    while want not in data:
        assert time.time() < deadline, "no %r in %r" % (want, data[-400:])
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            continue
        assert chunk, "connection closed; got %r" % data
        data += chunk
    return data


# ------------------------------------------------------- telnet clients

def test_telnet_greeting_replay_and_enter(router_factory, emu, echo_image):
    r = router_factory(emu, echo_image)
    with socket.create_connection(("127.0.0.1", r.port), TIMEOUT) as s:
        recv_until(s, b"READY\r\n")  # the router has printed it
    t = telnet(r.port)
    try:
        t.expect(b"Connected to Dynamips VM \"default\" (ID 0, type c7200)"
                 b" - Console port\r\n")
        t.expect(b"Press ENTER to get the prompt.\r\n")
        # Printed before anyone connected: comes from the replay buffer.
        t.expect(b"READY\r\n")
        # Typed Enter reaches the router as one CR whatever the client
        # sends for it (CR NUL or CR LF).
        t.send(b"ab\r")
        t.expect(b"61 62 0d ")
        assert t.quiet(0.5) == b""
        t.send(b"\xff")  # telnet escapes it as IAC IAC; one byte arrives
        t.expect(b"ff ")
    finally:
        t.close()
    assert r.stop() == 0


def test_telnet_ctrl_bracket_monitor(router_factory, echo_image):
    r = router_factory(EMULATORS[0], echo_image)
    t = telnet(r.port, "-E")  # -E: the client's own escape key is off
    try:
        t.expect(b"READY\r\n")
        t.send(b"\x1d\x1d")  # twice: one Ctrl-] for the router
        t.expect(b"1d ")
        t.send(b"\x1d?")  # unknown key: the monitor shows its keys
        menu = t.expect(b"Ctrl-]")
        assert b"1d" not in menu and b"3f" not in menu
        t.send(b"\x1dq")  # q: stop the router
        assert r.p.wait(timeout=TIMEOUT) == 0
    finally:
        t.close()
    r.stop()


def test_raw_negotiation_and_clients_share_console(router_factory,
                                                  echo_image):
    r = router_factory(EMULATORS[0], echo_image)
    a = socket.create_connection(("127.0.0.1", r.port), TIMEOUT)
    b = socket.create_connection(("127.0.0.1", r.port), TIMEOUT)
    try:
        for s in (a, b):
            data = recv_until(s, b"READY\r\n")
            assert data.startswith(NEGOTIATION + GREETING)
        a.sendall(b"x")
        recv_until(a, b"78 ")
        recv_until(b, b"78 ")  # everyone sees the output
        b.sendall(b"y\r\n")  # anyone may type; CR LF -> CR
        recv_until(a, b"79 0d ")
        a.close()  # one leaves; the other goes on
        b.sendall(b"z\r\x00")  # CR NUL -> CR
        recv_until(b, b"7a 0d ")
        c = socket.create_connection(("127.0.0.1", r.port), TIMEOUT)
        # A newcomer gets the recent output replayed after the greeting.
        data = recv_until(c, b"7a 0d ")
        assert data.startswith(NEGOTIATION + GREETING)
        assert data.endswith(b"READY\r\n78 79 0d 7a 0d ")
        c.close()
    finally:
        a.close()
        b.close()
    assert r.stop() == 0


def read_for(s, seconds):
    """What a socket receives within seconds."""
    data = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        s.settimeout(max(0.01, deadline - time.time()))
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data


def test_notelnetmsg(router_factory, echo_image):
    r = router_factory(EMULATORS[0], echo_image, ["--notelnetmsg"])
    with socket.create_connection(("127.0.0.1", r.port), TIMEOUT) as first:
        first.sendall(b"A")
        data = recv_until(first, b"41 ")  # the guest runs, has output
        assert data.startswith(NEGOTIATION)
        assert b"Connected to" not in data
    s = socket.create_connection(("127.0.0.1", r.port), TIMEOUT)
    try:
        # Options only: no greeting and, as in the reference, no replay.
        assert read_for(s, 1.0) == NEGOTIATION
        s.sendall(b"B")
        assert recv_until(s, b"42 ") == b"42 "
    finally:
        s.close()
    assert r.stop() == 0


def test_console_port_in_use(tmp_path, echo_image):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        p = subprocess.run([str(EMULATORS[0]), "-P", "7200", "-X", "-r", "16",
                            "-T", str(port), str(echo_image)], cwd=tmp_path,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=TIMEOUT)
    assert p.returncode != 0
    assert str(port) in p.stderr
    assert "Address already in use" in p.stderr


# ---------------------------------------------------- terminal console

def test_hello_on_stdout_with_piped_stdin(tmp_path, emu):
    p = subprocess.Popen([str(emu), "-P", "7200", "-X", "-r", "16",
                          str(HELLO)], cwd=tmp_path, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert b"Hello from OpenDynamips!" in out
    assert b"Goodbye." in out


def test_terminal_piped_stdin_and_eof(tmp_path, echo_image):
    p = subprocess.Popen([str(EMULATORS[0]), "-P", "7200", "-X", "-r", "16",
                          str(echo_image)], cwd=tmp_path,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        os.set_blocking(p.stdout.fileno(), False)
        p.stdin.write(b"hi\n\x1d\x1d")  # piped input goes as it is
        p.stdin.flush()
        got = b""
        deadline = time.time() + TIMEOUT
        while b"68 69 0a 1d " not in got:
            assert time.time() < deadline, got
            select.select([p.stdout], [], [], 0.2)
            got += p.stdout.read() or b""
        assert b"READY\r\n" in got
        p.stdin.close()  # EOF on stdin: the router keeps running
        time.sleep(0.5)
        assert p.poll() is None
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        p.wait(timeout=TIMEOUT)
    assert p.returncode == 0


def test_terminal_on_tty_is_raw_and_restored(tmp_path, echo_image):
    t = Pty([str(EMULATORS[0]), "-P", "7200", "-X", "-r", "16",
             str(echo_image)], cwd=tmp_path)
    try:
        before = t.initial_mode
        assert before[3] & termios.ICANON and before[3] & termios.ECHO
        t.expect(b"READY")
        during = termios.tcgetattr(t.slave)
        assert not during[3] & (termios.ICANON | termios.ECHO | termios.ISIG)
        # No echo by the host tty, no line buffering, Enter is CR, Ctrl-C
        # goes to the router instead of killing the emulator.
        t.send(b"a\r\x03")
        got = t.expect(b"61 0d 03 ")
        assert got.count(b"a") == 0  # not echoed by the line discipline
        assert t.p.poll() is None
        t.p.send_signal(signal.SIGTERM)
        assert t.p.wait(timeout=TIMEOUT) == 0
        after = termios.tcgetattr(t.slave)
        assert after[3] & (termios.ICANON | termios.ECHO | termios.ISIG) == \
            before[3] & (termios.ICANON | termios.ECHO | termios.ISIG)
        assert after[0] == before[0]
    finally:
        t.close()
