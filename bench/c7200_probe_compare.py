#!/usr/bin/env python3
"""Run the c7200 hardware probes (guest/images/c7200) on this project's
dynamips and on another dynamips binary (the reference), case by case, and
report which console outputs are identical byte for byte, and which equal
the output the spec predicts (tests/integration/test_c7200_probes.py).

The reference is driven through its hypervisor (its command line cannot
choose the midplane: its -M is the ATM bridge): one hypervisor per case in
its own directory, the router's console on a TCP port, then the hypervisor
is killed (the reference takes seconds to stop a router whose guest halted
itself). This project's dynamips runs the same router from its command
line (--midplane), console on stdout: its TCP console closes as soon as the
guest stops the router, which a client connecting after a 30 ms probe can
miss. Either way the probe's section is cut from `=== BEGIN` to `=== END`
with carriage returns (the console's line endings) and telnet negotiation
dropped, and compared byte for byte.

    python3 bench/c7200_probe_compare.py --reference PATH [--only REGEX]
        [--ours PATH] [--diff]

c7_pci runs for every case of test_c7200_probes.CASES (NPE x midplane x
card layout); c7_pos echoes three HDLC frames through a PA-POS-OC3 bound
to a UDP NIO and also compares the echoed frames. Exit status 0 when every
case matches, 1 otherwise, 2 on a usage error.
"""
import argparse
import difflib
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBES = ROOT / "guest" / "images" / "c7200"
TIMEOUT = 20


def load_cases():
    path = ROOT / "tests" / "integration" / "test_c7200_probes.py"
    spec = importlib.util.spec_from_file_location("c7probes", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["c7probes"] = mod
    spec.loader.exec_module(mod)
    return mod


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hypervisor:
    def __init__(self, exe, cwd):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [exe, "-H", "127.0.0.1:%d" % self.port], cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1",
                                                      self.port), 2)
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("%s: no hypervisor" % exe)
                time.sleep(0.05)
        self.f = self.sock.makefile("rwb")

    def cmd(self, line):
        self.f.write(line.encode() + b"\n")
        self.f.flush()
        while True:
            ln = self.f.readline().decode(errors="replace").rstrip("\r\n")
            if not ln:
                raise RuntimeError("hypervisor closed on: %s" % line)
            if re.match(r"^\d{3}-", ln):
                if not ln.startswith("100-"):
                    raise RuntimeError("%s -> %s" % (line, ln))
                return

    def kill(self):
        self.proc.kill()
        self.proc.wait()
        self.sock.close()


def section(data, name):
    # telnet negotiation (RFC 854: IAC WILL/WONT/DO/DONT x, IAC SB ... SE)
    data = re.sub(rb"\xff\xfa.*?\xff\xf0|\xff[\xfb-\xfe].", b"", data,
                  flags=re.S)
    text = data.decode("latin-1").replace("\r", "")
    m = re.search(r"^=== BEGIN %s$.*?^=== END$" % name, text, re.M | re.S)
    return m.group(0) + "\n" if m else None


def read_console(port, name, deadline, during=None):
    con = socket.create_connection(("127.0.0.1", port), 5)
    con.settimeout(0.2)
    data = b""
    try:
        while b"=== END" not in data:
            if time.time() > deadline:
                break
            if during:
                during()
            try:
                d = con.recv(65536)
            except socket.timeout:
                continue
            if not d:
                break
            data += d
        # the line after END
        end = time.time() + 0.3
        while time.time() < end and not data.rstrip(b"\r").endswith(b"\n"):
            try:
                data += con.recv(65536)
            except socket.timeout:
                pass
    finally:
        con.close()
    return section(data, name)


def run_case(exe, image, npe, midplane, bay_cards, setup=None, during=None):
    """One router on a fresh hypervisor; returns the probe's section."""
    tmp = tempfile.mkdtemp(prefix="c7cmp.")
    hv = Hypervisor(exe, tmp)
    try:
        con = free_port()
        hv.cmd("vm create R1 1 c7200")
        hv.cmd('vm set_ios R1 "%s"' % image)
        hv.cmd("vm set_ram R1 64")
        hv.cmd("c7200 set_npe R1 %s" % npe)
        hv.cmd("c7200 set_midplane R1 %s" % midplane)
        for bay, card in bay_cards:
            hv.cmd("vm slot_add_binding R1 %d 0 %s" % (bay, card))
        if setup:
            setup(hv)
        hv.cmd("vm set_con_tcp_port R1 %d" % con)
        hv.cmd("vm start R1")
        return read_console(con, Path(image).stem, time.time() + TIMEOUT,
                            during)
    finally:
        hv.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def cli_case(exe, mod, case):
    """This project's dynamips: the test's own command line."""
    tmp = tempfile.mkdtemp(prefix="c7cmp.")
    try:
        p = subprocess.run([exe] + mod.probe_args(*case) +
                           [str(PROBES / "c7_pci.elf")], cwd=tmp,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=TIMEOUT)
        return section(p.stdout, "c7_pci")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def pci_case(exe, mod, case):
    npe, midplane, layout = case
    cards = [(0, mod.bay0_card(npe, layout))]
    cards += [(b, c) for b, c in enumerate(mod.LAYOUTS[layout], start=1)
              if c]
    for _ in range(2):  # a console that missed the start gets one retry
        out = run_case(exe, str(PROBES / "c7_pci.elf"), npe, midplane,
                       cards)
        if out is not None:
            return out
    return None


def pos_cli_case(exe, mod):
    """c7_pos on this project's dynamips from its command line."""
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(0.1)
    nio_port = free_port(socket.SOCK_DGRAM)
    tmp = tempfile.mkdtemp(prefix="c7cmp.")
    proc = subprocess.Popen(
        [exe, "-P", "7200", "-X", "-r", "64", "-p", "1:PA-POS-OC3", "-s",
         "1:0:udp:%d:127.0.0.1:%d" % (nio_port, peer.getsockname()[1]),
         str(PROBES / "c7_pos.elf")], cwd=tmp, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        echoes = mod.echo_through(peer, nio_port, mod.HDLC_FRAMES,
                                  time.time() + TIMEOUT, resend=True)
        out, _ = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        peer.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return section(out, "c7_pos"), echoes == list(mod.HDLC_FRAMES)


def pos_case(exe, mod):
    """c7_pos with the POS in bay 1, frames echoed through a UDP peer."""
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(0.05)
    nio_port = free_port(socket.SOCK_DGRAM)
    frames = list(mod.HDLC_FRAMES)
    echoes = []
    state = {"next": 0}

    def setup(hv):
        hv.cmd("nio create_udp pos1 %d 127.0.0.1 %d"
               % (nio_port, peer.getsockname()[1]))
        hv.cmd("vm slot_add_nio_binding R1 1 0 pos1")

    def during():
        if state["next"] >= len(frames):
            return
        peer.sendto(frames[state["next"]], ("127.0.0.1", nio_port))
        try:
            echoes.append(peer.recv(4096))
            state["next"] += 1
        except socket.timeout:
            pass

    try:
        out = run_case(exe, str(PROBES / "c7_pos.elf"), "npe-400", "vxr",
                       [(1, "PA-POS-OC3")], setup, during)
    finally:
        peer.close()
    return out, echoes == frames


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", required=True, metavar="PATH")
    ap.add_argument("--ours", default=str(ROOT / "build" / "dynamips"),
                    metavar="PATH")
    ap.add_argument("--only", metavar="REGEX", help="cases to run")
    ap.add_argument("--diff", action="store_true",
                    help="show a diff for each case that differs")
    args = ap.parse_args()
    for exe in (args.reference, args.ours):
        if not os.access(exe, os.X_OK):
            print("%s: not an executable" % exe, file=sys.stderr)
            return 2
    mod = load_cases()
    only = re.compile(args.only) if args.only else None
    results = []  # (name, same, ours == spec, ref == spec)

    for case in mod.CASES:
        name = "c7_pci-" + mod.case_id(case)
        if only and not only.search(name):
            continue
        ours = cli_case(args.ours, mod, case)
        ref = pci_case(args.reference, mod, case)
        want = mod.expected_pci(*case)
        results.append((name, ours is not None and ours == ref,
                        ours == want, ref == want))
        if args.diff and ours != ref:
            sys.stdout.writelines(difflib.unified_diff(
                (ours or "").splitlines(True), (ref or "").splitlines(True),
                "ours/" + name, "reference/" + name))
    if not only or only.search("c7_pos"):
        ours, ours_echo = pos_cli_case(args.ours, mod)
        ref, ref_echo = pos_case(args.reference, mod)
        want = mod.expected_pos()
        results.append(("c7_pos-npe-400-vxr-bay1 (echo ours %s, reference "
                        "%s)" % ("ok" if ours_echo else "FAILED",
                                 "ok" if ref_echo else "FAILED"),
                        ours is not None and ours == ref and ours_echo
                        and ref_echo, ours == want, ref == want))
        if args.diff and ours != ref:
            sys.stdout.writelines(difflib.unified_diff(
                (ours or "").splitlines(True), (ref or "").splitlines(True),
                "ours/c7_pos", "reference/c7_pos"))

    same = sum(1 for r in results if r[1])
    for name, eq, ours_spec, ref_spec in results:
        print("%-44s %-9s ours%s spec, reference%s spec"
              % (name, "identical" if eq else "DIFFER",
                 " =" if ours_spec else " !=", " =" if ref_spec else " !="))
    print("identical byte for byte: %d of %d (ratio %.2f)"
          % (same, len(results), same / len(results) if results else 0))
    return 0 if same == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
