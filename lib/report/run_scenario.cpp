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

}  // namespace

ScenarioRun run_scenario(const Scenario& scenario,
                         const std::function<void(SimTime now, SimTime end)>& progress) {
  Manifests manifests = load_manifests(scenario.manifests);
  check_scenario_references(scenario, manifests);
  ScenarioRun run;
  if (scenario.claims) run.computed = compute_manifest_totals(workload_bounds(manifests, scenario));
  LoadModel model(manifests, scenario.load);  // borrowed by the Simulator: outlives it
  Simulator sim(to_simulation_config(scenario, std::move(manifests), &model));
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
