/*
 * The persistent data partition (label `data_label` in dkvm.conf, DKVMDATA
 * by default): where ISOs and disk images live on a host that runs from RAM.
 * Found by its label under /dev/disk/by-label and its mount in /proc/mounts.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	gchar *label;       /* "DKVMDATA" */
	gchar *device;      /* "/dev/nvme0n1p1" */
	gchar *mount_point; /* "/media/dkvmdata", as /proc/mounts says */
	gchar *dir;         /* where its files are read: the mount point under the
	                     * host root (dkvm_host_path); the same path on a host */
} DkvmDataPartition;

void dkvm_data_partition_free(DkvmDataPartition *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmDataPartition, dkvm_data_partition_free)

/*
 * The partition labelled @label and where it is mounted (the last mount of
 * it). DKVM_ERROR_NOT_FOUND when no partition has the label, or it is not
 * mounted (the message says which, with a hint).
 */
DkvmDataPartition *dkvm_data_partition_find(const gchar *label, GError **error);

/*
 * The files on the partition whose names end in one of @suffixes (any case),
 * in its top folder and one level of folders below (isos/, images/),
 * hidden entries and lost+found left out: absolute paths under self->dir,
 * sorted. DKVM_ERROR_IO when the top folder cannot be read.
 */
GPtrArray *dkvm_data_partition_list(const DkvmDataPartition *self, const gchar *const *suffixes,
                                    GError **error);

G_END_DECLS
