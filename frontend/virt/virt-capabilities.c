/*
 * virConnectGetDomainCapabilities for the machine DKVM's domains use (q35,
 * x86_64), parsed by domains/hypervisor.c. KVM is asked first: libvirt
 * refuses virttype kvm where QEMU cannot use /dev/kvm, and the qemu (TCG)
 * capabilities are then the hypervisor's real ones.
 */
#include "virt-capabilities.h"

#include "dkvm-error.h"
#include "virt-connection.h"

static gchar *
domain_capabilities(virConnectPtr conn, const gchar *virttype)
{
	return virConnectGetDomainCapabilities(conn, NULL, "x86_64", "q35", virttype, 0);
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
	return *out != NULL;
}
