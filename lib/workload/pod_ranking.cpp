// Which pods a ReplicaSet deletes first when it scales down.
//
// Mirrors k8s pkg/controller/controller_utils.go (ActivePodsWithRanks.Less,
// logarithmicRankDiff, afterOrZero, compareMaxContainerRestarts) and
// pkg/controller/replicaset/replica_set.go (getPodsToDelete,
// getPodsRankedByRelatedPodsOnSameNode) (spec §4).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "simcluster/workload.h"

namespace simcluster {

namespace {

// replica_set.go burstReplicas: at most this many pods deleted per sync.
constexpr int32_t kBurstReplicas = 500;
constexpr int64_t kNanosPerMilli = 1'000'000;

// podPhaseToOrdinal: Pending < Unknown < Running; any other phase counts as 0.
int phase_ordinal(PodPhase p) {
  switch (p) {
    case PodPhase::kUnknown:
      return 1;
    case PodPhase::kRunning:
      return 2;
    default:
      return 0;
  }
}

// afterOrZero: a zero time sorts first; otherwise the later time first.
bool after_or_zero(std::optional<SimTime> t1, std::optional<SimTime> t2) {
  if (!t1 || !t2) return !t1;
  return *t1 > *t2;
}

// int64(math.Log2(float64(d))) for a duration d in nanoseconds, or -1 when
// d <= 0, computed exactly on integers as floor(log2(d)). Example: 1 min =
// 6e10 ns -> 35; 10 min = 6e11 ns -> 39.
int64_t log2_bucket(SimDuration d) {
  const int64_t ns = d.count() * kNanosPerMilli;
  if (ns <= 0) return -1;
  return 63 - std::countl_zero(static_cast<uint64_t>(ns));
}

// logarithmicRankDiff: compares how long ago t1 and t2 were, by log2 bucket.
int64_t logarithmic_rank_diff(SimTime t1, SimTime t2, SimTime now) {
  return log2_bucket(now - t1) - log2_bucket(now - t2);
}

std::optional<SimTime> stored(std::optional<SimTime> t) {
  if (!t) return std::nullopt;
  return api_time(*t);
}

// The shared shape of rules 6 and 8 under LogarithmicScaleDown. REQUIRES t1 != t2.
bool more_recent_first(std::optional<SimTime> t1, std::optional<SimTime> t2, const PodRankInfo& a,
                       const PodRankInfo& b, SimTime now) {
  if (!t1 || !t2) return after_or_zero(t1, t2);
  const int64_t diff = logarithmic_rank_diff(*t1, *t2, now);
  if (diff == 0) return a.uid < b.uid;
  return diff < 0;
}

}  // namespace

bool pod_deleted_before(const PodRankInfo& a, const PodRankInfo& b, SimTime now) {
  // 1. Unassigned < assigned.
  if (a.node_name != b.node_name && (a.node_name.empty() || b.node_name.empty())) {
    return a.node_name.empty();
  }
  // 2. Pending < Unknown < Running.
  if (phase_ordinal(a.phase) != phase_ordinal(b.phase)) {
    return phase_ordinal(a.phase) < phase_ordinal(b.phase);
  }
  // 3. Not ready < ready.
  if (a.ready != b.ready) return !a.ready;
  // 4. Lower pod-deletion-cost first.
  if (a.deletion_cost != b.deletion_cost) return a.deletion_cost < b.deletion_cost;
  // 5. More co-located related pods first.
  if (a.colocated != b.colocated) return a.colocated > b.colocated;
  // 6. Both ready: ready for less time first.
  if (a.ready && b.ready) {
    const auto ta = stored(a.ready_since);
    const auto tb = stored(b.ready_since);
    if (ta != tb) return more_recent_first(ta, tb, a, b, now);
  }
  // 7. More restarts first (regular containers, then sidecars).
  if (a.max_restarts != b.max_restarts) return a.max_restarts > b.max_restarts;
  if (a.max_sidecar_restarts != b.max_sidecar_restarts) {
    return a.max_sidecar_restarts > b.max_sidecar_restarts;
  }
  // 8. Newer first.
  const auto ca = stored(a.created);
  const auto cb = stored(b.created);
  if (ca != cb) return more_recent_first(ca, cb, a, b, now);
  return false;
}

void rank_by_colocation(std::span<PodRankInfo> pods, std::span<const std::string> related_nodes) {
  std::map<std::string, int32_t> on_node;
  for (const auto& node : related_nodes) ++on_node[node];
  for (auto& p : pods) {
    auto it = on_node.find(p.node_name);
    p.colocated = it == on_node.end() ? 0 : it->second;
  }
}

std::vector<size_t> pick_pods_to_delete(std::span<const PodRankInfo> pods, int32_t n, SimTime now) {
  const size_t count =
      static_cast<size_t>(std::clamp<int64_t>(std::min(n, kBurstReplicas), 0, pods.size()));
  std::vector<size_t> idx(pods.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  if (count < pods.size()) {
    std::stable_sort(idx.begin(), idx.end(),
                     [&](size_t x, size_t y) { return pod_deleted_before(pods[x], pods[y], now); });
  }
  idx.resize(count);
  return idx;
}

}  // namespace simcluster
