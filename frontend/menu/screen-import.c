/*
 * Import: brings the VMs of the original DKVM over. When its data partition
 * is found (/media/dkvmdata, or a mounted partition labelled dkvmdata) it is
 * offered, else (or on request) the screen asks for the folder. What would
 * be imported is shown first, from the same library call as
 * `dkvm vm import PATH --print-xml` (a dry run), then, once confirmed, the
 * import runs and each folder's result is shown.
 */
#include "format-size.h"
#include "menu-widgets.h"
#include "menu.h"
#include "screen-restore.h"
#include "vm-legacy-folder.h"
#include "vm-legacy.h"

#define TITLE "Import from the original DKVM"

/* One folder in a few words: what it becomes, or why not. */
static void
describe_vm(GString *out, const DkvmVmLegacyVm *vm, gboolean dry_run)
{
	g_string_append_printf(out, "Folder %s: ", vm->folder);
	if (vm->error != NULL) {
		g_string_append_printf(out, "not imported: %s\n", vm->error->message);
		return;
	}
	if (vm->existed) {
		g_string_append_printf(out, "VM '%s' exists: left alone\n", vm->vm_name);
		return;
	}
	g_string_append_printf(out, "VM '%s'", vm->vm_name);
	if (vm->title != NULL && g_strcmp0(vm->title, vm->vm_name) != 0)
		g_string_append_printf(out, " (\"%s\")", vm->title);
	if (dry_run) {
		const DkvmPlan *plan = vm->plan;
		g_autofree gchar *memory = dkvm_format_kib(vm->memory_kib);
		g_string_append_printf(out, "\n  %u vCPUs, %s", vm->vcpus, memory);
		if (plan->passthrough != NULL && plan->passthrough->slots->len > 0)
			g_string_append_printf(out, ", %u PCI slot(s)",
			                       plan->passthrough->slots->len);
	} else
		g_string_append(out, " imported");
	if (vm->nvram != NULL || vm->tpm_dir != NULL)
		g_string_append_printf(out, "%s%s%s", dry_run ? "; takes its " : ", with its ",
		                       vm->nvram != NULL ? "NVRAM" : "",
		                       vm->nvram != NULL && vm->tpm_dir != NULL ? " and TPM state"
		                       : vm->tpm_dir != NULL                    ? "TPM state"
		                                                                : "");
	g_string_append_c(out, '\n');
	for (guint i = 0; i < vm->warnings->len; i++)
		g_string_append_printf(out, "  ! %s\n",
		                       (const gchar *)g_ptr_array_index(vm->warnings, i));
}

/* The plans' warnings, each once: the devices are the same for every VM,
 * and so are most warnings */
static void
describe_plan_warnings(GString *out, const DkvmVmLegacyImport *import)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < import->vms->len; i++) {
		const DkvmVmLegacyVm *vm = g_ptr_array_index(import->vms, i);
		for (guint j = 0; vm->plan != NULL && j < vm->plan->warnings->len; j++) {
			const gchar *w = g_ptr_array_index(vm->plan->warnings, j);
			if (!g_hash_table_add(seen, (gpointer)w))
				continue;
			if (g_hash_table_size(seen) == 1)
				g_string_append(out, "\nThe plans warn:\n");
			g_string_append_printf(out, "  ! %s\n", w);
		}
	}
}

static gchar *
describe(const DkvmVmLegacyImport *import, gboolean dry_run)
{
	GString *out = g_string_new(NULL);

	g_string_append_printf(out, "%s %s:\n\n",
	                       dry_run ? "What would be imported from" : "Imported from",
	                       import->path);
	for (guint i = 0; i < import->vms->len; i++)
		describe_vm(out, g_ptr_array_index(import->vms, i), dry_run);
	if (dry_run)
		describe_plan_warnings(out, import);
	if (import->notes->len > 0)
		g_string_append(out, "\nFor every VM:\n");
	for (guint i = 0; i < import->notes->len; i++)
		g_string_append_printf(out, "  - %s\n",
		                       (const gchar *)g_ptr_array_index(import->notes, i));
	if (import->not_saved != NULL)
		g_string_append_printf(out, "\n%s\n", import->not_saved->message);
	return g_string_free(out, FALSE);
}

/* The folder to import: the partition found, or one the person types. */
static gchar *
choose_path(void)
{
	g_autofree gchar *found = dkvm_vm_legacy_find();
	g_autoptr(GPtrArray) items = NULL;
	gchar *typed = NULL;
	gint cursor = 0;

	if (found != NULL) {
		items = dkvm_menu_items_new();
		dkvm_menu_items_add(items, "found", FALSE, "%s", found);
		dkvm_menu_items_add(items, "other", FALSE, "Another folder...");
		if (dkvm_menu_choose(TITLE,
		                     "The original DKVM's data partition is here. Import its VMs?",
		                     items, &cursor, NULL) != DKVM_ANSWER_OK)
			return NULL;
		if (cursor == 0)
			return g_steal_pointer(&found);
	}
	if (dkvm_menu_input(TITLE,
	                    found != NULL ? "The folder of the original DKVM's data partition "
	                                    "(its folders 0 to 9):"
	                                  : "No data partition of the original DKVM was found "
	                                    "at " DKVM_LEGACY_MOUNT_POINT " or labelled dkvmdata.\n"
	                                    "Its folder (with the folders 0 to 9):",
	                    DKVM_LEGACY_MOUNT_POINT, &typed) != DKVM_ANSWER_OK)
		return NULL;
	return typed;
}

/* With backups on the data partition: which kind of import. TRUE for the
 * original DKVM's VMs; *out_result set when the screen is done. */
static gboolean
choose_legacy(DkvmMenu *menu, DkvmScreenResult *out_result)
{
	g_autoptr(GPtrArray) backups = dkvm_menu_backup_files(menu, NULL);
	g_autoptr(GPtrArray) items = NULL;
	gint cursor = 0;

	if (backups == NULL)
		return TRUE;
	items = dkvm_menu_items_new();
	dkvm_menu_items_add(items, "backup", FALSE,
	                    "A backup made by Back up (%u on the data "
	                    "partition)",
	                    backups->len);
	dkvm_menu_items_add(items, "legacy", FALSE, "The VMs of the original DKVM");
	if (dkvm_menu_choose("Import", "What should be imported?", items, &cursor, NULL) !=
	    DKVM_ANSWER_OK) {
		*out_result = DKVM_SCREEN_BACK;
		return FALSE;
	}
	if (cursor == 0) {
		*out_result = dkvm_menu_restore_backup(menu);
		return FALSE;
	}
	return TRUE;
}

static DkvmScreenResult
import_run(DkvmMenu *menu)
{
	DkvmScreenResult result = DKVM_SCREEN_BACK;
	g_autofree gchar *path = choose_legacy(menu, &result) ? choose_path() : NULL;
	g_autoptr(DkvmVmLegacyImport) preview = NULL;
	g_autoptr(DkvmVmLegacyImport) import = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;
	DkvmVmLegacyOptions options = { 0 };
	guint to_import = 0;

	if (path == NULL || *path == '\0')
		return result;
	dkvm_menu_infobox(TITLE, "Reading the original's folders and planning each VM...");
	options.dry_run = TRUE;
	preview = dkvm_vm_import_legacy(menu->app, path, &options, &error);
	if (preview == NULL) {
		dkvm_menu_error(TITLE, error);
		return DKVM_SCREEN_BACK;
	}
	for (guint i = 0; i < preview->vms->len; i++) {
		const DkvmVmLegacyVm *vm = g_ptr_array_index(preview->vms, i);
		if (vm->error == NULL && !vm->existed)
			to_import++;
	}
	text = describe(preview, TRUE);
	dkvm_menu_message(TITLE, text);
	if (to_import == 0)
		return DKVM_SCREEN_BACK;
	g_free(text);
	text = g_strdup_printf("Import %u VM%s now? The original's files are only read.", to_import,
	                       to_import == 1 ? "" : "s");
	if (!dkvm_menu_confirm(TITLE, text, FALSE))
		return DKVM_SCREEN_BACK;
	dkvm_menu_infobox(TITLE, "Importing...");
	options.dry_run = FALSE;
	import = dkvm_vm_import_legacy(menu->app, path, &options, &error);
	menu->changed = TRUE;
	if (import == NULL) {
		dkvm_menu_error(TITLE, error);
		return DKVM_SCREEN_BACK;
	}
	g_free(text);
	text = describe(import, FALSE);
	dkvm_menu_message(TITLE, text);
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_import = {
	.name = "import",
	.label = "Import",
	.help = "Restore a backup, or bring the original DKVM's VMs",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = import_run,
};
