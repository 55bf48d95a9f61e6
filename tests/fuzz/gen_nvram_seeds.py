#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_ios_nvram_fs into corpus/nvram/.

Each seed: byte 0 = layout (0 c7200, 1 c3600, 2 c7200-npe-g2, 3 c2691),
byte 1 = push selector, then the file-system area (c7200.md §13.4).
Run: /usr/bin/python3 tests/fuzz/gen_nvram_seeds.py
"""
import struct
from pathlib import Path

OUT = Path(__file__).resolve().parent / "corpus" / "nvram"

CFG = (b"hostname R1\n!\ninterface FastEthernet0/0\n"
       b" ip address 10.0.0.1 255.255.255.0\n!\nend\n")
PRIV = b"private\n"
# CFG by `compress -b 12`
CFG_Z = bytes.fromhex(
    "1f9d8c68decca1e3264c9b3220a4c450104241"
    "1a3774cac83113660c42236106" "16a18346a29b327460bc80a100441a3820c290"
    "2123a7cc9c392062c07031" "73660c10326ad4709173674f9a0c1594714346" "01")
TOBE = bytes.fromhex("1f9d8c549e0829f2448a932754020e2ca890a04184")


def checksum(fs):
    data = bytearray(fs[8:])
    data[4:6] = b"\0\0"
    if len(data) % 2:
        data.append(0)
    s = sum(struct.unpack(">%dH" % (len(data) // 2), bytes(data)))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def make_fs(area, startup, private, base, absolute, pad, ulen=None):
    fs = bytearray(area)
    struct.pack_into(">H", fs, 6, 0xF0A5)
    if startup is None:
        struct.pack_into(">H", fs, 12, 0xFFFF)
        return fs

    def addr(o):
        return base + o if absolute else o - 8

    n = len(startup)
    fmt = 1 if ulen is None else 2
    struct.pack_into(">HHHHIIIIIHHI", fs, 8, 0xABCD, fmt, 0, 0x0C04,
                     addr(44), addr(44 + n), n, 0, fmt - 1, fmt - 1, 0,
                     ulen or 0)
    fs[44:44 + n] = startup
    off = 44 + n
    if off % 4:
        off += pad - off % 4
    p = off + 16
    struct.pack_into(">HHIII", fs, off, 0xFEDC, 1, addr(p),
                     addr(p + len(private)), len(private))
    fs[p:p + len(private)] = private
    struct.pack_into(">H", fs, 12, checksum(fs))
    return fs


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    c72 = dict(base=0x1E000800, absolute=True, pad=4)
    g2 = dict(base=0xFF000800, absolute=True, pad=4)
    rel8 = dict(base=0, absolute=False, pad=8)
    rel4 = dict(base=0, absolute=False, pad=4)
    seeds = {
        "c7200_empty": (0, 0, make_fs(256, None, None, **c72)),
        "c7200_cfg": (0, 0, make_fs(512, CFG, PRIV, **c72)),
        "c7200_keep_startup": (0, 1, make_fs(512, CFG, PRIV, **c72)),
        "c7200_keep_private": (0, 2, make_fs(512, CFG, PRIV, **c72)),
        "c7200_compressed": (0, 3, make_fs(512, CFG_Z, PRIV, ulen=len(CFG),
                                           **c72)),
        "c3600_cfg": (1, 0, make_fs(512, CFG, PRIV, **rel8)),
        "npe_g2_cfg": (2, 5, make_fs(300, CFG[:21], b"", **g2)),
        "c2691_cfg": (3, 0, make_fs(512, CFG, PRIV, **rel4)),
        "lzc_stream": (0, 0, TOBE),
        "blank": (0, 0, bytes(128)),
    }
    for name, (layout, op, body) in seeds.items():
        (OUT / name).write_bytes(bytes([layout, op]) + bytes(body))


if __name__ == "__main__":
    main()
