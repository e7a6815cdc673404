/*
 * vm-host-power.h: the faces' way to frontend/system's host power.
 */
#include "vm-host-power.h"

gboolean
dkvm_vm_power_host(DkvmHostPowerAction action, GError **error)
{
	return dkvm_host_power(action, error);
}
