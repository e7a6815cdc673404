#!/usr/bin/env python3
"""The apkovl build-apkovl makes from alpine-overlay/: reproducible,
root-owned, the right modes, runlevel links that stay links and point at
services the world provides, world complete for the scripts and inittab,
the host name given, and the acpid handler's power button (with a recording
`dkvm`; the system suite's overlay-power test sends it to a real VM).

Usage: test-overlay-archive.py (TAP)"""

import os
import re
import stat
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libvirt"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import overlaylib as ol  # noqa: E402
from tapcases import Cases  # noqa: E402

test = Cases()
scratch = tempfile.mkdtemp(prefix="dkvm-overlay-")
EPOCH = "1700000000"
_built = {}


def built(name="dkvm", hostname=None, epoch=EPOCH):
    key = (hostname, epoch)
    if key not in _built:
        out = os.path.join(scratch, f"{name}-{len(_built)}.apkovl.tar.gz")
        args = [hostname] if hostname else []
        r = ol.build_apkovl(out, *args, env={"SOURCE_DATE_EPOCH": epoch})
        assert r.returncode == 0, f"build-apkovl failed ({r.returncode}): {r.stderr}"
        _built[key] = out
    return _built[key]


def members(path):
    with tarfile.open(path, "r:gz") as t:
        return {m.name.rstrip("/"): m for m in t.getmembers()}


def read_member(path, name):
    with tarfile.open(path, "r:gz") as t:
        return t.extractfile(name).read().decode()


@test
def reproducible_bytes():
    a = built()
    b = os.path.join(scratch, "again.apkovl.tar.gz")
    r = ol.build_apkovl(b, env={"SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": scratch})
    assert r.returncode == 0, r.stderr
    with open(a, "rb") as fa, open(b, "rb") as fb:
        assert fa.read() == fb.read(), "two builds of the same overlay differ"
    # gzip -n: no name, and the time field is 0
    with open(a, "rb") as f:
        head = f.read(10)
    assert head[3] & 0x08 == 0, "gzip header carries a file name"
    assert head[4:8] == b"\0\0\0\0", "gzip header carries a time"
    for m in members(a).values():
        assert m.mtime == int(EPOCH), f"{m.name}: mtime {m.mtime}"


@test
def sorted_by_name():
    with tarfile.open(built(), "r:gz") as t:
        names = [m.name for m in t.getmembers()]
    assert names == sorted(names), "entries are not sorted by name"


@test
def root_owned():
    for m in members(built()).values():
        assert (m.uid, m.gid) == (0, 0), f"{m.name}: owner {m.uid}:{m.gid}"


@test
def modes_from_tree_and_modes_file():
    modes = ol.read_modes()
    assert modes, "MODES names no file"
    got = members(built())
    for name in modes:
        assert name in got, f"MODES names {name}, which the archive lacks"
    for name, m in got.items():
        if m.issym():
            continue
        if name in modes:
            want = modes[name]
        elif m.isdir():
            want = 0o755
        else:
            src = os.path.join(ol.OVERLAY, name)
            want = 0o755 if os.stat(src).st_mode & stat.S_IXUSR else 0o644
        assert m.mode == want, f"{name}: mode {m.mode:o}, want {want:o}"
    # the services and the handler must be executable for OpenRC and acpid
    for svc in ol.overlay_services():
        assert got[f"etc/init.d/{svc}"].mode == 0o755, svc
    assert got["etc/acpi/handler.sh"].mode == 0o755


@test
def only_the_overlay_folders():
    for name in members(built()):
        assert name.split("/")[0] in ("etc", "root"), f"unexpected top entry {name}"
    assert "MODES" not in members(built()) and "build-apkovl" not in members(built())


@test
def runlevel_links_point_at_provided_services():
    table = ol.read_table()["service"]
    world = ol.read_world()
    own = ol.overlay_services()
    got = members(built())
    levels = {}
    for name, m in got.items():
        parts = name.split("/")
        if len(parts) != 4 or parts[:2] != ["etc", "runlevels"]:
            continue
        assert m.issym(), f"{name} is not a symbolic link"
        assert m.linkname == f"/etc/init.d/{parts[3]}", f"{name} -> {m.linkname}"
        levels.setdefault(parts[2], set()).add(parts[3])
        svc = parts[3]
        if svc in own:
            continue
        assert svc in table, f"{name}: no package of the table provides {svc}"
        assert table[svc][0] in world, f"{name}: {svc} comes with {table[svc][0]}, not in world"
    for level, need in ol.REQUIRED_RUNLEVELS.items():
        missing = need - levels.get(level, set())
        assert not missing, f"runlevel {level} lacks {sorted(missing)}"
    assert set(levels) <= {"sysinit", "boot", "default", "shutdown"}, sorted(levels)


@test
def world_names_what_dkvm_needs():
    world = ol.read_world()
    missing = ol.REQUIRED_WORLD - world
    assert not missing, f"world lacks {sorted(missing)}"
    assert not any(p.startswith("linux-") for p in world), "the kernel comes from the boot partition"
    for kind, rows in ol.read_table().items():
        for name, (world_pkg, _) in rows.items():
            assert world_pkg in world, f"{kind} {name}: {world_pkg} is not in world"


@test
def inittab_runs_listed_commands():
    commands = ol.read_table()["command"]
    text = read_member(built(), "etc/inittab")
    entries = [line.split(":", 3) for line in text.splitlines()
               if line.strip() and not line.startswith("#")]
    assert entries, "inittab is empty"
    for tty, _, action, process in entries:
        prog = os.path.basename(process.split()[0])
        assert prog in commands, f"inittab runs {prog}, which the package table lacks"
    assert ["tty1", "", "respawn", "/usr/bin/dkvm menu --boot"] in entries, "tty1: dkvm menu --boot"
    assert any(e[0] == "tty2" and e[2] == "respawn" and "getty" in e[3] for e in entries), \
        "tty2: a login"


@test
def scripts_run_only_listed_commands():
    commands = ol.read_table()["command"]
    lib = open(os.path.join(ol.OVERLAY, "etc", "dkvm", "boot.sh")).read()
    shared = set(re.findall(r"^([a-z_]+)\(\) \{", lib, re.M))
    # the scripts of the host (build-apkovl runs on the build machine)
    scripts = ["etc/dkvm/boot.sh", "etc/acpi/handler.sh"]
    scripts += [f"etc/init.d/{s}" for s in ol.overlay_services()]
    every = set()
    for rel in scripts:
        with open(os.path.join(ol.OVERLAY, rel)) as f:
            used = ol.script_commands(f.read()) - shared
        missing = used - set(commands)
        assert not missing, f"{rel} runs {sorted(missing)}, which the package table lacks"
        every |= used
    # the reading finds what the scripts are known to run (never vacuous)
    assert {"awk", "sed", "mount", "logger", "dkvm", "modprobe", "findfs"} <= every, sorted(every)


@test
def services_order_around_libvirtd():
    def depend(svc):
        text = open(os.path.join(ol.OVERLAY, "etc", "init.d", svc)).read()
        assert text.startswith("#!/sbin/openrc-run\n"), f"{svc}: not an openrc-run script"
        return text.split("depend() {", 1)[1].split("}", 1)[0]

    boot = depend("dkvm-boot")
    assert "before libvirtd" in boot, boot
    domains = depend("dkvm-domains")
    assert "need libvirtd" in domains, domains
    vfio = depend("dkvm-vfio")
    assert "before udev-trigger" in vfio and "need" in vfio and "modloop" in vfio, vfio


@test
def hugetlbfs_mounts_agree():
    fstab = read_member(built(), "etc/fstab")
    qemu = read_member(built(), "etc/libvirt/qemu.conf")
    mounts = {f[1]: f[3] for f in (line.split() for line in fstab.splitlines())
              if len(f) >= 4 and not f[0].startswith("#") and f[2] == "hugetlbfs"}
    assert set(mounts) == {"/dev/hugepages", "/dev/hugepages1G"}, mounts
    assert "pagesize=1G" in mounts["/dev/hugepages1G"]
    assert 'hugetlbfs_mount = [ "/dev/hugepages", "/dev/hugepages1G" ]' in qemu
    assert any(line.split()[:2] == ["LABEL=DKVMDATA", "/media/dkvmdata"]
               for line in fstab.splitlines() if line.strip() and not line.startswith("#"))
    boot = [f for f in (line.split() for line in fstab.splitlines())
            if len(f) >= 4 and f[1] == "/media/usb"]
    assert boot and "ro" in boot[0][3].split(","), "the boot partition is read-only"


@test
def repositories_and_lbu():
    repos = read_member(built(), "etc/apk/repositories").split()
    assert "/media/usb/apks" in repos, repos
    lbu = read_member(built(), "etc/lbu/lbu.conf")
    assert "LBU_MEDIA=usb" in lbu.splitlines() and "BACKUP_LIMIT=3" in lbu.splitlines()
    include = read_member(built(), "etc/apk/protected_paths.d/lbu.list").split()
    assert "+root/.ssh" in include, include


@test
def hostname_given_and_default():
    assert read_member(built(), "etc/hostname") == "dkvm\n"
    assert read_member(built(hostname="gamer"), "etc/hostname") == "gamer\n"


@test
def bad_hostname_refused():
    out = os.path.join(scratch, "bad.apkovl.tar.gz")
    for bad in ("-x", "a b", "x" * 64, "a_b"):
        r = ol.build_apkovl(out, bad)
        assert r.returncode == 2, f"{bad!r}: exit {r.returncode}"
        assert "build-apkovl:" in r.stderr, r.stderr
        assert not os.path.exists(out), f"{bad!r}: an archive was left"
    r = ol.build_apkovl(out, env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert r.returncode == 2 and not os.path.exists(out), r.stderr
    r = subprocess.run(["sh", os.path.join(ol.OVERLAY, "build-apkovl")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "usage:" in r.stderr


@test
def unwritable_output_fails():
    out = os.path.join(scratch, "missing-dir", "x.apkovl.tar.gz")
    r = ol.build_apkovl(out, env={"TMPDIR": scratch})
    assert r.returncode != 0 and not os.path.exists(out), r.stderr
    assert not [n for n in os.listdir(scratch) if n.startswith("build-apkovl.")], \
        "the staging folder was left behind"


@test
def apk_keys_added():
    keys = os.path.join(scratch, "keys")
    os.makedirs(keys, exist_ok=True)
    with open(os.path.join(keys, "dkvm-test.rsa.pub"), "w") as f:
        f.write("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n")
    out = os.path.join(scratch, "keys.apkovl.tar.gz")
    r = ol.build_apkovl(out, env={"DKVM_APK_KEYS": keys, "SOURCE_DATE_EPOCH": EPOCH})
    assert r.returncode == 0, r.stderr
    m = members(out)["etc/apk/keys/dkvm-test.rsa.pub"]
    assert m.mode == 0o644 and (m.uid, m.gid) == (0, 0)
    empty = os.path.join(scratch, "nokeys")
    os.makedirs(empty, exist_ok=True)
    r = ol.build_apkovl(out + "2", env={"DKVM_APK_KEYS": empty})
    assert r.returncode != 0 and not os.path.exists(out + "2"), r.stderr


@test
def power_button_handler_runs_dkvm_power_button():
    record = os.path.join(scratch, "dkvm-calls")
    fake = ol.write_script(os.path.join(scratch, "fake-dkvm"),
                           f'#!/bin/sh\necho "$*" >> {record}\necho "asked VM \'x\' to shut down"\n')
    bindir = ol.command_path(os.path.join(scratch, "bin-acpi"), {"dkvm": fake})
    handler = os.path.join(ol.OVERLAY, "etc", "acpi", "handler.sh")
    env = {"PATH": bindir}
    for event in (["button/lid", "LID", "close"], ["ac_adapter", "ACPI0003:00", "00000080", "00000000"],
                  ["button/sleep", "SLPB", "00000080", "00000001"]):
        r = subprocess.run(["/bin/sh", handler, *event], env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    assert not os.path.exists(record), "an event other than the power button ran dkvm"
    r = subprocess.run(["/bin/sh", handler, "button/power", "PWRF", "00000080", "00000001"],
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with open(record) as f:
        assert f.read() == "power button\n"
    rule = open(os.path.join(ol.OVERLAY, "etc", "acpi", "events", "anything")).read()
    assert "action=/etc/acpi/handler.sh %e" in rule.splitlines()


sys.exit(test.run(scratch))
