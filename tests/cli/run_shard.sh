#!/usr/bin/env bash
# run --shard I/N and merge (docs/sweeps.md): a run of 13 scenarios (every
# shipped one, three of them twice, 3 hours each to stay fast; the whole days
# are in tests/report/run_partial_test.cpp) cut into N = 1, 2, 3 and 5 shards
# merges to the unsharded output byte for byte (text and json; every -o format
# for N = 3), with run's exit code; one scenario's openmetrics too (--start given to merge); a shard of
# other inputs (flags, bytes, version, N), a missing and a duplicated shard and
# a plan's partial among a run's are errors naming the shard.
# Usage: run_shard.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")  # the test changes directory below
formats=(text wide json yaml csv html)
scen=()
for s in scenarios/*.yaml; do
  [[ $s == *claims* ]] || scen+=("$s")
done
scen+=(scenarios/peak.yaml scenarios/day.yaml scenarios/high.yaml --duration 3h)
sims=$((${#scen[@]} - 2))
((sims >= 12)) && ok "the run has $sims simulations" || bad "only $sims scenarios"
for f in "${formats[@]}"; do
  "$bin" run "${scen[@]}" --quiet -o "$f" >"$tmp/run.$f"
  echo $? >"$tmp/rc.$f"
done
[[ $(cat "$tmp/rc.text") == 0 ]] || bad "run failed"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert len(r['reports']) == int(sys.argv[2]), len(r['reports'])" \
  "$tmp/run.json" "$sims" && ok "the unsharded run reports every scenario" || bad "run -o json"
for n in 1 2 3 5; do
  parts=()
  for ((i = 0; i < n; i++)); do
    "$bin" run "${scen[@]}" --quiet -j 2 --shard "$i/$n" --out "$tmp/r$n.$i.json" 2>"$tmp/err" ||
      bad "run --shard $i/$n failed: $(head -3 "$tmp/err")"
    parts+=("$tmp/r$n.$i.json")
  done
  same=0
  fs=(text json)
  ((n == 3)) && fs=("${formats[@]}")
  for f in "${fs[@]}"; do
    # Shards in reverse order: merge does not depend on the order given.
    "$bin" merge $(printf '%s\n' "${parts[@]}" | tac) -o "$f" >"$tmp/merged.$f" 2>"$tmp/err"
    rc=$?
    [[ $rc == $(cat "$tmp/rc.$f") ]] || bad "merge of $n shards -o $f: exit code $rc: $(head -3 "$tmp/err")"
    cmp -s "$tmp/run.$f" "$tmp/merged.$f" && same=$((same + 1)) || bad "$n shards, -o $f: merged output differs"
  done
  ((same == ${#fs[@]})) && ok "$n shard(s) merge to the unsharded run byte for byte (${fs[*]})"
done
"$bin" merge "${parts[@]}" --out "$tmp/merged.out" && cmp -s "$tmp/run.text" "$tmp/merged.out" &&
  ok "merge --out writes the run's output" || bad "merge --out"

# One scenario: its report (with the claims comparison in text) and its openmetrics.
"$bin" run scenarios/peak.yaml -q -o openmetrics --start 2026-03-02T09:00:00Z >"$tmp/peak.om" || bad "run -o openmetrics"
"$bin" run scenarios/peak.yaml -q >"$tmp/peak.txt" || bad "run peak"
for i in 0 1; do "$bin" run scenarios/peak.yaml -q --shard $i/2 --out "$tmp/peak$i.json" || bad "peak --shard $i/2"; done
"$bin" merge "$tmp/peak0.json" "$tmp/peak1.json" -o openmetrics --start 2026-03-02T09:00:00Z |
  cmp -s - "$tmp/peak.om" && "$bin" merge "$tmp/peak1.json" "$tmp/peak0.json" | cmp -s - "$tmp/peak.txt" &&
  ok "one scenario in 2 shards (one empty) merges to its openmetrics and text" || bad "one scenario merge"
"$bin" merge "${parts[@]}" -o openmetrics >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "openmetrics takes one scenario" "$tmp/err" &&
  ok "merge -o openmetrics of several scenarios: usage error, as run" || bad "openmetrics several: $(cat "$tmp/err")"

# Mismatched shards are errors naming the shard.
"$bin" merge "$tmp/r3.0.json" "$tmp/r3.2.json" --out "$tmp/m.txt" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/3 missing" "$tmp/err" && [ ! -e "$tmp/m.txt" ] &&
  ok "a missing shard is an error naming it" || bad "missing shard: $(cat "$tmp/err")"
"$bin" merge "$tmp/r3.0.json" "$tmp/r3.1.json" "$tmp/r3.1.json" "$tmp/r3.2.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/3 ($tmp/r3.1.json) is given twice" "$tmp/err" &&
  ok "a duplicated shard is an error naming it" || bad "duplicated shard: $(cat "$tmp/err")"
"$bin" merge "$tmp/r3.0.json" "$tmp/r2.1.json" "$tmp/r3.2.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/2 ($tmp/r2.1.json) is one of 2 shards" "$tmp/err" &&
  ok "a shard of another N is an error naming it" || bad "other N: $(cat "$tmp/err")"
"$bin" run "${scen[@]}" --quiet --seed 7 --shard 1/3 --out "$tmp/other.json" || bad "--seed shard"
"$bin" merge "$tmp/r3.0.json" "$tmp/other.json" "$tmp/r3.2.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/3 ($tmp/other.json) is of other inputs than shard 0/3" "$tmp/err" &&
  grep -q -- "--seed=7" "$tmp/err" && ok "a shard of other flags (--seed) is rejected, named" ||
  bad "other flags: $(cat "$tmp/err")"
"$bin" run "${scen[@]:1}" --quiet --shard 1/3 --out "$tmp/fewer.json" || bad "fewer scenarios shard"
"$bin" merge "$tmp/r3.0.json" "$tmp/fewer.json" "$tmp/r3.2.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/3 ($tmp/fewer.json) is of other inputs than shard 0/3" "$tmp/err" &&
  ok "a shard of other scenarios is rejected, named" || bad "other scenarios: $(cat "$tmp/err")"
sed 's/"version":"[^"]*"/"version":"0.0.1"/' "$tmp/r3.2.json" >"$tmp/old.json"
"$bin" merge "$tmp/r3.0.json" "$tmp/r3.1.json" "$tmp/old.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 2/3 ($tmp/old.json) was written by simcluster 0.0.1" "$tmp/err" &&
  ok "a shard of another version is rejected, named" || bad "other version: $(cat "$tmp/err")"
"$bin" plan scenarios/plan.yaml --quiet --shapes 2cpu-4gi --max-nodes 20 --shard 1/3 --out "$tmp/plan1.json" ||
  bad "plan --shard"
"$bin" merge "$tmp/r3.0.json" "$tmp/plan1.json" "$tmp/r3.2.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/3 ($tmp/plan1.json) is a partial of 'simcluster plan', shard 0/3 ($tmp/r3.0.json) of 'simcluster run'" "$tmp/err" &&
  ok "a plan's partial among a run's is rejected, named" || bad "plan among run: $(cat "$tmp/err")"
"$bin" merge "$tmp/plan1.json" --start 2026-01-01T00:00:00Z >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "start applies to the partials of 'simcluster run'" "$tmp/err" &&
  ok "merge --start of a plan's partials: usage error" || bad "plan --start: $(cat "$tmp/err")"

# The same paths with other bytes: shards ran on one copy, merge sees an edited manifest.
mkdir "$tmp/w" && cp -r scenarios "$tmp/w/" && root=$PWD
(
  cd "$tmp/w" || exit 1
  for i in 0 1; do
    "$bin" run scenarios/peak.yaml scenarios/high.yaml --quiet --shard $i/2 --out p$i.json || exit 1
  done
  "$bin" merge p0.json p1.json >ok.txt || exit 1
  echo "# edited" >>scenarios/my-saas-chat/$(ls scenarios/my-saas-chat | head -1)
  "$bin" merge p0.json p1.json >/dev/null 2>err
  [ $? -eq 1 ] && grep -q "inputs here differ from those shard 0/2 (p0.json) ran with" err
) && ok "changed input bytes under the same paths are rejected" || bad "changed bytes: $(cat "$tmp/w/err" 2>/dev/null)"
cd "$root" || exit 1

"$bin" run scenarios/peak.yaml --shard 2/2 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "not I/N" "$tmp/err" && ok "--shard 2/2: usage error" || bad "--shard 2/2"
"$bin" run scenarios/peak.yaml --shard 0/2 -o json >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "give -o to 'simcluster merge'" "$tmp/err" && ok "--shard with -o: usage error" || bad "--shard -o"
"$bin" run - --shard 0/2 </dev/null >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "not stdin" "$tmp/err" && ok "--shard with stdin: usage error" || bad "--shard stdin"
exit $fail
