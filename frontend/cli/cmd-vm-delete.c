/*
 * dkvm vm delete NAME [--remove-storage] [--yes]: undefine a VM with its
 * NVRAM and TPM state. Disks stay unless --remove-storage, and then only
 * file-backed disks no other VM uses; every file removed or kept is named.
 * It asks first on a terminal; a script must say --yes, so a pipe never
 * deletes a VM by accident.
 */
#include <stdio.h>

#include "cmd-vm-common.h"
#include "cmd.h"
#include "dkvm-error.h"
#include "vm-delete.h"

static gboolean cmd_vm_delete_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_delete = {
	.name = "vm delete",
	.args = "NAME [--remove-storage] [--yes]",
	.summary = "Delete a VM with its NVRAM and TPM state (disks only on request)",
	.run = cmd_vm_delete_run,
};

static gboolean
cmd_vm_delete_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean remove_storage = FALSE;
	gboolean yes = FALSE;
	const GOptionEntry entries[] = {
		{ "remove-storage", 0, 0, G_OPTION_ARG_NONE, &remove_storage,
		  "Also delete the VM's disk image files", NULL },
		{ "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, "Do not ask for confirmation", NULL },
		{ NULL },
	};
	g_autoptr(DkvmVmDeleteResult) result = NULL;
	g_autofree gchar *name = NULL;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_delete, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_delete, argc, 1, error))
		return FALSE;
	name = dkvm_vm_get_name(app, argv[1], error);
	if (name == NULL)
		return FALSE;
	if (!yes) {
		g_autofree gchar *question = g_strdup_printf(
		        "Delete VM '%s'%s?", name, remove_storage ? " and its disk images" : "");
		gboolean asked = FALSE;
		if (!dkvm_cmd_vm_confirm(question, &asked)) {
			if (asked) {
				g_print("VM '%s' kept\n", name);
				return TRUE;
			}
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "vm delete: not deleting VM '%s' without confirmation\n"
			            "hint: add --yes when not on a terminal",
			            name);
			return FALSE;
		}
	}
	result = dkvm_vm_delete(app, name, remove_storage, error);
	if (result == NULL) {
		/* the library states the fact; stopping it is a command */
		if (g_error_matches(*error, DKVM_ERROR, DKVM_ERROR_REFUSED))
			dkvm_cmd_vm_add_hint(error, "stop it first: dkvm vm stop %s", name);
		return FALSE;
	}
	g_print("VM '%s' deleted\n", result->name);
	for (guint i = 0; i < result->removed->len; i++)
		g_print("removed %s\n", (const gchar *)g_ptr_array_index(result->removed, i));
	for (guint i = 0; i < result->kept->len; i++)
		g_print("kept %s\n", (const gchar *)g_ptr_array_index(result->kept, i));
	for (guint i = 0; i < result->notes->len; i++)
		g_print("note: %s\n", (const gchar *)g_ptr_array_index(result->notes, i));
	return dkvm_cmd_vm_not_saved(result->not_saved, error);
}
