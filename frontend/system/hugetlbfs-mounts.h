/*
 * Where the kernel's hugetlbfs is mounted, per page size. QEMU maps a guest's
 * hugepage memory from a hugetlbfs mount of the page size the domain asks
 * for; without one a start fails late ("Unable to find any usable hugetlbfs
 * mount") after the pool was grown for nothing. Read from /proc/mounts under
 * dkvm_host_path(), so tests can give a tree of their own.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The mount point of a hugetlbfs whose page size is @page_kib: a mount with
 * `pagesize=` has that size, one without has the default hugepage size
 * (/proc/meminfo Hugepagesize). TRUE with *out_mount_point NULL when there is
 * none; FALSE (DKVM_ERROR_IO) when /proc/mounts cannot be read.
 */
gboolean dkvm_hugetlbfs_find_mount(guint64 page_kib, gchar **out_mount_point, GError **error);

/* The command that mounts one for @page_kib ("mount -t hugetlbfs -o pagesize=1G ..."). */
gchar *dkvm_hugetlbfs_mount_hint(guint64 page_kib);

G_END_DECLS
