#!/usr/bin/env python3
"""Suite image: dkvm-build --write on a fake target: a regular file standing
in for /dev/sdX, a sysfs-shaped tree (DKVM_SYSFS_ROOT) saying whether it is
removable, on USB, a partition, how big, and a mounts file
(DKVM_MOUNTS_FILE) saying what is mounted. Written only when it is a whole,
removable or USB, unmounted disk that is not the system's, large enough, and
confirmed; read back after writing.

Usage: test-image-write.py DKVM BUILD_ROOT"""

import os
import shutil
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libvirt"))
import imagetest  # noqa: E402
from tapcases import Cases  # noqa: E402

fx = imagetest.Fixture(sys.argv[1], sys.argv[2])
test = Cases()
IMAGE_BYTES = 3 << 20
image = os.path.join(fx.scratch, "usbdisk.img")
with open(image, "wb") as f:
    f.write(os.urandom(IMAGE_BYTES))


def target(name="sdz", removable="1", sectors=16384, model="Fake Stick", usb=False, partition=False,
           mounts="", content=None):
    """A fresh fake disk NAME (zeros) with its sysfs and mounts; returns
    (device path, environment)."""
    case = os.path.join(fx.scratch, "case")
    shutil.rmtree(case, ignore_errors=True)
    sysroot = os.path.join(case, "sys")
    if usb:
        node = os.path.join(sysroot, "devices", "pci0000:00", "0000:00:14.0", "usb2", "2-1",
                            "2-1:1.0", "host6", "target6:0:0", "6:0:0:0", "block", name)
    else:
        node = os.path.join(sysroot, "devices", "pci0000:00", "0000:00:17.0", "ata1", "host0",
                            "target0:0:0", "0:0:0:0", "block", name)
    os.makedirs(os.path.join(node, "device"))
    os.makedirs(os.path.join(sysroot, "class", "block"))
    os.symlink(os.path.relpath(node, os.path.join(sysroot, "class", "block")),
               os.path.join(sysroot, "class", "block", name))
    for fname, value in (("removable", removable), ("size", str(sectors)), ("device/model", model)):
        with open(os.path.join(node, fname), "w") as f:
            f.write(value + "\n")
    if partition:
        with open(os.path.join(node, "partition"), "w") as f:
            f.write("1\n")
    mounts_file = os.path.join(case, "mounts")
    with open(mounts_file, "w") as f:
        f.write("/dev/nvme0n1p2 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n" + mounts)
    dev = os.path.join(case, "dev", name)
    os.makedirs(os.path.dirname(dev))
    if content:
        shutil.copy(content, dev)
    else:
        with open(dev, "wb") as f:
            f.truncate(sectors * 512)
    return dev, {"DKVM_SYSFS_ROOT": sysroot, "DKVM_MOUNTS_FILE": mounts_file}


def write(dev, env, *extra, answer=None):
    return fx.builder(os.path.join(fx.scratch, "work"), "--output", image, "--write", dev, *extra,
                      env_extra=env, check=False, input=answer)


def written(dev):
    with open(dev, "rb") as f:
        return f.read(IMAGE_BYTES) == open(image, "rb").read()


def untouched(dev):
    with open(dev, "rb") as f:
        data = f.read(IMAGE_BYTES)
    return data == b"\0" * len(data)


@test
def writes_a_removable_unmounted_disk_with_progress():
    dev, env = target()
    p = write(dev, env, "--yes")
    assert p.returncode == 0, p.stderr
    assert written(dev)
    assert "Fake Stick, 8 MiB; everything on it will be lost" in p.stderr, p.stderr
    assert "bytes" in p.stderr and "copied" in p.stderr, "no progress from dd: " + p.stderr
    assert "written and read back (3 MiB)" in p.stderr, p.stderr


@test
def asks_before_writing():
    dev, env = target()
    p = write(dev, env, answer="no\n")
    assert p.returncode == 4 and "not confirmed, nothing written" in p.stderr, p.stderr
    assert "Type yes to overwrite " + dev in p.stderr
    assert untouched(dev)
    p = write(dev, env, answer="yes\n")
    assert p.returncode == 0 and written(dev), p.stderr


@test
def a_usb_disk_that_says_not_removable_is_accepted():
    dev, env = target(removable="0", usb=True)
    p = write(dev, env, "--yes")
    assert p.returncode == 0 and written(dev), p.stderr


def refused(expect, **kwargs):
    dev, env = target(**kwargs)
    p = write(dev, env, "--yes")
    assert p.returncode == 4, p.stderr
    assert expect in p.stderr, p.stderr
    assert untouched(dev), "wrote to a refused target"


@test
def refused_when_mounted():
    refused("mounted: /dev/sdz1 on /media/usb", mounts="/dev/sdz1 /media/usb vfat rw 0 0\n")


@test
def refused_when_not_removable():
    refused("not a removable or USB disk", removable="0")


@test
def refused_for_a_partition():
    refused("a partition, not a whole disk", name="sdz1", partition=True)


@test
def refused_for_the_running_systems_disk():
    refused("the running system lives on it (/ is /dev/nvme0n1p2)", name="nvme0n1", usb=True)


@test
def refused_when_too_small():
    refused("2 MiB, the image needs 3 MiB", sectors=4096)


@test
def a_regular_file_is_no_disk_without_the_test_override():
    dev, _ = target()
    p = write(dev, {}, "--yes")
    assert p.returncode == 3 and "not a block device" in p.stderr, p.stderr
    assert untouched(dev)


@test
def update_keeps_the_data_partition_apkovl_and_domains():
    old = os.path.join(fx.build_image("old"), "usbdisk.img")
    new_work = fx.build_image("new")  # its own work dir: another key, another index
    new = os.path.join(new_work, "usbdisk.img")
    dev, env = target(sectors=os.path.getsize(old) // 512, content=old)
    part = dev + "@@1M"
    menv = imagetest.mtools_env()
    # the stick in use: a saved configuration, an exported VM, data on DKVMDATA
    # (lbu commit's: the image's apkovl with a file added)
    shipped = os.path.join(fx.scratch, "shipped.apkovl.tar.gz")
    subprocess.run(["mcopy", "-n", "-i", part, "::/dkvm.apkovl.tar.gz", shipped], env=menv, check=True)
    token = os.path.join(fx.scratch, "token")
    with open(token, "w") as f:
        f.write(os.urandom(8).hex() + "\n")
    saved = os.path.join(fx.scratch, "dkvm.apkovl.tar.gz")
    with tarfile.open(shipped) as src, tarfile.open(saved, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        info = dst.gettarinfo(token, "etc/dkvm-fixture-token")
        info.uid = info.gid = 0
        with open(token, "rb") as f:
            dst.addfile(info, f)
    exported = os.path.join(fx.scratch, "win11.xml")
    with open(exported, "w") as f:
        f.write("<domain/>\n")
    subprocess.run(["mcopy", "-o", "-i", part, saved, "::/dkvm.apkovl.tar.gz"], env=menv, check=True)
    subprocess.run(["mcopy", "-i", part, exported, "::/domains/win11.xml"], env=menv, check=True)
    data_at = (1 + 111) << 20  # 128 MiB image, 16 MiB data partition
    user_data = os.urandom(1 << 20)
    with open(dev, "r+b") as f:
        f.seek(data_at + (15 << 20))  # free blocks at the end of DKVMDATA
        f.write(user_data)

    p = fx.builder(os.path.join(fx.scratch, "work"), "--output", new, "--update", dev, "--yes",
                   env_extra=env, check=False)
    assert p.returncode == 0, p.stderr
    assert "kept from the stick: dkvm.apkovl.tar.gz, domains/" in p.stderr, p.stderr
    with open(dev, "rb") as f:
        f.seek(data_at + (15 << 20))  # free blocks at the end of DKVMDATA
        assert f.read(1 << 20) == user_data, "the data partition was written"
    got = os.path.join(fx.scratch, "got")
    subprocess.run(["mcopy", "-n", "-i", part, "::/dkvm.apkovl.tar.gz", got], env=menv, check=True)
    new_key = [k for k in os.listdir(os.path.join(new_work, "keys")) if k.endswith(".pub")][0]
    assert "dkvm.apkovl.tar.gz now also trusts " + new_key in p.stderr, p.stderr
    with tarfile.open(got) as kept, tarfile.open(saved) as before:
        names = kept.getnames()
        # every saved member kept as it was, the new image's key added
        for member in before.getmembers():
            assert member.name in names, member.name
            if member.isfile():
                assert kept.extractfile(member.name).read() == before.extractfile(member).read(), member.name
        assert "etc/apk/keys/" + new_key in names, names
        assert kept.getmember("etc/apk/keys/" + new_key).uid == 0
    # and the updated stick passes verify: the kept apkovl trusts the new index
    p = fx.builder(os.path.join(fx.scratch, "work"), "--output", dev, "verify", check=False)
    assert p.returncode == 0 and "trusted by the apkovl" in p.stderr, p.stderr
    subprocess.run(["mcopy", "-n", "-i", part, "::/domains/win11.xml", got], env=menv, check=True)
    assert open(got).read() == "<domain/>\n"
    subprocess.run(["mcopy", "-n", "-i", part, "::/dkvm/x86_64/APKINDEX.tar.gz", got], env=menv, check=True)
    assert imagetest.sha256(got) == imagetest.sha256(
        os.path.join(new_work, "repo", "x86_64", "APKINDEX.tar.gz")), "the boot partition is not the new one"
    # a stick laid out otherwise is refused
    other = os.path.join(fx.build_image("other", data="none"), "usbdisk.img")
    p = fx.builder(os.path.join(fx.scratch, "work"), "--output", other, "--update", dev, "--yes",
                   env_extra=env, check=False)
    assert p.returncode == 4 and "its partitions differ from the image's" in p.stderr, p.stderr


sys.exit(test.run(scratch=fx.scratch))
