/*
 * CPU topology from the kernel's own files. Every relation is read, never
 * derived from numbering: SMT siblings come from thread_siblings_list (they
 * are i/i+N on most AMD and Intel desktops, adjacent on others), L3 groups
 * from cache/indexK/shared_cpu_list of the level-3 cache (not assuming
 * index3), NUMA nodes from nodeN/cpulist, P/E cores from the hybrid PMU
 * devices cpu_core and cpu_atom. Offline CPUs are left out with a note.
 */
#include "host-cpu.h"

#include <string.h>

#include "dkvm-error.h"
#include "host-path.h"
#include "host-sysfs.h"
#include "spec.h"

static gboolean
uint_array_contains(const GArray *arr, guint value)
{
	for (guint i = 0; arr != NULL && i < arr->len; i++) {
		if (g_array_index(arr, guint, i) == value)
			return TRUE;
	}
	return FALSE;
}

/* vendor, model name and flags of the first processor block */
static void
read_cpuinfo(DkvmHostFacts *facts)
{
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;
	g_auto(GStrv) flags = NULL;
	g_autofree gchar *path = dkvm_host_path("proc/cpuinfo");

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		dkvm_host_note(facts, "/proc/cpuinfo is unreadable: CPU model, virtualization "
		                      "and 1 GiB page support are unknown");
		return;
	}
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		gchar *line = g_strstrip(lines[i]);
		gchar *colon = strchr(line, ':');
		if (*line == '\0' && facts->cpu_vendor != NULL)
			break; /* end of the first processor */
		if (colon == NULL)
			continue;
		*colon = '\0';
		g_autofree gchar *key = g_strstrip(g_strdup(line));
		const gchar *value = g_strstrip(colon + 1);
		if (g_str_equal(key, "vendor_id") && facts->cpu_vendor == NULL)
			facts->cpu_vendor = g_strdup(value);
		else if (g_str_equal(key, "model name") && facts->cpu_model == NULL)
			facts->cpu_model = g_strdup(value);
		else if (g_str_equal(key, "flags") && flags == NULL)
			flags = g_strsplit_set(value, " \t", -1);
	}
	if (flags == NULL) {
		dkvm_host_note(facts, "/proc/cpuinfo has no flags line: virtualization and 1 GiB "
		                      "page support are unknown");
		return;
	}
	facts->virt_support = g_strv_contains((const gchar *const *)flags, "vmx") ||
	                      g_strv_contains((const gchar *const *)flags, "svm");
	facts->pdpe1gb = g_strv_contains((const gchar *const *)flags, "pdpe1gb");
}

/* The online CPUs: the "online" list, else every cpuN whose online file is not 0. */
static GArray *
read_online(DkvmHostFacts *facts)
{
	g_autofree gchar *cpu_dir = dkvm_host_path(DKVM_PATH_CPU);
	g_autofree gchar *online_path = dkvm_host_path(DKVM_PATH_CPU "/online");
	g_autoptr(GArray) online = dkvm_sysfs_read_cpu_list(online_path);
	g_autoptr(GPtrArray) dirs = NULL;
	g_autoptr(GArray) offline = g_array_new(FALSE, FALSE, sizeof(guint));

	dirs = dkvm_sysfs_list_dir(cpu_dir, "cpu");
	if (online == NULL) {
		online = g_array_new(FALSE, FALSE, sizeof(guint));
		for (guint i = 0; i < dirs->len; i++) {
			guint n;
			if (!dkvm_sysfs_name_number(g_ptr_array_index(dirs, i), "cpu", &n))
				continue;
			g_autofree gchar *path = dkvm_host_pathf(DKVM_PATH_CPU "/cpu%u/online", n);
			if (dkvm_sysfs_read_int_or(path, 1) != 0)
				g_array_append_val(online, n);
		}
	}
	for (guint i = 0; i < dirs->len; i++) {
		guint n;
		if (dkvm_sysfs_name_number(g_ptr_array_index(dirs, i), "cpu", &n) &&
		    !uint_array_contains(online, n))
			g_array_append_val(offline, n);
	}
	if (offline->len > 0) {
		g_autofree gchar *list = dkvm_format_cpu_list(offline);
		dkvm_host_note(facts, "CPUs %s are offline and left out of the report", list);
	}
	return g_steal_pointer(&online);
}

/* The level-3 cache directory of @cpu ("…/cache/index3"), NULL without one. */
static gchar *
find_l3_dir(guint cpu)
{
	g_autofree gchar *cache = dkvm_host_pathf(DKVM_PATH_CPU "/cpu%u/cache", cpu);
	g_autoptr(GPtrArray) idx = dkvm_sysfs_list_dir(cache, "index");

	for (guint i = 0; i < idx->len; i++) {
		g_autofree gchar *dir = g_build_filename(cache, g_ptr_array_index(idx, i), NULL);
		g_autofree gchar *level = g_build_filename(dir, "level", NULL);
		if (dkvm_sysfs_read_int_or(level, 0) == 3)
			return g_steal_pointer(&dir);
	}
	return NULL;
}

/* "32768K" -> 32768; sizes in sysfs are KiB with a K suffix (M on some arches). */
static guint64
parse_cache_size(const gchar *text)
{
	gchar *end = NULL;
	guint64 value;

	if (text == NULL)
		return 0;
	value = g_ascii_strtoull(text, &end, 10);
	if (end != NULL && (*end == 'M' || *end == 'm'))
		value *= 1024;
	return value;
}

typedef struct {
	gchar *key; /* shared_cpu_list as read */
	gint64 cache_id;
	DkvmL3Group *group;
} L3Seen;

static void
l3_seen_free(L3Seen *s)
{
	g_free(s->key);
	g_free(s);
}

static void
read_l3(DkvmHostFacts *facts, DkvmHostCpu *cpu, GPtrArray *seen)
{
	g_autofree gchar *dir = find_l3_dir(cpu->cpu);
	g_autofree gchar *shared = NULL;
	g_autofree gchar *size = NULL;
	g_autoptr(GArray) cpus = NULL;
	L3Seen *s;

	if (dir == NULL)
		return;
	shared = dkvm_sysfs_readf("%s/shared_cpu_list", dir);
	cpus = shared != NULL ? dkvm_parse_cpu_list(shared, NULL) : NULL;
	if (cpus == NULL)
		return;
	/* until finish_l3_groups(), cpu->l3 is the index into @seen */
	for (guint i = 0; i < seen->len; i++) {
		s = g_ptr_array_index(seen, i);
		if (g_str_equal(s->key, shared)) {
			cpu->l3 = (gint)i;
			return;
		}
	}
	s = g_new0(L3Seen, 1);
	s->key = g_strdup(shared);
	g_autofree gchar *id_path = g_build_filename(dir, "id", NULL);
	s->cache_id = dkvm_sysfs_read_int_or(id_path, -1);
	s->group = dkvm_l3_group_new(g_array_index(cpus, guint, 0));
	g_array_append_vals(s->group->cpus, cpus->data, cpus->len);
	size = dkvm_sysfs_readf("%s/size", dir);
	s->group->size_kib = parse_cache_size(size);
	g_ptr_array_add(seen, s);
	cpu->l3 = (gint)seen->len - 1;
}

static gint
compare_l3(gconstpointer a, gconstpointer b)
{
	const DkvmL3Group *ga = *(DkvmL3Group *const *)a;
	const DkvmL3Group *gb = *(DkvmL3Group *const *)b;
	guint fa = ga->cpus->len > 0 ? g_array_index(ga->cpus, guint, 0) : G_MAXUINT;
	guint fb = gb->cpus->len > 0 ? g_array_index(gb->cpus, guint, 0) : G_MAXUINT;
	return fa < fb ? -1 : fa > fb;
}

/*
 * Groups are named by the kernel's cache id when every group has a distinct
 * one (AMD, single-socket Intel); otherwise (ids repeat per socket, or are
 * absent) by their lowest CPU, which is always unique.
 */
static void
finish_l3_groups(DkvmHostFacts *facts, GPtrArray *seen)
{
	gboolean ids_usable = TRUE;
	g_autoptr(GHashTable) ids = g_hash_table_new(g_int64_hash, g_int64_equal);

	for (guint i = 0; i < seen->len; i++) {
		L3Seen *s = g_ptr_array_index(seen, i);
		if (s->cache_id < 0 || g_hash_table_contains(ids, &s->cache_id))
			ids_usable = FALSE;
		else
			g_hash_table_add(ids, &s->cache_id);
	}
	for (guint i = 0; i < seen->len; i++) {
		L3Seen *s = g_ptr_array_index(seen, i);
		if (ids_usable)
			s->group->id = (guint)s->cache_id;
		else if (s->group->cpus->len > 0)
			s->group->id = g_array_index(s->group->cpus, guint, 0);
	}
	for (guint c = 0; c < facts->cpus->len; c++) {
		DkvmHostCpu *cpu = g_ptr_array_index(facts->cpus, c);
		if (cpu->l3 >= 0) {
			L3Seen *s = g_ptr_array_index(seen, (guint)cpu->l3);
			cpu->l3 = (gint)s->group->id;
		}
	}
	for (guint i = 0; i < seen->len; i++) {
		L3Seen *s = g_ptr_array_index(seen, i);
		g_ptr_array_add(facts->l3_groups, g_steal_pointer(&s->group));
	}
	g_ptr_array_sort(facts->l3_groups, compare_l3);
}

static void
read_topology(DkvmHostCpu *cpu)
{
	g_autofree gchar *dir = dkvm_host_pathf(DKVM_PATH_CPU "/cpu%u/topology", cpu->cpu);
	g_autofree gchar *pkg = g_build_filename(dir, "physical_package_id", NULL);
	g_autofree gchar *die = g_build_filename(dir, "die_id", NULL);
	g_autofree gchar *core = g_build_filename(dir, "core_id", NULL);
	g_autofree gchar *cluster = g_build_filename(dir, "cluster_id", NULL);
	g_autofree gchar *siblings = g_build_filename(dir, "thread_siblings_list", NULL);
	g_autoptr(GArray) sib = NULL;

	cpu->package = (gint)dkvm_sysfs_read_int_or(pkg, -1);
	cpu->die = (gint)dkvm_sysfs_read_int_or(die, -1);
	cpu->core = (gint)dkvm_sysfs_read_int_or(core, -1);
	cpu->cluster = (gint)dkvm_sysfs_read_int_or(cluster, -1);
	/* x86 kernels without cluster information report (u16)-1 */
	if (cpu->cluster >= 65535)
		cpu->cluster = -1;
	sib = dkvm_sysfs_read_cpu_list(siblings);
	if (sib == NULL) {
		/* newer kernels name it core_cpus_list */
		g_autofree gchar *alt = g_build_filename(dir, "core_cpus_list", NULL);
		sib = dkvm_sysfs_read_cpu_list(alt);
	}
	if (sib == NULL)
		g_array_append_val(cpu->siblings, cpu->cpu);
	else
		g_array_append_vals(cpu->siblings, sib->data, sib->len);
}

/* Keep only online CPUs in every list that the kernel gives with offline ones. */
static void
filter_online(GArray *cpus, const GArray *online)
{
	for (guint i = 0; i < cpus->len;) {
		if (uint_array_contains(online, g_array_index(cpus, guint, i)))
			i++;
		else
			g_array_remove_index(cpus, i);
	}
}

static void
read_numa(DkvmHostFacts *facts, const GArray *online)
{
	g_autofree gchar *node_dir = dkvm_host_path(DKVM_PATH_NODE);
	g_autoptr(GPtrArray) nodes = dkvm_sysfs_list_dir(node_dir, "node");

	for (guint i = 0; i < nodes->len; i++) {
		guint id;
		if (!dkvm_sysfs_name_number(g_ptr_array_index(nodes, i), "node", &id))
			continue;
		g_autofree gchar *path = dkvm_host_pathf(DKVM_PATH_NODE "/node%u/cpulist", id);
		g_autoptr(GArray) cpus = dkvm_sysfs_read_cpu_list(path);
		DkvmNumaNode *node = dkvm_numa_node_new(id);
		if (cpus != NULL) {
			filter_online(cpus, online);
			g_array_append_vals(node->cpus, cpus->data, cpus->len);
		}
		for (guint c = 0; c < node->cpus->len; c++) {
			DkvmHostCpu *cpu = (DkvmHostCpu *)dkvm_host_facts_get_cpu(
			        facts, g_array_index(node->cpus, guint, c));
			if (cpu != NULL)
				cpu->node = (gint)id;
		}
		g_ptr_array_add(facts->numa_nodes, node);
	}
	if (facts->numa_nodes->len == 0)
		dkvm_host_note(facts, "/" DKVM_PATH_NODE " is missing: NUMA nodes are unknown");
}

static void
read_hybrid(DkvmHostFacts *facts)
{
	g_autofree gchar *pcore_path = dkvm_host_path("sys/devices/cpu_core/cpus");
	g_autofree gchar *ecore_path = dkvm_host_path("sys/devices/cpu_atom/cpus");
	g_autoptr(GArray) pcores = dkvm_sysfs_read_cpu_list(pcore_path);
	g_autoptr(GArray) ecores = dkvm_sysfs_read_cpu_list(ecore_path);

	if (pcores == NULL && ecores == NULL)
		return;
	facts->hybrid = TRUE;
	for (guint i = 0; i < facts->cpus->len; i++) {
		DkvmHostCpu *cpu = g_ptr_array_index(facts->cpus, i);
		if (uint_array_contains(pcores, cpu->cpu))
			cpu->type = DKVM_CPU_TYPE_PERFORMANCE;
		else if (uint_array_contains(ecores, cpu->cpu))
			cpu->type = DKVM_CPU_TYPE_EFFICIENCY;
	}
}

gboolean
dkvm_host_read_cpus(DkvmHostFacts *facts, GError **error)
{
	g_autoptr(GArray) online = NULL;
	g_autoptr(GPtrArray) l3_seen = g_ptr_array_new_with_free_func((GDestroyNotify)l3_seen_free);
	guint no_topology = 0;

	read_cpuinfo(facts);
	online = read_online(facts);
	if (online->len == 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_IO,
		                    "reading the CPUs: no CPU found in /" DKVM_PATH_CPU);
		return FALSE;
	}
	for (guint i = 0; i < online->len; i++) {
		DkvmHostCpu *cpu = dkvm_host_cpu_new(g_array_index(online, guint, i));
		read_topology(cpu);
		filter_online(cpu->siblings, online);
		if (cpu->core < 0)
			no_topology++;
		if (cpu->siblings->len > 1)
			facts->smt = TRUE;
		read_l3(facts, cpu, l3_seen);
		g_ptr_array_add(facts->cpus, cpu);
	}
	if (no_topology > 0)
		dkvm_host_note(facts,
		               "%u CPUs have no topology files: their package, core and "
		               "siblings are unknown",
		               no_topology);
	for (guint i = 0; i < l3_seen->len; i++) {
		L3Seen *s = g_ptr_array_index(l3_seen, i);
		filter_online(s->group->cpus, online);
	}
	finish_l3_groups(facts, l3_seen);
	if (facts->l3_groups->len == 0)
		dkvm_host_note(facts, "no L3 cache information (cpu*/cache/index*/level 3): "
		                      "CPUs cannot be grouped by cache");
	read_numa(facts, online);
	read_hybrid(facts);
	return TRUE;
}
