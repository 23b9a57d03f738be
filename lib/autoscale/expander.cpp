// The scale-up expanders of cluster-autoscaler.
// Mirrors kubernetes/autoscaler cluster-autoscaler/expander/random/random.go,
// mostpods/mostpods.go, leastnodes/leastnodes.go, waste/waste.go, price/price.go and
// price/preferred.go (SimplePreferredNodeProvider, SimpleNodeUnfitness), the GCE pricing
// model constants (cloudprovider/gce/gce_price_model.go), priority/priority.go and
// factory/chain.go. See autoscaler.h for the contract.
#include <cmath>
#include <regex>

#include "simcluster/autoscaler.h"

namespace simcluster {

std::optional<ExpanderKind> parse_expander(std::string_view name) {
  if (name == "random") return ExpanderKind::kRandom;
  if (name == "most-pods") return ExpanderKind::kMostPods;
  if (name == "least-nodes") return ExpanderKind::kLeastNodes;
  if (name == "least-waste") return ExpanderKind::kLeastWaste;
  if (name == "price") return ExpanderKind::kPrice;
  if (name == "priority") return ExpanderKind::kPriority;
  return std::nullopt;
}

std::vector<size_t> least_waste_options(std::span<const ExpansionOption> options) {
  double least = 0;
  bool any = false;
  std::vector<size_t> best;
  for (size_t i = 0; i < options.size(); ++i) {
    const ExpansionOption& o = options[i];
    int64_t cpu = 0;
    int64_t mem = 0;
    for (const Resources& r : o.pods) {
      cpu += r.cpu_milli;
      mem += r.memory;
    }
    const int64_t avail_cpu = o.node_capacity.cpu_milli * o.node_count;
    const int64_t avail_mem = o.node_capacity.memory * o.node_count;
    const double wasted = static_cast<double>(avail_cpu - cpu) / static_cast<double>(avail_cpu) +
                          static_cast<double>(avail_mem - mem) / static_cast<double>(avail_mem);
    // As waste.go: an equal score joins, a lower one (or the first) restarts the list.
    if (any && wasted == least) best.push_back(i);
    if (!any || wasted < least) {
      least = wasted;
      best.assign(1, i);
      any = true;
    }
  }
  return best;
}

std::vector<size_t> most_pods_options(std::span<const ExpansionOption> options) {
  std::vector<size_t> best;
  size_t most = 0;
  for (size_t i = 0; i < options.size(); ++i) {
    const size_t n = options[i].pods.size();
    if (n > most) {
      most = n;
      best.clear();
    }
    if (n == most) best.push_back(i);
  }
  return best;
}

std::vector<size_t> least_nodes_options(std::span<const ExpansionOption> options) {
  std::vector<size_t> best;
  int32_t least = -1;
  for (size_t i = 0; i < options.size(); ++i) {
    const int32_t n = options[i].node_count;
    if (n <= 0) continue;  // leastnodes.go: options without nodes are ignored
    if (least == -1 || n < least) {
      least = n;
      best.clear();
    }
    if (n == least) best.push_back(i);
  }
  return best;
}

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kNotExistCoefficient = 2.0;
constexpr double kGpuUnfitnessOverride = 1000.0;

double pod_price(const Resources& r, const PricingModel& m) {
  return static_cast<double>(r.cpu_milli) / 1000.0 * m.cpu_per_core_hour +
         static_cast<double>(r.memory) / kGiB * m.memory_per_gib_hour;
}

// SimplePreferredNodeProvider.Node: cpu of the preferred node, doubling each time the
// cluster grows 3x.
int64_t preferred_node_cpu_milli(int32_t cluster_size) {
  if (cluster_size <= 2) return 1000;
  if (cluster_size <= 6) return 2000;
  if (cluster_size <= 20) return 4000;
  if (cluster_size <= 60) return 8000;
  if (cluster_size <= 200) return 16000;
  return 32000;
}

}  // namespace

std::optional<double> price_score(const ExpansionOption& o, const PricingModel& m,
                                  int32_t cluster_node_count) {
  if (!o.node_price_per_hour) return std::nullopt;
  // priceStabilizationPod: 500m cpu, 500 MiB.
  Resources stabilization;
  stabilization.cpu_milli = 500;
  stabilization.memory = 500LL * 1024 * 1024;
  const double stab = pod_price(stabilization, m);
  const double total_node = *o.node_price_per_hour * o.node_count;
  double total_pods = 0;
  for (const Resources& r : o.pods) total_pods += pod_price(r, m);
  const double price_sub_score = (total_node + stab) / (total_pods + stab);
  const double preferred = static_cast<double>(preferred_node_cpu_milli(cluster_node_count));
  const double evaluated = static_cast<double>(o.node_capacity.cpu_milli);
  const double unfitness = std::max(preferred / evaluated, evaluated / preferred);
  double suppressed =
      (unfitness - 1.0) * (1.0 - std::tanh(static_cast<double>(o.node_count - 1) / 15.0)) + 1.0;
  if (o.node_has_gpu) suppressed = kGpuUnfitnessOverride;
  double score = suppressed * price_sub_score;
  if (!o.node_group_exists) score *= kNotExistCoefficient;
  return score;
}

std::vector<size_t> price_options(std::span<const ExpansionOption> options,
                                  const PricingModel& pricing, int32_t cluster_node_count) {
  std::optional<size_t> best;
  double best_score = 0;
  for (size_t i = 0; i < options.size(); ++i) {
    auto s = price_score(options[i], pricing, cluster_node_count);
    if (!s) continue;
    if (!best || best_score > *s) {
      best = i;
      best_score = *s;
    }
  }
  if (!best) return {};
  return {*best};
}

std::vector<size_t> priority_options(std::span<const ExpansionOption> options,
                                     const std::map<int32_t, std::vector<std::string>>& prios) {
  std::vector<std::pair<int32_t, std::vector<std::regex>>> compiled;
  try {
    for (auto it = prios.rbegin(); it != prios.rend(); ++it) {
      std::vector<std::regex> res;
      for (const std::string& re : it->second) res.emplace_back(re, std::regex::ECMAScript);
      compiled.emplace_back(it->first, std::move(res));
    }
  } catch (const std::regex_error&) {
    return {};  // the ConfigMap does not load: no choice
  }
  std::vector<size_t> best;
  std::optional<int32_t> max_prio;
  for (size_t i = 0; i < options.size(); ++i) {
    // The highest priority whose list matches this group (priorities in descending order).
    for (const auto& [prio, res] : compiled) {
      bool match = false;
      for (const std::regex& re : res) match |= std::regex_search(options[i].node_group, re);
      if (!match) continue;
      if (!max_prio || prio > *max_prio) {
        max_prio = prio;
        best.clear();
      }
      if (prio == *max_prio) best.push_back(i);
      break;
    }
  }
  if (best.empty()) {
    // "no priorities info found for any of the expansion options. Falling back to random".
    for (size_t i = 0; i < options.size(); ++i) best.push_back(i);
  }
  return best;
}

std::optional<size_t> best_expansion_option(std::span<const ExpansionOption> options,
                                            const ExpanderConfig& config, Rng& rng) {
  std::vector<size_t> left(options.size());
  for (size_t i = 0; i < left.size(); ++i) left[i] = i;
  std::vector<ExpansionOption> subset;
  for (ExpanderKind kind : config.chain) {
    subset.clear();
    for (size_t i : left) subset.push_back(options[i]);
    std::vector<size_t> kept;
    switch (kind) {
      case ExpanderKind::kRandom:  // random's BestOptions: one option drawn uniformly
        if (!subset.empty()) kept.push_back(rng.uniform(subset.size()));
        break;
      case ExpanderKind::kMostPods:
        kept = most_pods_options(subset);
        break;
      case ExpanderKind::kLeastNodes:
        kept = least_nodes_options(subset);
        break;
      case ExpanderKind::kLeastWaste:
        kept = least_waste_options(subset);
        break;
      case ExpanderKind::kPrice:
        kept = price_options(subset, config.pricing, config.cluster_node_count);
        break;
      case ExpanderKind::kPriority:
        kept = priority_options(subset, config.priorities);
        break;
    }
    std::vector<size_t> next;
    for (size_t k : kept) next.push_back(left[k]);
    left = std::move(next);
    if (left.size() == 1) return left.front();
  }
  // The fallback strategy: random.
  if (left.empty()) return std::nullopt;
  return left[rng.uniform(left.size())];
}

}  // namespace simcluster
