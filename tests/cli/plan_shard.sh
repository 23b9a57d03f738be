#!/usr/bin/env bash
# plan --shard I/N and merge (docs/sweeps.md): the plan of scenarios/plan.yaml
# (3 levels x 8 shapes = 24 searches, 188 simulations) cut into N = 1, 2, 3
# and 5 shards merges to the unsharded plan byte for byte in every -o format;
# a shard of other inputs (flags, bytes, version), a missing and a duplicated
# shard are errors naming the shard; deploy/sweep-job.yaml loads in validate
# as an Indexed Job.
# Usage: plan_shard.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")  # the test changes directory below
formats=(text wide json yaml csv html)
for f in "${formats[@]}"; do
  "$bin" plan scenarios/plan.yaml --quiet -o "$f" >"$tmp/plan.$f" || bad "plan -o $f failed"
done
python3 -c "import json,sys; p=json.load(open(sys.argv[1])); assert p['simulations'] >= 12, p['simulations']" \
  "$tmp/plan.json" && ok "the sweep has at least 12 simulations" || bad "sweep too small"
for n in 1 2 3 5; do
  parts=()
  for ((i = 0; i < n; i++)); do
    "$bin" plan scenarios/plan.yaml --quiet --shard "$i/$n" --out "$tmp/p$n.$i.json" 2>"$tmp/err" ||
      bad "plan --shard $i/$n failed: $(head -3 "$tmp/err")"
    parts+=("$tmp/p$n.$i.json")
  done
  same=0
  for f in "${formats[@]}"; do
    # Shards in reverse order: merge does not depend on the order given.
    "$bin" merge $(printf '%s\n' "${parts[@]}" | tac) -o "$f" >"$tmp/merged.$f" 2>"$tmp/err" ||
      bad "merge of $n shards -o $f failed: $(head -3 "$tmp/err")"
    cmp -s "$tmp/plan.$f" "$tmp/merged.$f" && same=$((same + 1)) || bad "$n shards, -o $f: merged plan differs"
  done
  ((same == ${#formats[@]})) && ok "$n shard(s) merge to the unsharded plan byte for byte (${formats[*]})"
done
"$bin" merge "$tmp/p3.0.json" "$tmp/p3.2.json" --out "$tmp/m.txt" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/3 missing" "$tmp/err" && [ ! -e "$tmp/m.txt" ] &&
  ok "a missing shard is an error naming it" || bad "missing shard: $(cat "$tmp/err")"
"$bin" merge "$tmp/p3.0.json" "$tmp/p3.1.json" "$tmp/p3.1.json" "$tmp/p3.2.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/3 ($tmp/p3.1.json) is given twice" "$tmp/err" &&
  ok "a duplicated shard is an error naming it" || bad "duplicated shard: $(cat "$tmp/err")"
"$bin" merge "$tmp/p3.0.json" "$tmp/p2.1.json" "$tmp/p3.2.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/2 ($tmp/p2.1.json) is one of 2 shards" "$tmp/err" &&
  ok "a shard of another N is an error naming it" || bad "other N: $(cat "$tmp/err")"
"$bin" plan scenarios/plan.yaml --quiet --set plan.maxNodes=30 --shard 1/3 --out "$tmp/other.json" || bad "--set shard"
"$bin" merge "$tmp/p3.0.json" "$tmp/other.json" "$tmp/p3.2.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 1/3 ($tmp/other.json) is of other inputs than shard 0/3" "$tmp/err" &&
  ok "a shard of other flags (--set) is rejected, named" || bad "other input: $(cat "$tmp/err")"
sed 's/"version": "[^"]*"/"version": "0.0.1"/' "$tmp/p3.2.json" >"$tmp/old.json"
"$bin" merge "$tmp/p3.0.json" "$tmp/p3.1.json" "$tmp/old.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "shard 2/3 ($tmp/old.json) was written by simcluster 0.0.1" "$tmp/err" &&
  ok "a shard of another version is rejected, named" || bad "other version: $(cat "$tmp/err")"
echo '{"kind": "Plan"}' >"$tmp/junk.json"
"$bin" merge "$tmp/junk.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "junk.json:.*not a simcluster partial" "$tmp/err" && ok "not a partial: input error" ||
  bad "junk partial: $(cat "$tmp/err")"

# The same paths with other bytes: shards ran on one copy, merge sees an edited manifest.
mkdir "$tmp/w" && cp -r scenarios "$tmp/w/" && root=$PWD
(
  cd "$tmp/w" || exit 1
  for i in 0 1; do
    "$bin" plan scenarios/plan.yaml --quiet --shapes 2cpu-4gi --shard $i/2 --out p$i.json || exit 1
  done
  "$bin" merge p0.json p1.json >ok.txt || exit 1
  echo "# edited" >>scenarios/my-saas-chat/$(ls scenarios/my-saas-chat | head -1)
  "$bin" merge p0.json p1.json >/dev/null 2>err
  [ $? -eq 1 ] && grep -q "inputs here differ from those shard 0/2 (p0.json) ran with" err
) && ok "changed input bytes under the same paths are rejected" || bad "changed bytes: $(cat "$tmp/w/err" 2>/dev/null)"
cd "$root" || exit 1

"$bin" plan scenarios/plan.yaml --shard 3/3 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "not I/N" "$tmp/err" && ok "--shard 3/3: usage error" || bad "--shard 3/3"
"$bin" plan scenarios/plan.yaml --shard 0/2 -o json >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "give -o to 'simcluster merge'" "$tmp/err" && ok "--shard with -o: usage error" || bad "--shard -o"

# The Indexed Job that runs the sweep loads cleanly.
"$bin" validate deploy/sweep-job.yaml -o json >"$tmp/job.json" 2>"$tmp/err" || bad "validate deploy/sweep-job.yaml: $(head -5 "$tmp/err")"
python3 - "$tmp/job.json" <<'PY' && ok "deploy/sweep-job.yaml: a Job (completionMode Indexed) loads with no problem" ||
import json, sys
v = json.load(open(sys.argv[1]))
assert v["object_counts"] == {"Job": 1}, v["object_counts"]
assert v["skipped"] == [] and v["problems"] == [], (v["skipped"], v["problems"])
assert v["summary"] == {"errors": 0, "warnings": 0, "infos": 0}, v["summary"]
assert v["workloads"][0]["replicas"] == 4
PY
  bad "sweep-job.yaml: $(head -c 800 "$tmp/job.json")"
grep -q "completionMode: Indexed" deploy/sweep-job.yaml && grep -q 'JOB_COMPLETION_INDEX' deploy/sweep-job.yaml &&
  ok "the Job takes its shard from JOB_COMPLETION_INDEX" || bad "sweep-job.yaml: no Indexed mode or index"
exit $fail
