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

write_image() {
    img=$1 dev=$2
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
    say "write: $dev: ${model:-unknown model}, $((sectors * 512 / 1048576)) MiB; everything on it will be lost"
    if [ "$ASSUME_YES" -ne 1 ]; then
        printf 'Type yes to overwrite %s: ' "$dev" >&2
        read -r answer || answer=
        [ "$answer" = yes ] || die 4 "--write $dev" "not confirmed, nothing written"
    fi
    dd if="$img" of="$dev" bs=4M conv=notrunc,fsync status=progress ||
        die 1 "--write $dev" "dd failed"
    cmp -n "$img_bytes" "$img" "$dev" >/dev/null ||
        die 1 "--write $dev" "what was written reads back differently" "the stick may be failing"
    say "write: $dev written and read back ($((img_bytes / 1048576)) MiB)"
}
