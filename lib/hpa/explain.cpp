// Human-readable "why" for an HPA decision, and the API-server validation of
// an HPA object (mirrors k8s pkg/apis/autoscaling/validation/validation.go).
#include <fmt/format.h>

#include "simcluster/api_validation.h"
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
  const std::vector<ApiViolation> v =
      hpa_api_violations(hpa, FeatureGates{.hpa_scale_to_zero = cfg.scale_to_zero});
  if (!v.empty()) throw v.front().error();
}

}  // namespace simcluster
