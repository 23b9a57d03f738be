// kube-scheduler's scheduling queue around scheduler.h schedule().
// Mirrors k8s pkg/scheduler/backend/queue/scheduling_queue.go:
//  * activeQ pops by priority (higher first), then by the time the pod
//    entered the queue (PrioritySort);
//  * a pod that does not fit gets a back-off of 1 s doubling per attempt up
//    to 10 s and waits among the unschedulable pods until a cluster event (a
//    node added or made more schedulable, which the pod passes a pre-check
//    on; an assigned pod deleted) moves it back (at the end of its back-off),
//    or the 30 s leftover flush finds it waiting more than 5 min
//    (podMaxInUnschedulablePodsDuration);
//  * preemption (PostFilter) deletes the victims and nominates the node; the
//    preemptor is retried when they are gone.
// Every failed attempt whose message differs from the pod's previous one is
// a FailedScheduling event with kube-scheduler's message.
#include <fmt/format.h>

#include <algorithm>

#include "sim/controllers.h"

namespace simcluster {

namespace {
// scheduling_queue.go Run: wait.Until(p.flushUnschedulablePodsLeftover, 30*time.Second, ...).
constexpr int64_t kUnschedulableFlushPeriodMs = 30'000;
}  // namespace

SchedulerController::SchedulerController(World& w) : Controller(w) {
  w.store.watch(Kind::kPod, this);
  w.store.watch(Kind::kNode, this);
}

void SchedulerController::on_change(Kind kind, KeyId key) {
  if (kind == Kind::kNode) {
    on_node_change(key);
    return;
  }
  const SimPod* p = w_.store.pod(key);
  if (p != nullptr && !p->bound() && !p->terminating() && !p->unschedulable) add(key);
}

// Mirrors k8s pkg/scheduler/eventhandlers.go (v1.27-v1.31): addNodeToCache
// moves every unschedulable pod that passes preCheckForNode; updateNodeInCache
// only when nodeSchedulingPropertiesChange finds the node more schedulable
// (spec.unschedulable true -> false, or allocatable, labels, taints or
// conditions changed), again only the pods that pass preCheckForNode. A
// cordon, or a node going NotReady (it gets the unreachable/not-ready
// NoSchedule taint), moves nobody. A deleted node moves nobody.
void SchedulerController::on_node_change(KeyId key) {
  const SimNode* n = w_.store.node(key);
  auto old = node_sigs_.find(key);
  if (n == nullptr) {
    if (old != node_sigs_.end()) node_sigs_.erase(old);
    return;
  }
  NodeSig sig{n->unschedulable, n->ready, n->allocatable, n->node.metadata.labels, n->node.taints};
  bool event = true;  // a new node
  if (old != node_sigs_.end()) {
    const NodeSig& o = old->second;
    event = (o.unschedulable && !sig.unschedulable) || o.allocatable != sig.allocatable ||
            o.labels != sig.labels || o.taints != sig.taints || o.ready != sig.ready;
    old->second = std::move(sig);
  } else {
    node_sigs_.emplace(key, std::move(sig));
  }
  if (!event || w_.store.pending_pods == 0) return;
  for (auto& [name, p] : w_.store.pods) {
    if (!p.unschedulable || p.bound() || p.terminating() || !pre_check(p, *n)) continue;
    p.retry_requested = true;
    w_.requeue_at(ControllerId::kScheduler, p.key, p.backoff_until);
  }
}

bool SchedulerController::pre_check(const SimPod& p, const SimNode& n) const {
  // An unschedulable (cordoned) node carries node.kubernetes.io/unschedulable:NoSchedule.
  if (n.unschedulable) return false;
  const NodeInfo& info = w_.store.snapshot.node(n.snap);
  Resources free = info.allocatable - info.requested;
  Resources need = p.info.requests;
  need.pods = 1;
  if (!need.fits_in(free)) return false;
  if (!p.info.node_name.empty() && p.info.node_name != n.node.metadata.name) return false;
  if (!matches_node_selector_and_affinity(p.info, n.node.metadata.labels, n.node.metadata.name)) {
    return false;
  }
  for (const Taint& t : n.node.taints) {
    if (t.effect == "NoSchedule" && !tolerates_taint(p.info.tolerations, t)) return false;
  }
  return true;
}

bool SchedulerController::place_from_dump(SimPod& p) {
  auto it = w_.dump_placement.find(p.workload);
  if (it == w_.dump_placement.end() || it->second.empty()) return false;
  auto& places = it->second;
  // A DaemonSet's pod (or a pod naming its node) takes the dump's pod on its
  // node; any other pod of the workload the next place in the dump's order.
  const std::string& want = !p.daemon_node.empty() ? p.daemon_node : p.info.node_name;
  auto place = places.begin();
  if (!want.empty()) {
    place = std::find_if(places.begin(), places.end(),
                         [&](const World::DumpPlacement& d) { return d.node == want; });
    if (place == places.end()) return false;
  }
  const World::DumpPlacement d = *place;
  places.erase(place);
  auto n = w_.store.nodes.find(d.node);
  if (n == w_.store.nodes.end()) return false;  // warned when the world was built
  // What the pod already running there needs of its node now: room for its
  // requests, the node's labels, and toleration of its taints (a cordoned
  // node keeps its pods: node.kubernetes.io/unschedulable does not count).
  const NodeInfo& info = w_.store.snapshot.node(n->second.snap);
  Resources need = p.info.requests;
  need.pods = 1;
  std::string why;
  if (!need.fits_in(info.allocatable - info.requested)) {
    why = "it does not fit in what the node has left";
  } else if (!matches_node_selector_and_affinity(p.info, n->second.node.metadata.labels,
                                                 n->second.node.metadata.name)) {
    why = "its node selector or affinity does not match the node";
  } else {
    for (const Taint& t : n->second.node.taints) {
      if (t.effect == "PreferNoSchedule" || t.key == "node.kubernetes.io/unschedulable") continue;
      if (!tolerates_taint(p.info.tolerations, t)) {
        why = fmt::format("it does not tolerate the node's taint {}:{}", t.key, t.effect);
        break;
      }
    }
  }
  if (!why.empty()) {
    w_.dump_warnings.push_back(
        fmt::format("{}: the dump runs pod {} on node {}, but {}; the scheduler places it instead",
                    p.workload, d.pod, d.node, why));
    return false;
  }
  w_.bind_pod(p, n->second.snap);
  p.running_in_dump = d.running;
  w_.recorder.event(w_.now, "Scheduled", fmt::format("Pod/{}", w_.store.keys.name(p.key)),
                    fmt::format("Placed {} on {}, where the cluster dump runs {}",
                                w_.store.keys.name(p.key), d.node, d.pod),
                    {{"node", d.node}});
  return true;
}

void SchedulerController::add(KeyId key) {
  if (in_active_.count(key)) return;
  const SimPod* p = w_.store.pod(key);
  if (p == nullptr) return;
  Entry e{-p->info.priority, w_.now.ms(), seq_++, key};
  active_.insert(e);
  in_active_.emplace(key, e);
}

void SchedulerController::process_round() {
  std::vector<KeyId> batch;
  batch.reserve(active_.size());
  for (const Entry& e : active_) batch.push_back(e.key);
  active_.clear();
  in_active_.clear();
  for (KeyId k : batch) reconcile(k);
}

void SchedulerController::move_all_to_active() {
  if (w_.store.pending_pods == 0) return;
  for (auto& [name, p] : w_.store.pods) {
    if (!p.unschedulable || p.bound() || p.terminating()) continue;
    p.retry_requested = true;
    w_.requeue_at(ControllerId::kScheduler, p.key, p.backoff_until);
  }
}

void SchedulerController::reconcile(KeyId key) {
  SimPod* p = w_.store.pod(key);
  if (p == nullptr || p->bound() || p->terminating()) return;
  const SimTime now = w_.now;
  const auto& qcfg = w_.cfg.scheduling_queue;
  if (p->unschedulable) {
    const bool flush_due = now > p->last_attempt + qcfg.max_in_unschedulable;
    if (!p->retry_requested && !flush_due) return;  // a stale timer
    if (now < p->backoff_until) {
      w_.requeue_at(ControllerId::kScheduler, key, p->backoff_until);
      return;
    }
  }
  p->retry_requested = false;
  p->last_attempt = now;

  // VolumeBinding, simplified: a bound claim pins the pod to its zone.
  p->info.required_zone.clear();
  for (const std::string& claim : p->claims) {
    auto it = w_.store.pvcs.find(claim);
    if (it != w_.store.pvcs.end() && !it->second.zone.empty()) {
      p->info.required_zone = it->second.zone;
      break;
    }
  }

  if (!w_.dump_placement.empty()) {
    if (place_from_dump(*p)) return;
    // The dump's running pods are placed before the pods it had Pending (and
    // any others), as they were there first: a pod without a place in the
    // dump waits one step while places remain.
    const bool places_left = std::any_of(w_.dump_placement.begin(), w_.dump_placement.end(),
                                         [](const auto& wp) { return !wp.second.empty(); });
    if (places_left && !p->dump_deferred) {
      p->dump_deferred = true;
      w_.requeue_at(ControllerId::kScheduler, key, now + SimDuration{1});
      return;
    }
  }
  ScheduleResult r = schedule(p->info, w_.store.snapshot, w_.cfg.scheduler, w_.rng);
  const std::string pod_name = fmt::format("Pod/{}", w_.store.keys.name(key));
  if (r.ok()) {
    w_.bind_pod(*p, *r.node);
    w_.recorder.scheduled(now, p->workload, w_.store.keys.name(key), r.node_name);
    return;
  }
  p->schedule_attempts += 1;
  // Back-off: initial x 2^(attempts-1), capped. 1 s, 2 s, 4 s, 8 s, 10 s, 10 s ...
  SimDuration backoff = qcfg.pod_initial_backoff;
  for (int32_t i = 1; i < p->schedule_attempts && backoff < qcfg.pod_max_backoff; ++i) backoff *= 2;
  backoff = std::min(backoff, qcfg.pod_max_backoff);
  p->backoff_until = now + backoff;
  const bool first = !p->unschedulable;
  p->unschedulable = true;
  if (w_.karpenter && p->owner_kind != "DaemonSet") w_.karpenter->pod_unschedulable();
  if (first || r.message != p->unschedulable_message) {
    p->unschedulable_message = r.message;
    std::map<std::string, std::string> details;
    for (const auto& [reason, count] : r.reasons) details[reason] = std::to_string(count);
    w_.recorder.event(now, "FailedScheduling", pod_name, r.message, std::move(details));
  }
  if (r.nominated_node) {
    const std::string& node_name = w_.store.snapshot.node(*r.nominated_node).name;
    p->info.nominated_node_name = node_name;
    for (PodId victim : r.victims) {
      const SnapshotPod& sp = w_.store.snapshot.pod(victim);
      auto it = w_.store.pods.find(object_key(sp.ns, sp.name));
      if (it == w_.store.pods.end()) continue;
      w_.recorder.event(
          now, "Preempted", fmt::format("Pod/{}/{}", sp.ns, sp.name),
          fmt::format("Preempted by {} on node {}", w_.store.keys.name(key), node_name),
          {{"preemptor", w_.store.keys.name(key)}, {"node", node_name}});
      w_.delete_pod(it->second, "Preempted");
    }
  }
  w_.touch_pod(*p);
  // flushUnschedulablePodsLeftover runs every 30 s from the scheduler's start
  // and moves pods with now - Timestamp > podMaxInUnschedulablePodsDuration:
  // the first tick strictly after the failure + 5 min (failed at 10 s -> 330 s).
  const int64_t due = (now + qcfg.max_in_unschedulable).ms();
  const int64_t tick = (due / kUnschedulableFlushPeriodMs + 1) * kUnschedulableFlushPeriodMs;
  w_.requeue_at(ControllerId::kScheduler, key, SimTime::from_ms(tick));
}

}  // namespace simcluster
