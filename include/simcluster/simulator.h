// Simulator: a discrete-event replay of what a Kubernetes cluster does with a
// set of manifests over simulated time, and the Report of what happened.
//
// A Simulator owns its whole world (object store, controllers, event queue,
// recorder, one seeded Rng); there are no globals, so many can run in one
// process (capacity sweeps run one per setting). Same SimulationConfig + seed
// => byte-identical Report.
//
// The world mirrors kube-controller-manager, kube-scheduler and the kubelets:
// an object store, level-triggered controllers that reconcile one key at a
// time from de-duplicating work queues, woken only by changes to the kinds
// they watch, and run in a fixed order (lib/sim/README.md describes the
// step, the order, the timing models and what is simplified). Decisions are the pure functions of
// hpa.h, workload.h and scheduler.h; the engine only feeds them the state and
// applies their results. Timing that Kubernetes drives by polling (probes,
// back-offs, deadlines, toleration seconds) is computed ahead as the instant a
// transition happens and queued as one event, so a steady pod costs nothing.
//
// Typical use:
//   SimulationConfig cfg = to_simulation_config(scenario, manifests, &load_model);
//   Simulator sim(std::move(cfg));      // throws InputError for a bad config
//   sim.run();                          // to cfg.duration
//   const Report& r = sim.report();
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/autoscaler.h"
#include "simcluster/hpa.h"
#include "simcluster/load_source.h"
#include "simcluster/nodes.h"
#include "simcluster/objects.h"
#include "simcluster/report.h"
#include "simcluster/scheduler.h"
#include "simcluster/time.h"

namespace simcluster {

struct Scenario;  // scenario.h

// ---------------------------------------------------------------- kubelet

// Per-workload overrides of the kubelet timings (unset fields use KubeletConfig's).
struct PodTiming {
  std::optional<SimDuration> image_pull;
  std::optional<SimDuration> container_start;
  std::optional<SimDuration> shutdown;
};

// How long the kubelet takes to run a pod once bound. Readiness then follows
// the pod's own readiness probe (initialDelaySeconds, periodSeconds,
// successThreshold); see lib/sim/kubelet.cpp for the exact timeline.
struct KubeletConfig {
  // Pulling the pod's images when the node does not have them yet (imagePullPolicy
  // IfNotPresent: a node pulls an image once; a later pod using it skips the pull).
  SimDuration image_pull{5'000};
  // Creating and starting the containers, after the pull.
  SimDuration container_start{2'000};
  // How long a container takes to exit after SIGTERM; capped by the pod's
  // terminationGracePeriodSeconds (default 30 s). nullopt: the whole grace
  // period (the conservative reading: the pod holds its node resources until
  // the kubelet's SIGKILL).
  std::optional<SimDuration> shutdown;
  // Overrides by workload, keyed "Kind/ns/name" (e.g. "Deployment/production/chat").
  std::map<std::string, PodTiming> workloads;
  // Container restart back-off (kubelet pkg/kubelet/kuberuntime: 10 s doubling to 5 min;
  // the first restart after a crash is immediate, the back-off is reset after
  // the container ran for 2 x the maximum (10 min) without a crash).
  SimDuration crash_loop_initial{10'000};
  SimDuration crash_loop_max{300'000};
  // Pod usage when no LoadSource (or no modelled Service) covers the pod: CPU
  // in millicores (the LoadSource's idle_cpu_milli() wins when there is one),
  // memory in bytes. nullopt: derived from the pod's own requests
  // (load_model.h, derived_baseline: per container min(5m, request / 10) and
  // min(64Mi, request / 2), never above a limit).
  std::optional<int64_t> idle_cpu_milli;
  std::optional<int64_t> idle_memory;
};

// ---------------------------------------------------------------- node lifecycle

// kube-controller-manager's node lifecycle controller and taint-based eviction.
struct NodeLifecycleConfig {
  // --node-monitor-grace-period: a node that stopped reporting is marked
  // NotReady (Ready=Unknown) this long after its last heartbeat, and tainted
  // node.kubernetes.io/unreachable:NoExecute (upstream 40 s before v1.32, 50 s since).
  SimDuration node_monitor_grace_period{50'000};
  // DefaultTolerationSeconds admission: pods without their own toleration of
  // the not-ready/unreachable NoExecute taints get 300 s.
  int64_t default_toleration_seconds = 300;
  // Evicted pods on an unreachable node cannot be confirmed gone by their
  // kubelet. false (Kubernetes' behaviour while the Node object exists): they
  // stay Terminating until the node recovers; a ReplicaSet replaces them at
  // once (it ignores terminating pods) but a StatefulSet does not, since it
  // guarantees at most one pod per ordinal. true: they are removed once
  // their grace period has passed, which is what pod GC does when the cloud
  // provider deletes the Node (the VM is gone) or an operator taints it
  // node.kubernetes.io/out-of-service (pkg/controller/podgc/gc_controller.go).
  bool force_delete_unreachable_pods = false;
};

// ---------------------------------------------------------------- scheduler queue

// kube-scheduler's scheduling queue (pkg/scheduler/backend/queue).
struct SchedulingQueueConfig {
  SimDuration pod_initial_backoff{1'000};
  SimDuration pod_max_backoff{10'000};
  // podMaxInUnschedulablePodsDuration: an unschedulable pod is retried at
  // least this often even when nothing in the cluster changed.
  SimDuration max_in_unschedulable{300'000};
};

// ---------------------------------------------------------------- jobs

struct JobConfig {
  // How long one Job pod runs once started before it succeeds. nullopt: Jobs
  // and CronJobs are not run (listed in the report with a note).
  std::optional<SimDuration> run_duration = SimDuration{60'000};
};

// ---------------------------------------------------------------- HPA metric values

// One step of a supplied metric: `value` holds from `at` until the next step.
struct MetricStep {
  SimDuration at{0};
  Quantity value;
};
// Steps sorted by `at`, distinct. Before the first step there is no value:
// the metrics API returns nothing, as for a metric nobody exports yet.
using MetricSeries = std::vector<MetricStep>;

// The value of `series` at `t` (the last step at or before t), or nullopt.
inline std::optional<Quantity> metric_value_at(const MetricSeries& series, SimTime t) {
  std::optional<Quantity> out;
  for (const MetricStep& s : series) {
    if (s.at > t.since_start) break;
    out = s.value;
  }
  return out;
}

// Values of one HPA's metrics that the engine does not compute: Pods, Object
// and External metrics come from custom.metrics.k8s.io and
// external.metrics.k8s.io, i.e. from an application or a queue the cluster
// does not model. The HPA controller copies them into HPAInputs at every sync,
// so upstream's replica calculation runs on them. A metric of those types with
// no value here fails as the metrics API would (FailedGet*Metric) and the
// report warns HPAMetricNotSimulated.
struct HPAMetricValues {
  // Pods metrics: metric name -> the value every Running pod of the target
  // reports (e.g. requests_per_second per pod).
  std::map<std::string, MetricSeries> pods;
  // Object metrics: object_metric_key(spec) ("Ingress/main-route:requests-per-second") -> value.
  std::map<std::string, MetricSeries> object;
  // External metrics: metric name -> value (one series, whatever the selector).
  std::map<std::string, MetricSeries> external;
};

// ---------------------------------------------------------------- timeline

enum class TimelineAction {
  kRollout,      // new pod template of a workload (image change)
  kFailNode,     // the node stops heartbeating (kubelet/VM down); node or zone
  kRecoverNode,  // it reports again (Ready)
  kCordon,       // spec.unschedulable = true
  kUncordon,
  kDrain,       // cordon + evict every pod through the eviction API (PDBs respected)
  kRemoveNode,  // the Node object is deleted (VM gone); its pods are garbage-collected
  kScale,       // kubectl scale: set spec.replicas of a workload (an HPA may undo it)
};
std::string_view to_string(TimelineAction action);

// What is wrong with a rolled-out revision, to model failed rollouts.
enum class RolloutFault {
  kNone,
  kCrash,  // containers exit right after starting: restarts with CrashLoopBackOff
  kHang,   // containers run but never pass a probe: never Ready; a liveness (or
           // startup) probe kills them after failureThreshold failures -> restarts
};

// One scheduled change to the world. Load changes are the LoadSource's business.
struct SimTimelineEvent {
  SimDuration at{0};
  TimelineAction action = TimelineAction::kRollout;
  // kRollout / kScale: the workload ("Deployment", "StatefulSet", "DaemonSet"
  // for rollouts; "Deployment", "StatefulSet", "ReplicaSet" for scale; "" =
  // the only workload of that name) and, for a rollout, the new image of
  // `container` ("" = every container; no image and no fault = `kubectl
  // rollout restart`).
  std::string kind, ns, name;
  std::string container;
  std::string image;
  // kRollout: a broken revision (the rollout then cannot complete).
  RolloutFault fault = RolloutFault::kNone;
  // kScale: the new spec.replicas.
  int32_t replicas = 0;
  // Node actions: one node by name, or every node of a zone.
  std::string node;
  std::string zone;
  SourceLocation source;
};

// ---------------------------------------------------------------- scripted usage

// One running pod at a metrics sample, for SimulationConfig::usage_hook.
struct PodUsageQuery {
  SimTime t;
  std::string ns, pod;
  std::string workload;   // "Kind/ns/name" of the owning workload ("" for a bare pod)
  int64_t cpu_milli = 0;  // what the LoadSource (or idle usage) gave
  int64_t memory = 0;
};
struct PodUsageOverride {
  int64_t cpu_milli = 0;  // demand; the engine caps it at the CPU limit (throttling)
  int64_t memory = 0;     // bytes; above the memory limit the container is OOM-killed
};
using UsageHook = std::function<std::optional<PodUsageOverride>(const PodUsageQuery&)>;

// ---------------------------------------------------------------- configuration

// A run keeps every report sample in memory (about 120 bytes, plus 32 per
// workload and 8 per Service, each), so their number is bounded:
// duration / sample_interval may be at most kMaxReportSamples (the sample at
// t = 0 comes on top). 200,000 samples are 2 days 7 h sampled every second,
// or 138 days sampled every minute. (The two functions below are defined in
// lib/scenario, whose parser checks the limit too.)
inline constexpr int64_t kMaxReportSamples = 200'000;

// The shortest sample interval, in whole seconds, that keeps a run of
// `duration` within kMaxReportSamples: 366 days -> 2m39s; 1 h -> 1s.
SimDuration min_sample_interval(SimDuration duration);

// The error message (without location) for a run of `duration` sampled every
// `sample_interval` that takes more than kMaxReportSamples samples, with what
// to do in `hint`; empty when the run is within the limit.
std::string too_many_samples(SimDuration duration, SimDuration sample_interval, std::string* hint);

// start: steady scales the workloads to their settled replicas this long
// after t = 0 (add_steady_start, render.h); the first report sample is taken
// then, after that scale, instead of at t = 0.
inline constexpr SimDuration kSteadyStartAt{1};

// When a run "fits" (Report::verdict): what is checked after the settle window.
struct FitCriteria {
  // Issues up to `settle` into the run are not counted (a cold start, the
  // HPAs' first scale-ups). nullopt: 10 minutes, or a quarter of the run when
  // that is shorter.
  std::optional<SimDuration> settle;
  // A pod Pending for less than this is scheduling, not a shortage (the
  // scheduler's back-off retries within 10 s).
  SimDuration pending_grace{30'000};
  // A workload's pods may run at their CPU limit (CFS throttling) for at most
  // this percentage of their pod-time after the settle window.
  double max_throttled_percent = 5.0;
  // The settle window a run of `duration` uses.
  SimDuration settle_for(SimDuration duration) const {
    if (settle) return std::min(*settle, duration);
    return std::min(SimDuration{600'000}, SimDuration{duration.count() / 4});
  }
};

// The cluster autoscaler (cluster.autoscaler, kind cluster-autoscaler): flags under their
// upstream names and defaults (kubernetes/autoscaler cluster-autoscaler/config/flags/flags.go).
// It scales the pools that have a max (NodePool::min / max), see lib/sim/cluster_autoscaler.cpp.
struct ClusterAutoscalerConfig {
  bool enabled = false;
  SimDuration scan_interval{10'000};                // --scan-interval
  SimDuration scale_down_unneeded_time{600'000};    // --scale-down-unneeded-time
  SimDuration scale_down_delay_after_add{600'000};  // --scale-down-delay-after-add
  double scale_down_utilization_threshold = 0.5;    // --scale-down-utilization-threshold
  int32_t max_nodes_total = 0;                      // --max-nodes-total (0 = unlimited)
  ExpanderConfig expander;                          // --expander (least-waste), priorities
  SimDuration max_node_provision_time{900'000};     // --max-node-provision-time
  SimDuration new_pod_scale_up_delay{0};            // --new-pod-scale-up-delay
  bool skip_nodes_with_local_storage = true;        // --skip-nodes-with-local-storage
  bool skip_nodes_with_system_pods = true;          // --skip-nodes-with-system-pods
  bool scale_down_enabled = true;                   // --scale-down-enabled
  bool balance_similar_node_groups = false;         // --balance-similar-node-groups
};

// A Karpenter NodePool (cluster.autoscaler: {kind: karpenter, nodePools: [...]}): the instance
// types and capacity types it may launch, its limits and its disruption settings
// (kubernetes-sigs/karpenter pkg/apis/v1/nodepool.go). Each (instance type, capacity type) is
// an offering, backed by a NodePool of SimulationConfig::node_pools with count 0 that holds
// the launched nodes (named "<nodepool>-<type>" or "<nodepool>-<type>-spot"), see
// lib/sim/karpenter.cpp.
struct KarpenterOffering {
  size_t pool = 0;  // index into SimulationConfig::node_pools
  std::string instance_type;
  bool spot = false;
};
struct KarpenterNodePool {
  std::string name;
  std::vector<KarpenterOffering> offerings;
  int32_t weight = 0;                      // spec.weight: higher is tried first
  std::optional<int64_t> limit_cpu_milli;  // spec.limits.cpu (node capacity summed)
  std::optional<int64_t> limit_memory;     // spec.limits.memory (bytes)
  // spec.disruption: consolidationPolicy WhenEmptyOrUnderutilized (true, the default) or
  // WhenEmpty (false); consolidateAfter (default 0s); budgets nodes (default "10%").
  bool consolidate_underutilized = true;
  SimDuration consolidate_after{0};
  int32_t budget_nodes_percent = 10;
};
struct KarpenterConfig {
  bool enabled = false;
  SimDuration batch_idle_duration{1'000};  // BATCH_IDLE_DURATION
  SimDuration batch_max_duration{10'000};  // BATCH_MAX_DURATION
  SimDuration disruption_poll{10'000};     // disruption controller's polling period
  std::vector<KarpenterNodePool> node_pools;
};

struct SimulationConfig {
  std::string name;  // for the report
  std::string file;  // scenario path as given, for the report

  Manifests manifests;
  std::vector<std::string> namespaces;  // simulated namespaces; empty = all

  std::vector<NodePool> node_pools;  // nodes listed in manifests.nodes are added too
  // cluster.fromManifests: the cluster is the manifests' Nodes (a live cluster's dump) and
  // node_pools are their pools (node_pools_from_nodes, nodes.h): the pools' nodes are those
  // Nodes, not generated ones, each priced by its pool. The run starts from the dump's
  // state: the workloads at their replicas (an HPA's status.desiredReplicas when it has
  // one), their pods on the nodes the dump's Pods name (spec.nodeName; already Running ones
  // are Ready at t = 0), the dump's Pending pods pending. A placement the simulator cannot
  // honour (the node is gone, full, or no longer admits the pod) is a report warning
  // (ClusterDumpPlacement) and the pod goes through the scheduler.
  bool cluster_from_manifests = false;
  SchedulerConfig scheduler;
  SchedulingQueueConfig scheduling_queue;

  SimDuration duration{3'600'000};
  uint64_t seed = 1;
  SimDuration sample_interval{60'000};     // Report samples
  SimDuration metrics_resolution{15'000};  // metrics-server scrape period
  HPAConfig hpa;                           // sync period 15 s, tolerance 0.1, ...
  KubeletConfig kubelet;
  NodeLifecycleConfig node_lifecycle;
  ClusterAutoscalerConfig autoscaler;
  KarpenterConfig karpenter;  // at most one of autoscaler / karpenter is enabled
  JobConfig jobs;
  // Values of HPAs' Pods / Object / External metrics, by HPA "ns/name"
  // (an HPA that does not exist is an InputError).
  std::map<std::string, HPAMetricValues> hpa_metrics;

  std::vector<SimTimelineEvent> timeline;  // any order; fired by (at, position)
  // Borrowed; must outlive the Simulator. nullptr: no traffic, idle usage.
  const LoadSource* load = nullptr;
  // Tests: replaces a pod's usage at each metrics sample (after the LoadSource).
  UsageHook usage_hook;

  std::optional<double> slo_latency_ms;
  FitCriteria fit;
  std::string start = "cold";  // for the report: "steady" or "cold" (Report::start)
  // Wall-clock guard for `run`: stop after this many processed events (0 = none).
  uint64_t max_events = 0;
};

// Builds the engine's configuration from a scenario and its loaded manifests.
// `load` is the scenario's LoadModel (or any LoadSource), borrowed.
// Throws InputError for a timeline reference that resolves to nothing.
// cluster.fromManifests: the pools of the manifests' Nodes (node_pools_from_nodes, which
// labels each Node with its pool). Throws InputError (at scenario.source) when there is none.
std::vector<NodePool> dump_node_pools(const Scenario& scenario, std::vector<Node>& nodes);

SimulationConfig to_simulation_config(const Scenario& scenario, Manifests manifests,
                                      const LoadSource* load);

// ---------------------------------------------------------------- read access

// A pod as `kubectl get pods -o wide` would show it.
struct PodView {
  std::string ns, name;
  std::string owner;     // "ReplicaSet/web-5d8f7", "StatefulSet/db", "" for a bare pod
  std::string workload;  // "Deployment/ns/web", "StatefulSet/ns/db", ...
  std::string node;      // "" while Pending
  std::string phase;     // Pending, Running, Succeeded, Failed
  std::string status;    // kubectl's STATUS column: Pending, ContainerCreating, Running,
                         // CrashLoopBackOff, OOMKilled, Terminating, Completed
  bool ready = false;
  int32_t restarts = 0;
  std::string revision;             // pod-template-hash or controller-revision-hash
  std::string pending_reason;       // the scheduler's last message while unschedulable
  std::vector<std::string> claims;  // PVC names mounted
};

struct NodeView {
  std::string name, pool, zone;
  bool ready = true;
  bool unschedulable = false;
  Resources allocatable, requested;
  int32_t pods = 0;
};

struct WorkloadView {
  std::string kind, ns, name;
  int32_t desired = 0;  // spec.replicas (DaemonSet: eligible nodes)
  int32_t pods = 0;     // not terminating
  int32_t ready = 0;
  int32_t available = 0;
  int32_t updated = 0;  // at the current template revision
  bool rollout_in_progress = false;
};

class Store;  // lib/sim/store.h: the object store, for white-box tests

class Simulator {
 public:
  // Builds the world at t = 0: nodes of the pools, workloads, Services, HPAs,
  // PDBs; nothing runs until run/run_until. Throws InputError for a config the
  // engine cannot run (a timeline naming a missing workload, node or zone, an
  // object of the simulated namespaces the API server would refuse: the
  // first of api_violations(), as `simcluster validate` lists it; an invalid
  // scheduler config or node pool, a pool node named like another node, a
  // non-positive sample interval). An HPA whose target does not exist is not
  // an error: it reports FailedGetScale, as in Kubernetes.
  explicit Simulator(SimulationConfig config);
  ~Simulator();
  Simulator(Simulator&&) noexcept;
  Simulator& operator=(Simulator&&) noexcept;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  SimTime now() const;
  SimTime end() const;  // t = config.duration

  // Processes every event at times <= t (and the controllers they wake), then
  // sets now() = t. A t before now() does nothing.
  void run_until(SimTime t);
  // run_until(end()); `progress`, when set, is called after each simulated
  // minute with (now, end).
  void run(const std::function<void(SimTime now, SimTime end)>& progress = {});

  // The Report as of now() (finalised summaries; samples up to now()).
  // Computed on each call; the reference stays valid until the next call.
  const Report& report();

  std::vector<PodView> pods() const;            // sorted by ns, name
  std::vector<NodeView> nodes() const;          // sorted by name
  std::vector<WorkloadView> workloads() const;  // sorted by ns, kind, name
  std::optional<WorkloadView> workload(std::string_view kind, std::string_view ns,
                                       std::string_view name) const;
  // The HPA's in-memory state (recommendations, scale events, status), or nullptr.
  const HPAState* hpa_state(std::string_view ns, std::string_view name) const;
  // Events processed so far (for benchmarks and the "small event count" check).
  uint64_t events_processed() const;

  const Store& store() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simcluster
