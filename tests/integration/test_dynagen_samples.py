"""What `make install` gives a dynagen user besides the programs: the
sample labs, the dynagen.ini sample and the network-file reference.

- the reference (samples/all_config_options.txt) lists, level by level,
  exactly the keys the network-file parser knows (src/dynagen/netfile.c
  and netfile_keys.c), so a key added there fails here until documented;
- the ini sample names every key dynagen.ini is read for
  (src/dynagen/config.c), and as shipped, or with any one of its default
  lines uncommented, gives the same plan as no ini at all;
- `make install PREFIX=<tmp>` puts the files in place, installs no
  share/dynamips/dynagen.ini, and the installed dynagen plans every
  installed lab (--plan: no hypervisor) with the installed firmware.

Run: /usr/bin/python3 -m pytest tests/integration/test_dynagen_samples.py
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "dynagen"
SAMPLES = ROOT / "samples"
LABS = sorted((SAMPLES / "labs").glob("*.net"))
TUTORIAL_LABS = {"simple1", "simple2", "frame_relay1", "ethsw1",
                 "multiserver"}


def c_function(path, name):
    """The text of the C function NAME in PATH (up to the next '\\n}')."""
    text = path.read_text()
    m = re.search(r"\n[^\n]*\b%s\([^)]*\)\n\{" % name, text)
    assert m, "%s not found in %s" % (name, path)
    end = text.index("\n}", m.end())
    return text[m.end():end]


def source_keys():
    top = set(re.findall(r'strcmp\(k, "(\w+)"\)',
                         c_function(SRC / "netfile.c", "nf_top_keys")))
    server = set(re.findall(r'strcmp\(kv->key, "(\w+)"\)',
                            c_function(SRC / "netfile.c",
                                       "nf_server_section")))
    keys_c = (SRC / "netfile_keys.c").read_text()
    router = set(re.findall(r'\{"(\w+)", OPT_\w+, OT_\w+', keys_c))
    # key families recognised by prefix: slotN, wicS/W
    prefixes = set(re.findall(r'dg_strncaseeq\(key, "(\w+)", \d+\)',
                              c_function(SRC / "netfile_keys.c",
                                         "nf_router_key")))
    return {"top": top, "server": server, "router": router,
            "prefixes": prefixes}


def doc_keys():
    """Keys of the 'key | default | meaning' rows, per '== level ==' block."""
    levels, cur = {}, None
    for line in (SAMPLES / "all_config_options.txt").read_text().splitlines():
        m = re.match(r"== (\w+)", line)
        if m:
            cur = {"Top": "top", "Server": "server", "Router": "router",
                   "Switch": "switch"}[m.group(1)]
            levels[cur] = []
            continue
        if cur and line.count(" | ") == 2 and line != "key | default | meaning":
            levels[cur].append(line.split(" | ")[0])
    return levels


def test_options_reference_matches_the_parser():
    src, doc = source_keys(), doc_keys()
    assert len(src["top"]) >= 9 and len(src["server"]) == 5, src
    assert len(src["router"]) >= 30 and src["prefixes"] == {"slot", "wic"}
    for level in ("top", "server"):
        assert sorted(doc[level]) == sorted(src[level]), level
        assert len(doc[level]) == len(set(doc[level])), "duplicate row"
    plain = [k for k in doc["router"]
             if not re.match(r"slotN$|wicS/W$|INTERFACE$", k)]
    assert sorted(plain) == sorted(src["router"])
    assert len(plain) == len(set(plain)), "duplicate row"
    families = {re.match(r"[a-z]+", k).group(0)
                for k in doc["router"] if k in ("slotN", "wicS/W")}
    assert families == src["prefixes"]
    assert "INTERFACE" in doc["router"]


def test_options_reference_rows_are_complete():
    for level, keys in doc_keys().items():
        assert keys or level == "switch", level
    text = (SAMPLES / "all_config_options.txt").read_text()
    for line in text.splitlines():
        if line.count(" | ") == 2:
            assert all(f.strip() for f in line.split(" | ")), line


def ini_keys_read():
    body = c_function(SRC / "config.c", "dg_config_load")
    return set(re.findall(r'strcmp\(kv->key, "(\w+)"\)', body))


def test_ini_sample_names_every_ini_key():
    keys = ini_keys_read()
    assert keys >= {"telnet", "udp", "idledb", "delay"}, keys
    sample = (SAMPLES / "dynagen.ini.sample").read_text()
    active = [l for l in sample.splitlines()
              if l.strip() and not l.lstrip().startswith("#")]
    assert active == [], "the sample must set nothing"
    shown = set(re.findall(r"^# (\w+) = ", sample, re.M))
    assert shown == keys


def test_sample_labs_cover_the_tutorial():
    assert TUTORIAL_LABS <= {p.stem for p in LABS}


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    if not (ROOT / "build" / "dynagen").exists():
        pytest.skip("build/dynagen not built")
    pfx = tmp_path_factory.mktemp("prefix")
    r = subprocess.run(["make", "-C", str(ROOT), "install",
                        "PREFIX=%s" % pfx], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    return pfx


def plan(prefix, lab, home, ini):
    env = dict(os.environ, HOME=str(home))
    env.pop("DYNAGEN_FIRMWARE", None)
    args = [str(prefix / "bin" / "dynagen")]
    if ini is not None:
        args += ["--ini", str(ini)]
    return subprocess.run(args + ["--plan", str(lab)], capture_output=True,
                          text=True, env=env, timeout=30)


def test_install_places_the_files(prefix):
    labs = prefix / "share" / "dynamips" / "sample_labs"
    assert sorted(p.name for p in labs.iterdir()) == \
        sorted(p.name for p in LABS)
    for p in LABS:
        assert (labs / p.name).read_bytes() == p.read_bytes()
    doc = prefix / "share" / "doc" / "dynamips"
    for name in ("dynagen.ini.sample", "all_config_options.txt"):
        assert (doc / name).read_bytes() == (SAMPLES / name).read_bytes()
    # dynagen reads <prefix>/share/dynamips/dynagen.ini: nothing goes there
    assert not (prefix / "share" / "dynamips" / "dynagen.ini").exists()


@pytest.mark.parametrize("lab", LABS, ids=[p.stem for p in LABS])
def test_installed_lab_plans(prefix, lab, tmp_path):
    installed = prefix / "share" / "dynamips" / "sample_labs" / lab.name
    r = plan(prefix, installed, tmp_path, "/dev/null")
    assert r.returncode == 0, r.stderr
    assert "error" not in r.stderr.lower() and "warning" not in \
        r.stderr.lower(), r.stderr
    assert re.search(r"^vm create \S+ 0 c\d+$", r.stdout, re.M), r.stdout
    # no image in the samples: the installed open firmware runs
    fw = prefix / "share" / "dynamips" / "images" / "router-firmware.elf"
    assert "vm set_ios " in r.stdout
    for m in re.finditer(r'^vm set_ios \S+ "(.*)"$', r.stdout, re.M):
        assert Path(m.group(1)).resolve() == fw.resolve()


def variants(sample_text):
    """The sample, then the sample with one "# key = value" line
    uncommented, for every such line."""
    lines = sample_text.splitlines(keepends=True)
    yield "as shipped", sample_text
    for i, l in enumerate(lines):
        if re.match(r"# \w+ = ", l):
            yield l[2:].strip(), "".join(lines[:i] + [l[2:]] + lines[i + 1:])


def test_ini_sample_changes_nothing(prefix, tmp_path):
    sample = prefix / "share" / "doc" / "dynamips" / "dynagen.ini.sample"
    labs = prefix / "share" / "dynamips" / "sample_labs"
    base = {lab.name: plan(prefix, labs / lab.name, tmp_path, "/dev/null")
            for lab in LABS}
    tried = 0
    for what, text in variants(sample.read_text()):
        ini = tmp_path / "dynagen.ini"
        ini.write_text(text)
        for lab in LABS:
            r = plan(prefix, labs / lab.name, tmp_path, ini)
            assert r.returncode == 0, (what, r.stderr)
            assert "warning" not in r.stderr.lower(), (what, r.stderr)
            assert r.stdout == base[lab.name].stdout, (what, lab.name)
        tried += 1
    assert tried > 10
    # and the ini is read: another udp moves the automatic links
    ini.write_text("udp = 20000\n")
    r = plan(prefix, labs / "simple1.net", tmp_path, ini)
    assert r.returncode == 0 and "create_udp nio_udp0 20000 " in r.stdout
    assert r.stdout != base["simple1.net"].stdout


def test_ini_sample_copied_where_dynagen_looks(prefix, tmp_path):
    """The documented place in the prefix: found without --ini, and the
    plans stay those of no ini at all."""
    for early in ("/etc/dynagen.ini", "/usr/local/etc/dynagen.ini"):
        if os.path.exists(early):
            pytest.skip("%s is read first on this host" % early)
    labs = prefix / "share" / "dynamips" / "sample_labs"
    dest = prefix / "share" / "dynamips" / "dynagen.ini"
    base = plan(prefix, labs / "simple1.net", tmp_path, "/dev/null")
    try:
        dest.write_text("udp = 20000\n")
        moved = plan(prefix, labs / "simple1.net", tmp_path, None)
        assert "create_udp nio_udp0 20000 " in moved.stdout, moved.stdout
        shutil.copy(prefix / "share" / "doc" / "dynamips" /
                    "dynagen.ini.sample", dest)
        same = plan(prefix, labs / "simple1.net", tmp_path, None)
        assert same.returncode == 0 and same.stdout == base.stdout
    finally:
        dest.unlink()
