/*
 * dkvm vm autostart NAME [--disable] [--default]: libvirt's autostart flag,
 * and with --default also DKVM's default VM (dkvm.conf default_vm), the one
 * the boot countdown starts. --disable turns both off for this VM. The two
 * settings live in two places; if the second cannot be written the first is
 * put back, so the VM never ends up half-configured.
 */
#include "cmd-vm-common.h"
#include "cmd.h"
#include "config.h"
#include "dkvm-error.h"
#include "virt-domain.h"

static gboolean cmd_vm_autostart_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_autostart = {
	.name = "vm autostart",
	.args = "NAME [--disable] [--default]",
	.summary = "Start a VM when the host boots; --default: the boot countdown's VM",
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
		  "Also make it DKVM's default VM, started after the boot countdown", NULL },
		{ NULL },
	};
	g_autoptr(virDomain) dom = NULL;
	g_autoptr(DkvmConfig) config = NULL;
	gboolean was_enabled = FALSE;
	gboolean config_changes = FALSE;
	const gchar *name;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_autostart, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_autostart, argc, 1, error))
		return FALSE;
	dom = dkvm_cmd_vm_lookup(app, argv[1], error);
	if (dom == NULL)
		return FALSE;
	name = virDomainGetName(dom);
	/* a fresh copy of dkvm.conf to change; read before anything changes */
	config = dkvm_config_load(app->config_path, error);
	if (config == NULL)
		return FALSE;
	if (disable) {
		config_changes = g_strcmp0(config->default_vm, name) == 0;
		if (config_changes)
			g_clear_pointer(&config->default_vm, g_free);
	} else if (make_default) {
		config_changes = g_strcmp0(config->default_vm, name) != 0;
		g_free(config->default_vm);
		config->default_vm = g_strdup(name);
	}

	if (!dkvm_virt_domain_get_autostart(dom, &was_enabled, error) ||
	    !dkvm_virt_domain_set_autostart(dom, !disable, error))
		return FALSE;
	if (config_changes && !dkvm_config_save(config, app->config_path, error)) {
		g_autoptr(GError) undo_error = NULL;
		if (!dkvm_virt_domain_set_autostart(dom, was_enabled, &undo_error))
			g_prefix_error(error, "(autostart could not be put back either: %s) ",
			               undo_error->message);
		return FALSE;
	}
	g_print("VM '%s': autostart %s\n", name, disable ? "disabled" : "enabled");
	if (config_changes && disable)
		g_print("VM '%s' is no longer the default VM\n", name);
	else if (make_default && !disable)
		g_print("VM '%s' is the default VM of the boot countdown\n", name);
	return dkvm_cmd_vm_persist(app, error);
}
