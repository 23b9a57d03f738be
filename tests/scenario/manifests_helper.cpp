#include "scenario/manifests_helper.h"

#include "simcluster/manifests.h"

namespace simcluster::testing {

Manifests load_test_manifests(const std::vector<std::string>& paths) {
  return load_manifests(paths);
}

}  // namespace simcluster::testing
