// The Kubernetes objects simcluster models: plain aggregates, typed and close
// to the Kubernetes API (k8s.io/api core/v1, apps/v1, autoscaling/v2, ...).
// Field names follow the API in snake_case. Optional API fields whose default
// matters are std::optional, so "absent" and "explicitly 0" stay distinct
// (Kubernetes treats them differently in places, e.g. scoring requests).
//
// Objects refer to each other by name, never by pointer. Every object keeps
// the SourceLocation of the document it came from, for error messages.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/quantity.h"
#include "simcluster/resources.h"

namespace simcluster {

using StringMap = std::map<std::string, std::string>;
using ResourceList = std::map<std::string, Quantity>;  // "cpu" -> 250m

// ---------------------------------------------------------------- metadata

struct OwnerReference {
  std::string api_version, kind, name;
  bool controller = false;
};

struct ObjectMeta {
  std::string name;
  std::string generate_name;
  std::string ns;  // "" until defaulted; the loader defaults it to "default"
  StringMap labels;
  StringMap annotations;
  std::vector<OwnerReference> owner_references;
  SourceLocation source;  // where the document starts (file:line:col)
};

// An int or a percent, as intstr.IntOrString is used for maxSurge,
// maxUnavailable and PDB minAvailable ("25%" or 1).
struct IntOrPercent {
  bool is_percent = false;
  int32_t value = 0;
  friend bool operator==(const IntOrPercent&, const IntOrPercent&) = default;
};

struct LabelSelectorRequirement {
  enum class Op { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kIn;
  std::vector<std::string> values;
};

// metav1.LabelSelector. An empty selector (no labels, no expressions)
// matches everything; a missing one (std::nullopt where optional) nothing.
struct LabelSelector {
  StringMap match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
  bool is_empty() const { return match_labels.empty() && match_expressions.empty(); }
};

// True when `labels` satisfy the selector (labels.SelectorFromSet semantics).
bool selector_matches(const LabelSelector& selector, const StringMap& labels);
// A Service-style plain map selector: every pair must match; empty matches nothing.
bool map_selector_matches(const StringMap& selector, const StringMap& labels);

// ---------------------------------------------------------------- pods

struct ResourceRequirements {
  ResourceList requests;
  ResourceList limits;
};

struct Probe {
  std::string handler;  // "httpGet", "tcpSocket", "exec", "grpc"
  std::string path;     // httpGet path
  std::string port;     // number or name, as written
  int32_t initial_delay_seconds = 0;
  int32_t period_seconds = 10;
  int32_t timeout_seconds = 1;
  int32_t success_threshold = 1;
  int32_t failure_threshold = 3;
  // Grace period of a kill this probe causes (liveness, startup); unset: the pod's
  // terminationGracePeriodSeconds (kuberuntime_container.go setTerminationGracePeriod).
  std::optional<int64_t> termination_grace_period_seconds;
};

struct EnvVar {
  std::string name;
  std::string value;               // literal value, if any
  std::string config_map_key_ref;  // "configmap/key" via valueFrom
  std::string secret_key_ref;      // "secret/key" via valueFrom
  SourceLocation source;
  bool optional = false;  // the key ref is marked optional
};

struct ContainerPort {
  std::string name;
  int32_t container_port = 0;
  int32_t host_port = 0;
  std::string protocol = "TCP";
};

struct Container {
  std::string name;
  std::string image;
  ResourceRequirements resources;
  std::optional<Probe> liveness_probe, readiness_probe, startup_probe;
  std::vector<EnvVar> env;
  std::vector<std::string> env_from_config_maps;
  std::vector<std::string> env_from_secrets;
  std::vector<ContainerPort> ports;
  std::vector<std::string> args;              // args and command, for references to Services
  std::optional<std::string> restart_policy;  // "Always" on an init container = sidecar
  SourceLocation source;
};

struct Toleration {
  std::string key;
  std::string op = "Equal";  // "Equal" or "Exists"
  std::string value;
  std::string effect;  // "", "NoSchedule", "PreferNoSchedule", "NoExecute"
  std::optional<int64_t> toleration_seconds;
};

struct Taint {
  std::string key, value, effect;
  friend bool operator==(const Taint&, const Taint&) = default;
};

struct NodeSelectorRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist, Gt, Lt
  std::vector<std::string> values;
};

struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;
  std::vector<NodeSelectorRequirement> match_fields;
};

struct PreferredSchedulingTerm {
  int32_t weight = 0;
  NodeSelectorTerm preference;
};

struct NodeAffinity {
  std::vector<NodeSelectorTerm> required;  // ORed terms; empty = no requirement
  std::vector<PreferredSchedulingTerm> preferred;
};

struct PodAffinityTerm {
  LabelSelector label_selector;
  std::vector<std::string> namespaces;  // empty = the pod's own namespace
  std::string topology_key;
  // Label keys whose values on the incoming pod are added to label_selector as
  // `key In (value)` / `key NotIn (value)` (KEP-3633; make_pod_info merges them).
  std::vector<std::string> match_label_keys;
  std::vector<std::string> mismatch_label_keys;
  // namespaceSelector was given: not simulated (the engine has no Namespace labels); the
  // run warns and uses `namespaces` (or the pod's own namespace) alone.
  bool namespace_selector_set = false;
};

struct WeightedPodAffinityTerm {
  int32_t weight = 0;
  PodAffinityTerm term;
};

struct PodAffinity {
  std::vector<PodAffinityTerm> required;
  std::vector<WeightedPodAffinityTerm> preferred;
};

struct Affinity {
  std::optional<NodeAffinity> node_affinity;
  std::optional<PodAffinity> pod_affinity;
  std::optional<PodAffinity> pod_anti_affinity;
};

struct TopologySpreadConstraint {
  int32_t max_skew = 1;
  std::string topology_key;
  std::string when_unsatisfiable = "DoNotSchedule";  // or "ScheduleAnyway"
  LabelSelector label_selector;
  std::optional<int32_t> min_domains;
  // Label keys whose values on the incoming pod narrow label_selector (`key In (value)`;
  // e.g. pod-template-hash, to spread each revision on its own). make_pod_info merges them.
  std::vector<std::string> match_label_keys;
  // As written ("" when absent). Only the defaults (Honor / Ignore) are simulated; other
  // values make the run warn.
  std::string node_affinity_policy;
  std::string node_taints_policy;
};

struct Volume {
  std::string name;
  std::string persistent_volume_claim;  // claimName
  std::string config_map;
  std::string secret;
  bool empty_dir = false;
  std::optional<Quantity> empty_dir_size_limit;
  bool optional = false;  // a configMap or secret volume marked optional
};

struct PodSpec {
  std::vector<Container> init_containers;
  std::vector<Container> containers;
  ResourceList overhead;
  StringMap node_selector;
  std::string node_name;
  Affinity affinity;
  std::vector<Toleration> tolerations;
  std::vector<TopologySpreadConstraint> topology_spread_constraints;
  std::string priority_class_name;
  std::optional<int32_t> priority;  // resolved from the PriorityClass
  std::string preemption_policy;    // "Never" / "PreemptLowerPriority"; "": the PriorityClass's
  std::optional<int64_t> termination_grace_period_seconds;  // default 30
  std::string restart_policy = "Always";
  std::string scheduler_name = "default-scheduler";
  std::vector<Volume> volumes;
};

struct PodTemplateSpec {
  ObjectMeta metadata;
  PodSpec spec;
};

struct Pod {
  ObjectMeta metadata;
  PodSpec spec;
  // status.phase of a live pod (kubectl get -o yaml): Pending, Running,
  // Succeeded, Failed, Unknown; empty when the document has no status.
  std::string phase = {};
};

// ---------------------------------------------------------------- workloads

struct DeploymentStrategy {
  std::string type = "RollingUpdate";  // or "Recreate"
  IntOrPercent max_surge{true, 25};
  IntOrPercent max_unavailable{true, 25};
};

struct Deployment {
  ObjectMeta metadata;
  std::optional<int32_t> replicas;  // default 1 (absent matters with an HPA)
  LabelSelector selector;
  PodTemplateSpec template_;
  DeploymentStrategy strategy;
  int32_t min_ready_seconds = 0;
  int32_t progress_deadline_seconds = 600;
  int32_t revision_history_limit = 10;
  bool paused = false;
};

struct ReplicaSet {
  ObjectMeta metadata;
  std::optional<int32_t> replicas;
  LabelSelector selector;
  PodTemplateSpec template_;
  int32_t min_ready_seconds = 0;
};

struct PersistentVolumeClaim {
  ObjectMeta metadata;
  std::optional<std::string> storage_class_name;
  std::vector<std::string> access_modes;
  std::optional<Quantity> storage_request;
  std::string volume_name;
};

struct StatefulSet {
  ObjectMeta metadata;
  std::optional<int32_t> replicas;  // default 1
  LabelSelector selector;
  PodTemplateSpec template_;
  std::string service_name;
  std::string pod_management_policy = "OrderedReady";  // or "Parallel"
  std::string update_strategy_type = "RollingUpdate";  // or "OnDelete"
  int32_t partition = 0;
  std::optional<IntOrPercent> max_unavailable;
  std::vector<PersistentVolumeClaim> volume_claim_templates;
  std::string pvc_when_deleted = "Retain";
  std::string pvc_when_scaled = "Retain";
  int32_t min_ready_seconds = 0;
  int32_t revision_history_limit = 10;
};

struct DaemonSet {
  ObjectMeta metadata;
  LabelSelector selector;
  PodTemplateSpec template_;
  std::string update_strategy_type = "RollingUpdate";
  IntOrPercent max_unavailable{false, 1};
  IntOrPercent max_surge{false, 0};
  int32_t min_ready_seconds = 0;
};

struct JobSpec {
  std::optional<int32_t> parallelism;  // default 1
  std::optional<int32_t> completions;  // default 1
  int32_t backoff_limit = 6;
  std::optional<int64_t> active_deadline_seconds;
  PodTemplateSpec template_;
};

struct Job {
  ObjectMeta metadata;
  JobSpec spec;
};

struct CronJob {
  ObjectMeta metadata;
  std::string schedule;
  std::string concurrency_policy = "Allow";
  bool suspend = false;
  JobSpec job_template;
};

// ---------------------------------------------------------------- networking

struct ServicePort {
  std::string name;
  int32_t port = 0;
  std::string target_port;  // number or name, as written; "" = same as port
  std::string protocol = "TCP";
  int32_t node_port = 0;
};

struct Service {
  ObjectMeta metadata;
  std::string type = "ClusterIP";
  std::string cluster_ip;  // "None" = headless
  StringMap selector;      // empty: no selector (endpoints managed elsewhere)
  std::vector<ServicePort> ports;
  std::string external_name;
};

struct IngressBackend {
  std::string service_name;
  int32_t port_number = 0;
  std::string port_name;
  SourceLocation source;
};

struct IngressPath {
  std::string path;
  std::string path_type = "ImplementationSpecific";
  IngressBackend backend;
};

struct IngressRule {
  std::string host;
  std::vector<IngressPath> paths;
};

struct Ingress {
  ObjectMeta metadata;
  std::string ingress_class_name;
  std::optional<IngressBackend> default_backend;
  std::vector<IngressRule> rules;
};

// ---------------------------------------------------------------- config and storage

struct Namespace {
  ObjectMeta metadata;
};

struct ConfigMap {
  ObjectMeta metadata;
  StringMap data;
  std::map<std::string, SourceLocation> data_source;  // key -> where its value is
};

struct Secret {
  ObjectMeta metadata;
  std::string type = "Opaque";
  std::vector<std::string> keys;  // values are never kept
};

struct PersistentVolume {
  ObjectMeta metadata;
  std::optional<Quantity> capacity_storage;
  std::string storage_class_name;
  std::vector<std::string> access_modes;
  std::string reclaim_policy = "Retain";
  NodeAffinity node_affinity;  // required terms pin the volume (zone)
};

struct StorageClass {
  ObjectMeta metadata;
  std::string provisioner;
  std::string volume_binding_mode = "Immediate";  // or "WaitForFirstConsumer"
  std::string reclaim_policy = "Delete";
  bool allow_volume_expansion = false;
  bool is_default = false;  // storageclass.kubernetes.io/is-default-class
};

struct PodDisruptionBudget {
  ObjectMeta metadata;
  std::optional<IntOrPercent> min_available;
  std::optional<IntOrPercent> max_unavailable;
  LabelSelector selector;
};

struct PriorityClass {
  ObjectMeta metadata;
  int32_t value = 0;
  bool global_default = false;
  std::string preemption_policy = "PreemptLowerPriority";
};

struct LimitRangeItem {
  std::string type;  // "Container", "Pod", "PersistentVolumeClaim"
  ResourceList max, min, default_limit, default_request, max_limit_request_ratio;
};

struct LimitRange {
  ObjectMeta metadata;
  std::vector<LimitRangeItem> limits;
};

struct ResourceQuota {
  ObjectMeta metadata;
  ResourceList hard;
  std::vector<std::string> scopes;
};

// ---------------------------------------------------------------- nodes

struct NodeCondition {
  std::string type;    // "Ready"
  std::string status;  // "True", "False", "Unknown"
};

struct Node {
  ObjectMeta metadata;
  bool unschedulable = false;
  std::vector<Taint> taints;
  ResourceList capacity;
  ResourceList allocatable;
  std::vector<NodeCondition> conditions;
};

// ---------------------------------------------------------------- autoscaling

struct CrossVersionObjectReference {
  std::string api_version, kind, name;
};

struct MetricTarget {
  std::string type;  // "Utilization", "AverageValue", "Value"
  std::optional<int32_t> average_utilization;
  std::optional<Quantity> average_value;
  std::optional<Quantity> value;
};

// One entry of spec.metrics, normalised from v1/v2beta1/v2beta2/v2.
struct MetricSpec {
  std::string type;           // "Resource", "ContainerResource", "Pods", "Object", "External"
  std::string resource_name;  // Resource / ContainerResource: "cpu", "memory"
  std::string container;      // ContainerResource
  std::string metric_name;    // Pods / Object / External
  std::optional<LabelSelector> metric_selector;
  CrossVersionObjectReference described_object;  // Object
  MetricTarget target;
  SourceLocation source;
};

struct HPAScalingPolicy {
  std::string type;  // "Pods" or "Percent"
  int32_t value = 0;
  int32_t period_seconds = 0;
};

struct HPAScalingRules {
  std::optional<int32_t> stabilization_window_seconds;
  std::optional<std::string> select_policy;  // "Max" (default), "Min", "Disabled"
  std::vector<HPAScalingPolicy> policies;
  std::optional<Quantity> tolerance;  // alpha HPAConfigurableTolerance
};

struct HPABehavior {
  std::optional<HPAScalingRules> scale_up;
  std::optional<HPAScalingRules> scale_down;
};

struct HorizontalPodAutoscaler {
  ObjectMeta metadata;
  std::string source_api_version;  // as written: autoscaling/v1, v2beta1, v2beta2, v2
  CrossVersionObjectReference scale_target_ref;
  SourceLocation scale_target_source;
  std::optional<int32_t> min_replicas;  // default 1
  int32_t max_replicas = 0;
  std::vector<MetricSpec> metrics;      // empty in the input: CPU 80% by default
  std::optional<HPABehavior> behavior;  // absent: the legacy path
  // status of a live HPA (kubectl get -o yaml); absent in written manifests.
  std::optional<int32_t> current_replicas = {};  // status.currentReplicas
  std::optional<int32_t> desired_replicas = {};  // status.desiredReplicas
};

// ---------------------------------------------------------------- a loaded set

// One document the loader did not model (CRD, RBAC, webhook, Kustomization).
struct SkippedObject {
  std::string api_version, kind, name;
  SourceLocation source;
  std::string reason;  // "not modelled", "kustomize file", "apiVersion not served", ...
};

// A non-fatal remark of the loader (an empty file, a removed API version).
struct LoadWarning {
  SourceLocation source;
  std::string message;
  std::string code = "load";  // "duplicate" for an object defined again
  std::string object = {};    // "Deployment shop/web", or empty
  std::string hint = {};
};

// Everything loaded from a set of files, in load order (files sorted, then
// document order), after defaulting.
struct Manifests {
  std::vector<Namespace> namespaces;
  std::vector<ConfigMap> config_maps;
  std::vector<Secret> secrets;
  std::vector<Deployment> deployments;
  std::vector<ReplicaSet> replica_sets;
  std::vector<StatefulSet> stateful_sets;
  std::vector<DaemonSet> daemon_sets;
  std::vector<Job> jobs;
  std::vector<CronJob> cron_jobs;
  std::vector<Pod> pods;
  std::vector<Service> services;
  std::vector<Ingress> ingresses;
  std::vector<PersistentVolumeClaim> persistent_volume_claims;
  std::vector<PersistentVolume> persistent_volumes;
  std::vector<StorageClass> storage_classes;
  std::vector<PodDisruptionBudget> pod_disruption_budgets;
  std::vector<PriorityClass> priority_classes;
  std::vector<LimitRange> limit_ranges;
  std::vector<ResourceQuota> resource_quotas;
  std::vector<HorizontalPodAutoscaler> horizontal_pod_autoscalers;
  std::vector<Node> nodes;
  std::vector<SkippedObject> skipped;
  std::vector<std::string> files;  // the files read, in order
  std::vector<LoadWarning> warnings;
};

// ---------------------------------------------------------------- pod requests

// The effective request of a pod as the scheduler computes it
// (component-helpers resource/helpers.go PodRequests):
//   max(sum(app) + sum(sidecars), max_i(init_i + sidecars started before i)) + overhead.
// With `non_zero`, a container with no cpu/memory entry counts 100m / 200Mi
// (scheduler util/pod_resources.go), as the scoring plugins use it.
// pods is set to 1.
Resources pod_requests(const PodSpec& spec, bool non_zero = false);
// Sum of container limits, with the same init/sidecar rule.
Resources pod_limits(const PodSpec& spec);
// Converts a ResourceList: cpu -> millicores, memory/ephemeral-storage ->
// bytes, "pods" -> count, anything else -> extended (Value()).
Resources to_resources(const ResourceList& list);

}  // namespace simcluster
