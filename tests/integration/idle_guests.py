"""Hand-assembled guests for the idle tests and benchmarks (test_idle*.py,
bench/idle_bench.py, bench/ghost_bench.py): loops a guest idles in, and one
that never idles. All run from KSEG0 at ENTRY after the ROM, write to the
console through DUART channel A (c7200.md §9: THRA at 0x1E84041C) and
assume the default NPE-400, whose Count runs at 175 MHz (c7200.md §2.1:
350 MHz pipeline clock, Count at half of it)."""
import random
import struct

from elfgen import (NOP, addiu, beq, bne, elf, i_type, lui, lw, mtc0, ori,
                    r_type, seg, sw)

ENTRY = 0x80008000
COUNT_HZ = 175_000_000
ERET = 0x42000018

# registers
ZERO, T0, T1, T2, T3, T4, T5, T6 = 0, 8, 9, 10, 11, 12, 13, 14
S0, S1, S2, S3 = 16, 17, 18, 19
K0, K1 = 26, 27
CP0_COUNT, CP0_COMPARE, CP0_STATUS = 9, 11, 12


def mfc0(rt, rd): return 0x40000000 | (rt << 16) | (rd << 11)
def addu(rd, rs, rt): return r_type(0, rs, rt, rd, 0, 0x21)
def subu(rd, rs, rt): return r_type(0, rs, rt, rd, 0, 0x23)
def bltz(rs, off): return i_type(0x01, rs, 0, off)


def li32(rt, value):
    return [lui(rt, (value >> 16) & 0xFFFF), ori(rt, rt, value & 0xFFFF)]


def branch_to(code, target, op=beq, rs=ZERO, rt=ZERO):
    """Branch from the next slot of `code` to index `target` (+ delay slot)."""
    return [op(rs, rt, target - (len(code) + 1)), NOP]


def _console(code, ch):
    """Print one character (S0 holds the DUART base)."""
    return [addiu(T6, ZERO, ord(ch)), sw(T6, 0x41C, S0)]


def count_wait_image(interval_ms=10, dots_every=100):
    """Spin-waits on Count without interrupts or WAIT: `interval_ms`
    between ticks, a '.' on the console every `dots_every` ticks. The wait
    loop (at COUNT_WAIT_LOOP) is mfc0/subu/bltz: the harder case for idle
    detection."""
    code, wait = _count_wait_code(interval_ms, dots_every)
    assert ENTRY + 4 * wait == COUNT_WAIT_LOOP
    return elf(ENTRY, [seg(ENTRY, code)])


def _count_wait_code(interval_ms, dots_every):
    ticks = COUNT_HZ // 1000 * interval_ms
    code = [lui(S0, 0xBE84)]
    code += li32(T5, ticks)
    code += [addiu(S1, ZERO, 0), addiu(S2, ZERO, dots_every),
             mfc0(T2, CP0_COUNT)]
    code += _console(code, "R")
    outer = len(code)
    code += [addu(T2, T2, T5)]
    wait = len(code)
    code += [mfc0(T3, CP0_COUNT), subu(T4, T3, T2)]
    code += [bltz(T4, wait - (len(code) + 1)), NOP]
    code += [addiu(S1, S1, 1)]
    code += branch_to(code, outer, bne, S1, S2)
    code += [addiu(S1, ZERO, 0)]
    code += _console(code, ".")
    code += branch_to(code, outer)
    return code, wait


COUNT_WAIT_LOOP = ENTRY + 4 * 9    # the mfc0 of the wait loop


def spin_image():
    """The tightest idle loop there is: `b .` with a nop."""
    return elf(ENTRY, [seg(ENTRY, [beq(0, 0, -1), NOP])])


FLAG = 0x80010000


def irq_flag_image(interval_ms=10, dots_every=100):
    """An interrupt-driven guest without WAIT: the Count/Compare interrupt
    (IP7) handler re-arms Compare and sets a flag in RAM; the main loop
    spins on the flag. A '.' every `dots_every` ticks."""
    ticks = COUNT_HZ // 1000 * interval_ms
    vec = [mfc0(K0, CP0_COUNT)]  # Count, not Compare: a late tick is late
    vec += li32(K1, ticks)
    vec += [addu(K0, K0, K1), mtc0(K0, CP0_COMPARE)]
    vec += [lui(K1, FLAG >> 16), addiu(K0, ZERO, 1), sw(K0, 0, K1), ERET]
    code = [lui(S0, 0xBE84), lui(S3, FLAG >> 16)]
    code += [mfc0(T0, CP0_COUNT)]
    code += li32(T1, ticks)
    code += [addu(T0, T0, T1), mtc0(T0, CP0_COMPARE)]
    code += [addiu(S1, ZERO, 0), addiu(S2, ZERO, dots_every)]
    code += _console(code, "R")
    code += li32(T0, 0x00008001)          # IM7 | IE, BEV/ERL/EXL clear
    code += [mtc0(T0, CP0_STATUS)]
    loop = len(code)
    code += [sw(ZERO, 0, S3)]
    wait = len(code)
    code += [lw(T0, 0, S3)]
    code += branch_to(code, wait, beq, T0, ZERO)
    code += [addiu(S1, S1, 1)]
    code += branch_to(code, loop, bne, S1, S2)
    code += [addiu(S1, ZERO, 0)]
    code += _console(code, ".")
    code += branch_to(code, loop)
    assert ENTRY + 4 * wait == IRQ_FLAG_LOOP
    return elf(ENTRY, [seg(0x80000180, vec), seg(ENTRY, code)])


IRQ_FLAG_LOOP = ENTRY + 4 * 15     # the lw of the flag loop


def busy_image(rounds_per_dot=4):
    """Never idle: each round is a countdown delay loop (a short backward
    loop whose register changes every iteration) and a read-modify-write
    pass over 16 KB of RAM; a '.' every `rounds_per_dot` rounds."""
    code = [lui(S0, 0xBE84), addiu(S1, ZERO, 0),
            addiu(S2, ZERO, rounds_per_dot)]
    code += _console(code, "R")
    rnd = len(code)
    code += li32(T0, 200000)
    delay = len(code)
    code += [addiu(T0, T0, -1)]
    code += branch_to(code, delay, bne, T0, ZERO)
    code += [lui(T1, 0x8010), addiu(T2, ZERO, 4096)]
    mem = len(code)
    code += [lw(T3, 0, T1), addu(T3, T3, T2), sw(T3, 0, T1),
             addiu(T1, T1, 4), addiu(T2, T2, -1)]
    code += branch_to(code, mem, bne, T2, ZERO)
    code += [addiu(S1, S1, 1)]
    code += branch_to(code, rnd, bne, S1, S2)
    code += [addiu(S1, ZERO, 0)]
    code += _console(code, ".")
    code += branch_to(code, rnd)
    return elf(ENTRY, [seg(ENTRY, code)])


def big_image(mb=48, seed=1):
    """An IOS-sized image: `mb` MB of incompressible data after a spin
    loop, the way a real image fills RAM it then mostly only reads."""
    data = _prng_bytes(mb << 20, seed)
    code = struct.pack(">II", beq(0, 0, -1), NOP)
    return elf(ENTRY, [(ENTRY, code + data)])


def _prng_bytes(n, seed):
    """Deterministic pseudo-random bytes."""
    return random.Random(seed).randbytes(n)
