/*
 * CD-ROMs: a check list of the ISO files on the data partition (its top
 * folder and the folders in it), each ticked one a CD-ROM drive of the VM
 * in the list's order, as `dkvm vm create --cdrom` gives them. An ISO the VM
 * has from elsewhere stays on the list, ticked, until unticked. Without a
 * data partition the list says why and the step can be passed.
 */
#include "menu-widgets.h"
#include "wizard-data.h"
#include "wizard.h"

#define LABEL      "CD-ROMs"
#define ITEM_WIDTH 64

static const gchar *const iso_suffixes[] = { ".iso", NULL };

static gboolean
in_spec(const DkvmSpec *spec, const gchar *path)
{
	for (guint i = 0; i < spec->cdroms->len; i++) {
		if (g_strcmp0(g_ptr_array_index(spec->cdroms, i), path) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
add_item(GPtrArray *items, const DkvmDataPartition *data, const gchar *path, gboolean on)
{
	g_autofree gchar *size = dkvm_wizard_file_size(path);
	g_autofree gchar *shown = dkvm_wizard_data_shown(data, path, ITEM_WIDTH - 10);

	dkvm_menu_items_add(items, path, on, "%-*s %9s", ITEM_WIDTH - 10, shown, size);
}

static DkvmStepResult
cdroms_run(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, LABEL);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDataPartition) data = dkvm_wizard_data_partition(wizard, &error);
	g_autoptr(GPtrArray) isos =
	        data != NULL ? dkvm_vm_data_files(data, iso_suffixes, &error) : NULL;
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	g_autofree gchar *prompt = NULL;
	gint cursor = 0;

	/* the VM's own first, in its order, then the partition's others */
	for (guint i = 0; i < wizard->spec->cdroms->len; i++)
		add_item(items, data, g_ptr_array_index(wizard->spec->cdroms, i), TRUE);
	for (guint i = 0; isos != NULL && i < isos->len; i++) {
		const gchar *path = g_ptr_array_index(isos, i);
		if (!in_spec(wizard->spec, path))
			add_item(items, data, path, FALSE);
	}
	if (isos == NULL)
		prompt = g_strdup_printf("No ISO files to offer: %s", error->message);
	else
		prompt = g_strdup_printf("ISO files on the data partition %s (%s). Space ticks "
		                         "one; each ticked one is a CD-ROM drive of the VM.",
		                         data->label, data->mount_point);
	if (items->len == 0) {
		g_autoptr(GPtrArray) none = dkvm_menu_items_new();
		g_autofree gchar *text = g_strdup_printf(
		        "%s\n\nCopy .iso files onto the data partition to see "
		        "them here.",
		        isos != NULL ? "There are no ISO files on the data partition." : prompt);
		dkvm_menu_items_add(none, "next", FALSE, "Go on without a CD-ROM");
		return dkvm_menu_choose(title, text, none, &cursor, NULL) == DKVM_ANSWER_OK
		               ? DKVM_STEP_NEXT
		               : DKVM_STEP_BACK;
	}
	if (dkvm_menu_checklist(title, prompt, items, &cursor, NULL) != DKVM_ANSWER_OK)
		return DKVM_STEP_BACK;
	g_ptr_array_set_size(wizard->spec->cdroms, 0);
	for (guint i = 0; i < items->len; i++) {
		const DkvmMenuItem *item = g_ptr_array_index(items, i);
		if (item->on)
			g_ptr_array_add(wizard->spec->cdroms, g_strdup(item->tag));
	}
	return DKVM_STEP_NEXT;
}

static gchar *
cdroms_describe(const DkvmWizard *wizard)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < wizard->spec->cdroms->len; i++) {
		g_autofree gchar *name =
		        g_path_get_basename(g_ptr_array_index(wizard->spec->cdroms, i));
		g_string_append_printf(text, "%s%s", i > 0 ? ", " : "", name);
	}
	return text->len > 0 ? g_string_free(g_steal_pointer(&text), FALSE) : g_strdup("none");
}

const DkvmWizardStep dkvm_wizard_step_cdroms = {
	.name = "cdroms",
	.label = "CD-ROMs",
	.run = cdroms_run,
	.describe = cdroms_describe,
};
