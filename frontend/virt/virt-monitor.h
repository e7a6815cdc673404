/*
 * What a running VM is doing, for `dkvm vm monitor`: each vCPU's QEMU thread
 * (from /proc on a local connection; QMP query-cpus-fast through libvirt-qemu
 * only on a remote one, since QMP taints the domain), where it is pinned and the host
 * CPU it last ran on (/proc/PID/task/TID/stat), its CPU time; the emulator
 * and I/O thread pinning; the hugepages behind its memory with the pool's
 * numbers; the passed-through devices. What a driver cannot tell (libvirt's
 * test driver has no QEMU monitor) is left unknown and said in a note, so
 * one snapshot never fails because one detail is missing.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

typedef struct {
	guint number;
	gint state;       /* virVcpuState; -1 unknown (VM off) */
	gint64 thread_id; /* QEMU's vCPU thread; -1 unknown */
	gint host_cpu;    /* host CPU it last ran on; -1 unknown */
	guint64 cpu_time_ns;
	gchar *pinning; /* host CPU list "2-3"; NULL unknown */
} DkvmVcpuStat;

typedef struct {
	guint id;
	gchar *pinning;
} DkvmIOThreadStat;

typedef struct {
	gchar *name;
	gint state;              /* virDomainState */
	gint64 pid;              /* QEMU's pid; -1 unknown or not running */
	GPtrArray *vcpus;        /* DkvmVcpuStat* */
	gchar *emulator_pinning; /* NULL unknown */
	GPtrArray *iothreads;    /* DkvmIOThreadStat* */
	gboolean hugepages;      /* memory backed by hugepages */
	guint64 hugepage_size_kib;
	guint64 hugepages_vm; /* pages that back the VM's memory */
	gint hugepage_node;   /* -1: the global pool */
	gint64 pool_total;    /* the pool of that size; -1 unknown */
	gint64 pool_free;
	GPtrArray *pci_devices; /* gchar* */
	GPtrArray *usb_devices; /* gchar* */
	GPtrArray *notes;       /* gchar*: what could not be read, and why */
} DkvmVmMonitor;

void dkvm_vm_monitor_free(DkvmVmMonitor *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmMonitor, dkvm_vm_monitor_free)

/* One snapshot of @dom. Fails only when the domain itself cannot be read. */
DkvmVmMonitor *dkvm_virt_monitor_read(virConnectPtr conn, virDomainPtr dom, GError **error);

/* The JSON object of a snapshot (one line when !@pretty, for --watch). */
gchar *dkvm_virt_monitor_to_json(const DkvmVmMonitor *self, gboolean pretty);

/* The snapshot as the table a person reads. */
gchar *dkvm_virt_monitor_to_text(const DkvmVmMonitor *self);

/*
 * The host CPU a thread last ran on: field 39 of /proc/@pid/task/@tid/stat
 * (@pid <= 0: /proc/@tid/stat). -1 with @error set when it cannot be read.
 */
gint dkvm_virt_thread_last_cpu(gint64 pid, gint64 tid, GError **error);

/* "CPU 3/KVM" or "CPU 3/TCG" (a thread's comm, as QEMU with debug-threads=on
 * names its vCPU threads) into 3; FALSE for any other name. */
gboolean dkvm_virt_parse_vcpu_thread_name(const gchar *comm, guint *out_vcpu);

/*
 * QEMU's vCPU threads from DKVM_SYSFS_ROOT/proc/@pid/task/TID/comm: a table of
 * vCPU number -> thread id (GSIZE_TO_POINTER). NULL with @error when the
 * directory cannot be read or no thread has a vCPU name.
 */
GHashTable *dkvm_virt_vcpu_threads_from_proc(gint64 pid, GError **error);

G_END_DECLS
