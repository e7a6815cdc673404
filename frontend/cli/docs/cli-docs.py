#!/usr/bin/env python3
"""Writes dkvm's man page (roff) and bash completion from `dkvm --dump-options`,
the JSON that dkvm prints from the option tables its parser uses (see
frontend/cli/options-dump.h), so that neither can drift from --help.
The build runs this (frontend/cli/docs/meson.build); test/libvirt/
test-cli-docs.py checks the results against --help and in bash.

Usage: cli-docs.py DKVM MAN_OUT COMPLETION_OUT
"""
import json
import os
import subprocess
import sys

EXIT_CODES = [
    ("0", "success"),
    ("1", "a failure not listed below (e.g. a file could not be read)"),
    ("2", "bad input: an unknown option or command, an invalid size, name, CPU list or "
          "address; a domain libvirt's validation refuses"),
    ("3", "not found: no such VM, PCI device or file"),
    ("4", "refused or not enough resources (an IOMMU group not isolated, a device the host "
          "needs, not enough memory or hugepages...)"),
    ("5", "libvirt error (its own message quoted), QEMU failed, or libvirtd cannot be "
          "reached"),
    ("6", "the change is active but could not be saved to the stick (run dkvm save)"),
]


def roff(text):
    """Escapes @text for roff: backslashes, hyphens, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def option_term(o):
    names = f"\\fB\\-\\-{roff(o['long'])}\\fR"
    if o["short"]:
        names = f"\\fB\\-{roff(o['short'])}\\fR, " + names
    if o["value"]:
        names += f"=\\fI{roff(o['value'])}\\fR"
    return names


def option_items(options):
    out = []
    for o in options:
        out += [".TP", option_term(o), roff(o["description"] +
                                            (" (repeat for more)" if o["repeat"] and
                                             "repeat" not in o["description"] else ""))]
    return out


def vm_option_names(dump):
    return [o["long"] for o in dump["vm_options"]]


def split_options(dump, command):
    """A command's own options, and which VM options it lacks (None: it takes none)."""
    shared = vm_option_names(dump)
    names = [o["long"] for o in command["options"]]
    takes_vm_options = bool(set(names) & set(shared))
    own = [o for o in command["options"] if not (takes_vm_options and o["long"] in shared)]
    missing = [n for n in shared if n not in names] if takes_vm_options else None
    return own, missing


def man_page(dump):
    version = dump["version"]
    out = [
        f'.TH DKVM 1 "" "dkvm {roff(version)}" "User Commands"',
        ".SH NAME",
        "dkvm \\- desktop VMs with GPU passthrough, CPU pinning and hugepages on libvirt",
        ".SH SYNOPSIS",
        ".B dkvm",
        "[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]",
        ".br",
        ".B dkvm help",
        "[\\fICOMMAND\\fR]",
        ".br",
        ".B dkvm version",
        ".SH DESCRIPTION",
        "dkvm plans and defines libvirt domains for desktop VMs: it reads the host "
        "(CPUs, caches, NUMA nodes, hugepages, IOMMU groups, PCI and USB devices), "
        "chooses vCPU pinning, hugepage backing and passthrough for the VM you ask "
        "for, and defines, starts and stops it through libvirt. "
        "\\fBdkvm host\\fR and \\fBdkvm plan\\fR only read; the \\fBvm\\fR commands "
        "talk to libvirtd.",
        ".PP",
        "Unknown commands and options are answered with the closest one, and virsh's "
        "verbs with DKVM's (\\fBdestroy\\fR is \\fBvm kill\\fR, \\fBshutdown\\fR is "
        "\\fBvm stop\\fR, \\fBundefine\\fR is \\fBvm delete\\fR, \\fBdumpxml\\fR is "
        "\\fBvm xml\\fR, \\fBdefine\\fR is \\fBvm import\\fR, \\fBdominfo\\fR is "
        "\\fBvm show\\fR).",
        ".SH GLOBAL OPTIONS",
        "The global options go before the command or after it.",
    ]
    out += option_items(dump["global_options"])
    out += [".PP", "Before the command only:"]
    out += option_items(dump["top_level_options"])
    out += [".SH COMMANDS"]
    for command in dump["commands"]:
        own, missing = split_options(dump, command)
        usage = f"dkvm {command['name']} {command['args']}".strip()
        out += [f'.SS "{roff(usage)}"', roff(command["summary"]) + "."]
        if missing is not None:
            text = "Takes the VM options (see \\fBVM OPTIONS\\fR)"
            if missing:
                text += " except " + ", ".join(f"\\fB\\-\\-{roff(n)}\\fR" for n in missing)
            out += [".PP", text + "."]
        out += option_items(own)
    out += [".SH VM OPTIONS",
            "The options \\fBdkvm plan\\fR, \\fBdkvm vm create\\fR and \\fBdkvm vm edit\\fR "
            "share. For \\fBvm edit\\fR, only what is given changes; a list option "
            "given at all replaces that list."]
    out += option_items(dump["vm_options"])
    out += [".SH EXIT STATUS"]
    for code, meaning in EXIT_CODES:
        out += [".TP", f"\\fB{code}\\fR", roff(meaning)]
    out += [
        ".SH ENVIRONMENT",
        ".TP", "\\fBLIBVIRT_DEFAULT_URI\\fR",
        "The libvirt URI when \\fB\\-\\-connect\\fR is not given (else qemu:///system).",
        ".TP", "\\fBNO_COLOR\\fR",
        "When set and not empty, dkvm writes no terminal escape codes (as when its "
        "output is not a terminal).",
        ".SH FILES",
        ".TP", "\\fI/etc/dkvm/dkvm.conf\\fR",
        "Host settings (\\fB\\-\\-config\\fR names another file).",
        ".SH SEE ALSO",
        "\\fBvirsh\\fR(1), \\fBvirt\\-install\\fR(1), \\fBlbu\\fR(1)",
    ]
    return "\n".join(out) + "\n"


def positional_kind(command):
    args = command["args"]
    if args.startswith("NAME") and command["name"] != "vm create":
        return "vm"
    if "FILE" in args.split(" ")[0]:
        return "file"
    if args.split(" ")[0] == "DIR":
        return "dir"
    return ""


def completion(dump):
    top = []
    groups = {}
    for command in dump["commands"]:
        words = command["name"].split(" ")
        if words[0] not in top:
            top.append(words[0])
        if len(words) == 2:
            groups.setdefault(words[0], []).append(words[1])
    top += ["help", "version"]
    glob = dump["global_options"]
    top_level = dump["top_level_options"]

    def names(options):
        out = []
        for o in options:
            out.append("--" + o["long"])
            if o["short"]:
                out.append("-" + o["short"])
        return " ".join(out)

    def with_value(options, file):
        out = []
        for o in options:
            if o["value"] and o["file"] == file:
                out.append("--" + o["long"])
                if o["short"]:
                    out.append("-" + o["short"])
        return out

    lines = [
        "# bash completion for dkvm: generated from dkvm's option tables by",
        "# frontend/cli/docs/cli-docs.py (dkvm --dump-options); do not edit.",
        "",
        "_dkvm_words() {",
        '    local IFS=" "',
        '    COMPREPLY+=($(compgen -W "$1" -- "$2"))',
        "}",
        "",
        "_dkvm() {",
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=",
        "    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}",
        "    COMPREPLY=()",
        "    local -A options=(",
    ]
    for command in dump["commands"]:
        lines.append(f'        ["{command["name"]}"]="{names(command["options"])}"')
    lines += ["    )", "    local -A positional=("]
    for command in dump["commands"]:
        lines.append(f'        ["{command["name"]}"]="{positional_kind(command)}"')
    file_values = set(with_value(glob, True))
    other_values = set(with_value(glob, False))
    for command in dump["commands"]:
        file_values |= set(with_value(command["options"], True))
        other_values |= set(with_value(command["options"], False))
    lines += [
        "    )",
        f'    local global="{names(glob)}" top_level="{names(top_level)}"',
        f'    local file_values=" {" ".join(sorted(file_values))} "',
        f'    local other_values=" {" ".join(sorted(other_values))} "',
        f'    local global_values=" {" ".join(with_value(glob, True) + with_value(glob, False))} "',
        "    local -a words=() connect=()",
        "    local i word command=\"\" args=0",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        "        word=${COMP_WORDS[i]}",
        "        if [[ $global_values == *\" $word \"* ]]; then",
        "            # a global option and its value, kept for listing VMs",
        "            connect+=(\"$word\" \"${COMP_WORDS[i + 1]}\")",
        "            ((i++))",
        "            continue",
        "        fi",
        "        if [[ $word == -* ]]; then",
        "            [[ -n $command && ( $file_values == *\" $word \"* ||",
        "               $other_values == *\" $word \"* ) ]] && ((i++))",
        "            continue",
        "        fi",
        "        if [[ -n $command ]] && ((args == 0)) &&",
        "           [[ -n ${options[\"$command $word\"]+set} ]]; then",
        "            # a longer command starting with this one (host bind-early)",
        "            words+=(\"$word\")",
        "            command=${words[*]}",
        "            continue",
        "        fi",
        "        if [[ -z $command ]]; then",
        "            words+=(\"$word\")",
        "            [[ -n ${options[${words[*]}]+set} ]] && command=${words[*]}",
        "        else",
        "            ((args++))",
        "        fi",
        "    done",
        "    if [[ $file_values == *\" $prev \"* ]]; then",
        "        COMPREPLY=($(compgen -f -- \"$cur\"))",
        "        return",
        "    fi",
        "    [[ $other_values == *\" $prev \"* ]] && return",
        "    if [[ -z $command ]]; then",
        "        if [[ $cur == -* ]]; then",
        "            ((${#words[@]} == 0)) && _dkvm_words \"$global $top_level\" \"$cur\"",
        "            return",
        "        fi",
        "        case ${words[*]} in",
        f'            "") _dkvm_words "{" ".join(top)}" "$cur" ;;',
    ]
    for group, verbs in groups.items():
        lines.append(f'            "{group}") _dkvm_words "{" ".join(verbs)}" "$cur" ;;')
    lines += [
        f'            help) _dkvm_words "{" ".join(t for t in top if t not in ("help", "version"))}" "$cur" ;;',
    ]
    for group, verbs in groups.items():
        lines.append(f'            "help {group}") _dkvm_words "{" ".join(verbs)}" "$cur" ;;')
    lines += [
        "        esac",
        "        return",
        "    fi",
        "    if [[ $cur == -* ]]; then",
        "        _dkvm_words \"${options[$command]} $global\" \"$cur\"",
        "        return",
        "    fi",
        "    ((args > 0)) && return",
        "    case $command in",
    ]
    # a command that is also a group (host, host bind-early): its verbs
    commands = {c["name"] for c in dump["commands"]}
    for group, verbs in groups.items():
        if group in commands:
            lines.append(f'        "{group}") _dkvm_words "{" ".join(verbs)}" "$cur" ;;')
    lines += [
        "    esac",
        "    case ${positional[$command]} in",
        "        vm)",
        "            # the VM names: the first column of `dkvm vm list` (after its header)",
        "            local IFS=$'\\n' names",
        "            names=$(dkvm \"${connect[@]}\" vm list 2>/dev/null |",
        "                    awk 'NR > 1 && $1 != \"\" { print $1 }')",
        "            COMPREPLY=($(compgen -W \"$names\" -- \"$cur\"))",
        "            ;;",
        "        file) COMPREPLY=($(compgen -f -- \"$cur\")) ;;",
        "        dir) COMPREPLY=($(compgen -d -- \"$cur\")) ;;",
        "    esac",
        "}",
        "",
        "complete -o filenames -F _dkvm dkvm",
    ]
    return "\n".join(lines) + "\n"


def main():
    dkvm, man_out, completion_out = sys.argv[1:4]
    env = dict(os.environ)
    # the build's own runs: no libvirt connection is made, none is needed
    env.pop("LIBVIRT_DEFAULT_URI", None)
    r = subprocess.run([dkvm, "--dump-options"], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"cli-docs: {dkvm} --dump-options failed (exit {r.returncode}):\n{r.stderr}")
    dump = json.loads(r.stdout)
    with open(man_out, "w") as f:
        f.write(man_page(dump))
    with open(completion_out, "w") as f:
        f.write(completion(dump))


if __name__ == "__main__":
    main()
