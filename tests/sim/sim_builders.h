// Small worlds built in code for the engine's whole-run tests, and a scripted
// LoadSource.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "simcluster/load_source.h"
#include "simcluster/nodes.h"
#include "simcluster/objects.h"
#include "simcluster/simulator.h"

namespace simcluster::testing {

inline Quantity q(const char* text) { return *Quantity::parse(text); }

inline Container container(const std::string& name, const std::string& image,
                           const char* cpu_request, const char* memory_request,
                           const char* cpu_limit = nullptr, const char* memory_limit = nullptr) {
  Container c;
  c.name = name;
  c.image = image;
  c.resources.requests["cpu"] = q(cpu_request);
  c.resources.requests["memory"] = q(memory_request);
  if (cpu_limit) c.resources.limits["cpu"] = q(cpu_limit);
  if (memory_limit) c.resources.limits["memory"] = q(memory_limit);
  return c;
}

inline Probe http_probe(int32_t initial_delay, int32_t period, int32_t success = 1,
                        int32_t failure = 3) {
  Probe p;
  p.handler = "httpGet";
  p.path = "/health";
  p.port = "8080";
  p.initial_delay_seconds = initial_delay;
  p.period_seconds = period;
  p.success_threshold = success;
  p.failure_threshold = failure;
  return p;
}

inline ObjectMeta meta(const std::string& name, const std::string& ns = "default") {
  ObjectMeta m;
  m.name = name;
  m.ns = ns;
  return m;
}

inline PodTemplateSpec pod_template(const std::string& app, Container c) {
  PodTemplateSpec t;
  t.metadata.labels = {{"app", app}};
  t.spec.containers.push_back(std::move(c));
  return t;
}

inline Deployment deployment(const std::string& name, int32_t replicas, Container c) {
  Deployment d;
  d.metadata = meta(name);
  d.replicas = replicas;
  d.selector.match_labels = {{"app", name}};
  d.template_ = pod_template(name, std::move(c));
  return d;
}

inline StatefulSet stateful_set(const std::string& name, int32_t replicas, Container c,
                                const char* storage = "1Gi") {
  StatefulSet s;
  s.metadata = meta(name);
  s.replicas = replicas;
  s.selector.match_labels = {{"app", name}};
  s.template_ = pod_template(name, std::move(c));
  s.service_name = name;
  PersistentVolumeClaim claim;
  claim.metadata.name = "data";
  claim.access_modes = {"ReadWriteOnce"};
  claim.storage_request = q(storage);
  s.volume_claim_templates.push_back(claim);
  return s;
}

inline Service service(const std::string& name, const std::string& app) {
  Service s;
  s.metadata = meta(name);
  s.selector = {{"app", app}};
  s.ports.push_back(ServicePort{"http", 80, "8080", "TCP", 0});
  return s;
}

inline HorizontalPodAutoscaler cpu_hpa(const std::string& target, int32_t min, int32_t max,
                                       int32_t utilization) {
  HorizontalPodAutoscaler h;
  h.metadata = meta(target);
  h.source_api_version = "autoscaling/v2";
  h.scale_target_ref = {"apps/v1", "Deployment", target};
  h.min_replicas = min;
  h.max_replicas = max;
  MetricSpec m;
  m.type = "Resource";
  m.resource_name = "cpu";
  m.target.type = "Utilization";
  m.target.average_utilization = utilization;
  h.metrics.push_back(m);
  return h;
}

// `count` nodes of `cpu` / `memory` with nothing reserved, zones round robin.
inline NodePool pool(const std::string& name, int32_t count, int64_t cpu_milli,
                     int64_t memory_bytes, std::vector<std::string> zones = {}) {
  NodePool p;
  p.name = name;
  p.count = count;
  Resources cap;
  cap.cpu_milli = cpu_milli;
  cap.memory = memory_bytes;
  cap.ephemeral_storage = 100LL << 30;
  cap.pods = 110;
  p.shape = make_machine_shape("", cap, ReservationPolicy::kNone);
  p.shape.price_micro_usd_per_hour = 100'000;  // $0.10 / h
  p.zones = std::move(zones);
  return p;
}

constexpr int64_t kGi = 1LL << 30;
constexpr int64_t kMi = 1LL << 20;

// One node of 16 CPU / 64 GiB, big enough that placement never gets in the way; 1 h.
inline SimulationConfig one_node_world(const std::string& name = "test", uint64_t seed = 7) {
  SimulationConfig cfg;
  cfg.name = name;
  cfg.node_pools.push_back(pool("pool", 1, 16'000, 64 * kGi));
  cfg.duration = std::chrono::hours(1);
  cfg.seed = seed;
  return cfg;
}

// A LoadSource whose Services each get a scripted total CPU (millicores),
// shared evenly by their Ready pods, a fixed memory per pod and 10 ms latency.
class ScriptedLoad final : public LoadSource {
 public:
  struct Script {
    std::string ns, name;
    std::function<int64_t(SimTime)> total_cpu_milli;
    int64_t memory_per_pod = 64 * kMi;
  };
  explicit ScriptedLoad(std::vector<Script> scripts) : scripts_(std::move(scripts)) {}

  double users(SimTime t) const override {
    return scripts_.empty() ? 0 : static_cast<double>(scripts_[0].total_cpu_milli(t));
  }
  std::vector<std::pair<std::string, std::string>> services() const override {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Script& s : scripts_) out.emplace_back(s.ns, s.name);
    return out;
  }
  void evaluate(SimTime t, std::span<const ServiceReadiness> in,
                std::span<ServiceLoad> out) const override {
    for (size_t i = 0; i < scripts_.size(); ++i) {
      const int64_t total = scripts_[i].total_cpu_milli(t);
      ServiceLoad& l = out[i];
      l.arrival_rps = static_cast<double>(total) / 10.0;
      const int32_t ready = in[i].ready_pods;
      l.cpu_demand_milli_per_pod = ready > 0 ? total / ready : 0;
      l.cpu_milli_per_pod = l.cpu_demand_milli_per_pod;
      if (in[i].cpu_limit_milli > 0) {
        l.cpu_milli_per_pod = std::min(l.cpu_milli_per_pod, in[i].cpu_limit_milli);
      }
      l.memory_per_pod = scripts_[i].memory_per_pod;
      l.utilization = 0.5;
      l.latency_ms = ready > 0 ? 10.0 : std::numeric_limits<double>::infinity();
    }
  }
  std::optional<int64_t> idle_cpu_milli() const override { return 1; }

 private:
  std::vector<Script> scripts_;
};

// `cfg` plus Deployment + Service "web" (2 pods of 100m) and a CPU HPA on it: 2-10
// replicas at 50%, scale-up at most +2 pods per 60 s, no stabilization window.
inline SimulationConfig hpa_world(const LoadSource* load, SimulationConfig cfg = one_node_world()) {
  cfg.manifests.deployments.push_back(
      deployment("web", 2, container("app", "web:1", "100m", "64Mi")));
  cfg.manifests.services.push_back(service("web", "web"));
  HorizontalPodAutoscaler h = cpu_hpa("web", 2, 10, 50);
  HPAScalingRules up;
  up.stabilization_window_seconds = 0;
  up.select_policy = "Max";
  up.policies.push_back(HPAScalingPolicy{"Pods", 2, 60});
  h.behavior = HPABehavior{up, std::nullopt};
  cfg.manifests.horizontal_pod_autoscalers.push_back(h);
  cfg.load = load;
  return cfg;
}

// A step function: `before` until `at`, then `after`.
inline std::function<int64_t(SimTime)> step(int64_t before, SimDuration at, int64_t after) {
  return [=](SimTime t) { return t.since_start < at ? before : after; };
}

inline SimTime sec(int64_t s) { return SimTime::from_seconds(s); }

// The desired replicas of a workload now.
inline int32_t desired(const Simulator& sim, const char* kind, const char* name) {
  auto w = sim.workload(kind, "default", name);
  return w ? w->desired : -1;
}

// Pods not bound to a node now.
inline int count_pending(const Simulator& sim) {
  int n = 0;
  for (const PodView& p : sim.pods()) n += p.node.empty() ? 1 : 0;
  return n;
}

// Events of `kind` in the report.
inline std::vector<ReportEvent> events_of(const Report& r, const std::string& kind) {
  std::vector<ReportEvent> out;
  for (const ReportEvent& e : r.events) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

}  // namespace simcluster::testing
