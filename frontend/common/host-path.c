/*
 * The root of host paths, read in this one place (see host-path.h).
 */
#include "host-path.h"

#include <stdarg.h>

gchar *
dkvm_host_path(const gchar *relative)
{
	const gchar *root = g_getenv("DKVM_SYSFS_ROOT");

	if (root == NULL || *root == '\0')
		root = "/";
	return g_build_filename(root, relative, NULL);
}

gchar *
dkvm_host_pathf(const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *relative = NULL;

	va_start(args, format);
	relative = g_strdup_vprintf(format, args);
	va_end(args);
	return dkvm_host_path(relative);
}

gchar *
dkvm_host_hugepage_pool_relpath(guint64 page_kib, gint node)
{
	if (node < 0)
		return g_strdup_printf(DKVM_PATH_HUGEPAGES "/hugepages-%" G_GUINT64_FORMAT "kB",
		                       page_kib);
	return g_strdup_printf(DKVM_PATH_NODE "/node%d/hugepages/hugepages-%" G_GUINT64_FORMAT "kB",
	                       node, page_kib);
}
