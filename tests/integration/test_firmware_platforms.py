"""The router firmware on the 3600 family, 2691, 3725 and 3745: one image
that finds its platform like IOS (ROM platform service, I/O FPGA chassis
register), driven through the NS16552 console of each chassis.

Labs on a 3660 (Leopard-2FE FastEthernet, NM-4T serial) and on a 3725
(GT-96100 FastEthernet, WIC-2T serial through the GT's MPSC): routing
across three routers, a serial link, write memory and a restart that
reads NVRAM back (the 3600's NVRAM device, the 37xx's ROM flash), and
nvram_export reading the same file.
"""
import re
import subprocess

import pytest

from test_firmware import (NVRAM_EXPORT, ping, routers,  # noqa: F401
                           setup_router, udp_link, wait_line_up)

PLAT = {
    "3620": ("-P", "3600", "-t", "3620"),
    "3640": ("-P", "3600", "-t", "3640"),
    "3660": ("-P", "3600", "-t", "3660"),
    "2691": ("-P", "2691"),
    "3725": ("-P", "3725"),
    "3745": ("-P", "3745"),
}

# What each chassis shows with the cards given: (cards, interfaces).
INVENTORY = {
    "3620": (["-p", "0:NM-1E", "-p", "1:NM-4T"],
             ["Ethernet0/0", "Serial1/0", "Serial1/3"]),
    "3640": (["-p", "1:NM-1FE-TX", "-p", "3:NM-4E"],
             ["FastEthernet1/0", "Ethernet3/0", "Ethernet3/3"]),
    "3660": (["-p", "1:NM-4T", "-p", "6:NM-1FE-TX"],
             ["FastEthernet0/0", "FastEthernet0/1", "Serial1/0",
              "FastEthernet6/0"]),
    "2691": (["-p", "1:NM-4T", "-p", "0:16:WIC-1T", "-p", "0:32:WIC-2T"],
             ["FastEthernet0/0", "FastEthernet0/1", "Serial0/0",
              "Serial0/1", "Serial0/2", "Serial1/3"]),
    "3725": (["-p", "2:NM-1FE-TX", "-p", "0:16:WIC-2T"],
             ["FastEthernet0/0", "FastEthernet0/1", "Serial0/0",
              "Serial0/1", "FastEthernet2/0"]),
    "3745": (["-p", "4:NM-4T", "-p", "0:48:WIC-2T"],
             ["FastEthernet0/0", "FastEthernet0/1", "Serial0/0",
              "Serial0/1", "Serial4/3"]),
}


@pytest.mark.parametrize("model", list(PLAT))
def test_boots_and_finds_its_hardware(routers, model):
    cards, names = INVENTORY[model]
    r = routers(cards, platform=PLAT[model])
    boot = r.expect("Press RETURN to get started!")
    assert f"Cisco {model} (" in boot, boot
    r.send("\r")
    r.expect("Router>")
    out = r.cmd("show ip interface brief")
    for n in names:
        assert re.search(rf"\n{n} +unassigned +YES unset +administratively "
                         r"down +down", "\n" + out), (n, out)
    out = r.cmd("show version")
    assert f"(C{model}-OPENFW-M)" in out
    assert "Configuration register is 0x2142" in out  # blank NVRAM


def linked_pair(routers, tmp_path, ends, iface, net):
    """R1 and R2, each in its own directory (a, b); ends: per router its
    model, the card it gets and the NIO slot:port, the two ports joined
    by a UDP link. Interface iface comes up with address net.1 on R1 and
    net.2 on R2."""
    links = udp_link(ends[0][2], ends[1][2])
    rs = []
    for (model, card, _), link, d in zip(ends, links, "ab"):
        (tmp_path / d).mkdir()
        rs.append(routers(["-p", card, *link], cwd=tmp_path / d,
                          platform=PLAT[model]))
    for n, r in enumerate(rs, 1):
        setup_router(r, "R%d" % n, [f"interface {iface}",
                                    f"ip address {net}.{n} 255.255.255.0",
                                    "no shutdown"])
        wait_line_up(r, iface)
    return rs


# Per lab chassis: cards, the FastEthernet port and NIO slot:port, the
# serial interface and its slot:port, the file NVRAM lives in.
LABS = {
    "3660": dict(cards=["-p", "1:NM-4T"], fe="FastEthernet0/0", fe_nio="0:0",
                 se="Serial1/0", se_nio="1:0", nvram="c3600_i0_nvram",
                 hw_fe="AmdFE", hw_se="M4T"),
    "3725": dict(cards=["-p", "0:16:WIC-2T"], fe="FastEthernet0/0",
                 fe_nio="0:0", se="Serial0/1", se_nio="0:17",
                 nvram="c3725_i0_rom", hw_fe="Gt96k FE", hw_se="GT96K Serial"),
}


@pytest.mark.parametrize("model", list(LABS))
def test_lab_routing_serial_and_write_memory(routers, tmp_path, model):
    """R1 -FastEthernet- R2 -serial (HDLC)- R3, static routes; R1 pings R3
    through R2; R1's configuration survives write memory and a restart."""
    lab = LABS[model]
    eth_a, eth_b = udp_link(lab["fe_nio"], lab["fe_nio"])
    ser_a, ser_b = udp_link(lab["se_nio"], lab["se_nio"])
    for d in "abc":
        (tmp_path / d).mkdir()
    plat = PLAT[model]
    r1 = routers([*lab["cards"], *eth_a], cwd=tmp_path / "a", platform=plat)
    r2 = routers([*lab["cards"], *eth_b, *ser_a], cwd=tmp_path / "b",
                 platform=plat)
    r3 = routers([*lab["cards"], *ser_b], cwd=tmp_path / "c", platform=plat)
    fe, se = lab["fe"], lab["se"]
    r1_lines = [f"interface {fe}", "ip address 10.1.0.1 255.255.255.0",
                "no shutdown", "exit",
                "ip route 10.2.0.0 255.255.255.0 10.1.0.2"]
    setup_router(r1, "R1", r1_lines)
    setup_router(r2, "R2", [f"interface {fe}",
                            "ip address 10.1.0.2 255.255.255.0",
                            "no shutdown",
                            f"interface {se}",
                            "ip address 10.2.0.2 255.255.255.0",
                            "clock rate 64000",
                            "no shutdown"])
    setup_router(r3, "R3", [f"interface {se}",
                            "ip address 10.2.0.3 255.255.255.0",
                            "no shutdown", "exit",
                            "ip route 0.0.0.0 0.0.0.0 10.2.0.2"])
    for r, i in ((r1, fe), (r2, fe), (r2, se), (r3, se)):
        wait_line_up(r, i, timeout=40)  # HDLC: keepalives every 10 s
    out = r2.cmd("show ip route")
    assert f"C    10.1.0.0/24 is directly connected, {fe}" in out, out
    assert f"C    10.2.0.0/24 is directly connected, {se}" in out, out
    ping(r1, "10.1.0.2")  # ARP
    rate, out = ping(r1, "10.1.0.2")
    assert rate == 100, out
    rate, out = ping(r2, "10.2.0.3")
    assert rate == 100, out
    ping(r1, "10.2.0.3")
    rate, out = ping(r1, "10.2.0.3 repeat 10")
    assert rate == 100, out
    rate, out = ping(r3, "10.1.0.1")
    assert rate == 100, out
    out = r2.cmd(f"show interfaces {se}")
    assert f"{se} is up, line protocol is up" in out, out
    assert "Encapsulation HDLC" in out
    assert f"Hardware is {lab['hw_se']}" in out, out
    out = r2.cmd(f"show interfaces {fe}")
    assert f"Hardware is {lab['hw_fe']}, address is" in out, out

    # write memory, restart R1 in the same directory: NVRAM read back
    running = r1.cmd("show running-config")
    out = r1.cmd("write memory")
    assert "[OK]" in out
    startup = r1.cmd("show startup-config")
    assert r1.stop() == 0
    r1b = routers([*lab["cards"], *eth_a], cwd=tmp_path / "a",
                  platform=plat)
    r1b.expect("Press RETURN to get started!")
    r1b.send("\r")
    r1b.expect("R1>")
    r1b.cmd("enable")
    assert r1b.cmd("show running-config") == running
    out = r1b.cmd("show version")
    assert "Configuration register is 0x2102" in out
    wait_line_up(r1b, fe)
    ping(r1b, "10.2.0.3")
    rate, out = ping(r1b, "10.2.0.3")
    assert rate == 100, out
    assert r1b.stop() == 0

    # nvram_export finds the same startup-config in the platform's file
    nv = tmp_path / "a" / lab["nvram"]
    assert nv.exists()
    res = subprocess.run([str(NVRAM_EXPORT), str(nv), "-"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    body = startup.split("\n", 1)[1]
    assert res.stdout.rstrip("\n") == body.rstrip("\n")


def test_ping_over_wic1enet(routers, tmp_path):
    """A WIC-1ENET on a 3725 and one on a 2691: Ethernet0/0 (the WIC's
    MPSC channel carrying Ethernet frames), its MAC from the WIC's
    EEPROM."""
    r1, r2 = linked_pair(routers, tmp_path,
                         [("3725", "0:32:WIC-1ENET", "0:32"),
                          ("2691", "0:16:WIC-1ENET", "0:16")],
                         "Ethernet0/0", "10.7.0")
    out = r1.cmd("show version")
    assert "Slot 0 WIC 1: WIC-1ENET" in out, out
    ping(r1, "10.7.0.2")
    rate, out = ping(r1, "10.7.0.2")
    assert rate == 100, out
    rate, out = ping(r2, "10.7.0.1")
    assert rate == 100, out
    # the WIC's own MAC (EEPROM field 0xCF: prefix 0xC2, instance 0, the
    # emulator's pid, sub-slot port id 0x20)
    out = r2.cmd("show arp")
    pid = r1.p.pid & 0xFFFF
    mac = "c200.%04x.2000" % pid
    assert re.search(r"10\.7\.0\.1 +\d+ +%s +ARPA +Ethernet0/0" % mac,
                     out), (mac, out)


NVRAM_FILE = {"3620": "c3600_i0_nvram", "3640": "c3600_i0_nvram",
              "2691": "c2691_i0_rom", "3745": "c3745_i0_rom"}


@pytest.mark.parametrize("model", sorted(NVRAM_FILE))
def test_write_memory_restart_reload(routers, tmp_path, model):
    """NVRAM on the chassis the labs do not cover: the 3600 NVRAM device
    (3620, 3640), the ROM flash of the 2691 and of the 3745 (whose two
    copies are split around 0x20000, §8.3); then reload re-enters the ROM
    and the router comes back with the saved configuration."""
    r = routers(platform=PLAT[model])
    setup_router(r, "Saved", ["interface Loopback0",
                              "ip address 192.0.2.1 255.255.255.255",
                              "banner motd #kept across restarts#"])
    out = r.cmd("write memory")
    assert "[OK]" in out
    startup = r.cmd("show startup-config")
    assert "hostname Saved\n" in startup
    assert r.stop() == 0
    r2 = routers(platform=PLAT[model])
    r2.expect("Press RETURN to get started!")
    r2.send("\r")
    r2.expect("Saved>")
    r2.cmd("enable")
    out = r2.cmd("show ip interface brief")
    assert re.search(r"Loopback0 +192\.0\.2\.1 +YES NVRAM", out), out
    r2.send("reload\r")
    r2.expect("Proceed with reload? [confirm]")
    r2.send("\r")
    r2.expect("Press RETURN to get started!", timeout=20)
    r2.send("\r")
    r2.expect("Saved>")
    assert r2.stop() == 0
    res = subprocess.run([str(NVRAM_EXPORT), str(tmp_path / NVRAM_FILE[model]),
                          "-"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    body = startup.split("\n", 1)[1]
    assert res.stdout.rstrip("\n") == body.rstrip("\n")


def test_ping_through_nm16esw(routers, tmp_path):
    """NM-16ESW on a 3725 (slot 1) and on a 3660 (slot 2): their switch
    ports FastEthernet1/3 and 2/5 joined; the routers talk through
    interface Vlan1 (the switch's CPU port, 802.1Q tagged on the
    chip's side)."""
    r1, r2 = linked_pair(routers, tmp_path,
                         [("3725", "1:NM-16ESW", "1:3"),
                          ("3660", "2:NM-16ESW", "2:5")], "Vlan1", "10.9.0")
    out = r1.cmd("show ip interface brief")
    assert re.search(r"FastEthernet1/3 +unassigned +YES unset +up +up", out)
    assert re.search(r"FastEthernet1/4 +unassigned +YES unset +down +down",
                     out)
    ping(r1, "10.9.0.2")
    rate, out = ping(r1, "10.9.0.2 repeat 10")
    assert rate == 100, out
    rate, out = ping(r2, "10.9.0.1")
    assert rate == 100, out
    out = r1.cmd("show interfaces Vlan1")
    assert "Hardware is EtherSVI" in out
