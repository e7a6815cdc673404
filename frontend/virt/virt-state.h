/*
 * Where libvirt keeps a VM's state files on this host: its NVRAM (UEFI
 * variables) and its swtpm TPM state. libvirt 9.0's inactive XML names
 * neither while the firmware is autoselected (test/system/FINDINGS.md), so
 * the paths are its defaults for qemu:///system: a file already there when
 * the VM first starts is used as it is.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/*
 * The NVRAM file of VM @name and the swtpm state folder of the VM with
 * @uuid (TPM 2.0) on @conn; FALSE, with both NULL, when the connection is not
 * qemu:///system on this host (libvirt's test driver keeps no files, a
 * remote host has its own).
 */
gboolean dkvm_virt_state_paths(virConnectPtr conn, const gchar *name, const gchar *uuid,
                               gchar **out_nvram, gchar **out_tpm_dir);

G_END_DECLS
