/*
 * What the fuzz harnesses share. Each harness is one LLVMFuzzerTestOneInput()
 * over one reader of hostile input; it checks the reader's promises (a
 * refusal is a DKVM_ERROR with one printable line, an accepted input reads
 * back the same) and calls abort() when one is broken, so libFuzzer (or the
 * replay driver, replay-main.c) reports the input.
 */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dkvm-error.h"
#include "string-order.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, ...)                                                                     \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__, #cond);           \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Criticals and warnings (Json-CRITICAL, GLib-CRITICAL) are bugs: make them abort. */
static inline void
fuzz_init_logging(void)
{
	g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	g_log_set_fatal_mask(NULL, G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

/* A refusal: a DKVM error whose message is one printable line (no raw input bytes). */
static inline void
fuzz_check_refusal(const GError *error, const gchar *what)
{
	FUZZ_ASSERT(error != NULL, "%s failed without an error", what);
	FUZZ_ASSERT(error->domain == DKVM_ERROR, "%s: error of domain %s: %s", what,
	            g_quark_to_string(error->domain), error->message);
	FUZZ_ASSERT(error->message != NULL && error->message[0] != '\0', "%s: empty message", what);
	/* the project's rule: one line, plus an optional second "hint: " line */
	const gchar *hint = strstr(error->message, "\nhint: ");
	gsize first_len = hint != NULL ? (gsize)(hint - error->message) : strlen(error->message);
	for (gsize i = 0; error->message[i] != '\0'; i++) {
		if (hint != NULL && i == first_len)
			continue; /* the newline before "hint: " */
		FUZZ_ASSERT(!g_ascii_iscntrl(error->message[i]),
		            "%s: control byte 0x%02x in message: %s", what,
		            (guint)(guchar)error->message[i], error->message);
	}
}

/* The input as a NUL-terminated string (readers take C strings: a NUL ends it). */
static inline gchar *
fuzz_text(const uint8_t *data, size_t size)
{
	return g_strndup((const gchar *)data, size);
}
