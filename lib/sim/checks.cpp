// Invariant checks (see checks.h).
#include "sim/checks.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/controllers.h"
#include "sim/world.h"

namespace simcluster {

std::string find_broken_invariant(World& w) {
  for (const auto& [key, h] : w.store.hpas) {
    if (!h.state.seen || !h.target_key) continue;
    int32_t replicas = -1;
    if (h.target_kind == Kind::kDeployment) {
      if (const SimDeployment* d = w.store.deployment(*h.target_key)) replicas = d->replicas;
    } else if (h.target_kind == Kind::kStatefulSet) {
      if (const SimStatefulSet* s = w.store.stateful_set(*h.target_key)) replicas = s->replicas;
    } else if (h.target_kind == Kind::kReplicaSet) {
      if (const SimReplicaSet* r = w.store.replica_set(*h.target_key)) replicas = r->replicas;
    }
    const int32_t min = h.hpa.min_replicas.value_or(1), max = h.hpa.max_replicas;
    if (replicas > 0 && (replicas < min || replicas > max)) {
      return fmt::format("HPA {} target {} has {} replicas outside [{}, {}]", key, h.target,
                         replicas, min, max);
    }
  }
  for (const auto& [key, d] : w.store.deployments) {
    if (!d.rollout.active || d.rollout.disrupted) continue;
    // Recreate stops every old pod first: the floor only binds RollingUpdate.
    if (d.d.strategy.type == "Recreate") continue;
    const DeploymentView view = deployment_view(d.d, d.generation);
    const int32_t floor = d.replicas - max_unavailable(view);
    if (d.rollout.start_available < floor) continue;  // it started below the floor
    int32_t available = 0;
    for (KeyId rk : d.replica_sets) {
      const SimReplicaSet* rs = w.store.replica_set(rk);
      if (rs == nullptr) continue;
      for (KeyId pk : rs->pods) {
        const SimPod* p = w.store.pod(pk);
        if (p != nullptr && p->active() &&
            is_pod_available(p->ready, p->ready_since, d.d.min_ready_seconds, w.now)) {
          ++available;
        }
      }
    }
    if (available < floor) {
      return fmt::format(
          "Deployment {} has {} available pods during its rollout, below "
          "replicas - maxUnavailable = {}",
          key, available, floor);
    }
  }
  for (const auto& [key, p] : w.store.pods) {
    if (!p.bound()) continue;
    const SimNode* n = w.store.node(w.store.node_by_snap[*p.node]);
    if (n == nullptr || n->snap != *p.node) {
      return fmt::format("pod {} is bound to missing node {}", key, p.node_name);
    }
  }
  if (w.autoscaler) {
    // Autoscaled pools stay within [min, max], upcoming nodes counted against max (a timeline
    // removeNode may take a pool below min: that is the user's doing, not the autoscaler's).
    bool removes = false;
    for (const SimTimelineEvent& e : w.cfg.timeline) {
      removes = removes || e.action == TimelineAction::kRemoveNode;
    }
    for (const NodePool& pool : w.cfg.node_pools) {
      if (!pool.max) continue;
      int32_t nodes = 0;
      for (const auto& [name, n] : w.store.nodes) nodes += n.pool == pool.name ? 1 : 0;
      const int32_t upcoming = w.autoscaler->upcoming(pool.name);
      if (nodes + upcoming > *pool.max || (!removes && nodes < pool.min.value_or(0))) {
        return fmt::format("node pool {} has {} nodes and {} upcoming, outside [{}, {}]", pool.name,
                           nodes, upcoming, pool.min.value_or(0), *pool.max);
      }
    }
    if (w.cfg.autoscaler.max_nodes_total > 0) {
      int32_t total = static_cast<int32_t>(w.store.nodes.size());
      for (const NodePool& pool : w.cfg.node_pools) total += w.autoscaler->upcoming(pool.name);
      int32_t fixed = 0;  // nodes the autoscaler did not add may exceed the cap already
      for (const NodePool& pool : w.cfg.node_pools) fixed += pool.count;
      fixed += static_cast<int32_t>(w.cfg.manifests.nodes.size());
      if (total > std::max(w.cfg.autoscaler.max_nodes_total, fixed)) {
        return fmt::format("{} nodes (upcoming included) exceed maxNodesTotal {}", total,
                           w.cfg.autoscaler.max_nodes_total);
      }
    }
  }
  if (w.karpenter) {
    // A Karpenter NodePool's nodes stay within its limits (node capacity summed).
    for (const KarpenterNodePool& np : w.cfg.karpenter.node_pools) {
      Resources used;
      for (const auto& [name, n] : w.store.nodes) {
        for (const KarpenterOffering& o : np.offerings) {
          if (w.cfg.node_pools[o.pool].name == n.pool)
            used += w.cfg.node_pools[o.pool].shape.capacity;
        }
      }
      if ((np.limit_cpu_milli && used.cpu_milli > *np.limit_cpu_milli) ||
          (np.limit_memory && used.memory > *np.limit_memory)) {
        return fmt::format(
            "Karpenter NodePool {} has {}m cpu and {} bytes of memory in nodes, "
            "over its limits",
            np.name, used.cpu_milli, used.memory);
      }
    }
  }
  return w.store.snapshot.check_invariants(/*require_fit=*/true);
}

std::string unmovable_pod(World& w, const SimNode& n, const std::vector<KeyId>& pods) {
  ClusterSnapshot sim = w.store.snapshot;
  sim.set_unschedulable(n.snap, true);
  for (KeyId pk : pods) {
    const SimPod* p = w.store.pod(pk);
    if (p == nullptr || p->terminating() || p->terminal()) continue;
    if (!place_first_fit(unbound(p->info), sim, w.cfg.scheduler, n.snap)) {
      return w.store.keys.name(pk);
    }
  }
  return "";
}

void check_invariants(World& w) {
  const std::string broken = find_broken_invariant(w);
  SIMCLUSTER_CHECK(broken.empty(), "t={}ms: {}", w.now.ms(), broken);
}

}  // namespace simcluster
