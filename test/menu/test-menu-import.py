#!/usr/bin/env python3
"""The Import screen (bringing the original DKVM's VMs over), driven in tmux
like a person at the keyboard: with no data partition found it asks for the
folder; a folder in the original's format (a copy of
test/data/legacy/partition) is previewed (what each folder becomes, the
corrupt one and the VM that exists named), then imported after Yes, each
folder's result shown, and the new VMs are on the main screen; Esc changes
nothing; a folder that is not the original's partition is refused with the
reason. The VMs live in libvirt's test driver inside the menu's process
(test/data/libvirt/node.xml), the host is a copy of the demo host under
umockdev (menutest.py). Prints TAP.

Usage: test-menu-import.py DKVM
"""
import os
import shutil
import sys
import tempfile

from menutest import Menu, SOURCE_ROOT
from tapcases import Cases

DKVM = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="dkvm-menu-import-")
PARTITION = os.path.join(TMP, "dkvmdata")
shutil.copytree(os.path.join(SOURCE_ROOT, "test", "data", "legacy", "partition"), PARTITION)

test = Cases()


def config():
    path = os.path.join(TMP, "dkvm.conf")
    with open(path, "w") as f:
        f.write("[host]\npersist_command=true\n")
    return path


def tree_bytes(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                out[os.path.relpath(os.path.join(root, f), d)] = fh.read()
    return out


def open_import(m, path):
    """Import from the main screen, the folder typed in."""
    m.wait_for("win11")
    m.send("I", "enter")
    screen = m.wait_for("Its folder")
    assert "No data partition of the original DKVM" in screen, screen
    m.send(*["bs"] * len("/media/dkvmdata"))
    m.send(path, "enter")


def read_box(m, first):
    """The whole text of a scrolling message box: its pages, top to bottom."""
    screen = m.wait_for(first)
    text = screen
    for _ in range(30):
        if "100%" in screen or "%" not in screen.split("├")[-1].split("┤")[0]:
            break
        m.send("pgdn")
        previous = screen
        for _ in range(100):
            screen = m.screen()
            if screen != previous:
                break
        text += screen
    return text


def vm_names(screen):
    names = []
    for line in screen.splitlines():
        fields = line.strip("│ ").split()
        if len(fields) > 1 and fields[1] in ("shutoff", "running", "paused"):
            names.append(fields[0])
    return names


@test
def preview_then_import():
    before = tree_bytes(PARTITION)
    with Menu(DKVM, config=config()) as m:
        open_import(m, PARTITION)
        text = read_box(m, "What would be imported from")
        for line in ("Folder 0: VM 'Win-11' (\"Win 11\")", "14 vCPUs", "2 PCI slot(s)",
                     "template default", "Folder 1: VM 'Win-11-1' (\"Win 11\")",
                     "Folder 2: not imported: vm_config line 2: not KEY=VALUE",
                     "Folder 3: VM 'win11' exists: left alone", "Folder 4: VM '4'",
                     "The plans warn:", "For every VM:", "host reserve: CPUs 0,8"):
            assert line in text, text
        m.send("enter")
        m.wait_for("Import 3 VMs now?")
        m.send("enter")  # Yes
        text = read_box(m, "Imported from")
        for line in ("Folder 0: VM 'Win-11' (\"Win 11\") imported",
                     "Folder 1: VM 'Win-11-1' (\"Win 11\") imported",
                     "Folder 4: VM '4' imported", "Folder 3: VM 'win11' exists: left alone"):
            assert line in text, text
        m.send("enter")
        m.wait_for("Imported from", gone=True)
        screen = m.wait_for("win11 ")
        names = vm_names(screen)
        for name in ("Win-11", "Win-11-1", "4", "win11"):
            assert name in names, screen
        # a second import: every VM exists, nothing to import
        m.send("I", "enter")
        m.wait_for("Its folder")
        m.send(*["bs"] * len("/media/dkvmdata"))
        m.send(PARTITION, "enter")
        text = read_box(m, "What would be imported from")
        assert "Folder 0: VM 'Win-11' exists: left alone" in text, text
        m.send("enter")
        m.wait_for("What would be imported", gone=True)
        screen = m.wait_for("Win-11-1")
        assert "Import 3 VMs" not in screen and "now?" not in screen, screen
    assert tree_bytes(PARTITION) == before, "the original's files changed"


@test
def esc_changes_nothing():
    with Menu(DKVM, config=config()) as m:
        screen = m.wait_for("win11")
        names = vm_names(screen)
        m.send("I", "enter")
        m.wait_for("Its folder")
        m.send("esc")
        screen = m.wait_for("Its folder", gone=True)
        screen = m.wait_for("win11")
        assert vm_names(screen) == names, screen


@test
def a_folder_that_is_not_the_partition_is_refused():
    with Menu(DKVM, config=config()) as m:
        open_import(m, TMP + "/nothing-here")
        screen = m.wait_for("is not the original DKVM's")
        assert "data partition" in screen, screen
        m.send("enter")
        m.wait_for("win11")


if __name__ == "__main__":
    sys.exit(test.run(scratch=TMP))
