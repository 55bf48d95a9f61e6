"""The log files of the hypervisor (hypervisor.md §4.6: the process log,
one <platform>_<name>_log.txt per VM), which a writer thread creates and
writes: a client that waits for a reply finds the lines of its command in
the files of the VMs there; after a pipelined burst the files appear on
their own; a `vm delete` reply means the VM's log is complete when its
file was there (a reply after its create was waited for), otherwise the
file is made afterwards, complete before the reply to `hypervisor
working_dir`, `reset` or `stop`; a VM re-created under the same name in
the burst, a `vm clean_delete` leave no trace of the deleted one's log;
`hypervisor stop` leaves every log complete; a log file that cannot be
created is reported in the process log, the VM works on.

Run: /usr/bin/python3 -m pytest tests/integration/test_hypervisor_logs.py
"""

import os
import resource
import time

import pytest

from test_hypervisor import TIMEOUT, Hypervisor
from test_hypervisor_pipeline import read_replies

CREATED = " VM: %s: created (instance %d, platform c7200)\n"
DELETED = " VM: %s: deleted\n"


def text(path):
    return path.read_text(errors="replace") if path.exists() else ""


def wait_for(cond, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_log_lines_there_when_the_reply_is(tmp_path):
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        for i in range(20):
            name = "R%d" % i
            c.ok("vm create %s %d c7200" % (name, i))
            # no waiting: the reply came after the lines were written
            assert CREATED % (name, i) in text(
                tmp_path / ("c7200_%s_log.txt" % name))
            assert "HYPERVISOR: VM '%s' created" % name in text(
                tmp_path / "dynamips_log.txt")
        c.ok("vm rename R0 S0")  # the log file follows the name
        assert " VM: R0: renamed to S0\n" in text(tmp_path /
                                                  "c7200_S0_log.txt")
        assert not (tmp_path / "c7200_R0_log.txt").exists()
        c.ok("vm delete S0")
        assert text(tmp_path / "c7200_S0_log.txt").endswith(DELETED % "S0")
        assert h.stop() == 0
    finally:
        h.kill()


# Inodes deleted by slow_inodes: each new one then costs about 0.3 ms on
# this machine's /tmp (3000 to 5000 recently deleted in the group); the
# group stays slow for a minute or so (for other users of /tmp too).
N_DELETED = 3000


def slow_inodes(path):
    """Make new files in path slow to create where the file system is ext4
    without a journal (this machine's /tmp): it skips every inode of the
    group deleted in the last minute (dtime before this second) when it
    allocates one. The log writer then lags far behind a burst, and what
    waits for it is seen to wait. Elsewhere the tests check the same."""
    for i in range(N_DELETED):
        os.close(os.open(path / ("x%d" % i), os.O_CREAT | os.O_WRONLY))
    for i in range(N_DELETED):
        os.unlink(path / ("x%d" % i))
    # until the next second of the real-time clock (the deletion time is
    # whole seconds): 20 ms past it
    time.sleep(1.02 - time.time() % 1)


def burst(n, prefix="P"):
    """n VMs created, their RAM set, deleted: one pipelined write."""
    b = "".join("vm create %s%d %d c7200\n" % (prefix, i, i) for i in range(n))
    b += "".join("vm set_ram %s%d 128\n" % (prefix, i) for i in range(n))
    b += "".join("vm delete %s%d\n" % (prefix, i) for i in range(n))
    return b


def assert_logs_complete(tmp_path, n, prefix="P"):
    for i in range(n):
        name = "%s%d" % (prefix, i)
        log = text(tmp_path / ("c7200_%s_log.txt" % name))
        assert log.count("\n") == 2, (name, log)
        assert CREATED % (name, i) in log
        assert log.endswith(DELETED % name), log


@pytest.mark.parametrize("sync", ["working_dir", "reset", "stop", None])
def test_pipelined_delete_logs_complete(tmp_path, sync):
    """Created and deleted in one burst: the files are made afterwards,
    complete at the reply to working_dir/reset/stop, or on their own."""
    if sync in ("working_dir", "reset"):
        slow_inodes(tmp_path)
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        n = 300
        cmd = {"working_dir": 'hypervisor working_dir "%s"\n' % tmp_path,
               "reset": "hypervisor reset\n", "stop": "hypervisor stop\n",
               None: ""}[sync]
        c.send(burst(n) + cmd)
        data = read_replies(c.sock, 3 * n + (1 if sync else 0)).decode()
        assert data.count("100-VM '") == 2 * n, data
        if sync:
            assert data.endswith("100-OK\r\n"), data[-200:]
            assert_logs_complete(tmp_path, n)
        else:
            assert wait_for(lambda: all(
                text(tmp_path / ("c7200_P%d_log.txt" % i)).endswith(
                    DELETED % ("P%d" % i)) for i in range(n)))
            assert_logs_complete(tmp_path, n)
        assert not list(tmp_path.glob("*_lock"))
        if sync == "stop":
            assert h.wait() == 0
        else:
            assert h.stop() == 0
        assert_logs_complete(tmp_path, n)
    finally:
        h.kill()


def test_delete_after_a_waited_create_means_the_log_is_complete(tmp_path):
    """Deletes pipelined after the creates' replies came: each VM's file
    was there, so each delete reply means its log is complete."""
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        n = 100
        c.send("".join("vm create D%d %d c7200\n" % (i, i) for i in range(n)))
        read_replies(c.sock, n)
        for i in range(n):
            c.send("vm set_ram D%d 128\nvm delete D%d\n" % (i, i))
            read_replies(c.sock, 2)
            log = text(tmp_path / ("c7200_D%d_log.txt" % i))
            assert log.endswith(DELETED % ("D%d" % i)), log
            assert log.count("\n") == 2, log
        assert h.stop() == 0
    finally:
        h.kill()


def test_recreated_in_a_burst_only_the_new_log(tmp_path):
    """A VM deleted and created again under its name in one burst: the
    file is the new VM's (as its creation replaces the old file); after a
    clean_delete of the new one, or of a VM renamed to its name, no file
    of that name at all."""
    slow_inodes(tmp_path)
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        n = 50
        c.send("".join("vm create R%d %d c7200\nvm delete R%d\n"
                       "vm create R%d %d c7200\nvm set_ram R%d 64\n"
                       % (i, i, i, i, i, i) for i in range(n)))
        read_replies(c.sock, 4 * n)
        for i in range(n):
            log = text(tmp_path / ("c7200_R%d_log.txt" % i))
            assert log.count("\n") == 1, log  # the new VM's created line
            assert CREATED % ("R%d" % i, i) in log
            assert "deleted" not in log
        c.ok("vm create Y 500 c7200")  # its file is there
        # deleted VMs' files to make first, then the cases
        c.send(burst(100, "B").replace(" 128", " 64")
               + "".join("vm create C%d %d c7200\nvm delete C%d\n"
                         "vm create C%d %d c7200\nvm clean_delete C%d\n"
                         % (i, 100 + i, i, i, 100 + i, i) for i in range(n))
               + "vm create Z 501 c7200\nvm delete Z\nvm rename Y Z\n"
               + "vm clean_delete Z\n"
               + 'hypervisor working_dir "%s"\n' % tmp_path)
        data = read_replies(c.sock, 300 + 4 * n + 5).decode()
        assert "\r\n2" not in data and not data.startswith("2"), data
        assert not list(tmp_path.glob("c7200_C*"))
        assert not list(tmp_path.glob("c7200_[YZ]_*"))
        c.send("".join("vm delete R%d\n" % i for i in range(n)))
        read_replies(c.sock, n)
        assert h.stop() == 0
        assert not list(tmp_path.glob("c7200_C*"))
        assert not list(tmp_path.glob("c7200_[YZ]_*"))
        assert len(list(tmp_path.glob("c7200_B*_log.txt"))) == 100
        for i in range(n):
            log = text(tmp_path / ("c7200_R%d_log.txt" % i))
            assert log.count("\n") == 2 and log.count("created") == 1, log
    finally:
        h.kill()


def test_pipelined_creates_files_appear_and_clean_delete_removes(tmp_path):
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        n = 300
        c.send("".join("vm create Q%d %d c7200\n" % (i, i) for i in range(n)))
        read_replies(c.sock, n)
        logs = [tmp_path / ("c7200_Q%d_log.txt" % i) for i in range(n)]
        assert wait_for(lambda: all(CREATED % ("Q%d" % i, i) in text(p)
                                    for i, p in enumerate(logs)))
        c.send("".join("vm clean_delete Q%d\n" % i for i in range(n)))
        data = read_replies(c.sock, n).decode()
        assert data.count("and related files deleted") == n, data
        assert not list(tmp_path.glob("c7200_Q*"))
        assert h.stop() == 0
    finally:
        h.kill()


def test_stop_leaves_every_log_complete(tmp_path):
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        n = 200
        # the creates (half of them deleted) and the stop in one write:
        # nothing waits in between
        c.send("".join("vm create S%d %d c7200\n" % (i, i) for i in range(n))
               + "".join("vm delete S%d\n" % i for i in range(0, n, 2))
               + "hypervisor stop\n")
        read_replies(c.sock, n + n // 2 + 1)
        assert h.wait() == 0
        for i in range(n):
            log = text(tmp_path / ("c7200_S%d_log.txt" % i))
            assert CREATED % ("S%d" % i, i) in log, log
            assert log.endswith(DELETED % ("S%d" % i)), log
        assert "hypervisor stop: shutting down" in text(
            tmp_path / "dynamips_log.txt")
    finally:
        h.kill()


def lowest_free_fd(pid):
    fds = {int(f) for f in os.listdir("/proc/%d/fd" % pid)}
    n = 0
    while n in fds:
        n += 1
    return n


def test_log_file_that_cannot_be_made_is_reported(tmp_path):
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        c.ok("vm create R0 1 c7200")  # the process's lock file is open
        soft, hard = resource.prlimit(h.p.pid, resource.RLIMIT_NOFILE)
        # no descriptor left for a new file: creating the log fails
        resource.prlimit(h.p.pid, resource.RLIMIT_NOFILE,
                         (lowest_free_fd(h.p.pid), hard))
        try:
            r = c.ok("vm create R1 2 c7200")
            assert r.lines == ["100-VM 'R1' created"]
            assert c.ok("vm set_ram R1 128").lines == ["100-OK"]
        finally:
            resource.prlimit(h.p.pid, resource.RLIMIT_NOFILE, (soft, hard))
        log = text(tmp_path / "dynamips_log.txt")
        assert ("c7200_R1_log.txt: cannot create the log file: Too many "
                "open files") in log, log
        assert not (tmp_path / "c7200_R1_log.txt").exists()
        assert c.ok("vm delete R1").lines == ["100-VM 'R1' deleted"]
        c.ok("vm create R2 3 c7200")  # and the next one is fine
        assert CREATED % ("R2", 3) in text(tmp_path / "c7200_R2_log.txt")
        assert c.ok("hypervisor version").code == 100
        assert h.stop() == 0
    finally:
        h.kill()
