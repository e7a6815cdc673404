/*
 * The boot-time hugepages of a DKVM host (`dkvm host boot-hugepages`, run by
 * the dkvm-boot service): with boot_hugepages=on in dkvm.conf, the pages
 * every defined VM needs together (the same count as the kernel options of
 * domains/hugepage-boot.h) are made free in their pools early in the boot,
 * before memory fragments. Where the boot loader's options reserved them
 * already nothing changes; where they are missing or the kernel gave fewer,
 * the pools grow now. The VMs are read from libvirt's files (libvirtd is not
 * running yet). No libvirt: in vm_core.
 */
#pragma once

#include <glib.h>

#include "vm-domain-files.h"

G_BEGIN_DECLS

/*
 * Reserves what the VMs of @xml_dir need. @report gets one line per pool
 * ("8 pages of 1.0 GiB free on node 0 (2 added now)"), @skipped one line per
 * domain file that could not be read. FALSE when a pool cannot grow enough
 * (DKVM_ERROR_INSUFFICIENT, saying how much is missing; the other pools are
 * still reserved) or @xml_dir cannot be read.
 */
gboolean dkvm_vm_boot_hugepages(const gchar *xml_dir, GPtrArray *report, GPtrArray *skipped,
                                GError **error);

G_END_DECLS
