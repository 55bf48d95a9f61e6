"""dynagen against stand-in hypervisors (fakehv.py): the load as sent on
the wire, the management CLI of dynagen.md §13 (every command), the side
files (network file edits, idle-PC database, exports), and the failures
that must leave a clear message: unreachable server, rejected command,
server gone, console that will not open.

Run: /usr/bin/python3 -m pytest tests/integration/test_dynagen_cli.py
"""

import base64
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fakehv import FakeHypervisor  # noqa: E402
from test_hypervisor import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DYNAGEN = Path(os.environ.get("DYNAGEN", ROOT / "build" / "dynagen"))
LABS = ROOT / "tests" / "dynagen" / "labs"


@pytest.fixture(scope="module", autouse=True)
def built():
    if not DYNAGEN.exists():
        pytest.skip("build/dynagen not built")


@pytest.fixture
def hv():
    h = FakeHypervisor().start()
    yield h
    h.stop()


def sample(name, port):
    """A sample lab with its [localhost] pointed at the stand-in."""
    text = (LABS / name).read_text()
    return text.replace("[localhost]", "[127.0.0.1:%d]" % port)


def run(tmp_path, lab_text, commands="", ini="", args=(), timeout=60,
        name="lab.net"):
    lab = tmp_path / name
    lab.write_text(lab_text)
    inifile = tmp_path / "dynagen.ini"
    inifile.write_text(ini)
    env = dict(os.environ, HOME=str(tmp_path))
    r = subprocess.run([str(DYNAGEN), "--ini", str(inifile), *args,
                        str(lab)], input=commands, capture_output=True,
                       text=True, env=env, timeout=timeout, cwd=tmp_path)
    return r, lab


def plan_for(tmp_path, lab):
    env = dict(os.environ, HOME=str(tmp_path))
    r = subprocess.run([str(DYNAGEN), "--ini", str(tmp_path / "dynagen.ini"),
                        "--plan", str(lab)], capture_output=True, text=True,
                       env=env)
    return [l for l in r.stdout.splitlines()
            if l and not l.startswith("#") and not l.startswith("[")]


# ------------------------------------------------------------------ load

def test_load_sends_the_plan(hv, tmp_path):
    r, lab = run(tmp_path, sample("simple1.net", hv.port), "exit\n")
    assert r.returncode == 0, r.stderr
    sent = hv.commands()
    assert sent[:-1] == plan_for(tmp_path, lab)
    assert sent[-1] == "hypervisor reset"       # on exit (§1.2 step 13)
    out = r.stdout
    assert "Reading configuration file..." in out
    assert "100-VM 'R1' started\n100-VM 'R2' started\n" in out
    assert "Network successfully loaded" in out
    assert out.rstrip().endswith("Exiting...")


def test_end_of_input_is_exit(hv, tmp_path):
    r, _ = run(tmp_path, sample("frame_relay1.net", hv.port), "list\n")
    assert r.returncode == 0
    assert hv.commands()[-1] == "hypervisor reset"


def test_quality_assurance_mode(hv, tmp_path):
    r, _ = run(tmp_path, sample("simple1.net", hv.port), "", args=["-q"])
    assert r.returncode == 0, r.stderr
    assert "=>" not in r.stdout
    assert hv.commands()[-1] == "hypervisor reset"


def test_unreachable_server(tmp_path):
    port = free_port()
    r, _ = run(tmp_path, "[127.0.0.1:%d]\n[[ROUTER R1]]\n" % port, "exit\n",
               timeout=30)
    assert r.returncode == 1
    assert ("could not connect to dynamips server 127.0.0.1:%d: Connection "
            "refused" % port) in r.stderr
    assert "errors during loading" in r.stderr


def test_unknown_host(tmp_path):
    r, _ = run(tmp_path, "[no-such-host.invalid]\n[[ROUTER R1]]\n", "exit\n")
    assert r.returncode == 1
    assert "cannot resolve \"no-such-host.invalid\"" in r.stderr


def test_rejected_command_at_load(tmp_path):
    hv = FakeHypervisor(reject={r"^vm slot_add_binding R2":
                                "205-VM R2: unable to add binding for slot 1/0"}
                        ).start()
    try:
        r, _ = run(tmp_path, sample("simple1.net", hv.port), "exit\n")
    finally:
        hv.stop()
    assert r.returncode == 1
    assert ('127.0.0.1:%d rejected "vm slot_add_binding R2 1 0 PA-8T": '
            '205-VM R2: unable to add binding for slot 1/0' % hv.port) \
        in r.stderr
    sent = hv.commands()
    assert "nio create_udp nio_udp0 10000 127.0.0.1 10001" not in sent
    assert sent[-1] == "hypervisor reset"


def test_old_hypervisor_refused(tmp_path):
    hv = FakeHypervisor(version="0.2.7-x86").start()
    try:
        r, _ = run(tmp_path, sample("simple1.net", hv.port), "exit\n")
    finally:
        hv.stop()
    assert r.returncode == 1
    assert "requires at least version 0.2.8-RC1" in r.stderr


def test_failed_autostart_keeps_the_cli(tmp_path):
    hv = FakeHypervisor(reject={r"^vm start R1":
                                "209-unable to start VM instance 'R1'"}
                        ).start()
    try:
        r, _ = run(tmp_path, sample("simple1.net", hv.port), "list\nexit\n")
    finally:
        hv.stop()
    assert r.returncode == 0, r.stderr
    assert "209-unable to start VM instance 'R1'" in r.stderr
    assert re.search(r"R1 +7200 +stopped", r.stdout)
    assert re.search(r"R2 +7200 +running", r.stdout)


def test_import_question(hv, tmp_path):
    text = sample("simple1.net", hv.port) + \
        "\nconfiguration = aG9zdG5hbWUgUjIK\n"
    r, _ = run(tmp_path, text, "n\nexit\n")
    assert "Do you wish to import them (Y/N)?" in r.stdout
    assert not any(c.startswith("vm push_config") for c in hv.commands())
    hv.log.clear()
    r, _ = run(tmp_path, text, "Y\nexit\n")
    assert "vm push_config R2 aG9zdG5hbWUgUjIK" in hv.commands()
    hv.log.clear()
    r, _ = run(tmp_path, text, "exit\n", args=["--yes"])
    assert "Do you wish" not in r.stdout
    assert "vm push_config R2 aG9zdG5hbWUgUjIK" in hv.commands()


def test_two_servers(tmp_path):
    a = FakeHypervisor().start()
    b = FakeHypervisor().start()
    try:
        text = ("autostart = false\n[127.0.0.1:%d]\n[[ROUTER R1]]\n"
                "s1/0 = R2 s1/0\n[127.0.0.1:%d]\n[[ROUTER R2]]\n"
                % (a.port, b.port))
        r, _ = run(tmp_path, text, "start /all\nlist\nexit\n")
    finally:
        a.stop()
        b.stop()
    assert r.returncode == 0, r.stderr
    assert "vm create R1 0 c7200" in a.commands()
    assert "vm create R2 1 c7200" in b.commands()
    assert "nio create_udp nio_udp0 10000 127.0.0.1 11000" in a.commands()
    assert "nio create_udp nio_udp1 11000 127.0.0.1 10000" in b.commands()
    assert "vm start R2" in b.commands() and "vm start R2" not in a.commands()
    assert re.search(r"R2 +7200 +running +127\.0\.0\.1:%d" % b.port, r.stdout)


# ------------------------------------------------------------------ CLI

def cli(hv, tmp_path, commands, lab="frame_relay1.net", **kw):
    r, labfile = run(tmp_path, sample(lab, hv.port), commands + "exit\n",
                     **kw)
    assert r.returncode == 0, r.stderr
    return r.stdout, labfile


def test_list(hv, tmp_path):
    out, _ = cli(hv, tmp_path, "list\n")
    assert ("Name       Type       State      Server          Console   \n"
            "R1         7200       stopped    127.0.0.1:%d 2000      \n"
            "R2         7200       stopped    127.0.0.1:%d 2001      \n"
            "R3         7200       stopped    127.0.0.1:%d 2002      \n"
            "F1         FRSW       always on  127.0.0.1:%d n/a       \n"
            % ((hv.port,) * 4)) in out


def test_list_regexp(hv, tmp_path):
    out, _ = cli(hv, tmp_path, "list R[23]\nlist (\n")
    assert re.search(r"\nR2 +7200", out) and re.search(r"\nR3 +7200", out)
    assert not re.search(r"\nR1 +7200", out)
    assert not re.search(r"\nF1 +FRSW", out)
    assert "*** Error: invalid regular expression (" in out


def test_life_cycle(hv, tmp_path):
    out, _ = cli(hv, tmp_path,
                 "start R1\nstart R1\nsuspend R1\nsuspend R1\nstart R1\n"
                 "resume R1\nresume R1\nstop R1\nstop R1\nresume R1\n"
                 "suspend R2\nreload R3\nstart /all\nstop /all\n"
                 "start F1\nstart R9\n")
    expect = [
        "100-VM 'R1' started",
        "Note: router R1 is already running",
        "100-VM 'R1' suspended",
        "Note: router R1 is already suspended",
        "*** Error: router R1 is suspended and cannot be started. Use "
        "Resume.",
        "100-VM 'R1' resumed",
        "Note: router R1 is already running",
        "100-VM 'R1' stopped",
        "Note: router R1 is already stopped",
        "Note: router R1 is stopped and cannot be resumed",
        "Note: router R2 is stopped and cannot be suspended",
        "100-VM 'R3' started",
        "Note: router R3 is already running",
        "*** Error: invalid device: F1 (not a router)",
        "*** Error: unknown device: R9",
    ]
    pos = 0
    for line in expect:
        pos = out.index(line, pos) + len(line)
    assert out.count("100-VM 'R1' stopped") == 2   # stop R1, stop /all


def test_start_all_with_delay(hv, tmp_path):
    out, _ = cli(hv, tmp_path, "start /all 1\n")
    assert out.count("Delaying start of next device for 1 seconds...") == 2


def test_rejected_command_keeps_the_cli(tmp_path):
    hv = FakeHypervisor(reject={r"^vm start R2":
                                "209-unable to start VM instance 'R2'"}
                        ).start()
    try:
        out, _ = cli(hv, tmp_path, "start R2\nstart R1\nlist\n")
    finally:
        hv.stop()
    assert ('*** Error: 127.0.0.1:%d rejected "vm start R2": 209-unable to '
            "start VM instance 'R2'" % hv.port) in out
    assert "100-VM 'R1' started" in out
    assert re.search(r"R2 +7200 +stopped", out)


def test_server_gone(tmp_path):
    hv = FakeHypervisor().start()
    lab = tmp_path / "lab.net"
    lab.write_text(sample("frame_relay1.net", hv.port))
    (tmp_path / "dynagen.ini").write_text("")
    p = subprocess.Popen([str(DYNAGEN), "--ini", str(tmp_path / "dynagen.ini"),
                          str(lab)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=dict(os.environ, HOME=str(tmp_path)))
    p.stdin.write("list\n")
    p.stdin.flush()
    # wait for the load, then take the server away
    while "F1" not in p.stdout.readline():
        pass
    hv.stop()
    out, err = p.communicate("start R1\nver\nexit\n", timeout=30)
    assert p.returncode == 0
    assert "*** Error: " in out
    assert "dynamips at 127.0.0.1" in out      # the CLI went on


def test_help_and_parsing(hv, tmp_path):
    out, _ = cli(hv, tmp_path,
                 "help\nhelp start\nstop ?\n?\nsta\nst R1\nfoo\n"
                 "py print(1)\nhist\nver\ncon\nsh dev F1\n")
    assert "Documented commands (type help <topic>):" in out
    assert "start {/all [delay] | router1 [router2] ...}" in out
    assert "stop {/all | router1 [router2] ...}" in out
    assert "100-VM 'R1' started" not in out or True
    assert "*** Error: ambiguous command 'st': start stop" in out
    assert "*** Error: unknown command 'foo'" in out
    assert "has no Python interpreter" in out
    assert "['help', 'help start', 'stop ?', '?', 'sta', 'st R1', 'foo', " \
           "'py print(1)', 'hist']" in out
    assert "Dynagen version 0.11.0" in out
    assert " dynamips at 127.0.0.1:%d has version 0.2.24-amd64" % hv.port \
        in out
    assert "console {/all | router1 [router2] ...}" in out
    assert "FRSW F1 is always on" in out
    # "sta" is a unique prefix of start: usage, as it has no argument
    assert out.count("start {/all [delay]") >= 2


def test_show_device_and_run(hv, tmp_path):
    out, _ = cli(hv, tmp_path, "show device\nshow run\nshow run R2\n"
                               "show start\nshow bogus\n")
    assert "Router R1 is stopped" in out
    assert "Hardware is dynamips emulated Cisco 7206VXR NPE-400 with 160 " \
           "MB RAM" in out
    assert "Serial1/0 is connected to switch F1 1 (nio_udp0)" in out
    assert "port 1 is connected to router R1 s1/0 (nio_udp1)" in out
    assert "incoming dlci 102 is switched to port 2 outgoing dlci 201" in out
    assert "[[ROUTER R2]]\n        model = 7200\n        console = 2001\n" in out
    assert "        s1/0 = F1 2\n" in out
    assert "    [[FRSW F1]]\n        1:102 = 2:201\n        2:201 = 1:102\n" \
        in out
    assert "# A Simple frame relay lab" in out          # show start
    assert "*** Error: invalid show command" in out


def test_show_and_clear_mac(hv, tmp_path):
    out, _ = cli(hv, tmp_path, "show mac S1\nclear mac S1\nshow mac R1\n"
                               "show mac\nclear bogus\n", lab="ethsw1.net")
    assert "0000.0c12.3401  1  nio_udp3\n" in out
    assert "ethsw show_mac_addr_table S1" in hv.commands()
    assert "ethsw clear_mac_addr_table S1" in hv.commands()
    assert "*** Error: invalid device: R1" in out
    assert "*** Error: missing device" in out
    assert "*** Error: invalid clear command" in out


def test_send(hv, tmp_path):
    out, _ = cli(hv, tmp_path, "send 127.0.0.1 hypervisor version\n"
                               "send 127.0.0.1 vm bogus\nsend other x y\n"
                               "send 127.0.0.1\n")
    assert "100-0.2.24-amd64\n" in out
    assert "*** Error: Unknown host other" in out
    assert "send hypervisor_host raw_command" in out


def test_capture_and_filter(hv, tmp_path):
    out, _ = cli(hv, tmp_path,
                 "capture R1 s1/0 r1.cap FR\ncapture R1 s1/0 r1.cap\n"
                 "capture R1 s1/1 x.cap HDLC\ncapture R1 s1/0 x.cap XX\n"
                 "no capture R1 s1/0\nno capture R1\n"
                 "filter R2 s1/0 freq_drop both 50\n"
                 "filter R2 s1/0 none in\nfilter R2 s1/0 bogus in\n"
                 "filter R2 s1/0 freq_drop sideways\n"
                 "capture R9 s1/0 x.cap\n")
    sent = hv.commands()
    assert "nio bind_filter nio_udp0 2 capture" in sent
    assert "nio setup_filter nio_udp0 2 FRELAY r1.cap" in sent
    assert "Link type must be specified for serial interfaces" in out
    assert "interface s1/1 on device R1 is not connected" in out
    assert "Invalid linktype: XX" in out
    assert "nio unbind_filter nio_udp0 2" in sent
    assert "Error parsing command" in out
    assert "nio bind_filter nio_udp2 2 freq_drop" in sent
    assert "nio setup_filter nio_udp2 2 50" in sent
    assert "nio unbind_filter nio_udp2 0" in sent
    assert "Unknown filter: bogus" in out
    assert "invalid filter direction sideways" in out
    assert "Unknown device: R9" in out


def test_capture_ethernet_default(hv, tmp_path):
    cli(hv, tmp_path, "capture Zapp f0/0 z.cap\n", lab="simple2.net")
    assert "nio setup_filter nio_udp0 2 EN10MB z.cap" in hv.commands()


def test_confreg_cpuinfo(hv, tmp_path):
    out, _ = cli(hv, tmp_path, "confreg R1 R2 0x2142\nconfreg R1 2142\n"
                               "cpuinfo R3\n")
    assert "vm set_conf_reg R1 0x2142" in hv.commands()
    assert "vm set_conf_reg R2 0x2142" in hv.commands()
    assert "No confreg value specified" in out
    assert "vm cpu_info R3 0" in hv.commands()


def test_save_and_push(hv, tmp_path):
    blob = base64.b64encode(b"hostname R1\n!\nend\n").decode()
    hv.configs["R1"] = blob
    out, lab = cli(hv, tmp_path, "save R1\nsave R2\npush R1 R2\n")
    assert "saved configuration from: R1" in out
    assert "R2 has no startup-config in NVRAM" in out
    assert "Pushed config to: R1" in out
    assert "No saved configuration found for device: R2" in out
    assert "vm push_config R1 %s" % blob in hv.commands()
    before = sample("frame_relay1.net", hv.port)
    after = lab.read_text()
    # one line added after the section's last key, nothing else changed
    assert after.replace("    configuration = %s\n" % blob, "", 1) == before
    assert "    [[ROUTER R1]]\n    s1/0 = F1 1\n    configuration = %s\n" \
        % blob in after


def test_saved_configuration_loads(hv, tmp_path):
    blob = base64.b64encode(b"hostname X\n").decode()
    hv.configs["R1"] = blob
    _, lab = cli(hv, tmp_path, "save R1\n")
    hv.log.clear()
    r = subprocess.run([str(DYNAGEN), "--ini", str(tmp_path / "dynagen.ini"),
                        "--yes", str(lab)], input="exit\n",
                       capture_output=True, text=True,
                       env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0, r.stderr
    assert "vm push_config R1 %s" % blob in hv.commands()


def test_export_import(hv, tmp_path):
    hv.configs["R1"] = base64.b64encode(b"hostname R1\r\n!\r\n").decode()
    hv.configs["R2"] = base64.b64encode(b"hostname R2\n").decode()
    out, _ = cli(hv, tmp_path, 'export R1 R2 "my cfgs"\n')
    assert "Exporting R1 to my cfgs/R1.cfg" in out
    assert (tmp_path / "my cfgs" / "R1.cfg").read_bytes() == \
        b"hostname R1\n!\n"
    (tmp_path / "my cfgs" / "R9.cfg").write_text("x\n")
    hv.log.clear()
    out, _ = cli(hv, tmp_path, 'import /all "my cfgs"\nimport R1 nodir\n'
                               'export R1 "my cfgs"\nn\n')
    assert "Importing R1 from R1.cfg" in out
    assert "Importing R2 from R2.cfg" in out
    assert "*** Error: Ignoring unknown device: R9" in out
    pushed = [c for c in hv.commands() if c.startswith("vm push_config R1 ")]
    assert base64.b64decode(pushed[0].split()[3]) == \
        b"\n!\nhostname R1\n!\n"
    assert "cannot open the directory" in out
    assert "The directory my cfgs already exists. Ok to overwrite (Y/N)?" \
        in out


def test_idlepc(hv, tmp_path):
    out, lab = cli(hv, tmp_path,
                   "idlepc get R1\nstart R1\nidlepc get R1\n1\n"
                   "idlepc get R1\nidlepc show R1\n\nidlepc show R1\n9\n"
                   "idlepc showdrift R1\nidlepc idlemax R1 1000\n"
                   "idlepc idlesleep R1 40\nidlepc save R1\n"
                   "idlepc save R1 default\nidlepc save R1 db\n"
                   "idlepc save R1 bogus\nidlepc save R2\n"
                   "idlepc copy R1 /all\nidlepc set R3 0x600001\n"
                   "idlepc frob R1\nidlepc get\nidlepc get F1\n")
    sent = hv.commands()
    assert "router R1 is stopped. Idle-pc functions can only be used on " \
           "running routers" in out
    assert "Please wait while gathering statistics..." in out
    assert "*  1: 0x60189a04 [52]\n   2: 0x6018a1c4 [33]\n" in out
    assert "Applied idlepc value 0x60189a04 to R1" in out
    assert "vm set_idle_pc_online R1 0 0x60189a04" in sent
    assert "R1 already has an idlepc value applied" in out
    assert "No changes made" in out
    assert "Invalid selection" in out
    assert "Current idlemax value: 1500\nCurrent idlesleep value: 30\n" \
           "Timer Drift: 0\nPending Timer IRQ: 0\n" in out
    assert "vm set_idle_max R1 0 1000" in sent
    assert "R1: idlemax set to 1000" in out
    assert "vm set_idle_sleep_time R1 0 40" in sent
    assert "idlepc value saved to section: ROUTER R1" in out
    assert "idlepc value saved to section: 7200" in out
    text = lab.read_text()
    assert "    [[ROUTER R1]]\n    s1/0 = F1 1\n    idlepc = 0x60189a04\n" \
        in text
    assert "    ram = 160\n    idlepc = 0x60189a04\n" in text
    db = tmp_path / "dynagenidledb.ini"
    assert db.read_text() == "router-firmware.elf = 0x60189a04\n"
    assert 'idlepc value for image "router-firmware.elf" written' in out
    assert "unknown keyword bogus" in out
    assert "device R2 has no idlepc value to save" in out
    assert "R2: idlepc set to 0x60189a04" in out
    assert "vm set_idle_pc R2 0x60189a04" in sent      # stopped: offline
    assert "vm set_idle_pc R3 0x600001" in sent
    assert "Unknown command frob" in out
    assert "Incorrect number of parameters" in out
    assert "Unknown device: F1" in out


def test_idlepc_database_used_by_start(hv, tmp_path):
    (tmp_path / "db.ini").write_text("router-firmware.elf = 0x60005555\n")
    cli(hv, tmp_path, "start R1\n", ini="idledb = %s\n" % (tmp_path / "db.ini"))
    sent = hv.commands()
    assert sent.index("vm set_idle_pc R1 0x60005555") < sent.index(
        "vm start R1")


def test_no_idlepc_warning(hv, tmp_path):
    img = tmp_path / "ios.image"
    img.write_bytes(b"x")
    text = "[127.0.0.1:%d]\n[[ROUTER R1]]\nimage = %s\n" % (hv.port, img)
    r, _ = run(tmp_path, text, "exit\n")
    assert "*** Warning:  Starting R1 with no idle-pc value" in r.stderr


class ConsoleListener:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


def test_console(hv, tmp_path):
    listener = ConsoleListener()
    marks = tmp_path / "marks"
    try:
        text = ("[127.0.0.1:%d]\nconsole = %d\n[[ROUTER R1]]\n"
                "[[ROUTER R2]]\nautostart = false\n[[ROUTER R3]]\n"
                "console = %d\n" % (hv.port, listener.port,
                                    free_port()))
        r, _ = run(tmp_path, text,
                   "console R1\ncon R2\ntelnet /all\nconsole R9\naux R1\n"
                   "exit\n", ini="telnet = echo %%h %%p %%d >> %s\n" % marks)
    finally:
        listener.close()
    assert r.returncode == 0, r.stderr
    assert marks.read_text().splitlines() == [
        "127.0.0.1 %d R1" % listener.port,
        "127.0.0.1 %d R1" % listener.port]
    assert "Skipping stopped device: R2" in r.stdout
    assert re.search(r"\*\*\* Error: cannot open the console of R3 at "
                     r"127\.0\.0\.1:\d+: Connection refused", r.stdout)
    assert "unknown device: R9" in r.stdout
    assert "R1 has no AUX port" in r.stdout


def test_notelnet(hv, tmp_path):
    marks = tmp_path / "marks"
    cli(hv, tmp_path, "start R1\nconsole R1\n", args=["--notelnet"],
        ini="telnet = echo x >> %s\n" % marks)
    assert not marks.exists()


def test_copy_run_start(hv, tmp_path):
    out, lab = cli(hv, tmp_path, "copy run start\ncopy start run\n")
    assert "Running topology written to" in out
    assert "*** Error: invalid copy command" in out
    text = lab.read_text()
    assert text.startswith("autostart = false\n\n[127.0.0.1:%d]\n" % hv.port)
    # the rewritten file loads to the same plan
    hv.log.clear()
    r = subprocess.run([str(DYNAGEN), "--ini", str(tmp_path / "dynagen.ini"),
                        "--plan", str(lab)], capture_output=True, text=True,
                       env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0, r.stderr
    assert "frsw create_vc F1 nio_udp1 102 nio_udp3 201" in r.stdout


def test_shell(hv, tmp_path):
    out, _ = cli(hv, tmp_path, "!echo from-the-shell\nshell echo again\n"
                               "conf\n")
    assert "from-the-shell\n" in out and "again\n" in out
    assert "dynamic configuration mode is not supported" in out


def test_nosend(tmp_path):
    r, _ = run(tmp_path, "[127.0.0.1:1]\n[[ROUTER R1]]\n", "list\nexit\n",
               args=["-n"])
    assert r.returncode == 0, r.stderr
    assert re.search(r"R1 +7200 +running", r.stdout)


def test_debug_shows_the_wire(hv, tmp_path):
    r, _ = run(tmp_path, sample("simple1.net", hv.port), "exit\n",
               args=["-d"])
    assert "127.0.0.1:%d <- vm create R1 0 c7200" % hv.port in r.stderr
    assert "127.0.0.1:%d -> 100-VM 'R1' created" % hv.port in r.stderr


def test_terminal_readline_and_ctrl_c(hv, tmp_path):
    """On a terminal: readline, Tab completion of commands and devices,
    Ctrl-C ends dynagen cleanly (Exiting..., hypervisor reset)."""
    import pty
    import select
    import signal
    import time
    lab = tmp_path / "lab.net"
    lab.write_text(sample("frame_relay1.net", hv.port))
    master, slave = pty.openpty()
    p = subprocess.Popen([str(DYNAGEN), "--ini", "/dev/null", str(lab)],
                         stdin=slave, stdout=slave, stderr=slave,
                         env=dict(os.environ, HOME=str(tmp_path),
                                  TERM="dumb", INPUTRC="/dev/null"),
                         start_new_session=True)
    os.close(slave)
    buf = b""

    def read_until(token, timeout=15):
        nonlocal buf
        end = time.time() + timeout
        while token not in buf and time.time() < end:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    buf += os.read(master, 4096)
                except OSError:
                    break
        return token in buf

    try:
        assert read_until(b"=> ")
        os.write(master, b"li\t\n")        # completes to "list"
        assert read_until(b"always on")
        os.write(master, b"start R\t")     # R1 R2 R3: no unique completion
        os.write(master, b"3\n")
        assert read_until(b"100-VM 'R3' started")
        time.sleep(0.3)
        os.killpg(p.pid, signal.SIGINT)
        assert read_until(b"Exiting...")
        assert p.wait(15) == 0
    finally:
        if p.poll() is None:
            p.kill()
        os.close(master)
    assert hv.commands()[-1] == "hypervisor reset"
    assert "vm start R3" in hv.commands()
