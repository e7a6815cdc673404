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
#include "virt-import.h"

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
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(GError) persist_error = NULL;
	const DkvmImportResult *first = NULL;
	virConnectPtr conn;
	guint failed;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_import, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_import, argc, 1, error))
		return FALSE;
	conn = dkvm_app_get_connection(app, error);
	if (conn == NULL)
		return FALSE;
	results = dkvm_virt_import(conn, argv[1], error);
	if (results == NULL)
		return FALSE;
	if (results->len == 0) {
		g_print("no domain files (*.xml) in %s\n", argv[1]);
		return TRUE;
	}
	for (guint i = 0; i < results->len; i++) {
		const DkvmImportResult *r = g_ptr_array_index(results, i);
		if (r->error == NULL) {
			g_print("%s VM '%s' from %s\n", r->updated ? "updated" : "imported",
			        r->vm_name, r->file);
			if (r->warning != NULL)
				fprintf(stderr, "dkvm: warning: %s: %s\n", r->file, r->warning);
		} else
			fprintf(stderr, "dkvm: skipped %s: %s\n", r->file, r->error->message);
	}
	failed = dkvm_import_results_failed(results, &first);
	if (failed < results->len && !dkvm_cmd_vm_persist(app, &persist_error)) {
		if (failed == 0) {
			g_propagate_error(error, g_steal_pointer(&persist_error));
			return FALSE;
		}
		fprintf(stderr, "dkvm: %s\n", persist_error->message);
	}
	if (failed == 0)
		return TRUE;
	g_set_error(error, DKVM_ERROR, first->error->code, "import: %u of %u file%s skipped",
	            failed, results->len, results->len == 1 ? "" : "s");
	return FALSE;
}

static gboolean
cmd_vm_export_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(GPtrArray) written = NULL;
	virConnectPtr conn;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_export, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_export, argc, 1, error))
		return FALSE;
	conn = dkvm_app_get_connection(app, error);
	if (conn == NULL)
		return FALSE;
	written = dkvm_virt_export(conn, argv[1], error);
	if (written == NULL)
		return FALSE;
	for (guint i = 0; i < written->len; i++)
		g_print("wrote %s\n", (const gchar *)g_ptr_array_index(written, i));
	if (written->len == 0)
		g_print("no VMs to export\n");
	return TRUE;
}
