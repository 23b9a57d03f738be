// One decoder per modelled kind, with the API defaulting of its version
// (k8s pkg/apis/<group>/<version>/defaults.go) and, for HorizontalPodAutoscaler,
// the conversion of autoscaling/v1, v2beta1 and v2beta2 into the v2 model
// (pkg/apis/autoscaling/v1/conversion.go, v2beta1/conversion.go).
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "io/decode.h"
#include "simcluster/manifests.h"

namespace simcluster::io {
namespace {

constexpr int32_t kMaxInt32 = std::numeric_limits<int32_t>::max();

// The apiVersions simcluster reads for each kind; `removed_in` names the
// Kubernetes release that stopped serving a version (empty: still served).
struct ServedVersion {
  std::string_view api_version;
  std::string_view removed_in;
};

const std::map<std::string_view, std::vector<ServedVersion>>& served_versions() {
  static const std::map<std::string_view, std::vector<ServedVersion>> kServed = {
      {"Namespace", {{"v1", ""}}},
      {"ConfigMap", {{"v1", ""}}},
      {"Secret", {{"v1", ""}}},
      {"Pod", {{"v1", ""}}},
      {"Service", {{"v1", ""}}},
      {"PersistentVolumeClaim", {{"v1", ""}}},
      {"PersistentVolume", {{"v1", ""}}},
      {"LimitRange", {{"v1", ""}}},
      {"ResourceQuota", {{"v1", ""}}},
      {"Node", {{"v1", ""}}},
      {"Deployment",
       {{"apps/v1", ""},
        {"apps/v1beta2", "1.16"},
        {"apps/v1beta1", "1.16"},
        {"extensions/v1beta1", "1.16"}}},
      {"ReplicaSet", {{"apps/v1", ""}, {"apps/v1beta2", "1.16"}, {"extensions/v1beta1", "1.16"}}},
      {"DaemonSet", {{"apps/v1", ""}, {"apps/v1beta2", "1.16"}, {"extensions/v1beta1", "1.16"}}},
      {"StatefulSet", {{"apps/v1", ""}, {"apps/v1beta2", "1.16"}, {"apps/v1beta1", "1.16"}}},
      {"Job", {{"batch/v1", ""}}},
      {"CronJob", {{"batch/v1", ""}, {"batch/v1beta1", "1.25"}}},
      {"Ingress",
       {{"networking.k8s.io/v1", ""},
        {"networking.k8s.io/v1beta1", "1.22"},
        {"extensions/v1beta1", "1.22"}}},
      {"StorageClass", {{"storage.k8s.io/v1", ""}, {"storage.k8s.io/v1beta1", "1.22"}}},
      {"PodDisruptionBudget", {{"policy/v1", ""}, {"policy/v1beta1", "1.25"}}},
      {"PriorityClass",
       {{"scheduling.k8s.io/v1", ""},
        {"scheduling.k8s.io/v1beta1", "1.22"},
        {"scheduling.k8s.io/v1alpha1", "1.22"}}},
      {"HorizontalPodAutoscaler",
       {{"autoscaling/v2", ""},
        {"autoscaling/v1", ""},
        {"autoscaling/v2beta2", "1.26"},
        {"autoscaling/v2beta1", "1.25"}}},
  };
  return kServed;
}

// Every kind the built-in API groups serve, in any version (the group of an
// apiVersion: "apps" of "apps/v1", "" of "v1"), as kube-apiserver registers
// them (k8s.io/api/<group>/<version>/register.go). A kind of a built-in group
// that is not in its list is what kubectl refuses with `no matches for kind`;
// a group not listed here is a custom resource's, which simcluster skips.
const std::map<std::string_view, std::vector<std::string_view>>& builtin_group_kinds() {
  static const std::map<std::string_view, std::vector<std::string_view>> kKinds = {
      {"",
       {"Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace",
        "Node", "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate",
        "ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount", "Status"}},
      {"apps",
       {"ControllerRevision", "DaemonSet", "Deployment", "DeploymentRollback", "ReplicaSet",
        "Scale", "StatefulSet"}},
      {"batch", {"CronJob", "Job"}},
      {"autoscaling", {"HorizontalPodAutoscaler", "Scale"}},
      {"extensions",
       {"DaemonSet", "Deployment", "DeploymentRollback", "Ingress", "NetworkPolicy",
        "PodSecurityPolicy", "ReplicaSet", "ReplicationControllerDummy", "Scale"}},
      {"networking.k8s.io",
       {"ClusterCIDR", "IPAddress", "Ingress", "IngressClass", "NetworkPolicy", "ServiceCIDR"}},
      {"policy", {"Eviction", "PodDisruptionBudget", "PodSecurityPolicy"}},
      {"storage.k8s.io",
       {"CSIDriver", "CSINode", "CSIStorageCapacity", "StorageClass", "VolumeAttachment",
        "VolumeAttributesClass"}},
      {"scheduling.k8s.io", {"PriorityClass"}},
      {"rbac.authorization.k8s.io", {"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}},
      {"admissionregistration.k8s.io",
       {"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration"}},
      {"apiextensions.k8s.io", {"CustomResourceDefinition"}},
      {"apiregistration.k8s.io", {"APIService"}},
      {"certificates.k8s.io", {"CertificateSigningRequest", "ClusterTrustBundle"}},
      {"coordination.k8s.io", {"Lease", "LeaseCandidate"}},
      {"discovery.k8s.io", {"EndpointSlice"}},
      {"events.k8s.io", {"Event"}},
      {"flowcontrol.apiserver.k8s.io", {"FlowSchema", "PriorityLevelConfiguration"}},
      {"node.k8s.io", {"RuntimeClass"}},
      {"resource.k8s.io",
       {"DeviceClass", "PodSchedulingContext", "ResourceClaim", "ResourceClaimTemplate",
        "ResourceClass", "ResourceSlice"}},
      {"authentication.k8s.io", {"SelfSubjectReview", "TokenRequest", "TokenReview"}},
      {"authorization.k8s.io",
       {"LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview",
        "SubjectAccessReview"}},
  };
  return kKinds;
}

bool is_namespaced(std::string_view kind) {
  return kind != "Namespace" && kind != "Node" && kind != "PersistentVolume" &&
         kind != "StorageClass" && kind != "PriorityClass";
}

// Field lists of the specs (k8s.io/api types.go JSON names).
// clang-format off
constexpr std::string_view kServiceSpecFields[] = {
    "ports", "selector", "clusterIP", "clusterIPs", "type", "externalIPs", "sessionAffinity",
    "loadBalancerIP", "loadBalancerSourceRanges", "externalName", "externalTrafficPolicy",
    "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig", "ipFamilies",
    "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy",
    "trafficDistribution"};
constexpr std::string_view kPersistentVolumeSpecFields[] = {
    "capacity", "accessModes", "claimRef", "persistentVolumeReclaimPolicy", "storageClassName",
    "mountOptions", "volumeMode", "nodeAffinity", "volumeAttributesClassName", "gcePersistentDisk",
    "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "iscsi", "cinder", "cephfs",
    "fc", "flocker", "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
    "photonPersistentDisk", "portworxVolume", "scaleIO", "local", "storageos", "csi"};
constexpr std::string_view kNodeSpecFields[] = {
    "podCIDR", "podCIDRs", "providerID", "unschedulable", "taints", "configSource", "externalID",
    "podPreemptionPolicy"};
constexpr std::string_view kNodeStatusFields[] = {
    "capacity", "allocatable", "phase", "conditions", "addresses", "daemonEndpoints", "nodeInfo",
    "images", "volumesInUse", "volumesAttached", "config", "runtimeHandlers", "features",
    "declaredFeatures"};
constexpr std::string_view kPodStatusFields[] = {
    "phase", "conditions", "message", "reason", "nominatedNodeName", "hostIP", "hostIPs", "podIP",
    "podIPs", "startTime", "initContainerStatuses", "containerStatuses", "qosClass",
    "ephemeralContainerStatuses", "resize", "resourceClaimStatuses", "observedGeneration",
    "extendedResourceClaimStatus", "allocatedResources", "resources"};
constexpr std::string_view kHPAStatusFields[] = {
    "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas", "currentMetrics",
    "conditions", "currentCPUUtilizationPercentage"};
constexpr std::string_view kDeploymentBetaSpecFields[] = {
    "replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit",
    "paused", "rollbackTo", "progressDeadlineSeconds"};
constexpr std::string_view kDeploymentSpecFields[] = {
    "replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit",
    "paused", "progressDeadlineSeconds"};
constexpr std::string_view kStatefulSetSpecFields[] = {
    "replicas", "selector", "template", "volumeClaimTemplates", "serviceName",
    "podManagementPolicy", "updateStrategy", "revisionHistoryLimit", "minReadySeconds",
    "persistentVolumeClaimRetentionPolicy", "ordinals"};
constexpr std::string_view kJobSpecFields[] = {
    "parallelism", "completions", "activeDeadlineSeconds", "podFailurePolicy", "successPolicy",
    "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes", "selector", "manualSelector",
    "template", "ttlSecondsAfterFinished", "completionMode", "suspend", "podReplacementPolicy",
    "managedBy", "scheduling"};
constexpr std::string_view kCronJobSpecFields[] = {
    "schedule", "timeZone", "startingDeadlineSeconds", "concurrencyPolicy", "suspend",
    "jobTemplate", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"};
constexpr std::string_view kStorageClassFields[] = {
    "apiVersion", "kind", "metadata", "provisioner", "parameters", "reclaimPolicy", "mountOptions",
    "allowVolumeExpansion", "volumeBindingMode", "allowedTopologies"};
// clang-format on

constexpr std::string_view kTopFields[] = {"apiVersion", "kind", "metadata", "spec", "status"};

class KindDecoder {
 public:
  KindDecoder(Decoder& d, const YNode* root, const DecodeOptions& options, Manifests& out,
              std::string kind, std::string api_version)
      : d_(d),
        root_(root),
        options_(options),
        out_(out),
        kind_(std::move(kind)),
        api_(std::move(api_version)) {}

  void decode() {
    if (kind_ == "Namespace") return add(out_.namespaces, namespace_());
    if (kind_ == "ConfigMap") return add(out_.config_maps, config_map());
    if (kind_ == "Secret") return add(out_.secrets, secret());
    if (kind_ == "Pod") return add(out_.pods, pod());
    if (kind_ == "Service") return add(out_.services, service());
    if (kind_ == "PersistentVolumeClaim") return add(out_.persistent_volume_claims, pvc());
    if (kind_ == "PersistentVolume") return add(out_.persistent_volumes, pv());
    if (kind_ == "LimitRange") return add(out_.limit_ranges, limit_range());
    if (kind_ == "ResourceQuota") return add(out_.resource_quotas, resource_quota());
    if (kind_ == "Node") return add(out_.nodes, node());
    if (kind_ == "Deployment") return add(out_.deployments, deployment());
    if (kind_ == "ReplicaSet") return add(out_.replica_sets, replica_set());
    if (kind_ == "DaemonSet") return add(out_.daemon_sets, daemon_set());
    if (kind_ == "StatefulSet") return add(out_.stateful_sets, stateful_set());
    if (kind_ == "Job") return add(out_.jobs, job());
    if (kind_ == "CronJob") return add(out_.cron_jobs, cron_job());
    if (kind_ == "Ingress") return add(out_.ingresses, ingress());
    if (kind_ == "StorageClass") return add(out_.storage_classes, storage_class());
    if (kind_ == "PodDisruptionBudget") return add(out_.pod_disruption_budgets, pdb());
    if (kind_ == "PriorityClass") return add(out_.priority_classes, priority_class());
    if (kind_ == "HorizontalPodAutoscaler") return add(out_.horizontal_pod_autoscalers, hpa());
  }

 private:
  template <typename T>
  void add(std::vector<T>& v, T&& x) {
    v.push_back(std::move(x));
  }

  // Name checks and namespace defaulting, as kubectl and the API server do.
  ObjectMeta meta(const MapView& obj) {
    ObjectMeta m = decode_meta(obj);
    if (m.name.empty() && m.generate_name.empty()) {
      d_.fail(root_, "resource name may not be empty",
              "set metadata.name (kubectl apply needs a name)");
    }
    if (!is_namespaced(kind_)) {
      m.ns.clear();
    } else if (m.ns.empty()) {
      m.ns = options_.namespace_override.empty() ? "default" : options_.namespace_override;
    } else if (!options_.namespace_override.empty() && m.ns != options_.namespace_override) {
      d_.fail(root_,
              fmt::format("the namespace from the provided object \"{}\" does not match the "
                          "namespace \"{}\"",
                          m.ns, options_.namespace_override),
              fmt::format("pass --namespace={} or leave metadata.namespace out", m.ns));
    }
    return m;
  }

  std::optional<int32_t> replicas(const MapView& spec) {
    std::optional<int32_t> r = spec.opt_i32("replicas");
    if (r && *r < 0) {
      d_.fail(
          spec.get("replicas"),
          fmt::format("spec.replicas: Invalid value: {}: must be greater than or equal to 0", *r));
    }
    check_pod_count(spec, "replicas", r);
    return r;
  }

  // A count of pods no run can hold (kMaxPodsPerRun, manifests.h) is refused
  // at its field while decoding, before anything is sized by it.
  void check_pod_count(const MapView& spec, std::string_view field, std::optional<int32_t> n) {
    if (!n || *n <= kMaxPodsPerRun) return;
    d_.fail(spec.get(field),
            fmt::format("spec.{}: {} pods are more than simcluster simulates: a run holds at most "
                        "{} pods",
                        field, *n, kMaxPodsPerRun),
            fmt::format("lower spec.{} to the number of pods the cluster can run", field));
  }

  // apps/v1beta1 and extensions/v1beta1 defaulted a missing selector to the
  // template's labels; apps/v1beta2 and apps/v1 require it.
  LabelSelector workload_selector(const MapView& spec, const PodTemplateSpec& tmpl) {
    if (const YNode* s = spec.get("selector")) {
      return decode_label_selector(d_, s, spec.path_of("selector"));
    }
    LabelSelector sel;
    if (api_ == "apps/v1beta1" || api_ == "extensions/v1beta1") {
      sel.match_labels = tmpl.metadata.labels;
    }
    return sel;
  }

  std::string one_of(const MapView& m, std::string_view field, std::string_view fallback,
                     const std::vector<std::string>& allowed) {
    std::string v = m.str(field, fallback);
    if (v.empty() && fallback.empty()) {
      d_.fail(m.node() ? m.node() : root_, fmt::format("{}: Required value", m.path_of(field)));
    }
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string guess = closest_match(v, allowed);
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
      d_.fail(
          m.get(field) ? m.get(field) : m.node(),
          fmt::format("{}: Unsupported value: \"{}\"", m.path_of(field), v),
          guess.empty() ? "supported values: " + list : fmt::format("did you mean \"{}\"?", guess));
    }
    return v;
  }

  Namespace namespace_() {
    MapView obj(d_, root_, "", kTopFields);
    obj.map("spec", {"finalizers"});
    return Namespace{meta(obj)};
  }

  ConfigMap config_map() {
    MapView obj(d_, root_, "",
                {"apiVersion", "kind", "metadata", "data", "binaryData", "immutable"});
    ConfigMap cm;
    cm.metadata = meta(obj);
    cm.data = obj.string_map("data");
    if (const YNode* data = obj.get("data")) {
      for (const auto& [key, value] : data->entries) cm.data_source[key->value] = d_.where(value);
    }
    obj.keys("binaryData");
    obj.opt_bool("immutable");
    return cm;
  }

  // encoding/json decodes []byte with base64.StdEncoding (padding required;
  // \r and \n are skipped).
  void check_base64(const YNode* value, const std::string& path) {
    const std::string s = as_string(d_, value, path);
    size_t n = 0, pad = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if (c == '\n' || c == '\r') continue;
      const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (c == '=') {
        ++pad;
      } else if ((alnum || c == '+' || c == '/') && pad == 0) {
        // a data character
      } else {
        d_.fail(value, fmt::format("{}: illegal base64 data at input byte {}", path, i),
                "Secret data values are base64; use stringData for plain text");
      }
      ++n;
    }
    if (n % 4 != 0 || pad > 2) {
      d_.fail(value, fmt::format("{}: illegal base64 data at input byte {}", path, s.size()),
              "Secret data values are base64; use stringData for plain text");
    }
  }

  Secret secret() {
    MapView obj(d_, root_, "",
                {"apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"});
    Secret s;
    s.metadata = meta(obj);
    s.type = obj.str("type", "Opaque");
    std::set<std::string> keys;
    if (const YNode* data = obj.get("data")) {
      for (const std::string& k : obj.keys("data")) keys.insert(k);
      for (const auto& [key, value] : data->entries) {
        if (!value->is_null()) check_base64(value, join_path("data", key->value));
      }
    }
    for (const auto& [k, v] : obj.string_map("stringData")) keys.insert(k);
    obj.opt_bool("immutable");
    s.keys.assign(keys.begin(), keys.end());
    return s;
  }

  Pod pod() {
    MapView obj(d_, root_, "", kTopFields);
    Pod p;
    p.metadata = meta(obj);
    p.spec = decode_pod_spec(obj, "spec");
    // Of a live pod's status only the phase matters (a dump's initial state);
    // the rest (conditions, IPs, containerStatuses, ...) is tolerated unread.
    MapView status = obj.map("status", kPodStatusFields);
    if (status.has("phase")) {
      p.phase =
          one_of(status, "phase", "", {"Pending", "Running", "Succeeded", "Failed", "Unknown"});
    }
    return p;
  }

  Service service() {
    MapView obj(d_, root_, "", kTopFields);
    Service s;
    s.metadata = meta(obj);
    MapView spec = obj.map("spec", kServiceSpecFields);
    s.type = one_of(spec, "type", "ClusterIP",
                    {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"});
    s.cluster_ip = spec.str("clusterIP");
    s.selector = spec.string_map("selector");
    s.external_name = spec.str("externalName");
    spec.each("ports", [&](const YNode* n, const std::string& p) {
      MapView pm(d_, n, p, {"name", "protocol", "appProtocol", "port", "targetPort", "nodePort"});
      ServicePort port;
      port.name = pm.str("name");
      port.protocol = pm.str("protocol", "TCP");
      port.port = pm.i32("port", 0);
      // SetDefaults_Service: targetPort defaults to port.
      port.target_port = pm.opt_int_or_string("targetPort").value_or(std::to_string(port.port));
      port.node_port = pm.i32("nodePort", 0);
      s.ports.push_back(std::move(port));
    });
    return s;
  }

  PersistentVolumeClaim pvc() {
    PersistentVolumeClaim c = decode_pvc(d_, root_, "");
    MapView obj(d_, root_, "", kTopFields);
    ObjectMeta m = meta(obj);
    c.metadata = std::move(m);
    return c;
  }

  PersistentVolume pv() {
    MapView obj(d_, root_, "", kTopFields);
    PersistentVolume v;
    v.metadata = meta(obj);
    MapView spec = obj.map("spec", kPersistentVolumeSpecFields);
    ResourceList cap = spec.resource_list("capacity");
    if (auto it = cap.find("storage"); it != cap.end()) v.capacity_storage = it->second;
    v.storage_class_name = spec.str("storageClassName");
    v.access_modes = spec.string_list("accessModes");
    v.reclaim_policy = spec.str("persistentVolumeReclaimPolicy", "Retain");
    MapView na = spec.map("nodeAffinity", {"required"});
    MapView req = na.map("required", {"nodeSelectorTerms"});
    req.each("nodeSelectorTerms", [&](const YNode* n, const std::string& p) {
      v.node_affinity.required.push_back(decode_node_selector_term(d_, n, p));
    });
    return v;
  }

  LimitRange limit_range() {
    MapView obj(d_, root_, "", kTopFields);
    LimitRange lr;
    lr.metadata = meta(obj);
    MapView spec = obj.map("spec", {"limits"});
    spec.each("limits", [&](const YNode* n, const std::string& p) {
      MapView m(d_, n, p,
                {"type", "max", "min", "default", "defaultRequest", "maxLimitRequestRatio"});
      LimitRangeItem item;
      item.type = one_of(m, "type", "", {"Container", "Pod", "PersistentVolumeClaim"});
      item.max = m.resource_list("max");
      item.min = m.resource_list("min");
      item.default_limit = m.resource_list("default");
      item.default_request = m.resource_list("defaultRequest");
      item.max_limit_request_ratio = m.resource_list("maxLimitRequestRatio");
      // Mirrors core/v1 defaults.go SetDefaults_LimitRangeItem, for Container
      // items: default <- max, then defaultRequest <- default, then <- min.
      if (item.type == "Container") {
        for (const auto& [k, q] : item.max) item.default_limit.emplace(k, q);
        for (const auto& [k, q] : item.default_limit) item.default_request.emplace(k, q);
        for (const auto& [k, q] : item.min) item.default_request.emplace(k, q);
      }
      lr.limits.push_back(std::move(item));
    });
    return lr;
  }

  ResourceQuota resource_quota() {
    MapView obj(d_, root_, "", kTopFields);
    ResourceQuota q;
    q.metadata = meta(obj);
    MapView spec = obj.map("spec", {"hard", "scopes", "scopeSelector"});
    q.hard = spec.resource_list("hard");
    q.scopes = spec.string_list("scopes");
    return q;
  }

  Node node() {
    MapView obj(d_, root_, "", kTopFields);
    Node n;
    n.metadata = meta(obj);
    MapView spec = obj.map("spec", kNodeSpecFields);
    n.unschedulable = spec.boolean("unschedulable", false);
    spec.each("taints", [&](const YNode* t, const std::string& p) {
      MapView tm(d_, t, p, {"key", "value", "effect", "timeAdded"});
      n.taints.push_back(
          Taint{tm.str("key"), tm.str("value"),
                one_of(tm, "effect", "", {"NoSchedule", "PreferNoSchedule", "NoExecute"})});
    });
    MapView status = obj.map("status", kNodeStatusFields);
    n.capacity = status.resource_list("capacity");
    // SetDefaults_NodeStatus: allocatable defaults to capacity.
    n.allocatable = status.has("allocatable") ? status.resource_list("allocatable") : n.capacity;
    status.each("conditions", [&](const YNode* c, const std::string& p) {
      MapView cm(
          d_, c, p,
          {"type", "status", "lastHeartbeatTime", "lastTransitionTime", "reason", "message"});
      n.conditions.push_back(NodeCondition{cm.str("type"), cm.str("status")});
    });
    return n;
  }

  Deployment deployment() {
    MapView obj(d_, root_, "", kTopFields);
    Deployment x;
    x.metadata = meta(obj);
    const bool beta = api_ == "apps/v1beta1" || api_ == "extensions/v1beta1";
    MapView spec =
        beta ? obj.map("spec", kDeploymentBetaSpecFields) : obj.map("spec", kDeploymentSpecFields);
    x.replicas = replicas(spec);
    x.template_ = decode_pod_template(spec, "template");
    x.selector = workload_selector(spec, x.template_);
    MapView strategy = spec.map("strategy", {"type", "rollingUpdate"});
    x.strategy.type = one_of(strategy, "type", "RollingUpdate", {"RollingUpdate", "Recreate"});
    if (x.strategy.type == "RollingUpdate") {
      // apps/v1 (and v1beta1/v1beta2): 25%/25%; extensions/v1beta1: 1/1.
      const IntOrPercent def =
          api_ == "extensions/v1beta1" ? IntOrPercent{false, 1} : IntOrPercent{true, 25};
      MapView ru = strategy.map("rollingUpdate", {"maxUnavailable", "maxSurge"});
      x.strategy.max_surge = ru.opt_int_or_percent("maxSurge").value_or(def);
      x.strategy.max_unavailable = ru.opt_int_or_percent("maxUnavailable").value_or(def);
    } else {
      if (strategy.has("rollingUpdate")) {
        d_.fail(strategy.get("rollingUpdate"),
                "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy "
                "`type` is 'Recreate'");
      }
      x.strategy.max_surge = IntOrPercent{false, 0};
      x.strategy.max_unavailable = IntOrPercent{false, 0};
    }
    x.min_ready_seconds = spec.i32("minReadySeconds", 0);
    x.revision_history_limit =
        spec.i32("revisionHistoryLimit", api_ == "extensions/v1beta1" ? kMaxInt32
                                         : api_ == "apps/v1beta1"     ? 2
                                                                      : 10);
    x.progress_deadline_seconds =
        spec.i32("progressDeadlineSeconds", api_ == "extensions/v1beta1" ? kMaxInt32 : 600);
    x.paused = spec.boolean("paused", false);
    return x;
  }

  ReplicaSet replica_set() {
    MapView obj(d_, root_, "", kTopFields);
    ReplicaSet x;
    x.metadata = meta(obj);
    MapView spec = obj.map("spec", {"replicas", "minReadySeconds", "selector", "template"});
    x.replicas = replicas(spec);
    x.template_ = decode_pod_template(spec, "template");
    x.selector = workload_selector(spec, x.template_);
    x.min_ready_seconds = spec.i32("minReadySeconds", 0);
    return x;
  }

  DaemonSet daemon_set() {
    MapView obj(d_, root_, "", kTopFields);
    DaemonSet x;
    x.metadata = meta(obj);
    MapView spec =
        obj.map("spec", api_ == "extensions/v1beta1"
                            ? FieldList{"selector", "template", "updateStrategy", "minReadySeconds",
                                        "revisionHistoryLimit", "templateGeneration"}
                            : FieldList{"selector", "template", "updateStrategy", "minReadySeconds",
                                        "revisionHistoryLimit"});
    x.template_ = decode_pod_template(spec, "template");
    x.selector = workload_selector(spec, x.template_);
    MapView us = spec.map("updateStrategy", {"type", "rollingUpdate"});
    x.update_strategy_type =
        one_of(us, "type", api_ == "extensions/v1beta1" ? "OnDelete" : "RollingUpdate",
               {"RollingUpdate", "OnDelete"});
    MapView ru = us.map("rollingUpdate", {"maxUnavailable", "maxSurge"});
    x.max_unavailable = ru.opt_int_or_percent("maxUnavailable").value_or(IntOrPercent{false, 1});
    x.max_surge = ru.opt_int_or_percent("maxSurge").value_or(IntOrPercent{false, 0});
    x.min_ready_seconds = spec.i32("minReadySeconds", 0);
    return x;
  }

  StatefulSet stateful_set() {
    MapView obj(d_, root_, "", kTopFields);
    StatefulSet x;
    x.metadata = meta(obj);
    MapView spec = obj.map("spec", kStatefulSetSpecFields);
    x.replicas = replicas(spec);
    x.template_ = decode_pod_template(spec, "template");
    x.selector = workload_selector(spec, x.template_);
    x.service_name = spec.str("serviceName");
    x.pod_management_policy =
        one_of(spec, "podManagementPolicy", "OrderedReady", {"OrderedReady", "Parallel"});
    MapView us = spec.map("updateStrategy", {"type", "rollingUpdate"});
    // apps/v1beta1 defaulted StatefulSet updates to OnDelete.
    x.update_strategy_type =
        one_of(us, "type", api_ == "apps/v1beta1" ? "OnDelete" : "RollingUpdate",
               {"RollingUpdate", "OnDelete"});
    MapView ru = us.map("rollingUpdate", {"partition", "maxUnavailable"});
    x.partition = ru.i32("partition", 0);
    x.max_unavailable = ru.opt_int_or_percent("maxUnavailable");
    spec.each("volumeClaimTemplates", [&](const YNode* n, const std::string& p) {
      PersistentVolumeClaim c = decode_pvc(d_, n, p);
      c.metadata.ns = x.metadata.ns;
      if (c.metadata.name.empty()) {
        d_.fail(n, fmt::format("{}.metadata.name: Required value", p));
      }
      x.volume_claim_templates.push_back(std::move(c));
    });
    MapView ret = spec.map("persistentVolumeClaimRetentionPolicy", {"whenDeleted", "whenScaled"});
    x.pvc_when_deleted = one_of(ret, "whenDeleted", "Retain", {"Retain", "Delete"});
    x.pvc_when_scaled = one_of(ret, "whenScaled", "Retain", {"Retain", "Delete"});
    x.min_ready_seconds = spec.i32("minReadySeconds", 0);
    x.revision_history_limit = spec.i32("revisionHistoryLimit", 10);
    return x;
  }

  // Mirrors batch/v1 defaults.go SetDefaults_Job: with neither set, both
  // completions and parallelism are 1; parallelism alone defaults to 1.
  JobSpec job_spec(const MapView& parent, std::string_view field) {
    MapView spec = parent.map(field, kJobSpecFields);
    JobSpec j;
    j.parallelism = spec.opt_i32("parallelism");
    check_pod_count(spec, "parallelism", j.parallelism);
    j.completions = spec.opt_i32("completions");
    if (!j.parallelism && !j.completions) j.completions = 1;
    if (!j.parallelism) j.parallelism = 1;
    j.backoff_limit = spec.i32("backoffLimit", 6);
    j.active_deadline_seconds = spec.opt_i64("activeDeadlineSeconds");
    j.template_ = decode_pod_template(spec, "template");
    return j;
  }

  Job job() {
    MapView obj(d_, root_, "", kTopFields);
    Job x;
    x.metadata = meta(obj);
    x.spec = job_spec(obj, "spec");
    return x;
  }

  CronJob cron_job() {
    MapView obj(d_, root_, "", kTopFields);
    CronJob x;
    x.metadata = meta(obj);
    MapView spec = obj.map("spec", kCronJobSpecFields);
    x.schedule = spec.str("schedule");
    x.concurrency_policy =
        one_of(spec, "concurrencyPolicy", "Allow", {"Allow", "Forbid", "Replace"});
    x.suspend = spec.boolean("suspend", false);
    MapView jt = spec.map("jobTemplate", {"metadata", "spec"});
    decode_meta(jt);
    x.job_template = job_spec(jt, "spec");
    return x;
  }

  IngressBackend backend_v1(const YNode* n, const std::string& path) {
    MapView b(d_, n, path, {"service", "resource"});
    IngressBackend out;
    out.source = d_.where(n);
    MapView svc = b.map("service", {"name", "port"});
    out.service_name = svc.str("name");
    MapView port = svc.map("port", {"name", "number"});
    out.port_number = port.i32("number", 0);
    out.port_name = port.str("name");
    return out;
  }

  IngressBackend backend_v1beta1(const YNode* n, const std::string& path) {
    MapView b(d_, n, path, {"serviceName", "servicePort", "resource"});
    IngressBackend out;
    out.source = d_.where(n);
    out.service_name = b.str("serviceName");
    if (const YNode* p = b.get("servicePort")) {
      if (p->is_scalar() && resolve_scalar(*p) == ScalarType::kInt) {
        out.port_number = static_cast<int32_t>(as_int(d_, p, b.path_of("servicePort"), 1, 65535));
      } else {
        out.port_name = as_string(d_, p, b.path_of("servicePort"));
      }
    }
    return out;
  }

  Ingress ingress() {
    MapView obj(d_, root_, "", kTopFields);
    Ingress x;
    x.metadata = meta(obj);
    const bool v1 = api_ == "networking.k8s.io/v1";
    MapView spec =
        obj.map("spec", v1 ? FieldList{"ingressClassName", "defaultBackend", "tls", "rules"}
                           : FieldList{"ingressClassName", "backend", "tls", "rules"});
    x.ingress_class_name = spec.str("ingressClassName");
    if (x.ingress_class_name.empty()) {
      auto it = x.metadata.annotations.find("kubernetes.io/ingress.class");
      if (it != x.metadata.annotations.end()) x.ingress_class_name = it->second;
    }
    const char* default_field = v1 ? "defaultBackend" : "backend";
    if (const YNode* b = spec.get(default_field)) {
      x.default_backend = v1 ? backend_v1(b, spec.path_of(default_field))
                             : backend_v1beta1(b, spec.path_of(default_field));
    }
    spec.each("rules", [&](const YNode* n, const std::string& p) {
      MapView rule(d_, n, p, {"host", "http"});
      IngressRule r;
      r.host = rule.str("host");
      MapView http = rule.map("http", {"paths"});
      http.each("paths", [&](const YNode* pn, const std::string& pp) {
        MapView pm(d_, pn, pp, {"path", "pathType", "backend"});
        IngressPath path;
        path.path = pm.str("path");
        if (v1 && !pm.has("pathType")) {
          d_.fail(pn, fmt::format("{}.pathType: Required value: pathType must be specified", pp),
                  "use Prefix, Exact or ImplementationSpecific");
        }
        path.path_type = one_of(pm, "pathType", "ImplementationSpecific",
                                {"Exact", "Prefix", "ImplementationSpecific"});
        const YNode* b = pm.get("backend");
        if (b == nullptr) d_.fail(pn, fmt::format("{}.backend: Required value", pp));
        path.backend =
            v1 ? backend_v1(b, pm.path_of("backend")) : backend_v1beta1(b, pm.path_of("backend"));
        r.paths.push_back(std::move(path));
      });
      x.rules.push_back(std::move(r));
    });
    return x;
  }

  StorageClass storage_class() {
    MapView obj(d_, root_, "", kStorageClassFields);
    StorageClass sc;
    sc.metadata = meta(obj);
    sc.provisioner = obj.str("provisioner");
    obj.string_map("parameters");
    sc.reclaim_policy = one_of(obj, "reclaimPolicy", "Delete", {"Delete", "Retain", "Recycle"});
    sc.volume_binding_mode =
        one_of(obj, "volumeBindingMode", "Immediate", {"Immediate", "WaitForFirstConsumer"});
    sc.allow_volume_expansion = obj.boolean("allowVolumeExpansion", false);
    for (const char* a : {"storageclass.kubernetes.io/is-default-class",
                          "storageclass.beta.kubernetes.io/is-default-class"}) {
      auto it = sc.metadata.annotations.find(a);
      if (it != sc.metadata.annotations.end() && it->second == "true") sc.is_default = true;
    }
    return sc;
  }

  PodDisruptionBudget pdb() {
    MapView obj(d_, root_, "", kTopFields);
    PodDisruptionBudget x;
    x.metadata = meta(obj);
    MapView spec = obj.map(
        "spec", {"minAvailable", "selector", "maxUnavailable", "unhealthyPodEvictionPolicy"});
    x.min_available = spec.opt_int_or_percent("minAvailable");
    x.max_unavailable = spec.opt_int_or_percent("maxUnavailable");
    if (const YNode* s = spec.get("selector")) {
      x.selector = decode_label_selector(d_, s, spec.path_of("selector"));
    }
    return x;
  }

  PriorityClass priority_class() {
    MapView obj(d_, root_, "",
                {"apiVersion", "kind", "metadata", "value", "globalDefault", "description",
                 "preemptionPolicy"});
    PriorityClass pc;
    pc.metadata = meta(obj);
    std::optional<int32_t> value = obj.opt_i32("value");
    if (!value) d_.fail(root_, "value: Required value", "a PriorityClass needs an integer value");
    pc.value = *value;
    pc.global_default = obj.boolean("globalDefault", false);
    obj.str("description");
    pc.preemption_policy =
        one_of(obj, "preemptionPolicy", "PreemptLowerPriority", {"PreemptLowerPriority", "Never"});
    return pc;
  }

  // ------------------------------------------------------------ autoscaling

  CrossVersionObjectReference object_ref(const MapView& m, std::string_view field) {
    MapView r = m.map(field, {"kind", "name", "apiVersion"});
    return CrossVersionObjectReference{r.str("apiVersion"), r.str("kind"), r.str("name")};
  }

  MetricTarget metric_target(const MapView& m) {
    MapView t = m.map("target", {"type", "value", "averageValue", "averageUtilization"});
    MetricTarget out;
    out.type = one_of(t, "type", "", {"Utilization", "Value", "AverageValue"});
    out.average_utilization = t.opt_i32("averageUtilization");
    out.average_value = t.opt_quantity("averageValue");
    out.value = t.opt_quantity("value");
    return out;
  }

  void metric_identifier(const MapView& m, MetricSpec& out) {
    MapView id = m.map("metric", {"name", "selector"});
    out.metric_name = id.str("name");
    if (const YNode* s = id.get("selector")) {
      out.metric_selector = decode_label_selector(d_, s, id.path_of("selector"));
    }
  }

  std::string metric_type(const MapView& m, const std::string& path) {
    std::string type =
        one_of(m, "type", "", {"Object", "Pods", "Resource", "ContainerResource", "External"});
    const std::string member = type == "Object"              ? "object"
                               : type == "Pods"              ? "pods"
                               : type == "Resource"          ? "resource"
                               : type == "ContainerResource" ? "containerResource"
                                                             : "external";
    if (!m.has(member)) {
      d_.fail(m.node(), fmt::format("{}.{}: Required value: must populate information for the "
                                    "given metric source",
                                    path, member));
    }
    return type;
  }

  // autoscaling/v2beta2 and v2 metrics share one shape.
  MetricSpec metric_v2(const YNode* n, const std::string& path) {
    MapView m(d_, n, path, {"type", "object", "pods", "resource", "containerResource", "external"});
    MetricSpec out;
    out.source = d_.where(n);
    out.type = metric_type(m, path);
    if (out.type == "Resource") {
      MapView r = m.map("resource", {"name", "target"});
      out.resource_name = r.str("name");
      out.target = metric_target(r);
    } else if (out.type == "ContainerResource") {
      MapView r = m.map("containerResource", {"name", "target", "container"});
      out.resource_name = r.str("name");
      out.container = r.str("container");
      out.target = metric_target(r);
    } else if (out.type == "Pods") {
      MapView p = m.map("pods", {"metric", "target"});
      metric_identifier(p, out);
      out.target = metric_target(p);
    } else if (out.type == "Object") {
      MapView o = m.map("object", {"describedObject", "target", "metric"});
      out.described_object = object_ref(o, "describedObject");
      metric_identifier(o, out);
      out.target = metric_target(o);
    } else {
      MapView e = m.map("external", {"metric", "target"});
      metric_identifier(e, out);
      out.target = metric_target(e);
    }
    return out;
  }

  // Mirrors pkg/apis/autoscaling/v2beta1/conversion.go.
  MetricSpec metric_v2beta1(const YNode* n, const std::string& path) {
    MapView m(d_, n, path, {"type", "object", "pods", "resource", "containerResource", "external"});
    MetricSpec out;
    out.source = d_.where(n);
    out.type = metric_type(m, path);
    auto utilization_or_value = [&](const MapView& r) {
      out.resource_name = r.str("name");
      out.target.average_utilization = r.opt_i32("targetAverageUtilization");
      out.target.average_value = r.opt_quantity("targetAverageValue");
      out.target.type = out.target.average_utilization ? "Utilization" : "AverageValue";
    };
    if (out.type == "Resource") {
      utilization_or_value(
          m.map("resource", {"name", "targetAverageUtilization", "targetAverageValue"}));
    } else if (out.type == "ContainerResource") {
      MapView r = m.map("containerResource",
                        {"name", "targetAverageUtilization", "targetAverageValue", "container"});
      utilization_or_value(r);
      out.container = r.str("container");
    } else if (out.type == "Pods") {
      MapView p = m.map("pods", {"metricName", "targetAverageValue", "selector"});
      out.metric_name = p.str("metricName");
      if (const YNode* s = p.get("selector")) {
        out.metric_selector = decode_label_selector(d_, s, p.path_of("selector"));
      }
      out.target.type = "AverageValue";
      out.target.average_value = p.opt_quantity("targetAverageValue");
    } else if (out.type == "Object") {
      MapView o =
          m.map("object", {"target", "metricName", "targetValue", "selector", "averageValue"});
      out.described_object = object_ref(o, "target");
      out.metric_name = o.str("metricName");
      if (const YNode* s = o.get("selector")) {
        out.metric_selector = decode_label_selector(d_, s, o.path_of("selector"));
      }
      out.target.value = o.opt_quantity("targetValue");
      out.target.average_value = o.opt_quantity("averageValue");
      out.target.type = out.target.average_value ? "AverageValue" : "Value";
    } else {
      MapView e =
          m.map("external", {"metricName", "metricSelector", "targetValue", "targetAverageValue"});
      out.metric_name = e.str("metricName");
      if (const YNode* s = e.get("metricSelector")) {
        out.metric_selector = decode_label_selector(d_, s, e.path_of("metricSelector"));
      }
      out.target.value = e.opt_quantity("targetValue");
      out.target.average_value = e.opt_quantity("targetAverageValue");
      out.target.type = out.target.average_value ? "AverageValue" : "Value";
    }
    return out;
  }

  std::optional<HPAScalingRules> scaling_rules(const MapView& behavior, std::string_view field) {
    const bool v2 = api_ == "autoscaling/v2";
    MapView r = behavior.map(
        field, v2 ? FieldList{"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"}
                  : FieldList{"stabilizationWindowSeconds", "selectPolicy", "policies"});
    if (!r.present()) return std::nullopt;
    HPAScalingRules rules;
    rules.stabilization_window_seconds = r.opt_i32("stabilizationWindowSeconds");
    if (r.has("selectPolicy"))
      rules.select_policy = one_of(r, "selectPolicy", "", {"Max", "Min", "Disabled"});
    if (r.contains("policies")) {
      rules.policies.clear();
      r.each("policies", [&](const YNode* n, const std::string& p) {
        MapView pm(d_, n, p, {"type", "value", "periodSeconds"});
        HPAScalingPolicy pol;
        pol.type = one_of(pm, "type", "", {"Pods", "Percent"});
        pol.value = pm.i32("value", 0);
        pol.period_seconds = pm.i32("periodSeconds", 0);
        rules.policies.push_back(pol);
      });
    }
    if (v2) rules.tolerance = r.opt_quantity("tolerance");
    return rules;
  }

  // Mirrors pkg/apis/autoscaling/v2/defaults.go: each rule's unset fields
  // take the defaults; a given policies list replaces the default list.
  //   scaleUp:   window 0, Max, [Pods 4 / 15s, Percent 100 / 15s]
  //   scaleDown: window unset (the controller's 300s), Max, [Percent 100 / 15s]
  static HPAScalingRules default_rules(std::optional<HPAScalingRules> given, bool up) {
    HPAScalingRules r;
    if (up) {
      r.stabilization_window_seconds = 0;
      r.policies = {{"Pods", 4, 15}, {"Percent", 100, 15}};
    } else {
      r.policies = {{"Percent", 100, 15}};
    }
    r.select_policy = "Max";
    if (!given) return r;
    if (given->stabilization_window_seconds) {
      r.stabilization_window_seconds = given->stabilization_window_seconds;
    }
    if (given->select_policy) r.select_policy = given->select_policy;
    if (!given->policies.empty()) r.policies = given->policies;
    if (given->tolerance) r.tolerance = given->tolerance;
    return r;
  }

  HorizontalPodAutoscaler hpa() {
    MapView obj(d_, root_, "", kTopFields);
    HorizontalPodAutoscaler h;
    h.metadata = meta(obj);
    h.source_api_version = api_;
    const bool v1 = api_ == "autoscaling/v1";
    const bool v2beta1 = api_ == "autoscaling/v2beta1";
    MapView spec = obj.map(
        "spec", v1        ? FieldList{"scaleTargetRef", "minReplicas", "maxReplicas",
                               "targetCPUUtilizationPercentage"}
                : v2beta1 ? FieldList{"scaleTargetRef", "minReplicas", "maxReplicas", "metrics"}
                          : FieldList{"scaleTargetRef", "minReplicas", "maxReplicas", "metrics",
                                      "behavior"});
    h.scale_target_ref = object_ref(spec, "scaleTargetRef");
    const YNode* ref = spec.get("scaleTargetRef");
    h.scale_target_source = d_.where(ref != nullptr ? ref : root_);
    // SetDefaults_HorizontalPodAutoscaler: minReplicas 1.
    h.min_replicas = spec.opt_i32("minReplicas").value_or(1);
    std::optional<int32_t> max = spec.opt_i32("maxReplicas");
    if (!max) {
      d_.fail(spec.node() ? spec.node() : root_, "spec.maxReplicas: Required value");
    }
    h.max_replicas = *max;
    check_pod_count(spec, "maxReplicas", max);
    // A live HPA's status (kubectl get -o yaml): the replicas it saw and chose last.
    MapView status = obj.map("status", kHPAStatusFields);
    h.current_replicas = status.opt_i32("currentReplicas");
    h.desired_replicas = status.opt_i32("desiredReplicas");
    if (v1) {
      // Mirrors autoscaling/v1 conversion: the CPU target (default 80%)
      // becomes one Resource metric.
      MetricSpec m;
      m.type = "Resource";
      m.resource_name = "cpu";
      m.target.type = "Utilization";
      m.target.average_utilization = spec.opt_i32("targetCPUUtilizationPercentage").value_or(80);
      const YNode* t = spec.get("targetCPUUtilizationPercentage");
      m.source = d_.where(t != nullptr ? t : root_);
      h.metrics.push_back(std::move(m));
    } else {
      spec.each("metrics", [&](const YNode* n, const std::string& p) {
        h.metrics.push_back(v2beta1 ? metric_v2beta1(n, p) : metric_v2(n, p));
      });
    }
    if (h.metrics.empty()) {
      // An empty list defaults to CPU at 80% average utilization.
      MetricSpec m;
      m.type = "Resource";
      m.resource_name = "cpu";
      m.target.type = "Utilization";
      m.target.average_utilization = 80;
      m.source = d_.where(root_);
      h.metrics.push_back(std::move(m));
    }
    MapView behavior = spec.map("behavior", {"scaleUp", "scaleDown"});
    if (behavior.present() && !v1 && !v2beta1) {
      HPABehavior b;
      b.scale_up = default_rules(scaling_rules(behavior, "scaleUp"), true);
      b.scale_down = default_rules(scaling_rules(behavior, "scaleDown"), false);
      h.behavior = std::move(b);
    }
    return h;
  }

  Decoder& d_;
  const YNode* root_;
  const DecodeOptions& options_;
  Manifests& out_;
  std::string kind_;
  std::string api_;
};

// apiVersion, kind and metadata.name of any document, read leniently (an
// unknown kind may have any fields).
const YNode* lookup(const YNode* map, std::string_view key) {
  if (map == nullptr || !map->is_map()) return nullptr;
  for (const auto& [k, v] : map->entries) {
    if (k->value == key) return v->is_null() ? nullptr : v;
  }
  return nullptr;
}

void decode_any(Decoder& d, const YNode* root, const DecodeOptions& options, Manifests& out,
                int list_depth) {
  d.set_object("");
  d.visit(root);
  if (!root->is_map()) {
    d.fail(root, "expected a Kubernetes object (a mapping with apiVersion and kind), got " +
                     std::string(root->is_sequence() ? "a list" : "a scalar"));
  }
  const YNode* kind_node = lookup(root, "kind");
  const YNode* api_node = lookup(root, "apiVersion");
  std::string kind = kind_node ? as_string(d, kind_node, "kind") : std::string();
  std::string api = api_node ? as_string(d, api_node, "apiVersion") : std::string();
  if (kind.empty()) {
    d.fail(root, "kind not set", "every Kubernetes object needs apiVersion and kind");
  }
  if (api.empty()) {
    d.fail(root, "apiVersion not set", "every Kubernetes object needs apiVersion and kind");
  }
  std::string name;
  if (const YNode* n = lookup(lookup(root, "metadata"), "name"); n && n->is_scalar()) {
    name = n->value;
  }
  d.set_object(name.empty() ? kind : fmt::format("{} \"{}\"", kind, name));

  // kubectl get -o yaml prints "kind: List"; the API returns "<Kind>List".
  if (kind == "List" || (kind.size() > 4 && kind.ends_with("List") && lookup(root, "items"))) {
    if (list_depth >= 4) d.fail(root, "List nested more than 4 deep");
    MapView list(d, root, "", {"apiVersion", "kind", "metadata", "items"});
    list.each("items", [&](const YNode* item, const std::string&) {
      decode_any(d, item, options, out, list_depth + 1);
    });
    return;
  }

  // A kind no built-in group serves under a built-in group's apiVersion is a
  // typo kubectl refuses (`kind: Deploymnet` in apps/v1), not a custom resource.
  const std::string_view group = api.find('/') == std::string::npos
                                     ? std::string_view()
                                     : std::string_view(api).substr(0, api.find('/'));
  if (auto g = builtin_group_kinds().find(group);
      g != builtin_group_kinds().end() &&
      std::find(g->second.begin(), g->second.end(), kind) == g->second.end()) {
    const std::string guess =
        closest_match(kind, std::vector<std::string>(g->second.begin(), g->second.end()));
    d.fail(kind_node, fmt::format("no matches for kind \"{}\" in version \"{}\"", kind, api),
           guess.empty() ? fmt::format("{} serves no such kind; a custom resource needs its own "
                                       "API group",
                                       group.empty() ? "the core API (v1)" : api)
                         : fmt::format("did you mean \"{}\"?", guess));
  }

  const auto& served = served_versions();
  auto it = served.find(kind);
  SkippedObject skipped{api, kind, name, d.where(root), ""};
  if (it == served.end()) {
    skipped.reason = kind == "Kustomization" ? "kustomize configuration, not an object"
                                             : "kind not modelled by simcluster";
    out.skipped.push_back(std::move(skipped));
    return;
  }
  auto version = std::find_if(it->second.begin(), it->second.end(),
                              [&](const ServedVersion& v) { return v.api_version == api; });
  if (version == it->second.end()) {
    skipped.reason =
        fmt::format("apiVersion {} is not a version of {} that simcluster reads", api, kind);
    out.skipped.push_back(std::move(skipped));
    return;
  }
  if (!version->removed_in.empty()) {
    out.warnings.push_back(LoadWarning{
        d.where(root),
        fmt::format("{} {} uses apiVersion {}, which Kubernetes {} stopped serving; loaded "
                    "with that version's defaults, but kubectl apply fails on current clusters",
                    kind, name, api, version->removed_in)});
  }
  KindDecoder(d, root, options, out, kind, api).decode();
}

}  // namespace

void decode_document(Decoder& d, const YNode* root, const DecodeOptions& options, Manifests& out) {
  decode_any(d, root, options, out, 0);
}

}  // namespace simcluster::io
