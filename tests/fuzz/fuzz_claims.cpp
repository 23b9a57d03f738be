// Fuzz target: a claims file (format: scenarios/README.md, "Claims").
#include "fuzz_target.h"
#include "simcluster/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return simcluster::fuzz::expect_input_error_only([&] {
    (void)simcluster::parse_claims(simcluster::fuzz::as_text(data, size), "fuzz-claims.yaml");
  });
}
