#!/usr/bin/env python3
"""The man page and the bash completion the build writes (frontend/cli/docs),
held to the real dkvm: every command and option in `dkvm --help` and in each
`dkvm COMMAND --help` is in the man page and nothing else is; the completion,
sourced into bash, completes commands, each command's options and VM names
(from `dkvm vm list` on libvirt's test driver). Prints TAP.

Usage: test-cli-docs.py DKVM MAN_PAGE COMPLETION NODE_XML
"""
import os
import re
import subprocess
import sys
import tempfile

from tapcases import Cases

DKVM, MAN, COMPLETION, NODE = (os.path.abspath(a) for a in sys.argv[1:5])
URI = "test://" + NODE
TMP = tempfile.mkdtemp(prefix="dkvm-docs-")
# `dkvm` on PATH for the completion (it runs `dkvm vm list`); the module is
# found beside the real binary
BIN = os.path.join(TMP, "bin")
os.makedirs(BIN)
os.symlink(os.path.abspath(DKVM), os.path.join(BIN, "dkvm"))
ENV = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""))
ENV.pop("LIBVIRT_DEFAULT_URI", None)

test = Cases()


def run(*args):
    r = subprocess.run([DKVM] + list(args), capture_output=True, text=True, timeout=60, env=ENV)
    assert r.returncode == 0, (args, r.returncode, r.stderr)
    return r.stdout


OPTION = re.compile(r"^  (?:-\w, )?--([\w-]+)")


def help_section(text, title):
    """The lines of a --help section, up to the next blank line."""
    lines = text.splitlines()
    if title not in lines:
        return []  # a command without options of its own
    start = lines.index(title) + 1
    out = []
    for line in lines[start:]:
        if not line.strip():
            break
        out.append(line)
    return out


def help_options(text, title):
    return {m.group(1) for line in help_section(text, title) if (m := OPTION.match(line))}


def help_commands():
    names = []
    for line in help_section(run("--help"), "Commands:"):
        if line.startswith("  ") and not line.startswith("   "):
            words = []
            for word in line.split():
                if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", word):
                    break
                words.append(word)
            names.append(" ".join(words))
    return names


def unroff(line):
    return re.sub(r"\\f[BIR]", "", line).replace("\\-", "-").replace("\\e", "\\")


def man_sections():
    with open(MAN) as f:
        lines = f.read().splitlines()
    sections, current = {}, None
    for line in lines:
        if line.startswith(".SH "):
            current = line[4:].strip('"')
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return sections


def man_items(lines):
    """The option names of the .TP items in @lines."""
    names = set()
    for i, line in enumerate(lines):
        if line == ".TP":
            m = re.search(r"--([\w-]+)", unroff(lines[i + 1]))
            if m:
                names.add(m.group(1))
    return names


def man_commands():
    sections = man_sections()
    vm_options = man_items(sections["VM OPTIONS"])
    commands, name, block = {}, None, []

    def close():
        if name is None:
            return
        options = man_items(block)
        for line in block:
            text = unroff(line)
            if text.startswith("Takes the VM options"):
                except_ = set(re.findall(r"--([\w-]+)", text.partition(" except ")[2]))
                options |= vm_options - except_
        commands[name] = options

    for line in sections["COMMANDS"]:
        if line.startswith(".SS "):
            close()
            words = []
            for word in unroff(line[4:]).strip('"').split()[1:]:
                if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", word):
                    break
                words.append(word)
            name, block = " ".join(words), []
        else:
            block.append(line)
    close()
    return commands


@test
def man_page_lists_the_commands_of_help():
    assert list(man_commands()) == help_commands(), (list(man_commands()), help_commands())
    assert len(help_commands()) >= 16


@test
def man_page_global_options_are_those_of_help():
    main = help_options(run("--help"), "Options:")
    man = man_items(man_sections()["GLOBAL OPTIONS"])
    assert main == man, (main, man)
    assert {"connect", "config", "version", "help"} <= man


@test
def man_page_options_are_each_commands_help():
    man = man_commands()
    for name in help_commands():
        own = help_options(run(*name.split(), "--help"), "Application Options:")
        assert man[name] == own, f"{name}: --help {sorted(own)} vs man {sorted(man[name])}"
    assert "preset" not in man["vm edit"] and "preset" in man["vm create"]
    assert {"no-realtime", "no-kvm-hidden"} <= man["vm edit"]


@test
def man_page_renders_without_warnings():
    # groff is what man(1) runs; -ww: every warning
    r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", MAN], capture_output=True,
                       text=True, env=ENV)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    text = re.sub(".\b", "", r.stdout)
    assert "dkvm vm create NAME [VM options] [--print-xml]" in text, text[:2000]


def complete(line, env=None):
    """COMPREPLY for the command line @line (the cursor at its end)."""
    script = (f"source {COMPLETION!r}\n"
              f"COMP_LINE={line!r}; COMP_POINT=${{#COMP_LINE}}\n"
              f"read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
              f"[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')\n"
              f"COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n"
              f"_dkvm dkvm \"${{COMP_WORDS[COMP_CWORD]}}\"\n"
              f"printf '%s\\n' \"${{COMPREPLY[@]}}\"\n")
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True,
                       text=True, timeout=60, env=env or ENV, cwd=TMP)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return sorted(w for w in r.stdout.splitlines() if w)


@test
def completion_is_registered():
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                        f"source {COMPLETION!r}; complete -p dkvm"],
                       capture_output=True, text=True, env=ENV)
    assert r.stdout == "complete -o filenames -F _dkvm dkvm\n", (r.stdout, r.stderr)


@test
def completion_of_commands():
    assert complete("dkvm ") == ["help", "host", "menu", "plan", "power", "save", "usb",
                                 "version", "vm"]
    assert complete("dkvm v") == ["version", "vm"]
    verbs = sorted(n.split()[1] for n in help_commands() if n.startswith("vm "))
    assert complete("dkvm vm ") == verbs
    assert complete("dkvm vm st") == ["start", "stop"]
    assert complete("dkvm --connect test:///default vm k") == ["kill"]
    assert complete("dkvm help ") == ["host", "menu", "plan", "power", "save", "usb", "vm"]
    assert complete("dkvm usb ") == ["follow"]
    assert complete("dkvm power ") == ["button", "off", "reboot"]
    # a command that is also the start of longer ones
    assert complete("dkvm host b") == ["bind-early", "boot-hugepages"]
    assert "--dry-run" in complete("dkvm host bind-early --")
    assert complete("dkvm host ") == ["bind-early", "boot-hugepages", "cmdline"]
    assert "--boot-dir" in complete("dkvm host cmdline --")
    assert {"--force", "--timeout"} <= set(complete("dkvm power off --"))
    assert complete("dkvm help vm cr") == ["create"]
    assert complete("dkvm --con") == ["--config", "--connect"]


@test
def completion_of_each_commands_options():
    globals_ = {"connect", "config"}
    for name in help_commands():
        own = help_options(run(*name.split(), "--help"), "Application Options:")
        got = {w[2:] for w in complete(f"dkvm {name} --")}
        assert got == own | globals_, f"{name}: {sorted(got)} vs {sorted(own | globals_)}"
    assert complete("dkvm vm edit made --pre") == []
    assert complete("dkvm vm create new --vc") == ["--vcpus"]
    assert complete("dkvm vm edit made --no-r") == ["--no-realtime"]


@test
def completion_of_vm_names_and_files():
    names = ["huge", "linux", "passthrough", "win11"]
    assert complete(f"dkvm --connect {URI} vm start ") == names
    assert complete(f"dkvm -c {URI} vm show w") == ["win11"]
    # a global option after the command counts too
    assert complete(f"dkvm vm kill --connect {URI} l") == ["linux"]
    assert complete("dkvm vm start ", env=dict(ENV, LIBVIRT_DEFAULT_URI=URI)) == names
    # after the name: nothing more to complete
    assert complete(f"dkvm --connect {URI} vm start win11 ") == []
    # vm create takes a new name
    assert complete(f"dkvm --connect {URI} vm create ") == []
    with open(os.path.join(TMP, "host.tar.gz"), "w"):
        pass
    assert complete("dkvm host --capture ho") == ["host.tar.gz"]
    assert complete("dkvm vm import ho") == ["host.tar.gz"]
    assert complete("dkvm --config ho") == ["host.tar.gz"]
    # an option's value is not taken for the VM name
    assert complete(f"dkvm --connect {URI} vm stop --timeout 5 w") == ["win11"]


if __name__ == "__main__":
    sys.exit(test.run(scratch=TMP))
