#!/usr/bin/env python3
"""The host's power sequence on a real libvirtd, with a guest that ignores
ACPI: QEMU's SeaBIOS with no bootable disk has no OS to handle the power
button, so it keeps running (checked here, not assumed: the refusal below
fails if it ever powers off).

(a) `dkvm power button`: the guest is asked, the command returns at once
    and the host's `poweroff` is not run;
(b) `dkvm power off --timeout 3`: exit 4, the message names the VM still
    running, the VM runs, `poweroff` not run;
(c) `dkvm power off --timeout 3 --force`: the VM is forced off, then
    `poweroff` runs;
(d) the menu's Power > Power off (dkvm.conf shutdown_timeout=3): the gauge
    names the VM, after the timeout the menu asks; Wait waits again, Esc goes
    back with the VM running and the host on, and (asked again) Force off
    forces it off, then `poweroff` runs.

`poweroff` and `reboot` are fakes first in PATH that record their call: the
machine is never powered off. `dkvm power` acts on every running VM of the
libvirtd, so this test refuses to run while a VM that is not this suite's
runs (it would shut it down).

usage: power.py DKVM START_LIBVIRTD
"""

import os
import stat
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "menu"))
import systest  # noqa: E402
from menutest import Menu  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-power-noos"
TIMEOUT = 3

# the suite's diskless TCG guest (SeaBIOS keeps looking for a disk, so
# nothing handles the power button), with ACPI on so the button is delivered
DOMAIN = systest.diskless_domain(NAME, 1).replace(
    "</os>", "</os>\n  <features><acpi/><apic/></features>")


def state(name):
    r = virsh("domstate", name)
    return r.out.strip() if r.code == 0 else None


def fake(directory, name, calls):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n')
    os.chmod(path, stat.S_IRWXU)


def read_calls(calls):
    try:
        with open(calls) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def clear_calls(calls):
    if os.path.exists(calls):
        os.unlink(calls)


def others_running():
    """Running VMs that are not this suite's: `dkvm power` would stop them."""
    r = virsh("list", "--name")
    return [n for n in r.out.split() if n and not n.startswith(systest.SUITE_PREFIX)]


def start_vm(tap):
    r = virsh("start", NAME)
    return tap.check(r.code == 0 and state(NAME) == "running", "virsh starts the VM",
                     r.describe())


def cli_cases(tap, base, env, calls):
    clear_calls(calls)
    started = time.monotonic()
    r = run(base + ["power", "button"], env=env)
    elapsed = time.monotonic() - started
    tap.check(r.code == 0 and r.out == f"asked VM '{NAME}' to shut down\n" and r.err == "",
              "(a) power button asks the running VM to shut down", r.describe())
    tap.check(read_calls(calls) == [] and elapsed < 10,
              "(a) power button returns without waiting and leaves the host on",
              f"calls: {read_calls(calls)}, {elapsed:.1f} s")

    clear_calls(calls)
    r = run(base + ["power", "off", "--timeout", str(TIMEOUT)], env=env)
    tap.check(r.code == 4 and r.err.startswith(
        f"dkvm: cannot power off the host: VM '{NAME}' is still running after {TIMEOUT} s\n")
        and "--force" in r.err,
        "(b) power off without --force refuses (exit 4) and names the VM", r.describe())
    tap.check(state(NAME) == "running" and read_calls(calls) == [],
              "(b) the guest ignored ACPI: it still runs, the host was not powered off",
              f"state: {state(NAME)}, calls: {read_calls(calls)}")

    clear_calls(calls)
    r = run(base + ["power", "off", "--timeout", str(TIMEOUT), "--force"], env=env)
    tap.check(r.code == 0 and r.out == (f"VM '{NAME}' did not shut down within {TIMEOUT} s: "
                                        "powered off\npowering the host off\n"),
              "(c) power off --force forces the VM off, then powers the host off",
              r.describe())
    tap.check(state(NAME) == "shut off" and read_calls(calls) == ["poweroff "],
              "(c) the VM is off and `poweroff` ran once",
              f"state: {state(NAME)}, calls: {read_calls(calls)}")


def menu_cases(tap, m, calls):
    clear_calls(calls)

    def gauge_then_question():
        m.wait_for("Exit")
        m.send("end", "up", "enter")  # Power: the row above Exit
        m.wait_for("Shell       a login shell")
        m.send("down", "enter")  # Power off
        m.wait_for("Power the host off?")
        m.send("y")
        screen = m.wait_for("Waiting for the VMs to shut down")
        assert f"{NAME}" in screen and "shutting down" in screen, screen
        screen = m.wait_for(f"Still running after {TIMEOUT} s", timeout=TIMEOUT + 20)
        assert NAME in screen and "Force off" in screen and "Wait" in screen, screen
        assert read_calls(calls) == [], read_calls(calls)
    if not systest.step(tap, "(d) menu: a gauge names the VM, then the force/wait question",
                gauge_then_question):
        return

    def wait_again():
        m.send("enter")  # the cursor starts on Wait
        m.wait_for("Waiting for the VMs to shut down")
        m.wait_for(f"Still running after {TIMEOUT} s", timeout=TIMEOUT + 20)
        assert state(NAME) == "running", state(NAME)
    systest.step(tap, "(d) menu: Wait waits again and asks again", wait_again)

    def back():
        m.send("esc")
        m.wait_for("Exit")
        assert state(NAME) == "running", state(NAME)
        assert read_calls(calls) == [], read_calls(calls)
    if not systest.step(tap, "(d) menu: Esc at the question goes back, the VM runs, the host stays on",
                back):
        return

    def again():
        m.send("end", "up", "enter")
        m.wait_for("Shell       a login shell")
        m.send("down", "enter")
        m.wait_for("Power the host off?")
        m.send("y")
        m.wait_for(f"Still running after {TIMEOUT} s", timeout=TIMEOUT + 20)
    if not systest.step(tap, "(d) menu: Power off again reaches the question again", again):
        return

    def force():
        m.send("down", "enter")  # Force off, under Wait
        m.wait_for("Powering the host off...")
        deadline = time.monotonic() + 10
        while read_calls(calls) != ["poweroff "] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert read_calls(calls) == ["poweroff "], read_calls(calls)
        assert state(NAME) == "shut off", state(NAME)
    systest.step(tap, "(d) menu: Force off forces the VM off, then `poweroff` runs", force)


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    others = others_running()
    if others:
        tap.bail("VMs not of this suite run on qemu:///system (" + ", ".join(others) +
                 "): `dkvm power` would shut them down; stop them and run again")
    with systest.scratch_dir() as scratch:
        bindir = os.path.join(scratch, "bin")
        os.makedirs(bindir)
        calls = os.path.join(scratch, "calls")
        fake(bindir, "poweroff", calls)
        fake(bindir, "reboot", calls)
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
        config = systest.write_config(scratch, "true")
        with open(config, "a") as f:
            f.write(f"shutdown_timeout={TIMEOUT}\n")
        base = [dkvm, "--connect", systest.URI, "--config", config]
        path = os.path.join(scratch, "power.xml")
        with open(path, "w") as f:
            f.write(DOMAIN)
        r = virsh("define", path)
        try:
            if tap.check(r.code == 0, "virsh defines the VM", r.describe()) and start_vm(tap):
                cli_cases(tap, base, env, calls)
                if start_vm(tap):
                    with Menu(dkvm, host=None, umockdev=False, connect=systest.URI,
                              config=config, env={"PATH": env["PATH"]}) as m:
                        menu_cases(tap, m, calls)
        finally:
            systest.remove_domain(NAME)
    tap.finish()


if __name__ == "__main__":
    main()
