/*
 * The domain XML reader and `apply` (domains/domain-xml*.c). The first byte
 * picks a real domain from test/data/domains (and a host from its hosts/);
 * with its top bit set the rest of the input is itself the domain XML
 * instead. The following bytes edit the spec that domain reads as (vCPUs,
 * memory, switches, disks, devices...). Whatever apply gives must be:
 *  - well-formed XML;
 *  - with every element DKVM does not own still there (the set of element
 *    paths outside domain-owned.h's rows is the same before and after);
 *  - a domain that reads back to the spec applied;
 *  - unchanged by applying the same spec again.
 */
#include <libxml/parser.h>

#include "domain-owned.h"
#include "domain-tree.h"
#include "domain-xml-read.h"
#include "domain-xml.h"
#include "fuzz-common.h"
#include "host-facts.h"
#include "plan.h"
#include "spec.h"
#include "test-domain-cases.h"
#include "test-domain-owned-strip.h"

static GPtrArray *domains; /* gchar*: XML texts */
static GPtrArray *hosts;   /* DkvmHostFacts* */

static void
load_dir(const gchar *dir, const gchar *suffix, GPtrArray *out, gboolean as_host)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	if (d == NULL)
		g_error("fuzz-domain-apply: %s", error->message);
	while ((name = g_dir_read_name(d)) != NULL) {
		if (g_str_has_suffix(name, suffix))
			g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	}
	g_ptr_array_sort(names, dkvm_compare_strings); /* same index, same domain */
	for (guint i = 0; i < names->len; i++) {
		gchar *text = NULL;
		if (!g_file_get_contents(g_ptr_array_index(names, i), &text, NULL, &error))
			g_error("fuzz-domain-apply: %s", error->message);
		if (as_host) {
			DkvmHostFacts *host = dkvm_host_facts_from_json(text, &error);
			g_free(text);
			if (host == NULL)
				g_error("fuzz-domain-apply: %s", error->message);
			g_ptr_array_add(out, host);
		} else {
			g_ptr_array_add(out, text);
		}
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	g_autofree gchar *dir = g_build_filename(DKVM_FUZZ_TEST_DATA, "domains", NULL);
	g_autofree gchar *edited = g_build_filename(dir, "edited", NULL);
	g_autofree gchar *host_dir = g_build_filename(dir, "hosts", NULL);

	fuzz_init_logging();
	xmlInitParser();
	domains = g_ptr_array_new_with_free_func(g_free);
	hosts = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_host_facts_free);
	load_dir(dir, ".xml", domains, FALSE);
	load_dir(edited, ".xml", domains, FALSE);
	load_dir(host_dir, ".json", hosts, TRUE);
	return 0;
}

/* ---- the spec the input asks for ---- */

static const gchar *const disk_paths[] = {
	"/var/lib/libvirt/images/fuzz.qcow2",
	"/var/lib/libvirt/images/fuzz.raw",
	"/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_1TB_S467NX0M123456",
};
static const gchar *const iso_paths[] = {
	"/var/lib/libvirt/images/win11.iso",
	"/var/lib/libvirt/images/virtio-win.iso",
};
static const gchar *const evdev_paths[] = {
	"/dev/input/by-id/usb-Logitech_G105-event-kbd",
	"/dev/input/by-id/usb-Logitech_G502-event-mouse",
};
static const gchar *const vendor_ids[] = { "AuthenticAMD", "1234567890ab", "dkvm" };

static gboolean
in_strv_array(const GPtrArray *list, const gchar *address)
{
	for (guint i = 0; list != NULL && i < list->len; i++) {
		if (g_ascii_strcasecmp(g_ptr_array_index(list, i), address) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
spec_has_pci(const DkvmSpec *spec, const gchar *address)
{
	return dkvm_spec_get_pci(spec, address) != NULL;
}

/* A PCI device of the host the domain does not pass through itself (a
 * person's own hostdev for the same device is replaced, by design). */
static void
add_pci(DkvmSpec *spec, const DkvmHostFacts *host, const DkvmDomainXml *old, guint pick)
{
	const DkvmPciDevice *d;

	if (host->pci->len == 0)
		return;
	d = g_ptr_array_index(host->pci, pick % host->pci->len);
	if (d->is_bridge || spec_has_pci(spec, d->address) ||
	    in_strv_array(old->pci_hostdevs, d->address))
		return;
	for (guint i = 0; i < d->functions->len; i++) {
		if (in_strv_array(old->pci_hostdevs, g_ptr_array_index(d->functions, i)))
			return;
	}
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new(d->address));
}

static void
add_usb(DkvmSpec *spec, const DkvmHostFacts *host, const DkvmDomainXml *old, guint pick)
{
	const DkvmUsbDevice *u;
	g_autofree gchar *id = NULL;
	DkvmUsbSelection *sel;

	if (host->usb->len == 0)
		return;
	u = g_ptr_array_index(host->usb, pick % host->usb->len);
	id = g_strdup_printf("%04x:%04x", u->vendor_id, u->product_id);
	if (u->is_hub || in_strv_array(old->usb_hostdevs, id))
		return;
	for (guint i = 0; i < spec->usb->len; i++) {
		const DkvmUsbSelection *s = g_ptr_array_index(spec->usb, i);
		if (s->vendor_id == u->vendor_id && s->product_id == u->product_id)
			return;
	}
	sel = g_new0(DkvmUsbSelection, 1);
	sel->vendor_id = u->vendor_id;
	sel->product_id = u->product_id;
	sel->optional = pick & 0x80;
	g_ptr_array_add(spec->usb, sel);
}

static void
add_unique_path(GPtrArray *list, const gchar *path)
{
	if (!in_strv_array(list, path))
		g_ptr_array_add(list, g_strdup(path));
}

static void
edit_spec(DkvmSpec *spec, const DkvmHostFacts *host, const DkvmDomainXml *old, const uint8_t *ops,
          size_t size)
{
	for (size_t i = 0; i + 1 < size; i += 2) {
		guint v = ops[i + 1];
		switch (ops[i] % 20) {
		case 0:
			spec->vcpus = 1 + v % 32;
			break;
		case 1:
			spec->memory_kib = (guint64)(1 + v % 64) * 512 * 1024;
			break;
		case 2:
			spec->hugepages = v & 1;
			break;
		case 3:
			spec->pinning = v & 1;
			break;
		case 4:
			spec->tpm = v & 1;
			break;
		case 5:
			spec->uefi = v & 1;
			spec->secure_boot = spec->uefi && (v & 2);
			break;
		case 6:
			add_pci(spec, host, old, v);
			break;
		case 7:
			if (spec->pci->len > 0)
				g_ptr_array_remove_index(spec->pci, v % spec->pci->len);
			break;
		case 8: {
			const gchar *path = disk_paths[v % G_N_ELEMENTS(disk_paths)];
			gboolean have = FALSE;
			for (guint j = 0; j < spec->disks->len; j++)
				have |= g_strcmp0(((DkvmDisk *)g_ptr_array_index(spec->disks, j))
				                          ->path,
				                  path) == 0;
			if (!have) {
				DkvmDisk *disk = dkvm_disk_new(path);
				disk->is_block = g_str_has_prefix(path, "/dev/");
				g_ptr_array_add(spec->disks, disk);
			}
			break;
		}
		case 9:
			if (spec->disks->len > 0)
				g_ptr_array_remove_index(spec->disks, v % spec->disks->len);
			break;
		case 10:
			add_usb(spec, host, old, v);
			break;
		case 11:
			if (spec->usb->len > 0)
				g_ptr_array_remove_index(spec->usb, v % spec->usb->len);
			break;
		case 12:
			add_unique_path(spec->cdroms, iso_paths[v % G_N_ELEMENTS(iso_paths)]);
			break;
		case 13:
			g_ptr_array_set_size(spec->cdroms, 0);
			break;
		case 14:
			add_unique_path(spec->evdev, evdev_paths[v % G_N_ELEMENTS(evdev_paths)]);
			break;
		case 15:
			spec->kvm_hidden = v & 1;
			break;
		case 16:
			g_free(spec->hyperv_vendor_id);
			spec->hyperv_vendor_id = (v & 3) == 3 ? NULL : g_strdup(vendor_ids[v & 3]);
			break;
		case 17:
			spec->realtime = v & 1;
			break;
		case 18:
			spec->lock_memory = v & 1;
			break;
		case 19:
			if (spec->nics->len > 0 && (v & 1))
				g_ptr_array_set_size(spec->nics, 0);
			else if (spec->nics->len == 0)
				g_ptr_array_add(spec->nics, dkvm_nic_new(DKVM_NET_NAT, NULL));
			break;
		}
	}
}

/* ---- what DKVM does not own ---- */

static void
collect_paths(xmlNode *node, const gchar *parent, GHashTable *out)
{
	for (xmlNode *n = node; n != NULL; n = n->next) {
		g_autofree gchar *path = NULL;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		path = g_strdup_printf(
		        "%s/%s%s%s", parent,
		        n->ns != NULL && n->ns->prefix != NULL ? (const gchar *)n->ns->prefix : "",
		        n->ns != NULL && n->ns->prefix != NULL ? ":" : "", (const gchar *)n->name);
		collect_paths(n->children, path, out);
		g_hash_table_add(out, g_steal_pointer(&path));
	}
}

/* The element paths of @xml outside the owned rows (NULL: not well-formed). */
static GHashTable *
foreign_paths(const gchar *xml)
{
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
	                            XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	GHashTable *paths;

	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		xmlFreeDoc(doc);
		return NULL;
	}
	dkvm_test_strip_owned(doc);
	paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	collect_paths(xmlDocGetRootElement(doc), "", paths);
	xmlFreeDoc(doc);
	return paths;
}

static void
check_foreign_kept(const gchar *before, const gchar *after)
{
	g_autoptr(GHashTable) old_paths = foreign_paths(before);
	g_autoptr(GHashTable) new_paths = foreign_paths(after);
	GHashTableIter iter;
	gpointer path;

	FUZZ_ASSERT(new_paths != NULL, "apply wrote XML that is not well-formed");
	if (old_paths == NULL)
		return;
	g_hash_table_iter_init(&iter, old_paths);
	while (g_hash_table_iter_next(&iter, &path, NULL))
		FUZZ_ASSERT(g_hash_table_contains(new_paths, path), "foreign element %s lost",
		            (const gchar *)path);
	g_hash_table_iter_init(&iter, new_paths);
	while (g_hash_table_iter_next(&iter, &path, NULL))
		FUZZ_ASSERT(g_hash_table_contains(old_paths, path),
		            "element %s added outside the owned rows", (const gchar *)path);
}

/* @spec as it reads back: the targets DKVM chose for disks it was not told;
 * --lock-memory only on pinned hugepages (alone it is warned about, and no
 * element can keep it). */
static gchar *
spec_text(DkvmSpec *spec, const DkvmPlan *plan, const DkvmSpec *back)
{
	if (!spec->hugepages || !spec->pinning)
		spec->lock_memory = FALSE;
	/* the vendor id is part of the Hyper-V set: only Windows under KVM gets it */
	if (!plan->hyperv_vendor_id)
		g_clear_pointer(&spec->hyperv_vendor_id, g_free);
	for (guint i = 0; i < spec->disks->len && i < back->disks->len; i++) {
		DkvmDisk *d = g_ptr_array_index(spec->disks, i);
		const DkvmDisk *b = g_ptr_array_index(back->disks, i);
		if (d->target == NULL)
			d->target = g_strdup(b->target);
	}
	return dkvm_test_spec_to_string(spec);
}

static void
apply_and_check(const gchar *xml, DkvmSpec *spec, const DkvmHostFacts *host)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *again = NULL;
	g_autofree gchar *want = NULL;
	g_autofree gchar *got = NULL;
	g_autoptr(DkvmSpec) back = NULL;

	if (!dkvm_spec_validate(spec, &error)) {
		fuzz_check_refusal(error, "spec");
		return;
	}
	plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
	if (plan == NULL) {
		fuzz_check_refusal(error, "plan");
		return;
	}
	out = dkvm_domain_apply_xml(xml, spec, plan, host, &error);
	if (out == NULL) {
		fuzz_check_refusal(error, "apply");
		return;
	}
	check_foreign_kept(xml, out);
	back = dkvm_domain_read_spec(out, &error);
	FUZZ_ASSERT(back != NULL, "applied domain does not read: %s", error->message);
	got = dkvm_test_spec_to_string(back);
	want = spec_text(spec, plan, back);
	FUZZ_ASSERT(g_strcmp0(got, want) == 0, "reads back as\n%s\ninstead of\n%s", got, want);
	again = dkvm_domain_apply_xml(out, spec, plan, host, &error);
	FUZZ_ASSERT(again != NULL, "applying again refused: %s", error->message);
	FUZZ_ASSERT(g_strcmp0(again, out) == 0, "applying again changes the domain");
}

/* The input is the domain: the reader must refuse it in one line or read it. */
static void
fuzz_raw_domain(const uint8_t *data, size_t size, const DkvmHostFacts *host)
{
	g_autofree gchar *xml = fuzz_text(data, size);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmSpec) spec = dkvm_domain_read_spec(xml, &error);
	g_autoptr(DkvmDomainXml) parsed = NULL;

	if (spec == NULL) {
		fuzz_check_refusal(error, "reading a domain");
		return;
	}
	parsed = dkvm_domain_xml_parse(xml, &error);
	if (parsed == NULL) {
		fuzz_check_refusal(error, "parsing a domain");
		return;
	}
	(void)dkvm_domain_xml_hugepages_needed(parsed);
	apply_and_check(xml, spec, host);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const gchar *xml;
	const DkvmHostFacts *host;
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmDomainXml) old = NULL;

	if (size < 2 || size > 64 * 1024)
		return 0;
	host = g_ptr_array_index(hosts, data[1] % hosts->len);
	if (data[0] & 0x80) {
		fuzz_raw_domain(data + 2, size - 2, host);
		return 0;
	}
	xml = g_ptr_array_index(domains, data[0] % domains->len);
	spec = dkvm_domain_read_spec(xml, &error);
	FUZZ_ASSERT(spec != NULL, "a test domain does not read: %s", error->message);
	old = dkvm_domain_xml_parse(xml, &error);
	FUZZ_ASSERT(old != NULL, "a test domain does not parse: %s", error->message);
	edit_spec(spec, host, old, data + 2, size - 2);
	apply_and_check(xml, spec, host);
	return 0;
}
