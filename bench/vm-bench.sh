#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the qemu VM (bench/run starts it with tests/vm/vm-run): every
# measurement of `make bench`, side by side, in one boot.  Appends
# tab-separated records to $VM_OUT/bench/data.tsv (see bench/README.md) and
# a human log to $VM_OUT/bench/log.
#
# Settings (bench/run writes them to a file, the first argument):
#   BENCH_GEN   generated rule sets: $BENCH_GEN/n<N>e<E>/...
#   BENCH_BIN   connbench, flowbench, srv, ksvc-nl
#   BENCH_MODES modes to run (default: ksvc ksvcjson nft nftparts ipvs iptnft iptleg
#               ipvsbare; ipvsbare only at N=1, nftparts only at 10000)
#   BENCH_CP_N  control-plane sizes (services x 10 endpoints)
#   BENCH_DP_N  data-plane sizes; sizes not in BENCH_CP_N use 1 endpoint
#               per filler service and are programmed once
#   BENCH_RUNS  repetitions (default 3)
#   BENCH_CONNS connections per data-plane run
#   BENCH_FLOWS new flows (datagrams) per flowbench run, BENCH_FLOW_SECS
#               its time limit
#   BENCH_SKIP  "MODE:N ..." pairs not to program (too slow under TCG)
set -u
# shellcheck disable=SC1090 # bench/run writes it
[ -n "${1:-}" ] && . "$1"
OUT=${VM_OUT:-/tmp}/bench
mkdir -p "$OUT"
G=${BENCH_GEN:?}
B=${BENCH_BIN:?}
K=$PWD/tools/ksvcctl/ksvcctl
KO=$PWD/kmod/ksvc.ko
MODES=${BENCH_MODES:-ksvc ksvcjson nft nftparts ipvs iptnft iptleg ipvsbare}
CP_N=${BENCH_CP_N:-1 1000 10000}
DP_N=${BENCH_DP_N:-1 1000 10000 100000}
RUNS=${BENCH_RUNS:-3}
CONNS=${BENCH_CONNS:-2000}
FLOWS=${BENCH_FLOWS:-50000}
FLOW_SECS=${BENCH_FLOW_SECS:-5}
# ipvsbare is a reference at N=1; nftparts programs kube-proxy's nftables
# table where one `nft -f` of it does not finish (N=10000), for the data
# plane and memory
SKIP=" ${BENCH_SKIP:-} ipvsbare:1000 ipvsbare:10000 ipvsbare:100000 nftparts:1 nftparts:1000 nftparts:100000 "
E=10
VIP=10.110.0.10
DATA=$OUT/data.tsv
T_START=$EPOCHREALTIME

log() { echo "[$(elapsed)] $*" | tee -a "$OUT/log" >&2; }
elapsed() { printf '%5.0fs' "$(echo "$EPOCHREALTIME - $T_START" | bc)"; }
rec() { local IFS=$'\t'; echo "$*" >>"$DATA"; }

# tm CMD...: run CMD (a shell function or a command), set LAST_MS to its
# wall time in ms (measured inside the subshell: fork cost excluded) or to
# FAIL (LAST_WHY: timeout or exit); killed after BENCH_CMD_TIMEOUT seconds
# (default 300)
LAST_MS= LAST_WHY=
tm() {
	local rc a b pid wd
	rm -f "$OUT/.tm"
	set -m	# the job gets its own process group, so the watchdog can kill it all
	(
		a=$EPOCHREALTIME
		"$@" >>"$OUT/cmd.out" 2>>"$OUT/cmd.err"
		echo "$? $a $EPOCHREALTIME" >"$OUT/.tm"
	) &
	pid=$!
	set +m
	( sleep "${BENCH_CMD_TIMEOUT:-300}"; kill -KILL -- -"$pid" 2>/dev/null ) &
	wd=$!
	wait "$pid"
	kill "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	if ! read -r rc a b <"$OUT/.tm" 2>/dev/null; then
		echo "TIMEOUT(${BENCH_CMD_TIMEOUT:-300}s): $*" >>"$OUT/cmd.err"
		LAST_MS=FAIL LAST_WHY=timeout
		return 1
	fi
	LAST_MS=$(echo "($b - $a) * 1000" | bc -l | xargs printf '%.3f')
	if [ "$rc" -ne 0 ]; then
		echo "FAIL($rc): $*" >>"$OUT/cmd.err"
		LAST_MS=FAIL LAST_WHY=exit
		return 1
	fi
}

# kernel memory that rule sets live in: Slab + Percpu + VmallocUsed (kB)
kmem() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 2	# RCU-deferred frees
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^(Slab|Percpu|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo
}

# --- environment ---------------------------------------------------------------
setup() {
	modprobe -a veth dummy nf_conntrack nf_nat nf_conntrack_netlink \
		x_tables ip_tables iptable_nat xt_statistic xt_comment xt_mark \
		xt_MASQUERADE xt_nat xt_tcpudp xt_conntrack xt_addrtype \
		nf_tables nft_compat nft_chain_nat nft_nat nft_numgen nft_masq \
		nft_ct nft_counter ip_vs ip_vs_rr sch_ingress cls_u32 act_gact \
		ip_set ip_set_hash_ipport ip_set_hash_ipportip xt_set 2>>"$OUT/cmd.err"
	local deps
	deps=$(modinfo -F depends "$KO")
	[ -n "$deps" ] && modprobe -a ${deps//,/ }
	sysctl -qw net.ipv4.ip_forward=1
	sysctl -qw net.netfilter.nf_conntrack_max=2000000 2>/dev/null
	# kube-proxy's conntrack sizing for 2 CPUs: max 131072, buckets max/4
	echo 32768 >/sys/module/nf_conntrack/parameters/hashsize 2>/dev/null
	sysctl -qw net.ipv4.vs.conntrack=1 2>/dev/null
	# client netns "cli", the node (init netns), three pods on routed
	# /32 veths (no bridge, so no br_netfilter), as Calico does
	ip netns add cli
	ip link add veth-cli type veth peer name eth0 netns cli
	# the client is a pod (in the pod CIDR 10.244.0.0/16): no mode
	# masquerades its traffic (kube-proxy's nftables and IPVS modes do for
	# sources outside the cluster CIDR)
	ip addr add 10.244.255.1/24 dev veth-cli
	ip link set veth-cli up
	ip -n cli addr add 10.244.255.2/24 dev eth0
	ip -n cli link set lo up
	ip -n cli link set eth0 up
	ip -n cli route add default via 10.244.255.1
	# flowbench's source addresses (one /24 per run): routed back to cli,
	# so they pass rp_filter
	ip route add 10.244.128.0/18 via 10.244.255.2 dev veth-cli
	ip netns exec cli sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	local k
	for k in 1 2 3; do
		ip netns add pod$k
		ip link add vpod$k type veth peer name eth0 netns pod$k
		ip addr add 10.244.0.1/32 dev vpod$k
		ip link set vpod$k up
		ip route add 10.244.0.1$k/32 dev vpod$k
		ip -n pod$k addr add 10.244.0.1$k/32 dev eth0
		ip -n pod$k link set lo up
		ip -n pod$k link set eth0 up
		ip -n pod$k route add 10.244.0.1 dev eth0 scope link
		ip -n pod$k route add default via 10.244.0.1 dev eth0
		# flowbench's datagrams ("ksvc..." after the UDP header) end at the
		# pod's ingress: the same small cost in every mode, no socket, no
		# wakeup of srv (whose scheduling would make the rate bimodal)
		tc -n pod$k qdisc add dev eth0 ingress &&
			tc -n pod$k filter add dev eth0 ingress protocol ip prio 1 \
				u32 match u32 0x6b737663 0xffffffff at 28 action drop ||
			log "pod$k: no tc ingress drop; flowbench datagrams go to srv"
		ip netns exec pod$k taskset -c 0 "$B/srv" 8080 pod$k &
	done
	ip netns exec pod1 iperf3 -s -D -p 5201
	sleep 1
}

sysinfo() {
	{
		# bench/run --icount boots with -icount (tests/vm/vm-run passes VM_*)
		case ${VM_QEMU_ARGS:-} in
		*-icount*) echo "rig: qemu-icount"; echo "qemu_args: $VM_QEMU_ARGS" ;;
		*) echo "rig: ${BENCH_RIG:-qemu-tcg}" ;;
		esac
		echo "runs: $RUNS"
		echo "kernel: $(uname -r) $(uname -v)"
		echo "vm_cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
		echo "vm_ncpu: $(nproc)"
		echo "vm_mem_kb: $(awk '/MemTotal/ {print $2}' /proc/meminfo)"
		echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
		echo "iptables: $(iptables-legacy --version 2>&1), iptables-nft $(iptables-nft --version 2>&1 | head -1)"
		echo "nft: $(nft --version 2>&1)"
		echo "ipvsadm: $(ipvsadm --version 2>&1 | head -1)"
		echo "ksvc_srcversion: $(modinfo -F srcversion "$KO" 2>&1)"
		echo "ksvcctl_git: ${BENCH_GIT:-?}"
	} >"$OUT/sysinfo"
	cat "$OUT/sysinfo" >&2
}

# --- the four (five) ways to program a node -----------------------------------
# prog_M DIR / upd_M DIR a|b / del_M DIR / clean_M
# Above BENCH_KSVCCTL_MAX (10000) services, where ksvcctl apply's YAML alone
# would take minutes under TCG, the fillers go in as ksvc-nl batches of
# 1000 and only the target through ksvcctl; delete is then KSVC_CMD_FLUSH.
big() { [ "$(basename "$1" | sed 's/^n\([0-9]*\)e.*/\1/')" -gt "${BENCH_KSVCCTL_MAX:-10000}" ]; }
prog_ksvc() {
	if big "$1"; then
		local n e
		n=$(basename "$1" | sed 's/^n\([0-9]*\)e.*/\1/'); e=${1##*e}
		"$B/ksvc-nl" program "$((n - 1))" "$e" 1000 && "$K" apply -f "$G/target.yaml"
	else
		"$K" apply -f "$1/ksvc.yaml"
	fi
}
upd_ksvc() { "$K" apply -f "$1/ksvc-upd-$2.yaml"; }
# the same services as kubectl's JSON (a List), read by jansson
prog_ksvcjson() { if big "$1"; then prog_ksvc "$1"; else "$K" apply -f "$1/ksvc.json"; fi; }
upd_ksvcjson() { "$K" apply -f "$1/ksvc-upd-$2.json"; }
del_ksvcjson() { del_ksvc "$1"; }
load_ksvcjson() { load_ksvc; }
clean_ksvcjson() { clean_ksvc; }
del_ksvc() { if big "$1"; then "$B/ksvc-nl" flush; else "$K" delete -f "$1/ksvc.yaml"; fi; }
prog1_ksvc() { "$B/ksvc-nl" program "$(($1 - 1))" 1 1000 && "$K" apply -f "$G/target.yaml"; }
# ksvc built into the kernel (bench/uml-run): nothing to load; flushed
load_ksvc() { [ -d /sys/module/ksvc ] || insmod "$KO"; }
clean_ksvc() { rmmod ksvc 2>/dev/null || "$B/ksvc-nl" flush; }

prog_nft() { nft -f "$1/nft.nft"; }
upd_nft() { nft -f "$1/nft-upd-$2.nft"; }
del_nft() { nft -f "$1/nft-del.nft"; }
load_nft() { :; }
clean_nft() { nft delete table ip kube-proxy 2>/dev/null; true; }
# the same table in parts of 500 services, one transaction each (gen.py):
# for the data plane where one `nft -f` of it does not finish in time
prog_nftparts() {
	local f
	for f in "$1"/nft-parts/*.nft; do nft -f "$f" || return 1; done
}
upd_nftparts() { upd_nft "$@"; }
del_nftparts() { del_nft "$@"; }
load_nftparts() { :; }
clean_nftparts() { clean_nft; }

# kube-proxy's IPVS mode: ipsets and nat-table rules beside IPVS (gen.py)
prog_ipvs() {
	ip -batch "$1/ipvs.ipbatch" && ipset restore <"$1/ipvs.ipset" &&
		iptables-nft-restore <"$1/ipvs-ipt.restore" && ipvsadm-restore <"$1/ipvs.restore"
}
# ipvsadm-restore clears the table first: one ipvsadm call per change, as
# kube-proxy makes one netlink call per change
upd_ipvs() { upd_ipvsbare "$@" && ipset restore <"$1/ipvs-upd-$2.ipset"; }
del_ipvs() { del_ipvsbare && iptables-nft-restore <"$1/ipt-del.restore" && ipset destroy; }
load_ipvs() { load_ipvsbare; }
clean_ipvs() { clean_ipvsbare; nft delete table ip nat 2>/dev/null; ipset destroy 2>/dev/null; true; }

# IPVS alone (no conntrack, no NAT table): a reference, not kube-proxy
prog_ipvsbare() { ip -batch "$1/ipvs.ipbatch" && ipvsadm-restore <"$1/ipvs.restore"; }
upd_ipvsbare() { local l; while read -r l; do [ -n "$l" ] && { ipvsadm $l || return 1; }; done <"$1/ipvs-upd-$2.restore"; }
del_ipvsbare() { ipvsadm -C && ip link del kube-ipvs0; }
# Unloading ip_vs empties its destination trash: ip_vs_del_dest() keeps a
# deleted destination there for 2-3 minutes, and every ip_vs_add_dest()
# walks the whole list first: ipvsadm-restore of 10000 x 10 again within
# that time takes 3x as long as from nothing.
load_ipvsbare() { modprobe -a ip_vs ip_vs_rr && sysctl -qw net.ipv4.vs.conntrack=1; }
clean_ipvsbare() {
	ipvsadm -C; ip link del kube-ipvs0 2>/dev/null
	modprobe -r ip_vs_rr ip_vs 2>/dev/null || log "ip_vs stays loaded: its trash too"
	true
}

prog_iptnft() { iptables-nft-restore <"$1/ipt.restore"; }
upd_iptnft() { iptables-nft-restore --noflush <"$1/ipt-upd-$2.restore"; }
del_iptnft() { iptables-nft-restore <"$1/ipt-del.restore"; }
load_iptnft() { :; }
clean_iptnft() { nft delete table ip nat 2>/dev/null; true; }

prog_iptleg() { iptables-legacy-restore <"$1/ipt.restore"; }
upd_iptleg() { iptables-legacy-restore --noflush <"$1/ipt-upd-$2.restore"; }
del_iptleg() { iptables-legacy-restore <"$1/ipt-del.restore"; }
load_iptleg() { modprobe iptable_nat 2>/dev/null; true; }	# clean_iptleg unloads it
clean_iptleg() { iptables-legacy -t nat -F; iptables-legacy -t nat -X; rmmod iptable_nat 2>/dev/null; true; }

# --- data plane ------------------------------------------------------------------
# settle: wait (at most 30 s) until both vCPUs are idle (< 10% busy over
# 1 s), so work left over from programming (kworkers, RCU callbacks,
# freeing) does not land in the first data-plane run
cpu_busy() { awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat; }
settle() {
	local i b0 t0 b1 t1
	read -r b0 t0 <<<"$(cpu_busy)"
	for i in $(seq 30); do
		sleep 1
		read -r b1 t1 <<<"$(cpu_busy)"
		[ $(((b1 - b0) * 100)) -le $(((t1 - t0) * 10)) ] && break
		b0=$b1 t0=$t1
	done
	[ "$i" -gt 1 ] && log "  settle: $i s"
}

# flow MODE N RUN DST PORT: new-flow rate, one UDP datagram per flow
# (flowbench), counted where the node hands them to the pods' veths. Each
# run sends from its own source /24 (10.244.128+R.x), so no run can hit a flow
# left over from an earlier one (IPVS keeps its own connection table,
# which conntrack -F does not empty).
FLOW_RUN=0
flow() {
	local m=$1 line
	FLOW_RUN=$((FLOW_RUN + 1))
	conntrack -F >/dev/null 2>&1
	# IPVS: this run's connections expire (udp timeout) before the next run
	# instead of after kube-proxy's 300 s, so its table does not grow
	# from run to run; they stay for the whole run, as conntrack's do
	[[ $m == ipvs* ]] && ipvsadm --set 0 0 $((FLOW_SECS + 2))
	line=$(taskset -c 0 "$B/flowbench" -n cli -c vpod1,vpod2,vpod3 \
		-s "10.244.$((128 + FLOW_RUN % 63)).1" -t "$FLOW_SECS" "$4" "$5" "$FLOWS" 2>&1)
	log "  dp $m N=$2 flow run $3: $line"
	rec flow "$m" "$2" udp "$3" "$line"
	if [[ $m == ipvs* ]]; then
		ipvsadm --set 0 0 300
		sleep $((FLOW_SECS + 3))
	fi
	conntrack -F >/dev/null 2>&1
}

dp() {	# dp MODE N: new-flow rate, TCP and UDP new-connection loops to the target service
	local m=$1 n=$2 r line
	settle
	for r in $(seq "$RUNS"); do
		flow "$m" "$n" "$r" "$VIP" 80
		conntrack -F >/dev/null 2>&1
		line=$(ip netns exec cli taskset -c 0 "$B/connbench" tcp "$VIP" 80 "$CONNS")
		log "  dp $m N=$n tcp run $r: $line"
		rec dp "$m" "$n" tcp "$r" "$line"
		conntrack -F >/dev/null 2>&1
		line=$(ip netns exec cli taskset -c 0 "$B/connbench" udp "$VIP" 80 "$CONNS")
		log "  dp $m N=$n udp run $r: $line"
		rec dp "$m" "$n" udp "$r" "$line"
	done
}

skipped() { [[ $SKIP == *" $1:$2 "* ]]; }

# tw_drain: wait (at most 70 s) until the pods hold no TIME_WAIT sockets.
# srv closes first, so each TCP connection leaves one in its pod for 60 s.
# The no-NAT baseline's came from other client ports than a mode's
# connections to the service (Linux picks a client port by destination),
# so a mode whose NAT mapped a connection onto one of them found a
# TIME_WAIT socket for its SYN, and waited: until 2026-11-27 the first
# mode's TCP runs at N=1 had a p99 of 12-28 ms (whichever mode was first;
# nftables too when put first).  A mode's own runs, all to one address,
# never reuse a port within 60 s.
tw_drain() {
	local i n
	for i in $(seq 70); do
		n=$(for k in 1 2 3; do ip netns exec pod$k ss -Htan state time-wait; done | wc -l)
		[ "$n" = 0 ] && break
		sleep 1
	done
	log "  TIME_WAIT drained in $i s ($n left)"
}

# control plane at N x 10 (RUNS times), memory at 10000, data plane at N
cp_mode() {
	local m=$1 n d r v m0 m1 failed=
	for n in $CP_N; do
		d=$G/n${n}e$E
		if skipped "$m" "$n"; then
			log "$m N=$n: skipped (BENCH_SKIP)"
			rec skip "$m" "$n" cp
			continue
		fi
		for r in $(seq "$RUNS"); do
			[ "$r" = 1 ] && [ "$n" = 10000 ] && m0=$(kmem)
			tm "prog_$m" "$d"
			log "$m N=$n run $r: program ${LAST_MS} ms"
			rec cp "$m" "$n" program "$r" "$LAST_MS"
			if [ "$LAST_MS" = FAIL ]; then
				# timed out (nft -f at 10000: quadratic in the kernel)
				# or failed: again would cost as much and say the same
				log "$m N=$n: $LAST_WHY; not repeated"
				[ "$LAST_WHY" = timeout ] &&
					rec timeout "$m" "$n" program "${BENCH_CMD_TIMEOUT:-300}"
				"clean_$m"; "load_$m"
				failed="$failed $n"
				break
			fi
			if [ "$r" = 1 ] && [ "$n" = 10000 ]; then
				m1=$(kmem)
				rec mem "$m" "$n" "$E" "$m0" "$m1"
				log "$m N=$n E=$E kmem ${m0} -> ${m1} kB"
			fi
			for v in a b; do
				tm "upd_$m" "$d" "$v"
				log "$m N=$n run $r: update($v) ${LAST_MS} ms"
				rec cp "$m" "$n" update "$r$v" "$LAST_MS"
			done
			if [ "$r" = "$RUNS" ] && [[ " $DP_N " == *" $n "* ]]; then
				dp "$m" "$n"
			fi
			tm "del_$m" "$d"
			log "$m N=$n run $r: delete ${LAST_MS} ms"
			rec cp "$m" "$n" delete "$r" "$LAST_MS"
			"clean_$m"; "load_$m"	# the next run from nothing
		done
	done
	# per-service memory: 10000 services x 1 endpoint
	d=$G/n10000e1
	if [ -d "$d" ] && [ -z "${BENCH_NO_MEM1:-}" ] && ! skipped "$m" 10000 &&
		[[ " $failed " != *" 10000 "* ]]; then
		m0=$(kmem)
		tm "prog_$m" "$d"
		rec cp1 "$m" 10000 program 1 "$LAST_MS"
		m1=$(kmem)
		rec mem "$m" 10000 1 "$m0" "$m1"
		log "$m N=10000 E=1: program ${LAST_MS} ms, kmem ${m0} -> ${m1} kB"
		tm "del_$m" "$d"
	fi
	# data-plane-only sizes (1 endpoint per filler service)
	for n in $DP_N; do
		[[ " $CP_N " == *" $n "* ]] && continue
		d=$G/n${n}e1
		if skipped "$m" "$n"; then
			log "$m N=$n: skipped (BENCH_SKIP)"
			rec skip "$m" "$n" dp
			continue
		fi
		tm "prog_$m" "$d"
		log "$m N=$n E=1: program ${LAST_MS} ms"
		rec cp1 "$m" "$n" program 1 "$LAST_MS"
		if [ "$LAST_MS" != FAIL ]; then
			for v in a b; do
				tm "upd_$m" "$d" "$v"
				rec cp1 "$m" "$n" update "1$v" "$LAST_MS"
			done
			dp "$m" "$n"
			tm "del_$m" "$d"
			rec cp1 "$m" "$n" delete 1 "$LAST_MS"
			log "$m N=$n E=1: delete ${LAST_MS} ms"
		fi
		"clean_$m"; "load_$m"
	done
}

# ksvc's own netlink cost: raw KSVC_CMD_BATCH / BACKENDS_SET / FLUSH
ksvc_raw() {
	local n r out per runs
	for n in $CP_N; do
		for per in 0 1000; do
			[ "$per" = 1000 ] && [ "$n" -le 1000 ] && continue
			runs=$RUNS
			[ "$per" = 1000 ] && runs=1	# each flush walks conntrack per service
			for r in $(seq "$runs"); do
				out=$("$B/ksvc-nl" program "$n" $E $per 2>&1)
				log "ksvc-nl N=$n per_msg=$per run $r: program $out"
				rec raw ksvc "$n" "program_per$per" "$r" "$out"
				out=$("$B/ksvc-nl" update "$n" $E $((n / 3)) a 2>&1)
				rec raw ksvc "$n" update "${r}a" "$out"
				out=$("$B/ksvc-nl" update "$n" $E $((n / 3)) b 2>&1)
				rec raw ksvc "$n" update "${r}b" "$out"
				log "ksvc-nl N=$n run $r: update $out"
				out=$("$B/ksvc-nl" flush 2>&1)
				rec raw ksvc "$n" flush "$r" "$out"
				log "ksvc-nl N=$n run $r: flush $out"
			done
		done
		# UDP services: every new UDP port with endpoints clears the
		# conntrack entries that went untranslated, one table walk per
		# commit (a batch of 1000)
		out=$(KSVC_NL_UDP=1 "$B/ksvc-nl" program "$n" 1 1000 2>&1)
		log "ksvc-nl N=$n x 1 UDP: program $out"
		rec raw ksvc "$n" program_udp 1 "$out"
		"$B/ksvc-nl" flush >/dev/null 2>&1
	done
}

# ksvcctl's reader alone (--dry-run=client: read, validate, resolve; no
# kernel)
ksvc_read() {
	local n r
	for n in $CP_N; do
		for r in $(seq "$RUNS"); do
			tm "$K" apply --dry-run=client -f "$G/n${n}e10/ksvc.yaml"
			log "ksvcctl read N=$n run $r: $LAST_MS ms"
			rec read ksvc "$n" dryrun "$r" "$LAST_MS"
		done
	done
}

# a resident "ksvcctl watch": the initial list streamed in, then one
# service's EndpointSlice changed, as kubectl writes YAML and JSON
# (bench/watchlat.py); BENCH_WATCH_REPS updates per framing (default 20)
ksvc_watch() {
	local n line f
	for n in $CP_N; do
		# (no /dev/fd in the VM: no process substitution)
		WATCHLAT_ERR=$OUT/watch-$n.err python3 "$PWD/bench/watchlat.py" \
			"$K" "$G/n${n}e10" "${BENCH_WATCH_REPS:-20}" >"$OUT/watch-$n.out" 2>&1
		while read -r line; do
			log "ksvcctl watch N=$n: $line"
			case $line in
			sync*) rec watch ksvc "$n" sync 1 "$(kv ms "$line")" ;;
			update*)
				f=$(kv framing "$line")
				rec watch ksvc "$n" "$f" "$(kv run "$line")" "$(kv ms "$line")" ;;
			end*) [ "$(kv exit "$line")" = 0 ] ||
				rec watch ksvc "$n" failed 1 "$line" ;;
			*) rec watch ksvc "$n" failed 1 "$line" ;;
			esac
		done < "$OUT/watch-$n.out"
		"$B/ksvc-nl" flush >/dev/null 2>&1
	done
}

# kv KEY LINE: the value of KEY=VALUE in LINE
kv() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# established flows: iperf3 through one service
iperf_tput() {
	local dst
	local mode r line
	for mode in direct iptnft ksvc ksvc_nostats; do
		case $mode in
		direct) dst=10.244.0.11 ;;
		iptnft)
			dst=10.110.0.20
			iptables-nft -t nat -A PREROUTING -d $dst -p tcp --dport 5201 -j DNAT --to-destination 10.244.0.11:5201 ;;
		ksvc)
			dst=10.110.0.20
			load_ksvc
			echo 1 >/sys/module/ksvc/parameters/packet_stats
			"$K" apply -f "$G/iperf.yaml" >/dev/null ;;
		ksvc_nostats)
			dst=10.110.0.20
			echo 0 >/sys/module/ksvc/parameters/packet_stats ;;
		esac
		for r in $(seq "$RUNS"); do
			conntrack -F >/dev/null 2>&1
			line=$(ip netns exec cli iperf3 -c $dst -p 5201 -t 5 -J 2>>"$OUT/cmd.err" |
				python3 -c 'import json,sys; j=json.load(sys.stdin); print("%.3f" % (j["end"]["sum_received"]["bits_per_second"]/1e9))' 2>>"$OUT/cmd.err")
			log "iperf3 $mode run $r: ${line:-FAIL} Gbit/s"
			rec tput "$mode" "$r" "${line:-FAIL}"
		done
		case $mode in
		iptnft) clean_iptnft ;;
		ksvc_nostats) echo 1 >/sys/module/ksvc/parameters/packet_stats
			"$K" delete -f "$G/iperf.yaml" >/dev/null; clean_ksvc ;;
		esac
	done
}

# --- main ------------------------------------------------------------------------
# bench/profile.sh uses the functions above
[ -n "${BENCH_SOURCE_ONLY:-}" ] && return 0
sysinfo
setup
log "setup done; modes: $MODES; cp: $CP_N; dp: $DP_N; runs: $RUNS; conns: $CONNS; flows: $FLOWS (max ${FLOW_SECS} s)"
settle
for r in $(seq "$RUNS"); do	# no NAT, no rules: straight to a pod
	flow direct 0 "$r" 10.244.0.11 8080
	[ "$r" = 1 ] && log "  pod1 tc ingress: $(tc -n pod1 -s filter show dev eth0 ingress 2>&1 | grep -o 'Sent [0-9]* bytes [0-9]* pkt (dropped [0-9]*' | head -1)"
	conntrack -F >/dev/null 2>&1
	line=$(ip netns exec cli taskset -c 0 "$B/connbench" tcp 10.244.0.11 8080 "$CONNS")
	log "  dp direct tcp run $r: $line"
	rec dp direct 0 tcp "$r" "$line"
	line=$(ip netns exec cli taskset -c 0 "$B/connbench" udp 10.244.0.11 8080 "$CONNS")
	log "  dp direct udp run $r: $line"
	rec dp direct 0 udp "$r" "$line"
done
tw_drain
for m in $MODES; do
	log "=== $m"
	"load_$m"
	cp_mode "$m"
	if [ "$m" = ksvc ] && [ -z "${BENCH_NO_RAW:-}" ]; then
		log "=== ksvc raw netlink"
		ksvc_raw
		log "=== ksvcctl's reader"
		ksvc_read
		log "=== ksvcctl watch"
		ksvc_watch
	fi
	"clean_$m"
done
[ -z "${BENCH_NO_TPUT:-}" ] && iperf_tput
log "done"
echo 0 >"$OUT/complete"
