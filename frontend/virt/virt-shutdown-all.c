/*
 * The shutdown of several domains (virt-shutdown-all.h): the buttons, then
 * one wait for them all (virt-off-wait.c).
 */
#include "virt-shutdown-all.h"

#include "virt-domain.h"

gboolean
dkvm_virt_shutdown_domains(GPtrArray *doms, guint timeout_s, DkvmVirtShutdownAllProgress progress,
                           DkvmVirtShutdownAllNotice notice, gpointer user_data, gboolean *out_off,
                           GError **error)
{
	DkvmVirtOffWait *wait;

	if (doms->len == 0)
		return TRUE;
	/* listening before the buttons, so that an event sent at once counts */
	wait = dkvm_virt_off_wait_begin(doms, timeout_s, progress, user_data, out_off);
	for (guint i = 0; i < doms->len; i++) {
		virDomainPtr dom = g_ptr_array_index(doms, i);
		g_autoptr(GError) press_error = NULL;

		if (dkvm_virt_domain_press_power_button(dom, &press_error))
			continue;
		/* it may have powered off between the listing and the button */
		if (dkvm_virt_domain_is_off(dom, &out_off[i], NULL) && out_off[i])
			continue;
		if (notice != NULL)
			notice(dom, press_error, user_data);
	}
	return dkvm_virt_off_wait_finish(wait, error);
}
