"""pytest glue for the guest tests: runs the selected emulator/qemu jobs in
the background (one per CPU) as soon as collection is done, so the tests
themselves mostly wait for results that are already there."""
import concurrent.futures
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import guestrun  # noqa: E402

# Test functions that need the qemu side.
QEMU_TESTS = ("test_differential", "test_qemu_matches_golden")

_pool = None
_jobs = {}
_linux_reason = "not built yet"
_linux_built = False


def job(kind, *key):
    """Future for an emulator ("emu", emu, image) or qemu ("qemu", abi, bin)
    run; started now if the prefetch did not."""
    global _pool
    if _pool is None:
        _pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, os.cpu_count() or 1))
    k = (kind,) + key
    if k not in _jobs:
        if kind == "emu":
            _jobs[k] = _pool.submit(guestrun.run_emulator, key[0], key[1])
        else:
            _jobs[k] = _pool.submit(guestrun.run_qemu, key[0], key[1])
    return _jobs[k]


def linux_binaries():
    """Build the qemu-side binaries once; returns None or why not."""
    global _linux_built, _linux_reason
    if not _linux_built:
        _linux_reason = guestrun.build_linux()
        _linux_built = True
    return _linux_reason


def pytest_collection_finish(session):
    wanted_qemu = False
    for item in session.items:
        spec = getattr(item, "callspec", None)
        if spec is None:
            continue
        p = spec.params
        if isinstance(p.get("emu"), str) and isinstance(p.get("image"), str):
            exe = guestrun.EMULATORS[p["emu"]]
            img = guestrun.IMAGES / (p["image"] + ".elf")
            if exe.exists() and img.exists():
                job("emu", p["emu"], img)
        if item.originalname in QEMU_TESTS:
            wanted_qemu = True
    if wanted_qemu and linux_binaries() is None:
        for item in session.items:
            spec = getattr(item, "callspec", None)
            if spec is None or item.originalname not in QEMU_TESTS or \
                    not isinstance(spec.params.get("image"), str):
                continue
            name, abi = spec.params["image"].rsplit("-", 1)
            binary = guestrun.LINUX / ("%s-%s" % (name, abi))
            if guestrun.qemu_available(abi) and binary.exists():
                job("qemu", abi, binary)


def pytest_sessionfinish(session, exitstatus):
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
