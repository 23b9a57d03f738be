#!/usr/bin/env bash
# simcluster plan: the shipped plan runs and recommends a cluster per level;
# a level no shape holds is an answer (exit 0), not an error; bad flags are
# usage errors (exit 2); --out writes atomically; -j gives the same bytes.
# Usage: plan.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"

if "$bin" plan scenarios/plan.yaml --quiet >"$tmp/plan.txt" 2>"$tmp/err"; then
  ok "plan scenarios/plan.yaml exits 0"
else
  bad "plan failed: $(head -3 "$tmp/err")"
fi
grep -q "^LOAD LEVEL: 5,000 users" "$tmp/plan.txt" && ok "levels listed" || bad "no 5,000-user level"
grep -q "Recommended: .* x 2cpu-4gi" "$tmp/plan.txt" && ok "a recommendation" || bad "no recommendation"
grep -q "NO FIT: even 40 nodes do not fit: HPAAtMax" "$tmp/plan.txt" && ok "10,000 users: no fit, with the reason" || bad "no-fit reason missing"
grep -q "3 claimed: too few" "$tmp/plan.txt" && ok "the seed's 3 nodes checked" || bad "claims not checked"
grep -q "7 x 2cpu-4gi with every HPA at maxReplicas: all pods placed" "$tmp/plan.txt" &&
  grep -q "3 x 2cpu-4gi with every HPA at maxReplicas: [0-9]* pods Pending" "$tmp/plan.txt" &&
  ok "whether the recommended clusters hold the HPAs' maxima" || bad "HPA maxima check"
grep -q "2cpu-4gi: 7 nodes (cpu binds: 6 nodes fail)" "$tmp/plan.txt" && ok "full scale-out simulated beside the report's 10+" || bad "full scale-out"

"$bin" plan scenarios/plan.yaml --quiet -j 2 >"$tmp/plan2.txt" 2>&1 || bad "plan -j 2 failed"
cmp -s "$tmp/plan.txt" "$tmp/plan2.txt" && ok "-j 2 gives the same bytes" || bad "-j 2 differs"

"$bin" plan scenarios/plan.yaml --quiet -o json --out "$tmp/plan.json" || bad "plan -o json --out failed"
if command -v python3 >/dev/null; then
  python3 - "$tmp/plan.json" <<'PY' && ok "json: levels, candidates, recommendation" || bad "json plan"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["kind"] == "CapacityPlan"
assert [round(l["users"]) for l in p["levels"]] == [100, 5000, 10000]
assert p["levels"][1]["recommended"] is not None
assert p["levels"][2]["recommended"] is None
PY
fi
"$bin" plan scenarios/plan.yaml --quiet -o html --out "$tmp/plan.html" || bad "html"
grep -q "<svg" "$tmp/plan.html" && ok "html has the cost chart" || bad "no chart"

"$bin" plan scenarios/plan.yaml --quiet --set plan.maxNodes=2 --require slo >"$tmp/small.txt" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q "even 2 nodes do not fit" "$tmp/small.txt" && ok "no fit within --max-nodes: exit 0 with the reason" || bad "max-nodes no-fit"
grep -q "^Overrides:  --set plan.maxNodes=2" "$tmp/small.txt" && ok "the plan records --set" || bad "overrides not shown"

"$bin" plan scenarios/plan.yaml --require n+2 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "did you mean 'n+1'" "$tmp/err" && ok "unknown requirement: usage error" || bad "--require n+2"
"$bin" plan scenarios/plan.yaml --shapes e2-standard-5 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "did you mean" "$tmp/err" && ok "unknown shape: input error" || bad "--shapes typo: $(cat "$tmp/err")"
"$bin" plan scenarios/day-autoscaled.yaml --quiet --require slo --shapes 2cpu-4gi --max-nodes 12 >"$tmp/auto.txt" 2>"$tmp/err" &&
  grep -q "node autoscaler (cluster autoscaler or Karpenter) is off in the plan" "$tmp/auto.txt" && ok "an autoscaled scenario is planned on fixed pools, said so" ||
  bad "autoscaled scenario: $(head -3 "$tmp/err")"
"$bin" plan scenarios/day-karpenter.yaml --quiet --require slo --shapes m5.large --max-nodes 8 >"$tmp/karp.txt" 2>"$tmp/err" &&
  grep -q "node autoscaler (cluster autoscaler or Karpenter) is off in the plan" "$tmp/karp.txt" &&
  grep -q "^  m5.large " "$tmp/karp.txt" && ok "a Karpenter scenario is planned on the candidate shapes, said so" ||
  bad "Karpenter scenario: $(head -3 "$tmp/err")"
"$bin" plan tests/scenario/fixtures/from-dump.yaml --quiet --require slo --shapes m5.xlarge --max-nodes 6 >"$tmp/dump.txt" 2>"$tmp/err" &&
  grep -q "^Note:       not kept: pool m5.2xlarge (tests/scenario/fixtures/from-dump.yaml): 2 x m5.2xlarge, taints dedicated=batch:NoSchedule" "$tmp/dump.txt" &&
  grep -q "^  m5.xlarge " "$tmp/dump.txt" &&
  ok "a cluster from a dump is planned from its inferred pools, the pool not kept named" ||
  bad "fromManifests: $(head -3 "$tmp/err")"
grep -q "simcluster plan scenarios/plan.yaml" <<<"$("$bin" plan --help)" && ok "--help has examples" || bad "--help"
exit $fail
