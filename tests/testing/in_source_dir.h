// Whole-run tests load the shipped scenarios by their repository-relative
// paths ("scenarios/peak.yaml"), as a user in the repository root would, so
// the reports' "file" fields match the goldens. InSourceDir switches to the
// source directory for its lifetime and back afterwards.
#pragma once

#include <filesystem>

namespace simcluster::testing {

struct InSourceDir {
  std::filesystem::path old = std::filesystem::current_path();
  InSourceDir() { std::filesystem::current_path(SIMCLUSTER_SOURCE_DIR); }
  ~InSourceDir() { std::filesystem::current_path(old); }
  InSourceDir(const InSourceDir&) = delete;
  InSourceDir& operator=(const InSourceDir&) = delete;
};

}  // namespace simcluster::testing
