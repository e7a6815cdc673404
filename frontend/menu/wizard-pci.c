/*
 * PCI devices: a check list of the host's PCI devices in IOMMU group order,
 * each with its group, address, name and driver, and a mark on those that
 * cannot be given to a VM (a bridge, the host needs it, its group is not
 * isolated, no IOMMU). The verdicts are the passthrough planner's own
 * (dkvm_passthrough_candidates), so the list never offers what the summary
 * would refuse. "Why?" explains the device under the cursor.
 *
 * A device takes the other functions of its slot with it (a GPU its HDMI
 * audio): when OK finds one ticked without them, it ticks them, says so and
 * shows the list again, so the person sees exactly what the VM gets.
 */
#include "dkvm-error.h"
#include "menu-widgets.h"
#include "plan.h"
#include "wizard.h"

#define LABEL "PCI devices"
/* the widest item text that fits a check list at 80 columns */
#define ITEM_WIDTH 64

/* "0000:01:00.0" -> "01:00.0": the domain is 0000 on desktops */
static const gchar *
short_address(const gchar *address)
{
	return g_str_has_prefix(address, "0000:") ? address + 5 : address;
}

static const gchar *
device_name(const DkvmPciDevice *d)
{
	if (d->device_name != NULL)
		return d->device_name;
	if (d->class_name != NULL)
		return d->class_name;
	return "unknown device";
}

static const gchar *
verdict_mark(DkvmPassthroughVerdict verdict)
{
	switch (verdict) {
	case DKVM_PASSTHROUGH_BRIDGE:
		return "[bridge]";
	case DKVM_PASSTHROUGH_HOST_NEEDED:
		return "[host needs it]";
	case DKVM_PASSTHROUGH_GROUP_SHARED:
		return "[group shared]";
	case DKVM_PASSTHROUGH_NO_IOMMU:
		return "[no IOMMU]";
	case DKVM_PASSTHROUGH_CHOOSABLE:
	default:
		return "";
	}
}

/* "+.1" for a GPU that takes its audio function: what the tick brings along */
static gchar *
pulls_in_mark(const DkvmPassthroughCandidate *c)
{
	g_autoptr(GString) mark = g_string_new(NULL);

	for (guint i = 0; i < c->pulls_in->len; i++) {
		const gchar *address = g_ptr_array_index(c->pulls_in, i);
		const gchar *dot = strrchr(address, '.');
		g_string_append_printf(mark, "%s+%s", mark->len > 0 ? "," : "",
		                       dot != NULL ? dot : address);
	}
	return g_string_free(g_steal_pointer(&mark), FALSE);
}

/* One line: group, address, name (cut to fit), driver, then what it brings
 * along or why it cannot be chosen. */
static gchar *
item_text(const DkvmPassthroughCandidate *c)
{
	const DkvmPciDevice *d = c->device;
	g_autofree gchar *group =
	        d->iommu_group >= 0 ? g_strdup_printf("%d", d->iommu_group) : g_strdup("-");
	g_autofree gchar *tail = c->verdict == DKVM_PASSTHROUGH_CHOOSABLE
	                                 ? pulls_in_mark(c)
	                                 : g_strdup(verdict_mark(c->verdict));
	g_autofree gchar *driver =
	        d->driver != NULL ? g_strdup_printf(" (%s)", d->driver) : g_strdup("");
	g_autofree gchar *head = g_strdup_printf("%3s %s ", group, short_address(d->address));
	g_autoptr(GString) name = g_string_new(device_name(d));
	glong room = ITEM_WIDTH - (glong)strlen(head) - (glong)strlen(driver) -
	             (*tail != '\0' ? (glong)strlen(tail) + 1 : 0);

	if (room < 8)
		room = 8;
	if ((glong)name->len > room) {
		g_string_truncate(name, (gsize)room - 2);
		g_string_append(name, "..");
	}
	return g_strdup_printf("%s%s%s%s%s", head, name->str, driver, *tail != '\0' ? " " : "",
	                       tail);
}

static const DkvmPassthroughCandidate *
candidate_of(GPtrArray *candidates, const gchar *address)
{
	for (guint i = 0; i < candidates->len; i++) {
		const DkvmPassthroughCandidate *c = g_ptr_array_index(candidates, i);
		if (g_ascii_strcasecmp(c->device->address, address) == 0)
			return c;
	}
	return NULL;
}

/* The selection's canonical address, or its own spelling when it does not parse. */
static gchar *
canonical(const gchar *address)
{
	gchar *canon = dkvm_parse_pci_address(address, NULL);
	return canon != NULL ? canon : g_strdup(address);
}

static GPtrArray *
build_items(const DkvmWizard *wizard, GPtrArray *candidates)
{
	GPtrArray *items = dkvm_menu_items_new();

	for (guint i = 0; i < candidates->len; i++) {
		const DkvmPassthroughCandidate *c = g_ptr_array_index(candidates, i);
		g_autofree gchar *text = item_text(c);
		gboolean on = dkvm_spec_get_pci(wizard->spec, c->device->address) != NULL;

		dkvm_menu_items_add(items, c->device->address, on, "%s", text);
	}
	/* a device the VM has and the host no longer shows: kept until unticked */
	for (guint i = 0; i < wizard->spec->pci->len; i++) {
		const DkvmPciSelection *sel = g_ptr_array_index(wizard->spec->pci, i);
		g_autofree gchar *address = canonical(sel->address);

		if (candidate_of(candidates, address) == NULL)
			dkvm_menu_items_add(items, address, TRUE, "  ? %s (not on this host)",
			                    short_address(address));
	}
	return items;
}

/* The full story of the device under the cursor. */
static void
explain(const DkvmWizard *wizard, GPtrArray *candidates, const DkvmMenuItem *item)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, LABEL);
	const DkvmPassthroughCandidate *c = candidate_of(candidates, item->tag);
	const DkvmPciDevice *d;
	g_autoptr(GString) text = g_string_new(NULL);

	if (c == NULL) {
		g_string_printf(text,
		                "%s: the VM has this device, but the host shows no such "
		                "PCI device now. Untick it to take it off the VM.",
		                item->tag);
		dkvm_menu_message(title, text->str);
		return;
	}
	d = c->device;
	g_string_append_printf(text, "%s %s%s%s\n", d->address,
	                       d->vendor_name != NULL ? d->vendor_name : "",
	                       d->vendor_name != NULL ? " " : "", device_name(d));
	if (d->class_name != NULL)
		g_string_append_printf(text, "Class: %s\n", d->class_name);
	g_string_append_printf(text, "Driver: %s\n", d->driver != NULL ? d->driver : "none");
	if (d->iommu_group >= 0) {
		const DkvmIommuGroup *group =
		        dkvm_host_facts_get_iommu_group(wizard->host, (guint)d->iommu_group);
		g_string_append_printf(text, "IOMMU group %d:", d->iommu_group);
		for (guint i = 0; group != NULL && i < group->devices->len; i++)
			g_string_append_printf(text, " %s",
			                       short_address(g_ptr_array_index(group->devices, i)));
		g_string_append_c(text, '\n');
	}
	if (c->pulls_in->len > 0) {
		g_string_append(text, "Comes with the other functions of its slot:");
		for (guint i = 0; i < c->pulls_in->len; i++) {
			const gchar *address = g_ptr_array_index(c->pulls_in, i);
			const DkvmPciDevice *f = dkvm_host_facts_get_pci(wizard->host, address);
			g_string_append_printf(text, "\n  %s %s", short_address(address),
			                       f != NULL ? device_name(f) : "");
		}
		g_string_append_c(text, '\n');
	}
	if (c->why_not != NULL)
		g_string_append_printf(text, "\nIt cannot be given to a VM: %s.", c->why_not);
	else
		g_string_append(text, "\nIt can be given to a VM.");
	dkvm_menu_message(title, text->str);
}

/*
 * Ticked devices that cannot be chosen: unticked, and their reasons in
 * @refused. Ticked devices whose slot mates are not ticked: the mates ticked,
 * and what was added in @pulled. TRUE when nothing had to change.
 */
static gboolean
settle_ticks(GPtrArray *items, GPtrArray *candidates, GString *refused, GString *pulled)
{
	gboolean settled = TRUE;

	for (guint i = 0; i < items->len; i++) {
		DkvmMenuItem *item = g_ptr_array_index(items, i);
		const DkvmPassthroughCandidate *c = candidate_of(candidates, item->tag);

		if (!item->on || c == NULL || c->verdict == DKVM_PASSTHROUGH_CHOOSABLE)
			continue;
		item->on = FALSE;
		settled = FALSE;
		g_string_append_printf(refused, "%s %s: %s\n", short_address(item->tag),
		                       device_name(c->device), c->why_not);
	}
	for (guint i = 0; i < items->len; i++) {
		DkvmMenuItem *item = g_ptr_array_index(items, i);
		const DkvmPassthroughCandidate *c = candidate_of(candidates, item->tag);
		g_autoptr(GString) added = g_string_new(NULL);

		if (!item->on || c == NULL)
			continue;
		for (guint j = 0; j < c->pulls_in->len; j++) {
			const gchar *address = g_ptr_array_index(c->pulls_in, j);
			gint k = dkvm_menu_items_find(items, address);
			const DkvmPassthroughCandidate *m = candidate_of(candidates, address);
			DkvmMenuItem *mate;

			if (k < 0 || m == NULL)
				continue;
			mate = g_ptr_array_index(items, k);
			if (mate->on)
				continue;
			mate->on = TRUE;
			g_string_append_printf(added, "\n  %s %s", short_address(address),
			                       device_name(m->device));
		}
		if (added->len > 0) {
			settled = FALSE;
			g_string_append_printf(pulled,
			                       "%s %s takes the other functions of its slot "
			                       "with it:%s\n",
			                       short_address(c->device->address),
			                       device_name(c->device), added->str);
		}
	}
	return settled;
}

/* The ticked devices as the spec's selection (ROM files of devices kept). */
static GPtrArray *
selection_of(const DkvmWizard *wizard, GPtrArray *items)
{
	GPtrArray *pci = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_pci_selection_free);

	for (guint i = 0; i < items->len; i++) {
		const DkvmMenuItem *item = g_ptr_array_index(items, i);
		const DkvmPciSelection *old;
		DkvmPciSelection *sel;

		if (!item->on)
			continue;
		old = dkvm_spec_get_pci(wizard->spec, item->tag);
		sel = dkvm_pci_selection_new(item->tag);
		if (old != NULL)
			sel->rom_file = g_strdup(old->rom_file);
		g_ptr_array_add(pci, sel);
	}
	return pci;
}

/* Where the cursor starts: the first ticked device, else the first GPU that
 * can be chosen, else the first device that can (the bridges of the
 * platform come first in group order and matter to nobody). */
static gint
first_of_interest(GPtrArray *items, GPtrArray *candidates)
{
	gint gpu = -1, choosable = -1;

	for (guint i = 0; i < items->len; i++) {
		const DkvmMenuItem *item = g_ptr_array_index(items, i);
		const DkvmPassthroughCandidate *c = candidate_of(candidates, item->tag);

		if (item->on)
			return (gint)i;
		if (c == NULL || c->verdict != DKVM_PASSTHROUGH_CHOOSABLE)
			continue;
		if (gpu < 0 && c->device->is_gpu)
			gpu = (gint)i;
		if (choosable < 0)
			choosable = (gint)i;
	}
	return gpu >= 0 ? gpu : MAX(choosable, 0);
}

static DkvmStepResult
pci_run(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, LABEL);
	g_autoptr(GPtrArray) candidates = dkvm_passthrough_candidates(wizard->host);
	g_autoptr(GPtrArray) items = build_items(wizard, candidates);
	const DkvmWidgetOptions options = { .ok_label = "OK", .extra_label = "Why?" };
	gint cursor = first_of_interest(items, candidates);

	if (items->len == 0) {
		g_autoptr(GPtrArray) none = dkvm_menu_items_new();
		dkvm_menu_items_add(none, "next", FALSE, "Go on without PCI devices");
		return dkvm_menu_choose(title, "This host shows no PCI devices.", none, &cursor,
		                        NULL) == DKVM_ANSWER_OK
		               ? DKVM_STEP_NEXT
		               : DKVM_STEP_BACK;
	}
	for (;;) {
		g_autoptr(GString) refused = g_string_new(NULL);
		g_autoptr(GString) pulled = g_string_new(NULL);
		g_autoptr(DkvmSpec) changed = NULL;
		g_autoptr(DkvmPassthroughPlan) plan = NULL;
		g_autoptr(GError) error = NULL;
		DkvmAnswer answer = dkvm_menu_checklist(
		        title,
		        "Group, address, name (driver). Space ticks a device for the VM. A GPU "
		        "comes with its slot's other functions (HDMI audio: +.1). Marked devices "
		        "cannot be given; Why? explains the one under the cursor.",
		        items, &cursor, &options);

		if (answer == DKVM_ANSWER_BACK)
			return DKVM_STEP_BACK;
		if (answer == DKVM_ANSWER_EXTRA) {
			if (cursor >= 0 && (guint)cursor < items->len)
				explain(wizard, candidates, g_ptr_array_index(items, cursor));
			continue;
		}
		if (answer != DKVM_ANSWER_OK)
			continue;
		if (!settle_ticks(items, candidates, refused, pulled)) {
			g_autoptr(GString) text = g_string_new(NULL);
			if (refused->len > 0)
				g_string_append_printf(text,
				                       "Not given to the VM (unticked):\n%s\n",
				                       refused->str);
			if (pulled->len > 0)
				g_string_append_printf(text, "%s\n", pulled->str);
			g_string_append(text, "They are ticked as shown now; OK again goes on.");
			dkvm_menu_message(title, text->str);
			continue;
		}
		/* the planner has the last word (the summary plans the same) */
		changed = dkvm_spec_copy(wizard->spec);
		g_ptr_array_unref(changed->pci);
		changed->pci = selection_of(wizard, items);
		plan = dkvm_plan_passthrough(wizard->host, changed, &error);
		if (plan == NULL) {
			dkvm_wizard_refuse(wizard, LABEL, error);
			continue;
		}
		/* the new selection into the spec; the old one goes with the copy */
		{
			GPtrArray *old = wizard->spec->pci;
			wizard->spec->pci = changed->pci;
			changed->pci = old;
		}
		return DKVM_STEP_NEXT;
	}
}

static gchar *
pci_describe(const DkvmWizard *wizard)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < wizard->spec->pci->len; i++) {
		const DkvmPciSelection *sel = g_ptr_array_index(wizard->spec->pci, i);
		g_string_append_printf(text, "%s%s", i > 0 ? ", " : "",
		                       short_address(sel->address));
	}
	return text->len > 0 ? g_string_free(g_steal_pointer(&text), FALSE) : g_strdup("none");
}

const DkvmWizardStep dkvm_wizard_step_pci = {
	.name = "pci",
	.label = "PCI devices",
	.run = pci_run,
	.describe = pci_describe,
};
