// One kube-scheduler scheduling cycle over a ClusterSnapshot.
// Mirrors k8s pkg/scheduler/schedule_one.go (schedulePod, findNodesThatFitPod,
// findNodesThatPassFilters, prioritizeNodes, selectHost) and the default-profile
// plugins under pkg/scheduler/framework/plugins/. See scheduler.h for the contract.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>
#include <set>
#include <span>

#include "sched/scoring.h"
#include "sched/snapshot.h"
#include "simcluster/scheduler.h"

namespace simcluster {

namespace {

// Filter reasons with a fixed text, as the plugins define them.
enum ReasonId : uint32_t {
  kReasonUnschedulable,  // nodeunschedulable ErrReasonUnschedulable
  kReasonNodeName,       // nodename ErrReason
  kReasonNodeAffinity,   // nodeaffinity ErrReasonPod
  kReasonTooManyPods,    // noderesources fit.go
  kReasonCpu,
  kReasonMemory,
  kReasonEphemeral,
  kReasonVolumeConflict,  // volumebinding ErrReasonNodeConflict
  kReasonSpread,          // podtopologyspread ErrReasonConstraintsNotMatch
  kReasonSpreadLabel,     // podtopologyspread ErrReasonNodeLabelNotMatch
  kReasonAffinity,        // interpodaffinity ErrReasonAffinityRulesNotMatch
  kReasonAntiAffinity,    // interpodaffinity ErrReasonAntiAffinityRulesNotMatch
  kReasonExistingAnti,    // interpodaffinity ErrReasonExistingAntiAffinityRulesNotMatch
  kReasonNoVictims,       // preemption SelectVictimsOnNode
  kReasonNotHelpful,      // preemption nodesWherePreemptionMightHelp
  kNumStaticReasons
};

constexpr std::string_view kReasonText[kNumStaticReasons] = {
    "node(s) were unschedulable",
    "node(s) didn't match the requested node name",
    "node(s) didn't match Pod's node affinity/selector",
    "Too many pods",
    "Insufficient cpu",
    "Insufficient memory",
    "Insufficient ephemeral-storage",
    "node(s) had volume node affinity conflict",
    "node(s) didn't match pod topology spread constraints",
    "node(s) didn't match pod topology spread constraints (missing required label)",
    "node(s) didn't match pod affinity rules",
    "node(s) didn't match pod anti-affinity rules",
    "node(s) didn't satisfy existing pods anti-affinity rules",
    "No preemption victims found for incoming pod",
    "Preemption is not helpful for scheduling",
};

constexpr uint8_t kCodeUnresolvable =
    static_cast<uint8_t>(FilterCode::kUnschedulableAndUnresolvable);

const std::string kHostname = "kubernetes.io/hostname";
const std::string kZone = "topology.kubernetes.io/zone";

// Which number of a node a configured scoring resource reads.
enum class ResKind : uint8_t { kCpu, kMemory, kEphemeral, kScalar };

struct ScoreResource {
  ResKind kind;
  std::string name;
  int64_t weight;
  int64_t pod_request;  // non-zero form for the fit scorer, raw for BalancedAllocation
};

struct ScalarRequest {
  std::string name;
  int64_t quantity;
  uint32_t reason;
};

struct SpreadFilterConstraint {
  int32_t key = 0;
  int64_t max_skew = 1;
  int64_t self_match = 0;
  int64_t min_match = 0;
  std::vector<int64_t> domain_count;  // by value id
};

struct KeyCounts {
  int32_t key = 0;
  std::vector<int64_t> by_value;
};

// The pod-dependent state of one cycle (CycleState): PreFilter results and the
// precomputed per-pod inputs of every filter.
class Cycle {
 public:
  Cycle(const PodInfo& pod, const ClusterSnapshot::Impl& s, const SchedulerConfig& cfg)
      : pod_(pod), s_(s), cfg_(cfg) {
    has_node_constraints_ =
        !pod.node_selector.empty() || (pod.node_affinity && !pod.node_affinity->required.empty());
    tolerates_unschedulable_ = tolerates_taint(
        pod.tolerations, Taint{"node.kubernetes.io/unschedulable", "", "NoSchedule"});
    req_cpu_ = pod.requests.cpu_milli;
    req_mem_ = pod.requests.memory;
    req_eph_ = pod.requests.ephemeral_storage;
    for (const auto& [name, q] : pod.requests.extended) {
      if (q == 0 || is_ignored(name)) continue;
      scalars_.push_back({name, q, intern_reason("Insufficient " + name)});
    }
    bool any_scalar = false;
    for (const auto& [name, q] : pod.requests.extended) any_scalar |= q != 0;
    req_empty_ = req_cpu_ == 0 && req_mem_ == 0 && req_eph_ == 0 && !any_scalar;
    prefilter();
  }

  // (Re)computes the PreFilter state that depends on other pods: topology spread
  // counts and inter-pod affinity counts. Run again after pods were detached.
  void prefilter() {
    prefilter_spread();
    prefilter_inter_pod_affinity();
  }

  // True when prefilter() depends on the pods bound in the snapshot.
  bool prefilter_depends_on_pods() const { return !spread_.empty() || affinity_active_; }

  // Runs the filters in the default-profile order; stops at the first failing plugin.
  FilterCode filter(NodeId n, std::vector<uint32_t>& reasons) {
    const NodeHot& h = s_.hot[n];
    // NodeUnschedulable
    if ((h.flags & kHotUnschedulable) && !tolerates_unschedulable_) {
      reasons.push_back(kReasonUnschedulable);
      return FilterCode::kUnschedulableAndUnresolvable;
    }
    const NodeInfo& ni = s_.nodes[n];
    // NodeName
    if (!pod_.node_name.empty() && pod_.node_name != ni.name) {
      reasons.push_back(kReasonNodeName);
      return FilterCode::kUnschedulableAndUnresolvable;
    }
    // TaintToleration: the first NoSchedule/NoExecute taint the pod does not tolerate.
    if (h.flags & kHotHardTaints) {
      for (const Taint& t : ni.taints) {
        if (t.effect != "NoSchedule" && t.effect != "NoExecute") continue;
        if (tolerates_taint(pod_.tolerations, t)) continue;
        reasons.push_back(taint_reason(t));
        return FilterCode::kUnschedulableAndUnresolvable;
      }
    }
    // NodeAffinity (+ nodeSelector)
    if (has_node_constraints_ && !node_matches_affinity(n)) {
      reasons.push_back(kReasonNodeAffinity);
      return FilterCode::kUnschedulableAndUnresolvable;
    }
    // NodeResourcesFit (fit.go fitsRequest)
    const size_t before = reasons.size();
    if (h.pod_count + 1 > h.alloc_pods) reasons.push_back(kReasonTooManyPods);
    if (!req_empty_) {
      if (req_cpu_ > 0 && req_cpu_ > h.alloc_cpu - h.req_cpu) reasons.push_back(kReasonCpu);
      if (req_mem_ > 0 && req_mem_ > h.alloc_mem - h.req_mem) reasons.push_back(kReasonMemory);
      if (req_eph_ > 0 &&
          req_eph_ > ni.allocatable.ephemeral_storage - ni.requested.ephemeral_storage) {
        reasons.push_back(kReasonEphemeral);
      }
      for (const ScalarRequest& r : scalars_) {
        auto a = ni.allocatable.extended.find(r.name);
        auto q = ni.requested.extended.find(r.name);
        const int64_t alloc = a == ni.allocatable.extended.end() ? 0 : a->second;
        const int64_t used = q == ni.requested.extended.end() ? 0 : q->second;
        if (r.quantity > alloc - used) reasons.push_back(r.reason);
      }
    }
    if (reasons.size() != before) return FilterCode::kUnschedulable;
    // VolumeBinding, simplified: PVCs bound in a zone pin the pod to it.
    if (!pod_.required_zone.empty() && ni.zone != pod_.required_zone) {
      reasons.push_back(kReasonVolumeConflict);
      return FilterCode::kUnschedulableAndUnresolvable;
    }
    // PodTopologySpread (filtering.go Filter)
    for (const SpreadFilterConstraint& c : spread_) {
      const int32_t v = s_.topology_keys[c.key].value_of_node[n];
      if (v < 0) {
        reasons.push_back(kReasonSpreadLabel);
        return FilterCode::kUnschedulableAndUnresolvable;
      }
      const int64_t match = static_cast<size_t>(v) < c.domain_count.size() ? c.domain_count[v] : 0;
      if (match + c.self_match - c.min_match > c.max_skew) {
        reasons.push_back(kReasonSpread);
        return FilterCode::kUnschedulable;
      }
    }
    // InterPodAffinity (filtering.go Filter)
    if (affinity_active_) {
      if (!satisfies_pod_affinity(n)) {
        reasons.push_back(kReasonAffinity);
        return FilterCode::kUnschedulableAndUnresolvable;
      }
      if (!anti_counts_empty_) {
        for (const KeyCounts& kc : anti_terms_) {
          const int32_t v = s_.topology_keys[kc.key].value_of_node[n];
          if (v >= 0 && static_cast<size_t>(v) < kc.by_value.size() && kc.by_value[v] > 0) {
            reasons.push_back(kReasonAntiAffinity);
            return FilterCode::kUnschedulable;
          }
        }
      }
      for (const KeyCounts& kc : existing_anti_) {
        const int32_t v = s_.topology_keys[kc.key].value_of_node[n];
        if (v >= 0 && static_cast<size_t>(v) < kc.by_value.size() && kc.by_value[v] > 0) {
          reasons.push_back(kReasonExistingAnti);
          return FilterCode::kUnschedulable;
        }
      }
    }
    for (const FilterPlugin* p : cfg_.extra_filters) {
      FilterStatus st = p->filter(pod_, ni);
      if (st.ok()) continue;
      for (const auto& r : st.reasons) reasons.push_back(intern_reason(r));
      return st.code;
    }
    return FilterCode::kSuccess;
  }

  const std::string& reason_text(uint32_t id) const {
    return dynamic_reasons_[id - kNumStaticReasons];
  }
  size_t num_reasons() const { return kNumStaticReasons + dynamic_reasons_.size(); }

  uint32_t intern_reason(std::string text) {
    for (size_t i = 0; i < dynamic_reasons_.size(); ++i) {
      if (dynamic_reasons_[i] == text) return static_cast<uint32_t>(kNumStaticReasons + i);
    }
    dynamic_reasons_.push_back(std::move(text));
    return static_cast<uint32_t>(kNumStaticReasons + dynamic_reasons_.size() - 1);
  }

  std::string reason_string(uint32_t id) const {
    return id < kNumStaticReasons ? std::string(kReasonText[id]) : reason_text(id);
  }

  bool has_node_constraints() const { return has_node_constraints_; }

  // True when only resources and the node flags can reject the pod: the schedule loop
  // then checks the flat copy inline and calls filter() only for nodes that fail
  // (to collect their reasons) or carry taints / the unschedulable flag.
  bool resources_only() const {
    return pod_.node_name.empty() && !has_node_constraints_ && pod_.required_zone.empty() &&
           spread_.empty() && !affinity_active_ && scalars_.empty() && req_eph_ == 0 &&
           cfg_.extra_filters.empty();
  }
  // The inline check of resources_only() pods. Mirrors fitsRequest for cpu, memory and
  // the pod count (a pod asking for ephemeral storage or extended resources is not
  // resources_only()).
  bool fits_fast(const NodeHot& h) const {
    return (h.flags & (kHotUnschedulable | kHotHardTaints)) == 0 && h.pod_count < h.alloc_pods &&
           req_cpu_ <= h.alloc_cpu - h.req_cpu && req_mem_ <= h.alloc_mem - h.req_mem;
  }

  // Fills scratch.node_ok for every live node (nodeAffinityPolicy: Honor).
  void compute_node_ok() {
    if (node_ok_ready_) return;
    auto& ok = s_.scratch.node_ok;
    ok.assign(s_.nodes.size(), 0);
    for (NodeId n : s_.node_list()) {
      ok[n] = matches_node_selector_and_affinity(pod_, s_.nodes[n].labels, s_.nodes[n].name);
    }
    node_ok_ready_ = true;
  }

 private:
  bool is_ignored(const std::string& name) const {
    // v1helper.IsExtendedResourceName: has a '/', not in the kubernetes.io/ namespace.
    const auto slash = name.find('/');
    if (slash == std::string::npos) return false;
    if (name.starts_with("kubernetes.io/") || name.find(".kubernetes.io/") != std::string::npos) {
      return false;
    }
    for (const auto& r : cfg_.ignored_resources) {
      if (r == name) return true;
    }
    const std::string_view group(name.data(), slash);
    for (const auto& g : cfg_.ignored_resource_groups) {
      if (g == group) return true;
    }
    return false;
  }

  bool node_matches_affinity(NodeId n) const {
    if (node_ok_ready_) return s_.scratch.node_ok[n] != 0;
    return matches_node_selector_and_affinity(pod_, s_.nodes[n].labels, s_.nodes[n].name);
  }

  uint32_t taint_reason(const Taint& t) {
    for (const auto& [key, value, id] : taint_reasons_) {
      if (key == t.key && value == t.value) return id;
    }
    const uint32_t id =
        intern_reason(fmt::format("node(s) had untolerated taint {{{}: {}}}", t.key, t.value));
    taint_reasons_.push_back({t.key, t.value, id});
    return id;
  }

  // Fills scratch.node_match with the number of pods matching (namespaces, selector) on
  // each node (active = excluding terminating pods); scratch.touched lists the entries.
  void count_matching(const std::vector<std::string>& namespaces, const LabelSelector& selector,
                      bool active) {
    auto& m = s_.scratch.node_match;
    if (m.size() < s_.nodes.size()) m.resize(s_.nodes.size(), 0);
    for (uint32_t c : s_.matching_classes(namespaces, selector)) {
      for (const auto& [node, cnt] : s_.classes[c].on_node) {
        const int32_t k = active ? cnt.active : cnt.all;
        if (k == 0) continue;
        if (m[node] == 0) s_.scratch.touched.push_back(node);
        m[node] += k;
      }
    }
  }
  void clear_matching() {
    for (NodeId n : s_.scratch.touched) s_.scratch.node_match[n] = 0;
    s_.scratch.touched.clear();
  }

  // Adds the active pods matching (namespaces, selector) per value of `key` into
  // by_value: from the per-class domain counts for keys with few values (zones), from
  // the per-class node counts for keys with many (hostname).
  void add_domain_counts(const std::vector<std::string>& namespaces, const LabelSelector& selector,
                         int32_t key, std::vector<int64_t>& by_value) const {
    const TopologyKeyIndex& idx = s_.topology_keys[key];
    const bool few_values = idx.values.size() <= 256;
    for (uint32_t c : s_.matching_classes(namespaces, selector)) {
      if (few_values) {
        const auto& d = s_.class_domain_counts(c, key);
        for (size_t v = 0; v < d.size() && v < by_value.size(); ++v) by_value[v] += d[v];
      } else {
        for (const auto& [node, cnt] : s_.classes[c].on_node) {
          const int32_t v = idx.value_of_node[node];
          if (v >= 0 && cnt.active != 0) by_value[v] += cnt.active;
        }
      }
    }
  }

  // Mirrors k8s podtopologyspread/filtering.go calPreFilterState: for the DoNotSchedule
  // constraints, matching pods per domain over the nodes that have every constraint key
  // and pass the pod's required node affinity; the global minimum per constraint.
  void prefilter_spread() {
    spread_.clear();
    std::vector<const TopologySpreadConstraint*> hard;
    for (const auto& c : pod_.topology_spread_constraints) {
      if (c.when_unsatisfiable != "ScheduleAnyway") hard.push_back(&c);
    }
    if (hard.empty()) return;
    if (has_node_constraints_) compute_node_ok();
    std::vector<int32_t> keys;
    for (const auto* c : hard) keys.push_back(s_.topology_key(c->topology_key));
    const auto& list = s_.node_list();
    const std::vector<std::string> ns{pod_.ns};
    // Without node affinity and with every node carrying every key, each node is counted:
    // the domain sums come from the incremental per-class counts instead of a node scan.
    bool every_node = !has_node_constraints_;
    for (int32_t k : keys) {
      every_node &= s_.topology_keys[k].nodes_with_key == static_cast<int64_t>(s_.live_nodes);
    }
    for (size_t i = 0; i < hard.size(); ++i) {
      const TopologySpreadConstraint& c = *hard[i];
      SpreadFilterConstraint sc;
      sc.key = keys[i];
      sc.max_skew = c.max_skew;
      sc.self_match = selector_matches(c.label_selector, pod_.labels) ? 1 : 0;
      const TopologyKeyIndex& idx = s_.topology_keys[sc.key];
      sc.domain_count.assign(idx.values.size(), 0);
      std::vector<uint8_t> present(idx.values.size(), 0);
      // countPodsMatchSelector: an empty selector counts nothing.
      const bool counts = !c.label_selector.is_empty();
      if (every_node) {
        for (size_t v = 0; v < present.size(); ++v) present[v] = idx.nodes_per_value[v] > 0;
        if (counts) add_domain_counts(ns, c.label_selector, sc.key, sc.domain_count);
      } else {
        if (counts) count_matching(ns, c.label_selector, /*active=*/true);
        for (NodeId n : list) {
          if (has_node_constraints_ && !s_.scratch.node_ok[n]) continue;
          bool all_keys = true;
          for (int32_t k : keys) all_keys &= s_.topology_keys[k].value_of_node[n] >= 0;
          if (!all_keys) continue;
          const int32_t v = idx.value_of_node[n];
          present[v] = 1;
          if (counts) sc.domain_count[v] += s_.scratch.node_match[n];
        }
        if (counts) clear_matching();
      }
      int64_t domains = 0;
      int64_t mn = std::numeric_limits<int32_t>::max();
      for (size_t v = 0; v < present.size(); ++v) {
        if (!present[v]) continue;
        ++domains;
        mn = std::min(mn, sc.domain_count[v]);
      }
      if (c.min_domains && domains < *c.min_domains) mn = 0;
      sc.min_match = mn;
      spread_.push_back(std::move(sc));
    }
  }

  // Mirrors k8s interpodaffinity/filtering.go PreFilter: existingAntiAffinityCounts,
  // affinityCounts, antiAffinityCounts keyed by (topology key, value).
  void prefilter_inter_pod_affinity() {
    existing_anti_.clear();
    affinity_terms_.clear();
    anti_terms_.clear();
    affinity_counts_empty_ = true;
    anti_counts_empty_ = true;
    const bool has_affinity = pod_.pod_affinity && !pod_.pod_affinity->required.empty();
    const bool has_anti = pod_.pod_anti_affinity && !pod_.pod_anti_affinity->required.empty();
    affinity_active_ = has_affinity || has_anti || s_.pods_with_required_anti_affinity > 0;
    if (!affinity_active_) return;
    auto key_counts = [&](std::vector<KeyCounts>& v, int32_t key) -> KeyCounts& {
      for (auto& kc : v) {
        if (kc.key == key) return kc;
      }
      v.push_back({key, std::vector<int64_t>(s_.topology_keys[key].values.size(), 0)});
      return v.back();
    };
    // Existing pods whose required anti-affinity terms match the incoming pod.
    if (s_.pods_with_required_anti_affinity > 0) {
      for (const TermGroup& g : s_.term_groups) {
        if (g.kind != TermKind::kRequiredAntiAffinity || g.pods == 0) continue;
        if (!term_matches(g.namespaces, g.selector, pod_.ns, pod_.labels)) continue;
        const int32_t key = s_.topology_key(g.topology_key);
        KeyCounts& kc = key_counts(existing_anti_, key);
        const auto& vals = s_.topology_keys[key].value_of_node;
        for (const auto& [node, cnt] : g.on_node) {
          if (vals[node] >= 0) kc.by_value[vals[node]] += cnt.all;
        }
      }
    }
    // Incoming pod's required affinity: pods matching ALL terms count for every term.
    if (has_affinity) {
      const auto& terms = pod_.pod_affinity->required;
      std::vector<uint32_t> classes;
      self_matches_all_ = true;
      for (size_t i = 0; i < terms.size(); ++i) {
        const auto ns = term_namespaces(terms[i], pod_.ns);
        const auto& m = s_.matching_classes(ns, terms[i].label_selector);
        if (i == 0) {
          classes = m;
        } else {
          std::vector<uint32_t> both;
          std::set_intersection(classes.begin(), classes.end(), m.begin(), m.end(),
                                std::back_inserter(both));
          classes = std::move(both);
        }
        self_matches_all_ &= term_matches(ns, terms[i].label_selector, pod_.ns, pod_.labels);
      }
      for (const auto& t : terms) {
        const int32_t key = s_.topology_key(t.topology_key);
        affinity_terms_.push_back(
            {key, std::vector<int64_t>(s_.topology_keys[key].values.size(), 0)});
      }
      for (uint32_t c : classes) {
        for (const auto& [node, cnt] : s_.classes[c].on_node) {
          if (cnt.all == 0) continue;
          for (KeyCounts& kc : affinity_terms_) {
            const int32_t v = s_.topology_keys[kc.key].value_of_node[node];
            if (v < 0) continue;
            kc.by_value[v] += cnt.all;
            affinity_counts_empty_ = false;
          }
        }
      }
    }
    if (has_anti) {
      for (const auto& t : pod_.pod_anti_affinity->required) {
        const int32_t key = s_.topology_key(t.topology_key);
        KeyCounts kc{key, std::vector<int64_t>(s_.topology_keys[key].values.size(), 0)};
        const auto ns = term_namespaces(t, pod_.ns);
        for (uint32_t c : s_.matching_classes(ns, t.label_selector)) {
          for (const auto& [node, cnt] : s_.classes[c].on_node) {
            const int32_t v = s_.topology_keys[key].value_of_node[node];
            if (v < 0 || cnt.all == 0) continue;
            kc.by_value[v] += cnt.all;
            anti_counts_empty_ = false;
          }
        }
        anti_terms_.push_back(std::move(kc));
      }
    }
  }

  // filtering.go satisfyPodAffinity, including the "first pod of a self-affine series"
  // exception.
  bool satisfies_pod_affinity(NodeId n) const {
    if (affinity_terms_.empty()) return true;
    bool pods_exist = true;
    for (const KeyCounts& kc : affinity_terms_) {
      const int32_t v = s_.topology_keys[kc.key].value_of_node[n];
      if (v < 0) return false;
      if (static_cast<size_t>(v) >= kc.by_value.size() || kc.by_value[v] <= 0) pods_exist = false;
    }
    if (!pods_exist) return affinity_counts_empty_ && self_matches_all_;
    return true;
  }

  const PodInfo& pod_;
  const ClusterSnapshot::Impl& s_;
  const SchedulerConfig& cfg_;
  bool has_node_constraints_ = false;
  bool node_ok_ready_ = false;
  bool tolerates_unschedulable_ = false;
  int64_t req_cpu_ = 0, req_mem_ = 0, req_eph_ = 0;
  bool req_empty_ = true;
  std::vector<ScalarRequest> scalars_;
  std::vector<SpreadFilterConstraint> spread_;
  bool affinity_active_ = false;
  std::vector<KeyCounts> existing_anti_;
  std::vector<KeyCounts> affinity_terms_;
  bool affinity_counts_empty_ = true;
  bool self_matches_all_ = false;
  std::vector<KeyCounts> anti_terms_;
  bool anti_counts_empty_ = true;
  std::vector<std::string> dynamic_reasons_;
  std::vector<std::tuple<std::string, std::string, uint32_t>> taint_reasons_;
};

// ---------------------------------------------------------------- scoring

std::vector<ScoreResource> resolve_resources(const std::vector<ResourceWeight>& rs,
                                             const Resources& pod_request) {
  std::vector<ScoreResource> out;
  out.reserve(rs.size());
  for (const auto& r : rs) {
    ScoreResource x;
    x.name = r.name;
    x.weight = r.weight == 0 ? 1 : r.weight;
    if (r.name == "cpu") {
      x.kind = ResKind::kCpu;
      x.pod_request = pod_request.cpu_milli;
    } else if (r.name == "memory") {
      x.kind = ResKind::kMemory;
      x.pod_request = pod_request.memory;
    } else if (r.name == "ephemeral-storage") {
      x.kind = ResKind::kEphemeral;
      x.pod_request = pod_request.ephemeral_storage;
    } else {
      x.kind = ResKind::kScalar;
      auto it = pod_request.extended.find(r.name);
      x.pod_request = it == pod_request.extended.end() ? 0 : it->second;
    }
    out.push_back(std::move(x));
  }
  return out;
}

// Mirrors k8s noderesources/resource_allocation.go calculateResourceAllocatableRequest:
// (allocatable, requested including the pod), or (0, 0) to skip the resource.
inline void alloc_request(const ScoreResource& r, const NodeHot& h, const NodeInfo& ni,
                          bool use_requested, int64_t& alloc, int64_t& req) {
  switch (r.kind) {
    case ResKind::kCpu:
      alloc = h.alloc_cpu;
      req = (use_requested ? h.req_cpu : h.nz_cpu) + r.pod_request;
      return;
    case ResKind::kMemory:
      alloc = h.alloc_mem;
      req = (use_requested ? h.req_mem : h.nz_mem) + r.pod_request;
      return;
    case ResKind::kEphemeral:
      alloc = ni.allocatable.ephemeral_storage;
      req = ni.requested.ephemeral_storage + r.pod_request;
      return;
    case ResKind::kScalar: {
      alloc = 0;
      req = 0;
      if (r.pod_request == 0) return;  // a scalar the pod does not request is skipped
      auto a = ni.allocatable.extended.find(r.name);
      if (a == ni.allocatable.extended.end()) return;
      auto q = ni.requested.extended.find(r.name);
      alloc = a->second;
      req = (q == ni.requested.extended.end() ? 0 : q->second) + r.pod_request;
      return;
    }
  }
}

struct ResourceArrays {
  static constexpr size_t kInline = 8;
  int64_t req_inline[kInline], alloc_inline[kInline], w_inline[kInline];
  std::vector<int64_t> req_v, alloc_v, w_v;
  std::span<int64_t> req, alloc, w;
  explicit ResourceArrays(size_t n) {
    if (n <= kInline) {
      req = {req_inline, n};
      alloc = {alloc_inline, n};
      w = {w_inline, n};
    } else {
      req_v.resize(n);
      alloc_v.resize(n);
      w_v.resize(n);
      req = req_v;
      alloc = alloc_v;
      w = w_v;
    }
  }
};

// least_allocated.go leastRequestedScore: (capacity - requested) * 100 / capacity, the
// quotient estimated with the precomputed reciprocal and corrected to the exact integer.
inline int64_t least_requested(int64_t requested, int64_t capacity, double recip) {
  if (requested > capacity) return 0;
  const int64_t num = (capacity - requested) * kMaxNodeScore;
  if (num >= (int64_t{1} << 52)) return num / capacity;
  auto q = static_cast<int64_t>(static_cast<double>(num) * recip);
  while (q * capacity > num) --q;
  while ((q + 1) * capacity <= num) ++q;
  return q;
}

// balanced_allocation.go for cpu + memory, exactly as float64 computes it:
// fractions min(req / alloc, 1), std = |f0 - f1| / 2, int64((1 - std) * 100).
inline int64_t balanced_two_exact(int64_t rc, int64_t ac, int64_t rm, int64_t am) {
  double f[2];
  int n = 0;
  if (ac != 0) f[n++] = std::min(1.0, static_cast<double>(rc) / static_cast<double>(ac));
  if (am != 0) f[n++] = std::min(1.0, static_cast<double>(rm) / static_cast<double>(am));
  const double sd = n == 2 ? std::abs((f[0] - f[1]) / 2) : 0.0;
  return static_cast<int64_t>((1 - sd) * static_cast<double>(kMaxNodeScore));
}

// The same with the reciprocals: the estimate is within ~1e-13 of the exact value, so its
// truncation is exact unless the value lies within 1e-9 of an integer; then the divisions
// are done for real.
inline int64_t balanced_two(int64_t rc, int64_t ac, double ic, int64_t rm, int64_t am, double im) {
  if (ac == 0 || am == 0) return balanced_two_exact(rc, ac, rm, am);
  const double f0 = std::min(1.0, static_cast<double>(rc) * ic);
  const double f1 = std::min(1.0, static_cast<double>(rm) * im);
  const double v = (1 - std::abs((f0 - f1) / 2)) * static_cast<double>(kMaxNodeScore);
  const auto t = static_cast<int64_t>(v);  // v >= 50: truncation is floor
  const double frac = v - static_cast<double>(t);
  if (frac < 1e-9 || frac > 1 - 1e-9) return balanced_two_exact(rc, ac, rm, am);
  return t;
}

// The default profile's two resource scores (LeastAllocated and BalancedAllocation over
// cpu and memory) from the flat copy, fused so the schedule loop can score a node while
// it is in cache. Same arithmetic as score_fit + score_balanced.
class DefaultResourceScorer {
 public:
  // False when the configuration is not cpu + memory LeastAllocated / BalancedAllocation.
  static bool applies(const SchedulerConfig& cfg) {
    const auto& fr = cfg.scoring_resources;
    const auto& br = cfg.balanced_resources;
    return cfg.scoring_strategy == ScoringStrategy::kLeastAllocated && fr.size() == 2 &&
           fr[0].name == "cpu" && fr[1].name == "memory" && br.size() == 2 && br[0].name == "cpu" &&
           br[1].name == "memory";
  }

  DefaultResourceScorer(const PodInfo& pod, const SchedulerConfig& cfg)
      : wf_(cfg.weights.node_resources_fit),
        wb_(cfg.weights.balanced_allocation),
        wc_(cfg.scoring_resources[0].weight == 0 ? 1 : cfg.scoring_resources[0].weight),
        wm_(cfg.scoring_resources[1].weight == 0 ? 1 : cfg.scoring_resources[1].weight),
        nzc_(pod.non_zero_requests.cpu_milli),
        nzm_(pod.non_zero_requests.memory),
        rc_(pod.requests.cpu_milli),
        rm_(pod.requests.memory),
        // BalancedAllocation PreScore skips best-effort pods.
        balanced_(wb_ != 0 && (rc_ != 0 || rm_ != 0)) {}

  int64_t operator()(const NodeHot& h, const NodeRecip& r) const {
    int64_t total = 0;
    if (wf_ != 0) {
      int64_t score = 0, wsum = 0;
      if (h.alloc_cpu != 0) {
        score += least_requested(h.nz_cpu + nzc_, h.alloc_cpu, r.cpu) * wc_;
        wsum += wc_;
      }
      if (h.alloc_mem != 0) {
        score += least_requested(h.nz_mem + nzm_, h.alloc_mem, r.mem) * wm_;
        wsum += wm_;
      }
      if (wsum == 2) {
        total += (score >> 1) * wf_;  // score >= 0
      } else if (wsum != 0) {
        total += score / wsum * wf_;
      }
    }
    if (balanced_) {
      total +=
          balanced_two(h.req_cpu + rc_, h.alloc_cpu, r.cpu, h.req_mem + rm_, h.alloc_mem, r.mem) *
          wb_;
    }
    return total;
  }

  // fits_fast for a pod of this shape (Cycle::fits_fast with the same requests).
  bool fits(const NodeHot& h) const {
    return (h.flags & (kHotUnschedulable | kHotHardTaints)) == 0 && h.pod_count < h.alloc_pods &&
           rc_ <= h.alloc_cpu - h.req_cpu && rm_ <= h.alloc_mem - h.req_mem;
  }

  // What the score depends on besides the node: the memo key.
  std::array<int64_t, 8> shape() const { return {wf_, wb_, wc_, wm_, nzc_, nzm_, rc_, rm_}; }

 private:
  int64_t wf_, wb_, wc_, wm_, nzc_, nzm_, rc_, rm_;
  bool balanced_;
};

// The memo of `scorer`'s shape, created (or recycled, least recently used first) on
// demand and sized to the snapshot's nodes; nullptr when scores could not be packed.
std::vector<uint64_t>* score_memo(const ClusterSnapshot::Impl& s,
                                  const DefaultResourceScorer& scorer) {
  const auto key = scorer.shape();
  if ((key[0] + key[1]) * kMaxNodeScore >= (int64_t{1} << 31)) return nullptr;
  auto it = s.memo_by_shape.find(key);
  uint32_t id;
  if (it != s.memo_by_shape.end()) {
    id = it->second;
  } else if (s.memos.size() < kMaxScoreMemos) {
    id = static_cast<uint32_t>(s.memos.size());
    s.memos.emplace_back();
    s.memo_by_shape.emplace(key, id);
  } else {
    id = 0;
    for (uint32_t i = 1; i < s.memos.size(); ++i) {
      if (s.memos[i].last_used < s.memos[id].last_used) id = i;
    }
    std::erase_if(s.memo_by_shape, [&](const auto& e) { return e.second == id; });
    s.memos[id].by_node.assign(s.memos[id].by_node.size(), 0);
    s.memo_by_shape.emplace(key, id);
  }
  ScoreMemo& m = s.memos[id];
  m.last_used = ++s.memo_clock;
  if (m.by_node.size() < s.hot.size()) m.by_node.resize(s.hot.size(), 0);
  return &m.by_node;
}

inline constexpr uint64_t kMemoFits = uint64_t{1} << 31;
inline constexpr uint64_t kMemoScore = kMemoFits - 1;

// The memo entry of node n at version v, computed and stored: version << 32, the fits bit
// (fits_fast's answer for the shape, which depends on the shape's cpu/memory requests and
// the node only) and the score. Out of line: the loops that call it only on a miss stay
// small.
[[gnu::noinline]] uint64_t refresh_memo(uint64_t* memo, const ClusterSnapshot::Impl& s, NodeId n,
                                        uint32_t v, const DefaultResourceScorer& scorer) {
  const NodeHot& h = s.hot[n];
  const uint64_t e = (static_cast<uint64_t>(v) << 32) | (scorer.fits(h) ? kMemoFits : 0) |
                     static_cast<uint64_t>(scorer(h, s.recip[n]));
  memo[n] = e;
  return e;
}

// The memo entry of node n, refreshed when the node changed since it was stored.
inline uint64_t memo_entry(std::vector<uint64_t>& memo, const ClusterSnapshot::Impl& s, NodeId n,
                           const DefaultResourceScorer& scorer) {
  const uint64_t e = memo[n];
  const uint32_t v = s.version[n];
  return (e >> 32) == v ? e : refresh_memo(memo.data(), s, n, v, scorer);
}

// The score of node n through the memo, for pods that went through the full filter.
inline int64_t memo_score(std::vector<uint64_t>& memo, const ClusterSnapshot::Impl& s, NodeId n,
                          const DefaultResourceScorer& scorer) {
  return static_cast<int64_t>(memo_entry(memo, s, n, scorer) & kMemoScore);
}

// NodeResourcesFit Score for every feasible node, added with its weight into totals.
void score_fit(const PodInfo& pod, const ClusterSnapshot::Impl& s, const SchedulerConfig& cfg,
               std::span<const NodeId> feasible, std::span<int64_t> totals) {
  const int64_t weight = cfg.weights.node_resources_fit;
  if (weight == 0) return;
  const auto res = resolve_resources(cfg.scoring_resources, pod.non_zero_requests);
  // Fast path: the default cpu + memory LeastAllocated profile, straight from the flat copy.
  if (cfg.scoring_strategy == ScoringStrategy::kLeastAllocated && res.size() == 2 &&
      res[0].kind == ResKind::kCpu && res[1].kind == ResKind::kMemory) {
    const int64_t wc = res[0].weight, wm = res[1].weight;
    const int64_t pc = res[0].pod_request, pm = res[1].pod_request;
    for (size_t i = 0; i < feasible.size(); ++i) {
      const NodeHot& h = s.hot[feasible[i]];
      int64_t score = 0, wsum = 0;
      if (h.alloc_cpu != 0) {
        const int64_t r = h.nz_cpu + pc;
        score += (r > h.alloc_cpu ? 0 : (h.alloc_cpu - r) * kMaxNodeScore / h.alloc_cpu) * wc;
        wsum += wc;
      }
      if (h.alloc_mem != 0) {
        const int64_t r = h.nz_mem + pm;
        score += (r > h.alloc_mem ? 0 : (h.alloc_mem - r) * kMaxNodeScore / h.alloc_mem) * wm;
        wsum += wm;
      }
      totals[i] += (wsum == 0 ? 0 : score / wsum) * weight;
    }
    return;
  }
  ResourceArrays a(res.size());
  for (size_t r = 0; r < res.size(); ++r) a.w[r] = res[r].weight;
  for (size_t i = 0; i < feasible.size(); ++i) {
    const NodeId n = feasible[i];
    for (size_t r = 0; r < res.size(); ++r) {
      alloc_request(res[r], s.hot[n], s.nodes[n], false, a.alloc[r], a.req[r]);
    }
    int64_t score = 0;
    switch (cfg.scoring_strategy) {
      case ScoringStrategy::kLeastAllocated:
        score = least_allocated_score(a.req, a.alloc, a.w);
        break;
      case ScoringStrategy::kMostAllocated:
        score = most_allocated_score(a.req, a.alloc, a.w);
        break;
      case ScoringStrategy::kRequestedToCapacityRatio:
        score = requested_to_capacity_ratio_score(a.req, a.alloc, a.w, cfg.shape);
        break;
    }
    totals[i] += score * weight;
  }
}

// NodeResourcesBalancedAllocation: raw requests; skipped for a best-effort pod.
void score_balanced(const PodInfo& pod, const ClusterSnapshot::Impl& s, const SchedulerConfig& cfg,
                    std::span<const NodeId> feasible, std::span<int64_t> totals) {
  const int64_t weight = cfg.weights.balanced_allocation;
  if (weight == 0) return;
  const auto res = resolve_resources(cfg.balanced_resources, pod.requests);
  bool best_effort = true;
  for (const auto& r : res) best_effort &= r.pod_request == 0;
  if (best_effort) return;  // PreScore: Skip
  ResourceArrays a(res.size());
  for (size_t i = 0; i < feasible.size(); ++i) {
    const NodeId n = feasible[i];
    for (size_t r = 0; r < res.size(); ++r) {
      alloc_request(res[r], s.hot[n], s.nodes[n], true, a.alloc[r], a.req[r]);
    }
    totals[i] += balanced_allocation_score(a.req, a.alloc) * weight;
  }
}

// TaintToleration Score: untolerated PreferNoSchedule taints, normalised in reverse.
void score_taints(const PodInfo& pod, const ClusterSnapshot::Impl& s, const SchedulerConfig& cfg,
                  std::span<const NodeId> feasible, std::span<int64_t> totals,
                  std::vector<int64_t>& scratch) {
  const int64_t weight = cfg.weights.taint_toleration;
  if (weight == 0) return;
  if (s.prefer_no_schedule_taints == 0) {  // every raw score 0 -> every node 100
    for (auto& t : totals) t += kMaxNodeScore * weight;
    return;
  }
  std::vector<Toleration> prefer;
  for (const auto& t : pod.tolerations) {
    if (t.effect.empty() || t.effect == "PreferNoSchedule") prefer.push_back(t);
  }
  scratch.assign(feasible.size(), 0);
  for (size_t i = 0; i < feasible.size(); ++i) {
    const NodeInfo& ni = s.nodes[feasible[i]];
    if (ni.prefer_no_schedule_taints == 0) continue;
    for (const Taint& t : ni.taints) {
      if (t.effect == "PreferNoSchedule" && !tolerates_taint(prefer, t)) ++scratch[i];
    }
  }
  default_normalize_score(scratch, /*reverse=*/true);
  for (size_t i = 0; i < feasible.size(); ++i) totals[i] += scratch[i] * weight;
}

// NodeAffinity Score: the weights of the preferred terms a node matches.
void score_node_affinity(const PodInfo& pod, const ClusterSnapshot::Impl& s,
                         const SchedulerConfig& cfg, std::span<const NodeId> feasible,
                         std::span<int64_t> totals, std::vector<int64_t>& scratch) {
  const int64_t weight = cfg.weights.node_affinity;
  if (weight == 0 || !pod.node_affinity || pod.node_affinity->preferred.empty()) return;
  scratch.assign(feasible.size(), 0);
  for (size_t i = 0; i < feasible.size(); ++i) {
    const NodeInfo& ni = s.nodes[feasible[i]];
    for (const auto& p : pod.node_affinity->preferred) {
      if (p.weight != 0 && node_selector_term_matches(p.preference, ni.labels, ni.name)) {
        scratch[i] += p.weight;
      }
    }
  }
  default_normalize_score(scratch, /*reverse=*/false);
  for (size_t i = 0; i < feasible.size(); ++i) totals[i] += scratch[i] * weight;
}

// Mirrors k8s podtopologyspread/scoring.go (PreScore, Score, NormalizeScore).
void score_spread(const PodInfo& pod, const ClusterSnapshot::Impl& s, const SchedulerConfig& cfg,
                  Cycle& cycle, std::span<const NodeId> feasible, std::span<int64_t> totals) {
  const int64_t weight = cfg.weights.pod_topology_spread;
  if (weight == 0) return;
  struct Soft {
    std::string key;
    int64_t max_skew;
    const LabelSelector* selector;
  };
  std::vector<Soft> cs;
  const bool explicit_constraints = !pod.topology_spread_constraints.empty();
  if (explicit_constraints) {
    for (const auto& c : pod.topology_spread_constraints) {
      if (c.when_unsatisfiable == "ScheduleAnyway") {
        cs.push_back({c.topology_key, c.max_skew, &c.label_selector});
      }
    }
  } else if (cfg.system_default_spreading && !pod.default_spread_selector.is_empty()) {
    cs.push_back({kHostname, 3, &pod.default_spread_selector});
    cs.push_back({kZone, 5, &pod.default_spread_selector});
  }
  if (cs.empty()) return;  // PreScore: Skip
  const bool require_all = explicit_constraints;
  if (cycle.has_node_constraints()) cycle.compute_node_ok();
  std::vector<int32_t> keys;
  for (const auto& c : cs) keys.push_back(s.topology_key(c.key));
  auto has_all_keys = [&](NodeId n) {
    for (int32_t k : keys) {
      if (s.topology_keys[k].value_of_node[n] < 0) return false;
    }
    return true;
  };
  const size_t f = feasible.size();
  std::vector<uint8_t> ignored(f, 0);
  int64_t num_ignored = 0;
  if (require_all) {
    for (size_t i = 0; i < f; ++i) {
      if (!has_all_keys(feasible[i])) {
        ignored[i] = 1;
        ++num_ignored;
      }
    }
  }
  std::vector<double>& raw = s.scratch.plugin_f;
  raw.assign(f, 0.0);
  auto& match = s.scratch.node_match;
  if (match.size() < s.nodes.size()) match.resize(s.nodes.size(), 0);
  const std::vector<std::string> ns{pod.ns};
  for (size_t ci = 0; ci < cs.size(); ++ci) {
    const TopologyKeyIndex& idx = s.topology_keys[keys[ci]];
    const bool hostname = cs[ci].key == kHostname;
    // Domains among the feasible, non-ignored nodes (a missing label is the "" domain).
    std::vector<uint8_t> seen(idx.values.size(), 0);
    int64_t size = 0;
    for (size_t i = 0; i < f; ++i) {
      if (ignored[i]) continue;
      const int32_t v = std::max(idx.value_of_node[feasible[i]], 0);
      if (!seen[v]) {
        seen[v] = 1;
        ++size;
      }
    }
    if (hostname) size = static_cast<int64_t>(f) - num_ignored;
    const double tp_weight = std::log(static_cast<double>(size + 2));
    // Matching pods per node (countPodsMatchSelector: empty selector counts nothing).
    if (!cs[ci].selector->is_empty()) {
      for (uint32_t c : s.matching_classes(ns, *cs[ci].selector)) {
        for (const auto& [node, cnt] : s.classes[c].on_node) {
          if (cnt.active == 0) continue;
          if (match[node] == 0) s.scratch.touched.push_back(node);
          match[node] += cnt.active;
        }
      }
    }
    std::vector<int64_t> domain(hostname ? 0 : idx.values.size(), 0);
    if (!hostname) {
      for (NodeId n : s.scratch.touched) {
        if (cycle.has_node_constraints() && !s.scratch.node_ok[n]) continue;
        if (require_all && !has_all_keys(n)) continue;
        const int32_t v = idx.value_of_node[n];
        if (v < 0 || !seen[v]) continue;
        domain[v] += match[n];
      }
    }
    for (size_t i = 0; i < f; ++i) {
      if (ignored[i]) continue;
      const int32_t v = idx.value_of_node[feasible[i]];
      if (v < 0) continue;
      const int64_t cnt = hostname ? match[feasible[i]] : domain[v];
      raw[i] += static_cast<double>(cnt) * tp_weight + static_cast<double>(cs[ci].max_skew - 1);
    }
    for (NodeId n : s.scratch.touched) match[n] = 0;
    s.scratch.touched.clear();
  }
  std::vector<int64_t>& sc = s.scratch.plugin;
  sc.assign(f, 0);
  int64_t mn = std::numeric_limits<int64_t>::max(), mx = 0;
  for (size_t i = 0; i < f; ++i) {
    sc[i] = static_cast<int64_t>(std::round(raw[i]));
    if (ignored[i]) continue;
    mn = std::min(mn, sc[i]);
    mx = std::max(mx, sc[i]);
  }
  for (size_t i = 0; i < f; ++i) {
    int64_t v;
    if (ignored[i]) {
      v = 0;
    } else if (mx == 0) {
      v = kMaxNodeScore;
    } else {
      v = kMaxNodeScore * (mx + mn - sc[i]) / mx;
    }
    totals[i] += v * weight;
  }
}

// Mirrors k8s interpodaffinity/scoring.go: preferred terms of the incoming pod against
// existing pods, and existing pods' preferred terms (and required affinity terms, with
// hardPodAffinityWeight) against the incoming pod, summed per topology domain.
void score_inter_pod_affinity(const PodInfo& pod, const ClusterSnapshot::Impl& s,
                              const SchedulerConfig& cfg, std::span<const NodeId> feasible,
                              std::span<int64_t> totals) {
  const int64_t weight = cfg.weights.inter_pod_affinity;
  if (weight == 0) return;
  const bool has_pref_aff = pod.pod_affinity && !pod.pod_affinity->preferred.empty();
  const bool has_pref_anti = pod.pod_anti_affinity && !pod.pod_anti_affinity->preferred.empty();
  if (!has_pref_aff && !has_pref_anti && s.pods_with_affinity == 0) return;
  std::vector<KeyCounts> topo;
  auto key_counts = [&](int32_t key) -> KeyCounts& {
    for (auto& kc : topo) {
      if (kc.key == key) return kc;
    }
    topo.push_back({key, std::vector<int64_t>(s.topology_keys[key].values.size(), 0)});
    return topo.back();
  };
  bool any = false;
  auto add_incoming = [&](const PodAffinityTerm& t, int64_t w) {
    if (w == 0) return;
    const int32_t key = s.topology_key(t.topology_key);
    KeyCounts& kc = key_counts(key);
    const auto& vals = s.topology_keys[key].value_of_node;
    for (uint32_t c : s.matching_classes(term_namespaces(t, pod.ns), t.label_selector)) {
      for (const auto& [node, cnt] : s.classes[c].on_node) {
        if (vals[node] < 0 || cnt.all == 0) continue;
        kc.by_value[vals[node]] += w * cnt.all;
        any = true;
      }
    }
  };
  if (has_pref_aff) {
    for (const auto& w : pod.pod_affinity->preferred) add_incoming(w.term, w.weight);
  }
  if (has_pref_anti) {
    for (const auto& w : pod.pod_anti_affinity->preferred) add_incoming(w.term, -w.weight);
  }
  if (s.pods_with_affinity > 0) {
    for (const TermGroup& g : s.term_groups) {
      if (g.pods == 0) continue;
      int64_t w = 0;
      switch (g.kind) {
        case TermKind::kRequiredAffinity:
          w = cfg.hard_pod_affinity_weight;
          break;
        case TermKind::kPreferredAffinity:
          w = g.weight;
          break;
        case TermKind::kPreferredAntiAffinity:
          w = -g.weight;
          break;
        case TermKind::kRequiredAntiAffinity:
          continue;
      }
      if (w == 0 || !term_matches(g.namespaces, g.selector, pod.ns, pod.labels)) continue;
      const int32_t key = s.topology_key(g.topology_key);
      KeyCounts& kc = key_counts(key);
      const auto& vals = s.topology_keys[key].value_of_node;
      for (const auto& [node, cnt] : g.on_node) {
        if (vals[node] < 0 || cnt.all == 0) continue;
        kc.by_value[vals[node]] += w * cnt.all;
        any = true;
      }
    }
  }
  if (!any) return;  // every node scores 0
  std::vector<int64_t>& sc = s.scratch.plugin;
  sc.assign(feasible.size(), 0);
  int64_t mn = std::numeric_limits<int64_t>::max(), mx = std::numeric_limits<int64_t>::min();
  for (size_t i = 0; i < feasible.size(); ++i) {
    for (const KeyCounts& kc : topo) {
      const int32_t v = s.topology_keys[kc.key].value_of_node[feasible[i]];
      if (v >= 0 && static_cast<size_t>(v) < kc.by_value.size()) sc[i] += kc.by_value[v];
    }
    mn = std::min(mn, sc[i]);
    mx = std::max(mx, sc[i]);
  }
  const int64_t diff = mx - mn;
  for (size_t i = 0; i < feasible.size(); ++i) {
    double f = 0;
    if (diff > 0) {
      f = static_cast<double>(kMaxNodeScore) *
          (static_cast<double>(sc[i] - mn) / static_cast<double>(diff));
    }
    totals[i] += static_cast<int64_t>(f) * weight;
  }
}

void score_extra(const PodInfo& pod, const ClusterSnapshot::Impl& s, const SchedulerConfig& cfg,
                 std::span<const NodeId> feasible, std::span<int64_t> totals,
                 std::vector<int64_t>& scratch) {
  for (const ScorePlugin* p : cfg.extra_scores) {
    scratch.assign(feasible.size(), 0);
    for (size_t i = 0; i < feasible.size(); ++i) scratch[i] = p->score(pod, s.nodes[feasible[i]]);
    p->normalize(scratch);
    for (size_t i = 0; i < feasible.size(); ++i) totals[i] += scratch[i] * p->weight();
  }
}

// True when TaintToleration, NodeAffinity, PodTopologySpread, InterPodAffinity and the
// extra Score plugins give every node the same score for this pod (so only the resource
// scores decide). TaintToleration without PreferNoSchedule taints scores all nodes 100.
bool other_scores_constant(const PodInfo& pod, const ClusterSnapshot::Impl& s,
                           const SchedulerConfig& cfg) {
  if (!cfg.extra_scores.empty()) return false;
  if (cfg.weights.taint_toleration != 0 && s.prefer_no_schedule_taints != 0) return false;
  if (cfg.weights.node_affinity != 0 && pod.node_affinity &&
      !pod.node_affinity->preferred.empty()) {
    return false;
  }
  if (cfg.weights.pod_topology_spread != 0) {
    if (!pod.topology_spread_constraints.empty()) {
      for (const auto& c : pod.topology_spread_constraints) {
        if (c.when_unsatisfiable == "ScheduleAnyway") return false;
      }
    } else if (cfg.system_default_spreading && !pod.default_spread_selector.is_empty()) {
      return false;
    }
  }
  if (cfg.weights.inter_pod_affinity != 0) {
    if ((pod.pod_affinity && !pod.pod_affinity->preferred.empty()) ||
        (pod.pod_anti_affinity && !pod.pod_anti_affinity->preferred.empty()) ||
        s.pods_with_affinity > 0) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------- preemption

struct Candidate {
  NodeId node;
  std::vector<PodId> victims;  // highest priority first
};

bool more_important(const SnapshotPod& a, PodId ia, const SnapshotPod& b, PodId ib) {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.start_time != b.start_time) return a.start_time < b.start_time;
  return ia < ib;
}

// Mirrors k8s defaultpreemption/default_preemption.go SelectVictimsOnNode: remove every
// lower-priority pod; if the pod then fits, add them back most important first, keeping
// each one that still lets the pod fit. The snapshot is restored before returning.
FilterStatus select_victims_on_node(const PodInfo& pod, ClusterSnapshot::Impl& s, Cycle& cycle,
                                    NodeId n, std::vector<PodId>& victims) {
  FilterStatus st;
  std::vector<PodId> potential;
  for (PodId p : s.nodes[n].pods) {
    if (s.pods[p].pod.priority < pod.priority) potential.push_back(p);
  }
  if (potential.empty()) {
    st.code = FilterCode::kUnschedulableAndUnresolvable;
    st.reasons.emplace_back(kReasonText[kReasonNoVictims]);
    return st;
  }
  const bool refresh = cycle.prefilter_depends_on_pods();
  for (PodId p : potential) s.detach_pod(p);
  if (refresh) cycle.prefilter();
  std::vector<uint32_t> reasons;
  FilterCode code = cycle.filter(n, reasons);
  if (code != FilterCode::kSuccess) {
    for (PodId p : potential) s.attach_pod(p);
    if (refresh) cycle.prefilter();
    st.code = code;
    for (uint32_t r : reasons) st.reasons.push_back(cycle.reason_string(r));
    return st;
  }
  std::sort(potential.begin(), potential.end(),
            [&](PodId a, PodId b) { return more_important(s.pods[a].pod, a, s.pods[b].pod, b); });
  for (PodId p : potential) {
    s.attach_pod(p);
    if (refresh) cycle.prefilter();
    reasons.clear();
    if (cycle.filter(n, reasons) != FilterCode::kSuccess) {
      s.detach_pod(p);
      victims.push_back(p);
    }
  }
  for (PodId p : victims) s.attach_pod(p);
  if (refresh) cycle.prefilter();
  return st;
}

// pickOneNodeForPreemption: fewest PDB violations (always 0 here), lowest highest victim
// priority, smallest priority sum, fewest victims, latest earliest-start among the
// highest-priority victims, then the first candidate.
size_t pick_candidate(const ClusterSnapshot::Impl& s, const std::vector<Candidate>& cands) {
  std::vector<size_t> best(cands.size());
  for (size_t i = 0; i < cands.size(); ++i) best[i] = i;
  auto keep_min = [&](auto key) {
    auto better = [&](size_t a, size_t b) { return key(a) < key(b); };
    const auto m = key(*std::min_element(best.begin(), best.end(), better));
    std::erase_if(best, [&](size_t i) { return key(i) != m; });
  };
  const auto& P = s.pods;
  keep_min(
      [&](size_t i) { return static_cast<int64_t>(P[cands[i].victims.front()].pod.priority); });
  keep_min([&](size_t i) {
    int64_t sum = 0;
    for (PodId v : cands[i].victims) {
      sum += static_cast<int64_t>(P[v].pod.priority) + std::numeric_limits<int32_t>::max() + 1;
    }
    return sum;
  });
  keep_min([&](size_t i) { return static_cast<int64_t>(cands[i].victims.size()); });
  keep_min([&](size_t i) {
    // GetEarliestPodStartTime over the highest-priority victims; latest wins -> negate.
    const int32_t top = P[cands[i].victims.front()].pod.priority;
    int64_t earliest = std::numeric_limits<int64_t>::max();
    for (PodId v : cands[i].victims) {
      if (P[v].pod.priority == top) earliest = std::min(earliest, P[v].pod.start_time.ms());
    }
    return -earliest;
  });
  return best.front();
}

// DefaultPreemption PostFilter. Returns the PostFilter message ("" on success).
std::string preempt(const PodInfo& pod, ClusterSnapshot::Impl& s, Cycle& cycle,
                    const SchedulerConfig& cfg, Rng& rng, ScheduleResult& result) {
  if (pod.preemption_policy_never) return "preemption: not eligible due to preemptionPolicy=Never.";
  const auto& list = s.node_list();
  if (!pod.nominated_node_name.empty()) {
    auto it = s.node_by_name.find(pod.nominated_node_name);
    if (it != s.node_by_name.end() && s.scratch.status[it->second] != kCodeUnresolvable) {
      for (PodId p : s.nodes[it->second].pods) {
        const SnapshotPod& sp = s.pods[p].pod;
        if (sp.priority < pod.priority && sp.terminating) {
          return "preemption: not eligible due to a terminating pod on the nominated node.";
        }
      }
    }
  }
  std::map<std::string, int64_t> statuses;
  std::vector<NodeId> potential;
  for (NodeId n : list) {
    if (s.scratch.status[n] == kCodeUnresolvable) {
      ++statuses[std::string(kReasonText[kReasonNotHelpful])];
    } else {
      potential.push_back(n);
    }
  }
  std::vector<Candidate> cands;
  if (!potential.empty()) {
    const auto p = static_cast<int64_t>(potential.size());
    const auto offset = static_cast<int64_t>(rng.uniform(static_cast<uint64_t>(p)));
    int64_t num_candidates = p * cfg.min_candidate_nodes_percentage / 100;
    num_candidates = std::max<int64_t>(num_candidates, cfg.min_candidate_nodes_absolute);
    num_candidates = std::min(num_candidates, p);
    for (int64_t i = 0; i < p; ++i) {
      const NodeId n = potential[static_cast<size_t>((offset + i) % p)];
      std::vector<PodId> victims;
      FilterStatus st = select_victims_on_node(pod, s, cycle, n, victims);
      if (st.ok() && !victims.empty()) {
        cands.push_back({n, std::move(victims)});
        if (static_cast<int64_t>(cands.size()) >= num_candidates) break;
        continue;
      }
      for (const auto& r : st.reasons) ++statuses[r];
    }
  }
  if (cands.empty()) {
    return "preemption: " + fit_error_message(static_cast<int64_t>(list.size()), statuses, "");
  }
  const Candidate& c = cands[pick_candidate(s, cands)];
  result.nominated_node = c.node;
  result.victims = c.victims;
  return {};
}

void record_failure(Cycle& cycle, std::vector<uint32_t>& reasons, std::vector<int64_t>& hist) {
  if (hist.size() < cycle.num_reasons()) hist.resize(cycle.num_reasons(), 0);
  for (uint32_t r : reasons) ++hist[r];
}

// The full filter for a node the resource check turned down: it collects the reasons,
// and admits tainted or cordoned nodes the pod tolerates. True when the node is feasible.
[[gnu::noinline]] bool full_filter(Cycle& cycle, SchedScratch& sc, NodeId n) {
  sc.reasons.clear();
  const FilterCode code = cycle.filter(n, sc.reasons);
  sc.status[n] = static_cast<uint8_t>(code);
  if (code == FilterCode::kSuccess) return true;
  record_failure(cycle, sc.reasons, sc.histogram);
  return false;
}

// nodeaffinity PreFilter getPreFilterNodeNames: when every required term has
// `metadata.name In (...)` fields, the union over terms of each term's intersection.
// Writes the matching live nodes in walk order to `out`; false when not restricted.
bool prefilter_node_names(const PodInfo& pod, const ClusterSnapshot::Impl& s,
                          std::vector<NodeId>& out) {
  if (!pod.node_affinity || pod.node_affinity->required.empty()) return false;
  std::set<std::string> names;
  for (const NodeSelectorTerm& t : pod.node_affinity->required) {
    std::optional<std::set<std::string>> term_names;
    for (const NodeSelectorRequirement& r : t.match_fields) {
      if (r.key != "metadata.name" || r.op != "In") continue;
      std::set<std::string> v(r.values.begin(), r.values.end());
      if (!term_names) {
        term_names = std::move(v);
      } else {
        std::set<std::string> both;
        std::set_intersection(term_names->begin(), term_names->end(), v.begin(), v.end(),
                              std::inserter(both, both.end()));
        term_names = std::move(both);
      }
    }
    if (!term_names) return false;  // a term without node names: every node is eligible
    names.insert(term_names->begin(), term_names->end());
  }
  out.clear();
  for (const NodeId n : s.node_list()) {
    if (names.count(s.nodes[n].name) > 0) out.push_back(n);
  }
  return true;
}

struct InlinePass {
  int64_t examined = 0;
  int64_t found = 0;
  NodeId best = 0;
};

// The default profile's common case in one tight pass: the resource filter and the fused
// resource score read from the memo, and selectHost's reservoir sampling, over the nodes
// round robin from `start` until k are feasible (findNodesThatPassFilters + selectHost).
// It visits the nodes in the same order, calls the full filter on the same nodes and
// draws the same random numbers as the generic loop in schedule(), so it picks the same
// node; it only keeps its state in registers.
template <bool kIdentity>
[[gnu::noinline]] InlinePass inline_pass(const ClusterSnapshot::Impl& s, Cycle& cycle,
                                         SchedScratch& sc, const DefaultResourceScorer& scorer,
                                         uint64_t* memo, const NodeId* list, int64_t start,
                                         int64_t n_all, int64_t k, Rng& shared_rng) {
  Rng rng = shared_rng;  // a local copy stays in registers; written back on return
  const uint32_t* version = s.version.data();
  InlinePass out;
  int64_t best_score = -1;  // memo scores are >= 0
  uint64_t ties = 0;
  int64_t lo = start, hi = n_all;
  for (int part = 0; part < 2; ++part) {
    for (int64_t idx = lo; idx < hi; ++idx) {
      const NodeId n = kIdentity ? static_cast<NodeId>(idx) : list[idx];
      uint64_t e = memo[n];
      const uint32_t v = version[n];
      if ((e >> 32) != v) [[unlikely]] {
        e = refresh_memo(memo, s, n, v, scorer);
      }
      if ((e & kMemoFits) == 0 && !full_filter(cycle, sc, n)) continue;
      const auto score = static_cast<int64_t>(e & kMemoScore);
      if (score > best_score) {
        out.best = n;
        best_score = score;
        ties = 1;
      } else if (score == best_score && rng.uniform(++ties) == 0) {
        out.best = n;
      }
      if (++out.found >= k) {
        out.examined = part == 0 ? idx - start + 1 : (n_all - start) + idx + 1;
        shared_rng = rng;
        return out;
      }
    }
    lo = 0;
    hi = start;
  }
  out.examined = n_all;
  shared_rng = rng;
  return out;
}

// No node passed the filters: the reasons by count, PostFilter (preemption) and the
// FitError message (schedule_one.go).
ScheduleResult no_feasible_node(const PodInfo& pod, ClusterSnapshot::Impl& s, Cycle& cycle,
                                const SchedulerConfig& cfg, Rng& rng, ScheduleResult& result) {
  const SchedScratch& sc = s.scratch;
  for (size_t r = 0; r < sc.histogram.size(); ++r) {
    if (sc.histogram[r] > 0)
      result.reasons[cycle.reason_string(static_cast<uint32_t>(r))] = sc.histogram[r];
  }
  std::string post;
  if (cfg.preemption) post = preempt(pod, s, cycle, cfg, rng, result);
  result.message = fit_error_message(result.num_all_nodes, result.reasons, post);
  return std::move(result);
}

}  // namespace

// ---------------------------------------------------------------- entry points

ScheduleResult schedule(const PodInfo& pod, ClusterSnapshot& nodes, const SchedulerConfig& cfg,
                        Rng& rng) {
  ClusterSnapshot::Impl& s = snapshot_impl(nodes);
  ScheduleResult result;
  const auto& list = s.node_list();
  const auto n_all = static_cast<int64_t>(list.size());
  result.num_all_nodes = n_all;
  if (n_all == 0) {
    result.message = "no nodes available to schedule pods";  // schedule_one.go ErrNoNodesAvailable
    return result;
  }
  SchedScratch& sc = s.scratch;
  Cycle cycle(pod, s, cfg);
  sc.reasons.clear();

  // A nominated node that still fits is taken without looking further (evaluateNominatedNode).
  std::optional<NodeId> nominated_failed;
  if (!pod.nominated_node_name.empty()) {
    auto it = s.node_by_name.find(pod.nominated_node_name);
    if (it != s.node_by_name.end()) {
      if (cycle.filter(it->second, sc.reasons) == FilterCode::kSuccess) {
        result.node = it->second;
        result.node_name = s.nodes[it->second].name;
        result.evaluated_nodes = 1;
        result.feasible_nodes = 1;
        return result;
      }
      nominated_failed = it->second;
    }
    sc.reasons.clear();
  }

  // NodeAffinity PreFilter: required terms that all name nodes (matchFields metadata.name
  // In, as DaemonSet pods have) restrict the walk to those nodes; numFeasibleNodesToFind,
  // the start and nextStartNodeIndex are then taken over that list (findNodesThatFitPod).
  // FitError still counts every node (NumAllNodes).
  std::vector<NodeId>& walk = sc.walk;
  const bool restricted = prefilter_node_names(pod, s, walk) && !walk.empty();
  const std::span<const NodeId> order =
      restricted ? std::span<const NodeId>(walk) : std::span<const NodeId>(list);
  const auto n_walk = static_cast<int64_t>(order.size());
  // findNodesThatPassFilters: round robin from nextStartNodeIndex until k feasible nodes.
  const int64_t k = num_feasible_nodes_to_find(cfg.percentage_of_nodes_to_score, n_walk);
  const auto start = static_cast<int64_t>(s.next_start_node_index % static_cast<uint64_t>(n_walk));
  // nextStartNodeIndex advances by processedNodes = feasible + statuses in the diagnosis.
  // A nominated node that failed keeps its status there, so when this cycle's walk did not
  // reach it, it counts once more (findNodesThatFitPod).
  const auto advance_start = [&](int64_t examined) {
    int64_t processed = examined;
    if (nominated_failed && examined < n_walk) {
      const auto pos = std::find(order.begin(), order.end(), *nominated_failed) - order.begin();
      if (pos < n_walk && ((pos - start) % n_walk + n_walk) % n_walk >= examined) ++processed;
    }
    s.next_start_node_index = static_cast<uint64_t>((start + processed) % n_walk);
  };
  sc.feasible.clear();
  if (sc.status.size() < s.nodes.size()) sc.status.resize(s.nodes.size());
  if (restricted) {
    // Nodes the PreFilter left out are not walked: for preemption they are unresolvable
    // (NodeToStatus' absent nodes), and they add nothing to the FitError histogram.
    for (const NodeId n : list) sc.status[n] = kCodeUnresolvable;
  }
  std::fill(sc.histogram.begin(), sc.histogram.end(), 0);
  int64_t examined = 0;
  const bool fast = cycle.resources_only();
  // With the default resource scoring, each feasible node is scored as it is found.
  const bool fused = DefaultResourceScorer::applies(cfg);
  const DefaultResourceScorer resource_score(pod, cfg);
  // When every other Score plugin gives all nodes the same score, selectHost's reservoir
  // sampling runs in the same pass too (same order, same draws, same choice).
  const bool select_inline = fused && other_scores_constant(pod, s, cfg);
  // node i is list[i]: skip the indirection
  const bool identity = s.order_is_identity && !restricted;
  std::vector<uint64_t>* memo = fused ? score_memo(s, resource_score) : nullptr;
  sc.totals.clear();
  if (select_inline && fast && memo != nullptr) {
    const InlinePass p = identity ? inline_pass<true>(s, cycle, sc, resource_score, memo->data(),
                                                      order.data(), start, n_walk, k, rng)
                                  : inline_pass<false>(s, cycle, sc, resource_score, memo->data(),
                                                       order.data(), start, n_walk, k, rng);
    advance_start(p.examined);
    result.evaluated_nodes = p.examined;
    if (p.found > 0) {
      result.feasible_nodes = p.found;
      result.node = p.best;
      result.node_name = s.nodes[p.best].name;
      return result;
    }
    return no_feasible_node(pod, s, cycle, cfg, rng, result);
  }
  NodeId inline_best = 0;
  int64_t best_score = 0;
  uint64_t inline_ties = 0;
  int64_t found = 0;
  for (int64_t i = 0; i < n_walk; ++i) {
    int64_t idx = start + i;
    if (idx >= n_walk) idx -= n_walk;
    const NodeId n = identity ? static_cast<NodeId>(idx) : order[static_cast<size_t>(idx)];
    ++examined;
    int64_t score = -1;
    bool fits = false;
    if (fast && memo != nullptr) {
      // Filter and score from the memo when the node has not changed since.
      const uint64_t e = memo_entry(*memo, s, n, resource_score);
      fits = (e & kMemoFits) != 0;
      score = static_cast<int64_t>(e & kMemoScore);
    } else if (fast) {
      fits = cycle.fits_fast(s.hot[n]);
    }
    if (!fits) {
      // The full filter: it collects the reasons, and admits tainted or cordoned nodes the
      // pod tolerates.
      sc.reasons.clear();
      const FilterCode code = cycle.filter(n, sc.reasons);
      sc.status[n] = static_cast<uint8_t>(code);
      if (code != FilterCode::kSuccess) {
        record_failure(cycle, sc.reasons, sc.histogram);
        continue;
      }
    }
    ++found;
    if (fused && score < 0) {
      score = memo != nullptr ? memo_score(*memo, s, n, resource_score)
                              : resource_score(s.hot[n], s.recip[n]);
    }
    if (select_inline) {
      if (inline_ties == 0 || score > best_score) {
        inline_best = n;
        best_score = score;
        inline_ties = 1;
      } else if (score == best_score && rng.uniform(++inline_ties) == 0) {
        inline_best = n;
      }
    } else {
      sc.feasible.push_back(n);
      if (fused) sc.totals.push_back(score);
    }
    if (found >= k) break;
  }
  if (select_inline && found > 0) {
    advance_start(examined);
    result.evaluated_nodes = examined;
    result.feasible_nodes = found;
    result.node = inline_best;
    result.node_name = s.nodes[inline_best].name;
    return result;
  }
  advance_start(examined);
  result.evaluated_nodes = examined;
  result.feasible_nodes = static_cast<int64_t>(sc.feasible.size());

  if (sc.feasible.empty()) return no_feasible_node(pod, s, cycle, cfg, rng, result);

  const std::span<const NodeId> feasible(sc.feasible);
  if (feasible.size() == 1) {
    result.node = feasible[0];
    result.node_name = s.nodes[feasible[0]].name;
    return result;
  }
  if (!fused) sc.totals.assign(feasible.size(), 0);
  std::span<int64_t> totals(sc.totals);
  score_taints(pod, s, cfg, feasible, totals, sc.plugin);
  score_node_affinity(pod, s, cfg, feasible, totals, sc.plugin);
  if (!fused) {
    score_fit(pod, s, cfg, feasible, totals);
    score_balanced(pod, s, cfg, feasible, totals);
  }
  score_spread(pod, s, cfg, cycle, feasible, totals);
  score_inter_pod_affinity(pod, s, cfg, feasible, totals);
  score_extra(pod, s, cfg, feasible, totals, sc.plugin);

  // selectHost: reservoir sampling among the nodes with the highest total.
  size_t best = 0;
  uint64_t ties = 1;
  for (size_t i = 1; i < feasible.size(); ++i) {
    if (totals[i] > totals[best]) {
      best = i;
      ties = 1;
    } else if (totals[i] == totals[best]) {
      ++ties;
      if (rng.uniform(ties) == 0) best = i;
    }
  }
  result.node = feasible[best];
  result.node_name = s.nodes[feasible[best]].name;
  return result;
}

FilterStatus run_filters(const PodInfo& pod, const ClusterSnapshot& nodes, NodeId node,
                         const SchedulerConfig& cfg) {
  const ClusterSnapshot::Impl& s = snapshot_impl(nodes);
  FilterStatus st;
  Cycle cycle(pod, s, cfg);
  std::vector<uint32_t> reasons;
  st.code = cycle.filter(node, reasons);
  for (uint32_t r : reasons) st.reasons.push_back(cycle.reason_string(r));
  return st;
}

}  // namespace simcluster

namespace simcluster {

std::vector<int64_t> plugin_scores(std::string_view plugin, const PodInfo& pod,
                                   const ClusterSnapshot& nodes, std::span<const NodeId> feasible,
                                   const SchedulerConfig& config) {
  const ClusterSnapshot::Impl& s = snapshot_impl(nodes);
  SchedulerConfig cfg = config;
  cfg.weights = PluginWeights{0, 0, 0, 0, 0, 0};
  std::vector<int64_t> totals(feasible.size(), 0);
  std::vector<int64_t> scratch;
  Cycle cycle(pod, s, cfg);
  if (plugin == "NodeResourcesFit") {
    cfg.weights.node_resources_fit = 1;
    score_fit(pod, s, cfg, feasible, totals);
  } else if (plugin == "NodeResourcesBalancedAllocation") {
    cfg.weights.balanced_allocation = 1;
    score_balanced(pod, s, cfg, feasible, totals);
  } else if (plugin == "TaintToleration") {
    cfg.weights.taint_toleration = 1;
    score_taints(pod, s, cfg, feasible, totals, scratch);
  } else if (plugin == "NodeAffinity") {
    cfg.weights.node_affinity = 1;
    score_node_affinity(pod, s, cfg, feasible, totals, scratch);
  } else if (plugin == "PodTopologySpread") {
    cfg.weights.pod_topology_spread = 1;
    score_spread(pod, s, cfg, cycle, feasible, totals);
  } else if (plugin == "InterPodAffinity") {
    cfg.weights.inter_pod_affinity = 1;
    score_inter_pod_affinity(pod, s, cfg, feasible, totals);
  }
  return totals;
}

}  // namespace simcluster
