#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the fuzz targets and fuzz each for about 30 s from a copy of its
# seeds: fuzz_yaml (ksvcctl's YAML reader) and fuzz_nlparse (the module's
# netlink parsing, compiled in userspace).  Print "fuzz: N passed, N
# failed", one test per target: passed when libFuzzer ran to its time limit
# with no crash, leak, timeout or out-of-memory, else failed (a build
# failure counts as failed).  Any crash-*/leak-*/timeout-*/oom-* input is
# kept in $FUZZ_ARTIFACTS/TARGET (default: a new directory under /tmp) and
# named at the end.
#
# fuzz_nlparse needs Debian's linux-source-6.1 (scripts/install-deps).
# Without it the target is skipped, not failed, unless $CI is set.
set -u
cd "$(dirname "$0")" || exit 1

passed=0
failed=0
art=${FUZZ_ARTIFACTS:-$(mktemp -d /tmp/ksvc-fuzz.XXXXXX)}

# The kernel files fuzz_nlparse compiles; 0: there, 1: skip, 2: fail.
nlparse_source() {
	[ -f nlparse/kernel/lib/nlattr.c ] && return 0
	nlparse/kernel-src.sh nlparse/kernel
	case $? in
	0) return 0 ;;
	2) ;;
	*) return 2 ;;
	esac
	if [ -n "${CI:-}" ]; then
		echo "fuzz: fuzz_nlparse: no linux-source-6.1 in CI" >&2
		return 2
	fi
	echo "fuzz: fuzz_nlparse SKIPPED: no linux-source-6.1" >&2
	return 1
}

# $1: yaml or nlparse.  Build, fuzz 30 s, count.
run_target() {
	local t=$1 dir=$art/$1 rc found f

	if ! make -s "fuzz_$t"; then
		echo "fuzz: fuzz_$t failed to build (needs clang-14 and libclang-rt-14-dev)" >&2
		failed=$((failed + 1))
		return
	fi
	mkdir -p "$dir"
	make -s "run-short-$t" ARTIFACTS="$dir/"
	rc=$?
	found=$(ls "$dir" 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		rmdir "$dir"
		passed=$((passed + 1))
		return
	fi
	echo "fuzz: fuzz_$t: libFuzzer exited with status $rc; inputs kept in $dir:" >&2
	for f in $found; do
		echo "  $dir/$f (reproduce: tests/fuzz/fuzz_$t $dir/$f)" >&2
	done
	failed=$((failed + 1))
}

run_target yaml
nlparse_source
case $? in
0) run_target nlparse ;;
2) failed=$((failed + 1)) ;;
esac
[ -z "${FUZZ_ARTIFACTS:-}" ] && rmdir "$art" 2>/dev/null
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
