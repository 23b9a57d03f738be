// The capacity planner (lib/plan) and the verdict it rests on, on the
// My-SaaS-Chat manifests: whole runs, no mocks.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/plan.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "testing/in_source_dir.h"

namespace simcluster {
namespace {

using testing::InSourceDir;

Scenario with(const std::string& file, const std::vector<std::string>& sets) {
  std::vector<ScenarioOverride> ov;
  for (const std::string& s : sets) ov.push_back(*parse_override(s));
  return load_scenario(file, ov);
}

bool has_check(const Report& r, const std::string& check, const std::string& object_part = "") {
  return std::any_of(r.verdict.issues.begin(), r.verdict.issues.end(), [&](const FitIssue& i) {
    return i.check == check && i.object.find(object_part) != std::string::npos;
  });
}

bool has_warning(const Report& r, const std::string& code) {
  return std::any_of(r.warnings.begin(), r.warnings.end(),
                     [&](const Warning& w) { return w.code == code; });
}

// One level of plan.yaml on the given shapes and requirements.
Plan plan_one(double users, const std::vector<std::string>& shapes,
              std::vector<Requirement> require, int32_t max_nodes = 40, int threads = 1) {
  Scenario sc = with("scenarios/plan.yaml", {"plan.levels=[" + std::to_string(int(users)) + "]"});
  PlanOptions o;
  o.shapes = shapes;
  o.require = std::move(require);
  o.max_nodes = max_nodes;
  o.threads = threads;
  return make_plan({sc}, o);
}

}  // namespace

TEST_CASE(
    "verdict: the 100-user run fits; each failure turns it into 'does not fit' with its reason") {
  InSourceDir here;
  SUBCASE("fits") {
    Report r = run_scenario(load_scenario("scenarios/baseline.yaml")).report;
    CHECK(r.verdict.fits);
    CHECK(r.verdict.issues.empty());
    CHECK(r.start == "steady");
  }
  SUBCASE("a Pending pod") {
    // 5,000 users on the report's 3 nodes: chat pods wait for cpu.
    Report r = run_scenario(load_scenario("scenarios/high.yaml")).report;
    CHECK_FALSE(r.verdict.fits);
    CHECK(has_check(r, "PodsPending", "chat-service"));
  }
  SUBCASE("an HPA capped at maxReplicas, and a saturated Service") {
    // 10,000 users on 40 nodes: nothing Pending, but auth and billing are
    // held at maxReplicas while their CPU asks for more; 30,000 users
    // saturate chat-service at its 20 pods.
    Report r = run_scenario(with("scenarios/peak.yaml", {"cluster.nodePools[0].count=40"})).report;
    CHECK_FALSE(r.verdict.fits);
    CHECK_FALSE(has_check(r, "PodsPending"));
    CHECK(has_check(r, "HPAAtMax", "auth-service"));
    CHECK(has_warning(r, "HPACappedAtMax"));
    for (const FitIssue& i : r.verdict.issues) {
      if (i.check == "HPAAtMax") CHECK(i.value > 0);
    }
    Report s = run_scenario(with("scenarios/peak.yaml",
                                 {"cluster.nodePools[0].count=40", "load.users=30000"}))
                   .report;
    CHECK(has_check(s, "ServiceSaturated", "chat-service"));
    CHECK(has_warning(s, "ServiceSaturated"));
  }
  SUBCASE("an OOM loop") {
    // chat-service's idle memory above its 768Mi limit: killed at every start.
    Report r =
        run_scenario(with("scenarios/baseline.yaml", {"services.chat-service.memoryBaseline=1Gi"}))
            .report;
    CHECK_FALSE(r.verdict.fits);
    CHECK(has_check(r, "OOMKilled", "chat-service"));
    CHECK(has_check(r, "CrashLoopBackOff", "chat-service"));
    CHECK(has_warning(r, "OOMKilled"));
  }
  SUBCASE("issues before the settle window do not count") {
    // The same Pending pods, with a settle window as long as the run.
    Report r = run_scenario(with("scenarios/high.yaml", {"verdict.settle=1h"})).report;
    CHECK(r.verdict.fits);
    CHECK(r.verdict.settle == SimDuration{3'600'000});
  }
}

TEST_CASE("start: steady begins at the settled replicas, cold at the manifests'") {
  InSourceDir here;
  Report steady = run_scenario(load_scenario("scenarios/high.yaml")).report;
  Report cold = run_scenario(with("scenarios/high.yaml", {"start=cold"})).report;
  CHECK(steady.start == "steady");
  CHECK(cold.start == "cold");
  auto start_of = [](const Report& r, const std::string& name) {
    for (const WorkloadSummary& w : r.workloads) {
      if (w.name == name) return w.start_replicas;
    }
    return -1;
  };
  CHECK(start_of(cold, "chat-service") == 5);   // the manifests' replicas
  CHECK(start_of(steady, "chat-service") > 5);  // where 5,000 users settle
  CHECK_THROWS_AS(with("scenarios/high.yaml", {"start=warm"}), InputError);
}

TEST_CASE("plan: the recommended count fits and count - 1 does not, for each requirement") {
  InSourceDir here;
  for (Requirement req : {Requirement::kSlo, Requirement::kNPlusOne, Requirement::kRollout}) {
    CAPTURE(to_string(req));
    Plan p = plan_one(5000, {"e2-standard-4"}, {req});
    REQUIRE(p.levels.size() == 1);
    const PlanCandidate& c = p.levels[0].candidates.at(0);
    REQUIRE(c.nodes.has_value());
    CHECK(*c.nodes >= c.lower_bound);
    REQUIRE(c.at_count.size() == 1);
    CHECK(c.at_count[0].fits);
    REQUIRE(c.below.size() == 1);
    CHECK_FALSE(c.below[0].fits);
    CHECK_FALSE(c.below[0].issues.empty());
    CHECK_FALSE(c.binding.empty());
    if (req == Requirement::kSlo) {
      // Checked again through `run`, independently of the planner's own runs.
      const std::string n = std::to_string(*c.nodes), m = std::to_string(*c.nodes - 1);
      auto run_with = [](const std::string& count) {
        return run_scenario(with("scenarios/plan.yaml",
                                 {"load.users=5000", "cluster.nodePools[0].preset=e2-standard-4",
                                  "cluster.nodePools[0].pricePerHour=0.134",
                                  "cluster.nodePools[0].count=" + count}))
            .report;
      };
      CHECK(run_with(n).verdict.fits);
      CHECK_FALSE(run_with(m).verdict.fits);
    }
    if (req == Requirement::kNPlusOne) {
      CHECK(c.binding.find("one node down") != std::string::npos);
      CHECK(c.at_count[0].disrupted.rfind("node ", 0) == 0);
    }
  }
}

TEST_CASE(
    "plan: n+1 needs more nodes than the slo alone, and the seed's 3 small nodes are too few at "
    "5,000 users") {
  InSourceDir here;
  Plan slo = plan_one(5000, {"2cpu-4gi"}, {Requirement::kSlo});
  Plan n1 = plan_one(5000, {"2cpu-4gi"}, {Requirement::kSlo, Requirement::kNPlusOne});
  const auto& a = slo.levels[0].candidates[0];
  const auto& b = n1.levels[0].candidates[0];
  REQUIRE(a.nodes);
  REQUIRE(b.nodes);
  CHECK(*b.nodes > *a.nodes);
  CHECK(*a.nodes > 3);  // the report's "3 nodes x 2 CPU x 4 GiB"
  CHECK(a.binding.find("cpu") != std::string::npos);
}

TEST_CASE("plan: zone loses the busiest zone, and needs pools in zones") {
  InSourceDir here;
  // postgres is one StatefulSet pod whose volume is pinned to its zone
  // (volume node affinity): when that zone is lost it cannot run anywhere,
  // at any node count. The plan says so instead of buying nodes.
  Scenario sc =
      with("scenarios/plan.yaml", {"plan.levels=[100]", "cluster.nodePools[0].zones=[a, b, c]"});
  PlanOptions o;
  o.shapes = {"e2-standard-4"};
  o.require = {Requirement::kSlo, Requirement::kZone};
  o.max_nodes = 12;
  Plan p = make_plan({sc}, o);
  const PlanCandidate& c = p.levels.at(0).candidates.at(0);
  CHECK_FALSE(c.nodes.has_value());
  CHECK(c.no_fit_reason.find("meets zone") != std::string::npos);
  CHECK(c.no_fit_reason.find("StatefulSet/production/postgres") != std::string::npos);
  CHECK(c.no_fit_reason.find("volume node affinity conflict") != std::string::npos);
  // The slo alone fits on those zoned pools.
  o.require = {Requirement::kSlo};
  CHECK(make_plan({sc}, o).levels[0].candidates[0].nodes.has_value());
  // Without zones the requirement cannot be checked: an input error.
  o.require = {Requirement::kZone};
  CHECK_THROWS_AS(make_plan({with("scenarios/plan.yaml", {"plan.levels=[100]"})}, o), InputError);
}

TEST_CASE("plan: a shape whose pods-per-node limit binds says so") {
  InSourceDir here;
  // A big machine that holds only 4 pods: pods per node bind before cpu or memory.
  Scenario sc = with("scenarios/plan.yaml",
                     {"plan.levels=[100]",
                      "plan.shapes=[{name: tiny-slots, cpu: 16, memory: 64Gi, pods: 4, "
                      "pricePerHour: 1}]"});
  PlanOptions o;
  o.require = {Requirement::kSlo};
  Plan p = make_plan({sc}, o);
  const PlanCandidate& c = p.levels.at(0).candidates.at(0);
  REQUIRE(c.nodes);
  CHECK(c.binding.find("pods per node (max 4)") != std::string::npos);
}

TEST_CASE("plan: a load no shape holds within --max-nodes is an answer with its reason") {
  InSourceDir here;
  Plan p = plan_one(5000, {"2cpu-4gi"}, {Requirement::kSlo}, /*max_nodes=*/2);
  const PlanCandidate& c = p.levels.at(0).candidates.at(0);
  CHECK_FALSE(c.nodes.has_value());
  CHECK(c.no_fit_reason.find("even 2 nodes do not fit") != std::string::npos);
  CHECK_FALSE(p.levels[0].recommended.has_value());
  // 10,000 users: the HPAs' maxReplicas bind at any node count; the plan
  // says which, and what the metrics asked for.
  Plan q = plan_one(10000, {"e2-standard-4"}, {Requirement::kSlo});
  CHECK_FALSE(q.levels[0].candidates[0].nodes.has_value());
  CHECK(q.levels[0].candidates[0].no_fit_reason.find("HPAAtMax") != std::string::npos);
  bool wanted = false;
  for (const HPASetting& h : q.hpas) wanted = wanted || (h.wanted && *h.wanted > h.max_replicas);
  CHECK(wanted);
}

TEST_CASE("plan: the same input gives the same plan for any -j") {
  InSourceDir here;
  Scenario sc = load_scenario("scenarios/plan.yaml");
  PlanOptions o;
  o.shapes = {"2cpu-4gi", "e2-standard-4", "m5.large"};
  o.threads = 1;
  const std::string one = render_plan(make_plan({sc}, o), ReportFormat::kJson);
  o.threads = 3;
  // Progress: (0, total) first, then one call per candidate search, serialized
  // and counting up whatever thread finished; it does not change the plan.
  std::vector<std::pair<size_t, size_t>> calls;
  o.progress = [&calls](size_t done, size_t total) { calls.emplace_back(done, total); };
  Plan p = make_plan({sc}, o);
  const std::string three = render_plan(p, ReportFormat::kJson);
  CHECK(one == three);
  const size_t searches = p.levels.size() * 3;  // every level, every shape
  REQUIRE(calls.size() == searches + 1);
  for (size_t i = 0; i < calls.size(); ++i) {
    CHECK(calls[i].first == i);
    CHECK(calls[i].second == searches);
  }
}

TEST_CASE("plan: the search runs fewer simulations than trying every count") {
  InSourceDir here;
  Scenario sc = with("scenarios/plan.yaml", {"plan.levels=[5000]"});
  PlanOptions o;
  o.shapes = {"2cpu-4gi"};
  o.linear_baseline = true;
  Plan p = make_plan({sc}, o);
  REQUIRE(p.levels[0].candidates[0].nodes);
  CHECK(p.linear_simulations > 0);
  CHECK(p.simulations > 0);
}

}  // namespace simcluster

namespace simcluster {

TEST_CASE("golden: simcluster plan scenarios/plan.yaml, byte for byte") {
  // The plan of the shipped plan scenario, as `simcluster plan
  // scenarios/plan.yaml -o json` prints it; regenerate with
  // SIMCLUSTER_UPDATE_GOLDEN=1 ./build-test/tests/test_plan -tc='golden*'.
  InSourceDir here;
  Scenario sc = load_scenario("scenarios/plan.yaml");
  const std::string now = render_plan(make_plan({sc}, PlanOptions{}), ReportFormat::kJson);
  const std::string golden = "tests/plan/plan.golden.json";
  const char* update = std::getenv("SIMCLUSTER_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    write_file_atomically(golden, now, {});
    return;
  }
  std::ifstream in(golden, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "no " << golden << "; run with SIMCLUSTER_UPDATE_GOLDEN=1");
  const std::string expected((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  const bool same = now == expected;
  CHECK_MESSAGE(same, "the plan differs from " << golden);
}

}  // namespace simcluster

namespace simcluster {

TEST_CASE("plan: full scale-out (every HPA at maxReplicas) beside the claims' '10+ nodes'") {
  InSourceDir here;
  Scenario sc = with("scenarios/plan.yaml", {"plan.levels=[100]"});
  PlanOptions o;
  o.shapes = {"2cpu-4gi"};
  o.require = {Requirement::kSlo};
  Plan p = make_plan({sc}, o);
  REQUIRE(p.claimed_full_scale_out_nodes);
  CHECK(*p.claimed_full_scale_out_nodes == 10);
  const PlanCandidate& c = p.levels.at(0).candidates.at(0);
  REQUIRE(c.full_scale_out_nodes);
  // 41 pods request 10950m: at least ceil(10950 / 1930) = 6 nodes by CPU
  // alone; packing makes it one more. Fewer than the report's 10.
  CHECK(*c.full_scale_out_nodes >= 6);
  CHECK(*c.full_scale_out_nodes < 10);
  CHECK(c.full_scale_out_binding.find("cpu") != std::string::npos);
  // The same through the requirement: every HPA at maxReplicas placed.
  o.require = {Requirement::kFullScaleOut};
  Plan q = make_plan({sc}, o);
  REQUIRE(q.levels[0].candidates[0].nodes);
  CHECK(*q.levels[0].candidates[0].nodes == *c.full_scale_out_nodes);
}

}  // namespace simcluster

namespace simcluster {

TEST_CASE("plan shards: partials through JSON merge to make_plan's plan; a task missing or twice") {
  InSourceDir here;
  // 2 levels x 2 shapes = 4 tasks, with claims (full scale-out at level 0).
  Scenario sc = with("scenarios/plan.yaml", {"plan.levels=[100,5000]"});
  PlanOptions o;
  o.shapes = {"2cpu-4gi", "e2-standard-4"};
  o.require = {Requirement::kSlo, Requirement::kNPlusOne};
  const Plan whole = make_plan({sc}, o);
  CHECK(plan_shard_tasks(4, 1, 3) == std::vector<size_t>{1});
  CHECK(plan_shard_tasks(4, 0, 3) == std::vector<size_t>{0, 3});
  std::vector<std::pair<size_t, PlanCandidate>> results;
  for (size_t i = 0; i < 3; ++i) {
    PlanPartial p = make_plan_partial({sc}, o, i, 3);
    CHECK(p.tasks == 4);
    p.version = "test";
    const std::string text = write_plan_partial(p);
    PlanPartial back = read_plan_partial(text, "p.json");
    CHECK(write_plan_partial(back) == text);
    for (auto& r : back.results) results.push_back(std::move(r));
  }
  const Plan merged = merge_plan({sc}, o, results);
  for (ReportFormat f : {ReportFormat::kText, ReportFormat::kWide, ReportFormat::kJson,
                         ReportFormat::kYaml, ReportFormat::kCsv, ReportFormat::kHtml}) {
    CHECK(render_plan(merged, f) == render_plan(whole, f));
  }
  auto missing = results;
  missing.erase(missing.begin() + 1);
  CHECK_THROWS_WITH_AS(merge_plan({sc}, o, missing), "task 3 is missing", std::invalid_argument);
  auto twice = results;
  twice.push_back(results.front());
  CHECK_THROWS_AS(merge_plan({sc}, o, twice), std::invalid_argument);
  CHECK_THROWS_AS(read_plan_partial("{\"kind\": \"Plan\"}", "x.json"), InputError);
  CHECK_THROWS_AS(make_plan_partial({sc}, o, 3, 3), std::invalid_argument);
}

}  // namespace simcluster
