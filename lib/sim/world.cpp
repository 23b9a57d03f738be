// The engine loop and the pod operations every controller shares.
#include "sim/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "sim/checks.h"
#include "sim/controllers.h"

namespace simcluster {

namespace {
// k8s.io/apimachinery pkg/util/rand: the alphabet of rand.String and SafeEncodeString.
constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";

void fnv(uint32_t& h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  h ^= 0xff;  // field separator
  h *= 16777619u;
}
void fnv_resources(uint32_t& h, const ResourceList& list) {
  for (const auto& [name, q] : list) {
    fnv(h, name);
    fnv(h, q.to_string());
  }
}
}  // namespace

std::string template_hash(const PodTemplateSpec& tmpl, RolloutFault fault) {
  // Mirrors k8s pkg/controller/controller_utils.go ComputeHash: FNV-32a of the
  // template, printed as a decimal and mapped through SafeEncodeString. The
  // revision labels themselves are left out.
  uint32_t h = 2166136261u;
  for (const auto& [k, v] : tmpl.metadata.labels) {
    if (k == "pod-template-hash" || k == "controller-revision-hash") continue;
    fnv(h, k);
    fnv(h, v);
  }
  for (const auto& [k, v] : tmpl.metadata.annotations) {
    fnv(h, k);
    fnv(h, v);
  }
  auto containers = [&](const std::vector<Container>& cs) {
    for (const Container& c : cs) {
      fnv(h, c.name);
      fnv(h, c.image);
      fnv_resources(h, c.resources.requests);
      fnv_resources(h, c.resources.limits);
    }
  };
  containers(tmpl.spec.init_containers);
  fnv(h, "|");
  containers(tmpl.spec.containers);
  if (fault != RolloutFault::kNone) fnv(h, fault == RolloutFault::kCrash ? "crash" : "hang");
  std::string digits = fmt::format("{}", h);
  std::string out;
  for (char c : digits) out += kAlphabet[static_cast<unsigned char>(c) % kAlphabet.size()];
  return out;
}

bool service_selects(const Service& svc, const StringMap& labels) {
  return map_selector_matches(svc.selector, labels);
}

World::~World() = default;

std::string World::random_suffix() {
  std::string s;
  for (int i = 0; i < 5; ++i) s += kAlphabet[rng.uniform(kAlphabet.size())];
  return s;
}

void World::requeue_at(ControllerId c, KeyId key, SimTime t) {
  if (t <= now) {
    enqueue(c, key);
    return;
  }
  events.push(t.ms(), SimEvent{EventKind::kRequeue, static_cast<uint32_t>(c), key});
}

void World::run_until(SimTime t) {
  while (!events.empty() && events.next_time() <= t.ms()) {
    if (cfg.max_events != 0 && events_processed >= cfg.max_events) break;
    step();
  }
  if (t > now) {
    recorder.observe(*this);  // integrate up to the previous step's time
    now = t;
    recorder.observe(*this);
  }
}

void World::step() {
  const int64_t t = events.next_time();
  now = SimTime::from_ms(t);
  while (!events.empty() && events.next_time() == t) {
    auto e = events.pop();
    ++events_processed;
    fire(e.payload);
  }
  drain_controllers();
  if (sample_due_) {
    sample_due_ = false;
    recorder.sample(*this);
  }
#ifdef SIMCLUSTER_CHECKS
  check_invariants(*this);
#endif
  recorder.observe(*this);
}

void World::drain_controllers() {
  // A livelock (controllers waking each other forever at one instant) is a bug.
  constexpr int kMaxRounds = 10'000;
  for (int round = 0; round < kMaxRounds; ++round) {
    bool any = false;
    for (size_t i = 0; i < kNumControllers; ++i) {
      Controller& c = *controllers[i];
      if (!c.has_work()) continue;
      any = true;
      c.process_round();
      reconcile_counts[i] += 1;
    }
    if (!any) return;
  }
  SIMCLUSTER_CHECK(false, "controllers did not settle at t={}ms", now.ms());
}

void World::fire(const SimEvent& e) {
  event_counts[e.kind == EventKind::kRequeue ? e.a
                                             : kNumControllers + static_cast<size_t>(e.kind) - 1] +=
      1;
  switch (e.kind) {
    case EventKind::kRequeue:
      enqueue(static_cast<ControllerId>(e.a), static_cast<KeyId>(e.b));
      break;
    case EventKind::kTimeline:
      apply_timeline(*this, cfg.timeline[e.b]);
      break;
    case EventKind::kMetrics:
      scrape_metrics(*this);
      events.push((now + cfg.metrics_resolution).ms(), SimEvent{EventKind::kMetrics, 0, 0});
      break;
    case EventKind::kAutoscaler:
      autoscaler->fire(e.a, e.b);
      break;
    case EventKind::kKarpenter:
      karpenter->fire(e.a, e.b);
      break;
    case EventKind::kSample:
      sample_due_ = true;  // taken once the controllers have settled
      // On the grid of sample_interval (a steady start's first sample is at 1 ms).
      events.push(now.ms() + cfg.sample_interval.count() - now.ms() % cfg.sample_interval.count(),
                  SimEvent{EventKind::kSample, 0, 0});
      break;
  }
}

const PriorityClass* World::priority_class(const std::string& name) const {
  auto it = store.priority_classes.find(name);
  return it == store.priority_classes.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------- pods

namespace {

bool tolerates_key(const std::vector<Toleration>& ts, const std::string& key,
                   const std::string& effect) {
  for (const Toleration& t : ts) {
    if (!t.effect.empty() && t.effect != effect) continue;
    if (t.key.empty() && t.op == "Exists") return true;
    if (t.key == key) return true;
  }
  return false;
}

}  // namespace

SimPod& World::create_pod(const std::string& ns, const std::string& name,
                          std::shared_ptr<const TemplateInfo> tmpl, const std::string& owner_kind,
                          const std::string& owner_name, std::optional<KeyId> owner_key,
                          const StringMap& extra_labels) {
  const std::string key = object_key(ns, name);
  auto [it, inserted] = store.pods.try_emplace(key);
  SIMCLUSTER_CHECK(inserted, "pod {} already exists", key);
  SimPod& p = it->second;
  p.uid = store.next_uid++;
  p.key = store.keys.intern(key);
  p.pod.metadata = tmpl->tmpl.metadata;
  p.pod.metadata.name = name;
  p.pod.metadata.ns = ns;
  p.pod.metadata.generate_name.clear();
  for (const auto& [k, v] : extra_labels) p.pod.metadata.labels[k] = v;
  p.pod.spec = tmpl->tmpl.spec;
  if (!owner_kind.empty()) {
    p.pod.metadata.owner_references = {{"apps/v1", owner_kind, owner_name, true}};
  }
  // DefaultTolerationSeconds admission plugin: 300 s for not-ready and unreachable.
  for (const char* taint : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
    if (!tolerates_key(p.pod.spec.tolerations, taint, "NoExecute")) {
      p.pod.spec.tolerations.push_back(Toleration{taint, "Exists", "", "NoExecute",
                                                  cfg.node_lifecycle.default_toleration_seconds});
    }
  }
  // Priority admission (plugin/pkg/admission/priority): the priority and, unless the
  // pod sets its own, the preemptionPolicy come from the PriorityClass (the named one,
  // else the globalDefault one); without a class, PreemptLowerPriority.
  const PriorityClass* pc = nullptr;
  if (!p.pod.spec.priority_class_name.empty()) {
    pc = priority_class(p.pod.spec.priority_class_name);
  } else {
    for (const auto& [n, c] : store.priority_classes) {
      if (c.global_default) pc = &c;
    }
  }
  if (!p.pod.spec.priority && pc != nullptr) p.pod.spec.priority = pc->value;
  if (p.pod.spec.preemption_policy.empty()) {
    p.pod.spec.preemption_policy = pc != nullptr ? pc->preemption_policy : "PreemptLowerPriority";
  }
  p.tmpl = std::move(tmpl);
  p.owner_kind = owner_kind;
  p.owner_name = owner_name;
  p.owner = owner_key;
  p.workload = p.tmpl->workload;
  p.workload_index = p.tmpl->workload_index;
  auto rev = p.pod.metadata.labels.find("pod-template-hash");
  if (rev == p.pod.metadata.labels.end()) {
    rev = p.pod.metadata.labels.find("controller-revision-hash");
  }
  if (rev != p.pod.metadata.labels.end()) p.revision = rev->second;
  p.created = now;
  p.pending_since = now;

  std::vector<StringMap> selectors;
  for (uint32_t i : store.service_index.candidates(ns, p.pod.metadata.labels)) {
    const Service& svc = store.services[i].svc;
    if (svc.metadata.ns == ns && service_selects(svc, p.pod.metadata.labels)) {
      p.services.push_back(i);
      selectors.push_back(svc.selector);
    }
  }
  int32_t modelled = 0;
  for (size_t i : p.services) {
    if (store.services[i].load_index < 0) continue;
    p.load_service = modelled++ == 0 ? store.services[i].load_index : -2;
  }
  p.info = make_pod_info(p.pod);
  const LabelSelector* owner_selector = nullptr;
  if (owner_key) {
    if (owner_kind == "ReplicaSet") {
      if (auto* rs = store.replica_set(*owner_key)) owner_selector = &rs->rs.selector;
    } else if (owner_kind == "StatefulSet") {
      if (auto* s = store.stateful_set(*owner_key)) owner_selector = &s->s.selector;
    }
  }
  if (!selectors.empty() || owner_selector) {
    p.info.default_spread_selector = default_spread_selector(selectors, owner_selector);
  }
  // util.GetPodStartTime: a bound pod the kubelet has not started yet has no
  // status.startTime and counts as starting "now", later than any started pod; the
  // kubelet sets the real one (KubeletController).
  p.info.start_time = SimTime::from_ms(std::numeric_limits<int64_t>::max());

  store.pod_by_uid[p.uid] = &p;
  ++store.pending_pods;
  store.changed(Kind::kPod, p.key);
  return p;
}

void World::bind_pod(SimPod& pod, NodeId node) {
  SimNode* n = store.node(store.node_by_snap[node]);
  SIMCLUSTER_CHECK(n != nullptr, "binding {} to a missing node", pod.pod.metadata.name);
  pod.node = node;
  pod.node_name = n->node.metadata.name;
  pod.pod.spec.node_name = pod.node_name;
  pod.info.node_name = pod.node_name;
  pod.snap = store.snapshot.add_pod(pod.info, node);
  pod.scheduled_at = now;
  pod.unschedulable = false;
  pod.unschedulable_message.clear();
  n->pods.insert(pod.key);
  --store.pending_pods;
  // WaitForFirstConsumer: a claim is provisioned in the zone of its first node.
  for (const std::string& claim : pod.claims) {
    auto it = store.pvcs.find(claim);
    if (it != store.pvcs.end() && it->second.zone.empty()) it->second.zone = n->zone;
  }
  enqueue(ControllerId::kKubelet, pod.key);
  touch_pod(pod);
}

void World::delete_pod(SimPod& pod, const std::string& reason) {
  if (pod.terminating()) return;
  pod.deletion_timestamp = now;
  pod.deletion_reason = reason;
  if (!pod.bound()) {
    remove_pod(pod);
    return;
  }
  if (pod.snap) store.snapshot.mark_terminating(*pod.snap);
  const SimNode* n = store.node_of(pod);
  const SimDuration grace{pod.tmpl->grace_seconds * 1000};
  SimDuration shutdown = pod.tmpl->shutdown.value_or(grace);
  if (shutdown > grace) shutdown = grace;
  if (n == nullptr) {
    pod.gone_at = now;
  } else if (!n->heartbeating) {
    // Nobody can confirm the containers stopped (see NodeLifecycleConfig).
    if (cfg.node_lifecycle.force_delete_unreachable_pods) pod.gone_at = now + grace;
  } else if (pod.container == ContainerState::kRunning) {
    pod.gone_at = now + shutdown;
  } else {
    pod.gone_at = now;
  }
  touch_pod(pod);
  enqueue(ControllerId::kKubelet, pod.key);
}

void World::remove_pod(SimPod& pod) {
  if (!pod.bound()) --store.pending_pods;  // it counted as pending until now
  if (pod.snap) store.snapshot.remove_pod(*pod.snap);
  pod.snap.reset();
  if (SimNode* n = store.node_of(pod)) n->pods.erase(pod.key);
  const KeyId key = pod.key;
  const uint64_t uid = pod.uid;
  const std::string name = store.keys.name(key);
  // StatefulSet PVC retention whenScaled: Delete (claims of a condemned ordinal).
  std::vector<std::string> claims_to_delete;
  for (const std::string& claim : pod.claims) {
    auto it = store.pvcs.find(claim);
    if (it != store.pvcs.end() && it->second.delete_with_pod) claims_to_delete.push_back(claim);
  }
  // Watchers see the pod one last time (so they can map it to its owner);
  // they reconcile later, when it is gone.
  pod.gone_at = now;
  if (!pod.deletion_timestamp) pod.deletion_timestamp = now;
  store.changed(Kind::kPod, key);
  store.pod_by_uid.erase(uid);
  store.pods.erase(name);
  for (const std::string& c : claims_to_delete) store.pvcs.erase(c);
  // An assigned pod deleted: unschedulable pods may fit now.
  static_cast<SchedulerController&>(controller(ControllerId::kScheduler)).move_all_to_active();
}

void World::crash_pod(SimPod& pod, const std::string& reason) {
  // Mirrors kubelet kuberuntime_manager.go doBackOff with client-go
  // flowcontrol.Backoff (10 s initial, x2, 5 min max): the first restart is
  // immediate; each later one waits the current back-off, which doubles; a
  // container that ran more than 2 x max since the last restart starts over.
  // Example: crashes right after each start -> restarts at +0, +10, +20, +40 s ...
  const SimDuration max = cfg.kubelet.crash_loop_max;
  pod.restarts += 1;
  pod.last_termination = reason;
  pod.container = ContainerState::kBackOff;
  if (pod.ready) {
    pod.ready = false;
    pod.ready_since = now;
  }
  pod.ready_at.reset();
  pod.kill_at.reset();
  pod.started_at.reset();
  // The entry (backoff, lastUpdate) is client-go flowcontrol.Backoff's:
  // IsInBackOffSince(ts) = !expired(ts) && now - ts < backoff, with
  // expired(ts) = ts - lastUpdate > 2 x max; Next(ts) resets to the initial
  // back-off when expired(ts), else doubles (capped), and sets lastUpdate to
  // the time it is called. doBackOff checks the latest exited container's
  // FinishedAt. A container that exits by itself (crash, OOM) has just
  // finished; a liveness kill is decided with the status from before the
  // kill (kuberuntime_manager.go SyncPod kills and restarts in one pass), so
  // the previous exit counts: a container that outlived its back-off
  // restarts at once. Worked example (a container killed every 25 s, 0 s shutdown):
  // kills at 130 (no exit yet: start), 155 (Next -> 10 s), 180 (25 >= 10:
  // Next -> 20 s), 205 (-> 40 s), 230 (25 < 40: back-off until 270 s).
  // A liveness (or startup) kill first stops the container: SIGTERM, then SIGKILL
  // after the grace period (kuberuntime_container.go killContainer with
  // setTerminationGracePeriod); SyncPod starts the new container after that, and
  // the killed one's FinishedAt is then. A crash or OOM kill has just exited.
  const bool liveness_kill = reason == "Unhealthy";
  SimTime at = now;
  if (liveness_kill) {
    const SimDuration grace = pod.kill_grace;
    at = now + std::min(pod.tmpl->shutdown.value_or(grace), grace);
  }
  const std::optional<SimTime> previous_exit = pod.last_exit;
  pod.last_exit = at;
  pod.backoff_next_at_restart = false;
  auto expired = [&](SimTime ev) {
    return pod.backoff == SimDuration{0} || ev - pod.backoff_updated > 2 * max;
  };
  auto next = [&](SimTime ev) {
    pod.backoff = expired(ev) ? cfg.kubelet.crash_loop_initial : std::min(pod.backoff * 2, max);
    pod.backoff_updated = at;
  };
  if (liveness_kill && !previous_exit) {
    pod.restart_at = at;  // no exited container: no back-off check, no Next
  } else if (liveness_kill && (expired(*previous_exit) || at - *previous_exit >= pod.backoff)) {
    next(*previous_exit);
    pod.restart_at = at;
  } else if (expired(at)) {
    next(at);
    pod.restart_at = at;
  } else {
    pod.restart_at = at + pod.backoff;  // CrashLoopBackOff; Next when it starts
    pod.backoff_next_at_restart = true;
  }
  if (pod.tmpl->workload.rfind("Deployment/", 0) == 0 && pod.workload_index >= 0) {
    // A failing pod disrupts an ongoing rollout's availability guarantee.
    std::string dkey = pod.tmpl->workload.substr(std::string("Deployment/").size());
    auto it = store.deployments.find(dkey);
    if (it != store.deployments.end()) it->second.rollout.disrupted = true;
  }
  recorder.event(now, reason == "OOMKilled" ? "OOMKilled" : "ContainerRestarted",
                 fmt::format("Pod/{}", store.keys.name(pod.key)),
                 fmt::format("{} (restart {}, next start in {})", reason, pod.restarts,
                             format_duration(*pod.restart_at - now)),
                 {{"reason", reason}, {"restarts", std::to_string(pod.restarts)}});
  recorder.container_crashed(*this, pod.workload, store.keys.name(pod.key), reason, pod.restarts);
  touch_pod(pod);
  enqueue(ControllerId::kKubelet, pod.key);
}

}  // namespace simcluster
