// validate(): inventory, per-workload resources, totals and problems of a
// loaded manifest set. Each check says which Kubernetes behaviour it mirrors.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/saturating.h"
#include "simcluster/manifests.h"

namespace simcluster {
namespace {

// ---------------------------------------------------------------- service references

bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// A DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), is_label_char);
}

bool has_letter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string upper(std::string_view s) {
  std::string k;
  for (char c : s) k.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
  return k;
}

// A variable whose value is a name, not an address: SERVICE_NAME, APP_NAME.
bool is_name_key(std::string_view key) { return upper(key).find("NAME") != std::string::npos; }

// A variable name that says its value is a host: DB_HOST, REDIS_ADDR, ...
bool is_host_key(std::string_view key) {
  const std::string k = upper(key);
  if (is_name_key(k)) return false;
  for (std::string_view s : {"HOST", "HOSTNAME", "ADDR", "ADDRESS", "SERVER", "ENDPOINT"}) {
    if (k == s || ends_with(k, std::string("_") + std::string(s))) return true;
  }
  return false;
}

// The rules (kept narrow to avoid false positives):
//  1. A URL "scheme://[user@]host[:port][/...]" or "host:port" (numeric port)
//     names a host explicitly. A bare value is only a candidate with `bare`.
//  2. "<svc>.<ns>.svc" or "<svc>.<ns>.svc.<cluster domain>" names Service
//     <svc> in namespace <ns> (a pod name in front, as StatefulSet pods are
//     addressed, is allowed: "db-0.db.prod.svc.cluster.local").
//  3. A single DNS label that contains a letter and is not "localhost" names
//     a Service in the pod's own namespace when it came from rule 1, or, for
//     a bare value, when it ends in "-service" or "-svc", or the variable is
//     named like a host (HOST, *_HOST, *_ADDR, *_SERVER, *_ENDPOINT), and
//     never for a *NAME* variable (SERVICE_NAME=auth-service is a name).
//  4. Anything else (IPs, dotted external names, "redis.cache") is ignored.
// Several comma-separated hosts ("kafka-0:9092,kafka-1:9092") are not
// split: only the first is looked at.
std::optional<ServiceReference> service_reference(std::string_view key, std::string_view value,
                                                  bool bare_allowed) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '"')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '"')) value.remove_suffix(1);
  if (value.empty() || value.size() > 253) return std::nullopt;
  if (size_t comma = value.find(','); comma != std::string_view::npos)
    value = value.substr(0, comma);
  std::string_view host;
  bool explicit_address = false;
  if (size_t p = value.find("://"); p != std::string_view::npos) {
    std::string_view scheme = value.substr(0, p);
    if (scheme.empty() || !std::all_of(scheme.begin(), scheme.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '+' || c == '.' || c == '-';
        })) {
      return std::nullopt;
    }
    std::string_view authority = value.substr(p + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority = authority.substr(at + 1);
    }
    host = authority.substr(0, authority.find(':'));
    explicit_address = true;
  } else if (size_t colon = value.find(':'); colon != std::string_view::npos) {
    std::string_view port = value.substr(colon + 1);
    port = port.substr(0, port.find('/'));
    if (!all_digits(port)) return std::nullopt;
    host = value.substr(0, colon);
    explicit_address = true;
  } else {
    if (value.find_first_of(" /=@") != std::string_view::npos) return std::nullopt;
    host = value;
  }
  if (host.empty() || host == "localhost") return std::nullopt;
  std::vector<std::string_view> labels = split(host, '.');
  for (std::string_view l : labels) {
    if (!is_dns_label(l)) return std::nullopt;
  }
  for (size_t i = 2; i < labels.size(); ++i) {
    if (labels[i] == "svc") {
      return ServiceReference{std::string(labels[i - 2]), std::string(labels[i - 1])};
    }
  }
  if (labels.size() != 1 || !has_letter(host)) return std::nullopt;
  if (explicit_address) return ServiceReference{std::string(host), ""};
  if (!bare_allowed || is_name_key(key)) return std::nullopt;
  if (ends_with(host, "-service") || ends_with(host, "-svc") || is_host_key(key)) {
    return ServiceReference{std::string(host), ""};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- helpers

std::string key_of(std::string_view kind, std::string_view ns, std::string_view name) {
  return fmt::format("{}/{}/{}", kind, ns, name);
}

std::string format_target(const MetricSpec& m) {
  auto target = [&]() -> std::string {
    const MetricTarget& t = m.target;
    if (t.type == "Utilization" && t.average_utilization) {
      return fmt::format("{}%", *t.average_utilization);
    }
    if (t.type == "AverageValue" && t.average_value) {
      return fmt::format("{} (avg)", t.average_value->to_string());
    }
    if (t.value) return t.value->to_string();
    return "?";
  };
  if (m.type == "Resource") return fmt::format("{} {}", m.resource_name, target());
  if (m.type == "ContainerResource") {
    return fmt::format("{} {} (container {})", m.resource_name, target(), m.container);
  }
  if (m.type == "Pods") return fmt::format("pods/{} {}", m.metric_name, target());
  if (m.type == "Object") {
    return fmt::format("{}/{} {} {}", m.described_object.kind, m.described_object.name,
                       m.metric_name, target());
  }
  return fmt::format("external/{} {}", m.metric_name, target());
}

std::string group_of(std::string_view api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string()
                                         : std::string(api_version.substr(0, slash));
}

// One workload as the checks see it.
struct Workload {
  std::string kind;
  const ObjectMeta* meta = nullptr;
  const PodSpec* spec = nullptr;
  const StringMap* pod_labels = nullptr;
  const LabelSelector* selector = nullptr;  // Deployments, ReplicaSets, StatefulSets, DaemonSets
  const std::vector<PersistentVolumeClaim>* claims = nullptr;
  std::optional<int32_t> replicas;
  int32_t default_replicas = 1;
  bool scalable = false;  // may be an HPA target
  bool in_totals = true;
  std::string spec_path = "spec.template.spec";
};

class Validator {
 public:
  Validator(const Manifests& m, const FeatureGates& gates) : m_(m), gates_(gates) {}

  ValidationReport run() {
    r_.files = m_.files;
    r_.skipped = m_.skipped;
    count_objects();
    for (const LoadWarning& w : m_.warnings) {
      add(w.message == "no objects in file" ? Severity::kInfo : Severity::kWarning, w.code,
          w.object, w.message, w.hint, w.source);
    }
    if (total_objects_ == 0 && m_.skipped.empty()) {
      add(Severity::kError, "no-objects", "", "no objects passed to apply",
          "kubectl apply would fail: the input has no Kubernetes objects",
          SourceLocation{m_.files.empty() ? std::string() : m_.files.front()});
    }
    index();
    // What the API server refuses: the same function `run` refuses them with.
    for (ApiViolation& v : api_violations(m_, gates_)) {
      add(Severity::kError, "invalid", std::move(v.object), std::move(v.message), std::move(v.hint),
          std::move(v.where));
    }
    for (const Workload& w : workloads_) check_workload(w);
    check_hpas();
    check_services();
    check_ingresses();
    summarize();
    std::stable_sort(
        r_.problems.begin(), r_.problems.end(), [](const Problem& a, const Problem& b) {
          return std::tie(a.where.file, a.where.line, a.where.column, a.severity, a.message) <
                 std::tie(b.where.file, b.where.line, b.where.column, b.severity, b.message);
        });
    return std::move(r_);
  }

 private:
  void add(Severity s, std::string code, std::string object, std::string message, std::string hint,
           SourceLocation where) {
    r_.problems.push_back(Problem{s, std::move(code), std::move(object), std::move(message),
                                  std::move(hint), std::move(where)});
  }

  template <typename T>
  void count(std::string_view kind, const std::vector<T>& v) {
    if (v.empty()) return;
    r_.object_counts[std::string(kind)] += static_cast<int>(v.size());
    total_objects_ += v.size();
  }

  void count_objects() {
    count("Namespace", m_.namespaces);
    count("ConfigMap", m_.config_maps);
    count("Secret", m_.secrets);
    count("Deployment", m_.deployments);
    count("ReplicaSet", m_.replica_sets);
    count("StatefulSet", m_.stateful_sets);
    count("DaemonSet", m_.daemon_sets);
    count("Job", m_.jobs);
    count("CronJob", m_.cron_jobs);
    count("Pod", m_.pods);
    count("Service", m_.services);
    count("Ingress", m_.ingresses);
    count("PersistentVolumeClaim", m_.persistent_volume_claims);
    count("PersistentVolume", m_.persistent_volumes);
    count("StorageClass", m_.storage_classes);
    count("PodDisruptionBudget", m_.pod_disruption_budgets);
    count("PriorityClass", m_.priority_classes);
    count("LimitRange", m_.limit_ranges);
    count("ResourceQuota", m_.resource_quotas);
    count("HorizontalPodAutoscaler", m_.horizontal_pod_autoscalers);
    count("Node", m_.nodes);
  }

  static bool owned(const ObjectMeta& m) { return !m.owner_references.empty(); }

  void index() {
    for (const Service& s : m_.services) services_[s.metadata.ns][s.metadata.name] = &s;
    for (const ConfigMap& c : m_.config_maps) config_maps_[c.metadata.ns][c.metadata.name] = &c;
    for (const Secret& s : m_.secrets) secrets_.insert(key_of("", s.metadata.ns, s.metadata.name));
    for (const PersistentVolumeClaim& c : m_.persistent_volume_claims) {
      pvcs_.insert(key_of("", c.metadata.ns, c.metadata.name));
    }
    for (const PriorityClass& p : m_.priority_classes) priority_classes_.insert(p.metadata.name);
    for (const Deployment& d : m_.deployments) {
      Workload w{"Deployment", &d.metadata, &d.template_.spec, &d.template_.metadata.labels,
                 &d.selector,  nullptr,     d.replicas};
      w.scalable = true;
      workloads_.push_back(w);
    }
    for (const StatefulSet& s : m_.stateful_sets) {
      Workload w{"StatefulSet",     &s.metadata,
                 &s.template_.spec, &s.template_.metadata.labels,
                 &s.selector,       &s.volume_claim_templates,
                 s.replicas};
      w.scalable = true;
      workloads_.push_back(w);
    }
    for (const ReplicaSet& s : m_.replica_sets) {
      Workload w{"ReplicaSet", &s.metadata, &s.template_.spec, &s.template_.metadata.labels,
                 &s.selector,  nullptr,     s.replicas};
      w.scalable = true;
      w.in_totals = !owned(s.metadata);  // a Deployment's ReplicaSet is counted there
      workloads_.push_back(w);
    }
    for (const DaemonSet& s : m_.daemon_sets) {
      Workload w{"DaemonSet", &s.metadata, &s.template_.spec, &s.template_.metadata.labels,
                 &s.selector, nullptr,     std::nullopt};
      w.default_replicas = 0;  // one pod per eligible node
      w.in_totals = false;
      workloads_.push_back(w);
    }
    for (const Job& j : m_.jobs) {
      Workload w{"Job",   &j.metadata, &j.spec.template_.spec, &j.spec.template_.metadata.labels,
                 nullptr, nullptr,     job_pods(j.spec)};
      w.in_totals = false;
      workloads_.push_back(w);
    }
    for (const CronJob& c : m_.cron_jobs) {
      Workload w{"CronJob",
                 &c.metadata,
                 &c.job_template.template_.spec,
                 &c.job_template.template_.metadata.labels,
                 nullptr,
                 nullptr,
                 job_pods(c.job_template)};
      w.in_totals = false;
      w.spec_path = "spec.jobTemplate.spec.template.spec";
      workloads_.push_back(w);
    }
    for (const Pod& p : m_.pods) {
      Workload w{"Pod", &p.metadata, &p.spec, &p.metadata.labels, nullptr, nullptr, 1};
      w.in_totals = !owned(p.metadata);
      w.spec_path = "spec";
      workloads_.push_back(w);
    }
  }

  // Pods a Job runs at once: parallelism, at most the completions left.
  static int32_t job_pods(const JobSpec& j) {
    int32_t p = j.parallelism.value_or(1);
    if (j.completions) p = std::min(p, *j.completions);
    return p;
  }

  void check_service_ref(const Workload& w, std::string_view key, std::string_view value,
                         const SourceLocation& where, bool bare_allowed, std::string_view what) {
    std::optional<ServiceReference> ref = service_reference(key, value, bare_allowed);
    if (!ref) return;
    const std::string ns = ref->ns.empty() ? w.meta->ns : ref->ns;
    auto it = services_.find(ns);
    if (it != services_.end() && it->second.count(ref->name) > 0) return;
    if (!reported_refs_.insert(fmt::format("{}|{}|{}", where.to_string(), ns, ref->name)).second) {
      return;
    }
    std::vector<std::string> names;
    if (it != services_.end()) {
      for (const auto& [name, svc] : it->second) names.push_back(name);
    }
    std::string guess = closest_match(ref->name, names);
    add(Severity::kWarning, "service-reference-missing", object_label(w.kind, *w.meta),
        fmt::format("{} \"{}\" names Service \"{}\", which does not exist in namespace {}", what,
                    value.size() > 80 ? std::string(value.substr(0, 80)) + "..." : value, ref->name,
                    ns),
        !guess.empty() ? fmt::format("did you mean \"{}\"?", guess)
        : it == services_.end()
            ? fmt::format("no Service of the manifests is in namespace {}; the name will not "
                          "resolve unless it is created elsewhere",
                          ns)
            : "the name will not resolve inside the cluster",
        where);
  }

  void check_workload(const Workload& w) {
    const std::string obj = object_label(w.kind, *w.meta);
    const PodSpec& spec = *w.spec;
    const SourceLocation& at = w.meta->source;
    if (!spec.priority_class_name.empty() && !spec.priority) {
      add(Severity::kError, "priority-class-missing", obj,
          fmt::format("no PriorityClass with name {} was found", spec.priority_class_name),
          "the Priority admission plugin rejects the pods", at);
    }
    // Requests and limits, per container (init containers included).
    for (const auto* list : {&spec.init_containers, &spec.containers}) {
      for (const Container& c : *list) {
        const ResourceList& rq = c.resources.requests;
        const ResourceList& lm = c.resources.limits;
        const bool no_requests = rq.count("cpu") == 0 && rq.count("memory") == 0;
        const bool no_limits = lm.count("cpu") == 0 && lm.count("memory") == 0;
        std::string msg;
        if (no_requests && no_limits) {
          msg = "sets no requests and no limits (BestEffort)";
        } else if (no_requests) {
          msg = "sets no cpu or memory requests";
        } else if (no_limits) {
          msg = "sets no limits";
        } else {
          std::vector<std::string> missing;
          for (const char* res : {"cpu", "memory"}) {
            if (rq.count(res) == 0) missing.push_back(fmt::format("no {} request", res));
          }
          for (const char* res : {"cpu", "memory"}) {
            if (lm.count(res) == 0) missing.push_back(fmt::format("no {} limit", res));
          }
          if (!missing.empty()) msg = fmt::format("sets {}", fmt::join(missing, " and "));
        }
        // An owned object (a Deployment's ReplicaSet, a controller's pod in a
        // cluster dump) has its owner's template: warned about once, there.
        if (!msg.empty() && !owned(*w.meta)) {
          add(Severity::kWarning, "resources-missing", obj,
              fmt::format("container \"{}\" {}", c.name, msg), "", c.source);
        }
        check_container_refs(w, c);
      }
    }
    for (const Volume& v : spec.volumes) {
      if (!v.optional && !v.config_map.empty() &&
          find_config_map(w.meta->ns, v.config_map) == nullptr) {
        add(Severity::kWarning, "configmap-missing", obj,
            fmt::format("volume \"{}\" mounts ConfigMap \"{}\", which is not in the manifests",
                        v.name, v.config_map),
            "the pods stay in ContainerCreating until it exists", at);
      }
      if (!v.optional && !v.secret.empty() &&
          secrets_.count(key_of("", w.meta->ns, v.secret)) == 0) {
        add(Severity::kWarning, "secret-missing", obj,
            fmt::format("volume \"{}\" mounts Secret \"{}\", which is not in the manifests", v.name,
                        v.secret),
            "the pods stay in ContainerCreating until it exists", at);
      }
      if (!v.persistent_volume_claim.empty() &&
          pvcs_.count(key_of("", w.meta->ns, v.persistent_volume_claim)) == 0) {
        add(Severity::kWarning, "pvc-missing", obj,
            fmt::format("volume \"{}\" uses PersistentVolumeClaim \"{}\", which is not in the "
                        "manifests",
                        v.name, v.persistent_volume_claim),
            "the pods stay Pending until the claim exists", at);
      }
    }
    if (w.kind == "StatefulSet" && !m_.stateful_sets.empty()) {
      for (const StatefulSet& s : m_.stateful_sets) {
        if (&s.metadata != w.meta || s.service_name.empty()) continue;
        auto it = services_.find(s.metadata.ns);
        if (it == services_.end() || it->second.count(s.service_name) == 0) {
          add(Severity::kWarning, "service-missing", obj,
              fmt::format("spec.serviceName \"{}\" names a Service that is not in the manifests",
                          s.service_name),
              "the pods get no stable DNS names without that headless Service", at);
        }
      }
    }
  }

  void check_container_refs(const Workload& w, const Container& c) {
    const std::string obj = object_label(w.kind, *w.meta);
    const std::string& ns = w.meta->ns;
    for (const EnvVar& e : c.env) {
      if (!e.value.empty()) {
        check_service_ref(w, e.name, e.value, e.source, true, fmt::format("env {}", e.name));
      }
      if (!e.config_map_key_ref.empty()) {
        const size_t slash = e.config_map_key_ref.find('/');
        const std::string name = e.config_map_key_ref.substr(0, slash);
        const std::string key = e.config_map_key_ref.substr(slash + 1);
        const ConfigMap* cm = find_config_map(ns, name);
        if (cm == nullptr) {
          if (e.optional) continue;
          add(Severity::kWarning, "configmap-missing", obj,
              fmt::format("env {} reads ConfigMap \"{}\", which is not in the manifests", e.name,
                          name),
              "the container will not start (CreateContainerConfigError) until it exists",
              e.source);
        } else if (auto it = cm->data.find(key); it == cm->data.end()) {
          if (e.optional) continue;
          add(Severity::kWarning, "configmap-key-missing", obj,
              fmt::format("env {} reads key \"{}\", which ConfigMap \"{}\" does not have", e.name,
                          key, name),
              "", e.source);
        } else {
          check_service_ref(w, e.name, it->second, data_source(*cm, key), true,
                            fmt::format("ConfigMap {} key {}", name, key));
        }
      }
      if (!e.secret_key_ref.empty()) {
        const std::string name = e.secret_key_ref.substr(0, e.secret_key_ref.find('/'));
        if (!e.optional && secrets_.count(key_of("", ns, name)) == 0) {
          add(Severity::kWarning, "secret-missing", obj,
              fmt::format("env {} reads Secret \"{}\", which is not in the manifests", e.name,
                          name),
              "the container will not start until the Secret exists", e.source);
        }
      }
    }
    for (const std::string& name : c.env_from_config_maps) {
      const ConfigMap* cm = find_config_map(ns, name);
      if (cm == nullptr) {
        add(Severity::kWarning, "configmap-missing", obj,
            fmt::format("container \"{}\" envFrom ConfigMap \"{}\", which is not in the manifests",
                        c.name, name),
            "the container will not start until it exists", c.source);
        continue;
      }
      for (const auto& [key, value] : cm->data) {
        check_service_ref(w, key, value, data_source(*cm, key), true,
                          fmt::format("ConfigMap {} key {}", name, key));
      }
    }
    for (const std::string& name : c.env_from_secrets) {
      if (secrets_.count(key_of("", ns, name)) == 0) {
        add(Severity::kWarning, "secret-missing", obj,
            fmt::format("container \"{}\" envFrom Secret \"{}\", which is not in the manifests",
                        c.name, name),
            "the container will not start until the Secret exists", c.source);
      }
    }
    for (const std::string& arg : c.args) {
      // Tokens of "--flag=value host:port ..." (shell scripts included).
      std::string token;
      auto flush = [&] {
        if (!token.empty()) {
          check_service_ref(w, "", token, c.source, false,
                            fmt::format("container \"{}\" argument", c.name));
        }
        token.clear();
      };
      for (char ch : arg) {
        if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '=' || ch == '\'' || ch == '"' ||
            ch == ';' || ch == '(' || ch == ')') {
          flush();
        } else {
          token.push_back(ch);
        }
      }
      flush();
    }
  }

  const ConfigMap* find_config_map(const std::string& ns, const std::string& name) const {
    auto it = config_maps_.find(ns);
    if (it == config_maps_.end()) return nullptr;
    auto jt = it->second.find(name);
    return jt == it->second.end() ? nullptr : jt->second;
  }

  static SourceLocation data_source(const ConfigMap& cm, const std::string& key) {
    auto it = cm.data_source.find(key);
    return it == cm.data_source.end() ? cm.metadata.source : it->second;
  }

  const Workload* find_target(const HorizontalPodAutoscaler& h) const {
    const std::string group = group_of(h.scale_target_ref.api_version);
    for (const Workload& w : workloads_) {
      if (!w.scalable || w.kind != h.scale_target_ref.kind || w.meta->ns != h.metadata.ns ||
          w.meta->name != h.scale_target_ref.name) {
        continue;
      }
      // The controller maps group and kind; the version does not matter
      // (an apps/v1beta1 reference finds an apps/v1 Deployment).
      if (group == "apps" || group == "extensions" || group.empty()) return &w;
    }
    return nullptr;
  }

  void check_hpas() {
    std::map<const Workload*, std::vector<const HorizontalPodAutoscaler*>> by_target;
    for (const HorizontalPodAutoscaler& h : m_.horizontal_pod_autoscalers) {
      const std::string obj = object_label("HorizontalPodAutoscaler", h.metadata);
      const int32_t min = h.min_replicas.value_or(1);
      const std::string& kind = h.scale_target_ref.kind;
      if (kind != "Deployment" && kind != "StatefulSet" && kind != "ReplicaSet") {
        add(Severity::kInfo, "hpa-target-unchecked", obj,
            fmt::format("scaleTargetRef kind {} is not modelled; target not checked", kind), "",
            h.scale_target_source);
        continue;
      }
      const Workload* target = find_target(h);
      if (target == nullptr) {
        report_missing_target(h, obj);
        continue;
      }
      by_target[target].push_back(&h);
      check_hpa_metrics(h, *target, obj);
      const int32_t replicas = target->replicas.value_or(target->default_replicas);
      if (replicas == 0 && min != 0) {
        add(Severity::kInfo, "hpa-disabled", obj,
            fmt::format("{} has 0 replicas, so Kubernetes leaves autoscaling off",
                        object_label(target->kind, *target->meta)),
            "", h.scale_target_source);
      } else if (replicas < min || replicas > h.max_replicas) {
        add(Severity::kInfo, "hpa-rescales", obj,
            fmt::format("{} starts at {} replicas; the HPA moves it to {} at its first sync",
                        object_label(target->kind, *target->meta), replicas,
                        replicas < min ? min : h.max_replicas),
            "", h.scale_target_source);
      }
    }
    // Mirrors horizontal.go: pods controlled by several HPAs make each of them
    // refuse to scale (ScalingActive=False, AmbiguousSelector).
    for (const auto& [target, hpas] : by_target) {
      std::set<std::string> distinct;
      for (const auto* h : hpas) distinct.insert(h->metadata.name);
      if (distinct.size() < 2) continue;  // one HPA defined twice is a duplicate, not two HPAs
      std::vector<std::string> names(distinct.begin(), distinct.end());
      for (const auto* h : hpas) {
        add(Severity::kError, "hpa-ambiguous", object_label("HorizontalPodAutoscaler", h->metadata),
            fmt::format("{} is targeted by several HPAs ({}); none of them will scale it",
                        object_label(target->kind, *target->meta), fmt::join(names, ", ")),
            "keep one HPA per workload", h->scale_target_source);
      }
    }
  }

  void report_missing_target(const HorizontalPodAutoscaler& h, const std::string& obj) {
    const CrossVersionObjectReference& ref = h.scale_target_ref;
    std::vector<std::string> same_ns;
    std::string other_ns;
    for (const Workload& w : workloads_) {
      if (w.kind != ref.kind) continue;
      if (w.meta->ns == h.metadata.ns) same_ns.push_back(w.meta->name);
      if (w.meta->name == ref.name && w.meta->ns != h.metadata.ns && other_ns.empty()) {
        other_ns = w.meta->ns;
      }
    }
    std::sort(same_ns.begin(), same_ns.end());
    std::string hint;
    std::string guess = closest_match(ref.name, same_ns);
    if (!guess.empty()) {
      hint = fmt::format("did you mean {} \"{}\"?", ref.kind, guess);
    } else if (!other_ns.empty()) {
      hint = fmt::format(
          "{} \"{}\" exists in namespace {}; an HPA only scales targets in its "
          "own namespace",
          ref.kind, ref.name, other_ns);
    }
    add(Severity::kError, "hpa-target-missing", obj,
        fmt::format("scaleTargetRef: {} \"{}\" not found in namespace {}; the HPA cannot scale "
                    "anything (FailedGetScale)",
                    ref.kind, ref.name, h.metadata.ns),
        hint, h.scale_target_source);
  }

  // Mirrors replica_calculator.go calculatePodRequests: a Utilization target
  // needs a request for the resource in every container of the pod (app
  // containers and sidecars); one missing request fails the whole metric.
  void check_hpa_metrics(const HorizontalPodAutoscaler& h, const Workload& target,
                         const std::string& obj) {
    const PodSpec& spec = *target.spec;
    for (const MetricSpec& m : h.metrics) {
      if (m.target.type != "Utilization") continue;
      if (m.type == "Resource") {
        std::vector<std::string> missing;
        for (const Container& c : spec.containers) {
          if (c.resources.requests.count(m.resource_name) == 0) missing.push_back(c.name);
        }
        for (const Container& c : spec.init_containers) {
          if (c.restart_policy == "Always" && c.resources.requests.count(m.resource_name) == 0) {
            missing.push_back(c.name);
          }
        }
        if (!missing.empty()) {
          add(Severity::kError, "hpa-metric-no-request", obj,
              fmt::format("metric {} utilization: container{} {} of {} set{} no {} request; "
                          "Kubernetes cannot compute utilization (missing request for {})",
                          m.resource_name, missing.size() > 1 ? "s" : "", fmt::join(missing, ", "),
                          object_label(target.kind, *target.meta), missing.size() > 1 ? "" : "s",
                          m.resource_name, m.resource_name),
              fmt::format("set resources.requests.{} on every container", m.resource_name),
              m.source);
        }
      } else if (m.type == "ContainerResource") {
        const Container* found = nullptr;
        for (const auto* list : {&spec.containers, &spec.init_containers}) {
          for (const Container& c : *list) {
            if (c.name == m.container) found = &c;
          }
        }
        if (found == nullptr) {
          add(Severity::kError, "hpa-metric-no-container", obj,
              fmt::format("metric {} utilization names container \"{}\", which {} does not have",
                          m.resource_name, m.container, object_label(target.kind, *target.meta)),
              "", m.source);
        } else if (found->resources.requests.count(m.resource_name) == 0) {
          add(Severity::kError, "hpa-metric-no-request", obj,
              fmt::format("metric {} utilization: container \"{}\" sets no {} request",
                          m.resource_name, m.container, m.resource_name),
              "", m.source);
        }
      }
    }
  }

  bool any_pods_match(const std::string& ns, const StringMap& selector) const {
    for (const Workload& w : workloads_) {
      if (w.meta->ns == ns && map_selector_matches(selector, *w.pod_labels)) return true;
    }
    return false;
  }

  void check_services() {
    for (const Service& s : m_.services) {
      if (s.type == "ExternalName" || s.selector.empty()) continue;
      if (any_pods_match(s.metadata.ns, s.selector)) continue;
      std::vector<std::string> pairs;
      for (const auto& [k, v] : s.selector) pairs.push_back(fmt::format("{}={}", k, v));
      add(Severity::kWarning, "service-selects-nothing", object_label("Service", s.metadata),
          fmt::format("selector {} matches no pod template in namespace {}", fmt::join(pairs, ","),
                      s.metadata.ns),
          "the Service will have no endpoints", s.metadata.source);
    }
  }

  void check_backend(const Ingress& ing, const IngressBackend& b) {
    const std::string obj = object_label("Ingress", ing.metadata);
    if (b.service_name.empty()) return;  // a resource backend
    auto it = services_.find(ing.metadata.ns);
    const Service* svc = nullptr;
    if (it != services_.end()) {
      auto jt = it->second.find(b.service_name);
      if (jt != it->second.end()) svc = jt->second;
    }
    if (svc == nullptr) {
      std::vector<std::string> names;
      if (it != services_.end()) {
        for (const auto& [name, s] : it->second) names.push_back(name);
      }
      std::string guess = closest_match(b.service_name, names);
      add(Severity::kError, "ingress-service-missing", obj,
          fmt::format("backend Service \"{}\" not found in namespace {}", b.service_name,
                      ing.metadata.ns),
          guess.empty() ? "requests to this path get 503"
                        : fmt::format("did you mean \"{}\"?", guess),
          b.source);
      return;
    }
    bool port_ok = b.port_number == 0 && b.port_name.empty();
    for (const ServicePort& p : svc->ports) {
      if ((b.port_number != 0 && p.port == b.port_number) ||
          (!b.port_name.empty() && p.name == b.port_name)) {
        port_ok = true;
      }
    }
    if (!port_ok) {
      add(Severity::kError, "ingress-port-missing", obj,
          fmt::format("backend Service \"{}\" has no port {}", b.service_name,
                      b.port_number != 0 ? std::to_string(b.port_number) : b.port_name),
          "", b.source);
    }
  }

  void check_ingresses() {
    for (const Ingress& ing : m_.ingresses) {
      if (ing.default_backend) check_backend(ing, *ing.default_backend);
      for (const IngressRule& rule : ing.rules) {
        for (const IngressPath& p : rule.paths) check_backend(ing, p.backend);
      }
    }
  }

  // ---------------------------------------------------------------- summary

  void summarize() {
    std::map<const ObjectMeta*, const HorizontalPodAutoscaler*> hpa_of;
    for (const HorizontalPodAutoscaler& h : m_.horizontal_pod_autoscalers) {
      if (const Workload* w = find_target(h)) hpa_of.emplace(w->meta, &h);
    }
    for (const Workload& w : workloads_) {
      ValidatedWorkload s;
      s.kind = w.kind;
      s.ns = w.meta->ns;
      s.name = w.meta->name;
      s.source = w.meta->source;
      s.replicas = w.replicas.value_or(w.default_replicas);
      s.replicas_defaulted = !w.replicas.has_value() && w.kind != "DaemonSet";
      s.min_replicas = s.max_replicas = s.replicas;
      s.in_totals = w.in_totals;
      if (auto it = hpa_of.find(w.meta); it != hpa_of.end()) {
        const HorizontalPodAutoscaler& h = *it->second;
        ValidatedAutoscaler a;
        a.name = h.metadata.name;
        a.min_replicas = h.min_replicas.value_or(1);
        a.max_replicas = h.max_replicas;
        for (const MetricSpec& m : h.metrics) a.targets.push_back(format_target(m));
        // Mirrors horizontal.go (HPAScaleToZero gate off): spec.replicas 0
        // turns autoscaling off (ScalingDisabled); the workload stays at 0.
        // With HPAScaleToZero, minReplicas 0 keeps it on at 0 replicas.
        a.disabled = s.replicas == 0 && a.min_replicas != 0;
        if (!a.disabled) {
          s.min_replicas = a.min_replicas;
          s.max_replicas = std::max(a.max_replicas, a.min_replicas);
        }
        s.hpa = std::move(a);
      }
      s.requests = pod_requests(*w.spec);
      s.limits = pod_limits(*w.spec);
      if (w.claims != nullptr) {
        for (const PersistentVolumeClaim& c : *w.claims) {
          if (c.storage_request) {
            s.storage_per_pod = sat_add(s.storage_per_pod, c.storage_request->value());
          }
        }
      }
      if (s.in_totals) {
        add_to(r_.initial, s, s.replicas);
        add_to(r_.minimum, s, s.min_replicas);
        add_to(r_.maximum, s, s.max_replicas);
      }
      r_.workloads.push_back(std::move(s));
    }
    for (const PersistentVolumeClaim& c : m_.persistent_volume_claims) {
      if (!c.storage_request) continue;
      const int64_t bytes = c.storage_request->value();
      r_.initial.storage = sat_add(r_.initial.storage, bytes);
      r_.minimum.storage = sat_add(r_.minimum.storage, bytes);
      r_.maximum.storage = sat_add(r_.maximum.storage, bytes);
    }
  }

  // Totals add replicas x per-pod amounts. Example (My-SaaS-Chat minimum):
  // auth 2 x 250m + chat 3 x 300m + billing 2 x 250m + postgres, redis and
  // jaeger 1 x (250m + 100m + 100m) = 2350m CPU requested by 10 pods.
  // Saturating (core/saturating.h): `storage: 5Ei` on 2 replicas passes 2^63.
  static void add_to(ValidationTotals& t, const ValidatedWorkload& s, int32_t replicas) {
    t.pods = sat_add(t.pods, replicas);
    t.cpu_requests_milli = sat_mul_add(t.cpu_requests_milli, replicas, s.requests.cpu_milli);
    t.cpu_limits_milli = sat_mul_add(t.cpu_limits_milli, replicas, s.limits.cpu_milli);
    t.memory_requests = sat_mul_add(t.memory_requests, replicas, s.requests.memory);
    t.memory_limits = sat_mul_add(t.memory_limits, replicas, s.limits.memory);
    t.storage = sat_mul_add(t.storage, replicas, s.storage_per_pod);
  }

  const Manifests& m_;
  const FeatureGates gates_;
  ValidationReport r_;
  size_t total_objects_ = 0;
  std::vector<Workload> workloads_;
  std::map<std::string, std::map<std::string, const Service*>> services_;
  std::map<std::string, std::map<std::string, const ConfigMap*>> config_maps_;
  std::set<std::string> secrets_, pvcs_, priority_classes_;
  std::set<std::string> reported_refs_;
};

}  // namespace

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "?";
}

int ValidationReport::count(Severity s) const {
  return static_cast<int>(std::count_if(problems.begin(), problems.end(),
                                        [s](const Problem& p) { return p.severity == s; }));
}

std::optional<ServiceReference> find_service_reference(std::string_view key,
                                                       std::string_view value) {
  return service_reference(key, value, true);
}

ValidationReport validate(const Manifests& manifests, const FeatureGates& gates) {
  return Validator(manifests, gates).run();
}

}  // namespace simcluster
