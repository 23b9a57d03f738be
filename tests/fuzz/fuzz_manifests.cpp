// Fuzz target: a manifest file, loaded (YAML -> typed objects) and then
// validated and formatted as `simcluster validate` does.
#include "fuzz_target.h"
#include "simcluster/manifests.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return simcluster::fuzz::expect_input_error_only([&] {
    const simcluster::Manifests m =
        simcluster::load_manifests_from_string(simcluster::fuzz::as_text(data, size), "fuzz.yaml");
    const simcluster::ValidationReport r = simcluster::validate(m);
    (void)simcluster::format_validation_text(r);
    (void)simcluster::format_validation_json(r);
  });
}
