#!/usr/bin/env bash
# simcluster run --cluster-from DUMP: the scenario runs on the cluster a live
# cluster's dump describes (its Nodes as pools, its pods where they run), and
# validate reads the same dump; a missing dump is an input error (exit 1), an
# empty value a usage error (exit 2).
# Usage: run_cluster_from.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"

dump=tests/io/fixtures/dump/cluster-dump.yaml
sc=tests/scenario/fixtures/from-dump.yaml

# A scenario written for other manifests and pools, pointed at the dump.
cat >"$tmp/other.yaml" <<'YAML'
name: other
manifests: [nowhere-used.yaml]
cluster:
  nodePools:
    - {name: pool, count: 1, preset: 2cpu-4gi}
load:
  users: 400
  routes: {/: 0.5, /api: 0.25}
YAML
touch "$tmp/nowhere-used.yaml"
if "$bin" run "$tmp/other.yaml" --cluster-from $dump --duration 5m --quiet >"$tmp/out" 2>"$tmp/err"; then
  ok "run --cluster-from"
else
  bad "run --cluster-from failed: $(head -3 "$tmp/err")"
fi
grep -q '^Start: *dump' "$tmp/out" && ok "the run starts from the dump" || bad "start line: $(grep Start "$tmp/out")"
grep -q '^  m5.xlarge  *3  *3' "$tmp/out" && ok "pool m5.xlarge of 3 nodes" || bad "m5.xlarge pool"
grep -q '^  m5.2xlarge  *2  *2' "$tmp/out" && ok "pool m5.2xlarge of 2 nodes" || bad "m5.2xlarge pool"
! grep -q '^  pool ' "$tmp/out" && ok "the scenario's own pool is replaced" || bad "scenario pool still there"

# The same through the scenario key gives the same report body.
"$bin" run $sc --duration 5m --quiet >"$tmp/key" 2>"$tmp/err" || bad "run $sc: $(head -3 "$tmp/err")"
grep -q '^Start: *dump' "$tmp/key" && ok "cluster.fromManifests starts from the dump" || bad "fromManifests start"

# validate: the inventory counts the controllers' pods once.
"$bin" validate -f $dump >"$tmp/v" 2>&1 || bad "validate $dump exited $?"
grep -q '^initial (spec.replicas) *10 *12250m' "$tmp/v" && ok "validate totals: 10 pods, 12250m" || bad "validate totals: $(grep initial "$tmp/v")"
grep -q '^Node *5$' "$tmp/v" && ok "validate: 5 Nodes" || bad "validate node count"


"$bin" run $sc --cluster-from "$tmp/missing.yaml" --quiet >/dev/null 2>"$tmp/err"; rc=$?

[[ $rc -eq 1 ]] && grep -q 'missing.yaml' "$tmp/err" && ok "missing dump: input error" || bad "missing dump: rc $rc $(head -2 "$tmp/err")"

"$bin" run $sc --cluster-from= --quiet >/dev/null 2>"$tmp/err"; rc=$?

[[ $rc -eq 2 ]] && ok "empty --cluster-from: usage error" || bad "empty --cluster-from: rc $rc $(head -2 "$tmp/err")"
exit $fail
