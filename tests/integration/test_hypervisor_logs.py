"""The log files of the hypervisor (hypervisor.md §4.6: the process log,
one <platform>_<name>_log.txt per VM), which a writer thread creates and
writes: a client that waits for a reply finds the lines of its command in
the files; after a pipelined burst the files appear on their own; a
`vm delete` reply means the VM's log is complete; `hypervisor stop` leaves
every log complete; a log file that cannot be created is reported in the
process log, the VM works on.

Run: /usr/bin/python3 -m pytest tests/integration/test_hypervisor_logs.py
"""

import os
import resource
import time

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


def test_pipelined_delete_means_the_log_is_complete(tmp_path):
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        n = 300
        burst = "".join("vm create P%d %d c7200\n" % (i, i) for i in range(n))
        burst += "".join("vm set_ram P%d 128\n" % i for i in range(n))
        burst += "".join("vm delete P%d\n" % i for i in range(n))
        c.send(burst)
        data = read_replies(c.sock, 3 * n).decode()
        assert data.count("100-VM '") == 2 * n, data
        for i in range(n):
            name = "P%d" % i
            log = text(tmp_path / ("c7200_%s_log.txt" % name))
            assert log.count("\n") == 2, log
            assert CREATED % (name, i) in log
            assert log.endswith(DELETED % name), log
        assert not list(tmp_path.glob("*_lock"))
        assert h.stop() == 0
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
        # the creates and the stop in one write: nothing waits in between
        c.send("".join("vm create S%d %d c7200\n" % (i, i) for i in range(n))
               + "hypervisor stop\n")
        read_replies(c.sock, n + 1)
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
