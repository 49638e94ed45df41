#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksvcd against the test API server, in one VM boot (run by
# bench/ksvcd-run, or: tests/vm/vm-run bench/ksvcd-bench.sh GEN OUT):
#
#   - iptables-restore (Debian 12's: iptables-nft) of kube-proxy's rules for
#     N services x E endpoints (gen.py's ipt.restore), timed, then removed;
#   - ksvcd's initial sync of the same services from kapi.py (pages of 500,
#     JSON): from its start to "initial sync done" in its log, and the CPU
#     time it used for it;
#   - its resident memory then (VmRSS, VmHWM);
#   - UPDATES one-service updates (one EndpointSlice, its first endpoint
#     changed), 200 ms apart: for each, the time from the watch event's
#     arrival in ksvcd to the kernel having it ("ms after the first event").
#
# GEN: gen.py's directory (ksvc.json, ipt.restore); OUT: where results.tsv
# and ksvcd.log go.
set -uo pipefail
GEN=$1 OUT=$2
UPDATES=${BENCH_UPDATES:-200}
KD=$PWD/tools/ksvcd/ksvcd
KO=$PWD/kmod/ksvc.ko
KAPI=(python3 "$PWD/tests/apiserver/kapi.py")
A=/tmp/kb-api
mkdir -p "$OUT"
R=$OUT/results.tsv
: >"$R"
rec() { printf '%s\t%s\n' "$1" "$2" >>"$R"; echo "ksvcd-bench: $1 $2"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# what kube-proxy's iptables rules need (as vm-bench.sh loads them)
modprobe -a nf_tables nft_compat nft_chain_nat xt_statistic xt_comment \
	xt_mark xt_MASQUERADE xt_nat xt_tcpudp xt_conntrack xt_addrtype
modprobe -a $(modinfo -F depends "$KO" | tr , ' ') && insmod "$KO" || exit 1
rec services "$(grep -c '"kind": "Service"' "$GEN/ksvc.json")"

# iptables-restore, the same boot
t0=$(ms)
iptables-nft-restore <"$GEN/ipt.restore" || exit 1
rec iptables_restore_ms $(($(ms) - t0))
iptables-nft-restore <"$GEN/ipt-del.restore"

"${KAPI[@]}" serve --dir "$A" >"$OUT/kapi.log" 2>&1 &
KAPI_PID=$!
for _ in $(seq 300); do [ -s "$A/ready" ] && break; sleep 0.2; done
t0=$(ms)
"${KAPI[@]}" ctl "$A" load @"$GEN/ksvc.json" >/dev/null || exit 1
rec kapi_load_ms $(($(ms) - t0))

t0=$(ms)
"$KD" --kubeconfig "$A/kubeconfig" --hostname-override node-1 \
	--healthz-bind-address= --metrics-bind-address= -v 2 >"$OUT/ksvcd.log" 2>&1 &
KPID=$!
for _ in $(seq 6000); do grep -q "initial sync done" "$OUT/ksvcd.log" && break; sleep 0.05; done
rec initial_sync_ms $(($(ms) - t0))
read -r ut st <<<"$(awk '{print $14, $15}' "/proc/$KPID/stat")"
rec initial_sync_cpu_ms $(((ut + st) * 1000 / $(getconf CLK_TCK)))
rec vmrss_kb "$(awk '/^VmRSS/ {print $2}' "/proc/$KPID/status")"
rec vmhwm_kb "$(awk '/^VmHWM/ {print $2}' "/proc/$KPID/status")"

# one-service updates: svc-(N/3)'s slice, its first endpoint a/b
python3 - "$GEN/ksvc-upd-a.json" "$GEN/ksvc-upd-b.json" "$A" "$UPDATES" <<'PY'
import http.client, json, sys, time
a, b = (json.load(open(p))["items"][1] for p in sys.argv[1:3])
port = int(open(sys.argv[3] + "/control-port").read())
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for i in range(int(sys.argv[4])):
    c.request("POST", "/apply", body=json.dumps(a if i % 2 == 0 else b),
              headers={"Content-Type": "application/json"})
    c.getresponse().read()
    time.sleep(0.2)
PY
sleep 2
grep -o 'sync: 1 service change(s) in [0-9]* ms, [0-9]* ms after the first event' "$OUT/ksvcd.log" |
	awk '{print $8}' | tail -n "$UPDATES" >"$OUT/latency_ms"
rec updates "$(wc -l <"$OUT/latency_ms")"
sort -n "$OUT/latency_ms" | awk '{v[NR] = $1} END {
	if (NR) { printf "p50_ms\t%s\np99_ms\t%s\nmax_ms\t%s\n", v[int((NR + 1) / 2)],
		v[int(NR * 0.99 + 0.999)], v[NR] } }' >>"$R"
tail -n 3 "$R"
rec vmrss_after_kb "$(awk '/^VmRSS/ {print $2}' "/proc/$KPID/status")"
kill "$KPID" "$KAPI_PID"
wait
