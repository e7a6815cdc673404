/*
 * Autostart and default VM with rollback (see vm-autostart.h).
 */
#include "vm-autostart.h"

#include "config.h"
#include "vm-common.h"
#include "virt-domain.h"

void
dkvm_vm_autostart_result_free(DkvmVmAutostartResult *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_clear_error(&self->not_saved);
	g_free(self);
}

DkvmVmAutostartResult *
dkvm_vm_set_autostart(DkvmApp *app, const gchar *name, gboolean enable, gboolean make_default,
                      GError **error)
{
	g_autoptr(DkvmVmAutostartResult) result = g_new0(DkvmVmAutostartResult, 1);
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, error);
	g_autoptr(DkvmConfig) config = NULL;
	gboolean was_enabled = FALSE;

	if (dom == NULL)
		return NULL;
	result->name = g_strdup(virDomainGetName(dom));
	/* a fresh copy of dkvm.conf to change; read before anything changes */
	config = dkvm_config_load(app->config_path, error);
	if (config == NULL)
		return NULL;
	if (enable && make_default) {
		result->default_changed = g_strcmp0(config->default_vm, result->name) != 0;
		g_free(config->default_vm);
		config->default_vm = g_strdup(result->name);
	} else {
		/* off, or libvirt's autostart instead: no longer the countdown's VM */
		result->default_changed = g_strcmp0(config->default_vm, result->name) == 0;
		if (result->default_changed)
			g_clear_pointer(&config->default_vm, g_free);
	}
	/*
	 * The default VM is started by the boot countdown, which a key cancels;
	 * with libvirt's autostart on as well, libvirtd would start it before
	 * the menu is up and the countdown could cancel nothing.
	 */
	result->autostart = enable && !make_default;

	if (!dkvm_virt_domain_get_autostart(dom, &was_enabled, error) ||
	    !dkvm_virt_domain_set_autostart(dom, result->autostart, error))
		return NULL;
	if (result->default_changed && !dkvm_config_save(config, app->config_path, error)) {
		g_autoptr(GError) undo_error = NULL;
		if (!dkvm_virt_domain_set_autostart(dom, was_enabled, &undo_error))
			g_prefix_error(error, "(autostart could not be put back either: %s) ",
			               undo_error->message);
		return NULL;
	}
	/* the app's cached dkvm.conf is the old one now */
	g_clear_pointer(&app->config, dkvm_config_free);
	dkvm_vm_persist(app, &result->not_saved);
	return g_steal_pointer(&result);
}
