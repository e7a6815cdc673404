/*
 * The console menu (`dkvm menu`): what the person at the keyboard of a DKVM
 * host sees on tty1. A thin face over frontend/vm, frontend/host and
 * domains/, drawn with dialog's C library (libdialog); it never calls the
 * CLI's code.
 *
 * Screens are data (after tmux's command table and htop's panels): each
 * screen file exports one DkvmScreen, and screens.c lists them in the
 * order the main screen offers them. A screen runs one or more dialog
 * widgets and returns to the main screen; Esc or Cancel anywhere goes back
 * without changing anything.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

typedef struct {
	gboolean boot;         /* started at boot (--boot): the default VM's countdown runs */
	const gchar *log_path; /* stderr while the menu runs (warnings never draw over it) */
	const gchar *boot_dir; /* the boot partition (kernel options); NULL: /media/usb */
} DkvmMenuOptions;

typedef struct {
	DkvmApp *app;
	const DkvmMenuOptions *options;
	/* the VM the main screen's cursor was on when a VM screen was chosen;
	 * NULL for host screens */
	const gchar *vm_name;
	/* set by a screen that changed a VM or the host: the main screen reads
	 * the VM list again (it also does so every few seconds) */
	gboolean changed;
	/* the main screen's backtitle: host name, its addresses, DKVM's version */
	gchar *backtitle;
} DkvmMenu;

typedef enum {
	DKVM_SCREEN_BACK, /* back to the main screen */
	DKVM_SCREEN_QUIT, /* leave the menu (Exit, confirmed) */
} DkvmScreenResult;

typedef enum {
	DKVM_SCREEN_FOR_HOST, /* offered under the VM list: Create, Host, CPU, ... */
	DKVM_SCREEN_FOR_VM,   /* offered for the VM under the cursor: Start, Edit, ... */
} DkvmScreenScope;

typedef struct {
	const gchar *name;  /* "cpu": stable key (tests, --screen) */
	const gchar *label; /* "CPU": the word in the menu; its first letter is a hot key */
	const gchar *help;  /* one line shown beside the label */
	DkvmScreenScope scope;
	DkvmScreenResult (*run)(DkvmMenu *menu);
} DkvmScreen;

/* The screens in the order they are offered; NULL-terminated (screens.c). */
extern const DkvmScreen *const dkvm_screens[];

const DkvmScreen *dkvm_screen_find(const gchar *name);

/* How long a shut down waits for guests: dkvm.conf's shutdown_timeout (120 s
 * when dkvm.conf cannot be read; the log says why). */
guint dkvm_menu_shutdown_timeout(DkvmMenu *menu);

/* Runs the menu until Exit. FALSE with @error only when the terminal cannot
 * be used; everything else is shown on the screen and retried. */
gboolean dkvm_menu_run(DkvmApp *app, const DkvmMenuOptions *options, GError **error);

G_END_DECLS
