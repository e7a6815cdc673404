# --write DEVICE: the image onto a USB stick, after checking that DEVICE is
# a whole, removable (or USB), unmounted disk that is not the running
# system's, and asking (sourced; needs common.sh).
#
# Where the checks look can be moved for tests: DKVM_SYSFS_ROOT (/sys) holds
# class/block/<name>/{removable,size,partition,device/model}, and
# DKVM_MOUNTS_FILE (/proc/self/mounts) the mounted file systems. With
# DKVM_SYSFS_ROOT set, DEVICE may be a regular file standing in for the
# disk (its file name is the disk's name).

# The disk a partition name belongs to: sdb1 -> sdb, nvme0n1p2 -> nvme0n1,
# mmcblk0p1 -> mmcblk0.
# shellcheck shell=sh disable=SC2154  # globals set by dkvm-build
disk_of() {
    case $1 in
    nvme* | mmcblk* | loop*) echo "$1" | sed 's/p[0-9]*$//' ;;
    *) echo "$1" | sed 's/[0-9]*$//' ;;
    esac
}

# check_target IMAGE DEVICE WHAT: every check before writing, then the
# question, saying WHAT will be lost.
check_target() {
    img=$1 dev=$2 loss=$3
    sys=${DKVM_SYSFS_ROOT:-/sys}
    mounts=${DKVM_MOUNTS_FILE:-/proc/self/mounts}
    [ -f "$img" ] || die 3 "$img" "no image to write" "run dkvm-build all first"
    if [ -b "$dev" ]; then
        :
    elif [ -n "${DKVM_SYSFS_ROOT:-}" ] && [ -f "$dev" ]; then
        say "write: $dev is a regular file standing in for a disk (DKVM_SYSFS_ROOT is set)"
    else
        die 3 "--write $dev" "not a block device"
    fi
    name=${dev##*/}
    node=$sys/class/block/$name
    [ -d "$node" ] || die 3 "--write $dev" "the kernel lists no disk $name"
    [ ! -e "$node/partition" ] ||
        die 4 "--write $dev" "a partition, not a whole disk" "give the disk, e.g. /dev/$(disk_of "$name")"
    # The running system: the disk holding the root file system.
    rootsrc=$(awk '$2 == "/" { print $1 }' "$mounts" | tail -n1)
    case $rootsrc in /dev/*) rootsrc=$(readlink -f "$rootsrc" 2>/dev/null || echo "$rootsrc") ;; esac
    if [ -n "$rootsrc" ] && [ "$(disk_of "${rootsrc##*/}")" = "$name" ]; then
        die 4 "--write $dev" "the running system lives on it (/ is $rootsrc)"
    fi
    removable=$(cat "$node/removable" 2>/dev/null || echo 0)
    link=$(readlink -f "$node" 2>/dev/null || echo "")
    case $link in */usb*) on_usb=1 ;; *) on_usb=0 ;; esac
    [ "$removable" = 1 ] || [ $on_usb -eq 1 ] ||
        die 4 "--write $dev" "not a removable or USB disk" "check the name with lsblk; DKVM writes only to sticks"
    mounted=$(awk -v n="$name" '{ s = $1; sub(/^\/dev\//, "", s) }
        $1 ~ /^\/dev\// && (s == n || index(s, n) == 1 && substr(s, length(n) + 1) ~ /^p?[0-9]+$/) { print $1 " on " $2 }' "$mounts")
    [ -z "$mounted" ] ||
        die 4 "--write $dev" "mounted: $(echo "$mounted" | tr '\n' ' ')" "unmount it first (umount or the file manager's eject)"
    img_bytes=$(wc -c <"$img")
    sectors=$(cat "$node/size" 2>/dev/null || echo 0)
    [ $((sectors * 512)) -ge "$img_bytes" ] ||
        die 4 "--write $dev" "$((sectors * 512 / 1048576)) MiB, the image needs $((img_bytes / 1048576)) MiB"
    model=$(sed 's/ *$//' "$node/device/model" 2>/dev/null || true)
    say "write: $dev: ${model:-unknown model}, $((sectors * 512 / 1048576)) MiB; $loss"
    if [ "$ASSUME_YES" -ne 1 ]; then
        printf 'Type yes to overwrite %s: ' "$dev" >&2
        read -r answer || answer=
        [ "$answer" = yes ] || die 4 "--write $dev" "not confirmed, nothing written"
    fi
}

write_image() {
    img=$1 dev=$2
    check_target "$img" "$dev" "everything on it will be lost"
    dd if="$img" of="$dev" bs=4M conv=notrunc,fsync status=progress ||
        die 1 "--write $dev" "dd failed"
    cmp -n "$img_bytes" "$img" "$dev" >/dev/null ||
        die 1 "--write $dev" "what was written reads back differently" "the stick may be failing"
    say "write: $dev written and read back ($((img_bytes / 1048576)) MiB)"
}

# The partition lines of an MBR (sfdisk --dump) without the device names.
partition_layout() {
    sfdisk --dump "$1" 2>/dev/null | grep 'start=' | sed 's/^[^:]*: *//'
}

# The apkovl's name in the root of the FAT partition at sector $2 of image $1.
image_apkovl() {
    mdir -i "$1@@$(($2 * 512))" -b :: 2>/dev/null | sed 's|^::/||' | grep '\.apkovl\.tar\.gz$' | head -n1
}

# --update DEVICE: a newer image onto a DKVM stick, keeping what the stick
# holds of its own: the data partition is not written at all, and the
# saved configuration (the *.apkovl.tar.gz lbu commit wrote) and the
# domains/ folder on the boot partition are put back after the boot
# partition is replaced. Needs the same partition layout (same --size and
# --data-size); anything else needs --write.
update_image() {
    img=$1 dev=$2
    check_target "$img" "$dev" "its boot partition will be replaced (its data partition, apkovl and domains/ are kept)"
    need_tools sfdisk mcopy mdir mdel
    export MTOOLS_SKIP_CHECK=1
    [ "$(partition_layout "$img")" = "$(partition_layout "$dev")" ] ||
        die 4 "--update $dev" "its partitions differ from the image's" \
            "build with the stick's --size and --data-size, or use --write (loses the data partition)"
    keep=$(mktemp -d)
    start=$(partition_layout "$img" | head -n1 | sed -n 's/.*start= *\([0-9]*\),.*/\1/p')
    size=$(partition_layout "$img" | head -n1 | sed -n 's/.*size= *\([0-9]*\),.*/\1/p')
    ovl=$(mdir -i "$dev@@$((start * 512))" -b :: 2>/dev/null | sed 's|^::/||' | grep '\.apkovl\.tar\.gz$' || true)
    for f in $ovl; do
        mcopy -n -m -i "$dev@@$((start * 512))" "::$f" "$keep/$f" ||
            die 1 "--update $dev" "could not save $f from the stick"
    done
    if mdir -i "$dev@@$((start * 512))" ::/domains >/dev/null 2>&1; then
        mcopy -n -m -s -i "$dev@@$((start * 512))" ::/domains "$keep/" ||
            die 1 "--update $dev" "could not save domains/ from the stick"
    fi
    say "update: kept from the stick: ${ovl:-no apkovl}$( [ -d "$keep/domains" ] && echo ', domains/')"
    # The kept apkovl must trust the new image's repository key, or Alpine
    # would skip the dkvm package at boot: add the key when it is missing
    # (appended to the tar, the rest of the saved configuration unchanged).
    newkey=$(mcopy -n -i "$img@@$((start * 512))" \
        ::/dkvm/x86_64/APKINDEX.tar.gz "$keep/APKINDEX.tar.gz" 2>/dev/null &&
        gzip -dc "$keep/APKINDEX.tar.gz" 2>/dev/null | tar -t 2>/dev/null | head -n1 | sed 's/^\.SIGN\.RSA[0-9]*\.//')
    for f in $ovl; do
        [ -n "$newkey" ] || break
        if ! tar -tzf "$keep/$f" 2>/dev/null | grep -qx "etc/apk/keys/$newkey"; then
            mkdir -p "$keep/key/etc/apk/keys"
            mcopy -n -i "$img@@$((start * 512))" "::/$(image_apkovl "$img" "$start")" "$keep/image-ovl.tar.gz"
            tar -xzf "$keep/image-ovl.tar.gz" -C "$keep/key" "etc/apk/keys/$newkey" ||
                die 1 "--update $dev" "the image's apkovl lacks its repository key $newkey"
            gzip -dc "$keep/$f" >"$keep/ovl.tar"
            (cd "$keep/key" && tar --append --file="$keep/ovl.tar" --owner=0 --group=0 \
                --numeric-owner "etc/apk/keys/$newkey") || die 1 "--update $dev" "could not add the key to $f"
            gzip -n -9 <"$keep/ovl.tar" >"$keep/$f"
            say "update: $f now also trusts $newkey"
        fi
    done
    end=$((start + size))
    dd if="$img" of="$dev" bs=512 count="$end" conv=notrunc,fsync status=progress ||
        die 1 "--update $dev" "dd failed" "the stick's boot partition is incomplete: run --update again"
    part="$dev@@$((start * 512))"
    if [ -n "$ovl" ]; then
        # the stick's own configuration replaces the image's default one
        for f in $(mdir -i "$part" -b :: | sed 's|^::/||' | grep '\.apkovl\.tar\.gz$'); do
            mdel -i "$part" "::$f"
        done
        for f in $ovl; do mcopy -m -i "$part" "$keep/$f" "::$f"; done
    fi
    [ -d "$keep/domains" ] && mcopy -o -m -s -i "$part" "$keep/domains" ::/
    rm -rf "$keep"
    say "update: $dev has the new boot partition; data partition untouched"
}
