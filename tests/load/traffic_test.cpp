// The traffic equations: (I - P^T) lambda = gamma, and the loop check.
// GCC 12 warns about members a designated initializer leaves at their defaults;
// leaving them is the point (house style), so the warning is off here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "load/graph_algorithms.h"
#include "load/load_fixtures.h"
#include "simcluster/load_model.h"

using namespace simcluster;
using simcluster::testing::make_graph;

namespace {

void check_rates(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-12));
  }
}

std::string stability_error(const ServiceGraph& g) {
  try {
    check_traffic_stability(g);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("A chain multiplies the entry rate by the calls per request at each hop") {
  // gateway -> api (2 calls per request) -> db (3 calls per request)
  ServiceGraph g = make_graph(3, {{0, 1, 2.0}, {1, 2, 3.0}});
  std::vector<double> gamma{10, 0, 0};
  for (TrafficSolver s : {TrafficSolver::kAuto, TrafficSolver::kDense, TrafficSolver::kSparse}) {
    check_rates(solve_traffic(g, gamma, s), {10, 20, 60});
  }
}

TEST_CASE("Fan-out adds up at a shared callee") {
  // front -> a (1), front -> b (2), a -> db (1.5), b -> db (0.5); users also hit b directly.
  ServiceGraph g = make_graph(4, {{0, 1, 1.0}, {0, 2, 2.0}, {1, 3, 1.5}, {2, 3, 0.5}});
  std::vector<double> gamma{100, 0, 10, 0};
  // a = 100, b = 10 + 200 = 210, db = 1.5 * 100 + 0.5 * 210 = 255
  check_rates(solve_traffic(g, gamma), {100, 100, 210, 255});
  check_rates(solve_traffic(g, gamma, TrafficSolver::kSparse), {100, 100, 210, 255});
}

TEST_CASE("A loop whose gain is below 1 converges to the geometric sum") {
  // a -> b (1 call), b -> a (0.5): lambda_a = 10 + 0.5 lambda_b, lambda_b = lambda_a.
  ServiceGraph g = make_graph(2, {{0, 1, 1.0}, {1, 0, 0.5}});
  CHECK_NOTHROW(check_traffic_stability(g));
  check_rates(solve_traffic(g, std::vector<double>{10, 0}), {20, 20});
  // A self-call with 0.2 retries per request: lambda = 10 / (1 - 0.2) = 12.5.
  ServiceGraph retry = make_graph(1, {{0, 0, 0.2}});
  CHECK_NOTHROW(check_traffic_stability(retry));
  check_rates(solve_traffic(retry, std::vector<double>{10}), {12.5});
}

TEST_CASE("A loop with gain 1 or more is an error that names the loop") {
  ServiceGraph g = make_graph(3, {{0, 1, 1.0}, {1, 2, 2.0}, {2, 1, 0.6}});
  std::string e = stability_error(g);
  CHECK(e.find("call loop s1 -> s2 -> s1") != std::string::npos);
  CHECK(e.find("gain 1.2") != std::string::npos);
  CHECK(e.find("test.yaml:3:5") == 0);  // located at an edge of the loop

  ServiceGraph exactly_one = make_graph(2, {{0, 1, 2.0}, {1, 0, 0.5}});
  CHECK(stability_error(exactly_one).find("call loop s0 -> s1 -> s0 has gain 1") !=
        std::string::npos);

  ServiceGraph self = make_graph(2, {{0, 1, 1.0}, {1, 1, 1.0}});
  CHECK(stability_error(self).find("call loop s1 -> s1") != std::string::npos);
}

TEST_CASE("Loops that are each below 1 can still be unstable together") {
  // s0 <-> s1 and s0 <-> s2, each pair has gain 0.81 (0.9 x 0.9), but s0 receives
  // from both: spectral radius sqrt(0.81 + 0.81) = 1.27.
  ServiceGraph g = make_graph(3, {{0, 1, 0.9}, {1, 0, 0.9}, {0, 2, 0.9}, {2, 0, 0.9}});
  std::string e = stability_error(g);
  CHECK(e.find("calls among s0, s1, s2 form loops with gain 1.27") != std::string::npos);
  CHECK(e.find("e.g. s0 -> s1 -> s0") != std::string::npos);
  // Lower one side: sqrt(0.81 + 0.09) = 0.95 < 1, fine.
  ServiceGraph ok = make_graph(3, {{0, 1, 0.9}, {1, 0, 0.9}, {0, 2, 0.3}, {2, 0, 0.3}});
  CHECK_NOTHROW(check_traffic_stability(ok));
}

TEST_CASE("Dense and sparse solvers agree on a larger graph with loops") {
  // 200 services: a layered graph plus back edges with small gains.
  std::vector<std::tuple<size_t, size_t, double>> edges;
  for (size_t i = 0; i + 1 < 200; ++i) edges.emplace_back(i, i + 1, 0.9);
  for (size_t i = 0; i + 7 < 200; i += 3) edges.emplace_back(i, i + 7, 0.25);
  for (size_t i = 10; i < 200; i += 10) edges.emplace_back(i, i - 9, 0.05);
  ServiceGraph g = make_graph(200, edges);
  CHECK_NOTHROW(check_traffic_stability(g));
  std::vector<double> gamma(200, 0.0);
  gamma[0] = 100;
  gamma[50] = 7;
  std::vector<double> dense = solve_traffic(g, gamma, TrafficSolver::kDense);
  std::vector<double> sparse = solve_traffic(g, gamma, TrafficSolver::kSparse);
  for (size_t i = 0; i < 200; ++i) CHECK(dense[i] == doctest::Approx(sparse[i]).epsilon(1e-9));
  // Balance holds at every service: lambda_j = gamma_j + sum_i P_ij lambda_i.
  std::vector<double> inflow = gamma;
  for (auto [from, to, calls] : edges) inflow[to] += calls * dense[from];
  for (size_t i = 0; i < 200; ++i) CHECK(dense[i] == doctest::Approx(inflow[i]).epsilon(1e-9));
}

TEST_CASE("A graph without calls passes the entry rates through") {
  ServiceGraph g = make_graph(3, {});
  check_rates(solve_traffic(g, std::vector<double>{1, 2, 3}), {1, 2, 3});
}

TEST_CASE("A long loop is judged by the product of its calls") {
  // 100 services in a ring: 0.995^100 = 0.61 is stable, 1.01^100 = 2.70 is not.
  std::vector<std::tuple<size_t, size_t, double>> stable, unstable;
  for (size_t i = 0; i < 100; ++i) {
    stable.emplace_back(i, (i + 1) % 100, 0.995);
    unstable.emplace_back(i, (i + 1) % 100, 1.01);
  }
  ServiceGraph ok = make_graph(100, stable);
  CHECK_NOTHROW(check_traffic_stability(ok));
  std::vector<double> gamma(100, 0.0);
  gamma[0] = 10;
  std::vector<double> lambda = solve_traffic(ok, gamma);
  CHECK(lambda[0] == doctest::Approx(10 / (1 - std::pow(0.995, 100))));
  CHECK(lambda[99] == doctest::Approx(lambda[0] * std::pow(0.995, 99)));
  std::string e = stability_error(make_graph(100, unstable));
  CHECK(e.find("call loop s0 -> s1 -> s2") != std::string::npos);
  CHECK(e.find("-> s99 -> s0 has gain 2.7") != std::string::npos);
}

TEST_CASE("The spectral radius of a large component is bounded on the right side of 1") {
  // B = D^-1 A D has the spectral radius of A; A has every row summing to s,
  // so rho(A) = s. A: a ring plus pseudo-random chords, 200 rows.
  auto matrix = [](double s) {
    std::vector<load_internal::MatrixEntry> a;
    uint64_t x = 99;
    for (size_t i = 0; i < 200; ++i) {
      std::vector<std::pair<size_t, double>> row{{(i + 1) % 200, 1.0}};
      for (int c = 0; c < 3; ++c) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        row.emplace_back(static_cast<size_t>((x >> 33) % 200),
                         0.5 + static_cast<double>((x >> 20) % 100) / 100);
      }
      double sum = 0;
      for (auto& [j, w] : row) sum += w;
      const double di = 1.0 + static_cast<double>(i % 7);
      for (auto& [j, w] : row) {
        const double dj = 1.0 + static_cast<double>(j % 7);
        a.push_back({i, j, w / sum * s * dj / di});
      }
    }
    return a;
  };
  CHECK(load_internal::spectral_radius(matrix(0.97), 200, 1.0) < 1.0);
  CHECK(load_internal::spectral_radius(matrix(1.03), 200, 1.0) >= 1.0);
  CHECK(load_internal::spectral_radius(matrix(0.97), 200, 0.96) >= 0.96);
  CHECK(load_internal::spectral_radius(matrix(0.97), 200, 0.98) < 0.98);
}
