/*
 * The order of a start matters: first the checks that change nothing (PCI
 * devices, a hugetlbfs mount for the page size, the files, the networks), so
 * a VM that cannot start never grows the pool; then the pages, taken before
 * the start so that a start that fails for any reason gives back exactly what
 * it took, and a VM whose pages cannot be found never starts half-backed by
 * normal memory; then the start, and a short watch that QEMU really runs it.
 */
#include "virt-power.h"
#include "host-path.h"

#include "dkvm-error.h"
#include "hugepage-pool.h"
#include "pci-config.h"
#include "pci-d3cold.h"
#include "domain-xml-read.h"
#include "virt-qemu-log.h"

gboolean
dkvm_virt_check_domain_hostdevs(virDomainPtr dom, const DkvmDomainXml *parsed,
                                const DkvmHostFacts *host, const gchar *sysfs_pci, GError **error)
{
	const gchar *name = virDomainGetName(dom);
	g_autofree gchar *default_pci = NULL;

	if (sysfs_pci == NULL)
		sysfs_pci = default_pci = dkvm_host_path("sys/bus/pci/devices");
	for (guint i = 0; i < parsed->pci_hostdevs->len; i++) {
		const gchar *address = g_ptr_array_index(parsed->pci_hostdevs, i);
		g_autofree gchar *path = g_build_filename(sysfs_pci, address, NULL);
		const DkvmPciDevice *dev = NULL;

		if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
			            "cannot start VM '%s': PCI device %s is not in this host", name,
			            address);
			return FALSE;
		}
		if (host != NULL)
			dev = dkvm_host_facts_get_pci(host, address);
		if (dkvm_pci_config_stuck(path)) {
			g_set_error(
			        error, DKVM_ERROR, DKVM_ERROR_REFUSED,
			        "cannot start VM '%s': PCI device %s%s%s%s does not answer (its "
			        "config space reads all ones): the card is stuck after a failed "
			        "reset\nhint: reboot the host; cards with the AMD reset bug need "
			        "the vendor-reset module to come back without one",
			        name, address, dev != NULL && dev->device_name != NULL ? " (" : "",
			        dev != NULL && dev->device_name != NULL ? dev->device_name : "",
			        dev != NULL && dev->device_name != NULL ? ")" : "");
			return FALSE;
		}
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

DkvmDomainXml *
dkvm_virt_domain_read(virDomainPtr dom, GError **error)
{
	g_autofree gchar *xml = dkvm_virt_domain_get_xml(dom, error);
	DkvmDomainXml *parsed;

	if (xml == NULL)
		return NULL;
	parsed = dkvm_domain_xml_parse(xml, error);
	if (parsed == NULL)
		g_prefix_error(error, "VM '%s': ", virDomainGetName(dom));
	return parsed;
}

gboolean
dkvm_virt_check_hostdevs(virDomainPtr dom, const DkvmHostFacts *host, const gchar *sysfs_pci,
                         GError **error)
{
	g_autoptr(DkvmDomainXml) parsed = dkvm_virt_domain_read(dom, error);

	return parsed != NULL &&
	       dkvm_virt_check_domain_hostdevs(dom, parsed, host, sysfs_pci, error);
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

/*
 * After a failed start: gives the VM's recorded pages back when libvirt says
 * it is off. When libvirt cannot say (libvirtd died during the start), its
 * QEMU may run: the pages stay recorded for the VM, and its next stop or
 * start gives back whatever it does not use, rather than taking memory from
 * a guest that runs.
 */
static void
release_unless_maybe_running(virDomainPtr dom, GError **error)
{
	gint state = VIR_DOMAIN_NOSTATE;

	if (virDomainGetState(dom, &state, NULL, 0) == 0 &&
	    (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED)) {
		release_after_failure(virDomainGetName(dom), error);
		return;
	}
	if (error != NULL && *error != NULL) {
		g_autofree gchar *message = g_strdup_printf(
		        "%s\nhint: its hugepages stay reserved for it; `dkvm vm stop %s` gives "
		        "them back if it is not running",
		        (*error)->message, virDomainGetName(dom));
		g_free((*error)->message);
		(*error)->message = g_steal_pointer(&message);
	}
}

/* How long a started QEMU guest is watched: KVM's "emulation failure" pauses
 * it within some 20 ms of the start (measured); a start that is fine costs
 * this much more than the bare virDomainCreate. */
#define START_WATCH_MS 500
#define START_POLL_MS  20

/* Pauses nobody asked for: QEMU stopped the guest (KVM internal error gives
 * VIR_DOMAIN_PAUSED_UNKNOWN, measured), an I/O error, a panic, a watchdog. */
static gboolean
is_failure_pause(gint reason)
{
	switch (reason) {
	case VIR_DOMAIN_PAUSED_UNKNOWN:
	case VIR_DOMAIN_PAUSED_IOERROR:
	case VIR_DOMAIN_PAUSED_WATCHDOG:
	case VIR_DOMAIN_PAUSED_CRASHED:
		return TRUE;
	default:
		return FALSE;
	}
}

static const gchar *
shutoff_reason_words(gint reason)
{
	switch (reason) {
	case VIR_DOMAIN_SHUTOFF_CRASHED:
		return "QEMU crashed at once";
	case VIR_DOMAIN_SHUTOFF_FAILED:
		return "QEMU failed at once";
	case VIR_DOMAIN_SHUTOFF_SHUTDOWN:
		return "the guest powered off at once";
	case VIR_DOMAIN_SHUTOFF_DESTROYED:
		return "it was powered off at once by someone else";
	default:
		return "QEMU stopped at once";
	}
}

/* QEMU's own words for what went wrong, from its log on this host. */
static gchar *
qemu_log_reason(virDomainPtr dom, gchar **out_log)
{
	g_autofree gchar *path =
	        dkvm_qemu_log_path(virDomainGetConnect(dom), virDomainGetName(dom));
	g_autofree gchar *text = NULL;

	*out_log = NULL;
	if (path == NULL)
		return NULL;
	*out_log = g_strdup(path);
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return dkvm_qemu_log_last_error(text);
}

/*
 * After virDomainCreate: libvirt reports success as soon as QEMU runs the
 * guest's first instruction, yet QEMU may pause it a moment later (KVM
 * internal error) or exit. Watch the state briefly; on such a failure the
 * guest is powered off (it stays defined) and the error quotes QEMU's log.
 * Only QEMU's driver has these failures (libvirt's test driver has none).
 * A short poll, not lifecycle events (which the stop wait uses): a start that
 * is fine must be watched for the whole window either way, so events would
 * not make it shorter; a failure shows within 20 ms of the start (measured),
 * one poll step; and a poll needs no event registration made before
 * virDomainCreate, which would add a round trip to every start.
 */
static gboolean
watch_start(virDomainPtr dom, GError **error)
{
	const gchar *name = virDomainGetName(dom);
	const char *type = virConnectGetType(virDomainGetConnect(dom));
	const gint64 deadline = g_get_monotonic_time() + START_WATCH_MS * G_TIME_SPAN_MILLISECOND;
	const gchar *what = NULL;
	g_autofree gchar *log = NULL;
	g_autofree gchar *reason = NULL;
	g_autoptr(GError) destroy_error = NULL;

	if (g_strcmp0(type, "QEMU") != 0)
		return TRUE;
	for (;;) {
		int state = VIR_DOMAIN_NOSTATE;
		int why = 0;

		if (virDomainGetState(dom, &state, &why, 0) < 0) {
			g_autoptr(virError) err = dkvm_virt_save_error();
			g_autofree gchar *msg = g_strdup_printf(
			        "VM '%s' started, but its state cannot be read", name);
			dkvm_virt_set_saved_error(error, DKVM_ERROR_LIBVIRT, err, msg);
			return FALSE;
		}
		if (state == VIR_DOMAIN_PAUSED && is_failure_pause(why)) {
			what = "QEMU paused it at once";
			break;
		}
		if (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED) {
			what = shutoff_reason_words(why);
			break;
		}
		if (g_get_monotonic_time() >= deadline)
			return TRUE;
		g_usleep(START_POLL_MS * G_TIME_SPAN_MILLISECOND);
	}
	/* off first: QEMU's last words reach the log before it exits */
	dkvm_virt_domain_destroy(dom, &destroy_error);
	reason = qemu_log_reason(dom, &log);
	if (log == NULL)
		/* a remote host or another driver: its log is not ours to read */
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_LIBVIRT,
		            "cannot start VM '%s': %s (QEMU's log is on the VM's host)", name,
		            what);
	else
		g_set_error(
		        error, DKVM_ERROR, DKVM_ERROR_LIBVIRT,
		        "cannot start VM '%s': %s: %s (log: %s)%s", name, what,
		        reason != NULL ? reason : "QEMU wrote no error in its log", log,
		        /* the guest is fine; this host's (often nested) KVM is not */
		        reason != NULL && g_str_has_prefix(reason, "KVM internal error")
		                ? "\nhint: this host's KVM cannot run the guest (common under "
		                  "nested KVM); with accelerator=tcg in dkvm.conf's [host] group "
		                  "DKVM plans VMs to run emulated instead (slower)"
		                : "");
	if (destroy_error != NULL)
		append_reason(*error, "it could not be powered off", destroy_error);
	return FALSE;
}

/* After a failed start: d3cold_allowed back on when libvirt says the VM is
 * off; a second failure joins the first in @error. */
static void
restore_d3cold_unless_running(virDomainPtr dom, GError **error)
{
	gint state = VIR_DOMAIN_NOSTATE;
	g_autoptr(GError) restore_error = NULL;

	if (virDomainGetState(dom, &state, NULL, 0) != 0 ||
	    (state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED))
		return;
	if (!dkvm_pci_d3cold_restore(virDomainGetName(dom), &restore_error) && error != NULL &&
	    *error != NULL)
		append_reason(*error, "d3cold_allowed could not be turned back on", restore_error);
}

gboolean
dkvm_virt_start_vm(virDomainPtr dom, const DkvmHostFacts *host, GError **error)
{
	return dkvm_virt_start_vm_with_notices(dom, host, NULL, NULL, error);
}

gboolean
dkvm_virt_start_vm_with_notices(virDomainPtr dom, const DkvmHostFacts *host,
                                DkvmVirtNoticeFunc notice, gpointer user_data, GError **error)
{
	g_autoptr(DkvmDomainXml) parsed = dkvm_virt_domain_read(dom, error);

	return parsed != NULL &&
	       dkvm_virt_start_parsed_vm(dom, parsed, host, notice, user_data, error);
}

gboolean
dkvm_virt_start_parsed_vm(virDomainPtr dom, const DkvmDomainXml *parsed, const DkvmHostFacts *host,
                          DkvmVirtNoticeFunc notice, gpointer user_data, GError **error)
{
	const gchar *name = virDomainGetName(dom);
	virConnectPtr conn = virDomainGetConnect(dom);
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
	/* the checks first: they change nothing (but for starting libvirt's
	 * default network, last of them, once the others passed) */
	/* every check below looks at the one parsed document */
	if (!dkvm_virt_check_domain_hostdevs(dom, parsed, host, NULL, error))
		return FALSE;
	pages = dkvm_domain_xml_hugepages_needed(parsed);
	if ((pages > 0 && !dkvm_virt_preflight_hugetlbfs(conn, parsed->hugepage_size_kib, error)) ||
	    !dkvm_virt_preflight_local_domain_files(conn, parsed, error) ||
	    !dkvm_virt_preflight_domain_networks(conn, parsed, notice, user_data, error)) {
		g_prefix_error(error, "cannot start VM '%s': ", name);
		return FALSE;
	}

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
				                                need->node, added, NULL,
				                                &release_error))
					append_reason(*error,
					              "the grown hugepages could not be given back",
					              release_error);
				release_after_failure(name, error);
				return FALSE;
			}
		}
	}
	/* a card left in D3cold after the VM stops often does not come back */
	if (!dkvm_pci_d3cold_hold(name, parsed->pci_hostdevs, error)) {
		g_prefix_error(error, "cannot start VM '%s': ", name);
		if (pages > 0)
			release_after_failure(name, error);
		return FALSE;
	}
	if (!dkvm_virt_domain_start(dom, error) || !watch_start(dom, error)) {
		if (pages > 0)
			release_unless_maybe_running(dom, error);
		restore_d3cold_unless_running(dom, error);
		return FALSE;
	}
	return TRUE;
}

/* What a VM took from the host, given back once it is off: its recorded
 * hugepages, and d3cold_allowed on its PCI devices. */
static gboolean
give_back_after_stop(virDomainPtr dom, GError **error)
{
	if (!dkvm_hugepage_pool_release_recorded(virDomainGetName(dom), error) ||
	    !dkvm_pci_d3cold_restore(virDomainGetName(dom), error)) {
		g_prefix_error(error, "VM '%s' is off, but ", virDomainGetName(dom));
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
	return give_back_after_stop(dom, error);
}

gboolean
dkvm_virt_kill_vm(virDomainPtr dom, GError **error)
{
	if (!dkvm_virt_domain_destroy(dom, error))
		return FALSE;
	return give_back_after_stop(dom, error);
}
