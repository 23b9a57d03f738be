#!/usr/bin/env bash
# Builds simcluster with AddressSanitizer and UndefinedBehaviorSanitizer and runs
# the whole test suite and every shipped scenario under them. Any finding stops
# the process that made it (-fno-sanitize-recover=all, halt_on_error), so this
# exits non-zero on the first finding and 0 only when everything ran clean.
#
#   bash scripts/sanitize.sh [--compiler clang|gcc] [--build-dir DIR] [--no-tests]
#                            [--fuzz SECONDS]
#
#   --compiler   clang (default: clang 14, which CI uses, so CI builds with both
#                g++ and clang) or gcc (g++ 12)
#   --build-dir  default build-asan (clang) or build-asan-gcc (gcc)
#   --no-tests   build and run the shipped scenarios only
#   --fuzz S     clang only: also run each libFuzzer target of tests/fuzz for S
#                seconds from seeds made of the repository's own files (the
#                same build: coverage is added to it); 0 (default) skips it
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
fuzz=0
while (($#)); do
  case "$1" in
    --compiler) compiler=${2:?--compiler needs clang or gcc}; shift 2 ;;
    --build-dir) dir=${2:?--build-dir needs a directory}; shift 2 ;;
    --no-tests) tests=0; shift ;;
    --fuzz) fuzz=${2:?--fuzz needs a number of seconds}; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
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

if ((fuzz > 0)) && [[ "$compiler" != clang ]]; then
  echo "sanitize.sh: --fuzz needs --compiler clang (libFuzzer comes with clang)" >&2
  exit 2
fi
fuzz_build=OFF
[[ "$compiler" == clang ]] && fuzz_build=ON

launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
      -DSIMCLUSTER_SANITIZE=address,undefined -DSIMCLUSTER_CHECKS=ON -DSIMCLUSTER_WERROR=ON \
      -DSIMCLUSTER_BUILD_TESTS=$((tests ? 1 : 0)) -DSIMCLUSTER_BUILD_BENCH=OFF \
      -DSIMCLUSTER_BUILD_FUZZ=$fuzz_build \
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
  for fmt in text wide json yaml csv html openmetrics; do
    if ! "$dir/simcluster" run "$s" -o "$fmt" >/dev/null 2>"$dir/sanitize-run.log"; then
      echo "sanitize.sh: '$dir/simcluster run $s -o $fmt' failed:" >&2
      cat "$dir/sanitize-run.log" >&2
      status=1
    fi
  done
done

# A short fuzz run of every target (tests/fuzz/README.md has the long one).
# -timeout is wall-clock time per input: generous, so a busy machine does not
# stop a run on an input that takes 0.1 s of CPU.
if ((status == 0 && fuzz > 0)); then
  cmake --build "$dir" -j2 --target fuzz_seeds >/dev/null
  src=$(pwd)
  for t in manifests scenario claims quantity trace; do
    dict=$t
    [[ $t == claims ]] && dict=scenario
    corpus="$dir/tests/fuzz/corpus/$t"
    mkdir -p "$corpus"
    if ! (cd "$dir/tests/fuzz" && ./fuzz_$t -max_total_time="$fuzz" -rss_limit_mb=2048 \
          -timeout=10 -dict="$src/tests/fuzz/$dict.dict" -artifact_prefix="crash-$t-" \
          "corpus/$t" "seeds/$t" >"fuzz-$t.log" 2>&1); then
      echo "sanitize.sh: fuzz_$t found a failing input (see $dir/tests/fuzz/):" >&2
      tail -40 "$dir/tests/fuzz/fuzz-$t.log" >&2
      status=1
    else
      echo "sanitize.sh: fuzz_$t: $(grep -E '^Done [0-9]+ runs' "$dir/tests/fuzz/fuzz-$t.log" || true)"
    fi
  done
fi

if ((status == 0)); then
  what="test suite and shipped scenarios"
  ((fuzz > 0)) && what="test suite, shipped scenarios and ${fuzz} s of fuzzing per target"
  echo "sanitize.sh: $cxx address,undefined: $what clean"
fi
exit "$status"
