/*
 * The entry points of domain-xml.h: parse, check, run the area files in
 * order on a private copy of the document, write DKVM's metadata, and
 * serialise. Working on a private tree is what makes "on error nothing
 * changes" hold: the caller's XML is only ever replaced by a complete,
 * successful result.
 *
 * Parsing drops ignorable blanks and serialising re-indents, so the output
 * is stable whatever indentation a person used (libvirt re-indents on
 * define anyway); comments are nodes and survive. No entity substitution
 * and no network access while parsing.
 */
#include "domain-xml.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "domain-apply.h"
#include "dkvm-error.h"
#include "domain-template.h"
#include "domain-tree.h"

guint
dkvm_domain_iothreads_needed(const DkvmSpec *spec)
{
	if (spec->iothreads > 0)
		return spec->iothreads;
	return spec->disks->len > 0 ? 1 : 0;
}

gboolean
dkvm_plan_has_pci(const DkvmPlan *plan)
{
	return plan->passthrough != NULL && plan->passthrough->slots != NULL &&
	       plan->passthrough->slots->len > 0;
}

gboolean
dkvm_plan_has_gpu(const DkvmPlan *plan)
{
	if (!dkvm_plan_has_pci(plan))
		return FALSE;
	for (guint i = 0; i < plan->passthrough->slots->len; i++) {
		const DkvmPassthroughSlot *slot = g_ptr_array_index(plan->passthrough->slots, i);
		if (slot->is_gpu)
			return TRUE;
	}
	return FALSE;
}

/* A domain DKVM manages: one libvirt domain document (dkvm_tree_read_domain)
 * of QEMU/KVM type. */
static xmlDoc *
parse_domain(const gchar *xml, GError **error)
{
	g_autoptr(xmlDoc) doc = dkvm_tree_read_domain(xml, error);
	g_autofree gchar *type = NULL;

	if (doc == NULL)
		return NULL;
	type = dkvm_tree_get(xmlDocGetRootElement(doc), "type");
	if (g_strcmp0(type, "kvm") != 0 && g_strcmp0(type, "qemu") != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid domain XML: DKVM manages QEMU/KVM domains, this one is "
		            "type '%s'",
		            type != NULL ? type : "");
		return NULL;
	}
	return g_steal_pointer(&doc);
}

static gchar *
serialise(xmlDoc *doc)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	gchar *out;

	xmlSaveDoc(save, doc);
	xmlSaveClose(save);
	out = g_strdup((const gchar *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return out;
}

gboolean
dkvm_domain_apply_identity(DkvmApplyCtx *ctx, GError **error)
{
	xmlNode *uuid = dkvm_tree_child(ctx->root, "uuid");
	g_autofree gchar *current = dkvm_tree_text(uuid);

	dkvm_tree_set_text(dkvm_tree_ensure(ctx->root, "name"), ctx->spec->name);
	/* the title is a free-form name (the original DKVM's "Win 11"); read
	 * back with the name, so an edit keeps it */
	if (ctx->spec->title != NULL)
		dkvm_tree_set_text(dkvm_tree_ensure(ctx->root, "title"), ctx->spec->title);
	else
		dkvm_tree_remove_all(ctx->root, "title");
	if (ctx->spec->uuid == NULL)
		return TRUE; /* keep the domain's; libvirt makes one on define */
	if (current != NULL && g_ascii_strcasecmp(current, ctx->spec->uuid) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "uuid %s does not match the domain's uuid %s", ctx->spec->uuid,
		            current);
		return FALSE;
	}
	if (!g_uuid_string_is_valid(ctx->spec->uuid)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "invalid uuid '%s'",
		            ctx->spec->uuid);
		return FALSE;
	}
	dkvm_tree_set_text(dkvm_tree_ensure(ctx->root, "uuid"), ctx->spec->uuid);
	return TRUE;
}

void
dkvm_domain_read_identity(xmlNode *root, DkvmSpec *spec)
{
	g_free(spec->name);
	spec->name = dkvm_tree_text(dkvm_tree_child(root, "name"));
	g_free(spec->uuid);
	spec->uuid = dkvm_tree_text(dkvm_tree_child(root, "uuid"));
	g_free(spec->title);
	spec->title = dkvm_tree_text(dkvm_tree_child(root, "title"));
}

static gchar *
apply_doc(xmlDoc *doc, const DkvmSpec *spec, const DkvmPlan *plan, const DkvmHostFacts *host,
          DkvmDomainArea mask, GError **error)
{
	g_autoptr(DkvmMetadata) old_meta = NULL;
	g_autoptr(DkvmMetadata) new_meta = dkvm_metadata_new();
	DkvmApplyCtx ctx = { .doc = doc, .spec = spec, .plan = plan, .host = host, .areas = mask };
	/* identity first, then the areas in the order they depend on each other */
	const struct {
		DkvmDomainArea area;
		gboolean (*apply)(DkvmApplyCtx *, GError **);
	} areas[] = {
		{ DKVM_DOMAIN_AREA_ALL, dkvm_domain_apply_identity },
		{ DKVM_DOMAIN_AREA_DEVICES, dkvm_domain_apply_devices },
		{ DKVM_DOMAIN_AREA_MEMORY, dkvm_domain_apply_memory },
		{ DKVM_DOMAIN_AREA_CPU, dkvm_domain_apply_cpu },
		{ DKVM_DOMAIN_AREA_FEATURES, dkvm_domain_apply_features },
		{ DKVM_DOMAIN_AREA_OS, dkvm_domain_apply_os },
	};

	if (!dkvm_spec_validate(spec, error))
		return NULL;
	ctx.root = xmlDocGetRootElement(doc);
	old_meta = dkvm_metadata_read(ctx.root, error);
	if (old_meta == NULL)
		return NULL;
	ctx.old_meta = old_meta;
	ctx.new_meta = new_meta;
	new_meta->present = TRUE;
	new_meta->preset = spec->preset;
	new_meta->pinning = spec->pinning;
	new_meta->hugepages = spec->hugepages;
	new_meta->iothreads = spec->iothreads;
	new_meta->early_bind = spec->early_bind;
	new_meta->looking_glass_width = spec->looking_glass_width;
	new_meta->looking_glass_height = spec->looking_glass_height;
	for (guint i = 0; i < spec->pci->len; i++) {
		const DkvmPciSelection *sel = g_ptr_array_index(spec->pci, i);
		DkvmPciSelection *copy = dkvm_pci_selection_new(sel->address);
		copy->rom_file = g_strdup(sel->rom_file);
		g_ptr_array_add(new_meta->pci, copy);
	}
	if ((mask & DKVM_DOMAIN_AREA_DEVICES) == 0) {
		/* the devices stay as they are, and so does the record of DKVM's */
		for (guint i = 0; i < old_meta->aliases->len; i++)
			g_ptr_array_add(new_meta->aliases,
			                g_strdup(g_ptr_array_index(old_meta->aliases, i)));
		for (guint i = 0; i < old_meta->siblings->len; i++)
			g_ptr_array_add(new_meta->siblings,
			                g_strdup(g_ptr_array_index(old_meta->siblings, i)));
	}
	for (guint i = 0; i < G_N_ELEMENTS(areas); i++) {
		if ((areas[i].area & mask) != 0 && !areas[i].apply(&ctx, error))
			return NULL;
	}
	dkvm_metadata_write(new_meta, ctx.root);
	return serialise(doc);
}

gchar *
dkvm_domain_create_xml(const DkvmSpec *spec, const DkvmPlan *plan, const DkvmHostFacts *host,
                       GError **error)
{
	g_autofree gchar *template = NULL;
	g_autoptr(xmlDoc) doc = NULL;
	xmlNode *n;

	g_return_val_if_fail(spec != NULL && plan != NULL && host != NULL, NULL);
	template = dkvm_domain_template(spec->preset, error);
	if (template == NULL)
		return NULL;
	doc = parse_domain(template, error);
	if (doc == NULL) {
		g_prefix_error(error, "template %s: ", dkvm_preset_to_string(spec->preset));
		return NULL;
	}
	/* the comment above the template's root describes the file, not the VM */
	n = doc->children;
	while (n != NULL) {
		xmlNode *next = n->next;
		if (n->type == XML_COMMENT_NODE)
			dkvm_tree_remove(n);
		n = next;
	}
	return apply_doc(doc, spec, plan, host, DKVM_DOMAIN_AREA_ALL, error);
}

gchar *
dkvm_domain_apply_xml(const gchar *xml, const DkvmSpec *spec, const DkvmPlan *plan,
                      const DkvmHostFacts *host, GError **error)
{
	return dkvm_domain_apply_xml_areas(xml, spec, plan, host, DKVM_DOMAIN_AREA_ALL, error);
}

gchar *
dkvm_domain_apply_xml_areas(const gchar *xml, const DkvmSpec *spec, const DkvmPlan *plan,
                            const DkvmHostFacts *host, DkvmDomainArea areas, GError **error)
{
	g_autoptr(xmlDoc) doc = NULL;

	g_return_val_if_fail(spec != NULL && plan != NULL && host != NULL, NULL);
	doc = parse_domain(xml, error);
	if (doc == NULL)
		return NULL;
	return apply_doc(doc, spec, plan, host, areas, error);
}

/* A domain DKVM never managed: Windows when anything says so (Hyper-V
 * enlightenments, the hypervclock, libosinfo's id, local time), Windows 11
 * when libosinfo says so or it has a TPM. */
static DkvmPreset
guess_preset(xmlNode *root)
{
	g_autoptr(GPtrArray) osinfo = dkvm_tree_find(
	        root->doc, "/domain/metadata/*[local-name()='libosinfo']/*[local-name()='os']");
	g_autoptr(GPtrArray) windows = dkvm_tree_find(
	        root->doc, "/domain/features/hyperv | /domain/clock/timer[@name='hypervclock'] | "
	                   "/domain/clock[@offset='localtime']");
	g_autoptr(GPtrArray) tpm = dkvm_tree_find(root->doc, "/domain/devices/tpm");
	g_autofree gchar *os_id =
	        osinfo->len > 0 ? dkvm_tree_get(g_ptr_array_index(osinfo, 0), "id") : NULL;

	if (os_id != NULL && strstr(os_id, "microsoft.com/win/11") != NULL)
		return DKVM_PRESET_WINDOWS11;
	if (os_id != NULL && strstr(os_id, "microsoft.com/win") != NULL)
		return tpm->len > 0 ? DKVM_PRESET_WINDOWS11 : DKVM_PRESET_WINDOWS10;
	if (os_id != NULL || windows->len == 0)
		return DKVM_PRESET_LINUX;
	return tpm->len > 0 ? DKVM_PRESET_WINDOWS11 : DKVM_PRESET_WINDOWS10;
}

DkvmSpec *
dkvm_domain_read_spec(const gchar *xml, GError **error)
{
	g_autoptr(xmlDoc) doc = parse_domain(xml, error);
	g_autoptr(DkvmMetadata) meta = NULL;
	g_autoptr(DkvmSpec) spec = NULL;
	xmlNode *root;

	if (doc == NULL)
		return NULL;
	root = xmlDocGetRootElement(doc);
	meta = dkvm_metadata_read(root, error);
	if (meta == NULL)
		return NULL;
	spec = dkvm_spec_new(NULL, meta->present ? meta->preset : guess_preset(root));
	dkvm_domain_read_identity(root, spec);
	if (!dkvm_domain_read_memory(root, spec, error))
		return NULL;
	dkvm_domain_read_cpu(root, spec);
	dkvm_domain_read_features(root, spec);
	dkvm_domain_read_os(root, &spec->uefi, &spec->secure_boot);
	if (!dkvm_domain_read_devices(root, meta, spec, error))
		return NULL;
	if (meta->present) {
		spec->pinning = meta->pinning;
		spec->hugepages = meta->hugepages;
		spec->iothreads = meta->iothreads;
		spec->early_bind = meta->early_bind;
		/* the resolution is the metadata's; the device itself says it is on
		 * (removed by hand: off) */
		if (dkvm_domain_has_looking_glass(root)) {
			spec->looking_glass_width = meta->looking_glass_width;
			spec->looking_glass_height = meta->looking_glass_height;
		}
	} else {
		g_autoptr(GPtrArray) pins = dkvm_tree_find(doc, "/domain/cputune/vcpupin");
		guint64 iothreads = 0;
		spec->pinning = pins->len > 0;
		/* the owner's iothreads stay (their controllers may use them) */
		if (dkvm_tree_get_uint(dkvm_tree_child(root, "iothreads"), NULL, &iothreads) &&
		    iothreads <= 64)
			spec->iothreads = (guint)iothreads;
	}
	return g_steal_pointer(&spec);
}
