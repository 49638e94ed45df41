#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate the same N services x E endpoints in the four shapes a node can
be programmed with: kube-proxy iptables (iptables-restore), kube-proxy
nftables (nft -f), kube-proxy IPVS (ip -batch + ipvsadm-restore) and ksvc
(Kubernetes YAML for ksvcctl apply).

  gen.py OUTDIR N E [--target]

Service i (0 <= i < N) is default/svc-<i>, ClusterIP 10.96.0.0 + 1 + i
(i < 1M fits 10.96.0.0/12), port 80/TCP -> 8080; its endpoints are
10.128.0.0 + i*E + j (addresses that route nowhere: only the target
service carries traffic).

With --target, service number N//2 (the middle of KUBE-SERVICES: the
average position for iptables' linear walk) is replaced by the data-plane
target "target": ClusterIP 10.110.0.10, ports 80/TCP and 80/UDP -> 8080 on
the three pods 10.244.0.11-13.

Files written to OUTDIR:
  ipt.restore        full nat table, as kube-proxy's full sync writes it
  ipt-upd-{a,b}.restore  --noflush partial sync: KUBE-SERVICES (always
                     rewritten by kube-proxy) + the changed service's chains
  ipt-del.restore    nat table with only the base chains (deletes all)
  nft.nft            table ip kube-proxy (kube-proxy nftables mode shape)
  nft-upd-{a,b}.nft  one transaction changing one service's endpoints
  nft-parts/*.nft    nft.nft's table in parts of 500 service ports, one
                     transaction each (in name order; the first adds the table)
  ipvs.ipbatch       `ip -batch`: kube-ipvs0 dummy + one /32 per VIP
  ipvs.restore       ipvsadm-restore input
  ipvs-upd-{a,b}.restore
  ipvs.ipset, ipvs-upd-{a,b}.ipset, ipvs-ipt.restore
                     kube-proxy IPVS mode's ipsets and nat-table rules
  ksvc.yaml          N Services + N EndpointSlices
  ksvc.json          the same as kubectl get -o json prints them (a List)
  ksvc-upd-{a,b}.yaml  the changed service + its EndpointSlice only
  ksvc-upd-{a,b}.json  the same, as a List
The "update" changes service number UPD = N//3 (or 0): version a replaces
its first endpoint by a new address, version b puts it back.
"""
import hashlib
import json
import ipaddress
import os
import sys

VIP0 = int(ipaddress.IPv4Address("10.96.0.1"))
EP0 = int(ipaddress.IPv4Address("10.128.0.0"))
NEW0 = int(ipaddress.IPv4Address("10.160.0.0"))
TARGET_VIP = "10.110.0.10"
PODS = ["10.244.0.11", "10.244.0.12", "10.244.0.13"]
POD_CIDR = "10.244.0.0/16"


def ip(n):
    return str(ipaddress.IPv4Address(n))


def h(s):
    """kube-proxy's chain-name hash: base32(sha256)[:16]."""
    import base64
    return base64.b32encode(hashlib.sha256(s.encode()).digest()).decode()[:16]


class Svc:
    def __init__(self, i, n, e, target):
        self.i = i
        if target:
            self.name = "target"
            self.vip = TARGET_VIP
            self.ports = [("tcp", 80), ("udp", 80)]
            self.eps = [(p, 8080) for p in PODS]
        else:
            self.name = "svc-%d" % i
            self.vip = ip(VIP0 + i)
            self.ports = [("tcp", 80)]
            self.eps = [(ip(EP0 + i * e + j), 8080) for j in range(e)]

    def eps_variant(self, v):
        if v == "a" and self.eps:
            return [(ip(NEW0 + self.i), 8080)] + self.eps[1:]
        return list(self.eps)


# --- iptables (kube-proxy iptables mode) ---------------------------------
def ipt_base(out):
    out.append("*nat")
    for c in ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"):
        out.append(":%s ACCEPT [0:0]" % c)


def ipt_svc_chains(s, proto, port, eps, out_decl, out_rules):
    key = "default/%s:%s/%d" % (s.name, proto, port)
    svc = "KUBE-SVC-" + h(key)
    out_decl.append(":%s - [0:0]" % svc)
    k = len(eps)
    for j, (eip, eport) in enumerate(eps):
        sep = "KUBE-SEP-" + h(key + "@%s:%d" % (eip, eport))
        out_decl.append(":%s - [0:0]" % sep)
        cmt = '-m comment --comment "%s -> %s:%d"' % (key, eip, eport)
        if j < k - 1:
            out_rules.append("-A %s %s -m statistic --mode random --probability %.10f -j %s"
                             % (svc, cmt, 1.0 / (k - j), sep))
        else:
            out_rules.append("-A %s %s -j %s" % (svc, cmt, sep))
        out_rules.append('-A %s -m comment --comment "%s" -s %s/32 -j KUBE-MARK-MASQ'
                         % (sep, key, eip))
        out_rules.append('-A %s -m comment --comment "%s" -m %s -p %s -j DNAT --to-destination %s:%d'
                         % (sep, key, proto, proto, eip, eport))
    return svc


def ipt_services_rules(svcs, svcchain):
    r = []
    for s in svcs:
        for proto, port in s.ports:
            r.append('-A KUBE-SERVICES -m comment --comment "default/%s:%s/%d cluster IP" '
                     '-d %s/32 -p %s -m %s --dport %d -j %s'
                     % (s.name, proto, port, s.vip, proto, proto, port, svcchain[(s.i, proto)]))
    return r


def ipt_common_decl():
    return [":KUBE-SERVICES - [0:0]", ":KUBE-MARK-MASQ - [0:0]", ":KUBE-POSTROUTING - [0:0]"]


def ipt_common_rules():
    return [
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
        "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ]


def gen_ipt(d, svcs, upd):
    out, decl, rules, svcchain = [], ipt_common_decl(), [], {}
    ipt_base(out)
    for s in svcs:
        for proto, port in s.ports:
            svcchain[(s.i, proto)] = ipt_svc_chains(s, proto, port, s.eps, decl, rules)
    out += decl + ipt_common_rules() + ipt_services_rules(svcs, svcchain) + rules + ["COMMIT", ""]
    write(d, "ipt.restore", out)
    # partial sync (MinimizeIPTablesRestore): KUBE-SERVICES is always
    # rewritten; only the changed service's chains besides; stale SEP
    # chains are deleted (-X) after being flushed (declared).
    s = svcs[upd]
    for v, prev in (("a", "b"), ("b", "a")):
        out, decl, rules = [], [":KUBE-SERVICES - [0:0]"], []
        out.append("*nat")
        proto, port = s.ports[0]
        ipt_svc_chains(s, proto, port, s.eps_variant(v), decl, rules)
        key = "default/%s:%s/%d" % (s.name, proto, port)
        stale = set(s.eps_variant(prev)) - set(s.eps_variant(v))
        for eip, eport in sorted(stale):
            decl.append(":KUBE-SEP-%s - [0:0]" % h(key + "@%s:%d" % (eip, eport)))
        out += decl + ipt_services_rules(svcs, svcchain) + rules
        for eip, eport in sorted(stale):
            out.append("-X KUBE-SEP-%s" % h(key + "@%s:%d" % (eip, eport)))
        out += ["COMMIT", ""]
        write(d, "ipt-upd-%s.restore" % v, out)
    out = []
    ipt_base(out)
    write(d, "ipt-del.restore", out + ["COMMIT", ""])


# --- nftables (kube-proxy nftables mode) ----------------------------------
def nft_svc(s, proto, port, eps):
    key = "%s-default/%s/%s/p%d" % (h("default/%s/%s/p%d" % (s.name, proto, port))[:8], s.name, proto, port)
    chain = "service-" + key
    lines, epchains = [], []
    for eip, eport in eps:
        ec = "endpoint-%s-default/%s/%s/p%d__%s/%d" % (
            h("%s/%s:%d" % (key, eip, eport))[:8], s.name, proto, port, eip, eport)
        epchains.append(ec)
        lines.append("add chain ip kube-proxy %s" % ec)
        lines.append("add rule ip kube-proxy %s ip saddr %s jump mark-for-masquerade" % (ec, eip))
        lines.append("add rule ip kube-proxy %s meta l4proto %s dnat to %s:%d" % (ec, proto, eip, eport))
    lines.append("add chain ip kube-proxy %s" % chain)
    lines.append("add rule ip kube-proxy %s ip daddr %s %s dport %d ip saddr != %s jump mark-for-masquerade"
                 % (chain, s.vip, proto, port, POD_CIDR))
    vm = ", ".join("%d : goto %s" % (j, c) for j, c in enumerate(epchains))
    lines.append("add rule ip kube-proxy %s numgen random mod %d vmap { %s }" % (chain, len(eps), vm))
    return chain, epchains, lines


NFT_PART = 500


def nft_elements(elems):
    return ["add element ip kube-proxy service-ips { %s }" % ", ".join(elems[k:k + 1000])
            for k in range(0, len(elems), 1000)]


def gen_nft(d, svcs, upd):
    out = [
        "add table ip kube-proxy { comment \"rules for kube-proxy\" ; }",
        "add chain ip kube-proxy mark-for-masquerade",
        "add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000",
        "add chain ip kube-proxy masquerading",
        "add rule ip kube-proxy masquerading mark and 0x4000 == 0 return",
        "add rule ip kube-proxy masquerading mark set mark xor 0x4000",
        "add rule ip kube-proxy masquerading masquerade fully-random",
        "add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }",
        "add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }",
        "add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }",
        "add rule ip kube-proxy nat-postrouting jump masquerading",
        "add chain ip kube-proxy services",
        "add rule ip kube-proxy nat-prerouting jump services",
        "add rule ip kube-proxy nat-output jump services",
        "add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }",
        "add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips",
    ]
    head, blocks, elems = list(out), [], []
    for s in svcs:
        for proto, port in s.ports:
            chain, _, lines = nft_svc(s, proto, port, s.eps)
            out += lines
            blocks.append(lines)
            elems.append("%s . %s . %d : goto %s" % (s.vip, proto, port, chain))
    # elements in slices of 1000, as kube-proxy does not exceed line sizes
    out += nft_elements(elems)
    write(d, "nft.nft", out + [""])
    # The same table in parts of NFT_PART service ports, one `nft -f` (one
    # transaction) each, so that the data plane can be measured where the
    # single transaction does not finish in time (10000 x 10 under TCG).
    os.makedirs(os.path.join(d, "nft-parts"), exist_ok=True)
    for k in range(0, max(len(blocks), 1), NFT_PART):
        part = head if k == 0 else []
        for lines in blocks[k:k + NFT_PART]:
            part = part + lines
        part += nft_elements(elems[k:k + NFT_PART])
        write(d, "nft-parts/%06d.nft" % k, part + [""])
    s = svcs[upd]
    proto, port = s.ports[0]
    for v, prev in (("a", "b"), ("b", "a")):
        chain, epc, lines = nft_svc(s, proto, port, s.eps_variant(v))
        _, oldc, _ = nft_svc(s, proto, port, s.eps_variant(prev))
        # as kube-proxy's nftables mode: create the new endpoint chains,
        # rewrite the service chain, delete the stale endpoint chains; the
        # unchanged endpoint chains are left alone
        out = []
        fresh = set(epc) - set(oldc)
        for l in lines:
            w = l.split()
            if w[4] in fresh:
                out.append(l)
        out.append("flush chain ip kube-proxy %s" % chain)
        out += [l for l in lines if l.split()[4] == chain and l.split()[1] == "rule"]
        for c in sorted(set(oldc) - set(epc)):
            out.append("flush chain ip kube-proxy %s" % c)
            out.append("delete chain ip kube-proxy %s" % c)
        # reorder: the service chain's rules reference new chains, which
        # "add chain" lines before it create; stale chains are deleted after
        write(d, "nft-upd-%s.nft" % v, out + [""])
    write(d, "nft-del.nft", ["delete table ip kube-proxy", ""])


# --- IPVS (kube-proxy ipvs mode) ------------------------------------------
# kube-proxy's IPVS mode is IPVS plus a few iptables rules and ipsets: the
# nat table (so conntrack and nf_nat run on every new connection, as on any
# node kube-proxy runs on) masquerades off-cluster clients and hairpin
# connections.  The "ipvsbare" mode of vm-bench.sh runs IPVS alone, without
# them, for reference: no conntrack at all.
IPSET_MAX = 1 << 20     # kube-proxy's default maxelem (65536) is too small at N=100000


def ipvs_loopback(s, proto, eps):
    return ["add KUBE-LOOP-BACK %s,%s:%d,%s" % (eip, proto, eport, eip) for eip, eport in eps]


def gen_ipvs_companion(d, svcs, upd):
    out = ["create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem %d" % IPSET_MAX,
           "create KUBE-LOOP-BACK hash:ip,port,ip family inet hashsize 1024 maxelem %d" % IPSET_MAX]
    for s in svcs:
        for proto, port in s.ports:
            out.append("add KUBE-CLUSTER-IP %s,%s:%d" % (s.vip, proto, port))
            out += ipvs_loopback(s, proto, s.eps)
    write(d, "ipvs.ipset", out + [""])
    s = svcs[upd]
    for v, prev in (("a", "b"), ("b", "a")):
        new, old = s.eps_variant(v), s.eps_variant(prev)
        out = ipvs_loopback(s, "tcp", sorted(set(new) - set(old)))
        out += ["del" + x[3:] for x in ipvs_loopback(s, "tcp", sorted(set(old) - set(new)))]
        write(d, "ipvs-upd-%s.ipset" % v, out + [""])
    ipt = ["*nat"] + ipt_common_decl() + [":KUBE-NODE-PORT - [0:0]"] + ipt_common_rules()
    # the hairpin rule goes first in KUBE-POSTROUTING
    k = ipt.index("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN")
    ipt.insert(k, '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, '
               'source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src '
               '-j MASQUERADE')
    ipt += ['-A KUBE-SERVICES ! -s %s -m comment --comment "Kubernetes service cluster ip + port '
            'for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ' % POD_CIDR,
            "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT",
            "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
            "COMMIT", ""]
    write(d, "ipvs-ipt.restore", ipt)


def gen_ipvs(d, svcs, upd):
    gen_ipvs_companion(d, svcs, upd)
    out = ["link add kube-ipvs0 type dummy"]
    for s in svcs:
        out.append("address add %s/32 dev kube-ipvs0" % s.vip)
    write(d, "ipvs.ipbatch", out + [""])
    out = []
    for s in svcs:
        for proto, port in s.ports:
            f = "-t" if proto == "tcp" else "-u"
            out.append("-A %s %s:%d -s rr" % (f, s.vip, port))
            for eip, eport in s.eps:
                out.append("-a %s %s:%d -r %s:%d -m -w 1" % (f, s.vip, port, eip, eport))
    write(d, "ipvs.restore", out + [""])
    s = svcs[upd]
    for v, prev in (("a", "b"), ("b", "a")):
        out = []
        new, old = s.eps_variant(v), s.eps_variant(prev)
        for eip, eport in sorted(set(new) - set(old)):
            out.append("-a -t %s:80 -r %s:%d -m -w 1" % (s.vip, eip, eport))
        for eip, eport in sorted(set(old) - set(new)):
            out.append("-d -t %s:80 -r %s:%d" % (s.vip, eip, eport))
        write(d, "ipvs-upd-%s.restore" % v, out + [""])


# --- ksvc (Kubernetes YAML) -------------------------------------------------
def yaml_svc(s, eps):
    o = ["apiVersion: v1", "kind: Service", "metadata:", "  name: %s" % s.name,
         "  namespace: default", "spec:", "  type: ClusterIP", "  clusterIP: %s" % s.vip,
         "  ports:"]
    for proto, port in s.ports:
        o += ["  - name: %s" % proto, "    port: %d" % port, "    protocol: %s" % proto.upper(),
              "    targetPort: 8080"]
    o += ["---", "apiVersion: discovery.k8s.io/v1", "kind: EndpointSlice", "metadata:",
          "  name: %s-abcde" % s.name, "  namespace: default", "  labels:",
          "    kubernetes.io/service-name: %s" % s.name, "addressType: IPv4", "endpoints:"]
    for eip, _ in eps:
        o += ["- addresses:", "  - %s" % eip, "  conditions:", "    ready: true",
              "    serving: true", "    terminating: false", "  nodeName: node-1"]
    o += ["ports:"]
    for proto, port in s.ports:
        o += ["- name: %s" % proto, "  port: 8080", "  protocol: %s" % proto.upper()]
    o += ["---"]
    return o


def json_svc(s, eps):
    """yaml_svc()'s two objects, as dicts."""
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": s.name, "namespace": "default"},
           "spec": {"type": "ClusterIP", "clusterIP": s.vip,
                    "ports": [{"name": proto, "port": port, "protocol": proto.upper(),
                               "targetPort": 8080} for proto, port in s.ports]}}
    eps = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
           "metadata": {"name": "%s-abcde" % s.name, "namespace": "default",
                        "labels": {"kubernetes.io/service-name": s.name}},
           "addressType": "IPv4",
           "endpoints": [{"addresses": [eip],
                          "conditions": {"ready": True, "serving": True, "terminating": False},
                          "nodeName": "node-1"} for eip, _ in eps],
           "ports": [{"name": proto, "port": 8080, "protocol": proto.upper()}
                     for proto, port in s.ports]}
    return [svc, eps]


def json_list(items):
    """As kubectl get -o json prints a List: 4-space indents."""
    return [json.dumps({"apiVersion": "v1", "items": items, "kind": "List",
                        "metadata": {"resourceVersion": ""}}, indent=4)]


def gen_ksvc(d, svcs, upd):
    out = []
    items = []
    for s in svcs:
        out += yaml_svc(s, s.eps)
        items += json_svc(s, s.eps)
    write(d, "ksvc.yaml", out)
    write(d, "ksvc.json", json_list(items))
    s = svcs[upd]
    for v in ("a", "b"):
        write(d, "ksvc-upd-%s.yaml" % v, yaml_svc(s, s.eps_variant(v)))
        write(d, "ksvc-upd-%s.json" % v, json_list(json_svc(s, s.eps_variant(v))))
    t = Svc(0, 1, 1, True)
    write(os.path.join(d, ".."), "target.yaml", yaml_svc(t, t.eps))


def write(d, name, lines):
    with open(os.path.join(d, name), "w") as f:
        f.write("\n".join(lines))


def main():
    a = [x for x in sys.argv[1:] if not x.startswith("--")]
    target = "--target" in sys.argv
    d, n, e = a[0], int(a[1]), int(a[2])
    os.makedirs(d, exist_ok=True)
    svcs = [Svc(i, n, e, target and i == n // 2) for i in range(n)]
    upd = n // 3
    if svcs[upd].name == "target" and n > 1:
        upd = (upd + 1) % n
    gen_ipt(d, svcs, upd)
    gen_nft(d, svcs, upd)
    gen_ipvs(d, svcs, upd)
    gen_ksvc(d, svcs, upd)


if __name__ == "__main__":
    main()
