/*
 * dkvm plan [VM options] [--json]: the CPU pinning, hugepage and
 * passthrough plan DKVM would use for a request, in words or as JSON,
 * without creating anything. With --host-json it plans against a saved
 * `dkvm host --json` (scripts, what-if, bug reports) and never loads
 * libvirt; without it, libvirt's domain capabilities decide the domain
 * type, CPU mode, Hyper-V set, firmware and TPM (the libvirt module is
 * loaded for that).
 */
#include <stdio.h>

#include "cmd.h"
#include "spec-options.h"

static gboolean cmd_plan_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_plan = {
	.name = "plan",
	.args = "[VM options] [--json]",
	.summary = "Show how DKVM would pin, back and pass through a VM on this host",
	.run = cmd_plan_run,
};

static gboolean
cmd_plan_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean json = FALSE;
	const GOptionEntry extra[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
		{ NULL },
	};
	g_autoptr(DkvmSpecOptions) opts = dkvm_spec_options_new();
	g_autofree GOptionEntry *entries = dkvm_spec_options_entries(opts, extra);
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *out = NULL;
	DkvmPreset preset;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_plan, entries, &argc, &argv, error))
		return FALSE;
	if (!dkvm_cmd_expect_args(&dkvm_cmd_plan, argc, 0, error))
		return FALSE;
	if (!dkvm_spec_options_get_preset(opts, &preset, error))
		return FALSE;
	spec = dkvm_spec_new("plan", preset);
	if (!dkvm_spec_options_apply(opts, spec, error))
		return FALSE;
	/* without libvirt (no daemon, no module) `dkvm plan` still plans, from
	 * the host's facts, and says so */
	opts->hypervisor_optional = TRUE;
	plan = dkvm_spec_options_plan(opts, app, spec, error);
	if (plan == NULL)
		return FALSE;
	out = json ? dkvm_plan_to_json(plan) : dkvm_plan_to_text(plan);
	fputs(out, stdout);
	if (!g_str_has_suffix(out, "\n"))
		fputc('\n', stdout);
	return TRUE;
}
