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

G_END_DECLS
