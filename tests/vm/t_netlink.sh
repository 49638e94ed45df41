#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# VM test of the netlink contract, below ksvcctl: tests/vm/nlraw.py sends
# hand-built generic netlink messages (numbers parsed from the uapi header)
# and every malformed one must come back with the right errno and a
# sensible extended-ACK message; limits from the module parameters; EPERM
# for unprivileged writes; a short random fuzz; dmesg stays clean and the
# module unloads.  Runs inside the VM (tests/vm/run.sh t_netlink) with the
# repo root as cwd.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KO=$PWD/kmod/ksvc.ko
NLRAW=$PWD/tests/vm/nlraw.py
NL=(python3 "$NLRAW")
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|list_add corruption|refcount_t|Call Trace:'
export PYTHONDONTWRITEBYTECODE=1
FUZZ_COUNT=${KSVC_FUZZ_COUNT:-2000}
FUZZ_SEED=${KSVC_FUZZ_SEED:-$(date +%s)}

# --- helpers ---------------------------------------------------------------

# expect CASE ERRNO [REGEX] [--any-msg]: send nlraw.py's request CASE
expect() {
	"${NL[@]}" expect "$@"
}

# config_is KEY=VALUE...: CONFIG_GET reports each of these
config_is() {
	local out kv
	out=$("${NL[@]}" config) || return 1
	printf '%s\n' "$out"
	for kv in "$@"; do
		printf '%s\n' "$out" | grep -qx -- "$kv" || { echo "missing: $kv"; return 1; }
	done
}

# rows N ARGS...: `ksvcctl get services ARGS --no-headers` lists N rows
rows() {
	local want=$1 out n
	shift
	out=$("$K" get services "$@" --no-headers) || return 1
	printf '%s\n' "$out"
	n=$(printf '%s\n' "$out" | grep -c .)
	echo "($n rows, want $want)"
	[ "$n" = "$want" ]
}

# fuzz: the random fuzz, then the kernel log must still be clean
fuzz() {
	local t0=$SECONDS
	"${NL[@]}" fuzz --count "$FUZZ_COUNT" --seed "$FUZZ_SEED" --time 150 || return 1
	echo "fuzz: $((SECONDS - t0)) s wall clock"
}

# --- module ----------------------------------------------------------------

check "kmod/ksvc.ko exists (built)" test -f "$KO"
check "tools/ksvcctl/ksvcctl exists (built)" test -x "$K"
check "python3 is there" python3 -c 'import socket; socket.AF_NETLINK'
check "insmod kmod/ksvc.ko" load_ksvc
check_out "nlraw.py resolves the ksvc family and reads CONFIG" "nodeport_min=" \
	"${NL[@]}" config

# --- malformed requests: errno and extack ----------------------------------

check "SVC_NEW without KSVC_A_SERVICE: EINVAL, missing KSVC_A_SERVICE" \
	expect no_service EINVAL 'missing KSVC_A_SERVICE'
check "service without NAME: EINVAL, needs a name" \
	expect no_name EINVAL 'name'
check "service name My_Svc: EINVAL, DNS labels" \
	expect bad_name EINVAL 'DNS label'
check "3-byte KSVC_ADDR_A_IN: ERANGE, size out of range" \
	expect addr_3_bytes ERANGE 'out of range'
check "port 0: a policy error with a message" \
	expect port_0 any 'range|invalid|policy'
check "unknown KSVC_SVC_A_FLAGS bit 1<<30: EOPNOTSUPP" \
	expect svc_flags_unknown EOPNOTSUPP 'unknown service flags'
check "unknown KSVC_BE_A_FLAGS bit 1<<30: EOPNOTSUPP" \
	expect be_flags_unknown EOPNOTSUPP 'unknown backend flags'
check "unknown KSVC_CFG_A_FLAGS bit 1<<30: EOPNOTSUPP" \
	expect cfg_flags_unknown EOPNOTSUPP 'unknown config flags'
check "nodePort on a ClusterIP service: EINVAL, may not be used" \
	expect node_port_cluster_ip EINVAL 'may not be used'
check "nodePort 8080 on a NodePort service: EINVAL, outside 30000-32767" \
	expect node_port_8080 EINVAL 'outside the range 30000-32767'
check "unknown top-level attribute 99: EINVAL (strict validation)" \
	expect top_attr_99 EINVAL 'unknown attribute'
check "read-only KSVC_SVC_A_CREATED sent: EINVAL" \
	expect created_sent EINVAL 'policy|read.only|not allowed'
check "nlmsg_len beyond the data: an error or dropped by the netlink core" \
	expect truncated_len drop
check "attribute length past the message end: EINVAL" \
	expect attr_past_end EINVAL
check "genetlink header cut short: EINVAL" \
	expect short_genl EINVAL --any-msg
check "dmesg clean after the malformed requests" dmesg_clean

# --- a valid service and conflicts -----------------------------------------

check "valid SVC_NEW default/nl-ok 10.96.0.10:80 succeeds" expect svc_new_ok 0
check "the same SVC_NEW again: EEXIST, already exists" \
	expect svc_new_ok EEXIST 'already exists'
check "another service on 10.96.0.10:80: EEXIST naming default/nl-ok" \
	expect svc_new_conflict EEXIST 'default/nl-ok'
check "SVC_GET default/nl-ok (doit) succeeds and parses" expect get_ok 0
check "BACKENDS_SET for port 81 the service lacks: ENOENT" \
	expect be_set_no_port ENOENT 'no port 81'
check "BACKENDS_SET with a duplicate backend: EINVAL, duplicate backend" \
	expect be_set_dup EINVAL 'duplicate backend'
check "BACKENDS_SET with an IPv6 backend on an IPv4 service: EINVAL" \
	expect be_set_ipv6 EINVAL 'family'
check "BACKENDS_SET with 3 backends succeeds" expect be_set_ok 0
check "nl-ok has the 3 backends (doit GET)" "${NL[@]}" getbe default nl-ok 3

# --- config ----------------------------------------------------------------

check "CONFIG_SET NODEPORT_MIN 32000 > NODEPORT_MAX 31000: EINVAL" \
	expect cfg_min_gt_max EINVAL 'min is above max'
check "CONFIG_GET: defaults 30000-32767, MAX_SERVICES = the module parameter" \
	config_is nodeport_min=30000 nodeport_max=32767 \
	"max_services=$(cat /sys/module/ksvc/parameters/max_services)" \
	"max_backends=$(cat /sys/module/ksvc/parameters/max_backends)"

# --- permissions -----------------------------------------------------------

check "nobody can read nlraw.py and the uapi header" \
	"${NOBODY[@]}" test -r "$NLRAW" -a -r include/uapi/linux/ksvc.h
for c in perm_svc_new perm_svc_set perm_svc_del perm_be_set perm_flush perm_cfg_set; do
	check "as nobody: ${c#perm_} gets EPERM" \
		"${NOBODY[@]}" "${NL[@]}" expect "$c" EPERM --any-msg
done
check "as nobody: SVC_GET dump succeeds" "${NOBODY[@]}" "${NL[@]}" expect perm_get_dump 0
check "as nobody: CONFIG_GET succeeds" "${NOBODY[@]}" "${NL[@]}" expect perm_cfg_get 0
check "nobody's requests changed nothing: nl-ok still has 3 backends" \
	"${NL[@]}" getbe default nl-ok 3
check "nobody's requests changed nothing: nl-perm not created" rows 1 -A
check "dmesg clean before the fuzz" dmesg_clean

# --- fuzz ------------------------------------------------------------------

check "fuzz: $FUZZ_COUNT mutated requests (seed $FUZZ_SEED)" fuzz
check "dmesg clean after the fuzz" dmesg_clean
check "after the fuzz: FLUSH succeeds" expect flush 0
check "after the fuzz: a valid SVC_NEW succeeds" expect svc_new_ok 0
check "after the fuzz: ksvcctl lists it" rows 1 -A
check "after the fuzz: rmmod ksvc" rmmod ksvc
check "dmesg clean after rmmod" dmesg_clean

# --- module parameter limits -----------------------------------------------

check "insmod ksvc.ko max_services=3 max_backends=4" \
	load_ksvc max_services=3 max_backends=4
check "CONFIG_GET reports max_services=3 max_backends=4" \
	config_is max_services=3 max_backends=4
check "3 services lim/lim-0..2 fit" "${NL[@]}" bulk lim lim 3 --net 10.97.0.0
check "the 4th service: ENOSPC naming max_services" \
	expect limit_svc_4 ENOSPC 'max_services'
check "a service with 5 backends: ENOSPC naming max_backends" \
	expect limit_be_5 ENOSPC 'max_backends'
check "BACKENDS_SET of 5 backends: ENOSPC naming max_backends" \
	expect limit_be_set_5 ENOSPC 'max_backends'
check "the first 3 services are still listed" rows 3 -n lim
check "rmmod ksvc" rmmod ksvc
check "dmesg clean at the end" dmesg_clean

finish
