/*
 * One libvirt domain through libvirt's C API: look it up, define, read its
 * XML and state, start, ACPI shutdown with a timeout, destroy, undefine (with
 * NVRAM, TPM state and, on request, its file-backed disks), autostart.
 * Every failure carries libvirt's own reason. The policy around these steps
 * (hugepages, device checks, persistence) is in virt-power.c and the CLI.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "virt-connection.h"

G_BEGIN_DECLS

/*
 * Finds a domain by name or UUID. DKVM_ERROR_NOT_FOUND "no VM named 'x'";
 * DKVM_ERROR_INVALID when @name_or_uuid is neither a VM nor a valid VM name.
 */
virDomainPtr dkvm_virt_domain_lookup(virConnectPtr conn, const gchar *name_or_uuid, GError **error);

/*
 * Defines (or redefines) a domain from @xml with VIR_DOMAIN_DEFINE_VALIDATE,
 * so libvirt checks it against its schema. DKVM_ERROR_INVALID with libvirt's
 * reason when it refuses the document.
 */
virDomainPtr dkvm_virt_domain_define(virConnectPtr conn, const gchar *xml, GError **error);

/* The same with libvirt's define flags of the caller's choice (0: libvirt's
 * parser alone, without the schema, as `virsh define` does). */
virDomainPtr dkvm_virt_domain_define_flags(virConnectPtr conn, const gchar *xml, guint flags,
                                           GError **error);

/* The persistent definition (VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE). */
gchar *dkvm_virt_domain_get_xml(virDomainPtr dom, GError **error);

/* libvirt's state as one word: "running", "paused", "shutoff", ... */
const gchar *dkvm_virt_state_to_string(gint state);

/* The domain's state (virDomainState). */
gboolean dkvm_virt_domain_get_state(virDomainPtr dom, gint *out_state, GError **error);

/* Whether the domain is off: shut off, or crashed and kept. */
gboolean dkvm_virt_domain_is_off(virDomainPtr dom, gboolean *out_off, GError **error);

/*
 * Starts a defined domain. On failure the message says in plain words why
 * ("QEMU could not start: <reason>"); DKVM_ERROR_REFUSED when it already runs.
 */
gboolean dkvm_virt_domain_start(virDomainPtr dom, GError **error);

/*
 * Presses the domain's ACPI power button and returns without waiting (the
 * guest decides whether and when to power off). Drivers without the ACPI
 * mode (libvirt's test driver) get their default shutdown.
 */
gboolean dkvm_virt_domain_press_power_button(virDomainPtr dom, GError **error);

/* Called every second while waiting for a guest to power off. */
typedef void (*DkvmVirtProgressFunc)(guint elapsed_ms, guint timeout_ms, gpointer user_data);

/*
 * Sends an ACPI power-button press and waits up to @timeout_s seconds for the
 * domain to be off: libvirt's lifecycle event ends the wait at once (the
 * wait runs libvirt's default event loop, registered by dkvm_virt_connect;
 * without events it reads the state every 0.5 s). When the guest does not
 * power off in time, returns FALSE with DKVM_ERROR_FAILED and *out_timed_out
 * set (the caller may then destroy it). A domain already off is success.
 */
gboolean dkvm_virt_domain_shutdown(virDomainPtr dom, guint timeout_s, DkvmVirtProgressFunc progress,
                                   gpointer user_data, gboolean *out_timed_out, GError **error);

/* Powers the domain off at once (virDomainDestroy). Off already is success. */
gboolean dkvm_virt_domain_destroy(virDomainPtr dom, GError **error);

/* What undefining did beyond removing the definition, in words for the user. */
typedef struct {
	GPtrArray *removed; /* gchar*: files deleted ("/var/lib/dkvm/win11.qcow2"), NVRAM
	                     * and TPM state with what they were ("path (NVRAM)") */
	GPtrArray *kept;    /* gchar*: "path (why it was kept)" */
	GPtrArray *notes;   /* gchar*: e.g. TPM state libvirt could not remove */
} DkvmVirtUndefineReport;

void dkvm_virt_undefine_report_free(DkvmVirtUndefineReport *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVirtUndefineReport, dkvm_virt_undefine_report_free)

/*
 * Undefines a domain that is not running, with its NVRAM, TPM state (libvirt
 * >= 8.9; older libvirt keeps it and a note says so), managed save image and
 * snapshot metadata. With @remove_storage, then deletes its file-backed disks
 * (never block devices, never CD-ROM images, never a file another domain
 * uses). DKVM_ERROR_REFUSED when the domain runs; nothing is changed then.
 */
DkvmVirtUndefineReport *dkvm_virt_domain_undefine(virConnectPtr conn, virDomainPtr dom,
                                                  gboolean remove_storage, GError **error);

/* libvirt's autostart flag. */
gboolean dkvm_virt_domain_set_autostart(virDomainPtr dom, gboolean enabled, GError **error);
gboolean dkvm_virt_domain_get_autostart(virDomainPtr dom, gboolean *out_enabled, GError **error);

G_END_DECLS
