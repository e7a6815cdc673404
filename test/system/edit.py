#!/usr/bin/env python3
"""`dkvm vm edit` on a domain a person wrote by hand, on a real libvirtd:
only what the options touch changes, everything else the person wrote
(Looking Glass <shmem>, <qemu:commandline>, <sysinfo>, a custom CPU model,
Hyper-V) survives; a refused edit leaves the definition exactly as it was;
--print-xml changes nothing.

usage: edit.py DKVM START_LIBVIRTD
"""

import os
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-edit"
QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"

# written as people write them (cf. the real-world domains): type qemu only
# because this machine has no /dev/kvm
HANDMADE = f"""<domain type='qemu' xmlns:qemu='{QEMU_NS}'>
  <name>{NAME}</name>
  <memory unit='MiB'>256</memory>
  <vcpu placement='static'>1</vcpu>
  <sysinfo type='smbios'><system><entry name='manufacturer'>ASUS</entry></system></sysinfo>
  <os><type arch='x86_64' machine='q35'>hvm</type><smbios mode='sysinfo'/></os>
  <features><acpi/><apic/><hyperv mode='custom'><relaxed state='on'/></hyperv></features>
  <cpu mode='custom' match='exact' check='none'><model fallback='forbid'>qemu64</model></cpu>
  <devices>
    <shmem name='looking-glass'><model type='ivshmem-plain'/><size unit='M'>32</size></shmem>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline><qemu:arg value='-no-user-config'/></qemu:commandline>
</domain>
"""


def inactive_xml():
    return virsh("dumpxml", "--inactive", NAME).out


def main():
    tap = systest.Tap()
    dkvm, setup = sys.argv[1], sys.argv[2]
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        config = systest.write_config(scratch, "true")
        base = [dkvm, "--connect", systest.URI, "--config", config]
        path = os.path.join(scratch, "handmade.xml")
        with open(path, "w") as f:
            f.write(HANDMADE)
        try:
            r = virsh("define", path)
            if not tap.check(r.code == 0, "virsh defines the hand-made domain", r.describe()):
                tap.finish()
            before = inactive_xml()

            r = run(base + ["vm", "edit", NAME, "--memory", "512M", "--print-xml"])
            tap.check(r.code == 0 and "524288" in r.out and inactive_xml() == before,
                      "vm edit --print-xml prints the change and changes nothing",
                      r.describe())

            r = run(base + ["vm", "edit", NAME, "--memory", "512M"])
            tap.check(r.code == 0 and f"VM '{NAME}' changed" in r.out,
                      "vm edit --memory 512M", r.describe())
            after = inactive_xml()
            root = ET.fromstring(after)
            tap.check(root.findtext("memory") == "524288", "the memory is 512 MiB",
                      root.findtext("memory"))
            kept = {
                "the <shmem> for Looking Glass": root.find("devices/shmem[@name='looking-glass']"),
                "the <qemu:commandline>": root.find(f"{{{QEMU_NS}}}commandline"),
                "the <sysinfo>": root.find("sysinfo/system/entry[@name='manufacturer']"),
                "the custom CPU model": root.find("cpu/model"),
                "the person's Hyper-V set": root.find("features/hyperv/relaxed"),
            }
            for what, node in kept.items():
                tap.check(node is not None, f"{what} is kept", after)
            tap.check(root.findtext("cpu/model") == "qemu64" and
                      root.find("features/hyperv/vpindex") is None,
                      "the CPU and features are as the person wrote them", after)

            for argv, code, words in (
                    (["--vcpus", "200", "--pinning"], 4, "not enough host CPUs for 200 vCPUs"),
                    # more than the machine type holds: DKVM refuses it before any
                    # other part plans, pinned or not (issue 18)
                    (["--vcpus", "999", "--pinning"], 2,
                     "999 vCPUs: the q35 machine type holds at most 288"),
                    (["--vcpus", "999"], 2, "999 vCPUs: the q35 machine type holds at most 288"),
                    (["--memory", "12X"], 2, "invalid size '12X'"),
                    (["--pci", "0000:42:1f.7"], 3, "0000:42:1f.7")):
                r = run(base + ["vm", "edit", NAME, *argv])
                tap.check(r.code == code and r.err.startswith("dkvm: ") and words in r.err,
                          f"vm edit {' '.join(argv)}: exit {code}, says '{words}'",
                          r.describe())
                tap.check(inactive_xml() == after,
                          f"vm edit {' '.join(argv)}: the definition is unchanged")
        finally:
            systest.remove_domain(NAME)
    tap.check(not systest.domain_exists(NAME), "nothing is left")
    tap.finish()


if __name__ == "__main__":
    main()
