#!/usr/bin/env python3
"""Suite image: the fetch stage against a local HTTP server on 127.0.0.1
serving the fixture release as Alpine's mirror lays it out: a verified
download, a resume after a cut connection (HTTP Range), a sha256 that does
not match refused, the pins of builder/versions enforced (the default
release's tarball and apk.static), and a second run with the server gone
(offline).

Usage: test-image-fetch.py DKVM BUILD_ROOT"""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libvirt"))
import httpserver  # noqa: E402
import imagetest  # noqa: E402
from tapcases import Cases  # noqa: E402

fx = imagetest.Fixture(sys.argv[1], sys.argv[2])
test = Cases()
tarball = fx.release()
name = os.path.basename(tarball)
url_path = f"/v3.23/releases/x86_64/{name}"
server = httpserver.Server(fx.mirror)
state = {}


def fetch(work, mirror, check=True):
    return fx.builder(work, "--mirror", mirror, "--no-apk-cache", "fetch", check=check)


def release_matches(work):
    """The boot files fetch left are the tarball's."""
    out = os.path.join(fx.scratch, "expected")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    imagetest.run(["tar", "-xzf", tarball, "-C", out])
    for f in ("vmlinuz-lts", "initramfs-lts", "modloop-lts"):
        got = imagetest.sha256(os.path.join(work, "release", "boot", f))
        assert got == imagetest.sha256(os.path.join(out, "boot", f)), f


@test
def verified_download():
    work = os.path.join(fx.scratch, "plain")
    p = fetch(work, server.url)
    assert "release boot files verified (" + imagetest.sha256(tarball) + ")" in p.stderr, p.stderr
    release_matches(work)
    paths = [r["path"] for r in server.requests]
    assert paths == [url_path + ".sha256", url_path], paths
    state["plain"] = work


@test
def resume_after_a_cut_connection():
    work = os.path.join(fx.scratch, "resume")
    server.requests.clear()
    size = os.path.getsize(tarball)
    server.cut_after[url_path] = size // 3
    p = fetch(work, server.url)
    assert "interrupted" in p.stderr and "resuming" in p.stderr, p.stderr
    release_matches(work)
    gets = [r for r in server.requests if r["path"] == url_path]
    assert len(gets) == 2, gets
    assert gets[0]["range"] is None and gets[0]["sent"] == size // 3, gets
    # the second request continues where the first stopped, nothing twice
    assert gets[1]["range"] == f"bytes={size // 3}-", gets
    assert gets[0]["sent"] + gets[1]["sent"] == size, gets


@test
def a_wrong_sha256_is_refused():
    mirror = os.path.join(fx.scratch, "bad-mirror")
    shutil.copytree(fx.mirror, mirror)
    bad = os.path.join(mirror, url_path.lstrip("/"))
    with open(bad, "r+b") as f:  # the mirror serves other bytes than published
        f.seek(1000)
        f.write(b"\0" * 16)
    bad_server = httpserver.Server(mirror)
    try:
        work = os.path.join(fx.scratch, "bad")
        p = fetch(work, bad_server.url, check=False)
    finally:
        bad_server.stop()
    assert p.returncode == 4, p.stderr
    assert f"download {name}: sha256 {imagetest.sha256(bad)}, expected {imagetest.sha256(tarball)}" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(work, "downloads", name)), "kept a download that failed its check"
    assert not os.path.exists(os.path.join(work, "release", "boot", "vmlinuz-lts"))


def pinned(name):
    """NAME's value in builder/versions."""
    with open(os.path.join(imagetest.SOURCE, "builder", "versions")) as f:
        for line in f:
            if line.startswith(name + "="):
                return line.split("=", 1)[1].strip()
    raise AssertionError(f"{name} not in builder/versions")


@test
def the_pinned_release_must_match_its_pin():
    # The fixture served under the pinned release's name: its published
    # sha256 is not the pin, so fetch stops before downloading the tarball.
    version = pinned("ALPINE_VERSION_DEFAULT")
    branch = "v" + ".".join(version.split(".")[:2])
    mirror = os.path.join(fx.scratch, "pinned-mirror")
    folder = os.path.join(mirror, branch, "releases", "x86_64")
    os.makedirs(folder)
    served = f"alpine-netboot-{version}-x86_64.tar.gz"
    shutil.copy(tarball, os.path.join(folder, served))
    with open(os.path.join(folder, served + ".sha256"), "w") as f:
        f.write(f"{imagetest.sha256(tarball)}  {served}\n")
    pin_server = httpserver.Server(mirror)
    try:
        work = os.path.join(fx.scratch, "pinned")
        p = fx.builder(work, "--alpine", version, "--mirror", pin_server.url, "--no-apk-cache",
                       "fetch", check=False)
        paths = [r["path"] for r in pin_server.requests]
    finally:
        pin_server.stop()
    assert p.returncode == 4, p.stderr
    pin = pinned("ALPINE_NETBOOT_SHA256")
    assert len(pin) == 64, pin
    assert f"publishes {imagetest.sha256(tarball)}, builder/versions pins {pin}" in p.stderr, p.stderr
    assert paths == [f"/{branch}/releases/x86_64/{served}.sha256"], paths
    # while the fixture's own version, unpinned, says it trusts the published value
    p = fetch(os.path.join(fx.scratch, "unpinned"), server.url)
    assert "is not pinned in builder/versions; using the published sha256" in p.stderr, p.stderr


@test
def apk_static_must_match_its_pin():
    # other bytes than the pinned apk.static, served where the pin's address
    # would be: refused, and not kept for a later run
    root = os.path.join(fx.scratch, "apk-static-mirror")
    os.makedirs(root)
    with open(os.path.join(root, "apk.static"), "wb") as f:
        f.write(b"\x7fELF not the pinned apk.static")
    tools_server = httpserver.Server(root)
    try:
        work = os.path.join(fx.scratch, "apk-static")
        p = fx.builder(work, "--mirror", server.url, "fetch", check=False,
                       env_extra={"APK_STATIC_URL": tools_server.url + "/apk.static"})
    finally:
        tools_server.stop()
    assert p.returncode == 4, p.stderr
    assert f"expected {pinned('APK_STATIC_SHA256')}" in p.stderr, p.stderr
    assert not [f for f in os.listdir(os.path.join(work, "tools")) if f.startswith("apk.static")]


@test
def a_second_run_works_offline():
    server.stop()
    # the same work dir, the server gone: nothing to download
    p = fetch(state["plain"], server.url)
    assert "verified earlier (cached, no network needed)" in p.stderr, p.stderr
    release_matches(state["plain"])
    # while a work dir that never fetched fails with the reason
    p = fetch(os.path.join(fx.scratch, "never"), server.url, check=False)
    assert p.returncode == 1 and "failed after" in p.stderr, p.stderr


sys.exit(test.run(scratch=fx.scratch))
