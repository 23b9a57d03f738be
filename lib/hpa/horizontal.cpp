// One reconcile of a HorizontalPodAutoscaler, as a pure function.
// Mirrors k8s pkg/controller/podautoscaler/horizontal.go: reconcileAutoscaler,
// computeReplicasForMetrics, computeReplicasForMetric, computeStatusFor*Metric,
// validateAndParseSelector, setCondition, setStatus, tolerancesForHpa.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <string_view>
#include <utility>

#include "hpa/replica_calculator.h"
#include "simcluster/hpa.h"

namespace simcluster {
// HPAInputs::pods_version: what a sync derived from the pod list alone.
struct HPAPodsCache {
  uint64_t version = 0;
  hpa_internal::PodNameIds ids;
  std::map<std::pair<std::string, std::string>, hpa_internal::CachedRequests> requests;
};

namespace {

constexpr char kTrue[] = "True";
constexpr char kFalse[] = "False";

// Assigns only a changed text: a condition re-set to the same words (most
// syncs) reuses its strings.
void assign(std::string& to, std::string_view from) {
  if (to != from) to.assign(from);
}

// setConditionInList: keeps the position of an existing condition, appends a
// new type, and moves lastTransitionTime only when the status flips.
void set_condition(HPAStatus& status, std::string_view type, std::string_view value,
                   std::string_view reason, std::string_view message, SimTime now) {
  auto it = std::find_if(status.conditions.begin(), status.conditions.end(),
                         [&](const HPACondition& c) { return c.type == type; });
  if (it == status.conditions.end()) {
    status.conditions.push_back(HPACondition{std::string(type), "", "", "", now});
    it = status.conditions.end() - 1;
  }
  if (it->status != value) it->last_transition_time = now;
  assign(it->status, value);
  assign(it->reason, reason);
  assign(it->message, message);
}

void remove_condition(HPAStatus& status, const std::string& type) {
  std::erase_if(status.conditions, [&](const HPACondition& c) { return c.type == type; });
}

bool condition_is_true(const HPAStatus& status, const std::string& type) {
  for (const auto& c : status.conditions)
    if (c.type == type) return c.status == kTrue;
  return false;
}

// The %+v rendering of a *metav1.LabelSelector that upstream puts in External
// metric names: "<nil>" or the generated String() form.
std::string selector_string(const std::optional<LabelSelector>& s) {
  if (!s) return "<nil>";
  std::string labels;
  for (const auto& [k, v] : s->match_labels) labels += fmt::format("{}: {},", k, v);
  std::string exprs;
  for (const auto& e : s->match_expressions) {
    const char* op = e.op == LabelSelectorRequirement::Op::kIn       ? "In"
                     : e.op == LabelSelectorRequirement::Op::kNotIn  ? "NotIn"
                     : e.op == LabelSelectorRequirement::Op::kExists ? "Exists"
                                                                     : "DoesNotExist";
    exprs += fmt::format("LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},", e.key, op,
                         fmt::join(e.values, " "));
  }
  return fmt::format(
      "&LabelSelector{{MatchLabels:map[string]string{{{}}},MatchExpressions:[]"
      "LabelSelectorRequirement{{{}}},}}",
      labels, exprs);
}

std::string target_string(const MetricTarget& t) {
  if (t.average_value) return t.average_value->to_string();
  if (t.average_utilization) return std::to_string(*t.average_utilization) + "%";
  if (t.value) return t.value->to_string();
  return "<unset>";
}

Quantity milli_quantity(const std::string& resource, int64_t milli) {
  // buildQuantity: memory is formatted BinarySI, as metrics-server reports it.
  return Quantity::from_milli(
      milli, resource == "memory" ? QuantityFormat::kBinarySI : QuantityFormat::kDecimalSI);
}

// Everything computeReplicasForMetric produces for one metric spec.
struct MetricOutcome {
  HPAMetricProposal proposal;
  std::string error;       // the error returned to computeReplicasForMetrics
  HPACondition condition;  // the ScalingActive=False condition on failure
};

class Reconciler {
 public:
  Reconciler(const HorizontalPodAutoscaler& hpa, HPAState& state, const HPAInputs& in, SimTime now,
             const HPAConfig& cfg)
      : hpa_(hpa), state_(state), in_(in), now_(now), cfg_(cfg), status_(state.status) {
    // spec.metrics, or the default CPU metric (effective_metrics), without a copy.
    if (hpa.metrics.empty()) default_metrics_ = effective_metrics(hpa);
    // The same pods as at an earlier sync: reuse what was derived from them.
    if (in.pods_version != 0) {
      if (!in.pods_cache || in.pods_cache->version != in.pods_version) {
        in.pods_cache = std::make_shared<HPAPodsCache>();
        in.pods_cache->version = in.pods_version;
        in.pods_cache->ids = hpa_internal::pod_name_ids(in.pods);
      }
      pod_ids_ptr_ = &in.pods_cache->ids;
      scratch_.requests_cache = &in.pods_cache->requests;
    }
  }

  HPADecision run();

 private:
  void condition(std::string_view type, std::string_view value, std::string_view reason,
                 std::string_view message) {
    set_condition(status_, type, value, reason, message, now_);
  }
  // The same with a formatted message, built in a stack buffer.
  template <typename... T>
  void condition_fmt(std::string_view type, std::string_view value, std::string_view reason,
                     fmt::format_string<T...> message, T&&... args) {
    fmt::memory_buffer buf;
    fmt::format_to(std::back_inserter(buf), message, std::forward<T>(args)...);
    condition(type, value, reason, std::string_view(buf.data(), buf.size()));
  }
  const std::vector<MetricSpec>& metric_specs() const {
    return hpa_.metrics.empty() ? default_metrics_ : hpa_.metrics;
  }
  void event(const char* type, std::string reason, std::string message) {
    decision_.events.push_back(HPAEvent{type, std::move(reason), std::move(message)});
  }
  // getUnableComputeReplicaCountCondition.
  HPACondition unable_condition(const std::string& reason, const std::string& err) {
    event("Warning", reason, err);
    return HPACondition{"ScalingActive", kFalse, reason,
                        fmt::format("the HPA was unable to compute the replica count: {}", err),
                        now_};
  }
  std::string reference() const {
    return fmt::format("{}/{}/{}", hpa_.scale_target_ref.kind, hpa_.metadata.ns,
                       hpa_.scale_target_ref.name);
  }

  std::optional<int32_t> compute_replicas_for_metrics(int32_t current);
  // Each fills `out` (a default MetricOutcome).
  void compute_replicas_for_metric(const MetricSpec& spec, size_t index, int32_t current,
                                   MetricOutcome& out);
  void resource_metric(const MetricSpec& spec, MetricOutcome& out, int32_t current);
  void pods_metric(const MetricSpec& spec, MetricOutcome& out, int32_t current);
  void object_metric(const MetricSpec& spec, MetricOutcome& out, int32_t current);
  void external_metric(const MetricSpec& spec, MetricOutcome& out, int32_t current);

  // setStatus / setCurrentReplicasAndMetricsInStatus.
  void set_status(int32_t current, int32_t desired, bool rescale) {
    status_.current_replicas = current;
    status_.desired_replicas = desired;
    status_.current_metrics = std::move(statuses_);
    if (rescale) status_.last_scale_time = now_;
  }
  // status_ is state_.status itself, updated in place.
  HPADecision finish() {
    decision_.status = status_;
    return std::move(decision_);
  }

  const HorizontalPodAutoscaler& hpa_;
  HPAState& state_;
  const HPAInputs& in_;
  const SimTime now_;
  const HPAConfig& cfg_;
  // The pods' name ids, computed once per sync for all metrics (pod_ids()), or kept in
  // in_.pods_cache across syncs.
  std::optional<hpa_internal::PodNameIds> pod_ids_;
  const hpa_internal::PodNameIds* pod_ids_ptr_ = nullptr;
  const hpa_internal::PodNameIds& pod_ids() {
    if (pod_ids_ptr_ == nullptr) {
      pod_ids_ = hpa_internal::pod_name_ids(in_.pods);
      pod_ids_ptr_ = &*pod_ids_;
    }
    return *pod_ids_ptr_;
  }
  hpa_internal::CalcScratch scratch_;  // reused by the metrics of this sync
  HPAStatus& status_;
  std::vector<MetricSpec> default_metrics_;
  HPADecision decision_;
  HPATolerances tolerances_;
  std::vector<HPAMetricStatus> statuses_;
};

HPADecision Reconciler::run() {
  decision_.time = now_;
  tolerances_ = hpa_tolerances(hpa_, cfg_);

  if (!in_.spec_replicas) {
    const std::string err = in_.scale_error.empty()
                                ? fmt::format("{} \"{}\" not found", hpa_.scale_target_ref.kind,
                                              hpa_.scale_target_ref.name)
                                : in_.scale_error;
    event("Warning", "FailedGetScale", err);
    condition(
        "AbleToScale", kFalse, "FailedGetScale",
        fmt::format("the HPA controller was unable to get the target's current scale: {}", err));
    decision_.outcome = HPAOutcome::kFailedGetScale;
    decision_.current_replicas = status_.current_replicas;
    decision_.desired_replicas = status_.current_replicas;
    return finish();
  }
  condition("AbleToScale", kTrue, "SucceededGetScale",
            "the HPA controller was able to get the target's current scale");
  const int32_t current = *in_.spec_replicas;
  decision_.current_replicas = current;
  // recordInitialRecommendation: on first sight the history is the current
  // size, so nothing scales down before a full window has passed.
  if (!state_.seen && state_.recommendations.empty())
    state_.recommendations.push_back(HPARecommendation{current, now_});
  state_.seen = true;

  const int32_t min_replicas = hpa_.min_replicas.value_or(1);
  const int32_t max_replicas = hpa_.max_replicas;
  const std::vector<MetricSpec>& metrics = metric_specs();
  const bool has_object_or_external =
      std::any_of(metrics.begin(), metrics.end(),
                  [](const MetricSpec& m) { return m.type == "Object" || m.type == "External"; });
  const bool scaled_to_zero = cfg_.scale_to_zero && condition_is_true(status_, "ScaledToZero");
  const bool can_scale_from_zero = scaled_to_zero && has_object_or_external;

  int32_t desired = 0;
  std::string rescale_reason;
  bool rescale = true;
  bool needs_metrics = true;
  if (current == 0) {
    needs_metrics = (min_replicas != 0 && scaled_to_zero) || can_scale_from_zero;
    if (!needs_metrics) {
      rescale = false;
      decision_.outcome = HPAOutcome::kScalingDisabled;
      condition("ScalingActive", kFalse, "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero");
      if (!cfg_.scale_to_zero) remove_condition(status_, "ScaledToZero");
    }
  } else if (current > max_replicas) {
    rescale_reason = "Current number of replicas above Spec.MaxReplicas";
    desired = max_replicas;
    needs_metrics = false;
    decision_.outcome = HPAOutcome::kAboveMaxReplicas;
  } else if (current < min_replicas) {
    rescale_reason = "Current number of replicas below Spec.MinReplicas";
    desired = min_replicas;
    needs_metrics = false;
    decision_.outcome = HPAOutcome::kBelowMinReplicas;
  }

  if (needs_metrics) {
    const std::optional<int32_t> metric_desired = compute_replicas_for_metrics(current);
    if (!metric_desired) {
      set_status(current, status_.desired_replicas, false);
      event("Warning", "FailedComputeMetricsReplicas",
            fmt::format("failed to compute desired number of replicas based on listed metrics "
                        "for {}: {}",
                        reference(), decision_.metric_error));
      decision_.desired_replicas = current;
      return finish();
    }
    decision_.outcome = HPAOutcome::kNormalized;
    decision_.metric_replicas = *metric_desired;
    std::string rescale_metric;
    if (*metric_desired > desired) {
      desired = *metric_desired;
      if (decision_.winning_metric)
        rescale_metric = decision_.proposals[*decision_.winning_metric].metric;
    }
    if (desired > current) rescale_reason = rescale_metric + " above target";
    if (desired < current) rescale_reason = "All metrics below target";

    HPANormalization n;
    if (!hpa_.behavior) {
      n = normalize_desired_replicas(state_.recommendations, current, desired, min_replicas,
                                     max_replicas, now_, cfg_);
    } else {
      // normalize_desired_replicas_with_behaviors(default_behavior(...)),
      // copying only a direction that defaulting changes.
      std::optional<HPAScalingRules> up_storage, down_storage;
      const HPAScalingRules& up =
          hpa_internal::defaulted_scale_up_rules(hpa_.behavior->scale_up, up_storage);
      const HPAScalingRules& down =
          hpa_internal::defaulted_scale_down_rules(hpa_.behavior->scale_down, cfg_, down_storage);
      n = hpa_internal::normalize_desired_replicas_with_rules(state_, up, down, current, desired,
                                                              min_replicas, max_replicas, now_);
    }
    if (n.stabilized != n.desired) {
      condition("AbleToScale", kTrue, n.stabilization_reason, n.stabilization_message);
    } else {
      condition("AbleToScale", kTrue, "ReadyForNewScale", "recommended size matches current size");
    }
    condition("ScalingLimited", n.result == n.stabilized ? kFalse : kTrue, n.limit_reason,
              n.limit_message);
    desired = n.result;
    decision_.normalization = std::move(n);
    // Scaling up from zero with an increased minReplicas reaches min at once.
    if (current == 0 && min_replicas != 0 && scaled_to_zero && desired < min_replicas) {
      desired = min_replicas;
      if (rescale_reason.empty())
        rescale_reason = "Current number of replicas below Spec.MinReplicas";
    }
    rescale = desired != current;
  }

  if (rescale) {
    if (in_.scale_update_fails) {
      const std::string err = "the scale update was rejected (simulated failure)";
      event("Warning", "FailedRescale",
            fmt::format("New size: {}; reason: {}; error: {}", desired, rescale_reason, err));
      condition("AbleToScale", kFalse, "FailedUpdateScale",
                fmt::format("the HPA controller was unable to update the target scale: {}", err));
      set_status(current, status_.desired_replicas, false);
      decision_.rescale_reason = rescale_reason;
      decision_.desired_replicas = current;
      return finish();
    }
    condition("AbleToScale", kTrue, "SucceededRescale",
              fmt::format("the HPA controller was able to update the target scale to {}", desired));
    event("Normal", "SuccessfulRescale",
          fmt::format("New size: {}; reason: {}", desired, rescale_reason));
    store_scale_event(state_, hpa_.behavior, current, desired, now_);
    if (cfg_.scale_to_zero) {
      if (current > 0 && desired == 0 && min_replicas == 0 && has_object_or_external) {
        condition("ScaledToZero", kTrue, "ScaledToZero",
                  "the HPA controller scaled the workload to zero");
      } else {
        condition("ScaledToZero", kFalse, "NotScaledToZero",
                  "the HPA controller did not scale the workload to zero");
      }
    } else {
      remove_condition(status_, "ScaledToZero");
    }
  } else {
    desired = current;
  }
  decision_.rescale = rescale;
  decision_.rescale_reason = rescale ? rescale_reason : "";
  decision_.desired_replicas = desired;
  set_status(current, desired, rescale);
  return finish();
}

std::optional<int32_t> Reconciler::compute_replicas_for_metrics(int32_t current) {
  // validateAndParseSelector.
  if (!in_.has_selector) {
    event("Warning", "SelectorRequired", "selector is required");
    condition("ScalingActive", kFalse, "InvalidSelector",
              "the HPA target's scale is missing a selector");
    decision_.metric_error = "selector is required";
    decision_.outcome = HPAOutcome::kInvalidSelector;
    return std::nullopt;
  }
  if (in_.selector_is_ambiguous) {
    const std::string msg =
        fmt::format("pods by selector of {} are controlled by more than one HPA", reference());
    event("Warning", "AmbiguousSelector", msg);
    condition("ScalingActive", kFalse, "AmbiguousSelector", msg);
    decision_.metric_error = msg;
    decision_.outcome = HPAOutcome::kInvalidSelector;
    return std::nullopt;
  }

  const std::vector<MetricSpec>& specs = metric_specs();
  statuses_.assign(specs.size(), HPAMetricStatus{});
  decision_.proposals.reserve(specs.size());
  int32_t replicas = 0;
  size_t invalid = 0;
  std::string first_error;
  HPACondition first_condition;
  for (size_t i = 0; i < specs.size(); ++i) {
    MetricOutcome out;
    compute_replicas_for_metric(specs[i], i, current, out);
    const bool valid = out.proposal.is_valid;
    const int32_t proposed = out.proposal.replicas;
    if (valid) statuses_[i] = out.proposal.current;
    decision_.proposals.push_back(std::move(out.proposal));
    if (!valid) {
      if (invalid == 0) {
        first_error = std::move(out.error);
        first_condition = std::move(out.condition);
      }
      ++invalid;
      continue;
    }
    // The max over metrics; the first metric wins ties.
    if (replicas == 0 || proposed > replicas) {
      replicas = proposed;
      decision_.winning_metric = i;
    }
  }
  if (invalid > 0) {
    decision_.metric_error =
        fmt::format("invalid metrics ({} invalid out of {}), first error is: {}", invalid,
                    specs.size(), first_error);
  }
  // A partial failure blocks scale-down, never scale-up.
  if (invalid >= specs.size() || (invalid > 0 && replicas < current)) {
    condition(first_condition.type, first_condition.status, first_condition.reason,
              first_condition.message);
    decision_.metric_replicas = replicas;  // for the record only: nothing scales
    decision_.outcome = HPAOutcome::kMetricsFailed;
    return std::nullopt;
  }
  const std::string& metric = decision_.proposals[*decision_.winning_metric].metric;
  condition_fmt("ScalingActive", kTrue, "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from {}", metric);
  return replicas;
}

void Reconciler::compute_replicas_for_metric(const MetricSpec& spec, size_t index, int32_t current,
                                             MetricOutcome& out) {
  out.proposal.index = index;
  out.proposal.type = spec.type;
  out.proposal.target = target_string(spec.target);
  if (spec.type == "Resource" || spec.type == "ContainerResource")
    return resource_metric(spec, out, current);
  if (spec.type == "Pods") return pods_metric(spec, out, current);
  if (spec.type == "Object") return object_metric(spec, out, current);
  if (spec.type == "External") return external_metric(spec, out, current);
  const std::string err = fmt::format("unknown metric source type \"{}\"", spec.type);
  out.proposal.reason = "InvalidMetricSourceType";
  out.proposal.error = err;
  out.condition = unable_condition("InvalidMetricSourceType", err);
  out.error = err;
}

// computeStatusForResourceMetricGeneric (+ the Resource/ContainerResource wrappers).
void Reconciler::resource_metric(const MetricSpec& spec, MetricOutcome& out, int32_t current) {
  const bool is_container = spec.type == "ContainerResource";
  const std::string& resource = spec.resource_name;
  const std::string container = is_container ? spec.container : "";
  const std::string reason =
      is_container ? "FailedGetContainerResourceMetric" : "FailedGetResourceMetric";
  HPAMetricProposal& p = out.proposal;
  p.current.type = spec.type;
  p.current.name = resource;

  std::string err;
  if (spec.target.average_value) {
    p.calculation = hpa_internal::get_raw_resource_replicas(
        current, spec.target.average_value->milli_value(), resource, container, tolerances_,
        in_.pods, pod_ids(), now_, cfg_, scratch_);
    p.metric = fmt::format("{} resource", resource);
    if (!p.calculation.ok) {
      err = fmt::format("failed to get {} usage: {}", resource, p.calculation.error);
    } else {
      p.current.average_value = milli_quantity(resource, p.calculation.usage_milli);
    }
  } else if (!spec.target.average_utilization) {
    err =
        "invalid resource metric source: neither an average utilization target nor an average "
        "value (usage) target was set";
  } else {
    p.calculation = hpa_internal::get_resource_replicas(current, *spec.target.average_utilization,
                                                        resource, container, tolerances_, in_.pods,
                                                        pod_ids(), now_, cfg_, scratch_);
    p.metric = resource;
    p.metric += is_container ? " container resource utilization (percentage of request)"
                             : " resource utilization (percentage of request)";
    if (!p.calculation.ok) {
      err = fmt::format("failed to get {} utilization: {}", resource, p.calculation.error);
    } else {
      p.current.average_utilization = p.calculation.utilization;
      p.current.average_value = milli_quantity(resource, p.calculation.usage_milli);
    }
  }
  if (!err.empty()) {
    p.reason = reason;
    p.error = err;
    out.condition = unable_condition(reason, err);
    out.error =
        is_container
            ? fmt::format("failed to get {} container metric value: {}", spec.container, err)
            : fmt::format("failed to get {} resource metric value: {}", resource, err);
    return;
  }
  p.is_valid = true;
  p.replicas = p.calculation.replicas;
}

void Reconciler::pods_metric(const MetricSpec& spec, MetricOutcome& out, int32_t current) {
  HPAMetricProposal& p = out.proposal;
  p.metric = fmt::format("pods metric {}", spec.metric_name);
  p.current.type = "Pods";
  p.current.name = spec.metric_name;
  const bool supplied = std::any_of(in_.pods.begin(), in_.pods.end(), [&](const HPAPodInfo& pod) {
    return pod.custom_metrics.count(spec.metric_name) > 0;
  });
  std::string err;
  if (!spec.target.average_value) {
    err = "invalid pods metric source: no average value target was set";
  } else {
    p.calculation = hpa_internal::get_metric_replicas(
        current, spec.target.average_value->milli_value(), spec.metric_name, tolerances_, in_.pods,
        pod_ids(), now_, cfg_, scratch_);
    if (!p.calculation.ok) {
      err = p.calculation.error;
      if (!supplied) {
        p.is_simulated = false;
        err += " (custom pods metrics are not simulated: no values were supplied)";
      }
    }
  }
  if (!err.empty()) {
    p.reason = "FailedGetPodsMetric";
    p.error = err;
    out.condition = unable_condition("FailedGetPodsMetric", err);
    out.error = fmt::format("failed to get pods metric value: {}", err);
    return;
  }
  p.current.average_value = Quantity::from_milli(p.calculation.usage_milli);
  p.is_valid = true;
  p.replicas = p.calculation.replicas;
}

void Reconciler::object_metric(const MetricSpec& spec, MetricOutcome& out, int32_t current) {
  HPAMetricProposal& p = out.proposal;
  p.current.type = "Object";
  p.current.name = spec.metric_name;
  const auto& obj = spec.described_object;
  std::string err;
  const auto value = in_.object_metrics.find(object_metric_key(spec));
  const bool has_value_target = spec.target.type == "Value" && spec.target.value;
  const bool has_average_target = spec.target.type == "AverageValue" && spec.target.average_value;
  if (!has_value_target && !has_average_target) {
    err =
        "invalid object metric source: neither a value target nor an average value target was set";
  } else if (value == in_.object_metrics.end()) {
    p.is_simulated = false;
    err = fmt::format(
        "unable to get metric {} on {} {}/{}: unable to fetch metrics from custom metrics API: "
        "object metrics are not simulated (no value was supplied)",
        spec.metric_name, obj.kind, hpa_.metadata.ns, obj.name);
  } else if (has_value_target) {
    p.metric = fmt::format("{} metric {}", obj.kind, spec.metric_name);
    p.calculation =
        get_usage_ratio_replicas(current, value->second.milli_value(),
                                 spec.target.value->milli_value(), tolerances_, in_.pods);
    if (!p.calculation.ok)
      err = p.calculation.error;
    else
      p.current.value = Quantity::from_milli(p.calculation.usage_milli);
  } else {
    // Upstream names this proposal "external metric ..." too.
    p.metric = fmt::format("external metric {}({})", spec.metric_name,
                           selector_string(spec.metric_selector));
    p.calculation =
        get_per_pod_usage_replicas(in_.status_replicas, value->second.milli_value(),
                                   spec.target.average_value->milli_value(), tolerances_);
    p.current.average_value = Quantity::from_milli(p.calculation.usage_milli);
  }
  if (!err.empty()) {
    p.reason = "FailedGetObjectMetric";
    p.error = err;
    out.condition = unable_condition("FailedGetObjectMetric", err);
    out.error = fmt::format("failed to get object metric value: {}", err);
    return;
  }
  p.is_valid = true;
  p.replicas = p.calculation.replicas;
}

void Reconciler::external_metric(const MetricSpec& spec, MetricOutcome& out, int32_t current) {
  HPAMetricProposal& p = out.proposal;
  p.current.type = "External";
  p.current.name = spec.metric_name;
  const std::string selector = selector_string(spec.metric_selector);
  p.metric = fmt::format("external metric {}({})", spec.metric_name, selector);
  const auto values = in_.external_metrics.find(spec.metric_name);
  std::string err, outer;
  const auto fetch_error = [&] {
    p.is_simulated = values != in_.external_metrics.end();
    return fmt::format(
        "unable to get external metric {}/{}/{}: unable to fetch metrics from external metrics "
        "API: {}",
        hpa_.metadata.ns, spec.metric_name, selector,
        p.is_simulated ? "no metrics returned from external metrics API"
                       : "external metrics are not simulated (no value was supplied)");
  };
  const int64_t usage =
      values == in_.external_metrics.end() ? 0 : hpa_internal::sum_milli(values->second);
  const bool has_values = values != in_.external_metrics.end() && !values->second.empty();
  if (spec.target.average_value) {
    if (!has_values) {
      err = fetch_error();
      outer = fmt::format("failed to get {} external metric: {}", spec.metric_name, err);
    } else {
      p.calculation = get_per_pod_usage_replicas(
          in_.status_replicas, usage, spec.target.average_value->milli_value(), tolerances_);
      p.current.average_value = Quantity::from_milli(p.calculation.usage_milli);
    }
  } else if (spec.target.value) {
    if (!has_values) {
      err = fetch_error();
    } else {
      p.calculation = get_usage_ratio_replicas(current, usage, spec.target.value->milli_value(),
                                               tolerances_, in_.pods);
      if (!p.calculation.ok)
        err = p.calculation.error;
      else
        p.current.value = Quantity::from_milli(p.calculation.usage_milli);
    }
    if (!err.empty())
      outer = fmt::format("failed to get external metric {}: {}", spec.metric_name, err);
  } else {
    err =
        "invalid external metric source: neither a value target nor an average value target was "
        "set";
    outer = err;
  }
  if (!err.empty()) {
    p.reason = "FailedGetExternalMetric";
    p.error = err;
    out.condition = unable_condition("FailedGetExternalMetric", err);
    out.error = fmt::format("failed to get {} external metric value: {}", spec.metric_name, outer);
    return;
  }
  p.is_valid = true;
  p.replicas = p.calculation.replicas;
}

}  // namespace

std::vector<HPAContainerInfo> hpa_containers(const PodSpec& spec) {
  std::vector<HPAContainerInfo> out;
  for (const auto& c : spec.containers)
    out.push_back(HPAContainerInfo{c.name, c.resources.requests, false});
  for (const auto& c : spec.init_containers)
    if (c.restart_policy == "Always")
      out.push_back(HPAContainerInfo{c.name, c.resources.requests, true});
  return out;
}

std::string object_metric_key(const MetricSpec& spec) {
  return fmt::format("{}/{}:{}", spec.described_object.kind, spec.described_object.name,
                     spec.metric_name);
}

HPATolerances hpa_tolerances(const HorizontalPodAutoscaler& hpa, const HPAConfig& cfg) {
  HPATolerances t{cfg.tolerance, cfg.tolerance};
  if (!hpa.behavior || !cfg.configurable_tolerance) return t;
  const auto as_double = [](const Quantity& q) {
    return static_cast<double>(q.nano()) / 1e9;  // AsApproximateFloat64
  };
  if (hpa.behavior->scale_down && hpa.behavior->scale_down->tolerance)
    t.scale_down = as_double(*hpa.behavior->scale_down->tolerance);
  if (hpa.behavior->scale_up && hpa.behavior->scale_up->tolerance)
    t.scale_up = as_double(*hpa.behavior->scale_up->tolerance);
  return t;
}

std::vector<MetricSpec> effective_metrics(const HorizontalPodAutoscaler& hpa) {
  if (!hpa.metrics.empty()) return hpa.metrics;
  // pkg/apis/autoscaling/v2/defaults.go: CPU at 80% average utilization.
  MetricSpec cpu;
  cpu.type = "Resource";
  cpu.resource_name = "cpu";
  cpu.target.type = "Utilization";
  cpu.target.average_utilization = 80;
  cpu.source = hpa.metadata.source;
  return {cpu};
}

const HPACondition* HPADecision::condition(const std::string& type) const {
  for (const auto& c : status.conditions)
    if (c.type == type) return &c;
  return nullptr;
}

std::string to_string(HPAOutcome outcome) {
  switch (outcome) {
    case HPAOutcome::kFailedGetScale:
      return "FailedGetScale";
    case HPAOutcome::kScalingDisabled:
      return "ScalingDisabled";
    case HPAOutcome::kAboveMaxReplicas:
      return "AboveMaxReplicas";
    case HPAOutcome::kBelowMinReplicas:
      return "BelowMinReplicas";
    case HPAOutcome::kInvalidSelector:
      return "InvalidSelector";
    case HPAOutcome::kMetricsFailed:
      return "MetricsFailed";
    case HPAOutcome::kNormalized:
      return "Normalized";
  }
  return "Unknown";
}

HPADecision hpa_reconcile(const HorizontalPodAutoscaler& hpa, HPAState& state, const HPAInputs& in,
                          SimTime now, const HPAConfig& cfg) {
  return Reconciler(hpa, state, in, now, cfg).run();
}

}  // namespace simcluster
