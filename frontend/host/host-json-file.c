/* Loading `--host-json FILE` (see host-json-file.h). */
#include "host-json-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dkvm-error.h"
#include "host-facts-json-read.h"

/* Reads all of @fd (a regular file) when it holds at most @cap bytes. */
static gchar *
read_capped(int fd, gsize cap, const gchar *path, GError **error)
{
	g_autoptr(GString) text = g_string_sized_new(64 * 1024);
	gchar buffer[64 * 1024];

	for (;;) {
		gssize n = read(fd, buffer, sizeof(buffer));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "--host-json %s: %s", path,
			            g_strerror(saved));
			return NULL;
		}
		if (n == 0)
			break;
		if (text->len + (gsize)n > cap) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "--host-json %s: host JSON: larger than %" G_GSIZE_FORMAT
			            " bytes",
			            path, cap);
			return NULL;
		}
		g_string_append_len(text, buffer, n);
	}
	if (memchr(text->str, '\0', text->len) != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "--host-json %s: host JSON: holds a NUL byte", path);
		return NULL;
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

DkvmHostFacts *
dkvm_host_json_load_file(const gchar *path, GError **error)
{
	g_autofree gchar *json = NULL;
	struct stat st;
	DkvmHostFacts *host;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	int fd = g_open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);

	if (fd < 0) {
		int saved = errno;
		g_set_error(error, DKVM_ERROR,
		            saved == ENOENT ? DKVM_ERROR_NOT_FOUND : DKVM_ERROR_IO,
		            "--host-json: Failed to open file “%s”: %s", path, g_strerror(saved));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "--host-json %s: not a regular file", path);
		close(fd);
		return NULL;
	}
	json = read_capped(fd, DKVM_HOST_JSON_MAX_BYTES, path, error);
	close(fd);
	if (json == NULL)
		return NULL;
	host = dkvm_host_facts_from_json(json, error);
	if (host == NULL)
		g_prefix_error(error, "--host-json %s: ", path);
	return host;
}
