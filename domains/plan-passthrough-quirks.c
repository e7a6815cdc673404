/*
 * What real cards do wrong, planned before it bites.
 *
 * - Reset trouble: a GPU of the reset-quirks table (the "AMD reset bug":
 *   Polaris, Vega, Navi 10/12/14, and RDNA4), or any passed function the
 *   kernel offers no reset for (empty reset_method), keeps its state when the
 *   VM stops; the next start finds it dead until the host reboots. A warning
 *   says so, and what helps: the vendor-reset module where it covers the card.
 *   Functions without a reset get one warning per slot (a card's audio and
 *   its GPU share the trouble), none when the card's table entry said it.
 * - A function whose config space reads all ones is stuck already (a failed
 *   reset): a warning now, and `vm start` refuses it.
 * - Large BARs: the guest firmware (OVMF) maps 64-bit BARs into a window of
 *   32 GiB by default, unless it sizes the window from the CPU's physical
 *   address bits (newer builds, not all). A card whose BARs do not fit makes
 *   the guest hang at boot, the common report being a 16 GiB resizable BAR.
 *   Rule: the window is twice the passed 64-bit BARs' sum, rounded up to a
 *   power of two (room for alignment and the guest's own devices); when that
 *   is above the default, DKVM sets it through fw_cfg opt/ovmf/X-PciMmio64Mb
 *   (QEMU's -fw_cfg: domain-os.c), which every OVMF honours, sizing from the
 *   address bits or not.
 *   BARs of 256 MiB and more are shown in the plan.
 */
#include "plan.h"

#include "format-size.h"
#include "plan-util.h"
#include "reset-quirks.h"

/* BARs this large are named in the plan: the usual 256 MiB VRAM window and up. */
#define SHOWN_BAR_BYTES (G_GUINT64_CONSTANT(256) << 20)

guint64
dkvm_plan_mmio64_window_mb(guint64 bar_bytes)
{
	guint64 window = 1;

	if (bar_bytes == 0)
		return 0;
	while (window < bar_bytes && window < (G_GUINT64_CONSTANT(1) << 62))
		window <<= 1;
	window = (window << 1) >> 20;
	return window > DKVM_OVMF_DEFAULT_MMIO64_MB ? window : 0;
}

static const gchar *
name_of(const DkvmPciDevice *d)
{
	return d->device_name != NULL ? d->device_name : "unknown device";
}

/* Warns about @d's reset trouble; TRUE when it did (a table entry or stuck). */
static gboolean
plan_reset(const DkvmPciDevice *d, DkvmPassthroughPlan *plan)
{
	const DkvmResetQuirk *quirk = dkvm_reset_quirk_lookup(d->vendor_id, d->device_id);

	if (d->config_stuck)
		dkvm_plan_line(plan->warnings,
		               "%s (%s) does not answer (its config space reads all ones): the "
		               "card is stuck since its last reset; reboot the host before "
		               "starting this VM",
		               d->address, name_of(d));
	if (quirk != NULL && quirk->vendor_reset)
		dkvm_plan_line(plan->warnings,
		               "%s (%s, %04x:%04x) is an AMD %s, which cannot be reset for "
		               "reuse: the second start of this VM may need a host reboot; "
		               "what helps: the vendor-reset kernel module (it resets %s cards), "
		               "and shutting the guest down rather than forcing it off",
		               d->address, name_of(d), d->vendor_id, d->device_id, quirk->family,
		               quirk->family);
	else if (quirk != NULL)
		dkvm_plan_line(plan->warnings,
		               "%s (%s, %04x:%04x) is an AMD %s, which cannot be reset for "
		               "reuse: the second start of this VM may need a host reboot; "
		               "vendor-reset does not cover it: shut the guest down rather than "
		               "forcing it off, and reboot the host when the card stays dark",
		               d->address, name_of(d), d->vendor_id, d->device_id, quirk->family);
	return quirk != NULL || d->config_stuck;
}

/* One warning for the functions of @s the kernel offers no reset for
 * (@no_reset), unless its reset trouble was named already. */
static void
plan_no_reset(const DkvmPassthroughSlot *s, GPtrArray *no_reset, gboolean warned,
              DkvmPassthroughPlan *plan)
{
	g_autoptr(GString) list = g_string_new(NULL);

	if (warned || no_reset->len == 0)
		return;
	for (guint i = 0; i < no_reset->len; i++)
		g_string_append_printf(list, "%s%s", i > 0 ? ", " : "",
		                       (const gchar *)g_ptr_array_index(no_reset, i));
	dkvm_plan_line(plan->warnings,
	               "host %s (%s): %s offer%s no reset (reset_method is empty): the second "
	               "start of this VM may need a host reboot; what helps: shutting the "
	               "guest down rather than forcing it off",
	               s->host_slot, s->name != NULL ? s->name : "unknown device", list->str,
	               no_reset->len == 1 ? "s" : "");
}

/* Names the large BARs of @d; adds its 64-bit BARs to @sum. */
static void
plan_bars(const DkvmPciDevice *d, DkvmPassthroughPlan *plan, guint64 *sum,
          const DkvmPciDevice **largest, const DkvmPciBar **largest_bar)
{
	for (guint i = 0; d->bars != NULL && i < d->bars->len; i++) {
		const DkvmPciBar *bar = &g_array_index(d->bars, DkvmPciBar, i);
		g_autofree gchar *size = NULL;
		g_autofree gchar *max = NULL;

		if (bar->index > 5)
			continue; /* the ROM is read once, never mapped in the window */
		if (bar->is_64bit && !g_uint64_checked_add(sum, *sum, bar->size))
			*sum = G_MAXUINT64;
		if (*largest_bar == NULL || bar->size > (*largest_bar)->size) {
			*largest_bar = bar;
			*largest = d;
		}
		if (bar->size < SHOWN_BAR_BYTES)
			continue;
		size = dkvm_format_kib(bar->size >> 10);
		max = bar->resizable_max != 0 ? dkvm_format_kib(bar->resizable_max >> 10) : NULL;
		dkvm_plan_line(plan->rationale, "BAR: %s BAR %u is %s (%s%s%s%s)", d->address,
		               bar->index, size, bar->is_64bit ? "64-bit" : "32-bit",
		               bar->prefetchable ? ", prefetchable" : "",
		               max != NULL ? ", resizable up to " : "", max != NULL ? max : "");
	}
}

void
dkvm_plan_passthrough_quirks(const DkvmHostFacts *host, const DkvmSpec *spec,
                             DkvmPassthroughPlan *plan)
{
	guint64 sum = 0, window_mb;
	const DkvmPciDevice *largest = NULL;
	const DkvmPciBar *largest_bar = NULL;

	for (guint i = 0; i < plan->slots->len; i++) {
		const DkvmPassthroughSlot *s = g_ptr_array_index(plan->slots, i);
		g_autoptr(GPtrArray) no_reset = g_ptr_array_new();
		gboolean warned = FALSE;

		for (guint j = 0; j < s->functions->len; j++) {
			const DkvmPciDevice *d =
			        dkvm_host_facts_get_pci(host, g_ptr_array_index(s->functions, j));
			if (d == NULL)
				continue;
			warned = plan_reset(d, plan) || warned;
			if (d->reset_method == NULL || *d->reset_method == '\0')
				g_ptr_array_add(no_reset, d->address);
			plan_bars(d, plan, &sum, &largest, &largest_bar);
		}
		plan_no_reset(s, no_reset, warned, plan);
	}
	window_mb = dkvm_plan_mmio64_window_mb(sum);
	if (window_mb == 0 || largest == NULL)
		return;
	g_autofree gchar *sum_text = dkvm_format_kib(sum >> 10);
	g_autofree gchar *window_text = dkvm_format_kib(window_mb << 10);
	g_autofree gchar *largest_text = dkvm_format_kib(largest_bar->size >> 10);
	if (!spec->uefi) {
		dkvm_plan_line(plan->warnings,
		               "%s has a %s BAR (%s of 64-bit BARs in all): BIOS firmware "
		               "(SeaBIOS) cannot map it and the guest will not see the card; "
		               "use UEFI (--uefi)",
		               largest->address, largest_text, sum_text);
		return;
	}
	plan->mmio64_mb = window_mb;
	dkvm_plan_line(
	        plan->rationale,
	        "MMIO window: the passed cards have %s of 64-bit BARs, more than the "
	        "firmware's default 64-bit window (32 GiB) holds with room to align "
	        "them; DKVM raises it to %s (fw_cfg opt/ovmf/X-PciMmio64Mb=%" G_GUINT64_FORMAT ")",
	        sum_text, window_text, window_mb);
	dkvm_plan_line(plan->warnings,
	               "%s has a %s BAR%s: guests hang at boot when the firmware's 64-bit "
	               "MMIO window cannot hold it; DKVM raises the window to %s; if the "
	               "guest still hangs, %s",
	               largest->address, largest_text,
	               largest_bar->resizable_max != 0 ? " (resizable BAR)" : "", window_text,
	               largest_bar->resizable_max != 0
	                       ? "turn Resizable BAR off in the host firmware"
	                       : "give the guest's CPU more physical address bits");
}
