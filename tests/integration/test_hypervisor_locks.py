"""VM lock files of the hypervisor (hypervisor.md §4.6): `<prefix>_lock`
holds the PID and a write lock while the VM exists, `vm delete` removes
it, another process (ours, or the reference with its POSIX locks) cannot
take a name that is in use, and two VMs of one process cannot share one
(-N1, same instance id). The lock files of one process are names of one
inode; these tests check what a client or another process can see.

Run: /usr/bin/python3 -m pytest tests/integration/test_hypervisor_locks.py
"""

import fcntl
import os

import pytest

from test_hypervisor import Hypervisor


@pytest.fixture
def hv(tmp_path):
    h = Hypervisor(tmp_path, ["-N1"])
    yield h
    if h.p.poll() is None:
        assert h.stop() == 0
    h.kill()


def posix_lock_fails(path):
    """What the reference does before using the files of an instance."""
    with open(path, "r+") as f:
        try:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(f, fcntl.LOCK_UN)
        return False


def test_lock_files_hold_the_pid_and_the_lock(hv, tmp_path):
    c = hv.client()
    for i in range(1, 6):
        c.ok("vm create R%d %d c7200" % (i, i))
    for i in range(1, 6):
        lock = tmp_path / ("c7200_i%d_lock" % i)
        assert int(lock.read_text()) == hv.p.pid
        assert posix_lock_fails(lock)
    # -N1: the same instance id means the same files: refused (§4.6)
    assert c.cmd("vm create X 3 c7200").code == 206
    for i in range(1, 6):
        c.ok("vm delete R%d" % i)
        assert not (tmp_path / ("c7200_i%d_lock" % i)).exists()
    # every name gone: new ones still work
    c.ok("vm create R9 9 c7200")
    assert int((tmp_path / "c7200_i9_lock").read_text()) == hv.p.pid
    assert posix_lock_fails(tmp_path / "c7200_i9_lock")
    c.ok("vm delete R9")


def test_stale_lock_file_is_taken_over(hv, tmp_path):
    lock = tmp_path / "c7200_i4_lock"
    lock.write_text("99999999999\n")  # a process that is gone
    c = hv.client()
    c.ok("vm create R4 4 c7200")
    assert int(lock.read_text()) == hv.p.pid
    assert posix_lock_fails(lock)
    c.ok("vm delete R4")
    assert not lock.exists()


def test_lock_held_by_a_posix_lock(hv, tmp_path):
    lock = tmp_path / "c7200_i5_lock"
    with open(lock, "w") as f:
        f.write("%d\n" % os.getpid())
        f.flush()
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        c = hv.client()
        assert c.cmd("vm create R5 5 c7200").code == 206
    c.ok("vm create R5 5 c7200")  # released with the file's close
    c.ok("vm delete R5")


def test_rename_moves_the_lock(tmp_path):
    h = Hypervisor(tmp_path)  # -N0: the files follow the name
    try:
        c = h.client()
        c.ok("vm create A 1 c7200")
        c.ok("vm create B 2 c7200")
        assert c.cmd("vm rename A B").code == 213
        c.ok("vm rename A C")
        assert not (tmp_path / "c7200_A_lock").exists()
        assert int((tmp_path / "c7200_C_lock").read_text()) == h.p.pid
        assert posix_lock_fails(tmp_path / "c7200_C_lock")
        c.ok("vm delete C")
        c.ok("vm delete B")
        assert not list(tmp_path.glob("*_lock"))
        assert h.stop() == 0
    finally:
        h.kill()
