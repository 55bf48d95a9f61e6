"""Guest tests: MIPS programs run on the emulator, judged by their console
output (SIMH-style headless diagnostics, see shared/STYLE.md).

  test_differential        plain computation and ISA tests (diff/, isa/):
                           the emulator's output must equal qemu's for the
                           same test objects (live qemu run of the Linux
                           build; the committed golden file when qemu or the
                           cross compiler is missing)
  test_qemu_matches_golden the live qemu output still equals the committed
                           golden file (refresh: make -C guest
                           guest-tests-golden)
  test_hardware            exceptions, CP0, TLB, timer (hw/): bare metal
                           only, expected output written from the MIPS
                           R4000/RM7000 manuals (expected/<test>[-<abi>].out)

Each runs under build/dynamips, the sanitizer build build/asan/dynamips,
build/dynamips -j (interpreter only) and build/dynamips --deterministic.
A missing emulator or image is a failure, never a skip.
"""
import difflib
import os

import pytest

import guestrun

DIFF_IMAGES = ["%s-%s" % (t, a) for t in guestrun.names("diff")
               for a in guestrun.DIFF_ABIS]
HW_IMAGES = ["%s-%s" % (t, a) for t in guestrun.names("hw")
             for a in guestrun.HW_ABIS]
EMUS = list(guestrun.EMULATORS)


def _diff(expected, actual, what, actual_name="emulator"):
    lines = list(difflib.unified_diff(
        expected.splitlines(True), actual.splitlines(True),
        "expected (%s)" % what, actual_name, n=2))
    if len(lines) > 80:
        lines = lines[:80] + ["... (%d more diff lines)\n" % (len(lines) - 80)]
    return "".join(lines)


def _emulator_output(emu, image):
    """Runs (or collects the prefetched run of) an image; returns the test's
    own output between the BEGIN/END markers, failing on any problem."""
    exe = guestrun.EMULATORS[emu]
    img = guestrun.IMAGES / (image + ".elf")
    if not exe.exists():
        pytest.fail("emulator %s is missing (build it: make %s)"
                    % (exe, "asan" if emu == "asan" else "all"))
    if not img.exists():
        pytest.fail("test image %s is missing (build it: make -C guest "
                    "images)" % img)
    r = guestrun.job("emu", emu, img).result()
    name = image.rsplit("-", 1)[0]
    out = guestrun.extract(r.stdout, name)
    if guestrun.SANITIZER_RE.search(r.stderr):
        pytest.fail("sanitizer report\n" + r.describe())
    if r.timed_out:
        pytest.fail("the VM did not stop in time (partial test output: %s)\n"
                    % ("complete" if out else "incomplete") + r.describe())
    if r.rc != 0:
        pytest.fail("emulator exit status %s\n" % r.rc + r.describe())
    if out is None:
        pytest.fail("no '=== BEGIN %s' ... '=== END' block on the console\n"
                    % name + r.describe())
    return out


def _golden(image):
    p = guestrun.EXPECTED / (image + ".out")
    if not p.exists():
        pytest.fail("golden output %s is missing (make -C guest "
                    "guest-tests-golden)" % p)
    return p.read_text()


def _qemu_output(image):
    """Live qemu output of the Linux build, or (None, reason)."""
    name, abi = image.rsplit("-", 1)
    reason = guestrun.linux_binaries()
    if reason:
        return None, reason
    if not guestrun.qemu_available(abi):
        return None, "%s not installed" % guestrun.QEMU[abi][0]
    binary = guestrun.LINUX / image
    r = guestrun.job("qemu", abi, binary).result()
    out = guestrun.extract(r.stdout, name)
    if r.timed_out or r.rc != 0 or out is None:
        pytest.fail("qemu run failed\n" + r.describe())
    return out, None


@pytest.mark.parametrize("image", DIFF_IMAGES)
@pytest.mark.parametrize("emu", EMUS)
def test_differential(emu, image):
    actual = _emulator_output(emu, image)
    expected, why = _qemu_output(image)
    what = "qemu"
    if expected is None:
        expected = _golden(image)
        what = "golden qemu output; live qemu unavailable: %s" % why
    if actual != expected:
        pytest.fail("emulator output differs from %s\n%s"
                    % (what, _diff(expected, actual, what)))


@pytest.mark.parametrize("image", DIFF_IMAGES)
def test_qemu_matches_golden(image):
    live, why = _qemu_output(image)
    if live is None:
        pytest.skip("qemu side unavailable: " + why)
    golden = _golden(image)
    if live != golden:
        pytest.fail("qemu output differs from the committed golden file "
                    "(toolchain change? refresh with make -C guest "
                    "guest-tests-golden)\n" + _diff(golden, live, "golden", "qemu"))


def _hw_expected(image):
    name = image.rsplit("-", 1)[0]
    for cand in (image + ".out", name + ".out"):
        p = guestrun.EXPECTED / cand
        if p.exists():
            return p.read_text(), p.name
    pytest.fail("no expected output for %s (expected/%s.out or "
                "expected/%s.out)" % (image, image, name))


@pytest.mark.parametrize("image", HW_IMAGES)
@pytest.mark.parametrize("emu", EMUS)
def test_hardware(emu, image):
    expected, fname = _hw_expected(image)
    actual = _emulator_output(emu, image)
    if actual != expected:
        pytest.fail("emulator output differs from expected/%s\n%s"
                    % (fname, _diff(expected, actual, fname)))
