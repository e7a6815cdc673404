# Stage assemble: the disk image from the fetched release, the compiled
# repository and the overlay, as an ordinary user: the partitions are built
# as files (mkfs.vfat/mtools, mkfs.ext4 -d) and copied into an image file
# whose MBR sfdisk writes; nothing is mounted, no loop device, no VM.
# (sourced; needs common.sh, apkrepo.sh)

# shellcheck shell=sh disable=SC2154  # globals set by dkvm-build
BOOT_LABEL=DKVMBOOT
DATA_LABEL=DKVMDATA
# syslinux's BIOS modules and MBR code: Debian's paths, then Alpine's.
first_existing() {
    for candidate; do
        [ -e "$candidate" ] && { echo "$candidate"; return 0; }
    done
    echo "$1"
}
SYSLINUX_BIOS=$(first_existing /usr/lib/syslinux/modules/bios /usr/share/syslinux)
SYSLINUX_MBR=$(first_existing /usr/lib/syslinux/mbr/mbr.bin /usr/share/syslinux/mbr.bin)
# GRUB's modules built into bootx64.efi: the stick carries no module
# directory, so the image holds all GRUB needs to read grub.cfg from the
# FAT partition and boot Linux.
GRUB_EFI_MODULES="part_msdos part_gpt fat normal configfile linux echo test search
 search_fs_uuid search_label all_video efi_gop gzio ls cat minicmd"

# A value derived from SOURCE_DATE_EPOCH, so ids are fixed for one input.
derived_hex() {
    printf '%s' "dkvm-$1-$SOURCE_DATE_EPOCH" | sha256sum | cut -c1-"$2"
}

# The apkovl for the stick: alpine-overlay/build-apkovl's (or --apkovl's),
# with what the build adds: the repository key in etc/apk/keys, dkvm and
# --packages in etc/apk/world, the apk cache link, keymap and timezone.
# Repacked reproducibly, everything root:root.
make_apkovl() {
    out=$1
    tmp=$(mktemp -d)
    if [ -n "$APKOVL_INPUT" ]; then
        [ -f "$APKOVL_INPUT" ] || die 3 "--apkovl $APKOVL_INPUT" "no such file"
        cp "$APKOVL_INPUT" "$tmp/in.tar.gz"
    elif [ -x "$repo_dir/alpine-overlay/build-apkovl" ]; then
        "$repo_dir/alpine-overlay/build-apkovl" "$tmp/in.tar.gz" "$DKVM_HOSTNAME" ||
            die 1 "alpine-overlay/build-apkovl" "failed"
    else
        die 3 "alpine-overlay/build-apkovl" "not found" "give an apkovl with --apkovl FILE"
    fi
    mkdir "$tmp/root"
    tar -xzf "$tmp/in.tar.gz" -C "$tmp/root" --no-same-owner --preserve-permissions ||
        die 2 "apkovl" "does not unpack"
    r=$tmp/root
    mkdir -p "$r/etc/apk/keys"
    cp "$APK_PUBKEY" "$r/etc/apk/keys/$APK_KEYNAME"
    chmod 0644 "$r/etc/apk/keys/$APK_KEYNAME"
    {
        [ -f "$r/etc/apk/world" ] && cat "$r/etc/apk/world"
        echo dkvm
        for p in $EXTRA_PACKAGES; do echo "$p"; done
        [ -z "$DKVM_TIMEZONE" ] || echo tzdata
        [ -z "$DKVM_KEYMAP" ] || echo kbd-bkeymaps
    } | grep -v '^$' | LC_ALL=C sort -u >"$tmp/world"
    mv "$tmp/world" "$r/etc/apk/world"
    chmod 0644 "$r/etc/apk/world"
    # apk names a cached index after its repository's URL: the stick's cache
    # is used only when the host lists the mirror it was fetched from
    # (the staged overlay may be the one a previous run wrote: once each)
    if [ -d "$WORK/apk-cache" ]; then
        main_repo=$ALPINE_MIRROR/$ALPINE_BRANCH/main
        community_repo=$ALPINE_MIRROR/$ALPINE_BRANCH/community
        {
            printf '%s\n' "$main_repo" "$community_repo"
            [ -f "$r/etc/apk/repositories" ] && grep -v -e '^#' -e '^$' "$r/etc/apk/repositories" |
                grep -v -x -F -e "$main_repo" -e "$community_repo"
        } >"$tmp/repositories"
        mv "$tmp/repositories" "$r/etc/apk/repositories"
        chmod 0644 "$r/etc/apk/repositories"
    fi
    if [ -d "$WORK/apk-cache" ] && [ ! -e "$r/etc/apk/cache" ] && [ ! -L "$r/etc/apk/cache" ]; then
        ln -s /media/usb/cache "$r/etc/apk/cache"
    fi
    if [ -n "$DKVM_TIMEZONE" ]; then
        rm -f "$r/etc/localtime"
        ln -s "/usr/share/zoneinfo/$DKVM_TIMEZONE" "$r/etc/localtime"
        echo "$DKVM_TIMEZONE" >"$r/etc/timezone"
    fi
    if [ -n "$DKVM_KEYMAP" ]; then
        layout=${DKVM_KEYMAP%%/*} variant=${DKVM_KEYMAP#*/}
        mkdir -p "$r/etc/conf.d"
        echo "KEYMAP=/usr/share/bkeymaps/$layout/$variant.bmap.gz" >"$r/etc/conf.d/loadkmap"
        mkdir -p "$r/etc/runlevels/boot"
        ln -sf /etc/init.d/loadkmap "$r/etc/runlevels/boot/loadkmap"
    fi
    clamp_times "$r"
    repro_tar_gz "$r" "$out"
    rm -rf "$tmp"
}

# What the apkovl is made from, as one hash: the overlay (the tree with its
# modes, links and times, or --apkovl's file), the options and key that
# make_apkovl adds, the code that makes it and the tar and gzip that pack
# it. Any change makes a new apkovl; none reuses the last one.
apkovl_key() {
    {
        echo "apkovl-1 $DKVM_HOSTNAME|$EXTRA_PACKAGES|$DKVM_TIMEZONE|$DKVM_KEYMAP|$SOURCE_DATE_EPOCH"
        echo "$ALPINE_MIRROR|$ALPINE_BRANCH|${DKVM_APK_KEYS:-}|$APK_KEYNAME"
        [ ! -d "$WORK/apk-cache" ] || echo "with the apk cache"
        tool_stamps tar gzip
        sha256sum "$APK_PUBKEY" "$builder_dir/lib/assemble.sh" "$builder_dir/lib/common.sh"
        if [ -n "$APKOVL_INPUT" ]; then
            [ ! -f "$APKOVL_INPUT" ] || sha256sum "$APKOVL_INPUT"
        else
            tar -cf - -C "$repo_dir" alpine-overlay
            [ -z "${DKVM_APK_KEYS:-}" ] || tar -cf - -C "$DKVM_APK_KEYS" .
        fi
    } | sha256sum | cut -c1-32
}

# make_apkovl's result in $1, from WORK/apkovl-cache when its key is
# unchanged (unpacking, editing and packing it again takes ~0.1 s of CPU).
cached_apkovl() {
    ovl_cache=$WORK/apkovl-cache
    ovl_key=$(apkovl_key)
    if [ ! -f "$ovl_cache/apkovl.tar.gz" ] || [ "$(cat "$ovl_cache/key" 2>/dev/null)" != "$ovl_key" ]; then
        mkdir -p "$ovl_cache"
        rm -f "$ovl_cache/key"
        make_apkovl "$ovl_cache/apkovl.tar.gz"
        echo "$ovl_key" >"$ovl_cache/key"
    fi
    cp "$ovl_cache/apkovl.tar.gz" "$1"
}

# Both loaders' configuration, written by dkvm's own `host cmdline` (the code
# that edits them on a running stick), with --kernel-opt's options.
write_loader_configs() {
    stage=$1
    [ -x "$DKVM_BIN" ] || die 3 "$DKVM_BIN" "no dkvm to write the loader configs" \
        "make build, or --dkvm PATH"
    set --
    for opt in $KERNEL_OPTS; do set -- "$@" --set "$opt"; done
    # its own report ("wrote both boot loader files under ...") would be
    # noise on every build; its warnings (pcie_acs_override) and errors are not
    messages=$(mktemp)
    if ! "$DKVM_BIN" host cmdline --boot-dir "$stage" --init "$@" >/dev/null 2>"$messages"; then
        cat "$messages" >&2
        rm -f "$messages"
        die 1 "dkvm host cmdline --init" "failed"
    fi
    grep -v '^dkvm: wrote both boot loader files under ' "$messages" >&2 || true
    rm -f "$messages"
    if [ ! -f "$stage/boot/syslinux/syslinux.cfg" ] || [ ! -f "$stage/boot/grub/grub.cfg" ]; then
        die 1 "dkvm host cmdline --init" "wrote no syslinux.cfg and grub.cfg"
    fi
}

# The big inputs enter the stage as hard links (the stage is rebuilt every
# time; copying the release and the apk cache cost more than the rest), all
# of a folder's files in one ln (one process per file cost ~1 ms each).
# $1: the folder the files go to; the rest: the files.
link_or_copy() {
    target=$1
    shift
    [ $# -gt 0 ] || return 0
    ln -f "$@" "$target/" 2>/dev/null || cp "$@" "$target/"
}

# The stick's file tree in WORK/stage. The loaders' files are made in the
# background while the big files are linked; the apkovl too, and until
# later: its job's pid is in apkovl_job, and fill_boot_partition copies the
# partition root's files last, after waiting for it.
make_stage() {
    stage=$WORK/stage
    step stage-files
    rm -rf "$stage"
    mkdir -p "$stage/boot" "$stage/dkvm/x86_64" "$stage/efi/boot" "$stage/domains/templates"
    for f in vmlinuz-lts initramfs-lts modloop-lts; do
        [ -f "$WORK/release/boot/$f" ] || die 3 "release boot/$f" "not fetched" "run dkvm-build fetch"
    done
    [ -f "$WORK/repo/x86_64/APKINDEX.tar.gz" ] ||
        die 3 "the dkvm repository" "not compiled" "run dkvm-build compile"
    apk_key_ensure "$KEYS_DIR"
    (cached_apkovl "$stage/$DKVM_HOSTNAME.apkovl.tar.gz" &&
        chmod 0644 "$stage/$DKVM_HOSTNAME.apkovl.tar.gz" &&
        touch -d "@$SOURCE_DATE_EPOCH" "$stage/$DKVM_HOSTNAME.apkovl.tar.gz") &
    apkovl_job=$!
    # the loaders' files beside the links and copies below (other folders)
    (
        step_job loader-files
        write_loader_configs "$stage"
        cp "$SYSLINUX_BIOS/libcom32.c32" "$SYSLINUX_BIOS/libutil.c32" "$SYSLINUX_BIOS/menu.c32" \
            "$stage/boot/syslinux/"
        # -p without a device: GRUB reads $prefix on the partition it was loaded from.
        # shellcheck disable=SC2086
        grub-mkimage --format=x86_64-efi --prefix=/boot/grub \
            --output="$stage/efi/boot/bootx64.efi" $GRUB_EFI_MODULES ||
            die 1 "grub-mkimage" "failed"
        step end
    ) &
    loader_job=$!
    link_or_copy "$stage/boot" "$WORK/release/boot/vmlinuz-lts" "$WORK/release/boot/initramfs-lts" \
        "$WORK/release/boot/modloop-lts"
    cp "$WORK/repo/x86_64/"*.apk "$WORK/repo/x86_64/APKINDEX.tar.gz" "$stage/dkvm/x86_64/"
    : >"$stage/dkvm/.boot_repository"
    if [ -d "$WORK/apk-cache" ]; then
        mkdir -p "$stage/cache"
        # shellcheck disable=SC2016 # the inner shell expands them
        find "$WORK/apk-cache" -mindepth 1 -maxdepth 1 -type f \
            -exec sh -c 'ln -f "$@" "$0/" 2>/dev/null || cp "$@" "$0/"' "$stage/cache" {} + ||
            die 1 "the apk cache" "could not be linked or copied into the stage"
    fi
    for t in "$repo_dir"/domains/templates/*.xml; do
        case $t in *.gresource.xml) continue ;; esac
        set -- "$@" "$t"
    done
    cp "$@" "$stage/domains/templates/"
    set --
    step loader-wait
    wait "$loader_job" || exit
    step stage-modes
    # (the apkovl job sets its own file's mode and time)
    find "$stage" -type f ! -name "$DKVM_HOSTNAME.apkovl.tar.gz" -exec chmod 0644 {} +
    find "$stage" -type d -exec chmod 0755 {} +
    find "$stage" ! -name "$DKVM_HOSTNAME.apkovl.tar.gz" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# The image's part that depends on its sizes, SOURCE_DATE_EPOCH and the
# tools only, never on the files it carries: the MBR (partition table,
# syslinux's MBR code), the FAT32 boot partition with its directories
# /boot/syslinux and syslinux installed (boot sector, ldlinux.sys,
# ldlinux.c32, the backup boot sector in sync), and the empty ext4 data
# partition. Written to $1 (a sparse file of the image's size).
make_image_base() {
    base=$1 base_boot_mib=$2 base_data_start=$3
    rm -f "$base"
    truncate -s "${IMAGE_SIZE_MIB}M" "$base"
    {
        echo "label: dos"
        echo "label-id: 0x$(derived_hex disk-id 8)"
        echo "unit: sectors"
        echo "start=2048, size=$((base_boot_mib * 2048)), type=c, bootable"
        [ "$DATA_SIZE_MIB" -eq 0 ] || echo "start=$base_data_start, size=$((DATA_SIZE_MIB * 2048)), type=83"
    } | sfdisk --quiet --no-reread --no-tell-kernel "$base" >/dev/null ||
        die 1 "sfdisk" "could not write the partition table"
    dd if="$SYSLINUX_MBR" of="$base" bs=440 count=1 conv=notrunc status=none
    # the two file systems are made side by side (distinct ranges of the file)
    data_job=
    if [ "$DATA_SIZE_MIB" -ne 0 ]; then
        make_data_partition "$base" "$base_data_start" "$DATA_SIZE_MIB" &
        data_job=$!
    fi
    make_boot_base "$base" 2048 "$base_boot_mib"
    [ -z "$data_job" ] || wait "$data_job" || exit
}

# The FAT32 boot partition of the image base, made in place in image $1 at
# sector $2 with $3 MiB (mkfs.vfat --offset, mtools at an offset), with
# syslinux installed before any other file: ldlinux.sys then sits at the
# start of the data area, and syslinux's installer (which ends with a
# sync(2) of the whole system) runs once per image base, not per build.
make_boot_base() {
    img=$1 start=$2 mib=$3
    part="$img@@$((start * 512))"
    mkfs.vfat -F 32 -n "$BOOT_LABEL" --invariant -i "$(derived_hex volid 8)" \
        -h "$start" --offset="$start" "$img" $((mib * 1024)) >"$WORK/mkfs.log" 2>&1 ||
        die 1 "mkfs.vfat" "$(cat "$WORK/mkfs.log")"
    rm -f "$WORK/mkfs.log"
    mmd -i "$part" ::boot ::boot/syslinux || die 1 "mmd" "could not make /boot/syslinux"
    syslinux --offset $((start * 512)) --directory /boot/syslinux --install "$img" ||
        die 1 "syslinux --install" "failed"
    # syslinux writes the boot sector only; FAT32 keeps a backup copy whose
    # sector the BPB names (offset 50), and fsck.fat reports any difference.
    backup=$(od -An -tu2 -j$((start * 512 + 50)) -N2 "$img" | tr -d ' ')
    [ "$backup" -gt 0 ] &&
        dd if="$img" of="$img" bs=512 count=1 skip="$start" seek=$((start + backup)) \
            conv=notrunc status=none
}

# The tools named $@ as "path size mtime inode" lines (following links): a
# key part that changes when a tool is installed anew, without reading the
# binaries on every build.
tool_stamps() {
    for tool; do command -v "$tool"; done | xargs stat -L -c '%n %s %Y %i'
}

# What the image base depends on, as one hash: the sizes, the ids derived
# from SOURCE_DATE_EPOCH (mtools' time stamps too), and the tools that write
# it (their binaries, syslinux's MBR code, mke2fs's defaults).
image_base_key() {
    {
        echo "base-1 $IMAGE_SIZE_MIB $DATA_SIZE_MIB $1 $BOOT_LABEL $DATA_LABEL $SOURCE_DATE_EPOCH"
        tool_stamps sfdisk mkfs.vfat mmd syslinux mkfs.ext4
        sha256sum "$SYSLINUX_MBR"
        [ ! -f /etc/mke2fs.conf ] || cat /etc/mke2fs.conf
    } | sha256sum | cut -c1-32
}

# The image base from WORK/image-base (made there when its key changed) into
# image $1 (plain cp keeps the holes: a few MiB are copied).
# (base_key: image_base_key's value; base_cached: whether WORK/image-base
# holds it.)
place_image_base() {
    base_target=$1 base_cache=$WORK/image-base
    if [ "$base_cached" = no ]; then
        mkdir -p "$base_cache"
        rm -f "$base_cache/key"
        make_image_base "$base_cache/base.img.tmp" "$2" "$3"
        mv "$base_cache/base.img.tmp" "$base_cache/base.img"
        echo "$base_key" >"$base_cache/key"
    fi
    cp "$base_cache/base.img" "$base_target"
}

# Fills the boot partition of image $1 at sector $2 from WORK/stage: one mmd
# for the directories, one mcopy per directory's files, in sorted order (the
# FAT's layout then depends on the names only), the partition root's (the
# apkovl) last.
fill_boot_partition() {
    img=$1 start=$2
    part="$img@@$((start * 512))"
    step fat-files
    (cd "$WORK/stage" && find . -mindepth 1 -type d | LC_ALL=C sort |
        grep -v -x -e ./boot -e ./boot/syslinux | sed 's|^\./|::|') >"$WORK/dirs"
    if [ -s "$WORK/dirs" ]; then
        # shellcheck disable=SC2046 # one argument per directory, names without spaces
        mmd -i "$part" $(cat "$WORK/dirs") || die 1 "mmd" "could not make the directories"
    fi
    # "dir file file ..." per directory below the root, in sorted order
    (cd "$WORK/stage" && find . -mindepth 2 -type f | LC_ALL=C sort | awk '
        { p = substr($0, 3); d = p; sub("/[^/]*$", "", d)
          if (!(d in files)) order[n++] = d
          files[d] = files[d] " " p }
        END { for (i = 0; i < n; i++) print order[i] files[order[i]] }') >"$WORK/files"
    (
        cd "$WORK/stage" || exit 1
        while read -r dir files; do
            # shellcheck disable=SC2086 # the file list, names without spaces
            mcopy -m -i "$part" $files "::$dir/" || die 1 "mcopy" "could not fill ::$dir"
        done <"$WORK/files"
    ) || exit
    rm -f "$WORK/dirs" "$WORK/files"
    step apkovl-wait
    wait "$apkovl_job" || exit
    step fat-root
    set --
    for f in "$WORK/stage"/*; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
    [ $# -eq 0 ] || mcopy -m -i "$part" "$@" ::/ || die 1 "mcopy" "could not fill the partition root"
}

# The ext4 data partition DKVMDATA, in place in image $1 at sector $2 with
# $3 MiB: fixed UUID and hash seed, time stamps from SOURCE_DATE_EPOCH.
make_data_partition() {
    img=$1 start=$2 mib=$3
    empty=$(mktemp -d)
    touch -d "@$SOURCE_DATE_EPOCH" "$empty"
    u=$(derived_hex data-uuid 32)
    uuid=$(echo "$u" | sed 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)\(.\{12\}\)$/\1-\2-\3-\4-\5/')
    E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -q -F -L "$DATA_LABEL" -U "$uuid" \
        -E "hash_seed=$uuid,root_owner=0:0,offset=$((start * 512))" -d "$empty" "$img" "${mib}M" ||
        die 1 "mkfs.ext4" "failed"
    rmdir "$empty"
}

stage_assemble() {
    need_tools mkfs.vfat mmd mcopy syslinux sfdisk grub-mkimage truncate dd od
    [ "$DATA_SIZE_MIB" -eq 0 ] || need_tools mkfs.ext4
    export MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=0
    boot_mib=$((IMAGE_SIZE_MIB - 1 - DATA_SIZE_MIB))
    # FAT32 needs 65525 clusters: 33 MiB at 512-byte clusters.
    [ "$boot_mib" -ge 34 ] ||
        die 2 "--size $IMAGE_SIZE_MIB" "leaves $boot_mib MiB for the boot partition, FAT32 needs 34" \
            "a larger --size or a smaller --data-size"
    data_start=$(((1 + boot_mib) * 2048))
    tmp=$IMAGE.tmp
    rm -f "$tmp"
    base_key=$(image_base_key "$boot_mib")
    base_cached=no
    [ ! -f "$WORK/image-base/base.img" ] || [ "$(cat "$WORK/image-base/key" 2>/dev/null)" != "$base_key" ] ||
        base_cached=yes
    # The previous image is removed (it would be replaced in any case) in
    # the background, as freeing a file of hundreds of MiB takes a while;
    # but first when the image base is made: syslinux's sync(2) would write
    # the old image's pages still in memory, which removing it drops.
    old_job=
    if [ -f "$IMAGE" ]; then
        mv "$IMAGE" "$IMAGE.old"
        if [ "$base_cached" = yes ]; then
            rm -f "$IMAGE.old" &
            old_job=$!
        else
            rm -f "$IMAGE.old"
        fi
    fi
    # The image base is placed in the background while the stage is made
    # (when it is not cached, syslinux's installer waits for its sync(2)).
    (
        step_job image-base
        place_image_base "$tmp" "$boot_mib" "$data_start"
        step end
    ) &
    base_job=$!
    make_stage
    step payload-size
    payload_kib=$(du -sk "$WORK/stage" | cut -f1)
    need_mib=$((payload_kib * 11 / 10240 + 34))
    [ "$boot_mib" -ge "$need_mib" ] ||
        die 2 "--size $IMAGE_SIZE_MIB" "leaves $boot_mib MiB for the boot partition, the files need $need_mib" \
            "a larger --size or a smaller --data-size"
    step base-wait
    wait "$base_job" || exit
    fill_boot_partition "$tmp" 2048
    step finish
    mkdir -p "$(dirname "$IMAGE")"
    [ -z "$old_job" ] || wait "$old_job" || true
    mv "$tmp" "$IMAGE"
    step end
    say "assemble: $IMAGE ($IMAGE_SIZE_MIB MiB, boot $boot_mib MiB, data $DATA_SIZE_MIB MiB, payload $((payload_kib / 1024)) MiB)"
}
