// Small builders for the scheduler tests: nodes and pods written the way the
// upstream tests write them (st.MakeNode().Capacity(...), st.MakePod().Req(...)).
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "simcluster/objects.h"
#include "simcluster/scheduler.h"

namespace simcluster::testing {

using KV = std::initializer_list<std::pair<const char*, const char*>>;

inline Quantity qty(std::string_view s) {
  auto q = Quantity::parse(s);
  REQUIRE_MESSAGE(q.has_value(), "bad quantity ", std::string(s));
  return *q;
}

inline ResourceList resource_list(KV kv) {
  ResourceList l;
  for (const auto& [k, v] : kv) l[k] = qty(v);
  return l;
}

// A node whose capacity (and allocatable) is `capacity`; labels get the hostname.
inline Node make_node(const std::string& name, KV capacity, StringMap labels = {}) {
  Node n;
  n.metadata.name = name;
  n.metadata.labels = std::move(labels);
  n.metadata.labels["kubernetes.io/hostname"] = name;
  n.capacity = resource_list(capacity);
  n.allocatable = n.capacity;
  return n;
}

class PodBuilder {
 public:
  explicit PodBuilder(std::string name = "p") {
    pod_.metadata.name = std::move(name);
    pod_.metadata.ns = "default";
  }
  // One more app container with these requests (st.MakePod().Req(...)).
  PodBuilder& req(KV requests) {
    Container c;
    c.name = "c" + std::to_string(pod_.spec.containers.size());
    c.resources.requests = resource_list(requests);
    pod_.spec.containers.push_back(std::move(c));
    return *this;
  }
  PodBuilder& init_req(KV requests) {
    Container c;
    c.name = "i" + std::to_string(pod_.spec.init_containers.size());
    c.resources.requests = resource_list(requests);
    pod_.spec.init_containers.push_back(std::move(c));
    return *this;
  }
  PodBuilder& label(const std::string& k, const std::string& v) {
    pod_.metadata.labels[k] = v;
    return *this;
  }
  PodBuilder& ns(const std::string& n) {
    pod_.metadata.ns = n;
    return *this;
  }
  PodBuilder& priority(int32_t p) {
    pod_.spec.priority = p;
    return *this;
  }
  PodBuilder& node_selector(const std::string& k, const std::string& v) {
    pod_.spec.node_selector[k] = v;
    return *this;
  }
  PodBuilder& toleration(Toleration t) {
    pod_.spec.tolerations.push_back(std::move(t));
    return *this;
  }
  PodBuilder& spread(int32_t max_skew, const std::string& key, const std::string& when,
                     LabelSelector sel) {
    TopologySpreadConstraint c;
    c.max_skew = max_skew;
    c.topology_key = key;
    c.when_unsatisfiable = when;
    c.label_selector = std::move(sel);
    pod_.spec.topology_spread_constraints.push_back(std::move(c));
    return *this;
  }
  PodBuilder& anti_affinity(const std::string& key, LabelSelector sel) {
    auto& a = pod_.spec.affinity.pod_anti_affinity;
    if (!a) a.emplace();
    a->required.push_back(PodAffinityTerm{std::move(sel), {}, key, {}, {}});
    return *this;
  }
  PodBuilder& affinity(const std::string& key, LabelSelector sel) {
    auto& a = pod_.spec.affinity.pod_affinity;
    if (!a) a.emplace();
    a->required.push_back(PodAffinityTerm{std::move(sel), {}, key, {}, {}});
    return *this;
  }
  PodBuilder& preferred_affinity(int32_t w, const std::string& key, LabelSelector sel) {
    auto& a = pod_.spec.affinity.pod_affinity;
    if (!a) a.emplace();
    a->preferred.push_back(
        WeightedPodAffinityTerm{w, PodAffinityTerm{std::move(sel), {}, key, {}, {}}});
    return *this;
  }
  // matchLabelKeys of the last spread constraint.
  PodBuilder& spread_match_label_keys(std::vector<std::string> keys) {
    pod_.spec.topology_spread_constraints.back().match_label_keys = std::move(keys);
    return *this;
  }
  // matchLabelKeys / mismatchLabelKeys of the last required anti-affinity term.
  PodBuilder& anti_affinity_label_keys(std::vector<std::string> match,
                                       std::vector<std::string> mismatch) {
    PodAffinityTerm& t = pod_.spec.affinity.pod_anti_affinity->required.back();
    t.match_label_keys = std::move(match);
    t.mismatch_label_keys = std::move(mismatch);
    return *this;
  }
  const Pod& pod() const { return pod_; }
  PodInfo info() const { return make_pod_info(pod_); }

 private:
  Pod pod_;
};

inline LabelSelector match(KV labels) {
  LabelSelector s;
  for (const auto& [k, v] : labels) s.match_labels[k] = v;
  return s;
}

// Adds nodes to a fresh snapshot and binds the existing pods (pod, node name).
inline ClusterSnapshot make_snapshot(
    const std::vector<Node>& nodes, const std::vector<std::pair<PodInfo, std::string>>& pods = {}) {
  ClusterSnapshot s;
  for (const auto& n : nodes) s.add_node(n);
  for (const auto& [p, node] : pods) {
    auto id = s.find_node(node);
    REQUIRE(id.has_value());
    s.add_pod(p, *id);
  }
  return s;
}

inline std::vector<NodeId> all_nodes(const ClusterSnapshot& s) {
  std::vector<NodeId> v;
  for (NodeId n = 0; n < s.node_id_limit(); ++n) {
    if (s.node(n).live) v.push_back(n);
  }
  return v;
}

}  // namespace simcluster::testing
