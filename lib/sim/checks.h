// Invariants checked after every engine step in SIMCLUSTER_CHECKS builds:
//  * an HPA's target has spec.replicas within [minReplicas, maxReplicas]
//    once the HPA has synced (and the target is not scaled to 0);
//  * during an undisturbed rollout a Deployment keeps at least
//    replicas - maxUnavailable available pods;
//  * no pod is bound to a node that does not exist;
//  * the requests on a node never exceed its allocatable, and the
//    scheduler's incremental aggregates equal the sums over the pods.
//  * the node autoscalers keep their pools within bounds: [min, max] and maxNodesTotal for
//    the cluster-autoscaler, the NodePools' limits for Karpenter;
//  * a node autoscaler removes no node while it holds a pod that could not move
//    (unmovable_pod, checked when the removal starts).
// A failure calls check_failed() (error.h) with the first broken invariant.
#pragma once

#include <string>
#include <vector>

#include "sim/store.h"

namespace simcluster {

class World;

// The first of `pods` (on node n) that no other schedulable node can take, the earlier ones
// placed cumulatively, as "ns/name"; "" when they can all move.
std::string unmovable_pod(World& w, const SimNode& n, const std::vector<KeyId>& pods);

// "" when every invariant holds, else a description of the first broken one.
std::string find_broken_invariant(World& w);
// SIMCLUSTER_CHECK on find_broken_invariant.
void check_invariants(World& w);

}  // namespace simcluster
