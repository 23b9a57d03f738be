#!/usr/bin/env bash
# simcluster run: --help, usage errors (exit 2) and input errors (exit 1, file:line).
# Usage: run_usage.sh SIMCLUSTER_BINARY   (from the repository root)
set -uo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect CODE PATTERN DESCRIPTION -- COMMAND...: exit code CODE, and PATTERN
# (an extended regex) found in stdout+stderr ("" = no check).
expect() {
  local code=$1 pattern=$2 what=$3
  shift 4
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got -ne $code ]]; then
    echo "FAIL $what: exit $got, expected $code" >&2
    sed 's/^/  | /' "$tmp/err" >&2
    fail=1
    return
  fi
  if [[ -n "$pattern" ]] && ! cat "$tmp/out" "$tmp/err" | grep -Eq -- "$pattern"; then
    echo "FAIL $what: output lacks /$pattern/" >&2
    sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -20 >&2
    fail=1
    return
  fi
  echo "ok   $what"
}

expect 0 "^Usage:" "--help prints usage" -- "$bin" run --help
expect 0 "Examples:" "--help has examples" -- "$bin" run --help
expect 0 "simcluster run scenarios/baseline.yaml scenarios/high.yaml" "-h shows the side-by-side example" -- "$bin" run -h
expect 2 "no scenario given" "no scenario is a usage error" -- "$bin" run
expect 2 "unknown flag '--bogus'" "an unknown flag is a usage error" -- "$bin" run --bogus scenarios/peak.yaml
expect 2 "did you mean '--seed'" "a misspelt flag gets a suggestion" -- "$bin" run --sed 3 scenarios/peak.yaml
expect 2 "unknown output format 'xml'" "an unknown format is a usage error" -- "$bin" run scenarios/peak.yaml -o xml
expect 2 "did you mean 'json'" "a misspelt format gets a suggestion" -- "$bin" run scenarios/peak.yaml -o jsno
expect 2 "-o needs a value" "-o without a value" -- "$bin" run scenarios/peak.yaml -o
expect 2 "not a non-negative integer" "a bad seed is a usage error" -- "$bin" run --seed -1 scenarios/peak.yaml
expect 2 "not a non-negative integer" "a seed past 2^64 is a usage error" -- "$bin" run --seed 18446744073709551616 scenarios/peak.yaml
expect 2 "not a positive duration" "a bad duration is a usage error" -- "$bin" run --duration 5x scenarios/peak.yaml
expect 2 "not a positive duration" "a zero duration is a usage error" -- "$bin" run --duration 0s scenarios/peak.yaml
expect 2 "only once" "stdin twice is a usage error" -- "$bin" run - -
expect 2 "" "a usage error prints nothing on stdout" -- "$bin" run --bogus
[[ -s "$tmp/out" ]] && { echo "FAIL usage error wrote to stdout" >&2; fail=1; }

# Input errors: exit 1 with file:line.
expect 1 "no-such-scenario.yaml" "a missing scenario file is an input error" -- "$bin" run "$tmp/no-such-scenario.yaml"
printf 'name: bad\nmanifests: [my-saas-chat]\nduraton: 5m\n' >"$tmp/bad.yaml"
expect 1 "bad.yaml:3:[0-9]+: " "an unknown key is reported at file:line:col" -- "$bin" run "$tmp/bad.yaml"
expect 1 "did you mean 'duration'" "an unknown key gets a suggestion" -- "$bin" run "$tmp/bad.yaml"
printf 'name: bad\nmanifests: [\n' >"$tmp/broken.yaml"
expect 1 "broken.yaml:[0-9]+" "malformed YAML is reported at file:line" -- "$bin" run "$tmp/broken.yaml"
expect 1 "<stdin>:3:[0-9]+: " "a bad scenario on stdin is reported at <stdin>:line" -- \
  bash -c "\"$bin\" run - < \"$tmp/bad.yaml\""
# An input error anywhere in a multi-run stops before simulating anything.
expect 1 "bad.yaml:3" "one bad scenario among several fails the run" -- \
  "$bin" run scenarios/baseline.yaml "$tmp/bad.yaml"

exit $fail
