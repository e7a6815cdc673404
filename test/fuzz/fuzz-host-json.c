/*
 * The `--host-json` loader: any bytes are refused with one line or give a
 * host whose JSON reads back to the same JSON; the planner runs on what the
 * loader accepted without crashing (a loaded host is what it plans on).
 */
#include "fuzz-common.h"
#include "host-facts.h"
#include "plan.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init_logging();
	return 0;
}

static void
plan_on(const DkvmHostFacts *host, DkvmPreset preset, guint vcpus)
{
	g_autoptr(DkvmSpec) spec = dkvm_spec_new("fuzz", preset);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPlan) plan = NULL;

	spec->vcpus = vcpus;
	plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
	if (plan == NULL)
		fuzz_check_refusal(error, "planning on the loaded host");
	else
		g_free(dkvm_plan_to_text(plan));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree gchar *text = fuzz_text(data, size);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmHostFacts) host = dkvm_host_facts_from_json(text, &error);
	g_autofree gchar *json = NULL;
	g_autofree gchar *json_again = NULL;
	g_autoptr(DkvmHostFacts) back = NULL;

	if (host == NULL) {
		fuzz_check_refusal(error, "loading host JSON");
		FUZZ_ASSERT(error->code == DKVM_ERROR_INVALID, "code %d: %s", error->code,
		            error->message);
		FUZZ_ASSERT(g_str_has_prefix(error->message, "host JSON: "), "%s", error->message);
		return 0;
	}
	/* what was accepted writes out and reads back to the same */
	json = dkvm_host_facts_to_json(host);
	back = dkvm_host_facts_from_json(json, &error);
	FUZZ_ASSERT(back != NULL, "written JSON refused: %s", error->message);
	json_again = dkvm_host_facts_to_json(back);
	FUZZ_ASSERT(g_strcmp0(json, json_again) == 0, "round trip differs");
	(void)dkvm_host_facts_count_cores(host);
	plan_on(host, DKVM_PRESET_LINUX, 2);
	plan_on(host, DKVM_PRESET_WINDOWS11, host->cpus->len);
	return 0;
}
