// PodTopologySpread and InterPodAffinity, filtering and scoring
// (podtopologyspread/{filtering,scoring}.go, interpodaffinity/{filtering,scoring}.go).
#include <doctest/doctest.h>

#include <set>

#include "sched/sched_builders.h"
#include "sched/scoring.h"
#include "simcluster/scheduler.h"

namespace simcluster {
namespace {

using testing::make_node;
using testing::make_snapshot;
using testing::match;
using testing::PodBuilder;

Node zoned(const std::string& name, const std::string& zone, const char* cpu = "4") {
  return make_node(name, {{"cpu", cpu}, {"memory", "16Gi"}},
                   {{"topology.kubernetes.io/zone", zone}});
}

PodInfo web(const std::string& name) {
  return PodBuilder(name).label("app", "web").req({{"cpu", "100m"}}).info();
}

TEST_CASE("A DoNotSchedule zone constraint sends the pod to the emptier zone") {
  // zone a: 2 matching pods, zone b: 0; maxSkew 1 -> only zone b passes (2 + 1 - 0 > 1).
  auto s = make_snapshot({zoned("a1", "a"), zoned("a2", "a"), zoned("b1", "b"), zoned("b2", "b")},
                         {{web("w1"), "a1"}, {web("w2"), "a2"}});
  auto pod =
      PodBuilder("new")
          .label("app", "web")
          .req({{"cpu", "100m"}})
          .spread(1, "topology.kubernetes.io/zone", "DoNotSchedule", match({{"app", "web"}}));
  Rng rng(1);
  for (int i = 0; i < 10; ++i) {
    auto r = schedule(pod.info(), s, SchedulerConfig{}, rng);
    REQUIRE(r.ok());
    CHECK(s.node(*r.node).zone == "b");
  }
  // Pods that do not match the selector are not counted.
  auto other = make_snapshot({zoned("a1", "a"), zoned("b1", "b")},
                             {{PodBuilder("db").label("app", "db").info(), "a1"},
                              {PodBuilder("db2").label("app", "db").info(), "a1"}});
  auto r = schedule(pod.info(), other, SchedulerConfig{}, rng);
  CHECK(r.ok());
}

TEST_CASE("matchLabelKeys narrows spreading and anti-affinity to the pod's own label values") {
  // Zone a holds two pods of the old revision; the new revision's pod spreads by zone
  // with maxSkew 1. Counting every app=web pod, zone a is 2 ahead and refused; with
  // matchLabelKeys [pod-template-hash] only new-revision pods count (0 and 0): both pass.
  auto old_rev = [](const std::string& name) {
    return PodBuilder(name).label("app", "web").label("pod-template-hash", "old").info();
  };
  auto s = make_snapshot({zoned("a1", "a"), zoned("b1", "b")},
                         {{old_rev("w1"), "a1"}, {old_rev("w2"), "a1"}});
  auto base = [] {
    return PodBuilder("new")
        .label("app", "web")
        .label("pod-template-hash", "new")
        .req({{"cpu", "100m"}})
        .spread(1, "topology.kubernetes.io/zone", "DoNotSchedule", match({{"app", "web"}}));
  };
  const NodeId a1 = *s.find_node("a1");
  CHECK_FALSE(run_filters(base().info(), s, a1, SchedulerConfig{}).ok());
  const PodInfo keyed = base().spread_match_label_keys({"pod-template-hash", "absent"}).info();
  REQUIRE(keyed.topology_spread_constraints[0].label_selector.match_expressions.size() == 1);
  CHECK(run_filters(keyed, s, a1, SchedulerConfig{}).ok());

  // Required hostname anti-affinity against app=web: a1 is refused; mismatchLabelKeys
  // [pod-template-hash] only avoids pods of *other* revisions (still a1), matchLabelKeys
  // only pods of its own revision (none yet: a1 passes).
  auto anti = [] {
    return PodBuilder("new2")
        .label("app", "web")
        .label("pod-template-hash", "new")
        .req({{"cpu", "100m"}})
        .anti_affinity("kubernetes.io/hostname", match({{"app", "web"}}));
  };
  CHECK_FALSE(run_filters(anti().info(), s, a1, SchedulerConfig{}).ok());
  CHECK_FALSE(run_filters(anti().anti_affinity_label_keys({}, {"pod-template-hash"}).info(), s, a1,
                          SchedulerConfig{})
                  .ok());
  CHECK(run_filters(anti().anti_affinity_label_keys({"pod-template-hash"}, {}).info(), s, a1,
                    SchedulerConfig{})
            .ok());
}

TEST_CASE("Topology spread failures: skew exceeded and a node missing the topology label") {
  auto s =
      make_snapshot({zoned("a1", "a"), zoned("b1", "b", "100m"), make_node("bare", {{"cpu", "4"}})},
                    {{web("w1"), "a1"}});
  auto pod =
      PodBuilder("new")
          .label("app", "web")
          .req({{"cpu", "200m"}})
          .spread(1, "topology.kubernetes.io/zone", "DoNotSchedule", match({{"app", "web"}}));
  SchedulerConfig cfg;
  cfg.preemption = false;
  Rng rng(1);
  auto r = schedule(pod.info(), s, cfg, rng);
  CHECK(r.message ==
        "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread "
        "constraints, 1 node(s) didn't match pod topology spread constraints (missing required "
        "label).");
}

TEST_CASE("minDomains above the number of domains makes the global minimum 0") {
  auto s =
      make_snapshot({zoned("a1", "a"), zoned("b1", "b")}, {{web("w1"), "a1"}, {web("w2"), "b1"}});
  auto builder =
      PodBuilder("new")
          .label("app", "web")
          .req({{"cpu", "100m"}})
          .spread(1, "topology.kubernetes.io/zone", "DoNotSchedule", match({{"app", "web"}}));
  Rng rng(1);
  CHECK(schedule(builder.info(), s, SchedulerConfig{}, rng).ok());  // 1 + 1 - 1 = 1
  PodInfo pod = builder.info();
  pod.topology_spread_constraints[0].min_domains = 3;  // 2 domains < 3 -> min 0 -> skew 2
  SchedulerConfig cfg;
  cfg.preemption = false;
  auto r = schedule(pod, s, cfg, rng);
  CHECK(r.message ==
        "0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints.");
}

TEST_CASE("System default spreading scores 69, 100, 84 for 2, 0, 1 matching pods in one zone") {
  auto s = make_snapshot({zoned("n1", "z"), zoned("n2", "z"), zoned("n3", "z")},
                         {{web("w1"), "n1"}, {web("w2"), "n1"}, {web("w3"), "n3"}});
  PodInfo pod = web("new");
  pod.default_spread_selector = match({{"app", "web"}});
  auto sc = plugin_scores("PodTopologySpread", pod, s, testing::all_nodes(s), SchedulerConfig{});
  CHECK(sc == std::vector<int64_t>{69, 100, 84});
  // No selector (no Service / ReplicaSet selects the pod): the plugin skips it.
  PodInfo bare = web("bare");
  CHECK(plugin_scores("PodTopologySpread", bare, s, testing::all_nodes(s), SchedulerConfig{}) ==
        std::vector<int64_t>{0, 0, 0});
}

TEST_CASE("Soft spreading places replicas evenly across zones") {
  std::vector<Node> nodes;
  for (const char* z : {"a", "b", "c"}) {
    for (int i = 0; i < 3; ++i) nodes.push_back(zoned(std::string(z) + std::to_string(i), z));
  }
  auto s = make_snapshot(nodes);
  Rng rng(11);
  std::map<std::string, int> per_zone;
  for (int i = 0; i < 9; ++i) {
    PodInfo pod = web("w" + std::to_string(i));
    pod.default_spread_selector = match({{"app", "web"}});
    auto r = schedule(pod, s, SchedulerConfig{}, rng);
    REQUIRE(r.ok());
    s.add_pod(pod, *r.node);
    ++per_zone[s.node(*r.node).zone];
  }
  CHECK(per_zone == std::map<std::string, int>{{"a", 3}, {"b", 3}, {"c", 3}});
  for (NodeId n : s.node_order()) CHECK(s.node(n).pod_count() == 1);
}

TEST_CASE("Required hostname anti-affinity puts replicas on distinct nodes, then stops") {
  auto s = make_snapshot({zoned("n1", "a"), zoned("n2", "a"), zoned("n3", "b")});
  SchedulerConfig cfg;
  cfg.preemption = false;
  Rng rng(4);
  std::set<NodeId> used;
  for (int i = 0; i < 4; ++i) {
    PodInfo pod = PodBuilder("r" + std::to_string(i))
                      .label("app", "redis")
                      .req({{"cpu", "100m"}})
                      .anti_affinity("kubernetes.io/hostname", match({{"app", "redis"}}))
                      .info();
    auto r = schedule(pod, s, cfg, rng);
    if (i < 3) {
      REQUIRE(r.ok());
      CHECK(used.insert(*r.node).second);
      s.add_pod(pod, *r.node);
    } else {
      CHECK(r.message ==
            "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.");
    }
  }
  // A pod without anti-affinity terms of its own is kept away by the existing pods' terms.
  auto r = schedule(PodBuilder("plain").label("app", "redis").req({{"cpu", "100m"}}).info(), s, cfg,
                    rng);
  CHECK(r.message ==
        "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules.");
  // After a replica is removed its node opens again.
  s.remove_pod(s.node(0).pods.front());
  auto r2 = schedule(PodBuilder("plain").label("app", "redis").req({{"cpu", "100m"}}).info(), s,
                     cfg, rng);
  REQUIRE(r2.ok());
  CHECK(*r2.node == 0);
}

TEST_CASE("Required pod affinity follows the target's zone, with the first-pod exception") {
  auto s = make_snapshot({zoned("a1", "a"), zoned("b1", "b"), zoned("b2", "b")},
                         {{PodBuilder("db").label("app", "db").info(), "a1"}});
  SchedulerConfig cfg;
  cfg.preemption = false;
  Rng rng(8);
  auto near_db = PodBuilder("api")
                     .label("app", "api")
                     .req({{"cpu", "100m"}})
                     .affinity("topology.kubernetes.io/zone", match({{"app", "db"}}));
  auto r = schedule(near_db.info(), s, cfg, rng);
  REQUIRE(r.ok());
  CHECK(s.node(*r.node).zone == "a");
  // Nothing matches and the pod does not match its own term: unresolvable.
  auto near_cache = PodBuilder("api2")
                        .label("app", "api")
                        .req({{"cpu", "100m"}})
                        .affinity("topology.kubernetes.io/zone", match({{"app", "cache"}}));
  auto r2 = schedule(near_cache.info(), s, cfg, rng);
  CHECK(r2.message == "0/3 nodes are available: 3 node(s) didn't match pod affinity rules.");
  // The first pod of a self-affine group may go anywhere.
  auto group = PodBuilder("g0")
                   .label("app", "group")
                   .req({{"cpu", "100m"}})
                   .affinity("topology.kubernetes.io/zone", match({{"app", "group"}}));
  auto r3 = schedule(group.info(), s, cfg, rng);
  REQUIRE(r3.ok());
  s.add_pod(group.info(), *r3.node);
  const std::string zone = s.node(*r3.node).zone;
  for (int i = 0; i < 5; ++i) {
    auto r4 = schedule(group.info(), s, cfg, rng);
    REQUIRE(r4.ok());
    CHECK(s.node(*r4.node).zone == zone);
  }
}

TEST_CASE("Preferred pod affinity scores the target's domain highest") {
  auto s = make_snapshot({zoned("a1", "a"), zoned("b1", "b"), zoned("b2", "b")},
                         {{PodBuilder("db").label("app", "db").info(), "b2"}});
  PodInfo pod = PodBuilder("api")
                    .label("app", "api")
                    .req({{"cpu", "100m"}})
                    .preferred_affinity(10, "topology.kubernetes.io/zone", match({{"app", "db"}}))
                    .info();
  auto sc = plugin_scores("InterPodAffinity", pod, s, testing::all_nodes(s), SchedulerConfig{});
  CHECK(sc == std::vector<int64_t>{0, 100, 100});
}

TEST_CASE("Terminating pods stop counting for spreading but keep their resources") {
  auto s = make_snapshot({zoned("a1", "a"), zoned("b1", "b")});
  const PodId w1 = s.add_pod(web("w1"), 0);
  auto pod =
      PodBuilder("new")
          .label("app", "web")
          .req({{"cpu", "100m"}})
          .spread(1, "topology.kubernetes.io/zone", "DoNotSchedule", match({{"app", "web"}}));
  s.add_pod(web("w2"), 0);
  SchedulerConfig cfg;
  cfg.preemption = false;
  Rng rng(2);
  auto r = schedule(pod.info(), s, cfg, rng);
  REQUIRE(r.ok());
  CHECK(*r.node == 1);
  s.mark_terminating(w1);
  s.add_pod(web("w3"), 1);  // a: 1 active (w2), b: 1
  auto r2 = schedule(pod.info(), s, cfg, rng);
  CHECK(r2.ok());
  CHECK(s.node(0).requested.cpu_milli == 200);
  CHECK(s.check_invariants(true) == "");
}

}  // namespace
}  // namespace simcluster
