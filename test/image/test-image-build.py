#!/usr/bin/env python3
"""Suite image: the builder's output without a VM. Two builds from the same
inputs (release, overlay, key, SOURCE_DATE_EPOCH) give the same bytes; the
package and index are Alpine's format; verify catches a broken signature
chain, an untrusted key, a stale FAT32 backup boot sector and loaders that
disagree; the options' limits.

Usage: test-image-build.py DKVM BUILD_ROOT"""

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libvirt"))
import imagetest  # noqa: E402
from tapcases import Cases  # noqa: E402

fx = imagetest.Fixture(sys.argv[1], sys.argv[2])
test = Cases()
state = {}
env = imagetest.mtools_env()


def image_of(work):
    return os.path.join(work, "usbdisk.img")


def copy_image(name):
    """A copy of the first build's image with its work dir's inputs, to spoil."""
    work = os.path.join(fx.scratch, name)
    shutil.copytree(state["a"], work, symlinks=True)
    return work


def verify_fails(work):
    p = fx.builder(work, "verify", check=False)
    assert p.returncode != 0, "verify passed a spoiled image:\n" + p.stderr
    return p.stderr


@test
def two_builds_from_the_same_inputs_are_identical():
    state["a"] = fx.build_image("a")
    keys = os.path.join(state["a"], "keys")
    # a second work directory, the same signing key: nothing is shared but inputs
    work_b = fx.build_image("b", "--keys", keys)
    subprocess.run(["cmp", image_of(state["a"]), image_of(work_b)], check=True)
    # and again in place, over the cached stages
    before = imagetest.sha256(image_of(state["a"]))
    fx.builder(state["a"], "--dkvm", fx.cmdline_dkvm(), "--size", "128", "--data-size", "16", "assemble")
    assert imagetest.sha256(image_of(state["a"])) == before


@test
def the_cached_image_base_follows_the_sizes():
    # the image's fixed part (MBR, FAT32 with syslinux, empty ext4) is cached
    # in the work dir: another data size in the same work dir gets its own
    # base, and going back gives the first image's bytes again
    work = state["a"]
    before = imagetest.sha256(image_of(work))
    args = ["--dkvm", fx.cmdline_dkvm(), "--size", "128"]
    fx.builder(work, *args, "--data-size", "24", "assemble", "verify")
    table = subprocess.run(["sfdisk", "--dump", image_of(work)], capture_output=True, text=True).stdout
    table = re.sub(r"= +", "=", table)
    assert f"start={(1 + 103) * 2048}, size={24 * 2048}, type=83" in table, table
    # the data partition's file system is the new size's (1 KiB blocks)
    data = f"{image_of(work)}?offset={(1 + 103) * 2048 * 512}"
    fsck = subprocess.run(["e2fsck", "-n", "-f", data], capture_output=True, text=True)
    assert fsck.returncode == 0 and "DKVMDATA:" in fsck.stdout and "/24576 blocks" in fsck.stdout, \
        fsck.stdout + fsck.stderr
    fx.builder(work, *args, "--data-size", "16", "assemble")
    assert imagetest.sha256(image_of(work)) == before


@test
def kernel_options_reach_both_loaders_and_dkvms_warnings_the_user():
    # --kernel-opt goes through dkvm's own `host cmdline --init`: both
    # loaders carry the option and its warning reaches the person building;
    # dkvm's report of the files it wrote does not (noise on every build)
    work = state["a"]
    before = imagetest.sha256(image_of(work))
    args = ["--dkvm", fx.cmdline_dkvm(), "--size", "128", "--data-size", "16"]
    p = fx.builder(work, *args, "--kernel-opt", "acs-override=downstream,multifunction", "assemble")
    assert "pcie_acs_override makes the kernel split IOMMU groups" in p.stderr, p.stderr
    assert "wrote both boot loader files" not in p.stderr, p.stderr
    part = image_of(work) + "@@1M"
    for cfg in ("boot/syslinux/syslinux.cfg", "boot/grub/grub.cfg"):
        text = subprocess.run(["mtype", "-i", part, "::/" + cfg], env=env, capture_output=True,
                              text=True, check=True).stdout
        assert "pcie_acs_override=downstream,multifunction" in text, cfg + ":\n" + text
    p = fx.builder(work, *args, "assemble")
    assert "wrote both boot loader files" not in p.stderr and "warning" not in p.stderr, p.stderr
    assert imagetest.sha256(image_of(work)) == before


@test
def the_cached_apkovl_follows_its_inputs():
    # the apkovl is cached in the work dir too: another host name, or another
    # --apkovl, in the same work dir makes a new one; going back gives the
    # first image's bytes
    work = state["a"]
    before = imagetest.sha256(image_of(work))
    args = ["--dkvm", fx.cmdline_dkvm(), "--size", "128", "--data-size", "16"]
    part = image_of(work) + "@@1M"

    def apkovl_file(name):
        out = os.path.join(fx.scratch, "cached-" + name)
        subprocess.run(["mcopy", "-n", "-i", part, "::/" + name, out], env=env, check=True)
        return out

    fx.builder(work, *args, "--hostname", "other", "assemble")
    other = apkovl_file("other.apkovl.tar.gz")
    with tarfile.open(other) as t:
        assert t.extractfile("etc/hostname").read().decode().strip() == "other"
    # an --apkovl of our own, then the same one with one file changed
    given = os.path.join(fx.scratch, "given.apkovl.tar.gz")
    with tarfile.open(other) as src, tarfile.open(given, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
    fx.builder(work, *args, "--apkovl", given, "assemble")
    with tarfile.open(apkovl_file("dkvm.apkovl.tar.gz")) as t:
        assert t.extractfile("etc/hostname").read().decode().strip() == "other"
    with tarfile.open(other) as src, tarfile.open(given, "w:gz") as dst:
        for member in src.getmembers():
            if member.name == "etc/hostname":
                member.size = len(b"changed\n")
                dst.addfile(member, io.BytesIO(b"changed\n"))
            else:
                dst.addfile(member, src.extractfile(member) if member.isfile() else None)
    fx.builder(work, *args, "--apkovl", given, "assemble")
    with tarfile.open(apkovl_file("dkvm.apkovl.tar.gz")) as t:
        assert t.extractfile("etc/hostname").read().decode().strip() == "changed"
    fx.builder(work, *args, "assemble")
    assert imagetest.sha256(image_of(work)) == before


@test
def package_and_index_are_alpines_format():
    repo = os.path.join(state["a"], "repo", "x86_64")
    apk = [f for f in os.listdir(repo) if f.endswith(".apk")][0]
    assert apk == "dkvm-0.1.0-r0.apk", apk
    # gzip streams in a row: signature, control (.PKGINFO), data
    members = subprocess.run(f"gzip -dc '{repo}/{apk}' | tar -t 2>/dev/null", shell=True,
                             capture_output=True, text=True).stdout.split()
    assert members[0].startswith(".SIGN.RSA.dkvm-build-") and members[0].endswith(".rsa.pub"), members
    assert members[1] == ".PKGINFO" and "usr/bin/dkvm" in members, members
    pkginfo = subprocess.run(f"gzip -dc '{repo}/{apk}' | tar -xO .PKGINFO 2>/dev/null", shell=True,
                             capture_output=True, text=True).stdout
    assert "pkgname = dkvm\n" in pkginfo and "\ndatahash = " in pkginfo, pkginfo
    index = subprocess.run(f"gzip -dc '{repo}/APKINDEX.tar.gz' | tar -t 2>/dev/null", shell=True,
                           capture_output=True, text=True).stdout.split()
    assert index[0].startswith(".SIGN.RSA.") and index[1:] == ["DESCRIPTION", "APKINDEX"], index
    text = subprocess.run(f"gzip -dc '{repo}/APKINDEX.tar.gz' | tar -xO APKINDEX 2>/dev/null",
                          shell=True, capture_output=True, text=True).stdout
    assert "\nP:dkvm\nV:0.1.0-r0\nA:x86_64\n" in text and text.startswith("C:Q1"), text
    # every regular file of the data stream (the last gzip member) carries
    # the sha1 of its content as apk-tools 3 requires of a v2 package
    # (PAX record APK-TOOLS.checksum.SHA1; without it: "file format is obsolete")
    with open(os.path.join(repo, apk), "rb") as f:
        rest = f.read()
    while True:
        stream = zlib.decompressobj(31)
        data = stream.decompress(rest)
        if not stream.unused_data:
            break
        rest = stream.unused_data
    files = 0
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        for m in t.getmembers():
            if m.isfile():
                content = t.extractfile(m).read()
                assert m.pax_headers.get("APK-TOOLS.checksum.SHA1") == \
                    hashlib.sha1(content).hexdigest(), (m.name, m.pax_headers)
                files += 1
            assert m.uid == 0 and m.gid == 0, m.name
    assert files > 0


@test
def verify_refuses_a_tampered_index():
    work = copy_image("tampered")
    part = image_of(work) + "@@1M"
    index = os.path.join(fx.scratch, "APKINDEX.tar.gz")
    subprocess.run(["mcopy", "-n", "-i", part, "::/dkvm/x86_64/APKINDEX.tar.gz", index], env=env, check=True)
    data = bytearray(open(index, "rb").read())
    data[-20] ^= 0xFF
    open(index, "wb").write(data)
    subprocess.run(["mcopy", "-o", "-i", part, index, "::/dkvm/x86_64/APKINDEX.tar.gz"], env=env, check=True)
    err = verify_fails(work)
    assert "boot repository index: signature by dkvm-build-" in err and "does not match" in err, err


@test
def verify_refuses_an_index_signed_by_an_untrusted_key():
    work = copy_image("untrusted")
    other = os.path.join(fx.scratch, "other")
    fx.builder(other, "--stand-in-dkvm", fx.stand_in_tree(), "compile")
    subprocess.run(["mcopy", "-o", "-i", image_of(work) + "@@1M",
                    os.path.join(other, "repo", "x86_64", "APKINDEX.tar.gz"),
                    "::/dkvm/x86_64/APKINDEX.tar.gz"], env=env, check=True)
    err = verify_fails(work)
    assert "which is not among the trusted keys" in err, err


@test
def verify_refuses_a_stale_backup_boot_sector():
    work = copy_image("backup")
    with open(image_of(work), "r+b") as f:
        f.seek((2048 + 6) * 512 + 100)  # the backup boot sector of partition 1
        f.write(b"X")
    err = verify_fails(work)
    assert "backup boot sector differs" in err, err


@test
def verify_refuses_loaders_that_disagree():
    work = copy_image("loaders")
    part = image_of(work) + "@@1M"
    cfg = os.path.join(fx.scratch, "grub.cfg")
    subprocess.run(["mcopy", "-n", "-i", part, "::/boot/grub/grub.cfg", cfg], env=env, check=True)
    text = open(cfg).read()
    assert " quiet" in text
    open(cfg, "w").write(text.replace(" quiet", ""))
    subprocess.run(["mcopy", "-o", "-i", part, cfg, "::/boot/grub/grub.cfg"], env=env, check=True)
    err = verify_fails(work)
    assert "syslinux.cfg and grub.cfg differ in kernel options" in err, err


@test
def no_data_partition_and_size_limits():
    work = fx.build_image("nodata", size="64", data="none")
    table = subprocess.run(["sfdisk", "--dump", image_of(work)], capture_output=True, text=True).stdout
    assert table.count("start=") == 1 and "bootable" in table, table
    p = fx.builder(work, "--size", "40", "--data-size", "16", "--dkvm", fx.cmdline_dkvm(),
                   "assemble", check=False)
    assert p.returncode == 2 and "leaves 23 MiB for the boot partition" in p.stderr, p.stderr
    p = fx.builder(work, "--hostname", "bad name", "verify", check=False)
    assert p.returncode == 2 and "not a host name" in p.stderr, p.stderr


@test
def host_defaults_reach_the_apkovl():
    work = fx.build_image("defaults", "--hostname", "desk", "--timezone", "Europe/Berlin",
                          "--keymap", "de/de-nodeadkeys", "--packages", "htop nano")
    ovl = os.path.join(fx.scratch, "desk.apkovl.tar.gz")
    subprocess.run(["mcopy", "-n", "-i", image_of(work) + "@@1M", "::/desk.apkovl.tar.gz", ovl],
                   env=env, check=True)
    with tarfile.open(ovl) as t:
        read = lambda name: t.extractfile(name).read().decode()  # noqa: E731
        assert read("etc/hostname").strip() == "desk"
        world = read("etc/apk/world").split()
        assert {"dkvm", "htop", "nano", "tzdata", "kbd-bkeymaps"} <= set(world), world
        assert world == sorted(world)
        assert t.getmember("etc/localtime").linkname == "/usr/share/zoneinfo/Europe/Berlin"
        assert read("etc/timezone").strip() == "Europe/Berlin"
        assert read("etc/conf.d/loadkmap").strip() == "KEYMAP=/usr/share/bkeymaps/de/de-nodeadkeys.bmap.gz"
        assert t.getmember("etc/runlevels/boot/loadkmap").linkname == "/etc/init.d/loadkmap"
        assert all(m.uid == 0 and m.gid == 0 for m in t.getmembers())


# The sha512 of Alpine's x86_64 keys as aports' main/alpine-keys/APKBUILD
# lists them (sha512sums): builder/alpine-keys is the trust anchor of every
# index fetch reads, so a changed byte there must be a deliberate change here.
ALPINE_KEYS_SHA512 = {
    "alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub":
        "2d4064cbe09ff958493ec86bcb925af9b7517825d1d9d8d00f2986201ad5952f"
        "986fea83d1e2c177e92130700bafa8c0bff61411b3cdb59a41e460ed719580a6",
    "alpine-devel@lists.alpinelinux.org-5261cecb.rsa.pub":
        "721134f289ab1e7dde9158359906017daee40983199fe55f28206c8cdc46b8fc"
        "f177a36f270ce374b0eba5dbe01f68cbb3e385ae78a54bb0a2ed1e83a4d820a5",
    "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub":
        "8b9c2208c904c9f34d9d01d3d68b224208530e684265df214deb8c9e6b4b1963"
        "3aa48a405e673249c9e93a8ee194a336e951cd82a4e27e5e66e85fdc5e0d495e",
}


@test
def alpine_keys_are_alpines():
    folder = os.path.join(imagetest.SOURCE, "builder", "alpine-keys")
    assert sorted(os.listdir(folder)) == sorted(ALPINE_KEYS_SHA512), os.listdir(folder)
    for name, want in ALPINE_KEYS_SHA512.items():
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            assert hashlib.sha512(f.read()).hexdigest() == want, name
        # and each is a public key openssl reads (what apk does with it)
        imagetest.run(["openssl", "pkey", "-pubin", "-in", path, "-noout"])


@test
def the_builder_is_shellcheck_clean():
    # shellcheck comes from scripts/install-deps; missing, the case fails with its name
    files = [os.path.join(imagetest.SOURCE, "builder", "dkvm-build")]
    lib = os.path.join(imagetest.SOURCE, "builder", "lib")
    files += sorted(os.path.join(lib, f) for f in os.listdir(lib))
    files += [os.path.join(imagetest.HERE, f) for f in ("make-fixture-release", "fixture-init")]
    p = subprocess.run(["shellcheck", "-x", *files], capture_output=True, text=True,
                       cwd=imagetest.SOURCE)
    assert p.returncode == 0, p.stdout + p.stderr


sys.exit(test.run(scratch=fx.scratch))
