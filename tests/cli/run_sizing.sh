#!/usr/bin/env bash
# simcluster run with several scenarios: the side-by-side sizing table against
# the seed report's claims, in text, JSON and CSV.
# Usage: run_sizing.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"
has() { grep -Eq -- "$2" "$1"; }
squeeze() { tr -s ' ' <"$1" >"$1.sq"; }

levels=(scenarios/baseline.yaml scenarios/high.yaml scenarios/peak.yaml)
if ! "$bin" run "${levels[@]}" --quiet >"$tmp/t.txt" 2>"$tmp/err"; then
  bad "the three load levels run (exit $?): $(head -3 "$tmp/err")"
  exit 1
fi
squeeze "$tmp/t.txt"
s="$tmp/t.txt.sq"
has "$s" "^SIZING: " && ok "a sizing table" || bad "no sizing table"
has "$s" "baseline .*high .*peak" && ok "one column per run, in order" || bad "columns"
has "$s" " 100 users .*5000 users .*10000 users" && ok "columns headed by users" || bad "users heading"
for w in auth-service chat-service billing-service postgres redis jaeger; do
  has "$s" "^production/$w( [0-9+!-]+)+\$" && ok "row for $w" || bad "row for $w"
done
has "$s" "^claimed workloads " && has "$s" "^all workloads " && ok "subtotal and total rows" || bad "totals rows"
# Every difference line names a workload, a load level and both figures.
awk '/^DIFFERENCES FROM THE CLAIMS/{f=1;next} f&&/^$/{f=0} f' "$s" >"$tmp/diffs"
if grep -v "(none)" "$tmp/diffs" | grep -Evq '^ [a-z-]+ @[0-9]+ users: simulated [0-9]+, report says [0-9]+ \([+-][0-9]+\)$'; then
  bad "malformed difference line: $(grep -Ev '@[0-9]+ users' "$tmp/diffs" | head -1)"
else
  ok "difference lines read 'W @N users: simulated X, report says Y (+D)'"
fi
# The claimed totals against the ones computed from the manifests.
has "$s" "^ minimum pods 9 10 \+1 !\$" && ok "minimum pods 9 vs 10" || bad "minimum pods"
has "$s" "^ minimum CPU requests 2050m 2350m \+300m !\$" && ok "minimum CPU 2050m vs 2350m" || bad "minimum CPU"
has "$s" "^ minimum memory requests 2304Mi 2816Mi \+512Mi !\$" && ok "minimum memory 2304Mi vs 2816Mi" || bad "minimum memory"
has "$s" "^ maximum pods 38 41 \+3 !\$" && ok "maximum pods 38 vs 41" || bad "maximum pods"
has "$s" "^ maximum CPU requests 13850m 10950m -2900m !\$" && ok "maximum CPU 13850m vs 10950m" || bad "maximum CPU"
has "$s" "^ maximum memory requests 17536Mi 12928Mi -4608Mi !\$" && ok "maximum memory 17536Mi vs 12928Mi" || bad "maximum memory"
has "$s" "^ Recommended cluster \(claimed\): 3 nodes x 2000m CPU x 4096Mi" && ok "the recommended cluster" || bad "recommended cluster"
has "$s" "^ peak 10000 41 [0-9]+-[0-9]+ [0-9.]+ [0-9]+ [0-9]+ [0-9]+m [0-9]+Mi [0-9.]+ DOES NOT FIT: [A-Za-z]+ .* [0-9]+ DOES NOT FIT\$" && ok "what each run needed, its cost and verdict" || bad "verdict"
has "$s" "Full scale-out .* needs at least [0-9]+ such nodes; the report says 10\." && ok "full scale-out vs 10+" || bad "full scale-out"

# JSON: a SizingComparison with each run's full report.
if "$bin" run "${levels[@]}" -o json --quiet >"$tmp/s.json" 2>"$tmp/err"; then
  has "$tmp/s.json" '^  "kind": "SizingComparison",$' && ok "json comparison" || bad "json kind"
  if command -v python3 >/dev/null; then
    python3 - "$tmp/s.json" <<'PY' && ok "json has 3 reports and the computed totals" || bad "json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1
assert [r["scenario"] for r in d["reports"]] == ["baseline", "high", "peak"]
t = {x["what"]: x for x in d["totals"]}
assert t["minimum CPU requests"]["computed"] == 2350 and t["minimum CPU requests"]["claimed"] == 2050
assert t["maximum pods"]["computed"] == 41 and t["maximum pods"]["claimed"] == 38
assert d["recommended_cluster"]["nodes"] == 3
PY
  fi
else
  bad "json run failed"
fi

# CSV: one row per workload and run.
"$bin" run "${levels[@]}" -o csv --quiet >"$tmp/s.csv" 2>/dev/null
has "$tmp/s.csv" "^scenario,users,workload,simulated,max,claimed,difference\$" && ok "csv header" || bad "csv header"
has "$tmp/s.csv" "^high,5000,production/chat-service,[0-9]+,[0-9]+,15,-?[0-9]+\$" && ok "csv row with the claim" || bad "csv row"

exit $fail
