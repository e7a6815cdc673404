#!/usr/bin/env python3
"""The menu's frame, driven in tmux like a person at the keyboard: the main
screen (every VM with state, vCPUs, memory, GPU; the host's screens; the
backtitle), the VM actions (start, force off, monitor, delete, Esc back),
the boot countdown, libvirt not answering, 80x24, 200x60 and a resize, Exit,
and `dkvm menu` without a terminal. The VMs are libvirt's test driver's,
from test/data/libvirt/node.xml, on a copy of the demo host under umockdev
(menutest.py), whose hugepage pools the starts use. Prints TAP.

Usage: test-menu-main.py DKVM
"""
import os
import re
import subprocess
import sys
import tempfile
import time

from menutest import HOSTS, Menu, NODE_XML
from tapcases import Cases

DKVM = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="dkvm-menu-main-")
NO_DAEMON = "qemu+unix:///system?socket=" + os.path.join(TMP, "no-libvirtd-sock")
# a stick already set up: --boot's first-boot questions (the marker beside
# dkvm.conf) are test-menu-cmdline.py's
open(os.path.join(TMP, "first-boot-done"), "w").close()

test = Cases()


def config(name="dkvm.conf", **keys):
    """A dkvm.conf of the test's own; persisting is a no-op command."""
    keys.setdefault("persist_command", "true")
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write("[host]\n" + "".join("%s=%s\n" % kv for kv in keys.items()))
    return path


def menu(**kw):
    kw.setdefault("config", config())
    return Menu(DKVM, **kw)


def vm_row(screen, name):
    """The main screen's row of VM @name, split in columns."""
    for line in screen.splitlines():
        fields = line.strip("│ ").split()
        if fields and fields[0] == name:
            return fields
    raise AssertionError("no row for %s on:\n%s" % (name, screen))


def open_vm(m, name):
    """Moves the cursor to VM @name's row and opens its actions."""
    screen = m.wait_for(name)
    names = [l.strip("│ ").split()[0] for l in screen.splitlines()
             if re.match(r"^│ │ +\S+ +(running|shut off|shutoff|paused)", l)]
    m.send("home", *["down"] * names.index(name))
    m.send("enter")
    m.wait_for("What should happen to this VM?")


@test
def main_screen_lists_every_vm_and_the_host_screens():
    with menu() as m:
        screen = m.wait_for("win11")
        assert vm_row(screen, "linux")[1:4] == ["running", "2", "2.0"], screen
        assert vm_row(screen, "win11")[1:4] == ["shutoff", "4", "8.0"], screen
        # passthrough's device is not on the demo host: counted, not named
        assert "1 PCI device(s)" in " ".join(vm_row(screen, "passthrough")), screen
        assert "Exit" in screen, screen
        # the backtitle: version and host name for SSH
        first = screen.splitlines()[0]
        assert first.strip().startswith("DKVM 0.1.0 on "), first


@test
def the_cursor_stays_through_refreshes_and_screens():
    with menu() as m:
        m.wait_for("win11")
        m.send("down")  # linux
        time.sleep(2.5)  # idle past the 2 s refresh: the list is read again
        m.send("enter")
        m.wait_for("VM linux")
        m.send("esc")
        m.wait_for("huge")
        m.send("enter")  # still on linux after coming back
        m.wait_for("VM linux")


@test
def esc_and_back_return_to_the_main_screen():
    with menu() as m:
        open_vm(m, "win11")
        m.send("esc")
        m.wait_for("What should happen", gone=True)
        m.wait_for("win11")
        open_vm(m, "win11")
        m.send("tab", "enter")  # the Back button
        m.wait_for("What should happen", gone=True)
        screen = m.wait_for("huge")
        assert vm_row(screen, "win11")[1] == "shutoff"


@test
def start_shows_progress_and_the_vm_runs():
    with menu() as m:
        open_vm(m, "win11")
        m.send("enter")  # Start
        screen = m.wait_for("is running.")
        assert "Start win11" in screen, screen
        m.send("enter")
        screen = m.wait_for("huge")
        assert vm_row(screen, "win11")[1] == "running", screen


@test
def force_off_asks_first():
    with menu() as m:
        open_vm(m, "linux")
        m.send("down", "down", "enter")  # Force off
        m.wait_for("Force linux off now?")
        m.send("enter")  # No is the default
        screen = m.wait_for("huge")
        assert vm_row(screen, "linux")[1] == "running", screen
        open_vm(m, "linux")
        m.send("down", "down", "enter")
        m.wait_for("Force linux off now?")
        m.send("left", "enter")  # Yes
        m.wait_for("The VM is off.")
        m.send("enter")
        screen = m.wait_for("huge")
        assert vm_row(screen, "linux")[1] == "shutoff", screen


@test
def monitor_refreshes_until_a_key():
    with menu() as m:
        open_vm(m, "linux")
        m.send("down", "down", "down", "enter")  # Monitor
        screen = m.wait_for("Monitor linux")
        assert "vCPU" in screen or "VCPU" in screen, screen
        m.send("x")
        m.wait_for("Monitor linux", gone=True)
        m.wait_for("huge")


@test
def at_boot_makes_the_default_vm():
    conf = config("atboot.conf")
    with menu(config=conf) as m:
        open_vm(m, "win11")
        m.send("down", "down", "down", "down", "enter")  # At boot
        screen = m.wait_for("When the host boots, VM 'win11' is:")
        assert "(*) Not started at boot" in screen, screen
        m.send("home", "space", "enter")  # the default VM
        m.wait_for("Done: it is the default VM.")
        m.send("enter")
        with open(conf) as f:
            assert "default_vm=win11" in f.read().splitlines()
        open_vm(m, "win11")
        m.send("down", "down", "down", "down", "enter")
        screen = m.wait_for("When the host boots, VM 'win11' is:")
        assert "(*) The default VM" in screen, screen
        m.send("esc")
        m.wait_for("huge")


@test
def delete_asks_and_removes_the_vm():
    with menu() as m:
        open_vm(m, "huge")
        m.send("end", "enter")  # Delete, the last action
        m.wait_for("Delete VM 'huge'?")
        m.send("enter")  # No
        screen = m.wait_for("win11")
        vm_row(screen, "huge")
        open_vm(m, "huge")
        m.send("end", "enter")
        m.wait_for("Delete VM 'huge'?")
        m.send("left", "enter")  # Yes
        m.wait_for("Also delete its disk image files?")
        m.send("enter")  # No: keep images
        m.wait_for("VM 'huge' is deleted.")
        m.send("enter")
        screen = m.wait_for("win11")
        assert not any(l.strip("│ ").startswith("huge ") for l in screen.splitlines()), screen


@test
def countdown_starts_the_default_vm():
    with menu(config=config("countdown.conf", default_vm="win11", countdown="3"),
              args=["--boot"]) as m:
        m.wait_for("Starting the default VM 'win11' in ")
        m.wait_for("win11 is running.")
        m.send("enter")
        screen = m.wait_for("huge")
        assert vm_row(screen, "win11")[1] == "running", screen


@test
def a_key_cancels_the_countdown():
    with menu(config=config("cancel.conf", default_vm="win11", countdown="30"),
              args=["--boot"]) as m:
        m.wait_for("Press any key to cancel.")
        m.send("x")
        screen = m.wait_for("huge")
        assert vm_row(screen, "win11")[1] == "shutoff", screen


@test
def countdown_waits_for_a_libvirtd_still_starting():
    with menu(connect=NO_DAEMON, config=config("wait.conf", default_vm="win11"),
              args=["--boot"]) as m:
        m.wait_for("Waiting for libvirt before starting the default VM 'win11'")
        m.send("x")  # skip: the main screen, saying libvirt does not answer
        m.wait_for("libvirt does not answer")


@test
def no_countdown_without_boot_or_default():
    with menu(config=config("noboot.conf", default_vm="win11", countdown="1")) as m:
        screen = m.wait_for("huge")
        assert "Starting the default VM" not in screen
    with menu(args=["--boot"]) as m:
        screen = m.wait_for("huge")
        assert "Starting the default VM" not in screen


@test
def libvirt_not_answering_is_shown_and_host_screens_stay():
    with menu(connect=NO_DAEMON) as m:
        screen = m.wait_for("libvirt does not answer")
        assert "Exit" in screen, screen
        # still alive after a refresh or two, and Exit still works
        m.wait_for("retrying every 2 s")
        m.send("end", "enter")
        m.wait_for("Leave the DKVM menu?")
        m.send("left", "enter")
        assert m.exit_status() == 0


@test
def screen_sizes_and_resize():
    with menu(width=200, height=60) as m:
        screen = m.wait_for("win11")
        assert len(screen.splitlines()) >= 59
        m.resize(80, 24)
        m.wait_for("win11")
        open_vm(m, "win11")
        m.resize(200, 60)
        screen = m.wait_for("What should happen")
        m.send("esc")
        m.wait_for("huge")


@test
def exit_asks_and_ends_with_status_0():
    with menu() as m:
        m.wait_for("Exit")
        m.send("end", "enter")
        m.wait_for("Leave the DKVM menu?")
        m.send("enter")  # No
        m.wait_for("win11")
        m.send("end", "enter")
        m.wait_for("Leave the DKVM menu?")
        m.send("left", "enter")
        assert m.exit_status() == 0


@test
def without_a_terminal_it_says_so():
    result = subprocess.run([DKVM, "--connect", "test://" + NODE_XML, "menu", "--log",
                             os.path.join(TMP, "x.log")], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2, result
    assert result.stderr == "dkvm: menu: needs a terminal (stdin and stdout are not one)\n", \
        result.stderr


@test
def make_run_opens_the_menu_on_the_demo_host():
    demo = os.path.join(os.path.dirname(NODE_XML), "..", "..", "..", "scripts", "demo")
    with Menu(DKVM, argv=["bash", demo, DKVM, os.path.join(HOSTS, "demo")]) as m:
        screen = m.wait_for("Select")
        assert vm_row(screen, "win11")[1:5] == ["shutoff", "8", "16.0", "GiB"], screen
        # the demo's VM has the demo host's RTX 3070, named from the host's pci.ids
        assert "RTX 3070" in " ".join(vm_row(screen, "win11")), screen
        m.send("end", "enter")
        m.wait_for("Leave the DKVM menu?")
        m.send("left", "enter")
        assert m.exit_status() == 0


@test
def help_says_how_to_leave():
    result = subprocess.run([DKVM, "menu", "--help"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, result
    assert "Exit" in result.stdout and "Esc" in result.stdout, result.stdout


sys.exit(test.run(scratch=TMP))
