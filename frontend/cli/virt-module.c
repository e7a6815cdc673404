/*
 * The libvirt module (dkvm-libvirt.so): every command that talks to libvirt,
 * in the order `dkvm --help` lists them. dkvm loads it with GModule only when
 * such a command runs (modules.c); the module uses the binary's own
 * functions (app, option parsing, planning), which the binary exports.
 */
#include "cmd.h"

#include <gmodule.h>

#include "app.h"
#include "vm-common.h"

extern const DkvmCmd dkvm_cmd_vm_create;
extern const DkvmCmd dkvm_cmd_vm_edit;
extern const DkvmCmd dkvm_cmd_vm_list;
extern const DkvmCmd dkvm_cmd_vm_show;
extern const DkvmCmd dkvm_cmd_vm_xml;
extern const DkvmCmd dkvm_cmd_vm_start;
extern const DkvmCmd dkvm_cmd_vm_stop;
extern const DkvmCmd dkvm_cmd_vm_kill;
extern const DkvmCmd dkvm_cmd_vm_monitor;
extern const DkvmCmd dkvm_cmd_vm_autostart;
extern const DkvmCmd dkvm_cmd_vm_delete;
extern const DkvmCmd dkvm_cmd_vm_import;
extern const DkvmCmd dkvm_cmd_vm_export;
extern const DkvmCmd dkvm_cmd_save;

G_MODULE_EXPORT const DkvmCmd *const dkvm_module_commands[] = {
	&dkvm_cmd_vm_create,    &dkvm_cmd_vm_edit,   &dkvm_cmd_vm_list,
	&dkvm_cmd_vm_show,      &dkvm_cmd_vm_xml,    &dkvm_cmd_vm_start,
	&dkvm_cmd_vm_stop,      &dkvm_cmd_vm_kill,   &dkvm_cmd_vm_monitor,
	&dkvm_cmd_vm_autostart, &dkvm_cmd_vm_delete, &dkvm_cmd_vm_import,
	&dkvm_cmd_vm_export,    &dkvm_cmd_save,      NULL,
};

/* For planning in the binary (frontend/vm/vm-plan.c): the connection's hypervisor,
 * NULL in *out when the driver reports no domain capabilities. */
G_MODULE_EXPORT gboolean dkvm_module_get_hypervisor(DkvmApp *app, DkvmAccelerator accelerator,
                                                    DkvmHypervisor **out, GError **error);

gboolean
dkvm_module_get_hypervisor(DkvmApp *app, DkvmAccelerator accelerator, DkvmHypervisor **out,
                           GError **error)
{
	return dkvm_vm_get_hypervisor(app, accelerator, out, error);
}
