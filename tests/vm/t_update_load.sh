#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# shellcheck disable=SC1091,SC2016 # lib.sh is sourced at run time; bash -c scripts
# VM test: updates under load.  Long-lived connections and a stream of new
# connections run through two stable services while a loop creates,
# replaces and deletes other services and adds and removes a fourth pod
# in the two services' endpoint sets.  Runs inside the VM
# (tests/vm/run.sh t_update_load) with the repo root as cwd.
#
# Topology (as t_datapath's, plus pod4): bridge cbr0 10.244.0.1/24 on the
# node with br_netfilter and hairpin; pods pod1..pod4 (10.244.0.11..14)
# each run tests/vm/loadgen.py's server (8080: "podN" and close; 9000:
# "podN", then echo); netns ext (192.168.100.2) routed via the node
# (192.168.100.1).
#
# Services:
#   svc-a  NodePort  10.96.0.10  9000 -> 9000, nodePort 30900  pods 1-3 (+pod4)
#   svc-b  NodePort  10.96.0.20    80 -> 8080, nodePort 30800  pods 1-3 (+pod4)
#   churn/c1..c24, churn-y/y-K-J: created, replaced, deleted by the loop
#
# Load, all at once:
#   - K long-lived connections ext -> 192.168.100.1:30900 (svc-a), opened
#     while svc-a has pods 1-3 only, each sending a line every 50 ms and
#     checking the echo (loadgen.py hold);
#   - new connections one after the other from ext to svc-b, alternately its
#     NodePort 192.168.100.1:30800 and its ClusterIP 10.96.0.20:80, each
#     logged with its start/end time and the pod that answered
#     (loadgen.py newconn);
#   - the update loop (loadgen.py churn): BACKENDS_SET of svc-a/svc-b with
#     and without pod4, SVC_NEW/SVC_SET/SVC_DEL of churn/cN with random
#     ports, types and backends, and every 8th update a `ksvcctl apply` of
#     prepared files (svc-a and svc-b with or without pod4; churn-y
#     services) or `ksvcctl delete -f`.
# Checks: no reset, stall (> 1 s) or wrong echo on the long-lived
# connections; every new connection answered, those that pod4 accepted
# while its removal was under way too (ksvc flushes the conntrack entries
# of removed backends for UDP only, as kube-proxy: a TCP connection
# outlives its backend's removal; the servers log the client port of
# every connection, so such a "cut" is told apart); none answered by pod4
# when its removal from svc-b had returned before the connection started
# (and no re-add started before it was answered); every update succeeded;
# conntrack dropped no packet; dmesg clean.  One allowance, shown in the
# output: an echo later than 1 s that is not once the time the client
# process itself was not scheduled is taken off (the whole VM paused: TCG
# on a busy host) is a "pause", not a stall.
#
# Conntrack: every new connection leaves an entry for 120 s (TIME_WAIT)
# after it closed; the long form makes 30 to 70 a second here.  The kernel's
# default table for a 1 GB VM holds 7680 entries, and once it is full
# new connections' SYNs are dropped ("nf_conntrack: table full") until
# conntrack's garbage collector next runs, up to a minute later: connect()
# timeouts, to both of svc-b's addresses, with or without ksvc (an iptables
# DNAT setup fails the same way).  kube-proxy sizes the table at start,
# so the node here gets kube-proxy's default size (ct_size); the peak fill
# is in the summary, and a failed new connection comes with its conntrack
# entries and the sockets on its client port in the pods and ext.
#
# Short form (default): K=8, up to 300 updates in at most 45 s.
# Long form (KSVC_STRESS=1): K=16, up to 6000 updates in at most 15 min.
# KSVC_UL_UPDATES / KSVC_UL_SECONDS / KSVC_UL_CONNS override.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KO=${KSVC_KO:-$PWD/kmod/ksvc.ko}
LG=(python3 "$PWD/tests/vm/loadgen.py")
D=/tmp/ul
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|list_add corruption|refcount_t|Call Trace:'
PODS=(pod1 pod2 pod3 pod4)
export PYTHONDONTWRITEBYTECODE=1
if [ -n "${KSVC_STRESS:-}" ]; then
	UPDATES=${KSVC_UL_UPDATES:-6000} SECS=${KSVC_UL_SECONDS:-900} CONNS=${KSVC_UL_CONNS:-16}
	# shellcheck disable=SC2034 # read by lib.sh
	CHECK_TIMEOUT=$((SECS + 120))
else
	UPDATES=${KSVC_UL_UPDATES:-300} SECS=${KSVC_UL_SECONDS:-45} CONNS=${KSVC_UL_CONNS:-8}
fi
BG_PIDS=()
mkdir -p "$D"
rm -f "$D"/*

# --- topology: tests/vm/topo.sh, plus ---------------------------------------

start_server() {
	nsx "$1" "${LG[@]}" server "$1" "$D/$1.acc" >>"$D/$1.log" 2>&1 &
	BG_PIDS+=($!)
}

# --- YAML ----------------------------------------------------------------------

# slice SVC NS TARGETPORT POD...: an EndpointSlice; PODs are podN or raw IPs
slice() {
	local svc=$1 ns=$2 tp=$3 p ip
	shift 3
	printf -- '---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n'
	printf 'metadata:\n  name: %s-x7k2p\n  namespace: %s\n' "$svc" "$ns"
	printf '  labels:\n    kubernetes.io/service-name: %s\n' "$svc"
	printf 'addressType: IPv4\n'
	if [ $# = 0 ]; then echo "endpoints: []"; else echo "endpoints:"; fi
	for p in "$@"; do
		case $p in pod*) ip=$(pod_ip "$p") ;; *) ip=$p ;; esac
		printf -- '- addresses:\n  - %s\n  conditions:\n    ready: true\n' "$ip"
		printf '    serving: true\n    terminating: false\n  nodeName: node-1\n'
	done
	printf 'ports:\n- name: ""\n  port: %s\n  protocol: TCP\n' "$tp"
}

# service NAME NS TYPE IP PORT TARGET [NODEPORT]
service() {
	printf -- '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\n' "$1" "$2"
	printf 'spec:\n  type: %s\n  clusterIP: %s\n  ports:\n  - port: %s\n' "$3" "$4" "$5"
	printf '    protocol: TCP\n    targetPort: %s\n' "$6"
	if [ -n "${7:-}" ]; then printf '    nodePort: %s\n' "$7"; fi
}

# ab POD...: svc-a and svc-b with these pods
ab() {
	service svc-a default NodePort 10.96.0.10 9000 9000 30900
	slice svc-a default 9000 "$@"
	service svc-b default NodePort 10.96.0.20 80 8080 30800
	slice svc-b default 8080 "$@"
}

write_yaml() {
	local k j ips
	ab pod1 pod2 pod3 >"$D/ab-3.yaml"
	ab pod1 pod2 pod3 pod4 >"$D/ab-4.yaml"
	for k in 1 2 3 4 5 6; do
		for j in 1 2 3; do
			service "y-$k-$j" churn-y ClusterIP "10.98.$k.$j" \
				$((RANDOM % 60000 + 1)) $((RANDOM % 60000 + 1))
			ips=()
			for _ in $(seq $((RANDOM % 4))); do
				ips+=("10.244.$((RANDOM % 3 + 1)).$((RANDOM % 250 + 1))")
			done
			# shellcheck disable=SC2046 # distinct addresses, one word each
			slice "y-$k-$j" churn-y $((RANDOM % 60000 + 1)) \
				$(printf '%s\n' "${ips[@]}" | sort -u)
		done >"$D/y-$k.yaml"
	done
}

# --- conntrack ---------------------------------------------------------------------

CTP=/proc/sys/net/netfilter

# ct_size: the conntrack table as kube-proxy sizes it (--conntrack-max-per-core
# 32768, --conntrack-min 131072; hashsize a quarter of that)
ct_size() {
	local max=$(($(nproc) * 32768))
	[ "$max" -ge 131072 ] || max=131072
	modprobe nf_conntrack &&
	echo $((max / 4)) >/sys/module/nf_conntrack/parameters/hashsize &&
	sysctl -w net.netfilter.nf_conntrack_max=$max &&
	if command -v conntrack >/dev/null; then modprobe nf_conntrack_netlink; fi
}

# ct_drops: conntrack's drop counter (summed over the CPUs' hex columns)
ct_drops() {
	awk 'function hex(x, i, v) {
			for (i = 1; i <= length(x); i++)
				v = v * 16 + index("0123456789abcdef", substr(tolower(x), i, 1)) - 1
			return v
		}
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "drop") c = i; next }
		{ s += hex($c) }
		END { print s + 0 }' /proc/net/stat/nf_conntrack
}

# fail_diag T0 T1 TARGET RESULT SPORT: what is left of a failed connection
fail_diag() {
	local p out
	echo "$*: at $(date +%s.%N) conntrack $(cat $CTP/nf_conntrack_count) of $(cat $CTP/nf_conntrack_max) entries, drop counter $(ct_drops)"
	out=$(
		if command -v conntrack >/dev/null; then
			conntrack -L -p tcp 2>/dev/null | grep -E "(sport|dport)=$5 " | sed 's/^/  conntrack: /'
		fi
		for p in "${PODS[@]}"; do
			nsx "$p" ss -tanH "( dport = :$5 )" | sed "s/^/  $p: /"
		done
		nsx ext ss -tanH "( sport = :$5 )" | sed "s/^/  ext: /"
	)
	echo "${out:-  port $5: no conntrack entry, no socket in the pods or ext}" | tr -s ' '
}

# ct_watch: until $D/ct.stop (after the clients), the conntrack table's peak
# fill into $D/ct.peak and, for the first 20 failed new connections,
# fail_diag into $D/fail.diag (while their traces are there)
ct_watch() {
	local c peak=0 n=0 total last=
	: >"$D/fail.diag"
	echo 0 >"$D/ct.peak"
	while [ -z "$last" ]; do
		[ -e "$D/ct.stop" ] && last=1
		read -r c <$CTP/nf_conntrack_count
		if [ "$c" -gt "$peak" ]; then
			peak=$c
			echo "$peak" >"$D/ct.peak"
		fi
		total=$(wc -l <"$D/conns")
		if [ "$total" -gt "$n" ] && [ "$(grep -c ' FAIL' "$D/fail.diag")" -lt 20 ]; then
			sed -n "$((n + 1)),${total}p" "$D/conns" | grep ' FAIL' | head -n 20 |
				while read -r l; do
					# shellcheck disable=SC2086 # the five fields
					fail_diag $l </dev/null
				done >>"$D/fail.diag" 2>&1
		fi
		n=$total
		[ -n "$last" ] || sleep 1
	done
}

# ct_clean: conntrack dropped no packet (a full table, a clash)
ct_clean() {
	local drops full
	drops=$(ct_drops)
	full=$(dmesg | grep -c 'nf_conntrack: table full')
	echo "conntrack: at most $(cat "$D/ct.peak" 2>/dev/null) of $(cat $CTP/nf_conntrack_max) entries; drop counter $drops; 'table full' in dmesg: $full"
	dmesg | grep 'nf_conntrack: table full' | tail -n 3
	[ "$drops" = 0 ] && [ "$full" = 0 ]
}

# --- load ------------------------------------------------------------------------

# answers_pod NS HOST PORT: one connection names a pod
answers_pod() {
	local out
	out=$(nsx "$1" timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" && read -r -t 3 l <&3 && echo "$l"' "$2" "$3")
	echo "$out"
	[[ $out =~ ^pod[1-4]$ ]]
}

# hold_started: the K long-lived connections are open, on pods 1-3
hold_started() { hold_ok "$D/hold.json" "$CONNS"; }

newconn_started() {
	for _ in $(seq 100); do
		[ -s "$D/conns" ] && { head -n 3 "$D/conns"; return 0; }
		sleep 0.2
	done
	return 1
}

churn() {
	local t0=$SECONDS rc=0
	"${LG[@]}" churn "$D/churn.log" --count "$UPDATES" --time "$SECS" \
		--seed "${KSVC_UL_SEED:-$RANDOM}" --ksvcctl "$K" --files "$D" || rc=$?
	echo "churn: $((SECONDS - t0)) s"
	awk '{print $3, ($4 == "ok" ? "ok" : "FAILED")}' "$D/churn.log" | sort | uniq -c
	grep -v ' ok$' "$D/churn.log" | head -n 10
	UPD=$(grep -c ' ok$' "$D/churn.log")
	[ "$rc" = 0 ] && [ "$UPD" -gt 0 ]
}

# stop_load: stop the clients; their exit codes into $D/hold.rc, newconn.rc;
# then ct_watch, once it has looked at newconn's last connections
stop_load() {
	touch "$D/stop"
	wait "$HOLD_PID"
	echo $? >"$D/hold.rc"
	wait "$NEWCONN_PID"
	echo $? >"$D/newconn.rc"
	touch "$D/ct.stop"
	wait "$CTWATCH_PID"
	echo "hold exited $(cat "$D/hold.rc"), newconn exited $(cat "$D/newconn.rc")"
}

# hold_clean: no reset, stall, wrong echo, lost connection
hold_clean() {
	python3 - "$D/hold.json" "$CONNS" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
k = int(sys.argv[2])
print("long-lived: opened %d of %d, still held %d, %d echoes in %.0f s, max echo "
      "latency %.0f ms; resets %d, stalls %d, wrong %d, lost %d; pods %s; "
      "VM pauses (late echoes explained by the client process itself being "
      "scheduled late, not counted) %d, longest pause %.0f ms"
      % (s["opened"], k, s["held"], s["echoes"], s["seconds"], s["max_latency_ms"],
         s["resets"], s["stalls"], s["wrong"], s["lost"], s["pods"], s["pauses"],
         s["max_pause_ms"]))
for e in s["errors"]:
    print("  " + e)
ok = s["opened"] == k and s["held"] == k and not (s["resets"] or s["stalls"] or
                                                   s["wrong"] or s["lost"])
sys.exit(0 if ok else 1)
PY
	[ "$(cat "$D/hold.rc")" = 0 ]
}

newconn_clean() {
	"${LG[@]}" check-newconn "$D/conns" "$D/churn.log" "$D/pod4.acc" && return 0
	if [ -s "$D/fail.diag" ]; then
		echo "failed connections (the first 20), as found a few seconds after they failed:"
		head -n 150 "$D/fail.diag"
	fi
	return 1
}

cleanup() {
	local p
	touch "$D/stop"
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}

# =============================================================================

check "kmod/ksvc.ko exists (built)" test -f "$KO"
check "tools/ksvcctl/ksvcctl exists (built)" test -x "$K"
check "python3 is there" python3 -c 'import asyncio'
echo "# $( [ -n "${KSVC_STRESS:-}" ] && echo long || echo short) form: $CONNS long-lived connections, up to $UPDATES updates in at most $SECS s"

check "node: forwarding, bridge cbr0, service route, br_netfilter" setup_node
check "node: conntrack table sized as kube-proxy sizes it" ct_size
for p in "${PODS[@]}"; do
	check "$p: netns, veth into cbr0 (hairpin), $(pod_ip "$p")" setup_pod "$p"
	start_server "$p"
done
check "ext: netns, 192.168.100.2, default via the node" setup_ext
for p in "${PODS[@]}"; do
	check "$p: server listens on 8080 and 9000" listening "$p"
done

check "insmod kmod/ksvc.ko" load_ksvc
check "config set --node-name node-1" "$K" config set --node-name node-1
write_yaml
check "apply svc-a, svc-b with pods 1-3" "$K" apply -f "$D/ab-3.yaml"
check "ext -> svc-b NodePort 192.168.100.1:30800 answers" answers_pod ext 192.168.100.1 30800
check "ext -> svc-b ClusterIP 10.96.0.20:80 answers" answers_pod ext 10.96.0.20 80
check "ext -> svc-a NodePort 192.168.100.1:30900 greets" answers_pod ext 192.168.100.1 30900

T0=$SECONDS
: >"$D/conns"
ct_watch &
CTWATCH_PID=$!
BG_PIDS+=($!)
nsx ext "${LG[@]}" hold 192.168.100.1 30900 "$CONNS" "$D/hold.json" "$D/stop" \
	--pods pod1,pod2,pod3 --max $((SECS + 300)) >"$D/hold.out" 2>&1 &
HOLD_PID=$!
BG_PIDS+=($!)
check "$CONNS long-lived connections to svc-a's NodePort open (on pods 1-3) and echo" hold_started
nsx ext "${LG[@]}" newconn "$D/conns" "$D/stop" 192.168.100.1:30800 10.96.0.20:80 \
	>"$D/newconn.out" 2>&1 &
NEWCONN_PID=$!
BG_PIDS+=($!)
check "new connections to svc-b are flowing" newconn_started

UPD=0
check "update loop: up to $UPDATES updates in at most $SECS s, every one succeeds" churn
sleep 1
check "stop the clients" stop_load
MINUTES=$(awk -v s=$((SECONDS - T0)) 'BEGIN { printf "%.1f", s / 60 }')
check "long-lived connections: all held, no reset, stall > 1 s or wrong echo" hold_clean
check "new connections: all answered; none by pod4 after its removal returned" newconn_clean
check "conntrack dropped no packet (table full, clash)" ct_clean
check "dmesg clean" dmesg_clean
NCONN=$(wc -l <"$D/conns")
echo "# summary: $CONNS connections held, $UPD updates applied, $NCONN new connections, $MINUTES minutes under load, conntrack at most $(cat "$D/ct.peak" 2>/dev/null) entries"
cleanup
check "rmmod ksvc" rmmod ksvc
check "dmesg clean after rmmod" dmesg_clean

finish
