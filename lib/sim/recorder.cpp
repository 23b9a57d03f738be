// The Recorder (see recorder.h).
#include "sim/recorder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <tuple>

#include "sim/controllers.h"
#include "sim/world.h"

namespace simcluster {

namespace {

std::string hpa_target_text(const MetricSpec& m) {
  const std::string what = !m.resource_name.empty() ? m.resource_name : m.metric_name;
  if (m.target.average_utilization)
    return fmt::format("{} {}%", what, *m.target.average_utilization);
  if (m.target.average_value)
    return fmt::format("{} {}/pod", what, m.target.average_value->to_string());
  if (m.target.value) return fmt::format("{} {}", what, m.target.value->to_string());
  return what;
}

// The workload's desired replicas now (DaemonSet: nodes that should run it).
int32_t desired_of(World& w, Recorder::WorkloadTrack& t) {
  if (t.desired_ptr != nullptr) return *t.desired_ptr;
  const std::string key = object_key(t.ns, t.name);
  if (t.kind == "Deployment") {
    auto it = w.store.deployments.find(key);
    if (it == w.store.deployments.end()) return 0;
    t.desired_ptr = &it->second.replicas;
    return *t.desired_ptr;
  }
  if (t.kind == "StatefulSet") {
    auto it = w.store.stateful_sets.find(key);
    if (it == w.store.stateful_sets.end()) return 0;
    t.desired_ptr = &it->second.replicas;
    return *t.desired_ptr;
  }
  if (t.kind == "ReplicaSet") {
    auto it = w.store.replica_sets.find(key);
    if (it == w.store.replica_sets.end()) return 0;
    t.desired_ptr = &it->second.replicas;
    return *t.desired_ptr;
  }
  if (t.kind == "DaemonSet") {
    auto it = w.store.daemon_sets.find(key);
    if (it == w.store.daemon_sets.end()) return 0;
    t.desired_ptr = &it->second.desired;
    return *t.desired_ptr;
  }
  if (t.kind == "Job") {
    auto it = w.store.jobs.find(key);
    if (it == w.store.jobs.end() || it->second.completed) return 0;
    return it->second.job.spec.parallelism.value_or(1);
  }
  if (t.kind == "Pod") return w.store.pods.count(key) ? 1 : 0;
  return 0;  // CronJob: no standing replicas
}

ResourceTotals totals_of(World& w) {
  ResourceTotals t;
  for (const SimPod* pp : w.store.pods.dense()) {  // sums: any order
    const SimPod& p = *pp;
    if (p.terminal()) continue;
    t.pods += 1;
    t.cpu_requests_milli += p.tmpl->requests.cpu_milli;
    t.memory_requests += p.tmpl->requests.memory;
    t.cpu_limits_milli += p.tmpl->limits.cpu_milli;
    t.memory_limits += p.tmpl->limits.memory;
  }
  // Storage requested: every PVC that exists, bound or not (a claim asks for
  // its size from the moment it is created, as pods' requests count while
  // Pending). StatefulSet claims outlive their pods (retained on scale-down).
  for (const auto& [key, c] : w.store.pvcs) t.storage += c.storage;
  return t;
}

std::string format_cpu(int64_t milli) { return fmt::format("{}m", milli); }
std::string format_mem(int64_t bytes) { return fmt::format("{}Mi", bytes / (1024 * 1024)); }

}  // namespace

int32_t Recorder::workload_index(const std::string& key) const {
  auto it = workload_by_key_.find(key);
  return it == workload_by_key_.end() ? -1 : it->second;
}

void Recorder::init(World& w) {
  const SimulationConfig& cfg = w.cfg;
  const Manifests& m = cfg.manifests;
  std::vector<WorkloadTrack> list;
  auto add = [&](const std::string& kind, const ObjectMeta& meta) {
    if (!w.in_scope(meta.ns)) return;
    WorkloadTrack t;
    t.kind = kind;
    t.ns = meta.ns;
    t.name = meta.name;
    t.key = kind + "/" + object_key(meta.ns, meta.name);
    list.push_back(std::move(t));
  };
  for (const auto& d : m.deployments) add("Deployment", d.metadata);
  for (const auto& s : m.stateful_sets) add("StatefulSet", s.metadata);
  for (const auto& d : m.daemon_sets) add("DaemonSet", d.metadata);
  for (const auto& r : m.replica_sets) {
    if (deployment_owner(m, r) == nullptr) add("ReplicaSet", r.metadata);
  }
  if (cfg.jobs.run_duration) {
    for (const auto& j : m.jobs) add("Job", j.metadata);
    for (const auto& c : m.cron_jobs) add("CronJob", c.metadata);
  }
  for (const auto& p : m.pods) {
    // As build.cpp: a controller's pods and finished pods are not workloads of their own.
    if (p.phase == "Succeeded" || p.phase == "Failed" || !pod_controller(m, p).empty()) continue;
    add("Pod", p.metadata);
  }
  std::sort(list.begin(), list.end(), [](const WorkloadTrack& a, const WorkloadTrack& b) {
    return std::tie(a.ns, a.kind, a.name) < std::tie(b.ns, b.kind, b.name);
  });
  workloads_ = std::move(list);
  for (size_t i = 0; i < workloads_.size(); ++i) {
    workload_by_key_[workloads_[i].key] = static_cast<int32_t>(i);
  }
  for (const auto& h : m.horizontal_pod_autoscalers) {
    if (!w.in_scope(h.metadata.ns)) continue;
    const std::string key =
        h.scale_target_ref.kind + "/" + object_key(h.metadata.ns, h.scale_target_ref.name);
    auto it = workload_by_key_.find(key);
    if (it == workload_by_key_.end()) continue;
    workloads_[it->second].has_hpa = true;
    workloads_[it->second].hpa_max = h.max_replicas;
  }
  for (const NodePool& p : cfg.node_pools) {
    PoolTrack t;
    t.name = p.name;
    t.price_micro = p.shape.price_micro_usd_per_hour.value_or(0);
    t.allocatable_per_node = allocatable(p.shape);
    pools_.push_back(std::move(t));
  }
  if (!m.nodes.empty() && !cfg.cluster_from_manifests) {
    PoolTrack manual;
    manual.name = "";  // nodes listed in the manifests
    pools_.push_back(std::move(manual));
  }
  if (cfg.load) {
    for (const auto& [ns, name] : cfg.load->services()) {
      ServiceTrack s;
      s.ns = ns;
      s.name = name;
      services_.push_back(std::move(s));
    }
  }
  report_.scenario = cfg.name;
  report_.file = cfg.file;
  report_.seed = cfg.seed;
  report_.duration = cfg.duration;
  report_.sample_interval = cfg.sample_interval;
  report_.slo_latency_ms = cfg.slo_latency_ms;
  report_.start = cfg.start;
  fit_ = cfg.fit;
  settle_ = SimTime{fit_.settle_for(cfg.duration)};
  // A pod waiting for a node an autoscaler adds is not a shortage until that node is late.
  SimDuration slowest{0};
  if (cfg.autoscaler.enabled) {
    for (const NodePool& p : cfg.node_pools) {
      if (p.max) slowest = std::max(slowest, p.provisioning);
    }
    node_wait_ = slowest + cfg.autoscaler.scan_interval + cfg.autoscaler.new_pod_scale_up_delay;
  } else if (cfg.karpenter.enabled) {
    for (const KarpenterNodePool& np : cfg.karpenter.node_pools) {
      for (const KarpenterOffering& o : np.offerings) {
        slowest = std::max(slowest, cfg.node_pools[o.pool].provisioning);
      }
    }
    node_wait_ = slowest + cfg.karpenter.batch_max_duration;
  }
}

void Recorder::autoscaled_node_ready(const std::string& pool, SimDuration wait) {
  for (PoolTrack& p : pools_) {
    if (p.name == pool) p.pending_to_ready_ms.push_back(wait.count());
  }
}

void Recorder::issue(SimTime t, const char* check, const std::string& object, std::string message,
                     int64_t count, int64_t value) {
  IssueTrack& i = issues_[{check, object}];
  if (i.count == 0) {
    i.first = t;
    i.message = message;
  }
  i.count += count;
  if (t <= settle_) return;  // after the window: at settle itself it still holds
  if (i.settled_count == 0) {
    i.settled_first = t;
    i.settled_message = std::move(message);
  }
  i.settled_count += count;
  i.settled_value = std::max(i.settled_value, value);
}

void Recorder::container_crashed(World& w, const std::string& workload, const std::string& pod,
                                 const std::string& reason, int32_t restarts) {
  // Only what load causes: a container over its memory limit. Crashes of a
  // broken revision (a rollout fault) or failed probes are not a capacity issue.
  if (reason != "OOMKilled") return;
  const std::string object = workload.empty() ? "Pod/" + pod : workload;
  issue(w.now, "OOMKilled", object,
        fmt::format("container of {} OOMKilled (memory above its limit)", pod));
  if (restarts >= 2) {
    issue(w.now, "CrashLoopBackOff", object,
          fmt::format("{} OOMKilled {} times: CrashLoopBackOff", pod, restarts));
  }
}

void Recorder::hpa_synced(World& w, const std::string& hpa, const std::string& target,
                          int32_t max_replicas, int32_t metric_replicas, bool limited_at_max,
                          const std::string& metrics) {
  if (!limited_at_max) return;
  issue(w.now, "HPAAtMax", target,
        fmt::format("HorizontalPodAutoscaler {} at maxReplicas {} while its metrics ask for {}{}",
                    hpa, max_replicas, metric_replicas,
                    metrics.empty() ? "" : fmt::format(" ({})", metrics)),
        1, metric_replicas);
}

void Recorder::scheduled(SimTime t, const std::string& workload, const std::string& pod,
                         const std::string& node) {
  if (t != scheduled_at_ || events_.empty()) {
    scheduled_at_ = t;
    scheduled_open_.clear();
  }
  if (!workload.empty()) {
    auto it = scheduled_open_.find(workload);
    if (it != scheduled_open_.end()) {
      ScheduledBurst& b = it->second;
      b.pods += 1;
      b.nodes.insert(node);
      ReportEvent& e = events_[b.index];
      e.object = workload;
      e.message = fmt::format("Successfully assigned {} pods of {} to {} node{}", b.pods, workload,
                              b.nodes.size(), b.nodes.size() == 1 ? "" : "s");
      e.details = {{"pods", std::to_string(b.pods)}, {"nodes", std::to_string(b.nodes.size())}};
      if (b.nodes.size() == 1) e.details["node"] = node;
      return;
    }
    scheduled_open_[workload] = ScheduledBurst{events_.size(), 1, {node}};
  }
  event(t, "Scheduled", "Pod/" + pod, fmt::format("Successfully assigned {} to {}", pod, node),
        {{"node", node}});
}

void Recorder::event(SimTime t, std::string kind, std::string object, std::string message,
                     std::map<std::string, std::string> details) {
  if (kind == "FailedScheduling") pending_reasons_[message] += 1;
  events_.push_back(
      ReportEvent{t, std::move(kind), std::move(object), std::move(message), std::move(details)});
}

void Recorder::integrate(World& w, SimTime to) {
  if (!observed_) return;
  const int64_t dt = (to - last_).count();
  if (dt <= 0) return;
  pending_pod_ms_ += static_cast<int64_t>(pending_) * dt;
  for (PoolTrack& p : pools_) p.node_ms += static_cast<int64_t>(p.existing) * dt;
  for (WorkloadTrack& t : workloads_) {
    if (t.last_desired >= 0) t.ms_at[t.last_desired] += dt;
  }
  if (cpu_allocatable_ > 0) {
    util_integral_ += 100.0 * static_cast<double>(cpu_requested_) /
                      static_cast<double>(cpu_allocatable_) * static_cast<double>(dt);
  }
  util_ms_ += dt;
  (void)w;
}

void Recorder::observe(World& w) {
  integrate(w, w.now);
  last_ = w.now;
  observed_ = true;
  pending_ = w.store.pending_pods;
  max_pending_ = std::max(max_pending_, pending_);

  for (PoolTrack& p : pools_) p.ready = p.existing = 0;
  int64_t requested = 0, allocatable = 0;
  for (const auto& [name, n] : w.store.nodes) {
    for (PoolTrack& p : pools_) {
      if (p.name != n.pool) continue;
      ++p.existing;
      if (n.ready) ++p.ready;
    }
    requested += w.store.snapshot.node(n.snap).requested.cpu_milli;
    if (n.ready) allocatable += n.allocatable.cpu_milli;
  }
  for (PoolTrack& p : pools_) {
    p.min_ready = p.min_ready < 0 ? p.ready : std::min(p.min_ready, p.ready);
    p.max_ready = std::max(p.max_ready, p.ready);
  }
  cpu_allocatable_ = allocatable;
  if (allocatable > 0) {
    util_peak_ = std::max(
        util_peak_, 100.0 * static_cast<double>(requested) / static_cast<double>(allocatable));
  }
  // The totals count every pod that exists, bound or Pending (what a cluster
  // would have to hold), so they are re-summed when the bound requests or the
  // number of pods change; the peak is the step with the most CPU requested.
  // start: steady scales the workloads to their settled replicas at 1 ms:
  // the run's start figures are those.
  const bool steady_start = w.cfg.start == "steady" && w.now.ms() <= 1;
  if (steady_start) have_start_ = false;
  if (requested != cpu_requested_ || w.store.pods.size() != pods_seen_ || !have_start_) {
    cpu_requested_ = requested;
    pods_seen_ = w.store.pods.size();
    {
      ResourceTotals t = totals_of(w);
      const bool first = !have_start_;
      if (first) {
        totals_start_ = t;
        have_start_ = true;
      }
      if (first || t.cpu_requests_milli > totals_peak_.cpu_requests_milli) {
        totals_peak_ = t;
        // Which Deployments could not surge one pod now: no Ready, schedulable
        // node has room for one more of their pods.
        cannot_surge_at_peak_.clear();
        for (const auto& [key, d] : w.store.deployments) {
          if (d.d.strategy.type != "RollingUpdate" || max_surge(deployment_view(d.d)) <= 0) {
            continue;
          }
          const Resources& need = d.tmpl->requests;
          bool room = false;
          for (const auto& [name, n] : w.store.nodes) {
            if (!n.ready || n.unschedulable) continue;
            const NodeInfo& info = w.store.snapshot.node(n.snap);
            Resources free = info.allocatable - info.requested;
            if (need.cpu_milli <= free.cpu_milli && need.memory <= free.memory && free.pods >= 1) {
              room = true;
              break;
            }
          }
          if (!room) cannot_surge_at_peak_.push_back("Deployment/" + key);
        }
      }
    }
  }
  for (WorkloadTrack& t : workloads_) {
    const int32_t desired = desired_of(w, t);
    if (t.start < 0 || steady_start) {
      t.start = t.min = t.max = desired;
    }
    t.min = std::min(t.min, desired);
    t.max = std::max(t.max, desired);
    t.end = desired;
    t.last_desired = desired;
  }
  update_bursts(w);
}

void Recorder::update_bursts(World& w) {
  bool open = false;
  for (const WorkloadTrack& t : workloads_) open = open || t.burst_start.has_value();
  if (!open) return;
  std::vector<int32_t> ready(workloads_.size(), 0);
  for (const SimPod* p : w.store.pods.dense()) {
    if (p->workload_index >= 0 && p->ready && !p->terminating()) ++ready[p->workload_index];
  }
  for (size_t i = 0; i < workloads_.size(); ++i) {
    WorkloadTrack& t = workloads_[i];
    if (!t.burst_start || ready[i] < t.burst_target) continue;
    t.reaction_seconds.push_back((w.now - *t.burst_start).count() / 1000);
    t.last_burst_start = t.burst_start;
    t.last_burst_recorded = true;
    t.burst_start.reset();
  }
}

void Recorder::hpa_scaled(World& w, int32_t index, int32_t from, int32_t to) {
  if (index < 0 || index >= static_cast<int32_t>(workloads_.size())) return;
  WorkloadTrack& t = workloads_[index];
  if (to > from) {
    t.scale_ups += 1;
    if (!t.burst_start) {
      const SimTime start =
          last_load_increase_ && *last_load_increase_ <= w.now ? *last_load_increase_ : w.now;
      // A further step up for the same load change continues its burst: the
      // reaction is measured to the last step's pods being Ready.
      if (t.last_burst_recorded && t.last_burst_start == start && !t.reaction_seconds.empty()) {
        t.reaction_seconds.pop_back();
      }
      t.last_burst_recorded = false;
      t.burst_start = start;
      t.burst_target = to;
    } else {
      t.burst_target = std::max(t.burst_target, to);
    }
  } else if (to < from) {
    t.scale_downs += 1;
    // Scaled down before the scale-up was Ready: that burst never completed.
    t.burst_start.reset();
    t.last_burst_recorded = false;
  }
}

namespace {

// The idle value is set and above the template's request or limit.
bool idle_memory_exceeds(const TemplateInfo& t, std::optional<int64_t> memory) {
  return memory && ((t.requests.memory > 0 && *memory > t.requests.memory) ||
                    (t.memory_limit > 0 && *memory > t.memory_limit));
}
bool idle_cpu_exceeds(const TemplateInfo& t, std::optional<int64_t> cpu_milli) {
  return cpu_milli && ((t.requests.cpu_milli > 0 && *cpu_milli > t.requests.cpu_milli) ||
                       (t.cpu_limit_milli > 0 && *cpu_milli > t.cpu_limit_milli));
}

}  // namespace

bool idle_usage_exceeds(const TemplateInfo& t, std::optional<int64_t> cpu_milli,
                        std::optional<int64_t> memory) {
  return idle_memory_exceeds(t, memory) || idle_cpu_exceeds(t, cpu_milli);
}

void Recorder::idle_usage_set(const SimPod& p, std::optional<int64_t> cpu_milli,
                              std::optional<int64_t> memory) {
  const TemplateInfo& t = *p.tmpl;
  const std::string& workload = t.workload.empty() ? p.pod.metadata.name : t.workload;
  auto limits = [](bool has_req, const std::string& req, bool has_lim, const std::string& lim) {
    std::string s;
    if (has_req) s = "request " + req;
    if (has_lim) s += (s.empty() ? "limit " : " / limit ") + lim;
    return s;
  };
  if (idle_memory_exceeds(t, memory)) {
    const std::string key = workload + " memory";
    if (!idle_exceeds_.count(key)) {
      const bool over_lim = t.memory_limit > 0 && *memory > t.memory_limit;
      idle_exceeds_[key] = fmt::format(
          "kubelet.idleMemory {} is above the memory {} of {}'s pods (no modelled Service "
          "covers them): kept as written, so each pod {}; lower kubelet.idleMemory (or leave "
          "it unset: derived from the requests it would be {})",
          format_mem(*memory),
          limits(t.requests.memory > 0, format_mem(t.requests.memory), t.memory_limit > 0,
                 format_mem(t.memory_limit)),
          workload, over_lim ? "is OOM-killed at idle" : "uses more than its request at idle",
          format_mem(t.idle_memory));
    }
  }
  if (idle_cpu_exceeds(t, cpu_milli)) {
    const std::string key = workload + " cpu";
    if (!idle_exceeds_.count(key)) {
      const bool over_lim = t.cpu_limit_milli > 0 && *cpu_milli > t.cpu_limit_milli;
      idle_exceeds_[key] = fmt::format(
          "serviceDefaults.idleCpu {} is above the CPU {} of {}'s pods (no modelled Service "
          "covers them): kept as written, so each pod {}; lower serviceDefaults.idleCpu (or "
          "leave it unset: derived from the requests it would be {})",
          format_cpu(*cpu_milli),
          limits(t.requests.cpu_milli > 0, format_cpu(t.requests.cpu_milli), t.cpu_limit_milli > 0,
                 format_cpu(t.cpu_limit_milli)),
          workload,
          over_lim ? "is throttled at idle"
                   : "runs above its request at idle (HPA utilization "
                     "over 100%)",
          format_cpu(t.idle_cpu_milli));
    }
  }
}

void Recorder::rollout_finished(int32_t index, SimDuration took) {
  if (index < 0 || index >= static_cast<int32_t>(workloads_.size())) return;
  workloads_[index].rollout_seconds.push_back(took.count() / 1000);
}

void Recorder::metrics(World& w, double users, const std::vector<ServiceLoad>& loads,
                       const std::vector<WorkloadSampling>& sampled) {
  const SimTime now = w.now;
  // Users: the start of the current rising streak is "the load change".
  if (have_users_) {
    if (users > users_ * 1.01 + 1e-9) {
      if (!rising_) {
        rising_ = true;
        // The simulated moment the load began to rise (a step at 2m07s is a
        // change at 2m07s), not this scrape.
        last_load_increase_ = w.cfg.load != nullptr && last_metrics_
                                  ? w.cfg.load->rise_start(*last_metrics_, now)
                                  : now;
      }
    } else {
      rising_ = false;
    }
    // A load change worth a line: users moved by more than a tenth of the highest load
    // so far since the last one. Relative to that peak, not to the last value, so a
    // noisy trace at night does not log every scrape (10 -> 12 users is not news in a
    // run that has seen 10,000).
    peak_users_seen_ = std::max(peak_users_seen_, users);
    if (std::abs(users - recorded_users_) > 0.1 * std::max(peak_users_seen_, 1.0)) {
      event(
          now, "LoadChanged", "Load/users",
          fmt::format("{:.0f} -> {:.0f} users", recorded_users_, users),
          {{"from", fmt::format("{:.0f}", recorded_users_)}, {"to", fmt::format("{:.0f}", users)}});
      recorded_users_ = users;
    }
  } else {
    recorded_users_ = users;
    peak_users_seen_ = users;
  }
  users_ = users;
  have_users_ = true;

  // CPU throttling: a pod sampled now whose demand exceeds its limit runs at
  // the limit until the next scrape (metrics.cpp caps the usage).
  const int64_t resolution = w.cfg.metrics_resolution.count();
  const bool settled = now > settle_;
  for (size_t i = 0; i < sampled.size() && i < workloads_.size(); ++i) {
    const WorkloadSampling& s = sampled[i];
    WorkloadTrack& t = workloads_[i];
    if (settled) t.settled_pod_ms += s.sampled * resolution;
    if (s.throttled == 0) continue;
    t.throttled_ms += s.throttled * resolution;
    if (settled) {
      t.settled_throttled_ms += s.throttled * resolution;
      if (!t.settled_first_throttled) t.settled_first_throttled = now;
    }
    t.peak_demand_of_limit = std::max(t.peak_demand_of_limit, s.peak_demand_of_limit);
  }

  // Pods Pending longer than the grace: the cluster has no room for them.
  if (w.store.pending_pods > 0) {
    std::map<std::string, std::pair<int64_t, std::string>> by_workload;  // -> (pods, reason)
    for (const auto& [key, p] : w.store.pods) {
      if (p.bound() || p.terminal() || p.terminating()) continue;
      if (now - p.pending_since < fit_.pending_grace + node_wait_) continue;
      auto& e = by_workload[p.workload.empty() ? "Pod/" + w.store.keys.name(p.key) : p.workload];
      e.first += 1;
      if (e.second.empty()) e.second = p.unschedulable_message;
    }
    for (const auto& [object, e] : by_workload) {
      issue(now, "PodsPending", object,
            fmt::format("{} pod{} Pending for {} or more{}", e.first, e.first == 1 ? "" : "s",
                        format_duration(fit_.pending_grace + node_wait_),
                        e.second.empty() ? "" : ": " + e.second));
    }
  }

  const std::optional<double> slo = w.cfg.slo_latency_ms;
  for (size_t i = 0; i < services_.size() && i < loads.size(); ++i) {
    ServiceTrack& s = services_[i];
    const ServiceLoad& l = loads[i];
    if (last_metrics_ && s.over) s.ms_over_slo += (now - *last_metrics_).count();
    if (last_metrics_ && s.saturated) s.saturated_ms += (now - *last_metrics_).count();
    s.saturated = !std::isfinite(l.latency_ms);
    const std::string service = fmt::format("Service/{}/{}", s.ns, s.name);
    if (s.saturated) {
      issue(now, "ServiceSaturated", service,
            l.utilization > 0 && std::isfinite(l.utilization)
                ? fmt::format("{:.1f} requests/s arrive, {:.0f}% of what its Ready pods serve",
                              l.arrival_rps, 100.0 * l.utilization)
                : fmt::format("{:.1f} requests/s arrive and it has no Ready pod", l.arrival_rps));
    } else if (slo && l.latency_ms > *slo) {
      issue(now, "OverSLO", service,
            fmt::format("mean latency {:.1f} ms, over the SLO of {:.1f} ms", l.latency_ms, *slo));
    }
    s.peak_rps = std::max(s.peak_rps, l.arrival_rps);
    s.rps = l.arrival_rps;
    s.latency = l.latency_ms;
    if (std::isfinite(l.latency_ms)) {
      s.max_latency = std::max(s.max_latency, l.latency_ms);
      s.latency_sum += l.latency_ms;
      s.latency_n += 1;
    }
    if (slo) {
      const bool over = !std::isfinite(l.latency_ms) || l.latency_ms > *slo;
      if (over != s.over) {
        event(now, over ? "SLOBreached" : "SLORecovered",
              fmt::format("Service/{}/{}", s.ns, s.name),
              std::isfinite(l.latency_ms)
                  ? fmt::format("latency {:.1f} ms vs SLO {:.1f} ms", l.latency_ms, *slo)
                  : fmt::format("saturated (no finite latency) vs SLO {:.1f} ms", *slo),
              {{"latency_ms",
                std::isfinite(l.latency_ms) ? fmt::format("{:.1f}", l.latency_ms) : "inf"}});
      }
      s.over = over;
    }
  }
  last_metrics_ = now;
}

void Recorder::sample(World& w) {
  Sample s;
  s.t = w.now;
  s.users = w.cfg.load ? w.cfg.load->users(w.now) : 0;
  s.workloads.resize(workloads_.size());
  std::vector<int64_t> cpu_use(workloads_.size()), cpu_req(workloads_.size());
  std::vector<int64_t> mem_use(workloads_.size()), mem_req(workloads_.size());
  for (const SimPod* pp : w.store.pods.dense()) {  // sums per workload: any order
    const SimPod& p = *pp;
    if (p.workload_index < 0 || p.terminal()) continue;
    const size_t i = static_cast<size_t>(p.workload_index);
    if (p.terminating()) continue;
    s.workloads[i].replicas += 1;
    if (p.ready) {
      s.workloads[i].ready += 1;
      if (p.sample_time) {
        cpu_use[i] += p.cpu_usage;
        cpu_req[i] += p.tmpl->requests.cpu_milli;
        mem_use[i] += p.memory_usage;
        mem_req[i] += p.tmpl->requests.memory;
      }
    }
  }
  for (size_t i = 0; i < workloads_.size(); ++i) {
    s.workloads[i].desired = desired_of(w, workloads_[i]);
    if (cpu_req[i] > 0) {
      s.workloads[i].cpu_utilization =
          100.0 * static_cast<double>(cpu_use[i]) / static_cast<double>(cpu_req[i]);
    }
    if (mem_req[i] > 0) {
      s.workloads[i].memory_utilization =
          100.0 * static_cast<double>(mem_use[i]) / static_cast<double>(mem_req[i]);
    }
  }
  s.pool_nodes.assign(pools_.size(), 0);
  for (const auto& [name, n] : w.store.nodes) {
    if (!n.ready) continue;
    s.nodes += 1;
    for (size_t i = 0; i < pools_.size(); ++i) {
      if (pools_[i].name == n.pool) {
        s.pool_nodes[i] += 1;
        break;
      }
    }
  }
  s.pending_pods = w.store.pending_pods;
  for (const ServiceTrack& t : services_) {
    s.latency_ms.push_back(t.latency);
    s.rps.push_back(t.rps);
  }
  s.totals = totals_of(w);
  samples_.push_back(std::move(s));
}

void Recorder::stuck_terminating(std::string pod, std::string node, SimTime since) {
  stuck_.push_back(fmt::format(
      "{} was evicted from unreachable node {} at {} and stays Terminating until the node's "
      "kubelet confirms it gone: its StatefulSet does not start a replacement meanwhile (at "
      "most one pod per ordinal). To recover sooner, force-delete it or taint the node "
      "node.kubernetes.io/out-of-service (scenario: nodeLifecycle.forceDeleteUnreachablePods)",
      pod, node, format_duration(since.since_start)));
}

std::vector<Warning> Recorder::warnings(World& w) const {
  std::vector<Warning> out;
  // An object defined twice: the loader kept the last definition, as kubectl
  // apply does; `simcluster validate` shows the same warning.
  for (const LoadWarning& lw : w.cfg.manifests.warnings) {
    if (lw.code != "duplicate") continue;
    out.push_back({"DuplicateObject",
                   fmt::format("{}: {}: {}", lw.source.to_string(), lw.object, lw.message)});
  }
  for (const std::string& m : stuck_) out.push_back({"StatefulSetPodStuckTerminating", m});
  // cluster.fromManifests: pods the run could not start where the dump has them.
  for (const std::string& m : w.dump_warnings) out.push_back({"ClusterDumpPlacement", m});
  // The load model's notes on its inputs (derived or oversized baselines).
  if (w.cfg.load != nullptr) {
    for (auto& [code, message] : w.cfg.load->notes()) out.push_back({code, message});
  }
  for (const auto& [key, message] : idle_exceeds_) {
    out.push_back({"LoadModelBaselineExceedsRequest", message});
  }
  // Capacity: every HPA at maxReplicas (others at their replicas) vs the pools.
  Resources need, capacity;
  int64_t nodes = 0;
  int64_t largest_cpu = 0, largest_mem = 0;
  for (const PoolTrack& p : pools_) {
    (void)p;
  }
  for (const NodePool& pool : w.cfg.node_pools) {
    const Resources a = allocatable(pool.shape);
    // An autoscaled pool may grow to its max.
    const int64_t count = w.cfg.autoscaler.enabled && pool.max ? *pool.max : pool.count;
    capacity.cpu_milli += a.cpu_milli * count;
    capacity.memory += a.memory * count;
    nodes += count;
    largest_cpu = std::max(largest_cpu, a.cpu_milli);
    largest_mem = std::max(largest_mem, a.memory);
  }
  for (const Node& n : w.cfg.manifests.nodes) {
    const Resources a = to_resources(n.allocatable.empty() ? n.capacity : n.allocatable);
    capacity.cpu_milli += a.cpu_milli;
    capacity.memory += a.memory;
    ++nodes;
    largest_cpu = std::max(largest_cpu, a.cpu_milli);
    largest_mem = std::max(largest_mem, a.memory);
  }
  for (const WorkloadTrack& t : workloads_) {
    const TemplateInfo* tmpl = nullptr;
    const std::string key = object_key(t.ns, t.name);
    int32_t count = t.has_hpa ? t.hpa_max : std::max(t.max, 0);
    if (t.kind == "Deployment") {
      auto it = w.store.deployments.find(key);
      if (it != w.store.deployments.end()) tmpl = it->second.tmpl.get();
    } else if (t.kind == "StatefulSet") {
      auto it = w.store.stateful_sets.find(key);
      if (it != w.store.stateful_sets.end()) {
        tmpl = it->second.revisions.at(it->second.update_revision).get();
        if (!t.has_hpa && it->second.replicas <= 1) {
          // Only a pod with a volume claim is tied to its volume's zone.
          const bool has_claims = !it->second.s.volume_claim_templates.empty();
          out.push_back({"SingleReplicaStateful",
                         fmt::format("StatefulSet {} runs a single replica: a node failure or "
                                     "rollout takes it down{}",
                                     key,
                                     has_claims ? " (and its zone-pinned volume cannot follow it "
                                                  "to another zone)"
                                                : "")});
        }
      }
    } else if (t.kind == "DaemonSet") {
      auto it = w.store.daemon_sets.find(key);
      if (it != w.store.daemon_sets.end()) tmpl = it->second.tmpl.get();
      count = static_cast<int32_t>(nodes);
    } else if (t.kind == "ReplicaSet") {
      auto it = w.store.replica_sets.find(key);
      if (it != w.store.replica_sets.end()) tmpl = it->second.tmpl.get();
    }
    if (tmpl == nullptr) continue;
    need.cpu_milli += tmpl->requests.cpu_milli * count;
    need.memory += tmpl->requests.memory * count;
    if (tmpl->requests.cpu_milli > largest_cpu || tmpl->requests.memory > largest_mem) {
      out.push_back({"PodLargerThanAnyNode",
                     fmt::format("a pod of {} {} requests {} cpu / {} memory, more than any "
                                 "node's allocatable ({} / {})",
                                 t.kind, key, format_cpu(tmpl->requests.cpu_milli),
                                 format_mem(tmpl->requests.memory), format_cpu(largest_cpu),
                                 format_mem(largest_mem))});
    }
  }
  if (need.cpu_milli > capacity.cpu_milli || need.memory > capacity.memory) {
    out.push_back({"HPAMaxExceedsCapacity",
                   fmt::format("with every HPA at maxReplicas the pods request {} cpu / {} "
                               "memory, but the {} nodes' allocatable is {} / {}",
                               format_cpu(need.cpu_milli), format_mem(need.memory), nodes,
                               format_cpu(capacity.cpu_milli), format_mem(capacity.memory))});
  }
  for (const std::string& d : cannot_surge_at_peak_) {
    out.push_back({"RolloutCannotSurge",
                   fmt::format("at the peak (most CPU requested) no Ready node had room for one "
                               "more pod of {}: a rolling update then would wait for capacity",
                               d)});
  }
  for (const WorkloadTrack& t : workloads_) {
    if (t.throttled_ms == 0) continue;
    out.push_back({"CPUThrottled",
                   fmt::format("{} ran at its CPU limit for {} pod-seconds (demand up to {:.0f}% "
                               "of the limit): requests are served slower than the model's "
                               "service time; raise the limit or scale out earlier (a lower HPA "
                               "target)",
                               t.key, t.throttled_ms / 1000, t.peak_demand_of_limit)});
  }
  // What the verdict checks, over the whole run (the verdict counts only
  // after the settle window).
  for (const auto& [key, i] : issues_) {
    const std::string& check = key.first;
    const std::string& object = key.second;
    const std::string when = format_duration(i.first.since_start);
    if (check == "OOMKilled") {
      out.push_back(
          {"OOMKilled", fmt::format("{}: {} OOM kill{}, the first at {} ({}); its memory "
                                    "limit is below what the load makes it use",
                                    object, i.count, i.count == 1 ? "" : "s", when, i.message)});
    } else if (check == "CrashLoopBackOff") {
      out.push_back({"CrashLoopBackOff",
                     fmt::format("{}: OOM-killed again and again from {} ({}): raise its memory "
                                 "limit or spread the load over more replicas",
                                 object, when, i.message)});
    } else if (check == "HPAAtMax") {
      out.push_back({"HPACappedAtMax",
                     fmt::format("{}: for {} HPA syncs from {}, {}: raise maxReplicas (and the "
                                 "nodes to hold them) or the load per pod stays above target",
                                 object, i.count, when, i.message)});
    } else if (check == "ServiceSaturated") {
      const int64_t seconds = i.count * w.cfg.metrics_resolution.count() / 1000;
      out.push_back(
          {"ServiceSaturated",
           fmt::format("{} was saturated for about {} from {} ({}): requests queue "
                       "without bound",
                       object, format_duration(SimDuration{seconds * 1000}), when, i.message)});
    }
  }
  if (w.store.pending_pods > 0) {
    out.push_back(
        {"PodsPendingAtEnd",
         fmt::format("{} pods were still Pending at the end of the run", w.store.pending_pods)});
  }
  // Pods / Object / External metrics are not computed by the engine: without
  // a value (SimulationConfig::hpa_metrics) every sync fails for them.
  for (const auto& [key, h] : w.store.hpas) {
    auto supplied = w.cfg.hpa_metrics.find(key);
    const HPAMetricValues* v = supplied == w.cfg.hpa_metrics.end() ? nullptr : &supplied->second;
    for (const MetricSpec& m : h.hpa.metrics) {
      std::string name = m.metric_name;
      bool given = false;
      if (m.type == "Pods") {
        given = v != nullptr && v->pods.count(name) > 0;
      } else if (m.type == "Object") {
        name = object_metric_key(m);
        given = v != nullptr && v->object.count(name) > 0;
      } else if (m.type == "External") {
        given = v != nullptr && v->external.count(name) > 0;
      } else {
        continue;
      }
      if (given) continue;
      out.push_back(
          {"HPAMetricNotSimulated",
           fmt::format(
               "HorizontalPodAutoscaler {}: {} metric {} is not simulated and no value "
               "was supplied: each sync fails to get it (FailedGet{}Metric), so the "
               "HPA's other metrics can only scale up and, with no other metric, it "
               "does not scale on metrics at all; give a value under hpaMetrics in the scenario",
               key, m.type, name, m.type)});
    }
  }
  // Scheduling fields the scheduler reads only at their defaults.
  auto check_spec = [&](std::string_view kind, const ObjectMeta& meta, const PodSpec& spec) {
    std::vector<std::string> fields;
    for (size_t i = 0; i < spec.topology_spread_constraints.size(); ++i) {
      const TopologySpreadConstraint& c = spec.topology_spread_constraints[i];
      if (!c.node_affinity_policy.empty() && c.node_affinity_policy != "Honor") {
        fields.push_back(fmt::format("topologySpreadConstraints[{}].nodeAffinityPolicy {}", i,
                                     c.node_affinity_policy));
      }
      if (!c.node_taints_policy.empty() && c.node_taints_policy != "Ignore") {
        fields.push_back(fmt::format("topologySpreadConstraints[{}].nodeTaintsPolicy {}", i,
                                     c.node_taints_policy));
      }
    }
    auto terms = [&](const std::optional<PodAffinity>& a, std::string_view what) {
      if (!a) return;
      bool any = false;
      for (const PodAffinityTerm& t : a->required) any |= t.namespace_selector_set;
      for (const WeightedPodAffinityTerm& t : a->preferred) any |= t.term.namespace_selector_set;
      if (any) fields.push_back(fmt::format("{} namespaceSelector", what));
    };
    terms(spec.affinity.pod_affinity, "podAffinity");
    terms(spec.affinity.pod_anti_affinity, "podAntiAffinity");
    if (fields.empty()) return;
    out.push_back({"SchedulingFieldNotSimulated",
                   fmt::format("{} {}/{}: {} {} not simulated; the scheduler used the defaults "
                               "(nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore, affinity "
                               "terms in the listed or the pod's own namespace)",
                               kind, meta.ns, meta.name, fmt::join(fields, ", "),
                               fields.size() == 1 ? "is" : "are")});
  };
  for (const auto& d : w.cfg.manifests.deployments)
    check_spec("Deployment", d.metadata, d.template_.spec);
  for (const auto& s : w.cfg.manifests.stateful_sets)
    check_spec("StatefulSet", s.metadata, s.template_.spec);
  for (const auto& s : w.cfg.manifests.daemon_sets)
    check_spec("DaemonSet", s.metadata, s.template_.spec);
  for (const auto& s : w.cfg.manifests.replica_sets)
    check_spec("ReplicaSet", s.metadata, s.template_.spec);
  for (const auto& j : w.cfg.manifests.jobs) check_spec("Job", j.metadata, j.spec.template_.spec);
  for (const auto& p : w.cfg.manifests.pods) check_spec("Pod", p.metadata, p.spec);
  if (!w.cfg.jobs.run_duration &&
      (!w.cfg.manifests.jobs.empty() || !w.cfg.manifests.cron_jobs.empty())) {
    out.push_back({"JobsNotSimulated",
                   fmt::format("the manifests' Jobs ({}) and CronJobs ({}) were not run: no Job "
                               "run duration is set (scenario: jobs: {{skip: true}})",
                               w.cfg.manifests.jobs.size(), w.cfg.manifests.cron_jobs.size())});
  }
  return out;
}

Verdict Recorder::verdict() const {
  Verdict v;
  v.settle = settle_.since_start;
  v.pending_grace = fit_.pending_grace;
  v.node_wait = node_wait_;
  v.max_throttled_percent = fit_.max_throttled_percent;
  for (const auto& [key, i] : issues_) {
    if (i.settled_count == 0) continue;
    v.issues.push_back({key.first, key.second, i.settled_first, i.settled_count, i.settled_message,
                        i.settled_value});
  }
  for (const WorkloadTrack& t : workloads_) {
    if (t.settled_pod_ms <= 0 || t.settled_throttled_ms <= 0) continue;
    const double pct =
        100.0 * static_cast<double>(t.settled_throttled_ms) / static_cast<double>(t.settled_pod_ms);
    if (pct <= fit_.max_throttled_percent) continue;
    v.issues.push_back({"CPUThrottled", t.key, *t.settled_first_throttled,
                        t.settled_throttled_ms / 1000,
                        fmt::format("pods at their CPU limit for {:.1f}% of their time (bound "
                                    "{:.1f}%), demand up to {:.0f}% of the limit",
                                    pct, fit_.max_throttled_percent, t.peak_demand_of_limit)});
  }
  // The order the report lists them: by check (the most basic shortage
  // first), then first time, then object.
  static constexpr std::string_view kOrder[] = {"PodsPending", "ServiceSaturated", "OverSLO",
                                                "OOMKilled",   "CrashLoopBackOff", "HPAAtMax",
                                                "CPUThrottled"};
  auto rank = [](const std::string& c) {
    for (size_t i = 0; i < std::size(kOrder); ++i) {
      if (kOrder[i] == c) return i;
    }
    return std::size(kOrder);
  };
  std::stable_sort(v.issues.begin(), v.issues.end(), [&](const FitIssue& a, const FitIssue& b) {
    return std::make_tuple(rank(a.check), a.first, a.object) <
           std::make_tuple(rank(b.check), b.first, b.object);
  });
  v.fits = v.issues.empty();
  return v;
}

const Report& Recorder::build(World& w) {
  integrate(w, w.now);
  last_ = w.now;
  Report& r = report_;
  r.workloads.clear();
  for (const WorkloadTrack& t : workloads_) {
    WorkloadSummary s;
    s.kind = t.kind;
    s.ns = t.ns;
    s.name = t.name;
    s.start_replicas = std::max(t.start, 0);
    s.min_replicas = t.min;
    s.max_replicas = t.max;
    s.end_replicas = t.end;
    const int32_t at = t.has_hpa ? t.hpa_max : t.max;
    int64_t ms = 0;
    for (const auto& [replicas, dur] : t.ms_at) {
      if (replicas >= at) ms += dur;
    }
    s.seconds_at_max = ms / 1000;
    const std::string key = object_key(t.ns, t.name);
    const TemplateInfo* tmpl = nullptr;
    if (t.kind == "Deployment" && w.store.deployments.count(key)) {
      tmpl = w.store.deployments.at(key).tmpl.get();
    } else if (t.kind == "StatefulSet" && w.store.stateful_sets.count(key)) {
      const auto& ss = w.store.stateful_sets.at(key);
      tmpl = ss.revisions.at(ss.update_revision).get();
    } else if (t.kind == "DaemonSet" && w.store.daemon_sets.count(key)) {
      tmpl = w.store.daemon_sets.at(key).tmpl.get();
    } else if (t.kind == "ReplicaSet" && w.store.replica_sets.count(key)) {
      tmpl = w.store.replica_sets.at(key).tmpl.get();
    } else if (t.kind == "Job" && w.store.jobs.count(key)) {
      tmpl = w.store.jobs.at(key).tmpl.get();
    }
    if (tmpl == nullptr && t.kind == "Pod") {
      for (const Pod& p : w.cfg.manifests.pods) {
        if (p.metadata.ns == t.ns && p.metadata.name == t.name) {
          s.requests_per_pod = pod_requests(p.spec);
          s.limits_per_pod = pod_limits(p.spec);
        }
      }
    }
    if (tmpl != nullptr) {
      s.requests_per_pod = tmpl->requests;
      s.limits_per_pod = tmpl->limits;
      s.storage_per_pod = tmpl->storage_per_pod;
    }
    s.throttled_pod_seconds = t.throttled_ms / 1000;
    s.peak_cpu_demand_of_limit = t.peak_demand_of_limit;
    if (t.has_hpa) {
      for (const auto& [hk, h] : w.store.hpas) {
        if (h.target != t.key) continue;
        HPASummary hs;
        hs.min_replicas = h.hpa.min_replicas.value_or(1);
        hs.max_replicas = h.hpa.max_replicas;
        for (const MetricSpec& m : effective_metrics(h.hpa))
          hs.targets.push_back(hpa_target_text(m));
        hs.scale_ups = t.scale_ups;
        hs.scale_downs = t.scale_downs;
        hs.reaction_seconds = t.reaction_seconds;
        s.hpa = std::move(hs);
        break;
      }
    }
    s.rollout_seconds = t.rollout_seconds;
    r.workloads.push_back(std::move(s));
  }
  r.services.clear();
  for (const ServiceTrack& t : services_) {
    ServiceSummary s;
    s.ns = t.ns;
    s.name = t.name;
    s.peak_rps = t.peak_rps;
    s.p_max_latency_ms = t.max_latency;
    s.mean_latency_ms = t.latency_n > 0 ? t.latency_sum / static_cast<double>(t.latency_n) : 0;
    s.seconds_over_slo = t.ms_over_slo / 1000;
    s.saturated_seconds = t.saturated_ms / 1000;
    r.services.push_back(std::move(s));
  }
  r.pending.max_pending = max_pending_;
  r.pending.pod_seconds = pending_pod_ms_ / 1000;
  r.pending.reasons = pending_reasons_;
  r.node_pools.clear();
  r.total_cost = 0;
  for (const PoolTrack& p : pools_) {
    NodeSummary s;
    s.pool = p.name;
    s.min_ready = std::max(p.min_ready, 0);
    s.max_ready = p.max_ready;
    s.node_hours = static_cast<double>(p.node_ms) / 3'600'000.0;
    s.cost = s.node_hours * static_cast<double>(p.price_micro) / 1e6;
    s.allocatable_per_node = p.allocatable_per_node;
    for (int64_t ms : p.pending_to_ready_ms) s.pending_to_ready_seconds.push_back(ms / 1000);
    r.total_cost += s.cost;
    r.node_pools.push_back(std::move(s));
  }
  r.totals_start = totals_start_;
  r.totals_peak = totals_peak_;
  r.totals_end = totals_of(w);
  r.avg_cpu_utilization_of_allocatable =
      util_ms_ > 0 ? util_integral_ / static_cast<double>(util_ms_) : 0;
  r.peak_cpu_utilization_of_allocatable = util_peak_;
  r.warnings = warnings(w);
  r.verdict = verdict();
  r.events = events_;
  r.samples = samples_;
  r.simulated_until = w.now;
  r.events_processed = w.events_processed;
  return r;
}

}  // namespace simcluster
