/*
 * The last key dialog read. dialog ends a widget whose timer expires exactly
 * as if Esc had been pressed (DLG_EXIT_ESC); the key tells the two apart:
 * after a real Esc it is Esc, after the timer it is not.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DKVM_MENU_KEY_ESC 0x1b

/* Forgets the last key (before a widget starts). */
void dkvm_menu_keys_reset(void);

/* The last key read (a character, or a curses KEY_ code), 0 when none. */
gint dkvm_menu_keys_last(void);

G_END_DECLS
