/*
 * The kernel's own splitting of a command line into arguments (next_arg()
 * in the kernel's lib/cmdline.c): blanks separate arguments, double quotes
 * only (not ' or \) keep blanks inside one, the first '=' splits name from
 * value. Shared by the reader of /proc/cmdline (frontend/host) and the
 * editor of the boot loader's options (boot-cmdline.h), so both read an
 * option line the way the kernel will.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The next argument at *@p: its name and value with the quotes removed
 * (@has_value: there was a '='), @out_start (may be NULL) where its raw text
 * begins; *@p is left at its end, so the raw text is *out_start..*p. FALSE
 * when only blanks remain.
 */
gboolean dkvm_kernel_arg_next(const gchar **p, GString *name, GString *value, gboolean *has_value,
                              const gchar **out_start);

/* @name with '-' as '_': the kernel treats them alike in parameter names
 * (the part before the first '.' too, "vfio-pci.ids" is "vfio_pci.ids"). */
void dkvm_kernel_arg_normalize_name(GString *name);

G_END_DECLS
