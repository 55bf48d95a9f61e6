"""pytest glue for the guest tests: starts the selected emulator/qemu runs
in the background as soon as collection is done (guestrun.job)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import guestrun  # noqa: E402

# Test functions that need the qemu side.
QEMU_TESTS = ("test_differential", "test_qemu_matches_golden")


def pytest_collection_finish(session):
    wanted_qemu = []
    for item in session.items:
        spec = getattr(item, "callspec", None)
        if spec is None:
            continue
        p = spec.params
        if not isinstance(p.get("image"), str):
            continue
        if isinstance(p.get("emu"), str) and p["emu"] in guestrun.EMULATORS:
            exe = guestrun.EMULATORS[p["emu"]]
            img = guestrun.IMAGES / (p["image"] + ".elf")
            if exe.exists() and img.exists():
                guestrun.job("emu", p["emu"], img)
        if item.originalname in QEMU_TESTS:
            wanted_qemu.append(p["image"])
    if wanted_qemu and guestrun.linux_binaries() is None:
        for image in dict.fromkeys(wanted_qemu):
            abi = image.rsplit("-", 1)[1]
            binary = guestrun.LINUX / image
            if guestrun.qemu_available(abi) and binary.exists():
                guestrun.job("qemu", abi, binary)


def pytest_sessionfinish(session, exitstatus):
    guestrun.shutdown()
