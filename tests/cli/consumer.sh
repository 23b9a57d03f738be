#!/usr/bin/env bash
# Installs simcluster into a temporary prefix and builds a downstream project
# against it with find_package(simcluster).
set -euo pipefail
bin_dir=$(dirname "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$bin_dir" --prefix "$tmp/prefix" >/dev/null
cmake -S tests/consumer -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/build" -j2 >/dev/null
"$tmp/build/consumer"
