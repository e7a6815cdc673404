/*
 * See menu-kernel-options.h. A ticked box that was not ticked sets the
 * option, an unticked one that was removes it; the others are left as the
 * files have them. Isolation asks which VM's pinned CPUs; the ACS override
 * asks again, with the warning about what it gives up.
 */
#include "menu-kernel-options.h"

#include <string.h>

#include "dkvm-error.h"
#include "menu-widgets.h"
#include "vm-api.h"
#include "vm-boot-cmdline.h"

#define TITLE "Kernel options"

typedef struct {
	DkvmBootOpt opt;
	const gchar *text;
} Row;

static const Row rows[] = {
	{ DKVM_BOOT_OPT_IOMMU, "IOMMU on (intel_iommu/amd_iommu=on): passthrough" },
	{ DKVM_BOOT_OPT_IOMMU_PT, "iommu=pt: host devices skip translation" },
	{ DKVM_BOOT_OPT_HUGEPAGES, "Reserve the VMs' hugepages at boot" },
	{ DKVM_BOOT_OPT_ISOLATE, "Isolate a VM's pinned CPUs from the host" },
	{ DKVM_BOOT_OPT_EFIFB_OFF, "video=efifb:off: free the boot GPU" },
	{ DKVM_BOOT_OPT_ACS_OVERRIDE, "pcie_acs_override: split IOMMU groups (unsafe)" },
};

/* Whether the files have @opt on now: for an option without a value,
 * setting it would change nothing (the IOMMU by this CPU's vendor). */
static gboolean
is_on(const gchar *options, DkvmBootOpt opt, const gchar *cpu_vendor)
{
	g_autofree gchar *owned = dkvm_boot_options_owned(options, opt);
	g_autoptr(DkvmBootChange) probe = NULL;
	g_autofree gchar *applied = NULL;

	if (opt == DKVM_BOOT_OPT_HUGEPAGES || opt == DKVM_BOOT_OPT_ISOLATE ||
	    opt == DKVM_BOOT_OPT_ACS_OVERRIDE)
		return *owned != '\0';
	probe = dkvm_boot_change_new(cpu_vendor);
	dkvm_boot_change_set(probe, opt, NULL);
	applied = dkvm_boot_options_apply(options, probe);
	return g_str_equal(applied, options);
}

/* The VM whose pinned CPUs to isolate; FALSE when the person goes back. */
static gboolean
ask_isolate(DkvmMenu *menu, DkvmBootChange *change)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) vms = dkvm_vm_list(menu->app, &error);
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	g_autofree gchar *cpus = NULL;
	gint cursor = 0;

	if (vms == NULL) {
		dkvm_menu_error(TITLE, error);
		return FALSE;
	}
	for (guint i = 0; i < vms->len; i++) {
		const DkvmVmSummary *vm = g_ptr_array_index(vms, i);
		dkvm_menu_items_add(items, vm->name, i == 0, "%s", vm->name);
	}
	if (items->len == 0) {
		dkvm_menu_message(TITLE, "There is no VM whose CPUs could be isolated.");
		return FALSE;
	}
	for (;;) {
		const DkvmMenuItem *chosen = NULL;
		g_clear_error(&error);
		if (dkvm_menu_radiolist(TITLE,
		                        "Isolate the host CPUs which VM's vCPUs are pinned to?",
		                        items, &cursor, NULL) != DKVM_ANSWER_OK)
			return FALSE;
		for (guint i = 0; i < items->len && chosen == NULL; i++) {
			const DkvmMenuItem *item = g_ptr_array_index(items, i);
			if (item->on)
				chosen = item;
		}
		if (chosen == NULL)
			continue;
		if (dkvm_vm_boot_isolate_cpus(menu->app, chosen->tag, &cpus, &error)) {
			dkvm_boot_change_set(change, DKVM_BOOT_OPT_ISOLATE, cpus);
			return TRUE;
		}
		dkvm_menu_error(TITLE, error);
	}
}

/* What a newly ticked option needs; FALSE: leave it as it was. */
static gboolean
set_option(DkvmMenu *menu, DkvmBootChange *change, DkvmBootOpt opt)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *options = NULL;

	switch (opt) {
	case DKVM_BOOT_OPT_ISOLATE:
		return ask_isolate(menu, change);
	case DKVM_BOOT_OPT_HUGEPAGES:
		if (!dkvm_vm_boot_hugepage_options(menu->app, &options, &error)) {
			dkvm_menu_error(TITLE, error);
			return FALSE;
		}
		if (options == NULL) {
			dkvm_menu_message(TITLE,
			                  "No VM uses hugepages: there is nothing to reserve "
			                  "at boot.");
			return FALSE;
		}
		dkvm_boot_change_set(change, opt, options);
		return TRUE;
	case DKVM_BOOT_OPT_ACS_OVERRIDE:
		if (!dkvm_menu_confirm(
		            TITLE,
		            "pcie_acs_override makes the kernel split IOMMU groups the "
		            "hardware does not isolate: a passed-through device may still "
		            "reach the memory of the devices in its real group.\n\n"
		            "Set it anyway (downstream,multifunction)?",
		            TRUE))
			return FALSE;
		dkvm_boot_change_set(change, opt, "downstream,multifunction");
		return TRUE;
	default:
		dkvm_boot_change_set(change, opt, NULL);
		return TRUE;
	}
}

static void
write_change(DkvmMenu *menu, DkvmBootConfig *config, const DkvmBootChange *change)
{
	g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) text = g_string_new(NULL);
	gboolean changed = FALSE;
	DkvmBootAction pages = change->action[DKVM_BOOT_OPT_HUGEPAGES];

	if (!dkvm_boot_config_change(config, change, &changed, notes, &error)) {
		dkvm_menu_error(TITLE, error);
		return;
	}
	/* dkvm.conf says whether the VMs' pages are reserved at boot */
	if (pages != DKVM_BOOT_KEEP &&
	    !dkvm_vm_boot_set_hugepages_key(menu->app, pages == DKVM_BOOT_SET, &error))
		g_ptr_array_add(notes, g_strdup(error->message));
	menu->changed = TRUE;
	g_string_append(text, changed ? "Written to syslinux.cfg and grub.cfg (the previous "
	                                "ones are kept as .bak). They take effect at the next "
	                                "boot."
	                              : "The files already say so: nothing written.");
	for (guint i = 0; i < notes->len; i++)
		g_string_append_printf(text, "\n\n%s", (const gchar *)g_ptr_array_index(notes, i));
	dkvm_menu_message(TITLE, text->str);
}

void
dkvm_menu_kernel_options(DkvmMenu *menu)
{
	const gchar *dir =
	        menu->options->boot_dir != NULL ? menu->options->boot_dir : DKVM_BOOT_DIR_DEFAULT;
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmBootConfig) config = dkvm_boot_config_read(dir, &error);
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	g_autoptr(DkvmBootChange) change = NULL;
	g_autofree gchar *prompt = NULL, *after = NULL, *question = NULL;
	gboolean was[G_N_ELEMENTS(rows)];
	gint cursor = 0;

	if (config == NULL) {
		dkvm_menu_error(TITLE, error);
		return;
	}
	change = dkvm_vm_boot_change_new(menu->app);
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		was[i] = is_on(config->options[0], rows[i].opt, change->cpu_vendor);
		dkvm_menu_items_add(items, dkvm_boot_opt_name(rows[i].opt), was[i], "%s",
		                    rows[i].text);
	}
	prompt = g_strdup_printf("Space ticks, Enter goes on. Now:\n%s", config->options[0]);
	if (dkvm_menu_checklist(TITLE, prompt, items, &cursor, NULL) != DKVM_ANSWER_OK)
		return;
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		const DkvmMenuItem *item = g_ptr_array_index(items, i);
		if (item->on == was[i])
			continue;
		if (!item->on)
			change->action[rows[i].opt] = DKVM_BOOT_REMOVE;
		else if (!set_option(menu, change, rows[i].opt))
			return;
	}
	if (dkvm_boot_change_is_empty(change)) {
		dkvm_menu_message(TITLE, "Nothing changed.");
		return;
	}
	after = dkvm_boot_options_apply(config->options[0], change);
	question = g_strdup_printf("The kernel options become:\n\n%s\n\nWrite them to "
	                           "syslinux.cfg and grub.cfg? They take effect at the next boot.",
	                           after);
	if (!dkvm_menu_confirm(TITLE, question, FALSE))
		return;
	write_change(menu, config, change);
}
