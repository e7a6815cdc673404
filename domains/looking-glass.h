/*
 * Looking Glass (looking-glass.io): the guest's frames go to a client
 * through an IVSHMEM shared memory device, sized from the resolution.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest resolution DKVM accepts per side (8K is 7680x4320). */
#define DKVM_LOOKING_GLASS_MAX_SIDE 16384

/* The shared memory size in MiB for @width x @height: two frames of 32-bit
 * pixels plus 10 MiB for the cursor and the client's bookkeeping, rounded up
 * to a power of two (IVSHMEM needs one), as Looking Glass's documentation
 * says. 0 for a side of 0. */
guint64 dkvm_looking_glass_size_mib(guint width, guint height);

/* "2560x1440" -> 2560, 1440. DKVM_ERROR_INVALID (naming the rule) for
 * anything else, a side of 0 or one above DKVM_LOOKING_GLASS_MAX_SIDE. */
gboolean dkvm_looking_glass_parse(const gchar *text, guint *width, guint *height, GError **error);

G_END_DECLS
