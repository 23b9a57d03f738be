# Sourced by the CLI tests (not a test itself: ctest runs tests/cli/*.sh):
# strict mode, the binary from $1, a temporary directory removed at exit, and
# ok/bad reporting (a test ends with `exit $fail`).
set -uo pipefail
bin=${1:?usage: $0 SIMCLUSTER_BINARY}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1" >&2; fail=1; }
