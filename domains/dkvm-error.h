/*
 * The one error domain of DKVM. Every fallible function takes a GError **
 * last and sets DKVM_ERROR with one of these codes; the CLI maps the code to
 * the process exit status (see dkvm_error_exit_code() and README.md).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DKVM_ERROR (dkvm_error_quark())

typedef enum {
	DKVM_ERROR_FAILED,        /* anything not listed below */
	DKVM_ERROR_INVALID,       /* bad input: option, size, name, file content */
	DKVM_ERROR_NOT_FOUND,     /* no such VM, device, file */
	DKVM_ERROR_REFUSED,       /* a rule forbids it: IOMMU group, host device */
	DKVM_ERROR_INSUFFICIENT,  /* the host cannot give it: CPUs, memory, pages */
	DKVM_ERROR_LIBVIRT,       /* libvirt said no; message carries its reason */
	DKVM_ERROR_NO_CONNECTION, /* cannot reach libvirtd */
	DKVM_ERROR_IO,            /* reading or writing a file */
	DKVM_ERROR_NOT_SAVED,     /* the change is active but persisting it failed */
} DkvmError;

GQuark dkvm_error_quark(void);

/* Exit status for a failure, documented in README.md. */
int dkvm_error_exit_code(const GError *error);

G_END_DECLS
