#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# VM test of resumable dumps and large tables: 3000 services from one YAML
# file, listed completely and exactly once by `ksvcctl get services -A` (the
# dump spans many netlink messages); a service with 1000 backends, counted
# in the ENDPOINTS column and returned whole by a doit GET (tests/vm/nlraw.py);
# KSVC_CMD_FLUSH of one namespace; deleting a netns that holds 3000 services
# and unloading the module leave dmesg clean.  Runs inside the VM
# (tests/vm/run.sh t_dump) with the repo root as cwd.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KO=$PWD/kmod/ksvc.ko
NL=(python3 "$PWD/tests/vm/nlraw.py")
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|list_add corruption|refcount_t|Call Trace:'
export PYTHONDONTWRITEBYTECODE=1
N=3000          # services
NBE=1000        # backends of the big service
YAML=/tmp/many.yaml
NAMES=/tmp/many.names   # "namespace/name" of every service in $YAML, sorted

# --- helpers ---------------------------------------------------------------

# gen_yaml: $N Services svc-I in namespaces ns-a, ns-b, ns-c (I mod 3), on
# clusterIPs 10.96.(I/250).(I%250+1):80, and EndpointSlices for the first 3
gen_yaml() {
	python3 - "$N" "$YAML" "$NAMES" <<'PY'
import sys
n, out, names = int(sys.argv[1]), open(sys.argv[2], "w"), open(sys.argv[3], "w")
nss = ["ns-a", "ns-b", "ns-c"]
for i in range(n):
    out.write(f"""---
apiVersion: v1
kind: Service
metadata:
  name: svc-{i}
  namespace: {nss[i % 3]}
spec:
  type: ClusterIP
  clusterIP: 10.96.{i // 250}.{i % 250 + 1}
  ports:
    - name: http
      port: 80
      protocol: TCP
""")
for i in range(3):
    out.write(f"""---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: svc-{i}-abc12
  namespace: {nss[i % 3]}
  labels:
    kubernetes.io/service-name: svc-{i}
addressType: IPv4
endpoints:
  - addresses: ["10.244.{i}.5"]
    conditions: {{ready: true, serving: true, terminating: false}}
  - addresses: ["10.244.{i}.6"]
    conditions: {{ready: true, serving: true, terminating: false}}
ports:
  - name: http
    port: 8080
    protocol: TCP
""")
names.write("".join(sorted(f"{nss[i % 3]}/svc-{i}\n" for i in range(n))))
PY
	grep -c '^kind: Service$' "$YAML"
}

# apply_all [NETNS]: ksvcctl apply the big file, quietly, and time it
apply_all() {
	local t0=$SECONDS out rc=0
	out=$(${1:+ip netns exec "$1"} "$K" apply -f "$YAML" 2>&1) || rc=$?
	printf '%s\n' "$out" | tail -n 3
	echo "($(printf '%s\n' "$out" | grep -c ' created$') created, $((SECONDS - t0)) s, exit $rc)"
	return "$rc"
}

# listed_once [NETNS]: `get services -A --no-headers` has $N rows, and its
# namespace/name pairs are exactly those of the YAML file, each once
listed_once() {
	local out
	out=$(${1:+ip netns exec "$1"} "$K" get services -A --no-headers) || return 1
	echo "$(printf '%s\n' "$out" | grep -c .) rows (want $N)"
	[ "$(printf '%s\n' "$out" | grep -c .)" = "$N" ] || return 1
	printf '%s\n' "$out" | awk '{print $1 "/" $2}' | sort >/tmp/listed.names
	echo "duplicates: $(uniq -d /tmp/listed.names | head -n 5 | tr '\n' ' ')"
	echo "missing or extra: $(diff "$NAMES" /tmp/listed.names | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
	cmp -s "$NAMES" /tmp/listed.names
}

# nl_dump_count N [NS]: nlraw.py's own SVC_GET dump returns N services, once each
nl_dump_count() {
	local want=$1 out
	shift
	out=$("${NL[@]}" dump "$@") || return 1
	echo "$(printf '%s\n' "$out" | grep -c .) services, $(printf '%s\n' "$out" |
		awk '{print $1}' | sort | uniq -d | wc -l) duplicates (want $want, 0)"
	[ "$(printf '%s\n' "$out" | grep -c .)" = "$want" ] &&
		[ -z "$(printf '%s\n' "$out" | awk '{print $1}' | sort | uniq -d)" ]
}

# endpoints_col NS NAME WANT: `get services -n NS NAME -o wide` shows WANT
# under ENDPOINTS
endpoints_col() {
	local out
	out=$("$K" get services -n "$1" "$2" -o wide) || return 1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | awk -v n="$2" -v w="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ENDPOINTS") c = i; next }
		$1 == n && c && $c == w { f = 1 }
		END { exit !f }'
}

# ns_rows NS N: `get services -n NS --no-headers` lists N rows
ns_rows() {
	local out n
	out=$("$K" get services -n "$1" --no-headers 2>/dev/null)
	n=$(printf '%s\n' "$out" | grep -c '^svc-')
	echo "namespace $1: $n services (want $2)"
	[ "$n" = "$2" ]
}

# --- module and input ------------------------------------------------------

check "kmod/ksvc.ko exists (built)" test -f "$KO"
check "tools/ksvcctl/ksvcctl exists (built)" test -x "$K"
check "insmod kmod/ksvc.ko" load_ksvc
check_out "generate $YAML: $N Services and 3 EndpointSlices" "$N" gen_yaml

# --- 3000 services, one dump -----------------------------------------------

check "ksvcctl apply -f $YAML ($N services)" apply_all
check "get services -A: $N rows, every namespace/name exactly once" listed_once
check "nlraw.py dump: $N services, none twice" nl_dump_count "$N"
check "nlraw.py dump of namespace ns-b: $((N / 3)) services" nl_dump_count $((N / 3)) ns-b
check "ns-a/svc-0 (from its EndpointSlice): ENDPOINTS 2" endpoints_col ns-a svc-0 2

# --- one service with 1000 backends ----------------------------------------

check "SVC_NEW default/big with $NBE backends" \
	"${NL[@]}" big default big 10.100.0.1 "$NBE"
check "get services big -o wide: ENDPOINTS $NBE" endpoints_col default big "$NBE"
check "doit GET default/big returns all $NBE backends" \
	"${NL[@]}" getbe default big "$NBE"
check "nlraw.py dump: $N + 1 services now" nl_dump_count $((N + 1))

# --- FLUSH of one namespace ------------------------------------------------

check "KSVC_CMD_FLUSH namespace ns-b" "${NL[@]}" flush ns-b
check "ns-b is empty" ns_rows ns-b 0
check "ns-a untouched" ns_rows ns-a $((N / 3))
check "ns-c untouched" ns_rows ns-c $((N / 3))
check "default/big untouched, with its $NBE backends" \
	"${NL[@]}" getbe default big "$NBE"
check "$((N - N / 3 + 1)) services left" nl_dump_count $((N - N / 3 + 1))
check "dmesg clean after the flush" dmesg_clean

# --- a netns with 3000 services goes away ----------------------------------

check "ip netns add big" ip netns add big
check "netns big: apply the $N services" apply_all big
check "netns big: all $N listed once" listed_once big
check "init netns: still $((N - N / 3 + 1)) services" nl_dump_count $((N - N / 3 + 1))
check "ip netns del big (with $N services)" ip netns del big
sleep 3 # let the netns go through its exit path before the module does
check "rmmod ksvc (with services in the init netns)" rmmod ksvc
check "/sys/module/ksvc is gone" test ! -e /sys/module/ksvc
check "dmesg clean at the end" dmesg_clean

finish
