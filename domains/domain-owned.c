/*
 * The owned-XPath table. The area files (domain-memory.c, domain-cpu.c,
 * domain-features.c, domain-os.c, domain-devices.c, domain-metadata.c)
 * change exactly these nodes; a row added there must be added here, and
 * test-domain-owned.c fails when a row matches nothing in the test domains
 * or when a hand-edited domain changes outside the rows.
 */
#include "domain-owned.h"

#define DEV "[starts-with(alias/@name,'ua-dkvm-')]"

static const DkvmOwnedXPath owned[] = {
	{ "/domain/@type", DKVM_OWNED_ATTR, "plan.kvm: kvm, or qemu under TCG" },
	{ "/domain/name", DKVM_OWNED_TEXT, "spec.name" },
	{ "/domain/uuid", DKVM_OWNED_TEXT, "spec.uuid (kept when not given)" },
	{ "/domain/title", DKVM_OWNED_TEXT, "spec.title (none: removed)" },
	{ "/domain/metadata/dkvm:vm", DKVM_OWNED_ELEMENT, "spec switches, PCI selection, aliases" },
	{ "/domain/memory", DKVM_OWNED_TEXT, "spec.memory_kib" },
	{ "/domain/currentMemory", DKVM_OWNED_TEXT, "spec.memory_kib" },
	{ "/domain/memoryBacking/hugepages", DKVM_OWNED_ELEMENT, "plan.hugepages.page_size_kib" },
	{ "/domain/memoryBacking/nosharepages", DKVM_OWNED_ELEMENT, "spec.hugepages" },
	{ "/domain/memoryBacking/locked", DKVM_OWNED_ELEMENT, "spec.hugepages and spec.pinning" },
	{ "/domain/vcpu", DKVM_OWNED_TEXT, "spec.vcpus, placement static" },
	{ "/domain/iothreads", DKVM_OWNED_TEXT, "spec.iothreads (one with disks)" },
	{ "/domain/cputune/vcpupin", DKVM_OWNED_ELEMENT, "plan.cpu.vcpu_pins" },
	{ "/domain/cputune/emulatorpin", DKVM_OWNED_ELEMENT, "plan.cpu.emulator_cpus" },
	{ "/domain/cputune/iothreadpin", DKVM_OWNED_ELEMENT, "plan.cpu.iothread_cpus" },
	{ "/domain/cputune/vcpusched", DKVM_OWNED_ELEMENT, "spec.realtime: fifo priority 1" },
	{ "/domain/numatune/memory", DKVM_OWNED_ELEMENT,
	  "plan.cpu.numa_node, or the nodes of the NUMA cells: strict" },
	{ "/domain/numatune/memnode", DKVM_OWNED_ELEMENT,
	  "plan.cpu.numa_cells: one strict per cell, on its host node" },
	{ "/domain/cpu/numa", DKVM_OWNED_ELEMENT,
	  "plan.cpu.numa_cells: cpus, memory (whole pages); memory alone: resized" },
	{ "/domain/os/@firmware", DKVM_OWNED_ATTR, "spec.uefi" },
	{ "/domain/os/firmware", DKVM_OWNED_ELEMENT, "spec.secure_boot" },
	{ "/domain/os/loader", DKVM_OWNED_ELEMENT,
	  "removed when spec.uefi or spec.secure_boot changes the firmware" },
	{ "/domain/os/nvram", DKVM_OWNED_ELEMENT,
	  "removed when spec.uefi or spec.secure_boot changes the firmware" },
	{ "/domain/qemu:commandline/qemu:arg[starts-with(@value,'name=opt/ovmf/X-PciMmio64Mb,')]",
	  DKVM_OWNED_ELEMENT, "plan.passthrough.mmio64_mb: -fw_cfg's value" },
	{ "/domain/qemu:commandline/qemu:arg[@value='-fw_cfg'][following-sibling::qemu:arg[1]"
	  "[starts-with(@value,'name=opt/ovmf/X-PciMmio64Mb,')]]",
	  DKVM_OWNED_ELEMENT, "plan.passthrough.mmio64_mb: the -fw_cfg before it" },
	{ "/domain/features/acpi", DKVM_OWNED_ELEMENT, "always" },
	{ "/domain/features/apic", DKVM_OWNED_ELEMENT, "always" },
	{ "/domain/features/hyperv/@mode", DKVM_OWNED_ATTR, "Windows presets: custom" },
	{ "/domain/features/hyperv/relaxed", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/vapic", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/spinlocks", DKVM_OWNED_ELEMENT, "Windows presets: 8191" },
	{ "/domain/features/hyperv/vpindex", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/runtime", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/synic", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/stimer", DKVM_OWNED_ELEMENT, "Windows presets: direct" },
	{ "/domain/features/hyperv/reset", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/frequencies", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/reenlightenment", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/tlbflush", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/ipi", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/features/hyperv/vendor_id", DKVM_OWNED_ELEMENT, "spec.hyperv_vendor_id" },
	{ "/domain/features/kvm/hidden", DKVM_OWNED_ELEMENT, "spec.kvm_hidden" },
	{ "/domain/features/smm", DKVM_OWNED_ELEMENT, "spec.secure_boot: on" },
	{ "/domain/cpu/@mode", DKVM_OWNED_ATTR, "plan.kvm: host-passthrough, or maximum" },
	{ "/domain/cpu/@match", DKVM_OWNED_ATTR, "removed (no model to match)" },
	{ "/domain/cpu/@check", DKVM_OWNED_ATTR, "none" },
	{ "/domain/cpu/@migratable", DKVM_OWNED_ATTR, "off" },
	{ "/domain/cpu/model", DKVM_OWNED_ELEMENT, "removed (contradicts host-passthrough)" },
	{ "/domain/cpu/topology", DKVM_OWNED_ELEMENT, "plan.cpu sockets/dies/cores/threads" },
	{ "/domain/cpu/cache", DKVM_OWNED_ELEMENT, "passthrough" },
	{ "/domain/cpu/feature[@name='topoext']", DKVM_OWNED_ELEMENT, "host.cpu_vendor AMD" },
	{ "/domain/clock/@offset", DKVM_OWNED_ATTR, "preset: localtime for Windows, utc" },
	{ "/domain/clock/timer[@name='hypervclock']", DKVM_OWNED_ELEMENT, "Windows presets" },
	{ "/domain/devices/disk[@device='disk']" DEV, DKVM_OWNED_DEVICE, "spec.disks" },
	{ "/domain/devices/disk[@device='cdrom']" DEV, DKVM_OWNED_DEVICE, "spec.cdroms" },
	{ "/domain/devices/interface" DEV, DKVM_OWNED_DEVICE, "spec.nics" },
	{ "/domain/devices/hostdev[@type='pci']" DEV, DKVM_OWNED_DEVICE,
	  "plan.passthrough.slots (spec.pci + siblings)" },
	{ "/domain/devices/hostdev[@type='usb']" DEV, DKVM_OWNED_DEVICE, "spec.usb" },
	{ "/domain/devices/input[@type='evdev']" DEV, DKVM_OWNED_DEVICE, "spec.evdev" },
	{ "/domain/devices/shmem[@name='looking-glass']", DKVM_OWNED_ELEMENT,
	  "spec.looking_glass: ivshmem-plain, size from the resolution" },
	{ "/domain/devices/tpm", DKVM_OWNED_ELEMENT, "spec.tpm: CRB, emulator 2.0" },
	{ "/domain/devices/graphics[@type='vnc']", DKVM_OWNED_ELEMENT,
	  "spec.vnc_listen, else no GPU passed through: VNC on 127.0.0.1" },
	{ "/domain/devices/video", DKVM_OWNED_ELEMENT, "GPU passed through: model none" },
	{ "/domain/devices/memballoon", DKVM_OWNED_ELEMENT, "PCI passed through: model none" },
	{ NULL, 0, NULL },
};

const DkvmOwnedXPath *
dkvm_domain_owned_xpaths(void)
{
	return owned;
}
