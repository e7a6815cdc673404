/*
 * The first step: the preset (windows11, windows10, linux), then the VM's
 * name. The name must be one libvirt takes (dkvm_spec_validate_name) and
 * not a VM's that exists: create never replaces a VM. Edit cannot change
 * either (as `dkvm vm edit` refuses --preset): the step says so.
 */
#include "dkvm-error.h"
#include "menu-widgets.h"
#include "vm-api.h"
#include "wizard.h"

static const DkvmPreset presets[] = {
	DKVM_PRESET_WINDOWS11,
	DKVM_PRESET_WINDOWS10,
	DKVM_PRESET_LINUX,
};

static const gchar *
preset_words(DkvmPreset preset)
{
	switch (preset) {
	case DKVM_PRESET_WINDOWS11:
		return "Windows 11: UEFI, Secure Boot, TPM 2.0, Hyper-V";
	case DKVM_PRESET_WINDOWS10:
		return "Windows 10: UEFI, Hyper-V, no TPM";
	case DKVM_PRESET_LINUX:
		return "Linux: UEFI, no TPM";
	}
	return "";
}

/* The preset chosen, or FALSE on Back. */
static gboolean
ask_preset(DkvmWizard *wizard, DkvmPreset *out)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Preset");
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	gint cursor = 0;

	for (guint i = 0; i < G_N_ELEMENTS(presets); i++) {
		gboolean on = presets[i] == wizard->spec->preset;
		dkvm_menu_items_add(items, dkvm_preset_to_string(presets[i]), on, "%s",
		                    preset_words(presets[i]));
		if (on)
			cursor = (gint)i;
	}
	if (dkvm_menu_radiolist(title, "What will the VM run? (Space chooses, Enter goes on)",
	                        items, &cursor, NULL) != DKVM_ANSWER_OK)
		return FALSE;
	for (guint i = 0; i < items->len; i++) {
		const DkvmMenuItem *item = g_ptr_array_index(items, i);
		if (item->on)
			return dkvm_preset_from_string(item->tag, out, NULL);
	}
	*out = presets[cursor];
	return TRUE;
}

/* A name libvirt takes and no VM has; FALSE with the reason otherwise. */
static gboolean
check_name(DkvmWizard *wizard, const gchar *name, GError **error)
{
	g_autoptr(GError) lookup_error = NULL;
	g_autofree gchar *existing = NULL;

	if (!dkvm_spec_validate_name(name, error))
		return FALSE;
	existing = dkvm_vm_get_name(wizard->menu->app, name, &lookup_error);
	if (existing != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "a VM named '%s' already exists: choose another name", existing);
		return FALSE;
	}
	if (!g_error_matches(lookup_error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND)) {
		/* libvirt could not be asked: say so rather than guess */
		g_propagate_error(error, g_steal_pointer(&lookup_error));
		return FALSE;
	}
	return TRUE;
}

/* The name typed, checked; NULL on Back. */
static gchar *
ask_name(DkvmWizard *wizard, DkvmPreset preset)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Name");
	g_autofree gchar *name = g_strdup(wizard->spec->name != NULL ? wizard->spec->name : "");
	g_autofree gchar *prompt =
	        g_strdup_printf("The %s VM's name (letters, digits, '-', '_' and '.'):",
	                        dkvm_preset_to_string(preset));

	for (;;) {
		g_autofree gchar *typed = NULL;
		g_autoptr(GError) error = NULL;

		if (dkvm_menu_input(title, prompt, name, &typed) != DKVM_ANSWER_OK)
			return NULL;
		if (check_name(wizard, typed, &error))
			return g_steal_pointer(&typed);
		dkvm_wizard_refuse(wizard, "Name", error);
		g_free(name);
		name = g_steal_pointer(&typed);
	}
}

static DkvmStepResult
preset_run(DkvmWizard *wizard)
{
	if (wizard->editing) {
		g_autofree gchar *title = dkvm_wizard_title(wizard, "Preset and name");
		dkvm_menu_message(title, "A VM's preset and name are chosen when it is created.\n\n"
		                         "For another preset, create a new VM with it.");
		return DKVM_STEP_BACK;
	}
	for (;;) {
		DkvmPreset preset;
		g_autofree gchar *name = NULL;

		if (!ask_preset(wizard, &preset))
			return DKVM_STEP_BACK;
		name = ask_name(wizard, preset);
		if (name == NULL)
			continue; /* Back from the name: the preset again */
		if (preset != wizard->spec->preset) {
			/* another preset starts from its own defaults, as
			 * `dkvm vm create --preset` does */
			g_autoptr(DkvmSpec) fresh = dkvm_spec_new(name, preset);
			DkvmSpec swap = *wizard->spec;
			*wizard->spec = *fresh;
			*fresh = swap;
		} else {
			g_free(wizard->spec->name);
			wizard->spec->name = g_steal_pointer(&name);
		}
		return DKVM_STEP_NEXT;
	}
}

static gchar *
preset_describe(const DkvmWizard *wizard)
{
	return g_strdup_printf("%s (chosen at create)",
	                       dkvm_preset_to_string(wizard->spec->preset));
}

const DkvmWizardStep dkvm_wizard_step_preset = {
	.name = "preset",
	.label = "Preset",
	.run = preset_run,
	.describe = preset_describe,
};
