// The metrics pipeline (metrics-server + the load model), one scrape every
// metrics_resolution (15 s):
//  1. For each Service the LoadSource models, count the Ready pods behind it
//     (Running, Ready, not terminating, selected by the Service).
//  2. Ask the LoadSource for each Service's rate, per-pod CPU and memory and
//     latency (LoadSource::evaluate).
//  3. Every running pod gets a sample: a Ready pod behind a modelled Service
//     uses that Service's per-pod usage (if several select it, the one with
//     the highest arrival rate), and one that is not Ready (starting,
//     terminating) that Service's baselines; any other running pod uses idle usage
//     (LoadSource::idle_cpu_milli, KubeletConfig idle memory; unset, derived
//     from the pod's requests as the load model derives baselines). The usage hook
//     (tests) may replace it. CPU is capped at the pod's CPU limit (CFS
//     throttling); memory above the pod's memory limit is an OOM kill.
//  4. The recorder gets the users and the Services' loads (latency, SLO).
// Pods not running (pending, starting, crash-looping, on a lost node) have
// no sample, as metrics-server has none for them.
//
// What the HPA reads is metrics-server's PodMetrics, which is derived from
// two cumulative CPU points (metrics_server_window below): a running pod's
// sample has a window (the time between the two points), and a container
// that just started or restarted has none until it has run 10 s, or until
// the next scrape. The report's usage series (recorder.cpp) reads the usage
// of every running pod, sampled by metrics-server or not.
// Simplifications: the point's timestamp is the scrape time (the kubelet's
// cAdvisor stats are younger than the scrape by up to its housekeeping
// interval); the usage is the demand at the scrape, not the average over
// the window; a pod's containers start together, so they share one window
// (upstream's pod TimeInfo is its earliest container point's).
#include <fmt/format.h>

#include <algorithm>

#include "sim/controllers.h"

namespace simcluster {

std::optional<SimDuration> metrics_server_window(SimTime container_start, SimTime timestamp,
                                                 std::optional<SimTime> last_point,
                                                 SimDuration resolution) {
  // podStorage.Store, kubernetes-sigs/metrics-server pkg/storage/pod.go:
  // the first branch is the fresh container's synthetic prev point
  // (StartTime, 0 CPU), taken only when 10 s <= age < metricResolution.
  const SimDuration age = timestamp - container_start;
  if (container_start < timestamp && age < resolution &&
      age >= kFreshContainerMinMetricsResolution) {
    return age;
  }
  // Else the stored last point becomes prev, if it is of the same container
  // instance (newContainer.StartTime.Before(lastContainer.Timestamp)) and
  // older than the new one. (An equal timestamp keeps the earlier prev
  // upstream; the engine never scrapes twice at one instant.)
  if (last_point && container_start < *last_point && *last_point < timestamp) {
    return timestamp - *last_point;
  }
  // No prev: GetMetrics returns nothing for the pod.
  return std::nullopt;
}

namespace {

// f(load index) for each modelled Service selecting the pod, in `services` order.
template <typename F>
void for_each_load_index(const World& w, const SimPod& p, F&& f) {
  if (p.load_service >= 0) {
    f(p.load_service);
    return;
  }
  if (p.load_service == -1) return;
  for (size_t s : p.services) {
    const int32_t li = w.store.services[s].load_index;
    if (li >= 0) f(li);
  }
}

}  // namespace

void scrape_metrics(World& w) {
  const SimTime now = w.now;
  const LoadSource* load = w.cfg.load;
  std::vector<ServiceReadiness> in;
  std::vector<ServiceLoad> out;
  double users = 0;
  if (load != nullptr) {
    auto services = load->services();
    in.resize(services.size());
    out.resize(services.size());
    for (size_t i = 0; i < services.size(); ++i) {
      in[i].ns = services[i].first;
      in[i].name = services[i].second;
    }
    for (const SimPod* pp : w.store.pods.dense()) {
      const SimPod& p = *pp;
      if (!p.running_and_ready() || p.terminating()) continue;
      for_each_load_index(w, p, [&](int32_t li) {
        ServiceReadiness& r = in[static_cast<size_t>(li)];
        if (r.ready_pods == 0) {
          r.cpu_limit_milli = p.tmpl->cpu_limit_milli;
          r.memory_limit = p.tmpl->memory_limit;
        }
        ++r.ready_pods;
      });
    }
    load->evaluate(now, in, out);
    users = load->users(now);
  }
  const std::optional<int64_t> idle_cpu =
      load != nullptr ? load->idle_cpu_milli() : w.cfg.kubelet.idle_cpu_milli;
  const std::optional<int64_t> idle_mem = w.cfg.kubelet.idle_memory;

  // The pods are visited in the store's dense order; what depends on the order (OOM
  // kills, idle-usage warnings) is applied afterwards in name order, as a walk of the
  // ordered map would.
  std::vector<SimPod*> oom, idle_over;
  std::vector<Recorder::WorkloadSampling> sampled;  // by workload index
  const std::vector<SimPod*>& pods = w.store.pods.dense();
  for (size_t i = 0; i < pods.size(); ++i) {
    // The pods are far apart in memory: fetch a few ahead.
    if (i + 8 < pods.size()) __builtin_prefetch(pods[i + 8]);
    SimPod& p = *pods[i];
    const SimNode* n = w.store.node_of(p);
    const bool running = p.container == ContainerState::kRunning;
    if (n == nullptr || !n->heartbeating || p.terminal()) {
      // Not in this scrape: metrics-server drops its points (pod.go Store).
      p.sample_time.reset();
      p.metrics_window.reset();
      p.metrics_point.reset();
      continue;
    }
    int64_t cpu = idle_cpu.value_or(p.tmpl->idle_cpu_milli);
    int64_t memory = idle_mem.value_or(p.tmpl->idle_memory);
    bool idle = true;
    if (load != nullptr) {
      // A pod that serves nothing yet (or any more) idles at its Service's baselines.
      const bool serving = running && p.ready && !p.terminating();
      double best_rps = -1;
      for_each_load_index(w, p, [&](int32_t li) {
        const ServiceLoad& l = out[static_cast<size_t>(li)];
        if (!serving && !(l.baseline_cpu_milli && l.baseline_memory)) return;
        if (l.arrival_rps > best_rps) {
          best_rps = l.arrival_rps;
          cpu = serving ? std::max(l.cpu_demand_milli_per_pod, l.cpu_milli_per_pod)
                        : *l.baseline_cpu_milli;
          memory = serving ? l.memory_per_pod : *l.baseline_memory;
          idle = false;
        }
      });
    }
    if (idle && running && idle_usage_exceeds(*p.tmpl, idle_cpu, idle_mem)) idle_over.push_back(&p);
    if (w.cfg.usage_hook) {
      PodUsageQuery q{now, p.pod.metadata.ns, p.pod.metadata.name, p.workload, cpu, memory};
      if (auto o = w.cfg.usage_hook(q)) {
        cpu = o->cpu_milli;
        memory = o->memory;
      }
    }
    // What the process would use; a container that is not running has no
    // sample, but a restart with this demand is OOM-killed at once (kubelet.cpp).
    p.cpu_demand = cpu;
    p.memory_usage = memory;
    if (!running) {
      p.sample_time.reset();
      p.metrics_window.reset();
      p.metrics_point.reset();
      continue;
    }
    p.sample_time = now;
    p.metrics_window =
        metrics_server_window(p.running_at, now, p.metrics_point, w.cfg.metrics_resolution);
    p.metrics_point = now;
    p.cpu_usage = p.tmpl->cpu_limit_milli > 0 ? std::min(cpu, p.tmpl->cpu_limit_milli) : cpu;
    if (p.workload_index >= 0) {
      const auto wi = static_cast<size_t>(p.workload_index);
      if (wi >= sampled.size()) sampled.resize(wi + 1);
      Recorder::WorkloadSampling& ws = sampled[wi];
      ws.sampled += 1;
      const int64_t limit = p.tmpl->cpu_limit_milli;
      if (limit > 0 && cpu > limit) {
        ws.throttled += 1;
        ws.peak_demand_of_limit = std::max(
            ws.peak_demand_of_limit, 100.0 * static_cast<double>(cpu) / static_cast<double>(limit));
      }
    }
    if (p.tmpl->memory_limit > 0 && memory > p.tmpl->memory_limit) oom.push_back(&p);
  }
  auto by_name = [&w](const SimPod* a, const SimPod* b) {
    return w.store.keys.name(a->key) < w.store.keys.name(b->key);
  };
  std::sort(idle_over.begin(), idle_over.end(), by_name);
  for (const SimPod* p : idle_over) w.recorder.idle_usage_set(*p, idle_cpu, idle_mem);
  std::sort(oom.begin(), oom.end(), by_name);
  for (SimPod* p : oom) w.crash_pod(*p, "OOMKilled");
  w.recorder.metrics(w, users, out, sampled);
}

}  // namespace simcluster
