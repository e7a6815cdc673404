/*
 * virConnectGetDomainCapabilities for the machine DKVM's domains use (q35,
 * x86_64), parsed by domains/hypervisor.c. KVM is asked first: libvirt
 * refuses virttype kvm where QEMU cannot use /dev/kvm, and the qemu (TCG)
 * capabilities are then the hypervisor's real ones.
 * On a local QEMU, the firmware descriptors say whether a Secure Boot
 * firmware has Microsoft's keys enrolled (virt-firmware.c).
 */
#include "virt-capabilities.h"

#include "dkvm-error.h"
#include "virt-connection.h"
#include "virt-firmware.h"

static gchar *
domain_capabilities(virConnectPtr conn, const gchar *virttype)
{
	return virConnectGetDomainCapabilities(conn, NULL, "x86_64", "q35", virttype, 0);
}

/* qemu:///system or qemu:///session: libvirtd runs here and reads the same
 * descriptors. */
static gboolean
is_local_qemu(virConnectPtr conn)
{
	g_autofree gchar *uri = virConnectGetURI(conn);
	return uri != NULL && g_str_has_prefix(uri, "qemu:///");
}

gboolean
dkvm_virt_get_hypervisor(virConnectPtr conn, DkvmAccelerator accelerator, DkvmHypervisor **out,
                         GError **error)
{
	g_autofree gchar *xml = NULL;

	*out = NULL;
	if (accelerator != DKVM_ACCELERATOR_TCG) {
		xml = domain_capabilities(conn, "kvm");
		if (xml == NULL && virGetLastErrorCode() == VIR_ERR_NO_SUPPORT)
			return TRUE;
	}
	if (xml == NULL)
		xml = domain_capabilities(conn, "qemu");
	if (xml == NULL) {
		if (virGetLastErrorCode() == VIR_ERR_NO_SUPPORT)
			return TRUE;
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT,
		                    "cannot read the hypervisor's domain capabilities");
		return FALSE;
	}
	*out = dkvm_hypervisor_from_xml(xml, error);
	if (*out == NULL)
		return FALSE;
	/* the firmware descriptors are this machine's: only for a local QEMU */
	if (is_local_qemu(conn))
		dkvm_virt_read_firmware_descriptors(*out);
	return TRUE;
}
