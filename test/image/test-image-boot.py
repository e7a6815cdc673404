#!/usr/bin/env python3
"""Suite image: the builder's image, made from the fixture release, boots as a
USB stick in QEMU (TCG) under SeaBIOS (syslinux) and OVMF (GRUB EFI); the
fixture's /init finds the boot medium, the boot repository, the modloop and
the apkovl by Alpine's rules. A new apkovl written the way `lbu commit` does
is the one the next boot finds, and a file the first boot writes on the ext4
data partition DKVMDATA is there at the next boot.

Usage: test-image-boot.py DKVM BUILD_ROOT"""

import os
import re
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libvirt"))
import imagetest  # noqa: E402
from tapcases import Cases  # noqa: E402

fx = imagetest.Fixture(sys.argv[1], sys.argv[2])
test = Cases()
state = {}


def key_name(work):
    return [k for k in os.listdir(os.path.join(work, "keys")) if k.endswith(".rsa.pub")][0]


@test
def build_and_verify_fixture_release():
    work = fx.build_image("boot")
    state["work"] = work
    state["image"] = os.path.join(work, "usbdisk.img")
    assert os.path.getsize(state["image"]) == 128 << 20
    # verify alone, on the finished image
    p = fx.builder(work, "verify")
    assert "is good" in p.stderr, p.stderr


def check_common(found, work):
    assert found["status"] == "OK", "\n".join(found["lines"]) or "no DKVM-FIXTURE line on the console"
    assert found["medium"].startswith("/dev/sd"), found["medium"]
    assert found["apkovl"].startswith("dkvm.apkovl.tar.gz "), found["apkovl"]
    assert found["repository"] == f"dkvm signer=.SIGN.RSA.{key_name(work)}", found["repository"]
    assert found["modloop"].startswith("/boot/modloop-lts fixture modloop"), found["modloop"]
    assert found["hostname"] == "dkvm"
    assert f"DKVM-FIXTURE: trusted key {key_name(work)}" in found["lines"], found["lines"]
    assert "modloop=/boot/modloop-lts" in found["cmdline"] and "iommu=pt" in found["cmdline"], found["cmdline"]


@test
def boots_under_seabios_with_syslinux():
    console = imagetest.boot(state["image"], "seabios", os.path.join(fx.scratch, "seabios.log"))
    found = imagetest.fixture_lines(console)
    state["seabios"] = found
    check_common(found, state["work"])
    # syslinux hands the initrd to the kernel on its command line; GRUB does not
    assert "initrd=/boot/initramfs-lts" in found["cmdline"], found["cmdline"]


@test
def boots_under_ovmf_with_grub():
    console = imagetest.boot(state["image"], "ovmf", os.path.join(fx.scratch, "ovmf.log"))
    found = imagetest.fixture_lines(console)
    state["ovmf"] = found
    check_common(found, state["work"])
    assert "BOOT_IMAGE=/boot/vmlinuz-lts" in found["cmdline"], found["cmdline"]
    assert "initrd=" not in found["cmdline"], "booted by syslinux, not GRUB: " + found["cmdline"]


def data_partition_offset(image):
    table = subprocess.run(["sfdisk", "--dump", image], capture_output=True, text=True, check=True).stdout
    starts = re.findall(r"start=\s*(\d+),.*type=83", table)
    assert len(starts) == 1, table
    return int(starts[0]) * 512


@test
def data_partition_keeps_a_file_across_a_reboot():
    # the fixture's /init mounts DKVMDATA (ext4 from the initramfs' modules):
    # the first boot (SeaBIOS) wrote a marker with a new random id, the next
    # (OVMF) found that file
    first, second = state["seabios"].get("data", ""), state["ovmf"].get("data", "")
    m = re.fullmatch(r"written ([0-9a-f-]{36}) on (/dev/sd[a-z]2)", first)
    assert m, "first boot: " + first + "\n" + "\n".join(state["seabios"]["lines"])
    state["marker"] = m[1]
    assert re.fullmatch(rf"found {m[1]} on /dev/sd[a-z]2", second), \
        "next boot: " + second + "\n" + "\n".join(state["ovmf"]["lines"])
    # and the file is on the image's ext4 partition, read from outside
    data = f"{state['image']}?offset={data_partition_offset(state['image'])}"
    p = subprocess.run(["debugfs", "-R", "cat /dkvm-fixture-marker", data], capture_output=True, text=True)
    assert p.stdout.strip() == m[1], p.stdout + p.stderr


@test
def lbu_commit_apkovl_is_found_at_next_boot():
    image = state["image"]
    partition = f"{image}@@1M"
    env = imagetest.mtools_env()
    old = os.path.join(fx.scratch, "old.apkovl.tar.gz")
    subprocess.run(["mcopy", "-n", "-i", partition, "::/dkvm.apkovl.tar.gz", old], env=env, check=True)
    # lbu commit packs the changed configuration as <hostname>.apkovl.tar.gz
    # and replaces the file on the medium
    token = os.urandom(8).hex()
    new = os.path.join(fx.scratch, "dkvm.apkovl.tar.gz")
    tokenfile = os.path.join(fx.scratch, "dkvm-fixture-token")
    with open(tokenfile, "w") as f:
        f.write(token + "\n")
    with tarfile.open(old) as src, tarfile.open(new, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        info = dst.gettarinfo(tokenfile, "etc/dkvm-fixture-token")
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        with open(tokenfile, "rb") as f:
            dst.addfile(info, f)
    subprocess.run(["mcopy", "-o", "-i", partition, new, "::/dkvm.apkovl.tar.gz"], env=env, check=True)

    console = imagetest.boot(image, "seabios", os.path.join(fx.scratch, "persist.log"))
    found = imagetest.fixture_lines(console)
    check_common(found, state["work"])
    assert found.get("token") == token, found["lines"]
    assert found.get("data", "").startswith(f"found {state['marker']} "), found["lines"]
    assert found["apkovl"] == f"dkvm.apkovl.tar.gz sha256={imagetest.sha256(new)}", found["apkovl"]
    # the stick with the committed apkovl still passes verify
    p = fx.builder(state["work"], "verify")
    assert "is good" in p.stderr, p.stderr


sys.exit(test.run(scratch=fx.scratch))
