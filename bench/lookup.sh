#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The in-kernel lookup microbenchmark: KUnit suite ksvc_bench on a UML
# kernel built without debugging options (tests/kunit/run.sh --bench).
# Writes bench/results/lookup.md: ns per ksvc_lookup()+ksvc_select() with
# N services present, for a random service each time (hit) and for an
# address that is no service (miss, what all other traffic pays).
#
# UML runs kernel code natively on the host CPU (no TCG), so these are
# close to hardware times on this host; still one host, shared, noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results/lookup.md
cache=${KSVC_CACHE:-$HOME/.cache/ksvc}
mkdir -p bench/results

tests/kunit/run.sh --bench >&2
log=$cache/uml-bench/test.log
lines=$(grep -a 'ksvc_bench: n=' "$log" | sed 's/.*ksvc_bench: //')
[ -n "$lines" ] || { echo "bench/lookup.sh: no ksvc_bench lines in $log" >&2; exit 1; }

val() {	# val N hit|miss FIELD
	awk -v n="n=$1" -v k="$2" -v f="$3=" '$1 == n && $2 == k {
		for (i = 3; i <= NF; i++) if (index($i, f) == 1) print substr($i, length(f) + 1) }' <<<"$lines"
}
{
	echo "# In-kernel lookup + backend choice (KUnit ksvc_bench on UML)"
	echo
	echo "Host CPU: $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1)" \
	     "($(nproc) cores), UML kernel $(make -s -C "$cache/linux-source-6.1" kernelversion 2>/dev/null)," \
	     "no debugging options. ns per ksvc_lookup()+ksvc_select(), median [min–max] of 7 rounds of" \
	     "262144 lookups of random services (10 backends each); miss = an address that is no service."
	echo
	echo "| services | hit ns | miss ns |"
	echo "|---|---|---|"
	for n in 1 1000 10000 100000; do
		echo "| $n | $(val $n hit ns_median) [$(val $n hit ns_min)–$(val $n hit ns_max)]" \
		     "| $(val $n miss ns_median) [$(val $n miss ns_min)–$(val $n miss ns_max)] |"
	done
	h1=$(val 1 hit ns_median) h5=$(val 100000 hit ns_median)
	echo
	echo "100000 services cost $((h5 - h1)) ns more per new connection than 1 service" \
	     "(cache and TLB misses: the lookup touches a hash bucket, the frontend, the port," \
	     "the backend set and the chosen backend, all spread over the whole table)."
} >"$out"
cat "$out"
