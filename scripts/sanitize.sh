#!/usr/bin/env bash
# Builds simcluster with AddressSanitizer and UndefinedBehaviorSanitizer and runs
# the whole test suite and every shipped scenario under them. Any finding stops
# the process that made it (-fno-sanitize-recover=all, halt_on_error), so this
# exits non-zero on the first finding and 0 only when everything ran clean.
#
#   bash scripts/sanitize.sh [--compiler clang|gcc] [--build-dir DIR] [--no-tests]
#
#   --compiler   clang (default: clang 14, which CI uses, so CI builds with both
#                g++ and clang) or gcc (g++ 12)
#   --build-dir  default build-asan (clang) or build-asan-gcc (gcc)
#   --no-tests   build and run the shipped scenarios only
#
# The build is RelWithDebInfo (-O2 -g: fast enough for the suite, with line
# numbers in reports), with the simulation's invariant checks and -Werror.
# bootstrap.sh --test calls this after the g++ suite; it needs the packages
# bootstrap.sh installs (and clang, which it installs for this).
set -euo pipefail
cd "$(dirname "$0")/.."

compiler=clang
dir=""
tests=1
while (($#)); do
  case "$1" in
    --compiler) compiler=${2:?--compiler needs clang or gcc}; shift 2 ;;
    --build-dir) dir=${2:?--build-dir needs a directory}; shift 2 ;;
    --no-tests) tests=0; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "sanitize.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$compiler" in
  clang) cxx=clang++; dir=${dir:-build-asan} ;;
  gcc) cxx=g++; dir=${dir:-build-asan-gcc} ;;
  *) echo "sanitize.sh: --compiler must be clang or gcc, not '$compiler'" >&2; exit 2 ;;
esac
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "sanitize.sh: $cxx is not installed (apt-get install clang)" >&2
  exit 2
fi

launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
      -DSIMCLUSTER_SANITIZE=address,undefined -DSIMCLUSTER_CHECKS=ON -DSIMCLUSTER_WERROR=ON \
      -DSIMCLUSTER_BUILD_TESTS=$((tests ? 1 : 0)) -DSIMCLUSTER_BUILD_BENCH=OFF \
      "${launcher[@]}" >/dev/null
cmake --build "$dir" -j2

# detect_leaks: LeakSanitizer runs at exit. abort_on_error gives a core-style
# stop that ctest reports as a failure with the report on stderr.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

if ((tests)); then
  (cd "$dir" && ctest --output-on-failure -j2 --timeout 900)
fi

# Every shipped scenario through the CLI, in every output format the report
# writers have (claims files are inputs of scenarios, not scenarios).
status=0
for s in scenarios/*.yaml; do
  case "$s" in *claims*) continue ;; esac
  for fmt in text wide json yaml csv html; do
    if ! "$dir/simcluster" run "$s" -o "$fmt" >/dev/null 2>"$dir/sanitize-run.log"; then
      echo "sanitize.sh: '$dir/simcluster run $s -o $fmt' failed:" >&2
      cat "$dir/sanitize-run.log" >&2
      status=1
    fi
  done
done
if ((status == 0)); then
  echo "sanitize.sh: $cxx address,undefined: test suite and shipped scenarios clean"
fi
exit "$status"
