/*
 * Create and edit (see vm-define.h): the common tail defines the XML after
 * checking the files it names, then persists.
 */
#include "vm-define.h"

#include "dkvm-error.h"
#include "vm-common.h"
#include "domain-xml-read.h"
#include "virt-domain.h"
#include "virt-preflight.h"

void
dkvm_vm_build_free(DkvmVmBuild *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_clear_pointer(&self->plan, dkvm_plan_free);
	g_free(self->xml);
	g_free(self->numa_note);
	g_clear_error(&self->not_saved);
	g_free(self);
}

/* NULL options: this machine, libvirt's hypervisor, defined for real */
static const DkvmVmDefineOptions defaults = { NULL, DKVM_VM_HYPERVISOR_REQUIRED, FALSE, NULL };

static const DkvmHostFacts *
host_of(DkvmApp *app, const DkvmVmDefineOptions *options, GError **error)
{
	if (options->host != NULL)
		return options->host;
	return dkvm_app_get_host(app, error);
}

/* Defines @build->xml after checking its files, then persists. */
static gboolean
define(DkvmApp *app, DkvmVmBuild *build, const gchar *verb, GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);
	g_autoptr(virDomain) dom = NULL;

	if (conn == NULL)
		return FALSE;
	if (!dkvm_virt_preflight_local_files(conn, build->xml, error)) {
		g_prefix_error(error, "VM '%s' not %s: ", build->name, verb);
		return FALSE;
	}
	dom = dkvm_virt_domain_define(conn, build->xml, error);
	if (dom == NULL)
		return FALSE;
	build->defined = TRUE;
	dkvm_vm_persist(app, &build->not_saved);
	return TRUE;
}

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
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "a VM named '%s' already exists",
		            name);
		return FALSE;
	}
	return TRUE;
}

DkvmVmBuild *
dkvm_vm_create(DkvmApp *app, const DkvmSpec *spec, const DkvmVmDefineOptions *options,
               GError **error)
{
	g_autoptr(DkvmVmBuild) build = g_new0(DkvmVmBuild, 1);
	const DkvmHostFacts *host;

	if (options == NULL)
		options = &defaults;
	if (!dkvm_spec_validate(spec, error))
		return NULL;
	if (!options->dry_run && !refuse_existing(app, spec->name, error))
		return NULL;
	host = host_of(app, options, error);
	if (host == NULL)
		return NULL;
	build->name = g_strdup(spec->name);
	build->plan = dkvm_vm_plan_with_reserve(app, host, spec, options->hypervisor,
	                                        options->host_reserve, error);
	if (build->plan == NULL)
		return NULL;
	build->xml = dkvm_domain_create_xml(spec, build->plan, host, error);
	if (build->xml == NULL)
		return NULL;
	if (!options->dry_run && !define(app, build, "created", error))
		return NULL;
	return g_steal_pointer(&build);
}

/*
 * A running VM holds its hugepages: planning it again must count them as its
 * own, or an edit of a running 16 GiB VM would ask for 16 GiB more. Sets
 * *out to an adjusted copy of @host, or NULL when the VM uses no hugepages.
 */
static gboolean
own_pages_count_free(const gchar *xml, const DkvmHostFacts *host, DkvmHostFacts **out,
                     GError **error)
{
	g_autoptr(DkvmDomainXml) parsed = dkvm_domain_xml_parse(xml, error);
	g_autoptr(DkvmHostFacts) copy = NULL;

	*out = NULL;
	if (parsed == NULL)
		return FALSE;
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

/* The host an edit of @dom (its XML @xml) plans on, a copy; *out_running
 * says whether the VM runs. */
static DkvmHostFacts *
edit_host(DkvmApp *app, virDomainPtr dom, const gchar *xml, const DkvmVmDefineOptions *options,
          gboolean *out_running, GError **error)
{
	const DkvmHostFacts *host = host_of(app, options, error);
	DkvmHostFacts *running_host = NULL;
	gint state = VIR_DOMAIN_NOSTATE;

	if (host == NULL)
		return NULL;
	if (!dkvm_virt_domain_get_state(dom, &state, error))
		return NULL;
	*out_running = state != VIR_DOMAIN_SHUTOFF;
	if (*out_running) {
		if (!own_pages_count_free(xml, host, &running_host, error))
			return NULL;
		if (running_host != NULL)
			return running_host;
	}
	return dkvm_host_facts_copy(host);
}

DkvmHostFacts *
dkvm_vm_edit_get_host(DkvmApp *app, const gchar *name, const DkvmVmDefineOptions *options,
                      GError **error)
{
	g_autoptr(virDomain) dom = NULL;
	g_autofree gchar *xml = NULL;
	gboolean running = FALSE;

	if (options == NULL)
		options = &defaults;
	dom = dkvm_vm_lookup(app, name, error);
	if (dom == NULL)
		return NULL;
	xml = dkvm_virt_domain_get_xml(dom, error);
	if (xml == NULL)
		return NULL;
	return edit_host(app, dom, xml, options, &running, error);
}

DkvmVmBuild *
dkvm_vm_edit(DkvmApp *app, const gchar *name, DkvmVmSpecChange change, gpointer change_data,
             const DkvmVmDefineOptions *options, GError **error)
{
	g_autoptr(DkvmVmBuild) build = g_new0(DkvmVmBuild, 1);
	g_autoptr(virDomain) dom = NULL;
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmSpec) before = NULL;
	g_autofree gchar *old_xml = NULL;
	g_autoptr(DkvmHostFacts) host = NULL;

	if (options == NULL)
		options = &defaults;
	dom = dkvm_vm_lookup(app, name, error);
	if (dom == NULL)
		return NULL;
	old_xml = dkvm_virt_domain_get_xml(dom, error);
	if (old_xml == NULL)
		return NULL;
	spec = dkvm_domain_read_spec(old_xml, error);
	if (spec == NULL) {
		g_prefix_error(error, "reading VM '%s': ", name);
		return NULL;
	}
	before = dkvm_spec_copy(spec);
	if (change != NULL && !change(spec, change_data, error))
		return NULL;
	if (!dkvm_spec_validate(spec, error))
		return NULL;
	host = edit_host(app, dom, old_xml, options, &build->running, error);
	if (host == NULL)
		return NULL;
	build->name = g_strdup(spec->name);
	build->plan = dkvm_vm_plan(app, host, spec, options->hypervisor, error);
	if (build->plan == NULL)
		return NULL;
	/* only the areas the change touched: a hand-made CPU model or Hyper-V
	 * set stays when the person changes the memory */
	build->xml = dkvm_domain_apply_xml_areas(old_xml, spec, build->plan, host,
	                                         dkvm_spec_diff_areas(before, spec), error);
	if (build->xml == NULL)
		return NULL;
	build->numa_note = dkvm_domain_numa_note(old_xml, build->xml);
	if (!options->dry_run && !define(app, build, "changed", error))
		return NULL;
	return g_steal_pointer(&build);
}
