/*
 * The VMs libvirt knows (virConnectListAllDomains) as plain records, and
 * their JSON forms for `dkvm vm list --json` and `dkvm vm show --json`. The
 * list asks libvirt only cheap questions so it stays as fast as
 * `virsh list --all`; the details of one VM come from its XML.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libvirt/libvirt.h>

#include "domain-xml-read.h"

G_BEGIN_DECLS

typedef struct {
	gchar *name;
	gchar *uuid;
	gint id;    /* -1 when not running */
	gint state; /* virDomainState */
	guint vcpus;
	guint64 memory_kib; /* the maximum (configured) memory */
	gboolean autostart;
	gboolean persistent;
} DkvmVmSummary;

void dkvm_vm_summary_free(DkvmVmSummary *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmSummary, dkvm_vm_summary_free)

/* One domain's summary. */
DkvmVmSummary *dkvm_virt_summary(virDomainPtr dom, GError **error);

/* Every domain, running or not, sorted by name: DkvmVmSummary*. */
GPtrArray *dkvm_virt_list(virConnectPtr conn, GError **error);

/* JSON object of one summary; "default" says whether it is @default_vm. */
JsonNode *dkvm_vm_summary_to_json(const DkvmVmSummary *self, const gchar *default_vm);

/* The `vm list --json` document: {"vms": [summary...]}. */
gchar *dkvm_virt_list_to_json(GPtrArray *vms, const gchar *default_vm);

/* The `vm show --json` document: the summary plus what the XML says. */
gchar *dkvm_virt_show_to_json(const DkvmVmSummary *summary, const DkvmDomainXml *xml,
                              const gchar *default_vm);

G_END_DECLS
