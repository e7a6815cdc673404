/*
 * The VM options shared by `dkvm plan`, `dkvm vm create` and
 * `dkvm vm edit`: one GOptionEntry set, applied onto a DkvmSpec. For create
 * the spec starts from the preset's defaults; for edit it is the spec read
 * back from the domain, and only what is given on the command line changes.
 * A list option (--pci, --disk, --usb...) given at all replaces that list.
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "domain-xml.h"
#include "plan.h"
#include "spec.h"
#include "vm-plan.h"

G_BEGIN_DECLS

typedef struct {
	gchar *preset;
	gchar *vcpus; /* NULL: not given; parsed (and refused when not 1 or more) on apply */
	gchar *memory;
	gchar **pci;
	gchar **rom;
	gchar **usb;
	gchar **usb_optional;
	gchar **disk;
	gchar **cdrom;
	gchar **network;
	gboolean tpm, no_tpm;
	gboolean hugepages, no_hugepages;
	gboolean lock_memory, no_lock_memory;
	gboolean pinning, no_pinning;
	gboolean secure_boot, no_secure_boot;
	gboolean uefi, bios;
	gboolean realtime, no_realtime;
	gboolean kvm_hidden, no_kvm_hidden;
	gboolean early_bind, no_early_bind;
	gchar *hyperv_vendor_id;
	gchar **evdev;
	gchar *looking_glass; /* --looking-glass WIDTHxHEIGHT */
	gboolean no_looking_glass;
	gchar *host_json;
	DkvmHostFacts *loaded_host; /* from --host-json */
	/* `dkvm plan`: when libvirt cannot be asked, plan from the host's facts
	 * (and say so) instead of failing */
	gboolean hypervisor_optional;
} DkvmSpecOptions;

DkvmSpecOptions *dkvm_spec_options_new(void);
void dkvm_spec_options_free(DkvmSpecOptions *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmSpecOptions, dkvm_spec_options_free)

/* The shared entries followed by a command's own @extra (may be NULL), in a
 * new NULL-terminated array (g_free it; it points into @self). */
GOptionEntry *dkvm_spec_options_entries(DkvmSpecOptions *self, const GOptionEntry *extra);

/* The entries of `vm edit`: as above, without --preset in its --help (a VM's
 * preset is chosen once, by create). Still parsed, so that edit can refuse
 * it with a hint rather than call it unknown. */
GOptionEntry *dkvm_spec_options_edit_entries(DkvmSpecOptions *self, const GOptionEntry *extra);

/* --preset, else windows11. DKVM_ERROR_INVALID for an unknown name. */
gboolean dkvm_spec_options_get_preset(const DkvmSpecOptions *self, DkvmPreset *out, GError **error);

/* Applies what was given onto @spec; on error @spec is unchanged. */
gboolean dkvm_spec_options_apply(const DkvmSpecOptions *self, DkvmSpec *spec, GError **error);

/* The host to plan on: --host-json FILE, else this machine (discovered). */
const DkvmHostFacts *dkvm_spec_options_get_host(DkvmSpecOptions *self, DkvmApp *app,
                                                GError **error);

/* Where the hypervisor's facts come from: none with --host-json (a saved
 * host), else libvirt (optional for `dkvm plan`). */
DkvmVmHypervisor dkvm_spec_options_hypervisor(const DkvmSpecOptions *self);

/* The plan for @spec on @host with dkvm.conf's host settings, for the
 * hypervisor libvirt reports (domain capabilities, through the libvirt
 * module); with --host-json for no hypervisor (host facts alone, no
 * connection). */
DkvmPlan *dkvm_spec_options_plan_on(DkvmSpecOptions *self, DkvmApp *app, const DkvmHostFacts *host,
                                    const DkvmSpec *spec, GError **error);

/* The plan for @spec on the host above with dkvm.conf's host settings. */
DkvmPlan *dkvm_spec_options_plan(DkvmSpecOptions *self, DkvmApp *app, const DkvmSpec *spec,
                                 GError **error);

G_END_DECLS
