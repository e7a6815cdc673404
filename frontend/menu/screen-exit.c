/*
 * Exit: leaves the menu, after asking. On a DKVM host's tty1 init starts the
 * menu again; the way to a shell is Power > Shell.
 */
#include "menu-widgets.h"
#include "menu.h"

static DkvmScreenResult
exit_run(DkvmMenu *menu)
{
	if (dkvm_menu_confirm("Exit", "Leave the DKVM menu?\n\nRunning VMs keep running.", TRUE))
		return DKVM_SCREEN_QUIT;
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_exit = {
	.name = "exit",
	.label = "Exit",
	.help = "Leave the menu (VMs keep running)",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = exit_run,
};
