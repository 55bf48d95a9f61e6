"""Every guest test image under --jit-lockstep: each translated block is
re-run in the interpreter and all architectural state and written memory
compared (issue: x86-64 dynamic translator). The console output must also
equal the interpreter's own deterministic run (-j --deterministic), which
--jit-lockstep implies."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DYNAMIPS = ROOT / "build" / "dynamips"
IMAGES = sorted((ROOT / "guest" / "images" / "tests").glob("*.elf"))
ARGS = ["-P", "7200", "-X", "-r", "64"]
TIMEOUT = 120


def run(tmp_path, extra, image):
    log = tmp_path / ("log%d.txt" % len(list(tmp_path.iterdir())))
    p = subprocess.run([str(DYNAMIPS), "-l", str(log)] + extra + ARGS +
                       [str(image)], cwd=tmp_path, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=TIMEOUT)
    out = p.stdout.decode("latin-1")
    # the banner's build date is the only line allowed to differ
    out = "\n".join(l for l in out.splitlines()
                    if not l.startswith("Build date"))
    return p, out, log.read_text(errors="replace") if log.exists() else ""


@pytest.mark.parametrize("image", IMAGES, ids=[p.stem for p in IMAGES])
def test_lockstep_matches_interpreter(tmp_path, image):
    if not DYNAMIPS.exists():
        pytest.fail("%s is missing (make all)" % DYNAMIPS)
    p, out, log = run(tmp_path, ["--jit-lockstep"], image)
    err = p.stderr.decode("latin-1")
    assert "lockstep mismatch" not in err + log, err + log
    assert p.returncode == 0, err
    assert "lockstep checked" in log
    q, ref, _ = run(tmp_path, ["-j", "--deterministic"], image)
    assert q.returncode == 0
    assert out == ref


def test_perf_map_lists_translated_blocks(tmp_path):
    """--jit-perf-map: one "start size mips_<pc>" line per translated
    block in /tmp/perf-<pid>.map, the format perf(1) reads, with the
    blocks the guest ran more than twice (its kernels' loops; code run
    once, as its entry point, is interpreted)."""
    if not DYNAMIPS.exists():
        pytest.fail("%s is missing (make all)" % DYNAMIPS)
    image = ROOT / "guest" / "images" / "bench" / "cpu_bench.elf"
    proc = subprocess.Popen([str(DYNAMIPS), "--jit", "--jit-perf-map"] +
                            ARGS + [str(image)], cwd=tmp_path,
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=TIMEOUT)
    path = Path("/tmp/perf-%d.map" % proc.pid)
    try:
        assert proc.returncode == 0, err.decode("latin-1")
        assert b"bench end" in out
        lines = path.read_text().splitlines()
    finally:
        path.unlink(missing_ok=True)
    assert len(lines) > 100
    pcs = set()
    for line in lines:
        start, size, name = line.split()
        assert int(start, 16) > 0 and int(size, 16) > 0
        assert name.startswith("mips_") and len(name) == 5 + 16
        pcs.add(int(name[5:], 16))
    assert 0xFFFFFFFF80008000 not in pcs  # _start of the image, run once
