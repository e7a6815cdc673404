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

/* DKVM_ERROR_NOT_SAVED with the command's output when it fails. */
gboolean dkvm_persist(const DkvmConfig *config, GError **error);

/* The persist command dkvm_persist() runs for @config; NULL when there is
 * none (persist_command empty, or not set on a machine without lbu). */
gchar *dkvm_persist_command(const DkvmConfig *config);

G_END_DECLS
