/*
 * PCI part of host discovery: devices through libpci (sysfs access, names
 * from pci.ids) and the IOMMU groups from /sys/kernel/iommu_groups.
 */
#pragma once

#include "host-facts.h"

G_BEGIN_DECLS

/* Fills facts->pci, facts->iommu_groups and facts->iommu_enabled; notes
 * what is missing (no PCI bus in sysfs, no IOMMU, unreadable devices). */
void dkvm_host_read_pci(DkvmHostFacts *facts);

G_END_DECLS
