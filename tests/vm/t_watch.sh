#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# VM test for "ksvcctl watch": one process follows a FIFO fed as
# "kubectl get -w" feeds it (YAML with "---" before each object but the
# first, watch events in YAML and JSON) and keeps the kernel in step; real
# TCP from the node to the ClusterIP follows the EndpointSlice's changes.
# A wrong object and one the kernel refuses are reported with their
# location while the objects around them go in; a DELETED slice leaves its
# service with no backends, a DELETED service leaves the kernel; with 2000
# services in place a slice update sends that one service; the exit status
# says whether anything was refused.
# Runs inside the VM (tests/vm/run.sh t_watch) with the repo root as cwd.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KO=$PWD/kmod/ksvc.ko
LG=(python3 "$PWD/tests/vm/loadgen.py")
D=/tmp/tw
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|refcount_t|Call Trace:'
export PYTHONDONTWRITEBYTECODE=1
BG_PIDS=()
rm -rf "$D" && mkdir -p "$D"

svc() {	# svc NAME CLUSTERIP [INDENT]: a Service as kubectl prints it
	sed "s/^/${3:-}/" <<EOF
apiVersion: v1
kind: Service
metadata:
  name: $1
  namespace: default
spec:
  clusterIP: $2
  ports:
  - port: 80
    protocol: TCP
    targetPort: 8080
  type: ClusterIP
EOF
}

slice() {	# slice NAME SERVICE INDENT IP...: topo.sh's, indented
	local name=$1 service=$2 ind=$3
	shift 3
	slice_yaml "$name" "$service" 8080 "$@" | sed "s/^/$ind/"
}

# event TYPE OBJECT-FUNCTION ARGS...: a watch event, as
# "kubectl get -w --output-watch-events -o yaml" prints it
event() {
	local t=$1
	shift
	printf 'type: %s\nobject:\n' "$t"
	"$@"
}

# out_lines N: the watch has printed at least N lines (20 s); prints them
out_lines() {
	for _ in $(seq 100); do
		[ "$(wc -l <"$D/out")" -ge "$1" ] && break
		sleep 0.2
	done
	echo "$(wc -l <"$D/out") lines; the last: $(tail -n 1 "$D/out")"
	[ "$(wc -l <"$D/out")" -ge "$1" ]
}

# last_out N LINE...: N lines in all, the last ones exactly LINE...
last_out() {
	local n=$1 got want
	shift
	out_lines "$n" >/dev/null
	sleep 0.3	# nothing more should come
	want=$(printf '%s\n' "$@")
	got=$(tail -n "$#" "$D/out")
	printf '%s lines; the last %s:\n%s\n' "$(wc -l <"$D/out")" "$#" "$got"
	[ "$(wc -l <"$D/out")" = "$n" ] && [ "$got" = "$want" ]
}

answers() {	# answers HOST PORT WANT_REGEX: from the node, first line matches
	local out
	out=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" && read -r -t 3 l <&3 && echo "$l"' "$1" "$2")
	echo "$out"
	[[ $out =~ $3 ]]
}

answers_n() {	# answers_n N HOST PORT REGEX: N connections, every one matches
	local i
	for i in $(seq "$1"); do answers "$2" "$3" "$4" || return 1; done
}

# As kubectl writes: "---" alone, then each object in one write(2).
# One write(), as kubectl's one object: bash's printf writes line by line,
# and a "---" line arriving before the rest ends a round early.
send() { cat >"$D/send"; cat "$D/send" >&3; }
sep() { printf -- '---\n' >&3; }

svcs() { "$K" get services -o name | sort | tr '\n' ' '; echo; }
has_svcs() { local got; got=$(svcs); echo "$got"; [ "$got" = "$1" ]; }

err_has() {	# err_has REGEX: the watch's stderr matches
	cat "$D/err"
	grep -qE -- "$1" "$D/err"
}

cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT

# =============================================================================

check "kmod/ksvc.ko exists (built)" test -f "$KO"
check "tools/ksvcctl/ksvcctl exists (built)" test -x "$K"
check "node: forwarding, bridge cbr0, service route, br_netfilter" setup_node
for p in pod1 pod2; do
	check "$p: netns, veth into cbr0, $(pod_ip "$p")" setup_pod "$p"
	nsx "$p" "${LG[@]}" server "$p" >>"$D/$p.log" 2>&1 &
	BG_PIDS+=($!)
done
for p in pod1 pod2; do check "$p: server listens on 8080" listening "$p"; done
check "insmod kmod/ksvc.ko" load_ksvc

mkfifo "$D/in"
"$K" watch -f "$D/in" >"$D/out" 2>"$D/err" &
WPID=$!
exec 3>"$D/in"

# 1. kubectl -o yaml: the first object has no "---"; a pause ends the
# last; two objects in one read
{ svc web 10.96.0.20; echo ---; slice web-abc web "" 10.244.0.11; } | send
check "1. Service and its slice: one line" last_out 1 "service/web created"
check "1. node -> 10.96.0.20:80 answers pod1 (5 of 5)" answers_n 5 10.96.0.20 80 '^pod1$'

# 2. a MODIFIED event moves the backend to pod2
sep
event MODIFIED slice web-abc web "  " 10.244.0.12 | send
check "2. MODIFIED slice: web configured" last_out 2 "service/web configured"
check "2. node -> 10.96.0.20:80 answers pod2 (5 of 5)" answers_n 5 10.96.0.20 80 '^pod2$'

# 3. a wrong object among good ones: reported where it is, the others go in
sep
svc bad 10.96.0.300 | send
sep
svc ok 10.96.0.21 | send
check "3. the good service goes in" last_out 3 "service/ok created"
check "3. the wrong one is reported at FIFO:line:col with its field" \
	err_has "^$D/in:[0-9]+:[0-9]+: error: spec.clusterIP: Invalid value: \"10.96.0.300\""
check "3. the kernel has web and ok, not bad" has_svcs "service/ok service/web "

# 4. the kernel refuses one op (ok's address and port): the rest go in
{ echo ---; svc clash 10.96.0.21; echo ---; svc fine 10.96.0.22; } | send
check "4. fine goes in" last_out 4 "service/fine created"
check "4. the clash is reported with its document's location" \
	err_has "^$D/in:[0-9]+:[0-9]+: error: .*(clash|10\.96\.0\.21)"
check "4. the kernel has fine, not clash" has_svcs "service/fine service/ok service/web "

# 5. JSON, as "kubectl get -w --output-watch-events -o json": DELETED slice
sep
printf '{"type":"DELETED","object":{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-abc","namespace":"default","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4","endpoints":[],"ports":[]}}\n' >&3
check "5. DELETED (last) slice: web configured" last_out 5 "service/web configured"
check_fail "5. web has no backends now: the connection fails" answers 10.96.0.20 80 '^pod'

# 6. DELETED service; an ExternalName is skipped
{
	echo ---; event DELETED svc web 10.96.0.20 "  "
	echo ---; printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  type: ExternalName\n  externalName: example.com\n'
} | send
# (skipped lines come as the round is planned, results once the kernel answers)
check "6. DELETED service leaves the kernel; ExternalName skipped" \
	last_out 7 "service/ext skipped (ExternalName is not proxied)" 'service "web" deleted'
check "6. the kernel has fine and ok" has_svcs "service/fine service/ok "

# 7. the end of the input ends the watch: exit 1, two things were refused
exec 3>&-
rc=0
wait "$WPID" || rc=$?
check "7. input closed: the watch exits 1 (an object and an op were refused)" test "$rc" = 1

# 8. stdin, a file of JSON objects: exit 0
printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"j1"},"spec":{"clusterIP":"10.96.0.31","ports":[{"port":80}]}}\n{"apiVersion":"v1","kind":"Service","metadata":{"name":"j2"},"spec":{"clusterIP":"10.96.0.32","ports":[{"port":80}]}}' >"$D/j.json"
j_ok() {
	local got
	got=$("$K" watch -f - <"$D/j.json") || return 1
	printf '%s\n' "$got"
	[ "$got" = "$(printf 'service/j1 created\nservice/j2 created')" ]
}
check "8. watch -f - < JSON objects: both created, exit 0" j_ok

# 9. 2000 services in place: a slice update sends one service
python3 - "$D/big.yaml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(2000):
        f.write(f"""---
apiVersion: v1
kind: Service
metadata:
  name: s{i}
  namespace: default
spec:
  clusterIP: 10.100.{i // 250}.{i % 250 + 1}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: s{i}-x
  namespace: default
  labels:
    kubernetes.io/service-name: s{i}
addressType: IPv4
endpoints:
- addresses: [10.244.0.11]
ports:
- name: ""
  port: 8080
""")
PY
: >"$D/out"
mkfifo "$D/in2"
"$K" watch -f "$D/in2" >"$D/out" 2>"$D/err" &
WPID=$!
exec 3>"$D/in2"
cat "$D/big.yaml" >&3
# created_n N: N "created" lines (20 s); a service whose slice came in the
# next read is "configured" once more, which is right
created_n() {
	local n
	for _ in $(seq 100); do
		n=$(grep -c ' created$' "$D/out")
		[ "$n" -ge "$1" ] && break
		sleep 0.2
	done
	echo "$n created, $(grep -vc ' created$' "$D/out") other lines:"
	grep -v ' created$' "$D/out" | head -n 20
	[ "$n" = "$1" ] && ! grep -v ' created$' "$D/out" | grep -vq ' configured$'
}
check "9. 2000 services streamed in: 2000 created" created_n 2000
sleep 0.5
N0=$(wc -l <"$D/out")
sep
event MODIFIED slice s1234-x s1234 "  " 10.244.0.12 | send
check "9. one slice update: one line, for s1234" last_out $((N0 + 1)) "service/s1234 configured"
check "9. node -> 10.100.4.235:80 (s1234) answers pod2" answers 10.100.4.235 80 '^pod2$'
check "9. node -> 10.100.4.234:80 (s1233) still answers pod1" answers 10.100.4.234 80 '^pod1$'

# a DELETED service the kernel never had (deleted before it was applied):
# nothing to say about it; the slice update of the same read goes in
{
	echo ---; event DELETED svc ghost 10.100.9.9 "  "
	echo ---; event MODIFIED slice s1233-x s1233 "  " 10.244.0.12
} | send
check "9. DELETED of an unknown service: quiet; s1233 configured" \
	last_out $((N0 + 2)) "service/s1233 configured"
check "9. ... and nothing on stderr" sh -c "! grep . '$D/err'"
exec 3>&-
rc=0
wait "$WPID" || rc=$?
check "9. input closed: exit 0" test "$rc" = 0

check "no oops in dmesg" sh -c "! dmesg | grep -E '$OOPS'"
finish
