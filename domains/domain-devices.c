/*
 * <devices>: the disks, CD-ROMs, NICs, PCI and USB host devices and evdev
 * inputs DKVM manages, plus the TPM, the VNC display, the video model and
 * the memory balloon.
 *
 * Every device DKVM adds carries a libvirt user alias ("ua-dkvm-disk0"; the
 * "ua-" prefix is the one libvirt keeps in the persistent definition) and
 * the alias is listed in DKVM's metadata: that is how a disk a person added
 * with `virsh edit` is told apart from DKVM's own and left alone. On every
 * apply DKVM's devices are rebuilt from the spec and the plan; what a
 * person added inside one of them (a <boot order>, a <serial>, the <mac>
 * and guest <address> libvirt assigned) is carried over to the rebuilt
 * device with the same alias, so re-applying moves nothing in the guest.
 */
#include <stdio.h>
#include <string.h>

#include "domain-apply.h"
#include "looking-glass.h"
#include "dkvm-error.h"
#include "domain-tree.h"

/* Children of DKVM's devices that are never carried over from the previous
 * apply: DKVM always writes them or, for <rom>, drops them on purpose.
 * Every other child a rebuilt device lacks (boot order, serial, mac, guest
 * address, a NIC's <driver queues>) is a person's or libvirt's and stays. */
static const gchar *const owned_children[] = {
	"source", "target", "rom", "alias", NULL,
};

typedef struct {
	DkvmApplyCtx *ctx;
	xmlNode *devices;
	GHashTable *old;          /* alias -> unlinked xmlNode* of the previous apply */
	GHashTable *used_targets; /* target dev names of disks DKVM does not manage */
} DevicesCtx;

static gchar *
alias_of(xmlNode *device)
{
	xmlNode *alias = dkvm_tree_child(device, "alias");
	return dkvm_tree_get(alias, "name");
}

/* libvirt's disk naming: vda..vdz, vdaa... (virDiskNameFromIndex) */
static gchar *
disk_name(const gchar *prefix, guint index)
{
	GString *s = g_string_new(NULL);
	guint i = index;

	for (;;) {
		g_string_prepend_c(s, (gchar)('a' + i % 26));
		if (i < 26)
			break;
		i = i / 26 - 1;
	}
	g_string_prepend(s, prefix);
	return g_string_free(s, FALSE);
}

static gchar *
next_target(DevicesCtx *dc, const gchar *prefix)
{
	for (guint i = 0;; i++) {
		gchar *name = disk_name(prefix, i);
		if (!g_hash_table_contains(dc->used_targets, name)) {
			g_hash_table_add(dc->used_targets, g_strdup(name));
			return name;
		}
		g_free(name);
	}
}

/* Adds the device at its place, with its alias, carrying over what a
 * person put into the previous device of that alias. */
static void
add_device(DevicesCtx *dc, xmlNode *node, const gchar *alias)
{
	xmlNode *old = g_hash_table_lookup(dc->old, alias);

	dkvm_tree_set(dkvm_tree_add(node, "alias"), "name", alias);
	if (old != NULL) {
		for (xmlNode *c = old->children; c != NULL; c = c->next) {
			if (c->type != XML_ELEMENT_NODE || c->ns != NULL ||
			    g_strv_contains(owned_children, (const gchar *)c->name) ||
			    dkvm_tree_child(node, (const gchar *)c->name) != NULL)
				continue;
			dkvm_tree_insert(node, xmlDocCopyNode(c, dc->ctx->doc, 1));
		}
	}
	dkvm_tree_insert(dc->devices, node);
	g_ptr_array_add(dc->ctx->new_meta->aliases, g_strdup(alias));
}

static xmlNode *
new_node(DevicesCtx *dc, const gchar *name)
{
	return xmlNewDocNode(dc->ctx->doc, NULL, (const xmlChar *)name, NULL);
}

static xmlNode *
add_child(xmlNode *parent, const gchar *name)
{
	return xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
}

static gboolean
add_disks(DevicesCtx *dc, GError **error)
{
	const DkvmSpec *spec = dc->ctx->spec;
	guint iothreads = dkvm_domain_iothreads_needed(spec);

	for (guint i = 0; i < spec->disks->len; i++) {
		const DkvmDisk *disk = g_ptr_array_index(spec->disks, i);
		g_autofree gchar *alias = g_strdup_printf(DKVM_ALIAS_PREFIX "disk%u", i);
		g_autofree gchar *target = NULL;
		xmlNode *node, *driver, *source, *tgt;

		if (!dkvm_disk_validate(disk, error))
			return FALSE;
		if (disk->target != NULL) {
			if (g_hash_table_contains(dc->used_targets, disk->target)) {
				g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				            "invalid disk '%s': target %s is already used",
				            disk->path, disk->target);
				return FALSE;
			}
			target = g_strdup(disk->target);
			g_hash_table_add(dc->used_targets, g_strdup(target));
		} else {
			target = next_target(dc, "vd");
		}
		node = new_node(dc, "disk");
		dkvm_tree_set(node, "type", disk->is_block ? "block" : "file");
		dkvm_tree_set(node, "device", "disk");
		driver = add_child(node, "driver");
		dkvm_tree_set(driver, "name", "qemu");
		dkvm_tree_set(driver, "type",
		              g_str_has_suffix(disk->path, ".qcow2") ? "qcow2" : "raw");
		dkvm_tree_set(driver, "cache", "none");
		dkvm_tree_set(driver, "io", "native");
		dkvm_tree_set(driver, "discard", "unmap");
		if (iothreads > 0)
			dkvm_tree_set_printf(driver, "iothread", "%u", i % iothreads + 1);
		source = add_child(node, "source");
		dkvm_tree_set(source, disk->is_block ? "dev" : "file", disk->path);
		tgt = add_child(node, "target");
		dkvm_tree_set(tgt, "dev", target);
		dkvm_tree_set(tgt, "bus", "virtio");
		add_device(dc, node, alias);
	}
	return TRUE;
}

static void
add_cdroms(DevicesCtx *dc)
{
	const DkvmSpec *spec = dc->ctx->spec;

	for (guint i = 0; i < spec->cdroms->len; i++) {
		g_autofree gchar *alias = g_strdup_printf(DKVM_ALIAS_PREFIX "cdrom%u", i);
		g_autofree gchar *target = next_target(dc, "sd");
		xmlNode *node = new_node(dc, "disk");
		xmlNode *driver, *tgt;

		dkvm_tree_set(node, "type", "file");
		dkvm_tree_set(node, "device", "cdrom");
		driver = add_child(node, "driver");
		dkvm_tree_set(driver, "name", "qemu");
		dkvm_tree_set(driver, "type", "raw");
		dkvm_tree_set(add_child(node, "source"), "file",
		              g_ptr_array_index(spec->cdroms, i));
		tgt = add_child(node, "target");
		dkvm_tree_set(tgt, "dev", target);
		dkvm_tree_set(tgt, "bus", "sata");
		add_child(node, "readonly");
		add_device(dc, node, alias);
	}
}

static void
add_nics(DevicesCtx *dc)
{
	const DkvmSpec *spec = dc->ctx->spec;
	guint index = 0;

	for (guint i = 0; i < spec->nics->len; i++) {
		const DkvmNic *nic = g_ptr_array_index(spec->nics, i);
		g_autofree gchar *alias = NULL;
		xmlNode *node;

		if (nic->kind == DKVM_NET_NONE)
			continue;
		alias = g_strdup_printf(DKVM_ALIAS_PREFIX "net%u", index++);
		node = new_node(dc, "interface");
		if (nic->mac != NULL)
			dkvm_tree_set(add_child(node, "mac"), "address", nic->mac);
		if (nic->kind == DKVM_NET_BRIDGE) {
			dkvm_tree_set(node, "type", "bridge");
			dkvm_tree_set(add_child(node, "source"), "bridge",
			              nic->source != NULL ? nic->source : "br0");
		} else {
			dkvm_tree_set(node, "type", "network");
			dkvm_tree_set(add_child(node, "source"), "network",
			              nic->source != NULL ? nic->source : "default");
		}
		dkvm_tree_set(add_child(node, "model"), "type",
		              nic->model != NULL ? nic->model : "virtio");
		add_device(dc, node, alias);
	}
}

/* "0000:01:00.1" -> its parts; FALSE when it is not one. */
static gboolean
same_pci_source(xmlNode *hostdev, guint domain, guint bus, guint slot, guint function)
{
	xmlNode *source = dkvm_tree_child(hostdev, "source");
	xmlNode *address = source != NULL ? dkvm_tree_child(source, "address") : NULL;
	guint64 d = 0, b = 0, s = 0, f = 0;

	if (address == NULL)
		return FALSE;
	if (!dkvm_tree_get_uint(address, "domain", &d))
		d = 0;
	return dkvm_tree_get_uint(address, "bus", &b) && dkvm_tree_get_uint(address, "slot", &s) &&
	       dkvm_tree_get_uint(address, "function", &f) && d == domain && b == bus &&
	       s == slot && f == function;
}

/* A person's own <hostdev> for a device DKVM now passes through would give
 * libvirt the device twice: DKVM's entry replaces it. */
static void
remove_foreign_hostdevs(DevicesCtx *dc, const gchar *type, guint a, guint b, guint c, guint d)
{
	xmlNode *n = dc->devices->children;

	while (n != NULL) {
		xmlNode *next = n->next;
		g_autofree gchar *t = dkvm_tree_get(n, "type");
		if (n->type == XML_ELEMENT_NODE &&
		    g_strcmp0((const gchar *)n->name, "hostdev") == 0 && g_strcmp0(t, type) == 0) {
			gboolean same;
			if (g_strcmp0(type, "pci") == 0) {
				same = same_pci_source(n, a, b, c, d);
			} else {
				xmlNode *source = dkvm_tree_child(n, "source");
				guint64 v = 0, p = 0;
				same = source != NULL &&
				       dkvm_tree_get_uint(dkvm_tree_child(source, "vendor"), "id",
				                          &v) &&
				       dkvm_tree_get_uint(dkvm_tree_child(source, "product"), "id",
				                          &p) &&
				       v == a && p == b;
			}
			if (same)
				dkvm_tree_remove(n);
		}
		n = next;
	}
}

static gboolean
is_selected(const DkvmSpec *spec, const gchar *bdf)
{
	for (guint i = 0; i < spec->pci->len; i++) {
		const DkvmPciSelection *sel = g_ptr_array_index(spec->pci, i);
		if (g_ascii_strcasecmp(sel->address, bdf) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
add_pci(DevicesCtx *dc, GError **error)
{
	const DkvmPassthroughPlan *pt = dc->ctx->plan->passthrough;
	guint index = 0;

	if (pt == NULL)
		return TRUE;
	for (guint i = 0; i < pt->slots->len; i++) {
		const DkvmPassthroughSlot *slot = g_ptr_array_index(pt->slots, i);
		for (guint j = 0; j < slot->functions->len; j++) {
			const gchar *bdf = g_ptr_array_index(slot->functions, j);
			g_autofree gchar *alias =
			        g_strdup_printf(DKVM_ALIAS_PREFIX "pci%u", index++);
			guint d, b, s, f;
			xmlNode *node, *source, *address;

			if (!dkvm_pci_address_split(bdf, &d, &b, &s, &f)) {
				g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				            "invalid passthrough plan: '%s' is not a PCI address",
				            bdf);
				return FALSE;
			}
			remove_foreign_hostdevs(dc, "pci", d, b, s, f);
			node = new_node(dc, "hostdev");
			dkvm_tree_set(node, "mode", "subsystem");
			dkvm_tree_set(node, "type", "pci");
			dkvm_tree_set(node, "managed", "yes");
			source = add_child(node, "source");
			address = add_child(source, "address");
			dkvm_tree_set_printf(address, "domain", "0x%04x", d);
			dkvm_tree_set_printf(address, "bus", "0x%02x", b);
			dkvm_tree_set_printf(address, "slot", "0x%02x", s);
			dkvm_tree_set_printf(address, "function", "0x%x", f);
			if (j == 0 && slot->rom_file != NULL)
				dkvm_tree_set(add_child(node, "rom"), "file", slot->rom_file);
			/* bus 0 slot 0 is the host bridge: the plan chose no address */
			if (slot->guest_bus != 0 || slot->guest_slot != 0) {
				address = add_child(node, "address");
				dkvm_tree_set(address, "type", "pci");
				dkvm_tree_set(address, "domain", "0x0000");
				dkvm_tree_set_printf(address, "bus", "0x%02x", slot->guest_bus);
				dkvm_tree_set_printf(address, "slot", "0x%02x", slot->guest_slot);
				dkvm_tree_set_printf(address, "function", "0x%x", f);
				if (j == 0 && slot->multifunction)
					dkvm_tree_set(address, "multifunction", "on");
			}
			add_device(dc, node, alias);
			if (!is_selected(dc->ctx->spec, bdf))
				g_ptr_array_add(dc->ctx->new_meta->siblings, g_strdup(bdf));
		}
	}
	return TRUE;
}

static void
add_usb(DevicesCtx *dc)
{
	const DkvmSpec *spec = dc->ctx->spec;

	for (guint i = 0; i < spec->usb->len; i++) {
		const DkvmUsbSelection *usb = g_ptr_array_index(spec->usb, i);
		g_autofree gchar *alias = g_strdup_printf(DKVM_ALIAS_PREFIX "usb%u", i);
		xmlNode *node, *source;

		remove_foreign_hostdevs(dc, "usb", usb->vendor_id, usb->product_id, 0, 0);
		node = new_node(dc, "hostdev");
		dkvm_tree_set(node, "mode", "subsystem");
		dkvm_tree_set(node, "type", "usb");
		dkvm_tree_set(node, "managed", "yes");
		source = add_child(node, "source");
		if (usb->optional)
			dkvm_tree_set(source, "startupPolicy", "optional");
		dkvm_tree_set_printf(add_child(source, "vendor"), "id", "0x%04x", usb->vendor_id);
		dkvm_tree_set_printf(add_child(source, "product"), "id", "0x%04x", usb->product_id);
		add_device(dc, node, alias);
	}
}

static void
add_evdev(DevicesCtx *dc)
{
	const DkvmSpec *spec = dc->ctx->spec;

	for (guint i = 0; i < spec->evdev->len; i++) {
		const gchar *path = g_ptr_array_index(spec->evdev, i);
		g_autofree gchar *alias = g_strdup_printf(DKVM_ALIAS_PREFIX "evdev%u", i);
		xmlNode *node = new_node(dc, "input");
		xmlNode *source;

		dkvm_tree_set(node, "type", "evdev");
		source = add_child(node, "source");
		dkvm_tree_set(source, "dev", path);
		/* a keyboard takes the grab toggle (both Ctrl keys switch host/guest) */
		if (g_str_has_suffix(path, "-event-kbd")) {
			dkvm_tree_set(source, "grab", "all");
			dkvm_tree_set(source, "repeat", "on");
			dkvm_tree_set(source, "grabToggle", "ctrl-ctrl");
		}
		add_device(dc, node, alias);
	}
}

/* Looks at every PCI hostdev (this runs after DKVM's own were added): is
 * there any, and is one a person added a GPU (or unknown to this host)? */
static void
scan_pci_hostdevs(DevicesCtx *dc, gboolean *any_pci, gboolean *foreign_gpu)
{
	*any_pci = FALSE;
	*foreign_gpu = FALSE;
	for (xmlNode *n = dc->devices->children; n != NULL; n = n->next) {
		g_autofree gchar *type = NULL;
		g_autofree gchar *alias = NULL;
		xmlNode *source, *address;
		g_autofree gchar *bdf = NULL;
		const DkvmPciDevice *dev;

		if (n->type != XML_ELEMENT_NODE ||
		    g_strcmp0((const gchar *)n->name, "hostdev") != 0)
			continue;
		type = dkvm_tree_get(n, "type");
		if (g_strcmp0(type, "pci") != 0)
			continue;
		*any_pci = TRUE;
		alias = alias_of(n);
		if (alias != NULL && g_str_has_prefix(alias, DKVM_ALIAS_PREFIX))
			continue;
		source = dkvm_tree_child(n, "source");
		address = source != NULL ? dkvm_tree_child(source, "address") : NULL;
		bdf = dkvm_tree_pci_address(address);
		dev = dkvm_host_facts_get_pci(dc->ctx->host, bdf);
		/* a device this host does not know may well be a GPU */
		if (dev == NULL || dev->is_gpu)
			*foreign_gpu = TRUE;
	}
}

#define LOOKING_GLASS_SHMEM "looking-glass"

gboolean
dkvm_domain_has_looking_glass(xmlNode *root)
{
	xmlNode *devices = dkvm_tree_child(root, "devices");
	return devices != NULL &&
	       dkvm_tree_child_with(devices, "shmem", "name", LOOKING_GLASS_SHMEM) != NULL;
}

/* <shmem name='looking-glass'><model type='ivshmem-plain'/><size unit='M'>N
 * </size></shmem>: QEMU keeps the memory in /dev/shm/looking-glass, the
 * file the Looking Glass client reads. The size follows the resolution. */
static void
apply_looking_glass(DevicesCtx *dc)
{
	const DkvmSpec *spec = dc->ctx->spec;
	guint64 mib =
	        dkvm_looking_glass_size_mib(spec->looking_glass_width, spec->looking_glass_height);
	xmlNode *shmem = dkvm_tree_child_with(dc->devices, "shmem", "name", LOOKING_GLASS_SHMEM);
	xmlNode *size;
	g_autofree gchar *text = NULL;

	if (mib == 0) {
		/* only DKVM's own: one a person set up by hand (their Looking Glass
		 * with their size) stays */
		if (shmem != NULL && dc->ctx->old_meta->looking_glass_width > 0)
			dkvm_tree_remove(shmem);
		return;
	}
	if (shmem == NULL) {
		shmem = dkvm_tree_add(dc->devices, "shmem");
		dkvm_tree_set(shmem, "name", LOOKING_GLASS_SHMEM);
	}
	dkvm_tree_set(dkvm_tree_ensure(shmem, "model"), "type", "ivshmem-plain");
	size = dkvm_tree_ensure(shmem, "size");
	dkvm_tree_set(size, "unit", "M");
	text = g_strdup_printf("%" G_GUINT64_FORMAT, mib);
	dkvm_tree_set_text(size, text);
}

static void
apply_singletons(DevicesCtx *dc)
{
	const DkvmSpec *spec = dc->ctx->spec;
	gboolean gpu = dkvm_plan_has_gpu(dc->ctx->plan);
	gboolean any_pci = FALSE, foreign_gpu = FALSE;
	xmlNode *tpm = dkvm_tree_child(dc->devices, "tpm");
	xmlNode *video, *balloon;

	scan_pci_hostdevs(dc, &any_pci, &foreign_gpu);
	apply_looking_glass(dc);

	/* TPM 2.0 through swtpm; an existing TPM a person tuned is kept, except
	 * a tpm-crb the hypervisor does not offer (the plan chose tpm-tis) */
	if (!spec->tpm) {
		dkvm_tree_remove_all(dc->devices, "tpm");
	} else if (tpm != NULL) {
		g_autofree gchar *model = dkvm_tree_get(tpm, "model");
		if (g_strcmp0(model, "tpm-crb") == 0 &&
		    g_strcmp0(dc->ctx->plan->tpm_model, "tpm-tis") == 0)
			dkvm_tree_set(tpm, "model", "tpm-tis");
	} else {
		xmlNode *backend;
		tpm = dkvm_tree_add(dc->devices, "tpm");
		/* tpm-crb unless the hypervisor offers only tpm-tis (the plan's) */
		dkvm_tree_set(tpm, "model",
		              dc->ctx->plan->tpm_model != NULL ? dc->ctx->plan->tpm_model
		                                               : "tpm-crb");
		backend = add_child(tpm, "backend");
		dkvm_tree_set(backend, "type", "emulator");
		dkvm_tree_set(backend, "version", "2.0");
	}

	/* A GPU DKVM passes through is the display: no VNC, no emulated video
	 * card. Without one, VNC listens on 127.0.0.1 only (ssh -L to reach
	 * it). A GPU a person passed through by hand keeps their display setup
	 * (Looking Glass wants its spice and qxl), DKVM only adds no VNC.
	 * With DKVM's Looking Glass, VNC on 127.0.0.1 and an emulated card stay
	 * for the guest's setup (installing the Looking Glass host service). */
	if (gpu && spec->vnc_listen == NULL && spec->looking_glass_width == 0) {
		xmlNode *vnc;
		while ((vnc = dkvm_tree_child_with(dc->devices, "graphics", "type", "vnc")) != NULL)
			dkvm_tree_remove(vnc);
		dkvm_tree_remove_all(dc->devices, "video");
		video = dkvm_tree_add(dc->devices, "video");
		dkvm_tree_set(add_child(video, "model"), "type", "none");
	} else {
		if (spec->vnc_listen != NULL) {
			/* a display the person asked for (the original DKVM's VNCLISTEN):
			 * on their address and display, beside a GPU too */
			xmlNode *vnc, *listen;
			while ((vnc = dkvm_tree_child_with(dc->devices, "graphics", "type",
			                                   "vnc")) != NULL)
				dkvm_tree_remove(vnc);
			vnc = dkvm_tree_add(dc->devices, "graphics");
			dkvm_tree_set(vnc, "type", "vnc");
			if (spec->vnc_display >= 0) {
				g_autofree gchar *port =
				        g_strdup_printf("%d", 5900 + spec->vnc_display);
				dkvm_tree_set(vnc, "port", port);
				dkvm_tree_set(vnc, "autoport", "no");
			} else {
				dkvm_tree_set(vnc, "port", "-1");
				dkvm_tree_set(vnc, "autoport", "yes");
			}
			dkvm_tree_set(vnc, "listen", spec->vnc_listen);
			listen = add_child(vnc, "listen");
			dkvm_tree_set(listen, "type", "address");
			dkvm_tree_set(listen, "address", spec->vnc_listen);
		} else if (!foreign_gpu && dkvm_tree_child(dc->devices, "graphics") == NULL) {
			xmlNode *vnc, *listen;
			vnc = dkvm_tree_add(dc->devices, "graphics");
			dkvm_tree_set(vnc, "type", "vnc");
			dkvm_tree_set(vnc, "port", "-1");
			dkvm_tree_set(vnc, "autoport", "yes");
			listen = add_child(vnc, "listen");
			dkvm_tree_set(listen, "type", "address");
			dkvm_tree_set(listen, "address", "127.0.0.1");
		}
		video = dkvm_tree_child(dc->devices, "video");
		if (gpu && video == NULL) {
			video = dkvm_tree_add(dc->devices, "video");
			dkvm_tree_set(add_child(video, "model"), "type", "none");
		}
		if (video != NULL && (!foreign_gpu || gpu)) {
			xmlNode *model = dkvm_tree_child(video, "model");
			g_autofree gchar *type = dkvm_tree_get(model, "type");
			if (g_strcmp0(type, "none") == 0)
				dkvm_tree_set(model, "type",
				              dkvm_preset_is_windows(spec->preset) ? "vga"
				                                                   : "virtio");
		}
	}

	/* Ballooning cannot work with a VFIO device (all guest memory is
	 * pinned), DKVM's or a person's; without any, DKVM gives it back */
	balloon = dkvm_tree_child(dc->devices, "memballoon");
	if (any_pci) {
		if (balloon == NULL)
			balloon = dkvm_tree_add(dc->devices, "memballoon");
		while (balloon->children != NULL)
			dkvm_tree_remove(balloon->children);
		dkvm_tree_set(balloon, "model", "none");
	} else if (balloon != NULL) {
		g_autofree gchar *model = dkvm_tree_get(balloon, "model");
		if (g_strcmp0(model, "none") == 0)
			dkvm_tree_set(balloon, "model", "virtio");
	}
}

gboolean
dkvm_domain_apply_devices(DkvmApplyCtx *ctx, GError **error)
{
	DevicesCtx dc = { .ctx = ctx };
	g_autoptr(GHashTable) old =
	        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)xmlFreeNode);
	g_autoptr(GHashTable) used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	xmlNode *n;

	dc.devices = dkvm_tree_ensure(ctx->root, "devices");
	dc.old = old;
	dc.used_targets = used;

	/* take DKVM's previous devices out; note the targets of everyone else's */
	n = dc.devices->children;
	while (n != NULL) {
		xmlNode *next = n->next;
		g_autofree gchar *alias = n->type == XML_ELEMENT_NODE ? alias_of(n) : NULL;
		if (alias != NULL && dkvm_metadata_owns(ctx->old_meta, alias)) {
			xmlUnlinkNode(n);
			g_hash_table_replace(old, g_steal_pointer(&alias), n);
		} else if (n->type == XML_ELEMENT_NODE &&
		           g_strcmp0((const gchar *)n->name, "disk") == 0) {
			g_autofree gchar *dev = dkvm_tree_get(dkvm_tree_child(n, "target"), "dev");
			if (dev != NULL)
				g_hash_table_add(used, g_steal_pointer(&dev));
		}
		n = next;
	}

	if (!add_disks(&dc, error))
		return FALSE;
	add_cdroms(&dc);
	add_nics(&dc);
	if (!add_pci(&dc, error))
		return FALSE;
	add_usb(&dc);
	add_evdev(&dc);
	apply_singletons(&dc);
	return TRUE;
}

static gboolean
read_device(xmlNode *n, const gchar *alias, DkvmSpec *spec, GError **error)
{
	const gchar *kind = alias + strlen(DKVM_ALIAS_PREFIX);
	xmlNode *source = dkvm_tree_child(n, "source");

	if (g_str_has_prefix(kind, "disk")) {
		g_autofree gchar *path = dkvm_tree_get(source, "dev");
		DkvmDisk *disk;
		if (path == NULL)
			path = dkvm_tree_get(source, "file");
		if (path == NULL) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "invalid domain: disk %s has no source", alias);
			return FALSE;
		}
		disk = dkvm_disk_new(path);
		g_autofree gchar *type = dkvm_tree_get(n, "type");
		disk->is_block = g_strcmp0(type, "block") == 0;
		g_ptr_array_add(spec->disks, disk);
	} else if (g_str_has_prefix(kind, "cdrom")) {
		gchar *path = dkvm_tree_get(source, "file");
		if (path != NULL)
			g_ptr_array_add(spec->cdroms, path);
	} else if (g_str_has_prefix(kind, "net")) {
		g_autofree gchar *type = dkvm_tree_get(n, "type");
		gboolean bridge = g_strcmp0(type, "bridge") == 0;
		g_autofree gchar *name = dkvm_tree_get(source, bridge ? "bridge" : "network");
		DkvmNic *nic = dkvm_nic_new(bridge ? DKVM_NET_BRIDGE : DKVM_NET_NAT,
		                            g_strcmp0(name, "default") == 0 ? NULL : name);
		g_autofree gchar *model = dkvm_tree_get(dkvm_tree_child(n, "model"), "type");
		nic->mac = dkvm_tree_get(dkvm_tree_child(n, "mac"), "address");
		if (g_strcmp0(model, "virtio") != 0)
			nic->model = g_steal_pointer(&model);
		g_ptr_array_add(spec->nics, nic);
	} else if (g_str_has_prefix(kind, "usb")) {
		DkvmUsbSelection *usb = g_new0(DkvmUsbSelection, 1);
		g_autofree gchar *policy = dkvm_tree_get(source, "startupPolicy");
		guint64 v = 0, p = 0;
		if (source == NULL ||
		    !dkvm_tree_get_uint(dkvm_tree_child(source, "vendor"), "id", &v) ||
		    !dkvm_tree_get_uint(dkvm_tree_child(source, "product"), "id", &p) ||
		    v > G_MAXUINT16 || p > G_MAXUINT16) {
			g_free(usb);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "invalid domain: USB device %s has no vendor/product id",
			            alias);
			return FALSE;
		}
		usb->vendor_id = (guint16)v;
		usb->product_id = (guint16)p;
		usb->optional = g_strcmp0(policy, "optional") == 0;
		g_ptr_array_add(spec->usb, usb);
	} else if (g_str_has_prefix(kind, "evdev")) {
		gchar *dev = dkvm_tree_get(source, "dev");
		if (dev != NULL)
			g_ptr_array_add(spec->evdev, dev);
	}
	/* pci: the selection comes from the metadata (siblings are the plan's) */
	return TRUE;
}

/* A VNC display other than DKVM's own rule (127.0.0.1, any port) is one the
 * person asked for: spec->vnc_listen, so that an edit keeps it. */
static void
read_vnc(xmlNode *devices, DkvmSpec *spec)
{
	xmlNode *vnc = dkvm_tree_child_with(devices, "graphics", "type", "vnc");
	xmlNode *listen =
	        vnc != NULL ? dkvm_tree_child_with(vnc, "listen", "type", "address") : NULL;
	g_autofree gchar *address = listen != NULL ? dkvm_tree_get(listen, "address") : NULL;
	g_autofree gchar *autoport = vnc != NULL ? dkvm_tree_get(vnc, "autoport") : NULL;
	g_autofree gchar *port = vnc != NULL ? dkvm_tree_get(vnc, "port") : NULL;
	gboolean fixed_port = g_strcmp0(autoport, "no") == 0 && port != NULL;

	g_clear_pointer(&spec->vnc_listen, g_free);
	spec->vnc_display = -1;
	if (address == NULL || (g_strcmp0(address, "127.0.0.1") == 0 && !fixed_port))
		return;
	spec->vnc_listen = g_steal_pointer(&address);
	if (fixed_port && g_ascii_strtoll(port, NULL, 10) >= 5900)
		spec->vnc_display = (gint)(g_ascii_strtoll(port, NULL, 10) - 5900);
}

gboolean
dkvm_domain_read_devices(xmlNode *root, const DkvmMetadata *meta, DkvmSpec *spec, GError **error)
{
	xmlNode *devices = dkvm_tree_child(root, "devices");

	g_ptr_array_set_size(spec->disks, 0);
	g_ptr_array_set_size(spec->cdroms, 0);
	g_ptr_array_set_size(spec->nics, 0);
	g_ptr_array_set_size(spec->usb, 0);
	g_ptr_array_set_size(spec->evdev, 0);
	g_ptr_array_set_size(spec->pci, 0);
	for (guint i = 0; i < meta->pci->len; i++) {
		const DkvmPciSelection *sel = g_ptr_array_index(meta->pci, i);
		DkvmPciSelection *copy = dkvm_pci_selection_new(sel->address);
		copy->rom_file = g_strdup(sel->rom_file);
		g_ptr_array_add(spec->pci, copy);
	}
	spec->tpm = FALSE;
	if (devices == NULL)
		return TRUE;
	spec->tpm = dkvm_tree_child(devices, "tpm") != NULL;
	read_vnc(devices, spec);
	for (xmlNode *n = devices->children; n != NULL; n = n->next) {
		g_autofree gchar *alias = n->type == XML_ELEMENT_NODE ? alias_of(n) : NULL;
		if (alias == NULL || !dkvm_metadata_owns(meta, alias))
			continue;
		if (!read_device(n, alias, spec, error))
			return FALSE;
	}
	return TRUE;
}
