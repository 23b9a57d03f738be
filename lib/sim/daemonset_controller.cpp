// The DaemonSet controller. Mirrors k8s pkg/controller/daemon:
//  * a node should run the daemon pod when it matches the pod's node
//    selector/affinity and its NoSchedule and NoExecute taints are tolerated;
//    a running pod stays while its NoExecute taints are tolerated
//    (NodeShouldRunDaemonPod);
//  * daemon pods get the tolerations of util.AddOrUpdateDaemonPodTolerations
//    (not-ready/unreachable NoExecute without a deadline; disk-, memory-,
//    pid-pressure and unschedulable NoSchedule), and a required node affinity
//    on metadata.name, and are placed by the default scheduler, so their
//    requests count against every node they run on;
//  * pods being deleted are ignored (a replacement is created at once);
//  * RollingUpdate deletes old-revision pods while fewer than maxUnavailable
//    (rounded up) desired nodes lack an available pod (maxSurge not modelled).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "sim/controllers.h"

namespace simcluster {

DaemonSetController::DaemonSetController(World& w) : Controller(w) {
  w.store.watch(Kind::kPod, this);
  w.store.watch(Kind::kNode, this);
  w.store.watch(Kind::kDaemonSet, this);
}

void DaemonSetController::on_change(Kind kind, KeyId key) {
  if (kind == Kind::kNode) {
    for (const auto& [k, ds] : w_.store.daemon_sets) add(ds.key);
    return;
  }
  if (kind == Kind::kDaemonSet) {
    add(key);
    return;
  }
  const SimPod* p = w_.store.pod(key);
  if (p != nullptr && p->owner_kind == "DaemonSet" && p->owner) add(*p->owner);
}

void DaemonSetController::rollout(SimDaemonSet& ds, std::shared_ptr<const TemplateInfo> tmpl) {
  if (tmpl->hash == ds.tmpl->hash) return;
  ds.ds.template_ = tmpl->tmpl;
  ds.ds.template_.metadata.labels.erase("controller-revision-hash");
  ds.revisions[tmpl->hash] = tmpl;
  ds.tmpl = std::move(tmpl);
  ds.rollout = RolloutTracker{};
  ds.rollout.active = true;
  ds.rollout.started = w_.now;
  w_.recorder.event(w_.now, "RolloutStarted",
                    fmt::format("DaemonSet/{}", w_.store.keys.name(ds.key)),
                    fmt::format("new revision {}", ds.tmpl->hash), {{"revision", ds.tmpl->hash}});
  add(ds.key);
}

namespace {

std::vector<Toleration> daemon_tolerations(std::vector<Toleration> ts) {
  auto add = [&](const char* key, const char* effect) {
    for (const Toleration& t : ts) {
      if (t.key == key && t.effect == effect) return;
    }
    ts.push_back(Toleration{key, "Exists", "", effect, std::nullopt});
  };
  add("node.kubernetes.io/not-ready", "NoExecute");
  add("node.kubernetes.io/unreachable", "NoExecute");
  add("node.kubernetes.io/disk-pressure", "NoSchedule");
  add("node.kubernetes.io/memory-pressure", "NoSchedule");
  add("node.kubernetes.io/pid-pressure", "NoSchedule");
  add("node.kubernetes.io/unschedulable", "NoSchedule");
  return ts;
}

bool tolerated(const std::vector<Toleration>& ts, const std::vector<Taint>& taints,
               bool no_schedule_too) {
  for (const Taint& t : taints) {
    if (t.effect == "NoExecute" || (no_schedule_too && t.effect == "NoSchedule")) {
      if (!tolerates_taint(ts, t)) return false;
    }
  }
  return true;
}

}  // namespace

void DaemonSetController::reconcile(KeyId key) {
  SimDaemonSet* ds = w_.store.daemon_set(key);
  if (ds == nullptr) return;
  const SimTime now = w_.now;
  const std::string& ns = ds->ds.metadata.ns;
  const std::string object = fmt::format("DaemonSet/{}", w_.store.keys.name(key));
  const std::vector<Toleration> tolerations = daemon_tolerations(ds->tmpl->tmpl.spec.tolerations);
  PodInfo probe = make_pod_info(Pod{ds->tmpl->tmpl.metadata, ds->tmpl->tmpl.spec});

  // Pods by node (terminating and finished pods ignored), and the nodes that still have
  // a terminating one: podsShouldBeOnNode creates a node's pod only once it has none at
  // all, so a replacement waits until the old pod is gone.
  std::map<std::string, std::vector<SimPod*>> by_node;
  std::set<std::string> terminating_on;
  bool managed = false;  // this sync created or deleted pods (manage)
  std::vector<SimPod*> unplaced;
  for (auto it = ds->pods.begin(); it != ds->pods.end();) {
    SimPod* p = w_.store.pod(*it);
    if (p == nullptr || p->owner != ds->key) {
      it = ds->pods.erase(it);
      continue;
    }
    ++it;
    if (p->terminating()) {
      terminating_on.insert(p->daemon_node);
      continue;
    }
    if (p->terminal()) {
      w_.delete_pod(*p, "Failed");
      managed = true;
      continue;
    }
    by_node[p->daemon_node].push_back(p);
  }

  int32_t desired = 0, ready = 0, available = 0, updated = 0;
  // update.go rollingUpdate (maxSurge 0) counts against maxUnavailable only the nodes it
  // sees with pods: an unavailable new pod, or old and new pods together. A node still
  // without its pod (created by this sync) and an unavailable old pod (replaced for
  // free) do not count.
  int32_t unavailable = 0;
  const int32_t min_ready = ds->ds.min_ready_seconds;
  std::vector<SimPod*> old_pods;
  for (auto& [name, node] : w_.store.nodes) {
    const bool matches = matches_node_selector_and_affinity(probe, node.node.metadata.labels, name);
    const bool should_run = matches && tolerated(tolerations, node.node.taints, true);
    const bool may_continue = matches && tolerated(tolerations, node.node.taints, false);
    auto& pods = by_node[name];
    if (should_run || (may_continue && !pods.empty())) ++desired;
    if (pods.empty()) {
      if (!should_run) continue;
      if (terminating_on.count(name) > 0) {
        ++unavailable;  // a node with only deleted pods counts against maxUnavailable
        continue;
      }
      auto t = std::make_shared<TemplateInfo>(*ds->tmpl);
      t->tmpl.spec.tolerations = tolerations;
      NodeSelectorTerm term;
      term.match_fields.push_back({"metadata.name", "In", {name}});
      NodeAffinity aff = t->tmpl.spec.affinity.node_affinity.value_or(NodeAffinity{});
      aff.required = {term};
      t->tmpl.spec.affinity.node_affinity = aff;
      std::string pod_name;
      do {
        pod_name = ds->ds.metadata.name + "-" + w_.random_suffix();
      } while (w_.store.pods.count(object_key(ns, pod_name)));
      SimPod& p = w_.create_pod(ns, pod_name, t, "DaemonSet", ds->ds.metadata.name, ds->key);
      managed = true;
      p.daemon_node = name;
      ds->pods.insert(p.key);
      continue;
    }
    if (!may_continue) {
      for (SimPod* p : pods) w_.delete_pod(*p, "NodeNotEligible");
      managed = true;
      continue;
    }
    // Extra pods on one node: keep the oldest (while there are two, the node counts as
    // unavailable).
    if (pods.size() > 1) ++unavailable;
    for (size_t i = 1; i < pods.size(); ++i) {
      w_.delete_pod(*pods[i], "Duplicate");
      managed = true;
    }
    SimPod* p = pods[0];
    if (p->ready) ++ready;
    const bool is_available = is_pod_available(p->ready, p->ready_since, min_ready, now);
    if (is_available) ++available;
    if (p->ready && !is_available && p->ready_since) {
      // Available minReadySeconds after Ready: updatePod enqueues the DaemonSet after
      // minReadySeconds + 1 s ("to avoid milliseconds skew"), as the ReplicaSet does.
      w_.requeue_at(ControllerId::kDaemonSet, key,
                    *p->ready_since + SimDuration{(int64_t{min_ready} + 1) * 1000});
    }
    if (p->revision == ds->tmpl->hash) {
      ++updated;
      if (!is_available && pods.size() == 1) ++unavailable;
    } else {
      old_pods.push_back(p);
    }
  }

  // RollingUpdate: replace old pods while the unavailability budget allows.
  // updateDaemonSet: the rolling update runs only when manage() has nothing in flight
  // (expectations satisfied), i.e. not in a sync that created or deleted pods: the pods
  // it just created count against maxUnavailable from the next sync on.
  if (ds->ds.update_strategy_type == "RollingUpdate" && !old_pods.empty() && !managed) {
    const int32_t max_unavailable =
        std::max(1, scaled_value_from_int_or_percent(ds->ds.max_unavailable, desired, true));
    // Unavailable old pods are replaced whatever the budget (they cost no availability);
    // available ones while maxUnavailable - unavailable allows, in node order.
    int32_t budget = max_unavailable - unavailable;
    for (SimPod* p : old_pods) {
      if (!is_pod_available(p->ready, p->ready_since, min_ready, now)) {
        w_.delete_pod(*p, "Update");
        continue;
      }
      if (budget <= 0) break;
      --budget;
      w_.delete_pod(*p, "Update");
      if (ds->rollout.active) {
        w_.recorder.event(now, "RolloutStep", object,
                          fmt::format("replacing {} on {}", p->pod.metadata.name, p->node_name));
      }
    }
  }
  ds->desired = desired;
  ds->ready = ready;
  ds->available = available;
  ds->updated = updated;
  if (ds->rollout.active && updated == desired && available == desired && old_pods.empty()) {
    ds->rollout.active = false;
    w_.recorder.event(now, "RolloutComplete", object,
                      fmt::format("revision {} rolled out in {}", ds->tmpl->hash,
                                  format_duration(now - ds->rollout.started)),
                      {{"seconds", std::to_string((now - ds->rollout.started).count() / 1000)}});
    w_.recorder.rollout_finished(ds->workload_index, now - ds->rollout.started);
  }
}

}  // namespace simcluster
