// Simulator: the public face of the engine (simulator.h) over a World.
// (to_simulation_config is defined by lib/scenario.)
#include "simcluster/simulator.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/controllers.h"
#include "sim/world.h"

namespace simcluster {

std::string_view to_string(TimelineAction action) {
  switch (action) {
    case TimelineAction::kRollout:
      return "rollout";
    case TimelineAction::kFailNode:
      return "failNode";
    case TimelineAction::kRecoverNode:
      return "recoverNode";
    case TimelineAction::kCordon:
      return "cordon";
    case TimelineAction::kUncordon:
      return "uncordon";
    case TimelineAction::kDrain:
      return "drain";
    case TimelineAction::kRemoveNode:
      return "removeNode";
    case TimelineAction::kScale:
      return "scale";
  }
  return "?";
}

struct Simulator::Impl {
  explicit Impl(SimulationConfig cfg) : world(std::move(cfg)) {}
  World world;
};

Simulator::Simulator(SimulationConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Simulator::~Simulator() = default;
Simulator::Simulator(Simulator&&) noexcept = default;
Simulator& Simulator::operator=(Simulator&&) noexcept = default;

SimTime Simulator::now() const { return impl_->world.now; }
SimTime Simulator::end() const { return SimTime{impl_->world.cfg.duration}; }
uint64_t Simulator::events_processed() const { return impl_->world.events_processed; }
const Store& Simulator::store() const { return impl_->world.store; }

void Simulator::run_until(SimTime t) {
  if (t < impl_->world.now) return;
  impl_->world.run_until(t);
}

void Simulator::run(const std::function<void(SimTime, SimTime)>& progress) {
  const SimTime stop = end();
  if (!progress) {
    run_until(stop);
    return;
  }
  while (now() < stop) {
    SimTime next = std::min(stop, now() + SimDuration{60'000});
    run_until(next);
    progress(now(), stop);
  }
}

const Report& Simulator::report() { return impl_->world.recorder.build(impl_->world); }

namespace {

std::string phase_name(PodPhase p) {
  switch (p) {
    case PodPhase::kPending:
      return "Pending";
    case PodPhase::kRunning:
      return "Running";
    case PodPhase::kSucceeded:
      return "Succeeded";
    case PodPhase::kFailed:
      return "Failed";
    case PodPhase::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

std::string status_of(const SimPod& p) {
  if (p.terminating()) return "Terminating";
  if (p.phase == PodPhase::kSucceeded) return "Completed";
  if (!p.bound()) return "Pending";
  switch (p.container) {
    case ContainerState::kWaiting:
      return p.restarts > 0 ? "CrashLoopBackOff" : "ContainerCreating";
    case ContainerState::kBackOff:
      return p.restart_at && *p.restart_at == p.backoff_updated ? p.last_termination
                                                                : "CrashLoopBackOff";
    case ContainerState::kRunning:
      return "Running";
    case ContainerState::kTerminated:
      return "Completed";
  }
  return "Unknown";
}

}  // namespace

std::vector<PodView> Simulator::pods() const {
  std::vector<PodView> out;
  for (const auto& [key, p] : impl_->world.store.pods) {
    PodView v;
    v.ns = p.pod.metadata.ns;
    v.name = p.pod.metadata.name;
    v.owner = p.owner_kind.empty() ? "" : p.owner_kind + "/" + p.owner_name;
    v.workload = p.workload;
    v.node = p.node_name;
    v.phase = phase_name(p.phase);
    v.status = status_of(p);
    v.ready = p.ready && !p.terminating();
    v.restarts = p.restarts;
    v.revision = p.revision;
    v.pending_reason = p.unschedulable ? p.unschedulable_message : "";
    for (const std::string& c : p.claims) v.claims.push_back(c.substr(c.find('/') + 1));
    out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const PodView& a, const PodView& b) {
    return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
  });
  return out;
}

std::vector<NodeView> Simulator::nodes() const {
  std::vector<NodeView> out;
  const Store& st = impl_->world.store;
  for (const auto& [name, n] : st.nodes) {
    const NodeInfo& info = st.snapshot.node(n.snap);
    out.push_back(NodeView{name, n.pool, n.zone, n.ready, n.unschedulable, info.allocatable,
                           info.requested, static_cast<int32_t>(n.pods.size())});
  }
  return out;
}

std::vector<WorkloadView> Simulator::workloads() const {
  std::vector<WorkloadView> out;
  const World& w = impl_->world;
  const Store& st = w.store;
  auto count = [&](WorkloadView& v, const std::string& workload, const std::string& revision,
                   int32_t min_ready) {
    for (const auto& [key, p] : st.pods) {
      if (p.workload != workload || p.terminating() || p.terminal()) continue;
      ++v.pods;
      if (p.ready) ++v.ready;
      if (is_pod_available(p.ready, p.ready_since, min_ready, w.now)) ++v.available;
      if (p.revision == revision) ++v.updated;
    }
  };
  for (const auto& [key, d] : st.deployments) {
    WorkloadView v{"Deployment", d.d.metadata.ns, d.d.metadata.name, d.replicas};
    count(v, "Deployment/" + key, d.tmpl->hash, d.d.min_ready_seconds);
    v.rollout_in_progress = d.rollout.active;
    out.push_back(std::move(v));
  }
  for (const auto& [key, s] : st.stateful_sets) {
    WorkloadView v{"StatefulSet", s.s.metadata.ns, s.s.metadata.name, s.replicas};
    count(v, "StatefulSet/" + key, s.update_revision, s.s.min_ready_seconds);
    v.rollout_in_progress = s.rollout.active;
    out.push_back(std::move(v));
  }
  for (const auto& [key, d] : st.daemon_sets) {
    WorkloadView v{"DaemonSet", d.ds.metadata.ns, d.ds.metadata.name, d.desired};
    count(v, "DaemonSet/" + key, d.tmpl->hash, 0);
    v.rollout_in_progress = d.rollout.active;
    out.push_back(std::move(v));
  }
  for (const auto& [key, r] : st.replica_sets) {
    if (r.deployment) continue;
    WorkloadView v{"ReplicaSet", r.rs.metadata.ns, r.rs.metadata.name, r.replicas};
    count(v, "ReplicaSet/" + key, r.tmpl->hash, r.rs.min_ready_seconds);
    out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const WorkloadView& a, const WorkloadView& b) {
    return std::tie(a.ns, a.kind, a.name) < std::tie(b.ns, b.kind, b.name);
  });
  return out;
}

std::optional<WorkloadView> Simulator::workload(std::string_view kind, std::string_view ns,
                                                std::string_view name) const {
  for (WorkloadView& v : workloads()) {
    if (v.kind == kind && v.ns == ns && v.name == name) return std::move(v);
  }
  return std::nullopt;
}

const HPAState* Simulator::hpa_state(std::string_view ns, std::string_view name) const {
  auto it = impl_->world.store.hpas.find(object_key(std::string(ns), std::string(name)));
  return it == impl_->world.store.hpas.end() ? nullptr : &it->second.state;
}

}  // namespace simcluster
