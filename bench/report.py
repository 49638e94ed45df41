#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py RAWDIR [RAWDIR...] RESULTSDIR: data.tsv + sysinfo of one or
more VM boots -> RESULTSDIR/results.md and RESULTSDIR/*.png (gnuplot).
With several boots, data-plane rates are also given relative to the no-NAT
baseline of their own boot, and ratios across boots use those."""
import os
import re
import statistics
import subprocess
import sys

MODES = ["ksvc", "nft", "ipvs", "iptnft", "iptleg", "ipvsbare"]
# nftparts: the nftables table programmed in parts (vm-bench.sh); its control
# plane gets a row of its own, its data plane and memory are nftables'
CP_MODES = ["ksvc", "ksvcjson", "nft", "nftparts", "ipvs", "iptnft", "iptleg", "ipvsbare"]
LABEL = {"ksvc": "ksvc (ksvcctl apply; N>1000: ksvc-nl 1000/msg + ksvcctl for the target†)", "ksvc-nl": "ksvc raw netlink (ksvc-nl)",
         "ksvcjson": "ksvc from kubectl's JSON (ksvcctl apply -f ksvc.json)",
         "nft": "nftables (nft -f)",
         "nftparts": "nftables in parts (nft -f per 500 service ports; how its data plane was programmed at "
                     "10000, not how kube-proxy programs)",
         "ipvs": "IPVS (ip -batch + ipset restore + iptables-nft-restore + ipvsadm-restore)",
         "ipvsbare": "IPVS alone, no conntrack (ip -batch + ipvsadm-restore; reference)",
         "iptnft": "iptables-nft-restore", "iptleg": "iptables-legacy-restore",
         "direct": "no NAT (direct to pod)"}
SHORT = {"ksvc": "ksvc", "ksvcjson": "ksvc (JSON)", "nft": "nftables", "nftparts": "nftables in parts", "ipvs": "IPVS", "ipvsbare": "IPVS alone (no conntrack)", "iptnft": "iptables-nft",
         "iptleg": "iptables-legacy", "direct": "no NAT"}


# ksvcctl's reader alone (vm-bench.sh's ksvc_read), by its record's label
READ_LABEL = {"dryrun": "apply --dry-run=client"}

# what every absolute number is from (sysinfo "rig"; bench/uml-run says uml)
RIG, NOISE = "TCG, not hardware", "TCG noise"


def kv(s):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", s)}


def load(raw):
    recs = []
    with open(os.path.join(raw, "data.tsv")) as f:
        for line in f:
            recs.append(line.rstrip("\n").split("\t"))
    info = {}
    with open(os.path.join(raw, "sysinfo")) as f:
        for line in f:
            if ":" in line:
                k, v = line.split(":", 1)
                info[k.strip()] = v.strip()
    conf = os.path.join(raw, "..", "config.sh")
    if os.path.exists(conf):
        text = open(conf).read()
        m = re.search(r"BENCH_CMD_TIMEOUT='(\d+)'", text)
        if m:
            info["cmd_timeout"] = m.group(1)
        m = re.search(r"BENCH_KSVCCTL_MAX='(\d+)'", text)
        if m:
            info["ksvcctl_max"] = m.group(1)
    return recs, info


def stat(vals):
    vals = [v for v in (vals or []) if v is not None]
    if not vals:
        return None
    return (statistics.median(vals), min(vals), max(vals), len(vals))


def fmt(st, unit="", prec=None):
    if st is None:
        return "–"
    med, lo, hi, n = st

    def f(x):
        if prec is not None:
            return "%.*f" % (prec, x)
        if x >= 100:
            return "%.0f" % x
        if x >= 10:
            return "%.1f" % x
        return "%.2f" % x
    if n == 1:
        return "%s%s (1 run)" % (f(med), unit)
    return "%s%s [%s–%s]" % (f(med), unit, f(lo), f(hi))


def by_n_table(title, data, cp_n, rows):
    """Markdown lines: one row per (key, label) of @rows with data, one column per N."""
    out = ["| %s | " % title + " | ".join("N=%d" % n for n in cp_n) + " |",
           "|" + "---|" * (1 + len(cp_n))]
    for key, label in rows:
        if any((n, key) in data for n in cp_n):
            out.append("| %s | %s |" % (label, " | ".join(fmt(stat(data.get((n, key))))
                                                         for n in cp_n)))
    return out


def main():
    raws, res = sys.argv[1:-1], sys.argv[-1]
    recs, infos = [], []
    for b, rd in enumerate(raws):
        r_, i_ = load(rd)
        recs += [[x[0], "%d" % b] + x[1:] for x in r_]
        infos.append(i_)
    info = infos[0]
    global RIG, NOISE
    if info.get("rig") == "uml":
        RIG, NOISE = "UML on the host CPU, not hardware", "noise"
    if info.get("rig") == "qemu-icount":
        RIG, NOISE = "instruction-counted TCG: 1 ns per guest instruction, not hardware", "noise"
    # links to bench/README.md and lookup.md from RESULTSDIR (results/ or below it)
    top = os.path.relpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"),
                          os.path.abspath(res))
    readme = os.path.normpath(os.path.join(top, "..", "README.md"))
    lookup = os.path.normpath(os.path.join(top, "lookup.md"))
    kmax = info.get("ksvcctl_max", "1000")
    raw = raws[-1]
    boot_of = {}
    cp, dp, mem, tput, rawnl, skips, fails = {}, {}, {}, {}, {}, [], []
    reads = {}
    watch = {}
    direct = {}
    for r in recs:
        if r[0] in ("dp", "flow") and r[2] == "direct":
            d = kv(r[6])
            if "rate" in d:
                direct.setdefault((r[1], r[4] if r[0] == "dp" else "flow"), []).append(float(d["rate"]))
            if r[0] == "flow" and "rate" in d:
                direct.setdefault((r[1], "flowp90"), []).append(float(d.get("chunk_p90", d["rate"])))
    flow, flow_boot = {}, {}
    # N where nftables' data plane was programmed in parts, and only so
    nft_own = {(r[0], r[3]) for r in recs if r[2] == "nft"}
    nft_parts = set()
    cpfail = set()
    for r in recs:
        boot = int(r[1])
        r = [r[0]] + r[2:]
        t = r[0]
        if t in ("dp", "flow", "mem") and r[1] == "nftparts" and (t, r[2]) not in nft_own:
            r[1] = "nft"
            if t != "mem":
                nft_parts.add(int(r[2]))
        if t in ("cp", "cp1"):
            _, m, n, op, run, ms = r
            if ms == "FAIL":
                fails.append("%s N=%s %s run %s" % (m, n, op, run))
                cpfail.add((m, int(n), op))
                continue
            if t == "cp1":
                op += "@e1"
            cp.setdefault((m, int(n), op), []).append(float(ms))
        elif t == "raw":
            _, m, n, op, run, out = r
            d = kv(out)
            if "ms" in d and "error" not in d:
                rawnl.setdefault((int(n), op), []).append(float(d["ms"]))
            else:
                fails.append("ksvc-nl N=%s %s run %s: %s" % (n, op, run, out))
                rawnl.setdefault((int(n), op + "_err"), []).append(out)
        elif t == "dp":
            _, m, n, proto, run, out = r
            d = kv(out)
            if d.get("n", "0") == "0" or "rate" not in d:
                fails.append("dp %s N=%s %s run %s: %s" % (m, n, proto, run, out))
                continue
            if m == "direct":
                n = str(boot)
            base = direct.get(("%d" % boot, proto))
            d["rel"] = str(float(d["rate"]) / statistics.median(base)) if base else "nan"
            boot_of[(m, int(n), proto)] = boot
            dp.setdefault((m, int(n), proto), []).append(d)
        elif t == "flow":
            _, m, n, proto, run, out = r
            d = kv(out)
            if d.get("delivered", "0") == "0" or "rate" not in d:
                fails.append("flow %s N=%s run %s: %s" % (m, n, run, out))
                continue
            if m == "direct":
                n = str(boot)
            base = direct.get(("%d" % boot, "flow"))
            base9 = direct.get(("%d" % boot, "flowp90"))
            d["p90"] = d.get("chunk_p90", d["rate"])
            d["rel"] = str(float(d["rate"]) / statistics.median(base)) if base else "nan"
            d["relp90"] = str(float(d["p90"]) / statistics.median(base9)) if base9 else "nan"
            d["lostpct"] = str(100.0 * int(d.get("lost", "0")) / max(int(d.get("n", "1")), 1))
            flow_boot[(m, int(n))] = boot
            flow.setdefault((m, int(n)), []).append(d)
        elif t == "read":
            _, m, n, how, run, ms = r
            if ms == "FAIL":
                fails.append("ksvcctl read N=%s %s run %s" % (n, how, run))
            else:
                reads.setdefault((int(n), how), []).append(float(ms))
        elif t == "watch":
            _, m, n, what, run, ms = r
            if what == "failed":
                fails.append("ksvcctl watch N=%s: %s" % (n, ms))
            else:
                watch.setdefault((int(n), what), []).append(float(ms))
        elif t == "mem":
            _, m, n, e, m0, m1 = r
            if m1 and m0 and abs(int(m1) - int(m0)) >= 200:   # < 200 kB: the program failed
                mem[(m, int(n), int(e))] = (int(m1) - int(m0)) * 1024
        elif t == "tput":
            _, m, run, g = r
            if g != "FAIL":
                tput.setdefault(m, []).append(float(g))
        elif t == "timeout":
            cpfail.add((r[1], int(r[2]), r[3] + " timeout " + r[4]))
        elif t == "skip":
            skips.append("%s N=%s (%s)" % (r[1], r[2], r[3]))

    def cps(m, n, op):
        return stat(cp.get((m, n, op)))

    def timeout(m, n, op):
        """seconds after which mode m's op at N=n was stopped, or None"""
        t = [f.split()[-1] for (a, b, f) in cpfail if (a, b) == (m, n) and f.startswith(op + " timeout ")]
        return float(t[0]) if t else None

    def dps(m, n, proto, key):
        return stat([float(d[key]) for d in dp.get((m, n, proto), [])])

    def fls(m, n, key):
        return stat([float(d[key]) for d in flow.get((m, n), [])])

    def flow_ratio(a, b, n, key="rate"):
        """ratio of mode a's new-flow rate over mode b's at N=n (ˆ: across boots, via % of no NAT)"""
        x, y = fls(a, n, key), fls(b, n, key)
        if not (x and y):
            return None, ""
        if flow_boot.get((a, n)) != flow_boot.get((b, n)):
            x, y = fls(a, n, "rel" if key == "rate" else "relp90"), fls(b, n, "rel" if key == "rate" else "relp90")
            return x[0] / y[0], "ˆ"
        return x[0] / y[0], ""

    least = min(2, int(info.get("runs", "3")))	# a size some mode ran every run of
    cp_n = sorted({n for (m, n, op) in cp if op == "program" and len(cp[(m, n, op)]) >= least} | {1})
    dp_n = sorted({n for (m, n, p) in dp if m != "direct"})
    flow_n = sorted({n for (m, n) in flow if m != "direct"})
    # the figure section 5 and the targets use
    fkey, fname = "rate", "as measured"
    o = []
    o.append("# ksvc vs kube-proxy's iptables, nftables and IPVS modes\n")
    if info.get("rig") == "uml":
        o.append("**Every absolute number here is from User-Mode Linux on the host CPU "
                 "(`bench/uml-run`): not hardware, and not TCG.** Kernel code runs as native "
                 "instructions, but UML has one CPU, and every system call and page fault of its "
                 "processes is a round trip through ptrace on the host. Only the ratios between "
                 "columns mean something; they were measured side by side in the same boot.\n")
    elif info.get("rig") == "qemu-icount":
        idle = ("idle time is skipped (it jumps to the next timer, whatever the guest waits for)"
                if "sleep=off" in info.get("qemu_args", "") else
                "idle time (waiting for the host to answer over 9p, or on a timer) runs at the "
                "host's pace")
        o.append("**Every time here is an instruction count: a qemu TCG VM with `-icount shift=0` "
                 "(`bench/run --icount`), where the guest's clock advances 1 ns per instruction "
                 "the guest executes, and %s. Not hardware.** It is a machine "
                 "where every instruction takes the same time: no caches, no branch predictor, "
                 "one vCPU. What it gives up in realism it gains in repeatability: the host's "
                 "speed and load do not enter, so runs repeat to a fraction of a percent and a "
                 "ratio between columns is a ratio of instructions executed (client, kernel, "
                 "pods: everything on the one vCPU). Memory-bound work (a long rule walk, hash "
                 "misses) costs more on hardware than here. See [%s](%s).\n"
                 % (idle, readme, readme))
    else:
        o.append("**Every absolute number here is from a qemu TCG VM: TCG, not hardware.** "
                 "Only the ratios between columns mean something; they were measured side by side "
                 "in the same VM boot (`make bench`, see [%s](%s)).\n"
                 % (readme, readme))
    o.append("| | |\n|---|---|")
    # the machine, not the run: sysinfo's date and ksvcctl_git stay in raw/
    for k in ("kernel", "vm_cpu", "vm_ncpu", "vm_mem_kb", "qemu_args", "host_cpu", "host_ncpu",
              "host_kernel", "qemu", "iptables", "ipvsadm", "vm_run_rc"):
        if k in info:
            o.append("| %s | %s |" % (k, info[k].replace("|", "/")))
    o.append("")
    o.append("Cells: median [min–max] over the runs (" + info.get("runs", "3") + " unless marked). "
             "Services have 10 endpoints each unless marked E=1.\n")

    # --- control plane
    o.append("## 1. Control plane (ms, " + RIG + ")\n")
    o.append("Program N services × 10 endpoints from nothing; update = change one service's "
             "endpoints (one endpoint replaced) with N present, 2 per run; delete = remove all.\n")
    hdr = "| mode | " + " | ".join("program N=%d" % n for n in cp_n) + \
          " | " + " | ".join("update N=%d" % n for n in cp_n) + \
          " | " + " | ".join("delete N=%d" % n for n in cp_n) + " |"
    o.append(hdr)
    o.append("|" + "---|" * (1 + 3 * len(cp_n)))

    def cpcell(m, n, op):
        st = cps(m, n, op)
        if st:
            return fmt(st)
        if timeout(m, n, op):
            return "> %.0f (timed out)" % (timeout(m, n, op) * 1000)
        return "failed" if (m, n, op) in cpfail else "–"

    for m in CP_MODES:
        if not any(k[0] == m for k in cp) and not any(k[0] == m for k in cpfail):
            continue
        row = [cpcell(m, n, "program") for n in cp_n] + [cpcell(m, n, "update") for n in cp_n] + \
              [cpcell(m, n, "delete") for n in cp_n]
        label = LABEL[m]
        if m == "ksvc":
            label = "ksvc (ksvcctl apply; N>%s: ksvc-nl 1000/msg + ksvcctl for the target†)" % kmax
        o.append("| %s | %s |" % (label, " | ".join(row)))
    if rawnl:
        row = []
        for n in cp_n:
            a, b = stat(rawnl.get((n, "program_per0"))), stat(rawnl.get((n, "program_per1000")))
            cell = fmt(a) if a else ("fails: %s" % rawnl[(n, "program_per0_err")][0]
                                     if (n, "program_per0_err") in rawnl else "–")
            if b:
                cell += "; 1000/msg: " + fmt(b)
            row.append(cell)
        row += [fmt(stat(rawnl.get((n, "update")))) for n in cp_n]
        row += [fmt(stat(rawnl.get((n, "flush")))) + " (FLUSH)" for n in cp_n]
        o.append("| %s | %s |" % (LABEL["ksvc-nl"], " | ".join(row)))
        if any((n, "program_udp") in rawnl for n in cp_n):
            row = [fmt(stat(rawnl.get((n, "program_udp")))) for n in cp_n] + [""] * (2 * len(cp_n))
            o.append("| %s | %s |" % ("ksvc raw netlink, N × 1 UDP services (1000/msg)", " | ".join(row)))
    o.append("")
    o.append("† Above %s services (BENCH_KSVCCTL_MAX) the ksvc row programs the fillers as raw "
             "KSVC_CMD_BATCH messages of 1000 services (ksvc-nl) and the target with ksvcctl, and "
             "deletes with KSVC_CMD_FLUSH; updates are always `ksvcctl apply -f` of one "
             "Service+EndpointSlice. Up to it, the row is `ksvcctl apply -f` / `ksvcctl delete -f` "
             "of the whole file: YAML parsing included.\n" % kmax)
    if reads:
        o.append("ksvcctl's reader alone: `ksvcctl apply --dry-run=client -f` of the same N × 10 "
                 "file (read, validate, resolve; no kernel), ms:\n")
        hows = sorted({h for (_, h) in reads})
        o += by_n_table("reader", reads, cp_n, [(h, READ_LABEL.get(h, h)) for h in hows])
        o.append("")
    if watch:
        o.append("A resident `ksvcctl watch -f -` (bench/watchlat.py): the N × 10 file streamed in "
                 "as the initial list, then one service's EndpointSlice changed, written as kubectl "
                 "writes it, timed from the write to reading ksvcctl's result line (printed after "
                 "the kernel's ACK): YAML (`---` alone, then the object; taken once the input is "
                 "quiet for 2 ms) and a JSON watch event (taken at its closing brace), ms:\n")
        o += by_n_table("watch", watch, cp_n, (("sync", "initial list, N × 10"),
                                               ("yaml", "one update, YAML"),
                                               ("json", "one update, JSON event"),
                                               ("echo", "floor: the event through `cat` instead")))
        o.append("")
    # extra sizes
    extra = sorted({(m, n) for (m, n, op) in cp if op.endswith("@e1")})
    if extra:
        o.append("Services with 1 endpoint each (E=1: the memory split, and the data-plane-only "
                 "size 100000), 1 run:\n")
        o.append("| mode | N | program | update | delete |\n|---|---|---|---|---|")
        for m, n in extra:
            o.append("| %s | %d | %s | %s | %s |" % (SHORT[m], n, fmt(cps(m, n, "program@e1")),
                                                     fmt(cps(m, n, "update@e1")), fmt(cps(m, n, "delete@e1"))))
        o.append("")

    # --- data plane
    o.append("## 2. Data plane: new connections to a ClusterIP (" + RIG + ")\n")
    o.append("One client in netns `cli` → node (init netns, forwarding) → 3 pods on routed /32 veths "
             "(no bridge, so no br_netfilter). Sequential connect+request+reply+close (TCP) or "
             "fresh-socket request/reply (UDP), 1 at a time, client and servers pinned to vCPU 0; "
             "conntrack flushed before each run. Target service in the middle of KUBE-SERVICES.\n")
    if nft_parts:
        o.append("nftables at N=%s: kube-proxy's nftables table, the same rules, programmed by `nft -f` "
                 "in parts of 500 service ports (row \"nftables in parts\" in 1), because one `nft -f` "
                 "of it does not finish in time: binding each service's anonymous `numgen` vmap walks "
                 "the whole transaction (`__nft_set_trans_bind()`), quadratic in the services.\n"
                 % ", ".join(str(n) for n in sorted(nft_parts)))
    for proto in ("tcp", "udp"):
        o.append("### %s: connections/s; p50 / p99 latency (µs)\n" % proto.upper())
        o.append("| mode | " + " | ".join("N=%d" % n for n in dp_n) + " |")
        o.append("|" + "---|" * (1 + len(dp_n)))
        for b in range(len(raws)):
            d0 = dps("direct", b, proto, "rate")
            if d0:
                o.append("| %s%s | %s |" % (LABEL["direct"], " (boot %d)" % (b + 1) if len(raws) > 1 else "", " | ".join(
                    [fmt(d0, prec=0) + "; %.0f / %.0f" % (dps("direct", b, proto, "p50_us")[0],
                                                           dps("direct", b, proto, "p99_us")[0])] +
                    [""] * (len(dp_n) - 1))))
        for m in MODES:
            row = []
            for n in dp_n:
                r = dps(m, n, proto, "rate")
                if r is None:
                    row.append("–")
                    continue
                row.append(fmt(r, prec=0) + "; %.0f / %.0f; %.0f%%" % (
                    dps(m, n, proto, "p50_us")[0], dps(m, n, proto, "p99_us")[0],
                    dps(m, n, proto, "rel")[0] * 100) + (" (boot %d)" % (boot_of[(m, n, proto)] + 1) if len(raws) > 1 else ""))
            o.append("| %s | %s |" % (SHORT[m], " | ".join(row)))
        o.append("")
        o.append("ksvc's TCP/UDP rate relative to each other mode at the same N (median/median):\n")
        o.append("| vs | " + " | ".join("N=%d" % n for n in dp_n) + " |")
        o.append("|" + "---|" * (1 + len(dp_n)))
        for m in MODES[1:]:
            row = []
            for n in dp_n:
                a, b = dps("ksvc", n, proto, "rate"), dps(m, n, proto, "rate")
                if a and b and boot_of.get(("ksvc", n, proto)) != boot_of.get((m, n, proto)):
                    a, b = dps("ksvc", n, proto, "rel"), dps(m, n, proto, "rel")
                    row.append("%.2f׈" % (a[0] / b[0]))
                    continue
                row.append("%.2f×" % (a[0] / b[0]) if a and b else "–")
            o.append("| %s | %s |" % (SHORT[m], " | ".join(row)))
        o.append("")

    # --- new-flow rate
    if flow:
        hasp90 = any("chunk_p90" in d for v in flow.values() for d in v)
        o.append("## 2b. Data plane: new flows/s (UDP, one packet per flow; " + RIG + ")\n")
        o.append("`flowbench` in netns `cli` sends UDP datagrams to the target ClusterIP 10.110.0.10:80 "
                 "from one raw socket, each from a new source port (so each is a new conntrack entry "
                 "and takes the node's NAT lookup), 32 per sendmmsg(), at most 512 in flight; counted "
                 "where the node hands them to the pods' veths (tx_packets of vpod1-3), so the figure "
                 "is new flows that got through NAT to a pod per second, not a send rate. tc drops them "
                 "at the pods' ingress (no socket, no reply). Over veth the whole path runs in the "
                 "sender's softirq, so the rate is 1 / (per-flow cost of client stack + node conntrack "
                 "+ NAT lookup + forwarding + the pod's ingress). Cells: flows/s, median [min–max] of "
                 "the runs; % of the no-NAT baseline (no conntrack either: no rules are loaded then); "
                 "lost datagrams, if any.\n")
        if hasp90:
            o.append("**p90**: each run's rate is also taken over consecutive stretches of 1000 flows; "
                     "p90 is the 90th percentile of a run's stretch rates, median over the runs: the "
                     "run's fast end, which the host taking the vCPU away (TCG on a shared host: other "
                     "VMs, builds; it moved whole runs by 2× in trial runs) disturbs least. It is not "
                     "a cleaner measure of the kernel, only a less disturbed one.\n")

        def table(key, relkey):
            o.append("| mode | " + " | ".join("N=%d" % n for n in flow_n) + " |")
            o.append("|" + "---|" * (1 + len(flow_n)))
            for b in range(len(raws)):
                d0 = fls("direct", b, key)
                if d0:
                    o.append("| %s%s | %s |" % (LABEL["direct"], " (boot %d)" % (b + 1) if len(raws) > 1 else "",
                                                " | ".join([fmt(d0, prec=0)] + [""] * (len(flow_n) - 1))))
            for m in MODES:
                row = []
                for n in flow_n:
                    r = fls(m, n, key)
                    if r is None:
                        row.append("–")
                        continue
                    lost = fls(m, n, "lostpct")
                    row.append(fmt(r, prec=0) + "; %.0f%%" % (fls(m, n, relkey)[0] * 100) +
                               ("; lost %.1f%%" % lost[2] if key == "rate" and lost and lost[2] >= 0.05 else "") +
                               (" (boot %d)" % (flow_boot[(m, n)] + 1) if len(raws) > 1 else ""))
                o.append("| %s | %s |" % (SHORT[m], " | ".join(row)))
            o.append("")
        o.append("As measured:\n")
        table("rate", "rel")
        if hasp90:
            o.append("p90 (fast end of each run, median over the runs):\n")
            table("p90", "relp90")
        o.append("ksvc's new-flow rate relative to each other mode at the same N (median/median%s):\n"
                 % ("; p90 in parentheses" if hasp90 else ""))
        o.append("| vs | " + " | ".join("N=%d" % n for n in flow_n) + " |")
        o.append("|" + "---|" * (1 + len(flow_n)))
        for m in MODES[1:]:
            row = []
            for n in flow_n:
                q, mark = flow_ratio("ksvc", m, n)
                qn, markn = flow_ratio("ksvc", m, n, "p90")
                row.append(("%.2f×%s" % (q, mark) + (" (%.2f×%s)" % (qn, markn) if hasp90 else "")) if q else "–")
            o.append("| %s | %s |" % (SHORT[m], " | ".join(row)))
        o.append("")
        o.append("Each mode's new-flow rate at N relative to its own at N=1 (median/median%s; "
                 "ksvc's at 100000 is the \"within 10%%\" target):\n" % ("; p90 in parentheses" if hasp90 else ""))
        o.append("| mode | " + " | ".join("N=%d" % n for n in flow_n) + " |")
        o.append("|" + "---|" * (1 + len(flow_n)))
        for m in MODES:
            a, an = fls(m, 1, "rate"), fls(m, 1, "p90")
            if not a:
                continue
            row = []
            for n in flow_n:
                b, bn = fls(m, n, "rate"), fls(m, n, "p90")
                row.append(("%+.1f%%" % ((b[0] / a[0] - 1) * 100) +
                            (" (%+.1f%%)" % ((bn[0] / an[0] - 1) * 100) if hasp90 else "")) if b else "–")
            o.append("| %s | %s |" % (SHORT[m], " | ".join(row)))
        o.append("")

    # --- established
    o.append("## 3. Established flows: iperf3 TCP through one service (Gbit/s, " + RIG + ")\n")
    o.append("| path | Gbit/s |\n|---|---|")
    for m, l in (("direct", "no NAT (pod IP)"), ("iptnft", "iptables-nft DNAT rule"),
                 ("ksvc", "ksvc, packet_stats=1 (default)"), ("ksvc_nostats", "ksvc, packet_stats=0")):
        o.append("| %s | %s |" % (l, fmt(stat(tput.get(m)))))
    o.append("")

    # --- memory
    o.append("## 4. Kernel memory (Slab + Percpu + VmallocUsed deltas)\n")
    o.append("Δ of /proc/meminfo Slab+Percpu+VmallocUsed around programming 10000 services × 10 "
             "endpoints and × 1 endpoint (caches dropped, 2 s for RCU). per backend = "
             "(Δ10 − Δ1) / 90000; per service = Δ1/10000 − per backend. One measurement each: "
             "noise is some 100 kB, i.e. ~10 B/service.\n")
    o.append("| mode | Δ 10000×10 | Δ 10000×1 | per backend | per service |\n|---|---|---|---|---|")
    memres = {}
    for m in MODES:
        a, b = mem.get((m, 10000, 10)), mem.get((m, 10000, 1))
        if a is None and b is None:
            continue
        pb = ps = None
        if a is not None and b is not None:
            pb = (a - b) / 90000
            ps = b / 10000 - pb
            memres[m] = (pb, ps)
        o.append("| %s | %s | %s | %s | %s |" % (
            SHORT[m], "%.1f MB" % (a / 1e6) if a is not None else "–",
            "%.1f MB" % (b / 1e6) if b is not None else "–",
            "%.0f B" % pb if pb is not None else "–", "%.0f B" % ps if ps is not None else "–"))
    o.append("")
    if any(r[0] == "mem" and r[2] == "nftparts" for r in recs):
        o.append("nftables' memory was measured with its table programmed in parts (as for its data "
                 "plane at 10000): the same rules.\n")

    # --- lookup cost from outside
    o.append("## 5. Lookup cost, from outside\n")
    o.append("Inside the kernel, ksvc's lookup and backend choice alone are timed by the KUnit "
             "suite ksvc_bench on UML, natively on the host CPU: [lookup.md](" + lookup + ") "
             "(bench/lookup.sh). From outside, the per-connection cost is compared "
             "across N: Δ mean TCP latency between N=1 and the largest N, per service present "
             "(" + RIG + "; noise of the means is tens of µs).\n")
    o.append("| mode | mean µs N=1 | mean µs at largest N | Δ µs | ns per service present |\n|---|---|---|---|---|")
    for m in MODES:
        ns = [n for n in dp_n if dps(m, n, "tcp", "mean_us")]
        if len(ns) < 2:
            continue
        a, b = dps(m, ns[0], "tcp", "mean_us")[0], dps(m, ns[-1], "tcp", "mean_us")[0]
        o.append("| %s | %.0f | %.0f (N=%d) | %+.0f | %.2f |" % (SHORT[m], a, b, ns[-1], b - a,
                                                                 (b - a) * 1000 / (ns[-1] - ns[0])))
    o.append("")
    if flow:
        o.append("From the new-flow rate (2b, %s): per-flow time = 1/rate; its growth from N=1 to the "
                 "largest N, per service present. This isolates the per-new-flow work (no "
                 "handshake, no process wakeup per flow), so it is the closer estimate of the "
                 "lookup's cost; iptables walks about N/2 KUBE-SERVICES rules before the target.\n" % fname)
        o.append("| mode | µs/flow N=1 | µs/flow at largest N | Δ µs | ns per service present |\n|---|---|---|---|---|")
        for m in MODES:
            ns = [n for n in flow_n if fls(m, n, fkey)]
            if len(ns) < 2 or ns[0] != 1:
                continue
            a, b = 1e6 / fls(m, ns[0], fkey)[0], 1e6 / fls(m, ns[-1], fkey)[0]
            o.append("| %s | %.1f | %.1f (N=%d) | %+.1f | %.2f |" % (SHORT[m], a, b, ns[-1], b - a,
                                                                   (b - a) * 1000 / (ns[-1] - ns[0])))
        o.append("")

    # --- targets
    o.append("## Targets\n")
    o.append("| target | result | met? |\n|---|---|---|")

    def rate(m, n, p="tcp"):
        s = dps(m, n, p, "rate")
        return s[0] if s else None
    big = max([n for n in dp_n if rate("ksvc", n)] or [0])
    r1, rb = rate("ksvc", 1), rate("ksvc", big)
    if r1 and rb:
        parts, ok, noisy = [], True, False
        for p in ("tcp", "udp"):
            a, b = dps("ksvc", 1, p, "rate"), dps("ksvc", big, p, "rate")
            if not (a and b):
                continue
            parts.append("%s %.0f vs %.0f conn/s (%+.1f%%; ranges %s and %s)" % (
                p.upper(), b[0], a[0], (b[0] / a[0] - 1) * 100, "%.0f–%.0f" % b[1:3], "%.0f–%.0f" % a[1:3]))
            if b[0] < 0.9 * a[0]:
                ok = False
                noisy = noisy or b[2] >= a[1]   # the ranges overlap
        verdict = "met" if ok else ("not shown: medians differ by more than 10%, but the run ranges overlap (" + NOISE + ")"
                                    if noisy else "not met")
        o.append("| new-connection cost at %d services within 10%% of 1 service | %s | %s |" % (
            big, "; ".join(parts), verdict + (" (100000 not reached)" if big < 100000 else "")))
    for n, fac, what in ((1, 1, "≥ iptables at 1 service"), (10000, 5, "≥ 5× iptables at 10000")):
        k, i = rate("ksvc", n), rate("iptnft", n)
        il = rate("iptleg", n)
        if k and i:
            o.append("| %s | ksvc %.0f, iptables-nft %.0f (%.2f×), iptables-legacy %s conn/s | %s |" % (
                what, k, i, k / i, "%.0f (%.2f×)" % (il, k / il) if il else "–",
                "met" if k >= fac * i else "not met"))
    worst = []
    for m in ("nft", "ipvs"):
        for n in dp_n:
            for p in ("tcp", "udp"):
                k, x = rate("ksvc", n, p), rate(m, n, p)
                if k and x:
                    worst.append((k / x, m, n, p))
    if worst:
        w = min(worst)
        o.append("| ≥ nftables and IPVS at every N | lowest ksvc/other ratio %.2f× (%s, N=%d, %s); %d of %d cells ≥ 1 | %s |" % (
            w[0], SHORT[w[1]], w[2], w[3].upper(), sum(1 for x in worst if x[0] >= 1), len(worst),
            "met" if w[0] >= 1 else "not met (within noise?)" if w[0] >= 0.95 else "not met"))
    if flow:
        big = max([n for n in flow_n if fls("ksvc", n, fkey)] or [0])
        a, b = fls("ksvc", 1, fkey), fls("ksvc", big, fkey)
        if a and b and big > 1:
            q = b[0] / a[0]
            noisy = q < 0.9 and b[2] >= a[1]   # the run ranges overlap
            o.append("| new-flow rate (2b, %s) at %d services within 10%% of 1 service | %.0f vs %.0f flows/s "
                     "(%+.1f%%; ranges %.0f–%.0f and %.0f–%.0f) | %s |" % (
                         fname, big, b[0], a[0], (q - 1) * 100, b[1], b[2], a[1], a[2],
                         ("met" if q >= 0.9 else "not shown: ranges overlap (" + NOISE + ")" if noisy else "not met") +
                         (" (100000 not reached)" if big < 100000 else "")))
        for n, fac, what in ((1, 1, "new-flow rate (2b, %s) ≥ iptables at 1 service" % fname),
                             (10000, 5, "new-flow rate (2b, %s) ≥ 5× iptables at 10000" % fname)):
            k = fls("ksvc", n, fkey)
            parts, ok = [], bool(k)
            for m in ("iptnft", "iptleg"):
                q, mark = flow_ratio("ksvc", m, n, fkey)
                q9, _ = flow_ratio("ksvc", m, n, "p90")
                if q:
                    parts.append("%s %.0f (ksvc %.2f×%s; p90 %.2f×)" % (SHORT[m], fls(m, n, fkey)[0], q, mark, q9))
                    ok = ok and q >= fac
            if k and parts:
                o.append("| %s | ksvc %.0f flows/s; %s | %s |" % (what, k[0], ", ".join(parts),
                                                                  "met" if ok else "not met"))
        worst = []
        for m in ("nft", "ipvs"):
            for n in flow_n:
                q, _ = flow_ratio("ksvc", m, n, fkey)
                if q:
                    worst.append((q, m, n))
        if worst:
            w = min(worst)
            w9 = min((flow_ratio("ksvc", m, n, "p90")[0], m, n) for _, m, n in worst)
            o.append("| new-flow rate (2b, %s) ≥ nftables and IPVS at every N | lowest ksvc/other ratio %.2f× (%s, N=%d); "
                     "%d of %d cells ≥ 1; p90: lowest %.2f× (%s, N=%d) | %s |" % (fname,
                         w[0], SHORT[w[1]], w[2], sum(1 for x in worst if x[0] >= 1), len(worst),
                         w9[0], SHORT[w9[1]], w9[2],
                         "met" if w[0] >= 1 else "not met (within noise?)" if w[0] >= 0.95 else "not met"))
    k = cps("ksvc", 10000, "program")
    if k:
        parts, met, unmet, none = [], [], [], []
        for m, fac in (("iptnft", 50), ("iptleg", 50), ("nft", 1), ("ipvs", 1)):
            x = cps(m, 10000, "program")
            if x:
                parts.append("%s %.0f ms (%.1f×)" % (SHORT[m], x[0], x[0] / k[0]))
                (met if x[0] >= fac * k[0] else unmet).append(SHORT[m])
            elif timeout(m, 10000, "program"):
                tmo = timeout(m, 10000, "program")
                parts.append("%s did not finish in %.0f s (> %.0f×)" % (SHORT[m], tmo, tmo * 1000 / k[0]))
                (met if tmo * 1000 >= fac * k[0] else none).append(SHORT[m])
            else:
                none.append(SHORT[m])
        verdict = "; ".join(t for t in ("met against " + ", ".join(met) if met else "",
                                         "not met against " + ", ".join(unmet) if unmet else "",
                                         "no result for " + ", ".join(none) if none else "") if t)
        verdict = verdict.replace("iptables-nft", "iptables-nft (Debian 12's iptables-restore)", 1)
        kraw = stat(rawnl.get((10000, "program_per0")))
        if kraw:
            kern = ["%s %.0f×" % (SHORT[m], cps(m, 10000, "program")[0] / kraw[0])
                    for m in ("iptnft", "iptleg", "nft", "ipvs") if cps(m, 10000, "program")]
            parts.append("kernel alone (ksvc-nl, one message) %.0f ms: %s" % (kraw[0], ", ".join(kern)))
        o.append("| programming 10000×10 ≥ 50× faster than iptables-restore, faster than nft -f and ipvsadm-restore | ksvc %.0f ms; %s | %s |" % (
            k[0], "; ".join(parts) or "–", verdict))
    u = cps("ksvc", 10000, "update")
    ur = stat(rawnl.get((10000, "update")))
    wy, wj = stat(watch.get((10000, "yaml"))), stat(watch.get((10000, "json")))
    if u:
        wtxt = "; resident `ksvcctl watch`: YAML %s ms, JSON event %s ms" % (
            fmt(wy), fmt(wj)) if wy or wj else ""
        best = min(x[0] for x in (wy, wj) if x) if wy or wj else None
        if best is not None and best < 5:
            verdict = "met with `ksvcctl watch` (%s)" % ", ".join(
                f for f, x in (("YAML", wy), ("JSON", wj)) if x and x[0] < 5)
        else:
            verdict = "met for the kernel part only" if ur and ur[0] < 5 else "not met"
        o.append("| one-service update with 10000 present < 5 ms | ksvcctl apply %.1f ms (process start + YAML + netlink)%s%s | %s |" % (
            u[0], "; kernel round trip (ksvc-nl BACKENDS_SET) %.2f ms" % ur[0] if ur else "",
            wtxt, verdict))
    if "ksvc" in memres:
        pb, ps = memres["ksvc"]
        o.append("| ≤ 256 B per backend, ≤ 512 B per service port | %.0f B per backend, %.0f B per service (1 port) | %s |" % (
            pb, ps, "met" if pb <= 256 and ps <= 512 else "not met"))
    o.append("")
    if skips or fails:
        o.append("## Not measured / failed\n")
        for s in skips:
            o.append("- skipped: %s" % s)
        for f in fails:
            o.append("- failed: %s" % f)
        o.append("")
    o.append("## Plots\n")
    o.append("![program](program.png) ![update](update.png)\n")
    o.append("![tcp](dp_tcp.png) ![udp](dp_udp.png)%s\n" % (" ![flows](dp_flow.png)" if flow else ""))
    path = os.path.join(res, "results.md")
    with open(path + ".new", "w") as f:
        f.write("\n".join(o).rstrip("\n") + "\n")
    os.replace(path + ".new", path)

    # --- plots
    dd = os.path.join(raw, "plot")
    os.makedirs(dd, exist_ok=True)
    series = []
    for m in MODES:
        with open(os.path.join(dd, "cp_%s.dat" % m), "w") as f:
            for n in cp_n:
                for op in ("program", "update"):
                    pass
                p, u = cps(m, n, "program"), cps(m, n, "update")
                f.write("%d %s %s %s %s %s %s\n" % (
                    max(n, 1), *(["%g" % x for x in p[:3]] if p else ["?"] * 3),
                    *(["%g" % x for x in u[:3]] if u else ["?"] * 3)))
        for proto in ("tcp", "udp"):
            with open(os.path.join(dd, "dp_%s_%s.dat" % (m, proto)), "w") as f:
                for n in dp_n:
                    r = dps(m, n, proto, "rate")
                    if r:
                        f.write("%d %g %g %g\n" % (n, r[0], r[1], r[2]))
        with open(os.path.join(dd, "dp_%s_flow.dat" % m), "w") as f:
            for n in flow_n:
                r = fls(m, n, "rate")
                if r:
                    f.write("%d %g %g %g\n" % (n, r[0], r[1], r[2]))
    gp = []
    gp.append('set terminal pngcairo size 760,480 noenhanced' if has_cairo() else 'set terminal png size 760,480')
    gp.append('set logscale x; set grid; set key top left; set datafile missing "?"')
    gp.append('set output "%s/program.png"' % res)
    gp.append('set title "Program N services x 10 endpoints (' + RIG + ')"')
    gp.append('set xlabel "services"; set ylabel "ms (median, min-max)"; set logscale y')
    gp.append("plot " + ", ".join('"%s/cp_%s.dat" u 1:2:3:4 w yerrorlines t "%s"' % (dd, m, SHORT[m]) for m in MODES))
    gp.append('set output "%s/update.png"' % res)
    gp.append('set title "Change one service\'s endpoints with N present (' + RIG + ')"')
    gp.append("plot " + ", ".join('"%s/cp_%s.dat" u 1:5:6:7 w yerrorlines t "%s"' % (dd, m, SHORT[m]) for m in MODES))
    gp.append("unset logscale y; set yrange [0:*]; set key bottom left")
    for proto in ("tcp", "udp"):
        gp.append('set output "%s/dp_%s.png"' % (res, proto))
        gp.append('set title "New %s connections/s to a ClusterIP vs services present (%s)"' % (proto.upper(), RIG))
        gp.append('set ylabel "connections/s (median, min-max)"')
        gp.append("plot " + ", ".join('"%s/dp_%s_%s.dat" u 1:2:3:4 w yerrorlines t "%s"' % (dd, m, proto, SHORT[m]) for m in MODES))
    if flow:
        gp.append('set output "%s/dp_flow.png"' % res)
        gp.append('set title "New UDP flows/s (one packet per flow) to a ClusterIP vs services present (' + RIG + ')"')
        gp.append('set ylabel "new flows/s delivered to pods (median, min-max)"')
        gp.append("plot " + ", ".join('"%s/dp_%s_flow.dat" u 1:2:3:4 w yerrorlines t "%s"' % (dd, m, SHORT[m]) for m in MODES))
    with open(os.path.join(dd, "plots.gp"), "w") as f:
        f.write("\n".join(gp) + "\n")
    subprocess.run(["gnuplot", os.path.join(dd, "plots.gp")], check=False)


def has_cairo():
    try:
        out = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
        return "pngcairo" in out.stdout + out.stderr
    except OSError:
        return False


if __name__ == "__main__":
    main()
