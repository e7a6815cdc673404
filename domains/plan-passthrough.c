/*
 * The PCI passthrough planner: from the addresses a person selected to the
 * host functions the guest gets and the guest address of each, or a refusal
 * that names what blocks it. A pure function of the host facts and the spec.
 *
 * Why each rule exists:
 *
 * - Any function selects its whole slot: a GPU's HDMI audio, USB-C and UCSI
 *   functions share its reset and its driver's expectations; passing half a
 *   card hangs the guest driver or the host.
 * - IOMMU groups are the smallest unit vfio can isolate: every device of a
 *   selected device's group goes to vfio-pci, so each one must be selected
 *   too, or be a PCI bridge (class 0x0604: vfio leaves bridges alone).
 *   Otherwise the host would lose a device it did not agree to give.
 * - Devices discovery flagged as host_needed (the boot stick's controller,
 *   the host's only NIC...) are refused with discovery's reason. The same
 *   holds for USB devices (the boot stick itself): a USB selection is by
 *   vendor:product and libvirt takes whichever device has those ids, so any
 *   host-needed device with the ids refuses the selection, and so does a hub
 *   the boot stick hangs off (the stick would go with it).
 * - Bridges (class 0x06: host, ISA/LPC, PCI bridges) stay with the host: the
 *   chipset's LPC bridge shares a slot with its SMBus controller, and taking
 *   either would take the platform away; selecting a function whose slot
 *   holds one is refused.
 * - Without an IOMMU nothing can be isolated: any PCI selection is refused,
 *   with how to turn the IOMMU on.
 * - The boot GPU works, but the host console goes dark, and many cards need
 *   a clean copy of their ROM given as a ROM file: a warning.
 * - Guest layout: the functions of one host slot become one multifunction
 *   guest device at one guest slot with their function numbers kept (drivers
 *   look for the audio at .1 of the GPU), function 0 first. Every other slot
 *   gets its own guest slot: the original DKVM put everything on one slot in
 *   selection order and QEMU refused to start. Each slot sits on its own
 *   pcie-root-port (q35), bus DKVM_PASSTHROUGH_FIRST_GUEST_BUS + i, slot 0,
 *   with i counting GPU slots first, then the others in host address order:
 *   the same selection always gives the same guest addresses, whatever order
 *   it was typed in, so re-applying a spec read back from a domain is stable.
 */
#include "plan.h"

#include <string.h>

#include "dkvm-error.h"
#include "plan-util.h"

void
dkvm_passthrough_slot_free(DkvmPassthroughSlot *self)
{
	if (self == NULL)
		return;
	g_free(self->host_slot);
	g_clear_pointer(&self->functions, g_ptr_array_unref);
	g_free(self->name);
	g_free(self->rom_file);
	g_free(self);
}

void
dkvm_passthrough_plan_free(DkvmPassthroughPlan *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->slots, g_ptr_array_unref);
	g_clear_pointer(&self->warnings, g_ptr_array_unref);
	g_clear_pointer(&self->rationale, g_ptr_array_unref);
	g_free(self);
}

/* "0000:01:00.1" -> "0000:01:00" */
static gchar *
slot_of(const gchar *address)
{
	const gchar *dot = strrchr(address, '.');
	return dot != NULL ? g_strndup(address, (gsize)(dot - address)) : g_strdup(address);
}

static const gchar *
device_name(const DkvmPciDevice *d)
{
	if (d == NULL)
		return "unknown device";
	if (d->device_name != NULL)
		return d->device_name;
	if (d->class_name != NULL)
		return d->class_name;
	return "unknown device";
}

static gboolean
is_pci_bridge(const DkvmPciDevice *d)
{
	return d != NULL && (d->class_code >> 8) == 0x0604;
}

static gint
address_cmp(gconstpointer a, gconstpointer b)
{
	const DkvmPciDevice *x = *(DkvmPciDevice *const *)a, *y = *(DkvmPciDevice *const *)b;
	return g_ascii_strcasecmp(x->address, y->address);
}

static gint
str_cmp(gconstpointer a, gconstpointer b)
{
	return g_ascii_strcasecmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

static gboolean
is_selected(GPtrArray *selected, const gchar *address)
{
	for (guint i = 0; i < selected->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(selected, i);
		if (g_ascii_strcasecmp(d->address, address) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
select_device(GPtrArray *selected, const DkvmPciDevice *d)
{
	if (!is_selected(selected, d->address))
		g_ptr_array_add(selected, (gpointer)d);
}

/* The selection, each address made canonical and widened to its whole slot. */
static GPtrArray *
expand_selection(const DkvmHostFacts *host, const DkvmSpec *spec, GError **error)
{
	g_autoptr(GPtrArray) selected = g_ptr_array_new();

	for (guint i = 0; i < spec->pci->len; i++) {
		const DkvmPciSelection *sel = g_ptr_array_index(spec->pci, i);
		g_autofree gchar *address = dkvm_parse_pci_address(sel->address, error);
		g_autofree gchar *slot = NULL;
		const DkvmPciDevice *d;

		if (address == NULL)
			return NULL;
		d = dkvm_host_facts_get_pci(host, address);
		if (d == NULL) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
			            "cannot pass through %s: this host has no such PCI device\n"
			            "hint: `dkvm host` lists the host's PCI devices",
			            address);
			return NULL;
		}
		slot = slot_of(d->address);
		for (guint j = 0; j < host->pci->len; j++) {
			const DkvmPciDevice *other = g_ptr_array_index(host->pci, j);
			g_autofree gchar *other_slot = slot_of(other->address);
			if (g_ascii_strcasecmp(slot, other_slot) == 0)
				select_device(selected, other);
		}
		for (guint j = 0; j < d->functions->len; j++) {
			const DkvmPciDevice *f =
			        dkvm_host_facts_get_pci(host, g_ptr_array_index(d->functions, j));
			if (f != NULL)
				select_device(selected, f);
		}
	}
	g_ptr_array_sort(selected, address_cmp);
	return g_steal_pointer(&selected);
}

/* What IOMMU group @id holds besides the @selected devices: PCI bridges
 * (vfio leaves them alone) into @bridges, everything else into @blockers,
 * each comma-separated. */
static void
group_leftovers(const DkvmHostFacts *host, GPtrArray *selected, guint id, GString *blockers,
                GString *bridges)
{
	const DkvmIommuGroup *group = dkvm_host_facts_get_iommu_group(host, id);
	g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func(g_free);

	/* the group's list and each device's own link, in case one lacks the other */
	for (guint j = 0; group != NULL && j < group->devices->len; j++)
		g_ptr_array_add(members, g_strdup(g_ptr_array_index(group->devices, j)));
	for (guint j = 0; j < host->pci->len; j++) {
		const DkvmPciDevice *d = g_ptr_array_index(host->pci, j);
		if (d->iommu_group == (gint)id &&
		    !g_ptr_array_find_with_equal_func(members, d->address, g_str_equal, NULL))
			g_ptr_array_add(members, g_strdup(d->address));
	}
	g_ptr_array_sort(members, str_cmp);
	for (guint j = 0; j < members->len; j++) {
		const gchar *addr = g_ptr_array_index(members, j);
		const DkvmPciDevice *m = dkvm_host_facts_get_pci(host, addr);

		if (is_selected(selected, addr))
			continue;
		if (is_pci_bridge(m)) {
			g_string_append_printf(bridges, "%s%s", bridges->len > 0 ? ", " : "", addr);
			continue;
		}
		g_string_append_printf(blockers, "%s%s (%s)", blockers->len > 0 ? ", " : "", addr,
		                       device_name(m));
	}
}

/* Every device of the selected devices' groups is selected or a bridge. */
static gboolean
check_groups(const DkvmHostFacts *host, GPtrArray *selected, GPtrArray *rationale, GError **error)
{
	g_autoptr(GArray) groups = dkvm_plan_uint_array_new();
	g_autoptr(GString) blocked = g_string_new(NULL);

	for (guint i = 0; i < selected->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(selected, i);
		if (d->iommu_group < 0) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
			            "cannot pass through %s (%s): it is in no IOMMU group",
			            d->address, device_name(d));
			return FALSE;
		}
		dkvm_plan_uint_array_add_sorted(groups, (guint)d->iommu_group);
	}
	for (guint i = 0; i < groups->len; i++) {
		guint id = g_array_index(groups, guint, i);
		g_autoptr(GString) blockers = g_string_new(NULL);
		g_autoptr(GString) bridges = g_string_new(NULL);

		group_leftovers(host, selected, id, blockers, bridges);
		if (blockers->len > 0) {
			g_string_append_printf(blocked, "%sIOMMU group %u also holds %s",
			                       blocked->len > 0 ? "; " : "", id, blockers->str);
		} else if (bridges->len > 0) {
			dkvm_plan_line(
			        rationale,
			        "IOMMU group %u: only the selected devices and PCI bridges (%s, "
			        "which stay with the host), so vfio can isolate it",
			        id, bridges->str);
		} else {
			dkvm_plan_line(rationale,
			               "IOMMU group %u holds only selected devices, so vfio can "
			               "isolate it",
			               id);
		}
	}
	if (blocked->len > 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "cannot pass through the selected devices: %s, not selected\n"
		            "hint: select those too (the whole group goes to the VM), or put the "
		            "card in a slot with its own IOMMU group",
		            blocked->str);
		return FALSE;
	}
	return TRUE;
}

static gint
slot_cmp(gconstpointer a, gconstpointer b)
{
	const DkvmPassthroughSlot *x = *(DkvmPassthroughSlot *const *)a;
	const DkvmPassthroughSlot *y = *(DkvmPassthroughSlot *const *)b;

	if (x->is_gpu != y->is_gpu)
		return x->is_gpu ? -1 : 1;
	return g_ascii_strcasecmp(x->host_slot, y->host_slot);
}

static const gchar *
rom_for_slot(const DkvmSpec *spec, const gchar *slot)
{
	for (guint i = 0; i < spec->pci->len; i++) {
		const DkvmPciSelection *sel = g_ptr_array_index(spec->pci, i);
		g_autofree gchar *address = dkvm_parse_pci_address(sel->address, NULL);
		g_autofree gchar *sel_slot = address != NULL ? slot_of(address) : NULL;
		if (sel->rom_file != NULL && sel_slot != NULL &&
		    g_ascii_strcasecmp(sel_slot, slot) == 0)
			return sel->rom_file;
	}
	return NULL;
}

/* The selected address in @address's slot, itself when selected; NULL if none. */
static gchar *
selection_in_slot(const DkvmSpec *spec, const gchar *address)
{
	g_autofree gchar *slot = slot_of(address);
	g_autofree gchar *found = NULL;

	for (guint i = 0; i < spec->pci->len; i++) {
		const DkvmPciSelection *sel = g_ptr_array_index(spec->pci, i);
		g_autofree gchar *canon = dkvm_parse_pci_address(sel->address, NULL);
		g_autofree gchar *sel_slot = canon != NULL ? slot_of(canon) : NULL;

		if (canon != NULL && g_ascii_strcasecmp(canon, address) == 0)
			return g_steal_pointer(&canon);
		if (found == NULL && sel_slot != NULL && g_ascii_strcasecmp(sel_slot, slot) == 0)
			found = g_steal_pointer(&canon);
	}
	return g_steal_pointer(&found);
}

/* Groups the selected functions into slots and gives each its guest address. */
static void
lay_out_slots(const DkvmHostFacts *host, const DkvmSpec *spec, GPtrArray *selected,
              DkvmPassthroughPlan *plan)
{
	for (guint i = 0; i < selected->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(selected, i);
		g_autofree gchar *slot = slot_of(d->address);
		DkvmPassthroughSlot *s = NULL;

		for (guint j = 0; j < plan->slots->len && s == NULL; j++) {
			DkvmPassthroughSlot *cand = g_ptr_array_index(plan->slots, j);
			if (g_ascii_strcasecmp(cand->host_slot, slot) == 0)
				s = cand;
		}
		if (s == NULL) {
			s = g_new0(DkvmPassthroughSlot, 1);
			s->host_slot = g_steal_pointer(&slot);
			s->functions = g_ptr_array_new_with_free_func(g_free);
			s->name = g_strdup(device_name(d));
			s->rom_file = g_strdup(rom_for_slot(spec, s->host_slot));
			g_ptr_array_add(plan->slots, s);
		}
		/* selected is sorted by address, so function 0 comes first */
		g_ptr_array_add(s->functions, g_strdup(d->address));
		s->is_gpu |= d->is_gpu;
		if (d->boot_vga)
			dkvm_plan_line(
			        plan->warnings,
			        "%s (%s) is the host's boot GPU: the host console goes dark "
			        "while the VM runs%s",
			        d->address, device_name(d),
			        s->rom_file != NULL
			                ? ""
			                : ", and the card may need its ROM dumped and given as "
			                  "a ROM file");
		/* reset trouble: dkvm_plan_passthrough_quirks(), one warning a slot */
	}
	g_ptr_array_sort(plan->slots, slot_cmp);
	for (guint i = 0; i < plan->slots->len; i++) {
		DkvmPassthroughSlot *s = g_ptr_array_index(plan->slots, i);
		g_autoptr(GString) fns = g_string_new(NULL);

		s->guest_bus = DKVM_PASSTHROUGH_FIRST_GUEST_BUS + i;
		s->guest_slot = 0;
		s->multifunction = s->functions->len > 1;
		for (guint j = 0; j < s->functions->len; j++) {
			const gchar *f = g_ptr_array_index(s->functions, j);
			g_string_append_printf(fns, "%s%s", j > 0 ? "," : "", strrchr(f, '.') + 1);
		}
		dkvm_plan_line(plan->rationale,
		               "host %s (%s): function%s %s at guest 0000:%02x:%02x on its own "
		               "pcie-root-port%s",
		               s->host_slot, s->name, s->functions->len > 1 ? "s" : "", fns->str,
		               s->guest_bus, s->guest_slot,
		               s->multifunction
		                       ? ", one multifunction device, function numbers kept"
		                       : "");
	}
	for (guint i = 0; i < plan->slots->len; i++) {
		const DkvmPassthroughSlot *s = g_ptr_array_index(plan->slots, i);
		if (s->is_gpu) {
			const DkvmPciDevice *f0 =
			        dkvm_host_facts_get_pci(host, g_ptr_array_index(s->functions, 0));
			plan->gpu_numa_node = f0 != NULL ? f0->numa_node : -1;
			break;
		}
	}
}

static gchar *
usb_name(const DkvmUsbDevice *d)
{
	g_autofree gchar *name = g_strjoin(" ", d->vendor_name != NULL ? d->vendor_name : "",
	                                   d->product_name != NULL ? d->product_name : "", NULL);

	g_strstrip(name);
	return *name != '\0' ? g_steal_pointer(&name) : g_strdup("unknown device");
}

/* The host-needed device @d is, or one that hangs off @d (a hub on the boot
 * stick's path: passing it would take the stick away too); NULL if none. */
static const DkvmUsbDevice *
needed_through(const DkvmHostFacts *host, const DkvmUsbDevice *d)
{
	g_autofree gchar *below = g_strdup_printf("%s.", d->port_path);

	if (d->host_needed)
		return d;
	for (guint i = 0; i < host->usb->len; i++) {
		const DkvmUsbDevice *other = g_ptr_array_index(host->usb, i);
		if (other->host_needed && other->busnum == d->busnum &&
		    g_str_has_prefix(other->port_path, below))
			return other;
	}
	return NULL;
}

/* Why the host keeps @d (itself host-needed, or a hub the host-needed device
 * hangs off), NULL when it may go to a VM. */
static gchar *
usb_why_needed(const DkvmHostFacts *host, const DkvmUsbDevice *d)
{
	const DkvmUsbDevice *needed = needed_through(host, d);
	const gchar *why;
	g_autofree gchar *needed_name = NULL;

	if (needed == NULL)
		return NULL;
	why = needed->host_needed_reason != NULL ? needed->host_needed_reason
	                                         : "flagged by host discovery";
	if (needed == d)
		return g_strdup(why);
	needed_name = usb_name(needed);
	return g_strdup_printf("it holds %s (port %s), %s", needed_name, needed->port_path, why);
}

gchar *
dkvm_passthrough_usb_why_not(const DkvmHostFacts *host, guint16 vendor_id, guint16 product_id)
{
	for (guint j = 0; host->usb != NULL && j < host->usb->len; j++) {
		const DkvmUsbDevice *d = g_ptr_array_index(host->usb, j);
		g_autofree gchar *why = NULL;

		if (d->vendor_id != vendor_id || d->product_id != product_id)
			continue;
		why = usb_why_needed(host, d);
		if (why != NULL)
			return g_strdup_printf("the host needs it: %s", why);
	}
	return NULL;
}

static gboolean
check_usb(const DkvmHostFacts *host, const DkvmSpec *spec, GError **error)
{
	for (guint i = 0; host->usb != NULL && i < spec->usb->len; i++) {
		const DkvmUsbSelection *sel = g_ptr_array_index(spec->usb, i);

		for (guint j = 0; j < host->usb->len; j++) {
			const DkvmUsbDevice *d = g_ptr_array_index(host->usb, j);
			g_autofree gchar *name = NULL;
			g_autofree gchar *why = NULL;

			if (d->vendor_id != sel->vendor_id || d->product_id != sel->product_id)
				continue;
			why = usb_why_needed(host, d);
			if (why == NULL)
				continue;
			name = usb_name(d);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
			            "cannot pass through USB device %04x:%04x (%s, port %s): the "
			            "host needs it: %s",
			            d->vendor_id, d->product_id, name, d->port_path, why);
			return FALSE;
		}
	}
	return TRUE;
}

DkvmPassthroughPlan *
dkvm_plan_passthrough(const DkvmHostFacts *host, const DkvmSpec *spec, GError **error)
{
	g_autoptr(DkvmPassthroughPlan) plan = g_new0(DkvmPassthroughPlan, 1);
	g_autoptr(GPtrArray) selected = NULL;

	plan->slots = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_passthrough_slot_free);
	plan->warnings = dkvm_plan_lines_new();
	plan->rationale = dkvm_plan_lines_new();
	plan->gpu_numa_node = -1;
	if (!check_usb(host, spec, error))
		return NULL;
	if (spec->pci->len == 0)
		return g_steal_pointer(&plan);

	selected = expand_selection(host, spec, error);
	if (selected == NULL)
		return NULL;
	if (!host->iommu_enabled) {
		const DkvmPciDevice *first = g_ptr_array_index(selected, 0);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "cannot pass through %s (%s): the IOMMU is off on this host\n"
		            "hint: turn on VT-d / AMD-Vi in the firmware and add intel_iommu=on "
		            "(Intel) or amd_iommu=on (AMD) to the kernel command line",
		            first->address, device_name(first));
		return NULL;
	}
	for (guint i = 0; i < selected->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(selected, i);
		if (d->host_needed) {
			g_autofree gchar *by = selection_in_slot(spec, d->address);
			g_autofree gchar *via =
			        by != NULL && g_ascii_strcasecmp(by, d->address) != 0
			                ? g_strdup_printf(", in the slot of the selected %s", by)
			                : g_strdup("");
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
			            "cannot pass through %s (%s)%s: the host needs it: %s",
			            d->address, device_name(d), via,
			            d->host_needed_reason != NULL ? d->host_needed_reason
			                                          : "flagged by host discovery");
			return NULL;
		}
	}
	for (guint i = 0; i < selected->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(selected, i);
		if (d->is_bridge) {
			g_autofree gchar *by = selection_in_slot(spec, d->address);
			g_autofree gchar *via =
			        by != NULL && g_ascii_strcasecmp(by, d->address) != 0
			                ? g_strdup_printf(", in the slot of the selected %s", by)
			                : g_strdup("");
			g_set_error(
			        error, DKVM_ERROR, DKVM_ERROR_REFUSED,
			        "cannot pass through %s (%s)%s: it is a bridge, which stays with "
			        "the host",
			        d->address, device_name(d), via);
			return NULL;
		}
	}
	if (!check_groups(host, selected, plan->rationale, error))
		return NULL;
	lay_out_slots(host, spec, selected, plan);
	dkvm_plan_passthrough_quirks(host, spec, plan);
	return g_steal_pointer(&plan);
}

void
dkvm_passthrough_candidate_free(DkvmPassthroughCandidate *self)
{
	if (self == NULL)
		return;
	g_free(self->why_not);
	g_clear_pointer(&self->pulls_in, g_ptr_array_unref);
	g_free(self);
}

/* "0000:01:00.0" -> "01:00.0" in reasons, which share a line with a name */
static const gchar *
short_address(const gchar *address)
{
	return g_str_has_prefix(address, "0000:") ? address + 5 : address;
}

/* The verdict on @c->device chosen alone: the checks of dkvm_plan_passthrough
 * in its order, on the slot the device selects. */
static void
judge_candidate(const DkvmHostFacts *host, DkvmPassthroughCandidate *c)
{
	const DkvmPciDevice *d = c->device;
	g_autoptr(DkvmSpec) spec = dkvm_spec_new("candidate", DKVM_PRESET_LINUX);
	g_autoptr(GPtrArray) selected = NULL;
	g_autoptr(GString) blockers = g_string_new(NULL);
	g_autoptr(GString) bridges = g_string_new(NULL);

	g_ptr_array_add(spec->pci, dkvm_pci_selection_new(d->address));
	selected = expand_selection(host, spec, NULL);
	for (guint i = 0; selected != NULL && i < selected->len; i++) {
		const DkvmPciDevice *f = g_ptr_array_index(selected, i);
		if (f != d)
			g_ptr_array_add(c->pulls_in, g_strdup(f->address));
	}
	if (d->is_bridge) {
		c->verdict = DKVM_PASSTHROUGH_BRIDGE;
		c->why_not = g_strdup("a bridge: it stays with the host");
		return;
	}
	if (!host->iommu_enabled || d->iommu_group < 0) {
		c->verdict = DKVM_PASSTHROUGH_NO_IOMMU;
		c->why_not = g_strdup(!host->iommu_enabled ? "the IOMMU is off on this host"
		                                           : "it is in no IOMMU group");
		return;
	}
	for (guint i = 0; selected != NULL && i < selected->len; i++) {
		const DkvmPciDevice *f = g_ptr_array_index(selected, i);
		const gchar *reason = f->host_needed_reason != NULL ? f->host_needed_reason
		                                                    : "flagged by host discovery";
		if (!f->host_needed)
			continue;
		c->verdict = DKVM_PASSTHROUGH_HOST_NEEDED;
		c->why_not = f == d ? g_strdup_printf("the host needs it: %s", reason)
		                    : g_strdup_printf("the host needs %s in its slot: %s",
		                                      short_address(f->address), reason);
		return;
	}
	for (guint i = 0; selected != NULL && i < selected->len; i++) {
		const DkvmPciDevice *f = g_ptr_array_index(selected, i);
		if (!f->is_bridge)
			continue;
		c->verdict = DKVM_PASSTHROUGH_BRIDGE;
		c->why_not = g_strdup_printf("its slot holds the bridge %s (%s), which stays with "
		                             "the host",
		                             short_address(f->address), device_name(f));
		return;
	}
	group_leftovers(host, selected, (guint)d->iommu_group, blockers, bridges);
	if (blockers->len > 0) {
		c->verdict = DKVM_PASSTHROUGH_GROUP_SHARED;
		c->why_not = g_strdup_printf("IOMMU group %d is not isolated: it also holds %s",
		                             d->iommu_group, blockers->str);
	}
}

static gint
candidate_cmp(gconstpointer a, gconstpointer b)
{
	const DkvmPassthroughCandidate *x = *(DkvmPassthroughCandidate *const *)a;
	const DkvmPassthroughCandidate *y = *(DkvmPassthroughCandidate *const *)b;
	/* no group (-1) sorts last */
	guint gx = (guint)x->device->iommu_group, gy = (guint)y->device->iommu_group;

	if (gx != gy)
		return gx < gy ? -1 : 1;
	return g_ascii_strcasecmp(x->device->address, y->device->address);
}

GPtrArray *
dkvm_passthrough_candidates(const DkvmHostFacts *host)
{
	GPtrArray *candidates =
	        g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_passthrough_candidate_free);

	for (guint i = 0; i < host->pci->len; i++) {
		DkvmPassthroughCandidate *c = g_new0(DkvmPassthroughCandidate, 1);

		c->device = g_ptr_array_index(host->pci, i);
		c->pulls_in = g_ptr_array_new_with_free_func(g_free);
		judge_candidate(host, c);
		g_ptr_array_add(candidates, c);
	}
	g_ptr_array_sort(candidates, candidate_cmp);
	return candidates;
}
