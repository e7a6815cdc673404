#!/usr/bin/env python3
"""The DKVM host's boot steps (alpine-overlay/etc/dkvm/boot.sh, run by the
dkvm-vfio, dkvm-boot and dkvm-domains services) in a test root (DKVM_ROOT):
the data partition found and its folders created, NVRAM and swtpm state
bound onto it, boot-time hugepages and the CPU governor on a copy of a host
fixture's sysfs, SSH passwords only once root has one, the stick's domain
files imported on libvirt's test driver (good, bad, duplicate and already
defined files), and early vfio binding by address on a copy of the demo
host's sysfs with an identical second card.

The steps run with a PATH holding only the commands alpine-packages.txt
lists (plus the built dkvm), so a step that runs anything else fails here.

Usage: test-overlay-boot.py DKVM HOST_FIXTURE HOST_JSON (TAP): the fixture tree and
its `dkvm host --json` (test/data/hosts/demo, test/data/hosts-json/demo.json)"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libvirt"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import overlaylib as ol  # noqa: E402
from tapcases import Cases  # noqa: E402

DKVM = os.path.abspath(sys.argv[1])
FIXTURE = os.path.abspath(sys.argv[2])
HOST_JSON = os.path.abspath(sys.argv[3])
BOOT_SH = os.path.join(ol.OVERLAY, "etc", "dkvm", "boot.sh")
DOMAINS = os.path.join(ol.SOURCE_ROOT, "test", "data", "domains")

test = Cases()
scratch = tempfile.mkdtemp(prefix="dkvm-overlay-boot-")
_n = [0]


def new_root(mounted=True, label="DKVMDATA"):
    """A test root: proc/mounts (with the data partition when @mounted),
    dev/disk/by-label/@label, etc/dkvm/dkvm.conf."""
    _n[0] += 1
    root = os.path.join(scratch, f"root{_n[0]}")
    for d in ("proc", "dev/disk/by-label", "etc/dkvm", "etc/libvirt/qemu", "media/dkvmdata"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    with open(os.path.join(root, "proc", "mounts"), "w") as f:
        f.write("/dev/sda1 / ext4 rw 0 0\n")
        if mounted:
            f.write("/dev/sdb1 /media/dkvmdata ext4 rw,noatime 0 0\n")
    if label is not None:
        os.symlink("../../sdb1", os.path.join(root, "dev", "disk", "by-label", label))
    return root


def fake(name, body):
    return ol.write_script(os.path.join(scratch, name), "#!/bin/sh\n" + body)


MOUNT_LOG = os.path.join(scratch, "mount-calls")


def test_config(*lines):
    """A dkvm.conf for the steps (never the machine's /etc/dkvm/dkvm.conf)."""
    _n[0] += 1
    path = os.path.join(scratch, f"dkvm{_n[0]}.conf")
    with open(path, "w") as f:
        f.write("[host]\npersist_command=\n" + "".join(line + "\n" for line in lines))
    return path
FAKE_MOUNT = None


def run_steps(root, *steps, env=None):
    """Runs dkvm_run_steps STEPS in @root; (status, stdout, stderr)."""
    global FAKE_MOUNT
    if FAKE_MOUNT is None:
        # records the call; the test root's proc/mounts is what the steps read
        FAKE_MOUNT = fake("fake-mount", f'echo "$*" >> {MOUNT_LOG}\n')
    bindir = ol.command_path(os.path.join(scratch, "bin"), {"dkvm": DKVM})
    full = {"PATH": bindir, "DKVM_ROOT": root, "DKVM_MOUNT": FAKE_MOUNT,
            "DKVM_LOGGER": "true", "HOME": scratch, "DKVM_CONFIG": test_config()}
    full.update(env or {})
    r = subprocess.run(["/bin/sh", "-c", '. "$0"; dkvm_run_steps "$@"', BOOT_SH, *steps],
                       env=full, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def mount_calls():
    if not os.path.exists(MOUNT_LOG):
        return []
    with open(MOUNT_LOG) as f:
        calls = f.read().splitlines()
    os.unlink(MOUNT_LOG)
    return calls


# ---- data partition


@test
def data_dirs_created_on_first_boot():
    root = new_root()
    status, out, err = run_steps(root, "data_mount", "data_dirs")
    assert status == 0, out + err
    data = os.path.join(root, "media", "dkvmdata")
    for d in ("images", "isos", "nvram", "swtpm", "backups"):
        assert os.path.isdir(os.path.join(data, d)), f"{d} not created"
    assert os.stat(os.path.join(data, "swtpm")).st_mode & 0o777 == 0o711
    assert "already mounted" in out, out
    assert "created images isos nvram swtpm backups" in out, out
    assert mount_calls() == [], "mounted a partition that was mounted"
    # the second boot finds them and changes nothing
    with open(os.path.join(data, "isos", "win.iso"), "w") as f:
        f.write("x")
    status, out, err = run_steps(root, "data_dirs")
    assert status == 0 and "folders in place" in out, out + err
    assert os.path.exists(os.path.join(data, "isos", "win.iso"))


@test
def data_partition_mounted_by_label():
    root = new_root(mounted=False, label="MYDATA")
    status, out, err = run_steps(root, "data_mount",
                                 env={"DKVM_CONFIG": test_config("data_label=MYDATA")})
    assert status == 0, out + err
    dev = os.path.join(root, "dev", "disk", "by-label", "MYDATA")
    target = os.path.join(root, "media", "dkvmdata")
    assert mount_calls() == [f"-o noatime {dev} {target}"]
    assert f"mounted {dev} (MYDATA) at /media/dkvmdata" in out, out
    # without --config, the host's own dkvm.conf names the label
    with open(os.path.join(root, "etc", "dkvm", "dkvm.conf"), "w") as f:
        f.write("[host]\ndata_label=MYDATA\n")
    status, out, err = run_steps(root, "data_mount", env={"DKVM_CONFIG": ""})
    assert status == 0 and "(MYDATA)" in out, out + err
    mount_calls()


@test
def missing_partition_reported_and_other_steps_run():
    root = new_root(mounted=False, label=None)
    status, out, err = run_steps(root, "data_mount", "data_dirs", "ssh_auth")
    assert status == 2, f"exit {status}: two steps failed\n{out}{err}"
    assert "no partition is labelled DKVMDATA" in err, err
    assert "step 'data_mount' failed" in err and "step 'data_dirs' failed" in err, err
    assert "SSH: root has no password" in out, "the step after the failures did not run"
    assert not os.path.exists(os.path.join(root, "media", "dkvmdata", "images"))


@test
def shm_mounted_when_nothing_did():
    root = new_root()
    status, out, err = run_steps(root, "shm")
    assert status == 0, out + err
    assert mount_calls() == [f"-t tmpfs -o mode=1777,nosuid,nodev shm {root}/dev/shm"]
    assert "mounted a tmpfs at /dev/shm" in out, out
    # devfs mounted it already: nothing to do
    with open(os.path.join(root, "proc", "mounts"), "a") as f:
        f.write("shm /dev/shm tmpfs rw,nosuid,nodev 0 0\n")
    status, out, err = run_steps(root, "shm")
    assert status == 0 and mount_calls() == [] and "/dev/shm is mounted" in out, out + err


@test
def nvram_and_swtpm_bound_to_data_partition():
    root = new_root()
    status, out, err = run_steps(root, "data_dirs", "data_binds")
    assert status == 0, out + err
    data = os.path.join(root, "media", "dkvmdata")
    assert mount_calls() == [
        f"--bind {data}/nvram {root}/var/lib/libvirt/qemu/nvram",
        f"--bind {data}/swtpm {root}/var/lib/libvirt/swtpm",
    ]
    # already bound (a restart of the service): nothing mounted twice
    with open(os.path.join(root, "proc", "mounts"), "a") as f:
        f.write("/dev/sdb1 /var/lib/libvirt/qemu/nvram ext4 rw 0 0\n"
                "/dev/sdb1 /var/lib/libvirt/swtpm ext4 rw 0 0\n")
    status, out, err = run_steps(root, "data_binds")
    assert status == 0 and mount_calls() == [], out + err


# ---- hugepages and governor on a copy of the host fixture's sysfs


def sysfs_copy():
    tree = os.path.join(scratch, f"sys{_n[0]}")
    _n[0] += 1
    shutil.copytree(os.path.join(FIXTURE, "sys"), os.path.join(tree, "sys"), symlinks=True)
    return tree


def read(path):
    with open(path) as f:
        return f.read().strip()


@test
def boot_hugepages_reserved():
    tree = sysfs_copy()
    pools = os.path.join(tree, "sys", "kernel", "mm", "hugepages")
    root = new_root()
    status, out, err = run_steps(root, "hugepages",
                                 env={"DKVM_SYSFS_ROOT": tree, "hugepages": "2M:64"})
    assert status == 0, out + err
    assert read(os.path.join(pools, "hugepages-2048kB", "nr_hugepages")) == "64"
    assert "reserved 64 2M pages" in out, out
    status, out, err = run_steps(root, "hugepages", env={"DKVM_SYSFS_ROOT": tree, "hugepages": "3M:1 2M:x"})
    assert status == 1, out + err
    assert "the size is 2M or 1G" in err and "the count is a number" in err, err


@test
def boot_hugepages_of_the_vms_reserved():
    tree = sysfs_copy()
    nr = os.path.join(tree, "sys", "kernel", "mm", "hugepages", "hugepages-2048kB", "nr_hugepages")
    root = new_root()
    with open(os.path.join(root, "etc", "libvirt", "qemu", "hp.xml"), "w") as f:
        f.write(print_xml("hp", "--preset", "linux", "--memory", "1G"))
    # off (the default): the kernel's pools are only reported
    status, out, err = run_steps(root, "hugepages", env={"DKVM_SYSFS_ROOT": tree})
    assert status == 0, out + err
    assert "boot_hugepages is off in dkvm.conf" in out and read(nr) == "0", out
    on = {"DKVM_SYSFS_ROOT": tree, "DKVM_CONFIG": test_config("boot_hugepages=on")}
    status, out, err = run_steps(root, "hugepages", env=on)
    assert status == 0, out + err
    assert "512 pages of 2 MiB free (512 added now)" in out, out
    assert read(nr) == "512"
    # the kernel command line reserved them already (the kernel's free count
    # follows its pool; a fixture's file is written here): nothing added
    with open(os.path.join(os.path.dirname(nr), "free_hugepages"), "w") as f:
        f.write("512\n")
    status, out, err = run_steps(root, "hugepages", env=on)
    assert status == 0 and "(0 added now)" in out and read(nr) == "512", out + err


@test
def governor_set_on_every_cpu():
    tree = sysfs_copy()
    cpus = os.path.join(tree, "sys", "devices", "system", "cpu")
    govs = []
    for cpu in sorted(os.listdir(cpus)):
        if cpu.startswith("cpu") and cpu[3:].isdigit():
            d = os.path.join(cpus, cpu, "cpufreq")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "scaling_governor"), "w") as f:
                f.write("schedutil\n")
            govs.append(os.path.join(d, "scaling_governor"))
    assert govs, "the fixture has no CPUs"
    status, out, err = run_steps(new_root(), "governor", env={"DKVM_SYSFS_ROOT": tree})
    assert status == 0, out + err
    assert all(read(g) == "performance" for g in govs)
    assert f"performance on {len(govs)} CPUs" in out, out


# ---- SSH


@test
def ssh_passwords_only_with_a_root_password():
    root = new_root()
    conf = os.path.join(root, "etc", "ssh", "sshd_config.d", "50-dkvm-password.conf")
    with open(os.path.join(root, "etc", "shadow"), "w") as f:
        f.write("root:*::0:::::\n")
    status, out, err = run_steps(root, "ssh_auth")
    assert status == 0 and not os.path.exists(conf), out + err
    with open(os.path.join(root, "etc", "shadow"), "w") as f:
        f.write("root:$6$salt$hash::0:::::\n")
    status, out, err = run_steps(root, "ssh_auth")
    assert status == 0, out + err
    assert "PasswordAuthentication yes" in read(conf).splitlines()
    with open(os.path.join(root, "etc", "shadow"), "w") as f:
        f.write("root:!::0:::::\n")
    status, out, err = run_steps(root, "ssh_auth")
    assert status == 0 and not os.path.exists(conf), "a locked root kept password logins"
    sshd = read(os.path.join(ol.OVERLAY, "etc", "ssh", "sshd_config")).splitlines()
    assert sshd.index("Include /etc/ssh/sshd_config.d/*.conf") < sshd.index("PasswordAuthentication no")


# ---- the stick's domains on libvirt's test driver


def domain_file(folder, name, xml_name, text=None):
    if text is None:
        with open(os.path.join(DOMAINS, "win11-plain-amd.xml")) as f:
            text = f.read()
        src_name = text.split("<name>", 1)[1].split("</name>", 1)[0]
        text = text.replace(f"<name>{src_name}</name>", f"<name>{xml_name}</name>", 1)
        # a file naming no UUID gets a new one (two files may share the source)
        text = "".join(text.split("<uuid>", 1)[0:1] + [text.split("</uuid>", 1)[1]]) \
            if "<uuid>" in text else text
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)


@test
def stick_domains_imported_bad_and_duplicate_reported():
    root = new_root()
    stick = os.path.join(root, "media", "usb", "domains")
    os.makedirs(stick)
    domain_file(stick, "a-good.xml", "dkvm-overlay-good")
    domain_file(stick, "b-bad.xml", "dkvm-overlay-bad",
                "<domain type='kvm'><name>dkvm-overlay-bad</name><memory>x</memory></domain>\n")
    domain_file(stick, "c-dup.xml", "dkvm-overlay-good")
    domain_file(stick, "d-kept.xml", "dkvm-overlay-kept")
    domain_file(stick, "e-noname.xml", "", "<domain type='kvm'/>\n")
    # libvirt already keeps dkvm-overlay-kept (saved by lbu): left alone
    with open(os.path.join(root, "etc", "libvirt", "qemu", "dkvm-overlay-kept.xml"), "w") as f:
        f.write("<domain/>\n")
    conf = os.path.join(scratch, "dkvm-test.conf")
    with open(conf, "w") as f:
        f.write("[host]\npersist_command=\n")
    status, out, err = run_steps(root, "domains", env={
        "DKVM_CONNECT": "test:///default", "DKVM_CONFIG": conf})
    assert status == 1, f"exit {status}\n{out}{err}"
    assert "a-good.xml: " in out and "dkvm-overlay-good" in out.split("a-good.xml: ", 1)[1].splitlines()[0], out
    assert "b-bad.xml" in err, err
    assert "c-dup.xml: VM 'dkvm-overlay-good' is also in an earlier file: skipped" in err, err
    assert "d-kept.xml: VM 'dkvm-overlay-kept' is already defined: left as it is" in out, out
    assert "e-noname.xml: no <name>" in err, err
    assert "imported 1 VMs" in out, out


@test
def no_stick_domains_is_fine():
    status, out, err = run_steps(new_root(), "domains")
    assert status == 0 and "nothing to import" in out, out + err


# ---- early vfio binding by address


def print_xml(name, *options):
    preset = [] if "--preset" in options else ["--preset", "windows11"]
    r = subprocess.run([DKVM, "--connect", "test:///default", "vm", "create", name,
                        *preset, "--host-json", HOST_JSON, "--print-xml",
                        *options], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


@test
def early_binding_by_address_leaves_identical_card():
    tree = sysfs_copy()
    devices = os.path.join(tree, "sys", "bus", "pci", "devices")
    drivers = os.path.join(tree, "sys", "bus", "pci", "drivers")
    # the second GPU becomes the same model as the first: same vendor:device
    for attr in ("vendor", "device", "subsystem_vendor", "subsystem_device"):
        with open(os.path.join(devices, "0000:01:00.0", attr)) as f:
            value = f.read()
        with open(os.path.join(devices, "0000:09:00.0", attr), "w") as f:
            f.write(value)
    root = new_root()
    qemu = os.path.join(root, "etc", "libvirt", "qemu")
    with open(os.path.join(qemu, "win11.xml"), "w") as f:
        f.write(print_xml("win11", "--pci", "0000:01:00.0", "--early-bind"))
    # a VM that is not marked: its card stays with the host until it starts
    with open(os.path.join(qemu, "other.xml"), "w") as f:
        f.write(print_xml("other", "--pci", "0000:09:00.0"))
    env = {"DKVM_SYSFS_ROOT": tree}

    status, out, err = run_steps(root, "early_bind", env=env)
    assert status == 0, out + err
    assert "bound 0000:01:00.0 (VM 'win11') to vfio-pci (was nouveau)" in out, out
    assert "bound 0000:01:00.1 (VM 'win11') to vfio-pci (was snd_hda_intel)" in out, out
    assert "09:00" not in out, out
    assert read(os.path.join(devices, "0000:01:00.0", "driver_override")) == "vfio-pci"
    assert read(os.path.join(devices, "0000:01:00.1", "driver_override")) == "vfio-pci"
    assert read(os.path.join(drivers, "nouveau", "unbind")) == "0000:01:00.0"
    assert read(os.path.join(drivers, "snd_hda_intel", "unbind")) == "0000:01:00.1"
    # the identical card and its sound function keep their drivers
    for addr in ("0000:09:00.0", "0000:09:00.1"):
        assert read(os.path.join(devices, addr, "driver_override")) in ("", "(null)"), addr
    # the kernel probed what was unbound (the fixture keeps the last write)
    assert read(os.path.join(tree, "sys", "bus", "pci", "drivers_probe")) == "0000:01:00.1"

    # --dry-run changes nothing
    for attr in ("driver_override",):
        with open(os.path.join(devices, "0000:01:00.0", attr), "w") as f:
            f.write("")
    r = subprocess.run([DKVM, "host", "bind-early", "--dry-run", "--xml-dir", qemu],
                       env={**os.environ, "DKVM_SYSFS_ROOT": tree}, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "would bind 0000:01:00.0 (VM 'win11') to vfio-pci (now nouveau)" in r.stdout, r.stdout
    assert read(os.path.join(devices, "0000:01:00.0", "driver_override")) == ""


@test
def early_binding_under_umockdev():
    """The same binding where the kernel's files come from umockdev (as the
    host suite reads fixtures): /sys is the fixture, DKVM_SYSFS_ROOT unset."""
    wrapper = shutil.which("umockdev-wrapper")
    assert wrapper is not None, "umockdev-wrapper is missing (scripts/install-deps installs umockdev)"
    fixture = os.path.join(scratch, f"umockdev{_n[0]}")
    _n[0] += 1
    shutil.copytree(FIXTURE, fixture, symlinks=True)
    root = new_root()
    qemu = os.path.join(root, "etc", "libvirt", "qemu")
    with open(os.path.join(qemu, "win11.xml"), "w") as f:
        f.write(print_xml("win11", "--pci", "0000:01:00.0", "--early-bind"))
    env = {k: v for k, v in os.environ.items() if k != "DKVM_SYSFS_ROOT"}
    env["UMOCKDEV_DIR"] = fixture
    r = subprocess.run([wrapper, DKVM, "host", "bind-early", "--xml-dir", qemu], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "bound 0000:01:00.0 (VM 'win11') to vfio-pci (was nouveau)" in r.stdout, r.stdout
    devices = os.path.join(fixture, "sys", "bus", "pci", "devices")
    assert read(os.path.join(devices, "0000:01:00.0", "driver_override")) == "vfio-pci"
    assert read(os.path.join(devices, "0000:09:00.0", "driver_override")) == "(null)"
    assert read(os.path.join(fixture, "sys", "bus", "pci", "drivers", "nouveau", "unbind")) \
        == "0000:01:00.0"


@test
def early_binding_failures_reported_others_bound():
    tree = sysfs_copy()
    root = new_root()
    qemu = os.path.join(root, "etc", "libvirt", "qemu")
    xml = print_xml("win11", "--pci", "0000:01:00.0", "--early-bind")
    with open(os.path.join(qemu, "win11.xml"), "w") as f:
        f.write(xml)
    # a VM naming a device this host lacks, and a file that is no domain
    with open(os.path.join(qemu, "gone.xml"), "w") as f:
        f.write(xml.replace("<name>win11</name>", "<name>gone</name>")
                .replace("bus=\"0x01\"", "bus=\"0x42\""))
    with open(os.path.join(qemu, "broken.xml"), "w") as f:
        f.write("<domain>\n")
    status, out, err = run_steps(root, "early_bind", env={"DKVM_SYSFS_ROOT": tree})
    assert status == 1, out + err
    assert "bound 0000:01:00.0 (VM 'win11') to vfio-pci" in out, out
    assert "cannot bind 0000:42:00.0 (VM 'gone') to vfio-pci: the host has no PCI device" in err, err
    assert "broken.xml" in err, err
    assert "step 'early_bind' failed" in err, err
    with open(os.path.join(tree, "sys", "bus", "pci", "devices", "0000:01:00.0", "driver_override")) as f:
        assert f.read().strip() == "vfio-pci"


@test
def early_binding_without_marked_vms_changes_nothing():
    tree = sysfs_copy()
    root = new_root()
    with open(os.path.join(root, "etc", "libvirt", "qemu", "other.xml"), "w") as f:
        f.write(print_xml("other", "--pci", "0000:01:00.0"))
    status, out, err = run_steps(root, "early_bind", env={"DKVM_SYSFS_ROOT": tree})
    assert status == 0 and "no VM is marked for early binding" in out, out + err
    assert read(os.path.join(tree, "sys", "bus", "pci", "drivers", "nouveau", "unbind")) == ""


sys.exit(test.run(scratch))
