// Reading a traffic trace into profile points (private to lib/scenario).
//
// A trace is a CSV file (a header row, then one sample per row) or a JSON file
// (a list of objects, or a Prometheus query_range response: its series, or
// those `series` selects, summed per timestamp).
// Each sample has a time and a value:
//   time  : a date-time ("2014-04-10 00:04:00", "2007-12-10", ISO 8601 with Z or
//           an offset) or a number in time_unit (ms, s, m, h, d);
//   value : a number (users, or anything proportional; value_scale converts).
// Simulated time of a sample: (time - first time - start_offset) x time_scale.
// Example: a 5-minute trace starting 2014-04-10 00:04:00, start_offset 1h,
// time_scale 0.5: the sample of 01:04:00 is at t = 0, the one of 01:09:00 at
// t = 2m30s. Users = value x value_scale.
// Rows whose value is empty or NaN are skipped (their gap is interpolated).
// Times must increase strictly. Points that land on the same millisecond after
// scaling merge (the later wins). Points before t = 0 and after `duration` are
// dropped except the one just outside each end, which interpolation needs.
#pragma once

#include <string>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/load_model.h"
#include "simcluster/time.h"

namespace simcluster::scenario_internal {

struct TraceOptions {
  std::string file;  // resolved path
  std::string column = "value";
  std::string time_column = "timestamp";
  std::string time_unit = "s";  // for numeric times
  double time_scale = 1;
  double value_scale = 1;
  SimDuration start_offset{0};
  SimDuration duration{0};       // the scenario's, for trimming
  SourceLocation column_source;  // where `column` was written (for errors)
  SourceLocation time_column_source;
  // A Prometheus response: PromQL label matchers choosing the series to sum
  // ({pod="chat-1"}); empty sums every series.
  std::string series;
  SourceLocation series_source;
};

// Throws InputError at the trace's file:line for bad rows, at `where` for a
// missing file or column, an empty trace, or a start offset past its end.
std::vector<ProfilePoint> load_trace(const TraceOptions& options, const SourceLocation& where);
std::vector<ProfilePoint> parse_trace(std::string_view text, const TraceOptions& options,
                                      const SourceLocation& where);

}  // namespace simcluster::scenario_internal
