// Human-readable "why" for an HPA decision, and the API-server validation of
// an HPA object (mirrors k8s pkg/apis/autoscaling/validation/validation.go).
#include <fmt/format.h>

#include "simcluster/error.h"
#include "simcluster/hpa.h"

namespace simcluster {
namespace {

std::string current_value(const HPAMetricStatus& s) {
  if (s.average_utilization) return fmt::format("{}%", *s.average_utilization);
  if (s.average_value) return s.average_value->to_string();
  if (s.value) return s.value->to_string();
  return "?";
}

std::string describe_calculation(const HPAReplicaCalculation& c) {
  std::string out;
  if (c.unready_pods || c.missing_pods || c.ignored_pods)
    out += fmt::format(" [ready {}, unready {}, missing metrics {}, ignored {}]", c.ready_pods,
                       c.unready_pods, c.missing_pods, c.ignored_pods);
  if (c.held_by_tolerance) out += " (within tolerance: keeps current)";
  if (c.held_by_direction_veto)
    out += " (unready/missing pods would reverse the direction: keeps current)";
  return out;
}

std::string describe_limit(const HPANormalization& n) {
  std::string out = n.limit_reason;
  if (n.rate_limit && (n.limit_reason == "ScaleUpLimit" || n.limit_reason == "ScaleDownLimit")) {
    const HPARateLimit& l = *n.rate_limit;
    if (!l.selected_policy) {
      out += fmt::format(" (selectPolicy Disabled: stays at {})", l.limit);
    } else {
      const HPAPolicyLimit& p = l.policies[*l.selected_policy];
      out +=
          fmt::format(" (policy {}: {} {} per {}s from {} replicas at period start allows {})",
                      p.index, p.type, p.value, p.period_seconds, p.period_start_replicas, p.limit);
    }
  }
  return out;
}

}  // namespace

std::string explain_decision(const HPADecision& d) {
  std::string out;
  if (d.rescale) {
    out = fmt::format("{} -> {} replicas: {}", d.current_replicas, d.desired_replicas,
                      d.rescale_reason);
  } else {
    out = fmt::format("{} replicas, unchanged", d.current_replicas);
  }
  switch (d.outcome) {
    case HPAOutcome::kFailedGetScale:
      out += "; the scale target could not be read";
      break;
    case HPAOutcome::kScalingDisabled:
      out += "; scaling is disabled while the target has 0 replicas";
      break;
    case HPAOutcome::kAboveMaxReplicas:
    case HPAOutcome::kBelowMinReplicas:
      out += "; clamped to [minReplicas, maxReplicas] without reading metrics";
      break;
    case HPAOutcome::kInvalidSelector:
    case HPAOutcome::kMetricsFailed:
      out += fmt::format("; not scaled: {}", d.metric_error);
      break;
    case HPAOutcome::kNormalized:
      break;
  }
  out += "\n";
  for (const auto& p : d.proposals) {
    if (p.is_valid) {
      out += fmt::format("  metric {}: {} is {} (target {}): proposes {}{}{}\n", p.index, p.metric,
                         current_value(p.current), p.target, p.replicas,
                         describe_calculation(p.calculation),
                         d.winning_metric == p.index ? " <- highest" : "");
    } else {
      out += fmt::format("  metric {}: {} {} failed ({}{}): {}\n", p.index, p.type, p.current.name,
                         p.reason, p.is_simulated ? "" : ", not simulated", p.error);
    }
  }
  if (d.outcome == HPAOutcome::kNormalized) {
    const HPANormalization& n = d.normalization;
    out += fmt::format("  recommendation {}", n.desired);
    if (!n.stabilization_reason.empty())
      out += fmt::format(", stabilized to {} ({})", n.stabilized, n.stabilization_reason);
    if (n.result != n.stabilized)
      out += fmt::format(", limited to {} by {}", n.result, describe_limit(n));
    out += "\n";
  }
  for (const auto& c : d.status.conditions)
    out += fmt::format("  {}={} {}: {}\n", c.type, c.status, c.reason, c.message);
  return out;
}

void validate_hpa(const HorizontalPodAutoscaler& hpa, const HPAConfig& cfg) {
  const SourceLocation& where = hpa.metadata.source;
  const std::string& name = hpa.metadata.name;
  const std::vector<MetricSpec> metrics = effective_metrics(hpa);
  bool has_object_or_external = false;
  for (const auto& m : metrics)
    has_object_or_external |= m.type == "Object" || m.type == "External";
  if (hpa.min_replicas) {
    const int32_t lower = cfg.scale_to_zero && has_object_or_external ? 0 : 1;
    if (*hpa.min_replicas < lower)
      fail(where,
           "HorizontalPodAutoscaler {}: spec.minReplicas: must be greater than or equal to {}",
           name, lower);
  }
  if (hpa.max_replicas < 1)
    fail(where, "HorizontalPodAutoscaler {}: spec.maxReplicas: must be greater than 0", name);
  if (hpa.max_replicas < hpa.min_replicas.value_or(1))
    fail(where,
         "HorizontalPodAutoscaler {}: spec.maxReplicas: must be greater than or equal to "
         "`minReplicas`",
         name);

  for (const auto& m : metrics) {
    const SourceLocation& at = m.source.file.empty() ? where : m.source;
    const MetricTarget& t = m.target;
    if (m.type == "Resource" || m.type == "ContainerResource") {
      if (m.resource_name.empty())
        fail(at, "HorizontalPodAutoscaler {}: {} metric: must specify a resource name", name,
             m.type);
      if (m.type == "ContainerResource" && m.container.empty())
        fail(at, "HorizontalPodAutoscaler {}: ContainerResource metric: must specify a container",
             name);
      if (t.type != "Utilization" && t.type != "AverageValue")
        fail(at,
             "HorizontalPodAutoscaler {}: {} metric {}: target.type must be Utilization or "
             "AverageValue, not '{}'",
             name, m.type, m.resource_name, t.type);
    } else if (m.type == "Pods") {
      if (t.type != "AverageValue")
        fail(at, "HorizontalPodAutoscaler {}: Pods metric {}: target.type must be AverageValue",
             name, m.metric_name);
    } else if (m.type == "Object" || m.type == "External") {
      if (t.type != "Value" && t.type != "AverageValue")
        fail(at,
             "HorizontalPodAutoscaler {}: {} metric {}: target.type must be Value or AverageValue",
             name, m.type, m.metric_name);
    } else {
      fail(at,
           "HorizontalPodAutoscaler {}: unknown metric type '{}' (Resource, ContainerResource, "
           "Pods, Object or External)",
           name, m.type);
    }
    if (t.type == "Utilization" && !(t.average_utilization && *t.average_utilization > 0))
      fail(at, "HorizontalPodAutoscaler {}: target.averageUtilization: must be greater than 0",
           name);
    if (t.type == "AverageValue" && !(t.average_value && *t.average_value > Quantity{}))
      fail(at, "HorizontalPodAutoscaler {}: target.averageValue: must be positive", name);
    if (t.type == "Value" && !(t.value && *t.value > Quantity{}))
      fail(at, "HorizontalPodAutoscaler {}: target.value: must be positive", name);
  }

  if (!hpa.behavior) return;
  const auto check_rules = [&](const std::optional<HPAScalingRules>& rules, const char* dir) {
    if (!rules) return;
    if (rules->stabilization_window_seconds &&
        (*rules->stabilization_window_seconds < 0 || *rules->stabilization_window_seconds > 3600))
      fail(where,
           "HorizontalPodAutoscaler {}: behavior.{}.stabilizationWindowSeconds: must be in [0, "
           "3600]",
           name, dir);
    if (rules->select_policy && *rules->select_policy != "Max" && *rules->select_policy != "Min" &&
        *rules->select_policy != "Disabled")
      fail(where,
           "HorizontalPodAutoscaler {}: behavior.{}.selectPolicy: must be Max, Min or Disabled, "
           "not '{}'",
           name, dir, *rules->select_policy);
    if (rules->tolerance && *rules->tolerance < Quantity{})
      fail(where, "HorizontalPodAutoscaler {}: behavior.{}.tolerance: must be non-negative", name,
           dir);
    for (const auto& p : rules->policies) {
      if (p.type != "Pods" && p.type != "Percent")
        fail(where,
             "HorizontalPodAutoscaler {}: behavior.{}.policies: type must be Pods or Percent, not "
             "'{}'",
             name, dir, p.type);
      if (p.value <= 0)
        fail(where,
             "HorizontalPodAutoscaler {}: behavior.{}.policies: value must be greater than 0", name,
             dir);
      if (p.period_seconds <= 0 || p.period_seconds > 1800)
        fail(where,
             "HorizontalPodAutoscaler {}: behavior.{}.policies: periodSeconds must be in (0, 1800]",
             name, dir);
    }
  };
  check_rules(hpa.behavior->scale_up, "scaleUp");
  check_rules(hpa.behavior->scale_down, "scaleDown");
}

}  // namespace simcluster
