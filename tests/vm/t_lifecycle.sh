#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# shellcheck disable=SC1091,SC2016 # lib.sh is sourced at run time; bash -c scripts
# VM test: module lifecycle.  Runs inside the VM (tests/vm/run.sh
# t_lifecycle) with the repo root as cwd.
#
#   a. rmmod ksvc while traffic flows: new connections (loadgen.py newconn)
#      and long-lived ones (loadgen.py hold) through a NodePort; rmmod
#      succeeds, nothing oopses, later packets just pass (untranslated), the
#      clients keep running, direct pod traffic still works;
#   b. rmmod while a dump of 3000 services is in progress, two ways:
#      `ksvcctl get services -A | (sleep 3; cat)` and a raw SVC_GET dump
#      that reads its first batch and then sleeps (loadgen.py slowdump):
#      rmmod may fail with EBUSY while the dump holds the module; once the
#      dump is over it succeeds; no oops either way;
#   c. delete a network namespace (a "node" netns between a client netns and
#      a server netns) that holds services and established, translated
#      connections; the module still unloads after;
#   d. load/unload 20 times (KSVC_STRESS=1: 100), each time applying a
#      service and making one connection through it;
#   e. no leak: SUnreclaim and Percpu of /proc/meminfo (after drop_caches)
#      and the slabinfo total before and after d; kmemleak when the kernel
#      has it (Debian's has not).
#
# Topology (a, d): bridge cbr0 10.244.0.1/24 on the node, pods pod1, pod2
# (10.244.0.11, .12) running loadgen.py's server (8080: name and close;
# 9000: name, then echo); ext 192.168.100.2 routed via the node
# 192.168.100.1.  (c): cli 10.50.0.2 -- 10.50.0.1 rtr 10.60.0.1 -- 10.60.0.2
# srv, services in rtr.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KO=${KSVC_KO:-$PWD/kmod/ksvc.ko}
LG=(python3 "$PWD/tests/vm/loadgen.py")
NL=(python3 "$PWD/tests/vm/nlraw.py")
D=/tmp/lc
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|list_add corruption|refcount_t|Call Trace:'
PODS=(pod1 pod2)
export PYTHONDONTWRITEBYTECODE=1
if [ -n "${KSVC_STRESS:-}" ]; then CYCLES=${KSVC_LC_CYCLES:-100}; else CYCLES=${KSVC_LC_CYCLES:-20}; fi
# shellcheck disable=SC2034 # read by lib.sh
CHECK_TIMEOUT=$((CYCLES * 6 + 60))
BG_PIDS=()
mkdir -p "$D"
rm -rf "${D:?}"/*

# --- topology: tests/vm/topo.sh, plus ---------------------------------------

# setup_c: cli -- rtr -- srv, rtr forwards; no process stays in rtr
setup_c() {
	local n
	for n in cli rtr srv; do ip netns add "$n" || return 1; done
	ip link add c0 netns cli type veth peer name r0 netns rtr &&
	ip link add s0 netns srv type veth peer name r1 netns rtr &&
	nsx rtr sh -c "sysctl -qw net.ipv4.ip_forward=1 &&
		ip link set lo up && ip link set r0 up && ip link set r1 up &&
		ip addr add 10.50.0.1/24 dev r0 && ip addr add 10.60.0.1/24 dev r1" &&
	nsx cli sh -c "sysctl -qw net.ipv4.tcp_syn_retries=1 &&
		ip link set lo up && ip link set c0 up &&
		ip addr add 10.50.0.2/24 dev c0 && ip route add default via 10.50.0.1" &&
	nsx srv sh -c "ip link set lo up && ip link set s0 up &&
		ip addr add 10.60.0.2/24 dev s0 && ip route add default via 10.60.0.1"
}

start_server() {
	nsx "$1" "${LG[@]}" server "$1" >>"$D/$1.log" 2>&1 &
	BG_PIDS+=($!)
}

DEPS_LOADED=
# lib.sh's load_ksvc, modprobing the dependencies only once
# shellcheck disable=SC2120 # no module parameters here
load_ksvc() {
	local deps
	if [ -z "$DEPS_LOADED" ]; then
		deps=$(modinfo -F depends "$KO") || return 1
		# shellcheck disable=SC2086 # one word per module
		if [ -n "$deps" ]; then modprobe -a ${deps//,/ } || return 1; fi
		DEPS_LOADED=1
	fi
	insmod "$KO" "$@"
}

loaded() { test -e /sys/module/ksvc; }

# --- YAML ----------------------------------------------------------------------

write_yaml() {
	{
		svc_yaml web 10.96.0.20 80 8080 30800 10.244.0.11 10.244.0.12
		svc_yaml echo 10.96.0.10 9000 9000 30900 10.244.0.11 10.244.0.12
	} >"$D/a.yaml"
	svc_yaml far 10.96.5.5 80 9000 30950 10.60.0.2 >"$D/c.yaml"
	svc_yaml cyc 10.96.7.7 80 8080 30970 10.244.0.11 >"$D/d.yaml"
}

# --- helpers -----------------------------------------------------------------------

# answers NS HOST PORT WANT_REGEX: one /dev/tcp connection, first line matches
answers() {
	local out
	out=$(nsx "$1" timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" && read -r -t 3 l <&3 && echo "$l"' "$2" "$3")
	echo "$out"
	[[ $out =~ $4 ]]
}

# lines_ok FILE N: FILE has at least N successful connection lines
nok() { local n; n=$(grep -vc FAIL "$1" 2>/dev/null); echo "${n:-0}"; }
lines_ok() {
	for _ in $(seq 100); do
		[ "$(nok "$1")" -ge "$2" ] && break
		sleep 0.2
	done
	echo "$(nok "$1") answered, $(grep -c FAIL "$1" 2>/dev/null) failed so far"
	[ "$(nok "$1")" -ge "$2" ]
}

# rmmod_now: rmmod ksvc; prints how long it took
rmmod_now() {
	local t0 rc=0
	t0=$(date +%s%N)
	rmmod ksvc || rc=$?
	echo "rmmod: exit $rc after $((($(date +%s%N) - t0) / 1000000)) ms"
	return "$rc"
}

# a_after: after rmmod the clients are still running and writing lines,
# the NodePort no longer answers (packets pass untranslated) and direct
# pod traffic works
a_after() {
	local n1 n2
	n1=$(wc -l <"$D/a.conns")
	sleep 3
	n2=$(wc -l <"$D/a.conns")
	echo "new-connection lines: $n1 -> $n2 in 3 s after rmmod"
	tail -n 4 "$D/a.conns"
	# (the long-lived connections may end: ksvc drops its NAT state on exit)
	kill -0 "$A_NEW" || { echo "the new-connection client died"; return 1; }
	[ "$n2" -gt "$n1" ] || return 1
	if answers ext 192.168.100.1 30800 '^pod'; then
		echo "NodePort still translated after rmmod"
		return 1
	fi
	answers ext 10.244.0.11 8080 '^pod1$'
}

# a_stop: stop the clients; report what the long-lived connections saw
a_stop() {
	touch "$D/a.stop"
	wait "$A_HOLD"
	echo "hold exited $?"
	wait "$A_NEW"
	python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print("long-lived connections across rmmod: opened %d, still held %d, echoes %d, "
      "resets %d, stalls %d, lost %d, max latency %.0f ms"
      % (s["opened"], s["held"], s["echoes"], s["resets"], s["stalls"], s["lost"],
         s["max_latency_ms"]))
for e in s["errors"][:8]:
    print("  " + e)' "$D/a.hold.json"
	awk '{ print ($4 ~ /^FAIL/ ? "failed" : "answered") }' "$D/a.conns" | sort | uniq -c
}

# b_ksvcctl: rmmod during `ksvcctl get services -A | (sleep 3; cat)`
b_ksvcctl() {
	local pid rc1=0 rc2=0 t0
	t0=$(date +%s%N)
	("$K" get services -A; echo "ksvcctl exit $?") | (sleep 3; cat >"$D/b.out") &
	pid=$!
	sleep 0.3
	rmmod ksvc 2>"$D/b.rmmod1" || rc1=$?
	echo "rmmod during the dump ($((($(date +%s%N) - t0) / 1000000)) ms after it started): exit $rc1 $(cat "$D/b.rmmod1")"
	wait "$pid"
	echo "dump: $(grep -c . "$D/b.out") lines; $(tail -n 1 "$D/b.out")"
	if loaded; then
		rmmod ksvc || rc2=$?
		echo "rmmod after the dump: exit $rc2"
	fi
	if [ "$rc1" != 0 ] && ! grep -qiE 'busy|in use' "$D/b.rmmod1"; then
		echo "first rmmod failed, but not with EBUSY"
		return 1
	fi
	! loaded
}

# b_slowdump: rmmod while a raw dump waits 20 s after its first batch
b_slowdump() {
	local pid rc1=0 rc2=0 rcd=0 t1 awake
	"${LG[@]}" slowdump --first-sleep 20 >"$D/b2.out" 2>&1 &
	pid=$!
	for _ in $(seq 150); do grep -q 'first batch' "$D/b2.out" && break; sleep 0.1; done
	cat "$D/b2.out"
	echo "refcnt during the dump: $(cat /sys/module/ksvc/refcnt)"
	rmmod ksvc 2>"$D/b2.rmmod1" || rc1=$?
	t1=$(date +%s.%N)
	echo "rmmod during the dump: exit $rc1 $(cat "$D/b2.rmmod1") (returned at $t1)"
	wait "$pid" || rcd=$?
	awake=$(sed -n 's/^slowdump: awake at \([0-9.]*\).*/\1/p' "$D/b2.out")
	if [ "$rc1" = 0 ] && [ -n "$awake" ] &&
		awk -v a="$awake" -v b="$t1" 'BEGIN { exit !(b < a) }'; then
		echo "BUG: rmmod succeeded at $t1 while the dump, started before, was still asleep (until $awake) -- the dump did not hold the module"
		return 1
	fi
	echo "slowdump exit $rcd:"
	cat "$D/b2.out"
	if loaded; then
		rmmod ksvc || rc2=$?
		echo "rmmod after the dump: exit $rc2"
	fi
	if [ "$rc1" != 0 ] && ! grep -qiE 'busy|in use' "$D/b2.rmmod1"; then
		echo "first rmmod failed, but not with EBUSY"
		return 1
	fi
	! loaded
}

bulk3000() {
	"${NL[@]}" bulk dump svc 3000 --net 10.100.0.0 &&
	[ "$("$K" get services -n dump --no-headers | grep -c .)" = 3000 ]
}

ct_established() {
	local n
	n=$(nsx rtr conntrack -L 2>/dev/null | grep -c 'ESTABLISHED.*dst=10.96.5.5')
	echo "$n established entries to 10.96.5.5 in rtr; $(nsx rtr conntrack -C) in all"
	[ "$n" -ge 4 ]
}

# c_delete: delete rtr, whose services carry cli's connections
c_delete() {
	local n
	ip netns del rtr || return 1
	# the netns goes away in the background (cleanup_net); its veth ends
	# in cli and srv disappear with it
	for n in $(seq 100); do
		nsx cli ip link show c0 >/dev/null 2>&1 || break
		sleep 0.1
	done
	echo "c0 gone after ~$((n / 10)) s"
	! nsx cli ip link show c0 >/dev/null 2>&1
}

c_stop() {
	touch "$D/c.stop"
	kill "$C_NEW" "$C_HOLD" 2>/dev/null
	wait "$C_NEW" "$C_HOLD" 2>/dev/null
	python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print("long-lived through rtr: opened %d, held %d, echoes %d" % (s["opened"], s["held"], s["echoes"]))' "$D/c.hold.json"
	true
}

# mem: one line "SUnreclaim Percpu SlabTotal" in kB, after dropping caches
mem() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^SUnreclaim:/ { u = $2 } /^Percpu:/ { p = $2 } END { printf "%d %d ", u, p }' /proc/meminfo
	awk 'NR > 2 { t += $3 * $4 } END { printf "%d\n", t / 1024 }' /proc/slabinfo
}

# cycles N: N times insmod, apply a service, one connection, rmmod
cycles() {
	local i out
	for i in $(seq "$1"); do
		load_ksvc || { echo "cycle $i: insmod failed"; return 1; }
		out=$("$K" apply -f "$D/d.yaml" 2>&1) || { echo "cycle $i: apply: $out"; return 1; }
		out=$(timeout 5 bash -c 'exec 3<>/dev/tcp/10.96.7.7/80 && read -r -t 3 l <&3 && echo "$l"')
		[ "$out" = pod1 ] || { echo "cycle $i: connection answered '$out'"; return 1; }
		rmmod ksvc || { echo "cycle $i: rmmod failed"; return 1; }
	done
	echo "$1 cycles"
	! loaded
}

# leak BEFORE AFTER CYCLES: growth within slack
leak() {
	local u0 p0 s0 u1 p1 s1 du dp ds
	read -r u0 p0 s0 <<<"$1"
	read -r u1 p1 s1 <<<"$2"
	du=$((u1 - u0)) dp=$((p1 - p0)) ds=$((s1 - s0))
	echo "over $3 load/apply/connect/unload cycles: SUnreclaim $u0 -> $u1 kB ($du), Percpu $p0 -> $p1 kB ($dp), slabinfo total $s0 -> $s1 kB ($ds)"
	echo "per cycle: SUnreclaim $((du / $3)) kB, Percpu $((dp * 1000 / $3)) B"
	LEAK_LINE="SUnreclaim ${du} kB, Percpu ${dp} kB, slab total ${ds} kB over $3 cycles"
	# slack: 1 MB plus 16 kB a cycle of unreclaimable slab, 256 kB percpu
	[ "$du" -lt $((1024 + 16 * $3)) ] && [ "$dp" -lt 256 ]
}

kmemleak_scan() {
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
	! grep -q ksvc /sys/kernel/debug/kmemleak
}

cleanup() {
	local p
	touch "$D/a.stop" "$D/c.stop"
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}

# =============================================================================

check "kmod/ksvc.ko exists (built)" test -f "$KO"
check "tools/ksvcctl/ksvcctl exists (built)" test -x "$K"
check "python3 is there" python3 -c 'import asyncio'
echo "# $( [ -n "${KSVC_STRESS:-}" ] && echo long || echo short) form: $CYCLES load/unload cycles"

check "node: forwarding, bridge cbr0, service route, br_netfilter" setup_node
for p in "${PODS[@]}"; do
	check "$p: netns, veth into cbr0, $(pod_ip "$p")" setup_pod "$p"
	start_server "$p"
done
check "ext: netns, 192.168.100.2, default via the node" setup_ext
for p in "${PODS[@]}"; do
	check "$p: server listens on 8080 and 9000" listening "$p"
done
write_yaml
MEM0=$(mem)

echo "# t=$SECONDS s"
# --- a. rmmod under traffic ------------------------------------------------------

check "a. insmod kmod/ksvc.ko" load_ksvc
check "a. apply web (NodePort 30800) and echo (NodePort 30900)" "$K" apply -f "$D/a.yaml"
check "a. ext -> 192.168.100.1:30800 answers" answers ext 192.168.100.1 30800 '^pod[12]$'
nsx ext "${LG[@]}" newconn "$D/a.conns" "$D/a.stop" 192.168.100.1:30800 10.96.0.20:80 \
	>"$D/a.newconn.out" 2>&1 &
A_NEW=$!
BG_PIDS+=($!)
nsx ext "${LG[@]}" hold 192.168.100.1 30900 4 "$D/a.hold.json" "$D/a.stop" \
	>"$D/a.hold.out" 2>&1 &
A_HOLD=$!
BG_PIDS+=($!)
check "a. new connections flow (20 answered)" lines_ok "$D/a.conns" 20
check "a. 4 long-lived connections open and echo" hold_ok "$D/a.hold.json" 4
check "a. rmmod ksvc while the traffic flows" rmmod_now
check_fail "a. /sys/module/ksvc is gone" loaded
check "a. after rmmod: clients run on, NodePort untranslated, pods reachable directly" a_after
check "a. stop the clients" a_stop
check "a. dmesg clean" dmesg_clean

echo "# t=$SECONDS s"
# --- b. rmmod during a dump ---------------------------------------------------------

check "b. insmod kmod/ksvc.ko" load_ksvc
check "b. 3000 services dump/svc-0..2999" bulk3000
check "b. rmmod during \`ksvcctl get services -A | (sleep 3; cat)\`: EBUSY or success, then unloaded" \
	b_ksvcctl
check "b. dmesg clean" dmesg_clean
check "b. insmod kmod/ksvc.ko again" load_ksvc
check "b. 3000 services again" bulk3000
check "b. rmmod during a raw dump that sleeps after its first batch: EBUSY or success, then unloaded" \
	b_slowdump
check "b. dmesg clean" dmesg_clean

echo "# t=$SECONDS s"
# --- c. delete a netns with services and connections ----------------------------------

modprobe nf_conntrack_netlink
check "c. netns cli -- rtr -- srv" setup_c
start_server srv
check "c. srv listens" listening srv
check "c. insmod kmod/ksvc.ko" load_ksvc
check "c. apply far (10.96.5.5:80 -> srv:9000) in rtr" nsx rtr "$K" apply -f "$D/c.yaml"
check "c. cli -> 10.96.5.5:80 answers (translated in rtr)" answers cli 10.96.5.5 80 '^srv$'
nsx cli "${LG[@]}" hold 10.96.5.5 80 4 "$D/c.hold.json" "$D/c.stop" --pods srv \
	>"$D/c.hold.out" 2>&1 &
C_HOLD=$!
BG_PIDS+=($!)
nsx cli "${LG[@]}" newconn "$D/c.conns" "$D/c.stop" 10.96.5.5:80 10.50.0.1:30950 \
	>"$D/c.newconn.out" 2>&1 &
C_NEW=$!
BG_PIDS+=($!)
check "c. 4 long-lived connections through rtr open and echo" hold_ok "$D/c.hold.json" 4
check "c. new connections through rtr flow (10 answered)" lines_ok "$D/c.conns" 10
check "c. rtr has the 4 long-lived connections in conntrack (ESTABLISHED, translated)" ct_established
check "c. ip netns del rtr with the services and connections in it" c_delete
sleep 2
check "c. stop the clients" c_stop
check "c. dmesg clean" dmesg_clean
check "c. a new netns rtr2 gets services again" \
	sh -c "ip netns add rtr2 && ip netns exec rtr2 $K apply -f $D/c.yaml && ip netns del rtr2"
sleep 1
check "c. rmmod ksvc after the netns are gone" rmmod_now
check "c. dmesg clean after rmmod" dmesg_clean

echo "# t=$SECONDS s"
# --- d./e. load/unload cycles, leaks ---------------------------------------------------------

check "d. warm-up: one cycle" cycles 1
MEM1=$(mem)
T0=$SECONDS
check "d. $CYCLES cycles of insmod, apply, one connection, rmmod" cycles "$CYCLES"
echo "# $CYCLES cycles in $((SECONDS - T0)) s"
MEM2=$(mem)
echo "# memory (SUnreclaim kB, Percpu kB, slabinfo total kB): at start $MEM0, before d $MEM1, after d $MEM2"
LEAK_LINE=
check "e. no leak: SUnreclaim and Percpu after the cycles within slack" leak "$MEM1" "$MEM2" "$CYCLES"
if [ -e /sys/kernel/debug/kmemleak ]; then
	check "e. kmemleak reports nothing from ksvc" kmemleak_scan
else
	skip "e. kmemleak" "not in this kernel (no /sys/kernel/debug/kmemleak)"
fi
cleanup
check "dmesg clean at the end" dmesg_clean
echo "# summary: $CYCLES cycles; $LEAK_LINE"

finish
