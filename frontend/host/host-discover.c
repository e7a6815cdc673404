/*
 * Host discovery: runs each part (CPU, memory, kernel command line, PCI, USB,
 * boot medium) over one DkvmHostFacts. Each part lives in its own file and
 * reads only the kernel's interfaces; this file only orders them (the boot
 * medium needs PCI and USB first) and adds the facts that span parts.
 */
#include "host-discover.h"

#include <stdlib.h>

#include "dkvm-error.h"
#include "host-bootdev.h"
#include "host-cmdline.h"
#include "host-cpu.h"
#include "host-disks.h"
#include "host-memory.h"
#include "host-pci.h"
#include "host-path.h"
#include "host-sysfs.h"
#include "host-usb.h"

/* A host whose only GPU is the boot VGA shows its console on it: passing it
 * through leaves the host headless, which DKVM allows but says. */
static void
note_single_boot_gpu(DkvmHostFacts *facts)
{
	guint gpus = 0;
	const DkvmPciDevice *boot = NULL;

	for (guint i = 0; i < facts->pci->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(facts->pci, i);
		if (!d->is_gpu)
			continue;
		gpus++;
		if (d->boot_vga)
			boot = d;
	}
	if (gpus == 1 && boot != NULL)
		dkvm_host_note(facts,
		               "the only GPU (%s) is the boot VGA: passing it through leaves the "
		               "host without a console",
		               boot->address);
}

/* Without IOMMU groups, what the user can do about it, by CPU vendor and the
 * kernel options already given. */
static void
note_iommu_hint(DkvmHostFacts *facts)
{
	const DkvmKernelCmdline *c = &facts->cmdline;

	if (facts->iommu_enabled)
		return;
	if (g_strcmp0(facts->cpu_vendor, "GenuineIntel") == 0) {
		if (c->intel_iommu == NULL || !g_str_has_prefix(c->intel_iommu, "on"))
			dkvm_host_note(facts, "hint: enable VT-d in the firmware and add "
			                      "intel_iommu=on to the kernel command line");
		else
			dkvm_host_note(facts, "hint: intel_iommu=on is set: enable VT-d in the "
			                      "firmware");
	} else if (g_strcmp0(facts->cpu_vendor, "AuthenticAMD") == 0) {
		if (g_strcmp0(c->amd_iommu, "off") == 0)
			dkvm_host_note(facts, "hint: remove amd_iommu=off from the kernel command "
			                      "line");
		dkvm_host_note(facts, "hint: enable the IOMMU (AMD-Vi) in the firmware");
	}
}

/*
 * KVM is there when the kvm module registered its misc device (sysfs) and
 * its node exists in /dev. Both are read, not only /dev/kvm: umockdev
 * redirects all of /sys to a fixture but lets /dev paths a fixture does not
 * hold through to the real machine, so the sysfs half is what a fixture
 * states. stat only: under umockdev, open() of a device node aborts.
 */
static gboolean
kvm_device_present(DkvmHostFacts *facts)
{
	g_autofree gchar *misc = dkvm_host_path("sys/class/misc/kvm");
	gboolean registered = g_file_test(misc, G_FILE_TEST_EXISTS);
	gboolean node = g_file_test("/dev/kvm", G_FILE_TEST_EXISTS);

	if (registered && node)
		return TRUE;
	if (registered)
		dkvm_host_note(facts, "the kvm module is loaded but /dev/kvm is missing: VMs run "
		                      "without KVM (emulated, slow); check devfs/udev");
	else
		dkvm_host_note(facts, "/dev/kvm is missing: VMs run without KVM (emulated, slow)%s",
		               facts->virt_support ? "; load kvm_intel or kvm_amd"
		                                   : "; the CPU reports no vmx/svm");
	return FALSE;
}

/*
 * Under umockdev (the fixture hosts, an unpacked `dkvm host --capture`)
 * every /sys and /dev path is the fixture directory $UMOCKDEV_DIR plus the
 * path, and the paths libudev resolves through the fixture's symlinks come
 * back as real paths that umockdev maps to /sys only when they start with
 * $UMOCKDEV_DIR exactly. With a relative directory or a trailing slash they
 * never do: libudev then finds no device at all, so the USB list came out
 * empty and the boot stick unprotected, with nothing but a note. umockdev
 * reads the variable at every call, so its canonical form (absolute,
 * symlinks resolved, no trailing slash) set here, before anything reads
 * sysfs, makes any spelling work. Unset (a real host), nothing changes.
 */
static void
canonicalize_umockdev_dir(void)
{
	const gchar *dir = g_getenv("UMOCKDEV_DIR");
	g_autofree gchar *canonical = NULL;

	if (dir == NULL || *dir == '\0')
		return;
	canonical = realpath(dir, NULL);
	if (canonical != NULL && g_strcmp0(canonical, dir) != 0)
		g_setenv("UMOCKDEV_DIR", canonical, TRUE);
}

DkvmHostFacts *
dkvm_host_discover(GError **error)
{
	g_autoptr(DkvmHostFacts) facts = dkvm_host_facts_new();

	canonicalize_umockdev_dir();
	if (!dkvm_host_read_cpus(facts, error))
		return NULL;
	dkvm_host_read_memory(facts);
	dkvm_host_read_cmdline(facts);
	facts->kvm_available = kvm_device_present(facts);
	dkvm_host_read_pci(facts);
	note_iommu_hint(facts);
	dkvm_host_read_usb(facts);
	dkvm_host_mark_boot_device(facts);
	dkvm_host_mark_mounted_disks(facts);
	note_single_boot_gpu(facts);
	return g_steal_pointer(&facts);
}

DkvmHostFacts *
dkvm_host_discover_usb(const gchar *cmdline)
{
	DkvmHostFacts *facts = dkvm_host_facts_new();

	canonicalize_umockdev_dir();
	facts->cmdline.raw = g_strdup(cmdline);
	dkvm_host_read_usb(facts);
	dkvm_host_mark_boot_device(facts);
	dkvm_host_mark_mounted_disks(facts);
	return facts;
}
