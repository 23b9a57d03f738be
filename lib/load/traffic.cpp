// The traffic equations (load_model.h): lambda = gamma + P^T lambda, solved as
// (I - P^T) lambda = gamma with Eigen. This is the open Jackson network balance:
// what reaches a Service is what users send it plus what every Service calling
// it forwards.
#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <algorithm>

#include "simcluster/load_model.h"

namespace simcluster {
namespace {

constexpr size_t kDenseLimit =
    100;  // kAuto: dense LU below this many services (bench: the crossover)

Eigen::VectorXd to_vector(std::span<const double> v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  for (size_t i = 0; i < v.size(); ++i) out(static_cast<Eigen::Index>(i)) = v[i];
  return out;
}

std::vector<double> from_vector(const Eigen::VectorXd& v) {
  std::vector<double> out(static_cast<size_t>(v.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    // Round-off can leave -1e-17 where the exact answer is 0.
    out[static_cast<size_t>(i)] = std::max(0.0, v(i));
  }
  return out;
}

}  // namespace

std::vector<double> solve_traffic(const ServiceGraph& graph, std::span<const double> gamma,
                                  TrafficSolver solver) {
  const size_t n = graph.services.size();
  SIMCLUSTER_CHECK(gamma.size() == n, "gamma has {} entries for {} services", gamma.size(), n);
  if (graph.edges.empty()) return std::vector<double>(gamma.begin(), gamma.end());
  const auto N = static_cast<Eigen::Index>(n);
  const Eigen::VectorXd b = to_vector(gamma);
  if (solver == TrafficSolver::kAuto) {
    solver = n < kDenseLimit ? TrafficSolver::kDense : TrafficSolver::kSparse;
  }
  if (solver == TrafficSolver::kDense) {
    Eigen::MatrixXd a = Eigen::MatrixXd::Identity(N, N);
    for (const CallEdge& e : graph.edges) {
      // Row `to` balances the arrivals at `to`: calls from `from` arrive there.
      a(static_cast<Eigen::Index>(e.to), static_cast<Eigen::Index>(e.from)) -= e.calls_per_request;
    }
    return from_vector(a.partialPivLu().solve(b));
  }
  std::vector<Eigen::Triplet<double>> triplets;
  triplets.reserve(n + graph.edges.size());
  for (size_t i = 0; i < n; ++i) {
    triplets.emplace_back(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i), 1.0);
  }
  for (const CallEdge& e : graph.edges) {
    triplets.emplace_back(static_cast<Eigen::Index>(e.to), static_cast<Eigen::Index>(e.from),
                          -e.calls_per_request);
  }
  Eigen::SparseMatrix<double> a(N, N);
  a.setFromTriplets(triplets.begin(), triplets.end());  // duplicates are summed
  a.makeCompressed();
  Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
  lu.compute(a);
  SIMCLUSTER_CHECK(lu.info() == Eigen::Success, "SparseLU failed on a stable call graph");
  return from_vector(lu.solve(b));
}

}  // namespace simcluster
