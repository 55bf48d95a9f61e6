"""NIOs on host network objects: TAP, linux_eth (raw socket), gen_eth
(libpcap) and VDE (shared spec network.md §2.4-§2.7).

A Linux network namespace made by the test holds the host end; a VPCS
instance on a udp NIO of the same switch is the other end, and the
namespace pings it. Needs root (CAP_NET_ADMIN) and iproute2; each test is
skipped with the reason when that is not available.
"""

import os
import shutil
import subprocess
import time

import pytest

from netlab import (Testd, UdpPeer, Vpcs, free_udp_ports, need_tool,
                    write_cfg)


def sh(*args, check=True):
    r = subprocess.run(list(args), capture_output=True, text=True,
                       timeout=30)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), r.stderr))
    return r


def need_netadmin():
    need_tool("ip")
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces, TAP and raw sockets")


@pytest.fixture
def netns():
    """A fresh network namespace, removed afterwards (with what it holds)."""
    need_netadmin()
    name = "odnet%d" % os.getpid()
    r = sh("ip", "netns", "add", name, check=False)
    if r.returncode != 0:
        pytest.skip("cannot create a network namespace: %s" % r.stderr)
    sh("ip", "-n", name, "link", "set", "lo", "up")
    yield name
    sh("ip", "netns", "del", name, check=False)


def ns_ping(ns, addr, count=3):
    r = sh("ip", "netns", "exec", ns, "ping", "-c", str(count), "-i", "0.2",
           "-W", "2", addr, check=False)
    return r.returncode == 0, r.stdout + r.stderr


def test_tap_in_netns_pings_vpcs(tmp_path, netns, procs):
    need_tool("vpcs")
    tap = "odtap%d" % (os.getpid() % 100000)
    vl, vr = free_udp_ports(2)
    cfg = write_cfg(tmp_path / "sw.cfg",
                    "IF:t0:tap:%s\n" % tap +
                    "IF:u1:udp:%d:127.0.0.1:%d\n" % (vr, vl))
    try:
        t = Testd(["-E", cfg], tmp_path)
    except RuntimeError as e:
        pytest.skip("TAP NIO cannot be created here: %s" % e)
    procs.append(t)
    # The TAP keeps working after its interface moves to the namespace.
    sh("ip", "link", "set", tap, "netns", netns)
    sh("ip", "-n", netns, "addr", "add", "10.9.5.1/24", "dev", tap)
    sh("ip", "-n", netns, "link", "set", tap, "up")
    v = Vpcs(vl, vr, mac=7, cwd=tmp_path)
    procs.append(v)
    v.ip("10.9.5.2/24")
    ok, out = ns_ping(netns, "10.9.5.2")
    assert ok, out
    n, out = v.ping("10.9.5.1", count=2)
    assert n == 2, out
    st = t.stats("t0")
    assert st["pkts_in"] >= 3 and st["pkts_out"] >= 3


def veth_lab(tmp_path, netns, procs, kind):
    """veth pair: host end bound by a <kind> NIO on the switch, namespace
    end addressed; VPCS on a udp NIO of the same switch."""
    need_tool("vpcs")
    host_if = "odvh%d" % (os.getpid() % 100000)
    ns_if = "odvn%d" % (os.getpid() % 100000)
    sh("ip", "link", "add", host_if, "type", "veth", "peer", "name", ns_if)
    procs.append(type("Veth", (), {
        "close": lambda self: sh("ip", "link", "del", host_if,
                                 check=False)})())
    sh("ip", "link", "set", ns_if, "netns", netns)
    sh("ip", "link", "set", host_if, "up")
    sh("ip", "-n", netns, "link", "set", ns_if, "up")
    sh("ip", "-n", netns, "addr", "add", "10.9.6.1/24", "dev", ns_if)
    vl, vr = free_udp_ports(2)
    lines = ("IF:e0:%s:%s\n" % (kind, host_if) +
             "IF:u1:udp:%d:127.0.0.1:%d\n" % (vr, vl))
    cfg = write_cfg(tmp_path / "sw.cfg", lines)
    try:
        t = Testd(["-E", cfg], tmp_path)
    except RuntimeError as e:
        pytest.skip("%s NIO cannot be created here: %s" % (kind, e))
    procs.append(t)
    v = Vpcs(vl, vr, mac=8, cwd=tmp_path)
    procs.append(v)
    v.ip("10.9.6.2/24")
    return t, v


@pytest.mark.parametrize("kind", ["linux_eth", "gen_eth"])
def test_raw_interface_nio_pings_vpcs(tmp_path, netns, procs, kind):
    t, v = veth_lab(tmp_path, netns, procs, kind)
    ok, out = ns_ping(netns, "10.9.6.2")
    assert ok, out


INJECT = """
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(bytes.fromhex(sys.argv[2]))
"""


@pytest.mark.parametrize("kind", ["linux_eth", "gen_eth"])
def test_raw_interface_nio_keeps_vlan_tags(tmp_path, netns, procs, kind):
    """A frame tagged VID 100 enters the veth in the namespace; the kernel
    moves the tag into packet metadata on receive (spec §2.6 [obs]). Both
    NIOs hand it to the switch tagged, so a dot1q port delivers it to the
    access port of VLAN 100 (the reference's linux_eth lost the tag)."""
    need_tool("python3")
    host_if = "odvh%d" % (os.getpid() % 100000)
    ns_if = "odvn%d" % (os.getpid() % 100000)
    sh("ip", "link", "add", host_if, "type", "veth", "peer", "name", ns_if)
    procs.append(type("Veth", (), {
        "close": lambda self: sh("ip", "link", "del", host_if,
                                 check=False)})())
    sh("ip", "link", "set", ns_if, "netns", netns)
    sh("ip", "link", "set", host_if, "up")
    sh("ip", "-n", netns, "link", "set", ns_if, "up")
    p1l, p1r, p2l, p2r = free_udp_ports(4)
    cfg = write_cfg(tmp_path / "sw.cfg",
                    "IF:e0:%s:%s\n" % (kind, host_if) +
                    "IF:v100:udp:%d:127.0.0.1:%d\n" % (p1r, p1l) +
                    "IF:v1:udp:%d:127.0.0.1:%d\n" % (p2r, p2l) +
                    "DOT1Q:e0:1\nACCESS:v100:100\nACCESS:v1:1\n")
    try:
        t = Testd(["-E", cfg], tmp_path)
    except RuntimeError as e:
        pytest.skip("%s NIO cannot be created here: %s" % (kind, e))
    procs.append(t)
    in100, in1 = UdpPeer(p1l, p1r), UdpPeer(p2l, p2r)
    procs += [in100, in1]
    inner = bytes.fromhex("0800") + bytes(range(46))
    frame = b"\xff" * 6 + bytes.fromhex("020000000033") + \
        bytes.fromhex("81000064") + inner
    sh("ip", "netns", "exec", netns, "/usr/bin/python3", "-c", INJECT,
       ns_if, frame.hex())
    time.sleep(0.5)
    mine = [f for f in in100.recv_all() if f[6:12] == frame[6:12]]
    assert mine == [b"\xff" * 6 + bytes.fromhex("020000000033") + inner]
    # Not in the native VLAN (the host's own IPv6 chatter may be there).
    assert not [f for f in in1.recv_all() if f[6:12] == frame[6:12]]
    _, lines, _ = t.cmd("show_mac sw")
    assert "0200.0000.0033  100  e0" in lines


def test_vde_switch_ports(tmp_path, procs):
    """Two VDE NIOs on one vde_switch (the control handshake of §2.4), each
    in a hub with a udp NIO: a frame crosses udp -> VDE -> udp."""
    need_tool("vde_switch")
    d = tmp_path / "vde"
    sw = subprocess.Popen(["vde_switch", "-s", str(d)], stdin=subprocess.PIPE,
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    procs.append(type("VdeSwitch", (), {"close": lambda self: (
        sw.terminate(), sw.wait(5), sw.stdin.close())})())
    for _ in range(50):
        if (d / "ctl").exists():
            break
        time.sleep(0.1)
    p1l, p1r, p2l, p2r = free_udp_ports(4)
    h1 = write_cfg(tmp_path / "h1.cfg",
                   "u1:udp:%d:127.0.0.1:%d\n" % (p1r, p1l) +
                   "v1:vde:%s:%s\n" % (d / "ctl", tmp_path / "l1"))
    h2 = write_cfg(tmp_path / "h2.cfg",
                   "u2:udp:%d:127.0.0.1:%d\n" % (p2r, p2l) +
                   "v2:vde:%s:%s\n" % (d / "ctl", tmp_path / "l2"))
    t = Testd(["-b", h1, "-b", h2], tmp_path)
    procs.append(t)
    a, b = UdpPeer(p1l, p1r), UdpPeer(p2l, p2r)
    procs += [a, b]
    frame = b"\xff" * 6 + bytes.fromhex("020000000011") + b"\x08\x00" + \
        bytes(range(50))
    a.send(frame)
    assert b.recv(2.0) == frame
    assert t.stats("v2")["pkts_in"] == 1
    t.stop()
    # The local sockets are removed when the NIOs go.
    assert not (tmp_path / "l1").exists()
