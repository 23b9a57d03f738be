// Report: the result of one simulated run, as a value. The engine's recorder
// fills it; lib/report renders it as text, JSON, CSV or HTML. Everything here
// is computed by the simulation from the inputs. Containers are vectors in a
// fixed order (workloads sorted by namespace/kind/name, events by time then
// sequence), so the same inputs and seed give byte-identical renderings.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simcluster/resources.h"
#include "simcluster/time.h"

namespace simcluster {

inline constexpr int kReportVersion = 1;

// Requests and limits summed over the pods that exist at one instant.
struct ResourceTotals {
  int64_t pods = 0;
  int64_t cpu_requests_milli = 0;
  int64_t memory_requests = 0;  // bytes
  int64_t cpu_limits_milli = 0;
  int64_t memory_limits = 0;
  int64_t storage = 0;  // bytes requested by the PVCs that exist (bound or not)
};

struct WorkloadSample {
  int32_t replicas = 0;  // pods that exist (not terminating)
  int32_t ready = 0;
  int32_t desired = 0;            // spec.replicas (what the HPA asked for)
  double cpu_utilization = 0;     // percent of requests, averaged over Ready pods
  double memory_utilization = 0;  // percent of requests
};

struct Sample {
  SimTime t;
  double users = 0;
  std::vector<WorkloadSample> workloads;  // parallel to Report::workloads
  int32_t nodes = 0;                      // Ready nodes
  std::vector<int32_t> pool_nodes;        // Ready nodes per pool, parallel to Report::node_pools
  int32_t pending_pods = 0;
  std::vector<double> latency_ms;  // parallel to Report::services
  std::vector<double> rps;         // requests/s arriving at each Service, parallel to services
  ResourceTotals totals;
};

// One thing that happened. kind is one of: HPAScaled, HPAHeld, RolloutStarted,
// RolloutStep, RolloutComplete, RolloutFailed, FailedScheduling, Scheduled,
// Preempted, Evicted, OOMKilled, ContainerRestarted, NodeFailed, NodeRecovered,
// NodeCordoned, NodeDrained, NodeRemoved, LoadChanged, SLOBreached, SLORecovered; the cluster
// autoscaler's ScaledUpGroup, TriggeredScaleUp, NotTriggerScaleUp, FailedToScaleUpGroup,
// NodeAdded, ScaleDown.
struct ReportEvent {
  SimTime t;
  std::string kind;
  std::string object;  // "Deployment/production/chat-service", "Node/pool-0"
  std::string message;
  std::map<std::string, std::string> details;  // e.g. metric, raw, stabilized, limitedBy
};

struct HPASummary {
  int32_t min_replicas = 0, max_replicas = 0;
  std::vector<std::string> targets;  // "cpu 70%", "memory 80%"
  int32_t scale_ups = 0, scale_downs = 0;
  // Seconds from a load change to the scaled-up replicas being Ready, per scale-up burst.
  std::vector<int64_t> reaction_seconds;
};

struct WorkloadSummary {
  std::string kind, ns, name;
  int32_t start_replicas = 0, min_replicas = 0, max_replicas = 0, end_replicas = 0;
  int64_t seconds_at_max = 0;  // time at the HPA's maxReplicas (or at max seen, without HPA)
  Resources requests_per_pod, limits_per_pod;
  std::optional<HPASummary> hpa;
  std::vector<int64_t> rollout_seconds;  // each completed rollout
  int64_t storage_per_pod = 0;
  // CPU throttling: pod-seconds (at metrics resolution) in which a pod's CPU
  // demand exceeded its limit, so it used only the limit (CFS throttling),
  // and the highest demand seen as a percentage of the limit.
  int64_t throttled_pod_seconds = 0;
  double peak_cpu_demand_of_limit = 0;
};

struct PendingSummary {
  int32_t max_pending = 0;
  int64_t pod_seconds = 0;
  std::map<std::string, int32_t> reasons;  // scheduler message -> times seen
};

struct NodeSummary {
  std::string pool;
  int32_t min_ready = 0, max_ready = 0;
  double node_hours = 0;
  double cost = 0;  // node_hours x price per hour
  Resources allocatable_per_node;
  // Each node a node autoscaler added to the pool: seconds from the oldest pod it was added
  // for turning Pending to the node being Ready (scale-up reaction + nodeProvisioning).
  std::vector<int64_t> pending_to_ready_seconds;
};

struct ServiceSummary {
  std::string ns, name;
  double peak_rps = 0;
  double p_max_latency_ms = 0;
  double mean_latency_ms = 0;
  int64_t seconds_over_slo = 0;
  // Seconds (at metrics resolution) the Service was saturated or had no Ready
  // pod (latency infinite; those samples are left out of the latency figures).
  int64_t saturated_seconds = 0;
};

// One reason a run does not fit (Report::verdict). check is one of:
//   PodsPending       a pod stayed Pending longer than the grace (FitCriteria)
//   ServiceSaturated  a Service's arrivals reached its capacity, or it had no Ready pod
//   OverSLO           a Service's mean latency was above the SLO
//   OOMKilled         a container was killed for exceeding its memory limit
//   CrashLoopBackOff  a container OOM-killed again and again (restarts >= 2, in back-off)
//   HPAAtMax          an HPA at maxReplicas whose metrics asked for more (upstream's
//                     ScalingLimited=True, reason TooManyReplicas)
//   CPUThrottled      a workload's pods ran at their CPU limit for more than the bound
// object names the workload ("Deployment/ns/name") or Service ("Service/ns/name").
struct FitIssue {
  std::string check;
  std::string object;
  SimTime first;        // first time after the settle window
  int64_t count = 0;    // occurrences (pods, scrapes, kills) after the settle window
  std::string message;  // what happened, with the figures
  int64_t value = 0;    // HPAAtMax: the most replicas the metrics asked for
};

// Whether the cluster held the run: fits only when no FitIssue was found after
// the settle window (the first minutes, while a cold start or a ramp settles).
struct Verdict {
  bool fits = true;
  SimDuration settle{0};         // issues before this are not counted
  SimDuration pending_grace{0};  // a pod Pending for less than this is not an issue
  // With a node autoscaler, a pod may also wait this much longer for the node being added
  // for it: the slowest pool's nodeProvisioning plus the autoscaler's reaction (the
  // cluster-autoscaler's scanInterval and newPodScaleUpDelay, Karpenter's batchMaxDuration).
  // 0 without a node autoscaler.
  SimDuration node_wait{0};
  double max_throttled_percent = 0;  // of a workload's pod-time after settle
  std::vector<FitIssue> issues;      // by check, then first time, then object
};

struct Warning {
  std::string code;  // "HPAMaxExceedsCapacity", "SingleReplicaStateful", "RolloutCannotSurge", ...
  std::string message;
};

struct Report {
  int version = kReportVersion;
  std::string scenario;  // name
  std::string file;      // scenario path as given
  // The scenario's overrides ("PATH=VALUE", as given to --set), in order.
  std::vector<std::string> overrides;
  uint64_t seed = 0;
  SimDuration duration{0};
  SimDuration sample_interval{0};
  std::optional<double> slo_latency_ms;

  std::vector<WorkloadSummary> workloads;
  std::vector<ServiceSummary> services;
  std::vector<NodeSummary> node_pools;
  PendingSummary pending;
  ResourceTotals totals_start, totals_peak, totals_end;  // peak = most CPU requested
  double avg_cpu_utilization_of_allocatable = 0;  // requests / allocatable, time-averaged, percent
  double peak_cpu_utilization_of_allocatable = 0;
  double total_cost = 0;
  std::vector<Warning> warnings;
  Verdict verdict;
  // "steady": the run started from the replicas the initial load settles at
  // (a cluster that has been running); "cold": from the manifests' replicas
  // with the whole initial load arriving at once (a flash crowd); "dump": from
  // a live cluster's dump (cluster.fromManifests), its pods where they ran.
  std::string start = "cold";
  std::vector<ReportEvent> events;
  std::vector<Sample> samples;

  // How far the run got (== duration after a complete run) and how many
  // engine events it processed (a measure of the simulation's own cost).
  SimTime simulated_until;
  uint64_t events_processed = 0;
};

}  // namespace simcluster
