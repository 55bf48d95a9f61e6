"""Command line of dynamips in standard mode: options, errors, exit status,
the files a run leaves behind.

Every test starts build/dynamips as a real process in its own temporary
working directory, with a timeout. The contract (exit status 0 stopped,
1 could not start, 2 usage error, 3 guest halted; messages on stderr that
name what was wrong) is the one `dynamips --help` and man/dynamips.1
describe.

Run: /usr/bin/python3 -m pytest tests/integration/test_cli.py
(DYNAMIPS=path overrides the binary.)
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DYNAMIPS = Path(os.environ.get("DYNAMIPS", ROOT / "build" / "dynamips"))
HELLO = ROOT / "guest" / "images" / "hello.elf"
# Runs for seconds: long enough to look at the working directory meanwhile.
LONG_IMAGE = ROOT / "guest" / "images" / "bench" / "cpu_bench.elf"

BANNER = "Cisco Router Simulation Platform (version 0.2.24-"
GREETING = "Hello from OpenDynamips!"
NVRAM = "c7200_i0_nvram"
RAM = "c7200_i0_ram"
TIMEOUT = 30  # seconds, for any single run


@pytest.fixture(scope="module", autouse=True)
def binary():
    if not DYNAMIPS.is_file():
        pytest.fail("%s not built (run `make`)" % DYNAMIPS)


def run(args, cwd, timeout=TIMEOUT):
    """Runs dynamips to completion; stdin is /dev/null."""
    return subprocess.run([str(DYNAMIPS)] + [str(a) for a in args],
                          cwd=cwd, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, errors="replace",
                          timeout=timeout)


def assert_not_crashed(r):
    assert r.returncode >= 0, "killed by signal %d" % -r.returncode
    for word in ("AddressSanitizer", "runtime error:", "Segmentation fault",
                 "core dumped"):
        assert word not in r.stderr


# ------------------------------------------------------------- help, version

def test_help_lists_options(tmp_path):
    r = run(["--help"], tmp_path)
    assert r.returncode == 0
    assert "Usage: dynamips" in r.stdout
    for opt in ("-P <platform>", "-t <npe>", "-r <MiB>", "-n <KiB>",
                "-c <value>", "-i <id>", "-X", "-T <port>", "-A <port>",
                "--idle-pc", "--deterministic", "--noctrl", "--version"):
        assert opt in r.stdout, opt


def test_short_help_same_as_long(tmp_path):
    assert run(["-h"], tmp_path).stdout == run(["--help"], tmp_path).stdout


def test_version_banner(tmp_path):
    r = run(["--version"], tmp_path)
    assert r.returncode == 0
    first = r.stdout.splitlines()[0]
    assert first.startswith(BANNER), first
    assert first.endswith(")")


def test_help_and_version_create_no_files(tmp_path):
    run(["--help"], tmp_path)
    run(["--version"], tmp_path)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------ usage errors

@pytest.mark.parametrize("opt", ["--bogus", "-Z", "--no-such-option"])
def test_unknown_option(tmp_path, opt):
    r = run([opt, HELLO], tmp_path)
    assert r.returncode == 2
    assert opt in r.stderr
    assert "unknown option" in r.stderr


@pytest.mark.parametrize("opt,value", [
    ("-r", "abc"),
    ("-r", "0"),
    ("-r", "-5"),
    ("-c", "0x10000"),
    ("-T", "70000"),
    ("-A", "0"),
    ("-k", "0"),
    ("-n", "x"),
    ("-N", "2"),
    ("-i", "-1"),
    ("--idle-pc", "zz"),
])
def test_bad_value(tmp_path, opt, value):
    r = run([opt, value, HELLO], tmp_path)
    assert r.returncode == 2
    # The message names the option and the value given.
    line = r.stderr.strip().splitlines()[0]
    assert opt in line and "'%s'" % value in line, r.stderr
    assert_not_crashed(r)
    assert not (tmp_path / NVRAM).exists()


def test_option_without_value(tmp_path):
    r = run(["-r"], tmp_path)
    assert r.returncode == 2
    assert "-r" in r.stderr


@pytest.mark.parametrize("plat", [("-P", "7200"), ("-P", "3725"),
                                  ("-P", "3600", "-t", "3660"),
                                  ("-P", "2691"), ("-P", "3745")])
def test_no_image_runs_the_open_firmware(tmp_path, plat):
    # Without an image every platform boots the project's own router
    # firmware (one image for all of them).
    p = subprocess.Popen([str(DYNAMIPS), *plat, "-X", "-r", "64"],
                         cwd=tmp_path, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out = b""
        deadline = time.time() + 20
        while b"Router>" not in out and b"Press RETURN" not in out:
            assert time.time() < deadline, out
            chunk = p.stdout.read1(4096)
            assert chunk, out
            out += chunk
        assert b"running the open router firmware" in out
        assert b"router-firmware.elf" in out
        if plat[1] != "7200":
            model = plat[-1].encode()
            assert b"(C" + model + b"-OPENFW-M)" in out, out
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
    assert p.returncode == 0


def test_two_images(tmp_path):
    r = run(["-X", HELLO, HELLO], tmp_path)
    assert r.returncode == 2
    assert "more than one image" in r.stderr


@pytest.mark.parametrize("args,typed", [
    (["\u2013H", "7200"], "-H"),          # en dash: the tutorial's line
    (["-P", "7200", "\u2014r", "64"], "-r"),  # em dash
    (["\u2212X"], "-X"),                  # minus sign
])
def test_typographic_dash(tmp_path, args, typed):
    """`dynamips \u2013H 7200 &` pasted from the tutorial: a usage error
    naming the dash, before anything is opened or listened on."""
    r = run(args, tmp_path)
    assert_not_crashed(r)
    assert r.returncode == 2
    assert "starts with a typographic dash" in r.stderr
    assert "type %s\n" % typed in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_platform_fails_promptly(tmp_path):
    t0 = time.monotonic()
    r = run(["-P", "none", "-X", HELLO], tmp_path, timeout=10)
    elapsed = time.monotonic() - t0
    assert r.returncode != 0
    assert elapsed < 1.0, "took %.2f s" % elapsed
    assert r.stdout.startswith(BANNER)
    assert "none" in r.stderr
    assert_not_crashed(r)


# ------------------------------------------------------ images that fail

def test_nonexistent_image(tmp_path):
    path = tmp_path / "no" / "such" / "image.elf"
    r = run(["-P", "7200", "-X", path], tmp_path)
    assert r.returncode == 1
    assert str(path) in r.stderr
    assert_not_crashed(r)


def test_not_an_elf_file(tmp_path):
    img = tmp_path / "notelf.bin"
    img.write_bytes(b"This is a text file, not a router image.\n" * 20)
    r = run(["-P", "7200", "-X", img], tmp_path)
    assert r.returncode == 1
    assert "not an ELF file" in r.stderr
    assert str(img) in r.stderr
    assert_not_crashed(r)


def test_empty_image(tmp_path):
    img = tmp_path / "empty.elf"
    img.write_bytes(b"")
    r = run(["-P", "7200", "-X", img], tmp_path)
    assert r.returncode == 1
    assert str(img) in r.stderr
    assert_not_crashed(r)


def test_truncated_elf(tmp_path):
    img = tmp_path / "truncated.elf"
    img.write_bytes(HELLO.read_bytes()[:100])
    r = run(["-P", "7200", "-X", img], tmp_path)
    assert r.returncode == 1
    assert str(img) in r.stderr
    assert_not_crashed(r)


# ------------------------------------------------------------ real runs

def test_hello_runs_and_cleans_up_ram_file(tmp_path):
    r = run(["-P", "7200", "-r", "64", HELLO], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(BANNER)
    assert GREETING in r.stdout
    nvram = tmp_path / NVRAM
    assert nvram.is_file()
    assert nvram.stat().st_size == 128 * 1024
    assert not (tmp_path / RAM).exists()
    assert (tmp_path / "dynamips_log.txt").is_file()


def test_hello_with_x_creates_no_ram_file(tmp_path):
    r = run(["-P", "7200", "-X", "-r", "64", HELLO], tmp_path)
    assert r.returncode == 0, r.stderr
    assert GREETING in r.stdout
    assert not (tmp_path / RAM).exists()
    assert (tmp_path / NVRAM).stat().st_size == 128 * 1024


def test_instance_id_names_files(tmp_path):
    r = run(["-P", "7200", "-X", "-r", "64", "-i", "5", "-n", "64", HELLO],
            tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "c7200_i5_nvram").stat().st_size == 64 * 1024
    assert not (tmp_path / NVRAM).exists()


def test_log_file_option(tmp_path):
    r = run(["-P", "7200", "-X", "-r", "64", "-l", "mylog.txt", HELLO],
            tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "mylog.txt").stat().st_size > 0
    assert not (tmp_path / "dynamips_log.txt").exists()


def wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def start_long_run(tmp_path, extra):
    if not LONG_IMAGE.is_file():
        pytest.skip("%s missing" % LONG_IMAGE)
    return subprocess.Popen(
        [str(DYNAMIPS), "-P", "7200", "-r", "64"] + extra + [str(LONG_IMAGE)],
        cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)


def stop(p, sig):
    if p.poll() is None:
        p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        pytest.fail("dynamips did not stop on signal %d" % sig)
    return p.returncode, out.decode(errors="replace"), \
        err.decode(errors="replace")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_ram_file_while_running_then_removed(tmp_path, sig):
    p = start_long_run(tmp_path, [])
    try:
        ram = tmp_path / RAM
        assert wait_for(ram.exists, 10), "no %s while running" % RAM
        assert ram.stat().st_size == 64 << 20
    finally:
        rc, out, err = stop(p, sig)
    assert rc == 0, err
    assert not ram.exists()
    assert (tmp_path / NVRAM).is_file()


def test_x_creates_no_ram_file_while_running(tmp_path):
    p = start_long_run(tmp_path, ["-X"])
    try:
        assert wait_for((tmp_path / NVRAM).exists, 10)
        # Look repeatedly while the router runs.
        for _ in range(25):
            assert not (tmp_path / RAM).exists()
            time.sleep(0.02)
    finally:
        rc, out, err = stop(p, signal.SIGTERM)
    assert rc == 0, err
    assert not (tmp_path / RAM).exists()


def test_filepid(tmp_path):
    p = start_long_run(tmp_path, ["-X", "--filepid", "dyn.pid"])
    try:
        pidfile = tmp_path / "dyn.pid"
        assert wait_for(lambda: pidfile.exists() and
                        pidfile.read_text().strip(), 10)
        assert int(pidfile.read_text().strip()) == p.pid
    finally:
        stop(p, signal.SIGTERM)
