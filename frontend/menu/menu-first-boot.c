/*
 * See menu-first-boot.h.
 */
#include "menu-first-boot.h"

#include "dkvm-error.h"
#include "menu-terminal.h"
#include "menu-widgets.h"
#include "vm-api.h"
#include "vm-first-boot.h"

#define TITLE "First boot"

static void
root_password(void)
{
	const gchar *argv[] = { "passwd", "root", NULL };
	g_autoptr(GError) error = NULL;
	gint status = 0;

	if (!dkvm_menu_confirm(TITLE,
	                       "Welcome to DKVM. A few questions, once; Esc skips any of them.\n\n"
	                       "Set root's password now? Without one, root can log in with an "
	                       "SSH key only (next question).",
	                       FALSE))
		return;
	if (!dkvm_menu_run_on_terminal(argv, "DKVM: the new password for root (typed twice).",
	                               &status, &error)) {
		dkvm_menu_error(TITLE, error);
		return;
	}
	if (!g_spawn_check_wait_status(status, &error))
		dkvm_menu_message(TITLE, "passwd did not change the password; set it later from "
		                         "Power > Shell.");
	else
		dkvm_menu_message(TITLE, "root's password is set.");
}

static void
ssh_key(void)
{
	g_autofree gchar *value = g_strdup("");

	for (;;) {
		g_autofree gchar *answer = NULL;
		g_autofree gchar *path = NULL;
		g_autoptr(GError) error = NULL;

		if (dkvm_menu_input(TITLE,
		                    "Paste an SSH public key for root (the line of your id_*.pub), "
		                    "or leave it empty:",
		                    value, &answer) != DKVM_ANSWER_OK ||
		    *answer == '\0')
			return;
		if (dkvm_vm_first_boot_add_ssh_key(answer, &path, &error)) {
			g_autofree gchar *done = g_strdup_printf("The key is added to %s.", path);
			dkvm_menu_message(TITLE, done);
			return;
		}
		dkvm_menu_error(TITLE, error);
		g_free(value);
		value = g_steal_pointer(&answer);
	}
}

static void
default_vm(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) vms = dkvm_vm_list(menu->app, &error);
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	g_autoptr(DkvmVmAutostartResult) result = NULL;
	const DkvmMenuItem *chosen = NULL;
	gint cursor = 0;

	if (vms == NULL) {
		/* libvirtd may still be starting this early in the boot */
		g_autofree gchar *text = g_strdup_printf(
		        "The VMs cannot be listed (%s): pick the default VM later with a VM's "
		        "At boot.",
		        error->message);
		dkvm_menu_message(TITLE, text);
		return;
	}
	if (vms->len == 0)
		return;
	for (guint i = 0; i < vms->len; i++) {
		const DkvmVmSummary *vm = g_ptr_array_index(vms, i);
		dkvm_menu_items_add(items, vm->name, FALSE, "%s", vm->name);
	}
	dkvm_menu_items_add(items, "", TRUE, "None: start VMs from the menu");
	cursor = (gint)items->len - 1;
	if (dkvm_menu_radiolist(TITLE,
	                        "The default VM starts after the boot countdown (a key cancels "
	                        "it). Which one?",
	                        items, &cursor, NULL) != DKVM_ANSWER_OK)
		return;
	for (guint i = 0; i < items->len && chosen == NULL; i++) {
		const DkvmMenuItem *item = g_ptr_array_index(items, i);
		if (item->on)
			chosen = item;
	}
	if (chosen == NULL || *chosen->tag == '\0')
		return;
	/* as the At boot screen sets it: the default VM, started by DKVM */
	result = dkvm_vm_set_autostart(menu->app, chosen->tag, TRUE, TRUE, &error);
	menu->changed = TRUE;
	if (result == NULL)
		dkvm_menu_error(TITLE, error);
	else if (result->not_saved != NULL)
		dkvm_menu_error(TITLE, result->not_saved);
}

void
dkvm_menu_first_boot(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;

	if (!dkvm_vm_first_boot_pending(menu->app))
		return;
	root_password();
	ssh_key();
	default_vm(menu);
	if (!dkvm_vm_first_boot_finish(menu->app, &error))
		dkvm_menu_error(TITLE, error);
}
