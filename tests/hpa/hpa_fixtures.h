// Test fixtures for the HPA tests, shaped like the fixtures of k8s
// pkg/controller/podautoscaler/replica_calculator_test.go (calcScenario) and
// horizontal_test.go (generateScalingRules, generateEventsUniformDistribution).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simcluster/hpa.h"

namespace simcluster::hpa_test {

inline Quantity milli(int64_t v) { return Quantity::from_milli(v); }
inline SimTime seconds_ago(SimTime now, int64_t s) { return now - std::chrono::seconds(s); }

// The upstream test controller runs with a 2 min CPU initialization period
// and a 10 s initial readiness delay (defaultTesting* constants).
inline HPAConfig upstream_test_config() {
  HPAConfig cfg;
  cfg.cpu_initialization_period = std::chrono::minutes(2);
  cfg.initial_readiness_delay = std::chrono::seconds(10);
  return cfg;
}

// "now" in the ported tests; SimTime{0} stands for Go's zero time (long ago).
inline constexpr SimTime kNow = SimTime::from_seconds(3600);
inline SimTime hot_start() { return kNow; }                             // timeNow()
inline SimTime cool_start() { return kNow - std::chrono::minutes(3); }  // time3MinsAgo()

// calcScenario: pods "test-pod-<i>" with two containers that each request
// requests[i] of cpu; levels[i][j] is the cpu usage of container j of pod i
// (a shorter row leaves an unnamed container without usage, as upstream's
// fake metrics client does, which makes the pod "missing").
struct CalcScenario {
  int32_t current_replicas = 0;
  std::vector<int64_t> requests_milli;        // per container; empty entry => no request
  std::vector<std::vector<int64_t>> levels;   // per pod, per container
  std::vector<std::string> metric_pod_names;  // overrides the sample's pod name
  std::vector<bool> ready;                    // default true
  std::vector<SimTime> start_times;           // default SimTime{0}
  std::vector<PodPhase> phases;               // default Running
  std::vector<bool> deleting;                 // default false
  std::vector<int64_t> custom_levels;         // Pods metric "qps" per pod
};

// Same as makePodMetricLevels: both containers of pod i report v[i].
inline std::vector<std::vector<int64_t>> pod_levels(std::vector<int64_t> v) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t x : v) out.push_back({x, x});
  return out;
}

inline std::vector<HPAPodInfo> build_pods(const CalcScenario& s) {
  const size_t n = std::max<size_t>(static_cast<size_t>(s.current_replicas), s.phases.size());
  std::vector<HPAPodInfo> pods;
  for (size_t i = 0; i < n; ++i) {
    HPAPodInfo p;
    p.name = "test-pod-" + std::to_string(i);
    p.ready = i < s.ready.size() ? s.ready[i] : true;
    p.ready_transition = SimTime{};
    p.start_time = i < s.start_times.size() ? s.start_times[i] : SimTime{};
    p.phase = i < s.phases.size() ? s.phases[i] : PodPhase::kRunning;
    p.is_deleting = i < s.deleting.size() && s.deleting[i];
    for (int c = 1; c <= 2; ++c) {
      HPAContainerInfo ci{"container" + std::to_string(c), {}, false};
      if (i < s.requests_milli.size()) ci.requests["cpu"] = milli(s.requests_milli[i]);
      p.containers.push_back(ci);
    }
    if (i < s.custom_levels.size()) p.custom_metrics["qps"] = milli(s.custom_levels[i]);
    pods.push_back(p);
  }
  for (size_t i = 0; i < s.levels.size(); ++i) {
    HPAPodMetricsSample sample;
    sample.timestamp = SimTime{};
    sample.window = std::chrono::minutes(1);
    for (size_t j = 0; j < 2; ++j) {
      if (j < s.levels[i].size()) {
        sample.containers["container" + std::to_string(j + 1)] = {{"cpu", milli(s.levels[i][j])}};
      } else {
        sample.containers[""] = {};  // a container entry without usage
      }
    }
    const std::string name =
        i < s.metric_pod_names.size() ? s.metric_pod_names[i] : "test-pod-" + std::to_string(i);
    auto it = std::find_if(pods.begin(), pods.end(),
                           [&](const HPAPodInfo& p) { return p.name == name && p.in_pod_list; });
    if (it != pods.end()) {
      it->usage = sample;
    } else {
      HPAPodInfo ghost;  // metrics for a pod the lister does not return
      ghost.name = name;
      ghost.in_pod_list = false;
      ghost.usage = sample;
      pods.push_back(ghost);
    }
  }
  return pods;
}

// generateScalingRules(pods, podsPeriod, percent, percentPeriod, window), selectPolicy Max.
inline HPAScalingRules scaling_rules(int32_t pods, int32_t pods_period, int32_t percent,
                                     int32_t percent_period, int32_t window) {
  HPAScalingRules r;
  r.stabilization_window_seconds = window;
  r.select_policy = "Max";
  if (pods != 0) r.policies.push_back(HPAScalingPolicy{"Pods", pods, pods_period});
  if (percent != 0) r.policies.push_back(HPAScalingPolicy{"Percent", percent, percent_period});
  return r;
}

// generateEventsUniformDistribution: events spread over the last period,
// each in the middle of its segment (whole seconds, truncated as upstream).
inline std::vector<HPAScaleEvent> uniform_events(std::vector<int32_t> changes, int period_seconds,
                                                 SimTime now) {
  std::vector<HPAScaleEvent> out;
  const double segment = static_cast<double>(period_seconds) / static_cast<double>(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    const auto back = static_cast<int64_t>(static_cast<double>(period_seconds) -
                                           segment * static_cast<double>(i + 1) + segment / 2);
    out.push_back(HPAScaleEvent{changes[i], now - std::chrono::seconds(back), false});
  }
  return out;
}

// A single-container pod for reconcile tests: ready since long ago, with a
// cpu (and optionally memory) request and usage sample.
inline HPAPodInfo ready_pod(const std::string& name, int64_t cpu_request_milli,
                            std::optional<int64_t> cpu_usage_milli, SimTime now,
                            std::optional<int64_t> mem_request_bytes = std::nullopt,
                            std::optional<int64_t> mem_usage_bytes = std::nullopt) {
  HPAPodInfo p;
  p.name = name;
  p.ready = true;
  p.start_time = now - std::chrono::hours(1);
  p.ready_transition = now - std::chrono::hours(1);
  HPAContainerInfo c{"app", {{"cpu", milli(cpu_request_milli)}}, false};
  if (mem_request_bytes) c.requests["memory"] = Quantity::from_value(*mem_request_bytes);
  p.containers.push_back(c);
  if (cpu_usage_milli) {
    HPAPodMetricsSample s;
    s.timestamp = now - std::chrono::seconds(10);
    s.window = std::chrono::seconds(30);
    s.containers["app"]["cpu"] = milli(*cpu_usage_milli);
    if (mem_usage_bytes) s.containers["app"]["memory"] = Quantity::from_value(*mem_usage_bytes);
    p.usage = s;
  }
  return p;
}

// An HPA on Deployment `name` with a CPU utilization target.
inline HorizontalPodAutoscaler cpu_hpa(const std::string& name, int32_t min, int32_t max,
                                       int32_t cpu_target) {
  HorizontalPodAutoscaler hpa;
  hpa.metadata.name = name;
  hpa.metadata.ns = "default";
  hpa.scale_target_ref = CrossVersionObjectReference{"apps/v1", "Deployment", name};
  hpa.min_replicas = min;
  hpa.max_replicas = max;
  MetricSpec m;
  m.type = "Resource";
  m.resource_name = "cpu";
  m.target.type = "Utilization";
  m.target.average_utilization = cpu_target;
  hpa.metrics.push_back(m);
  return hpa;
}

// The conditions as (type, status, reason) triples, like statusOkWithOverrides.
struct Cond {
  std::string type, status, reason;
  friend bool operator==(const Cond&, const Cond&) = default;
};
inline std::vector<Cond> conditions_of(const HPAStatus& s) {
  std::vector<Cond> out;
  for (const auto& c : s.conditions) out.push_back(Cond{c.type, c.status, c.reason});
  return out;
}

}  // namespace simcluster::hpa_test
