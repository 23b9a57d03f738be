// Tests for one HPA sync (hpa_reconcile) and for sequences of syncs.
// Single-sync cases restate k8s pkg/controller/podautoscaler/horizontal_test.go
// (TestScaleUpCPU, TestScaleUpUnreadyOrHotCpuNoScale, TestScaleRCImmediately,
// "stabilize downscale", TestScaleDownStabilizeInitialSize,
// TestScaleUpOneMetricEmpty, TestNoScaleDownOneMetricEmpty,
// TestReconciliationDurationIsRecordedOnError, TestScaleContainerResource,
// TestUpscaleCap, TestTolerance, TestZeroReplicas, TestConditionInvalidSelector*,
// TestConditionFailedUpdateScale, TestScaleUpCM); the multi-sync cases and the
// My-SaaS-Chat example are hand-computed from the algorithm in
// /work/shared/spec/hpa.md, step by step.
#include <doctest/doctest.h>

#include <functional>
#include <ostream>

#include "hpa/hpa_fixtures.h"

namespace simcluster::hpa_test {
std::ostream& operator<<(std::ostream& os, const Cond& c) {
  return os << c.type << "=" << c.status << "/" << c.reason;
}
}  // namespace simcluster::hpa_test

namespace simcluster {
namespace {

using namespace hpa_test;
using std::chrono::minutes;
using std::chrono::seconds;

const std::vector<Cond> kStatusOk{{"AbleToScale", "True", "SucceededRescale"},
                                  {"ScalingActive", "True", "ValidMetricFound"},
                                  {"ScalingLimited", "False", "DesiredWithinRange"}};

std::vector<Cond> status_ok_with(std::vector<Cond> overrides) {
  std::vector<Cond> out = kStatusOk;
  for (const auto& o : overrides)
    for (auto& c : out)
      if (c.type == o.type) c = o;
  return out;
}

std::vector<HPAPodInfo> cpu_pods(const std::vector<int64_t>& usage, int64_t request = 1000,
                                 SimTime now = kNow) {
  std::vector<HPAPodInfo> pods;
  for (size_t i = 0; i < usage.size(); ++i)
    pods.push_back(ready_pod("test-pod-" + std::to_string(i), request, usage[i], now));
  return pods;
}

HPAInputs inputs(int32_t replicas, std::vector<HPAPodInfo> pods) {
  HPAInputs in;
  in.spec_replicas = replicas;
  in.status_replicas = replicas;
  in.pods = std::move(pods);
  return in;
}

// A state that has already seen the HPA (as upstream tests that set
// `recommendations` to a non-nil empty list).
HPAState seen_state(int32_t status_desired = 0) {
  HPAState s;
  s.seen = true;
  s.status.desired_replicas = status_desired;
  return s;
}

MetricSpec external_value_metric(const std::string& name, int64_t target_milli) {
  MetricSpec m;
  m.type = "External";
  m.metric_name = name;
  m.metric_selector = LabelSelector{};
  m.target.type = "Value";
  m.target.value = milli(target_milli);
  return m;
}

TEST_CASE("HPA scales up on CPU and records why") {
  auto hpa = cpu_hpa("test-rc", 2, 6, 30);
  HPAState state = seen_state(3);
  const auto d = hpa_reconcile(hpa, state, inputs(3, cpu_pods({300, 500, 700})), kNow, HPAConfig{});
  CHECK(d.rescale);
  CHECK(d.desired_replicas == 5);
  CHECK(d.outcome == HPAOutcome::kNormalized);
  CHECK(conditions_of(d.status) == kStatusOk);
  REQUIRE(d.proposals.size() == 1);
  CHECK(d.proposals[0].metric == "cpu resource utilization (percentage of request)");
  CHECK(d.proposals[0].current.average_utilization == 50);
  CHECK(d.proposals[0].current.average_value == milli(500));
  CHECK(d.winning_metric == 0u);
  CHECK(d.rescale_reason == "cpu resource utilization (percentage of request) above target");
  REQUIRE_FALSE(d.events.empty());
  CHECK(d.events.back() ==
        HPAEvent{
            "Normal", "SuccessfulRescale",
            "New size: 5; reason: cpu resource utilization (percentage of request) above target"});
  CHECK(d.status.current_replicas == 3);
  CHECK(d.status.desired_replicas == 5);
  CHECK(d.status.last_scale_time == kNow);
  CHECK(state.status.desired_replicas == 5);
  CHECK(state.scale_up_events.empty());  // no behavior: no events kept
  const auto* active = d.condition("ScalingActive");
  REQUIRE(active);
  CHECK(active->message ==
        "the HPA was able to successfully calculate a replica count from cpu resource utilization "
        "(percentage of request)");
}

TEST_CASE("Unready or still-initializing pods do not trigger a scale-up") {
  for (const bool hot : {false, true}) {
    CAPTURE(hot);
    auto hpa = cpu_hpa("test-rc", 2, 6, 30);
    HPAState state = seen_state(3);
    auto pods = cpu_pods({400, 500, 700});
    for (size_t i = 1; i < 3; ++i) {
      pods[i].ready = false;
      if (hot) {
        pods[i].start_time = kNow;
        pods[i].ready_transition = kNow;
      }
    }
    const auto d = hpa_reconcile(hpa, state, inputs(3, pods), kNow, HPAConfig{});
    CHECK_FALSE(d.rescale);
    CHECK(d.desired_replicas == 3);
    CHECK(d.status.desired_replicas == 3);
    CHECK(d.proposals[0].current.average_utilization == 40);
    CHECK(d.proposals[0].calculation.held_by_direction_veto);
    CHECK(conditions_of(d.status) == status_ok_with({{"AbleToScale", "True", "ReadyForNewScale"}}));
  }
}

TEST_CASE("Unready, hot, failed and deleting pods make the scale-up smaller") {
  SUBCASE("unready pod") {
    auto pods = cpu_pods({300, 500, 700});
    pods[0].ready = false;
    HPAState state = seen_state();
    CHECK(hpa_reconcile(cpu_hpa("t", 2, 6, 30), state, inputs(3, pods), kNow, HPAConfig{})
              .desired_replicas == 4);
  }
  SUBCASE("hot cpu pod") {
    auto pods = cpu_pods({300, 500, 700});
    pods[0].start_time = kNow - seconds(20);
    pods[0].ready_transition = kNow - seconds(15);  // ready, but no full window yet
    HPAState state = seen_state();
    CHECK(hpa_reconcile(cpu_hpa("t", 2, 6, 30), state, inputs(3, pods), kNow, HPAConfig{})
              .desired_replicas == 4);
  }
  SUBCASE("failed and deleting pods are ignored") {
    auto pods = cpu_pods({500, 700});
    auto failed = ready_pod("test-pod-2", 1000, std::nullopt, kNow);
    failed.phase = PodPhase::kFailed;
    auto deleting = ready_pod("test-pod-3", 1000, std::nullopt, kNow);
    deleting.is_deleting = true;
    pods.push_back(failed);
    pods.push_back(deleting);
    HPAState state = seen_state();
    CHECK(hpa_reconcile(cpu_hpa("t", 2, 6, 30), state, inputs(2, pods), kNow, HPAConfig{})
              .desired_replicas == 4);
  }
}

TEST_CASE("Replica counts outside [min, max] are clamped at once without metrics") {
  SUBCASE("below min") {
    auto hpa = cpu_hpa("test-rc", 2, 6, 50);
    HPAState state = seen_state(1);
    const auto d = hpa_reconcile(hpa, state, inputs(1, cpu_pods({0})), kNow, HPAConfig{});
    CHECK(d.outcome == HPAOutcome::kBelowMinReplicas);
    CHECK(d.desired_replicas == 2);
    CHECK(d.rescale_reason == "Current number of replicas below Spec.MinReplicas");
    CHECK(d.proposals.empty());
    CHECK(conditions_of(d.status) ==
          std::vector<Cond>{{"AbleToScale", "True", "SucceededRescale"}});
  }
  SUBCASE("above max, even with behavior rate limits") {
    auto hpa = cpu_hpa("test-rc", 2, 5, 50);
    hpa.behavior = HPABehavior{};
    HPAState state = seen_state(6);
    const auto d =
        hpa_reconcile(hpa, state, inputs(6, cpu_pods({8000, 9500, 1000})), kNow, HPAConfig{});
    CHECK(d.outcome == HPAOutcome::kAboveMaxReplicas);
    CHECK(d.desired_replicas == 5);
    CHECK(conditions_of(d.status) ==
          std::vector<Cond>{{"AbleToScale", "True", "SucceededRescale"}});
    // The clamp is a rescale, so a behavior HPA records it as a scale-down event.
    REQUIRE(state.scale_down_events.size() == 1);
    CHECK(state.scale_down_events[0].replica_change == 1);
  }
}

TEST_CASE("Legacy scale-down is held by the highest recent recommendation") {
  // "stabilize downscale": 3 pods at 50% of 100m, target 100% -> 2, but a
  // recommendation of 4 one minute ago holds 4 (the 10 is 10 minutes old).
  auto hpa = cpu_hpa("test-rc", 1, 5, 100);
  HPAState state = seen_state(4);
  state.recommendations = {{10, kNow - minutes(10)}, {4, kNow - minutes(1)}};
  const auto d =
      hpa_reconcile(hpa, state, inputs(4, cpu_pods({50, 50, 50}, 100)), kNow, HPAConfig{});
  CHECK_FALSE(d.rescale);
  CHECK(d.desired_replicas == 4);
  CHECK(d.metric_replicas == 2);
  CHECK(d.normalization.stabilized == 4);
  CHECK(conditions_of(d.status) ==
        status_ok_with({{"AbleToScale", "True", "ScaleDownStabilized"}}));
  CHECK(explain_decision(d).find("stabilized to 4 (ScaleDownStabilized)") != std::string::npos);
}

TEST_CASE("A newly seen HPA does not scale down before the legacy window has passed") {
  // TestScaleDownStabilizeInitialSize, continued in time: the history is
  // seeded with the current 5; the legacy window counts an entry exactly at
  // the cutoff, so the scale-down happens at t0+315s, not t0+300s.
  auto hpa = cpu_hpa("test-rc", 2, 6, 50);
  HPAState state;  // never seen
  const auto pods = cpu_pods({100, 300, 500, 250, 250});
  for (int64_t t = 0; t <= 300; t += 15) {
    CAPTURE(t);
    const auto d = hpa_reconcile(hpa, state, inputs(5, pods), kNow + seconds(t), HPAConfig{});
    CHECK(d.metric_replicas == 3);
    CHECK_FALSE(d.rescale);
    CHECK(d.condition("AbleToScale")->reason == "ScaleDownStabilized");
  }
  const auto d = hpa_reconcile(hpa, state, inputs(5, pods), kNow + seconds(315), HPAConfig{});
  CHECK(d.rescale);
  CHECK(d.desired_replicas == 3);
  CHECK(d.rescale_reason == "All metrics below target");
  CHECK(state.recommendations.size() <= 23);
}

TEST_CASE("A metric that is not simulated blocks scale-down but not scale-up") {
  SUBCASE("no scale-down while one metric fails") {
    auto hpa = cpu_hpa("test-rc", 2, 6, 50);
    hpa.metrics.push_back(external_value_metric("qps", 1000));
    HPAState state = seen_state(5);
    const auto d = hpa_reconcile(hpa, state, inputs(5, cpu_pods({100, 300, 500, 250, 250})), kNow,
                                 HPAConfig{});
    CHECK_FALSE(d.rescale);
    CHECK(d.outcome == HPAOutcome::kMetricsFailed);
    CHECK(d.desired_replicas == 5);
    CHECK(d.status.desired_replicas == 5);  // status keeps the old desired count
    CHECK(d.metric_replicas == 3);          // what CPU alone proposed, for the record
    CHECK(conditions_of(d.status) ==
          std::vector<Cond>{{"AbleToScale", "True", "SucceededGetScale"},
                            {"ScalingActive", "False", "FailedGetExternalMetric"}});
    REQUIRE(d.proposals.size() == 2);
    CHECK_FALSE(d.proposals[1].is_simulated);
    CHECK(d.proposals[1].metric ==
          "external metric qps(&LabelSelector{MatchLabels:map[string]string{},"
          "MatchExpressions:[]LabelSelectorRequirement{},})");
    CHECK(d.metric_error.rfind(
              "invalid metrics (1 invalid out of 2), first error is: failed to get qps "
              "external metric value: failed to get external metric qps: ",
              0) == 0);
    CHECK(d.events.back().reason == "FailedComputeMetricsReplicas");
    const std::string why = explain_decision(d);
    CHECK(why.find("not simulated") != std::string::npos);
    CHECK(why.find("not scaled: invalid metrics") != std::string::npos);
  }
  SUBCASE("scale-up proceeds on the valid metric") {
    auto hpa = cpu_hpa("test-rc", 2, 6, 30);
    hpa.metrics.push_back(external_value_metric("qps", 100));
    HPAState state = seen_state(3);
    const auto d =
        hpa_reconcile(hpa, state, inputs(3, cpu_pods({300, 400, 500})), kNow, HPAConfig{});
    CHECK(d.rescale);
    CHECK(d.desired_replicas == 4);
    CHECK(d.condition("ScalingActive")->reason == "ValidMetricFound");
    CHECK_FALSE(d.metric_error.empty());
  }
  SUBCASE("supplying the external value makes it count") {
    auto hpa = cpu_hpa("test-rc", 2, 6, 50);
    hpa.metrics.push_back(external_value_metric("qps", 1000));
    HPAState state = seen_state(5);
    auto in = inputs(5, cpu_pods({100, 300, 500, 250, 250}));
    in.external_metrics["qps"] = {milli(600), milli(400)};  // sum 1000m: ratio 1, within tolerance
    const auto d = hpa_reconcile(hpa, state, in, kNow, HPAConfig{});
    CHECK(d.outcome == HPAOutcome::kNormalized);
    CHECK(d.proposals[1].replicas == 5);
    CHECK(d.proposals[1].current.value == milli(1000));
    CHECK(d.metric_replicas == 5);  // max(3, 5)
  }
}

TEST_CASE("Metric failures set ScalingActive False with upstream's reason and message") {
  SUBCASE("no metrics at all") {
    auto hpa = cpu_hpa("test-rc", 2, 6, 100);
    HPAState state = seen_state(4);
    std::vector<HPAPodInfo> pods;
    for (int i = 0; i < 4; ++i)
      pods.push_back(ready_pod("p" + std::to_string(i), 1000, std::nullopt, kNow));
    const auto d = hpa_reconcile(hpa, state, inputs(4, pods), kNow, HPAConfig{});
    CHECK(d.desired_replicas == 4);
    CHECK(conditions_of(d.status) ==
          std::vector<Cond>{{"AbleToScale", "True", "SucceededGetScale"},
                            {"ScalingActive", "False", "FailedGetResourceMetric"}});
    CHECK(
        d.condition("ScalingActive")->message ==
        "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to "
        "get metrics for resource cpu: no metrics returned from resource metrics API");
  }
  SUBCASE("a pod without a cpu request") {
    auto hpa = cpu_hpa("test-rc", 1, 6, 50);
    HPAState state = seen_state(2);
    auto pods = cpu_pods({300, 500});
    pods[1].containers[0].requests.clear();
    const auto d = hpa_reconcile(hpa, state, inputs(2, pods), kNow, HPAConfig{});
    CHECK(d.outcome == HPAOutcome::kMetricsFailed);
    CHECK(d.condition("ScalingActive")->message ==
          "the HPA was unable to compute the replica count: failed to get cpu utilization: missing "
          "request for cpu in container app of Pod test-pod-1");
  }
  SUBCASE("a scale without a selector") {
    auto hpa = cpu_hpa("test-rc", 1, 6, 50);
    HPAState state = seen_state(2);
    auto in = inputs(2, cpu_pods({300, 500}));
    in.has_selector = false;
    const auto d = hpa_reconcile(hpa, state, in, kNow, HPAConfig{});
    CHECK(d.outcome == HPAOutcome::kInvalidSelector);
    CHECK(conditions_of(d.status) ==
          std::vector<Cond>{{"AbleToScale", "True", "SucceededGetScale"},
                            {"ScalingActive", "False", "InvalidSelector"}});
    CHECK(d.events.front() == HPAEvent{"Warning", "SelectorRequired", "selector is required"});
  }
  SUBCASE("pods claimed by another HPA") {
    auto hpa = cpu_hpa("test-rc", 1, 6, 50);
    HPAState state = seen_state(2);
    auto in = inputs(2, cpu_pods({300, 500}));
    in.selector_is_ambiguous = true;
    const auto d = hpa_reconcile(hpa, state, in, kNow, HPAConfig{});
    CHECK(d.condition("ScalingActive")->reason == "AmbiguousSelector");
  }
  SUBCASE("the scale target cannot be read") {
    auto hpa = cpu_hpa("test-rc", 1, 6, 50);
    HPAState state = seen_state(2);
    HPAInputs in;
    in.scale_error = "deployments.apps \"test-rc\" not found";
    const auto d = hpa_reconcile(hpa, state, in, kNow, HPAConfig{});
    CHECK(d.outcome == HPAOutcome::kFailedGetScale);
    CHECK(conditions_of(d.status) == std::vector<Cond>{{"AbleToScale", "False", "FailedGetScale"}});
    CHECK_FALSE(state.recommendations.size());  // not seeded without a scale
  }
  SUBCASE("the scale update fails") {
    auto hpa = cpu_hpa("test-rc", 2, 6, 30);
    HPAState state = seen_state(3);
    auto in = inputs(3, cpu_pods({300, 500, 700}));
    in.scale_update_fails = true;
    const auto d = hpa_reconcile(hpa, state, in, kNow, HPAConfig{});
    CHECK_FALSE(d.rescale);
    CHECK(d.desired_replicas == 3);
    CHECK(d.status.desired_replicas == 3);
    CHECK(d.condition("AbleToScale")->reason == "FailedUpdateScale");
    CHECK(d.events.back().reason == "FailedRescale");
  }
}

TEST_CASE("A target at zero replicas disables scaling unless scale-to-zero brought it there") {
  auto hpa = cpu_hpa("queue-worker", 0, 5, 50);
  hpa.metrics = {external_value_metric("queue-depth", 10000)};
  SUBCASE("manually scaled to zero: paused") {
    HPAState state = seen_state();
    auto in = inputs(0, {});
    in.external_metrics["queue-depth"] = {milli(50000)};
    const auto d = hpa_reconcile(hpa, state, in, kNow, HPAConfig{});
    CHECK(d.outcome == HPAOutcome::kScalingDisabled);
    CHECK_FALSE(d.rescale);
    CHECK(d.condition("ScalingActive")->reason == "ScalingDisabled");
  }
  SUBCASE("with HPAScaleToZero: down to zero, then back up from zero") {
    HPAConfig cfg;
    cfg.scale_to_zero = true;
    validate_hpa(hpa, cfg);  // minReplicas 0 is valid with the gate and an External metric
    HPAState state = seen_state(2);
    auto in = inputs(2, cpu_pods({100, 100}));
    in.external_metrics["queue-depth"] = {milli(0)};
    auto d = hpa_reconcile(hpa, state, in, kNow, cfg);
    CHECK(d.desired_replicas == 0);
    REQUIRE(d.condition("ScaledToZero"));
    CHECK(d.condition("ScaledToZero")->status == "True");
    // Later the queue fills up: from zero, replicas = ceil(value / target).
    in = inputs(0, {});
    in.external_metrics["queue-depth"] = {milli(25000)};
    d = hpa_reconcile(hpa, state, in, kNow + minutes(1), cfg);
    CHECK(d.rescale);
    CHECK(d.desired_replicas == 3);
    CHECK(d.condition("ScaledToZero")->status == "False");
  }
}

TEST_CASE("Pods, Object and ContainerResource metrics propose replicas") {
  SUBCASE("pods metric: average 20 qps against 15 -> 4") {
    auto hpa = cpu_hpa("test-rc", 2, 6, 30);
    hpa.metrics[0] = MetricSpec{};
    hpa.metrics[0].type = "Pods";
    hpa.metrics[0].metric_name = "qps";
    hpa.metrics[0].target.type = "AverageValue";
    hpa.metrics[0].target.average_value = milli(15000);
    auto pods = cpu_pods({0, 0, 0});
    pods[0].custom_metrics["qps"] = milli(20000);
    pods[1].custom_metrics["qps"] = milli(10000);
    pods[2].custom_metrics["qps"] = milli(30000);
    HPAState state = seen_state(3);
    const auto d = hpa_reconcile(hpa, state, inputs(3, pods), kNow, HPAConfig{});
    CHECK(d.desired_replicas == 4);
    CHECK(d.proposals[0].metric == "pods metric qps");
    CHECK(d.proposals[0].current.average_value == milli(20000));
  }
  SUBCASE("object metric: 20 against a value target of 6 on 3 ready pods -> 10, capped at max 6") {
    auto hpa = cpu_hpa("test-rc", 2, 6, 30);
    MetricSpec m;
    m.type = "Object";
    m.metric_name = "qps";
    m.described_object = CrossVersionObjectReference{"apps/v1", "Deployment", "some-deployment"};
    m.target.type = "Value";
    m.target.value = milli(6000);
    hpa.metrics = {m};
    HPAState state = seen_state(3);
    auto in = inputs(3, cpu_pods({0, 0, 0}));
    in.object_metrics[object_metric_key(m)] = milli(20000);
    const auto d = hpa_reconcile(hpa, state, in, kNow, HPAConfig{});
    CHECK(object_metric_key(m) == "Deployment/some-deployment:qps");
    CHECK(d.proposals[0].replicas == 10);
    CHECK(d.proposals[0].metric == "Deployment metric qps");
    CHECK(d.desired_replicas == 6);
    CHECK(d.normalization.limit_reason == "TooManyReplicas");
    CHECK(d.condition("ScalingLimited")->status == "True");
  }
  SUBCASE("container resource metric reads one container") {
    auto hpa = cpu_hpa("test-rc", 2, 6, 30);
    hpa.metrics[0].type = "ContainerResource";
    hpa.metrics[0].container = "app";
    HPAState state = seen_state(3);
    auto pods = cpu_pods({300, 500, 700});
    for (auto& p : pods) {
      p.containers.push_back(HPAContainerInfo{"sidecar", {{"cpu", milli(1000)}}, false});
      p.usage->containers["sidecar"]["cpu"] = milli(1000);
    }
    const auto d = hpa_reconcile(hpa, state, inputs(3, pods), kNow, HPAConfig{});
    CHECK(d.desired_replicas == 5);
    CHECK(d.proposals[0].metric == "cpu container resource utilization (percentage of request)");
  }
}

TEST_CASE("Up-limits: behavior policies and the legacy max(2x, 4) cap") {
  // TestUpscaleCap: 3 pods at 200% of 100m against a 10% target -> 60.
  auto hpa = cpu_hpa("test-rc", 1, 100, 10);
  const auto pods = cpu_pods({100, 200, 300}, 100);
  SUBCASE("behavior: Percent 700 per 60s allows ceil(3 * 8) = 24") {
    hpa.behavior = HPABehavior{scaling_rules(0, 0, 700, 60, 0), std::nullopt};
    HPAState state = seen_state(3);
    const auto d = hpa_reconcile(hpa, state, inputs(3, pods), kNow, HPAConfig{});
    CHECK(d.metric_replicas == 60);
    CHECK(d.desired_replicas == 24);
    CHECK(d.condition("ScalingLimited")->reason == "ScaleUpLimit");
    REQUIRE(d.normalization.rate_limit);
    CHECK(d.normalization.rate_limit->selected_policy == 0u);
    REQUIRE(state.scale_up_events.size() == 1);
    CHECK(state.scale_up_events[0].replica_change == 21);
  }
  SUBCASE("behavior capped by maxReplicas reports TooManyReplicas") {
    hpa.max_replicas = 20;
    hpa.behavior = HPABehavior{scaling_rules(0, 0, 700, 60, 0), std::nullopt};
    HPAState state = seen_state(3);
    const auto d = hpa_reconcile(hpa, state, inputs(3, pods), kNow, HPAConfig{});
    CHECK(d.desired_replicas == 20);
    CHECK(d.condition("ScalingLimited")->reason == "TooManyReplicas");
  }
  SUBCASE("legacy: trunc(max(2 * 3, 4)) = 6") {
    HPAState state = seen_state(3);
    const auto d = hpa_reconcile(hpa, state, inputs(3, pods), kNow, HPAConfig{});
    CHECK(d.desired_replicas == 6);
    CHECK(d.condition("ScalingLimited")->reason == "ScaleUpLimit");
    CHECK(d.condition("ScalingLimited")->message ==
          "the desired replica count is increasing faster than the maximum scale rate");
  }
}

TEST_CASE("Usage within tolerance keeps the replica count") {
  // TestTolerance: 102% against 100% on requests 0.9/1.0/1.1.
  auto hpa = cpu_hpa("test-rc", 1, 5, 100);
  HPAState state = seen_state(3);
  std::vector<HPAPodInfo> pods{ready_pod("a", 900, 1010, kNow), ready_pod("b", 1000, 1030, kNow),
                               ready_pod("c", 1100, 1020, kNow)};
  const auto d = hpa_reconcile(hpa, state, inputs(3, pods), kNow, HPAConfig{});
  CHECK_FALSE(d.rescale);
  CHECK(d.proposals[0].calculation.held_by_tolerance);
  CHECK(conditions_of(d.status) == status_ok_with({{"AbleToScale", "True", "ReadyForNewScale"}}));
}

TEST_CASE("Conditions keep their order and move lastTransitionTime only on a flip") {
  auto hpa = cpu_hpa("test-rc", 1, 10, 50);
  HPAState state = seen_state(2);
  auto d = hpa_reconcile(hpa, state, inputs(2, cpu_pods({500, 500})), kNow, HPAConfig{});
  const SimTime first = d.condition("ScalingActive")->last_transition_time;
  CHECK(first == kNow);
  d = hpa_reconcile(hpa, state, inputs(2, cpu_pods({500, 500})), kNow + seconds(15), HPAConfig{});
  CHECK(d.condition("ScalingActive")->last_transition_time == first);
  auto in = inputs(2, cpu_pods({500, 500}));
  in.pods[0].usage.reset();
  in.pods[1].usage.reset();
  d = hpa_reconcile(hpa, state, in, kNow + seconds(30), HPAConfig{});
  CHECK(d.condition("ScalingActive")->status == "False");
  CHECK(d.condition("ScalingActive")->last_transition_time == kNow + seconds(30));
  CHECK(d.status.conditions[0].type == "AbleToScale");
  CHECK(d.status.conditions[1].type == "ScalingActive");
  CHECK(d.status.conditions[2].type == "ScalingLimited");
}

// ------------------------------------------------------------- several syncs

// A deployment whose pods all request `request_milli` cpu; `usage(t, n)`
// gives the total cpu used at time t by n pods, spread evenly (the remainder
// on the first pod: only the sum matters to the HPA).
struct CpuWorld {
  int32_t replicas;
  int64_t request_milli;
  std::function<int64_t(int64_t t, int32_t n)> total_usage;

  HPAInputs inputs_at(int64_t t, SimTime now) const {
    const int64_t total = total_usage(t, replicas);
    std::vector<HPAPodInfo> pods;
    for (int32_t i = 0; i < replicas; ++i) {
      const int64_t share = total / replicas + (i == 0 ? total % replicas : 0);
      pods.push_back(ready_pod("web-" + std::to_string(i), request_milli, share, now));
    }
    return simcluster::inputs(replicas, pods);
  }
};

TEST_CASE("Scale-up under rising load follows +100% / +2 pods per 60s step by step") {
  auto hpa = cpu_hpa("web", 1, 20, 50);
  HPAScalingRules up;
  up.select_policy = "Max";
  up.policies = {HPAScalingPolicy{"Percent", 100, 60}, HPAScalingPolicy{"Pods", 2, 60}};
  hpa.behavior = HPABehavior{up, std::nullopt};
  validate_hpa(hpa, HPAConfig{});
  // Total CPU rises by 1 core every 15 s from 3 cores; each pod requests 500m.
  CpuWorld world{2, 500, [](int64_t t, int32_t) { return 3000 + 1000 * (t / 15); }};
  struct Step {
    int64_t t;
    int32_t recommendation, replicas;
    const char* limit;
  };
  // Hand-computed: e.g. t=60: 4 pods, 7 cores -> 350% -> ceil(7 * 4) = 28; the
  // +2 event at t=0 is exactly one period old (strict), so the period starts
  // at 4: Percent allows 8, Pods 6 -> 8.
  const std::vector<Step> steps{
      {0, 12, 4, "ScaleUpLimit"},       {15, 16, 4, "ScaleUpLimit"},
      {30, 20, 4, "ScaleUpLimit"},      {45, 24, 4, "ScaleUpLimit"},
      {60, 28, 8, "ScaleUpLimit"},      {75, 32, 8, "ScaleUpLimit"},
      {90, 36, 8, "ScaleUpLimit"},      {105, 40, 8, "ScaleUpLimit"},
      {120, 44, 16, "ScaleUpLimit"},    {135, 48, 16, "ScaleUpLimit"},
      {150, 52, 16, "ScaleUpLimit"},    {165, 56, 16, "ScaleUpLimit"},
      {180, 60, 20, "TooManyReplicas"}, {195, 64, 20, "TooManyReplicas"},
  };
  HPAState state;
  for (const auto& s : steps) {
    CAPTURE(s.t);
    const SimTime now = kNow + seconds(s.t);
    const auto d = hpa_reconcile(hpa, state, world.inputs_at(s.t, now), now, HPAConfig{});
    CHECK(d.metric_replicas == s.recommendation);
    CHECK(d.desired_replicas == s.replicas);
    CHECK(d.normalization.limit_reason == s.limit);
    if (std::string(s.limit) == "ScaleUpLimit") {
      REQUIRE(d.normalization.rate_limit);
      CHECK(d.normalization.rate_limit->selected_policy == 0u);  // Percent wins (ties: first)
    }
    CHECK(d.rescale == (s.replicas != world.replicas));
    world.replicas = d.desired_replicas;
  }
  // storeScaleEvent recycles the last entry older than the longest period
  // (60s): +2@0 is replaced by +8@120, then +4@60 by +4@180.
  CHECK(state.scale_up_events == std::vector<HPAScaleEvent>{{8, kNow + seconds(120), false},
                                                            {4, kNow + seconds(180), false}});
  CHECK(state.scale_down_events.empty());
}

TEST_CASE("A scale-down waits for the 300s stabilization window") {
  // 10 pods at exactly the 50% target until t=60, then load drops to 15%.
  const auto load = [](int64_t t, int32_t n) -> int64_t { return t <= 60 ? n * 500 : 1500; };
  SUBCASE("behavior (defaults): the last high recommendation leaves the window at t=360") {
    auto hpa = cpu_hpa("web", 1, 10, 50);
    hpa.behavior = HPABehavior{};
    CpuWorld world{10, 1000, load};
    HPAState state;
    for (int64_t t = 0; t <= 375; t += 15) {
      CAPTURE(t);
      const SimTime now = kNow + seconds(t);
      const auto d = hpa_reconcile(hpa, state, world.inputs_at(t, now), now, HPAConfig{});
      CHECK(d.metric_replicas == (t <= 60 ? 10 : 3));
      if (t < 360) {
        CHECK(d.desired_replicas == 10);
        if (t > 60) CHECK(d.condition("AbleToScale")->reason == "ScaleDownStabilized");
      } else if (t == 360) {
        CHECK(d.rescale);
        CHECK(d.desired_replicas == 3);
        CHECK(d.rescale_reason == "All metrics below target");
        // The default policy (100% per 15s) allows it all at once.
        CHECK(d.normalization.limit_reason == "DesiredWithinRange");
      }
      world.replicas = d.desired_replicas;
      CHECK(state.recommendations.size() <= 23);
    }
    REQUIRE(state.scale_down_events.size() == 1);
    CHECK(state.scale_down_events[0].replica_change == 7);
  }
  SUBCASE("legacy: an entry exactly at the cutoff still counts, so it waits until t=375") {
    auto hpa = cpu_hpa("web", 1, 10, 50);
    CpuWorld world{10, 1000, load};
    HPAState state;
    for (int64_t t = 0; t <= 375; t += 15) {
      CAPTURE(t);
      const SimTime now = kNow + seconds(t);
      const auto d = hpa_reconcile(hpa, state, world.inputs_at(t, now), now, HPAConfig{});
      CHECK(d.desired_replicas == (t < 375 ? 10 : 3));
      world.replicas = d.desired_replicas;
    }
    CHECK(state.scale_down_events.empty());  // the legacy path keeps no events
  }
}

// ------------------------------------------------------------- My-SaaS-Chat

// auth-service (the first users' report): 3 replicas requesting 250m / 256Mi,
// HPA min 2 max 10 on CPU 70% and memory 80%; scale up by 100% or 2 pods per
// minute (the larger), scale down by 50% per 5 minutes after a 300s window.
HorizontalPodAutoscaler auth_service_hpa() {
  HorizontalPodAutoscaler hpa = cpu_hpa("auth-service", 2, 10, 70);
  hpa.metadata.ns = "production";
  MetricSpec mem;
  mem.type = "Resource";
  mem.resource_name = "memory";
  mem.target.type = "Utilization";
  mem.target.average_utilization = 80;
  hpa.metrics.push_back(mem);
  HPAScalingRules up;
  up.select_policy = "Max";
  up.policies = {HPAScalingPolicy{"Percent", 100, 60}, HPAScalingPolicy{"Pods", 2, 60}};
  HPAScalingRules down;
  down.stabilization_window_seconds = 300;
  down.policies = {HPAScalingPolicy{"Percent", 50, 300}};
  hpa.behavior = HPABehavior{up, down};
  return hpa;
}

constexpr int64_t kMi = 1024 * 1024;

HPAInputs auth_inputs(int32_t replicas, int64_t cpu_milli, int64_t mem_mi, SimTime now) {
  std::vector<HPAPodInfo> pods;
  for (int32_t i = 0; i < replicas; ++i)
    pods.push_back(ready_pod("auth-service-" + std::to_string(i), 250, cpu_milli, now, 256 * kMi,
                             mem_mi * kMi));
  return inputs(replicas, pods);
}

TEST_CASE("My-SaaS-Chat auth-service: a worked example of a spike and its aftermath") {
  const auto hpa = auth_service_hpa();
  validate_hpa(hpa, HPAConfig{});
  HPAState state;
  int32_t replicas = 3;
  // Per-pod usage: 200m/150Mi at t=0, 400m/200Mi at t=15, 300m/200Mi from
  // t=30 to t=105, then 50m/150Mi from t=120 on.
  const auto usage = [](int64_t t) -> std::pair<int64_t, int64_t> {
    if (t == 0) return {200, 150};
    if (t == 15) return {400, 200};
    if (t <= 105) return {300, 200};
    return {50, 150};
  };
  const auto sync = [&](int64_t t) {
    const SimTime now = kNow + seconds(t);
    const auto [cpu, mem] = usage(t);
    const auto d =
        hpa_reconcile(hpa, state, auth_inputs(replicas, cpu, mem, now), now, HPAConfig{});
    replicas = d.desired_replicas;
    return d;
  };

  // t=0: cpu 600m of 750m = 80% of a 70% target -> ceil(1.1428 * 3) = 4;
  // memory floor(150/256) = 58% of 80% -> ceil(0.725 * 3) = 3. The max is 4,
  // under the limit max(ceil(3 * 2), 3 + 2) = 6.
  auto d = sync(0);
  CHECK(d.proposals[0].current.average_utilization == 80);
  CHECK(d.proposals[0].replicas == 4);
  CHECK(d.proposals[1].current.average_utilization == 58);
  CHECK(d.proposals[1].replicas == 3);
  CHECK(d.winning_metric == 0u);
  CHECK(d.desired_replicas == 4);
  CHECK(d.rescale_reason == "cpu resource utilization (percentage of request) above target");

  // t=15: the spike: cpu 160% -> ceil(2.2857 * 4) = 10; memory 78% is within
  // tolerance (0.975) -> 4. The period started at 4 - 1 = 3 replicas:
  // Percent allows 6, Pods 5 -> 6.
  d = sync(15);
  CHECK(d.proposals[0].current.average_utilization == 160);
  CHECK(d.proposals[1].current.average_utilization == 78);
  CHECK(d.proposals[1].calculation.held_by_tolerance);
  CHECK(d.metric_replicas == 10);
  CHECK(d.desired_replicas == 6);
  CHECK(d.normalization.limit_reason == "ScaleUpLimit");
  REQUIRE(d.normalization.rate_limit);
  CHECK(d.normalization.rate_limit->selected_policy == 0u);
  CHECK(d.normalization.rate_limit->policies[0].period_start_replicas == 3);
  CHECK(d.normalization.rate_limit->policies[0].limit == 6);
  CHECK(d.normalization.rate_limit->policies[1].limit == 5);
  CHECK(conditions_of(d.status) == status_ok_with({{"ScalingLimited", "True", "ScaleUpLimit"}}));
  const std::string why = explain_decision(d);
  CHECK(why.find("4 -> 6 replicas") != std::string::npos);
  CHECK(why.find(
            "cpu resource utilization (percentage of request) is 160% (target 70%): proposes 10") !=
        std::string::npos);
  CHECK(why.find("limited to 6 by ScaleUpLimit (policy 0: Percent 100 per 60s from 3 replicas") !=
        std::string::npos);

  // t=30, 45: cpu 120% -> 11 wanted, but +3 in the last minute caps at 6.
  for (int64_t t : {30, 45}) {
    CAPTURE(t);
    d = sync(t);
    CHECK(d.metric_replicas == 11);
    CHECK_FALSE(d.rescale);
    CHECK(d.desired_replicas == 6);
    CHECK(d.condition("ScalingLimited")->reason == "ScaleUpLimit");
  }
  // t=60: the +1 of t=0 is exactly one period old (strict): start 6 - 2 = 4
  // -> Percent 8.
  d = sync(60);
  CHECK(d.desired_replicas == 8);
  // t=75: the +2 of t=15 has left too: start 8 - 2 = 6 -> Percent 12, more
  // than maxReplicas: TooManyReplicas caps at 10.
  d = sync(75);
  CHECK(d.metric_replicas == 14);
  CHECK(d.desired_replicas == 10);
  CHECK(d.normalization.limit_reason == "TooManyReplicas");
  for (int64_t t : {90, 105}) {
    CAPTURE(t);
    d = sync(t);
    CHECK(d.metric_replicas == 18);
    CHECK_FALSE(d.rescale);
    CHECK(d.condition("ScalingLimited")->reason == "TooManyReplicas");
  }

  // The spike is over: cpu 20% -> 3, memory 58% -> ceil(0.725 * 10) = 8.
  // The 300s window still holds the 18s of t=90 and t=105, so 10 stays
  // until t=405, when t=105 is exactly 300s old (strict).
  for (int64_t t = 120; t < 405; t += 15) {
    CAPTURE(t);
    d = sync(t);
    CHECK(d.metric_replicas == 8);
    CHECK(d.winning_metric == 1u);
    CHECK(d.desired_replicas == 10);
    CHECK(d.condition("AbleToScale")->reason == "ScaleDownStabilized");
  }
  CHECK(explain_decision(d).find("stabilized to 10 (ScaleDownStabilized)") != std::string::npos);
  // t=405: down to the recommendation 8; the 50%-per-300s policy allows 5.
  d = sync(405);
  CHECK(d.rescale);
  CHECK(d.desired_replicas == 8);
  CHECK(d.rescale_reason == "All metrics below target");
  REQUIRE(d.normalization.rate_limit);
  CHECK(d.normalization.rate_limit->limit == 5);
  // Now memory wants ceil(0.725 * 8) = 6, held by the 8s of t=120..405
  // until t=705; the -2 event of t=405 is then exactly 300s old (strict),
  // so the period starts at 8: 50% allows 4, and 6 is within range.
  for (int64_t t = 420; t < 705; t += 15) {
    CAPTURE(t);
    d = sync(t);
    CHECK(d.metric_replicas == 6);
    CHECK(d.desired_replicas == 8);
  }
  d = sync(705);
  CHECK(d.desired_replicas == 6);
  CHECK(d.normalization.rate_limit->policies[0].period_start_replicas == 8);
  CHECK(d.normalization.limit_reason == "DesiredWithinRange");

  // Up events +1@0, +2@15, +2@60, +2@75: at t=75 the +1@0 is older than the
  // 60s period and its slot is reused. Down events: -2@405, -2@705 (the
  // 300s period keeps both).
  const auto at = [](int64_t t) { return kNow + seconds(t); };
  CHECK(state.scale_up_events ==
        std::vector<HPAScaleEvent>{{2, at(75), false}, {2, at(15), false}, {2, at(60), false}});
  CHECK(state.scale_down_events ==
        std::vector<HPAScaleEvent>{{2, at(405), false}, {2, at(705), false}});
}

TEST_CASE("validate_hpa rejects what the API server would reject") {
  const auto rejects = [](const HorizontalPodAutoscaler& hpa, const std::string& needle) {
    try {
      validate_hpa(hpa, HPAConfig{});
    } catch (const InputError& e) {
      CHECK_MESSAGE(std::string(e.what()).find(needle) != std::string::npos, e.what());
      return true;
    }
    return false;
  };
  auto hpa = cpu_hpa("web", 2, 10, 50);
  hpa.metadata.source = SourceLocation{"hpa.yaml", 3, 1};
  CHECK_NOTHROW(validate_hpa(hpa, HPAConfig{}));
  auto bad = hpa;
  bad.max_replicas = 1;
  CHECK(rejects(bad, "hpa.yaml:3:1"));
  bad = hpa;
  bad.min_replicas = 0;
  CHECK(rejects(bad, "spec.minReplicas"));
  bad = hpa;
  bad.metrics[0].target.average_utilization = 0;
  CHECK(rejects(bad, "averageUtilization"));
  bad = hpa;
  bad.behavior = HPABehavior{scaling_rules(0, 0, 100, 3600, 0), std::nullopt};
  CHECK(rejects(bad, "periodSeconds"));
  bad = hpa;
  bad.behavior = HPABehavior{std::nullopt, HPAScalingRules{}};
  bad.behavior->scale_down->select_policy = "Fastest";
  CHECK(rejects(bad, "selectPolicy"));
  bad = hpa;
  bad.metrics[0].type = "Custom";
  CHECK(rejects(bad, "spec.metrics[0].type: Unsupported value: \"Custom\""));
}

}  // namespace
}  // namespace simcluster

namespace simcluster {
namespace {

using namespace hpa_test;

TEST_CASE("Requests come from regular containers and sidecars of the pod spec") {
  PodSpec spec;
  Container app;
  app.name = "app";
  app.resources.requests["cpu"] = milli(250);
  Container init;
  init.name = "migrate";
  init.resources.requests["cpu"] = milli(1000);
  Container sidecar;
  sidecar.name = "proxy";
  sidecar.restart_policy = "Always";
  sidecar.resources.requests["cpu"] = milli(50);
  spec.containers = {app};
  spec.init_containers = {init, sidecar};
  const auto cs = hpa_containers(spec);
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].name == "app");
  CHECK_FALSE(cs[0].is_sidecar);
  CHECK(cs[1].name == "proxy");
  CHECK(cs[1].is_sidecar);
  HPAPodInfo pod = ready_pod("web-0", 250, 300, kNow);
  pod.containers = cs;
  pod.usage->containers["proxy"]["cpu"] = milli(0);
  // 300m of 300m requested (250m + 50m; the plain init container is not counted).
  const auto r = get_resource_replicas(1, 100, "cpu", "", {0.1, 0.1}, {pod}, kNow, HPAConfig{});
  REQUIRE(r.ok);
  CHECK(r.utilization == 100);
}

TEST_CASE("Per-HPA tolerances apply only with a behavior and the gate on") {
  auto hpa = cpu_hpa("web", 1, 10, 50);
  CHECK(hpa_tolerances(hpa, HPAConfig{}).scale_up == doctest::Approx(0.1));
  HPAScalingRules up;
  up.tolerance = Quantity::parse("0.05");
  HPAScalingRules down;
  down.tolerance = Quantity::parse("0.25");
  hpa.behavior = HPABehavior{up, down};
  const auto t = hpa_tolerances(hpa, HPAConfig{});
  CHECK(t.scale_up == doctest::Approx(0.05));
  CHECK(t.scale_down == doctest::Approx(0.25));
  HPAConfig gate_off;
  gate_off.configurable_tolerance = false;
  CHECK(hpa_tolerances(hpa, gate_off).scale_up == doctest::Approx(0.1));
  // 108% of target: inside the default 10% but outside the 5% scale-up tolerance.
  HPAState state;
  state.seen = true;
  HPAInputs in;
  in.spec_replicas = 4;
  in.status_replicas = 4;
  for (int i = 0; i < 4; ++i)
    in.pods.push_back(ready_pod("p" + std::to_string(i), 1000, 540, kNow));
  const auto d = hpa_reconcile(hpa, state, in, kNow, HPAConfig{});
  CHECK(d.proposals[0].current.average_utilization == 54);
  CHECK(d.desired_replicas == 5);  // ceil(1.08 * 4)
}

}  // namespace
}  // namespace simcluster

namespace simcluster {
namespace {

using namespace hpa_test;

TEST_CASE("pods_version: syncs of the same pods reuse their name ids and requests") {
  // The engine keeps its HPAInputs between syncs and promises, by an unchanged
  // pods_version, that the pod list (names, requests) is the same. A run of syncs with
  // changing usage decides exactly as syncs that derive everything afresh.
  auto hpa = cpu_hpa("web", 1, 40, 50);
  HPAState fresh_state = {}, cached_state = {};
  HPAInputs cached = {};
  cached.pods_version = 7;
  SimTime now = kNow;
  for (int64_t usage : {200, 600, 900, 900, 300, 100, 1000, 450}) {
    std::vector<HPAPodInfo> pods;
    for (int i = 0; i < 40; ++i)
      pods.push_back(ready_pod("web-" + std::to_string(i), 500, usage + i, now));
    HPAInputs fresh = {};
    fresh.spec_replicas = 40;
    fresh.status_replicas = 40;
    fresh.pods = pods;
    cached.spec_replicas = 40;
    cached.status_replicas = 40;
    cached.pods = pods;
    const HPADecision a = hpa_reconcile(hpa, fresh_state, fresh, now, HPAConfig{});
    const HPADecision b = hpa_reconcile(hpa, cached_state, cached, now, HPAConfig{});
    CHECK(a.desired_replicas == b.desired_replicas);
    CHECK(a.metric_replicas == b.metric_replicas);
    CHECK(a.rescale == b.rescale);
    CHECK(explain_decision(a) == explain_decision(b));
    now = now + std::chrono::seconds(15);
  }
  REQUIRE(cached.pods_cache != nullptr);

  // The requests come from the cache while the version holds (the caller's promise),
  // and are derived again under a new version.
  std::vector<HPAPodInfo> pods;
  for (int i = 0; i < 40; ++i)
    pods.push_back(ready_pod("web-" + std::to_string(i), 1000, 500, now));
  cached.pods = pods;
  HPAState s1 = cached_state, s2 = cached_state;
  const HPADecision stale = hpa_reconcile(hpa, s1, cached, now, HPAConfig{});
  REQUIRE(stale.proposals.size() == 1);
  CHECK(stale.proposals[0].current.average_utilization == 100);  // 500m of the cached 500m
  cached.pods_version = 8;
  const HPADecision renewed = hpa_reconcile(hpa, s2, cached, now, HPAConfig{});
  REQUIRE(renewed.proposals.size() == 1);
  CHECK(renewed.proposals[0].current.average_utilization == 50);  // 500m of 1000m
}

}  // namespace
}  // namespace simcluster

namespace simcluster {
namespace {

using namespace hpa_test;

TEST_CASE("HPAPodMetricsSample totals: a Resource metric reads them as the containers' sum") {
  // Two containers per pod; the engine gives each sample's totals and leaves the
  // per-container maps empty unless a ContainerResource metric reads them.
  auto hpa = cpu_hpa("web", 1, 20, 50);
  std::vector<HPAPodInfo> with_containers, with_totals;
  for (int i = 0; i < 6; ++i) {
    HPAPodInfo p = ready_pod("web-" + std::to_string(i), 300, 200 + 40 * i, kNow);
    p.containers.push_back({"sidecar", {{"cpu", milli(100)}}, false});
    p.usage->containers["sidecar"]["cpu"] = milli(30);
    with_containers.push_back(p);
    p.usage->cpu_total_milli = 200 + 40 * i + 30;
    p.usage->containers.clear();
    with_totals.push_back(p);
  }
  HPAState s1 = {}, s2 = {};
  HPAInputs a = {}, b = {};
  a.spec_replicas = b.spec_replicas = 6;
  a.status_replicas = b.status_replicas = 6;
  a.pods = with_containers;
  b.pods = with_totals;
  const HPADecision da = hpa_reconcile(hpa, s1, a, kNow, HPAConfig{});
  const HPADecision db = hpa_reconcile(hpa, s2, b, kNow, HPAConfig{});
  REQUIRE(da.proposals.size() == 1);
  REQUIRE(db.proposals.size() == 1);
  CHECK(da.proposals[0].current.average_utilization == db.proposals[0].current.average_utilization);
  CHECK(da.desired_replicas == db.desired_replicas);
  CHECK(explain_decision(da) == explain_decision(db));
  // Without totals, the empty per-container maps make every pod "missing".
  for (HPAPodInfo& p : b.pods) p.usage->cpu_total_milli.reset();
  HPAState s3 = {};
  const HPADecision dc = hpa_reconcile(hpa, s3, b, kNow, HPAConfig{});
  CHECK(dc.desired_replicas != da.desired_replicas);
}

}  // namespace
}  // namespace simcluster
