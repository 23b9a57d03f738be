// cluster-autoscaler's binpacking estimator: 50,000 pending pods of 50 shapes (1,000 pods
// each) packed onto copies of a 16-CPU / 64-GiB / 110-pod template.
//
//   BM_Estimator          estimate_binpacking (lib/autoscale/estimator.cpp): the scheduler's
//                         Filter plugins (run_filters) on a forked ClusterSnapshot whose
//                         per-node aggregates are incremental; items_per_second is pods
//                         packed per CPU second.
//   BM_EstimatorVsNaive   the same estimate, then in the same run a naive estimator: the
//                         same First-Fit Decreasing walk (groups by score, nodes added so far
//                         round robin, then the last node) whose fit check re-sums the
//                         requests of every pod already on the examined node per decision
//                         (no aggregates). Counters: both rates and naive_seconds /
//                         estimator_seconds; the run fails if the node counts differ.
//
// Times are the thread's CPU time (manual time): the machine is shared.
#include <benchmark/benchmark.h>
#include <time.h>

#include <string>
#include <vector>

#include "bench_util.h"
#include "simcluster/autoscaler.h"
#include "simcluster/nodes.h"

namespace simcluster {
namespace {

using bench::cpu_seconds;

constexpr int kShapes = 50;
constexpr int kPodsPerShape = 1000;
constexpr int64_t kMi = 1024LL * 1024;

NodeTemplate make_template() {
  NodePool pool;
  pool.name = "pool";
  Resources cap;
  cap.cpu_milli = 16000;
  cap.memory = 64 * 1024 * kMi;
  cap.ephemeral_storage = 100 * 1024 * kMi;
  cap.pods = 110;
  pool.shape = make_machine_shape("bench-16x64", cap, ReservationPolicy::kNone);
  pool.count = 1;
  return NodeTemplate{make_pool_node(pool, 0), {}};
}

// 50 shapes from 100m / 128 MiB to 2550m / 4048 MiB, one Deployment each.
std::vector<PodEquivalenceGroup> make_groups() {
  std::vector<PodEquivalenceGroup> groups(kShapes);
  for (int s = 0; s < kShapes; ++s) {
    PodInfo p;
    p.ns = "bench";
    p.labels["app"] = "app-" + std::to_string(s);
    p.owner_kind = "ReplicaSet";
    p.requests.cpu_milli = 100 + 50 * s;
    p.requests.memory = (128 + 80 * ((s * 7) % kShapes)) * kMi;
    p.requests.pods = 1;
    p.non_zero_requests = p.requests;
    for (int i = 0; i < kPodsPerShape; ++i) {
      p.name = "app-" + std::to_string(s) + "-" + std::to_string(i);
      groups[s].pods.push_back(p);
    }
  }
  return groups;
}

// The naive estimator: same walk, fit by re-summing the node's pods.
struct NaiveNode {
  std::vector<const PodInfo*> pods;
};

class NaiveEstimator {
 public:
  NaiveEstimator(const Resources& alloc) : alloc_(alloc) {}

  int32_t run(const std::vector<PodEquivalenceGroup>& groups) {
    for (size_t g : order_pod_groups(groups, alloc_)) {
      const auto& pods = groups[g].pods;
      size_t i = 0;
      for (; i < pods.size(); ++i) {  // nodes added so far, round robin from the last hit
        bool placed = false;
        for (size_t k = 0; k < nodes_.size(); ++k) {
          const size_t n = (last_index_ + k) % nodes_.size();
          if (fits(pods[i], nodes_[n])) {
            nodes_[n].pods.push_back(&pods[i]);
            last_index_ = (last_index_ + k + 1) % nodes_.size();
            placed = true;
            break;
          }
        }
        if (!placed) break;
      }
      for (; i < pods.size(); ++i) {  // the last node, then a new one
        if (!nodes_.empty() && fits(pods[i], nodes_.back())) {
          nodes_.back().pods.push_back(&pods[i]);
          continue;
        }
        if (!nodes_.empty() && nodes_.back().pods.empty()) break;
        nodes_.emplace_back();
        if (!fits(pods[i], nodes_.back())) break;
        nodes_.back().pods.push_back(&pods[i]);
      }
    }
    int32_t used = 0;
    for (const auto& n : nodes_) used += n.pods.empty() ? 0 : 1;
    return used;
  }

 private:
  bool fits(const PodInfo& pod, const NaiveNode& node) const {
    int64_t cpu = 0;
    int64_t mem = 0;
    for (const PodInfo* p : node.pods) {
      cpu += p->requests.cpu_milli;
      mem += p->requests.memory;
    }
    return static_cast<int64_t>(node.pods.size()) + 1 <= alloc_.pods &&
           pod.requests.cpu_milli <= alloc_.cpu_milli - cpu &&
           pod.requests.memory <= alloc_.memory - mem;
  }

  Resources alloc_;
  std::vector<NaiveNode> nodes_;
  size_t last_index_ = 0;
};

Resources allocatable_of(const Node& n) {
  ClusterSnapshot s;
  return s.node(s.add_node(n)).allocatable;
}

void BM_Estimator(benchmark::State& state) {
  const NodeTemplate tmpl = make_template();
  const auto groups = make_groups();
  const ClusterSnapshot empty;
  int32_t nodes = 0;
  for (auto _ : state) {
    const double t0 = cpu_seconds();
    Estimate e = estimate_binpacking(groups, tmpl, empty, 0);
    state.SetIterationTime(cpu_seconds() - t0);
    nodes = e.node_count;
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations() * kShapes * kPodsPerShape);
  state.counters["nodes"] = nodes;
}
BENCHMARK(BM_Estimator)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_EstimatorVsNaive(benchmark::State& state) {
  const NodeTemplate tmpl = make_template();
  const auto groups = make_groups();
  const ClusterSnapshot empty;
  const Resources alloc = allocatable_of(tmpl.node);
  double fast = 0;
  double naive = 0;
  for (auto _ : state) {
    double t0 = cpu_seconds();
    Estimate e = estimate_binpacking(groups, tmpl, empty, 0);
    const double t1 = cpu_seconds();
    NaiveEstimator n(alloc);
    const int32_t naive_nodes = n.run(groups);
    const double t2 = cpu_seconds();
    fast += t1 - t0;
    naive += t2 - t1;
    state.SetIterationTime(t2 - t0);
    if (naive_nodes != e.node_count) {
      state.SkipWithError("the naive estimator disagrees on the node count");
      return;
    }
    state.counters["nodes"] = e.node_count;
  }
  const double pods = static_cast<double>(state.iterations()) * kShapes * kPodsPerShape;
  state.counters["estimator_pods_per_s"] = pods / fast;
  state.counters["naive_pods_per_s"] = pods / naive;
  state.counters["naive_over_estimator"] = naive / fast;
}
BENCHMARK(BM_EstimatorVsNaive)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace simcluster

BENCHMARK_MAIN();
