/*
 * Per-VM records in /run/dkvm (vm-record.h).
 */
#include "vm-record.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "file-replace.h"
#include "host-path.h"

gchar *
dkvm_vm_record_path(const gchar *dir, const gchar *vm_name, const gchar *what, GError **error)
{
	g_autofree gchar *root_dir = NULL;

	if (vm_name == NULL || *vm_name == '\0' || vm_name[0] == '.' ||
	    strchr(vm_name, '/') != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid VM name '%s' for the %s: it must not be empty, "
		            "start with '.' or contain '/'",
		            vm_name != NULL ? vm_name : "", what);
		return NULL;
	}
	root_dir = dkvm_host_path(dir);
	return g_build_filename(root_dir, vm_name, NULL);
}

GKeyFile *
dkvm_vm_record_load(const gchar *path, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local_error = NULL;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local_error) &&
	    !g_error_matches(local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read %s: %s", path,
		            local_error->message);
		return NULL;
	}
	return g_steal_pointer(&kf);
}

gboolean
dkvm_vm_record_save(GKeyFile *kf, const gchar *path, GError **error)
{
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autofree gchar *data = NULL;
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);

	if (groups[0] == NULL) {
		if (g_unlink(path) != 0 && errno != ENOENT) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot remove %s: %s", path,
			            g_strerror(errno));
			return FALSE;
		}
		return TRUE;
	}
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s", dir,
		            g_strerror(errno));
		return FALSE;
	}
	data = g_key_file_to_data(kf, NULL, NULL);
	return dkvm_file_replace(path, data, -1, error);
}
