// Scenario: one what-if run, as a value. A scenario file (YAML, documented in
// scenarios/README.md) names the manifests to load, the cluster (node pools),
// the scheduler's scoring, the load (users over time, routes, per-Service
// costs), a timeline of events (rollouts, node failures, load changes), the
// controllers' timings, an SLO, and optionally the claims a report made that
// the run should be compared with.
//
// Contract:
//  * load_scenario() reads and validates the file completely before returning:
//    every key is known (an unknown key is an InputError with "did you mean"),
//    every value has the right type and range, durations parse, relative paths
//    (manifests, traces, claims) resolve against the scenario's directory and
//    exist, traces are read and checked, claims files are parsed. Every error
//    carries file:line:col.
//  * References into the manifests (workloads of rollouts, Services of routes
//    and costs, node names of failures) are checked by check_scenario_references()
//    once the manifests are loaded, with the same kind of errors.
//  * Nothing here runs a simulation. to_simulation_config() (declared in
//    simulator.h) is defined in lib/scenario/simulation_config.cpp: it copies
//    the scenario's settings into a SimulationConfig and resolves timeline
//    workloads to (kind, ns, name).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/hpa.h"
#include "simcluster/load_model.h"
#include "simcluster/nodes.h"
#include "simcluster/objects.h"
#include "simcluster/scheduler.h"
#include "simcluster/simulator.h"
#include "simcluster/time.h"

namespace simcluster {

// ---------------------------------------------------------------- claims

// What a report (e.g. the My-SaaS-Chat seed report) claims, as data, so a
// simulation report can put each figure beside the computed one.

// "At N users: CPU U%, workload -> replicas".
struct ScalingClaim {
  int64_t users = 0;
  std::optional<int32_t> cpu_utilization_percent;  // "CPU 80%"
  std::map<std::string, int32_t> replicas;         // workload name -> pods
  SourceLocation source;
};

// Totals over every pod (requests), as claimed.
struct TotalsClaim {
  int32_t pods = 0;
  int64_t cpu_milli = 0;
  int64_t memory = 0;   // bytes
  int64_t storage = 0;  // bytes
  SourceLocation source;
};

// "N nodes x C CPU x M memory".
struct ClusterClaim {
  int32_t nodes = 0;
  int64_t cpu_milli_per_node = 0;
  int64_t memory_per_node = 0;  // bytes
  SourceLocation source;
};

struct Claims {
  std::string file;                    // the claims file, as resolved
  std::string title;                   // what made the claims ("My-SaaS-Chat Phase 9 report")
  std::string origin;                  // where it can be read
  std::vector<ScalingClaim> scaling;   // sorted by users, distinct
  std::optional<TotalsClaim> minimum;  // everything at minReplicas
  std::optional<TotalsClaim> maximum;  // everything at maxReplicas
  std::optional<ClusterClaim> recommended_cluster;
  std::optional<int32_t> full_scale_out_min_nodes;  // "10+ nodes for full scale-out"
  std::optional<SimDuration> scale_down_within;     // "gradual scale down over 5 minutes"

  // The scaling claim for exactly `users`, or nullptr.
  const ScalingClaim* at_level(int64_t users) const;
};

// Parses a claims file (format: scenarios/README.md, "Claims"). Throws InputError.
Claims load_claims(const std::string& path);
Claims parse_claims(std::string_view yaml_text, const std::string& file_name);

// ---------------------------------------------------------------- timeline

enum class TimelineKind {
  kRollout,
  kFailNode,
  kRecoverNode,
  kCordon,
  kUncordon,
  kDrain,
  kRemoveNode,
  kLoad
};
std::string_view to_string(TimelineKind kind);  // the scenario key: "rollout", "failNode", ...

// A workload named in a scenario: "name", "ns/name", "Kind/name" or "Kind/ns/name".
struct WorkloadRef {
  std::string kind;  // "" = any kind (Deployment, StatefulSet, DaemonSet)
  std::string ns;    // "" = the only workload of that name in the simulated namespaces
  std::string name;
};

struct TimelineEvent {
  SimDuration at{0};
  TimelineKind kind = TimelineKind::kLoad;
  // kRollout: a new pod template revision. `image` is set on `container` (empty:
  // every container whose image differs, i.e. all of them for a one-container pod).
  WorkloadRef workload;
  std::string container;
  std::string image;
  RolloutFault fault = RolloutFault::kNone;  // a broken revision (simulator.h)
  // Node events: one node, or every node of a zone.
  std::string node;
  std::string zone;
  // kLoad: the change (also copied into Scenario::load.changes, which the load
  // model applies; the engine only records the event).
  LoadChange load;
  SourceLocation source;
};

// ---------------------------------------------------------------- per-workload kubelet delays

// kubelet.workloads: one workload's pod delays, overriding kubelet.imagePull,
// containerStart and shutdown for its pods. to_simulation_config() resolves
// the workload (any kind whose pods the kubelet runs: Deployment, StatefulSet,
// DaemonSet, ReplicaSet, Job, CronJob) into KubeletConfig::workloads.
struct KubeletWorkloadTiming {
  WorkloadRef workload;  // as written
  PodTiming timing;      // unset fields keep the kubelet's
  SourceLocation source;
};

// ---------------------------------------------------------------- HPA metric values

// hpaMetrics: values for one HPA's Pods, Object and External metrics, which
// the engine does not compute. to_simulation_config() resolves the HPA into
// SimulationConfig::hpa_metrics.
struct HPAMetricsSpec {
  std::string ns;  // "" = the only HPA of that name in the simulated namespaces
  std::string name;
  HPAMetricValues values;  // object keys are "Kind/name:metric" (object_metric_key)
  // Where each metric was written, keyed "pods/NAME", "object/KEY", "external/NAME".
  std::map<std::string, SourceLocation> sources;
  SourceLocation source;  // the HPA's key
};

// ---------------------------------------------------------------- the scenario

// cluster.fromManifests with cluster.autoscaler: each pool inferred from the
// dump's Nodes is autoscaled between 1 node and this many.
inline constexpr int32_t kDumpPoolMax = 1000;

// plan: what `simcluster plan` searches (scenarios/README.md, "plan").
struct PlanSpec {
  // Load levels (users, constant) to plan for; empty: the scenario's own load.
  std::vector<double> levels;
  // Candidate node shapes (a pool's count is ignored); empty: every preset
  // with a price, plus the scenario's own pools' shapes.
  std::vector<NodePool> shapes;
  std::optional<int32_t> max_nodes;  // the largest count tried (default 100)
  // Requirements: "slo", "n+1", "zone", "rollout" (default slo, rollout, n+1).
  std::vector<std::string> require;
  SourceLocation source;
};

enum class StartMode { kSteady, kCold };
std::string_view to_string(StartMode mode);  // "steady", "cold"

struct SloSpec {
  std::optional<double> latency_ms;  // mean end-to-end latency a Service should stay under
  SourceLocation source;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;  // the scenario file as given (parse_scenario: its file_name)
  std::string dir;   // the directory relative paths resolve against

  // Paths to load, resolved ("-" = stdin), and where each was written.
  std::vector<std::string> manifests;
  std::vector<SourceLocation> manifest_sources;
  // Namespaces simulated; empty = every namespace in the manifests.
  std::vector<std::string> namespaces;

  SimDuration duration{3'600'000};  // 1 h
  uint64_t seed = 1;
  SimDuration sample_interval{60'000};     // report samples
  SimDuration metrics_resolution{15'000};  // metrics-server scrape period

  std::vector<NodePool> node_pools;
  // cluster.fromManifests: the cluster is the manifests' Nodes (a live cluster's
  // `kubectl get ... -A -o yaml` dump), their pools inferred (node_pools_from_nodes,
  // nodes.h) and node_pools empty; the run starts from the dump's state
  // (SimulationConfig::cluster_from_manifests) instead of `start`.
  bool cluster_from_manifests = false;
  ClusterAutoscalerConfig autoscaler;  // cluster.autoscaler (enabled when given)
  KarpenterConfig karpenter;           // cluster.autoscaler with kind: karpenter
  SchedulerConfig scheduler;

  LoadSpec load;  // users, routes, services, defaults, load changes
  SloSpec slo;
  std::vector<TimelineEvent> timeline;  // sorted by `at`, stable
  // Controller timings, in the engine's own types (simulator.h); every field
  // keeps the engine's default unless the scenario sets it.
  KubeletConfig kubelet;  // workloads stays empty: see kubelet_workloads
  std::vector<KubeletWorkloadTiming> kubelet_workloads;  // in file order
  NodeLifecycleConfig node_lifecycle;
  SchedulingQueueConfig scheduling_queue;
  JobConfig jobs;
  HPAConfig hpa;
  std::vector<HPAMetricsSpec> hpa_metrics;  // in file order

  // How the run starts (scenarios/README.md, "start"): kSteady from the
  // replicas the initial load settles at, kCold from the manifests' replicas.
  StartMode start = StartMode::kSteady;
  FitCriteria fit;  // verdict: settle window, pending grace, throttling bound
  std::optional<PlanSpec> plan;

  std::optional<Claims> claims;
  std::optional<int64_t> claims_level;  // users: which ScalingClaim this run checks

  // The overrides it was read with ("PATH=VALUE", as given to --set), in order.
  std::vector<std::string> overrides;

  SourceLocation source;  // the document
};

// A what-if change to a scenario without editing its file: `simcluster run
// --set PATH=VALUE`. PATH is dotted keys with [N] list indices
// ("cluster.nodePools[0].count", "services.chat-service.concurrency"; a key
// with a dot in it is quoted in brackets: labels["example.com/tier"]); VALUE
// is read as YAML ("5000", "true", "5m", "250m", or a flow value "[a, b]",
// "{k: v}"). The override is applied to the file's YAML tree before it is
// checked, so it gets every check the file gets (unknown keys with "did you
// mean", types, ranges, references), and errors about it are located at
// "--set PATH=VALUE" instead of a line of the file. Mappings on the way that
// the file does not have are created (--set slo.latency=200ms); a list index
// must exist (an out-of-range one is an error saying how many entries there
// are: --set changes entries, it does not add them). Later overrides of the
// same PATH win.
struct ScenarioOverride {
  std::string path;   // "cluster.nodePools[0].count"
  std::string value;  // "5"
};

// Splits "PATH=VALUE" at the first '='; nullopt when there is no '=' or PATH is empty.
std::optional<ScenarioOverride> parse_override(std::string_view text);

// `simcluster run --cluster-from DUMP`: runs the scenario on the cluster a live
// cluster's dump describes: the dump (path as given, relative to the working
// directory) becomes the scenario's manifests, with cluster.fromManifests
// (the scenario's node pools are dropped; autoscaler, load and timeline stay).
void use_cluster_dump(Scenario& scenario, const std::string& dump_path);

// Reads, parses and validates a scenario file; "-" is not accepted here (the
// manifests may come from stdin, the scenario may not). Throws InputError.
Scenario load_scenario(const std::string& path);

// Parses scenario text as if read from `file_name`; relative paths resolve
// against `base_dir` (empty: the directory of file_name).
Scenario parse_scenario(std::string_view yaml_text, const std::string& file_name,
                        const std::string& base_dir = {});

// The same, with `overrides` applied in order to the file's YAML before it is
// checked (see ScenarioOverride); Scenario::overrides records them.
Scenario load_scenario(const std::string& path, const std::vector<ScenarioOverride>& overrides);
Scenario parse_scenario(std::string_view yaml_text, const std::string& file_name,
                        const std::string& base_dir,
                        const std::vector<ScenarioOverride>& overrides);

// Checks the scenario's references against the loaded manifests: rollout
// workloads and containers, Services and routes of the load section (by
// building the call graph), node names and zones of timeline events, workload
// names of the claims, the workloads of kubelet.workloads, the HPAs and metric
// names of hpaMetrics. Throws InputError at the scenario's line, with "did you mean".
void check_scenario_references(const Scenario& scenario, const Manifests& manifests);

// What the scenario will simulate although it cannot happen, worth saying
// before the run: an HPA whose maxReplicas exceed the pods all the nodes can
// hold (an autoscaled pool at its max; nothing is said without a bound, as for
// a Karpenter NodePool without limits). The run simulates it (the Pending pods
// are the answer) but, driven there, it holds up to maxReplicas - capacity
// Pending pods, which costs time and memory. One line per HPA, in manifest
// order: "file:line:col: warning: ...; lower ... or add nodes".
std::vector<std::string> scenario_capacity_warnings(const Scenario& scenario,
                                                    const Manifests& manifests);

// Resolves a workload reference: the (kind, ns, name) of the one matching
// Deployment, StatefulSet or DaemonSet. Throws InputError at `where` when there
// is none (with "did you mean") or more than one.
WorkloadRef resolve_workload(const WorkloadRef& ref, const Manifests& manifests,
                             const std::vector<std::string>& namespaces,
                             const SourceLocation& where);

// The same over every kind whose pods the kubelet runs: Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob (kubelet.workloads).
WorkloadRef resolve_pod_workload(const WorkloadRef& ref, const Manifests& manifests,
                                 const std::vector<std::string>& namespaces,
                                 const SourceLocation& where);

// Resolves an HPA named "name" or "namespace/name" to its "namespace/name".
// Throws InputError at `where` when there is none (with "did you mean") or
// more than one.
std::string resolve_hpa(const std::string& ns, const std::string& name, const Manifests& manifests,
                        const std::vector<std::string>& namespaces, const SourceLocation& where);

// ---------------------------------------------------------------- calibration

// `simcluster calibrate`: fit cpu = baseline + cost x rate from a CSV of samples.
struct CalibrationOptions {
  std::string rate_column = "rate";  // requests per second
  std::string cpu_column = "cpu";    // a Kubernetes CPU quantity: "0.25" cores or "250m"
  std::string service;               // name to print in the scenario snippet
};

struct Calibration {
  CpuFit fit;
  size_t skipped_rows = 0;  // rows with an empty or NaN rate or cpu
  std::string file;
  CalibrationOptions options;
};

// Reads the CSV (a header row naming the columns; quoted fields allowed) and
// fits. Throws InputError at file:line for an unknown column (with "did you
// mean"), a row with the wrong number of fields, or an unparsable number.
Calibration calibrate_csv(const std::string& path, const CalibrationOptions& options);
Calibration calibrate_csv_text(std::string_view csv, const std::string& file_name,
                               const CalibrationOptions& options);

// The fit quality and the values in scenario syntax, as the CLI prints them.
std::string format_calibration(const Calibration& calibration);

// `simcluster calibrate --rate RATE.json --cpu CPU.json`: the same fit from
// Prometheus query_range responses (JSON, resultType matrix), e.g.
//   rate: sum by (service) (rate(http_requests_total[5m]))
//   cpu:  sum by (service, pod) (rate(container_cpu_usage_seconds_total[5m]))
// The two may be one file, the series told apart by the selectors. At each
// timestamp the rate series (summed) are a Service's requests per second and
// each cpu series is one pod's CPU in cores: the fit is of the mean CPU per pod
// against the requests per second per pod (rate / pods), the model's own
// terms (cpu = cpuBaseline + rate / pods x cpuPerRequest). When the rate
// series carry a `service` label with more than one value, each Service is
// fitted on its own (the cpu series by their `service` label).
struct PromCalibrationOptions {
  std::string rate_file{};
  std::string cpu_file{};     // may be rate_file
  std::string rate_series{};  // PromQL label matchers ({job="chat"}); empty: every series
  std::string cpu_series{};
  std::string service{};  // fit only this Service; the name in the snippet
};

struct ServiceCalibration {
  std::string service;  // "" when the series name none
  CpuFit fit;
  size_t min_pods = 0, max_pods = 0;  // cpu series with a sample at one time
  double max_residual_milli = 0;      // the largest |cpu - fitted|, and when
  int64_t max_residual_t_ms = 0;
};

struct PromCalibration {
  PromCalibrationOptions options;
  size_t rate_series = 0, cpu_series = 0;  // selected
  std::vector<ServiceCalibration> services;
};

// The fewest timestamps a Prometheus fit accepts: with fewer, a line through
// the points says little (2 points always fit exactly).
inline constexpr size_t kMinCalibrationSamples = 6;

// Throws InputError (file:line:col where there is one) for a response that is
// not a matrix (prometheus.h), a selector matching nothing, a NaN or infinite
// value, timestamps present in one file and not the other, fewer than
// kMinCalibrationSamples samples, or a rate without variation.
PromCalibration calibrate_prometheus(const PromCalibrationOptions& options);
PromCalibration calibrate_prometheus_text(std::string_view rate_json, std::string_view cpu_json,
                                          const PromCalibrationOptions& options);
std::string format_calibration(const PromCalibration& calibration);

}  // namespace simcluster
