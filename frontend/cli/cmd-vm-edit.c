/*
 * dkvm vm edit NAME [VM options] [--print-xml]: change what is given and
 * nothing else. The spec is read back from the domain (DKVM's metadata plus
 * libvirt's elements), the options are applied onto it, a fresh plan is made
 * for this host, and the result is applied onto the domain's own XML, so
 * everything a person added with `virsh edit` stays. libvirt takes the new
 * definition whole or not at all: on any error the old one is untouched.
 */
#include <stdio.h>

#include "cmd-vm-common.h"
#include "cmd-vm-define.h"
#include "cmd.h"
#include "dkvm-error.h"
#include "domain-xml.h"
#include "spec-options.h"
#include "virt-domain-xml.h"
#include "virt-domain.h"

static gboolean cmd_vm_edit_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_edit = {
	.name = "vm edit",
	.args = "NAME [VM options] [--print-xml]",
	.summary = "Change a VM's settings; everything not given stays as it is",
	.run = cmd_vm_edit_run,
};

/*
 * A running VM holds its hugepages: planning it again must count them as its
 * own, or `vm edit` of a running 16 GiB VM would ask for 16 GiB more. Sets
 * *out to an adjusted copy of @host, or NULL when the VM uses no hugepages.
 */
static gboolean
own_pages_count_free(const gchar *xml, const DkvmHostFacts *host, DkvmHostFacts **out,
                     GError **error)
{
	g_autoptr(DkvmDomainXml) parsed = dkvm_domain_xml_parse(xml, error);
	g_autoptr(DkvmHostFacts) copy = NULL;

	if (parsed == NULL)
		return FALSE;
	*out = NULL;
	if (!parsed->hugepages)
		return TRUE;
	copy = dkvm_host_facts_copy(host);
	/* per host node: a VM with NUMA cells holds pages on each cell's node */
	for (guint i = 0; i < parsed->hugepage_needs->len; i++) {
		const DkvmHugepageNeed *need =
		        &g_array_index(parsed->hugepage_needs, DkvmHugepageNeed, i);
		dkvm_host_facts_give_back_hugepages(copy, parsed->hugepage_size_kib, need->node,
		                                    need->pages);
	}
	*out = g_steal_pointer(&copy);
	return TRUE;
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
	g_autofree GOptionEntry *entries = dkvm_spec_options_entries(opts, extra);
	g_autoptr(virDomain) dom = NULL;
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmSpec) before = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *old_xml = NULL;
	g_autofree gchar *new_xml = NULL;
	g_autofree gchar *numa_note = NULL;
	g_autoptr(DkvmHostFacts) running_host = NULL;
	const DkvmHostFacts *host;
	gint state = VIR_DOMAIN_NOSTATE;

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
	dom = dkvm_cmd_vm_lookup(app, argv[1], error);
	if (dom == NULL)
		return FALSE;
	old_xml = dkvm_virt_domain_get_xml(dom, error);
	if (old_xml == NULL)
		return FALSE;
	spec = dkvm_domain_read_spec(old_xml, error);
	if (spec == NULL) {
		g_prefix_error(error, "vm edit: reading '%s': ", argv[1]);
		return FALSE;
	}
	before = dkvm_spec_copy(spec);
	if (!dkvm_spec_options_apply(opts, spec, error))
		return FALSE;
	if (!dkvm_spec_validate(spec, error))
		return FALSE;
	host = dkvm_spec_options_get_host(opts, app, error);
	if (host == NULL)
		return FALSE;
	if (!dkvm_virt_domain_get_state(dom, &state, error))
		return FALSE;
	if (state != VIR_DOMAIN_SHUTOFF) {
		if (!own_pages_count_free(old_xml, host, &running_host, error))
			return FALSE;
		if (running_host != NULL)
			host = running_host;
	}
	plan = dkvm_spec_options_plan_on(opts, app, host, spec, error);
	if (plan == NULL)
		return FALSE;
	/* only the areas the edit changes: a hand-made CPU model or Hyper-V set
	 * stays when the person changes the memory */
	new_xml = dkvm_domain_apply_xml_areas(old_xml, spec, plan, host,
	                                      dkvm_spec_diff_areas(before, spec), error);
	if (new_xml == NULL)
		return FALSE;
	numa_note = dkvm_domain_numa_note(old_xml, new_xml);
	if (numa_note != NULL)
		g_printerr("note: %s\n", numa_note);
	if (!dkvm_cmd_vm_define_or_print(app, spec->name, new_xml, plan, print_xml, "changed",
	                                 error))
		return FALSE;
	if (!print_xml && state != VIR_DOMAIN_SHUTOFF)
		g_print("The VM is running: the changes apply at its next start.\n");
	return TRUE;
}
