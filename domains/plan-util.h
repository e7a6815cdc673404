/*
 * Small helpers shared by the planners (plan-*.c) and nothing else: sorted
 * guint sets in GArrays and printf-style lines for the
 * warnings and rationale arrays. Kept private so the planners' public
 * header stays about plans.
 */
#pragma once

#include <glib.h>

#include "format-size.h"

G_BEGIN_DECLS

GArray *dkvm_plan_uint_array_new(void);
gboolean dkvm_plan_uint_array_contains(const GArray *arr, guint value);
/* Adds @value unless present, keeping the array sorted. */
void dkvm_plan_uint_array_add_sorted(GArray *arr, guint value);
GPtrArray *dkvm_plan_lines_new(void);
void dkvm_plan_line(GPtrArray *lines, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

/* The guest NUMA cells and the hugepages' nodes as `dkvm plan` shows them
 * (plan-cpu.c, plan-hugepages.c): "  NUMA: ..." lines, "nodes 1: N, 0: M"
 * (or "node 1", "any node"), and the JSON arrays of README.md. */
struct _JsonBuilder;
struct _DkvmHugepagePlan;
void dkvm_plan_text_numa_cells(GString *out, const GPtrArray *cells);
void dkvm_plan_json_numa_cells(struct _JsonBuilder *b, const GPtrArray *cells);
gchar *dkvm_plan_hugepage_source(const struct _DkvmHugepagePlan *hp);
void dkvm_plan_json_hugepage_cells(struct _JsonBuilder *b, const GArray *cells);

G_END_DECLS
