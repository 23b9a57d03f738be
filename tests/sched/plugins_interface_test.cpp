// The extension points of scheduler.h: extra Filter and Score plugins behind the small
// FilterPlugin / ScorePlugin interfaces, run by schedule() next to the built-in ones
// (kubernetes/kubernetes pkg/scheduler/framework/runtime/framework.go RunFilterPlugins,
// RunScorePlugins; the failure message is types.go FitError.Error()).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "sched/sched_builders.h"
#include "simcluster/scheduler.h"

namespace simcluster {
namespace {

using testing::make_node;
using testing::make_snapshot;
using testing::PodBuilder;

// Keeps a pod labelled team=X off nodes not labelled team=X, the way an out-of-tree
// plugin would (a node without the label is rejected too).
class TeamFilter : public FilterPlugin {
 public:
  explicit TeamFilter(FilterCode code) : code_(code) {}
  std::string_view name() const override { return "TeamFilter"; }
  FilterStatus filter(const PodInfo& pod, const NodeInfo& node) const override {
    auto want = pod.labels.find("team");
    if (want == pod.labels.end()) return {};
    auto have = node.labels.find("team");
    if (have != node.labels.end() && have->second == want->second) return {};
    return {code_, {"node(s) belong to another team"}};
  }

 private:
  FilterCode code_;
};

// Scores `favourite` with `points` and every other node with `others`; the default
// normalize() clamps into 0..100.
class FavouriteScore : public ScorePlugin {
 public:
  FavouriteScore(std::string favourite, int64_t points, int64_t weight, int64_t others = 0)
      : favourite_(std::move(favourite)), points_(points), weight_(weight), others_(others) {}
  std::string_view name() const override { return "FavouriteScore"; }
  int64_t weight() const override { return weight_; }
  int64_t score(const PodInfo&, const NodeInfo& node) const override {
    return node.name == favourite_ ? points_ : others_;
  }

 private:
  std::string favourite_;
  int64_t points_, weight_, others_;
};

ClusterSnapshot three_team_nodes() {
  // red-0 and red-1 have room but the wrong team; blue-0 has the team but 1 CPU.
  return make_snapshot(
      {make_node("red-0", {{"cpu", "4"}, {"memory", "8Gi"}}, {{"team", "red"}}),
       make_node("red-1", {{"cpu", "4"}, {"memory", "8Gi"}}, {{"team", "red"}}),
       make_node("blue-0", {{"cpu", "1"}, {"memory", "8Gi"}}, {{"team", "blue"}})});
}

TEST_CASE("An extra Filter plugin's reason is counted in kube-scheduler's FitError message") {
  TeamFilter filter(FilterCode::kUnschedulableAndUnresolvable);
  SchedulerConfig cfg;
  cfg.extra_filters = {&filter};
  cfg.preemption = false;
  auto s = three_team_nodes();
  Rng rng(1);
  // Built-in filters run first: blue-0 fails NodeResourcesFit and never reaches the plugin;
  // red-0 and red-1 pass it and are rejected by the plugin.
  auto pod = PodBuilder("big").label("team", "blue").req({{"cpu", "2"}}).info();
  auto r = schedule(pod, s, cfg, rng);
  CHECK_FALSE(r.ok());
  CHECK(r.message ==
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) belong to another team.");
  CHECK(r.reasons.at("node(s) belong to another team") == 2);
  CHECK(r.reasons.at("Insufficient cpu") == 1);
  CHECK(r.evaluated_nodes == 3);
  CHECK(r.feasible_nodes == 0);

  // With preemption on, UnschedulableAndUnresolvable nodes are not preemption candidates
  // (nodesWherePreemptionMightHelp); blue-0 has no lower-priority pod to evict.
  cfg.preemption = true;
  auto r2 = schedule(pod, s, cfg, rng);
  CHECK(r2.message ==
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) belong to another team. "
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
        "2 Preemption is not helpful for scheduling..");

  // A pod that fits blue-0 lands there, whatever LeastAllocated thinks of the red nodes.
  auto small = PodBuilder("small").label("team", "blue").req({{"cpu", "500m"}}).info();
  for (uint64_t seed = 0; seed < 10; ++seed) {
    Rng r3(seed);
    CHECK(schedule(small, s, cfg, r3).node_name == "blue-0");
  }
  // A pod without the label is left alone by the plugin: the emptier red nodes win.
  auto anyone = PodBuilder("anyone").req({{"cpu", "500m"}}).info();
  CHECK(schedule(anyone, s, cfg, rng).node_name.starts_with("red-"));

  // run_filters runs the extra plugins too.
  FilterStatus st = run_filters(small, s, *s.find_node("red-1"), cfg);
  CHECK(st.code == FilterCode::kUnschedulableAndUnresolvable);
  CHECK(st.reasons == std::vector<std::string>{"node(s) belong to another team"});
  CHECK(run_filters(small, s, *s.find_node("blue-0"), cfg).ok());
}

TEST_CASE("An extra Filter returning Unschedulable lets preemption try the node, and fail") {
  // Upstream SelectVictimsOnNode removes every lower-priority pod and re-runs the filters;
  // the plugin still rejects red-0, so its own reason is the node's preemption status.
  TeamFilter filter(FilterCode::kUnschedulable);
  SchedulerConfig cfg;
  cfg.extra_filters = {&filter};
  auto s = make_snapshot({make_node("red-0", {{"cpu", "4"}}, {{"team", "red"}}),
                          make_node("blue-0", {{"cpu", "1"}}, {{"team", "blue"}})},
                         {{PodBuilder("low").req({{"cpu", "1"}}).priority(-10).info(), "red-0"}});
  Rng rng(3);
  auto pod = PodBuilder("p").label("team", "blue").req({{"cpu", "2"}}).info();
  auto r = schedule(pod, s, cfg, rng);
  CHECK_FALSE(r.ok());
  CHECK(r.victims.empty());
  CHECK(r.message ==
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) belong to another team. "
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
        "1 node(s) belong to another team..");
}

TEST_CASE("An extra Score plugin steers the choice to the node it favours") {
  // Three identical empty nodes: every built-in plugin ties, so without the plugin the
  // seeded RNG spreads the choice over all three.
  auto nodes = [] {
    return make_snapshot({make_node("n0", {{"cpu", "2"}, {"memory", "4Gi"}}),
                          make_node("n1", {{"cpu", "2"}, {"memory", "4Gi"}}),
                          make_node("n2", {{"cpu", "2"}, {"memory", "4Gi"}})});
  };
  const PodInfo pod = PodBuilder().req({{"cpu", "100m"}, {"memory", "100Mi"}}).info();
  std::set<std::string> without;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    auto s = nodes();
    Rng rng(seed);
    without.insert(schedule(pod, s, SchedulerConfig{}, rng).node_name);
  }
  CHECK(without.size() == 3);
  // Raw scores 250 for n1 and -7 for the others; the default normalize() clamps them to
  // 100 and 0, so n1 is ahead by 100 whatever the seed.
  FavouriteScore favour_n1("n1", 250, 1, -7);
  SchedulerConfig cfg;
  cfg.extra_scores = {&favour_n1};
  for (uint64_t seed = 0; seed < 60; ++seed) {
    auto s = nodes();
    Rng rng(seed);
    auto r = schedule(pod, s, cfg, rng);
    REQUIRE(r.ok());
    CHECK(r.node_name == "n1");
  }
}

TEST_CASE("An extra Score plugin's weight multiplies its score before the sum with built-ins") {
  // Nodes a and b, 10 CPU / 10Gi each; a already runs 5 CPU / 5Gi. The pod asks 1 CPU / 1Gi.
  //   NodeResourcesFit (LeastAllocated, weight 1):
  //     a: cpu (10000 - 6000) * 100 / 10000 = 40, memory (10Gi - 6Gi) * 100 / 10Gi = 40 -> 40
  //     b: cpu (10000 - 1000) * 100 / 10000 = 90, memory 90 -> 90
  //   BalancedAllocation: a fractions 0.6, 0.6 -> 100; b 0.1, 0.1 -> 100 (equal)
  //   TaintToleration 100 on both (no taints), NodeAffinity / InterPodAffinity 0, no
  //   spreading (no selector): equal.
  // So b leads a by 50. The plugin gives a 25 and b 0: a gains 25 * w.
  //   w = 1: a 25 behind  -> b;   w = 2: a level (tie)  -> either;   w = 3: a 25 ahead -> a.
  auto nodes = [] {
    return make_snapshot({make_node("a", {{"cpu", "10"}, {"memory", "10Gi"}}),
                          make_node("b", {{"cpu", "10"}, {"memory", "10Gi"}})},
                         {{PodBuilder("e").req({{"cpu", "5"}, {"memory", "5Gi"}}).info(), "a"}});
  };
  const PodInfo pod = PodBuilder().req({{"cpu", "1"}, {"memory", "1Gi"}}).info();
  auto winners = [&](int64_t w) {
    FavouriteScore favour_a("a", 25, w);
    SchedulerConfig cfg;
    cfg.extra_scores = {&favour_a};
    std::set<std::string> won;
    for (uint64_t seed = 0; seed < 40; ++seed) {
      auto s = nodes();
      Rng rng(seed);
      won.insert(schedule(pod, s, cfg, rng).node_name);
    }
    return won;
  };
  CHECK(winners(1) == std::set<std::string>{"b"});
  CHECK(winners(2) == std::set<std::string>{"a", "b"});
  CHECK(winners(3) == std::set<std::string>{"a"});
  // Zeroing the built-in's weight instead (NodeResourcesFit 1 -> 0) lets w = 1 win too:
  // b's lead drops to 0 and a's 25 decides.
  FavouriteScore favour_a("a", 25, 1);
  SchedulerConfig cfg;
  cfg.extra_scores = {&favour_a};
  cfg.weights.node_resources_fit = 0;
  auto s = nodes();
  Rng rng(1);
  CHECK(schedule(pod, s, cfg, rng).node_name == "a");
}

}  // namespace
}  // namespace simcluster
