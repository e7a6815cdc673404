/*
 * Restoring a VM from a backup bundle on the data partition (the Import
 * screen offers it first when there are bundles; Back up writes them).
 */
#pragma once

#include <glib.h>

#include "menu.h"
#include "vm-data.h"

G_BEGIN_DECLS

/* The backup bundles (*.dkvm.tar.gz) on the data partition, absolute paths,
 * sorted; NULL when there is no partition or no bundle on it. */
GPtrArray *dkvm_menu_backup_files(DkvmMenu *menu, DkvmDataPartition **out_data);

/* Lets the person choose a bundle and defines its VM again. */
DkvmScreenResult dkvm_menu_restore_backup(DkvmMenu *menu);

G_END_DECLS
