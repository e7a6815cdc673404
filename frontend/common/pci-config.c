#include "pci-config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

gboolean
dkvm_pci_config_stuck(const gchar *device_dir)
{
	g_autofree gchar *path = g_build_filename(device_dir, "config", NULL);
	guint8 head[4];
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return FALSE;
	do
		got = pread(fd, head, sizeof(head), 0);
	while (got < 0 && errno == EINTR);
	close(fd);
	return got == (ssize_t)sizeof(head) && head[0] == 0xff && head[1] == 0xff &&
	       head[2] == 0xff && head[3] == 0xff;
}
