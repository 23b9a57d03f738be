#!/usr/bin/env bash
# simcluster validate and simcluster run apply the same API-server checks to
# the same manifests: what validate reports as an error, run refuses with the
# same file:line:col and text; a duplicate object is counted once by both.
# Usage: validate_run_parity.sh SIMCLUSTER_BINARY   (from the repository root)
set -uo pipefail
bin=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

deployment() {  # NAME REPLICAS CPU_REQUEST CPU_LIMIT
  cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: shop}
spec:
  replicas: $2
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      containers:
        - name: app
          image: app:1
          resources:
            requests: {cpu: $3, memory: 64Mi}
            limits: {cpu: $4, memory: 128Mi}
EOF
}

hpa() {  # MIN_REPLICAS UTILIZATION
  cat <<EOF
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: $1
  maxReplicas: 5
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: $2}}}]
EOF
}

scenario() {  # DIR [EXTRA]
  printf 'name: parity\nmanifests: [app]\nduration: 2m\ncluster:\n  nodePools:\n    - {name: pool, count: 2, preset: 4cpu-8gi}\n%s' \
    "${2:-}" >"$1/scenario.yaml"
}

# check_case NAME EXPECTED_REGEX [SCENARIO_KEYS [VALIDATE_FLAGS...]]: manifests
# in $tmp/NAME/app; validate must exit 1 with an error line matching the regex,
# and run must exit 1 with the same "file:line:col: message" as validate's
# first error.
check_case() {
  local name=$1 pattern=$2 dir=$tmp/$1
  scenario "$dir" "${3:-}"
  shift 3 2>/dev/null || shift $#
  (cd "$dir" && "$bin" validate "$@" app >"$dir/validate.out" 2>&1)
  local vcode=$?
  (cd "$dir" && "$bin" run --quiet scenario.yaml >"$dir/run.out" 2>&1)
  local rcode=$?
  if [[ $vcode -ne 1 || $rcode -ne 1 ]]; then
    echo "FAIL $name: validate exit $vcode, run exit $rcode, expected 1 and 1" >&2
    sed 's/^/  | /' "$dir/validate.out" "$dir/run.out" | head -30 >&2
    fail=1
    return
  fi
  # validate: "error  app/x.yaml:L:C  Object: message"; run: "app/x.yaml:L:C: Object: message".
  local from_validate from_run
  from_validate=$(grep -E '^error ' "$dir/validate.out" | head -1 | sed -E 's/^error +([^ ]+) +/\1: /')
  from_run=$(head -1 "$dir/run.out")
  if [[ "$from_validate" != "$from_run" ]]; then
    echo "FAIL $name: validate and run disagree" >&2
    echo "  validate: $from_validate" >&2
    echo "  run:      $from_run" >&2
    fail=1
    return
  fi
  if ! grep -Eq -- "$pattern" <<<"$from_run"; then
    echo "FAIL $name: '$from_run' lacks /$pattern/" >&2
    fail=1
    return
  fi
  echo "ok   $name: $from_run"
}

mkdir -p "$tmp"/{negative,overlimit,utilization,zero,duplicate,gate}/app

deployment web 2 -5m 100m >"$tmp/negative/app/web.yaml"
check_case negative 'app/web.yaml:[0-9]+:[0-9]+: Deployment shop/web: spec.template.spec.containers\[0\].resources.requests\[cpu\]: Invalid value: "-5m": must be greater than or equal to 0'

deployment web 2 500m 25m >"$tmp/overlimit/app/web.yaml"
check_case overlimit 'requests: Invalid value: "500m": must be less than or equal to cpu limit of 25m'

{ deployment web 2 100m 200m; hpa 1 -5; } >"$tmp/utilization/app/web.yaml"
check_case utilization 'HorizontalPodAutoscaler shop/web: spec.metrics\[0\].resource.target.averageUtilization: Invalid value: -5: must be greater than 0'

{ deployment web 2 100m 200m; hpa 0 50; } >"$tmp/zero/app/web.yaml"
check_case zero 'spec.minReplicas: Invalid value: 0: .*HPAScaleToZero feature gate'

# With the gate on (scenario key for run, flag for validate), minReplicas 0
# still needs an Object or External metric.
{ deployment web 2 100m 200m; hpa 0 50; } >"$tmp/gate/app/web.yaml"
check_case gate 'app/web.yaml:[0-9]+:[0-9]+: HorizontalPodAutoscaler shop/web: spec.metrics: Forbidden: must specify at least one Object or External metric' \
  $'featureGates: {HPAScaleToZero: true}\n' --feature-gates HPAScaleToZero=true

# The same Deployment in two files: one object (the later), one warning naming
# both places, and the same pod count in both commands.
deployment web 5 100m 200m >"$tmp/duplicate/app/a.yaml"
deployment web 6 100m 200m >"$tmp/duplicate/app/b.yaml"
deployment api 6 100m 200m >"$tmp/duplicate/app/c.yaml"
scenario "$tmp/duplicate"
(cd "$tmp/duplicate" && "$bin" validate -o json app >"$tmp/duplicate/validate.json" 2>&1)
vcode=$?
(cd "$tmp/duplicate" && "$bin" run --quiet -o json scenario.yaml >"$tmp/duplicate/run.json" 2>&1)
rcode=$?
if [[ $vcode -ne 0 || $rcode -ne 0 ]]; then
  echo "FAIL duplicate: validate exit $vcode, run exit $rcode, expected 0 and 0" >&2
  head -20 "$tmp/duplicate/validate.json" "$tmp/duplicate/run.json" | sed 's/^/  | /' >&2
  fail=1
else
  python3 - "$tmp/duplicate/validate.json" "$tmp/duplicate/run.json" <<'EOF' || fail=1
import json, sys
v = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
errors = []
rows = [w for w in r["workloads"] if w["name"] == "web"]
if len(rows) != 1:
    errors.append(f"run lists Deployment web {len(rows)} times")
elif rows[0]["replicas"]["start"] != 6:
    errors.append(f"run starts web at {rows[0]['replicas']['start']} replicas, not the later 6")
if v["totals"]["initial"]["pods"] != 12:
    errors.append(f"validate counts {v['totals']['initial']['pods']} pods, not 12")
dups = [p for p in v["problems"] if p["code"] == "duplicate"]
if (len(dups) != 1 or "a.yaml:1:1" not in dups[0]["message"]
        or not dups[0]["location"]["file"].endswith("b.yaml")):
    errors.append(f"validate's duplicate warning: {dups}")
rdups = [w for w in r["warnings"] if w["code"] == "DuplicateObject"]
if len(rdups) != 1 or "a.yaml:1:1" not in rdups[0]["message"] or "b.yaml:1:1" not in rdups[0]["message"]:
    errors.append(f"run's duplicate warning: {rdups}")
for e in errors:
    print("FAIL duplicate:", e, file=sys.stderr)
if not errors:
    print("ok   duplicate: one Deployment web (6 replicas), 12 pods, one warning in each command")
sys.exit(1 if errors else 0)
EOF
fi

exit $fail
