#!/usr/bin/env bash
# simcluster run -j N: several scenarios simulated on N threads give the same
# output byte for byte for every N (text and json); the error reported is the
# first in input order whatever finishes first; a bad -j is a usage error. The
# progress line (run and plan) appears only when stderr is a terminal (checked
# under script(1), which gives the command a pseudo-terminal) and never
# reaches a captured stderr.
# Usage: run_jobs.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"

scenarios=(scenarios/baseline.yaml scenarios/high.yaml scenarios/peak.yaml scenarios/node-failure.yaml
  scenarios/day-karpenter.yaml)
short=(--duration 30m)

for fmt in text json; do
  for j in 1 2 3; do
    timeout 120 "$bin" run "${scenarios[@]}" "${short[@]}" -o $fmt -j $j >"$tmp/$fmt.$j" 2>"$tmp/err.$fmt.$j" ||
      bad "-o $fmt -j $j failed: $(head -3 "$tmp/err.$fmt.$j")"
    [[ -s "$tmp/err.$fmt.$j" ]] && bad "-o $fmt -j $j wrote to a captured stderr: $(head -2 "$tmp/err.$fmt.$j")"
  done
  [[ -s "$tmp/$fmt.1" ]] || bad "-o $fmt: empty output"
  if cmp -s "$tmp/$fmt.1" "$tmp/$fmt.2" && cmp -s "$tmp/$fmt.1" "$tmp/$fmt.3"; then
    ok "-o $fmt: -j1, -j2 and -j3 give the same bytes for ${#scenarios[@]} scenarios"
  else
    bad "-o $fmt: outputs differ between -j1, -j2, -j3"
  fi
done
# The long form, and more threads than scenarios.
"$bin" run "${scenarios[@]:0:3}" "${short[@]}" -o json --jobs=8 >"$tmp/j8" 2>/dev/null
"$bin" run "${scenarios[@]:0:3}" "${short[@]}" -o json >"$tmp/j0" 2>/dev/null
cmp -s "$tmp/j8" "$tmp/j0" && [[ -s "$tmp/j8" ]] && ok "--jobs=8 for 3 scenarios: same as without -j" ||
  bad "--jobs=8 differs from the default"

# Two scenarios that cannot run: the first in input order is reported, for every N.
mkdir -p "$tmp/bad/app"
cat >"$tmp/bad/app/web.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 500
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: app:1}]}
YAML
for n in 1 2; do
  printf 'name: bad%s\nmanifests: [app]\nduration: 30m\ncluster:\n  nodePools:\n    - {name: pool, count: %s, preset: 4cpu-8gi}\n' \
    $n $n >"$tmp/bad/bad$n.yaml"
done
for j in 1 2 4; do
  "$bin" run -q scenarios/peak.yaml "$tmp/bad/bad2.yaml" scenarios/high.yaml "$tmp/bad/bad1.yaml" -j $j \
    >/dev/null 2>"$tmp/err"
  code=$?
  if [[ $code -eq 1 ]] && grep -q 'nodes hold at most 220 pods' "$tmp/err" && ! grep -q 'at most 110' "$tmp/err"; then
    ok "-j $j: the first failing scenario in input order is reported"
  else
    bad "-j $j: exit $code: $(head -2 "$tmp/err")"
  fi
done

# Usage errors.
for v in 0 65 x -1; do
  "$bin" run scenarios/peak.yaml -j "$v" >/dev/null 2>"$tmp/err"
  code=$?
  [[ $code -eq 2 ]] && grep -qF -- "-j '$v' is not a count from 1 to 64" "$tmp/err" && ok "-j $v: usage error" ||
    bad "-j $v: exit $code: $(head -2 "$tmp/err")"
done

# Progress: on a terminal only, and not with -q.
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
  abs=$(realpath "$bin")
  on_tty() {  # TRANSCRIPT ARGS...: run simcluster on a pseudo-terminal
    local ts=$1
    shift
    script -qfec "$(printf '%q ' "$abs" "$@")" "$ts" >/dev/null 2>&1
  }
  on_tty "$tmp/ts.run" run "${scenarios[@]:0:3}" "${short[@]}" -j 2 --out "$tmp/tty.txt"
  if grep -q 'simulating: 3/3 simulations done, 100%' "$tmp/ts.run" &&
     grep -q 'simulating: 0/3 simulations done' "$tmp/ts.run"; then
    ok "run on a terminal: simulations done / total"
  else
    bad "run on a terminal: no progress line: $(tr '\r' '\n' <"$tmp/ts.run" | head -5)"
  fi
  "$bin" run "${scenarios[@]:0:3}" "${short[@]}" >"$tmp/notty.txt" 2>/dev/null
  cmp -s "$tmp/tty.txt" "$tmp/notty.txt" && ok "progress does not change the report" || bad "report differs on a terminal"
  on_tty "$tmp/ts.quiet" run "${scenarios[@]:0:3}" "${short[@]}" -q --out "$tmp/q.txt"
  ! grep -q 'simulating' "$tmp/ts.quiet" && ok "run -q on a terminal: no progress" || bad "run -q printed progress"
  on_tty "$tmp/ts.plan" plan scenarios/plan.yaml --shapes 2cpu-4gi,m5.large --require slo -j 2 --out "$tmp/plan.txt"
  if grep -qE 'planning: ([0-9]+)/\1 candidate searches done, 100%' "$tmp/ts.plan"; then
    ok "plan on a terminal: candidate searches done / total"
  else
    bad "plan on a terminal: no progress line: $(tr '\r' '\n' <"$tmp/ts.plan" | head -5)"
  fi
  "$bin" plan scenarios/plan.yaml --shapes 2cpu-4gi,m5.large --require slo >"$tmp/plan2.txt" 2>"$tmp/err"
  [[ ! -s "$tmp/err" ]] && ok "plan: nothing on a captured stderr" || bad "plan wrote to stderr: $(head -2 "$tmp/err")"
  cmp -s "$tmp/plan.txt" "$tmp/plan2.txt" && ok "plan -j 2 on a terminal = plan -j 1" || bad "plan output differs"
else
  echo "skip progress checks: script(1) cannot give a pseudo-terminal here"
fi
exit $fail
