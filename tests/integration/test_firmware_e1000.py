"""The firmware's Intel 82543 driver (guest/firmware/i82543.c) end to end:
two routers on a UDP link, real telnet consoles, ping across the cards that
carry the chip (PA-2FE-TX, PA-GE, C7200-IO-2FE, C7200-IO-GE-E)."""
import re

import pytest

from test_firmware import (emu_has_cards, need_image, ping,  # noqa: F401
                           routers, two_routers)


@pytest.fixture(autouse=True)
def need_cards():
    if not emu_has_cards():
        pytest.skip("this dynamips has no -p option")


def check_ping(r1, r2, a_if, b_if, hw="i82543"):
    rate, out = ping(r1, "10.0.0.2")
    # the first echo may be lost to ARP resolution
    assert re.search(r"\n[.!]!!!!\n", out), out
    rate, out = ping(r1, "10.0.0.2")
    assert "!!!!!" in out and rate == 100, out
    rate, out = ping(r2, "10.0.0.1 repeat 20")
    assert rate == 100, out
    out = r2.cmd("show arp")
    assert re.search(r"10\.0\.0\.1 +\d+ +\S+ +ARPA +" + re.escape(b_if),
                     out), out
    out = r1.cmd(f"show interfaces {a_if}")
    assert f"{a_if} is up, line protocol is up" in out, out
    assert f"Hardware is {hw}" in out, out


@pytest.mark.parametrize("port", [0, 1])
def test_ping_over_pa_2fe_tx(routers, tmp_path, port):
    a_if, b_if = f"FastEthernet1/{port}", f"FastEthernet2/{port}"
    r1, r2 = two_routers(routers, tmp_path,
                         (["-p", "1:PA-2FE-TX"], ["-p", "2:PA-2FE-TX"]),
                         (f"1:{port}", f"2:{port}"), a_if, b_if, [], [])
    check_ping(r1, r2, a_if, b_if)


def test_ping_over_pa_ge(routers, tmp_path):
    a_if = b_if = "GigabitEthernet1/0"
    r1, r2 = two_routers(routers, tmp_path,
                         (["-p", "1:PA-GE"], ["-p", "1:PA-GE"]),
                         ("1:0", "1:0"), a_if, b_if, [], [])
    check_ping(r1, r2, a_if, b_if)


def test_pa_2fe_tx_to_pa_ge(routers, tmp_path):
    r1, r2 = two_routers(routers, tmp_path,
                         (["-p", "3:PA-2FE-TX"], ["-p", "4:PA-GE"]),
                         ("3:1", "4:0"), "FastEthernet3/1",
                         "GigabitEthernet4/0", [], [])
    check_ping(r1, r2, "FastEthernet3/1", "GigabitEthernet4/0")


@pytest.mark.parametrize("port", [0, 1])
def test_ping_over_io_2fe(routers, tmp_path, port):
    """C7200-IO-2FE: Fa0/0 is PCI device 1, Fa0/1 device 0 (c7200.md §10)."""
    ifname = f"FastEthernet0/{port}"
    r1, r2 = two_routers(routers, tmp_path,
                         (["-p", "0:C7200-IO-2FE"], ["-p", "0:C7200-IO-2FE"]),
                         (f"0:{port}", f"0:{port}"), ifname, ifname, [], [])
    check_ping(r1, r2, ifname, ifname)


@pytest.mark.parametrize("port,ifname", [(0, "GigabitEthernet0/0"),
                                         (1, "Ethernet0/0")])
def test_ping_over_io_ge_e(routers, tmp_path, port, ifname):
    r1, r2 = two_routers(routers, tmp_path,
                         (["-p", "0:C7200-IO-GE-E"],
                          ["-p", "0:C7200-IO-GE-E"]),
                         (f"0:{port}", f"0:{port}"), ifname, ifname, [], [])
    check_ping(r1, r2, ifname, ifname)


def test_large_frames_and_ring_wrap(routers, tmp_path):
    """Full-size frames both ways, and enough of them that both rings
    (32 receive, 16 transmit slots) wrap several times."""
    r1, r2 = two_routers(routers, tmp_path,
                         (["-p", "1:PA-GE"], ["-p", "2:PA-2FE-TX"]),
                         ("1:0", "2:0"), "GigabitEthernet1/0",
                         "FastEthernet2/0", [], [])
    ping(r1, "10.0.0.2")
    rate, out = ping(r1, "10.0.0.2 size 1500 repeat 10")
    assert rate == 100, out
    rate, out = ping(r2, "10.0.0.1 repeat 100", timeout=60)
    assert rate == 100, out
    rate, out = ping(r2, "10.0.0.1 size 36 repeat 5")
    assert rate == 100, out


def test_shutdown_and_restart(routers, tmp_path):
    """shutdown stops the chip; no shutdown re-initialises the rings."""
    from test_firmware import wait_line_up
    ifname = "GigabitEthernet1/0"
    r1, r2 = two_routers(routers, tmp_path,
                         (["-p", "1:PA-GE"], ["-p", "1:PA-GE"]),
                         ("1:0", "1:0"), ifname, ifname, [], [])
    ping(r1, "10.0.0.2")
    for _ in range(2):
        r1.cmd("configure terminal")
        r1.cmd(f"interface {ifname}")
        r1.cmd("shutdown")
        r1.cmd("end")
        out = r1.cmd(f"show interfaces {ifname}")
        assert "administratively down" in out, out
        rate, out = ping(r2, "10.0.0.1 timeout 1")
        assert rate == 0, out
        r1.cmd("configure terminal")
        r1.cmd(f"interface {ifname}")
        r1.cmd("no shutdown")
        r1.cmd("end")
        wait_line_up(r1, ifname)
        ping(r2, "10.0.0.1")
        rate, out = ping(r2, "10.0.0.1")
        assert rate == 100, out
