"""--idle-pc: a guest spinning at its idle PC stops burning a host core."""
import os
import signal
import subprocess
import time
from pathlib import Path

from elfgen import NOP, beq, elf, seg

ROOT = Path(__file__).resolve().parents[2]
EMU = ROOT / "build" / "dynamips"
ENTRY = 0x80008000


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def spin_cpu_share(tmp_path, extra):
    img = tmp_path / "idle.elf"
    img.write_bytes(elf(ENTRY, [seg(ENTRY, [beq(0, 0, -1), NOP])]))
    p = subprocess.Popen([str(EMU), "-P", "7200", "-X", "-r", "16", *extra,
                          str(img)], cwd=tmp_path, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        c0, t0 = cpu_seconds(p.pid), time.monotonic()
        time.sleep(2.0)
        c1, t1 = cpu_seconds(p.pid), time.monotonic()
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
    assert p.returncode == 0
    return (c1 - c0) / (t1 - t0)


def test_idle_pc_sleeps_in_idle_loop(tmp_path):
    busy = spin_cpu_share(tmp_path, ["--no-auto-idle"])
    idle = spin_cpu_share(tmp_path, ["--no-auto-idle", "--idle-pc",
                                     "0x80008000"])
    # A spinning guest takes all the CPU it is given: on a host shared
    # with other jobs (2 cores) that may be well under a whole core.
    assert busy > 0.25, f"spinning guest used only {busy:.0%} of a core"
    assert idle < 0.15, f"idle-PC guest still used {idle:.0%} of a core"
    assert idle < busy / 4, f"idle-PC {idle:.0%} vs spinning {busy:.0%}"
