#!/usr/bin/env python3
"""`dkvm vm monitor` on a real libvirtd reads each vCPU's QEMU thread from
/proc (threads QEMU names "CPU n/TCG" or "CPU n/KVM") and never talks to
QEMU's monitor itself: libvirt's log of the VM gets no "tainted:
custom-monitor" line. As a control, a QMP command sent through
`virsh qemu-monitor-command` afterwards does add that line, so the check can
see a taint when there is one.

usage: monitor.py DKVM START_LIBVIRTD
"""

import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-monitor"
LOG = f"/var/log/libvirt/qemu/{NAME}.log"

DOMAIN = systest.diskless_domain(NAME, 2)


def log_size():
    try:
        return os.path.getsize(LOG)
    except OSError:
        return 0


def log_since(offset):
    try:
        with open(LOG, errors="replace") as f:
            f.seek(offset)
            return f.read()
    except OSError:
        return ""


def tainted(text):
    return [line for line in text.splitlines()
            if "tainted" in line and "custom-monitor" in line]


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        config = systest.write_config(scratch, "true")
        base = [dkvm, "--connect", systest.URI, "--config", config]
        path = os.path.join(scratch, "monitor.xml")
        with open(path, "w") as f:
            f.write(DOMAIN)
        try:
            cases(tap, base, path)
        finally:
            systest.remove_domain(NAME)
    tap.finish()


def cases(tap, base, path):
    r = virsh("define", path)
    if not tap.check(r.code == 0, "virsh defines the VM", r.describe()):
        return
    offset = log_size()
    r = run(base + ["vm", "start", NAME])
    if not tap.check(r.code == 0, f"dkvm vm start {NAME}", r.describe()):
        return
    time.sleep(1)  # let QEMU create its vCPU threads

    r = run(base + ["vm", "monitor", NAME, "--json"])
    mon = systest.json_or_none(r.out) if r.code == 0 else None
    tap.check(mon is not None, "dkvm vm monitor --json", r.describe())
    mon = mon or {}
    pid = mon.get("pid")
    tap.check(isinstance(pid, int) and pid == systest.qemu_pid(NAME),
              "its pid is QEMU's (libvirt's pid file)", f"{mon}")
    vcpus = mon.get("vcpus") or []
    tap.check(len(vcpus) == 2, "two vCPUs", f"{mon}")
    for v in vcpus:
        n, tid = v.get("vcpu"), v.get("thread_id")
        comm = ""
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
        except (OSError, TypeError):
            pass
        tap.check(re.fullmatch(rf"CPU {n}/(TCG|KVM)", comm) is not None,
                  f"vCPU {n}: thread {tid} is QEMU's thread 'CPU {n}/...'",
                  f"{v}; comm {comm!r}")
        tap.check(isinstance(v.get("host_cpu"), int) and v["host_cpu"] >= 0,
                  f"vCPU {n}: the host CPU it last ran on is known", f"{v}")
    tap.check(not any("QMP" in n for n in mon.get("notes", [])),
              "no note about QMP (the connection is local)", f"{mon.get('notes')}")

    r = run(base + ["vm", "monitor", NAME])
    tap.check(r.code == 0 and f"VM {NAME}: running, QEMU pid {pid}" in r.out,
              "dkvm vm monitor (text)", r.describe())

    log = log_since(offset)
    tap.check(log != "", f"libvirt wrote the VM's log {LOG}", LOG)
    tap.check(not tainted(log), "the log has no 'tainted: custom-monitor' line after "
              "vm monitor", "\n".join(tainted(log)))

    # control: QMP through libvirt-qemu does taint, and the check above sees it
    r = virsh("qemu-monitor-command", NAME, '{"execute":"query-cpus-fast"}')
    tap.check(r.code == 0, "virsh qemu-monitor-command query-cpus-fast answers", r.describe())
    time.sleep(0.5)
    tap.check(len(tainted(log_since(offset))) > 0,
              "control: QMP through virsh does write 'tainted: custom-monitor'",
              log_since(offset)[-2000:])

    r = run(base + ["vm", "kill", NAME])
    tap.check(r.code == 0, f"dkvm vm kill {NAME}", r.describe())


if __name__ == "__main__":
    main()
