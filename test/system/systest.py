"""Shared parts of the `system` suite: TAP output, running the real dkvm
binary and virsh, and reading the host's state (hugepage pool, swtpm
processes, NVRAM and TPM state) so each test can say what changed.

The suite runs on a real libvirtd with the QEMU driver (qemu:///system), as
root, after test/system/start-libvirtd. Every check prints one TAP line; a
failed check prints what was expected and what came back, and the test goes
on so one run shows every problem.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

URI = "qemu:///system"
POOL = "/sys/kernel/mm/hugepages/hugepages-2048kB"
POOL_1G = "/sys/kernel/mm/hugepages/hugepages-1048576kB"
NVRAM_DIR = "/var/lib/libvirt/qemu/nvram"
SWTPM_DIR = "/var/lib/libvirt/swtpm"
RECORD_DIR = "/run/dkvm/hugepages"


class Tap:
    """TAP producer: numbered checks, diagnostics, a final plan line."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, ok, what, detail=None):
        self.count += 1
        if ok:
            print(f"ok {self.count} - {what}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.count} - {what}", flush=True)
            if detail:
                for line in str(detail).rstrip().splitlines():
                    print(f"#   {line}", flush=True)
            # meson shows a failing test's stderr on the console (--print-errorlogs)
            print(f"FAILED: {what}", file=sys.stderr, flush=True)
            if detail:
                print(str(detail).rstrip(), file=sys.stderr, flush=True)
        return ok

    def skip(self, what):
        """A check whose fact does not exist on this machine: `what` says why."""
        self.count += 1
        print(f"ok {self.count} # SKIP {what}", flush=True)

    def note(self, text):
        for line in str(text).rstrip().splitlines():
            print(f"# {line}", flush=True)
        print(str(text).rstrip(), file=sys.stderr, flush=True)

    def bail(self, why):
        self.check(False, why)
        self.finish()

    def finish(self):
        print(f"1..{self.count}", flush=True)
        sys.exit(1 if self.failed else 0)


class Result:
    def __init__(self, argv, proc):
        self.argv = argv
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def describe(self):
        return (f"command: {shlex.join(self.argv)}\nexit status: {self.code}\n"
                f"stdout: {self.out.strip()[:2000]}\nstderr: {self.err.strip()[:2000]}")


def run(argv, timeout=180, env=None):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    return Result(argv, proc)


def virsh(*args, uri=URI):
    return run(["virsh", "-c", uri, *args])


def require_root_and_libvirtd(tap, setup_script, pages):
    """FAIL (never skip) when the suite cannot run here."""
    if os.geteuid() != 0:
        tap.bail("the system suite needs root (it starts libvirtd and reserves hugepages)")
    setup = run([setup_script, str(pages)], timeout=120)
    if not tap.check(setup.code == 0, "start-libvirtd: libvirtd answers on qemu:///system",
                     setup.describe()):
        tap.finish()


def pool():
    """(nr, free, resv) of the global 2 MiB pool."""
    values = []
    for name in ("nr_hugepages", "free_hugepages", "resv_hugepages"):
        with open(os.path.join(POOL, name)) as f:
            values.append(int(f.read().strip()))
    return tuple(values)


def pool_1g():
    """nr_hugepages of the global 1 GiB pool, None when the kernel has none."""
    try:
        with open(os.path.join(POOL_1G, "nr_hugepages")) as f:
            return int(f.read().strip())
    except FileNotFoundError:
        return None


def hugetlbfs_page_sizes():
    """{page size in KiB: mount point} of the hugetlbfs mounts (no pagesize=:
    the default size from /proc/meminfo), as QEMU and DKVM find them."""
    default_kib = None
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("Hugepagesize:"):
                default_kib = int(line.split()[1])
    units = {"K": 1, "M": 1024, "G": 1024 * 1024}
    found = {}
    with open("/proc/mounts") as f:
        for line in f:
            fields = line.split()
            if len(fields) < 4 or fields[2] != "hugetlbfs":
                continue
            size = default_kib
            for opt in fields[3].split(","):
                if opt.startswith("pagesize="):
                    value = opt[len("pagesize="):]
                    size = int(value[:-1]) * units[value[-1].upper()]
            found.setdefault(size, fields[1].replace("\\040", " "))
    return found


def set_pool(nr):
    with open(os.path.join(POOL, "nr_hugepages"), "w") as f:
        f.write(f"{nr}\n")


def domains():
    r = virsh("list", "--all", "--name")
    return sorted(n for n in r.out.split() if n)


def domain_exists(name):
    return virsh("domuuid", name).code == 0


def domain_uuid(name):
    r = virsh("domuuid", name)
    return r.out.strip() if r.code == 0 else None


def swtpm_processes():
    """{pid: command line} of every running swtpm."""
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and os.path.basename(argv[0].decode(errors="replace")) == "swtpm":
            found[int(pid)] = " ".join(a.decode(errors="replace") for a in argv if a)
    return found


def listing(path):
    try:
        return sorted(os.listdir(path))
    except FileNotFoundError:
        return []


# Every VM this suite makes is named so; other users of the same libvirtd (a
# developer's own VMs) are left out of the comparisons below.
SUITE_PREFIX = "dkvm-system-"


def host_state():
    """What an error case must leave exactly as it was."""
    nr, free, resv = pool()
    return {
        "domains": [d for d in domains() if d.startswith(SUITE_PREFIX)],
        "pool": {"nr": nr, "free": free, "resv": resv},
        "1 GiB pool": pool_1g(),
        "nvram": [f for f in listing(NVRAM_DIR) if f.startswith(SUITE_PREFIX)],
        "swtpm state": listing(SWTPM_DIR),
        "swtpm processes": sorted(c for c in swtpm_processes().values()
                                  if SUITE_PREFIX in c),
        "hugepage records": listing(RECORD_DIR),
    }


def state_diff(before, after):
    lines = []
    for key in before:
        if before[key] != after[key]:
            lines.append(f"{key}: before {before[key]}, after {after[key]}")
    return "\n".join(lines)


def parse_cpu_list(text):
    """The kernel's list syntax ("0-2,5") into a set of ints."""
    cpus = set()
    for part in text.strip().split(","):
        if not part:
            continue
        if "-" in part:
            lo, hi = part.split("-")
            cpus.update(range(int(lo), int(hi) + 1))
        else:
            cpus.add(int(part))
    return cpus


def virsh_vcpupin(name):
    """{vcpu: set of host CPUs} from `virsh vcpupin`."""
    r = virsh("vcpupin", name)
    pins = {}
    for line in r.out.splitlines():
        m = re.match(r"\s*(\d+)\s+([\d,\-]+)\s*$", line)
        if m:
            pins[int(m.group(1))] = parse_cpu_list(m.group(2))
    return pins, r


def virsh_emulatorpin(name):
    r = virsh("emulatorpin", name)
    for line in r.out.splitlines():
        m = re.match(r"\s*\*:\s*([\d,\-]+)\s*$", line)
        if m:
            return parse_cpu_list(m.group(1)), r
    return None, r


def has_cap_sys_resource():
    """Whether this process (root, like libvirtd here) may raise rlimits."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) & (1 << 24))
    return False


def qemu_pid(name):
    try:
        with open(f"/run/libvirt/qemu/{name}.pid") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def qemu_firmware(name):
    """The QEMU firmware descriptor (/usr/share/qemu/firmware/*.json) of the
    code file the running VM's QEMU was given, or None."""
    pid = qemu_pid(name)
    if pid is None:
        return None
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        cmdline = f.read().decode(errors="replace")
    for directory in ("/etc/qemu/firmware", "/usr/share/qemu/firmware"):
        for entry in listing(directory):
            try:
                with open(os.path.join(directory, entry)) as f:
                    desc = json.load(f)
                code = desc["mapping"]["executable"]["filename"]
            except (OSError, ValueError, KeyError):
                continue
            if f'"filename":"{code}"' in cmdline or f"file={code}" in cmdline:
                return desc
    return None


def json_or_none(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def write_config(directory, persist_command, reserve=None, accelerator=None):
    """A dkvm.conf for the test (never the host's /etc/dkvm/dkvm.conf)."""
    path = os.path.join(directory, "dkvm.conf")
    with open(path, "w") as f:
        f.write("[host]\n")
        f.write(f"persist_command={persist_command}\n")
        if reserve is not None:
            f.write(f"reserve={reserve}\n")
        if accelerator is not None:
            f.write(f"accelerator={accelerator}\n")
    return path


def tcg_config(directory):
    """dkvm.conf for a 1-vCPU VM under TCG on any machine: no host reserve
    on one with fewer than 3 CPUs (so the vCPU can be pinned), and TCG (under
    nested KVM, OVMF and host-passthrough stop at once: testing.md)."""
    return write_config(directory, "true",
                        None if len(os.sched_getaffinity(0)) >= 3 else "none", "tcg")


def one_line(err):
    """Whether @err holds exactly one `dkvm:` line (a hint line may follow)."""
    return len([line for line in err.splitlines() if line.startswith("dkvm:")]) == 1


def step(tap, what, fn):
    """One check from a function that raises AssertionError (a menu test's
    ScreenTimeout is one) or returns False when it fails; the screen or the
    reason is in the message."""
    try:
        return tap.check(fn() is not False, what)
    except AssertionError as e:
        return tap.check(False, what, str(e))


def diskless_domain(name, vcpus):
    """A domain every machine runs: TCG (type='qemu', with or without /dev/kvm),
    64 MiB, no disk, so SeaBIOS keeps looking for one while a test looks."""
    return f"""<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu placement='static'>{vcpus}</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices><memballoon model='none'/></devices>
</domain>
"""


def scratch_dir():
    return tempfile.TemporaryDirectory(prefix="dkvm-system-")


def remove_domain(name):
    """Takes away what a failed earlier run of this suite left (its own VMs only)."""
    if domain_exists(name):
        virsh("destroy", name)
        virsh("undefine", name, "--nvram", "--tpm")
    try:
        os.unlink(os.path.join(RECORD_DIR, name))
    except FileNotFoundError:
        pass
