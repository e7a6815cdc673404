/*
 * Back up: the chosen VM's backup bundle (its domain, NVRAM and TPM state:
 * what a Windows VM cannot lose) written to backups/ on the data partition,
 * named with the date and time so every backup is kept. Restored with
 * Import (or `dkvm vm import FILE`).
 */
#include <errno.h>

#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "menu-widgets.h"
#include "menu.h"
#include "vm-bundle.h"
#include "vm-data.h"

static DkvmScreenResult
backup_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDataPartition) data = dkvm_vm_data_partition(menu->app, &error);
	g_autoptr(DkvmVmBundle) bundle = NULL;
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autofree gchar *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
	g_autofree gchar *dir = NULL;
	g_autofree gchar *file = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *shown = NULL;
	g_autofree gchar *question = NULL;
	g_autofree gchar *report = NULL;

	if (data == NULL) {
		dkvm_menu_error("Back up", error);
		return DKVM_SCREEN_BACK;
	}
	dir = g_build_filename(data->dir, "backups", NULL);
	file = g_strdup_printf("%s-%s.dkvm.tar.gz", menu->vm_name, stamp);
	path = g_build_filename(dir, file, NULL);
	/* where the person finds it: the mount point (dir is under a test root) */
	shown = g_build_filename(data->mount_point, "backups", file, NULL);
	question = g_strdup_printf("Back VM '%s' up to\n%s?\n\nThe backup holds its settings, "
	                           "its firmware variables (NVRAM: boot entries) and its TPM "
	                           "state (a Windows guest's BitLocker keys). The VM must be "
	                           "shut off.",
	                           menu->vm_name, shown);
	if (!dkvm_menu_confirm("Back up", question, FALSE))
		return DKVM_SCREEN_BACK;
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(&error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s", dir,
		            g_strerror(errno));
		dkvm_menu_error("Back up", error);
		return DKVM_SCREEN_BACK;
	}
	bundle = dkvm_vm_export_bundle(menu->app, menu->vm_name, path, &error);
	if (bundle == NULL) {
		dkvm_menu_error("Back up", error);
		return DKVM_SCREEN_BACK;
	}
	report = g_strdup_printf("VM '%s' is backed up to\n%s\n\nwith its settings%s%s.\n\n"
	                         "Import restores it (after Delete, or on another DKVM host).",
	                         bundle->vm_name, shown, bundle->nvram ? ", NVRAM" : "",
	                         bundle->tpm ? " and TPM state" : "");
	dkvm_menu_message("Back up", report);
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_backup = {
	.name = "backup",
	.label = "Back up",
	.help = "Save the VM with its NVRAM and TPM state to the data partition",
	.scope = DKVM_SCREEN_FOR_VM,
	.run = backup_run,
};
