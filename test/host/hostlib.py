"""Shared helpers of the host suite: run the real dkvm binary on a fixture tree
under umockdev-wrapper, the way a user's `dkvm host` would run on that machine.

A missing umockdev is a failure that names the package, never a skip."""

import json
import os
import shutil
import subprocess
import sys

# meson's defaults for sanitizer runs, plus the one umockdev needs: its preload
# comes before the ASan runtime in the library list (testing.md).
SAN_ENV = {
    "ASAN_OPTIONS": "verify_asan_link_order=0:halt_on_error=1:abort_on_error=1:"
                    "print_summary=1:detect_leaks=1",
    "UBSAN_OPTIONS": "halt_on_error=1:abort_on_error=1:print_summary=1:"
                     "print_stacktrace=1",
}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def wrapper():
    path = shutil.which("umockdev-wrapper")
    if path is None:
        fail("umockdev-wrapper not found: install umockdev (scripts/install-deps)")
    return path


def run_dkvm(dkvm, fixture, *args, check=True, extra_env=None, cwd=None, as_given=False):
    """Runs `dkvm ARGS` with /sys, /proc and /dev redirected to FIXTURE
    (made absolute unless AS_GIVEN, then passed exactly as spelled, relative
    to CWD)."""
    env = dict(os.environ)
    env.update(SAN_ENV)
    env["UMOCKDEV_DIR"] = fixture if as_given else os.path.abspath(fixture)
    env["LC_ALL"] = "C"
    if extra_env:
        env.update(extra_env)
    proc = subprocess.run([wrapper(), os.path.abspath(dkvm)] + list(args), env=env,
                          capture_output=True, text=True, cwd=cwd)
    if check and proc.returncode != 0:
        fail("dkvm %s on %s exited %d:\n%s" % (" ".join(args), fixture, proc.returncode,
                                               proc.stderr))
    return proc


def host_json(dkvm, fixture):
    out = run_dkvm(dkvm, fixture, "host", "--json").stdout
    try:
        return json.loads(out)
    except json.JSONDecodeError as e:
        fail("dkvm host --json on %s is not JSON (%s):\n%s" % (fixture, e, out[:2000]))


def fixture_names(hosts_dir):
    """Fixture trees: directories of test/data/hosts holding a sys/ tree."""
    return sorted(n for n in os.listdir(hosts_dir)
                  if os.path.isdir(os.path.join(hosts_dir, n, "sys")))
