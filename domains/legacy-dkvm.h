/*
 * The original DKVM (a bash menu that ran QEMU itself) kept its VMs on a data
 * partition: one folder per VM named 0 to 9 holding vm_config (KEY=VALUE
 * lines), OVMF_VARS.fd and tpm/, and global files at the root that every VM
 * shared (passthroughPCIDevices, passthroughUSBDevices, cpuOptions,
 * cpuTopology, customStartStopScript). This turns those files' contents into
 * DkvmSpecs for this host, with the warnings a person must read. Pure: the
 * contents come in as strings (frontend/vm reads the folder), the host as
 * facts and settings.
 */
#pragma once

#include <glib.h>

#include "host-facts.h"
#include "host-settings.h"
#include "spec.h"

G_BEGIN_DECLS

/* The original's template MAC, which every VM it created shared. */
#define DKVM_LEGACY_TEMPLATE_MAC "DE:AD:BE:EF:66:61"

/* One vm_config. */
typedef struct {
	gchar *name;         /* NAME, NULL when missing or empty */
	GPtrArray *disks;    /* gchar*: HARDDISK lines, in order */
	GPtrArray *cdroms;   /* gchar*: CDROM lines (commented ones are comments) */
	gchar *gpu_rom;      /* GPUROM */
	gchar *vnc_listen;   /* VNCLISTEN, "ADDRESS:DISPLAY" */
	gchar *mac;          /* MAC */
	GPtrArray *warnings; /* gchar*: unknown keys */
} DkvmLegacyVmConfig;

void dkvm_legacy_vm_config_free(DkvmLegacyVmConfig *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmLegacyVmConfig, dkvm_legacy_vm_config_free)

/*
 * Parses a vm_config of @len bytes: KEY=VALUE lines, a repeated key is a
 * list, lines starting with '#' and empty lines are skipped, a value keeps
 * its spaces. DKVM_ERROR_INVALID for text that is not such a file (NUL bytes,
 * not UTF-8, a line without '=' or with a key that is not A-Z, 0-9 and '_'),
 * naming the line.
 */
DkvmLegacyVmConfig *dkvm_legacy_vm_config_parse(const gchar *text, gsize len, GError **error);

/* The global files, each NULL when the partition does not have it. */
typedef struct {
	const gchar *pci_devices;       /* passthroughPCIDevices */
	const gchar *usb_devices;       /* passthroughUSBDevices */
	const gchar *cpu_options;       /* cpuOptions */
	const gchar *cpu_topology;      /* cpuTopology */
	const gchar *start_stop_script; /* customStartStopScript */
} DkvmLegacyGlobalFiles;

typedef struct {
	GPtrArray *pci;           /* gchar*: canonical addresses (domain 0000 added), in order */
	GPtrArray *usb;           /* DkvmUsbSelection* */
	gboolean kvm_hidden;      /* cpuOptions kvm=off */
	gchar *hyperv_vendor_id;  /* cpuOptions hv-vendor-id=X */
	GPtrArray *unknown_flags; /* gchar*: cpuOptions DKVM neither sets nor maps */
	GArray *host_cpus;        /* guint: cpuTopology HOSTCPU, NULL when not set */
	GArray *vm_cpus;          /* guint: cpuTopology VMCPU, NULL when not set */
	GPtrArray *warnings;      /* gchar*: for every VM (cpuOptions, the script) */
} DkvmLegacyGlobals;

void dkvm_legacy_globals_free(DkvmLegacyGlobals *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmLegacyGlobals, dkvm_legacy_globals_free)

/* Parses the global files. DKVM_ERROR_INVALID, naming the file and line, for
 * a PCI address, USB id or CPU list that is not one. */
DkvmLegacyGlobals *dkvm_legacy_globals_parse(const DkvmLegacyGlobalFiles *files, GError **error);

/* One numbered folder as read. */
typedef struct {
	const gchar *folder;    /* "0" .. "9" */
	const gchar *vm_config; /* its contents; NULL when it could not be read */
	gsize vm_config_len;
	const GError *read_error; /* why vm_config could not be read (with NULL above) */
	gboolean has_nvram;       /* OVMF_VARS.fd is there */
	gboolean has_tpm;         /* tpm/ is there */
} DkvmLegacyFolder;

/* What one folder becomes. */
typedef struct {
	gchar *folder;
	DkvmSpec *spec;      /* NULL when the folder cannot be imported */
	GPtrArray *warnings; /* gchar*: about this VM */
	GError *error;       /* why not (NULL when spec is set) */
} DkvmLegacyVm;

void dkvm_legacy_vm_free(DkvmLegacyVm *self);

typedef struct {
	const DkvmHostFacts *host;
	const DkvmHostSettings *settings; /* dkvm.conf's */
	guint64 memory_kib;               /* 0: the original's rule on this host */
} DkvmLegacyBuildOptions;

typedef struct {
	GPtrArray *vms;       /* DkvmLegacyVm*, in folder order */
	GArray *host_reserve; /* guint: the reserve to plan with (HOSTCPU), NULL: dkvm.conf's */
	GPtrArray *notes;     /* gchar*: for every VM: the global warnings, the reserve */
} DkvmLegacyBuild;

void dkvm_legacy_build_free(DkvmLegacyBuild *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmLegacyBuild, dkvm_legacy_build_free)

/*
 * One spec per folder (@folders: DkvmLegacyFolder*, in folder order), with
 * the globals applied to each. Names: NAME with spaces and other characters
 * a VM name cannot hold turned into '-', NAME kept as the title; an empty or
 * missing NAME gives the folder number; a name an earlier folder took gets
 * "-FOLDER". A folder whose vm_config cannot be read or parsed, or whose spec
 * is invalid, gets its error and the others still get their specs.
 */
DkvmLegacyBuild *dkvm_legacy_build(const GPtrArray *folders, const DkvmLegacyGlobals *globals,
                                   const DkvmLegacyBuildOptions *options);

/* The original's memory rule: MemTotal minus 4 GiB, rounded down to an even
 * number of MiB (0 when the host has less). */
guint64 dkvm_legacy_memory_kib(guint64 mem_total_kib);

/* A VM name for NAME (see dkvm_legacy_build), NULL when nothing is left. */
gchar *dkvm_legacy_sanitize_name(const gchar *name);

G_END_DECLS
