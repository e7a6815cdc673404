/*
 * `--host-json FILE`: a saved `dkvm host --json` loaded from disk. Only a
 * regular file is read, and only up to the loader's size cap: a FIFO would
 * block for ever and /dev/zero never ends.
 */
#pragma once

#include "host-facts.h"

G_BEGIN_DECLS

/* DKVM_ERROR_NOT_FOUND when @path is missing, DKVM_ERROR_IO when it cannot be
 * read, DKVM_ERROR_INVALID when it is not a regular file, too large, or not a
 * valid host (the message names the JSON path of the fault). Messages start
 * with "--host-json[ FILE]: ". */
DkvmHostFacts *dkvm_host_json_load_file(const gchar *path, GError **error);

G_END_DECLS
