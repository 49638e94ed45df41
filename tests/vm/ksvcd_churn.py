#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Drive the test API server (tests/apiserver/kapi.py) and compare the
kernel with it, for t_ksvcd.

  ksvcd_churn.py churn DIR N SEED   N random Service/EndpointSlice events
                                    among 40 services in namespace churn
  ksvcd_churn.py same DIR KSVCCTL   the kernel's services (ksvcctl get -A
                                    -o json) are the server's: names,
                                    ClusterIPs, ports and endpoint counts;
                                    prints the differences, exits 1 if any

The services are ClusterIP 10.100.0.1+i, port 80/TCP -> 8080; their
slices name 1-3 endpoints in 10.244.1.0/24 (routed nowhere: only the
tables are compared).
"""
import http.client
import json
import random
import subprocess
import sys

_conn = {}


class CtlError(Exception):
    pass


def ctl(d, cmd, body=None, query=""):
    """One control command, over one kept-alive connection per server."""
    if d not in _conn:
        with open(f"{d}/control-port") as f:
            _conn[d] = http.client.HTTPConnection("127.0.0.1", int(f.read()), timeout=60)
    c = _conn[d]
    data = json.dumps(body).encode() if body is not None else None
    c.request("POST" if data is not None else "GET", f"/{cmd}" + (f"?{query}" if query else ""),
              body=data, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    out = json.loads(r.read() or b"{}")
    if r.status != 200:
        raise CtlError(out)
    return out


def service(i, port=80):
    ip = f"10.100.0.{1 + i}"
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": f"c{i}", "namespace": "churn"},
            "spec": {"type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip],
                     "ports": [{"name": "http", "port": port, "protocol": "TCP",
                                "targetPort": 8080}]}}


def slice_(i, n):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"c{i}-x", "namespace": "churn",
                         "labels": {"kubernetes.io/service-name": f"c{i}"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [f"10.244.1.{10 + k}"],
                           "conditions": {"ready": True}} for k in range(n)],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}


def churn(d, n, seed):
    rnd = random.Random(seed)
    for _ in range(n):
        i = rnd.randrange(40)
        r = rnd.random()
        if r < 0.35:
            ctl(d, "apply", service(i, rnd.choice([80, 81])))
        elif r < 0.75:
            ctl(d, "apply", slice_(i, rnd.randrange(1, 4)))
        elif r < 0.9:
            try:
                ctl(d, "delete", {"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
                                  "metadata": {"name": f"c{i}-x", "namespace": "churn"}})
            except CtlError:
                pass
        else:
            try:
                ctl(d, "delete", {"kind": "Service", "apiVersion": "v1",
                                  "metadata": {"name": f"c{i}", "namespace": "churn"}})
            except CtlError:
                pass


def server_view(d):
    dump = ctl(d, "dump")
    svcs, eps = {}, {}
    for o in dump.get("items", []):
        md = o.get("metadata", {})
        if o.get("kind") == "Service":
            svcs[f"{md['namespace']}/{md['name']}"] = o
        elif o.get("kind") == "EndpointSlice":
            k = f"{md['namespace']}/{md['labels']['kubernetes.io/service-name']}"
            eps[k] = eps.get(k, 0) + sum(1 for e in o.get("endpoints") or []
                                         if (e.get("conditions") or {}).get("ready", True))
    view = {}
    for k, s in svcs.items():
        spec = s["spec"]
        view[k] = (spec.get("clusterIP"), sorted(p["port"] for p in spec["ports"]),
                   eps.get(k, 0))
    return view


def kernel_view(ksvcctl):
    out = subprocess.run([ksvcctl, "get", "services", "-A", "-o", "json"],
                         check=True, capture_output=True, text=True).stdout
    view = {}
    for s in json.loads(out)["items"]:
        md, spec = s["metadata"], s["spec"]
        view[f"{md['namespace']}/{md['name']}"] = (spec.get("clusterIP"),
                                                    sorted(p["port"] for p in spec["ports"]))
    return view


def kernel_endpoints(ksvcctl, key):
    ns, name = key.split("/")
    out = subprocess.run([ksvcctl, "describe", "service", name, "-n", ns],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Endpoints:"):
            v = line.split(":", 1)[1].strip()
            return 0 if v in ("", "<none>") else len(v.split(","))
    return -1


def same(d, ksvcctl):
    want, have = server_view(d), kernel_view(ksvcctl)
    bad = []
    for k in sorted(set(want) | set(have)):
        if k not in have:
            bad.append(f"{k}: missing from the kernel")
        elif k not in want:
            bad.append(f"{k}: in the kernel, not on the server")
        elif want[k][:2] != have[k]:
            bad.append(f"{k}: server {want[k][:2]}, kernel {have[k]}")
        elif k.startswith("churn/") and kernel_endpoints(ksvcctl, k) != want[k][2]:
            bad.append(f"{k}: server {want[k][2]} endpoints, kernel "
                       f"{kernel_endpoints(ksvcctl, k)}")
    print(f"{len(want)} services on the server, {len(have)} in the kernel")
    for b in bad:
        print(b)
    return not bad


def main():
    cmd, d = sys.argv[1], sys.argv[2]
    if cmd == "churn":
        churn(d, int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "same":
        sys.exit(0 if same(d, sys.argv[3]) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
