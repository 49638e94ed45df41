#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# Smoke test of the VM rig: right kernel, modprobe works, two network
# namespaces joined by a veth pair can talk TCP. Addresses exist only in
# namespaces inside the VM.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

check_out "uname -r is the booted Debian kernel ($VM_KVER)" "$VM_KVER" uname -r
check "kernel image /boot/vmlinuz-\$(uname -r) exists" test -f "/boot/vmlinuz-$(uname -r)"
check "modprobe nf_conntrack nf_nat veth" modprobe -a nf_conntrack nf_nat veth
check_out "nf_conntrack is loaded" nf_conntrack lsmod

setup_ns() {
	ip netns add smoke-a &&
		ip netns add smoke-b &&
		ip link add veth-a netns smoke-a type veth peer name veth-b netns smoke-b &&
		ip -n smoke-a addr add 10.0.0.1/24 dev veth-a &&
		ip -n smoke-b addr add 10.0.0.2/24 dev veth-b &&
		ip -n smoke-a link set lo up && ip -n smoke-a link set veth-a up &&
		ip -n smoke-b link set lo up && ip -n smoke-b link set veth-b up
}
check "two netns joined by veth (10.0.0.1/24 <-> 10.0.0.2/24)" setup_ns
check "ping 10.0.0.1 from smoke-b" ip netns exec smoke-b busybox ping -c 1 -W 5 10.0.0.1

# TCP server in smoke-a: replies "pong <line>" to one line
if command -v socat >/dev/null; then
	# shellcheck disable=SC2016 # $l is for the server's shell
	ip netns exec smoke-a socat TCP-LISTEN:8080,bind=10.0.0.1,reuseaddr,fork \
		SYSTEM:'read -r l; echo "pong $l"' &
	client() { echo ping | ip netns exec smoke-b socat -t 5 - TCP:10.0.0.1:8080,connect-timeout=5; }
else
	echo "# socat not installed; using busybox nc"
	# shellcheck disable=SC2016
	ip netns exec smoke-a busybox nc -l -p 8080 -e sh -c 'read -r l; echo "pong $l"' &
	client() { echo ping | ip netns exec smoke-b busybox nc -w 5 10.0.0.1 8080; }
fi
srv=$!
listening() {
	local _
	for _ in $(seq 50); do
		ip netns exec smoke-a ss -Hltn 'sport = :8080' | grep -q 8080 && return 0
		sleep 0.1
	done
	return 1
}
check "TCP server listening on 10.0.0.1:8080 in smoke-a" listening
check_out "TCP request from smoke-b gets the reply" "pong ping" client

kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
check "ip netns del is clean" sh -c 'ip netns del smoke-a && ip netns del smoke-b'
finish
