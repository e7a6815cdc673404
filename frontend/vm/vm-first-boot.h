/*
 * The first boot of a DKVM stick: `dkvm menu --boot` offers, once, to set
 * the root password, add an SSH public key and pick the default VM. Done is
 * a marker file beside dkvm.conf (/etc/dkvm/first-boot-done), so lbu saves
 * it with the settings and the offer does not come back.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

/* TRUE while the marker is missing. */
gboolean dkvm_vm_first_boot_pending(DkvmApp *app);

/* Writes the marker, then persists (DKVM_ERROR_NOT_SAVED when that fails:
 * the marker is written). */
gboolean dkvm_vm_first_boot_finish(DkvmApp *app, GError **error);

/*
 * Appends @key (checked: domains/ssh-key.h) to root's authorized_keys
 * (root/.ssh/authorized_keys under dkvm_host_path(), so tests give a root of
 * their own): the directory made 0700, the file 0600, a key already there
 * not added twice. *@out_path (may be NULL): the file written.
 */
gboolean dkvm_vm_first_boot_add_ssh_key(const gchar *key, gchar **out_path, GError **error);

G_END_DECLS
