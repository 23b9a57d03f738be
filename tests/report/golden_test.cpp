// Whole runs of the shipped scenarios: each one's JSON report is compared
// byte for byte with tests/golden/<name>.json, and running twice must give the
// same bytes. After an intended change in behaviour, regenerate with
//   SIMCLUSTER_UPDATE_GOLDEN=1 ./test_report -tc='*golden*'
// (from the repository root) and review the diff.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "schema_check.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "testing/in_source_dir.h"

using namespace simcluster;
namespace fs = std::filesystem;

namespace {

using testing::InSourceDir;

// Shipped scenarios: scenarios/*.yaml except claims files.
std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(SIMCLUSTER_SOURCE_DIR) / "scenarios")) {
    std::string file = e.path().filename().string();
    if (e.path().extension() != ".yaml" || file.find("claims") != std::string::npos) continue;
    names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool update_golden() {
  const char* v = std::getenv("SIMCLUSTER_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

std::string run_json(const std::string& name) {
  Scenario sc = load_scenario("scenarios/" + name + ".yaml");
  return render_json(run_scenario(sc).report);
}

// The first differing line, for a readable failure.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream ia(a), ib(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    bool ea = !std::getline(ia, la), eb = !std::getline(ib, lb);
    if (ea && eb) return "identical";
    if (ea || eb || la != lb) {
      return "line " + std::to_string(line) + ":\n  golden: " + (ea ? "<end>" : la.substr(0, 200)) +
             "\n  now:    " + (eb ? "<end>" : lb.substr(0, 200));
    }
  }
}

}  // namespace

TEST_CASE("the shipped scenarios are the ones the brief names") {
  auto names = shipped_scenarios();
  for (const char* n : {"baseline", "high", "peak", "day", "rollout", "node-failure", "trace"}) {
    CHECK_MESSAGE(std::find(names.begin(), names.end(), n) != names.end(), n);
  }
}

TEST_CASE("each shipped scenario's JSON report matches its golden file byte for byte") {
  InSourceDir here;
  std::ifstream schema_in("docs/report.schema.json");
  testing::SchemaChecker schema(nlohmann::json::parse(schema_in));
  for (const auto& name : shipped_scenarios()) {
    CAPTURE(name);
    std::string now = run_json(name);
    CHECK(schema.check(nlohmann::json::parse(now)) == "");
    fs::path golden = fs::path("tests/golden") / (name + ".json");
    if (update_golden()) {
      write_file_atomically(golden.string(), now, {});
      MESSAGE("rewrote " << golden.string());
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(golden), "no golden file "
                                            << golden.string()
                                            << "; run with SIMCLUSTER_UPDATE_GOLDEN=1");
    std::string expected = slurp(golden);
    bool same = now == expected;  // a bool, so a failure does not print megabytes
    CHECK_MESSAGE(same, name << ": " << first_difference(expected, now));
  }
}

TEST_CASE("every golden file belongs to a shipped scenario") {
  auto names = shipped_scenarios();
  for (const auto& e : fs::directory_iterator(fs::path(SIMCLUSTER_SOURCE_DIR) / "tests/golden")) {
    if (e.path().extension() != ".json") continue;
    CHECK_MESSAGE(std::find(names.begin(), names.end(), e.path().stem().string()) != names.end(),
                  e.path().string());
  }
}

TEST_CASE("the same scenario and seed give identical bytes in every format") {
  InSourceDir here;
  for (const auto& name : shipped_scenarios()) {
    CAPTURE(name);
    Scenario sc = load_scenario("scenarios/" + name + ".yaml");
    Report a = run_scenario(sc).report;
    Report b = run_scenario(sc).report;
    for (auto f :
         {ReportFormat::kJson, ReportFormat::kWide, ReportFormat::kCsv, ReportFormat::kHtml}) {
      CHECK(render_report(a, f) == render_report(b, f));
    }
    CHECK(a.simulated_until.since_start == sc.duration);  // ran to the end
  }
}

TEST_CASE("the peak totals are the most CPU requested, and the PVCs' storage is counted") {
  InSourceDir here;
  constexpr int64_t kGi = 1024LL * 1024 * 1024;
  for (const auto& name : shipped_scenarios()) {
    CAPTURE(name);
    Scenario sc = load_scenario("scenarios/" + name + ".yaml");
    Report r = run_scenario(sc).report;
    CHECK(r.totals_peak.cpu_requests_milli >= r.totals_start.cpu_requests_milli);
    CHECK(r.totals_peak.cpu_requests_milli >= r.totals_end.cpu_requests_milli);
    // postgres (10Gi) and redis (5Gi) volumeClaimTemplates, one replica each.
    CHECK(r.totals_end.storage == 15 * kGi);
  }
}

TEST_CASE("the seed's manifests give the computed totals the seed report gets wrong") {
  InSourceDir here;
  Scenario sc = load_scenario("scenarios/baseline.yaml");
  sc.duration = std::chrono::minutes(1);
  ScenarioRun run = run_scenario(sc);
  REQUIRE(run.computed);
  const ManifestTotals& t = *run.computed;
  constexpr int64_t kMi = 1024 * 1024;
  CHECK(t.minimum.pods == 10);
  CHECK(t.minimum.cpu_requests_milli == 2350);
  CHECK(t.minimum.memory_requests == 2816 * kMi);
  CHECK(t.maximum.pods == 41);
  CHECK(t.maximum.cpu_requests_milli == 10950);
  CHECK(t.maximum.memory_requests == 12928 * kMi);
  CHECK(t.maximum.storage == 15 * 1024 * kMi);
}

TEST_CASE("the shipped load levels compare against the seed report's claims") {
  InSourceDir here;
  std::vector<Scenario> scenarios;
  std::vector<ScenarioRun> runs;
  for (const char* n : {"baseline", "high", "peak"}) {
    scenarios.push_back(load_scenario(std::string("scenarios/") + n + ".yaml"));
  }
  for (const auto& sc : scenarios) runs.push_back(run_scenario(sc));
  std::vector<const Scenario*> ptrs;
  for (const auto& sc : scenarios) ptrs.push_back(&sc);
  SizingInput in = sizing_input(ptrs, runs);
  REQUIRE(in.runs.size() == 3);
  for (size_t i = 0; i < 3; ++i) REQUIRE(in.runs[i].claim);
  CHECK(in.runs[0].claim->users == 100);
  CHECK(in.runs[1].claim->users == 5000);
  CHECK(in.runs[1].claim->pods.at("chat-service") == 15);
  CHECK(in.runs[2].claim->pods.at("billing-service") == 8);
  CHECK(in.claimed_minimum.cpu_milli == 2050);
  CHECK(in.claimed_maximum.pods == 38);
  REQUIRE(in.recommended_cluster);
  CHECK(in.recommended_cluster->nodes == 3);
  CHECK(in.recommended_cluster->cpu_milli_per_node == 2000);
  CHECK(in.claimed_full_scale_out_nodes == 10);
  SizingComparison s = compare_sizing(in);
  CHECK(s.rows.size() == 6);
  CHECK(s.full_scale_out_nodes_needed == 6);
  // Each difference sentence names a workload, a load level and both figures.
  for (const auto& d : s.differences) {
    CHECK(d.find(" users: simulated ") != std::string::npos);
    CHECK(d.find(", report says ") != std::string::npos);
  }
  std::string text = render_sizing(in, ReportFormat::kText);
  CHECK(text.find("baseline") != std::string::npos);
  CHECK(text.find("10000 users") != std::string::npos);
}
