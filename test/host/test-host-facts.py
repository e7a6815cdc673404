#!/usr/bin/env python3
"""Targeted assertions: for every fixture host, what `dkvm host --json` reports
must agree with the fixture's model, fact by fact, for the facts issue 3 names.

The expected values come from the model through make-hosts.py's own layout
functions (expand_cpus, pci_layout, usb_layout), not from dkvm's output: the
generator (Python) writes the files, dkvm (C, libpci, libudev) reads them
back, and the two must meet. The human summary (`dkvm host`) is checked for
the same facts in words.

Usage: test-host-facts.py DKVM HOSTS_DIR"""

import importlib.util
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


def load_generator(hosts_dir):
    path = os.path.join(hosts_dir, "make-hosts.py")
    spec = importlib.util.spec_from_file_location("make_hosts", path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, hosts_dir)
    spec.loader.exec_module(mod)
    mod.HERE = hosts_dir
    return mod


def cpulist(cpus):
    return sorted(set(cpus))


def check_cpus(name, model, gen, host):
    cpus = gen.expand_cpus(model)
    offline = set(model["cpu"].get("offline", []))
    online = [c for c in cpus if c["cpu"] not in offline]
    got = {c["cpu"]: c for c in host["cpus"]}
    check(sorted(got) == [c["cpu"] for c in online],
          "%s: online CPUs %s, model %s" % (name, sorted(got), [c["cpu"] for c in online]))
    check(host["cpu_vendor"] == model["cpu"]["vendor"], "%s: vendor" % name)
    check(host["cpu_model"] == model["cpu"]["model_name"], "%s: model name" % name)
    check(host["smt"] == any(len([s for s in c["siblings"] if s not in offline]) > 1
                             for c in online), "%s: smt flag" % name)
    no_cache = model["cpu"].get("no_cache", False)
    for c in online:
        g = got.get(c["cpu"])
        if g is None:
            continue
        want_sib = cpulist(s for s in c["siblings"] if s not in offline)
        check(g["siblings"] == want_sib, "%s: cpu %d siblings %s, model %s"
              % (name, c["cpu"], g["siblings"], want_sib))
        check(g["package"] == c["package"], "%s: cpu %d package" % (name, c["cpu"]))
        check(g["core"] == c["core_id"], "%s: cpu %d core" % (name, c["cpu"]))
        check(g["die"] == c["die"], "%s: cpu %d die" % (name, c["cpu"]))
        check(g["cluster"] == c["cluster_id"], "%s: cpu %d cluster %s, model %s"
              % (name, c["cpu"], g["cluster"], c["cluster_id"]))
        want_type = {"core": "performance", "atom": "efficiency"}.get(c["type"])
        check(g["type"] == want_type, "%s: cpu %d type %s, model %s"
              % (name, c["cpu"], g["type"], want_type))
        check(g["node"] == c["node"], "%s: cpu %d node %s, model %s"
              % (name, c["cpu"], g["node"], c["node"]))
        if no_cache:
            check(g["l3"] is None, "%s: cpu %d has an l3 without cache info" % (name, c["cpu"]))
    check(host["hybrid"] == any(c["type"] for c in cpus), "%s: hybrid flag" % name)
    # L3 groups: the model's groups (online members), their sizes
    if no_cache:
        check(host["l3_groups"] == [], "%s: L3 groups without cache info" % name)
    else:
        want = {}
        for c in online:
            want.setdefault(c["l3"], set()).add(c["cpu"])
        got_groups = sorted(sorted(g["cpus"]) for g in host["l3_groups"])
        check(got_groups == sorted(sorted(v) for v in want.values()),
              "%s: L3 groups %s, model %s" % (name, got_groups, sorted(map(sorted,
                                                                            want.values()))))
        for g in host["l3_groups"]:
            l3 = got[g["cpus"][0]]["l3"] if g["cpus"] else None
            check(l3 == g["id"], "%s: CPUs of L3 group %d point at %s" % (name, g["id"], l3))
            model_l3 = next(c["l3"] for c in online if c["cpu"] == g["cpus"][0])
            want_kib = model["cpu"]["l3_kib"][str(model_l3)]
            check(g["size_kib"] == want_kib, "%s: L3 group %d size %d, model %d"
                  % (name, g["id"], g["size_kib"], want_kib))
    nodes = {}
    for c in online:
        nodes.setdefault(c["node"], []).append(c["cpu"])
    got_nodes = {n["id"]: n["cpus"] for n in host["numa_nodes"] if n["cpus"]}
    check(got_nodes == {k: sorted(v) for k, v in nodes.items()},
          "%s: NUMA nodes %s, model %s" % (name, got_nodes, nodes))


def check_memory(name, model, host):
    check(host["memory"]["total_kib"] > 0, "%s: memory total" % name)
    check(0 < host["memory"]["available_kib"] <= host["memory"]["total_kib"],
          "%s: memory available" % name)
    pools = {p["size_kib"]: p for p in host["hugepages"] if p["node"] is None}
    for p in model.get("hugepages", []):
        g = pools.get(p["size_kib"])
        check(g is not None, "%s: no %d kB pool" % (name, p["size_kib"]))
        if g:
            check(g["total"] == p["total"] and g["free"] == p.get("free", p["total"]),
                  "%s: %d kB pool %s" % (name, p["size_kib"], g))
    for size, g in pools.items():
        per_node = [p for p in host["hugepages"] if p["node"] is not None
                    and p["size_kib"] == size]
        if per_node:
            check(sum(p["total"] for p in per_node) == g["total"],
                  "%s: per-node %d kB pools do not add up" % (name, size))


def check_cmdline(name, model, host):
    opts = {}
    for tok in shlex.split(model["cmdline"].split(" -- ")[0]):
        k, _, v = tok.partition("=")
        k = k.replace("-", "_")
        if k in ("hugepagesz", "hugepages") and k in opts:
            opts[k] += "," + v
        else:
            opts[k] = v
    for key, field in (("intel_iommu", "intel_iommu"), ("amd_iommu", "amd_iommu"),
                       ("iommu", "iommu"), ("pcie_acs_override", "pcie_acs_override"),
                       ("isolcpus", "isolcpus"), ("hugepages", "hugepages"),
                       ("hugepagesz", "hugepagesz"), ("vfio_pci.ids", "vfio_pci_ids")):
        check(host["cmdline"][field] == opts.get(key), "%s: cmdline %s = %r, model %r"
              % (name, field, host["cmdline"][field], opts.get(key)))


def check_pci(name, model, gen, host):
    devs = gen.pci_layout(model)
    got = {p["address"]: p for p in host["pci"]}
    check(sorted(got) == sorted(d["addr"] for d in devs),
          "%s: PCI addresses differ from the model" % name)
    iommu = model.get("iommu", True)
    check(host["iommu_enabled"] == bool(iommu), "%s: iommu_enabled" % name)
    nodes = {c["node"] for c in gen.expand_cpus(model)}
    root_nodes = model.get("root_bus_nodes", {})
    groups = {}
    for d in devs:
        g = got.get(d["addr"])
        if g is None:
            continue
        what = "%s: %s" % (name, d["addr"])
        check(g["vendor_id"] == "%04x" % d["vid"] and g["device_id"] == "%04x" % d["did"],
              what + " ids")
        check(g["subsystem_vendor_id"] == "%04x" % d["svid"], what + " subsystem vendor")
        check(g["class"] == "%06x" % d["cls"], what + " class")
        check(g["is_gpu"] == (d["cls"] >> 16 == 0x03), what + " is_gpu")
        check(g["is_bridge"] == (d["cls"] >> 16 == 0x06), what + " is_bridge")
        check(g["driver"] == d.get("driver"), what + " driver %s" % g["driver"])
        check(g["boot_vga"] == bool(d.get("boot_vga")), what + " boot_vga")
        if not d.get("no_numa_node"):
            want_node = d.get("numa_node", root_nodes.get(d["root"], 0)
                              if len(nodes) > 1 else -1)
            check(g["numa_node"] == (None if want_node < 0 else want_node),
                  what + " numa_node %s, model %s" % (g["numa_node"], want_node))
        else:
            check(g["numa_node"] is None, what + " numa_node without the file")
        want_reset = d.get("reset")
        check(g["reset_method"] == want_reset or
              (want_reset is None and g["reset_method"] is None),
              what + " reset %s, model %s" % (g["reset_method"], want_reset))
        slot = d["addr"].rsplit(".", 1)[0]
        want_fns = sorted(x["addr"] for x in devs
                          if x["addr"].rsplit(".", 1)[0] == slot and x["addr"] != d["addr"])
        check(g["functions"] == want_fns, what + " functions %s" % g["functions"])
        if iommu and not d.get("no_group"):
            check(g["iommu_group"] == d["group"], what + " group %s" % g["iommu_group"])
            groups.setdefault(d["group"], []).append(d["addr"])
        else:
            check(g["iommu_group"] is None, what + " has a group")
        if g["is_gpu"]:
            check(g["name"] is not None and g["vendor_name"] is not None,
                  what + " GPU without a pci.ids name")
    got_groups = {g["id"]: g["devices"] for g in host["iommu_groups"]}
    check(got_groups == {k: sorted(v) for k, v in groups.items()},
          "%s: IOMMU groups differ from the model" % name)
    return devs


def check_usb(name, model, gen, devs, host):
    usb = [u for u in gen.usb_layout(model, devs) if not u["name"].startswith("usb")]
    got = {u["port_path"]: u for u in host["usb"]}
    check(sorted(got) == sorted(u["name"] for u in usb),
          "%s: USB devices %s, model %s" % (name, sorted(got), sorted(u["name"] for u in usb)))
    stick_controller = None
    for u in usb:
        g = got.get(u["name"])
        if g is None:
            continue
        what = "%s: USB %s" % (name, u["name"])
        check(g["vendor_id"] == "%04x" % u["vid"] and g["product_id"] == "%04x" % u["pid"],
              what + " ids")
        check(g["vendor_name"] == u.get("manufacturer") or u.get("manufacturer") is None,
              what + " vendor name")
        check(g["product_name"] == u.get("product") or u.get("product") is None,
              what + " product name")
        check(g["serial"] == u.get("serial"), what + " serial")
        check(g["busnum"] == u["busnum"] and g["devnum"] == u["devnum"], what + " bus/dev")
        check(g["speed_mbps"] == int(float(u["speed"])), what + " speed")
        check(g["is_hub"] == (u["class"] == "09"), what + " is_hub")
        check(g["controller"] == u["controller"], what + " controller %s" % g["controller"])
        boot = bool(u.get("storage", {}).get("boot"))
        check(g["host_needed"] == boot, what + " host_needed %s" % g["host_needed"])
        if boot:
            stick_controller = u["controller"]
    # the controllers of internal disks with a mounted partition (the data
    # partition) are the host's too
    mounted = {"0000:" + d["controller"]: [p["mount"] for p in d.get("partitions", [])
                                          if p.get("mount")]
               for d in model.get("disks", [])}
    for p in host["pci"]:
        needed = p["address"] == stick_controller or bool(mounted.get(p["address"]))
        check(p["host_needed"] == needed,
              "%s: PCI %s host_needed %s" % (name, p["address"], p["host_needed"]))
        if p["address"] == stick_controller:
            check("boot medium" in (p["host_needed_reason"] or ""), "%s: reason" % name)
        elif p["host_needed"]:
            check("mounted at %s" % mounted[p["address"]][0] in p["host_needed_reason"],
                  "%s: reason %s" % (name, p["host_needed_reason"]))
    return stick_controller


def check_summary(name, model, dkvm, fixture, host, stick_controller):
    out = hostlib.run_dkvm(dkvm, fixture, "host").stdout
    check(model["cpu"]["model_name"] in out, "%s: summary lacks the CPU model" % name)
    for g in host["l3_groups"]:
        check("group %d: CPUs " % g["id"] in out, "%s: summary lacks L3 group %d"
              % (name, g["id"]))
    for p in host["pci"]:
        line = next((l for l in out.splitlines() if l.strip().startswith(p["address"])), "")
        check(line != "", "%s: summary lacks %s" % (name, p["address"]))
        check(("[GPU]" in line) == p["is_gpu"], "%s: GPU mark of %s" % (name, p["address"]))
        check(("[host needs it" in line) == p["host_needed"],
              "%s: host mark of %s" % (name, p["address"]))
    for u in host["usb"]:
        check(any(l.strip().startswith(u["port_path"] + " ") for l in out.splitlines()),
              "%s: summary lacks USB %s" % (name, u["port_path"]))
    if host["hybrid"]:
        check("P/E cores" in out, "%s: summary lacks P/E cores" % name)
    check(("IOMMU      on" in out) == host["iommu_enabled"], "%s: IOMMU line" % name)


def check_compact(name, dkvm, fixture, host):
    """`dkvm host --summary`: every GPU and USB controller with its IOMMU
    group's members and host mark, every USB device but hubs, and the way to
    the full report."""
    out = hostlib.run_dkvm(dkvm, fixture, "host", "--summary").stdout
    lines = out.splitlines()
    groups = {g["id"]: g["devices"] for g in host["iommu_groups"]}
    for p in host["pci"]:
        usb_controller = p["class"].startswith("0c03")
        line = next((l for l in lines if l.startswith("  " + p["address"] + " ")), None)
        wanted = p["is_gpu"] or usb_controller
        check((line is not None) == wanted,
              "%s: --summary %s %s" % (name, "lacks" if wanted else "lists", p["address"]))
        if line is None:
            continue
        if p["iommu_group"] is not None:
            check(("group %d: %s" % (p["iommu_group"], " ".join(groups[p["iommu_group"]])))
                  in line, "%s: --summary group of %s" % (name, p["address"]))
        check(("[host needs it" in line) == p["host_needed"],
              "%s: --summary host mark of %s" % (name, p["address"]))
    for u in host["usb"]:
        line = next((l for l in lines if l.startswith("  %-8s " % u["port_path"])), None)
        check((line is not None) == (not u["is_hub"]),
              "%s: --summary USB %s" % (name, u["port_path"]))
        if line is not None:
            check(("[host needs it" in line) == u["host_needed"],
                  "%s: --summary host mark of USB %s" % (name, u["port_path"]))
    check(lines[-1].endswith(": dkvm host"), "%s: --summary last line" % name)
    both = hostlib.run_dkvm(dkvm, fixture, "host", "--summary", "--json", check=False)
    check(both.returncode == 2 and "exclude each other" in both.stderr,
          "%s: --summary --json exited %d" % (name, both.returncode))


def main():
    dkvm, hosts_dir = sys.argv[1:3]
    gen = load_generator(hosts_dir)
    names = hostlib.fixture_names(hosts_dir)
    if not names:
        hostlib.fail("no fixture hosts in %s" % hosts_dir)
    checked = 0
    for name in names:
        model_path = os.path.join(hosts_dir, "models", name + ".toml")
        if not os.path.exists(model_path):
            continue  # a tree without a model (none today) has only its golden
        model = gen.load_model(name)
        fixture = os.path.join(hosts_dir, name)
        host = hostlib.host_json(dkvm, fixture)
        check_cpus(name, model, gen, host)
        check_memory(name, model, host)
        check_cmdline(name, model, host)
        devs = check_pci(name, model, gen, host)
        stick = check_usb(name, model, gen, devs, host)
        check(host["kvm"] == model.get("kvm", True), "%s: kvm" % name)
        check_summary(name, model, dkvm, fixture, host, stick)
        check_compact(name, dkvm, fixture, host)
        checked += 1
        print("checked %s" % name)
    for e in errors:
        print("FAIL: " + e)
    if errors:
        return 1
    print("%d hosts checked" % checked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
