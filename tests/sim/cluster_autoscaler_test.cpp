// The cluster autoscaler in the engine (lib/sim/cluster_autoscaler.cpp): scale-up timing and
// bounds, upstream's NotTriggerScaleUp reasons, scale-down timing, min and PDBs.
#include <doctest/doctest.h>

#include <algorithm>

#include "sim/checks.h"
#include "sim/sim_builders.h"
#include "sim/world.h"
#include "simcluster/simulator.h"

using namespace simcluster;
using namespace simcluster::testing;

namespace {

// One autoscaled pool of 2 CPU / 8 GiB nodes (nothing reserved), a Deployment of `replicas`
// pods of `cpu` each.
SimulationConfig autoscaled_world(int32_t count, int32_t min, int32_t max, int32_t replicas,
                                  const char* cpu) {
  SimulationConfig cfg;
  cfg.name = "ca";
  cfg.seed = 3;
  cfg.duration = std::chrono::minutes(30);
  NodePool p = pool("pool", count, 2'000, 8 * kGi);
  p.min = min;
  p.max = max;
  p.provisioning = std::chrono::seconds(60);
  cfg.node_pools.push_back(p);
  cfg.autoscaler.enabled = true;
  cfg.manifests.deployments.push_back(
      deployment("web", replicas, container("app", "app:1", cpu, "256Mi")));
  return cfg;
}

}  // namespace

TEST_CASE("unschedulable pods add nodes after the provisioning delay, up to the group max") {
  // 8 pods of 900m, 2 per node: pool-0 takes 2, 6 need 3 more nodes, max 3 allows 2.
  Simulator sim(autoscaled_world(1, 1, 3, 8, "900m"));
  sim.run_until(sec(9));
  CHECK(sim.nodes().size() == 1);
  CHECK(count_pending(sim) == 6);
  sim.run_until(sec(10));  // first scan
  const Report& r1 = sim.report();
  auto up = events_of(r1, "ScaledUpGroup");
  REQUIRE(up.size() == 1);
  CHECK(up[0].t == sec(10));
  CHECK(up[0].details.at("from") == "1");
  CHECK(up[0].details.at("to") == "3");
  CHECK(up[0].details.at("pods") == "4");
  CHECK(sim.nodes().size() == 1);  // upcoming, not yet Ready
  sim.run_until(sec(69));
  CHECK(sim.nodes().size() == 1);
  sim.run_until(sec(70));
  CHECK(sim.nodes().size() == 3);
  sim.run_until(sec(120));
  CHECK(count_pending(sim) == 2);  // the scheduler placed 4 on the new nodes
  sim.run();
  const Report& r = sim.report();
  CHECK(events_of(r, "ScaledUpGroup").size() == 1);
  auto added = events_of(r, "NodeAdded");
  REQUIRE(added.size() == 2);
  CHECK(added[0].t == sec(70));
  auto not_triggered = events_of(r, "NotTriggerScaleUp");
  REQUIRE_FALSE(not_triggered.empty());
  CHECK(not_triggered.back().message ==
        "pod didn't trigger scale-up: 1 max node group size reached");
  CHECK(sim.nodes().size() == 3);
  CHECK(count_pending(sim) == 2);
  CHECK(events_of(r, "ScaleDown").empty());  // 1800m of 2000m requested: needed
}

TEST_CASE("a pod no node of the group can hold stays Pending with the template's reason") {
  Simulator sim(autoscaled_world(1, 1, 5, 1, "3"));
  sim.run();
  const Report& r = sim.report();
  CHECK(events_of(r, "ScaledUpGroup").empty());
  auto not_triggered = events_of(r, "NotTriggerScaleUp");
  REQUIRE(not_triggered.size() == 1);  // once, while the reason stays the same
  CHECK(not_triggered[0].message == "pod didn't trigger scale-up: 1 Insufficient cpu");
  CHECK(sim.nodes().size() == 1);
  CHECK(count_pending(sim) == 1);
}

TEST_CASE("maxNodesTotal caps a scale-up") {
  SimulationConfig cfg = autoscaled_world(1, 1, 10, 12, "900m");
  cfg.autoscaler.max_nodes_total = 4;
  Simulator sim(std::move(cfg));
  sim.run();
  const Report& r = sim.report();
  CHECK(sim.nodes().size() == 4);
  CHECK(count_pending(sim) == 4);
  bool capped = false;
  for (const ReportEvent& e : events_of(r, "NotTriggerScaleUp")) {
    capped = capped || e.message.find("max node total count already reached") != std::string::npos;
  }
  CHECK(capped);
}

TEST_CASE("empty nodes go after scaleDownUnneededTime, never below min") {
  // 3 nodes, one 100m pod: two nodes are empty from the first scan (10 s) on, and removable
  // at the first scan strictly after 10 s + 10 min; min 2 keeps one of them.
  Simulator sim(autoscaled_world(3, 2, 3, 1, "100m"));
  sim.run_until(sec(619));
  CHECK(events_of(sim.report(), "ScaleDown").empty());
  sim.run_until(sec(620));
  auto down = events_of(sim.report(), "ScaleDown");
  REQUIRE(down.size() == 1);
  CHECK(down[0].t == sec(620));
  sim.run();
  const Report& r = sim.report();
  CHECK(events_of(r, "ScaleDown").size() == 1);
  CHECK(events_of(r, "NodeRemoved").size() == 1);
  CHECK(sim.nodes().size() == 2);
  CHECK(count_pending(sim) == 0);
  REQUIRE(r.node_pools.size() == 1);
  CHECK(r.node_pools[0].min_ready == 2);
}

TEST_CASE("a longer scaleDownUnneededTime delays the removal by as much") {
  SimulationConfig cfg = autoscaled_world(3, 1, 3, 1, "100m");
  cfg.autoscaler.scale_down_unneeded_time = std::chrono::minutes(20);
  Simulator sim(std::move(cfg));
  sim.run();
  auto down = events_of(sim.report(), "ScaleDown");
  REQUIRE_FALSE(down.empty());
  CHECK(down[0].t == sec(1220));
  for (const ReportEvent& e : down) CHECK(e.t >= sec(1220));
  CHECK(sim.nodes().size() == 1);
  CHECK(count_pending(sim) == 0);  // the pod moved (or stayed) and runs
}

TEST_CASE("a PodDisruptionBudget that allows no disruption keeps its pod's node") {
  SimulationConfig cfg = autoscaled_world(2, 0, 2, 1, "100m");
  PodDisruptionBudget pdb;
  pdb.metadata = meta("web");
  pdb.min_available = IntOrPercent{false, 1};
  pdb.selector.match_labels = {{"app", "web"}};
  cfg.manifests.pod_disruption_budgets.push_back(pdb);
  SimulationConfig without = cfg;
  without.manifests.pod_disruption_budgets.clear();

  Simulator blocked(std::move(cfg));
  blocked.run();
  CHECK(blocked.nodes().size() == 1);  // the empty node went, the pod's node stays
  CHECK(events_of(blocked.report(), "Evicted").empty());

  Simulator free(std::move(without));
  free.run();
  // Without the PDB the pod's node is unneeded too, but its pod has nowhere else to go once
  // the other node is gone: one node is left either way, and the pod runs.
  CHECK(free.nodes().size() == 1);
  CHECK(count_pending(free) == 0);
  CHECK_FALSE(events_of(free.report(), "Evicted").empty());  // the PDB made the difference
}

TEST_CASE("a drained node's pods are recreated on the other nodes") {
  // 4 nodes, 2 pods of 400m spread over two nodes (20% each): unneeded together with the two
  // empty nodes; the empty ones go at once, then one non-empty node is drained.
  Simulator sim(autoscaled_world(4, 1, 4, 2, "400m"));
  sim.run();
  const Report& r = sim.report();
  CHECK(sim.nodes().size() == 1);
  CHECK(count_pending(sim) == 0);
  bool drained = false;
  for (const ReportEvent& e : events_of(r, "Evicted")) {
    drained = drained || (e.details.count("reason") && e.details.at("reason") == "ScaleDown");
  }
  CHECK(drained);
  auto w = sim.workload("Deployment", "default", "web");
  REQUIRE(w);
  CHECK(w->ready == 2);
}

TEST_CASE("the same seed gives the same autoscaled run") {
  auto run = [] {
    SimulationConfig cfg = autoscaled_world(1, 1, 6, 9, "700m");
    cfg.autoscaler.expander.chain = {ExpanderKind::kRandom};
    Simulator sim(std::move(cfg));
    sim.run();
    std::string out;
    for (const ReportEvent& e : sim.report().events) {
      out += std::to_string(e.t.ms()) + " " + e.kind + " " + e.object + " " + e.message + "\n";
    }
    return out;
  };
  const std::string a = run();
  CHECK(a.find("ScaledUpGroup") != std::string::npos);
  CHECK(a == run());
}

TEST_CASE("the invariant checker reports an autoscaled pool outside [min, max]") {
  World w(autoscaled_world(2, 2, 3, 1, "100m"));
  w.run_until(sec(30));
  REQUIRE(find_broken_invariant(w).empty());
  // A node the autoscaler never asked for takes the pool to 4 > max 3.
  NodePool p = w.cfg.node_pools[0];
  w.add_node(make_pool_node(p, 7), 0);
  w.add_node(make_pool_node(p, 8), 0);
  CHECK(find_broken_invariant(w) == "node pool pool has 4 nodes and 0 upcoming, outside [2, 3]");
  // Below min.
  for (const char* name : {"pool-8", "pool-7", "pool-1"}) {
    const NodeId snap = w.store.nodes.at(name).snap;
    w.store.snapshot.remove_node(snap);
    w.store.nodes.erase(name);
  }
  const std::string broken = find_broken_invariant(w);
  CHECK_MESSAGE(broken.find("pool has 1 nodes") != std::string::npos, broken);
}

TEST_CASE("a node slower than maxNodeProvisionTime fails the scale-up and backs the group off") {
  SimulationConfig cfg = autoscaled_world(1, 1, 3, 4, "900m");
  cfg.node_pools[0].provisioning = std::chrono::minutes(20);
  cfg.duration = std::chrono::minutes(40);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(10 + 900 - 1));
  CHECK(events_of(sim.report(), "FailedToScaleUpGroup").empty());
  sim.run_until(sec(10 + 900));
  auto failed = events_of(sim.report(), "FailedToScaleUpGroup");
  CHECK(failed.size() == 1);  // one node was asked for (2 pods per node, 2 pending)
  CHECK(failed[0].t == sec(910));
  sim.run_until(sec(920));
  auto not_triggered = events_of(sim.report(), "NotTriggerScaleUp");
  REQUIRE_FALSE(not_triggered.empty());
  CHECK(not_triggered.back().message ==
        "pod didn't trigger scale-up: 1 in backoff after failed scale-up");
  sim.run();
  // After the 5-minute back-off the group is tried again (and fails again at 15 min).
  auto up = events_of(sim.report(), "ScaledUpGroup");
  REQUIRE(up.size() == 2);
  CHECK(up[1].t == sec(910 + 300));
  CHECK(sim.nodes().size() == 1);
}

TEST_CASE("the expander picks the pool: least-waste by default, priority when configured") {
  // Two empty autoscaled pools (scale-up from zero); 2 pods of 900m fit one node of either.
  auto world = [](bool priority) {
    SimulationConfig cfg = autoscaled_world(0, 0, 3, 2, "900m");
    NodePool big = pool("big", 0, 4'000, 16 * kGi);
    big.min = 0;
    big.max = 3;
    big.provisioning = std::chrono::seconds(60);
    cfg.node_pools.push_back(big);
    if (priority) {
      cfg.autoscaler.expander.chain = {ExpanderKind::kPriority};
      cfg.autoscaler.expander.priorities = {{10, {"^big$"}}, {1, {".*"}}};
    }
    return cfg;
  };
  for (bool priority : {false, true}) {
    CAPTURE(priority);
    Simulator sim(world(priority));
    sim.run_until(sec(120));
    auto up = events_of(sim.report(), "ScaledUpGroup");
    REQUIRE(up.size() == 1);
    // least-waste: 1800m of 2000m wastes less than of 4000m.
    CHECK(up[0].object == (priority ? "NodePool/big" : "NodePool/pool"));
    CHECK(up[0].details.at("to") == "1");
    REQUIRE(sim.nodes().size() == 1);
    CHECK(sim.nodes()[0].pool == (priority ? "big" : "pool"));
    CHECK(count_pending(sim) == 0);
  }
}

TEST_CASE("the invariant checker names a pod that could not move off a node being removed") {
  // 2 nodes of 2 CPU, 2 pods of 1500m: one per node, neither fits beside the other.
  World w(autoscaled_world(2, 2, 3, 2, "1500m"));
  w.run_until(sec(30));
  REQUIRE(find_broken_invariant(w).empty());
  SimNode& n = w.store.nodes.at("pool-0");
  std::vector<KeyId> pods(n.pods.begin(), n.pods.end());
  REQUIRE(pods.size() == 1);
  CHECK(unmovable_pod(w, n, pods) == w.store.keys.name(pods[0]));
  // With a third, empty node the pod can move.
  w.add_node(make_pool_node(w.cfg.node_pools[0], 2), 0);
  CHECK(unmovable_pod(w, w.store.nodes.at("pool-0"), pods).empty());
}

TEST_CASE("balanceSimilarNodeGroups spreads a scale-up over similar pools in other zones") {
  // Two pools of the same machine in zones a and b, 1 node each (max 5); 8 pods of 900m,
  // 2 per node: 4 run, 4 need 2 more nodes.
  auto world = [](bool balance) {
    SimulationConfig cfg = autoscaled_world(1, 1, 5, 8, "900m");
    cfg.node_pools[0].name = "pool-a";
    cfg.node_pools[0].zones = {"a"};
    NodePool b = cfg.node_pools[0];
    b.name = "pool-b";
    b.zones = {"b"};
    cfg.node_pools.push_back(b);
    cfg.autoscaler.balance_similar_node_groups = balance;
    return cfg;
  };
  Simulator plain(world(false));
  plain.run_until(sec(120));
  auto up = events_of(plain.report(), "ScaledUpGroup");
  REQUIRE(up.size() == 1);
  CHECK(std::stoi(up[0].details.at("to")) - std::stoi(up[0].details.at("from")) == 2);

  Simulator balanced(world(true));
  balanced.run_until(sec(120));
  up = events_of(balanced.report(), "ScaledUpGroup");
  REQUIRE(up.size() == 2);
  std::vector<int32_t> sizes;
  for (const ReportEvent& e : up) {
    CHECK(e.t == sec(10));
    CHECK(e.message.find("2 nodes balanced over similar groups [") != std::string::npos);
    sizes.push_back(std::stoi(e.details.at("to")));
  }
  std::sort(sizes.begin(), sizes.end());
  CHECK(sizes == std::vector<int32_t>{2, 2});  // 1 + 1 in each zone
  CHECK(count_pending(balanced) == 0);
  int a = 0, b = 0;
  for (const NodeView& n : balanced.nodes()) (n.pool == "pool-a" ? a : b) += 1;
  CHECK(a == 2);
  CHECK(b == 2);
}
