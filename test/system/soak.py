#!/usr/bin/env python3
"""Soak on the real libvirtd (marked slow; CI runs it): DKVM_SOAK_CYCLES
(default 200) create -> start -> stop -> delete cycles of one VM with
hugepages (every fourth with OVMF and an emulated TPM), in ONE process
(soak-driver, frontend/vm's workflows as the menu calls them), then a guest
that ignores ACPI.

After the cycles:
- the hugepage pool is as before (total and free), no hugepage record left;
- no QEMU and no swtpm process of the VM;
- no stray file in libvirt's directories (domain configs, NVRAM, swtpm state,
  runtime dir), compared as listings before and after;
- the driver's open descriptors are the same after every cycle from the
  fifth on, and its resident memory grew by less than RSS_GROWTH_KIB from
  cycle 20 to the last (the first cycles load libvirt's driver state and
  caches: warm-up, not a leak).

Then `vm stop --timeout 2` on a running guest that cannot answer ACPI (no
OS): exit 1, the message says it did not shut down and how to force it, the
VM still runs; `--force` then powers it off (README, "Running VMs").

usage: soak.py DKVM START_LIBVIRTD SOAK_DRIVER
"""

import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-soak"
ACPI_NAME = "dkvm-system-soak-noacpi"
RSS_GROWTH_KIB = 2048
# What a VM's life touches in libvirt's and DKVM's directories; each must
# list the same before and after (only this test's entries are compared, so
# a developer's own VMs on the same libvirtd do not matter).
DIRECTORIES = ["/etc/libvirt/qemu", "/var/lib/libvirt/qemu", systest.NVRAM_DIR,
               systest.SWTPM_DIR, "/run/libvirt/qemu", "/run/libvirt/qemu/swtpm",
               systest.RECORD_DIR]


def ours(entries, uuid_dirs):
    return sorted(e for e in entries if NAME in e or e in uuid_dirs)


def snapshot(uuid_dirs):
    return {d: ours(systest.listing(d), uuid_dirs) for d in DIRECTORIES}


def processes_of(name):
    """Command lines of running QEMU and swtpm processes that name @name."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        exe = os.path.basename(cmd.split(" ", 1)[0])
        if exe.startswith(("qemu-system", "swtpm")) and name in cmd:
            found.append(cmd[:200])
    return found


def parse_cycles(out):
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[0] == "cycle":
            rows.append((int(parts[1]), int(parts[3]), int(parts[5])))
    return rows


def soak(tap, dkvm_base, driver, config, cycles):
    swtpm_before = set(systest.listing(systest.SWTPM_DIR))
    before = snapshot(set())
    nr0, free0, _ = systest.pool()
    t0 = time.monotonic()
    # ASan keeps freed memory in quarantine (up to 256 MiB), which the RSS
    # check would take for a leak: without it, RSS is the heap's, and LSan
    # still checks for leaks when the driver exits
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(
        o for o in [env.get("ASAN_OPTIONS", ""), "quarantine_size_mb=0",
                    "thread_local_quarantine_size_kb=0"] if o)
    r = run([driver, "--connect", systest.URI, "--config", config, "--name", NAME,
             "--cycles", str(cycles)], timeout=60 + 10 * cycles, env=env)
    elapsed = time.monotonic() - t0
    rows = parse_cycles(r.out)
    tap.check(r.code == 0 and len(rows) == cycles,
              f"{cycles} create/start/stop/delete cycles in one process ({elapsed:.0f} s)",
              r.describe())
    # a VM's swtpm state dir is named by its uuid: any new one is a leftover
    new_uuid_dirs = set(systest.listing(systest.SWTPM_DIR)) - swtpm_before
    after = snapshot(new_uuid_dirs)
    diff = {d: (before[d], after[d]) for d in DIRECTORIES if before[d] != after[d]}
    tap.check(not diff and not new_uuid_dirs,
              "no stray file in libvirt's directories (configs, NVRAM, swtpm, runtime, records)",
              f"{diff}; new swtpm state dirs: {sorted(new_uuid_dirs)}")
    nr1, free1, _ = systest.pool()
    tap.check((nr1, free1) == (nr0, free0), "the hugepage pool is as before the cycles",
              f"before: nr={nr0} free={free0}; after: nr={nr1} free={free1}")
    left = processes_of(NAME)
    tap.check(not left, "no QEMU or swtpm process of the VM is left", f"{left}")
    tap.check(not systest.domain_exists(NAME), "no domain is left")
    if len(rows) < max(cycles, 25):
        tap.check(False, "fd count and RSS over the cycles",
                  f"only {len(rows)} cycles ran (at least 25 are needed to tell)")
        return
    fds = {fd for n, fd, _ in rows if n >= 5}
    tap.check(len(fds) == 1, "the driver's open descriptors stay flat from cycle 5 on",
              f"counts seen: {sorted(fds)}; per cycle: {[(n, fd) for n, fd, _ in rows]}")
    rss20 = next(rss for n, _, rss in rows if n == 20)
    rss_last = rows[-1][2]
    tap.check(rss_last - rss20 < RSS_GROWTH_KIB,
              f"the driver's RSS stays flat: {rss20} KiB at cycle 20, {rss_last} KiB at "
              f"cycle {rows[-1][0]} (growth under {RSS_GROWTH_KIB} KiB)",
              f"per cycle: {[(n, rss) for n, _, rss in rows]}")


def acpi_timeout(tap, dkvm_base):
    systest.remove_domain(ACPI_NAME)
    domain = systest.diskless_domain(ACPI_NAME, 1).replace(
        "</os>", "</os>\n  <features><acpi/><apic/></features>")
    with systest.scratch_dir() as scratch:
        path = os.path.join(scratch, "noacpi.xml")
        with open(path, "w") as f:
            f.write(domain)
        if not tap.check(virsh("define", path).code == 0 and virsh("start", ACPI_NAME).code == 0,
                         "a guest without OS (SeaBIOS looking for a disk) runs"):
            return
    try:
        t0 = time.monotonic()
        r = run(dkvm_base + ["vm", "stop", ACPI_NAME, "--timeout", "2"])
        waited = time.monotonic() - t0
        state = virsh("domstate", ACPI_NAME).out.strip()
        tap.check(r.code == 1 and "did not shut down within 2 s" in r.err and "--force" in r.err
                  and state == "running" and waited >= 2,
                  "vm stop --timeout 2 on a guest that ignores ACPI: exit 1 after the "
                  "timeout, says it did not shut down and names --force; the VM runs",
                  f"{r.describe()}\nwaited {waited:.1f} s, domstate {state}")
        r = run(dkvm_base + ["vm", "stop", ACPI_NAME, "--timeout", "1", "--force"])
        state = virsh("domstate", ACPI_NAME).out.strip()
        tap.check(r.code == 0 and state == "shut off",
                  "vm stop --timeout 1 --force then powers it off",
                  f"{r.describe()}\ndomstate {state}")
    finally:
        systest.remove_domain(ACPI_NAME)


def main():
    dkvm, setup, driver = sys.argv[1], sys.argv[2], sys.argv[3]
    cycles = int(os.environ.get("DKVM_SOAK_CYCLES", "200"))
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 256)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        config = systest.tcg_config(scratch)
        base = [dkvm, "--connect", systest.URI, "--config", config]
        nr_setup = systest.pool()[0]
        try:
            soak(tap, base, driver, config, cycles)
            acpi_timeout(tap, base)
        finally:
            systest.remove_domain(NAME)
            if systest.pool()[0] != nr_setup:
                systest.set_pool(nr_setup)
    tap.finish()


if __name__ == "__main__":
    main()
