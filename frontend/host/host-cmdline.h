/*
 * The kernel command line options that matter to passthrough and pinning
 * (intel_iommu, amd_iommu, iommu, pcie_acs_override, isolcpus, nohz_full,
 * rcu_nocbs, hugepagesz, hugepages, default_hugepagesz, vfio-pci.ids).
 */
#pragma once

#include "host-facts.h"

G_BEGIN_DECLS

/*
 * Parses @raw as the kernel does: options separated by blanks, a value may be
 * in double quotes, '-' and '_' are the same in option names, the last
 * occurrence wins, and "--" ends the kernel's part. hugepagesz and hugepages
 * may repeat (one pair per page size): their values are joined with ",".
 * Fills @out (cleared first), including out->raw.
 */
void dkvm_kernel_cmdline_parse(const gchar *raw, DkvmKernelCmdline *out);

/* The value of option @name in @raw (same rules as above, last one wins);
 * NULL when absent, "" when given without a value. */
gchar *dkvm_kernel_cmdline_get(const gchar *raw, const gchar *name);

/* Reads /proc/cmdline into facts->cmdline; notes when it is unreadable. */
void dkvm_host_read_cmdline(DkvmHostFacts *facts);

G_END_DECLS
