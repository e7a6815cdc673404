/*
 * What the lifecycle needs to know from a domain's XML, read with libxml2:
 * memory and its hugepage backing (vm start grows the pools: per host node
 * when the guest's NUMA cells are bound to nodes), the PCI and USB
 * host devices (vm start checks them, vm monitor shows them), the disks
 * (vm delete --remove-storage, the start's file checks), the ROM and evdev
 * files and the libvirt networks (the start's checks), NVRAM and TPM, the
 * host CPUs its vCPUs and emulator are pinned to (the menu's CPU map).
 * Read-only and pure (a string in, a struct out): one parse serves every
 * check of a start. frontend/virt/virt-domain-xml.h is its libvirt-side name.
 */
#pragma once

#include <glib.h>

#include "page-size.h"

G_BEGIN_DECLS

typedef struct {
	gchar *device;     /* "disk", "cdrom", "floppy", "lun" */
	gchar *type;       /* "file", "block", "network", "volume", "dir" */
	gchar *source;     /* file or dev path; NULL for other sources */
	gchar *target;     /* "vda", "sda" */
	gboolean optional; /* <source startupPolicy='optional'>: may be missing at start */
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
	guint64 hugepage_size_kib; /* page size; DKVM_PAGE_2M_KIB when not given */
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
	GPtrArray *rom_files;      /* gchar*: <hostdev><rom file=...> */
	GPtrArray *evdev_paths;    /* gchar*: <input type='evdev'><source dev=...> */
	GPtrArray *networks;       /* gchar*: <interface type='network'> sources, each once */
	GArray *vcpu_pins;         /* guint, sorted, each once: the host CPUs the vCPUs are
	                            * pinned to (<cputune><vcpupin> cpusets); empty unpinned */
	GArray *emulator_pins;     /* guint, sorted: <cputune><emulatorpin>; empty without */
} DkvmDomainXml;

void dkvm_domain_xml_free(DkvmDomainXml *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmDomainXml, dkvm_domain_xml_free)

/* Parses a libvirt domain document (any domain type). DKVM_ERROR_INVALID
 * when it is not one (dkvm_tree_read_domain's message). */
DkvmDomainXml *dkvm_domain_xml_parse(const gchar *xml, GError **error);

/* Hugepages the VM's memory takes (rounded up); 0 without hugepages. */
guint64 dkvm_domain_xml_hugepages_needed(const DkvmDomainXml *self);

G_END_DECLS
