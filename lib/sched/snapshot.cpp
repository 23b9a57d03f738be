// ClusterSnapshot: the scheduler cache with incremental per-node aggregates.
// Mirrors k8s pkg/scheduler/framework/types.go (NodeInfo.AddPod / RemovePod keep
// Requested, NonZeroRequested, PodsWithAffinity, PodsWithRequiredAntiAffinity up to
// date) and pkg/scheduler/backend/cache/node_tree.go (zone-interleaved node order).
#include "sched/snapshot.h"

#include <fmt/format.h>

#include <algorithm>

#include "simcluster/nodes.h"

namespace simcluster {

ClusterSnapshot::Impl& snapshot_impl(ClusterSnapshot& s) { return *s.impl_; }
const ClusterSnapshot::Impl& snapshot_impl(const ClusterSnapshot& s) { return *s.impl_; }

// ---------------------------------------------------------------- helpers

std::string selector_key(const LabelSelector& s) {
  std::string k;
  for (const auto& [key, v] : s.match_labels) {
    k += key;
    k += '=';
    k += v;
    k += '\x1f';
  }
  k += '\x1e';
  // Expressions are ANDed, so their order does not matter: sort their texts.
  std::vector<std::string> exprs;
  exprs.reserve(s.match_expressions.size());
  for (const auto& e : s.match_expressions) {
    std::string t = e.key;
    t += '\x1d';
    t += static_cast<char>('0' + static_cast<int>(e.op));
    std::vector<std::string> vals = e.values;
    std::sort(vals.begin(), vals.end());
    for (const auto& v : vals) {
      t += '\x1d';
      t += v;
    }
    exprs.push_back(std::move(t));
  }
  std::sort(exprs.begin(), exprs.end());
  for (const auto& e : exprs) {
    k += e;
    k += '\x1f';
  }
  return k;
}

bool term_matches(const std::vector<std::string>& namespaces, const LabelSelector& selector,
                  const std::string& ns, const StringMap& labels) {
  if (!std::binary_search(namespaces.begin(), namespaces.end(), ns)) return false;
  return selector_matches(selector, labels);
}

std::vector<std::string> term_namespaces(const PodAffinityTerm& term, const std::string& pod_ns) {
  std::vector<std::string> ns = term.namespaces;
  if (ns.empty()) ns.push_back(pod_ns);
  std::sort(ns.begin(), ns.end());
  ns.erase(std::unique(ns.begin(), ns.end()), ns.end());
  return ns;
}

int32_t TopologyKeyIndex::intern(const std::string& v) {
  auto [it, inserted] = id_of.emplace(v, static_cast<int32_t>(values.size()));
  if (inserted) {
    values.push_back(v);
    nodes_per_value.push_back(0);
  }
  return it->second;
}

void TopologyKeyIndex::assign(NodeId n, int32_t v) {
  const int32_t old = value_of_node[n];
  if (old >= 0) {
    --nodes_per_value[old];
    --nodes_with_key;
  }
  value_of_node[n] = v;
  if (v >= 0) {
    ++nodes_per_value[v];
    ++nodes_with_key;
  }
}

namespace {

// utilnode.GetZoneKey: region + ":\x00:" + zone; "" when neither label is set.
std::string zone_key(const StringMap& labels) {
  auto get = [&](std::string_view k) -> std::string {
    auto it = labels.find(std::string(k));
    return it == labels.end() ? std::string() : it->second;
  };
  std::string region = get("topology.kubernetes.io/region");
  if (region.empty()) region = get("failure-domain.beta.kubernetes.io/region");
  std::string zone = get("topology.kubernetes.io/zone");
  if (zone.empty()) zone = get("failure-domain.beta.kubernetes.io/zone");
  if (region.empty() && zone.empty()) return {};
  return region + std::string(":\0:", 3) + zone;
}

void add_scaled(Resources& into, const Resources& r, int sign) {
  if (sign > 0) {
    into += r;
  } else {
    into -= r;
  }
}

size_t string_bytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

size_t map_bytes(const StringMap& m) {
  size_t b = 0;
  for (const auto& [k, v] : m) b += 64 + string_bytes(k) + string_bytes(v);
  return b;
}

size_t resources_bytes(const Resources& r) {
  size_t b = 0;
  for (const auto& [k, v] : r.extended) b += 64 + string_bytes(k);
  return b;
}

}  // namespace

// ---------------------------------------------------------------- Impl

const std::vector<NodeId>& ClusterSnapshot::Impl::node_list() const {
  if (!order_dirty) return order;
  // node_tree.go list(): one node per zone per round, zones in order.
  order.clear();
  order.reserve(live_nodes);
  for (size_t round = 0; order.size() < live_nodes; ++round) {
    for (const auto& [key, ids] : zones) {
      if (round < ids.size()) order.push_back(ids[round]);
    }
  }
  order_dirty = false;
  order_is_identity = true;
  for (size_t i = 0; i < order.size(); ++i) order_is_identity &= order[i] == i;
  return order;
}

int32_t ClusterSnapshot::Impl::topology_key(const std::string& key) const {
  auto it = topology_key_by_name.find(key);
  if (it != topology_key_by_name.end()) return it->second;
  TopologyKeyIndex idx;
  idx.key = key;
  idx.intern("");
  idx.value_of_node.assign(nodes.size(), -1);
  for (NodeId n = 0; n < nodes.size(); ++n) {
    if (!nodes[n].live) continue;
    auto lit = nodes[n].labels.find(key);
    if (lit != nodes[n].labels.end()) idx.assign(n, idx.intern(lit->second));
  }
  const auto id = static_cast<int32_t>(topology_keys.size());
  topology_keys.push_back(std::move(idx));
  topology_key_by_name.emplace(key, id);
  return id;
}

const std::vector<uint32_t>& ClusterSnapshot::Impl::matching_classes(
    const std::vector<std::string>& namespaces, const LabelSelector& selector) const {
  enable_class_counts();  // every caller goes on to read the classes' per-node counts
  std::string key;
  for (const auto& ns : namespaces) {
    key += ns;
    key += '\x1c';
  }
  key += selector_key(selector);
  auto it = query_by_key.find(key);
  if (it != query_by_key.end()) return queries[it->second].classes;
  SelectorQuery q{namespaces, selector, {}};
  for (uint32_t c = 0; c < classes.size(); ++c) {
    if (term_matches(q.namespaces, q.selector, classes[c].ns, classes[c].labels)) {
      q.classes.push_back(c);
    }
  }
  const auto id = static_cast<uint32_t>(queries.size());
  queries.push_back(std::move(q));
  query_by_key.emplace(std::move(key), id);
  return queries[id].classes;
}

uint32_t ClusterSnapshot::Impl::intern_class(const std::string& ns, const StringMap& labels) {
  // Hash (namespace, labels) without building a key; equal hashes are compared in full.
  const std::hash<std::string_view> hs;
  uint64_t h = hs(ns);
  for (const auto& [k, v] : labels) {
    h = (h ^ hs(k)) * 0x100000001B3ULL + 0x9E3779B97F4A7C15ULL;
    h = (h ^ hs(v)) * 0x100000001B3ULL;
  }
  auto [lo, hi] = class_by_hash.equal_range(h);
  for (auto it = lo; it != hi; ++it) {
    const LabelClass& c = classes[it->second];
    if (c.ns == ns && c.labels == labels) return it->second;
  }
  const auto id = static_cast<uint32_t>(classes.size());
  class_by_hash.emplace(h, id);
  classes.push_back(LabelClass{ns, labels, 0, {}, {}});
  for (auto& q : queries) {
    if (term_matches(q.namespaces, q.selector, ns, labels)) q.classes.push_back(id);
  }
  return id;
}

const std::vector<int64_t>& ClusterSnapshot::Impl::class_domain_counts(uint32_t c,
                                                                       int32_t key) const {
  enable_class_counts();
  const LabelClass& cls = classes[c];
  for (const auto& [k, by_value] : cls.domain_active) {
    if (k == key) return by_value;
  }
  std::vector<int64_t> by_value(topology_keys[key].values.size(), 0);
  for (const auto& [node, cnt] : cls.on_node) {
    const int32_t v = topology_keys[key].value_of_node[node];
    if (v >= 0) by_value[v] += cnt.active;
  }
  cls.domain_active.emplace_back(key, std::move(by_value));
  return cls.domain_active.back().second;
}

void ClusterSnapshot::Impl::enable_class_counts() const {
  if (class_counts_enabled) return;
  class_counts_enabled = true;
  for (const PodRecord& rec : pods) {
    if (!rec.pod.live) continue;
    NodeCount& c = classes[rec.label_class].on_node[rec.pod.node];
    c.all += 1;
    c.active += rec.pod.terminating ? 0 : 1;
  }
}

uint32_t ClusterSnapshot::Impl::intern_term_group(TermKind kind, int32_t weight,
                                                  const PodAffinityTerm& term,
                                                  const std::string& pod_ns) {
  std::vector<std::string> namespaces = term_namespaces(term, pod_ns);
  std::string key =
      fmt::format("{}\x1c{}\x1c{}\x1c", static_cast<int>(kind), weight, term.topology_key);
  for (const auto& ns : namespaces) {
    key += ns;
    key += '\x1c';
  }
  key += selector_key(term.label_selector);
  auto [it, inserted] =
      term_group_by_key.emplace(std::move(key), static_cast<uint32_t>(term_groups.size()));
  if (inserted) {
    term_groups.push_back(TermGroup{
        kind, weight, std::move(namespaces), term.label_selector, term.topology_key, 0, {}});
  }
  return it->second;
}

void ClusterSnapshot::Impl::set_node_fields(NodeId id, const Node& node) {
  NodeInfo& ni = nodes[id];
  NodeHot& h = hot[id];
  if (ni.live) prefer_no_schedule_taints -= ni.prefer_no_schedule_taints;
  ni.labels = node.metadata.labels;
  ni.taints = node.taints;
  ni.unschedulable = node.unschedulable;
  auto zit = ni.labels.find("topology.kubernetes.io/zone");
  ni.zone = zit == ni.labels.end() ? std::string() : zit->second;
  // Allocatable: status.allocatable, falling back to capacity per resource (the kubelet
  // reports both; a hand-written Node may give only one). Pods default to 110.
  Resources alloc = to_resources(node.capacity);
  Resources given = to_resources(node.allocatable);
  for (const auto& [name, q] : node.allocatable) {
    (void)q;
    if (name == "cpu")
      alloc.cpu_milli = given.cpu_milli;
    else if (name == "memory")
      alloc.memory = given.memory;
    else if (name == "ephemeral-storage")
      alloc.ephemeral_storage = given.ephemeral_storage;
    else if (name == "pods")
      alloc.pods = given.pods;
    else
      alloc.extended[name] = given.extended[name];
  }
  if (!node.capacity.contains("pods") && !node.allocatable.contains("pods")) {
    alloc.pods = kDefaultMaxPods;
  }
  ni.allocatable = alloc;
  ni.prefer_no_schedule_taints = 0;
  bool hard = false;
  for (const auto& t : ni.taints) {
    if (t.effect == "PreferNoSchedule") ++ni.prefer_no_schedule_taints;
    if (t.effect == "NoSchedule" || t.effect == "NoExecute") hard = true;
  }
  prefer_no_schedule_taints += ni.prefer_no_schedule_taints;
  h.alloc_cpu = alloc.cpu_milli;
  h.alloc_mem = alloc.memory;
  h.alloc_pods = static_cast<int32_t>(std::clamp<int64_t>(alloc.pods, 0, INT32_MAX));
  recip[id].cpu = alloc.cpu_milli > 0 ? 1.0 / static_cast<double>(alloc.cpu_milli) : 0.0;
  recip[id].mem = alloc.memory > 0 ? 1.0 / static_cast<double>(alloc.memory) : 0.0;
  h.flags = kHotLive | (ni.unschedulable ? kHotUnschedulable : 0) | (hard ? kHotHardTaints : 0);
  bump_version(id);

  for (auto& idx : topology_keys) {
    auto lit = ni.labels.find(idx.key);
    idx.assign(id, lit == ni.labels.end() ? -1 : idx.intern(lit->second));
  }
  // Per-class domain counts of the pods on this node may have moved: rebuild lazily.
  if (!ni.pods.empty()) {
    for (const auto& c : classes) c.domain_active.clear();
  }
  // node_tree.go: a node whose zone changed moves to the end of its new zone.
  std::string zk = zone_key(ni.labels);
  if (ni.live && zone_key_of_node[id] == zk) return;
  if (ni.live) {
    const std::string& old = zone_key_of_node[id];
    for (auto zit2 = zones.begin(); zit2 != zones.end(); ++zit2) {
      if (zit2->first != old) continue;
      auto& v = zit2->second;
      v.erase(std::find(v.begin(), v.end(), id));
      if (v.empty()) zones.erase(zit2);
      break;
    }
  }
  auto zit3 =
      std::find_if(zones.begin(), zones.end(), [&](const auto& z) { return z.first == zk; });
  if (zit3 == zones.end()) {
    zones.emplace_back(zk, std::vector<NodeId>{id});
  } else {
    zit3->second.push_back(id);
  }
  zone_key_of_node[id] = std::move(zk);
  order_dirty = true;
}

void ClusterSnapshot::Impl::count_pod(PodId id, int sign) {
  PodRecord& rec = pods[id];
  const NodeId n = rec.pod.node;
  const int32_t active = rec.pod.terminating ? 0 : 1;
  LabelClass& cls = classes[rec.label_class];
  cls.pods += sign;
  if (class_counts_enabled) {
    NodeCount& c = cls.on_node[n];
    c.all += sign;
    c.active += sign * active;
    if (c.all == 0) cls.on_node.erase(n);
    for (auto& [key, by_value] : cls.domain_active) {
      const int32_t v = topology_keys[key].value_of_node[n];
      if (v < 0) continue;
      if (by_value.size() <= static_cast<size_t>(v)) by_value.resize(static_cast<size_t>(v) + 1, 0);
      by_value[v] += sign * active;
    }
  }
  for (uint32_t g : rec.term_groups) {
    TermGroup& tg = term_groups[g];
    tg.pods += sign;
    NodeCount& gc = tg.on_node[n];
    gc.all += sign;
    gc.active += sign * active;
    if (gc.all == 0) tg.on_node.erase(n);
  }
}

void ClusterSnapshot::Impl::attach_pod(PodId id) {
  PodRecord& rec = pods[id];
  NodeInfo& ni = nodes[rec.pod.node];
  NodeHot& h = hot[rec.pod.node];
  add_scaled(ni.requested, rec.pod.requests, +1);
  ni.non_zero_cpu_milli += rec.pod.non_zero_cpu_milli;
  ni.non_zero_memory += rec.pod.non_zero_memory;
  rec.index_in_node = static_cast<uint32_t>(ni.pods.size());
  ni.pods.push_back(id);
  h.req_cpu = ni.requested.cpu_milli;
  h.req_mem = ni.requested.memory;
  h.nz_cpu = ni.non_zero_cpu_milli;
  h.nz_mem = ni.non_zero_memory;
  h.pod_count = static_cast<int32_t>(ni.pod_count());
  bump_version(rec.pod.node);
  bool affinity = false, req_anti = false;
  for (uint32_t g : rec.term_groups) {
    affinity = true;
    if (term_groups[g].kind == TermKind::kRequiredAntiAffinity) req_anti = true;
  }
  ni.pods_with_affinity += affinity;
  ni.pods_with_required_anti_affinity += req_anti;
  pods_with_affinity += affinity;
  pods_with_required_anti_affinity += req_anti;
  count_pod(id, +1);
}

void ClusterSnapshot::Impl::detach_pod(PodId id) {
  PodRecord& rec = pods[id];
  NodeInfo& ni = nodes[rec.pod.node];
  NodeHot& h = hot[rec.pod.node];
  add_scaled(ni.requested, rec.pod.requests, -1);
  ni.non_zero_cpu_milli -= rec.pod.non_zero_cpu_milli;
  ni.non_zero_memory -= rec.pod.non_zero_memory;
  const uint32_t pos = rec.index_in_node;
  const PodId last = ni.pods.back();
  ni.pods[pos] = last;
  pods[last].index_in_node = pos;
  ni.pods.pop_back();
  h.req_cpu = ni.requested.cpu_milli;
  h.req_mem = ni.requested.memory;
  h.nz_cpu = ni.non_zero_cpu_milli;
  h.nz_mem = ni.non_zero_memory;
  h.pod_count = static_cast<int32_t>(ni.pod_count());
  bump_version(rec.pod.node);
  bool affinity = false, req_anti = false;
  for (uint32_t g : rec.term_groups) {
    affinity = true;
    if (term_groups[g].kind == TermKind::kRequiredAntiAffinity) req_anti = true;
  }
  ni.pods_with_affinity -= affinity;
  ni.pods_with_required_anti_affinity -= req_anti;
  pods_with_affinity -= affinity;
  pods_with_required_anti_affinity -= req_anti;
  count_pod(id, -1);
}

// ---------------------------------------------------------------- ClusterSnapshot

ClusterSnapshot::ClusterSnapshot() : impl_(std::make_unique<Impl>()) {}
ClusterSnapshot::~ClusterSnapshot() = default;
ClusterSnapshot::ClusterSnapshot(const ClusterSnapshot& other)
    : impl_(std::make_unique<Impl>(*other.impl_)) {}
ClusterSnapshot& ClusterSnapshot::operator=(const ClusterSnapshot& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
ClusterSnapshot::ClusterSnapshot(ClusterSnapshot&&) noexcept = default;
ClusterSnapshot& ClusterSnapshot::operator=(ClusterSnapshot&&) noexcept = default;

NodeId ClusterSnapshot::add_node(const Node& node) {
  Impl& s = *impl_;
  if (s.node_by_name.contains(node.metadata.name)) {
    fail(node.metadata.source, "duplicate node name '{}'", node.metadata.name);
  }
  const auto id = static_cast<NodeId>(s.nodes.size());
  s.nodes.emplace_back();
  s.hot.emplace_back();
  s.recip.emplace_back();
  s.version.push_back(1);
  s.zone_key_of_node.emplace_back();
  for (auto& idx : s.topology_keys) idx.value_of_node.push_back(-1);
  s.nodes[id].name = node.metadata.name;
  s.set_node_fields(id, node);
  s.nodes[id].live = true;
  s.node_by_name.emplace(node.metadata.name, id);
  ++s.live_nodes;
  s.order_dirty = true;
  return id;
}

void ClusterSnapshot::update_node(NodeId id, const Node& node) { impl_->set_node_fields(id, node); }

void ClusterSnapshot::set_unschedulable(NodeId id, bool unschedulable) {
  Impl& s = *impl_;
  s.nodes[id].unschedulable = unschedulable;
  if (unschedulable) {
    s.hot[id].flags |= kHotUnschedulable;
  } else {
    s.hot[id].flags &= ~kHotUnschedulable;
  }
  s.bump_version(id);
}

void ClusterSnapshot::remove_node(NodeId id) {
  Impl& s = *impl_;
  NodeInfo& ni = s.nodes[id];
  SIMCLUSTER_CHECK(ni.live && ni.pods.empty(), "remove_node({}) with pods", ni.name);
  if (!ni.live) return;
  // Keep the bindings consistent even without SIMCLUSTER_CHECKS: drop remaining pods.
  while (!ni.pods.empty()) remove_pod(ni.pods.back());
  s.prefer_no_schedule_taints -= ni.prefer_no_schedule_taints;
  const std::string& zk = s.zone_key_of_node[id];
  for (auto it = s.zones.begin(); it != s.zones.end(); ++it) {
    if (it->first != zk) continue;
    auto& v = it->second;
    v.erase(std::find(v.begin(), v.end(), id));
    if (v.empty()) s.zones.erase(it);
    break;
  }
  s.node_by_name.erase(ni.name);
  for (auto& idx : s.topology_keys) idx.assign(id, -1);
  ni.live = false;
  ni.labels.clear();
  ni.taints.clear();
  s.hot[id] = NodeHot{};
  s.bump_version(id);
  s.recip[id] = NodeRecip{};
  --s.live_nodes;
  s.order_dirty = true;
}

std::optional<NodeId> ClusterSnapshot::find_node(std::string_view name) const {
  auto it = impl_->node_by_name.find(std::string(name));
  if (it == impl_->node_by_name.end()) return std::nullopt;
  return it->second;
}

const NodeInfo& ClusterSnapshot::node(NodeId id) const { return impl_->nodes[id]; }
size_t ClusterSnapshot::num_nodes() const { return impl_->live_nodes; }
size_t ClusterSnapshot::node_id_limit() const { return impl_->nodes.size(); }
std::span<const NodeId> ClusterSnapshot::node_order() const { return impl_->node_list(); }

PodId ClusterSnapshot::add_pod(const PodInfo& pod, NodeId node) {
  Impl& s = *impl_;
  SIMCLUSTER_CHECK(node < s.nodes.size() && s.nodes[node].live, "add_pod on dead node {}", node);
  PodId id;
  if (!s.free_pod_ids.empty()) {
    id = s.free_pod_ids.back();
    s.free_pod_ids.pop_back();
  } else {
    id = static_cast<PodId>(s.pods.size());
    s.pods.emplace_back();
  }
  PodRecord& rec = s.pods[id];
  rec.pod.name = pod.name;
  rec.pod.ns = pod.ns;
  rec.pod.node = node;
  rec.pod.priority = pod.priority;
  rec.pod.start_time = pod.start_time;
  rec.pod.requests = pod.requests;
  rec.pod.non_zero_cpu_milli = pod.non_zero_requests.cpu_milli;
  rec.pod.non_zero_memory = pod.non_zero_requests.memory;
  rec.pod.terminating = false;
  rec.pod.live = true;
  rec.label_class = s.intern_class(pod.ns, pod.labels);
  rec.term_groups.clear();
  if (pod.pod_affinity) {
    for (const auto& t : pod.pod_affinity->required) {
      rec.term_groups.push_back(s.intern_term_group(TermKind::kRequiredAffinity, 0, t, pod.ns));
    }
    for (const auto& w : pod.pod_affinity->preferred) {
      rec.term_groups.push_back(
          s.intern_term_group(TermKind::kPreferredAffinity, w.weight, w.term, pod.ns));
    }
  }
  if (pod.pod_anti_affinity) {
    for (const auto& t : pod.pod_anti_affinity->required) {
      rec.term_groups.push_back(s.intern_term_group(TermKind::kRequiredAntiAffinity, 0, t, pod.ns));
    }
    for (const auto& w : pod.pod_anti_affinity->preferred) {
      rec.term_groups.push_back(
          s.intern_term_group(TermKind::kPreferredAntiAffinity, w.weight, w.term, pod.ns));
    }
  }
  s.attach_pod(id);
  ++s.live_pods;
  return id;
}

void ClusterSnapshot::remove_pod(PodId id) {
  Impl& s = *impl_;
  SIMCLUSTER_CHECK(id < s.pods.size() && s.pods[id].pod.live, "remove_pod({}) not live", id);
  if (id >= s.pods.size() || !s.pods[id].pod.live) return;
  s.detach_pod(id);
  PodRecord& rec = s.pods[id];
  rec.pod = SnapshotPod{};
  rec.term_groups.clear();
  rec.term_groups.shrink_to_fit();
  rec.label_class = kNoId;
  s.free_pod_ids.push_back(id);
  --s.live_pods;
}

void ClusterSnapshot::mark_terminating(PodId id) {
  Impl& s = *impl_;
  PodRecord& rec = s.pods[id];
  if (!rec.pod.live || rec.pod.terminating) return;
  s.count_pod(id, -1);
  rec.pod.terminating = true;
  s.count_pod(id, +1);
}

void ClusterSnapshot::set_pod_start_time(PodId id, SimTime start) {
  impl_->pods[id].pod.start_time = start;
}

const SnapshotPod& ClusterSnapshot::pod(PodId id) const { return impl_->pods[id].pod; }

const StringMap& ClusterSnapshot::pod_labels(PodId id) const {
  static const StringMap kEmpty;
  const PodRecord& rec = impl_->pods[id];
  return rec.label_class == kNoId ? kEmpty : impl_->classes[rec.label_class].labels;
}

size_t ClusterSnapshot::num_pods() const { return impl_->live_pods; }
uint64_t ClusterSnapshot::next_start_node_index() const { return impl_->next_start_node_index; }
void ClusterSnapshot::set_next_start_node_index(uint64_t index) {
  impl_->next_start_node_index = index;
}

size_t ClusterSnapshot::memory_bytes() const {
  const Impl& s = *impl_;
  size_t b = sizeof(Impl);
  b += s.nodes.capacity() * sizeof(NodeInfo) + s.hot.capacity() * sizeof(NodeHot) +
       s.recip.capacity() * sizeof(NodeRecip) + s.version.capacity() * sizeof(uint32_t);
  for (const auto& n : s.nodes) {
    b += string_bytes(n.name) + string_bytes(n.zone) + map_bytes(n.labels);
    b += n.taints.capacity() * sizeof(Taint) + n.pods.capacity() * sizeof(PodId);
    b += resources_bytes(n.allocatable) + resources_bytes(n.requested);
  }
  b += s.node_by_name.size() * (64 + sizeof(NodeId));
  b += s.zone_key_of_node.capacity() * sizeof(std::string) + s.order.capacity() * sizeof(NodeId);
  for (const auto& z : s.zones) b += sizeof(z) + z.second.capacity() * sizeof(NodeId);
  b += s.pods.capacity() * sizeof(PodRecord) + s.free_pod_ids.capacity() * sizeof(PodId);
  for (const auto& p : s.pods) {
    b += string_bytes(p.pod.name) + string_bytes(p.pod.ns) + resources_bytes(p.pod.requests);
    b += p.term_groups.capacity() * sizeof(uint32_t);
  }
  // Hash maps: ~ one node (key + value + next pointer + hash) per entry plus the buckets.
  auto node_counts = [](const std::unordered_map<NodeId, NodeCount>& m) {
    return m.size() * 32 + m.bucket_count() * sizeof(void*);
  };
  for (const auto& m : s.memos) b += sizeof(m) + m.by_node.capacity() * sizeof(uint64_t);
  b += s.memo_by_shape.size() * 112;
  b += s.classes.capacity() * sizeof(LabelClass);
  for (const auto& c : s.classes)
    b += string_bytes(c.ns) + map_bytes(c.labels) + node_counts(c.on_node);
  b += s.class_by_hash.size() * 32 + s.class_by_hash.bucket_count() * sizeof(void*);
  for (const auto& q : s.queries) b += sizeof(q) + q.classes.capacity() * sizeof(uint32_t) + 128;
  for (const auto& g : s.term_groups) b += sizeof(g) + 128 + node_counts(g.on_node);
  for (const auto& k : s.topology_keys) {
    b += sizeof(k) + k.value_of_node.capacity() * sizeof(int32_t);
    for (const auto& v : k.values) b += sizeof(v) + string_bytes(v) + 64;
  }
  return b;
}

std::string ClusterSnapshot::check_invariants(bool require_fit) const {
  const Impl& s = *impl_;
  for (NodeId n = 0; n < s.nodes.size(); ++n) {
    const NodeInfo& ni = s.nodes[n];
    if (!ni.live) {
      if (!ni.pods.empty()) return fmt::format("removed node {} still has pods", ni.name);
      continue;
    }
    Resources sum;
    int64_t nz_cpu = 0, nz_mem = 0;
    for (size_t i = 0; i < ni.pods.size(); ++i) {
      const PodRecord& rec = s.pods[ni.pods[i]];
      if (!rec.pod.live || rec.pod.node != n || rec.index_in_node != i) {
        return fmt::format("node {}: pod list entry {} is stale", ni.name, i);
      }
      sum += rec.pod.requests;
      nz_cpu += rec.pod.non_zero_cpu_milli;
      nz_mem += rec.pod.non_zero_memory;
    }
    Resources req = ni.requested;
    std::erase_if(req.extended, [](const auto& e) { return e.second == 0; });
    std::erase_if(sum.extended, [](const auto& e) { return e.second == 0; });
    if (!(req == sum) || nz_cpu != ni.non_zero_cpu_milli || nz_mem != ni.non_zero_memory) {
      return fmt::format("node {}: requested {}m/{} differs from the sum over pods {}m/{}", ni.name,
                         ni.requested.cpu_milli, ni.requested.memory, sum.cpu_milli, sum.memory);
    }
    const NodeHot& h = s.hot[n];
    if (h.req_cpu != req.cpu_milli || h.req_mem != req.memory || h.nz_cpu != nz_cpu ||
        h.nz_mem != nz_mem || h.pod_count != ni.pod_count() ||
        h.alloc_cpu != ni.allocatable.cpu_milli || h.alloc_mem != ni.allocatable.memory) {
      return fmt::format("node {}: flat copy out of date", ni.name);
    }
    if (require_fit && !req.fits_in(ni.allocatable)) {
      return fmt::format(
          "node {}: requests {}m cpu / {} memory / {} pods exceed allocatable "
          "{}m / {} / {}",
          ni.name, req.cpu_milli, req.memory, req.pods, ni.allocatable.cpu_milli,
          ni.allocatable.memory, ni.allocatable.pods);
    }
  }
  // Class counts must equal the pods.
  std::vector<int64_t> class_pods(s.classes.size(), 0);
  size_t live = 0;
  for (const auto& rec : s.pods) {
    if (!rec.pod.live) continue;
    ++live;
    ++class_pods[rec.label_class];
  }
  if (live != s.live_pods) return "live pod count out of date";
  for (size_t c = 0; c < s.classes.size(); ++c) {
    int64_t on_nodes = 0;
    for (const auto& [n, cnt] : s.classes[c].on_node) on_nodes += cnt.all;
    if (class_pods[c] != s.classes[c].pods ||
        (s.class_counts_enabled && on_nodes != s.classes[c].pods)) {
      return fmt::format("label class {} counts out of date", c);
    }
  }
  return {};
}

}  // namespace simcluster
