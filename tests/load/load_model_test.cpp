// LoadModel as the engine sees it, and the CPU fit.
// GCC 12 warns about members a designated initializer leaves at their defaults;
// leaving them is the point (house style), so the warning is off here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "simcluster/load_model.h"

#include <doctest/doctest.h>

#include <cmath>

#include "load/load_fixtures.h"

using namespace simcluster;
using simcluster::testing::make_deployment;
using simcluster::testing::make_service;

namespace {

// web -> db (2 calls per request); 0.1 rps per user to web.
Manifests web_db() {
  Manifests m;
  m.services.push_back(make_service("db"));
  m.services.push_back(make_service("web"));
  m.deployments.push_back(make_deployment("web", {{"DB_HOST", "db"}}));
  m.deployments.push_back(make_deployment("db"));
  return m;
}

LoadSpec web_db_spec(double users) {
  LoadSpec spec;
  spec.users = UsersProfile{.shape = ProfileShape::kConstant, .constant = users};
  spec.routes = {{"web", 0.1, {}}};
  ServiceCost web{.service = "web",
                  .cpu_per_request = 10.0,
                  .cpu_baseline_milli = 20,
                  .concurrency = 4,
                  .service_time = SimDuration(100)};
  web.calls = {{"db", 2.0, {}}};
  spec.services.push_back(web);
  spec.services.push_back(ServiceCost{.service = "db",
                                      .cpu_per_request = 1.0,
                                      .cpu_baseline_milli = 50,
                                      .concurrency = 10,
                                      .service_time = SimDuration(10)});
  return spec;
}

}  // namespace

TEST_CASE("The load model answers rates, per-pod CPU and end-to-end latency") {
  LoadModel model(web_db(), web_db_spec(1000));
  REQUIRE(model.services() ==
          std::vector<std::pair<std::string, std::string>>{{"prod", "db"}, {"prod", "web"}});
  CHECK(model.users(SimTime{}) == 1000);
  CHECK(model.rates_per_user()[1] == doctest::Approx(0.1));
  CHECK(model.rates_per_user()[0] == doctest::Approx(0.2));

  std::vector<ServiceReadiness> in{{"prod", "db", 1, 1000, 0}, {"prod", "web", 4, 500, 0}};
  std::vector<ServiceLoad> out(2);
  model.evaluate(SimTime{}, in, out);
  // web: 100 rps over 4 pods: 20 + 25 x 10 = 270m. db: 200 rps on 1 pod: 50 + 200 = 250m.
  CHECK(out[1].arrival_rps == doctest::Approx(100));
  CHECK(out[1].cpu_milli_per_pod == 270);
  CHECK(out[0].arrival_rps == doctest::Approx(200));
  CHECK(out[0].cpu_milli_per_pod == 250);
  // Latency: web's own M/M/16 (lambda 100, mu 10) plus 2 x db's M/M/10 (lambda 200, mu 100).
  QueueMetrics web = mmc_queue(100, 10, 16);
  QueueMetrics db = mmc_queue(200, 100, 10);
  CHECK(out[0].latency_ms == doctest::Approx(db.mean_response_s * 1000));
  CHECK(out[1].latency_ms ==
        doctest::Approx((web.mean_response_s + 2 * db.mean_response_s) * 1000));
  CHECK(out[1].utilization == doctest::Approx(100.0 / 160.0));
  CHECK(model.idle_cpu_milli() == ServiceDefaults{}.idle_cpu_milli);
}

TEST_CASE("A saturated callee makes its callers' latency infinite") {
  LoadModel model(web_db(), web_db_spec(1000));
  std::vector<ServiceReadiness> in{{"prod", "db", 0, 1000, 0}, {"prod", "web", 4, 500, 0}};
  std::vector<ServiceLoad> out(2);
  model.evaluate(SimTime{}, in, out);
  CHECK(std::isinf(out[0].latency_ms));
  CHECK(std::isinf(out[1].latency_ms));
  CHECK(out[1].cpu_milli_per_pod == 270);  // web still burns its CPU
}

TEST_CASE("Saturation propagates around a call loop too") {
  Manifests m = web_db();
  LoadSpec spec = web_db_spec(100);
  spec.services[1].calls = {{"web", 0.1, {}}};  // db -> web: a loop with gain 0.2
  LoadModel model(m, spec);
  std::vector<ServiceReadiness> in{{"prod", "db", 1, 0, 0}, {"prod", "web", 2, 0, 0}};
  std::vector<ServiceLoad> out(2);
  model.evaluate(SimTime{}, in, out);
  // lambda_web = 10 / (1 - 0.2) = 12.5; lambda_db = 25.
  CHECK(out[1].arrival_rps == doctest::Approx(12.5));
  CHECK(out[0].arrival_rps == doctest::Approx(25));
  // R_web = W_web + 2 R_db, R_db = W_db + 0.1 R_web.
  double w_web = mmc_queue(12.5, 10, 8).mean_response_s;
  double w_db = mmc_queue(25, 100, 10).mean_response_s;
  double r_web = (w_web + 2 * w_db) / (1 - 0.2);
  CHECK(out[1].latency_ms == doctest::Approx(r_web * 1000));
  in[1].ready_pods = 0;
  model.evaluate(SimTime{}, in, out);
  CHECK(std::isinf(out[0].latency_ms));
  CHECK(std::isinf(out[1].latency_ms));
}

TEST_CASE("Timeline load changes reach the model's users") {
  LoadSpec spec = web_db_spec(1000);
  spec.changes = {{.at = SimDuration(60'000), .scale = 3.0}};
  LoadModel model(web_db(), spec);
  CHECK(model.users(SimTime::from_seconds(59)) == 1000);
  CHECK(model.users(SimTime::from_seconds(60)) == 3000);
  std::vector<ServiceReadiness> in{{"prod", "db", 1, 0, 0}, {"prod", "web", 4, 0, 0}};
  std::vector<ServiceLoad> out(2);
  model.evaluate(SimTime::from_seconds(61), in, out);
  CHECK(out[1].arrival_rps == doctest::Approx(300));
}

TEST_CASE("The CPU fit recovers an exact line") {
  std::vector<double> rate{0, 10, 20};
  std::vector<double> cpu{50, 170, 290};
  CpuFit f = fit_cpu_model(rate, cpu);
  CHECK(f.baseline_milli == doctest::Approx(50));
  CHECK(f.cost == doctest::Approx(12));
  CHECK(f.r_squared == doctest::Approx(1));
  CHECK(f.rmse_milli == doctest::Approx(0).epsilon(1e-9));
  CHECK(f.n == 3);
}

TEST_CASE("The CPU fit of noisy samples is close and reports its quality") {
  // cpu = 30 + 4.5 x rate + deterministic noise in [-20, 20].
  std::vector<double> rate, cpu;
  uint64_t x = 12345;
  for (int i = 0; i < 500; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    double noise = static_cast<double>(x >> 33) / static_cast<double>(1ULL << 31) * 40 - 20;
    double r = 0.5 * i;
    rate.push_back(r);
    cpu.push_back(30 + 4.5 * r + noise);
  }
  CpuFit f = fit_cpu_model(rate, cpu);
  CHECK(f.cost == doctest::Approx(4.5).epsilon(0.01));
  CHECK(f.baseline_milli == doctest::Approx(30).epsilon(0.2));
  CHECK(f.r_squared > 0.99);
  CHECK(f.r_squared < 1.0);
  CHECK(f.rmse_milli == doctest::Approx(40 / std::sqrt(12.0)).epsilon(0.15));  // uniform noise
}

TEST_CASE("The CPU fit refuses samples that cannot determine a line") {
  std::vector<double> one{1};
  CHECK_THROWS_WITH_AS(fit_cpu_model(one, one, {"s.csv", 0, 0}),
                       "s.csv: 1 sample(s): a line needs at least 2", InputError);
  std::vector<double> same{5, 5, 5};
  std::vector<double> cpu{1, 2, 3};
  CHECK_THROWS_AS(fit_cpu_model(same, cpu), InputError);
}
