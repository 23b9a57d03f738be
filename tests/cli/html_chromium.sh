#!/usr/bin/env bash
# The HTML report of scenarios/peak.yaml in headless Chromium (scripts/check_html.sh).
# Skipped (exit 77, which ctest reports as skipped) when Chromium is not installed: the suite must not
# depend on it, and this never installs it.
# Usage: html_chromium.sh SIMCLUSTER_BINARY   (from the repository root)
set -uo pipefail
for c in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$c" >/dev/null 2>&1; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    bash scripts/check_html.sh "$1" "$out"
    exit $?
  fi
done
echo "SKIP: chromium is not installed (apt-get install chromium, or scripts/check_html.sh, installs it)"
exit 77
