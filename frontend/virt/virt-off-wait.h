/*
 * Waiting until domains are off, for one VM (`vm stop`, virt-domain.c) and
 * for all of them (the host's Power sequence, virt-shutdown-all.c): a
 * lifecycle event ends a domain's wait the moment it stops, and a one-second
 * timer on libvirt's default event loop drives the progress, the timeout and
 * a state read (for a connection that delivers no events). Without an event
 * loop the states are read every half second.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

typedef struct _DkvmVirtOffWait DkvmVirtOffWait;

/* At the start and then each second of the wait, once per domain: @off says
 * whether it is off by now; @elapsed_s of @timeout_s seconds waited. */
typedef void (*DkvmVirtOffWaitProgress)(virDomainPtr dom, gboolean off, guint elapsed_s,
                                        guint timeout_s, gpointer user_data);

/*
 * Starts listening for @doms (virDomainPtr, all on one connection, kept by
 * the caller until the wait ends) going off. Called before the power buttons
 * are pressed, so that an event sent at once is not missed. @out_off
 * (@doms->len entries, the caller's) is cleared and then says which are off;
 * the caller may set an entry itself (a domain it found off). With
 * @timeout_s 0 nothing is listened to: finish looks once.
 */
DkvmVirtOffWait *dkvm_virt_off_wait_begin(GPtrArray *doms, guint timeout_s,
                                          DkvmVirtOffWaitProgress progress, gpointer user_data,
                                          gboolean *out_off);

/* Waits until every domain is off or @timeout_s has passed, and ends the
 * wait. FALSE only when a state cannot be read; a domain still running at
 * the timeout is no error (its @out_off entry says so). */
gboolean dkvm_virt_off_wait_finish(DkvmVirtOffWait *wait, GError **error);

/* Ends the wait without waiting. */
void dkvm_virt_off_wait_cancel(DkvmVirtOffWait *wait);

G_END_DECLS
