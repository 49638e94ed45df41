#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# profile.sh GEN BIN MODE:N [MODE:N ...]  (in the VM, from the repo root:
#   tests/vm/vm-run --mem 4096 --timeout 1800 bench/profile.sh \
#       bench/results/raw/gen bench/results/raw/bin ksvc:1 ipvs:1)
#
# Where a new flow's time goes, per mode: the bench topology of
# vm-bench.sh, N services (GEN as bench/run generates it), one flowbench
# run unprofiled (its rate), then one under `perf record -a -e cpu-clock`
# (TCG has no hardware counters; the timer samples all CPUs), and the
# symbols that got at least 0.5% of the samples.  Printed, and kept in
# $VM_OUT/bench/profile-MODE-N.txt: the busy samples by module, then the
# symbols.
set -u
GEN=$(realpath "$1") BIN=$(realpath "$2")
shift 2
PAIRS=("$@")
set --
BENCH_SOURCE_ONLY=1 BENCH_GEN=$GEN BENCH_BIN=$BIN
# shellcheck source=bench/vm-bench.sh
. bench/vm-bench.sh
FLOWS=${BENCH_FLOWS:-20000} FLOW_SECS=${BENCH_FLOW_SECS:-3}

dir_for() {	# N x 10 endpoints where generated, else N x 1
	if [ -d "$G/n${1}e10" ]; then echo "$G/n${1}e10"; else echo "$G/n${1}e1"; fi
}

# by_module SYMS: the samples (of those not idle) in each module, by
# /proc/kallsyms (perf files module code under [kernel.kallsyms])
by_module() {
	awk '$4 ~ /^\[/ { gsub(/[][]/, "", $4); print $3, $4 }' /proc/kallsyms |
		sort -u -k1,1 >"$1.mods"
	join -a1 "$1" "$1.mods" | awk '
		$1 == "native_safe_halt" || $1 ~ /^(default_idle|cpuidle)/ { idle += $2; next }
		{ m = NF > 2 ? $3 : "kernel"; s[m] += $2; busy += $2 }
		END {
			printf "busy %.1f%% of the samples; of that:", busy
			for (k in s) if (s[k] / busy >= 0.005) printf " %s %.1f%%", k, 100 * s[k] / busy
			print ""
		}'
}

profile() {
	local m=$1 n=$2 d f
	d=$(dir_for "$n")
	"load_$m"
	tm "prog_$m" "$d" || { log "$m N=$n: programming failed"; "clean_$m"; return 1; }
	log "$m N=$n: programmed in $LAST_MS ms"
	settle
	flow "$m" "$n" 1 "$VIP" 80
	f=$OUT/perf-$m-$n.data
	conntrack -F >/dev/null 2>&1
	perf record -q -a -e cpu-clock -F 4000 -o "$f" -- \
		taskset -c 0 "$B/flowbench" -n cli -c vpod1,vpod2,vpod3 \
		-s 10.244.191.1 -t "$FLOW_SECS" "$VIP" 80 "$FLOWS" 2>&1 | tee -a "$OUT/log"
	perf report -i "$f" --no-children --sort sym --stdio 2>/dev/null |
		awk '$2 == "[k]" { sub("%", "", $1); print $3, $1 }' | sort >"$f.syms"
	{
		by_module "$f.syms"
		grep -v ' 0.0[0-4]$' "$f.syms" | sort -k2 -rn | head -40 |
			awk '{ printf "    %6.2f%%  %s\n", $2, $1 }'
	} >"$OUT/profile-$m-$n.txt"
	echo "--- $m N=$n"
	cat "$OUT/profile-$m-$n.txt"
	tm "del_$m" "$d"
	"clean_$m"
	conntrack -F >/dev/null 2>&1
}

echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
setup
for p in "${PAIRS[@]}"; do
	profile "${p%%:*}" "${p##*:}"
done
