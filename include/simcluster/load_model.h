// The load model: how many users there are at time t, which Services their
// requests reach, how those Services call each other, and what that costs each
// Ready pod in CPU, memory and latency.
//
// Pieces, each a pure function of its inputs (same inputs, same outputs, no
// clock, no randomness, no globals):
//  * UsersProfile / users_at(): concurrent users over simulated time (constant,
//    steps, linear ramps, a diurnal curve, a replayed trace, plus spikes), then
//    the scenario timeline's load changes.
//  * build_service_graph(): the Service call graph, from the manifests (Ingress
//    paths -> backend Services; Service selectors -> workloads; Service names
//    referenced in env, ConfigMaps and args -> call edges) and the scenario's
//    explicit fan-outs. Throws InputError for references that cannot be meant.
//  * solve_traffic(): the traffic equations lambda = gamma + P^T lambda, i.e.
//    (I - P^T) lambda = gamma, where P[i][j] is the calls service i makes to
//    service j per request it serves. Loops are fine while their gain is below
//    1; a loop whose gain is >= 1 has no finite solution and is an InputError
//    that names it.
//  * erlang_c() / mmc_queue(): the M/M/c queue a Service's Ready pods form.
//  * LoadModel: the LoadSource the simulation engine queries at each metrics
//    sample (lambda per Service, per-pod CPU and memory, latency).
//
// Units: rates are requests per second (double: a rate is a model output, not a
// resource); CPU results are integer millicores, memory results integer bytes,
// rounded to nearest once, at the end.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/load_source.h"
#include "simcluster/objects.h"
#include "simcluster/time.h"

namespace simcluster {

// ---------------------------------------------------------------- users over time

// One (time, users) point of a steps, ramp or trace profile.
struct ProfilePoint {
  SimDuration at{0};
  double users = 0;
  friend bool operator==(const ProfilePoint&, const ProfilePoint&) = default;
};

// A 24-hour cosine between min and max, highest at peak_hour:
//   users(h) = min + (max - min) * (1 + cos(2 pi (h - peak_hour) / 24)) / 2
// where h = (start_hour + t / 1 h) mod 24 is the hour of day at simulated time t.
// Example: min 100, max 10,000, peak 14, start 0: t = 14 h -> 10,000;
// t = 2 h -> 100; t = 8 h and t = 20 h -> 5,050 (half way).
struct DiurnalCurve {
  double min_users = 0;
  double max_users = 0;
  double peak_hour = 14;  // [0, 24)
  double start_hour = 0;  // hour of day at t = 0, [0, 24)
};

// Extra users on top of the base shape: 0 before `at`, rising linearly to
// `users` over `rise`, held, falling linearly over `rise` to 0 at at + duration.
// Example: at 10m, duration 6m, rise 1m, users 3,000: +1,500 at 10m30s, +3,000
// from 11m to 15m, +1,500 at 15m30s, 0 from 16m. REQUIRES: 2 * rise <= duration.
struct Spike {
  SimDuration at{0};
  SimDuration duration{0};
  SimDuration rise{0};
  double users = 0;
  SourceLocation source;
};

enum class ProfileShape { kConstant, kSteps, kRamp, kDiurnal, kTrace };

// Concurrent users over time: one base shape plus spikes.
//  * kConstant: `constant` users.
//  * kSteps: each point's users hold from its `at` until the next point.
//  * kRamp, kTrace: linear interpolation between consecutive points.
// For steps, ramps and traces: before the first point the first point's value,
// after the last the last point's value. Points are sorted by `at`, strictly
// increasing (the scenario loader guarantees it).
struct UsersProfile {
  ProfileShape shape = ProfileShape::kConstant;
  double constant = 0;
  std::vector<ProfilePoint> points;
  DiurnalCurve diurnal;
  std::vector<Spike> spikes;
  std::string trace_file;  // kTrace: the file the points came from (for the report)
  SourceLocation source;
};

// A timeline load change. From `at` on (until a later change): with `users`,
// that many users regardless of the profile; with `scale`, the profile times
// `scale`. The latest change at or before t wins; before the first, the profile.
// Example: profile constant 5,000; change at 10m scale 2; change at 20m users 100;
// change at 30m scale 1: 5,000 -> 10,000 at 10m -> 100 at 20m -> 5,000 at 30m.
struct LoadChange {
  SimDuration at{0};
  std::optional<double> scale;
  std::optional<double> users;
  SourceLocation source;
};

// The profile's users at t (>= 0), before load changes.
double profile_users(const UsersProfile& profile, SimTime t);
// profile_users() after `changes` (sorted by `at`; stable order for equal times,
// the later one in the list wins). Never negative.
double users_at(const UsersProfile& profile, std::span<const LoadChange> changes, SimTime t);

// The moment a rise of users_at() that a metrics scrape at `to` sees (the one
// before was at `from`) began: the latest breakpoint b in [from, to) -- a
// profile point, a spike's corners, a timeline load change, a diurnal trough
// or peak -- at which the users step up (users(b) > users(b - 1 ms)) or start
// to climb (users(next breakpoint or to) > users(b)), from a level no higher
// than at `from`. Between breakpoints every piece is monotone, so this is
// exact for steps, ramps, traces and spikes. nullopt when there is none: the
// rise was already under way at `from` (a diurnal curve or a gentle ramp,
// too slow to count at the earlier scrapes). Example: steps 100 at 0 and
// 1,000 at 2m07s, scrapes at 2m and 3m: 2m07s.
std::optional<SimTime> load_rise_start(const UsersProfile& profile,
                                       std::span<const LoadChange> changes, SimTime from,
                                       SimTime to);

// ---------------------------------------------------------------- the scenario's load section

// Requests per user per second sent to an Ingress path ("/api/chat") or
// directly to a Service ("chat-service" or "production/chat-service").
struct RouteRate {
  std::string route;
  double rps_per_user = 0;
  SourceLocation source;
};

// An explicit fan-out: each request served makes `calls_per_request` calls to
// `service` ("name" in the caller's namespace, or "ns/name"). It replaces a
// discovered edge to the same Service; 0 removes that edge.
struct ServiceCallSpec {
  std::string service;
  double calls_per_request = 1;
  SourceLocation source;
};

// How one Service behaves, as the scenario writes it. Unset fields take the
// ServiceDefaults.
struct ServiceCost {
  std::string service;  // "name" or "ns/name", as written
  // CPU time one request costs, in millicore-seconds (12 = 12 ms of one core).
  std::optional<double> cpu_per_request;
  std::optional<int64_t> cpu_baseline_milli;   // per pod, with no traffic
  std::optional<int64_t> memory_baseline;      // bytes per pod
  std::optional<int64_t> memory_per_inflight;  // bytes per request in flight
  std::vector<ServiceCallSpec> calls;
  std::optional<int32_t> concurrency;       // requests one pod serves at once
  std::optional<SimDuration> service_time;  // mean time one request holds a slot
  std::optional<SimDuration> timeout;       // clients give up after this
  SourceLocation source;
};

// Defaults for every Service the scenario does not describe. Each value is a
// stated assumption (scenarios/README.md, "Load model defaults").
// The baselines (cpu_baseline_milli, memory_baseline, idle_cpu_milli) are
// optional: unset, each pod's baseline is derived from its own containers'
// requests (derived_baseline()), so that a small pod (20Mi, 2m) is not
// OOM-killed or throttled by a default larger than the pod itself.
struct ServiceDefaults {
  double cpu_per_request = 1.0;               // 1 ms of CPU per request
  std::optional<int64_t> cpu_baseline_milli;  // an idle process; unset: derived
  std::optional<int64_t> memory_baseline;     // bytes; unset: derived
  int64_t memory_per_inflight = 64LL << 10;   // 64 KiB
  int32_t concurrency = 16;
  SimDuration service_time{20};  // 20 ms
  // nginx ingress' default proxy-read-timeout (60 s): in-flight requests of a
  // saturated Service are counted for at most this long (Little's law bound).
  SimDuration timeout{60'000};
  // Calls per request on an edge discovered from a Service name in env,
  // ConfigMaps or args ("POSTGRES_HOST: postgres-service").
  double calls_per_reference = 1.0;
  // CPU of a pod that no modelled Service selects; unset: derived.
  std::optional<int64_t> idle_cpu_milli;
};

// ---------------------------------------------------------------- derived baselines

// The most a derived baseline assumes, and what a container with neither a
// request nor a limit gets: an idle process (5m of CPU, 64 MiB).
inline constexpr int64_t kMaxDerivedCpuBaselineMilli = 5;
inline constexpr int64_t kMaxDerivedMemoryBaseline = 64LL << 20;

// Idle usage of one pod, when the scenario sets no baseline.
struct Baseline {
  int64_t cpu_milli = 0;
  int64_t memory = 0;  // bytes
  friend bool operator==(const Baseline&, const Baseline&) = default;
};

// The baseline derived from a pod's own containers (app containers and
// sidecars, i.e. init containers with restartPolicy Always), summed over them.
// Per container:
//   memory = min(64Mi, memory request / 2)   (limit / 2 without a request; 64Mi with neither)
//   cpu    = min(5m, cpu request / 10)        (limit / 10 without a request; 5m with neither),
//            rounded to the nearest millicore
// and never above the container's limit. Requests are sized from observed use
// plus headroom, so the idle process is taken as a fraction of them; the caps
// are the former fixed defaults, so pods large enough for those keep them.
// Example: requests 2m / 20Mi, limit 20Mi -> 0m (0.2 rounds to 0) and 10Mi;
// requests 300m / 384Mi -> 5m and 64Mi.
Baseline derived_baseline(const PodSpec& spec);

struct LoadSpec {
  UsersProfile users;
  std::vector<LoadChange> changes;  // sorted by `at`
  std::vector<RouteRate> routes;
  std::vector<ServiceCost> services;
  ServiceDefaults defaults;
  // Namespaces whose Services are modelled; empty = all.
  std::vector<std::string> namespaces;
};

// ---------------------------------------------------------------- the call graph

// A Service's model with every default applied.
struct ServiceParams {
  double cpu_per_request = 0;  // millicore-seconds
  int64_t cpu_baseline_milli = 0;
  int64_t memory_baseline = 0;
  int64_t memory_per_inflight = 0;
  int32_t concurrency = 1;
  SimDuration service_time{0};
  SimDuration timeout{0};
};

struct ServiceNode {
  std::string ns, name;
  std::vector<std::string> workloads;  // "Deployment/chat-service", sorted
  double entry_rps_per_user = 0;       // gamma / users
  ServiceParams params;
  // Whether params' baselines were derived from the selected pods' requests
  // (derived_baseline(), the smallest over the Service's workloads) because
  // neither services.<name> nor serviceDefaults set them.
  bool cpu_baseline_derived = false;
  bool memory_baseline_derived = false;
  SourceLocation source;  // the Service manifest
};

struct CallEdge {
  size_t from = 0, to = 0;  // indices into ServiceGraph::services
  double calls_per_request = 0;
  // Why the edge exists: "env POSTGRES_HOST of Deployment/production/chat-service",
  // "ConfigMap production/app-config key POSTGRES_HOST", "scenario".
  std::string origin;
  SourceLocation source;
};

// Something the report should say about the load model's inputs:
//  * LoadModelBaselineDerived: which Services' baselines were derived from
//    their pods' requests, with the values.
//  * LoadModelBaselineExceedsRequest: a baseline the scenario sets is above a
//    selected pod's request or limit (it is kept: the pod then runs above its
//    request at idle, or is throttled / OOM-killed by the baseline alone).
struct LoadModelNote {
  std::string code;
  std::string message;
  friend bool operator==(const LoadModelNote&, const LoadModelNote&) = default;
};

// Services sorted by (ns, name); edges sorted by (from, to), at most one per pair.
struct ServiceGraph {
  std::vector<ServiceNode> services;
  std::vector<CallEdge> edges;
  std::vector<LoadModelNote> notes;  // in Service order

  // Index of ns/name, or nullopt.
  std::optional<size_t> find(std::string_view ns, std::string_view name) const;
};

// Builds the graph and checks that every route, service and call named by
// `spec` exists (InputError at the place it was written, with "did you mean").
// Also runs check_traffic_stability().
ServiceGraph build_service_graph(const Manifests& manifests, const LoadSpec& spec);

// Throws InputError naming a loop of the call graph whose gain (the spectral
// radius of its calls matrix; for a simple loop the product of its calls per
// request) is >= 1, e.g.
//   "call loop a -> b -> a has gain 1.20 (>= 1): traffic through it grows without bound".
void check_traffic_stability(const ServiceGraph& graph);

enum class TrafficSolver { kAuto, kDense, kSparse };

// Solves (I - P^T) lambda = gamma for the graph's edges. gamma.size() must equal
// the number of services. Example: chain gateway -> api (2 calls) -> db (3 calls),
// gamma = (10, 0, 0): lambda = (10, 20, 60). With a loop a -> b (1 call),
// b -> a (0.5): gamma_a = 10 gives lambda_a = 20, lambda_b = 20.
// kAuto: dense LU below 100 services, sparse LU above (bench/traffic_bench.cpp).
// REQUIRES: check_traffic_stability(graph) passed.
std::vector<double> solve_traffic(const ServiceGraph& graph, std::span<const double> gamma,
                                  TrafficSolver solver = TrafficSolver::kAuto);

// ---------------------------------------------------------------- queueing

// Erlang C: the probability that an arrival waits, for c servers and offered
// load a = lambda / mu (erlangs). 1 when a >= c. Computed with the Erlang B
// recursion B(k) = a B(k-1) / (k + a B(k-1)), C = c B / (c - a (1 - B)).
// Example: c = 2, a = 1 -> 1/3; c = 10, a = 8 -> 0.409.
double erlang_c(int64_t c, double a);

struct QueueMetrics {
  double utilization = 0;  // rho = lambda / (c mu)
  // Erlang C, and Wq = C / (c mu - lambda). Both 0 when a bound shows Wq below 2^-60 of
  // 1 / mu: then W is 1 / mu to the last bit anyway, and the O(c) recursion is skipped.
  double wait_probability = 0;
  double mean_wait_s = 0;
  double mean_response_s = 0;  // W = Wq + 1 / mu; +inf when saturated
  bool saturated = false;      // rho >= 1 (or c == 0 with traffic)
};

// The M/M/c queue. Example: lambda 8/s, mu 1/s, c 10: rho 0.8, C 0.409,
// Wq 0.2045 s, W 1.2045 s. lambda 0: W = 1 / mu, nothing waits.
QueueMetrics mmc_queue(double lambda, double mu, int64_t c);

// ---------------------------------------------------------------- per-pod usage

// What one Ready pod of a Service uses at arrival rate `lambda` shared by `ready` pods.
//   cpu demand = baseline + (lambda / ready) x cpu_per_request      (millicores)
//   cpu usage  = min(demand, cpu_limit) when cpu_limit > 0          (the rest is throttled)
//   in flight  = (lambda / ready) x min(response time, timeout)     (Little's law)
//   memory     = memory_baseline + memory_per_inflight x in flight  (bytes; no cap:
//                a pod above its memory limit is OOM-killed by the engine)
// A pod that is CPU-throttled below what its requests need (demand > limit) cannot
// keep up: the Service is saturated (response time +inf) whatever its queue says.
// Example: baseline 10m, 12 millicore-s per request, 150 rps over 3 pods, limit 500m:
// demand 10 + 50 x 12 = 610m, usage 500m, throttled, saturated.
struct PodUsage {
  int64_t cpu_demand_milli = 0;
  int64_t cpu_usage_milli = 0;
  bool throttled = false;
  double inflight = 0;
  int64_t memory = 0;
  QueueMetrics queue;
};
PodUsage pod_usage(const ServiceParams& params, double lambda, int32_t ready_pods,
                   int64_t cpu_limit_milli);

// ---------------------------------------------------------------- the LoadSource

// The LoadSource the engine queries. Built once per run: it builds the graph and
// solves the traffic equations for one user (the system is linear, so lambda(t) =
// users(t) x lambda_1), and evaluate() is O(services + edges).
// latency_ms in ServiceLoad is end to end: the Service's own M/M/c response time
// plus, for each call it makes, calls x the callee's latency (solved as
// (I - P) R = W); +inf when it or anything it calls is saturated or has no Ready pod.
// Movable, not copyable.
class LoadModel final : public LoadSource {
 public:
  // Throws InputError (see build_service_graph).
  LoadModel(const Manifests& manifests, LoadSpec spec);
  ~LoadModel() override;
  LoadModel(LoadModel&&) noexcept;
  LoadModel& operator=(LoadModel&&) noexcept;
  LoadModel(const LoadModel&) = delete;
  LoadModel& operator=(const LoadModel&) = delete;

  double users(SimTime t) const override;
  std::vector<std::pair<std::string, std::string>> services() const override;
  void evaluate(SimTime t, std::span<const ServiceReadiness> in,
                std::span<ServiceLoad> out) const override;
  std::optional<int64_t> idle_cpu_milli() const override;
  SimTime rise_start(SimTime from, SimTime to) const override;
  std::vector<std::pair<std::string, std::string>> notes() const override;

  const ServiceGraph& graph() const;
  // lambda of every Service for one user (graph order).
  const std::vector<double>& rates_per_user() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------- calibration

// A least-squares fit of cpu = baseline + cost x rate.
struct CpuFit {
  double baseline_milli = 0;  // intercept, millicores
  double cost = 0;            // slope, millicore-seconds per request
  double r_squared = 0;       // 1 - SS_res / SS_tot (1 when SS_tot is 0 and the fit is exact)
  double rmse_milli = 0;      // sqrt(SS_res / n)
  size_t n = 0;
};

// Fits the samples (rate[i], cpu_milli[i]). REQUIRES: equal sizes. Throws
// InputError (at `where`) with fewer than 2 samples or when every rate is equal
// (the slope is then undetermined). Example: rates 0, 10, 20 with cpu 50, 170,
// 290 -> baseline 50m, cost 12, R^2 1.
CpuFit fit_cpu_model(std::span<const double> rate, std::span<const double> cpu_milli,
                     const SourceLocation& where = {});

}  // namespace simcluster
