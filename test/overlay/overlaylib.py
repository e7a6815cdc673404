"""What the overlay tests share: the overlay's folder, its package table
(alpine-packages.txt), and a PATH holding only the commands the table lists,
so a script that runs anything else fails in the tests as it would on a host
whose world lacks it."""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
OVERLAY = os.path.join(SOURCE_ROOT, "alpine-overlay")
TABLE = os.path.join(HERE, "alpine-packages.txt")

# the runlevels: what each must hold at least
REQUIRED_RUNLEVELS = {
    "sysinit": {"devfs", "dmesg", "udev", "hwdrivers", "modloop"},
    "boot": {"modules", "sysctl", "hostname", "bootmisc", "syslog", "networking"},
    "default": {"dkvm-boot", "virtlogd", "libvirtd", "acpid", "sshd"},
}

# the list of what world must name, and dkvm itself (the builder
# ships it as a package)
REQUIRED_WORLD = {
    "alpine-base", "libvirt-daemon", "libvirt-qemu", "qemu-system-x86_64", "qemu-img",
    "ovmf", "swtpm", "dnsmasq", "dialog", "pciutils", "hwdata-pci", "eudev", "acpid",
    "openssl", "dkvm", "qemu-hw-usb-host",
}


def read_table():
    """{'service': {name: (world_pkg, provider)}, 'command': {...}}"""
    table = {"service": {}, "command": {}}
    with open(TABLE) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            kind, name, world_pkg, provider = line
            table[kind][name] = (world_pkg, provider)
    return table


def read_world():
    with open(os.path.join(OVERLAY, "etc", "apk", "world")) as f:
        return {w.strip() for w in f if w.strip()}


def read_modes():
    modes = {}
    with open(os.path.join(OVERLAY, "MODES")) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if line:
                modes[line[0]] = int(line[1], 8)
    return modes


def overlay_services():
    """The init scripts the overlay brings itself."""
    return set(os.listdir(os.path.join(OVERLAY, "etc", "init.d")))


def build_apkovl(out, *args, env=None):
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run(["sh", os.path.join(OVERLAY, "build-apkovl"), out, *args],
                          capture_output=True, text=True, env=full)


def command_path(bindir, extra=None):
    """Fills @bindir with links to this machine's copies of the table's
    commands (those it has) and @extra {name: path}; returns it as a PATH."""
    os.makedirs(bindir, exist_ok=True)
    for name in read_table()["command"]:
        real = shutil.which(name, path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        if real is not None and not os.path.exists(os.path.join(bindir, name)):
            os.symlink(real, os.path.join(bindir, name))
    for name, path in (extra or {}).items():
        link = os.path.join(bindir, name)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(path, link)
    return bindir


def write_script(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)
    return path


def tap_main(cases, scratch):
    sys.exit(cases.run(scratch))
