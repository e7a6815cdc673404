/*
 * The main screen: every VM with its state, vCPUs, memory and GPU, then the
 * host's screens (Create, Host, CPU, ...). Choosing a VM offers its screens
 * (Start, Shut down, ..., screens.c's DKVM_SCREEN_FOR_VM ones).
 *
 * The list is read again every two seconds while nobody types, with the
 * cursor kept, so a VM that stops or a libvirtd that goes away shows up on
 * its own. libvirtd not answering is a line on this screen, retried at
 * every refresh; the host's screens keep working meanwhile.
 */
#include <libvirt/libvirt.h>
#include <string.h>

#include "format-size.h"
#include "menu-widgets.h"
#include "menu.h"
#include "vm-list.h"

#define MAIN_REFRESH_S 2
#define VM_TAG_PREFIX  "vm:"

static DkvmScreenResult main_run(DkvmMenu *menu);

const DkvmScreen dkvm_screen_main = {
	.name = "main",
	.label = "Main",
	.help = "Every VM and what can be done",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = main_run,
};

/* The passed-through GPUs of a VM, by name where the host knows them. */
static gchar *
vm_gpus(DkvmMenu *menu, const gchar *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmDetails) details = dkvm_vm_show(menu->app, name, &error);
	const DkvmHostFacts *host = dkvm_app_get_host(menu->app, NULL);
	g_autoptr(GPtrArray) gpus = g_ptr_array_new_with_free_func(g_free);

	if (details == NULL)
		return g_strdup("");
	for (guint i = 0; i < details->domain->pci_hostdevs->len; i++) {
		const gchar *address = g_ptr_array_index(details->domain->pci_hostdevs, i);
		const DkvmPciDevice *dev = host ? dkvm_host_facts_get_pci(host, address) : NULL;
		if (dev == NULL || !dev->is_gpu)
			continue;
		g_ptr_array_add(gpus, g_strdup(dev->device_name ? dev->device_name : address));
	}
	if (gpus->len == 0 && details->domain->pci_hostdevs->len > 0)
		return g_strdup_printf("%u PCI device(s)", details->domain->pci_hostdevs->len);
	g_ptr_array_add(gpus, NULL);
	return g_strjoinv(", ", (gchar **)gpus->pdata);
}

/* The VM rows, then one row per host screen. FALSE: libvirt did not answer
 * (@status says why); the host rows are there anyway. */
static GPtrArray *
main_items(DkvmMenu *menu, gchar **status)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) vms = dkvm_vm_list(menu->app, &error);
	GPtrArray *items = dkvm_menu_items_new();

	if (vms == NULL) {
		*status = g_strdup_printf("libvirt does not answer (retrying every %d s): %s",
		                          MAIN_REFRESH_S, error->message);
	} else if (vms->len == 0) {
		*status = g_strdup("No VM yet: choose Create to make one.");
	} else {
		*status = g_strdup_printf("%-16s %-10s %5s %10s  %s", "VM", "STATE", "VCPUS",
		                          "MEMORY", "GPU");
	}
	for (guint i = 0; vms != NULL && i < vms->len; i++) {
		const DkvmVmSummary *vm = g_ptr_array_index(vms, i);
		g_autofree gchar *tag = g_strconcat(VM_TAG_PREFIX, vm->name, NULL);
		g_autofree gchar *memory = dkvm_format_kib_column(vm->memory_kib);
		g_autofree gchar *gpus = vm_gpus(menu, vm->name);
		dkvm_menu_items_add(items, tag, FALSE, "%-16s %-10s %5u %10s  %s", vm->name,
		                    dkvm_vm_state_name(vm->state), vm->vcpus, memory, gpus);
	}
	for (guint i = 0; dkvm_screens[i] != NULL; i++) {
		const DkvmScreen *screen = dkvm_screens[i];
		if (screen->scope != DKVM_SCREEN_FOR_HOST || screen == &dkvm_screen_main)
			continue;
		dkvm_menu_items_add(items, screen->name, FALSE, "%-16s %s", screen->label,
		                    screen->help);
	}
	return items;
}

/* The chosen VM's screens; runs the one picked. */
static DkvmScreenResult
vm_actions(DkvmMenu *menu, const gchar *name)
{
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	g_autofree gchar *title = g_strdup_printf("VM %s", name);
	gint cursor = 0;
	const DkvmScreen *chosen;

	for (guint i = 0; dkvm_screens[i] != NULL; i++) {
		if (dkvm_screens[i]->scope == DKVM_SCREEN_FOR_VM)
			dkvm_menu_items_add(items, dkvm_screens[i]->name, FALSE, "%-12s %s",
			                    dkvm_screens[i]->label, dkvm_screens[i]->help);
	}
	if (dkvm_menu_choose(title, "What should happen to this VM?", items, &cursor, NULL) !=
	    DKVM_ANSWER_OK)
		return DKVM_SCREEN_BACK;
	chosen = dkvm_screen_find(((DkvmMenuItem *)g_ptr_array_index(items, cursor))->tag);
	menu->vm_name = name;
	return chosen->run(menu);
}

static DkvmScreenResult
main_run(DkvmMenu *menu)
{
	g_autofree gchar *cursor_tag = NULL;
	DkvmWidgetOptions options = { .ok_label = "Select",
		                      .back_label = "Refresh",
		                      .refresh_s = MAIN_REFRESH_S };

	for (;;) {
		g_autofree gchar *status = NULL;
		g_autoptr(GPtrArray) items = main_items(menu, &status);
		gint cursor = cursor_tag ? MAX(dkvm_menu_items_find(items, cursor_tag), 0) : 0;
		DkvmAnswer answer = dkvm_menu_choose("DKVM", status, items, &cursor, &options);
		const DkvmMenuItem *item = g_ptr_array_index(items, cursor);
		DkvmScreenResult result;

		g_free(cursor_tag);
		cursor_tag = g_strdup(item->tag);
		/* Back is Refresh here: the main screen has nowhere to go back to */
		if (answer != DKVM_ANSWER_OK)
			continue;
		menu->changed = FALSE;
		menu->vm_name = NULL;
		if (g_str_has_prefix(item->tag, VM_TAG_PREFIX)) {
			g_autofree gchar *name = g_strdup(item->tag + strlen(VM_TAG_PREFIX));
			result = vm_actions(menu, name);
			menu->vm_name = NULL;
		} else {
			result = dkvm_screen_find(item->tag)->run(menu);
		}
		if (result == DKVM_SCREEN_QUIT)
			return DKVM_SCREEN_QUIT;
	}
}
