/*
 * Reserving the VMs' hugepages at boot: the kernel command line options
 * that give every defined VM its pages before memory fragments (1 GiB pages
 * can rarely be found later). dkvm.conf's boot_hugepages says whether the
 * image's boot loader carries them; the menu's Hugepages screen shows them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The options reserving what @domains (DkvmDomainXml*) need together, one
 * "hugepagesz=SIZE hugepages=COUNT" pair per page size, 1 GiB first (the
 * kernel finds whole gigabytes only early). A size whose pages are all
 * bound to host nodes uses the kernel's per-node form (hugepages=0:N,1:M);
 * otherwise the total. NULL when no VM uses hugepages.
 */
gchar *dkvm_hugepage_boot_options(const GPtrArray *domains);

/* The same reservation as numbers, in the options' order: pages of one
 * size on one host node (node -1: the global pool). */
typedef struct {
	guint64 size_kib;
	gint node;
	guint64 pages;
} DkvmHugepageBootNeed;

/* A new array of DkvmHugepageBootNeed, empty when no VM uses hugepages. */
GArray *dkvm_hugepage_boot_needs(const GPtrArray *domains);

G_END_DECLS
