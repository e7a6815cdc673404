/*
 * The planners: pure functions from DkvmHostFacts + DkvmSpec + host settings
 * to what the domain must say. No I/O. Each plan carries the warnings a person
 * should read and a short rationale (one line per decision) that `dkvm plan`
 * prints, so nobody has to reverse-engineer why vCPU 3 sits on CPU 11.
 *
 * The XML helper (domains/domain-xml) writes exactly what a plan says: it
 * chooses nothing itself. The rules behind each plan are written down at the
 * top of plan-cpu.c, plan-hugepages.c and plan-passthrough.c.
 */
#pragma once

#include <glib.h>

#include "host-facts.h"
#include "host-settings.h"
#include "hypervisor.h"
#include "spec.h"

G_BEGIN_DECLS

/* ---- Guest NUMA cells (a guest spanning host nodes sees them) ---- */
typedef struct {
	gint host_node;     /* where its vCPUs are pinned and its memory is bound */
	GArray *vcpus;      /* guint: its vCPUs, ascending */
	guint64 memory_kib; /* its share of the guest memory, in proportion to its
	                     * vCPUs; whole hugepages when hugepages are on */
} DkvmNumaCell;

/* Splits @units in proportion to the cells' vCPUs (largest remainder first,
 * lowest cell on ties): guint64 per cell, summing exactly to @units. */
GArray *dkvm_numa_cells_split(const GPtrArray *cells, guint64 units);

/* ---- CPU pinning ---- */
typedef struct {
	guint vcpus;
	GArray *vcpu_pins;     /* guint: host CPU of vCPU i */
	GArray *vcpu_cores;    /* gint: topology core_id of that host CPU (for `dkvm plan`) */
	GArray *vcpu_l3;       /* gint: L3 group id of that host CPU, -1 without cache info */
	GArray *emulator_cpus; /* guint, sorted */
	GArray *iothread_cpus; /* guint, sorted */
	GArray *host_reserve;  /* guint, sorted: what the host keeps (whole cores) */
	guint sockets, dies, cores, threads; /* guest topology; product == vcpus */
	gint numa_node;                      /* node to bind memory to (numatune), -1 = none */
	GPtrArray *numa_cells; /* DkvmNumaCell*, cell id = index: one per host node when the
	                        * vCPUs span several nodes, else empty */
	gchar *isolation_hint; /* "isolcpus=2-7,10-15 nohz_full=... rcu_nocbs=..." */
	GPtrArray *warnings;   /* gchar* */
	GPtrArray *rationale;  /* gchar* */
} DkvmCpuPlan;

void dkvm_cpu_plan_free(DkvmCpuPlan *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmCpuPlan, dkvm_cpu_plan_free)

/* Pins spec->vcpus onto whole host cores. @gpu_node is the NUMA node of the
 * first passed-through GPU (-1: none), preferred for the vCPUs and memory.
 * DKVM_ERROR_INSUFFICIENT when the host cannot give spec->vcpus (the message
 * names the maximum); DKVM_ERROR_INVALID for 0 vCPUs or a host reserve naming
 * a CPU the host does not have. */
DkvmCpuPlan *dkvm_plan_cpu(const DkvmHostFacts *host, const DkvmSpec *spec,
                           const DkvmHostSettings *settings, gint gpu_node, GError **error);

/* Sets each guest cell's memory: whole pages of @hugepages' cells when given
 * (NULL: hugepages off), else @memory_kib split in MiB. dkvm_plan_new() calls it. */
typedef struct _DkvmHugepagePlan DkvmHugepagePlan;
void dkvm_cpu_plan_set_cell_memory(DkvmCpuPlan *self, const DkvmHugepagePlan *hugepages,
                                   guint64 memory_kib);

/* The most vCPUs dkvm_plan_cpu() can give on @host: all online CPUs minus the
 * host reserve (default or @settings). 0 when the reserve is invalid. */
guint dkvm_plan_cpu_max_vcpus(const DkvmHostFacts *host, const DkvmHostSettings *settings);

/* The CPUs the host keeps under @settings: dkvm.conf's reserve widened to
 * whole cores, or the planner's default rule; what dkvm_plan_cpu() never
 * gives a guest (empty for reserve=none). The same checks as a plan's:
 * DKVM_ERROR_INVALID when the reserve names a CPU the host does not have,
 * DKVM_ERROR_INSUFFICIENT when it leaves no CPU for VMs. @warnings
 * (optional) gets the plan's warnings about the reserve (a part of a core
 * widened, no reserve at all). */
GArray *dkvm_plan_cpu_host_reserve(const DkvmHostFacts *host, const DkvmHostSettings *settings,
                                   GPtrArray *warnings, GError **error);

/* ---- Hugepages ---- */
typedef struct {
	gint node;            /* host node of the guest cell */
	guint64 pages;        /* pages the cell needs there */
	guint64 pool_free;    /* free pages of the node's pool */
	guint64 pages_to_add; /* beyond them */
} DkvmHugepageCell;

struct _DkvmHugepagePlan {
	guint64 page_size_kib;
	guint64 pages;        /* pages the VM needs */
	guint64 pages_to_add; /* beyond the pool's free pages today */
	guint64 pool_free;    /* free pages in that pool (on the node when bound) */
	guint64 memory_kib;   /* pages * page_size: the guest memory the domain declares */
	guint64 headroom_kib; /* what the host keeps */
	gint node;            /* node to take them from, -1 = any (or per cell) */
	GArray *cells;        /* DkvmHugepageCell per guest NUMA cell (same order as
	                       * the CPU plan's numa_cells); empty without cells */
	GPtrArray *warnings;
	GPtrArray *rationale;
};

void dkvm_hugepage_plan_free(DkvmHugepagePlan *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmHugepagePlan, dkvm_hugepage_plan_free)

/* DKVM_ERROR_INSUFFICIENT when memory + headroom exceed what the host has; the
 * message says how much is missing and what to do. DKVM_ERROR_INVALID for a
 * page size the host cannot give (settings->hugepage_size_kib). */
/* @cpu: the CPU plan (NULL without pinning): its node, or one part per guest
 * NUMA cell from each cell's node. */
DkvmHugepagePlan *dkvm_plan_hugepages(const DkvmHostFacts *host, const DkvmSpec *spec,
                                      const DkvmHostSettings *settings, const DkvmCpuPlan *cpu,
                                      GError **error);

/* The memory the host keeps for itself: @settings' headroom, else
 * max(1 GiB, 5 % of RAM). */
guint64 dkvm_plan_headroom_kib(const DkvmHostFacts *host, const DkvmHostSettings *settings);

/* About the most guest memory hugepages can back on @host (no NUMA binding):
 * the pools' free pages plus what the available memory can add beyond the
 * headroom. For a person choosing a size; dkvm_plan_hugepages decides. */
guint64 dkvm_plan_hugepages_max_kib(const DkvmHostFacts *host, const DkvmHostSettings *settings);

/* ---- PCI passthrough ---- */

/* Guest PCI buses of passed-through slots: the first slot sits on a
 * pcie-root-port whose bus (= controller index) is this, the next one on
 * bus + 1, ...; always at slot 0 of that bus. Above the buses libvirt gives a
 * desktop domain's own devices (1..~0x0c), so the two never collide. */
#define DKVM_PASSTHROUGH_FIRST_GUEST_BUS 0x10

typedef struct {
	gchar *host_slot;     /* "0000:01:00" */
	GPtrArray *functions; /* gchar*: full addresses, function 0 first */
	gchar *name;          /* device name of its first function, NULL if unknown */
	guint guest_bus;      /* guest address chosen for the slot: 0000:bus:slot.function */
	guint guest_slot;
	gboolean multifunction; /* more than one function: multifunction='on' on function 0 */
	gboolean is_gpu;
	gchar *rom_file; /* from the selection, NULL if none */
} DkvmPassthroughSlot;

void dkvm_passthrough_slot_free(DkvmPassthroughSlot *self);

typedef struct {
	GPtrArray *slots; /* DkvmPassthroughSlot*: GPU slots first, then by host address */
	GPtrArray *warnings;
	GPtrArray *rationale;
	gint gpu_numa_node; /* node of the first GPU, -1 when none */
	guint64 mmio64_mb;  /* the guest firmware's 64-bit MMIO window to set through
	                     * fw_cfg (opt/ovmf/X-PciMmio64Mb), 0: its default */
} DkvmPassthroughPlan;

void dkvm_passthrough_plan_free(DkvmPassthroughPlan *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmPassthroughPlan, dkvm_passthrough_plan_free)

/* DKVM_ERROR_REFUSED (no IOMMU, group not isolated, host-needed device) with the
 * list of what blocks it; DKVM_ERROR_NOT_FOUND for an address the host does not
 * have; DKVM_ERROR_INVALID for an address that does not parse. */
DkvmPassthroughPlan *dkvm_plan_passthrough(const DkvmHostFacts *host, const DkvmSpec *spec,
                                           GError **error);

/* The guest firmware's default 64-bit PCI MMIO window (OVMF: 32 GiB), in MiB. */
#define DKVM_OVMF_DEFAULT_MMIO64_MB 32768

/* The passed devices' troubles (plan-passthrough-quirks.c): reset trouble and
 * stuck cards as warnings, their large BARs and the MMIO window that fits them
 * (plan->mmio64_mb). dkvm_plan_passthrough() calls it once the slots are laid
 * out. */
void dkvm_plan_passthrough_quirks(const DkvmHostFacts *host, const DkvmSpec *spec,
                                  DkvmPassthroughPlan *plan);

/* The 64-bit MMIO window (MiB) that holds @bar_bytes of 64-bit BARs: twice
 * their sum rounded up to a power of two, never below the firmware's default
 * (then 0: nothing to set). */
guint64 dkvm_plan_mmio64_window_mb(guint64 bar_bytes);

/*
 * Which host PCI devices a person can choose, and why not, by the planner's
 * own rules (the menu's checklist shows this; dkvm_plan_passthrough refuses
 * the same devices with the same reasons).
 */
typedef enum {
	DKVM_PASSTHROUGH_CHOOSABLE = 0,
	DKVM_PASSTHROUGH_NO_IOMMU,     /* the IOMMU is off, or the device is in no group */
	DKVM_PASSTHROUGH_BRIDGE,       /* class 0x06: bridges stay with the host */
	DKVM_PASSTHROUGH_HOST_NEEDED,  /* it, or a function of its slot, is host-needed */
	DKVM_PASSTHROUGH_GROUP_SHARED, /* its IOMMU group holds devices outside its slot */
} DkvmPassthroughVerdict;

typedef struct {
	const DkvmPciDevice *device; /* borrowed from the host facts */
	DkvmPassthroughVerdict verdict;
	gchar *why_not;      /* one line, NULL when choosable */
	GPtrArray *pulls_in; /* gchar*: the other functions of its slot, chosen with it */
} DkvmPassthroughCandidate;

void dkvm_passthrough_candidate_free(DkvmPassthroughCandidate *self);

/* Every PCI device of @host as a DkvmPassthroughCandidate, ordered by IOMMU
 * group (devices in no group last), then by address. */
GPtrArray *dkvm_passthrough_candidates(const DkvmHostFacts *host);

/* Why a USB selection of @vendor_id:@product_id is refused on @host ("the
 * host needs it: DKVM boot medium (/dev/sdb1)", or a hub the boot stick hangs
 * off), NULL when it may go to a VM: the planner's USB rule. */
gchar *dkvm_passthrough_usb_why_not(const DkvmHostFacts *host, guint16 vendor_id,
                                    guint16 product_id);

/* ---- Hypervisor: domain type, CPU mode, Hyper-V, firmware, TPM ---- */

/* DKVM's Hyper-V enlightenments for Windows guests, NULL-terminated, in the
 * order they are written (domain-features.c). */
const gchar *const *dkvm_hyperv_enlightenments(void);

/* ---- All of them, in the order they depend on each other ---- */
typedef struct {
	DkvmPassthroughPlan *passthrough;
	DkvmCpuPlan *cpu;            /* NULL when spec->pinning is off */
	DkvmHugepagePlan *hugepages; /* NULL when spec->hugepages is off */
	gboolean kvm;                /* TRUE: type='kvm'; FALSE: type='qemu' (TCG) */
	const gchar *cpu_mode;       /* host-passthrough, maximum; NULL: no mode */
	GPtrArray *hyperv;           /* const gchar*: enlightenments to write (Windows) */
	gboolean hyperv_vendor_id;   /* the spec's vendor_id may be written */
	gboolean hypervclock;        /* <timer name='hypervclock'> (Windows under KVM) */
	const gchar *tpm_model;      /* tpm-crb or tpm-tis, for a new TPM */
	gboolean secure_boot;        /* Secure Boot in the domain: the spec's, off when
	                              * no firmware has Microsoft's keys enrolled */
	gboolean from_capabilities;  /* decided from libvirt's domain capabilities */
	GPtrArray *rationale;        /* the plan's own Why lines (type, mode, Hyper-V...) */
	GPtrArray *warnings;         /* all warnings of the parts, plus the plan's own */
} DkvmPlan;

void dkvm_plan_free(DkvmPlan *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmPlan, dkvm_plan_free)

/* Passthrough, then CPU pinning near the GPU, then hugepages on that node,
 * then what the hypervisor @hv offers (domain type, CPU mode, Hyper-V set,
 * firmware, TPM model; NULL = not known: KVM from host->kvm_available and
 * DKVM's defaults, as when planning from a saved host). @settings may be
 * NULL (defaults). Fails with the first part's error, prefixed with
 * nothing: each message already says what failed. DKVM_ERROR_REFUSED when
 * the hypervisor lacks what the spec or accelerator=kvm requires (KVM,
 * EFI or Secure Boot firmware, a TPM). */
DkvmPlan *dkvm_plan_new(const DkvmHostFacts *host, const DkvmHypervisor *hv, const DkvmSpec *spec,
                        const DkvmHostSettings *settings, GError **error);

/* For `dkvm plan` and `--print-xml`'s stderr. */
gchar *dkvm_plan_to_text(const DkvmPlan *self);
/* The CPU part of that text alone, with its own Why lines and warnings
 * (NULL: pinning off): the menu's vCPU step previews it. */
gchar *dkvm_cpu_plan_to_text(const DkvmCpuPlan *cpu);
/* `dkvm plan --json`: pretty-printed, fields in a fixed order (README.md). */
gchar *dkvm_plan_to_json(const DkvmPlan *self);

G_END_DECLS
