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
