// The binpacking estimator of cluster-autoscaler.
// Mirrors kubernetes/autoscaler cluster-autoscaler/estimator/binpacking_estimator.go
// (Estimate, tryToScheduleOnExistingNodes, tryToScheduleOnNewNodes, addNewNodeToSnapshot),
// decreasing_pod_orderer.go, threshold_based_limiter.go (getMinLimit / PermissionToAddNode),
// sng_capacity_threshold.go and cluster_capacity_threshold.go, and the scheduler-based
// predicate checker (simulator/predicatechecker/schedulerbased.go FitsAnyNodeMatching,
// CheckPredicates). See autoscaler.h for the contract.
#include <algorithm>
#include <string>

#include "simcluster/autoscaler.h"
#include "simcluster/nodes.h"

namespace simcluster {

int32_t min_node_limit(int32_t base, int32_t target) {
  if (base < 0 || target < 0) return -1;
  if (base == 0) return target;
  if (target == 0) return base;
  return std::min(base, target);
}

int32_t estimation_node_limit(const EstimationLimits& l) {
  // Static threshold: max-nodes-per-scaleup as given (0 = not set).
  int32_t limit = l.max_nodes_per_scale_up;
  // sngCapacityThreshold: the group's room, -1 when it has none.
  const int32_t room = std::max(0, l.group_max_size - l.group_target_size);
  limit = min_node_limit(limit, room > 0 ? room : -1);
  // clusterCapacityThreshold: 0 when max-nodes-total is not set.
  int32_t cluster = 0;
  if (l.max_nodes_total != 0) {
    cluster = l.max_nodes_total < 0 || l.max_nodes_total <= l.current_node_count
                  ? -1
                  : l.max_nodes_total - l.current_node_count;
  }
  return min_node_limit(limit, cluster);
}

std::vector<size_t> order_pod_groups(std::span<const PodEquivalenceGroup> groups,
                                     const Resources& alloc) {
  std::vector<double> score(groups.size(), 0.0);
  for (size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].pods.empty()) continue;
    const Resources& r = groups[i].pods.front().requests;
    double s = 0;
    if (alloc.cpu_milli > 0) {
      s += static_cast<double>(r.cpu_milli) / static_cast<double>(alloc.cpu_milli);
    }
    if (alloc.memory > 0) s += static_cast<double>(r.memory) / static_cast<double>(alloc.memory);
    score[i] = s;
  }
  std::vector<size_t> order(groups.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return score[a] > score[b]; });
  return order;
}

namespace {

// Allocatable of a Node as the snapshot reads it: allocatable, else capacity.
Resources template_allocatable(const Node& node) {
  ClusterSnapshot s;
  return s.node(s.add_node(node)).allocatable;
}

class Estimator {
 public:
  Estimator(const NodeTemplate& tmpl, const ClusterSnapshot& cluster, int32_t max_nodes,
            const SchedulerConfig& cfg)
      : tmpl_(tmpl), snap_(cluster), max_nodes_(max_nodes), cfg_(cfg) {
    for (NodeId n = 0; n < snap_.node_id_limit(); ++n) {
      if (snap_.node(n).live) list_.push_back(n);
    }
    is_new_.assign(snap_.node_id_limit(), 0);
  }

  Estimate run(std::span<const PodEquivalenceGroup> groups) {
    const Resources alloc = template_allocatable(tmpl_.node);
    for (size_t g : order_pod_groups(groups, alloc)) {
      const auto& pods = groups[g].pods;
      const size_t placed = schedule_on_existing(pods, static_cast<uint32_t>(g));
      schedule_on_new(pods, placed, static_cast<uint32_t>(g));
    }
    out_.nodes_added = static_cast<int32_t>(new_nodes_.size());
    out_.node_count = 0;
    for (uint8_t has : has_pods_) out_.node_count += has;
    return std::move(out_);
  }

 private:
  // CheckPredicates. A pod whose cpu, memory or pod slot exceeds what the node has free
  // fails NodeResourcesFit whatever the other plugins say, so the Filter run (with its
  // reason strings) is skipped for it: same answer, and most failing checks are these.
  bool fits(const PodInfo& pod, NodeId n) const {
    const NodeInfo& ni = snap_.node(n);
    if (ni.pod_count() + 1 > ni.allocatable.pods ||
        (pod.requests.cpu_milli > 0 &&
         pod.requests.cpu_milli > ni.allocatable.cpu_milli - ni.requested.cpu_milli) ||
        (pod.requests.memory > 0 &&
         pod.requests.memory > ni.allocatable.memory - ni.requested.memory)) {
      return false;
    }
    return run_filters(pod, snap_, n, cfg_).ok();
  }

  // FitsAnyNodeMatching restricted to the nodes added by this estimate: round robin over
  // the fork's node list from last_index_.
  std::optional<NodeId> fits_any_new_node(const PodInfo& pod) {
    const size_t count = list_.size();
    for (size_t i = 0; i < count; ++i) {
      const NodeId n = list_[(last_index_ + i) % count];
      if (!is_new_[n] || snap_.node(n).unschedulable) continue;
      if (fits(pod, n)) {
        last_index_ = (last_index_ + i + 1) % count;
        return n;
      }
    }
    return std::nullopt;
  }

  // Returns how many pods of the group (from the front) were placed.
  size_t schedule_on_existing(const std::vector<PodInfo>& pods, uint32_t g) {
    size_t i = 0;
    for (; i < pods.size(); ++i) {
      auto n = fits_any_new_node(pods[i]);
      if (!n) break;
      place(pods[i], *n, g, static_cast<uint32_t>(i));
    }
    return i;
  }

  void schedule_on_new(const std::vector<PodInfo>& pods, size_t from, uint32_t g) {
    for (size_t i = from; i < pods.size(); ++i) {
      const PodInfo& pod = pods[i];
      if (last_ && fits(pod, *last_)) {
        place(pod, *last_, g, static_cast<uint32_t>(i));
        continue;
      }
      // The last node is still empty: a fresh one could not host the pod either.
      if (last_ && !has_pods_[ordinal_of(*last_)]) break;
      if (!permission_to_add_node()) break;
      add_node();
      if (!fits(pod, *last_)) break;
      place(pod, *last_, g, static_cast<uint32_t>(i));
    }
  }

  // thresholdBasedEstimationLimiter.PermissionToAddNode without the time budget.
  bool permission_to_add_node() {
    if (max_nodes_ < 0) return false;
    if (max_nodes_ > 0 && permitted_ >= max_nodes_) return false;
    ++permitted_;
    return true;
  }

  void add_node() {
    Node n = tmpl_.node;
    n.metadata.name = tmpl_.node.metadata.name + "-e-" + std::to_string(new_nodes_.size());
    n.metadata.labels[std::string(kLabelHostname)] = n.metadata.name;
    const NodeId id = snap_.add_node(n);
    for (const PodInfo& p : tmpl_.pods) snap_.add_pod(p, id);
    if (is_new_.size() <= id) is_new_.resize(id + 1, 0);
    is_new_[id] = 1;
    if (ordinal_.size() <= id) ordinal_.resize(id + 1, -1);
    ordinal_[id] = static_cast<int32_t>(new_nodes_.size());
    new_nodes_.push_back(id);
    has_pods_.push_back(0);
    list_.push_back(id);
    last_ = id;
  }

  int32_t ordinal_of(NodeId n) const { return ordinal_[n]; }

  void place(const PodInfo& pod, NodeId n, uint32_t g, uint32_t i) {
    snap_.add_pod(pod, n);
    const int32_t ord = ordinal_of(n);
    has_pods_[ord] = 1;
    out_.scheduled.push_back({g, i, ord});
  }

  const NodeTemplate& tmpl_;
  ClusterSnapshot snap_;  // the fork
  int32_t max_nodes_;
  const SchedulerConfig& cfg_;
  std::vector<NodeId> list_;      // the fork's nodes, in the order FitsAnyNodeMatching walks
  std::vector<uint8_t> is_new_;   // by NodeId
  std::vector<int32_t> ordinal_;  // by NodeId: index into new_nodes_, -1 for old nodes
  std::vector<NodeId> new_nodes_;
  std::vector<uint8_t> has_pods_;  // by ordinal: newNodesWithPods
  std::optional<NodeId> last_;
  size_t last_index_ = 0;
  int32_t permitted_ = 0;
  Estimate out_;
};

}  // namespace

Estimate estimate_binpacking(std::span<const PodEquivalenceGroup> groups,
                             const NodeTemplate& node_template, const ClusterSnapshot& cluster,
                             int32_t max_nodes, const SchedulerConfig& config) {
  Estimator e(node_template, cluster, max_nodes, config);
  return e.run(groups);
}

}  // namespace simcluster
