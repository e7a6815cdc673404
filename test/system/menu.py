#!/usr/bin/env python3
"""`dkvm menu` on a real libvirtd, driven in tmux (test/menu/menutest.py):
the main screen lists a real VM, Start runs it under QEMU, Monitor shows its
vCPU threads, and when libvirtd goes away the main screen says so and keeps
retrying until libvirtd is back, then lists the VM again, still running;
Force off and Delete act on the real domain (checked with virsh).

usage: menu.py DKVM START_LIBVIRTD
"""

import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "menu"))
import systest  # noqa: E402
from menutest import Menu  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-menu"

DOMAIN = systest.diskless_domain(NAME, 1)


def state(name):
    r = virsh("domstate", name)
    return r.out.strip() if r.code == 0 else None


def row(screen, name):
    for line in screen.splitlines():
        fields = line.strip("│ ").split()
        if fields and fields[0] == name:
            return fields
    return []


def open_vm(m):
    m.wait_for(NAME)
    m.send("home", "enter")  # the only VM is the first row
    m.wait_for("What should happen to this VM?")


def libvirtd_pid():
    try:
        with open("/run/libvirtd.pid") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        config = systest.write_config(scratch, "true")
        path = os.path.join(scratch, "menu.xml")
        with open(path, "w") as f:
            f.write(DOMAIN)
        r = virsh("define", path)
        if tap.check(r.code == 0, "virsh defines the VM", r.describe()):
            with Menu(dkvm, host=None, umockdev=False, connect=systest.URI,
                      config=config) as m:
                try:
                    cases(tap, m, setup)
                finally:
                    # libvirtd must be back for the next test, whatever happened
                    run([setup, "0"], timeout=120)
        systest.remove_domain(NAME)
    tap.finish()


def cases(tap, m, setup):
    def listed_off():
        screen = m.wait_for(NAME)
        assert row(screen, NAME)[1:2] == ["shutoff"], screen
    systest.step(tap, "the main screen lists the real VM, shut off", listed_off)

    def start():
        open_vm(m)
        m.send("enter")  # Start
        m.wait_for("is running.")
        m.send("enter")
        m.wait_for("running")
        assert state(NAME) == "running", state(NAME)
    if not systest.step(tap, "Start runs it under QEMU", start):
        return

    def monitor():
        open_vm(m)
        m.send("down", "down", "down", "enter")  # Monitor
        screen = m.wait_for("Monitor " + NAME)
        assert "CPU" in screen, screen
        m.send("q")
        m.wait_for("Monitor " + NAME, gone=True)
    systest.step(tap, "Monitor shows the VM's vCPU thread", monitor)

    pid = libvirtd_pid()
    if not tap.check(pid is not None, "libvirtd's pid file names it"):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and os.path.exists("/proc/%d" % pid):
        time.sleep(0.1)
    systest.step(tap, "libvirtd gone: the main screen says so and the menu stays",
         lambda: m.wait_for("libvirt does not answer"))
    r = run([setup, "0"], timeout=120)
    tap.check(r.code == 0, "libvirtd started again", r.describe())

    def back():
        screen = m.wait_for(NAME, timeout=30)
        assert row(screen, NAME)[1:2] == ["running"], screen
    systest.step(tap, "libvirtd back: the menu lists the VM again, still running", back)

    def force_off():
        open_vm(m)
        m.send("down", "down", "enter")  # Force off
        m.wait_for("Force %s off now?" % NAME)
        m.send("left", "enter")
        m.wait_for("The VM is off.")
        m.send("enter")
        assert state(NAME) == "shut off", state(NAME)
    systest.step(tap, "Force off powers the real VM off", force_off)

    def delete():
        open_vm(m)
        m.send("end", "enter")  # Delete
        m.wait_for("Delete VM '%s'?" % NAME)
        m.send("left", "enter")
        m.wait_for("Also delete its disk image files?")
        m.send("enter")
        m.wait_for("VM '%s' is deleted." % NAME)
        m.send("enter")
        assert state(NAME) is None, state(NAME)
    systest.step(tap, "Delete undefines the real domain", delete)


if __name__ == "__main__":
    main()
