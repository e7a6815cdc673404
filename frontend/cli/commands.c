/*
 * The commands built into the dkvm binary: those that never talk to libvirt
 * (host discovery and planning), so that running them does not load libvirt
 * and its ~50 libraries (about 14 MiB of memory). Every other command lives
 * in the libvirt module (virt-module.c), loaded on first use.
 */
#include "cmd.h"

extern const DkvmCmd dkvm_cmd_host;
extern const DkvmCmd dkvm_cmd_plan;

const DkvmCmd *const dkvm_commands[] = {
	&dkvm_cmd_host,
	&dkvm_cmd_plan,
	NULL,
};
