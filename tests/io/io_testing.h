// Helpers for the io tests: load YAML from strings, catch the InputError a bad
// input must raise, and build quantities.
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>

#include "simcluster/error.h"
#include "simcluster/manifests.h"
#include "simcluster/objects.h"
#include "simcluster/quantity.h"

namespace simcluster::testing {

inline Manifests load(std::string_view yaml, const LoadOptions& options = {}) {
  return load_manifests_from_string(yaml, "test.yaml", options);
}

// The InputError loading `yaml` raises; fails the test if none is raised.
inline InputError load_error(std::string_view yaml, const LoadOptions& options = {}) {
  try {
    load_manifests_from_string(yaml, "test.yaml", options);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("expected an InputError");
  return InputError(SourceLocation{}, "");
}

inline Quantity q(const char* text) {
  std::optional<Quantity> v = Quantity::parse(text);
  REQUIRE(v.has_value());
  return *v;
}

inline constexpr int64_t kMi = int64_t{1} << 20;
inline constexpr int64_t kGi = int64_t{1} << 30;

inline std::string shared_dir() { return SIMCLUSTER_SHARED_DIR; }
inline std::string source_dir() { return SIMCLUSTER_SOURCE_DIR; }

}  // namespace simcluster::testing
