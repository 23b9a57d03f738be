// The HorizontalPodAutoscaler controller's decision logic, as pure functions.
//
// Mirrors k8s pkg/controller/podautoscaler/horizontal.go (reconcileAutoscaler,
// computeReplicasForMetrics, normalizeDesiredReplicas[WithBehaviors],
// stabilizeRecommendation[WithBehaviors], convertDesiredReplicasWithBehaviorRate,
// storeScaleEvent) and replica_calculator.go (GetResourceReplicas,
// GetRawResourceReplicas, GetMetricReplicas, GetObject*/GetExternal*), and
// pkg/apis/autoscaling/v2/defaults.go for the behavior defaults. The spec is
// /work/shared/spec/hpa.md; section numbers (§) below refer to it.
//
// Contract:
//  * Nothing here reads a clock, a simulator or a global. Time is the `now`
//    argument. The only memory between syncs is HPAState, which the caller owns
//    (one per HPA, as kube-controller-manager keeps it in memory) and passes
//    back on every sync. Same inputs + same state => same decision.
//  * Resources are never floating point. Samples and requests are Quantity
//    (cpu: Quantity::from_milli(millicores); memory: Quantity::from_value(bytes));
//    the arithmetic is done on Quantity::milli_value() in 128-bit integers, as
//    upstream does on MilliValue(). Only the usage *ratio* is a double, exactly
//    where upstream uses float64 (e.g. ceil(ratio * readyPodCount)).
//  * Nothing throws during a sync: failures are data (a condition with a
//    reason, a proposal with an error message). validate_hpa() is the one
//    function that throws InputError, for a malformed HPA object.
//
// Typical use by the simulation engine, every cfg.sync_period per HPA:
//
//   HPAState state;                                   // kept per HPA
//   HPAInputs in{.spec_replicas = deploy.replicas, .status_replicas = ...,
//                .pods = {...one HPAPodInfo per pod the scale selector matches...}};
//   HPADecision d = hpa_reconcile(hpa, state, in, now, cfg);
//   if (d.rescale) set deployment replicas to d.desired_replicas;
//   report d (explain_decision(d) answers "why didn't it scale?").
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "simcluster/objects.h"
#include "simcluster/quantity.h"
#include "simcluster/time.h"

namespace simcluster {

// ---------------------------------------------------------------- configuration

// kube-controller-manager's HPA flags (§1) and the few feature gates that
// change the arithmetic. Every field has the upstream default.
struct HPAConfig {
  // --horizontal-pod-autoscaler-sync-period: how often the caller should sync.
  SimDuration sync_period = std::chrono::seconds(15);
  // --horizontal-pod-autoscaler-tolerance, used for both directions unless the
  // HPA sets behavior.scale{Up,Down}.tolerance (and the gate below is on).
  double tolerance = 0.1;
  // --horizontal-pod-autoscaler-cpu-initialization-period (§3.2).
  SimDuration cpu_initialization_period = std::chrono::minutes(5);
  // --horizontal-pod-autoscaler-initial-readiness-delay (§3.2).
  SimDuration initial_readiness_delay = std::chrono::seconds(30);
  // --horizontal-pod-autoscaler-downscale-stabilization: the legacy window and
  // the default behavior.scaleDown.stabilizationWindowSeconds.
  SimDuration downscale_stabilization = std::chrono::minutes(5);
  // Legacy (no behavior) up-limit: trunc(max(factor * current, minimum)).
  // Production uses 2.0 and 4; Kubernetes' own horizontal_test.go uses 8.0.
  double scale_up_limit_factor = 2.0;
  double scale_up_limit_minimum = 4.0;
  // Feature gates.
  bool configurable_tolerance = true;  // HPAConfigurableTolerance (beta, on)
  bool pod_level_resources = false;    // PodLevelResources: pod-level requests win
  bool scale_to_zero = false;          // HPAScaleToZero (§6)
};

// A ratio r is within tolerance iff (1 - down) <= r <= (1 + up).
// Example: down = up = 0.1: r = 0.9 and r = 1.1 hold replicas; r = 1.11 does not.
struct HPATolerances {
  double scale_down = 0.1;
  double scale_up = 0.1;
  bool is_within(double ratio) const {
    return (1.0 - scale_down) <= ratio && ratio <= (1.0 + scale_up);
  }
};

// ---------------------------------------------------------------- inputs

// One metrics-server sample (metrics.k8s.io PodMetrics): usage per container,
// taken over [timestamp - window, timestamp].
struct HPAPodMetricsSample {
  SimTime timestamp;
  SimDuration window = std::chrono::seconds(30);
  // container name -> resource usage ("cpu" -> 120m, "memory" -> 200Mi).
  // A Resource metric sums every container; a pod counts as "missing" for a
  // resource when any of its containers lacks that resource here.
  // A ContainerResource metric reads one container; absent => "missing".
  std::map<std::string, ResourceList> containers;
  // Optional, for a caller that knows them (the engine): the pod's totals over its
  // containers, in milli-units (cpu millicores, memory bytes x 1000). When set, a Resource
  // metric of cpu or memory reads the total instead of summing `containers`, which then
  // needs to hold only what ContainerResource metrics read. Set only when every container
  // has the resource (else the pod is "missing", which the sum finds).
  std::optional<int64_t> cpu_total_milli, memory_total_milli;
};

// A container of the pod as the HPA sees it: its requests only.
struct HPAContainerInfo {
  std::string name;
  ResourceList requests;  // no entry for a resource = no request
  // True for an init container with restartPolicy Always (a sidecar): its
  // request counts. Plain init containers must not be listed at all.
  bool is_sidecar = false;
};

// The containers whose requests the HPA reads, from a pod spec: every
// regular container, then every init container with restartPolicy Always
// (sidecars). Plain init containers are left out, as upstream does.
[[nodiscard]] std::vector<HPAContainerInfo> hpa_containers(const PodSpec& spec);

enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };

// One pod matched by the scale target's selector, reduced to what the HPA
// reads (the pod lister + metrics client of upstream).
struct HPAPodInfo {
  std::string name;
  // Failed pods are ignored (Succeeded ones are not special); Pending pods count as
  // unready (§3.1, replica_calculator.go groupPods).
  PodPhase phase = PodPhase::kRunning;
  bool is_deleting = false;  // has a deletionTimestamp: ignored (§3.1)
  // The Ready condition: nullopt when the pod has no Ready condition yet.
  std::optional<bool> ready;
  SimTime ready_transition;                  // the Ready condition's lastTransitionTime
  std::optional<SimTime> start_time;         // status.startTime; nullopt before kubelet sets it
  std::vector<HPAContainerInfo> containers;  // regular containers + sidecars
  // Pod-level spec.resources.requests (only read with cfg.pod_level_resources).
  std::optional<ResourceList> pod_requests;
  // Latest resource metrics; nullopt = metrics-server has nothing for the pod.
  std::optional<HPAPodMetricsSample> usage;
  // Custom "Pods" metrics for this pod (custom.metrics.k8s.io): metric name ->
  // value. A Pods metric whose name no pod has is reported as not simulated.
  std::map<std::string, Quantity> custom_metrics;
  // False for a pod the pod lister no longer returns but the metrics API
  // still reports (a "superfluous" sample upstream): only its samples are
  // read; it has no phase, readiness or requests. Normally true.
  bool in_pod_list = true;
};

// Everything one sync reads besides the HPA object and the state.
// What a sync derives from the pod list alone (lib/hpa): see HPAInputs::pods_version.
struct HPAPodsCache;

struct HPAInputs {
  // The scale subresource of spec.scaleTargetRef. nullopt => FailedGetScale
  // (scale_error says why, e.g. `deployments.apps "web" not found`).
  std::optional<int32_t> spec_replicas;  // scale.spec.replicas ("current")
  std::string scale_error;
  int32_t status_replicas = 0;  // scale.status.replicas
  // scale.status.selector. Empty => no selector: SelectorRequired/InvalidSelector.
  bool has_selector = true;
  bool selector_is_ambiguous = false;  // another HPA selects the same pods
  std::vector<HPAPodInfo> pods;        // pods the selector matches, any order
  // Object metrics, keyed by object_metric_key(spec); External metrics keyed
  // by metric name, each a list of series values that are summed. A metric
  // with no entry here is reported as not simulated (ScalingActive False).
  std::map<std::string, Quantity> object_metrics;
  std::map<std::string, std::vector<Quantity>> external_metrics;
  // Failure injection: the scale update after a decision fails.
  bool scale_update_fails = false;
  // Optional, for callers that keep their inputs between syncs (the engine does): a
  // non-zero value promises that `pods` lists the same pods in the same order, with the
  // same names, containers (requests), pod_requests and in_pod_list, as at the last sync
  // given this value. That sync's grouping of the pods by name and their requests are then
  // reused from `pods_cache` (filled by hpa_reconcile) instead of derived again; only the
  // pods' state and metrics are read afresh. 0 (the default): everything is derived.
  uint64_t pods_version = 0;
  mutable std::shared_ptr<HPAPodsCache> pods_cache;
};

// "Deployment/web:requests-per-second": the key of an Object metric.
std::string object_metric_key(const MetricSpec& spec);

// ---------------------------------------------------------------- state

// A raw (pre-clamp) recommendation, kept for the stabilization windows.
struct HPARecommendation {
  int32_t replicas = 0;
  SimTime timestamp;
  friend bool operator==(const HPARecommendation&, const HPARecommendation&) = default;
};

// A successful rescale of |new - old| pods (one direction per list).
struct HPAScaleEvent {
  int32_t replica_change = 0;
  SimTime timestamp;
  bool outdated = false;
  friend bool operator==(const HPAScaleEvent&, const HPAScaleEvent&) = default;
};

// An HPA status condition (autoscaling/v2 HorizontalPodAutoscalerCondition).
struct HPACondition {
  std::string type;    // "AbleToScale", "ScalingActive", "ScalingLimited", "ScaledToZero"
  std::string status;  // "True" or "False"
  std::string reason;
  std::string message;
  SimTime last_transition_time;
  friend bool operator==(const HPACondition&, const HPACondition&) = default;
};

// One entry of status.currentMetrics (MetricStatus), flattened.
struct HPAMetricStatus {
  std::string type;  // "Resource", "ContainerResource", "Pods", "Object", "External"
  std::string name;  // resource or metric name
  std::optional<int32_t> average_utilization;  // percent, truncated (§3.4)
  std::optional<Quantity> average_value;
  std::optional<Quantity> value;
};

// The HPA's status as the controller writes it.
struct HPAStatus {
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;
  std::optional<SimTime> last_scale_time;
  std::vector<HPAMetricStatus> current_metrics;
  std::vector<HPACondition> conditions;  // in first-set order (setCondition)
};

// What the controller keeps in memory per HPA between syncs, plus the status
// it last wrote. Start with a default-constructed state; it is seeded with the
// current replica count on the first sync (`sync scale down stabilize initial
// size`). Resetting it models a kube-controller-manager restart.
struct HPAState {
  bool seen = false;  // recommendations[key] != nil upstream
  std::vector<HPARecommendation> recommendations;
  std::vector<HPAScaleEvent> scale_up_events;
  std::vector<HPAScaleEvent> scale_down_events;
  HPAStatus status;
};

// ---------------------------------------------------------------- replica calculator

// The outcome of one metric's replica calculation (§3).
struct HPAReplicaCalculation {
  bool ok = false;
  std::string error;  // upstream error text when !ok
  int32_t replicas = 0;
  // Resource Utilization targets: the truncated percent of the first pass.
  int32_t utilization = 0;
  // Utilization: raw average usage in milli-units. AverageValue / Pods:
  // the average usage (milli). Object/External: the (summed) value (milli).
  int64_t usage_milli = 0;
  double usage_ratio = 0.0;  // first-pass ratio (diagnostics)
  // Pod bookkeeping (groupPods): counts used for the "why" record.
  int32_t ready_pods = 0, unready_pods = 0, missing_pods = 0, ignored_pods = 0;
  // True when the rebalance (fill-in) pass ran, and its ratio.
  bool rebalanced = false;
  double rebalanced_ratio = 0.0;
  // True when the result is `current` because of the tolerance or a veto.
  bool held_by_tolerance = false;
  bool held_by_direction_veto = false;
};

// Resource / ContainerResource metric with a Utilization target (§3.5).
// `resource` is "cpu", "memory", ...; `container` empty for Resource.
// Example: 3 ready pods requesting 1000m using 900m, target 50%:
// utilization 90, ratio 1.8, replicas ceil(1.8 * 3) = 6.
[[nodiscard]] HPAReplicaCalculation get_resource_replicas(
    int32_t current_replicas, int32_t target_utilization, const std::string& resource,
    const std::string& container, const HPATolerances& tolerances,
    const std::vector<HPAPodInfo>& pods, SimTime now, const HPAConfig& cfg);

// Resource / ContainerResource metric with an AverageValue target (§3.6).
[[nodiscard]] HPAReplicaCalculation get_raw_resource_replicas(
    int32_t current_replicas, int64_t target_usage_milli, const std::string& resource,
    const std::string& container, const HPATolerances& tolerances,
    const std::vector<HPAPodInfo>& pods, SimTime now, const HPAConfig& cfg);

// Pods metric, AverageValue target (§3.6): values from HPAPodInfo::custom_metrics.
[[nodiscard]] HPAReplicaCalculation get_metric_replicas(int32_t current_replicas,
                                                        int64_t target_usage_milli,
                                                        const std::string& metric_name,
                                                        const HPATolerances& tolerances,
                                                        const std::vector<HPAPodInfo>& pods,
                                                        SimTime now, const HPAConfig& cfg);

// Object or External metric with a Value target (§3.7): ratio usage/target;
// ceil(ratio * #Running&Ready pods), or ceil(ratio) when current is 0.
[[nodiscard]] HPAReplicaCalculation get_usage_ratio_replicas(int32_t current_replicas,
                                                             int64_t usage_milli,
                                                             int64_t target_usage_milli,
                                                             const HPATolerances& tolerances,
                                                             const std::vector<HPAPodInfo>& pods);

// Object or External metric with an AverageValue target (§3.7), based on
// scale.status.replicas. Example: value 300, target 100/pod, 2 replicas: 3.
[[nodiscard]] HPAReplicaCalculation get_per_pod_usage_replicas(int32_t status_replicas,
                                                               int64_t usage_milli,
                                                               int64_t target_average_milli,
                                                               const HPATolerances& tolerances);

// ---------------------------------------------------------------- behavior and normalization

// behavior.scaleUp / scaleDown with every field filled as API defaulting does
// (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules), and a nil scale-down
// window filled from cfg.downscale_stabilization as the controller does.
// scaleUp default: window 0, Max of {Pods 4 / 15s, Percent 100 / 15s}.
// scaleDown default: window 300s, Max of {Percent 100 / 15s}.
HPAScalingRules generate_scale_up_rules(const std::optional<HPAScalingRules>& rules);
HPAScalingRules generate_scale_down_rules(const std::optional<HPAScalingRules>& rules,
                                          const HPAConfig& cfg);
// Both directions; use on hpa.behavior when it is present.
HPABehavior default_behavior(const HPABehavior& behavior, const HPAConfig& cfg);

// The tolerances the replica calculator uses for this HPA (§3).
[[nodiscard]] HPATolerances hpa_tolerances(const HorizontalPodAutoscaler& hpa,
                                           const HPAConfig& cfg);

// spec.metrics, or the default CPU 80% Utilization metric when empty.
[[nodiscard]] std::vector<MetricSpec> effective_metrics(const HorizontalPodAutoscaler& hpa);

// Replicas added minus removed in the last `period_seconds` (events strictly
// newer than now - period). Example: up-events +2@t-30s, +4@t-70s, period 60s: 2.
[[nodiscard]] int32_t get_replicas_change_per_period(int32_t period_seconds,
                                                     const std::vector<HPAScaleEvent>& events,
                                                     SimTime now);

// The rate-limit computation for one policy, for the "why" record.
struct HPAPolicyLimit {
  size_t index = 0;  // position in the (defaulted) policies list
  std::string type;  // "Pods" or "Percent"
  int32_t value = 0;
  int32_t period_seconds = 0;
  int32_t period_start_replicas = 0;  // current -/+ changes within the period
  int32_t limit = 0;                  // the replica bound this policy allows
};

// The result of a direction's limit: the bound and which policy set it
// (selected_policy nullopt when selectPolicy is Disabled: the bound is current).
struct HPARateLimit {
  int32_t limit = 0;
  std::optional<size_t> selected_policy;
  std::vector<HPAPolicyLimit> policies;
};

// calculateScaleUpLimitWithScalingRules. Pods: start + value; Percent:
// ceil(start * (1 + value/100)); Max -> largest, Min -> smallest, Disabled -> current.
// Example: current 4, no events, {Pods 2/60s, Percent 100/60s}, Max: max(6, 8) = 8.
[[nodiscard]] HPARateLimit calculate_scale_up_limit_with_scaling_rules(
    int32_t current_replicas, const std::vector<HPAScaleEvent>& scale_up_events,
    const std::vector<HPAScaleEvent>& scale_down_events, const HPAScalingRules& rules, SimTime now);

// calculateScaleDownLimitWithBehaviors. Pods: start - value; Percent:
// trunc(start * (1 - value/100)); Max -> smallest floor, Min -> largest, Disabled -> current.
// Example: current 10, no events, {Percent 50/300s}: trunc(10 * 0.5) = 5.
[[nodiscard]] HPARateLimit calculate_scale_down_limit_with_behaviors(
    int32_t current_replicas, const std::vector<HPAScaleEvent>& scale_up_events,
    const std::vector<HPAScaleEvent>& scale_down_events, const HPAScalingRules& rules, SimTime now);

// markScaleEventsOutdated: events strictly older than now - longest period
// are flagged outdated (their slots are reused by store_scale_event).
void mark_scale_events_outdated(std::vector<HPAScaleEvent>& events, int32_t longest_period_seconds,
                                SimTime now);

// storeScaleEvent: records a rescale prev -> next in the list of its direction,
// overwriting the last outdated entry, else appending. No-op when
// behavior is nullopt (the legacy path keeps no events). `behavior` is defaulted.
void store_scale_event(HPAState& state, const std::optional<HPABehavior>& behavior,
                       int32_t prev_replicas, int32_t new_replicas, SimTime now);

// How normalization changed the raw recommendation (§5).
struct HPANormalization {
  int32_t desired = 0;     // the raw max-over-metrics recommendation (input)
  int32_t stabilized = 0;  // after the stabilization window(s)
  // "" when stabilized == desired, else "ScaleUpStabilized"/"ScaleDownStabilized".
  std::string stabilization_reason;
  std::string stabilization_message;
  int32_t result = 0;  // after limits: the replicas to set
  // "DesiredWithinRange", "ScaleUpLimit", "ScaleDownLimit", "TooManyReplicas",
  // "TooFewReplicas"; and the ScalingLimited message.
  std::string limit_reason;
  std::string limit_message;
  // Behavior path only: the rate limit of the direction that applied.
  std::optional<HPARateLimit> rate_limit;
  std::string rate_limit_direction;  // "ScaleUp", "ScaleDown" or ""
};

// Legacy path (no behavior, §5.2): max over the downscale window, then
// [min, min(max, trunc(max(factor * current, minimum)))]. Updates recommendations.
// Example: current 3, desired 20, max 10: up-limit 6 -> 6, "ScaleUpLimit".
HPANormalization normalize_desired_replicas(std::vector<HPARecommendation>& recommendations,
                                            int32_t current_replicas, int32_t desired_replicas,
                                            int32_t min_replicas, int32_t max_replicas, SimTime now,
                                            const HPAConfig& cfg);

// Behavior path (§5.3): both stabilization windows, then the policy rate
// limits and [min, max]. `behavior` must be defaulted (default_behavior).
// Updates state.recommendations (not the events: see store_scale_event).
HPANormalization normalize_desired_replicas_with_behaviors(
    HPAState& state, const HPABehavior& behavior, int32_t current_replicas,
    int32_t desired_replicas, int32_t min_replicas, int32_t max_replicas, SimTime now);

// ---------------------------------------------------------------- one sync

// An Event the controller would record on the HPA.
struct HPAEvent {
  std::string type;    // "Normal" or "Warning"
  std::string reason;  // "SuccessfulRescale", "FailedGetResourceMetric", ...
  std::string message;
  friend bool operator==(const HPAEvent&, const HPAEvent&) = default;
};

// One metric's proposal in a sync.
struct HPAMetricProposal {
  size_t index = 0;  // position in effective_metrics(hpa)
  // Upstream's metric name for events/conditions, e.g.
  // "cpu resource utilization (percentage of request)", "memory resource",
  // "pods metric packets-per-second", "Deployment metric rps",
  // "external metric queue-depth(<nil>)".
  std::string metric;
  std::string type;          // MetricSpec::type
  std::string target;        // "70%", "500m", "1k" (average value / value), for reports
  bool is_valid = false;     // false: the metric failed (see reason/error)
  bool is_simulated = true;  // false: Pods/Object/External value not supplied
  std::string reason;        // failure reason, e.g. "FailedGetResourceMetric"
  std::string error;         // failure message
  int32_t replicas = 0;      // proposed replicas (valid only)
  HPAMetricStatus current;   // what status.currentMetrics shows
  HPAReplicaCalculation calculation;
};

// Which branch of reconcileAutoscaler decided (§4).
enum class HPAOutcome {
  kFailedGetScale,    // no scale subresource: nothing done
  kScalingDisabled,   // current replicas 0 (§6)
  kAboveMaxReplicas,  // current > max: clamp, no metrics
  kBelowMinReplicas,  // current < min: clamp, no metrics
  kInvalidSelector,   // selector missing/invalid/ambiguous: no scaling
  kMetricsFailed,     // all metrics failed, or some failed and replicas < current
  kNormalized,        // metrics + normalization ran
};

std::string to_string(HPAOutcome outcome);

// The decision of one sync and the record of why.
struct HPADecision {
  SimTime time;
  HPAOutcome outcome = HPAOutcome::kNormalized;
  int32_t current_replicas = 0;  // scale.spec.replicas read
  int32_t desired_replicas = 0;  // what the scale should be after this sync
  bool rescale = false;          // desired != current and the update succeeded
  std::string rescale_reason;    // the SuccessfulRescale event's reason, e.g.
                                 // "cpu resource utilization (percentage of request) above target"
  std::vector<HPAMetricProposal> proposals;
  std::optional<size_t> winning_metric;  // index into proposals of the max
  int32_t metric_replicas = 0;           // the raw recommendation (max over metrics)
  std::string metric_error;              // error of computeReplicasForMetrics ("" if none)
  HPANormalization normalization;        // valid when outcome == kNormalized
  HPAStatus status;                      // the status written (conditions etc.)
  std::vector<HPAEvent> events;          // in the order the controller records them

  // The condition of `type` in status, or nullptr.
  const HPACondition* condition(const std::string& type) const;
};

// One reconcile of `hpa` (reconcileAutoscaler, §4) at `now`. Reads the inputs,
// updates `state` (recommendations, scale events, status), and returns the
// decision. Assumes the caller applies desired_replicas when rescale is true
// (unless in.scale_update_fails, which models a failed update).
// REQUIRES: hpa passed validate_hpa (malformed HPAs are still handled without
// crashing, but the result is only meaningful for valid ones).
[[nodiscard]] HPADecision hpa_reconcile(const HorizontalPodAutoscaler& hpa, HPAState& state,
                                        const HPAInputs& in, SimTime now, const HPAConfig& cfg);

// A few lines answering "what did the HPA decide and why", for reports:
//   4 -> 6 replicas: cpu resource utilization (percentage of request) above target
//     metric 0: cpu resource utilization (percentage of request) is 160% (target 70%):
//       proposes 10 <- highest
//     metric 1: memory resource utilization (percentage of request) is 78% (target 80%):
//       proposes 4 (within tolerance: keeps current)
//     recommendation 10, limited to 6 by ScaleUpLimit (policy 0: Percent 100 per 60s
//       from 3 replicas at period start allows 6)
//     AbleToScale=True SucceededRescale: ... (one line per condition)
// (each metric and the recommendation are on one line; wrapped here).
std::string explain_decision(const HPADecision& decision);

// Throws the first of hpa_api_violations(hpa, {cfg.scale_to_zero})
// (api_validation.h) as an InputError: what the API server would refuse
// (pkg/apis/autoscaling/validation): maxReplicas < 1 or < minReplicas,
// minReplicas < 1 (0 only with cfg.scale_to_zero and an Object/External
// metric), unknown metric/target types, missing or non-positive targets,
// policies with value <= 0 or period outside (0, 1800], windows outside
// [0, 3600], unknown selectPolicy.
void validate_hpa(const HorizontalPodAutoscaler& hpa, const HPAConfig& cfg);

}  // namespace simcluster
