// Reading Prometheus HTTP API query_range responses (private to lib/scenario),
// for traces and `simcluster calibrate`. The format is the API's
// (https://prometheus.io/docs/prometheus/latest/querying/api/#range-vectors):
//   {"status": "success",
//    "data": {"resultType": "matrix",
//             "result": [{"metric": {"pod": "chat-1"}, "values": [[1700000000, "0.25"], ...]}]}}
// Timestamps are Unix seconds (fractions allowed); values are strings: a
// decimal number, "NaN", "+Inf" or "-Inf". JSON is YAML, so yaml-cpp reads it
// with line and column for every error.
#pragma once

#include <cstdint>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simcluster/error.h"

namespace simcluster::scenario_internal {

struct PromSample {
  int64_t t_ms = 0;  // Unix milliseconds
  double value = 0;  // finite; NaN only when the caller asked to keep them
  SourceLocation at;
};

struct PromSeries {
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by name
  std::vector<PromSample> samples;                          // strictly increasing t_ms
  SourceLocation at;                                        // the series' object
  // {pod="chat-1",service="chat"} as PromQL writes it; "{}" without labels.
  std::string text() const;
  // The label's value, "" when absent (as PromQL treats a missing label).
  std::string label(std::string_view name) const;
};

// What to do with "NaN" values (a rate over no samples, 0/0): skip them (a
// trace interpolates the gap) or refuse them. "+Inf"/"-Inf" are always refused.
enum class PromNaN { kSkip, kError };

// Throws InputError at file:line:col for a response that is not JSON/YAML, a
// "status": "error" response (with Prometheus' errorType and error), a
// resultType other than "matrix" (with the hint to use query_range), a series
// without "values", a value that is not a number, an infinite value (or NaN
// with PromNaN::kError), and timestamps that do not increase within a series.
std::vector<PromSeries> parse_query_range(std::string_view text, const std::string& file,
                                          PromNaN nan);

// PromQL label matchers: {name="value", name!="v", name=~"regex", name!~"re"}
// (braces optional). Regexes are fully anchored, as in PromQL (ECMAScript
// syntax here, which agrees with RE2 for the usual patterns).
struct LabelMatcher {
  enum class Op { kEq, kNe, kRe, kNre };
  std::string name;
  Op op = Op::kEq;
  std::string value;
  std::regex re;  // for kRe / kNre
  bool matches(const PromSeries& s) const;
};

// Throws InputError at `where` for a malformed selector (naming the offset).
std::vector<LabelMatcher> parse_label_matchers(std::string_view text, const SourceLocation& where);

// The series that match every matcher. Throws InputError at `where` when none
// does, listing (some of) the series there are.
std::vector<PromSeries> select_series(const std::vector<PromSeries>& all,
                                      const std::vector<LabelMatcher>& matchers,
                                      std::string_view selector, const std::string& file,
                                      const SourceLocation& where);

}  // namespace simcluster::scenario_internal
