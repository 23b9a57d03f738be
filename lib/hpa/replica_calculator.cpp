// The HPA replica calculator: one metric's replica proposal.
// Mirrors k8s pkg/controller/podautoscaler/replica_calculator.go and
// metrics/utilization.go, metrics/client.go (getPodMetrics, getContainerMetrics).
#include "hpa/replica_calculator.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

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

bool is_terminal(PodPhase phase) {
  return phase == PodPhase::kFailed || phase == PodPhase::kSucceeded;
}

size_t listed_pod_count(const std::vector<HPAPodInfo>& pods) {
  size_t n = 0;
  for (const auto& p : pods) n += p.in_pod_list ? 1 : 0;
  return n;
}

// The containers in the order calculatePodRequestsFromContainers walks them:
// regular containers first, then restartable (sidecar) init containers.
std::vector<const HPAContainerInfo*> request_order(const HPAPodInfo& pod) {
  std::vector<const HPAContainerInfo*> out;
  for (const auto& c : pod.containers)
    if (!c.is_sidecar) out.push_back(&c);
  for (const auto& c : pod.containers)
    if (c.is_sidecar) out.push_back(&c);
  return out;
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

PodGroups group_pods(const std::vector<HPAPodInfo>& pods, const PodMetricsInfo& metrics,
                     const std::string& resource, SimTime now, const HPAConfig& cfg) {
  PodGroups g;
  for (const auto& pod : pods) {
    if (!pod.in_pod_list) continue;
    if (pod.is_deleting || is_terminal(pod.phase)) {
      g.ignored.insert(pod.name);
      continue;
    }
    if (pod.phase == PodPhase::kPending) {
      g.unready.insert(pod.name);
      continue;
    }
    const auto it = metrics.find(pod.name);
    if (it == metrics.end()) {
      g.missing.insert(pod.name);
      continue;
    }
    if (resource == "cpu") {
      bool unready = false;
      if (!pod.ready.has_value() || !pod.start_time.has_value()) {
        unready = true;
      } else if (*pod.start_time + cfg.cpu_initialization_period > now) {
        // Still initializing: count only a Ready pod with one full metric
        // window collected since it became Ready.
        unready = !*pod.ready || it->second.timestamp < pod.ready_transition + it->second.window;
      } else {
        // Initialized: ignore only a pod that has never been ready.
        unready =
            !*pod.ready && *pod.start_time + cfg.initial_readiness_delay > pod.ready_transition;
      }
      if (unready) {
        g.unready.insert(pod.name);
        continue;
      }
    }
    ++g.ready_count;
  }
  return g;
}

Requests calculate_requests(const std::vector<HPAPodInfo>& pods, const std::string& container,
                            const std::string& resource, const HPAConfig& cfg) {
  Requests r;
  for (const auto& pod : pods) {
    if (!pod.in_pod_list) continue;
    const bool use_pod_level = cfg.pod_level_resources && pod.pod_requests.has_value() &&
                               !pod.pod_requests->empty() && container.empty();
    if (use_pod_level) {
      const auto it = pod.pod_requests->find(resource);
      if (it == pod.pod_requests->end()) {
        r.error = fmt::format("missing pod-level request for {} in Pod {}", resource, pod.name);
        r.by_pod.clear();
        return r;
      }
      r.by_pod[pod.name] = it->second.milli_value();
      continue;
    }
    Int128 request = 0;
    bool found = false;
    for (const HPAContainerInfo* c : request_order(pod)) {
      if (container.empty() || container == c->name) {
        const auto it = c->requests.find(resource);
        if (it == c->requests.end()) {
          r.error = fmt::format("missing request for {} in container {} of Pod {}", resource,
                                c->name, pod.name);
          r.by_pod.clear();
          return r;
        }
        request += it->second.milli_value();
      }
      if (container == c->name) {  // container names are unique in a pod
        found = true;
        break;
      }
    }
    if (!container.empty() && !found) {
      r.error = fmt::format("container {} not found in Pod {}", container, pod.name);
      r.by_pod.clear();
      return r;
    }
    r.by_pod[pod.name] = saturate_int64(request);
  }
  return r;
}

std::optional<PodMetricsInfo> resource_metrics(const std::vector<HPAPodInfo>& pods,
                                               const std::string& resource,
                                               const std::string& container) {
  bool any = false;
  PodMetricsInfo out;
  for (const auto& pod : pods) {
    if (!pod.usage.has_value()) continue;
    any = true;
    const HPAPodMetricsSample& s = *pod.usage;
    if (!container.empty()) {
      // getContainerMetrics: only the named container; absent => missing.
      const auto c = s.containers.find(container);
      if (c == s.containers.end()) continue;
      const auto v = c->second.find(resource);
      if (v == c->second.end()) continue;
      out[pod.name] = PodMetric{v->second.milli_value(), s.timestamp, s.window};
      continue;
    }
    // getPodMetrics: the sum over containers; any container without the
    // resource (or no container at all) makes the pod missing.
    bool missing = s.containers.empty();
    Int128 sum = 0;
    for (const auto& [name, usage] : s.containers) {
      const auto v = usage.find(resource);
      if (v == usage.end()) {
        missing = true;
        break;
      }
      sum += v->second.milli_value();
    }
    if (!missing) out[pod.name] = PodMetric{saturate_int64(sum), s.timestamp, s.window};
  }
  if (!any) return std::nullopt;
  return out;
}

UtilizationRatio resource_utilization_ratio(const PodMetricsInfo& metrics,
                                            const std::map<std::string, int64_t>& requests,
                                            int32_t target_utilization) {
  UtilizationRatio u;
  Int128 metrics_total = 0, requests_total = 0;
  int64_t entries = 0;
  for (const auto& [pod, m] : metrics) {
    const auto r = requests.find(pod);
    if (r == requests.end()) continue;  // superfluous sample: no known pod
    metrics_total += m.value;
    requests_total += r->second;
    ++entries;
  }
  if (requests_total == 0) return u;  // "no metrics returned matched known pods"
  // Truncated integer percent first, then the ratio: 587, not 587.5.
  u.utilization = saturate_int32(metrics_total * 100 / requests_total);
  u.ratio = static_cast<double>(u.utilization) / static_cast<double>(target_utilization);
  u.raw_average = saturate_int64(metrics_total / entries);
  u.ok = true;
  return u;
}

UsageRatio metric_usage_ratio(const PodMetricsInfo& metrics, int64_t target_usage) {
  Int128 total = 0;
  for (const auto& [pod, m] : metrics) total += m.value;
  UsageRatio r;
  r.usage = saturate_int64(total / static_cast<Int128>(metrics.size()));
  r.ratio = static_cast<double>(r.usage) / static_cast<double>(target_usage);
  return r;
}

namespace {

void record_groups(HPAReplicaCalculation& r, const PodGroups& g) {
  r.ready_pods = g.ready_count;
  r.unready_pods = static_cast<int32_t>(g.unready.size());
  r.missing_pods = static_cast<int32_t>(g.missing.size());
  r.ignored_pods = static_cast<int32_t>(g.ignored.size());
}

void remove_pods(PodMetricsInfo& metrics, const std::set<std::string>& names) {
  for (const auto& n : names) metrics.erase(n);
}

HPAReplicaCalculation calc_error(std::string error) {
  HPAReplicaCalculation r;
  r.error = std::move(error);
  return r;
}

// calcPlainMetricReplicas (§3.6).
HPAReplicaCalculation calc_plain_metric_replicas(PodMetricsInfo metrics, int32_t current,
                                                 int64_t target_usage,
                                                 const HPATolerances& tolerances,
                                                 const std::vector<HPAPodInfo>& pods,
                                                 const std::string& resource, SimTime now,
                                                 const HPAConfig& cfg) {
  if (listed_pod_count(pods) == 0)
    return calc_error("no pods returned by selector while calculating replica count");
  const PodGroups g = group_pods(pods, metrics, resource, now, cfg);
  remove_pods(metrics, g.ignored);
  remove_pods(metrics, g.unready);
  if (metrics.empty())
    return calc_error("did not receive metrics for targeted pods (pods might be unready)");

  HPAReplicaCalculation r;
  record_groups(r, g);
  r.ok = true;
  const UsageRatio first = metric_usage_ratio(metrics, target_usage);
  r.usage_milli = first.usage;
  r.usage_ratio = first.ratio;
  const double ratio = first.ratio;

  const bool scale_up_with_unready = !g.unready.empty() && ratio > 1.0;
  if (!scale_up_with_unready && g.missing.empty()) {
    if (tolerances.is_within(ratio)) {
      r.replicas = current;
      r.held_by_tolerance = true;
      return r;
    }
    r.replicas = ceil_to_int32(ratio * static_cast<double>(g.ready_count));
    return r;
  }
  if (!g.missing.empty()) {
    if (ratio < 1.0) {
      // On a scale-down, missing pods use exactly the target.
      for (const auto& n : g.missing) metrics[n] = PodMetric{target_usage, {}, {}};
    } else if (ratio > 1.0) {
      for (const auto& n : g.missing) metrics[n] = PodMetric{0, {}, {}};
    }
  }
  if (scale_up_with_unready)
    for (const auto& n : g.unready) metrics[n] = PodMetric{0, {}, {}};

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
  const int32_t new_replicas = ceil_to_int32(new_ratio * static_cast<double>(metrics.size()));
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

HPAReplicaCalculation get_resource_replicas(int32_t current_replicas, int32_t target_utilization,
                                            const std::string& resource,
                                            const std::string& container,
                                            const HPATolerances& tolerances,
                                            const std::vector<HPAPodInfo>& pods, SimTime now,
                                            const HPAConfig& cfg) {
  std::optional<PodMetricsInfo> fetched = resource_metrics(pods, resource, container);
  if (!fetched)
    return calc_error(fmt::format(
        "unable to get metrics for resource {}: no metrics returned from resource metrics API",
        resource));
  if (listed_pod_count(pods) == 0)
    return calc_error("no pods returned by selector while calculating replica count");
  PodMetricsInfo metrics = std::move(*fetched);

  const PodGroups g = group_pods(pods, metrics, resource, now, cfg);
  remove_pods(metrics, g.ignored);
  remove_pods(metrics, g.unready);
  if (metrics.empty())
    return calc_error("did not receive metrics for targeted pods (pods might be unready)");

  const Requests requests = calculate_requests(pods, container, resource, cfg);
  if (!requests.error.empty()) return calc_error(requests.error);

  const UtilizationRatio first =
      resource_utilization_ratio(metrics, requests.by_pod, target_utilization);
  if (!first.ok) return calc_error("no metrics returned matched known pods");

  HPAReplicaCalculation r;
  record_groups(r, g);
  r.ok = true;
  r.utilization = first.utilization;
  r.usage_milli = first.raw_average;
  r.usage_ratio = first.ratio;
  const double ratio = first.ratio;

  const bool scale_up_with_unready = !g.unready.empty() && ratio > 1.0;
  if (!scale_up_with_unready && g.missing.empty()) {
    if (tolerances.is_within(ratio)) {
      r.replicas = current_replicas;
      r.held_by_tolerance = true;
      return r;
    }
    // Ready pods with metrics, not current replicas.
    r.replicas = ceil_to_int32(ratio * static_cast<double>(g.ready_count));
    return r;
  }

  if (!g.missing.empty()) {
    if (ratio < 1.0) {
      // On a scale-down, missing pods use max(100%, target) of their request.
      const int64_t fallback = std::max<int64_t>(100, target_utilization);
      for (const auto& n : g.missing) {
        const auto req = requests.by_pod.find(n);
        const int64_t request = req == requests.by_pod.end() ? 0 : req->second;
        metrics[n] =
            PodMetric{saturate_int64(static_cast<Int128>(request) * fallback / 100), {}, {}};
      }
    } else if (ratio > 1.0) {
      for (const auto& n : g.missing) metrics[n] = PodMetric{0, {}, {}};
    }
  }
  if (scale_up_with_unready)
    for (const auto& n : g.unready) metrics[n] = PodMetric{0, {}, {}};

  const UtilizationRatio second =
      resource_utilization_ratio(metrics, requests.by_pod, target_utilization);
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
  const int32_t new_replicas = ceil_to_int32(new_ratio * static_cast<double>(metrics.size()));
  if ((new_ratio < 1.0 && new_replicas > current_replicas) ||
      (new_ratio > 1.0 && new_replicas < current_replicas)) {
    r.replicas = current_replicas;
    r.held_by_direction_veto = true;
    return r;
  }
  r.replicas = new_replicas;
  return r;
}

HPAReplicaCalculation get_raw_resource_replicas(
    int32_t current_replicas, int64_t target_usage_milli, const std::string& resource,
    const std::string& container, const HPATolerances& tolerances,
    const std::vector<HPAPodInfo>& pods, SimTime now, const HPAConfig& cfg) {
  std::optional<PodMetricsInfo> fetched = resource_metrics(pods, resource, container);
  if (!fetched)
    return calc_error(fmt::format(
        "unable to get metrics for resource {}: no metrics returned from resource metrics API",
        resource));
  return calc_plain_metric_replicas(std::move(*fetched), current_replicas, target_usage_milli,
                                    tolerances, pods, resource, now, cfg);
}

HPAReplicaCalculation get_metric_replicas(int32_t current_replicas, int64_t target_usage_milli,
                                          const std::string& metric_name,
                                          const HPATolerances& tolerances,
                                          const std::vector<HPAPodInfo>& pods, SimTime now,
                                          const HPAConfig& cfg) {
  PodMetricsInfo metrics;
  for (const auto& pod : pods) {
    const auto it = pod.custom_metrics.find(metric_name);
    if (it == pod.custom_metrics.end()) continue;
    metrics[pod.name] = PodMetric{it->second.milli_value(), now, std::chrono::minutes(1)};
  }
  if (metrics.empty())
    return calc_error(fmt::format(
        "unable to get metric {}: no metrics returned from custom metrics API", metric_name));
  return calc_plain_metric_replicas(std::move(metrics), current_replicas, target_usage_milli,
                                    tolerances, pods, "", now, cfg);
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
