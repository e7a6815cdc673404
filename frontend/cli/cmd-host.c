/*
 * dkvm host [--json]: what DKVM sees of this machine.
 */
#include <stdio.h>

#include "cmd.h"

static gboolean
cmd_host_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_host = {
	.name = "host",
	.args = "[--json]",
	.summary = "Show the host's CPUs, memory, hugepages, PCI and USB devices",
	.run = cmd_host_run,
};

static gboolean
cmd_host_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
		{ NULL },
	};
	const DkvmHostFacts *host;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_host, entries, &argc, &argv, error))
		return FALSE;
	if (!dkvm_cmd_expect_args(&dkvm_cmd_host, argc, 0, error))
		return FALSE;
	host = dkvm_app_get_host(app, error);
	if (host == NULL)
		return FALSE;
	g_autofree gchar *out = dkvm_host_facts_to_json(host);
	g_print("%s\n", out);
	return TRUE;
}
