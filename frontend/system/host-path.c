/*
 * The root of host paths, read in this one place (see host-path.h).
 */
#include "host-path.h"

gchar *
dkvm_host_path(const gchar *relative)
{
	const gchar *root = g_getenv("DKVM_SYSFS_ROOT");

	if (root == NULL || *root == '\0')
		root = "/";
	return g_build_filename(root, relative, NULL);
}
