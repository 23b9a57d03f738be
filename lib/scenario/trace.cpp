#include "scenario/trace.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "scenario/csv.h"
#include "scenario/prometheus.h"
#include "scenario/yaml_reader.h"

namespace simcluster::scenario_internal {
namespace {

constexpr size_t kMaxTraceBytes = size_t{64} << 20;
constexpr size_t kMaxTraceRows = 5'000'000;
constexpr double kMaxSimMs = 1e15;  // ~31,000 years: anything beyond is a unit mistake

struct RawSample {
  double t = 0;  // seconds
  double value = 0;
  SourceLocation at;
};

double unit_seconds(const std::string& unit) {
  if (unit == "ms") return 0.001;
  if (unit == "m") return 60;
  if (unit == "h") return 3600;
  if (unit == "d") return 86400;
  return 1;
}

bool is_missing(std::string_view v) { return v.empty() || v == "NaN" || v == "nan" || v == "null"; }

std::optional<double> parse_time(std::string_view text, const std::string& unit) {
  if (auto dt = parse_date_time(text)) return dt;
  auto n = parse_number(text);
  if (!n || !std::isfinite(*n)) return std::nullopt;
  return *n * unit_seconds(unit);
}

// Adds one sample; returns false for a skipped (missing) value.
void add_sample(std::vector<RawSample>& out, std::string_view time_text,
                std::string_view value_text, const TraceOptions& o, const SourceLocation& at) {
  if (is_missing(value_text)) return;
  auto t = parse_time(time_text, o.time_unit);
  if (!t) {
    throw InputError(at, fmt::format("bad time '{}' in column '{}'", time_text, o.time_column),
                     "write a date-time (2014-04-10 00:04:00) or a number of timeUnit");
  }
  auto v = parse_number(value_text);
  if (!v || !std::isfinite(*v)) {
    throw InputError(
        at, fmt::format("bad value '{}' in column '{}': not a number", value_text, o.column));
  }
  if (*v < 0) fail(at, "negative value {} in column '{}': users cannot be negative", *v, o.column);
  out.push_back({*t, *v, at});
}

std::vector<RawSample> csv_samples(std::string_view text, const TraceOptions& o) {
  CsvTable table = parse_csv(text, o.file, kMaxTraceRows);
  size_t vi = column_index(table, o.column, o.column_source, "trace value");
  size_t ti = column_index(table, o.time_column, o.time_column_source, "trace time");
  std::vector<RawSample> out;
  out.reserve(table.rows.size());
  for (const CsvRow& row : table.rows) {
    add_sample(out, row.fields[ti], row.fields[vi], o, SourceLocation{o.file, row.line, 0});
  }
  return out;
}

// A query_range response: the series o.series selects (all by default),
// summed per timestamp as PromQL's sum() does (a series without a sample at a
// time adds nothing there). NaN samples are skipped like empty CSV values.
std::vector<RawSample> prometheus_samples(std::string_view text, const TraceOptions& o,
                                          const SourceLocation& where) {
  const std::vector<PromSeries> all = parse_query_range(text, o.file, PromNaN::kSkip);
  const SourceLocation& at = o.series.empty() ? where : o.series_source;
  const std::vector<PromSeries> chosen =
      select_series(all, parse_label_matchers(o.series, at), o.series, o.file, at);
  std::map<int64_t, RawSample> sum;
  for (const PromSeries& s : chosen) {
    for (const PromSample& p : s.samples) {
      if (p.value < 0) {
        fail(p.at, "negative value {} in {}: users cannot be negative", p.value, s.text());
      }
      auto it =
          sum.try_emplace(p.t_ms, RawSample{static_cast<double>(p.t_ms) / 1000.0, 0, p.at}).first;
      it->second.value += p.value;
    }
  }
  std::vector<RawSample> out;
  out.reserve(sum.size());
  for (auto& kv : sum) out.push_back(kv.second);
  return out;
}

std::vector<RawSample> json_samples(std::string_view text, const TraceOptions& o,
                                    const SourceLocation& where) {
  YamlReader r(o.file);
  YAML::Node root = r.parse(text);
  std::vector<RawSample> out;
  auto scalar = [&](const YAML::Node& n, std::string_view what) -> std::string {
    if (n.IsNull() || !n.IsDefined()) return "";
    if (!n.IsScalar()) r.fail_at(n, fmt::format("{} must be a number", what));
    return n.Scalar();
  };
  if (root.IsMap()) return prometheus_samples(text, o, where);
  if (!root.IsSequence()) {
    throw InputError(where, fmt::format("{}: a JSON trace is a list of objects or a Prometheus "
                                        "query_range response",
                                        o.file));
  }
  for (const YAML::Node& item : root) {
    if (!item.IsMap()) r.fail_at(item, "each trace sample must be an object");
    YAML::Node t = item[o.time_column];
    if (!t.IsDefined()) {
      r.fail_at(item, fmt::format("sample has no '{}' (the trace's timeColumn)", o.time_column));
    }
    YAML::Node v = item[o.column];
    if (!v.IsDefined())
      r.fail_at(item, fmt::format("sample has no '{}' (the trace's column)", o.column));
    add_sample(out, scalar(t, "time"), scalar(v, "value"), o, r.where(item));
  }
  return out;
}

bool is_json(const std::string& file) {
  return file.size() >= 5 && file.compare(file.size() - 5, 5, ".json") == 0;
}

}  // namespace

std::vector<ProfilePoint> parse_trace(std::string_view text, const TraceOptions& o,
                                      const SourceLocation& where) {
  std::vector<RawSample> samples =
      is_json(o.file) ? json_samples(text, o, where) : csv_samples(text, o);
  if (samples.empty()) throw InputError(where, fmt::format("trace '{}' has no samples", o.file));
  const double t0 = samples.front().t;
  const double offset_s = static_cast<double>(o.start_offset.count()) / 1000.0;
  std::vector<ProfilePoint> points;
  for (size_t i = 0; i < samples.size(); ++i) {
    const RawSample& s = samples[i];
    if (i > 0 && !(s.t > samples[i - 1].t)) {
      throw InputError(s.at, "trace time does not increase",
                       fmt::format("the previous sample is at {}", samples[i - 1].at.to_string()));
    }
    const double ms = ((s.t - t0) - offset_s) * o.time_scale * 1000.0;
    if (std::abs(ms) > kMaxSimMs) {
      throw InputError(s.at, "trace time out of range", "check the trace's timeUnit and timeScale");
    }
    ProfilePoint p{SimDuration(std::llround(ms)), s.value * o.value_scale};
    if (!points.empty() && points.back().at == p.at) {
      points.back() = p;
    } else {
      points.push_back(p);
    }
  }
  if (points.back().at.count() < 0) {
    throw InputError(
        where,
        fmt::format("startOffset {} is past the end of trace '{}'", format_duration(o.start_offset),
                    o.file),
        fmt::format("the trace spans {} of its own time",
                    format_duration(SimDuration(std::llround((samples.back().t - t0) * 1000.0)))));
  }
  // Keep [last point <= 0, first point >= duration].
  size_t first = 0;
  while (first + 1 < points.size() && points[first + 1].at.count() <= 0) ++first;
  size_t last = first;
  while (last + 1 < points.size() && points[last].at < o.duration) ++last;
  return std::vector<ProfilePoint>(points.begin() + static_cast<std::ptrdiff_t>(first),
                                   points.begin() + static_cast<std::ptrdiff_t>(last) + 1);
}

std::vector<ProfilePoint> load_trace(const TraceOptions& o, const SourceLocation& where) {
  std::string text = read_text_file(o.file, kMaxTraceBytes, where, "trace");
  return parse_trace(text, o, where);
}

}  // namespace simcluster::scenario_internal
