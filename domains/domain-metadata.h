/*
 * DKVM's own per-VM settings, kept inside the domain XML under
 * <metadata><dkvm:vm xmlns:dkvm="urn:dkvm:domain:1">: the preset, the
 * switches that cannot be read back from libvirt's own elements (pinning,
 * iothreads), the person's PCI selection apart from the slot siblings DKVM
 * added, ROM files, and the aliases of the devices DKVM manages (so a disk
 * a person added with `virsh edit` is never taken for DKVM's).
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "spec.h"

G_BEGIN_DECLS

#define DKVM_METADATA_NS     "urn:dkvm:domain:1"
#define DKVM_METADATA_PREFIX "dkvm"
/* Prefix of the user aliases (libvirt keeps "ua-" aliases) of DKVM's devices. */
#define DKVM_ALIAS_PREFIX "ua-dkvm-"

typedef struct {
	gboolean present; /* the document had a dkvm:vm element */
	DkvmPreset preset;
	gboolean pinning;
	gboolean hugepages;
	guint iothreads;           /* the spec's value: 0 = automatic */
	gboolean early_bind;       /* its PCI devices go to vfio-pci at boot (dkvm-vfio) */
	guint looking_glass_width; /* the resolution the IVSHMEM device was sized for */
	guint looking_glass_height;
	GPtrArray *pci;      /* DkvmPciSelection*: what the person selected */
	GPtrArray *siblings; /* gchar*: slot functions DKVM added */
	GPtrArray *aliases;  /* gchar*: devices DKVM manages */
} DkvmMetadata;

DkvmMetadata *dkvm_metadata_new(void);
void dkvm_metadata_free(DkvmMetadata *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmMetadata, dkvm_metadata_free)

/* TRUE when @alias names a device DKVM manages according to @self. */
gboolean dkvm_metadata_owns(const DkvmMetadata *self, const gchar *alias);

/* Reads dkvm:vm from the document (present = FALSE when there is none). */
DkvmMetadata *dkvm_metadata_read(xmlNode *root, GError **error);

/* Replaces dkvm:vm in the document's <metadata>, keeping other namespaces. */
void dkvm_metadata_write(const DkvmMetadata *self, xmlNode *root);

G_END_DECLS
