/*
 * dialog waits for a key in ncurses' wget_wch(); a screen that shows data
 * which changes by itself (USB devices plugged in and out) wants that wait
 * to end as soon as the data's descriptor is readable, and to sleep
 * otherwise. The wget_wch() wrapper (menu-keys.c) reads keys through
 * dkvm_menu_wake_read, which waits on the keyboard and the descriptor at
 * once. The widget layer sets the descriptor for one widget
 * (DkvmWidgetOptions.wake_fd).
 */
#pragma once

#include <curses.h>
#include <glib.h>

G_BEGIN_DECLS

/* The descriptor whose readability ends a key wait; -1: none. */
void dkvm_menu_wake_set_fd(gint fd);

typedef int (*DkvmMenuReadKey)(WINDOW *win, wint_t *wch);

/*
 * A key from @read_key (ncurses' wget_wch). While a descriptor is set and
 * @win waits without a time limit, the wait also ends when the descriptor
 * is readable: then @wch is Esc, the key dialog ends a widget with when its
 * timer expires, and @woken is TRUE (the key is not the person's).
 */
int dkvm_menu_wake_read(WINDOW *win, wint_t *wch, DkvmMenuReadKey read_key, gboolean *woken);

G_END_DECLS
