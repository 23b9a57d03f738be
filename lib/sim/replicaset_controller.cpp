// The ReplicaSet controller. Mirrors k8s pkg/controller/replicaset/replica_set.go:
// manageReplicas creates the missing pods (at most 500 per sync) or deletes
// the surplus in ActivePodsWithRanks order (workload.h pick_pods_to_delete,
// ranking co-located pods of every ReplicaSet of the same Deployment);
// calculateStatus counts active, ready and available (minReadySeconds) pods.
// When a pod turns Ready and minReadySeconds > 0, the RS is re-synced after
// minReadySeconds + 1 s (updatePod), when the pod has become available.
#include <fmt/format.h>

#include <algorithm>

#include "sim/controllers.h"

namespace simcluster {

ReplicaSetController::ReplicaSetController(World& w) : Controller(w) {
  w.store.watch(Kind::kPod, this);
  w.store.watch(Kind::kReplicaSet, this);
}

void ReplicaSetController::on_change(Kind kind, KeyId key) {
  if (kind == Kind::kReplicaSet) {
    add(key);
    return;
  }
  const SimPod* p = w_.store.pod(key);
  if (p == nullptr || p->owner_kind != "ReplicaSet" || !p->owner) return;
  add(*p->owner);
  const SimReplicaSet* rs = w_.store.replica_set(*p->owner);
  if (rs != nullptr && rs->rs.min_ready_seconds > 0 && p->ready && p->ready_since &&
      *p->ready_since == w_.now && !p->terminating()) {
    w_.requeue_at(ControllerId::kReplicaSet, *p->owner,
                  w_.now + SimDuration{(rs->rs.min_ready_seconds + 1) * 1000LL});
  }
}

namespace {

std::optional<int32_t> deletion_cost(const SimPod& p) {
  auto it = p.pod.metadata.annotations.find("controller.kubernetes.io/pod-deletion-cost");
  if (it == p.pod.metadata.annotations.end()) return std::nullopt;
  try {
    return static_cast<int32_t>(std::stol(it->second));
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

void ReplicaSetController::reconcile(KeyId key) {
  SimReplicaSet* rs = w_.store.replica_set(key);
  if (rs == nullptr) return;
  const SimTime now = w_.now;
  std::vector<SimPod*> active;
  for (auto it = rs->pods.begin(); it != rs->pods.end();) {
    SimPod* p = w_.store.pod(*it);
    if (p == nullptr || p->owner != rs->key) {
      it = rs->pods.erase(it);
      continue;
    }
    if (p->active()) active.push_back(p);
    ++it;
  }
  const int32_t diff = static_cast<int32_t>(active.size()) - rs->replicas;
  const std::string& ns = rs->rs.metadata.ns;
  if (diff < 0) {
    const int32_t n = std::min(-diff, 500);  // burstReplicas
    for (int32_t i = 0; i < n; ++i) {
      std::string name;
      do {
        name = rs->rs.metadata.name + "-" + w_.random_suffix();
      } while (w_.store.pods.count(object_key(ns, name)));
      SimPod& p = w_.create_pod(ns, name, rs->tmpl, "ReplicaSet", rs->rs.metadata.name, rs->key);
      rs->pods.insert(p.key);
      active.push_back(&p);
    }
  } else if (diff > 0) {
    std::vector<PodRankInfo> ranks;
    ranks.reserve(active.size());
    for (const SimPod* p : active) {
      PodRankInfo r;
      r.name = p->pod.metadata.name;
      r.uid = fmt::format("{:020}", p->uid);
      r.node_name = p->node_name;
      r.phase = p->phase;
      r.ready = p->ready;
      r.ready_since = p->ready_since;
      r.deletion_cost = deletion_cost(*p).value_or(0);
      r.max_restarts = p->restarts;
      r.created = p->created;
      ranks.push_back(std::move(r));
    }
    // getPodsRankedByRelatedPodsOnSameNode: pods of every RS of the Deployment.
    std::vector<std::string> related;
    std::vector<KeyId> sets;
    if (rs->deployment) {
      if (const SimDeployment* d = w_.store.deployment(*rs->deployment)) {
        sets.assign(d->replica_sets.begin(), d->replica_sets.end());
      }
    }
    if (sets.empty()) sets.push_back(rs->key);
    for (KeyId s : sets) {
      const SimReplicaSet* other = w_.store.replica_set(s);
      if (other == nullptr) continue;
      for (KeyId pk : other->pods) {
        const SimPod* p = w_.store.pod(pk);
        if (p != nullptr && p->active()) related.push_back(p->node_name);
      }
    }
    rank_by_colocation(ranks, related);
    std::vector<size_t> victims = pick_pods_to_delete(ranks, diff, now);
    // Split the victims off `active` before deleting them: deleting a pod that
    // is not bound removes it from the store at once, so no pointer to it may
    // be read afterwards.
    std::vector<char> doomed_at(active.size(), 0);
    std::vector<SimPod*> doomed;
    doomed.reserve(victims.size());
    for (size_t i : victims) {
      doomed_at[i] = 1;
      doomed.push_back(active[i]);  // in the order pick_pods_to_delete chose
    }
    std::vector<SimPod*> kept;
    kept.reserve(active.size());
    for (size_t i = 0; i < active.size(); ++i) {
      if (!doomed_at[i]) kept.push_back(active[i]);
    }
    active = std::move(kept);
    for (SimPod* p : doomed) w_.delete_pod(*p, "ScaleDown");
  }
  int32_t ready = 0, available = 0;
  for (const SimPod* p : active) {
    if (p->ready) ++ready;
    if (is_pod_available(p->ready, p->ready_since, rs->rs.min_ready_seconds, now)) ++available;
  }
  const bool changed = rs->status_replicas != static_cast<int32_t>(active.size()) ||
                       rs->ready_replicas != ready || rs->available_replicas != available ||
                       rs->observed_generation != rs->generation;
  rs->status_replicas = static_cast<int32_t>(active.size());
  rs->ready_replicas = ready;
  rs->available_replicas = available;
  rs->observed_generation = rs->generation;
  // The Deployment controller watches its ReplicaSets' status.
  if (changed && rs->deployment) w_.enqueue(ControllerId::kDeployment, *rs->deployment);
}

}  // namespace simcluster
