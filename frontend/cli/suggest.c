/*
 * Edit distance with three rows (see suggest.h): Levenshtein plus the
 * swap of two neighbouring letters ("stpo" is one typo from "stop"), the
 * "optimal string alignment" variant. Words here are command and option
 * names, a few dozen bytes: the textbook dynamic programme is plenty.
 */
#include "suggest.h"

#include <string.h>

static gboolean
same(gchar x, gchar y)
{
	return g_ascii_tolower(x) == g_ascii_tolower(y);
}

guint
dkvm_edit_distance(const gchar *a, const gchar *b)
{
	gsize la = strlen(a);
	gsize lb = strlen(b);
	/* rows i-2, i-1 and i of the (la+1) x (lb+1) table */
	g_autofree guint *before = g_new0(guint, lb + 1);
	g_autofree guint *prev = g_new(guint, lb + 1);
	g_autofree guint *row = g_new(guint, lb + 1);

	for (gsize j = 0; j <= lb; j++)
		prev[j] = (guint)j;
	for (gsize i = 1; i <= la; i++) {
		row[0] = (guint)i;
		for (gsize j = 1; j <= lb; j++) {
			guint best = prev[j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1);
			best = MIN(best, prev[j] + 1);    /* delete from a */
			best = MIN(best, row[j - 1] + 1); /* insert into a */
			if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
				best = MIN(best, before[j - 2] + 1); /* swap two letters */
			row[j] = best;
		}
		memcpy(before, prev, (lb + 1) * sizeof(guint));
		memcpy(prev, row, (lb + 1) * sizeof(guint));
	}
	return prev[lb];
}

const gchar *
dkvm_suggest(const gchar *word, const gchar *const *candidates)
{
	gsize len = strlen(word);
	guint limit = len <= 4 ? 1 : 2;
	const gchar *best = NULL;
	guint best_distance = G_MAXUINT;

	for (guint i = 0; candidates != NULL && candidates[i] != NULL; i++) {
		guint d = dkvm_edit_distance(word, candidates[i]);
		if (d <= limit && d < len && d < best_distance) {
			best = candidates[i];
			best_distance = d;
		}
	}
	return best;
}
