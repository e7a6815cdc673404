/*
 * Delete: undefines the chosen VM with its NVRAM and TPM state, after
 * asking; a second question decides about its disk images (file-backed
 * ones only: frontend/vm never removes a block device). What was removed
 * and kept is shown.
 */
#include "menu-widgets.h"
#include "menu.h"
#include "vm-delete.h"

static void
append_list(GString *out, const gchar *heading, GPtrArray *lines)
{
	if (lines == NULL || lines->len == 0)
		return;
	g_string_append_printf(out, "\n%s\n", heading);
	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf(out, "  %s\n", (const gchar *)g_ptr_array_index(lines, i));
}

static DkvmScreenResult
delete_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmDeleteResult) result = NULL;
	g_autofree gchar *question = g_strdup_printf("Delete VM '%s'?\n\nIts firmware variables "
	                                             "(NVRAM) and TPM state are deleted with it "
	                                             "(a Windows guest loses its BitLocker keys).",
	                                             menu->vm_name);
	g_autoptr(GString) report = g_string_new(NULL);
	gboolean remove_storage;

	if (!dkvm_menu_confirm("Delete", question, TRUE))
		return DKVM_SCREEN_BACK;
	remove_storage = dkvm_menu_confirm(
	        "Delete",
	        "Also delete its disk image files?\n\n(Block devices are never touched; "
	        "an image another VM uses is kept.)",
	        TRUE);
	result = dkvm_vm_delete(menu->app, menu->vm_name, remove_storage, &error);
	menu->changed = TRUE;
	if (result == NULL) {
		dkvm_menu_error("Delete", error);
		return DKVM_SCREEN_BACK;
	}
	g_string_append_printf(report, "VM '%s' is deleted.\n", result->name);
	append_list(report, "Removed:", result->removed);
	append_list(report, "Kept:", result->kept);
	append_list(report, "Notes:", result->notes);
	if (result->not_saved != NULL)
		g_string_append_printf(report, "\n%s\n", result->not_saved->message);
	dkvm_menu_message("Delete", report->str);
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_delete = {
	.name = "delete",
	.label = "Delete",
	.help = "Delete the VM (asks first)",
	.scope = DKVM_SCREEN_FOR_VM,
	.run = delete_run,
};
