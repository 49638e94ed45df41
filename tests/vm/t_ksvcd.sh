#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# VM test for ksvcd against the test API server (tests/apiserver/kapi.py,
# HTTPS and a token, as kube-apiserver): the initial sync (a stale owner
# of a ClusterIP pruned in the same batch), add, scale, update and delete
# reflected in real TCP from the node, watches closed every 2 s while 1000
# random events flow (the kernel then equals the server), 410 Gone and a
# re-list, a restart that missed a deletion, the API server down (traffic
# flows, /healthz), health-check node ports, /metrics, SIGTERM (the
# kernel keeps its services), --cleanup, and bad input: a broken
# kubeconfig, a wrong token, malformed JSON and an oversized object
# (reported; ksvcd runs on and the kernel keeps its services).
# Runs inside the VM (tests/vm/run.sh t_ksvcd) with the repo root as cwd.
# vm-timeout: 1200
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KD=$PWD/tools/ksvcd/ksvcd
KO=$PWD/kmod/ksvc.ko
KAPI=(python3 "${KSVC_KAPI:-$PWD/tests/apiserver/kapi.py}")
CHURN=(python3 "$PWD/tests/vm/ksvcd_churn.py")
LG=(python3 "$PWD/tests/vm/loadgen.py")
D=/tmp/tk
A=$D/api
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|refcount_t|Call Trace:'
export PYTHONDONTWRITEBYTECODE=1
BG_PIDS=()
KPID=
rm -rf "$D" && mkdir -p "$D"

ctl() { "${KAPI[@]}" ctl "$A" "$@"; }

svc() {	# svc NAME CLUSTERIP [TARGETPORT [TYPE EXTRA-SPEC-JSON]]
	cat <<EOF
{"apiVersion":"v1","kind":"Service","metadata":{"name":"$1","namespace":"default"},
 "spec":{"type":"${4:-ClusterIP}","clusterIP":"$2","clusterIPs":["$2"]${5:-},
 "ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":${3:-8080}}]}}
EOF
}

slice() {	# slice SERVICE PORT NODE IP...: its one EndpointSlice
	local s=$1 port=$2 node=$3 sep= a eps=
	shift 3
	for a in "$@"; do
		eps="$eps$sep{\"addresses\":[\"$a\"],\"conditions\":{\"ready\":true},\"nodeName\":\"$node\"}"
		sep=,
	done
	cat <<EOF
{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
 "metadata":{"name":"$s-x","namespace":"default","labels":{"kubernetes.io/service-name":"$s"}},
 "addressType":"IPv4","endpoints":[$eps],
 "ports":[{"name":"http","port":$port,"protocol":"TCP"}]}
EOF
}

apply() { ctl apply "$("$@")" >/dev/null; }
delete() { ctl delete "{\"kind\":\"$1\",\"metadata\":{\"name\":\"$2\",\"namespace\":\"default\"}}" >/dev/null; }

answers() {	# answers HOST PORT WANT_REGEX: from the node, first line matches
	local out
	out=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && read -r -t 2 l <&3 && echo "$l"' "$1" "$2" 2>&1)
	[[ $out =~ $3 ]]
}

# within SECS CMD...: CMD succeeds within SECS seconds; prints how long it took
within() {
	local secs=$1 t0 i
	shift
	t0=$(date +%s%N)
	for i in $(seq $((secs * 10))); do
		if "$@"; then
			echo "after $((($(date +%s%N) - t0) / 1000000)) ms"
			return 0
		fi
		sleep 0.1
	done
	echo "not within $secs s"
	return 1
}

refused() { ! answers "$1" "$2" .; }

echoes() {	# echoes HOST PORT: the port-9000 server (it echoes; 8080 closes)
	timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && read -r -t 2 a <&3 &&
		echo ping >&3 && read -r -t 2 b <&3 && [ "$b" = ping ]' "$1" "$2"
}

start_ksvcd() {	# start_ksvcd [FLAGS...]: in the background, logging to $D/ksvcd.log
	"$KD" --kubeconfig "$A/kubeconfig" --hostname-override node-1 \
		--healthz-bind-address 127.0.0.1:10256 \
		--metrics-bind-address 127.0.0.1:10249 \
		--sync-period 2s -v 2 "$@" >>"$D/ksvcd.log" 2>&1 &
	KPID=$!
}

alive() { kill -0 "$KPID"; }
stopped_ok() { kill -TERM "$KPID" && wait "$KPID"; }
runs_on() { alive && answers 10.96.0.10 80 pod1; }
relisted_seen() { ctl counters | tee /dev/stderr | grep -q list; }
log_has() { grep -E -- "$1" "$D/ksvcd.log" | tail -n 3; grep -qE -- "$1" "$D/ksvcd.log"; }
has_svc() { "$K" get services "$@" >/dev/null 2>&1; }
no_svc() { ! has_svc "$@"; }
http() { curl -s -o "$D/body" -w '%{http_code}' "$1"; }
http_is() { local c; c=$(http "$1"); echo "$c: $(head -c 300 "$D/body")"; [ "$c" = "$2" ]; }
body_has() { grep -qF -- "$1" "$D/body"; }

cleanup() {
	local p
	[ -n "$KPID" ] && kill "$KPID" 2>/dev/null
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT

# =============================================================================

check "ksvcd, ksvcctl and ksvc.ko are built" test -x "$KD" -a -x "$K" -a -f "$KO"
check "node: bridge cbr0, service route" setup_node
for p in pod1 pod2; do
	check "$p: netns, veth into cbr0, $(pod_ip "$p")" setup_pod "$p"
	nsx "$p" "${LG[@]}" server "$p" >>"$D/$p.log" 2>&1 &
	BG_PIDS+=($!)
done
for p in pod1 pod2; do check "$p: server listens on 8080 and 9000" listening "$p"; done
check "insmod kmod/ksvc.ko" load_ksvc

"${KAPI[@]}" serve --dir "$A" --bookmark-interval 1 >"$D/kapi.log" 2>&1 &
BG_PIDS+=($!)
check "the test API server is up (HTTPS, token)" within 20 test -s "$A/control-port"
check "... and answers" within 10 ctl healthz

# --- initial sync ------------------------------------------------------------

apply svc web 10.96.0.10
apply slice web 8080 node-1 10.244.0.11
apply svc new 10.96.0.20
apply slice new 8080 node-1 10.244.0.12
# in the kernel from before: a service the cluster no longer has, holding
# the ClusterIP the API server has since given to "new"
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: stale, namespace: default}\nspec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}\n' >"$D/stale.yaml"
check "a stale service holds 10.96.0.20 in the kernel" "$K" apply -f "$D/stale.yaml"
start_ksvcd
check "initial sync: web answers from pod1" within 30 answers 10.96.0.10 80 pod1
check "... the stale owner pruned in the same sync: new answers from pod2" \
	within 5 answers 10.96.0.20 80 pod2
check "... stale is gone from the kernel" no_svc stale
check "... /healthz 200 after the first sync" http_is http://127.0.0.1:10256/healthz 200

# --- add, scale, update, delete ------------------------------------------------

apply svc api 10.96.0.11
apply slice api 8080 node-1 10.244.0.12
check "add: api answers within a second" within 1 answers 10.96.0.11 80 pod2
apply slice web 8080 node-1 10.244.0.11 10.244.0.12
check "scale: web reaches pod2 too within a second" within 1 answers 10.96.0.10 80 pod2
apply svc web 10.96.0.10 9000
apply slice web 9000 node-1 10.244.0.11
check "update: web to port 9000 of pod1 within a second" \
	within 1 echoes 10.96.0.10 80
delete Service api
check "delete: api refused within a second" within 1 refused 10.96.0.11 80
check "... and gone from the kernel" no_svc api

# --- churn with watches closed every 2 s -----------------------------------------

ctl close-watches '{"every": 2}' >/dev/null
CHECK_TIMEOUT=600 check "1000 random events while watches close every 2 s" \
	"${CHURN[@]}" churn "$A" 1000 7
ctl close-watches '{"every": -1}' >/dev/null
check "... the kernel equals the server" within 30 "${CHURN[@]}" same "$A" "$K"
check "... ksvcd re-watched (several watches)" log_has "sync:"

# --- 410 Gone: a re-list ---------------------------------------------------------

ctl compact >/dev/null
ctl close-watches >/dev/null
apply svc relisted 10.96.0.12
apply slice relisted 8080 node-1 10.244.0.12
check "after compaction (410 Gone), re-listed: relisted answers" \
	within 10 answers 10.96.0.12 80 pod2
check "... the server saw the lists" relisted_seen

# --- a restart that missed a deletion -----------------------------------------

check "SIGTERM: ksvcd exits 0" stopped_ok
check "... the kernel keeps web" has_svc web
check "... and traffic flows" answers 10.96.0.10 80 pod1
delete Service relisted
delete EndpointSlice relisted-x
apply svc other 10.96.0.12
apply slice other 8080 node-1 10.244.0.11
start_ksvcd
check "restarted: the service given relisted's ClusterIP answers" \
	within 30 answers 10.96.0.12 80 pod1
check "... relisted is gone" no_svc relisted

# --- the API server down ---------------------------------------------------------

ctl down >/dev/null
check "API server down: traffic to web flows" answers 10.96.0.10 80 pod1
sleep 5
check "... ksvcd runs on" alive
check "... /healthz: nothing waits to be synced, 200" http_is http://127.0.0.1:10256/healthz 200
check "... the kernel keeps every service" has_svc web other new
ctl up >/dev/null
apply svc back 10.96.0.13
apply slice back 8080 node-1 10.244.0.11
check "API server back: a new service arrives" within 40 answers 10.96.0.13 80 pod1

# --- health-check node ports and /metrics -----------------------------------------

apply svc lb 10.96.0.14 8080 LoadBalancer ',"externalTrafficPolicy":"Local","healthCheckNodePort":32100'
apply slice lb 8080 node-1 10.244.0.11
check "health-check node port: 200, one local endpoint" \
	within 5 http_is http://127.0.0.1:32100/ 200
check "... kube-proxy's body" body_has '"localEndpoints": 1'
apply slice lb 8080 node-2 10.244.0.11
check "... endpoint moved to another node: 503" within 5 http_is http://127.0.0.1:32100/ 503
answers 10.96.0.10 80 pod1 >/dev/null
check "/metrics: kube-proxy's sync histogram" sh -c \
	'curl -s http://127.0.0.1:10249/metrics | grep -E "^kubeproxy_sync_proxy_rules_duration_seconds_count [1-9]"'
check "... ksvc's per-port counters" sh -c \
	'curl -s http://127.0.0.1:10249/metrics | grep -E "^ksvc_service_port_connections_total\{name=\"web\",namespace=\"default\",port=\"http\",protocol=\"TCP\"\} [1-9]"'

# --- bad input: reported, never a crash, the kernel untouched ---------------------

ctl malformed >/dev/null
ctl close-watches >/dev/null
sleep 3
check "malformed JSON from the server: reported" log_has "watch|list"
check "... ksvcd runs on, web still answers" runs_on
ctl clear-faults >/dev/null
ctl oversize '{"on": "watch", "bytes": 8388608}' >/dev/null
ctl close-watches >/dev/null
sleep 5
check "an oversized object (8 MiB in a watch event): reported" log_has "more than 4 MiB in one event"
check "... ksvcd runs on, web still answers" runs_on
ctl clear-faults >/dev/null
ctl token '{"token": "rotated-away"}' >/dev/null
ctl close-watches >/dev/null
sleep 4
check "a wrong token: 401 reported, naming the credential" log_has "401 Unauthorized with the token"
check "... ksvcd runs on, the kernel keeps web" runs_on
cp "$A/kubeconfig" "$D/bad-kubeconfig"
sed -i '/server:/d' "$D/bad-kubeconfig"
check_err "a kubeconfig without a server: exit 1, naming it" "server" \
	"$KD" --kubeconfig "$D/bad-kubeconfig" --healthz-bind-address= --metrics-bind-address=
check "... the kernel still has web" has_svc web

# --- SIGTERM and --cleanup ---------------------------------------------------------

check "SIGTERM: exit 0" stopped_ok
KPID=
check "... web still answers" answers 10.96.0.10 80 pod1
check "--cleanup flushes every service" "$KD" --cleanup
check "... the kernel has none" sh -c "[ -z \"\$(\"$K\" get services -A --no-headers)\" ]"
check "no kernel warning" dmesg_clean
echo "--- ksvcd's log (tail) ---"
tail -n 40 "$D/ksvcd.log"
finish
