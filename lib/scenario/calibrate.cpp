// `simcluster calibrate`: fit cpu = baseline + cost x rate from CSV samples
// (scenario.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "scenario/csv.h"
#include "scenario/prometheus.h"
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

// The notes on a fit and the scenario snippet, shared by both inputs.
std::string fit_notes(const CpuFit& f) {
  std::string out;
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
  return out;
}

std::string service_snippet(const std::string& service, const CpuFit& f) {
  std::string out = fmt::format("  {}:\n", service);
  out +=
      fmt::format("    cpuBaseline: {}m\n", std::max<int64_t>(0, std::llround(f.baseline_milli)));
  out += fmt::format("    cpuPerRequest: {:.4g}   # millicore-seconds per request\n",
                     std::max(0.0, f.cost));
  return out;
}

using scenario_internal::PromSample;
using scenario_internal::PromSeries;

struct CpuAt {
  double milli = 0;
  size_t pods = 0;
  SourceLocation at;
};

// One Service's samples: requests per second (summed over its rate series) and
// CPU (summed over its pods) at each timestamp.
struct Group {
  std::map<int64_t, std::pair<double, SourceLocation>> rate;
  std::map<int64_t, CpuAt> cpu;
};

std::string unix_seconds(int64_t ms) {
  return ms % 1000 == 0 ? fmt::format("{}", ms / 1000) : fmt::format("{:.3f}", ms / 1000.0);
}

ServiceCalibration fit_group(const std::string& service, const Group& g,
                             const PromCalibrationOptions& o) {
  const SourceLocation rate_file{o.rate_file, 0, 0};
  const std::string who = service.empty() ? "" : fmt::format(" of Service '{}'", service);
  for (const auto& [t, rate] : g.rate) {
    if (!g.cpu.contains(t)) {
      throw InputError(rate.second,
                       fmt::format("time {} has a rate{} but no cpu sample in {}", unix_seconds(t),
                                   who, o.cpu_file),
                       "run both queries with the same start, end and step");
    }
  }
  for (const auto& [t, cpu] : g.cpu) {
    if (!g.rate.contains(t)) {
      throw InputError(cpu.at,
                       fmt::format("time {} has a cpu sample{} but no rate in {}", unix_seconds(t),
                                   who, o.rate_file),
                       "run both queries with the same start, end and step");
    }
  }
  ServiceCalibration out;
  out.service = service;
  std::vector<double> rates, cpus;
  std::vector<int64_t> times;
  out.min_pods = SIZE_MAX;
  for (const auto& [t, cpu] : g.cpu) {
    const double pods = static_cast<double>(cpu.pods);
    rates.push_back(g.rate.at(t).first / pods);
    cpus.push_back(cpu.milli / pods);
    times.push_back(t);
    out.min_pods = std::min(out.min_pods, cpu.pods);
    out.max_pods = std::max(out.max_pods, cpu.pods);
  }
  if (rates.size() < kMinCalibrationSamples) {
    throw InputError(rate_file,
                     fmt::format("{} sample(s){}: too few for a meaningful fit (at least {})",
                                 rates.size(), who, kMinCalibrationSamples),
                     "query a longer range or a shorter step");
  }
  const auto [lo, hi] = std::minmax_element(rates.begin(), rates.end());
  if (*hi - *lo <= 1e-9 * std::max(1.0, std::abs(*hi))) {
    throw InputError(
        rate_file,
        fmt::format("the rate per pod{} does not vary ({:.6g}/s at every sample)", who, *lo),
        "the cost per request cannot be told from the baseline; query a range "
        "with quiet and busy periods");
  }
  out.fit = fit_cpu_model(rates, cpus, rate_file);
  for (size_t i = 0; i < rates.size(); ++i) {
    const double r = cpus[i] - (out.fit.baseline_milli + out.fit.cost * rates[i]);
    if (std::abs(r) > std::abs(out.max_residual_milli)) {
      out.max_residual_milli = r;
      out.max_residual_t_ms = times[i];
    }
  }
  return out;
}

}  // namespace

PromCalibration calibrate_prometheus_text(std::string_view rate_json, std::string_view cpu_json,
                                          const PromCalibrationOptions& o) {
  using namespace scenario_internal;
  const SourceLocation rate_at{o.rate_file, 0, 0}, cpu_at{o.cpu_file, 0, 0};
  const std::vector<PromSeries> rate = select_series(
      parse_query_range(rate_json, o.rate_file, PromNaN::kError),
      parse_label_matchers(o.rate_series, rate_at), o.rate_series, o.rate_file, rate_at);
  const std::vector<PromSeries> cpu =
      select_series(parse_query_range(cpu_json, o.cpu_file, PromNaN::kError),
                    parse_label_matchers(o.cpu_series, cpu_at), o.cpu_series, o.cpu_file, cpu_at);
  PromCalibration out;
  out.options = o;
  out.rate_series = rate.size();
  out.cpu_series = cpu.size();
  // Per Service when the rate series name more than one.
  std::set<std::string> names;
  for (const PromSeries& s : rate) names.insert(s.label("service"));
  const bool per_service = names.size() > 1;
  std::map<std::string, Group> groups;
  for (const PromSeries& s : rate) {
    const std::string key = per_service ? s.label("service") : "";
    if (per_service && !o.service.empty() && key != o.service) continue;
    Group& g = groups[key];
    for (const PromSample& p : s.samples) {
      if (p.value < 0) {
        fail(p.at, "negative rate {} in {}: requests per second must be >= 0", p.value, s.text());
      }
      auto it = g.rate.try_emplace(p.t_ms, 0.0, p.at).first;
      it->second.first += p.value;
    }
  }
  if (per_service && !o.service.empty() && groups.empty()) {
    throw InputError(rate_at,
                     fmt::format("no rate series of {} has service=\"{}\"", o.rate_file, o.service),
                     fmt::format("the Services there: {}", fmt::join(names, ", ")));
  }
  for (const PromSeries& s : cpu) {
    const std::string key = per_service ? s.label("service") : "";
    auto g = groups.find(key);
    if (g == groups.end()) continue;  // a Service without a rate series, or not chosen
    for (const PromSample& p : s.samples) {
      if (p.value < 0) {
        fail(p.at, "negative cpu {} in {}: CPU usage must be >= 0", p.value, s.text());
      }
      CpuAt& c = g->second.cpu.try_emplace(p.t_ms, CpuAt{0, 0, p.at}).first->second;
      c.milli += p.value * 1000.0;
      ++c.pods;
    }
  }
  for (const auto& [name, g] : groups) {
    if (g.cpu.empty()) {
      throw InputError(cpu_at,
                       fmt::format("no cpu series of {} has service=\"{}\"", o.cpu_file, name),
                       "the cpu query must keep the service label: sum by (service, pod) (...)");
    }
    out.services.push_back(fit_group(name.empty() ? o.service : name, g, o));
  }
  return out;
}

PromCalibration calibrate_prometheus(const PromCalibrationOptions& o) {
  auto read = [](const std::string& path) {
    return scenario_internal::read_text_file(path, kMaxSamplesBytes, SourceLocation{path, 0, 0},
                                             "Prometheus response");
  };
  const std::string rate = read(o.rate_file);
  const std::string cpu = o.cpu_file == o.rate_file ? rate : read(o.cpu_file);
  return calibrate_prometheus_text(rate, cpu, o);
}

std::string format_calibration(const PromCalibration& c) {
  const PromCalibrationOptions& o = c.options;
  auto source = [](const std::string& file, const std::string& selector, size_t n) {
    return fmt::format("{}{} ({} series)", file, selector, n);
  };
  std::string out =
      fmt::format("rate:     {}, summed\n", source(o.rate_file, o.rate_series, c.rate_series));
  out += fmt::format("cpu:      {}, one series per pod\n",
                     source(o.cpu_file, o.cpu_series, c.cpu_series));
  std::string snippet;
  for (const ServiceCalibration& s : c.services) {
    const CpuFit& f = s.fit;
    const std::string name = s.service.empty() ? "SERVICE" : s.service;
    out += fmt::format("\n{}:\n", name);
    out += fmt::format("samples:  {} (timestamps in both files), {} pod(s)\n", f.n,
                       s.min_pods == s.max_pods ? fmt::format("{}", s.min_pods)
                                                : fmt::format("{}-{}", s.min_pods, s.max_pods));
    out += fmt::format(
        "fit:      cpu per pod = {:.1f}m + {:.4g} millicore-seconds x requests/s per pod\n",
        f.baseline_milli, f.cost);
    out += fmt::format("R^2:      {:.4f}\n", f.r_squared);
    out += fmt::format("residual: RMSE {:.1f}m, largest {:+.1f}m at {}\n", f.rmse_milli,
                       s.max_residual_milli, unix_seconds(s.max_residual_t_ms));
    out += fit_notes(f);
    snippet += service_snippet(name, f);
  }
  return out + "\nIn scenario syntax:\n\nservices:\n" + snippet;
}

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
  out += fit_notes(f);
  const std::string service = c.options.service.empty() ? "SERVICE" : c.options.service;
  out += "\nIn scenario syntax:\n\n";
  out += "services:\n";
  out += service_snippet(service, f);
  return out;
}

}  // namespace simcluster
