// Node lifecycle, taint-based eviction, drain and node removal, and the
// timeline actions that drive them.
//
// Mirrors k8s pkg/controller/nodelifecycle (a node whose kubelet stopped
// reporting is marked Ready=Unknown after --node-monitor-grace-period, its
// pods NotReady (MarkPodsNotReady), and tainted
// node.kubernetes.io/unreachable with NoSchedule and NoExecute), and
// pkg/controller/tainteviction (each pod is deleted when the NoExecute taint
// has been there longer than its smallest matching tolerationSeconds;
// DefaultTolerationSeconds gives every pod 300 s; no matching toleration:
// at once; a toleration without seconds: never).
// Drain mirrors `kubectl drain --ignore-daemonsets --force`: cordon, then
// evict every other pod through the eviction API, which refuses while a
// PodDisruptionBudget of the pod allows no disruption (retried every 5 s).
#include <fmt/format.h>

#include <algorithm>

#include "sim/controllers.h"

namespace simcluster {

namespace {

const Taint kUnreachableNoSchedule{"node.kubernetes.io/unreachable", "", "NoSchedule"};
const Taint kUnreachableNoExecute{"node.kubernetes.io/unreachable", "", "NoExecute"};

void set_ready_condition(Node& node, const char* status) {
  for (NodeCondition& c : node.conditions) {
    if (c.type == "Ready") {
      c.status = status;
      return;
    }
  }
  node.conditions.push_back({"Ready", status});
}

// The smallest tolerationSeconds among the tolerations of `taint`; nullopt
// inside the optional = tolerated forever; nullopt = not tolerated.
std::optional<std::optional<int64_t>> toleration_seconds(const std::vector<Toleration>& ts,
                                                         const Taint& taint) {
  std::optional<std::optional<int64_t>> best;
  for (const Toleration& t : ts) {
    if (!tolerates_taint(std::span<const Toleration>(&t, 1), taint)) continue;
    if (!t.toleration_seconds) {
      if (!best) best = std::optional<int64_t>{};
      continue;
    }
    const int64_t s = std::max<int64_t>(0, *t.toleration_seconds);
    if (!best || !*best || s < **best) best = std::optional<int64_t>{s};
  }
  return best;
}

void disrupt_rollout(World& w, const SimPod& p) {
  if (p.workload.rfind("Deployment/", 0) != 0) return;
  auto it = w.store.deployments.find(p.workload.substr(11));
  if (it != w.store.deployments.end()) it->second.rollout.disrupted = true;
}

}  // namespace

int32_t disruptions_allowed(World& w, const PodDisruptionBudget& pdb) {
  // Mirrors pkg/controller/disruption getExpectedPodCount + disruptionsAllowed:
  // healthy = Ready pods not being deleted; expected = the pods' controllers'
  // replicas (or the pod count for an integer minAvailable).
  int32_t healthy = 0, pods = 0;
  std::set<std::string> controllers;
  int32_t expected_scale = 0;
  for (const auto& [key, p] : w.store.pods) {
    if (p.pod.metadata.ns != pdb.metadata.ns) continue;
    if (!selector_matches(pdb.selector, p.pod.metadata.labels)) continue;
    if (p.terminal()) continue;
    ++pods;
    if (p.ready && !p.terminating()) ++healthy;
    if (!p.workload.empty() && controllers.insert(p.workload).second) {
      if (p.workload.rfind("Deployment/", 0) == 0) {
        auto it = w.store.deployments.find(p.workload.substr(11));
        if (it != w.store.deployments.end()) expected_scale += it->second.replicas;
      } else if (p.workload.rfind("StatefulSet/", 0) == 0) {
        auto it = w.store.stateful_sets.find(p.workload.substr(12));
        if (it != w.store.stateful_sets.end()) expected_scale += it->second.replicas;
      } else if (p.workload.rfind("ReplicaSet/", 0) == 0) {
        auto it = w.store.replica_sets.find(p.workload.substr(11));
        if (it != w.store.replica_sets.end()) expected_scale += it->second.replicas;
      } else {
        expected_scale += 1;
      }
    }
  }
  int32_t desired_healthy = 0;
  if (pdb.max_unavailable) {
    const int32_t mu = scaled_value_from_int_or_percent(*pdb.max_unavailable, expected_scale, true);
    desired_healthy = std::max(0, expected_scale - mu);
  } else if (pdb.min_available) {
    if (pdb.min_available->is_percent) {
      desired_healthy = scaled_value_from_int_or_percent(*pdb.min_available, expected_scale, true);
    } else {
      desired_healthy = pdb.min_available->value;
    }
  }
  (void)pods;
  return std::max(0, healthy - desired_healthy);
}

NodeLifecycleController::NodeLifecycleController(World& w) : Controller(w) {}

void NodeLifecycleController::apply(const SimTimelineEvent& e, SimNode& n) {
  const SimTime now = w_.now;
  const std::string& name = n.node.metadata.name;
  const std::string object = "Node/" + name;
  switch (e.action) {
    case TimelineAction::kFailNode:
      if (!n.heartbeating) return;
      n.heartbeating = false;
      n.heartbeat_lost_at = now;
      w_.recorder.event(
          now, "NodeFailed", object,
          fmt::format("kubelet stopped reporting; NotReady after {}",
                      format_duration(w_.cfg.node_lifecycle.node_monitor_grace_period)));
      w_.requeue_at(ControllerId::kNodeLifecycle, n.key,
                    now + w_.cfg.node_lifecycle.node_monitor_grace_period);
      break;
    case TimelineAction::kRecoverNode:
      if (n.heartbeating) return;
      n.heartbeating = true;
      add(n.key);
      break;
    case TimelineAction::kCordon:
    case TimelineAction::kDrain:
      if (!n.unschedulable) {
        n.unschedulable = true;
        n.node.unschedulable = true;
        w_.store.snapshot.set_unschedulable(n.snap, true);
        w_.recorder.event(now, "NodeCordoned", object, "marked unschedulable");
        w_.store.changed(Kind::kNode, n.key);
      }
      if (e.action == TimelineAction::kDrain) {
        n.draining = true;
        add(n.key);
      }
      break;
    case TimelineAction::kUncordon:
      if (!n.unschedulable) return;
      n.unschedulable = false;
      n.draining = false;
      n.node.unschedulable = false;
      w_.store.snapshot.set_unschedulable(n.snap, false);
      w_.recorder.event(now, "NodeUncordoned", object, "marked schedulable");
      w_.store.changed(Kind::kNode, n.key);
      break;
    case TimelineAction::kRemoveNode: {
      // The Node object is deleted; pod GC deletes its pods (gcOrphaned).
      const KeyId key = n.key;
      const NodeId snap = n.snap;
      std::vector<KeyId> pods(n.pods.begin(), n.pods.end());
      int32_t count = 0;
      for (KeyId pk : pods) {
        if (SimPod* p = w_.store.pod(pk)) {
          disrupt_rollout(w_, *p);
          if (!p->terminating()) p->deletion_reason = "NodeRemoved";
          w_.remove_pod(*p);
          ++count;
        }
      }
      w_.store.snapshot.remove_node(snap);
      w_.store.nodes.erase(name);
      w_.recorder.event(now, "NodeRemoved", object,
                        fmt::format("node deleted; {} pods garbage-collected", count));
      w_.store.changed(Kind::kNode, key);
      break;
    }
    case TimelineAction::kRollout:
    case TimelineAction::kScale:
      break;
  }
}

void NodeLifecycleController::reconcile(KeyId key) {
  SimNode* n = w_.store.node(key);
  if (n == nullptr) return;
  const SimTime now = w_.now;
  const auto& cfg = w_.cfg.node_lifecycle;
  const std::string object = "Node/" + n->node.metadata.name;
  std::optional<SimTime> next;
  auto later = [&](SimTime t) {
    if (!next || t < *next) next = t;
  };

  if (!n->heartbeating && n->ready) {
    const SimTime due = n->heartbeat_lost_at + cfg.node_monitor_grace_period;
    if (now < due) {
      w_.requeue_at(ControllerId::kNodeLifecycle, key, due);
      return;
    }
    n->ready = false;
    n->not_ready_since = now;
    set_ready_condition(n->node, "Unknown");
    for (const Taint& t : {kUnreachableNoSchedule, kUnreachableNoExecute}) {
      if (std::find(n->node.taints.begin(), n->node.taints.end(), t) == n->node.taints.end()) {
        n->node.taints.push_back(t);
      }
    }
    w_.store.snapshot.update_node(n->snap, n->node);
    for (KeyId pk : n->pods) {
      SimPod* p = w_.store.pod(pk);
      if (p == nullptr) continue;
      p->node_lost = true;
      if (p->ready) {
        p->ready = false;
        p->ready_since = now;
      }
      disrupt_rollout(w_, *p);
      w_.touch_pod(*p);
    }
    w_.recorder.event(now, "NodeNotReady", object,
                      "Ready=Unknown; tainted node.kubernetes.io/unreachable:NoExecute");
    w_.store.changed(Kind::kNode, key);
  }

  if (!n->ready && !n->heartbeating) {
    std::vector<KeyId> pods(n->pods.begin(), n->pods.end());
    for (KeyId pk : pods) {
      SimPod* p = w_.store.pod(pk);
      if (p == nullptr || p->terminating()) continue;
      auto secs = toleration_seconds(p->pod.spec.tolerations, kUnreachableNoExecute);
      if (secs && !*secs) continue;  // tolerated forever (DaemonSet pods)
      const SimTime due = n->not_ready_since + SimDuration{(secs ? **secs : 0) * 1000};
      if (due > now) {
        later(due);
        continue;
      }
      w_.recorder.event(
          now, "Evicted", "Pod/" + w_.store.keys.name(pk),
          fmt::format("Marking for deletion: node {} unreachable for {}", n->node.metadata.name,
                      format_duration(now - n->not_ready_since)),
          {{"reason", "TaintManagerEviction"}, {"node", n->node.metadata.name}});
      w_.delete_pod(*p, "Evicted");
      if (!w_.cfg.node_lifecycle.force_delete_unreachable_pods && p->owner_kind == "StatefulSet") {
        w_.recorder.stuck_terminating("Pod/" + w_.store.keys.name(pk), n->node.metadata.name, now);
      }
    }
  }

  if (n->heartbeating && !n->ready) {
    n->ready = true;
    set_ready_condition(n->node, "True");
    std::erase(n->node.taints, kUnreachableNoSchedule);
    std::erase(n->node.taints, kUnreachableNoExecute);
    w_.store.snapshot.update_node(n->snap, n->node);
    for (KeyId pk : n->pods) {
      SimPod* p = w_.store.pod(pk);
      if (p == nullptr) continue;
      p->node_lost = false;
      if (p->terminating() && (!p->gone_at || *p->gone_at > now)) p->gone_at = now;
      w_.enqueue(ControllerId::kKubelet, pk);
    }
    w_.recorder.event(now, "NodeRecovered", object, "kubelet reporting again; Ready");
    w_.store.changed(Kind::kNode, key);
  } else if (n->heartbeating && n->ready) {
    // Recovered before the grace period ran out: the kubelet carries on.
    for (KeyId pk : n->pods) w_.enqueue(ControllerId::kKubelet, pk);
  }

  if (n->draining) {
    bool blocked = false, remaining = false;
    std::vector<KeyId> pods(n->pods.begin(), n->pods.end());
    for (KeyId pk : pods) {
      SimPod* p = w_.store.pod(pk);
      if (p == nullptr || p->owner_kind == "DaemonSet" || p->terminal()) continue;
      remaining = true;
      if (p->terminating()) {
        if (p->gone_at) later(*p->gone_at);
        continue;
      }
      bool allowed = true;
      for (const PodDisruptionBudget& pdb : w_.store.pdbs) {
        if (pdb.metadata.ns == p->pod.metadata.ns &&
            selector_matches(pdb.selector, p->pod.metadata.labels) &&
            disruptions_allowed(w_, pdb) <= 0) {
          allowed = false;
        }
      }
      if (!allowed) {
        blocked = true;
        continue;
      }
      w_.recorder.event(now, "Evicted", "Pod/" + w_.store.keys.name(pk),
                        fmt::format("Evicted by drain of {}", n->node.metadata.name),
                        {{"reason", "Drain"}, {"node", n->node.metadata.name}});
      disrupt_rollout(w_, *p);
      w_.delete_pod(*p, "Evicted");
    }
    if (blocked) later(now + SimDuration{5'000});
    if (!remaining) {
      n->draining = false;
      w_.recorder.event(now, "NodeDrained", object, "every pod evicted (DaemonSet pods ignored)");
    } else if (!blocked) {
      later(now + SimDuration{1'000});
    }
  }
  if (next) w_.requeue_at(ControllerId::kNodeLifecycle, key, *next);
}

// ---------------------------------------------------------------- timeline

void apply_timeline(World& w, const SimTimelineEvent& e) {
  if (e.action == TimelineAction::kScale) {
    const std::string key = object_key(e.ns, e.name);
    const std::string object = e.kind + "/" + key;
    int32_t from = -1;
    if (e.kind == "Deployment") {
      if (auto it = w.store.deployments.find(key); it != w.store.deployments.end()) {
        from = it->second.replicas;
        it->second.replicas = e.replicas;
        it->second.d.replicas = e.replicas;
        it->second.generation += 1;
        if (it->second.rollout.active) it->second.rollout.disrupted = true;
        w.enqueue(ControllerId::kDeployment, it->second.key);
      }
    } else if (e.kind == "StatefulSet") {
      if (auto it = w.store.stateful_sets.find(key); it != w.store.stateful_sets.end()) {
        from = it->second.replicas;
        it->second.replicas = e.replicas;
        it->second.s.replicas = e.replicas;
        w.enqueue(ControllerId::kStatefulSet, it->second.key);
      }
    } else if (e.kind == "ReplicaSet") {
      if (auto it = w.store.replica_sets.find(key); it != w.store.replica_sets.end()) {
        from = it->second.replicas;
        it->second.replicas = e.replicas;
        it->second.rs.replicas = e.replicas;
        it->second.generation += 1;
        w.enqueue(ControllerId::kReplicaSet, it->second.key);
      }
    }
    if (from >= 0) {
      w.recorder.event(w.now, "Scaled", object, fmt::format("scaled {} -> {}", from, e.replicas),
                       {{"from", std::to_string(from)}, {"to", std::to_string(e.replicas)}});
    }
    return;
  }
  if (e.action == TimelineAction::kRollout) {
    const std::string key = object_key(e.ns, e.name);
    auto retemplate = [&](const PodTemplateSpec& current, const std::string& workload,
                          int32_t index, const std::string& label, const std::string& prefix) {
      PodTemplateSpec t = current;
      for (Container& c : t.spec.containers) {
        if (!e.image.empty() && (e.container.empty() || c.name == e.container)) c.image = e.image;
      }
      if (e.image.empty() && e.fault == RolloutFault::kNone) {
        // kubectl rollout restart
        t.metadata.annotations["kubectl.kubernetes.io/restartedAt"] = fmt::format("{}", w.now.ms());
      }
      return w.make_template(t, workload, index, e.fault, label, prefix);
    };
    if (e.kind == "Deployment") {
      auto it = w.store.deployments.find(key);
      if (it == w.store.deployments.end()) return;
      SimDeployment& d = it->second;
      auto t =
          retemplate(d.d.template_, "Deployment/" + key, d.workload_index, "pod-template-hash", "");
      static_cast<DeploymentController&>(w.controller(ControllerId::kDeployment)).rollout(d, t);
    } else if (e.kind == "StatefulSet") {
      auto it = w.store.stateful_sets.find(key);
      if (it == w.store.stateful_sets.end()) return;
      SimStatefulSet& s = it->second;
      auto t = retemplate(s.s.template_, "StatefulSet/" + key, s.workload_index,
                          "controller-revision-hash", s.s.metadata.name + "-");
      t->storage_per_pod = s.revisions.begin()->second->storage_per_pod;
      static_cast<StatefulSetController&>(w.controller(ControllerId::kStatefulSet)).rollout(s, t);
    } else if (e.kind == "DaemonSet") {
      auto it = w.store.daemon_sets.find(key);
      if (it == w.store.daemon_sets.end()) return;
      SimDaemonSet& ds = it->second;
      auto t = retemplate(ds.ds.template_, "DaemonSet/" + key, ds.workload_index,
                          "controller-revision-hash", ds.ds.metadata.name + "-");
      static_cast<DaemonSetController&>(w.controller(ControllerId::kDaemonSet)).rollout(ds, t);
    }
    return;
  }
  std::vector<std::string> names;
  if (!e.node.empty()) {
    names.push_back(e.node);
  } else {
    for (const auto& [name, n] : w.store.nodes) {
      if (n.zone == e.zone) names.push_back(name);
    }
  }
  auto& lifecycle =
      static_cast<NodeLifecycleController&>(w.controller(ControllerId::kNodeLifecycle));
  for (const std::string& name : names) {
    auto it = w.store.nodes.find(name);
    if (it != w.store.nodes.end()) lifecycle.apply(e, it->second);
  }
}

}  // namespace simcluster
