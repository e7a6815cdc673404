/*
 * The screen table (menu.h): the order here is the order on the main
 * screen (host screens) and in a VM's list (VM screens).
 */
#include "menu.h"

extern const DkvmScreen dkvm_screen_main;
extern const DkvmScreen dkvm_screen_start;
extern const DkvmScreen dkvm_screen_shutdown;
extern const DkvmScreen dkvm_screen_force_off;
extern const DkvmScreen dkvm_screen_monitor;
extern const DkvmScreen dkvm_screen_boot;
extern const DkvmScreen dkvm_screen_delete;
extern const DkvmScreen dkvm_screen_backup;
extern const DkvmScreen dkvm_screen_create;
extern const DkvmScreen dkvm_screen_edit;
extern const DkvmScreen dkvm_screen_host;
extern const DkvmScreen dkvm_screen_cpu;
extern const DkvmScreen dkvm_screen_hugepages;
extern const DkvmScreen dkvm_screen_import;
extern const DkvmScreen dkvm_screen_save;
extern const DkvmScreen dkvm_screen_power;
extern const DkvmScreen dkvm_screen_exit;

const DkvmScreen *const dkvm_screens[] = {
	&dkvm_screen_main,
	/* for the VM under the cursor */
	&dkvm_screen_start,
	&dkvm_screen_shutdown,
	&dkvm_screen_force_off,
	&dkvm_screen_monitor,
	&dkvm_screen_boot,
	&dkvm_screen_edit,
	&dkvm_screen_backup,
	&dkvm_screen_delete,
	/* for the host */
	&dkvm_screen_create,
	&dkvm_screen_host,
	&dkvm_screen_cpu,
	&dkvm_screen_hugepages,
	&dkvm_screen_import,
	&dkvm_screen_save,
	&dkvm_screen_power,
	&dkvm_screen_exit,
	NULL,
};
