/*
 * The public entry points of DKVM's libvirt domain XML: create a domain
 * from a preset template, apply a spec and plan onto an existing domain
 * (changing only what DKVM owns, see domain-owned.h), and read a spec back
 * from a domain. Pure: strings in, strings out; no file system beyond the
 * compiled-in templates, no libvirt calls.
 */
#pragma once

#include <glib.h>

#include "host-facts.h"
#include "plan.h"
#include "spec.h"

G_BEGIN_DECLS

/*
 * The domain XML for @spec on the host the plan was made for, starting from
 * the spec's preset template. DKVM_ERROR_INVALID for a spec that fails
 * dkvm_spec_validate() or a disk path DKVM refuses.
 */
gchar *dkvm_domain_create_xml(const DkvmSpec *spec, const DkvmPlan *plan, const DkvmHostFacts *host,
                              GError **error);

/*
 * @xml with @spec and @plan applied: the elements DKVM owns are rewritten,
 * everything else (comments, <qemu:commandline>, devices a person added,
 * unknown attributes) is kept. Applying the same spec twice gives the same
 * text. On error nothing is returned and @xml is untouched;
 * DKVM_ERROR_INVALID for XML that is not a QEMU/KVM domain, or a uuid
 * that does not match the domain's.
 */
gchar *dkvm_domain_apply_xml(const gchar *xml, const DkvmSpec *spec, const DkvmPlan *plan,
                             const DkvmHostFacts *host, GError **error);

/* The parts of a domain an edit can touch, each one apply function. */
typedef enum {
	DKVM_DOMAIN_AREA_DEVICES =
	        1 << 0, /* disks, CD-ROMs, NICs, hostdevs, TPM, evdev, video, balloon */
	DKVM_DOMAIN_AREA_MEMORY = 1 << 1,   /* memory, memoryBacking */
	DKVM_DOMAIN_AREA_CPU = 1 << 2,      /* type, vcpu, iothreads, cputune, numatune, cpu */
	DKVM_DOMAIN_AREA_FEATURES = 1 << 3, /* features, clock */
	DKVM_DOMAIN_AREA_OS = 1 << 4,       /* os, firmware */
	DKVM_DOMAIN_AREA_ALL = 0x1f,
} DkvmDomainArea;

/*
 * The areas an edit from @old to @new has to rewrite (spec.c): those where
 * the two specs differ, plus the areas a change reaches into (a PCI device
 * moves the NUMA node, so pinning and hugepages; a disk brings an I/O
 * thread). 0 when they are the same; everything for another preset.
 */
DkvmDomainArea dkvm_spec_diff_areas(const DkvmSpec *old, const DkvmSpec *new);

/*
 * Like dkvm_domain_apply_xml(), but only the @areas are rewritten (name,
 * uuid and DKVM's metadata always are): `dkvm vm edit --memory 12G` on a
 * domain DKVM never managed changes the memory, not the CPU model a person
 * chose. DKVM's record of the devices it manages is carried over when the
 * devices are left alone.
 */
gchar *dkvm_domain_apply_xml_areas(const gchar *xml, const DkvmSpec *spec, const DkvmPlan *plan,
                                   const DkvmHostFacts *host, DkvmDomainArea areas, GError **error);

/* When @old_xml had guest NUMA cells (<cpu><numa>) and @new_xml has other
 * ones (DKVM writes the cells from the plan), a one-line note saying what
 * they were and what they are now, for `vm edit` to print; else NULL. */
gchar *dkvm_domain_numa_note(const gchar *old_xml, const gchar *new_xml);

/*
 * The spec a domain says: DKVM's metadata for the switches and the PCI
 * selection, libvirt's own elements for the rest. A domain DKVM never
 * touched (no metadata) gives a best guess with no DKVM-managed devices.
 */
DkvmSpec *dkvm_domain_read_spec(const gchar *xml, GError **error);

G_END_DECLS
