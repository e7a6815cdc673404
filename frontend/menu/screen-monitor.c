/*
 * Monitor: the live view of `dkvm vm monitor` (state, each vCPU's thread,
 * the host CPU it runs on and its load, hugepages, devices), read again
 * every second until a key is pressed. The text is frontend/vm's, the same
 * the CLI prints.
 */
#include "menu-widgets.h"
#include "menu.h"
#include "vm-monitor.h"

#define MONITOR_REFRESH_MS 1000

static DkvmScreenResult
monitor_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmWatcher) watcher = dkvm_vm_watcher_new(menu->app, menu->vm_name, &error);
	g_autofree gchar *title = g_strdup_printf("Monitor %s (any key: back)", menu->vm_name);

	if (watcher == NULL) {
		dkvm_menu_error("Monitor", error);
		return DKVM_SCREEN_BACK;
	}
	for (;;) {
		g_autofree gchar *text =
		        dkvm_vm_watcher_read(watcher, DKVM_VM_MONITOR_TEXT, &error);
		if (text == NULL) {
			dkvm_menu_error("Monitor", error);
			return DKVM_SCREEN_BACK;
		}
		dkvm_menu_infobox(title, text);
		if (dkvm_menu_wait_key(MONITOR_REFRESH_MS))
			return DKVM_SCREEN_BACK;
	}
}

const DkvmScreen dkvm_screen_monitor = {
	.name = "monitor",
	.label = "Monitor",
	.help = "Live view: vCPU threads, host CPUs, load, hugepages",
	.scope = DKVM_SCREEN_FOR_VM,
	.run = monitor_run,
};
