"""What the image tests share: the fixture Alpine release (Debian's kernel and
busybox, test/image/make-fixture-release) served the way Alpine's mirror
lays it out, the builder run on it, and QEMU boots of the result under TCG.

The fixture and the Debian packages it is made from are cached in
BUILD/test/image/cache (a lock keeps parallel tests from making it twice)."""

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
BUILDER = os.path.join(SOURCE, "builder", "dkvm-build")
# The fixture's release. Not the release builder/versions pins: the pin
# (a sha256 of Alpine's real tarball) applies to that one only, so the
# builder takes the fixture's published sha256, as for any unpinned --alpine.
ALPINE_VERSION = "3.23.0"
# Fixed, so two builds in one run and across runs give the same bytes.
SOURCE_DATE_EPOCH = "1767225600"
MARKER_OK = "DKVM-FIXTURE-OK"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run(cmd, env=None, check=True, input=None):
    p = subprocess.run(cmd, env=env, input=input, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} exited {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}")
    return p


class Fixture:
    def __init__(self, dkvm_exe, build_root):
        self.dkvm_exe = os.path.abspath(dkvm_exe)
        self.cache = os.path.join(os.path.abspath(build_root), "test", "image", "cache")
        os.makedirs(self.cache, exist_ok=True)
        self.mirror = os.path.join(self.cache, "mirror")
        self.scratch = tempfile.mkdtemp(prefix="dkvm-image-test-")

    def release(self):
        """The fixture release in the cache, remade when its makers changed."""
        inputs = hashlib.sha256()
        for name in ("make-fixture-release", "fixture-init"):
            with open(os.path.join(HERE, name), "rb") as f:
                inputs.update(f.read())
        stamp = os.path.join(self.cache, "mirror.stamp")
        with open(os.path.join(self.cache, "lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not os.path.exists(stamp) or open(stamp).read() != inputs.hexdigest():
                shutil.rmtree(self.mirror, ignore_errors=True)
                env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
                run([os.path.join(HERE, "make-fixture-release"), self.mirror,
                     os.path.join(self.cache, "debs"), ALPINE_VERSION], env=env)
                with open(stamp, "w") as f:
                    f.write(inputs.hexdigest())
        return os.path.join(self.mirror, "v3.23", "releases", "x86_64",
                            f"alpine-netboot-{ALPINE_VERSION}-x86_64.tar.gz")

    def cmdline_dkvm(self):
        """The dkvm whose `host cmdline --init` writes the loader configs: the
        build's own."""
        return self.dkvm_exe

    def stand_in_tree(self):
        """The Debian-built dkvm as an installed tree, packaged by compile's
        --stand-in-dkvm (a glibc binary: it proves the repository chain)."""
        tree = os.path.join(self.scratch, "stand-in-tree")
        if not os.path.exists(tree):
            os.makedirs(os.path.join(tree, "usr", "bin"))
            shutil.copy(self.dkvm_exe, os.path.join(tree, "usr", "bin", "dkvm"))
            os.chmod(os.path.join(tree, "usr", "bin", "dkvm"), 0o755)
        return tree

    def builder(self, work, *args, env_extra=None, check=True, input=None):
        env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
        env.update(env_extra or {})
        if "--alpine" not in args:
            args = ("--alpine", ALPINE_VERSION) + args
        return run([BUILDER, "--work", work, *args], env=env, check=check, input=input)

    def build_image(self, name, *extra, size="128", data="16"):
        """A whole build (fetch from the fixture mirror through file://,
        compile with the stand-in package, assemble, verify); returns the work
        directory, the image is work/usbdisk.img."""
        self.release()
        work = os.path.join(self.scratch, name)
        self.builder(work, "--mirror", "file://" + self.mirror, "--no-apk-cache",
                     "--stand-in-dkvm", self.stand_in_tree(), "--dkvm", self.cmdline_dkvm(),
                     "--size", size, "--data-size", data, *extra, "all")
        return work

    def cleanup(self):
        shutil.rmtree(self.scratch, ignore_errors=True)


def boot(image, firmware, log, timeout=240):
    """Boots IMAGE as a USB stick on QEMU's xHCI under TCG (the same on
    machines with and without /dev/kvm) with SeaBIOS or OVMF; returns the
    serial console's text."""
    cmd = ["qemu-system-x86_64", "-machine", "q35,accel=tcg", "-m", "512",
           "-nographic", "-no-reboot", "-monitor", "none", "-serial", "file:" + log,
           "-drive", f"if=none,id=stick,format=raw,file={image}",
           "-device", "qemu-xhci", "-device", "usb-storage,drive=stick"]
    if firmware == "ovmf":
        vars_copy = log + ".vars.fd"
        shutil.copy("/usr/share/OVMF/OVMF_VARS_4M.fd", vars_copy)
        cmd += ["-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
                "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    try:
        subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    with open(log, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    return text


def fixture_lines(console):
    """The fixture /init's lines as {key: value} for "DKVM-FIXTURE: key=value"
    lines, plus "status": OK, FAIL: why, or None when it never finished."""
    out = {"status": None, "lines": []}
    for line in console.splitlines():
        i = line.find("DKVM-FIXTURE")
        if i < 0:
            continue
        line = line[i:].strip()
        out["lines"].append(line)
        if line.startswith(MARKER_OK):
            out["status"] = "OK"
        elif line.startswith("DKVM-FIXTURE-FAIL"):
            out["status"] = line
        elif line.startswith("DKVM-FIXTURE: "):
            body = line[len("DKVM-FIXTURE: "):]
            if "=" in body.split(" ")[0]:
                key, _, value = body.partition("=")
                out.setdefault(key, value)
    return out


def mtools_env():
    return dict(os.environ, MTOOLS_SKIP_CHECK="1")
