/*
 * The reader of the original DKVM's data partition (domains/legacy-dkvm.c):
 * the input is read as a VM's vm_config and as each global file, and as the
 * one folder of a partition built on the demo host. Refusals are one line;
 * a sanitised name is a name DKVM accepts.
 */
/* reaches code the harden-input branch fixes (fuzz-common.h) */
#define FUZZ_HARDEN_INPUT_PENDING 1

#include "fuzz-common.h"
#include "host-facts.h"
#include "host-settings.h"
#include "legacy-dkvm.h"
#include "spec.h"

static DkvmHostFacts *demo_host;
static DkvmHostSettings *default_settings;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	g_autofree gchar *path =
	        g_build_filename(DKVM_FUZZ_TEST_DATA, "hosts-json", "demo.json", NULL);
	g_autofree gchar *json = NULL;
	g_autoptr(GError) error = NULL;

	fuzz_init_logging();
	default_settings = dkvm_host_settings_new();
	if (!g_file_get_contents(path, &json, NULL, &error) ||
	    (demo_host = dkvm_host_facts_from_json(json, &error)) == NULL)
		g_error("fuzz-legacy: %s", error->message);
	return 0;
}

static void
fuzz_globals(const gchar *text, guint which)
{
	DkvmLegacyGlobalFiles files = { 0 };
	const gchar **slots[] = { &files.pci_devices, &files.usb_devices, &files.cpu_options,
		                  &files.cpu_topology, &files.start_stop_script };
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmLegacyGlobals) globals = NULL;

	*slots[which % G_N_ELEMENTS(slots)] = text;
	globals = dkvm_legacy_globals_parse(&files, &error);
	if (globals == NULL)
		fuzz_check_refusal(error, "legacy global file");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree gchar *text = fuzz_text(data, size);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmLegacyVmConfig) config =
	        dkvm_legacy_vm_config_parse((const gchar *)data, size, &error);
	g_autofree gchar *name = dkvm_legacy_sanitize_name(text);
	g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(DkvmLegacyGlobals) globals = NULL;
	g_autoptr(DkvmLegacyBuild) build = NULL;
	DkvmLegacyBuildOptions options = { demo_host, default_settings, 0 };
	DkvmLegacyGlobalFiles no_files = { 0 };
	DkvmLegacyFolder *folder = g_new0(DkvmLegacyFolder, 1);

	if (config == NULL)
		fuzz_check_refusal(error, "vm_config");
	g_clear_error(&error);
	if (name != NULL)
		FUZZ_ASSERT(dkvm_spec_validate_name(name, &error),
		            "sanitised name '%s' refused: %s", name, error->message);
	for (guint i = 0; i < 5; i++)
		fuzz_globals(text, i);

	/* the input as folder 0 of a partition without global files */
	globals = dkvm_legacy_globals_parse(&no_files, &error);
	FUZZ_ASSERT(globals != NULL, "no global files refused");
	folder->folder = "0";
	folder->vm_config = (const gchar *)data;
	folder->vm_config_len = size;
	g_ptr_array_add(folders, folder);
	build = dkvm_legacy_build(folders, globals, &options);
	FUZZ_ASSERT(build != NULL && build->vms->len == 1, "no VM for the one folder");
	for (guint i = 0; i < build->vms->len; i++) {
		const DkvmLegacyVm *vm = g_ptr_array_index(build->vms, i);
		if (vm->spec == NULL) {
			fuzz_check_refusal(vm->error, "legacy VM");
			continue;
		}
		FUZZ_ASSERT(dkvm_spec_validate(vm->spec, &error), "imported spec invalid: %s",
		            error->message);
	}
	return 0;
}
