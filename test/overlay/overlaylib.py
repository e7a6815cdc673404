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


# shell words that are no program: builtins, keywords, OpenRC's functions
NOT_PROGRAMS = set("""echo printf read set cd exit return local test [ true false : . command
trap shift export unset eval exec wait kill case esac for in while until do done if then elif
else fi { } ! break continue umask getopts type alias ;;
ebegin eend einfo eerror ewarn depend start stop need use after before provide keyword""".split())


def script_commands(text):
    """The programs a POSIX sh script runs (a reading good for the overlay's
    scripts, not a shell parser): the first word of each simple command,
    without builtins, keywords, the script's own functions and words given
    through a variable; for those, the defaults of DKVM_* variables
    ("${DKVM_MOUNT:-mount}") count."""
    import re
    funcs = set(re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\(\)\s*\{", text, re.M))
    found = set(re.findall(r"\$\{DKVM[A-Z_]*:-([a-z][a-z-]*)\}", text))
    text = re.sub(r"\\\n", " ", text)
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = re.sub(r"\s#.*$", "", line)
        line = re.sub(r"'[^']*'", "''", line)
        line = re.sub(r'"[^"]*"', '""', line)
        line = re.sub(r"\$\(\([^)]*\)\)", "0", line)
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*\(\)", line):
            continue
        m = re.match(r"^([^()=$]*)\)\s*(.*)$", line)  # a case pattern "a | b) ..."
        if m:
            line = m.group(2)
        for seg in re.split(r"\|\||&&|\||;|\$\(|`|\bthen\b|\bdo\b|\belse\b", line):
            words = seg.replace("(", " ").replace(")", " ").split()
            while words and (words[0] in ("if", "elif", "while", "until", "!", "{")
                             or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0])
                             or re.match(r"^\d*[<>]", words[0])):
                words.pop(0)
            if not words or not re.fullmatch(r"[A-Za-z0-9_./-]+", words[0]):
                continue
            if words[0] in NOT_PROGRAMS or words[0] in funcs:
                continue
            found.add(os.path.basename(words[0]))
    return found
