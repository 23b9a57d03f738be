// The kubelets of every node, as one controller keyed by pod.
//
// A pod's life on its node, with the default KubeletConfig:
//   bind (t_b)     the kubelet accepts the pod: status.startTime = t_b, the
//                  prober workers start (they tick at t_b + k x periodSeconds);
//   + image pull   only for images the node does not have yet (5 s; a second
//                  pod needing an image being pulled waits for that pull);
//   + start        containers created and started (2 s): phase Running (t_r);
//   probes         startup probe, then readiness (see probe_timeline): Ready
//                  at the first readiness tick with t - t_r >= initialDelay,
//                  plus (successThreshold - 1) periods; no probe: Ready at t_r;
//   crash          (OOM kill, a crashing revision, a liveness kill) restart
//                  after the back-off (World::crash_pod), then start again;
//   deletion       SIGTERM; gone after min(shutdown, terminationGracePeriod).
// Mirrors k8s pkg/kubelet/prober/worker.go (ticks, initialDelay), prober
// results (Failure until the first success), kuberuntime back-off.
#include <fmt/format.h>

#include <algorithm>

#include "sim/controllers.h"

namespace simcluster {

SimTime first_tick_at_or_after(SimTime origin, SimDuration period, SimTime t) {
  if (t <= origin) return origin;
  const int64_t p = std::max<int64_t>(period.count(), 1);
  const int64_t k = (t.ms() - origin.ms() + p - 1) / p;
  return SimTime::from_ms(origin.ms() + k * p);
}

namespace {

SimDuration seconds(int64_t s) { return SimDuration{s * 1000}; }

// The tick at which a probe first succeeds `threshold` times in a row, given
// that probes succeed from `from` on.
SimTime success_time(const Probe& p, SimTime origin, SimTime from) {
  const SimDuration period = seconds(std::max(p.period_seconds, 1));
  SimTime first = first_tick_at_or_after(origin, period, from);
  return first + period * (std::max(p.success_threshold, 1) - 1);
}

// The tick of the failureThreshold-th failure, probes failing from `from` on.
SimTime failure_time(const Probe& p, SimTime origin, SimTime from) {
  const SimDuration period = seconds(std::max(p.period_seconds, 1));
  SimTime first = first_tick_at_or_after(origin, period, from);
  return first + period * (std::max(p.failure_threshold, 1) - 1);
}

}  // namespace

ProbeTimeline probe_timeline(const Container& c, SimTime origin, SimTime running,
                             RolloutFault fault) {
  // Example: readiness {initialDelay 5, period 10}, origin 0, running 7 s:
  // ticks 0, 10, 20 s; at 10 s the container has run 3 s (< 5): skipped;
  // 20 s passes -> Ready at 20 s.
  ProbeTimeline out;
  const bool hang = fault == RolloutFault::kHang;
  if (c.startup_probe) {
    const Probe& s = *c.startup_probe;
    const SimTime from = running + seconds(s.initial_delay_seconds);
    if (hang) {
      out.killed = failure_time(s, origin, from);
      out.killed_by = &s;
      return out;
    }
    out.started = success_time(s, origin, from);
  } else {
    out.started = running;
  }
  if (c.readiness_probe) {
    const Probe& r = *c.readiness_probe;
    if (!hang) {
      out.ready = success_time(r, origin,
                               std::max(*out.started, running + seconds(r.initial_delay_seconds)));
    }
  } else {
    out.ready = out.started;
  }
  if (hang && c.liveness_probe) {
    const Probe& l = *c.liveness_probe;
    out.killed =
        failure_time(l, origin, std::max(*out.started, running + seconds(l.initial_delay_seconds)));
    out.killed_by = &l;
  }
  return out;
}

KubeletController::KubeletController(World& w) : Controller(w) {}

void KubeletController::plan_start(SimPod& p, SimTime running) {
  const SimTime origin = p.start_time.value_or(running);
  std::optional<SimTime> ready = running, started = running, killed;
  bool never_ready = false, never_started = false;
  for (const Container& c : p.pod.spec.containers) {
    ProbeTimeline t = probe_timeline(c, origin, running, p.tmpl->fault);
    if (!t.ready) never_ready = true;
    if (!t.started) never_started = true;
    if (t.ready && *t.ready > *ready) ready = t.ready;
    if (t.started && *t.started > *started) started = t.started;
    if (t.killed && (!killed || *t.killed < *killed)) {
      killed = t.killed;
      // setTerminationGracePeriod (kuberuntime_container.go): the probe's own
      // terminationGracePeriodSeconds when set, else the pod's.
      p.kill_grace = SimDuration{
          t.killed_by->termination_grace_period_seconds.value_or(p.tmpl->grace_seconds) * 1000};
    }
  }
  p.ready_at = never_ready ? std::nullopt : ready;
  p.started_at = never_started ? std::nullopt : started;
  p.kill_at = killed;
  if (p.owner_kind == "Job" && w_.cfg.jobs.run_duration) {
    p.complete_at = running + *w_.cfg.jobs.run_duration;
  }
}

std::optional<SimTime> KubeletController::next_transition(const SimPod& p) const {
  std::optional<SimTime> t;
  auto consider = [&](std::optional<SimTime> x) {
    if (x && (!t || *x < *t)) t = x;
  };
  if (p.terminating()) return p.gone_at;
  switch (p.container) {
    case ContainerState::kWaiting:
      if (p.start_time) consider(p.running_at);
      break;
    case ContainerState::kBackOff:
      consider(p.restart_at);
      break;
    case ContainerState::kRunning:
      if (!p.ready) consider(p.ready_at);
      consider(p.kill_at);
      consider(p.complete_at);
      break;
    case ContainerState::kTerminated:
      break;
  }
  return t;
}

void KubeletController::reconcile(KeyId key) {
  SimPod* p = w_.store.pod(key);
  if (p == nullptr || !p->bound()) return;
  SimNode* n = w_.store.node_of(*p);
  const SimTime now = w_.now;
  // A pod being deleted leaves at gone_at; on a node that cannot report, that
  // is the API server's / pod GC's doing (NodeLifecycleConfig), not the kubelet's.
  if (p->terminating()) {
    if (p->gone_at && *p->gone_at <= now) {
      w_.remove_pod(*p);
      return;
    }
    if (p->gone_at) w_.requeue_at(ControllerId::kKubelet, key, *p->gone_at);
    return;
  }
  if (n == nullptr || !n->heartbeating) return;  // the kubelet is down: nothing moves

  bool changed = false;
  for (int guard = 0; guard < 8; ++guard) {
    bool progressed = false;
    if (p->container == ContainerState::kWaiting && !p->start_time) {
      // The kubelet accepts the pod: start time, image pulls.
      p->start_time = now;
      // status.startTime is a metav1.Time: whole seconds once serialized, which is what
      // the scheduler's cache compares.
      if (p->snap) {
        w_.store.snapshot.set_pod_start_time(*p->snap, SimTime::from_seconds(now.ms() / 1000));
      }
      SimTime pulled = now;
      // A pod the cluster dump showed Running has its images and containers already.
      const SimDuration pull = p->running_in_dump ? SimDuration{0} : p->tmpl->image_pull;
      for (const std::string& image : p->tmpl->images) {
        auto [it, fresh] = n->images.try_emplace(image, now + pull);
        pulled = std::max(pulled, it->second);
      }
      p->running_at = pulled + (p->running_in_dump ? SimDuration{0} : p->tmpl->container_start);
      changed = progressed = true;
    } else if (p->container == ContainerState::kWaiting && now >= p->running_at) {
      p->container = ContainerState::kRunning;
      p->phase = PodPhase::kRunning;
      changed = progressed = true;
      if (p->tmpl->fault == RolloutFault::kCrash) {
        w_.crash_pod(*p, "Error");
        return;
      }
      if (p->tmpl->memory_limit > 0 && p->memory_usage > p->tmpl->memory_limit) {
        w_.crash_pod(*p, "OOMKilled");
        return;
      }
      plan_start(*p, p->running_at);
      if (p->running_in_dump) {  // started and Ready before the run began
        p->running_in_dump = false;
        if (p->started_at) p->started_at = p->running_at;
        if (p->ready_at) p->ready_at = p->running_at;
      }
    } else if (p->container == ContainerState::kBackOff && p->restart_at && now >= *p->restart_at) {
      // The back-off elapsed (or the first restart): start the containers again.
      if (p->backoff_next_at_restart) {  // Next(FinishedAt): not expired, so it doubles
        p->backoff = std::min(p->backoff * 2, w_.cfg.kubelet.crash_loop_max);
        p->backoff_updated = now;
        p->backoff_next_at_restart = false;
      }
      p->restart_at.reset();
      p->container = ContainerState::kWaiting;
      p->running_at = now + p->tmpl->container_start;
      changed = progressed = true;
    } else if (p->container == ContainerState::kRunning) {
      if (p->complete_at && now >= *p->complete_at) {
        p->phase = PodPhase::kSucceeded;
        p->container = ContainerState::kTerminated;
        p->ready = false;
        p->ready_since = now;
        if (p->snap) {
          w_.store.snapshot.remove_pod(*p->snap);
          p->snap.reset();
          static_cast<SchedulerController&>(w_.controller(ControllerId::kScheduler))
              .move_all_to_active();
        }
        changed = true;
        break;
      }
      if (p->kill_at && now >= *p->kill_at) {
        w_.crash_pod(*p, "Unhealthy");
        return;
      }
      if (!p->ready && p->ready_at && now >= *p->ready_at && !p->node_lost) {
        p->ready = true;
        p->ready_since = now;
        changed = true;
      }
    }
    if (!progressed) break;
  }
  if (changed) w_.touch_pod(*p);
  if (auto t = next_transition(*p); t && *t > now) {
    w_.requeue_at(ControllerId::kKubelet, key, *t);
  }
}

}  // namespace simcluster
