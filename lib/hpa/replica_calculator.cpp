// The HPA replica calculator: one metric's replica proposal.
// Mirrors k8s pkg/controller/podautoscaler/replica_calculator.go and
// metrics/utilization.go, metrics/client.go (getPodMetrics, getContainerMetrics).
#include "hpa/replica_calculator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

namespace simcluster {
namespace hpa_internal {
namespace {

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr int32_t kMaxInt32 = std::numeric_limits<int32_t>::max();

int32_t saturate_int32(Int128 v) {
  if (v > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  if (v < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

// groupPods ignores Failed pods (and deleted ones); Succeeded is not special (§3.1).
bool is_ignored_phase(PodPhase phase) { return phase == PodPhase::kFailed; }

// map.find(key) for the few entries of a ResourceList or a sample's
// containers: a linear scan finds the same entry (keys are unique) in fewer
// steps than the tree search; a larger map uses its own find.
template <typename Map>
typename Map::const_iterator find_key(const Map& m, const std::string& key) {
  if (m.size() > 8) return m.find(key);
  const auto equal = [&](const std::string& name) {  // short names: no memcmp call
    if (name.size() != key.size()) return false;
    for (size_t i = 0; i < key.size(); ++i)
      if (name[i] != key[i]) return false;
    return true;
  };
  for (auto it = m.begin(); it != m.end(); ++it)
    if (equal(it->first)) return it;
  return m.end();
}

size_t listed_pod_count(const std::vector<HPAPodInfo>& pods) {
  size_t n = 0;
  for (const auto& p : pods) n += p.in_pod_list ? 1 : 0;
  return n;
}

}  // namespace

int64_t saturate_int64(Int128 v) {
  if (v > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

int64_t sum_milli(const std::vector<Quantity>& values) {
  Int128 sum = 0;
  for (const Quantity& q : values) sum += q.milli_value();
  return saturate_int64(sum);
}

int32_t ceil_to_int32(double x) {
  const double c = std::ceil(x);
  if (!(c < static_cast<double>(kMaxInt32))) return kMaxInt32;  // also NaN
  if (c < static_cast<double>(std::numeric_limits<int32_t>::min()))
    return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(c);
}

int64_t per_pod_usage(int64_t usage, int32_t status_replicas) {
  // Mirrors getPerPodUsage: float64 arithmetic, as upstream.
  if (static_cast<double>(usage) >= static_cast<double>(kMaxInt64)) return kMaxInt64;
  if (status_replicas == 0) return 0;
  return static_cast<int64_t>(
      std::ceil(static_cast<double>(usage) / static_cast<double>(status_replicas)));
}

namespace {

// A cheap grouping key: the length and the first and last 8 bytes. Equal
// names have equal keys; names with equal keys are compared in full.
uint64_t name_key(std::string_view s) {
  const size_t n = std::min<size_t>(8, s.size());
  uint64_t head = 0, tail = 0;
  std::memcpy(&head, s.data(), n);
  std::memcpy(&tail, s.data() + s.size() - n, n);
  return (head * 0x9E3779B97F4A7C15ULL) ^ tail ^ (static_cast<uint64_t>(s.size()) << 56);
}

}  // namespace

PodNameIds pod_name_ids(const std::vector<HPAPodInfo>& pods) {
  // Names with equal keys are compared in full: the key only speeds up the
  // grouping, it never decides it. A few pods are compared pairwise; many
  // are sorted by key first.
  PodNameIds ids;
  const size_t n = pods.size();
  ids.of_pod.assign(n, 0);
  ids.first.reserve(n);
  const auto assign_id = [&](size_t i, const uint32_t* same_as) {
    if (same_as != nullptr) {
      ids.of_pod[i] = ids.of_pod[*same_as];
    } else {
      ids.of_pod[i] = static_cast<uint32_t>(ids.first.size());
      ids.first.push_back(static_cast<uint32_t>(i));
    }
  };
  constexpr size_t kPairwise = 32;
  if (n <= kPairwise) {
    std::array<uint64_t, kPairwise> keys{};
    for (size_t i = 0; i < n; ++i) {
      keys[i] = name_key(pods[i].name);
      uint32_t j = 0;
      while (j < i && !(keys[j] == keys[i] && pods[j].name == pods[i].name)) ++j;
      assign_id(i, j < i ? &j : nullptr);
    }
    return ids;
  }
  std::vector<std::pair<uint64_t, uint32_t>> order(n);  // (key of name, pod index)
  for (size_t i = 0; i < n; ++i) order[i] = {name_key(pods[i].name), static_cast<uint32_t>(i)};
  std::sort(order.begin(), order.end());
  for (size_t b = 0; b < n;) {
    size_t e = b + 1;
    while (e < n && order[e].first == order[b].first) ++e;
    for (size_t k = b; k < e; ++k) {
      const uint32_t i = order[k].second;
      size_t j = b;
      while (j < k && pods[order[j].second].name != pods[i].name) ++j;
      assign_id(i, j < k ? &order[j].second : nullptr);
    }
    b = e;
  }
  return ids;
}

size_t present_count(const MetricsById& metrics) {
  size_t n = 0;
  for (const auto& m : metrics) n += m.has_value() ? 1 : 0;
  return n;
}

void group_pods(const std::vector<HPAPodInfo>& pods, const PodNameIds& ids,
                const MetricsById& metrics, const std::string& resource, SimTime now,
                const HPAConfig& cfg, PodGroupsById& g) {
  g.ready_count = 0;
  g.unready = g.missing = g.ignored = 0;
  g.flags.assign(ids.count(), 0);
  const auto add = [&](uint32_t id, uint8_t flag, size_t& count) {
    if ((g.flags[id] & flag) == 0) ++count;  // a set of names: each counts once
    g.flags[id] |= flag;
  };
  const bool is_cpu = resource == "cpu";
  for (size_t i = 0; i < pods.size(); ++i) {
    const HPAPodInfo& pod = pods[i];
    if (!pod.in_pod_list) continue;
    const uint32_t id = ids.of_pod[i];
    if (pod.is_deleting || is_ignored_phase(pod.phase)) {
      add(id, PodGroupsById::kIgnored, g.ignored);
      continue;
    }
    if (pod.phase == PodPhase::kPending) {
      add(id, PodGroupsById::kUnready, g.unready);
      continue;
    }
    const std::optional<PodMetric>& metric = metrics[id];
    if (!metric) {
      add(id, PodGroupsById::kMissing, g.missing);
      continue;
    }
    if (is_cpu) {
      bool unready = false;
      if (!pod.ready.has_value() || !pod.start_time.has_value()) {
        unready = true;
      } else if (*pod.start_time + cfg.cpu_initialization_period > now) {
        // Still initializing: count only a Ready pod with one full metric
        // window collected since it became Ready.
        unready = !*pod.ready || metric->timestamp < pod.ready_transition + metric->window;
      } else {
        // Initialized: ignore only a pod that has never been ready.
        unready =
            !*pod.ready && *pod.start_time + cfg.initial_readiness_delay > pod.ready_transition;
      }
      if (unready) {
        add(id, PodGroupsById::kUnready, g.unready);
        continue;
      }
    }
    ++g.ready_count;
  }
}

PodGroupsById group_pods(const std::vector<HPAPodInfo>& pods, const PodNameIds& ids,
                         const MetricsById& metrics, const std::string& resource, SimTime now,
                         const HPAConfig& cfg) {
  PodGroupsById g;
  group_pods(pods, ids, metrics, resource, now, cfg, g);
  return g;
}

namespace {

// Visits the containers in the order calculatePodRequestsFromContainers walks
// them (regular containers first, then restartable init containers) until
// `f` returns false.
template <typename F>
void for_each_in_request_order(const HPAPodInfo& pod, F&& f) {
  for (const auto& c : pod.containers)
    if (!c.is_sidecar && !f(c)) return;
  for (const auto& c : pod.containers)
    if (c.is_sidecar && !f(c)) return;
}

}  // namespace

bool calculate_requests(const std::vector<HPAPodInfo>& pods, const PodNameIds& ids,
                        const std::string& container, const std::string& resource,
                        const HPAConfig& cfg, std::vector<std::optional<int64_t>>& out,
                        std::string& error) {
  out.assign(ids.count(), std::nullopt);
  for (size_t i = 0; i < pods.size(); ++i) {
    const HPAPodInfo& pod = pods[i];
    if (!pod.in_pod_list) continue;
    const uint32_t id = ids.of_pod[i];
    const bool use_pod_level = cfg.pod_level_resources && pod.pod_requests.has_value() &&
                               !pod.pod_requests->empty() && container.empty();
    if (use_pod_level) {
      const auto it = pod.pod_requests->find(resource);
      if (it == pod.pod_requests->end()) {
        error = fmt::format("missing pod-level request for {} in Pod {}", resource, pod.name);
        return false;
      }
      out[id] = it->second.milli_value();
      continue;
    }
    if (container.empty()) {
      // Every container counts, and a sum does not depend on the order,
      // unless one lacks the request or has no name: then the ordered walk
      // below finds what upstream reports (or where it stops).
      Int128 sum = 0;
      bool plain = true;
      for (const HPAContainerInfo& c : pod.containers) {
        const auto it = c.name.empty() ? c.requests.end() : find_key(c.requests, resource);
        if (it == c.requests.end()) {
          plain = false;
          break;
        }
        sum += it->second.milli_value();
      }
      if (plain) {
        out[id] = saturate_int64(sum);
        continue;
      }
    }
    Int128 request = 0;
    bool found = false;
    const HPAContainerInfo* lacking = nullptr;
    for_each_in_request_order(pod, [&](const HPAContainerInfo& c) {
      if (container.empty() || container == c.name) {
        const auto it = find_key(c.requests, resource);
        if (it == c.requests.end()) {
          lacking = &c;
          return false;
        }
        request += it->second.milli_value();
      }
      if (container == c.name) {  // container names are unique in a pod
        found = true;
        return false;
      }
      return true;
    });
    if (lacking != nullptr) {
      error = fmt::format("missing request for {} in container {} of Pod {}", resource,
                          lacking->name, pod.name);
      return false;
    }
    if (!container.empty() && !found) {
      error = fmt::format("container {} not found in Pod {}", container, pod.name);
      return false;
    }
    out[id] = saturate_int64(request);
  }
  return true;
}

bool resource_metrics(const std::vector<HPAPodInfo>& pods, const PodNameIds& ids,
                      const std::string& resource, const std::string& container, MetricsById& out) {
  static const std::optional<int64_t> kNoTotal;
  out.assign(ids.count(), std::nullopt);
  bool any = false;
  for (size_t i = 0; i < pods.size(); ++i) {
    const HPAPodInfo& pod = pods[i];
    if (!pod.usage.has_value()) continue;
    any = true;
    const HPAPodMetricsSample& s = *pod.usage;
    const uint32_t id = ids.of_pod[i];
    if (!container.empty()) {
      // getContainerMetrics: only the named container; absent => missing.
      const auto c = find_key(s.containers, container);
      if (c == s.containers.end()) continue;
      const auto v = find_key(c->second, resource);
      if (v == c->second.end()) continue;
      out[id] = PodMetric{v->second.milli_value(), s.timestamp, s.window};
      continue;
    }
    // The caller's totals, when given, are that sum.
    const std::optional<int64_t>& total = resource == "cpu"      ? s.cpu_total_milli
                                          : resource == "memory" ? s.memory_total_milli
                                                                 : kNoTotal;
    if (total) {
      out[id] = PodMetric{*total, s.timestamp, s.window};
      continue;
    }
    // getPodMetrics: the sum over containers; any container without the
    // resource (or no container at all) makes the pod missing.
    bool missing = s.containers.empty();
    Int128 sum = 0;
    for (const auto& [name, usage] : s.containers) {
      const auto v = find_key(usage, resource);
      if (v == usage.end()) {
        missing = true;
        break;
      }
      sum += v->second.milli_value();
    }
    if (!missing) out[id] = PodMetric{saturate_int64(sum), s.timestamp, s.window};
  }
  return any;
}

namespace {

// GetResourceUtilizationRatio from the totals over the samples of known pods.
UtilizationRatio utilization_of(Int128 metrics_total, Int128 requests_total, int64_t entries,
                                int32_t target_utilization) {
  UtilizationRatio u;
  if (requests_total == 0) return u;  // "no metrics returned matched known pods"
  // Truncated integer percent first, then the ratio: 587, not 587.5.
  constexpr Int128 kSmall = Int128{1} << 56;  // x 100 still fits in int64
  if (metrics_total > -kSmall && metrics_total < kSmall && requests_total > -kSmall &&
      requests_total < kSmall) {
    // The same quotients in 64 bits (truncated toward zero either way).
    const auto m = static_cast<int64_t>(metrics_total);
    u.utilization = saturate_int32(m * 100 / static_cast<int64_t>(requests_total));
    u.raw_average = m / entries;
  } else {
    u.utilization = saturate_int32(metrics_total * 100 / requests_total);
    u.raw_average = saturate_int64(metrics_total / entries);
  }
  u.ratio = static_cast<double>(u.utilization) / static_cast<double>(target_utilization);
  u.ok = true;
  return u;
}

// GetMetricUsageRatio from the total over `count` samples.
UsageRatio usage_of(Int128 total, size_t count, int64_t target_usage) {
  UsageRatio r;
  r.usage = saturate_int64(total / static_cast<Int128>(count));
  r.ratio = static_cast<double>(r.usage) / static_cast<double>(target_usage);
  return r;
}

}  // namespace

UtilizationRatio resource_utilization_ratio(const MetricsById& metrics,
                                            const std::vector<std::optional<int64_t>>& requests,
                                            int32_t target_utilization) {
  Int128 metrics_total = 0, requests_total = 0;
  int64_t entries = 0;
  for (size_t id = 0; id < metrics.size(); ++id) {
    if (!metrics[id] || !requests[id]) continue;  // superfluous sample: no known pod
    metrics_total += metrics[id]->value;
    requests_total += *requests[id];
    ++entries;
  }
  return utilization_of(metrics_total, requests_total, entries, target_utilization);
}

UsageRatio metric_usage_ratio(const MetricsById& metrics, int64_t target_usage) {
  Int128 total = 0;
  for (const auto& m : metrics)
    if (m) total += m->value;
  return usage_of(total, present_count(metrics), target_usage);
}

// ---- the map-keyed forms (tests), on top of the id-keyed ones

namespace {

MetricsById metrics_by_id(const std::vector<HPAPodInfo>& pods, const PodNameIds& ids,
                          const PodMetricsInfo& metrics) {
  MetricsById out(ids.count());
  for (size_t id = 0; id < ids.count(); ++id) {
    const auto it = metrics.find(pods[ids.first[id]].name);
    if (it != metrics.end()) out[id] = it->second;
  }
  return out;
}

}  // namespace

PodGroups group_pods(const std::vector<HPAPodInfo>& pods, const PodMetricsInfo& metrics,
                     const std::string& resource, SimTime now, const HPAConfig& cfg) {
  const PodNameIds ids = pod_name_ids(pods);
  const PodGroupsById g =
      group_pods(pods, ids, metrics_by_id(pods, ids, metrics), resource, now, cfg);
  PodGroups out;
  out.ready_count = g.ready_count;
  for (size_t id = 0; id < ids.count(); ++id) {
    const std::string& name = pods[ids.first[id]].name;
    if (g.flags[id] & PodGroupsById::kUnready) out.unready.insert(name);
    if (g.flags[id] & PodGroupsById::kMissing) out.missing.insert(name);
    if (g.flags[id] & PodGroupsById::kIgnored) out.ignored.insert(name);
  }
  return out;
}

Requests calculate_requests(const std::vector<HPAPodInfo>& pods, const std::string& container,
                            const std::string& resource, const HPAConfig& cfg) {
  const PodNameIds ids = pod_name_ids(pods);
  std::vector<std::optional<int64_t>> by_id;
  Requests r;
  if (!calculate_requests(pods, ids, container, resource, cfg, by_id, r.error)) return r;
  for (size_t id = 0; id < ids.count(); ++id)
    if (by_id[id]) r.by_pod[pods[ids.first[id]].name] = *by_id[id];
  return r;
}

std::optional<PodMetricsInfo> resource_metrics(const std::vector<HPAPodInfo>& pods,
                                               const std::string& resource,
                                               const std::string& container) {
  const PodNameIds ids = pod_name_ids(pods);
  MetricsById by_id;
  if (!resource_metrics(pods, ids, resource, container, by_id)) return std::nullopt;
  PodMetricsInfo out;
  for (size_t id = 0; id < ids.count(); ++id)
    if (by_id[id]) out[pods[ids.first[id]].name] = *by_id[id];
  return out;
}

UtilizationRatio resource_utilization_ratio(const PodMetricsInfo& metrics,
                                            const std::map<std::string, int64_t>& requests,
                                            int32_t target_utilization) {
  Int128 metrics_total = 0, requests_total = 0;
  int64_t entries = 0;
  for (const auto& [pod, m] : metrics) {
    const auto r = requests.find(pod);
    if (r == requests.end()) continue;  // superfluous sample: no known pod
    metrics_total += m.value;
    requests_total += r->second;
    ++entries;
  }
  return utilization_of(metrics_total, requests_total, entries, target_utilization);
}

UsageRatio metric_usage_ratio(const PodMetricsInfo& metrics, int64_t target_usage) {
  Int128 total = 0;
  for (const auto& [pod, m] : metrics) total += m.value;
  return usage_of(total, metrics.size(), target_usage);
}

namespace {

void record_groups(HPAReplicaCalculation& r, const PodGroupsById& g) {
  r.ready_pods = g.ready_count;
  r.unready_pods = static_cast<int32_t>(g.unready);
  r.missing_pods = static_cast<int32_t>(g.missing);
  r.ignored_pods = static_cast<int32_t>(g.ignored);
}

// Drops the samples of the ignored and unready names (removePods upstream).
void remove_ignored_and_unready(MetricsById& metrics, const PodGroupsById& g) {
  for (size_t id = 0; id < metrics.size(); ++id)
    if (g.flags[id] & (PodGroupsById::kIgnored | PodGroupsById::kUnready)) metrics[id].reset();
}

HPAReplicaCalculation calc_error(std::string error) {
  HPAReplicaCalculation r;
  r.error = std::move(error);
  return r;
}

// calcPlainMetricReplicas (§3.6).
HPAReplicaCalculation calc_plain_metric_replicas(
    MetricsById& metrics, int32_t current, int64_t target_usage, const HPATolerances& tolerances,
    const std::vector<HPAPodInfo>& pods, const PodNameIds& ids, const std::string& resource,
    SimTime now, const HPAConfig& cfg, PodGroupsById& g) {
  if (listed_pod_count(pods) == 0)
    return calc_error("no pods returned by selector while calculating replica count");
  group_pods(pods, ids, metrics, resource, now, cfg, g);
  remove_ignored_and_unready(metrics, g);
  if (present_count(metrics) == 0)
    return calc_error("did not receive metrics for targeted pods (pods might be unready)");

  HPAReplicaCalculation r;
  record_groups(r, g);
  r.ok = true;
  const UsageRatio first = metric_usage_ratio(metrics, target_usage);
  r.usage_milli = first.usage;
  r.usage_ratio = first.ratio;
  const double ratio = first.ratio;

  const bool scale_up_with_unready = g.unready > 0 && ratio > 1.0;
  if (!scale_up_with_unready && g.missing == 0) {
    if (tolerances.is_within(ratio)) {
      r.replicas = current;
      r.held_by_tolerance = true;
      return r;
    }
    r.replicas = ceil_to_int32(ratio * static_cast<double>(g.ready_count));
    return r;
  }
  for (size_t id = 0; id < metrics.size(); ++id) {
    if (g.flags[id] & PodGroupsById::kMissing) {
      // On a scale-down, missing pods use exactly the target.
      if (ratio < 1.0) metrics[id] = PodMetric{target_usage, {}, {}};
      if (ratio > 1.0) metrics[id] = PodMetric{0, {}, {}};
    }
  }
  if (scale_up_with_unready)
    for (size_t id = 0; id < metrics.size(); ++id)
      if (g.flags[id] & PodGroupsById::kUnready) metrics[id] = PodMetric{0, {}, {}};

  const double new_ratio = metric_usage_ratio(metrics, target_usage).ratio;
  r.rebalanced = true;
  r.rebalanced_ratio = new_ratio;
  if (tolerances.is_within(new_ratio)) {
    r.replicas = current;
    r.held_by_tolerance = true;
    return r;
  }
  if ((ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0)) {
    r.replicas = current;
    r.held_by_direction_veto = true;
    return r;
  }
  const int32_t new_replicas =
      ceil_to_int32(new_ratio * static_cast<double>(present_count(metrics)));
  if ((new_ratio < 1.0 && new_replicas > current) || (new_ratio > 1.0 && new_replicas < current)) {
    r.replicas = current;
    r.held_by_direction_veto = true;
    return r;
  }
  r.replicas = new_replicas;
  return r;
}

}  // namespace
}  // namespace hpa_internal

using namespace hpa_internal;

HPAReplicaCalculation hpa_internal::get_resource_replicas(
    int32_t current_replicas, int32_t target_utilization, const std::string& resource,
    const std::string& container, const HPATolerances& tolerances,
    const std::vector<HPAPodInfo>& pods, const PodNameIds& ids, SimTime now, const HPAConfig& cfg,
    CalcScratch& scratch) {
  MetricsById& metrics = scratch.metrics;
  if (!resource_metrics(pods, ids, resource, container, metrics))
    return calc_error(fmt::format(
        "unable to get metrics for resource {}: no metrics returned from resource metrics API",
        resource));
  if (listed_pod_count(pods) == 0)
    return calc_error("no pods returned by selector while calculating replica count");

  PodGroupsById& g = scratch.groups;
  group_pods(pods, ids, metrics, resource, now, cfg, g);
  remove_ignored_and_unready(metrics, g);
  if (present_count(metrics) == 0)
    return calc_error("did not receive metrics for targeted pods (pods might be unready)");

  std::vector<std::optional<int64_t>>* requests_ptr = &scratch.requests;
  if (scratch.requests_cache != nullptr) {
    auto [it, fresh] = scratch.requests_cache->try_emplace({container, resource});
    CachedRequests& c = it->second;
    if (fresh) c.ok = calculate_requests(pods, ids, container, resource, cfg, c.requests, c.error);
    if (!c.ok) return calc_error(std::string(c.error));
    requests_ptr = &c.requests;
  } else {
    std::string requests_error;
    if (!calculate_requests(pods, ids, container, resource, cfg, scratch.requests, requests_error))
      return calc_error(std::move(requests_error));
  }
  const std::vector<std::optional<int64_t>>& requests = *requests_ptr;

  const UtilizationRatio first = resource_utilization_ratio(metrics, requests, target_utilization);
  if (!first.ok) return calc_error("no metrics returned matched known pods");

  HPAReplicaCalculation r;
  record_groups(r, g);
  r.ok = true;
  r.utilization = first.utilization;
  r.usage_milli = first.raw_average;
  r.usage_ratio = first.ratio;
  const double ratio = first.ratio;

  const bool scale_up_with_unready = g.unready > 0 && ratio > 1.0;
  if (!scale_up_with_unready && g.missing == 0) {
    if (tolerances.is_within(ratio)) {
      r.replicas = current_replicas;
      r.held_by_tolerance = true;
      return r;
    }
    // Ready pods with metrics, not current replicas.
    r.replicas = ceil_to_int32(ratio * static_cast<double>(g.ready_count));
    return r;
  }

  for (size_t id = 0; id < metrics.size(); ++id) {
    if ((g.flags[id] & PodGroupsById::kMissing) == 0) continue;
    if (ratio < 1.0) {
      // On a scale-down, missing pods use max(100%, target) of their request.
      const int64_t fallback = std::max<int64_t>(100, target_utilization);
      const int64_t request = requests[id].value_or(0);
      metrics[id] =
          PodMetric{saturate_int64(static_cast<Int128>(request) * fallback / 100), {}, {}};
    } else if (ratio > 1.0) {
      metrics[id] = PodMetric{0, {}, {}};
    }
  }
  if (scale_up_with_unready)
    for (size_t id = 0; id < metrics.size(); ++id)
      if (g.flags[id] & PodGroupsById::kUnready) metrics[id] = PodMetric{0, {}, {}};

  const UtilizationRatio second = resource_utilization_ratio(metrics, requests, target_utilization);
  if (!second.ok) return calc_error("no metrics returned matched known pods");
  const double new_ratio = second.ratio;
  r.rebalanced = true;
  r.rebalanced_ratio = new_ratio;
  if (tolerances.is_within(new_ratio)) {
    r.replicas = current_replicas;
    r.held_by_tolerance = true;
    return r;
  }
  if ((ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0)) {
    r.replicas = current_replicas;
    r.held_by_direction_veto = true;
    return r;
  }
  // Counts every sample, filled-in ones and superfluous ones included.
  const int32_t new_replicas =
      ceil_to_int32(new_ratio * static_cast<double>(present_count(metrics)));
  if ((new_ratio < 1.0 && new_replicas > current_replicas) ||
      (new_ratio > 1.0 && new_replicas < current_replicas)) {
    r.replicas = current_replicas;
    r.held_by_direction_veto = true;
    return r;
  }
  r.replicas = new_replicas;
  return r;
}

HPAReplicaCalculation hpa_internal::get_raw_resource_replicas(
    int32_t current_replicas, int64_t target_usage_milli, const std::string& resource,
    const std::string& container, const HPATolerances& tolerances,
    const std::vector<HPAPodInfo>& pods, const PodNameIds& ids, SimTime now, const HPAConfig& cfg,
    CalcScratch& scratch) {
  if (!resource_metrics(pods, ids, resource, container, scratch.metrics))
    return calc_error(fmt::format(
        "unable to get metrics for resource {}: no metrics returned from resource metrics API",
        resource));
  return calc_plain_metric_replicas(scratch.metrics, current_replicas, target_usage_milli,
                                    tolerances, pods, ids, resource, now, cfg, scratch.groups);
}

HPAReplicaCalculation hpa_internal::get_metric_replicas(
    int32_t current_replicas, int64_t target_usage_milli, const std::string& metric_name,
    const HPATolerances& tolerances, const std::vector<HPAPodInfo>& pods, const PodNameIds& ids,
    SimTime now, const HPAConfig& cfg, CalcScratch& scratch) {
  MetricsById& metrics = scratch.metrics;
  metrics.assign(ids.count(), std::nullopt);
  for (size_t i = 0; i < pods.size(); ++i) {
    const auto it = pods[i].custom_metrics.find(metric_name);
    if (it == pods[i].custom_metrics.end()) continue;
    metrics[ids.of_pod[i]] = PodMetric{it->second.milli_value(), now, std::chrono::minutes(1)};
  }
  if (present_count(metrics) == 0)
    return calc_error(fmt::format(
        "unable to get metric {}: no metrics returned from custom metrics API", metric_name));
  return calc_plain_metric_replicas(metrics, current_replicas, target_usage_milli, tolerances, pods,
                                    ids, "", now, cfg, scratch.groups);
}

HPAReplicaCalculation get_resource_replicas(int32_t current_replicas, int32_t target_utilization,
                                            const std::string& resource,
                                            const std::string& container,
                                            const HPATolerances& tolerances,
                                            const std::vector<HPAPodInfo>& pods, SimTime now,
                                            const HPAConfig& cfg) {
  CalcScratch scratch;
  return hpa_internal::get_resource_replicas(current_replicas, target_utilization, resource,
                                             container, tolerances, pods, pod_name_ids(pods), now,
                                             cfg, scratch);
}

HPAReplicaCalculation get_raw_resource_replicas(
    int32_t current_replicas, int64_t target_usage_milli, const std::string& resource,
    const std::string& container, const HPATolerances& tolerances,
    const std::vector<HPAPodInfo>& pods, SimTime now, const HPAConfig& cfg) {
  CalcScratch scratch;
  return hpa_internal::get_raw_resource_replicas(current_replicas, target_usage_milli, resource,
                                                 container, tolerances, pods, pod_name_ids(pods),
                                                 now, cfg, scratch);
}

HPAReplicaCalculation get_metric_replicas(int32_t current_replicas, int64_t target_usage_milli,
                                          const std::string& metric_name,
                                          const HPATolerances& tolerances,
                                          const std::vector<HPAPodInfo>& pods, SimTime now,
                                          const HPAConfig& cfg) {
  CalcScratch scratch;
  return hpa_internal::get_metric_replicas(current_replicas, target_usage_milli, metric_name,
                                           tolerances, pods, pod_name_ids(pods), now, cfg, scratch);
}

HPAReplicaCalculation get_usage_ratio_replicas(int32_t current_replicas, int64_t usage_milli,
                                               int64_t target_usage_milli,
                                               const HPATolerances& tolerances,
                                               const std::vector<HPAPodInfo>& pods) {
  HPAReplicaCalculation r;
  r.usage_milli = usage_milli;
  const double ratio = static_cast<double>(usage_milli) / static_cast<double>(target_usage_milli);
  r.usage_ratio = ratio;
  if (current_replicas == 0) {
    // Scale from zero: no tolerance and no pod count.
    r.ok = true;
    r.replicas = ceil_to_int32(ratio);
    return r;
  }
  if (tolerances.is_within(ratio)) {
    r.ok = true;
    r.replicas = current_replicas;
    r.held_by_tolerance = true;
    return r;
  }
  if (listed_pod_count(pods) == 0)
    return calc_error(
        "unable to calculate ready pods: no pods returned by selector while calculating replica "
        "count");
  int64_t ready = 0;
  for (const auto& p : pods)
    if (p.in_pod_list && p.phase == PodPhase::kRunning && p.ready.value_or(false)) ++ready;
  r.ok = true;
  r.ready_pods = static_cast<int32_t>(ready);
  const double x = ratio * static_cast<double>(ready);
  r.replicas = x > static_cast<double>(kMaxInt32) ? kMaxInt32 : ceil_to_int32(x);
  return r;
}

HPAReplicaCalculation get_per_pod_usage_replicas(int32_t status_replicas, int64_t usage_milli,
                                                 int64_t target_average_milli,
                                                 const HPATolerances& tolerances) {
  HPAReplicaCalculation r;
  r.ok = true;
  r.replicas = status_replicas;
  const double ratio =
      static_cast<double>(usage_milli) /
      (static_cast<double>(target_average_milli) * static_cast<double>(status_replicas));
  r.usage_ratio = ratio;
  if (!tolerances.is_within(ratio)) {
    r.replicas =
        ceil_to_int32(static_cast<double>(usage_milli) / static_cast<double>(target_average_milli));
  } else {
    r.held_by_tolerance = true;
  }
  r.usage_milli = per_pod_usage(usage_milli, status_replicas);
  return r;
}

}  // namespace simcluster
