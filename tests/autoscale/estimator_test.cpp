// The binpacking estimator and its limiter: the cases of kubernetes/autoscaler
// cluster-autoscaler/estimator/binpacking_estimator_test.go (TestBinpackingEstimate) and
// threshold_based_limiter_test.go (TestMinLimit), restated, plus checks of the fast path.
#include <doctest/doctest.h>

#include "sched/sched_builders.h"
#include "simcluster/autoscaler.h"

namespace simcluster {
namespace {

using testing::make_node;
using testing::match;
using testing::PodBuilder;

// makeNode of the upstream test: cpu in m, memory in MiB, 10 pods, hostname and zone labels.
Node test_node(int64_t cpu_milli, int64_t mem_mib, int64_t pods, const std::string& name,
               const std::string& zone) {
  const std::string cpu = std::to_string(cpu_milli) + "m";
  const std::string mem = std::to_string(mem_mib) + "Mi";
  const std::string p = std::to_string(pods);
  return make_node(name, {{"cpu", cpu.c_str()}, {"memory", mem.c_str()}, {"pods", p.c_str()}},
                   {{"topology.kubernetes.io/zone", zone}});
}

// n copies of one "estimatee" pod (cpu in m, memory in bytes as BuildTestPod takes them).
PodEquivalenceGroup group(PodBuilder b, int n) {
  PodEquivalenceGroup g;
  for (int i = 0; i < n; ++i) g.pods.push_back(b.info());
  return g;
}

PodBuilder estimatee(int64_t cpu_milli, int64_t mem_bytes) {
  const std::string cpu = std::to_string(cpu_milli) + "m";
  const std::string mem = std::to_string(mem_bytes);
  return std::move(PodBuilder("estimatee")
                       .ns("universe")
                       .label("app", "estimatee")
                       .req({{"cpu", cpu.c_str()}, {"memory", mem.c_str()}}));
}

// The upstream fixture: one old node in another zone, a template in zone-mars.
Estimate run(std::vector<PodEquivalenceGroup> groups, int64_t cpu, int64_t mem_mib,
             int32_t max_nodes, int64_t pods_per_node = 10) {
  ClusterSnapshot cluster;
  cluster.add_node(test_node(100, 100, 10, "oldnode", "zone-jupiter"));
  NodeTemplate tmpl{test_node(cpu, mem_mib, pods_per_node, "template", "zone-mars"), {}};
  return estimate_binpacking(groups, tmpl, cluster, max_nodes);
}

TEST_CASE("estimator: simple resource-based binpacking (2 pods of 350m per 1000m node)") {
  Estimate e = run({group(estimatee(350, 1000), 10)}, 350 * 3 - 50, 2 * 1000, 0);
  CHECK(e.node_count == 5);
  CHECK(e.scheduled.size() == 10);
  // First fit on the last node: pods 0,1 on node 0, 2,3 on node 1, ...
  for (size_t i = 0; i < e.scheduled.size(); ++i) {
    CHECK(e.scheduled[i].pod == i);
    CHECK(e.scheduled[i].node == static_cast<int32_t>(i / 2));
  }
}

TEST_CASE("estimator: pods-per-node bound binpacking") {
  Estimate e = run({group(estimatee(10, 100), 20)}, 10000, 20000, 0);
  CHECK(e.node_count == 2);
  CHECK(e.scheduled.size() == 20);
}

TEST_CASE("estimator: limiter cuts binpacking") {
  Estimate e = run({group(estimatee(500, 1000), 20)}, 1000, 5000, 5);
  CHECK(e.node_count == 5);
  CHECK(e.scheduled.size() == 10);
}

TEST_CASE("estimator: decreasing ordered pods are processed first") {
  Estimate e =
      run({group(estimatee(50, 1000), 10), group(estimatee(500, 1000), 10)}, 1000, 5000, 5);
  CHECK(e.node_count == 5);
  REQUIRE(e.scheduled.size() == 10);
  for (const EstimatedPod& p : e.scheduled) CHECK(p.group == 1);  // the 500m group
}

TEST_CASE("estimator: hostname topology spreading with maxSkew=2 forces 2 pods/node") {
  PodBuilder b = estimatee(20, 100);
  b.spread(2, "kubernetes.io/hostname", "DoNotSchedule", match({{"app", "estimatee"}}));
  Estimate e = run({group(b, 8)}, 1000, 5000, 0);
  CHECK(e.node_count == 4);
  CHECK(e.scheduled.size() == 8);
}

TEST_CASE("estimator: zonal topology spreading with maxSkew=2 only allows 2 pods to schedule") {
  PodBuilder b = estimatee(20, 100);
  b.spread(2, "topology.kubernetes.io/zone", "DoNotSchedule", match({{"app", "estimatee"}}));
  Estimate e = run({group(b, 8)}, 1000, 5000, 0);
  CHECK(e.node_count == 1);
  CHECK(e.scheduled.size() == 2);
  // A second node was added for the third pod, stayed empty and is not counted.
  CHECK(e.nodes_added == 2);
}

TEST_CASE("estimator: a pod the template cannot host stops at one empty node") {
  Estimate e = run({group(estimatee(2000, 1000), 3)}, 1000, 5000, 0);
  CHECK(e.node_count == 0);
  CHECK(e.nodes_added == 1);
  CHECK(e.scheduled.empty());
}

TEST_CASE("estimator: later groups first fill the nodes added for earlier ones") {
  // 3 x 600m open three 1000m nodes; 3 x 400m then fit the gaps (FitsAnyNodeMatching),
  // round robin from the node after the last hit.
  Estimate e = run({group(estimatee(400, 1000), 3), group(estimatee(600, 1000), 3)}, 1000, 5000, 0);
  CHECK(e.node_count == 3);
  CHECK(e.nodes_added == 3);
  REQUIRE(e.scheduled.size() == 6);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(e.scheduled[i].group == 1);
    CHECK(e.scheduled[3 + i].group == 0);
    CHECK(e.scheduled[3 + i].node == static_cast<int32_t>(i));
  }
}

TEST_CASE("estimator: DaemonSet pods of the template take their share of every new node") {
  ClusterSnapshot cluster;
  NodeTemplate tmpl{test_node(1000, 5000, 10, "template", "zone-mars"),
                    {PodBuilder("ds").req({{"cpu", "300m"}}).info()}};
  // 250m pods: 2 per node next to the 300m DaemonSet pod (700m free), 4 per node without.
  std::vector<PodEquivalenceGroup> groups{group(estimatee(250, 1000), 8)};
  CHECK(estimate_binpacking(groups, tmpl, cluster, 0).node_count == 4);
  tmpl.pods.clear();
  CHECK(estimate_binpacking(groups, tmpl, cluster, 0).node_count == 2);
}

TEST_CASE("estimator: a negative limit denies every node") {
  Estimate e = run({group(estimatee(350, 1000), 2)}, 1000, 5000, -1);
  CHECK(e.node_count == 0);
  CHECK(e.scheduled.empty());
}

TEST_CASE("estimator: the order of pod groups by score, ties keep their order") {
  std::vector<PodEquivalenceGroup> groups{
      group(estimatee(100, 0), 1), group(estimatee(500, 0), 1), group(estimatee(100, 0), 1), {}};
  Resources alloc;
  alloc.cpu_milli = 1000;
  alloc.memory = 1000;
  CHECK(order_pod_groups(groups, alloc) == std::vector<size_t>{1, 0, 2, 3});
}

TEST_CASE("limiter: getMinLimit (TestMinLimit)") {
  CHECK(min_node_limit(-10, 10) == -1);  // at least one negative
  CHECK(min_node_limit(-10, 0) == -1);   // negative and not set
  CHECK(min_node_limit(-10, -10) == -1);
  CHECK(min_node_limit(0, 0) == 0);  // both not set
  CHECK(min_node_limit(0, 10) == 10);
  CHECK(min_node_limit(5, 10) == 5);
}

TEST_CASE("limiter: thresholds of a scale-up (static, node group, cluster)") {
  EstimationLimits l;
  l.group_max_size = 10;
  l.group_target_size = 3;
  CHECK(estimation_node_limit(l) == 7);
  l.max_nodes_total = 8;
  l.current_node_count = 6;
  CHECK(estimation_node_limit(l) == 2);
  l.current_node_count = 8;  // cluster full
  CHECK(estimation_node_limit(l) == -1);
  l.max_nodes_total = 0;
  l.group_target_size = 10;  // group full
  CHECK(estimation_node_limit(l) == -1);
  l.group_target_size = 0;
  l.group_max_size = 5000;
  CHECK(estimation_node_limit(l) == 1000);  // max-nodes-per-scaleup
}

}  // namespace
}  // namespace simcluster
