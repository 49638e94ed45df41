#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One-service update latency through a resident `ksvcctl watch` (bench).

    watchlat.py KSVCCTL GENDIR REPS

Starts `ksvcctl watch -f -`, streams GENDIR/ksvc.yaml into it (the initial
list, as "kubectl get -w" prints it before any change), waits until every
service has a line, then REPS times per framing changes one service's
EndpointSlice (the slice of GENDIR/ksvc-upd-a.yaml and -b.yaml in turn) and
times from just before the write to reading that service's result line,
which ksvcctl prints after the kernel's ACK.  Each update is written as
kubectl writes it:
  yaml  "---" in its own write, then the object in one write; the watch
        takes it once its input is quiet (STREAM_QUIET_MS, 2 ms)
  json  a watch event ({"type":"MODIFIED","object":...}) in one write;
        taken when its closing brace arrives
Then the floor: the JSON event written to cat and read back, REPS times
(framing=echo): two pipe hops and two wakeups, as in every update.
Prints "sync n=N ms=...", one "update framing=F run=I ms=..." per update,
and "end exit=S" (ksvcctl's exit status: 0 when nothing was refused).
"""
import json
import os
import select
import subprocess
import sys
import threading
import time

import yaml


def slice_doc(path):
    for doc in open(path).read().split("\n---\n"):
        if "kind: EndpointSlice" in doc:
            return doc.strip("-\n") + "\n"
    raise SystemExit("no EndpointSlice in " + path)


def read_line(proc, buf, deadline):
    while b"\n" not in buf[0]:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
            raise SystemExit("timed out; ksvcctl said: " + buf[0][-300:].decode())
        chunk = os.read(proc.stdout.fileno(), 1 << 16)
        if not chunk:
            raise SystemExit("ksvcctl watch ended: exit %s" % proc.wait())
        buf[0] += chunk
    line, buf[0] = buf[0].split(b"\n", 1)
    return line.decode()


def main():
    ksvcctl, gen, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    text = open(os.path.join(gen, "ksvc.yaml"), "rb").read()
    if not text.endswith(b"\n"):
        text += b"\n"      # kubectl ends every object with one
    n = text.count(b"\nkind: Service\n") + text.startswith(b"kind: Service\n")
    err = open(os.environ.get("WATCHLAT_ERR", "/dev/null"), "w")
    proc = subprocess.Popen([ksvcctl, "watch", "-f", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=err, bufsize=0)
    buf = [b""]
    t0 = time.monotonic()
    feeder = threading.Thread(target=proc.stdin.write, args=(text,))
    feeder.start()
    seen = set()
    while len(seen) < n:
        line = read_line(proc, buf, t0 + 600)
        if line.startswith("service/"):
            seen.add(line.split()[0])
    print("sync n=%d ms=%.1f" % (n, (time.monotonic() - t0) * 1000), flush=True)
    feeder.join()
    # a service whose slice came in a later read says "configured" too
    time.sleep(0.5)
    while select.select([proc.stdout], [], [], 0.2)[0]:
        if not os.read(proc.stdout.fileno(), 1 << 16):
            break
    buf[0] = b""
    docs = [slice_doc(os.path.join(gen, "ksvc-upd-%s.yaml" % v)) for v in "ab"]
    name = yaml.safe_load(docs[0])["metadata"]["labels"]["kubernetes.io/service-name"]
    events = [(json.dumps({"type": "MODIFIED", "object": yaml.safe_load(d)}) + "\n").encode()
              for d in docs]
    fd = proc.stdin.fileno()
    for framing in ("yaml", "json"):
        for r in range(reps):
            if framing == "yaml":
                os.write(fd, b"---\n")
                time.sleep(0.01)
                data = docs[r % 2].encode()
            else:
                data = events[r % 2]
            a = time.monotonic()
            os.write(fd, data)
            while True:
                line = read_line(proc, buf, a + 30)
                if line.startswith("service/%s " % name):
                    break
            ms = (time.monotonic() - a) * 1000
            print("update framing=%s run=%d ms=%.3f result=%s" % (
                framing, r + 1, ms, line.split()[-1]), flush=True)
            time.sleep(0.05)
    proc.stdin.close()
    rc = proc.wait()
    echo_floor(events, reps)
    print("end exit=%d" % rc, flush=True)


def echo_floor(events, reps):
    """The same writes and reads through cat: what no ksvcctl can undercut."""
    cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           bufsize=0)
    for r in range(reps):
        data = events[r % 2]
        a = time.monotonic()
        os.write(cat.stdin.fileno(), data)
        got = 0
        while got < len(data):
            got += len(os.read(cat.stdout.fileno(), 1 << 16))
        print("update framing=echo run=%d ms=%.3f" % (r + 1, (time.monotonic() - a) * 1000),
              flush=True)
        time.sleep(0.05)
    cat.stdin.close()
    cat.wait()


if __name__ == "__main__":
    main()
