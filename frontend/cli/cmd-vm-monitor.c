/*
 * dkvm vm monitor NAME [--json] [--watch]: where a VM's vCPU threads run,
 * how they are pinned, its emulator and I/O threads, hugepages and devices.
 * --watch refreshes every second until Ctrl-C (a GMainLoop with a Unix
 * signal source, so Ctrl-C ends it cleanly); with --json it prints one
 * object per line, which a script can read as a stream.
 */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd-vm-common.h"
#include "cmd.h"
#include "terminal.h"
#include "vm-monitor.h"

static gboolean cmd_vm_monitor_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_monitor = {
	.name = "vm monitor",
	.args = "NAME [--json] [--watch]",
	.summary = "Show a VM's vCPU threads, the host CPUs they run on, pinning, hugepages",
	.run = cmd_vm_monitor_run,
};

typedef struct {
	DkvmVmWatcher *watcher;
	gboolean json;
	gboolean watch;
	GMainLoop *loop;
	GError *error;
} MonitorRun;

static gboolean
print_snapshot(MonitorRun *run, GError **error)
{
	DkvmVmMonitorFormat format = !run->json   ? DKVM_VM_MONITOR_TEXT
	                             : run->watch ? DKVM_VM_MONITOR_JSON
	                                          : DKVM_VM_MONITOR_JSON_PRETTY;
	g_autofree gchar *out = dkvm_vm_watcher_read(run->watcher, format, error);

	if (out == NULL)
		return FALSE;
	if (run->json) {
		g_print("%s\n", out);
	} else {
		/* redraw in place on a terminal; a log file (or NO_COLOR) gets every
		 * snapshot */
		if (run->watch && dkvm_terminal_escapes_allowed(STDOUT_FILENO))
			g_print("\033[H\033[2J");
		g_print("%s", out);
		if (run->watch && !dkvm_terminal_escapes_allowed(STDOUT_FILENO))
			g_print("\n");
	}
	fflush(stdout);
	return TRUE;
}

static gboolean
on_tick(gpointer user_data)
{
	MonitorRun *run = user_data;

	if (print_snapshot(run, &run->error)) {
		/* SIGPIPE is ignored (dkvm.c): a reader that went away (`| head`)
		 * shows as a failed flush, and ends the watch like Ctrl-C */
		if (fflush(stdout) == 0)
			return G_SOURCE_CONTINUE;
	}
	g_main_loop_quit(run->loop);
	return G_SOURCE_REMOVE;
}

static gboolean
on_interrupt(gpointer user_data)
{
	MonitorRun *run = user_data;

	g_main_loop_quit(run->loop);
	/* removed with the others once the loop ends */
	return G_SOURCE_CONTINUE;
}

static gboolean
cmd_vm_monitor_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	MonitorRun run = { 0 };
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &run.json, "Machine-readable output", NULL },
		{ "watch", 'w', 0, G_OPTION_ARG_NONE, &run.watch,
		  "Refresh every second until Ctrl-C", NULL },
		{ NULL },
	};
	g_autoptr(DkvmVmWatcher) watcher = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	guint tick;
	guint sigint;
	guint sigterm;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_monitor, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_monitor, argc, 1, error))
		return FALSE;
	watcher = dkvm_vm_watcher_new(app, argv[1], error);
	if (watcher == NULL)
		return FALSE;
	run.watcher = watcher;
	if (!print_snapshot(&run, error))
		return FALSE;
	if (!run.watch)
		return TRUE;

	loop = g_main_loop_new(NULL, FALSE);
	run.loop = loop;
	tick = g_timeout_add_seconds(1, on_tick, &run);
	sigint = g_unix_signal_add(SIGINT, on_interrupt, &run);
	sigterm = g_unix_signal_add(SIGTERM, on_interrupt, &run);
	g_main_loop_run(loop);
	if (run.error == NULL)
		g_source_remove(tick);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	if (run.error != NULL) {
		g_propagate_error(error, run.error);
		return FALSE;
	}
	return TRUE;
}
