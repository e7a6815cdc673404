/*
 * The summary: what was chosen, then the whole plan in the words
 * `dkvm plan` prints (dkvm_plan_to_text, the Why lines and warnings
 * included), planned as `dkvm vm create` plans it (dkvm_vm_plan with
 * libvirt's hypervisor). OK goes on (Create defines, Edit saves); Back
 * returns to the steps. A spec the planners refuse is shown with their
 * reason, and the person goes back to change it.
 */
#include "format-size.h"
#include "menu-widgets.h"
#include "vm-plan.h"
#include "wizard.h"

/* The choices, one line per step that describes itself. */
static void
append_choices(GString *text, const DkvmWizard *wizard)
{
	g_string_append_printf(text, "VM '%s' (%s)\n", wizard->spec->name,
	                       dkvm_preset_to_string(wizard->spec->preset));
	for (guint i = 0; dkvm_wizard_steps[i] != NULL; i++) {
		const DkvmWizardStep *step = dkvm_wizard_steps[i];
		g_autofree gchar *value = NULL;
		if (step->describe == NULL || g_strcmp0(step->name, "preset") == 0)
			continue;
		value = step->describe(wizard);
		g_string_append_printf(text, "  %-10s %s\n", step->label,
		                       value != NULL ? value : "");
	}
	g_string_append_c(text, '\n');
}

static DkvmStepResult
summary_run(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Summary");
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(GString) text = g_string_new(NULL);
	g_autofree gchar *plan_text = NULL;

	if (!dkvm_spec_validate(wizard->spec, &error)) {
		dkvm_wizard_refuse(wizard, "Summary", error);
		return DKVM_STEP_BACK;
	}
	plan = dkvm_vm_plan(wizard->menu->app, wizard->host, wizard->spec,
	                    DKVM_VM_HYPERVISOR_REQUIRED, &error);
	if (plan == NULL) {
		dkvm_wizard_refuse(wizard, "Summary", error);
		return DKVM_STEP_BACK;
	}
	append_choices(text, wizard);
	plan_text = dkvm_plan_to_text(plan);
	g_string_append(text, plan_text);
	return dkvm_menu_confirm_labels(title, text->str, wizard->editing ? "Save" : "Create",
	                                "Back")
	               ? DKVM_STEP_NEXT
	               : DKVM_STEP_BACK;
}

const DkvmWizardStep dkvm_wizard_step_summary = {
	.name = "summary",
	.label = "Summary",
	.run = summary_run,
	.describe = NULL,
};
