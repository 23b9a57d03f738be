#include "load/graph_algorithms.h"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/topological_sort.hpp>
#include <cmath>
#include <iterator>
#include <limits>

namespace simcluster::load_internal {
namespace {

using Digraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

Digraph to_digraph(const ServiceGraph& graph) {
  Digraph g(graph.services.size());
  for (const CallEdge& e : graph.edges) {
    if (e.calls_per_request > 0) boost::add_edge(e.from, e.to, g);
  }
  return g;
}

}  // namespace

std::vector<int> strong_components_of(const ServiceGraph& graph, int* count) {
  Digraph g = to_digraph(graph);
  std::vector<int> component(graph.services.size(), 0);
  int n = 0;
  if (!component.empty()) {
    n = boost::strong_components(g, boost::make_iterator_property_map(
                                        component.begin(), boost::get(boost::vertex_index, g)));
  }
  if (count != nullptr) *count = n;
  return component;
}

std::optional<std::vector<size_t>> topological_order(const ServiceGraph& graph) {
  for (const CallEdge& e : graph.edges) {
    if (e.from == e.to && e.calls_per_request > 0) return std::nullopt;
  }
  Digraph g = to_digraph(graph);
  std::vector<size_t> reversed;
  try {
    boost::topological_sort(g, std::back_inserter(reversed));
  } catch (const boost::not_a_dag&) {
    return std::nullopt;
  }
  std::reverse(reversed.begin(), reversed.end());
  return reversed;
}

double spectral_radius(const std::vector<MatrixEntry>& entries, size_t k, double threshold) {
  if (k == 0) return 0;
  constexpr size_t kDenseRows = 64;
  if (k <= kDenseRows) {
    const auto n = static_cast<Eigen::Index>(k);
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(n, n);
    for (const MatrixEntry& e : entries) {
      m(static_cast<Eigen::Index>(e.row), static_cast<Eigen::Index>(e.col)) += e.value;
    }
    if (k == 1) return std::abs(m(0, 0));
    Eigen::EigenSolver<Eigen::MatrixXd> solver(m, /*computeEigenvectors=*/false);
    double rho = 0;
    for (Eigen::Index i = 0; i < solver.eigenvalues().size(); ++i) {
      rho = std::max(rho, std::abs(solver.eigenvalues()[i]));
    }
    return rho;
  }
  constexpr int kMaxIterations = 100'000;
  std::vector<double> x(k, 1.0), px(k);
  double lower = 0, upper = 0;
  for (int it = 0; it < kMaxIterations; ++it) {
    std::fill(px.begin(), px.end(), 0.0);
    for (const MatrixEntry& e : entries) px[e.row] += e.value * x[e.col];
    lower = std::numeric_limits<double>::infinity();
    upper = 0;
    double norm = 0;
    for (size_t i = 0; i < k; ++i) {
      const double r = px[i] / x[i];
      lower = std::min(lower, r);
      upper = std::max(upper, r);
      norm = std::max(norm, px[i] + x[i]);
    }
    if (upper < threshold) return upper;
    if (lower >= threshold) return lower;
    if (upper - lower <= 1e-12 * upper) break;
    for (size_t i = 0; i < k; ++i) x[i] = (px[i] + x[i]) / norm;  // (P + I) x, normalised
  }
  return upper;  // undecided after the cap: err on the side of reporting the loop
}

}  // namespace simcluster::load_internal
