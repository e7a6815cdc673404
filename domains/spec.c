/*
 * DkvmSpec values, the presets' defaults, and the small parsers shared by the
 * CLI and the menu (sizes, CPU lists, PCI addresses, USB ids), so both accept
 * exactly the same input and give the same messages.
 */
#include "spec.h"

#include "domain-xml.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dkvm-error.h"
#include "looking-glass.h"
#include "quote.h"

static const gchar *const preset_names[] = {
	[DKVM_PRESET_WINDOWS11] = "windows11",
	[DKVM_PRESET_WINDOWS10] = "windows10",
	[DKVM_PRESET_LINUX] = "linux",
};

const gchar *
dkvm_preset_to_string(DkvmPreset preset)
{
	g_return_val_if_fail((guint)preset < G_N_ELEMENTS(preset_names), NULL);
	return preset_names[preset];
}

gboolean
dkvm_preset_is_windows(DkvmPreset preset)
{
	return preset == DKVM_PRESET_WINDOWS11 || preset == DKVM_PRESET_WINDOWS10;
}

gboolean
dkvm_preset_from_string(const gchar *str, DkvmPreset *out, GError **error)
{
	g_autofree gchar *shown = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(preset_names); i++) {
		if (g_strcmp0(str, preset_names[i]) == 0) {
			*out = (DkvmPreset)i;
			return TRUE;
		}
	}
	shown = dkvm_quote(str);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
	            "unknown preset '%s' (windows11, windows10 or linux)", shown);
	return FALSE;
}

DkvmDisk *
dkvm_disk_new(const gchar *path)
{
	DkvmDisk *self = g_new0(DkvmDisk, 1);
	self->path = g_strdup(path);
	self->is_block = g_str_has_prefix(path, "/dev/");
	return self;
}

void
dkvm_disk_free(DkvmDisk *self)
{
	if (self == NULL)
		return;
	g_free(self->path);
	g_free(self->target);
	g_free(self);
}

DkvmNic *
dkvm_nic_new(DkvmNetKind kind, const gchar *source)
{
	DkvmNic *self = g_new0(DkvmNic, 1);
	self->kind = kind;
	self->source = g_strdup(source);
	return self;
}

void
dkvm_nic_free(DkvmNic *self)
{
	if (self == NULL)
		return;
	g_free(self->source);
	g_free(self->mac);
	g_free(self->model);
	g_free(self);
}

DkvmPciSelection *
dkvm_pci_selection_new(const gchar *address)
{
	DkvmPciSelection *self = g_new0(DkvmPciSelection, 1);
	self->address = g_strdup(address);
	return self;
}

void
dkvm_pci_selection_free(DkvmPciSelection *self)
{
	if (self == NULL)
		return;
	g_free(self->address);
	g_free(self->rom_file);
	g_free(self);
}

DkvmSpec *
dkvm_spec_new(const gchar *name, DkvmPreset preset)
{
	DkvmSpec *self = g_new0(DkvmSpec, 1);

	self->name = g_strdup(name);
	self->preset = preset;
	/* defaults serve a DKVM host: near-native speed, Windows 11 ready */
	self->vcpus = 4;
	self->memory_kib = 8 * 1024 * 1024;
	self->pinning = TRUE;
	self->hugepages = TRUE;
	/* <locked/> stays off: hugepages are never swapped (and the DKVM host has
	 * no swap), libvirt raises the memlock limit itself for VFIO devices, and
	 * locking needs a libvirtd with CAP_SYS_RESOURCE or the VM cannot start */
	self->lock_memory = FALSE;
	self->uefi = TRUE;
	self->tpm = preset == DKVM_PRESET_WINDOWS11;
	self->secure_boot = preset == DKVM_PRESET_WINDOWS11;
	self->vnc_display = -1;
	self->disks = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_disk_free);
	self->cdroms = g_ptr_array_new_with_free_func(g_free);
	self->nics = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_nic_free);
	self->pci = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_pci_selection_free);
	self->usb = g_ptr_array_new_with_free_func(g_free);
	self->evdev = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(self->nics, dkvm_nic_new(DKVM_NET_NAT, NULL));
	return self;
}

void
dkvm_spec_free(DkvmSpec *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_free(self->uuid);
	g_free(self->title);
	g_free(self->hyperv_vendor_id);
	g_free(self->vnc_listen);
	g_ptr_array_unref(self->disks);
	g_ptr_array_unref(self->cdroms);
	g_ptr_array_unref(self->nics);
	g_ptr_array_unref(self->pci);
	g_ptr_array_unref(self->usb);
	g_ptr_array_unref(self->evdev);
	g_free(self);
}

static gpointer
copy_disk(gconstpointer src, gpointer data)
{
	const DkvmDisk *d = src;
	DkvmDisk *c = dkvm_disk_new(d->path);
	c->target = g_strdup(d->target);
	c->is_block = d->is_block;
	return c;
}

static gpointer
copy_nic(gconstpointer src, gpointer data)
{
	const DkvmNic *n = src;
	DkvmNic *c = dkvm_nic_new(n->kind, n->source);
	c->mac = g_strdup(n->mac);
	c->model = g_strdup(n->model);
	return c;
}

static gpointer
copy_pci(gconstpointer src, gpointer data)
{
	const DkvmPciSelection *p = src;
	DkvmPciSelection *c = dkvm_pci_selection_new(p->address);
	c->rom_file = g_strdup(p->rom_file);
	return c;
}

static gpointer
copy_usb(gconstpointer src, gpointer data)
{
	return g_memdup2(src, sizeof(DkvmUsbSelection));
}

static gpointer
copy_str(gconstpointer src, gpointer data)
{
	return g_strdup(src);
}

/* Replaces *dst by a deep copy of @src; g_ptr_array_copy keeps no free
 * function, so the element type's one is given. */
static void
replace_array(GPtrArray **dst, GPtrArray *src, GCopyFunc copy_fn, GDestroyNotify free_fn)
{
	GPtrArray *copy = g_ptr_array_copy(src, copy_fn, NULL);

	g_ptr_array_set_free_func(copy, free_fn);
	g_ptr_array_unref(*dst);
	*dst = copy;
}

DkvmSpec *
dkvm_spec_copy(const DkvmSpec *self)
{
	DkvmSpec *c = dkvm_spec_new(self->name, self->preset);

	c->uuid = g_strdup(self->uuid);
	c->title = g_strdup(self->title);
	c->vnc_listen = g_strdup(self->vnc_listen);
	c->vnc_display = self->vnc_display;
	c->looking_glass_width = self->looking_glass_width;
	c->looking_glass_height = self->looking_glass_height;
	c->vcpus = self->vcpus;
	c->memory_kib = self->memory_kib;
	c->pinning = self->pinning;
	c->hugepages = self->hugepages;
	c->tpm = self->tpm;
	c->secure_boot = self->secure_boot;
	c->uefi = self->uefi;
	c->realtime = self->realtime;
	c->lock_memory = self->lock_memory;
	c->kvm_hidden = self->kvm_hidden;
	c->hyperv_vendor_id = g_strdup(self->hyperv_vendor_id);
	c->iothreads = self->iothreads;
	c->early_bind = self->early_bind;
	replace_array(&c->disks, self->disks, copy_disk, (GDestroyNotify)dkvm_disk_free);
	replace_array(&c->cdroms, self->cdroms, copy_str, g_free);
	replace_array(&c->nics, self->nics, copy_nic, (GDestroyNotify)dkvm_nic_free);
	replace_array(&c->pci, self->pci, copy_pci, (GDestroyNotify)dkvm_pci_selection_free);
	replace_array(&c->usb, self->usb, copy_usb, g_free);
	replace_array(&c->evdev, self->evdev, copy_str, g_free);
	return c;
}

/* libvirt accepts almost anything, but the name becomes a file name on the
 * stick's FAT partition and a word in the menu: keep it to a safe set. */
static gboolean
validate_name(const gchar *name, GError **error)
{
	g_autofree gchar *shown = dkvm_quote(name);

	if (name == NULL || *name == '\0') {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID, "the VM needs a name");
		return FALSE;
	}
	if (strlen(name) > 64) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid VM name '%s': at most 64 characters", shown);
		return FALSE;
	}
	if (!g_ascii_isalnum(name[0])) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid VM name '%s': it must start with a letter or digit", shown);
		return FALSE;
	}
	for (const gchar *p = name; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("-_.", *p) == NULL) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "invalid VM name '%s': use letters, digits, '-', '_' and '.'",
			            shown);
			return FALSE;
		}
	}
	return TRUE;
}

/* Kernel names (/dev/sda, /dev/nvme0n1) change between boots; DKVM wants the
 * stable /dev/disk/by-id links (LVM and device-mapper names are stable too).
 * A relative path would be taken relative to libvirtd's directory. */
gboolean
dkvm_disk_validate(const DkvmDisk *disk, GError **error)
{
	g_autofree gchar *shown = dkvm_quote(disk->path);
	g_autofree gchar *canonical = NULL;

	if (!g_path_is_absolute(disk->path)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid disk '%s': the path must be absolute", shown);
		return FALSE;
	}
	/* the rule holds for the path the kernel opens: /dev//sda, /dev/./sda and
	 * /dev/disk/by-id/../../sda all name /dev/sda (resolved by the words of
	 * the path alone; domains/ reads no file system) */
	canonical = dkvm_disk_path_canonical(disk->path);
	if (g_str_has_prefix(canonical, "/dev/") && strchr(canonical + 5, '/') == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid disk '%s': kernel device names change between boots; use "
		            "its /dev/disk/by-id/ link",
		            shown);
		return FALSE;
	}
	return TRUE;
}

gchar *
dkvm_disk_path_canonical(const gchar *path)
{
	if (path == NULL || !g_path_is_absolute(path))
		return g_strdup(path);
	/* GLib keeps a leading "//" (POSIX leaves its meaning open); Linux
	 * reads it as "/" */
	while (path[0] == '/' && path[1] == '/')
		path++;
	return g_canonicalize_filename(path, "/");
}

/* libvirt hands a relative path to QEMU, which opens it from its own working
 * directory: never the file the person meant. */
static gboolean
validate_rom_file(const gchar *address, const gchar *rom_file, GError **error)
{
	g_autofree gchar *shown = NULL;

	if (rom_file == NULL || g_path_is_absolute(rom_file))
		return TRUE;
	shown = dkvm_quote(rom_file);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
	            "invalid ROM file '%s' for PCI device %s: the path must be absolute", shown,
	            address);
	return FALSE;
}

gboolean
dkvm_spec_validate_hyperv_vendor_id(const gchar *vendor_id, GError **error)
{
	g_autofree gchar *shown = NULL;
	gsize len;
	gboolean ok;

	if (vendor_id == NULL)
		return TRUE;
	/* libvirt's schema: <vendor_id value> matches [^,]{0,12} (characters),
	 * its parser refuses an empty value and more than 12 bytes, and QEMU's
	 * hv-vendor-id fills three CPUID registers (12 bytes) that Windows reads
	 * as ASCII. Printable ASCII without a comma keeps all of them: there,
	 * characters are bytes. */
	len = strlen(vendor_id);
	ok = len >= 1 && len <= 12;
	for (const gchar *p = vendor_id; ok && *p != '\0'; p++)
		ok = g_ascii_isprint(*p) && *p != ',';
	if (ok)
		return TRUE;
	shown = dkvm_quote(vendor_id);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
	            "invalid Hyper-V vendor id '%s': 1 to 12 printable ASCII characters, no comma",
	            shown);
	return FALSE;
}

DkvmPciSelection *
dkvm_spec_get_pci(const DkvmSpec *self, const gchar *address)
{
	for (guint i = 0; i < self->pci->len; i++) {
		DkvmPciSelection *sel = g_ptr_array_index(self->pci, i);
		if (g_ascii_strcasecmp(sel->address, address) == 0)
			return sel;
	}
	return NULL;
}

gboolean
dkvm_spec_set_rom(DkvmSpec *self, const gchar *address, const gchar *rom_file, GError **error)
{
	DkvmPciSelection *sel = dkvm_spec_get_pci(self, address);

	/* a ROM replaces the firmware of a device the VM gets; without the
	 * device it would be silently ignored */
	if (sel == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "PCI device %s is not selected for the VM", address);
		return FALSE;
	}
	if (!validate_rom_file(address, rom_file, error))
		return FALSE;
	g_free(sel->rom_file);
	sel->rom_file = g_strdup(rom_file);
	return TRUE;
}

gboolean
dkvm_spec_validate(const DkvmSpec *self, GError **error)
{
	if (!validate_name(self->name, error))
		return FALSE;
	if (self->vcpus == 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "the VM needs at least one vCPU");
		return FALSE;
	}
	if (self->memory_kib < 128 * 1024) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "the VM needs at least 128M of memory");
		return FALSE;
	}
	/* any frontend may fill memory_kib: the bound the parsers keep holds here too */
	if (self->memory_kib > DKVM_MEMORY_MAX_KIB) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "the VM's memory is more than libvirt takes (8 EiB)");
		return FALSE;
	}
	if ((self->looking_glass_width == 0) != (self->looking_glass_height == 0) ||
	    self->looking_glass_width > DKVM_LOOKING_GLASS_MAX_SIDE ||
	    self->looking_glass_height > DKVM_LOOKING_GLASS_MAX_SIDE) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "the Looking Glass resolution %ux%u is not one: each side from 1 to %d",
		            self->looking_glass_width, self->looking_glass_height,
		            DKVM_LOOKING_GLASS_MAX_SIDE);
		return FALSE;
	}
	if (self->secure_boot && !self->uefi) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "Secure Boot needs UEFI firmware, not legacy BIOS (SeaBIOS)");
		return FALSE;
	}
	if (!dkvm_spec_validate_hyperv_vendor_id(self->hyperv_vendor_id, error))
		return FALSE;
	for (guint i = 0; i < self->pci->len; i++) {
		const DkvmPciSelection *a = g_ptr_array_index(self->pci, i);
		if (!validate_rom_file(a->address, a->rom_file, error))
			return FALSE;
		for (guint j = i + 1; j < self->pci->len; j++) {
			const DkvmPciSelection *b = g_ptr_array_index(self->pci, j);
			if (g_ascii_strcasecmp(a->address, b->address) == 0) {
				g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				            "PCI device %s is selected twice", a->address);
				return FALSE;
			}
		}
	}
	/* here, so that plan, create and edit refuse the same paths */
	for (guint i = 0; i < self->disks->len; i++)
		if (!dkvm_disk_validate(g_ptr_array_index(self->disks, i), error))
			return FALSE;
	/* libvirt hands a relative path to QEMU, which opens it from its own
	 * working directory: never the file the person meant */
	for (guint i = 0; i < self->cdroms->len; i++) {
		const gchar *path = g_ptr_array_index(self->cdroms, i);
		if (!g_path_is_absolute(path)) {
			g_autofree gchar *shown = dkvm_quote(path);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "invalid CD-ROM image '%s': the path must be absolute", shown);
			return FALSE;
		}
	}
	for (guint i = 0; i < self->evdev->len; i++) {
		const gchar *path = g_ptr_array_index(self->evdev, i);
		if (!g_path_is_absolute(path)) {
			g_autofree gchar *shown = dkvm_quote(path);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "invalid input device '%s': the path must be absolute "
			            "(/dev/input/by-id/...)",
			            shown);
			return FALSE;
		}
	}
	return TRUE;
}

gboolean
dkvm_scale_to_kib(guint64 value, const gchar *unit, guint64 *out_kib, GError **error)
{
	/* libvirt's bound for memory sizes (virMemoryMaxValue): LLONG_MAX bytes */
	const guint64 limit = G_MAXINT64;
	static const gchar prefixes[] = "kmgtpe";
	guint64 scale = 1024;

	if (unit != NULL && *unit != '\0') {
		if (g_ascii_strcasecmp(unit, "b") == 0 || g_ascii_strcasecmp(unit, "byte") == 0 ||
		    g_ascii_strcasecmp(unit, "bytes") == 0) {
			scale = 1;
		} else {
			const gchar *prefix = strchr(prefixes, g_ascii_tolower(unit[0]));
			guint64 base = 0;

			/* "k", "KiB", "kib": powers of 1024; "KB", "kb": powers of 1000 */
			if (unit[1] == '\0' || g_ascii_strcasecmp(unit + 1, "iB") == 0)
				base = 1024;
			else if (g_ascii_tolower(unit[1]) == 'b' && unit[2] == '\0')
				base = 1000;
			if (prefix == NULL || base == 0) {
				g_autofree gchar *shown = dkvm_quote(unit);
				g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				            "unknown unit '%s' (libvirt takes b, bytes, k/KiB, KB, "
				            "M/MiB, MB, G/GiB, GB, T/TiB, TB, P, E, in any case)",
				            shown);
				return FALSE;
			}
			scale = 1;
			for (const gchar *p = prefixes; p <= prefix; p++)
				scale *= base;
		}
	}
	/* refuse rather than wrap: libvirt refuses these too ("numerical overflow") */
	if (value > limit / scale || (value * scale + 1023) / 1024 >= limit / 1024 + 1) {
		g_autofree gchar *shown = dkvm_quote(unit != NULL && *unit != '\0' ? unit : "KiB");
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "%" G_GUINT64_FORMAT " %s is too large (libvirt takes at most 8 EiB)",
		            value, shown);
		return FALSE;
	}
	/* libvirt keeps KiB and rounds a size in bytes up to whole KiB */
	*out_kib = (value * scale + 1023) / 1024;
	return TRUE;
}

gboolean
dkvm_parse_scaled_kib(const gchar *value, const gchar *unit, guint64 *out_kib, GError **error)
{
	g_autofree gchar *text = g_strstrip(g_strdup(value != NULL ? value : ""));
	guint64 number = 0;

	if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &number, NULL)) {
		g_autofree gchar *shown = dkvm_quote(text);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "'%s' is not a size", shown);
		return FALSE;
	}
	return dkvm_scale_to_kib(number, unit, out_kib, error);
}

gboolean
dkvm_parse_size_kib(const gchar *str, guint64 *out_kib, GError **error)
{
	g_autofree gchar *shown = dkvm_quote(str);
	gchar *end = NULL;
	guint64 value, scale, kib;

	if (str == NULL || !g_ascii_isdigit(*str)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid size '%s': expected a number with K, M, G or T", shown);
		return FALSE;
	}
	errno = 0;
	value = g_ascii_strtoull(str, &end, 10);
	switch (g_ascii_toupper(*end)) {
	case 'K':
		scale = 1;
		break;
	case '\0':
	case 'M':
		scale = 1024;
		break;
	case 'G':
		scale = 1024 * 1024;
		break;
	case 'T':
		scale = 1024 * 1024 * 1024;
		break;
	default:
		scale = 0;
		break;
	}
	/* accept "16G", "16GiB", "16GB" (binary, as the brief says) */
	if (*end != '\0') {
		const gchar *rest = end + 1;
		if (*rest != '\0' && g_ascii_strcasecmp(rest, "iB") != 0 &&
		    g_ascii_strcasecmp(rest, "B") != 0)
			scale = 0;
	}
	if (scale == 0 || value == 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid size '%s': expected a number with K, M, G or T", shown);
		return FALSE;
	}
	/* refuse rather than wrap: no size above libvirt's own bound is meant */
	if (errno != 0 || !g_uint64_checked_mul(&kib, value, scale) || kib > DKVM_MEMORY_MAX_KIB) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid size '%s': too large (libvirt takes at most 8 EiB)", shown);
		return FALSE;
	}
	*out_kib = kib;
	return TRUE;
}

/* One "N" or "N-M" element of a CPU list; FALSE when it is neither. */
static gboolean
parse_cpu_range(const gchar *p, guint *first, guint *last)
{
	gchar *end = NULL;
	guint64 a, b;

	if (!g_ascii_isdigit(*p))
		return FALSE;
	a = b = g_ascii_strtoull(p, &end, 10);
	if (*end == '-') {
		if (!g_ascii_isdigit(end[1]))
			return FALSE;
		b = g_ascii_strtoull(end + 1, &end, 10);
	}
	if (*end != '\0' || b < a || b > 65535)
		return FALSE;
	*first = (guint)a;
	*last = (guint)b;
	return TRUE;
}

/* CPU numbers a list may hold: parse_cpu_range's bound */
#define CPU_LIST_LIMIT 65536

GArray *
dkvm_parse_cpu_list(const gchar *str, GError **error)
{
	g_autoptr(GArray) cpus = g_array_new(FALSE, FALSE, sizeof(guint));
	g_auto(GStrv) parts = NULL;
	/* one bit per CPU: overlapping ranges ("0-65535" ten times) cost no more
	 * than one, and the list comes out sorted without duplicates in a
	 * single pass */
	g_autofree guint8 *seen = NULL;

	if (str == NULL || *str == '\0') {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID, "empty CPU list");
		return NULL;
	}
	seen = g_new0(guint8, CPU_LIST_LIMIT / 8);
	parts = g_strsplit(str, ",", -1);
	for (guint i = 0; parts[i] != NULL; i++) {
		guint first, last;
		if (!parse_cpu_range(parts[i], &first, &last)) {
			g_autofree gchar *shown = dkvm_quote(str);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "invalid CPU list '%s': expected the kernel's syntax, e.g. "
			            "0-3,8-11",
			            shown);
			return NULL;
		}
		for (guint c = first; c <= last; c++)
			seen[c / 8] |= (guint8)(1u << (c % 8));
	}
	for (guint c = 0; c < CPU_LIST_LIMIT; c++)
		if (seen[c / 8] & (1u << (c % 8)))
			g_array_append_val(cpus, c);
	return g_steal_pointer(&cpus);
}

gchar *
dkvm_format_cpu_list(const GArray *cpus)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < cpus->len;) {
		guint first = g_array_index(cpus, guint, i);
		guint j = i;
		while (j + 1 < cpus->len &&
		       g_array_index(cpus, guint, j + 1) == g_array_index(cpus, guint, j) + 1)
			j++;
		if (out->len > 0)
			g_string_append_c(out, ',');
		if (j == i)
			g_string_append_printf(out, "%u", first);
		else
			g_string_append_printf(out, "%u-%u", first, g_array_index(cpus, guint, j));
		i = j + 1;
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* @len hex digits at @p, nothing else counted (no sign, space or "0x", which
 * sscanf's %x would take): the value, or -1 when they are not all hex. */
static gint64
fixed_hex(const gchar *p, guint len)
{
	gint64 value = 0;

	for (guint i = 0; i < len; i++) {
		if (!g_ascii_isxdigit(p[i]))
			return -1;
		value = value * 16 + g_ascii_xdigit_value(p[i]);
	}
	return value;
}

gboolean
dkvm_pci_address_split(const gchar *str, guint *domain, guint *bus, guint *slot, guint *func)
{
	gint64 d = 0, b, s, f;
	gsize len = str != NULL ? strlen(str) : 0;

	/* exactly DDDD:BB:SS.F or BB:SS.F, as lspci and sysfs write them */
	if (len == 12 && str[4] == ':') {
		d = fixed_hex(str, 4);
		str += 5;
	} else if (len != 7) {
		return FALSE;
	}
	if (str[2] != ':' || str[5] != '.')
		return FALSE;
	b = fixed_hex(str, 2);
	s = fixed_hex(str + 3, 2);
	f = fixed_hex(str + 6, 1);
	if (d < 0 || b < 0 || s < 0 || f < 0 || s >= 32 || f >= 8)
		return FALSE;
	*domain = (guint)d;
	*bus = (guint)b;
	*slot = (guint)s;
	*func = (guint)f;
	return TRUE;
}

gchar *
dkvm_pci_address_format(guint domain, guint bus, guint slot, guint func)
{
	return g_strdup_printf("%04x:%02x:%02x.%x", domain, bus, slot, func);
}

gchar *
dkvm_parse_pci_address(const gchar *str, GError **error)
{
	guint domain, bus, slot, func;
	g_autofree gchar *shown = NULL;

	if (dkvm_pci_address_split(str, &domain, &bus, &slot, &func))
		return dkvm_pci_address_format(domain, bus, slot, func);
	shown = dkvm_quote(str);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
	            "invalid PCI address '%s': expected DDDD:BB:SS.F or BB:SS.F, e.g. 0000:01:00.0",
	            shown);
	return NULL;
}

gboolean
dkvm_parse_usb_id(const gchar *str, guint16 *vendor, guint16 *product, GError **error)
{
	g_autofree gchar *shown = NULL;

	/* exactly four hex digits each, as lsusb writes them: no sign, space or
	 * "0x" (sscanf's %x took "-46d" as 0xfb93) */
	if (str != NULL && strlen(str) == 9 && str[4] == ':' && fixed_hex(str, 4) >= 0 &&
	    fixed_hex(str + 5, 4) >= 0) {
		*vendor = (guint16)fixed_hex(str, 4);
		*product = (guint16)fixed_hex(str + 5, 4);
		return TRUE;
	}
	shown = dkvm_quote(str);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
	            "invalid USB id '%s': expected VENDOR:PRODUCT, four hex digits each, e.g. "
	            "046d:c52b",
	            shown);
	return FALSE;
}

gboolean
dkvm_spec_validate_name(const gchar *name, GError **error)
{
	return validate_name(name, error);
}

static gboolean
strings_equal(const GPtrArray *a, const GPtrArray *b)
{
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++)
		if (g_strcmp0(g_ptr_array_index(a, i), g_ptr_array_index(b, i)) != 0)
			return FALSE;
	return TRUE;
}

static gboolean
pci_equal(const GPtrArray *a, const GPtrArray *b)
{
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		const DkvmPciSelection *x = g_ptr_array_index(a, i);
		const DkvmPciSelection *y = g_ptr_array_index(b, i);
		if (g_ascii_strcasecmp(x->address, y->address) != 0 ||
		    g_strcmp0(x->rom_file, y->rom_file) != 0)
			return FALSE;
	}
	return TRUE;
}

static gboolean
disks_equal(const GPtrArray *a, const GPtrArray *b)
{
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		const DkvmDisk *x = g_ptr_array_index(a, i);
		const DkvmDisk *y = g_ptr_array_index(b, i);
		if (g_strcmp0(x->path, y->path) != 0 || g_strcmp0(x->target, y->target) != 0 ||
		    x->is_block != y->is_block)
			return FALSE;
	}
	return TRUE;
}

static gboolean
nics_equal(const GPtrArray *a, const GPtrArray *b)
{
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		const DkvmNic *x = g_ptr_array_index(a, i);
		const DkvmNic *y = g_ptr_array_index(b, i);
		if (x->kind != y->kind || g_strcmp0(x->source, y->source) != 0 ||
		    g_strcmp0(x->mac, y->mac) != 0 || g_strcmp0(x->model, y->model) != 0)
			return FALSE;
	}
	return TRUE;
}

static gboolean
usb_equal(const GPtrArray *a, const GPtrArray *b)
{
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		const DkvmUsbSelection *x = g_ptr_array_index(a, i);
		const DkvmUsbSelection *y = g_ptr_array_index(b, i);
		if (x->vendor_id != y->vendor_id || x->product_id != y->product_id ||
		    x->optional != y->optional)
			return FALSE;
	}
	return TRUE;
}

DkvmDomainArea
dkvm_spec_diff_areas(const DkvmSpec *old, const DkvmSpec *new)
{
	DkvmDomainArea areas = 0;

	/* a different preset means other defaults everywhere */
	if (old->preset != new->preset)
		return DKVM_DOMAIN_AREA_ALL;
	/* a PCI device decides the NUMA node (pinning, hugepages) and the
	 * display; a disk brings an I/O thread: those reach into other areas */
	if (!pci_equal(old->pci, new->pci))
		areas |= DKVM_DOMAIN_AREA_DEVICES | DKVM_DOMAIN_AREA_CPU | DKVM_DOMAIN_AREA_MEMORY |
		         DKVM_DOMAIN_AREA_OS; /* and the MMIO window for its BARs */
	if (!disks_equal(old->disks, new->disks) || old->iothreads != new->iothreads)
		areas |= DKVM_DOMAIN_AREA_DEVICES | DKVM_DOMAIN_AREA_CPU;
	if (!usb_equal(old->usb, new->usb) || !strings_equal(old->cdroms, new->cdroms) ||
	    !nics_equal(old->nics, new->nics) || !strings_equal(old->evdev, new->evdev) ||
	    old->tpm != new->tpm || g_strcmp0(old->vnc_listen, new->vnc_listen) != 0 ||
	    old->vnc_display != new->vnc_display ||
	    old->looking_glass_width != new->looking_glass_width ||
	    old->looking_glass_height != new->looking_glass_height)
		areas |= DKVM_DOMAIN_AREA_DEVICES;
	if (old->vcpus != new->vcpus || old->pinning != new->pinning ||
	    old->realtime != new->realtime)
		areas |= DKVM_DOMAIN_AREA_CPU | DKVM_DOMAIN_AREA_MEMORY;
	if (old->memory_kib != new->memory_kib || old->hugepages != new->hugepages ||
	    old->lock_memory != new->lock_memory)
		areas |= DKVM_DOMAIN_AREA_MEMORY;
	if (old->kvm_hidden != new->kvm_hidden ||
	    g_strcmp0(old->hyperv_vendor_id, new->hyperv_vendor_id) != 0)
		areas |= DKVM_DOMAIN_AREA_FEATURES;
	if (old->secure_boot != new->secure_boot || old->uefi != new->uefi)
		areas |= DKVM_DOMAIN_AREA_OS | DKVM_DOMAIN_AREA_FEATURES;
	return areas;
}
