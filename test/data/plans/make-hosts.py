#!/usr/bin/env python3
# Writes the planners' own host JSONs (hosts/*.json, the `dkvm host --json`
# format): small hosts that each model one rule of the planners (two equal
# CCDs, an X3D part, Intel hybrid, no SMT, adjacent sibling numbering, two
# NUMA nodes, no L3 information, a partial report). The reviewed goldens of
# real fixture machines live in test/data/hosts-json/ (host discovery).
# Run it after changing a model here, then review the diff.
import json, os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'hosts')
GiB=1024*1024
def cpu(n, core, l3, node=0, sib=(), typ=None, pkg=0):
    return dict(cpu=n, package=pkg, die=0, core=core, cluster=None, l3=l3, node=node,
                siblings=sorted(sib), type=typ)
def pci(addr, cls, name, group, vendor="10de", dev="0000", functions=(), is_gpu=False,
        boot_vga=False, numa=None, reset="flr", host_needed=False, reason=None, driver=None):
    return {"address": addr, "vendor_id": vendor, "device_id": dev, "subsystem_vendor_id": vendor,
            "subsystem_device_id": "0000", "class": cls, "vendor_name": None, "name": name,
            "class_name": None, "driver": driver, "iommu_group": group, "is_gpu": is_gpu,
            "is_bridge": cls.startswith("06"), "boot_vga": boot_vga, "numa_node": numa,
            "reset_method": reset, "functions": list(functions), "host_needed": host_needed,
            "host_needed_reason": reason}
def pools(p2m, p1g, nodes=()):
    out=[]
    for size,(tot,free) in ((2048,p2m),(1048576,p1g)):
        out.append(dict(size_kib=size,node=None,total=tot,free=free,reserved=0,surplus=0))
    for n,(a,b) in nodes:
        for size,(tot,free) in ((2048,a),(1048576,b)):
            out.append(dict(size_kib=size,node=n,total=tot,free=free,reserved=0,surplus=0))
    return out
def groups(devs):
    g={}
    for d in devs:
        if d["iommu_group"] is not None: g.setdefault(d["iommu_group"],[]).append(d["address"])
    return [dict(id=k,devices=sorted(v)) for k,v in sorted(g.items())]
def host(name, vendor, model, cpus, l3, nodes, mem_total, mem_avail, hp, devs, smt=True, hybrid=False,
         pdpe1gb=True, kvm=True, iommu=True, notes=()):
    h = {"cpu_vendor": vendor, "cpu_model": model, "virtualization": True, "kvm": kvm,
         "pdpe1gb": pdpe1gb, "smt": smt, "hybrid": hybrid, "cpus": cpus, "l3_groups": l3,
         "numa_nodes": nodes, "memory": {"total_kib": mem_total, "available_kib": mem_avail},
         "hugepages": hp, "iommu_enabled": iommu,
         "cmdline": {k: None for k in ["raw","intel_iommu","amd_iommu","iommu","pcie_acs_override","isolcpus","nohz_full","rcu_nocbs","hugepagesz","hugepages","default_hugepagesz","vfio_pci_ids"]},
         "pci": devs, "iommu_groups": groups(devs), "usb": [], "notes": list(notes)}
    json.dump(h, open(os.path.join(OUT, name + '.json'), 'w'), indent=2)
    open(os.path.join(OUT, name + '.json'), 'a').write('\n')

def smt_split(ncores, l3_of, node_of=lambda c: 0, pkg_of=lambda c: 0, coreid=lambda c: c):
    n=ncores; cpus=[]
    for i in range(2*n):
        c = i % n
        cpus.append(cpu(i, coreid(c), l3_of(c), node_of(c), (c, c+n), pkg=pkg_of(c)))
    return cpus
def l3list(groups_):
    return [dict(id=i, cpus=sorted(c), size_kib=s) for i,(c,s) in groups_]

amd_devs = [
  pci("0000:00:01.1","060400","Starship/Matisse GPP Bridge",28, vendor="1022", reset=None),
  pci("0000:00:03.1","060400","Starship/Matisse GPP Bridge",29, vendor="1022", reset=None),
  pci("0000:02:00.0","010601","FCH SATA Controller [AHCI mode]",14, vendor="1022",
      host_needed=True, reason="the DKVM boot stick is attached to it", driver="ahci"),
  pci("0000:04:00.0","0c0330","Matisse USB 3.0 Host Controller",15, vendor="1022", driver="xhci_hcd"),
  pci("0000:05:00.0","020000","I211 Gigabit Network Connection",15, vendor="8086", driver="igb"),
  pci("0000:0b:00.0","030000","GA102 [GeForce RTX 3080]",30, functions=["0000:0b:00.1"], is_gpu=True, driver="nouveau"),
  pci("0000:0b:00.1","040300","GA102 High Definition Audio Controller",30, functions=["0000:0b:00.0"], driver="snd_hda_intel"),
  pci("0000:0c:00.0","030000","TU106 [GeForce RTX 2070]",29, functions=["0000:0c:00.1","0000:0c:00.2","0000:0c:00.3"], is_gpu=True, boot_vga=True),
  pci("0000:0c:00.1","040300","TU106 High Definition Audio Controller",29, functions=["0000:0c:00.0","0000:0c:00.2","0000:0c:00.3"]),
  pci("0000:0c:00.2","0c0330","TU106 USB 3.1 Host Controller",29, functions=["0000:0c:00.0","0000:0c:00.1","0000:0c:00.3"]),
  pci("0000:0c:00.3","0c8000","TU106 USB Type-C UCSI Controller",29, functions=["0000:0c:00.0","0000:0c:00.1","0000:0c:00.2"]),
  pci("0000:0e:00.0","010802","SSD 970 EVO Plus",31, vendor="144d", reset=None, driver="nvme"),
]
ccd = lambda c: 0 if c < 8 else 1
host("amd-16c-2ccd","AuthenticAMD","AMD Ryzen 9 5950X 16-Core Processor",
     smt_split(16, ccd),
     l3list([(0,(list(range(0,8))+list(range(16,24)),32768)),(1,(list(range(8,16))+list(range(24,32)),32768))]),
     [dict(id=0,cpus=list(range(32)),total_kib=64*GiB,free_kib=60*GiB)],
     64*GiB, 60*GiB, pools((0,0),(0,0)), amd_devs)
host("amd-16c-x3d","AuthenticAMD","AMD Ryzen 9 7950X3D 16-Core Processor",
     smt_split(16, ccd),
     l3list([(0,(list(range(0,8))+list(range(16,24)),98304)),(1,(list(range(8,16))+list(range(24,32)),32768))]),
     [dict(id=0,cpus=list(range(32)),total_kib=64*GiB,free_kib=60*GiB)],
     64*GiB, 60*GiB, pools((0,0),(16,16)), amd_devs[:7])
# Intel hybrid: 8 P-cores with adjacent threads (0-15), 8 E-cores (16-23)
hy=[]
for p in range(8):
    for t in range(2):
        hy.append(cpu(2*p+t, 4*p, 0, 0, (2*p,2*p+1), "performance"))
for e in range(8):
    hy.append(cpu(16+e, 32+e, 0, 0, (16+e,), "efficiency"))
igpu=[pci("0000:00:02.0","030000","AlderLake-S GT1",0, vendor="8086", is_gpu=True, boot_vga=True, driver="i915"),
      pci("0000:01:00.0","030000","AD104 [GeForce RTX 4070]",12, functions=["0000:01:00.1"], is_gpu=True),
      pci("0000:01:00.1","040300","AD104 High Definition Audio Controller",12, functions=["0000:01:00.0"]),
      pci("0000:00:01.0","060400","12th Gen Core PCIe x16 Bridge",1, vendor="8086", reset=None)]
host("intel-hybrid","GenuineIntel","12th Gen Intel(R) Core(TM) i9-12900K", hy,
     l3list([(0,(list(range(24)),30720))]), [dict(id=0,cpus=list(range(24)),total_kib=32*GiB,free_kib=30*GiB)],
     32*GiB, 30*GiB, pools((0,0),(8,8)), igpu, hybrid=True)
# Intel Core Ultra 9 285K (Arrow Lake-S): 8 P-cores WITHOUT SMT and 16
# E-cores (4 clusters of 4 sharing an L2), one 36 MiB L3, one NUMA node.
# Linux numbers the P-cores first: /sys/devices/cpu_core/cpus = 0-7,
# /sys/devices/cpu_atom/cpus = 8-23 (a 265K reports 0-7 and 8-19 alike).
arl=[]
for p in range(8):
    arl.append(cpu(p, 4*p, 0, 0, (p,), "performance"))
for e in range(16):
    arl.append(cpu(8+e, 64+2*e, 0, 0, (8+e,), "efficiency"))
arl_devs=[pci("0000:00:02.0","030000","Arrow Lake-S [Intel Graphics]",0, vendor="8086", is_gpu=True, boot_vga=True, driver="xe"),
          pci("0000:01:00.0","030000","GB203 [GeForce RTX 5080]",14, functions=["0000:01:00.1"], is_gpu=True),
          pci("0000:01:00.1","040300","GB203 High Definition Audio Controller",14, functions=["0000:01:00.0"])]
host("intel-arrowlake-285k","GenuineIntel","Intel(R) Core(TM) Ultra 9 285K", arl,
     l3list([(0,(list(range(24)),36864))]), [dict(id=0,cpus=list(range(24)),total_kib=64*GiB,free_kib=60*GiB)],
     64*GiB, 60*GiB, pools((0,0),(0,0)), arl_devs, smt=False, hybrid=True)
# two sockets of 8 cores x 2 threads, 64 GiB per node, no GPU: a guest larger
# than one node (24 vCPUs) spans both and gets one guest NUMA cell per node
node2 = lambda c: 0 if c < 8 else 1
host("epyc-2node","AuthenticAMD","AMD EPYC 7252 8-Core Processor",
     smt_split(16, node2, node2, node2, lambda c: c % 8),
     l3list([(0,(list(range(0,8))+list(range(16,24)),32768)),(1,(list(range(8,16))+list(range(24,32)),32768))]),
     [dict(id=0,cpus=list(range(0,8))+list(range(16,24)),total_kib=64*GiB,free_kib=60*GiB),
      dict(id=1,cpus=list(range(8,16))+list(range(24,32)),total_kib=64*GiB,free_kib=60*GiB)],
     128*GiB, 120*GiB, pools((1024,1024),(0,0),[(0,((0,0),(0,0))),(1,((1024,1024),(0,0)))]), [])
# Intel 6 cores, no SMT, no /dev/kvm, IOMMU off
host("intel-6c-nosmt","GenuineIntel","Intel(R) Core(TM) i5-9600K CPU @ 3.70GHz",
     [cpu(i, i, 0, 0, (i,)) for i in range(6)], l3list([(0,(list(range(6)),9216))]),
     [dict(id=0,cpus=list(range(6)),total_kib=16*GiB,free_kib=14*GiB)], 16*GiB, 12*GiB,
     pools((1024,1000),(0,0)),
     [pci("0000:01:00.0","030000","GP104 [GeForce GTX 1080]",None, functions=["0000:01:00.1"], is_gpu=True),
      pci("0000:01:00.1","040300","GP104 High Definition Audio Controller",None, functions=["0000:01:00.0"])],
     smt=False, kvm=False, iommu=False)
# AMD 6 cores with adjacent sibling numbering (as some BIOSes and VMs report)
host("amd-6c-adjacent","AuthenticAMD","AMD Ryzen 5 5600X 6-Core Processor",
     [cpu(i, i//2, 0, 0, (i - i%2, i - i%2 + 1)) for i in range(12)], l3list([(0,(list(range(12)),32768))]),
     [dict(id=0,cpus=list(range(12)),total_kib=32*GiB,free_kib=30*GiB)], 32*GiB, 28*GiB,
     pools((0,0),(0,0)), [], pdpe1gb=True)
# two sockets, two NUMA nodes, one L3 each; the GPU on node 1
node = lambda c: 0 if c < 8 else 1
xdevs=[pci("0000:81:00.0","030000","GA102GL [RTX A5000]",40, functions=["0000:81:00.1"], is_gpu=True, numa=1),
       pci("0000:81:00.1","040300","GA102 High Definition Audio Controller",40, functions=["0000:81:00.0"], numa=1),
       pci("0000:03:00.0","030000","ASPEED Graphics Family",20, vendor="1a03", is_gpu=True, boot_vga=True, numa=0, host_needed=True, reason="it drives the host's console")]
host("xeon-2node","GenuineIntel","Intel(R) Xeon(R) CPU E5-2667 v4 @ 3.20GHz",
     smt_split(16, node, node, node, lambda c: c % 8),
     l3list([(0,(list(range(0,8))+list(range(16,24)),25600)),(1,(list(range(8,16))+list(range(24,32)),25600))]),
     [dict(id=0,cpus=list(range(0,8))+list(range(16,24)),total_kib=64*GiB,free_kib=40*GiB),
      dict(id=1,cpus=list(range(8,16))+list(range(24,32)),total_kib=64*GiB,free_kib=20*GiB)],
     128*GiB, 100*GiB, pools((0,0),(0,0),[(0,((0,0),(0,0))),(1,((512,512),(0,0)))]), xdevs)
# no cache information at all
host("no-l3","GenuineIntel","Virtual CPU",
     [dict(cpu(i, i%4, None, 0, (i%4, i%4+4)), l3=None) for i in range(8)], [],
     [dict(id=0,cpus=list(range(8)),total_kib=8*GiB,free_kib=7*GiB)], 8*GiB, 6*GiB,
     pools((0,0),(0,0)), [], pdpe1gb=False, notes=["cache topology: no cache/index3 in sysfs"])
# a partial report: no sibling lists, no caches, no NUMA, no hugepage pools
host("partial-report","GenuineIntel",None,
     [dict(cpu(i, None, None, None, ()), l3=None, core=None, node=None) for i in range(4)], [], [],
     4*GiB, 3*GiB, [], [], smt=False, pdpe1gb=False, kvm=False, iommu=False,
     notes=["topology: no thread_siblings_list", "memory: no hugepage pools"])
