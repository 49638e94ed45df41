#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check.py: prove kapi.py's fidelity against real clients: kubectl (each
binary given with --kubectl), python3-kubernetes, and raw HTTP/1.1 over
TLS for the framing a C client sees.  Prints TAP-like lines ("ok N - ...",
"not ok N - ...", details indented); run.sh counts them.

    check.py --kubectl /usr/bin/kubectl [--kubectl PATH]... [--only WORD]
"""

import argparse
import base64
import gzip
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
KAPI = os.path.join(HERE, "kapi.py")
PY = sys.executable

# ---------------------------------------------------------------- output

_n = 0
_fail = 0


def report(ok, desc, detail=""):
    global _n, _fail
    _n += 1
    if not ok:
        _fail += 1
    print(f"{'ok' if ok else 'not ok'} {_n} - {desc}")
    if detail and (not ok or os.environ.get("VERBOSE")):
        for line in str(detail).rstrip().splitlines()[:60]:
            print("    " + line)
    sys.stdout.flush()
    return ok


def skip(desc, why):
    global _n
    _n += 1
    print(f"ok {_n} - {desc} # SKIP {why}")


def same(desc, got, want, detail=""):
    ok = got == want
    d = detail
    if not ok:
        d = f"{detail}\n got: {short(got)}\nwant: {short(want)}"
    return report(ok, desc, d)


def short(x, n=1500):
    s = x if isinstance(x, str) else json.dumps(x, sort_keys=True)
    return s if len(s) <= n else s[:n] + f"... ({len(s)} chars)"


def check(desc):
    """Decorator-free helper: run fn, report an exception as a failure."""
    def wrap(fn):
        def run(*a, **kw):
            try:
                return fn(*a, **kw)
            except Exception:  # noqa: BLE001
                report(False, desc, traceback.format_exc())
                return None
        return run
    return wrap


# ---------------------------------------------------------------- server


class Server:
    def __init__(self, root, name, *extra):
        self.dir = os.path.join(root, name)
        self.log = os.path.join(root, name + ".log")
        self.proc = subprocess.Popen(
            [PY, KAPI, "serve", "--dir", self.dir, *extra],
            stdout=subprocess.DEVNULL, stderr=open(self.log, "w"))
        for _ in range(300):
            if os.path.exists(os.path.join(self.dir, "ready")):
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"kapi exited: {open(self.log).read()}")
            time.sleep(0.05)
        else:
            raise RuntimeError("kapi did not get ready")
        self.port = int(self.read("port"))
        self.cport = int(self.read("control-port"))
        self.ctx = ssl.create_default_context(cafile=os.path.join(self.dir, "ca.crt"))

    def read(self, f):
        with open(os.path.join(self.dir, f)) as fh:
            return fh.read().strip()

    @property
    def token(self):
        return self.read("token")

    @property
    def kubeconfig(self):
        return os.path.join(self.dir, "kubeconfig")

    def ctl(self, cmd, body=None, query="", expect=200):
        url = f"http://127.0.0.1:{self.cport}/{cmd}" + (f"?{query}" if query else "")
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                code, out = r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            code, out = e.code, json.loads(e.read())
        if expect is not None and code != expect:
            raise RuntimeError(f"ctl {cmd}: {code} {out}")
        return out

    def dump(self, resource):
        return self.ctl("dump", query=f"resource={resource}")["items"]

    def rv(self):
        return int(self.ctl("info")["resourceVersion"])

    def wait_watches(self, n, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if self.ctl("counters")["open_watches"] >= n:
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ------------------------------------------------------------- raw HTTPS


class Raw:
    """One HTTP/1.1 request over TLS, read byte for byte: status, headers,
    the body's chunks as sent (or the Content-Length body)."""

    def __init__(self, srv, path, token=None, headers=(), timeout=30):
        self.srv = srv
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
        self.sock = srv.ctx.wrap_socket(s, server_hostname="127.0.0.1")
        tok = srv.token if token is None else token
        hdr = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        if tok:
            hdr.append(f"Authorization: Bearer {tok}")
        hdr += [f"{k}: {v}" for k, v in headers]
        self.sock.sendall(("\r\n".join(hdr) + "\r\n\r\n").encode())
        self.buf = b""
        line = self.line()
        self.status = int(line.split()[1])
        self.headers = {}
        while True:
            line = self.line()
            if not line:
                break
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        self.chunks = []
        self.ended = False  # saw the terminating chunk

    def more(self):
        d = self.sock.recv(1 << 20)
        if not d:
            raise EOFError
        self.buf += d

    def line(self):
        while b"\r\n" not in self.buf:
            self.more()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode()

    def take(self, n):
        while len(self.buf) < n:
            self.more()
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def next_chunk(self):
        """The next chunk's payload; None at the terminating chunk."""
        size = int(self.line().split(";")[0], 16)
        if size == 0:
            self.line()
            self.ended = True
            return None
        d = self.take(size)
        if self.take(2) != b"\r\n":
            raise ValueError("chunk not followed by CRLF")
        self.chunks.append(d)
        return d

    def body(self):
        if self.headers.get("transfer-encoding") == "chunked":
            while self.next_chunk() is not None:
                pass
            data = b"".join(self.chunks)
        else:
            data = self.take(int(self.headers["content-length"]))
        if self.headers.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        return data

    def events(self, until_end=True):
        out = []
        while True:
            c = self.next_chunk()
            if c is None:
                return out
            out.append(json.loads(c))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def raw_json(srv, path, **kw):
    r = Raw(srv, path, **kw)
    try:
        return r.status, json.loads(r.body())
    finally:
        r.close()


# ---------------------------------------------------------------- kubectl


class Kubectl:
    def __init__(self, path, root):
        self.path = path
        out = subprocess.run([path, "version", "--client", "-o", "json"],
                             capture_output=True, text=True, timeout=60).stdout
        try:
            v = json.loads(out)["clientVersion"]
            self.version = f"{v['major']}.{v['minor'].rstrip('+')}"
        except (ValueError, KeyError):
            self.version = "?"
        self.name = f"kubectl {self.version}"
        self.cache = os.path.join(root, "kcache-" + self.version)

    def cmd(self, srv, *args, kubeconfig=None):
        return [self.path, "--kubeconfig", kubeconfig or srv.kubeconfig,
                "--cache-dir", self.cache, *args]

    def run(self, srv, *args, kubeconfig=None, timeout=60):
        env = dict(os.environ)
        env.pop("KUBECONFIG", None)
        p = subprocess.run(self.cmd(srv, *args, kubeconfig=kubeconfig),
                           capture_output=True, text=True, timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr

    def json(self, srv, *args, **kw):
        rc, out, err = self.run(srv, *args, **kw)
        if rc != 0:
            raise RuntimeError(f"kubectl {' '.join(args)}: exit {rc}: {err}")
        return json.loads(out)


def json_stream(text):
    """Every JSON value in text, one after the other (kubectl -w -o json
    prints indented objects back to back)."""
    dec = json.JSONDecoder()
    out = []
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        v, i = dec.raw_decode(text, i)
        out.append(v)


# ----------------------------------------------------------------- fixture

TS = "2024-05-01T10:00:00Z"


def svc(ns, name, labels=None, ip="10.96.0.10", ports=((80, 8080),), headless=False):
    md = {"name": name, "namespace": ns, "creationTimestamp": TS}
    if labels:
        md["labels"] = labels
    spec = {"clusterIP": "None" if headless else ip,
            "clusterIPs": ["None" if headless else ip],
            "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [{"name": f"p{p}", "port": p, "protocol": "TCP", "targetPort": t}
                      for p, t in ports],
            "selector": {"app": name}, "sessionAffinity": "None", "type": "ClusterIP"}
    return {"kind": "Service", "apiVersion": "v1", "metadata": md, "spec": spec,
            "status": {"loadBalancer": {}}}


def eps(ns, name, service, addrs, port=8080):
    return {"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
            "metadata": {"name": name, "namespace": ns, "creationTimestamp": TS,
                         "labels": {"kubernetes.io/service-name": service,
                                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [a], "conditions": {"ready": True, "serving": True, "terminating": False},
                           "nodeName": "node-a"} for a in addrs],
            "ports": [{"name": "p80", "port": port, "protocol": "TCP"}]}


def node(name, ip, unsched=False):
    o = {"kind": "Node", "apiVersion": "v1",
         "metadata": {"name": name, "creationTimestamp": TS,
                      "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}},
         "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
         "status": {"addresses": [{"type": "InternalIP", "address": ip},
                                  {"type": "Hostname", "address": name}]}}
    if unsched:
        o["spec"]["unschedulable"] = True
    return o


HEADLESS = "service.kubernetes.io/headless"
PROXYNAME = "service.kubernetes.io/service-proxy-name"


def fixture():
    services = [
        svc("default", "kubernetes", {"component": "apiserver", "provider": "kubernetes"}, "10.96.0.1", ((443, 6443),)),
        svc("default", "web", {"app": "web", "tier": "front"}, "10.96.0.20"),
        svc("default", "web-headless", {"app": "web", HEADLESS: ""}, headless=True),
        svc("kube-system", "kube-dns", {"k8s-app": "kube-dns"}, "10.96.0.10", ((53, 53),)),
        svc("kube-system", "other-proxy", {PROXYNAME: "other", "tier": "back"}, "10.96.0.30"),
        svc("shop", "cart", {"app": "cart", "tier": "back"}, "10.96.1.1"),
        svc("shop", "pay", {"app": "pay", "tier": "back", "env": "prod"}, "10.96.1.2"),
        dict(svc("shop", "zeta", {"note": "x"}, "10.96.1.3"),
             metadata={"name": "zeta", "namespace": "shop", "creationTimestamp": TS, "labels": {"note": "x"},
                       "annotations": {"text": "<a & b> ü  "}}),
    ]
    slices = [
        eps("default", "kubernetes", "kubernetes", ["192.168.0.10"], 6443),
        eps("default", "web-abc12", "web", ["10.244.0.5", "10.244.1.6"]),
        eps("kube-system", "kube-dns-x1y2z", "kube-dns", ["10.244.0.2"], 53),
        eps("shop", "cart-q1w2e", "cart", ["10.244.2.7"]),
    ]
    nodes = [node("node-a", "192.168.0.10"), node("node-b", "192.168.0.11", True)]
    return services, slices, nodes


def key(o):
    md = o["metadata"]
    return (md.get("namespace", ""), md["name"])


def by_key(items):
    return sorted(items, key=key)


def names(items):
    return sorted(f"{k[0]}/{k[1]}" for k in map(key, items))


def typed(items, kind, api):
    return [dict({"kind": kind, "apiVersion": api}, **{k: v for k, v in o.items() if k not in ("kind", "apiVersion")})
            for o in items]


def untyped(o):
    return {k: v for k, v in o.items() if k not in ("kind", "apiVersion")}


# ------------------------------------------------------------------ checks


def kubectl_checks(k, srv):
    """Everything one kubectl binary is checked for, against srv."""
    v = k.name
    # --- get -o json returns exactly what was loaded
    for res, args in (("services", ("get", "services", "-A")),
                      ("endpointslices", ("get", "endpointslices", "-A")),
                      ("nodes", ("get", "nodes"))):
        try:
            got = k.json(srv, *args, "-o", "json")
            same(f"{v}: get {res} -o json gives exactly the loaded objects",
                 by_key(got["items"]), by_key(srv.dump(res)))
        except Exception:  # noqa: BLE001
            report(False, f"{v}: get {res} -o json", traceback.format_exc())

    try:
        got = k.json(srv, "get", "svc", "-n", "shop", "-o", "json")
        same(f"{v}: get svc -n shop (namespaced path) gives that namespace only",
             by_key(got["items"]), by_key([o for o in srv.dump("services") if o["metadata"]["namespace"] == "shop"]))
        got = k.json(srv, "get", "svc", "web", "-n", "default", "-o", "json")
        want = [o for o in srv.dump("services") if key(o) == ("default", "web")][0]
        same(f"{v}: get svc web (a single GET) gives the object", got, want)
        rc, out, err = k.run(srv, "get", "svc", "nosuch", "-n", "default")
        same(f"{v}: get svc nosuch: NotFound as the real server words it",
             (rc, err.strip()), (1, 'Error from server (NotFound): services "nosuch" not found'))
        got = k.json(srv, "get", "svc", "-A", "-l", f"!{HEADLESS},!{PROXYNAME}", "-o", "json")
        want = [o for o in srv.dump("services")
                if HEADLESS not in o["metadata"].get("labels", {})
                and PROXYNAME not in o["metadata"].get("labels", {})]
        same(f"{v}: get svc -l '!headless,!service-proxy-name' (kube-proxy's selector)",
             names(got["items"]), names(want))
    except Exception:  # noqa: BLE001
        report(False, f"{v}: get variants", traceback.format_exc())

    # --- --raw paging with limit/continue
    try:
        all_svc = srv.dump("services")
        pages, seen, rvs, conts = 0, [], set(), []
        path = "/api/v1/services?limit=3"
        remaining = []
        while True:
            page = k.json(srv, "get", "--raw", path)
            pages += 1
            assert page["kind"] == "ServiceList" and page["apiVersion"] == "v1", page.get("kind")
            assert len(page["items"]) <= 3
            seen += page["items"]
            rvs.add(page["metadata"]["resourceVersion"])
            c = page["metadata"].get("continue")
            if not c:
                break
            remaining.append(page["metadata"].get("remainingItemCount"))
            conts.append(c)
            path = "/api/v1/services?limit=3&continue=" + urllib.parse.quote(c, safe="")
            assert pages < 20
        n = len(all_svc)
        same(f"{v}: get --raw limit=3 + continue: every service once, in key order, "
             "one resourceVersion, remainingItemCount counting down",
             ([key(o) for o in seen], len(rvs), remaining, pages),
             ([key(o) for o in by_key(all_svc)], 1,
              [n - 3 * (i + 1) for i in range(len(remaining))], (n + 2) // 3))
        same(f"{v}: list items carry no kind/apiVersion (as the real server)",
             [("kind" in o or "apiVersion" in o) for o in seen], [False] * len(seen))
    except Exception:  # noqa: BLE001
        report(False, f"{v}: --raw paging", traceback.format_exc())

    # --- --raw label and field selectors
    sel_cases = [
        (f"!{PROXYNAME}", lambda L, md: PROXYNAME not in L),
        (f"!{PROXYNAME},!{HEADLESS}", lambda L, md: PROXYNAME not in L and HEADLESS not in L),
        ("app=web", lambda L, md: L.get("app") == "web"),
        ("app==web,tier", lambda L, md: L.get("app") == "web" and "tier" in L),
        ("tier!=back", lambda L, md: L.get("tier") != "back"),
        ("tier in (front,back),app notin (cart)", lambda L, md: L.get("tier") in ("front", "back") and L.get("app") != "cart"),
    ]
    for sel, fn in sel_cases:
        try:
            got = k.json(srv, "get", "--raw", "/api/v1/services?labelSelector=" + urllib.parse.quote(sel, safe=""))
            want = [o for o in srv.dump("services") if fn(o["metadata"].get("labels", {}), o["metadata"])]
            same(f"{v}: --raw labelSelector={sel}", names(got["items"]), names(want))
        except Exception:  # noqa: BLE001
            report(False, f"{v}: --raw labelSelector={sel}", traceback.format_exc())
    for sel, fn in (("metadata.namespace=shop,metadata.name!=cart",
                     lambda md: md["namespace"] == "shop" and md["name"] != "cart"),
                    ("metadata.name==web", lambda md: md["name"] == "web")):
        try:
            got = k.json(srv, "get", "--raw", "/api/v1/services?fieldSelector=" + urllib.parse.quote(sel, safe=""))
            want = [o for o in srv.dump("services") if fn(o["metadata"])]
            same(f"{v}: --raw fieldSelector={sel}", names(got["items"]), names(want))
        except Exception:  # noqa: BLE001
            report(False, f"{v}: --raw fieldSelector={sel}", traceback.format_exc())
    try:
        rc, out, err = k.run(srv, "get", "--raw", "/api/v1/services?labelSelector=" + urllib.parse.quote("tier in (a,", safe=""))
        report(rc == 1 and err.startswith("Error from server (BadRequest)"),
               f"{v}: a bad labelSelector is a 400 BadRequest", f"rc={rc} err={err}")
        rc, out, err = k.run(srv, "get", "--raw", "/api/v1/services?fieldSelector=spec.type%3DClusterIP")
        same(f"{v}: an unsupported field label is a 400 'field label not supported'",
             (rc, err.strip()), (1, "Error from server (BadRequest): field label not supported: spec.type"))
    except Exception:  # noqa: BLE001
        report(False, f"{v}: bad selectors", traceback.format_exc())

    # --- watch: the exact scripted sequence, then a server close ends it
    try:
        before = srv.dump("services")
        env = dict(os.environ)
        env.pop("KUBECONFIG", None)
        p = subprocess.Popen(k.cmd(srv, "get", "services", "-A", "-w", "--output-watch-events", "-o", "json"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        opened = srv.wait_watches(1)
        want = []
        for i in range(3):
            r = srv.ctl("apply", svc("watch", f"w{i}", {"app": f"w{i}"}, f"10.96.9.{i}"))
            want.append(("ADDED", "watch", f"w{i}", r["object"]["metadata"]["resourceVersion"]))
        o = svc("watch", "w1", {"app": "w1", "changed": "yes"}, "10.96.9.1")
        r = srv.ctl("apply", o)
        want.append(("MODIFIED", "watch", "w1", r["object"]["metadata"]["resourceVersion"]))
        r = srv.ctl("delete", {"kind": "Service", "namespace": "watch", "name": "w0"})
        want.append(("DELETED", "watch", "w0", r["object"]["metadata"]["resourceVersion"]))
        # every event is written before close-watches is looked at
        time.sleep(0.5)
        srv.ctl("close-watches", {})
        try:
            out, err = p.communicate(timeout=20)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            rc = "still running 20 s after the server closed the watch"
        evs = json_stream(out)
        got = [(e["type"], e["object"]["metadata"]["namespace"], e["object"]["metadata"]["name"],
                e["object"]["metadata"]["resourceVersion"]) for e in evs]
        init = [("ADDED",) + key(o) + (o["metadata"]["resourceVersion"],) for o in by_key(before)]
        same(f"{v}: get -w --output-watch-events: the list as ADDED, then exactly the scripted "
             "ADDED x3, MODIFIED, DELETED", (opened, got), (True, init + want), err)
        same(f"{v}: get -w exits 0, silently, when the server ends the watch cleanly",
             (rc, err.strip()), (0, ""))
        # the DELETED object is the last state, at the deletion's resourceVersion
        dl = [e for e in evs if e["type"] == "DELETED"]
        report(len(dl) == 1 and dl[0]["object"]["spec"]["clusterIP"] == "10.96.9.0",
               f"{v}: the DELETED event carries the object's last state", short(dl))
    except Exception:  # noqa: BLE001
        report(False, f"{v}: get -w", traceback.format_exc())

    # --- a watch cut without the zero chunk (connection shut)
    try:
        env = dict(os.environ)
        env.pop("KUBECONFIG", None)
        p = subprocess.Popen(k.cmd(srv, "get", "nodes", "-w", "-o", "json"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        opened = srv.wait_watches(1)
        srv.ctl("close-watches", {"abrupt": True})
        try:
            out, err = p.communicate(timeout=20)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            rc = "still running 20 s after the cut"
        srv.ctl("close-watches", {})
        same(f"{v}: get -w exits 0, silently, when the watch's connection is cut",
             (opened, rc, err.strip(), len(json_stream(out))), (True, 0, "", 2))
    except Exception:  # noqa: BLE001
        report(False, f"{v}: abrupt", traceback.format_exc())

    # --- --request-timeout: kubectl sends timeout=3s (not timeoutSeconds) and ends it itself
    try:
        srv.ctl("reset-counters", {})
        t0 = time.time()
        rc, out, err = k.run(srv, "get", "nodes", "-w", "--request-timeout=3s", "-o", "json")
        dt = time.time() - t0
        for _ in range(100):  # a watch is logged when the server sees the client gone (<= 1 s)
            w = [r["path"] for r in srv.ctl("requests")["requests"] if "watch=" in r["path"]]
            if w:
                break
            time.sleep(0.05)
        same(f"{v}: get -w --request-timeout=3s: watch?timeout=3s (no timeoutSeconds), kubectl "
             "closes it after 3 s and exits 0",
             (rc, len(w), "timeout=3s" in w[0] and "timeoutSeconds" not in w[0] if w else None, 2.5 < dt < 15),
             (0, 1, True, True), f"{dt:.1f}s {w} {err}")
    except Exception:  # noqa: BLE001
        report(False, f"{v}: --request-timeout", traceback.format_exc())

    # --- timeoutSeconds ends a --raw watch cleanly
    try:
        t0 = time.time()
        rc, out, err = k.run(srv, "get", "--raw", "/api/v1/services?watch=1&timeoutSeconds=2")
        dt = time.time() - t0
        evs = json_stream(out)
        same(f"{v}: --raw watch with timeoutSeconds=2: current state as ADDED, exit 0 after ~2 s",
             (rc, sorted((e["type"],) + key(e["object"]) for e in evs), 1.8 <= dt <= 15),
             (0, sorted(("ADDED",) + key(o) for o in srv.dump("services")), True), f"{dt:.1f}s {err}")
    except Exception:  # noqa: BLE001
        report(False, f"{v}: timeoutSeconds", traceback.format_exc())

    # --- 410: watch from before compaction; continue token past compaction
    try:
        page = k.json(srv, "get", "--raw", "/api/v1/services?limit=2")
        old = page["metadata"]["resourceVersion"]
        srv.ctl("apply", svc("watch", "bump", None, "10.96.9.99"))
        c = srv.ctl("compact", {})["compactedResourceVersion"]
        rc, out, err = k.run(srv, "get", "--raw", f"/api/v1/services?watch=1&resourceVersion={old}")
        same(f"{v}: --raw watch from a compacted resourceVersion: one ERROR event, 410 Expired, then the end",
             (rc, json_stream(out)),
             (0, [{"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                               "status": "Failure",
                                               "message": f"too old resource version: {old} ({c})",
                                               "reason": "Expired", "code": 410}}]), err)
        rc, out, err = k.run(srv, "get", "--raw", "/api/v1/services?limit=2&continue=" +
                             urllib.parse.quote(page["metadata"]["continue"], safe=""))
        report(rc == 1 and err.startswith("Error from server (Expired): The provided continue parameter is too old "
                                          "to display a consistent list result."),
               f"{v}: --raw continue past compaction: 410 Expired", f"rc={rc} err={err}")
        srv.ctl("delete", {"kind": "Service", "namespace": "watch", "name": "bump"})
    except Exception:  # noqa: BLE001
        report(False, f"{v}: 410", traceback.format_exc())

    # --- a watch the server answers with the 410 ERROR event
    try:
        srv.ctl("expire", {"resource": "services"})
        rc, out, err = k.run(srv, "get", "services", "-A", "-w", "--output-watch-events", "-o", "json", timeout=30)
        evs = json_stream(out)
        same(f"{v}: get -w given the 410 ERROR event prints it as an event and exits 0 (no re-list)",
             (rc, [e["type"] for e in evs][-1:], evs[-1]["object"].get("code") if evs else None),
             (0, ["ERROR"], 410), err)
    except Exception:  # noqa: BLE001
        report(False, f"{v}: expire", traceback.format_exc())

    # --- 401 and 403
    try:
        bad = os.path.join(srv.dir, "kubeconfig-bad")
        with open(bad, "w") as f:
            f.write(open(srv.kubeconfig).read().replace(srv.token, "wrong-token"))
        rc, out, err = k.run(srv, "get", "services", "-A", kubeconfig=bad)
        same(f"{v}: a wrong token: 401, 'You must be logged in to the server (Unauthorized)'",
             (rc, err.strip().splitlines()[-1:]), (1, ["error: You must be logged in to the server (Unauthorized)"]))
        fb = os.path.join(srv.dir, "kubeconfig-forbidden")
        rc, out, err = k.run(srv, "get", "services", "-A", kubeconfig=fb)
        same(f"{v}: the forbidden token: 403 as the real server words it",
             (rc, err.strip().splitlines()[-1:]),
             (1, ['Error from server (Forbidden): services is forbidden: User "system:serviceaccount:default:nobody" '
                  'cannot list resource "services" in API group "" at the cluster scope']))
        rc, out, err = k.run(srv, "get", "endpointslices", "-n", "shop", kubeconfig=fb)
        same(f"{v}: forbidden endpointslices in a namespace: 403 naming the group and namespace",
             (rc, err.strip().splitlines()[-1:]),
             (1, ['Error from server (Forbidden): endpointslices.discovery.k8s.io is forbidden: User '
                  '"system:serviceaccount:default:nobody" cannot list resource "endpointslices" in API group '
                  '"discovery.k8s.io" in the namespace "shop"']))
    except Exception:  # noqa: BLE001
        report(False, f"{v}: 401/403", traceback.format_exc())

    # --- a malformed list body
    try:
        srv.ctl("malformed", {"on": "list", "resource": "nodes"})
        rc, out, err = k.run(srv, "get", "nodes", "-o", "json")
        report(rc == 1 and "unexpected end of JSON input" in err,
               f"{v}: a truncated list body fails kubectl ('unexpected end of JSON input')", f"rc={rc} err={err}")
    except Exception:  # noqa: BLE001
        report(False, f"{v}: malformed list", traceback.format_exc())


def aggregated_check(k, srv):
    v = k.name
    try:
        srv.ctl("set", {"aggregated_discovery": True})
        srv.ctl("reset-counters", {})
        shutil.rmtree(k.cache, ignore_errors=True)
        got = k.json(srv, "get", "svc", "-A", "-o", "json")
        reqs = [r["path"].split("?")[0] for r in srv.ctl("requests")["requests"]]
        same(f"{v}: with aggregated discovery (v2) kubectl reads /api and /apis only, then lists",
             (names(got["items"]) == names(srv.dump("services")),
              [p for p in reqs if p != "/version"]),
             (True, ["/api", "/apis", "/api/v1/services"]))
    except Exception:  # noqa: BLE001
        report(False, f"{v}: aggregated discovery", traceback.format_exc())
    finally:
        srv.ctl("set", {"aggregated_discovery": False})
        shutil.rmtree(k.cache, ignore_errors=True)


def python_checks(srv):
    try:
        from kubernetes import client, config, watch
    except ImportError as e:
        report(False, "python3-kubernetes is installed (scripts/install-deps)", str(e))
        return
    cfg = client.Configuration()
    config.load_kube_config(config_file=srv.kubeconfig, client_configuration=cfg)
    api = client.ApiClient(cfg)
    v1 = client.CoreV1Api(api)
    disc = client.DiscoveryV1Api(api)

    def plain(o):
        d = api.sanitize_for_serialization(o)
        d["metadata"].pop("creationTimestamp", None)
        return d

    def nots(items):
        out = []
        for o in items:
            o = json.loads(json.dumps(o))
            o["metadata"].pop("creationTimestamp", None)
            out.append(o)
        return out

    try:
        items, cont, pages = [], None, 0
        while True:
            r = v1.list_service_for_all_namespaces(limit=2, _continue=cont)
            pages += 1
            items += r.items
            cont = r.metadata._continue
            if not cont:
                break
        want = srv.dump("services")
        same("python: list_service_for_all_namespaces(limit=2, _continue=...) pages to every service once",
             ([plain(o) for o in items], pages), (nots(by_key([untyped(o) for o in want])), (len(want) + 1) // 2))
        r = disc.list_endpoint_slice_for_all_namespaces()
        same("python: DiscoveryV1Api().list_endpoint_slice_for_all_namespaces() gives the loaded slices",
             (r.kind, r.api_version, [plain(o) for o in r.items]),
             ("EndpointSliceList", "discovery.k8s.io/v1", nots(by_key([untyped(o) for o in srv.dump("endpointslices")]))))
        r = v1.list_node(field_selector="spec.unschedulable=true")
        same("python: list_node(field_selector='spec.unschedulable=true')",
             [o.metadata.name for o in r.items], ["node-b"])
    except Exception:  # noqa: BLE001
        report(False, "python: lists", traceback.format_exc())

    # --- watch with resource_version and bookmarks: exactly the script
    try:
        srv.ctl("set", {"bookmark_interval": 0.5})
        # start right at a services event: it must not come again
        rv0 = srv.ctl("apply", svc("pywatch", "p-before", None, "10.96.8.99"))["object"]["metadata"]["resourceVersion"]
        got, errs = [], []

        def run():
            try:
                w = watch.Watch()
                for ev in w.stream(v1.list_service_for_all_namespaces, resource_version=rv0,
                                   allow_watch_bookmarks=True, timeout_seconds=4):
                    if ev["type"] == "BOOKMARK":
                        got.append(("BOOKMARK", ev["raw_object"]))
                    else:
                        md = ev["object"].metadata
                        got.append((ev["type"], md.namespace, md.name, md.resource_version))
            except Exception:  # noqa: BLE001
                errs.append(traceback.format_exc())

        t = threading.Thread(target=run)
        t.start()
        srv.wait_watches(1)
        want = []
        for i in range(3):
            r = srv.ctl("apply", svc("pywatch", f"p{i}", {"app": "py"}, f"10.96.8.{i}"))
            want.append(("ADDED", "pywatch", f"p{i}", r["object"]["metadata"]["resourceVersion"]))
        r = srv.ctl("apply", svc("pywatch", "p2", {"app": "py", "x": "y"}, "10.96.8.2"))
        want.append(("MODIFIED", "pywatch", "p2", r["object"]["metadata"]["resourceVersion"]))
        r = srv.ctl("delete", {"kind": "Service", "namespace": "pywatch", "name": "p1"})
        want.append(("DELETED", "pywatch", "p1", r["object"]["metadata"]["resourceVersion"]))
        last = int(want[-1][3])
        t.join(30)
        evs = [g for g in got if g[0] != "BOOKMARK"]
        bms = [g[1] for g in got if g[0] == "BOOKMARK"]
        same("python: watch.Watch().stream(resource_version=, allow_watch_bookmarks=True) sees exactly the script",
             (evs, errs), (want, []))
        shape = {"kind": "Service", "apiVersion": "v1", "metadata": {"resourceVersion": str(last), "creationTimestamp": None},
                 "spec": {}, "status": {"loadBalancer": {}}}
        report(len(bms) >= 2 and bms[-1] == shape and all(int(b["metadata"]["resourceVersion"]) >= int(rv0) for b in bms),
               "python: BOOKMARKs arrive, the last at the last event's resourceVersion, "
               "shaped as kube-apiserver's (empty typed object)", short(bms))
    except Exception:  # noqa: BLE001
        report(False, "python: watch", traceback.format_exc())
    finally:
        srv.ctl("set", {"bookmark_interval": 60})

    # --- selector transitions in a watch
    try:
        got = []

        def run2():
            for ev in watch.Watch().stream(v1.list_namespaced_service, "pywatch", label_selector="x=y",
                                           resource_version=str(srv.rv()), timeout_seconds=3):
                md = ev["object"].metadata
                got.append((ev["type"], md.name, md.resource_version, (md.labels or {}).get("x")))

        t = threading.Thread(target=run2)
        t.start()
        srv.wait_watches(1)
        a = srv.ctl("apply", svc("pywatch", "p2", {"app": "py"}, "10.96.8.2"))["object"]["metadata"]["resourceVersion"]
        b = srv.ctl("apply", svc("pywatch", "p2", {"app": "py", "x": "y"}, "10.96.8.2"))["object"]["metadata"]["resourceVersion"]
        c = srv.ctl("apply", svc("pywatch", "p0", {"app": "py", "x": "z"}, "10.96.8.0"))["object"]["metadata"]["resourceVersion"]
        t.join(20)
        same("python: label_selector watch: leaving the selector is DELETED (old labels, new "
             "resourceVersion), entering it ADDED, others unseen",
             got, [("DELETED", "p2", a, "y"), ("ADDED", "p2", b, "y")], str(c))
    except Exception:  # noqa: BLE001
        report(False, "python: selector watch", traceback.format_exc())

    # --- 410 through the python watch
    try:
        old = str(srv.rv())
        srv.ctl("apply", svc("pywatch", "p9", None, "10.96.8.9"))
        c = srv.ctl("compact", {})["compactedResourceVersion"]
        srv.ctl("reset-counters", {})
        outcome = []
        for kw in ({"timeout_seconds": 3}, {}):
            try:
                for ev in watch.Watch().stream(v1.list_service_for_all_namespaces, resource_version=old, **kw):
                    outcome.append(("event", ev["type"]))
            except client.ApiException as e:
                outcome.append((e.status, e.reason))
        n = srv.ctl("counters")["requests"].get("watch services", 0)
        msg = f"Expired: too old resource version: {old} ({c})"
        same("python: watch from a compacted resourceVersion raises ApiException 410 "
             "(at once with timeout_seconds; after one retry without)",
             (outcome, n), ([(410, msg), (410, msg)], 3))
    except Exception:  # noqa: BLE001
        report(False, "python: 410", traceback.format_exc())


def raw_checks(srv):
    """What a C client sees on the wire."""
    # headers and chunk framing of a watch; the end of the stream
    try:
        rv = srv.rv()
        r = Raw(srv, f"/api/v1/services?watch=1&resourceVersion={rv}&timeoutSeconds=2")
        th = threading.Thread(target=lambda: (time.sleep(0.3), srv.ctl("apply", svc("raw", "r1", None, "10.96.7.1")),
                                              srv.ctl("apply", svc("raw", "r2", None, "10.96.7.2"))))
        th.start()
        chunks = []
        while True:
            c = r.next_chunk()
            if c is None:
                break
            chunks.append(c)
        th.join()
        r.close()
        same("raw: watch is 200, chunked, application/json; one event per chunk, each "
             "ending in a newline; ends with the zero chunk at timeoutSeconds",
             (r.status, r.headers.get("transfer-encoding"), r.headers.get("content-type"),
              [c.endswith(b"\n") and c.count(b"\n") == 1 for c in chunks],
              [json.loads(c)["object"]["metadata"]["name"] for c in chunks], r.ended),
             (200, "chunked", "application/json", [True, True], ["r1", "r2"], True))
    except Exception:  # noqa: BLE001
        report(False, "raw: watch framing", traceback.format_exc())

    # a watch from a resourceVersion not reached yet sends only what is after it
    try:
        fut = srv.rv() + 3
        r = Raw(srv, f"/api/v1/services?watch=1&resourceVersion={fut}&timeoutSeconds=2")
        rvs = [int(srv.ctl("apply", svc("raw", "fut", {"i": str(i)}, "10.96.7.9"))["object"]["metadata"]["resourceVersion"])
               for i in range(5)]
        evs = r.events()
        r.close()
        same("raw: a watch from a future resourceVersion sends only the events after it",
             [int(e["object"]["metadata"]["resourceVersion"]) for e in evs], [x for x in rvs if x > fut])
        srv.ctl("delete", {"kind": "Service", "namespace": "raw", "name": "fut"})
    except Exception:  # noqa: BLE001
        report(False, "raw: future watch", traceback.format_exc())

    # chunking split / merge: the same byte stream, framed otherwise
    try:
        streams = {}
        for mode in ("event", "split", "merge"):
            srv.ctl("set", {"chunking": mode})
            r = Raw(srv, "/api/v1/services?watch=1&timeoutSeconds=1")
            n = 0
            while r.next_chunk() is not None:
                n += 1
            r.close()
            streams[mode] = (b"".join(r.chunks), n)
        srv.ctl("set", {"chunking": "event"})
        lines = streams["event"][0].count(b"\n")
        same("ctl set chunking: event (one chunk an event, as Go), split (events cut across "
             "chunks), merge (several events a chunk): the same bytes",
             (streams["event"][1] == lines, streams["split"][0] == streams["event"][0],
              streams["split"][1] > lines, streams["merge"][0] == streams["event"][0], streams["merge"][1]),
             (True, True, True, True, 1))
    except Exception:  # noqa: BLE001
        report(False, "chunking modes", traceback.format_exc())

    # Content-Length below 2 KiB, chunked above, gzip from 128 KiB
    try:
        keep = [o for o in srv.dump("services")]
        r = Raw(srv, "/api/v1/nodes?limit=1")
        small = (r.headers.get("content-length") is not None, r.headers.get("transfer-encoding"))
        b1 = r.body()
        r.close()
        bulk = {"kind": "ServiceList", "items": [svc("bulk", f"b{i:04d}", {"bulk": "y"}, f"10.97.{i // 250}.{i % 250}")
                                                for i in range(400)]}
        srv.ctl("load", bulk)
        r = Raw(srv, "/api/v1/namespaces/bulk/services")
        big = (r.headers.get("content-length"), r.headers.get("transfer-encoding"))
        b2 = json.loads(r.body())
        r.close()
        r = Raw(srv, "/api/v1/namespaces/bulk/services", headers=[("Accept-Encoding", "gzip")])
        gz = (r.headers.get("content-encoding"), r.headers.get("transfer-encoding"))
        b3 = json.loads(r.body())
        r.close()
        same("raw: a small list has a Content-Length, a large one is chunked, and gzip "
             "when asked for and 128 KiB or more; bodies end in a newline",
             (small, b1.endswith(b"}\n"), big, len(b2["items"]), gz, b3 == b2),
             ((True, None), True, (None, "chunked"), 400, ("gzip", "chunked"), True))
        r = srv.ctl("load", {"kind": "ServiceList", "items": keep}, query="prune=1")
        same("ctl load?prune=1 deletes what the List does not name, leaves the rest unchanged",
             (by_key(srv.dump("services")), r["DELETED"], r["UNCHANGED"]), (by_key(keep), 400, len(keep)))
    except Exception:  # noqa: BLE001
        report(False, "raw: framing of lists", traceback.format_exc())

    # sendInitialEvents: state, then the initial-events-end bookmark
    try:
        r = Raw(srv, "/api/v1/nodes?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                     "&allowWatchBookmarks=true&timeoutSeconds=1")
        evs = r.events()
        r.close()
        rv = str(srv.rv())
        same("raw: sendInitialEvents=true: ADDED for each node, then a BOOKMARK with "
             "the k8s.io/initial-events-end annotation",
             [(e["type"], e["object"]["metadata"].get("name"), e["object"]["metadata"].get("annotations")) for e in evs],
             [("ADDED", "node-a", None), ("ADDED", "node-b", None),
              ("BOOKMARK", None, {"k8s.io/initial-events-end": "true"})])
        report(evs[-1]["object"]["metadata"]["resourceVersion"] == rv and evs[-1]["object"]["kind"] == "Node",
               "raw: that bookmark is at the current resourceVersion", short(evs[-1]))
        st, body = raw_json(srv, "/api/v1/nodes?watch=1&sendInitialEvents=true")
        same("raw: sendInitialEvents without resourceVersionMatch=NotOlderThan is 422 Invalid",
             (st, body["reason"]), (422, "Invalid"))
        srv.ctl("set", {"bookmark_shape": "minimal"})
        r = Raw(srv, "/api/v1/nodes?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                     "&allowWatchBookmarks=true&timeoutSeconds=1")
        evs = r.events()
        r.close()
        same("raw: bookmark_shape minimal: only kind, apiVersion, metadata",
             evs[-1]["object"], {"kind": "Node", "apiVersion": "v1", "metadata": {
                 "resourceVersion": rv, "annotations": {"k8s.io/initial-events-end": "true"}}})
        srv.ctl("set", {"bookmark_shape": "real"})
    except Exception:  # noqa: BLE001
        report(False, "raw: sendInitialEvents", traceback.format_exc())

    # list at an exact older resourceVersion; RV=0 ignores limit; too large
    try:
        rv1 = srv.rv()
        before = {key(o): o for o in srv.dump("services")}
        srv.ctl("apply", svc("raw", "r1", {"v": "2"}, "10.96.7.1"))
        st, body = raw_json(srv, f"/api/v1/services?resourceVersion={rv1}&resourceVersionMatch=Exact")
        same("raw: resourceVersionMatch=Exact reads the state at that resourceVersion",
             (st, body["metadata"]["resourceVersion"], {key(o): o for o in body["items"]}),
             (200, str(rv1), {k: untyped(o) for k, o in before.items()}))
        st, body = raw_json(srv, "/api/v1/services?resourceVersion=0&limit=1")
        same("raw: resourceVersion=0 is served whole (limit ignored, as from the watch cache)",
             (st, len(body["items"]), "continue" in body["metadata"]), (200, len(before), False))
        t0 = time.time()
        st, body = raw_json(srv, f"/api/v1/services?resourceVersion={rv1 + 1000}&resourceVersionMatch=NotOlderThan")
        same("raw: a resourceVersion from the future: 504 Timeout 'Too large resource version' after ~3 s",
             (st, body.get("reason"), body.get("details", {}).get("causes", [{}])[0].get("reason"),
              2.5 < time.time() - t0 < 10),
             (504, "Timeout", "ResourceVersionTooLarge", True))
        srv.ctl("compact", {})
        st, body = raw_json(srv, f"/api/v1/services?resourceVersion={rv1}&resourceVersionMatch=Exact")
        same("raw: Exact at a compacted resourceVersion: 410 Expired",
             (st, body), (410, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                "message": "The resourceVersion for the provided list is too old.",
                                "reason": "Expired", "code": 410}))
    except Exception:  # noqa: BLE001
        report(False, "raw: list resourceVersions", traceback.format_exc())

    # pages after the first are read at the first page's resourceVersion
    try:
        before = by_key(srv.dump("services"))
        st, p1 = raw_json(srv, "/api/v1/services?limit=2")
        last = before[-1]
        changed = srv.ctl("apply", dict(last, metadata=dict(last["metadata"], labels={"changed": "1"})))["object"]
        srv.ctl("apply", svc("zzz", "late", None, "10.96.5.5"))
        srv.ctl("delete", {"kind": "Service", "namespace": before[2]["metadata"]["namespace"],
                           "name": before[2]["metadata"]["name"]})
        items, path = list(p1["items"]), None
        c = p1["metadata"]["continue"]
        while c:
            st, p = raw_json(srv, "/api/v1/services?limit=2&continue=" + urllib.parse.quote(c))
            items += p["items"]
            c = p["metadata"].get("continue")
        same("raw: continue pages are consistent: changes after the first page (modify, add, "
             "delete) are not seen", items, [untyped(o) for o in before])
        srv.ctl("apply", dict(before[2]))
        srv.ctl("apply", dict(last))
        srv.ctl("delete", {"kind": "Service", "namespace": "zzz", "name": "late"})
        report(changed["metadata"]["labels"] == {"changed": "1"}, "(the change was made)")
    except Exception:  # noqa: BLE001
        report(False, "raw: continue consistency", traceback.format_exc())

    # the 410 for a continue token carries a token that goes on at "now"
    try:
        st, p1 = raw_json(srv, "/api/v1/services?limit=3")
        srv.ctl("compact", {})
        st, e = raw_json(srv, "/api/v1/services?limit=3&continue=" + urllib.parse.quote(p1["metadata"]["continue"]))
        tok = e.get("metadata", {}).get("continue", "")
        dec = json.loads(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)))
        rest = []
        path = "/api/v1/services?limit=3&continue=" + urllib.parse.quote(tok)
        while True:
            st2, p = raw_json(srv, path)
            rest += p["items"]
            if not p["metadata"].get("continue"):
                break
            path = "/api/v1/services?limit=3&continue=" + urllib.parse.quote(p["metadata"]["continue"])
        same("raw: an expired continue: 410 Expired with metadata.continue (rv -1) that lists the rest",
             (st, e["reason"], e["code"], dec["rv"], [key(o) for o in p1["items"] + rest]),
             (410, "Expired", 410, -1, [key(o) for o in by_key(srv.dump("services"))]))
    except Exception:  # noqa: BLE001
        report(False, "raw: continue 410", traceback.format_exc())

    # no-op update: no event, no new resourceVersion
    try:
        cur = [o for o in srv.dump("services") if key(o) == ("default", "web")][0]
        rv = srv.rv()
        r = srv.ctl("apply", cur)
        same("ctl apply of an unchanged object writes nothing (as the apiserver's no-op update)",
             (r["type"], srv.rv()), ("UNCHANGED", rv))
        e1 = srv.ctl("apply", eps("default", "web-abc12", "web", ["10.244.0.5"]))["object"]["metadata"]["generation"]
        srv.ctl("apply", dict(eps("default", "web-abc12", "web", ["10.244.0.5"]),
                              metadata=dict(eps("default", "web-abc12", "web", [])["metadata"], annotations={"a": "b"})))
        e2 = [o for o in srv.dump("endpointslices") if o["metadata"]["name"] == "web-abc12"][0]["metadata"]["generation"]
        same("an EndpointSlice's generation counts content changes, not annotation changes", (e1, e2), (2, 2))
    except Exception:  # noqa: BLE001
        report(False, "no-op update", traceback.format_exc())

    # faults: 429, oversized object, malformed watch line, latency
    try:
        srv.ctl("fail", {"code": 429, "on": "list", "retry_after": 2})
        r = Raw(srv, "/api/v1/services")
        b = json.loads(r.body())
        r.close()
        st2, _ = raw_json(srv, "/api/v1/services")
        same("ctl fail: the next list is a 429 with Retry-After and a Status; the one after is fine",
             (r.status, r.headers.get("retry-after"), b["reason"], b["details"], st2),
             (429, "2", "TooManyRequests", {"retryAfterSeconds": 2}, 200))
        n = 64 << 20
        srv.ctl("oversize", {"on": "list", "bytes": n, "resource": "nodes"})
        r = Raw(srv, "/api/v1/nodes", timeout=120)
        body = json.loads(r.body())
        r.close()
        pad = [len(o["metadata"].get("annotations", {}).get("kapi/pad", "")) for o in body["items"]]
        same("ctl oversize: the next list has one more object with a 64 MiB annotation",
             pad, [0, 0, n])
        srv.ctl("malformed", {"on": "watch", "resource": "nodes"})
        r = Raw(srv, "/api/v1/nodes?watch=1&timeoutSeconds=1")
        ch = []
        while True:
            c = r.next_chunk()
            if c is None:
                break
            ch.append(c)
        r.close()
        bad = []
        for c in ch:
            try:
                json.loads(c)
            except ValueError:
                bad.append(c)
        same("ctl malformed watch: after the ADDED events one line that is not JSON",
             (len(ch), len(bad), ch.index(bad[0]) if bad else None), (3, 1, 2))
        srv.ctl("latency", {"ms": 400})
        t0 = time.time()
        raw_json(srv, "/api/v1/nodes")
        dt = time.time() - t0
        srv.ctl("latency", {"ms": 0})
        report(dt >= 0.4, "ctl latency 400 ms delays a request that long", f"{dt:.3f}s")
    except Exception:  # noqa: BLE001
        report(False, "faults", traceback.format_exc())

    # history bound: a watch that fell out of it is expired
    try:
        srv.ctl("set", {"history": 16})
        rv = srv.rv()
        for i in range(30):
            srv.ctl("apply", svc("hist", "h", {"i": str(i)}, "10.96.6.1"))
        r = Raw(srv, f"/api/v1/services?watch=1&resourceVersion={rv}")
        evs = r.events()
        r.close()
        info = srv.ctl("info")
        same("a resourceVersion that fell out of the bounded history: the 410 ERROR event",
             [(e["type"], e["object"].get("code"), e["object"].get("message")) for e in evs],
             [("ERROR", 410, f"too old resource version: {rv} ({info['compactedResourceVersion']})")])
        srv.ctl("delete", {"kind": "Service", "namespace": "hist", "name": "h"})
        srv.ctl("set", {"history": 10000})
    except Exception:  # noqa: BLE001
        report(False, "history", traceback.format_exc())

    # close-watches every N seconds; abrupt close has no zero chunk
    try:
        srv.ctl("close-watches", {"every": 1})
        t0 = time.time()
        r = Raw(srv, f"/api/v1/nodes?watch=1&resourceVersion={srv.rv()}")
        r.events()
        dt1 = time.time() - t0
        r.close()
        srv.ctl("close-watches", {"every": 0})
        r = Raw(srv, f"/api/v1/nodes?watch=1&resourceVersion={srv.rv()}")
        srv.wait_watches(1)
        srv.ctl("close-watches", {"abrupt": True})
        try:
            r.events()
            how = "clean end"
        except (EOFError, OSError, ssl.SSLError) as e:
            how = "cut: " + type(e).__name__
        r.close()
        srv.ctl("close-watches", {})  # back to clean closes
        report(dt1 < 5 and how.startswith("cut"),
               "close-watches every 1 s ends a watch cleanly within ~1 s; abrupt cuts the connection without the zero chunk",
               f"{dt1:.1f}s {how}")
    except Exception:  # noqa: BLE001
        report(False, "close-watches", traceback.format_exc())

    # down and up on the same port; token rotation
    try:
        r = Raw(srv, f"/api/v1/nodes?watch=1&resourceVersion={srv.rv()}")
        srv.wait_watches(1)
        port = srv.port
        srv.ctl("down", {})
        try:
            r.events()
            w = "clean end"
        except (EOFError, OSError, ssl.SSLError):
            w = "cut"
        r.close()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            refused = False
        except ConnectionRefusedError:
            refused = True
        up = srv.ctl("up", {})
        st, _ = raw_json(srv, "/api/v1/nodes")
        same("ctl down cuts open watches and refuses connections; up serves on the same port",
             (w, refused, up["port"], st), ("cut", True, port, 200))
        old = srv.token
        srv.ctl("token", {"token": "rotated-token-1"})
        st1, _ = raw_json(srv, "/api/v1/nodes", token=old)
        st2, _ = raw_json(srv, "/api/v1/nodes", token="rotated-token-1")
        kc = open(srv.kubeconfig).read()
        srv.ctl("token", {"token": "rotated-token-2", "keep_old": True})
        st3, _ = raw_json(srv, "/api/v1/nodes", token="rotated-token-1")
        st4, _ = raw_json(srv, "/api/v1/nodes", token="rotated-token-2")
        same("ctl token: the old token is refused (401), the new one works and is in the token "
             "file and kubeconfig; keep_old accepts both",
             (st1, st2, srv.token, "token: rotated-token-1" in kc, st3, st4),
             (401, 200, "rotated-token-2", True, 200, 200))
        st, b = raw_json(srv, "/api/v1/nodes", token="")
        same("no token: 401 with the real Status body", (st, b),
             (401, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": "Unauthorized", "reason": "Unauthorized", "code": 401}))
    except Exception:  # noqa: BLE001
        report(False, "down/up/token", traceback.format_exc())

    # counters and the request log
    try:
        srv.ctl("reset-counters", {})
        raw_json(srv, "/api/v1/services")
        raw_json(srv, "/apis/discovery.k8s.io/v1/endpointslices?limit=1")
        r = Raw(srv, "/api/v1/services?watch=1&timeoutSeconds=1")
        r.events()
        r.close()
        c = srv.ctl("counters")
        rq = srv.ctl("requests")["requests"]
        same("ctl counters and requests count every API request by verb and resource",
             (c["requests"], [r["path"] for r in rq]),
             ({"list services": 1, "list endpointslices": 1, "watch services": 1},
              ["/api/v1/services", "/apis/discovery.k8s.io/v1/endpointslices?limit=1",
               "/api/v1/services?watch=1&timeoutSeconds=1"]))
    except Exception:  # noqa: BLE001
        report(False, "counters", traceback.format_exc())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kubectl", action="append", default=[])
    ap.add_argument("--only", default="", help="kubectl,python,raw (comma list)")
    ap.add_argument("--keep", action="store_true", help="keep the state directories")
    a = ap.parse_args()
    only = set(filter(None, a.only.split(",")))
    root = tempfile.mkdtemp(prefix="kapi-check.")
    servers = []
    try:
        def fresh(name):
            s = Server(root, name, "--bookmark-interval", "60")
            servers.append(s)
            services, slices, nodes = fixture()
            s.ctl("load", {"kind": "List", "items": services + slices + nodes})
            return s

        if not only or "kubectl" in only:
            for path in a.kubectl:
                if not os.path.exists(path):
                    skip(f"kubectl {path}", "not installed")
                    continue
                k = Kubectl(path, root)
                srv = fresh("k" + k.version)
                # the fixture went in as loaded
                same(f"{k.name}: server up with the fixture",
                     [names(srv.dump(r)) for r in ("services", "endpointslices", "nodes")],
                     [names(x) for x in fixture()])
                kubectl_checks(k, srv)
                if tuple(map(int, k.version.split("."))) >= (1, 27):
                    aggregated_check(k, srv)
                srv.stop()
        if not only or "python" in only:
            srv = fresh("python")
            python_checks(srv)
            srv.stop()
        if not only or "raw" in only:
            srv = fresh("raw")
            raw_checks(srv)
            srv.stop()
    finally:
        for s in servers:
            s.stop()
        if a.keep or _fail:
            print(f"# state and server logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 1 if _fail else 0


if __name__ == "__main__":
    sys.exit(main())
