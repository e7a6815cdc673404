/*
 * The boot stick's two boot loader files, syslinux.cfg (BIOS) and
 * grub.cfg (UEFI), read and written together: the kernel options in them
 * (domains/boot-cmdline.h) must never differ by a half-done write. The
 * boot partition is mounted read-only on a DKVM host (etc/fstab): it is
 * remounted read-write for the write only.
 */
#pragma once

#include <glib.h>

#include "boot-cmdline.h"

G_BEGIN_DECLS

#define DKVM_BOOT_DIR_DEFAULT "/media/usb"

typedef struct {
	gchar *boot_dir;
	gchar *path[2];    /* by DkvmBootLoader */
	gchar *text[2];    /* the file as read */
	gchar *options[2]; /* its first kernel entry's options */
} DkvmBootConfig;

void dkvm_boot_config_free(DkvmBootConfig *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmBootConfig, dkvm_boot_config_free)

/* Both files under @boot_dir. DKVM_ERROR_NOT_FOUND when one is missing,
 * DKVM_ERROR_INVALID (naming the file) when one has no kernel entry. */
DkvmBootConfig *dkvm_boot_config_read(const gchar *boot_dir, GError **error);

/*
 * Applies @change to both files and writes them (file-replace.h's
 * dkvm_file_replace_all: PATH.bak keeps the previous one, all or none),
 * remounting @self->boot_dir read-write around the write when it is a
 * read-only mount point. *@out_changed FALSE when the files already say
 * it: nothing is written, no backup made. @notes gets what went wrong
 * after a good write (the remount back to read-only).
 */
gboolean dkvm_boot_config_change(DkvmBootConfig *self, const DkvmBootChange *change,
                                 gboolean *out_changed, GPtrArray *notes, GError **error);

/* Writes both files of a new image under @boot_dir (directories made),
 * with dkvm_boot_options_initial(@change); as above otherwise (an existing
 * file is kept as .bak; the same text again writes nothing). */
gboolean dkvm_boot_config_init(const gchar *boot_dir, const DkvmBootChange *change,
                               gboolean *out_changed, GPtrArray *notes, GError **error);

G_END_DECLS
