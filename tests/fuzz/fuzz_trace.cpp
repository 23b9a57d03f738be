// Fuzz target: a traffic trace (CSV, or JSON when the first byte is odd),
// read with the scenario's default options and a time unit chosen by the
// first byte. JSON is also read as the Prometheus responses of `simcluster
// calibrate` (the same text as rate and cpu, the series chosen by label
// matchers when bit 4 of the first byte is set).
#include <chrono>

#include "fuzz_target.h"
#include "scenario/trace.h"
#include "simcluster/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kUnits[] = {"s", "ms", "m", "h", "d", "s", "s", "s"};
  simcluster::scenario_internal::TraceOptions o;
  o.file = (data[0] & 1) != 0 ? "fuzz-trace.json" : "fuzz-trace.csv";
  o.time_unit = kUnits[(data[0] >> 1) & 7];
  o.duration = std::chrono::hours(24);
  const std::string_view text = simcluster::fuzz::as_text(data + 1, size - 1);
  simcluster::fuzz::expect_input_error_only([&] {
    (void)simcluster::scenario_internal::parse_trace(text, o,
                                                     simcluster::SourceLocation{"fuzz-scenario"});
  });
  if ((data[0] & 1) == 0) return 0;
  simcluster::PromCalibrationOptions c{.rate_file = "fuzz.json", .cpu_file = "fuzz.json"};
  if ((data[0] & 16) != 0) {
    c.rate_series = R"({q="rate"})";
    c.cpu_series = R"({q!="rate", pod=~"c.*"})";
  }
  return simcluster::fuzz::expect_input_error_only([&] {
    simcluster::PromCalibration r = simcluster::calibrate_prometheus_text(text, text, c);
    (void)simcluster::format_calibration(r);
  });
}
