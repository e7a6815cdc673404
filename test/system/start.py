#!/usr/bin/env python3
"""An honest `dkvm vm start` on a real libvirtd, and the checks before it:

(a) a guest QEMU pauses at once (KVM's "emulation failure": q35 + OVMF +
    host-passthrough under this kind of machine's nested KVM): exit 5, the
    message quotes QEMU's log line and names the log, the VM is off and
    still defined, the hugepage pool is as it was (DKVM grew it for the
    start and gave the pages back). Needs /dev/kvm: without it that case is
    a TAP skip, the rest runs;
(b) no hugetlbfs for the domain's page size: exit 4, the pool untouched;
(c) libvirt's `default` network inactive: `vm start` starts it and says so
    (or, where dnsmasq is missing, fails with libvirt's reason);
(d) a missing ISO: at create (exit 3, nothing defined; --print-xml still
    previews) and at start (exit 3, not started, pool untouched).

usage: start.py DKVM START_LIBVIRTD
"""

import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

PREFIX = "dkvm-system-start"
PAUSED = f"{PREFIX}-paused"
NOMOUNT = f"{PREFIX}-nomount"
NETWORK = f"{PREFIX}-net"
ISO = f"{PREFIX}-iso"
ISO_START = f"{PREFIX}-iso-start"
NAMES = [PAUSED, NOMOUNT, NETWORK, ISO, ISO_START]

# what this kind of machine's nested KVM cannot run (testing.md): QEMU pauses
# it with "KVM internal error. Suberror: 1, emulation failure"
KVM_OVMF = """<domain type='kvm'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  <memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>
  <vcpu>1</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
    <firmware><feature enabled='no' name='secure-boot'/></firmware>
  </os>
  <features><acpi/><apic/></features>
  <cpu mode='host-passthrough'/>
  <devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>
</domain>
"""

# a plain TCG guest (SeaBIOS) with hugepages of a given size and a device
PLAIN = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  {backing}
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <cpu mode='maximum'/>
  <devices>{devices}<graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>
</domain>
"""


def hugepages(page_kib):
    return ("<memoryBacking><hugepages>"
            f"<page size='{page_kib}' unit='KiB'/></hugepages></memoryBacking>")


def define(tap, scratch, name, xml):
    path = os.path.join(scratch, f"{name}.xml")
    with open(path, "w") as f:
        f.write(xml)
    r = virsh("define", path)
    return tap.check(r.code == 0, f"virsh defines {name}", r.describe())


def domstate(name):
    return virsh("domstate", "--reason", name).out.strip()


def first_error(result):
    lines = [line for line in result.err.splitlines() if line.startswith("dkvm: ")]
    return lines[-1] if lines else ""


def diff_without_nvram(before, after):
    """A start creates the VM's NVRAM (OVMF's variables) even when QEMU
    fails; everything else must be as before."""
    before = dict(before, nvram=None)
    after = dict(after, nvram=None)
    return systest.state_diff(before, after)


def short_pool(shortfall):
    """Leaves `shortfall` fewer free 2 MiB pages than a 64 MiB VM needs, so
    DKVM grows the pool for the start; returns the size to restore."""
    nr, free, resv = systest.pool()
    systest.set_pool(nr - (free - resv) + 32 - shortfall)
    return nr


def case_paused(tap, base, scratch):
    """(a) the start QEMU pauses: exit 5, the log line, off, defined, pool back."""
    what = "a start QEMU pauses at once (KVM emulation failure)"
    if not os.path.exists("/dev/kvm"):
        tap.skip(f"{what}: this machine has no /dev/kvm, so no KVM guest to pause")
        return
    if not define(tap, scratch, PAUSED, KVM_OVMF.format(name=PAUSED)):
        return
    nr = short_pool(10)
    try:
        before = systest.host_state()
        started = time.monotonic()
        r = run(base + ["vm", "start", PAUSED])
        elapsed = time.monotonic() - started
        after = systest.host_state()
        state = domstate(PAUSED)
    finally:
        if systest.domain_exists(PAUSED):
            virsh("destroy", PAUSED)
        systest.set_pool(nr)
    if r.code == 0 and state.startswith("running"):
        # a KVM that runs OVMF guests (a real host): the honest start found it
        # running, which is true; the failure case needs this machine's kind
        tap.check(True, f"{what}: this machine's KVM runs the guest, and vm start says so")
        tap.skip(f"{what}: this machine's KVM does not pause a q35 + OVMF guest")
        return
    log = f"/var/log/libvirt/qemu/{PAUSED}.log"
    message = first_error(r)
    tap.check(r.code == 5, f"{what}: exit status 5", r.describe())
    tap.check(message.startswith(f"dkvm: cannot start VM '{PAUSED}': QEMU paused it at once: ")
              and f"(log: {log})" in message
              and "hint: this host's KVM cannot run the guest" in r.err
              and "accelerator=tcg" in r.err,
              f"{what}: the message says QEMU paused it, names the log, and hints at "
              "accelerator=tcg", r.describe())
    quoted = message.split("at once: ", 1)[-1].split(" (log: ")[0]
    try:
        with open(log) as f:
            log_text = f.read()
    except OSError as e:
        log_text = str(e)
    tap.check("KVM internal error" in quoted and quoted.split(",")[0] in log_text,
              f"{what}: the message quotes QEMU's line from the log ({quoted})",
              r.describe())
    tap.check(state.startswith("shut off"), f"{what}: the VM is shut off", state)
    tap.check(systest.domain_exists(PAUSED), f"{what}: the VM stays defined")
    diff = diff_without_nvram(before, after)
    tap.check(diff == "", f"{what}: the hugepage pool and records are as before", diff)
    tap.note(f"vm start took {elapsed:.2f} s to find the pause")


def case_no_mount(tap, base, scratch):
    """(b) no hugetlbfs for the page size: exit 4, the pool untouched."""
    what = "no hugetlbfs mounted for the VM's page size"
    mounts = systest.hugetlbfs_page_sizes()
    unmounted = None
    if systest.pool_1g() is not None and 1048576 not in mounts:
        # this kernel has 1 GiB pages but nothing mounts them
        page = 1048576
    elif 2048 in mounts:
        # take the 2 MiB mount away for the case (under the suite's lock
        # nothing else starts a VM meanwhile), put it back whatever happens
        page = 2048
        unmounted = mounts[2048]
    else:
        tap.check(False, f"{what}: start-libvirtd mounted hugetlbfs", str(mounts))
        return
    if not define(tap, scratch, NOMOUNT, PLAIN.format(name=NOMOUNT, backing=hugepages(page),
                                                      devices="")):
        return
    nr = short_pool(10) if page == 2048 else None
    try:
        if unmounted is not None:
            u = run(["umount", unmounted])
            if not tap.check(u.code == 0, f"{what}: umount {unmounted} for the case",
                             u.describe()):
                return
        before = systest.host_state()
        r = run(base + ["vm", "start", NOMOUNT])
        after = systest.host_state()
    finally:
        if unmounted is not None:
            subprocess.run(["mount", "-t", "hugetlbfs", "hugetlbfs", unmounted], check=False)
        if nr is not None:
            systest.set_pool(nr)
    size = "1 GiB" if page == 1048576 else "2 MiB"
    tap.check(r.code == 4, f"{what} ({size}): exit status 4", r.describe())
    tap.check(first_error(r).startswith(f"dkvm: cannot start VM '{NOMOUNT}': no hugetlbfs is "
                                        f"mounted for {size} pages")
              and "hint: " in r.err and "mount -t hugetlbfs -o pagesize=" in r.err,
              f"{what} ({size}): the message says so, the hint names the mount command",
              r.describe())
    diff = systest.state_diff(before, after)
    tap.check(diff == "", f"{what} ({size}): the pool and everything else unchanged", diff)
    tap.check(domstate(NOMOUNT).startswith("shut off"), f"{what}: the VM did not start")
    if unmounted is not None:
        tap.check(2048 in systest.hugetlbfs_page_sizes(),
                  f"{what}: {unmounted} is mounted again")


def network_active(name):
    r = virsh("net-info", name)
    for line in r.out.splitlines():
        if line.startswith("Active:"):
            return line.split()[1] == "yes"
    return None


def case_network(tap, base, scratch):
    """(c) libvirt's default network inactive: started (or libvirt's reason)."""
    what = "libvirt's default network inactive"
    defined_here = False
    if network_active("default") is None:
        # libvirt-daemon-system ships it; a host without it gets it for the case
        template = "/usr/share/libvirt/networks/default.xml"
        r = virsh("net-define", template)
        if not tap.check(r.code == 0, f"{what}: define libvirt's default network",
                         r.describe()):
            return
        defined_here = True
    was_active = network_active("default")
    nic = "<interface type='network'><source network='default'/><model type='virtio'/></interface>"
    if not define(tap, scratch, NETWORK, PLAIN.format(name=NETWORK, backing="", devices=nic)):
        return
    try:
        if was_active:
            virsh("net-destroy", "default")
        r = run(base + ["vm", "start", NETWORK])
        state = domstate(NETWORK)
        active = network_active("default")
        dnsmasq = shutil.which("dnsmasq") or os.path.exists("/usr/sbin/dnsmasq")
        if dnsmasq:
            tap.check(r.code == 0 and state.startswith("running"),
                      f"{what}: vm start starts the VM", r.describe() + "\n" + state)
            tap.check("dkvm: libvirt's network 'default' was inactive: started it" in r.err,
                      f"{what}: vm start says it started the network", r.describe())
            tap.check(active is True, f"{what}: the network is active afterwards")
            tap.skip(f"{what}, dnsmasq missing: dnsmasq is installed here (the failing "
                     "case needs a machine without it)")
        else:
            tap.check(r.code == 5 and not state.startswith("running"),
                      f"{what}, dnsmasq missing: exit status 5, the VM not started",
                      r.describe() + "\n" + state)
            tap.check(first_error(r).startswith(
                f"dkvm: cannot start VM '{NETWORK}': libvirt's network 'default' is inactive "
                "and cannot start: ") and "dnsmasq" in r.err,
                f"{what}, dnsmasq missing: the message quotes libvirt's reason", r.describe())
            tap.check("no error" not in r.err, f"{what}: libvirt's message is not lost",
                      r.describe())
            tap.skip(f"{what}: starting it needs dnsmasq, which this machine lacks")
    finally:
        if systest.domain_exists(NETWORK):
            virsh("destroy", NETWORK)
        # the network as it was found
        if not was_active and network_active("default"):
            virsh("net-destroy", "default")
        if was_active and not network_active("default"):
            virsh("net-start", "default")
        if defined_here:
            virsh("net-undefine", "default")


def case_missing_iso(tap, base, small, scratch):
    """(d) a missing ISO at create and at start."""
    gone = os.path.join(scratch, "gone.iso")
    what = "create with an ISO that does not exist"
    before = systest.host_state()
    r = run(base + ["vm", "create", ISO, *small, "--cdrom", gone])
    tap.check(r.code == 3, f"{what}: exit status 3", r.describe())
    tap.check(first_error(r).startswith(f"dkvm: VM '{ISO}' not created: {gone} does not exist "
                                        "(CD-ROM "),
              f"{what}: the message names the file", r.describe())
    diff = systest.state_diff(before, systest.host_state())
    tap.check(diff == "" and not systest.domain_exists(ISO), f"{what}: nothing is defined",
              diff)
    r = run(base + ["vm", "create", ISO, *small, "--cdrom", gone, "--print-xml"])
    tap.check(r.code == 0 and gone in r.out and not systest.domain_exists(ISO),
              f"{what}: --print-xml still previews it (the ISO may come later)", r.describe())

    what = "start after the ISO was removed"
    iso = os.path.join(scratch, "install.iso")
    with open(iso, "wb") as f:
        f.write(b"\0" * 65536)
    r = run(base + ["vm", "create", ISO_START, *small, "--hugepages", "--cdrom", iso])
    if not tap.check(r.code == 0, f"{what}: create with the ISO there", r.describe()):
        return
    os.unlink(iso)
    nr = short_pool(10)
    try:
        before = systest.host_state()
        r = run(base + ["vm", "start", ISO_START])
        after = systest.host_state()
    finally:
        systest.set_pool(nr)
    tap.check(r.code == 3, f"{what}: exit status 3", r.describe())
    tap.check(first_error(r).startswith(f"dkvm: cannot start VM '{ISO_START}': {iso} does not "
                                        "exist (CD-ROM "),
              f"{what}: the message names the file", r.describe())
    tap.check(domstate(ISO_START).startswith("shut off"), f"{what}: the VM did not start")
    diff = systest.state_diff(before, after)
    tap.check(diff == "", f"{what}: the pool and everything else unchanged", diff)


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 256)
    for name in NAMES:
        systest.remove_domain(name)
    with systest.scratch_dir() as scratch:
        config = systest.write_config(scratch, "true")
        base = [dkvm, "--connect", systest.URI, "--config", config]
        small = ["--preset", "linux", "--vcpus", "1", "--memory", "128M", "--network", "none"]
        try:
            case_paused(tap, base, scratch)
            case_no_mount(tap, base, scratch)
            case_network(tap, base, scratch)
            case_missing_iso(tap, base, small, scratch)
        finally:
            for name in NAMES:
                systest.remove_domain(name)
    tap.finish()


if __name__ == "__main__":
    main()
