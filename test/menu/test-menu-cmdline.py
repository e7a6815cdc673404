#!/usr/bin/env python3
"""The boot stick's kernel options from the Host screen, and the first
boot, driven in tmux like a person at the keyboard:
- Host > Kernel options: the managed options as a check list; ticking
  two writes both files of a fixture boot directory (copies of
  test/data/boot's Alpine-style files, `dkvm menu --boot-dir`) alike, with
  their .bak; asking again with nothing changed writes nothing;
- first boot (`dkvm menu --boot` without the marker beside dkvm.conf):
  root's password through `passwd` on the terminal (a fake first in PATH
  that records its call: the machine's own password is never touched), an
  SSH key (a bad one refused and asked again; the good one written to
  root/.ssh/authorized_keys under DKVM_SYSFS_ROOT, 0600 in a 0700
  directory), the default VM (dkvm.conf's default_vm, whose countdown then
  runs); the marker written and persisted; the next --boot goes straight
  to the countdown. Skipping every step with Esc writes the marker too.
Every screen at 80x24. Prints TAP.

Usage: test-menu-cmdline.py DKVM
"""
import base64
import os
import shutil
import stat
import struct
import sys
import tempfile

from menutest import HOSTS, Menu, flat, list_rows, wait_text
from tapcases import Cases

DKVM = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="dkvm-menu-cmdline-")
DATA = os.path.join(os.path.dirname(HOSTS))
SYSLINUX = "boot/syslinux/syslinux.cfg"
GRUB = "boot/grub/grub.cfg"

test = Cases()
counter = [0]


def scratch(name):
    counter[0] += 1
    d = os.path.join(TMP, f"{name}{counter[0]}")
    os.makedirs(d)
    return d


def config(d, **keys):
    """dkvm.conf in @d; persisting touches d/persisted."""
    path = os.path.join(d, "dkvm.conf")
    keys.setdefault("persist_command", "touch " + os.path.join(d, "persisted"))
    with open(path, "w") as f:
        f.write("[host]\n" + "".join("%s=%s\n" % kv for kv in keys.items()))
    return path


def boot_dir(d):
    usb = os.path.join(d, "usb")
    for rel, name in ((SYSLINUX, "alpine-syslinux.cfg"), (GRUB, "alpine-grub.cfg")):
        os.makedirs(os.path.dirname(os.path.join(usb, rel)), exist_ok=True)
        shutil.copyfile(os.path.join(DATA, "boot", name), os.path.join(usb, rel))
    return usb


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def kernel_options(usb, rel):
    for line in read(os.path.join(usb, rel)).splitlines():
        words = line.split(None, 1)
        if rel == SYSLINUX and words and words[0] == "APPEND":
            return words[1]
        if rel == GRUB and words and words[0] == "linux":
            return words[1].split(None, 1)[1]
    raise AssertionError("no kernel line in " + rel)


def fits(screen, width=80):
    for line in screen.splitlines():
        assert len(line) <= width, "line wider than %d: %r" % (width, line)


def open_kernel_options(m):
    m.wait_for("Exit")
    screen = m.wait_for("Host")
    rows = list_rows(screen)
    index = next(i for i, r in enumerate(rows) if r.startswith("Host "))
    m.send("home", *["down"] * index, "enter")
    m.wait_for("Kernel options")
    m.send("right", "enter")
    return m.wait_for("Space ticks")


@test
def host_entry_changes_both_files():
    d = scratch("host")
    usb = boot_dir(d)
    with Menu(DKVM, config=config(d), args=["--boot-dir", usb]) as m:
        screen = open_kernel_options(m)
        fits(screen)
        rows = list_rows(screen)
        assert rows[0].startswith("[ ] IOMMU on"), rows
        assert rows[4].startswith("[ ] video=efifb:off"), rows
        # tick iommu=pt (row 1) and efifb (row 4)
        m.send("home", "down", "space", "down", "down", "down", "space", "enter")
        screen = wait_text(m, "The kernel options become")
        fits(screen)
        assert "iommu=pt video=efifb:off" in flat(screen), screen
        m.send("enter")
        wait_text(m, "Written to syslinux.cfg and grub.cfg")
        m.send("enter")
        m.wait_for("Exit")
        for rel in (SYSLINUX, GRUB):
            assert kernel_options(usb, rel).endswith(
                'intel_iommu=off dyndbg="file drivers/vfio/* +p" iommu=pt video=efifb:off'), \
                kernel_options(usb, rel)
            assert read(os.path.join(usb, rel + ".bak")) == read(
                os.path.join(DATA, "boot", "alpine-" + os.path.basename(rel))), rel
        mtimes = [os.stat(os.path.join(usb, p)).st_mtime_ns for p in (SYSLINUX, GRUB)]
        # the boxes now ticked; OK without a change writes nothing
        screen = open_kernel_options(m)
        rows = list_rows(screen)
        assert rows[1].startswith("[*] iommu=pt") and rows[4].startswith("[*] video"), rows
        m.send("enter")
        wait_text(m, "Nothing changed.")
        m.send("enter")
        m.wait_for("Exit")
        assert mtimes == [os.stat(os.path.join(usb, p)).st_mtime_ns for p in (SYSLINUX, GRUB)]


@test
def host_entry_says_why_without_a_stick():
    d = scratch("nostick")
    with Menu(DKVM, config=config(d), args=["--boot-dir", os.path.join(d, "none")]) as m:
        m.wait_for("Exit")
        screen = m.wait_for("Host")
        rows = list_rows(screen)
        index = next(i for i, r in enumerate(rows) if r.startswith("Host "))
        m.send("home", *["down"] * index, "enter")
        m.wait_for("Kernel options")
        m.send("right", "enter")
        wait_text(m, "no such file (is the boot partition mounted at")
        m.send("enter")
        m.wait_for("Exit")


def ed25519_key(comment="me@laptop"):
    blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + bytes(range(32))
    return "ssh-ed25519 " + base64.b64encode(blob).decode() + " " + comment


def first_boot_menu(d, conf):
    """`dkvm menu --boot` on a copy of the demo host named by DKVM_SYSFS_ROOT
    (root's authorized_keys land in it), with a fake passwd first in PATH."""
    root = os.path.join(d, "root")
    if not os.path.exists(root):
        shutil.copytree(os.path.join(HOSTS, "demo"), root, symlinks=True)
    fakes = os.path.join(d, "bin")
    os.makedirs(fakes, exist_ok=True)
    with open(os.path.join(fakes, "passwd"), "w") as f:
        f.write("#!/bin/sh\n"
                f'echo "passwd $*" >> "{d}/calls"\n'
                'echo "passwd: password for $1 changed by root"\n')
    os.chmod(os.path.join(fakes, "passwd"), stat.S_IRWXU)
    env = {"DKVM_SYSFS_ROOT": root, "PATH": fakes + ":" + os.environ["PATH"]}
    return Menu(DKVM, host=None, umockdev=False, env=env, config=conf, args=["--boot"]), root


@test
def first_boot_once():
    d = scratch("first")
    conf = config(d, countdown="30")
    m, root = first_boot_menu(d, conf)
    with m:
        screen = wait_text(m, "Set root's password now?")
        fits(screen)
        m.send("enter")
        wait_text(m, "root's password is set.")
        m.send("enter")
        screen = wait_text(m, "Paste an SSH public key")
        fits(screen)
        m.send("ssh-ed25519 AAAAnotakey", "enter")
        wait_text(m, "is missing or cut")
        m.send("enter")
        wait_text(m, "Paste an SSH public key")
        m.send(*["bs"] * 40)
        m.send(ed25519_key(), "enter")
        wait_text(m, "The key is added to")
        m.send("enter")
        screen = wait_text(m, "Which one?")
        fits(screen)
        rows = list_rows(screen)
        index = next(i for i, r in enumerate(rows) if "win11" in r)
        m.send("home", *["down"] * index, "space", "enter")
        wait_text(m, "Starting the default VM 'win11'")
        m.send("space")
        m.wait_for("Exit")
    assert read(os.path.join(d, "calls")) == "passwd root\n"
    ssh = os.path.join(root, "root", ".ssh")
    keys = os.path.join(ssh, "authorized_keys")
    assert read(keys) == ed25519_key() + "\n", read(keys)
    assert stat.S_IMODE(os.stat(keys).st_mode) == 0o600, oct(os.stat(keys).st_mode)
    assert stat.S_IMODE(os.stat(ssh).st_mode) == 0o700, oct(os.stat(ssh).st_mode)
    assert os.path.exists(os.path.join(d, "first-boot-done"))
    assert os.path.exists(os.path.join(d, "persisted"))
    assert "default_vm=win11" in read(conf), read(conf)
    # the next boot: no questions, the countdown at once
    m, root = first_boot_menu(d, conf)
    with m:
        screen = wait_text(m, "Starting the default VM 'win11'")
        assert "password" not in screen, screen
        m.send("space")
        screen = m.wait_for("Exit")
        assert "password" not in screen, screen
    assert read(os.path.join(d, "calls")) == "passwd root\n"


@test
def first_boot_skipped_with_esc():
    d = scratch("skip")
    conf = config(d)
    m, root = first_boot_menu(d, conf)
    with m:
        wait_text(m, "Set root's password now?")
        m.send("esc")
        wait_text(m, "Paste an SSH public key")
        m.send("esc")
        wait_text(m, "Which one?")
        m.send("esc")
        m.wait_for("Exit")
    assert not os.path.exists(os.path.join(d, "calls"))
    assert not os.path.exists(os.path.join(root, "root", ".ssh"))
    assert os.path.exists(os.path.join(d, "first-boot-done"))
    assert "default_vm" not in read(conf), read(conf)


sys.exit(test.run(scratch=TMP))
