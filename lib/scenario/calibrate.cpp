// `simcluster calibrate`: fit cpu = baseline + cost x rate from CSV samples
// (scenario.h).
#include <fmt/format.h>

#include <cmath>

#include "scenario/csv.h"
#include "simcluster/scenario.h"

namespace simcluster {
namespace {

constexpr size_t kMaxSamplesBytes = size_t{256} << 20;
constexpr size_t kMaxSamples = 10'000'000;

bool is_missing(std::string_view v) {
  return v.empty() || v == "NaN" || v == "nan" || v == "null" || v == "-";
}

// A Kubernetes CPU quantity ("0.25" cores, "250m") -> millicores; also plain
// numbers in scientific notation as Prometheus writes them ("1.5e-02").
std::optional<double> cpu_milli(std::string_view text) {
  if (auto q = Quantity::parse(text)) return static_cast<double>(q->nano()) / 1e6;
  if (auto n = scenario_internal::parse_number(text)) return *n * 1000.0;
  return std::nullopt;
}

}  // namespace

Calibration calibrate_csv_text(std::string_view csv, const std::string& file_name,
                               const CalibrationOptions& options) {
  using scenario_internal::column_index;
  scenario_internal::CsvTable table = scenario_internal::parse_csv(csv, file_name, kMaxSamples);
  const SourceLocation header{file_name, table.header_line, 0};
  const size_t ri = column_index(table, options.rate_column, header, "rate");
  const size_t ci = column_index(table, options.cpu_column, header, "cpu");
  Calibration out;
  out.file = file_name;
  out.options = options;
  std::vector<double> rates, cpus;
  for (const scenario_internal::CsvRow& row : table.rows) {
    const std::string& r = row.fields[ri];
    const std::string& c = row.fields[ci];
    if (is_missing(r) || is_missing(c)) {
      ++out.skipped_rows;
      continue;
    }
    const SourceLocation at{file_name, row.line, 0};
    auto rate = scenario_internal::parse_number(r);
    if (!rate || !std::isfinite(*rate) || *rate < 0) {
      fail(at, "bad rate '{}' in column '{}': requests per second must be a number >= 0", r,
           options.rate_column);
    }
    auto cpu = cpu_milli(c);
    if (!cpu || !std::isfinite(*cpu) || *cpu < 0) {
      throw InputError(at, fmt::format("bad cpu '{}' in column '{}'", c, options.cpu_column),
                       "write cores (0.25) or millicores (250m)");
    }
    rates.push_back(*rate);
    cpus.push_back(*cpu);
  }
  out.fit = fit_cpu_model(rates, cpus, SourceLocation{file_name, 0, 0});
  return out;
}

Calibration calibrate_csv(const std::string& path, const CalibrationOptions& options) {
  std::string text = scenario_internal::read_text_file(path, kMaxSamplesBytes,
                                                       SourceLocation{path, 0, 0}, "samples file");
  return calibrate_csv_text(text, path, options);
}

std::string format_calibration(const Calibration& c) {
  const CpuFit& f = c.fit;
  std::string out;
  out += fmt::format("samples:  {} from {} (columns {} and {})", f.n, c.file, c.options.rate_column,
                     c.options.cpu_column);
  if (c.skipped_rows > 0) out += fmt::format(", {} row(s) skipped (empty or NaN)", c.skipped_rows);
  out += "\n";
  out += fmt::format("fit:      cpu = {:.1f}m + {:.4g} millicore-seconds x rate\n",
                     f.baseline_milli, f.cost);
  out += fmt::format("R^2:      {:.4f}\n", f.r_squared);
  out += fmt::format("RMSE:     {:.1f}m\n", f.rmse_milli);
  if (f.r_squared < 0.8) {
    out +=
        "note:     the fit is poor (R^2 < 0.8): CPU may not follow this rate; check the "
        "columns and the sampling window\n";
  }
  if (f.baseline_milli < 0) {
    out +=
        "note:     the baseline came out negative (the samples may not reach low rates); "
        "cpuBaseline is written as 0m\n";
  }
  if (f.cost < 0) {
    out +=
        "note:     the cost came out negative: CPU falls as the rate rises; this rate does not "
        "drive this CPU\n";
  }
  const std::string service = c.options.service.empty() ? "SERVICE" : c.options.service;
  out += "\nIn scenario syntax:\n\n";
  out += "services:\n";
  out += fmt::format("  {}:\n", service);
  out +=
      fmt::format("    cpuBaseline: {}m\n", std::max<int64_t>(0, std::llround(f.baseline_milli)));
  out += fmt::format("    cpuPerRequest: {:.4g}   # millicore-seconds per request\n",
                     std::max(0.0, f.cost));
  return out;
}

}  // namespace simcluster
