#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate the JSON inputs bench/jsonlib.sh parses: the same N services x E
endpoints as gen.py (default/svc-<i>, ClusterIP 10.96.0.1 + i, endpoints
10.128.0.0 + i*E + j, slice svc-<i>-abcde), dressed as a real cluster
serves them.

  jsongen.py OUTDIR [N [E]]        (defaults N = 10000, E = 10)

Files written to OUTDIR:
  kubectl.json       `kubectl get services,endpointslices -A -o json`:
                     a v1 List of N Services then N EndpointSlices, each item
                     with apiVersion/kind, keys sorted (kubectl prints
                     unstructured maps), 4-space indent, no managedFields
                     (kubectl hides them by default)
  svc-list.json      one compact ServiceList of all N items, as the API
                     server answers GET /api/v1/services (items without
                     apiVersion/kind, Go struct field order, managedFields)
  eps-list.json      the same for EndpointSliceList (discovery.k8s.io/v1)
  svc-pages/NNN.json the ServiceList in pages of 500 (?limit=500), each with
  eps-pages/NNN.json metadata.continue + remainingItemCount but the last
  watch.jsonl        N compact watch events {"type":"MODIFIED","object":...}
                     of the EndpointSlices, one per line
"""
import base64
import hashlib
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import Svc  # noqa: E402  (the project's naming and addressing)

PAGE = 500
RV0 = 4000000
TS = "2024-05-14T09:%02d:%02dZ"
COMPACT = dict(separators=(",", ":"), ensure_ascii=False)


def uid(s):
    return str(uuid.UUID(bytes=hashlib.md5(s.encode()).digest(), version=4))


def ts(i):
    return TS % ((i // 60) % 60, i % 60)


def service(s, api):
    applied = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"annotations": {}, "labels": {"app": s.name},
                            "name": s.name, "namespace": "default"},
               "spec": {"ports": [{"name": p, "port": port, "protocol": p.upper(),
                                   "targetPort": 8080} for p, port in s.ports],
                        "selector": {"app": s.name}}}
    md = {"name": s.name, "namespace": "default",
          "uid": uid("svc/" + s.name), "resourceVersion": str(RV0 + 2 * s.i),
          "creationTimestamp": ts(s.i),
          "labels": {"app": s.name},
          "annotations": {"kubectl.kubernetes.io/last-applied-configuration":
                          json.dumps(applied, **COMPACT) + "\n"}}
    if api:
        md["managedFields"] = [{
            "manager": "kubectl-client-side-apply", "operation": "Update",
            "apiVersion": "v1", "time": ts(s.i), "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}},
                                        "f:labels": {".": {}, "f:app": {}}},
                         "f:spec": {"f:internalTrafficPolicy": {}, "f:ports": {".": {}, 'k:{"port":80,"protocol":"TCP"}': {
                             ".": {}, "f:name": {}, "f:port": {}, "f:protocol": {}, "f:targetPort": {}}},
                             "f:selector": {}, "f:sessionAffinity": {}, "f:type": {}}}}]
    o = {} if api else {"apiVersion": "v1", "kind": "Service"}
    o["metadata"] = md
    o["spec"] = {"ports": [{"name": p, "protocol": p.upper(), "port": port, "targetPort": 8080}
                           for p, port in s.ports],
                 "selector": {"app": s.name},
                 "clusterIP": s.vip, "clusterIPs": [s.vip],
                 "type": "ClusterIP", "sessionAffinity": "None",
                 "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "internalTrafficPolicy": "Cluster"}
    o["status"] = {"loadBalancer": {}}
    return o


def slice_(s, api, rv_bump=0):
    name = s.name + "-abcde"
    md = {"name": name, "generateName": s.name + "-", "namespace": "default",
          "uid": uid("eps/" + name), "resourceVersion": str(RV0 + 2 * s.i + 1 + rv_bump),
          "generation": 1 + rv_bump, "creationTimestamp": ts(s.i),
          "labels": {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                     "kubernetes.io/service-name": s.name},
          "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": ts(s.i)},
          "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": s.name,
                               "uid": uid("svc/" + s.name), "controller": True,
                               "blockOwnerDeletion": True}]}
    if api:
        md["managedFields"] = [{
            "manager": "kube-controller-manager", "operation": "Update",
            "apiVersion": "discovery.k8s.io/v1", "time": ts(s.i), "fieldsType": "FieldsV1",
            "fieldsV1": {"f:addressType": {}, "f:endpoints": {},
                         "f:metadata": {"f:annotations": {".": {}, "f:endpoints.kubernetes.io/last-change-trigger-time": {}},
                                        "f:generateName": {},
                                        "f:labels": {".": {}, "f:endpointslice.kubernetes.io/managed-by": {},
                                                     "f:kubernetes.io/service-name": {}},
                                        "f:ownerReferences": {".": {}, 'k:{"uid":"%s"}' % uid("svc/" + s.name): {}}},
                         "f:ports": {}}}]
    o = {} if api else {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice"}
    o["metadata"] = md
    o["addressType"] = "IPv4"
    o["endpoints"] = []
    for j, (eip, _) in enumerate(s.eps):
        pod = "%s-7d9c5b8f6-%05d" % (s.name, j)
        o["endpoints"].append({
            "addresses": [eip],
            "conditions": {"ready": True, "serving": True, "terminating": False},
            "nodeName": "node-%d" % ((s.i + j) % 50),
            "targetRef": {"kind": "Pod", "namespace": "default", "name": pod,
                          "uid": uid("pod/" + pod)}})
    o["ports"] = [{"name": p, "protocol": p.upper(), "port": 8080} for p, _ in s.ports]
    return o


def continue_token(rv, last):
    t = {"v": "meta.k8s.io/v1", "rv": rv, "start": last + "\x00"}
    return base64.urlsafe_b64encode(json.dumps(t, separators=(",", ":")).encode()).decode().rstrip("=")


def list_doc(kind, api_version, items, rv, cont=None, remaining=None):
    md = {"resourceVersion": str(rv)}
    if cont:
        md["continue"] = cont
        md["remainingItemCount"] = remaining
    return {"kind": kind, "apiVersion": api_version, "metadata": md, "items": items}


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, **COMPACT)


def main():
    d = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    e = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    os.makedirs(d, exist_ok=True)
    svcs = [Svc(i, n, e, False) for i in range(n)]
    rv = RV0 + 2 * n + 7

    items = [service(s, False) for s in svcs] + [slice_(s, False) for s in svcs]
    with open(os.path.join(d, "kubectl.json"), "w") as f:
        json.dump({"apiVersion": "v1", "items": items, "kind": "List",
                   "metadata": {"resourceVersion": ""}},
                  f, indent=4, sort_keys=True, ensure_ascii=False)
        f.write("\n")

    for short, kind, av, mk in (("svc", "ServiceList", "v1", service),
                                ("eps", "EndpointSliceList", "discovery.k8s.io/v1", slice_)):
        objs = [mk(s, True) for s in svcs]
        dump(os.path.join(d, short + "-list.json"), list_doc(kind, av, objs, rv))
        pd = os.path.join(d, short + "-pages")
        os.makedirs(pd, exist_ok=True)
        for p in range(0, n, PAGE):
            page = objs[p:p + PAGE]
            more = p + PAGE < n
            cont = continue_token(rv, "default/" + page[-1]["metadata"]["name"]) if more else None
            dump(os.path.join(pd, "%03d.json" % (p // PAGE)),
                 list_doc(kind, av, page, rv, cont, n - p - PAGE if more else None))

    with open(os.path.join(d, "watch.jsonl"), "w") as f:
        for k in range(n):
            s = svcs[(k * 7919) % n]   # a spread of slices, each bumped once
            obj = slice_(s, True, rv_bump=2 * n + k)
            f.write(json.dumps({"type": "MODIFIED", "object": obj}, **COMPACT) + "\n")


if __name__ == "__main__":
    main()
