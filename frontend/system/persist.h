/*
 * Persistence on a RAM host: after every change that must survive a reboot,
 * run the configured persist command (dkvm.conf persist_command; default
 * `lbu commit` where lbu exists, nothing elsewhere). A failure leaves the
 * change active; the caller tells the user it is not saved and `dkvm save`
 * retries.
 */
#pragma once

#include <glib.h>

#include "config.h"

G_BEGIN_DECLS

/* TRUE when @config names a persist command, or lbu is there to be the
 * default one: when FALSE, dkvm_persist() succeeds without saving anything. */
gboolean dkvm_persist_has_command(const DkvmConfig *config);

/* DKVM_ERROR_NOT_SAVED with the command's output when it fails. */
gboolean dkvm_persist(const DkvmConfig *config, GError **error);

G_END_DECLS
