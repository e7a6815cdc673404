/*
 * The shutdown of several domains (virt-shutdown-all.h): the buttons, then
 * one wait on libvirt's default event loop, as virt-domain.c waits for one
 * domain: a lifecycle event per domain going off, and a one-second timer
 * for progress, the timeout and a state read (for a connection that
 * delivers no events). Without an event loop it polls every second.
 */
#include "virt-shutdown-all.h"

#include <string.h>

#include "virt-domain.h"

#define TICK_MS 1000

typedef struct {
	GPtrArray *doms;
	gboolean *off;
	guint timeout_s;
	guint elapsed_s;
	DkvmVirtShutdownAllProgress progress;
	gpointer user_data;
	gboolean done; /* all off, timed out, or a state read failed */
	GError *error;
	gint callback; /* virConnectDomainEventRegisterAny's id, -1: none */
	gint timer;    /* virEventAddTimeout's id, -1: none */
} Wait;

static gboolean
is_off(virDomainPtr dom, gboolean *out_off, GError **error)
{
	gint state = VIR_DOMAIN_NOSTATE;

	if (!dkvm_virt_domain_get_state(dom, &state, error))
		return FALSE;
	*out_off = state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED;
	return TRUE;
}

static gboolean
all_off(const Wait *wait)
{
	for (guint i = 0; i < wait->doms->len; i++) {
		if (!wait->off[i])
			return FALSE;
	}
	return TRUE;
}

/* Reads the state of each domain not yet off; done when all are, or on a
 * failed read. */
static void
wait_check(Wait *wait)
{
	for (guint i = 0; i < wait->doms->len && !wait->done; i++) {
		if (!wait->off[i] &&
		    !is_off(g_ptr_array_index(wait->doms, i), &wait->off[i], &wait->error))
			wait->done = TRUE;
	}
	if (all_off(wait))
		wait->done = TRUE;
}

static void
wait_report(Wait *wait)
{
	if (wait->progress == NULL)
		return;
	for (guint i = 0; i < wait->doms->len; i++)
		wait->progress(g_ptr_array_index(wait->doms, i), wait->off[i], wait->elapsed_s,
		               wait->timeout_s, wait->user_data);
}

static int
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	Wait *wait = opaque;
	guchar uuid[VIR_UUID_BUFLEN];
	guchar other[VIR_UUID_BUFLEN];

	if (event != VIR_DOMAIN_EVENT_STOPPED && event != VIR_DOMAIN_EVENT_CRASHED)
		return 0;
	if (virDomainGetUUID(dom, uuid) < 0)
		return 0;
	for (guint i = 0; i < wait->doms->len; i++) {
		if (virDomainGetUUID(g_ptr_array_index(wait->doms, i), other) == 0 &&
		    memcmp(uuid, other, VIR_UUID_BUFLEN) == 0)
			wait->off[i] = TRUE;
	}
	if (all_off(wait))
		wait->done = TRUE;
	return 0;
}

static void
on_tick(int timer, void *opaque)
{
	Wait *wait = opaque;

	if (wait->done)
		return;
	wait->elapsed_s++;
	wait_check(wait);
	if (!wait->done)
		wait_report(wait);
	if (wait->elapsed_s >= wait->timeout_s)
		wait->done = TRUE;
}

/* Listens for every domain's lifecycle events and starts the timer; FALSE
 * when the connection has no events (the wait then polls). Called before
 * the buttons, so that an event sent at once is not missed. */
static gboolean
wait_begin(Wait *wait, virConnectPtr conn)
{
	wait->callback = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	                                                  VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
	                                                  wait, NULL);
	if (wait->callback < 0)
		return FALSE;
	wait->timer = virEventAddTimeout(TICK_MS, on_tick, wait, NULL);
	if (wait->timer < 0) {
		virConnectDomainEventDeregisterAny(conn, wait->callback);
		wait->callback = -1;
		return FALSE;
	}
	return TRUE;
}

static void
wait_end(Wait *wait, virConnectPtr conn)
{
	if (wait->timer >= 0)
		virEventRemoveTimeout(wait->timer);
	if (wait->callback >= 0)
		virConnectDomainEventDeregisterAny(conn, wait->callback);
	wait->timer = wait->callback = -1;
}

/* The wait without events: the states every second. */
static void
wait_poll(Wait *wait)
{
	while (!wait->done && wait->elapsed_s < wait->timeout_s) {
		g_usleep(TICK_MS * G_TIME_SPAN_MILLISECOND);
		on_tick(-1, wait);
	}
}

gboolean
dkvm_virt_shutdown_domains(GPtrArray *doms, guint timeout_s, DkvmVirtShutdownAllProgress progress,
                           DkvmVirtShutdownAllNotice notice, gpointer user_data, gboolean *out_off,
                           GError **error)
{
	Wait wait = { .doms = doms,
		      .off = out_off,
		      .timeout_s = timeout_s,
		      .progress = progress,
		      .user_data = user_data,
		      .callback = -1,
		      .timer = -1 };
	virConnectPtr conn;
	gboolean events;

	for (guint i = 0; i < doms->len; i++)
		out_off[i] = FALSE;
	if (doms->len == 0)
		return TRUE;
	conn = virDomainGetConnect(g_ptr_array_index(doms, 0));
	events = timeout_s > 0 && wait_begin(&wait, conn);
	for (guint i = 0; i < doms->len; i++) {
		virDomainPtr dom = g_ptr_array_index(doms, i);
		g_autoptr(GError) press_error = NULL;

		if (dkvm_virt_domain_press_power_button(dom, &press_error))
			continue;
		/* it may have powered off between the listing and the button */
		if (is_off(dom, &out_off[i], NULL) && out_off[i])
			continue;
		if (notice != NULL)
			notice(dom, press_error, user_data);
	}
	wait_check(&wait);
	if (!wait.done && timeout_s > 0) {
		wait_report(&wait);
		if (events) {
			while (!wait.done) {
				if (virEventRunDefaultImpl() < 0) {
					/* the loop itself broke: finish the wait by polling */
					wait_end(&wait, conn);
					wait_poll(&wait);
				}
			}
		} else {
			wait_poll(&wait);
		}
	}
	wait_end(&wait, conn);
	if (wait.error != NULL) {
		g_propagate_error(error, wait.error);
		return FALSE;
	}
	return TRUE;
}
