// Fuzz target: quantities ("250m", "1.5Gi") and durations ("1h30m"). Parsing
// returns nullopt for bad text and never throws; a parsed quantity must print
// in a form that parses back to the same value.
#include <cstdlib>
#include <optional>
#include <string>

#include "fuzz_target.h"
#include "simcluster/quantity.h"
#include "simcluster/time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = simcluster::fuzz::as_text(data, size);
  std::string why;
  const std::optional<simcluster::Quantity> q = simcluster::Quantity::parse(text, &why);
  if (q) {
    const std::string printed = q->to_string();
    const std::optional<simcluster::Quantity> again = simcluster::Quantity::parse(printed);
    if (!again || *again != *q) std::abort();  // to_string() must round-trip
    (void)q->checked_value();
    (void)q->checked_milli_value();
    bool exact = false;
    (void)q->round_up(0, &exact);
  } else if (why.empty()) {
    std::abort();  // a refused quantity always says why
  }
  (void)simcluster::parse_duration(text);
  return 0;
}
