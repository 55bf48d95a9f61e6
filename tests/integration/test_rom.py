"""Our ROM monitor as IOS sees it (c7200.md §16-17): entry state, every EMT
service with the values observed on the reference, register preservation,
reload. Each image prints a transcript compared with an expected file."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "guest" / "images"
EXPECTED = ROOT / "guest" / "rom" / "tests"
EMULATORS = {"dynamips": ROOT / "build" / "dynamips",
             "asan": ROOT / "build" / "asan" / "dynamips"}


def transcript(tmp_path, emu, image):
    # Fresh working directory: blank NVRAM, so the config register is 0x2142.
    p = subprocess.run([str(emu), "-P", "7200", "-X", "-r", "64",
                        str(IMAGES / image)], cwd=tmp_path,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=120)
    out = p.stdout.decode(errors="replace").replace("\r\n", "\n")
    return p, out


@pytest.mark.parametrize("emu", EMULATORS.values(), ids=EMULATORS.keys())
def test_rom_services(tmp_path, emu):
    p, out = transcript(tmp_path, emu, "rom_services.elf")
    assert p.returncode == 0, p.stderr
    start = out.index("ROMTEST START")
    end = out.index("ROMTEST DONE") + len("ROMTEST DONE\n")
    want = (EXPECTED / "rom_services.expected").read_text()
    assert out[start:end] == want
    assert b"runtime error" not in p.stderr
    assert b"AddressSanitizer" not in p.stderr


@pytest.mark.parametrize("emu", EMULATORS.values(), ids=EMULATORS.keys())
def test_rom_reload_service_stops_router(tmp_path, emu):
    p, out = transcript(tmp_path, emu, "rom_reload.elf")
    assert p.returncode == 0, p.stderr
    want = (EXPECTED / "rom_reload.expected").read_text()
    assert out[out.index("ROMTEST RELOAD"):].startswith(want)
