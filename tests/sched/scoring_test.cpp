// Score plugins, ported from the upstream tables (kubernetes/kubernetes
// pkg/scheduler/framework/plugins/noderesources/*_test.go, helper/normalize_score_test.go,
// tainttoleration, schedule_one_test.go TestNumFeasibleNodesToFind).
#include "sched/scoring.h"

#include <doctest/doctest.h>

#include "sched/sched_builders.h"
#include "simcluster/scheduler.h"

namespace simcluster {
namespace {

using testing::make_node;
using testing::make_snapshot;
using testing::PodBuilder;

std::vector<int64_t> scores(std::string_view plugin, const PodInfo& pod, const ClusterSnapshot& s,
                            const SchedulerConfig& cfg = {}) {
  return plugin_scores(plugin, pod, s, testing::all_nodes(s), cfg);
}

SchedulerConfig strategy(ScoringStrategy type,
                         std::vector<ResourceWeight> res = {{"cpu", 1}, {"memory", 1}}) {
  SchedulerConfig c;
  c.scoring_strategy = type;
  c.scoring_resources = std::move(res);
  return c;
}

using testing::KV;

PodInfo existing(KV req, const char* name = "e") { return PodBuilder(name).req(req).info(); }

// ---------------------------------------------------------------- LeastAllocated

TEST_CASE("LeastAllocated gives 100 to empty nodes when nothing is requested") {
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}}),
                          make_node("node2", {{"cpu", "4000"}, {"memory", "10000"}})});
  CHECK(scores("NodeResourcesFit", PodBuilder().info(), s) == std::vector<int64_t>{100, 100});
}

TEST_CASE("LeastAllocated favours the node with more room: differently sized nodes 37 and 50") {
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}}),
                          make_node("node2", {{"cpu", "6000"}, {"memory", "10000"}})});
  auto pod = PodBuilder()
                 .req({{"cpu", "1000"}, {"memory", "2000"}})
                 .req({{"cpu", "2000"}, {"memory", "3000"}})
                 .info();
  CHECK(scores("NodeResourcesFit", pod, s) == std::vector<int64_t>{37, 50});
}

TEST_CASE("LeastAllocated floors a free share that is not a whole percent: 66 under 67") {
  // least_allocated.go leastRequestedScore: ((capacity - requested) * MaxNodeScore) /
  // capacity in int64. 1 of 3 cores requested: 200 / 3 = 66.67 -> 66, not 67.
  const std::vector<int64_t> req{1000}, alloc{3000}, w{1};
  CHECK(least_allocated_score(req, alloc, w) == 66);
  // "small": 3 cores / 3050Mi, the pod asks 1 core / 1000Mi: cpu 66.67 -> 66, memory
  // 2050 x 100 / 3050 = 67.2 -> 67, (66 + 67) / 2 = 66; rounding up either resource
  // would give 67. "big": 10 cores / 10000Mi with 2300m / 2280Mi requested: cpu
  // exactly 67, memory 67.2 -> 67: 67 (and still 67 rounded up: 135 / 2).
  auto s = make_snapshot({make_node("small", {{"cpu", "3"}, {"memory", "3050Mi"}}),
                          make_node("big", {{"cpu", "10"}, {"memory", "10000Mi"}})},
                         {{existing({{"cpu", "2300m"}, {"memory", "2280Mi"}}), "big"}});
  const PodInfo pod = PodBuilder().req({{"cpu", "1"}, {"memory", "1000Mi"}}).info();
  // cpu, memory: score_fit's fast path.
  CHECK(scores("NodeResourcesFit", pod, s) == std::vector<int64_t>{66, 67});
  // memory first: score_fit's generic loop (least_allocated_score).
  CHECK(scores("NodeResourcesFit", pod, s,
               strategy(ScoringStrategy::kLeastAllocated, {{"memory", 1}, {"cpu", 1}})) ==
        std::vector<int64_t>{66, 67});
  // BalancedAllocation gives both 99 (cpu and memory fractions 1/3 vs 0.328, 0.33 vs 0.328).
  CHECK(scores("NodeResourcesBalancedAllocation", pod, s) == std::vector<int64_t>{99, 99});
}

TEST_CASE("LeastAllocated counts existing pods' requests: 70 and 57") {
  auto s = make_snapshot({make_node("node1", {{"cpu", "10000"}, {"memory", "20000"}}),
                          make_node("node2", {{"cpu", "10000"}, {"memory", "20000"}})},
                         {{existing({{"cpu", "3000"}, {"memory", "0"}}), "node1"},
                          {existing({{"cpu", "3000"}, {"memory", "0"}}), "node1"},
                          {existing({{"cpu", "3000"}, {"memory", "0"}}), "node2"},
                          {existing({{"cpu", "3000"}, {"memory", "5000"}}), "node2"}});
  CHECK(scores("NodeResourcesFit", PodBuilder().info(), s) == std::vector<int64_t>{70, 57});
}

TEST_CASE("LeastAllocated scores 0 for a resource whose request exceeds the node: 50 and 25") {
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}}),
                          make_node("node2", {{"cpu", "4000"}, {"memory", "10000"}})},
                         {{existing({{"cpu", "3000"}, {"memory", "0"}}), "node1"},
                          {existing({{"cpu", "3000"}, {"memory", "5000"}}), "node2"}});
  auto pod = PodBuilder().req({{"cpu", "3000"}, {"memory", "0"}}).info();
  CHECK(scores("NodeResourcesFit", pod, s) == std::vector<int64_t>{50, 25});
}

TEST_CASE("LeastAllocated weighs memory twice as much as cpu when configured: 41 and 50") {
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}}),
                          make_node("node2", {{"cpu", "6000"}, {"memory", "10000"}})});
  auto pod = PodBuilder()
                 .req({{"cpu", "1000"}, {"memory", "2000"}})
                 .req({{"cpu", "2000"}, {"memory", "3000"}})
                 .info();
  auto cfg = strategy(ScoringStrategy::kLeastAllocated, {{"memory", 2}, {"cpu", 1}});
  CHECK(scores("NodeResourcesFit", pod, s, cfg) == std::vector<int64_t>{41, 50});
}

TEST_CASE("LeastAllocated honours an extended resource only when the pod requests it") {
  auto s = make_snapshot(
      {make_node("node1", {{"cpu", "6000"}, {"memory", "10000"}, {"intel.com/foo", "4"}}),
       make_node("node2", {{"cpu", "6000"}, {"memory", "10000"}, {"intel.com/foo", "10"}})});
  auto cfg =
      strategy(ScoringStrategy::kLeastAllocated, {{"cpu", 1}, {"memory", 1}, {"intel.com/foo", 1}});
  auto without = PodBuilder()
                     .req({{"cpu", "1000"}, {"memory", "2000"}})
                     .req({{"cpu", "2000"}, {"memory", "3000"}})
                     .info();
  CHECK(scores("NodeResourcesFit", without, s, cfg) == std::vector<int64_t>{50, 50});
  auto with =
      PodBuilder().req({{"cpu", "3000"}, {"memory", "5000"}, {"intel.com/foo", "2"}}).info();
  CHECK(scores("NodeResourcesFit", with, s, cfg) == std::vector<int64_t>{50, 60});
}

TEST_CASE(
    "Scoring uses 100m / 200Mi for containers without requests, and 0 for a pod without "
    "containers") {
  // most_allocated_test.go "nonzero request for resource": node 250m / 1000Mi with two
  // request-less pods; cpu 3 x 100m capped at 250m -> 100, memory 600Mi/1000Mi -> 60.
  auto s = make_snapshot(
      {make_node("node1", {{"cpu", "250m"}, {"memory", "1000Mi"}})},
      {{PodBuilder("a").req({}).info(), "node1"}, {PodBuilder("b").req({}).info(), "node1"}});
  auto pod = PodBuilder().req({}).info();
  CHECK(scores("NodeResourcesFit", pod, s, strategy(ScoringStrategy::kMostAllocated)) ==
        std::vector<int64_t>{80});
  // A pod without containers adds nothing: against the node's own non-zero 200m / 400Mi,
  // LeastAllocated = ((250-200)*100/250 + (1000-400)*100/1000) / 2 = (20 + 60) / 2 = 40.
  CHECK(scores("NodeResourcesFit", PodBuilder().info(), s) == std::vector<int64_t>{40});
}

// ---------------------------------------------------------------- MostAllocated

TEST_CASE("MostAllocated prefers the fuller node: 62 and 50") {
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}}),
                          make_node("node2", {{"cpu", "6000"}, {"memory", "10000"}})});
  auto pod = PodBuilder()
                 .req({{"cpu", "1000"}, {"memory", "2000"}})
                 .req({{"cpu", "2000"}, {"memory", "3000"}})
                 .info();
  CHECK(scores("NodeResourcesFit", pod, s, strategy(ScoringStrategy::kMostAllocated)) ==
        std::vector<int64_t>{62, 50});
}

TEST_CASE("MostAllocated caps an over-committed resource at 100: 75 and 87") {
  // most_allocated_test.go "requested resources exceed node capacity" analogue:
  // node1 cpu 6000/4000 -> 100, memory 5000/10000 -> 50 -> 75;
  // node2 cpu 100, memory 7500/10000 -> 75 -> 87.
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}}),
                          make_node("node2", {{"cpu", "4000"}, {"memory", "10000"}})},
                         {{existing({{"cpu", "3000"}, {"memory", "0"}}), "node1"},
                          {existing({{"cpu", "3000"}, {"memory", "2500"}}), "node2"}});
  auto pod = PodBuilder().req({{"cpu", "3000"}, {"memory", "5000"}}).info();
  CHECK(scores("NodeResourcesFit", pod, s, strategy(ScoringStrategy::kMostAllocated)) ==
        std::vector<int64_t>{75, 87});
}

TEST_CASE("The pure resource scorers agree with the spec's worked examples") {
  const int64_t req[] = {3000, 5000}, alloc[] = {4000, 10000}, w[] = {1, 1};
  CHECK(least_allocated_score(req, alloc, w) == 37);
  CHECK(most_allocated_score(req, alloc, w) == 62);
  CHECK(balanced_allocation_score(req, alloc) == 87);
  const int64_t zero_alloc[] = {0, 0};
  CHECK(least_allocated_score(req, zero_alloc, w) == 0);
}

// ---------------------------------------------------------------- RequestedToCapacityRatio

TEST_CASE("RequestedToCapacityRatio with shape (0,10),(100,0) rounds half up: 38 and 50") {
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}}),
                          make_node("node2", {{"cpu", "6000"}, {"memory", "10000"}})},
                         {{PodBuilder("a").info(), "node1"}, {PodBuilder("b").info(), "node1"}});
  auto pod = PodBuilder()
                 .req({{"cpu", "1000"}, {"memory", "2000"}})
                 .req({{"cpu", "2000"}, {"memory", "3000"}})
                 .info();
  auto cfg = strategy(ScoringStrategy::kRequestedToCapacityRatio);
  cfg.shape = {{0, 10}, {100, 0}};
  CHECK(scores("NodeResourcesFit", pod, s, cfg) == std::vector<int64_t>{38, 50});
}

TEST_CASE("RequestedToCapacityRatio drops a resource scoring 0, weight included: 10 and 32") {
  // fit_test.go TestFitScore "RequestedToCapacityRatio case1".
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}}),
                          make_node("node2", {{"cpu", "6000"}, {"memory", "10000"}})},
                         {{existing({{"cpu", "2000"}, {"memory", "4000"}}), "node1"},
                          {existing({{"cpu", "1000"}, {"memory", "2000"}}), "node2"}});
  auto pod = PodBuilder().req({{"cpu", "3000"}, {"memory", "5000"}}).info();
  auto cfg = strategy(ScoringStrategy::kRequestedToCapacityRatio);
  cfg.shape = {{0, 10}, {100, 0}};
  CHECK(scores("NodeResourcesFit", pod, s, cfg) == std::vector<int64_t>{10, 32});
}

TEST_CASE("RequestedToCapacityRatio bin-packs a single extended resource: 2 and 5, then 2 and 10") {
  // requested_to_capacity_ratio_test.go TestResourceBinPackingSingleExtended.
  auto n1 = make_node("node1", {{"cpu", "4"}, {"memory", "10000Mi"}, {"intel.com/foo", "8"}});
  auto n2 = make_node("node2", {{"cpu", "4"}, {"memory", "10000Mi"}, {"intel.com/foo", "4"}});
  auto cfg = strategy(ScoringStrategy::kRequestedToCapacityRatio, {{"intel.com/foo", 1}});
  cfg.shape = {{0, 0}, {100, 1}};
  auto pod = PodBuilder().req({{"intel.com/foo", "2"}}).info();
  auto s1 = make_snapshot({n1, n2}, {{PodBuilder("x").info(), "node1"}});
  CHECK(scores("NodeResourcesFit", pod, s1, cfg) == std::vector<int64_t>{2, 5});
  auto s2 =
      make_snapshot({n1, n2}, {{PodBuilder("x").req({{"intel.com/foo", "2"}}).info(), "node2"}});
  CHECK(scores("NodeResourcesFit", pod, s2, cfg) == std::vector<int64_t>{2, 10});
  CHECK(scores("NodeResourcesFit", PodBuilder().info(), s1, cfg) == std::vector<int64_t>{0, 0});
}

TEST_CASE("The broken linear shape function interpolates with integer division") {
  // TestBrokenLinearFunction.
  const UtilizationShapePoint a[] = {{10, 1}, {90, 9}};
  CHECK(broken_linear(a, -10) == 1);
  CHECK(broken_linear(a, 15) == 1);
  CHECK(broken_linear(a, 19) == 1);
  CHECK(broken_linear(a, 20) == 2);
  CHECK(broken_linear(a, 89) == 8);
  CHECK(broken_linear(a, 90) == 9);
  CHECK(broken_linear(a, 110) == 9);
  const UtilizationShapePoint b[] = {{0, 2}, {40, 10}, {100, 0}};
  CHECK(broken_linear(b, 20) == 6);
  CHECK(broken_linear(b, 30) == 8);
  CHECK(broken_linear(b, 70) == 5);
  CHECK(broken_linear(b, 100) == 0);
}

// ---------------------------------------------------------------- BalancedAllocation

TEST_CASE("BalancedAllocation rewards equal cpu and memory fractions: 87 and 100") {
  // balanced_allocation_test.go: pod (3000, 5000); node1 (4000, 10000) -> 0.75 / 0.5 -> 87;
  // node2 (6000, 10000) -> 0.5 / 0.5 -> 100.
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}}),
                          make_node("node2", {{"cpu", "6000"}, {"memory", "10000"}})});
  auto pod = PodBuilder()
                 .req({{"cpu", "1000"}, {"memory", "2000"}})
                 .req({{"cpu", "2000"}, {"memory", "3000"}})
                 .info();
  CHECK(scores("NodeResourcesBalancedAllocation", pod, s) == std::vector<int64_t>{87, 100});
}

TEST_CASE("BalancedAllocation uses the standard deviation over three resources: 70") {
  // node (3500m, 40000, gpu 8) holding (3000m, 5000, gpu 3); pod asks gpu 1, memory 0.
  auto s = make_snapshot(
      {make_node("node1", {{"cpu", "3500m"}, {"memory", "40000"}, {"nvidia.com/gpu", "8"}})},
      {{existing({{"cpu", "3000m"}, {"memory", "5000"}, {"nvidia.com/gpu", "3"}}), "node1"}});
  auto pod = PodBuilder().req({{"nvidia.com/gpu", "1"}, {"memory", "0"}}).info();
  SchedulerConfig cfg;
  cfg.balanced_resources = {{"cpu", 1}, {"memory", 1}, {"nvidia.com/gpu", 1}};
  CHECK(scores("NodeResourcesBalancedAllocation", pod, s, cfg) == std::vector<int64_t>{70});
}

TEST_CASE("BalancedAllocation skips a best-effort pod") {
  auto s = make_snapshot({make_node("node1", {{"cpu", "4000"}, {"memory", "10000"}})},
                         {{existing({{"cpu", "3000"}, {"memory", "0"}}), "node1"}});
  CHECK(scores("NodeResourcesBalancedAllocation", PodBuilder().req({}).info(), s) ==
        std::vector<int64_t>{0});
}

// ---------------------------------------------------------------- normalisation, taints

TEST_CASE("DefaultNormalizeScore scales to the maximum and reverses") {
  std::vector<int64_t> v{0, 1, 2};
  default_normalize_score(v, true);
  CHECK(v == std::vector<int64_t>{100, 50, 0});
  std::vector<int64_t> z{0, 0};
  default_normalize_score(z, true);
  CHECK(z == std::vector<int64_t>{100, 100});
  std::vector<int64_t> f{2, 3, 10};
  default_normalize_score(f, false);
  CHECK(f == std::vector<int64_t>{20, 30, 100});
}

TEST_CASE("TaintToleration scores intolerable PreferNoSchedule taints in reverse") {
  Node a = make_node("A", {{"cpu", "1"}});
  Node b = make_node("B", {{"cpu", "1"}});
  b.taints = {{"k1", "v", "PreferNoSchedule"}};
  Node c = make_node("C", {{"cpu", "1"}});
  c.taints = {{"k1", "v", "PreferNoSchedule"}, {"k2", "v", "PreferNoSchedule"}};
  auto s = make_snapshot({a, b, c});
  CHECK(scores("TaintToleration", PodBuilder().info(), s) == std::vector<int64_t>{100, 50, 0});
  auto tolerant = PodBuilder().toleration({"k2", "Exists", "", "PreferNoSchedule", {}}).info();
  CHECK(scores("TaintToleration", tolerant, s) == std::vector<int64_t>{100, 0, 0});
}

// ---------------------------------------------------------------- NodeAffinity, weights

// A preferred node-affinity term {weight, key In [value]} (several pairs are ANDed).
PreferredSchedulingTerm prefer(int32_t weight, KV labels) {
  PreferredSchedulingTerm t;
  t.weight = weight;
  for (const auto& [k, v] : labels) t.preference.match_expressions.push_back({k, "In", {v}});
  return t;
}

PodInfo with_preferences(std::vector<PreferredSchedulingTerm> terms) {
  PodInfo pod = PodBuilder().info();
  pod.node_affinity.emplace();
  pod.node_affinity->preferred = std::move(terms);
  return pod;
}

// Ported from upstream nodeaffinity/node_affinity_test.go TestNodeAffinityPriority: the raw
// score is the sum of the weights of the matching preferred terms, then
// DefaultNormalizeScore(100, reverse=false): 100 * s / max (integer division).
TEST_CASE("NodeAffinity scores the weights of matching preferred terms, normalised to 0..100") {
  const KV label1{{"foo", "bar"}};
  const KV label2{{"key", "value"}};
  const KV label3{{"az", "az1"}};
  const KV label4{{"abc", "az11"}, {"def", "az22"}};
  const KV label5{{"foo", "bar"}, {"key", "value"}, {"az", "az1"}};
  auto node = [](const char* name, KV labels) {
    StringMap l;
    for (const auto& [k, v] : labels) l[k] = v;
    return make_node(name, {{"cpu", "1"}}, l);
  };
  const PodInfo affinity1 = with_preferences({prefer(2, {{"foo", "bar"}})});
  const PodInfo affinity2 = with_preferences({
      prefer(2, {{"foo", "bar"}}),
      prefer(4, {{"key", "value"}}),
      prefer(5, {{"foo", "bar"}, {"key", "value"}, {"az", "az1"}}),
  });

  SUBCASE("all nodes score 0 when the pod has no node affinity") {
    auto s = make_snapshot({node("m1", label1), node("m2", label2), node("m3", label3)});
    CHECK(scores("NodeAffinity", PodBuilder().info(), s) == std::vector<int64_t>{0, 0, 0});
  }
  SUBCASE("no node matches the preferred terms: all 0") {
    auto s = make_snapshot({node("m1", label4), node("m2", label2), node("m3", label3)});
    CHECK(scores("NodeAffinity", affinity1, s) == std::vector<int64_t>{0, 0, 0});
  }
  SUBCASE("only machine1 matches: 100, 0, 0") {
    auto s = make_snapshot({node("m1", label1), node("m2", label2), node("m3", label3)});
    CHECK(scores("NodeAffinity", affinity1, s) == std::vector<int64_t>{100, 0, 0});
  }
  SUBCASE("every node matches a different subset: 18, 100, 36") {
    // machine1 {foo: bar} matches the first term only: 2.
    // machine5 matches all three: 2 + 4 + 5 = 11 (the maximum).
    // machine2 {key: value} matches the second: 4.
    // Normalised: 100 * 2 / 11 = 18, 100 * 11 / 11 = 100, 100 * 4 / 11 = 36.
    auto s = make_snapshot(
        {node("machine1", label1), node("machine5", label5), node("machine2", label2)});
    CHECK(scores("NodeAffinity", affinity2, s) == std::vector<int64_t>{18, 100, 36});
  }
  SUBCASE("a term with no expressions or weight 0 matches nothing") {
    // nodeaffinity.NewPreferredSchedulingTerms skips empty terms; a weight-0 term adds 0.
    PreferredSchedulingTerm empty;
    empty.weight = 7;
    const PodInfo pod = with_preferences({empty, prefer(0, {{"foo", "bar"}}), prefer(3, label2)});
    auto s = make_snapshot({node("m1", label1), node("m2", label2)});
    CHECK(scores("NodeAffinity", pod, s) == std::vector<int64_t>{0, 100});
  }
}

// The default profile's weights (default_plugins.go): TaintToleration 3, NodeAffinity 2,
// NodeResourcesFit 1, BalancedAllocation 1, and total[n] = sum_p score[p][n] * weight[p].
TEST_CASE(
    "Default plugin weights: an untolerated PreferNoSchedule taint (x3) beats a preferred "
    "node affinity (x2) plus a small LeastAllocated lead") {
  // Two 4-CPU / 8Gi nodes. "ssd" has label disk=ssd and a PreferNoSchedule taint and is
  // empty; "plain" already runs a 1 CPU / 1Gi pod. The pod asks 1 CPU / 1Gi and prefers
  // disk=ssd (weight 10).
  //   NodeResourcesFit, LeastAllocated (cpu:1, memory:1):
  //     ssd:   cpu (4000-1000)*100/4000 = 75, memory (8Gi-1Gi)*100/8Gi = 87 -> (75+87)/2 = 81
  //     plain: cpu (4000-2000)*100/4000 = 50, memory (8Gi-2Gi)*100/8Gi = 75 -> 125/2 = 62
  //   BalancedAllocation: ssd fractions 0.25, 0.125 -> std 0.0625 -> 93.75 -> 93;
  //                       plain 0.5, 0.25 -> std 0.125 -> 87.5 -> 87
  //   TaintToleration: untolerated counts {1, 0} -> reverse normalised {0, 100}
  //   NodeAffinity: raw {10, 0} -> {100, 0}
  //   totals: ssd   81*1 + 93*1 +   0*3 + 100*2 = 374
  //           plain 62*1 + 87*1 + 100*3 +   0*2 = 449   -> plain, by 75
  Node ssd = make_node("ssd", {{"cpu", "4"}, {"memory", "8Gi"}}, {{"disk", "ssd"}});
  ssd.taints = {{"spot", "true", "PreferNoSchedule"}};
  auto nodes = [&] {
    return make_snapshot(
        {ssd, make_node("plain", {{"cpu", "4"}, {"memory", "8Gi"}})},
        {{PodBuilder("e").req({{"cpu", "1"}, {"memory", "1Gi"}}).info(), "plain"}});
  };
  PodInfo pod = PodBuilder().req({{"cpu", "1"}, {"memory", "1Gi"}}).info();
  pod.node_affinity.emplace();
  pod.node_affinity->preferred = {prefer(10, {{"disk", "ssd"}})};

  auto s = nodes();
  CHECK(scores("NodeResourcesFit", pod, s) == std::vector<int64_t>{81, 62});
  CHECK(scores("NodeResourcesBalancedAllocation", pod, s) == std::vector<int64_t>{93, 87});
  CHECK(scores("TaintToleration", pod, s) == std::vector<int64_t>{0, 100});
  CHECK(scores("NodeAffinity", pod, s) == std::vector<int64_t>{100, 0});
  CHECK(scores("PodTopologySpread", pod, s) == std::vector<int64_t>{0, 0});
  CHECK(scores("InterPodAffinity", pod, s) == std::vector<int64_t>{0, 0});

  auto chosen = [&](const SchedulerConfig& cfg) {
    auto snap = nodes();
    Rng rng(1);
    return schedule(pod, snap, cfg, rng).node_name;
  };
  SchedulerConfig cfg;
  CHECK(chosen(cfg) == "plain");
  // Each weight matters, to the point:
  //   TaintToleration 2:   plain 62 + 87 + 200 = 349 < 374 -> ssd
  SchedulerConfig taint2;
  taint2.weights.taint_toleration = 2;
  CHECK(chosen(taint2) == "ssd");
  //   NodeAffinity 3:      ssd 81 + 93 + 300 = 474 > 449 -> ssd
  SchedulerConfig affinity3;
  affinity3.weights.node_affinity = 3;
  CHECK(chosen(affinity3) == "ssd");
  //   NodeResourcesFit 4:  ssd 324 + 93 + 200 = 617 < plain 248 + 87 + 300 = 635 -> plain
  //   NodeResourcesFit 5:  ssd 405 + 93 + 200 = 698 > plain 310 + 87 + 300 = 697 -> ssd, by 1
  SchedulerConfig fit4, fit5;
  fit4.weights.node_resources_fit = 4;
  fit5.weights.node_resources_fit = 5;
  CHECK(chosen(fit4) == "plain");
  CHECK(chosen(fit5) == "ssd");
  //   Tolerating the taint: both score 100 for TaintToleration, so plain loses its edge:
  //   ssd 81 + 93 + 300 + 200 = 674 > plain 449 -> ssd.
  pod.tolerations.push_back({"spot", "Exists", "", "PreferNoSchedule", {}});
  CHECK(chosen(cfg) == "ssd");
}

// ---------------------------------------------------------------- numFeasibleNodesToFind

TEST_CASE("numFeasibleNodesToFind adapts the percentage to the cluster size") {
  CHECK(num_feasible_nodes_to_find(0, 10) == 10);
  CHECK(num_feasible_nodes_to_find(40, 10) == 10);
  CHECK(num_feasible_nodes_to_find(0, 1000) == 420);
  CHECK(num_feasible_nodes_to_find(40, 1000) == 400);
  CHECK(num_feasible_nodes_to_find(0, 6000) == 300);
  CHECK(num_feasible_nodes_to_find(40, 6000) == 2400);
  CHECK(num_feasible_nodes_to_find(0, 5000) == 500);
  CHECK(num_feasible_nodes_to_find(0, 150) == 100);  // 150 * 48% = 72 -> minimum 100
}

}  // namespace
}  // namespace simcluster
