/*
 * dkvm vm autostart NAME [--disable] [--default]: libvirt's autostart flag,
 * or with --default DKVM's default VM instead (dkvm.conf default_vm), the one
 * the boot countdown starts. --disable turns both off for this VM. The
 * rollback when dkvm.conf cannot be written is frontend/vm's (vm-autostart.c).
 */
#include "cmd-vm-common.h"
#include "cmd.h"
#include "vm-autostart.h"

static gboolean cmd_vm_autostart_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_autostart = {
	.name = "vm autostart",
	.args = "NAME [--disable] [--default]",
	.summary = "Start a VM when the host boots; --default: after the boot countdown",
	.run = cmd_vm_autostart_run,
};

static gboolean
cmd_vm_autostart_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean disable = FALSE;
	gboolean make_default = FALSE;
	const GOptionEntry entries[] = {
		{ "disable", 0, 0, G_OPTION_ARG_NONE, &disable,
		  "Do not start it at boot (also stops being the default VM)", NULL },
		{ "default", 0, 0, G_OPTION_ARG_NONE, &make_default,
		  "Make it DKVM's default VM instead: started after the boot countdown, which a "
		  "key cancels (libvirt's autostart is turned off for it)",
		  NULL },
		{ NULL },
	};
	g_autoptr(DkvmVmAutostartResult) result = NULL;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_autostart, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_autostart, argc, 1, error))
		return FALSE;
	result = dkvm_vm_set_autostart(app, argv[1], !disable, make_default, error);
	if (result == NULL)
		return FALSE;
	if (make_default && !disable) {
		g_print("VM '%s' is the default VM: the boot countdown starts it "
		        "(libvirt's autostart is off for it)\n",
		        result->name);
		return dkvm_cmd_vm_not_saved(result->not_saved, error);
	}
	g_print("VM '%s': autostart %s\n", result->name,
	        result->autostart ? "enabled" : "disabled");
	if (result->default_changed)
		g_print("VM '%s' is no longer the default VM\n", result->name);
	return dkvm_cmd_vm_not_saved(result->not_saved, error);
}
