/*
 * DkvmSpec: what a person asks for ("a Windows 11 VM with 8 vCPUs, 16 GiB and
 * this GPU"), independent of any host. The planners turn it plus DkvmHostFacts
 * into plans; domain-xml applies spec and plans onto a libvirt domain document
 * and reads a spec back from one (so the domain XML stays the single source of
 * truth: DKVM's own settings go into its <metadata>).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	DKVM_PRESET_WINDOWS11 = 0,
	DKVM_PRESET_WINDOWS10,
	DKVM_PRESET_LINUX,
} DkvmPreset;

const gchar *dkvm_preset_to_string(DkvmPreset preset);
gboolean dkvm_preset_from_string(const gchar *str, DkvmPreset *out, GError **error);
/* TRUE for presets whose guest is Windows (Hyper-V enlightenments, local time). */
gboolean dkvm_preset_is_windows(DkvmPreset preset);

typedef enum {
	DKVM_NET_NAT = 0, /* libvirt network, "default" unless named */
	DKVM_NET_BRIDGE,  /* host bridge, e.g. br0 */
	DKVM_NET_NONE,
} DkvmNetKind;

typedef struct {
	DkvmNetKind kind;
	gchar *source; /* network or bridge name; NULL = "default" / none */
	gchar *mac;    /* NULL: libvirt chooses */
	gchar *model;  /* NULL: virtio */
} DkvmNic;

typedef struct {
	gchar *path;   /* image file or block device (/dev/disk/by-id/...) */
	gchar *target; /* "vda"..., NULL: next free */
	gboolean is_block;
} DkvmDisk;

typedef struct {
	gchar *address;  /* host "0000:01:00.0" */
	gchar *rom_file; /* NULL: none */
} DkvmPciSelection;

typedef struct {
	guint16 vendor_id;
	guint16 product_id;
	gboolean optional; /* startupPolicy='optional': VM starts without it */
} DkvmUsbSelection;

typedef struct {
	gchar *name;
	gchar *uuid;  /* NULL: generated when the domain is created */
	gchar *title; /* libvirt's <title>: a free-form name (NULL: none) */
	DkvmPreset preset;
	guint vcpus;
	guint64 memory_kib;

	/* tuning switches; defaults serve near-native speed */
	gboolean pinning; /* vcpupin/emulatorpin/iothreadpin from the CPU plan */
	gboolean hugepages;
	gboolean tpm;            /* swtpm 2.0 emulator */
	gboolean secure_boot;    /* OVMF with Secure Boot (windows11 default) */
	gboolean uefi;           /* OVMF; FALSE = SeaBIOS */
	gboolean realtime;       /* <vcpusched fifo>: off by default, can starve the host */
	gboolean lock_memory;    /* <locked/> with pinned hugepages: off by default; needs
	                          * libvirtd to lift the memlock limit (CAP_SYS_RESOURCE) */
	gboolean kvm_hidden;     /* <kvm><hidden state='on'/> */
	gchar *hyperv_vendor_id; /* NULL: not set */
	guint iothreads;         /* 0: one per disk up to 1 */
	gboolean early_bind;     /* its PCI devices go to vfio-pci at boot (DKVM host); off */

	GPtrArray *disks;  /* DkvmDisk* */
	GPtrArray *cdroms; /* gchar*: ISO paths */
	GPtrArray *nics;   /* DkvmNic* */
	GPtrArray *pci;    /* DkvmPciSelection*: what the user chose; the plan adds slot siblings */
	GPtrArray *usb;    /* DkvmUsbSelection* */
	GPtrArray *evdev;  /* gchar*: /dev/input/by-id/... */

	/* A VNC display on this address (NULL: DKVM's rule, 127.0.0.1 without a
	 * GPU and none with one). When set, the VM keeps an emulated VGA card and
	 * VNC beside a passed-through GPU, as the original DKVM's VNCLISTEN did. */
	gchar *vnc_listen;
	gint vnc_display; /* -1: libvirt picks the port; else port 5900 + display */

	/* Looking Glass at this resolution (0 x 0: off): an IVSHMEM device
	 * sized from it (looking-glass.h), and VNC on 127.0.0.1 kept for setup */
	guint looking_glass_width;
	guint looking_glass_height;
} DkvmSpec;

/* A spec with the preset's defaults (vcpus, memory, switches). */
DkvmSpec *dkvm_spec_new(const gchar *name, DkvmPreset preset);
void dkvm_spec_free(DkvmSpec *self);
DkvmSpec *dkvm_spec_copy(const DkvmSpec *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmSpec, dkvm_spec_free)

DkvmDisk *dkvm_disk_new(const gchar *path);
void dkvm_disk_free(DkvmDisk *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmDisk, dkvm_disk_free)
DkvmNic *dkvm_nic_new(DkvmNetKind kind, const gchar *source);
void dkvm_nic_free(DkvmNic *self);
DkvmPciSelection *dkvm_pci_selection_new(const gchar *address);
void dkvm_pci_selection_free(DkvmPciSelection *self);

/* Checks a spec on its own (name syntax, sizes, Secure Boot needs UEFI, the
 * Hyper-V vendor id, duplicates, disk, CD-ROM, ROM and evdev paths). */
gboolean dkvm_spec_validate(const DkvmSpec *self, GError **error);

/* @path with "//", "." and ".." resolved by its words alone (no file system:
 * /dev/disk/by-id/../../sda is /dev/sda); a relative path as given. */
gchar *dkvm_disk_path_canonical(const gchar *path);

/* Checks a disk path alone (absolute; no kernel name like /dev/sda, also
 * when written /dev//sda or /dev/disk/by-id/../../sda):
 * DKVM_ERROR_INVALID. dkvm_spec_validate applies it to every disk. */
gboolean dkvm_disk_validate(const DkvmDisk *disk, GError **error);

/* The Hyper-V vendor id rule alone (NULL: not set, fine; else 1 to 12
 * printable ASCII characters without a comma, which holds libvirt's schema
 * [^,]{0,12}, its 12-byte limit and QEMU's): DKVM_ERROR_INVALID. */
gboolean dkvm_spec_validate_hyperv_vendor_id(const gchar *vendor_id, GError **error);

/* The selection of host PCI device @address (any case), NULL when the VM is
 * not given it. */
DkvmPciSelection *dkvm_spec_get_pci(const DkvmSpec *self, const gchar *address);

/* Gives the selected PCI device @address the ROM file @rom_file (an absolute
 * path). DKVM_ERROR_INVALID, @self unchanged, when the device is not selected
 * or the path is relative. */
gboolean dkvm_spec_set_rom(DkvmSpec *self, const gchar *address, const gchar *rom_file,
                           GError **error);

/* Checks a VM name alone (the rule dkvm_spec_validate applies): DKVM_ERROR_INVALID. */
gboolean dkvm_spec_validate_name(const gchar *name, GError **error);

/* libvirt's bound for memory sizes (virMemoryMaxValue: LLONG_MAX bytes), in
 * KiB: every size DKVM reads stays at or below it, so sums and scalings of
 * two such sizes cannot wrap a guint64. */
#define DKVM_MEMORY_MAX_KIB ((guint64)G_MAXINT64 / 1024)

/* The most vCPUs DKVM plans when the hypervisor does not say: what QEMU 7.2's
 * q35 machine type holds (its max_cpus; libvirt's domain capabilities report
 * it as <vcpu max='288'/>). */
#define DKVM_Q35_MAX_VCPUS 288

/* Parsers shared by the CLI and the menu. */
/* "16G", "512M", "1048576K", "2T"; binary units; bare number = MiB; at most
 * DKVM_MEMORY_MAX_KIB (DKVM_ERROR_INVALID above it, never a wrap). */
gboolean dkvm_parse_size_kib(const gchar *str, guint64 *out_kib, GError **error);
/*
 * libvirt's scaled integers as its domain XML reads them (virScaleInteger):
 * @value in @unit (NULL or "": KiB) into KiB, rounded up to whole KiB. Units in
 * any case: b, byte, bytes; k, M, G, T, P, E and KiB, MiB... (powers of 1024);
 * KB, MB... (powers of 1000). DKVM_ERROR_INVALID for an unknown unit, a value
 * that is not a number, or more than libvirt takes (8 EiB): never a wrap.
 */
gboolean dkvm_scale_to_kib(guint64 value, const gchar *unit, guint64 *out_kib, GError **error);
gboolean dkvm_parse_scaled_kib(const gchar *value, const gchar *unit, guint64 *out_kib,
                               GError **error);
/* The kernel's list syntax "0-3,8-11" into a sorted GArray of guint. */
GArray *dkvm_parse_cpu_list(const gchar *str, GError **error);
/* A sorted guint array back into the shortest list syntax. */
gchar *dkvm_format_cpu_list(const GArray *cpus);
/* "0000:01:00.0" or "01:00.0" (domain 0000 implied) into canonical form. */
gchar *dkvm_parse_pci_address(const gchar *str, GError **error);
/* The same syntax into its parts (FALSE when it is not a PCI address). */
gboolean dkvm_pci_address_split(const gchar *str, guint *domain, guint *bus, guint *slot,
                                guint *func);
/* The canonical form "0000:01:00.0" of an address's parts. */
gchar *dkvm_pci_address_format(guint domain, guint bus, guint slot, guint func);
/* "046d:c52b" */
gboolean dkvm_parse_usb_id(const gchar *str, guint16 *vendor, guint16 *product, GError **error);

G_END_DECLS
