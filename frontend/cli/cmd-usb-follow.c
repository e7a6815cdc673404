/*
 * dkvm usb follow: attaches a replugged USB device to the running VM that
 * passes it through (frontend/vm's follower), until Ctrl-C or SIGTERM. The
 * DKVM host runs it as a service; each line it prints is one action, with
 * the time, for the service's log.
 */
#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>

#include "cmd.h"
#include "vm-usb-follow.h"

static gboolean cmd_usb_follow_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_usb_follow = {
	.name = "usb follow",
	.args = "",
	.summary = "Attach USB devices that are plugged in again to the running VM that passes "
	           "them through (until Ctrl-C)",
	.run = cmd_usb_follow_run,
};

static void
print_line(const gchar *line, gpointer user_data)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autofree gchar *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");

	g_print("%s %s\n", stamp, line);
	fflush(stdout);
}

static gboolean
on_stop(gpointer user_data)
{
	g_main_loop_quit(user_data);
	return G_SOURCE_CONTINUE;
}

static gboolean
cmd_usb_follow_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(DkvmVmUsbFollower) follower = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	guint sigint, sigterm;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_usb_follow, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_usb_follow, argc, 0, error))
		return FALSE;
	follower = dkvm_vm_usb_follower_new(app, print_line, NULL, error);
	if (follower == NULL)
		return FALSE;
	print_line("following USB devices for the running VMs", NULL);
	loop = g_main_loop_new(NULL, FALSE);
	sigint = g_unix_signal_add(SIGINT, on_stop, loop);
	sigterm = g_unix_signal_add(SIGTERM, on_stop, loop);
	g_main_loop_run(loop);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	return TRUE;
}
