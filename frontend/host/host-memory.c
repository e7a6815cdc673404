/*
 * Memory and hugepages. /proc/meminfo gives the totals; each NUMA node's
 * meminfo its share. Hugepage pools come from /sys/kernel/mm/hugepages (one
 * directory per page size the CPU supports, even when empty) and per node
 * from nodeN/hugepages; when sysfs has no pools, the default pool from
 * /proc/meminfo's HugePages_* lines stands in, with a note.
 */
#include "host-memory.h"

#include <string.h>

#include "host-path.h"
#include "host-sysfs.h"

/* "Key:   1234 kB" lines (meminfo, optionally prefixed "Node 0 ") into a table of KiB. */
static GHashTable *
parse_meminfo(const gchar *text)
{
	GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		gchar *line = lines[i];
		gchar *colon;
		guint64 value;
		gchar *end = NULL;

		if (g_str_has_prefix(line, "Node ")) {
			line = strchr(line + 5, ' ');
			if (line == NULL)
				continue;
		}
		colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		value = g_ascii_strtoull(g_strchug(colon + 1), &end, 10);
		if (end == colon + 1)
			continue;
		g_hash_table_insert(table, g_strdup(g_strstrip(line)),
		                    g_memdup2(&value, sizeof(value)));
	}
	return table;
}

static gboolean
lookup(GHashTable *table, const gchar *key, guint64 *out)
{
	const guint64 *v = g_hash_table_lookup(table, key);
	if (v == NULL)
		return FALSE;
	*out = *v;
	return TRUE;
}

static void
read_pool_dir(DkvmHugepagePool *pool, const gchar *dir)
{
	g_autofree gchar *nr = g_build_filename(dir, "nr_hugepages", NULL);
	g_autofree gchar *fr = g_build_filename(dir, "free_hugepages", NULL);
	g_autofree gchar *rs = g_build_filename(dir, "resv_hugepages", NULL);
	g_autofree gchar *sp = g_build_filename(dir, "surplus_hugepages", NULL);

	pool->total = (guint64)MAX(dkvm_sysfs_read_int_or(nr, 0), 0);
	pool->free = (guint64)MAX(dkvm_sysfs_read_int_or(fr, 0), 0);
	pool->reserved = (guint64)MAX(dkvm_sysfs_read_int_or(rs, 0), 0);
	pool->surplus = (guint64)MAX(dkvm_sysfs_read_int_or(sp, 0), 0);
}

/* Pools under @dir ("hugepages-2048kB"), sorted by page size, for @node (-1 global). */
static guint
read_pools(DkvmHostFacts *facts, const gchar *dir, gint node)
{
	g_autoptr(GPtrArray) names = dkvm_sysfs_list_dir(dir, "hugepages-");
	guint added = 0;

	/* list_dir sorts by length then text, which is ascending size for "NNNkB" */
	for (guint i = 0; i < names->len; i++) {
		const gchar *name = g_ptr_array_index(names, i);
		gchar *end = NULL;
		guint64 size = g_ascii_strtoull(name + strlen("hugepages-"), &end, 10);
		if (size == 0 || g_strcmp0(end, "kB") != 0)
			continue;
		g_autofree gchar *path = g_build_filename(dir, name, NULL);
		DkvmHugepagePool *pool = dkvm_hugepage_pool_new(size, node);
		read_pool_dir(pool, path);
		g_ptr_array_add(facts->hugepages, pool);
		added++;
	}
	return added;
}

static void
read_meminfo(DkvmHostFacts *facts, GHashTable **out_table)
{
	g_autofree gchar *text = NULL;
	g_autoptr(GHashTable) table = NULL;
	g_autofree gchar *path = dkvm_host_path("proc/meminfo");

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		dkvm_host_note(facts, "/proc/meminfo is unreadable: memory size is unknown");
		return;
	}
	table = parse_meminfo(text);
	if (!lookup(table, "MemTotal", &facts->mem_total_kib))
		dkvm_host_note(facts, "/proc/meminfo has no MemTotal: memory size is unknown");
	if (!lookup(table, "MemAvailable", &facts->mem_available_kib)) {
		/* kernels before 3.14: free is the closest lower bound */
		lookup(table, "MemFree", &facts->mem_available_kib);
		dkvm_host_note(facts, "/proc/meminfo has no MemAvailable: available memory is "
		                      "MemFree");
	}
	*out_table = g_steal_pointer(&table);
}

static void
read_nodes(DkvmHostFacts *facts)
{
	g_autofree gchar *node_dir = dkvm_host_path(DKVM_PATH_NODE);
	g_autoptr(GPtrArray) nodes = dkvm_sysfs_list_dir(node_dir, "node");

	for (guint i = 0; i < nodes->len; i++) {
		guint id;
		DkvmNumaNode *node = NULL;
		if (!dkvm_sysfs_name_number(g_ptr_array_index(nodes, i), "node", &id))
			continue;
		for (guint n = 0; n < facts->numa_nodes->len && node == NULL; n++) {
			DkvmNumaNode *cand = g_ptr_array_index(facts->numa_nodes, n);
			if (cand->id == id)
				node = cand;
		}
		if (node == NULL) {
			/* a memory-only node (no CPUs) */
			node = dkvm_numa_node_new(id);
			g_ptr_array_add(facts->numa_nodes, node);
		}
		g_autofree gchar *path = dkvm_host_pathf(DKVM_PATH_NODE "/node%u/meminfo", id);
		g_autofree gchar *text = NULL;
		if (!g_file_get_contents(path, &text, NULL, NULL)) {
			dkvm_host_note(facts, "%s is unreadable: node %u's memory is unknown", path,
			               id);
			continue;
		}
		g_autoptr(GHashTable) table = parse_meminfo(text);
		lookup(table, "MemTotal", &node->total_kib);
		lookup(table, "MemFree", &node->free_kib);
	}
}

void
dkvm_host_read_memory(DkvmHostFacts *facts)
{
	g_autoptr(GHashTable) meminfo = NULL;
	guint64 size = 0, total = 0, free_pages = 0, resv = 0, surp = 0;
	g_autofree gchar *pools_dir = dkvm_host_path(DKVM_PATH_HUGEPAGES);

	read_meminfo(facts, &meminfo);
	read_nodes(facts);

	if (read_pools(facts, pools_dir, -1) == 0) {
		if (meminfo != NULL && lookup(meminfo, "Hugepagesize", &size) &&
		    lookup(meminfo, "HugePages_Total", &total)) {
			DkvmHugepagePool *pool = dkvm_hugepage_pool_new(size, -1);
			lookup(meminfo, "HugePages_Free", &free_pages);
			lookup(meminfo, "HugePages_Rsvd", &resv);
			lookup(meminfo, "HugePages_Surp", &surp);
			pool->total = total;
			pool->free = free_pages;
			pool->reserved = resv;
			pool->surplus = surp;
			g_ptr_array_add(facts->hugepages, pool);
			dkvm_host_note(facts, "/" DKVM_PATH_HUGEPAGES
			                      " is missing: only the default hugepage "
			                      "pool (from /proc/meminfo) is known");
		} else {
			dkvm_host_note(facts, "no hugepage pools: the kernel reports none in "
			                      "/" DKVM_PATH_HUGEPAGES " or /proc/meminfo");
			return;
		}
	}
	for (guint i = 0; i < facts->numa_nodes->len; i++) {
		const DkvmNumaNode *node = g_ptr_array_index(facts->numa_nodes, i);
		g_autofree gchar *dir =
		        dkvm_host_pathf(DKVM_PATH_NODE "/node%u/hugepages", node->id);
		read_pools(facts, dir, (gint)node->id);
	}
}
