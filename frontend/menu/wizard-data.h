/*
 * What the disk and CD-ROM steps share: the data partition as dkvm.conf
 * names it, and how its files are shown in a list line.
 */
#pragma once

#include <glib.h>

#include "vm-data.h"
#include "wizard.h"

G_BEGIN_DECLS

/* The data partition (dkvm.conf's data_label); NULL with the reason (no such
 * label, not mounted, dkvm.conf unreadable). */
DkvmDataPartition *dkvm_wizard_data_partition(const DkvmWizard *wizard, GError **error);

/* @path as a list shows it: relative to the data partition when it is on it
 * (@data may be NULL), cut at the front to @width columns ("..s/win11.iso"). */
gchar *dkvm_wizard_data_shown(const DkvmDataPartition *data, const gchar *path, gsize width);

/* A file's size for a list line ("5.1 GiB"), "?" when it cannot be read. */
gchar *dkvm_wizard_file_size(const gchar *path);

G_END_DECLS
