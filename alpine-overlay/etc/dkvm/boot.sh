# shellcheck shell=sh
# DKVM's boot steps, shared by the OpenRC services dkvm-vfio, dkvm-boot and
# dkvm-domains (/etc/init.d), which source this file. It lives in /etc so
# that `lbu commit` keeps it with the rest of the host's configuration.
#
# Each step is one function, dkvm_step_NAME, that says what it did and
# returns non-zero when it failed; dkvm_run_steps runs the steps it is given
# one after the other, reports a failing step on the console and goes on
# with the next (a boot must not stop at the first problem).
#
# Every path the steps touch hangs from DKVM_ROOT (default: empty, the real
# root), so the tests run them in a tree of their own; sysfs from
# DKVM_SYSFS_ROOT when set (as the dkvm program reads it). Other knobs, all
# for tests or /etc/conf.d:
#   DKVM            the dkvm program (default: dkvm on PATH)
#   DKVM_CONNECT    --connect URI for dkvm (default: none, qemu:///system)
#   DKVM_CONFIG     --config FILE for dkvm (default: none, /etc/dkvm/dkvm.conf)
#   DKVM_MOUNT      the mount program (default: mount)
#   DKVM_LOGGER     the syslog program (default: logger)
#   data_mount      where the data partition is mounted (/media/dkvmdata)
#   hugepages       "1G:8 2M:512": pages reserved at boot besides the kernel's
#   governor        CPU frequency governor (default performance; empty: leave)
#   domains_dir     domain XML files imported at boot (/media/usb/domains)

DKVM_ROOT=${DKVM_ROOT:-}
DKVM=${DKVM:-dkvm}
DKVM_MOUNT=${DKVM_MOUNT:-mount}
data_mount=${data_mount:-/media/dkvmdata}
hugepages=${hugepages:-}
governor=${governor-performance}
domains_dir=${domains_dir:-/media/usb/domains}

# The folders DKVM keeps on the data partition (README.md, "The DKVM host").
DKVM_DATA_DIRS="images isos nvram swtpm backups"

dkvm_sys() {
	if [ -n "${DKVM_SYSFS_ROOT:-}" ]; then
		printf '%s/sys\n' "$DKVM_SYSFS_ROOT"
	else
		printf '%s/sys\n' "$DKVM_ROOT"
	fi
}

# What a step did: on the console (OpenRC's einfo when running as a service)
# and in the system log.
dkvm_say() {
	if command -v einfo >/dev/null 2>&1; then
		einfo "$*"
	else
		printf 'dkvm-boot: %s\n' "$*"
	fi
	"${DKVM_LOGGER:-logger}" -t dkvm-boot "$*" 2>/dev/null || true
}

dkvm_complain() {
	if command -v eerror >/dev/null 2>&1; then
		eerror "$*"
	else
		printf 'dkvm-boot: error: %s\n' "$*" >&2
	fi
	"${DKVM_LOGGER:-logger}" -t dkvm-boot -p daemon.err "$*" 2>/dev/null || true
}

# Runs dkvm_step_NAME for every NAME; all of them run. Returns the number of
# steps that failed (0: all went well).
# (POSIX sh has no local variables: the runner's own start with dkvm_run_.)
dkvm_run_steps() {
	dkvm_run_failed=0
	for dkvm_run_step in "$@"; do
		if ! "dkvm_step_$dkvm_run_step"; then
			dkvm_complain "step '$dkvm_run_step' failed (the other steps still ran)"
			dkvm_run_failed=$((dkvm_run_failed + 1))
		fi
	done
	return "$dkvm_run_failed"
}

# data_label from dkvm.conf (the one dkvm reads), DKVMDATA when it names none.
dkvm_data_label() {
	label=$(sed -n 's/^[[:space:]]*data_label[[:space:]]*=[[:space:]]*//p' \
		"${DKVM_CONFIG:-$DKVM_ROOT/etc/dkvm/dkvm.conf}" 2>/dev/null | tail -n 1)
	printf '%s\n' "${label:-DKVMDATA}"
}

# Whether $1 is a mount point (/proc/mounts of the root).
dkvm_is_mounted() {
	awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' \
		"$DKVM_ROOT/proc/mounts" 2>/dev/null
}

# Looking Glass: a VM with DKVM's <shmem> has QEMU keep the guest's frames in
# /dev/shm/looking-glass (QEMU makes the file as its user when the VM starts;
# the client, run as root on this host, reads it). /dev/shm must be a tmpfs:
# OpenRC's devfs mounts one; where nothing did, mount it (its size is half
# the RAM by default, far more than the 128 MiB of a 4K frame buffer).
dkvm_step_shm() {
	if dkvm_is_mounted /dev/shm; then
		dkvm_say "shared memory: /dev/shm is mounted (Looking Glass)"
		return 0
	fi
	if ! mkdir -p "$DKVM_ROOT/dev/shm" ||
		! "$DKVM_MOUNT" -t tmpfs -o mode=1777,nosuid,nodev shm "$DKVM_ROOT/dev/shm"; then
		dkvm_complain "cannot mount a tmpfs at /dev/shm: Looking Glass VMs will not start"
		return 1
	fi
	dkvm_say "shared memory: mounted a tmpfs at /dev/shm (Looking Glass)"
}

# Mounts the partition labelled data_label at data_mount.
dkvm_step_data_mount() {
	label=$(dkvm_data_label)
	if dkvm_is_mounted "$data_mount"; then
		dkvm_say "data partition: $data_mount is already mounted"
		return 0
	fi
	dev="$DKVM_ROOT/dev/disk/by-label/$label"
	# the link names the device (../../sdb1); a test root has the link only
	if [ ! -e "$dev" ] && [ ! -L "$dev" ]; then
		dev=$(findfs "LABEL=$label" 2>/dev/null) || dev=
	fi
	if [ -z "$dev" ]; then
		dkvm_complain "data partition: no partition is labelled $label: VMs keep no NVRAM or TPM state across a reboot"
		return 1
	fi
	mkdir -p "$DKVM_ROOT$data_mount" || return 1
	if ! out=$($DKVM_MOUNT -o noatime "$dev" "$DKVM_ROOT$data_mount" 2>&1); then
		dkvm_complain "data partition: cannot mount $dev ($label) at $data_mount: $out"
		return 1
	fi
	dkvm_say "data partition: mounted $dev ($label) at $data_mount"
}

# Creates DKVM's folders on the data partition (the first boot finds none).
dkvm_step_data_dirs() {
	if ! dkvm_is_mounted "$data_mount"; then
		dkvm_complain "data partition: $data_mount is not mounted: no folders made"
		return 1
	fi
	made=
	for d in $DKVM_DATA_DIRS; do
		[ -d "$DKVM_ROOT$data_mount/$d" ] && continue
		mkdir -p "$DKVM_ROOT$data_mount/$d" || return 1
		made="$made $d"
	done
	# swtpm state holds the TPM's secrets: only root walks in (as libvirt's own
	# /var/lib/libvirt/swtpm, 0711)
	chmod 0711 "$DKVM_ROOT$data_mount/swtpm" || return 1
	if [ -n "$made" ]; then
		dkvm_say "data partition: created${made} in $data_mount"
	else
		dkvm_say "data partition: folders in place ($DKVM_DATA_DIRS)"
	fi
}

# NVRAM and swtpm state on the data partition: libvirt has no setting for
# either place (etc/libvirt/qemu.conf says why), so their folders are bind
# mounts of the data partition's.
dkvm_step_data_binds() {
	if ! dkvm_is_mounted "$data_mount"; then
		dkvm_complain "data partition: $data_mount is not mounted: NVRAM and TPM state stay in RAM"
		return 1
	fi
	status=0
	for pair in nvram:/var/lib/libvirt/qemu/nvram swtpm:/var/lib/libvirt/swtpm; do
		src="$data_mount/${pair%%:*}"
		dst="${pair#*:}"
		if dkvm_is_mounted "$dst"; then
			dkvm_say "$dst is already on the data partition"
			continue
		fi
		mkdir -p "$DKVM_ROOT$dst" || { status=1; continue; }
		if out=$($DKVM_MOUNT --bind "$DKVM_ROOT$src" "$DKVM_ROOT$dst" 2>&1); then
			dkvm_say "$dst is $src (bind mount)"
		else
			dkvm_complain "cannot bind $src to $dst: $out"
			status=1
		fi
	done
	return "$status"
}

# Boot-time hugepages: with boot_hugepages=on in dkvm.conf, the pages all
# VMs need (dkvm host boot-hugepages: the kernel command line reserved them,
# or they are reserved now); then hugepages="1G:8 2M:512" from conf.d sets
# each pool to at least COUNT pages. Says what the kernel gave (it gives
# fewer when memory is short).
dkvm_step_hugepages() {
	hp_status=0
	dkvm_logged host boot-hugepages --xml-dir "$DKVM_ROOT/etc/libvirt/qemu" || hp_status=1
	sys=$(dkvm_sys)
	for pool in "$sys"/kernel/mm/hugepages/hugepages-*; do
		[ -r "$pool/nr_hugepages" ] || continue
		dkvm_say "hugepages: ${pool##*/hugepages-}: $(cat "$pool/nr_hugepages") reserved"
	done
	[ -n "$hugepages" ] || return "$hp_status"
	status=$hp_status
	for want in $hugepages; do
		size=${want%%:*}
		count=${want#*:}
		case $size in
		2M | 2m) kib=2048 ;;
		1G | 1g) kib=1048576 ;;
		*)
			dkvm_complain "hugepages: '$want': the size is 2M or 1G"
			status=1
			continue
			;;
		esac
		case $count in
		'' | *[!0-9]*)
			dkvm_complain "hugepages: '$want': the count is a number"
			status=1
			continue
			;;
		esac
		nr="$sys/kernel/mm/hugepages/hugepages-${kib}kB/nr_hugepages"
		if [ ! -w "$nr" ]; then
			dkvm_complain "hugepages: this kernel has no $size pages"
			status=1
			continue
		fi
		have=$(cat "$nr")
		[ "$have" -ge "$count" ] && continue
		echo "$count" >"$nr" 2>/dev/null
		got=$(cat "$nr")
		if [ "$got" -lt "$count" ]; then
			dkvm_complain "hugepages: asked for $count $size pages, the kernel gave $got"
			status=1
		else
			dkvm_say "hugepages: reserved $got $size pages"
		fi
	done
	return "$status"
}

# The devices of the VMs marked for early binding go to vfio-pci, by
# address (dkvm host bind-early), before their host drivers load.
dkvm_step_early_bind() {
	dkvm_logged host bind-early --xml-dir "$DKVM_ROOT/etc/libvirt/qemu"
}

# Runs dkvm with the arguments: what it prints goes to dkvm_say, what it
# complains about to dkvm_complain; returns its status.
dkvm_logged() {
	errors=$(mktemp) || return 1
	out=$(dkvm_cmd "$@" 2>"$errors")
	status=$?
	dkvm_each_line dkvm_say "$out"
	dkvm_each_line dkvm_complain "$(cat "$errors")"
	rm -f "$errors"
	return "$status"
}

# Runs $1 with each line of $2 (none for an empty $2).
dkvm_each_line() {
	[ -n "$2" ] || return 0
	printf '%s\n' "$2" | while IFS= read -r line; do "$1" "$line"; done
}

# The CPU frequency governor of every CPU that has one.
dkvm_step_governor() {
	[ -n "$governor" ] || return 0
	sys=$(dkvm_sys)
	set=0
	failed=
	for g in "$sys"/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor; do
		[ -e "$g" ] || continue
		if echo "$governor" >"$g" 2>/dev/null; then
			set=$((set + 1))
		else
			cpu=${g%/cpufreq/*}
			failed="$failed ${cpu##*/}"
		fi
	done
	if [ -n "$failed" ]; then
		dkvm_complain "CPU governor: cannot set $governor on$failed"
		return 1
	fi
	if [ "$set" -eq 0 ]; then
		dkvm_say "CPU governor: no CPU frequency scaling here, left as it is"
	else
		dkvm_say "CPU governor: $governor on $set CPUs"
	fi
}

# SSH: passwords only once root has one (etc/ssh/sshd_config says why).
dkvm_step_ssh_auth() {
	conf="$DKVM_ROOT/etc/ssh/sshd_config.d/50-dkvm-password.conf"
	hash=$(awk -F: '$1 == "root" { print $2 }' "$DKVM_ROOT/etc/shadow" 2>/dev/null)
	case $hash in
	'' | '*'* | '!'*)
		rm -f "$conf" || return 1
		dkvm_say "SSH: root has no password: keys only"
		;;
	*)
		mkdir -p "${conf%/*}" || return 1
		printf '%s\n' "# written by dkvm-boot: root has a password" \
			"PermitRootLogin yes" "PasswordAuthentication yes" >"$conf" || return 1
		dkvm_say "SSH: root has a password: keys and password"
		;;
	esac
}

# dkvm, with the connection and settings file a test names.
dkvm_cmd() {
	if [ -n "${DKVM_CONFIG:-}" ]; then
		set -- --config "$DKVM_CONFIG" "$@"
	fi
	if [ -n "${DKVM_CONNECT:-}" ]; then
		set -- --connect "$DKVM_CONNECT" "$@"
	fi
	"$DKVM" "$@"
}

# The name of the domain an XML file defines (its first <name>, which is the
# domain's own: libvirt writes it before any device or metadata).
dkvm_domain_name() {
	sed -n 's:.*<name>[[:space:]]*\([^<]*[^<[:space:]]\)[[:space:]]*</name>.*:\1:p' "$1" | head -n 1
}

# Imports the stick's domain XML files (libvirtd must run). A VM libvirt
# already keeps (/etc/libvirt/qemu/NAME.xml) is left alone, so an edit made
# on the host is never undone by an older file at the next boot; two files
# naming one VM: the first counts, the second is reported.
dkvm_step_domains() {
	dir="$DKVM_ROOT$domains_dir"
	if [ ! -d "$dir" ]; then
		dkvm_say "domains: no $domains_dir on the stick: nothing to import"
		return 0
	fi
	status=0
	seen=" "
	imported=0
	for f in "$dir"/*.xml; do
		[ -e "$f" ] || continue
		name=$(dkvm_domain_name "$f")
		if [ -z "$name" ]; then
			dkvm_complain "domains: ${f##*/}: no <name>: not a domain, skipped"
			status=1
			continue
		fi
		case $seen in
		*" $name "*)
			dkvm_complain "domains: ${f##*/}: VM '$name' is also in an earlier file: skipped"
			status=1
			continue
			;;
		esac
		seen="$seen$name "
		if [ -e "$DKVM_ROOT/etc/libvirt/qemu/$name.xml" ]; then
			dkvm_say "domains: ${f##*/}: VM '$name' is already defined: left as it is"
			continue
		fi
		if out=$(dkvm_cmd vm import "$f" 2>&1); then
			dkvm_say "domains: ${f##*/}: $out"
			imported=$((imported + 1))
		else
			dkvm_complain "domains: ${f##*/}: $out"
			status=1
		fi
	done
	dkvm_say "domains: imported $imported VMs from $domains_dir"
	return "$status"
}
