/*
 * Save: persist the host's configuration now (dkvm.conf's persist_command,
 * `lbu commit` on a DKVM stick), as `dkvm save` does: also what was
 * changed with virsh, or a save that failed after a change. An infobox
 * while it runs, then its result.
 */
#include "menu-widgets.h"
#include "menu.h"
#include "vm-common.h"

static DkvmScreenResult
save_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *command = NULL;
	g_autofree gchar *done = NULL;

	dkvm_menu_infobox("Save", "Saving the configuration...");
	if (!dkvm_vm_save(menu->app, &command, &error)) {
		dkvm_menu_error("Save", error);
		return DKVM_SCREEN_BACK;
	}
	if (command == NULL) {
		dkvm_menu_message("Save",
		                  "Nothing saved: there is no persist command.\n\n"
		                  "dkvm.conf's persist_command is empty, or it is unset and "
		                  "this machine has no lbu: its /etc is kept anyway.");
		return DKVM_SCREEN_BACK;
	}
	done = g_strdup_printf("Saved: `%s` succeeded.\n\nThe configuration survives a reboot.",
	                       command);
	dkvm_menu_message("Save", done);
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_save = {
	.name = "save",
	.label = "Save",
	.help = "Save the configuration now (lbu commit)",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = save_run,
};
