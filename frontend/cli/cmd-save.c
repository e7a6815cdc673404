/*
 * dkvm save: run the persist command again (dkvm.conf persist_command,
 * `lbu commit` on a DKVM stick). Every changing command already persists;
 * this is the retry the "not saved" message points to, and the way to save
 * changes made with virsh.
 */
#include "cmd-vm-common.h"
#include "cmd.h"

static gboolean cmd_save_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_save = {
	.name = "save",
	.args = "",
	.summary = "Save the host's configuration to the boot stick (lbu commit)",
	.run = cmd_save_run,
};

static gboolean
cmd_save_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(GError) not_saved = NULL;
	g_autofree gchar *command = NULL;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_save, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_save, argc, 0, error))
		return FALSE;
	if (!dkvm_vm_save(app, &command, &not_saved))
		return dkvm_cmd_vm_not_saved(not_saved, error);
	if (command == NULL) {
		/* not an error: a machine that is not a DKVM stick keeps its /etc */
		g_print("nothing saved: no persist command (dkvm.conf persist_command is empty, or "
		        "unset and this machine has no lbu)\n");
		return TRUE;
	}
	g_print("saved\n");
	return TRUE;
}
