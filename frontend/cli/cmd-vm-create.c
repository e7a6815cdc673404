/*
 * dkvm vm create NAME [VM options] [--print-xml]: a new VM from a preset,
 * tuned for this host. With --print-xml the domain XML goes to stdout and
 * the plan (with its warnings) to stderr, like `virt-install --print-xml`,
 * so `dkvm vm create ... --print-xml > vm.xml` gives a clean file.
 *
 * Without --print-xml the domain is defined through libvirt with validation
 * and the change persisted. A name that is taken is refused before anything
 * is planned: create never replaces an existing VM (that is `vm edit`).
 */
#include <stdio.h>

#include "cmd.h"
#include "dkvm-error.h"
#include "cmd-vm-define.h"
#include "vm-define.h"
#include "spec-options.h"

static gboolean cmd_vm_create_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_create = {
	.name = "vm create",
	.args = "NAME [VM options] [--print-xml]",
	.summary = "Create a VM from a preset, tuned for this host",
	.run = cmd_vm_create_run,
};

static gboolean
cmd_vm_create_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean print_xml = FALSE;
	const GOptionEntry extra[] = {
		{ "print-xml", 0, 0, G_OPTION_ARG_NONE, &print_xml,
		  "Print the domain XML and change nothing", NULL },
		{ NULL },
	};
	g_autoptr(DkvmSpecOptions) opts = dkvm_spec_options_new();
	g_autofree GOptionEntry *entries = dkvm_spec_options_entries(opts, extra);
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmVmBuild) build = NULL;
	DkvmVmDefineOptions define = { 0 };
	DkvmPreset preset;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_create, entries, &argc, &argv, error))
		return FALSE;
	if (!dkvm_cmd_expect_args(&dkvm_cmd_vm_create, argc, 1, error))
		return FALSE;
	if (!dkvm_spec_options_get_preset(opts, &preset, error))
		return FALSE;
	spec = dkvm_spec_new(argv[1], preset);
	if (!dkvm_spec_options_apply(opts, spec, error))
		return FALSE;
	if (!dkvm_spec_validate(spec, error))
		return FALSE;
	if (opts->host_json != NULL) {
		define.host = dkvm_spec_options_get_host(opts, app, error);
		if (define.host == NULL)
			return FALSE;
	}
	define.hypervisor = dkvm_spec_options_hypervisor(opts);
	define.dry_run = print_xml;
	build = dkvm_vm_create(app, spec, &define, error);
	if (build == NULL) {
		/* the library's words for a taken name (vm-define.h); the way out
		 * is a command, so the CLI names it */
		if (g_error_matches(*error, DKVM_ERROR, DKVM_ERROR_INVALID) &&
		    g_str_has_prefix((*error)->message, "a VM named '")) {
			g_autofree gchar *why = g_strdup((*error)->message);
			g_clear_error(error);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "vm create: %s\nhint: change it with `dkvm vm edit %s ...`",
			            why, spec->name);
		}
		return FALSE;
	}
	return dkvm_cmd_vm_print_build(build, print_xml, "created", error);
}
