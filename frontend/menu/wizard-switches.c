/*
 * Switches: TPM 2.0, Secure Boot, real-time vCPU scheduling and early
 * binding, ticked in one check list that starts from the preset's defaults
 * (Create) or the VM's own (Edit): the same switches as `dkvm vm create
 * --tpm/--no-tpm`, `--secure-boot/--no-secure-boot`,
 * `--realtime/--no-realtime` and `--early-bind/--no-early-bind`. A
 * combination the spec refuses (Secure Boot on a BIOS VM) is shown and
 * asked again. Last, Looking Glass (`--looking-glass WxH`): ticked, its
 * resolution is asked (the VM's, else 1920x1080), and a bad one is refused
 * with the reason and asked again.
 */
#include "looking-glass.h"
#include "menu-widgets.h"
#include "wizard.h"

#define LOOKING_GLASS_TAG "looking-glass"

typedef struct {
	const gchar *tag;
	const gchar *text;
	gsize offset; /* of its gboolean in DkvmSpec */
} Switch;

static const Switch switches[] = {
	{ "tpm", "TPM 2.0 (swtpm; Windows 11 needs it)", G_STRUCT_OFFSET(DkvmSpec, tpm) },
	{ "secure-boot", "Secure Boot (UEFI firmware with Microsoft keys)",
	  G_STRUCT_OFFSET(DkvmSpec, secure_boot) },
	{ "realtime", "Real-time vCPUs (FIFO; can starve the host)",
	  G_STRUCT_OFFSET(DkvmSpec, realtime) },
	/* for a card whose host driver will not let go once it has it */
	{ "early-bind", "PCI devices to vfio-pci at boot (early bind)",
	  G_STRUCT_OFFSET(DkvmSpec, early_bind) },
};

#define SWITCH_FIELD(spec, sw) ((gboolean *)G_STRUCT_MEMBER_P((spec), (sw)->offset))

/* The Looking Glass item of @items onto @changed: off is 0x0; on asks for
 * the resolution. FALSE with @error for a bad one, without for Esc. */
static gboolean
ask_looking_glass(DkvmWizard *wizard, GPtrArray *items, DkvmSpec *changed, GError **error)
{
	const DkvmMenuItem *item = g_ptr_array_index(items, G_N_ELEMENTS(switches));
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Looking Glass");
	g_autofree gchar *initial = NULL;
	g_autofree gchar *answer = NULL;

	if (!item->on) {
		changed->looking_glass_width = 0;
		changed->looking_glass_height = 0;
		return TRUE;
	}
	initial = changed->looking_glass_width > 0
	                  ? g_strdup_printf("%ux%u", changed->looking_glass_width,
	                                    changed->looking_glass_height)
	                  : g_strdup("1920x1080");
	if (dkvm_menu_input(title, "The guest's resolution, WIDTHxHEIGHT (2560x1440):", initial,
	                    &answer) != DKVM_ANSWER_OK)
		return FALSE;
	return dkvm_looking_glass_parse(answer, &changed->looking_glass_width,
	                                &changed->looking_glass_height, error);
}

static DkvmStepResult
switches_run(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Switches");
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	gint cursor = 0;

	for (guint i = 0; i < G_N_ELEMENTS(switches); i++)
		dkvm_menu_items_add(items, switches[i].tag,
		                    *SWITCH_FIELD(wizard->spec, &switches[i]), "%s",
		                    switches[i].text);
	dkvm_menu_items_add(items, LOOKING_GLASS_TAG, wizard->spec->looking_glass_width > 0, "%s",
	                    "Looking Glass (shared memory; VNC kept for setup)");
	for (;;) {
		g_autoptr(DkvmSpec) changed = NULL;
		g_autoptr(GError) error = NULL;

		if (dkvm_menu_checklist(title, "Space ticks and unticks; Enter goes on.", items,
		                        &cursor, NULL) != DKVM_ANSWER_OK)
			return DKVM_STEP_BACK;
		changed = dkvm_spec_copy(wizard->spec);
		for (guint i = 0; i < G_N_ELEMENTS(switches); i++) {
			const DkvmMenuItem *item = g_ptr_array_index(items, i);
			*SWITCH_FIELD(changed, &switches[i]) = item->on;
		}
		if (!ask_looking_glass(wizard, items, changed, &error)) {
			if (error == NULL)
				continue; /* Esc on the resolution: back to the list */
			dkvm_wizard_refuse(wizard, "Looking Glass", error);
			continue;
		}
		if (dkvm_spec_validate(changed, &error)) {
			for (guint i = 0; i < G_N_ELEMENTS(switches); i++)
				*SWITCH_FIELD(wizard->spec, &switches[i]) =
				        *SWITCH_FIELD(changed, &switches[i]);
			wizard->spec->looking_glass_width = changed->looking_glass_width;
			wizard->spec->looking_glass_height = changed->looking_glass_height;
			return DKVM_STEP_NEXT;
		}
		dkvm_wizard_refuse(wizard, "Switches", error);
	}
}

static gchar *
switches_describe(const DkvmWizard *wizard)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < G_N_ELEMENTS(switches); i++) {
		if (*SWITCH_FIELD((DkvmSpec *)wizard->spec, &switches[i]))
			g_string_append_printf(text, "%s%s", text->len > 0 ? ", " : "",
			                       switches[i].tag);
	}
	if (wizard->spec->looking_glass_width > 0)
		g_string_append_printf(text, "%slooking-glass %ux%u", text->len > 0 ? ", " : "",
		                       wizard->spec->looking_glass_width,
		                       wizard->spec->looking_glass_height);
	return text->len > 0 ? g_string_free(g_steal_pointer(&text), FALSE) : g_strdup("none");
}

const DkvmWizardStep dkvm_wizard_step_switches = {
	.name = "switches",
	.label = "Switches",
	.run = switches_run,
	.describe = switches_describe,
};
