/*
 * Sizes in KiB as DKVM writes them in every message, plan and report:
 * binary units, plain ASCII. One helper, so that the same amount reads the
 * same in `dkvm plan`, `dkvm host` and an error.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * "16 GiB", "8193 MiB", "4 KiB" when exact (so a number in a message can be
 * typed back in as an option), else "3.2 GiB" (one decimal) or "513 MiB",
 * rounded up: an amount that is missing or needed is never understated.
 */
gchar *dkvm_format_kib(guint64 kib);

/*
 * "8.0 GiB", "512 MiB", "4 KiB": always one decimal above 1 GiB, for columns
 * of a table (`vm list`, `vm show`), where the widths must line up and the
 * amount is a VM's own size, not a shortfall.
 */
gchar *dkvm_format_kib_column(guint64 kib);

G_END_DECLS
