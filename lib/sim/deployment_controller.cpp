// The Deployment controller: a shell around workload.h sync_deployment
// (mirrors k8s pkg/controller/deployment): builds the Deployment's and its
// ReplicaSets' views from the store, applies the plan (create the new RS,
// scale, clean up old RSs, store the status) and arms the progress-deadline
// timer. It also reports rollouts (started, each step, complete, failed).
#include <fmt/format.h>

#include <algorithm>

#include "sim/controllers.h"

namespace simcluster {

DeploymentController::DeploymentController(World& w) : Controller(w) {
  w.store.watch(Kind::kPod, this);
  w.store.watch(Kind::kDeployment, this);
}

void DeploymentController::on_change(Kind kind, KeyId key) {
  if (kind == Kind::kDeployment) {
    add(key);
    return;
  }
  // Recreate waits for old pods to be gone; a pod vanishing wakes its Deployment.
  const SimPod* p = w_.store.pod(key);
  if (p == nullptr || p->owner_kind != "ReplicaSet" || !p->owner || !p->gone_at ||
      *p->gone_at != w_.now) {
    return;
  }
  if (const SimReplicaSet* rs = w_.store.replica_set(*p->owner); rs && rs->deployment) {
    add(*rs->deployment);
  }
}

void DeploymentController::rollout(SimDeployment& d, std::shared_ptr<const TemplateInfo> tmpl) {
  if (tmpl->hash == d.tmpl->hash) return;  // same template: nothing to roll out
  d.d.template_ = tmpl->tmpl;
  d.d.template_.metadata.labels.erase("pod-template-hash");
  d.tmpl = std::move(tmpl);
  d.generation += 1;
  d.rollout = RolloutTracker{};
  d.rollout.active = true;
  d.rollout.started = w_.now;
  d.rollout.start_available = d.status.available_replicas;
  w_.recorder.event(w_.now, "RolloutStarted",
                    fmt::format("Deployment/{}", w_.store.keys.name(d.key)),
                    fmt::format("new revision {} ({} replicas, strategy {})", d.tmpl->hash,
                                d.replicas, d.d.strategy.type),
                    {{"revision", d.tmpl->hash}});
  add(d.key);
}

void DeploymentController::reconcile(KeyId key) {
  SimDeployment* d = w_.store.deployment(key);
  if (d == nullptr) return;
  const SimTime now = w_.now;
  d->d.replicas = d->replicas;
  DeploymentSyncInput in;
  in.deployment = deployment_view(d->d, d->generation);
  in.status = d->status;
  std::vector<SimReplicaSet*> sets;
  for (KeyId k : d->replica_sets) {
    SimReplicaSet* rs = w_.store.replica_set(k);
    if (rs == nullptr) continue;
    sets.push_back(rs);
    RSView v;
    v.name = rs->rs.metadata.name;
    v.created = rs->created;
    v.replicas = rs->replicas;
    v.status_replicas = rs->status_replicas;
    v.ready_replicas = rs->ready_replicas;
    v.available_replicas = rs->available_replicas;
    for (KeyId pk : rs->pods) {
      const SimPod* p = w_.store.pod(pk);
      if (p != nullptr && !p->terminal()) ++v.live_pods;
    }
    v.revision = rs->revision;
    v.desired_replicas_annotation = rs->desired_annotation;
    v.max_replicas_annotation = rs->max_annotation;
    v.matches_template = rs->tmpl->hash == d->tmpl->hash;
    v.status_observed = rs->observed_generation >= rs->generation;
    in.replica_sets.push_back(std::move(v));
  }
  DeploymentPlan plan = sync_deployment(in, now);
  const std::string& ns = d->d.metadata.ns;
  std::vector<std::string> steps;

  if (plan.create_new_rs) {
    const NewRSCreation& c = *plan.create_new_rs;
    const std::string name = d->d.metadata.name + "-" + d->tmpl->hash;
    const std::string rkey = object_key(ns, name);
    SimReplicaSet& rs = w_.store.replica_sets[rkey];
    rs.key = w_.store.keys.intern(rkey);
    rs.rs.metadata.name = name;
    rs.rs.metadata.ns = ns;
    rs.rs.metadata.labels = d->tmpl->tmpl.metadata.labels;
    rs.rs.metadata.owner_references = {{"apps/v1", "Deployment", d->d.metadata.name, true}};
    rs.rs.selector = d->d.selector;
    rs.rs.selector.match_labels["pod-template-hash"] = d->tmpl->hash;
    rs.rs.template_ = d->tmpl->tmpl;
    rs.rs.min_ready_seconds = d->d.min_ready_seconds;
    rs.tmpl = d->tmpl;
    rs.deployment = d->key;
    rs.replicas = c.replicas;
    rs.rs.replicas = c.replicas;
    rs.revision = c.revision;
    rs.desired_annotation = c.desired_annotation;
    rs.max_annotation = c.max_annotation;
    rs.created = now;
    d->replica_sets.insert(rs.key);
    w_.enqueue(ControllerId::kReplicaSet, rs.key);
    steps.push_back(fmt::format("created {} at {}", name, c.replicas));
  }
  auto find_rs = [&](const std::string& name) -> SimReplicaSet* {
    auto it = w_.store.replica_sets.find(object_key(ns, name));
    return it == w_.store.replica_sets.end() ? nullptr : &it->second;
  };
  if (plan.new_rs_revision && plan.new_rs_index) {
    if (SimReplicaSet* rs = find_rs(in.replica_sets[*plan.new_rs_index].name)) {
      rs->revision = *plan.new_rs_revision;
    }
  }
  for (const RSScale& s : plan.scales) {
    SimReplicaSet* rs = find_rs(s.name);
    if (rs == nullptr) continue;
    if (rs->replicas != s.replicas) {
      steps.push_back(fmt::format("{} {} -> {}", s.name, rs->replicas, s.replicas));
      rs->replicas = s.replicas;
      rs->rs.replicas = s.replicas;
      rs->generation += 1;
    }
    rs->desired_annotation = s.desired_annotation;
    rs->max_annotation = s.max_annotation;
    w_.enqueue(ControllerId::kReplicaSet, rs->key);
  }
  for (const std::string& name : plan.deletions) {
    SimReplicaSet* rs = find_rs(name);
    if (rs == nullptr) continue;
    d->replica_sets.erase(rs->key);
    w_.store.replica_sets.erase(object_key(ns, name));
  }
  d->status = plan.status;
  // The status write is an update of the Deployment: it syncs again (and
  // then, status unchanged, arms the progress-deadline timer).
  if (plan.status_changed) add(key);
  // requeueStuckDeployment's timer. Upstream re-queues with rate limiting
  // (5 ms and up) when less than a second is left; a Deployment whose
  // Progressing reason is NewReplicaSetAvailable (an HPA scaled a finished
  // rollout) can never time out, so upstream's repeated no-op syncs are
  // skipped here: they change nothing, and any change in its pods wakes it.
  if (plan.requeue_after &&
      !(plan.status.progressing && plan.status.progressing->reason == kReasonNewRSAvailable)) {
    const SimTime at = now + std::max(*plan.requeue_after, SimDuration{1'000});
    if (d->deadline_timer != at) {
      d->deadline_timer = at;
      w_.requeue_at(ControllerId::kDeployment, key, at);
    }
  }

  // ---- rollout reporting
  const std::string object = fmt::format("Deployment/{}", w_.store.keys.name(key));
  RolloutTracker& r = d->rollout;
  if (r.active && !steps.empty()) {
    r.steps += 1;
    std::string msg;
    for (const auto& s : steps) msg += (msg.empty() ? "" : ", ") + s;
    w_.recorder.event(now, "RolloutStep", object, msg,
                      {{"available", std::to_string(plan.status.available_replicas)},
                       {"updated", std::to_string(plan.status.updated_replicas)}});
  }
  if (r.active && deployment_complete(in.deployment, plan.status)) {
    r.active = false;
    w_.recorder.event(now, "RolloutComplete", object,
                      fmt::format("revision {} rolled out in {}", d->tmpl->hash,
                                  format_duration(now - r.started)),
                      {{"seconds", std::to_string((now - r.started).count() / 1000)}});
    w_.recorder.rollout_finished(d->workload_index, now - r.started);
  }
  if (r.active && !r.failed_reported && plan.status.progressing &&
      plan.status.progressing->reason == kReasonProgressDeadlineExceeded) {
    r.failed_reported = true;
    w_.recorder.event(
        now, "RolloutFailed", object,
        fmt::format("ReplicaSet \"{}-{}\" has timed out progressing "
                    "(progressDeadlineSeconds {})",
                    d->d.metadata.name, d->tmpl->hash, d->d.progress_deadline_seconds),
        {{"reason", std::string(kReasonProgressDeadlineExceeded)}});
  }
}

}  // namespace simcluster
