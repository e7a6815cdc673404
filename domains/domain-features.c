/*
 * <features> and <clock>: ACPI/APIC for every guest; for Windows guests the
 * Hyper-V enlightenments (the set virt-manager and the VFIO guides use,
 * with spinlocks at 8191 and direct stimers) and the hypervclock timer in
 * local time; Linux guests keep UTC and get none of them. The optional
 * Hyper-V vendor_id and <kvm><hidden> hide the hypervisor from drivers that
 * look for it.
 *
 * Which enlightenments are written is the plan's (plan-hypervisor.c): the
 * ones libvirt reports supported whose QEMU dependencies remain, none under
 * TCG, and hypervclock only under KVM. Under KVM on a host whose kernel
 * lacks some (nested KVM), writing the whole set stops QEMU ("kernel
 * doesn't allow setting HyperV VP_INDEX"), measured here.
 *
 * Only the enlightenments listed below are DKVM's; others a person added
 * (evmcs, avic) stay.
 */
#include "domain-apply.h"
#include "domain-tree.h"

static void
apply_hyperv(DkvmApplyCtx *ctx, xmlNode *features, gboolean want)
{
	xmlNode *hyperv = dkvm_tree_child(features, "hyperv");
	const GPtrArray *on = ctx->plan->hyperv;
	gboolean vendor_id = ctx->plan->hyperv_vendor_id && ctx->spec->hyperv_vendor_id != NULL;

	/* DKVM's whole set goes first: the plan may hold only part of it */
	if (hyperv != NULL) {
		const gchar *const *all = dkvm_hyperv_enlightenments();
		for (guint i = 0; all[i] != NULL; i++)
			dkvm_tree_remove_all(hyperv, all[i]);
	}
	if (on == NULL || (on->len == 0 && !vendor_id))
		want = FALSE;
	if (!want) {
		if (hyperv == NULL)
			return;
		dkvm_tree_remove_all(hyperv, "vendor_id");
		/* a person's own enlightenments keep the element */
		for (xmlNode *n = hyperv->children; n != NULL; n = n->next) {
			if (n->type == XML_ELEMENT_NODE)
				return;
		}
		dkvm_tree_remove(hyperv);
		return;
	}
	if (hyperv == NULL)
		hyperv = dkvm_tree_add(features, "hyperv");
	dkvm_tree_set(hyperv, "mode", "custom");
	for (guint i = 0; i < on->len; i++) {
		const gchar *name = g_ptr_array_index(on, i);
		xmlNode *n = dkvm_tree_add(hyperv, name);
		dkvm_tree_set(n, "state", "on");
		if (g_strcmp0(name, "spinlocks") == 0)
			dkvm_tree_set(n, "retries", "8191");
		if (g_strcmp0(name, "stimer") == 0)
			dkvm_tree_set(dkvm_tree_add(n, "direct"), "state", "on");
	}
	dkvm_tree_remove_all(hyperv, "vendor_id");
	if (vendor_id) {
		xmlNode *v = dkvm_tree_add(hyperv, "vendor_id");
		dkvm_tree_set(v, "state", "on");
		dkvm_tree_set(v, "value", ctx->spec->hyperv_vendor_id);
	}
}

static void
apply_kvm_hidden(DkvmApplyCtx *ctx, xmlNode *features)
{
	xmlNode *kvm = dkvm_tree_child(features, "kvm");

	if (kvm != NULL)
		dkvm_tree_remove_all(kvm, "hidden");
	if (ctx->spec->kvm_hidden) {
		if (kvm == NULL)
			kvm = dkvm_tree_add(features, "kvm");
		dkvm_tree_set(dkvm_tree_add(kvm, "hidden"), "state", "on");
	}
	dkvm_tree_remove_if_empty(kvm);
}

static void
apply_clock(DkvmApplyCtx *ctx, gboolean windows)
{
	xmlNode *clock = dkvm_tree_ensure(ctx->root, "clock");

	dkvm_tree_set(clock, "offset", windows ? "localtime" : "utc");
	dkvm_tree_remove(dkvm_tree_child_with(clock, "timer", "name", "hypervclock"));
	if (windows && ctx->plan->hypervclock) {
		xmlNode *timer = xmlNewChild(clock, NULL, (const xmlChar *)"timer", NULL);
		dkvm_tree_set(timer, "name", "hypervclock");
		dkvm_tree_set(timer, "present", "yes");
	}
}

gboolean
dkvm_domain_apply_features(DkvmApplyCtx *ctx, GError **error)
{
	gboolean windows = dkvm_preset_is_windows(ctx->spec->preset);
	xmlNode *features = dkvm_tree_ensure(ctx->root, "features");

	dkvm_tree_ensure(features, "acpi");
	dkvm_tree_ensure(features, "apic");
	apply_hyperv(ctx, features, windows);
	apply_kvm_hidden(ctx, features);
	/* Secure Boot firmware needs SMM; libvirt would add it, say it here.
	 * Without Secure Boot it goes (the windows11 template has it): nested
	 * KVM refuses SMM ("System Management Mode not supported by this
	 * hypervisor"), measured here, and nothing else needs it. */
	if (ctx->plan->secure_boot)
		dkvm_tree_set(dkvm_tree_ensure(features, "smm"), "state", "on");
	else
		dkvm_tree_remove_all(features, "smm");
	apply_clock(ctx, windows);
	return TRUE;
}

void
dkvm_domain_read_features(xmlNode *root, DkvmSpec *spec)
{
	xmlNode *features = dkvm_tree_child(root, "features");
	xmlNode *hyperv = features != NULL ? dkvm_tree_child(features, "hyperv") : NULL;
	xmlNode *kvm = features != NULL ? dkvm_tree_child(features, "kvm") : NULL;
	xmlNode *vendor = hyperv != NULL ? dkvm_tree_child(hyperv, "vendor_id") : NULL;
	xmlNode *hidden = kvm != NULL ? dkvm_tree_child(kvm, "hidden") : NULL;
	g_autofree gchar *hidden_state = dkvm_tree_get(hidden, "state");
	g_autofree gchar *vendor_state = dkvm_tree_get(vendor, "state");

	g_clear_pointer(&spec->hyperv_vendor_id, g_free);
	if (vendor != NULL && g_strcmp0(vendor_state, "off") != 0)
		spec->hyperv_vendor_id = dkvm_tree_get(vendor, "value");
	spec->kvm_hidden = g_strcmp0(hidden_state, "on") == 0;
}
