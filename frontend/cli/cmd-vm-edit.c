/*
 * dkvm vm edit NAME [VM options] [--print-xml]: change what is given and
 * nothing else. The spec is read back from the domain (DKVM's metadata plus
 * libvirt's elements), the options are applied onto it, a fresh plan is made
 * for this host, and the result is applied onto the domain's own XML, so
 * everything a person added with `virsh edit` stays. libvirt takes the new
 * definition whole or not at all: on any error the old one is untouched.
 */
#include "cmd-vm-common.h"
#include "cmd-vm-define.h"
#include "cmd.h"
#include "dkvm-error.h"
#include "spec-options.h"
#include "vm-define.h"

static gboolean cmd_vm_edit_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_edit = {
	.name = "vm edit",
	.args = "NAME [VM options] [--print-xml]",
	.summary = "Change a VM's settings; everything not given stays as it is",
	.run = cmd_vm_edit_run,
};

/* The edit's change: the options given, applied onto the spec read back. */
static gboolean
apply_options(DkvmSpec *spec, gpointer user_data, GError **error)
{
	return dkvm_spec_options_apply(user_data, spec, error);
}

static gboolean
cmd_vm_edit_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean print_xml = FALSE;
	const GOptionEntry extra[] = {
		{ "print-xml", 0, 0, G_OPTION_ARG_NONE, &print_xml,
		  "Print the changed domain XML and change nothing", NULL },
		{ NULL },
	};
	g_autoptr(DkvmSpecOptions) opts = dkvm_spec_options_new();
	g_autofree GOptionEntry *entries = dkvm_spec_options_edit_entries(opts, extra);
	g_autoptr(DkvmVmBuild) build = NULL;
	DkvmVmDefineOptions define = { 0 };

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_edit, entries, &argc, &argv, error))
		return FALSE;
	if (!dkvm_cmd_expect_args(&dkvm_cmd_vm_edit, argc, 1, error))
		return FALSE;
	if (opts->preset != NULL) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "vm edit: --preset only applies to vm create\n"
		                    "hint: create a new VM with the other preset");
		return FALSE;
	}
	if (opts->host_json != NULL) {
		define.host = dkvm_spec_options_get_host(opts, app, error);
		if (define.host == NULL)
			return FALSE;
	}
	define.hypervisor = dkvm_spec_options_hypervisor(opts);
	define.dry_run = print_xml;
	/* only the areas the options change: a hand-made CPU model or Hyper-V
	 * set stays when the person changes the memory */
	build = dkvm_vm_edit(app, argv[1], apply_options, opts, &define, error);
	if (build == NULL) {
		if (g_str_has_prefix((*error)->message, "reading VM '"))
			g_prefix_error(error, "vm edit: ");
		return FALSE;
	}
	if (build->numa_note != NULL)
		g_printerr("note: %s\n", build->numa_note);
	if (!print_xml && build->running) {
		if (!dkvm_cmd_vm_print_build(build, print_xml, "changed", error))
			return FALSE;
		g_print("The VM is running: the changes apply at its next start.\n");
		return TRUE;
	}
	return dkvm_cmd_vm_print_build(build, print_xml, "changed", error);
}
