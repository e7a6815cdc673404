/* New disk images (vm-storage.h): the name and size checked, then made
 * through libvirt's storage API (frontend/virt/virt-storage.c). */
#include "vm-storage.h"

#include <string.h>

#include "dkvm-error.h"
#include "virt-storage.h"

gchar *
dkvm_vm_storage_create_qcow2(DkvmApp *app, const gchar *dir, const gchar *file_name,
                             guint64 size_bytes, GError **error)
{
	virConnectPtr conn;
	g_autofree gchar *name = NULL;

	if (file_name == NULL || *file_name == '\0' || strchr(file_name, '/') != NULL ||
	    g_str_equal(file_name, ".") || g_str_equal(file_name, "..")) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid image name '%s': give a file name without '/'",
		            file_name != NULL ? file_name : "");
		return NULL;
	}
	if (size_bytes == 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "invalid image size: it must be more than 0");
		return NULL;
	}
	conn = dkvm_app_get_connection(app, error);
	if (conn == NULL)
		return NULL;
	name = g_str_has_suffix(file_name, ".qcow2") ? g_strdup(file_name)
	                                             : g_strconcat(file_name, ".qcow2", NULL);
	return dkvm_virt_storage_create_qcow2(conn, dir, name, size_bytes, error);
}
