#!/usr/bin/env bash
# simcluster run --set PATH=VALUE: the override reaches the run and the
# report; bad overrides are input errors at the flag (exit 1), a --set without
# '=' a usage error (exit 2).
# Usage: run_set.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"

sc=scenarios/peak.yaml
short=(--duration 10m --quiet)

# peak.yaml has one pool of 3 nodes; --set makes it 6.
if "$bin" run $sc "${short[@]}" --set 'cluster.nodePools[0].count=6' -o json >"$tmp/six.json" 2>"$tmp/err"; then
  ok "run with --set"
else
  bad "run with --set failed: $(head -3 "$tmp/err")"
fi
"$bin" run $sc "${short[@]}" -o json >"$tmp/plain.json" 2>"$tmp/err" || bad "plain run: $(head -3 "$tmp/err")"
if command -v python3 >/dev/null; then
  python3 - "$tmp/six.json" "$tmp/plain.json" <<'PY' && ok "overrides recorded, 6 nodes instead of 3" || bad "overrides / node count"
import json, sys
six, plain = (json.load(open(f)) for f in sys.argv[1:3])
assert six["overrides"] == ["cluster.nodePools[0].count=6"], six.get("overrides")
assert "overrides" not in plain
assert six["nodes"]["max_ready"] == 6, six["nodes"]["max_ready"]
assert plain["nodes"]["max_ready"] == 3, plain["nodes"]["max_ready"]
PY
else
  grep -q '"overrides": \["cluster.nodePools\[0\].count=6"\]' "$tmp/six.json" && ok "overrides recorded" || bad "overrides"
fi
! grep -q '"overrides"' "$tmp/plain.json" && ok "no overrides key without --set" || bad "overrides key without --set"

# --set=PATH=VALUE, several, in the text header.
"$bin" run $sc "${short[@]}" --set=load.users=5000 --set slo.latency=200ms >"$tmp/t.txt" 2>"$tmp/err"
grep -q '^Overrides: --set load.users=5000 --set slo.latency=200ms$' "$tmp/t.txt" \
  && grep -q '^Users:     peak 5,\?000' "$tmp/t.txt" && grep -q '^SLO:       latency <= 200' "$tmp/t.txt" \
  && ok "--set=PATH=VALUE, overrides in the text header" || bad "text header: $(head -8 "$tmp/t.txt") $(head -3 "$tmp/err")"
! grep -q '^Overrides:' <("$bin" run $sc "${short[@]}" 2>/dev/null) && ok "no Overrides line without --set" \
  || bad "Overrides line without --set"

# Errors name the flag; exit 1.
expect_error() {  # expect_error "text on stderr" ARGS...
  local want=$1
  shift
  "$bin" run $sc "${short[@]}" "$@" >/dev/null 2>"$tmp/err"
  local code=$?
  if [[ $code -eq 1 ]] && grep -qF -- "$want" "$tmp/err"; then
    ok "$* -> $want"
  else
    bad "$* (exit $code): $(head -3 "$tmp/err")"
  fi
}
expect_error "--set cluster.nodePools[0].count=abc: cluster.nodePools[0].count must be an integer, got 'abc'" \
  --set 'cluster.nodePools[0].count=abc'
expect_error "--set cluster.nodePools[3].count=5: cluster.nodePools has 1 entry (indices 0..0)" \
  --set 'cluster.nodePools[3].count=5'
expect_error "--set cluster.nodePools[0].cont=5: unknown key 'cont' in cluster.nodePools[0], did you mean 'count'?" \
  --set 'cluster.nodePools[0].cont=5'
expect_error "--set services.chat-servic.concurrency=4: unknown Service 'chat-servic', did you mean 'chat-service'?" \
  --set services.chat-servic.concurrency=4

# Usage errors: exit 2.
for args in "--set load.users" "--set =5" "--set"; do
  # shellcheck disable=SC2086
  "$bin" run $sc "${short[@]}" $args >/dev/null 2>"$tmp/err"
  code=$?
  [[ $code -eq 2 ]] && grep -q "simcluster run: --set" "$tmp/err" && ok "$args is a usage error (exit 2)" \
    || bad "$args: exit $code, $(head -2 "$tmp/err")"
done
grep -q -- "--set PATH=VALUE" <<<"$("$bin" run --help)" && ok "--set in --help" || bad "--set not in --help"

exit $fail
