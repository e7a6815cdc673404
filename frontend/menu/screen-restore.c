/*
 * Restoring a backup (Import's first choice when the data partition holds
 * bundles): defines a VM again from one of the backup bundles (Back up
 * writes them to backups/), with its NVRAM and TPM state byte for byte, as
 * `dkvm vm import FILE.dkvm.tar.gz` does. A VM of that name that exists is
 * refused by the library, with the reason shown.
 */
#include "screen-restore.h"

#include "menu-widgets.h"
#include "vm-bundle.h"

#define TITLE "Restore a backup"

GPtrArray *
dkvm_menu_backup_files(DkvmMenu *menu, DkvmDataPartition **out_data)
{
	static const gchar *const suffixes[] = { ".dkvm.tar.gz", NULL };
	g_autoptr(DkvmDataPartition) data = dkvm_vm_data_partition(menu->app, NULL);
	GPtrArray *files;

	if (data == NULL)
		return NULL;
	files = dkvm_vm_data_files(data, suffixes, NULL);
	if (files != NULL && files->len == 0)
		g_clear_pointer(&files, g_ptr_array_unref);
	if (files != NULL && out_data != NULL)
		*out_data = g_steal_pointer(&data);
	return files;
}

DkvmScreenResult
dkvm_menu_restore_backup(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDataPartition) data = NULL;
	g_autoptr(GPtrArray) files = dkvm_menu_backup_files(menu, &data);
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	g_autoptr(DkvmVmBundle) bundle = NULL;
	g_autofree gchar *question = NULL;
	g_autofree gchar *report = NULL;
	const gchar *chosen;
	gint cursor = 0;

	if (files == NULL)
		return DKVM_SCREEN_BACK;
	for (guint i = 0; i < files->len; i++) {
		const gchar *path = g_ptr_array_index(files, i);
		/* shown relative to the partition: backups/win11-....dkvm.tar.gz */
		const gchar *shown =
		        g_str_has_prefix(path, data->dir) ? path + strlen(data->dir) : path;
		while (*shown == '/')
			shown++;
		dkvm_menu_items_add(items, path, FALSE, "%s", shown);
	}
	if (dkvm_menu_choose(TITLE, "Which backup should become a VM again?", items, &cursor,
	                     NULL) != DKVM_ANSWER_OK)
		return DKVM_SCREEN_BACK;
	chosen = ((DkvmMenuItem *)g_ptr_array_index(items, cursor))->tag;
	question = g_strdup_printf("Define the VM of\n%s\nagain, with its NVRAM and TPM state?",
	                           ((DkvmMenuItem *)g_ptr_array_index(items, cursor))->text);
	if (!dkvm_menu_confirm(TITLE, question, FALSE))
		return DKVM_SCREEN_BACK;
	bundle = dkvm_vm_import_bundle(menu->app, chosen, &error);
	menu->changed = TRUE;
	if (bundle == NULL) {
		dkvm_menu_error(TITLE, error);
		return DKVM_SCREEN_BACK;
	}
	report = g_strdup_printf("VM '%s' is back%s%s.%s%s", bundle->vm_name,
	                         bundle->nvram ? ", with its NVRAM" : "",
	                         bundle->tpm ? " and TPM state" : "",
	                         bundle->not_saved != NULL ? "\n\n" : "",
	                         bundle->not_saved != NULL ? bundle->not_saved->message : "");
	dkvm_menu_message(TITLE, report);
	return DKVM_SCREEN_BACK;
}
