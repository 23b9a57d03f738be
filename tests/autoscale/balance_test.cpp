// balance-similar-node-groups: the comparator of
// kubernetes/autoscaler cluster-autoscaler/processors/nodegroupset/compare_nodegroups_test.go
// and the scale-up split of balancing_processor_test.go, restated on simcluster's node pools.
#include <doctest/doctest.h>

#include "simcluster/autoscaler.h"
#include "simcluster/nodes.h"

namespace simcluster {
namespace {

NodePool preset_pool(const std::string& name, const std::string& preset,
                     std::vector<std::string> zones = {}) {
  NodePool p;
  p.name = name;
  p.count = 1;
  p.shape = *find_machine_shape(preset);
  p.zones = std::move(zones);
  return p;
}

Resources requested(int64_t cpu_milli, int64_t memory, int64_t pods) {
  Resources r;
  r.cpu_milli = cpu_milli;
  r.memory = memory;
  r.pods = pods;
  return r;
}

std::vector<int32_t> sizes_after(const std::vector<GroupScaleUp>& out,
                                 const std::vector<std::string>& order) {
  std::vector<int32_t> sizes;
  for (const std::string& g : order) {
    int32_t size = -1;
    for (const GroupScaleUp& u : out) {
      if (u.group == g) size = u.new_size;
    }
    sizes.push_back(size);
  }
  return sizes;
}

}  // namespace

TEST_CASE("similar node groups: the same machine in another zone, nothing else") {
  const Node a = make_pool_node(preset_pool("web-a", "m5.large", {"us-east-1a"}), 0);
  const Node b = make_pool_node(preset_pool("web-b", "m5.large", {"us-east-1b"}), 0);
  const Resources none;
  // Hostname, zone and the node group's own name label differ: ignored.
  CHECK(similar_node_groups(a, none, b, none));
  CHECK(similar_node_groups(b, none, a, none));
  // Another instance type: cpu capacity differs (exact match required).
  const Node big = make_pool_node(preset_pool("big", "m5.xlarge", {"us-east-1b"}), 0);
  CHECK_FALSE(similar_node_groups(a, none, big, none));
  // A label that is not ignored, on one side only or with another value.
  NodePool labelled = preset_pool("web-c", "m5.large", {"us-east-1c"});
  labelled.labels["workload"] = "batch";
  const Node c = make_pool_node(labelled, 0);
  CHECK_FALSE(similar_node_groups(a, none, c, none));
  CHECK_FALSE(similar_node_groups(c, none, a, none));
  // Free resources (allocatable minus the DaemonSet pods) more than 5% apart.
  CHECK(similar_node_groups(a, requested(50, 0, 1), b, requested(0, 0, 0)));
  CHECK_FALSE(similar_node_groups(a, requested(500, 0, 1), b, none));
}

TEST_CASE("similar node groups: memory capacity within 1.5%, allocatable within 5%") {
  NodePool p = preset_pool("a", "e2-standard-2");
  NodePool q = preset_pool("b", "e2-standard-2");
  q.shape.capacity.memory += q.shape.capacity.memory / 100;  // +1%: still the same machine
  const Node a = make_pool_node(p, 0);
  Node b = make_pool_node(q, 0);
  b.allocatable = make_pool_node(p, 0).allocatable;
  CHECK(similar_node_groups(a, Resources{}, b, Resources{}));
  q.shape.capacity.memory = p.shape.capacity.memory + p.shape.capacity.memory / 50;  // +2%
  b = make_pool_node(q, 0);
  b.allocatable = make_pool_node(p, 0).allocatable;
  CHECK_FALSE(similar_node_groups(a, Resources{}, b, Resources{}));
}

TEST_CASE("balance_scale_up: the smallest group first, never past max") {
  // TestBalanceUnderMaxSize: sizes 1, 3, 5, 7 (max 10): 4 nodes -> 4, 4, 5, 7.
  std::vector<GroupScaleUp> g = {
      {"ng1", 1, 10, 0}, {"ng2", 3, 10, 0}, {"ng3", 5, 10, 0}, {"ng4", 7, 10, 0}};
  auto out = balance_scale_up(g, 4);
  CHECK(sizes_after(out, {"ng1", "ng2", "ng3", "ng4"}) == std::vector<int32_t>{4, 4, -1, -1});
  // 10 nodes: 1, 3, 5 are levelled up to 6, 6, 6 (9 nodes), the last goes to the first of
  // the smallest: 7, 6, 6, 7 (ng4 unchanged).
  out = balance_scale_up(g, 10);
  CHECK(sizes_after(out, {"ng1", "ng2", "ng3", "ng4"}) == std::vector<int32_t>{7, 6, 6, -1});
  // TestBalanceHittingMaxSize: a group at its max takes nothing; the others share.
  g = {{"ng1", 1, 1, 0}, {"ng2", 3, 4, 0}, {"ng3", 1, 5, 0}};
  out = balance_scale_up(g, 4);
  CHECK(sizes_after(out, {"ng1", "ng2", "ng3"}) == std::vector<int32_t>{-1, 4, 4});
  // More nodes than the groups can take: capped at their free capacity.
  out = balance_scale_up(g, 100);
  CHECK(sizes_after(out, {"ng1", "ng2", "ng3"}) == std::vector<int32_t>{-1, 4, 5});
  // Every group at max: nothing.
  CHECK(balance_scale_up({{"ng1", 2, 2, 0}}, 3).empty());
}

}  // namespace simcluster
