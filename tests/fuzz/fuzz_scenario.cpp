// Fuzz target: a scenario file, parsed and validated (parse_scenario), then
// its references checked against an empty set of manifests. Relative paths
// resolve against the repository's scenarios/ directory, so the shipped
// manifests, traces and claims can be reached from fuzzed text.
#include "fuzz_target.h"
#include "simcluster/manifests.h"
#include "simcluster/scenario.h"

#ifndef SIMCLUSTER_SOURCE_DIR
#error "SIMCLUSTER_SOURCE_DIR must name the repository root"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return simcluster::fuzz::expect_input_error_only([&] {
    const simcluster::Scenario s =
        simcluster::parse_scenario(simcluster::fuzz::as_text(data, size), "fuzz-scenario.yaml",
                                   SIMCLUSTER_SOURCE_DIR "/scenarios");
    simcluster::check_scenario_references(s, simcluster::Manifests{});
  });
}
