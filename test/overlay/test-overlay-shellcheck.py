#!/usr/bin/env python3
"""shellcheck on every script of alpine-overlay/: build-apkovl, the OpenRC
services, the boot steps they share, the acpid handler, and any other file
that starts as a shell script. Each script is one TAP case; shellcheck's
own findings are the diagnostics. POSIX sh (--shell=sh): Alpine runs them
with BusyBox's ash.

Usage: test-overlay-shellcheck.py (TAP)"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libvirt"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import overlaylib as ol  # noqa: E402
from tapcases import Cases  # noqa: E402

SHELLS = ("#!/bin/sh", "#!/sbin/openrc-run", "#!/bin/ash", "# shellcheck shell=sh")


def scripts():
    found = []
    for top, _, files in os.walk(ol.OVERLAY):
        for name in files:
            path = os.path.join(top, name)
            if os.path.islink(path):
                continue
            with open(path, "rb") as f:
                first = f.readline().decode(errors="replace").strip()
            if first.startswith(SHELLS) or os.access(path, os.X_OK):
                found.append(path)
    return sorted(found)


test = Cases()
shellcheck = shutil.which("shellcheck")


def check(path):
    def case():
        assert shellcheck is not None, "shellcheck is not installed (scripts/install-deps installs it)"
        r = subprocess.run([shellcheck, "--shell=sh", "--severity=style", "--external-sources", path],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    return case


found = scripts()
for path in found:
    test.add(os.path.relpath(path, ol.SOURCE_ROOT), check(path))


@test
def the_known_scripts_are_checked():
    rel = {os.path.relpath(p, ol.OVERLAY) for p in found}
    want = {"build-apkovl", "etc/acpi/handler.sh", "etc/dkvm/boot.sh"}
    want |= {f"etc/init.d/{s}" for s in ol.overlay_services()}
    assert want <= rel, f"not checked: {sorted(want - rel)}"


sys.exit(test.run())
