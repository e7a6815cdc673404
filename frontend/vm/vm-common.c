/*
 * Shared pieces of the VM workflows. Persisting lives here so that every
 * change is reported unsaved with the same words and code.
 */
#include "vm-common.h"

#include "dkvm-error.h"
#include "persist.h"
#include "virt-capabilities.h"
#include "virt-domain.h"

virDomainPtr
dkvm_vm_lookup(DkvmApp *app, const gchar *name, GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);

	if (conn == NULL)
		return NULL;
	return dkvm_virt_domain_lookup(conn, name, error);
}

gchar *
dkvm_vm_get_name(DkvmApp *app, const gchar *name, GError **error)
{
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, error);

	if (dom == NULL)
		return NULL;
	return g_strdup(virDomainGetName(dom));
}

gboolean
dkvm_vm_persist(DkvmApp *app, GError **error)
{
	g_autoptr(GError) config_error = NULL;
	const DkvmConfig *config = dkvm_app_get_config(app, &config_error);

	if (config == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED,
		            "the change is active but not saved: %s", config_error->message);
		return FALSE;
	}
	return dkvm_persist(config, error);
}

gboolean
dkvm_vm_save(DkvmApp *app, gchar **out_command, GError **error)
{
	g_autoptr(GError) config_error = NULL;
	const DkvmConfig *config = dkvm_app_get_config(app, &config_error);

	if (out_command != NULL)
		*out_command = NULL;
	if (config == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED, "nothing saved: %s",
		            config_error->message);
		return FALSE;
	}
	if (!dkvm_persist(config, error))
		return FALSE;
	if (out_command != NULL)
		*out_command = dkvm_persist_command(config);
	return TRUE;
}

gboolean
dkvm_vm_get_default_name(DkvmApp *app, const gchar **out, GError **error)
{
	const DkvmConfig *config = dkvm_app_get_config(app, error);

	*out = NULL;
	if (config == NULL)
		return FALSE;
	*out = config->default_vm;
	return TRUE;
}

gboolean
dkvm_vm_get_hypervisor(DkvmApp *app, DkvmAccelerator accelerator, DkvmHypervisor **out,
                       GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);

	*out = NULL;
	if (conn == NULL)
		return FALSE;
	return dkvm_virt_get_hypervisor(conn, accelerator, out, error);
}
