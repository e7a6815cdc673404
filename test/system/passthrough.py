#!/usr/bin/env python3
"""Passthrough troubles on a real libvirtd: what DKVM writes for them is what
libvirt 9 takes and keeps.

Planned on the rebar-6800xt fixture host (`--host-json`: an RX 6800 XT whose
resizable BAR is 16 GiB; this machine has no such card, and the VM is only
defined, never started):
- `vm create --looking-glass 2560x1440` defines a domain libvirt keeps with
  the firmware's MMIO window as `-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=65536`
  in <qemu:commandline> (libvirt 9 refuses opt/ovmf/ names in <sysinfo
  type='fwcfg'>: "That firmware name is reserved"), the 64 MiB ivshmem-plain <shmem name='looking-glass'>, and VNC on
  127.0.0.1 beside the GPU;
- `vm edit --no-looking-glass` takes DKVM's shmem and the setup VNC away and
  keeps the MMIO window;
- `vm edit --pci` without the card takes the -fw_cfg arguments away.

usage: passthrough.py DKVM START_LIBVIRTD
"""

import os
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-passthrough"
HERE = os.path.dirname(os.path.abspath(__file__))
HOST_JSON = os.path.join(os.path.dirname(HERE), "data", "hosts-json", "rebar-6800xt.json")
QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"


def mmio_args(root):
    """The <qemu:commandline> arguments, as libvirt keeps them."""
    return [a.get("value") for a in root.findall(f"{{{QEMU_NS}}}commandline/{{{QEMU_NS}}}arg")]


def inactive():
    return ET.fromstring(virsh("dumpxml", "--inactive", NAME).out)


def main():
    tap = systest.Tap()
    dkvm, setup = sys.argv[1], sys.argv[2]
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        # TCG: a fixture host's plan would ask for KVM, which a machine
        # without /dev/kvm cannot define
        config = systest.write_config(scratch, "true", accelerator="tcg")
        base = [dkvm, "--connect", systest.URI, "--config", config]
        plan = ["--host-json", HOST_JSON, "--preset", "linux", "--vcpus", "2", "--memory",
                "1G", "--no-hugepages", "--no-pinning", "--network", "none"]
        try:
            r = run(base + ["vm", "create", NAME, *plan, "--pci", "0000:01:00.0",
                            "--looking-glass", "2560x1440"])
            if not tap.check(r.code == 0, "vm create with the 16 GiB BAR card and Looking Glass",
                             r.describe()):
                tap.finish()
            root = inactive()
            xml = virsh("dumpxml", "--inactive", NAME).out
            tap.check(mmio_args(root) == ["-fw_cfg", "name=opt/ovmf/X-PciMmio64Mb,string=65536"],
                      "libvirt keeps the MMIO window: -fw_cfg "
                      "name=opt/ovmf/X-PciMmio64Mb,string=65536", xml)
            shmem = root.find("devices/shmem[@name='looking-glass']")
            tap.check(shmem is not None and shmem.find("model").get("type") == "ivshmem-plain"
                      and shmem.findtext("size") == "64" and
                      shmem.find("size").get("unit") == "M",
                      "libvirt keeps the 64 MiB ivshmem-plain shmem", xml)
            tap.check(root.find("devices/graphics[@type='vnc']/listen[@address='127.0.0.1']")
                      is not None, "VNC on 127.0.0.1 stays beside the GPU for setup", xml)

            r = run(base + ["vm", "edit", NAME, "--host-json", HOST_JSON, "--no-looking-glass"])
            tap.check(r.code == 0, "vm edit --no-looking-glass", r.describe())
            root = inactive()
            xml = virsh("dumpxml", "--inactive", NAME).out
            tap.check(root.find("devices/shmem") is None and
                      root.find("devices/graphics") is None,
                      "DKVM's shmem and the setup VNC are gone", xml)
            tap.check(mmio_args(root) == ["-fw_cfg", "name=opt/ovmf/X-PciMmio64Mb,string=65536"],
                      "the MMIO window stays with the card", xml)

            r = run(base + ["vm", "edit", NAME, "--host-json", HOST_JSON, "--pci",
                            "0000:02:00.0"])
            tap.check(r.code == 0, "vm edit --pci to the NVMe alone", r.describe())
            root = inactive()
            tap.check(root.find(f"{{{QEMU_NS}}}commandline") is None,
                      "the -fw_cfg arguments DKVM made are gone",
                      virsh("dumpxml", "--inactive", NAME).out)
        finally:
            systest.remove_domain(NAME)
    tap.check(not systest.domain_exists(NAME), "nothing is left")
    tap.finish()


if __name__ == "__main__":
    main()
