/*
 * The data partition as the faces reach it (frontend/system's
 * data-partition.h behind frontend/vm, the faces' one door): the partition
 * dkvm.conf names, and the files on it. No libvirt: in the binary's core.
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "data-partition.h"

G_BEGIN_DECLS

/* The partition labelled dkvm.conf's data_label, and where it is mounted;
 * NULL with the reason (dkvm.conf unreadable, no such label, not mounted). */
DkvmDataPartition *dkvm_vm_data_partition(DkvmApp *app, GError **error);

/* dkvm_data_partition_list: the files on @data ending in one of @suffixes. */
GPtrArray *dkvm_vm_data_files(const DkvmDataPartition *data, const gchar *const *suffixes,
                              GError **error);

G_END_DECLS
