/*
 * The wait until domains are off (virt-off-wait.h).
 */
#include "virt-off-wait.h"

#include <string.h>

#include "virt-domain.h"

#define TICK_MS 1000
#define POLL_MS 500

struct _DkvmVirtOffWait {
	GPtrArray *doms;
	gboolean *off;
	guint timeout_ms;
	guint elapsed_ms;
	DkvmVirtOffWaitProgress progress;
	gpointer user_data;
	gboolean done; /* all off, timed out, or a state read failed */
	GError *error;
	virConnectPtr conn;
	gint callback; /* virConnectDomainEventRegisterAny's id, -1: none */
	gint timer;    /* virEventAddTimeout's id, -1: none */
};

static gboolean
all_off(const DkvmVirtOffWait *wait)
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
check(DkvmVirtOffWait *wait)
{
	for (guint i = 0; i < wait->doms->len && !wait->done; i++) {
		if (!wait->off[i] && !dkvm_virt_domain_is_off(g_ptr_array_index(wait->doms, i),
		                                              &wait->off[i], &wait->error))
			wait->done = TRUE;
	}
	if (all_off(wait))
		wait->done = TRUE;
}

static void
report(DkvmVirtOffWait *wait)
{
	if (wait->progress == NULL)
		return;
	for (guint i = 0; i < wait->doms->len; i++)
		wait->progress(g_ptr_array_index(wait->doms, i), wait->off[i],
		               wait->elapsed_ms / 1000, wait->timeout_ms / 1000, wait->user_data);
}

/* @step_ms more of the wait: the states, each whole second the progress,
 * and the timeout. */
static void
advance(DkvmVirtOffWait *wait, guint step_ms)
{
	if (wait->done)
		return;
	wait->elapsed_ms += step_ms;
	check(wait);
	if (!wait->done && wait->elapsed_ms % TICK_MS == 0)
		report(wait);
	if (wait->elapsed_ms >= wait->timeout_ms)
		wait->done = TRUE;
}

static void
on_tick(int timer, void *opaque)
{
	advance(opaque, TICK_MS);
}

/* The states the wait counts as off: shut off, or crashed and kept. */
static int
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	DkvmVirtOffWait *wait = opaque;
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
stop_listening(DkvmVirtOffWait *wait)
{
	if (wait->timer >= 0)
		virEventRemoveTimeout(wait->timer);
	if (wait->callback >= 0)
		virConnectDomainEventDeregisterAny(wait->conn, wait->callback);
	wait->timer = wait->callback = -1;
}

/* Every domain's lifecycle events and the timer; none when the connection
 * has no events (the wait then polls). */
static void
listen_for_events(DkvmVirtOffWait *wait)
{
	wait->callback = virConnectDomainEventRegisterAny(
	        wait->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	        VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), wait, NULL);
	if (wait->callback < 0)
		return;
	wait->timer = virEventAddTimeout(TICK_MS, on_tick, wait, NULL);
	if (wait->timer < 0)
		stop_listening(wait);
}

/* The wait without events: the states every half second. */
static void
poll_states(DkvmVirtOffWait *wait)
{
	while (!wait->done) {
		g_usleep(POLL_MS * G_TIME_SPAN_MILLISECOND);
		advance(wait, POLL_MS);
	}
}

DkvmVirtOffWait *
dkvm_virt_off_wait_begin(GPtrArray *doms, guint timeout_s, DkvmVirtOffWaitProgress progress,
                         gpointer user_data, gboolean *out_off)
{
	DkvmVirtOffWait *wait = g_new0(DkvmVirtOffWait, 1);

	wait->doms = g_ptr_array_ref(doms);
	wait->off = out_off;
	wait->timeout_ms = timeout_s * 1000;
	wait->progress = progress;
	wait->user_data = user_data;
	wait->callback = wait->timer = -1;
	for (guint i = 0; i < doms->len; i++)
		out_off[i] = FALSE;
	if (doms->len > 0 && timeout_s > 0) {
		wait->conn = virDomainGetConnect(g_ptr_array_index(doms, 0));
		listen_for_events(wait);
	}
	return wait;
}

void
dkvm_virt_off_wait_cancel(DkvmVirtOffWait *wait)
{
	stop_listening(wait);
	g_clear_error(&wait->error);
	g_ptr_array_unref(wait->doms);
	g_free(wait);
}

gboolean
dkvm_virt_off_wait_finish(DkvmVirtOffWait *wait, GError **error)
{
	check(wait);
	if (!wait->done && wait->timeout_ms > 0) {
		report(wait);
		while (!wait->done && wait->callback >= 0) {
			/* a loop that breaks ends the listening: the wait then polls */
			if (virEventRunDefaultImpl() < 0)
				stop_listening(wait);
		}
		poll_states(wait);
	}
	if (wait->error != NULL) {
		g_propagate_error(error, g_steal_pointer(&wait->error));
		dkvm_virt_off_wait_cancel(wait);
		return FALSE;
	}
	dkvm_virt_off_wait_cancel(wait);
	return TRUE;
}
