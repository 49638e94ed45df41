#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# jansson vs json-c on Kubernetes JSON: generate the inputs (bench/jsongen.py)
# into a temp dir, build bench/src/jsonlib.c once per library, run each
# input in its own process, print a markdown table.
#
#   bench/jsonlib.sh [REPS]          (default 7; env N, E: services, endpoints)
#   bench/jsonlib.sh --facts         only build and run bench/src/jsonfacts.c:
#                                    the API behaviour checks, per library
#   bench/jsonlib.sh --icount        instead of timing, count the instructions
#                                    of one parse+walk+free of each input under
#                                    valgrind --tool=cachegrind (immune to other
#                                    load on the machine; try N=2000)
#
# Three parsers: jansson (json_loadb, flags 0), json-c (json_tokener, flags
# 0: lenient) and json-c with JSON_TOKENER_STRICT|JSON_TOKENER_VALIDATE_UTF8.
#
# Needs: cc, pkg-config, python3, libjansson-dev, libjson-c-dev (Debian 12).
set -eu
FACTS= ICOUNT=
case ${1-} in
--facts) FACTS=1; shift ;;
--icount) ICOUNT=1; shift ;;
esac
REPS=${1:-7}
N=${N:-10000}
E=${E:-10}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for l in jansson:JANSSON json-c:JSONC; do
	for p in jsonlib jsonfacts; do
		cc -O2 -Wall -D"USE_${l#*:}" -o "$tmp/$p-${l%%:*}" "$here/src/$p.c" \
			$(pkg-config --cflags --libs "${l%%:*}")
	done
done
if [ "$FACTS" ]; then
	"$tmp/jsonfacts-jansson"
	echo
	"$tmp/jsonfacts-json-c"
	exit
fi
python3 "$here/jsongen.py" "$tmp/in" "$N" "$E"

d=$tmp/in
pages() { ls "$d/$1"/*.json | paste -sd, -; }
set -- \
	"kubectl -o json (pretty)=$d/kubectl.json" \
	"ServiceList, 1 response=$d/svc-list.json" \
	"ServiceList, pages of 500=$(pages svc-pages)" \
	"EndpointSliceList, 1 response=$d/eps-list.json" \
	"EndpointSliceList, pages of 500=$(pages eps-pages)" \
	"watch stream (stream)=$d/watch.jsonl"

{
	grep -m1 'model name' /proc/cpuinfo | sed 's/.*: /# cpu: /'
	echo "# cpus: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	for lib in jansson json-c json-c-S; do
		for inp in "$@"; do
			s=
			case $inp in *"(stream)="*) s=-s ;; esac
			[ $lib = json-c-S ] && s="$s -S"
			bin=$tmp/jsonlib-${lib%-S}
			if [ "$ICOUNT" ]; then
				line=$(valgrind --tool=cachegrind --cache-sim=no \
					--cachegrind-out-file=/dev/null --log-file="$tmp/vg" \
					"$bin" -q -n 1 $s "$inp")
				ir=$(sed -n 's/.*I *refs: *//p' "$tmp/vg" | tr -d ,)
				printf '%s\t%s\n' "$line" "$ir"
			else
				"$bin" -n "$REPS" $s "$inp"
			fi
		done
	done
	echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$tmp/raw.tsv" >&2

python3 - "$tmp/raw.tsv" "$ICOUNT" <<'EOF'
import sys
icount = sys.argv[2] == "1"
rows, notes = {}, []
for line in open(sys.argv[1]):
    if line.startswith("#"):
        notes.append(line[2:].strip())
        continue
    f = line.rstrip("\n").split("\t")
    rows.setdefault(f[1], {})[f[0]] = f
if icount:
    print("| input | MB | lib | M instructions | instructions/byte |")
    print("|---|--:|---|--:|--:|")
else:
    print("| input | MB | lib | median ms | min ms | CPU ms | parse ms | MB/s | allocs | peak heap MB | RSS +MB |")
    print("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|")
for name, by in rows.items():
    ref = None
    for lib in ("jansson", "json-c", "json-c STRICT|VALIDATE_UTF8"):
        f = by.get(lib)
        if not f:
            continue
        walk = (f[12], f[14])
        if ref and walk != ref:
            name += " **(walks differ!)**"
        ref = walk
        if icount:
            print("| %s | %.1f | %s | %.0f | %.1f |" % (name, int(f[2]) / 1e6, lib,
                  int(f[15]) / 1e6, int(f[15]) / int(f[2])))
            continue
        print("| %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %.1f | %.1f |" % (
            name, int(f[2]) / 1e6, lib, f[4], f[5], f[6], f[7], f[8],
            f[9], int(f[10]) / 1e6, int(f[11]) / 1e6))
print()
for n in notes:
    print("- " + n)
EOF
