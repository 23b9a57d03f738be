// Whole runs of the shipped My-SaaS-Chat scenarios with their pool autoscaled by the
// cluster autoscaler (cluster.nodePools[0].min/max + cluster.autoscaler, via --set overrides).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "simcluster/autoscaler.h"
#include "simcluster/nodes.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "simcluster/scheduler.h"
#include "testing/in_source_dir.h"

using namespace simcluster;

namespace {

Scenario autoscaled(const std::string& name, int32_t min, int32_t max,
                    std::vector<ScenarioOverride> extra = {}) {
  std::vector<ScenarioOverride> o = {
      {"cluster.nodePools[0].min", std::to_string(min)},
      {"cluster.nodePools[0].max", std::to_string(max)},
      {"cluster.autoscaler.kind", "cluster-autoscaler"},
  };
  o.insert(o.end(), extra.begin(), extra.end());
  return load_scenario("scenarios/" + name + ".yaml", o);
}

std::vector<ReportEvent> events_of(const Report& r, const std::string& kind) {
  std::vector<ReportEvent> out;
  for (const ReportEvent& e : r.events) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("the 10,000-user peak on an autoscaled pool (3..20) ends with no Pending pod") {
  testing::InSourceDir here;
  const Report fixed = run_scenario(load_scenario("scenarios/peak.yaml")).report;
  REQUIRE_FALSE(fixed.samples.empty());
  CHECK(fixed.samples.back().pending_pods > 0);  // the fixed 3 nodes do not hold the peak

  const Report r = run_scenario(autoscaled("peak", 3, 20)).report;
  REQUIRE_FALSE(r.samples.empty());
  CHECK(r.samples.back().pending_pods == 0);
  REQUIRE(r.node_pools.size() == 1);
  CHECK(r.node_pools[0].max_ready > 3);
  CHECK(r.node_pools[0].max_ready <= 20);
  CHECK(r.samples.back().nodes == r.node_pools[0].max_ready);
  CHECK_FALSE(events_of(r, "ScaledUpGroup").empty());
  // The node count the estimator implies. From scratch: every pod of the end state (each
  // workload's end replicas at its requests) packed First-Fit Decreasing onto fresh 2cpu-4gi
  // template nodes.
  {
    const Scenario sc = autoscaled("peak", 3, 20);
    std::vector<PodEquivalenceGroup> groups;
    for (const WorkloadSummary& w : r.workloads) {
      PodEquivalenceGroup g;
      for (int32_t i = 0; i < w.end_replicas; ++i) {
        PodInfo p;
        p.name = w.name + "-" + std::to_string(i);
        p.ns = w.ns;
        p.requests = w.requests_per_pod;
        p.requests.pods = 0;
        g.pods.push_back(p);
      }
      if (!g.pods.empty()) groups.push_back(std::move(g));
    }
    NodeTemplate tmpl;
    tmpl.node = make_pool_node(sc.node_pools[0], 99);
    ClusterSnapshot empty;
    const Estimate e = estimate_binpacking(groups, tmpl, empty, 0, SchedulerConfig{});
    CHECK(e.scheduled.size() == 41);
    // Each scale-up adds what the estimator gave for the pods Pending then, so the end count
    // is the start plus those estimates: 3 + 3 (19 pods at 10 s) + 1 (the HPA's last pod,
    // 2 minutes later) = 7. Packing all 41 pods at once would need 6; the cluster-autoscaler
    // does not repack (the nodes stay above the scale-down threshold), and neither does this.
    int32_t added = 0;
    for (const ReportEvent& up : events_of(r, "ScaledUpGroup")) {
      added += std::stoi(up.details.at("to")) - std::stoi(up.details.at("from"));
    }
    CHECK(r.samples.back().nodes == 3 + added);
    CHECK(e.node_count == 6);
    CHECK(r.samples.back().nodes == e.node_count + 1);
  }
  // Every HPA reaches its max at this load: the nodes, not the HPAs, were the limit.
  for (const WorkloadSummary& w : r.workloads) {
    if (w.hpa) CHECK_MESSAGE(w.end_replicas == w.max_replicas, w.name);
  }
  CHECK(r.pending.pod_seconds < fixed.pending.pod_seconds / 10);
  // The capacity warning counts the pool at its max (20 nodes hold every HPA at max).
  auto warned = [](const Report& rep) {
    for (const Warning& w : rep.warnings) {
      if (w.code == "HPAMaxExceedsCapacity") return true;
    }
    return false;
  };
  CHECK(warned(fixed));
  CHECK_FALSE(warned(r));
}

TEST_CASE("maxNodesTotal caps the autoscaled peak") {
  testing::InSourceDir here;
  const Report r =
      run_scenario(autoscaled("peak", 3, 20, {{"cluster.autoscaler.maxNodesTotal", "5"}})).report;
  REQUIRE(r.node_pools.size() == 1);
  CHECK(r.node_pools[0].max_ready == 5);
  CHECK(r.samples.back().pending_pods > 0);
  bool capped = false;
  for (const ReportEvent& e : events_of(r, "NotTriggerScaleUp")) {
    capped = capped || e.message.find("max node total count already reached") != std::string::npos;
  }
  CHECK(capped);
}

TEST_CASE("a low load scales down no faster than scaleDownUnneededTime, never below min") {
  testing::InSourceDir here;
  for (const char* unneeded : {"10m", "25m"}) {
    CAPTURE(unneeded);
    const Report r =
        run_scenario(autoscaled("baseline", 2, 10,
                                {{"cluster.nodePools[0].count", "6"},
                                 {"cluster.autoscaler.scaleDownUnneededTime", unneeded}}))
            .report;
    const SimDuration t =
        std::string(unneeded) == "10m" ? std::chrono::minutes(10) : std::chrono::minutes(25);
    auto down = events_of(r, "ScaleDown");
    REQUIRE_FALSE(down.empty());
    for (const ReportEvent& e : down) CHECK(e.t > SimTime{} + t);
    REQUIRE(r.node_pools.size() == 1);
    CHECK(r.node_pools[0].min_ready >= 2);
    CHECK(r.samples.back().nodes < 6);
    CHECK(r.samples.back().nodes >= 2);
    CHECK(r.samples.back().pending_pods == 0);
  }
}

TEST_CASE("an autoscaled run is the same byte for byte with the same seed") {
  testing::InSourceDir here;
  const Scenario sc = autoscaled("peak", 3, 20, {{"cluster.autoscaler.expander", "random"}});
  CHECK(render_json(run_scenario(sc).report) == render_json(run_scenario(sc).report));
}
