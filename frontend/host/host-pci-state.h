/*
 * What sysfs says about a PCI function that libpci does not: its memory BARs
 * (`resource`, `resourceN_resize`), whether its config space reads all ones
 * (a card lost after a failed reset), and `d3cold_allowed`. Read for host
 * facts, and again by `vm start` right before it starts a VM.
 */
#pragma once

#include "host-facts.h"

G_BEGIN_DECLS

/* Appends the memory BARs of the function whose sysfs directory is @dir to
 * @bars (DkvmPciBar), by index. A missing or odd `resource` adds none. */
void dkvm_host_read_pci_bars(const gchar *dir, GArray *bars);

/* TRUE when the first four bytes of @dir/config (vendor and device id) read
 * 0xffffffff: the device no longer answers. FALSE when they cannot be read. */
gboolean dkvm_host_pci_config_stuck(const gchar *dir);

/* @dir/d3cold_allowed: 1, 0, or -1 when absent. */
gint dkvm_host_pci_d3cold_allowed(const gchar *dir);

G_END_DECLS
