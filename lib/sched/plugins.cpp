// The pure pieces of the default profile: resource scorers, normalisation, taint and
// node-affinity matching, the FitError message, PodInfo construction, config validation.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "sched/snapshot.h"
#include "simcluster/scheduler.h"

namespace simcluster {

// ---------------------------------------------------------------- numFeasibleNodesToFind

// Mirrors k8s pkg/scheduler/schedule_one.go numFeasibleNodesToFind.
// 1000 nodes, adaptive: 50 - 1000/125 = 42% -> 420. 6000 nodes: 50 - 48 = 2% -> 5% -> 300.
int64_t num_feasible_nodes_to_find(int32_t percentage, int64_t num_all_nodes) {
  if (num_all_nodes < kMinFeasibleNodesToFind) return num_all_nodes;
  int64_t pct = percentage;
  if (pct == 0) {
    pct = 50 - num_all_nodes / 125;
    if (pct < kMinFeasibleNodesPercentageToFind) pct = kMinFeasibleNodesPercentageToFind;
  }
  const int64_t k = num_all_nodes * pct / 100;
  return std::max(k, kMinFeasibleNodesToFind);
}

// ---------------------------------------------------------------- resource scorers

// Mirrors k8s noderesources/least_allocated.go: ((alloc - req) * 100) / alloc, 0 when over.
int64_t least_allocated_score(std::span<const int64_t> requested,
                              std::span<const int64_t> allocatable,
                              std::span<const int64_t> weights) {
  int64_t score = 0, weight_sum = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    const int64_t s = requested[i] > allocatable[i]
                          ? 0
                          : (allocatable[i] - requested[i]) * kMaxNodeScore / allocatable[i];
    score += s * weights[i];
    weight_sum += weights[i];
  }
  return weight_sum == 0 ? 0 : score / weight_sum;
}

// Mirrors k8s noderesources/most_allocated.go: min(req, alloc) * 100 / alloc.
int64_t most_allocated_score(std::span<const int64_t> requested,
                             std::span<const int64_t> allocatable,
                             std::span<const int64_t> weights) {
  int64_t score = 0, weight_sum = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    const int64_t r = std::min(requested[i], allocatable[i]);
    score += r * kMaxNodeScore / allocatable[i] * weights[i];
    weight_sum += weights[i];
  }
  return weight_sum == 0 ? 0 : score / weight_sum;
}

// Mirrors k8s plugins/helper/shape_score.go BuildBrokenLinearFunction.
int64_t broken_linear(std::span<const UtilizationShapePoint> shape, int64_t p) {
  for (size_t i = 0; i < shape.size(); ++i) {
    if (p <= shape[i].utilization) {
      if (i == 0) return shape[0].score;
      return shape[i - 1].score + (shape[i].score - shape[i - 1].score) *
                                      (p - shape[i - 1].utilization) /
                                      (shape[i].utilization - shape[i - 1].utilization);
    }
  }
  return shape.empty() ? 0 : shape.back().score;
}

// Mirrors k8s noderesources/requested_to_capacity_ratio.go. Shape scores 0..10 are scaled
// by 100/10; a resource scoring 0 contributes neither score nor weight; the mean is
// rounded half away from zero (math.Round).
int64_t requested_to_capacity_ratio_score(std::span<const int64_t> requested,
                                          std::span<const int64_t> allocatable,
                                          std::span<const int64_t> weights,
                                          std::span<const UtilizationShapePoint> shape) {
  UtilizationShapePoint scaled[16];
  std::vector<UtilizationShapePoint> big;
  std::span<UtilizationShapePoint> s;
  if (shape.size() <= 16) {
    s = std::span<UtilizationShapePoint>(scaled, shape.size());
  } else {
    big.resize(shape.size());
    s = big;
  }
  for (size_t i = 0; i < shape.size(); ++i) {
    s[i] = {shape[i].utilization, shape[i].score * (kMaxNodeScore / kMaxCustomPriorityScore)};
  }
  int64_t score = 0, weight_sum = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    const int64_t rs = requested[i] > allocatable[i]
                           ? broken_linear(s, 100)
                           : broken_linear(s, requested[i] * 100 / allocatable[i]);
    if (rs > 0) {
      score += rs * weights[i];
      weight_sum += weights[i];
    }
  }
  if (weight_sum == 0) return 0;
  return static_cast<int64_t>(
      std::round(static_cast<double>(score) / static_cast<double>(weight_sum)));
}

// Mirrors k8s noderesources/balanced_allocation.go balancedResourceScorer.
int64_t balanced_allocation_score(std::span<const int64_t> requested,
                                  std::span<const int64_t> allocatable) {
  double fractions[16];
  std::vector<double> big;
  double* f = fractions;
  if (requested.size() > 16) {
    big.resize(requested.size());
    f = big.data();
  }
  size_t n = 0;
  double total = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    double fr = static_cast<double>(requested[i]) / static_cast<double>(allocatable[i]);
    if (fr > 1) fr = 1;
    total += fr;
    f[n++] = fr;
  }
  double std_dev = 0;
  if (n == 2) {
    std_dev = std::abs((f[0] - f[1]) / 2);
  } else if (n > 2) {
    const double mean = total / static_cast<double>(n);
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += (f[i] - mean) * (f[i] - mean);
    std_dev = std::sqrt(sum / static_cast<double>(n));
  }
  return static_cast<int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
}

// Mirrors k8s plugins/helper/normalize_score.go DefaultNormalizeScore.
void default_normalize_score(std::span<int64_t> scores, bool reverse) {
  int64_t mx = 0;
  for (int64_t s : scores) mx = std::max(mx, s);
  if (mx == 0) {
    if (reverse) std::fill(scores.begin(), scores.end(), kMaxNodeScore);
    return;
  }
  for (int64_t& s : scores) {
    s = kMaxNodeScore * s / mx;
    if (reverse) s = kMaxNodeScore - s;
  }
}

void ScorePlugin::normalize(std::span<int64_t> scores) const {
  for (int64_t& s : scores) s = std::clamp<int64_t>(s, 0, kMaxNodeScore);
}

// ---------------------------------------------------------------- FitError

// Mirrors k8s pkg/scheduler/framework/types.go FitError.Error(): histogram of reasons,
// "count reason" strings sorted as strings (so "10 X" < "2 Y"), joined by ", ".
std::string fit_error_message(int64_t num_all_nodes, const std::map<std::string, int64_t>& reasons,
                              std::string_view post_filter_message) {
  std::vector<std::string> items;
  items.reserve(reasons.size());
  for (const auto& [reason, count] : reasons) items.push_back(fmt::format("{} {}", count, reason));
  std::sort(items.begin(), items.end());
  // framework/types.go FitError.Error: each part is added with SeparatorFormat " %v.".
  // The PostFilter message is preemption's own FitError text, which already ends with a
  // period, so real events end in ".." ("... 3 No preemption victims found for incoming
  // pod..").
  std::string msg = fmt::format("0/{} nodes are available:", num_all_nodes);
  if (!items.empty()) {
    msg += ' ';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) msg += ", ";
      msg += items[i];
    }
    msg += '.';
  }
  if (!post_filter_message.empty()) {
    msg += ' ';
    msg += post_filter_message;
    msg += '.';
  }
  return msg;
}

// ---------------------------------------------------------------- taints

// Mirrors k8s api/core/v1 toleration.go ToleratesTaint.
bool tolerates_taint(std::span<const Toleration> tolerations, const Taint& taint) {
  for (const auto& t : tolerations) {
    if (!t.effect.empty() && t.effect != taint.effect) continue;
    if (!t.key.empty() && t.key != taint.key) continue;
    if (t.op == "Exists") return true;
    if ((t.op.empty() || t.op == "Equal") && t.value == taint.value) return true;
  }
  return false;
}

// ---------------------------------------------------------------- node affinity

namespace {

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Mirrors k8s component-helpers/scheduling/corev1/nodeaffinity (nodeSelectorRequirementsAsSelector
// and the Gt/Lt integer comparison).
bool requirement_matches(const NodeSelectorRequirement& r, const StringMap& labels) {
  auto it = labels.find(r.key);
  const bool has = it != labels.end();
  if (r.op == "In") {
    return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
  }
  if (r.op == "NotIn") {
    return !has || std::find(r.values.begin(), r.values.end(), it->second) == r.values.end();
  }
  if (r.op == "Exists") return has;
  if (r.op == "DoesNotExist") return !has;
  if (r.op == "Gt" || r.op == "Lt") {
    if (!has || r.values.size() != 1) return false;
    auto lv = parse_int(it->second);
    auto rv = parse_int(r.values[0]);
    if (!lv || !rv) return false;
    return r.op == "Gt" ? *lv > *rv : *lv < *rv;
  }
  return false;
}

bool field_matches(const NodeSelectorRequirement& r, std::string_view node_name) {
  if (r.key != "metadata.name") return false;
  const bool in = std::find(r.values.begin(), r.values.end(), node_name) != r.values.end();
  if (r.op == "In") return in;
  if (r.op == "NotIn") return !in;
  return false;
}

}  // namespace

// A term with neither expressions nor fields matches nothing.
bool node_selector_term_matches(const NodeSelectorTerm& term, const StringMap& labels,
                                std::string_view node_name) {
  if (term.match_expressions.empty() && term.match_fields.empty()) return false;
  for (const auto& r : term.match_expressions) {
    if (!requirement_matches(r, labels)) return false;
  }
  for (const auto& r : term.match_fields) {
    if (!field_matches(r, node_name)) return false;
  }
  return true;
}

// Mirrors k8s nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector map AND
// any of the required terms.
bool matches_node_selector_and_affinity(const PodInfo& pod, const StringMap& node_labels,
                                        std::string_view node_name) {
  for (const auto& [k, v] : pod.node_selector) {
    auto it = node_labels.find(k);
    if (it == node_labels.end() || it->second != v) return false;
  }
  if (pod.node_affinity && !pod.node_affinity->required.empty()) {
    bool any = false;
    for (const auto& term : pod.node_affinity->required) {
      if (node_selector_term_matches(term, node_labels, node_name)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

// ---------------------------------------------------------------- PodInfo

namespace {

// matchLabelKeys / mismatchLabelKeys: the incoming pod's values of those keys become
// `key In (value)` / `key NotIn (value)` requirements of the selector; keys the pod does
// not carry are skipped (podtopologyspread common.go mergeLabelSetWithSelector; for pod
// affinity the API server merges them the same way, KEP-3633).
void merge_label_keys(LabelSelector& selector, const std::vector<std::string>& keys,
                      const StringMap& labels, LabelSelectorRequirement::Op op) {
  for (const std::string& k : keys) {
    auto it = labels.find(k);
    if (it != labels.end()) selector.match_expressions.push_back({k, op, {it->second}});
  }
}

void merge_term_keys(PodAffinityTerm& t, const StringMap& labels) {
  merge_label_keys(t.label_selector, t.match_label_keys, labels, LabelSelectorRequirement::Op::kIn);
  merge_label_keys(t.label_selector, t.mismatch_label_keys, labels,
                   LabelSelectorRequirement::Op::kNotIn);
  t.match_label_keys.clear();
  t.mismatch_label_keys.clear();
}

void merge_affinity_keys(std::optional<PodAffinity>& a, const StringMap& labels) {
  if (!a) return;
  for (PodAffinityTerm& t : a->required) merge_term_keys(t, labels);
  for (WeightedPodAffinityTerm& w : a->preferred) merge_term_keys(w.term, labels);
}

}  // namespace

PodInfo make_pod_info(const Pod& pod) {
  PodInfo p;
  p.name = pod.metadata.name;
  p.ns = pod.metadata.ns.empty() ? "default" : pod.metadata.ns;
  p.labels = pod.metadata.labels;
  p.requests = pod_requests(pod.spec);
  p.non_zero_requests = pod_requests(pod.spec, true);
  p.node_name = pod.spec.node_name;
  p.node_selector = pod.spec.node_selector;
  p.node_affinity = pod.spec.affinity.node_affinity;
  p.tolerations = pod.spec.tolerations;
  p.topology_spread_constraints = pod.spec.topology_spread_constraints;
  p.pod_affinity = pod.spec.affinity.pod_affinity;
  p.pod_anti_affinity = pod.spec.affinity.pod_anti_affinity;
  p.priority = pod.spec.priority.value_or(0);
  p.preemption_policy_never = pod.spec.preemption_policy == "Never";
  for (TopologySpreadConstraint& c : p.topology_spread_constraints) {
    merge_label_keys(c.label_selector, c.match_label_keys, p.labels,
                     LabelSelectorRequirement::Op::kIn);
    c.match_label_keys.clear();
  }
  merge_affinity_keys(p.pod_affinity, p.labels);
  merge_affinity_keys(p.pod_anti_affinity, p.labels);
  for (const auto& o : pod.metadata.owner_references) {
    if (o.controller) p.owner_kind = o.kind;
  }
  return p;
}

// Mirrors k8s plugins/helper/spread.go DefaultSelector.
LabelSelector default_spread_selector(std::span<const StringMap> service_selectors,
                                      const LabelSelector* owner_selector) {
  LabelSelector s;
  for (const auto& sel : service_selectors) {
    for (const auto& [k, v] : sel) s.match_labels[k] = v;
  }
  if (owner_selector != nullptr) {
    for (const auto& [k, v] : owner_selector->match_labels) {
      auto [it, inserted] = s.match_labels.emplace(k, v);
      if (!inserted && it->second != v) {
        // Conflicting requirements: keep both (the selector then matches nothing).
        s.match_expressions.push_back({k, LabelSelectorRequirement::Op::kIn, {v}});
      }
    }
    for (const auto& e : owner_selector->match_expressions) s.match_expressions.push_back(e);
  }
  return s;
}

// ---------------------------------------------------------------- config validation

// Mirrors k8s pkg/scheduler/apis/config/validation (ValidateKubeSchedulerConfiguration,
// validateResources, validateFunctionShape).
void validate_scheduler_config(const SchedulerConfig& c) {
  if (c.percentage_of_nodes_to_score < 0 || c.percentage_of_nodes_to_score > 100) {
    fail(c.source, "percentageOfNodesToScore {} is not in the range 0..100",
         c.percentage_of_nodes_to_score);
  }
  auto check_resources = [&](const std::vector<ResourceWeight>& rs, std::string_view what) {
    if (rs.empty()) fail(c.source, "{}: at least one resource is required", what);
    for (const auto& r : rs) {
      if (r.name.empty()) fail(c.source, "{}: resource name is empty", what);
      if (r.weight < 0 || r.weight > 100) {
        fail(c.source, "{}: weight {} of '{}' is not in the range 1..100", what, r.weight, r.name);
      }
    }
  };
  check_resources(c.scoring_resources, "scoringStrategy.resources");
  check_resources(c.balanced_resources, "NodeResourcesBalancedAllocation resources");
  if (c.scoring_strategy == ScoringStrategy::kRequestedToCapacityRatio) {
    if (c.shape.empty()) fail(c.source, "requestedToCapacityRatio.shape: at least one point");
    for (size_t i = 0; i < c.shape.size(); ++i) {
      const auto& p = c.shape[i];
      if (p.utilization < 0 || p.utilization > 100) {
        fail(c.source, "shape[{}].utilization {} is not in the range 0..100", i, p.utilization);
      }
      if (p.score < 0 || p.score > kMaxCustomPriorityScore) {
        fail(c.source, "shape[{}].score {} is not in the range 0..10", i, p.score);
      }
      if (i > 0 && p.utilization <= c.shape[i - 1].utilization) {
        fail(c.source, "shape: utilization values must be sorted in increasing order");
      }
    }
  }
  const PluginWeights& w = c.weights;
  for (int64_t v : {w.taint_toleration, w.node_affinity, w.node_resources_fit,
                    w.pod_topology_spread, w.inter_pod_affinity, w.balanced_allocation}) {
    if (v < 0) fail(c.source, "plugin weights must not be negative");
  }
  if (c.hard_pod_affinity_weight < 0 || c.hard_pod_affinity_weight > 100) {
    fail(c.source, "hardPodAffinityWeight {} is not in the range 0..100",
         c.hard_pod_affinity_weight);
  }
  if (c.min_candidate_nodes_percentage < 0 || c.min_candidate_nodes_percentage > 100 ||
      c.min_candidate_nodes_absolute < 0 ||
      (c.min_candidate_nodes_percentage == 0 && c.min_candidate_nodes_absolute == 0)) {
    fail(c.source, "minCandidateNodesPercentage / minCandidateNodesAbsolute out of range");
  }
}

}  // namespace simcluster
