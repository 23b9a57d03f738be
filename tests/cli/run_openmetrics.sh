#!/usr/bin/env bash
# simcluster run -o openmetrics without Prometheus: the default start instant, --start, the same
# bytes twice, "# EOF" last, and the usage errors (several scenarios, --start without the format,
# a bad --start, plan -o openmetrics). tests/cli/openmetrics_prometheus.sh feeds it to Prometheus.
# Usage: run_openmetrics.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"
# expect_usage PATTERN DESCRIPTION -- COMMAND...: exit 2 with PATTERN on stderr, nothing on stdout.
expect_usage() {
  local pattern=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got -eq 2 ]] && grep -Eq -- "$pattern" "$tmp/err" && [[ ! -s "$tmp/out" ]]; then
    ok "$what"
  else
    bad "$what: exit $got"
    sed 's/^/  | /' "$tmp/err" >&2
  fi
}

sc=scenarios/baseline.yaml
short=(--duration 10m --quiet)
"$bin" run $sc "${short[@]}" -o openmetrics >"$tmp/a.om" 2>"$tmp/err" && ok "-o openmetrics runs" || bad "-o openmetrics"
[[ $(tail -n 1 "$tmp/a.om") == "# EOF" ]] && ok "the last line is # EOF" || bad "last line: $(tail -n 1 "$tmp/a.om")"
# The default start is 2026-01-01T00:00:00Z = 1767225600 s; samples every minute for 10 minutes,
# the first 1 ms in (a steady start samples after scaling to the settled replicas).
grep -Eq '^simcluster_users\{scenario="baseline"\} [0-9.]+ 1767225600.001$' "$tmp/a.om" &&
  grep -Eq '^simcluster_users\{scenario="baseline"\} [0-9.]+ 1767226200$' "$tmp/a.om" &&
  ok "timestamps start at 2026-01-01T00:00:00Z by default" || bad "default start timestamps"
"$bin" run $sc "${short[@]}" -o openmetrics >"$tmp/b.om" 2>/dev/null && cmp -s "$tmp/a.om" "$tmp/b.om" &&
  ok "the same run gives the same bytes" || bad "two runs differ"
"$bin" run $sc "${short[@]}" -o openmetrics --start 2026-03-02T10:00:00+01:00 >"$tmp/c.om" 2>/dev/null &&
  grep -Eq '^simcluster_users\{scenario="baseline"\} [0-9.]+ 1772442000.001$' "$tmp/c.om" &&
  ok "--start with an offset moves every timestamp" || bad "--start"
[[ $(grep -vc '^#' "$tmp/a.om") -eq $(grep -vc '^#' "$tmp/c.om") ]] && ok "--start changes no value" ||
  bad "--start changed the number of samples"
diff <(sed 's/ [0-9.]*$//' "$tmp/a.om") <(sed 's/ [0-9.]*$//' "$tmp/c.om") >/dev/null &&
  ok "--start changes the timestamps only" || bad "--start changed values"
grep -q -- "--start TIME" <<<"$("$bin" run --help)" && ok "--help lists --start" || bad "--help lacks --start"

expect_usage "takes one scenario, got 2" "several scenarios with -o openmetrics are a usage error" -- \
  "$bin" run scenarios/baseline.yaml scenarios/peak.yaml -o openmetrics
expect_usage "applies to -o openmetrics only" "--start without -o openmetrics is a usage error" -- \
  "$bin" run $sc --start 2026-01-01T00:00:00Z
expect_usage "not an RFC 3339 time" "a bad --start is a usage error" -- \
  "$bin" run $sc -o openmetrics --start 2026-02-30T00:00:00Z
expect_usage "did you mean 'openmetrics'" "a misspelt format gets a suggestion" -- \
  "$bin" run $sc -o openmetric
expect_usage "a plan has no time series" "plan -o openmetrics is a usage error" -- \
  "$bin" plan $sc -o openmetrics

exit $fail
