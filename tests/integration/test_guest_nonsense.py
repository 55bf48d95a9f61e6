"""A guest that does nonsense gets the architected exception or a logged VM
halt; the emulator process never crashes (issue: emulator core)."""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from elfgen import (ERET, NOP, addiu, beq, elf, jr, lui, lw, mtc0, ori, seg,
                    sw)

ROOT = Path(__file__).resolve().parents[2]
EMULATORS = [ROOT / "build" / "dynamips", ROOT / "build" / "asan" / "dynamips"]
ENTRY = 0x80008000
GENERAL_VECTOR = 0x80000180
REMOTE_STOP = 0xB6000034  # c7200.md §17.5: write 1 stops the router


def run(tmp_path, emu, image_bytes, timeout=60, extra=()):
    img = tmp_path / "guest.elf"
    img.write_bytes(image_bytes)
    log = tmp_path / "log.txt"
    p = subprocess.run([str(emu), "-P", "7200", "-X", "-r", "16", "-l",
                        str(log), *extra, str(img)], cwd=tmp_path,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout)
    return p, log.read_text(errors="replace") if log.exists() else ""


def stop_code():
    """t9 = 0xB6000034; sw t9 -> stop (value 1)."""
    return [lui(25, 0xB600), ori(25, 25, 0x0034), addiu(24, 0, 1),
            sw(24, 0, 25), beq(0, 0, -1), NOP]


@pytest.fixture(params=EMULATORS, ids=["dynamips", "asan"])
def emu(request):
    if not request.param.exists():
        pytest.fail(f"{request.param} is missing (make all asan)")
    return request.param


def test_endless_exception_loop_halts_vm(tmp_path, emu):
    # BEV=0; the general vector ERETs straight back to a misaligned load.
    code = [mtc0(0, 12), NOP, lw(8, 1, 0), NOP]
    handler = [ERET, NOP]
    p, log = run(tmp_path, emu, elf(ENTRY, [seg(ENTRY, code),
                                           seg(GENERAL_VECTOR, handler)]))
    assert p.returncode == 3, p.stderr
    assert b"halted on a guest error" in p.stderr
    assert "guest stuck: exception 4 repeated at EPC 0xffffffff80008008" in log


def test_branch_in_delay_slot_halts_vm(tmp_path, emu):
    code = [mtc0(0, 12), beq(0, 0, 4), beq(0, 0, 8), NOP, NOP]
    p, log = run(tmp_path, emu, elf(ENTRY, [seg(ENTRY, code)]))
    assert p.returncode == 3
    assert "branch in a branch delay slot" in log


def test_reserved_instruction_reaches_guest_handler(tmp_path, emu):
    # The handler stops the VM: reaching it proves the RI exception was
    # delivered to the general vector rather than the word acting as a NOP.
    code = [mtc0(0, 12), NOP, 0xEC000000, beq(0, 0, -1), NOP]
    p, log = run(tmp_path, emu, elf(ENTRY, [seg(ENTRY, code),
                                           seg(GENERAL_VECTOR, stop_code())]))
    assert p.returncode == 0, p.stderr
    assert "ROM requested stop" in log or "power off" in log


def test_unmapped_fetch_refill_loop_halts_vm(tmp_path, emu):
    # Jump into kuseg with an empty TLB; the refill handler returns without
    # writing the TLB, so the fetch misses forever: halt, not crash or hang.
    code = [mtc0(0, 12), lui(8, 0x0040), jr(8), NOP]
    refill = [ERET, NOP]
    p, log = run(tmp_path, emu, elf(ENTRY, [seg(ENTRY, code),
                                           seg(0x80000000, refill)]))
    assert p.returncode == 3
    assert "guest stuck: exception 2" in log


def test_sigterm_stops_router_cleanly(tmp_path):
    emu = EMULATORS[0]
    img = tmp_path / "spin.elf"
    img.write_bytes(elf(ENTRY, [seg(ENTRY, [beq(0, 0, -1), NOP])]))
    p = subprocess.Popen([str(emu), "-P", "7200", "-r", "16", str(img)],
                         cwd=tmp_path, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)
    assert (tmp_path / "c7200_i0_ram").exists()  # file-backed RAM by default
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=10)
    assert p.returncode == 0
    assert not (tmp_path / "c7200_i0_ram").exists()
    assert (tmp_path / "c7200_i0_nvram").stat().st_size == 128 * 1024
