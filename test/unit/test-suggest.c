/* The CLI's "did you mean": edit distances computed by hand, and which
 * candidate a typo is matched to (or that none is). */
#include "suggest.h"

static void
test_edit_distance(void)
{
	struct {
		const gchar *a, *b;
		guint distance;
	} cases[] = {
		{ "", "", 0 },
		{ "", "stop", 4 },
		{ "stop", "", 4 },
		{ "stop", "stop", 0 },
		{ "stop", "STOP", 0 },
		{ "stpo", "stop", 1 },
		{ "stop", "stpo", 1 },
		{ "kitten", "sitting", 3 },
		{ "vcpu", "vcpus", 1 },
		{ "lst", "list", 1 },
		{ "destory", "destroy", 1 },
		{ "ca", "abc", 3 },
		{ "flaw", "lawn", 2 },
		{ "shutdwon", "shutdown", 1 },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("%s -> %s", cases[i].a, cases[i].b);
		g_assert_cmpuint(dkvm_edit_distance(cases[i].a, cases[i].b), ==, cases[i].distance);
	}
}

static void
test_suggest(void)
{
	const gchar *verbs[] = { "create", "edit", "list", "show", "start", "stop", "kill", NULL };
	const gchar *options[] = { "vcpus", "memory", "no-tpm", "tpm", "connect", "config", NULL };

	g_assert_cmpstr(dkvm_suggest("stpo", verbs), ==, "stop");
	g_assert_cmpstr(dkvm_suggest("lst", verbs), ==, "list");
	g_assert_cmpstr(dkvm_suggest("crate", verbs), ==, "create");
	g_assert_cmpstr(dkvm_suggest("Start", verbs), ==, "start");
	/* a tie goes to the first candidate: "sto" is one edit from both */
	g_assert_cmpstr(dkvm_suggest("sto", verbs), ==, "stop");
	g_assert_cmpstr(dkvm_suggest("vcpu", options), ==, "vcpus");
	g_assert_cmpstr(dkvm_suggest("memroy", options), ==, "memory");
	g_assert_cmpstr(dkvm_suggest("conect", options), ==, "connect");
	/* too far to be a typo: short words allow one edit, longer ones two */
	g_assert_null(dkvm_suggest("foo", verbs));
	g_assert_null(dkvm_suggest("sxxp", verbs));
	g_assert_null(dkvm_suggest("destroy", verbs));
	g_assert_null(dkvm_suggest("mem", options));
	/* a one-letter word never suggests a two-letter one */
	g_assert_null(dkvm_suggest("x", (const gchar *[]){ "vm", NULL }));
	g_assert_null(dkvm_suggest("stop", NULL));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/suggest/edit-distance", test_edit_distance);
	g_test_add_func("/suggest/closest", test_suggest);
	return g_test_run();
}
