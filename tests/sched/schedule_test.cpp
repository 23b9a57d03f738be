// Whole scheduling cycles: host selection, round robin, the My-SaaS-Chat sizing,
// the requests <= allocatable invariant, preemption.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "sched/sched_builders.h"
#include "simcluster/nodes.h"
#include "simcluster/scheduler.h"

namespace simcluster {
namespace {

using testing::KV;
using testing::make_node;
using testing::make_snapshot;
using testing::PodBuilder;

ClusterSnapshot pool_snapshot(const MachineShape& shape, int32_t count,
                              std::vector<std::string> zones = {}) {
  NodePool pool;
  pool.name = "pool";
  pool.count = count;
  pool.shape = shape;
  pool.zones = std::move(zones);
  ClusterSnapshot s;
  for (const auto& n : expand_pools({pool})) s.add_node(n);
  return s;
}

struct Service {
  const char* name;
  int replicas;
  const char* cpu;
  const char* memory;
};

// Schedules `replicas` of every service, in order, binding each placed pod.
// Returns the failure messages of the pods left Pending.
std::vector<std::string> place(ClusterSnapshot& s, const std::vector<Service>& services, Rng& rng,
                               int* placed = nullptr) {
  std::vector<std::string> pending;
  int ok = 0;
  for (const auto& svc : services) {
    for (int i = 0; i < svc.replicas; ++i) {
      PodInfo pod = PodBuilder(std::string(svc.name) + "-" + std::to_string(i))
                        .label("app", svc.name)
                        .req({{"cpu", svc.cpu}, {"memory", svc.memory}})
                        .info();
      auto r = schedule(pod, s, SchedulerConfig{}, rng);
      if (r.ok()) {
        s.add_pod(pod, *r.node);
        ++ok;
      } else {
        pending.push_back(r.message);
      }
    }
  }
  if (placed) *placed = ok;
  return pending;
}

TEST_CASE("The 2cpu-4gi preset subtracts GKE-style reservations: 1930m and 2972Mi allocatable") {
  auto shape = find_machine_shape("2cpu-4gi");
  REQUIRE(shape);
  const Resources a = allocatable(*shape);
  CHECK(a.cpu_milli == 1930);
  CHECK(a.memory == (4096 - 1024 - 100) * 1024LL * 1024);
  CHECK(a.pods == 110);
}

TEST_CASE("My-SaaS-Chat at minimum replicas fits on 3 nodes of 2 CPU / 4 GiB") {
  auto s = pool_snapshot(*find_machine_shape("2cpu-4gi"), 3);
  Rng rng(42);
  int placed = 0;
  auto pending = place(s,
                       {{"postgres", 1, "250m", "256Mi"},
                        {"redis", 1, "100m", "128Mi"},
                        {"jaeger", 1, "100m", "256Mi"},
                        {"auth", 2, "250m", "256Mi"},
                        {"chat", 3, "300m", "384Mi"},
                        {"billing", 2, "250m", "256Mi"}},
                       rng, &placed);
  CHECK(pending.empty());
  CHECK(placed == 10);
  CHECK(s.check_invariants(true) == "");
  // 2350m spread by LeastAllocated: no node carries more than half of it.
  for (NodeId n : s.node_order()) CHECK(s.node(n).requested.cpu_milli <= 1000);
}

TEST_CASE("My-SaaS-Chat at maximum replicas leaves pods Pending for cpu on the same 3 nodes") {
  // 10 auth, 20 chat, 8 billing + 3 singletons = 41 pods, 10950m / 12928Mi requested;
  // 3 x 1930m = 5790m allocatable: cpu runs out first (memory would allow ~ 3 x 2972Mi).
  const std::string kMessage =
      "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
      "3 No preemption victims found for incoming pod..";
  const std::vector<Service> max = {
      {"postgres", 1, "250m", "256Mi"}, {"redis", 1, "100m", "128Mi"},
      {"jaeger", 1, "100m", "256Mi"},   {"auth", 10, "250m", "256Mi"},
      {"chat", 20, "300m", "384Mi"},    {"billing", 8, "250m", "256Mi"}};
  SUBCASE("with reserved resources (the preset)") {
    auto s = pool_snapshot(*find_machine_shape("2cpu-4gi"), 3);
    Rng rng(42);
    int placed = 0;
    auto pending = place(s, max, rng, &placed);
    // 3 singletons (450m) + 10 auth (2500m) + 8 chat (2400m) = 5350m on 21 pods. LeastAllocated
    // spreads them to 1700m / 1750m / 1900m: 230m, 180m and 30m free, less than one chat
    // (300m) or billing (250m) pod, so 12 chat and 8 billing pods stay Pending.
    std::vector<int64_t> used;
    for (NodeId n : s.node_order()) used.push_back(s.node(n).requested.cpu_milli);
    std::sort(used.begin(), used.end());
    CHECK(used == std::vector<int64_t>{1700, 1750, 1900});
    CHECK(placed == 21);
    CHECK(pending.size() == 20);
    for (const auto& m : pending) CHECK(m == kMessage);
    CHECK(s.check_invariants(true) == "");
  }
  SUBCASE("with allocatable = capacity (no reservations)") {
    Resources cap;
    cap.cpu_milli = 2000;
    cap.memory = 4LL << 30;
    cap.pods = 110;
    auto s = pool_snapshot(make_machine_shape("bare", cap, ReservationPolicy::kNone), 3);
    Rng rng(42);
    int placed = 0;
    auto pending = place(s, max, rng, &placed);
    // 6000m: 3 singletons + 10 auth + 10 chat = 23 pods at 1900m / 2000m / 2000m.
    CHECK(placed == 23);
    CHECK(pending.size() == 18);
    for (const auto& m : pending) CHECK(m == kMessage);
  }
}

TEST_CASE("Requests on a node never exceed its allocatable after many binds and removals") {
  ClusterSnapshot s;
  for (int i = 0; i < 40; ++i) {
    const std::string cpu = std::to_string(1000 + 500 * (i % 4)) + "m";
    s.add_node(make_node(
        "n" + std::to_string(i), {{"cpu", cpu.c_str()}, {"memory", "4Gi"}, {"pods", "20"}},
        {{"topology.kubernetes.io/zone", i % 3 == 0 ? "a" : (i % 3 == 1 ? "b" : "c")}}));
  }
  Rng rng(2024), pick(99);
  std::vector<PodId> bound;
  int failures = 0;
  for (int step = 0; step < 3000; ++step) {
    if (!bound.empty() && pick.uniform(4) == 0) {
      const size_t k = pick.uniform(bound.size());
      s.remove_pod(bound[k]);
      bound[k] = bound.back();
      bound.pop_back();
      continue;
    }
    const int64_t cpu = 50 + static_cast<int64_t>(pick.uniform(600));
    const int64_t mem = 64 + static_cast<int64_t>(pick.uniform(700));
    const std::string c = std::to_string(cpu) + "m", m = std::to_string(mem) + "Mi";
    PodInfo pod = PodBuilder("p" + std::to_string(step))
                      .label("app", "a" + std::to_string(step % 7))
                      .req({{"cpu", c.c_str()}, {"memory", m.c_str()}})
                      .info();
    auto r = schedule(pod, s, SchedulerConfig{}, rng);
    if (!r.ok()) {
      ++failures;
      continue;
    }
    bound.push_back(s.add_pod(pod, *r.node));
    if (step % 97 == 0) REQUIRE(s.check_invariants(true) == "");
  }
  CHECK(s.check_invariants(true) == "");
  CHECK(failures > 0);  // the cluster did fill up, so the filter was exercised
  CHECK(s.num_pods() == bound.size());
}

TEST_CASE("Nodes are walked zone by zone, round robin from where the last cycle stopped") {
  ClusterSnapshot s;
  for (const auto& [name, zone] : std::vector<std::pair<std::string, std::string>>{
           {"a1", "a"}, {"a2", "a"}, {"a3", "a"}, {"b1", "b"}}) {
    s.add_node(make_node(name, {{"cpu", "1"}}, {{"topology.kubernetes.io/zone", zone}}));
  }
  std::vector<std::string> order;
  for (NodeId n : s.node_order()) order.push_back(s.node(n).name);
  CHECK(order == std::vector<std::string>{"a1", "b1", "a2", "a3"});
  // 4 < 100 nodes: every node is examined, so the start index advances by 4 (mod 4).
  Rng rng(1);
  (void)schedule(PodBuilder().req({{"cpu", "100m"}}).info(), s, SchedulerConfig{}, rng);
  CHECK(s.next_start_node_index() == 0);
  // With 200 nodes, percentage 10: k = max(20, 100) = 100 feasible nodes, then stop.
  ClusterSnapshot big;
  for (int i = 0; i < 200; ++i) big.add_node(make_node("n" + std::to_string(i), {{"cpu", "1"}}));
  SchedulerConfig cfg;
  cfg.percentage_of_nodes_to_score = 10;
  auto r = schedule(PodBuilder().req({{"cpu", "100m"}}).info(), big, cfg, rng);
  CHECK(r.evaluated_nodes == 100);
  CHECK(big.next_start_node_index() == 100);
  r = schedule(PodBuilder().req({{"cpu", "100m"}}).info(), big, cfg, rng);
  CHECK(big.next_start_node_index() == 0);
}

TEST_CASE("Ties are broken by the seeded RNG, uniformly and reproducibly") {
  std::map<std::string, int> wins;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    auto s = make_snapshot({make_node("x", {{"cpu", "2"}}), make_node("y", {{"cpu", "2"}}),
                            make_node("z", {{"cpu", "2"}})});
    Rng rng(seed);
    auto r = schedule(PodBuilder().req({{"cpu", "1"}}).info(), s, SchedulerConfig{}, rng);
    ++wins[r.node_name];
    Rng again(seed);
    auto s2 = make_snapshot({make_node("x", {{"cpu", "2"}}), make_node("y", {{"cpu", "2"}}),
                             make_node("z", {{"cpu", "2"}})});
    CHECK(
        schedule(PodBuilder().req({{"cpu", "1"}}).info(), s2, SchedulerConfig{}, again).node_name ==
        r.node_name);
  }
  CHECK(wins.size() == 3);
  for (const auto& [n, w] : wins) CHECK(w > 60);
}

TEST_CASE("LeastAllocated spreads and MostAllocated packs") {
  SchedulerConfig least, most;
  most.scoring_strategy = ScoringStrategy::kMostAllocated;
  for (auto* cfg : {&least, &most}) {
    auto s = make_snapshot({make_node("a", {{"cpu", "4"}, {"memory", "8Gi"}}),
                            make_node("b", {{"cpu", "4"}, {"memory", "8Gi"}})});
    Rng rng(5);
    std::set<std::string> used;
    for (int i = 0; i < 4; ++i) {
      auto pod =
          PodBuilder("p" + std::to_string(i)).req({{"cpu", "500m"}, {"memory", "1Gi"}}).info();
      auto r = schedule(pod, s, *cfg, rng);
      REQUIRE(r.ok());
      s.add_pod(pod, *r.node);
      used.insert(r.node_name);
    }
    CHECK(used.size() == (cfg == &least ? 2u : 1u));
  }
}

TEST_CASE("LeastAllocated's floor picks the node at 67 over five at 66, on every path") {
  // Five "small" nodes of 3 cores / 3050Mi and one "big" of 10 cores / 10000Mi with
  // 2300m / 2280Mi requested; the pod asks 1 core / 1000Mi. LeastAllocated
  // (least_allocated.go, int64 division): small cpu 66.67 -> 66, memory 67.2 -> 67,
  // (66 + 67) / 2 = 66; big cpu exactly 67, memory 67.2 -> 67: 67. BalancedAllocation
  // gives all 99 (scoring_test.cpp). Rounding up either resource of a small node makes it
  // 67 (big stays 67): a six-way tie the seeded draw gives to a small node 5 times in 6.
  SchedulerConfig fused;     // default profile: DefaultResourceScorer, memo, inline selectHost
  SchedulerConfig fit_fast;  // BalancedAllocation over cpu only: score_fit's cpu+memory path
  fit_fast.balanced_resources = {{"cpu", 1}};
  SchedulerConfig generic;  // memory first: score_fit's generic loop (least_allocated_score)
  generic.scoring_resources = {{"memory", 1}, {"cpu", 1}};
  generic.balanced_resources = {{"memory", 1}, {"cpu", 1}};
  struct Path {
    std::string name;
    const SchedulerConfig* cfg;
    bool tainted;  // a PreferNoSchedule node: TaintToleration scores vary, so the fused
                   // scores go through the generic loop's memo instead of the inline pass
  };
  for (const Path& path :
       {Path{"fused inline", &fused, false}, Path{"fused loop", &fused, true},
        Path{"score_fit fast", &fit_fast, false}, Path{"generic", &generic, false}}) {
    CAPTURE(path.name);
    for (uint64_t seed = 0; seed < 12; ++seed) {
      CAPTURE(seed);
      std::vector<Node> nodes;
      for (int i = 0; i < 5; ++i) {
        nodes.push_back(
            make_node("small" + std::to_string(i), {{"cpu", "3"}, {"memory", "3050Mi"}}));
      }
      nodes.push_back(make_node("big", {{"cpu", "10"}, {"memory", "10000Mi"}}));
      if (path.tainted) {
        Node t = make_node("tiny", {{"cpu", "500m"}, {"memory", "3050Mi"}});  // does not fit
        t.taints.push_back(Taint{"k", "v", "PreferNoSchedule"});
        nodes.push_back(t);
      }
      auto s = make_snapshot(
          nodes, {{PodBuilder("e").req({{"cpu", "2300m"}, {"memory", "2280Mi"}}).info(), "big"}});
      Rng rng(seed);
      const auto r = schedule(PodBuilder().req({{"cpu", "1"}, {"memory", "1000Mi"}}).info(), s,
                              *path.cfg, rng);
      CHECK(r.node_name == "big");
    }
  }
}

// ---------------------------------------------------------------- preemption

TEST_CASE("Preemption evicts the fewest, least important lower-priority pods") {
  auto s = make_snapshot({make_node("n", {{"cpu", "2"}, {"memory", "4Gi"}})});
  PodInfo older = PodBuilder("older").req({{"cpu", "800m"}}).priority(0).info();
  older.start_time = SimTime::from_seconds(10);
  PodInfo newer = PodBuilder("newer").req({{"cpu", "800m"}}).priority(0).info();
  newer.start_time = SimTime::from_seconds(20);
  const PodId po = s.add_pod(older, 0);
  const PodId pn = s.add_pod(newer, 0);
  Rng rng(1);
  auto high = PodBuilder("high").req({{"cpu", "1"}}).priority(100).info();
  auto r = schedule(high, s, SchedulerConfig{}, rng);
  CHECK_FALSE(r.ok());
  CHECK(r.message == "0/1 nodes are available: 1 Insufficient cpu.");
  REQUIRE(r.nominated_node.has_value());
  CHECK(*r.nominated_node == 0);
  // Reprieve the more important (earlier started) pod first; 800m + 1000m fit in 2000m.
  CHECK(r.victims == std::vector<PodId>{pn});
  CHECK(s.node(0).pod_count() == 2);  // the dry run restored the snapshot
  CHECK(s.check_invariants(false) == "");
  // The caller evicts the victim; the next cycle binds the preemptor.
  s.remove_pod(pn);
  auto r2 = schedule(high, s, SchedulerConfig{}, rng);
  CHECK(r2.ok());
  (void)po;
}

TEST_CASE("Between two equal candidates preemption evicts the victim that started last") {
  // x was bound first but its kubelet started it last; pickOneNodeForPreemption keeps the
  // candidate whose victims' earliest status.startTime is the latest: x's node.
  auto s = make_snapshot({make_node("n1", {{"cpu", "1"}}), make_node("n2", {{"cpu", "1"}})});
  const PodId x = s.add_pod(PodBuilder("x").req({{"cpu", "1"}}).info(), 0);
  const PodId y = s.add_pod(PodBuilder("y").req({{"cpu", "1"}}).info(), 1);
  s.set_pod_start_time(x, SimTime::from_seconds(100));
  s.set_pod_start_time(y, SimTime::from_seconds(50));
  Rng rng(1);
  auto r = schedule(PodBuilder("high").req({{"cpu", "1"}}).priority(10).info(), s,
                    SchedulerConfig{}, rng);
  REQUIRE(r.nominated_node.has_value());
  CHECK(*r.nominated_node == 0);
  CHECK(r.victims == std::vector<PodId>{x});
  // Swapped start times pick the other node.
  s.set_pod_start_time(x, SimTime::from_seconds(40));
  r = schedule(PodBuilder("high").req({{"cpu", "1"}}).priority(10).info(), s, SchedulerConfig{},
               rng);
  REQUIRE(r.nominated_node.has_value());
  CHECK(*r.nominated_node == 1);
  CHECK(r.victims == std::vector<PodId>{y});
}

TEST_CASE("Overprovisioning pods with negative priority make room for ordinary pods") {
  auto s = make_snapshot({make_node("n1", {{"cpu", "2"}}), make_node("n2", {{"cpu", "2"}})});
  for (int i = 0; i < 2; ++i) {
    s.add_pod(PodBuilder("pause-" + std::to_string(i)).req({{"cpu", "1800m"}}).priority(-10).info(),
              static_cast<NodeId>(i));
  }
  Rng rng(3);
  auto r = schedule(PodBuilder("web").req({{"cpu", "1"}}).info(), s, SchedulerConfig{}, rng);
  REQUIRE(r.nominated_node.has_value());
  REQUIRE(r.victims.size() == 1);
  CHECK(s.pod(r.victims[0]).priority == -10);
  CHECK(s.pod(r.victims[0]).node == *r.nominated_node);
}

TEST_CASE("Preemption reports why it could not help") {
  Node tainted = make_node("t", {{"cpu", "2"}});
  tainted.taints = {{"dedicated", "gpu", "NoSchedule"}};
  auto s = make_snapshot({make_node("n", {{"cpu", "2"}}), tainted},
                         {{PodBuilder("big").req({{"cpu", "2"}}).priority(50).info(), "n"}});
  Rng rng(9);
  auto pod = PodBuilder("p").req({{"cpu", "1"}}).priority(50).info();
  auto r = schedule(pod, s, SchedulerConfig{}, rng);
  CHECK(r.message ==
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
        "{dedicated: gpu}. preemption: 0/2 nodes are available: 1 No preemption victims found "
        "for incoming pod, 1 Preemption is not helpful for scheduling..");
  CHECK(r.victims.empty());
  pod.preemption_policy_never = true;
  pod.priority = 1000;
  auto r2 = schedule(pod, s, SchedulerConfig{}, rng);
  CHECK(r2.message ==
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
        "{dedicated: gpu}. preemption: not eligible due to preemptionPolicy=Never..");
  // Lower-priority pods exist but evicting them all is still not enough: the node's
  // own filter reason is reported.
  auto huge = PodBuilder("huge").req({{"cpu", "3"}}).priority(1000).info();
  auto r3 = schedule(huge, s, SchedulerConfig{}, rng);
  CHECK(r3.message ==
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
        "{dedicated: gpu}. preemption: 0/2 nodes are available: 1 Insufficient cpu, "
        "1 Preemption is not helpful for scheduling..");
}

TEST_CASE("A nominated node that still fits is chosen directly") {
  auto s = make_snapshot({make_node("a", {{"cpu", "4"}}), make_node("b", {{"cpu", "4"}})},
                         {{PodBuilder("x").req({{"cpu", "3"}}).info(), "b"}});
  PodInfo pod = PodBuilder().req({{"cpu", "1"}}).info();
  pod.nominated_node_name = "b";
  Rng rng(1);
  auto r = schedule(pod, s, SchedulerConfig{}, rng);
  REQUIRE(r.ok());
  CHECK(r.node_name == "b");  // LeastAllocated alone would pick a
  CHECK(r.evaluated_nodes == 1);
}

TEST_CASE("A nominated node that no longer fits still counts once in nextStartNodeIndex") {
  // 200 nodes: 100 are enough (numFeasibleNodesToFind). The nominated n150 is full; the
  // walk from 0 stops after n0..n99, but n150's failed status is in the diagnosis too:
  // processedNodes = 101. A nominated node the walk reached counts only once.
  std::vector<Node> nodes;
  for (int i = 0; i < 200; ++i) nodes.push_back(make_node("n" + std::to_string(i), {{"cpu", "1"}}));
  auto s = make_snapshot(nodes, {{PodBuilder("full").req({{"cpu", "1"}}).info(), "n150"}});
  PodInfo pod = PodBuilder("p").req({{"cpu", "500m"}}).info();
  pod.nominated_node_name = "n150";
  Rng rng(1);
  auto r = schedule(pod, s, SchedulerConfig{}, rng);
  REQUIRE(r.ok());
  CHECK(r.evaluated_nodes == 100);
  CHECK(s.next_start_node_index() == 101);
  pod.nominated_node_name = "n120";  // fits: taken directly, the index does not move
  r = schedule(pod, s, SchedulerConfig{}, rng);
  CHECK(r.node_name == "n120");
  CHECK(s.next_start_node_index() == 101);
  pod.nominated_node_name = "n150";  // reached by the walk from 101 (101..200): no extra
  r = schedule(pod, s, SchedulerConfig{}, rng);
  REQUIRE(r.ok());
  CHECK(s.next_start_node_index() == (101 + r.evaluated_nodes) % 200);
}

TEST_CASE("Required node affinity on metadata.name walks only the named nodes (PreFilter)") {
  // 150 nodes: an ordinary pod examines 100 (numFeasibleNodesToFind) and moves the start
  // to 100. A DaemonSet-style pod pinned to n1 by matchFields examines n1 only, and
  // nextStartNodeIndex moves over that one-node list: (100 + 1) % 1 = 0.
  std::vector<Node> nodes;
  for (int i = 0; i < 150; ++i) nodes.push_back(make_node("n" + std::to_string(i), {{"cpu", "1"}}));
  auto s = make_snapshot(nodes);
  Rng rng(1);
  auto r = schedule(PodBuilder("plain").req({{"cpu", "100m"}}).info(), s, SchedulerConfig{}, rng);
  REQUIRE(r.ok());
  CHECK(s.next_start_node_index() == 100);
  PodInfo pinned = PodBuilder("agent").req({{"cpu", "500m"}}).info();
  NodeSelectorTerm term;
  term.match_fields.push_back({"metadata.name", "In", {"n1"}});
  pinned.node_affinity = NodeAffinity{{term}, {}};
  r = schedule(pinned, s, SchedulerConfig{}, rng);
  REQUIRE(r.ok());
  CHECK(r.node_name == "n1");
  CHECK(r.evaluated_nodes == 1);
  CHECK(s.next_start_node_index() == 0);
  s.add_pod(pinned, *r.node);
  // n1 now has 500m left: an 800m agent fails on n1 alone; the other nodes are not in
  // the histogram, and preemption finds them not helpful.
  PodInfo big = pinned;
  big.requests.cpu_milli = 800;
  big.non_zero_requests.cpu_milli = 800;
  r = schedule(big, s, SchedulerConfig{}, rng);
  CHECK_FALSE(r.ok());
  CHECK(r.evaluated_nodes == 1);
  CHECK(r.message ==
        "0/150 nodes are available: 1 Insufficient cpu. preemption: 0/150 nodes are available: "
        "1 No preemption victims found for incoming pod, 149 Preemption is not helpful for "
        "scheduling..");
  // Two terms (ORed): the union of their names.
  NodeSelectorTerm other;
  other.match_fields.push_back({"metadata.name", "In", {"n2", "n3"}});
  pinned.node_affinity = NodeAffinity{{term, other}, {}};
  r = schedule(pinned, s, SchedulerConfig{}, rng);
  REQUIRE(r.ok());
  CHECK(r.evaluated_nodes == 3);
}

TEST_CASE("No nodes gives kube-scheduler's ErrNoNodesAvailable") {
  ClusterSnapshot s;
  Rng rng(1);
  auto r = schedule(PodBuilder().info(), s, SchedulerConfig{}, rng);
  CHECK(r.message == "no nodes available to schedule pods");
}

}  // namespace
}  // namespace simcluster

namespace simcluster {
namespace {

// Runs `pods` random pods through schedule + bind and returns the chosen node names.
// With force_scan every pod gets a node selector all nodes match: the spread PreFilter then
// scans the nodes instead of using the incremental per-class domain counts, and the
// resource filter takes the full path.
std::vector<std::string> run_random(const SchedulerConfig& cfg, bool spread, bool relabel,
                                    bool force_scan = false, int pods = 1500) {
  ClusterSnapshot s;
  for (int i = 0; i < 150; ++i) {
    const std::string cpu = std::to_string(2000 + 1000 * (i % 3)) + "m";
    s.add_node(testing::make_node(
        "n" + std::to_string(i), {{"cpu", cpu.c_str()}, {"memory", "8Gi"}},
        {{"topology.kubernetes.io/zone", std::string(1, static_cast<char>('a' + i % 3))},
         {"pool", "p"}}));
  }
  Rng rng(77), pick(5);
  std::vector<std::string> out;
  for (int i = 0; i < pods; ++i) {
    const std::string c = std::to_string(50 + pick.uniform(400)) + "m";
    const std::string m = std::to_string(64 + pick.uniform(512)) + "Mi";
    const std::string app = "a" + std::to_string(pick.uniform(6));
    auto b = testing::PodBuilder("p" + std::to_string(i))
                 .label("app", app)
                 .req({{"cpu", c.c_str()}, {"memory", m.c_str()}});
    if (spread)
      b.spread(2, "topology.kubernetes.io/zone", "DoNotSchedule",
               testing::match({{"app", app.c_str()}}));
    if (force_scan) b.node_selector("pool", "p");
    PodInfo pod = b.info();
    if (relabel && i == 700) {
      // Move a node with pods to another zone: the per-class zone counts must follow.
      Node n = testing::make_node("n0", {{"cpu", "2000m"}, {"memory", "8Gi"}},
                                  {{"topology.kubernetes.io/zone", "c"}, {"pool", "p"}});
      s.update_node(0, n);
    }
    auto r = schedule(pod, s, cfg, rng);
    out.push_back(r.ok() ? r.node_name : r.message);
    if (r.ok()) s.add_pod(pod, *r.node);
  }
  REQUIRE(s.check_invariants(true) == "");
  return out;
}

TEST_CASE("The fused, memoised fast path decides exactly like the generic plugin path") {
  SchedulerConfig fast;     // default profile: fused resource scoring, memo, inline selectHost
  SchedulerConfig generic;  // same scores, but resources listed memory-first: generic path
  generic.scoring_resources = {{"memory", 1}, {"cpu", 1}};
  generic.balanced_resources = {{"memory", 1}, {"cpu", 1}};
  CHECK(run_random(fast, false, false) == run_random(generic, false, false));
  CHECK(run_random(fast, true, false) == run_random(generic, true, false));
  // A node moved to another zone: the node order is no longer the identity.
  CHECK(run_random(fast, false, true) == run_random(generic, false, true));
  // More pods than fit: the last ones fail with the same reasons on both paths.
  const auto full = run_random(fast, false, false, false, 2500);
  CHECK(full == run_random(generic, false, false, false, 2500));
  CHECK(full.back() ==
        "0/150 nodes are available: 150 Insufficient cpu. preemption: 0/150 nodes are "
        "available: 150 No preemption victims found for incoming pod..");
}

TEST_CASE("Zone spreading from incremental domain counts matches a full node scan") {
  SchedulerConfig cfg;
  const auto incremental = run_random(cfg, true, false);
  CHECK(incremental == run_random(cfg, true, false, /*force_scan=*/true));
  // Relabelling a node that holds pods moves its pods to another zone in the counts.
  const auto relabelled = run_random(cfg, true, true);
  CHECK(relabelled == run_random(cfg, true, true, /*force_scan=*/true));
  CHECK(relabelled != incremental);
}

}  // namespace
}  // namespace simcluster
