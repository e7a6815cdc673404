#!/usr/bin/env python3
"""`dkvm power button|off|reboot` on libvirt's test driver (node file
test/data/libvirt/node.xml: one VM, `linux`, runs). The host's `poweroff`
and `reboot` are fakes put first in PATH that record their call, so the
machine running the test is never powered off. The test driver shuts a
guest down the moment it is asked; a guest that ignores ACPI (the refusal
without --force, the forced power off) is the system suite's
(test/system/power.py). Prints TAP.

Usage: test-power-cli.py DKVM NODE_XML
"""
import os
import stat
import subprocess
import sys
import tempfile

from tapcases import Cases

DKVM, NODE = sys.argv[1], os.path.abspath(sys.argv[2])
URI = "test://" + NODE
TMP = tempfile.mkdtemp(prefix="dkvm-power-")
ROOT = os.path.join(TMP, "root")
os.makedirs(os.path.join(ROOT, "sys/kernel/mm/hugepages/hugepages-2048kB"))
FAKES = os.path.join(TMP, "bin")
EMPTY = os.path.join(TMP, "empty-bin")
os.makedirs(FAKES)
os.makedirs(EMPTY)
CALLS = os.path.join(TMP, "calls")

# a node with VMs, none of them running
IDLE_NODE = os.path.join(TMP, "idle.xml")
with open(IDLE_NODE, "w") as f:
    f.write("""<node>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>idle</name>
    <memory unit='MiB'>512</memory>
    <os><type arch='x86_64'>hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
</node>
""")
IDLE = "test://" + IDLE_NODE

# two running VMs (the test driver runs a domain without a runstate) and one off
BUSY_NODE = os.path.join(TMP, "busy.xml")
with open(BUSY_NODE, "w") as f:
    f.write("""<node>
  <domain type='test'>
    <name>zeta</name>
    <memory unit='MiB'>512</memory>
    <os><type arch='x86_64'>hvm</type></os>
  </domain>
  <domain type='test'>
    <name>alpha</name>
    <memory unit='MiB'>512</memory>
    <os><type arch='x86_64'>hvm</type></os>
  </domain>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>off</name>
    <memory unit='MiB'>512</memory>
    <os><type arch='x86_64'>hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
</node>
""")
BUSY = "test://" + BUSY_NODE


def fake(name, status=0, message=""):
    """`name` in FAKES: records "name ARGS" in CALLS, prints `message` to
    stderr and exits with `status`."""
    path = os.path.join(FAKES, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n"
                f'echo "{name} $*" >> "{CALLS}"\n'
                + (f'echo "{message}" >&2\n' if message else "")
                + f"exit {status}\n")
    os.chmod(path, stat.S_IRWXU)


def calls():
    try:
        with open(CALLS) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def config(extra=""):
    path = os.path.join(TMP, "dkvm.conf")
    with open(path, "w") as f:
        f.write("[host]\npersist_command=\n" + extra)
    return path


def dkvm(*args, uri=URI, path=FAKES, conf=None):
    if os.path.exists(CALLS):
        os.unlink(CALLS)
    env = dict(os.environ, DKVM_SYSFS_ROOT=ROOT,
               PATH=path + os.pathsep + os.environ.get("PATH", "") if path == FAKES else path)
    cmd = [DKVM, "--connect", uri, "--config", conf or config()] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=60, env=env)


def expect(result, rc, stdout=None, stderr=None):
    where = f"\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    assert result.returncode == rc, f"exit {result.returncode}, expected {rc}{where}"
    if stdout is not None:
        assert result.stdout == stdout, f"stdout {result.stdout!r} != {stdout!r}{where}"
    if stderr is not None:
        assert result.stderr == stderr, f"stderr {result.stderr!r} != {stderr!r}{where}"


test = Cases()


@test
def button_asks_the_running_vm_and_leaves_the_host_on():
    fake("poweroff")
    fake("reboot")
    expect(dkvm("power", "button"), 0, "asked VM 'linux' to shut down\n", "")
    assert calls() == [], calls()


@test
def button_with_no_vm_running_powers_the_host_off():
    fake("poweroff")
    expect(dkvm("power", "button", uri=IDLE), 0,
           "no VM is running\npowering the host off\n", "")
    assert calls() == ["poweroff "], calls()


@test
def power_off_shuts_the_vm_down_then_powers_off():
    fake("poweroff")
    fake("reboot")
    expect(dkvm("power", "off", "--timeout", "5"), 0,
           "VM 'linux' is shut down\npowering the host off\n", "")
    assert calls() == ["poweroff "], calls()


@test
def power_reboot_shuts_the_vm_down_then_reboots():
    fake("poweroff")
    fake("reboot")
    expect(dkvm("power", "reboot"), 0, "VM 'linux' is shut down\nrebooting the host\n", "")
    assert calls() == ["reboot "], calls()


@test
def every_running_vm_is_asked_by_name_and_none_other():
    fake("poweroff")
    expect(dkvm("power", "button", uri=BUSY), 0,
           "asked VM 'alpha' to shut down\nasked VM 'zeta' to shut down\n", "")
    assert calls() == [], calls()
    expect(dkvm("power", "off", uri=BUSY), 0,
           "VM 'alpha' is shut down\nVM 'zeta' is shut down\npowering the host off\n", "")
    assert calls() == ["poweroff "], calls()


@test
def power_off_with_no_vm_running():
    fake("poweroff")
    expect(dkvm("power", "off", uri=IDLE), 0, "powering the host off\n", "")
    assert calls() == ["poweroff "], calls()


@test
def bad_timeout_is_bad_input_and_changes_nothing():
    fake("poweroff")
    expect(dkvm("power", "off", "--timeout", "-3"), 2, "",
           "dkvm: power off: --timeout -3: use 0 to 86400 seconds\n")
    expect(dkvm("power", "reboot", "--timeout", "soon"), 2)
    assert calls() == [], calls()


@test
def bad_shutdown_timeout_in_dkvm_conf_is_named():
    fake("poweroff")
    conf = config("shutdown_timeout=later\n")
    r = dkvm("power", "off", conf=conf)
    expect(r, 2, "")
    assert r.stderr.startswith(f"dkvm: {conf}: shutdown_timeout: "), r.stderr
    assert calls() == [], calls()


@test
def extra_arguments_are_refused():
    fake("poweroff")
    r = dkvm("power", "button", "now")
    expect(r, 2)
    assert calls() == [], calls()


@test
def a_failing_poweroff_is_reported_with_its_reason():
    fake("poweroff", 1, "poweroff: must be superuser")
    expect(dkvm("power", "button", uri=IDLE), 1, "no VM is running\npowering the host off\n",
           "dkvm: cannot power the host off: `poweroff` failed: poweroff: must be superuser\n")


@test
def a_missing_reboot_command_is_named():
    expect(dkvm("power", "reboot", uri=IDLE, path=EMPTY), 1, "rebooting the host\n",
           "dkvm: cannot reboot the host: `reboot` is not in PATH\n")


if __name__ == "__main__":
    sys.exit(test.run(scratch=TMP))
