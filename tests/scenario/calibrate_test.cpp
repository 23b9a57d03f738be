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

namespace {

// A query_range response; each series is (labels JSON, [(t, "value")]).
std::string prom_response(
    const std::vector<std::pair<std::string, std::vector<std::pair<int64_t, std::string>>>>&
        series) {
  std::string out = R"({"status":"success","data":{"resultType":"matrix","result":[)";
  for (size_t i = 0; i < series.size(); ++i) {
    out += fmt::format("{}\n{{\"metric\":{},\"values\":[", i > 0 ? "," : "", series[i].first);
    for (size_t j = 0; j < series[i].second.size(); ++j) {
      out += fmt::format("{}[{},\"{}\"]", j > 0 ? "," : "", series[i].second[j].first,
                         series[i].second[j].second);
    }
    out += "]}";
  }
  return out + "]}}\n";
}

// 12 scrapes 60 s apart of a Service whose pods use 20m + 4 millicore-s per
// request: pods 2 (first half) then 3; rate 10..120 rps.
struct PromFixture {
  std::vector<std::pair<int64_t, std::string>> rate;
  std::vector<std::pair<int64_t, std::string>> pod[3];
  PromFixture() {
    for (int i = 0; i < 12; ++i) {
      const int64_t t = 1700000000 + 60 * i;
      const double rps = 10.0 * (i + 1);
      const int pods = i < 6 ? 2 : 3;
      rate.emplace_back(t, fmt::format("{}", rps));
      for (int p = 0; p < pods; ++p) {
        pod[p].emplace_back(t, fmt::format("{}", (20 + 4 * rps / pods) / 1000.0));
      }
    }
  }
};

std::string prom_error(const std::string& rate, const std::string& cpu,
                       PromCalibrationOptions o = {.rate_file = "rate.json",
                                                   .cpu_file = "cpu.json"}) {
  try {
    (void)calibrate_prometheus_text(rate, cpu, o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("Calibration from Prometheus query_range: per-pod CPU against the rate per pod") {
  PromFixture f;
  const std::string rate = prom_response({{"{}", f.rate}});
  const std::string cpu = prom_response({{R"({"pod":"chat-a"})", f.pod[0]},
                                         {R"({"pod":"chat-b"})", f.pod[1]},
                                         {R"({"pod":"chat-c"})", f.pod[2]}});
  PromCalibrationOptions o{
      .rate_file = "rate.json", .cpu_file = "cpu.json", .service = "chat-service"};
  PromCalibration c = calibrate_prometheus_text(rate, cpu, o);
  REQUIRE(c.services.size() == 1);
  const ServiceCalibration& s = c.services[0];
  CHECK(s.fit.n == 12);
  CHECK(s.min_pods == 2);
  CHECK(s.max_pods == 3);
  CHECK(s.fit.baseline_milli == doctest::Approx(20).epsilon(1e-6));
  CHECK(s.fit.cost == doctest::Approx(4).epsilon(1e-6));
  CHECK(s.fit.r_squared == doctest::Approx(1.0));
  const std::string text = format_calibration(c);
  CHECK(contains(text, "rate:     rate.json (1 series), summed"));
  CHECK(contains(text, "cpu:      cpu.json (3 series), one series per pod"));
  CHECK(contains(text, "samples:  12 (timestamps in both files), 2-3 pod(s)"));
  CHECK(contains(text, "R^2:      1.0000"));
  CHECK(contains(text, "residual: RMSE 0.0m"));
  CHECK(contains(text, "services:\n  chat-service:\n    cpuBaseline: 20m\n    cpuPerRequest: 4 "));

  // One file: both queries' series, told apart by selectors.
  const std::string both = prom_response({{R"({"q":"rps"})", f.rate},
                                          {R"({"q":"cpu","pod":"a"})", f.pod[0]},
                                          {R"({"q":"cpu","pod":"b"})", f.pod[1]},
                                          {R"({"q":"cpu","pod":"c"})", f.pod[2]}});
  PromCalibrationOptions one{.rate_file = "all.json",
                             .cpu_file = "all.json",
                             .rate_series = R"({q="rps"})",
                             .cpu_series = R"({q=~"c.u", pod!="zz"})"};
  PromCalibration c1 = calibrate_prometheus_text(both, both, one);
  REQUIRE(c1.services.size() == 1);
  CHECK(c1.cpu_series == 3);
  CHECK(c1.services[0].fit.cost == doctest::Approx(4).epsilon(1e-6));
  CHECK(contains(format_calibration(c1), "  SERVICE:\n"));
}

TEST_CASE("Calibration from Prometheus fits each Service of a `service` label") {
  PromFixture f;
  std::vector<std::pair<int64_t, std::string>> slow;  // 50m + 10 x rps on one pod
  for (const auto& [t, v] : f.rate) {
    slow.emplace_back(t, fmt::format("{}", (50 + 10 * std::stod(v)) / 1000.0));
  }
  const std::string rate =
      prom_response({{R"({"service":"chat"})", f.rate}, {R"({"service":"auth"})", f.rate}});
  const std::string cpu = prom_response({{R"({"service":"chat","pod":"a"})", f.pod[0]},
                                         {R"({"service":"chat","pod":"b"})", f.pod[1]},
                                         {R"({"service":"chat","pod":"c"})", f.pod[2]},
                                         {R"({"service":"auth","pod":"x"})", slow}});
  PromCalibration c =
      calibrate_prometheus_text(rate, cpu, {.rate_file = "rate.json", .cpu_file = "cpu.json"});
  REQUIRE(c.services.size() == 2);
  CHECK(c.services[0].service == "auth");
  CHECK(c.services[0].fit.baseline_milli == doctest::Approx(50).epsilon(1e-6));
  CHECK(c.services[0].fit.cost == doctest::Approx(10).epsilon(1e-6));
  CHECK(c.services[1].service == "chat");
  CHECK(c.services[1].fit.cost == doctest::Approx(4).epsilon(1e-6));
  CHECK(contains(format_calibration(c), "services:\n  auth:\n    cpuBaseline: 50m\n"));

  PromCalibration only = calibrate_prometheus_text(
      rate, cpu, {.rate_file = "rate.json", .cpu_file = "cpu.json", .service = "chat"});
  REQUIRE(only.services.size() == 1);
  CHECK(only.services[0].service == "chat");
  CHECK(contains(
      prom_error(rate, cpu, {.rate_file = "rate.json", .cpu_file = "cpu.json", .service = "web"}),
      "no rate series of rate.json has service=\"web\""));
}

TEST_CASE("Prometheus calibration refuses bad responses and meaningless fits with the reason") {
  PromFixture f;
  const std::string rate = prom_response({{"{}", f.rate}});
  const std::string cpu = prom_response({{R"({"pod":"a"})", f.pod[0]}});
  CHECK(prom_error(rate, cpu).empty());
  CHECK(contains(
      prom_error(R"({"status":"error","errorType":"bad_data","error":"parse error"})", cpu),
      "rate.json:1:11: Prometheus answered with an error: bad_data: parse error"));
  CHECK(contains(prom_error(rate, R"({"status":"success","data":{"resultType":"vector",
      "result":[{"metric":{},"value":[1700000000,"1"]}]}})"),
                 "cpu.json:1:42: data.resultType is \"vector\"; a range of samples is \"matrix\""));
  CHECK(contains(prom_error(rate, "[1, 2]"), "cpu.json: not a Prometheus query_range response"));
  std::string nan = cpu;
  nan.replace(nan.find("\"0.04\""), 6, "\"NaN\"");
  CHECK(contains(prom_error(rate, nan), "cpu.json:2:"));
  CHECK(contains(prom_error(rate, nan), "{pod=\"a\"} has a NaN value at 1700000000"));
  std::string inf = rate;
  inf.replace(inf.find("\"30\""), 4, "\"+Inf\"");
  CHECK(contains(prom_error(inf, cpu), "has an infinite value (+Inf) at 1700000120"));
  std::string word = rate;
  word.replace(word.find("\"30\""), 4, "\"lots\"");
  CHECK(contains(prom_error(word, cpu), "rate.json:2:"));
  CHECK(contains(prom_error(word, cpu), "bad value 'lots': not a number"));
  // Timestamps in one file and not the other.
  std::vector<std::pair<int64_t, std::string>> shifted = f.pod[0];
  shifted[3].first += 15;
  CHECK(contains(prom_error(rate, prom_response({{"{}", shifted}})),
                 "rate.json:2:78: time 1700000180 has a rate but no cpu sample in cpu.json"));
  // Too few points; no variation in the rate.
  std::vector<std::pair<int64_t, std::string>> few(f.rate.begin(), f.rate.begin() + 5);
  std::vector<std::pair<int64_t, std::string>> few_cpu(f.pod[0].begin(), f.pod[0].begin() + 5);
  CHECK(contains(prom_error(prom_response({{"{}", few}}), prom_response({{"{}", few_cpu}})),
                 "rate.json: 5 sample(s): too few for a meaningful fit (at least 6)"));
  std::vector<std::pair<int64_t, std::string>> flat = f.rate;
  for (auto& p : flat) p.second = "42";
  CHECK(contains(prom_error(prom_response({{"{}", flat}}), cpu),
                 "the rate per pod does not vary (42/s at every sample)"));
  // Selectors: matching nothing lists the series; a malformed one says where.
  PromCalibrationOptions sel{
      .rate_file = "rate.json", .cpu_file = "cpu.json", .cpu_series = R"({pod="b"})"};
  CHECK(contains(prom_error(rate, cpu, sel), "no series of cpu.json matches {pod=\"b\"}"));
  CHECK(contains(prom_error(rate, cpu, sel), "the series are {pod=\"a\"}"));
  sel.cpu_series = "{pod=b}";
  CHECK(contains(prom_error(rate, cpu, sel),
                 "bad label selector '{pod=b}' at offset 5: a quoted value expected"));
  CHECK(contains(prom_error("{", cpu), "rate.json:"));
}
