/*
 * Import and export of domain files (see vm-import.h) over frontend/virt.
 */
#include "vm-import.h"

#include "vm-common.h"
#include "virt-import.h"

static void
import_file_free(gpointer data)
{
	DkvmVmImportFile *self = data;

	g_free(self->file);
	g_free(self->vm_name);
	g_free(self->warning);
	g_clear_error(&self->error);
	g_free(self);
}

void
dkvm_vm_import_free(DkvmVmImport *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->files, g_ptr_array_unref);
	g_clear_error(&self->not_saved);
	g_free(self);
}

DkvmVmImport *
dkvm_vm_import(DkvmApp *app, const gchar *path, GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);
	g_autoptr(GPtrArray) results = NULL;
	DkvmVmImport *import;

	if (conn == NULL)
		return NULL;
	results = dkvm_virt_import(conn, path, error);
	if (results == NULL)
		return NULL;
	import = g_new0(DkvmVmImport, 1);
	import->files = g_ptr_array_new_with_free_func(import_file_free);
	for (guint i = 0; i < results->len; i++) {
		DkvmImportResult *r = g_ptr_array_index(results, i);
		DkvmVmImportFile *f = g_new0(DkvmVmImportFile, 1);
		f->file = g_steal_pointer(&r->file);
		f->vm_name = g_steal_pointer(&r->vm_name);
		f->updated = r->updated;
		f->warning = g_steal_pointer(&r->warning);
		f->error = g_steal_pointer(&r->error);
		if (f->error != NULL)
			import->failed++;
		g_ptr_array_add(import->files, f);
	}
	if (import->failed < import->files->len)
		dkvm_vm_persist(app, &import->not_saved);
	return import;
}

const GError *
dkvm_vm_import_first_error(const DkvmVmImport *self)
{
	for (guint i = 0; i < self->files->len; i++) {
		const DkvmVmImportFile *f = g_ptr_array_index(self->files, i);
		if (f->error != NULL)
			return f->error;
	}
	return NULL;
}

GPtrArray *
dkvm_vm_export(DkvmApp *app, const gchar *dir, GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);

	if (conn == NULL)
		return NULL;
	return dkvm_virt_export(conn, dir, error);
}
