// What every fuzz target of tests/fuzz/ shares.
//
// A target feeds one input to a parser of untrusted text. The documented
// outcome of bad input is an InputError (include/simcluster/error.h), so a
// target catches exactly that and returns; anything else -- another
// exception, a crash, a sanitizer report, a hang or runaway memory (libFuzzer
// -timeout / -rss_limit_mb) -- escapes and is reported as a failure.
//
// The same sources build two ways (tests/fuzz/CMakeLists.txt): with clang and
// -fsanitize=fuzzer as libFuzzer binaries, and with any compiler linked to
// replay_main.cpp, which replays the files of tests/fuzz/regressions/<target>/
// and the seed inputs as a ctest test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "simcluster/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace simcluster::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Runs f(); an InputError is the correct answer to bad input and is swallowed.
template <typename F>
int expect_input_error_only(F&& f) {
  try {
    f();
  } catch (const InputError&) {
  }
  return 0;
}

}  // namespace simcluster::fuzz
