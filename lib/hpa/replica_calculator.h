// Private pieces of the HPA replica calculator, exposed to tests.
// Mirrors k8s pkg/controller/podautoscaler/replica_calculator.go (groupPods,
// calculateRequests) and metrics/utilization.go.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "simcluster/hpa.h"

namespace simcluster::hpa_internal {

// One pod's sample of one metric, in milli-units (PodMetric upstream).
struct PodMetric {
  int64_t value = 0;
  SimTime timestamp;
  SimDuration window{0};
};
using PodMetricsInfo = std::map<std::string, PodMetric>;  // pod name -> sample

// The pods grouped as groupPods does (§3.1).
struct PodGroups {
  int32_t ready_count = 0;
  std::set<std::string> unready, missing, ignored;
};

// groupPods: only pods with in_pod_list are grouped. `resource` is the
// resource name for Resource metrics ("cpu" enables the readiness rules of
// §3.2) and "" for Pods metrics.
PodGroups group_pods(const std::vector<HPAPodInfo>& pods, const PodMetricsInfo& metrics,
                     const std::string& resource, SimTime now, const HPAConfig& cfg);

// calculateRequests: pod name -> request (milli) for every listed pod, or the
// upstream error text ("missing request for cpu in container c of Pod p").
struct Requests {
  std::map<std::string, int64_t> by_pod;
  std::string error;  // empty on success
};
Requests calculate_requests(const std::vector<HPAPodInfo>& pods, const std::string& container,
                            const std::string& resource, const HPAConfig& cfg);

// The resource samples metrics-server would return (getPodMetrics /
// getContainerMetrics), including pods not in the pod list. nullopt when no
// pod has any sample ("no metrics returned from resource metrics API").
std::optional<PodMetricsInfo> resource_metrics(const std::vector<HPAPodInfo>& pods,
                                               const std::string& resource,
                                               const std::string& container);

// GetResourceUtilizationRatio: ratio, truncated percent, raw average; or the
// error "no metrics returned matched known pods".
struct UtilizationRatio {
  double ratio = 0;
  int32_t utilization = 0;
  int64_t raw_average = 0;
  bool ok = false;
};
UtilizationRatio resource_utilization_ratio(const PodMetricsInfo& metrics,
                                            const std::map<std::string, int64_t>& requests,
                                            int32_t target_utilization);

// GetMetricUsageRatio: average (truncated) over every sample, and its ratio.
// REQUIRES: !metrics.empty().
struct UsageRatio {
  double ratio = 0;
  int64_t usage = 0;
};
UsageRatio metric_usage_ratio(const PodMetricsInfo& metrics, int64_t target_usage);

// ---- the same steps keyed by pod-name id (what the calculator runs on)
//
// Upstream keys its maps by pod name. The calculator gives every distinct name
// in the pod list a small id (equal names share one) and keeps per-id
// vectors instead: the same sets and sums, without a string map per sync.
// Every result is an integer sum or count over the ids, so it does not depend
// on how the ids are numbered. The map-keyed functions above wrap these.

struct PodNameIds {
  std::vector<uint32_t> of_pod;  // pods[i] -> its name's id
  std::vector<uint32_t> first;   // id -> index of the first pod with that name
  size_t count() const { return first.size(); }
};
PodNameIds pod_name_ids(const std::vector<HPAPodInfo>& pods);

// Per-id samples: nullopt = no sample for that name.
using MetricsById = std::vector<std::optional<PodMetric>>;
size_t present_count(const MetricsById& metrics);

// groupPods on ids: the three sets as flags per id, and their sizes (distinct names).
struct PodGroupsById {
  static constexpr uint8_t kUnready = 1, kMissing = 2, kIgnored = 4;
  int32_t ready_count = 0;
  size_t unready = 0, missing = 0, ignored = 0;
  std::vector<uint8_t> flags;  // id -> kUnready | kMissing | kIgnored
};
PodGroupsById group_pods(const std::vector<HPAPodInfo>& pods, const PodNameIds& ids,
                         const MetricsById& metrics, const std::string& resource, SimTime now,
                         const HPAConfig& cfg);

// calculateRequests on ids: per-id request (milli); false and `error` set on failure.
bool calculate_requests(const std::vector<HPAPodInfo>& pods, const PodNameIds& ids,
                        const std::string& container, const std::string& resource,
                        const HPAConfig& cfg, std::vector<std::optional<int64_t>>& out,
                        std::string& error);

// getPodMetrics / getContainerMetrics on ids; false when no pod has any sample.
bool resource_metrics(const std::vector<HPAPodInfo>& pods, const PodNameIds& ids,
                      const std::string& resource, const std::string& container, MetricsById& out);

UtilizationRatio resource_utilization_ratio(const MetricsById& metrics,
                                            const std::vector<std::optional<int64_t>>& requests,
                                            int32_t target_utilization);
// REQUIRES: present_count(metrics) > 0.
UsageRatio metric_usage_ratio(const MetricsById& metrics, int64_t target_usage);

// The per-id vectors of one metric's calculation, reused by the next
// metric of the same sync.
// calculate_requests' result for one (container, resource).
struct CachedRequests {
  bool ok = false;
  std::vector<std::optional<int64_t>> requests;
  std::string error;
};

struct CalcScratch {
  MetricsById metrics;
  PodGroupsById groups;
  std::vector<std::optional<int64_t>> requests;
  // When set: calculate_requests' results for these pods by (container, resource), kept
  // from earlier syncs (HPAInputs::pods_version).
  std::map<std::pair<std::string, std::string>, CachedRequests>* requests_cache = nullptr;
};

// get_resource_replicas / get_raw_resource_replicas / get_metric_replicas
// with the ids computed once by the caller (one sync computes them once for
// all its metrics) and its scratch vectors.
HPAReplicaCalculation get_resource_replicas(int32_t current_replicas, int32_t target_utilization,
                                            const std::string& resource,
                                            const std::string& container,
                                            const HPATolerances& tolerances,
                                            const std::vector<HPAPodInfo>& pods,
                                            const PodNameIds& ids, SimTime now,
                                            const HPAConfig& cfg, CalcScratch& scratch);
HPAReplicaCalculation get_raw_resource_replicas(
    int32_t current_replicas, int64_t target_usage_milli, const std::string& resource,
    const std::string& container, const HPATolerances& tolerances,
    const std::vector<HPAPodInfo>& pods, const PodNameIds& ids, SimTime now, const HPAConfig& cfg,
    CalcScratch& scratch);
HPAReplicaCalculation get_metric_replicas(int32_t current_replicas, int64_t target_usage_milli,
                                          const std::string& metric_name,
                                          const HPATolerances& tolerances,
                                          const std::vector<HPAPodInfo>& pods,
                                          const PodNameIds& ids, SimTime now, const HPAConfig& cfg,
                                          CalcScratch& scratch);

// ---- normalization with the rules of each direction given separately

// The direction's rules as generate_scale_up_rules / generate_scale_down_rules
// return them: `rules` itself when defaulting would not change it (window,
// selectPolicy and policies set), else `storage`, filled.
const HPAScalingRules& defaulted_scale_up_rules(const std::optional<HPAScalingRules>& rules,
                                                std::optional<HPAScalingRules>& storage);
const HPAScalingRules& defaulted_scale_down_rules(const std::optional<HPAScalingRules>& rules,
                                                  const HPAConfig& cfg,
                                                  std::optional<HPAScalingRules>& storage);

// normalize_desired_replicas_with_behaviors on defaulted rules.
HPANormalization normalize_desired_replicas_with_rules(
    HPAState& state, const HPAScalingRules& up_rules, const HPAScalingRules& down_rules,
    int32_t current_replicas, int32_t desired_replicas, int32_t min_replicas, int32_t max_replicas,
    SimTime now);

// int32(math.Ceil(x)) with the result saturated to int32 (NaN -> MaxInt32).
int32_t ceil_to_int32(double x);

// getPerPodUsage: ceil(usage / replicas), 0 for 0 replicas.
int64_t per_pod_usage(int64_t usage, int32_t status_replicas);

// The External metric value: the sum of every returned series (milli),
// saturated at MaxInt64 as upstream caps an overflowing sum.
int64_t sum_milli(const std::vector<Quantity>& values);

// Saturating int128 -> int64.
int64_t saturate_int64(Int128 v);

}  // namespace simcluster::hpa_internal
