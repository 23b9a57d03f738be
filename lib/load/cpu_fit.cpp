// Least-squares calibration of cpu = baseline + cost x rate (load_model.h).
#include <Eigen/Dense>
#include <cmath>

#include "simcluster/load_model.h"

namespace simcluster {

CpuFit fit_cpu_model(std::span<const double> rate, std::span<const double> cpu_milli,
                     const SourceLocation& where) {
  SIMCLUSTER_CHECK(rate.size() == cpu_milli.size(), "{} rates, {} cpu samples", rate.size(),
                   cpu_milli.size());
  const size_t n = rate.size();
  if (n < 2) fail(where, "{} sample(s): a line needs at least 2", n);
  bool varies = false;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(rate[i]) || !std::isfinite(cpu_milli[i])) {
      fail(where, "sample {} is not a finite number", i + 1);
    }
    varies = varies || rate[i] != rate[0];
  }
  if (!varies) {
    throw InputError(where, fmt::format("every sample has the same rate ({})", rate[0]),
                     "the cost per request cannot be told from the baseline; use samples taken "
                     "at different loads");
  }
  const auto N = static_cast<Eigen::Index>(n);
  Eigen::MatrixXd x(N, 2);
  Eigen::VectorXd y(N);
  for (Eigen::Index i = 0; i < N; ++i) {
    x(i, 0) = 1;
    x(i, 1) = rate[static_cast<size_t>(i)];
    y(i) = cpu_milli[static_cast<size_t>(i)];
  }
  const Eigen::Vector2d beta = x.colPivHouseholderQr().solve(y);
  const Eigen::VectorXd residual = y - x * beta;
  const double ss_res = residual.squaredNorm();
  const double mean = y.mean();
  const double ss_tot = (y.array() - mean).square().sum();
  CpuFit fit;
  fit.baseline_milli = beta(0);
  fit.cost = beta(1);
  fit.n = n;
  fit.rmse_milli = std::sqrt(ss_res / static_cast<double>(n));
  fit.r_squared = ss_tot > 0 ? 1 - ss_res / ss_tot : (ss_res <= 1e-12 ? 1 : 0);
  return fit;
}

}  // namespace simcluster
