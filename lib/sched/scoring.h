// Per-plugin scores of the default profile, exposed for tests and diagnostics.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "simcluster/scheduler.h"

namespace simcluster {

// The scores one Score plugin of the default profile gives `feasible` (after its
// NormalizeScore, before its weight), as schedule() would compute them for `pod`.
// plugin: "NodeResourcesFit", "NodeResourcesBalancedAllocation", "TaintToleration",
// "NodeAffinity", "PodTopologySpread", "InterPodAffinity". A plugin whose PreScore
// skips the pod gives all zeros.
std::vector<int64_t> plugin_scores(std::string_view plugin, const PodInfo& pod,
                                   const ClusterSnapshot& nodes, std::span<const NodeId> feasible,
                                   const SchedulerConfig& config);

}  // namespace simcluster
