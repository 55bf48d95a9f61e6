"""Snapshots through the hypervisor (vm save_state / vm load_state): a
booted firmware router, configured on its console, is saved, stopped and
restored, and goes on where it was: same prompt, same configuration, its
console port open again, no boot."""
import re
import socket
import struct
import time

import pytest

from idle_guests import count_wait_image
from netlab import UdpPeer
from test_firmware import (IMAGE, PROMPT, Router, free_udp_ports, ping,
                           setup_router, strip_telnet, wait_line_up)
from test_hypervisor import DYNAMIPS, TIMEOUT, Hypervisor, free_port


class Console:
    """A telnet client on a router's console port."""

    def __init__(self, port):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), 1)
                break
            except OSError:
                assert time.monotonic() < deadline, "console never opened"
                time.sleep(0.02)
        self.s.settimeout(0.05)
        self.buf = b""
        self.tstate = []

    def expect(self, want, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            text = self.buf.decode("latin-1")
            m = want.search(text) if not isinstance(want, str) else None
            i = text.find(want) if isinstance(want, str) else -1
            end = m.end() if m else (i + len(want) if i >= 0 else -1)
            if end >= 0:
                self.buf = self.buf[end:]
                return text[:end]
            assert time.monotonic() < deadline, \
                "no %r in %r" % (want, text[-600:])
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                continue
            assert d, "console closed"
            self.buf += strip_telnet(d, self.tstate)

    def send(self, text):
        self.s.sendall(text.encode("latin-1"))

    def close(self):
        self.s.close()


def firmware_vm(c, name, port, iid):
    c.ok('vm create "%s" %d c7200' % (name, iid))
    c.ok('vm set_ios "%s" "%s"' % (name, IMAGE))
    c.ok('vm set_ram "%s" 64' % name)
    c.ok('vm set_con_tcp_port "%s" %d' % (name, port))


@pytest.fixture
def hv(tmp_path):
    if not DYNAMIPS.exists():
        pytest.fail("%s is missing (make)" % DYNAMIPS)
    h = Hypervisor(tmp_path)
    yield h
    h.kill()


def test_firmware_router_restored_where_it_was(hv, tmp_path):
    c = hv.client()
    port = free_port()
    firmware_vm(c, "R1", port, 1)
    c.ok("vm start R1")
    con = Console(port)
    con.expect("Press RETURN to get started!")
    con.send("\r")
    con.expect(PROMPT)
    for line in ["enable", "configure terminal", "hostname SNAP1", "end"]:
        con.send(line + "\r")
        con.expect(PROMPT)
    con.send("\r")
    con.expect("SNAP1#")
    con.close()

    snap = tmp_path / "r1.snap"
    assert c.ok('vm save_state R1 "%s"' % snap).text == \
        "VM 'R1' state saved"
    assert c.ok("vm get_status R1").text == "2"   # still running
    c.ok("vm stop R1")
    assert c.ok("vm get_status R1").text == "0"

    t0 = time.monotonic()
    assert c.ok('vm load_state R1 "%s"' % snap).text == "VM 'R1' restored"
    restore_s = time.monotonic() - t0
    assert c.ok("vm get_status R1").text == "2"
    con = Console(port)
    con.send("\r")
    text = con.expect("SNAP1#")
    assert "Press RETURN" not in text     # no boot: it went on
    con.send("show running-config\r")
    assert "hostname SNAP1" in con.expect("SNAP1#")
    con.close()
    assert restore_s < 2.0, "restore took %.2f s" % restore_s

    # The same snapshot into another VM (its own console port and files)
    port2 = free_port()
    firmware_vm(c, "R2", port2, 2)
    c.ok('vm load_state R2 "%s"' % snap)
    con2 = Console(port2)
    con2.send("\r")
    con2.expect("SNAP1#")
    con2.close()
    c.ok("vm stop R1")
    c.ok("vm stop R2")


def test_snapshot_of_suspended_vm_and_errors(hv, tmp_path):
    c = hv.client()
    img = tmp_path / "cw.elf"
    img.write_bytes(count_wait_image())
    c.ok('vm create R1 1 c7200')
    c.ok('vm set_ios R1 "%s"' % img)
    c.ok('vm set_ram R1 16')
    c.ok('vm set_ram_mmap R1 0')
    snap = tmp_path / "s.snap"
    # not running
    r = c.cmd('vm save_state R1 "%s"' % snap)
    assert r.code == 206 and "not running" in r.text, r.lines
    c.ok("vm start R1")
    time.sleep(0.3)
    c.ok("vm suspend R1")
    c.ok('vm save_state R1 "%s"' % snap)
    assert c.ok("vm get_status R1").text == "3"   # left suspended
    data = snap.read_bytes()
    assert data[:8] == b"ODSNAP\0\1"
    # only the touched pages: a 16 MB guest that uses a few KB
    assert len(data) < 256 * 1024, len(data)
    # a snapshot of another size does not go into this VM
    c.ok('vm create R3 3 c7200')
    c.ok('vm set_ios R3 "%s"' % img)
    c.ok('vm set_ram R3 32')
    r = c.cmd('vm load_state R3 "%s"' % snap)
    assert r.code == 209 and "MB" in r.text, r.lines
    assert c.ok("vm get_status R3").text == "0"
    # not a snapshot
    junk = tmp_path / "junk"
    junk.write_bytes(b"hello")
    r = c.cmd('vm load_state R1 "%s"' % junk)
    assert r.code == 209, r.lines
    # a good one goes on running
    c.ok('vm load_state R1 "%s"' % snap)
    assert c.ok("vm get_status R1").text == "2"
    pc0 = c.ok("vm_debug show_cpu_regs R1 0")
    assert pc0.code == 100
    c.ok("vm stop R1")


@pytest.mark.parametrize("npe", ["npe-100", "npe-200", "npe-300"])
def test_other_npes(hv, tmp_path, npe):
    """Packet SRAM (NPE-100/150/200) and fixed I/O memory (NPE-300) are
    saved and restored with DRAM."""
    c = hv.client()
    img = tmp_path / "cw.elf"
    img.write_bytes(count_wait_image())
    c.ok("vm create R1 1 c7200")
    c.ok('c7200 set_npe R1 %s' % npe)
    c.ok('vm set_ios R1 "%s"' % img)
    c.ok("vm set_ram R1 32")
    c.ok("vm set_ram_mmap R1 0")
    c.ok("vm start R1")
    time.sleep(0.2)
    snap = tmp_path / "s.snap"
    c.ok('vm save_state R1 "%s"' % snap)
    c.ok("vm stop R1")
    c.ok('vm load_state R1 "%s"' % snap)
    assert c.ok("vm get_status R1").text == "2"
    c.ok("vm stop R1")
    log = (tmp_path / "c7200_R1_log.txt").read_text()
    assert "state loaded" in log


def attach(port):
    """test_firmware's Router helpers on a hypervisor VM's console."""
    r = Router.__new__(Router)
    r.s = Console(port).s
    r.buf = b""
    r.tstate = []
    return r


def test_restored_router_pings_through_its_nio(hv, tmp_path):
    """The DEC21140's rings and registers, its PCI BAR and the UDP NIO
    binding come back: a router restored from a snapshot pings its
    neighbour at once (ARP cache included)."""
    c = hv.client()
    ua, ub = free_udp_ports(2)
    c.ok("nio create_udp nio-a %d 127.0.0.1 %d" % (ua, ub))
    c.ok("nio create_udp nio-b %d 127.0.0.1 %d" % (ub, ua))
    ports = {}
    for i, (name, nio) in enumerate([("R1", "nio-a"), ("R2", "nio-b")]):
        ports[name] = free_port()
        firmware_vm(c, name, ports[name], i + 1)
        c.ok("vm slot_add_binding %s 0 0 C7200-IO-FE" % name)
        c.ok("vm slot_add_nio_binding %s 0 0 %s" % (name, nio))
        c.ok("vm start %s" % name)
    r1, r2 = attach(ports["R1"]), attach(ports["R2"])
    for r, name, ip in [(r1, "R1", "10.0.0.1"), (r2, "R2", "10.0.0.2")]:
        setup_router(r, name, ["interface FastEthernet0/0",
                               "ip address %s 255.255.255.0" % ip,
                               "no shutdown"])
    wait_line_up(r1, "FastEthernet0/0")
    wait_line_up(r2, "FastEthernet0/0")
    ping(r1, "10.0.0.2")
    rate, out = ping(r1, "10.0.0.2")
    assert rate == 100, out
    r1.s.close()

    snap = tmp_path / "r1.snap"
    c.ok('vm save_state R1 "%s"' % snap)
    c.ok("vm stop R1")
    rate, out = ping(r2, "10.0.0.1 timeout 1")
    assert rate == 0, out                       # R1 is really gone
    c.ok('vm load_state R1 "%s"' % snap)
    r1 = attach(ports["R1"])
    r1.send("\r")
    r1.expect("R1#")
    rate, out = ping(r1, "10.0.0.2")
    assert rate == 100, out
    rate, out = ping(r2, "10.0.0.1")
    assert rate == 100, out
    r1.s.close()
    r2.s.close()
    c.ok("vm stop R1")
    c.ok("vm stop R2")



def test_plx_window_size_restored(hv, tmp_path, procs):
    """A window whose size a device register sets comes back with that
    size: c7_pos widens the PA-POS-OC3's CS local space from 1 MB to 4 MB
    through the PLX 9060 range register (devices.md §3.9), then for each
    frame reads the status register 3 MB into it 20 times, which releases
    the card's interrupt (§3.8). Saved while it waits for the first
    frame, restored, it echoes the frames with the interrupt released,
    exactly as an uninterrupted run does."""
    from test_c7200_probes import HDLC_FRAMES, expected_pos
    probe = DYNAMIPS.parent.parent / "guest" / "images" / "c7200" / \
        "c7_pos.elf"
    c = hv.client()
    con = free_port()
    peer = UdpPeer(0, free_udp_ports(1)[0])
    procs.append(peer)
    c.ok("vm create R1 1 c7200")
    c.ok('vm set_ios R1 "%s"' % probe)
    c.ok("vm set_ram R1 64")
    c.ok("vm set_ram_mmap R1 0")
    c.ok("vm set_con_tcp_port R1 %d" % con)
    c.ok("vm slot_add_binding R1 1 0 PA-POS-OC3")
    c.ok("nio create_udp pos %d 127.0.0.1 %d" % (peer.nio_port, peer.port))
    c.ok("vm slot_add_nio_binding R1 1 0 pos")
    c.ok("vm start R1")
    t = Console(con)
    t.expect("started\n")
    snap = tmp_path / "pos.snap"
    c.ok('vm save_state R1 "%s"' % snap)
    c.ok("vm stop R1")
    t.close()
    c.ok('vm load_state R1 "%s"' % snap)
    assert c.ok("vm get_status R1").text == "2"
    t = Console(con)
    echoes = peer.echo(HDLC_FRAMES, time.time() + TIMEOUT)
    assert len(echoes) == len(HDLC_FRAMES)
    out = t.expect("=== END").replace("\r", "")
    want = expected_pos()
    tail = want[want.index("started\n") + len("started\n"):]
    assert out.endswith(tail.rstrip("\n")[:-len("=== END")] + "=== END"), out
    c.ok("vm stop R1")
