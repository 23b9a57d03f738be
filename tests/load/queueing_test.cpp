// M/M/c against known Erlang C values, and per-pod usage (capping, throttling,
// Little's law).
// GCC 12 warns about members a designated initializer leaves at their defaults;
// leaving them is the point (house style), so the warning is off here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <doctest/doctest.h>

#include <cmath>

#include "simcluster/load_model.h"

using namespace simcluster;

TEST_CASE("Erlang C matches the closed form for known cases") {
  // Reference values from C(c, a) = (a^c/c! * c/(c-a)) / (sum_{k<c} a^k/k! + a^c/c! * c/(c-a)).
  CHECK(erlang_c(1, 0.5) == doctest::Approx(0.5));  // M/M/1: P(wait) = rho
  CHECK(erlang_c(2, 1.0) == doctest::Approx(1.0 / 3.0));
  CHECK(erlang_c(3, 2.5) == doctest::Approx(0.702247191011236));
  CHECK(erlang_c(5, 4.0) == doctest::Approx(0.5541125541125541));
  CHECK(erlang_c(10, 8.0) == doctest::Approx(0.4091801507964435));
  CHECK(erlang_c(20, 15.0) == doctest::Approx(0.16042938741692364));
  CHECK(erlang_c(100, 90.0) == doctest::Approx(0.21694048090636636));
}

TEST_CASE("Erlang C is 0 without load and 1 at or above capacity") {
  CHECK(erlang_c(4, 0.0) == 0.0);
  CHECK(erlang_c(4, 4.0) == 1.0);
  CHECK(erlang_c(4, 9.0) == 1.0);
  CHECK(erlang_c(0, 1.0) == 1.0);
}

TEST_CASE("Erlang C stays finite for thousands of servers") {
  double c = erlang_c(5000, 4900.0);
  CHECK(std::isfinite(c));
  CHECK(c > 0.0);
  CHECK(c < 1.0);
}

TEST_CASE("M/M/c gives the mean wait and response time") {
  QueueMetrics q = mmc_queue(8.0, 1.0, 10);
  CHECK(q.utilization == doctest::Approx(0.8));
  CHECK(q.wait_probability == doctest::Approx(0.4091801507964435));
  CHECK(q.mean_wait_s == doctest::Approx(0.20459007539822174));
  CHECK(q.mean_response_s == doctest::Approx(1.2045900753982217));
  CHECK_FALSE(q.saturated);

  // M/M/1: W = 1 / (mu - lambda).
  QueueMetrics m1 = mmc_queue(30.0, 50.0, 1);
  CHECK(m1.mean_response_s == doctest::Approx(1.0 / 20.0));
}

TEST_CASE("M/M/c without traffic answers in one service time") {
  QueueMetrics q = mmc_queue(0.0, 20.0, 4);
  CHECK(q.utilization == 0.0);
  CHECK(q.mean_response_s == doctest::Approx(0.05));
  CHECK_FALSE(q.saturated);
}

TEST_CASE("M/M/c at or above capacity is saturated with infinite response time") {
  QueueMetrics q = mmc_queue(10.0, 1.0, 10);
  CHECK(q.saturated);
  CHECK(std::isinf(q.mean_response_s));
  CHECK(q.utilization == doctest::Approx(1.0));
  QueueMetrics none = mmc_queue(1.0, 1.0, 0);
  CHECK(none.saturated);
  CHECK(std::isinf(none.mean_response_s));
}

namespace {
ServiceParams chat_like() {
  return ServiceParams{.cpu_per_request = 12.0,
                       .cpu_baseline_milli = 10,
                       .memory_baseline = 100LL << 20,
                       .memory_per_inflight = 1LL << 20,
                       .concurrency = 8,
                       .service_time = SimDuration(50),
                       .timeout = SimDuration(30'000)};
}
}  // namespace

TEST_CASE("Pod CPU is the baseline plus its share of requests times their cost") {
  // 60 rps over 3 pods, 12 millicore-seconds each: 10 + 20 x 12 = 250m.
  PodUsage u = pod_usage(chat_like(), 60.0, 3, 500);
  CHECK(u.cpu_demand_milli == 250);
  CHECK(u.cpu_usage_milli == 250);
  CHECK_FALSE(u.throttled);
  CHECK_FALSE(u.queue.saturated);
  // c = 24 slots, mu = 20/s: rho = 60 / 480.
  CHECK(u.queue.utilization == doctest::Approx(0.125));
}

TEST_CASE("Pod CPU above the limit is capped and recorded as throttled") {
  // 150 rps over 3 pods: 10 + 50 x 12 = 610m demanded, 500m allowed.
  PodUsage u = pod_usage(chat_like(), 150.0, 3, 500);
  CHECK(u.cpu_demand_milli == 610);
  CHECK(u.cpu_usage_milli == 500);
  CHECK(u.throttled);
  // It cannot keep up: 600m of request work in 490m of room.
  CHECK(u.queue.saturated);
  CHECK(std::isinf(u.queue.mean_response_s));
  CHECK(u.queue.utilization == doctest::Approx(600.0 / 490.0));
  // Without a limit nothing is capped.
  PodUsage unlimited = pod_usage(chat_like(), 150.0, 3, 0);
  CHECK(unlimited.cpu_usage_milli == 610);
  CHECK_FALSE(unlimited.throttled);
}

TEST_CASE("Pod memory follows Little's law for requests in flight") {
  // 60 rps over 3 pods: 20 rps per pod; response time ~ 50 ms (rho 0.125, almost
  // no waiting): ~1 request in flight per pod -> ~1 MiB above the baseline.
  PodUsage u = pod_usage(chat_like(), 60.0, 3, 500);
  CHECK(u.inflight == doctest::Approx(20.0 * u.queue.mean_response_s));
  CHECK(u.inflight == doctest::Approx(1.0).epsilon(0.01));
  CHECK(u.memory == (100LL << 20) + std::llround(static_cast<double>(1LL << 20) * u.inflight));
  // Saturated: in flight is bounded by the client timeout (30 s): 50 rps x 30 s.
  PodUsage sat = pod_usage(chat_like(), 150.0, 3, 500);
  CHECK(sat.inflight == doctest::Approx(1500.0));
  CHECK(sat.memory == (100LL << 20) + 1500LL * (1LL << 20));
}

TEST_CASE("A Service without Ready pods uses nothing and cannot answer") {
  PodUsage u = pod_usage(chat_like(), 5.0, 0, 500);
  CHECK(u.cpu_usage_milli == 0);
  CHECK(u.memory == 0);
  CHECK(u.queue.saturated);
  CHECK(std::isinf(u.queue.mean_response_s));
}

TEST_CASE("mmc_queue: many idle servers skip Erlang C and give the same response time") {
  // 2,240 servers (140 pods x 16) offered 784 erlangs: Erlang C is below 1e-300, so the
  // mean response is 1 / mu to the last bit, with or without the wait.
  const double lambda = 39'200, mu = 50;
  QueueMetrics q = mmc_queue(lambda, mu, 2240);
  CHECK(q.mean_response_s == 1 / mu);
  CHECK(q.wait_probability == 0);
  const double exact = erlang_c(2240, lambda / mu) / (2240 * mu - lambda) + 1 / mu;
  CHECK(exact == q.mean_response_s);
  // Near the servers' capacity the recursion runs: a wait that matters is kept.
  QueueMetrics busy = mmc_queue(2200 * mu, mu, 2240);
  CHECK(busy.wait_probability > 0);
  CHECK(busy.mean_response_s > 1 / mu);
  // Every (c, a) on a grid: the shortcut never changes the response time.
  for (int64_t c : {1, 2, 5, 16, 40, 100, 400, 1000, 3000}) {
    for (double rho : {0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99}) {
      const double l = rho * static_cast<double>(c) * mu;
      const double full = erlang_c(c, l / mu) / (static_cast<double>(c) * mu - l) + 1 / mu;
      CHECK(mmc_queue(l, mu, c).mean_response_s == full);
    }
  }
}
