/*
 * The table of dkvm subcommands. Order is the order of `dkvm --help`: the
 * everyday commands first.
 */
#include "cmd.h"

extern const DkvmCmd dkvm_cmd_host;

const DkvmCmd *const dkvm_commands[] = {
	&dkvm_cmd_host,
	NULL,
};
