// Loads manifests for the scenario tests through a separate translation unit,
// so the tests need not include manifests.h next to scenario.h.
#pragma once

#include <string>
#include <vector>

#include "simcluster/objects.h"

namespace simcluster::testing {

Manifests load_test_manifests(const std::vector<std::string>& paths);

}  // namespace simcluster::testing
