#!/usr/bin/env python3
"""Writes DKVM's host fixture trees (sysfs/procfs/dev subsets) from model descriptions.

DKVM's host discovery reads only the kernel's interfaces (/sys, /proc, /dev, libpci's
sysfs access, libudev). Tests run it under umockdev, which redirects those paths to a
directory, so a fixture is a directory laid out like the kernel's. Writing such trees by
hand is error-prone (every CPU has ~40 files that must agree with each other, every PCI
device a config space that must agree with its sysfs attributes), so each host is a short
model in models/NAME.toml and this script derives every file from it. The trees are
committed as test data (like fwupd's), so a test never depends on this script running;
re-run it after changing a model and commit both.

Usage:
    make-hosts.py                 regenerate every models/*.toml into ./NAME/
    make-hosts.py NAME...         regenerate only these hosts
    make-hosts.py --large OUTDIR  write the large benchmark host (256 CPUs, 150 PCI
                                  devices, 40 USB devices) into OUTDIR; never committed
    make-hosts.py --out DIR NAME  write a host somewhere else
    make-hosts.py --check [NAME]  regenerate in memory and compare with the
                                  committed trees (exit 1 when one is out of date)

Python 3.11 standard library only (tomllib). The model format is described in README.md.
"""

import argparse
import os
import posixpath
import shutil
import struct
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11
    sys.exit("make-hosts.py: needs Python 3.11 or newer (tomllib): install python3 >= 3.11")

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL = "6.6.58-0-lts"  # Alpine's LTS kernel at the time the models were written

# ---------------------------------------------------------------------------------------
# small helpers


def cpulist(cpus):
    """Kernel list syntax: [0,1,2,5] -> '0-2,5'."""
    cpus = sorted(set(cpus))
    out = []
    i = 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else "%d-%d" % (cpus[i], cpus[j]))
        i = j + 1
    return ",".join(out)


def cpumask(cpus, nbits):
    """Kernel bitmap syntax (%*pb): hex, 32-bit groups separated by commas, nbits wide."""
    value = 0
    for c in cpus:
        value |= 1 << c
    digits = (nbits + 3) // 4
    text = "%0*x" % (digits, value)
    groups = []
    while len(text) > 8:
        groups.insert(0, text[-8:])
        text = text[:-8]
    groups.insert(0, text)
    return ",".join(groups)


class Tree:
    """A tree of files and relative symlinks, built in memory and then written out (or
    compared with a committed tree by --check). Paths are relative to the tree's root."""

    def __init__(self):
        self.entries = {}  # rel -> ("f", bytes) or ("l", link target)
        self.dirs = set()  # directories asked for explicitly

    def write(self, rel, content):
        if isinstance(content, str):
            content = content.encode()
        self.entries[rel] = ("f", bytes(content))

    def attr(self, rel, value):
        """A sysfs attribute: its value and the kernel's trailing newline."""
        self.write(rel, "%s\n" % value)

    def mkdir(self, rel):
        self.dirs.add(rel)

    def link(self, rel, target_rel):
        """Symlink rel -> target_rel (both relative to the root), stored relative."""
        self.entries[rel] = ("l", posixpath.relpath(target_rel, posixpath.dirname(rel)))

    def raw_link(self, rel, target):
        """Symlink with a literal target (e.g. a deliberately broken one)."""
        self.entries[rel] = ("l", target)

    def empty_dirs(self):
        parents = set()
        for rel in self.entries:
            d = posixpath.dirname(rel)
            while d and d not in parents:
                parents.add(d)
                d = posixpath.dirname(d)
        return sorted(d for d in self.dirs if d not in parents)

    def flush(self, root):
        if os.path.lexists(root):
            shutil.rmtree(root)
        for rel, (kind, data) in sorted(self.entries.items()):
            p = os.path.join(root, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            if kind == "l":
                os.symlink(data, p)
            else:
                with open(p, "wb") as f:
                    f.write(data)


# ---------------------------------------------------------------------------------------
# CPU flags of the real parts (trimmed to the interesting ones plus the usual base set).

BASE_FLAGS = ("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 "
              "clflush mmx fxsr sse sse2 ht syscall nx")
AMD_FLAGS = {
    "zen2": "mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc "
            "cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 "
            "sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic "
            "cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext "
            "perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate "
            "ssbd mba ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 cqm rdt_a rdseed adx "
            "smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves cqm_llc "
            "cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru "
            "wbnoinvd arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid "
            "decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif v_spec_ctrl "
            "umip rdpid overflow_recov succor smca sev sev_es",
    "zen3": "mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc "
            "cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 "
            "sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic "
            "cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext "
            "perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate "
            "ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 erms invpcid cqm "
            "rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves "
            "cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru "
            "wbnoinvd arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid "
            "decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif v_spec_ctrl umip "
            "pku ospke vaes vpclmulqdq rdpid overflow_recov succor smca fsrm",
    "zen4": "mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good amd_lbr_v2 nopl "
            "nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma "
            "cx16 sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm "
            "cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs "
            "skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb "
            "cat_l3 cdp_l3 hw_pstate ssbd mba perfmon_v2 ibrs ibpb stibp ibrs_enhanced "
            "vmmcall fsgsbase bmi1 avx2 smep bmi2 erms invpcid cqm rdt_a avx512f avx512dq "
            "rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl "
            "xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local "
            "avx512_bf16 clzero irperf xsaveerptr rdpru wbnoinvd cppc arat npt lbrv svm_lock "
            "nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold "
            "avic v_vmsave_vmload vgif x2avic v_spec_ctrl vnmi avx512vbmi umip pku ospke "
            "avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq "
            "rdpid overflow_recov succor smca fsrm flush_l1d",
}
INTEL_FLAGS = {
    "broadwell-ep": "pbe syscall pdpe1gb rdtscp lm constant_tsc arch_perfmon pebs bts "
                    "rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq "
                    "dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm "
                    "pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes "
                    "xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb "
                    "cat_l3 cdp_l3 invpcid_single pti intel_ppin ssbd ibrs ibpb stibp "
                    "tpr_shadow flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 hle "
                    "avx2 smep bmi2 erms invpcid rtm cqm rdt_a rdseed adx smap intel_pt "
                    "xsaveopt cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local dtherm "
                    "ida arat pln pts md_clear flush_l1d",
    "coffee-lake": "pbe syscall pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts "
                   "rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq "
                   "dtes64 monitor ds_cpl vmx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid "
                   "sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx "
                   "f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb invpcid_single "
                   "pti ssbd ibrs ibpb stibp tpr_shadow flexpriority ept vpid ept_ad "
                   "fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid mpx rdseed adx "
                   "smap clflushopt intel_pt xsaveopt xsavec xgetbv1 xsaves dtherm ida "
                   "arat pln pts hwp hwp_notify hwp_act_window hwp_epp md_clear flush_l1d "
                   "arch_capabilities",
    "alder-lake": "pbe syscall pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts "
                  "rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni "
                  "pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr "
                  "pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave "
                  "avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb ssbd ibrs ibpb "
                  "stibp ibrs_enhanced tpr_shadow flexpriority ept vpid ept_ad fsgsbase "
                  "tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt "
                  "clwb intel_pt sha_ni xsaveopt xsavec xgetbv1 xsaves split_lock_detect "
                  "avx_vnni dtherm ida arat pln pts hwp hwp_notify hwp_act_window hwp_epp "
                  "hwp_pkg_req hfi vnmi umip pku ospke waitpkg gfni vaes vpclmulqdq rdpid "
                  "movdiri movdir64b fsrm md_clear serialize arch_lbr ibt flush_l1d "
                  "arch_capabilities",
}
BUGS = {
    "AuthenticAMD": "sysret_ss_attrs spectre_v1 spectre_v2 spec_store_bypass srso",
    "GenuineIntel": "spectre_v1 spectre_v2 spec_store_bypass swapgs mds tsx_async_abort "
                    "itlb_multihit srbds mmio_stale_data retbleed gds",
}

# ---------------------------------------------------------------------------------------
# CPU topology


def expand_cpus(model):
    """Numbers the logical CPUs of a model: returns a list of dicts, one per CPU."""
    cpu = model["cpu"]
    smt = cpu.get("smt", "offset")
    runs = cpu["cores"]
    cores = []  # one entry per physical core, in core order
    next_core_id = {}
    for run in runs:
        pkg = run.get("package", 0)
        ids = run.get("core_ids")
        clusters = run.get("cluster_ids")
        l2_share = run.get("l2_share", 1)
        for k in range(run["count"]):
            if ids:
                core_id = ids[k]
            else:
                core_id = next_core_id.get(pkg, 0)
            next_core_id[pkg] = core_id + 1
            cores.append({
                "package": pkg,
                "die": run.get("die", 0),
                "core_id": core_id,
                "cluster_id": clusters[k // l2_share] if clusters else core_id,
                "l2_group": (id(run), k // l2_share),
                "l2_id": clusters[k // l2_share] if clusters else core_id,
                "threads": run.get("threads", 2 if smt != "none" else 1),
                "l3": run.get("l3", pkg),
                "node": run.get("node", 0),
                "type": run.get("type"),
                "l1d": run.get("l1d_kib", 32),
                "l1i": run.get("l1i_kib", 32),
                "l2": run.get("l2_kib", 512),
                "apic_shift": run.get("apic_shift", 1),
            })
    cpus = []
    if smt == "offset":
        # all first threads, then all second threads: siblings i and i + ncores
        maxt = max(c["threads"] for c in cores)
        for t in range(maxt):
            for ci, c in enumerate(cores):
                if t < c["threads"]:
                    cpus.append((ci, t))
    else:
        # "adjacent" (and "none"): each core's threads take consecutive numbers
        for ci, c in enumerate(cores):
            for t in range(c["threads"]):
                cpus.append((ci, t))
    out = []
    for n, (ci, t) in enumerate(cpus):
        c = cores[ci]
        out.append(dict(c, cpu=n, core_index=ci, thread=t))
    for o in out:
        o["siblings"] = [p["cpu"] for p in out if p["core_index"] == o["core_index"]]
        o["package_cpus"] = [p["cpu"] for p in out if p["package"] == o["package"]]
        o["l3_cpus"] = [p["cpu"] for p in out if p["l3"] == o["l3"]]
        o["l2_cpus"] = [p["cpu"] for p in out if p["l2_group"] == o["l2_group"]]
        o["cluster_cpus"] = o["l2_cpus"]
        o["apicid"] = (o["package"] << 7) | (o["core_id"] << o["apic_shift"]) | o["thread"]
    return out


def write_cpus(tree, model, cpus):
    cpu = model["cpu"]
    n = len(cpus)
    possible = cpu.get("possible", n)
    offline = set(cpu.get("offline", []))
    online = [c["cpu"] for c in cpus if c["cpu"] not in offline]
    base = "sys/devices/system/cpu"
    tree.attr(base + "/possible", cpulist(range(possible)))
    tree.attr(base + "/present", cpulist(range(n)))
    tree.attr(base + "/online", cpulist(online))
    tree.attr(base + "/offline", cpulist(sorted(offline) + list(range(n, possible))))
    tree.attr(base + "/kernel_max", 8191)
    tree.attr(base + "/isolated", "")
    smt_on = any(c["threads"] > 1 for c in cpus)
    tree.attr(base + "/smt/active", 1 if smt_on else 0)
    tree.attr(base + "/smt/control", "on" if smt_on else "notsupported")
    no_cache = cpu.get("no_cache", False)
    for c in cpus:
        d = "%s/cpu%d" % (base, c["cpu"])
        tree.mkdir(d)
        if c["cpu"] != 0:
            tree.attr(d + "/online", 0 if c["cpu"] in offline else 1)
        if c["cpu"] in offline:
            continue  # the kernel removes topology/ and cache/ of an offline CPU
        tree.link(d + "/node%d" % c["node"], "sys/devices/system/node/node%d" % c["node"])
        t = d + "/topology"
        tree.attr(t + "/physical_package_id", c["package"])
        tree.attr(t + "/die_id", c["die"])
        tree.attr(t + "/core_id", c["core_id"])
        tree.attr(t + "/cluster_id", c["cluster_id"])
        for name, lst in (("thread_siblings", c["siblings"]), ("core_cpus", c["siblings"]),
                          ("core_siblings", c["package_cpus"]),
                          ("package_cpus", c["package_cpus"]),
                          ("die_cpus", c["package_cpus"]),
                          ("cluster_cpus", c["cluster_cpus"])):
            tree.attr("%s/%s_list" % (t, name), cpulist(lst))
            if name in ("thread_siblings", "core_siblings"):
                tree.attr("%s/%s" % (t, name), cpumask(lst, possible))
        if no_cache:
            continue
        caches = [
            (1, "Data", c["l1d"], c["siblings"], c["core_id"], 8),
            (1, "Instruction", c["l1i"], c["siblings"], c["core_id"], 8),
            (2, "Unified", c["l2"], c["l2_cpus"], c["l2_id"], 8),
            (3, "Unified", cpu["l3_kib"][str(c["l3"])], c["l3_cpus"], c["l3"], 16),
        ]
        for k, (level, kind, size, shared, cid, ways) in enumerate(caches):
            x = "%s/cache/index%d" % (d, k)
            tree.attr(x + "/level", level)
            tree.attr(x + "/type", kind)
            tree.attr(x + "/size", "%dK" % size)
            tree.attr(x + "/shared_cpu_list", cpulist(shared))
            tree.attr(x + "/shared_cpu_map", cpumask(shared, possible))
            tree.attr(x + "/id", cid)
            tree.attr(x + "/ways_of_associativity", ways)
        tree.attr(d + "/cache/uevent", "")
    # Intel hybrid parts: the PMU devices name which CPUs are P-cores and which E-cores
    for kind, pmu in (("core", "cpu_core"), ("atom", "cpu_atom")):
        members = [c["cpu"] for c in cpus if c["type"] == kind]
        if members:
            tree.attr("sys/devices/%s/cpus" % pmu, cpulist(members))
            tree.attr("sys/devices/%s/type" % pmu, 4 if kind == "core" else 8)
            tree.link("sys/bus/event_source/devices/" + pmu, "sys/devices/" + pmu)


def write_cpuinfo(tree, model, cpus):
    cpu = model["cpu"]
    vendor = cpu["vendor"]
    offline = set(cpu.get("offline", []))
    flags = BASE_FLAGS + " " + (AMD_FLAGS if vendor == "AuthenticAMD" else INTEL_FLAGS)[
        cpu["flags"]]
    for f in cpu.get("drop_flags", []):
        flags = " ".join(x for x in flags.split() if x != f)
    stanzas = []
    for c in cpus:
        if c["cpu"] in offline:
            continue
        pkg_cpus = [p for p in c["package_cpus"] if p not in offline]
        ncores = len({p["core_index"] for p in cpus if p["package"] == c["package"]})
        cache = ("%d KB" % c["l2"] if vendor == "AuthenticAMD" else
                 "%d KB" % cpu["l3_kib"][str(c["l3"])])
        lines = [
            ("processor", c["cpu"]),
            ("vendor_id", vendor),
            ("cpu family", cpu["family"]),
            ("model", cpu["model"]),
            ("model name", cpu["model_name"]),
            ("stepping", cpu["stepping"]),
            ("microcode", cpu["microcode"]),
            ("cpu MHz", "%.3f" % cpu.get("mhz", 3400.0)),
            ("cache size", cache),
            ("physical id", c["package"]),
            ("siblings", len(pkg_cpus)),
            ("core id", c["core_id"]),
            ("cpu cores", ncores),
            ("apicid", c["apicid"]),
            ("initial apicid", c["apicid"]),
            ("fpu", "yes"),
            ("fpu_exception", "yes"),
            ("cpuid level", cpu.get("cpuid_level", 16)),
            ("wp", "yes"),
            ("flags", flags),
            ("bugs", cpu.get("bugs", BUGS[vendor])),
            ("bogomips", "%.2f" % cpu.get("bogomips", 6800.0)),
        ]
        if vendor == "AuthenticAMD":
            lines.append(("TLB size", "2560 4K pages"))
        lines += [
            ("clflush size", 64),
            ("cache_alignment", 64),
            ("address sizes", cpu.get("address_sizes", "48 bits physical, 48 bits virtual")),
            ("power management", cpu.get("power_management", "")),
        ]
        text = ""
        for key, value in lines:
            tabs = "\t" if len(key) >= 8 else "\t\t"
            text += "%s%s: %s\n" % (key, tabs, value)
        stanzas.append(text.replace("power management\t: ", "power management: "))
    tree.write("proc/cpuinfo", "\n".join(stanzas) + "\n")


# ---------------------------------------------------------------------------------------
# memory, NUMA nodes, hugepages


def pools(model):
    """Hugepage pools keyed by size; 1 GiB only where the CPU has pdpe1gb."""
    flags = model["cpu"]["flags"]
    has_1g = "pdpe1gb" in (AMD_FLAGS.get(flags, "") + INTEL_FLAGS.get(flags, "")) and \
        "pdpe1gb" not in model["cpu"].get("drop_flags", [])
    out = {2048: {"total": 0, "free": 0, "resv": 0, "surplus": 0, "overcommit": 0}}
    if has_1g:
        out[1048576] = dict(out[2048])
    for p in model.get("hugepages", []):
        size = p["size_kib"]
        if size not in out:
            raise SystemExit("%s: a %d kB pool on a CPU without it" % (model["name"], size))
        out[size].update({k: p[k] for k in ("total", "free", "resv", "surplus", "overcommit")
                          if k in p})
        if "per_node" in p:
            out[size]["per_node"] = p["per_node"]
    return out


def node_list(cpus):
    return sorted({c["node"] for c in cpus})


def write_memory(tree, model, cpus):
    nodes = node_list(cpus)
    total = model.get("mem_total_kib", model["ram_gib"] * 1024 * 1024 * 98 // 100)
    pl = pools(model)
    huge_kib = sum(size * p["total"] for size, p in pl.items())
    used = model.get("mem_used_kib", 1200000)
    free = total - huge_kib - used
    available = free + used // 3
    default = model.get("default_hugepagesz_kib", 2048)
    dp = pl[default]
    lines = [
        ("MemTotal", total), ("MemFree", free), ("MemAvailable", available),
        ("Buffers", 2048), ("Cached", used // 2), ("SwapCached", 0),
        ("Active", used // 3), ("Inactive", used // 4), ("SwapTotal", 0), ("SwapFree", 0),
        ("Shmem", used // 2), ("Slab", 90000), ("PageTables", 4000),
        ("CommitLimit", (total - huge_kib) // 2), ("Committed_AS", used),
        ("AnonHugePages", 0), ("ShmemHugePages", 0), ("FileHugePages", 0),
    ]
    text = "".join("%-16s%8d kB\n" % (k + ":", v) for k, v in lines)
    if model.get("meminfo_hugepages", True):
        text += "HugePages_Total: %5d\nHugePages_Free:  %5d\nHugePages_Rsvd:  %5d\n" \
                "HugePages_Surp:  %5d\n" % (dp["total"], dp["free"], dp["resv"], dp["surplus"])
        text += "Hugepagesize:   %8d kB\nHugetlb:        %8d kB\n" % (default, huge_kib)
    text += "DirectMap4k:      512000 kB\nDirectMap2M:    %8d kB\n" % (total // 2)
    tree.write("proc/meminfo", text)

    for size, p in pl.items():
        d = "sys/kernel/mm/hugepages/hugepages-%dkB" % size
        tree.attr(d + "/nr_hugepages", p["total"])
        tree.attr(d + "/nr_hugepages_mempolicy", p["total"])
        tree.attr(d + "/free_hugepages", p["free"])
        tree.attr(d + "/resv_hugepages", p["resv"])
        tree.attr(d + "/surplus_hugepages", p["surplus"])
        tree.attr(d + "/nr_overcommit_hugepages", p["overcommit"])

    base = "sys/devices/system/node"
    all_nodes = cpulist(nodes)
    for name in ("online", "possible", "has_cpu", "has_memory", "has_normal_memory"):
        tree.attr("%s/%s" % (base, name), all_nodes)
    possible = model["cpu"].get("possible", len(cpus))
    offline = set(model["cpu"].get("offline", []))
    for n in nodes:
        d = "%s/node%d" % (base, n)
        members = [c["cpu"] for c in cpus if c["node"] == n]
        tree.attr(d + "/cpulist", cpulist([m for m in members if m not in offline]))
        tree.attr(d + "/cpumap", cpumask([m for m in members if m not in offline], possible))
        tree.attr(d + "/distance", " ".join("10" if m == n else "21" for m in nodes))
        for m in members:
            if m not in offline:
                tree.link("%s/cpu%d" % (d, m), "sys/devices/system/cpu/cpu%d" % m)
        ntotal = total // len(nodes)
        nhuge = 0
        for size, p in pl.items():
            share = p.get("per_node", [p["total"] if i == 0 else 0 for i in range(len(nodes))])
            fshare = p.get("per_node_free", None)
            nr = share[nodes.index(n)]
            fr = fshare[nodes.index(n)] if fshare else (nr if p["free"] == p["total"] else
                                                       nr * p["free"] // max(p["total"], 1))
            hd = "%s/hugepages/hugepages-%dkB" % (d, size)
            tree.attr(hd + "/nr_hugepages", nr)
            tree.attr(hd + "/free_hugepages", fr)
            tree.attr(hd + "/surplus_hugepages", 0)
            nhuge += nr * size
            if size == default:
                dnr, dfr = nr, fr
        nfree = ntotal - nhuge - used // len(nodes)
        text = "".join("Node %d %-16s%10d kB\n" % (n, k + ":", v) for k, v in (
            ("MemTotal", ntotal), ("MemFree", nfree), ("MemUsed", ntotal - nfree),
            ("Active", used // 3 // len(nodes)), ("Inactive", used // 4 // len(nodes)),
            ("Shmem", used // 2 // len(nodes)), ("AnonHugePages", 0)))
        text += "Node %d HugePages_Total: %5d\nNode %d HugePages_Free:  %5d\n" \
                "Node %d HugePages_Surp:  %5d\n" % (n, dnr, n, dfr, n, 0)
        tree.write(d + "/meminfo", text)


# ---------------------------------------------------------------------------------------
# PCI


def size_bytes(text):
    """'16G' -> 17179869184, '256M' -> 268435456."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def bdf(addr):
    """'01:00.0' or '0000:01:00.0' -> '0000:01:00.0'."""
    return addr if addr.count(":") == 2 else "0000:" + addr


def split_bdf(addr):
    dom, bus, df = addr.split(":")
    dev, fn = df.split(".")
    return dom, int(bus, 16), int(dev, 16), int(fn, 16)


def pci_layout(model):
    """Resolves each device's sysfs directory (bridges nest) and derived facts."""
    devs = []
    for raw in model.get("pci", []):
        d = dict(raw)
        d["addr"] = bdf(d["addr"])
        d["cls"] = int(d["class"], 16)
        d["vid"], d["did"] = (int(x, 16) for x in d["id"].split(":"))
        sub = d.get("sub", model.get("board_sub", "0000:0000") if d["cls"] >> 8 != 0x0604
                    else "0000:0000")
        d["svid"], d["sdid"] = (int(x, 16) for x in sub.split(":"))
        devs.append(d)
    by_secondary = {}
    for d in devs:
        if "secondary" in d:
            dom = d["addr"].split(":")[0]
            by_secondary[(dom, int(d["secondary"], 16))] = d
    roots = model.get("root_buses", ["00"])
    for d in devs:
        dom, bus, _, _ = split_bdf(d["addr"])
        parent = by_secondary.get((dom, bus))
        if parent is None:
            if "%02x" % bus not in roots:
                raise SystemExit("%s: no bridge leads to bus %02x (device %s)"
                                 % (model["name"], bus, d["addr"]))
            d["root"] = "%02x" % bus
            d["dir"] = "sys/devices/pci%s:%02x/%s" % (dom, bus, d["addr"])
            d["parent"] = None
        else:
            d["parent"] = parent
    # resolve nested dirs in order of depth
    pending = [d for d in devs if "dir" not in d]
    while pending:
        for d in list(pending):
            if "dir" in d["parent"]:
                d["dir"] = d["parent"]["dir"] + "/" + d["addr"]
                d["root"] = d["parent"]["root"]
                pending.remove(d)
    slots = {}
    for d in devs:
        dom, bus, dev, fn = split_bdf(d["addr"])
        slots.setdefault((dom, bus, dev), []).append(d)
    for d in devs:
        dom, bus, dev, fn = split_bdf(d["addr"])
        d["multifunction"] = len(slots[(dom, bus, dev)]) > 1 and fn == 0
        # PCI Express port type for the capability
        if d["cls"] >> 8 == 0x0600:
            d["pcie_type"] = None  # host bridges carry no PCIe capability here
        elif d["cls"] >> 8 == 0x0604:
            p = d["parent"]
            if p is None:
                d["pcie_type"] = 4  # root port
            elif p.get("pcie_type") in (4, 6):
                d["pcie_type"] = 5 if not d.get("downstream") else 6
            else:
                d["pcie_type"] = 6  # downstream port of a switch
        else:
            d["pcie_type"] = 9 if d["parent"] is None else 0
    # subordinate bus numbers of bridges
    for d in devs:
        if "secondary" in d:
            d["subordinate"] = max([split_bdf(x["addr"])[1] for x in devs
                                    if x["dir"].startswith(d["dir"] + "/")] +
                                   [int(d["secondary"], 16)])
    return devs


def config_space(d, bar):
    cfg = bytearray(256)
    struct.pack_into("<HH", cfg, 0, d["vid"], d["did"])
    bridge = d["cls"] >> 8 == 0x0604
    host_bridge = d["cls"] >> 8 == 0x0600
    has_caps = not host_bridge
    struct.pack_into("<HH", cfg, 4, 0x0407 if bridge else 0x0406 if d.get("driver") else 0,
                     0x0010 if has_caps else 0)
    cfg[8] = int(d.get("rev", "00"), 16)
    cfg[9] = d["cls"] & 0xff
    cfg[10] = (d["cls"] >> 8) & 0xff
    cfg[11] = d["cls"] >> 16
    cfg[12] = 0x10
    cfg[14] = (1 if bridge else 0) | (0x80 if d["multifunction"] else 0)
    if bridge:
        _, bus, _, _ = split_bdf(d["addr"])
        cfg[0x18], cfg[0x19], cfg[0x1a] = bus, int(d["secondary"], 16), d["subordinate"]
    elif not host_bridge:
        if bar >> 32:  # above 4 GiB: a 64-bit prefetchable BAR pair
            struct.pack_into("<II", cfg, 0x10, (bar & 0xfffffff0) | 0x0c, bar >> 32)
        else:
            struct.pack_into("<I", cfg, 0x10, bar)
        struct.pack_into("<HH", cfg, 0x2c, d["svid"], d["sdid"])
    if has_caps:
        cfg[0x34] = 0x40
        # power management (PMCSR NoSoftReset set: no "pm" reset), then MSI, then PCIe
        pm_reset = "pm" in (d.get("reset") or "").split()
        struct.pack_into("<BBHH", cfg, 0x40, 0x01, 0x50, 0x0003, 0 if pm_reset else 0x0008)
        struct.pack_into("<BBH", cfg, 0x50, 0x05, 0x60 if d["pcie_type"] is not None else 0,
                         0x0080)
        if d["pcie_type"] is not None:
            flr = "flr" in (d.get("reset") or "").split()
            capreg = 0x0002 | (d["pcie_type"] << 4) | (0x0100 if d["pcie_type"] == 4 else 0)
            devcap = 0x00008000 | 0x1 | (0x10000000 if flr else 0)
            gen, width = d.get("link", (4, 16) if d["cls"] >> 8 == 0x0300 else (3, 4))
            port = split_bdf(d["addr"])[2]
            linkcap = gen | (width << 4) | (port << 24)
            linksta = gen | (width << 4)
            struct.pack_into("<BBHIHHIHH", cfg, 0x60, 0x10, 0x00, capreg, devcap, 0x2810, 0,
                             linkcap, 0x0040, linksta)
    if not bridge and not host_bridge:
        cfg[0x3c] = d.get("irq", 0) & 0xff
        cfg[0x3d] = 1
    return bytes(cfg)


def write_pci(tree, model, cpus):
    devs = pci_layout(model)
    nodes = node_list(cpus)
    multi_node = len(nodes) > 1
    root_nodes = model.get("root_bus_nodes", {})
    iommu = model.get("iommu", True)
    possible = model["cpu"].get("possible", len(cpus))
    drivers = set()
    bar = 0xf0000000
    for root in sorted({d["root"] for d in devs}):
        rd = "sys/devices/pci0000:%s" % root
        tree.attr(rd + "/uevent", "")
    for i, d in enumerate(devs):
        p = d["dir"]
        a = d["addr"]
        cls = d["cls"]
        tree.attr(p + "/vendor", "0x%04x" % d["vid"])
        tree.attr(p + "/device", "0x%04x" % d["did"])
        tree.attr(p + "/class", "0x%06x" % cls)
        tree.attr(p + "/subsystem_vendor", "0x%04x" % d["svid"])
        tree.attr(p + "/subsystem_device", "0x%04x" % d["sdid"])
        tree.attr(p + "/revision", "0x%s" % d.get("rev", "00"))
        irq = d.setdefault("irq", 0 if cls >> 8 in (0x0600,) else 24 + i)
        tree.attr(p + "/irq", irq)
        tree.attr(p + "/enable", 1 if d.get("driver") or cls >> 8 == 0x0604 else 0)
        tree.attr(p + "/driver_override", "(null)")
        tree.attr(p + "/d3cold_allowed", 0 if d.get("d3cold_off") else 1)
        bar_size = 0x01000000 if cls >> 16 == 0x03 else 0x00100000
        if "bar0" in d:  # a large BAR: 64-bit prefetchable, naturally aligned above 4 GiB
            bar_size = size_bytes(d["bar0"])
            bar = max(bar, 1 << 32)
        my_bar = (bar + bar_size - 1) & ~(bar_size - 1)
        bar = my_bar + bar_size
        # a stuck card (lost after a failed reset) reads all ones
        tree.write(p + "/config", b"\xff" * 256 if d.get("stuck") else config_space(d, my_bar))
        res = []
        for k in range(13):
            if k == 0 and cls >> 8 not in (0x0600, 0x0604):
                flags = 0x14220c if my_bar >> 32 else 0x40200
                res.append("0x%016x 0x%016x 0x%016x" % (my_bar, my_bar + bar_size - 1, flags))
            else:
                res.append("0x%016x 0x%016x 0x%016x" % (0, 0, 0))
        tree.write(p + "/resource", "\n".join(res) + "\n")
        if "rebar" in d:
            # resourceN_resize: bit n set = 2^n MiB supported (the kernel's %016llx);
            # the card offers 256 MiB up to its maximum
            top = size_bytes(d["rebar"]).bit_length() - 21
            tree.attr(p + "/resource0_resize",
                      "%016x" % sum(1 << n for n in range(8, top + 1)))
        if cls >> 8 == 0x0300:
            tree.attr(p + "/boot_vga", 1 if d.get("boot_vga") else 0)
        if not d.get("no_numa_node"):
            node = d.get("numa_node", root_nodes.get(d["root"], 0) if multi_node else -1)
            tree.attr(p + "/numa_node", node)
            local = [c["cpu"] for c in cpus if node < 0 or c["node"] == node]
        else:
            local = [c["cpu"] for c in cpus]
        tree.attr(p + "/local_cpulist", cpulist(local))
        tree.attr(p + "/local_cpus", cpumask(local, possible))
        if d.get("reset"):
            tree.attr(p + "/reset_method", d["reset"])
        modalias = "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X" % (
            d["vid"], d["did"], d["svid"], d["sdid"], cls >> 16, (cls >> 8) & 0xff, cls & 0xff)
        tree.attr(p + "/modalias", modalias)
        ue = ""
        if d.get("driver"):
            ue += "DRIVER=%s\n" % d["driver"]
        ue += "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n" \
              "MODALIAS=%s\n" % (cls, d["vid"], d["did"], d["svid"], d["sdid"], a, modalias)
        tree.write(p + "/uevent", ue)
        tree.link(p + "/subsystem", "sys/bus/pci")
        tree.link("sys/bus/pci/devices/" + a, p)
        if d.get("driver"):
            drv = "sys/bus/pci/drivers/" + d["driver"]
            drivers.add(d["driver"])
            tree.link(p + "/driver", drv)
            tree.link(drv + "/" + a, p)
        if iommu and "group" in d:
            g = "sys/kernel/iommu_groups/%d" % d["group"]
            tree.link(p + "/iommu_group", g)
            tree.link(g + "/devices/" + a, p)
            tree.attr(g + "/type", model.get("iommu_type", "DMA"))
            tree.attr(g + "/reserved_regions",
                      "0x00000000fee00000 0x00000000feefffff msi")
        elif iommu and not d.get("no_group"):
            raise SystemExit("%s: %s has no IOMMU group" % (model["name"], a))
        if "secondary" in d:
            tree.attr("%s/pci_bus/%s:%s/cpuaffinity" % (p, a[:4], d["secondary"]),
                      cpumask(local, possible))
    for drv in sorted(drivers):
        base = "sys/bus/pci/drivers/" + drv
        for f in ("bind", "unbind", "new_id", "remove_id", "uevent"):
            tree.write(base + "/" + f, "")
    tree.write("sys/bus/pci/drivers_probe", "")
    tree.write("sys/bus/pci/rescan", "")
    tree.attr("sys/bus/pci/drivers_autoprobe", 1)
    tree.attr("sys/bus/pci/uevent", "")
    if iommu:
        # the IOMMU's own device: AMD's hangs off its PCI function, Intel's DMAR unit is
        # a virtual device
        amd = [d for d in devs if d["cls"] == 0x080600]
        if amd:
            unit = amd[0]["dir"] + "/iommu/ivhd0"
        else:
            unit = "sys/devices/virtual/iommu/dmar0"
        tree.attr(unit + "/uevent", "")
        tree.link(unit + "/subsystem", "sys/class/iommu")
        tree.link("sys/class/iommu/" + posixpath.basename(unit), unit)
    return devs


# ---------------------------------------------------------------------------------------
# USB (and the boot stick's SCSI/block chain)

USB_DRIVERS = {"03": "usbhid", "08": "usb-storage", "09": "hub", "01": "snd-usb-audio",
               "e0": "btusb", "ff": None}


def usb_speed_version(speed):
    return {"1.5": " 1.10", "12": " 2.00", "480": " 2.00", "5000": " 3.20",
            "10000": " 3.20"}[speed]


def usb_layout(model, devs):
    """Root hubs per controller bus, then the model's devices with parents and devnums."""
    by_addr = {d["addr"]: d for d in devs}
    roots = []
    buses = {}
    for d in devs:
        for k, busnum in enumerate(d.get("usb_buses", [])):
            usb3 = k == 1
            r = {
                "name": "usb%d" % busnum, "busnum": busnum, "devnum": 1, "devpath": "0",
                "vid": 0x1d6b, "pid": 0x0003 if usb3 else 0x0002,
                "bcd": "".join(x.zfill(2) for x in KERNEL.split(".")[:2]),
                "manufacturer": "Linux %s xhci-hcd" % KERNEL,
                "product": "xHCI Host Controller", "serial": d["addr"],
                "speed": d.get("usb3_speed", "10000") if usb3 else "480",
                "class": "09", "protocol": "03" if usb3 else "01",
                "maxchild": d.get("usb_ports", 4), "dir": d["dir"] + "/usb%d" % busnum,
                "controller": d["addr"], "ifaces": [{"class": "09", "sub": "00",
                                                       "proto": "00", "driver": "hub"}],
                "removable": "unknown",
            }
            roots.append(r)
            buses[busnum] = r
    out = list(roots)
    by_name = {r["name"]: r for r in roots}
    next_devnum = {b: 2 for b in buses}
    for raw in model.get("usb", []):
        u = dict(raw)
        port = u["port"]
        busnum = int(port.split("-")[0])
        chain = port.split("-")[1]
        parent = by_name["usb%d" % busnum] if "." not in chain else \
            by_name["%d-%s" % (busnum, chain.rsplit(".", 1)[0])]
        u["name"] = port
        u["busnum"] = busnum
        u["devnum"] = u.get("devnum", next_devnum[busnum])
        next_devnum[busnum] = u["devnum"] + 1
        u["devpath"] = chain
        u["vid"], u["pid"] = (int(x, 16) for x in u["id"].split(":"))
        u["bcd"] = u.get("bcd", "0100")
        u["speed"] = str(u.get("speed", "12"))
        u["class"] = u.get("class", "00")
        u["protocol"] = u.get("protocol", "00")
        u["dir"] = parent["dir"] + "/" + port
        u["controller"] = buses[busnum]["controller"]
        u["parent_port"] = parent
        u["removable"] = u.get("removable", "removable")
        ifaces = u.get("ifaces")
        if ifaces is None:
            cls = "09" if u["class"] == "09" else u.get("iface_class", "03")
            ifaces = [{"class": cls, "sub": u.get("iface_sub", "00"),
                       "proto": u.get("iface_proto", "00"),
                       "driver": u.get("driver", USB_DRIVERS.get(cls))}]
        u["ifaces"] = ifaces
        u["maxchild"] = u.get("maxchild", 4 if u["class"] == "09" else 0)
        out.append(u)
        by_name[port] = u
    for u in out:
        u["controller_dev"] = by_addr[u["controller"]]
    return out


def usb_descriptors(u):
    """The binary `descriptors` attribute: device descriptor, then the active
    configuration with its interfaces and endpoints (libusb reads this file)."""
    bcd_usb = {"1.5": 0x0110, "12": 0x0200, "480": 0x0200, "5000": 0x0320,
               "10000": 0x0320}[u["speed"]]
    usb3 = bcd_usb >= 0x0300
    dev = struct.pack("<BBHBBBBHHHBBBB", 18, 1, bcd_usb, int(u["class"], 16), 0,
                      int(u["protocol"], 16), 9 if usb3 else 64, u["vid"], u["pid"],
                      int(u["bcd"], 16), 1 if u.get("manufacturer") else 0,
                      2 if u.get("product") else 0, 3 if u.get("serial") else 0, 1)
    body = b""
    for n, itf in enumerate(u["ifaces"]):
        eps = 2 if itf["class"] == "08" else 1
        body += struct.pack("<BBBBBBBBB", 9, 4, n, 0, eps, int(itf["class"], 16),
                            int(itf["sub"], 16), int(itf["proto"], 16), 0)
        for e in range(eps):
            if eps == 2:
                body += struct.pack("<BBBBHB", 7, 5, 0x81 if e == 0 else 0x02, 2,
                                    1024 if usb3 else 512, 0)
            else:
                body += struct.pack("<BBBBHB", 7, 5, 0x81 + n, 3, 8, 10)
    cfg = struct.pack("<BBHBBBBB", 9, 2, 9 + len(body), len(u["ifaces"]), 1, 0, 0xa0, 50)
    return dev + cfg + body


def usb_records_for(tree, u):
    """sysfs files of one USB device and its interfaces; returns umockdev record sections."""
    p = u["dir"]
    minor = (u["busnum"] - 1) * 128 + u["devnum"] - 1
    devname = "bus/usb/%03d/%03d" % (u["busnum"], u["devnum"])
    product = "%x/%x/%x" % (u["vid"], u["pid"], int(u["bcd"], 16))
    dtype = "%d/%d/%d" % (int(u["class"], 16), 0, int(u["protocol"], 16))
    attrs = [
        ("idVendor", "%04x" % u["vid"]), ("idProduct", "%04x" % u["pid"]),
        ("bcdDevice", u["bcd"]), ("bDeviceClass", u["class"]), ("bDeviceSubClass", "00"),
        ("bDeviceProtocol", u["protocol"]), ("bNumInterfaces", "%2d" % len(u["ifaces"])),
        ("bNumConfigurations", "1"), ("bConfigurationValue", "1"),
        ("bMaxPacketSize0", "64"), ("bmAttributes", "a0"), ("bMaxPower", "100mA"),
        ("speed", u["speed"]), ("busnum", str(u["busnum"])), ("devnum", str(u["devnum"])),
        ("devpath", u["devpath"]), ("version", usb_speed_version(u["speed"])),
        ("maxchild", str(u["maxchild"])), ("removable", u["removable"]),
        ("authorized", "1"), ("dev", "189:%d" % minor), ("quirks", "0x0"),
        ("configuration", ""), ("rx_lanes", "1"), ("tx_lanes", "1"),
    ]
    for key in ("manufacturer", "product", "serial"):
        if u.get(key):
            attrs.append((key, u[key]))
    for k, v in attrs:
        tree.attr("%s/%s" % (p, k), v)
    desc = usb_descriptors(u)
    tree.write(p + "/descriptors", desc)
    props = [("MAJOR", "189"), ("MINOR", str(minor)), ("DEVNAME", devname),
             ("DEVTYPE", "usb_device"), ("DRIVER", "usb"), ("PRODUCT", product),
             ("TYPE", dtype), ("BUSNUM", "%03d" % u["busnum"]),
             ("DEVNUM", "%03d" % u["devnum"])]
    tree.write(p + "/uevent", "".join("%s=%s\n" % kv for kv in props))
    tree.link(p + "/subsystem", "sys/bus/usb")
    tree.link(p + "/driver", "sys/bus/usb/drivers/usb")
    tree.link("sys/bus/usb/devices/" + u["name"], p)
    tree.link("sys/bus/usb/drivers/usb/" + u["name"], p)
    tree.link("sys/dev/char/189:%d" % minor, p)
    tree.write("dev/" + devname, "")
    sections = [(p, "N: %s=%s" % (devname, desc.hex().upper()),
                 props[:2] + [("DEVNAME", "/dev/" + devname)] + props[3:] +
                 [("SUBSYSTEM", "usb"), ("ID_VENDOR_ID", "%04x" % u["vid"]),
                  ("ID_MODEL_ID", "%04x" % u["pid"]), ("ID_BUS", "usb")] +
                 ([("ID_SERIAL_SHORT", u["serial"])] if u.get("serial") else []),
                 attrs + [("descriptors", desc)], [("driver", "sys/bus/usb/drivers/usb")])]
    # interfaces are named after the port path; a root hub's port path is "N-0"
    iname = "%d-0" % u["busnum"] if u["devpath"] == "0" else u["name"]
    for n, itf in enumerate(u["ifaces"]):
        ip = "%s/%s:1.%d" % (p, iname, n)
        modalias = "usb:v%04Xp%04Xd%sdc%sdsc00dp%sic%sisc%sip%sin%02d" % (
            u["vid"], u["pid"], u["bcd"].upper(), u["class"].upper(),
            u["protocol"].upper(), itf["class"].upper(), itf["sub"].upper(),
            itf["proto"].upper(), n)
        iattrs = [("bInterfaceNumber", "%02x" % n), ("bAlternateSetting", " 0"),
                  ("bInterfaceClass", itf["class"]), ("bInterfaceSubClass", itf["sub"]),
                  ("bInterfaceProtocol", itf["proto"]),
                  ("bNumEndpoints", "02" if itf["class"] == "08" else "01"),
                  ("modalias", modalias), ("supports_autosuspend", "1")]
        for k, v in iattrs:
            tree.attr("%s/%s" % (ip, k), v)
        iprops = [("DEVTYPE", "usb_interface")]
        if itf.get("driver"):
            iprops.append(("DRIVER", itf["driver"]))
        iprops += [("PRODUCT", product), ("TYPE", dtype),
                   ("INTERFACE", "%d/%d/%d" % (int(itf["class"], 16), int(itf["sub"], 16),
                                               int(itf["proto"], 16))),
                   ("MODALIAS", modalias)]
        tree.write(ip + "/uevent", "".join("%s=%s\n" % kv for kv in iprops))
        tree.link(ip + "/subsystem", "sys/bus/usb")
        tree.link("sys/bus/usb/devices/%s:1.%d" % (iname, n), ip)
        links = []
        if itf.get("driver"):
            drv = "sys/bus/usb/drivers/" + itf["driver"]
            tree.link(ip + "/driver", drv)
            tree.link("%s/%s:1.%d" % (drv, iname, n), ip)
            links.append(("driver", drv))
        sec = (ip, None, iprops + [("SUBSYSTEM", "usb")], iattrs, links)
        storage = u.get("storage")
        if storage and u.get("serial"):
            storage = dict(storage, serial=storage.get("serial", u["serial"]))
        if storage and itf["class"] == "08":
            sections = storage_sections(tree, ip, storage) + [sec] + sections
        else:
            sections.insert(0, sec)
    return sections


def storage_sections(tree, ip, s):
    """usb-storage interface -> SCSI host -> target -> device -> disk -> partitions."""
    h = s.get("host", 6)
    host = "%s/host%d" % (ip, h)
    target = "%s/target%d:0:0" % (host, h)
    sdev = "%s/%d:0:0:0" % (target, h)
    disk = s.get("disk", "sdb")
    index = ord(disk[-1]) - ord("a")
    major, minor = 8, 16 * index
    dp = "%s/block/%s" % (sdev, disk)
    out = []
    for path, props, sub in ((host, [("DEVTYPE", "scsi_host")], "sys/bus/scsi"),
                             (target, [("DEVTYPE", "scsi_target")], "sys/bus/scsi"),
                             (sdev, [("DEVTYPE", "scsi_device"), ("DRIVER", "sd"),
                                     ("MODALIAS", "scsi:t-0x00")], "sys/bus/scsi")):
        tree.write(path + "/uevent", "".join("%s=%s\n" % kv for kv in props))
        tree.link(path + "/subsystem", sub)
        out.insert(0, (path, None, props + [("SUBSYSTEM", "scsi")], [], []))
    for k, v in (("vendor", s.get("vendor", "SanDisk ")), ("model", s.get("model", "Cruzer")),
                 ("rev", "1.00"), ("type", "0"), ("state", "running")):
        tree.attr(sdev + "/" + k, v)
    tree.link(sdev + "/driver", "sys/bus/scsi/drivers/sd")
    tree.link("sys/bus/scsi/devices/%d:0:0:0" % h, sdev)
    tree.link("sys/bus/scsi/drivers/sd/%d:0:0:0" % h, sdev)
    size = s.get("sectors", 60062500)
    entries = [(dp, disk, "disk", minor, size, None)]
    for n in range(1, s.get("partitions", 1) + 1):
        entries.append(("%s/%s%d" % (dp, disk, n), "%s%d" % (disk, n), "partition",
                        minor + n, size - 2048, n))
    for path, name, kind, mi, sectors, partn in entries:
        props = [("MAJOR", str(major)), ("MINOR", str(mi)), ("DEVNAME", name),
                 ("DEVTYPE", kind)] + ([("PARTN", str(partn))] if partn else [])
        tree.write(path + "/uevent", "".join("%s=%s\n" % kv for kv in props))
        attrs = [("dev", "%d:%d" % (major, mi)), ("size", str(sectors)),
                 ("ro", "0")] + ([("partition", str(partn)), ("start", "2048")] if partn else
                                 [("removable", "1"), ("range", "16")])
        for k, v in attrs:
            tree.attr(path + "/" + k, v)
        tree.link(path + "/subsystem", "sys/class/block")
        tree.link("sys/class/block/" + name, path)
        tree.link("sys/dev/block/%d:%d" % (major, mi), path)
        if kind == "disk":
            tree.link("sys/block/" + name, path)
            tree.link(path + "/device", sdev)
        tree.write("dev/" + name, "")
        # udev's names for it: usb-<vendor>_<model>_<serial>-0:0[-partN], the
        # partition's label and uuid
        by_id = "usb-%s_%s_%s-0:0" % (s.get("vendor", "SanDisk ").strip().replace(" ", "_"),
                                      s.get("model", "Cruzer").strip().replace(" ", "_"),
                                      s.get("serial", "0000"))
        tree.link("dev/disk/by-id/%s%s" % (by_id, "-part%d" % partn if partn else ""),
                  "dev/" + name)
        if partn:
            tree.link("dev/disk/by-label/" + s.get("label", "DKVM" if s.get("boot") else
                                                     "DATA"), "dev/" + name)
            tree.link("dev/disk/by-uuid/" + s.get("uuid", "1A2B-3C4D"), "dev/" + name)
        udev = [("SUBSYSTEM", "block"), ("ID_BUS", "usb")]
        if partn:
            udev += [("ID_FS_TYPE", s.get("fstype", "vfat")),
                     ("ID_FS_LABEL", s.get("label", "DKVM" if s.get("boot") else "DATA")),
                     ("ID_FS_UUID", s.get("uuid", "1A2B-3C4D"))]
        out.insert(0, (path, "N: " + name,
                       [p if p[0] != "DEVNAME" else ("DEVNAME", "/dev/" + name)
                        for p in props] + udev, attrs, []))
    return out


def write_disks(tree, model, devs):
    """Internal disks on a PCI controller (`disks` in the model): NVMe namespaces and
    SATA disks with their partitions, sysfs block devices, /dev nodes and udev's
    /dev/disk/by-id, by-label and by-uuid links; a partition with `mount` is mounted
    there (returned as /proc/mounts lines) and holds the empty files `files` names
    under the tree (media/...), which is where DKVM reads the data partition's
    files when DKVM_SYSFS_ROOT names the tree."""
    by_addr = {d["addr"]: d for d in devs}
    mounts = []
    for n, disk in enumerate(model.get("disks", [])):
        ctrl = by_addr[bdf(disk["controller"])]
        name = disk["name"]
        model_name = disk["model"]
        ident = model_name.replace(" ", "_") + "_" + disk["serial"]
        if disk["kind"] == "nvme":
            cdir = "%s/nvme/nvme%d" % (ctrl["dir"], n)
            for k, v in (("model", model_name), ("serial", disk["serial"]),
                         ("firmware_rev", "2B2QEXM7"), ("state", "live")):
                tree.attr(cdir + "/" + k, v)
            tree.write(cdir + "/uevent", "MAJOR=240\nMINOR=%d\nDEVNAME=nvme%d\n" % (n, n))
            tree.link(cdir + "/subsystem", "sys/class/nvme")
            tree.link("sys/class/nvme/nvme%d" % n, cdir)
            dp = "%s/%s" % (cdir, name)
            device = cdir
            major, minor = 259, 16 * n
            ids = ["nvme-" + ident, "nvme-eui." + disk["eui"]]
            partname = name + "p%d"
        else:
            sdev = "%s/ata%d/host%d/target%d:0:0/%d:0:0:0" % (ctrl["dir"], n + 1, n, n, n)
            for k, v in (("vendor", "ATA     "), ("model", model_name[:16]), ("rev", "1B6Q"),
                         ("type", "0"), ("state", "running")):
                tree.attr(sdev + "/" + k, v)
            tree.write(sdev + "/uevent", "DEVTYPE=scsi_device\nDRIVER=sd\n")
            tree.link(sdev + "/subsystem", "sys/bus/scsi")
            dp = "%s/block/%s" % (sdev, name)
            device = sdev
            major, minor = 8, 16 * (ord(name[-1]) - ord("a"))
            ids = ["ata-" + ident, "wwn-" + disk["wwn"]]
            partname = name + "%d"
        sectors = disk["sectors"]
        entries = [(dp, name, None, minor, sectors)]
        for pn, part in enumerate(disk.get("partitions", []), 1):
            entries.append(("%s/%s" % (dp, partname % pn), partname % pn, part, minor + pn,
                            part.get("sectors", sectors - 4096)))
        for path, bname, part, mi, size in entries:
            partn = entries.index((path, bname, part, mi, size))
            props = [("MAJOR", str(major)), ("MINOR", str(mi)), ("DEVNAME", bname),
                     ("DEVTYPE", "partition" if part is not None else "disk")]
            if part is not None:
                props.append(("PARTN", str(partn)))
            tree.write(path + "/uevent", "".join("%s=%s\n" % kv for kv in props))
            attrs = [("dev", "%d:%d" % (major, mi)), ("size", str(size)), ("ro", "0")]
            attrs += [("partition", str(partn)), ("start", "2048")] if part is not None \
                else [("removable", "0")]
            for k, v in attrs:
                tree.attr(path + "/" + k, v)
            tree.link(path + "/subsystem", "sys/class/block")
            tree.link("sys/class/block/" + bname, path)
            tree.link("sys/dev/block/%d:%d" % (major, mi), path)
            tree.write("dev/" + bname, "")
            suffix = "-part%d" % partn if part is not None else ""
            for i in ids:
                tree.link("dev/disk/by-id/" + i + suffix, "dev/" + bname)
            if part is None:
                tree.link("sys/block/" + bname, path)
                tree.link(path + "/device", device)
                continue
            if part.get("label"):
                tree.link("dev/disk/by-label/" + part["label"], "dev/" + bname)
            if part.get("uuid"):
                tree.link("dev/disk/by-uuid/" + part["uuid"], "dev/" + bname)
            if part.get("mount"):
                mounts.append("/dev/%s %s %s rw,relatime 0 0"
                              % (bname, part["mount"], part.get("fstype", "ext4")))
                for f in part.get("files", []):
                    tree.write(part["mount"].lstrip("/") + "/" + f, "")
    return mounts


def write_usb(tree, model, devs):
    usb = usb_layout(model, devs)
    records = []
    for u in usb:
        sections = usb_records_for(tree, u)
        u["_sections"] = sections
        if u["name"].startswith("usb"):
            continue  # root hubs are part of the machine, not of the hot-plug record
        records.append((u, sections))
    if usb:
        for f in ("uevent", "drivers_autoprobe"):
            tree.attr("sys/bus/usb/" + f, 1 if f == "drivers_autoprobe" else "")
    write_record(tree, model, records)
    return usb


def pci_record_section(d):
    """A PCI controller (or bridge) as a umockdev record section."""
    props = []
    if d.get("driver"):
        props.append(("DRIVER", d["driver"]))
    props += [("PCI_CLASS", "%X" % d["cls"]), ("PCI_ID", "%04X:%04X" % (d["vid"], d["did"])),
              ("PCI_SUBSYS_ID", "%04X:%04X" % (d["svid"], d["sdid"])),
              ("PCI_SLOT_NAME", d["addr"]), ("SUBSYSTEM", "pci")]
    attrs = [("vendor", "0x%04x" % d["vid"]), ("device", "0x%04x" % d["did"]),
             ("class", "0x%06x" % d["cls"]), ("subsystem_vendor", "0x%04x" % d["svid"]),
             ("subsystem_device", "0x%04x" % d["sdid"]), ("irq", str(d["irq"]))]
    links = [("driver", "sys/bus/pci/drivers/" + d["driver"])] if d.get("driver") else []
    return (d["dir"], None, props, attrs, links)


def write_record(tree, model, records):
    """The host's USB devices in umockdev-record format: each device followed by the
    parents not yet listed (interfaces and block devices come before their device), so
    umockdev_testbed_add_from_file() can rebuild them in an empty testbed."""
    written = set()
    out = []

    def emit(section):
        path, name_line, props, attrs, links = section
        if path in written:
            return
        written.add(path)
        sysp = "/" + path[len("sys/"):]
        lines = ["P: " + sysp]
        if name_line:
            lines.append(name_line)
        lines += ["E: %s=%s" % kv for kv in props]
        lines += ["H: %s=%s" % (k, v.hex().upper()) if isinstance(v, bytes) else
                  "A: %s=%s" % (k, v.replace("\\", "\\\\").replace("\n", "\\n"))
                  for k, v in attrs]
        for k, target in links:
            lines.append("L: %s=%s" % (k, os.path.relpath("/" + target, "/sys" + sysp)))
        out.append("\n".join(lines) + "\n")

    for u, sections in records:
        for s in sections:
            emit(s)
        # parents: hubs up to the root hub, then the PCI chain
        parent = u["parent_port"]
        while parent is not None:
            if parent["dir"] not in written:
                rec = [s for s in parent["_sections"] if s[0] == parent["dir"]]
                for s in rec:
                    emit(s)
            parent = parent.get("parent_port")
        d = u["controller_dev"]
        while d is not None:
            emit(pci_record_section(d))
            d = d["parent"]
    if out:
        tree.write("%s.umockdev" % model["name"], "\n".join(out))


# ---------------------------------------------------------------------------------------
# /proc files other than cpuinfo and meminfo, and /dev


def write_proc_misc(tree, model, usb, disk_mounts=()):
    tree.attr("proc/cmdline", model["cmdline"])
    mounts = [
        "tmpfs / tmpfs rw,relatime,mode=755 0 0",
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
        "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0",
        "devtmpfs /dev devtmpfs rw,nosuid,noexec,relatime,size=10240k,nr_inodes=4096000,"
        "mode=755 0 0",
        "devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000 0 0",
        "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime 0 0",
        "tmpfs /run tmpfs rw,nosuid,nodev,size=%dk,nr_inodes=819200,mode=755 0 0"
        % (model["ram_gib"] * 1024 * 1024 // 5),
    ]
    stick = [u for u in usb if u.get("storage", {}).get("boot")]
    if stick:
        s = stick[0]["storage"]
        part = "%s1" % s.get("disk", "sdb")
        mounts.append("/dev/%s /media/%s vfat ro,relatime,fmask=0022,dmask=0022,"
                      "codepage=437,iocharset=utf8,shortname=mixed,errors=remount-ro 0 0"
                      % (part, part))
        mounts.append("/dev/loop0 /.modloop squashfs ro,relatime,errors=continue 0 0")
    mounts += list(disk_mounts)
    mounts += model.get("mounts", [])
    mounts += ["hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0"]
    if pools(model).get(1048576, {}).get("total"):
        mounts += ["hugetlbfs /dev/hugepages1G hugetlbfs rw,relatime,pagesize=1024M 0 0"]
    mounts += [
               "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,"
               "nsdelegate 0 0"]
    tree.write("proc/mounts", "\n".join(mounts) + "\n")
    # KVM is the kvm module's misc device: registered in sysfs (which umockdev redirects
    # completely, so its absence here is what "no KVM" means) and its node in /dev
    # (umockdev lets /dev paths the tree lacks through to the machine, so /dev alone
    # cannot say "absent")
    if model.get("kvm", True):
        tree.attr("sys/devices/virtual/misc/kvm/dev", "10:232")
        tree.link("sys/class/misc/kvm", "sys/devices/virtual/misc/kvm")
        tree.write("dev/kvm", "")


# ---------------------------------------------------------------------------------------
# the large benchmark host


def large_model():
    """A synthetic two-socket host at the scale of a big server, for `make bench`:
    2 x 64 cores x 2 threads = 256 CPUs, 4 L3 groups of 16 cores per socket (8 in all), one
    NUMA node per socket, 150 PCI devices (GPUs with audio, NVMe, dual-port NICs, xHCI
    controllers behind root ports of both root complexes) and 40 USB devices (hubs,
    HID devices, two sticks, one of them the boot stick). Not a real machine: the sizes
    are what matters; every file is shaped as on the named hosts."""
    cores = []
    for pkg in range(2):
        for ccx in range(4):
            cores.append({"count": 16, "package": pkg, "node": pkg, "l3": pkg * 4 + ccx,
                          "l2_kib": 1024,
                          "core_ids": list(range(ccx * 16, ccx * 16 + 16))})
    pci = []
    group = [0]

    def add(addr, ident, cls, **kw):
        pci.append(dict(addr=addr, id=ident, **{"class": cls}, **kw))

    kinds = ["gpu", "nvme", "nic", "xhci"] * 7 + ["gpu"]
    usb_bus = 1
    xhcis = []
    for sock, base in enumerate((0x00, 0x80)):
        add("%02x:00.0" % base, "1022:14a4", "060000", no_group=True)
        add("%02x:00.2" % base, "1022:149e", "080600", no_group=True)
        for k, kind in enumerate(kinds):
            port = "%02x:%02x.%d" % (base, 1 + k // 7, k % 7 + 1)
            bus = base + 1 + k
            add(port, "1022:14ab", "060400", driver="pcieport", secondary="%02x" % bus,
                group=group[0])
            group[0] += 1
            ep = "%02x:00" % bus
            g = group[0]
            group[0] += 1
            if kind == "gpu":
                boot = sock == 0 and k == 0
                add(ep + ".0", "10de:2684", "030000", sub="10de:167c", rev="a1",
                    driver="nouveau", group=g, reset="flr", boot_vga=boot)
                add(ep + ".1", "10de:22ba", "040300", sub="10de:167c", rev="a1",
                    driver="snd_hda_intel", group=g, reset="flr")
            elif kind == "nvme":
                add(ep + ".0", "144d:a80c", "010802", sub="144d:a801", driver="nvme",
                    group=g, reset="flr bus")
            elif kind == "nic":
                add(ep + ".0", "8086:1563", "020000", driver="ixgbe", group=g, reset="flr")
                add(ep + ".1", "8086:1563", "020000", driver="ixgbe", group=g, reset="flr")
            else:
                add(ep + ".0", "1022:15b6", "0c0330", driver="xhci_hcd", group=g,
                    usb_buses=[usb_bus, usb_bus + 1], usb_ports=8)
                xhcis.append(usb_bus)
                usb_bus += 2
    usb = []
    hid = {"id": "046d:c52b", "manufacturer": "Logitech", "product": "USB Receiver",
           "speed": 12, "bcd": "1211"}
    for h in range(4):  # four hubs with four devices each
        bus = xhcis[h]
        usb.append({"port": "%d-1" % bus, "id": "05e3:0610", "manufacturer": "GenesysLogic",
                    "product": "USB2.1 Hub", "speed": 480, "class": "09", "protocol": "02",
                    "bcd": "6060"})
        for c in range(1, 5):
            usb.append(dict(hid, port="%d-1.%d" % (bus, c)))
    n = 0
    while len(usb) < 38:  # HID devices directly on the root ports
        bus = xhcis[n % len(xhcis)]
        usb.append(dict(hid, port="%d-%d" % (bus, 2 + n // len(xhcis))))
        n += 1
    stick = {"id": "0781:5567", "manufacturer": "SanDisk", "product": "Cruzer Blade",
             "speed": 480, "bcd": "0100", "iface_class": "08", "iface_sub": "06",
             "iface_proto": "50"}
    usb.append(dict(stick, port="%d-8" % xhcis[0], serial="4C530001000000000001",
                    storage={"host": 6, "disk": "sdb", "boot": True, "label": "DKVM"}))
    usb.append(dict(stick, port="%d-8" % xhcis[1], serial="4C530001000000000002",
                    storage={"host": 7, "disk": "sdc", "label": "DATA"}))
    model = {
        "name": "large",
        "description": "Synthetic benchmark host: 256 CPUs, 150 PCI devices, 40 USB devices",
        "ram_gib": 512, "board_sub": "15d9:1c4f", "root_buses": ["00", "80"],
        "root_bus_nodes": {"00": 0, "80": 1}, "iommu_type": "identity",
        "cmdline": "BOOT_IMAGE=/boot/vmlinuz-lts modloop=/boot/modloop-lts "
                   "modules=loop,squashfs,sd-mod,usb-storage quiet amd_iommu=on iommu=pt "
                   "initrd=/boot/initramfs-lts",
        "cpu": {"vendor": "AuthenticAMD",
                "model_name": "AMD EPYC 64-Core Processor (synthetic benchmark host)",
                "family": 25, "model": 17, "stepping": 1, "microcode": "0xa10113e",
                "mhz": 2400.0, "bogomips": 4800.0, "flags": "zen4", "smt": "offset",
                "l3_kib": {str(i): 32768 for i in range(8)}, "cores": cores},
        "hugepages": [{"size_kib": 2048, "total": 65536, "free": 65536,
                       "per_node": [32768, 32768]},
                      {"size_kib": 1048576, "total": 64, "free": 64, "per_node": [32, 32]}],
        "pci": pci, "usb": usb,
    }
    assert len(pci) == 150 and len(usb) == 40, (len(pci), len(usb))
    return model


# ---------------------------------------------------------------------------------------
# driver


def build(model, outdir=None):
    """Derives every file of a host from its model; writes them to outdir when given.
    Returns the Tree."""
    tree = Tree()
    cpus = expand_cpus(model)
    write_cpus(tree, model, cpus)
    write_cpuinfo(tree, model, cpus)
    write_memory(tree, model, cpus)
    devs = write_pci(tree, model, cpus)
    usb = write_usb(tree, model, devs)
    disk_mounts = write_disks(tree, model, devs)
    write_proc_misc(tree, model, usb, disk_mounts)
    empty = tree.empty_dirs()
    if empty:
        raise SystemExit("%s: empty directories (git would drop them): %s"
                         % (model["name"], ", ".join(empty)))
    tree.write("README", "%s\n\n%s\nGenerated by make-hosts.py from models/%s.toml; do not "
               "edit by hand.\n" % (model["name"], model.get("description", "").strip() + "\n",
                                    model["name"]))
    if outdir:
        tree.flush(outdir)
    return tree


def load_model(name):
    """Reads models/NAME.toml. `include = ["_platform.toml"]` pulls in a platform's
    devices first (a model's own PCI device with the same address replaces the
    platform's); every other key of the model wins over the platform's."""
    with open(os.path.join(HERE, "models", name + ".toml"), "rb") as f:
        model = tomllib.load(f)
    for inc in model.pop("include", []):
        with open(os.path.join(HERE, "models", inc), "rb") as f:
            base = tomllib.load(f)
        own = {bdf(d["addr"]) for d in model.get("pci", [])}
        pci = [d for d in base.pop("pci", []) if bdf(d["addr"]) not in own]
        usb = base.pop("usb", [])
        merged = dict(base)
        merged.update(model)
        merged["pci"] = pci + model.get("pci", [])
        merged["usb"] = usb + model.get("usb", [])
        model = merged
    model["name"] = name
    return model


def model_names():
    return sorted(f[:-5] for f in os.listdir(os.path.join(HERE, "models"))
                  if f.endswith(".toml") and not f.startswith("_"))


def snapshot(root):
    """{relative path: ('l', target) or ('f', bytes)} of a tree, symlinks not followed."""
    out = {}
    for d, subdirs, files in os.walk(root):
        for name in subdirs + files:
            full = os.path.join(d, name)
            rel = os.path.relpath(full, root)
            if os.path.islink(full):
                out[rel] = ("l", os.readlink(full))
            elif os.path.isfile(full):
                with open(full, "rb") as f:
                    out[rel] = ("f", f.read())
            elif not os.path.isdir(full):
                out[rel] = ("?", None)
    return out


def check(names):
    """Regenerates the hosts in memory and compares them with the
    committed trees: a model changed without regenerating, or a tree edited by hand,
    is reported. Returns the number of hosts that differ."""
    bad = 0
    for name in names:
        want = build(load_model(name)).entries
        have = snapshot(os.path.join(HERE, name))
        diff = sorted(k for k in set(want) | set(have) if want.get(k) != have.get(k))
        if diff:
            bad += 1
            print("%s: differs from models/%s.toml in %d paths, e.g. %s"
                  % (name, name, len(diff), ", ".join(diff[:3])))
        else:
            print("%s: up to date" % name)
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("hosts", nargs="*", help="host names (default: all models)")
    ap.add_argument("--large", metavar="OUTDIR", help="write the large benchmark host")
    ap.add_argument("--out", metavar="DIR", help="parent directory for the trees")
    ap.add_argument("--check", action="store_true",
                    help="compare the committed trees with their models, write nothing")
    args = ap.parse_args()
    if args.check:
        return 1 if check(args.hosts or model_names()) else 0
    if args.large:
        build(large_model(), args.large)
        print("wrote %s" % args.large)
        return 0
    out = args.out or HERE
    for name in args.hosts or model_names():
        build(load_model(name), os.path.join(out, name))
        print("wrote %s" % os.path.join(out, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
