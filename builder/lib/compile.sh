# Stage compile: dkvm as an Alpine package in WORK/repo/x86_64, with an
# APKINDEX signed by the build's key (WORK/keys, made once and kept), whose
# public half the assemble stage puts into the apkovl's etc/apk/keys.
# (sourced; needs common.sh, apkrepo.sh, fetch.sh)

# shellcheck shell=sh disable=SC2154  # globals set by dkvm-build
dkvm_version() {
    sed -n "s/^  version : '\(.*\)',$/\1/p" "$repo_dir/meson.build" | head -n1
}

# dkvm for musl, built by abuild in an Alpine root made with apk.static,
# entered as root of a user namespace (unshare -r -m), so no real root is
# needed. Needs the network (Alpine's packages) and fetch's apk.static.
compile_in_alpine_root() {
    need_tools unshare git
    fetch_apk_static
    root=$WORK/alpine-root
    version=$(dkvm_version)
    if [ ! -f "$root/etc/alpine-release" ]; then
        apk_static_root "$root" add alpine-base alpine-sdk ||
            die 1 "Alpine root" "apk.static could not install alpine-sdk"
    fi
    # abuild takes sources it finds in SRCDEST as downloaded: the pinned
    # dialog release goes there verified, so `abuild checksum` records the
    # sha512 of the bytes builder/versions pins, never of what a mirror served.
    [ -n "$DIALOG_SHA256" ] || die 4 "dialog $DIALOG_VERSION" "no sha256 pinned in builder/versions"
    mkdir -p "$root/var/cache/distfiles"
    verified_download "https://invisible-island.net/archives/dialog/dialog-$DIALOG_VERSION.tgz" \
        "$root/var/cache/distfiles/dialog-$DIALOG_VERSION.tgz" "$DIALOG_SHA256"
    mkdir -p "$root/src/dkvm" "$root/out"
    cp "$builder_dir/APKBUILD" "$root/src/dkvm/APKBUILD"
    git -C "$repo_dir" archive --format=tar.gz --prefix="dkvm-$version/" HEAD \
        >"$root/src/dkvm/dkvm-$version.tar.gz"
    cp "$APK_PRIVKEY" "$root/src/$APK_KEYNAME.priv"
    cp "$APK_PUBKEY" "$root/etc/apk/keys/$APK_KEYNAME"
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    # shellcheck disable=SC2016 # expanded by the inner sh
    unshare -r -m sh -c '
        root=$1
        mount --rbind /dev "$root/dev" && mount -t proc proc "$root/proc" &&
        chroot "$root" /bin/sh -c "cd /src/dkvm &&
            export PACKAGER_PRIVKEY=/src/$2.priv PACKAGER_PUBKEY=/etc/apk/keys/$2 &&
            export SOURCE_DATE_EPOCH=$3 DIALOG_VERSION=$4 &&
            abuild -F checksum && abuild -F -r -P /out"
    ' sh "$root" "$APK_KEYNAME" "$SOURCE_DATE_EPOCH" "$DIALOG_VERSION" ||
        die 5 "compile" "abuild failed in the Alpine root" "its log is above"
    find "$root/out" -name "dkvm-$version-r*.apk" -exec cp {} "$WORK/repo/x86_64/" \;
}

# Tests only: dkvm installed into a tree on this machine (meson install
# --destdir), packaged as an Alpine package by our own packager. Its
# binaries are glibc's and would not run on Alpine; what it proves is the
# repository chain: package, index, signature, trusted key.
compile_stand_in() {
    [ -d "$STAND_IN_DKVM" ] || die 3 "--stand-in-dkvm $STAND_IN_DKVM" "not a directory"
    version=$(dkvm_version)
    say "compile: stand-in package of the dkvm installed in $STAND_IN_DKVM (not a musl build)"
    apk_make_package "$STAND_IN_DKVM" dkvm "$version-r0" \
        "Desktop VMs with GPU passthrough on libvirt (stand-in build)" \
        "$WORK/repo/x86_64/dkvm-$version-r0.apk" libvirt-daemon qemu-system-x86_64
}

stage_compile() {
    need_tools openssl tar gzip
    apk_key_ensure "$KEYS_DIR"
    rm -rf "$WORK/repo"
    mkdir -p "$WORK/repo/x86_64"
    if [ -n "$STAND_IN_DKVM" ]; then
        compile_stand_in
    else
        compile_in_alpine_root
    fi
    apk_make_index "$WORK/repo/x86_64"
    key=$(apk_verify_signature "$WORK/repo/x86_64/APKINDEX.tar.gz" "$KEYS_DIR" index) ||
        die 1 "compile" "the index just signed does not verify"
    say "compile: repository signed with $key"
}
