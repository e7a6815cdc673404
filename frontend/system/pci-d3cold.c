#include "pci-d3cold.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dkvm-error.h"
#include "file-replace.h"
#include "host-path.h"

#define RECORD_DIR   "run/dkvm/d3cold"
#define RECORD_GROUP "d3cold_allowed"

static gchar *
record_path(const gchar *vm_name, GError **error)
{
	g_autofree gchar *dir = NULL;

	if (vm_name == NULL || *vm_name == '\0' || vm_name[0] == '.' ||
	    strchr(vm_name, '/') != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid VM name '%s' for the d3cold record: it must not be empty, "
		            "start with '.' or contain '/'",
		            vm_name != NULL ? vm_name : "");
		return NULL;
	}
	dir = dkvm_host_path(RECORD_DIR);
	return g_build_filename(dir, vm_name, NULL);
}

static gchar *
attribute_path(const gchar *address)
{
	return dkvm_host_pathf(DKVM_PATH_PCI_DEVICES "/%s/d3cold_allowed", address);
}

/* The attribute's value: 1, 0, or -1 when it is absent or unreadable. */
static gint
read_allowed(const gchar *address)
{
	g_autofree gchar *path = attribute_path(address);
	g_autofree gchar *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return -1;
	g_strstrip(text);
	return g_strcmp0(text, "1") == 0 ? 1 : g_strcmp0(text, "0") == 0 ? 0 : -1;
}

/* sysfs attributes are written in place, never replaced. */
static gboolean
write_allowed(const gchar *address, gboolean allowed, GError **error)
{
	g_autofree gchar *path = attribute_path(address);
	FILE *f = fopen(path, "we");
	gboolean ok;

	if (f == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO,
		            "cannot write /%s/%s/d3cold_allowed: %s", DKVM_PATH_PCI_DEVICES,
		            address, g_strerror(errno));
		return FALSE;
	}
	ok = fputs(allowed ? "1" : "0", f) >= 0;
	ok = fclose(f) == 0 && ok;
	if (!ok)
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO,
		            "cannot write /%s/%s/d3cold_allowed: %s", DKVM_PATH_PCI_DEVICES,
		            address, g_strerror(errno));
	return ok;
}

static gboolean
save_record(const gchar *path, GPtrArray *changed, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autofree gchar *data = NULL;

	if (changed->len == 0) {
		if (g_unlink(path) != 0 && errno != ENOENT) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot remove %s: %s", path,
			            g_strerror(errno));
			return FALSE;
		}
		return TRUE;
	}
	g_key_file_set_string_list(kf, RECORD_GROUP, "off", (const gchar *const *)changed->pdata,
	                           changed->len);
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s", dir,
		            g_strerror(errno));
		return FALSE;
	}
	data = g_key_file_to_data(kf, NULL, NULL);
	return dkvm_file_replace(path, data, -1, error);
}

static GPtrArray *
load_record(const gchar *path, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local_error = NULL;
	g_auto(GStrv) list = NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local_error)) {
		if (g_error_matches(local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return out;
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read %s: %s", path,
		            local_error->message);
		g_ptr_array_unref(out);
		return NULL;
	}
	list = g_key_file_get_string_list(kf, RECORD_GROUP, "off", NULL, NULL);
	for (guint i = 0; list != NULL && list[i] != NULL; i++) {
		/* only what reads as a PCI address names a sysfs directory */
		if (strchr(list[i], '/') == NULL && list[i][0] != '.')
			g_ptr_array_add(out, g_strdup(list[i]));
	}
	return out;
}

gboolean
dkvm_pci_d3cold_restore(const gchar *vm_name, GError **error)
{
	g_autofree gchar *path = record_path(vm_name, error);
	g_autoptr(GPtrArray) recorded = NULL;
	g_autoptr(GPtrArray) left = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) first = NULL;

	if (path == NULL)
		return FALSE;
	recorded = load_record(path, error);
	if (recorded == NULL)
		return FALSE;
	for (guint i = 0; i < recorded->len; i++) {
		const gchar *address = g_ptr_array_index(recorded, i);
		g_autoptr(GError) local_error = NULL;

		if (read_allowed(address) < 0)
			continue; /* gone from the host (removed, or the host rebooted) */
		if (!write_allowed(address, TRUE, &local_error)) {
			g_ptr_array_add(left, g_strdup(address));
			if (first == NULL)
				first = g_steal_pointer(&local_error);
		}
	}
	if (!save_record(path, left, error))
		return FALSE;
	if (first != NULL) {
		g_propagate_error(error, g_steal_pointer(&first));
		return FALSE;
	}
	return TRUE;
}

gboolean
dkvm_pci_d3cold_hold(const gchar *vm_name, const GPtrArray *addresses, GError **error)
{
	g_autofree gchar *path = record_path(vm_name, error);
	g_autoptr(GPtrArray) changed = NULL;

	if (path == NULL)
		return FALSE;
	/* what an earlier run left recorded (the guest powered itself off) first */
	changed = load_record(path, error);
	if (changed == NULL)
		return FALSE;
	for (guint i = 0; i < addresses->len; i++) {
		const gchar *address = g_ptr_array_index(addresses, i);
		gboolean known = FALSE;

		if (read_allowed(address) != 1)
			continue;
		if (!write_allowed(address, FALSE, error)) {
			g_autoptr(GError) undo_error = NULL;
			if (save_record(path, changed, &undo_error))
				dkvm_pci_d3cold_restore(vm_name, NULL);
			return FALSE;
		}
		for (guint j = 0; j < changed->len && !known; j++)
			known = g_strcmp0(g_ptr_array_index(changed, j), address) == 0;
		if (!known)
			g_ptr_array_add(changed, g_strdup(address));
		if (!save_record(path, changed, error)) {
			write_allowed(address, TRUE, NULL);
			return FALSE;
		}
	}
	return TRUE;
}
