#!/usr/bin/env bash
# Writes seed corpora for the fuzz targets to OUT/<target>/, from the
# repository's own files (run from the repository root):
#   manifests: every .yaml/.yml/.json under scenarios/ and tests/ that holds "kind:"
#   scenario:  scenarios/*.yaml that are scenarios
#   claims:    scenarios/seed-claims.yaml
#   trace:     slices of scenarios/traces/*.csv and a JSON list and Prometheus
#              response made from them (first byte: the target's mode byte)
#   quantity:  every distinct quantity-looking value of the manifests
# Usage: tests/fuzz/make_seeds.sh OUT
set -euo pipefail
out=${1:?usage: make_seeds.sh OUT}
mkdir -p "$out"/{manifests,scenario,claims,trace,quantity}

n=0
while IFS= read -r -d '' f; do
  grep -q '^kind:\|"kind"' "$f" || continue
  [ "$(wc -c <"$f")" -le 65536 ] || continue
  cp "$f" "$out/manifests/$(printf '%04d' $n)-$(basename "$f")"
  n=$((n + 1))
done < <(find scenarios tests -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
           -not -path '*/golden/*' -not -path '*/fuzz/*' -print0 | sort -z)

for f in scenarios/*.yaml; do
  if grep -q '^cluster:\|^manifests:' "$f"; then cp "$f" "$out/scenario/"; fi
done
cp scenarios/seed-claims.yaml "$out/claims/"

# Trace mode byte: bit 0 = JSON, bits 1-3 = time unit (0 s, 1 ms, 2 m, 3 h, 4 d).
for f in scenarios/traces/*.csv; do
  b=$(basename "$f" .csv)
  { printf '\x00'; head -n 40 "$f"; } >"$out/trace/$b-head.csv"
  { printf '\x00'; sed -n '1p;2000,2040p' "$f"; } >"$out/trace/$b-mid.csv"
  { printf '\x00'; echo 'timestamp,value'; sed -n '2,30p' "$f" | awk -F, '{print NR*60 "," $2}'; } \
    >"$out/trace/$b-seconds.csv"
  { printf '\x01['; sed -n '2,20p' "$f" | awk -F, '{printf "%s{\"timestamp\": \"%s\", \"value\": %s}", (NR>1?",":""), $1, $2}'; echo ']'; } \
    >"$out/trace/$b-list.json"
  { printf '\x01{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":['
    sed -n '2,20p' "$f" | awk -F, '{printf "%s[%d, \"%s\"]", (NR>1?",":""), 1397088000+NR*300, $2}'
    echo ']}]}}'; } >"$out/trace/$b-prometheus.json"
done

grep -rhoE '(cpu|memory|storage|ephemeral-storage): *"?[0-9.+-][0-9.eE+-]*[a-zA-Z]*"?' \
    scenarios tests --include='*.yaml' 2>/dev/null | sed -E 's/^[^:]*: *"?//; s/"$//' |
  sort -u | head -n 200 | while IFS= read -r q; do
    printf '%s' "$q" >"$out/quantity/$(printf '%s' "$q" | md5sum | cut -c1-12)"
  done
for q in 250m 1.5Gi 1e3 .5 +1k 9Ei 100Mi 0.1m 1n 12MB 1h30m 500ms 2d; do
  printf '%s' "$q" >"$out/quantity/lit-$q"
done
for t in manifests scenario claims trace quantity; do
  echo "$t: $(ls "$out/$t" | wc -l) seeds"
done
