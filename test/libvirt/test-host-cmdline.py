#!/usr/bin/env python3
"""`dkvm host cmdline` on real syslinux.cfg and grub.cfg files in a
temporary boot directory (copies of test/data/boot's Alpine-style files):
both files kept in sync, a .bak of each, idempotent (a second run writes
nothing: same mtime, no new backup), bad values refused with one line and
exit 2, and a write that fails midway (a full file system, and a backup
that cannot be written for the second file) leaves both files byte for
byte as they were. --isolate and --hugepages read the VMs of libvirt's
test driver (test/data/libvirt/node.xml: win11 pinned to 2,3,6,7; huge
in 2 MiB pages). Prints TAP.

The full file system is a 64 KiB tmpfs mounted in a user and mount
namespace (`unshare -rm`), which needs no root. Where the machine refuses
unprivileged namespaces, the same midway failure is made without a mount:
a directory where grub.cfg's backup must go, so syslinux.cfg is done
before grub.cfg fails (that case also runs everywhere on its own).

Usage: test-host-cmdline.py DKVM NODE_XML DATA_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

from tapcases import Cases

DKVM, NODE, DATA = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
URI = "test://" + NODE
TMP = tempfile.mkdtemp(prefix="dkvm-cmdline-")
SYSLINUX = "boot/syslinux/syslinux.cfg"
GRUB = "boot/grub/grub.cfg"
AMD_HOST = os.path.join(DATA, "hosts", "demo")
INTEL_HOST = os.path.join(DATA, "hosts", "intel-12900k")
CONF = os.path.join(TMP, "dkvm.conf")
with open(CONF, "w") as f:
    f.write("[host]\npersist_command=true\n")

test = Cases()
counter = [0]


def boot_dir():
    """A new boot directory holding copies of the Alpine-style files."""
    counter[0] += 1
    d = os.path.join(TMP, f"usb{counter[0]}")
    for rel, name in ((SYSLINUX, "alpine-syslinux.cfg"), (GRUB, "alpine-grub.cfg")):
        os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
        shutil.copyfile(os.path.join(DATA, "boot", name), os.path.join(d, rel))
    return d


def run(*args, host=AMD_HOST):
    env = dict(os.environ, DKVM_SYSFS_ROOT=host)
    return subprocess.run([DKVM, "--config", CONF, "-c", URI, "host", "cmdline", *args],
                          capture_output=True, text=True, env=env, timeout=60)


def read(d, rel):
    with open(os.path.join(d, rel), "rb") as f:
        return f.read()


def original(rel):
    name = "alpine-syslinux.cfg" if rel == SYSLINUX else "alpine-grub.cfg"
    with open(os.path.join(DATA, "boot", name), "rb") as f:
        return f.read()


def listing(d):
    return sorted(os.path.relpath(os.path.join(root, n), d)
                  for root, _, names in os.walk(d) for n in names)


def options(d, rel):
    """The options of the file's kernel line, as the boot loader reads them."""
    for line in read(d, rel).decode().splitlines():
        words = line.split(None, 1)
        if rel == SYSLINUX and words and words[0].upper() == "APPEND":
            return words[1]
        if rel == GRUB and words and words[0] == "linux":
            return words[1].split(None, 1)[1]
    raise AssertionError(f"no kernel line in {rel}")


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def refused(r, code, message):
    check(r.returncode == code, f"exit {r.returncode}, expected {code}: {r.stderr}")
    lines = r.stderr.strip().splitlines()
    check(len(lines) == 1 and lines[0] == "dkvm: " + message, f"stderr {r.stderr!r}")


@test
def init_writes_both_files_alike():
    d = os.path.join(TMP, "new-image")
    r = run("--boot-dir", d, "--init")
    check(r.returncode == 0, r.stderr)
    want = ("modules=loop,squashfs,sd-mod,usb-storage modloop=/boot/modloop-lts quiet "
            "intel_iommu=on amd_iommu=on iommu=pt")
    check(options(d, SYSLINUX) == want, options(d, SYSLINUX))
    check(options(d, GRUB) == want, options(d, GRUB))
    check(b"KERNEL /boot/vmlinuz-lts\n\tINITRD /boot/initramfs-lts\n" in read(d, SYSLINUX),
          "syslinux entry")
    check(b"\tlinux\t/boot/vmlinuz-lts " in read(d, GRUB), "grub entry")
    check(listing(d) == [GRUB, SYSLINUX], listing(d))
    # the same again writes nothing
    before = [os.stat(os.path.join(d, p)).st_mtime_ns for p in (SYSLINUX, GRUB)]
    r = run("--boot-dir", d, "--init")
    check(r.returncode == 0, r.stderr)
    after = [os.stat(os.path.join(d, p)).st_mtime_ns for p in (SYSLINUX, GRUB)]
    check(before == after and listing(d) == [GRUB, SYSLINUX], "a second --init wrote")
    # --set goes into a new image's options
    r = run("--boot-dir", d, "--init", "--set", "efifb-off", "--unset", "iommu-pt")
    check(r.returncode == 0, r.stderr)
    check(options(d, GRUB).endswith("amd_iommu=on video=efifb:off"), options(d, GRUB))
    check(options(d, SYSLINUX) == options(d, GRUB), "init files differ")


@test
def show_changes_nothing():
    d = boot_dir()
    r = run("--boot-dir", d)
    check(r.returncode == 0, r.stderr)
    check("  modules=loop,squashfs,sd-mod,usb-storage quiet console=tty0" in r.stdout, r.stdout)
    check("  iommu         intel_iommu=off\n" in r.stdout, r.stdout)
    check("  isolate       -\n" in r.stdout, r.stdout)
    check(listing(d) == [GRUB, SYSLINUX], listing(d))
    check(read(d, SYSLINUX) == original(SYSLINUX), "syslinux.cfg changed")


@test
def edit_keeps_both_in_sync_with_backups():
    d = boot_dir()
    r = run("--boot-dir", d, "--set", "iommu", "--set", "iommu-pt", "--set", "isolate=2-7",
            "--set", "video=efifb:off")
    check(r.returncode == 0, r.stderr)
    check("changed in both files" in r.stderr, r.stderr)
    check(options(d, SYSLINUX) == options(d, GRUB), "the files differ")
    check(options(d, GRUB).endswith(
        'dyndbg="file drivers/vfio/* +p" amd_iommu=on iommu=pt isolcpus=2-7 nohz_full=2-7 '
        "rcu_nocbs=2-7 video=efifb:off"), options(d, GRUB))
    # everything but the kernel line as it was
    for rel in (SYSLINUX, GRUB):
        old = [l for l in original(rel).splitlines() if b"iommu" not in l]
        new = [l for l in read(d, rel).splitlines() if b"iommu" not in l]
        check(old == new, f"{rel}: other lines changed")
        check(read(d, rel + ".bak") == original(rel), f"{rel}.bak is not the previous file")
    check(listing(d) == sorted([GRUB, GRUB + ".bak", SYSLINUX, SYSLINUX + ".bak"]), listing(d))


@test
def same_change_twice_writes_nothing():
    d = boot_dir()
    args = ["--boot-dir", d, "--set", "acs-override", "--unset", "iommu"]
    r = run(*args)
    check(r.returncode == 0, r.stderr)
    check("dkvm: warning: pcie_acs_override makes the kernel split IOMMU groups" in r.stderr,
          r.stderr)
    paths = [SYSLINUX, GRUB, SYSLINUX + ".bak", GRUB + ".bak"]
    before = {p: (os.stat(os.path.join(d, p)).st_mtime_ns, read(d, p)) for p in paths}
    r = run(*args)
    check(r.returncode == 0, r.stderr)
    check("nothing written" in r.stderr, r.stderr)
    after = {p: (os.stat(os.path.join(d, p)).st_mtime_ns, read(d, p)) for p in paths}
    check(before == after, "the second run wrote")
    check(listing(d) == sorted(paths), listing(d))


@test
def iommu_by_vendor():
    d = boot_dir()
    r = run("--boot-dir", d, "--set", "iommu", host=INTEL_HOST)
    check(r.returncode == 0, r.stderr)
    # the Intel option is set; the AMD one is not added
    check("intel_iommu=on" in options(d, GRUB) and "intel_iommu=off" not in options(d, GRUB)
          and "amd_iommu" not in options(d, GRUB), options(d, GRUB))


@test
def bad_values_refused():
    d = boot_dir()
    cases = [
        (["--set", "quiet"], 2, "'quiet' is not an option DKVM manages (iommu, iommu-pt, "
         "hugepages, isolate, efifb-off, acs-override); edit others in the boot loader's "
         "files"),
        (["--set", "isolate=3-x"], 2, "isolate: invalid CPU list '3-x': expected the "
         "kernel's syntax, e.g. 0-3,8-11"),
        (["--set", "hugepages=1G:two"], 2,
         "hugepages: '1G:two' is not SIZE:COUNT (e.g. 1G:8 or 2M:1024)"),
        (["--set", "acs-override=all"], 2,
         "acs-override: 'all' is not downstream, multifunction or id:vvvv:dddd"),
        (["--hugepages", "--no-hugepages"], 2,
         "--hugepages and --no-hugepages exclude each other"),
        (["--init", "--isolate", "win11"], 2,
         "--init takes --set and --unset only: a new image has no VMs yet"),
        (["--isolate", "linux"], 4,
         "linux's vCPUs are not pinned: there are no CPUs to isolate for it"),
    ]
    for args, code, message in cases:
        refused(run("--boot-dir", d, *args), code, message)
        check(listing(d) == [GRUB, SYSLINUX], f"{args}: {listing(d)}")
        check(read(d, SYSLINUX) == original(SYSLINUX) and read(d, GRUB) == original(GRUB),
              f"{args}: a file changed")


@test
def missing_file_refused():
    d = boot_dir()
    os.unlink(os.path.join(d, GRUB))
    r = run("--boot-dir", d, "--set", "iommu-pt")
    check(r.returncode == 3, r.stderr)
    check(read(d, SYSLINUX) == original(SYSLINUX), "syslinux.cfg changed")
    check(listing(d) == [SYSLINUX], listing(d))


@test
def isolate_from_a_vms_pinning():
    d = boot_dir()
    r = run("--boot-dir", d, "--isolate", "win11")
    check(r.returncode == 0, r.stderr)
    check(options(d, SYSLINUX).endswith("isolcpus=2-3,6-7 nohz_full=2-3,6-7 rcu_nocbs=2-3,6-7"),
          options(d, SYSLINUX))
    check(options(d, SYSLINUX) == options(d, GRUB), "the files differ")
    r = run("--boot-dir", d, "--isolate", "nosuchvm")
    check(r.returncode == 3, r.stderr)


@test
def hugepages_from_the_vms():
    d = boot_dir()
    conf = os.path.join(TMP, "hugepages.conf")
    with open(conf, "w") as f:
        f.write("[host]\npersist_command=true\n")
    env = dict(os.environ, DKVM_SYSFS_ROOT=AMD_HOST)
    base = [DKVM, "--config", conf, "-c", URI, "host", "cmdline", "--boot-dir", d]
    r = subprocess.run(base + ["--hugepages"], capture_output=True, text=True, env=env)
    check(r.returncode == 0, r.stderr)
    check(options(d, GRUB).endswith("hugepagesz=2M hugepages=512"), options(d, GRUB))
    check(options(d, SYSLINUX) == options(d, GRUB), "the files differ")
    with open(conf) as f:
        check("boot_hugepages=on" in f.read(), "dkvm.conf not switched on")
    r = subprocess.run(base + ["--no-hugepages"], capture_output=True, text=True, env=env)
    check(r.returncode == 0, r.stderr)
    check("hugepage" not in options(d, GRUB), options(d, GRUB))
    with open(conf) as f:
        check("boot_hugepages=off" in f.read(), "dkvm.conf not switched off")


# The script run in the namespace: the boot files on a full tmpfs, the edit,
# then what is left, compared byte for byte with the originals.
FULL_FS = r'''
set -u
d="$1"; mp="$2"; dkvm="$3"
mount -t tmpfs -o size=64k none "$mp" || exit 99
mkdir -p "$mp/boot/syslinux" "$mp/boot/grub"
cp "$d/$4" "$mp/$4"; cp "$d/$5" "$mp/$5"
# fill it, then give back $7 KiB: tmpfs counts 4 KiB pages, one a file,
# so 0 stops the first backup, 8 the first new file after both backups,
# 12 the second new file after the first is written
dd if=/dev/zero of="$mp/filler" bs=1k count=1024 2>/dev/null
truncate -s "-$7k" "$mp/filler"
"$dkvm" --config "$6" host cmdline --boot-dir "$mp" --set isolate=1-3 --set iommu-pt 2>"$d/stderr"
echo "rc=$?"
cmp "$d/$4" "$mp/$4" && echo "syslinux same"
cmp "$d/$5" "$mp/$5" && echo "grub same"
(cd "$mp" && find . -type f | sort)
'''


def unshare_works():
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True,
                              timeout=30).returncode == 0
    except FileNotFoundError:
        return False


def backup_blocked_for_grub(d):
    """The second file's backup cannot be written (a directory is where it
    goes): the edit fails after syslinux.cfg's part is done."""
    os.makedirs(os.path.join(d, GRUB + ".bak", "x"))
    r = run("--boot-dir", d, "--set", "isolate=1-3", "--set", "iommu-pt")
    check(r.returncode == 1, f"exit {r.returncode}: {r.stderr}")
    check(r.stderr.startswith("dkvm: cannot write " + os.path.join(d, GRUB + ".bak")),
          r.stderr)
    check(read(d, SYSLINUX) == original(SYSLINUX), "syslinux.cfg changed")
    check(read(d, GRUB) == original(GRUB), "grub.cfg changed")
    leftovers = [p for p in listing(d) if ".cfg." in p and not p.endswith(".bak")
                 and "/x" not in p]
    check(leftovers == [], f"temporary files left: {leftovers}")


@test
def full_file_system_leaves_both_files():
    if not unshare_works():
        print("# unprivileged namespaces refused here: the midway failure is made with "
              "a directory where grub.cfg's backup goes", flush=True)
        backup_blocked_for_grub(boot_dir())
        return
    # free space: where the write stops, and the file its error names
    for free, fails_on in ((0, SYSLINUX + ".bak"), (8, SYSLINUX), (12, GRUB)):
        d = boot_dir()
        mp = os.path.join(TMP, f"full{free}")
        os.makedirs(mp)
        r = subprocess.run(["unshare", "-rm", "sh", "-c", FULL_FS, "sh", d, mp, DKVM,
                            SYSLINUX, GRUB, CONF, str(free)],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, DKVM_SYSFS_ROOT=AMD_HOST))
        out = r.stdout.splitlines()
        with open(os.path.join(d, "stderr")) as f:
            err = f.read()
        check("rc=1" in out, f"{free} KiB: {r.stdout} {r.stderr} {err}")
        check(err == f"dkvm: cannot write {mp}/{fails_on}: No space left on device\n",
              f"{free} KiB: {err}")
        check("syslinux same" in out and "grub same" in out, f"{free} KiB: {r.stdout}")
        # the backups written before the stop hold the files as they are
        files = [l[2:] for l in out if l.startswith("./")]
        temporary = [f for f in files if ".cfg." in f and not f.endswith(".bak")]
        check(temporary == [], f"{free} KiB: temporary files left: {temporary}")


@test
def backup_failure_on_the_second_file_leaves_both():
    backup_blocked_for_grub(boot_dir())

# A read-only boot partition, as a DKVM host mounts it: remounted read-write
# for the write, read-only again after.
REMOUNT = r'''
set -u
d="$1"; mp="$2"; dkvm="$3"
mount -t tmpfs -o size=256k,nosuid,nodev none "$mp" || exit 99
mkdir -p "$mp/boot/syslinux" "$mp/boot/grub"
cp "$d/$4" "$mp/$4"; cp "$d/$5" "$mp/$5"
mount -o remount,ro,nosuid,nodev "$mp" || exit 98
touch "$mp/probe" 2>/dev/null && echo "writable before"
"$dkvm" --config "$6" host cmdline --boot-dir "$mp" --set iommu-pt 2>"$d/stderr"
echo "rc=$?"
grep " $mp " /proc/self/mounts
touch "$mp/probe" 2>/dev/null && echo "writable after"
cat "$mp/$4" "$mp/$5" > "$d/after"
'''


@test
def read_only_boot_partition_remounted_for_the_write():
    d = boot_dir()
    if not unshare_works():
        print("# unprivileged namespaces refused here: no mount of the test's own to "
              "remount; the refused remount is checked below", flush=True)
        return
    mp = os.path.join(TMP, "ro")
    os.makedirs(mp)
    r = subprocess.run(["unshare", "-rm", "sh", "-c", REMOUNT, "sh", d, mp, DKVM,
                        SYSLINUX, GRUB, CONF],
                       capture_output=True, text=True, timeout=60)
    out = r.stdout.splitlines()
    with open(os.path.join(d, "stderr")) as f:
        err = f.read()
    check("rc=0" in out, f"{r.stdout} {r.stderr} {err}")
    check("writable before" not in out and "writable after" not in out, r.stdout)
    mount = [l for l in out if l.startswith("none ")]
    check(len(mount) == 1 and mount[0].split()[3].startswith("ro,")
          and "nosuid" in mount[0] and "nodev" in mount[0], mount)
    with open(os.path.join(d, "after")) as f:
        after = f.read()
    check(after.count("iommu=pt") == 2, after)


@test
def refused_remount_leaves_the_files():
    """/proc/mounts (a fixture's, under DKVM_SYSFS_ROOT) says the boot
    directory is a read-only mount point, which it is not: the remount
    fails and nothing is written."""
    d = boot_dir()
    root = os.path.join(TMP, "mounts-root")
    os.makedirs(os.path.join(root, "proc"), exist_ok=True)
    with open(os.path.join(root, "proc", "mounts"), "w") as f:
        f.write(f"/dev/sdb1 {os.path.realpath(d)} vfat ro,relatime,fmask=0022 0 0\n")
    r = run("--boot-dir", d, "--set", "iommu-pt", host=root)
    check(r.returncode == 1, f"exit {r.returncode}: {r.stderr}")
    check(r.stderr.startswith(f"dkvm: cannot remount {d} read-write: "), r.stderr)
    check(read(d, SYSLINUX) == original(SYSLINUX) and read(d, GRUB) == original(GRUB),
          "a file changed")
    check(listing(d) == [GRUB, SYSLINUX], listing(d))


sys.exit(test.run(scratch=TMP))
