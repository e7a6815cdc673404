#!/usr/bin/env python3
"""libvirtd killed (SIGKILL) in the middle of `dkvm vm create` and of
`dkvm vm start`, at several moments: afterwards the VM is in its old state or
in its new one, never half, and the hugepage pool is as before unless the VM
runs.

- create: either no domain (and dkvm failed with one line naming libvirt),
  or the domain dkvm planned (the same XML as `vm create --print-xml`, and
  dkvm succeeded or failed after defining: both are "new");
- start (the pool 32 pages short, so dkvm grows it first): either the VM
  runs on the pages dkvm added, with their record (new), or it is shut off
  with the pool's total and free counts as before and no hugepage record
  left (old); where dkvm could not tell whether the dying libvirtd had
  started QEMU, the pages it added stay recorded for the VM and `vm stop`
  gives them back. A VM that runs is killed with `dkvm vm kill` afterwards, and
  then too the pool must be as before.

libvirtd is started again (test/system/start-libvirtd) after every kill.

usage: faults.py DKVM START_LIBVIRTD
"""

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-faults"
# from the start of dkvm to the kill: spread over what each command does
# (host discovery and planning, then the libvirt calls)
CREATE_DELAYS = [0.01, 0.02, 0.03, 0.045, 0.06, 0.1]
SHORT_POOL = 32
START_DELAYS = [0.05, 0.15, 0.3, 0.45, 0.6, 0.8, 1.0]


def libvirtd_pid():
    try:
        with open("/run/libvirtd.pid") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def record_pages():
    """The pages DKVM's hugepage record owes the VM (None: no record)."""
    path = os.path.join(systest.RECORD_DIR, NAME)
    try:
        with open(path) as f:
            return sum(int(line.split("=", 1)[1]) for line in f if line.startswith("pages="))
    except FileNotFoundError:
        return None


def kill_libvirtd_after(argv, delay):
    """Runs @argv, SIGKILLs libvirtd @delay seconds after it began, waits for
    @argv. Returns (exit status, stderr)."""
    pid = libvirtd_pid()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    if pid is not None:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, "dkvm did not return within 120 s after libvirtd died:\n" + err
    deadline = time.monotonic() + 10
    while pid is not None and os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    return proc.returncode, err


def restart_libvirtd(tap, setup):
    r = run([setup, "0"], timeout=120)
    if r.code != 0:
        tap.bail("libvirtd did not start again: " + r.describe())


def essentials(xml):
    """What DKVM planned, in a form that libvirt's additions do not change."""
    root = ET.fromstring(xml)
    pins = sorted((p.get("vcpu"), p.get("cpuset")) for p in root.iter("vcpupin"))
    return {
        "name": root.findtext("name"),
        "vcpus": root.findtext("vcpu"),
        "memory": root.findtext("memory"),
        "pages": [p.get("size") for p in root.iter("page")],
        "pins": pins,
        "tpm": [t.get("model") for t in root.iter("tpm")],
        "firmware": root.find("os").get("firmware"),
    }


def create_cases(tap, base, request, setup):
    r = run(base + ["vm", "create", NAME, *request, "--print-xml"])
    if not tap.check(r.code == 0, "vm create --print-xml gives the planned domain", r.describe()):
        return
    planned = r.out
    for delay in CREATE_DELAYS:
        systest.remove_domain(NAME)
        code, err = kill_libvirtd_after(base + ["vm", "create", NAME, *request], delay)
        restart_libvirtd(tap, setup)
        exists = systest.domain_exists(NAME)
        if exists:
            xml = virsh("dumpxml", "--inactive", NAME).out
            # libvirt fills in what the planned XML leaves to it (uuid, PCI
            # addresses, controllers): compare what DKVM planned
            tap.check(essentials(xml) == essentials(planned),
                      f"create, libvirtd killed after {delay} s: the domain is the "
                      f"planned one (dkvm exit {code})",
                      f"defined: {essentials(xml)}\nplanned: {essentials(planned)}")
        else:
            lines = [line for line in err.splitlines() if line.startswith("dkvm:")]
            tap.check(code not in (0, None) and len(lines) == 1,
                      f"create, libvirtd killed after {delay} s: no domain, and dkvm failed "
                      f"with one line (exit {code})", err)
    systest.remove_domain(NAME)


def start_cases(tap, base, request, setup):
    systest.remove_domain(NAME)
    r = run(base + ["vm", "create", NAME, *request])
    if not tap.check(r.code == 0, "the VM for the start cases is created", r.describe()):
        return
    for delay in START_DELAYS:
        # a pool 32 pages short of the VM's 64: dkvm grows it before the
        # start, so a failed start must give those pages back
        systest.set_pool(SHORT_POOL)
        nr0, free0, _ = systest.pool()
        code, err = kill_libvirtd_after(base + ["vm", "start", NAME], delay)
        restart_libvirtd(tap, setup)
        state = virsh("domstate", NAME).out.strip()
        nr1, free1, _ = systest.pool()
        record = os.path.exists(os.path.join(systest.RECORD_DIR, NAME))
        if state == "running":
            tap.check(record and nr1 > nr0 and free1 < free0 + (nr1 - nr0),
                      f"start, libvirtd killed after {delay} s: the VM runs on its "
                      f"reserved pages (dkvm exit {code})",
                      f"pool before nr={nr0} free={free0}, now nr={nr1} free={free1}; "
                      f"record {record}\n{err}")
            r = run(base + ["vm", "kill", NAME])
            nr2, free2, _ = systest.pool()
            tap.check(r.code == 0 and (nr2, free2) == (nr0, free0),
                      f"  ... and after vm kill the pool is as before (nr={nr2} free={free2})",
                      r.describe())
        else:
            # off: the pool as before; or, when dkvm could not tell whether
            # the dying libvirtd had started QEMU, the pages it added stay
            # recorded for the VM, and `vm stop` gives them back
            recorded = record_pages()
            tap.check(state == "shut off" and code not in (0, None)
                      and ((nr1, free1) == (nr0, free0) and not record
                           or recorded == nr1 - nr0 > 0),
                      f"start, libvirtd killed after {delay} s: the VM is off, dkvm failed "
                      f"(exit {code}), the pool is as before or the pages dkvm added are "
                      f"recorded for the VM ({recorded or 0})",
                      f"domstate {state!r}; pool before nr={nr0} free={free0}, now "
                      f"nr={nr1} free={free1}; recorded {recorded}\n{err}")
            if record:
                r = run(base + ["vm", "stop", NAME])
                nr2, free2, _ = systest.pool()
                tap.check(r.code == 0 and (nr2, free2) == (nr0, free0) and not record_pages(),
                          f"  ... and vm stop gives them back (nr={nr2} free={free2})",
                          r.describe())
    systest.remove_domain(NAME)


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 256)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        config = systest.tcg_config(scratch)
        base = [dkvm, "--connect", systest.URI, "--config", config]
        request = ["--preset", "linux", "--vcpus", "1", "--memory", "128M",
                   "--network", "none", "--hugepages", "--tpm"]
        nr_setup = systest.pool()[0]
        try:
            create_cases(tap, base, request, setup)
            start_cases(tap, base, request, setup)
        finally:
            restart_libvirtd(tap, setup)
            systest.remove_domain(NAME)
            if systest.pool()[0] != nr_setup:
                systest.set_pool(nr_setup)
    tap.finish()


if __name__ == "__main__":
    main()
