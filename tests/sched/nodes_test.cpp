// Node pools: presets, reservation formulas, expansion into Node objects.
#include "simcluster/nodes.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

#include "simcluster/scheduler.h"

namespace simcluster {
namespace {

constexpr int64_t kMi = 1024LL * 1024;
constexpr int64_t kGi = 1024 * kMi;

TEST_CASE("The GKE CPU reservation is 6%, 1%, 0.5%, 0.25% by core tier") {
  CHECK(gke_reserved_cpu_milli(1000) == 60);
  CHECK(gke_reserved_cpu_milli(2000) == 70);
  CHECK(gke_reserved_cpu_milli(4000) == 80);
  CHECK(gke_reserved_cpu_milli(8000) == 90);
  CHECK(gke_reserved_cpu_milli(64000) == 230);
}

TEST_CASE("The GKE memory reservation is 25/20/10/6/2 percent by tier, 255Mi below 1Gi") {
  CHECK(gke_reserved_memory(512 * kMi) == 255 * kMi);
  CHECK(gke_reserved_memory(4 * kGi) == kGi);
  CHECK(gke_reserved_memory(8 * kGi) == (4 * kGi * 25 + 4 * kGi * 20) / 100);
  CHECK(gke_reserved_memory(32 * kGi) ==
        (4 * kGi * 25 + 4 * kGi * 20 + 8 * kGi * 10 + 16 * kGi * 6) / 100);
}

TEST_CASE("AKS reserves CPU by its published table, linear between rows") {
  ReservationPolicy aks = ReservationPolicy::kAks;
  auto reserved = [&](int64_t milli) {
    Resources cap;
    cap.cpu_milli = milli;
    cap.memory = 8 * kGi;
    return make_machine_shape("x", cap, aks).kube_reserved.cpu_milli;
  };
  CHECK(reserved(1000) == 60);
  CHECK(reserved(2000) == 100);
  CHECK(reserved(3000) == 120);
  CHECK(reserved(8000) == 180);
  CHECK(reserved(16000) == 260);
  CHECK(reserved(32000) == 420);
  CHECK(reserved(64000) == 740);
  CHECK(reserved(96000) == 1060);
  CHECK(reserved(500) == 30);
}

TEST_CASE("Presets give the documented allocatable") {
  auto e2 = find_machine_shape("e2-standard-2");
  REQUIRE(e2);
  CHECK(allocatable(*e2).cpu_milli == 1930);
  CHECK(allocatable(*e2).memory == 8 * kGi - 1932735283 - 100 * kMi);
  CHECK(e2->price_micro_usd_per_hour == 67006);
  auto m5 = find_machine_shape("m5.large");
  REQUIRE(m5);
  CHECK(allocatable(*m5).memory == (8192 - 574 - 100) * kMi);
  CHECK(allocatable(*m5).pods == 29);
  CHECK(allocatable(*m5).ephemeral_storage == 17 * kGi);  // 20Gi - 1Gi kube - 2Gi eviction
  auto d2 = find_machine_shape("Standard_D2s_v3");
  REQUIRE(d2);
  CHECK(allocatable(*d2).memory == (8192 - 650 - 100) * kMi);
  CHECK(allocatable(*d2).cpu_milli == 1900);  // AKS' table: 2 cores -> 100m
  CHECK(allocatable(*find_machine_shape("Standard_D4s_v3")).cpu_milli == 3860);  // 4 -> 140m
  CHECK(find_machine_shape("m5.xlarge"));
  CHECK_FALSE(find_machine_shape("m5.huge"));
  CHECK(machine_shape_names().size() == 27);
}

TEST_CASE("The catalogue offers priced general, compute and memory shapes on each cloud") {
  // Issue 10: at least 12 priced instance types, 2-16 vCPU, for both autoscalers to choose
  // from. Per cloud: the memory per vCPU spans compute (2 GiB), general (4) and memory (8).
  std::map<ReservationPolicy, std::set<int64_t>> gib_per_cpu;
  int priced = 0;
  for (const std::string& name : machine_shape_names()) {
    const MachineShape m = *find_machine_shape(name);
    if (!m.price_micro_usd_per_hour) continue;
    ++priced;
    CAPTURE(name);
    CHECK(m.capacity.cpu_milli >= 2000);
    CHECK(m.capacity.cpu_milli <= 16000);
    gib_per_cpu[*machine_shape_policy(name)].insert(m.capacity.memory / kGi /
                                                    (m.capacity.cpu_milli / 1000));
  }
  CHECK(priced >= 12);
  for (ReservationPolicy cloud :
       {ReservationPolicy::kGke, ReservationPolicy::kEks, ReservationPolicy::kAks}) {
    CAPTURE(static_cast<int>(cloud));
    CHECK(gib_per_cpu[cloud].count(4) == 1);
    CHECK(gib_per_cpu[cloud].count(8) == 1);
    CHECK((gib_per_cpu[cloud].count(1) + gib_per_cpu[cloud].count(2)) >= 1);
  }
  // A compute-optimised AWS node: ENI max pods and EKS reservations.
  const MachineShape c5 = *find_machine_shape("c5.large");
  CHECK(allocatable(c5).pods == 29);
  CHECK(allocatable(c5).memory == (4096 - 574 - 100) * kMi);
  CHECK(c5.price_micro_usd_per_hour == 85000);
  CHECK(allocatable(*find_machine_shape("m5.4xlarge")).pods == 234);
}

TEST_CASE("Each preset names the reservation policy that rebuilds it") {
  CHECK(machine_shape_policy("m5.large") == ReservationPolicy::kEks);
  CHECK(machine_shape_policy("Standard_D4s_v3") == ReservationPolicy::kAks);
  CHECK(machine_shape_policy("2cpu-4gi") == ReservationPolicy::kGke);
  CHECK_FALSE(machine_shape_policy("m5.huge"));
  // Rebuilding every preset from its capacity and policy gives back its reservations.
  for (const std::string& name : machine_shape_names()) {
    CAPTURE(name);
    const MachineShape preset = *find_machine_shape(name);
    const MachineShape rebuilt =
        make_machine_shape(name, preset.capacity, *machine_shape_policy(name));
    CHECK(allocatable(rebuilt) == allocatable(preset));
    CHECK(rebuilt.kube_reserved == preset.kube_reserved);
  }
}

TEST_CASE("A pool expands into named nodes with zones round robin and labels") {
  NodePool pool;
  pool.name = "web";
  pool.count = 4;
  pool.shape = *find_machine_shape("m5.large");
  pool.zones = {"us-east-1a", "us-east-1b"};
  pool.region = "us-east-1";
  pool.labels = {{"team", "chat"}};
  pool.taints = {{"dedicated", "web", "NoSchedule"}};
  auto nodes = expand_pools({pool});
  REQUIRE(nodes.size() == 4);
  CHECK(nodes[0].metadata.name == "web-0");
  CHECK(nodes[3].metadata.name == "web-3");
  CHECK(nodes[0].metadata.labels.at("topology.kubernetes.io/zone") == "us-east-1a");
  CHECK(nodes[1].metadata.labels.at("topology.kubernetes.io/zone") == "us-east-1b");
  CHECK(nodes[2].metadata.labels.at("topology.kubernetes.io/zone") == "us-east-1a");
  CHECK(nodes[0].metadata.labels.at("node.kubernetes.io/instance-type") == "m5.large");
  CHECK(nodes[0].metadata.labels.at("kubernetes.io/hostname") == "web-0");
  CHECK(nodes[0].metadata.labels.at("team") == "chat");
  CHECK(nodes[0].taints.size() == 1);
  CHECK(nodes[0].allocatable.at("cpu") == Quantity::from_milli(1930));
  CHECK(nodes[0].allocatable.at("pods") == Quantity::from_value(29));
  ClusterSnapshot s;
  for (const auto& n : nodes) s.add_node(n);
  CHECK(s.node(0).allocatable.cpu_milli == 1930);
  CHECK(s.node(0).allocatable.memory == (8192 - 574 - 100) * kMi);
  CHECK(s.node(1).zone == "us-east-1b");
}

TEST_CASE("Pools a user cannot mean are rejected with their location") {
  NodePool pool;
  pool.name = "bad";
  pool.count = 1;
  pool.source = {"cluster.yaml", 3, 5};
  Resources cap;
  cap.cpu_milli = 50;
  cap.memory = 512 * kMi;
  cap.pods = 110;
  pool.shape = make_machine_shape("tiny", cap, ReservationPolicy::kGke);
  pool.shape.kube_reserved.cpu_milli = 100;
  CHECK_THROWS_WITH_AS(validate_node_pool(pool), doctest::Contains("cluster.yaml:3:5"), InputError);
  pool.shape.kube_reserved.cpu_milli = 0;
  CHECK_NOTHROW(validate_node_pool(pool));
  pool.count = -1;
  CHECK_THROWS_AS(validate_node_pool(pool), InputError);
}

TEST_CASE("A duplicate node name is an input error") {
  ClusterSnapshot s;
  Node n;
  n.metadata.name = "x";
  s.add_node(n);
  CHECK_THROWS_AS(s.add_node(n), InputError);
  CHECK(s.node(0).allocatable.pods == 110);
}

TEST_CASE("Removing and relabelling nodes keeps the zone order and the aggregates") {
  ClusterSnapshot s;
  auto make = [](const std::string& name, const std::string& zone) {
    Node n;
    n.metadata.name = name;
    n.metadata.labels["topology.kubernetes.io/zone"] = zone;
    n.capacity["cpu"] = Quantity::from_value(2);
    return n;
  };
  s.add_node(make("a1", "a"));
  s.add_node(make("b1", "b"));
  s.add_node(make("a2", "a"));
  auto names = [&] {
    std::vector<std::string> v;
    for (NodeId id : s.node_order()) v.push_back(s.node(id).name);
    return v;
  };
  CHECK(names() == std::vector<std::string>{"a1", "b1", "a2"});
  s.remove_node(1);
  CHECK(names() == std::vector<std::string>{"a1", "a2"});
  s.update_node(0, make("a1", "c"));
  CHECK(names() == std::vector<std::string>{"a2", "a1"});
  CHECK(s.num_nodes() == 2);
  CHECK_FALSE(s.find_node("b1").has_value());
}

}  // namespace
}  // namespace simcluster
