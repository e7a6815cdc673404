/*
 * Create (a host screen): the wizard's steps one after the other (Back goes
 * to the previous step; Back at the first leaves with nothing defined), the
 * summary with the whole plan, then `dkvm vm create`'s own workflow
 * (dkvm_vm_create) defines the VM, so that the menu's VM is the CLI's for
 * the same choices. A failure is shown and the person is back at the
 * summary: nothing is ever half-defined (libvirt defines a domain whole or
 * not at all).
 */
#include "menu-widgets.h"
#include "menu.h"
#include "vm-api.h"
#include "wizard.h"

/* Defines the VM; FALSE (the failure shown) when it was not. */
static gboolean
define_vm(DkvmWizard *wizard)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmBuild) build = NULL;
	g_autoptr(GString) report = g_string_new(NULL);
	DkvmVmDefineOptions options = {
		.host = wizard->host,
		.hypervisor = DKVM_VM_HYPERVISOR_REQUIRED,
		.dry_run = FALSE,
	};

	dkvm_menu_infobox("Create VM", "Defining the VM...");
	build = dkvm_vm_create(wizard->menu->app, wizard->spec, &options, &error);
	if (build == NULL) {
		dkvm_wizard_refuse(wizard, "not created", error);
		return FALSE;
	}
	wizard->menu->changed = TRUE;
	g_string_append_printf(report,
	                       "VM '%s' is created. Choose it on the main screen to start it.\n",
	                       build->name);
	if (build->not_saved != NULL)
		g_string_append_printf(report, "\n%s\n", build->not_saved->message);
	dkvm_menu_message("Create VM", report->str);
	return TRUE;
}

static DkvmScreenResult
create_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmSpec) spec = dkvm_spec_new(NULL, DKVM_PRESET_WINDOWS11);
	DkvmWizard wizard = { .menu = menu, .spec = spec, .editing = FALSE };
	guint first = 0;

	wizard.host = dkvm_app_get_host(menu->app, &error);
	if (wizard.host == NULL) {
		dkvm_menu_error("Create VM", error);
		return DKVM_SCREEN_BACK;
	}
	for (;;) {
		if (!dkvm_wizard_run_steps(&wizard, first))
			return DKVM_SCREEN_BACK; /* Back at the first step */
		/* the summary until the VM is defined or the person goes back */
		while (dkvm_wizard_step_summary.run(&wizard) == DKVM_STEP_NEXT) {
			if (define_vm(&wizard))
				return DKVM_SCREEN_BACK;
		}
		/* Back from the summary: the last step again */
		first = dkvm_wizard_steps_count() - 1;
	}
}

const DkvmScreen dkvm_screen_create = {
	.name = "create",
	.label = "Create",
	.help = "Create a new VM (wizard)",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = create_run,
};
