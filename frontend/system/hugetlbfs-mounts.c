/*
 * /proc/mounts lines are "device mountpoint type options dump pass", with
 * spaces in paths written as \040 (octal escapes). Only hugetlbfs lines
 * matter here; their options carry "pagesize=2M" / "pagesize=1024M" when
 * the page size was given, and nothing when the mount took the default.
 */
#include "hugetlbfs-mounts.h"

#include <string.h>

#include "dkvm-error.h"
#include "host-path.h"
#include "page-size.h"
#include "size-math.h"

/* "2M", "1024M", "1G", "64K" (the kernel writes binary units) into KiB; 0 when unreadable. */
static guint64
parse_page_size(const gchar *text)
{
	gchar *end = NULL;
	guint64 value = g_ascii_strtoull(text, &end, 10);

	if (end == text)
		return 0;
	switch (g_ascii_toupper(*end)) {
	case 'K':
		return value;
	case 'M':
		return dkvm_size_mul(value, 1024);
	case 'G':
		return dkvm_size_mul(value, 1024 * 1024);
	case '\0':
		return value / 1024; /* bytes */
	default:
		return 0;
	}
}

/* Hugepagesize from /proc/meminfo in KiB; 0 when the kernel has none. */
static guint64
default_page_kib(void)
{
	g_autofree gchar *path = dkvm_host_path("proc/meminfo");
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_str_has_prefix(lines[i], "Hugepagesize:"))
			return g_ascii_strtoull(lines[i] + strlen("Hugepagesize:"), NULL, 10);
	}
	return 0;
}

/* /proc/mounts writes space, tab, newline and backslash as octal escapes. */
static gchar *
unescape_mount_path(const gchar *field)
{
	return g_strcompress(field);
}

/* The page size of one hugetlbfs mount from its options. */
static guint64
mount_page_kib(const gchar *options, guint64 *default_kib)
{
	g_auto(GStrv) opts = g_strsplit(options, ",", -1);

	for (guint i = 0; opts[i] != NULL; i++) {
		if (g_str_has_prefix(opts[i], "pagesize="))
			return parse_page_size(opts[i] + strlen("pagesize="));
	}
	/* read once, only when a mount without pagesize= is met */
	if (*default_kib == G_MAXUINT64)
		*default_kib = default_page_kib();
	return *default_kib;
}

gboolean
dkvm_hugetlbfs_find_mount(guint64 page_kib, gchar **out_mount_point, GError **error)
{
	g_autofree gchar *path = dkvm_host_path("proc/mounts");
	g_autofree gchar *text = NULL;
	g_autoptr(GError) local_error = NULL;
	g_auto(GStrv) lines = NULL;
	guint64 default_kib = G_MAXUINT64;

	*out_mount_point = NULL;
	if (!g_file_get_contents(path, &text, NULL, &local_error)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read the mounts: %s",
		            local_error->message);
		return FALSE;
	}
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) fields = g_strsplit_set(lines[i], " \t", -1);

		if (g_strv_length(fields) < 4 || g_strcmp0(fields[2], "hugetlbfs") != 0)
			continue;
		if (mount_page_kib(fields[3], &default_kib) == page_kib) {
			*out_mount_point = unescape_mount_path(fields[1]);
			return TRUE;
		}
	}
	return TRUE;
}

gchar *
dkvm_hugetlbfs_mount_hint(guint64 page_kib)
{
	if (page_kib % DKVM_PAGE_1G_KIB == 0)
		return g_strdup_printf("mkdir -p /dev/hugepages%" G_GUINT64_FORMAT "G && mount -t "
		                       "hugetlbfs -o pagesize=%" G_GUINT64_FORMAT
		                       "G hugetlbfs /dev/hugepages%" G_GUINT64_FORMAT "G",
		                       page_kib / DKVM_PAGE_1G_KIB, page_kib / DKVM_PAGE_1G_KIB,
		                       page_kib / DKVM_PAGE_1G_KIB);
	if (page_kib % 1024 == 0)
		return g_strdup_printf("mkdir -p /dev/hugepages && mount -t hugetlbfs -o "
		                       "pagesize=%" G_GUINT64_FORMAT "M hugetlbfs /dev/hugepages",
		                       page_kib / 1024);
	return g_strdup_printf("mount -t hugetlbfs -o pagesize=%" G_GUINT64_FORMAT
	                       "K hugetlbfs /dev/hugepages",
	                       page_kib);
}
