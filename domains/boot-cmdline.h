/*
 * The kernel options of the boot stick: the line the boot loaders hand the
 * kernel, in syslinux.cfg (BIOS: `APPEND options`) and grub.cfg (UEFI:
 * `linux /boot/vmlinuz-lts options`), the layout of Alpine's boot media.
 * DKVM manages a few options (DkvmBootOpt); every other option is kept as
 * written, in its place. Pure text in, text out: the files are read and
 * written by frontend/system/boot-config.c.
 *
 * An edit is a DkvmBootChange: for each managed option, keep it as it is,
 * set it, or remove it. Applying a change to options that already say it
 * gives the same text back, so applying it twice changes nothing.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	DKVM_BOOT_LOADER_SYSLINUX,
	DKVM_BOOT_LOADER_GRUB,
} DkvmBootLoader;

/* The managed options, by the names `--set`/`--unset` take. */
typedef enum {
	DKVM_BOOT_OPT_IOMMU,        /* iommu: intel_iommu=on / amd_iommu=on by CPU vendor */
	DKVM_BOOT_OPT_IOMMU_PT,     /* iommu-pt: iommu=pt */
	DKVM_BOOT_OPT_HUGEPAGES,    /* hugepages: hugepagesz=S hugepages=N per size */
	DKVM_BOOT_OPT_ISOLATE,      /* isolate: isolcpus, nohz_full, rcu_nocbs */
	DKVM_BOOT_OPT_EFIFB_OFF,    /* efifb-off: video=efifb:off */
	DKVM_BOOT_OPT_ACS_OVERRIDE, /* acs-override: pcie_acs_override=... */
	DKVM_BOOT_OPT_COUNT,
} DkvmBootOpt;

typedef enum {
	DKVM_BOOT_KEEP,
	DKVM_BOOT_SET,
	DKVM_BOOT_REMOVE,
} DkvmBootAction;

typedef struct {
	DkvmBootAction action[DKVM_BOOT_OPT_COUNT];
	/* for SET: the option's value, normalised (isolate: a CPU list;
	 * hugepages: the kernel options; acs-override: the override) */
	gchar *value[DKVM_BOOT_OPT_COUNT];
	/* "GenuineIntel", "AuthenticAMD": which IOMMU option `iommu` sets;
	 * NULL (an image for any machine): both, each kernel ignores the other
	 * vendor's */
	gchar *cpu_vendor;
} DkvmBootChange;

DkvmBootChange *dkvm_boot_change_new(const gchar *cpu_vendor);
void dkvm_boot_change_free(DkvmBootChange *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmBootChange, dkvm_boot_change_free)

/* "iommu", "iommu-pt", ... */
const gchar *dkvm_boot_opt_name(DkvmBootOpt opt);

/* The managed names, ", "-joined, for messages and help. */
const gchar *dkvm_boot_opt_names(void);

/*
 * One `--set NAME[=VALUE]` (@set) or `--unset NAME` into @self. The
 * kernel's own spellings are taken too: intel_iommu=on, amd_iommu=on,
 * iommu=pt, video=efifb:off, pcie_acs_override=V, isolcpus=LIST.
 * Values: isolate=CPU-LIST (required); hugepages=SIZE:COUNT[,SIZE:COUNT]
 * with SIZE 2M or 1G (required); acs-override[=downstream,multifunction,
 * id:vvvv:dddd] (default downstream,multifunction); the others take none.
 * DKVM_ERROR_INVALID naming the option and why.
 */
gboolean dkvm_boot_change_parse(DkvmBootChange *self, const gchar *arg, gboolean set,
                                GError **error);

/* Sets @opt to @value (already valid: the hugepage options of
 * dkvm_hugepage_boot_options(), a CPU list from a pinning plan). */
void dkvm_boot_change_set(DkvmBootChange *self, DkvmBootOpt opt, const gchar *value);

/* TRUE when @self keeps every option. */
gboolean dkvm_boot_change_is_empty(const DkvmBootChange *self);

/* @options with @change applied: the options a managed option owns are
 * replaced by what it says (appended at the end, before a "--" that hands
 * the rest to init) unless they say it already; the others stay. */
gchar *dkvm_boot_options_apply(const gchar *options, const DkvmBootChange *change);

/* The options @opt owns in @options, as written and blank-joined ("" when
 * none); for IOMMU both vendors' options. */
gchar *dkvm_boot_options_owned(const gchar *options, DkvmBootOpt opt);

/* The kernel options of the first kernel entry of @text, a @loader file.
 * DKVM_ERROR_INVALID when it has none. */
gchar *dkvm_boot_config_get_options(DkvmBootLoader loader, const gchar *text, GError **error);

/* @text with @change applied to the options of every kernel entry; each
 * other line byte for byte. DKVM_ERROR_INVALID when it has no kernel entry. */
gchar *dkvm_boot_config_apply(DkvmBootLoader loader, const gchar *text,
                              const DkvmBootChange *change, GError **error);

/* The options of a new image: what Alpine's initramfs needs to boot from
 * the stick with the lts kernel, DKVM's defaults (IOMMU on for both
 * vendors, iommu=pt), then @change (may be NULL). */
gchar *dkvm_boot_options_initial(const DkvmBootChange *change);

/* A whole @loader file booting Alpine's lts kernel with @options. */
gchar *dkvm_boot_config_generate(DkvmBootLoader loader, const gchar *options);

/* Where the file is below the boot partition: "boot/syslinux/syslinux.cfg". */
const gchar *dkvm_boot_loader_path(DkvmBootLoader loader);

G_END_DECLS
