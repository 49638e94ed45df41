#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# VM test of the conntrack cleanup on updates (kmod/conntrack.c), as
# kube-proxy does it for UDP: a flow translated to a backend that left is
# deleted, one to a backend that stays is kept; flows that went
# untranslated to a service port that had no endpoint are deleted once it
# has some.  Every commit clears all its changes in one walk of the table:
# the changes of one `ksvcctl apply` of several services are checked
# together, two of them on the same port number.
#
# Node, pods pod1-3 on cbr0 and ext (192.168.100.2) as topo.sh sets them
# up.  The flows are single datagrams from ext with fixed source ports; no
# pod answers (a UDP entry exists from the first packet on).  Untranslated
# flows are made with `conntrack -I`.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
KO=${KSVC_KO:-$PWD/kmod/ksvc.ko}
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|list_add corruption|refcount_t|Call Trace:'
K=$PWD/tools/ksvcctl/ksvcctl
D=$(mktemp -d)
EXT=192.168.100.2
NODE=192.168.100.1

# udp_yaml NAME IP NODEPORT POD...: topo.sh's NodePort service, 53/UDP -> 5353
udp_yaml() {
	local name=$1 ip=$2 np=$3 p ips=()
	shift 3
	for p in "$@"; do ips+=("$(pod_ip "$p")"); done
	PROTO=UDP svc_yaml "$name" "$ip" 53 5353 "$np" "${ips[@]}"
}

# apply FILE: ksvcctl apply -f of what the arguments after it print
apply() {
	local f=$D/$1
	shift
	"$@" >"$f" && "$K" apply -f "$f"
}

# send HOST PORT SPORT...: one datagram from ext per source port
send() {
	local host=$1 port=$2 sp
	shift 2
	for sp in "$@"; do
		echo q | nsx ext socat -u - "UDP4:$host:$port,sourceport=$sp" || return 1
	done
}

# flows DST DPORT [REPLY-SRC]: entries of flows from ext to DST:DPORT (and
# translated to REPLY-SRC: NodePort flows are masqueraded too), one per line
flows() {
	conntrack -L -p udp --orig-src "$EXT" --orig-dst "$1" --dport "$2" 2>/dev/null |
		grep -F "${3:+src=$3 dst=}"
}
nflows() { flows "$@" | grep -c .; }

# expect_flows N DST DPORT [REPLY-SRC]
expect_flows() {
	local n
	n=$(nflows "$2" "$3" "${4:-}")
	[ "$n" = "$1" ] && return 0
	echo "# $n entries, not $1:"
	conntrack -L -p udp 2>/dev/null | sed 's/^/#   /'
	return 1
}

# Unreplied UDP entries live 30 s by default: on a slow (busy TCG) host a
# part's flows could expire before its check counts them.
setup() {
	setup_node && setup_pod pod1 && setup_pod pod2 && setup_pod pod3 &&
		setup_ext && modprobe nf_conntrack_netlink && load_ksvc &&
		sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
}
check "setup: node, pods, ext; load ksvc" setup
conntrack -F >/dev/null 2>&1

# --- a. a backend leaves: its flows go, the others' stay -------------------------
P1=$(pod_ip pod1) P2=$(pod_ip pod2)
a_send() { send 10.96.0.50 53 40001 40002 40003 && send $NODE 30050 40011 40012; }
a_pod1() { expect_flows 3 10.96.0.50 53 "$P1" && expect_flows 2 $NODE 30050 "$P1"; }
a_two() { udp_yaml u50 10.96.0.50 30050 pod2; udp_yaml u51 10.96.0.51 30051 pod3; }
a_gone() { expect_flows 0 10.96.0.50 53 && expect_flows 0 $NODE 30050; }
a_new() {
	send 10.96.0.50 53 40021 40022 && send $NODE 30050 40031 &&
		expect_flows 2 10.96.0.50 53 "$P2" && expect_flows 1 $NODE 30050 "$P2"
}
a_add() {
	apply a3.yaml udp_yaml u50 10.96.0.50 30050 pod1 pod2 &&
		expect_flows 2 10.96.0.50 53 && expect_flows 1 $NODE 30050
}
# shellcheck disable=SC2046 # one source port a word
a_more() { send 10.96.0.50 53 $(seq 40041 40048); }
a_drop1() {
	apply a4.yaml udp_yaml u50 10.96.0.50 30050 pod2 &&
		expect_flows 0 10.96.0.50 53 "$P1" &&
		expect_flows "$n_pod2" 10.96.0.50 53 "$P2"
}
check "a. u50 (53/UDP) -> pod1 only" apply a1.yaml udp_yaml u50 10.96.0.50 30050 pod1
check "a. 3 flows to its ClusterIP, 2 to its NodePort" a_send
check "a. all 5 went to pod1" a_pod1
check "a. u50 -> pod2 only, in one apply with a new u51 on 53/UDP too" apply a2.yaml a_two
check "a. pod1's flows are gone, ClusterIP and NodePort" a_gone
check "a. new flows go to pod2" a_new
check "a. u50 -> pod1 + pod2: none left, every flow stays" a_add
check "a. 8 more flows to the ClusterIP" a_more
n_pod1=$(nflows 10.96.0.50 53 "$P1")
n_pod2=$(nflows 10.96.0.50 53 "$P2")
echo "# before: pod1 $n_pod1, pod2 $n_pod2 flows (pod2: at least the 2 of before)"
check "a. u50 -> pod2 only: pod1's flows go, pod2's stay" a_drop1

# --- b. untranslated flows to a port that gets endpoints --------------------------
inject() {	# inject DST DPORT SPORT: an untranslated UDP entry from ext
	conntrack -I -p udp -s "$EXT" -d "$1" --sport "$3" --dport "$2" -t 120 >/dev/null
}
b_inject() {
	inject 10.96.0.60 53 41001 && inject 10.96.0.61 53 41002 &&
		inject 10.96.0.60 54 41003 && inject $NODE 30061 41004 &&
		expect_flows 1 10.96.0.60 53 && expect_flows 1 10.96.0.61 53 &&
		expect_flows 1 10.96.0.60 54 && expect_flows 1 $NODE 30061
}
b_two() { udp_yaml u60 10.96.0.60 30060 pod1; udp_yaml u61 10.96.0.61 30061 pod2; }
b_gone() {
	expect_flows 0 10.96.0.60 53 && expect_flows 0 10.96.0.61 53 &&
		expect_flows 0 $NODE 30061
}
b_new() { send 10.96.0.60 53 41011 && expect_flows 1 10.96.0.60 53 "$P1"; }
check "b. untranslated entries to 10.96.0.60:53, .61:53, .60:54 and NodePort 30061" b_inject
check "b. one apply: u60 and u61 (53/UDP), with endpoints" apply b1.yaml b_two
check "b. the entries to their ClusterIPs and NodePort are gone" b_gone
check "b. the entry to another port of the same address stays" expect_flows 1 10.96.0.60 54
check "b. a's flows to pod2 are untouched" expect_flows "$n_pod2" 10.96.0.50 53 "$P2"
check "b. a new flow to u60 is translated" b_new

check "dmesg clean" dmesg_clean
rm -rf "$D"
finish
