/*
 * The DKVM error domain and the mapping of its codes to exit statuses. The
 * numbers are a stable interface for scripts: README.md lists them.
 */
#include "dkvm-error.h"

/* clang-format off */
G_DEFINE_QUARK(dkvm-error-quark, dkvm_error)
/* clang-format on */

int
dkvm_error_exit_code(const GError *error)
{
	if (error == NULL)
		return 0;
	if (error->domain == G_OPTION_ERROR)
		return 2;
	if (error->domain != DKVM_ERROR)
		return 1;
	switch ((DkvmError)error->code) {
	case DKVM_ERROR_INVALID:
		return 2;
	case DKVM_ERROR_NOT_FOUND:
		return 3;
	case DKVM_ERROR_REFUSED:
	case DKVM_ERROR_INSUFFICIENT:
		return 4;
	case DKVM_ERROR_LIBVIRT:
	case DKVM_ERROR_NO_CONNECTION:
		return 5;
	case DKVM_ERROR_NOT_SAVED:
		return 6;
	case DKVM_ERROR_FAILED:
	case DKVM_ERROR_IO:
		break;
	}
	return 1;
}
