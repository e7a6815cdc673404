/*
 * USB part of host discovery: devices through libudev (the "usb" subsystem,
 * usb_device entries; root hubs belong to their controller and are left out).
 */
#pragma once

#include "host-facts.h"

G_BEGIN_DECLS

/* Fills facts->usb, sorted by bus and port path; notes when nothing is readable. */
void dkvm_host_read_usb(DkvmHostFacts *facts);

/* Orders port paths as the bus does: "1-2" < "1-10" < "1-10.1" < "2-1". */
gint dkvm_usb_port_path_compare(const gchar *a, const gchar *b);

G_END_DECLS
