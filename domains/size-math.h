/*
 * Sizes and page counts scaled and summed without wrapping. A count read
 * from a file, a domain or dkvm.conf may be anything; a wrapped product
 * turns "far too much" into a small number that passes every check. These
 * saturate at G_MAXUINT64 instead: larger than any host has, so every
 * comparison still refuses it, and a message shows a number that is at
 * least as large as the truth.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

static inline guint64
dkvm_size_mul(guint64 a, guint64 b)
{
	guint64 product;
	return g_uint64_checked_mul(&product, a, b) ? product : G_MAXUINT64;
}

static inline guint64
dkvm_size_add(guint64 a, guint64 b)
{
	guint64 sum;
	return g_uint64_checked_add(&sum, a, b) ? sum : G_MAXUINT64;
}

/* Units of @unit that hold @amount, rounded up, without the wrap of
 * (amount + unit - 1) / unit near G_MAXUINT64. @unit > 0. */
static inline guint64
dkvm_size_units(guint64 amount, guint64 unit)
{
	return amount / unit + (amount % unit != 0);
}

G_END_DECLS
