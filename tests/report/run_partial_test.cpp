// Run partials (run_partial.h): a ScenarioRun written into a partial and read
// back renders the same bytes in every format as the original, for a
// hand-built report with every awkward figure (inf, NaN, -0, denormals, the
// largest seed, extended resources, absent optionals) and for the run of
// every shipped scenario (the golden reports); and what is not a run partial
// is an input error naming the file.
#include "simcluster/run_partial.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "sample_report.h"
#include "simcluster/error.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "testing/in_source_dir.h"

using namespace simcluster;
namespace fs = std::filesystem;

namespace {

// Every rendering of one report: all -o formats, openmetrics at two starts.
std::vector<std::string> renderings(const Report& r) {
  std::vector<std::string> out;
  for (ReportFormat f :
       {ReportFormat::kText, ReportFormat::kWide, ReportFormat::kJson, ReportFormat::kYaml,
        ReportFormat::kCsv, ReportFormat::kHtml, ReportFormat::kOpenMetrics}) {
    out.push_back(render_report(r, f));
  }
  out.push_back(render_openmetrics(r, 1'700'000'000'250));
  return out;
}

ScenarioRun round_trip(const ScenarioRun& run, size_t task = 0) {
  RunPartial p;
  p.version = "test";
  p.digest = "fnv1a64:0";
  p.args = {"--filename=x.yaml"};
  p.shard = task;
  p.shards = task + 1;
  p.tasks = task + 1;
  p.results.emplace_back(task, run);
  const std::string text = write_run_partial(p);
  CHECK(partial_command(text) == "run");
  RunPartial back = read_run_partial(text, "p.json");
  CHECK(back.version == p.version);
  CHECK(back.digest == p.digest);
  CHECK(back.args == p.args);
  CHECK(back.shard == p.shard);
  CHECK(back.shards == p.shards);
  CHECK(back.tasks == p.tasks);
  REQUIRE(back.results.size() == 1);
  CHECK(back.results[0].first == task);
  // Written again, the same bytes: nothing drifts on a second trip.
  CHECK(write_run_partial(back) == text);
  return back.results[0].second;
}

void check_same_renderings(const Report& a, const Report& b) {
  const std::vector<std::string> ra = renderings(a), rb = renderings(b);
  REQUIRE(ra.size() == rb.size());
  for (size_t i = 0; i < ra.size(); ++i) {
    CAPTURE(i);
    CHECK(ra[i] == rb[i]);
  }
}

void check_same_totals(const ResourceTotals& a, const ResourceTotals& b) {
  CHECK(a.pods == b.pods);
  CHECK(a.cpu_requests_milli == b.cpu_requests_milli);
  CHECK(a.memory_requests == b.memory_requests);
  CHECK(a.cpu_limits_milli == b.cpu_limits_milli);
  CHECK(a.memory_limits == b.memory_limits);
  CHECK(a.storage == b.storage);
}

}  // namespace

TEST_CASE("a report with inf, NaN, -0 and denormals survives the run partial exactly") {
  ScenarioRun run;
  run.report = testing::sample_report();
  Report& r = run.report;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  r.seed = std::numeric_limits<uint64_t>::max();
  r.overrides = {"load.users=5000", "services.chat-service.concurrency=4"};
  r.start = "steady";
  r.events_processed = std::numeric_limits<uint64_t>::max() - 1;
  r.workloads[0].limits_per_pod.extended = {{"nvidia.com/gpu", 1}, {"hugepages-2Mi", 4 * 1024}};
  r.workloads[1].throttled_pod_seconds = 90;
  r.workloads[1].peak_cpu_demand_of_limit = 0.1 + 0.2;  // 0.30000000000000004
  r.services[0].mean_latency_ms = -kInf;
  r.services[1].peak_rps = 1e-310;  // denormal
  r.node_pools[0].pending_to_ready_seconds = {95, 120};
  r.avg_cpu_utilization_of_allocatable = -0.0;
  r.peak_cpu_utilization_of_allocatable = 1.0 / 3.0;
  r.total_cost = 123456789.123456789;
  r.verdict.fits = false;
  r.verdict.settle = std::chrono::minutes(5);
  r.verdict.pending_grace = std::chrono::seconds(90);
  r.verdict.node_wait = std::chrono::milliseconds(70'001);
  r.verdict.max_throttled_percent = 2.5;
  r.verdict.issues = {FitIssue{"HPAAtMax", "Deployment/production/chat-service",
                               SimTime::from_seconds(400), 3, "held at 20, asked for 26", 26},
                      FitIssue{"OverSLO", "Service/production/chat-service",
                               SimTime::from_ms(123'457), 7, "mean \"180.5ms\" > 250ms\n", 0}};
  for (Sample& s : r.samples) {
    s.pool_nodes = {s.nodes};
    s.rps = {410.25, s.t.ms() == 180'000 ? kInf : 900.0};
  }
  r.samples[2].workloads[0].cpu_utilization = kNan;
  r.samples[3].workloads[1].memory_utilization = -kNan;
  r.samples[4].users = 1e300;
  run.computed = ManifestTotals{{9, 2050, 2304 * testing::kMi, 4100, 4608 * testing::kMi, 0},
                                {41, 10950, 12 * testing::kGi, 21900, 24 * testing::kGi, 15}};

  const ScenarioRun back = round_trip(run, 3);
  check_same_renderings(r, back.report);
  const Report& b = back.report;
  CHECK(b.seed == r.seed);
  CHECK(b.events_processed == r.events_processed);
  CHECK(b.workloads[0].limits_per_pod == r.workloads[0].limits_per_pod);
  CHECK(b.workloads[1].peak_cpu_demand_of_limit == 0.1 + 0.2);
  CHECK(b.services[0].mean_latency_ms == -kInf);
  CHECK(b.services[1].peak_rps == 1e-310);
  CHECK(std::signbit(b.avg_cpu_utilization_of_allocatable));
  CHECK(std::isnan(b.samples[2].workloads[0].cpu_utilization));
  CHECK(std::isnan(b.samples[3].workloads[1].memory_utilization));
  CHECK(std::signbit(b.samples[3].workloads[1].memory_utilization));
  CHECK(b.verdict.node_wait == r.verdict.node_wait);
  CHECK(b.verdict.issues[1].message == r.verdict.issues[1].message);
  REQUIRE(b.slo_latency_ms);
  CHECK(*b.slo_latency_ms == 250);
  REQUIRE(back.computed);
  check_same_totals(back.computed->minimum, run.computed->minimum);
  check_same_totals(back.computed->maximum, run.computed->maximum);

  // The optionals absent: no SLO, no HPA, no manifest totals.
  r.slo_latency_ms.reset();
  for (WorkloadSummary& w : r.workloads) w.hpa.reset();
  run.computed.reset();
  const ScenarioRun bare = round_trip(run);
  CHECK_FALSE(bare.report.slo_latency_ms);
  CHECK_FALSE(bare.report.workloads[0].hpa);
  CHECK_FALSE(bare.computed);
  check_same_renderings(r, bare.report);
}

TEST_CASE("every shipped scenario's run renders the same after the run partial (the goldens)") {
  testing::InSourceDir here;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator("tests/golden")) {
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() >= 9);
  std::vector<Scenario> scenarios;
  std::vector<ScenarioRun> runs, backs;
  for (const std::string& name : names) {
    CAPTURE(name);
    scenarios.push_back(load_scenario("scenarios/" + name + ".yaml"));
    runs.push_back(run_scenario(scenarios.back()));
    backs.push_back(round_trip(runs.back()));
    check_same_renderings(runs.back().report, backs.back().report);
  }
  // The side-by-side sizing of all of them (claims, computed totals) too.
  std::vector<const Scenario*> ptrs;
  for (const Scenario& sc : scenarios) ptrs.push_back(&sc);
  for (ReportFormat f : {ReportFormat::kText, ReportFormat::kWide, ReportFormat::kJson,
                         ReportFormat::kYaml, ReportFormat::kCsv, ReportFormat::kHtml}) {
    CAPTURE(report_format_name(f));
    CHECK(render_sizing(sizing_input(ptrs, backs), f) ==
          render_sizing(sizing_input(ptrs, runs), f));
  }
}

TEST_CASE("what is not a run partial is an input error naming the file") {
  CHECK(partial_command("{\"kind\": \"Plan\"}") == "");
  CHECK(partial_command("not json") == "");
  CHECK(partial_command(R"({"kind": "SimclusterPartial", "command": "plan"})") == "plan");
  CHECK(partial_command(R"({"kind": "SimclusterPartial", "command": 7})") == "");
  auto error_of = [](const std::string& text) {
    try {
      read_run_partial(text, "bad.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("[1, 2]").find("bad.json") == 0);
  CHECK(error_of("[1, 2]").find("not a simcluster partial") != std::string::npos);
  CHECK(error_of(R"({"kind": "SimclusterPartial", "format": 1, "command": "plan"})")
            .find("a partial of 'plan', not of 'run'") != std::string::npos);
  CHECK(error_of(R"({"kind": "SimclusterPartial", "format": 2, "command": "run"})")
            .find("run partial format 2 is not this simcluster's (1)") != std::string::npos);
  ScenarioRun run;
  run.report = testing::sample_report();
  RunPartial p;
  p.results.emplace_back(0, run);
  std::string text = write_run_partial(p);
  const size_t at = text.find("\"samples\":[[");
  REQUIRE(at != std::string::npos);
  REQUIRE(text.substr(at + 12, 2) == "0,");
  text.replace(at + 12, 1, "\"0\"");  // the first sample's time a string
  CHECK(error_of(text).find("a damaged partial result") != std::string::npos);
  std::string text2 = write_run_partial(p);
  const size_t inf = text2.find("\"inf\"");
  REQUIRE(inf != std::string::npos);
  text2.replace(inf, 5, "\"Inf\"");
  CHECK(error_of(text2).find("'Inf' is not a number") != std::string::npos);
}
