/*
 * Reading a folder of domain files (vm-domain-files.h).
 */
#include "vm-domain-files.h"

#include "dkvm-error.h"
#include "string-order.h"

void
dkvm_domain_file_free(DkvmDomainFile *self)
{
	if (self == NULL)
		return;
	g_free(self->path);
	g_free(self->xml);
	g_free(self);
}

GPtrArray *
dkvm_vm_domain_files(const gchar *dir, GPtrArray *skipped, GError **error)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) files =
	        g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_domain_file_free);
	g_autoptr(GError) local = NULL;
	g_autoptr(GDir) d = NULL;
	const gchar *name;

	if (!g_file_test(dir, G_FILE_TEST_EXISTS))
		return g_steal_pointer(&files);
	d = g_dir_open(dir, 0, &local);
	if (d == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read %s: %s", dir,
		            local->message);
		return NULL;
	}
	while ((name = g_dir_read_name(d)) != NULL) {
		if (g_str_has_suffix(name, ".xml"))
			g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	}
	g_ptr_array_sort(names, dkvm_compare_strings);
	for (guint i = 0; i < names->len; i++) {
		DkvmDomainFile *file = g_new0(DkvmDomainFile, 1);
		g_autoptr(GError) read_error = NULL;

		file->path = g_strdup(g_ptr_array_index(names, i));
		if (!g_file_get_contents(file->path, &file->xml, NULL, &read_error)) {
			g_ptr_array_add(skipped, g_strdup(read_error->message));
			dkvm_domain_file_free(file);
			continue;
		}
		g_ptr_array_add(files, file);
	}
	return g_steal_pointer(&files);
}
