"""Automatic idle detection (cpu/mips64/idle_auto.c): with no idle PC
given, a guest spinning in an idle loop without WAIT stops burning a host
core, its timing stays right, a busy guest is never put to sleep, and the
hypervisor shows and switches it."""
import os
import re
import select
import signal
import subprocess
import time

import pytest

from idle_guests import (ENTRY, busy_image, count_wait_image, irq_flag_image,
                         spin_image)
from test_hypervisor import DYNAMIPS, Hypervisor

EMU = DYNAMIPS

pytestmark = pytest.mark.skipif(not EMU.exists(), reason="not built")


def cpu_seconds(pid):
    """CPU time of every thread of pid (schedstat: nanoseconds)."""
    total = 0
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e9


class Guest:
    def __init__(self, tmp_path, image, args=(), platform="7200"):
        img = tmp_path / "guest.elf"
        img.write_bytes(image)
        self.p = subprocess.Popen(
            [str(EMU), "-P", platform, "-X", "-r", "16", *args, str(img)],
            cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        self.dots = []
        self.log = tmp_path / "dynamips_log.txt"

    def watch(self, seconds):
        """CPU share over `seconds`, collecting console dots' times."""
        c0, t0 = cpu_seconds(self.p.pid), time.monotonic()
        end = t0 + seconds
        while time.monotonic() < end:
            r, _, _ = select.select([self.p.stdout], [], [], 0.05)
            if r:
                for ch in os.read(self.p.stdout.fileno(), 65536):
                    if ch == ord("."):
                        self.dots.append(time.monotonic())
        c1, t1 = cpu_seconds(self.p.pid), time.monotonic()
        return (c1 - c0) / (t1 - t0)

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        self.p.wait(timeout=10)
        assert self.p.returncode == 0
        return self.log.read_text()


@pytest.mark.parametrize("image", [spin_image, count_wait_image,
                                   irq_flag_image],
                         ids=["spin", "count-wait", "irq-flag"])
def test_idle_loop_found_and_slept_in(tmp_path, image):
    g = Guest(tmp_path, image())
    g.watch(1.0)          # found within a fraction of a second
    share = g.watch(2.0)
    log = g.stop()
    assert "idle loop found at 0x8000" in log, log
    assert share < 0.05, "idle guest used %.1f%% of a core" % (share * 100)
    assert re.search(r"[1-9]\d* idle sleeps", log), log


def thread_wakes(pid):
    """Voluntary context switches of every thread of pid, by thread id."""
    out = {}
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, t)) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        out[t] = int(line.split()[1])
        except OSError:
            pass
    return out


@pytest.mark.parametrize("platform,cards",
                         [("7200", []), ("7200", ["-p", "1:PA-4E"]),
                          ("7200", ["-p", "1:PA-4T+"]),
                          ("7200", ["-p", "1:PA-GE"]),
                          ("7200", ["-p", "1:PA-A1"]),
                          ("7200", ["-p", "1:PA-POS-OC3"]), ("2691", []),
                          ("3725", ["-p", "1:NM-16ESW"])],
                         ids=["io-fe", "io-fe+pa-4e", "io-fe+pa-4t",
                              "io-fe+pa-ge", "io-fe+pa-a1", "io-fe+pa-pos",
                              "c2691-gt96100", "c3725+nm-16esw"])
def test_only_the_cpu_thread_wakes_when_idle(tmp_path, platform, cards):
    """An idle router whose transmitters are off (DEC 21140 on the I/O card,
    four Am79C970A on a PA-4E, a Mueslix on a PA-4T+, an Intel 82543 on a
    PA-GE, a TI1570 on a PA-A1 with an empty schedule, a PA-POS-OC3 with no
    transmit ring, the GT-96100 Ethernet ports of a 2691 or 3725, a BCM5605
    on an NM-16ESW with nothing to send or age): the transmit scan sleeps,
    so apart from the CPU thread (woken by the guest's timers) the process
    wakes no more than a few times a second (it was 100/s)."""
    g = Guest(tmp_path, count_wait_image(), cards, platform)
    g.watch(1.5)
    a, t0 = thread_wakes(g.p.pid), time.monotonic()
    g.watch(2.0)
    b, t1 = thread_wakes(g.p.pid), time.monotonic()
    g.stop()
    rates = sorted((b[t] - a.get(t, 0)) / (t1 - t0) for t in b)
    assert rates[-1] > 50, rates       # the CPU thread: 100 ticks a second
    assert sum(rates[:-1]) < 10, rates  # every other thread


def test_timing_kept_while_sleeping(tmp_path):
    """The Count spin-wait sleeps until just before its deadline: a tick
    every 10 ms, a dot every 0.5 s, as without any sleeping."""
    g = Guest(tmp_path, count_wait_image(interval_ms=10, dots_every=50))
    g.watch(4.0)
    log = g.stop()
    assert "reads Count" in log
    gaps = [b - a for a, b in zip(g.dots, g.dots[1:])]
    gaps = [x for x in gaps if x > 0.1]  # the first ones come in a burst
    assert len(gaps) >= 3, g.dots
    mean = sum(gaps) / len(gaps)
    assert 0.49 < mean < 0.52, gaps


def test_off_with_no_auto_idle(tmp_path):
    g = Guest(tmp_path, spin_image(), ["--no-auto-idle"])
    g.watch(0.5)
    share = g.watch(1.0)
    log = g.stop()
    assert "idle loop found" not in log
    assert share > 0.3, "spinning guest used only %.0f%%" % (share * 100)


@pytest.mark.parametrize("engine", [[], ["-j"]], ids=["jit", "interp"])
def test_busy_guest_never_sleeps(tmp_path, engine):
    """A guest that is always working (a countdown loop, a pass over RAM)
    has no idle PC and never sleeps."""
    g = Guest(tmp_path, busy_image(), engine)
    g.watch(2.0)
    log = g.stop()
    assert "idle loop found" not in log, log
    assert re.search(r"no idle PC \(looking for one\); 0 idle sleeps", log), \
        log
    assert len(g.dots) > 3


def test_manual_idle_pc_wins(tmp_path):
    g = Guest(tmp_path, spin_image(), ["--idle-pc", "0x%x" % ENTRY])
    share = g.watch(1.5)
    log = g.stop()
    assert "idle loop found" not in log
    assert "idle PC 0x80008000 (set by hand)" in log
    assert share < 0.05


def test_hypervisor_show_and_switch(tmp_path):
    img = tmp_path / "cw.elf"
    img.write_bytes(count_wait_image())
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        c.ok("vm create R1 1 c7200")
        c.ok('vm set_ios R1 "%s"' % img)
        c.ok("vm set_ram R1 16")
        c.ok("vm set_ram_mmap R1 0")
        r = c.cmd("vm show_auto_idle R1 0")
        assert r.code == 212           # no CPU while halted
        c.ok("vm start R1")
        deadline = time.monotonic() + 5
        while "found" not in c.ok("vm show_auto_idle R1 0").info[0]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        line = c.ok("vm show_auto_idle R1 0").info[0]
        m = re.match(r"idle PC (0x[0-9a-f]{8}) \(found: (\d+) instructions "
                     r"per iteration, reads Count\)", line)
        assert m, line
        pc = int(m.group(1), 16)
        assert ENTRY <= pc < ENTRY + 0x100
        # before any measurement, show_idle_pc_prop shows what was found
        r = c.ok("vm show_idle_pc_prop R1 0")
        assert r.info[0].startswith(m.group(1) + " ["), r.info
        # switched off live: it gives the loop up and spins again
        c.ok("vm set_auto_idle R1 0")
        time.sleep(0.2)
        assert c.ok("vm show_auto_idle R1 0").info[0].startswith(
            "no idle PC (automatic detection off)")
        c.ok("vm set_auto_idle R1 1")
        c.ok("vm stop R1")
    finally:
        h.kill()


def test_get_idle_pc_prop_proposes_the_loop_first(tmp_path):
    """Calibration counts in the CPU thread and puts verified loops first:
    the Count wait loop's head, which is a PC the JIT dispatches to."""
    img = tmp_path / "cw.elf"
    img.write_bytes(count_wait_image())
    h = Hypervisor(tmp_path, ["--no-auto-idle"])
    try:
        c = h.client()
        c.ok("vm create R1 1 c7200")
        c.ok('vm set_ios R1 "%s"' % img)
        c.ok("vm set_ram R1 16")
        c.ok("vm set_ram_mmap R1 0")
        c.ok("vm start R1")
        r = c.ok("vm get_idle_pc_prop R1 0")
        assert 1 <= len(r.info) <= 10
        for line in r.info:
            assert re.match(r"^0x[0-9a-f]{8} \[\d+\]$", line), line
        best = int(r.info[0].split()[0], 16)
        assert ENTRY <= best < ENTRY + 0x100, r.info
        # the proposal works as a manual idle PC
        c.ok("vm set_idle_pc_online R1 0 0x%08x" % best)
        time.sleep(0.3)
        c0 = cpu_seconds(h.p.pid)
        time.sleep(1.0)
        assert cpu_seconds(h.p.pid) - c0 < 0.1
        c.ok("vm stop R1")
    finally:
        h.kill()
