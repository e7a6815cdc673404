/*
 * <os>: firmware. DKVM asks libvirt's firmware autoselection for OVMF
 * (<os firmware='efi'> with the secure-boot and enrolled-keys features)
 * instead of naming files: Debian and Alpine install OVMF under different
 * names, and libvirt knows which build does Secure Boot. BIOS guests get
 * SeaBIOS (no firmware attribute).
 *
 * A domain whose firmware already says what the spec asks (also one with an
 * explicit <loader>/<nvram> a person wrote, e.g. NixOS store paths) is left
 * as it is; only a change of firmware rewrites it.
 *
 * The 64-bit MMIO window of a plan with large BARs (plan-passthrough-quirks.c)
 * goes to OVMF as the fw_cfg file opt/ovmf/X-PciMmio64Mb, through
 * <sysinfo type='fwcfg'>: DKVM owns that one entry; other entries a person
 * wrote there stay.
 */
#include "domain-apply.h"
#include "domain-tree.h"

void
dkvm_domain_read_os(xmlNode *root, gboolean *uefi, gboolean *secure_boot)
{
	xmlNode *os = dkvm_tree_child(root, "os");
	xmlNode *loader = os != NULL ? dkvm_tree_child(os, "loader") : NULL;
	xmlNode *firmware = os != NULL ? dkvm_tree_child(os, "firmware") : NULL;
	xmlNode *sb = firmware != NULL
	                      ? dkvm_tree_child_with(firmware, "feature", "name", "secure-boot")
	                      : NULL;
	g_autofree gchar *fw = dkvm_tree_get(os, "firmware");
	g_autofree gchar *loader_type = dkvm_tree_get(loader, "type");
	g_autofree gchar *loader_secure = dkvm_tree_get(loader, "secure");
	g_autofree gchar *sb_enabled = dkvm_tree_get(sb, "enabled");

	*uefi = g_strcmp0(fw, "efi") == 0 || g_strcmp0(loader_type, "pflash") == 0;
	*secure_boot = *uefi && (g_strcmp0(sb_enabled, "yes") == 0 ||
	                         (sb == NULL && g_strcmp0(loader_secure, "yes") == 0));
}

#define MMIO64_ENTRY "opt/ovmf/X-PciMmio64Mb"

static void
apply_mmio_window(DkvmApplyCtx *ctx)
{
	guint64 mb = ctx->plan->passthrough != NULL ? ctx->plan->passthrough->mmio64_mb : 0;
	xmlNode *sysinfo = dkvm_tree_child_with(ctx->root, "sysinfo", "type", "fwcfg");
	xmlNode *entry = sysinfo != NULL
	                         ? dkvm_tree_child_with(sysinfo, "entry", "name", MMIO64_ENTRY)
	                         : NULL;
	g_autofree gchar *value = NULL;

	if (mb == 0) {
		if (entry != NULL)
			dkvm_tree_remove(entry);
		if (sysinfo != NULL && xmlFirstElementChild(sysinfo) == NULL)
			dkvm_tree_remove(sysinfo); /* only the type was left: DKVM's own */
		return;
	}
	if (sysinfo == NULL) {
		sysinfo = dkvm_tree_add(ctx->root, "sysinfo");
		dkvm_tree_set(sysinfo, "type", "fwcfg");
	}
	if (entry == NULL) {
		entry = dkvm_tree_add(sysinfo, "entry");
		dkvm_tree_set(entry, "name", MMIO64_ENTRY);
	}
	value = g_strdup_printf("%" G_GUINT64_FORMAT, mb);
	dkvm_tree_set_text(entry, value);
}

gboolean
dkvm_domain_apply_os(DkvmApplyCtx *ctx, GError **error)
{
	xmlNode *os = dkvm_tree_ensure(ctx->root, "os");
	xmlNode *firmware, *feature;
	gboolean uefi = FALSE, secure_boot = FALSE;

	if (dkvm_tree_child(os, "type") == NULL) {
		xmlNode *type = dkvm_tree_add(os, "type");
		dkvm_tree_set(type, "arch", "x86_64");
		dkvm_tree_set(type, "machine", "q35");
		dkvm_tree_set_text(type, "hvm");
	}
	apply_mmio_window(ctx);
	dkvm_domain_read_os(ctx->root, &uefi, &secure_boot);
	if (uefi == ctx->spec->uefi && secure_boot == ctx->plan->secure_boot)
		return TRUE;

	dkvm_tree_remove_all(os, "loader");
	dkvm_tree_remove_all(os, "nvram");
	dkvm_tree_remove_all(os, "firmware");
	if (!ctx->spec->uefi) {
		dkvm_tree_set(os, "firmware", NULL);
		return TRUE;
	}
	dkvm_tree_set(os, "firmware", "efi");
	firmware = dkvm_tree_add(os, "firmware");
	if (ctx->plan->secure_boot) {
		feature = xmlNewChild(firmware, NULL, (const xmlChar *)"feature", NULL);
		dkvm_tree_set(feature, "enabled", "yes");
		dkvm_tree_set(feature, "name", "enrolled-keys");
	}
	feature = xmlNewChild(firmware, NULL, (const xmlChar *)"feature", NULL);
	dkvm_tree_set(feature, "enabled", ctx->plan->secure_boot ? "yes" : "no");
	dkvm_tree_set(feature, "name", "secure-boot");
	return TRUE;
}
