"""Pipelined requests on one hypervisor connection (hypervisor.md §1-3):
the replies of a burst go out together, byte for byte what one-by-one
requests get, in order; a reply is not held back behind a slow command;
a client that never reads its replies does not keep `hypervisor stop`
from ending the process.

Run: /usr/bin/python3 -m pytest tests/integration/test_hypervisor_pipeline.py
"""

import socket
import time

from test_hypervisor import (TIMEOUT, Client, Hypervisor, echo_image,  # noqa: F401
                             new_vm)


def requests(n):
    lines = []
    for i in range(n):
        lines += ["vm create P%d %d c7200" % (i, 100 + i),
                  "vm set_ram P%d 128" % i,
                  "vm get_status P%d" % i,
                  "vm set_ram P%d x y" % i,      # 202: argument count
                  "nomodule x",                  # 201
                  "vm delete P%d" % i]
    return lines


def read_replies(sock, n):
    """n complete replies (up to a ddd- line each), as raw bytes."""
    data, count, start = b"", 0, 0
    sock.settimeout(TIMEOUT)
    while count < n:
        i = data.find(b"\r\n", start)
        if i < 0:
            chunk = sock.recv(65536)
            assert chunk, "closed after %d replies" % count
            data += chunk
            continue
        if data[start + 3:start + 4] == b"-":
            count += 1
        start = i + 2
    assert start == len(data), data[start:]
    return data


def test_burst_replies_equal_one_by_one(tmp_path):
    h = Hypervisor(tmp_path)
    try:
        lines = requests(200)
        one = h.client()
        want = b""
        for line in lines:
            one.send(line + "\n")
            want += read_replies(one.sock, 1)
        burst = h.client()
        burst.send("".join(l + "\n" for l in lines))
        got = read_replies(burst.sock, len(lines))
        assert got == want
        assert want.count(b"100-VM 'P199' created\r\n") == 1
        assert h.stop() == 0
    finally:
        h.kill()


def test_reply_not_held_behind_a_slow_command(tmp_path, echo_image):
    h = Hypervisor(tmp_path)
    try:
        c = h.client()
        new_vm(c, "R1", echo_image)
        c.ok("vm start R1")
        t = time.monotonic()
        # get_idle_pc_prop samples for about 10 s (§8.7)
        c.send("hypervisor version\nvm get_idle_pc_prop R1 0\n")
        r = c.reply()
        assert r.code == 100
        assert time.monotonic() - t < 2, "version reply held back"
        c.sock.settimeout(TIMEOUT + 10)
        assert c.reply().code == 100
        c.ok("vm stop R1")
        assert h.stop() == 0
    finally:
        h.kill()


def test_stop_with_a_client_that_does_not_read(tmp_path):
    h = Hypervisor(tmp_path)
    try:
        lazy = socket.create_connection(("127.0.0.1", h.port), TIMEOUT)
        lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        # Replies pile up unread until the server cannot send any more.
        lazy.settimeout(5)
        try:
            for _ in range(200):
                lazy.sendall(b"hypervisor module_list\n" * 500)
        except (socket.timeout, OSError):
            pass
        t = time.monotonic()
        assert h.stop() == 0
        assert time.monotonic() - t < 10
        lazy.close()
    finally:
        h.kill()


def test_many_clients_pipelining_at_once(tmp_path):
    h = Hypervisor(tmp_path)
    try:
        clients = [Client(h.port) for _ in range(8)]
        for k, c in enumerate(clients):
            c.send("".join("vm create C%d_%d %d c7200\nvm delete C%d_%d\n"
                           % (k, i, 1000 * k + i, k, i) for i in range(50)))
        for k, c in enumerate(clients):
            data = read_replies(c.sock, 100).decode()
            lines = data.split("\r\n")[:-1]
            assert lines[0] == "100-VM 'C%d_0' created" % k
            assert all(l.startswith("100-") for l in lines), lines
            c.close()
        assert not list(tmp_path.glob("*_lock"))
        assert h.stop() == 0
    finally:
        h.kill()
