/*
 * The data partition for the disk and CD-ROM steps (wizard-data.h).
 */
#include "wizard-data.h"

#include <glib/gstdio.h>

#include "format-size.h"

DkvmDataPartition *
dkvm_wizard_data_partition(const DkvmWizard *wizard, GError **error)
{
	return dkvm_vm_data_partition(wizard->menu->app, error);
}

gchar *
dkvm_wizard_data_shown(const DkvmDataPartition *data, const gchar *path, gsize width)
{
	const gchar *shown = path;
	glong length;

	if (data != NULL && g_str_has_prefix(path, data->dir) && path[strlen(data->dir)] == '/')
		shown = path + strlen(data->dir) + 1;
	length = g_utf8_strlen(shown, -1);
	if (length <= (glong)width || width < 3)
		return g_strdup(shown);
	return g_strconcat("..", g_utf8_offset_to_pointer(shown, length - (glong)width + 2), NULL);
}

gchar *
dkvm_wizard_file_size(const gchar *path)
{
	GStatBuf st;

	if (g_stat(path, &st) != 0)
		return g_strdup("?");
	return dkvm_format_kib_column(((guint64)st.st_size + 1023) / 1024);
}
