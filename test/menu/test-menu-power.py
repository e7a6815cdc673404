#!/usr/bin/env python3
"""The menu's Power and Save screens on libvirt's test driver (node file
test/data/libvirt/node.xml: `linux` runs) and the demo host, at 80x24:

- Power > Power off / Reboot: the confirmation (No changes nothing), the
  running VM shut down first, then the host's `poweroff` / `reboot`: fakes
  first in PATH that record their call (the machine running the test is
  never powered off); a failing `poweroff` is shown with its reason;
- Power > Shell: a login shell on the terminal, the menu back after `exit`;
- Save: dkvm.conf's persist_command is a script that records its call; its
  success, its failure and no persist command at all.

The test driver shuts a guest down the moment it is asked; the gauge and the
force/wait question after the timeout need a guest that ignores ACPI, on a
real libvirtd: test/system/power.py. Prints TAP.

Usage: test-menu-power.py DKVM
"""
import os
import stat
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "libvirt"))
sys.dont_write_bytecode = True
from menutest import Menu  # noqa: E402
from tapcases import Cases  # noqa: E402

DKVM = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="dkvm-menu-power-")
FAKES = os.path.join(TMP, "bin")
os.makedirs(FAKES)
CALLS = os.path.join(TMP, "calls")
# the hugepage pools the stop gives pages back to: a tree of the test's own
ROOT = os.path.join(TMP, "root")
os.makedirs(os.path.join(ROOT, "sys/kernel/mm/hugepages/hugepages-2048kB"))


def script(name, status=0, message=""):
    """An executable in FAKES that records "name ARGS" in CALLS."""
    path = os.path.join(FAKES, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n"
                f'echo "{name} $*" >> "{CALLS}"\n'
                + (f'echo "{message}" >&2\n' if message else "")
                + f"exit {status}\n")
    os.chmod(path, stat.S_IRWXU)
    return path


def calls():
    try:
        with open(CALLS) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def wait_calls(expected, timeout=10):
    """CALLS once it holds @expected: the menu draws its box before it runs
    the command, so the call may come a moment after the text."""
    deadline = time.monotonic() + timeout
    while calls() != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert calls() == expected, calls()


def config(persist_command=""):
    path = os.path.join(TMP, "dkvm.conf")
    with open(path, "w") as f:
        f.write(f"[host]\npersist_command={persist_command}\n")
    return path


def menu(persist_command=""):
    if os.path.exists(CALLS):
        os.unlink(CALLS)
    env = {"PATH": FAKES + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
           "DKVM_SYSFS_ROOT": ROOT}
    m = Menu(DKVM, args=["--config", config(persist_command)], env=env)
    m.wait_for("Exit")
    return m


def open_host_screen(m, label):
    """The host screens are the last rows of the main list: End, then up."""
    rows = ["Exit", "Power", "Save"]
    m.send("end", *["up"] * rows.index(label), "enter")


def choose_power(m, row):
    """Power's rows: Reboot, Power off, Shell."""
    open_host_screen(m, "Power")
    m.wait_for("Shell       a login shell")
    m.send(*["down"] * ["Reboot", "Power off", "Shell"].index(row), "enter")


def line_of(screen, text):
    return next((line for line in screen.splitlines() if text in line), "")


test = Cases()


@test
def power_lists_reboot_power_off_and_shell():
    with menu() as m:
        open_host_screen(m, "Power")
        screen = m.wait_for("Shell       a login shell")
        assert "Reboot      shut the VMs down" in screen, screen
        assert "Power off   shut the VMs down" in screen, screen
        assert all(len(line) <= 80 for line in screen.splitlines()), screen
        m.send("esc")
        m.wait_for("Shell       a login shell", gone=True)
        m.wait_for("Exit")


@test
def power_off_answered_no_changes_nothing():
    script("poweroff")
    with menu() as m:
        choose_power(m, "Power off")
        screen = m.wait_for("Power the host off?")
        assert "Running VMs are asked to shut down" in screen, screen
        m.send("enter")  # the cursor starts on No
        screen = m.wait_for("Exit")
        assert "running" in line_of(screen, "linux"), screen
    assert calls() == [], calls()


@test
def power_off_shuts_the_vm_down_then_powers_the_host_off():
    script("poweroff")
    script("reboot")
    with menu() as m:
        choose_power(m, "Power off")
        m.wait_for("Power the host off?")
        m.send("y")
        m.wait_for("Powering the host off...")
        wait_calls(["poweroff "])
        m.send("enter")  # init did not take the host down here: a key brings the menu back
        screen = m.wait_for("Exit")
        assert "shutoff" in line_of(screen, "linux"), screen
    assert calls() == ["poweroff "], calls()


@test
def reboot_shuts_the_vm_down_then_reboots():
    script("poweroff")
    script("reboot")
    with menu() as m:
        choose_power(m, "Reboot")
        m.wait_for("Reboot the host?")
        m.send("y")
        m.wait_for("Rebooting the host...")
        wait_calls(["reboot "])
        m.send("enter")
        screen = m.wait_for("Exit")
        assert "shutoff" in line_of(screen, "linux"), screen


@test
def a_failing_poweroff_is_shown_with_its_reason():
    script("poweroff", 1, "poweroff: must be superuser")
    with menu() as m:
        choose_power(m, "Power off")
        m.wait_for("Power the host off?")
        m.send("y")
        screen = m.wait_for("superuser")
        assert "cannot power the host off: `poweroff` failed: poweroff: must be" in screen, \
            screen
        m.send("enter")
        m.wait_for("Exit")
    assert calls() == ["poweroff "], calls()


@test
def libvirtd_away_asks_before_powering_off_without_the_vms():
    script("poweroff")
    socket = os.path.join(TMP, "no-libvirtd-sock")
    env = {"PATH": FAKES + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
           "DKVM_SYSFS_ROOT": ROOT}
    if os.path.exists(CALLS):
        os.unlink(CALLS)
    with Menu(DKVM, connect="qemu+unix:///system?socket=" + socket,
              args=["--config", config()], env=env) as m:
        m.wait_for("Exit")
        choose_power(m, "Power off")
        m.wait_for("Power the host off?")
        m.send("y")
        screen = m.wait_for("Cannot shut the VMs down")
        assert "Power off anyway?" in screen, screen
        m.send("enter")  # the cursor starts on No
        m.wait_for("Cannot shut the VMs down", gone=True)
        m.wait_for("Exit")
        assert calls() == [], calls()
        choose_power(m, "Power off")
        m.wait_for("Power the host off?")
        m.send("y")
        m.wait_for("Cannot shut the VMs down")
        m.send("y")
        m.wait_for("Powering the host off...")
        wait_calls(["poweroff "])


@test
def shell_runs_a_login_shell_and_comes_back():
    with menu() as m:
        choose_power(m, "Shell")
        m.wait_for("Type exit to return to the menu.")
        m.send("echo dkvm-shell-$((6*7)) $0", "enter")
        screen = m.wait_for("dkvm-shell-42")
        m.send("exit", "enter")
        screen = m.wait_for("Exit")
        assert "linux" in screen and "dkvm-shell-42" not in screen, screen
        # the keyboard is the menu's again
        open_host_screen(m, "Power")
        m.wait_for("Shell       a login shell")


@test
def save_runs_the_persist_command_and_shows_it_succeeded():
    command = script("persist")
    with menu(persist_command=command) as m:
        open_host_screen(m, "Save")
        screen = m.wait_for("succeeded")
        assert "Saved: `" in screen, screen
        wait_calls(["persist "])
        m.send("enter")
        m.wait_for("Exit")


@test
def save_shows_why_the_persist_command_failed():
    command = script("persist", 1, "lbu: no medium found")
    with menu(persist_command=command) as m:
        open_host_screen(m, "Save")
        screen = m.wait_for("no medium found")
        assert "failed" in screen, screen
        m.send("enter")
        m.wait_for("Exit")
    assert calls() == ["persist "], calls()


@test
def save_without_a_persist_command_says_nothing_was_saved():
    with menu(persist_command="") as m:
        open_host_screen(m, "Save")
        screen = m.wait_for("Nothing saved")
        assert "persist_command" in screen, screen
        m.send("enter")
        m.wait_for("Exit")
    assert calls() == [], calls()


if __name__ == "__main__":
    sys.exit(test.run(scratch=TMP))
