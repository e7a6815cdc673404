/*
 * dkvm vm import DIR|FILE and dkvm vm export DIR: domain files on the stick's
 * domains/ folder. Import reports each file (imported, updated, or skipped
 * with its reason; a warning when only this libvirt's schema refused a file
 * libvirt defined) and exits non-zero when any was skipped, while the good
 * ones stay imported: a boot must not lose every VM over one bad edit.
 */
#include <stdio.h>

#include "cmd-vm-common.h"
#include "cmd.h"
#include "dkvm-error.h"
#include "vm-import.h"

static gboolean cmd_vm_import_run(DkvmApp *app, gint argc, gchar **argv, GError **error);
static gboolean cmd_vm_export_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_import = {
	.name = "vm import",
	.args = "DIR|FILE",
	.summary = "Define VMs from domain XML files; a bad file is reported and skipped",
	.run = cmd_vm_import_run,
};

const DkvmCmd dkvm_cmd_vm_export = {
	.name = "vm export",
	.args = "DIR",
	.summary = "Write every VM's domain XML to DIR/NAME.xml",
	.run = cmd_vm_export_run,
};

static gboolean
cmd_vm_import_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(DkvmVmImport) import = NULL;
	g_autoptr(GError) not_saved = NULL;
	guint total;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_import, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_import, argc, 1, error))
		return FALSE;
	import = dkvm_vm_import(app, argv[1], error);
	if (import == NULL)
		return FALSE;
	total = import->files->len;
	if (total == 0) {
		g_print("no domain files (*.xml) in %s\n", argv[1]);
		return TRUE;
	}
	for (guint i = 0; i < total; i++) {
		const DkvmVmImportFile *f = g_ptr_array_index(import->files, i);
		if (f->error == NULL) {
			g_print("%s VM '%s' from %s\n", f->updated ? "updated" : "imported",
			        f->vm_name, f->file);
			if (f->warning != NULL)
				fprintf(stderr, "dkvm: warning: %s: %s\n", f->file, f->warning);
		} else
			fprintf(stderr, "dkvm: skipped %s: %s\n", f->file, f->error->message);
	}
	if (!dkvm_cmd_vm_not_saved(import->not_saved, &not_saved)) {
		if (import->failed == 0) {
			g_propagate_error(error, g_steal_pointer(&not_saved));
			return FALSE;
		}
		fprintf(stderr, "dkvm: %s\n", not_saved->message);
	}
	if (import->failed == 0)
		return TRUE;
	g_set_error(error, DKVM_ERROR, dkvm_vm_import_first_error(import)->code,
	            "import: %u of %u file%s skipped", import->failed, total,
	            total == 1 ? "" : "s");
	return FALSE;
}

static gboolean
cmd_vm_export_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(GPtrArray) written = NULL;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_export, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_export, argc, 1, error))
		return FALSE;
	written = dkvm_vm_export(app, argv[1], error);
	if (written == NULL)
		return FALSE;
	for (guint i = 0; i < written->len; i++)
		g_print("wrote %s\n", (const gchar *)g_ptr_array_index(written, i));
	if (written->len == 0)
		g_print("no VMs to export\n");
	return TRUE;
}
