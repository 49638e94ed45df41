#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build and run every unit test binary; print "unit: N passed, N failed".
# A binary that crashes, or (with VALGRIND=1) leaks or misuses memory,
# counts as a failure even if cmocka had reported its tests passed.
#   ./run.sh             run
#   VALGRIND=1 ./run.sh  run each binary under valgrind --leak-check=full
set -u
cd "$(dirname "$0")"

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tests=$(make -s print-tests)
if ! make -s all; then
	echo "unit: tests failed to build" >&2
	echo "unit: 0 passed, 1 failed"
	exit 1
fi

runner=()
if [ "${VALGRIND:-0}" = 1 ]; then
	runner=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99)
fi

for t in $tests; do
	CMOCKA_MESSAGE_OUTPUT=stdout "${runner[@]}" "./$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	ran=$(grep -c '^\[ RUN      \]' "$log")
	ok=$(grep -c '^\[       OK \]' "$log")
	bad=$((ran - ok))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "unit: $t exited with status $rc" >&2
		bad=1
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
done

echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
