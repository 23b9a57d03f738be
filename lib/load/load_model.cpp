// LoadModel: the LoadSource the engine queries (load_model.h).
#include "simcluster/load_model.h"

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>

#include "load/graph_algorithms.h"

namespace simcluster {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

struct LoadModel::Impl {
  LoadSpec spec;
  ServiceGraph graph;
  std::vector<double> per_user;                                   // lambda for one user
  std::vector<std::vector<std::pair<size_t, double>>> calls_out;  // i -> (j, calls)
  std::vector<std::vector<size_t>> callers_in;                    // j -> i with i calling j
  std::optional<std::vector<size_t>> topo;                        // nullopt: cyclic

  // End-to-end latency R = W + P R over the services in `finite` (closed under
  // calls), solved directly. Only for cyclic graphs.
  void solve_cyclic(std::vector<double>& r, const std::vector<bool>& finite) const {
    std::vector<Eigen::Index> index(r.size(), -1);
    Eigen::Index n = 0;
    for (size_t i = 0; i < r.size(); ++i) {
      if (finite[i]) index[i] = n++;
    }
    if (n == 0) return;
    std::vector<Eigen::Triplet<double>> t;
    Eigen::VectorXd w(n);
    for (size_t i = 0; i < r.size(); ++i) {
      if (!finite[i]) continue;
      t.emplace_back(index[i], index[i], 1.0);
      w(index[i]) = r[i];
      for (auto [j, calls] : calls_out[i]) t.emplace_back(index[i], index[j], -calls);
    }
    Eigen::SparseMatrix<double> a(n, n);
    a.setFromTriplets(t.begin(), t.end());
    a.makeCompressed();
    Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
    lu.compute(a);
    Eigen::VectorXd x = lu.solve(w);
    for (size_t i = 0; i < r.size(); ++i) {
      if (finite[i]) r[i] = x(index[i]);
    }
  }

  // own[i]: the Service's own mean response time (s). Returns end-to-end, in ms.
  std::vector<double> end_to_end_ms(const std::vector<double>& own) const {
    const size_t n = own.size();
    std::vector<double> r = own;
    if (topo) {
      for (auto it = topo->rbegin(); it != topo->rend(); ++it) {
        for (auto [j, calls] : calls_out[*it]) r[*it] += calls * r[j];
      }
    } else {
      // Anything that can reach a saturated Service is saturated too.
      std::vector<bool> finite(n, true);
      std::deque<size_t> queue;
      for (size_t i = 0; i < n; ++i) {
        if (std::isinf(own[i])) {
          finite[i] = false;
          queue.push_back(i);
        }
      }
      while (!queue.empty()) {
        size_t j = queue.front();
        queue.pop_front();
        for (size_t i : callers_in[j]) {
          if (finite[i]) {
            finite[i] = false;
            queue.push_back(i);
          }
        }
      }
      solve_cyclic(r, finite);
      for (size_t i = 0; i < n; ++i) {
        if (!finite[i]) r[i] = kInf;
      }
    }
    for (double& x : r) x *= 1000.0;
    return r;
  }
};

LoadModel::LoadModel(const Manifests& manifests, LoadSpec spec) : impl_(std::make_unique<Impl>()) {
  impl_->graph = build_service_graph(manifests, spec);
  impl_->spec = std::move(spec);
  const ServiceGraph& g = impl_->graph;
  std::vector<double> gamma;
  for (const ServiceNode& s : g.services) gamma.push_back(s.entry_rps_per_user);
  impl_->per_user = solve_traffic(g, gamma);
  impl_->calls_out.resize(g.services.size());
  impl_->callers_in.resize(g.services.size());
  for (const CallEdge& e : g.edges) {
    impl_->calls_out[e.from].emplace_back(e.to, e.calls_per_request);
    impl_->callers_in[e.to].push_back(e.from);
  }
  impl_->topo = load_internal::topological_order(g);
}

LoadModel::~LoadModel() = default;
LoadModel::LoadModel(LoadModel&&) noexcept = default;
LoadModel& LoadModel::operator=(LoadModel&&) noexcept = default;

double LoadModel::users(SimTime t) const {
  return users_at(impl_->spec.users, impl_->spec.changes, t);
}

std::vector<std::pair<std::string, std::string>> LoadModel::services() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ServiceNode& s : impl_->graph.services) out.emplace_back(s.ns, s.name);
  return out;
}

void LoadModel::evaluate(SimTime t, std::span<const ServiceReadiness> in,
                         std::span<ServiceLoad> out) const {
  const size_t n = impl_->graph.services.size();
  SIMCLUSTER_CHECK(in.size() == n && out.size() == n, "evaluate: {} in, {} out, {} services",
                   in.size(), out.size(), n);
  const double u = users(t);
  std::vector<double> own(n);
  for (size_t i = 0; i < n; ++i) {
    const double lambda = u * impl_->per_user[i];
    const PodUsage p =
        pod_usage(impl_->graph.services[i].params, lambda, in[i].ready_pods, in[i].cpu_limit_milli);
    out[i] = ServiceLoad{.arrival_rps = lambda,
                         .cpu_milli_per_pod = p.cpu_usage_milli,
                         .cpu_demand_milli_per_pod = p.cpu_demand_milli,
                         .memory_per_pod = p.memory,
                         .utilization = p.queue.utilization,
                         .latency_ms = 0,
                         .baseline_cpu_milli = impl_->graph.services[i].params.cpu_baseline_milli,
                         .baseline_memory = impl_->graph.services[i].params.memory_baseline};
    own[i] = p.queue.saturated ? kInf : p.queue.mean_response_s;
  }
  std::vector<double> e2e = impl_->end_to_end_ms(own);
  for (size_t i = 0; i < n; ++i) out[i].latency_ms = e2e[i];
}

std::optional<int64_t> LoadModel::idle_cpu_milli() const {
  return impl_->spec.defaults.idle_cpu_milli;
}

SimTime LoadModel::rise_start(SimTime from, SimTime to) const {
  return load_rise_start(impl_->spec.users, impl_->spec.changes, from, to).value_or(to);
}

std::vector<std::pair<std::string, std::string>> LoadModel::notes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const LoadModelNote& n : impl_->graph.notes) out.emplace_back(n.code, n.message);
  return out;
}

const ServiceGraph& LoadModel::graph() const { return impl_->graph; }

const std::vector<double>& LoadModel::rates_per_user() const { return impl_->per_user; }

}  // namespace simcluster
