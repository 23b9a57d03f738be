#!/usr/bin/env bash
# Impossible workloads are refused before anything is allocated, within
# seconds, with file:line:col and what to do (issue 11: `replicas: 1000000000`
# used to allocate without end). Every command runs under `timeout`, so a
# regression fails here instead of hanging the suite.
# Usage: run_guard.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"
bin=$(realpath "$bin")

workload() {  # KIND REPLICAS
  cat <<YAML
apiVersion: apps/v1
kind: $1
metadata: {name: web, namespace: shop}
spec:
  replicas: $2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: app:1
          resources:
            requests: {cpu: 10m, memory: 16Mi}
YAML
}
hpa() {  # MIN MAX
  cat <<YAML
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: $1
  maxReplicas: $2
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
YAML
}
mkdir -p "$tmp/app"
# 2 nodes x 110 pods: the cluster holds 220 pods.
printf 'name: guard\nmanifests: [app]\nduration: 2m\ncluster:\n  nodePools:\n    - {name: pool, count: 2, preset: 4cpu-8gi}\n' \
  >"$tmp/s.yaml"

# refused NAME WANT [COMMAND...]: exit 1 within 10 s, stderr holds WANT and
# (but for a bad --set value, which names its allowed range) a hint of what to do.
refused() {
  local name=$1 want=$2
  shift 2
  local start=$SECONDS
  (cd "$tmp" && timeout 10 "$bin" "${@:-run}" >"$tmp/out" 2>"$tmp/err")
  local code=$? took=$((SECONDS - start))
  if [[ $code -eq 1 ]] && grep -qF -- "$want" "$tmp/err" && { [[ $want == *"must be between"* ]] || grep -q '^  hint: ' "$tmp/err"; }; then
    ok "$name: refused in ${took}s"
  else
    bad "$name: exit $code after ${took}s (124: timed out): $(head -3 "$tmp/err")"
  fi
}

workload Deployment 1000000000 >"$tmp/app/web.yaml"
refused "replicas 1e9" "app/web.yaml:5:13: Deployment \"web\": spec.replicas: 1000000000 pods are more than simcluster simulates: a run holds at most 150000 pods" run --quiet s.yaml
refused "replicas 1e9, validate" "spec.replicas: 1000000000 pods are more than simcluster simulates" validate app
workload Deployment 100000 >"$tmp/app/web.yaml"
refused "Deployment replicas 1e5 on 220 pods" "app/web.yaml:1:1: Deployment shop/web cannot fit the cluster: spec.replicas 100000 but its nodes hold at most 220 pods" run --quiet s.yaml
workload StatefulSet 100000 >"$tmp/app/web.yaml"
refused "StatefulSet replicas 1e5 on 220 pods" "app/web.yaml:1:1: StatefulSet shop/web cannot fit the cluster" run --quiet s.yaml
{ workload Deployment 3; hpa 1 1000000000; } >"$tmp/app/web.yaml"
refused "HPA maxReplicas 1e9" "spec.maxReplicas: 1000000000 pods are more than simcluster simulates" run --quiet s.yaml
# The HPA scales to minReplicas at its first sync: 100,000 pods for 220 places.
{ workload Deployment 3; hpa 100000 100000; } >"$tmp/app/web.yaml"
refused "HPA minReplicas 1e5 on 220 pods" "app/web.yaml:16:1: Deployment shop/web cannot fit the cluster: its HorizontalPodAutoscaler's minReplicas 100000" run --quiet s.yaml
# --set reaches the same checks: a pool of 1e9 nodes, or of 0.
workload Deployment 100 >"$tmp/app/web.yaml"
refused "--set count=1e9" "cluster.nodePools[0].count must be between 0 and 10000" run --quiet s.yaml --set 'cluster.nodePools[0].count=1000000000'
refused "--set count=0" "cannot fit the cluster: spec.replicas 100 but its nodes hold at most 0 pods" run --quiet s.yaml --set 'cluster.nodePools[0].count=0'
# 30 pools of 10,000 nodes each (300,000 nodes took 4.5 s and 1.3 GB): refused at the pool that crosses the cap.
{ printf 'name: many\nmanifests: [app]\nduration: 2m\ncluster:\n  nodePools:\n'
  for i in $(seq 1 30); do echo "    - {name: p$i, count: 10000, preset: 4cpu-8gi}"; done; } >"$tmp/many.yaml"
refused "30 pools of 10,000 nodes" "many.yaml:7:25: cluster.nodePools[1].count: the pools start with 20000 nodes with this one, more than a run holds (10000 nodes at the start" run --quiet many.yaml

# Several scenarios: the impossible one is refused before any is simulated.
workload Deployment 100000 >"$tmp/app/web.yaml"
refused "one impossible scenario among several" "cannot fit the cluster" run --quiet "$(pwd)/scenarios/peak.yaml" s.yaml

# An HPA maxReplicas above what the nodes hold is simulated (the run shows the
# Pending pods if the load drives it there), with a warning before the run.
{ workload Deployment 3; hpa 1 100000; } >"$tmp/app/web.yaml"
if (cd "$tmp" && timeout 20 "$bin" run --quiet s.yaml >"$tmp/out" 2>"$tmp/err") &&
   grep -qF "app/web.yaml:16:1: warning: Deployment shop/web's HorizontalPodAutoscaler may scale it to maxReplicas 100000 but the nodes of s.yaml hold at most 220 pods: driven there, the run holds 99780 or more pods Pending" "$tmp/err"; then
  ok "HPA maxReplicas 1e5 on 220 pods: runs, warned before"
else
  bad "HPA maxReplicas 1e5 on 220 pods: $(head -3 "$tmp/err")"
fi

# What fits still runs (and fast).
{ workload Deployment 3; hpa 200 220; } >"$tmp/app/web.yaml"
if (cd "$tmp" && timeout 20 "$bin" run --quiet s.yaml >"$tmp/out" 2>"$tmp/err"); then
  ok "HPA minReplicas 200 on 220 pods runs"
else
  bad "HPA minReplicas 200 on 220 pods: $(head -3 "$tmp/err")"
fi
exit $fail
