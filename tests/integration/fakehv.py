"""A stand-in hypervisor for dynagen tests: speaks the line protocol of
hypervisor.md §1-§3 on 127.0.0.1, records every command, keeps just
enough state (VM status, NVRAM configs) for the CLI to be exercised, and
rejects the commands it is told to reject.

    hv = FakeHypervisor(); hv.start(); ... hv.port, hv.log ...; hv.stop()
"""

import re
import socket
import threading


class FakeHypervisor:
    def __init__(self, version="0.2.24-amd64", reject=None):
        self.version = version
        # regex -> final reply line (e.g. "209-unable to start VM")
        self.reject = dict(reject or {})
        self.log = []            # every command line received, in order
        self.vms = {}            # name -> status
        self.configs = {}        # name -> base64 startup-config
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.threads = []
        self.conns = []
        self.running = False

    def start(self):
        self.running = True
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self.threads.append(t)
        return self

    def stop(self):
        """Stop listening and drop every client connection."""
        self.running = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)   # wakes accept()
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        for c in list(self.conns):
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def commands(self):
        with self.lock:
            return list(self.log)

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,),
                                 daemon=True)
            t.start()

    def _serve(self, conn):
        buf = b""
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    text = line.decode("utf-8", "replace").rstrip("\r")
                    with self.lock:
                        self.log.append(text)
                        reply = self._reply(text)
                    try:
                        conn.sendall(("\r\n".join(reply) + "\r\n").encode())
                    except OSError:
                        return

    def _reply(self, line):
        for pattern, answer in self.reject.items():
            if re.search(pattern, line):
                return [answer]
        w = line.split()
        if len(w) < 2:
            return ["200-At least a module and a command must be specified"]
        mod, cmd, args = w[0], w[1], w[2:]
        if mod == "hypervisor":
            if cmd == "version":
                return ["100-" + self.version]
            if cmd == "reset":
                self.vms.clear()
            return ["100-OK"]
        if mod == "vm":
            name = args[0] if args else ""
            if cmd == "create":
                self.vms[name] = 0
                return ["100-VM '%s' created" % name]
            if cmd == "start":
                if self.vms.get(name, 0) != 0:
                    return ["209-unable to start VM instance '%s'" % name]
                self.vms[name] = 2
                return ["100-VM '%s' started" % name]
            if cmd == "stop":
                self.vms[name] = 0
                return ["100-VM '%s' stopped" % name]
            if cmd == "suspend":
                if self.vms.get(name) == 2:
                    self.vms[name] = 3
                return ["100-VM '%s' suspended" % name]
            if cmd == "resume":
                if self.vms.get(name) == 3:
                    self.vms[name] = 2
                return ["100-VM '%s' resumed" % name]
            if cmd == "get_status":
                if name not in self.vms:
                    return ["208-unable to find VM '%s'" % name]
                return ["100-%d" % self.vms[name]]
            if cmd == "extract_config":
                return ["100-conf '%s' '%s' ''" % (name,
                                                   self.configs.get(name, ""))]
            if cmd == "push_config":
                self.configs[name] = args[1]
                return ["100-IOS config file pushed tm VM '%s'" % name]
            if cmd in ("get_idle_pc_prop", "show_idle_pc_prop"):
                return ["101 0x60189a04 [52]", "101 0x6018a1c4 [33]",
                        "100-OK"]
            if cmd == "show_timer_drift":
                return ["101 Timer Drift: 0", "101 Pending Timer IRQ: 0",
                        "100-OK"]
            if cmd == "list":
                return ["101 %s (c7200)" % n for n in self.vms] + ["100-OK"]
            return ["100-OK"]
        if mod == "ethsw" and cmd == "show_mac_addr_table":
            return ["101 0000.0c12.3401  1  nio_udp3", "100-OK"]
        if mod == "nio" and cmd.startswith("create"):
            return ["100-NIO '%s' created" % args[0]]
        return ["100-OK"]


if __name__ == "__main__":
    import sys
    import time
    hv = FakeHypervisor().start()
    print(hv.port, flush=True)
    try:
        while True:
            time.sleep(1)
            if "-v" in sys.argv:
                pass
    except KeyboardInterrupt:
        pass
