#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mem.sh BIN KO[,KO...] N:E [N:E ...]   (in the VM, from the repo root:
#   tests/vm/vm-run --mem 4096 --timeout 1800 bench/mem.sh \
#       bench/results/raw/bin kmod/ksvc.ko 100000:1 10000:10)
#
# Kernel memory of ksvc's tables: for each module (two builds side by
# side, e.g. before and after a change), twice each, N services x E
# backends programmed by raw netlink (ksvc-nl, batches of 1000, node names
# on every backend), the growth of Slab + Percpu + VmallocUsed, and the
# slab caches that grew most; and the fall of MemFree, which also counts
# what those three miss (kmalloc_large, e.g. hash bucket arrays of 2 MiB
# that kvmalloc got from the page allocator).  One line per measurement:
#   mem ko=KO round=R n=N e=E kb=KB bytes_per_svc=B
set -u
BIN=$(realpath "$1") KOS=$2
shift 2
ARGS=("$@")
set --
# kmem(): vm-bench.sh's
BENCH_SOURCE_ONLY=1 BENCH_GEN=/nonexistent BENCH_BIN=$BIN
# shellcheck source=bench/vm-bench.sh
. bench/vm-bench.sh
set -- "${ARGS[@]}"
slabs() { awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo | sort; }
parts() { awk '/^(Slab|Percpu|VmallocUsed|MemFree):/ { v[$1] = $2 } END { print v["Slab:"], v["Percpu:"], v["VmallocUsed:"], v["MemFree:"] }' /proc/meminfo; }
vmallocs() { awk '{ s[$3] += $2 } END { for (c in s) print c, s[c] }' /proc/vmallocinfo | sort; }
deps=$(modinfo -F depends "${KOS%%,*}")
modprobe -a ${deps//,/ } || exit 1
for round in 1 2; do
	for ko in ${KOS//,/ }; do
		insmod "$ko" || exit 1
		for p in "$@"; do
			n=${p%%:*} e=${p##*:}
			slabs >/tmp/s0
			m0=$(kmem)
			p0=$(parts)
			vmallocs >/tmp/v0
			"$BIN/ksvc-nl" program "$n" "$e" 1000 >/dev/null || exit 1
			m1=$(kmem)
			p1=$(parts)
			vmallocs >/tmp/v1
			slabs >/tmp/s1
			echo "mem ko=$ko round=$round n=$n e=$e kb=$((m1 - m0)) bytes_per_svc=$(((m1 - m0) * 1024 / n))"
			join /tmp/s0 /tmp/s1 | awk -v n="$n" '$3 - $2 > 0 { printf "  %s +%.0f B/svc\n", $1, ($3 - $2) / n }' |
				sort -t+ -k2 -rn | head -8
			read -r s0 c0 v0 f0 <<<"$p0"
			read -r s1 c1 v1 f1 <<<"$p1"
			echo "  slab +$(((s1 - s0) * 1024 / n)) percpu +$(((c1 - c0) * 1024 / n)) vmalloc +$(((v1 - v0) * 1024 / n)) B/svc; MemFree -$(((f0 - f1) * 1024 / n)) B/svc (all pages, kmalloc_large too)"
			join /tmp/v0 /tmp/v1 | awk -v n="$n" '$3 - $2 > 0 { printf "  vmalloc %s +%.0f B/svc\n", $1, ($3 - $2) / n }' |
				sort -t+ -k2 -rn | head -4
			"$BIN/ksvc-nl" flush >/dev/null
		done
		rmmod ksvc
	done
done
