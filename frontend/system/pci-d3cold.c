#include "pci-d3cold.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dkvm-error.h"
#include "file-replace.h"
#include "host-path.h"
#include "vm-record.h"

#define RECORD_DIR   "run/dkvm/d3cold"
#define RECORD_GROUP "d3cold_allowed"

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

	if (changed->len > 0)
		g_key_file_set_string_list(kf, RECORD_GROUP, "off",
		                           (const gchar *const *)changed->pdata, changed->len);
	return dkvm_vm_record_save(kf, path, error);
}

static GPtrArray *
load_record(const gchar *path, GError **error)
{
	g_autoptr(GKeyFile) kf = dkvm_vm_record_load(path, error);
	g_auto(GStrv) list = NULL;
	GPtrArray *out;

	if (kf == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(g_free);
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
	g_autofree gchar *path = dkvm_vm_record_path(RECORD_DIR, vm_name, "d3cold record", error);
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
	g_autofree gchar *path = dkvm_vm_record_path(RECORD_DIR, vm_name, "d3cold record", error);
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
