/*
 * Text readers for sysfs and procfs. They go through glib's file functions
 * only (open/read/readlink/opendir), which umockdev's preload redirects to a
 * fixture tree; nothing here may open a device node.
 */
#include "host-sysfs.h"

#include <stdarg.h>
#include <string.h>

#include "spec.h"

gchar *
dkvm_sysfs_read(const gchar *path)
{
	g_autofree gchar *contents = NULL;

	if (!g_file_get_contents(path, &contents, NULL, NULL))
		return NULL;
	return g_strdup(g_strstrip(contents));
}

gchar *
dkvm_sysfs_readf(const gchar *fmt, ...)
{
	va_list args;
	g_autofree gchar *path = NULL;

	va_start(args, fmt);
	path = g_strdup_vprintf(fmt, args);
	va_end(args);
	return dkvm_sysfs_read(path);
}

gboolean
dkvm_sysfs_read_int(const gchar *path, gint64 *out)
{
	g_autofree gchar *text = dkvm_sysfs_read(path);
	gchar *end = NULL;
	gint64 value;

	if (text == NULL || *text == '\0')
		return FALSE;
	if (g_str_has_prefix(text, "0x"))
		value = (gint64)g_ascii_strtoull(text + 2, &end, 16);
	else
		value = g_ascii_strtoll(text, &end, 10);
	if (end == NULL || *end != '\0')
		return FALSE;
	*out = value;
	return TRUE;
}

gint64
dkvm_sysfs_read_int_or(const gchar *path, gint64 fallback)
{
	gint64 value;
	return dkvm_sysfs_read_int(path, &value) ? value : fallback;
}

GArray *
dkvm_sysfs_read_cpu_list(const gchar *path)
{
	g_autofree gchar *text = dkvm_sysfs_read(path);

	if (text == NULL || *text == '\0')
		return NULL;
	return dkvm_parse_cpu_list(text, NULL);
}

gchar *
dkvm_sysfs_link_name(const gchar *path)
{
	g_autofree gchar *target = g_file_read_link(path, NULL);

	if (target == NULL)
		return NULL;
	return g_path_get_basename(target);
}

static gint
compare_natural(gconstpointer a, gconstpointer b)
{
	const gchar *sa = *(const gchar *const *)a;
	const gchar *sb = *(const gchar *const *)b;
	gsize la = strlen(sa), lb = strlen(sb);

	/* names differ in their trailing number: shorter first, then by text */
	if (la != lb)
		return la < lb ? -1 : 1;
	return g_strcmp0(sa, sb);
}

GPtrArray *
dkvm_sysfs_list_dir(const gchar *path, const gchar *prefix)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const gchar *name;

	if (dir == NULL)
		return g_steal_pointer(&names);
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_prefix(name, prefix))
			g_ptr_array_add(names, g_strdup(name));
	}
	g_ptr_array_sort(names, compare_natural);
	return g_steal_pointer(&names);
}

gboolean
dkvm_sysfs_name_number(const gchar *name, const gchar *prefix, guint *out)
{
	guint64 value;

	if (!g_str_has_prefix(name, prefix))
		return FALSE;
	if (!g_ascii_string_to_unsigned(name + strlen(prefix), 10, 0, G_MAXUINT, &value, NULL))
		return FALSE;
	*out = (guint)value;
	return TRUE;
}

void
dkvm_host_note(DkvmHostFacts *facts, const gchar *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	g_ptr_array_add(facts->notes, g_strdup_vprintf(fmt, args));
	va_end(args);
}
