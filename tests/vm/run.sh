#!/bin/bash
# Run VM tests, each in its own VM boot, and sum up their checks.
#
#   tests/vm/run.sh                  # every tests/vm/t_*.sh
#   tests/vm/run.sh t_smoke [...]    # only these (name, name.sh or path)
#
# VM_TIMEOUT (default 600, or a test's "# vm-timeout: SECS" line) is the
# per-boot timeout. The last line is
# "vm: N passed, N failed"; exit status is non-zero on any failure. A VM
# that crashed, timed out or oopsed counts as at least one failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO"

tests=()
if [ $# -eq 0 ]; then
	for t in "$HERE"/t_*.sh; do tests+=("$t"); done
else
	for a in "$@"; do
		for t in "$a" "$HERE/$a" "$HERE/$a.sh"; do
			if [ -f "$t" ]; then tests+=("$(realpath "$t")"); continue 2; fi
		done
		echo "run.sh: no such test: $a" >&2
		exit 2
	done
fi

pass=0 fail=0 skipped=0 failed_tests=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	echo "=== $name"
	rc=0
	# a test may ask for a longer boot: "# vm-timeout: SECS"
	to=$(sed -n 's/^# vm-timeout: *\([0-9]*\).*/\1/p' "$t" | head -n 1)
	"$HERE/vm-run" --timeout "${VM_TIMEOUT:-${to:-600}}" "${t#"$REPO"/}" | tee "$log" || rc=$?
	# tr: the console may still carry CRs if the guest wrote some
	p=$(tr -d '\r' <"$log" | grep -E '^ok [0-9]' | grep -cv ' # SKIP' || true)
	s=$(tr -d '\r' <"$log" | grep -E '^ok [0-9]' | grep -c ' # SKIP' || true)
	f=$(tr -d '\r' <"$log" | grep -cE '^not ok( |$)' || true)
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name: exited $rc without a failed check"
		f=1
	elif [ "$rc" = 0 ] && [ "$p" = 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name: ran no checks"
		f=1
	fi
	echo "=== $name: $p passed, $f failed, $s skipped (exit $rc)"
	pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + s))
	[ "$f" = 0 ] || failed_tests+=("$name")
done

[ "${#failed_tests[@]}" = 0 ] || echo "failed: ${failed_tests[*]}"
[ "$skipped" = 0 ] || echo "skipped checks: $skipped"
echo "vm: $pass passed, $fail failed"
[ "$fail" = 0 ]
