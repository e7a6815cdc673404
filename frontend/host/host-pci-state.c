/*
 * A PCI function's BARs and health from its sysfs directory.
 *
 * `resource` has one line per resource: "start end flags" in hex; lines 0-5
 * are the BARs, 6 the expansion ROM, the rest a bridge's windows. The flags
 * are the kernel's IORESOURCE_* bits. `resourceN_resize` (Linux 5.13+,
 * resizable BAR capability) holds a bit mask of the sizes the BAR offers:
 * bit n set = 2^n MiB.
 */
#include "host-pci-state.h"

#include <string.h>

#include "host-sysfs.h"
#include "pci-config.h"

#define IORESOURCE_MEM      0x00000200
#define IORESOURCE_PREFETCH 0x00002000
#define IORESOURCE_MEM_64   0x00100000
#define PCI_ROM_RESOURCE    6

static gboolean
parse_hex(const gchar *text, guint64 *out)
{
	gchar *end = NULL;

	if (text == NULL || !g_str_has_prefix(text, "0x"))
		return FALSE;
	*out = g_ascii_strtoull(text, &end, 16);
	return end != NULL && end != text + 2 && *end == '\0';
}

/* The largest size @dir/resource<index>_resize offers, 0 when none. */
static guint64
resizable_max(const gchar *dir, guint index)
{
	g_autofree gchar *mask_text = dkvm_sysfs_readf("%s/resource%u_resize", dir, index);
	gchar *end = NULL;
	guint64 mask;

	if (mask_text == NULL)
		return 0;
	mask = g_ascii_strtoull(mask_text, &end, 16);
	if (end == mask_text || *end != '\0' || mask == 0)
		return 0;
	/* bit n = 2^n MiB; 2^43 MiB = 2^63 bytes is the most a 64-bit BAR can be */
	for (gint bit = 43; bit >= 0; bit--) {
		if (mask & (G_GUINT64_CONSTANT(1) << bit))
			return G_GUINT64_CONSTANT(1) << (bit + 20);
	}
	return 0;
}

void
dkvm_host_read_pci_bars(const gchar *dir, GArray *bars)
{
	g_autofree gchar *text = dkvm_sysfs_readf("%s/resource", dir);
	g_auto(GStrv) lines = NULL;

	if (text == NULL)
		return;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL && i <= PCI_ROM_RESOURCE; i++) {
		g_auto(GStrv) fields = g_strsplit_set(lines[i], " \t", -1);
		guint64 start, end, flags;
		DkvmPciBar bar = { 0 };

		if (g_strv_length(fields) != 3 || !parse_hex(fields[0], &start) ||
		    !parse_hex(fields[1], &end) || !parse_hex(fields[2], &flags))
			continue;
		if (!(flags & IORESOURCE_MEM) || end <= start)
			continue;
		bar.index = i;
		bar.size = end - start + 1;
		bar.is_64bit = (flags & IORESOURCE_MEM_64) != 0;
		bar.prefetchable = (flags & IORESOURCE_PREFETCH) != 0;
		bar.resizable_max = i < PCI_ROM_RESOURCE ? resizable_max(dir, i) : 0;
		if (bar.resizable_max != 0 && bar.resizable_max < bar.size)
			bar.resizable_max = 0; /* the kernel never says so; keep facts consistent */
		g_array_append_val(bars, bar);
	}
}

gboolean
dkvm_host_pci_config_stuck(const gchar *dir)
{
	return dkvm_pci_config_stuck(dir);
}

gint
dkvm_host_pci_d3cold_allowed(const gchar *dir)
{
	g_autofree gchar *path = g_build_filename(dir, "d3cold_allowed", NULL);
	gint64 v = dkvm_sysfs_read_int_or(path, -1);
	return v < 0 ? -1 : v != 0;
}
