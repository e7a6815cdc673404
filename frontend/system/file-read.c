/*
 * The bounded reader of regular files (file-read.h). open() with O_NONBLOCK
 * so that a FIFO does not wait for a writer, then fstat() on what was opened
 * (not stat() on the path, which could change in between), then reads of at
 * most @max_bytes + 1: a file that grows past the cap while it is read is
 * refused too.
 */
#include "file-read.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dkvm-error.h"

static const gchar *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "another kind";
}

gchar *
dkvm_file_read_regular(const gchar *path, gsize max_bytes, gsize *out_len, GError **error)
{
	g_autoptr(GByteArray) data = NULL;
	struct stat st;
	gint fd, saved;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		saved = errno;
		g_set_error(error, DKVM_ERROR,
		            saved == ENOENT ? DKVM_ERROR_NOT_FOUND : DKVM_ERROR_IO,
		            "cannot open it: %s", g_strerror(saved));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		saved = errno;
		close(fd);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read it: %s",
		            g_strerror(saved));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "not a regular file (%s): only regular files are read",
		            file_kind(st.st_mode));
		return NULL;
	}
	if ((guint64)st.st_size > max_bytes) {
		close(fd);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "too large: %" G_GUINT64_FORMAT " bytes (at most %" G_GSIZE_FORMAT ")",
		            (guint64)st.st_size, max_bytes);
		return NULL;
	}
	data = g_byte_array_sized_new((guint)st.st_size + 1);
	for (;;) {
		guint8 buf[65536];
		gssize n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			close(fd);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read it: %s",
			            g_strerror(saved));
			return NULL;
		}
		if (n == 0)
			break;
		if (data->len + (gsize)n > max_bytes) {
			close(fd);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "too large: more than %" G_GSIZE_FORMAT " bytes", max_bytes);
			return NULL;
		}
		g_byte_array_append(data, buf, (guint)n);
	}
	close(fd);
	if (out_len != NULL)
		*out_len = data->len;
	g_byte_array_append(data, (const guint8 *)"", 1);
	return (gchar *)g_byte_array_free(g_steal_pointer(&data), FALSE);
}
