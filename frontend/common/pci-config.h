/*
 * One look at a PCI function's config space: a function whose first four
 * bytes (vendor and device id) read all ones no longer answers. After a
 * failed reset a GPU stays so ("Unknown PCI header type 127") until the host
 * reboots. Host discovery reports it; `vm start` refuses such a device.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when @device_dir/config reads 0xffffffff at offset 0. FALSE when it
 * reads otherwise or cannot be read (nothing is known then). */
gboolean dkvm_pci_config_stuck(const gchar *device_dir);

G_END_DECLS
