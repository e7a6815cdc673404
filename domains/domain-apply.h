/*
 * What the domain-* area files share while one spec and plan are applied
 * onto one domain document. Internal to domains/: the public entry points
 * are in domain-xml.h. Each area file exports an apply function (changes
 * only the elements it owns, see domain-owned.c) and a read function (fills
 * the spec fields it owns back from a document).
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "domain-metadata.h"
#include "host-facts.h"
#include "plan.h"
#include "spec.h"

G_BEGIN_DECLS

typedef struct {
	xmlDoc *doc;
	xmlNode *root;
	const DkvmSpec *spec;
	const DkvmPlan *plan;
	const DkvmHostFacts *host;
	const DkvmMetadata *old_meta; /* what the document said before */
	guint areas;                  /* DkvmDomainArea: the areas being applied */
	DkvmMetadata *new_meta;       /* filled while applying, written last */
} DkvmApplyCtx;

/* The number of iothreads DKVM itself needs for the spec. */
guint dkvm_domain_iothreads_needed(const DkvmSpec *spec);

/* TRUE when the plan passes a GPU (or any PCI device) through. */
gboolean dkvm_plan_has_gpu(const DkvmPlan *plan);
gboolean dkvm_plan_has_pci(const DkvmPlan *plan);

/* Area files; apply in this order (devices first: iothreads counts them). */
gboolean dkvm_domain_apply_identity(DkvmApplyCtx *ctx, GError **error);
gboolean dkvm_domain_apply_devices(DkvmApplyCtx *ctx, GError **error);
gboolean dkvm_domain_apply_memory(DkvmApplyCtx *ctx, GError **error);
gboolean dkvm_domain_apply_cpu(DkvmApplyCtx *ctx, GError **error);
gboolean dkvm_domain_apply_features(DkvmApplyCtx *ctx, GError **error);
gboolean dkvm_domain_apply_os(DkvmApplyCtx *ctx, GError **error);

void dkvm_domain_read_identity(xmlNode *root, DkvmSpec *spec);
gboolean dkvm_domain_read_devices(xmlNode *root, const DkvmMetadata *meta, DkvmSpec *spec,
                                  GError **error);
gboolean dkvm_domain_read_memory(xmlNode *root, DkvmSpec *spec, GError **error);
void dkvm_domain_read_cpu(xmlNode *root, DkvmSpec *spec);
void dkvm_domain_read_features(xmlNode *root, DkvmSpec *spec);
void dkvm_domain_read_os(xmlNode *root, gboolean *uefi, gboolean *secure_boot);
/* TRUE when the domain has the Looking Glass shared memory device. */
gboolean dkvm_domain_has_looking_glass(xmlNode *root);

G_END_DECLS
