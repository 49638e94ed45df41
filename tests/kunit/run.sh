#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run ksvc's KUnit suites on UML.  The module's sources, kmod/Kconfig and
# kmod/Kbuild with them, are copied into net/ksvc/ of Debian's
# linux-source-6.1 (kept under the cache directory, outside the repo) by
# glue.sh, and built into a UML kernel by kunit.py, with KASAN,
# lockdep, PROVE_RCU and DEBUG_OBJECTS_RCU_HEAD (ksvc.kunitconfig).  The
# cache is only a speed-up: with none, the first build takes about ten
# minutes on two cores.
#
# Prints "kunit: N passed, N failed" last; exits non-zero on any failure.
#
# --bench: instead, the lookup benchmark (suite ksvc_bench) on a UML kernel
# without debugging options (bench.kunitconfig, build dir uml-bench); its
# "ksvc_bench: ..." lines are what bench/ collects.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KSVC_CACHE:-$HOME/.cache/ksvc}
build=$cache/uml-debug
kunitconfig=$repo/tests/kunit/ksvc.kunitconfig
suites='ksvc_*'
if [ "${1:-}" = --bench ]; then
	build=$cache/uml-bench
	kunitconfig=$repo/tests/kunit/bench.kunitconfig
	suites='ksvc_bench'
fi
mkdir -p "$build"
# shellcheck source=tests/kunit/glue.sh
. "$repo/tests/kunit/glue.sh"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$src"
set +e
python3 tools/testing/kunit/kunit.py run --build_dir "$build" \
	--kunitconfig "$kunitconfig" \
	--jobs "$(nproc)" --timeout 1200 ${KUNIT_ARGS:-} "$suites" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# kunit.py ends with "Testing complete. Ran N tests: passed: P, failed: F..."
summary=$(grep -a 'Testing complete' "$log" | tail -n 1 || true)
passed=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$summary")
failed=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<<"$summary")
passed=${passed:-0}
failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1	# build failure or crash: never report a clean run
fi
# A lockdep, RCU or memory splat fails the run even when every case passed.
splats=$(grep -aE 'BUG:|WARNING:|Oops|KASAN:|suspicious RCU usage|unreferenced object' \
	"$build/test.log" || true)
if [ -n "$splats" ]; then
	echo "kunit: kernel warnings during the run (see $build/test.log):"
	echo "$splats"
	failed=$((failed + 1))
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
	failed=1	# no test ran
fi
echo "kunit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
