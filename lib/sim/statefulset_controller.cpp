// The StatefulSet controller: a shell around workload.h sync_stateful_set
// (mirrors k8s pkg/controller/statefulset). Pods are named <set>-<ordinal>
// and carry the statefulset.kubernetes.io/pod-name and
// apps.kubernetes.io/pod-index labels; each volumeClaimTemplate gives the PVC
// <template>-<set>-<ordinal>, created before its pod and kept across pod
// restarts and scale-down (unless whenScaled: Delete), so a re-created
// ordinal finds its claim, and the zone it was provisioned in. A pod turning
// Ready with minReadySeconds > 0 re-syncs the set minReadySeconds + 1 s later.
#include <fmt/format.h>

#include <algorithm>

#include "sim/controllers.h"

namespace simcluster {

StatefulSetController::StatefulSetController(World& w) : Controller(w) {
  w.store.watch(Kind::kPod, this);
  w.store.watch(Kind::kStatefulSet, this);
}

void StatefulSetController::on_change(Kind kind, KeyId key) {
  if (kind == Kind::kStatefulSet) {
    add(key);
    return;
  }
  const SimPod* p = w_.store.pod(key);
  if (p == nullptr || p->owner_kind != "StatefulSet" || !p->owner) return;
  add(*p->owner);
  const SimStatefulSet* s = w_.store.stateful_set(*p->owner);
  if (s != nullptr && s->s.min_ready_seconds > 0 && p->ready && p->ready_since &&
      *p->ready_since == w_.now && !p->terminating()) {
    w_.requeue_at(ControllerId::kStatefulSet, *p->owner,
                  w_.now + SimDuration{(s->s.min_ready_seconds + 1) * 1000LL});
  }
}

void StatefulSetController::rollout(SimStatefulSet& s, std::shared_ptr<const TemplateInfo> tmpl) {
  if (tmpl->hash == s.update_revision) return;
  s.s.template_ = tmpl->tmpl;
  s.s.template_.metadata.labels.erase("controller-revision-hash");
  s.revisions[tmpl->hash] = tmpl;
  s.update_revision = tmpl->hash;
  s.rollout = RolloutTracker{};
  s.rollout.active = true;
  s.rollout.started = w_.now;
  w_.recorder.event(w_.now, "RolloutStarted",
                    fmt::format("StatefulSet/{}", w_.store.keys.name(s.key)),
                    fmt::format("new revision {} ({} replicas, partition {})", tmpl->hash,
                                s.replicas, s.s.partition),
                    {{"revision", tmpl->hash}});
  add(s.key);
}

namespace {

std::vector<StatefulPodView> pod_views(World& w, SimStatefulSet& s) {
  std::vector<StatefulPodView> out;
  for (auto it = s.pods.begin(); it != s.pods.end();) {
    const SimPod* p = w.store.pod(it->second);
    if (p == nullptr || p->owner != s.key) {
      it = s.pods.erase(it);
      continue;
    }
    out.push_back(StatefulPodView{it->first, p->revision, p->phase, p->ready, p->ready_since,
                                  p->terminating()});
    ++it;
  }
  return out;
}

}  // namespace

void StatefulSetController::reconcile(KeyId key) {
  SimStatefulSet* s = w_.store.stateful_set(key);
  if (s == nullptr) return;
  const SimTime now = w_.now;
  s->s.replicas = s->replicas;
  StatefulSetView view = stateful_set_view(s->s, s->status.current_revision, s->update_revision);
  view.replicas = s->replicas;
  std::vector<StatefulPodView> pods = pod_views(w_, *s);
  std::vector<StatefulSetAction> actions = sync_stateful_set(view, pods, now);
  const std::string& ns = s->s.metadata.ns;
  const std::string& set = s->s.metadata.name;
  const std::string object = fmt::format("StatefulSet/{}", w_.store.keys.name(key));
  for (const StatefulSetAction& a : actions) {
    switch (a.kind) {
      case StatefulSetAction::Kind::kCreate: {
        auto rev = s->revisions.find(a.revision);
        if (rev == s->revisions.end()) rev = s->revisions.find(s->update_revision);
        const std::string name = fmt::format("{}-{}", set, a.ordinal);
        if (w_.store.pods.count(object_key(ns, name))) break;  // still being removed
        std::vector<std::string> claims;
        for (const PersistentVolumeClaim& t : s->s.volume_claim_templates) {
          const std::string claim = object_key(ns, pvc_name(t.metadata.name, set, a.ordinal));
          auto [it, fresh] = w_.store.pvcs.try_emplace(claim);
          SimPVC& pvc = it->second;
          if (fresh) {
            pvc.key = w_.store.keys.intern(claim);
            pvc.pvc = t;
            pvc.pvc.metadata.name = pvc_name(t.metadata.name, set, a.ordinal);
            pvc.pvc.metadata.ns = ns;
            pvc.storage = t.storage_request ? t.storage_request->value() : 0;
            pvc.owner_set = set;
            pvc.ordinal = a.ordinal;
          }
          pvc.delete_with_pod = false;
          claims.push_back(claim);
        }
        StringMap labels{{"statefulset.kubernetes.io/pod-name", name},
                         {"apps.kubernetes.io/pod-index", std::to_string(a.ordinal)}};
        SimPod& p = w_.create_pod(ns, name, rev->second, "StatefulSet", set, s->key, labels);
        p.ordinal = a.ordinal;
        p.claims = std::move(claims);
        s->pods[a.ordinal] = p.key;
        break;
      }
      case StatefulSetAction::Kind::kDelete: {
        auto it = s->pods.find(a.ordinal);
        if (it == s->pods.end()) break;
        SimPod* p = w_.store.pod(it->second);
        if (p == nullptr) break;
        const char* reason = a.reason == StatefulSetAction::Reason::kScaleDown ? "ScaleDown"
                             : a.reason == StatefulSetAction::Reason::kUpdate  ? "Update"
                                                                               : "Failed";
        if (a.reason == StatefulSetAction::Reason::kScaleDown &&
            claim_ownership(view, a.ordinal).owned_by_pod) {
          for (const std::string& c : p->claims) {
            auto pvc = w_.store.pvcs.find(c);
            if (pvc != w_.store.pvcs.end()) pvc->second.delete_with_pod = true;
          }
        }
        if (a.reason == StatefulSetAction::Reason::kUpdate && s->rollout.active) {
          s->rollout.steps += 1;
          w_.recorder.event(now, "RolloutStep", object,
                            fmt::format("deleting {} (revision {} -> {})", p->pod.metadata.name,
                                        p->revision, s->update_revision));
        }
        w_.delete_pod(*p, reason);
        break;
      }
      case StatefulSetAction::Kind::kWait:
        if (a.reason == StatefulSetAction::Reason::kNotAvailable) {
          auto it = s->pods.find(a.ordinal);
          const SimPod* p = it == s->pods.end() ? nullptr : w_.store.pod(it->second);
          if (p != nullptr && p->ready_since) {
            w_.requeue_at(
                ControllerId::kStatefulSet, key,
                api_time(*p->ready_since) + SimDuration{(s->s.min_ready_seconds + 1) * 1000LL});
          }
        }
        break;
    }
  }
  pods = pod_views(w_, *s);
  StatefulSetStatusView status = stateful_set_status(view, pods, now);
  const bool completed = s->rollout.active && status.current_revision == s->update_revision &&
                         status.updated_replicas == s->replicas;
  s->status = status;
  if (completed) {
    s->rollout.active = false;
    w_.recorder.event(now, "RolloutComplete", object,
                      fmt::format("revision {} rolled out in {}", s->update_revision,
                                  format_duration(now - s->rollout.started)),
                      {{"seconds", std::to_string((now - s->rollout.started).count() / 1000)}});
    w_.recorder.rollout_finished(s->workload_index, now - s->rollout.started);
  }
}

}  // namespace simcluster
