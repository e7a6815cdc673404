# Stage fetch: the Alpine release's boot files, apk.static, the apk cache
# (sourced; needs common.sh). Downloads resume where a cut connection left
# them and are checked against their sha256 before use; once verified they
# stay in WORK, and a second run needs no network.

# download URL FILE: into FILE.part, resuming, then renamed to FILE.
# A few attempts, each continuing where the last one stopped (HTTP Range).
# shellcheck shell=sh disable=SC2154  # globals set by dkvm-build
download() {
    dl_url=$1 dl_file=$2
    attempt=1
    while :; do
        if curl --fail --silent --show-error --location --connect-timeout 20 \
            --continue-at - --output "$dl_file.part" "$dl_url"; then
            mv "$dl_file.part" "$dl_file"
            return 0
        else
            status=$?
        fi
        [ $attempt -lt "${DKVM_FETCH_ATTEMPTS:-5}" ] ||
            die 1 "download $dl_url" "failed after $attempt attempts (curl status $status)" \
                "check ALPINE_MIRROR and the network; the next run resumes"
        say "download of ${dl_url##*/} interrupted (curl status $status), resuming"
        attempt=$((attempt + 1))
        sleep 1
    done
}

# verified_download URL FILE SHA256: FILE is kept only when it has SHA256.
verified_download() {
    vd_url=$1 vd_file=$2 vd_want=$3
    if [ -f "$vd_file" ] && [ "$(sha256_of "$vd_file")" = "$vd_want" ]; then
        return 0
    fi
    rm -f "$vd_file"
    download "$vd_url" "$vd_file"
    got=$(sha256_of "$vd_file")
    if [ "$got" != "$vd_want" ]; then
        rm -f "$vd_file"
        die 4 "download ${vd_url##*/}" "sha256 $got, expected $vd_want" \
            "the mirror served other bytes than the release published; try another ALPINE_MIRROR"
    fi
}

fetch_release() {
    tarball=alpine-netboot-$ALPINE_VERSION-x86_64.tar.gz
    url=$ALPINE_MIRROR/$ALPINE_BRANCH/releases/x86_64/$tarball
    downloads=$WORK/downloads
    release=$WORK/release
    stamp=$release/.verified
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$tarball" ] &&
        [ -f "$release/boot/vmlinuz-lts" ] && [ -f "$release/boot/initramfs-lts" ] &&
        [ -f "$release/boot/modloop-lts" ]; then
        say "fetch: $tarball verified earlier (cached, no network needed)"
        return 0
    fi
    mkdir -p "$downloads"
    # The pin belongs to the default release; another --alpine has none.
    want=
    [ "$ALPINE_VERSION" = "$ALPINE_VERSION_DEFAULT" ] && want=$ALPINE_NETBOOT_SHA256
    # The published sha256 is small: fetched whole every time.
    rm -f "$downloads/$tarball.sha256.part"
    download "$url.sha256" "$downloads/$tarball.sha256"
    published=$(cut -d' ' -f1 "$downloads/$tarball.sha256")
    case $published in
    *[!0-9a-f]* | '') die 4 "$url.sha256" "not a sha256 file" ;;
    esac
    if [ -z "$want" ]; then
        say "fetch: $tarball is not pinned in builder/versions; using the published sha256 $published (pin it there)"
        want=$published
    elif [ "$want" != "$published" ]; then
        die 4 "$url.sha256" "publishes $published, builder/versions pins $want" \
            "the mirror serves another release than the one pinned; try another ALPINE_MIRROR"
    fi
    say "fetch: $url"
    verified_download "$url" "$downloads/$tarball" "$want"
    rm -rf "$release"
    mkdir -p "$release"
    tar -xzf "$downloads/$tarball" -C "$release" boot/vmlinuz-lts boot/initramfs-lts boot/modloop-lts ||
        die 2 "$tarball" "lacks boot/vmlinuz-lts, boot/initramfs-lts or boot/modloop-lts"
    echo "$tarball" >"$stamp"
    say "fetch: release boot files verified ($want)"
}

# apk.static, the pinned static build (builder/versions), kept in WORK/tools.
fetch_apk_static() {
    APK_STATIC=$WORK/tools/apk.static-$APK_STATIC_VERSION
    mkdir -p "$WORK/tools"
    verified_download "${APK_STATIC_URL:-$APK_STATIC_URL_DEFAULT}" "$APK_STATIC" "$APK_STATIC_SHA256"
    chmod 0755 "$APK_STATIC"
}

# apk_static_root ROOT ARG...: runs apk.static on the Alpine root ROOT (made
# when new, with the branch's main and community repositories)
# as the root of a user namespace. Every index is checked with Alpine's keys
# kept in builder/alpine-keys, the first one included.
apk_static_root() {
    asr_root=$1
    shift
    if [ ! -f "$asr_root/etc/apk/repositories" ]; then
        mkdir -p "$asr_root/etc/apk"
        printf '%s\n' "$ALPINE_MIRROR/$ALPINE_BRANCH/main" "$ALPINE_MIRROR/$ALPINE_BRANCH/community" \
            >"$asr_root/etc/apk/repositories"
    fi
    # a new database until one exists, so a run cut short before apk made it
    # is taken up again by the next run
    asr_initdb=
    [ -f "$asr_root/lib/apk/db/installed" ] || asr_initdb=--initdb
    # shellcheck disable=SC2086 # asr_initdb is one word or none
    unshare -r "$APK_STATIC" --root "$asr_root" $asr_initdb --arch x86_64 \
        --keys-dir "$builder_dir/alpine-keys" "$@"
}

# The apk cache of the overlay's world (and --packages): apk.static installs
# the world into a scratch root, inside a user namespace (unshare -r), with
# its cache pointed at WORK/apk-cache. The cache keeps Alpine's signed
# indexes and packages: the stick installs from it offline at boot, checked
# with Alpine's own keys (the initramfs carries them).
fetch_apk_cache() {
    need_tools unshare
    fetch_apk_static
    world=$(world_packages)
    cache=$WORK/apk-cache
    root=$WORK/apk-root
    rm -rf "$root"
    mkdir -p "$cache" "$root/etc/apk"
    ln -s "$cache" "$root/etc/apk/cache"
    # shellcheck disable=SC2086 # the world is a list of words
    apk_static_root "$root" --no-scripts add alpine-keys $world ||
        die 1 "apk cache" "apk.static could not install the world: $world" \
            "an UNTRUSTED signature means Alpine signs with a key builder/alpine-keys lacks"
    say "fetch: apk cache for: $world"
}

# The overlay's etc/apk/world with --packages, minus dkvm (it comes from the
# local repository the compile stage makes).
world_packages() {
    {
        if [ -f "$repo_dir/alpine-overlay/etc/apk/world" ]; then
            cat "$repo_dir/alpine-overlay/etc/apk/world"
        else
            echo alpine-base
        fi
        for p in $EXTRA_PACKAGES; do echo "$p"; done
    } | grep -v '^dkvm$' | LC_ALL=C sort -u | tr '\n' ' '
}

stage_fetch() {
    need_tools curl sha256sum tar gzip
    fetch_release
    if [ "$APK_CACHE" -eq 1 ]; then
        fetch_apk_cache
    else
        say "fetch: no apk cache (--no-apk-cache): the stick installs its packages from the network"
    fi
}
