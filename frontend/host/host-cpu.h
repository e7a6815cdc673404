/*
 * CPU part of host discovery: /proc/cpuinfo (vendor, model, flags) and the
 * sysfs topology (packages, dies, cores, clusters, SMT siblings, L3 groups,
 * NUMA nodes, Intel P/E cores).
 */
#pragma once

#include "host-facts.h"

G_BEGIN_DECLS

/* Fills the CPU fields of @facts; notes what is missing. FALSE (DKVM_ERROR_IO)
 * only when no CPU can be found at all. */
gboolean dkvm_host_read_cpus(DkvmHostFacts *facts, GError **error);

G_END_DECLS
