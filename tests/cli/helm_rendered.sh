#!/usr/bin/env bash
# A rendered Helm chart (tests/cli/fixtures/helm: `helm template` output with `---`
# separators, `# Source:` comments and an empty document; and the same objects as one
# `kind: List`) loads cleanly through stdin, as README.md shows: exit 0, no errors, the
# ServiceAccount skipped with one line, and both forms give the same inventory.
# Usage: helm_rendered.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"
fixtures=tests/cli/fixtures/helm

inventory() { "$bin" validate -f - | sed -E 's/<stdin>:[0-9]+:[0-9]+//'; }
docs=$(inventory <"$fixtures/rendered.yaml")
rc=$?
if [[ $rc == 0 && "$docs" == *"Loaded 3 objects from 1 file (1 skipped)."* &&
      "$docs" == *"default     Deployment   chat   2          2-10   cpu 70%   250m"* &&
      "$docs" == *"0 errors, 0 warnings"* &&
      $(grep -c 'ServiceAccount (v1)   chat   kind not modelled' <<<"$docs") == 1 ]]; then
  ok "helm template output (---, # Source:, an empty document) loads cleanly from stdin"
else
  bad "helm template output (rc $rc):"$'\n'"$docs"
fi
list=$(inventory <"$fixtures/rendered-list.yaml")
rc=$?
if [[ $rc == 0 && "$list" == "$docs" ]]; then
  ok "the same chart as one kind: List gives the same inventory"
else
  bad "kind: List form (rc $rc):"$'\n'"$list"
fi
exit $fail
