/*
 * DkvmHypervisor: what libvirt says the hypervisor of a connection can do
 * for a q35 x86_64 guest (virConnectGetDomainCapabilities), as a value the
 * planner reads. Parsed from the domain capabilities XML with libxml2; no
 * I/O here (the frontend asks libvirt, frontend/virt/virt-capabilities).
 *
 * Every list distinguishes "not reported" (NULL: libvirt said nothing, as
 * the test driver does; the planner keeps its defaults) from "reported"
 * (a possibly empty list: only what it holds is supported).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	DKVM_CAPABILITY_UNKNOWN = 0, /* not reported */
	DKVM_CAPABILITY_NO,
	DKVM_CAPABILITY_YES,
} DkvmCapability;

typedef struct {
	gchar *domain_type;            /* <domain>: "kvm" or "qemu"; NULL = not reported */
	gchar *machine;                /* <machine>, e.g. "pc-q35-7.2"; NULL = not reported */
	guint max_vcpus;               /* <vcpu max>: what the machine type holds; 0 = not
	                                * reported */
	GPtrArray *cpu_modes;          /* gchar*: modes with supported='yes' */
	GPtrArray *hyperv;             /* gchar*: <hyperv> features enum; empty when
	                                * hyperv supported='no' */
	DkvmCapability efi;            /* <os><enum name='firmware'> lists efi (or an EFI loader) */
	DkvmCapability secure_boot;    /* <loader><enum name='secure'> lists yes */
	GPtrArray *tpm_models;         /* gchar*: <tpm><enum name='model'>; empty when
	                                * tpm supported='no' */
	GPtrArray *tpm_backend_models; /* gchar*: emulator, passthrough, ... */
	GPtrArray *tpm_backend_versions; /* gchar*: "1.2", "2.0" */
	GPtrArray *loaders;              /* gchar*: <loader> values (firmware files) */
	/* A Secure Boot firmware with Microsoft's keys enrolled: from QEMU's
	 * firmware descriptors (dkvm_hypervisor_add_firmware), UNKNOWN when none
	 * was read. */
	DkvmCapability secure_boot_keys;
	gchar *secure_boot_keys_firmware; /* its executable, when YES */
	guint firmware_descriptors;       /* descriptors read */
} DkvmHypervisor;

DkvmHypervisor *dkvm_hypervisor_new(void);
void dkvm_hypervisor_free(DkvmHypervisor *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmHypervisor, dkvm_hypervisor_free)

/* Parses <domainCapabilities>. DKVM_ERROR_INVALID when @xml is not that. */
DkvmHypervisor *dkvm_hypervisor_from_xml(const gchar *xml, GError **error);

/* YES/NO when @list was reported, UNKNOWN when it is NULL. */
DkvmCapability dkvm_hypervisor_lists(const GPtrArray *list, const gchar *value);

/* TRUE when libvirt offers type='kvm' (domain type reported as kvm). */
gboolean dkvm_hypervisor_offers_kvm(const DkvmHypervisor *self);

/*
 * One QEMU firmware descriptor (docs/interop/firmware.json: the JSON files of
 * /usr/share/qemu/firmware and /etc/qemu/firmware, which libvirt's firmware
 * autoselection reads). A UEFI x86_64 q35 firmware with the features
 * secure-boot and enrolled-keys, whose executable libvirt lists among its
 * loaders (when it lists any), makes secure_boot_keys YES; any other
 * descriptor read makes it NO unless one did. DKVM_ERROR_INVALID when
 * @json is not a descriptor (the caller notes it and goes on).
 */
gboolean dkvm_hypervisor_add_firmware(DkvmHypervisor *self, const gchar *json, GError **error);

G_END_DECLS
