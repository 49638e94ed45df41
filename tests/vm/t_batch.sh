#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# Big batches.  A KSVC_CMD_BATCH of 256 services or more is parsed ahead on
# both vCPUs (kmod/prep.c: this thread and a worker take services from a
# shared counter), then staged in order under the lock.  On the real
# kernel, 2 vCPUs, ksvc.ko with max_backends=8:
#   a. 600 services x 1..8 backends on two nodes in one `ksvcctl apply`:
#      every service has its own number of backends (-o wide ENDPOINTS
#      against the YAML), and two of them exactly their addresses;
#   b. the same 600 with svc-450 given 9 backends (a kernel limit, so the
#      kernel refuses it, not ksvcctl) and svc-10 changed: refused, the
#      message names svc-450 and max_backends, nothing changed (dump);
#   c. the same with --dry-run=server, svc-450 fixed: accepted, nothing
#      changed;
#   d. the 600 while another service holds svc-300's cluster address: the
#      kernel refuses svc-300 while staging (after every service was parsed
#      ahead), none of the others is created;
#   e. after deleting everything, rmmod: the module warns at exit about any
#      counter slot left over (services parsed ahead and never staged must
#      be freed), and dmesg stays clean.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KO=${KSVC_KO:-$PWD/kmod/ksvc.ko}
NL=(python3 "$PWD/tests/vm/nlraw.py")
D=/tmp/batch
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|list_add corruption|refcount_t|Call Trace:'
N=600
export PYTHONDONTWRITEBYTECODE=1
mkdir -p "$D"
rm -f "$D"/*

# gen FILE [K=NBE ...]: the N services, service k with 1 + 7k mod 8
# backends unless K=NBE says otherwise; a line "k nbe" each in FILE.want
gen() {
	python3 - "$@" <<'EOF'
import sys
path, n = sys.argv[1], int(sys.argv[2])
over = dict(map(int, a.split("=")) for a in sys.argv[3:])
out, want = [], []
for k in range(n):
    nbe = over.get(k, 1 + 7 * k % 8)
    want.append(f"svc-{k} {nbe}")
    out.append(f"""apiVersion: v1
kind: Service
metadata:
  name: svc-{k}
  namespace: default
spec:
  type: ClusterIP
  clusterIP: 10.100.{k // 250}.{k % 250 + 1}
  ports:
  - name: http
    port: 80
    protocol: TCP
    targetPort: 8080
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: svc-{k}-abcde
  namespace: default
  labels:
    kubernetes.io/service-name: svc-{k}
addressType: IPv4
endpoints:
""" + "".join(f"""- addresses:
  - 10.128.{k % 250}.{j + 1}
  conditions:
    ready: true
  nodeName: node-{"ab"[j % 3 == 2]}
""" for j in range(nbe)) + """ports:
- name: http
  port: 8080
  protocol: TCP
""")
open(path, "w").write("---\n".join(out))
open(path + ".want", "w").write("\n".join(want) + "\n")
EOF
}

# eps_match WANT: each service's ENDPOINTS column (-o wide) is its want
eps_match() {
	"$K" get svc -o wide --no-headers | awk '{ print $1, $7 }' | sort >"$D/eps.have"
	sort "$1" >"$D/eps.want"
	diff "$D/eps.want" "$D/eps.have" && echo "$(wc -l <"$D/eps.have") services as wanted"
}

# addrs_are NAME ADDR...: the service's backends are exactly these
addrs_are() {
	local name=$1
	shift
	"$K" describe svc "$name" >"$D/desc" || return 1
	grep -oE '10\.128\.[0-9]+\.[0-9]+' "$D/desc" | sort -u >"$D/desc.have"
	printf '%s\n' "$@" | sort -u >"$D/desc.want"
	diff "$D/desc.want" "$D/desc.have" && echo "$name: $# backends as wanted"
}

quiet() { "$@" >/dev/null; }

refused() {
	local re=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	echo "$out" | tail -5
	echo "(exit $rc)"
	[ "$rc" != 0 ] && grep -qE "$re" <<<"$out"
}

state() { "${NL[@]}" dump | sort; }
same_state() {
	state >"$D/state.after" || return 1
	diff "$D/state.before" "$D/state.after" && echo "unchanged: $(wc -l <"$D/state.after") services"
}
nr_is() {
	local n
	n=$(state | wc -l)
	echo "$n services (want $1)"
	[ "$n" = "$1" ]
}

check "kmod/ksvc.ko and ksvcctl are built" test -f "$KO" -a -x "$K"
check "insmod ksvc.ko max_backends=8" load_ksvc max_backends=8
check "the VM has 2 CPUs (the parse goes to a worker)" test "$(nproc)" -ge 2
gen "$D/all.yaml" "$N"
gen "$D/bad.yaml" "$N" 450=9 10=2
gen "$D/dry.yaml" "$N" 10=2
cat >"$D/other.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: other
  namespace: default
spec:
  clusterIP: 10.100.1.51
  ports:
  - port: 80
EOF

# --- a. one batch of 600 ---------------------------------------------------------------
check "apply $N services x 1..8 backends in one batch" quiet "$K" apply -f "$D/all.yaml"
check "every service has its own number of backends" eps_match "$D/all.yaml.want"
check "svc-0 has exactly 10.128.0.1" addrs_are svc-0 10.128.0.1
check "svc-593 has exactly 10.128.93.1..8" addrs_are svc-593 \
	10.128.93.1 10.128.93.2 10.128.93.3 10.128.93.4 10.128.93.5 \
	10.128.93.6 10.128.93.7 10.128.93.8

# --- b. the kernel refuses the 451st -----------------------------------------------------
state >"$D/state.before"
check "svc-450 with 9 backends: the kernel refuses the batch, naming svc-450 and max_backends" \
	refused 'svc-450.*max_backends' "$K" apply -f "$D/bad.yaml"
check "nothing changed (svc-10 keeps its backends)" same_state
check "the backends are still as first applied" eps_match "$D/all.yaml.want"

# --- c. dry run --------------------------------------------------------------------------
check "apply --dry-run=server of $N (svc-10 changed): accepted" \
	quiet "$K" apply --dry-run=server -f "$D/dry.yaml"
check "nothing changed" same_state

# --- d. a clash while staging --------------------------------------------------------------
check "delete all $N" quiet "$K" delete -f "$D/all.yaml"
check "no service left" nr_is 0
check "service other takes svc-300's address 10.100.1.51" "$K" apply -f "$D/other.yaml"
check "apply of the $N: the kernel refuses svc-300 (its address is taken)" \
	refused 'svc-300' "$K" apply -f "$D/all.yaml"
check "none of the others was created" nr_is 1

# --- e. teardown -------------------------------------------------------------------------
check "delete other" "$K" delete svc other
check "rmmod ksvc (warns if a counter slot was left)" rmmod ksvc
check "dmesg clean" dmesg_clean
finish
