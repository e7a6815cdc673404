#!/usr/bin/env python3
"""The journey of one VM on a real libvirtd with QEMU under TCG, through the
real dkvm binary, checked from outside with virsh, /proc and sysfs:

create (pinned vCPUs, hugepages, OVMF with Secure Boot, emulated TPM 2.0) ->
start -> it runs, vcpupin/emulatorpin are the plan's, the hugepage pool's
free count dropped by the VM's pages, an swtpm serves it, `vm monitor --json`
knows each vCPU's thread and host CPU -> stop -> pages back, swtpm gone ->
delete -> no domain, no NVRAM, no TPM state, no hugepage record.

The VM has no disk and no network: OVMF booting to its shell is enough to
prove the domain is what DKVM planned, and keeps the suite fast under TCG.

dkvm.conf says accelerator=tcg, so the journey is the same on machines with
and without /dev/kvm: under nested KVM a q35 guest with OVMF and
host-passthrough is paused at once by a KVM emulation failure (testing.md).
On a KVM machine this is the forced-TCG journey; hypervisor.py covers KVM.

usage: journey.py DKVM START_LIBVIRTD
"""

import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-journey"
MEMORY = "128M"  # 64 pages of 2 MiB
SHORT_POOL = 54  # free pages before start: 10 short


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 256)
    systest.remove_domain(NAME)

    # The default host reserve keeps CPU 0's core: 2 pinned vCPUs need 3 CPUs.
    # On a 2-CPU machine (CI) the test host keeps no reserve (reserve=none),
    # so the VM still gets its 2 pinned vCPUs.
    online = len(os.sched_getaffinity(0))
    vcpus = 2 if online >= 2 else 1
    reserve = None if online >= 3 else "none"
    if reserve is not None:
        tap.note(f"this host has {online} CPUs: dkvm.conf says reserve=none so that "
                 f"{vcpus} vCPUs can be pinned")

    with systest.scratch_dir() as scratch:
        marker = os.path.join(scratch, "persisted")
        config = systest.write_config(scratch, f"sh -c 'echo saved >> {marker}'", reserve)
        with open(config, "a") as f:
            f.write("accelerator=tcg\n")
        base = [dkvm, "--connect", systest.URI, "--config", config]
        request = ["--preset", "windows11", "--vcpus", str(vcpus), "--memory", MEMORY,
                   "--network", "none", "--tpm", "--hugepages"]
        if systest.has_cap_sys_resource():
            # <locked/> (off by default) makes libvirtd lift QEMU's memlock
            # limit, which needs CAP_SYS_RESOURCE (FINDINGS.md, "Locked
            # memory"); where root has it, the journey runs the option too
            request.append("--lock-memory")
        else:
            tap.note("root here has no CAP_SYS_RESOURCE: the VM runs with the default, "
                     "unlocked memory (--lock-memory could not start here)")
        nr_setup = systest.pool()[0]
        try:
            journey(tap, base, request, vcpus, marker)
        finally:
            systest.remove_domain(NAME)
            if systest.pool()[0] != nr_setup:
                systest.set_pool(nr_setup)
    tap.finish()


def saves(marker):
    """How often the persist command ran (it appends a line each time)."""
    try:
        with open(marker) as f:
            return f.read().count("saved")
    except FileNotFoundError:
        return 0


def journey(tap, base, request, vcpus, marker):

    # the plan: what the domain must say
    r = run(base + ["plan", *request, "--json"])
    plan = systest.json_or_none(r.out) if r.code == 0 else None
    tap.check(plan is not None, "dkvm plan --json gives the plan", r.describe())
    cpu = (plan or {}).get("cpu") or {}
    hugepages = (plan or {}).get("hugepages") or {}
    tap.check(len(cpu.get("vcpu_pins", [])) == vcpus and hugepages.get("pages") == 64,
              f"the plan pins {vcpus} vCPUs and backs 128 MiB with 64 pages of 2 MiB",
              f"plan: {plan}")
    if plan is not None:
        hv = plan.get("hypervisor") or {}
        tap.check(plan.get("kvm") is False and hv.get("domain_type") == "qemu"
                  and hv.get("cpu_mode") == "maximum" and hv.get("hyperv") == []
                  and hv.get("from_capabilities") is True,
                  "accelerator=tcg: the plan (from libvirt's capabilities) says type qemu, "
                  "mode maximum, no Hyper-V", f"kvm: {plan.get('kvm')}, hypervisor: {hv}")

    # create
    r = run(base + ["vm", "create", NAME, *request])
    if not tap.check(r.code == 0 and systest.domain_exists(NAME), f"dkvm vm create {NAME}",
                     r.describe()):
        return
    tap.check(saves(marker) == 1, "the persist command ran after create",
              f"it ran {saves(marker)} times")
    xml = virsh("dumpxml", "--inactive", NAME).out
    locked = "--lock-memory" in request
    tap.check(("<locked/>" in xml) == locked,
              f"the defined domain {'locks' if locked else 'does not lock'} its memory",
              xml[:3000])
    for needle, what in [("type='qemu'", "TCG domain (type='qemu')"),
                         ("mode='maximum'", "CPU mode maximum"),
                         ("<hugepages>", "hugepages memory backing"),
                         ("firmware='efi'", "OVMF through firmware autoselection"),
                         ("name='secure-boot'", "Secure Boot firmware feature"),
                         ("<backend type='emulator' version='2.0'", "TPM 2.0 emulator"),
                         ("<vcpupin", "vCPU pinning")]:
        tap.check(needle in xml, f"the defined domain has {what}", f"missing {needle!r}")

    # start, with 10 pages fewer free than the VM needs: DKVM grows the pool
    # (for real, in the kernel) and gives those pages back at stop
    nr, free, resv = systest.pool()
    systest.set_pool(nr - (free - resv) + SHORT_POOL)
    nr0, free0, _ = systest.pool()
    tap.check(free0 == SHORT_POOL, f"the pool has {SHORT_POOL} free pages before start",
              f"nr={nr0} free={free0}")
    r = run(base + ["vm", "start", NAME])
    if not tap.check(r.code == 0, f"dkvm vm start {NAME}", r.describe()):
        if "cannot limit locked memory" in r.err:
            tap.note("<memoryBacking><locked/> needs CAP_SYS_RESOURCE, which this machine's "
                     "root lacks: see test/system/FINDINGS.md, 'Locked memory'")
        return
    state = virsh("domstate", NAME).out.strip()
    tap.check(state == "running", "the VM runs", f"domstate: {state}")
    uuid = systest.domain_uuid(NAME)
    firmware = systest.qemu_firmware(NAME)
    tap.check(firmware is not None and "secure-boot" in firmware["features"],
              "QEMU runs an OVMF build with Secure Boot (chosen by libvirt)",
              f"firmware descriptor: {firmware}")
    tap.check(os.path.exists(os.path.join(systest.NVRAM_DIR, f"{NAME}_VARS.fd")),
              "it has its own NVRAM (UEFI variables)", f"{systest.listing(systest.NVRAM_DIR)}")

    # pinning as planned
    pins, r = systest.virsh_vcpupin(NAME)
    want = {p["vcpu"]: {p["cpu"]} for p in cpu.get("vcpu_pins", [])}
    tap.check(pins == want, "virsh vcpupin matches the plan",
              f"plan: {want}\nvirsh: {pins}\n{r.out}")
    emu, r = systest.virsh_emulatorpin(NAME)
    tap.check(emu == set(cpu.get("emulator_cpus", [])), "virsh emulatorpin matches the plan",
              f"plan: {cpu.get('emulator_cpus')}\nvirsh: {emu}\n{r.out}")

    # hugepages: the pool's free count dropped by the VM's pages (after any growth)
    nr1, free1, resv1 = systest.pool()
    grown = nr1 - nr0
    tap.check(free0 + grown - free1 == 64,
              "the hugepage pool's free count dropped by the VM's 64 pages",
              f"before: nr={nr0} free={free0}; after: nr={nr1} free={free1}")
    tap.check(grown == 64 - SHORT_POOL, f"dkvm grew the pool by the {64 - SHORT_POOL} "
              "missing pages", f"before: nr={nr0}; after: nr={nr1}")

    # the TPM
    serving = [cmd for cmd in systest.swtpm_processes().values()
               if uuid and f"/swtpm/{uuid}/" in cmd]
    tap.check(len(serving) == 1, "an swtpm process serves the VM's TPM",
              f"swtpm processes: {systest.swtpm_processes()}")

    # monitor: a thread id and a host CPU per vCPU, the thread being QEMU's
    time.sleep(2)  # let the vCPU threads run on their pinned CPUs
    r = run(base + ["vm", "monitor", NAME, "--json"])
    mon = systest.json_or_none(r.out) if r.code == 0 else None
    tap.check(mon is not None, "dkvm vm monitor --json", r.describe())
    mon_vcpus = (mon or {}).get("vcpus") or []
    qemu_pid = (mon or {}).get("pid")
    tap.check(len(mon_vcpus) == vcpus, f"monitor reports {vcpus} vCPUs", f"{mon}")
    for v in mon_vcpus:
        n, tid, host_cpu = v.get("vcpu"), v.get("thread_id"), v.get("host_cpu")
        tap.check(isinstance(tid, int) and os.path.isdir(f"/proc/{qemu_pid}/task/{tid}"),
                  f"vCPU {n}: thread {tid} is a thread of QEMU (pid {qemu_pid})", f"{v}")
        tap.check(isinstance(host_cpu, int) and host_cpu in want.get(n, set()),
                  f"vCPU {n}: last ran on host CPU {host_cpu}, where it is pinned",
                  f"{v}; pinned to {want.get(n)}")

    # stop: OVMF's shell ignores ACPI shutdown, so a short timeout and --force
    r = run(base + ["vm", "stop", NAME, "--timeout", "3", "--force"])
    tap.check(r.code == 0, f"dkvm vm stop {NAME} --force", r.describe())
    state = virsh("domstate", NAME).out.strip()
    tap.check(state == "shut off", "the VM is off", f"domstate: {state}")
    serving = [cmd for cmd in systest.swtpm_processes().values()
               if uuid and f"/swtpm/{uuid}/" in cmd]
    tap.check(not serving, "its swtpm is gone", f"{serving}")
    nr2, free2, _ = systest.pool()
    tap.check((nr2, free2) == (nr0, free0), "the hugepages are back (pool as before start)",
              f"before start: nr={nr0} free={free0}; after stop: nr={nr2} free={free2}")

    # delete
    saved = saves(marker)
    r = run(base + ["vm", "delete", NAME, "--yes"])
    tap.check(r.code == 0, f"dkvm vm delete {NAME}", r.describe())
    tap.check(not systest.domain_exists(NAME), "no domain is left", virsh("list", "--all").out)
    nvram = [f for f in systest.listing(systest.NVRAM_DIR) if f.startswith(NAME + "_")]
    tap.check(not nvram, "its NVRAM is gone", f"{nvram}")
    tap.check(uuid is not None and not os.path.exists(os.path.join(systest.SWTPM_DIR, uuid)),
              "its TPM state is gone", f"{systest.listing(systest.SWTPM_DIR)}")
    tap.check(not os.path.exists(os.path.join(systest.RECORD_DIR, NAME)),
              "no hugepage record is left", f"{systest.listing(systest.RECORD_DIR)}")
    tap.check(saves(marker) > saved, "the persist command ran after delete")
    nr3, free3, _ = systest.pool()
    tap.check((nr3, free3) == (nr0, free0), "after delete the hugepage pool is still as before start",
              f"before: nr={nr0} free={free0}; now: nr={nr3} free={free3}")


if __name__ == "__main__":
    main()
