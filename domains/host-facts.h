/*
 * DkvmHostFacts: everything DKVM knows about the host it runs on. Filled by
 * frontend/host (sysfs, procfs, libpci, libudev), read by the pure planners
 * in domains/, and serialised as `dkvm host --json` (a stable interface for
 * scripts, documented in README.md). The JSON round-trips: domains tests and
 * `dkvm plan --host FILE` load a host from it without touching the machine.
 *
 * Plain structs with free functions rather than GObjects: they are values,
 * built once and then only read.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	DKVM_CPU_TYPE_UNKNOWN = 0, /* not a hybrid part, or not known */
	DKVM_CPU_TYPE_PERFORMANCE, /* Intel P-core (/sys/devices/cpu_core/cpus) */
	DKVM_CPU_TYPE_EFFICIENCY,  /* Intel E-core (/sys/devices/cpu_atom/cpus) */
} DkvmCpuType;

const gchar *dkvm_cpu_type_to_string(DkvmCpuType type); /* NULL for UNKNOWN */
DkvmCpuType dkvm_cpu_type_from_string(const gchar *str);

/* One online logical CPU. Ids are the kernel's; -1 means "not reported". */
typedef struct {
	guint cpu;
	gint package;
	gint die;
	gint core;        /* topology/core_id: only unique within a package */
	gint cluster;     /* topology/cluster_id, -1 when absent */
	gint l3;          /* id of its DkvmL3Group, -1 without cache info */
	gint node;        /* NUMA node, -1 when unknown */
	GArray *siblings; /* guint: thread_siblings_list, itself included */
	DkvmCpuType type;
} DkvmHostCpu;

/* CPUs sharing one last-level (L3) cache: a CCX/CCD on AMD, the ring on Intel. */
typedef struct {
	guint id;     /* cache/index3/id, or the lowest CPU when id is absent */
	GArray *cpus; /* guint, sorted */
	guint64 size_kib;
} DkvmL3Group;

typedef struct {
	guint id;
	GArray *cpus; /* guint, sorted */
	guint64 total_kib;
	guint64 free_kib;
} DkvmNumaNode;

/* One hugepage pool: global (node = -1) or one NUMA node's share of it. */
typedef struct {
	guint64 size_kib; /* DKVM_PAGE_2M_KIB or DKVM_PAGE_1G_KIB (page-size.h) */
	gint node;
	guint64 total;
	guint64 free;
	guint64 reserved; /* promised to a mapping but not faulted in (global only) */
	guint64 surplus;
} DkvmHugepagePool;

/* One memory BAR of a PCI function, from sysfs `resource` (and
 * `resourceN_resize` for a resizable BAR). I/O port BARs are left out. */
typedef struct {
	guint index;           /* 0-5, or 6 for the expansion ROM */
	guint64 size;          /* bytes, as the kernel sized it now */
	gboolean is_64bit;     /* a 64-bit BAR: the guest maps it above 4 GiB */
	gboolean prefetchable; /* prefetchable memory */
	guint64 resizable_max; /* largest size resourceN_resize offers, 0: not resizable */
} DkvmPciBar;

typedef struct {
	gchar *address; /* "0000:01:00.0" */
	guint16 vendor_id;
	guint16 device_id;
	guint16 subsystem_vendor_id;
	guint16 subsystem_device_id;
	guint32 class_code; /* 24 bits: class, subclass, prog-if */
	gchar *vendor_name; /* from pci.ids, NULL when unknown */
	gchar *device_name;
	gchar *class_name;
	gchar *driver;      /* bound driver, NULL when none */
	gboolean is_gpu;    /* class 0x03xx: VGA, 3D, display */
	gboolean is_bridge; /* class 0x06xx */
	gboolean boot_vga;
	gint numa_node;        /* -1 when the platform has none */
	gint iommu_group;      /* -1 without IOMMU */
	gchar *reset_method;   /* "flr bus", NULL when the device cannot be reset */
	GArray *bars;          /* DkvmPciBar, by index: memory BARs of non-zero size */
	gboolean config_stuck; /* its config space reads all ones: the card is stuck */
	gint d3cold_allowed;   /* sysfs d3cold_allowed: 1, 0, or -1 when not reported */
	GPtrArray *functions;  /* gchar*: the other functions of its slot */
	gboolean host_needed;  /* the host must keep it (boot stick controller...) */
	gchar *host_needed_reason;
} DkvmPciDevice;

typedef struct {
	guint id;
	GPtrArray *devices; /* gchar*: addresses, sorted */
} DkvmIommuGroup;

typedef struct {
	gchar *port_path; /* "1-4.2": bus and port chain, stable across replugs */
	guint busnum;
	guint devnum;
	guint16 vendor_id;
	guint16 product_id;
	gchar *vendor_name;
	gchar *product_name;
	gchar *serial;
	guint speed_mbps; /* 1.5 is reported as 1 */
	gboolean is_hub;
	gchar *controller; /* PCI address of its host controller, NULL if not PCI */
	gboolean host_needed;
	gchar *host_needed_reason;
} DkvmUsbDevice;

/* Kernel command line options that matter to passthrough, NULL when absent. */
typedef struct {
	gchar *raw;
	gchar *intel_iommu;
	gchar *amd_iommu;
	gchar *iommu;
	gchar *pcie_acs_override;
	gchar *isolcpus;
	gchar *nohz_full;
	gchar *rcu_nocbs;
	gchar *hugepagesz;
	gchar *hugepages;
	gchar *default_hugepagesz;
	gchar *vfio_pci_ids;
} DkvmKernelCmdline;

/*
 * The kernel options of DkvmKernelCmdline, described once: the parser
 * (host-cmdline.c), the JSON writer and reader and `dkvm host` all walk this
 * table, in its order (the order `dkvm host` prints and the JSON lists).
 */
typedef struct {
	const gchar *name;  /* the kernel's spelling with '-' as '_': "vfio_pci.ids" */
	const gchar *shown; /* as `dkvm host` prints it: "vfio-pci.ids" */
	const gchar *json;  /* the member of "cmdline" in `dkvm host --json` */
	gsize offset;       /* of its gchar* field in DkvmKernelCmdline */
	gboolean repeats;   /* every value kept, comma-joined (hugepagesz=1G hugepagesz=2M) */
} DkvmKernelOption;

/* The table and its length (a function, not an exported array: the binary
 * and the libvirt module each link domains/, and one global twice is an
 * ODR violation). */
const DkvmKernelOption *dkvm_kernel_options(guint *out_count);

/* The field of @option in @cmdline. */
#define DKVM_KERNEL_OPTION_FIELD(cmdline, option)                                                  \
	((gchar **)G_STRUCT_MEMBER_P((cmdline), (option)->offset))

typedef struct {
	gchar *cpu_vendor;      /* "AuthenticAMD", "GenuineIntel" */
	gchar *cpu_model;       /* model name */
	gboolean virt_support;  /* vmx or svm in the flags */
	gboolean kvm_available; /* /dev/kvm exists */
	gboolean pdpe1gb;       /* 1 GiB pages supported */
	gboolean smt;           /* some core has more than one thread */
	gboolean hybrid;        /* Intel P/E cores present */

	GPtrArray *cpus;       /* DkvmHostCpu*, online only, sorted by cpu */
	GPtrArray *l3_groups;  /* DkvmL3Group*, sorted by lowest cpu */
	GPtrArray *numa_nodes; /* DkvmNumaNode* */

	guint64 mem_total_kib;
	guint64 mem_available_kib;
	GPtrArray *hugepages; /* DkvmHugepagePool*: global pools, then per node */

	gboolean iommu_enabled; /* any /sys/kernel/iommu_groups entry */
	DkvmKernelCmdline cmdline;

	GPtrArray *pci;          /* DkvmPciDevice*, sorted by address */
	GPtrArray *iommu_groups; /* DkvmIommuGroup*, sorted by id */
	GPtrArray *usb;          /* DkvmUsbDevice*, sorted by port path */

	GPtrArray *notes; /* gchar*: what could not be read (partial report) */
} DkvmHostFacts;

DkvmHostFacts *dkvm_host_facts_new(void);
void dkvm_host_facts_free(DkvmHostFacts *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmHostFacts, dkvm_host_facts_free)

DkvmHostCpu *dkvm_host_cpu_new(guint cpu);
void dkvm_host_cpu_free(DkvmHostCpu *self);
DkvmL3Group *dkvm_l3_group_new(guint id);
void dkvm_l3_group_free(DkvmL3Group *self);
DkvmNumaNode *dkvm_numa_node_new(guint id);
void dkvm_numa_node_free(DkvmNumaNode *self);
DkvmHugepagePool *dkvm_hugepage_pool_new(guint64 size_kib, gint node);
void dkvm_hugepage_pool_free(DkvmHugepagePool *self);
DkvmPciDevice *dkvm_pci_device_new(const gchar *address);
void dkvm_pci_device_free(DkvmPciDevice *self);
DkvmIommuGroup *dkvm_iommu_group_new(guint id);
void dkvm_iommu_group_free(DkvmIommuGroup *self);
DkvmUsbDevice *dkvm_usb_device_new(const gchar *port_path);
void dkvm_usb_device_free(DkvmUsbDevice *self);

/* Look-ups; NULL when absent. */
const DkvmHostCpu *dkvm_host_facts_get_cpu(const DkvmHostFacts *self, guint cpu);
const DkvmL3Group *dkvm_host_facts_get_l3_group(const DkvmHostFacts *self, guint id);
const DkvmPciDevice *dkvm_host_facts_get_pci(const DkvmHostFacts *self, const gchar *address);
const DkvmIommuGroup *dkvm_host_facts_get_iommu_group(const DkvmHostFacts *self, guint id);
/* The global pool of that page size, NULL when the kernel has none. */
const DkvmHugepagePool *dkvm_host_facts_get_hugepage_pool(const DkvmHostFacts *self,
                                                          guint64 size_kib);
/* Number of physical cores (distinct sibling sets). */
guint dkvm_host_facts_count_cores(const DkvmHostFacts *self);

/* A deep copy (through the JSON form, which holds every field). */
DkvmHostFacts *dkvm_host_facts_copy(const DkvmHostFacts *self);

/*
 * Counts @pages hugepages of @size_kib (on @node, -1: any) as free again, and
 * their memory as available: the pages a running VM holds are its own when
 * that same VM is planned again (vm edit), not memory it would need twice.
 */
void dkvm_host_facts_give_back_hugepages(DkvmHostFacts *self, guint64 size_kib, gint node,
                                         guint64 pages);

/* `dkvm host --json`. Pretty-printed, fields in a fixed order. */
gchar *dkvm_host_facts_to_json(const DkvmHostFacts *self);
/* Inverse of dkvm_host_facts_to_json(); DKVM_ERROR_INVALID on bad input. */
DkvmHostFacts *dkvm_host_facts_from_json(const gchar *json, GError **error);

G_END_DECLS
