// Machine shapes, reservation formulas and node pool expansion (see nodes.h).
#include "simcluster/nodes.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

namespace simcluster {

namespace {

constexpr int64_t kMi = 1024LL * 1024;
constexpr int64_t kGi = 1024 * kMi;

// percent% of amount, truncated.
int64_t percent_of(int64_t amount, int64_t percent) { return amount * percent / 100; }

}  // namespace

// GKE "Standard cluster architecture: node allocatable resources", CPU:
// 6% of the first core, 1% of the next (up to 2 cores), 0.5% of the next 2 (up to 4),
// 0.25% of any core above 4. Example: 2 cores -> 60 + 10 = 70m; 4 -> 80m; 8 -> 90m.
int64_t gke_reserved_cpu_milli(int64_t capacity_milli) {
  int64_t r = 0;
  auto tier = [&](int64_t from, int64_t to, int64_t basis_points) {  // 1 bp = 0.01%
    if (capacity_milli <= from) return;
    const int64_t span = std::min(capacity_milli, to) - from;
    r += span * basis_points / 10000;
  };
  tier(0, 1000, 600);         // 6%
  tier(1000, 2000, 100);      // 1%
  tier(2000, 4000, 50);       // 0.5%
  tier(4000, INT64_MAX, 25);  // 0.25%
  return r;
}

// AKS CPU reservation, from AKS' "Resource reservations" table (cores -> millicores):
// 1 -> 60, 2 -> 100, 4 -> 140, 8 -> 180, 16 -> 260, 32 -> 420, 64 -> 740. Core counts
// between two rows are interpolated linearly (the table lists powers of two only);
// beyond 64 cores the last step (10m per core) continues.
// Example: 2 cores -> 100m, 4 cores -> 140m, 3 cores -> 120m.
int64_t aks_reserved_cpu_milli(int64_t capacity_milli) {
  static constexpr std::array<std::pair<int64_t, int64_t>, 7> kTable = {{{1000, 60},
                                                                         {2000, 100},
                                                                         {4000, 140},
                                                                         {8000, 180},
                                                                         {16000, 260},
                                                                         {32000, 420},
                                                                         {64000, 740}}};
  if (capacity_milli <= 0) return 0;
  if (capacity_milli <= kTable[0].first) return kTable[0].second * capacity_milli / 1000;
  for (size_t i = 1; i < kTable.size(); ++i) {
    const auto [c0, r0] = kTable[i - 1];
    const auto [c1, r1] = kTable[i];
    if (capacity_milli <= c1) return r0 + (r1 - r0) * (capacity_milli - c0) / (c1 - c0);
  }
  const auto [c_last, r_last] = kTable.back();
  return r_last + (capacity_milli - c_last) * 10 / 1000;
}

// GKE memory: 255 MiB below 1 GiB; else 25% of the first 4 GiB, 20% of the next 4,
// 10% of the next 8, 6% of the next 112, 2% above 128 GiB.
// Example: 8 GiB -> 1 GiB + 0.8 GiB = 1932735283 bytes (truncated); 4 GiB -> 1 GiB.
int64_t gke_reserved_memory(int64_t capacity_bytes) {
  if (capacity_bytes < kGi) return 255 * kMi;
  // Sum exactly in units of bytes*percent, divide once at the end.
  int64_t acc = 0;
  auto tier = [&](int64_t from, int64_t to, int64_t percent) {
    if (capacity_bytes <= from) return;
    acc += (std::min(capacity_bytes, to) - from) * percent;
  };
  tier(0, 4 * kGi, 25);
  tier(4 * kGi, 8 * kGi, 20);
  tier(8 * kGi, 16 * kGi, 10);
  tier(16 * kGi, 128 * kGi, 6);
  tier(128 * kGi, INT64_MAX / 100, 2);
  return acc / 100;
}

Resources allocatable(const MachineShape& shape) {
  Resources a =
      shape.capacity - shape.kube_reserved - shape.system_reserved - shape.eviction_threshold;
  a.cpu_milli = std::max<int64_t>(a.cpu_milli, 0);
  a.memory = std::max<int64_t>(a.memory, 0);
  a.ephemeral_storage = std::max<int64_t>(a.ephemeral_storage, 0);
  a.pods = shape.capacity.pods;  // reservations never reduce pod slots
  for (auto& [name, v] : a.extended) v = std::max<int64_t>(v, 0);
  return a;
}

MachineShape make_machine_shape(std::string name, const Resources& capacity,
                                ReservationPolicy policy) {
  MachineShape m;
  m.name = std::move(name);
  m.capacity = capacity;
  if (m.capacity.pods == 0) m.capacity.pods = kDefaultMaxPods;
  const int64_t max_pods = m.capacity.pods;
  switch (policy) {
    case ReservationPolicy::kNone:
      break;
    case ReservationPolicy::kGke: {
      m.kube_reserved.cpu_milli = gke_reserved_cpu_milli(capacity.cpu_milli);
      m.kube_reserved.memory = gke_reserved_memory(capacity.memory);
      // min(50% disk, 6 GiB + 35% disk, 100 GiB)
      const int64_t d = capacity.ephemeral_storage;
      m.kube_reserved.ephemeral_storage =
          d == 0 ? 0 : std::min({d / 2, 6 * kGi + percent_of(d, 35), 100 * kGi});
      m.eviction_threshold.memory = 100 * kMi;
      m.eviction_threshold.ephemeral_storage = percent_of(d, 10);
      break;
    }
    case ReservationPolicy::kEks:
      // amazon-eks-ami bootstrap.sh: kubeReserved memory 255Mi + 11Mi per pod,
      // ephemeral-storage 1Gi; CPU as GKE.
      m.kube_reserved.cpu_milli = gke_reserved_cpu_milli(capacity.cpu_milli);
      m.kube_reserved.memory = 255 * kMi + 11 * kMi * max_pods;
      m.kube_reserved.ephemeral_storage = capacity.ephemeral_storage == 0 ? 0 : kGi;
      m.eviction_threshold.memory = 100 * kMi;
      m.eviction_threshold.ephemeral_storage = percent_of(capacity.ephemeral_storage, 10);
      break;
    case ReservationPolicy::kAks:
      // AKS >= 1.29: CPU from AKS' table; memory min(20Mi * max_pods + 50Mi, 25% of
      // memory); eviction 100Mi.
      m.kube_reserved.cpu_milli = aks_reserved_cpu_milli(capacity.cpu_milli);
      m.kube_reserved.memory =
          std::min(20 * kMi * max_pods + 50 * kMi, percent_of(capacity.memory, 25));
      m.eviction_threshold.memory = 100 * kMi;
      m.eviction_threshold.ephemeral_storage = percent_of(capacity.ephemeral_storage, 10);
      break;
  }
  return m;
}

namespace {

struct Preset {
  const char* name;
  int64_t cpu_milli;
  int64_t memory_gi;
  int64_t disk_gi;
  int64_t max_pods;
  ReservationPolicy policy;
  int64_t price_micro_usd;  // 0 = unknown
};

// The preset catalogue (docs/instance-types.md lists it with its sources). On-demand Linux
// list prices in USD/hour: GCP us-central1, AWS us-east-1, Azure eastus.
// Disks: GKE default boot disk 100 GB, EKS managed node group 20 GiB, AKS OS disk 128 GiB.
// Max pods: GKE 110; EKS from the ENI limit, (ENIs x (IPv4 per ENI - 1)) + 2, as
// amazon-eks-ami's eni-max-pods.txt (t3.medium 17, *.large 29, *.xlarge and *.2xlarge 58,
// m5.4xlarge 234); AKS with Azure CNI 30.
constexpr Preset kPresets[] = {
    {"2cpu-4gi", 2000, 4, 100, 110, ReservationPolicy::kGke, 0},
    {"4cpu-8gi", 4000, 8, 100, 110, ReservationPolicy::kGke, 0},
    // Azure: Dsv3 general purpose, Fsv2 compute optimised, Esv3 memory optimised.
    {"Standard_D2s_v3", 2000, 8, 128, 30, ReservationPolicy::kAks, 96000},
    {"Standard_D4s_v3", 4000, 16, 128, 30, ReservationPolicy::kAks, 192000},
    {"Standard_D8s_v3", 8000, 32, 128, 30, ReservationPolicy::kAks, 384000},
    {"Standard_E2s_v3", 2000, 16, 128, 30, ReservationPolicy::kAks, 126000},
    {"Standard_E4s_v3", 4000, 32, 128, 30, ReservationPolicy::kAks, 252000},
    {"Standard_F4s_v2", 4000, 8, 128, 30, ReservationPolicy::kAks, 169000},
    {"Standard_F8s_v2", 8000, 16, 128, 30, ReservationPolicy::kAks, 338000},
    // GCP: E2 standard, highcpu (compute) and highmem (memory).
    {"e2-highcpu-4", 4000, 4, 100, 110, ReservationPolicy::kGke, 98952},
    {"e2-highcpu-8", 8000, 8, 100, 110, ReservationPolicy::kGke, 197904},
    {"e2-highmem-2", 2000, 16, 100, 110, ReservationPolicy::kGke, 90442},
    {"e2-highmem-4", 4000, 32, 100, 110, ReservationPolicy::kGke, 180883},
    {"e2-standard-16", 16000, 64, 100, 110, ReservationPolicy::kGke, 536048},
    {"e2-standard-2", 2000, 8, 100, 110, ReservationPolicy::kGke, 67006},
    {"e2-standard-4", 4000, 16, 100, 110, ReservationPolicy::kGke, 134012},
    {"e2-standard-8", 8000, 32, 100, 110, ReservationPolicy::kGke, 268024},
    // AWS: M5 general purpose, C5 compute optimised, R5 memory optimised, T3 burstable.
    {"c5.2xlarge", 8000, 16, 20, 58, ReservationPolicy::kEks, 340000},
    {"c5.large", 2000, 4, 20, 29, ReservationPolicy::kEks, 85000},
    {"c5.xlarge", 4000, 8, 20, 58, ReservationPolicy::kEks, 170000},
    {"m5.2xlarge", 8000, 32, 20, 58, ReservationPolicy::kEks, 384000},
    {"m5.4xlarge", 16000, 64, 20, 234, ReservationPolicy::kEks, 768000},
    {"m5.large", 2000, 8, 20, 29, ReservationPolicy::kEks, 96000},
    {"m5.xlarge", 4000, 16, 20, 58, ReservationPolicy::kEks, 192000},
    {"r5.large", 2000, 16, 20, 29, ReservationPolicy::kEks, 126000},
    {"r5.xlarge", 4000, 32, 20, 58, ReservationPolicy::kEks, 252000},
    {"t3.medium", 2000, 4, 20, 17, ReservationPolicy::kEks, 41600},
};

}  // namespace

std::optional<MachineShape> find_machine_shape(std::string_view name) {
  for (const Preset& p : kPresets) {
    if (name != p.name) continue;
    Resources cap;
    cap.cpu_milli = p.cpu_milli;
    cap.memory = p.memory_gi * kGi;
    cap.ephemeral_storage = p.disk_gi * kGi;
    cap.pods = p.max_pods;
    MachineShape m = make_machine_shape(p.name, cap, p.policy);
    if (p.price_micro_usd > 0) m.price_micro_usd_per_hour = p.price_micro_usd;
    return m;
  }
  return std::nullopt;
}

std::optional<ReservationPolicy> machine_shape_policy(std::string_view name) {
  for (const Preset& p : kPresets) {
    if (name == p.name) return p.policy;
  }
  return std::nullopt;
}

std::vector<std::string> machine_shape_names() {
  std::vector<std::string> names;
  for (const Preset& p : kPresets) names.emplace_back(p.name);
  std::sort(names.begin(), names.end());
  return names;
}

ResourceList to_resource_list(const Resources& r) {
  ResourceList l;
  l["cpu"] = Quantity::from_milli(r.cpu_milli);
  l["memory"] = Quantity::from_value(r.memory, QuantityFormat::kBinarySI);
  if (r.ephemeral_storage != 0) {
    l["ephemeral-storage"] = Quantity::from_value(r.ephemeral_storage, QuantityFormat::kBinarySI);
  }
  l["pods"] = Quantity::from_value(r.pods);
  for (const auto& [name, v] : r.extended) {
    if (v != 0) l[name] = Quantity::from_value(v);
  }
  return l;
}

Node make_pool_node(const NodePool& pool, int32_t index) {
  Node n;
  n.metadata.name = fmt::format("{}-{}", pool.name, index);
  n.metadata.source = pool.source;
  StringMap& l = n.metadata.labels;
  l[std::string(kLabelHostname)] = n.metadata.name;
  l[std::string(kLabelOs)] = "linux";
  l[std::string(kLabelArch)] = "amd64";
  if (!pool.shape.name.empty()) l[std::string(kLabelInstanceType)] = pool.shape.name;
  if (!pool.zones.empty()) {
    l[std::string(kLabelZone)] = pool.zones[static_cast<size_t>(index) % pool.zones.size()];
  }
  if (!pool.region.empty()) l[std::string(kLabelRegion)] = pool.region;
  l[std::string(kLabelNodePool)] = pool.name;
  for (const auto& [k, v] : pool.labels) l[k] = v;
  n.taints = pool.taints;
  n.capacity = to_resource_list(pool.shape.capacity);
  n.allocatable = to_resource_list(allocatable(pool.shape));
  n.conditions.push_back({"Ready", "True"});
  return n;
}

std::vector<Node> expand_pools(const std::vector<NodePool>& pools) {
  std::vector<Node> nodes;
  for (const auto& pool : pools) {
    for (int32_t i = 0; i < pool.count; ++i) nodes.push_back(make_pool_node(pool, i));
  }
  return nodes;
}

namespace {

std::string label_of(const Node& n, std::string_view key) {
  auto it = n.metadata.labels.find(std::string(key));
  return it == n.metadata.labels.end() ? std::string() : it->second;
}

// Taints the node lifecycle controller and kubectl cordon put on a node
// (k8s.io/api/core/v1 well_known_taints.go: node.kubernetes.io/*) are the
// node's state, not its pool's.
bool is_state_taint(const Taint& t) { return t.key.starts_with("node.kubernetes.io/"); }

std::vector<Taint> pool_taints(const Node& n) {
  std::vector<Taint> out;
  for (const Taint& t : n.taints) {
    if (!is_state_taint(t)) out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const Taint& a, const Taint& b) {
    return std::tie(a.key, a.value, a.effect) < std::tie(b.key, b.value, b.effect);
  });
  return out;
}

}  // namespace

std::vector<NodePool> node_pools_from_nodes(std::vector<Node>& nodes) {
  struct Group {
    std::string type;
    std::vector<Taint> taints;
    std::vector<size_t> members;
  };
  std::vector<Group> groups;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    std::string type = label_of(n, kLabelNodePool);
    if (type.empty()) type = label_of(n, kLabelInstanceType);
    if (type.empty()) type = label_of(n, "beta.kubernetes.io/instance-type");
    if (type.empty()) type = "nodes";
    std::vector<Taint> taints = pool_taints(n);
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& g) { return g.type == type && g.taints == taints; });
    if (it == groups.end()) {
      groups.push_back(Group{type, std::move(taints), {}});
      it = std::prev(groups.end());
    }
    it->members.push_back(i);
  }
  std::vector<NodePool> pools;
  std::map<std::string, int> seen;  // type -> groups named so far
  for (const Group& g : groups) {
    NodePool pool;
    const int k = ++seen[g.type];
    pool.name = k == 1 ? g.type : fmt::format("{}-{}", g.type, k);
    pool.count = static_cast<int32_t>(g.members.size());
    const Node& first = nodes[g.members.front()];
    pool.source = first.metadata.source;
    std::string type = label_of(first, kLabelInstanceType);
    if (type.empty()) type = label_of(first, "beta.kubernetes.io/instance-type");
    pool.shape.name = type;
    const Resources cap = to_resources(first.capacity.empty() ? first.allocatable : first.capacity);
    const Resources alloc = to_resources(first.allocatable);
    pool.shape.capacity = cap;
    // allocatable(shape) = capacity - kube_reserved - ... : reserve the difference.
    pool.shape.kube_reserved = cap - alloc;
    if (pool.shape.kube_reserved.cpu_milli < 0) pool.shape.kube_reserved.cpu_milli = 0;
    if (pool.shape.kube_reserved.memory < 0) pool.shape.kube_reserved.memory = 0;
    if (pool.shape.kube_reserved.ephemeral_storage < 0) {
      pool.shape.kube_reserved.ephemeral_storage = 0;
    }
    pool.shape.kube_reserved.pods = 0;
    pool.shape.kube_reserved.extended.clear();
    if (std::optional<MachineShape> preset = find_machine_shape(type)) {
      pool.shape.price_micro_usd_per_hour = preset->price_micro_usd_per_hour;
    }
    std::set<std::string> zones;
    for (size_t i : g.members) {
      if (std::string z = label_of(nodes[i], kLabelZone); !z.empty()) zones.insert(z);
    }
    pool.zones.assign(zones.begin(), zones.end());
    pool.region = label_of(first, kLabelRegion);
    // The labels every node of the pool has: what a new node of the group gets.
    for (const auto& label : first.metadata.labels) {
      const std::string& key = label.first;  // not a structured binding: captured below
      const std::string& value = label.second;
      if (key == kLabelHostname || key == kLabelZone || key == kLabelRegion ||
          key == "failure-domain.beta.kubernetes.io/zone") {
        continue;
      }
      const bool shared = std::all_of(g.members.begin(), g.members.end(), [&](size_t i) {
        auto it = nodes[i].metadata.labels.find(key);
        return it != nodes[i].metadata.labels.end() && it->second == value;
      });
      if (shared) pool.labels[key] = value;
    }
    pool.labels.erase(std::string(kLabelNodePool));
    pool.taints = g.taints;
    for (size_t i : g.members) nodes[i].metadata.labels[std::string(kLabelNodePool)] = pool.name;
    pools.push_back(std::move(pool));
  }
  return pools;
}

void validate_node_pool(const NodePool& pool) {
  if (pool.name.empty()) fail(pool.source, "node pool has no name");
  if (pool.count < 0)
    fail(pool.source, "node pool '{}': count {} is negative", pool.name, pool.count);
  const Resources& c = pool.shape.capacity;
  if (c.cpu_milli <= 0)
    fail(pool.source, "node pool '{}': cpu capacity must be positive", pool.name);
  if (c.memory <= 0) {
    fail(pool.source, "node pool '{}': memory capacity must be positive", pool.name);
  }
  if (c.pods <= 0) fail(pool.source, "node pool '{}': pods capacity must be positive", pool.name);
  const Resources a = allocatable(pool.shape);
  if (a.cpu_milli <= 0 || a.memory <= 0) {
    fail(pool.source,
         "node pool '{}': reservations leave no allocatable cpu or memory ({}m cpu, {} bytes)",
         pool.name, a.cpu_milli, a.memory);
  }
  if (pool.min && !pool.max) {
    fail(pool.source, "node pool '{}': min is set without max (max makes the pool autoscaled)",
         pool.name);
  }
  if (pool.max) {
    const int32_t min = pool.min.value_or(0);
    if (min < 0 || min > pool.count || pool.count > *pool.max) {
      fail(pool.source,
           "node pool '{}': autoscaling bounds need 0 <= min ({}) <= count ({}) <= max ({})",
           pool.name, min, pool.count, *pool.max);
    }
  }
  if (pool.provisioning < SimDuration{0}) {
    fail(pool.source, "node pool '{}': nodeProvisioning must not be negative", pool.name);
  }
}

}  // namespace simcluster
