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
#include "domain-xml.h"
#include "virt-domain.h"
#include "spec-options.h"

static gboolean cmd_vm_create_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_create = {
	.name = "vm create",
	.args = "NAME [VM options] [--print-xml]",
	.summary = "Create a VM from a preset, tuned for this host",
	.run = cmd_vm_create_run,
};

/* DKVM_ERROR_INVALID when a VM of that name exists; connection errors pass up. */
static gboolean
refuse_existing(DkvmApp *app, const gchar *name, GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);
	g_autoptr(virDomain) dom = NULL;

	if (conn == NULL)
		return FALSE;
	dom = virDomainLookupByName(conn, name);
	if (dom != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "vm create: a VM named '%s' already exists\n"
		            "hint: change it with `dkvm vm edit %s ...`",
		            name, name);
		return FALSE;
	}
	return TRUE;
}

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
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *xml = NULL;
	const DkvmHostFacts *host;
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
	if (!print_xml && !refuse_existing(app, spec->name, error))
		return FALSE;
	host = dkvm_spec_options_get_host(opts, app, error);
	if (host == NULL)
		return FALSE;
	plan = dkvm_spec_options_plan(opts, app, spec, error);
	if (plan == NULL)
		return FALSE;
	xml = dkvm_domain_create_xml(spec, plan, host, error);
	if (xml == NULL)
		return FALSE;
	return dkvm_cmd_vm_define_or_print(app, spec->name, xml, plan, print_xml, "created", error);
}
