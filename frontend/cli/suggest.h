/*
 * "Did you mean ...?" for the CLI: the edit distance between two words and
 * the closest of a list of candidates. glib has no edit distance, so this is
 * a small one of its own.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Insertions, deletions, substitutions and swaps of two neighbouring
 * letters (each costing 1) turning @a into @b: Levenshtein distance with
 * transpositions (optimal string alignment). Bytes are compared, ASCII
 * case-insensitively. */
guint dkvm_edit_distance(const gchar *a, const gchar *b);

/*
 * The candidate closest to @word, or NULL when none is close enough to be a
 * likely typo: at most 1 edit for words of up to 4 characters, else at most
 * 2, and fewer edits than @word is long (so "x" never suggests "vm").
 * On a tie the first candidate wins. @candidates is NULL-terminated.
 */
const gchar *dkvm_suggest(const gchar *word, const gchar *const *candidates);

G_END_DECLS
