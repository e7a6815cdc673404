/*
 * <features> and <clock>: ACPI/APIC for every guest; for Windows guests the
 * Hyper-V enlightenments (the set virt-manager and the VFIO guides use,
 * with spinlocks at 8191 and direct stimers) and the hypervclock timer in
 * local time; Linux guests keep UTC and get none of them. The optional
 * Hyper-V vendor_id and <kvm><hidden> hide the hypervisor from drivers that
 * look for it.
 *
 * Without KVM the enlightenments are left out: QEMU under TCG refuses them
 * ("kernel doesn't allow setting HyperV VP_INDEX"), measured here.
 *
 * Only the enlightenments listed below are DKVM's; others a person added
 * (evmcs, avic) stay.
 */
#include "domain-apply.h"
#include "domain-tree.h"

static const gchar *const hyperv_on[] = {
	"relaxed", "vapic", "spinlocks",   "vpindex",         "runtime",  "synic",
	"stimer",  "reset", "frequencies", "reenlightenment", "tlbflush", "ipi",
};

static void
apply_hyperv(DkvmApplyCtx *ctx, xmlNode *features, gboolean want)
{
	xmlNode *hyperv = dkvm_tree_child(features, "hyperv");

	if (!want) {
		if (hyperv == NULL)
			return;
		for (guint i = 0; i < G_N_ELEMENTS(hyperv_on); i++)
			dkvm_tree_remove_all(hyperv, hyperv_on[i]);
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
	for (guint i = 0; i < G_N_ELEMENTS(hyperv_on); i++) {
		xmlNode *n;
		dkvm_tree_remove_all(hyperv, hyperv_on[i]);
		n = dkvm_tree_add(hyperv, hyperv_on[i]);
		dkvm_tree_set(n, "state", "on");
		if (g_strcmp0(hyperv_on[i], "spinlocks") == 0)
			dkvm_tree_set(n, "retries", "8191");
		if (g_strcmp0(hyperv_on[i], "stimer") == 0)
			dkvm_tree_set(dkvm_tree_add(n, "direct"), "state", "on");
	}
	dkvm_tree_remove_all(hyperv, "vendor_id");
	if (ctx->spec->hyperv_vendor_id != NULL) {
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
	if (windows && ctx->plan->kvm) {
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
	apply_hyperv(ctx, features, windows && ctx->plan->kvm);
	apply_kvm_hidden(ctx, features);
	/* Secure Boot firmware needs SMM; libvirt would add it, say it here */
	if (ctx->spec->uefi && ctx->spec->secure_boot)
		dkvm_tree_set(dkvm_tree_ensure(features, "smm"), "state", "on");
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
