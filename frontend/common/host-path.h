/*
 * Where host paths (/sys, /proc, /run) hang from: "/" on a real host, or the
 * tree named by DKVM_SYSFS_ROOT, so host discovery, the hugepage pool,
 * start-time device checks and monitoring can be tested on a tree of their
 * own (fwupd's fu_path_from_kind is the model). Every read or write of a
 * kernel file goes through dkvm_host_path; messages name the kernel's path
 * ("/" DKVM_PATH_...).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The kernel directories DKVM reads, relative to the root. */
#define DKVM_PATH_CPU          "sys/devices/system/cpu"
#define DKVM_PATH_NODE         "sys/devices/system/node"
#define DKVM_PATH_HUGEPAGES    "sys/kernel/mm/hugepages"
#define DKVM_PATH_PCI_DEVICES  "sys/bus/pci/devices"
#define DKVM_PATH_IOMMU_GROUPS "sys/kernel/iommu_groups"

/* @relative ("sys/kernel/mm/hugepages") under the root; free with g_free. */
gchar *dkvm_host_path(const gchar *relative);

/* As dkvm_host_path, the relative path formatted first. */
gchar *dkvm_host_pathf(const gchar *format, ...) G_GNUC_PRINTF(1, 2);

/*
 * A hugepage pool's sysfs directory relative to the root: the global pool
 * of @page_kib pages (@node < 0, sys/kernel/mm/hugepages/hugepages-<N>kB) or
 * that of host node @node (sys/devices/system/node/node<n>/hugepages/...).
 */
gchar *dkvm_host_hugepage_pool_relpath(guint64 page_kib, gint node);

G_END_DECLS
