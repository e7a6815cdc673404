/*
 * dkvm save: run the persist command again (dkvm.conf persist_command,
 * `lbu commit` on a DKVM stick). Every changing command already persists;
 * this is the retry the "not saved" message points to, and the way to save
 * changes made with virsh.
 */
#include "cmd-vm-common.h"
#include "cmd.h"
#include "persist.h"

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
	if (!dkvm_cmd_parse_options(&dkvm_cmd_save, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_save, argc, 0, error))
		return FALSE;
	if (!dkvm_cmd_vm_persist(app, error))
		return FALSE;
	g_print(dkvm_persist_has_command(dkvm_app_get_config(app, NULL))
	                ? "saved\n"
	                : "nothing saved: no persist command (dkvm.conf persist_command), and no "
	                  "lbu\n");
	return TRUE;
}
