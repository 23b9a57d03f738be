// Tests for the HPA replica calculator, ported (restated, not copied) from the
// tables of k8s pkg/controller/podautoscaler/replica_calculator_test.go:
// TestReplicaCalcResourceScale, TestReplicaCalcResourceTolerance,
// TestReplicaCalcResourceMissingMetrics, TestReplicaCalcComputedToleranceAlg...,
// TestReplicaCalcPodMetric, TestReplicaCalcObject[PerPod]Metric,
// TestReplicaCalcExternal[PerPod]Metric, TestGroupPods, TestCalculateRequests,
// TestGetPerPodUsage. Expected numbers are upstream's.
#include <doctest/doctest.h>

#include <limits>

// The tables below name only the fixture fields a case sets (designated
// initializers; the rest keep their defaults, as upstream's Go literals do).
// GCC 12 still reports those omitted fields under -Wextra, so the warning is
// silenced for this file only.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "hpa/hpa_fixtures.h"
#include "hpa/replica_calculator.h"

namespace simcluster {
namespace {

using namespace hpa_test;
using hpa_internal::PodMetric;
using hpa_internal::PodMetricsInfo;

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr int32_t kMaxInt32 = std::numeric_limits<int32_t>::max();

struct ResourceCase {
  const char* name;
  CalcScenario s;
  std::string container;
  int32_t target = 0;
  int32_t replicas = 0;
  int32_t utilization = 0;
  int64_t raw = 0;
  std::string error;  // substring; empty = success expected
  HPATolerances tolerances{0.1, 0.1};
};

void run_resource_cases(const std::vector<ResourceCase>& cases) {
  const HPAConfig cfg = upstream_test_config();
  for (const auto& tc : cases) {
    SUBCASE(tc.name) {
      const auto pods = build_pods(tc.s);
      const HPAReplicaCalculation r = get_resource_replicas(
          tc.s.current_replicas, tc.target, "cpu", tc.container, tc.tolerances, pods, kNow, cfg);
      if (!tc.error.empty()) {
        REQUIRE_FALSE(r.ok);
        CHECK(r.error.find(tc.error) != std::string::npos);
        continue;
      }
      REQUIRE_MESSAGE(r.ok, r.error);
      CHECK(r.replicas == tc.replicas);
      CHECK(r.utilization == tc.utilization);
      CHECK(r.usage_milli == tc.raw);
    }
  }
}

const std::vector<int64_t> k3x1000{1000, 1000, 1000};

TEST_CASE("Resource utilization proposals follow upstream's scale tables") {
  using P = PodPhase;
  const auto R = P::kRunning;
  std::vector<ResourceCase> cases{
      {"scale up",
       {.current_replicas = 3, .requests_milli = k3x1000, .levels = pod_levels({300, 500, 700})},
       "",
       30,
       5,
       50,
       1000},
      {"scale up: container metric",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = {{1000, 300}, {1000, 500}, {1000, 700}}},
       "container2",
       30,
       5,
       50,
       500},
      {"scale up: unready pod scales less",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = pod_levels({300, 500, 700}),
        .ready = {false, true, true}},
       "",
       30,
       4,
       60,
       1200},
      {"scale up: hot-CPU container scales less",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = {{0, 300}, {0, 500}, {0, 700}},
        .start_times = {hot_start(), cool_start(), cool_start()}},
       "container2",
       30,
       4,
       60,
       600},
      {"scale up: hot-CPU pod scales less",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = pod_levels({300, 500, 700}),
        .start_times = {hot_start(), cool_start(), cool_start()}},
       "",
       30,
       4,
       60,
       1200},
      {"no scale: unready pods ignored",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = pod_levels({400, 500, 700}),
        .ready = {true, false, false}},
       "",
       30,
       3,
       40,
       800},
      {"no scale: hot-CPU pods ignored",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = pod_levels({400, 500, 700}),
        .ready = {true, false, false},
        .start_times = {cool_start(), hot_start(), hot_start()}},
       "",
       30,
       3,
       40,
       800},
      {"scale up: failed pods ignored",
       {.current_replicas = 2,
        .requests_milli = {1000, 1000, 1000, 1000},
        .levels = pod_levels({500, 700}),
        .ready = {true, true, false, false},
        .phases = {R, R, P::kFailed, P::kFailed}},
       "",
       30,
       4,
       60,
       1200},
      {"scale up: failed pods ignored with missing container metric",
       {.current_replicas = 2,
        .requests_milli = {1000, 1000, 1000, 1000},
        .levels = {{1000, 500}, {9000, 700}, {1000}, {9000}},
        .ready = {true, true, false, false},
        .phases = {R, R, P::kFailed, P::kFailed}},
       "container2",
       30,
       4,
       60,
       600},
      {"scale up: container metrics with failed pods ignored",
       {.current_replicas = 2,
        .requests_milli = {1000, 1000, 1000, 1000},
        .levels = {{1000, 500}, {9000, 700}},
        .ready = {true, true, false, false},
        .phases = {R, R, P::kFailed, P::kFailed}},
       "container2",
       30,
       4,
       60,
       600},
      // Succeeded is not special (groupPods ignores only Failed and deleted pods): two
      // Succeeded pods without samples are missing, filled with 0 on a scale-up, and the
      // ratio falls back to 1.0: no change.
      {"scale up: succeeded pods are missing, not ignored",
       {.current_replicas = 2,
        .requests_milli = {1000, 1000, 1000, 1000},
        .levels = pod_levels({500, 700}),
        .ready = {true, true, false, false},
        .phases = {R, R, P::kSucceeded, P::kSucceeded}},
       "",
       30,
       2,
       60,
       1200},
      {"scale up: container metric with succeeded pods missing, not ignored",
       {.current_replicas = 2,
        .requests_milli = {1000, 1000, 1000, 1000},
        .levels = {{1000, 500}, {9000, 700}},
        .ready = {true, true, false, false},
        .phases = {R, R, P::kSucceeded, P::kSucceeded}},
       "container2",
       30,
       2,
       60,
       600},
      {"scale up: pods being deleted are ignored",
       {.current_replicas = 2,
        .requests_milli = {1000, 1000, 1000, 1000},
        .levels = pod_levels({500, 700}),
        .ready = {true, true, false, false},
        .phases = {R, R, R, R},
        .deleting = {false, false, true, true}},
       "",
       30,
       4,
       60,
       1200},
      {"scale up: container metrics with pods being deleted ignored",
       {.current_replicas = 2,
        .requests_milli = {1000, 1000, 1000, 1000},
        .levels = pod_levels({500, 700}),
        .ready = {true, true, false, false},
        .phases = {R, R, R, R},
        .deleting = {false, false, true, true}},
       "container1",
       30,
       4,
       60,
       600},
      {"scale down",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000},
        .levels = pod_levels({100, 300, 500, 250, 250})},
       "",
       50,
       3,
       28,
       560},
      {"scale down: container metric",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000},
        .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}}},
       "container2",
       50,
       3,
       28,
       280},
      {"scale down: exclude unready pods",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000},
        .levels = pod_levels({100, 300, 500, 250, 250}),
        .ready = {true, true, true, false, false}},
       "",
       50,
       2,
       30,
       600},
      {"scale down: container metric excludes unready pods",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000},
        .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}},
        .ready = {true, true, true, false, false}},
       "container2",
       50,
       2,
       30,
       300},
      {"scale down: exclude unscheduled pods",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000},
        .levels = pod_levels({100}),
        .ready = {true, false, false, false, false},
        .phases = {R, P::kPending, P::kPending, P::kPending, P::kPending}},
       "",
       50,
       1,
       10,
       200},
      {"scale down: container metric excludes unscheduled pods",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000},
        .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}},
        .ready = {true, false, false, false, false},
        .phases = {R, P::kPending, P::kPending, P::kPending, P::kPending}},
       "container2",
       50,
       1,
       10,
       100},
      {"scale down: ignore hot-CPU pods",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000},
        .levels = pod_levels({100, 300, 500, 250, 250}),
        .start_times = {cool_start(), cool_start(), cool_start(), hot_start(), hot_start()}},
       "",
       50,
       2,
       30,
       600},
      {"scale down: container metric ignores hot-CPU pods",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000},
        .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 1000}, {1000, 1000}},
        .start_times = {cool_start(), cool_start(), cool_start(), hot_start(), hot_start()}},
       "container2",
       50,
       2,
       30,
       300},
      {"scale down: failed pods ignored",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000, 1000, 1000},
        .levels = pod_levels({100, 300, 500, 250, 250}),
        .ready = {true, true, true, true, true, false, false},
        .phases = {R, R, R, R, R, P::kFailed, P::kFailed}},
       "",
       50,
       3,
       28,
       560},
      // Missing on a scale-down: filled with 100% of their requests, (1400 + 2000) / 7000
      // = 48% is within tolerance of 50%: no change.
      {"scale down: succeeded pods are missing, not ignored",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000, 1000, 1000},
        .levels = pod_levels({100, 300, 500, 250, 250}),
        .ready = {true, true, true, true, true, false, false},
        .phases = {R, R, R, R, R, P::kSucceeded, P::kSucceeded}},
       "",
       50,
       5,
       28,
       560},
      {"scale down: pods being deleted are ignored",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000, 1000, 1000},
        .levels = pod_levels({100, 300, 500, 250, 250}),
        .ready = {true, true, true, true, true, false, false},
        .phases = {R, R, R, R, R, R, R},
        .deleting = {false, false, false, false, false, true, true}},
       "",
       50,
       3,
       28,
       560},
      {"scale down: still-running pods being deleted are ignored (#83561)",
       {.current_replicas = 5,
        .requests_milli = {1000, 1000, 1000, 1000, 1000, 1000, 1000},
        .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}},
        .ready = {true, true, true, true, true, false, false},
        .phases = {R, R, R, R, R, R, R},
        .deleting = {false, false, false, false, false, true, true}},
       "container2",
       50,
       3,
       28,
       280},
  };
  run_resource_cases(cases);
}

TEST_CASE("Resource utilization honours the default and per-direction tolerances") {
  const std::vector<int64_t> mixed{900, 1000, 1100};
  std::vector<ResourceCase> cases{
      {"within default tolerance",
       {.current_replicas = 3, .requests_milli = mixed, .levels = pod_levels({1010, 1030, 1020})},
       "",
       100,
       3,
       102,
       2040},
      {"outside 0% tolerance",
       {.current_replicas = 3, .requests_milli = mixed, .levels = pod_levels({909, 1010, 1111})},
       "",
       100,
       4,
       101,
       2020,
       "",
       {0.0, 0.0}},
      {"within 200% scale-up tolerance",
       {.current_replicas = 3, .requests_milli = mixed, .levels = pod_levels({1890, 1910, 1900})},
       "",
       100,
       3,
       190,
       3800,
       "",
       {0.1, 2.0}},
      {"outside 8% scale-up tolerance",
       {.current_replicas = 3, .requests_milli = mixed, .levels = pod_levels({1100, 1080, 1090})},
       "",
       100,
       4,
       109,
       2180,
       "",
       {2.0, 0.08}},
      {"within 36% scale-down tolerance",
       {.current_replicas = 3, .requests_milli = mixed, .levels = pod_levels({660, 640, 650})},
       "",
       100,
       3,
       65,
       1300,
       "",
       {0.36, 0.1}},
      {"outside 34% scale-down tolerance",
       {.current_replicas = 3, .requests_milli = mixed, .levels = pod_levels({660, 640, 650})},
       "",
       100,
       2,
       65,
       1300,
       "",
       {0.34, 0.1}},
  };
  run_resource_cases(cases);
}

TEST_CASE("A ratio of exactly 1 +- tolerance is within it: the tolerance bounds are inclusive") {
  // replica_calculator.go: within tolerance iff (1 - down) <= ratio <= (1 + up)
  // (hpa.md 3). 55 / 50 and 45 / 50 are the same doubles as 1 + 0.1 and
  // 1 - 0.1, so a strict comparison at either end would scale. Ten pods of
  // 2 x 1000m, each container using 550m (or 450m): 55% (45%) against 50%.
  const HPAConfig cfg = upstream_test_config();
  struct Case {
    const char* name;
    int64_t level;
    int32_t utilization;
    bool held;
    int32_t replicas;
  };
  // Just outside: 56% -> ceil(1.12 x 10) = 12; 44% -> ceil(0.88 x 10) = 9.
  // At the bounds a strict test would give ceil(1.1 x 10) = 12 (1.1 x 10 is
  // 11.000000000000002) and ceil(0.9 x 10) = 9.
  for (const Case c :
       {Case{"upper bound 55%", 550, 55, true, 10}, Case{"lower bound 45%", 450, 45, true, 10},
        Case{"above the upper bound 56%", 560, 56, false, 12},
        Case{"below the lower bound 44%", 440, 44, false, 9}}) {
    CAPTURE(c.name);
    CalcScenario s;
    s.current_replicas = 10;
    s.requests_milli = std::vector<int64_t>(10, 1000);
    s.levels = pod_levels(std::vector<int64_t>(10, c.level));
    const auto pods = build_pods(s);
    const HPAReplicaCalculation r =
        get_resource_replicas(10, 50, "cpu", "", {0.1, 0.1}, pods, kNow, cfg);
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(r.utilization == c.utilization);
    CHECK(r.held_by_tolerance == c.held);
    CHECK(r.replicas == c.replicas);
  }
  // The comparison itself, both ends, symmetric and per direction.
  const HPATolerances t{0.1, 0.1};
  CHECK(t.is_within(55.0 / 50.0));
  CHECK(t.is_within(45.0 / 50.0));
  CHECK_FALSE(t.is_within(56.0 / 50.0));
  CHECK_FALSE(t.is_within(44.0 / 50.0));
  const HPATolerances asym{0.5, 0.25};  // exact in binary
  CHECK(asym.is_within(0.5));
  CHECK(asym.is_within(1.25));
  CHECK_FALSE(asym.is_within(0.49));
  CHECK_FALSE(asym.is_within(1.26));
}

TEST_CASE("Resource utilization fills in missing and unready pods and vetoes direction flips") {
  const std::vector<int64_t> k4x1000{1000, 1000, 1000, 1000};
  std::vector<ResourceCase> cases{
      {"superfluous metrics counted",
       {.current_replicas = 4,
        .requests_milli = k4x1000,
        .levels = pod_levels({4000, 9500, 3000, 7000, 3200, 2000})},
       "",
       100,
       24,
       587,
       11750},
      {"some pods missing metrics scales down",
       {.current_replicas = 4, .requests_milli = k4x1000, .levels = pod_levels({400, 95})},
       "",
       100,
       3,
       24,
       495},
      {"no change: metric equal to target",
       {.current_replicas = 2, .requests_milli = {1000, 1000}, .levels = pod_levels({1000})},
       "",
       100,
       2,
       100,
       2000},
      {"no change: metric above target",
       {.current_replicas = 2, .requests_milli = {1000, 1000}, .levels = pod_levels({1900})},
       "",
       100,
       2,
       190,
       3800},
      {"no change: metric below target",
       {.current_replicas = 2, .requests_milli = {1000, 1000}, .levels = pod_levels({600})},
       "",
       100,
       2,
       60,
       1200},
      {"no change: unready pod metric missing",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = pod_levels({100, 450}),
        .ready = {false, true, true}},
       "",
       50,
       3,
       45,
       900},
      {"no change: hot-CPU pod metric missing",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = pod_levels({100, 450}),
        .start_times = {hot_start(), cool_start(), cool_start()}},
       "",
       50,
       3,
       45,
       900},
      {"scale up: unready pod metric missing",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = pod_levels({100, 2000}),
        .ready = {false, true, true}},
       "",
       50,
       4,
       200,
       4000},
      {"scale up: hot-CPU pod metric missing",
       {.current_replicas = 3,
        .requests_milli = k3x1000,
        .levels = pod_levels({100, 2000}),
        .ready = {false, true, true},
        .start_times = {hot_start(), cool_start(), cool_start()}},
       "",
       50,
       4,
       200,
       4000},
      {"scale down: unready pod metric missing",
       {.current_replicas = 4,
        .requests_milli = k4x1000,
        .levels = pod_levels({100, 100, 100}),
        .ready = {false, true, true, true}},
       "",
       50,
       3,
       10,
       200},
      {"scale down: target over 100 fills missing pods at the target",
       {.current_replicas = 4,
        .requests_milli = {1000, 1000, 2000, 2000},
        .levels = pod_levels({200, 100, 100}),
        .ready = {false, true, true, true}},
       "",
       300,
       2,
       6,
       200},
      {"rolling update with maxSurge: extra pod missing metric",
       {.current_replicas = 2,
        .requests_milli = k3x1000,
        .levels = pod_levels({100, 100}),
        .phases = {PodPhase::kRunning, PodPhase::kRunning, PodPhase::kRunning}},
       "",
       50,
       2,
       10,
       200},
      {"disjoint pod and metric names",
       {.current_replicas = 1,
        .requests_milli = {1000},
        .levels = pod_levels({100}),
        .metric_pod_names = {"an-older-pod-name"}},
       "",
       100,
       0,
       0,
       0,
       "no metrics returned matched known pods"},
      {"no metrics returned from metrics API",
       {.current_replicas = 4, .requests_milli = k3x1000, .levels = {}},
       "",
       100,
       0,
       0,
       0,
       "unable to get metrics for resource cpu: no metrics returned from resource metrics API"},
      {"missing CPU request on container",
       {.current_replicas = 1, .requests_milli = {}, .levels = pod_levels({200})},
       "",
       100,
       0,
       0,
       0,
       "missing request for cpu in container container1 of Pod test-pod-0"},
  };
  run_resource_cases(cases);
}

TEST_CASE("A utilization just past the tolerance scales, just inside it does not") {
  // TestReplicaCalcComputedToleranceAlgImplementation: 10 pods using 150m per
  // container against ~300m requests (50%); the target is derived so that the
  // ratio lands just outside, then just inside, the 10% tolerance.
  const int32_t start_pods = 10;
  const int64_t total_used = start_pods * 150;
  const int64_t total_requested = 2 * total_used;
  const double requested_to_used = static_cast<double>(total_requested / total_used);
  const int64_t per_pod = total_requested / start_pods;
  CalcScenario s;
  s.current_replicas = start_pods;
  s.requests_milli = {per_pod + 100, per_pod - 100, per_pod + 10, per_pod - 10, per_pod + 2,
                      per_pod - 2,   per_pod + 1,   per_pod - 1,  per_pod,      per_pod};
  s.levels = pod_levels(std::vector<int64_t>(10, total_used / 10));
  const auto pods = build_pods(s);
  const HPAConfig cfg = upstream_test_config();

  double target = 1 / (requested_to_used * (1 - 0.1)) + .01;
  auto percent = static_cast<int32_t>(target * 100);
  const double used_ratio =
      static_cast<double>(total_used) / (static_cast<double>(total_requested) * target);
  const auto final_pods = static_cast<int32_t>(std::ceil(used_ratio * start_pods));
  auto r = get_resource_replicas(start_pods, percent, "cpu", "", {0.1, 0.1}, pods, kNow, cfg);
  REQUIRE(r.ok);
  CHECK(final_pods == 9);
  CHECK(r.replicas == final_pods);
  CHECK(r.utilization == 50);
  CHECK(r.usage_milli == 2 * total_used / 10);

  target = 1 / (requested_to_used * (1 - 0.1)) + .004;
  percent = static_cast<int32_t>(target * 100);
  r = get_resource_replicas(start_pods, percent, "cpu", "", {0.1, 0.1}, pods, kNow, cfg);
  REQUIRE(r.ok);
  CHECK(r.replicas == start_pods);
  CHECK(r.held_by_tolerance);
}

struct MetricCase {
  const char* name;
  CalcScenario s;
  int64_t usage = 0;  // object/external value, or per-pod target
  int64_t target = 0;
  int32_t replicas = 0;
  int64_t expected_usage = 0;
  HPATolerances tolerances{0.1, 0.1};
};

TEST_CASE("Pods metrics average every sample and only Pending pods are unready") {
  const HPAConfig cfg = upstream_test_config();
  const std::vector<MetricCase> cases{
      {"scale up",
       {.current_replicas = 3, .custom_levels = {20000, 10000, 30000}},
       0,
       15000,
       4,
       20000},
      {"scale up: unready hot-CPU pod scales less (readiness is CPU-only)",
       {.current_replicas = 3,
        .ready = {true, true, false},
        .start_times = {cool_start(), cool_start(), hot_start()},
        .custom_levels = {50000, 10000, 30000}},
       0,
       15000,
       6,
       30000},
      {"scale up: unready hot-CPU pods avoid scale-down",
       {.current_replicas = 3,
        .ready = {false, true, false},
        .start_times = {hot_start(), cool_start(), hot_start()},
        .custom_levels = {50000, 15000, 30000}},
       0,
       15000,
       7,
       31666},
      {"scale down",
       {.current_replicas = 5, .custom_levels = {12000, 12000, 12000, 12000, 12000}},
       0,
       20000,
       3,
       12000},
      {"within default tolerance",
       {.current_replicas = 3, .custom_levels = {20000, 21000, 21000}},
       0,
       20000,
       3,
       20666},
      {"outside configurable 1% tolerance",
       {.current_replicas = 3, .custom_levels = {20000, 21000, 21000}},
       0,
       20000,
       4,
       20666,
       {0.1, 0.01}},
      {"no change: missing metrics",
       {.current_replicas = 5, .custom_levels = {20000, 19000, 21000}},
       0,
       20000,
       5,
       20000},
      {"rolling update with maxSurge: extra pod missing metric",
       {.current_replicas = 2,
        .phases = {PodPhase::kRunning, PodPhase::kRunning, PodPhase::kRunning},
        .custom_levels = {10000, 10000}},
       0,
       17000,
       2,
       10000},
  };
  for (const auto& tc : cases) {
    SUBCASE(tc.name) {
      const auto pods = build_pods(tc.s);
      const auto r = get_metric_replicas(tc.s.current_replicas, tc.target, "qps", tc.tolerances,
                                         pods, kNow, cfg);
      REQUIRE_MESSAGE(r.ok, r.error);
      CHECK(r.replicas == tc.replicas);
      CHECK(r.usage_milli == tc.expected_usage);
    }
  }
}

TEST_CASE("Object and External Value targets scale by the Running and Ready pod count") {
  const std::vector<MetricCase> object_cases{
      {"object: scale up", {.current_replicas = 3}, 20000, 15000, 4, 20000},
      {"object: very large metric saturates replicas to MaxInt32",
       {.current_replicas = 3},
       kMaxInt64,
       1,
       kMaxInt32,
       kMaxInt64},
      {"object: scale up ignores unready pods",
       {.current_replicas = 3, .ready = {false, true, false}},
       50000,
       10000,
       5,
       50000},
      {"object: scale down", {.current_replicas = 5}, 12000, 20000, 3, 12000},
      {"object: within default tolerance", {.current_replicas = 3}, 20666, 20000, 3, 20666},
      {"object: outside configurable 1% tolerance",
       {.current_replicas = 3},
       20666,
       20000,
       4,
       20666,
       {0.1, 0.01}},
      {"external: scale down ignores unready pods (would otherwise scale up)",
       {.current_replicas = 3, .ready = {false, true, false}},
       8600,
       4400,
       2,
       8600},
      {"external: scale down", {.current_replicas = 5}, 8600, 14334, 3, 8600},
      {"external: within default tolerance", {.current_replicas = 3}, 8600, 8888, 3, 8600},
      {"external: outside configurable 1% tolerance",
       {.current_replicas = 3},
       8900,
       8800,
       4,
       8900,
       {0.1, 0.01}},
  };
  for (const auto& tc : object_cases) {
    SUBCASE(tc.name) {
      const auto pods = build_pods(tc.s);
      const auto r =
          get_usage_ratio_replicas(tc.s.current_replicas, tc.usage, tc.target, tc.tolerances, pods);
      REQUIRE_MESSAGE(r.ok, r.error);
      CHECK(r.replicas == tc.replicas);
      CHECK(r.usage_milli == tc.expected_usage);
    }
  }
  SUBCASE("external: a summed value that overflows int64 is capped") {
    const int64_t half = kMaxInt64 / 2 + 1;
    const int64_t usage = hpa_internal::sum_milli({milli(half), milli(half)});
    CHECK(usage == kMaxInt64);
    const auto pods = build_pods({.current_replicas = 3});
    const auto r = get_usage_ratio_replicas(3, usage, kMaxInt64, {0.1, 0.1}, pods);
    CHECK(r.replicas == 3);
    CHECK(r.usage_milli == kMaxInt64);
  }
  SUBCASE("scale from zero ignores tolerance and pods") {
    const auto r = get_usage_ratio_replicas(0, 1050, 1000, {0.1, 0.1}, {});
    CHECK(r.ok);
    CHECK(r.replicas == 2);  // ceil(1.05)
  }
  SUBCASE("no pods at all is an error when scaling from a non-zero count") {
    const auto r = get_usage_ratio_replicas(3, 5000, 1000, {0.1, 0.1}, {});
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("no pods returned by selector") != std::string::npos);
  }
}

TEST_CASE("Object and External AverageValue targets use the scale's status replicas") {
  const std::vector<MetricCase> cases{
      {"object per pod: usage overflow with huge target leaves replicas unchanged",
       {.current_replicas = 1},
       kMaxInt64,
       kMaxInt64,
       1,
       kMaxInt64},
      {"object per pod: scale up", {.current_replicas = 3}, 20000, 5000, 4, 6667},
      {"object per pod: scale down", {.current_replicas = 5}, 6000, 2000, 3, 1200},
      {"object per pod: within default tolerance", {.current_replicas = 4}, 20166, 5000, 4, 5042},
      {"object per pod: outside configurable 1% tolerance",
       {.current_replicas = 4},
       20208,
       5000,
       5,
       5052,
       {0.1, 0.01}},
      {"object per pod: statusReplicas zero does not overflow usage",
       {.current_replicas = 0},
       20000,
       5000,
       4,
       0},
      {"object per pod: statusReplicas zero and metric zero",
       {.current_replicas = 0},
       0,
       5000,
       0,
       0},
      {"external per pod: replica count overflow saturates to MaxInt32",
       {.current_replicas = 1},
       kMaxInt64,
       1,
       kMaxInt32,
       kMaxInt64},
      {"external per pod: scale up", {.current_replicas = 3}, 8600, 2150, 4, 2867},
      {"external per pod: scale down", {.current_replicas = 5}, 8600, 2867, 3, 1720},
      {"external per pod: within default tolerance", {.current_replicas = 3}, 8600, 2900, 3, 2867},
      {"external per pod: outside configurable 1% tolerance",
       {.current_replicas = 3},
       8600,
       2800,
       4,
       2867,
       {0.1, 0.01}},
  };
  for (const auto& tc : cases) {
    SUBCASE(tc.name) {
      const auto r =
          get_per_pod_usage_replicas(tc.s.current_replicas, tc.usage, tc.target, tc.tolerances);
      REQUIRE(r.ok);
      CHECK(r.replicas == tc.replicas);
      CHECK(r.usage_milli == tc.expected_usage);
    }
  }
  SUBCASE("per-pod usage rounds up and guards zero replicas and overflow") {
    CHECK(hpa_internal::per_pod_usage(20000, 0) == 0);
    CHECK(hpa_internal::per_pod_usage(1000, 3) == 334);
    CHECK(hpa_internal::per_pod_usage(kMaxInt64, 1) == kMaxInt64);
  }
}

TEST_CASE("groupPods sorts pods into ready, unready, missing and ignored") {
  const HPAConfig cfg = upstream_test_config();
  const SimTime now = kNow;
  const auto ago = [&](int64_t s) { return seconds_ago(now, s); };
  struct Case {
    const char* name;
    std::vector<HPAPodInfo> pods;
    PodMetricsInfo metrics;
    std::string resource;
    int32_t ready;
    std::set<std::string> unready, missing, ignored;
  };
  const auto pod = [](std::string name, PodPhase phase, std::optional<SimTime> start,
                      std::optional<bool> ready, SimTime transition) {
    HPAPodInfo p;
    p.name = std::move(name);
    p.phase = phase;
    p.start_time = start;
    p.ready = ready;
    p.ready_transition = transition;
    return p;
  };
  const auto R = PodPhase::kRunning;
  HPAPodInfo deleted = pod("deleted", PodPhase::kPending, std::nullopt, std::nullopt, {});
  deleted.is_deleting = true;
  const std::vector<Case> cases{
      {"void", {}, {}, "cpu", 0, {}, {}, {}},
      {"count in a ready pod - memory",
       {pod("bentham", R, std::nullopt, std::nullopt, {})},
       {{"bentham", PodMetric{1, now, std::chrono::minutes(1)}}},
       "memory",
       1,
       {},
       {},
       {}},
      {"unready a pod without ready condition - CPU",
       {pod("lucretius", R, now, std::nullopt, {})},
       {{"lucretius", PodMetric{1, {}, {}}}},
       "cpu",
       0,
       {"lucretius"},
       {},
       {}},
      {"count in a ready pod with fresh metrics during initialization period - CPU",
       {pod("bentham", R, ago(60), true, ago(30))},
       {{"bentham", PodMetric{1, now, std::chrono::seconds(30)}}},
       "cpu",
       1,
       {},
       {},
       {}},
      {"unready a ready pod without fresh metrics during initialization period - CPU",
       {pod("bentham", R, ago(60), true, ago(30))},
       {{"bentham", PodMetric{1, now, std::chrono::seconds(60)}}},
       "cpu",
       0,
       {"bentham"},
       {},
       {}},
      {"unready an unready pod during initialization period - CPU",
       {pod("lucretius", R, ago(600), false, ago(594))},
       {{"lucretius", PodMetric{1, {}, {}}}},
       "cpu",
       0,
       {"lucretius"},
       {},
       {}},
      {"count in a ready pod without fresh metrics after initialization period - CPU",
       {pod("bentham", R, ago(180), true, ago(180))},
       {{"bentham", PodMetric{1, ago(120), std::chrono::minutes(1)}}},
       "cpu",
       1,
       {},
       {},
       {}},
      {"count in an unready pod that was ready after initialization period - CPU",
       {pod("lucretius", R, ago(600), false, ago(540))},
       {{"lucretius", PodMetric{1, {}, {}}}},
       "cpu",
       1,
       {},
       {},
       {}},
      {"a pod whose readiness flipped exactly at the readiness delay counts - CPU",
       {pod("lucretius", R, ago(600), false, ago(590))},
       {{"lucretius", PodMetric{1, {}, {}}}},
       "cpu",
       1,
       {},
       {},
       {}},
      {"a missing pod",
       {pod("epicurus", R, ago(180), std::nullopt, {})},
       {},
       "cpu",
       0,
       {},
       {"epicurus"},
       {}},
      {"several pods",
       {pod("lucretius", R, now, std::nullopt, {}), pod("niccolo", R, ago(180), true, ago(180)),
        pod("epicurus", R, ago(180), std::nullopt, {})},
       {{"lucretius", PodMetric{1, {}, {}}}, {"niccolo", PodMetric{1, {}, {}}}},
       "cpu",
       1,
       {"lucretius"},
       {"epicurus"},
       {}},
      {"pending pods are unreadied",
       {pod("unscheduled", PodPhase::kPending, std::nullopt, std::nullopt, {})},
       {},
       "cpu",
       0,
       {"unscheduled"},
       {},
       {}},
      {"ignore pods with deletion timestamps",
       {deleted},
       {{"deleted", PodMetric{1, {}, {}}}},
       "cpu",
       0,
       {},
       {},
       {"deleted"}},
      {"ignore pods in a failed state",
       {pod("failed", PodPhase::kFailed, std::nullopt, std::nullopt, {})},
       {{"failed", PodMetric{1, {}, {}}}},
       "cpu",
       0,
       {},
       {},
       {"failed"}},
      // Not ignored: with a sample but no Ready condition or start time, unready for cpu.
      {"pods in a succeeded state are not ignored",
       {pod("succeeded", PodPhase::kSucceeded, std::nullopt, std::nullopt, {})},
       {{"succeeded", PodMetric{1, {}, {}}}},
       "cpu",
       0,
       {"succeeded"},
       {},
       {}},
  };
  for (const auto& tc : cases) {
    SUBCASE(tc.name) {
      const auto g = hpa_internal::group_pods(tc.pods, tc.metrics, tc.resource, now, cfg);
      CHECK(g.ready_count == tc.ready);
      CHECK(g.unready == tc.unready);
      CHECK(g.missing == tc.missing);
      CHECK(g.ignored == tc.ignored);
    }
  }
}

TEST_CASE("Requests sum containers and sidecars, or use pod-level requests") {
  const auto container = [](std::string name, std::optional<int64_t> cpu, bool sidecar = false) {
    HPAContainerInfo c{std::move(name), {}, sidecar};
    if (cpu) c.requests["cpu"] = milli(*cpu);
    return c;
  };
  const auto pod = [](std::vector<HPAContainerInfo> cs, std::optional<int64_t> pod_level = {}) {
    HPAPodInfo p;
    p.name = "test-pod";
    p.containers = std::move(cs);
    if (pod_level) p.pod_requests = ResourceList{{"cpu", milli(*pod_level)}};
    return p;
  };
  HPAConfig off;
  HPAConfig on;
  on.pod_level_resources = true;
  const auto two =
      std::vector<HPAContainerInfo>{container("container1", 100), container("container2", 50)};
  const auto one_missing = std::vector<HPAContainerInfo>{container("container1", std::nullopt),
                                                         container("container2", 50)};

  SUBCASE("void") { CHECK(hpa_internal::calculate_requests({}, "", "cpu", off).by_pod.empty()); }
  SUBCASE("sum container requests if the pod-level gate is off") {
    CHECK(hpa_internal::calculate_requests({pod(two, 800)}, "", "cpu", off).by_pod.at("test-pod") ==
          150);
  }
  SUBCASE("gate on but no pod-level requests: sum containers") {
    CHECK(hpa_internal::calculate_requests({pod(two)}, "", "cpu", on).by_pod.at("test-pod") == 150);
  }
  SUBCASE("pod-level requests override container requests") {
    CHECK(hpa_internal::calculate_requests({pod(two, 800)}, "", "cpu", on).by_pod.at("test-pod") ==
          800);
  }
  SUBCASE("fail if a container lacks the request") {
    const auto r = hpa_internal::calculate_requests({pod(one_missing)}, "", "cpu", off);
    CHECK(r.error == "missing request for cpu in container container1 of Pod test-pod");
  }
  SUBCASE("pod-level requests cover a container without requests") {
    CHECK(hpa_internal::calculate_requests({pod(one_missing, 800)}, "", "cpu", on)
              .by_pod.at("test-pod") == 800);
  }
  SUBCASE("a named container uses only that container") {
    CHECK(hpa_internal::calculate_requests({pod(two)}, "container1", "cpu", off)
              .by_pod.at("test-pod") == 100);
  }
  SUBCASE("a named container ignores pod-level requests") {
    CHECK(hpa_internal::calculate_requests({pod(two, 800)}, "container1", "cpu", on)
              .by_pod.at("test-pod") == 100);
  }
  SUBCASE("restartable init containers count, plain init containers are not listed") {
    CHECK(hpa_internal::calculate_requests(
              {pod({container("container1", 100), container("restartable", 50, true)})}, "", "cpu",
              off)
              .by_pod.at("test-pod") == 150);
  }
  SUBCASE("a named container that does not exist is an error") {
    const auto r = hpa_internal::calculate_requests({pod({container("container1", 100)})},
                                                    "non-existent-container", "cpu", off);
    CHECK(r.error == "container non-existent-container not found in Pod test-pod");
  }
}

TEST_CASE("Resource AverageValue targets use the plain-metric path with CPU readiness") {
  // 3 pods each using 2 x 300m/500m/700m; target 400m per pod.
  const HPAConfig cfg = upstream_test_config();
  CalcScenario s{
      .current_replicas = 3, .requests_milli = k3x1000, .levels = pod_levels({300, 500, 700})};
  auto r = get_raw_resource_replicas(3, 400, "cpu", "", {0.1, 0.1}, build_pods(s), kNow, cfg);
  REQUIRE(r.ok);
  CHECK(r.usage_milli == 1000);  // average of 600, 1000, 1400
  CHECK(r.replicas == 8);        // ceil(2.5 * 3)
  // A hot pod is unready for cpu: 2 ready pods avg 1200 -> ratio 3; the
  // unready pod is filled with 0: avg 800 -> ratio 2 -> ceil(2 * 3) = 6.
  s.start_times = {hot_start(), cool_start(), cool_start()};
  r = get_raw_resource_replicas(3, 400, "cpu", "", {0.1, 0.1}, build_pods(s), kNow, cfg);
  REQUIRE(r.ok);
  CHECK(r.usage_milli == 1200);
  CHECK(r.replicas == 6);
}

}  // namespace
}  // namespace simcluster
