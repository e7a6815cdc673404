/*
 * The preset templates (the XML files in domains/templates), compiled into the binary
 * with GResource: a DKVM host runs from RAM and has no data files to read.
 */
#pragma once

#include <glib.h>

#include "spec.h"

G_BEGIN_DECLS

/* The template's XML text for @preset; DKVM_ERROR_NOT_FOUND if missing. */
gchar *dkvm_domain_template(DkvmPreset preset, GError **error);

G_END_DECLS
