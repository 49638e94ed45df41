#!/bin/bash
# shellcheck disable=SC2317 # functions run indirectly, through check
# VM test for "ksvcctl speaks Kubernetes": apply is one KSVC_CMD_BATCH
# (created, then unchanged; a clash in the 3rd of 4 services applies
# nothing and names file:line), --dry-run=client without the module,
# --dry-run=server changes nothing, --prune, ClusterIP and nodePort
# allocation, get -o yaml|json|name read back by apply, a batch of
# thousands of services whose reply passes the default receive buffer, and
# the kernel given the same services whether read from YAML or from JSON,
# and delete -f in one transaction or, when a service is missing, one by one.
# Runs inside the VM (tests/vm/run.sh t_apply) with the repo root as cwd.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

K=$PWD/tools/ksvcctl/ksvcctl
KO=$PWD/kmod/ksvc.ko
EX=$PWD/examples
T=$(mktemp -d)
OOPS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|list_del corruption|refcount_t|Call Trace:'

# names: the services of the default namespace, one per line, sorted
names() { "$K" get services -o name | sort; }

# same_names WANT...: exactly these services exist in "default"
same_names() {
	local want got
	want=$([ $# = 0 ] || printf 'service/%s\n' "$@" | sort)
	got=$(names) || return 1
	printf '%s\n' "$got"
	[ "$got" = "$want" ]
}

# out_is WANT cmd...: cmd succeeds and its stdout is exactly WANT
out_is() {
	local want=$1 got
	shift
	got=$("$@") || return 1
	printf '%s\n' "$got"
	[ "$got" = "$want" ]
}

svc() {	# svc NAME CLUSTERIP-LINE PORT [TYPE [NODEPORT-LINE]]
	cat <<YAML
---
apiVersion: v1
kind: Service
metadata:
  name: $1
spec:
  type: ${4:-ClusterIP}
$2
  ports:
  - port: $3
${5:-}
YAML
}

# --- inputs ----------------------------------------------------------------

{
	svc new-a "  clusterIP: 10.96.1.1" 80
	svc new-b "  clusterIP: 10.96.1.2" 80
	svc dup "  clusterIP: 10.96.0.10" 80	# myapp-service's
	svc new-d "  clusterIP: 10.96.1.4" 80
} >"$T/clash.yaml"
svc alloc "" 80 >"$T/alloc.yaml"
svc alloc-np "" 8080 NodePort >>"$T/alloc.yaml"
svc dry "  clusterIP: 10.96.2.1" 80 >"$T/dry.yaml"
awk 'BEGIN { for (i = 1; i <= 2000; i++)
	printf "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bulk-%d\nspec:\n  ports:\n  - port: 80\n", i }' >"$T/bulk.yaml"
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: v}\nspec:\n  prots: 1\n  ports: [{port: 80}]\n' >"$T/typo.yaml"

# --- without the module ----------------------------------------------------

check_out "--dry-run=client needs no module" "service/myapp-service created (dry run)" \
	"$K" apply --dry-run=client -f "$EX"
check_err "--validate=strict refuses an unknown field" 'unknown field "spec.prots"' \
	"$K" apply --dry-run=client -f "$T/typo.yaml"
check_out "--validate=warn applies it with a warning" "service/v created (dry run)" \
	"$K" apply --dry-run=client --validate=warn -f "$T/typo.yaml"

check "load ksvc.ko" load_ksvc

# --- apply: created, then unchanged ----------------------------------------

check_out "apply examples/: created" "service/myapp-service created" "$K" apply -f "$EX"
check_out "apply examples/ again: unchanged" \
	"$(printf 'service/back-end unchanged\nservice/myapp-lb unchanged\nservice/myapp-service unchanged')" \
	"$K" apply -f "$EX"
check "three services" same_names back-end myapp-lb myapp-service

# --- one batch: a clash applies nothing ------------------------------------

check_err "a clash in the 3rd of 4 names its document" \
	"clash.yaml:2[0-9]:1: error: service default/dup: .*10\.96\.0\.10" \
	"$K" apply -f "$T/clash.yaml"
check "... and nothing was applied" same_names back-end myapp-lb myapp-service

# --- dry runs ----------------------------------------------------------------

check_out "--dry-run=server reports" "service/dry created (server dry run)" \
	"$K" apply --dry-run=server -f "$T/dry.yaml"
check_out "--dry-run=server on existing ones" "service/back-end unchanged (server dry run)" \
	"$K" apply --dry-run=server -f "$EX"
check_err "--dry-run=server finds the clash" "service default/dup" \
	"$K" apply --dry-run=server -f "$T/clash.yaml"
check_out "delete -f --dry-run=server" 'service "back-end" deleted (server dry run)' \
	"$K" delete --dry-run=server -f "$EX/back-end.yaml"
check "... and nothing changed" same_names back-end myapp-lb myapp-service

# --- allocation --------------------------------------------------------------

check_out "apply without clusterIP/nodePort" "service/alloc-np created" "$K" apply -f "$T/alloc.yaml"
alloc_ok() {
	local out
	out=$("$K" get services alloc alloc-np) || return 1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | awk '
		$1 == "alloc" && $3 ~ /^10\.(9[6-9]|10[0-9]|11[01])\./ { a = 1 }
		$1 == "alloc-np" && $3 ~ /^10\./ && $5 ~ /^8080:3[0-2][0-9][0-9][0-9]\/TCP$/ { b = 1 }
		END { exit !(a && b) }'
}
check "get shows the allocated ClusterIP and nodePort" alloc_ok
"$K" get services alloc alloc-np >"$T/alloc.before" 2>&1
check_out "re-apply keeps them: unchanged" "service/alloc-np unchanged" "$K" apply -f "$T/alloc.yaml"
same_alloc() {
	"$K" get services alloc alloc-np | awk '{print $1, $3, $5}' >"$T/alloc.after"
	awk '{print $1, $3, $5}' "$T/alloc.before" | diff - "$T/alloc.after"
}
check "... same ClusterIP and nodePort" same_alloc

# --- -o yaml|json round trip ---------------------------------------------------

check "get -o yaml" sh -c "'$K' get services -o yaml >'$T/all.yaml'"
check_out "it is a List" "kind: List" cat "$T/all.yaml"
check "get -o json" sh -c "'$K' get services myapp-service -o json >'$T/one.json'"
check "the JSON is valid" python3 -c "import json,sys; d=json.load(open('$T/one.json')); sys.exit(d['kind'] != 'Service')"
check "delete -f the YAML" "$K" delete -f "$T/all.yaml"
check "none left" same_names
check_out "apply -f the YAML" "service/myapp-service created" "$K" apply -f "$T/all.yaml"
same_yaml() {
	"$K" get services -o yaml | grep -v creationTimestamp >"$T/again.yaml"
	grep -v creationTimestamp "$T/all.yaml" | diff - "$T/again.yaml"
}
check "get -o yaml again: the same services" same_yaml
check_out "apply -f the JSON: unchanged" "service/myapp-service unchanged" "$K" apply -f "$T/one.json"

# --- prune -------------------------------------------------------------------

check_out "apply --prune -n default" "service/myapp-lb pruned" \
	"$K" apply --prune -n default -f "$EX/back-end.yaml" -f "$EX/myapp-service.yaml"
check "only the input's services remain" same_names back-end myapp-service
check_out "apply --prune --all --dry-run=server" "service/myapp-service pruned (server dry run)" \
	"$K" apply --prune --all --dry-run=server -f "$EX/back-end.yaml"
check "... nothing pruned" same_names back-end myapp-service

# --- thousands in one batch ----------------------------------------------------

# count_out WORD N cmd...: cmd succeeds and N stdout lines end in WORD
# (the output itself is not echoed: 2000 lines crawl over the console)
count_out() {
	local word=$1 want=$2 n
	shift 2
	n=$("$@" | grep -c " $word\$") || true
	echo "($n lines \"$word\", want $want)"
	[ "$n" = "$want" ]
}
check "2000 services in one batch: created" count_out created 2000 "$K" apply -f "$T/bulk.yaml"
n_bulk() { [ "$("$K" get services -o name | grep -c '^service/bulk-')" = 2000 ]; }
check "... all 2000 there" n_bulk
check "... again: unchanged" count_out unchanged 2000 "$K" apply -f "$T/bulk.yaml"
check "prune them all in one batch" count_out pruned 2001 \
	"$K" apply --prune -n default -f "$EX/back-end.yaml"
check "one left" same_names back-end

# --- YAML and JSON read the same ------------------------------------------------

# kubectl-style Services and EndpointSlices (bench/gen.py's), as YAML
# (libyaml) and as kubectl's JSON List (jansson): the kernel gets exactly
# the same from either
python3 bench/gen.py "$T/gen" 300 10 >/dev/null
# its ClusterIPs, 10.96.0.1 on, would clash with back-end's
sed -i 's/clusterIP: 10\.96\./clusterIP: 10.97./' "$T"/gen/ksvc*.yaml
sed -i 's/"clusterIP": "10\.96\./"clusterIP": "10.97./' "$T"/gen/ksvc*.json
check "300 services x 10 endpoints, from YAML: created" \
	count_out created 300 "$K" apply -f "$T/gen/ksvc.yaml"
check "... from JSON: unchanged" count_out unchanged 300 \
	"$K" apply -f "$T/gen/ksvc.json"
check "... one endpoint changed, from JSON: configured" \
	count_out configured 1 "$K" apply -f "$T/gen/ksvc-upd-a.json"
check "... the same change from YAML: unchanged" \
	count_out unchanged 1 "$K" apply -f "$T/gen/ksvc-upd-a.yaml"
check "... deleted" count_out deleted 300 "$K" delete -f "$T/gen/ksvc.json"

# delete -f: one KSVC_CMD_BATCH when every service is there; when one is
# missing the batch changes nothing and the services go one by one, with
# kubectl's NotFound for the missing one.  Output in input order either way.
{
	svc del-a "  clusterIP: 10.96.2.1" 80
	printf -- '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: del-x\nspec:\n  type: ExternalName\n  externalName: example.com\n'
	svc del-b "  clusterIP: 10.96.2.2" 80
	svc del-c "  clusterIP: 10.96.2.3" 80
} >"$T/del.yaml"
DEL_OUT='service "del-a" deleted
service/del-x skipped (ExternalName is not proxied)
service "del-b" deleted
service "del-c" deleted'
no_del() { ! names | grep -q '^service/del-'; }

# sends FILE cmd...: run cmd (stdout to FILE); how many netlink messages
# it sent (strace's sendmsg/sendto count)
sends() {
	local f=$1
	shift
	strace -f -qq -e trace=sendmsg,sendto -o "$T/strace" "$@" >"$f" 2>/dev/null
	grep -c 'send' "$T/strace"
}

# one_batch: delete -f of all three sends as many messages as deleting one
# service by name (the family lookup and one request), in input order
one_batch() {
	local one three
	"$K" apply -f "$T/del.yaml" >/dev/null || return 1
	one=$(sends "$T/one.out" "$K" delete service del-b)
	"$K" apply -f "$T/del.yaml" >/dev/null || return 1
	three=$(sends "$T/three.out" "$K" delete -f "$T/del.yaml")
	cat "$T/three.out"
	echo "(netlink messages: $three for delete -f of 3, $one for delete of 1)"
	[ "$one" -gt 0 ] && [ "$three" = "$one" ] && [ "$(cat "$T/three.out")" = "$DEL_OUT" ]
}

# del_missing: delete -f with del-b gone fails, deletes the others, says why
del_missing() {
	local out err rc=0
	out=$("$K" delete -f "$T/del.yaml" 2>"$T/del.err") || rc=$?
	err=$(cat "$T/del.err")
	printf 'exit %s\n%s\n%s\n' "$rc" "$out" "$err"
	[ "$rc" = 1 ] &&
		[ "$out" = "$(grep -v del-b <<<"$DEL_OUT")" ] &&
		[ "$err" = 'Error from server (NotFound): services "del-b" not found' ] &&
		no_del
}

check "delete -f: 3 services (and an ExternalName) applied" \
	count_out created 3 "$K" apply -f "$T/del.yaml"
"$K" delete -f "$T/del.yaml" >/dev/null
check "delete -f, all there: one batch, every line in input order" one_batch
check "... and they are gone" no_del
"$K" apply -f "$T/del.yaml" >/dev/null && "$K" delete service del-b >/dev/null
check "delete -f, del-b missing: exit 1, NotFound for it, the others deleted" \
	del_missing
"$K" apply -f "$T/del.yaml" >/dev/null && "$K" delete service del-b >/dev/null
check "delete -f --ignore-not-found, del-b missing: the others deleted" \
	out_is "$(grep -v del-b <<<"$DEL_OUT")" \
	"$K" delete --ignore-not-found -f "$T/del.yaml"
check "... and they are gone" no_del

check "no oops in dmesg" sh -c "! dmesg | grep -E '$OOPS'"
rm -rf "$T"
finish
