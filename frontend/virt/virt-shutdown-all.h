/*
 * Shutting several domains down at once (the host's Power sequence): every
 * guest gets its ACPI power button first, then one wait covers them all,
 * so the timeout is the whole sequence's and not one per VM. The wait ends
 * the moment the last guest is off (libvirt's lifecycle events).
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "virt-off-wait.h"

G_BEGIN_DECLS

/* At the start and each second of the wait, once per domain: @off says
 * whether it is off by now; @elapsed_s of @timeout_s seconds waited. */
typedef DkvmVirtOffWaitProgress DkvmVirtShutdownAllProgress;

/* What the power button could not do, one line per domain
 * ("cannot shut down VM 'x': <libvirt's reason>"); such a domain counts as
 * still running. */
typedef void (*DkvmVirtShutdownAllNotice)(virDomainPtr dom, const GError *error,
                                          gpointer user_data);

/*
 * Presses the power button of every domain of @doms (virDomainPtr, all on
 * one connection), then waits up to @timeout_s seconds (0: no wait, one
 * look at the states) until all are off. @out_off (@doms->len entries,
 * caller's) says which are off at the end. FALSE only when the states
 * cannot be read; a guest that ignores the button is no error (it is not
 * off).
 */
gboolean dkvm_virt_shutdown_domains(GPtrArray *doms, guint timeout_s,
                                    DkvmVirtShutdownAllProgress progress,
                                    DkvmVirtShutdownAllNotice notice, gpointer user_data,
                                    gboolean *out_off, GError **error);

G_END_DECLS
