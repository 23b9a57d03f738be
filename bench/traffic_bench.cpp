// The load model's hot paths: solving the traffic equations (I - P^T) lambda =
// gamma for 10..2000 Services (dense LU vs sparse LU), the loop-gain check, and
// one LoadModel::evaluate (what the engine calls at every metrics sample).
//
// The call graphs are synthetic and deterministic: Services in layers of 2..10,
// each calling 3 Services of deeper layers (0.2..2 calls per request), plus a
// retry-like back edge every 10th Service (gain 0.1), so there are loops.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "simcluster/load_model.h"

namespace {

using namespace simcluster;

struct Lcg {
  uint64_t x;
  uint64_t next() { return x = x * 6364136223846793005ULL + 1442695040888963407ULL; }
  size_t below(size_t n) { return static_cast<size_t>((next() >> 33) % n); }
};

std::string name_of(size_t i) {
  std::string s = std::to_string(i);
  return "svc-" + std::string(6 - s.size(), '0') + s;  // sorts like the index
}

ServiceGraph synthetic_graph(size_t n) {
  ServiceGraph g;
  for (size_t i = 0; i < n; ++i) {
    ServiceNode s;
    s.ns = "bench";
    s.name = name_of(i);
    s.entry_rps_per_user = i < 5 ? 0.01 : 0.0;
    s.params = ServiceParams{.cpu_per_request = 2,
                             .cpu_baseline_milli = 5,
                             .memory_baseline = 64 << 20,
                             .memory_per_inflight = 64 << 10,
                             .concurrency = 16,
                             .service_time = SimDuration(20),
                             .timeout = SimDuration(60'000)};
    g.services.push_back(s);
  }
  Lcg rng{42};
  std::vector<std::vector<bool>> has(n);
  auto add = [&](size_t from, size_t to, double calls) {
    g.edges.push_back(CallEdge{
        .from = from, .to = to, .calls_per_request = calls, .origin = "bench", .source = {}});
  };
  for (size_t i = 0; i < n; ++i) {
    const size_t layer = std::max<size_t>(2, std::min<size_t>(10, n / 5));
    const size_t layer_end = (i / layer + 1) * layer;
    if (layer_end >= n) continue;
    std::vector<size_t> targets;
    while (targets.size() < 3 && targets.size() < n - layer_end) {
      size_t t = layer_end + rng.below(std::min<size_t>(n - layer_end, 30));
      bool seen = false;
      for (size_t x : targets) seen = seen || x == t;
      if (!seen) targets.push_back(t);
    }
    for (size_t t : targets) add(i, t, 0.2 + static_cast<double>(rng.below(19)) * 0.1);
    if (i % 10 == 9 && i >= layer) add(i, i - layer, 0.1);  // a retry-like loop
  }
  std::sort(g.edges.begin(), g.edges.end(), [](const CallEdge& a, const CallEdge& b) {
    return std::pair(a.from, a.to) < std::pair(b.from, b.to);
  });
  return g;
}

std::vector<double> gamma_of(const ServiceGraph& g) {
  std::vector<double> gamma;
  for (const ServiceNode& s : g.services) gamma.push_back(s.entry_rps_per_user * 10'000);
  return gamma;
}

void run_solve(benchmark::State& state, TrafficSolver solver) {
  const ServiceGraph g = synthetic_graph(static_cast<size_t>(state.range(0)));
  const std::vector<double> gamma = gamma_of(g);
  for (auto _ : state) {
    std::vector<double> lambda = solve_traffic(g, gamma, solver);
    benchmark::DoNotOptimize(lambda.data());
  }
  state.counters["edges"] = static_cast<double>(g.edges.size());
}

void BM_SolveTrafficDense(benchmark::State& state) { run_solve(state, TrafficSolver::kDense); }
void BM_SolveTrafficSparse(benchmark::State& state) { run_solve(state, TrafficSolver::kSparse); }
void BM_SolveTrafficAuto(benchmark::State& state) { run_solve(state, TrafficSolver::kAuto); }

void BM_CheckTrafficStability(benchmark::State& state) {
  const ServiceGraph g = synthetic_graph(static_cast<size_t>(state.range(0)));
  for (auto _ : state) check_traffic_stability(g);
}

// One metrics sample: users, lambda, per-pod usage, M/M/c and end-to-end latency.
// The graph comes from manifests: n Services in a chain-free fan-out (each of the
// first half names two Services of the second half in its env).
void BM_LoadModelEvaluate(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Manifests m;
  for (size_t i = 0; i < n; ++i) {
    Service svc;
    svc.metadata.name = name_of(i);
    svc.metadata.ns = "bench";
    svc.selector = {{"app", name_of(i)}};
    m.services.push_back(svc);
    Deployment d;
    d.metadata.name = name_of(i);
    d.metadata.ns = "bench";
    d.template_.metadata.labels = {{"app", name_of(i)}};
    Container c;
    c.name = "app";
    if (i < n / 2) {
      EnvVar a, b;
      a.name = "A";
      a.value = name_of(n / 2 + i);
      b.name = "B";
      b.value = name_of(n / 2 + (i + 1) % (n - n / 2));
      c.env = {a, b};
    }
    d.template_.spec.containers.push_back(c);
    m.deployments.push_back(d);
  }
  LoadSpec spec;
  spec.users.constant = 10'000;
  for (size_t i = 0; i < std::min<size_t>(n, 5); ++i) {
    spec.routes.push_back({name_of(i), 0.01, {}});
  }
  LoadModel model(m, spec);
  std::vector<ServiceReadiness> in;
  for (const auto& [ns, name] : model.services()) in.push_back({ns, name, 3, 1000, 0});
  std::vector<ServiceLoad> out(in.size());
  int64_t t = 0;
  for (auto _ : state) {
    model.evaluate(SimTime::from_seconds(t += 15), in, out);
    benchmark::DoNotOptimize(out.data());
  }
}

BENCHMARK(BM_SolveTrafficDense)
    ->Arg(10)
    ->Arg(50)
    ->Arg(100)
    ->Arg(200)
    ->Arg(500)
    ->Arg(1000)
    ->Arg(2000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SolveTrafficSparse)
    ->Arg(10)
    ->Arg(50)
    ->Arg(100)
    ->Arg(200)
    ->Arg(500)
    ->Arg(1000)
    ->Arg(2000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SolveTrafficAuto)->Arg(10)->Arg(100)->Arg(2000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CheckTrafficStability)->Arg(10)->Arg(100)->Arg(2000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LoadModelEvaluate)->Arg(6)->Arg(100)->Arg(2000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
