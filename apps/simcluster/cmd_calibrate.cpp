// simcluster calibrate SAMPLES.csv [--rate-column NAME] [--cpu-column NAME] [--service NAME]
#include <fmt/format.h>

#include "commands.h"
#include "simcluster/scenario.h"

namespace simcluster::cli {
namespace {

constexpr const char* kCalibrateUsage = R"(Usage: simcluster calibrate SAMPLES.csv [flags]

Fits cpu = baseline + cost x rate by least squares to measured samples (e.g. a
Prometheus export with one row per scrape) and prints the fit quality and the
values in scenario syntax (services.<name>.cpuBaseline / cpuPerRequest).

The CSV needs a header row. The rate column is requests per second; the cpu
column is a Kubernetes CPU quantity: cores (0.25, as Prometheus' rate of
container_cpu_usage_seconds_total gives) or millicores (250m). Rows with an
empty or NaN field are skipped.

Flags:
  --rate-column NAME   column with requests per second (default: rate)
  --cpu-column NAME    column with CPU usage of one pod (default: cpu)
  --service NAME       Service name to print in the scenario snippet
)";

}  // namespace

int cmd_calibrate(const Args& args) {
  CalibrationOptions options;
  std::string file;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      fmt::print("{}", kCalibrateUsage);
      return 0;
    }
    if (a == "--rate-column" || a == "--cpu-column" || a == "--service") {
      if (i + 1 >= args.size()) {
        fmt::print(stderr, "simcluster calibrate: {} needs a value\n\n{}", a, kCalibrateUsage);
        return 2;
      }
      const std::string& v = args[++i];
      (a == "--rate-column"  ? options.rate_column
       : a == "--cpu-column" ? options.cpu_column
                             : options.service) = v;
      continue;
    }
    if (a.starts_with("-") && a != "-") {
      std::string guess =
          closest_match(a, {"--rate-column", "--cpu-column", "--service", "--help"});
      fmt::print(stderr, "simcluster calibrate: unknown flag '{}'{}\n\n{}", a,
                 guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess), kCalibrateUsage);
      return 2;
    }
    if (!file.empty()) {
      fmt::print(stderr, "simcluster calibrate: one samples file, got '{}' and '{}'\n", file, a);
      return 2;
    }
    file = a;
  }
  if (file.empty()) {
    fmt::print(stderr, "simcluster calibrate: no samples file\n\n{}", kCalibrateUsage);
    return 2;
  }
  Calibration c = calibrate_csv(file, options);
  fmt::print("{}", format_calibration(c));
  return 0;
}

}  // namespace simcluster::cli
