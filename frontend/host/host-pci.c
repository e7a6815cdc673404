/*
 * PCI devices through libpci with PCI_ACCESS_SYS_BUS_PCI: the kernel's view of
 * ids and class (sysfs attributes), capabilities from config space, names from
 * pci.ids. libpci's error callback must not return (it is declared noreturn)
 * and its scan aborts on the first odd entry, so this file lists
 * /sys/bus/pci/devices itself, checks the attributes libpci treats as
 * mandatory, and only then hands each device to libpci, under a guard that
 * turns what libpci still cannot read into a note: a broken device is a
 * note, never an exit. What libpci does not cover (boot_vga, reset_method,
 * the iommu_group link, BARs and health: host-pci-state.c) is read from the device's sysfs
 * directory.
 */
#include "host-pci.h"

#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "host-path.h"
#include "host-pci-state.h"
#include "host-sysfs.h"
#include "spec.h"
#include "string-order.h"

/* libpci's header.h names neither bit on older releases */
#ifndef PCI_EXP_DEVCAP_FLR
#define PCI_EXP_DEVCAP_FLR 0x10000000 /* Function Level Reset, PCIe DevCap bit 28 */
#endif
#ifndef PCI_AF_CAP_FLR
#define PCI_AF_CAP_FLR 0x02
#endif

typedef struct pci_access DkvmPciAccess;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmPciAccess, pci_cleanup)

/*
 * libpci's error callback must not return, and exit() is no answer in a
 * long-running process (the menu). So every libpci call runs under a guard:
 * the callback keeps libpci's message and jumps back to the guard, which
 * frees the half-read device, notes what happened and goes on with the next
 * one. Thread-local: two threads may read PCI devices at once.
 */
typedef struct {
	jmp_buf jump;
	gchar *message;        /* libpci's words */
	struct pci_dev *dev;   /* the libpci device being read, freed after a jump */
	gchar *dir;            /* the device's sysfs directory, freed after the guard */
	DkvmPciDevice *device; /* the device being built, freed after a jump */
} LibpciGuard;

/* Static storage, not the guarded function's frame: after longjmp only
 * objects outside that frame (or volatile ones) keep defined values. No
 * guard is nested in another; libpci_guard is NULL outside one. */
static _Thread_local LibpciGuard libpci_guard_state;
static _Thread_local LibpciGuard *libpci_guard;

static LibpciGuard *
guard_begin(void)
{
	libpci_guard_state = (LibpciGuard){ 0 };
	libpci_guard = &libpci_guard_state;
	return libpci_guard;
}

static void G_GNUC_NORETURN
libpci_error(char *msg, ...)
{
	va_list args;

	va_start(args, msg);
	if (libpci_guard == NULL) {
		/* a libpci call outside a guard: a bug in this file, not the host */
		vfprintf(stderr, msg, args);
		va_end(args);
		g_error("libpci failed outside a guard");
	}
	libpci_guard->message = g_strdup_vprintf(msg, args);
	va_end(args);
	longjmp(libpci_guard->jump, 1);
}

static void
libpci_quiet(char *msg, ...)
{
}

/* A name from pci.ids, NULL when the ids are not listed there. */
static gchar *
lookup_name(struct pci_access *a, int flags, int id1, int id2)
{
	char buf[256];
	/* pci.ids only: udev's hwdb is not on every host (Debian without udev, Alpine
	 * without eudev-hwids), and names must not depend on it */
	const char *name = pci_lookup_name(
	        a, buf, sizeof(buf), flags | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB, id1, id2);
	return name != NULL ? g_strdup(name) : NULL;
}

/* reset_method (Linux 5.15+), else Function Level Reset in the PCIe DevCap. */
static gchar *
read_reset(struct pci_dev *pd, const gchar *dir)
{
	g_autofree gchar *method = dkvm_sysfs_readf("%s/reset_method", dir);
	struct pci_cap *cap;

	if (method != NULL && *method != '\0')
		return g_steal_pointer(&method);
	/* nothing of ours is left allocated while libpci may jump */
	g_clear_pointer(&method, g_free);
	cap = pci_find_cap(pd, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);
	if (cap != NULL && (pci_read_long(pd, cap->addr + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR))
		return g_strdup("flr");
	cap = pci_find_cap(pd, PCI_CAP_ID_AF, PCI_CAP_NORMAL);
	if (cap != NULL && (pci_read_byte(pd, cap->addr + PCI_AF_CAP) & PCI_AF_CAP_FLR))
		return g_strdup("af_flr");
	return NULL;
}

/* Runs under a guard: what it allocates before a libpci call is reachable
 * from the guard, so that a jump out of libpci leaks nothing. */
static DkvmPciDevice *
read_device(DkvmHostFacts *facts, struct pci_access *a, const gchar *name, const gchar *dir)
{
	guint dom, bus, dev, func;
	g_autofree gchar *path = NULL;
	const gchar *mandatory[] = { "vendor", "device", "class", "config" };
	struct pci_dev *pd;
	DkvmPciDevice *d;

	if (!dkvm_pci_address_split(name, &dom, &bus, &dev, &func)) {
		dkvm_host_note(facts, "/" DKVM_PATH_PCI_DEVICES "/%s is not a PCI address: skipped",
		               name);
		return NULL;
	}
	for (guint i = 0; i < G_N_ELEMENTS(mandatory); i++) {
		g_autofree gchar *file = g_build_filename(dir, mandatory[i], NULL);
		if (!g_file_test(file, G_FILE_TEST_EXISTS)) {
			dkvm_host_note(facts, "PCI device %s has no %s file: skipped", name,
			               mandatory[i]);
			return NULL;
		}
	}

	pd = pci_get_dev(a, (int)dom, (int)bus, (int)dev, (int)func);
	libpci_guard->dev = pd;
	pci_fill_info(pd, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS |
	                          PCI_FILL_CAPS);
	d = dkvm_pci_device_new(name);
	libpci_guard->device = d;
	d->vendor_id = pd->vendor_id;
	d->device_id = pd->device_id;
	d->subsystem_vendor_id = pd->subsys_vendor_id;
	d->subsystem_device_id = pd->subsys_id;
	d->class_code = ((guint32)pd->device_class << 8) | pd->prog_if;
	d->vendor_name = lookup_name(a, PCI_LOOKUP_VENDOR, pd->vendor_id, 0);
	d->device_name = lookup_name(a, PCI_LOOKUP_DEVICE, pd->vendor_id, pd->device_id);
	d->class_name = lookup_name(a, PCI_LOOKUP_CLASS, pd->device_class, 0);
	d->is_gpu = (pd->device_class >> 8) == PCI_BASE_CLASS_DISPLAY;
	d->is_bridge = (pd->device_class >> 8) == PCI_BASE_CLASS_BRIDGE;
	d->reset_method = read_reset(pd, dir);
	libpci_guard->dev = NULL;
	pci_free_dev(pd);

	path = g_build_filename(dir, "driver", NULL);
	d->driver = dkvm_sysfs_link_name(path);
	g_free(path);
	path = g_build_filename(dir, "boot_vga", NULL);
	d->boot_vga = dkvm_sysfs_read_int_or(path, 0) == 1;
	g_free(path);
	path = g_build_filename(dir, "numa_node", NULL);
	d->numa_node = (gint)dkvm_sysfs_read_int_or(path, -1);
	g_free(path);
	dkvm_host_read_pci_bars(dir, d->bars);
	d->config_stuck = dkvm_host_pci_config_stuck(dir);
	d->d3cold_allowed = dkvm_host_pci_d3cold_allowed(dir);
	path = g_build_filename(dir, "iommu_group", NULL);
	g_autofree gchar *group = dkvm_sysfs_link_name(path);
	guint64 gid;
	if (group != NULL && g_ascii_string_to_unsigned(group, 10, 0, G_MAXINT, &gid, NULL))
		d->iommu_group = (gint)gid;
	return d;
}

/* read_device under a guard: what libpci cannot read is a note. */
static DkvmPciDevice *
read_device_guarded(DkvmHostFacts *facts, struct pci_access *a, const gchar *name)
{
	LibpciGuard *guard = guard_begin();
	DkvmPciDevice *d;

	if (setjmp(guard->jump) != 0) {
		guard = &libpci_guard_state;
		libpci_guard = NULL;
		dkvm_host_note(facts, "PCI device %s cannot be read (libpci: %s): skipped", name,
		               guard->message);
		g_clear_pointer(&guard->message, g_free);
		g_clear_pointer(&guard->dir, g_free);
		if (guard->dev != NULL)
			pci_free_dev(guard->dev);
		if (guard->device != NULL)
			dkvm_pci_device_free(guard->device);
		return NULL;
	}
	guard->dir = dkvm_host_pathf(DKVM_PATH_PCI_DEVICES "/%s", name);
	d = read_device(facts, a, name, guard->dir);
	g_clear_pointer(&guard->dir, g_free);
	libpci_guard = NULL;
	return d;
}

static gint
compare_pci(gconstpointer a, gconstpointer b)
{
	const DkvmPciDevice *da = *(DkvmPciDevice *const *)a;
	const DkvmPciDevice *db = *(DkvmPciDevice *const *)b;
	return g_ascii_strcasecmp(da->address, db->address);
}

/* "0000:01:00.1" and "0000:01:00.0" share a slot: everything before the dot. */
static gboolean
same_slot(const gchar *a, const gchar *b)
{
	const gchar *da = strrchr(a, '.');
	const gchar *db = strrchr(b, '.');
	return da != NULL && db != NULL && da - a == db - b &&
	       g_ascii_strncasecmp(a, b, (gsize)(da - a)) == 0;
}

static void
link_functions(DkvmHostFacts *facts)
{
	/* sorted by address, so a slot's functions are neighbours: walk both ways */
	for (guint i = 0; i < facts->pci->len; i++) {
		DkvmPciDevice *d = g_ptr_array_index(facts->pci, i);
		guint first = i, last = i;
		while (first > 0 && same_slot(d->address, ((DkvmPciDevice *)g_ptr_array_index(
		                                                   facts->pci, first - 1))
		                                                  ->address))
			first--;
		while (last + 1 < facts->pci->len &&
		       same_slot(
		               d->address,
		               ((DkvmPciDevice *)g_ptr_array_index(facts->pci, last + 1))->address))
			last++;
		for (guint j = first; j <= last; j++) {
			const DkvmPciDevice *o = g_ptr_array_index(facts->pci, j);
			if (j != i)
				g_ptr_array_add(d->functions, g_strdup(o->address));
		}
	}
}

static void
read_iommu_groups(DkvmHostFacts *facts)
{
	g_autofree gchar *groups_dir = dkvm_host_path(DKVM_PATH_IOMMU_GROUPS);
	g_autoptr(GPtrArray) groups = dkvm_sysfs_list_dir(groups_dir, "");

	for (guint i = 0; i < groups->len; i++) {
		guint id;
		if (!dkvm_sysfs_name_number(g_ptr_array_index(groups, i), "", &id))
			continue;
		g_autofree gchar *dir = dkvm_host_pathf(DKVM_PATH_IOMMU_GROUPS "/%u/devices", id);
		g_autoptr(GPtrArray) devices = dkvm_sysfs_list_dir(dir, "");
		DkvmIommuGroup *group = dkvm_iommu_group_new(id);
		for (guint d = 0; d < devices->len; d++)
			g_ptr_array_add(group->devices, g_strdup(g_ptr_array_index(devices, d)));
		g_ptr_array_sort(group->devices, dkvm_compare_strings);
		g_ptr_array_add(facts->iommu_groups, group);
	}
	facts->iommu_enabled = facts->iommu_groups->len > 0;
}

/* pci_init under a guard: without an access method no device is read. */
static gboolean
init_guarded(DkvmHostFacts *facts, struct pci_access *a)
{
	LibpciGuard *guard = guard_begin();

	if (setjmp(guard->jump) != 0) {
		guard = &libpci_guard_state;
		libpci_guard = NULL;
		dkvm_host_note(facts,
		               "libpci cannot read PCI devices (%s): no PCI devices are known",
		               guard->message);
		g_clear_pointer(&guard->message, g_free);
		return FALSE;
	}
	pci_init(a);
	libpci_guard = NULL;
	return TRUE;
}

void
dkvm_host_read_pci(DkvmHostFacts *facts)
{
	g_autoptr(DkvmPciAccess) a = NULL;
	g_autoptr(GPtrArray) names = NULL;
	g_autofree gchar *devices_dir = dkvm_host_path(DKVM_PATH_PCI_DEVICES);
	g_autofree gchar *bus_dir = dkvm_host_path("sys/bus/pci");

	read_iommu_groups(facts);
	if (!facts->iommu_enabled)
		dkvm_host_note(facts, "no IOMMU groups in /" DKVM_PATH_IOMMU_GROUPS
		                      ": the IOMMU is off or missing, so no device can be passed "
		                      "through");

	if (!g_file_test(devices_dir, G_FILE_TEST_IS_DIR)) {
		dkvm_host_note(facts,
		               "/" DKVM_PATH_PCI_DEVICES " is missing: no PCI devices are known");
		return;
	}
	a = pci_alloc();
	a->method = PCI_ACCESS_SYS_BUS_PCI;
	/* libpci reads the same tree as the rest of DKVM */
	pci_set_param(a, "sysfs.path", bus_dir);
	a->error = libpci_error;
	a->warning = libpci_quiet;
	a->debug = libpci_quiet;
	if (!init_guarded(facts, a))
		return;

	names = dkvm_sysfs_list_dir(devices_dir, "");
	for (guint i = 0; i < names->len; i++) {
		DkvmPciDevice *d = read_device_guarded(facts, a, g_ptr_array_index(names, i));
		if (d != NULL)
			g_ptr_array_add(facts->pci, d);
	}
	g_ptr_array_sort(facts->pci, compare_pci);
	link_functions(facts);
}
