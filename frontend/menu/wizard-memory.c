/*
 * Memory: a size with K, M, G or T (a bare number is MiB), as
 * `dkvm vm create --memory` reads it (dkvm_parse_size_kib). The prompt shows
 * what the host can give; a size the hugepage planner cannot back (memory
 * plus the host's headroom beyond what is free) is refused with the
 * planner's own reason, before the person goes on.
 */
#include "format-size.h"
#include "menu-widgets.h"
#include "page-size.h"
#include "plan.h"
#include "wizard.h"

/* @kib as the person would type it: "16G", "1536M", "1048577K". */
static gchar *
size_for_input(guint64 kib)
{
	if (kib % DKVM_PAGE_1G_KIB == 0)
		return g_strdup_printf("%" G_GUINT64_FORMAT "G", kib / DKVM_PAGE_1G_KIB);
	if (kib % 1024 == 0)
		return g_strdup_printf("%" G_GUINT64_FORMAT "M", kib / 1024);
	return g_strdup_printf("%" G_GUINT64_FORMAT "K", kib);
}

/* What the host has, in the prompt's words. */
static gchar *
host_memory_text(const DkvmWizard *wizard, const DkvmHostSettings *settings)
{
	const DkvmHostFacts *host = wizard->host;
	g_autoptr(GString) text = g_string_new(NULL);
	g_autofree gchar *total = dkvm_format_kib(host->mem_total_kib);
	g_autofree gchar *available = dkvm_format_kib(host->mem_available_kib);
	g_autofree gchar *headroom = dkvm_format_kib(dkvm_plan_headroom_kib(host, settings));

	g_string_append_printf(text, "This host: %s of RAM, %s available; it keeps %s.\n", total,
	                       available, headroom);
	for (guint i = 0; i < host->hugepages->len; i++) {
		const DkvmHugepagePool *pool = g_ptr_array_index(host->hugepages, i);
		g_autofree gchar *page = NULL;
		if (pool->node >= 0 || pool->total == 0)
			continue;
		page = dkvm_format_kib(pool->size_kib);
		g_string_append_printf(text,
		                       "Hugepages of %s: %" G_GUINT64_FORMAT
		                       " reserved, %" G_GUINT64_FORMAT " free.\n",
		                       page, pool->total, pool->free);
	}
	if (wizard->spec->hugepages) {
		guint64 max_kib = dkvm_plan_hugepages_max_kib(host, settings);
		/* rounded down to what can be typed: "29 GiB" fits, a rounded-up
		 * "29.1 GiB" might not */
		guint64 unit = max_kib >= DKVM_PAGE_1G_KIB ? DKVM_PAGE_1G_KIB : 1024;
		g_autofree gchar *max = dkvm_format_kib(max_kib / unit * unit);
		g_string_append_printf(text, "In hugepages the VM can have up to about %s.\n", max);
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* The planners' verdict on @spec's memory: hugepages must fit (on the node
 * the vCPUs are pinned to, as the plan will put them). */
static gboolean
check_memory(const DkvmWizard *wizard, const DkvmSpec *spec, const DkvmHostSettings *settings,
             GError **error)
{
	g_autoptr(DkvmCpuPlan) cpu = NULL;
	g_autoptr(DkvmHugepagePlan) hugepages = NULL;

	if (!dkvm_spec_validate(spec, error))
		return FALSE;
	if (!spec->hugepages)
		return TRUE;
	/* the vCPU step judges the vCPUs; here they only place the memory */
	if (spec->pinning)
		cpu = dkvm_plan_cpu(wizard->host, spec, settings, -1, NULL);
	hugepages = dkvm_plan_hugepages(wizard->host, spec, settings, cpu, error);
	return hugepages != NULL;
}

static DkvmStepResult
memory_run(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Memory");
	g_autoptr(GError) settings_error = NULL;
	g_autoptr(DkvmHostSettings) settings = dkvm_wizard_get_settings(wizard, &settings_error);
	g_autofree gchar *host_text = NULL;
	g_autofree gchar *prompt = NULL;
	g_autofree gchar *value = size_for_input(wizard->spec->memory_kib);

	if (settings == NULL) {
		dkvm_wizard_refuse(wizard, "Memory", settings_error);
		return DKVM_STEP_BACK;
	}
	host_text = host_memory_text(wizard, settings);
	prompt = g_strdup_printf("%s\nThe VM's memory (16G, 512M; a bare number is MiB):",
	                         host_text);
	for (;;) {
		g_autofree gchar *typed = NULL;
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmSpec) changed = NULL;
		guint64 kib = 0;

		if (dkvm_menu_input(title, prompt, value, &typed) != DKVM_ANSWER_OK)
			return DKVM_STEP_BACK;
		changed = dkvm_spec_copy(wizard->spec);
		if (dkvm_parse_size_kib(typed, &kib, &error)) {
			changed->memory_kib = kib;
			if (check_memory(wizard, changed, settings, &error)) {
				wizard->spec->memory_kib = kib;
				return DKVM_STEP_NEXT;
			}
		}
		dkvm_wizard_refuse(wizard, "Memory", error);
		g_free(value);
		value = g_steal_pointer(&typed);
	}
}

static gchar *
memory_describe(const DkvmWizard *wizard)
{
	return dkvm_format_kib_column(wizard->spec->memory_kib);
}

const DkvmWizardStep dkvm_wizard_step_memory = {
	.name = "memory",
	.label = "Memory",
	.run = memory_run,
	.describe = memory_describe,
};
