/*
 * The reader behind dkvm_host_facts_from_json() (host-facts.h): a host from
 * its JSON form, every type, range and reference checked, the first fault
 * refused with its JSON path (DKVM_ERROR_INVALID).
 */
#pragma once

#include "host-facts.h"

G_BEGIN_DECLS

/* Real hosts give some 40 KiB, a 256-CPU server with 150 PCI devices some 150 KiB;
 * the cap keeps loading and planning a hostile file under a second. */
#define DKVM_HOST_JSON_MAX_BYTES (1024 * 1024)

/* @check_references FALSE: siblings, L3/NUMA members, PCI functions and IOMMU
 * group members may name CPUs or devices the host does not list (a deep copy
 * of a host built in code); every other check still applies. */
DkvmHostFacts *dkvm_host_facts_read_json(const gchar *json, gboolean check_references,
                                         GError **error);

G_END_DECLS
