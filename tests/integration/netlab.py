"""Helpers for the network integration tests (test_net_*.py).

Testd runs build/net_testd (stand-alone switches from the reference's
configuration files) and talks to it on stdin/stdout. Vpcs runs a VPCS
instance (Debian's vpcs) on a pseudo-terminal, as it refuses to run without
one. UdpPeer is a scripted end of a UDP NIO. Every process started here is
ended by its own id (or its own process group) when the test is done.
"""

import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NET_TESTD = Path(os.environ.get("NET_TESTD", ROOT / "build" / "net_testd"))


def need_testd():
    if not NET_TESTD.is_file():
        pytest.fail("%s not built (run `make build/net_testd`)" % NET_TESTD)


def need_tool(name):
    if not shutil.which(name):
        pytest.skip("%s not installed (Debian package, see "
                    "tests/deps-packages.txt)" % name)


def free_udp_ports(n):
    """n distinct UDP ports that are free on 127.0.0.1 right now."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def free_tcp_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Testd:
    __test__ = False  # not a pytest class

    """net_testd with the given config files: {'-E': path, ...} list;
    env: variables added to the environment."""

    def __init__(self, args, cwd, env=None):
        need_testd()
        self.proc = subprocess.Popen(
            [str(NET_TESTD)] + [str(a) for a in args], cwd=str(cwd),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, bufsize=1,
            env=dict(os.environ, **(env or {})))
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            err = self.proc.stderr.read()
            self.proc.wait(5)
            raise RuntimeError("net_testd did not start: %r %s" % (line, err))

    def cmd(self, line):
        """Send one command; return (code, [info lines], final text)."""
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        info = []
        while True:
            out = self.proc.stdout.readline()
            if not out:
                raise RuntimeError("net_testd exited")
            out = out.rstrip("\n")
            if len(out) > 3 and out[3] == "-":
                return int(out[:3]), info, out[4:]
            info.append(out[4:])

    def stats(self, nio):
        code, _, text = self.cmd("stats " + nio)
        assert code == 100, text
        keys = ("pkts_in pkts_out bytes_in bytes_out drop_oversize "
                "drop_empty drop_foreign drop_filter tx_errors rx_errors")
        return dict(zip(keys.split(), map(int, text.split())))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            f.close()
        return self.proc.returncode


class Vpcs:
    """One VPC: sends from lport to rport on 127.0.0.1; MAC 00:50:79:66:68:mac."""

    PROMPT = "VPCS> "

    def __init__(self, lport, rport, mac=0, cwd=None):
        need_tool("vpcs")
        master, slave = pty.openpty()
        self.fd = master
        self.proc = subprocess.Popen(
            ["vpcs", "-i", "1", "-s", str(lport), "-c", str(rport),
             "-t", "127.0.0.1", "-m", str(mac)],
            stdin=slave, stdout=slave, stderr=slave, cwd=cwd,
            start_new_session=True, close_fds=True)
        os.close(slave)
        self.read_until(self.PROMPT, 10)

    def read_until(self, text, timeout):
        buf = ""
        end = time.time() + timeout
        while text not in buf:
            left = end - time.time()
            if left <= 0:
                raise TimeoutError("VPCS: no %r in %r" % (text, buf))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    break
                buf += data.decode(errors="replace")
        return buf

    def cmd(self, line, timeout=15):
        os.write(self.fd, (line + "\n").encode())
        out = self.read_until(self.PROMPT, timeout)
        return out.replace("\r", "")

    def ip(self, addr):
        return self.cmd("ip " + addr)

    @staticmethod
    def set_ips(pairs):
        """[(vpcs, "a.b.c.d/len"), ...] at once: each `ip` waits ~3 s for
        VPCS's duplicate address check, so overlap them."""
        for v, addr in pairs:
            os.write(v.fd, ("ip %s\n" % addr).encode())
        for v, _ in pairs:
            v.read_until(v.PROMPT, 15)

    def ping(self, addr, count=3):
        """Number of replies to count pings."""
        out = self.cmd("ping %s -c %d" % (addr, count), timeout=5 + 3 * count)
        return len(re.findall(r"icmp_seq=\d+ ttl=\d+", out)), out

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.fd)


def udp_echo(sock, dest, frames, deadline, resend=False):
    """Each frame from sock to dest, then its echo; the echoes. resend: a
    frame goes again every 0.1 s without its echo, for a guest that may
    not be ready yet (one that is could echo it twice)."""
    sock.settimeout(0.1)
    echoes = []
    for f in frames:
        sock.sendto(f, dest)
        while True:
            assert time.time() < deadline, echoes
            try:
                echoes.append(sock.recv(65536))
                break
            except socket.timeout:
                if resend:
                    sock.sendto(f, dest)
    return echoes


class UdpPeer:
    """The far end of a udp NIO: bound to the NIO's remote port (my_port
    0: any free one, then in .port), sending to its local port."""

    def __init__(self, my_port, nio_port, host="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, my_port))
        self.port = self.sock.getsockname()[1]
        self.nio_port = nio_port
        self.dest = (host, nio_port)
        self.sock.settimeout(1.0)

    def send(self, data):
        self.sock.sendto(bytes(data), self.dest)

    def recv(self, timeout=1.0):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(65536)
        except socket.timeout:
            return None

    def recv_all(self, timeout=0.3):
        frames = []
        while True:
            f = self.recv(timeout)
            if f is None:
                return frames
            frames.append(f)

    def echo(self, frames, deadline, resend=False):
        """udp_echo through this peer's NIO."""
        return udp_echo(self.sock, self.dest, frames, deadline, resend)

    def close(self):
        self.sock.close()


def write_cfg(path, text):
    path.write_text(text)
    return path


def tshark(args, timeout=60):
    need_tool("tshark")
    env = dict(os.environ, HOME=os.environ.get("HOME", "/tmp"))
    r = subprocess.run(["tshark"] + args, capture_output=True, text=True,
                       timeout=timeout, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout
