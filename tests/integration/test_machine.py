"""c7200 machine basics as the emulator core issue lists them: ELF32/ELF64
images with several segments, the configuration register rules, the AUX
port, the instruction trace."""
import socket
import struct
import subprocess
import time
from pathlib import Path

from elfgen import (NOP, addiu, beq, bne, elf, elf64, lui, lw, ori, seg, sw)
from test_hypervisor import free_port

ROOT = Path(__file__).resolve().parents[2]
EMU = ROOT / "build" / "dynamips"
HELLO = ROOT / "guest" / "images" / "hello.elf"


def stop_then_halt():
    """Code tail: 'ok' label stops the router (exit 0); 'fail' halts it with
    a branch in a delay slot (exit 3). Returns (words, fail_offset)."""
    ok = [lui(25, 0xB600), ori(25, 25, 0x34), addiu(24, 0, 1), sw(24, 0, 25),
          beq(0, 0, -1), NOP]
    fail = [beq(0, 0, 4), beq(0, 0, 4), NOP, NOP]
    return ok + fail, len(ok)


def run(tmp_path, image_bytes, *extra, timeout=30):
    img = tmp_path / "img.elf"
    img.write_bytes(image_bytes)
    return subprocess.run([str(EMU), "-P", "7200", "-X", "-r", "16", *extra,
                           str(img)], cwd=tmp_path, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout)


def check_program(data_reg_hi):
    """Load the word at data segment start (0x1234_5678 expected) and the
    first word of its zero-filled tail; branch to fail on a mismatch."""
    tail, fail_at = stop_then_halt()
    body = [lui(8, data_reg_hi),          # t0 = data address
            lw(9, 0, 8),                  # t1 = first data word
            lui(10, 0x1234), ori(10, 10, 0x5678),
            lw(11, 8, 8),                 # t3 = first bss word
            NOP]
    # Branch offsets count words from the delay slot to 'fail', which
    # follows the two branches and the 'ok' code.
    code = body + [bne(9, 10, 3 + fail_at), NOP,
                   bne(11, 0, 1 + fail_at), NOP] + tail
    return code


def test_elf64_with_several_segments_and_bss(tmp_path):
    data = struct.pack(">II", 0x12345678, 0xCAFEF00D)
    code = check_program(0x8010)
    image = elf64(0xFFFFFFFF80008000,
                  [(0xFFFFFFFF80008000, b"".join(struct.pack(">I", w) for w in code)),
                   (0xFFFFFFFF80100000, data)], bss=64)
    # Pre-fill: a second run in the same RAM file would hide nothing since
    # -X memory starts zeroed; the zero-fill is still checked for length.
    p = run(tmp_path, image)
    assert p.returncode == 0, (p.returncode, p.stderr)


def test_elf64_data_mismatch_is_detected(tmp_path):
    # The same program with wrong data must take the failure path: proves
    # the previous test can fail.
    data = struct.pack(">II", 0x12345679, 0)
    code = check_program(0x8010)
    image = elf64(0xFFFFFFFF80008000,
                  [(0xFFFFFFFF80008000, b"".join(struct.pack(">I", w) for w in code)),
                   (0xFFFFFFFF80100000, data)])
    p = run(tmp_path, image)
    assert p.returncode == 3


def test_elf32_several_segments(tmp_path):
    code = check_program(0x8010)
    image = elf(0x80008000, [seg(0x80008000, code),
                             seg(0x80100000, [0x12345678, 0, 0, 0])])
    p = run(tmp_path, image)
    assert p.returncode == 0, p.stderr


def test_segment_outside_ram_is_a_clear_error(tmp_path):
    image = elf(0x80008000, [seg(0x80008000, [NOP]),
                             seg(0x8F000000, [1, 2, 3])])  # 240 MB > 16 MB
    p = run(tmp_path, image)
    assert p.returncode == 1
    assert b"do not fit in RAM" in p.stderr


def hello_confreg(tmp_path, *extra):
    p = subprocess.run([str(EMU), "-P", "7200", "-X", "-r", "16", *extra,
                        str(HELLO)], cwd=tmp_path, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=30)
    assert p.returncode == 0
    for line in p.stdout.decode().splitlines():
        if line.startswith("Config register"):
            return line.split(":")[1].strip()
    raise AssertionError(p.stdout)


def test_config_register_rules(tmp_path):
    # Blank NVRAM forces bit 6 (ignore config); once the ROM has written
    # its strings NVRAM is no longer blank and -c is used as given.
    assert hello_confreg(tmp_path, "-c", "0x2101") == "0x2141"
    assert hello_confreg(tmp_path, "-c", "0x2101") == "0x2101"
    assert hello_confreg(tmp_path) == "0x2102"


def test_aux_port_on_tcp(tmp_path):
    # Guest writes "AUX!\r\n" to THRB (DUART channel B, I/O FPGA 0x45C).
    words = [lui(8, 0xBE84)]
    for ch in b"AUX!\r\n":
        words += [addiu(9, 0, ch), sw(9, 0x45C, 8)]
    words += [beq(0, 0, -1), NOP]
    img = tmp_path / "aux.elf"
    img.write_bytes(elf(0x80008000, [seg(0x80008000, words)]))
    port = free_port()
    p = subprocess.Popen([str(EMU), "-P", "7200", "-X", "-r", "16", "-A",
                          str(port), str(img)], cwd=tmp_path,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while True:
            try:
                s = socket.create_connection(("127.0.0.1", port), 1)
                break
            except OSError:
                assert time.time() < deadline, "AUX port never opened"
                time.sleep(0.05)
        with s:
            s.settimeout(5)
            data = b""
            while b"AUX!" not in data:
                chunk = s.recv(4096)
                assert chunk
                data += chunk
            assert b"AUX port" in data
    finally:
        p.terminate()
        p.wait(timeout=10)


def test_instruction_trace_has_disassembly(tmp_path):
    trace = tmp_path / "trace.txt"
    p = subprocess.run([str(EMU), "-P", "7200", "-X", "-r", "16", "--trace",
                        str(trace), str(HELLO)], cwd=tmp_path,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    assert p.returncode == 0
    lines = trace.read_text().splitlines()
    assert lines[0].startswith("ffffffffbfc00000: ")
    assert any(" jal " in l or "jal    " in l for l in lines)
    assert any(l.endswith("[slot]") for l in lines)
