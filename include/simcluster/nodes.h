// Node pools: groups of identical machines, and the Node objects they expand to.
//
// A MachineShape is one machine type as the kubelet reports it: capacity, the
// kubelet's kube-reserved and system-reserved, and the hard eviction threshold.
// Allocatable (what kube-scheduler packs against) is
//     allocatable = capacity - kube_reserved - system_reserved - eviction_threshold
// per resource, clamped at 0 (kubelet pkg/kubelet/cm/node_container_manager_linux.go
// GetNodeAllocatableAbsolute). Pod slots are not reduced by reservations.
//
// Presets reproduce the published reservation formulas of the managed clouds:
//  * kGke (GKE "Node allocatable resources", also used by AKS for CPU):
//      cpu reserved  = 6% of the 1st core + 1% of the 2nd + 0.5% of cores 3-4 + 0.25% above 4
//      memory reserved = 255 MiB if capacity < 1 GiB, else 25% of the first 4 GiB + 20% of the
//                      next 4 + 10% of the next 8 + 6% of the next 112 + 2% above 128 GiB
//      eviction       = memory 100 MiB, ephemeral-storage 10% of the boot disk
//      ephemeral reserved = min(50% disk, 6 GiB + 35% disk, 100 GiB)
//    e2-standard-2 (2 vCPU, 8 GiB): cpu 60 + 10 = 70m -> allocatable 1930m;
//    memory 1 GiB + 0.8 GiB = 1.8 GiB (1843.2 Mi, kept exact in bytes) + 100 Mi eviction.
//  * kEks (EKS optimized AMI bootstrap.sh):
//      cpu reserved   = the GKE CPU formula above
//      memory reserved = 255 MiB + 11 MiB * max_pods  (max_pods from the ENI limit of the type)
//      ephemeral reserved = 1 GiB
//      eviction       = memory 100 MiB, ephemeral-storage 10%
//    m5.large (2 vCPU, 8 GiB, 29 pods, 20 GiB disk): cpu 1930m, memory 8192 - 574 - 100 =
//    7518 Mi, ephemeral-storage 20 - 1 - 2 = 17 GiB.
//  * kAks (AKS >= 1.29, "Resource reservations"):
//      cpu reserved   = AKS' table: 1 core 60m, 2 100m, 4 140m, 8 180m, 16 260m, 32 420m,
//                       64 740m (linear between rows, +10m per core beyond 64)
//      memory reserved = min(20 MiB * max_pods + 50 MiB, 25% of memory)
//      eviction       = memory 100 MiB, ephemeral-storage 10%
//    Standard_D2s_v3 (2 vCPU, 8 GiB, 30 pods Azure CNI): cpu 1900m, memory 8192 - 650 - 100 =
//    7442 Mi.
//  * kNone: nothing reserved, allocatable = capacity.
// The generic "2cpu-4gi" preset is a bare 2-CPU / 4-GiB / 110-pod machine with the GKE
// formula applied (the common real-world case): allocatable 1930m cpu and
// 4096 - 1024 - 100 = 2972 MiB memory. Use reserved = kNone (or override the fields) for a
// machine whose allocatable equals its capacity.
//
// Capacities are the nominal machine sizes (the kernel's own share is not modelled);
// prices are on-demand list prices, USD per hour in micro-dollars (integers), for
// us-central1 / us-east-1 / eastus at the time of writing; override them for your contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/objects.h"
#include "simcluster/resources.h"
#include "simcluster/time.h"

namespace simcluster {

// Well-known node labels (k8s.io/api/core/v1 well_known_labels.go).
inline constexpr std::string_view kLabelHostname = "kubernetes.io/hostname";
inline constexpr std::string_view kLabelZone = "topology.kubernetes.io/zone";
inline constexpr std::string_view kLabelRegion = "topology.kubernetes.io/region";
inline constexpr std::string_view kLabelInstanceType = "node.kubernetes.io/instance-type";
inline constexpr std::string_view kLabelOs = "kubernetes.io/os";
inline constexpr std::string_view kLabelArch = "kubernetes.io/arch";
// The pool a node came from (like cloud.google.com/gke-nodepool / eks.amazonaws.com/nodegroup).
inline constexpr std::string_view kLabelNodePool = "simcluster.io/node-pool";

// A new cloud VM's time from the node group resize to a Ready Node (boot, kubelet
// registration, CNI ready). See scenarios/README.md ("nodeProvisioning") for the source.
inline constexpr SimDuration kDefaultNodeProvisioning{120'000};

// Default kubelet --max-pods.
inline constexpr int64_t kDefaultMaxPods = 110;

enum class ReservationPolicy { kNone, kGke, kEks, kAks };

// One machine type. All quantities are integers (millicores, bytes, pods).
struct MachineShape {
  std::string name;    // "e2-standard-2"; "" for a custom shape
  Resources capacity;  // cpu_milli, memory, ephemeral_storage, pods (+ extended, e.g. GPUs)
  Resources kube_reserved;
  Resources system_reserved;
  Resources eviction_threshold;  // kubelet hard eviction (memory.available, nodefs.available)
  std::optional<int64_t> price_micro_usd_per_hour;  // 0.096 $/h -> 96000
};

// capacity - kube_reserved - system_reserved - eviction_threshold, each resource clamped at 0.
// Example: e2-standard-2 -> cpu 1930m, memory 8 GiB - 1.8 GiB - 100 MiB, pods 110.
Resources allocatable(const MachineShape& shape);

// The reservations of `policy` for a machine of `capacity` (capacity.pods is max_pods).
// Sets kube_reserved / eviction_threshold of the returned shape; system_reserved stays 0.
MachineShape make_machine_shape(std::string name, const Resources& capacity,
                                ReservationPolicy policy);

// The formula pieces, exposed for tests. cores in millicores; memory in bytes.
// gke_reserved_cpu_milli(2000) == 70; gke_reserved_cpu_milli(4000) == 80.
int64_t gke_reserved_cpu_milli(int64_t capacity_milli);
// gke_reserved_memory(8 GiB) == 1.8 GiB (1932735283 bytes, truncated); (4 GiB) == 1 GiB.
int64_t gke_reserved_memory(int64_t capacity_bytes);

// The preset of that name ("e2-standard-2", "e2-standard-4", "e2-standard-8", "m5.large",
// "m5.xlarge", "m5.2xlarge", "Standard_D2s_v3", "Standard_D4s_v3", "2cpu-4gi", "4cpu-8gi"),
// or nullopt.
std::optional<MachineShape> find_machine_shape(std::string_view name);
// The reservation policy of the preset of that name (m5.large -> kEks), or nullopt. A scenario
// that overrides a preset's pods or disk rebuilds the shape with
// make_machine_shape(name, overridden capacity, policy), so reservations that depend on them
// (EKS/AKS memory on max pods, ephemeral-storage on the disk) follow the override.
std::optional<ReservationPolicy> machine_shape_policy(std::string_view name);
// All preset names, sorted (for "did you mean").
std::vector<std::string> machine_shape_names();

// The most nodes of one pool (cluster.nodePools[].count and max), of every
// pool together at the start, and of one Karpenter NodePool at any time
// (whether or not it has limits): what a run holds.
inline constexpr int32_t kMaxNodesPerPool = 10'000;

// A group of identical nodes.
struct NodePool {
  std::string name;  // node names are name-0, name-1, ...
  int32_t count = 0;
  MachineShape shape;
  // Zones visited round robin: node i gets zones[i % zones.size()]. Empty: no zone label.
  std::vector<std::string> zones;
  std::string region;  // topology.kubernetes.io/region when non-empty
  StringMap labels;    // extra labels; they win over the generated ones
  std::vector<Taint> taints;
  // Node group bounds for the cluster autoscaler (cluster.nodePools[].min / max): the pool
  // is autoscaled when max is set; count is its starting size, min <= count <= max.
  std::optional<int32_t> min;
  std::optional<int32_t> max;
  // How long a node the autoscaler adds takes from the scale-up to Ready
  // (cluster.nodePools[].nodeProvisioning; scenarios/README.md cites the default).
  SimDuration provisioning{kDefaultNodeProvisioning};
  SourceLocation source;  // where the pool was declared, for errors
};

// The i-th node of the pool (i may exceed count: the cluster autoscaler adds nodes).
// Name "<pool>-<i>"; labels: kubernetes.io/hostname, kubernetes.io/os=linux,
// kubernetes.io/arch=amd64, node.kubernetes.io/instance-type=<shape.name> (when named),
// topology.kubernetes.io/zone (when zones), topology.kubernetes.io/region (when region),
// simcluster.io/node-pool=<pool>, then pool.labels. capacity and allocatable as
// ResourceLists (cpu in m, memory/storage in binary SI), a Ready=True condition.
Node make_pool_node(const NodePool& pool, int32_t index);
// make_pool_node(pool, 0 .. count-1) for each pool, pools in order.
std::vector<Node> expand_pools(const std::vector<NodePool>& pools);

// Throws InputError (at pool.source) for a pool a user cannot mean: empty name, count < 0,
// non-positive cpu/memory/pods capacity, reservations leaving no allocatable cpu or memory, or
// autoscaling bounds that do not hold min <= count <= max (min without max, negative values).
void validate_node_pool(const NodePool& pool);

// cluster.fromManifests: the node pools of a live cluster's Nodes (a `kubectl get nodes -o
// yaml` dump), so the cluster autoscaler and the planner can grow them. Nodes are grouped by
// their simcluster.io/node-pool label when they have one, else by instance type
// (node.kubernetes.io/instance-type, falling back to beta.kubernetes.io/instance-type; nodes
// with neither form the pool "nodes"), and within that by their taints (taints of the node
// lifecycle, node.kubernetes.io/*, do not count: a cordoned node stays in its pool). A pool
// is named after its instance type; a second taint set of the same type gets "-2", and so
// on. Each pool: count = its nodes; shape = the first node's capacity, with reservations
// such that allocatable is that node's; the price of the preset of that instance type
// (find_machine_shape) when there is one; zones = its nodes' zones (sorted); region, labels
// (those every node of the pool has, except hostname and zone) and taints shared by its
// nodes. Each Node gets the simcluster.io/node-pool label of its pool, in place; the
// returned pools are in the order of their first node.
// Example: three m5.xlarge nodes in us-east-1a/b/c and two m5.2xlarge tainted
// dedicated=batch:NoSchedule -> pools m5.xlarge (3 nodes, $0.192/h) and m5.2xlarge (2
// nodes, $0.384/h, the taint).
std::vector<NodePool> node_pools_from_nodes(std::vector<Node>& nodes);

// Resources -> ResourceList ("cpu" in millis, memory/ephemeral-storage binary SI, "pods",
// extended by name). Zero entries other than cpu/memory/pods are omitted.
ResourceList to_resource_list(const Resources& r);

}  // namespace simcluster
