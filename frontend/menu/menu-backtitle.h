/* The line above every screen: DKVM's version, the host name and its
 * addresses, so whoever sits at the host can reach it by SSH. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gchar *dkvm_menu_backtitle_new(void);

G_END_DECLS
