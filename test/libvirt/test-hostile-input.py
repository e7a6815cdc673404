#!/usr/bin/env python3
"""Hostile input (issue 18) through the real dkvm binary on libvirt's test
driver: dkvm.conf, `vm import` files and option values that a probe found
crashing, hanging, misread or echoing control characters. Each is refused
with one `dkvm:` line (no libvirt log line, no raw control character) and a
non-zero exit, quickly (a hang or a quadratic blow-up runs into the
subprocess timeout, far below the 16 s the probe measured), and leaves the
files it was given as they were. The option values that plan, create and
edit must refuse alike are in test-vm-cli.py (BAD_OPTIONS); the host-wide
"nothing changed" on a real libvirtd in test/system (errors.py, import.py).
Prints TAP.

Usage: test-hostile-input.py DKVM NODE_XML HOST_JSON
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

from tapcases import Cases

DKVM, NODE, HOST = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
URI = "test://" + NODE
TMP = tempfile.mkdtemp(prefix="dkvm-hostile-")
# a hang guard, not a speed goal: the probe's worst case took 16 s
TIMEOUT_S = 5
# what the user may have set must not decide where libvirt's log goes here
ENV = {k: v for k, v in os.environ.items() if not k.startswith("LIBVIRT_LOG")}
VM_OPTIONS = ["--preset", "linux", "--vcpus", "2", "--memory", "1G", "--network", "none",
              "--host-json", HOST]


def write(name, text, mode="w"):
    path = os.path.join(TMP, name)
    with open(path, mode) as f:
        f.write(text)
    return path


CONF = write("dkvm.conf", "[host]\npersist_command=true\n")


def dkvm(*args, conf=CONF):
    return subprocess.run([DKVM, "--connect", URI, "--config", conf] + list(args),
                          capture_output=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT_S,
                          env=ENV)


def digest(paths):
    """The bytes of @paths (files; folders by their entries), to tell that
    nothing was changed."""
    h = hashlib.sha256()
    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                h.update(name.encode("utf-8", "surrogateescape"))
        elif os.path.isfile(path):
            with open(path, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


def refused(args, rc, lines, conf=CONF, files=()):
    """dkvm @args exits @rc with exactly @lines on stderr (each `dkvm: ...`
    or `hint: ...`; bytes with no raw control character), nothing on
    stdout, and @files, @conf and the node file unchanged."""
    watched = [conf, NODE, *files]
    before = digest(watched)
    r = dkvm(*args, conf=conf)
    where = f"\nargs: {args!r}\nstdout: {r.stdout!r}\nstderr: {r.stderr!r}"
    assert r.returncode == rc, f"exit {r.returncode}, expected {rc}{where}"
    assert r.stdout == b"", where
    err = r.stderr.decode("utf-8", "surrogateescape")
    assert err == "".join(line + "\n" for line in lines), f"stderr != {lines!r}{where}"
    for line in err.splitlines():
        assert line.startswith(("dkvm: ", "hint: ")), where
        assert not any(ord(c) < 0x20 or ord(c) == 0x7f for c in line), where
    assert digest(watched) == before, f"the files changed{where}"
    return r


test = Cases()


# ---- dkvm.conf ----

@test
def conf_reserve_repeated_is_one_pass():
    # 95 bytes that took 16 s: each range de-duplicated against all before
    conf = write("reserve.conf", "[host]\nreserve=" + ",".join(["0-65535"] * 10) + "\n")
    refused(["plan", *VM_OPTIONS], 2,
            ["dkvm: host reserve 0-65535: CPU 32 is not an online CPU of this host"], conf)


@test
def conf_headroom_overflow_is_refused():
    conf = write("headroom.conf", "[host]\nheadroom=18446744073709551615K\n")
    refused(["plan", *VM_OPTIONS], 2,
            [f"dkvm: {conf}: headroom: invalid size '18446744073709551615K': too large "
             "(libvirt takes at most 8 EiB)"], conf)


@test
def conf_huge_headroom_is_not_wrapped_by_the_pool_check():
    # the largest headroom a size holds, with pages to add: the sum saturates
    # and is refused, where it used to wrap into a small number that passed
    conf = write("headroom-max.conf", "[host]\nheadroom=9007199254740991K\n")
    r = dkvm("plan", *VM_OPTIONS[:5], "64G", *VM_OPTIONS[6:], conf=conf)
    err = r.stderr.decode()
    assert r.returncode == 4, (r.returncode, err)
    assert err.startswith("dkvm: not enough memory for 64 GiB in hugepages: "), err
    assert "the host keeps 8589934592 GiB" in err, err


@test
def conf_escape_bytes_are_shown_escaped():
    conf = write("escape.conf", "[host]\n\x1b[2J\x1b[31mbad line\n")
    refused(["plan", *VM_OPTIONS], 2,
            [f"dkvm: {conf}: Key file contains line \u201c\\e[2J\\e[31mbad line\u201d which is "
             "not a key-value pair, group, or comment"], conf)
    conf = write("escape-value.conf", "[host]\nboot_hugepages=\x1b]0;pwned\x07\n")
    refused(["plan", *VM_OPTIONS], 2,
            [f"dkvm: {conf}: boot_hugepages: must be on or off, not '\\e]0;pwned\\x07'"], conf)
    conf = write("escape-reserve.conf", "[host]\nreserve=0-3\x1b[8m\n")
    refused(["plan", *VM_OPTIONS], 2,
            [f"dkvm: {conf}: reserve: invalid CPU list '0-3\\e[8m': expected the kernel's "
             "syntax, e.g. 0-3,8-11"], conf)


# ---- vm import ----

def domain(name, memory="<memory unit='MiB'>512</memory>", extra=""):
    return (f"<domain type='test'><name>{name}</name>{memory}"
            "<vcpu placement='static'>1</vcpu>"
            f"<os><type arch='x86_64'>hvm</type></os>{extra}</domain>\n")


@test
def import_fifo_is_refused_without_waiting():
    path = os.path.join(TMP, "fifo.xml")
    os.mkfifo(path)
    refused(["vm", "import", path], 2,
            [f"dkvm: skipped {path}: not a regular file (a FIFO): only regular files are read",
             "dkvm: import: 1 of 1 file skipped"])


@test
def import_link_to_a_device_is_refused_without_reading():
    path = os.path.join(TMP, "zero.xml")
    os.symlink("/dev/zero", path)
    refused(["vm", "import", path], 2,
            [f"dkvm: skipped {path}: not a regular file (a character device): only regular "
             "files are read",
             "dkvm: import: 1 of 1 file skipped"])


@test
def import_of_a_folder_skips_what_is_not_a_regular_file():
    folder = os.path.join(TMP, "stick")
    os.makedirs(folder)
    os.mkfifo(os.path.join(folder, "a-fifo.xml"))
    os.symlink("/dev/zero", os.path.join(folder, "b-zero.xml"))
    os.makedirs(os.path.join(folder, "c-folder.xml"))
    refused(["vm", "import", folder], 2,
            [f"dkvm: skipped {folder}/a-fifo.xml: not a regular file (a FIFO): only regular "
             "files are read",
             f"dkvm: skipped {folder}/b-zero.xml: not a regular file (a character device): "
             "only regular files are read",
             f"dkvm: skipped {folder}/c-folder.xml: not a regular file (a folder): only "
             "regular files are read",
             "dkvm: import: 3 of 3 files skipped"], files=[folder])


@test
def import_file_over_the_cap_is_refused():
    # virsh define's cap (10 MiB): a comment makes a valid domain that large
    path = write("big.xml", domain("big", extra="<!--" + "x" * (10 * 1024 * 1024) + "-->"))
    size = os.path.getsize(path)
    refused(["vm", "import", path], 2,
            [f"dkvm: skipped {path}: too large: {size} bytes (at most 10485760)",
             "dkvm: import: 1 of 1 file skipped"], files=[path])


@test
def import_memory_no_libvirt_holds_is_bad_input():
    path = write("huge.xml", domain("huge", "<memory unit='TiB'>17179869184</memory>"))
    refused(["vm", "import", path], 2,
            [f"dkvm: skipped {path}: memory: 17179869184 TiB is too large (libvirt takes at "
             "most 8 EiB)",
             "dkvm: import: 1 of 1 file skipped"], files=[path])


@test
def import_keeps_libvirts_log_lines_off_the_terminal():
    # the test driver parses in this process: libvirt logged "Ignoring
    # vcpupin for missing vcpus" to stderr, once per pin
    pins = "".join(f"<vcpupin vcpu='{i}' cpuset='0'/>" for i in range(1, 17))
    path = write("pins.xml", domain("pins", extra=f"<cputune>{pins}</cputune>"))
    r = dkvm("vm", "import", path)
    err = r.stderr.decode()
    assert r.returncode == 0, (r.returncode, err)
    assert r.stdout.decode() == f"imported VM 'pins' from {path}\n", r.stdout
    assert err == "", err


@test
def import_file_name_with_escape_bytes_is_shown_escaped():
    path = os.path.join(TMP, "esc\x1b[2J.xml")
    os.mkfifo(path)
    shown = path.replace("\x1b", "\\e")
    refused(["vm", "import", path], 2,
            [f"dkvm: skipped {shown}: not a regular file (a FIFO): only regular files are read",
             "dkvm: import: 1 of 1 file skipped"])


@test
def import_of_the_original_dkvms_partition_skips_a_fifo_vm_config():
    import shutil
    data = os.path.join(os.path.dirname(NODE), "..")
    d = os.path.join(TMP, "legacy")
    shutil.copytree(os.path.join(data, "legacy", "no-zero"), d)
    config = os.path.join(d, "2", "vm_config")
    os.unlink(config)
    os.mkfifo(config)
    r = dkvm("vm", "import", d, "--host-json", os.path.join(data, "hosts-json", "demo.json"))
    err = r.stderr.decode()
    assert r.returncode == 2, (r.returncode, err)
    assert r.stdout.decode() == "imported VM 'Gaming' from folder 1\n", r.stdout
    assert f"dkvm: skipped folder 2: {config}: not a regular file (a FIFO): only regular " \
        "files are read\n" in err, err


# ---- command-line values ----

NOT_TEXT = "the value is not text in the locale's character set (UTF-8)"


@test
def non_utf8_option_values_name_the_option():
    bad = "\udcff"  # the byte 0xff, passed as it is (surrogateescape)
    refused(["plan", *VM_OPTIONS, "--memory=" + bad], 2,
            [f"dkvm: plan: --memory: {NOT_TEXT}"])
    refused(["plan", *VM_OPTIONS, "--disk", "/x" + bad], 2, [f"dkvm: plan: --disk: {NOT_TEXT}"])
    refused(["vm", "create", "new", *VM_OPTIONS, "--hyperv-vendor-id", bad], 2,
            [f"dkvm: vm create: --hyperv-vendor-id: {NOT_TEXT}"])
    # a positional word that is not UTF-8 either is not taken for the culprit
    refused(["vm", "edit", "win" + bad, "--memory", "1" + bad], 2,
            [f"dkvm: vm edit: --memory: {NOT_TEXT}"])
    r = subprocess.run([DKVM, "--connect=" + bad, "vm", "list"], capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=TIMEOUT_S, env=ENV)
    assert r.returncode == 2 and r.stderr == f"dkvm: --connect: {NOT_TEXT}\n".encode(), r


@test
def escape_bytes_in_values_are_shown_escaped():
    refused(["plan", *VM_OPTIONS, "--preset", "\x1b[31mred"], 2,
            ["dkvm: --preset: unknown preset '\\e[31mred' (windows11, windows10 or linux)"])
    refused(["plan", *VM_OPTIONS, "--vcpus", "4\x1b[2J"], 2,
            ["dkvm: --vcpus '4\\e[2J': expected a whole number from 1 to 4096"])
    # a newline in a value would split the one line
    refused(["plan", *VM_OPTIONS, "--pci", "01:00.0\nhint: rm -rf"], 2,
            ["dkvm: --pci: invalid PCI address '01:00.0\\nhint: rm -rf': expected "
             "DDDD:BB:SS.F or BB:SS.F, e.g. 0000:01:00.0"])


@test
def vcpus_are_decimal():
    # strtoul's base 0 read "010" as eight
    r = dkvm("plan", *VM_OPTIONS, "--vcpus", "010", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["cpu"]["vcpus"] == 10, r.stdout


@test
def size_formatter_does_not_wrap():
    # the largest memory a size holds: the shortfall is printed exactly,
    # where "1759218603366.8 GiB missing" came out of a wrap
    r = dkvm("plan", *VM_OPTIONS[:5], "9007199254740991K", *VM_OPTIONS[6:])
    err = r.stderr.decode()
    assert r.returncode == 4, (r.returncode, err)
    assert err.startswith("dkvm: not enough memory for 8589934592 GiB in hugepages: "
                          "8589934541.2 GiB missing (8589934592 GiB of new pages "
                          "needed, 54 GiB available, the host keeps 3.2 GiB)\n"), err


if __name__ == "__main__":
    sys.exit(test.run(scratch=TMP))
