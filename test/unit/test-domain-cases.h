/*
 * The golden cases of the domain XML tests: a spec, the fixture host it is
 * planned on, and the golden file it must produce. Shared by
 * test-domain-xml.c (goldens, idempotence, read-back) and
 * test-domain-edits.c (hand edits, owned XPaths); the schema suite checks
 * the same golden files with virt-xml-validate.
 */
#pragma once

#include <glib.h>

#include "host-facts.h"
#include "plan.h"
#include "spec.h"

G_BEGIN_DECLS

typedef struct {
	const gchar *name; /* golden file test/data/domains/<name>.xml */
	const gchar *host; /* test/data/domains/hosts/<host>.json, or "hosts-json/<name>" */
	DkvmSpec *(*build)(void);
} DkvmDomainCase;

/* NULL-terminated. */
extern const DkvmDomainCase dkvm_domain_cases[];

/* Path under the source tree's test/data (DKVM_TEST_DATA). */
gchar *dkvm_test_data_path(const gchar *first, ...) G_GNUC_NULL_TERMINATED;

/* Loads a host JSON fixture; aborts the test on failure. */
DkvmHostFacts *dkvm_test_load_host(const gchar *name);

/* The case's spec planned on its host, the XML created from it. */
DkvmPlan *dkvm_test_plan(const DkvmHostFacts *host, const DkvmSpec *spec);
gchar *dkvm_test_create(const DkvmDomainCase *c, DkvmSpec **spec_out, DkvmPlan **plan_out,
                        DkvmHostFacts **host_out);

/* Every field of a spec in one canonical text, to compare specs. */
gchar *dkvm_test_spec_to_string(const DkvmSpec *spec);

/* Compares @actual with the golden file; DKVM_TEST_REGENERATE=1 rewrites it. */
void dkvm_test_assert_golden(const gchar *actual, const gchar *relpath);

G_END_DECLS
