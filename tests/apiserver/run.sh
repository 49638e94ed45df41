#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prove tests/apiserver/kapi.py against real clients: kubectl 1.32
# (/usr/bin/kubectl), Debian 12's kubectl 1.20 (kubernetes-client, unpacked
# into ~/.cache/ksvc: it conflicts with /usr/bin/kubectl), python3-kubernetes
# and raw HTTP/1.1.  Prints "api: N passed, N failed" last.
#   ./run.sh                  everything
#   ./run.sh --only raw       kubectl, python and/or raw (comma list)
#   VERBOSE=1 ./run.sh        details of passing checks too
set -u
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}

kubectls=()
[ -x /usr/bin/kubectl ] && kubectls+=(--kubectl /usr/bin/kubectl)
k120=${HOME:-/root}/.cache/ksvc/kubectl-1.20/usr/bin/kubectl
if [ ! -x "$k120" ]; then
	# Debian's kubernetes-client, never installed over /usr/bin/kubectl
	tmp=$(mktemp -d)
	if (cd "$tmp" && apt-get download -qq kubernetes-client >/dev/null 2>&1); then
		mkdir -p "$(dirname "$(dirname "$(dirname "$k120")")")"
		dpkg-deb -x "$tmp"/kubernetes-client_*.deb "${HOME:-/root}/.cache/ksvc/kubectl-1.20"
	fi
	rm -rf "$tmp"
fi
kubectls+=(--kubectl "$k120")

log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$PY" check.py "${kubectls[@]}" "$@" | tee "$log"
rc=${PIPESTATUS[0]}
p=$(grep -E '^ok [0-9]' "$log" | grep -cv ' # SKIP')
f=$(grep -cE '^not ok [0-9]' "$log")
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	echo "not ok - check.py exited $rc without a failed check"
	f=1
fi
echo "api: $p passed, $f failed"
[ "$f" -eq 0 ] && [ "$rc" -eq 0 ]
