// The M/M/c queue a Service's Ready pods form, and what one pod uses
// (load_model.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include "simcluster/load_model.h"

namespace simcluster {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

double erlang_c(int64_t c, double a) {
  if (!(a > 0)) return 0;
  if (c <= 0 || a >= static_cast<double>(c)) return 1;
  // Erlang B by recursion (stable for any c; no factorials).
  double b = 1;
  for (int64_t k = 1; k <= c; ++k) b = a * b / (static_cast<double>(k) + a * b);
  const double cd = static_cast<double>(c);
  return cd * b / (cd - a * (1 - b));
}

QueueMetrics mmc_queue(double lambda, double mu, int64_t c) {
  QueueMetrics q;
  if (!(lambda > 0)) {
    q.mean_response_s = c > 0 ? 1 / mu : kInf;
    q.saturated = c <= 0;
    return q;
  }
  if (c <= 0) {
    q.utilization = kInf;
    q.wait_probability = 1;
    q.mean_wait_s = q.mean_response_s = kInf;
    q.saturated = true;
    return q;
  }
  const double capacity = static_cast<double>(c) * mu;
  q.utilization = lambda / capacity;
  if (q.utilization >= 1) {
    q.wait_probability = 1;
    q.mean_wait_s = q.mean_response_s = kInf;
    q.saturated = true;
    return q;
  }
  // Many servers for the offered load a = lambda / mu: Erlang B is the Poisson(a)
  // probability of c given at most c, and c >= a + 1 is above the Poisson median
  // (between a - ln 2 and a + 1/3), so B <= 2 pmf(c; a) and C <= B / (1 - rho). When
  // that bound makes the mean wait C / (c mu - lambda) smaller than 2^-60 of the
  // service time 1 / mu, adding it cannot change the mean response time (half an ulp
  // of 1 / mu is at least 2^-54 of it): skip the O(c) recursion, which for thousands of
  // servers per Service and a scrape every 15 s was the load model's main cost.
  const double a = lambda / mu;
  const double cd = static_cast<double>(c);
  if (cd >= a + 1) {
    const double log_bound = std::log(2.0) + cd * std::log(a) - a - std::lgamma(cd + 1) -
                             std::log1p(-q.utilization) - std::log(capacity - lambda);
    if (log_bound < std::log(0x1p-60 / mu)) {
      q.wait_probability = 0;
      q.mean_wait_s = 0;
      q.mean_response_s = 1 / mu;
      return q;
    }
  }
  q.wait_probability = erlang_c(c, a);
  q.mean_wait_s = q.wait_probability / (capacity - lambda);
  q.mean_response_s = q.mean_wait_s + 1 / mu;
  return q;
}

PodUsage pod_usage(const ServiceParams& params, double lambda, int32_t ready_pods,
                   int64_t cpu_limit_milli) {
  PodUsage u;
  if (ready_pods <= 0) {
    u.queue = mmc_queue(lambda, 1, 0);
    u.queue.saturated = true;  // no Ready pod: nothing answers
    u.queue.mean_response_s = kInf;
    return u;
  }
  const double per_pod = lambda / ready_pods;
  const double request_cpu = per_pod * params.cpu_per_request;  // millicores
  const double demand = static_cast<double>(params.cpu_baseline_milli) + request_cpu;
  u.cpu_demand_milli = std::llround(demand);
  u.cpu_usage_milli = u.cpu_demand_milli;
  if (cpu_limit_milli > 0 && u.cpu_demand_milli > cpu_limit_milli) {
    u.cpu_usage_milli = cpu_limit_milli;
    u.throttled = true;
  }
  const double mu = 1000.0 / static_cast<double>(params.service_time.count());
  u.queue = mmc_queue(lambda, mu, static_cast<int64_t>(ready_pods) * params.concurrency);
  if (u.throttled) {
    // The CFS quota leaves (limit - baseline) millicores for requests; needing
    // more means the backlog grows without bound.
    const double room = static_cast<double>(cpu_limit_milli - params.cpu_baseline_milli);
    const double cpu_rho = room > 0 ? request_cpu / room : kInf;
    u.queue.utilization = std::max(u.queue.utilization, cpu_rho);
    u.queue.saturated = true;
    u.queue.wait_probability = 1;
    u.queue.mean_wait_s = u.queue.mean_response_s = kInf;
  }
  const double timeout_s = static_cast<double>(params.timeout.count()) / 1000.0;
  u.inflight = per_pod * std::min(u.queue.mean_response_s, timeout_s);
  u.memory = params.memory_baseline +
             std::llround(static_cast<double>(params.memory_per_inflight) * u.inflight);
  return u;
}

}  // namespace simcluster
