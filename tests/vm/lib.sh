# shellcheck shell=bash
# Tiny TAP-like checks for scripts run inside the test VM (source it).
#
#   check      "desc" cmd args...           cmd must succeed
#   check_fail "desc" cmd args...           cmd must fail
#   check_out  "desc" "substring" cmd...    cmd must succeed, stdout+stderr contain substring
#   check_err  "desc" "regex" cmd...        cmd must fail, its stderr matches regex
#                                           (grep -E, case-insensitive)
#   skip       "desc" "reason"              counted separately, neither pass nor fail
#   finish                                  prints "vm: N passed, N failed"; exit 1 on failures
#
# Shared helpers for the tests (they set KO and OOPS after sourcing this):
#
#   load_ksvc [PARAM=VALUE...]   modprobe ksvc.ko's dependencies, insmod it
#   dmesg_clean                  dmesg has no line matching OOPS
#   nsx NS cmd...                run cmd in netns NS; "node" is the init netns
#   hold_ok JSON K               loadgen.py hold has K connections open and echoing
#
# Each check prints "ok N - desc" or "not ok N - desc", followed by the
# command's output indented by four spaces. Commands that are not shell
# functions are killed after CHECK_TIMEOUT seconds (default 60).

_n=0 _pass=0 _fail=0 _skip=0
: "${CHECK_TIMEOUT:=60}"

# _run OUTFILE ERRFILE cmd...: run cmd, stdout to OUTFILE, stderr to ERRFILE
_run() {
	local out=$1 err=$2
	shift 2
	if [ "$(type -t "$1")" = function ]; then
		"$@" >"$out" 2>"$err" </dev/null
	else
		timeout -k 5 "$CHECK_TIMEOUT" "$@" >"$out" 2>"$err" </dev/null
	fi
}

# _report OK DESC OUTFILE ERRFILE
_report() {
	_n=$((_n + 1))
	if [ "$1" = 1 ]; then
		_pass=$((_pass + 1))
		echo "ok $_n - $2"
	else
		_fail=$((_fail + 1))
		echo "not ok $_n - $2"
	fi
	cat "$3" "$4" | sed 's/^/    /'
	rm -f "$3" "$4"
}

check() {
	local desc=$1 o e ok=0
	shift
	o=$(mktemp) e=$(mktemp)
	_run "$o" "$e" "$@" && ok=1
	_report "$ok" "$desc" "$o" "$e"
}

check_fail() {
	local desc=$1 o e ok=1
	shift
	o=$(mktemp) e=$(mktemp)
	_run "$o" "$e" "$@" && ok=0
	_report "$ok" "$desc" "$o" "$e"
}

check_out() {
	local desc=$1 want=$2 o e ok=0 rc=0
	shift 2
	o=$(mktemp) e=$(mktemp)
	_run "$o" "$e" "$@" || rc=$?
	if [ "$rc" = 0 ] && cat "$o" "$e" | grep -qF -- "$want"; then
		ok=1
	else
		echo "(exit $rc; expected output containing: $want)" >>"$e"
	fi
	_report "$ok" "$desc" "$o" "$e"
}

check_err() {
	local desc=$1 want=$2 o e ok=0 rc=0
	shift 2
	o=$(mktemp) e=$(mktemp)
	_run "$o" "$e" "$@" || rc=$?
	if [ "$rc" != 0 ] && grep -qEi -- "$want" "$e"; then
		ok=1
	else
		echo "(exit $rc; expected failure with stderr matching: $want)" >>"$e"
	fi
	_report "$ok" "$desc" "$o" "$e"
}

skip() {
	_n=$((_n + 1))
	_skip=$((_skip + 1))
	echo "ok $_n - $1 # SKIP $2"
}

finish() {
	[ "$_skip" = 0 ] || echo "vm: $_skip skipped"
	echo "vm: $_pass passed, $_fail failed"
	if [ "$_fail" = 0 ]; then exit 0; fi
	exit 1
}

# load_ksvc [PARAM=VALUE...]: insmod ksvc.ko after modprobing its dependencies
# (insmod doesn't)
load_ksvc() {
	local deps
	deps=$(modinfo -F depends "$KO") || return 1
	# shellcheck disable=SC2086 # one word per module
	if [ -n "$deps" ]; then modprobe -a ${deps//,/ } || return 1; fi
	insmod "$KO" "$@"
}

dmesg_clean() {
	! dmesg | grep -E "$OOPS"
}

# nsx NS cmd...: run cmd in netns NS; "node" is the init netns
nsx() {
	local ns=$1
	shift
	if [ "$ns" = node ]; then "$@"; else ip netns exec "$ns" "$@"; fi
}

# hold_ok JSON K: loadgen.py hold has K connections open and echoing
hold_ok() {
	for _ in $(seq 150); do
		if [ -s "$1" ] && python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(0 if s["opened"] == int(sys.argv[2]) and s["echoes"] > 0 else 1)' "$1" "$2"; then
			cat "$1"
			echo
			return 0
		fi
		sleep 0.2
	done
	cat "$1" 2>/dev/null
	return 1
}
