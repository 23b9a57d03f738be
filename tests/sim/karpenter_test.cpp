// The Karpenter-style provisioner in the engine (lib/sim/karpenter.cpp): batching, the
// cheapest offering that holds a batch, limits, emptiness and single-node consolidation
// (delete and replace), PodDisruptionBudgets, spot nodes, determinism.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "sim/checks.h"
#include "sim/sim_builders.h"
#include "sim/world.h"
#include "simcluster/simulator.h"

using namespace simcluster;
using namespace simcluster::testing;

namespace {

int count_in_pool(const Simulator& sim, const std::string& pool) {
  int n = 0;
  for (const NodeView& v : sim.nodes()) n += v.pool == pool ? 1 : 0;
  return n;
}

// A Karpenter NodePool "np" with two on-demand offerings, nothing reserved: "small" 2 CPU /
// 8 GiB at $0.05/h and "large" 4 CPU / 16 GiB at $0.09/h, Ready 60 s after launch. No static
// node. A Deployment "web" of `replicas` pods of `cpu`.
SimulationConfig karpenter_world(int32_t replicas, const char* cpu) {
  SimulationConfig cfg;
  cfg.name = "karpenter";
  cfg.seed = 5;
  cfg.duration = std::chrono::minutes(40);
  KarpenterNodePool np;
  np.name = "np";
  for (const auto& [type, cpu_milli, price] :
       {std::tuple{"small", 2'000, 50'000}, std::tuple{"large", 4'000, 90'000}}) {
    NodePool p = pool(std::string("np-") + type, 0, cpu_milli, int64_t{cpu_milli} / 250 * kGi);
    p.shape.price_micro_usd_per_hour = price;
    p.provisioning = std::chrono::seconds(60);
    p.labels["karpenter.sh/nodepool"] = "np";
    p.labels["karpenter.sh/capacity-type"] = "on-demand";
    np.offerings.push_back(KarpenterOffering{cfg.node_pools.size(), type, false});
    cfg.node_pools.push_back(p);
  }
  cfg.karpenter.enabled = true;
  cfg.karpenter.node_pools.push_back(np);
  cfg.manifests.deployments.push_back(
      deployment("web", replicas, container("app", "app:1", cpu, "256Mi")));
  return cfg;
}

SimTimelineEvent scale_web(int64_t at_seconds, int32_t replicas) {
  SimTimelineEvent e;
  e.at = std::chrono::seconds(at_seconds);
  e.action = TimelineAction::kScale;
  e.name = "web";
  e.replicas = replicas;
  return e;
}

}  // namespace

TEST_CASE("a batch closes after the idle window and launches the cheapest offering that holds it") {
  // Two pods of 900m: one small node (1800m of 2000m) is cheaper than a large one.
  Simulator sim(karpenter_world(2, "900m"));
  sim.run_until(sec(120));
  const Report& r = sim.report();
  auto launched = events_of(r, "NodeClaimLaunched");
  REQUIRE(launched.size() == 1);
  CHECK(launched[0].t == sec(1));  // the pods failed at 0 s; batchIdleDuration 1 s
  CHECK(launched[0].details.at("pool") == "np-small");
  CHECK(launched[0].message.find("cheapest of 2 compatible offerings") != std::string::npos);
  auto added = events_of(r, "NodeAdded");
  REQUIRE(added.size() == 1);
  CHECK(added[0].t == sec(61));
  CHECK(count_in_pool(sim, "np-small") == 1);
  CHECK(count_pending(sim) == 0);
}

TEST_CASE("a third pod makes the batch need the large offering: one node, not two") {
  // 3 x 900m = 2700m: only the large offering holds the whole NodeClaim (scheduler.go packs
  // the pods into one claim while an instance type can still hold them all).
  Simulator sim(karpenter_world(3, "900m"));
  sim.run_until(sec(120));
  auto launched = events_of(sim.report(), "NodeClaimLaunched");
  REQUIRE(launched.size() == 1);
  CHECK(launched[0].details.at("pool") == "np-large");
  CHECK(sim.nodes().size() == 1);
  CHECK(count_pending(sim) == 0);
}

TEST_CASE("NodePool limits cap the launches; the pods left get Karpenter's reason") {
  // 10 pods of 900m: a large node holds 4 (3600m), so the batch wants 3 NodeClaims; the
  // limit of 8 CPU (node capacity) allows two large nodes, and 2 pods stay Pending.
  SimulationConfig cfg = karpenter_world(10, "900m");
  cfg.karpenter.node_pools[0].limit_cpu_milli = 8'000;
  Simulator sim(std::move(cfg));
  sim.run();
  const Report& r = sim.report();
  int64_t cpu = 0;
  for (const NodeView& n : sim.nodes()) cpu += n.allocatable.cpu_milli;
  CHECK(cpu <= 8'000);
  CHECK(count_pending(sim) == 2);
  auto failed = events_of(r, "FailedProvisioning");
  REQUIRE_FALSE(failed.empty());
  CHECK(failed.back().message ==
        "Failed to schedule pod, incompatible with nodepool \"np\", all available instance types "
        "exceed limits for nodepool");
}

TEST_CASE("a NodePool without limits launches at most kMaxNodesPerPool nodes") {
  // Pods of 3 CPU: one per large node. 5 more pods than the cap: the cap's worth of nodes
  // launch, the 5 pods stay Pending (the bound check_pod_capacity uses).
  SimulationConfig cfg = karpenter_world(kMaxNodesPerPool + 5, "3");
  REQUIRE_FALSE(cfg.karpenter.node_pools[0].limit_cpu_milli);
  REQUIRE_FALSE(cfg.karpenter.node_pools[0].limit_memory);
  Simulator sim(std::move(cfg));
  // One batch, launched at 1 s (nodes are Ready only at 61 s: stopping before keeps this
  // test quick; 10,000 Ready nodes with Pending pods take minutes).
  sim.run_until(sec(5));
  CHECK(events_of(sim.report(), "NodeClaimLaunched").size() ==
        static_cast<size_t>(kMaxNodesPerPool));
  CHECK(count_pending(sim) == kMaxNodesPerPool + 5);  // none is bound yet
}

TEST_CASE("a pod no offering can hold is reported, and nothing is launched for it") {
  Simulator sim(karpenter_world(1, "5"));
  sim.run();
  const Report& r = sim.report();
  CHECK(events_of(r, "NodeClaimLaunched").empty());
  auto failed = events_of(r, "FailedProvisioning");
  REQUIRE(failed.size() == 1);  // once while the reason stays the same
  CHECK(failed[0].message.find("no instance type satisfied resources") != std::string::npos);
  CHECK(count_pending(sim) == 1);
}

TEST_CASE("WhenEmpty removes an empty node after consolidateAfter and keeps underutilized ones") {
  // 4 pods of 900m fit one large node. Scaled to 9 at 3 min: a second large node and a small
  // one; back to 1 at 10 min: the emptied nodes go 5 min after their last pod event (one at a
  // time: the default budget, 10% of 3 nodes rounded up), the last pod's node stays.
  SimulationConfig cfg = karpenter_world(4, "900m");
  cfg.karpenter.node_pools[0].consolidate_underutilized = false;
  cfg.karpenter.node_pools[0].consolidate_after = std::chrono::minutes(5);
  cfg.timeline.push_back(scale_web(180, 9));
  cfg.timeline.push_back(scale_web(600, 1));
  Simulator sim(std::move(cfg));
  sim.run_until(sec(599));
  const int32_t peak = static_cast<int32_t>(sim.nodes().size());
  CHECK(peak >= 3);
  CHECK(count_pending(sim) == 0);
  sim.run();
  const Report& r = sim.report();
  auto gone = events_of(r, "DisruptionTerminating");
  REQUIRE_FALSE(gone.empty());
  for (const ReportEvent& e : gone) {
    CHECK(e.details.at("reason") == "Empty");
    CHECK(e.t >= sec(600 + 300));  // consolidateAfter after the last pod event
    CHECK(e.t <= sec(600 + 300 + 20));
  }
  CHECK(sim.nodes().size() == 1);  // the node of the last pod; WhenEmpty leaves it
  CHECK(count_pending(sim) == 0);
}

TEST_CASE("WhenEmptyOrUnderutilized replaces a node whose pods fit a cheaper offering") {
  // 3 pods of 900m on one large node ($0.09); scaled to 2 at 5 min, 1800m fits a small node
  // ($0.05): a small node is launched, and the large one drained once it is Ready.
  SimulationConfig cfg = karpenter_world(3, "900m");
  cfg.timeline.push_back(scale_web(300, 2));
  Simulator sim(std::move(cfg));
  sim.run();
  const Report& r = sim.report();
  auto launched = events_of(r, "NodeClaimLaunched");
  REQUIRE(launched.size() == 2);
  CHECK(launched[1].details.at("pool") == "np-small");
  CHECK(launched[1].message.find("to replace np-large-0") != std::string::npos);
  auto gone = events_of(r, "DisruptionTerminating");
  REQUIRE(gone.size() == 1);
  CHECK(gone[0].object == "Node/np-large-0");
  CHECK(gone[0].message.find("Underutilized/Replace (replaced by np-small-0)") !=
        std::string::npos);
  CHECK(gone[0].t == launched[1].t + std::chrono::seconds(60));  // once the replacement is Ready
  CHECK(count_in_pool(sim, "np-small") == 1);
  CHECK(count_in_pool(sim, "np-large") == 0);
  CHECK(count_pending(sim) == 0);
}

TEST_CASE("a PodDisruptionBudget that allows no disruption keeps the node") {
  SimulationConfig cfg = karpenter_world(3, "900m");
  cfg.timeline.push_back(scale_web(300, 2));
  PodDisruptionBudget pdb;
  pdb.metadata = meta("web");
  pdb.min_available = IntOrPercent{false, 2};
  pdb.selector.match_labels = {{"app", "web"}};
  cfg.manifests.pod_disruption_budgets.push_back(pdb);
  Simulator sim(std::move(cfg));
  sim.run();
  CHECK(events_of(sim.report(), "DisruptionTerminating").empty());
  CHECK(events_of(sim.report(), "NodeClaimLaunched").size() == 1);
  CHECK(count_in_pool(sim, "np-large") == 1);
}

TEST_CASE("spot nodes are deleted but never replaced (spot-to-spot consolidation is off)") {
  SimulationConfig cfg = karpenter_world(3, "900m");
  for (NodePool& p : cfg.node_pools) p.labels["karpenter.sh/capacity-type"] = "spot";
  for (KarpenterOffering& o : cfg.karpenter.node_pools[0].offerings) o.spot = true;
  cfg.timeline.push_back(scale_web(300, 2));
  Simulator sim(std::move(cfg));
  sim.run();
  CHECK(events_of(sim.report(), "NodeClaimLaunched").size() == 1);
  CHECK(count_in_pool(sim, "np-large") == 1);
}

TEST_CASE("the same seed gives the same Karpenter run") {
  auto run = [] {
    SimulationConfig cfg = karpenter_world(4, "900m");
    cfg.timeline.push_back(scale_web(180, 9));
    cfg.timeline.push_back(scale_web(600, 2));
    Simulator sim(std::move(cfg));
    sim.run();
    std::string out;
    for (const ReportEvent& e : sim.report().events) {
      out += std::to_string(e.t.ms()) + e.kind + e.object + e.message + "\n";
    }
    return out;
  };
  const std::string a = run();
  CHECK(a.find("NodeClaimLaunched") != std::string::npos);
  CHECK(a == run());
}

TEST_CASE("the invariant checker reports a Karpenter NodePool over its limits") {
  SimulationConfig cfg = karpenter_world(2, "900m");
  cfg.karpenter.node_pools[0].limit_cpu_milli = 4'000;
  World w(std::move(cfg));
  w.run_until(sec(120));
  REQUIRE(find_broken_invariant(w).empty());              // one small node (2 CPU) of 4
  w.add_node(make_pool_node(w.cfg.node_pools[1], 7), 0);  // a large one (4 CPU) beside it
  const std::string broken = find_broken_invariant(w);
  CHECK_MESSAGE(broken.find("Karpenter NodePool np has 6000m cpu") != std::string::npos, broken);
}

TEST_CASE("a NodeClaim launches in a zone its pods allow; free pods go to the emptier zone") {
  auto world = [](int32_t replicas, const char* cpu) {
    SimulationConfig cfg = karpenter_world(replicas, cpu);
    for (NodePool& p : cfg.node_pools) p.zones = {"zone-a", "zone-b"};
    return cfg;
  };
  // nodeSelector zone-b: only the zone-b offerings are compatible.
  SimulationConfig pinned = world(2, "900m");
  pinned.manifests.deployments[0].template_.spec.node_selector = {
      {"topology.kubernetes.io/zone", "zone-b"}};
  Simulator a(std::move(pinned));
  a.run_until(sec(120));
  REQUIRE(a.nodes().size() == 1);
  CHECK(a.nodes()[0].zone == "zone-b");
  CHECK(count_pending(a) == 0);
  auto launched = events_of(a.report(), "NodeClaimLaunched");
  REQUIRE(launched.size() == 1);
  CHECK(launched[0].message.find("small on-demand zone-b") != std::string::npos);

  // Unpinned, 3 pods of 1500m: a large node for two, a small one for the third. Both would
  // take zone-a by the zones' order, but the second NodeClaim sees the first in flight there
  // and takes zone-b.
  Simulator b(world(3, "1500m"));
  b.run_until(sec(120));
  REQUIRE(b.nodes().size() == 2);
  std::vector<std::string> zones;
  for (const NodeView& n : b.nodes()) zones.push_back(n.zone);
  std::sort(zones.begin(), zones.end());
  CHECK(zones == std::vector<std::string>{"zone-a", "zone-b"});
}
