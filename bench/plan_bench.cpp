// The capacity planner's cost (issue 9): `simcluster plan scenarios/plan.yaml`
// over its three load levels (100, 5,000, 10,000 users) and every preset
// shape, on 2 threads, as `simcluster plan scenarios/plan.yaml --shapes all
// -j 2` runs it. Target: <= 2 s on the 2-core machine.
//  * BM_PlanMySaaSChat: the search (lower bound, galloping, bisection, the
//    answer's and count - 1's runs). Counters: simulations, ms per simulation.
//  * BM_PlanLinearBaseline: the same plan, then for every candidate that fits
//    each count from 1 up to the answer tried afresh (as a naive planner
//    would). Counters: the search's and the linear baseline's simulations and
//    their ratio, from one run.
// Build: cmake -B build-bench -DCMAKE_BUILD_TYPE=Release && cmake --build build-bench -j2
// Run:   ./build-bench/bench/plan_bench
#include <benchmark/benchmark.h>

#include <filesystem>

#include "simcluster/plan.h"
#include "simcluster/scenario.h"

namespace {

using namespace simcluster;

Scenario plan_scenario() {
  const auto dir = std::filesystem::path(SIMCLUSTER_SOURCE_DIR) / "scenarios";
  return load_scenario((dir / "plan.yaml").string());
}

PlanOptions every_preset(bool linear) {
  PlanOptions o;
  o.all_shapes = true;
  o.threads = 2;
  o.linear_baseline = linear;
  return o;
}

void BM_PlanMySaaSChat(benchmark::State& state) {
  Scenario sc = plan_scenario();
  sc.plan->shapes.clear();  // every preset, as --shapes all
  int64_t sims = 0;
  for (auto _ : state) {
    Plan p = make_plan({sc}, every_preset(false));
    sims = p.simulations;
    benchmark::DoNotOptimize(p.levels.data());
  }
  state.counters["simulations"] = static_cast<double>(sims);
  // Wall time per simulation (shown in s, m or u by Google Benchmark).
  state.counters["time_per_simulation"] =
      benchmark::Counter(static_cast<double>(sims) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_PlanLinearBaseline(benchmark::State& state) {
  Scenario sc = plan_scenario();
  sc.plan->shapes.clear();
  int64_t sims = 0, linear = 0;
  for (auto _ : state) {
    Plan p = make_plan({sc}, every_preset(true));
    sims = p.simulations;
    linear = p.linear_simulations;
    benchmark::DoNotOptimize(p.levels.data());
  }
  state.counters["search_simulations"] = static_cast<double>(sims);
  state.counters["linear_simulations"] = static_cast<double>(linear);
  state.counters["linear_over_search"] =
      sims > 0 ? static_cast<double>(linear) / static_cast<double>(sims) : 0;
}

}  // namespace

BENCHMARK(BM_PlanMySaaSChat)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PlanLinearBaseline)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
