// balance-similar-node-groups: which node groups are similar and how a scale-up is spread
// over them. Mirrors kubernetes/autoscaler cluster-autoscaler
// processors/nodegroupset/compare_nodegroups.go (IsCloudProviderNodeInfoSimilar, with
// config.NodeGroupDifferenceRatios' defaults) and balancing_processor.go
// (BalanceScaleUpBetweenGroups).
#include <algorithm>
#include <set>
#include <string>

#include "simcluster/autoscaler.h"
#include "simcluster/nodes.h"

namespace simcluster {

namespace {

constexpr double kMaxCapacityMemoryDifferenceRatio = 0.015;
constexpr double kMaxAllocatableDifferenceRatio = 0.05;
constexpr double kMaxFreeDifferenceRatio = 0.05;

bool within(int64_t a, int64_t b, double ratio) {
  const double larger = static_cast<double>(std::max(a, b));
  const double smaller = static_cast<double>(std::min(a, b));
  return larger - smaller <= larger * ratio;
}

bool ignored_label(const std::string& key) {
  static const std::set<std::string> kIgnored = {
      "kubernetes.io/hostname",
      "failure-domain.beta.kubernetes.io/zone",
      "failure-domain.beta.kubernetes.io/region",
      "topology.kubernetes.io/zone",
      "topology.kubernetes.io/region",
      "beta.kubernetes.io/fluentd-ds-ready",
      "kops.k8s.io/instancegroup",
      "topology.ebs.csi.aws.com/zone",
      "topology.gke.io/zone",
      "topology.disk.csi.azure.com/zone",
      std::string(kLabelNodePool),
  };
  return kIgnored.count(key) > 0;
}

}  // namespace

bool similar_node_groups(const Node& a, const Resources& a_requested, const Node& b,
                         const Resources& b_requested) {
  // Capacity: the same resource names; memory within 1.5%, the rest exactly.
  if (a.capacity.size() != b.capacity.size()) return false;
  for (const auto& [name, qa] : a.capacity) {
    auto it = b.capacity.find(name);
    if (it == b.capacity.end()) return false;
    if (name == "memory") {
      if (!within(qa.milli_value(), it->second.milli_value(), kMaxCapacityMemoryDifferenceRatio)) {
        return false;
      }
    } else if (qa.milli_value() != it->second.milli_value()) {
      return false;
    }
  }
  // Allocatable and free (allocatable - requested) within 5%, per resource.
  const Resources aa = to_resources(a.allocatable), ab = to_resources(b.allocatable);
  auto close = [](const Resources& x, const Resources& y, double ratio) {
    return within(x.cpu_milli, y.cpu_milli, ratio) && within(x.memory, y.memory, ratio) &&
           within(x.ephemeral_storage, y.ephemeral_storage, ratio) && within(x.pods, y.pods, ratio);
  };
  if (!close(aa, ab, kMaxAllocatableDifferenceRatio)) return false;
  Resources fa = aa, fb = ab;
  fa.cpu_milli -= a_requested.cpu_milli;
  fa.memory -= a_requested.memory;
  fa.ephemeral_storage -= a_requested.ephemeral_storage;
  fa.pods -= a_requested.pods;
  fb.cpu_milli -= b_requested.cpu_milli;
  fb.memory -= b_requested.memory;
  fb.ephemeral_storage -= b_requested.ephemeral_storage;
  fb.pods -= b_requested.pods;
  if (!close(fa, fb, kMaxFreeDifferenceRatio)) return false;
  // Labels: every label not ignored is on both nodes with the same value.
  for (const auto& [key, value] : a.metadata.labels) {
    if (ignored_label(key)) continue;
    auto it = b.metadata.labels.find(key);
    if (it == b.metadata.labels.end() || it->second != value) return false;
  }
  for (const auto& [key, value] : b.metadata.labels) {
    if (!ignored_label(key) && !a.metadata.labels.count(key)) return false;
  }
  return true;
}

std::vector<GroupScaleUp> balance_scale_up(std::vector<GroupScaleUp> groups, int32_t new_nodes) {
  std::vector<GroupScaleUp> infos;
  int64_t capacity = 0;
  for (GroupScaleUp& g : groups) {
    if (g.current >= g.max) continue;  // already at max
    g.new_size = g.current;
    capacity += g.max - g.current;
    infos.push_back(g);
  }
  if (capacity < new_nodes) new_nodes = static_cast<int32_t>(capacity);
  std::stable_sort(infos.begin(), infos.end(), [](const GroupScaleUp& x, const GroupScaleUp& y) {
    return x.current < y.current;
  });
  // One node at a time to the smallest group; a full group is swapped to the front and
  // skipped from then on (the groups from start to current all have the same size).
  size_t start = 0, current = 0;
  while (new_nodes > 0) {
    GroupScaleUp& g = infos[current];
    if (g.new_size < g.max) {
      ++g.new_size;
      --new_nodes;
    } else {
      std::swap(infos[start], infos[current]);
      ++start;
    }
    if (current + 1 < infos.size() && infos[current].new_size > infos[current + 1].new_size) {
      ++current;
    } else {
      current = start;
    }
  }
  std::vector<GroupScaleUp> out;
  for (const GroupScaleUp& g : infos) {
    if (g.new_size != g.current) out.push_back(g);
  }
  return out;
}

}  // namespace simcluster
