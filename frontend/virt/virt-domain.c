/*
 * Lifecycle calls on one domain. Each wraps one libvirt call and turns its
 * failure into a DKVM_ERROR with libvirt's reason; the few decisions made
 * here (which undefine flags this libvirt takes, what storage is safe to
 * delete) are the ones every caller would otherwise repeat.
 */
#include "virt-domain.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "quote.h"
#include "spec.h"
#include "domain-xml-read.h"
#include "virt-off-wait.h"

/*
 * "<action> VM '<name>': <libvirt's reason>". libvirt's error is saved before
 * the name is read: virDomainGetName resets the last error.
 */
static void
set_domain_error(GError **error, gint code, virDomainPtr dom, const gchar *action)
{
	g_autoptr(virError) err = dkvm_virt_save_error();
	g_autofree gchar *what = g_strdup_printf("%s VM '%s'", action, virDomainGetName(dom));

	dkvm_virt_set_saved_error(error, code, err, what);
}

virDomainPtr
dkvm_virt_domain_lookup(virConnectPtr conn, const gchar *name_or_uuid, GError **error)
{
	virDomainPtr dom = virDomainLookupByName(conn, name_or_uuid);
	g_autoptr(GError) name_error = NULL;

	if (dom != NULL)
		return dom;
	if (virGetLastErrorCode() != VIR_ERR_NO_DOMAIN) {
		g_autoptr(virError) err = dkvm_virt_save_error();
		g_autofree gchar *shown = dkvm_quote(name_or_uuid);
		g_autofree gchar *what = g_strdup_printf("cannot look up VM '%s'", shown);
		dkvm_virt_set_saved_error(error, DKVM_ERROR_LIBVIRT, err, what);
		return NULL;
	}
	if (g_uuid_string_is_valid(name_or_uuid)) {
		dom = virDomainLookupByUUIDString(conn, name_or_uuid);
		if (dom != NULL)
			return dom;
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND, "no VM with UUID %s",
		            name_or_uuid);
		return NULL;
	}
	/* a name libvirt does not know: if DKVM could never have made it, say
	 * what is wrong with it rather than only that it is missing */
	if (!dkvm_spec_validate_name(name_or_uuid, &name_error)) {
		g_propagate_error(error, g_steal_pointer(&name_error));
		return NULL;
	}
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND, "no VM named '%s'", name_or_uuid);
	return NULL;
}

virDomainPtr
dkvm_virt_domain_define(virConnectPtr conn, const gchar *xml, GError **error)
{
	return dkvm_virt_domain_define_flags(conn, xml, VIR_DOMAIN_DEFINE_VALIDATE, error);
}

virDomainPtr
dkvm_virt_domain_define_flags(virConnectPtr conn, const gchar *xml, guint flags, GError **error)
{
	virDomainPtr dom = virDomainDefineXMLFlags(conn, xml, flags);

	if (dom == NULL) {
		gint code = virGetLastErrorCode();
		/* schema and content errors are the document's fault; the rest is
		 * libvirt's (connection lost, permission) */
		gboolean invalid = code == VIR_ERR_XML_ERROR || code == VIR_ERR_XML_DETAIL ||
		                   code == VIR_ERR_XML_INVALID_SCHEMA ||
		                   code == VIR_ERR_CONFIG_UNSUPPORTED ||
		                   code == VIR_ERR_INVALID_ARG || code == VIR_ERR_INTERNAL_ERROR ||
		                   code == VIR_ERR_OPERATION_FAILED;
		dkvm_virt_set_error(error, invalid ? DKVM_ERROR_INVALID : DKVM_ERROR_LIBVIRT,
		                    "libvirt refused the domain");
		return NULL;
	}
	return dom;
}

gchar *
dkvm_virt_domain_get_xml(virDomainPtr dom, GError **error)
{
	char *xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);

	if (xml != NULL) {
		/* libvirt allocates with malloc; hand out glib memory */
		gchar *copy = g_strdup(xml);
		free(xml);
		return copy;
	}
	set_domain_error(error, DKVM_ERROR_LIBVIRT, dom, "cannot read the definition of");
	return NULL;
}

const gchar *
dkvm_virt_state_to_string(gint state)
{
	/* libvirt's own names for virDomainState, one word each for scripts */
	switch ((virDomainState)state) {
	case VIR_DOMAIN_NOSTATE:
		return "nostate";
	case VIR_DOMAIN_RUNNING:
		return "running";
	case VIR_DOMAIN_BLOCKED:
		return "blocked";
	case VIR_DOMAIN_PAUSED:
		return "paused";
	case VIR_DOMAIN_SHUTDOWN:
		return "shutdown";
	case VIR_DOMAIN_SHUTOFF:
		return "shutoff";
	case VIR_DOMAIN_CRASHED:
		return "crashed";
	case VIR_DOMAIN_PMSUSPENDED:
		return "pmsuspended";
#ifdef VIR_ENUM_SENTINELS
	case VIR_DOMAIN_LAST:
		break;
#endif
	}
	return "unknown";
}

gboolean
dkvm_virt_domain_get_state(virDomainPtr dom, gint *out_state, GError **error)
{
	int state = VIR_DOMAIN_NOSTATE;
	int reason = 0;

	if (virDomainGetState(dom, &state, &reason, 0) < 0) {
		set_domain_error(error, DKVM_ERROR_LIBVIRT, dom, "cannot read the state of");
		return FALSE;
	}
	*out_state = state;
	return TRUE;
}

/* libvirt relays QEMU's complaint wrapped in context nobody needs:
 * "internal error: qemu unexpectedly closed the monitor: 2024-01-01T00:00:00
 * .000000Z qemu-system-x86_64: -device vfio-pci,...: reason". Keep the reason. */
static gchar *
plain_qemu_reason(const gchar *message)
{
	const gchar *p = message;
	const gchar *marker;

	if (g_str_has_prefix(p, "internal error: "))
		p += strlen("internal error: ");
	marker = strstr(p, "closed the monitor: ");
	if (marker != NULL)
		p = marker + strlen("closed the monitor: ");
	marker = strstr(p, "qemu-system-");
	if (marker != NULL) {
		const gchar *colon = strstr(marker, ": ");
		if (colon != NULL)
			p = colon + 2;
	}
	return g_strstrip(g_strdup(p));
}

gboolean
dkvm_virt_domain_start(virDomainPtr dom, GError **error)
{
	const gchar *name = virDomainGetName(dom);
	g_autoptr(virError) err = NULL;
	g_autofree gchar *reason = NULL;

	if (virDomainCreate(dom) == 0)
		return TRUE;
	/* saved at once: virDomainIsActive below resets libvirt's last error,
	 * which lost e.g. "network 'default' is not active" ("no error") */
	err = dkvm_virt_save_error();
	if (err->code == VIR_ERR_OPERATION_INVALID && virDomainIsActive(dom) == 1) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "cannot start VM '%s': it is already running", name);
		return FALSE;
	}
	if (err->domain == VIR_FROM_QEMU && err->message != NULL) {
		reason = plain_qemu_reason(err->message);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_LIBVIRT,
		            "cannot start VM '%s': QEMU could not start: %s", name, reason);
		return FALSE;
	}
	reason = dkvm_virt_error_reason(err);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_LIBVIRT, "cannot start VM '%s': %s", name,
	            reason);
	return FALSE;
}

gboolean
dkvm_virt_domain_is_off(virDomainPtr dom, gboolean *out_off, GError **error)
{
	gint state = VIR_DOMAIN_NOSTATE;

	if (!dkvm_virt_domain_get_state(dom, &state, error))
		return FALSE;
	*out_off = state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED;
	return TRUE;
}

/* The ACPI power button; drivers without that mode (libvirt's test driver)
 * get their default shutdown, which is the closest they have. */
gboolean
dkvm_virt_domain_press_power_button(virDomainPtr dom, GError **error)
{
	g_autofree gchar *what = g_strdup_printf("cannot shut down VM '%s'", virDomainGetName(dom));

	if (virDomainShutdownFlags(dom, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) == 0)
		return TRUE;
	if (virGetLastErrorCode() == VIR_ERR_INVALID_ARG ||
	    virGetLastErrorCode() == VIR_ERR_NO_SUPPORT ||
	    virGetLastErrorCode() == VIR_ERR_ARGUMENT_UNSUPPORTED) {
		if (virDomainShutdown(dom) == 0)
			return TRUE;
	}
	dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, what);
	return FALSE;
}

/* vm stop's progress from the wait's: each whole second between the start
 * and the timeout while the guest runs, in milliseconds. */
typedef struct {
	DkvmVirtProgressFunc progress;
	gpointer user_data;
} StopProgress;

static void
on_stop_progress(virDomainPtr dom, gboolean off, guint elapsed_s, guint timeout_s,
                 gpointer user_data)
{
	const StopProgress *stop = user_data;

	if (stop->progress != NULL && !off && elapsed_s > 0 && elapsed_s < timeout_s)
		stop->progress(elapsed_s * 1000, timeout_s * 1000, stop->user_data);
}

gboolean
dkvm_virt_domain_shutdown(virDomainPtr dom, guint timeout_s, DkvmVirtProgressFunc progress,
                          gpointer user_data, gboolean *out_timed_out, GError **error)
{
	g_autoptr(GPtrArray) doms = g_ptr_array_new();
	StopProgress stop = { .progress = progress, .user_data = user_data };
	DkvmVirtOffWait *wait;
	gboolean off = FALSE;

	if (out_timed_out != NULL)
		*out_timed_out = FALSE;
	if (!dkvm_virt_domain_is_off(dom, &off, error))
		return FALSE;
	if (off)
		return TRUE;
	g_ptr_array_add(doms, dom);
	wait = dkvm_virt_off_wait_begin(doms, timeout_s, on_stop_progress, &stop, &off);
	if (!dkvm_virt_domain_press_power_button(dom, error)) {
		dkvm_virt_off_wait_cancel(wait);
		/* it may have powered off between the state check and the request */
		if (dkvm_virt_domain_is_off(dom, &off, NULL) && off) {
			g_clear_error(error);
			return TRUE;
		}
		return FALSE;
	}
	if (!dkvm_virt_off_wait_finish(wait, error))
		return FALSE;
	if (off)
		return TRUE;
	if (out_timed_out != NULL)
		*out_timed_out = TRUE;
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED, "VM '%s' did not shut down within %u s",
	            virDomainGetName(dom), timeout_s);
	return FALSE;
}

gboolean
dkvm_virt_domain_destroy(virDomainPtr dom, GError **error)
{
	gboolean off = FALSE;

	if (!dkvm_virt_domain_is_off(dom, &off, error))
		return FALSE;
	if (off)
		return TRUE;
	if (virDomainDestroy(dom) < 0) {
		set_domain_error(error, DKVM_ERROR_LIBVIRT, dom, "cannot power off");
		return FALSE;
	}
	return TRUE;
}

void
dkvm_virt_undefine_report_free(DkvmVirtUndefineReport *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->removed, g_ptr_array_unref);
	g_clear_pointer(&self->kept, g_ptr_array_unref);
	g_clear_pointer(&self->notes, g_ptr_array_unref);
	g_free(self);
}

/* Disk files every other defined domain uses: never delete those. */
static GHashTable *
disks_of_other_domains(virConnectPtr conn, virDomainPtr self, GError **error)
{
	g_autoptr(GHashTable) used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	virDomainPtr *doms = NULL;
	gint n = virConnectListAllDomains(conn, &doms, 0);
	gchar self_uuid[VIR_UUID_STRING_BUFLEN] = { 0 };

	if (n < 0) {
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, "cannot list the VMs");
		return NULL;
	}
	virDomainGetUUIDString(self, self_uuid);
	for (gint i = 0; i < n; i++) {
		gchar uuid[VIR_UUID_STRING_BUFLEN] = { 0 };
		g_autofree gchar *xml = NULL;
		g_autoptr(DkvmDomainXml) parsed = NULL;

		virDomainGetUUIDString(doms[i], uuid);
		if (g_strcmp0(uuid, self_uuid) != 0)
			xml = dkvm_virt_domain_get_xml(doms[i], NULL);
		if (xml != NULL)
			parsed = dkvm_domain_xml_parse(xml, NULL);
		for (guint d = 0; parsed != NULL && d < parsed->disks->len; d++) {
			DkvmDomainDisk *disk = g_ptr_array_index(parsed->disks, d);
			if (disk->source != NULL)
				g_hash_table_add(used, g_strdup(disk->source));
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	return g_steal_pointer(&used);
}

/* Deletes the file-backed disks of @parsed that are safe to delete. */
static void
remove_storage(DkvmVirtUndefineReport *report, const DkvmDomainXml *parsed, GHashTable *used)
{
	for (guint i = 0; i < parsed->disks->len; i++) {
		DkvmDomainDisk *disk = g_ptr_array_index(parsed->disks, i);
		GStatBuf st;

		if (g_strcmp0(disk->device, "disk") != 0) {
			if (disk->source != NULL)
				g_ptr_array_add(report->kept,
				                g_strdup_printf("%s (%s image, not a disk)",
				                                disk->source, disk->device));
			continue;
		}
		if (disk->source == NULL)
			continue;
		if (g_strcmp0(disk->type, "file") != 0) {
			g_ptr_array_add(report->kept, g_strdup_printf("%s (%s disk, not a file)",
			                                              disk->source, disk->type));
			continue;
		}
		if (g_hash_table_contains(used, disk->source)) {
			g_ptr_array_add(report->kept,
			                g_strdup_printf("%s (another VM uses it)", disk->source));
			continue;
		}
		if (g_stat(disk->source, &st) != 0) {
			g_ptr_array_add(report->kept, g_strdup_printf("%s (%s)", disk->source,
			                                              g_strerror(errno)));
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			g_ptr_array_add(report->kept,
			                g_strdup_printf("%s (not a regular file)", disk->source));
			continue;
		}
		if (g_unlink(disk->source) != 0) {
			g_ptr_array_add(report->kept,
			                g_strdup_printf("%s (cannot delete: %s)", disk->source,
			                                g_strerror(errno)));
			continue;
		}
		g_ptr_array_add(report->removed, g_strdup(disk->source));
	}
}

/* Undefines with the widest flag set this libvirt and driver accept. */
static gboolean
undefine_with_flags(virDomainPtr dom, const DkvmDomainXml *parsed, DkvmVirtUndefineReport *report,
                    GError **error)
{
	const guint base =
	        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
	/* VIR_DOMAIN_UNDEFINE_TPM came with libvirt 8.9; the headers may be older */
#ifdef VIR_DOMAIN_UNDEFINE_TPM
	const guint tpm_flag = VIR_DOMAIN_UNDEFINE_TPM;
#else
	const guint tpm_flag = 1 << 5;
#endif
	const guint attempts[] = {
		base | VIR_DOMAIN_UNDEFINE_NVRAM | tpm_flag,
		base | VIR_DOMAIN_UNDEFINE_NVRAM,
		base,
	};

	for (guint i = 0; i < G_N_ELEMENTS(attempts); i++) {
		if (virDomainUndefineFlags(dom, attempts[i]) == 0) {
			if ((attempts[i] & VIR_DOMAIN_UNDEFINE_NVRAM) != 0 && parsed->nvram != NULL)
				g_ptr_array_add(report->removed,
				                g_strdup_printf("%s (NVRAM)", parsed->nvram));
			if ((attempts[i] & tpm_flag) != 0 && parsed->tpm && parsed->uuid != NULL)
				g_ptr_array_add(
				        report->removed,
				        g_strdup_printf("/var/lib/libvirt/swtpm/%s (TPM state)",
				                        parsed->uuid));
			if ((attempts[i] & tpm_flag) == 0 && parsed->tpm)
				g_ptr_array_add(report->notes,
				                g_strdup("libvirt here cannot remove the TPM state "
				                         "(needs libvirt 8.9); it stays in "
				                         "/var/lib/libvirt/swtpm"));
			if ((attempts[i] & VIR_DOMAIN_UNDEFINE_NVRAM) == 0 && parsed->nvram != NULL)
				g_ptr_array_add(report->notes, g_strdup_printf("NVRAM %s was kept",
				                                               parsed->nvram));
			return TRUE;
		}
		/* only "this flag is not supported" makes a narrower try worth it */
		if (virGetLastErrorCode() != VIR_ERR_INVALID_ARG &&
		    virGetLastErrorCode() != VIR_ERR_NO_SUPPORT)
			break;
	}
	set_domain_error(error, DKVM_ERROR_LIBVIRT, dom, "cannot delete");
	return FALSE;
}

DkvmVirtUndefineReport *
dkvm_virt_domain_undefine(virConnectPtr conn, virDomainPtr dom, gboolean remove_storage_too,
                          GError **error)
{
	g_autoptr(DkvmVirtUndefineReport) report = g_new0(DkvmVirtUndefineReport, 1);
	g_autoptr(DkvmDomainXml) parsed = NULL;
	g_autoptr(GHashTable) used = NULL;
	g_autofree gchar *xml = NULL;
	const gchar *name = virDomainGetName(dom);

	report->removed = g_ptr_array_new_with_free_func(g_free);
	report->kept = g_ptr_array_new_with_free_func(g_free);
	report->notes = g_ptr_array_new_with_free_func(g_free);

	if (virDomainIsActive(dom) == 1) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "cannot delete VM '%s': it is running", name);
		return NULL;
	}
	/* read everything needed before anything is changed */
	xml = dkvm_virt_domain_get_xml(dom, error);
	if (xml == NULL)
		return NULL;
	parsed = dkvm_domain_xml_parse(xml, error);
	if (parsed == NULL) {
		g_prefix_error(error, "VM '%s': ", name);
		return NULL;
	}
	if (remove_storage_too) {
		used = disks_of_other_domains(conn, dom, error);
		if (used == NULL)
			return NULL;
	}
	if (!undefine_with_flags(dom, parsed, report, error))
		return NULL;
	if (remove_storage_too)
		remove_storage(report, parsed, used);
	return g_steal_pointer(&report);
}

gboolean
dkvm_virt_domain_set_autostart(virDomainPtr dom, gboolean enabled, GError **error)
{
	if (virDomainSetAutostart(dom, enabled ? 1 : 0) < 0) {
		set_domain_error(error, DKVM_ERROR_LIBVIRT, dom,
		                 enabled ? "cannot enable autostart of"
		                         : "cannot disable autostart of");
		return FALSE;
	}
	return TRUE;
}

gboolean
dkvm_virt_domain_get_autostart(virDomainPtr dom, gboolean *out_enabled, GError **error)
{
	int autostart = 0;

	if (virDomainGetAutostart(dom, &autostart) < 0) {
		set_domain_error(error, DKVM_ERROR_LIBVIRT, dom, "cannot read autostart of");
		return FALSE;
	}
	*out_enabled = autostart != 0;
	return TRUE;
}
