/*
 * bench-host-run COMMAND [ARGS...]: runs COMMAND once and prints its wall time
 * in nanoseconds and its peak RSS in KiB (getrusage of the child, via wait4).
 * A separate small launcher because a child forked from the Python driver
 * starts with the interpreter's pages mapped, and the kernel counts those in
 * the child's ru_maxrss; forked from this program, the child starts small.
 */
#include <glib.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage usage;
	gint64 start;
	int status = 0;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-host-run COMMAND [ARGS...]\n");
		return 2;
	}
	start = g_get_monotonic_time();
	pid = fork();
	if (pid < 0) {
		perror("bench-host-run: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("bench-host-run: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &usage) < 0) {
		perror("bench-host-run: wait4");
		return 1;
	}
	printf("%" G_GINT64_FORMAT " %ld\n", (g_get_monotonic_time() - start) * 1000,
	       usage.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
