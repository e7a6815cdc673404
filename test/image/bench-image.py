#!/usr/bin/env python3
"""Benchmark: dkvm-build's assemble stage (partitions, file system, loaders,
MBR) on the fixture release against a plain copy of the same payload (the
staged files) into one file with tar, in the same run; and the image's size.
A real stick carries an apk cache of roughly 150 MiB (libvirt, QEMU, OVMF
and their libraries) which the fixture lacks, so the payload gets 100
synthetic cache files of 1.6 MiB: without them the loaders' fixed costs
(syslinux's installer alone takes ~0.2 s) would be compared with a tar of
11 MiB.
Prints the median of 3 runs of each, alternating, each after an untimed
sync (so neither pays for the other's unwritten pages), and the ratio
assemble / copy (goal: <= 2). A speed goal is reported, never asserted.
The assemble runs are warm, as a second `dkvm-build assemble` is: the image's
fixed part (MBR, FAT32 with syslinux installed, empty ext4; cached in
WORK/image-base per sizes, SOURCE_DATE_EPOCH and tools) and the apkovl
(WORK/apkovl-cache, per overlay, options and key) were made by the `all`
build before. Cold runs (both caches removed) are timed and reported too,
with their own ratio, and one of each shows each step's time
(DKVM_BUILD_TIMES).

Usage: bench-image.py DKVM BUILD_ROOT"""

import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imagetest  # noqa: E402

GOAL = 2.0
fx = imagetest.Fixture(sys.argv[1], sys.argv[2])
try:
    work = fx.build_image("bench", size="512", data="64")
    cache = os.path.join(work, "apk-cache")
    os.makedirs(cache)
    for i in range(100):
        with open(os.path.join(cache, f"synthetic{i}-1.0-r0.0123abcd.apk"), "wb") as f:
            f.write(os.urandom(1600 * 1024))
    assemble_args = ["--dkvm", fx.cmdline_dkvm(), "--size", "512", "--data-size", "64", "assemble"]

    payload = os.path.join(work, "stage")
    copy = os.path.join(fx.scratch, "payload.tar")

    def drop_caches():
        shutil.rmtree(os.path.join(work, "image-base"))
        shutil.rmtree(os.path.join(work, "apkovl-cache"))

    def once(fn):
        # Unwritten pages of the run before (the other tool's 170 MiB) are
        # written out first, untimed: syslinux's installer calls sync(), and
        # neither side should pay for the other's writeback.
        os.sync()
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    # alternating, so a busy moment of the machine hits both sides alike
    warm_runs, copy_runs, cold_runs = [], [], []
    for _ in range(3):
        warm_runs.append(once(lambda: fx.builder(work, *assemble_args)))
        copy_runs.append(once(lambda: subprocess.run(["tar", "-cf", copy, "-C", payload, "."],
                                                     check=True)))
        drop_caches()
        cold_runs.append(once(lambda: fx.builder(work, *assemble_args)))
    t_assemble = statistics.median(warm_runs)
    t_copy = statistics.median(copy_runs)
    t_cold = statistics.median(cold_runs)

    def steps(label):
        """One more run with DKVM_BUILD_TIMES: each step's time."""
        start = time.perf_counter()
        p = fx.builder(work, *assemble_args, env_extra={"DKVM_BUILD_TIMES": "1"})
        elapsed = time.perf_counter() - start
        times = [line.split("time:", 1)[1].split() for line in p.stderr.splitlines() if "time:" in line]
        return elapsed, f"{label} ({elapsed * 1000:.0f} ms): " + ", ".join(f"{n} {ms}" for n, ms, _ in times)

    _, warm_steps = steps("steps of a warm assemble, ms")
    drop_caches()
    _, cold_steps = steps("steps of a cold assemble, ms")
    image = os.path.join(work, "usbdisk.img")
    apparent = os.path.getsize(image)
    allocated = os.stat(image).st_blocks * 512
    payload_bytes = os.path.getsize(copy)
    ratio = t_assemble / t_copy
    print(f"assemble (512 MiB image):        {t_assemble * 1000:8.1f} ms")
    print(f"tar of the same payload:         {t_copy * 1000:8.1f} ms ({payload_bytes / 1048576:.1f} MiB)")
    print(f"ratio assemble / copy:           {ratio:8.2f} (goal <= {GOAL}: "
          f"{'met' if ratio <= GOAL else 'MISSED'})")
    cold_ratio = t_cold / t_copy
    print(f"cold assemble (no caches):       {t_cold * 1000:8.1f} ms (ratio {cold_ratio:.2f}, "
          f"goal <= {GOAL}: {'met' if cold_ratio <= GOAL else 'MISSED'})")
    print(f"image size:                      {apparent / 1048576:8.1f} MiB "
          f"({allocated / 1048576:.1f} MiB allocated, sparse)")
    print(warm_steps)
    print(cold_steps)
finally:
    fx.cleanup()
