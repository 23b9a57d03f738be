#!/usr/bin/env bash
# kubectl as a real component: `kubectl kustomize` of a base with an overlay (namespace,
# namePrefix, replicas, a JSON patch) and `kubectl create deployment/service --dry-run=client
# -o yaml` (with its `creationTimestamp: null`, `strategy: {}`, `resources: {}` and
# `status: {}`), piped into `simcluster validate -f -`, give the inventory the hand-written
# equivalents give (problem locations aside: the line numbers differ), with exit code 0.
# Skipped (exit 77, which ctest reports as skipped) when kubectl is absent.
# Usage: kubectl_inputs.sh SIMCLUSTER_BINARY   (from the repository root)
if ! command -v kubectl >/dev/null 2>&1; then
  echo "SKIP: kubectl is not installed (apt-get install kubernetes-client, or bash scripts/bootstrap.sh --test)"
  exit 77
fi
source "$(dirname "$0")/common.bash"
fixtures=tests/cli/fixtures

# The inventory of stdin, problem locations removed.
inventory() { "$bin" validate -f - | sed -E 's/<stdin>:[0-9]+:[0-9]+//'; }

if ! kubectl kustomize "$fixtures/kustomize/overlays/prod" >"$tmp/kustomized.yaml" 2>"$tmp/err"; then
  bad "kubectl kustomize failed: $(cat "$tmp/err")"
fi
got=$(inventory <"$tmp/kustomized.yaml")
rc=$?
want=$(inventory <"$fixtures/kustomize/expected.yaml")
if [[ $rc == 0 && "$got" == "$want" && "$got" == *"prod        Deployment   prod-api   6 "* ]]; then
  ok "kubectl kustomize of base + overlay gives the hand-written inventory"
else
  bad "kubectl kustomize (rc $rc):"$'\n'"$got"$'\n'"--- want:"$'\n'"$want"
fi

{
  kubectl create deployment web --image=nginx:1.25 --replicas=3 --port=8080 --dry-run=client -o yaml
  echo ---
  kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o yaml
} >"$tmp/created.yaml" 2>"$tmp/err" || bad "kubectl create --dry-run=client failed: $(cat "$tmp/err")"
grep -q 'creationTimestamp: null' "$tmp/created.yaml" && grep -q '^status: {}' "$tmp/created.yaml" ||
  bad "kubectl create no longer prints creationTimestamp: null and status: {}"
cat >"$tmp/hand.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: 80-8080, port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.25", ports: [{containerPort: 8080}]}]
YAML
got=$(inventory <"$tmp/created.yaml")
rc=$?
want=$(inventory <"$tmp/hand.yaml")
if [[ $rc == 0 && "$got" == "$want" && "$got" == *"default     Deployment   web    3 "* &&
      "$got" == *"0 errors"* ]]; then
  ok "kubectl create --dry-run=client -o yaml gives the hand-written inventory"
else
  bad "kubectl create (rc $rc):"$'\n'"$got"$'\n'"--- want:"$'\n'"$want"
fi
exit $fail
