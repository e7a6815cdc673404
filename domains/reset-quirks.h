/*
 * GPUs that cannot be reset for reuse after a VM stops (the "AMD reset
 * bug"): the card keeps its state, and the next VM start finds it dead
 * ("Unknown PCI header type 127") until the host reboots. A table of PCI
 * ids (reset-quirks.c names its source) the planner warns about.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	guint16 vendor_id;
	guint16 device_id;
	const gchar *family;   /* "Navi 10", "RDNA4 Navi 48" */
	gboolean vendor_reset; /* the vendor-reset kernel module resets it */
} DkvmResetQuirk;

/* The entry for @vendor_id:@device_id, NULL when the id is not known to
 * reset badly. */
const DkvmResetQuirk *dkvm_reset_quirk_lookup(guint16 vendor_id, guint16 device_id);

G_END_DECLS
