/*
 * dkvm vm import DIR|FILE|BUNDLE, dkvm vm export NAME and dkvm vm export
 * --all DIR: a VM's backup bundle (domain, NVRAM, TPM state: vm-bundle.h),
 * and domain files on the stick's domains/ folder. Import reports each file (imported, updated, or
 * skipped with its reason; a warning when only this libvirt's schema refused a file libvirt
 * defined) and exits non-zero when any was skipped, while the good ones stay imported: a boot must
 * not lose every VM over one bad edit.
 *
 * DIR may also be the original DKVM's data partition (numbered folders with
 * a vm_config): then one VM per folder, with --print-xml to preview and
 * --memory to replace the original's memory rule (cmd_vm_import_legacy).
 */
#include <stdio.h>
#include <string.h>

#include "cmd-vm-common.h"
#include "cmd.h"
#include "dkvm-error.h"
#include "host-json-file.h"
#include "quote.h"
#include "spec.h"
#include "vm-bundle.h"
#include "vm-import.h"
#include "vm-legacy-folder.h"
#include "vm-legacy.h"

static gboolean cmd_vm_import_run(DkvmApp *app, gint argc, gchar **argv, GError **error);
static gboolean cmd_vm_export_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_import = {
	.name = "vm import",
	.args = "DIR|FILE|BUNDLE [--print-xml] [--memory SIZE]",
	.summary = "Define VMs from domain XML files, a backup bundle (NAME.dkvm.tar.gz) or the "
	           "original DKVM's data partition; a bad file or folder is reported and skipped",
	.run = cmd_vm_import_run,
};

const DkvmCmd dkvm_cmd_vm_export = {
	.name = "vm export",
	.args = "NAME [--output PATH] | --all DIR",
	.summary = "Back a VM up with its NVRAM and TPM state (NAME.dkvm.tar.gz); --all: every "
	           "VM's domain XML to DIR/NAME.xml",
	.run = cmd_vm_export_run,
};

/* One line per folder, its warnings on stderr; with @print_xml the plan and
 * lines go to stderr and the domain XML to stdout. */
static void
print_legacy_vm(const DkvmVmLegacyVm *vm, gboolean print_xml)
{
	FILE *out = print_xml ? stderr : stdout;
	g_autofree gchar *title = vm->title != NULL && g_strcmp0(vm->title, vm->vm_name) != 0
	                                  ? g_strdup_printf(" (title \"%s\")", vm->title)
	                                  : g_strdup("");

	if (vm->error != NULL) {
		/* one line a folder: a hint (the same for every folder) ends the report */
		g_autofree gchar *why =
		        g_strndup(vm->error->message, strcspn(vm->error->message, "\n"));
		fprintf(stderr, "dkvm: skipped folder %s%s%s%s: %s\n", vm->folder,
		        vm->vm_name != NULL ? " (VM '" : "", vm->vm_name != NULL ? vm->vm_name : "",
		        vm->vm_name != NULL ? "')" : "", why);
		return;
	}
	if (vm->existed) {
		fprintf(out, "VM '%s' exists: folder %s left alone\n", vm->vm_name, vm->folder);
		return;
	}
	for (guint i = 0; i < vm->warnings->len; i++)
		fprintf(stderr, "dkvm: warning: folder %s: %s\n", vm->folder,
		        (const gchar *)g_ptr_array_index(vm->warnings, i));
	if (print_xml) {
		g_autofree gchar *plan = dkvm_plan_to_text(vm->plan);
		fprintf(stderr, "folder %s: VM '%s'%s would be imported%s%s%s%s\n", vm->folder,
		        vm->vm_name, title, vm->nvram != NULL ? ", NVRAM to " : "",
		        vm->nvram != NULL ? vm->nvram : "",
		        vm->tpm_dir != NULL ? ", TPM state to " : "",
		        vm->tpm_dir != NULL ? vm->tpm_dir : "");
		fputs(plan, stderr);
		fputs(vm->xml, stdout);
		return;
	}
	for (guint i = 0; i < vm->plan->warnings->len; i++)
		fprintf(stderr, "dkvm: warning: folder %s: %s\n", vm->folder,
		        (const gchar *)g_ptr_array_index(vm->plan->warnings, i));
	g_print("imported VM '%s'%s from folder %s%s%s%s%s\n", vm->vm_name, title, vm->folder,
	        vm->nvram != NULL ? ", NVRAM copied to " : "", vm->nvram != NULL ? vm->nvram : "",
	        vm->tpm_dir != NULL ? ", TPM state copied to " : "",
	        vm->tpm_dir != NULL ? vm->tpm_dir : "");
}

/* The host to plan for: --host-json FILE (as `dkvm plan` reads it) or NULL. */
static gboolean
cmd_vm_import_legacy(DkvmApp *app, const gchar *path, gboolean print_xml, const gchar *memory,
                     const gchar *host_json, GError **error)
{
	g_autoptr(DkvmVmLegacyImport) import = NULL;
	g_autoptr(DkvmHostFacts) host = NULL;
	g_autoptr(GError) not_saved = NULL;
	DkvmVmLegacyOptions options = { 0 };
	const GError *first;
	const gchar *hint;

	if (memory != NULL && !dkvm_parse_size_kib(memory, &options.memory_kib, error)) {
		g_prefix_error(error, "vm import: --memory: ");
		return FALSE;
	}
	if (host_json != NULL) {
		host = dkvm_host_json_load_file(host_json, error);
		if (host == NULL)
			return FALSE;
		options.host = host;
		options.hypervisor = DKVM_VM_HYPERVISOR_NONE;
	}
	options.dry_run = print_xml;
	import = dkvm_vm_import_legacy(app, path, &options, error);
	if (import == NULL)
		return FALSE;
	for (guint i = 0; i < import->notes->len; i++)
		fprintf(stderr, "dkvm: note: %s\n",
		        (const gchar *)g_ptr_array_index(import->notes, i));
	for (guint i = 0; i < import->vms->len; i++)
		print_legacy_vm(g_ptr_array_index(import->vms, i), print_xml);
	if (!dkvm_cmd_vm_not_saved(import->not_saved, &not_saved)) {
		if (import->failed == 0) {
			g_propagate_error(error, g_steal_pointer(&not_saved));
			return FALSE;
		}
		fprintf(stderr, "dkvm: %s\n", not_saved->message);
	}
	if (import->failed == 0)
		return TRUE;
	first = dkvm_vm_legacy_import_first_error(import);
	hint = strchr(first->message, '\n');
	g_set_error(error, DKVM_ERROR, first->code, "import: %u of %u folder%s skipped%s",
	            import->failed, import->vms->len, import->vms->len == 1 ? "" : "s",
	            hint != NULL ? hint : "");
	return FALSE;
}

static gboolean
looks_like_bundle(const gchar *path)
{
	return g_str_has_suffix(path, ".tar.gz") || g_str_has_suffix(path, ".tgz");
}

static gboolean
cmd_vm_import_bundle(DkvmApp *app, const gchar *path, GError **error)
{
	g_autoptr(DkvmVmBundle) bundle = dkvm_vm_import_bundle(app, path, error);
	g_autoptr(GError) not_saved = NULL;

	if (bundle == NULL)
		return FALSE;
	g_print("imported VM '%s' from %s%s%s%s%s\n", bundle->vm_name, path,
	        bundle->nvram_to != NULL ? ", NVRAM to " : "",
	        bundle->nvram_to != NULL ? bundle->nvram_to : "",
	        bundle->tpm_to != NULL ? ", TPM state to " : "",
	        bundle->tpm_to != NULL ? bundle->tpm_to : "");
	if (!dkvm_cmd_vm_not_saved(bundle->not_saved, &not_saved)) {
		g_propagate_error(error, g_steal_pointer(&not_saved));
		return FALSE;
	}
	return TRUE;
}

static gboolean
cmd_vm_import_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(DkvmVmImport) import = NULL;
	g_autoptr(GError) not_saved = NULL;
	gboolean print_xml = FALSE;
	g_autofree gchar *memory = NULL;
	g_autofree gchar *host_json = NULL;
	const GOptionEntry entries[] = {
		{ "print-xml", 0, 0, G_OPTION_ARG_NONE, &print_xml,
		  "The original DKVM's partition: print each VM's domain XML and change nothing",
		  NULL },
		{ "memory", 0, 0, G_OPTION_ARG_STRING, &memory,
		  "The original DKVM's partition: each VM's memory instead of the original's rule "
		  "(MemTotal minus 4 GiB)",
		  "SIZE" },
		{ "host-json", 0, 0, G_OPTION_ARG_FILENAME, &host_json,
		  "The original DKVM's partition: plan against a saved `dkvm host --json`",
		  "FILE" },
		{ NULL },
	};
	guint total;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_import, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_import, argc, 1, error))
		return FALSE;
	if (dkvm_vm_legacy_detect(argv[1]))
		return cmd_vm_import_legacy(app, argv[1], print_xml, memory, host_json, error);
	if (looks_like_bundle(argv[1]) && !print_xml && memory == NULL && host_json == NULL)
		return cmd_vm_import_bundle(app, argv[1], error);
	if (print_xml || memory != NULL || host_json != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "vm import: --%s is for the original DKVM's data partition (folders 0 "
		            "to 9 with a vm_config), and %s is not one",
		            print_xml        ? "print-xml"
		            : memory != NULL ? "memory"
		                             : "host-json",
		            argv[1]);
		return FALSE;
	}
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
		/* a file name on the stick may hold anything: escaped */
		g_autofree gchar *file = dkvm_quote(f->file);
		if (f->error == NULL) {
			g_print("%s VM '%s' from %s\n", f->updated ? "updated" : "imported",
			        f->vm_name, file);
			if (f->warning != NULL) {
				g_autofree gchar *warning = dkvm_quote_message(f->warning);
				fprintf(stderr, "dkvm: warning: %s: %s\n", file, warning);
			}
		} else {
			g_autofree gchar *message = dkvm_quote_message(f->error->message);
			fprintf(stderr, "dkvm: skipped %s: %s\n", file, message);
		}
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
cmd_vm_export_all(DkvmApp *app, const gchar *dir, GError **error)
{
	g_autoptr(GPtrArray) written = dkvm_vm_export(app, dir, error);

	if (written == NULL)
		return FALSE;
	for (guint i = 0; i < written->len; i++)
		g_print("wrote %s\n", (const gchar *)g_ptr_array_index(written, i));
	if (written->len == 0)
		g_print("no VMs to export\n");
	return TRUE;
}

static gboolean
cmd_vm_export_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(DkvmVmBundle) bundle = NULL;
	g_autofree gchar *output = NULL;
	gboolean all = FALSE;
	const GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "The bundle's file, or a folder for NAME.dkvm.tar.gz (default: the current "
		  "folder)",
		  "PATH" },
		{ "all", 0, 0, G_OPTION_ARG_NONE, &all,
		  "Write every VM's domain XML (no NVRAM or TPM state) to DIR/NAME.xml", NULL },
		{ NULL },
	};

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_export, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_export, argc, 1, error))
		return FALSE;
	if (all && output != NULL) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "vm export: --output is for one VM's bundle, not with --all");
		return FALSE;
	}
	if (all)
		return cmd_vm_export_all(app, argv[1], error);
	bundle = dkvm_vm_export_bundle(app, argv[1], output, error);
	if (bundle == NULL) {
		/* the form before bundles: `vm export DIR` wrote every VM's XML */
		if (g_file_test(argv[1], G_FILE_TEST_IS_DIR)) {
			g_autofree gchar *message = g_strdup_printf(
			        "%s\nhint: `dkvm vm export --all %s` writes every VM's domain XML "
			        "there",
			        (*error)->message, argv[1]);
			g_free((*error)->message);
			(*error)->message = g_steal_pointer(&message);
		}
		return FALSE;
	}
	g_print("wrote %s (VM '%s'%s%s)\n", bundle->path, bundle->vm_name,
	        bundle->nvram ? ", NVRAM" : "", bundle->tpm ? ", TPM state" : "");
	return TRUE;
}
