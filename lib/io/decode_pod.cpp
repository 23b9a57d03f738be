// Metadata, selectors and pod specs. Field lists are the JSON field names of
// the k8s.io/api Go structs (core/v1/types.go), so every API field is
// accepted and only misspelt or invented ones are refused.
#include <fmt/format.h>

#include <algorithm>

#include "io/decode.h"

namespace simcluster::io {
namespace {

// clang-format off
constexpr std::string_view kObjectMetaFields[] = {
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
    "ownerReferences", "finalizers", "managedFields"};
// clang-format on

constexpr std::string_view kLabelSelectorFields[] = {"matchLabels", "matchExpressions"};
constexpr std::string_view kRequirementFields[] = {"key", "operator", "values"};

// clang-format off
constexpr std::string_view kPodSpecFields[] = {
    "volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy",
    "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
    "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName",
    "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "securityContext",
    "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName", "tolerations",
    "hostAliases", "priorityClassName", "priority", "dnsConfig", "readinessGates",
    "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
    "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates",
    "resourceClaims", "resources", "hostnameOverride", "schedulingGroup", "evictionResponders"};
// clang-format on

// clang-format off
constexpr std::string_view kContainerFields[] = {
    "name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources",
    "resizePolicy", "restartPolicy", "restartPolicyRules", "volumeMounts", "volumeDevices",
    "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
    "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty"};
// clang-format on

constexpr std::string_view kResourceRequirementsFields[] = {"limits", "requests", "claims"};

// clang-format off
constexpr std::string_view kProbeFields[] = {
    "exec", "httpGet", "tcpSocket", "grpc", "initialDelaySeconds", "timeoutSeconds",
    "periodSeconds", "successThreshold", "failureThreshold", "terminationGracePeriodSeconds"};
// clang-format on

constexpr std::string_view kEnvVarFields[] = {"name", "value", "valueFrom"};
constexpr std::string_view kEnvVarSourceFields[] = {
    "fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"};
constexpr std::string_view kKeySelectorFields[] = {"name", "key", "optional"};
constexpr std::string_view kEnvFromFields[] = {"prefix", "configMapRef", "secretRef"};
constexpr std::string_view kEnvFromSourceRefFields[] = {"name", "optional"};
constexpr std::string_view kContainerPortFields[] = {"name", "hostPort", "containerPort",
                                                     "protocol", "hostIP"};
constexpr std::string_view kTolerationFields[] = {"key", "operator", "value", "effect",
                                                  "tolerationSeconds"};
constexpr std::string_view kAffinityFields[] = {"nodeAffinity", "podAffinity", "podAntiAffinity"};
constexpr std::string_view kAffinityKindFields[] = {
    "requiredDuringSchedulingIgnoredDuringExecution",
    "preferredDuringSchedulingIgnoredDuringExecution"};
constexpr std::string_view kNodeSelectorFields[] = {"nodeSelectorTerms"};
constexpr std::string_view kNodeSelectorTermFields[] = {"matchExpressions", "matchFields"};
constexpr std::string_view kPreferredSchedulingTermFields[] = {"weight", "preference"};
constexpr std::string_view kPodAffinityTermFields[] = {"labelSelector",  "namespaces",
                                                       "topologyKey",    "namespaceSelector",
                                                       "matchLabelKeys", "mismatchLabelKeys"};
constexpr std::string_view kWeightedPodAffinityTermFields[] = {"weight", "podAffinityTerm"};
// clang-format off
constexpr std::string_view kTopologySpreadFields[] = {
    "maxSkew", "topologyKey", "whenUnsatisfiable", "labelSelector", "minDomains",
    "nodeAffinityPolicy", "nodeTaintsPolicy", "matchLabelKeys"};
// clang-format on
// clang-format off
constexpr std::string_view kVolumeFields[] = {
    "name", "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo",
    "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder",
    "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte",
    "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos",
    "csi", "ephemeral", "image"};
// clang-format on
constexpr std::string_view kEmptyDirFields[] = {"medium", "sizeLimit", "mode"};
constexpr std::string_view kPvcVolumeFields[] = {"claimName", "readOnly"};
constexpr std::string_view kConfigMapVolumeFields[] = {"name", "items", "defaultMode", "optional",
                                                       "defaultUser"};
constexpr std::string_view kSecretVolumeFields[] = {"secretName", "items", "defaultMode",
                                                    "optional", "defaultUser"};
constexpr std::string_view kPodTemplateFields[] = {"metadata", "spec"};

constexpr std::string_view kPvcFields[] = {"apiVersion", "kind", "metadata", "spec", "status"};
// clang-format off
constexpr std::string_view kPvcSpecFields[] = {
    "accessModes", "selector", "resources", "volumeName", "storageClassName", "volumeMode",
    "dataSource", "dataSourceRef", "volumeAttributesClassName"};
// clang-format on
constexpr std::string_view kVolumeResourcesFields[] = {"limits", "requests"};

LabelSelectorRequirement::Op parse_selector_op(Decoder& d, const YNode* at, const std::string& op,
                                               const std::string& path) {
  if (op == "In") return LabelSelectorRequirement::Op::kIn;
  if (op == "NotIn") return LabelSelectorRequirement::Op::kNotIn;
  if (op == "Exists") return LabelSelectorRequirement::Op::kExists;
  if (op == "DoesNotExist") return LabelSelectorRequirement::Op::kDoesNotExist;
  std::string guess = closest_match(op, {"In", "NotIn", "Exists", "DoesNotExist"});
  d.fail(at, fmt::format("{}: Unsupported value: \"{}\"", path, op),
         guess.empty() ? "supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\""
                       : fmt::format("did you mean \"{}\"?", guess));
}

NodeSelectorRequirement decode_node_requirement(Decoder& d, const YNode* n,
                                                const std::string& path) {
  MapView m(d, n, path, kRequirementFields);
  NodeSelectorRequirement r;
  r.key = m.str("key");
  r.op = m.str("operator");
  r.values = m.string_list("values");
  static const std::vector<std::string> kOps = {"In",           "NotIn", "Exists",
                                                "DoesNotExist", "Gt",    "Lt"};
  if (std::find(kOps.begin(), kOps.end(), r.op) == kOps.end()) {
    std::string guess = closest_match(r.op, kOps);
    d.fail(m.get("operator") ? m.get("operator") : n,
           fmt::format("{}: Unsupported value: \"{}\"", m.path_of("operator"), r.op),
           guess.empty() ? "supported values: In, NotIn, Exists, DoesNotExist, Gt, Lt"
                         : fmt::format("did you mean \"{}\"?", guess));
  }
  return r;
}

PodAffinityTerm decode_pod_affinity_term(Decoder& d, const YNode* n, const std::string& path) {
  MapView m(d, n, path, kPodAffinityTermFields);
  PodAffinityTerm t;
  if (const YNode* s = m.get("labelSelector")) {
    t.label_selector = decode_label_selector(d, s, m.path_of("labelSelector"));
  }
  t.namespaces = m.string_list("namespaces");
  t.topology_key = m.str("topologyKey");
  t.match_label_keys = m.string_list("matchLabelKeys");
  t.mismatch_label_keys = m.string_list("mismatchLabelKeys");
  t.namespace_selector_set = m.get("namespaceSelector") != nullptr;
  return t;
}

PodAffinity decode_pod_affinity(const MapView& m) {
  PodAffinity a;
  Decoder& d = m.decoder();
  m.each("requiredDuringSchedulingIgnoredDuringExecution",
         [&](const YNode* n, const std::string& p) {
           a.required.push_back(decode_pod_affinity_term(d, n, p));
         });
  m.each("preferredDuringSchedulingIgnoredDuringExecution", [&](const YNode* n,
                                                                const std::string& p) {
    MapView w(d, n, p, kWeightedPodAffinityTermFields);
    WeightedPodAffinityTerm t;
    t.weight = w.i32("weight", 0);
    t.term = decode_pod_affinity_term(d, w.get("podAffinityTerm"), w.path_of("podAffinityTerm"));
    a.preferred.push_back(std::move(t));
  });
  return a;
}

Affinity decode_affinity(const MapView& spec) {
  Affinity a;
  MapView m = spec.map("affinity", kAffinityFields);
  if (!m.present()) return a;
  Decoder& d = m.decoder();
  MapView na = m.map("nodeAffinity", kAffinityKindFields);
  if (na.present()) {
    NodeAffinity node;
    MapView req = na.map("requiredDuringSchedulingIgnoredDuringExecution", kNodeSelectorFields);
    req.each("nodeSelectorTerms", [&](const YNode* n, const std::string& p) {
      node.required.push_back(decode_node_selector_term(d, n, p));
    });
    na.each("preferredDuringSchedulingIgnoredDuringExecution", [&](const YNode* n,
                                                                   const std::string& p) {
      MapView w(d, n, p, kPreferredSchedulingTermFields);
      PreferredSchedulingTerm t;
      t.weight = w.i32("weight", 0);
      t.preference = decode_node_selector_term(d, w.get("preference"), w.path_of("preference"));
      node.preferred.push_back(std::move(t));
    });
    a.node_affinity = std::move(node);
  }
  MapView pa = m.map("podAffinity", kAffinityKindFields);
  if (pa.present()) a.pod_affinity = decode_pod_affinity(pa);
  MapView paa = m.map("podAntiAffinity", kAffinityKindFields);
  if (paa.present()) a.pod_anti_affinity = decode_pod_affinity(paa);
  return a;
}

// Mirrors core/v1 defaults.go SetDefaults_Probe and SetDefaults_HTTPGetAction.
Probe decode_probe(const MapView& m) {
  Probe p;
  Decoder& d = m.decoder();
  if (const YNode* n = m.get("httpGet")) {
    MapView h(d, n, m.path_of("httpGet"),
              {"path", "port", "host", "scheme", "httpHeaders", "protocol"});
    p.handler = "httpGet";
    p.path = h.str("path", "/");
    p.port = h.opt_int_or_string("port").value_or("");
  } else if (const YNode* n = m.get("tcpSocket")) {
    MapView t(d, n, m.path_of("tcpSocket"), {"port", "host"});
    p.handler = "tcpSocket";
    p.port = t.opt_int_or_string("port").value_or("");
  } else if (const YNode* n = m.get("grpc")) {
    MapView g(d, n, m.path_of("grpc"), {"port", "service", "mode"});
    p.handler = "grpc";
    p.port = std::to_string(g.i32("port", 0));
  } else if (const YNode* n = m.get("exec")) {
    MapView e(d, n, m.path_of("exec"), {"command"});
    p.handler = "exec";
    e.string_list("command");
  }
  p.initial_delay_seconds = m.i32("initialDelaySeconds", 0);
  p.period_seconds = m.i32("periodSeconds", 10);
  p.timeout_seconds = m.i32("timeoutSeconds", 1);
  p.success_threshold = m.i32("successThreshold", 1);
  p.failure_threshold = m.i32("failureThreshold", 3);
  p.termination_grace_period_seconds = m.opt_i64("terminationGracePeriodSeconds");
  return p;
}

Container decode_container(Decoder& d, const YNode* n, const std::string& path) {
  MapView m(d, n, path, kContainerFields);
  Container c;
  c.source = d.where(n);
  c.name = m.str("name");
  c.image = m.str("image");
  MapView res = m.map("resources", kResourceRequirementsFields);
  c.resources.requests = res.resource_list("requests");
  c.resources.limits = res.resource_list("limits");
  if (const YNode* p = m.get("livenessProbe")) {
    c.liveness_probe = decode_probe(MapView(d, p, m.path_of("livenessProbe"), kProbeFields));
  }
  if (const YNode* p = m.get("readinessProbe")) {
    c.readiness_probe = decode_probe(MapView(d, p, m.path_of("readinessProbe"), kProbeFields));
  }
  if (const YNode* p = m.get("startupProbe")) {
    c.startup_probe = decode_probe(MapView(d, p, m.path_of("startupProbe"), kProbeFields));
  }
  m.each("env", [&](const YNode* e, const std::string& p) {
    MapView ev(d, e, p, kEnvVarFields);
    EnvVar var;
    var.source = d.where(e);
    var.name = ev.str("name");
    var.value = ev.str("value");
    MapView from = ev.map("valueFrom", kEnvVarSourceFields);
    MapView cm = from.map("configMapKeyRef", kKeySelectorFields);
    if (cm.present()) {
      var.config_map_key_ref = cm.str("name") + "/" + cm.str("key");
      var.optional = cm.boolean("optional", false);
    }
    MapView sec = from.map("secretKeyRef", kKeySelectorFields);
    if (sec.present()) {
      var.secret_key_ref = sec.str("name") + "/" + sec.str("key");
      var.optional = sec.boolean("optional", false);
    }
    c.env.push_back(std::move(var));
  });
  m.each("envFrom", [&](const YNode* e, const std::string& p) {
    MapView ef(d, e, p, kEnvFromFields);
    MapView cm = ef.map("configMapRef", kEnvFromSourceRefFields);
    if (cm.present()) c.env_from_config_maps.push_back(cm.str("name"));
    MapView sec = ef.map("secretRef", kEnvFromSourceRefFields);
    if (sec.present()) c.env_from_secrets.push_back(sec.str("name"));
  });
  m.each("ports", [&](const YNode* e, const std::string& p) {
    MapView pm(d, e, p, kContainerPortFields);
    ContainerPort port;
    port.name = pm.str("name");
    port.container_port = pm.i32("containerPort", 0);
    port.host_port = pm.i32("hostPort", 0);
    port.protocol = pm.str("protocol", "TCP");
    c.ports.push_back(std::move(port));
  });
  for (std::string& s : m.string_list("command")) c.args.push_back(std::move(s));
  for (std::string& s : m.string_list("args")) c.args.push_back(std::move(s));
  c.restart_policy = m.opt_str("restartPolicy");
  return c;
}

Volume decode_volume(Decoder& d, const YNode* n, const std::string& path) {
  MapView m(d, n, path, kVolumeFields);
  Volume v;
  v.name = m.str("name");
  MapView pvc = m.map("persistentVolumeClaim", kPvcVolumeFields);
  if (pvc.present()) v.persistent_volume_claim = pvc.str("claimName");
  MapView cm = m.map("configMap", kConfigMapVolumeFields);
  if (cm.present()) {
    v.config_map = cm.str("name");
    v.optional = cm.boolean("optional", false);
  }
  MapView sec = m.map("secret", kSecretVolumeFields);
  if (sec.present()) {
    v.secret = sec.str("secretName");
    v.optional = sec.boolean("optional", false);
  }
  if (m.contains("emptyDir")) {  // "emptyDir: {}" or a bare "emptyDir:"
    MapView ed = m.map("emptyDir", kEmptyDirFields);
    v.empty_dir = true;
    v.empty_dir_size_limit = ed.opt_quantity("sizeLimit");
  }
  return v;
}

}  // namespace

ObjectMeta decode_meta(const MapView& object) {
  MapView m = object.map("metadata", kObjectMetaFields);
  ObjectMeta meta;
  meta.source = object.decoder().where(object.node());
  meta.name = m.str("name");
  meta.generate_name = m.str("generateName");
  meta.ns = m.str("namespace");
  meta.labels = m.string_map("labels");
  meta.annotations = m.string_map("annotations");
  Decoder& d = object.decoder();
  m.each("ownerReferences", [&](const YNode* n, const std::string& p) {
    MapView o(d, n, p, {"apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"});
    OwnerReference ref;
    ref.api_version = o.str("apiVersion");
    ref.kind = o.str("kind");
    ref.name = o.str("name");
    ref.controller = o.boolean("controller", false);
    meta.owner_references.push_back(std::move(ref));
  });
  return meta;
}

LabelSelector decode_label_selector(Decoder& d, const YNode* node, const std::string& path) {
  MapView m(d, node, path, kLabelSelectorFields);
  LabelSelector s;
  s.match_labels = m.string_map("matchLabels");
  m.each("matchExpressions", [&](const YNode* n, const std::string& p) {
    MapView r(d, n, p, kRequirementFields);
    LabelSelectorRequirement req;
    req.key = r.str("key");
    req.op = parse_selector_op(d, r.get("operator") ? r.get("operator") : n, r.str("operator"),
                               r.path_of("operator"));
    req.values = r.string_list("values");
    s.match_expressions.push_back(std::move(req));
  });
  return s;
}

NodeSelectorTerm decode_node_selector_term(Decoder& d, const YNode* node, const std::string& path) {
  MapView m(d, node, path, kNodeSelectorTermFields);
  NodeSelectorTerm t;
  m.each("matchExpressions", [&](const YNode* n, const std::string& p) {
    t.match_expressions.push_back(decode_node_requirement(d, n, p));
  });
  m.each("matchFields", [&](const YNode* n, const std::string& p) {
    t.match_fields.push_back(decode_node_requirement(d, n, p));
  });
  return t;
}

PodSpec decode_pod_spec(const MapView& parent, std::string_view field) {
  MapView m = parent.map(field, kPodSpecFields);
  PodSpec spec;
  Decoder& d = m.decoder();
  m.each("initContainers", [&](const YNode* n, const std::string& p) {
    spec.init_containers.push_back(decode_container(d, n, p));
  });
  m.each("containers", [&](const YNode* n, const std::string& p) {
    spec.containers.push_back(decode_container(d, n, p));
  });
  spec.overhead = m.resource_list("overhead");
  spec.node_selector = m.string_map("nodeSelector");
  spec.node_name = m.str("nodeName");
  spec.affinity = decode_affinity(m);
  m.each("tolerations", [&](const YNode* n, const std::string& p) {
    MapView t(d, n, p, kTolerationFields);
    Toleration tol;
    tol.key = t.str("key");
    tol.op = t.str("operator", "Equal");
    tol.value = t.str("value");
    tol.effect = t.str("effect");
    tol.toleration_seconds = t.opt_i64("tolerationSeconds");
    spec.tolerations.push_back(std::move(tol));
  });
  m.each("topologySpreadConstraints", [&](const YNode* n, const std::string& p) {
    MapView t(d, n, p, kTopologySpreadFields);
    TopologySpreadConstraint c;
    c.max_skew = t.i32("maxSkew", 1);
    c.topology_key = t.str("topologyKey");
    c.when_unsatisfiable = t.str("whenUnsatisfiable", "DoNotSchedule");
    if (const YNode* s = t.get("labelSelector")) {
      c.label_selector = decode_label_selector(d, s, t.path_of("labelSelector"));
    }
    c.min_domains = t.opt_i32("minDomains");
    c.match_label_keys = t.string_list("matchLabelKeys");
    c.node_affinity_policy = t.str("nodeAffinityPolicy");
    c.node_taints_policy = t.str("nodeTaintsPolicy");
    spec.topology_spread_constraints.push_back(std::move(c));
  });
  spec.priority_class_name = m.str("priorityClassName");
  spec.priority = m.opt_i32("priority");
  spec.preemption_policy = m.str("preemptionPolicy");
  if (!spec.preemption_policy.empty() && spec.preemption_policy != "Never" &&
      spec.preemption_policy != "PreemptLowerPriority") {
    m.decoder().fail(m.get("preemptionPolicy"),
                     fmt::format("{}: Unsupported value: \"{}\"", m.path_of("preemptionPolicy"),
                                 spec.preemption_policy),
                     "supported values: \"Never\", \"PreemptLowerPriority\"");
  }
  // SetDefaults_PodSpec: terminationGracePeriodSeconds 30, restartPolicy
  // Always, schedulerName default-scheduler.
  spec.termination_grace_period_seconds = m.opt_i64("terminationGracePeriodSeconds").value_or(30);
  spec.restart_policy = m.str("restartPolicy", "Always");
  spec.scheduler_name = m.str("schedulerName", "default-scheduler");
  m.each("volumes", [&](const YNode* n, const std::string& p) {
    spec.volumes.push_back(decode_volume(d, n, p));
  });
  default_requests_from_limits(spec);
  return spec;
}

PodTemplateSpec decode_pod_template(const MapView& parent, std::string_view field) {
  MapView t = parent.map(field, kPodTemplateFields);
  PodTemplateSpec tmpl;
  tmpl.metadata = decode_meta(t);
  tmpl.metadata.source = parent.decoder().where(t.node() ? t.node() : parent.node());
  tmpl.spec = decode_pod_spec(t, "spec");
  return tmpl;
}

PersistentVolumeClaim decode_pvc(Decoder& d, const YNode* node, const std::string& path) {
  MapView m(d, node, path, kPvcFields);
  PersistentVolumeClaim pvc;
  pvc.metadata = decode_meta(m);
  MapView spec = m.map("spec", kPvcSpecFields);
  pvc.storage_class_name = spec.opt_str("storageClassName");
  if (!pvc.storage_class_name) {
    // The beta annotation still selects the class when the field is unset.
    auto it = pvc.metadata.annotations.find("volume.beta.kubernetes.io/storage-class");
    if (it != pvc.metadata.annotations.end()) pvc.storage_class_name = it->second;
  }
  pvc.access_modes = spec.string_list("accessModes");
  MapView res = spec.map("resources", kVolumeResourcesFields);
  ResourceList requests = res.resource_list("requests");
  if (auto it = requests.find("storage"); it != requests.end()) pvc.storage_request = it->second;
  pvc.volume_name = spec.str("volumeName");
  return pvc;
}

void default_requests_from_limits(PodSpec& spec) {
  auto fill = [](std::vector<Container>& cs) {
    for (Container& c : cs) {
      for (const auto& [name, q] : c.resources.limits) {
        c.resources.requests.emplace(name, q);  // only where no request is set
      }
    }
  };
  fill(spec.containers);
  fill(spec.init_containers);
}

}  // namespace simcluster::io
