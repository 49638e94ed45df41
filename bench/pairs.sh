#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pairs.sh GEN BIN N RUNS MODE...  (in the VM, from the repo root:
#   tests/vm/vm-run --mem 4096 --timeout 5400 bench/pairs.sh \
#       bench/results/raw/gen bench/results/raw/bin 10000 3 ksvc iptnft)
#
# Programming N services x 10 endpoints by each MODE in turn, RUNS rounds:
# ksvc, iptnft, ksvc, iptnft, ...  vm-bench.sh times all of one mode's runs,
# then the next mode's; on a host whose speed drifts over minutes (TCG
# on a shared machine) a mode's runs can land in a slow stretch that the
# others miss.  Here each round's runs are neighbours, and the ratio is
# taken per round.  Each run: program from nothing (timed as vm-bench.sh
# times it: the command's wall time, output to the results share), then
# delete, then the mode's cleanup.  Prints and keeps in
# $VM_OUT/bench/pairs.tsv: round, mode, program ms.
set -u
GEN=$(realpath "$1") BIN=$(realpath "$2") N=$3 ROUNDS=$4
shift 4
PMODES=("$@")
set --
BENCH_SOURCE_ONLY=1 BENCH_GEN=$GEN BENCH_BIN=$BIN
# shellcheck source=bench/vm-bench.sh
. bench/vm-bench.sh
D=$G/n${N}e10
P=$OUT/pairs.tsv

sysinfo
setup
cat "$D"/* >/dev/null	# every mode reads its file warm
log "pairs: N=$N x 10, $ROUNDS rounds of: ${PMODES[*]}"
for r in $(seq "$ROUNDS"); do
	for m in "${PMODES[@]}"; do
		"load_$m"
		if tm "prog_$m" "$D"; then
			printf '%s\t%s\t%s\n' "$r" "$m" "$LAST_MS" >>"$P"
			log "round $r: $m program $LAST_MS ms"
		else
			log "round $r: $m programming failed"
		fi
		tm "del_$m" "$D" || log "round $r: $m delete failed"
		"clean_$m"
		settle
	done
done
cat "$P"
touch "$OUT/complete"
