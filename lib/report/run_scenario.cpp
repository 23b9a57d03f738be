// Running a scenario end to end (manifests -> load model -> engine -> Report)
// and gathering what the sizing comparison needs from the scenarios' claims.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "simcluster/load_model.h"
#include "simcluster/manifests.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "simcluster/simulator.h"

namespace simcluster {

namespace fs = std::filesystem;

namespace {

// The manifests' long-running workloads with their replica bounds (HPA
// min/max, or spec.replicas), in the scenario's namespaces.
std::vector<WorkloadBounds> workload_bounds(const Manifests& manifests, const Scenario& sc) {
  ValidationReport v = validate(manifests);
  std::set<std::string> namespaces(sc.namespaces.begin(), sc.namespaces.end());
  std::vector<WorkloadBounds> out;
  for (const auto& w : v.workloads) {
    if (!w.in_totals) continue;
    if (!namespaces.empty() && !namespaces.count(w.ns)) continue;
    WorkloadBounds b;
    b.kind = w.kind;
    b.ns = w.ns;
    b.name = w.name;
    b.min_replicas = w.min_replicas;
    b.max_replicas = w.max_replicas;
    b.requests_per_pod = w.requests;
    b.limits_per_pod = w.limits;
    b.storage_per_pod = w.storage_per_pod;
    out.push_back(std::move(b));
  }
  return out;
}

ClaimedTotals claimed_totals(const std::optional<TotalsClaim>& t) {
  ClaimedTotals c;
  if (!t) return c;
  c.pods = t->pods;
  c.cpu_milli = t->cpu_milli;
  c.memory = t->memory;
  c.storage = t->storage;
  return c;
}

int64_t ceil_div(int64_t a, int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

// How long the steady start's warm-up runs at the initial load: the HPAs'
// scale-up (doubling at most every 15 s by default) and the 5-minute
// downscale stabilization are over well within it.
constexpr SimDuration kSteadyWarmUp{30 * 60'000};

}  // namespace

std::map<std::string, int32_t> steady_replicas(const Scenario& scenario,
                                               const Manifests& manifests) {
  std::map<std::string, int32_t> out;
  if (manifests.horizontal_pod_autoscalers.empty()) return out;
  Scenario warm = scenario;
  warm.start = StartMode::kCold;
  warm.timeline.clear();
  warm.kubelet_workloads.clear();
  warm.claims.reset();
  warm.claims_level.reset();
  warm.duration = kSteadyWarmUp;
  warm.sample_interval = kSteadyWarmUp;
  const double users0 = users_at(scenario.load.users, scenario.load.changes, SimTime{});
  warm.load.users = UsersProfile{};
  warm.load.users.shape = ProfileShape::kConstant;
  warm.load.users.constant = users0;
  warm.load.changes.clear();
  // A cluster that holds every workload at its maximum: the settled replicas
  // are a property of the load, not of whether this cluster has room for them.
  Resources need, have;
  int64_t pods_need = 0, pods_have = 0;
  for (const WorkloadBounds& b : workload_bounds(manifests, scenario)) {
    need.cpu_milli += b.requests_per_pod.cpu_milli * b.max_replicas;
    need.memory += b.requests_per_pod.memory * b.max_replicas;
    pods_need += b.max_replicas;
  }
  for (const NodePool& p : warm.node_pools) {
    const Resources a = allocatable(p.shape);
    have.cpu_milli += a.cpu_milli * p.count;
    have.memory += a.memory * p.count;
    pods_have += a.pods * p.count;
  }
  int64_t factor = 1;
  if (have.cpu_milli > 0 && have.memory > 0 && pods_have > 0) {
    factor = std::max({int64_t{1}, ceil_div(need.cpu_milli * 5 / 4, have.cpu_milli),
                       ceil_div(need.memory * 5 / 4, have.memory), ceil_div(pods_need, pods_have)});
  }
  // Fixed-size pools: the node autoscalers have no part in the warm-up.
  warm.autoscaler = ClusterAutoscalerConfig{};
  warm.karpenter = KarpenterConfig{};
  for (NodePool& p : warm.node_pools) {
    p.count = static_cast<int32_t>(std::min<int64_t>(int64_t{p.count} * factor, 10'000));
    p.min.reset();
    p.max.reset();
  }
  if (have.cpu_milli <= 0 && !warm.node_pools.empty()) {
    // No node at the start (Karpenter launches them all): the warm-up runs on enough nodes
    // of the largest shape offered.
    NodePool* largest = &warm.node_pools.front();
    for (NodePool& p : warm.node_pools) {
      if (allocatable(p.shape).cpu_milli > allocatable(largest->shape).cpu_milli) largest = &p;
    }
    const Resources a = allocatable(largest->shape);
    if (a.cpu_milli > 0 && a.memory > 0 && a.pods > 0) {
      largest->count = static_cast<int32_t>(
          std::min<int64_t>(std::max({ceil_div(need.cpu_milli * 5 / 4, a.cpu_milli),
                                      ceil_div(need.memory * 5 / 4, a.memory),
                                      ceil_div(pods_need, a.pods), int64_t{1}}),
                            10'000));
    }
  }
  LoadModel model(manifests, warm.load);
  Simulator sim(to_simulation_config(warm, manifests, &model));
  sim.run();
  const Report& r = sim.report();
  for (const WorkloadSummary& w : r.workloads) {
    if (!w.hpa) continue;
    out[fmt::format("{}/{}/{}", w.kind, w.ns, w.name)] = w.end_replicas;
  }
  return out;
}

void add_steady_start(SimulationConfig& cfg, const std::map<std::string, int32_t>& replicas) {
  for (const auto& [key, n] : replicas) {
    // "Kind/ns/name": the name has no '/', the namespace has none either.
    const size_t a = key.find('/'), b = key.rfind('/');
    SimTimelineEvent e;
    e.at = kSteadyStartAt;
    e.action = TimelineAction::kScale;
    e.kind = key.substr(0, a);
    e.ns = key.substr(a + 1, b - a - 1);
    e.name = key.substr(b + 1);
    e.replicas = n;
    cfg.timeline.push_back(std::move(e));
  }
}

ScenarioRun run_scenario(const Scenario& scenario,
                         const std::function<void(SimTime now, SimTime end)>& progress,
                         const std::function<void(const std::string& line)>& warn) {
  Manifests manifests = load_manifests(scenario.manifests);
  check_scenario_references(scenario, manifests);
  if (warn) {
    for (const std::string& w : scenario_capacity_warnings(scenario, manifests)) warn(w);
  }
  ScenarioRun run;
  if (scenario.claims) run.computed = compute_manifest_totals(workload_bounds(manifests, scenario));
  std::map<std::string, int32_t> steady;
  // A cluster dump is a steady state already: the run starts from its replicas.
  if (scenario.start == StartMode::kSteady && !scenario.cluster_from_manifests) {
    steady = steady_replicas(scenario, manifests);
  }
  LoadModel model(manifests, scenario.load);  // borrowed by the Simulator: outlives it
  SimulationConfig cfg = to_simulation_config(scenario, std::move(manifests), &model);
  add_steady_start(cfg, steady);
  Simulator sim(std::move(cfg));
  sim.run(progress);
  run.report = sim.report();
  run.report.overrides = scenario.overrides;
  return run;
}

std::vector<std::string> scenario_input_files(const Scenario& sc) {
  std::set<std::string> files;
  if (!sc.file.empty() && sc.file != "<stdin>" && sc.file != "-") files.insert(sc.file);
  for (const auto& m : sc.manifests) {
    if (m == "-") continue;
    std::error_code ec;
    if (fs::is_directory(m, ec)) {
      for (auto it = fs::recursive_directory_iterator(m, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) files.insert(it->path().string());
      }
    } else {
      files.insert(m);
    }
  }
  if (sc.claims && !sc.claims->file.empty()) files.insert(sc.claims->file);
  if (!sc.load.users.trace_file.empty()) files.insert(sc.load.users.trace_file);
  return {files.begin(), files.end()};
}

SizingInput sizing_input(const std::vector<const Scenario*>& scenarios,
                         const std::vector<ScenarioRun>& runs) {
  SizingInput in;
  bool totals_taken = false;
  for (size_t i = 0; i < runs.size() && i < scenarios.size(); ++i) {
    const Scenario& sc = *scenarios[i];
    SizingRun r{&runs[i].report, std::nullopt};
    if (sc.claims) {
      double peak = 0;
      for (const auto& s : runs[i].report.samples) peak = std::max(peak, s.users);
      int64_t level = sc.claims_level.value_or(std::llround(peak));
      if (const ScalingClaim* c = sc.claims->at_level(level)) {
        ClaimedLevel cl;
        cl.users = static_cast<double>(c->users);
        cl.pods = c->replicas;
        if (c->cpu_utilization_percent) {
          cl.label = fmt::format("claimed CPU {}%", *c->cpu_utilization_percent);
        }
        r.claim = std::move(cl);
      }
      if (!totals_taken) {
        totals_taken = true;
        in.claimed_minimum = claimed_totals(sc.claims->minimum);
        in.claimed_maximum = claimed_totals(sc.claims->maximum);
        if (sc.claims->recommended_cluster) {
          const auto& rc = *sc.claims->recommended_cluster;
          in.recommended_cluster = ClusterSpec{rc.nodes, rc.cpu_milli_per_node, rc.memory_per_node};
        }
        in.claimed_full_scale_out_nodes = sc.claims->full_scale_out_min_nodes;
        in.computed = runs[i].computed;
        in.claims_source = sc.claims->title.empty()
                               ? sc.claims->file
                               : fmt::format("{} ({})", sc.claims->title, sc.claims->file);
      }
    }
    in.runs.push_back(std::move(r));
  }
  return in;
}

}  // namespace simcluster
