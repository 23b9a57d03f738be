#!/usr/bin/env bash
# Renders scenarios/peak.yaml as an HTML report and checks it in headless
# Chromium: the DOM Chromium builds must hold the charts (inline SVG with
# polylines), the summary tables and no error text, Chromium must not have
# refused to load anything (the page loads nothing), and a screenshot is taken.
#
#   scripts/check_html.sh [SIMCLUSTER_BINARY] [OUT_DIR]
#
# SIMCLUSTER_BINARY defaults to the first of build*/simcluster found; OUT_DIR
# (default: a new temporary directory) receives peak.html, dom.html, peak.png
# and chromium.log. Installs Chromium with apt-get when it is missing and this
# runs as root. Exit 0: all checks passed; 1: a check failed; 77: Chromium is
# not available (skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-}
if [[ -z "$bin" ]]; then
  for c in build/simcluster build-*/simcluster; do
    if [[ -x "$c" ]]; then bin=$c; break; fi
  done
fi
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "check_html: no simcluster binary found; pass its path as the first argument" >&2
  exit 2
fi
out=${2:-$(mktemp -d)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

find_chromium() {
  for c in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  return 1
}
chrome=$(find_chromium || true)
if [[ -z "$chrome" && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "check_html: installing chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || true
  chrome=$(find_chromium || true)
fi
if [[ -z "$chrome" ]]; then
  echo "check_html: SKIP: chromium is not installed" >&2
  exit 77
fi

fail=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then
    echo "ok    $what"
  else
    echo "FAIL  $what" >&2
    fail=1
  fi
}
count() { grep -o -- "$1" "$2" | wc -l; }

"$bin" run scenarios/peak.yaml -o html --out "$out/peak.html" --quiet

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$profile")
url="file://$out/peak.html"

timeout 180 "$chrome" "${flags[@]}" --dump-dom "$url" >"$out/dom.html" 2>"$out/chromium.log"
timeout 180 "$chrome" "${flags[@]}" --hide-scrollbars --window-size=1280,6000 \
  --screenshot="$out/peak.png" "$url" >>"$out/chromium.log" 2>&1

dom="$out/dom.html"
check "Chromium produced a DOM" test -s "$dom"
check "the DOM has at least 6 SVG charts" test "$(count '<svg' "$dom")" -ge 6
check "every chart is closed" test "$(count '<svg' "$dom")" -eq "$(count '</svg>' "$dom")"
check "the charts have lines" test "$(count '<polyline' "$dom")" -ge 6
for caption in "Users" "Replicas per workload" "Utilization vs target" "Ready nodes" \
               "Pending pods" "Latency per service"; do
  check "chart '$caption' is present" grep -q "<figcaption>$caption" "$dom"
done
for heading in "Workloads" "Autoscaling (HPA)" "Pending pods" "Nodes" "Requests and limits"; do
  check "table '$heading' is present" grep -q ">$heading</h2>" "$dom"
done
check "no coordinate is NaN or infinite" bash -c "! grep -Eq 'points=\"[^\"]*(nan|inf)' '$dom'"
check "no script in the page" bash -c "! grep -qi '<script' '$dom'"
check "no error text in the page" bash -c "! grep -Eqi 'internal error|undefined|\\bNaN\\b' '$dom'"
check "Chromium loaded nothing (no CSP refusal)" bash -c "! grep -qi 'Refused to' '$out/chromium.log'"
check "the screenshot is a PNG" bash -c "head -c 8 '$out/peak.png' | od -An -tx1 | tr -d ' \n' | grep -q '^89504e470d0a1a0a$'"
check "the screenshot is not blank (> 20 KB)" test "$(stat -c %s "$out/peak.png")" -gt 20000

echo "check_html: report $out/peak.html, DOM $dom, screenshot $out/peak.png"
exit $fail
