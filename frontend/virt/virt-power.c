/*
 * The order of a start matters: pages are taken before the device check and
 * the start so that a start that fails for any reason gives back exactly what
 * it took, and a VM whose pages cannot be found never starts half-backed by
 * normal memory (QEMU would refuse anyway, with a less useful message).
 */
#include "virt-power.h"
#include "host-path.h"

#include "dkvm-error.h"
#include "hugepage-pool.h"
#include "virt-domain-xml.h"

gboolean
dkvm_virt_check_hostdevs(virDomainPtr dom, const DkvmHostFacts *host, const gchar *sysfs_pci,
                         GError **error)
{
	g_autofree gchar *xml = dkvm_virt_domain_get_xml(dom, error);
	g_autoptr(DkvmDomainXml) parsed = NULL;
	const gchar *name = virDomainGetName(dom);
	g_autofree gchar *default_pci = dkvm_host_path("sys/bus/pci/devices");

	if (xml == NULL)
		return FALSE;
	parsed = dkvm_domain_xml_parse(xml, error);
	if (parsed == NULL) {
		g_prefix_error(error, "VM '%s': ", name);
		return FALSE;
	}
	if (sysfs_pci == NULL)
		sysfs_pci = default_pci;
	for (guint i = 0; i < parsed->pci_hostdevs->len; i++) {
		const gchar *address = g_ptr_array_index(parsed->pci_hostdevs, i);
		g_autofree gchar *path = g_build_filename(sysfs_pci, address, NULL);
		const DkvmPciDevice *dev = NULL;

		if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
			            "cannot start VM '%s': PCI device %s is not in this host\n"
			            "hint: remove it from the VM (dkvm vm edit) or check the card "
			            "is seated",
			            name, address);
			return FALSE;
		}
		if (host != NULL)
			dev = dkvm_host_facts_get_pci(host, address);
		if (dev != NULL && dev->host_needed) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
			            "cannot start VM '%s': the host needs PCI device %s (%s)", name,
			            address,
			            dev->host_needed_reason != NULL ? dev->host_needed_reason
			                                            : "in use by the host");
			return FALSE;
		}
	}
	return TRUE;
}

gboolean
dkvm_virt_domain_has_pci_hostdevs(virDomainPtr dom, gboolean *out_has, GError **error)
{
	g_autofree gchar *xml = dkvm_virt_domain_get_xml(dom, error);
	g_autoptr(DkvmDomainXml) parsed = NULL;

	if (xml == NULL)
		return FALSE;
	parsed = dkvm_domain_xml_parse(xml, error);
	if (parsed == NULL) {
		g_prefix_error(error, "VM '%s': ", virDomainGetName(dom));
		return FALSE;
	}
	*out_has = parsed->pci_hostdevs->len > 0;
	return TRUE;
}

/* Adds a second failure to @error's message, keeping the first reason first. */
static void
append_reason(GError *error, const gchar *what, const GError *second)
{
	g_autofree gchar *first = error->message;

	error->message = g_strdup_printf("%s\n(and %s: %s)", first, what, second->message);
}

/* After a failed start: gives back what was grown for @name. If that fails
 * too, @error (the start's failure) says so; the first reason stays first. */
static void
release_after_failure(const gchar *name, GError **error)
{
	g_autoptr(GError) release_error = NULL;

	if (dkvm_hugepage_pool_release_recorded(name, &release_error) || error == NULL ||
	    *error == NULL)
		return;
	append_reason(*error, "its hugepages could not be given back", release_error);
}

gboolean
dkvm_virt_start_vm(virDomainPtr dom, const DkvmHostFacts *host, GError **error)
{
	const gchar *name = virDomainGetName(dom);
	g_autofree gchar *xml = NULL;
	g_autoptr(DkvmDomainXml) parsed = NULL;
	guint64 pages = 0;
	gint state = VIR_DOMAIN_NOSTATE;

	if (!dkvm_virt_domain_get_state(dom, &state, error))
		return FALSE;
	if (state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "cannot start VM '%s': it is already %s", name,
		            state == VIR_DOMAIN_PAUSED ? "running (paused)" : "running");
		return FALSE;
	}
	xml = dkvm_virt_domain_get_xml(dom, error);
	if (xml == NULL)
		return FALSE;
	parsed = dkvm_domain_xml_parse(xml, error);
	if (parsed == NULL) {
		g_prefix_error(error, "VM '%s': ", name);
		return FALSE;
	}
	/* the device check first: it changes nothing */
	if (!dkvm_virt_check_hostdevs(dom, host, NULL, error))
		return FALSE;

	pages = dkvm_domain_xml_hugepages_needed(parsed);
	if (pages > 0) {
		/* pages recorded by an earlier run that ended without `vm stop`
		 * (guest powered itself off) are given back before taking new ones */
		if (!dkvm_hugepage_pool_release_recorded(name, error)) {
			g_prefix_error(error, "VM '%s': ", name);
			return FALSE;
		}
		/* one pool per host node the guest's NUMA cells are bound to (or the
		 * one node, or the global pool); each growth recorded at once, so a
		 * later node's failure gives back the earlier nodes' pages */
		for (guint i = 0; i < parsed->hugepage_needs->len; i++) {
			const DkvmHugepageNeed *need =
			        &g_array_index(parsed->hugepage_needs, DkvmHugepageNeed, i);
			guint64 added = 0;

			if (!dkvm_hugepage_pool_ensure(parsed->hugepage_size_kib, need->node,
			                               need->pages, &added, error)) {
				g_prefix_error(error, "cannot start VM '%s': ", name);
				release_after_failure(name, error);
				return FALSE;
			}
			if (added > 0 && !dkvm_hugepage_pool_record(name, parsed->hugepage_size_kib,
			                                            need->node, added, error)) {
				g_autoptr(GError) release_error = NULL;
				g_prefix_error(error, "cannot start VM '%s': ", name);
				if (!dkvm_hugepage_pool_release(parsed->hugepage_size_kib,
				                                need->node, added, &release_error))
					append_reason(*error,
					              "the grown hugepages could not be given back",
					              release_error);
				release_after_failure(name, error);
				return FALSE;
			}
		}
	}
	if (!dkvm_virt_domain_start(dom, error)) {
		if (pages > 0)
			release_after_failure(name, error);
		return FALSE;
	}
	return TRUE;
}

gboolean
dkvm_virt_stop_vm(virDomainPtr dom, guint timeout_s, gboolean force, DkvmVirtProgressFunc progress,
                  gpointer user_data, gboolean *out_timed_out, GError **error)
{
	g_autoptr(GError) local_error = NULL;
	gboolean timed_out = FALSE;

	if (out_timed_out != NULL)
		*out_timed_out = FALSE;
	if (!dkvm_virt_domain_shutdown(dom, timeout_s, progress, user_data, &timed_out,
	                               &local_error)) {
		if (!timed_out || !force) {
			if (out_timed_out != NULL)
				*out_timed_out = timed_out;
			g_propagate_error(error, g_steal_pointer(&local_error));
			return FALSE;
		}
		if (out_timed_out != NULL)
			*out_timed_out = TRUE;
		if (!dkvm_virt_domain_destroy(dom, error))
			return FALSE;
	}
	if (!dkvm_hugepage_pool_release_recorded(virDomainGetName(dom), error)) {
		g_prefix_error(error, "VM '%s' is off, but ", virDomainGetName(dom));
		return FALSE;
	}
	return TRUE;
}

gboolean
dkvm_virt_kill_vm(virDomainPtr dom, GError **error)
{
	if (!dkvm_virt_domain_destroy(dom, error))
		return FALSE;
	if (!dkvm_hugepage_pool_release_recorded(virDomainGetName(dom), error)) {
		g_prefix_error(error, "VM '%s' is off, but ", virDomainGetName(dom));
		return FALSE;
	}
	return TRUE;
}
