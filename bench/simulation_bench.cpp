// Whole simulations, wall time per run (Google Benchmark, Release build).
//
//  * BM_ScenarioRun/peak_24h: scenarios/peak.yaml (My-SaaS-Chat at 10,000
//    users on its recommended 3-node cluster) with its duration set to 24 h.
//  * BM_ScenarioRun/day: scenarios/day.yaml as written (24 h diurnal curve).
//  * BM_WholeRun/day_autoscaled, /day_karpenter (issue 10: <= 0.5 s): the library's
//    run_scenario() on scenarios/day-autoscaled.yaml (cluster-autoscaler) and
//    day-karpenter.yaml (the Karpenter model), everything `simcluster run` does before
//    rendering: manifests, load model, the steady start's 30-min warm-up, the 24 h run.
//  * BM_SmallWorldDay: a My-SaaS-Chat-sized world built in code (3 HPA'd
//    Deployments, 2 StatefulSets, Jaeger: ~20-40 pods on 3 nodes) under a
//    scripted diurnal load, 24 simulated hours; no YAML, no load model.
// Scenario files are read and the load model built once, outside the timed
// loop; each iteration builds a fresh Simulator and runs it to the end.
// Counters: events (engine events per run), sim_s_per_s (simulated seconds
// per wall second).
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>

#include "simcluster/load_model.h"
#include "simcluster/manifests.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "simcluster/simulator.h"

namespace {

using namespace simcluster;

// The source tree's scenarios (a compile definition, so the benchmark runs from any directory,
// whatever path the compiler was given for this file).
std::filesystem::path scenarios_dir() {
  return std::filesystem::path(SIMCLUSTER_SOURCE_DIR) / "scenarios";
}

struct LoadedScenario {
  Scenario scenario;
  Manifests manifests;
  std::unique_ptr<LoadModel> model;
};

std::unique_ptr<LoadedScenario> load(const std::string& file) {
  auto s = std::make_unique<LoadedScenario>();
  s->scenario = load_scenario((scenarios_dir() / file).string());
  s->manifests = load_manifests(s->scenario.manifests);
  s->model = std::make_unique<LoadModel>(s->manifests, s->scenario.load);
  return s;
}

void run_scenario(benchmark::State& state, const std::string& file, SimDuration duration) {
  std::unique_ptr<LoadedScenario> s;
  try {
    s = load(file);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  s->scenario.duration = duration;
  uint64_t events = 0;
  for (auto _ : state) {
    Simulator sim(to_simulation_config(s->scenario, s->manifests, s->model.get()));
    sim.run();
    events = sim.events_processed();
    benchmark::DoNotOptimize(sim.report().total_cost);
  }
  state.counters["events"] = static_cast<double>(events);
  state.counters["sim_s_per_s"] = benchmark::Counter(static_cast<double>(duration.count()) / 1000.0,
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ScenarioRun_peak_24h(benchmark::State& state) {
  run_scenario(state, "peak.yaml", std::chrono::hours(24));
}
void BM_ScenarioRun_day(benchmark::State& state) {
  run_scenario(state, "day.yaml", std::chrono::hours(24));
}

// The whole `simcluster run` pipeline short of rendering, per iteration.
void whole_run(benchmark::State& state, const std::string& file) {
  Scenario scenario;
  try {
    scenario = load_scenario((scenarios_dir() / file).string());
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  uint64_t events = 0;
  for (auto _ : state) {
    ScenarioRun run = simcluster::run_scenario(scenario);
    events = run.report.events_processed;
    benchmark::DoNotOptimize(run.report.total_cost);
  }
  state.counters["events"] = static_cast<double>(events);
}

void BM_WholeRun_day_autoscaled(benchmark::State& state) {
  whole_run(state, "day-autoscaled.yaml");
}
void BM_WholeRun_day_karpenter(benchmark::State& state) { whole_run(state, "day-karpenter.yaml"); }

// ---------------------------------------------------------------- a world in code

Quantity q(const char* t) { return *Quantity::parse(t); }

Container app(const std::string& name, const char* cpu, const char* mem, const char* cpu_lim,
              const char* mem_lim) {
  Container c;
  c.name = name;
  c.image = name + ":1";
  c.resources.requests = {{"cpu", q(cpu)}, {"memory", q(mem)}};
  c.resources.limits = {{"cpu", q(cpu_lim)}, {"memory", q(mem_lim)}};
  Probe p;
  p.handler = "httpGet";
  p.initial_delay_seconds = 10;
  p.period_seconds = 5;
  c.readiness_probe = p;
  p.initial_delay_seconds = 30;
  p.period_seconds = 10;
  c.liveness_probe = p;
  return c;
}

PodTemplateSpec tmpl(const std::string& name, Container c) {
  PodTemplateSpec t;
  t.metadata.labels = {{"app", name}};
  t.spec.containers.push_back(std::move(c));
  return t;
}

// Auth 3 (HPA 2-10), chat 5 (3-20), billing 3 (2-8), postgres and redis
// StatefulSets, Jaeger: the seed report's My-SaaS-Chat.
SimulationConfig small_world(const LoadSource* load) {
  SimulationConfig cfg;
  cfg.name = "my-saas-chat-in-code";
  cfg.duration = std::chrono::hours(24);
  NodePool pool;
  pool.name = "pool";
  pool.count = 3;
  pool.shape = *find_machine_shape("2cpu-4gi");
  pool.shape.price_micro_usd_per_hour = 41'600;
  cfg.node_pools.push_back(pool);
  struct Svc {
    const char* name;
    int32_t replicas, min, max;
    const char* cpu;
  };
  for (const Svc& s : {Svc{"auth-service", 3, 2, 10, "250m"}, Svc{"chat-service", 5, 3, 20, "300m"},
                       Svc{"billing-service", 3, 2, 8, "250m"}}) {
    Deployment d;
    d.metadata.name = s.name;
    d.metadata.ns = "production";
    d.replicas = s.replicas;
    d.selector.match_labels = {{"app", s.name}};
    d.template_ = tmpl(s.name, app(s.name, s.cpu, "256Mi", "500m", "512Mi"));
    d.strategy.max_surge = {false, 1};
    d.strategy.max_unavailable = {false, 0};
    cfg.manifests.deployments.push_back(d);
    Service svc;
    svc.metadata = d.metadata;
    svc.selector = {{"app", s.name}};
    cfg.manifests.services.push_back(svc);
    HorizontalPodAutoscaler h;
    h.metadata = d.metadata;
    h.scale_target_ref = {"apps/v1", "Deployment", s.name};
    h.min_replicas = s.min;
    h.max_replicas = s.max;
    MetricSpec cpu;
    cpu.type = "Resource";
    cpu.resource_name = "cpu";
    cpu.target.type = "Utilization";
    cpu.target.average_utilization = 70;
    MetricSpec mem = cpu;
    mem.resource_name = "memory";
    mem.target.average_utilization = 80;
    h.metrics = {cpu, mem};
    HPAScalingRules up, down;
    up.policies = {{"Percent", 100, 60}, {"Pods", 2, 60}};
    up.select_policy = "Max";
    down.stabilization_window_seconds = 300;
    down.policies = {{"Percent", 50, 300}};
    h.behavior = HPABehavior{up, down};
    cfg.manifests.horizontal_pod_autoscalers.push_back(h);
  }
  for (const char* name : {"postgres", "redis"}) {
    StatefulSet s;
    s.metadata.name = name;
    s.metadata.ns = "production";
    s.replicas = 1;
    s.selector.match_labels = {{"app", name}};
    s.template_ = tmpl(name, app(name, "250m", "256Mi", "500m", "512Mi"));
    PersistentVolumeClaim c;
    c.metadata.name = "data";
    c.storage_request = q("10Gi");
    s.volume_claim_templates.push_back(c);
    cfg.manifests.stateful_sets.push_back(s);
  }
  Deployment jaeger;
  jaeger.metadata.name = "jaeger";
  jaeger.metadata.ns = "production";
  jaeger.replicas = 1;
  jaeger.selector.match_labels = {{"app", "jaeger"}};
  jaeger.template_ = tmpl("jaeger", app("jaeger", "100m", "128Mi", "200m", "256Mi"));
  cfg.manifests.deployments.push_back(jaeger);
  cfg.load = load;
  return cfg;
}

// Each HPA'd Service gets a diurnal total CPU (100 to 10,000 "users"), split
// evenly over its Ready pods.
class DiurnalLoad final : public LoadSource {
 public:
  double users(SimTime t) const override {
    const double h = static_cast<double>(t.ms()) / 3.6e6;
    return 100 + (10000 - 100) * (1 + std::cos(2 * M_PI * (h - 14) / 24)) / 2;
  }
  std::vector<std::pair<std::string, std::string>> services() const override {
    return {{"production", "auth-service"},
            {"production", "billing-service"},
            {"production", "chat-service"}};
  }
  void evaluate(SimTime t, std::span<const ServiceReadiness> in,
                std::span<ServiceLoad> out) const override {
    const double u = users(t);
    const double per_user_milli[3] = {0.27, 0.19, 0.69};
    for (size_t i = 0; i < 3; ++i) {
      const double total = u * per_user_milli[i];
      const int32_t ready = in[i].ready_pods;
      ServiceLoad& l = out[i];
      l.arrival_rps = u * 0.02;
      l.cpu_demand_milli_per_pod = ready > 0 ? static_cast<int64_t>(total / ready) : 0;
      l.cpu_milli_per_pod = std::min(l.cpu_demand_milli_per_pod,
                                     in[i].cpu_limit_milli > 0 ? in[i].cpu_limit_milli : INT64_MAX);
      l.memory_per_pod = 150LL << 20;
      l.latency_ms = ready > 0 ? 20.0 : 1e9;
    }
  }
};

void BM_SmallWorldDay(benchmark::State& state) {
  DiurnalLoad load;
  uint64_t events = 0;
  for (auto _ : state) {
    Simulator sim(small_world(&load));
    sim.run();
    events = sim.events_processed();
    benchmark::DoNotOptimize(sim.report().total_cost);
  }
  state.counters["events"] = static_cast<double>(events);
  state.counters["sim_s_per_s"] =
      benchmark::Counter(86'400.0, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_SmallWorldDay)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScenarioRun_peak_24h)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScenarioRun_day)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WholeRun_day_autoscaled)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WholeRun_day_karpenter)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
