/*
 * The libvirt module's one export (see vm-api.h): the table of frontend/vm's
 * public workflow functions. The module is linked with
 * -Bsymbolic-functions, so that these pointers, and every call inside the
 * module, reach the module's own functions and never the dkvm binary's
 * stubs of the same names.
 */
#include "vm-api.h"

#include <gmodule.h>

#define DKVM_VM_API_ENTRY(type, name, params, args, fail) .name = name,
#define DKVM_VM_API_FREE_ENTRY(name, object)              .name = name,

G_MODULE_EXPORT extern const DkvmVmApi dkvm_vm_api_table;

const DkvmVmApi dkvm_vm_api_table = { .size = sizeof(DkvmVmApi),
	                              DKVM_VM_API_FALLIBLE(DKVM_VM_API_ENTRY)
	                                      DKVM_VM_API_OBJECT(DKVM_VM_API_ENTRY)
	                                              DKVM_VM_API_FREE(DKVM_VM_API_FREE_ENTRY) };
