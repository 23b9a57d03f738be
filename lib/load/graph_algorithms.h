// Graph algorithms on a ServiceGraph's call edges (Boost.Graph), private to lib/load.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "simcluster/load_model.h"

namespace simcluster::load_internal {

// Strongly connected components of the edges with calls > 0: component index per
// service. Components are numbered by Boost (Tarjan), so the numbering is a
// function of the graph only.
std::vector<int> strong_components_of(const ServiceGraph& graph, int* count);

// Services in topological order (callers before callees), or nullopt when the
// call graph has a cycle (a self-call counts).
std::optional<std::vector<size_t>> topological_order(const ServiceGraph& graph);

// One entry of a sparse non-negative k x k matrix.
struct MatrixEntry {
  size_t row = 0, col = 0;
  double value = 0;
};

// The spectral radius of an irreducible non-negative k x k matrix (the calls
// matrix of one strongly connected component): exact (Eigen's eigenvalues)
// up to 64 rows; above, power iteration on P + I with the Collatz-Wielandt
// bounds min_i (Px)_i / x_i <= rho <= max_i (Px)_i / x_i, stopping as soon as
// the bounds settle which side of `threshold` rho is on. The answer is then
// the bound on that side (never misjudges "rho < threshold").
double spectral_radius(const std::vector<MatrixEntry>& entries, size_t k, double threshold);

}  // namespace simcluster::load_internal
