// cluster-autoscaler's decision functions, as pure functions (no running simulation):
// the binpacking estimator, node utilization, the drainability of a pod and the
// expanders. The loop that calls them (scan interval, scale-up / scale-down timing,
// provisioning) is not here.
//
// Mirrors kubernetes/autoscaler cluster-autoscaler/ (layout of commit f7bb0c36, see
// /work/shared/spec/scheduler.md, section "Cluster autoscaler"):
//   estimator/binpacking_estimator.go, decreasing_pod_orderer.go,
//   threshold_based_limiter.go, sng_capacity_threshold.go, cluster_capacity_threshold.go;
//   simulator/utilization/info.go;
//   simulator/drainability/rules/*, utils/drain/drain.go, simulator/drain.go;
//   expander/{random,mostpods,leastnodes,waste,price,priority}, expander/factory/chain.go.
//
// Differences from upstream, on purpose:
//  * Deterministic: no time budget in the estimator limiter (upstream's
//    max-nodegroup-binpacking-duration), the random expander draws from the Rng passed in.
//  * The estimator starts FitsAnyNodeMatching's round-robin index at 0 for every estimate
//    (upstream keeps it in the long-lived predicate checker across calls).
//  * The pod orderer scores a group by the exemplar's effective requests (PodInfo::requests,
//    init containers and overhead included); upstream sums the app containers' requests only.
//    Groups with equal scores keep their input order (upstream: sort.Slice, not stable).
//  * Host ports are not modelled by the scheduler, so "hostport conflict" packing is not.
//  * Priority expander regexes are ECMAScript (std::regex, searched unanchored as Go's
//    FindStringIndex); RE2-only syntax is not supported.
//  * Drain rules: no custom-controller lister lookups (a controller is assumed to exist), no
//    blocking-system-pod-distruption-timeout; PDBs are given with their disruptionsAllowed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/objects.h"
#include "simcluster/resources.h"
#include "simcluster/rng.h"
#include "simcluster/scheduler.h"
#include "simcluster/time.h"

namespace simcluster {

// ---------------------------------------------------------------- binpacking estimator

// Pending pods with the same controller and scheduling-relevant spec (core/scaleup/
// equivalence/groups.go). pods[0] is the exemplar the orderer scores. Pods are placed in
// their order inside the group.
struct PodEquivalenceGroup {
  std::vector<PodInfo> pods;
};

// The node a node group would add (framework.NodeInfo of TemplateNodeInfo): the Node object
// (e.g. make_pool_node(pool, i)) and the pods every new node starts with (DaemonSets).
struct NodeTemplate {
  Node node;
  std::vector<PodInfo> pods;
};

// The estimator's node limit, as thresholdBasedEstimationLimiter computes it from its
// thresholds: each limit is -1 (no capacity: deny every node), 0 (not set) or positive;
// the combination is -1 when any is negative, else the smallest positive one, else 0.
// min_node_limit(-10, 10) == -1; (0, 0) == 0; (0, 10) == 10; (5, 10) == 5.
int32_t min_node_limit(int32_t base, int32_t target);

// The thresholds of a scale-up estimate for one node group (orchestrator.go builds them):
// static max-nodes-per-scaleup (default 1000), the group's room (sng_capacity_threshold.go:
// max - target, -1 when none left) and the cluster's (cluster_capacity_threshold.go:
// max-nodes-total - current nodes, -1 when reached, 0 when max-nodes-total is 0).
struct EstimationLimits {
  int32_t max_nodes_per_scale_up = 1000;
  int32_t group_max_size = 0;
  int32_t group_target_size = 0;
  int32_t max_nodes_total = 0;  // 0 = unlimited
  int32_t current_node_count = 0;
};
// Group max 10, target 3, max-nodes-total 8 with 6 nodes -> min(1000, 7, 2) = 2.
int32_t estimation_node_limit(const EstimationLimits& limits);

// One pod placed by the estimator: groups[group].pods[pod] on new node `node` (0-based, in
// the order the estimator added nodes; named "<template name>-e-<node>" in the fork).
struct EstimatedPod {
  uint32_t group = 0;
  uint32_t pod = 0;
  int32_t node = 0;
};

struct Estimate {
  // Distinct new nodes that received at least one pod (an added node left empty is not
  // counted, as upstream's newNodesWithPods).
  int32_t node_count = 0;
  int32_t nodes_added = 0;              // template copies added, empty ones included
  std::vector<EstimatedPod> scheduled;  // in the order they were placed
};

// BinpackingNodeEstimator.Estimate: First-Fit Decreasing over the template, Filter plugins
// only (run_filters; no Score), on a fork of `cluster` (existing nodes and pods count for
// topology spread and affinity; pods are only placed on new nodes). Steps:
//  1. order groups by exemplar cpu/alloc_cpu + mem/alloc_mem of the template, descending;
//  2. per group, place pods on the nodes added so far (FitsAnyNodeMatching: round robin over
//     the fork's nodes from the last hit, new nodes only) until one fits none of them;
//  3. the rest of the group: try the last added node (the fast path); if it does not fit,
//     stop the group when that node is still empty (a fresh template cannot host the pod),
//     ask the limiter (max_nodes from estimation_node_limit: -1 none, 0 unlimited, n), add a
//     template copy and place the pod there, stopping the group when even that fails.
// Example (binpacking_estimator_test.go): template 1000m, 10 pods of 350m -> 5 nodes.
// REQUIRES: the template node's name is not a node of `cluster`.
[[nodiscard]] Estimate estimate_binpacking(std::span<const PodEquivalenceGroup> groups,
                                           const NodeTemplate& node_template,
                                           const ClusterSnapshot& cluster, int32_t max_nodes,
                                           const SchedulerConfig& config = {});

// DecreasingPodOrderer.Order: the processing order (indices into groups).
std::vector<size_t> order_pod_groups(std::span<const PodEquivalenceGroup> groups,
                                     const Resources& template_allocatable);

// ---------------------------------------------------------------- pods as the autoscaler sees them

// A volume as the drain rules read it (isLocalVolume: hostPath, or emptyDir not in memory).
struct PodVolume {
  enum class Kind { kOther, kEmptyDir, kEmptyDirMemory, kHostPath };
  std::string name;
  Kind kind = Kind::kOther;
};

// What utilization and drainability read about a pod bound to a node.
struct AutoscalerPod {
  std::string name;
  std::string ns = "default";
  StringMap labels;
  StringMap annotations;
  std::string controller_kind;  // kind of the controller ownerReference; "" = bare pod
  std::string controller_name;
  // spec.replicas of the owning ReplicaSet / ReplicationController when known (checked
  // against min-replica-count with skip_nodes_with_custom_controller_pods).
  std::optional<int32_t> controller_replicas;
  Resources requests;             // pod_requests(spec)
  std::string phase = "Running";  // "Pending", "Running", "Succeeded", "Failed"
  std::string restart_policy = "Always";
  std::optional<SimTime> deletion_time;  // metadata.deletionTimestamp
  int64_t termination_grace_period_seconds = 30;
  std::vector<PodVolume> volumes;
};

// From a Pod: controller ownerReference, requests, restart policy, grace period, volumes
// (emptyDir -> kEmptyDir; hostPath is not modelled by Volume). Phase stays "Running".
AutoscalerPod make_autoscaler_pod(const Pod& pod);

// utils/pod: controller kind DaemonSet, or annotation
// cluster-autoscaler.kubernetes.io/daemonset-pod: "true".
bool is_daemonset_pod(const AutoscalerPod& pod);
// Annotation kubernetes.io/config.mirror present.
bool is_mirror_pod(const AutoscalerPod& pod);
// drain.IsPodLongTerminating: deleted, and deletion + grace period + 30 s is before now.
bool is_pod_long_terminating(const AutoscalerPod& pod, SimTime now);
// drain.IsPodTerminal: Never + Succeeded/Failed, OnFailure + Succeeded, or Failed.
bool is_pod_terminal(const AutoscalerPod& pod);
// drain.HasBlockingLocalStorage: a local volume not listed in the comma-separated
// annotation cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes.
bool has_blocking_local_storage(const AutoscalerPod& pod);

// ---------------------------------------------------------------- utilization

struct UtilizationOptions {
  bool skip_daemonset_pods = false;  // --ignore-daemonsets-utilization
  bool skip_mirror_pods = false;     // --ignore-mirror-pods-utilization
  // A GPU node's extended resource (GpuConfig.ExtendedResourceName): utilization is that
  // resource's alone. "" = not a GPU node.
  std::string gpu_resource;
};

struct UtilizationInfo {
  double cpu = 0;
  double memory = 0;
  double gpu = 0;
  std::string resource_name;  // "cpu" or "memory" (memory on ties), or the GPU resource
  double utilization = 0;     // max(cpu, memory), or gpu
};

// utilization.Calculate: per resource, the pods' requests over allocatable (in millis, as
// upstream's MilliValue division). Skipped DaemonSet / mirror pods are subtracted from
// allocatable instead; long-terminating pods do not count. nullopt where upstream returns
// an error (cpu or memory allocatable missing or 0); a GPU node whose GPU allocatable is 0
// reports utilization 0.
// Example: allocatable 4000m / 16 GiB, pods 1500m / 4 GiB -> cpu 0.375, memory 0.25,
// utilization 0.375 ("cpu").
std::optional<UtilizationInfo> node_utilization(const Resources& allocatable,
                                                std::span<const AutoscalerPod> pods,
                                                const UtilizationOptions& options, SimTime now);

// ---------------------------------------------------------------- drainability

// drainability.OutcomeType.
enum class DrainOutcome { kUndefined, kDrainOk, kBlockDrain, kSkipDrain };

// drain.BlockingPodReason.
enum class BlockingPodReason {
  kNoReason,
  kControllerNotFound,
  kMinReplicasReached,
  kNotReplicated,
  kLocalStorageRequested,
  kNotSafeToEvictAnnotation,
  kUnmovableKubeSystemPod,
  kNotEnoughPdb,
  kUnexpectedError,
};
// Upstream's constant name: "NotReplicated", "NotEnoughPdb", ...
std::string_view blocking_pod_reason_name(BlockingPodReason reason);

struct DrainStatus {
  DrainOutcome outcome = DrainOutcome::kUndefined;
  BlockingPodReason reason = BlockingPodReason::kNoReason;
  std::string message;  // upstream's error text, e.g. "default/web-0 is not replicated"
};

// A PodDisruptionBudget as the RemainingPdbTracker holds it.
struct RemainingPdb {
  std::string name;
  std::string ns = "default";
  LabelSelector selector;  // empty matches every pod of the namespace (policy/v1)
  int32_t disruptions_allowed = 0;
};

// options.NodeDeleteOptions; defaults are the flags' defaults.
struct DrainOptions {
  bool skip_nodes_with_system_pods = true;
  bool skip_nodes_with_local_storage = true;
  bool skip_nodes_with_custom_controller_pods = true;
  int32_t min_replica_count = 0;
};

// rules.Default(...).Drainable: the first rule with an outcome wins, in upstream's order:
// mirror (skip), long-terminating (skip); DaemonSet, safe-to-evict "true", terminal (ok);
// then blocking: not replicated (NotReplicated; with skip_nodes_with_custom_controller_pods
// only ReplicationController/Job/ReplicaSet/StatefulSet controllers count, and a RS/RC with
// fewer replicas than min_replica_count gives MinReplicasReached), kube-system without a
// matching PDB (UnmovableKubeSystemPod, with skip_nodes_with_system_pods), safe-to-evict
// "false" (NotSafeToEvictAnnotation), blocking local storage (LocalStorageRequested, with
// skip_nodes_with_local_storage), a matching PDB with disruptionsAllowed < 1 (NotEnoughPdb).
// kUndefined means no rule objected: the pod is moved.
DrainStatus pod_drainability(const AutoscalerPod& pod, std::span<const RemainingPdb> pdbs,
                             const DrainOptions& options, SimTime now);

// simulator/drain.go GetPodsToMove over a node's pods: indices of the pods to reschedule,
// of the DaemonSet pods, and the first blocking pod (its index and status), if any.
struct PodsToMove {
  std::vector<size_t> pods;
  std::vector<size_t> daemonset_pods;
  std::optional<size_t> blocking_pod;
  DrainStatus blocking;
};
PodsToMove pods_to_move(std::span<const AutoscalerPod> pods, std::span<const RemainingPdb> pdbs,
                        const DrainOptions& options, SimTime now);

// ---------------------------------------------------------------- expanders

// expander.Option with what the strategies read of its node group.
struct ExpansionOption {
  std::string node_group;  // NodeGroup.Id(): the pool name
  int32_t node_count = 0;
  std::vector<Resources> pods;  // requests of the pods the option schedules
  Resources node_capacity;      // template node status.capacity (least-waste, price)
  // Template node price in USD per hour (cloud pricing model NodePrice); nullopt: unknown,
  // the price expander skips the option.
  std::optional<double> node_price_per_hour;
  bool node_has_gpu = false;      // price: unfitness overridden to 1000
  bool node_group_exists = true;  // price: x2 for node groups yet to be created
};

enum class ExpanderKind { kRandom, kMostPods, kLeastNodes, kLeastWaste, kPrice, kPriority };
// "random", "most-pods", "least-nodes", "least-waste", "price", "priority"; nullopt otherwise.
std::optional<ExpanderKind> parse_expander(std::string_view name);

// The per-hour pod price of the provider (GCE's GcePriceModel constants by default).
struct PricingModel {
  double cpu_per_core_hour = 0.033174;
  double memory_per_gib_hour = 0.004446;
};

struct ExpanderConfig {
  std::vector<ExpanderKind> chain = {ExpanderKind::kLeastWaste};  // --expander=a,b,c
  // cluster-autoscaler-priority-expander ConfigMap "priorities": priority -> node group
  // name regexes. Higher wins.
  std::map<int32_t, std::vector<std::string>> priorities;
  PricingModel pricing;
  int32_t cluster_node_count = 0;  // price: SimplePreferredNodeProvider's cluster size
};

// Each strategy's BestOptions: the indices (into options, ascending) it keeps.
// least-waste: minimum (cpu_cap*n - cpu_req)/(cpu_cap*n) + (mem_cap*n - mem_req)/(mem_cap*n).
std::vector<size_t> least_waste_options(std::span<const ExpansionOption> options);
// most-pods: the most pods; least-nodes: the fewest nodes.
std::vector<size_t> most_pods_options(std::span<const ExpansionOption> options);
std::vector<size_t> least_nodes_options(std::span<const ExpansionOption> options);
// price: the single lowest score (unfitness suppressed by node count, times
// (node price + stabilization) / (pod price + stabilization)); empty when no option has a
// node price.
std::vector<size_t> price_options(std::span<const ExpansionOption> options,
                                  const PricingModel& pricing, int32_t cluster_node_count);
// price.go's score of one option (lower is better); nullopt without a node price.
std::optional<double> price_score(const ExpansionOption& option, const PricingModel& pricing,
                                  int32_t cluster_node_count);
// priority: options whose node group matches a regex of the highest priority any option
// matches; all options when none matches (upstream falls back to random over all of them),
// empty when a regex does not compile (the ConfigMap is rejected).
std::vector<size_t> priority_options(std::span<const ExpansionOption> options,
                                     const std::map<int32_t, std::vector<std::string>>& priorities);

// factory/chain.go: apply the chain's filters in order, stop as soon as one option is left,
// then pick uniformly at random (rng) among those left. nullopt when none is left.
std::optional<size_t> best_expansion_option(std::span<const ExpansionOption> options,
                                            const ExpanderConfig& config, Rng& rng);

// ---------------------------------------------------------------- balance similar node groups

// processors/nodegroupset/compare_nodegroups.go IsCloudProviderNodeInfoSimilar with the
// default NodeGroupDifferenceRatios: two node groups' template nodes are similar when their
// capacity matches exactly (memory within 1.5%), their allocatable and their free resources
// (allocatable - `requested`, the template's DaemonSet pods) are within 5% per resource, and
// their labels are equal except the ignored ones (hostname, zone and region, stable and beta;
// beta.kubernetes.io/fluentd-ds-ready, kops.k8s.io/instancegroup, the CSI zone labels, and the
// node group's own name label, simcluster.io/node-pool, as the cloud providers add theirs).
// Example: two m5.large pools in zones a and b -> similar; an m5.large and an m5.xlarge pool
// -> not (cpu capacity differs); the same preset with a different `workload` label -> not.
bool similar_node_groups(const Node& a, const Resources& a_requested, const Node& b,
                         const Resources& b_requested);

// One node group of a balanced scale-up: its size now (target size), its max, and the size
// balance_scale_up gives it.
struct GroupScaleUp {
  std::string group;
  int32_t current = 0;
  int32_t max = 0;
  int32_t new_size = 0;
};
// balancing_processor.go BalanceScaleUpBetweenGroups: `new_nodes` nodes go one at a time to
// the smallest group (ties: the order given, sorted stably by size), never past a group's max;
// capped at the groups' total free capacity. Returns the groups whose size changed, in the
// balanced order. Example: sizes {1, 3, 5, 7} (max 10), 4 nodes -> {4, 4}: +3 and +1.
std::vector<GroupScaleUp> balance_scale_up(std::vector<GroupScaleUp> groups, int32_t new_nodes);

}  // namespace simcluster
