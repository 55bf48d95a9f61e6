"""dynagen --plan: network files to hypervisor commands, no connection.

- every lab of tests/dynagen/labs against its golden plan in
  tests/dynagen/plans (UPDATE_GOLDEN=1 rewrites them);
- the sample labs and the worked example against the reference
  sequences of dynagen.md §5 and §12.3 (tests/dynagen/ref: lines in
  { } are one defaults table, compared as a set);
- broken network files: exit 1 and "file:line: what is wrong".

Run: /usr/bin/python3 -m pytest tests/integration/test_dynagen_plan.py
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DYNAGEN = Path(os.environ.get("DYNAGEN", ROOT / "build" / "dynagen"))
DATA = ROOT / "tests" / "dynagen"
LABS = sorted((DATA / "labs").glob("*.net"))
FIRMWARE = ROOT / "guest" / "images" / "firmware" / "router-firmware.elf"


def run_plan(path, home, extra=()):
    env = dict(os.environ, HOME=str(home))
    env.pop("DYNAGEN_FIRMWARE", None)
    return subprocess.run([str(DYNAGEN), "--ini", "/dev/null", *extra,
                           "--plan", str(path)],
                          capture_output=True, text=True, env=env,
                          timeout=30)


def normalize(text, labdir):
    text = text.replace(str(FIRMWARE.resolve()), "@FIRMWARE@")
    return text.replace('"%s"' % labdir, '"@LABDIR@"')


@pytest.fixture(scope="module", autouse=True)
def built():
    if not DYNAGEN.exists():
        pytest.skip("build/dynagen not built")


@pytest.mark.parametrize("lab", LABS, ids=[p.stem for p in LABS])
def test_golden_plan(lab, tmp_path):
    r = run_plan(lab, tmp_path)
    assert r.returncode == 0, r.stderr
    got = normalize(r.stdout, str(lab.parent.resolve()))
    golden = DATA / "plans" / (lab.stem + ".plan")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got)
    assert got == golden.read_text()


@pytest.mark.parametrize("lab", LABS[:3], ids=[p.stem for p in LABS[:3]])
def test_plan_is_deterministic(lab, tmp_path):
    a = run_plan(lab, tmp_path)
    b = run_plan(lab, tmp_path)
    assert a.stdout == b.stdout and a.stderr == b.stderr


def parse_ref(text):
    """Items: a line, or a sorted list of lines (a { } block)."""
    items, block = [], None
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line == "{":
            block = []
        elif line == "}":
            items.append(sorted(block))
            block = None
        elif block is not None:
            block.append(line)
        else:
            items.append(line)
    return items


def plan_lines(text):
    return [l for l in text.splitlines() if l.strip() and not l.startswith("#")]


REFS = sorted((DATA / "ref").glob("*.ref"))


@pytest.mark.parametrize("ref", REFS, ids=[p.stem for p in REFS])
def test_reference_sequence(ref, tmp_path):
    lab = DATA / "labs" / (ref.stem + ".net")
    r = run_plan(lab, tmp_path)
    assert r.returncode == 0, r.stderr
    got = plan_lines(normalize(r.stdout, str(lab.parent.resolve())))
    pos = 0
    for item in parse_ref(ref.read_text()):
        if isinstance(item, list):
            chunk = sorted(got[pos:pos + len(item)])
            assert chunk == item, "at plan line %d" % (pos + 1)
            pos += len(item)
        else:
            assert pos < len(got), "plan ends before %r" % item
            assert got[pos] == item, "at plan line %d" % (pos + 1)
            pos += 1
    assert pos == len(got), "extra commands: %r" % got[pos:]


def test_firmware_is_announced(tmp_path):
    r = run_plan(DATA / "labs" / "simple1.net", tmp_path)
    assert re.search(r'simple1\.net:6: note: R1: image "\\Program Files'
                     r'.*" not found: using the open firmware .*'
                     r'router-firmware\.elf', r.stderr)
    lab = tmp_path / "noimage.net"
    lab.write_text("[localhost]\n[[ROUTER R9]]\n")
    r = run_plan(lab, tmp_path)
    assert r.returncode == 0
    assert "noimage.net:2: note: R9: no image: using the open firmware" \
        in r.stderr
    assert 'vm set_ios R9 "%s"' % FIRMWARE.resolve() in r.stdout


def test_existing_image_is_kept(tmp_path):
    img = tmp_path / "my.image"
    img.write_bytes(b"\x7fELF")
    lab = tmp_path / "lab.net"
    lab.write_text("[localhost]\n[[ROUTER R1]]\nimage = my.image\n")
    r = run_plan(lab, tmp_path)
    assert r.returncode == 0
    assert 'vm set_ios R1 "my.image"' in r.stdout
    assert "firmware" not in r.stderr


def test_idle_pc_database(tmp_path):
    (tmp_path / "dynagenidledb.ini").write_text(
        "router-firmware.elf = 0x60001234\n")
    r = run_plan(DATA / "labs" / "simple1.net", tmp_path)
    assert "vm set_idle_pc R1 0x60001234\nvm set_idle_pc R2 0x60001234\n" \
        in r.stdout
    assert r.stdout.index("set_idle_pc R2") < r.stdout.index("vm start R1")


# Broken files: the message names the file and the line.
BAD = [
    ("[localhost]\n[[ROUTER R1]]\nf0/0\n",
     r"lab\.net:3: invalid line \"f0/0\""),
    ("[localhost\n", r"lab\.net:1: invalid line: section header without"),
    ("[[ROUTER R1]]\n", r"lab\.net:1: section too nested"),
    ("[localhost]\n[[ROUTER R1]]\nram = 1\nram = 2\n",
     r"lab\.net:4: duplicate key 'ram'.*line 3"),
    ("[localhost]\n[[ROUTER R1]]\n[[ROUTER R1]]\n",
     r"lab\.net:3: duplicate section name"),
    ("[localhost]\n[[ROUTER R1]]\nconsole = 99999\n",
     r"lab\.net:3: console = 99999 is too big \(at most 65535\)"),
    ("[localhost]\n[[ROUTER R1]]\nram = lots\n",
     r"lab\.net:3: ram = \"lots\" is not an integer"),
    ("[localhost]\n[[ROUTER R1]]\nnpe = NPE-400\n",
     r"lab\.net:3: npe = \"NPE-400\" is not one of"),
    ("[localhost]\n[[ROUTER R1]]\nmmap = maybe\n",
     r"lab\.net:3: mmap = \"maybe\" is not a boolean"),
    ("[localhost]\n[[ROUTER R1]]\nImage = x\n",
     r"lab\.net:3: unknown config item 'Image' \(option names are lower"),
    ("[localhost]\n[[ROUTER R1]]\nimage = a,b\n",
     r"lab\.net:3: image = a,b: the comma makes it a list"),
    ("[localhost]\n[[HUBBUB H1]]\n",
     r"lab\.net:2: unknown device type 'HUBBUB'"),
    ("[localhost]\n[[7300]]\n", r"lab\.net:2: \[\[7300\]\]: neither"),
    ("[localhost]\n[[ROUTER R1]]\nmodel = 7300\n",
     r"lab\.net:3: model = \"7300\": unknown model"),
    ("[localhost]\n[[ROUTER R1]]\nslot1 = PA-9T\n",
     r"lab\.net:3: Unknown adapter PA-9T specified for slot 1"),
    ("[localhost]\n[[ROUTER R1]]\nslot0 = PA-8T\n",
     r"lab\.net:3: PA-8T is not supported in slot 0 on router: R1"),
    ("[localhost]\n[[ROUTER R1]]\nslot9 = PA-8T\n",
     r"lab\.net:3: Invalid slot 9 on router: R1"),
    ("[localhost]\n[[7200]]\nslot1 = PA-8T\n[[ROUTER R1]]\nslot1 = PA-4T+\n",
     r"lab\.net:5: R1 slot 1 is already occupied!"),
    ("[localhost]\n[[ROUTER R1]]\ns1/0 = R9 s1/0\n",
     r"lab\.net:3: connecting R1 s1/0 to R9 s1/0: nonexistent device R9"),
    ("[localhost]\n[[ROUTER R1]]\ns1/0 = R2 f1/0\n[[ROUTER R2]]\n",
     r"lab\.net:3: connecting R1 s1/0 to R2 f1/0: cannot connect s to f"),
    ("[localhost]\n[[ROUTER R1]]\ns1/9 = R2 s1/0\n[[ROUTER R2]]\n",
     r"lab\.net:3: .*invalid interface s1/9 on device R1: PA-8T in slot 1 "
     r"has 8 Serial"),
    ("[localhost]\n[[ROUTER R1]]\ng0/1 = R2 g1/0\n[[ROUTER R2]]\n",
     r"lab\.net:3: .*Use of Gi0/1-3 requires use of an NPE-G2"),
    ("[localhost]\n[[ROUTER R1]]\nmodel = 3745\nimage = x\ne1/0 = LAN 1\n",
     r"lab\.net:5: .*ethernet adapter not supported on port 0 for device R1"),
    ("[localhost]\n[[ROUTER R1]]\nmodel = 2621\nimage = x\ns1/0 = LAN 1\n",
     r"lab\.net:5: .*cannot connect s to f"),
    ("[localhost]\n[[ROUTER R1]]\nmodel = 3640\nimage = x\na1/0 = NIO_null:x\n",
     r"lab\.net:5: .*unsuppported interface a1/0 specified for device: R1"),
    ("[localhost]\n[[ROUTER R1]]\nmodel = 3660\nimage = x\ns0/0 = NIO_null:x\n",
     r"lab\.net:5: .*attempt to connect to non-existent interface s0/0"),
    ("[localhost]\n[[ROUTER R1]]\nf0/0 = NIO_bogus:x\n",
     r"lab\.net:3: R1 f0/0 = NIO_bogus:x: bad NIO specified: unknown NIO "
     r"type \"bogus\""),
    ("[localhost]\n[[ROUTER R1]]\nf0/0 = nowhere\n",
     r"lab\.net:3: attempt to connect R1 f0/0 to unknown device \"nowhere\""),
    ("[localhost]\n[[ROUTER R1]]\ns1/0 = R2 s1/0\n[[ROUTER R2]]\n"
     "[[ROUTER R3]]\ns1/0 = R2 s1/0\n",
     r"lab\.net:6: .*destination port is already occupied"),
    ("[localhost]\n[[ROUTER R1]]\nconsole = 2001\n[[ROUTER R2]]\n"
     "console = 2001\n",
     r"lab\.net:5: R2: console port 2001 is already in use by device: R1"),
    ("[localhost]\n[[ROUTER R1]]\nmac = 00-11-22-33-44-55\n",
     r"lab\.net:3: R1: invalid MAC address"),
    ("[localhost]\n[[ROUTER R1]]\nmodel = 3640\nimage = x\niomem = 7\n",
     r"lab\.net:5: R1: iomem must be a multiple of 5"),
    ("[localhost]\n[[ROUTER R1]]\ns1/0 = F1 1\n[[FRSW F1]]\n1:100 = 2:200\n",
     r"lab\.net:5: F1: switchport 2 is not connected to anything"),
    ("[localhost]\n[[FRSW F1]]\n1:100 = 2\n",
     r"lab\.net:3: invalid switch mapping entry: 1:100 = 2"),
    ("[localhost]\n[[ETHSW S1]]\n1 = trunk 1\n",
     r"lab\.net:3: invalid porttype 'trunk' for port 1"),
    ("[localhost]\n[[ETHSW S1]]\n1 = access 1 eth0\n",
     r"lab\.net:3: port 1: malformed NETIO \"eth0\""),
    ("[localhost]\n[[ROUTER R1]]\nf0/0 = S1 1\n[[FRSW S1]]\n",
     r"lab\.net:3: connecting R1 f0/0 to S1 1: cannot connect f to s"),
    ("[localhost]\n[[ROUTER R1]]\n[localhost:7200]\n",
     r"lab\.net:3: server localhost:7200 is already defined at line 1"),
    ("[localhost]\n[[ROUTER R1]]\n[other]\n[[ROUTER R1]]\n",
     r"lab\.net:4: duplicate device name R1 \(first defined at line 2\)"),
    ("[localhost]\n[[ROUTER R1]]\nmodel = 2621\n",
     r"lab\.net:2: router R1 does not have an image set \(the open firmware "
     r"does not run on the c2600\)"),
    ("[localhost]\nx = \"unterminated\n",
     r"lab\.net:2: invalid value: unterminated \" quote"),
    ("[localhost]\nx = '''multi\nline\n",
     r"lab\.net:2: unterminated triple-quoted value"),
]


@pytest.mark.parametrize("text,pattern", BAD, ids=range(len(BAD)))
def test_broken_file(text, pattern, tmp_path):
    lab = tmp_path / "lab.net"
    lab.write_text(text)
    r = run_plan(lab, tmp_path)
    assert r.returncode == 1, r.stdout
    assert re.search(pattern, r.stderr), r.stderr
    assert r.stdout == ""


def test_every_error_is_reported(tmp_path):
    lab = tmp_path / "lab.net"
    lab.write_text("[localhost]\n[[ROUTER R1]]\nram = x\nnvram = y\n"
                   "s1/0 = R7 s1/0\n")
    r = run_plan(lab, tmp_path)
    assert r.returncode == 1
    assert "lab.net:3:" in r.stderr and "lab.net:4:" in r.stderr


def test_warnings_do_not_fail(tmp_path):
    lab = tmp_path / "lab.net"
    lab.write_text("colour = blue\n[localhost]\nfoo = 1\n[[ROUTER R1]]\n"
                   "f1/0 = S1 1\n[[ETHSW S1]]\n1 = access 1\n2 = access 2\n")
    r = run_plan(lab, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "lab.net:1: warning: unknown top-level key 'colour'" in r.stderr
    assert "lab.net:3: warning: 'foo' is not a server setting" in r.stderr
    assert "lab.net:8: warning: S1: switchport 2 is not connected" in r.stderr


def test_lexical_details(tmp_path):
    """Comments, quotes, case, Windows line ends, a UTF-8 BOM, no final
    newline (dynagen.md §2)."""
    lab = tmp_path / "lab.net"
    (tmp_path / "a b").mkdir()
    (tmp_path / "a b" / "#c,d").write_bytes(b"\x7fELF")
    lab.write_bytes(b"\xef\xbb\xbf# c\r\nautostart = No\r\n"
                    b"[ localhost ]\r\n  [[ rOuTeR  R1 ]]\r\n"
                    b"  image = \"a b/#c,d\"   # comment\r\n"
                    b"  F1/0 = lan   x1  # any case, any blanks\r\n"
                    b"  console = 2500")
    r = run_plan(lab, tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'vm set_ios R1 "a b/#c,d"' in r.stdout
    assert "nio_bridge create x1" in r.stdout
    assert "vm set_con_tcp_port R1 2500" in r.stdout
    assert "vm start" not in r.stdout


def test_usage_and_missing_file(tmp_path):
    r = subprocess.run([str(DYNAGEN), "--plan"], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "usage:" in r.stderr
    r = subprocess.run([str(DYNAGEN), "--bogus"], capture_output=True,
                       text=True)
    assert r.returncode == 2
    r = run_plan(tmp_path / "nope.net", tmp_path)
    assert r.returncode == 1
    assert "nope.net: cannot open the network file: No such file" in r.stderr
    r = subprocess.run([str(DYNAGEN), "--version"], capture_output=True,
                       text=True)
    assert r.returncode == 0 and r.stdout.startswith("dynagen 0.11.0")


def test_svg(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path))
    r = subprocess.run([str(DYNAGEN), "--ini", "/dev/null", "--svg",
                        str(DATA / "labs" / "features.net")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("<?xml") and r.stdout.rstrip().endswith(
        "</svg>")
    for name in ("A", "B", "FR", "ATM", "BR", "ETH", "lan1", "NIO_tap:tap0"):
        assert ">%s</text>" % name in r.stdout
    # 18 cables: router-router once, every LAN, switch and host NIO link
    assert r.stdout.count("<line ") == 18
