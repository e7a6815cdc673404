/*
 * Running the persist command (dkvm.conf persist_command) after a change that
 * must survive a reboot of the RAM host.
 *
 * The command is a plain command line, split with g_shell_parse_argv and run
 * without a shell, so a value such as `lbu commit -d` works and nothing in it
 * is expanded behind the user's back. Its output is captured: on success it
 * is not shown, on failure the first line of its error output is the reason
 * the user reads. The change itself stays active either way; only the saving
 * failed, hence DKVM_ERROR_NOT_SAVED (a frontend says how to retry).
 */
#include "persist.h"

#include "command-output.h"
#include "dkvm-error.h"

#define DEFAULT_PERSIST_COMMAND "lbu commit"

gchar *
dkvm_persist_command(const DkvmConfig *config)
{
	g_autofree gchar *lbu = NULL;

	if (config != NULL && config->persist_command != NULL) {
		g_autofree gchar *cmd = g_strstrip(g_strdup(config->persist_command));
		return *cmd != '\0' ? g_steal_pointer(&cmd) : NULL;
	}
	/* the default: Alpine's lbu where it exists (a DKVM stick), else nothing */
	lbu = g_find_program_in_path("lbu");
	return lbu != NULL ? g_strdup(DEFAULT_PERSIST_COMMAND) : NULL;
}

static void
set_not_saved(GError **error, const gchar *cmd, const gchar *why)
{
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED,
	            "the change is active but not saved: `%s` failed: %s", cmd, why);
}

gboolean
dkvm_persist(const DkvmConfig *config, GError **error)
{
	g_autofree gchar *cmd = dkvm_persist_command(config);
	g_auto(GStrv) argv = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *err = NULL;
	g_autofree gchar *reason = NULL;
	g_autoptr(GError) local_error = NULL;
	gint status = 0;

	if (cmd == NULL)
		return TRUE;
	if (!g_shell_parse_argv(cmd, NULL, &argv, &local_error)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED,
		            "the change is active but not saved: persist_command `%s` in dkvm.conf "
		            "cannot be parsed: %s",
		            cmd, local_error->message);
		return FALSE;
	}
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CLOEXEC_PIPES, NULL, NULL,
	                  &out, &err, &status, &local_error)) {
		set_not_saved(error, cmd, local_error->message);
		return FALSE;
	}
	if (g_spawn_check_exit_status(status, &local_error))
		return TRUE;
	/* why, in the command's own words where it gave any */
	reason = dkvm_command_output_first_line(err);
	if (reason == NULL)
		reason = dkvm_command_output_first_line(out);
	if (reason == NULL)
		reason = g_strdup(local_error->message);
	set_not_saved(error, cmd, reason);
	return FALSE;
}
