/*
 * One write() on a kernel file (sysfs-write.h).
 */
#include "sysfs-write.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "dkvm-error.h"

gboolean
dkvm_sysfs_write(const gchar *path, const gchar *value, GError **error)
{
	gsize len = strlen(value);
	gssize written;
	gint fd = g_open(path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);

	if (fd < 0) {
		gint saved = errno;
		g_set_error(error, DKVM_ERROR,
		            saved == ENOENT ? DKVM_ERROR_NOT_FOUND : DKVM_ERROR_IO,
		            "cannot open %s: %s", path, g_strerror(saved));
		return FALSE;
	}
	written = write(fd, value, len);
	if (written < 0 || (gsize)written != len) {
		gint saved = written < 0 ? errno : EIO;
		close(fd);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s to %s: %s", value,
		            path, g_strerror(saved));
		return FALSE;
	}
	if (close(fd) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s to %s: %s", value,
		            path, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}
