#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# VM test of the datapath: real TCP/UDP traffic through ClusterIPs,
# NodePorts, LoadBalancer ingress and external IPs, translated by ksvc.ko.
# Runs inside the VM (tests/vm/run.sh t_datapath) with the repo root as cwd.
#
# Topology (all inside the VM; nothing leaves it):
#
#   netns ext  eth0 192.168.100.2/24  fd00:100::2/64   default via the node
#        |
#   veth-ext   192.168.100.1/24  fd00:100::1/64        \
#   (init netns = the "node", hostname node-1,          } the node's addresses
#    ip_forward on)                                      |
#   bridge cbr0 10.244.0.1/24   fd00:244::1/64         /
#        |  route 10.96.0.0/12 dev cbr0, fd00:96::/108 dev cbr0 (service CIDRs)
#        +-- vpod1 -- netns pod1 eth0 10.244.0.11/24 fd00:244::11/64
#        +-- vpod2 -- netns pod2 eth0 10.244.0.12/24 fd00:244::12/64
#        +-- vpod3 -- netns pod3 eth0 10.244.0.13/24 fd00:244::13/64
#                     (pods: default routes via 10.244.0.1 / fd00:244::1)
#
# Each pod runs socat servers:
#   8080/TCP and 8080/UDP, IPv4 and IPv6: answer "podN PEER" (PEER = the
#       client address the pod sees, $SOCAT_PEERADDR: 10.244.0.1, or
#       IPv6 in full and bracketed, [fd00:0244:0000:...:0001]) and close;
#   9000/TCP: say "podN", then echo every line back (long-lived connections).
# EndpointSlices put pod1 and pod2 on node-1 (this node), pod3 on node-2.
#
# Services (under /tmp/dp, as `kubectl get -o yaml` prints them):
#   web    NodePort      10.96.0.10  80/TCP http -> 8080 (nodePort 30080),
#                                    80/UDP dns-ish -> 8080 (nodePort 30081)
#   lb     LoadBalancer  10.96.0.20  80 -> 8080, nodePort 30090, ingress
#                                    192.168.200.10, externalIPs 192.168.200.20
#   lbp    LoadBalancer  10.96.0.21  no ingress yet (<pending>), nodePort 30091
#   empty  ClusterIP     10.96.0.30  an EndpointSlice without endpoints
#   mg     ClusterIP     10.96.0.40  ksvc.io/scheduler: maglev
#   echo   NodePort      10.96.0.50  9000 -> 9000, nodePort 30900
#   v6     ClusterIP     fd00:96::10 80 -> 8080, IPv6 only
# ext reaches 192.168.200.0/24 through its default route via the node, which
# does not own those addresses, as a cloud load balancer would deliver them.
#
# The bridge: br_netfilter is loaded with bridge-nf-call-ip{,6}tables=1, as
# Kubernetes requires of bridge CNIs (kubeadm's preflight checks it): a pod
# reaching a service backed by a pod on the same bridge gets its reply
# bridged straight back, and only br_netfilter shows that reply to
# conntrack so that it is un-NATed.
#
# Maglev rounds reuse source ports 40001..40060; between rounds the
# conntrack table is flushed with `conntrack -F` when the tool is installed
# (Debian package conntrack); otherwise the rounds rely on conntrack
# reopening a TIME_WAIT entry on a new SYN (a fresh entry, a fresh choice).
#
# Every client runs under `timeout` (loops of connections: the whole loop,
# each read 2 s, each connect ~3 s through tcp_syn_retries=1), and loops
# stop at the first failure, so a missing feature costs seconds, not minutes.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KO=${KSVC_KO:-$PWD/kmod/ksvc.ko}	# KSVC_KO: another build, e.g. a snapshot
D=/tmp/dp
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|list_add corruption|refcount_t|Call Trace:'
PODS=(pod1 pod2 pod3)
SERVER_PIDS=()
mkdir -p "$D"

pod_ip() { echo "10.244.0.1${1#pod}"; }
pod_ip6() { echo "fd00:244::1${1#pod}"; }
pod_node() { if [ "$1" = pod3 ]; then echo node-2; else echo node-1; fi; }

# --- topology --------------------------------------------------------------

setup_node() {
	# the VM has no module autoloading helper: load what ip(8) needs
	modprobe -a bridge veth br_netfilter sctp &&
	hostname node-1 &&
	sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.tcp_syn_retries=1 &&
	ip link add cbr0 type bridge forward_delay 0 &&
	ip addr add 10.244.0.1/24 dev cbr0 &&
	ip addr add fd00:244::1/64 dev cbr0 nodad &&
	ip link set cbr0 up &&
	ip route add 10.96.0.0/12 dev cbr0 &&
	ip -6 route add fd00:96::/108 dev cbr0 &&
	sysctl -qw net.bridge.bridge-nf-call-iptables=1 \
		net.bridge.bridge-nf-call-ip6tables=1
}

# setup_pod podN: netns, veth into cbr0, addresses, default routes
setup_pod() {
	local p=$1 v=v$1
	ip netns add "$p" &&
	ip link add "$v" type veth peer name eth0 netns "$p" &&
	ip link set "$v" master cbr0 up &&
	# kubelet's hairpin-veth: a pod may reach itself through its service
	ip link set "$v" type bridge_slave hairpin on &&
	nsx "$p" sysctl -qw net.ipv4.tcp_syn_retries=1 &&
	nsx "$p" ip link set lo up &&
	nsx "$p" ip link set eth0 up &&
	nsx "$p" ip addr add "$(pod_ip "$p")/24" dev eth0 &&
	nsx "$p" ip addr add "$(pod_ip6 "$p")/64" dev eth0 nodad &&
	nsx "$p" ip route add default via 10.244.0.1 &&
	nsx "$p" ip -6 route add default via fd00:244::1
}

setup_ext() {
	ip netns add ext &&
	ip link add veth-ext type veth peer name eth0 netns ext &&
	ip addr add 192.168.100.1/24 dev veth-ext &&
	ip addr add fd00:100::1/64 dev veth-ext nodad &&
	ip link set veth-ext up &&
	nsx ext sysctl -qw net.ipv4.tcp_syn_retries=1 &&
	nsx ext ip link set lo up &&
	nsx ext ip link set eth0 up &&
	nsx ext ip addr add 192.168.100.2/24 dev eth0 &&
	nsx ext ip addr add fd00:100::2/64 dev eth0 nodad &&
	nsx ext ip route add default via 192.168.100.1 &&
	nsx ext ip -6 route add default via fd00:100::1
}

# start_servers podN: the pod's socat servers, in the background
start_servers() {
	local p=$1 a
	# shellcheck disable=SC2016 # $SOCAT_PEERADDR is for the server's shell
	for a in "TCP4-LISTEN:8080,fork,reuseaddr" \
		 "TCP6-LISTEN:8080,fork,reuseaddr,ipv6only=1" \
		 "UDP4-RECVFROM:8080,fork" \
		 "UDP6-RECVFROM:8080,fork,ipv6only=1"; do
		nsx "$p" socat "$a" "SYSTEM:echo $p \$SOCAT_PEERADDR" \
			>>"$D/$p.log" 2>&1 &
		SERVER_PIDS+=($!)
	done
	nsx "$p" socat SCTP4-LISTEN:8080,fork,reuseaddr "SYSTEM:echo $p" \
		>>"$D/$p.log" 2>&1 &
	SERVER_PIDS+=($!)
	nsx "$p" socat TCP4-LISTEN:9000,fork,reuseaddr "SYSTEM:echo $p; exec cat" \
		>>"$D/$p.log" 2>&1 &
	SERVER_PIDS+=($!)
}

# listening podN: its four TCP/UDP sockets on 8080 and 9000 are bound
listening() {
	local out
	for _ in $(seq 50); do
		out=$(nsx "$1" ss -Htuln)
		if [ "$(printf '%s\n' "$out" | grep -cE ':(8080|9000) ')" -ge 5 ]; then
			printf '%s\n' "$out"
			return 0
		fi
		sleep 0.1
	done
	printf '%s\n' "$out"
	return 1
}

# lib.sh's load_ksvc, showing what it depends on
load_ksvc() {
	local deps
	deps=$(modinfo -F depends "$KO") || return 1
	echo "depends: $deps"
	# shellcheck disable=SC2086 # one word per module
	if [ -n "$deps" ]; then modprobe -a ${deps//,/ } || return 1; fi
	insmod "$KO"
}

# --- clients ---------------------------------------------------------------
# Single-shot clients allow 10 s: on a loaded 2-core machine socat alone
# can take seconds to start under TCG.  Failure checks use their own limits.

# hostport HOST PORT: socat's HOST:PORT, bracketing IPv6
hostport() {
	case $1 in
	*:*) echo "[$1]:$2" ;;
	*) echo "$1:$2" ;;
	esac
}

# tcp1 NS HOST PORT [SRCPORT]: one connection; prints the server's answer
tcp1() {
	local ns=$1 host=$2 port=$3 sp=${4:-} t=TCP4
	case $host in *:*) t=TCP6 ;; esac
	nsx "$ns" timeout 10 socat -u \
		"$t:$(hostport "$host" "$port"),connect-timeout=5${sp:+,sourceport=$sp,reuseaddr}" \
		STDOUT
}

# udp1 NS HOST PORT: one datagram, prints the answer
udp1() {
	local ns=$1 host=$2 port=$3 t=UDP4
	case $host in *:*) t=UDP6 ;; esac
	echo q | nsx "$ns" timeout 10 socat -t 2 -T 2 - "$t:$(hostport "$host" "$port")"
}

# echo1 NS HOST PORT: a connection to an echo server: greeting, then "bye"
echo1() {
	printf 'bye\n' | nsx "$1" timeout 10 socat -t 2 - "TCP4:$(hostport "$2" "$3"),connect-timeout=5"
}

# The loops of N connections run as one bash inside the netns, connecting
# through bash's /dev/tcp: under TCG, `ip netns exec` costs ~0.9 s and a
# socat client ~0.7 s, a /dev/tcp connection ~0.25 s.  Each read waits at
# most 5 s (a loaded machine stalls TCG guests for seconds), a connect at
# most ~3 s (tcp_syn_retries=1, set in every netns), and the whole loop
# runs under `timeout`.
# shellcheck disable=SC2016 # the loop's variables are its own
DEVTCP_LOOP='
n=$1 host=$2 port=$3 mode=$4
for i in $(seq "$n"); do
	if ! exec 3<>"/dev/tcp/$host/$port"; then
		echo "FAIL (try $i: connect failed)"; exit 1
	fi
	line=
	read -r -t 5 line <&3
	if [ "$mode" = echo ]; then
		echo bye >&3
		read -r -t 5 back <&3
		[ "$back" = bye ] || line="$line (no echo: ${back:-nothing})"
	fi
	exec 3<&- 3>&-
	if ! [[ $line =~ ^pod[123]( |$) ]] || [[ $line == *"no echo"* ]]; then
		echo "FAIL (try $i: ${line:-no answer})"; exit 1
	fi
	echo "$line"
done'

# sample N NS HOST PORT [echo]: N connections from NS, one line each
# ("podN PEER"); stops with status 1 at the first that fails or answers no
# pod name.  With "echo": the 9000 servers, each must also echo a line.
sample() {
	local n=$1 ns=$2 host=$3 port=$4 mode=${5:-}
	nsx "$ns" timeout $((n * 6 + 10)) bash -c "$DEVTCP_LOOP" _ "$n" "$host" "$port" "$mode"
}

# pods_of ANSWERS: the distinct pod names, sorted, space separated
pods_of() {
	printf '%s\n' "$1" | awk '/^pod/ {print $1}' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# summary ANSWERS: counts per pod and peer, for the log
summary() {
	printf '%s\n' "$1" | sort | uniq -c
}

# --- checks ----------------------------------------------------------------

# spread WANT_PODS N NS HOST PORT [echo]: N answers; exactly the pods WANT_PODS
spread() {
	local want=$1 n=$2 out rc=0 got
	shift 2
	out=$(sample "$n" "$@") || rc=$?
	summary "$out"
	[ "$rc" = 0 ] || return 1
	got=$(pods_of "$out")
	echo "pods seen: $got (want: $want)"
	[ "$got" = "$want" ]
}

# at_least K N NS HOST PORT [echo]: N answers from at least K distinct pods
at_least() {
	local k=$1 n=$2 out rc=0 got
	shift 2
	out=$(sample "$n" "$@") || rc=$?
	summary "$out"
	[ "$rc" = 0 ] || return 1
	got=$(pods_of "$out")
	echo "pods seen: $got (want at least $k)"
	[ "$(wc -w <<<"$got")" -ge "$k" ]
}

# one_pod N NS HOST PORT [echo]: N answers, all from one pod
one_pod() {
	local n=$1 out rc=0 got
	shift
	out=$(sample "$n" "$@") || rc=$?
	summary "$out"
	[ "$rc" = 0 ] || return 1
	got=$(pods_of "$out")
	echo "pods seen: $got (want exactly one)"
	[ "$(wc -w <<<"$got")" = 1 ]
}

# never_pod POD N NS HOST PORT [echo]: N answers, none from POD
never_pod() {
	local gone=$1 n=$2 out rc=0
	shift 2
	out=$(sample "$n" "$@") || rc=$?
	summary "$out"
	[ "$rc" = 0 ] || return 1
	! awk -v p="$gone" '$1 == p { f = 1 } END { exit !f }' <<<"$out"
}

# peers_in REGEX N NS HOST PORT [echo]: N answers, every peer matches REGEX
peers_in() {
	local re=$1 n=$2 out rc=0 bad
	shift 2
	out=$(sample "$n" "$@") || rc=$?
	summary "$out"
	[ "$rc" = 0 ] || return 1
	bad=$(printf '%s\n' "$out" | awk -v re="$re" '$2 !~ re')
	[ -z "$bad" ] || echo "unexpected peer address: $bad"
	[ -z "$bad" ]
}

# answers_pod NS HOST PORT [echo]: one answer naming a pod
answers_pod() {
	local out
	out=$("$@" 2>&1)
	echo "$out"
	[[ $out =~ ^pod[123]( |$) ]]
}

# answers_exactly WANT NS HOST PORT [echo]: the first line is exactly WANT
answers_exactly() {
	local want=$1 out
	shift
	out=$("$@" 2>&1)
	echo "$out"
	[ "$(head -n 1 <<<"$out")" = "$want" ]
}

# dropped NS HOST PORT: a TCP connect is still waiting after 2 s
# (timeout's exit status 124), neither refused nor answered
dropped() {
	local rc=0
	nsx "$1" timeout 2 socat -u "TCP4:$(hostport "$2" "$3")" STDOUT || rc=$?
	echo "(exit $rc, want 124: timed out)"
	[ "$rc" = 124 ]
}

# refused NS HOST PORT: a TCP connect fails with "Connection refused" (the
# ICMP reject), not "Connection timed out" (a dropped SYN).  Not timed: under
# TCG on a loaded machine socat alone can take seconds to start.
refused() {
	local t=TCP4
	case $2 in *:*) t=TCP6 ;; esac
	nsx "$1" timeout 10 socat -u "$t:$(hostport "$2" "$3")" STDOUT
}

# get_row NAME [ARGS...]: `get services ARGS`; NAME's row into $D/row
get_row() {
	local out
	out=$("$K" get services "${@:2}") || return 1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | awk -v n="$1" '$1 == n' >"$D/row"
	[ -s "$D/row" ]
}

# ext_ip_is NAME WANT: EXTERNAL-IP column of NAME
ext_ip_is() {
	get_row "$1" || return 1
	echo "row: $(cat "$D/row")"
	[ "$(awk '{print $4}' "$D/row")" = "$2" ]
}

# conns_nonzero NAME: the CONNECTIONS column (-o wide, last) is > 0
conns_nonzero() {
	get_row "$1" -o wide || return 1
	echo "row: $(cat "$D/row")"
	[ "$(awk '{print $NF}' "$D/row")" -gt 0 ] 2>/dev/null
}

flush_ct() {
	if command -v conntrack >/dev/null; then
		conntrack -F 2>&1 | grep -v 'have been deleted' || true
	fi
}

# --- YAML --------------------------------------------------------------------

# slice SVC ADDRTYPE PORTS POD...: an EndpointSlice for SVC; PORTS is
# "name/port/proto ..." ; each POD is podN (its node from pod_node)
slice() {
	local svc=$1 at=$2 ports=$3 p ip pn pp pr
	shift 3
	cat <<EOF
---
addressType: $at
apiVersion: discovery.k8s.io/v1
EOF
	if [ $# = 0 ]; then
		echo "endpoints: null"
	else
		echo "endpoints:"
	fi
	for p in "$@"; do
		if [ "$at" = IPv6 ]; then ip=$(pod_ip6 "$p"); else ip=$(pod_ip "$p"); fi
		cat <<EOF
- addresses:
  - $ip
  conditions:
    ready: true
    serving: true
    terminating: false
  nodeName: $(pod_node "$p")
  targetRef:
    kind: Pod
    name: $p
    namespace: default
    uid: 0b5e2c1a-0000-4000-8000-00000000000${p#pod}
EOF
	done
	cat <<EOF
kind: EndpointSlice
metadata:
  creationTimestamp: "2024-05-01T10:00:00Z"
  generateName: $svc-
  generation: 1
  labels:
    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
    kubernetes.io/service-name: $svc
  name: $svc-x7k2p
  namespace: default
  resourceVersion: "1001"
  uid: 4f0c3a2e-0000-4000-8000-000000000001
ports:
EOF
	for p in $ports; do
		IFS=/ read -r pn pp pr <<<"$p"
		cat <<EOF
- name: $pn
  port: $pp
  protocol: $pr
EOF
	done
}

# svc_head NAME [ANNOTATION]: apiVersion, kind, metadata
svc_head() {
	echo "apiVersion: v1"
	echo "kind: Service"
	echo "metadata:"
	if [ -n "${2:-}" ]; then
		echo "  annotations:"
		echo "    $2"
	fi
	cat <<EOF
  creationTimestamp: "2024-05-01T10:00:00Z"
  name: $1
  namespace: default
  resourceVersion: "1000"
  uid: 7d1e6a0b-0000-4000-8000-000000000001
EOF
}

# web_yaml AFFINITY ETP POD...: the web service (None|ClientIP, Cluster|Local)
web_yaml() {
	local aff=$1 etp=$2
	shift 2
	svc_head web
	cat <<EOF
spec:
  clusterIP: 10.96.0.10
  clusterIPs:
  - 10.96.0.10
  externalTrafficPolicy: $etp
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - name: http
    nodePort: 30080
    port: 80
    protocol: TCP
    targetPort: 8080
  - name: dns-ish
    nodePort: 30081
    port: 80
    protocol: UDP
    targetPort: 8080
  selector:
    app: web
  sessionAffinity: $aff
EOF
	if [ "$aff" = ClientIP ]; then
		cat <<EOF
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
EOF
	fi
	cat <<EOF
  type: NodePort
status:
  loadBalancer: {}
EOF
	slice web IPv4 "http/8080/TCP dns-ish/8080/UDP" "$@"
}

lb_yaml() {
	svc_head lb
	cat <<EOF
spec:
  allocateLoadBalancerNodePorts: true
  clusterIP: 10.96.0.20
  clusterIPs:
  - 10.96.0.20
  externalIPs:
  - 192.168.200.20
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - nodePort: 30090
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  sessionAffinity: None
  type: LoadBalancer
status:
  loadBalancer:
    ingress:
    - ip: 192.168.200.10
      ipMode: VIP
EOF
	slice lb IPv4 "/8080/TCP" "${PODS[@]}" | sed 's/^- name: $/- name: ""/'
	echo "---"
	svc_head lbp
	cat <<EOF
spec:
  allocateLoadBalancerNodePorts: true
  clusterIP: 10.96.0.21
  clusterIPs:
  - 10.96.0.21
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - nodePort: 30091
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  sessionAffinity: None
  type: LoadBalancer
status:
  loadBalancer: {}
EOF
}

# clusterip_yaml NAME IP PORT TARGET ANNOTATION FAMILY POD...
clusterip_yaml() {
	local name=$1 ip=$2 port=$3 target=$4 ann=$5 fam=$6
	shift 6
	svc_head "$name" "$ann"
	cat <<EOF
spec:
  clusterIP: $ip
  clusterIPs:
  - $ip
  internalTrafficPolicy: Cluster
  ipFamilies:
  - $fam
  ipFamilyPolicy: SingleStack
  ports:
  - name: http
    port: $port
    protocol: TCP
    targetPort: $target
  selector:
    app: web
  sessionAffinity: None
  type: ClusterIP
status:
  loadBalancer: {}
EOF
	slice "$name" "$fam" "http/$target/TCP" "$@"
}

# ds: dual-stack ClusterIP, its IPv4 slice pod1 only, its IPv6 one pods 2-3
ds_yaml() {
	svc_head ds
	cat <<EOF
spec:
  clusterIP: 10.96.0.70
  clusterIPs:
  - 10.96.0.70
  - fd00:96::70
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  - IPv6
  ipFamilyPolicy: RequireDualStack
  ports:
  - name: http
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  sessionAffinity: None
  type: ClusterIP
status:
  loadBalancer: {}
EOF
	slice ds IPv4 "http/8080/TCP" pod1
	slice ds IPv6 "http/8080/TCP" pod2 pod3 | sed 's/name: ds-x7k2p/name: ds-m4v6q/'
}

echo_yaml() {
	svc_head echo
	cat <<EOF
spec:
  clusterIP: 10.96.0.50
  clusterIPs:
  - 10.96.0.50
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - name: echo
    nodePort: 30900
    port: 9000
    protocol: TCP
    targetPort: 9000
  selector:
    app: web
  sessionAffinity: None
  type: NodePort
status:
  loadBalancer: {}
EOF
	slice echo IPv4 "echo/9000/TCP" "$@"
}

write_yaml() {
	web_yaml None Cluster "${PODS[@]}" >"$D/web.yaml"
	web_yaml ClientIP Cluster "${PODS[@]}" >"$D/web-affinity.yaml"
	web_yaml None Local "${PODS[@]}" >"$D/web-local.yaml"
	lb_yaml >"$D/lb.yaml"
	# empty has a UDP port too, so that UDP's reject can be seen
	clusterip_yaml empty 10.96.0.30 80 8080 "" IPv4 |
		sed -e 's/^  - name: http$/  - name: udp\n    port: 80\n    protocol: UDP\n    targetPort: 8080\n  - name: http/' \
		    -e 's/^- name: http$/- name: udp\n  port: 8080\n  protocol: UDP\n- name: http/' \
		>"$D/empty.yaml"
	clusterip_yaml mg 10.96.0.40 80 8080 "ksvc.io/scheduler: maglev" IPv4 \
		"${PODS[@]}" >"$D/mg.yaml"
	clusterip_yaml mg 10.96.0.40 80 8080 "ksvc.io/scheduler: maglev" IPv4 \
		pod1 pod2 >"$D/mg-2.yaml"
	clusterip_yaml v6 fd00:96::10 80 8080 "" IPv6 "${PODS[@]}" >"$D/v6.yaml"
	echo_yaml "${PODS[@]}" >"$D/echo.yaml"
	ds_yaml >"$D/ds.yaml"
	clusterip_yaml sc 10.96.0.60 80 8080 "" IPv4 "${PODS[@]}" |
		sed 's/protocol: TCP/protocol: SCTP/' >"$D/sc.yaml"
}

# --- maglev ------------------------------------------------------------------

# mg_round FILE: one connection from each source port 40001..40060 of
# the node to 10.96.0.40:80; FILE gets "SPORT POD" lines; stops at the
# first failure.  python3, not 60 socat runs: ~0.1 s a connection, not ~1 s
# under TCG; every connection has a 2 s timeout.
mg_round() {
	timeout 150 python3 - "$1" <<'PY' || return 1
import socket, sys
out = open(sys.argv[1], "w")
for sp in range(40001, 40061):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(2)
    data = b""
    try:
        s.bind(("", sp))
        s.connect(("10.96.0.40", 80))
        while not data.endswith(b"\n"):
            c = s.recv(200)
            if not c:
                break
            data += c
    except OSError as e:
        print(f"FAIL (source port {sp}: {e})")
        sys.exit(1)
    finally:
        s.close()
    w = data.decode(errors="replace").split()
    if not w or w[0] not in ("pod1", "pod2", "pod3"):
        print(f"FAIL (source port {sp}: {data!r})")
        sys.exit(1)
    out.write(f"{sp} {w[0]}\n")
    out.flush()
PY
	awk '{print $2}' "$1" | sort | uniq -c
}

mg_first() {
	mg_round "$D/mg.1" || return 1
	echo "pods seen: $(awk '{print $2}' "$D/mg.1" | sort -u | tr '\n' ' ')"
	[ "$(awk '{print $2}' "$D/mg.1" | sort -u | wc -l)" = 3 ]
}

mg_same() {
	local moved
	flush_ct
	mg_round "$D/mg.2" || return 1
	moved=$(join "$D/mg.1" "$D/mg.2" | awk '$2 != $3' | wc -l)
	echo "flows that changed pod: $moved of 60 (want 0)"
	[ "$moved" = 0 ] && [ "$(wc -l <"$D/mg.2")" = 60 ]
}

# after pod3 left: pod1/pod2 flows stay (at most 3 of them move), pod3's
# flows now answer from pod1 or pod2
mg_after_removal() {
	local kept moved n3
	flush_ct
	mg_round "$D/mg.3" || return 1
	kept=$(join "$D/mg.1" "$D/mg.3" | awk '$2 != "pod3"' | wc -l)
	moved=$(join "$D/mg.1" "$D/mg.3" | awk '$2 != "pod3" && $2 != $3' | wc -l)
	n3=$(awk '$2 == "pod3"' "$D/mg.3" | wc -l)
	echo "flows of pod1/pod2: $kept, moved: $moved (want <= 3); answered by pod3: $n3 (want 0)"
	[ "$(wc -l <"$D/mg.3")" = 60 ] && [ "$n3" = 0 ] && [ "$moved" -le 3 ]
}

# --- long-lived connection ---------------------------------------------------

LC_PID=

# lc_open: ext -> 192.168.100.1:30900 (echo), kept open on fd 7;
# answers go to $D/lc.out
lc_open() {
	rm -f "$D/lc.in" "$D/lc.out"
	mkfifo "$D/lc.in"
	: >"$D/lc.out"
	nsx ext socat - "TCP4:192.168.100.1:30900,connect-timeout=2" \
		<"$D/lc.in" >"$D/lc.out" 2>"$D/lc.err" &
	LC_PID=$!
	exec 7>"$D/lc.in"
	for _ in $(seq 50); do
		[ -s "$D/lc.out" ] && break
		sleep 0.1
	done
	cat "$D/lc.out" "$D/lc.err"
	[[ $(head -n 1 "$D/lc.out") =~ ^pod[123]$ ]]
}

# lc_echo WORD: WORD sent on the long-lived connection comes back
lc_echo() {
	kill -0 "$LC_PID" 2>/dev/null || { echo "client gone"; cat "$D/lc.err"; return 1; }
	echo "$1" >&7 || return 1
	for _ in $(seq 50); do
		grep -qx -- "$1" "$D/lc.out" && { cat "$D/lc.out"; return 0; }
		sleep 0.1
	done
	cat "$D/lc.out" "$D/lc.err"
	return 1
}

cleanup() {
	local p
	exec 7>&- 2>/dev/null
	[ -z "$LC_PID" ] || kill "$LC_PID" 2>/dev/null
	for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}

# =============================================================================

check "kmod/ksvc.ko exists (built)" test -f "$KO"
check "tools/ksvcctl/ksvcctl exists (built)" test -x "$K"
check "socat is installed" test -x /usr/bin/socat

# --- topology ----------------------------------------------------------------

check "node: hostname node-1, forwarding, bridge cbr0, service routes, br_netfilter" setup_node
for p in "${PODS[@]}"; do
	check "$p: netns, veth into cbr0, $(pod_ip "$p"), $(pod_ip6 "$p")" setup_pod "$p"
	start_servers "$p"
done
check "ext: netns, veth, 192.168.100.2, fd00:100::2, default via the node" setup_ext
for p in "${PODS[@]}"; do
	check "$p: servers listen on 8080 (TCP, UDP, v4, v6) and 9000" listening "$p"
done
check_out "topology: node -> pod1 10.244.0.11:8080/TCP direct" "pod1 10.244.0.1" \
	tcp1 node 10.244.0.11 8080
check_out "topology: node -> pod2 10.244.0.12:8080/TCP direct" "pod2 10.244.0.1" \
	tcp1 node 10.244.0.12 8080
check_out "topology: node -> pod3 10.244.0.13:8080/TCP direct" "pod3 10.244.0.1" \
	tcp1 node 10.244.0.13 8080
check_out "topology: node -> pod1 [fd00:244::11]:8080/TCP direct" \
	"pod1 [fd00:0244:0000:0000:0000:0000:0000:0001]" \
	tcp1 node fd00:244::11 8080
check_out "topology: node -> pod2 10.244.0.12:8080/UDP direct" "pod2 10.244.0.1" \
	udp1 node 10.244.0.12 8080
check_out "topology: ext -> pod2 10.244.0.12:8080/TCP routed by the node, no NAT" \
	"pod2 192.168.100.2" tcp1 ext 10.244.0.12 8080
check_out "topology: ext -> pod3 10.244.0.13:8080/UDP routed by the node" \
	"pod3 192.168.100.2" udp1 ext 10.244.0.13 8080
check_out "topology: ext -> pod3 [fd00:244::13]:8080/TCP routed by the node" \
	"pod3 [fd00:0100:0000:0000:0000:0000:0000:0002]" tcp1 ext fd00:244::13 8080
check_out "topology: pod1 -> pod2 10.244.0.12:8080 over the bridge" "pod2 10.244.0.11" \
	tcp1 pod1 10.244.0.12 8080
check_out "topology: ext -> pod1 10.244.0.11:9000 echo server greets and echoes" \
	$'pod1\nbye' echo1 ext 10.244.0.11 9000
check_fail "topology: without ksvc, node -> 10.96.0.10:80 gets nowhere" \
	tcp1 node 10.96.0.10 80

# --- module, config, services --------------------------------------------------

check "modprobe the module's dependencies, insmod kmod/ksvc.ko" load_ksvc
command -v conntrack >/dev/null && modprobe nf_conntrack_netlink
check_out "config view: node name defaults to the host name node-1" \
	"Node name:       node-1" "$K" config view
check "config set --node-name node-1" "$K" config set --node-name node-1
check_out "config view: NodePorts on all local addresses" \
	"(all local addresses)" "$K" config view
write_yaml
for f in web lb empty mg v6 echo sc ds; do
	check "ksvcctl apply -f $f.yaml" "$K" apply -f "$D/$f.yaml"
done
check "ksvcctl get services" "$K" get services -o wide

# --- a. ClusterIP from the node ------------------------------------------------

check "a. node -> 10.96.0.10:80/TCP: 30 connections, all answer, pods 1-3 seen" \
	spread "pod1 pod2 pod3" 30 node 10.96.0.10 80

# --- b. ClusterIP from a pod, hairpin ------------------------------------------

check "b. pod1 -> 10.96.0.10:80/TCP: 30 connections, all answer, pods 1-3 seen (hairpin to pod1 too)" \
	spread "pod1 pod2 pod3" 30 pod1 10.96.0.10 80

# --- c. NodePort from outside ---------------------------------------------------

check "c. ext -> 192.168.100.1:30080 (NodePort): answers; pods see the node as the client" \
	peers_in '^(10\.244\.0\.1|192\.168\.100\.1)$' 6 ext 192.168.100.1 30080
check "c. ext -> 10.244.0.1:30080 (NodePort on the other node address): answers" \
	peers_in '^(10\.244\.0\.1|192\.168\.100\.1)$' 6 ext 10.244.0.1 30080

# --- d. LoadBalancer -------------------------------------------------------------

check "d. ext -> 192.168.200.10:80 (LoadBalancer ingress IP): answers" \
	at_least 1 4 ext 192.168.200.10 80
check "d. ext -> 192.168.200.20:80 (externalIP): answers" \
	at_least 1 4 ext 192.168.200.20 80
check "d. get services: lb EXTERNAL-IP 192.168.200.10,192.168.200.20" \
	ext_ip_is lb 192.168.200.10,192.168.200.20
check "d. get services: lbp (no ingress) EXTERNAL-IP <pending>" \
	ext_ip_is lbp '<pending>'

# --- e. UDP ------------------------------------------------------------------------

check "e. node -> 10.96.0.10:80/UDP: answers with a pod name" \
	answers_pod udp1 node 10.96.0.10 80
check "e. ext -> 192.168.100.1:30081/UDP (NodePort): answers with a pod name" \
	answers_pod udp1 ext 192.168.100.1 30081

# --- f. no endpoints -----------------------------------------------------------------

check_err "f. node -> 10.96.0.30:80/TCP (no endpoints): Connection refused, not a timeout" \
	"Connection refused" refused node 10.96.0.30 80
# A local sender also gets EPERM for the rejected datagram, as with
# iptables' REJECT in OUTPUT: both fail at once instead of waiting.
check_err "f. node -> 10.96.0.30:80/UDP (no endpoints): rejected at once" \
	"Connection refused|Operation not permitted" udp1 node 10.96.0.30 80
check "f. config set --no-endpoint=drop" "$K" config set --no-endpoint=drop
check_out "f. config view: No endpoint: drop" "drop-no-endpoint" "$K" config view
check "f. with drop, node -> 10.96.0.30:80/TCP times out (2 s)" \
	dropped node 10.96.0.30 80
check "f. config set --no-endpoint=reject" "$K" config set --no-endpoint=reject
check_err "f. reject again: Connection refused, not a timeout" \
	"Connection refused" refused node 10.96.0.30 80

# --- g. session affinity ---------------------------------------------------------------

check "g. apply web with sessionAffinity: ClientIP" "$K" apply -f "$D/web-affinity.yaml"
check "g. ext -> NodePort 30080 with ClientIP affinity: 20 connections, all one pod" \
	one_pod 20 ext 192.168.100.1 30080
check "g. apply web without affinity" "$K" apply -f "$D/web.yaml"
check "g. ext -> NodePort 30080 without affinity: 30 connections, >= 2 pods" \
	at_least 2 30 ext 192.168.100.1 30080

# --- h. Maglev ---------------------------------------------------------------------------

if command -v conntrack >/dev/null; then
	echo "# maglev rounds: conntrack -F between rounds"
else
	echo "# maglev rounds: no conntrack tool; relying on TIME_WAIT reopen"
fi
check "h. maglev: 60 flows (source ports 40001-60) to 10.96.0.40:80, pods 1-3 seen" mg_first
check "h. maglev: the same 60 flows again reach the same pods" mg_same
check "h. apply mg without pod3" "$K" apply -f "$D/mg-2.yaml"
check "h. maglev: pod1/pod2 flows stay (<= 3 of them move), pod3's flows move" \
	mg_after_removal

# --- i. backend removal under a live connection -----------------------------------------

check "i. ext -> 192.168.100.1:30900 (echo NodePort): long-lived connection opens" lc_open
LC_POD=$(head -n 1 "$D/lc.out" 2>/dev/null)
GONE=pod1
[ "$LC_POD" = pod1 ] && GONE=pod2
REST=()
for p in "${PODS[@]}"; do [ "$p" = "$GONE" ] || REST+=("$p"); done
echo "# long-lived connection on ${LC_POD:-?}; removing $GONE"
echo_yaml "${REST[@]}" >"$D/echo-2.yaml"
check "i. long-lived connection echoes before the change" lc_echo ping-1
check "i. apply echo without $GONE" "$K" apply -f "$D/echo-2.yaml"
check "i. long-lived connection (on ${LC_POD:-?}) still echoes" lc_echo ping-2
check "i. 20 new connections never reach the removed $GONE" \
	never_pod "$GONE" 20 ext 192.168.100.1 30900 echo

# --- j. externalTrafficPolicy: Local ---------------------------------------------------

check "j. apply web with externalTrafficPolicy: Local" "$K" apply -f "$D/web-local.yaml"
check "j. ext -> NodePort 30080 (Local): pods see the client 192.168.100.2" \
	peers_in '^192\.168\.100\.2$' 20 ext 192.168.100.1 30080
check "j. ext -> NodePort 30080 (Local): only node-1 pods (never pod3)" \
	never_pod pod3 20 ext 192.168.100.1 30080
check "j. apply web back to Cluster" "$K" apply -f "$D/web.yaml"

# --- k. IPv6 ----------------------------------------------------------------------------

check "k. node -> [fd00:96::10]:80/TCP: answers with a pod name" \
	at_least 1 3 node fd00:96::10 80
# A dual-stack service: each family's flows go to that family's endpoints.
check "k. dual-stack: node -> 10.96.0.70:80 x12: all answered by its IPv4 endpoint (pod1)" \
	spread pod1 12 node 10.96.0.70 80
check "k. dual-stack: node -> [fd00:96::70]:80 x12: all answered by its IPv6 endpoints (pods 2-3)" \
	spread "pod2 pod3" 12 node fd00:96::70 80

# sctp1 NS HOST PORT: one SCTP association; prints what the server said
sctp1() {
	nsx "$1" timeout 10 socat -u "SCTP4:$2:$3" STDOUT
}

check_out "k. node -> 10.96.0.60:80/SCTP: answers with a pod name" \
	"pod" sctp1 node 10.96.0.60 80
check "k. node -> pod1 10.244.0.11:8080/SCTP directly (topology)" \
	sctp1 node 10.244.0.11 8080

# --- l. counters ------------------------------------------------------------------------

check "l. get services -o wide: web has connections counted" conns_nonzero web

# --- m. unload with traffic -------------------------------------------------------------

check "m. a connection is open during rmmod" lc_echo ping-3
check "m. rmmod ksvc with a connection open" rmmod ksvc
check_fail "m. /sys/module/ksvc is gone" test -e /sys/module/ksvc
check_fail "m. after rmmod, node -> 10.96.0.10:80 is not translated" \
	tcp1 node 10.96.0.10 80
cleanup
check "m. dmesg clean" dmesg_clean

finish
