/*
 * Shared by the planner tests: where the test data lives (DKVM_TEST_DATA, set
 * by meson, so no path is written into the code), loading a host from its
 * JSON, every host JSON the tests know, and goldens with
 * DKVM_TEST_REGENERATE=1. Header-only: each test is one executable.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "host-facts.h"
#include "plan.h"
#include "spec.h"

static inline gchar *
plan_test_data(const gchar *first, ...)
{
	const gchar *root = g_getenv("DKVM_TEST_DATA");
	g_autoptr(GString) path = NULL;
	va_list args;

	if (root == NULL)
		g_error("DKVM_TEST_DATA is not set: run the tests with `meson test`");
	path = g_string_new(root);
	va_start(args, first);
	for (const gchar *part = first; part != NULL; part = va_arg(args, const gchar *)) {
		g_string_append_c(path, G_DIR_SEPARATOR);
		g_string_append(path, part);
	}
	va_end(args);
	return g_string_free(g_steal_pointer(&path), FALSE);
}

static inline DkvmHostFacts *
plan_test_host_from_file(const gchar *path)
{
	g_autofree gchar *json = NULL;
	g_autoptr(GError) error = NULL;
	DkvmHostFacts *host;

	if (!g_file_get_contents(path, &json, NULL, &error))
		g_error("%s", error->message);
	host = dkvm_host_facts_from_json(json, &error);
	if (host == NULL)
		g_error("%s: %s", path, error->message);
	return host;
}

/* A host of test/data/plans/hosts/ by name. */
static inline DkvmHostFacts *
plan_test_host(const gchar *name)
{
	g_autofree gchar *file = g_strdup_printf("%s.json", name);
	g_autofree gchar *path = plan_test_data("plans", "hosts", file, NULL);
	return plan_test_host_from_file(path);
}

static inline gint
plan_test_path_cmp(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* Every host JSON: the planners' own hosts and the reviewed goldens of host
 * discovery (test/data/hosts-json/, when present). Sorted paths. */
static inline GPtrArray *
plan_test_all_hosts(void)
{
	const gchar *dirs[][2] = { { "plans", "hosts" }, { "hosts-json", NULL } };
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree gchar *dir = plan_test_data(dirs[i][0], dirs[i][1], NULL);
		g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
		const gchar *name;

		while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
			if (g_str_has_suffix(name, ".json"))
				g_ptr_array_add(out, g_build_filename(dir, name, NULL));
		}
	}
	g_ptr_array_sort(out, plan_test_path_cmp);
	return out;
}

static inline DkvmSpec *
plan_test_spec(guint vcpus, guint64 memory_kib)
{
	DkvmSpec *spec = dkvm_spec_new("test", DKVM_PRESET_WINDOWS11);
	spec->vcpus = vcpus;
	spec->memory_kib = memory_kib;
	return spec;
}

static inline void
plan_test_add_pci(DkvmSpec *spec, const gchar *address, const gchar *rom)
{
	DkvmPciSelection *sel = dkvm_pci_selection_new(address);
	sel->rom_file = g_strdup(rom);
	g_ptr_array_add(spec->pci, sel);
}

/* Compares @actual with test/data/plans/@name; DKVM_TEST_REGENERATE=1 rewrites it. */
static inline void
plan_test_golden(const gchar *name, const gchar *actual)
{
	g_autofree gchar *path = plan_test_data("plans", name, NULL);
	g_autofree gchar *expected = NULL;
	g_autoptr(GError) error = NULL;

	if (g_strcmp0(g_getenv("DKVM_TEST_REGENERATE"), "1") == 0) {
		if (!g_file_set_contents(path, actual, -1, &error))
			g_error("%s", error->message);
		return;
	}
	if (!g_file_get_contents(path, &expected, NULL, &error))
		g_error("golden %s: %s (DKVM_TEST_REGENERATE=1 writes it)", name, error->message);
	g_assert_cmpstr(actual, ==, expected);
}

static inline guint
plan_test_uint(const GArray *arr, guint i)
{
	return g_array_index(arr, guint, i);
}

/* "8,24,9,25" for exact pin assertions */
static inline gchar *
plan_test_join(const GArray *arr)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; arr != NULL && i < arr->len; i++)
		g_string_append_printf(s, "%s%u", i > 0 ? "," : "", g_array_index(arr, guint, i));
	return g_string_free(s, FALSE);
}
