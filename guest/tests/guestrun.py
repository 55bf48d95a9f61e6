"""Running guest test images: the emulator (bare-metal images) and qemu
(Linux builds of the same objects), and cutting the test's own output out of
a console transcript.  Used by conftest.py and test_guest.py; importable on
its own for ad-hoc runs:

    python3 guest/tests/guestrun.py guest/images/tests/sort-o32.elf
"""
import errno
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GUEST = HERE.parent
ROOT = GUEST.parent
IMAGES = GUEST / "images" / "tests"
LINUX = GUEST / "build" / "tests" / "linux"
EXPECTED = HERE / "expected"

# Keep in step with images.mk.
DIFF_ABIS = ("o32", "n32", "rm7k")
HW_ABIS = ("o32", "n32")
QEMU = {
    "o32": ["qemu-mips"],
    "n32": ["qemu-mipsn32", "-cpu", "R4000"],
    "rm7k": ["qemu-mipsn32"],
}

EMULATORS = {
    "dynamips": ROOT / "build" / "dynamips",
    "asan": ROOT / "build" / "asan" / "dynamips",
    # the interpreter alone (-j): the definition of correct that a JIT is
    # held to (shared/DESIGN.md); same as "dynamips" until a JIT exists
    "interp": ROOT / "build" / "dynamips",
    # guest time derived from executed instructions (Count, timer IRQ)
    "det": ROOT / "build" / "dynamips",
}
EXTRA_ARGS = {"dynamips": [], "asan": [], "interp": ["-j"],
              "det": ["--deterministic"]}
# Seconds per run; the sanitizer build is several times slower.
TIMEOUT = {"dynamips": 30, "asan": 120, "interp": 30, "det": 30}

BEGIN_RE = re.compile(r"^=== BEGIN (\S+)$", re.M)
END_LINE = "=== END"
SANITIZER_RE = re.compile(r"ERROR: AddressSanitizer|runtime error:|"
                          r"ERROR: LeakSanitizer")


def names(kind):
    """Test names of a kind ('diff' = diff/ and isa/, 'hw' = hw/)."""
    dirs = ("diff", "isa") if kind == "diff" else ("hw",)
    out = []
    for d in dirs:
        out += [p.stem for p in (HERE / d).glob("*.c")]
    return sorted(out)


def extract(text, name):
    """The lines from '=== BEGIN name' to '=== END' inclusive, or None."""
    text = text.replace("\r\n", "\n").replace("\r", "")
    m = None
    for cand in BEGIN_RE.finditer(text):
        if cand.group(1) == name:
            m = cand
            break
    if m is None:
        return None
    end = text.find("\n" + END_LINE + "\n", m.start())
    if end < 0:
        if text.endswith("\n" + END_LINE):
            end = len(text) - len(END_LINE) - 1
        else:
            return None
    return text[m.start():end + 1] + END_LINE + "\n"


class Run:
    def __init__(self, argv, rc, stdout, stderr, timed_out, seconds):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out
        self.seconds = seconds

    def describe(self):
        tail = self.stdout[-3000:]
        err = self.stderr[-3000:]
        state = ("timed out after %ds" % self.seconds) if self.timed_out \
            else "exit status %s" % self.rc
        return ("command: %s\n%s\n--- stdout (tail) ---\n%s\n"
                "--- stderr (tail) ---\n%s" % (" ".join(map(str, self.argv)),
                                              state, tail, err))


def _spawn(argv, timeout, cwd):
    """subprocess.run, retried for a while if the executable is being
    relinked at that moment (EACCES / ETXTBSY while make rewrites it)."""
    for attempt in range(20):
        try:
            return subprocess.run(argv, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE,
                                  timeout=timeout, cwd=cwd)
        except (PermissionError, OSError) as e:
            if attempt == 19 or getattr(e, "errno", None) not in (
                    errno.EACCES, errno.ETXTBSY, errno.ENOENT, errno.ENOEXEC):
                raise
            time.sleep(1.5)


def _run(argv, timeout, cwd=None):
    try:
        p = _spawn(argv, timeout, cwd)
        return Run(argv, p.returncode, p.stdout.decode("latin-1"),
                   p.stderr.decode("latin-1"), False, timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("latin-1")
        err = (e.stderr or b"").decode("latin-1")
        return Run(argv, None, out, err, True, timeout)


def run_emulator(emu, image):
    """Boot an image: dynamips -P 7200 -X -r 64 IMAGE, console on stdout.
    Runs in a scratch directory (the emulator may write NVRAM/log files)."""
    exe = EMULATORS[emu]
    with tempfile.TemporaryDirectory(prefix="guesttest-") as tmp:
        return _run([str(exe)] + EXTRA_ARGS[emu] +
                    ["-P", "7200", "-X", "-r", "64", str(image)],
                    TIMEOUT[emu], cwd=tmp)


def qemu_available(abi):
    return shutil.which(QEMU[abi][0]) is not None


def run_qemu(abi, binary):
    return _run(QEMU[abi] + [str(binary)], 60)


def build_linux():
    """Build the Linux (qemu) binaries; returns None or a reason string."""
    if shutil.which("mips-linux-gnu-gcc") is None:
        return "mips-linux-gnu-gcc not installed: cannot build the qemu side"
    p = subprocess.run(["make", "-s", "-C", str(GUEST), "guest-tests-linux"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        return "make guest-tests-linux failed:\n" + p.stdout.decode()[-4000:]
    return None


# ---------------------------------------------------------------- job pool
# Runs are started in the background (one per CPU) as soon as pytest has
# collected the tests (conftest.py), so the tests mostly wait for results
# that are already there.
_pool = None
_jobs = {}
_linux = {"built": False, "reason": None}


def job(kind, *key):
    """Future for an emulator ("emu", emu, image) or qemu ("qemu", abi,
    binary) run; started now if the prefetch did not."""
    global _pool
    if _pool is None:
        import concurrent.futures
        _pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, os.cpu_count() or 1))
    k = (kind,) + key
    if k not in _jobs:
        fn = run_emulator if kind == "emu" else run_qemu
        _jobs[k] = _pool.submit(fn, key[0], key[1])
    return _jobs[k]


def linux_binaries():
    """Build the qemu-side binaries once; returns None or why not."""
    if not _linux["built"]:
        _linux["reason"] = build_linux()
        _linux["built"] = True
    return _linux["reason"]


def shutdown():
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)


if __name__ == "__main__":
    emu = os.environ.get("EMU", "dynamips")
    for img in sys.argv[1:]:
        r = run_emulator(emu, Path(img))
        sys.stdout.write(r.stdout)
        sys.stderr.write(r.stderr)
        print("[%s: %s]" % (img, "timeout" if r.timed_out else r.rc),
              file=sys.stderr)
