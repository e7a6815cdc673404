#!/usr/bin/env python3
"""`dkvm vm import` of the original DKVM's data partition on a real libvirtd:
a partition written in the original's format (folder 0 with a vm_config,
OVMF_VARS.fd copied from the host's plain OVMF as the original did at first
start, and a real swtpm TPM 2.0 state made by swtpm_setup in tpm/) imports;
after define and before start the VM's NVRAM and swtpm state
(/var/lib/libvirt/swtpm/<uuid>/tpm2) are byte for byte the partition's; the
original's files are untouched; a second import leaves the VM alone; the VM
starts (TCG) and the swtpm serving it uses the imported state.

usage: legacy.py DKVM START_LIBVIRTD
"""

import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-legacy-win"
TITLE = "dkvm-system-legacy win"
PLAIN_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def tree_bytes(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                out[os.path.relpath(os.path.join(root, f), d)] = fh.read()
    return out


def make_partition(tap, scratch):
    part = os.path.join(scratch, "dkvmdata")
    folder = os.path.join(part, "0")
    tpm = os.path.join(folder, "tpm")
    os.makedirs(tpm)
    with open(os.path.join(folder, "vm_config"), "w") as f:
        f.write(f"NAME={TITLE}\n\n# MAC Address\nMAC=DE:AD:BE:EF:66:61\n")
    shutil.copyfile(PLAIN_VARS, os.path.join(folder, "OVMF_VARS.fd"))
    r = run(["swtpm_setup", "--tpm2", "--tpm-state", tpm, "--createek", "--overwrite"])
    tap.check(r.code == 0 and os.listdir(tpm), "swtpm_setup made a TPM 2.0 state for folder 0",
              r.describe())
    with open(os.path.join(part, "cpuOptions"), "w") as f:
        f.write("hv-relaxed\nhv-spinlocks=0x1fff\n")
    return part


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    online = len(os.sched_getaffinity(0))
    with systest.scratch_dir() as scratch:
        config = systest.write_config(scratch, "true", None if online >= 3 else "none")
        with open(config, "a") as f:
            f.write("accelerator=tcg\n")  # the same VM with and without /dev/kvm
        base = [dkvm, "--connect", systest.URI, "--config", config]
        part = make_partition(tap, scratch)
        original = tree_bytes(part)
        nr_setup = systest.pool()[0]
        try:
            check(tap, base, part, original)
        finally:
            systest.remove_domain(NAME)
            if systest.pool()[0] != nr_setup:
                systest.set_pool(nr_setup)
    tap.finish()


def check(tap, base, part, original):
    # NVRAM left at the VM's path (an earlier VM of that name): refused, nothing defined,
    # that file kept as it was
    nvram = os.path.join(systest.NVRAM_DIR, f"{NAME}_VARS.fd")
    with open(nvram, "wb") as f:
        f.write(b"someone else's variables")
    try:
        r = run(base + ["vm", "import", part, "--memory", "128M"])
        with open(nvram, "rb") as f:
            kept = f.read() == b"someone else's variables"
        tap.check(r.code == 4 and not systest.domain_exists(NAME) and kept
                  and r.err.startswith(f"dkvm: skipped folder 0 (VM '{NAME}'): its NVRAM file "
                                       f"{nvram} exists already"),
                  "an NVRAM file already there is never overwritten: the folder is refused, "
                  "nothing defined", r.describe())
    finally:
        os.unlink(nvram)

    r = run(base + ["vm", "import", part, "--memory", "128M"])
    if not tap.check(r.code == 0 and systest.domain_exists(NAME),
                     f"dkvm vm import of the original's partition defines {NAME}",
                     r.describe()):
        return
    uuid = systest.domain_uuid(NAME)
    state = os.path.join(systest.SWTPM_DIR, uuid or "none", "tpm2")
    tap.check(r.out == f"imported VM '{NAME}' (title \"{TITLE}\") from folder 0, NVRAM copied "
              f"to {nvram}, TPM state copied to {state}\n",
              "it says what it imported and where the state went", r.describe())
    xml = virsh("dumpxml", "--inactive", NAME).out
    tap.check(f"<title>{TITLE}</title>" in xml, "the original's NAME is the title", xml[:800])

    # after define, before start: the state is the partition's, byte for byte
    with open(nvram, "rb") as f:
        tap.check(f.read() == original["0/OVMF_VARS.fd"],
                  "the VM's NVRAM is the partition's OVMF_VARS.fd, byte for byte", nvram)
    copied = tree_bytes(state) if os.path.isdir(state) else {}
    want = {k[len("0/tpm/"):]: v for k, v in original.items() if k.startswith("0/tpm/")}
    tap.check(copied == want, "the VM's swtpm state is the partition's tpm/, byte for byte",
              f"{state}: {sorted(copied)}; partition: {sorted(want)}")
    tap.check(tree_bytes(part) == original, "the original's files are unchanged", part)

    # a second import changes nothing
    xml_before = virsh("dumpxml", "--inactive", NAME).out
    r = run(base + ["vm", "import", part, "--memory", "128M"])
    tap.check(r.code == 0 and r.out == f"VM '{NAME}' exists: folder 0 left alone\n"
              and virsh("dumpxml", "--inactive", NAME).out == xml_before,
              "a second import leaves the VM alone and says so", r.describe())
    with open(nvram, "rb") as f:
        tap.check(f.read() == original["0/OVMF_VARS.fd"], "and leaves its NVRAM alone", nvram)

    # it starts, with the imported TPM state
    r = run(base + ["vm", "start", NAME])
    if not tap.check(r.code == 0, f"dkvm vm start {NAME}", r.describe()):
        return
    tap.check(virsh("domstate", NAME).out.strip() == "running", "the imported VM runs")
    serving = [cmd for cmd in systest.swtpm_processes().values()
               if f"/swtpm/{uuid}/tpm2" in cmd]
    tap.check(len(serving) == 1, "an swtpm serves it from the imported state's folder",
              f"swtpm processes: {systest.swtpm_processes()}")
    now = tree_bytes(state)
    log = f"/var/log/swtpm/libvirt/qemu/{NAME}-swtpm.log"
    try:
        with open(log, errors="replace") as f:
            manufactured = f"--vmid {NAME}:{uuid}" in f.read()
    except FileNotFoundError:
        manufactured = False
    # libvirt runs swtpm_setup ("Starting vTPM manufacturing ... --vmid NAME:UUID" in the
    # swtpm log) only for a VM without state: a new TPM would lose BitLocker's keys
    tap.check(set(want) <= set(now) and not manufactured,
              "libvirt made no new TPM: the imported state is the one in use",
              f"state files: {sorted(now)}; manufactured: {manufactured} ({log})")
    r = run(base + ["vm", "kill", NAME])
    tap.check(r.code == 0, f"dkvm vm kill {NAME}", r.describe())
    r = run(base + ["vm", "delete", NAME, "--yes"])
    tap.check(r.code == 0 and not os.path.exists(nvram) and not os.path.exists(state),
              "dkvm vm delete removes it with its NVRAM and TPM state", r.describe())
    tap.check(tree_bytes(part) == original, "the original's files are still unchanged", part)


if __name__ == "__main__":
    main()
