/*
 * The original DKVM's data partition on disk: recognising it and reading
 * its files (never writing them). Pure file reading, no libvirt: the binary
 * and the menu use it to decide what a path is before the libvirt module is
 * loaded.
 */
#pragma once

#include <glib.h>

#include "legacy-dkvm.h"

G_BEGIN_DECLS

/* The original's mount point of its data partition. */
#define DKVM_LEGACY_MOUNT_POINT "/media/dkvmdata"

/* TRUE when @path is a folder with a numbered folder (0 to 9) holding a
 * vm_config: the original DKVM's data partition. */
gboolean dkvm_vm_legacy_detect(const gchar *path);

/*
 * Where the original's data partition is on this host: DKVM_LEGACY_MOUNT_POINT
 * when it holds the original's folders, else the mount point of a mounted
 * partition labelled dkvmdata (any case; /proc/mounts); NULL when none.
 */
gchar *dkvm_vm_legacy_find(void);

/* One numbered folder as read. */
typedef struct {
	DkvmLegacyFolder folder; /* what domains/ reads; points into the fields below */
	gchar *name;             /* "0" .. "9" */
	gchar *vm_config;        /* NULL when it could not be read (read_error) */
	GError *read_error;
	gchar *nvram;   /* the path of its OVMF_VARS.fd, NULL when missing */
	gchar *tpm_dir; /* the path of its tpm/, NULL when missing */
} DkvmVmLegacyFolder;

typedef struct {
	gchar *path;
	GPtrArray *folders;          /* DkvmVmLegacyFolder*, by number: those with a vm_config */
	DkvmLegacyGlobalFiles files; /* points into the strings below */
	gchar *pci_devices, *usb_devices, *cpu_options, *cpu_topology, *start_stop_script;
} DkvmVmLegacyData;

void dkvm_vm_legacy_data_free(DkvmVmLegacyData *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmLegacyData, dkvm_vm_legacy_data_free)

/*
 * Reads the data partition at @path. A numbered folder whose vm_config
 * cannot be read gets its read_error (the others are still read);
 * DKVM_ERROR_NOT_FOUND when @path is not the original's data partition,
 * DKVM_ERROR_IO when a global file exists but cannot be read.
 */
DkvmVmLegacyData *dkvm_vm_legacy_read(const gchar *path, GError **error);

G_END_DECLS
