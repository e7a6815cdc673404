# Shared helpers of builder/dkvm-build (sourced; POSIX sh).

# shellcheck shell=sh disable=SC2154  # globals set by dkvm-build
say() { printf 'dkvm-build: %s\n' "$*" >&2; }

# One line "dkvm-build: <what failed>: <why>" and an optional hint line, as
# dkvm's own errors look; exit status 2 bad input, 3 not found, 4 refused or
# a missing tool, 1 anything else.
die() {
    status=$1 what=$2 why=$3
    printf 'dkvm-build: %s: %s\n' "$what" "$why" >&2
    [ -n "${4:-}" ] && printf 'hint: %s\n' "$4" >&2
    exit "$status"
}

need_tools() {
    for tool; do
        command -v "$tool" >/dev/null 2>&1 ||
            die 4 "$tool" "not installed" "scripts/install-deps installs what the builder needs"
    done
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# Sets every time stamp under $1 (not following links) to SOURCE_DATE_EPOCH.
clamp_times() {
    find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# A reproducible gzip'd tar of directory $1's contents (sorted, root:root,
# mtimes clamped) to $2. Modes are taken as they are in the tree.
repro_tar_gz() {
    (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||' |
        tar --create --no-recursion --files-from=- --format=gnu \
            --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH") |
        gzip -n -9 >"$2"
}

# With DKVM_BUILD_TIMES set, `step NAME` ends the step before it, printing
# its wall time in ms on stderr, and starts NAME (`step end` ends the last
# one): make bench's breakdown of the assemble stage. Off, it costs nothing.
step() {
    [ -n "${DKVM_BUILD_TIMES:-}" ] || return 0
    step_now=$(date +%s%N)
    [ -z "${step_name:-}" ] ||
        printf 'dkvm-build: time: %-14s %5d ms\n' "$step_name" $(((step_now - step_started) / 1000000)) >&2
    step_name=$1 step_started=$step_now
    [ "$1" != end ] || step_name=
}
# The first step of a background job (the job times its own steps).
step_job() {
    step_name=
    step "$1"
}
