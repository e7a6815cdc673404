#!/usr/bin/env python3
"""The CLI as users of virsh and virt-install expect it: help for every
level (`dkvm vm`, `dkvm help vm create`), unknown commands and options named
in full with a suggestion (virsh's verbs, typos), `dkvm version`, global
options after the command, `vm edit` without --preset and with a --no- for
each switch. Runs the real dkvm binary on libvirt's test driver (a node file,
test/data/libvirt/node.xml). Asserts exact output and exit codes. Prints TAP.

Usage: test-cli-habits.py DKVM NODE_XML HOST_JSON
"""
import os
import pty
import shutil
import select
import signal
import subprocess
import sys
import tempfile

from tapcases import Cases

DKVM, NODE, HOST = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
URI = "test://" + NODE
TMP = tempfile.mkdtemp(prefix="dkvm-habits-")
CONF = os.path.join(TMP, "dkvm.conf")
with open(CONF, "w") as f:
    f.write("[host]\npersist_command=true\n")
ENV = dict(os.environ, LIBVIRT_DEFAULT_URI=URI)


def run(*args, env=ENV):
    return subprocess.run([DKVM] + list(args), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60, env=env)


def expect(result, rc, stdout=None, stderr=None):
    where = f"\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    assert result.returncode == rc, f"exit {result.returncode}, expected {rc}{where}"
    if stdout is not None:
        assert result.stdout == stdout, f"stdout {result.stdout!r} != {stdout!r}{where}"
    if stderr is not None:
        assert result.stderr == stderr, f"stderr {result.stderr!r} != {stderr!r}{where}"


test = Cases()


VM_VERBS = ["create", "edit", "list", "show", "xml", "start", "stop", "kill", "monitor",
            "autostart", "delete", "import", "export"]


@test
def vm_alone_lists_the_vm_commands():
    r = run("vm")
    expect(r, 2, stderr="dkvm: vm: no command given (the vm commands are listed above)\n")
    assert r.stdout.startswith("Usage:\n  dkvm vm COMMAND [ARGS...]\n\nvm commands:\n"), r.stdout
    listed = [line.split()[1] for line in r.stdout.splitlines() if line.startswith("  vm ")]
    assert listed == VM_VERBS, listed
    # the summaries are those of the commands' own --help
    assert "  vm kill NAME                       Power a VM off at once, like pulling its " \
           "power cord\n" in r.stdout, r.stdout
    for args in (["vm", "--help"], ["vm", "-h"], ["vm", "help"], ["help", "vm"]):
        expect(run(*args), 0, r.stdout, "")


@test
def listing_commands_never_loads_the_libvirt_module():
    # a copy of dkvm beside a module that cannot load: only running a vm
    # command tries it
    bindir = os.path.join(TMP, "broken-module")
    os.makedirs(bindir)
    dkvm = os.path.join(bindir, "dkvm")
    shutil.copy(DKVM, dkvm)
    with open(os.path.join(bindir, "dkvm-libvirt.so"), "w") as f:
        f.write("not a shared object\n")

    def broken(*args):
        return subprocess.run([dkvm] + list(args), capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60, env=ENV)

    expect(broken("--help"), 0, run("--help").stdout, "")
    expect(broken("vm", "--help"), 0, run("vm", "--help").stdout, "")
    expect(broken("vm", "destroy"), 2, "", run("vm", "destroy").stderr)
    r = broken("vm", "list")
    assert r.returncode == 1 and r.stderr.startswith(
        "dkvm: cannot load dkvm's module dkvm-libvirt.so: "), r


@test
def unknown_vm_command_is_named_in_full():
    expect(run("vm", "foo"), 2, "",
           "dkvm: unknown command 'vm foo'\nhint: `dkvm help vm` lists the vm commands\n")
    expect(run("vm", "foo", "win11"), 2, "",
           "dkvm: unknown command 'vm foo'\nhint: `dkvm help vm` lists the vm commands\n")
    expect(run("foo"), 2, "", "dkvm: unknown command 'foo'\nhint: `dkvm help` lists the commands\n")
    expect(run("help", "foo"), 2, "",
           "dkvm: unknown command 'foo'\nhint: `dkvm help` lists the commands\n")


VIRSH = {"destroy": "vm kill", "shutdown": "vm stop", "undefine": "vm delete",
         "dumpxml": "vm xml", "define": "vm import", "dominfo": "vm show"}


@test
def virsh_verbs_get_the_dkvm_verb():
    for virsh, ours in VIRSH.items():
        hint = f"hint: virsh's `{virsh}` is `dkvm {ours}`\n"
        expect(run("vm", virsh, "win11"), 2, "",
               f"dkvm: unknown command 'vm {virsh}'\n" + hint)
        expect(run(virsh, "win11"), 2, "", f"dkvm: unknown command '{virsh}'\n" + hint)
    # virsh's verbs that DKVM shares, typed without `vm`
    for verb in ("start", "list", "edit", "create", "autostart"):
        expect(run(verb), 2, "",
               f"dkvm: unknown command '{verb}'\nhint: did you mean `dkvm vm {verb}`?\n")
    # a misspelt virsh verb still finds DKVM's
    expect(run("vm", "destory", "win11"), 2, "",
           "dkvm: unknown command 'vm destory'\nhint: virsh's `destroy` is `dkvm vm kill`\n")


@test
def typos_get_the_closest_command():
    for typed, meant in ((["vm", "stpo"], "vm stop"), (["vm", "lst"], "vm list"),
                         (["vm", "crate"], "vm create"), (["hots"], "host"),
                         (["paln"], "plan"), (["vn", "list"], "vm list"), (["vn"], "vm"),
                         (["verison"], "version")):
        name = " ".join(typed[:2] if typed[0] == "vm" else typed[:1])
        expect(run(*typed), 2, "",
               f"dkvm: unknown command '{name}'\nhint: did you mean `dkvm {meant}`?\n")


@test
def help_and_version_commands():
    main = run("--help")
    expect(main, 0, stderr="")
    assert main.stdout.startswith("Usage:\n  dkvm [OPTION…] COMMAND [ARGS...]\n"), main.stdout
    for verb in VM_VERBS:
        assert f"\n  vm {verb} " in main.stdout, verb
    expect(run("help"), 0, main.stdout, "")
    expect(run("-h"), 0, main.stdout, "")
    # no command: the same help, and exit 2
    expect(run(), 2, main.stdout, "dkvm: no command given\n")
    for words in (["vm", "create"], ["vm", "stop"], ["host"], ["plan"], ["save"]):
        own = run(*words, "--help")
        expect(own, 0, stderr="")
        assert own.stdout.startswith(f"Usage:\n  dkvm {' '.join(words)} [OPTION…]"), own.stdout
        expect(run("help", *words), 0, own.stdout, "")
    version = run("--version")
    expect(version, 0, stderr="")
    assert version.stdout.startswith("dkvm ") and version.stdout.count(".") == 2, version.stdout
    expect(run("-V"), 0, version.stdout, "")
    expect(run("version"), 0, version.stdout, "")
    expect(run("version", "x"), 2, "", "dkvm: version: expected no arguments, got 1\n")
    # the words after a command are its own
    expect(run("help", "vm", "start", "win11"), 0, run("vm", "start", "--help").stdout, "")


LIST = ("NAME         STATE        VCPUS      MEMORY  AUTOSTART\n"
        "huge         shutoff          1     1.0 GiB  no\n"
        "linux        running          2     2.0 GiB  no\n"
        "passthrough  shutoff          2     1.0 GiB  no\n"
        "win11        shutoff          4     8.0 GiB  no\n")


@test
def global_options_after_the_command():
    env = dict(os.environ, LIBVIRT_DEFAULT_URI="test:///default")
    expect(run("--connect", URI, "--config", CONF, "vm", "list", env=env), 0, LIST, "")
    expect(run("vm", "list", "--connect", URI, "--config", CONF, env=env), 0, LIST, "")
    expect(run("vm", "list", "-c", URI, env=env), 0, LIST, "")
    expect(run("vm", "list", f"--connect={URI}", env=env), 0, LIST, "")
    # after the command wins over before it, as a later option does
    expect(run("--connect", "test:///default", "vm", "list", "--connect", URI, env=env),
           0, LIST, "")
    # a command's --help names them
    r = run("vm", "list", "--help-global")
    expect(r, 0, stderr="")
    assert "--connect=URI" in r.stdout and "--config=FILE" in r.stdout, r.stdout
    # --config after the command is the file read
    missing = os.path.join(TMP, "missing.conf")
    expect(run("vm", "list", "--config", missing), 0, LIST,
           f"dkvm: warning: --config {missing}: no such file (default VM unknown)\n")
    # --version belongs before the command, and says so
    expect(run("vm", "list", "--version"), 2, "",
           "dkvm: vm list: unknown option --version\n"
           "hint: --version goes before the command: `dkvm --version`\n")


@test
def unknown_options_get_a_suggestion():
    expect(run("vm", "create", "x", "--vcpu", "2"), 2, "",
           "dkvm: vm create: unknown option --vcpu\nhint: did you mean --vcpus?\n")
    expect(run("plan", "--memroy=4G"), 2, "",
           "dkvm: plan: unknown option --memroy\nhint: did you mean --memory?\n")
    expect(run("vm", "list", "--conect", URI), 2, "",
           "dkvm: vm list: unknown option --conect\nhint: did you mean --connect?\n")
    expect(run("vm", "stop", "win11", "--forse"), 2, "",
           "dkvm: vm stop: unknown option --forse\nhint: did you mean --force?\n")
    expect(run("vm", "list", "--all"), 2, "",
           "dkvm: vm list: unknown option --all\n"
           "hint: `dkvm vm list --help` lists its options\n")


def kvm_node(*create_options):
    """A node file holding one DKVM-made KVM domain, 'made', so that
    `vm edit` has a domain it manages (node.xml's VMs are type 'test')."""
    r = run("--config", CONF, "vm", "create", "made", "--preset", "linux", "--vcpus", "2",
            "--memory", "1G", "--network", "none", "--host-json", HOST, *create_options,
            "--print-xml")
    expect(r, 0)
    with open(NODE) as f:
        node = f.read()
    cpu = node[node.index("<cpu>"):node.index("</memory>") + len("</memory>")]
    path = os.path.join(TMP, "kvm-node.xml")
    with open(path, "w") as f:
        f.write(f"<node>{cpu}{r.stdout}</node>\n")
    return "test://" + path


@test
def vm_edit_help_offers_no_preset():
    r = run("vm", "edit", "--help")
    expect(r, 0, stderr="")
    assert "--preset" not in r.stdout, r.stdout
    for option in ("--vcpus=N", "--no-realtime", "--no-kvm-hidden", "--print-xml"):
        assert option in r.stdout, option
    assert "--preset=NAME" in run("vm", "create", "--help").stdout
    # given anyway, it is refused with a reason rather than called unknown
    uri = kvm_node()
    expect(run("--config", CONF, "-c", uri, "vm", "edit", "made", "--preset", "windows11"), 2,
           "", "dkvm: vm edit: --preset only applies to vm create\n"
               "hint: create a new VM with the other preset\n")


@test
def every_edit_switch_can_be_turned_off():
    r = run("vm", "edit", "--help")
    own = r.stdout[r.stdout.index("Application Options:"):]
    switches = [line.split()[0][2:] for line in own.splitlines()
                if line.startswith("  --") and "=" not in line.split()[0]]
    assert "realtime" in switches and "kvm-hidden" in switches, switches
    for switch in switches:
        if switch.startswith("no-") or switch in ("print-xml", "uefi", "bios"):
            continue
        assert "no-" + switch in switches, f"--{switch} has no --no-{switch}"
    uri = kvm_node("--realtime", "--kvm-hidden")
    before = run("--config", CONF, "-c", uri, "vm", "edit", "made", "--host-json", HOST,
                 "--print-xml")
    expect(before, 0)
    assert 'scheduler="fifo"' in before.stdout and '<hidden state="on"/>' in before.stdout
    after = run("--config", CONF, "-c", uri, "vm", "edit", "made", "--host-json", HOST,
                "--no-realtime", "--no-kvm-hidden", "--print-xml")
    expect(after, 0)
    assert "fifo" not in after.stdout, after.stdout
    assert "<hidden" not in after.stdout, after.stdout
    expect(run("plan", "--host-json", HOST, "--realtime", "--no-realtime"), 2, "",
           "dkvm: --realtime and --no-realtime contradict each other\n")
    expect(run("plan", "--host-json", HOST, "--kvm-hidden", "--no-kvm-hidden"), 2, "",
           "dkvm: --kvm-hidden and --no-kvm-hidden contradict each other\n")


@test
def early_bind_mark_kept_by_edits_and_removed():
    mark = "<dkvm:early-bind>yes</dkvm:early-bind>"
    uri = kvm_node("--early-bind")
    other = run("--config", CONF, "-c", uri, "vm", "edit", "made", "--host-json", HOST,
                "--vcpus", "1", "--print-xml")
    expect(other, 0)
    assert mark in other.stdout, "an edit of something else dropped the early-bind mark"
    off = run("--config", CONF, "-c", uri, "vm", "edit", "made", "--host-json", HOST,
              "--no-early-bind", "--print-xml")
    expect(off, 0)
    assert "early-bind" not in off.stdout, off.stdout
    plain = kvm_node()
    r = run("--config", CONF, "-c", plain, "vm", "xml", "made")
    expect(r, 0)
    assert "early-bind" not in r.stdout, "a VM without the mark got one"


@test
def save_without_a_persist_command_says_nothing_was_saved():
    empty = os.path.join(TMP, "no-persist.conf")
    with open(empty, "w") as f:
        f.write("[host]\npersist_command=\n")
    expect(run("--config", empty, "save"), 0,
           "nothing saved: no persist command (dkvm.conf persist_command is empty, or unset and "
           "this machine has no lbu)\n", "")
    expect(run("--config", CONF, "save"), 0, "saved\n", "")


@test
def one_vcpu_in_the_singular():
    r = run("plan", "--host-json", HOST, "--vcpus", "1", "--memory", "2G")
    expect(r, 0)
    assert "CPU pinning: 1 vCPU; guest topology" in r.stdout, r.stdout
    assert "  - the vCPU in L3 group " in r.stdout, r.stdout
    assert "1 vCPU on an SMT host" in r.stdout and "sees 1 single-thread core;" in r.stdout
    assert "1 vCPUs" not in r.stdout and "1 single-thread cores" not in r.stdout
    r = run("plan", "--host-json", HOST, "--vcpus", "4", "--memory", "2G")
    assert "CPU pinning: 4 vCPUs;" in r.stdout and "  - all 4 vCPUs in L3 group " in r.stdout


def watch_on_a_terminal(env):
    """Two screens of `vm monitor linux --watch` with a terminal on stdout (the
    second one shows that the Ctrl-C handler is in place)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([DKVM, "--connect", URI, "--config", CONF, "vm", "monitor", "linux",
                          "--watch"], stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = b""
    try:
        while out.count(b"VM linux:") < 2:
            ready, _, _ = select.select([master], [], [], 10)
            assert ready, f"no output in 10 s: {out!r}"
            out += os.read(master, 4096)
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=10)
        os.close(master)
    assert p.returncode == 0, (p.returncode, p.stderr.read())
    return out


@test
def escape_codes_only_on_a_terminal_without_no_color():
    env = {k: v for k, v in ENV.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"
    assert b"\033[H\033[2J" in watch_on_a_terminal(env)
    for plain in (dict(env, NO_COLOR="1"), dict(env, TERM="dumb")):
        assert b"\033" not in watch_on_a_terminal(plain)
    # to a pipe: never
    p = subprocess.Popen([DKVM, "--connect", URI, "--config", CONF, "vm", "monitor", "linux",
                          "--watch"], stdout=subprocess.PIPE, env=env)
    first = p.stdout.readline()
    line = first
    while line and b"VM linux:" not in (line := p.stdout.readline()):
        first += line
    first += line
    p.send_signal(signal.SIGINT)
    rest, _ = p.communicate(timeout=10)
    assert p.returncode == 0 and b"\033" not in first + rest, first + rest


if __name__ == "__main__":
    sys.exit(test.run(scratch=TMP))
