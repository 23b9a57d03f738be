// simcluster calibrate: fit a Service's CPU cost from measured samples, a CSV
// (SAMPLES.csv [--rate-column NAME] [--cpu-column NAME]) or Prometheus
// query_range responses (--rate RATE.json --cpu CPU.json, or SAMPLES.json with
// both queries' series). Exit codes: 0 ok, 1 input error, 2 usage error.
#include <fmt/format.h>

#include "args.h"
#include "commands.h"
#include "simcluster/scenario.h"

namespace simcluster::cli {
namespace {

constexpr const char* kCalibrateUsage =
    R"(simcluster calibrate - fit a Service's CPU cost from measured samples

Usage:
  simcluster calibrate SAMPLES.csv [--rate-column NAME] [--cpu-column NAME] [--service NAME]
  simcluster calibrate --rate RATE.json --cpu CPU.json [--rate-series SEL] [--cpu-series SEL]
                       [--service NAME]
  simcluster calibrate SAMPLES.json --rate-series SEL --cpu-series SEL [--service NAME]

Fits cpu = baseline + cost x rate by least squares to measured samples and
prints the fit quality (R^2, residuals, the sample count) and the values in
scenario syntax (services.<name>.cpuBaseline / cpuPerRequest).

A CSV needs a header row. The rate column is requests per second; the cpu
column is a Kubernetes CPU quantity: cores (0.25, as Prometheus' rate of
container_cpu_usage_seconds_total gives) or millicores (250m). Rows with an
empty or NaN field are skipped.

Prometheus: save the JSON of /api/v1/query_range (resultType matrix) for the
request rate and for the CPU per pod, with the same start, end and step. The
rate series are summed; each cpu series is one pod; the fit is of the mean CPU
per pod against requests per second per pod, at each timestamp. When the rate
series carry a `service` label with several values, each Service is fitted
(the cpu series grouped by their `service` label). Both queries may be in one
file (e.g. joined with 'or' and told apart by a label): choose with the
selectors. Refused, with the reason: fewer than 6 timestamps, a rate that does
not vary, NaN or infinite values, timestamps in one file and not the other,
an error or non-matrix response.

Flags:
      --rate-column NAME  CSV column with requests per second (default: rate)
      --cpu-column NAME   CSV column with the CPU usage of one pod (default: cpu)
      --rate FILE         Prometheus response with requests per second
      --cpu FILE          Prometheus response with CPU cores per pod (may be
                          the --rate file)
      --rate-series SEL   PromQL label matchers choosing the rate series:
                          '{service="chat"}' (default: every series)
      --cpu-series SEL    the same for the cpu series: '{pod=~"chat-.*"}'
      --service NAME      the Service's name in the scenario snippet; with
                          per-Service rate series, fit only this one
  -h, --help              show this help

Exit codes: 0 ok, 1 input error (file:line:col: message), 2 usage error.

Examples:
  simcluster calibrate samples.csv --rate-column rps --cpu-column cpu_cores \
      --service chat-service
  curl -s http://prometheus:9090/api/v1/query_range -d start=2026-03-02T08:00:00Z \
      -d end=2026-03-02T20:00:00Z -d step=60s \
      --data-urlencode 'query=sum(rate(http_requests_total{service="chat"}[5m]))' > rate.json
  curl -s http://prometheus:9090/api/v1/query_range -d start=2026-03-02T08:00:00Z \
      -d end=2026-03-02T20:00:00Z -d step=60s --data-urlencode \
      'query=sum by (pod) (rate(container_cpu_usage_seconds_total{pod=~"chat-.*",container!=""}[5m]))' \
      > cpu.json
  simcluster calibrate --rate rate.json --cpu cpu.json --service chat-service
  simcluster calibrate --rate rate.json --cpu cpu.json --cpu-series '{namespace="prod"}'
)";

const std::vector<std::string> kFlags = {"--rate-column", "--cpu-column", "--rate",    "--cpu",
                                         "--rate-series", "--cpu-series", "--service", "--help"};

int usage_error(const std::string& message) {
  fmt::print(stderr, "simcluster calibrate: {}\nRun 'simcluster calibrate --help' for usage.\n",
             message);
  return 2;
}

bool is_json(const std::string& file) { return file.ends_with(".json"); }

}  // namespace

int cmd_calibrate(const Args& args) {
  CalibrationOptions csv;
  PromCalibrationOptions prom;
  std::string file;
  bool csv_flags = false;
  try {
    for (ArgCursor c(args); !c.done(); c.advance()) {
      const std::string& a = c.arg();
      if (a == "--help" || a == "-h") {
        fmt::print("{}", kCalibrateUsage);
        return 0;
      }
      if (c.is("--rate-column")) {
        csv.rate_column = c.value("--rate-column");
        csv_flags = true;
      } else if (c.is("--cpu-column")) {
        csv.cpu_column = c.value("--cpu-column");
        csv_flags = true;
      } else if (c.is("--rate-series")) {
        prom.rate_series = c.value("--rate-series");
      } else if (c.is("--cpu-series")) {
        prom.cpu_series = c.value("--cpu-series");
      } else if (c.is("--rate")) {
        prom.rate_file = c.value("--rate");
      } else if (c.is("--cpu")) {
        prom.cpu_file = c.value("--cpu");
      } else if (c.is("--service")) {
        csv.service = prom.service = c.value("--service");
      } else if (a.starts_with("-") && a != "-") {
        throw unknown_flag(a, kFlags);
      } else if (!file.empty()) {
        throw UsageError{fmt::format("one samples file, got '{}' and '{}'", file, a)};
      } else {
        file = a;
      }
    }
    const bool prom_files = !prom.rate_file.empty() || !prom.cpu_file.empty();
    if (prom_files && !file.empty()) {
      throw UsageError{
          fmt::format("give either SAMPLES ('{}') or --rate and --cpu, not both", file)};
    }
    if (!file.empty() && is_json(file)) prom.rate_file = prom.cpu_file = file;
    if (prom_files || (!file.empty() && is_json(file))) {
      if (csv_flags) throw UsageError{"--rate-column and --cpu-column are for a CSV file"};
      if (prom.rate_file.empty()) throw UsageError{"--cpu needs --rate (the request rate)"};
      if (prom.cpu_file.empty()) throw UsageError{"--rate needs --cpu (the CPU per pod)"};
      if (prom.rate_file == prom.cpu_file &&
          (prom.rate_series.empty() || prom.cpu_series.empty())) {
        throw UsageError{
            "one file for rate and cpu needs both --rate-series and --cpu-series to tell its "
            "series apart"};
      }
      fmt::print("{}", format_calibration(calibrate_prometheus(prom)));
      return 0;
    }
    if (!prom.rate_series.empty() || !prom.cpu_series.empty()) {
      throw UsageError{"--rate-series and --cpu-series are for Prometheus responses (.json)"};
    }
    if (file.empty()) throw UsageError{"no samples: give SAMPLES.csv, or --rate and --cpu"};
  } catch (const UsageError& e) {
    return usage_error(e.message);
  }
  Calibration c = calibrate_csv(file, csv);
  fmt::print("{}", format_calibration(c));
  return 0;
}

}  // namespace simcluster::cli
