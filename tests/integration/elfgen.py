"""Tiny big-endian MIPS ELF32 writer for tests that need a guest doing
something precise (or absurd) without a cross compiler.

    seg(vaddr, words) -> segment; elf(entry, [segments]) -> bytes
"""
import struct

# Encoders (MIPS IV instruction formats)
def r_type(op, rs, rt, rd, sa, fn):
    return (op << 26) | (rs << 21) | (rt << 16) | (rd << 11) | (sa << 6) | fn

def i_type(op, rs, rt, imm):
    return (op << 26) | (rs << 21) | (rt << 16) | (imm & 0xFFFF)

def lui(rt, imm): return i_type(0x0F, 0, rt, imm)
def ori(rt, rs, imm): return i_type(0x0D, rs, rt, imm)
def addiu(rt, rs, imm): return i_type(0x09, rs, rt, imm)
def lw(rt, off, base): return i_type(0x23, base, rt, off)
def sw(rt, off, base): return i_type(0x2B, base, rt, off)
def beq(rs, rt, off): return i_type(0x04, rs, rt, off)
def mtc0(rt, rd): return 0x40800000 | (rt << 16) | (rd << 11)
def jr(rs): return r_type(0, rs, 0, 0, 0, 0x08)
ERET = 0x42000018
NOP = 0


def bne(rs, rt, off): return i_type(0x05, rs, rt, off)


def seg(vaddr, words):
    return (vaddr, b"".join(struct.pack(">I", w & 0xFFFFFFFF) for w in words))


def elf(entry, segments):
    """ELF32 big-endian, EM_MIPS, one PT_LOAD per segment."""
    ehsize, phentsize = 52, 32
    phoff = ehsize
    data_off = phoff + phentsize * len(segments)
    out_ph = b""
    out_data = b""
    for vaddr, blob in segments:
        off = data_off + len(out_data)
        out_ph += struct.pack(">IIIIIIII", 1, off, vaddr, vaddr, len(blob),
                              len(blob), 7, 4)
        out_data += blob
    ident = b"\x7fELF" + bytes([1, 2, 1, 0]) + bytes(8)
    hdr = ident + struct.pack(">HHIIIIIHHHHHH", 2, 8, 1, entry, phoff, 0,
                              0x1000, ehsize, phentsize, len(segments), 40,
                              0, 0)
    return hdr + out_ph + out_data


def elf64(entry, segments, bss=0):
    """ELF64 big-endian, EM_MIPS, one PT_LOAD per segment (vaddr given as
    64-bit sign-extended addresses); the last segment gets `bss` extra bytes
    of zero-filled memory."""
    ehsize, phentsize = 64, 56
    phoff = ehsize
    data_off = phoff + phentsize * len(segments)
    out_ph = b""
    out_data = b""
    for i, (vaddr, blob) in enumerate(segments):
        off = data_off + len(out_data)
        memsz = len(blob) + (bss if i == len(segments) - 1 else 0)
        out_ph += struct.pack(">IIQQQQQQ", 1, 7, off, vaddr, vaddr, len(blob),
                              memsz, 4)
        out_data += blob
    ident = b"\x7fELF" + bytes([2, 2, 1, 0]) + bytes(8)
    hdr = ident + struct.pack(">HHIQQQIHHHHHH", 2, 8, 1, entry, phoff, 0, 0,
                              ehsize, phentsize, len(segments), 64, 0, 0)
    return hdr + out_ph + out_data
