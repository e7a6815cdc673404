/*
 * Listing domains. The menu's main screen lists every second, and each call
 * to libvirt is a round trip to libvirtd, so the list asks a fixed number of
 * questions plus one per domain: every domain, the autostart ones and the
 * transient ones (three virConnectListAllDomains calls, filtered by libvirt),
 * then virDomainGetInfo per domain (state, vCPUs, memory; name, UUID and id
 * come with the domain handle). `virsh list --all` also asks one question
 * per domain (its state). Nothing here reads a domain's XML; `show`, about
 * one VM, does.
 */
#include "virt-list.h"
#include "json-builder-util.h"

#include "dkvm-error.h"
#include "virt-connection.h"
#include "virt-domain.h"

void
dkvm_vm_summary_free(DkvmVmSummary *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_free(self->uuid);
	g_free(self);
}

/* What every summary reads of @dom: name, UUID, id and virDomainGetInfo's
 * answers. Autostart and persistence are the caller's (one call each for one
 * VM, one filtered list for all of them). */
static DkvmVmSummary *
summary_read(virDomainPtr dom, GError **error)
{
	g_autoptr(DkvmVmSummary) self = g_new0(DkvmVmSummary, 1);
	gchar uuid[VIR_UUID_STRING_BUFLEN] = { 0 };
	virDomainInfo info = { 0 };
	unsigned int id;

	self->name = g_strdup(virDomainGetName(dom));
	if (virDomainGetUUIDString(dom, uuid) < 0 || virDomainGetInfo(dom, &info) < 0) {
		g_autofree gchar *what = g_strdup_printf("cannot read VM '%s'", self->name);
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, what);
		return NULL;
	}
	self->uuid = g_strdup(uuid);
	id = virDomainGetID(dom);
	self->id = id == (unsigned int)-1 ? -1 : (gint)id;
	self->state = info.state;
	self->vcpus = info.nrVirtCpu;
	self->memory_kib = info.maxMem;
	return g_steal_pointer(&self);
}

DkvmVmSummary *
dkvm_virt_summary(virDomainPtr dom, GError **error)
{
	g_autoptr(DkvmVmSummary) self = summary_read(dom, error);
	int autostart = 0;

	if (self == NULL)
		return NULL;
	if (virDomainGetAutostart(dom, &autostart) < 0) {
		g_autofree gchar *what = g_strdup_printf("cannot read VM '%s'", self->name);
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, what);
		return NULL;
	}
	self->autostart = autostart != 0;
	self->persistent = virDomainIsPersistent(dom) == 1;
	return g_steal_pointer(&self);
}

static gint
summary_compare(gconstpointer a, gconstpointer b)
{
	const DkvmVmSummary *x = *(const DkvmVmSummary *const *)a;
	const DkvmVmSummary *y = *(const DkvmVmSummary *const *)b;
	return g_strcmp0(x->name, y->name);
}

/* The UUIDs of the domains that match @flags (one round trip). */
static GHashTable *
uuids_matching(virConnectPtr conn, unsigned int flags, GError **error)
{
	g_autoptr(GHashTable) uuids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	virDomainPtr *doms = NULL;
	gint n = virConnectListAllDomains(conn, &doms, flags);
	gboolean ok = TRUE;

	if (n < 0) {
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, "cannot list the VMs");
		return NULL;
	}
	for (gint i = 0; i < n; i++) {
		gchar uuid[VIR_UUID_STRING_BUFLEN] = { 0 };
		if (ok && virDomainGetUUIDString(doms[i], uuid) < 0) {
			dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, "cannot list the VMs");
			ok = FALSE;
		}
		if (ok)
			g_hash_table_add(uuids, g_strdup(uuid));
		virDomainFree(doms[i]);
	}
	free(doms);
	return ok ? g_steal_pointer(&uuids) : NULL;
}

/* @dom's summary with the answers of the filtered lists. */
static DkvmVmSummary *
summary_of(virDomainPtr dom, GHashTable *autostart, GHashTable *transient, GError **error)
{
	g_autoptr(DkvmVmSummary) self = summary_read(dom, error);

	if (self == NULL)
		return NULL;
	self->autostart = g_hash_table_contains(autostart, self->uuid);
	self->persistent = !g_hash_table_contains(transient, self->uuid);
	return g_steal_pointer(&self);
}

GPtrArray *
dkvm_virt_list(virConnectPtr conn, GError **error)
{
	g_autoptr(GPtrArray) vms =
	        g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_vm_summary_free);
	g_autoptr(GHashTable) autostart = NULL;
	g_autoptr(GHashTable) transient = NULL;
	virDomainPtr *doms = NULL;
	gint n;
	gboolean ok = TRUE;

	/* the filtered lists first: a domain defined in between is listed with
	 * autostart off, never with a stale "yes" */
	autostart = uuids_matching(conn, VIR_CONNECT_LIST_DOMAINS_AUTOSTART, error);
	if (autostart == NULL)
		return NULL;
	transient = uuids_matching(conn, VIR_CONNECT_LIST_DOMAINS_TRANSIENT, error);
	if (transient == NULL)
		return NULL;
	n = virConnectListAllDomains(conn, &doms, 0);
	if (n < 0) {
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, "cannot list the VMs");
		return NULL;
	}
	for (gint i = 0; i < n; i++) {
		if (ok) {
			DkvmVmSummary *vm = summary_of(doms[i], autostart, transient, error);
			if (vm != NULL)
				g_ptr_array_add(vms, vm);
			else
				ok = FALSE;
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	if (!ok)
		return NULL;
	g_ptr_array_sort(vms, summary_compare);
	return g_steal_pointer(&vms);
}

static void
summary_add_members(JsonBuilder *b, const DkvmVmSummary *self, const gchar *default_vm)
{
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, self->name);
	json_builder_set_member_name(b, "uuid");
	json_builder_add_string_value(b, self->uuid);
	json_builder_set_member_name(b, "state");
	json_builder_add_string_value(b, dkvm_virt_state_to_string(self->state));
	json_builder_set_member_name(b, "id");
	if (self->id >= 0)
		json_builder_add_int_value(b, self->id);
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "vcpus");
	json_builder_add_int_value(b, self->vcpus);
	json_builder_set_member_name(b, "memory_kib");
	json_builder_add_int_value(b, (gint64)self->memory_kib);
	json_builder_set_member_name(b, "autostart");
	json_builder_add_boolean_value(b, self->autostart);
	json_builder_set_member_name(b, "persistent");
	json_builder_add_boolean_value(b, self->persistent);
	json_builder_set_member_name(b, "default");
	json_builder_add_boolean_value(b, g_strcmp0(self->name, default_vm) == 0);
}

JsonNode *
dkvm_vm_summary_to_json(const DkvmVmSummary *self, const gchar *default_vm)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	summary_add_members(b, self, default_vm);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

static gchar *
node_to_string(JsonNode *root)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_indent(gen, 2);
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

gchar *
dkvm_virt_list_to_json(GPtrArray *vms, const gchar *default_vm)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "vms");
	json_builder_begin_array(b);
	for (guint i = 0; i < vms->len; i++)
		json_builder_add_value(
		        b, dkvm_vm_summary_to_json(g_ptr_array_index(vms, i), default_vm));
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return node_to_string(root);
}

gchar *
dkvm_virt_show_to_json(const DkvmVmSummary *summary, const DkvmDomainXml *xml,
                       const gchar *default_vm)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	summary_add_members(b, summary, default_vm);
	json_builder_set_member_name(b, "hugepages");
	if (xml->hugepages) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "page_size_kib");
		json_builder_add_int_value(b, (gint64)xml->hugepage_size_kib);
		json_builder_set_member_name(b, "pages");
		json_builder_add_int_value(b, (gint64)dkvm_domain_xml_hugepages_needed(xml));
		json_builder_set_member_name(b, "node");
		if (xml->hugepage_node >= 0)
			json_builder_add_int_value(b, xml->hugepage_node);
		else
			json_builder_add_null_value(b);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	dkvm_json_add_str_array(b, "pci_devices", xml->pci_hostdevs);
	dkvm_json_add_str_array(b, "usb_devices", xml->usb_hostdevs);
	json_builder_set_member_name(b, "disks");
	json_builder_begin_array(b);
	for (guint i = 0; i < xml->disks->len; i++) {
		const DkvmDomainDisk *disk = g_ptr_array_index(xml->disks, i);
		json_builder_begin_object(b);
		dkvm_json_add_opt_str(b, "target", disk->target);
		json_builder_set_member_name(b, "device");
		json_builder_add_string_value(b, disk->device);
		json_builder_set_member_name(b, "type");
		json_builder_add_string_value(b, disk->type);
		dkvm_json_add_opt_str(b, "source", disk->source);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	dkvm_json_add_opt_str(b, "nvram", xml->nvram);
	json_builder_set_member_name(b, "tpm");
	json_builder_add_boolean_value(b, xml->tpm);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return node_to_string(root);
}
