/*
 * Memory part of host discovery: /proc/meminfo, per-node meminfo and the
 * hugepage pools (global and per NUMA node).
 */
#pragma once

#include "host-facts.h"

G_BEGIN_DECLS

/* Fills memory, NUMA node sizes and hugepage pools of @facts; notes what is
 * missing. Call after dkvm_host_read_cpus() (it adds to its NUMA nodes). */
void dkvm_host_read_memory(DkvmHostFacts *facts);

G_END_DECLS
