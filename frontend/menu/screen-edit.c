/*
 * Edit (a VM screen): the wizard's steps as a list, each with the VM's
 * current value; choosing one runs that step, "Save" shows the summary
 * and applies. The spec is the one frontend/vm reads back from the domain,
 * and dkvm_vm_edit applies the change onto the domain's own XML (what a
 * person added with `virsh edit` stays), exactly as `dkvm vm edit` does.
 * Back or Esc in the list changes nothing.
 */
#include <gio/gio.h>

#include "menu-widgets.h"
#include "menu.h"
#include "vm-api.h"
#include "wizard.h"

#define SAVE_TAG "save"

typedef struct {
	DkvmMenu *menu;
	const DkvmHostFacts *host;
} EditContext;

static GPtrArray *
edit_items(const DkvmWizard *wizard)
{
	GPtrArray *items = dkvm_menu_items_new();

	for (guint i = 0; dkvm_wizard_steps[i] != NULL; i++) {
		const DkvmWizardStep *step = dkvm_wizard_steps[i];
		g_autofree gchar *value = step->describe != NULL ? step->describe(wizard) : NULL;
		dkvm_menu_items_add(items, step->name, FALSE, "%-10s %s", step->label,
		                    value != NULL ? value : "");
	}
	dkvm_menu_items_add(items, SAVE_TAG, FALSE, "%-10s %s", "Save",
	                    "show the plan and apply the changes");
	return items;
}

/* DkvmVmSpecChange: the Edit list on the spec read from the domain. TRUE
 * (apply) after Save; FALSE with G_IO_ERROR_CANCELLED on Back. */
static gboolean
edit_change(DkvmSpec *spec, gpointer user_data, GError **error)
{
	EditContext *context = user_data;
	DkvmWizard wizard = {
		.menu = context->menu,
		.spec = spec,
		.editing = TRUE,
		.host = context->host,
	};
	g_autofree gchar *title = g_strdup_printf("Edit '%s'", spec->name);
	const DkvmWidgetOptions options = { .ok_label = "Change" };
	gint cursor = 0;

	for (;;) {
		g_autoptr(GPtrArray) items = edit_items(&wizard);
		const DkvmMenuItem *item;
		const DkvmWizardStep *step;

		if (dkvm_menu_choose(title, "Choose what to change; Save applies it.", items,
		                     &cursor, &options) != DKVM_ANSWER_OK) {
			g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
			                    "edit cancelled: nothing changed");
			return FALSE;
		}
		item = g_ptr_array_index(items, cursor);
		if (g_strcmp0(item->tag, SAVE_TAG) == 0) {
			if (dkvm_wizard_step_summary.run(&wizard) == DKVM_STEP_NEXT)
				return TRUE;
			continue;
		}
		step = dkvm_wizard_step_find(item->tag);
		if (step != NULL)
			step->run(&wizard);
	}
}

static DkvmScreenResult
edit_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmBuild) build = NULL;
	g_autoptr(GString) report = g_string_new(NULL);
	g_autoptr(DkvmHostFacts) host = NULL;
	EditContext context = { .menu = menu };
	/* this machine, as `dkvm vm edit` plans */
	DkvmVmDefineOptions options = { .hypervisor = DKVM_VM_HYPERVISOR_REQUIRED };

	/* the steps check against the host the edit plans on: a running VM's
	 * own hugepages count as free */
	host = dkvm_vm_edit_get_host(menu->app, menu->vm_name, &options, &error);
	if (host == NULL) {
		dkvm_menu_error("Edit", error);
		return DKVM_SCREEN_BACK;
	}
	context.host = host;
	build = dkvm_vm_edit(menu->app, menu->vm_name, edit_change, &context, &options, &error);
	if (build == NULL) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			dkvm_menu_error("Edit", error);
		return DKVM_SCREEN_BACK;
	}
	menu->changed = TRUE;
	g_string_append_printf(report, "VM '%s' is changed.\n", build->name);
	if (build->running)
		g_string_append(report,
		                "\nThe VM is running: the changes apply at its next start.\n");
	if (build->numa_note != NULL)
		g_string_append_printf(report, "\n%s\n", build->numa_note);
	if (build->not_saved != NULL)
		g_string_append_printf(report, "\n%s\n", build->not_saved->message);
	dkvm_menu_message("Edit", report->str);
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_edit = {
	.name = "edit",
	.label = "Edit",
	.help = "Change the VM's memory, vCPUs, network, devices, switches",
	.scope = DKVM_SCREEN_FOR_VM,
	.run = edit_run,
};
