/*
 * DkvmHostSettings values (declared in plan.h): what the planners take from
 * dkvm.conf. Zero and NULL mean "the planner's default rule".
 */
#include "plan.h"

DkvmHostSettings *
dkvm_host_settings_new(void)
{
	return g_new0(DkvmHostSettings, 1);
}

void
dkvm_host_settings_free(DkvmHostSettings *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->host_reserve, g_array_unref);
	g_free(self);
}
