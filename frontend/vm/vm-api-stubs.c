/*
 * The dkvm binary's side of the module boundary (see vm-api.h): one stub per
 * function of frontend/vm's libvirt half, with the header's own name and
 * signature, that loads the libvirt module on first use and forwards to its
 * table. Only programs that do not link the real functions take this file
 * (the dkvm binary).
 */
#include "vm-api.h"

#include "dkvm-error.h"
#include "modules.h"

/* set once the module is loaded: the process keeps it to the end */
static const DkvmVmApi *loaded_api;

static const DkvmVmApi *
api_load(GError **error)
{
	const DkvmVmApi *api;

	if (loaded_api != NULL)
		return loaded_api;
	api = dkvm_module_symbol(DKVM_VM_API_MODULE, DKVM_VM_API_SYMBOL, error);
	if (api == NULL)
		return NULL;
	/* a module whose table points back at these stubs (linked without
	 * -Bsymbolic-functions) would forward every call to itself for ever */
	if (api->size != sizeof(DkvmVmApi) || api->dkvm_vm_list == dkvm_vm_list) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED,
		            "the libvirt module %s does not belong to this dkvm binary\n"
		            "hint: install dkvm completely",
		            DKVM_VM_API_MODULE);
		return NULL;
	}
	loaded_api = api;
	return api;
}

#define FALLIBLE_STUB(type, name, params, args, fail)                                              \
	type name params                                                                           \
	{                                                                                          \
		const DkvmVmApi *api = api_load(error);                                            \
		if (api == NULL)                                                                   \
			return fail;                                                               \
		return api->name args;                                                             \
	}

/* the module is loaded (the object came from it); a call without one is the
 * caller's bug, reported as glib reports a bad argument */
#define OBJECT_STUB(type, name, params, args, fail)                                                \
	type name params                                                                           \
	{                                                                                          \
		g_return_val_if_fail(loaded_api != NULL, fail);                                    \
		return loaded_api->name args;                                                      \
	}

/* nothing the module made exists before it is loaded: nothing to free */
#define FREE_STUB(name, object)                                                                    \
	void name(object *self)                                                                    \
	{                                                                                          \
		if (loaded_api != NULL)                                                            \
			loaded_api->name(self);                                                    \
	}

DKVM_VM_API_FALLIBLE(FALLIBLE_STUB)
DKVM_VM_API_OBJECT(OBJECT_STUB)
DKVM_VM_API_FREE(FREE_STUB)
