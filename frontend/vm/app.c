/*
 * The shared state of one dkvm run. Host discovery is done lazily and once:
 * commands like `dkvm vm list` never need it.
 */
#include "app.h"

#include "host-discover.h"

DkvmApp *
dkvm_app_new(void)
{
	return g_new0(DkvmApp, 1);
}

void
dkvm_app_free(DkvmApp *self)
{
	if (self == NULL)
		return;
	g_free(self->connect_uri);
	g_free(self->config_path);
	g_clear_pointer(&self->host, dkvm_host_facts_free);
	g_clear_pointer(&self->config, dkvm_config_free);
	/* set by the libvirt module, which owns the connection's type */
	if (self->conn != NULL && self->conn_close != NULL)
		self->conn_close(self->conn);
	g_free(self);
}

const gchar *
dkvm_app_get_connect_uri(DkvmApp *self)
{
	if (self->connect_uri == NULL) {
		const gchar *env = g_getenv("LIBVIRT_DEFAULT_URI");
		self->connect_uri = g_strdup(env != NULL && *env != '\0' ? env : "qemu:///system");
	}
	return self->connect_uri;
}

const DkvmHostFacts *
dkvm_app_get_host(DkvmApp *self, GError **error)
{
	if (self->host == NULL)
		self->host = dkvm_host_discover(error);
	return self->host;
}

const DkvmConfig *
dkvm_app_get_config(DkvmApp *self, GError **error)
{
	if (self->config == NULL)
		self->config = dkvm_config_load(self->config_path, error);
	return self->config;
}

gboolean
dkvm_app_change_config(DkvmApp *self, DkvmAppConfigChange change, gpointer user_data,
                       GError **error)
{
	const gchar *path =
	        self->config_path != NULL ? self->config_path : DKVM_CONFIG_DEFAULT_PATH;
	/* the file as it is now, not the app's copy: another dkvm may have
	 * changed other keys meanwhile */
	g_autoptr(DkvmConfig) config = dkvm_config_load_default(path, error);

	if (config == NULL)
		return FALSE;
	change(config, user_data);
	if (!dkvm_config_save(config, path, error))
		return FALSE;
	g_clear_pointer(&self->config, dkvm_config_free);
	self->config = g_steal_pointer(&config);
	return TRUE;
}
