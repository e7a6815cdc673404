/*
 * The table of dkvm subcommands. Order is the order of `dkvm --help`: the
 * everyday commands first.
 */
#include "cmd.h"

extern const DkvmCmd dkvm_cmd_host;
extern const DkvmCmd dkvm_cmd_plan;
extern const DkvmCmd dkvm_cmd_vm_create;

const DkvmCmd *const dkvm_commands[] = {
	&dkvm_cmd_host,
	&dkvm_cmd_plan,
	&dkvm_cmd_vm_create,
	NULL,
};
