# shellcheck shell=bash
# The IPv4 pod topology of t_lifecycle and t_update_load (t_datapath's, less
# IPv6): source it after lib.sh (it uses nsx).
#
#   pod_ip podN       10.244.0.1N
#   setup_node        bridge cbr0 10.244.0.1/24 with br_netfilter; route to
#                     the service range 10.96.0.0/12
#   setup_pod podN    netns podN, veth vpodN on cbr0 (hairpin), eth0 pod_ip
#   setup_ext         netns ext 192.168.100.2, routed via the node's
#                     veth-ext 192.168.100.1
#   listening podN    its servers listen on 8080 and 9000 (TCP), waits up
#                     to 20 s; prints ss's sockets
#   svc_yaml ...      a NodePort Service and its EndpointSlice (below)
#   slice_yaml ...    an EndpointSlice alone

pod_ip() { echo "10.244.0.1${1#pod}"; }

setup_node() {
	modprobe -a bridge veth br_netfilter &&
	hostname node-1 &&
	sysctl -qw net.ipv4.ip_forward=1 net.ipv4.tcp_syn_retries=1 &&
	ip link add cbr0 type bridge forward_delay 0 &&
	ip addr add 10.244.0.1/24 dev cbr0 &&
	ip link set cbr0 up &&
	ip route add 10.96.0.0/12 dev cbr0 &&
	sysctl -qw net.bridge.bridge-nf-call-iptables=1 \
		net.bridge.bridge-nf-call-ip6tables=1
}

setup_pod() {
	local p=$1 v=v$1
	ip netns add "$p" &&
	ip link add "$v" type veth peer name eth0 netns "$p" &&
	ip link set "$v" master cbr0 up &&
	ip link set "$v" type bridge_slave hairpin on &&
	nsx "$p" sh -c "sysctl -qw net.ipv4.tcp_syn_retries=1 &&
		ip link set lo up && ip link set eth0 up &&
		ip addr add $(pod_ip "$p")/24 dev eth0 &&
		ip route add default via 10.244.0.1"
}

setup_ext() {
	ip netns add ext &&
	ip link add veth-ext type veth peer name eth0 netns ext &&
	ip addr add 192.168.100.1/24 dev veth-ext &&
	ip link set veth-ext up &&
	nsx ext sh -c "sysctl -qw net.ipv4.tcp_syn_retries=1 &&
		ip link set lo up && ip link set eth0 up &&
		ip addr add 192.168.100.2/24 dev eth0 &&
		ip route add default via 192.168.100.1"
}

listening() {
	local out
	for _ in $(seq 100); do
		out=$(nsx "$1" ss -Htln)
		if [ "$(printf '%s\n' "$out" | grep -cE ':(8080|9000) ')" -ge 2 ]; then
			printf '%s\n' "$out"
			return 0
		fi
		sleep 0.2
	done
	printf '%s\n' "$out"
	return 1
}

# svc_yaml NAME IP PORT TARGET NODEPORT IP...: a NodePort service and its
# slice; the protocol is $PROTO (default TCP)
svc_yaml() {
	local name=$1 ip=$2 port=$3 tp=$4 np=$5
	shift 5
	cat <<EOF
---
apiVersion: v1
kind: Service
metadata:
  name: $name
  namespace: default
spec:
  type: NodePort
  clusterIP: $ip
  ports:
  - port: $port
    protocol: ${PROTO:-TCP}
    targetPort: $tp
    nodePort: $np
---
EOF
	slice_yaml "$name-abcde" "$name" "$tp" "$@"
}

# slice_yaml NAME SERVICE PORT IP...: an EndpointSlice of SERVICE, every
# IP ready, one unnamed port (protocol $PROTO, default TCP)
slice_yaml() {
	local name=$1 service=$2 port=$3 a
	shift 3
	cat <<EOF
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: $name
  namespace: default
  labels:
    kubernetes.io/service-name: $service
addressType: IPv4
endpoints:
EOF
	for a in "$@"; do
		printf -- '- addresses:\n  - %s\n  conditions:\n    ready: true\n' "$a"
	done
	printf 'ports:\n- name: ""\n  port: %s\n  protocol: %s\n' "$port" "${PROTO:-TCP}"
}
