// Invariant checks (see checks.h).
#include "sim/checks.h"

#include <fmt/format.h>

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
  return w.store.snapshot.check_invariants(/*require_fit=*/true);
}

void check_invariants(World& w) {
  const std::string broken = find_broken_invariant(w);
  SIMCLUSTER_CHECK(broken.empty(), "t={}ms: {}", w.now.ms(), broken);
}

}  // namespace simcluster
