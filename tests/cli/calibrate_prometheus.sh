#!/usr/bin/env bash
# simcluster calibrate on Prometheus query_range responses: two files (rate summed, cpu per
# pod) give the fit in scenario syntax with R^2, residuals and the sample count; one file with
# both queries' series and selectors gives the same; bad responses are exit 1 with
# file:line:col, never a crash; misused flags are exit 2.
# Usage: calibrate_prometheus.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"

# 10 scrapes a minute apart; 2 pods each using 15m + 3 millicore-s x (rps / 2).
series() {  # series LABELS_JSON AWK_EXPR_OF_i
  local vals
  vals=$(awk -v e="$2" 'BEGIN { for (i = 0; i < 10; i++) { rps = 20 * (i + 1);
    v = (e == "rate") ? rps : (15 + 3 * rps / 2) / 1000;
    printf "%s[%d,\"%s\"]", (i ? "," : ""), 1700000000 + 60 * i, v } }')
  printf '{"metric":%s,"values":[%s]}' "$1" "$vals"
}
response() { printf '{"status":"success","data":{"resultType":"matrix","result":[%s]}}\n' "$1"; }
response "$(series '{}' rate)" >"$tmp/rate.json"
response "$(series '{"pod":"chat-a"}' cpu),
$(series '{"pod":"chat-b"}' cpu)" >"$tmp/cpu.json"
response "$(series '{"q":"rps"}' rate),
$(series '{"q":"cpu","pod":"chat-a"}' cpu),
$(series '{"q":"cpu","pod":"chat-b"}' cpu)" >"$tmp/both.json"

out=$("$bin" calibrate --rate "$tmp/rate.json" --cpu "$tmp/cpu.json" --service chat-service)
rc=$?
if [[ $rc == 0 && "$out" == *"samples:  10 (timestamps in both files), 2 pod(s)"* &&
      "$out" == *"R^2:      1.0000"* && "$out" == *"residual: RMSE 0.0m"* &&
      "$out" == *$'services:\n  chat-service:\n    cpuBaseline: 15m\n    cpuPerRequest: 3 '* ]]; then
  ok "two responses: the fit in scenario syntax with R^2, residuals and sample count"
else
  bad "two responses (rc $rc): $out"
fi
one=$("$bin" calibrate "$tmp/both.json" --rate-series '{q="rps"}' --cpu-series '{q="cpu"}' \
  --service chat-service)
if [[ "$one" == *"$(tail -n 4 <<<"$out")"* && "$one" == *"(2 series), one series per pod"* ]]; then
  ok "one response with both queries, told apart by selectors, gives the same fit"
else
  bad "one response: $one"
fi

expect_error() {  # expect_error WHAT CODE EXPECTED ARGS...
  local what=$1 code=$2 expected=$3
  shift 3
  local err
  err=$("$bin" calibrate "$@" 2>&1 >/dev/null)
  local rc=$?
  if [[ $rc == "$code" && "$err" == *"$expected"* ]]; then ok "$what"; else bad "$what (rc $rc): $err"; fi
}
printf '{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected"}\n' >"$tmp/error.json"
expect_error "a status error response is exit 1 at file:line:col" 1 \
  "$tmp/error.json:1:11: Prometheus answered with an error: bad_data: 1:5: parse error" \
  --rate "$tmp/error.json" --cpu "$tmp/cpu.json"
printf '{"status":"success","data":{"resultType":"vector","result":[]}}\n' >"$tmp/vector.json"
expect_error "an instant query's vector is refused with the hint to use query_range" 1 \
  "use /api/v1/query_range" --rate "$tmp/rate.json" --cpu "$tmp/vector.json"
sed 's/"100"/"+Inf"/' "$tmp/rate.json" >"$tmp/inf.json"
expect_error "+Inf is exit 1 at its line and column" 1 "$tmp/inf.json:1:" \
  --rate "$tmp/inf.json" --cpu "$tmp/cpu.json"
head -c 100 "$tmp/rate.json" >"$tmp/cut.json"
expect_error "a truncated response is exit 1, not a crash" 1 "$tmp/cut.json:" \
  --rate "$tmp/cut.json" --cpu "$tmp/cpu.json"
expect_error "one file without selectors is a usage error" 2 "needs both --rate-series" \
  "$tmp/both.json"
expect_error "a misspelt flag suggests the right one" 2 "did you mean '--rate-series'?" \
  --rate "$tmp/rate.json" --cpu "$tmp/cpu.json" --rate-serie x
expect_error "--rate without --cpu is a usage error" 2 "--rate needs --cpu" --rate "$tmp/rate.json"
exit $fail
