# Stage verify: checks the image without a VM (sourced; needs common.sh,
# apkrepo.sh, assemble.sh). Every failed check is one line; the stage fails
# if any did.

# shellcheck shell=sh disable=SC2154  # globals set by dkvm-build
verify_fail() {
    printf 'dkvm-build: verify: %s\n' "$*" >&2
    verify_failures=$((verify_failures + 1))
}

# The kernel options of syslinux.cfg's APPEND and grub.cfg's linux line (the
# first entry of each), sorted one a line, for comparing.
syslinux_options() {
    awk 'tolower($1) == "append" { $1 = ""; print; exit }' "$1" | tr -s ' ' '\n' | grep -v '^$' | LC_ALL=C sort
}
grub_options() {
    awk '$1 == "linux" { $1 = ""; $2 = ""; print; exit }' "$1" | tr -s ' ' '\n' | grep -v '^$' | LC_ALL=C sort
}

stage_verify() {
    need_tools sfdisk fsck.fat mdir mcopy mtype openssl
    export MTOOLS_SKIP_CHECK=1
    [ -f "$IMAGE" ] || die 3 "$IMAGE" "no image" "run dkvm-build assemble"
    verify_failures=0
    tmp=$(mktemp -d)

    # The partition table: one active FAT32 (LBA) partition at 1 MiB, the
    # optional Linux data partition after it, syslinux's MBR code.
    sfdisk --dump "$IMAGE" >"$tmp/table" 2>/dev/null || verify_fail "no readable partition table"
    grep -q '^label: dos' "$tmp/table" || verify_fail "not an MBR (dos) partition table"
    p1=$(grep -m1 'start= *2048,' "$tmp/table" || true)
    case $p1 in
    *type=c*bootable*) ;;
    *) verify_fail "partition 1 is not an active FAT32 LBA partition at sector 2048: $p1" ;;
    esac
    boot_sectors=$(echo "$p1" | sed -n 's/.*size= *\([0-9]*\),.*/\1/p')
    nparts=$(grep -c 'start=' "$tmp/table" || true)
    head -c 440 "$IMAGE" | cmp -s - "$SYSLINUX_MBR" || verify_fail "the MBR code is not syslinux's mbr.bin"

    dd if="$IMAGE" of="$tmp/boot.img" bs=512 skip=2048 count="${boot_sectors:-0}" conv=sparse status=none
    if ! fsck.fat -n "$tmp/boot.img" >"$tmp/fsck" 2>&1; then
        verify_fail "fsck.fat finds errors in the boot partition: $(tr '\n' ' ' <"$tmp/fsck")"
    fi
    grep -qi 'differences between boot sector and its backup' "$tmp/fsck" &&
        verify_fail "the FAT32 backup boot sector differs from the boot sector"
    label=$(fatlabel "$tmp/boot.img" 2>/dev/null | tr -d ' ')
    [ "$label" = "$BOOT_LABEL" ] || verify_fail "boot partition label is '$label', not $BOOT_LABEL"

    mdir -i "$tmp/boot.img" -a -/ -b :: 2>/dev/null | sed 's|^::/||' >"$tmp/files"
    apkovl=$(grep -E '^[^/]+\.apkovl\.tar\.gz$' "$tmp/files" || true)
    for f in boot/vmlinuz-lts boot/initramfs-lts boot/modloop-lts boot/syslinux/ldlinux.sys \
        boot/syslinux/ldlinux.c32 boot/syslinux/syslinux.cfg boot/grub/grub.cfg \
        efi/boot/bootx64.efi dkvm/.boot_repository dkvm/x86_64/APKINDEX.tar.gz; do
        grep -qx "$f" "$tmp/files" || verify_fail "required file $f missing"
    done
    [ "$(echo "$apkovl" | grep -c .)" -eq 1 ] ||
        verify_fail "not exactly one *.apkovl.tar.gz in the partition root: $apkovl"

    # Both loaders boot the same kernel with the same options.
    mtype -i "$tmp/boot.img" ::/boot/syslinux/syslinux.cfg >"$tmp/syslinux.cfg" 2>/dev/null
    mtype -i "$tmp/boot.img" ::/boot/grub/grub.cfg >"$tmp/grub.cfg" 2>/dev/null
    syslinux_options "$tmp/syslinux.cfg" >"$tmp/sys.opts"
    grub_options "$tmp/grub.cfg" >"$tmp/grub.opts"
    cmp -s "$tmp/sys.opts" "$tmp/grub.opts" ||
        verify_fail "syslinux.cfg and grub.cfg differ in kernel options: $(tr '\n' ' ' <"$tmp/sys.opts")| $(tr '\n' ' ' <"$tmp/grub.opts")"
    grep -qx 'modloop=/boot/modloop-lts' "$tmp/sys.opts" || verify_fail "the kernel options lack modloop=/boot/modloop-lts"
    grep -q '^modules=' "$tmp/sys.opts" || verify_fail "the kernel options lack modules="
    grep -Eqi '^[[:space:]]*kernel[[:space:]]+/boot/vmlinuz-lts' "$tmp/syslinux.cfg" || verify_fail "syslinux.cfg does not boot /boot/vmlinuz-lts"
    grep -Eq '^[[:space:]]*linux[[:space:]]+/boot/vmlinuz-lts' "$tmp/grub.cfg" || verify_fail "grub.cfg does not boot /boot/vmlinuz-lts"

    # The apkovl: root-owned, with the runlevels, inittab, world and key.
    if [ -n "$apkovl" ]; then
        mcopy -n -i "$tmp/boot.img" "::$apkovl" "$tmp/apkovl.tar.gz" 2>/dev/null
        tar -tvzf "$tmp/apkovl.tar.gz" --numeric-owner >"$tmp/apkovl.list" 2>/dev/null ||
            verify_fail "the apkovl does not unpack"
        awk '$2 != "0/0" { print $NF }' "$tmp/apkovl.list" | head -n3 | while read -r f; do
            echo "apkovl member not owned by root: $f"
        done >"$tmp/owners"
        [ -s "$tmp/owners" ] && verify_fail "$(tr '\n' ' ' <"$tmp/owners")"
        mkdir "$tmp/ovl"
        tar -xzf "$tmp/apkovl.tar.gz" -C "$tmp/ovl" --no-same-owner 2>/dev/null
        for f in etc/inittab etc/apk/world etc/hostname; do
            [ -s "$tmp/ovl/$f" ] || verify_fail "the apkovl has no $f"
        done
        [ -d "$tmp/ovl/etc/runlevels/default" ] || verify_fail "the apkovl has no default runlevel"
        grep -qx dkvm "$tmp/ovl/etc/apk/world" 2>/dev/null || verify_fail "etc/apk/world lacks dkvm"

        # The signature chain as the booted stick sees it: the boot
        # repository's index and packages against the apkovl's keys.
        mcopy -n -s -i "$tmp/boot.img" ::/dkvm "$tmp/" 2>/dev/null
        if signer=$(apk_verify_signature "$tmp/dkvm/x86_64/APKINDEX.tar.gz" "$tmp/ovl/etc/apk/keys" index 2>"$tmp/why"); then
            say "verify: APKINDEX signed by $signer, trusted by the apkovl"
        else
            verify_fail "boot repository index: $(cat "$tmp/why")"
        fi
        gzip -dc "$tmp/dkvm/x86_64/APKINDEX.tar.gz" 2>/dev/null | tar -xO APKINDEX >"$tmp/APKINDEX" 2>/dev/null
        for apk in "$tmp"/dkvm/x86_64/*.apk; do
            [ -f "$apk" ] || continue
            apk_verify_signature "$apk" "$tmp/ovl/etc/apk/keys" package >/dev/null 2>"$tmp/why" ||
                verify_fail "${apk##*/}: $(cat "$tmp/why")"
            apk_control_stream "$apk" "$tmp/control"
            sum=Q1$(openssl dgst -sha1 -binary "$tmp/control" | base64)
            grep -qx "C:$sum" "$tmp/APKINDEX" || verify_fail "${apk##*/} is not the package the index lists"
        done
        grep -qx 'P:dkvm' "$tmp/APKINDEX" || verify_fail "the boot repository has no dkvm package"

        # Every world package is in the apk cache (when the stick has one).
        if grep -q '^cache/' "$tmp/files"; then
            grep -vx dkvm "$tmp/ovl/etc/apk/world" | while read -r p; do
                grep -Eq "^cache/$p-[0-9][^/]*\.apk$" "$tmp/files" ||
                    echo "world package $p is not in the apk cache"
            done >"$tmp/uncached"
            [ -s "$tmp/uncached" ] && verify_fail "$(tr '\n' ' ' <"$tmp/uncached")"
            grep -Eq '^cache/APKINDEX\.[^/]*\.tar\.gz$' "$tmp/files" ||
                verify_fail "the apk cache holds no Alpine index"
        else
            say "verify: the stick has no apk cache (built with --no-apk-cache)"
        fi
    fi

    if [ "$nparts" -ge 2 ]; then
        grep 'type=83' "$tmp/table" >/dev/null || verify_fail "partition 2 is not a Linux partition"
        need_tools e2fsck dumpe2fs
        p2=$(grep 'type=83' "$tmp/table" | head -n1)
        s=$(echo "$p2" | sed -n 's/.*start= *\([0-9]*\),.*/\1/p')
        n=$(echo "$p2" | sed -n 's/.*size= *\([0-9]*\),.*/\1/p')
        dd if="$IMAGE" of="$tmp/data.img" bs=512 skip="$s" count="$n" conv=sparse status=none
        e2fsck -fn "$tmp/data.img" >"$tmp/e2fsck" 2>&1 || verify_fail "e2fsck finds errors in the data partition"
        dumpe2fs -h "$tmp/data.img" 2>/dev/null | grep -q "volume name: *$DATA_LABEL\$" ||
            verify_fail "the data partition is not labelled $DATA_LABEL"
    fi
    rm -rf "$tmp"
    [ "$verify_failures" -eq 0 ] || die 1 "verify $IMAGE" "$verify_failures check(s) failed"
    say "verify: $IMAGE is good"
}
