#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# VM test for the foundation issue: ksvc.ko loads and registers the "ksvc"
# generic netlink family; ksvcctl apply/get/delete work on Services and
# EndpointSlices; clusterIP:port conflicts and bad YAML are refused without
# changing anything; each network namespace has its own table; writes need
# CAP_NET_ADMIN, reads don't; rmmod with services present is clean.
# Runs inside the VM (tests/vm/run.sh t_foundation) with the repo root as cwd.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KO=$PWD/kmod/ksvc.ko
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|list_add corruption|refcount_t|Call Trace:'

# --- helpers ---------------------------------------------------------------

# get [NETNS]: `ksvcctl get services`, in NETNS if given
get() {
	if [ $# -gt 0 ]; then
		ip netns exec "$1" "$K" get services
	else
		"$K" get services
	fi
}

# header_ok: first line of `get services` is exactly kubectl's header
header_ok() {
	local out
	out=$(get) || return 1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | head -n1 | awk '{exit !(NF == 6 && $1 == "NAME" &&
		$2 == "TYPE" && $3 == "CLUSTER-IP" && $4 == "EXTERNAL-IP" &&
		$5 == "PORT(S)" && $6 == "AGE")}'
}

# row_ok NAME TYPE CLUSTER-IP EXTERNAL-IP PORTS [NETNS]: `get services` has
# a row with these columns ("*" matches anything)
row_ok() {
	local out
	out=$(get ${6:+"$6"}) || return 1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | awk -v n="$1" -v t="$2" -v c="$3" -v e="$4" -v p="$5" '
		function m(want, have) { return want == "*" || want == have }
		$1 == n && m(t, $2) && m(c, $3) && m(e, $4) && m(p, $5) { f = 1 }
		END { exit !f }'
}

# n_services N [NETNS]: `get services` succeeds and lists exactly N services
# (a header alone or "No resources found ..." both mean none)
n_services() {
	local want=$1 out err rc=0 n
	err=$(mktemp)
	out=$(get ${2:+"$2"} 2>"$err") || rc=$?
	printf '%s\n' "$out"
	cat "$err" >&2
	rm -f "$err"
	[ "$rc" = 0 ] || return 1
	n=$(printf '%s\n' "$out" | awk '
		$1 == "NAME" && $2 == "TYPE" { next }
		/^No resources found/ { next }
		NF { n++ }
		END { print n + 0 }')
	echo "(${n} services, want ${want})"
	[ "$n" = "$want" ]
}

# no_row NAME: `get services` works and has no row NAME
no_row() {
	local out
	out=$(get) || return 1
	printf '%s\n' "$out"
	! printf '%s\n' "$out" | awk -v n="$1" '$1 == n { f = 1 } END { exit !f }'
}

# --- inputs ----------------------------------------------------------------

cat >/tmp/svc.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: myapp-service
  namespace: default
spec:
  type: NodePort
  clusterIP: 10.96.0.10
  selector:
    app: myapp
  ports:
    - name: http
      port: 80
      targetPort: 8080
      nodePort: 30008
      protocol: TCP
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: myapp-service-abc12
  namespace: default
  labels:
    kubernetes.io/service-name: myapp-service
addressType: IPv4
endpoints:
  - addresses: ["10.244.1.5"]
    conditions: {ready: true, serving: true, terminating: false}
    nodeName: node-1
  - addresses: ["10.244.1.6"]
    conditions: {ready: true, serving: true, terminating: false}
    nodeName: node-1
ports:
  - name: http
    port: 8080
    protocol: TCP
---
apiVersion: v1
kind: Service
metadata:
  name: back-end
  namespace: default
spec:
  type: ClusterIP
  clusterIP: 10.96.0.20
  ports:
    - port: 80
      protocol: TCP
YAML

cat >/tmp/backend.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: back-end
  namespace: default
spec:
  type: ClusterIP
  clusterIP: 10.96.0.20
  ports:
    - port: 80
      protocol: TCP
YAML

cat >/tmp/dup.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: dup
  namespace: default
spec:
  type: ClusterIP
  clusterIP: 10.96.0.10
  ports:
    - port: 80
      protocol: TCP
YAML

cat >/tmp/bad.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: bad
spec: [unclosed
YAML

# --- module ----------------------------------------------------------------

check "kmod/ksvc.ko exists (built)" test -f "$KO"
check "tools/ksvcctl/ksvcctl exists (built)" test -x "$K"
check "insmod kmod/ksvc.ko" load_ksvc
check "/sys/module/ksvc exists" test -d /sys/module/ksvc
if command -v genl >/dev/null; then
	check_out "generic netlink family \"ksvc\" is registered" "Name: ksvc" genl ctrl get name ksvc
else
	skip "generic netlink family \"ksvc\" is registered" "genl (iproute2) not installed"
fi

# --- apply / get -----------------------------------------------------------

check "ksvcctl apply -f /tmp/svc.yaml" "$K" apply -f /tmp/svc.yaml
check "get services: header NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE" header_ok
check "get services: myapp-service NodePort 10.96.0.10 <none> 80:30008/TCP" \
	row_ok myapp-service NodePort 10.96.0.10 '<none>' 80:30008/TCP
check "get services: back-end ClusterIP 10.96.0.20 80/TCP" \
	row_ok back-end ClusterIP 10.96.0.20 '*' 80/TCP
check "get services: exactly 2 services" n_services 2
check "applying the same file again exits 0" "$K" apply -f /tmp/svc.yaml
check "still exactly 2 services after re-apply" n_services 2

# --- conflicts and bad input -----------------------------------------------

check_err "service dup on 10.96.0.10:80 is refused, naming the holder" \
	"myapp-service" "$K" apply -f /tmp/dup.yaml
check "dup was not added" no_row dup
check "still exactly 2 services after the refused dup" n_services 2
check_err "bad YAML fails with file:line:col" \
	'/tmp/bad\.yaml:[0-9]+:[0-9]+' "$K" apply -f /tmp/bad.yaml
check "still exactly 2 services after bad YAML" n_services 2

# --- network namespaces ----------------------------------------------------

check "ip netns add other" ip netns add other
check "netns other: no services" n_services 0 other
check "init netns: still 2 services" n_services 2
check "netns other: apply back-end" ip netns exec other "$K" apply -f /tmp/backend.yaml
check "netns other: back-end listed" row_ok back-end ClusterIP 10.96.0.20 '*' 80/TCP other
check "netns other: exactly 1 service" n_services 1 other
check "init netns: still exactly 2 services" n_services 2
check "netns other: delete back-end" ip netns exec other "$K" delete -f /tmp/backend.yaml
check "netns other: no services after delete" n_services 0 other
check "init netns: back-end untouched by the delete in other" \
	row_ok back-end ClusterIP 10.96.0.20 '*' 80/TCP
check "netns other: apply back-end again (left for netns teardown)" \
	ip netns exec other "$K" apply -f /tmp/backend.yaml
check "ip netns del other (with a service in it)" ip netns del other
check "dmesg clean after netns teardown" dmesg_clean

# --- permissions -----------------------------------------------------------

# shellcheck disable=SC2016 # $1 is for sh -c
check "nobody can run ksvcctl and read /tmp/svc.yaml" \
	"${NOBODY[@]}" sh -c 'test -x "$1" && test -r /tmp/svc.yaml' sh "$K"
check_err "apply as nobody fails with EPERM" \
	"Operation not permitted|permission" "${NOBODY[@]}" "$K" apply -f /tmp/svc.yaml
check "apply as nobody changed nothing" n_services 2
check_out "get services as nobody works" "myapp-service" "${NOBODY[@]}" "$K" get services

# --- delete ----------------------------------------------------------------

check "ksvcctl delete -f /tmp/svc.yaml" "$K" delete -f /tmp/svc.yaml
check "no services after delete" n_services 0

# --- unload with services present ------------------------------------------

check "re-apply /tmp/svc.yaml" "$K" apply -f /tmp/svc.yaml
check "2 services before rmmod" n_services 2
check "rmmod ksvc with services present" rmmod ksvc
check "dmesg shows no BUG/WARNING" dmesg_clean
check_fail "/sys/module/ksvc is gone" test -e /sys/module/ksvc
check "insmod again" load_ksvc
check "table is empty after reload" n_services 0
check "rmmod again" rmmod ksvc
check "dmesg still clean" dmesg_clean

finish
