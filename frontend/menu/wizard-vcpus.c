/*
 * vCPUs: a count from 1 (as `dkvm vm create --vcpus` reads it), then the
 * pinning the CPU planner makes of it, shown before the person goes on:
 * which host threads each vCPU gets, in which L3 group, and what the host
 * keeps. More vCPUs than the host can give are refused with the planner's
 * reason (it names the maximum); Back from the preview asks again.
 */
#include "dkvm-error.h"
#include "menu-widgets.h"
#include "plan.h"
#include "wizard.h"

/* The NUMA node of the VM's first GPU, as the plan places the vCPUs near
 * it; -1 when it has none (or the passthrough plan fails: the PCI step and
 * the summary say why). */
static gint
gpu_node(const DkvmWizard *wizard)
{
	g_autoptr(DkvmPassthroughPlan) passthrough = NULL;

	if (wizard->spec->pci->len == 0)
		return -1;
	passthrough = dkvm_plan_passthrough(wizard->host, wizard->spec, NULL);
	return passthrough != NULL ? passthrough->gpu_numa_node : -1;
}

static gboolean
parse_vcpus(const gchar *text, guint *out, GError **error)
{
	guint64 value = 0;

	/* the limit of `vm create --vcpus`; the planner refuses more than the
	 * host has */
	if (!g_ascii_string_to_unsigned(text, 10, 1, 4096, &value, NULL)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "'%s' is not a number of vCPUs: expected a whole number from 1 to 4096",
		            text);
		return FALSE;
	}
	*out = (guint)value;
	return TRUE;
}

/* TRUE when the person accepts the plan for @spec (OK), FALSE for Back;
 * FALSE with @error when the host cannot give the vCPUs. */
static gboolean
preview(DkvmWizard *wizard, const DkvmSpec *spec, const DkvmHostSettings *settings, GError **error)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "vCPUs");
	g_autoptr(DkvmCpuPlan) cpu = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *question = NULL;

	if (!dkvm_spec_validate(spec, error))
		return FALSE;
	if (!spec->pinning) {
		/* nothing to place: the host schedules the vCPUs */
		return TRUE;
	}
	cpu = dkvm_plan_cpu(wizard->host, spec, settings, gpu_node(wizard), error);
	if (cpu == NULL)
		return FALSE;
	text = dkvm_cpu_plan_to_text(cpu);
	question = g_strdup_printf("The VM's vCPUs are pinned like this (OK: go on; Back: "
	                           "another count; arrows scroll):\n\n%s",
	                           text);
	return dkvm_menu_confirm_labels(title, question, "OK", "Back");
}

static DkvmStepResult
vcpus_run(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "vCPUs");
	g_autoptr(GError) settings_error = NULL;
	g_autoptr(DkvmHostSettings) settings = dkvm_wizard_get_settings(wizard, &settings_error);
	g_autofree gchar *value = NULL;
	g_autofree gchar *prompt = NULL;
	guint max;

	if (settings == NULL) {
		dkvm_wizard_refuse(wizard, "vCPUs", settings_error);
		return DKVM_STEP_BACK;
	}
	max = dkvm_plan_cpu_max_vcpus(wizard->host, settings);
	prompt = g_strdup_printf(
	        "This host: %u CPU threads on %u cores; with pinning a VM can have "
	        "up to %u vCPUs (the rest stays for the host).\n\n"
	        "Number of vCPUs:",
	        wizard->host->cpus->len, dkvm_host_facts_count_cores(wizard->host), max);
	value = g_strdup_printf("%u", wizard->spec->vcpus);
	for (;;) {
		g_autofree gchar *typed = NULL;
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmSpec) changed = NULL;
		guint vcpus = 0;

		if (dkvm_menu_input(title, prompt, value, &typed) != DKVM_ANSWER_OK)
			return DKVM_STEP_BACK;
		g_free(value);
		value = g_strdup(typed);
		if (!parse_vcpus(typed, &vcpus, &error)) {
			dkvm_wizard_refuse(wizard, "vCPUs", error);
			continue;
		}
		changed = dkvm_spec_copy(wizard->spec);
		changed->vcpus = vcpus;
		if (preview(wizard, changed, settings, &error)) {
			wizard->spec->vcpus = vcpus;
			return DKVM_STEP_NEXT;
		}
		if (error != NULL)
			dkvm_wizard_refuse(wizard, "vCPUs", error);
	}
}

static gchar *
vcpus_describe(const DkvmWizard *wizard)
{
	return g_strdup_printf("%u%s", wizard->spec->vcpus,
	                       wizard->spec->pinning ? ", pinned" : ", not pinned");
}

const DkvmWizardStep dkvm_wizard_step_vcpus = {
	.name = "vcpus",
	.label = "vCPUs",
	.run = vcpus_run,
	.describe = vcpus_describe,
};
