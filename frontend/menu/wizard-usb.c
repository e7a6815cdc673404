/*
 * USB devices: a check list of the host's USB devices, read again when the
 * USB hot-plug monitor (host-monitor.h) reports a device plugged in or out,
 * so it appears or goes without leaving the step. Between keys and events
 * the list sleeps: the monitor's descriptor ends dialog's wait
 * (DkvmWidgetOptions.wake_fd). Only when udev's events cannot be had is the
 * list read again on a timer, every FALLBACK_REFRESH_S seconds, and the log
 * says why. Ticks are carried over by vendor:product,
 * which is also how the VM names a device (libvirt takes whichever device
 * has those ids). One line per vendor:product. Devices the host needs (the
 * DKVM boot stick, a hub it hangs off) are marked and refused with the
 * planner's reason (dkvm_passthrough_usb_why_not). A device the VM has that
 * is not plugged in stays on the list, ticked, until unticked.
 */
#include "host-discover.h"
#include "host-monitor.h"
#include "menu-widgets.h"
#include "plan.h"
#include "wizard.h"

#define LABEL      "USB devices"
#define ITEM_WIDTH 64
/* seconds between two readings of the USB devices without the monitor */
#define FALLBACK_REFRESH_S 5

/* The ports the monitor saw unplugged (and not plugged in again since),
 * port path -> itself. They are left out of the next reading even if sysfs
 * still shows them: udev's "remove" may come before the device's directory
 * is gone (umockdev's testbed sends it first). */
static void
on_usb_event(const gchar *action, const gchar *port_path, gpointer user_data)
{
	GHashTable *unplugged = user_data;

	if (g_str_equal(action, "remove"))
		g_hash_table_add(unplugged, g_strdup(port_path));
	else
		g_hash_table_remove(unplugged, port_path);
}

/* Without the monitor's events: the timer, and the log says why */
static void
fall_back(DkvmWidgetOptions *options, const GError *error)
{
	g_warning("USB devices: no hot-plug events (%s); the list is read again every %d s "
	          "instead",
	          error->message, FALLBACK_REFRESH_S);
	options->wake_fd = 0;
	options->refresh_s = FALLBACK_REFRESH_S;
}

/* The host's USB devices now, without the ports the monitor saw unplugged */
static DkvmHostFacts *
read_usb(const DkvmWizard *wizard, GHashTable *unplugged)
{
	DkvmHostFacts *host = dkvm_host_discover_usb(wizard->host->cmdline.raw);

	for (guint i = host->usb->len; i > 0; i--) {
		const DkvmUsbDevice *d = g_ptr_array_index(host->usb, i - 1);
		if (d->port_path != NULL && g_hash_table_contains(unplugged, d->port_path))
			g_ptr_array_remove_index(host->usb, i - 1);
	}
	return host;
}

static gchar *
usb_name(const DkvmUsbDevice *d)
{
	g_autofree gchar *name = g_strjoin(" ", d->vendor_name != NULL ? d->vendor_name : "",
	                                   d->product_name != NULL ? d->product_name : "", NULL);

	g_strstrip(name);
	return *name != '\0' ? g_steal_pointer(&name) : g_strdup("unknown device");
}

static gchar *
tag_of(guint16 vendor, guint16 product)
{
	return g_strdup_printf("%04x:%04x", vendor, product);
}

static gboolean
selected(const DkvmSpec *spec, guint16 vendor, guint16 product)
{
	for (guint i = 0; i < spec->usb->len; i++) {
		const DkvmUsbSelection *sel = g_ptr_array_index(spec->usb, i);
		if (sel->vendor_id == vendor && sel->product_id == product)
			return TRUE;
	}
	return FALSE;
}

/* The person's ticks so far, by vendor:product: GINT_TO_POINTER(1) ticked,
 * (2) unticked; absent, the spec's. Kept across readings of the devices, so
 * a device unplugged and plugged in again keeps the person's choice. */
static void
remember_ticks(GHashTable *ticks, GPtrArray *items)
{
	for (guint i = 0; i < items->len; i++) {
		const DkvmMenuItem *item = g_ptr_array_index(items, i);
		g_hash_table_replace(ticks, g_strdup(item->tag), GINT_TO_POINTER(item->on ? 1 : 2));
	}
}

static gboolean
ticked(GHashTable *ticks, const DkvmSpec *spec, guint16 vendor, guint16 product)
{
	g_autofree gchar *tag = tag_of(vendor, product);
	gint known = GPOINTER_TO_INT(g_hash_table_lookup(ticks, tag));

	return known != 0 ? known == 1 : selected(spec, vendor, product);
}

/*
 * The list for the USB devices of @host, one line per vendor:product, ticks
 * as the person left them (@ticks) or as the spec has them. A ticked device
 * the host does not show stays on the list ("not plugged in").
 */
static GPtrArray *
build_items(const DkvmWizard *wizard, const DkvmHostFacts *host, GHashTable *ticks)
{
	GPtrArray *items = dkvm_menu_items_new();
	GHashTableIter iter;
	gpointer key, value;

	for (guint i = 0; i < host->usb->len; i++) {
		const DkvmUsbDevice *d = g_ptr_array_index(host->usb, i);
		g_autofree gchar *tag = tag_of(d->vendor_id, d->product_id);
		g_autofree gchar *name = usb_name(d);
		g_autofree gchar *why = NULL;
		guint same = 0;
		gboolean on;
		glong room;

		if (dkvm_menu_items_find(items, tag) >= 0)
			continue;
		for (guint j = 0; j < host->usb->len; j++) {
			const DkvmUsbDevice *o = g_ptr_array_index(host->usb, j);
			same += o->vendor_id == d->vendor_id && o->product_id == d->product_id;
		}
		why = dkvm_passthrough_usb_why_not(host, d->vendor_id, d->product_id);
		on = ticked(ticks, wizard->spec, d->vendor_id, d->product_id);
		/* "046d:c08b 1-3    Logitech G502 HERO Gaming Mouse [host needs it]" */
		room = ITEM_WIDTH - 17 - (why != NULL ? 16 : 0) - (same > 1 ? 5 : 0);
		if ((glong)strlen(name) > room) {
			name[room - 2] = '\0';
			g_strlcat(name, "..", (gsize)room + 1);
		}
		if (same > 1)
			dkvm_menu_items_add(items, tag, on, "%s %-6s %s (x%u)%s", tag, d->port_path,
			                    name, same, why != NULL ? " [host needs it]" : "");
		else
			dkvm_menu_items_add(items, tag, on, "%s %-6s %s%s", tag, d->port_path, name,
			                    why != NULL ? " [host needs it]" : "");
	}
	/* ticked and not there: the VM keeps it until the person unticks it */
	for (guint i = 0; i < wizard->spec->usb->len; i++) {
		const DkvmUsbSelection *sel = g_ptr_array_index(wizard->spec->usb, i);
		g_autofree gchar *tag = tag_of(sel->vendor_id, sel->product_id);
		if (dkvm_menu_items_find(items, tag) < 0 &&
		    ticked(ticks, wizard->spec, sel->vendor_id, sel->product_id))
			dkvm_menu_items_add(items, tag, TRUE, "%s        (not plugged in)", tag);
	}
	g_hash_table_iter_init(&iter, ticks);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		if (GPOINTER_TO_INT(value) == 1 && dkvm_menu_items_find(items, key) < 0)
			dkvm_menu_items_add(items, key, TRUE, "%s        (not plugged in)",
			                    (const gchar *)key);
	}
	return items;
}

static DkvmStepResult
usb_run(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, LABEL);
	g_autoptr(GHashTable) unplugged =
	        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GError) error = NULL;
	/* listening before the first reading: a device plugged in between is
	 * not missed */
	g_autoptr(DkvmUsbMonitor) monitor = dkvm_usb_monitor_open(on_usb_event, unplugged, &error);
	DkvmWidgetOptions options = { 0 };
	g_autoptr(DkvmHostFacts) host = NULL;
	g_autoptr(GHashTable) ticks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GPtrArray) items = NULL;
	gint cursor = 0;

	if (monitor != NULL)
		options.wake_fd = dkvm_usb_monitor_get_fd(monitor);
	else
		fall_back(&options, error);
	host = read_usb(wizard, unplugged);
	items = build_items(wizard, host, ticks);

	for (;;) {
		g_autoptr(GString) refused = g_string_new(NULL);
		g_autoptr(GPtrArray) usb = NULL;
		DkvmAnswer answer;

		if (items->len == 0) {
			/* nothing to tick (yet): the same list, so a plug-in still shows */
			g_autoptr(GPtrArray) none = dkvm_menu_items_new();
			dkvm_menu_items_add(none, "next", FALSE, "Go on without USB devices");
			answer = dkvm_menu_choose(title,
			                          "No USB devices are plugged in. Plug one in to "
			                          "see it here.",
			                          none, &cursor, &options);
			if (answer == DKVM_ANSWER_OK)
				return DKVM_STEP_NEXT;
		} else {
			answer = dkvm_menu_checklist(
			        title,
			        "vendor:product, port, name. Space ticks a device for the VM; the "
			        "list follows devices plugged in and out.",
			        items, &cursor, &options);
		}
		if (answer == DKVM_ANSWER_BACK)
			return DKVM_STEP_BACK;
		if (answer == DKVM_ANSWER_REFRESH && monitor != NULL &&
		    dkvm_usb_monitor_dispatch(monitor, &error) < 0) {
			/* a broken monitor would wake the list at once, again and again */
			g_clear_pointer(&monitor, dkvm_usb_monitor_free);
			fall_back(&options, error);
		}
		if (answer == DKVM_ANSWER_REFRESH) {
			g_autoptr(DkvmHostFacts) now = read_usb(wizard, unplugged);
			g_autoptr(GPtrArray) rebuilt = NULL;
			const gchar *at =
			        cursor >= 0 && (guint)cursor < items->len
			                ? ((DkvmMenuItem *)g_ptr_array_index(items, cursor))->tag
			                : NULL;
			gint moved;

			remember_ticks(ticks, items);
			rebuilt = build_items(wizard, now, ticks);
			moved = at != NULL ? dkvm_menu_items_find(rebuilt, at) : -1;

			/* the cursor stays on its device where it still is */
			if (moved >= 0)
				cursor = moved;
			g_clear_pointer(&host, dkvm_host_facts_free);
			host = g_steal_pointer(&now);
			g_clear_pointer(&items, g_ptr_array_unref);
			items = g_steal_pointer(&rebuilt);
			continue;
		}
		if (answer != DKVM_ANSWER_OK)
			continue;
		usb = g_ptr_array_new_with_free_func(g_free);
		for (guint i = 0; i < items->len; i++) {
			DkvmMenuItem *item = g_ptr_array_index(items, i);
			DkvmUsbSelection *sel;
			g_autofree gchar *why = NULL;
			guint16 vendor, product;

			if (!item->on || !dkvm_parse_usb_id(item->tag, &vendor, &product, NULL))
				continue;
			why = dkvm_passthrough_usb_why_not(host, vendor, product);
			if (why != NULL) {
				item->on = FALSE;
				g_string_append_printf(refused, "%s: %s\n", item->text, why);
				continue;
			}
			sel = g_new0(DkvmUsbSelection, 1);
			sel->vendor_id = vendor;
			sel->product_id = product;
			/* a device the VM had keeps its startup policy */
			for (guint j = 0; j < wizard->spec->usb->len; j++) {
				const DkvmUsbSelection *old =
				        g_ptr_array_index(wizard->spec->usb, j);
				if (old->vendor_id == vendor && old->product_id == product)
					sel->optional = old->optional;
			}
			g_ptr_array_add(usb, sel);
		}
		if (refused->len > 0) {
			g_autofree gchar *text = g_strdup_printf(
			        "Not given to the VM (unticked):\n%s\nOK again goes on.",
			        refused->str);
			dkvm_menu_message(title, text);
			continue;
		}
		{
			GPtrArray *old = wizard->spec->usb;
			wizard->spec->usb = g_steal_pointer(&usb);
			usb = old;
		}
		return DKVM_STEP_NEXT;
	}
}

static gchar *
usb_describe(const DkvmWizard *wizard)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < wizard->spec->usb->len; i++) {
		const DkvmUsbSelection *sel = g_ptr_array_index(wizard->spec->usb, i);
		g_string_append_printf(text, "%s%04x:%04x", i > 0 ? ", " : "", sel->vendor_id,
		                       sel->product_id);
	}
	return text->len > 0 ? g_string_free(g_steal_pointer(&text), FALSE) : g_strdup("none");
}

const DkvmWizardStep dkvm_wizard_step_usb = {
	.name = "usb",
	.label = "USB devices",
	.run = usb_run,
	.describe = usb_describe,
};
