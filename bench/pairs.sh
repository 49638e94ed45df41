#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pairs.sh [--flows K] [--endpoints E] GEN BIN N RUNS MODE...
#   (in the VM, from the repo root:
#   tests/vm/vm-run --mem 4096 --timeout 5400 bench/pairs.sh \
#       bench/results/raw/gen bench/results/raw/bin 10000 3 ksvc iptnft)
#
# Programming N services x E endpoints (10 unless --endpoints) by each MODE
# in turn, RUNS rounds:
# ksvc, iptnft, ksvc, iptnft, ...  vm-bench.sh times all of one mode's runs,
# then the next mode's; on a host whose speed drifts over minutes (TCG
# on a shared machine) a mode's runs can land in a slow stretch that the
# others miss.  Here each round's runs are neighbours, and the ratio is
# taken per round.  Each run: program from nothing (timed as vm-bench.sh
# times it: the command's wall time, output to the results share), then
# delete, then the mode's cleanup.  Prints and keeps in
# $VM_OUT/bench/pairs.tsv: round, mode, program ms.
#
# --flows K: also K new-flow runs (vm-bench.sh's flow(): flowbench to
# the target service, BENCH_FLOWS flows, at most BENCH_FLOW_SECS s) while
# each mode's N services are in place, so the data-plane ratio too is
# taken between neighbours; kept in flows.tsv: round, mode, run, flows/s,
# p90 of the run's 1000-flow stretches.
#
# --endpoints E: services of E endpoints each (GEN/nNeE, as bench/run
# generates it: E=1 for 100000 services); 10 by default.
set -u
FLOWS_PER=0 EPS=10
while [ $# -gt 0 ]; do
	case $1 in
	--flows) FLOWS_PER=$2 ;;
	--endpoints) EPS=$2 ;;
	*) break ;;
	esac
	shift 2
done
GEN=$(realpath "$1") BIN=$(realpath "$2") N=$3 ROUNDS=$4
shift 4
PMODES=("$@")
set --
BENCH_SOURCE_ONLY=1 BENCH_GEN=$GEN BENCH_BIN=$BIN
# shellcheck source=bench/vm-bench.sh
. bench/vm-bench.sh
D=$G/n${N}e$EPS
P=$OUT/pairs.tsv
F=$OUT/flows.tsv

sysinfo
setup
cat "$D"/* >/dev/null	# every mode reads its file warm
# and starts from a warm binary: the first run in a boot otherwise pays
# for reading its program and libraries over 9p
for x in "$K" "$B/ksvc-nl" $(command -v iptables-nft-restore iptables-legacy-restore nft ipvsadm-restore); do
	# shellcheck disable=SC2046 # one library path per word
	cat "$x" $(ldd "$x" 2>/dev/null | awk '$3 ~ /^\//{ print $3 }') >/dev/null
done
log "pairs: N=$N x $EPS, $ROUNDS rounds of: ${PMODES[*]}"
for r in $(seq "$ROUNDS"); do
	for m in "${PMODES[@]}"; do
		"load_$m"
		if tm "prog_$m" "$D"; then
			printf '%s\t%s\t%s\n' "$r" "$m" "$LAST_MS" >>"$P"
			log "round $r: $m program $LAST_MS ms"
		else
			log "round $r: $m programming failed"
		fi
		if [ "$FLOWS_PER" -gt 0 ] && [ "$LAST_MS" != FAIL ]; then
			settle
			for k in $(seq "$FLOWS_PER"); do
				flow "$m" "$N" "$r.$k" "$VIP" 80
				tail -n 1 "$DATA" | sed -n "s/.*rate=\([0-9.]*\).*chunk_p90=\([0-9.]*\).*/$r\t$m\t$k\t\1\t\2/p" >>"$F"
			done
		fi
		tm "del_$m" "$D" || log "round $r: $m delete failed"
		"clean_$m"
		settle
	done
done
cat "$P"
[ -f "$F" ] && cat "$F"
touch "$OUT/complete"
