#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the five rigs (KUnit on UML, cmocka unit tests, the test API
# server against real Kubernetes clients, VM tests under qemu,
# libFuzzer: 30 s on the YAML reader and 30 s on the module's netlink
# parsing) one after the other, even when one fails, and end with one
# line "N passed, N failed" over all of them.  RIGS="unit vm" limits
# the set.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
rigs=${RIGS:-kunit unit api vm fuzz}
total_p=0
total_f=0
status=0

run_rig() {
	local name=$1; shift
	local log line p f
	log=$(mktemp)
	echo "=== $name"
	"$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	line=$(grep -aE "^$name: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
	p=$(sed -n 's/.*: \([0-9]*\) passed.*/\1/p' <<<"$line")
	f=$(sed -n 's/.* \([0-9]*\) failed.*/\1/p' <<<"$line")
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# the rig failed without saying which test
	fi
	[ "$rc" -ne 0 ] && status=1
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	rm -f "$log"
}

for rig in $rigs; do
	case $rig in
	kunit) run_rig kunit tests/kunit/run.sh ;;
	unit) run_rig unit tests/unit/run.sh ;;
	api) run_rig api tests/apiserver/run.sh ;;
	vm) run_rig vm tests/vm/run.sh ;;
	fuzz) run_rig fuzz tests/fuzz/run.sh ;;
	*) echo "unknown rig $rig"; status=1 ;;
	esac
done
echo "$total_p passed, $total_f failed"
[ "$status" -eq 0 ] && [ "$total_f" -eq 0 ]
