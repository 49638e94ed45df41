#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kapi.py: a test Kubernetes API server for ksvc's tests (Python 3
standard library, plus the openssl command for the certificates).

It serves, over HTTPS with a bearer token, v1 services and nodes and
discovery.k8s.io/v1 endpointslices the way kube-apiserver 1.32 does: LIST
with limit/continue/resourceVersion/resourceVersionMatch and label and field
selectors, WATCH (chunked, one JSON event a line) with bookmarks, timeouts
and 410 Expired, discovery for kubectl.  A second, plain-HTTP port on
localhost scripts it (add/delete objects, close watches, compact, go down,
inject faults); README.md beside this file lists every command.

    kapi.py serve --dir DIR [--listen ADDR:PORT] [--san NAME]...
    kapi.py ctl DIR COMMAND [JSON | @FILE | -]
"""

import argparse
import base64
import bisect
import datetime
import gzip
import http.server
import ipaddress
import json
import os
import random
import re
import secrets
import select
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
import urllib.request
import uuid

VERSION = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0",
    "gitCommit": "70d3cc986aa8221cd1dfb1121852688902d3bf53",
    "gitTreeState": "clean",
    "buildDate": "2024-12-11T17:59:15Z",
    "goVersion": "go1.23.3",
    "compiler": "gc",
    "platform": "linux/amd64",
}

# ---------------------------------------------------------------- resources


class Resource:
    def __init__(self, name, group, version, kind, namespaced, singular,
                 short, fields, categories=(), generation=False):
        self.name = name
        self.group = group
        self.version = version
        self.api_version = f"{group}/{version}" if group else version
        self.kind = kind
        self.list_kind = kind + "List"
        self.namespaced = namespaced
        self.singular = singular
        self.short = list(short)
        self.fields = fields  # field selector label -> getter
        self.categories = list(categories)
        self.generation = generation  # server manages metadata.generation
        # "services" or "endpointslices.discovery.k8s.io", as error messages
        # name a resource
        self.qualified = f"{name}.{group}" if group else name


def _meta(o, k):
    return (o.get("metadata") or {}).get(k, "")


def _unsched(o):
    return "true" if (o.get("spec") or {}).get("unschedulable") else "false"


_NAME_NS = {"metadata.name": lambda o: _meta(o, "name"),
            "metadata.namespace": lambda o: _meta(o, "namespace")}

RESOURCES = {
    "services": Resource("services", "", "v1", "Service", True, "service",
                         ["svc"], _NAME_NS, ["all"]),
    "endpointslices": Resource("endpointslices", "discovery.k8s.io", "v1",
                               "EndpointSlice", True, "endpointslice", [],
                               _NAME_NS, generation=True),
    "nodes": Resource("nodes", "", "v1", "Node", False, "node", ["no"],
                      dict(_NAME_NS, **{"spec.unschedulable": _unsched})),
}
BY_KIND = {r.kind: r for r in RESOURCES.values()}
for _r in list(RESOURCES.values()):
    BY_KIND[_r.list_kind] = _r

# What kube-apiserver 1.32 puts in a BOOKMARK's object: an empty typed
# object (Go structs without omitempty come out as {} / "" / null).
REAL_BOOKMARK_BODY = {
    "services": {"spec": {}, "status": {"loadBalancer": {}}},
    "endpointslices": {"addressType": "", "endpoints": None},
    "nodes": {"spec": {}, "status": {
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 0}},
        "nodeInfo": {k: "" for k in (
            "machineID", "systemUUID", "bootID", "kernelVersion", "osImage",
            "containerRuntimeVersion", "kubeletVersion", "kubeProxyVersion",
            "operatingSystem", "architecture")}}},
}

META_ORDER = ["name", "generateName", "namespace", "selfLink", "uid",
              "resourceVersion", "generation", "creationTimestamp",
              "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
              "annotations", "ownerReferences", "finalizers", "managedFields"]

# ------------------------------------------------------------------- JSON


def jdump(o):
    """Compact JSON as Go's encoding/json writes it (HTML-escaped <>&,
    UTF-8 kept), without the trailing newline."""
    s = json.dumps(o, separators=(",", ":"), ensure_ascii=False)
    if "<" in s or ">" in s or "&" in s or "\u2028" in s or "\u2029" in s:
        s = (s.replace("<", "\\u003c").replace(">", "\\u003e")
             .replace("&", "\\u0026").replace("\u2028", "\\u2028")
             .replace("\u2029", "\\u2029"))
    return s


def status_obj(code, reason, message, details=None, meta=None):
    st = {"kind": "Status", "apiVersion": "v1", "metadata": meta or {},
          "status": "Failure", "message": message}
    if reason:
        st["reason"] = reason
    if details is not None:
        st["details"] = details
    st["code"] = code
    return st


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None, meta=None,
                 headers=()):
        super().__init__(message)
        self.status = status_obj(code, reason, message, details, meta)
        self.code = code
        self.headers = list(headers)


def bad_request(msg):
    return ApiError(400, "BadRequest", msg)


def invalid_listoptions(field, value, detail, kind="Invalid"):
    # metainternalversionvalidation.ValidateListOptions -> NewInvalid
    if kind == "Forbidden":
        m = f"{field}: Forbidden: {detail}"
        cause = {"reason": "FieldValueForbidden", "message": f"Forbidden: {detail}",
                 "field": field}
    else:
        m = f"{field}: {kind}: {value}: {detail}" if value is not None else f"{field}: {detail}"
        cause = {"reason": "FieldValueInvalid", "message": m, "field": field}
    return ApiError(422, "Invalid",
                    f'ListOptions.meta.k8s.io "" is invalid: {m}',
                    {"group": "meta.k8s.io", "kind": "ListOptions",
                     "causes": [cause]})


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def qbool(q, k):
    """A boolean query parameter as the apiserver converts it: present and
    not "0"/"false" is true."""
    if k not in q:
        return None
    v = q[k]
    return not (v == "0" or v.lower() == "false")


# ------------------------------------------------------------- selectors

_LABEL_NAME = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")
_DNS1123_SUB = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _check_key(k):
    if "/" in k:
        prefix, name = k.split("/", 1)
        if not prefix or len(prefix) > 253 or not _DNS1123_SUB.match(prefix):
            raise bad_request(
                f'unable to parse requirement: <nil>: Invalid value: "{k}": '
                "prefix part a lowercase RFC 1123 subdomain must consist of "
                "lower case alphanumeric characters, '-' or '.', and must "
                "start and end with an alphanumeric character")
    else:
        name = k
    if not name or len(name) > 63 or not _LABEL_NAME.match(name):
        raise bad_request(
            f'unable to parse requirement: <nil>: Invalid value: "{k}": '
            "name part must consist of alphanumeric characters, '-', '_' or "
            "'.', and must start and end with an alphanumeric character "
            "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")


def _check_value(k, v):
    if len(v) > 63 or not _LABEL_NAME.match(v):
        raise bad_request(
            f'unable to parse requirement: values[0][{k}]: Invalid value: '
            f'"{v}": a valid label must be an empty string or consist of '
            "alphanumeric characters, '-', '_' or '.', and must start and "
            "end with an alphanumeric character (e.g. 'MyValue',  or "
            "'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


_TOK = re.compile(r"\s*(!=|==|=|!|\(|\)|,|>|<|[^\s!=(),<>]+)")


def parse_label_selector(s):
    """k8s.io/apimachinery/pkg/labels.Parse: a list of (key, op, values)
    with op in exists, !, =, !=, in, notin, gt, lt."""
    toks = []
    pos = 0
    s = s.strip()
    while pos < len(s):
        m = _TOK.match(s, pos)
        if not m:
            break
        toks.append(m.group(1))
        pos = m.end()
    reqs = []
    i = 0

    def peek():
        return toks[i] if i < len(toks) else None

    def ident(what):
        nonlocal i
        t = peek()
        if t is None or t in ("!=", "==", "=", "!", "(", ")", ",", ">", "<"):
            raise bad_request(f"found '{t if t is not None else 'EOS'}', expected: {what}")
        i += 1
        return t

    if not toks:
        return reqs
    while True:
        neg = False
        if peek() == "!":
            neg = True
            i += 1
        key = ident("identifier")
        _check_key(key)
        t = peek()
        if neg:
            if t not in (None, ","):
                raise bad_request(f"found '{t}', expected: ',' or 'end of string'")
            reqs.append((key, "!", []))
        elif t in (None, ","):
            reqs.append((key, "exists", []))
        elif t in ("=", "==", "!="):
            i += 1
            v = peek()
            if v in (None, ","):
                vals = [""]
            else:
                vals = [ident("identifier")]
            _check_value(key, vals[0])
            reqs.append((key, "!=" if t == "!=" else "=", vals))
        elif t in (">", "<"):
            i += 1
            v = ident("identifier")
            try:
                int(v)
            except ValueError:
                raise bad_request("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer")
            reqs.append((key, "gt" if t == ">" else "lt", [v]))
        elif t in ("in", "notin"):
            i += 1
            if peek() != "(":
                raise bad_request(f"found '{peek()}', expected: '('")
            i += 1
            vals = []
            while True:
                v = peek()
                if v in (",", ")"):
                    vals.append("")
                else:
                    vals.append(ident("identifier"))
                _check_value(key, vals[-1])
                v = peek()
                if v == ",":
                    i += 1
                    continue
                if v == ")":
                    i += 1
                    break
                raise bad_request(f"found '{v}', expected: ',', ')' or identifier")
            reqs.append((key, t, sorted(set(vals))))
        else:
            raise bad_request(
                f"found '{t}', expected: in, notin, =, ==, !=, gt, lt")
        t = peek()
        if t is None:
            break
        if t != ",":
            raise bad_request(f"found '{t}', expected: ',' or 'end of string'")
        i += 1
    return reqs


def label_match(reqs, obj):
    labels = (obj.get("metadata") or {}).get("labels") or {}
    for key, op, vals in reqs:
        has = key in labels
        v = labels.get(key)
        if op == "exists" and not has:
            return False
        if op == "!" and has:
            return False
        if op in ("=", "in") and (not has or v not in vals):
            return False
        if op in ("!=", "notin") and has and v in vals:
            return False
        if op in ("gt", "lt"):
            if not has:
                return False
            try:
                n = int(v)
            except ValueError:
                return False
            if op == "gt" and not n > int(vals[0]):
                return False
            if op == "lt" and not n < int(vals[0]):
                return False
    return True


def _split_unescaped(s, sep):
    out, cur, esc = [], [], False
    for c in s:
        if esc:
            cur.append("\\" + c)
            esc = False
        elif c == "\\":
            esc = True
        elif c == sep:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    out.append("".join(cur) + ("\\" if esc else ""))
    return out


def _unescape(v):
    return re.sub(r"\\(.)", r"\1", v)


def parse_field_selector(s, res):
    """fields.ParseSelector plus the resource's supported field labels."""
    reqs = []
    if not s.strip():
        return reqs
    for term in _split_unescaped(s, ","):
        if not term:
            continue
        for op in ("!=", "==", "="):
            idx = -1
            # the first unescaped occurrence of op
            j = 0
            while True:
                j = term.find(op, j)
                if j < 0:
                    break
                if j > 0 and term[j - 1] == "\\":
                    j += 1
                    continue
                idx = j
                break
            if idx >= 0:
                key, val = term[:idx], _unescape(term[idx + len(op):])
                break
        else:
            raise bad_request(f"invalid selector: '{s}'; can't understand '{term}'")
        if key not in res.fields:
            raise bad_request(f'field label not supported: {key}')
        reqs.append((key, "!=" if op == "!=" else "=", val))
    return reqs


def field_match(reqs, res, obj):
    for key, op, val in reqs:
        got = res.fields[key](obj)
        if (got == val) != (op == "="):
            return False
    return True


class Filter:
    """Which objects of one resource a list or watch sees."""

    def __init__(self, res, ns, name, q):
        self.res = res
        self.ns = ns
        self.name = name
        self.labels = parse_label_selector(q.get("labelSelector", ""))
        self.fields = parse_field_selector(q.get("fieldSelector", ""), res)
        self.empty = not self.labels and not self.fields and name is None

    def key_ok(self, key):
        if self.ns is not None and not key.startswith(self.ns + "/"):
            return False
        return True

    def match(self, obj):
        if obj is None:
            return False
        md = obj.get("metadata") or {}
        if self.ns is not None and md.get("namespace") != self.ns:
            return False
        if self.name is not None and md.get("name") != self.name:
            return False
        return label_match(self.labels, obj) and field_match(self.fields, self.res, obj)


# ------------------------------------------------------------------ store


class Event:
    __slots__ = ("rv", "res", "key", "type", "obj", "prev", "wire")

    def __init__(self, rv, res, key, typ, obj, prev):
        self.rv = rv
        self.res = res
        self.key = key
        self.type = typ
        self.obj = obj  # state after (DELETED: the last state, at rv)
        self.prev = prev  # state before, None for ADDED
        self.wire = None  # cached watch line, bytes


def obj_key(res, obj):
    md = obj["metadata"]
    return f'{md["namespace"]}/{md["name"]}' if res.namespaced else md["name"]


class Store:
    """Objects of every resource, one global resourceVersion counter (as
    etcd's revision), and a bounded history of events for watches and for
    lists at an older resourceVersion."""

    def __init__(self, history):
        self.cond = threading.Condition()
        self.rv = 1
        self.objs = {r: {} for r in RESOURCES}
        self.events = []  # Event, ascending rv
        self.ev_rvs = []
        self.base_seq = 0  # seq of events[0]
        self.history = max(16, history)
        # oldest resourceVersion a watch may start from / a list may be
        # read at ("compaction point"); every event after it is in events
        self.compact_rv = 1

    # callers hold cond
    @property
    def next_seq(self):
        return self.base_seq + len(self.events)

    def _append(self, ev):
        self.events.append(ev)
        self.ev_rvs.append(ev.rv)
        if len(self.events) > self.history + self.history // 4:
            drop = len(self.events) - self.history
            self.compact_rv = max(self.compact_rv, self.events[drop - 1].rv)
            del self.events[:drop]
            del self.ev_rvs[:drop]
            self.base_seq += drop
        self.cond.notify_all()

    def seq_after(self, rv):
        """Sequence number of the first event with resourceVersion > rv."""
        return self.base_seq + bisect.bisect_right(self.ev_rvs, rv)

    def upsert(self, res, obj):
        md_in = dict(obj.get("metadata") or {})
        name = md_in.get("name")
        if not name or not isinstance(name, str):
            raise ValueError("metadata.name is required")
        if res.namespaced:
            md_in["namespace"] = md_in.get("namespace") or "default"
        else:
            md_in.pop("namespace", None)
        av = obj.get("apiVersion")
        if av and av != res.api_version:
            raise ValueError(f"apiVersion {av} is not {res.api_version} for {res.kind}")
        key = obj_key(res, {"metadata": md_in})
        with self.cond:
            old = self.objs[res.name].get(key)
            omd = (old or {}).get("metadata") or {}
            md = dict(md_in)
            if old:
                md["uid"] = omd["uid"]
                md["creationTimestamp"] = omd["creationTimestamp"]
            else:
                md.setdefault("uid", str(uuid.uuid4()))
                md.setdefault("creationTimestamp", now_rfc3339())
            md.pop("resourceVersion", None)
            body = {k: v for k, v in obj.items()
                    if k not in ("kind", "apiVersion", "metadata")}
            if res.generation:
                if old is None:
                    md["generation"] = 1
                else:
                    ob = {k: v for k, v in old.items()
                          if k not in ("kind", "apiVersion", "metadata")}
                    gen = omd.get("generation", 1)
                    if ob != body or omd.get("labels") != md.get("labels"):
                        gen += 1
                    md["generation"] = gen
            if old is not None:
                cmp_old = dict(old, metadata=dict(omd))
                cmp_old["metadata"].pop("resourceVersion", None)
                cmp_new = dict(body, kind=res.kind, apiVersion=res.api_version, metadata=md)
                if cmp_old == cmp_new:
                    return "UNCHANGED", old  # a no-op update writes nothing
            self.rv += 1
            md["resourceVersion"] = str(self.rv)
            new = {"kind": res.kind, "apiVersion": res.api_version}
            new["metadata"] = {k: md[k] for k in META_ORDER if k in md}
            new["metadata"].update({k: v for k, v in md.items() if k not in META_ORDER})
            new.update(body)
            self.objs[res.name][key] = new
            typ = "MODIFIED" if old is not None else "ADDED"
            self._append(Event(self.rv, res.name, key, typ, new, old))
            return typ, new

    def delete(self, res, key):
        with self.cond:
            old = self.objs[res.name].pop(key, None)
            if old is None:
                return None
            self.rv += 1
            gone = with_rv(old, self.rv)
            self._append(Event(self.rv, res.name, key, "DELETED", gone, old))
            return gone

    def compact(self, bump=True):
        with self.cond:
            if bump:
                self.rv += 1  # as a write elsewhere in etcd
            self.compact_rv = self.rv
            self.cond.notify_all()
            return self.rv

    def state_at(self, resname, rv):
        """{key: obj} of one resource as it was at rv (rv >= compact_rv);
        caller holds cond."""
        cur = dict(self.objs[resname])
        if rv >= self.rv:
            return cur
        for ev in reversed(self.events):
            if ev.rv <= rv:
                break
            if ev.res != resname:
                continue
            if ev.prev is None:
                cur.pop(ev.key, None)
            else:
                cur[ev.key] = ev.prev
        return cur

    def wait_rv(self, rv, timeout):
        """Wait until the store reaches rv; False after timeout."""
        end = time.monotonic() + timeout
        with self.cond:
            while self.rv < rv:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True


def with_rv(obj, rv):
    o = dict(obj)
    o["metadata"] = dict(obj["metadata"], resourceVersion=str(rv))
    return o


def strip_type(obj):
    return {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}


def encode_continue(rv, start):
    raw = jdump({"v": "meta.k8s.io/v1", "rv": rv, "start": start})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_continue(tok):
    try:
        pad = "=" * (-len(tok) % 4)
        d = json.loads(base64.urlsafe_b64decode(tok + pad))
        if d.get("v") != "meta.k8s.io/v1":
            raise ValueError("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        rv = int(d["rv"])
        start = d["start"]
        if not isinstance(start, str):
            raise ValueError("continue key is not valid")
        return rv, start
    except ApiError:
        raise
    except Exception as e:  # noqa: BLE001 - any garbage is a bad token
        msg = str(e) if isinstance(e, ValueError) and "continue key" in str(e) else \
            "continue key is not valid: illegal base64 data" if not isinstance(e, KeyError) else \
            "continue key is not valid: missing rv"
        raise bad_request(msg) from None


# ------------------------------------------------------------- the server

MSG_CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent "
    "list result. You can start a new list without the continue parameter, "
    "or use the continue token in this response to retrieve the remainder "
    "of the results. Continuing with the provided token results in an "
    "inconsistent list - objects that were created, modified, or deleted "
    "between the time the first chunk was returned and now may show up in "
    "the list.")
MSG_LIST_EXPIRED = "The resourceVersion for the provided list is too old."


class App:
    def __init__(self, args):
        self.args = args
        self.dir = os.path.abspath(args.dir)
        self.store = Store(args.history)
        self.lock = threading.Lock()
        self.tokens = {}  # token -> user
        self.forbidden = {}  # token -> user (authenticated, may not read)
        self.token = args.token or secrets.token_hex(16)
        self.tokens[self.token] = args.user
        self.forbidden_token = args.forbidden_token or ("forbidden-" + secrets.token_hex(8))
        self.forbidden[self.forbidden_token] = args.forbidden_user
        self.anonymous = args.anonymous
        self.bookmark_interval = args.bookmark_interval
        self.bookmark_shape = "real"
        self.min_request_timeout = args.min_request_timeout
        self.chunking = "event"
        self.aggregated_discovery = False
        self.latency_ms = 0
        self.close_gen = 0
        self.close_abrupt = False
        self.periodic_close = 0.0
        self.periodic_thread = None
        self.down_gen = 0
        self.is_down = False
        self.inject = []  # list of dicts: fault for next requests
        self.counters = {}
        self.codes = {}
        self.open_watches = {}
        self.watches_total = 0
        self.events_sent = 0
        self.bookmarks_sent = 0
        self.conns = set()
        self.conns_total = 0
        self.recent = []
        self.listener = None
        self.port = 0
        self.started = time.time()

    # ---------------------------------------------------------- bookkeeping
    def count(self, verb, resname, code):
        with self.lock:
            k = f"{verb} {resname}"
            self.counters[k] = self.counters.get(k, 0) + 1
            self.codes[str(code)] = self.codes.get(str(code), 0) + 1

    def record(self, rec):
        with self.lock:
            self.recent.append(rec)
            if len(self.recent) > 1000:
                del self.recent[:200]

    def take_inject(self, kind, verb, resname):
        """Pop the first scripted fault of kind matching this request."""
        with self.lock:
            for i, f in enumerate(self.inject):
                if f["kind"] != kind:
                    continue
                if f.get("on", "any") not in ("any", verb):
                    continue
                if f.get("resource") and f["resource"] != resname:
                    continue
                f["count"] = f.get("count", 1) - 1
                if f["count"] <= 0:
                    del self.inject[i]
                return f
        return None

    def authenticate(self, h):
        """(user, may_read) or raises 401."""
        auth = h.headers.get("Authorization")
        if auth is None and self.anonymous:
            return "system:anonymous", False
        if auth and auth.startswith("Bearer "):
            tok = auth[7:].strip()
            with self.lock:
                if tok in self.tokens:
                    return self.tokens[tok], True
                if tok in self.forbidden:
                    return self.forbidden[tok], False
        raise ApiError(401, "Unauthorized", "Unauthorized")

    # ------------------------------------------------------------- files
    def write_file(self, name, text, mode=0o644):
        p = os.path.join(self.dir, name)
        tmp = p + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, p)

    def kubeconfig(self, token):
        return (
            "apiVersion: v1\n"
            "kind: Config\n"
            "clusters:\n"
            "- name: kapi\n"
            "  cluster:\n"
            f"    server: https://{self.host_for_url()}:{self.port}\n"
            f"    certificate-authority: {os.path.join(self.dir, 'ca.crt')}\n"
            "users:\n"
            "- name: kapi\n"
            "  user:\n"
            f"    token: {token}\n"
            "contexts:\n"
            "- name: kapi\n"
            "  context:\n"
            "    cluster: kapi\n"
            "    user: kapi\n"
            "current-context: kapi\n")

    def host_for_url(self):
        host = self.args.listen_host
        if host in ("", "0.0.0.0", "::"):
            return "127.0.0.1"
        if ":" in host:
            return f"[{host}]"
        return host

    def write_token_files(self):
        self.write_file("token", self.token + "\n", 0o600)
        self.write_file("forbidden-token", self.forbidden_token + "\n", 0o600)
        self.write_file("kubeconfig", self.kubeconfig(self.token), 0o600)
        self.write_file("kubeconfig-forbidden", self.kubeconfig(self.forbidden_token), 0o600)


def log(msg):
    sys.stderr.write(f"kapi: {msg}\n")
    sys.stderr.flush()


class ClientGone(Exception):
    pass


class ApiHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kapi"
    timeout = 300  # idle keep-alive connections
    app = None  # set on the subclass

    def log_message(self, fmt, *args):  # noqa: A003 - silence the default
        pass

    def log_request(self, code="-", size="-"):
        pass

    # ---------------------------------------------------------- writing
    def start(self, code, ctype, headers=(), length=None, chunked=False):
        self.send_response_only(code)
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Date", self.date_time_string())
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self._code = code

    def w(self, data):
        try:
            self.wfile.write(data)
            self._bytes += len(data)
        except (OSError, ValueError, AttributeError) as e:
            self.close_connection = True
            raise ClientGone() from e

    def chunk(self, data):
        if not data:
            return
        if self.app.chunking == "split" and len(data) > 1:
            pos = 0
            while pos < len(data):
                n = random.randint(1, max(1, min(len(data) - pos, len(data) // 3 or 1)))
                p = data[pos:pos + n]
                self.w(b"%x\r\n%s\r\n" % (len(p), p))
                pos += n
        else:
            self.w(b"%x\r\n%s\r\n" % (len(data), data))

    def end_chunks(self):
        self.w(b"0\r\n\r\n")

    def body(self, code, data, ctype="application/json", headers=(), compress=True):
        """A whole response body, framed as Go's net/http frames it: a
        Content-Length below 2 KiB, chunked above; gzip when the client
        accepts it and the body is 128 KiB or more (as the apiserver)."""
        headers = list(headers)
        if isinstance(data, str):
            data = data.encode()
        if self.command == "HEAD":
            self.start(code, ctype, headers, length=len(data))
            return
        ae = self.headers.get("Accept-Encoding", "")
        if compress and len(data) >= 128 * 1024 and "gzip" in ae.lower():
            data = gzip.compress(data, 4)
            headers.append(("Content-Encoding", "gzip"))
            headers.append(("Vary", "Accept-Encoding"))
            self.start(code, ctype, headers, chunked=True)
            for i in range(0, len(data), 65536):
                self.chunk(data[i:i + 65536])
            self.end_chunks()
        elif len(data) < 2048 and self.app.chunking != "split":
            self.start(code, ctype, headers, length=len(data))
            self.w(data)
        else:
            self.start(code, ctype, headers, chunked=True)
            for i in range(0, len(data), 65536):
                self.chunk(data[i:i + 65536])
            self.end_chunks()

    def json(self, code, obj, headers=()):
        self.body(code, jdump(obj) + "\n", headers=headers)

    # ---------------------------------------------------------- dispatch
    def do_GET(self):  # noqa: N802
        self.handle_api()

    def do_HEAD(self):  # noqa: N802
        self.handle_api()

    def do_POST(self):  # noqa: N802
        self.handle_api()

    do_PUT = do_PATCH = do_DELETE = do_POST

    def handle_api(self):
        app = self.app
        t0 = time.monotonic()
        self._code = 0
        self._bytes = 0
        self._verb = "other"
        self._res = "-"
        self._note = ""
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        try:
            if app.latency_ms:
                time.sleep(app.latency_ms / 1000.0)
            self.route()
        except ApiError as e:
            try:
                self.json(e.code, e.status, e.headers)
            except ClientGone:
                pass
        except ClientGone:
            pass
        except Exception:  # noqa: BLE001 - a bug: report as 500
            traceback.print_exc()
            try:
                if not self._code:
                    self.json(500, status_obj(500, "InternalError", "kapi internal error"))
            except ClientGone:
                pass
            self.close_connection = True
        dt = (time.monotonic() - t0) * 1000
        app.count(self._verb, self._res, self._code)
        app.record({"t": round(time.time(), 3), "method": self.command,
                    "path": self.path, "verb": self._verb,
                    "resource": self._res, "code": self._code,
                    "ms": round(dt, 1), "user_agent": self.headers.get("User-Agent", ""),
                    "accept": self.headers.get("Accept", "")})
        log(f"{self.command} {self.path} {self._code} {dt:.1f}ms "
            f"{self._bytes}B{self._note}")

    def route(self):
        app = self.app
        u = urllib.parse.urlsplit(self.path)
        path = u.path
        q = {}
        for k, v in urllib.parse.parse_qsl(u.query, keep_blank_values=True):
            q.setdefault(k, v)
        if path in ("/healthz", "/livez", "/readyz"):
            self._verb = "health"
            self.body(200, "ok", "text/plain; charset=utf-8")
            return
        user, may_read = app.authenticate(self)
        if path == "/version":
            self._verb = "discovery"
            self._res = path
            self.body(200, json.dumps(VERSION, indent=2))
            return
        if path in ("/api", "/apis", "/api/v1", "/apis/discovery.k8s.io",
                    "/apis/discovery.k8s.io/v1"):
            self._verb = "discovery"
            self._res = path
            self.discovery(path)
            return
        parts = [p for p in path.split("/") if p]
        # /api/v1/... or /apis/discovery.k8s.io/v1/...
        if len(parts) >= 2 and parts[0] == "api" and parts[1] == "v1":
            group, rest = "", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis" and parts[1] == "discovery.k8s.io" and parts[2] == "v1":
            group, rest = "discovery.k8s.io", parts[3:]
        elif parts and parts[0] in ("api", "apis", "openapi"):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        else:
            self.body(404, "404 page not found\n", "text/plain; charset=utf-8")
            return
        watch_path = False
        if rest and rest[0] == "watch":
            watch_path = True
            rest = rest[1:]
        ns = None
        if len(rest) >= 3 and rest[0] == "namespaces":
            ns = rest[1]
            rest = rest[2:]
        if not rest or len(rest) > 2:
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        res = RESOURCES.get(rest[0])
        if res is None or res.group != group or (ns is not None and not res.namespaced):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        name = rest[1] if len(rest) == 2 else None
        self._res = res.name
        watch = watch_path or bool(qbool(q, "watch"))
        verb = "watch" if watch else ("get" if name else "list")
        self._verb = verb
        if self.command not in ("GET", "HEAD"):
            mverb = {"POST": "create", "PUT": "update", "PATCH": "patch",
                     "DELETE": "delete"}[self.command]
            self._verb = mverb
            if not may_read:
                raise forbidden(user, mverb, res, ns, name)
            raise ApiError(405, "MethodNotAllowed",
                           "the server does not allow this method on the requested resource (kapi is read-only; script it through the control port)",
                           {"group": res.group, "kind": res.name} if res.group else {"kind": res.name})
        if not may_read:
            raise forbidden(user, verb, res, ns, name)
        f = app.take_inject("fail", verb, res.name)
        if f:
            code = int(f.get("code", 500))
            reason = {429: "TooManyRequests", 500: "InternalError",
                      503: "ServiceUnavailable", 504: "Timeout",
                      410: "Expired", 400: "BadRequest"}.get(code, "")
            msg = f.get("message") or {
                429: "Too many requests, please try again later.",
                500: "Internal error occurred: kapi scripted failure",
                503: "The server is currently unable to handle the request",
            }.get(code, "kapi scripted failure")
            hdrs = []
            details = None
            if code in (429, 503, 504):
                ra = int(f.get("retry_after", 1))
                hdrs.append(("Retry-After", str(ra)))
                details = {"retryAfterSeconds": ra}
            raise ApiError(code, reason, msg, details, headers=hdrs)
        if name is not None and not watch:
            self.get_one(res, ns, name)
        elif watch:
            self.serve_watch(res, ns, name, q)
        else:
            self.serve_list(res, ns, q)

    # ---------------------------------------------------------- discovery
    def discovery(self, path):
        app = self.app
        accept = self.headers.get("Accept", "")
        if app.aggregated_discovery and path in ("/api", "/apis") and \
                "as=APIGroupDiscoveryList" in accept:
            self.aggregated(path, accept)
            return
        if path == "/api":
            obj = {"kind": "APIVersions", "versions": ["v1"],
                   "serverAddressByClientCIDRs": [{
                       "clientCIDR": "0.0.0.0/0",
                       "serverAddress": f"{app.host_for_url()}:{app.port}"}]}
        elif path == "/apis":
            obj = {"kind": "APIGroupList", "apiVersion": "v1", "groups": [group_obj()]}
        elif path == "/apis/discovery.k8s.io":
            obj = dict({"kind": "APIGroup", "apiVersion": "v1"}, **group_obj())
        else:
            gv = "v1" if path == "/api/v1" else "discovery.k8s.io/v1"
            obj = {"kind": "APIResourceList"}
            if gv != "v1":
                obj["apiVersion"] = "v1"  # the core list has none
            obj["groupVersion"] = gv
            obj["resources"] = [resource_entry(r) for r in sorted(
                RESOURCES.values(), key=lambda r: r.name) if r.api_version == gv]
        self.json(200, obj)

    def aggregated(self, path, accept):
        v = "v2" if "v=v2;" in accept or accept.endswith("v=v2") or "v=v2," in accept else "v2beta1"
        items = []
        if path == "/api":
            groups = [("", "v1")]
        else:
            groups = [("discovery.k8s.io", "v1")]
        for g, ver in groups:
            resources = []
            for r in sorted(RESOURCES.values(), key=lambda r: r.name):
                if r.group != g:
                    continue
                e = {"resource": r.name,
                     "responseKind": {"group": g, "version": ver, "kind": r.kind},
                     "scope": "Namespaced" if r.namespaced else "Cluster",
                     "singularResource": r.singular,
                     "verbs": ["get", "list", "watch"]}
                if r.short:
                    e["shortNames"] = r.short
                if r.categories:
                    e["categories"] = r.categories
                resources.append(e)
            md = {"creationTimestamp": None}
            if g:
                md = {"name": g, "creationTimestamp": None}
            items.append({"metadata": md, "versions": [
                {"version": ver, "resources": resources, "freshness": "Current"}]})
        obj = {"kind": "APIGroupDiscoveryList",
               "apiVersion": f"apidiscovery.k8s.io/{v}",
               "metadata": {}, "items": items}
        ctype = f"application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList"
        self.body(200, jdump(obj) + "\n", ctype,
                  headers=[("Vary", "Accept"), ("Etag", '"kapi-%d"' % len(items))])

    # ---------------------------------------------------------- get
    def get_one(self, res, ns, name):
        key = f"{ns}/{name}" if res.namespaced else name
        if res.namespaced and ns is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        with self.app.store.cond:
            obj = self.app.store.objs[res.name].get(key)
        if obj is None:
            d = {"name": name}
            if res.group:
                d["group"] = res.group
            d["kind"] = res.name
            raise ApiError(404, "NotFound", f'{res.qualified} "{name}" not found', d)
        self.json(200, obj)

    # ---------------------------------------------------------- list
    def serve_list(self, res, ns, q):
        app = self.app
        st = app.store
        flt = Filter(res, ns, None, q)
        rv_s = q.get("resourceVersion", "")
        rvm = q.get("resourceVersionMatch", "")
        cont = q.get("continue", "")
        limit = 0
        if q.get("limit"):
            try:
                limit = int(q["limit"])
            except ValueError:
                raise bad_request(f'limit: Invalid value: "{q["limit"]}": must be an integer') from None
            limit = max(0, limit)
        if rvm not in ("", "Exact", "NotOlderThan"):
            raise invalid_listoptions("resourceVersionMatch", f'"{rvm}"', 'supported values: "Exact", "NotOlderThan", ""', "Unsupported value")
        if rvm and cont:
            raise invalid_listoptions("resourceVersionMatch", None, "resourceVersionMatch is forbidden when continue is provided", "Forbidden")
        if rvm and not rv_s:
            raise invalid_listoptions("resourceVersionMatch", None, "resourceVersionMatch is forbidden unless resourceVersion is provided", "Forbidden")
        if rvm == "Exact" and rv_s == "0":
            raise invalid_listoptions("resourceVersionMatch", None, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"', "Forbidden")
        n_rv = None
        if rv_s:
            try:
                n_rv = int(rv_s)
                if n_rv < 0:
                    raise ValueError
            except ValueError:
                raise bad_request(f'resourceVersion: Invalid value: "{rv_s}": must be a non-negative integer') from None
        start = ""
        at = None  # resourceVersion to read at; None: now
        if cont:
            if rv_s and rv_s != "0":
                raise bad_request("specifying resource version is not allowed when using continue")
            t_rv, start = decode_continue(cont)
            with st.cond:
                if t_rv != -1 and t_rv < st.compact_rv:
                    raise ApiError(410, "Expired", MSG_CONTINUE_EXPIRED,
                                   meta={"continue": encode_continue(-1, start)})
            at = None if t_rv == -1 else t_rv
        elif n_rv is None:
            pass  # most recent
        elif n_rv == 0:
            limit = 0  # served from the watch cache: limit is ignored
        else:
            exact = rvm == "Exact" or (rvm == "" and limit > 0)
            if not st.wait_rv(n_rv, 3.0):
                with st.cond:
                    cur = st.rv
                raise ApiError(504, "Timeout",
                               f"Timeout: Too large resource version: {n_rv}, current: {cur}",
                               {"causes": [{"reason": "ResourceVersionTooLarge",
                                            "message": "Too large resource version"}],
                                "retryAfterSeconds": 1},
                               headers=[("Retry-After", "1")])
            if exact:
                with st.cond:
                    if n_rv < st.compact_rv:
                        raise ApiError(410, "Expired", MSG_LIST_EXPIRED)
                at = n_rv
        with st.cond:
            if at is None:
                at = st.rv
                objs = st.objs[res.name]
                snap = objs
            else:
                snap = st.state_at(res.name, at)
            keys = sorted(k for k in snap if flt.key_ok(k) and k > start)
            matched = [k for k in keys if flt.match(snap[k])]
            # keep references: stored objects are never mutated in place
            items = []
            more = False
            for k in matched:
                if limit and len(items) >= limit:
                    more = True
                    break
                items.append(snap[k])
            remaining = len(matched) - len(items)
        f = app.take_inject("malformed", "list", res.name)
        if f:
            self._note = " malformed"
            text = f.get("text") or (
                '{"kind":"%s","apiVersion":"%s","metadata":{"resourceVersion":"%d"},"items":[{"metadata":{"name":'
                % (res.list_kind, res.api_version, at))
            self.body(200, text)
            return
        meta = {"resourceVersion": str(at)}
        if more:
            meta["continue"] = encode_continue(at, obj_key(res, items[-1]) + "\x00")
            if flt.empty:
                meta["remainingItemCount"] = remaining
        head = '{"kind":"%s","apiVersion":"%s","metadata":%s,"items":[' % (
            res.list_kind, res.api_version, jdump(meta))
        parts = [jdump(strip_type(o)) for o in items]
        f = app.take_inject("oversize", "list", res.name)
        if f:
            self.oversize_list(res, at, head, parts, int(f.get("bytes", 64 << 20)))
            return
        self.body(200, head + ",".join(parts) + "]}\n")
        self._note = f" items={len(items)}"

    def oversize_list(self, res, at, head, parts, nbytes):
        """The list plus one object whose annotation is nbytes long,
        streamed without building it in memory."""
        pre, post = oversize_parts(res, at, typed=False)
        self._note = f" oversize={nbytes}"
        self.start(200, "application/json", chunked=True)
        self.chunk((head + "".join(p + "," for p in parts) + pre).encode())
        self.stream_pad(nbytes)
        self.chunk((post + "]}\n").encode())
        self.end_chunks()

    def stream_pad(self, nbytes):
        block = b"x" * (1 << 20)
        left = nbytes
        while left > 0:
            n = min(left, len(block))
            self.chunk(block[:n])
            left -= n

    # ---------------------------------------------------------- watch
    def serve_watch(self, res, ns, name, q):
        app = self.app
        st = app.store
        flt = Filter(res, ns, name, q)
        rv_s = q.get("resourceVersion", "")
        rvm = q.get("resourceVersionMatch", "")
        sie = qbool(q, "sendInitialEvents")
        allow_bm = bool(qbool(q, "allowWatchBookmarks"))
        try:
            timeout = int(q.get("timeoutSeconds") or 0)
        except ValueError:
            raise bad_request(f'timeoutSeconds: Invalid value: "{q["timeoutSeconds"]}"') from None
        if timeout <= 0:
            timeout = app.min_request_timeout * (1 + random.random())
        if sie is not None:
            if rvm != "NotOlderThan":
                raise invalid_listoptions("resourceVersionMatch", None, "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan", "Forbidden")
            if sie and not allow_bm:
                raise invalid_listoptions("allowWatchBookmarks", None, "sendInitialEvents requires setting allowWatchBookmarks to true", "Forbidden")
        elif rvm:
            raise invalid_listoptions("resourceVersionMatch", None, "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided", "Forbidden")
        n_rv = 0
        if rv_s:
            try:
                n_rv = int(rv_s)
                if n_rv < 0:
                    raise ValueError
            except ValueError:
                raise bad_request(f'resourceVersion: Invalid value: "{rv_s}": must be a non-negative integer') from None
        if sie and n_rv:
            if not st.wait_rv(n_rv, 3.0):
                raise ApiError(504, "Timeout", f"Timeout: Too large resource version: {n_rv}, current: {st.rv}",
                               {"causes": [{"reason": "ResourceVersionTooLarge",
                                            "message": "Too large resource version"}],
                                "retryAfterSeconds": 1}, headers=[("Retry-After", "1")])
        initial = []
        expired = None
        with st.cond:
            if sie or (sie is None and n_rv == 0):
                # current state as ADDED events, then changes after it
                start_rv = st.rv
                objs = st.objs[res.name]
                for k in sorted(objs):
                    if flt.key_ok(k) and flt.match(objs[k]):
                        initial.append(objs[k])
            elif n_rv == 0:  # sendInitialEvents=false: from now, no state
                start_rv = st.rv
            else:
                start_rv = n_rv
                if n_rv < st.compact_rv:
                    expired = f"too old resource version: {n_rv} ({st.compact_rv})"
            if expired is None and app.take_inject("expire", "watch", res.name):
                expired = f"too old resource version: {start_rv} ({max(st.compact_rv, start_rv + 1)})"
            seq = st.seq_after(start_rv)
            close_gen = app.close_gen
            down_gen = app.down_gen
        with app.lock:
            app.open_watches[res.name] = app.open_watches.get(res.name, 0) + 1
            app.watches_total += 1
        nsent = 0
        why = "?"
        last_rv = start_rv
        try:
            self.start(200, "application/json", chunked=True)
            try:
                self.wfile.flush()
            except OSError:
                raise ClientGone() from None
            if expired:
                ev = {"type": "ERROR", "object": status_obj(410, "Expired", expired)}
                self.chunk((jdump(ev) + "\n").encode())
                self.end_chunks()
                why = "expired"
                return
            lines = [b'{"type":"ADDED","object":%s}\n' % jdump(o).encode() for o in initial]
            if app.chunking == "merge":
                self.chunk(b"".join(lines))
            else:
                for line in lines:
                    self.chunk(line)
            nsent += len(lines)
            if sie:
                self.chunk(self.bookmark(res, start_rv, initial_end=True))
            f = app.take_inject("malformed", "watch", res.name)
            if f:
                # a syntax error a streaming JSON decoder sees at once (a
                # merely truncated value would make it wait for more)
                text = f.get("text") or '{"type":"ADDED","object":{"kind":"%s","apiVersion":"%s","metadata":{"name":}}}' % (res.kind, res.api_version)
                self.chunk((text + "\n").encode())
                self._note += " malformed"
            f = app.take_inject("oversize", "watch", res.name)
            if f:
                pre, post = oversize_parts(res, start_rv, typed=True)
                self.chunk(b'{"type":"ADDED","object":' + pre.encode())
                self.stream_pad(int(f.get("bytes", 64 << 20)))
                self.chunk((post + "}\n").encode())
                self._note += " oversize"
            t_start = time.monotonic()
            deadline = t_start + timeout

            def next_bm(now):
                if not allow_bm:
                    return None
                hb = now + app.bookmark_interval
                pre = deadline - 2
                if pre < hb:
                    hb = pre
                return hb if hb >= now else None

            bm_at = next_bm(t_start)
            gone_check = t_start + 1.0
            while True:
                batch = []
                bm_rv = None
                with st.cond:
                    while True:
                        if app.down_gen != down_gen:
                            why = "down"
                            break
                        if app.close_gen != close_gen:
                            why = "closed"
                            break
                        if seq < st.base_seq:
                            why = "lagging"  # fell out of the history
                            break
                        if seq < st.next_seq:
                            i = seq - st.base_seq
                            batch = st.events[i:i + 256]
                            seq += len(batch)
                            break
                        now = time.monotonic()
                        if now >= deadline:
                            why = "timeout"
                            break
                        if bm_at is not None and now >= bm_at:
                            bm_rv = st.rv
                            bm_at = next_bm(now)
                            break
                        if now >= gone_check:
                            gone_check = now + 1.0
                            if self.client_gone():
                                why = "client gone"
                                break
                        wake = deadline
                        if bm_at is not None:
                            wake = min(wake, bm_at)
                        st.cond.wait(min(1.0, max(0.001, wake - now)))
                    abrupt = why in ("closed", "down") and app.close_abrupt
                if why != "?":
                    break
                out = []
                for ev in batch:
                    if ev.rv <= start_rv:
                        continue  # a watch from a future resourceVersion
                    last_rv = ev.rv
                    line = self.event_line(ev, res, flt)
                    if line:
                        out.append(line)
                if out:
                    if app.chunking == "merge":
                        self.chunk(b"".join(out))
                    else:
                        for line in out:
                            self.chunk(line)
                    nsent += len(out)
                    with app.lock:
                        app.events_sent += len(out)
                if bm_rv is not None and bm_rv >= start_rv:
                    last_rv = max(last_rv, bm_rv)
                    self.chunk(self.bookmark(res, bm_rv))
                    with app.lock:
                        app.bookmarks_sent += 1
            if why in ("down", "client gone"):
                self.close_connection = True
                return
            if why == "closed" and abrupt:
                # as a connection that broke: no terminating chunk
                self.close_connection = True
                try:
                    socket.socket.shutdown(self.connection, socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            self.end_chunks()
        except ClientGone:
            why = "client gone"
        finally:
            with app.lock:
                app.open_watches[res.name] -= 1
            self._note += f" watch events={nsent} end={why} rv={last_rv}"

    def client_gone(self):
        """Whether the client closed its end (a watch client sends nothing,
        so a readable socket means EOF, a TLS close_notify or a reset)."""
        c = self.connection
        try:
            r, _, _ = select.select([c], [], [], 0)
            if not r:
                return False
            c.settimeout(0)
            try:
                return c.recv(1) == b""
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                return False
            finally:
                c.settimeout(ApiHandler.timeout)
        except (OSError, ValueError):
            return True

    def event_line(self, ev, res, flt):
        if ev.res != res.name:
            return None
        if not flt.key_ok(ev.key):
            return None
        if flt.empty:
            if ev.wire is None:
                ev.wire = b'{"type":"%s","object":%s}\n' % (
                    ev.type.encode(), jdump(ev.obj).encode())
            return ev.wire
        if ev.type == "DELETED":
            if not flt.match(ev.prev):
                return None
            typ, obj = "DELETED", ev.obj
        else:
            new_m = flt.match(ev.obj)
            old_m = flt.match(ev.prev)
            if new_m and old_m:
                typ, obj = "MODIFIED", ev.obj
            elif new_m:
                typ, obj = "ADDED", ev.obj
            elif old_m:
                # stopped matching: DELETED with the old content at the
                # event's resourceVersion, as the watch cache sends it
                typ, obj = "DELETED", with_rv(ev.prev, ev.rv)
            else:
                return None
        return b'{"type":"%s","object":%s}\n' % (typ.encode(), jdump(obj).encode())

    def bookmark(self, res, rv, initial_end=False):
        md = {"resourceVersion": str(rv)}
        if self.app.bookmark_shape == "real":
            md["creationTimestamp"] = None
        if initial_end:
            md["annotations"] = {"k8s.io/initial-events-end": "true"}
        obj = {"kind": res.kind, "apiVersion": res.api_version, "metadata": md}
        if self.app.bookmark_shape == "real":
            obj.update(REAL_BOOKMARK_BODY[res.name])
        return (jdump({"type": "BOOKMARK", "object": obj}) + "\n").encode()


def oversize_parts(res, rv, typed):
    """JSON before and after an annotation value of the oversized object."""
    obj = {}
    if typed:
        obj = {"kind": res.kind, "apiVersion": res.api_version}
    md = {"name": "kapi-oversize", "uid": "00000000-0000-0000-0000-00000000beef",
          "resourceVersion": str(rv), "creationTimestamp": "2024-01-01T00:00:00Z",
          "annotations": {"kapi/pad": "@@PAD@@"}}
    if res.namespaced:
        md = dict({"name": "kapi-oversize", "namespace": "default"}, **{k: v for k, v in md.items() if k != "name"})
    obj["metadata"] = md
    s = jdump(obj)
    pre, post = s.split("@@PAD@@")
    return pre, post


def forbidden(user, verb, res, ns, name):
    grp = res.group
    where = f'in the namespace "{ns}"' if ns is not None else "at the cluster scope"
    subj = f'{res.qualified} "{name}"' if name else res.qualified
    d = {}
    if name:
        d["name"] = name
    if grp:
        d["group"] = grp
    d["kind"] = res.name
    return ApiError(403, "Forbidden",
                    f'{subj} is forbidden: User "{user}" cannot {verb} resource '
                    f'"{res.name}" in API group "{grp}" {where}', d)


def group_obj():
    gv = {"groupVersion": "discovery.k8s.io/v1", "version": "v1"}
    return {"name": "discovery.k8s.io", "versions": [gv], "preferredVersion": gv}


def resource_entry(r):
    e = {"name": r.name, "singularName": r.singular, "namespaced": r.namespaced,
         "kind": r.kind, "verbs": ["get", "list", "watch"]}
    if r.short:
        e["shortNames"] = r.short
    if r.categories:
        e["categories"] = r.categories
    return e


# ------------------------------------------------------------ listeners


class TLSServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, addr, handler, app, ctx, family):
        self.address_family = family
        self.app = app
        self.ctx = ctx
        super().__init__(addr, handler)

    def process_request_thread(self, request, client_address):
        app = self.app
        with app.lock:
            app.conns.add(request)
            app.conns_total += 1
        tls = None
        try:
            request.settimeout(30)
            tls = self.ctx.wrap_socket(request, server_side=True)
            with app.lock:
                app.conns.discard(request)
                app.conns.add(tls)
            tls.settimeout(ApiHandler.timeout)
            self.finish_request(tls, client_address)
        except (OSError, ssl.SSLError, ValueError):
            pass
        except Exception:  # noqa: BLE001
            traceback.print_exc()
        finally:
            with app.lock:
                app.conns.discard(request)
                if tls is not None:
                    app.conns.discard(tls)
            for s in (tls, request):
                if s is None:
                    continue
                try:
                    socket.socket.shutdown(s, socket.SHUT_RDWR)
                except (OSError, ValueError):
                    pass
                try:
                    s.close()
                except (OSError, ValueError):
                    pass


class Listener:
    def __init__(self, app, host, port, ctx):
        self.app = app
        self.host = host
        self.port = port
        self.ctx = ctx
        self.httpd = None
        self.thread = None

    def up(self):
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        handler = type("H", (ApiHandler,), {"app": self.app})
        last = None
        for _ in range(50):  # the port may linger briefly after down
            try:
                self.httpd = TLSServer((self.host, self.port), handler, self.app, self.ctx, family)
                break
            except OSError as e:
                last = e
                time.sleep(0.1)
        else:
            raise last
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def down(self):
        app = self.app
        with app.store.cond:
            app.down_gen += 1
            app.store.cond.notify_all()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        with app.lock:
            conns = list(app.conns)
        for s in conns:
            try:
                socket.socket.shutdown(s, socket.SHUT_RDWR)
            except (OSError, ValueError):
                pass


# --------------------------------------------------------- control port


class ControlHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app = None
    listener = None

    def log_message(self, fmt, *args):  # noqa: A003
        pass

    def reply(self, code, obj):
        data = (json.dumps(obj, indent=None, separators=(",", ":")) + "\n").encode()
        self.send_response_only(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        self.dispatch()

    def do_POST(self):  # noqa: N802
        self.dispatch()

    def dispatch(self):
        t0 = time.monotonic()
        code = 500
        try:
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            body = json.loads(raw) if raw.strip() else {}
            u = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
            cmd = u.path.strip("/")
            fn = getattr(self, "c_" + cmd.replace("-", "_"), None)
            if fn is None:
                code, out = 404, {"error": f"no such command: {cmd}"}
            else:
                code, out = fn(body, q)
        except (ValueError, KeyError, TypeError) as e:
            code, out = 400, {"error": str(e)}
        except Exception as e:  # noqa: BLE001
            traceback.print_exc()
            code, out = 500, {"error": repr(e)}
        self.reply(code, out)
        log(f"ctl {self.command} {self.path} {code} {(time.monotonic() - t0) * 1000:.1f}ms")

    # every c_NAME(body, query) -> (code, json)
    def c_healthz(self, body, q):
        return 200, {"ok": True, "down": self.app.is_down}

    def c_info(self, body, q):
        app = self.app
        with app.store.cond:
            rv, crv = app.store.rv, app.store.compact_rv
            nev = len(app.store.events)
        return 200, {"port": app.port, "resourceVersion": rv,
                     "compactedResourceVersion": crv, "history": nev,
                     "down": app.is_down, "token": app.token,
                     "forbidden_token": app.forbidden_token,
                     "bookmark_interval": app.bookmark_interval,
                     "chunking": app.chunking, "latency_ms": app.latency_ms}

    def c_apply(self, body, q):
        res = resource_of(body)
        typ, obj = self.app.store.upsert(res, body)
        return 200, {"type": typ, "object": obj}

    def c_delete(self, body, q):
        res = resource_of(body)
        md = body.get("metadata") or {}
        name = body.get("name") or md.get("name")
        ns = body.get("namespace") or md.get("namespace") or "default"
        if not name:
            raise ValueError("name is required")
        key = f"{ns}/{name}" if res.namespaced else name
        gone = self.app.store.delete(res, key)
        if gone is None:
            return 404, {"error": f"{res.name} {key} not found"}
        return 200, {"type": "DELETED", "object": gone}

    def c_load(self, body, q):
        st = self.app.store
        items = body.get("items")
        if not isinstance(items, list):
            raise ValueError("load: a List with items")
        list_res = BY_KIND.get(body.get("kind", ""))
        counts = {"ADDED": 0, "MODIFIED": 0, "UNCHANGED": 0, "DELETED": 0}
        seen = {}
        for it in items:
            res = list_res if (list_res and not it.get("kind")) else resource_of(it)
            typ, obj = st.upsert(res, it)
            counts[typ] += 1
            seen.setdefault(res.name, set()).add(obj_key(res, obj))
        if q.get("prune") in ("1", "true") or body.get("prune"):
            names = set(seen)
            if list_res:
                names.add(list_res.name)
            for rn in names:
                with st.cond:
                    keys = [k for k in st.objs[rn] if k not in seen.get(rn, set())]
                for k in keys:
                    if st.delete(RESOURCES[rn], k) is not None:
                        counts["DELETED"] += 1
        with st.cond:
            counts["resourceVersion"] = st.rv
        return 200, counts

    def c_dump(self, body, q):
        st = self.app.store
        want = q.get("resource") or body.get("resource")
        with st.cond:
            items = []
            for rn in sorted(RESOURCES):
                if want and rn != want:
                    continue
                objs = st.objs[rn]
                items.extend(objs[k] for k in sorted(objs))
            rv = st.rv
        return 200, {"kind": "List", "apiVersion": "v1",
                     "metadata": {"resourceVersion": str(rv)}, "items": items}

    def c_close_watches(self, body, q):
        app = self.app
        every = float(body.get("every", q.get("every", -1)))
        app.close_abrupt = bool(body.get("abrupt", False))
        with app.store.cond:
            app.close_gen += 1
            app.store.cond.notify_all()
        if every >= 0:
            app.periodic_close = every
            if every > 0 and app.periodic_thread is None:
                app.periodic_thread = threading.Thread(target=periodic_closer, args=(app,), daemon=True)
                app.periodic_thread.start()
        with app.lock:
            n = sum(app.open_watches.values())
        return 200, {"closed": n, "every": app.periodic_close}

    def c_compact(self, body, q):
        rv = self.app.store.compact(bool(body.get("bump", True)))
        return 200, {"compactedResourceVersion": rv}

    def c_down(self, body, q):
        app = self.app
        if not app.is_down:
            app.is_down = True
            self.listener.down()
        return 200, {"down": True}

    def c_up(self, body, q):
        app = self.app
        if app.is_down:
            self.listener.up()
            app.is_down = False
        return 200, {"down": False, "port": self.listener.port}

    def c_token(self, body, q):
        app = self.app
        with app.lock:
            if "token" in body:
                tok = str(body["token"]) or secrets.token_hex(16)
                if not body.get("keep_old"):
                    app.tokens.pop(app.token, None)
                app.token = tok
                app.tokens[tok] = body.get("user", app.args.user)
            if "forbidden" in body:
                if not body.get("keep_old"):
                    app.forbidden.pop(app.forbidden_token, None)
                app.forbidden_token = str(body["forbidden"])
                app.forbidden[app.forbidden_token] = app.args.forbidden_user
            app.write_token_files()
            return 200, {"token": app.token, "forbidden": app.forbidden_token,
                         "valid": sorted(app.tokens)}

    def _inject(self, kind, body):
        f = dict(body)
        f["kind"] = kind
        f.setdefault("on", "any")
        f.setdefault("count", 1)
        if f["on"] not in ("any", "list", "watch", "get"):
            raise ValueError("on: list, watch, get or any")
        with self.app.lock:
            self.app.inject.append(f)
        return 200, {"queued": f}

    def c_malformed(self, body, q):
        return self._inject("malformed", body)

    def c_oversize(self, body, q):
        return self._inject("oversize", body)

    def c_fail(self, body, q):
        body = dict(body)
        body.setdefault("code", 500)
        return self._inject("fail", body)

    def c_expire(self, body, q):
        body = dict(body)
        body["on"] = "watch"
        return self._inject("expire", body)

    def c_clear_faults(self, body, q):
        with self.app.lock:
            self.app.inject.clear()
        return 200, {"ok": True}

    def c_latency(self, body, q):
        self.app.latency_ms = float(body.get("ms", 0))
        return 200, {"latency_ms": self.app.latency_ms}

    def c_set(self, body, q):
        app = self.app
        for k, v in body.items():
            if k == "bookmark_interval":
                app.bookmark_interval = float(v)
            elif k == "history":
                with app.store.cond:
                    app.store.history = max(16, int(v))
            elif k == "chunking":
                if v not in ("event", "split", "merge"):
                    raise ValueError("chunking: event, split or merge")
                app.chunking = v
            elif k == "bookmark_shape":
                if v not in ("real", "minimal"):
                    raise ValueError("bookmark_shape: real or minimal")
                app.bookmark_shape = v
            elif k == "aggregated_discovery":
                app.aggregated_discovery = bool(v)
            elif k == "min_request_timeout":
                app.min_request_timeout = float(v)
            elif k == "latency_ms":
                app.latency_ms = float(v)
            elif k == "anonymous":
                app.anonymous = bool(v)
            else:
                raise ValueError(f"unknown setting {k}")
        return 200, {"ok": True}

    def c_counters(self, body, q):
        app = self.app
        with app.lock:
            return 200, {"requests": dict(app.counters), "codes": dict(app.codes),
                         "open_watches": sum(app.open_watches.values()),
                         "open_watches_by_resource": {k: v for k, v in app.open_watches.items() if v},
                         "watches_total": app.watches_total,
                         "events_sent": app.events_sent,
                         "bookmarks_sent": app.bookmarks_sent,
                         "connections": len(app.conns),
                         "connections_total": app.conns_total}

    def c_reset_counters(self, body, q):
        app = self.app
        with app.lock:
            app.counters.clear()
            app.codes.clear()
            app.watches_total = app.events_sent = app.bookmarks_sent = 0
            app.conns_total = 0
            app.recent.clear()
        return 200, {"ok": True}

    def c_requests(self, body, q):
        n = int(q.get("n", body.get("n", 100)))
        with self.app.lock:
            return 200, {"requests": self.app.recent[-n:] if n > 0 else []}

    def c_stop(self, body, q):
        threading.Timer(0.1, lambda: os._exit(0)).start()
        return 200, {"stopping": True}


def resource_of(body):
    if body.get("resource"):
        r = RESOURCES.get(body["resource"])
        if r is None:
            raise ValueError(f"unknown resource {body['resource']}")
        return r
    r = BY_KIND.get(body.get("kind", ""))
    if r is None:
        raise ValueError(f"unknown kind {body.get('kind')!r} (Service, EndpointSlice or Node)")
    return r


def periodic_closer(app):
    while True:
        every = app.periodic_close
        if every <= 0:
            app.periodic_thread = None
            return
        time.sleep(every)
        if app.periodic_close <= 0:
            continue
        with app.store.cond:
            app.close_gen += 1
            app.store.cond.notify_all()


# ----------------------------------------------------------------- certs


def make_certs(d, sans):
    """CA and server certificate (EC P-256) through the openssl command;
    kept when the SAN list has not changed."""
    want = "\n".join(sans) + "\n"
    sp = os.path.join(d, "sans")
    files = [os.path.join(d, f) for f in ("ca.crt", "ca.key", "server.crt", "server.key")]
    if all(os.path.exists(f) for f in files) and os.path.exists(sp) and open(sp).read() == want:
        return
    alt = []
    for s in sans:
        try:
            ipaddress.ip_address(s)
            alt.append(f"IP:{s}")
        except ValueError:
            alt.append(f"DNS:{s}")
    ext = os.path.join(d, "server.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                f"subjectAltName={','.join(alt)}\n")

    def run(*a):
        subprocess.run(["openssl", *a], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    ca_key, ca_crt, key, csr, crt = (os.path.join(d, f) for f in (
        "ca.key", "ca.crt", "server.key", "server.csr", "server.crt"))
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", ca_key, "-out", ca_crt, "-days", "3650",
        "-subj", "/CN=kapi-ca", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=kube-apiserver")
    run("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
        "-CAcreateserial", "-out", crt, "-days", "3650", "-extfile", ext)
    for f in (ca_key, key):
        os.chmod(f, 0o600)
    for f in (csr, ext, os.path.join(d, "ca.srl")):
        try:
            os.unlink(f)
        except OSError:
            pass
    with open(sp, "w") as f:
        f.write(want)


# ------------------------------------------------------------------ main


def split_hostport(s):
    if s.startswith("["):
        host, _, port = s[1:].partition("]:")
    else:
        host, _, port = s.rpartition(":")
    return host, int(port)


def serve(args):
    os.makedirs(args.dir, exist_ok=True)
    for f in ("ready", "port", "control-port", "url", "pid"):
        try:
            os.unlink(os.path.join(args.dir, f))
        except OSError:
            pass
    args.listen_host, port = split_hostport(args.listen)
    sans = ["127.0.0.1", "localhost"]
    if args.listen_host not in ("", "0.0.0.0", "::") and args.listen_host not in sans:
        sans.append(args.listen_host)
    for s in args.san or []:
        if s not in sans:
            sans.append(s)
    make_certs(args.dir, sans)
    app = App(args)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(args.dir, "server.crt"), os.path.join(args.dir, "server.key"))
    ctx.set_alpn_protocols(["http/1.1"])
    for path in args.load or []:
        with open(path) as f:
            doc = json.load(f)
        items = doc["items"] if "items" in doc else [doc]
        lr = BY_KIND.get(doc.get("kind", ""))
        for it in items:
            app.store.upsert(lr if (lr and not it.get("kind")) else resource_of(it), it)
    lis = Listener(app, args.listen_host, port, ctx)
    lis.up()
    app.port = lis.port
    app.listener = lis
    ch, cp = split_hostport(args.control_listen)
    ctl_handler = type("C", (ControlHandler,), {"app": app, "listener": lis})
    ctl = http.server.ThreadingHTTPServer((ch, cp), ctl_handler)
    ctl.daemon_threads = True
    app.write_token_files()
    app.write_file("port", f"{app.port}\n")
    app.write_file("control-port", f"{ctl.server_address[1]}\n")
    app.write_file("url", f"https://{app.host_for_url()}:{app.port}\n")
    app.write_file("pid", f"{os.getpid()}\n")
    app.write_file("ready", "ok\n")
    log(f"listening on https://{app.host_for_url()}:{app.port}, control on "
        f"http://{ch}:{ctl.server_address[1]}, state in {app.dir}")
    try:
        ctl.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


GET_CMDS = {"dump", "counters", "requests", "healthz", "info"}


def ctl_main(argv):
    if len(argv) < 2:
        sys.exit("usage: kapi.py ctl DIR COMMAND [JSON | @FILE | -] [QUERY]")
    d, cmd = argv[0], argv[1]
    arg = argv[2] if len(argv) > 2 else ""
    query = argv[3] if len(argv) > 3 else ""
    if arg == "-":
        data = sys.stdin.read()
    elif arg.startswith("@"):
        with open(arg[1:]) as f:
            data = f.read()
    else:
        data = arg
    with open(os.path.join(d, "control-port")) as f:
        port = int(f.read())
    url = f"http://127.0.0.1:{port}/{cmd}" + (f"?{query}" if query else "")
    method = "GET" if cmd in GET_CMDS and not data else "POST"
    req = urllib.request.Request(url, data=data.encode() if method == "POST" else None,
                                 method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            sys.stdout.write(r.read().decode())
    except urllib.error.HTTPError as e:
        sys.stdout.write(e.read().decode())
        sys.exit(1)


def main():
    argv = sys.argv[1:]
    if argv and argv[0] == "ctl":
        ctl_main(argv[1:])
        return
    if argv and argv[0] == "serve":
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="kapi.py serve", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", required=True, help="state directory (certificates, kubeconfig, token, ports)")
    p.add_argument("--listen", default="127.0.0.1:0", help="API address:port (port 0: any)")
    p.add_argument("--control-listen", default="127.0.0.1:0", help="control address:port")
    p.add_argument("--san", action="append", help="extra subjectAltName (IP or DNS name)")
    p.add_argument("--token", help="bearer token (default: random)")
    p.add_argument("--user", default="system:serviceaccount:kube-system:ksvc")
    p.add_argument("--forbidden-token", help="a token that authenticates but may not read")
    p.add_argument("--forbidden-user", default="system:serviceaccount:default:nobody")
    p.add_argument("--anonymous", action="store_true",
                   help="a request without a token is system:anonymous (403) instead of 401")
    p.add_argument("--history", type=int, default=10000, help="events kept for watches")
    p.add_argument("--bookmark-interval", type=float, default=60.0,
                   help="seconds between BOOKMARK events (kube-apiserver: 60)")
    p.add_argument("--min-request-timeout", type=float, default=1800.0,
                   help="a watch without timeoutSeconds ends after 1-2x this")
    p.add_argument("--load", action="append", help="JSON object or List to load at start")
    args = p.parse_args(argv)
    serve(args)


if __name__ == "__main__":
    main()
