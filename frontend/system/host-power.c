/*
 * Host reboot and power off (host-power.h) through the system's commands
 * rather than reboot(2): init must stop the services and unmount first,
 * and the commands are how one asks it on every init (busybox, sysvinit,
 * OpenRC, systemd). Found in PATH, so tests put a recording fake first.
 */
#include "host-power.h"

#include "command-output.h"
#include "dkvm-error.h"

const gchar *
dkvm_host_power_command(DkvmHostPowerAction action)
{
	return action == DKVM_HOST_REBOOT ? "reboot" : "poweroff";
}

gboolean
dkvm_host_power(DkvmHostPowerAction action, GError **error)
{
	const gchar *command = dkvm_host_power_command(action);
	const gchar *what =
	        action == DKVM_HOST_REBOOT ? "cannot reboot the host" : "cannot power the host off";
	gchar *argv[] = { (gchar *)command, NULL };
	g_autofree gchar *out = NULL;
	g_autofree gchar *err = NULL;
	g_autofree gchar *reason = NULL;
	g_autoptr(GError) local_error = NULL;
	gint status = 0;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CLOEXEC_PIPES, NULL, NULL,
	                  &out, &err, &status, &local_error)) {
		if (g_error_matches(local_error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED, "%s: `%s` is not in PATH",
			            what, command);
		else
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED, "%s: `%s`: %s", what,
			            command, local_error->message);
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
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED, "%s: `%s` failed: %s", what, command,
	            reason);
	return FALSE;
}
