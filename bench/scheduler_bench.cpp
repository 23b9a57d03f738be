// kube-scheduler throughput: 150,000 pods with mixed requests onto 5,000 nodes.
//
//   BM_DefaultProfile        default profile, resource plugins only (no owner, no spreading)
//   BM_SystemDefaultSpread   every pod behind a Service: system default topology spreading
//   BM_ZoneSpreadHard        explicit DoNotSchedule zone constraint (maxSkew 1) on every pod
//   BM_HostAntiAffinity      required hostname anti-affinity within each of 500 apps
//   BM_NaiveBaseline         the same cycle, but re-summing every examined node's pods per
//                            decision (no incremental aggregates), for the first 30,000 and
//                            for all 150,000 pods, against the incremental snapshot on the
//                            same workload (counters naive/incremental pods per CPU second)
//   BM_Memory                bytes per node and per bound pod of the snapshot: measured as
//                            the growth of glibc's heap in use (mallinfo2), and as the
//                            snapshot's own accounting (ClusterSnapshot::memory_bytes)
//
// Each benchmark schedules AND binds every pod (schedule() + add_pod()), so the
// incremental bookkeeping is part of the measured cost. Building the snapshot is not
// timed. Times are the thread's CPU time (manual time): the build machine is shared,
// and wall time would measure the neighbours; items_per_second is pods per CPU second.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <time.h>

#include <string>
#include <vector>

#include "bench_util.h"
#include "simcluster/nodes.h"
#include "simcluster/objects.h"
#include "simcluster/rng.h"
#include "simcluster/scheduler.h"

namespace simcluster {
namespace {

using bench::cpu_seconds;

constexpr int kNodes = 5000;
constexpr int kPods = 150000;
constexpr int64_t kMi = 1024LL * 1024;

// 16 vCPU / 64 GiB machines in 3 zones: 80,000 cores for ~60,000 cores of requests.
std::vector<Node> make_nodes(int n) {
  NodePool pool;
  pool.name = "node";
  pool.count = n;
  Resources cap;
  cap.cpu_milli = 16000;
  cap.memory = 64LL << 30;
  cap.ephemeral_storage = 100LL << 30;
  cap.pods = 110;
  pool.shape = make_machine_shape("16cpu-64gi", cap, ReservationPolicy::kGke);
  pool.zones = {"zone-a", "zone-b", "zone-c"};
  return expand_pools({pool});
}

ClusterSnapshot make_cluster(int n) {
  ClusterSnapshot s;
  for (const auto& node : make_nodes(n)) s.add_node(node);
  return s;
}

// Mixed requests: 50 templates, cpu 100m..700m, memory 128Mi..1.5Gi; one in seven
// templates has a container without requests (non-zero 100m/200Mi for scoring).
std::vector<PodInfo> make_templates(int apps) {
  std::vector<PodInfo> t;
  for (int i = 0; i < apps; ++i) {
    Pod pod;
    pod.metadata.name = "app-" + std::to_string(i);
    pod.metadata.ns = "default";
    pod.metadata.labels = {{"app", pod.metadata.name}, {"tier", i % 2 ? "web" : "worker"}};
    Container c;
    c.name = "main";
    c.resources.requests["cpu"] = Quantity::from_milli(100 + (i * 137) % 600);
    c.resources.requests["memory"] = Quantity::from_value((128 + (i * 389) % 1408) * kMi);
    pod.spec.containers.push_back(c);
    if (i % 7 == 0) {
      Container side;
      side.name = "sidecar";
      pod.spec.containers.push_back(side);
    }
    t.push_back(make_pod_info(pod));
  }
  return t;
}

void place_all(benchmark::State& state, const std::vector<PodInfo>& templates, int pods,
               const SchedulerConfig& cfg, int nodes = kNodes) {
  int64_t placed = 0, failed = 0, evaluated = 0;
  for (auto _ : state) {
    ClusterSnapshot s = make_cluster(nodes);
    Rng rng(12345);
    const double t0 = cpu_seconds();
    for (int i = 0; i < pods; ++i) {
      const PodInfo& pod = templates[static_cast<size_t>(i) % templates.size()];
      ScheduleResult r = schedule(pod, s, cfg, rng);
      evaluated += r.evaluated_nodes;
      if (r.ok()) {
        s.add_pod(pod, *r.node);
        ++placed;
      } else {
        ++failed;
      }
    }
    state.SetIterationTime(cpu_seconds() - t0);
    if (!s.check_invariants(true).empty()) state.SkipWithError("invariant broken");
  }
  state.SetItemsProcessed(placed + failed);
  state.counters["failed"] = static_cast<double>(failed) / static_cast<double>(state.iterations());
  state.counters["nodes_per_pod"] =
      static_cast<double>(evaluated) / static_cast<double>(placed + failed);
}

void BM_DefaultProfile(benchmark::State& state) {
  place_all(state, make_templates(50), kPods, SchedulerConfig{});
}
BENCHMARK(BM_DefaultProfile)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SystemDefaultSpread(benchmark::State& state) {
  auto t = make_templates(50);
  for (auto& p : t) p.default_spread_selector.match_labels = {{"app", p.labels.at("app")}};
  place_all(state, t, kPods, SchedulerConfig{});
}
BENCHMARK(BM_SystemDefaultSpread)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_ZoneSpreadHard(benchmark::State& state) {
  auto t = make_templates(50);
  for (auto& p : t) {
    TopologySpreadConstraint c;
    c.max_skew = 1;
    c.topology_key = "topology.kubernetes.io/zone";
    c.when_unsatisfiable = "DoNotSchedule";
    c.label_selector.match_labels = {{"app", p.labels.at("app")}};
    p.topology_spread_constraints.push_back(c);
  }
  place_all(state, t, kPods, SchedulerConfig{});
}
BENCHMARK(BM_ZoneSpreadHard)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_HostAntiAffinity(benchmark::State& state) {
  // 500 apps x 300 replicas: at most one replica of an app per node (5000 nodes).
  auto t = make_templates(500);
  for (auto& p : t) {
    PodAffinity anti;
    PodAffinityTerm term;
    term.topology_key = "kubernetes.io/hostname";
    term.label_selector.match_labels = {{"app", p.labels.at("app")}};
    anti.required.push_back(term);
    p.pod_anti_affinity = anti;
  }
  place_all(state, t, kPods, SchedulerConfig{});
}
BENCHMARK(BM_HostAntiAffinity)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);

// ---------------------------------------------------------------- naive baseline

// The textbook implementation: each node keeps the list of its pods' requests and every
// decision re-sums them for every node it examines. Same node order, same
// numFeasibleNodesToFind, same Filter (cpu, memory, pods) and the same LeastAllocated +
// BalancedAllocation scores (plus the constant TaintToleration 300) as the default profile.
struct NaivePod {
  int64_t cpu, mem, nz_cpu, nz_mem;
};
struct NaiveNode {
  int64_t alloc_cpu, alloc_mem, alloc_pods;
  std::vector<NaivePod> pods;
};

int64_t naive_place(std::vector<NaiveNode>& nodes, const std::vector<NodeId>& order,
                    const std::vector<PodInfo>& templates, int pods, Rng& rng) {
  const auto n_all = static_cast<int64_t>(nodes.size());
  const int64_t k = num_feasible_nodes_to_find(0, n_all);
  int64_t start = 0, placed = 0;
  std::vector<std::pair<size_t, int64_t>> feasible;
  for (int i = 0; i < pods; ++i) {
    const PodInfo& p = templates[static_cast<size_t>(i) % templates.size()];
    feasible.clear();
    int64_t examined = 0;
    for (int64_t j = 0; j < n_all && static_cast<int64_t>(feasible.size()) < k; ++j) {
      const size_t n = order[static_cast<size_t>((start + j) % n_all)];
      ++examined;
      NaiveNode& node = nodes[n];
      int64_t cpu = 0, mem = 0, nzc = 0, nzm = 0;
      for (const NaivePod& q : node.pods) {  // the re-sum
        cpu += q.cpu;
        mem += q.mem;
        nzc += q.nz_cpu;
        nzm += q.nz_mem;
      }
      if (static_cast<int64_t>(node.pods.size()) + 1 > node.alloc_pods) continue;
      if (p.requests.cpu_milli > node.alloc_cpu - cpu) continue;
      if (p.requests.memory > node.alloc_mem - mem) continue;
      const int64_t lreq[] = {nzc + p.non_zero_requests.cpu_milli,
                              nzm + p.non_zero_requests.memory};
      const int64_t breq[] = {cpu + p.requests.cpu_milli, mem + p.requests.memory};
      const int64_t alloc[] = {node.alloc_cpu, node.alloc_mem};
      const int64_t w[] = {1, 1};
      const int64_t score = least_allocated_score(lreq, alloc, w) +
                            balanced_allocation_score(breq, alloc) + 300 /* taints */;
      feasible.push_back({n, score});
    }
    start = (start + examined) % n_all;
    if (feasible.empty()) continue;
    size_t best = 0;
    uint64_t ties = 1;
    for (size_t j = 1; j < feasible.size(); ++j) {
      if (feasible[j].second > feasible[best].second) {
        best = j;
        ties = 1;
      } else if (feasible[j].second == feasible[best].second && rng.uniform(++ties) == 0) {
        best = j;
      }
    }
    nodes[feasible[best].first].pods.push_back({p.requests.cpu_milli, p.requests.memory,
                                                p.non_zero_requests.cpu_milli,
                                                p.non_zero_requests.memory});
    ++placed;
  }
  return placed;
}

void BM_NaiveBaseline(benchmark::State& state) {
  const int pods = static_cast<int>(state.range(0));
  const auto templates = make_templates(50);
  double naive_s = 0, incr_s = 0;
  int64_t naive_placed = 0, incr_placed = 0;
  for (auto _ : state) {
    ClusterSnapshot s = make_cluster(kNodes);
    std::vector<NaiveNode> nodes;
    for (NodeId n = 0; n < s.node_id_limit(); ++n) {
      const NodeInfo& ni = s.node(n);
      nodes.push_back({ni.allocatable.cpu_milli, ni.allocatable.memory, ni.allocatable.pods, {}});
    }
    const std::vector<NodeId> order(s.node_order().begin(), s.node_order().end());
    Rng rng1(12345);
    const double t0 = cpu_seconds();
    naive_placed += naive_place(nodes, order, templates, pods, rng1);
    const double t1 = cpu_seconds();
    Rng rng2(12345);
    const SchedulerConfig cfg;
    for (int i = 0; i < pods; ++i) {
      const PodInfo& pod = templates[static_cast<size_t>(i) % templates.size()];
      ScheduleResult r = schedule(pod, s, cfg, rng2);
      if (r.ok()) {
        s.add_pod(pod, *r.node);
        ++incr_placed;
      }
    }
    const double t2 = cpu_seconds();
    naive_s += t1 - t0;
    incr_s += t2 - t1;
  }
  state.counters["naive_pods_per_s"] = static_cast<double>(naive_placed) / naive_s;
  state.counters["incremental_pods_per_s"] = static_cast<double>(incr_placed) / incr_s;
  state.counters["speedup"] =
      (static_cast<double>(incr_placed) / incr_s) / (static_cast<double>(naive_placed) / naive_s);
}
BENCHMARK(BM_NaiveBaseline)->Arg(30000)->Arg(150000)->Unit(benchmark::kMillisecond)->Iterations(1);

// ---------------------------------------------------------------- memory

// Bytes glibc's allocator has handed out and not had back (small chunks + mmapped blocks).
size_t heap_in_use() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

void BM_Memory(benchmark::State& state) {
  const auto templates = make_templates(50);
  double per_node = 0, per_pod = 0, heap_per_node = 0, heap_per_pod = 0;
  for (auto _ : state) {
    const size_t h0 = heap_in_use();
    ClusterSnapshot s = make_cluster(kNodes);
    const size_t h1 = heap_in_use();
    const size_t empty = s.memory_bytes();
    Rng rng(1);
    int64_t placed = 0;
    const SchedulerConfig cfg;
    for (int i = 0; i < kPods; ++i) {
      const PodInfo& pod = templates[static_cast<size_t>(i) % templates.size()];
      ScheduleResult r = schedule(pod, s, cfg, rng);
      if (r.ok()) {
        s.add_pod(pod, *r.node);
        ++placed;
      }
    }
    const size_t h2 = heap_in_use();
    per_node = static_cast<double>(empty) / kNodes;
    per_pod = static_cast<double>(s.memory_bytes() - empty) / static_cast<double>(placed);
    heap_per_node = static_cast<double>(h1 - h0) / kNodes;
    heap_per_pod = static_cast<double>(h2 - h1) / static_cast<double>(placed);
  }
  state.counters["heap_bytes_per_node"] = heap_per_node;
  state.counters["heap_bytes_per_pod"] = heap_per_pod;
  state.counters["accounted_bytes_per_node"] = per_node;
  state.counters["accounted_bytes_per_pod"] = per_pod;
}
BENCHMARK(BM_Memory)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace simcluster

BENCHMARK_MAIN();
