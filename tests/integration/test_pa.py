"""Port adapters on the dynamips command line (hypervisor.md §7.4,
c7200.md §10): -p <slot>:<card> and -s <slot>:<port>:<nio>.

Every test starts build/dynamips as a real process in its own temporary
working directory. Usage errors (unknown card, wrong slot, port the card
lacks, bad NIO syntax) exit 2 naming the problem; a NIO that cannot be
opened or a card the NPE has no room for exits 1; a good set of cards and
NIOs runs the hello image to its normal end (0) and the log lists the cards.

Run: /usr/bin/python3 -m pytest tests/integration/test_pa.py
(DYNAMIPS=path overrides the binary.)
"""

import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DYNAMIPS = Path(os.environ.get("DYNAMIPS", ROOT / "build" / "dynamips"))
HELLO = ROOT / "guest" / "images" / "hello.elf"
GREETING = "Hello from OpenDynamips!"
TIMEOUT = 30


@pytest.fixture(scope="module", autouse=True)
def binary():
    if not DYNAMIPS.is_file():
        pytest.fail("%s not built (run `make`)" % DYNAMIPS)


def run(args, cwd):
    return subprocess.run([str(DYNAMIPS), "-P", "7200", "-X", "-r", "64"] +
                          [str(a) for a in args] + [str(HELLO)], cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, errors="replace", timeout=TIMEOUT)


def assert_clean(r):
    assert r.returncode >= 0, "killed by signal %d" % -r.returncode
    for word in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
        assert word not in r.stderr


def free_udp_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


@pytest.mark.parametrize("args, message", [
    (["-p", "1:PA-9T"], "unknown card 'PA-9T'"),
    (["-p", "7:PA-4E"], "slot 7 out of range"),
    (["-p", "0:PA-4E"], "does not fit slot 0"),
    (["-p", "2:C7200-IO-FE"], "does not fit slot 2"),
    (["-p", "1:PA-A1"], "not emulated"),
    (["-p", "1:PA-4E", "-p", "1:PA-8E"], "slot 1 given twice"),
    (["-p", "1:2:PA-4E"], "no sub-slot"),
    (["-p", "PA-4E"], "<slot>:<card> expected"),
    (["-s", "1:0:null"], "slot 1 has no card"),
    (["-p", "3:PA-4T+", "-s", "3:4:null"], "PA-4T+ has 4 ports"),
    (["-s", "0:1:null"], "C7200-IO-FE has 1 port"),
    (["-s", "0:0"], "<slot>:<port>:<type>"),
    (["-s", "0:0:null", "-s", "0:0:null"], "given twice"),
    (["-s", "0:0:bogus"], "unknown NIO type 'bogus'"),
    (["-s", "0:0:udp:1:2"], "takes 3 parameters"),
])
def test_usage_errors(tmp_path, args, message):
    r = run(args, tmp_path)
    assert_clean(r)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr


def test_cards_and_nios_run(tmp_path):
    a, b = free_udp_ports(2)
    r = run(["-p", "1:PA-FE-TX", "-p", "2:PA-8E", "-p", "3:PA-4T+",
             "-p", "4:PA-8T", "-p", "5:PA-2FE-TX", "-p", "6:PA-GE",
             "-s", "0:0:udp:%d:127.0.0.1:%d" % (a, b),
             "-s", "1:0:udp:%d:127.0.0.1:%d" % (b, a),
             "-s", "2:7:null", "-s", "4:5:null", "-s", "6:0:null"], tmp_path)
    assert_clean(r)
    assert r.returncode == 0, r.stderr
    assert GREETING in r.stdout
    log = (tmp_path / "dynamips_log.txt").read_text(errors="replace")
    for card, bay in (("C7200-IO-FE", 0), ("PA-FE-TX", 1), ("PA-8E", 2),
                      ("PA-4T+", 3), ("PA-8T", 4), ("PA-2FE-TX", 5),
                      ("PA-GE", 6)):
        assert "%s in bay %d" % (card, bay) in log


def test_intel_io_card_replaces_the_default(tmp_path):
    r = run(["-p", "0:C7200-IO-GE-E", "-s", "0:1:null"], tmp_path)
    assert_clean(r)
    assert r.returncode == 0, r.stderr
    log = (tmp_path / "dynamips_log.txt").read_text(errors="replace")
    assert "C7200-IO-GE-E in bay 0" in log


def test_intel_io_card_needs_a_gt64120_npe(tmp_path):
    # c7200.md §10: device 0 of bus 0 is the GT-64010 on NPE-100/150/200
    r = run(["-t", "npe-200", "-p", "0:C7200-IO-2FE"], tmp_path)
    assert_clean(r)
    assert r.returncode == 1
    assert "no room" in r.stderr


def test_udp_port_in_use(tmp_path):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    port = s.getsockname()[1]
    try:
        r = run(["-s", "0:0:udp:%d:127.0.0.1:9" % port], tmp_path)
    finally:
        s.close()
    assert_clean(r)
    assert r.returncode == 1
    assert "c7200-i0/0/0" in r.stderr


def test_help_lists_the_options(tmp_path):
    r = subprocess.run([str(DYNAMIPS), "--help"], capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert r.returncode == 0
    assert "-p <slot>:<card>" in r.stdout
    assert "-s <slot>:<port>:<nio>" in r.stdout
