// API-server field validation of the modelled objects (api_validation.h).
// Messages follow k8s.io/apimachinery field.Error: "<path>: Invalid value:
// <value>: <detail>", "<path>: Required value", "<path>: Unsupported value:
// ...", "<path>: Forbidden: <detail>".
#include "simcluster/api_validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace simcluster {
namespace {

class Checker {
 public:
  Checker(std::string kind, const ObjectMeta& meta, std::vector<ApiViolation>& out)
      : kind_(std::move(kind)), meta_(meta), out_(out) {}

  void add(const SourceLocation& where, std::string message, std::string hint = {}) const {
    out_.push_back(ApiViolation{where.file.empty() ? meta_.source : where, meta_.ns,
                                object_label(kind_, meta_), std::move(message), std::move(hint)});
  }

 private:
  std::string kind_;
  const ObjectMeta& meta_;
  std::vector<ApiViolation>& out_;
};

// Mirrors k8s pkg/apis/core/validation/validation.go validateResourceRequirements
// (via ValidateResourceQuantityValue): every limit and request must be >= 0,
// and a request may not exceed the limit of the same resource.
// Example: requests.cpu 500m with limits.cpu 25m is refused with
// "...resources.requests: Invalid value: "500m": must be less than or equal to
// cpu limit of 25m".
void check_resources(const Checker& ck, const Container& c, const std::string& path) {
  const ResourceList& requests = c.resources.requests;
  const ResourceList& limits = c.resources.limits;
  for (const auto& [name, q] : limits) {
    if (q.sign() < 0) {
      ck.add(c.source, fmt::format("{}.resources.limits[{}]: Invalid value: \"{}\": must be "
                                   "greater than or equal to 0",
                                   path, name, q.to_string()));
    }
  }
  for (const auto& [name, q] : requests) {
    if (q.sign() < 0) {
      ck.add(c.source, fmt::format("{}.resources.requests[{}]: Invalid value: \"{}\": must be "
                                   "greater than or equal to 0",
                                   path, name, q.to_string()));
    }
    auto limit = limits.find(name);
    if (limit != limits.end() && q > limit->second) {
      ck.add(c.source,
             fmt::format("{}.resources.requests: Invalid value: \"{}\": must be less than or "
                         "equal to {} limit of {}",
                         path, q.to_string(), name, limit->second.to_string()),
             fmt::format("lower requests.{} or raise limits.{}", name, name));
    }
  }
}

// One workload's pod template (or a bare Pod's spec).
struct PodTemplateRef {
  std::string kind;
  const ObjectMeta* meta = nullptr;
  const PodSpec* spec = nullptr;
  const StringMap* labels = nullptr;
  const LabelSelector* selector = nullptr;  // Deployments, ReplicaSets, StatefulSets, DaemonSets
  std::string spec_path = "spec.template.spec";
};

// Mirrors ValidatePodTemplateSpec / ValidatePodSpec (core), the workloads'
// selector checks (apps ValidateDeploymentSpec & co.) and the Job's
// restartPolicy (batch validateJobSpec).
void check_pod_template(const PodTemplateRef& w, std::vector<ApiViolation>& out) {
  const Checker ck(w.kind, *w.meta, out);
  const PodSpec& spec = *w.spec;
  if (spec.containers.empty()) {
    ck.add(w.meta->source, fmt::format("{}.containers: Required value", w.spec_path),
           "is this a kustomize patch? apply it with kustomize, or add the containers");
  }
  struct List {
    const std::vector<Container>* containers;
    const char* field;
  };
  for (const List& list :
       {List{&spec.init_containers, "initContainers"}, List{&spec.containers, "containers"}}) {
    for (size_t i = 0; i < list.containers->size(); ++i) {
      const Container& c = (*list.containers)[i];
      if (c.image.empty()) {
        ck.add(c.source, fmt::format("container \"{}\": image: Required value", c.name));
      }
      check_resources(ck, c, fmt::format("{}.{}[{}]", w.spec_path, list.field, i));
    }
  }
  if (w.selector != nullptr) {
    if (w.selector->is_empty()) {
      ck.add(w.meta->source, "spec.selector: Required value");
    } else if (!selector_matches(*w.selector, *w.labels)) {
      ck.add(w.meta->source,
             "spec.template.metadata.labels: Invalid value: `selector` does not match template "
             "`labels`");
    }
  }
  if ((w.kind == "Job" || w.kind == "CronJob") && spec.restart_policy != "OnFailure" &&
      spec.restart_policy != "Never") {
    ck.add(w.meta->source, fmt::format("{}.restartPolicy: Unsupported value: \"{}\": supported "
                                       "values: \"OnFailure\", \"Never\"",
                                       w.spec_path, spec.restart_policy));
  }
}

std::string metric_field(const std::string& type) {
  if (type == "Resource") return "resource";
  if (type == "ContainerResource") return "containerResource";
  if (type == "Pods") return "pods";
  if (type == "Object") return "object";
  return "external";
}

// Mirrors k8s pkg/apis/autoscaling/validation/validation.go validateMetricSpec
// and validateMetricTarget, plus what the controller needs to read a target
// (the value its type names must be set: a Utilization target without
// averageUtilization has nothing to compare with).
void check_metric(const Checker& ck, const MetricSpec& m, size_t index,
                  const SourceLocation& where) {
  const std::string path = fmt::format("spec.metrics[{}]", index);
  static const std::vector<std::string> kTypes = {"ContainerResource", "External", "Object", "Pods",
                                                  "Resource"};
  if (std::find(kTypes.begin(), kTypes.end(), m.type) == kTypes.end()) {
    ck.add(where, fmt::format("{}.type: Unsupported value: \"{}\": supported values: "
                              "\"ContainerResource\", \"External\", \"Object\", \"Pods\", "
                              "\"Resource\"",
                              path, m.type));
    return;
  }
  const std::string field = fmt::format("{}.{}", path, metric_field(m.type));
  std::vector<std::string> types;  // the target types this metric type can read
  if (m.type == "Resource" || m.type == "ContainerResource") {
    if (m.resource_name.empty()) {
      ck.add(where, fmt::format("{}.name: Required value: must specify a resource name", field));
    }
    if (m.type == "ContainerResource" && m.container.empty()) {
      ck.add(where, fmt::format("{}.container: Required value: must specify a container", field));
    }
    types = {"AverageValue", "Utilization"};
  } else if (m.type == "Pods") {
    types = {"AverageValue"};
  } else {
    types = {"AverageValue", "Value"};
  }
  const MetricTarget& t = m.target;
  const std::string target = field + ".target";
  if (std::find(types.begin(), types.end(), t.type) == types.end()) {
    std::vector<std::string> quoted;
    for (const std::string& s : types) quoted.push_back(fmt::format("\"{}\"", s));
    ck.add(where, fmt::format("{}.type: Unsupported value: \"{}\": supported values: {}", target,
                              t.type, fmt::join(quoted, ", ")));
  }
  if (t.average_utilization && *t.average_utilization < 1) {
    ck.add(where, fmt::format("{}.averageUtilization: Invalid value: {}: must be greater than 0",
                              target, *t.average_utilization));
  } else if (t.type == "Utilization" && !t.average_utilization) {
    ck.add(where, fmt::format("{}.averageUtilization: Required value", target));
  }
  if (t.average_value && t.average_value->sign() != 1) {
    ck.add(where, fmt::format("{}.averageValue: Invalid value: \"{}\": must be positive", target,
                              t.average_value->to_string()));
  } else if (t.type == "AverageValue" && !t.average_value) {
    ck.add(where, fmt::format("{}.averageValue: Required value", target));
  }
  if (t.value && t.value->sign() != 1) {
    ck.add(where, fmt::format("{}.value: Invalid value: \"{}\": must be positive", target,
                              t.value->to_string()));
  } else if (t.type == "Value" && !t.value) {
    ck.add(where, fmt::format("{}.value: Required value", target));
  }
}

// Mirrors validateBehavior / validateScalingRules / validateScalingPolicy.
void check_rules(const Checker& ck, const std::optional<HPAScalingRules>& rules, const char* dir,
                 const SourceLocation& where) {
  if (!rules) return;
  const std::string path = fmt::format("spec.behavior.{}", dir);
  if (const auto& w = rules->stabilization_window_seconds) {
    if (*w < 0) {
      ck.add(where, fmt::format("{}.stabilizationWindowSeconds: Invalid value: {}: must be greater "
                                "than or equal to zero",
                                path, *w));
    } else if (*w > 3600) {
      ck.add(where, fmt::format("{}.stabilizationWindowSeconds: Invalid value: {}: must be less "
                                "than or equal to 3600",
                                path, *w));
    }
  }
  if (const auto& p = rules->select_policy; p && *p != "Max" && *p != "Min" && *p != "Disabled") {
    ck.add(where, fmt::format("{}.selectPolicy: Unsupported value: \"{}\": supported values: "
                              "\"Disabled\", \"Max\", \"Min\"",
                              path, *p));
  }
  if (rules->tolerance && rules->tolerance->sign() < 0) {
    ck.add(where,
           fmt::format("{}.tolerance: Invalid value: \"{}\": must be greater than or equal to 0",
                       path, rules->tolerance->to_string()));
  }
  for (size_t i = 0; i < rules->policies.size(); ++i) {
    const HPAScalingPolicy& p = rules->policies[i];
    const std::string pp = fmt::format("{}.policies[{}]", path, i);
    if (p.type != "Pods" && p.type != "Percent") {
      ck.add(where, fmt::format("{}.type: Unsupported value: \"{}\": supported values: "
                                "\"Percent\", \"Pods\"",
                                pp, p.type));
    }
    if (p.value <= 0) {
      ck.add(where,
             fmt::format("{}.value: Invalid value: {}: must be greater than zero", pp, p.value));
    }
    if (p.period_seconds <= 0) {
      ck.add(where, fmt::format("{}.periodSeconds: Invalid value: {}: must be greater than zero",
                                pp, p.period_seconds));
    } else if (p.period_seconds > 1800) {
      ck.add(where, fmt::format("{}.periodSeconds: Invalid value: {}: must be less than or equal "
                                "to 1800",
                                pp, p.period_seconds));
    }
  }
}

}  // namespace

InputError ApiViolation::error() const {
  return InputError(where, object.empty() ? message : fmt::format("{}: {}", object, message), hint);
}

std::string object_label(std::string_view kind, const ObjectMeta& m) {
  return m.ns.empty() ? fmt::format("{} {}", kind, m.name)
                      : fmt::format("{} {}/{}", kind, m.ns, m.name);
}

// Mirrors k8s pkg/apis/autoscaling/validation/validation.go
// (ValidateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerSpec,
// validateMetrics): minReplicas >= 1, or >= 0 with the HPAScaleToZero gate
// (and then 0 needs an Object or External metric); maxReplicas >= 1 and >=
// minReplicas.
std::vector<ApiViolation> hpa_api_violations(const HorizontalPodAutoscaler& h,
                                             const FeatureGates& gates) {
  std::vector<ApiViolation> out;
  const Checker ck("HorizontalPodAutoscaler", h.metadata, out);
  const SourceLocation& at = h.metadata.source;
  const int32_t lower = gates.hpa_scale_to_zero ? 0 : 1;
  if (h.min_replicas && *h.min_replicas < lower) {
    if (*h.min_replicas == 0) {
      ck.add(at,
             "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1 (0 needs "
             "the HPAScaleToZero feature gate, which is off by default)",
             "enable the gate in the scenario (featureGates: {HPAScaleToZero: true}) or "
             "for validate (--feature-gates HPAScaleToZero=true), or set minReplicas: 1");
    } else {
      ck.add(at, fmt::format("spec.minReplicas: Invalid value: {}: must be greater than or equal "
                             "to {}",
                             *h.min_replicas, lower));
    }
  }
  if (h.max_replicas < 1) {
    ck.add(at, fmt::format("spec.maxReplicas: Invalid value: {}: must be greater than 0",
                           h.max_replicas));
  } else if (h.min_replicas && h.max_replicas < *h.min_replicas) {
    ck.add(at, fmt::format("spec.maxReplicas: Invalid value: {}: must be greater than or equal to "
                           "`minReplicas` ({})",
                           h.max_replicas, *h.min_replicas));
  }
  bool has_object_or_external = false;
  for (size_t i = 0; i < h.metrics.size(); ++i) {
    const MetricSpec& m = h.metrics[i];
    has_object_or_external |= m.type == "Object" || m.type == "External";
    check_metric(ck, m, i, m.source.file.empty() ? at : m.source);
  }
  if (h.min_replicas && *h.min_replicas == 0 && gates.hpa_scale_to_zero &&
      !has_object_or_external) {
    ck.add(at,
           "spec.metrics: Forbidden: must specify at least one Object or External metric to "
           "support scaling to zero replicas");
  }
  if (h.behavior) {
    check_rules(ck, h.behavior->scale_up, "scaleUp", at);
    check_rules(ck, h.behavior->scale_down, "scaleDown", at);
  }
  return out;
}

std::vector<ApiViolation> api_violations(const Manifests& m, const FeatureGates& gates) {
  std::vector<ApiViolation> out;
  for (const Deployment& d : m.deployments) {
    check_pod_template(
        {"Deployment", &d.metadata, &d.template_.spec, &d.template_.metadata.labels, &d.selector},
        out);
  }
  for (const StatefulSet& s : m.stateful_sets) {
    check_pod_template(
        {"StatefulSet", &s.metadata, &s.template_.spec, &s.template_.metadata.labels, &s.selector},
        out);
  }
  for (const ReplicaSet& s : m.replica_sets) {
    check_pod_template(
        {"ReplicaSet", &s.metadata, &s.template_.spec, &s.template_.metadata.labels, &s.selector},
        out);
  }
  for (const DaemonSet& s : m.daemon_sets) {
    check_pod_template(
        {"DaemonSet", &s.metadata, &s.template_.spec, &s.template_.metadata.labels, &s.selector},
        out);
  }
  for (const Job& j : m.jobs) {
    check_pod_template(
        {"Job", &j.metadata, &j.spec.template_.spec, &j.spec.template_.metadata.labels, nullptr},
        out);
  }
  for (const CronJob& c : m.cron_jobs) {
    check_pod_template(
        {"CronJob", &c.metadata, &c.job_template.template_.spec,
         &c.job_template.template_.metadata.labels, nullptr, "spec.jobTemplate.spec.template.spec"},
        out);
  }
  for (const Pod& p : m.pods) {
    check_pod_template({"Pod", &p.metadata, &p.spec, &p.metadata.labels, nullptr, "spec"}, out);
  }
  for (const HorizontalPodAutoscaler& h : m.horizontal_pod_autoscalers) {
    for (ApiViolation& v : hpa_api_violations(h, gates)) out.push_back(std::move(v));
  }
  std::stable_sort(out.begin(), out.end(), [](const ApiViolation& a, const ApiViolation& b) {
    return std::tie(a.where.file, a.where.line, a.where.column, a.message) <
           std::tie(b.where.file, b.where.line, b.where.column, b.message);
  });
  return out;
}

}  // namespace simcluster
