#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the YAML reader's fuzz target and fuzz it for about 30 s from a
# copy of corpus/; print "fuzz: N passed, N failed": 1 passed when
# libFuzzer ran to its time limit with no crash, leak, timeout or
# out-of-memory, else 1 failed (a build failure counts as failed).
# Any crash-*/leak-*/timeout-*/oom-* input is kept in $FUZZ_ARTIFACTS
# (default: a new directory under /tmp) and named at the end.
set -u
cd "$(dirname "$0")"

if ! make -s fuzz_yaml; then
	echo "fuzz: fuzz_yaml failed to build (needs clang-14 and libclang-rt-14-dev)" >&2
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi

art=${FUZZ_ARTIFACTS:-$(mktemp -d /tmp/ksvc-fuzz.XXXXXX)}
mkdir -p "$art"
make -s run-short ARTIFACTS="$art/"
rc=$?
found=$(ls "$art" 2>/dev/null)
if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
	[ -z "${FUZZ_ARTIFACTS:-}" ] && rmdir "$art"
	echo "fuzz: 1 passed, 0 failed"
	exit 0
fi
echo "fuzz: libFuzzer exited with status $rc; inputs kept in $art:" >&2
for f in $found; do
	echo "  $art/$f (reproduce: tests/fuzz/fuzz_yaml $art/$f)" >&2
done
echo "fuzz: 0 passed, 1 failed"
exit 1
