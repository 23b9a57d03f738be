// `simcluster calibrate`: CSV samples -> a fit in scenario syntax.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "scenario/scenario_fixtures.h"
#include "simcluster/scenario.h"

using namespace simcluster;
using simcluster::testing::ScratchDir;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string calibrate_error(const std::string& csv, CalibrationOptions o = {}) {
  try {
    (void)calibrate_csv_text(csv, "samples.csv", o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// Synthetic samples of a pod: cpu = 25m + 6.5 millicore-s x rps, plus
// deterministic noise, written in cores as Prometheus exports them.
std::string synthetic_csv(double noise_milli) {
  std::string csv = "timestamp,rps,cpu_cores\n";
  uint64_t x = 7;
  for (int i = 0; i < 240; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    double noise =
        (static_cast<double>(x >> 33) / static_cast<double>(1ULL << 31) * 2 - 1) * noise_milli;
    double rps = 5 + 0.5 * (i % 120);
    double cores = (25 + 6.5 * rps + noise) / 1000.0;
    csv += fmt::format("{},{},{:.6f}\n", 1700000000 + 15 * i, rps, cores);
  }
  return csv;
}

}  // namespace

TEST_CASE("Calibration recovers baseline and cost from synthetic Prometheus samples") {
  CalibrationOptions o{.rate_column = "rps", .cpu_column = "cpu_cores", .service = "chat-service"};
  Calibration exact = calibrate_csv_text(synthetic_csv(0), "samples.csv", o);
  CHECK(exact.fit.n == 240);
  CHECK(exact.fit.baseline_milli == doctest::Approx(25).epsilon(1e-6));
  CHECK(exact.fit.cost == doctest::Approx(6.5).epsilon(1e-6));
  CHECK(exact.fit.r_squared == doctest::Approx(1.0));

  Calibration noisy = calibrate_csv_text(synthetic_csv(15), "samples.csv", o);
  CHECK(noisy.fit.cost == doctest::Approx(6.5).epsilon(0.02));
  CHECK(noisy.fit.baseline_milli == doctest::Approx(25).epsilon(0.2));
  CHECK(noisy.fit.r_squared > 0.98);
  CHECK(noisy.fit.r_squared < 1.0);
  CHECK(noisy.fit.rmse_milli > 5);
  CHECK(noisy.fit.rmse_milli < 15);

  std::string text = format_calibration(exact);
  CHECK(contains(text, "samples:  240 from samples.csv (columns rps and cpu_cores)"));
  CHECK(contains(text, "R^2:      1.0000"));
  CHECK(contains(text, "services:\n  chat-service:\n    cpuBaseline: 25m\n    cpuPerRequest: 6.5"));
}

TEST_CASE("Calibration reads millicores, skips NaN rows and reads files") {
  ScratchDir dir;
  dir.write("s.csv", "rate,cpu\n0,50m\n10,170m\nNaN,1\n20,0.29\n");
  Calibration c = calibrate_csv(dir.file("s.csv"), {});
  CHECK(c.fit.n == 3);
  CHECK(c.skipped_rows == 1);
  CHECK(c.fit.baseline_milli == doctest::Approx(50));
  CHECK(c.fit.cost == doctest::Approx(12));
  CHECK(contains(format_calibration(c), "1 row(s) skipped"));
  CHECK(contains(format_calibration(c), "  SERVICE:\n"));
}

TEST_CASE("Bad calibration input is an error at the file and line") {
  CHECK(contains(calibrate_error("rate,cpu\n1,0.1\n2,lots\n"),
                 "samples.csv:3: bad cpu 'lots' in column 'cpu'"));
  CHECK(contains(calibrate_error("rate,cpu\n1,0.1\n-2,0.2\n"), "samples.csv:3: bad rate '-2'"));
  CHECK(contains(calibrate_error("rate,cpu\n1,0.1,9\n"), "samples.csv:2: row has 3 field(s)"));
  CHECK(contains(calibrate_error("rps,cpu\n1,0.1\n"),
                 "samples.csv:1: rate column 'rate' is not in samples.csv"));
  CalibrationOptions o;
  o.cpu_column = "cpu_core";
  CHECK(contains(calibrate_error("rate,cpu_cores\n1,0.1\n", o), "did you mean 'cpu_cores'?"));
  CHECK(contains(calibrate_error("rate,cpu\n1,0.1\n"), "1 sample(s): a line needs at least 2"));
  CHECK(
      contains(calibrate_error("rate,cpu\n3,0.1\n3,0.2\n"), "every sample has the same rate (3)"));
  CHECK_THROWS_WITH_AS(calibrate_csv("/nonexistent.csv", {}),
                       doctest::Contains("cannot read samples file"), InputError);
}

TEST_CASE("A poor fit says so") {
  Calibration c = calibrate_csv_text("rate,cpu\n1,0.5\n2,0.1\n3,0.6\n4,0.05\n", "s.csv", {});
  std::string text = format_calibration(c);
  CHECK(c.fit.r_squared < 0.8);
  CHECK(contains(text, "the fit is poor"));
}
