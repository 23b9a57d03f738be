#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root) for simcluster and builds it.
#   bash scripts/bootstrap.sh          install what is missing, build ./build (Release)
#   bash scripts/bootstrap.sh --test   the same, then build ./build-test (g++, Release with
#                                      invariant checks, -Werror) and run the whole test
#                                      suite, then the same suite and every shipped scenario
#                                      under ASan+UBSan built by clang, and 30 s of
#                                      fuzzing per parser (scripts/sanitize.sh)
# apt-get runs only when a package is absent. Nothing is downloaded at build time.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ make cmake libboost-graph-dev libeigen3-dev libyaml-cpp-dev libfmt-dev
          libbenchmark-dev doctest-dev nlohmann-json3-dev)
if [[ "${1:-}" == "--test" ]]; then
  # clang 14 and its sanitizer and libFuzzer runtimes: the second compiler CI builds with.
  packages+=(clang libclang-rt-14-dev)
  # promtool and the Prometheus server (2.42): tests/cli/openmetrics_prometheus.sh backfills
  # -o openmetrics into blocks and queries them (skipped where the package is absent). Under
  # systemd the package also starts prometheus.service on :9090 (systemctl disable --now
  # prometheus stops it); the test runs its own server on a free port.
  packages+=(prometheus)
  # kubectl (1.20): tests/cli/kubectl_inputs.sh pipes `kubectl kustomize` and `kubectl create
  # --dry-run=client` into validate (skipped where absent). Only when no kubectl is on PATH: a
  # newer one installed another way serves as well.
  if ! command -v kubectl >/dev/null 2>&1; then packages+=(kubernetes-client); fi
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=2
if [[ "${1:-}" == "--test" ]]; then
  cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DSIMCLUSTER_CHECKS=ON \
        -DSIMCLUSTER_WERROR=ON -DSIMCLUSTER_BUILD_TESTS=ON -DSIMCLUSTER_BUILD_BENCH=ON >/dev/null
  cmake --build build-test -j"$jobs"
  (cd build-test && ctest --output-on-failure -j"$jobs" --timeout 300)
  bash scripts/sanitize.sh --compiler clang --fuzz 30
else
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSIMCLUSTER_BUILD_TESTS=OFF \
        -DSIMCLUSTER_BUILD_BENCH=OFF >/dev/null
  cmake --build build -j"$jobs" --target simcluster_cli
fi
