#!/usr/bin/env python3
"""Load generators for the ksvc VM reliability tests (python3 standard
library; the netlink parts reuse tests/vm/nlraw.py).  Every time stamp is
time.time() (CLOCK_REALTIME), the same clock in every process and netns.

    loadgen.py server NAME [ACCLOG]
        in a pod's netns: 8080/TCP answers "NAME\\n" and closes; 9000/TCP
        says "NAME\\n", then echoes every line back; ACCLOG gets a line
        "T PEERIP PEERPORT" for every 8080 connection
    loadgen.py hold HOST PORT K OUT STOPFILE [--pods p1,p2] [--max SECS]
        K long-lived connections to HOST:PORT; each sends a line every 50 ms
        and checks its echo; counts resets (RST or EOF), stalls (an echo
        later than 1 s) and wrong echoes; the greeting must name one of
        --pods.  A watchdog task (a 50 ms sleep in a loop) measures how late
        the process itself was scheduled: an echo later than 1 s that is
        within 1 s once the time the process was not scheduled during the
        wait is taken off (the whole VM paused: TCG on a busy host) counts
        as a "pause", not a stall.
        Runs until STOPFILE exists; writes a JSON summary to OUT
        (every 2 s, and at the end).  Exit 0 if nothing went wrong.
    loadgen.py newconn OUT STOPFILE HOST:PORT [HOST:PORT...]
        new connections one after the other, round robin over the targets,
        until STOPFILE exists; one line per connection in OUT:
        "T0 T1 HOST:PORT POD SPORT" or "T0 T1 HOST:PORT FAIL:reason SPORT"
        (T0 before connect(), T1 after the answer or the failure, SPORT the
        client's port; reason names the phase: connect or read)
    loadgen.py churn LOG --count N --time SECS [--seed S] [--ksvcctl PATH]
                     [--files DIR] [--pause SECS]
        N updates (or SECS seconds), one after the other: create, replace
        and delete services churn/c1..c24 (SVC_NEW/SVC_SET/SVC_DEL, random
        ports, types and backends); add and remove pod4 in default/svc-a
        and default/svc-b (BACKENDS_SET); every 8th update a `ksvcctl apply`
        of DIR/ab-4.yaml or DIR/ab-3.yaml (A and B with and without pod4)
        or of DIR/y-K.yaml / `ksvcctl delete -f` of it.  LOG gets one line
        per update: "T0 T1 WHAT RESULT" where WHAT is b+pod4 / b-pod4 (B's
        set gained / lost pod4 when the update returned), a+pod4, a-pod4,
        c-new, c-set, c-del, y-apply, y-delete; RESULT ok or the error.
    loadgen.py check-newconn CONNS LOG POD4ACCLOG
        judge newconn's OUT against churn's LOG: every connection must have
        answered; none answered by pod4 when pod4 was out of B for the whole
        connection (removed before T0 and not added back before T1).  A
        failed connection that pod4 accepted (its port is in POD4ACCLOG)
        while a removal of pod4 was in progress is a failure too, marked
        "cut": ksvc flushes the conntrack entries of removed backends for
        UDP only (as kube-proxy), so a TCP connection must outlive its
        backend's removal
    loadgen.py slowdump [--first-sleep SECS] [--per-msg SECS]
        SVC_GET dump that reads its first batch, sleeps, then reads slowly
    loadgen.py beset NS NAME PORT N
        BACKENDS_SET of N backends on port PORT/TCP of NS/NAME; prints the
        errno and the extack message; exit 0 on success
    loadgen.py fuzz --time SECS --seed S [--batch N] [--unpriv]
        nlraw.py's fuzzer in batches of N (seeds S, S+1, ...) until SECS have
        passed; --unpriv: for a user without CAP_NET_ADMIN, whose writes the
        genetlink core refuses with a bare EPERM
"""
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

PODS = {"pod%d" % i: "10.244.0.1%d" % i for i in range(1, 5)}


def opts(args, spec):
    """--key value / --flag options into a dict; the rest as a list."""
    out, rest = dict(spec), []
    it = iter(args)
    for a in it:
        if a.startswith("--") and a[2:] in spec:
            k = a[2:]
            out[k] = True if isinstance(spec[k], bool) else type(spec[k])(next(it))
        else:
            rest.append(a)
    return out, rest


# --- servers --------------------------------------------------------------

def cmd_server(args):
    name = args[0].encode()
    acc = open(args[1], "a", buffering=1) if len(args) > 1 else None

    async def once(r, w):
        if acc:
            pn = w.get_extra_info("peername") or ("?", 0)
            acc.write("%.6f %s %d\n" % (time.time(), pn[0], pn[1]))
        try:
            w.write(name + b"\n")
            await w.drain()
        except OSError:
            pass
        w.close()

    async def echo(r, w):
        try:
            w.write(name + b"\n")
            while True:
                line = await r.readline()
                if not line:
                    break
                w.write(line)
                await w.drain()
        except OSError:
            pass
        w.close()

    async def main():
        s1 = await asyncio.start_server(once, "0.0.0.0", 8080, reuse_address=True, backlog=256)
        s2 = await asyncio.start_server(echo, "0.0.0.0", 9000, reuse_address=True, backlog=256)
        async with s1, s2:
            await asyncio.gather(s1.serve_forever(), s2.serve_forever())

    asyncio.run(main())
    return 0


# --- long-lived connections ---------------------------------------------------

def cmd_hold(args):
    o, rest = opts(args, {"pods": "pod1,pod2,pod3", "max": 3600.0})
    host, port, k, out, stop = rest[0], int(rest[1]), int(rest[2]), rest[3], rest[4]
    pods = o["pods"].split(",")
    st = {"opened": 0, "held": 0, "resets": 0, "stalls": 0, "wrong": 0, "lost": 0,
          "echoes": 0, "max_latency_ms": 0.0, "pods": {}, "errors": [],
          "seconds": 0.0, "pauses": 0, "max_pause_ms": 0.0}
    lags = []   # (t, lag): a watchdog sleep from t woke up lag s late (> 200 ms)

    def paused(t0, t1):
        """How long in [t0, t1] the process was not scheduled: the late
        parts, [t + 0.05, t + 0.05 + lag], of watchdog sleeps."""
        return sum(max(0.0, min(t1, tl + 0.05 + lg) - max(t0, tl + 0.05))
                   for tl, lg in lags)
    t_start = time.time()

    def err(msg):
        if len(st["errors"]) < 20:
            st["errors"].append("%.3f %s" % (time.time(), msg))

    def dump():
        st["seconds"] = round(time.time() - t_start, 1)
        with open(out + ".tmp", "w") as f:
            json.dump(st, f)
        os.replace(out + ".tmp", out)

    async def conn(i):
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
            g = await asyncio.wait_for(r.readline(), 5)
        except (OSError, asyncio.TimeoutError) as e:
            err("conn %d: open: %r" % (i, e))
            return
        pod = g.decode(errors="replace").strip()
        st["pods"][pod] = st["pods"].get(pod, 0) + 1
        if pod not in pods:
            err("conn %d: greeting %r, not one of %s" % (i, pod, pods))
            st["wrong"] += 1
            w.close()
            return
        st["opened"] += 1
        st["held"] += 1
        seq = 0
        try:
            while not os.path.exists(stop) and time.time() - t_start < o["max"]:
                seq += 1
                want = ("c%d-%d" % (i, seq)).encode() + b"\n"
                t0 = time.time()
                w.write(want)
                await w.drain()
                try:
                    got = await asyncio.wait_for(r.readline(), 1.0)
                except asyncio.TimeoutError:
                    try:
                        got = await asyncio.wait_for(r.readline(), 10.0)
                    except asyncio.TimeoutError:
                        st["lost"] += 1
                        err("conn %d (%s): no echo of %d within 11 s, giving up" % (i, pod, seq))
                        st["held"] -= 1
                        w.close()
                        return
                t1 = time.time()
                lat = (t1 - t0) * 1000
                st["max_latency_ms"] = max(st["max_latency_ms"], round(lat, 1))
                if lat > 1000:
                    # a late echo: was this process (the VM) paused as long?
                    await asyncio.sleep(0.1)     # let the watchdog wake up
                    pause = paused(t0, t1)
                    if lat - pause * 1000 > 1000:
                        st["stalls"] += 1
                        err("conn %d (%s): echo of %d after %.0f ms (process paused %.0f ms)"
                            % (i, pod, seq, lat, pause * 1000))
                    else:
                        st["pauses"] += 1
                        err("conn %d (%s): echo of %d after %.0f ms, process paused %.0f ms: "
                            "not counted" % (i, pod, seq, lat, pause * 1000))
                if not got:
                    st["resets"] += 1
                    st["held"] -= 1
                    err("conn %d (%s): EOF after %d echoes" % (i, pod, seq - 1))
                    return
                if got != want:
                    st["wrong"] += 1
                    err("conn %d (%s): sent %r got %r" % (i, pod, want, got))
                else:
                    st["echoes"] += 1
                await asyncio.sleep(0.05)
        except OSError as e:
            st["resets"] += 1
            st["held"] -= 1
            err("conn %d (%s): %r" % (i, pod, e))
            return
        w.close()

    async def ticker():
        while not os.path.exists(stop) and time.time() - t_start < o["max"]:
            dump()
            await asyncio.sleep(2)

    async def watchdog():
        while True:
            t = time.time()
            await asyncio.sleep(0.05)
            lag = time.time() - t - 0.05
            if lag > 0.2:
                lags.append((t, lag))
                st["max_pause_ms"] = max(st["max_pause_ms"], round(lag * 1000, 1))

    async def main():
        tick = asyncio.ensure_future(ticker())
        wd = asyncio.ensure_future(watchdog())
        await asyncio.gather(*[conn(i) for i in range(k)])
        tick.cancel()
        wd.cancel()

    asyncio.run(main())
    dump()
    bad = st["resets"] or st["stalls"] or st["wrong"] or st["lost"] or st["opened"] != k
    return 1 if bad else 0


# --- new connections ------------------------------------------------------------

def cmd_newconn(args):
    out, stop, targets = args[0], args[1], args[2:]
    tg = []
    for t in targets:
        h, _, p = t.rpartition(":")
        tg.append((t, h, int(p)))
    n = 0
    with open(out, "w", buffering=1) as f:
        while not os.path.exists(stop):
            name, h, p = tg[n % len(tg)]
            n += 1
            s = socket.socket()
            s.settimeout(3)
            t0 = time.time()
            data = b""
            phase = "connect"
            try:
                s.connect((h, p))
                phase = "read"
                while not data.endswith(b"\n"):
                    c = s.recv(100)
                    if not c:
                        break
                    data += c
                res = data.decode(errors="replace").strip()
                if not res.isalnum():
                    res = "FAIL:answer=%r" % res
            except OSError as e:
                res = "FAIL:%s:%s" % (phase, (e.strerror or type(e).__name__).replace(" ", "_"))
            try:
                sport = s.getsockname()[1]
            except OSError:
                sport = 0
            s.close()
            f.write("%.6f %.6f %s %s %d\n" % (t0, time.time(), name, res, sport))
    return 0


def cmd_check_newconn(args):
    conns, log, acclog = args[0], args[1], args[2]
    ev = []     # (t0, t1, +1/-1) of B's pod4 membership changes that succeeded
    for line in open(log):
        w = line.split()
        if len(w) >= 4 and w[2] in ("b+pod4", "b-pod4") and w[3] == "ok":
            ev.append((float(w[0]), float(w[1]), 1 if w[2] == "b+pod4" else -1))
    ev.sort()
    acc = {}    # client port -> [times pod4 accepted a connection from it]
    for line in open(acclog):
        w = line.split()
        if len(w) == 3:
            acc.setdefault(int(w[2]), []).append(float(w[0]))
    n = fails = viol = cut = 0
    per = {}
    bad, cuts = [], []
    for line in open(conns):
        w = line.split()
        if len(w) != 5:
            continue
        t0, t1, res, sport = float(w[0]), float(w[1]), w[3], int(w[4])
        n += 1
        key = "FAIL" if res.startswith("FAIL") else res
        per[key] = per.get(key, 0) + 1
        if res.startswith("FAIL"):
            # accepted by pod4 while a removal of pod4 was under way?
            near = [e for e in ev if e[2] < 0 and e[0] <= t1 and e[1] >= t0]
            by4 = [t for t in acc.get(sport, ()) if t0 - 0.01 <= t <= t1]
            if near and by4 and res.startswith("FAIL:read"):
                # ksvc leaves TCP flows to removed backends alone: a bug
                cut += 1
                cuts.append("cut: %s (pod4 accepted it at %.6f; removal of pod4 %.6f-%.6f)"
                            % (line.strip(), by4[0], near[0][0], near[0][1]))
                continue
            fails += 1
            bad.append("failed: %s%s%s" % (line.strip(), " (pod4 accepted it)" if by4 else "",
                                           " (during a removal of pod4 from B, %.6f-%.6f)"
                                           % near[0][:2] if near else ""))
            continue
        if res != "pod4":
            continue
        # the last change that started before the answer came
        last = [e for e in ev if e[0] < t1]
        if last and last[-1][2] < 0 and last[-1][1] <= t0:
            viol += 1
            bad.append("pod4 answered %s although its removal returned at %.6f"
                       % (line.strip(), last[-1][1]))
    rem = sum(1 for e in ev if e[2] < 0)
    print("new connections: %d (%s); B: pod4 removed %d times, added %d times"
          % (n, " ".join("%s=%d" % kv for kv in sorted(per.items())), rem, len(ev) - rem))
    print("failed: %d; answered by pod4 after its removal returned: %d; cut by the "
          "removal of pod4 while in flight (TCP: must not happen): %d" % (fails, viol, cut))
    for b_ in (bad[:20] + cuts[:10]):
        print("  " + b_)
    return 1 if fails or viol or cut or n == 0 else 0


# --- churn --------------------------------------------------------------------

def cmd_churn(args):
    o, rest = opts(args, {"count": 300, "time": 90.0, "seed": 1, "pause": 0.02,
                          "ksvcctl": "tools/ksvcctl/ksvcctl", "files": "/tmp/ul"})
    log = rest[0]
    sys.path.insert(0, HERE)
    import nlraw as nl
    rng = random.Random(o["seed"])
    g = nl.Genl()
    ready = nl.K("KSVC_BE_F_READY") | nl.K("KSVC_BE_F_SERVING")

    def be(pod, p):
        return nl.backend(PODS[pod], p, flags=ready, node="node-1")

    def set_pods(name, sport, tport, pods):
        return g.request(nl.C("BACKENDS_SET"), nl.backends_set(
            "default", name, [nl.port(sport, backends=[be(p, tport) for p in pods])]))

    csvc = {}       # name -> exists
    has4 = {"a": False, "b": False}
    yfiles = sorted(f for f in os.listdir(o["files"]) if f.startswith("y-"))
    ylive = set()
    t_end = time.time() + o["time"]
    n = errs = 0
    with open(log, "w", buffering=1) as f:
        for i in range(o["count"]):
            if time.time() > t_end:
                break
            what, res = None, "ok"
            t0 = time.time()
            if i % 8 == 7:
                if rng.random() < 0.5:
                    want = not has4["b"]
                    fn = os.path.join(o["files"], "ab-4.yaml" if want else "ab-3.yaml")
                    what = "b%spod4" % ("+" if want else "-")
                    p = subprocess.run([o["ksvcctl"], "apply", "-f", fn],
                                       capture_output=True, text=True)
                    if p.returncode:
                        res = "ksvcctl:%d:%s" % (p.returncode, (p.stderr or p.stdout).strip().replace(" ", "_")[:200])
                    else:
                        has4["a"] = has4["b"] = want
                else:
                    y = rng.choice(yfiles)
                    verb = "delete" if y in ylive and rng.random() < 0.4 else "apply"
                    what = "y-" + verb
                    p = subprocess.run([o["ksvcctl"], verb, "-f", os.path.join(o["files"], y)],
                                       capture_output=True, text=True)
                    if p.returncode:
                        res = "ksvcctl:%d:%s" % (p.returncode, (p.stderr or p.stdout).strip().replace(" ", "_")[:200])
                    elif verb == "apply":
                        ylive.add(y)
                    else:
                        ylive.discard(y)
            else:
                r = rng.random()
                if r < 0.25 or r < 0.4:
                    svc = "b" if r < 0.25 else "a"
                    want = not has4[svc]
                    pods = ["pod1", "pod2", "pod3"] + (["pod4"] if want else [])
                    if svc == "b":
                        rep = set_pods("svc-b", 80, 8080, pods)
                    else:
                        rep = set_pods("svc-a", 9000, 9000, pods)
                    what = "%s%spod4" % (svc, "+" if want else "-")
                    if rep.err == 0:
                        has4[svc] = want
                else:
                    c = "c%d" % rng.randrange(1, 25)
                    ip = "10.97.0.%d" % int(c[1:])
                    nb = rng.randrange(0, 6)
                    bes = [nl.backend("10.244.%d.%d" % (rng.randrange(1, 4), rng.randrange(1, 255)),
                                      rng.randrange(1, 65536), flags=ready)
                           for _ in range(nb)]
                    # distinct addresses (duplicates are refused)
                    bes = list({b: None for b in bes})
                    typ = rng.choice(["KSVC_SVC_TYPE_CLUSTER_IP", "KSVC_SVC_TYPE_NODE_PORT"])
                    sp = rng.randrange(1, 65536)
                    ports = [nl.port(sp, backends=bes,
                                     node_port=0 if typ.endswith("NODE_PORT") else None)]
                    if csvc.get(c) and rng.random() < 0.35:
                        what = "c-del"
                        rep = g.request(nl.C("SVC_DEL"), nl.svc_key("churn", c))
                        if rep.err == 0:
                            csvc[c] = False
                    else:
                        what = "c-set" if csvc.get(c) else "c-new"
                        rep = g.request(nl.C("SVC_SET" if csvc.get(c) else "SVC_NEW"),
                                        nl.service(ns="churn", name=c, type=typ,
                                                   addrs=[ip], ports=ports))
                        if rep.err == 0:
                            csvc[c] = True
                if rep.err != 0:
                    res = "%s:%s" % (nl.ename(rep.err).split()[0], rep.msg.replace(" ", "_"))
            t1 = time.time()
            f.write("%.6f %.6f %s %s\n" % (t0, t1, what, res))
            n += 1
            if res != "ok":
                errs += 1
            time.sleep(o["pause"])
    print("churn: %d updates, %d failed" % (n, errs))
    return 1 if errs else 0


# --- slow dump -------------------------------------------------------------------

def cmd_slowdump(args):
    o, _ = opts(args, {"first-sleep": 3.0, "per-msg": 0.0})
    sys.path.insert(0, HERE)
    import nlraw as nl
    g = nl.Genl()
    g.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    g.seq += 1
    g.s.sendto(g.build(nl.C("SVC_GET"), b"", nl.NLM_F_REQUEST | nl.NLM_F_DUMP | nl.NLM_F_ACK), (0, 0))
    r = nl.Reply()
    g.s.settimeout(10)
    first = True
    try:
        while not r.done and r.err is None:
            g.parse(g.recv1(), r)
            if first:
                print("slowdump: first batch read, %d services so far; sleeping %.1f s"
                      % (len(r.msgs), o["first-sleep"]), flush=True)
                time.sleep(o["first-sleep"])
                print("slowdump: awake at %.6f, reading on" % time.time(), flush=True)
                first = False
            elif o["per-msg"]:
                time.sleep(o["per-msg"])
    except OSError as e:
        print("slowdump: %r after %d services" % (e, len(r.msgs)))
        return 1
    print("slowdump: %d services, end %s" % (len(r.msgs), nl.ename(r.err)))
    return 0 if r.err == 0 else 1


def cmd_beset(args):
    """beset NS NAME PORT N: BACKENDS_SET of N ready backends 10.128.0.1.. on
    service port PORT/TCP (target 8080); prints the errno and extack."""
    sys.path.insert(0, HERE)
    import nlraw as nl
    ns, name, sport, n = args[0], args[1], int(args[2]), int(args[3])
    ready = nl.K("KSVC_BE_F_READY") | nl.K("KSVC_BE_F_SERVING")
    bes = [nl.backend("10.128.%d.%d" % (i // 250, i % 250 + 1), 8080, flags=ready)
           for i in range(n)]
    r = nl.Genl().request(nl.C("BACKENDS_SET"),
                          nl.backends_set(ns, name, [nl.port(sport, backends=bes)]))
    print("BACKENDS_SET %s/%s port %d, %d backends: %s %s"
          % (ns, name, sport, n, nl.ename(r.err), r.msg))
    return 0 if r.err == 0 else 1


# --- fuzz --------------------------------------------------------------------------

def cmd_fuzz(args):
    o, _ = opts(args, {"time": 20.0, "seed": 1, "batch": 300, "unpriv": False})
    sys.path.insert(0, HERE)
    import nlraw as nl
    eperm = [0]
    if o["unpriv"]:
        real = nl.Genl.request

        def request(self, *a, **kw):
            r = real(self, *a, **kw)
            if r.err == 1 and not r.msg:    # EPERM from the genetlink core
                eperm[0] += 1
                r.msg = "(EPERM: genetlink GENL_ADMIN_PERM)"
            return r
        nl.Genl.request = request
    t0 = time.time()
    seed, batches, bad = o["seed"], 0, 0
    while time.time() - t0 < o["time"]:
        rc = nl.cmd_fuzz(["--count", str(o["batch"]), "--seed", str(seed), "--time", "600"])
        sys.stdout.flush()
        batches += 1
        if rc:
            bad += 1
            print("fuzz: batch with seed %d FAILED" % seed)
        seed += 1
    print("fuzz: %d batches of %d (seeds %d..%d) in %.0f s, %d failed%s"
          % (batches, o["batch"], o["seed"], seed - 1, time.time() - t0, bad,
             ", %d bare EPERM from the genetlink core" % eperm[0] if o["unpriv"] else ""))
    return 1 if bad or not batches else 0


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    fn = {"server": cmd_server, "hold": cmd_hold, "newconn": cmd_newconn,
          "check-newconn": cmd_check_newconn, "churn": cmd_churn,
          "slowdump": cmd_slowdump, "fuzz": cmd_fuzz, "beset": cmd_beset}.get(sys.argv[1])
    if not fn:
        print(__doc__, file=sys.stderr)
        return 2
    return fn(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
