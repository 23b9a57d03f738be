// kube-scheduler, default profile, as a pure function over a cluster snapshot.
//
// ClusterSnapshot is the scheduler's cache: one NodeInfo per node with running
// aggregates (requested, non-zero requested, pod count, label/affinity indexes)
// that add_pod / remove_pod update INCREMENTALLY, so a scheduling decision never
// re-sums the pods of a node. schedule() runs one scheduling cycle for one pod
// (PreFilter -> Filter on the nodes examined round robin -> PostFilter
// preemption if nothing fits -> PreScore/Score/NormalizeScore -> selectHost with
// a seeded reservoir sample) and returns the chosen node or kube-scheduler's
// failure message. It never binds: the caller calls add_pod with the result.
//
// Mirrors kubernetes/kubernetes pkg/scheduler (schedule_one.go, framework/runtime,
// framework/plugins/{nodeunschedulable, nodename, tainttoleration, nodeaffinity,
// noderesources, podtopologyspread, interpodaffinity, volumebinding,
// defaultpreemption}); failure strings as in Kubernetes v1.27-v1.31 (e.g.
// "node(s) had untolerated taint {key: value}", "node(s) had volume node affinity
// conflict"; v1.32+ shortened some of them). Every formula and its worked example is
// in /work/shared/spec/scheduler.md and next to the code in lib/sched/.
//
// Differences from a real kube-scheduler, on purpose:
//  * Nodes are evaluated sequentially in snapshot order (upstream: 16 goroutines that
//    stop once enough feasible nodes are found), so the examined set is deterministic.
//  * Ties are broken with the Rng passed in (upstream: math/rand).
//  * ImageLocality is not modelled (no image sizes): it would score 0 on every node, so
//    leaving it out changes no ranking. NodePorts, VolumeRestrictions, NodeVolumeLimits and
//    DynamicResources filters are not modelled. VolumeBinding is reduced to "a pod whose
//    PVC is bound to a zone must run in that zone" (PodInfo::required_zone).
//  * Nominated pods of other preemptors are not reserved on their nominated node.
//  * PodDisruptionBudgets are not consulted by preemption (every victim counts as
//    not violating a PDB).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/objects.h"
#include "simcluster/resources.h"
#include "simcluster/rng.h"
#include "simcluster/time.h"

namespace simcluster {

// Dense ids into a ClusterSnapshot. A NodeId is never reused while the snapshot lives;
// the PodId of a removed pod may be given to a later add_pod (drop ids on removal).
using NodeId = uint32_t;
using PodId = uint32_t;

// framework/interface.go and util/pod_resources.go constants.
inline constexpr int64_t kMaxNodeScore = 100;
inline constexpr int64_t kMaxCustomPriorityScore = 10;
inline constexpr int64_t kDefaultMilliCpuRequest = 100;                // 100m
inline constexpr int64_t kDefaultMemoryRequest = 200LL * 1024 * 1024;  // 200Mi
// schedule_one.go
inline constexpr int64_t kMinFeasibleNodesToFind = 100;
inline constexpr int64_t kMinFeasibleNodesPercentageToFind = 5;

// ---------------------------------------------------------------- the pod being scheduled

// Everything the scheduler reads about a pod, computed once per pod (or once per
// pod template and reused for every replica).
struct PodInfo {
  std::string name;
  std::string ns = "default";
  StringMap labels;
  Resources requests;               // pod_requests(spec): the Filter and BalancedAllocation
  Resources non_zero_requests;      // pod_requests(spec, true): cpu/memory scoring (100m/200Mi)
  std::string node_name;            // spec.nodeName, checked by the NodeName filter
  std::string nominated_node_name;  // status.nominatedNodeName: tried first when it fits
  StringMap node_selector;
  std::optional<NodeAffinity> node_affinity;
  std::vector<Toleration> tolerations;
  std::vector<TopologySpreadConstraint> topology_spread_constraints;
  std::optional<PodAffinity> pod_affinity;
  std::optional<PodAffinity> pod_anti_affinity;
  int32_t priority = 0;                  // may be negative (overprovisioning placeholders)
  bool preemption_policy_never = false;  // preemptionPolicy: Never
  std::string owner_kind;  // controller owner kind: "ReplicaSet", "StatefulSet", "" ...
  // Selector of the system default topology spread constraints (hostname maxSkew 3, zone
  // maxSkew 5, ScheduleAnyway), used only when topology_spread_constraints is empty:
  // the merged selectors of the Services selecting the pod plus the requirements of its
  // controlling ReplicaSet / StatefulSet (helper.DefaultSelector; build it with
  // default_spread_selector()). Empty: no default spreading for this pod.
  LabelSelector default_spread_selector;
  // VolumeBinding, simplified: the zone the pod's bound PVCs are pinned to ("" = none).
  std::string required_zone;
  SimTime start_time;  // preemption prefers evicting the most recently started victims
};

// Builds a PodInfo from a Pod: requests via pod_requests, priority (default 0), owner
// kind from the controller ownerReference. default_spread_selector and required_zone
// need other objects and are left empty.
PodInfo make_pod_info(const Pod& pod);

// helper.DefaultSelector: the Services' map selectors merged into matchLabels, then
// the requirements of the controlling ReplicaSet/StatefulSet/RC selector appended.
// Example: service {app: chat} + RS {app: chat, pod-template-hash: 5d} ->
// matchLabels {app: chat, pod-template-hash: 5d}.
LabelSelector default_spread_selector(std::span<const StringMap> service_selectors,
                                      const LabelSelector* owner_selector);

// ---------------------------------------------------------------- the snapshot

// What the snapshot keeps of a bound pod.
struct SnapshotPod {
  std::string name;
  std::string ns;
  NodeId node = 0;
  int32_t priority = 0;
  SimTime start_time;
  Resources requests;
  int64_t non_zero_cpu_milli = 0;
  int64_t non_zero_memory = 0;
  bool terminating = false;  // still holds resources, no longer counted for spread/affinity
  bool live = false;
};

// Per-node aggregates (framework.NodeInfo). Maintained by ClusterSnapshot; read-only
// for everyone else.
struct NodeInfo {
  std::string name;
  StringMap labels;
  std::vector<Taint> taints;
  bool unschedulable = false;
  bool live = false;  // false once removed
  std::string zone;   // topology.kubernetes.io/zone ("" when absent)
  Resources allocatable;
  Resources requested;  // sum of the pods' effective requests; requested.pods = pod count
  int64_t non_zero_cpu_milli = 0;  // NonZeroRequested
  int64_t non_zero_memory = 0;
  std::vector<PodId> pods;         // bound pods, unordered
  int32_t pods_with_affinity = 0;  // pods having pod (anti-)affinity
  int32_t pods_with_required_anti_affinity = 0;
  int32_t prefer_no_schedule_taints = 0;  // taints with effect PreferNoSchedule

  int64_t pod_count() const { return static_cast<int64_t>(pods.size()); }
};

// The scheduler's view of the cluster. Copyable: a copy is an independent fork
// (the cluster autoscaler simulates on forks).
class ClusterSnapshot {
 public:
  ClusterSnapshot();
  ~ClusterSnapshot();
  ClusterSnapshot(const ClusterSnapshot& other);
  ClusterSnapshot& operator=(const ClusterSnapshot& other);
  ClusterSnapshot(ClusterSnapshot&&) noexcept;
  ClusterSnapshot& operator=(ClusterSnapshot&&) noexcept;

  // ---- nodes
  // Adds a node; allocatable from node.allocatable (node.capacity where absent; "pods"
  // defaults to 110). Throws InputError (at node.metadata.source) for a duplicate name.
  NodeId add_node(const Node& node);
  // Replaces labels, taints, unschedulable and allocatable; pods stay.
  void update_node(NodeId id, const Node& node);
  void set_unschedulable(NodeId id, bool unschedulable);
  // REQUIRES: the node holds no pods (remove or move them first).
  void remove_node(NodeId id);
  std::optional<NodeId> find_node(std::string_view name) const;
  const NodeInfo& node(NodeId id) const;
  size_t num_nodes() const;      // live nodes
  size_t node_id_limit() const;  // every NodeId ever returned is < this
  // The live nodes in the order the scheduler walks them (node_tree.go): grouped by
  // zone (region + zone labels), zones in order of first appearance, one node per zone
  // per round. Zones a:{a1,a2,a3}, b:{b1} -> a1, b1, a2, a3.
  std::span<const NodeId> node_order() const;

  // ---- pods
  // Binds (assumes) the pod on the node and updates the node's aggregates. No fit check:
  // the caller decides (a pod with spec.nodeName may over-commit a node, as in Kubernetes).
  // REQUIRES: the node is live.
  PodId add_pod(const PodInfo& pod, NodeId node);
  // Removes a bound pod and its contribution to every aggregate. REQUIRES: live.
  void remove_pod(PodId id);
  // A terminating pod keeps its resources but stops counting for topology spread and
  // inter-pod affinity (countPodsMatchSelector skips terminating pods).
  void mark_terminating(PodId id);
  // status.startTime, once the kubelet has accepted the pod (preemption's tie-break).
  void set_pod_start_time(PodId id, SimTime start);
  const SnapshotPod& pod(PodId id) const;
  const StringMap& pod_labels(PodId id) const;
  size_t num_pods() const;  // live pods

  // ---- scheduler state (schedule_one.go nextStartNodeIndex)
  uint64_t next_start_node_index() const;
  void set_next_start_node_index(uint64_t index);

  // Bytes held by the snapshot's own structures (an estimate: vector capacities, map
  // nodes, string buffers), for the memory benchmark.
  size_t memory_bytes() const;
  // "" when every aggregate equals the sum over the node's pods and indexes agree;
  // with require_fit also checks requested <= allocatable on every node. Otherwise
  // a description of the first broken invariant. O(pods).
  std::string check_invariants(bool require_fit) const;

  struct Impl;  // lib/sched/snapshot.h

 private:
  std::unique_ptr<Impl> impl_;
  friend Impl& snapshot_impl(ClusterSnapshot& s);
  friend const Impl& snapshot_impl(const ClusterSnapshot& s);
};

// ---------------------------------------------------------------- plugins and config

// framework.Code, reduced to the outcomes a Filter may have.
enum class FilterCode { kSuccess, kUnschedulable, kUnschedulableAndUnresolvable };

struct FilterStatus {
  FilterCode code = FilterCode::kSuccess;
  std::vector<std::string> reasons;  // e.g. {"Insufficient cpu", "Insufficient memory"}
  bool ok() const { return code == FilterCode::kSuccess; }
};

// An extra Filter plugin (the built-in ones are compiled in). Runs after the built-in
// filters, in the order listed in SchedulerConfig::extra_filters.
class FilterPlugin {
 public:
  virtual ~FilterPlugin() = default;
  virtual std::string_view name() const = 0;
  virtual FilterStatus filter(const PodInfo& pod, const NodeInfo& node) const = 0;
};

// An extra Score plugin. score() may return any value; normalize() maps the scores of
// the feasible nodes into 0..kMaxNodeScore (the default clamps).
class ScorePlugin {
 public:
  virtual ~ScorePlugin() = default;
  virtual std::string_view name() const = 0;
  virtual int64_t weight() const { return 1; }
  virtual int64_t score(const PodInfo& pod, const NodeInfo& node) const = 0;
  virtual void normalize(std::span<int64_t> scores) const;
};

enum class ScoringStrategy { kLeastAllocated, kMostAllocated, kRequestedToCapacityRatio };

struct ResourceWeight {
  std::string name;  // "cpu", "memory", "ephemeral-storage", "nvidia.com/gpu", ...
  int64_t weight = 1;
};

// A point of the RequestedToCapacityRatio shape: utilization 0..100 -> score 0..10.
struct UtilizationShapePoint {
  int64_t utilization = 0;
  int64_t score = 0;
};

// Plugin weights of the default profile (apis/config/v1/default_plugins.go).
struct PluginWeights {
  int64_t taint_toleration = 3;
  int64_t node_affinity = 2;
  int64_t node_resources_fit = 1;
  int64_t pod_topology_spread = 2;
  int64_t inter_pod_affinity = 2;
  int64_t balanced_allocation = 1;
};

// KubeSchedulerConfiguration, default profile. The defaults are upstream's.
struct SchedulerConfig {
  // 0 = adaptive (50 - nodes/125 percent, at least 5%); else 1..100.
  int32_t percentage_of_nodes_to_score = 0;
  // NodeResourcesFitArgs.scoringStrategy. A weight of 0 is defaulted to 1.
  ScoringStrategy scoring_strategy = ScoringStrategy::kLeastAllocated;
  std::vector<ResourceWeight> scoring_resources = {{"cpu", 1}, {"memory", 1}};
  // RequestedToCapacityRatio shape, utilization strictly increasing.
  std::vector<UtilizationShapePoint> shape = {{0, 0}, {100, 10}};
  // NodeResourcesFitArgs.ignoredResources / ignoredResourceGroups (extended resources).
  std::vector<std::string> ignored_resources;
  std::vector<std::string> ignored_resource_groups;
  // NodeResourcesBalancedAllocationArgs.resources.
  std::vector<ResourceWeight> balanced_resources = {{"cpu", 1}, {"memory", 1}};
  PluginWeights weights;
  bool system_default_spreading = true;  // PodTopologySpreadArgs.defaultingType: System
  int32_t hard_pod_affinity_weight = 1;  // InterPodAffinityArgs
  bool preemption = true;                // DefaultPreemption enabled
  int32_t min_candidate_nodes_percentage = 10;
  int32_t min_candidate_nodes_absolute = 100;
  // Borrowed; must outlive every schedule() call using this config.
  std::vector<const FilterPlugin*> extra_filters;
  std::vector<const ScorePlugin*> extra_scores;
  SourceLocation source;  // where it was configured, for validation errors
};

// Throws InputError (at config.source) for values kube-scheduler's validation rejects:
// percentage outside 0..100, negative weights, an empty or non-increasing shape, shape
// utilization outside 0..100 or score outside 0..10, an empty scoring resource list.
void validate_scheduler_config(const SchedulerConfig& config);

// ---------------------------------------------------------------- scheduling

struct ScheduleResult {
  std::optional<NodeId> node;  // the selected node; nullopt when the pod fits nowhere
  std::string node_name;
  int64_t num_all_nodes = 0;
  int64_t evaluated_nodes = 0;  // nodes the Filter ran on this cycle
  int64_t feasible_nodes = 0;
  // Failure: reason -> number of nodes reporting it (FitError's histogram), and the
  // event message, e.g. "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3
  // nodes are available: 3 No preemption victims found for incoming pod.."
  std::map<std::string, int64_t> reasons;
  std::string message;
  // PostFilter (DefaultPreemption): when evicting `victims` from `nominated_node` lets the
  // pod fit. The caller deletes the victims and retries the pod later (upstream sets
  // status.nominatedNodeName; the pod is not bound in this cycle).
  std::optional<NodeId> nominated_node;
  std::vector<PodId> victims;

  bool ok() const { return node.has_value(); }
};

// One scheduling cycle for `pod` (schedule_one.go schedulePod + RunPostFilterPlugins).
// Reads and updates only nodes.next_start_node_index(); draws from rng for ties and the
// preemption offset. The message sorting and aggregation follow FitError.Error().
// Example: 3 empty nodes of 2 CPU, a pod asking 3 CPU ->
// {node: nullopt, message: "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3
// nodes are available: 3 No preemption victims found for incoming pod.."}.
[[nodiscard]] ScheduleResult schedule(const PodInfo& pod, ClusterSnapshot& nodes,
                                      const SchedulerConfig& config, Rng& rng);

// All Filter plugins of the profile on one node, as a fresh cycle would run them
// (PreFilter state included). For the cluster autoscaler's "does it fit there" checks.
[[nodiscard]] FilterStatus run_filters(const PodInfo& pod, const ClusterSnapshot& nodes,
                                       NodeId node, const SchedulerConfig& config);

// ---------------------------------------------------------------- pure pieces (tested alone)

// schedule_one.go numFeasibleNodesToFind. (0, 1000) -> 420; (0, 6000) -> 300; (40, 6000) -> 2400.
int64_t num_feasible_nodes_to_find(int32_t percentage_of_nodes_to_score, int64_t num_all_nodes);

// Resource scorers (noderesources/*_allocated.go, requested_to_capacity_ratio.go). For each
// resource i: requested[i] already includes the incoming pod; a resource with
// allocatable[i] == 0 is skipped. All integer arithmetic as upstream.
// least: (4000,10000) alloc, (3000,5000) req, weights 1,1 -> (25 + 50) / 2 = 37.
int64_t least_allocated_score(std::span<const int64_t> requested,
                              std::span<const int64_t> allocatable,
                              std::span<const int64_t> weights);
// most: same input -> (75 + 50) / 2 = 62.
int64_t most_allocated_score(std::span<const int64_t> requested,
                             std::span<const int64_t> allocatable,
                             std::span<const int64_t> weights);
// shape (utilization 0..100, score 0..10) as configured; scaled x10 internally.
int64_t requested_to_capacity_ratio_score(std::span<const int64_t> requested,
                                          std::span<const int64_t> allocatable,
                                          std::span<const int64_t> weights,
                                          std::span<const UtilizationShapePoint> shape);
// helper.BuildBrokenLinearFunction evaluated at p (shape used as given, no rescaling).
// (10,1),(90,9): f(15) = 1, f(20) = 2, f(89) = 8, f(110) = 9.
int64_t broken_linear(std::span<const UtilizationShapePoint> shape, int64_t p);
// balanced_allocation.go: fractions min(req/alloc, 1); (1 - std) * 100 truncated.
// (3000,5000) over (4000,10000) -> 87.
int64_t balanced_allocation_score(std::span<const int64_t> requested,
                                  std::span<const int64_t> allocatable);
// helper.DefaultNormalizeScore(100, reverse). {0,1,2} reverse -> {100,50,0}.
void default_normalize_score(std::span<int64_t> scores, bool reverse);

// FitError.Error(): "0/N nodes are available:" + " " + sorted "count reason" items + "."
// then " " + post_filter_message + "." when non-empty. Preemption's message ends with its
// own period, so the event ends in "..", as kube-scheduler's do: "0/3 nodes are
// available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption
// victims found for incoming pod.."
std::string fit_error_message(int64_t num_all_nodes, const std::map<std::string, int64_t>& reasons,
                              std::string_view post_filter_message);

// v1helper.TolerationsTolerateTaint.
bool tolerates_taint(std::span<const Toleration> tolerations, const Taint& taint);
// nodeaffinity: node selector map and required terms (ORed; matchFields metadata.name).
bool matches_node_selector_and_affinity(const PodInfo& pod, const StringMap& node_labels,
                                        std::string_view node_name);

}  // namespace simcluster
