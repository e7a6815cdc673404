/*
 * The libvirt module's command table (see modules.h for the modules).
 */
#include "commands.h"
#include "modules.h"

const DkvmCmd *const *
dkvm_commands_load_module(GError **error)
{
	return dkvm_module_symbol("dkvm-libvirt.so", "dkvm_module_commands", error);
}
