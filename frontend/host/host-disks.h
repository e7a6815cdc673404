/*
 * Block devices a VM can be given whole: the disks /dev/disk/by-id names,
 * each once, with the model and size sysfs reports. By-id names stay the same
 * across boots and ports, unlike /dev/sdX (which dkvm_disk_validate refuses).
 */
#pragma once

#include <glib.h>

#include "host-facts.h"

G_BEGIN_DECLS

typedef struct {
	gchar *path;        /* "/dev/disk/by-id/ata-Samsung_SSD_870_EVO_2TB_S6PN..." */
	gchar *kernel_name; /* "sda": what the link points at, for messages only */
	gchar *model;       /* sysfs device/model, NULL when unknown */
	guint64 size_bytes; /* sysfs size (512-byte sectors) in bytes */
	gchar *in_use;      /* why the host keeps it ("/dev/nvme0n1p1 is mounted at
	                     * /media/dkvmdata"), NULL when it is free to give */
} DkvmHostDisk;

void dkvm_host_disk_free(DkvmHostDisk *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmHostDisk, dkvm_host_disk_free)

/*
 * The whole disks under /dev/disk/by-id, sorted by path: partitions left out,
 * the DKVM boot medium's disk left out (found as dkvm_host_find_boot_block
 * finds it from @cmdline and /proc/mounts), and each disk once, under its
 * most readable name (a model-and-serial id before a wwn- or nvme-eui. one).
 * A disk with a mounted partition is listed with in_use set. Empty when
 * /dev/disk/by-id is missing.
 */
GPtrArray *dkvm_host_read_disks(const gchar *cmdline);

/*
 * Marks what carries a mounted block device as needed by the host: for every
 * /dev source in /proc/mounts (the data partition, any other mounted disk),
 * its USB device and PCI controller get host_needed with the mount as the
 * reason (a device already marked, the boot medium's, keeps its reason).
 * Giving that controller to a VM would pull the mounted file system away.
 */
void dkvm_host_mark_mounted_disks(DkvmHostFacts *facts);

/* How readable a /dev/disk/by-id name is: lower is better (exposed for tests). */
guint dkvm_host_disk_id_rank(const gchar *id);

G_END_DECLS
