/*
 * The host report people read: `dkvm host` (full), `dkvm host --summary`,
 * and the menu's Host screen (the IOMMU part with its warnings). Text
 * only, from DkvmHostFacts alone: the CLI and the menu print the same
 * lines, and nothing here reads the machine.
 */
#pragma once

#include <glib.h>

#include "host-facts.h"

G_BEGIN_DECLS

typedef enum {
	DKVM_HOST_REPORT_FULL,    /* `dkvm host`: CPUs, memory, IOMMU, PCI by group, USB, notes */
	DKVM_HOST_REPORT_SUMMARY, /* `dkvm host --summary`: GPUs, USB controllers, USB devices */
	DKVM_HOST_REPORT_IOMMU,   /* the menu's Host screen: warnings, IOMMU, kernel options,
	                           * PCI by group, notes */
} DkvmHostReportForm;

/* The report in @form; every line is a fact from @host. */
gchar *dkvm_host_report_text(const DkvmHostFacts *host, DkvmHostReportForm form);

/*
 * What stands in the way of passthrough on @host, one sentence each
 * (gchar*): the IOMMU off, pcie_acs_override in use, a GPU whose IOMMU group
 * holds devices other than its own functions (no ACS isolation), only one
 * GPU (or none). Empty when nothing does.
 */
GPtrArray *dkvm_host_report_warnings(const DkvmHostFacts *host);

G_END_DECLS
