/*
 * The boot countdown (menu-countdown.h), drawn as a box that counts down
 * once a second. Any key ends it without starting anything; a resize draws
 * it again. The start is frontend/vm's, with its progress on the screen.
 */
#include "menu-countdown.h"

#include <libvirt/libvirt.h>

#include "dkvm-error.h"
#include "menu-vm-start.h"
#include "menu-widgets.h"
#include "vm-common.h"
#include "vm-list.h"

/* how long the countdown waits for a libvirtd that is still starting */
#define LIBVIRT_WAIT_S 30

/*
 * TRUE when @name is defined and shut off (a running default VM needs no
 * start). At boot libvirtd may still be starting: while it does not answer,
 * this waits for it, a box saying so, until LIBVIRT_WAIT_S or a key.
 */
static gboolean
default_vm_is_off(DkvmMenu *menu, const gchar *name)
{
	for (guint waited = 0;; waited++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmVmDetails) details = dkvm_vm_show(menu->app, name, &error);
		g_autofree gchar *text = NULL;

		if (details != NULL)
			return details->summary->state == VIR_DOMAIN_SHUTOFF;
		if (!g_error_matches(error, DKVM_ERROR, DKVM_ERROR_NO_CONNECTION) ||
		    waited >= LIBVIRT_WAIT_S) {
			/* the log, not a box that would hold the boot screen */
			g_warning("boot countdown: not starting '%s': %s", name, error->message);
			return FALSE;
		}
		text = g_strdup_printf("Waiting for libvirt before starting the default VM '%s' "
		                       "(%u s)...\n\nPress any key to skip.",
		                       name, waited);
		dkvm_menu_infobox("Boot", text);
		if (dkvm_menu_wait_key(1000))
			return FALSE;
	}
}

void
dkvm_menu_countdown(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	const DkvmConfig *config = dkvm_app_get_config(menu->app, &error);
	const gchar *name = NULL;

	if (config == NULL) {
		dkvm_menu_error("Boot", error);
		return;
	}
	if (!dkvm_vm_get_default_name(menu->app, &name, &error) || name == NULL)
		return;
	if (!default_vm_is_off(menu, name))
		return;
	for (guint left = config->countdown; left > 0;) {
		g_autofree gchar *text = g_strdup_printf(
		        "Starting the default VM '%s' in %u s.\n\nPress any key to cancel.", name,
		        left);
		gint64 until = g_get_monotonic_time() + G_USEC_PER_SEC;
		dkvm_menu_infobox("Boot", text);
		/* a resize returns early: draw again, keep the second */
		while (g_get_monotonic_time() < until) {
			gint64 ms = (until - g_get_monotonic_time()) / 1000;
			if (dkvm_menu_wait_key((guint)MAX(ms, 1)))
				return;
			dkvm_menu_infobox("Boot", text);
		}
		left--;
	}
	dkvm_menu_vm_start(menu, name);
}
