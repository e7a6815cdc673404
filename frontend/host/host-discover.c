/* Placeholder until host discovery lands (issue 3): reports that it cannot
 * read the host yet, so `dkvm host` fails clearly instead of printing nothing. */
#include "host-discover.h"

#include "dkvm-error.h"

DkvmHostFacts *
dkvm_host_discover(GError **error)
{
	g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_FAILED,
	                    "host discovery is not implemented yet");
	return NULL;
}
