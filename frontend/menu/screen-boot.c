/*
 * At boot: whether the chosen VM starts when the host boots, as the default
 * VM (the boot countdown's, which a key cancels) or by libvirt's autostart,
 * or not at all. frontend/vm keeps the two settings together (vm-autostart.h).
 */
#include <libvirt/libvirt.h>

#include "menu-widgets.h"
#include "menu.h"
#include "vm-autostart.h"
#include "vm-common.h"
#include "vm-list.h"

enum { BOOT_DEFAULT, BOOT_AUTOSTART, BOOT_NEVER };

static DkvmScreenResult
boot_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmDetails) details = dkvm_vm_show(menu->app, menu->vm_name, &error);
	g_autoptr(DkvmVmAutostartResult) result = NULL;
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	g_autofree gchar *prompt = NULL;
	const gchar *default_vm = NULL;
	gint now, cursor;

	if (details == NULL || !dkvm_vm_get_default_name(menu->app, &default_vm, &error)) {
		dkvm_menu_error("At boot", error);
		return DKVM_SCREEN_BACK;
	}
	now = g_strcmp0(default_vm, details->summary->name) == 0 ? BOOT_DEFAULT
	      : details->summary->autostart                      ? BOOT_AUTOSTART
	                                                         : BOOT_NEVER;
	dkvm_menu_items_add(items, "default", now == BOOT_DEFAULT,
	                    "The default VM: started after the boot countdown");
	dkvm_menu_items_add(items, "autostart", now == BOOT_AUTOSTART,
	                    "Started by libvirt as the host boots, no countdown");
	dkvm_menu_items_add(items, "never", now == BOOT_NEVER, "Not started at boot");
	prompt = g_strdup_printf("When the host boots, VM '%s' is:", details->summary->name);
	cursor = now;
	if (dkvm_menu_radiolist("At boot", prompt, items, &cursor, NULL) != DKVM_ANSWER_OK)
		return DKVM_SCREEN_BACK;
	for (cursor = 0; cursor < (gint)items->len; cursor++) {
		if (((DkvmMenuItem *)g_ptr_array_index(items, cursor))->on)
			break;
	}
	if (cursor == now || cursor >= (gint)items->len)
		return DKVM_SCREEN_BACK;
	result = dkvm_vm_set_autostart(menu->app, details->summary->name, cursor != BOOT_NEVER,
	                               cursor == BOOT_DEFAULT, &error);
	menu->changed = TRUE;
	if (result == NULL)
		dkvm_menu_error("At boot", error);
	else if (result->not_saved != NULL)
		dkvm_menu_error("At boot", result->not_saved);
	else
		dkvm_menu_message("At boot", cursor == BOOT_DEFAULT ? "Done: it is the default VM."
		                             : cursor == BOOT_AUTOSTART
		                                     ? "Done: libvirt starts it as the host boots."
		                                     : "Done: it is not started at boot.");
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_boot = {
	.name = "boot",
	.label = "At boot",
	.help = "Start it when the host boots (default VM)?",
	.scope = DKVM_SCREEN_FOR_VM,
	.run = boot_run,
};
