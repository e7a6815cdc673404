/*
 * The hugepage pools changed now, from a face (the menu's Hugepages
 * screen): a pool resized to a number of pages, or the pages one VM needs
 * made free ahead of its start. Over frontend/system's pool code, so the
 * faces never touch sysfs themselves; no libvirt (the binary's half of
 * frontend/vm).
 */
#pragma once

#include <glib.h>

#include "domain-xml-read.h"
#include "host-facts.h"

G_BEGIN_DECLS

/*
 * Resizes @pool (as just read) to @total pages: more are reserved now (the
 * kernel may compact memory first, which can take seconds; a pool that
 * cannot grow enough is put back, DKVM_ERROR_INSUFFICIENT saying how much is
 * missing), fewer give free pages back (never below the pages in use).
 */
gboolean dkvm_vm_hugepages_resize(const DkvmHugepagePool *pool, guint64 total, GError **error);

/*
 * Makes sure the pages @domain needs are free in their pools now (per host
 * node when its memory is bound to nodes). @report (optional) gets one line
 * per pool: "512 pages of 2 MiB free (472 added now)". They are not
 * recorded as the VM's: its start finds them free, its stop leaves them.
 */
gboolean dkvm_vm_hugepages_reserve(const DkvmDomainXml *domain, GPtrArray *report, GError **error);

G_END_DECLS
