#!/usr/bin/env bash
# -o openmetrics read by real Prometheus components (Debian's `prometheus` package, which
# scripts/bootstrap.sh --test installs): `promtool tsdb create-blocks-from openmetrics` must
# accept the series of scenarios/peak.yaml, and a Prometheus server started on those blocks
# must answer PromQL with the report's figures: chat-service's peak replicas (the MAX column
# of the text report, replicas.max in JSON), its replicas at the start, at the instant --start
# chose, and the cost counter's last value (the report's cost).
# Skipped (exit 77, which ctest reports as skipped) when promtool, prometheus or python3
# is absent.
# Usage: openmetrics_prometheus.sh SIMCLUSTER_BINARY   (from the repository root)
set -uo pipefail
bin=$1
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
for p in promtool prometheus python3; do
  if ! command -v "$p" >/dev/null 2>&1; then
    echo "SKIP: $p is not installed (apt-get install prometheus, or bash scripts/bootstrap.sh --test)"
    exit 77
  fi
done
tmp=$(mktemp -d)
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1" >&2; fail=1; }
die() {
  echo "FAIL $1" >&2
  [[ -f "$tmp/log" ]] && sed 's/^/  | /' "$tmp/log" | tail -20 >&2
  exit 1
}

start=2026-03-02T09:00:00Z
start_s=$(python3 -c 'import datetime,sys; print(int(datetime.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")).timestamp()))' "$start")

"$bin" run scenarios/peak.yaml --quiet -o openmetrics --start "$start" --out "$tmp/peak.om" 2>"$tmp/log" ||
  die "simcluster run -o openmetrics"
"$bin" run scenarios/peak.yaml --quiet -o json --out "$tmp/peak.json" 2>"$tmp/log" || die "simcluster run -o json"
"$bin" run scenarios/peak.yaml --quiet --out "$tmp/peak.txt" 2>"$tmp/log" || die "simcluster run (text)"
"$bin" run scenarios/peak.yaml --quiet -o csv --out "$tmp/peak.csv" 2>"$tmp/log" || die "simcluster run -o csv"

# The report's figures for chat-service.
read -r json_max duration_s cost < <(python3 - "$tmp/peak.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
w = [w for w in d["workloads"] if w["name"] == "chat-service"][0]
print(w["replicas"]["max"], d["duration_ms"] // 1000, d["total_cost"])
EOF
)
# The first sample's chat-service replicas, from the CSV time series (under a steady start it is
# taken 1 ms in, after the scale to the settled replicas).
first_sample=$(python3 - "$tmp/peak.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
print(rows[1][rows[0].index("production/chat-service replicas")])
EOF
)
# The text report's WORKLOADS table (KIND NAMESPACE NAME START MIN MAX END TIME AT MAX ...):
# the first MAX header.
text_max=$(awk '/^WORKLOADS/ {t=1; next}
                t && !c {for (i=1;i<=NF;i++) if ($i=="MAX" && !c) c=i; next}
                t && c && $3 == "chat-service" {print $c; exit}' "$tmp/peak.txt")
[[ -n "$json_max" && "$json_max" == "$text_max" ]] && ok "text and JSON reports agree: chat-service peaks at $json_max" ||
  bad "text report MAX '$text_max' vs JSON replicas.max '$json_max'"

# promtool: the file is valid OpenMetrics with timestamps, backfilled into blocks.
promtool tsdb create-blocks-from openmetrics "$tmp/peak.om" "$tmp/data" >"$tmp/log" 2>&1 ||
  die "promtool tsdb create-blocks-from openmetrics rejected the file"
ok "promtool tsdb create-blocks-from openmetrics accepts it"

# A Prometheus server on those blocks, on a free local port.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'global:\n  scrape_interval: 1h\nscrape_configs: []\n' >"$tmp/prometheus.yml"
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
  --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" >"$tmp/log" 2>&1 &
server=$!
api="http://127.0.0.1:$port"
ready=0
for _ in $(seq 1 100); do
  if python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$api/-/ready" 2>/dev/null; then
    ready=1
    break
  fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.3
done
[[ $ready == 1 ]] || die "prometheus did not become ready on port $port"
ok "prometheus serves the blocks on 127.0.0.1:$port"

# query PROMQL TIME: the single value of an instant query ("" when none).
query() {
  python3 - "$api" "$1" "$2" <<'EOF'
import json, sys, urllib.parse, urllib.request
api, q, t = sys.argv[1:]
url = api + "/api/v1/query?" + urllib.parse.urlencode({"query": q, "time": t})
d = json.load(urllib.request.urlopen(url, timeout=10))
r = d["data"]["result"]
print(r[0]["value"][1] if d["status"] == "success" and len(r) == 1 else "")
EOF
}
sel='simcluster_workload_replicas{scenario="peak",namespace="production",workload="chat-service"}'
end_s=$((start_s + duration_s))
got=$(query "max_over_time(${sel}[$((duration_s + 60))s])" "$end_s")
[[ -n "$got" && "$got" == "$json_max" ]] && ok "PromQL max_over_time of chat-service replicas is the report's peak ($got)" ||
  bad "PromQL peak replicas '$got', report says '$json_max'"
got=$(query "$sel" "$((start_s + 1))")  # the first sample is 1 ms after --start (steady start)
[[ -n "$got" && "$got" == "$first_sample" ]] && ok "at --start ($start) chat-service has the first sample's replicas ($got)" ||
  bad "replicas at --start '$got', the first sample's '$first_sample'"
got=$(query "$sel" "$((start_s - 600))")
[[ -z "$got" ]] && ok "no sample before --start" || bad "a sample before --start: '$got'"
got=$(query 'sum(simcluster_node_pool_cost_total{scenario="peak"})' "$end_s")
python3 -c 'import sys; a,b=map(float,sys.argv[1:]); sys.exit(abs(a-b) > 0.0015)' "${got:-nan}" "$cost" &&
  ok "the cost counter ends at the report's total cost ($got)" || bad "cost counter '$got', report '$cost'"

# Every query of the Grafana dashboard (docs/grafana/simcluster-run.json), its variables set to
# this run (scenario peak, every workload, the run's range), answers over the run.
python3 - "$api" docs/grafana/simcluster-run.json "$start_s" "$end_s" <<'EOF' || fail=1
import json, sys, urllib.parse, urllib.request
api, path, start, end = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
dash = json.load(open(path))
bad = 0
n = 0
for panel in dash["panels"]:
    for target in panel["targets"]:
        expr = (target["expr"].replace("$scenario", "peak").replace("$workload", ".*")
                .replace("$__range", f"{end - start}s"))
        url = api + "/api/v1/query_range?" + urllib.parse.urlencode(
            {"query": expr, "start": start, "end": end, "step": 60})
        try:
            d = json.load(urllib.request.urlopen(url, timeout=10))
            ok = d["status"] == "success" and len(d["data"]["result"]) > 0
        except Exception as e:  # a 400 for a query Prometheus cannot parse
            ok = False
        n += 1
        if not ok:
            bad += 1
            print(f"FAIL dashboard panel '{panel['title']}': no data for {expr}", file=sys.stderr)
if bad == 0:
    print(f"ok   all {n} queries of the Grafana dashboard answer over the run")
sys.exit(1 if bad else 0)
EOF

exit $fail
