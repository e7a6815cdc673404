/*
 * Option handling shared by every command: each command owns a GOptionEntry
 * table and hands it here, so usage, --help and error wording are the same
 * everywhere.
 */
#include "cmd.h"

#include <stdio.h>

#include "dkvm-error.h"

gboolean
dkvm_cmd_parse_options(const DkvmCmd *cmd, const GOptionEntry *entries, gint *argc, gchar ***argv,
                       GError **error)
{
	g_autofree gchar *param = g_strdup_printf("%s", cmd->args != NULL ? cmd->args : "");
	g_autoptr(GOptionContext) ctx = g_option_context_new(param);

	g_option_context_set_summary(ctx, cmd->summary);
	if (entries != NULL)
		g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, error)) {
		g_prefix_error(error, "%s: ", cmd->name);
		return FALSE;
	}
	return TRUE;
}

gboolean
dkvm_cmd_expect_args(const DkvmCmd *cmd, gint argc, gint count, GError **error)
{
	if (argc - 1 == count)
		return TRUE;
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "%s: expected %s, got %d argument%s",
	            cmd->name, cmd->args != NULL && *cmd->args != '\0' ? cmd->args : "no arguments",
	            argc - 1, argc - 1 == 1 ? "" : "s");
	return FALSE;
}
