#!/usr/bin/env python3
"""Raw generic netlink client for ksvc tests (Python 3 standard library only).

Resolves the "ksvc" family via CTRL_CMD_GETFAMILY, turns on NETLINK_EXT_ACK
and NETLINK_CAP_ACK, sends hand-built messages and reads back the errno and
the extended-ACK message.  Every KSVC_* number comes from
include/uapi/linux/ksvc.h, parsed at start-up (KSVC_UAPI overrides the path).

    nlraw.py cases                          list the named requests
    nlraw.py expect CASE ERRNO [REGEX] [--any-msg]
        send CASE; succeed if the kernel answers ERRNO (a name such as
        EINVAL, 0 for success, "any" for any error) and, for an error, with
        a non-empty extack message (matching REGEX, case-insensitive, when
        given; --any-msg: the message may be empty); ERRNO "drop": an error
        or no answer at all (what the netlink core does with a bad length)
    nlraw.py bulk NS PREFIX COUNT [--net A.B.C.D] [--port P]
        SVC_NEW COUNT ClusterIP services PREFIX-0..PREFIX-(COUNT-1), addresses
        counting up from --net (default 10.96.0.0) + 1
    nlraw.py big NS NAME IP NBACKENDS       SVC_NEW one service, NBACKENDS backends
    nlraw.py getbe NS NAME NBACKENDS        doit GET: reply parses and holds
                                            NBACKENDS backends (and NR_BACKENDS)
    nlraw.py dump [NS]                      SVC_GET dump: print "ns/name nbackends"
    nlraw.py flush [NS]                     KSVC_CMD_FLUSH (of one namespace)
    nlraw.py config                         CONFIG_GET: print key=value lines
    nlraw.py fuzz [--count N] [--seed S] [--time SECS]
        N random commands built from mutated valid attribute trees
Exit status 0 = as expected, 1 = not, 2 = usage or setup error.
"""
import errno
import ipaddress
import os
import random
import re
import socket
import struct
import sys
import time

# --- uapi numbers -----------------------------------------------------------

HERE = os.path.dirname(os.path.abspath(__file__))
UAPI = os.environ.get("KSVC_UAPI") or os.path.join(
    HERE, "..", "..", "include", "uapi", "linux", "ksvc.h")


def parse_uapi(path):
    """Values of every enum member and integer #define of a uapi header."""
    with open(path) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    v = {}

    def ev(expr):
        expr = re.sub(r"\b(\d+)[uUlL]+\b", r"\1", expr.strip())
        if not re.fullmatch(r"[\w\s()+\-*<>|&~]+", expr):
            raise ValueError("cannot evaluate %r" % expr)
        return int(eval(expr, {"__builtins__": {}}, dict(v)))

    items = []
    for m in re.finditer(r"\benum\s+\w*\s*\{(.*?)\}\s*;", text, re.S):
        items.append(("enum", m.start(), m.group(1)))
    for m in re.finditer(r"^#define[ \t]+(\w+)[ \t]+([^\n]+)$", text, re.M):
        items.append(("define", m.start(), (m.group(1), m.group(2))))
    for kind, _, body in sorted(items, key=lambda i: i[1]):
        if kind == "enum":
            nxt = 0
            for ent in body.split(","):
                ent = ent.strip()
                if not ent:
                    continue
                name, _, expr = ent.partition("=")
                name = name.strip()
                val = ev(expr) if expr.strip() else nxt
                v[name] = val
                nxt = val + 1
        else:
            name, expr = body
            if name.startswith("_"):
                continue
            try:
                v[name] = ev(expr)
            except (ValueError, SyntaxError, NameError):
                if expr.strip().startswith('"'):
                    v[name] = expr.strip().strip('"')
    return v


U = parse_uapi(UAPI)
# The backend sets travel either inside each port (KSVC_PORT_A_BACKENDS) or,
# in the chunked layout, as top-level KSVC_A_BACKENDS after KSVC_A_SERVICE.
CHUNKS = "KSVC_A_BACKENDS" in U


def K(name):
    return U[name]


# --- netlink constants (linux/netlink.h, linux/genetlink.h) -----------------

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 0x1, 0x2, 0x4
NLM_F_DUMP = 0x300
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3FFF
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP = 6, 17, 132


def align4(n):
    return (n + 3) & ~3


# --- attribute encoding -----------------------------------------------------

def nla(t, payload):
    hdr = struct.pack("=HH", 4 + len(payload), t)
    return hdr + payload + b"\0" * (align4(len(payload)) - len(payload))


def nest(t, *children):
    return nla(t | NLA_F_NESTED, b"".join(children))


def a_u8(t, x):
    return nla(t, struct.pack("=B", x))


def a_u16(t, x):
    return nla(t, struct.pack("=H", x))


def a_u32(t, x):
    return nla(t, struct.pack("=I", x))


def a_str(t, s):
    return nla(t, s.encode() + b"\0")


def a_ip(t4, t6, ip):
    a = ipaddress.ip_address(ip)
    return nla(t4 if a.version == 4 else t6, a.packed)


def parse_attrs(buf):
    """[(type without flags, nested flag, payload)] of a TLV run."""
    out, off = [], 0
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from("=HH", buf, off)
        if ln < 4 or off + ln > len(buf):
            raise ValueError("bad attribute at %d: len %d of %d" % (off, ln, len(buf) - off))
        out.append((t & NLA_TYPE_MASK, bool(t & NLA_F_NESTED), buf[off + 4:off + ln]))
        off += align4(ln)
    return out


def attr_map(buf):
    return {t: p for t, _, p in parse_attrs(buf)}


# --- service trees ----------------------------------------------------------

def backend(ip, port=8080, flags=None, weight=None, node=None, raw_in=None):
    kids = [a_ip(K("KSVC_BE_A_IN"), K("KSVC_BE_A_IN6"), ip) if raw_in is None
            else nla(K("KSVC_BE_A_IN"), raw_in),
            a_u16(K("KSVC_BE_A_PORT"), port)]
    if flags is not None:
        kids.append(a_u32(K("KSVC_BE_A_FLAGS"), flags))
    if weight is not None:
        kids.append(a_u16(K("KSVC_BE_A_WEIGHT"), weight))
    if node is not None:
        kids.append(a_str(K("KSVC_BE_A_NODE_NAME"), node))
    return nest(K("KSVC_BES_A_ENTRY" if CHUNKS else "KSVC_BE_A_ENTRY"), *kids)


class Port:
    """A KSVC_PORT_A_ENTRY and the backend set that goes with it."""

    def __init__(self, attrs, proto, port, backends):
        self.attrs, self.proto, self.port, self.backends = attrs, proto, port, backends

    def entry(self):
        kids = list(self.attrs)
        if not CHUNKS and self.backends is not None:
            kids.append(nest(K("KSVC_PORT_A_BACKENDS"), *self.backends))
        return nest(K("KSVC_PORT_A_ENTRY"), *kids)

    def chunks(self, per=256):
        """KSVC_A_BACKENDS chunks (chunked uapi) of this port's set."""
        if not CHUNKS or self.backends is None:
            return b""
        out, bes = [], self.backends
        for i in range(0, max(len(bes), 1), per):
            out.append(nest(K("KSVC_A_BACKENDS"), a_u8(K("KSVC_BES_A_PROTO"), self.proto or 0),
                            a_u16(K("KSVC_BES_A_PORT"), self.port or 0), *bes[i:i + per]))
        return b"".join(out)


def port(port=80, proto=IPPROTO_TCP, name=None, node_port=None,
         target_port=None, backends=None, extra=()):
    kids = []
    if name is not None:
        kids.append(a_str(K("KSVC_PORT_A_NAME"), name))
    if proto is not None:
        kids.append(a_u8(K("KSVC_PORT_A_PROTO"), proto))
    if port is not None:
        kids.append(a_u16(K("KSVC_PORT_A_PORT"), port))
    if node_port is not None:
        kids.append(a_u16(K("KSVC_PORT_A_NODE_PORT"), node_port))
    if target_port is not None:
        kids.append(a_u16(K("KSVC_PORT_A_TARGET_PORT"), target_port))
    kids.extend(extra)
    return Port(kids, proto, port, backends)


def addr(ip, kind="KSVC_ADDR_KIND_CLUSTER", raw=None):
    kids = [a_u8(K("KSVC_ADDR_A_KIND"), K(kind))]
    kids.append(nla(K("KSVC_ADDR_A_IN"), raw) if raw is not None
                else a_ip(K("KSVC_ADDR_A_IN"), K("KSVC_ADDR_A_IN6"), ip))
    return nest(K("KSVC_ADDR_A_ENTRY"), *kids)


def service(ns="default", name="nl-svc", type="KSVC_SVC_TYPE_CLUSTER_IP",
            addrs=("10.96.0.10",), ports=None, flags=None, extra=(),
            no_name=False):
    """KSVC_A_SERVICE, followed (chunked uapi) by the ports' backend chunks."""
    kids = []
    if ns is not None:
        kids.append(a_str(K("KSVC_SVC_A_NAMESPACE"), ns))
    if not no_name and name is not None:
        kids.append(a_str(K("KSVC_SVC_A_NAME"), name))
    if type is not None:
        kids.append(a_u8(K("KSVC_SVC_A_TYPE"), K(type)))
    if flags is not None:
        kids.append(a_u32(K("KSVC_SVC_A_FLAGS"), flags))
    if addrs is not None:
        kids.append(nest(K("KSVC_SVC_A_ADDRS"),
                         *[a if isinstance(a, bytes) else addr(a) for a in addrs]))
    if ports is None:
        ports = [port(80)]
    if ports is not False:
        kids.append(nest(K("KSVC_SVC_A_PORTS"), *[p.entry() for p in ports]))
    kids.extend(extra)
    return nest(K("KSVC_A_SERVICE"), *kids) + \
        b"".join(p.chunks() for p in (ports or ()))


def svc_key(ns, name):
    return nest(K("KSVC_A_SERVICE"), a_str(K("KSVC_SVC_A_NAMESPACE"), ns),
                a_str(K("KSVC_SVC_A_NAME"), name))


def backends_set(ns, name, ports):
    """BACKENDS_SET payload: the service's key and the ports' new sets."""
    if CHUNKS:
        return svc_key(ns, name) + b"".join(p.chunks() for p in ports)
    return service(ns=ns, name=name, type=None, addrs=None, ports=ports)


def config(**kw):
    kids = []
    for k, v in kw.items():
        t = K("KSVC_CFG_A_" + k.upper())
        kids.append(a_str(t, v) if isinstance(v, str) else
                    a_u32(t, v) if k in ("flags",) else a_u16(t, v))
    return nest(K("KSVC_A_CONFIG"), *kids)


# --- the socket -------------------------------------------------------------

class Reply:
    def __init__(self):
        self.err = None     # errno (positive), 0 for an ACK, None if none came
        self.msg = ""       # extack message
        self.offs = None    # extack offset
        self.msgs = []      # (type, flags, payload after nlmsghdr) of data replies
        self.done = False


class Genl:
    def __init__(self, timeout=10.0):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        for opt in (NETLINK_EXT_ACK, NETLINK_CAP_ACK):
            self.s.setsockopt(SOL_NETLINK, opt, 1)
        try:    # root: past rmem_max, for large doit replies
            self.s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)   # SO_RCVBUFFORCE
        except OSError:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.s.bind((0, 0))
        self.s.settimeout(timeout)
        self.timeout = timeout
        self.seq = int(time.time()) & 0xFFFF
        self.buf = bytearray(1 << 16)
        self.family = None
        self.family = self.resolve(U["KSVC_GENL_NAME"])

    def resolve(self, name):
        r = self.request(CTRL_CMD_GETFAMILY, a_str(CTRL_ATTR_FAMILY_NAME, name),
                         family=GENL_ID_CTRL)
        if r.err:
            raise OSError(r.err, "family %s: %s %s" % (name, os.strerror(r.err), r.msg))
        for _, _, p in r.msgs:
            m = attr_map(p[4:])
            if CTRL_ATTR_FAMILY_ID in m:
                return struct.unpack("=H", m[CTRL_ATTR_FAMILY_ID][:2])[0]
        raise OSError(errno.ENOENT, "family %s: no id in the reply" % name)

    def build(self, cmd, payload=b"", flags=NLM_F_REQUEST | NLM_F_ACK,
              family=None, version=None, seq=None):
        fam = self.family if family is None else family
        ver = U["KSVC_GENL_VERSION"] if version is None else version
        body = struct.pack("=BBH", cmd, ver, 0) + payload
        return struct.pack("=IHHII", 16 + len(body), fam, flags,
                           self.seq if seq is None else seq, 0) + body

    def recv1(self):
        while True:
            n = self.s.recv_into(self.buf, len(self.buf), socket.MSG_PEEK | socket.MSG_TRUNC)
            if n <= len(self.buf):
                break
            self.buf = bytearray(align4(n) + 4096)
        n = self.s.recv_into(self.buf, len(self.buf))
        return bytes(self.buf[:n])

    def request(self, cmd=0, payload=b"", flags=NLM_F_REQUEST | NLM_F_ACK,
                family=None, raw=None, timeout=None):
        """Send one request (or raw bytes) and collect the answer to its seq."""
        self.seq = (self.seq + 1) & 0xFFFFFFFF
        msg = raw if raw is not None else self.build(cmd, payload, flags, family)
        if raw is not None and len(raw) >= 16:
            msg = raw[:8] + struct.pack("=I", self.seq) + raw[12:]
        self.s.sendto(msg, (0, 0))
        r = Reply()
        self.s.settimeout(self.timeout if timeout is None else timeout)
        try:
            while r.err is None and not r.done:
                self.parse(self.recv1(), r)
        except socket.timeout:
            pass
        return r

    def parse(self, data, r):
        off = 0
        while off + 16 <= len(data):
            ln, typ, fl, seq, _ = struct.unpack_from("=IHHII", data, off)
            if ln < 16 or off + ln > len(data):
                break
            body = data[off + 16:off + ln]
            off += align4(ln)
            if seq != self.seq:
                continue
            if typ == NLMSG_ERROR or (typ == NLMSG_DONE and len(body) >= 4):
                e = -struct.unpack_from("=i", body, 0)[0]
                if typ == NLMSG_DONE:
                    r.done = True
                    if not e:
                        r.err = 0       # a dump that ended well
                        continue
                r.err = e
                if fl & NLM_F_ACK_TLVS:
                    # error, then (NETLINK_CAP_ACK) just the request's header
                    tl = 4 + 16 if typ == NLMSG_ERROR else 4
                    for t, _, p in parse_attrs(body[tl:]):
                        if t == NLMSGERR_ATTR_MSG:
                            r.msg = p.rstrip(b"\0").decode(errors="replace")
                        elif t == NLMSGERR_ATTR_OFFS and len(p) >= 4:
                            r.offs = struct.unpack("=I", p[:4])[0]
            elif typ == NLMSG_DONE:
                r.done = True
                r.err = 0
            else:
                r.msgs.append((typ, fl, body))


def ename(e):
    if e is None:
        return "no answer"
    if e == 0:
        return "0 (success)"
    name = "EOPNOTSUPP" if e == errno.EOPNOTSUPP else errno.errorcode.get(e, "?")
    return "%s (%d)" % (name, e)


# --- named requests ---------------------------------------------------------

def C(name):
    return K("KSVC_CMD_" + name)


def truncated_len(g):
    """nlmsg_len says 64 bytes more than were sent."""
    m = g.build(C("SVC_NEW"), service(name="nl-trunc"))
    return struct.pack("=I", len(m) + 64) + m[4:]


def attr_past_end(g):
    """The last attribute's length runs 40 bytes past the message's end."""
    m = bytearray(g.build(C("SVC_NEW"), service(name="nl-trunc2")))
    # the KSVC_A_SERVICE nest starts right after nlmsghdr + genlmsghdr
    ln = struct.unpack_from("=H", m, 20)[0]
    struct.pack_into("=H", m, 20, ln + 40)
    return bytes(m)


def short_genl(g):
    """nlmsg_len covers only 2 bytes of the genetlink header."""
    m = g.build(C("SVC_NEW"))[:18]
    return struct.pack("=I", 18) + m[4:]


def be_list(n, base="10.244.0.0", port_=8080):
    b = int(ipaddress.ip_address(base))
    return [backend(str(ipaddress.ip_address(b + 1 + i)), port_) for i in range(n)]


CASES = {
    # name: (cmd, payload) or callable(g) -> raw message
    "no_service": (C("SVC_NEW"), b""),
    "no_name": (C("SVC_NEW"), service(no_name=True)),
    "bad_name": (C("SVC_NEW"), service(name="My_Svc")),
    "addr_3_bytes": (C("SVC_NEW"), service(addrs=[addr(None, raw=b"\x0a\x60\x00")])),
    "port_0": (C("SVC_NEW"), service(ports=[port(0)])),
    "svc_flags_unknown": (C("SVC_NEW"), service(flags=1 << 30)),
    "be_flags_unknown": (C("SVC_NEW"), service(
        name="nl-beflags", ports=[port(80, backends=[backend("10.244.0.1", flags=1 << 30)])])),
    "cfg_flags_unknown": (C("CONFIG_SET"), config(flags=1 << 30)),
    "node_port_cluster_ip": (C("SVC_NEW"), service(
        name="nl-np", ports=[port(80, node_port=30080)])),
    "node_port_8080": (C("SVC_NEW"), service(
        name="nl-np", type="KSVC_SVC_TYPE_NODE_PORT", ports=[port(80, node_port=8080)])),
    "top_attr_99": (C("SVC_NEW"), service(name="nl-top99") + a_u32(99, 1)),
    "created_sent": (C("SVC_NEW"), service(
        name="nl-created", extra=[nla(K("KSVC_SVC_A_CREATED"), struct.pack("=Q", 1))])),
    "truncated_len": truncated_len,
    "attr_past_end": attr_past_end,
    "short_genl": short_genl,
    # a valid service, default/nl-ok on 10.96.0.10:80/TCP, 2 backends
    "svc_new_ok": (C("SVC_NEW"), service(name="nl-ok", ports=[port(80, backends=[
        backend("10.244.0.1", flags=1), backend("10.244.0.2", flags=1)])])),
    "svc_new_conflict": (C("SVC_NEW"), service(name="nl-other")),
    "get_ok": (C("SVC_GET"), svc_key("default", "nl-ok")),
    "be_set_no_port": (C("BACKENDS_SET"), backends_set("default", "nl-ok", [port(81, backends=be_list(1))])),
    "be_set_dup": (C("BACKENDS_SET"), backends_set("default", "nl-ok", [port(80, backends=[backend("10.244.0.7"), backend("10.244.0.7")])])),
    "be_set_ipv6": (C("BACKENDS_SET"), backends_set("default", "nl-ok", [port(80, backends=[backend("fd00::7")])])),
    "be_set_ok": (C("BACKENDS_SET"), backends_set("default", "nl-ok", [port(80, backends=be_list(3))])),
    "cfg_min_gt_max": (C("CONFIG_SET"), config(nodeport_min=32000, nodeport_max=31000)),
    # limits (module loaded with max_services=3 max_backends=4)
    "limit_svc_4": (C("SVC_NEW"), service(name="lim-3", addrs=["10.97.0.4"])),
    "limit_be_5": (C("SVC_NEW"), service(name="lim-be", addrs=["10.97.0.9"],
                                         ports=[port(80, backends=be_list(5))])),
    "limit_be_set_5": (C("BACKENDS_SET"), backends_set("lim", "lim-0", [port(80, backends=be_list(5))])),
    # state-changing commands, for the permission checks
    "perm_svc_new": (C("SVC_NEW"), service(name="nl-perm", addrs=["10.96.0.77"])),
    "perm_svc_set": (C("SVC_SET"), service(name="nl-ok")),
    "perm_svc_del": (C("SVC_DEL"), svc_key("default", "nl-ok")),
    "perm_be_set": (C("BACKENDS_SET"), backends_set("default", "nl-ok", [port(80, backends=be_list(1))])),
    "perm_flush": (C("FLUSH"), b""),
    "perm_cfg_set": (C("CONFIG_SET"), config(nodeport_min=30000)),
    "perm_get_dump": None,   # special-cased: a dump
    "perm_cfg_get": (C("CONFIG_GET"), b""),
    "cfg_get": (C("CONFIG_GET"), b""),
    "del_ok": (C("SVC_DEL"), svc_key("default", "nl-ok")),
    "flush": (C("FLUSH"), b""),
}


def send_case(g, name):
    c = CASES[name]
    if name == "perm_get_dump":
        return g.request(C("SVC_GET"), flags=NLM_F_REQUEST | NLM_F_DUMP)
    if callable(c):
        # a malformed length may be dropped by the netlink core: wait briefly
        return g.request(raw=c(g), timeout=3.0)
    return g.request(*c)


def cmd_expect(args):
    any_msg = "--any-msg" in args
    args = [a for a in args if a != "--any-msg"]
    if len(args) not in (2, 3) or args[0] not in CASES:
        usage()
    case, want = args[0], args[1]
    regex = args[2] if len(args) == 3 else None
    g = Genl()
    r = send_case(g, case)
    print("%s: errno %s, extack %r%s" % (case, ename(r.err), r.msg,
                                         "" if r.offs is None else " at offset %d" % r.offs))
    ok = True
    if want == "drop":
        # the netlink core drops a message whose nlmsg_len exceeds what was
        # sent, silently; an error is fine too, success is not
        if r.err == 0:
            print("  expected an error or no answer")
            ok = False
        any_msg = True
    elif want == "any":
        if not r.err:
            print("  expected an error")
            ok = False
    elif want == "0":
        if r.err != 0:
            print("  expected success")
            ok = False
    else:
        code = getattr(errno, want, None)
        if code is None:
            usage()
        if r.err != code:
            print("  expected %s" % ename(code))
            ok = False
    if r.err and not any_msg and not r.msg.strip():
        print("  expected a non-empty extack message")
        ok = False
    if regex is not None and not re.search(regex, r.msg, re.I):
        print("  expected the extack message to match %r" % regex)
        ok = False
    # a reply to a GET must parse
    for _, _, p in r.msgs:
        parse_attrs(p[4:])
    return 0 if ok else 1


# --- bulk, big, get, dump ---------------------------------------------------

def cmd_bulk(args):
    net, port_ = "10.96.0.0", 80
    pos = []
    it = iter(args)
    for a in it:
        if a == "--net":
            net = next(it)
        elif a == "--port":
            port_ = int(next(it))
        else:
            pos.append(a)
    if len(pos) != 3:
        usage()
    ns, prefix, count = pos[0], pos[1], int(pos[2])
    base = int(ipaddress.ip_address(net))
    g = Genl()
    t0 = time.time()
    bad = 0
    for i in range(count):
        ip = str(ipaddress.ip_address(base + 1 + i))
        r = g.request(C("SVC_NEW"), service(ns=ns, name="%s-%d" % (prefix, i),
                                            addrs=[ip], ports=[port(port_)]))
        if r.err != 0:
            bad += 1
            if bad <= 5:
                print("%s/%s-%d: %s %s" % (ns, prefix, i, ename(r.err), r.msg))
    print("bulk: %d SVC_NEW in %.1f s, %d failed" % (count, time.time() - t0, bad))
    return 1 if bad else 0


def cmd_big(args):
    if len(args) != 4:
        usage()
    ns, name, ip, n = args[0], args[1], args[2], int(args[3])
    bes = be_list(n, "10.128.0.0")
    payload = service(ns=ns, name=name, addrs=[ip], ports=[port(80, backends=bes)])
    sizes = [len(x) + 4 for _, _, x in parse_attrs(payload)]
    print("big: %d backends, top-level attributes of %s bytes" % (n, sizes))
    if max(sizes) > 0xFFFF:
        print("big: too large for one attribute")
        return 1
    r = Genl().request(C("SVC_NEW"), payload)
    print("big: errno %s %s" % (ename(r.err), r.msg))
    return 0 if r.err == 0 else 1


def be_ip(be):
    bm = attr_map(be)
    raw = bm.get(K("KSVC_BE_A_IN")) or bm.get(K("KSVC_BE_A_IN6"))
    return str(ipaddress.ip_address(raw))


def svc_summary(p):
    """(ns, name, [(port, nr_backends, [backend ip...] or None)]) of a reply
    body (genlmsghdr onwards); raises ValueError if it does not parse."""
    top = parse_attrs(p[4:])
    svcs = [x for t, _, x in top if t == K("KSVC_A_SERVICE")]
    if len(svcs) != 1:
        raise ValueError("%d KSVC_A_SERVICE attributes" % len(svcs))
    s = attr_map(svcs[0])
    ns = s[K("KSVC_SVC_A_NAMESPACE")].rstrip(b"\0").decode()
    name = s[K("KSVC_SVC_A_NAME")].rstrip(b"\0").decode()
    chunked = {}
    if CHUNKS:
        for t, _, c in top:
            if t != K("KSVC_A_BACKENDS"):
                continue
            cm = parse_attrs(c)
            d = {ct: cp for ct, _, cp in cm}
            key = (d[K("KSVC_BES_A_PROTO")][0], struct.unpack("=H", d[K("KSVC_BES_A_PORT")])[0])
            chunked.setdefault(key, []).extend(
                be_ip(cp) for ct, _, cp in cm if ct == K("KSVC_BES_A_ENTRY"))
    ports = []
    for _, _, pe in parse_attrs(s.get(K("KSVC_SVC_A_PORTS"), b"")):
        pm = attr_map(pe)
        nr = struct.unpack("=I", pm[K("KSVC_PORT_A_NR_BACKENDS")])[0]
        pno = struct.unpack("=H", pm[K("KSVC_PORT_A_PORT")])[0]
        if CHUNKS:
            ips = chunked.get((pm[K("KSVC_PORT_A_PROTO")][0], pno))
        elif K("KSVC_PORT_A_BACKENDS") in pm:
            ips = [be_ip(be) for _, _, be in parse_attrs(pm[K("KSVC_PORT_A_BACKENDS")])]
        else:
            ips = None
        ports.append((pno, nr, ips))
    return ns, name, ports


def cmd_getbe(args):
    if len(args) != 3:
        usage()
    ns, name, want = args[0], args[1], int(args[2])
    g = Genl()
    r = g.request(C("SVC_GET"), svc_key(ns, name))
    print("get %s/%s: errno %s %s; %d reply message(s), %d bytes" % (
        ns, name, ename(r.err), r.msg, len(r.msgs), sum(len(p) for _, _, p in r.msgs)))
    if r.err != 0 or len(r.msgs) != 1:
        return 1
    p = r.msgs[0][2]
    try:
        for t, _, x in parse_attrs(p[4:]):
            print("  top-level attribute %d: %d bytes" % (t, len(x) + 4))
        _, _, ports = svc_summary(p)
    except (ValueError, KeyError, IndexError, struct.error) as e:
        print("reply does not parse: %s" % e)
        return 1
    nr = sum(x[1] for x in ports)
    got = sum(len(x[2] or ()) for x in ports)
    ips = [ip for x in ports for ip in (x[2] or ())]
    print("NR_BACKENDS %d, backend entries %d, distinct %d (want %d)" % (nr, got, len(set(ips)), want))
    return 0 if nr == want and got == want and len(set(ips)) == want else 1


def cmd_dump(args):
    g = Genl(timeout=60)
    payload = b""
    if args:
        payload = nest(K("KSVC_A_SERVICE"), a_str(K("KSVC_SVC_A_NAMESPACE"), args[0]))
    r = g.request(C("SVC_GET"), payload, flags=NLM_F_REQUEST | NLM_F_DUMP)
    if r.err:
        print("dump: %s %s" % (ename(r.err), r.msg), file=sys.stderr)
        return 1
    for _, _, p in r.msgs:
        ns, name, ports = svc_summary(p)
        print("%s/%s %d" % (ns, name, sum(x[1] for x in ports)))
    return 0 if r.done else 1


def cmd_flush(args):
    payload = b""
    if args:
        payload = nest(K("KSVC_A_SERVICE"), a_str(K("KSVC_SVC_A_NAMESPACE"), args[0]))
    r = Genl(timeout=60).request(C("FLUSH"), payload)
    print("flush: %s %s" % (ename(r.err), r.msg))
    return 0 if r.err == 0 else 1


def cmd_config(args):
    r = Genl().request(C("CONFIG_GET"))
    if r.err != 0 or not r.msgs:
        print("config: %s %s" % (ename(r.err), r.msg), file=sys.stderr)
        return 1
    cfg = attr_map(attr_map(r.msgs[0][2][4:])[K("KSVC_A_CONFIG")])
    names = {v: k for k, v in U.items() if k.startswith("KSVC_CFG_A_") and not k.endswith("_MAX")}
    names.update({K("KSVC_CFG_A_NODEPORT_MAX"): "KSVC_CFG_A_NODEPORT_MAX"})
    for t in sorted(cfg):
        p = cfg[t]
        n = names.get(t, str(t))[len("KSVC_CFG_A_"):].lower()
        if len(p) == 2:
            v = struct.unpack("=H", p)[0]
        elif len(p) == 4 and n != "node_name":
            v = struct.unpack("=I", p)[0]
        elif n == "node_name":
            v = p.rstrip(b"\0").decode()
        else:
            v = "%d entries" % len(parse_attrs(p))
        print("%s=%s" % (n, v))
    return 0


# --- fuzz -------------------------------------------------------------------

def templates(rng):
    """A valid (cmd, payload) to start from."""
    ip = "10.99.%d.%d" % (rng.randrange(256), rng.randrange(1, 255))
    name = "fz-%d" % rng.randrange(50)
    ns = rng.choice(["default", "fz", "kube-system"])
    bes = [backend("10.244.%d.%d" % (rng.randrange(4), rng.randrange(1, 255)),
                   rng.randrange(1, 65536), flags=rng.randrange(8),
                   weight=rng.randrange(1, 100), node=rng.choice(["", "node-1"]))
           for _ in range(rng.randrange(6))]
    ports = [port(80 + i, proto=rng.choice([6, 17, 132]), name=rng.choice([None, "http"]),
                  backends=bes if rng.random() < 0.7 else None)
             for i in range(rng.randrange(1, 4))]
    typ = rng.choice(["KSVC_SVC_TYPE_CLUSTER_IP", "KSVC_SVC_TYPE_NODE_PORT",
                      "KSVC_SVC_TYPE_LOAD_BALANCER"])
    svc = service(ns=ns, name=name, type=typ, addrs=[ip], ports=ports,
                  flags=rng.choice([None, 0, 2, 16]))
    choice = rng.randrange(9)
    if choice < 3:
        return C("SVC_NEW"), svc
    if choice == 3:
        return C("SVC_SET"), svc
    if choice == 4:
        return C("BACKENDS_SET"), backends_set(ns, name, [port(80, backends=bes)])
    if choice == 5:
        return C("SVC_DEL"), svc_key(ns, name)
    if choice == 6:
        return C("SVC_GET"), svc_key(ns, name)
    if choice == 7:
        return C("CONFIG_SET"), config(nodeport_min=30000, nodeport_max=32767,
                                       node_name="node-1", flags=rng.randrange(2))
    return C(rng.choice(["FLUSH", "CONFIG_GET"])), rng.choice(
        [b"", nest(K("KSVC_A_SERVICE"), a_str(K("KSVC_SVC_A_NAMESPACE"), "fz"))])


def tree(buf, depth=0):
    """Attribute run -> list of [type_with_flags, payload or children]."""
    out = []
    try:
        for t, nested, p in parse_attrs(buf):
            tf = t | (NLA_F_NESTED if nested else 0)
            out.append([tf, tree(p, depth + 1) if nested and depth < 8 else p])
    except ValueError:
        return buf
    return out


def untree(tr):
    if isinstance(tr, (bytes, bytearray)):
        return bytes(tr)
    return b"".join(nla(t, untree(c)) for t, c in tr)


def mutate_tree(rng, tr, depth=0):
    """Structural mutations, in place, of an attribute tree."""
    if not isinstance(tr, list):
        return
    for _ in range(rng.randrange(1, 3)):
        if not tr or rng.random() < 0.15:
            tr.insert(rng.randrange(len(tr) + 1),
                      [rng.randrange(0, 20) | rng.choice([0, NLA_F_NESTED]),
                       bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 2, 3, 4, 5, 8, 16, 17, 70])))])
            continue
        i = rng.randrange(len(tr))
        t, c = tr[i]
        op = rng.randrange(10)
        if op == 0:
            del tr[i]
        elif op == 1:
            tr.insert(i, [t, c])                    # duplicate
        elif op == 2:
            tr[i][0] = rng.randrange(0, 16) | (t & NLA_F_NESTED)   # retype
        elif op == 3:
            tr[i][0] = t ^ NLA_F_NESTED             # toggle the nested flag
        elif op == 4:
            tr[i][1] = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
        elif op == 5:
            tr[i] = [rng.randrange(1, 10) | NLA_F_NESTED, [[t, c]]]  # extra nesting
        elif op == 6 and isinstance(c, bytes) and c:
            b = bytearray(c)
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
            tr[i][1] = bytes(b)
        elif op == 7 and isinstance(c, bytes):
            tr[i][1] = c[:rng.randrange(len(c) + 1)] if rng.random() < 0.5 else \
                c + bytes(rng.randrange(1, 9))
        elif op == 8 and isinstance(c, bytes):
            tr[i][1] = rng.choice([b"\0", b"\xff\xff", b"\0\0", b"\xff" * 4, b"\0" * 4,
                                   b"\x01\0\0\0", b"x" * 80 + b"\0", b"\0" * 8])
        elif isinstance(c, list):
            mutate_tree(rng, c, depth + 1)


def mutate_bytes(rng, b):
    """Byte-level damage: bit flips, a bogus attribute length, truncation."""
    b = bytearray(b)
    op = rng.randrange(4)
    if op == 0 and b:
        for _ in range(rng.randrange(1, 9)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif op == 1 and len(b) >= 4:
        o = rng.randrange(0, len(b) - 1) & ~3
        struct.pack_into("=H", b, o, rng.choice([0, 1, 3, 4, 5, 0xFFFF,
                                                  rng.randrange(0x10000)]))
    elif op == 2 and b:
        del b[rng.randrange(len(b)):]
    else:
        b += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12)))
    return bytes(b)


def cmd_fuzz(args):
    count, seed, limit = 2000, int(time.time()), 150.0
    it = iter(args)
    for a in it:
        if a == "--count":
            count = int(next(it))
        elif a == "--seed":
            seed = int(next(it))
        elif a == "--time":
            limit = float(next(it))
        else:
            usage()
    rng = random.Random(seed)
    g = Genl(timeout=5.0)
    stats, bare, samples = {}, {}, {}
    ksvc_bare = unanswered = 0
    t0 = time.time()
    sent = 0
    for i in range(count):
        if time.time() - t0 > limit:
            break
        cmd, payload = templates(rng)
        r = rng.random()
        if r < 0.1:
            cmd = rng.choice([0, C("CONFIG_SET") + 1, rng.randrange(256)])
        if rng.random() < 0.7:
            tr = tree(payload)
            mutate_tree(rng, tr)
            payload = untree(tr)
        if rng.random() < 0.5:
            payload = mutate_bytes(rng, payload)
        flags = NLM_F_REQUEST | NLM_F_ACK
        if rng.random() < 0.08:
            flags |= NLM_F_DUMP
        ver = U["KSVC_GENL_VERSION"] if rng.random() < 0.95 else rng.randrange(256)
        msg = g.build(cmd, payload, flags, version=ver)
        timeout, bad_len = 5.0, False
        if rng.random() < 0.02:
            bad_len = True
            # nlmsg_len past the data: the netlink core drops it silently
            msg = struct.pack("=I", len(msg) + rng.randrange(1, 200)) + msg[4:]
            timeout = 0.5
        rep = g.request(raw=msg, timeout=timeout)
        key = ename(rep.err).split()[0]
        stats[key] = stats.get(key, 0) + 1
        sent += 1
        if rep.err is None and not bad_len:
            unanswered += 1
        if rep.err and not rep.msg:
            if 0 < cmd <= K("KSVC_CMD_MAX") and not flags & NLM_F_DUMP:
                ksvc_bare += 1
            k = (cmd, key)
            bare[k] = bare.get(k, 0) + 1
            if bare[k] == 1:
                samples[k] = msg
    dt = time.time() - t0
    print("fuzz: seed %d, %d messages in %.1f s" % (seed, sent, dt))
    for k in sorted(stats):
        print("  %-22s %d" % (k, stats[k]))
    # errors that came without an extack message, by command: the genetlink
    # core answers unknown commands (EOPNOTSUPP) and bad headers (EINVAL)
    # without one; ksvc's own handlers should always say why
    for (c, e), n in sorted(bare.items()):
        print("  no extack: cmd %d %s x%d, e.g. %s" % (c, e, n, samples[(c, e)][:64].hex()))
    if ksvc_bare:
        print("fuzz: %d errors of ksvc commands (not dumps) came without an "
              "extack message" % ksvc_bare)
    # every request asks for an ACK: only the deliberately bad nlmsg_len
    # ones may go unanswered
    if unanswered:
        print("fuzz: %d well-formed requests got no answer" % unanswered)
    return 0 if sent == count and not ksvc_bare and not unanswered else 1


def usage():
    print(__doc__, file=sys.stderr)
    sys.exit(2)


def main():
    if len(sys.argv) < 2:
        usage()
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "cases":
        print("\n".join(CASES))
        return 0
    fn = {"expect": cmd_expect, "bulk": cmd_bulk, "big": cmd_big, "getbe": cmd_getbe,
          "dump": cmd_dump, "flush": cmd_flush, "config": cmd_config,
          "fuzz": cmd_fuzz}.get(cmd)
    if not fn:
        usage()
    try:
        return fn(args)
    except OSError as e:
        print("nlraw: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
