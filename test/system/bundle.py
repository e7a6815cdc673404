#!/usr/bin/env python3
"""Backup bundles on a real libvirtd: `dkvm vm export NAME` and
`dkvm vm import NAME.dkvm.tar.gz` with a Windows 11 VM's NVRAM and TPM state.

- a running VM is refused (exit 4), nothing written;
- the VM ran once (so OVMF wrote its NVRAM and swtpm its state), was shut
  off, exported: the bundle holds the domain, nvram.fd and tpm/ with their
  sums; exporting again over the file is refused;
- importing while the VM exists is refused (exit 4), its state untouched;
- after `vm delete`, the import defines it again with NVRAM and TPM state
  byte for byte as before, and it starts;
- damaged or hostile bundles are refused with one line, exit 2, and leave no
  VM: a changed byte (sum mismatch), an entry `../x`, a symlink entry, a file
  not in the manifest, a FIFO named *.tar.gz.

usage: bundle.py DKVM START_LIBVIRTD
"""

import io
import os
import sys
import tarfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-bundle"


def read_state(uuid):
    """{relative path: bytes} of the VM's NVRAM and swtpm state."""
    state = {}
    with open(os.path.join(systest.NVRAM_DIR, NAME + "_VARS.fd"), "rb") as f:
        state["nvram"] = f.read()
    tpm = os.path.join(systest.SWTPM_DIR, uuid, "tpm2")
    for entry in sorted(os.listdir(tpm)):
        with open(os.path.join(tpm, entry), "rb") as f:
            state["tpm/" + entry] = f.read()
    return state


def rewrite(src, dst, change):
    """Copies bundle @src to @dst, entries passed through change(info, data)
    -> list of (info, data) (or [] to drop one); change(None, None) may
    append entries at the end."""
    with tarfile.open(src, "r:gz") as tin, tarfile.open(dst, "w:gz") as tout:
        for info in tin.getmembers():
            data = tin.extractfile(info).read() if info.isfile() else None
            for new_info, new_data in change(info, data):
                tout.addfile(new_info, io.BytesIO(new_data) if new_data is not None else None)
        for new_info, new_data in change(None, None):
            tout.addfile(new_info, io.BytesIO(new_data) if new_data is not None else None)


def hostile_cases(tap, base, bundle, scratch):
    def flip_nvram(info, data):
        if info is None:
            return []
        if info.name == "nvram.fd":
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        return [(info, data)]

    def dotdot(info, data):
        if info is not None:
            return [(info, data)]
        extra = tarfile.TarInfo("tpm/../../etc-dkvm-test")
        extra.size = 2
        return [(extra, b"x\n")]

    def symlink(info, data):
        if info is not None:
            return [(info, data)]
        link = tarfile.TarInfo("tpm/link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        return [(link, None)]

    def unlisted(info, data):
        if info is not None:
            return [(info, data)]
        extra = tarfile.TarInfo("tpm/extra")
        extra.size = 3
        return [(extra, b"abc")]

    for what, change, needle in [
        ("a changed byte in nvram.fd", flip_nvram, "nvram.fd does not match its sha256"),
        ("an entry tpm/../../x", dotdot, "unexpected entry"),
        ("a symlink entry", symlink, "unexpected entry"),
        ("a file not in the manifest", unlisted, "tpm/extra is not in the manifest"),
    ]:
        path = os.path.join(scratch, what.replace(" ", "-").replace("/", "_") + ".tar.gz")
        rewrite(bundle, path, change)
        r = run(base + ["vm", "import", path])
        tap.check(r.code == 2 and systest.one_line(r.err) and needle in r.err
                  and not systest.domain_exists(NAME),
                  f"a bundle with {what} is refused (exit 2, one line), no VM defined",
                  r.describe())
    fifo = os.path.join(scratch, "fifo.dkvm.tar.gz")
    os.mkfifo(fifo)
    r = run(base + ["vm", "import", fifo], timeout=10)
    tap.check(r.code == 2 and systest.one_line(r.err) and "not a regular file" in r.err,
              "a FIFO named *.tar.gz is refused at once", r.describe())
    tap.check(not os.path.exists("/etc-dkvm-test"), "nothing was written outside")


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        config = systest.write_config(scratch, "true", "none", "tcg")
        base = [dkvm, "--connect", systest.URI, "--config", config]
        try:
            cases(tap, base, scratch)
        finally:
            systest.remove_domain(NAME)
    tap.finish()


def cases(tap, base, scratch):
    r = run(base + ["vm", "create", NAME, "--preset", "windows11", "--vcpus", "1",
                    "--memory", "128M", "--network", "none", "--no-hugepages"])
    if not tap.check(r.code == 0, "a Windows 11 VM (OVMF, Secure Boot, TPM 2.0) is created",
                     r.describe()):
        return
    uuid = systest.domain_uuid(NAME)
    bundle = os.path.join(scratch, NAME + ".dkvm.tar.gz")
    r = run(base + ["vm", "start", NAME])
    tap.check(r.code == 0, "it starts (OVMF writes its NVRAM, swtpm its state)", r.describe())
    r = run(base + ["vm", "export", NAME, "--output", scratch])
    tap.check(r.code == 4 and systest.one_line(r.err) and "shut it down first" in r.err
              and not os.path.exists(bundle),
              "exporting the running VM is refused, nothing written", r.describe())
    run(base + ["vm", "kill", NAME])
    before = read_state(uuid)
    r = run(base + ["vm", "export", NAME, "--output", scratch])
    if not tap.check(r.code == 0 and os.path.isfile(bundle),
                     "the shut-off VM is exported to NAME.dkvm.tar.gz", r.describe()):
        return
    with tarfile.open(bundle, "r:gz") as t:
        names = set(t.getnames())
    tap.check({"dkvm-bundle.ini", "domain.xml", "nvram.fd"} <= names
              and any(n.startswith("tpm/") for n in names),
              "the bundle holds the manifest, the domain, nvram.fd and tpm/", f"{sorted(names)}")
    r = run(base + ["vm", "export", NAME, "--output", bundle])
    tap.check(r.code == 2 and systest.one_line(r.err) and "never overwritten" in r.err,
              "exporting over an existing bundle is refused", r.describe())
    r = run(base + ["vm", "import", bundle])
    tap.check(r.code == 4 and systest.one_line(r.err) and read_state(uuid) == before,
              "importing while the VM exists is refused, its state untouched", r.describe())

    r = run(base + ["vm", "delete", NAME, "--yes"])
    tap.check(r.code == 0 and not systest.domain_exists(NAME)
              and not os.path.exists(os.path.join(systest.SWTPM_DIR, uuid)),
              "vm delete removes the VM with its NVRAM and TPM state", r.describe())
    hostile_cases(tap, base, bundle, scratch)

    r = run(base + ["vm", "import", bundle])
    if not tap.check(r.code == 0 and systest.domain_exists(NAME)
                     and systest.domain_uuid(NAME) == uuid,
                     "the bundle imports the VM again, with its uuid", r.describe()):
        return
    after = read_state(uuid)
    tap.check(after == before, "its NVRAM and TPM state are byte for byte as exported",
              f"differ: {sorted(k for k in before if before.get(k) != after.get(k))}")
    r = run(base + ["vm", "start", NAME])
    tap.check(r.code == 0 and virsh("domstate", NAME).out.strip() == "running",
              "the imported VM starts", r.describe())
    run(base + ["vm", "kill", NAME])


if __name__ == "__main__":
    main()
