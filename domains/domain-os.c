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
 * goes to OVMF as the fw_cfg file opt/ovmf/X-PciMmio64Mb (see
 * apply_mmio_window for why through <qemu:commandline>).
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

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"
/* the value of DKVM's second argument starts so; "-fw_cfg" comes before it */
#define MMIO64_ARG_PREFIX "name=opt/ovmf/X-PciMmio64Mb,"

static gboolean
is_qemu_element(xmlNode *n, const gchar *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       g_strcmp0((const gchar *)n->ns->href, QEMU_NS) == 0 &&
	       g_strcmp0((const gchar *)n->name, name) == 0;
}

static xmlNode *
qemu_commandline(xmlNode *root)
{
	for (xmlNode *n = root->children; n != NULL; n = n->next) {
		if (is_qemu_element(n, "commandline"))
			return n;
	}
	return NULL;
}

static xmlNode *
add_qemu_arg(xmlNode *commandline, const gchar *value)
{
	xmlNode *arg = xmlNewChild(commandline, commandline->ns, (const xmlChar *)"arg", NULL);
	dkvm_tree_set(arg, "value", value);
	return arg;
}

/* Removes DKVM's two arguments (-fw_cfg name=opt/ovmf/X-PciMmio64Mb,...). */
static void
remove_mmio_args(xmlNode *commandline)
{
	xmlNode *n = commandline->children;

	while (n != NULL) {
		xmlNode *next = n->next;
		g_autofree gchar *value =
		        is_qemu_element(n, "arg") ? dkvm_tree_get(n, "value") : NULL;

		if (value != NULL && g_str_has_prefix(value, MMIO64_ARG_PREFIX)) {
			xmlNode *prev = xmlPreviousElementSibling(n);
			g_autofree gchar *prev_value =
			        is_qemu_element(prev, "arg") ? dkvm_tree_get(prev, "value") : NULL;
			if (g_strcmp0(prev_value, "-fw_cfg") == 0)
				dkvm_tree_remove(prev);
			dkvm_tree_remove(n);
		}
		n = next;
	}
}

/*
 * libvirt reserves fw_cfg names under opt/ovmf/ in <sysinfo type='fwcfg'>
 * ("That firmware name is reserved", libvirt 9), so the window goes to QEMU
 * as the original DKVM gave it: -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=N
 * in <qemu:commandline>. DKVM owns those two arguments; the rest of a
 * person's command line stays, and an element left empty goes.
 */
static void
apply_mmio_window(DkvmApplyCtx *ctx)
{
	guint64 mb = ctx->plan->passthrough != NULL ? ctx->plan->passthrough->mmio64_mb : 0;
	xmlNode *commandline = qemu_commandline(ctx->root);
	g_autofree gchar *value = NULL;

	if (commandline != NULL)
		remove_mmio_args(commandline);
	if (mb == 0) {
		if (commandline != NULL && xmlFirstElementChild(commandline) == NULL)
			dkvm_tree_remove(commandline);
		return;
	}
	if (commandline == NULL) {
		xmlNs *ns = xmlSearchNsByHref(ctx->doc, ctx->root, (const xmlChar *)QEMU_NS);
		if (ns == NULL)
			ns = xmlNewNs(ctx->root, (const xmlChar *)QEMU_NS, (const xmlChar *)"qemu");
		commandline = xmlNewChild(ctx->root, ns, (const xmlChar *)"commandline", NULL);
	}
	value = g_strdup_printf(MMIO64_ARG_PREFIX "string=%" G_GUINT64_FORMAT, mb);
	add_qemu_arg(commandline, "-fw_cfg");
	add_qemu_arg(commandline, value);
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
