/*
 * The global options (see global-options.h). Callbacks rather than plain
 * string pointers, because the value lands in the DkvmApp that the running
 * command already holds, and a second --connect replaces the first.
 */
#include "global-options.h"

static gboolean
set_connect(const gchar *option_name, const gchar *value, gpointer data, GError **error)
{
	DkvmApp *app = data;

	g_free(app->connect_uri);
	app->connect_uri = g_strdup(value);
	return TRUE;
}

static gboolean
set_config(const gchar *option_name, const gchar *value, gpointer data, GError **error)
{
	DkvmApp *app = data;

	g_free(app->config_path);
	app->config_path = g_strdup(value);
	return TRUE;
}

const GOptionEntry *
dkvm_global_option_entries(void)
{
	static const GOptionEntry entries[] = {
		{ "connect", 'c', 0, G_OPTION_ARG_CALLBACK, (gpointer)set_connect,
		  "libvirt URI (default: $LIBVIRT_DEFAULT_URI, else qemu:///system)", "URI" },
		{ "config", 0, G_OPTION_FLAG_FILENAME, G_OPTION_ARG_CALLBACK, (gpointer)set_config,
		  "Host settings file (default: /etc/dkvm/dkvm.conf)", "FILE" },
		{ NULL },
	};
	return entries;
}

GOptionGroup *
dkvm_global_options_group(DkvmApp *app)
{
	GOptionGroup *group = g_option_group_new(
	        "global", "Global options (also before the command):", "Show the global options",
	        app, NULL);

	g_option_group_add_entries(group, dkvm_global_option_entries());
	return group;
}
