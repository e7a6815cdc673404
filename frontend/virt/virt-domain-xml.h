/*
 * What the lifecycle needs to know from a domain's XML, read with libxml2:
 * memory and its hugepage backing (vm start grows the pools: per host node
 * when the guest's NUMA cells are bound to nodes), the PCI and USB
 * host devices (vm start checks them, vm monitor shows them), the disks
 * (vm delete --remove-storage), NVRAM and TPM. Read-only: DKVM's XML
 * generation lives in domains/; this only looks at a document libvirt gave us.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	gchar *device; /* "disk", "cdrom", "floppy", "lun" */
	gchar *type;   /* "file", "block", "network", "volume", "dir" */
	gchar *source; /* file or dev path; NULL for other sources */
	gchar *target; /* "vda", "sda" */
} DkvmDomainDisk;

/* Hugepages a VM takes from one host node's pool (node -1: the global pool). */
typedef struct {
	gint node;
	guint64 pages;
} DkvmHugepageNeed;

typedef struct {
	gchar *name;
	gchar *uuid;
	guint64 memory_kib;        /* <memory> */
	guint vcpus;               /* <vcpu> */
	gboolean hugepages;        /* <memoryBacking><hugepages> present */
	guint64 hugepage_size_kib; /* page size; 2048 when not given */
	gint hugepage_node;        /* the one host node all pages come from, else -1 */
	GArray *hugepage_needs;    /* DkvmHugepageNeed per host node, ascending: with guest
	                            * NUMA cells bound to nodes (<numatune><memnode>) each
	                            * node's cells' pages; else one need of every page on
	                            * hugepage_node. Empty without hugepages. */
	GPtrArray *pci_hostdevs;   /* gchar*: "0000:01:00.0" */
	GPtrArray *usb_hostdevs;   /* gchar*: "046d:c52b" */
	GPtrArray *disks;          /* DkvmDomainDisk* */
	gchar *nvram;              /* <os><nvram> path, NULL without */
	gboolean tpm;              /* a <tpm> device */
} DkvmDomainXml;

void dkvm_domain_xml_free(DkvmDomainXml *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmDomainXml, dkvm_domain_xml_free)

/* Parses a libvirt domain document. DKVM_ERROR_INVALID when it is not one. */
DkvmDomainXml *dkvm_domain_xml_parse(const gchar *xml, GError **error);

/* Hugepages the VM's memory takes (rounded up); 0 without hugepages. */
guint64 dkvm_domain_xml_hugepages_needed(const DkvmDomainXml *self);

G_END_DECLS
