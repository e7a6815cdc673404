/*
 * d3cold_allowed off for the PCI functions a VM uses, while it runs. A GPU
 * the kernel puts into D3cold after a VM stops (the slot's power cut) often
 * does not come back for the next start. `vm start` turns the attribute off
 * for each passed function that has it on and records which it changed, in
 * a file under /run/dkvm/d3cold, so that the stop in another process (the
 * menu, `dkvm vm stop`, or the next start after the guest powered itself
 * off) turns exactly those back on, as the hugepage record does.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Turns d3cold_allowed off for @addresses (gchar*, "0000:01:00.0") that
 * have it on and records them for @vm_name. A function without the
 * attribute is skipped. On failure what was changed is restored. */
gboolean dkvm_pci_d3cold_hold(const gchar *vm_name, const GPtrArray *addresses, GError **error);

/* Turns d3cold_allowed back on for what @vm_name's record names and removes
 * the record (nothing recorded: TRUE). A function gone from the host is
 * dropped from the record. */
gboolean dkvm_pci_d3cold_restore(const gchar *vm_name, GError **error);

G_END_DECLS
