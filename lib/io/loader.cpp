// load_manifests: paths -> text -> YAML trees -> typed objects, then the
// admission steps that change pods (LimitRanger, Priority).
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <tuple>

#include "io/decode.h"
#include "io/yaml_tree.h"
#include "simcluster/manifests.h"

namespace simcluster {
namespace {

namespace fs = std::filesystem;

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr && f != stdin) std::fclose(f);
  }
};

std::string read_stream(std::FILE* f, const std::string& name, size_t cap) {
  std::string data;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    data.append(buf, n);
    if (data.size() > cap) {
      throw InputError(SourceLocation{name},
                       fmt::format("input is larger than the {} MiB limit", cap >> 20),
                       "split the manifests into several files");
    }
  }
  if (std::ferror(f)) {
    throw InputError(SourceLocation{name}, fmt::format("read error: {}", std::strerror(errno)));
  }
  return data;
}

std::string read_file(const fs::path& path, const std::string& name, size_t cap) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec && size > cap) {
    throw InputError(SourceLocation{name},
                     fmt::format("file is {} bytes, more than the {} MiB limit", size, cap >> 20),
                     "split the manifests into several files");
  }
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    throw InputError(SourceLocation{name}, fmt::format("cannot read: {}", std::strerror(errno)));
  }
  return read_stream(f.get(), name, cap);
}

bool is_manifest_file(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Calls f(spec, namespace) for every pod spec and pod template in the set.
void for_each_pod_spec(Manifests& m, const std::function<void(PodSpec&, const std::string&)>& f) {
  for (Deployment& x : m.deployments) f(x.template_.spec, x.metadata.ns);
  for (ReplicaSet& x : m.replica_sets) f(x.template_.spec, x.metadata.ns);
  for (StatefulSet& x : m.stateful_sets) f(x.template_.spec, x.metadata.ns);
  for (DaemonSet& x : m.daemon_sets) f(x.template_.spec, x.metadata.ns);
  for (Job& x : m.jobs) f(x.spec.template_.spec, x.metadata.ns);
  for (CronJob& x : m.cron_jobs) f(x.job_template.template_.spec, x.metadata.ns);
  for (Pod& x : m.pods) f(x.spec, x.metadata.ns);
}

// Mirrors plugin/pkg/admission/limitranger/admission.go
// (defaultContainerResourceRequirements, mergeContainerResources): for each
// LimitRange of the pod's namespace, in order, every Container item's
// `default` fills missing limits and `defaultRequest` missing requests, of
// init and app containers alike. A value already set is never replaced, so
// the first LimitRange to set a resource wins.
// Example: LimitRange default cpu 500m, defaultRequest cpu 100m; a container
// with only limits.cpu 1 keeps request 1 (defaulted from its limit before
// admission) and limit 1; a container with nothing gets 100m / 500m.
void apply_limit_ranges(Manifests& m) {
  std::map<std::string, std::vector<const LimitRange*>> by_ns;
  for (const LimitRange& lr : m.limit_ranges) by_ns[lr.metadata.ns].push_back(&lr);
  if (by_ns.empty()) return;
  for_each_pod_spec(m, [&](PodSpec& spec, const std::string& ns) {
    auto it = by_ns.find(ns);
    if (it == by_ns.end()) return;
    for (const LimitRange* lr : it->second) {
      ResourceRequirements def;
      for (const LimitRangeItem& item : lr->limits) {
        if (item.type != "Container") continue;
        for (const auto& [k, q] : item.default_request) def.requests[k] = q;
        for (const auto& [k, q] : item.default_limit) def.limits[k] = q;
      }
      for (auto* list : {&spec.init_containers, &spec.containers}) {
        for (Container& c : *list) {
          for (const auto& [k, q] : def.limits) c.resources.limits.emplace(k, q);
          for (const auto& [k, q] : def.requests) c.resources.requests.emplace(k, q);
        }
      }
    }
  });
}

// Mirrors plugin/pkg/admission/priority/admission.go: a named class gives
// its value; no name takes the global default class (the lowest value if
// several are marked) and its name, or priority 0 without one. The two
// system classes always exist. An unknown name leaves priority unset
// (the API server would refuse the pod; validate reports it).
void resolve_priorities(Manifests& m) {
  std::map<std::string, int32_t> classes = {{"system-node-critical", 2000001000},
                                            {"system-cluster-critical", 2000000000}};
  const PriorityClass* global_default = nullptr;
  for (const PriorityClass& pc : m.priority_classes) {
    classes[pc.metadata.name] = pc.value;
    if (pc.global_default && (global_default == nullptr || pc.value < global_default->value)) {
      global_default = &pc;
    }
  }
  for_each_pod_spec(m, [&](PodSpec& spec, const std::string&) {
    if (spec.priority_class_name.empty()) {
      if (global_default != nullptr) {
        spec.priority_class_name = global_default->metadata.name;
        spec.priority = global_default->value;
      } else {
        spec.priority = 0;
      }
      return;
    }
    auto it = classes.find(spec.priority_class_name);
    if (it != classes.end()) {
      spec.priority = it->second;
    } else {
      spec.priority.reset();
    }
  });
}

// Mirrors `kubectl apply -f` of several documents naming the same object: the
// first creates it, every later one replaces its configuration, so the last
// definition is the one in the cluster. The object keeps the place of its
// first definition (its creation) with the content of its last, and each
// redefinition is a warning naming both places. Cluster-scoped kinds have an
// empty namespace. Example: Deployment shop/web in a.yaml:1 and b.yaml:1
// leaves one Deployment, b.yaml's, and warns at b.yaml:1:1 "defined again
// (first at a.yaml:1:1)".
template <typename T>
void keep_last_definitions(std::vector<T>& objects, std::string_view kind,
                           std::vector<LoadWarning>& warnings) {
  std::map<std::pair<std::string, std::string>, size_t> first;  // (ns, name) -> index
  std::vector<bool> superseded(objects.size(), false);
  bool any = false;
  for (size_t i = 0; i < objects.size(); ++i) {
    const ObjectMeta& m = objects[i].metadata;
    if (m.name.empty()) continue;
    auto [it, inserted] = first.emplace(std::make_pair(m.ns, m.name), i);
    if (inserted) continue;
    T& kept = objects[it->second];
    warnings.push_back(LoadWarning{
        m.source,
        fmt::format("defined again (first at {}); kubectl apply keeps this later definition",
                    kept.metadata.source.to_string()),
        "duplicate", object_label(kind, m), "keep one definition"});
    kept = std::move(objects[i]);
    superseded[i] = true;
    any = true;
  }
  if (!any) return;
  size_t out = 0;
  for (size_t i = 0; i < objects.size(); ++i) {
    if (superseded[i]) continue;
    if (out != i) objects[out] = std::move(objects[i]);
    ++out;
  }
  objects.resize(out);
}

void keep_last_definitions(Manifests& m) {
  std::vector<LoadWarning>& w = m.warnings;
  keep_last_definitions(m.namespaces, "Namespace", w);
  keep_last_definitions(m.config_maps, "ConfigMap", w);
  keep_last_definitions(m.secrets, "Secret", w);
  keep_last_definitions(m.deployments, "Deployment", w);
  keep_last_definitions(m.replica_sets, "ReplicaSet", w);
  keep_last_definitions(m.stateful_sets, "StatefulSet", w);
  keep_last_definitions(m.daemon_sets, "DaemonSet", w);
  keep_last_definitions(m.jobs, "Job", w);
  keep_last_definitions(m.cron_jobs, "CronJob", w);
  keep_last_definitions(m.pods, "Pod", w);
  keep_last_definitions(m.services, "Service", w);
  keep_last_definitions(m.ingresses, "Ingress", w);
  keep_last_definitions(m.persistent_volume_claims, "PersistentVolumeClaim", w);
  keep_last_definitions(m.persistent_volumes, "PersistentVolume", w);
  keep_last_definitions(m.storage_classes, "StorageClass", w);
  keep_last_definitions(m.pod_disruption_budgets, "PodDisruptionBudget", w);
  keep_last_definitions(m.priority_classes, "PriorityClass", w);
  keep_last_definitions(m.limit_ranges, "LimitRange", w);
  keep_last_definitions(m.resource_quotas, "ResourceQuota", w);
  keep_last_definitions(m.horizontal_pod_autoscalers, "HorizontalPodAutoscaler", w);
  keep_last_definitions(m.nodes, "Node", w);
}

// Refuses manifests whose workloads ask for more than kMaxPodsPerRun pods at
// once, naming the workload that crosses the limit. Example: Deployments of
// 600,000 and 500,000 replicas: the second brings the total to 1,100,000.
void check_pods_per_run(const Manifests& m) {
  int64_t total = 0;
  auto add = [&](int64_t pods, const SourceLocation& where, const std::string& what) {
    total += pods;
    if (total <= kMaxPodsPerRun) return;
    throw InputError(
        where,
        fmt::format("{} asks for {} pods, which brings the manifests to {} pods at once: more "
                    "than a run holds ({})",
                    what, pods, total, kMaxPodsPerRun),
        "lower spec.replicas, the HPAs' maxReplicas or the Jobs' parallelism, or simulate "
        "fewer manifests at a time");
  };
  for (const ReplicaDemand& d : replica_demands(m)) {
    const bool by_hpa = d.hpa_max_replicas > d.replicas;
    add(d.pods(), by_hpa ? d.hpa_source : d.source,
        by_hpa ? fmt::format("{} (its HPA's maxReplicas)", d.display()) : d.display());
  }
  for (const Job& j : m.jobs) {
    add(j.spec.parallelism.value_or(1), j.metadata.source,
        fmt::format("Job {}/{}", j.metadata.ns, j.metadata.name));
  }
  for (const CronJob& c : m.cron_jobs) {
    add(c.job_template.parallelism.value_or(1), c.metadata.source,
        fmt::format("CronJob {}/{}", c.metadata.ns, c.metadata.name));
  }
}

class Loader {
 public:
  explicit Loader(const LoadOptions& options) : options_(options) {}

  void load_text(std::string_view text, const std::string& name) {
    // The budget grows with the file: honest YAML holds at most about one
    // node per byte, so a large file of real objects always fits, while an
    // alias bomb (many nodes from few bytes) still stops after work and
    // memory proportional to the file's size.
    const size_t budget = options_.max_nodes_per_file + text.size();
    io::YamlFile file = io::parse_yaml(text, name, io::YamlLimits{budget, options_.max_depth});
    out_.files.push_back(name);
    if (file.documents().empty()) {
      out_.warnings.push_back(LoadWarning{SourceLocation{name}, "no objects in file"});
      return;
    }
    io::Decoder decoder(name, budget);
    io::DecodeOptions decode_options{options_.namespace_override};
    for (const io::YNode* doc : file.documents()) {
      io::decode_document(decoder, doc, decode_options, out_);
    }
  }

  void load_path(const std::string& path) {
    if (path == "-") {
      load_text(read_stream(stdin, "<stdin>", options_.max_file_bytes), "<stdin>");
      return;
    }
    const fs::path p(path);
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) missing(p, path);
    if (fs::is_directory(st)) {
      load_directory(p, path);
      return;
    }
    load_text(read_file(p, path, options_.max_file_bytes), path);
  }

  Manifests finish() {
    keep_last_definitions(out_);
    check_pods_per_run(out_);
    apply_limit_ranges(out_);
    resolve_priorities(out_);
    return std::move(out_);
  }

 private:
  [[noreturn]] void missing(const fs::path& p, const std::string& path) {
    std::string hint = fmt::format("kubectl would say: the path \"{}\" does not exist", path);
    std::error_code ec;
    const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (fs::is_directory(parent, ec)) {
      std::vector<std::string> siblings;
      for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
        siblings.push_back(it->path().filename().string());
        if (siblings.size() > 10000) break;
      }
      std::sort(siblings.begin(), siblings.end());
      std::string guess = closest_match(p.filename().string(), siblings);
      if (!guess.empty()) hint = fmt::format("did you mean \"{}\"?", (parent / guess).string());
    }
    throw InputError(SourceLocation{path}, "no such file or directory", hint);
  }

  void load_directory(const fs::path& dir, const std::string& path) {
    std::vector<fs::path> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    for (fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
      std::error_code fec;
      if (it->is_regular_file(fec) && is_manifest_file(it->path())) files.push_back(it->path());
    }
    if (ec) {
      throw InputError(SourceLocation{path},
                       fmt::format("cannot read directory: {}", ec.message()));
    }
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
      return a.generic_string() < b.generic_string();
    });
    if (files.empty()) {
      out_.warnings.push_back(
          LoadWarning{SourceLocation{path}, "no .yaml, .yml or .json files in directory"});
    }
    for (const fs::path& f : files) {
      const std::string name = f.string();
      load_text(read_file(f, name, options_.max_file_bytes), name);
    }
  }

  const LoadOptions& options_;
  Manifests out_;
};

}  // namespace

std::vector<ReplicaDemand> replica_demands(const Manifests& manifests) {
  // (namespace, kind, name) of a scale target -> the HPA with the highest maxReplicas.
  std::map<std::tuple<std::string, std::string, std::string>, const HorizontalPodAutoscaler*> hpas;
  // ... and the HPA with the highest minReplicas (it raises spec.replicas to that at once).
  std::map<std::tuple<std::string, std::string, std::string>, const HorizontalPodAutoscaler*>
      min_hpas;
  for (const HorizontalPodAutoscaler& h : manifests.horizontal_pod_autoscalers) {
    auto key = std::make_tuple(h.metadata.ns, h.scale_target_ref.kind, h.scale_target_ref.name);
    const HorizontalPodAutoscaler*& best = hpas[key];
    if (best == nullptr || h.max_replicas > best->max_replicas) best = &h;
    const HorizontalPodAutoscaler*& floor = min_hpas[key];
    if (floor == nullptr || h.min_replicas.value_or(1) > floor->min_replicas.value_or(1)) {
      floor = &h;
    }
  }
  std::vector<ReplicaDemand> out;
  auto add = [&](const char* kind, const ObjectMeta& meta, std::optional<int32_t> replicas) {
    ReplicaDemand d;
    d.kind = kind;
    d.ns = meta.ns;
    d.name = meta.name;
    d.replicas = replicas.value_or(1);
    d.source = meta.source;
    auto it = hpas.find(std::make_tuple(meta.ns, std::string(kind), meta.name));
    if (it != hpas.end() && it->second->max_replicas > 0) {
      d.hpa_max_replicas = it->second->max_replicas;
      d.hpa_source = it->second->metadata.source;
    }
    auto lo = min_hpas.find(std::make_tuple(meta.ns, std::string(kind), meta.name));
    if (lo != min_hpas.end()) {
      d.hpa_min_replicas = lo->second->min_replicas.value_or(1);
      d.hpa_min_source = lo->second->metadata.source;
    }
    out.push_back(std::move(d));
  };
  for (const Deployment& x : manifests.deployments) add("Deployment", x.metadata, x.replicas);
  for (const StatefulSet& x : manifests.stateful_sets) add("StatefulSet", x.metadata, x.replicas);
  for (const ReplicaSet& x : manifests.replica_sets) {
    if (x.metadata.owner_references.empty()) add("ReplicaSet", x.metadata, x.replicas);
  }
  return out;
}

Manifests load_manifests(const std::vector<std::string>& paths, const LoadOptions& options) {
  Loader loader(options);
  for (const std::string& p : paths) loader.load_path(p);
  return loader.finish();
}

Manifests load_manifests_from_string(std::string_view text, const std::string& virtual_filename,
                                     const LoadOptions& options) {
  if (text.size() > options.max_file_bytes) {
    throw InputError(
        SourceLocation{virtual_filename},
        fmt::format("input is larger than the {} MiB limit", options.max_file_bytes >> 20));
  }
  Loader loader(options);
  loader.load_text(text, virtual_filename);
  return loader.finish();
}

}  // namespace simcluster
