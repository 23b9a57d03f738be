#!/usr/bin/env bash
# simcluster run: formats, --out written atomically and never over an input,
# the same seed giving the same bytes, a scenario from stdin.
# Usage: run_output.sh SIMCLUSTER_BINARY   (from the repository root)
set -uo pipefail
bin=$1
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1" >&2; fail=1; }
run() { "$bin" run "$@" 2>"$tmp/err"; }

sc=scenarios/baseline.yaml
short=(--duration 10m --quiet)

# Formats.
run $sc "${short[@]}" >"$tmp/a.txt" && grep -q "^WORKLOADS" "$tmp/a.txt" && ok "text report" || bad "text report"
run $sc "${short[@]}" -o wide >"$tmp/w.txt" && grep -q "LIMITS/POD" "$tmp/w.txt" && ok "wide report" || bad "wide report"
run $sc "${short[@]}" -o json >"$tmp/a.json" && grep -q '^  "version": 1,$' "$tmp/a.json" && ok "json report" || bad "json report"
if command -v python3 >/dev/null; then
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['kind']=='SimulationReport' and d['complete'] and d['duration_ms']==600000" "$tmp/a.json" \
    && ok "json parses, complete, duration overridden" || bad "json parses"
fi
run $sc "${short[@]}" -ojson >"$tmp/b.json" && cmp -s "$tmp/a.json" "$tmp/b.json" && ok "-ojson is -o json" || bad "-ojson"
run $sc "${short[@]}" --output=yaml >"$tmp/a.yaml" && grep -q '^kind: "SimulationReport"$' "$tmp/a.yaml" && ok "yaml report" || bad "yaml report"
run $sc "${short[@]}" -o csv >"$tmp/a.csv" && head -1 "$tmp/a.csv" | grep -q "^t_s,users," && ok "csv report" || bad "csv report"
[[ $(wc -l <"$tmp/a.csv") -eq 12 ]] && ok "csv has a row per sample (10m at 1m, with t=0 and t=10m)" || bad "csv rows: $(wc -l <"$tmp/a.csv")"
run $sc "${short[@]}" -o html >"$tmp/a.html" && grep -q "<svg" "$tmp/a.html" && ! grep -q "<script" "$tmp/a.html" \
  && ok "html report" || bad "html report"
[[ ! -s "$tmp/err" ]] && ok "nothing on stderr when it is not a terminal" || bad "stderr not empty: $(head -1 "$tmp/err")"

# Determinism: same seed, same bytes; another seed still a valid run.
run $sc "${short[@]}" -o json >"$tmp/again.json" && cmp -s "$tmp/a.json" "$tmp/again.json" \
  && ok "the same seed gives identical bytes" || bad "the same seed gave different bytes"
run $sc "${short[@]}" -o json --seed 99 >"$tmp/s99.json" && grep -q '"seed": 99,' "$tmp/s99.json" \
  && ok "--seed overrides the scenario's seed" || bad "--seed"

# --out: written, atomically (no temporary file left), same bytes as stdout.
mkdir "$tmp/outdir"
run $sc "${short[@]}" -o json --out "$tmp/outdir/r.json" && cmp -s "$tmp/a.json" "$tmp/outdir/r.json" \
  && ok "--out writes the report" || bad "--out writes the report"
[[ $(ls -A "$tmp/outdir" | wc -l) -eq 1 ]] && ok "--out leaves no temporary file" || bad "--out left: $(ls -A "$tmp/outdir")"
run $sc "${short[@]}" -o text --out "$tmp/outdir/r.json" && grep -q "^WORKLOADS" "$tmp/outdir/r.json" \
  && ok "--out replaces an existing output" || bad "--out replace"

# --out never overwrites an input: the scenario, a manifest, the claims file,
# by any name; the input is unchanged and the exit code is 1.
manifest=$(find scenarios/my-saas-chat -name '*.yaml' | sort | head -1)
cp -r scenarios "$tmp/sc"
ln -s "$PWD/$sc" "$tmp/link.yaml"
for target in "$sc" "./scenarios/../$sc" "$manifest" scenarios/seed-claims.yaml "$tmp/link.yaml"; do
  real=$(readlink -f "$target")
  before=$(sha256sum "$real")
  "$bin" run $sc "${short[@]}" --out "$target" >"$tmp/o" 2>"$tmp/err"
  code=$?
  after=$(sha256sum "$real")
  if [[ $code -eq 1 && "$before" == "$after" ]] && grep -q "refusing to overwrite input file" "$tmp/err"; then
    ok "--out $target is refused (exit 1, input unchanged)"
  else
    bad "--out $target: exit $code; $(head -1 "$tmp/err")"
  fi
done
# A hard link to a manifest is the same file too.
ln "$tmp/sc/baseline.yaml" "$tmp/hard.yaml"
"$bin" run "$tmp/sc/baseline.yaml" "${short[@]}" --out "$tmp/hard.yaml" >/dev/null 2>"$tmp/err"
[[ $? -eq 1 ]] && ok "--out to a hard link of the scenario is refused" || bad "hard link not refused"
"$bin" run $sc "${short[@]}" --out "$tmp" >/dev/null 2>"$tmp/err"
[[ $? -eq 1 ]] && ok "--out to a directory is an input error" || bad "--out directory"

# --out onto a read-only file is refused as cp would refuse it: exit 1, file untouched.
echo "old report" >"$tmp/ro.txt"
chmod 444 "$tmp/ro.txt"
"$bin" run $sc "${short[@]}" --out "$tmp/ro.txt" >/dev/null 2>"$tmp/err"
code=$?
if [[ $code -eq 1 && "$(cat "$tmp/ro.txt")" == "old report" && "$(stat -c %a "$tmp/ro.txt")" == 444 ]] \
  && grep -q "cannot write the report to '$tmp/ro.txt': Permission denied" "$tmp/err"; then
  ok "--out onto a read-only file is refused (exit 1, file unchanged)"
else
  bad "--out read-only: exit $code; $(head -1 "$tmp/err")"
fi
# Replacing a writable file keeps its permissions.
echo old >"$tmp/private.txt"
chmod 600 "$tmp/private.txt"
run $sc "${short[@]}" --out "$tmp/private.txt" && [[ "$(stat -c %a "$tmp/private.txt")" == 600 ]] \
  && grep -q "^WORKLOADS" "$tmp/private.txt" && ok "--out keeps the replaced file's mode" \
  || bad "--out mode: $(stat -c %a "$tmp/private.txt")"

# --duration cannot take a run past the report-sample limit (1 s samples: 200,000 s at most).
printf 'name: fine\nmanifests: [my-saas-chat]\nsampleInterval: 1s\ncluster:\n  nodePools:\n    - {name: p, count: 3, preset: 2cpu-4gi}\n' \
  >"$tmp/sc/fine.yaml"
"$bin" run "$tmp/sc/fine.yaml" --duration 366d --quiet >/dev/null 2>"$tmp/err"
code=$?
[[ $code -eq 1 ]] && grep -q "makes 31622400 report samples; the limit is 200000" "$tmp/err" \
  && ok "--duration past the sample limit is refused" || bad "--duration 366d: exit $code; $(head -1 "$tmp/err")"

# A scenario on stdin resolves relative paths against the current directory.
(cd scenarios && "$bin" run - "${short[@]}" -o json <baseline.yaml >"$tmp/stdin.json" 2>"$tmp/err") \
  && grep -q '"file": "<stdin>",' "$tmp/stdin.json" && ok "a scenario from stdin" || bad "stdin: $(head -2 "$tmp/err")"

exit $fail
