/*
 * The step runner (wizard.h): Create walks the steps forward and back;
 * Edit (screen-edit.c) runs single steps from its list.
 */
#include "wizard.h"

#include "menu-widgets.h"

guint
dkvm_wizard_steps_count(void)
{
	guint count = 0;

	while (dkvm_wizard_steps[count] != NULL)
		count++;
	return count;
}

const DkvmWizardStep *
dkvm_wizard_step_find(const gchar *name)
{
	for (guint i = 0; dkvm_wizard_steps[i] != NULL; i++) {
		if (g_strcmp0(dkvm_wizard_steps[i]->name, name) == 0)
			return dkvm_wizard_steps[i];
	}
	if (g_strcmp0(dkvm_wizard_step_summary.name, name) == 0)
		return &dkvm_wizard_step_summary;
	return NULL;
}

gboolean
dkvm_wizard_run_steps(DkvmWizard *wizard, guint first)
{
	guint count = dkvm_wizard_steps_count();
	guint index = first;

	g_return_val_if_fail(first < count, FALSE);
	while (index < count) {
		if (dkvm_wizard_steps[index]->run(wizard) == DKVM_STEP_NEXT) {
			index++;
			continue;
		}
		if (index == 0)
			return FALSE;
		index--;
	}
	return TRUE;
}

gchar *
dkvm_wizard_title(const DkvmWizard *wizard, const gchar *label)
{
	if (wizard->editing)
		return g_strdup_printf("Edit '%s': %s", wizard->spec->name, label);
	return g_strdup_printf("Create VM: %s", label);
}

void
dkvm_wizard_refuse(const DkvmWizard *wizard, const gchar *label, const GError *error)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, label);

	dkvm_menu_error(title, error);
}

DkvmHostSettings *
dkvm_wizard_get_settings(const DkvmWizard *wizard, GError **error)
{
	return dkvm_app_get_host_settings(wizard->menu->app, error);
}
