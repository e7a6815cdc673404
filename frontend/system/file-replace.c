/*
 * See file-replace.h. The temporary file is PATH.XXXXXX in the same
 * directory (a rename is atomic only within one file system), created with
 * mode 0666 less the umask, as g_file_set_contents() does.
 */
#include "file-replace.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "dkvm-error.h"

static gboolean
fail(const gchar *path, gint saved_errno, GError **error)
{
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s: %s", path,
	            g_strerror(saved_errno));
	return FALSE;
}

static gboolean
write_all(gint fd, const gchar *data, gsize length)
{
	gsize done = 0;

	while (done < length) {
		gssize n = write(fd, data + done, length - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return FALSE;
		done += (gsize)n;
	}
	return TRUE;
}

gboolean
dkvm_file_replace(const gchar *path, const gchar *data, gssize length, GError **error)
{
	g_autofree gchar *tmp = g_strconcat(path, ".XXXXXX", NULL);
	gsize len = length < 0 ? strlen(data) : (gsize)length;
	gint saved;
	gint fd;

	fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		return fail(path, errno, error);
	if (!write_all(fd, data, len) || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		g_unlink(tmp);
		return fail(path, saved, error);
	}
	if (close(fd) != 0 || g_rename(tmp, path) != 0) {
		saved = errno;
		g_unlink(tmp);
		return fail(path, saved, error);
	}
	return TRUE;
}
