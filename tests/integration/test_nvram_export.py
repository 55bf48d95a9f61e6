"""nvram_export and configuration push at start (dynamips -C).

NVRAM images are made two ways: by a small writer of the IOS NVRAM file
system written here from the spec (c7200.md §13.4-13.5,
c3600-c2691-c37xx.md §8), and by `dynamips -C cfg --private-config priv`
itself. nvram_export must give back the configs; corrupt images must give
exit status 1, a message naming the file and the problem, and stay
byte-identical; outputs are replaced atomically.

Run: /usr/bin/python3 -m pytest tests/integration/test_nvram_export.py
(NVRAM_EXPORT=path and DYNAMIPS=path override the binaries.)
"""

import hashlib
import os
import random
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NVRAM_EXPORT = Path(os.environ.get("NVRAM_EXPORT",
                                   ROOT / "build" / "nvram_export"))
DYNAMIPS = Path(os.environ.get("DYNAMIPS", ROOT / "build" / "dynamips"))
HELLO = ROOT / "guest" / "images" / "hello.elf"
TIMEOUT = 30

NV_SIZE = 128 * 1024
FS = 0x800
C7200_BASE = 0x1E000800

CFG = (b"!\nversion 12.4\nhostname R1\n!\ninterface FastEthernet0/0\n"
       b" ip address 192.168.1.1 255.255.255.0\n no shutdown\n!\nend\n")
PRIV = b"private-config: key 0123456789\n"


@pytest.fixture(scope="module", autouse=True)
def binaries():
    if not NVRAM_EXPORT.is_file():
        pytest.fail("%s not built (run `make`)" % NVRAM_EXPORT)


# ------------------------------------------------------------ format writer

def checksum(fs):
    """c7200.md §13.5 over the file-system bytes (checksum field as 0)."""
    data = bytearray(fs[8:])
    data[4:6] = b"\0\0"
    if len(data) % 2:
        data.append(0)
    s = sum(struct.unpack(">%dH" % (len(data) // 2), bytes(data)))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def make_fs(area, startup, private=None, base=C7200_BASE, absolute=True,
            pad=4, compressed_from=None):
    """An IOS NVRAM file system of `area` bytes holding the configs.
    compressed_from: the uncompressed text when `startup` is .Z data."""
    fs = bytearray(area)
    struct.pack_into(">H", fs, 6, 0xF0A5)

    def addr(off):
        return base + off if absolute else off - 8

    n = len(startup)
    fmt = 2 if compressed_from is not None else 1
    struct.pack_into(">HHHHIIIIIHHI", fs, 8, 0xABCD, fmt, 0, 0x0C04,
                     addr(44), addr(44 + n), n, 0,
                     1 if fmt == 2 else 0, 1 if fmt == 2 else 0, 0,
                     len(compressed_from) if fmt == 2 else 0)
    fs[44:44 + n] = startup
    off = 44 + n
    if off % 4:
        off += pad - off % 4
    if private is not None:
        p = off + 16
        struct.pack_into(">HHIII", fs, off, 0xFEDC, 1, addr(p),
                         addr(p + len(private)), len(private))
        fs[p:p + len(private)] = private
    struct.pack_into(">H", fs, 12, checksum(fs))
    return fs


def c7200_image(startup, private=None, size=NV_SIZE, **kw):
    img = bytearray(size)
    img[0x80:0x83] = b"IOS"
    img[0x200:0x210] = b"7200 bootloader\0"
    img[FS:] = make_fs(size - FS, startup, private, **kw)
    return img


def run_export(args, cwd, timeout=TIMEOUT):
    return subprocess.run([str(NVRAM_EXPORT)] + [str(a) for a in args],
                          cwd=cwd, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def assert_clean(r):
    err = r.stderr.decode(errors="replace")
    assert r.returncode >= 0, "killed by signal %d" % -r.returncode
    for word in ("AddressSanitizer", "runtime error:", "Segmentation fault"):
        assert word not in err


def no_temp_files(d):
    return [p.name for p in Path(d).iterdir() if ".tmp." in p.name]


# ------------------------------------------------------------ usage

def test_help(tmp_path):
    r = run_export(["--help"], tmp_path)
    assert r.returncode == 0
    out = r.stdout.decode()
    assert "Usage: nvram_export" in out
    for name in ("c7200", "c3600", "c2691", "c3725", "c3745"):
        assert name in out


@pytest.mark.parametrize("args", [[], ["a", "b", "c", "d"], ["--bogus", "x"],
                                  ["-f"], ["-f", "c9999", "x"]])
def test_usage_errors_exit_2(tmp_path, args):
    r = run_export(args, tmp_path)
    assert_clean(r)
    assert r.returncode == 2, r.stderr


def test_missing_file_exit_1_names_it(tmp_path):
    r = run_export(["nowhere_nvram", "out.cfg"], tmp_path)
    assert r.returncode == 1
    assert b"nowhere_nvram" in r.stderr
    assert b"No such file" in r.stderr
    assert not (tmp_path / "out.cfg").exists()


def test_directory_is_not_an_image(tmp_path):
    r = run_export([tmp_path], tmp_path)
    assert r.returncode == 1
    assert b"directory" in r.stderr


# ------------------------------------------------------------ extraction

def test_export_both_configs(tmp_path):
    nv = tmp_path / "c7200_i1_nvram"
    nv.write_bytes(c7200_image(CFG, PRIV))
    before = digest(nv)
    r = run_export([nv.name, "s.cfg", "p.cfg"], tmp_path)
    assert_clean(r)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "s.cfg").read_bytes() == CFG
    assert (tmp_path / "p.cfg").read_bytes() == PRIV
    assert digest(nv) == before
    assert no_temp_files(tmp_path) == []
    assert b"c7200" in r.stdout


def test_describe_only(tmp_path):
    nv = tmp_path / "nv"
    nv.write_bytes(c7200_image(CFG, PRIV))
    r = run_export([nv], tmp_path)
    assert r.returncode == 0
    out = r.stdout.decode()
    assert "startup-config %d bytes" % len(CFG) in out
    assert "private-config %d bytes" % len(PRIV) in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nv"]


def test_stdout_output(tmp_path):
    nv = tmp_path / "nv"
    nv.write_bytes(c7200_image(CFG, PRIV))
    r = run_export(["-q", nv, "-"], tmp_path)
    assert r.returncode == 0
    assert r.stdout == CFG
    r = run_export([nv, "s.cfg", "-"], tmp_path)
    assert r.returncode == 0
    assert r.stdout == PRIV  # progress went to stderr
    assert b"startup-config written" in r.stderr


def test_startup_only_argument(tmp_path):
    nv = tmp_path / "nv"
    nv.write_bytes(c7200_image(CFG, PRIV))
    r = run_export([nv, "s.cfg"], tmp_path)
    assert r.returncode == 0
    assert (tmp_path / "s.cfg").read_bytes() == CFG


def test_formatted_empty_gives_empty_files(tmp_path):
    img = bytearray(NV_SIZE)
    struct.pack_into(">H", img, FS + 6, 0xF0A5)
    struct.pack_into(">H", img, FS + 12, 0xFFFF)
    nv = tmp_path / "nv"
    nv.write_bytes(img)
    r = run_export([nv, "s.cfg", "p.cfg"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "s.cfg").read_bytes() == b""
    assert (tmp_path / "p.cfg").read_bytes() == b""
    assert b"no configuration" in r.stdout


def test_existing_output_replaced_atomically(tmp_path):
    nv = tmp_path / "nv"
    nv.write_bytes(c7200_image(CFG, PRIV))
    out = tmp_path / "s.cfg"
    out.write_bytes(b"old contents\n" * 1000)
    link = tmp_path / "hard"
    os.link(out, link)  # a hard link keeps the old inode's contents
    r = run_export([nv, out], tmp_path)
    assert r.returncode == 0
    assert out.read_bytes() == CFG
    assert link.read_bytes() == b"old contents\n" * 1000


def test_binary_and_odd_sizes(tmp_path):
    for n in range(0, 9):
        startup = bytes(range(n))
        private = bytes(reversed(range(n + 3)))
        nv = tmp_path / ("nv%d" % n)
        nv.write_bytes(c7200_image(startup, private, size=NV_SIZE + 1024 * n))
        r = run_export([nv, "s", "p"], tmp_path)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / "s").read_bytes() == startup
        assert (tmp_path / "p").read_bytes() == private


def test_other_layouts(tmp_path):
    # c3600: relative addresses, pad-8, "3600" at 0x200
    img = bytearray(NV_SIZE)
    img[0x200:0x204] = b"3600"
    img[FS:] = make_fs(NV_SIZE - FS, CFG, PRIV, absolute=False, pad=8)
    (tmp_path / "c3600_nv").write_bytes(img)
    r = run_export(["c3600_nv", "s", "p"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert b"c3600" in r.stdout
    assert (tmp_path / "s").read_bytes() == CFG
    assert (tmp_path / "p").read_bytes() == PRIV

    # c2691 ROM file: file system at 0xE0000, 2 copies of 0xE000 bytes
    rom = bytearray(0x100000)
    fs = make_fs(0xE000, CFG, PRIV, absolute=False)
    rom[0xE0000:0xEE000] = fs
    rom[0xEE000:0xFC000] = fs
    (tmp_path / "c2691_rom").write_bytes(rom)
    r = run_export(["c2691_rom", "s", "p"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert b"c2691" in r.stdout
    assert (tmp_path / "s").read_bytes() == CFG
    rom[0xEE000 + 100] ^= 0xFF  # the copies differ: corrupt
    (tmp_path / "c2691_rom").write_bytes(rom)
    r = run_export(["-f", "c3725", "c2691_rom", "s"], tmp_path)
    assert r.returncode == 1
    assert b"backup copy differs" in r.stderr


# ------------------------------------------------------------ compressed

def compress(data, bits):
    exe = shutil.which("compress")
    if not exe:
        pytest.skip("compress (ncompress) not installed")
    r = subprocess.run([exe, "-c", "-f", "-b", str(bits)], input=data,
                       capture_output=True, timeout=TIMEOUT)
    assert r.returncode in (0, 2), r.stderr  # 2: "no savings", output kept
    return r.stdout


@pytest.mark.parametrize("bits", [12, 16])
def test_compressed_startup_config(tmp_path, bits):
    rnd = random.Random(bits)
    words = [b"interface", b"Serial1/0", b"ip", b"address", b"10.1.2.3",
             b"!", b"\n", b"router", b"bgp", b"65000", b"neighbor"]
    text = b"".join(rnd.choice(words) + b" " for _ in range(60000))
    noise = bytes(rnd.randrange(256) for _ in range(70000))  # table resets
    for data in (CFG, text, noise):
        z = compress(data, bits)
        size = FS + ((44 + len(z) + 64 + 1023) // 1024) * 1024
        nv = tmp_path / "nv"
        nv.write_bytes(c7200_image(z, PRIV, size=size, compressed_from=data))
        r = run_export([nv, "s", "p"], tmp_path)
        assert_clean(r)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / "s").read_bytes() == data
        assert (tmp_path / "p").read_bytes() == PRIV
        assert b"compressed" in r.stdout


# ------------------------------------------------------------ corruption

def corrupt_cases():
    good = c7200_image(CFG, PRIV)

    def edit(fn):
        img = bytearray(good)
        fn(img)
        struct.pack_into(">H", img, FS + 12, checksum(img[FS:]))
        return bytes(img)

    def put(off, fmt, val):
        return edit(lambda img: struct.pack_into(fmt, img, FS + off, val))

    ph = 44 + len(CFG) + (-(44 + len(CFG)) % 4)
    return [
        ("blank", bytes(NV_SIZE), b"blank"),
        ("no fs magic", put(6, ">H", 0x1234), b"expected 0xf0a5"),
        ("startup magic", put(8, ">H", 0xBEEF), b"magic 0xbeef"),
        ("startup format", put(10, ">H", 7), b"unknown format 7"),
        ("startup length", put(24, ">I", len(CFG) + 1), b"is not start"),
        ("startup outside", edit(lambda img: struct.pack_into(
            ">II", img, FS + 16, 0x1E000000, 0x1E000000 + len(CFG))),
         b"outside the file system"),
        ("startup past end", edit(lambda img: struct.pack_into(
            ">III", img, FS + 16, 0x1E020000 - 4, 0x1E020000 + 96, 100)),
         b"outside the file system"),
        ("private format", put(ph + 2, ">H", 9), b"unknown format 9"),
        ("private length", put(ph + 12, ">I", 0xFFFFFF), b"is not start"),
        ("truncated", good[:FS + 40], b"too small"),
        ("tiny", b"\0" * 10, b"too small"),
        ("empty", b"", b"too small"),
    ]


@pytest.mark.parametrize("name,data,what", corrupt_cases(),
                         ids=[c[0] for c in corrupt_cases()])
def test_corrupt_image_exit_1_unchanged(tmp_path, name, data, what):
    nv = tmp_path / "c7200_i3_nvram"
    nv.write_bytes(data)
    os.chmod(nv, 0o444)  # even a writable tool could not change it
    before = digest(nv)
    old = tmp_path / "s.cfg"
    old.write_bytes(b"previous export\n")
    r = run_export([nv.name, "s.cfg", "p.cfg"], tmp_path)
    assert_clean(r)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert nv.name.encode() in r.stderr
    assert what in r.stderr, r.stderr
    assert digest(nv) == before
    assert old.read_bytes() == b"previous export\n"
    assert not (tmp_path / "p.cfg").exists()
    assert no_temp_files(tmp_path) == []


def test_checksum_mismatch_warns_or_fails_strict(tmp_path):
    img = c7200_image(CFG, PRIV)
    img[FS + 44] ^= 1
    nv = tmp_path / "nv"
    nv.write_bytes(img)
    r = run_export([nv, "s"], tmp_path)
    assert r.returncode == 0
    assert b"warning" in r.stderr and b"checksum" in r.stderr
    r = run_export(["--strict", nv, "s2"], tmp_path)
    assert r.returncode == 1
    assert b"checksum" in r.stderr
    assert not (tmp_path / "s2").exists()


def test_output_is_the_image_refused(tmp_path):
    nv = tmp_path / "nv"
    nv.write_bytes(c7200_image(CFG, PRIV))
    before = digest(nv)
    os.symlink("nv", tmp_path / "alias")
    for args in (["nv", "nv"], ["nv", "s", "alias"], ["nv", "x", "x"]):
        r = run_export(args, tmp_path)
        assert r.returncode == 2, args
    assert digest(nv) == before


def test_unwritable_output_exit_1(tmp_path):
    nv = tmp_path / "nv"
    nv.write_bytes(c7200_image(CFG, PRIV))
    r = run_export([nv, tmp_path / "no" / "such" / "dir" / "s"], tmp_path)
    assert r.returncode == 1
    assert b"no/such/dir/s" in r.stderr


# ------------------------------------------------------------ dynamips -C

def run_dynamips(args, cwd):
    if not DYNAMIPS.is_file():
        pytest.fail("%s not built (run `make`)" % DYNAMIPS)
    return subprocess.run([str(DYNAMIPS)] + [str(a) for a in args], cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=TIMEOUT)


def test_dynamips_pushes_configs_at_start(tmp_path):
    (tmp_path / "cfg.txt").write_bytes(CFG)
    (tmp_path / "priv.txt").write_bytes(PRIV)
    r = run_dynamips(["-P", "7200", "-X", "-r", "64", "-C", "cfg.txt",
                      "--private-config", "priv.txt", HELLO], tmp_path)
    assert r.returncode == 0, r.stderr
    # c7200.md §16.1 step 3 / §18: a push at start clears bit 6 even on a
    # blank NVRAM (which alone would set it); hello.elf prints the value.
    assert b"Config register : 0x2102" in r.stdout
    nv = tmp_path / "c7200_i0_nvram"
    img = nv.read_bytes()
    assert len(img) == NV_SIZE
    assert img[0x80:0x83] == b"IOS"  # the ROM ran after the push
    fs = img[FS:]
    assert struct.unpack_from(">H", fs, 6)[0] == 0xF0A5
    assert struct.unpack_from(">H", fs, 12)[0] == checksum(fs)
    assert struct.unpack_from(">I", fs, 16)[0] == 0x1E00082C
    log = (tmp_path / "dynamips_log.txt").read_text(errors="replace")
    assert "pushed" in log

    r = run_export([nv.name, "s", "p"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "s").read_bytes() == CFG
    assert (tmp_path / "p").read_bytes() == PRIV

    # A later start without -C keeps them; a new -C replaces only startup.
    r = run_dynamips(["-X", "-r", "64", HELLO], tmp_path)
    assert r.returncode == 0, r.stderr
    (tmp_path / "short.txt").write_bytes(b"hostname R2\nend\n")
    r = run_dynamips(["-X", "-r", "64", "--startup-config", "short.txt",
                      HELLO], tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_export([nv.name, "s", "p"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "s").read_bytes() == b"hostname R2\nend\n"
    assert (tmp_path / "p").read_bytes() == PRIV
    # nothing of the longer old startup-config is left behind
    assert b"192.168.1.1" not in nv.read_bytes()


def test_dynamips_blank_nvram_without_push_sets_bit_6(tmp_path):
    r = run_dynamips(["-X", "-r", "64", HELLO], tmp_path)
    assert r.returncode == 0, r.stderr
    assert b"Config register : 0x2142" in r.stdout
    r = run_export(["c7200_i0_nvram"], tmp_path)
    assert r.returncode == 1  # the ROM ran, but no IOS file system yet
    assert b"no IOS NVRAM file system" in r.stderr


def test_dynamips_missing_config_file_exit_1(tmp_path):
    for opt in ("-C", "--startup-config", "--private-config"):
        r = run_dynamips(["-X", "-r", "64", opt, "missing.cfg", HELLO],
                         tmp_path)
        assert r.returncode == 1, (opt, r.stderr)
        assert b"missing.cfg" in r.stderr
        assert not (tmp_path / "c7200_i0_nvram").exists()


def test_dynamips_config_too_large_for_nvram(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"!" * 200000)
    r = run_dynamips(["-X", "-r", "64", "-n", "128", "-C", "big.txt", HELLO],
                     tmp_path)
    assert r.returncode == 1
    assert b"big.txt" in r.stderr
    nv = tmp_path / "c7200_i0_nvram"
    assert not nv.exists() or nv.read_bytes() == bytes(NV_SIZE)
