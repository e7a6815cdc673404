/*
 * The replay driver: a harness linked with this main instead of libFuzzer
 * runs every file named on the command line (directories: every regular
 * file below them) through LLVMFuzzerTestOneInput() once. The `fuzz` test
 * suite uses it to replay the seeds and every saved regression on each
 * `make test`, with any compiler; `make fuzz` links the real libFuzzer.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz-common.h"

static guint
replay(const gchar *path)
{
	g_autofree gchar *data = NULL;
	gsize size = 0;
	g_autoptr(GError) error = NULL;

	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		g_autoptr(GDir) dir = g_dir_open(path, 0, &error);
		g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
		const gchar *name;
		guint count = 0;

		if (dir == NULL) {
			fprintf(stderr, "replay: %s\n", error->message);
			exit(1);
		}
		while ((name = g_dir_read_name(dir)) != NULL)
			g_ptr_array_add(names, g_build_filename(path, name, NULL));
		g_ptr_array_sort(names, dkvm_compare_strings);
		for (guint i = 0; i < names->len; i++)
			count += replay(g_ptr_array_index(names, i));
		return count;
	}
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) || g_str_has_suffix(path, ".md"))
		return 0;
	if (!g_file_get_contents(path, &data, &size, &error)) {
		fprintf(stderr, "replay: %s\n", error->message);
		exit(1);
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, size);
	return 1;
}

int
main(int argc, char **argv)
{
	guint count = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		guint n;
		if (!g_file_test(argv[i], G_FILE_TEST_EXISTS))
			continue; /* an empty regressions/ directory is not in git */
		n = replay(argv[i]);
		printf("%s: %u inputs\n", argv[i], n);
		count += n;
	}
	printf("replayed %u inputs\n", count);
	return count > 0 ? 0 : 1;
}
