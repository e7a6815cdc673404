/*
 * Gathering one monitoring snapshot. libvirt answers most of it (vCPU info
 * and pinning, emulator and I/O thread pinning). QEMU's vCPU thread ids are
 * in no public libvirt API (virDomainGetVcpus, virDomainGetStats' vcpu.*
 * fields and the pin/IOThread calls give none), so:
 * - on a local QEMU connection (qemu:///system, qemu:///session) they come
 *   from procfs: libvirt runs QEMU with debug-threads=on, which names each
 *   vCPU thread "CPU n/KVM" (or "CPU n/TCG") in /proc/PID/task/TID/comm,
 *   PID being QEMU's from libvirt's pid file;
 * - only on a remote connection, where this machine's /proc is not QEMU's,
 *   they come from QMP query-cpus-fast (libvirt-qemu), which makes libvirt
 *   log the domain as "tainted: custom-monitor"; a note says so.
 * The last CPU of each thread comes from procfs because that is the only
 * place the kernel says it. Each source that fails adds a note instead of
 * failing the whole.
 */
#include "virt-monitor.h"
#include "json-builder-util.h"
#include "host-path.h"

#include <string.h>

#include <libvirt/libvirt-qemu.h>
#include <json-glib/json-glib.h>

#include "dkvm-error.h"
#include "spec.h"
#include "virt-connection.h"
#include "domain-xml-read.h"
#include "virt-domain.h"

static void
dkvm_vcpu_stat_free(DkvmVcpuStat *self)
{
	g_free(self->pinning);
	g_free(self);
}

static void
dkvm_iothread_stat_free(DkvmIOThreadStat *self)
{
	g_free(self->pinning);
	g_free(self);
}

void
dkvm_vm_monitor_free(DkvmVmMonitor *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_clear_pointer(&self->vcpus, g_ptr_array_unref);
	g_free(self->emulator_pinning);
	g_clear_pointer(&self->iothreads, g_ptr_array_unref);
	g_clear_pointer(&self->pci_devices, g_ptr_array_unref);
	g_clear_pointer(&self->usb_devices, g_ptr_array_unref);
	g_clear_pointer(&self->notes, g_ptr_array_unref);
	g_free(self);
}

gint
dkvm_virt_thread_last_cpu(gint64 pid, gint64 tid, GError **error)
{
	g_autofree gchar *path = pid > 0 ? g_strdup_printf("/proc/%" G_GINT64_FORMAT
	                                                   "/task/%" G_GINT64_FORMAT "/stat",
	                                                   pid, tid)
	                                 : g_strdup_printf("/proc/%" G_GINT64_FORMAT "/stat", tid);
	g_autofree gchar *contents = NULL;
	g_auto(GStrv) fields = NULL;
	g_autoptr(GError) local_error = NULL;
	g_autofree gchar *rest = NULL;
	const gchar *after_comm;
	guint64 cpu = 0;

	if (!g_file_get_contents(path, &contents, NULL, &local_error)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "%s", local_error->message);
		return -1;
	}
	/* field 2 is "(comm)" and comm may hold spaces and parentheses: the
	 * fields that follow start after the last ')' with field 3 */
	after_comm = strrchr(contents, ')');
	if (after_comm != NULL) {
		rest = g_strdup(after_comm + 1);
		fields = g_strsplit(g_strstrip(rest), " ", -1);
	}
	if (fields == NULL || g_strv_length(fields) < 37 ||
	    !g_ascii_string_to_unsigned(fields[39 - 3], 10, 0, G_MAXINT, &cpu, NULL)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "%s: no processor field", path);
		return -1;
	}
	return (gint)cpu;
}

static void
add_note(DkvmVmMonitor *self, const gchar *what, const gchar *why)
{
	g_ptr_array_add(self->notes, g_strdup_printf("%s: %s", what, why));
}

/* Host CPUs libvirt's cpumaps are sized for. */
static gint
host_cpu_count(virConnectPtr conn)
{
	virNodeInfo info;
	gint n = virNodeGetCPUMap(conn, NULL, NULL, 0);

	if (n > 0)
		return n;
	if (virNodeGetInfo(conn, &info) == 0)
		return (gint)VIR_NODEINFO_MAXCPUS(info);
	return -1;
}

static gchar *
cpumap_to_list(const unsigned char *map, gint maplen, gint ncpus)
{
	g_autoptr(GArray) cpus = g_array_new(FALSE, FALSE, sizeof(guint));

	for (gint cpu = 0; cpu < ncpus && cpu < maplen * 8; cpu++) {
		if (VIR_CPU_USED(map, cpu)) {
			guint c = (guint)cpu;
			g_array_append_val(cpus, c);
		}
	}
	return dkvm_format_cpu_list(cpus);
}

/* QEMU's thread id per vCPU from QMP query-cpus-fast: index -> tid. */
static GHashTable *
qmp_vcpu_threads(virDomainPtr dom, GError **error)
{
	g_autoptr(GHashTable) threads = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) local_error = NULL;
	char *reply = NULL;
	JsonNode *root;
	JsonNode *ret;

	if (virDomainQemuMonitorCommand(dom, "{\"execute\":\"query-cpus-fast\"}", &reply, 0) < 0) {
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, "QMP query-cpus-fast");
		return NULL;
	}
	if (!json_parser_load_from_data(parser, reply, -1, &local_error)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_LIBVIRT,
		            "QMP query-cpus-fast: unreadable reply: %s", local_error->message);
		free(reply);
		return NULL;
	}
	free(reply);
	root = json_parser_get_root(parser);
	ret = JSON_NODE_HOLDS_OBJECT(root)
	              ? json_object_get_member(json_node_get_object(root), "return")
	              : NULL;
	if (ret == NULL || !JSON_NODE_HOLDS_ARRAY(ret)) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_LIBVIRT,
		                    "QMP query-cpus-fast: no \"return\" array in the reply");
		return NULL;
	}
	for (guint i = 0; i < json_array_get_length(json_node_get_array(ret)); i++) {
		JsonObject *cpu = json_array_get_object_element(json_node_get_array(ret), i);
		if (cpu == NULL || !json_object_has_member(cpu, "cpu-index") ||
		    !json_object_has_member(cpu, "thread-id"))
			continue;
		g_hash_table_insert(
		        threads,
		        GUINT_TO_POINTER((guint)json_object_get_int_member(cpu, "cpu-index")),
		        GSIZE_TO_POINTER((gsize)json_object_get_int_member(cpu, "thread-id")));
	}
	return g_steal_pointer(&threads);
}

/* Where libvirt's QEMU driver keeps its pid files for the connection's
 * daemon (qemu_conf.c: stateDir), NULL when @conn is not a QEMU driver on
 * this machine. */
static gchar *
local_qemu_state_dir(virConnectPtr conn)
{
	g_autofree gchar *uri_string = virConnectGetURI(conn);
	g_autoptr(GUri) uri = NULL;
	const gchar *type = virConnectGetType(conn);
	const gchar *scheme;
	const gchar *host;

	if (uri_string == NULL || g_strcmp0(type, "QEMU") != 0)
		return NULL;
	uri = g_uri_parse(uri_string, G_URI_FLAGS_NONE, NULL);
	if (uri == NULL)
		return NULL;
	scheme = g_uri_get_scheme(uri);
	host = g_uri_get_host(uri);
	if ((g_strcmp0(scheme, "qemu") != 0 && g_strcmp0(scheme, "qemu+unix") != 0) ||
	    (host != NULL && *host != '\0'))
		return NULL;
	if (g_strcmp0(g_uri_get_path(uri), "/system") == 0)
		return dkvm_host_path("run/libvirt/qemu");
	if (g_strcmp0(g_uri_get_path(uri), "/session") == 0)
		return g_build_filename(g_get_user_runtime_dir(), "libvirt", "qemu", "run", NULL);
	return NULL;
}

/* QEMU's pid from libvirt's pid file, checked against the process's own
 * command line (-name guest=NAME,...), so a stale file is never believed. */
static gint64
read_qemu_pid(const gchar *state_dir, const gchar *name, GError **error)
{
	g_autofree gchar *file = g_strdup_printf("%s.pid", name);
	g_autofree gchar *path = g_build_filename(state_dir, file, NULL);
	g_autofree gchar *contents = NULL;
	g_autofree gchar *cmdline_relative = NULL;
	g_autofree gchar *cmdline_path = NULL;
	g_autofree gchar *cmdline = NULL;
	g_autofree gchar *guest = g_strdup_printf("guest=%s", name);
	g_autoptr(GError) local_error = NULL;
	gsize len = 0;
	guint64 pid = 0;

	if (!g_file_get_contents(path, &contents, NULL, &local_error)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "QEMU's pid: %s",
		            local_error->message);
		return -1;
	}
	if (!g_ascii_string_to_unsigned(g_strstrip(contents), 10, 1, G_MAXINT, &pid, NULL)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "QEMU's pid: %s holds no pid", path);
		return -1;
	}
	cmdline_relative = g_strdup_printf("proc/%" G_GUINT64_FORMAT "/cmdline", pid);
	cmdline_path = dkvm_host_path(cmdline_relative);
	if (g_file_get_contents(cmdline_path, &cmdline, &len, NULL)) {
		/* NUL-separated arguments: look for "guest=NAME" or "guest=NAME,..." */
		for (const gchar *arg = cmdline; arg < cmdline + len; arg += strlen(arg) + 1) {
			if (g_str_has_prefix(arg, guest) &&
			    (arg[strlen(guest)] == '\0' || arg[strlen(guest)] == ','))
				return (gint64)pid;
		}
	}
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO,
	            "QEMU's pid: process %" G_GUINT64_FORMAT " of %s is not QEMU of VM '%s'", pid,
	            path, name);
	return -1;
}

gboolean
dkvm_virt_parse_vcpu_thread_name(const gchar *comm, guint *out_vcpu)
{
	g_autofree gchar *text = g_strstrip(g_strdup(comm));
	const gchar *slash;
	g_autofree gchar *number = NULL;
	guint64 vcpu = 0;

	/* "CPU 3/KVM", "CPU 3/TCG" (QEMU's qemu_thread_create names, cut to 15
	 * characters by the kernel: "CPU 1234/KVM" still fits) */
	if (!g_str_has_prefix(text, "CPU "))
		return FALSE;
	slash = strchr(text + 4, '/');
	if (slash == NULL || slash[1] == '\0')
		return FALSE;
	number = g_strndup(text + 4, (gsize)(slash - (text + 4)));
	if (!g_ascii_string_to_unsigned(number, 10, 0, G_MAXINT, &vcpu, NULL))
		return FALSE;
	*out_vcpu = (guint)vcpu;
	return TRUE;
}

GHashTable *
dkvm_virt_vcpu_threads_from_proc(gint64 pid, GError **error)
{
	g_autoptr(GHashTable) threads = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autofree gchar *relative = g_strdup_printf("proc/%" G_GINT64_FORMAT "/task", pid);
	g_autofree gchar *task_dir = dkvm_host_path(relative);
	g_autoptr(GError) local_error = NULL;
	g_autoptr(GDir) dir = g_dir_open(task_dir, 0, &local_error);
	const gchar *entry;

	if (dir == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "%s", local_error->message);
		return NULL;
	}
	while ((entry = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *comm_path = g_build_filename(task_dir, entry, "comm", NULL);
		g_autofree gchar *comm = NULL;
		guint64 tid = 0;
		guint vcpu = 0;

		/* a thread may end while the directory is read: skip it */
		if (!g_ascii_string_to_unsigned(entry, 10, 1, G_MAXINT, &tid, NULL) ||
		    !g_file_get_contents(comm_path, &comm, NULL, NULL) ||
		    !dkvm_virt_parse_vcpu_thread_name(comm, &vcpu))
			continue;
		g_hash_table_insert(threads, GUINT_TO_POINTER(vcpu), GSIZE_TO_POINTER((gsize)tid));
	}
	if (g_hash_table_size(threads) == 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO,
		            "no thread of QEMU (pid %" G_GINT64_FORMAT ") is named \"CPU n/...\" "
		            "(QEMU runs without debug-threads=on)",
		            pid);
		return NULL;
	}
	return g_steal_pointer(&threads);
}

static void
read_vcpus(DkvmVmMonitor *self, virConnectPtr conn, virDomainPtr dom, guint nvcpus,
           gboolean running, gboolean local)
{
	const gint ncpus = host_cpu_count(conn);
	const gint maplen = ncpus > 0 ? VIR_CPU_MAPLEN(ncpus) : 0;
	const guint flags = running ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
	g_autofree unsigned char *pins = NULL;
	g_autofree virVcpuInfoPtr info = NULL;
	g_autoptr(GHashTable) threads = NULL;
	gint npins = -1;
	gint ninfo = -1;

	for (guint i = 0; i < nvcpus; i++) {
		DkvmVcpuStat *vcpu = g_new0(DkvmVcpuStat, 1);
		vcpu->number = i;
		vcpu->state = -1;
		vcpu->thread_id = -1;
		vcpu->host_cpu = -1;
		g_ptr_array_add(self->vcpus, vcpu);
	}
	if (ncpus <= 0) {
		add_note(self, "pinning", "cannot read the host's CPU count from libvirt");
	} else {
		pins = g_malloc0((gsize)nvcpus * (gsize)maplen + 1);
		npins = virDomainGetVcpuPinInfo(dom, (int)nvcpus, pins, maplen, flags);
		if (npins < 0)
			add_note(self, "vCPU pinning", virGetLastErrorMessage());
		for (gint i = 0; i < npins && (guint)i < nvcpus; i++) {
			DkvmVcpuStat *vcpu = g_ptr_array_index(self->vcpus, i);
			vcpu->pinning =
			        cpumap_to_list(VIR_GET_CPUMAP(pins, maplen, i), maplen, ncpus);
		}
	}
	if (!running)
		return;

	info = g_new0(virVcpuInfo, nvcpus + 1);
	ninfo = virDomainGetVcpus(dom, info, (int)nvcpus, NULL, 0);
	if (ninfo < 0)
		add_note(self, "vCPU info", virGetLastErrorMessage());
	for (gint i = 0; i < ninfo; i++) {
		if (info[i].number >= nvcpus)
			continue;
		DkvmVcpuStat *vcpu = g_ptr_array_index(self->vcpus, info[i].number);
		vcpu->state = info[i].state;
		vcpu->cpu_time_ns = info[i].cpuTime;
		vcpu->host_cpu = info[i].cpu;
	}

	{
		g_autoptr(GError) error = NULL;

		if (local && self->pid > 0) {
			threads = dkvm_virt_vcpu_threads_from_proc(self->pid, &error);
		} else if (local) {
			/* the pid's own note says why; QMP would taint the domain */
			return;
		} else {
			threads = qmp_vcpu_threads(dom, &error);
			if (threads != NULL)
				add_note(
				        self, "vCPU threads",
				        "read through QEMU's monitor (QMP query-cpus-fast) because "
				        "the connection is not local; libvirt logs the VM as "
				        "\"tainted: custom-monitor\"");
		}
		if (threads == NULL) {
			add_note(self, "vCPU threads", error->message);
			return;
		}
	}
	for (guint i = 0; i < self->vcpus->len; i++) {
		DkvmVcpuStat *vcpu = g_ptr_array_index(self->vcpus, i);
		gpointer tid = NULL;
		g_autoptr(GError) error = NULL;
		gint cpu;

		if (!g_hash_table_lookup_extended(threads, GUINT_TO_POINTER(i), NULL, &tid))
			continue;
		vcpu->thread_id = (gint64)GPOINTER_TO_SIZE(tid);
		/* on a remote host, virDomainGetVcpus' CPU above is the only one */
		if (!local)
			continue;
		cpu = dkvm_virt_thread_last_cpu(self->pid, vcpu->thread_id, &error);
		if (cpu >= 0)
			vcpu->host_cpu = cpu;
		else
			add_note(self, "host CPU", error->message);
	}
}

static void
read_emulator_and_iothreads(DkvmVmMonitor *self, virConnectPtr conn, virDomainPtr dom,
                            gboolean running)
{
	const gint ncpus = host_cpu_count(conn);
	const gint maplen = ncpus > 0 ? VIR_CPU_MAPLEN(ncpus) : 0;
	const guint flags = running ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
	virDomainIOThreadInfoPtr *info = NULL;
	gint n;

	if (ncpus > 0) {
		g_autofree unsigned char *map = g_malloc0((gsize)maplen + 1);
		if (virDomainGetEmulatorPinInfo(dom, map, maplen, flags) < 0)
			add_note(self, "emulator pinning", virGetLastErrorMessage());
		else
			self->emulator_pinning = cpumap_to_list(map, maplen, ncpus);
	}
	n = virDomainGetIOThreadInfo(dom, &info, flags);
	if (n < 0) {
		add_note(self, "I/O threads", virGetLastErrorMessage());
		return;
	}
	for (gint i = 0; i < n; i++) {
		DkvmIOThreadStat *io = g_new0(DkvmIOThreadStat, 1);
		io->id = info[i]->iothread_id;
		io->pinning =
		        cpumap_to_list(info[i]->cpumap, info[i]->cpumaplen, info[i]->cpumaplen * 8);
		g_ptr_array_add(self->iothreads, io);
		virDomainIOThreadInfoFree(info[i]);
	}
	free(info);
}

static gint64
read_pool_value(guint64 size_kib, gint node, const gchar *file)
{
	g_autofree gchar *pool = dkvm_host_hugepage_pool_relpath(size_kib, node);
	g_autofree gchar *path = dkvm_host_pathf("%s/%s", pool, file);
	g_autofree gchar *contents = NULL;
	guint64 value = 0;

	if (!g_file_get_contents(path, &contents, NULL, NULL) ||
	    !g_ascii_string_to_unsigned(g_strstrip(contents), 10, 0, G_MAXINT64, &value, NULL))
		return -1;
	return (gint64)value;
}

static void
read_from_xml(DkvmVmMonitor *self, virDomainPtr dom)
{
	g_autoptr(DkvmDomainXml) parsed = NULL;
	g_autoptr(GError) error = NULL;
	/* the live definition while it runs: what QEMU really got */
	char *xml = virDomainGetXMLDesc(dom, 0);

	if (xml == NULL) {
		add_note(self, "domain XML", virGetLastErrorMessage());
		return;
	}
	parsed = dkvm_domain_xml_parse(xml, &error);
	free(xml);
	if (parsed == NULL) {
		add_note(self, "domain XML", error->message);
		return;
	}
	self->hugepages = parsed->hugepages;
	self->hugepage_node = parsed->hugepage_node;
	if (parsed->hugepages) {
		self->hugepage_size_kib = parsed->hugepage_size_kib;
		self->hugepages_vm = dkvm_domain_xml_hugepages_needed(parsed);
		self->pool_total = read_pool_value(parsed->hugepage_size_kib, parsed->hugepage_node,
		                                   "nr_hugepages");
		self->pool_free = read_pool_value(parsed->hugepage_size_kib, parsed->hugepage_node,
		                                  "free_hugepages");
		if (self->pool_total < 0)
			add_note(self, "hugepage pool", "the host has no pool of this page size");
	}
	g_ptr_array_extend_and_steal(self->pci_devices, g_steal_pointer(&parsed->pci_hostdevs));
	g_ptr_array_extend_and_steal(self->usb_devices, g_steal_pointer(&parsed->usb_hostdevs));
}

DkvmVmMonitor *
dkvm_virt_monitor_read(virConnectPtr conn, virDomainPtr dom, GError **error)
{
	g_autoptr(DkvmVmMonitor) self = g_new0(DkvmVmMonitor, 1);
	virDomainInfo info = { 0 };
	g_autofree gchar *state_dir = NULL;
	gboolean running;

	self->name = g_strdup(virDomainGetName(dom));
	self->pid = -1;
	self->hugepage_node = -1;
	self->pool_total = -1;
	self->pool_free = -1;
	self->vcpus = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_vcpu_stat_free);
	self->iothreads = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_iothread_stat_free);
	self->pci_devices = g_ptr_array_new_with_free_func(g_free);
	self->usb_devices = g_ptr_array_new_with_free_func(g_free);
	self->notes = g_ptr_array_new_with_free_func(g_free);

	if (virDomainGetInfo(dom, &info) < 0) {
		g_autofree gchar *what = g_strdup_printf("cannot read VM '%s'", self->name);
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, what);
		return NULL;
	}
	self->state = info.state;
	running = virDomainIsActive(dom) == 1;
	state_dir = local_qemu_state_dir(conn);
	if (running && state_dir != NULL) {
		g_autoptr(GError) pid_error = NULL;
		self->pid = read_qemu_pid(state_dir, self->name, &pid_error);
		if (self->pid < 0)
			add_note(self, "vCPU threads", pid_error->message);
	}
	read_vcpus(self, conn, dom, info.nrVirtCpu, running, state_dir != NULL);
	read_emulator_and_iothreads(self, conn, dom, running);
	read_from_xml(self, dom);
	return g_steal_pointer(&self);
}

static const gchar *
vcpu_state_to_string(gint state)
{
	switch (state) {
	case VIR_VCPU_OFFLINE:
		return "offline";
	case VIR_VCPU_RUNNING:
		return "running";
	case VIR_VCPU_BLOCKED:
		return "blocked";
	default:
		return NULL;
	}
}

gchar *
dkvm_virt_monitor_to_json(const DkvmVmMonitor *self, gboolean pretty)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, self->name);
	json_builder_set_member_name(b, "state");
	json_builder_add_string_value(b, dkvm_virt_state_to_string(self->state));
	dkvm_json_add_opt_int(b, "pid", self->pid);
	json_builder_set_member_name(b, "vcpus");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->vcpus->len; i++) {
		const DkvmVcpuStat *v = g_ptr_array_index(self->vcpus, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "vcpu", v->number);
		dkvm_json_add_opt_str(b, "state", vcpu_state_to_string(v->state));
		dkvm_json_add_opt_int(b, "thread_id", v->thread_id);
		dkvm_json_add_opt_int(b, "host_cpu", v->host_cpu);
		dkvm_json_add_opt_str(b, "pinning", v->pinning);
		dkvm_json_add_int(b, "cpu_time_ns", (gint64)v->cpu_time_ns);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	dkvm_json_add_opt_str(b, "emulator_pinning", self->emulator_pinning);
	json_builder_set_member_name(b, "iothreads");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->iothreads->len; i++) {
		const DkvmIOThreadStat *io = g_ptr_array_index(self->iothreads, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "id", io->id);
		dkvm_json_add_opt_str(b, "pinning", io->pinning);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "hugepages");
	if (self->hugepages) {
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "page_size_kib", (gint64)self->hugepage_size_kib);
		dkvm_json_add_int(b, "pages", (gint64)self->hugepages_vm);
		dkvm_json_add_opt_int(b, "node", self->hugepage_node);
		dkvm_json_add_opt_int(b, "pool_total", self->pool_total);
		dkvm_json_add_opt_int(b, "pool_free", self->pool_free);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	dkvm_json_add_str_array(b, "pci_devices", self->pci_devices);
	dkvm_json_add_str_array(b, "usb_devices", self->usb_devices);
	dkvm_json_add_str_array(b, "notes", self->notes);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	json_generator_set_pretty(gen, pretty);
	json_generator_set_indent(gen, 2);
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

static gchar *
int_or_dash(gint64 value)
{
	return value >= 0 ? g_strdup_printf("%" G_GINT64_FORMAT, value) : g_strdup("-");
}

static void
append_list(GString *out, const gchar *label, GPtrArray *values)
{
	g_string_append_printf(out, "%s:", label);
	if (values->len == 0)
		g_string_append(out, " none");
	for (guint i = 0; i < values->len; i++)
		g_string_append_printf(out, "%s %s", i > 0 ? "," : "",
		                       (const gchar *)g_ptr_array_index(values, i));
	g_string_append_c(out, '\n');
}

gchar *
dkvm_virt_monitor_to_text(const DkvmVmMonitor *self)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree gchar *pid = int_or_dash(self->pid);

	g_string_append_printf(out, "VM %s: %s, QEMU pid %s\n", self->name,
	                       dkvm_virt_state_to_string(self->state), pid);
	g_string_append_printf(out, "%-5s %-9s %-8s %-8s %-12s %s\n", "vCPU", "state", "thread",
	                       "host CPU", "pinned to", "CPU time");
	for (guint i = 0; i < self->vcpus->len; i++) {
		const DkvmVcpuStat *v = g_ptr_array_index(self->vcpus, i);
		g_autofree gchar *tid = int_or_dash(v->thread_id);
		g_autofree gchar *cpu = int_or_dash(v->host_cpu);
		const gchar *state = vcpu_state_to_string(v->state);
		g_string_append_printf(out, "%-5u %-9s %-8s %-8s %-12s %.1f s\n", v->number,
		                       state != NULL ? state : "-", tid, cpu,
		                       v->pinning != NULL ? v->pinning : "-",
		                       (gdouble)v->cpu_time_ns / 1e9);
	}
	g_string_append_printf(out, "emulator pinned to: %s\n",
	                       self->emulator_pinning != NULL ? self->emulator_pinning : "-");
	if (self->iothreads->len == 0)
		g_string_append(out, "I/O threads: none\n");
	for (guint i = 0; i < self->iothreads->len; i++) {
		const DkvmIOThreadStat *io = g_ptr_array_index(self->iothreads, i);
		g_string_append_printf(out, "I/O thread %u pinned to: %s\n", io->id,
		                       io->pinning != NULL ? io->pinning : "-");
	}
	if (self->hugepages) {
		g_autofree gchar *total = int_or_dash(self->pool_total);
		g_autofree gchar *free_pages = int_or_dash(self->pool_free);
		g_string_append_printf(
		        out,
		        "hugepages: %" G_GUINT64_FORMAT " pages of %" G_GUINT64_FORMAT
		        " KiB; pool%s: %s total, %s free\n",
		        self->hugepages_vm, self->hugepage_size_kib,
		        self->hugepage_node >= 0 ? " of its node" : "", total, free_pages);
	} else {
		g_string_append(out, "hugepages: none (normal memory)\n");
	}
	append_list(out, "PCI devices", self->pci_devices);
	append_list(out, "USB devices", self->usb_devices);
	for (guint i = 0; i < self->notes->len; i++)
		g_string_append_printf(out, "note: %s\n",
		                       (const gchar *)g_ptr_array_index(self->notes, i));
	return g_string_free(g_steal_pointer(&out), FALSE);
}
