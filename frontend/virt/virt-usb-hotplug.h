/*
 * USB devices plugged in while their VM runs (the USB follower,
 * frontend/vm/vm-usb-follow.c): which running domains pass a device
 * through, and attaching it live again.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/*
 * The names of the running domains whose live definition passes the USB
 * device @vendor_id:@product_id through, sorted (the same report whatever
 * order libvirt lists them in). DKVM_ERROR_LIBVIRT when the domains cannot
 * be listed; a domain whose definition cannot be read passes nothing.
 */
GPtrArray *dkvm_virt_usb_owners(virConnectPtr conn, guint16 vendor_id, guint16 product_id,
                                GError **error);

/*
 * Attaches the USB device @vendor_id:@product_id live to the running
 * domain @name, as DKVM defines it (by vendor and product). The entry of
 * the device that went away stays in the live definition, and libvirt
 * refuses the attach as a duplicate: it is detached first.
 * DKVM_ERROR_LIBVIRT with libvirt's reason.
 */
gboolean dkvm_virt_usb_attach_live(virConnectPtr conn, const gchar *name, guint16 vendor_id,
                                   guint16 product_id, GError **error);

G_END_DECLS
