// HPA normalization: stabilization windows, scaling policies (rate limits),
// min/max clamping and the scale-event history.
// Mirrors k8s pkg/controller/podautoscaler/horizontal.go (normalizeDesiredReplicas,
// normalizeDesiredReplicasWithBehaviors, stabilizeRecommendation[WithBehaviors],
// convertDesiredReplicasWithRules, convertDesiredReplicasWithBehaviorRate,
// calculateScale{Up,Down}Limit*, storeScaleEvent, markScaleEventsOutdated) and
// pkg/apis/autoscaling/v2/defaults.go (GenerateHPAScale{Up,Down}Rules).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include "hpa/replica_calculator.h"
#include "simcluster/hpa.h"

namespace simcluster {
namespace {

constexpr char kMax[] = "Max";
constexpr char kMin[] = "Min";
constexpr char kDisabled[] = "Disabled";

SimDuration seconds(int64_t s) { return std::chrono::seconds(s); }

int32_t longest_policy_period(const HPAScalingRules& rules) {
  int32_t longest = 0;
  for (const auto& p : rules.policies) longest = std::max(longest, p.period_seconds);
  return longest;
}

// Overwrites the last entry older than the cutoff(s), else appends: the
// history never grows beyond the entries still inside the window(s) plus one.
void record_recommendation(std::vector<HPARecommendation>& recs, bool found_old, size_t old_index,
                           int32_t desired, SimTime now) {
  if (found_old) {
    recs[old_index] = HPARecommendation{desired, now};
  } else {
    recs.push_back(HPARecommendation{desired, now});
  }
}

// One direction's policy evaluation; `up` selects the Pods/Percent formulas.
HPARateLimit policy_limit(int32_t current, const std::vector<HPAScaleEvent>& up_events,
                          const std::vector<HPAScaleEvent>& down_events,
                          const HPAScalingRules& rules, SimTime now, bool up) {
  HPARateLimit out;
  // Both arms are string_views: `std::string : const char[]` would make a
  // temporary std::string that dies at the end of this line (clang -Wdangling-gsl).
  const std::string_view select =
      rules.select_policy ? std::string_view(*rules.select_policy) : std::string_view(kMax);
  if (select == kDisabled) {
    out.limit = current;  // scaling in this direction is disabled
    return out;
  }
  // Scale-up: Max picks the largest bound; scale-down: Max (largest change)
  // picks the smallest floor. Min is the opposite.
  const bool pick_largest = up ? select != kMin : select == kMin;
  int32_t result =
      pick_largest ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
  for (size_t i = 0; i < rules.policies.size(); ++i) {
    const HPAScalingPolicy& p = rules.policies[i];
    const int32_t added = get_replicas_change_per_period(p.period_seconds, up_events, now);
    const int32_t deleted = get_replicas_change_per_period(p.period_seconds, down_events, now);
    const int32_t period_start = current - added + deleted;
    int32_t proposed = 0;
    if (p.type == "Pods") {
      proposed = up ? period_start + p.value : period_start - p.value;
    } else if (p.type == "Percent") {
      const double factor = static_cast<double>(p.value) / 100.0;
      if (up) {
        // Rounded up, or a small percentage would never add a pod.
        proposed =
            static_cast<int32_t>(std::ceil(static_cast<double>(period_start) * (1 + factor)));
      } else {
        proposed = static_cast<int32_t>(static_cast<double>(period_start) * (1 - factor));
      }
    }
    out.policies.push_back(
        HPAPolicyLimit{i, p.type, p.value, p.period_seconds, period_start, proposed});
    const bool better = pick_largest ? proposed > result : proposed < result;
    if (better) {
      result = proposed;
      out.selected_policy = i;
    }
  }
  out.limit = result;
  return out;
}

}  // namespace

HPAScalingRules generate_scale_up_rules(const std::optional<HPAScalingRules>& rules) {
  HPAScalingRules out;
  out.stabilization_window_seconds = 0;
  out.select_policy = kMax;
  out.policies = {HPAScalingPolicy{"Pods", 4, 15}, HPAScalingPolicy{"Percent", 100, 15}};
  if (!rules) return out;
  if (rules->stabilization_window_seconds)
    out.stabilization_window_seconds = rules->stabilization_window_seconds;
  if (rules->select_policy) out.select_policy = rules->select_policy;
  if (!rules->policies.empty()) out.policies = rules->policies;
  if (rules->tolerance) out.tolerance = rules->tolerance;
  return out;
}

HPAScalingRules generate_scale_down_rules(const std::optional<HPAScalingRules>& rules,
                                          const HPAConfig& cfg) {
  HPAScalingRules out;
  out.select_policy = kMax;
  out.policies = {HPAScalingPolicy{"Percent", 100, 15}};
  if (rules) {
    if (rules->stabilization_window_seconds)
      out.stabilization_window_seconds = rules->stabilization_window_seconds;
    if (rules->select_policy) out.select_policy = rules->select_policy;
    if (!rules->policies.empty()) out.policies = rules->policies;
    if (rules->tolerance) out.tolerance = rules->tolerance;
  }
  // maybeInitScaleDownStabilizationWindow: the flag fills a nil window.
  if (!out.stabilization_window_seconds) {
    out.stabilization_window_seconds = static_cast<int32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(cfg.downscale_stabilization).count());
  }
  return out;
}

HPABehavior default_behavior(const HPABehavior& behavior, const HPAConfig& cfg) {
  return HPABehavior{generate_scale_up_rules(behavior.scale_up),
                     generate_scale_down_rules(behavior.scale_down, cfg)};
}

int32_t get_replicas_change_per_period(int32_t period_seconds,
                                       const std::vector<HPAScaleEvent>& events, SimTime now) {
  const SimTime cutoff = now - seconds(period_seconds);
  int32_t replicas = 0;
  for (const auto& e : events)
    if (e.timestamp > cutoff) replicas += e.replica_change;  // strictly newer
  return replicas;
}

HPARateLimit calculate_scale_up_limit_with_scaling_rules(
    int32_t current_replicas, const std::vector<HPAScaleEvent>& scale_up_events,
    const std::vector<HPAScaleEvent>& scale_down_events, const HPAScalingRules& rules,
    SimTime now) {
  return policy_limit(current_replicas, scale_up_events, scale_down_events, rules, now, true);
}

HPARateLimit calculate_scale_down_limit_with_behaviors(
    int32_t current_replicas, const std::vector<HPAScaleEvent>& scale_up_events,
    const std::vector<HPAScaleEvent>& scale_down_events, const HPAScalingRules& rules,
    SimTime now) {
  return policy_limit(current_replicas, scale_up_events, scale_down_events, rules, now, false);
}

void mark_scale_events_outdated(std::vector<HPAScaleEvent>& events, int32_t longest_period_seconds,
                                SimTime now) {
  const SimTime cutoff = now - seconds(longest_period_seconds);
  for (auto& e : events)
    if (e.timestamp < cutoff) e.outdated = true;
}

void store_scale_event(HPAState& state, const std::optional<HPABehavior>& behavior,
                       int32_t prev_replicas, int32_t new_replicas, SimTime now) {
  if (!behavior) return;  // the legacy path never reads events
  const bool up = new_replicas > prev_replicas;
  // Only the policies' periods matter here, so the default config will do.
  const HPAScalingRules rules = up ? generate_scale_up_rules(behavior->scale_up)
                                   : generate_scale_down_rules(behavior->scale_down, HPAConfig{});
  std::vector<HPAScaleEvent>& events = up ? state.scale_up_events : state.scale_down_events;
  mark_scale_events_outdated(events, longest_policy_period(rules), now);
  std::optional<size_t> old_index;
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i].outdated) old_index = i;
  const HPAScaleEvent event{up ? new_replicas - prev_replicas : prev_replicas - new_replicas, now,
                            false};
  if (old_index) {
    events[*old_index] = event;
  } else {
    events.push_back(event);
  }
}

HPANormalization normalize_desired_replicas(std::vector<HPARecommendation>& recommendations,
                                            int32_t current_replicas, int32_t desired_replicas,
                                            int32_t min_replicas, int32_t max_replicas, SimTime now,
                                            const HPAConfig& cfg) {
  HPANormalization n;
  n.desired = desired_replicas;

  // stabilizeRecommendation: the max over the window; entries exactly at the
  // cutoff still count (only strictly older ones are recycled).
  const SimTime cutoff = now - cfg.downscale_stabilization;
  int32_t max_recommendation = desired_replicas;
  bool found_old = false;
  size_t old_index = 0;
  for (size_t i = 0; i < recommendations.size(); ++i) {
    const auto& rec = recommendations[i];
    if (rec.timestamp < cutoff) {
      found_old = true;
      old_index = i;
    } else if (rec.replicas > max_recommendation) {
      max_recommendation = rec.replicas;
    }
  }
  record_recommendation(recommendations, found_old, old_index, desired_replicas, now);
  n.stabilized = max_recommendation;
  if (n.stabilized != desired_replicas) {
    n.stabilization_reason = "ScaleDownStabilized";
    n.stabilization_message =
        "recent recommendations were higher than current one, applying the highest recent "
        "recommendation";
  }

  // convertDesiredReplicasWithRules. Example: current 3, max 10: up-limit
  // trunc(max(2 * 3, 4)) = 6, so a recommendation of 20 becomes 6.
  const auto scale_up_limit = static_cast<int32_t>(
      std::max(cfg.scale_up_limit_factor * static_cast<double>(current_replicas),
               cfg.scale_up_limit_minimum));
  int32_t maximum_allowed = 0;
  std::string reason, message;
  if (max_replicas > scale_up_limit) {
    maximum_allowed = scale_up_limit;
    reason = "ScaleUpLimit";
    message = "the desired replica count is increasing faster than the maximum scale rate";
  } else {
    maximum_allowed = max_replicas;
    reason = "TooManyReplicas";
    message = "the desired replica count is more than the maximum replica count";
  }
  if (n.stabilized < min_replicas) {
    n.result = min_replicas;
    n.limit_reason = "TooFewReplicas";
    n.limit_message = "the desired replica count is less than the minimum replica count";
  } else if (n.stabilized > maximum_allowed) {
    n.result = maximum_allowed;
    n.limit_reason = reason;
    n.limit_message = message;
  } else {
    n.result = n.stabilized;
    n.limit_reason = "DesiredWithinRange";
    n.limit_message = "the desired count is within the acceptable range";
  }
  return n;
}

namespace hpa_internal {

namespace {
// Defaulting (generate_scale_*_rules) returns a direction unchanged when its
// window and selectPolicy are set and it has policies.
bool is_defaulted(const std::optional<HPAScalingRules>& rules) {
  return rules && rules->stabilization_window_seconds && rules->select_policy &&
         !rules->policies.empty();
}
}  // namespace

const HPAScalingRules& defaulted_scale_up_rules(const std::optional<HPAScalingRules>& rules,
                                                std::optional<HPAScalingRules>& storage) {
  return is_defaulted(rules) ? *rules : storage.emplace(generate_scale_up_rules(rules));
}

const HPAScalingRules& defaulted_scale_down_rules(const std::optional<HPAScalingRules>& rules,
                                                  const HPAConfig& cfg,
                                                  std::optional<HPAScalingRules>& storage) {
  return is_defaulted(rules) ? *rules : storage.emplace(generate_scale_down_rules(rules, cfg));
}

}  // namespace hpa_internal

HPANormalization normalize_desired_replicas_with_behaviors(
    HPAState& state, const HPABehavior& behavior, int32_t current_replicas,
    int32_t desired_replicas, int32_t min_replicas, int32_t max_replicas, SimTime now) {
  // The defaults only when a direction is unset (no copy of a set one).
  std::optional<HPAScalingRules> up_default, down_default;
  const HPAScalingRules& up_rules = behavior.scale_up
                                        ? *behavior.scale_up
                                        : up_default.emplace(generate_scale_up_rules(std::nullopt));
  const HPAScalingRules& down_rules =
      behavior.scale_down
          ? *behavior.scale_down
          : down_default.emplace(generate_scale_down_rules(std::nullopt, HPAConfig{}));
  return hpa_internal::normalize_desired_replicas_with_rules(state, up_rules, down_rules,
                                                             current_replicas, desired_replicas,
                                                             min_replicas, max_replicas, now);
}

HPANormalization hpa_internal::normalize_desired_replicas_with_rules(
    HPAState& state, const HPAScalingRules& up_rules, const HPAScalingRules& down_rules,
    int32_t current_replicas, int32_t desired_replicas, int32_t min_replicas, int32_t max_replicas,
    SimTime now) {
  HPANormalization n;
  n.desired = desired_replicas;

  // stabilizeRecommendationWithBehaviors: hold the result inside
  // [min of recent recs (up window), max of recent recs (down window)].
  // Example: current 5, desired 3, recs {8@-100s, 4@-20s}, windows up 0 /
  // down 300s: downRec = 8, upRec = 3 -> stabilized = clamp(5, 3, 8) = 5.
  const SimTime up_cutoff = now - seconds(up_rules.stabilization_window_seconds.value_or(0));
  const SimTime down_cutoff = now - seconds(down_rules.stabilization_window_seconds.value_or(300));
  int32_t up_recommendation = desired_replicas;
  int32_t down_recommendation = desired_replicas;
  bool found_old = false;
  size_t old_index = 0;
  for (size_t i = 0; i < state.recommendations.size(); ++i) {
    const auto& rec = state.recommendations[i];
    if (rec.timestamp > up_cutoff) up_recommendation = std::min(rec.replicas, up_recommendation);
    if (rec.timestamp > down_cutoff)
      down_recommendation = std::max(rec.replicas, down_recommendation);
    if (rec.timestamp < up_cutoff && rec.timestamp < down_cutoff) {
      found_old = true;
      old_index = i;
    }
  }
  int32_t stabilized = current_replicas;
  if (stabilized < up_recommendation) stabilized = up_recommendation;
  if (stabilized > down_recommendation) stabilized = down_recommendation;
  record_recommendation(state.recommendations, found_old, old_index, desired_replicas, now);
  n.stabilized = stabilized;
  if (stabilized != desired_replicas) {
    if (desired_replicas >= current_replicas) {
      n.stabilization_reason = "ScaleUpStabilized";
      n.stabilization_message =
          "recent recommendations were lower than current one, applying the lowest recent "
          "recommendation";
    } else {
      n.stabilization_reason = "ScaleDownStabilized";
      n.stabilization_message =
          "recent recommendations were higher than current one, applying the highest recent "
          "recommendation";
    }
  }

  // convertDesiredReplicasWithBehaviorRate.
  n.result = stabilized;
  n.limit_reason = "DesiredWithinRange";
  n.limit_message = "the desired count is within the acceptable range";
  if (stabilized > current_replicas) {
    HPARateLimit limit = calculate_scale_up_limit_with_scaling_rules(
        current_replicas, state.scale_up_events, state.scale_down_events, up_rules, now);
    // Never below current: no further scale-up until old events expire.
    if (limit.limit < current_replicas) limit.limit = current_replicas;
    int32_t maximum_allowed = max_replicas;
    const char* reason = "TooManyReplicas";
    const char* message = "the desired replica count is more than the maximum replica count";
    if (maximum_allowed > limit.limit) {
      maximum_allowed = limit.limit;
      reason = "ScaleUpLimit";
      message = "the desired replica count is increasing faster than the maximum scale rate";
    }
    n.rate_limit = std::move(limit);
    n.rate_limit_direction = "ScaleUp";
    if (stabilized > maximum_allowed) {
      n.result = maximum_allowed;
      n.limit_reason = reason;
      n.limit_message = message;
    }
  } else if (stabilized < current_replicas) {
    HPARateLimit limit = calculate_scale_down_limit_with_behaviors(
        current_replicas, state.scale_up_events, state.scale_down_events, down_rules, now);
    if (limit.limit > current_replicas) limit.limit = current_replicas;
    int32_t minimum_allowed = min_replicas;
    const char* reason = "TooFewReplicas";
    const char* message = "the desired replica count is less than the minimum replica count";
    if (minimum_allowed < limit.limit) {
      minimum_allowed = limit.limit;
      reason = "ScaleDownLimit";
      message = "the desired replica count is decreasing faster than the maximum scale rate";
    }
    n.rate_limit = std::move(limit);
    n.rate_limit_direction = "ScaleDown";
    if (stabilized < minimum_allowed) {
      n.result = minimum_allowed;
      n.limit_reason = reason;
      n.limit_message = message;
    }
  }
  return n;
}

}  // namespace simcluster
