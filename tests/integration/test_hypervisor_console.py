"""Console output of a router started through the hypervisor reaches a
telnet client that connects right after `vm start`, from the first byte
on, every time (hypervisor.md §7.6: the console keeps a replay buffer).

The guest prints a banner of BANNER_LINES lines at its very first
instructions, then echoes console input. The client connects as soon as
the `vm start` reply is in, which is when the guest may already have
printed part or all of the banner: it must see all of it, in order, with
nothing before it but the telnet options (and the greeting, without
--notelnetmsg) and what the ROM monitor printed before the image. Repeated REPEATS times per setting, on one hypervisor.

Run: /usr/bin/python3 -m pytest tests/integration/test_hypervisor_console.py
"""

import socket
import time

import pytest

from elfgen import NOP, addiu, beq, elf, i_type, lui, lw, ori, seg, sw
from test_hypervisor import (ENTRY, TIMEOUT, Hypervisor, free_port, new_vm,
                             read_until, wait_status)

REPEATS = 20
BANNER_LINES = 40
ROM_FIRST = b"\nOpenDynamips ROM monitor"  # its first console line
# Options the console sends on connect (hypervisor.md §7.6).
NEGOTIATION = bytes([255, 253, 24, 255, 251, 1, 255, 251, 3, 255, 254, 34])


def andi(rt, rs, imm):
    return i_type(0x0C, rs, rt, imm)


def banner():
    return b"".join(b"banner line %02d: the quick brown fox jumps\r\n" % i
                    for i in range(BANNER_LINES)) + b"END\r\n"


def banner_image_bytes():
    """Prints banner() on the console (DUART channel A, c7200.md §9: SRA
    0x40C bit 2 TxRDY, THRA 0x41C), then echoes input (bit 0 RxRDY, RHRA
    0x41C). The text is stored one character per word, 0 ends it."""
    t0, t1, t2, t3 = 8, 9, 10, 11
    text = banner()
    data_at = ENTRY + 0x1000  # past the code
    code = [lui(t0, 0xBE84), lui(t3, data_at >> 16),
            ori(t3, t3, data_at & 0xFFFF)]
    nxt = len(code)
    code += [lw(t2, 0, t3)]
    done_branch = len(code)
    code += [None, NOP]  # beq t2, 0, echo (patched below)
    wait = len(code)
    code += [lw(t1, 0x40C, t0), andi(t1, t1, 4)]
    code += [beq(t1, 0, wait - (len(code) + 1)), NOP]
    code += [sw(t2, 0x41C, t0), addiu(t3, t3, 4)]
    code += [beq(0, 0, nxt - (len(code) + 1)), NOP]
    echo = len(code)
    code[done_branch] = beq(t2, 0, echo - (done_branch + 1))
    code += [lw(t1, 0x40C, t0), andi(t1, t1, 1)]
    code += [beq(t1, 0, echo - (len(code) + 1)), NOP]
    code += [lw(t2, 0x41C, t0)]
    wait2 = len(code)
    code += [lw(t1, 0x40C, t0), andi(t1, t1, 4)]
    code += [beq(t1, 0, wait2 - (len(code) + 1)), NOP]
    code += [sw(t2, 0x41C, t0)]
    code += [beq(0, 0, echo - (len(code) + 1)), NOP]
    assert len(code) * 4 <= 0x1000
    words = list(text) + [0]
    return elf(ENTRY, [seg(ENTRY, code), seg(data_at, words)])


@pytest.fixture(scope="module")
def banner_image(tmp_path_factory):
    p = tmp_path_factory.mktemp("guest") / "banner.elf"
    p.write_bytes(banner_image_bytes())
    return p


def connect(port):
    """Connect as soon as the listener takes it (it is open once the
    `vm start` reply is in; retry only on a refusal)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), TIMEOUT)
        except ConnectionRefusedError:
            assert time.monotonic() < deadline, "no console listener"
            time.sleep(0.001)


@pytest.mark.parametrize("greeting", [False, True],
                         ids=["notelnetmsg", "greeting"])
def test_full_boot_output_for_a_client_connecting_after_start(
        tmp_path, banner_image, greeting):
    args = [] if greeting else ["--notelnetmsg"]
    h = Hypervisor(tmp_path, args)
    try:
        c = h.client()
        new_vm(c, "R1", banner_image)
        port = free_port()
        c.ok("vm set_con_tcp_port R1 %d" % port)
        want = banner()
        for i in range(REPEATS):
            c.ok("vm start R1")
            t = connect(port)
            try:
                data = read_until(t, b"END\r\n")
            finally:
                t.close()
            assert data.startswith(NEGOTIATION), (i, data[:40])
            text = data[len(NEGOTIATION):]
            if greeting:
                assert text.startswith(b"Connected to Dynamips VM"), (i, text)
                text = text[text.index(b"Press ENTER to get the prompt.\r\n")
                            + len(b"Press ENTER to get the prompt.\r\n"):]
            # The ROM monitor speaks first, then the image.
            assert text.startswith(ROM_FIRST), "run %d: got %r" % (i, text)
            assert text.endswith(want), "run %d: got %r" % (i, text)
            assert text.count(b"banner line 00") == 1, (i, text)
            c.ok("vm stop R1")
        assert h.stop() == 0
    finally:
        h.kill()


def test_second_client_gets_no_replay_with_notelnetmsg(tmp_path,
                                                       banner_image):
    """Without the greeting, output already delivered to a client is not
    sent again to the next one (as the reference)."""
    h = Hypervisor(tmp_path, ["--notelnetmsg"])
    try:
        c = h.client()
        new_vm(c, "R1", banner_image)
        port = free_port()
        c.ok("vm set_con_tcp_port R1 %d" % port)
        c.ok("vm start R1")
        first = connect(port)
        read_until(first, b"END\r\n")
        second = connect(port)
        second.settimeout(0.5)
        data = b""
        try:
            while True:
                d = second.recv(4096)
                if not d:
                    break
                data += d
        except socket.timeout:
            pass
        assert data == NEGOTIATION
        second.sendall(b"x")
        assert read_until(second, b"x") == b"x"
        first.close()
        second.close()
        c.ok("vm stop R1")
        assert h.stop() == 0
    finally:
        h.kill()


def halting_image_bytes():
    """Prints banner() as banner_image_bytes() does, then halts: a branch
    in the delay slot of a branch stops the VM (mips64.md: UNPREDICTABLE,
    the CPU halts rather than guess)."""
    t0, t1, t2, t3 = 8, 9, 10, 11
    data_at = ENTRY + 0x1000
    code = [lui(t0, 0xBE84), lui(t3, data_at >> 16),
            ori(t3, t3, data_at & 0xFFFF)]
    nxt = len(code)
    code += [lw(t2, 0, t3)]
    done_branch = len(code)
    code += [None, NOP]
    wait = len(code)
    code += [lw(t1, 0x40C, t0), andi(t1, t1, 4)]
    code += [beq(t1, 0, wait - (len(code) + 1)), NOP]
    code += [sw(t2, 0x41C, t0), addiu(t3, t3, 4)]
    code += [beq(0, 0, nxt - (len(code) + 1)), NOP]
    halt = len(code)
    code[done_branch] = beq(t2, 0, halt - (done_branch + 1))
    code += [beq(0, 0, 0), beq(0, 0, 0), NOP]
    return elf(ENTRY, [seg(ENTRY, code), seg(data_at, list(banner()) + [0])])


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_console_stays_open_after_the_guest_halts(tmp_path):
    """A guest that stops by itself leaves its console listener open, with
    its output for replay, until vm stop, start or delete (as the
    reference, which frees the console with the rest of the hardware at
    vm stop or delete only): a client connecting late still reads it."""
    image = tmp_path / "halt.elf"
    image.write_bytes(halting_image_bytes())
    h = Hypervisor(tmp_path)  # with the greeting: output is replayed
    try:
        c = h.client()
        new_vm(c, "R1", image)
        port = free_port()
        c.ok("vm set_con_tcp_port R1 %d" % port)
        for end in ("vm start R1", "vm stop R1", "vm delete R1"):
            c.ok("vm start R1")
            wait_status(c, "R1", 0)  # halted, its hardware released
            t = connect(port)
            try:
                data = read_until(t, b"END\r\n")
            finally:
                t.close()
            assert data.endswith(banner()[-200:]), data[-300:]
            if end == "vm start R1":
                continue  # the next start takes the port over
            c.ok(end)
            assert refused(port), "console still open after %s" % end
        assert h.stop() == 0
    finally:
        h.kill()
