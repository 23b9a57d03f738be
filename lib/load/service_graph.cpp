// The Service call graph (load_model.h): nodes are Services, edges are "each
// request to A makes n calls to B". Built from the manifests (Ingress paths,
// Service selectors, Service names referenced in env, ConfigMaps and args) and
// the scenario's explicit fan-outs.
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string_view>

#include "load/graph_algorithms.h"
#include "simcluster/load_model.h"

namespace simcluster {
namespace {

bool in_scope(const std::vector<std::string>& namespaces, const std::string& ns) {
  return namespaces.empty() ||
         std::find(namespaces.begin(), namespaces.end(), ns) != namespaces.end();
}

// A pod-creating object as the graph sees it.
struct WorkloadView {
  std::string kind, ns, name;
  const StringMap* labels = nullptr;
  const PodSpec* spec = nullptr;
  SourceLocation source;
};

std::vector<WorkloadView> workloads_of(const Manifests& m, const std::vector<std::string>& nss) {
  std::vector<WorkloadView> out;
  auto add = [&](const char* kind, const ObjectMeta& meta, const PodTemplateSpec& t) {
    if (!in_scope(nss, meta.ns)) return;
    out.push_back({kind, meta.ns, meta.name, &t.metadata.labels, &t.spec, meta.source});
  };
  for (const auto& d : m.deployments) add("Deployment", d.metadata, d.template_);
  for (const auto& s : m.stateful_sets) add("StatefulSet", s.metadata, s.template_);
  for (const auto& d : m.daemon_sets) add("DaemonSet", d.metadata, d.template_);
  for (const auto& r : m.replica_sets) {
    if (r.metadata.owner_references.empty()) add("ReplicaSet", r.metadata, r.template_);
  }
  for (const auto& p : m.pods) {
    if (!in_scope(nss, p.metadata.ns) || !p.metadata.owner_references.empty()) continue;
    out.push_back(
        {"Pod", p.metadata.ns, p.metadata.name, &p.metadata.labels, &p.spec, p.metadata.source});
  }
  return out;
}

// "/api/auth(/|$)(.*)" -> "/api/auth"; "/api/chat/" -> "/api/chat"; "/" stays.
std::string normalize_path(std::string_view path) {
  size_t cut = path.find_first_of("([*$^?|\\{");
  std::string p(path.substr(0, cut));
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (p.empty()) return std::string(1, '/');  // not p = "/": GCC 12 -Wrestrict false positive
  return p;
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

class GraphBuilder {
 public:
  GraphBuilder(const Manifests& m, const LoadSpec& spec) : m_(m), spec_(spec) {}

  ServiceGraph build() {
    add_services();
    attach_workloads();
    apply_costs();
    derive_baselines();
    add_routes();
    discover_references();
    add_explicit_calls();
    for (auto& [key, edge] : edges_) {
      if (edge.calls_per_request > 0) graph_.edges.push_back(std::move(edge));
    }
    check_traffic_stability(graph_);
    return std::move(graph_);
  }

 private:
  void add_services() {
    std::set<std::pair<std::string, std::string>> seen;
    for (const Service& s : m_.services) {
      if (!in_scope(spec_.namespaces, s.metadata.ns) || s.type == "ExternalName") continue;
      if (!seen.insert({s.metadata.ns, s.metadata.name}).second) continue;
      ServiceNode node;
      node.ns = s.metadata.ns;
      node.name = s.metadata.name;
      node.source = s.metadata.source;
      const ServiceDefaults& d = spec_.defaults;
      // Baselines the scenario leaves unset are derived later (derive_baselines).
      node.params = {.cpu_per_request = d.cpu_per_request,
                     .cpu_baseline_milli = d.cpu_baseline_milli.value_or(0),
                     .memory_baseline = d.memory_baseline.value_or(0),
                     .memory_per_inflight = d.memory_per_inflight,
                     .concurrency = d.concurrency,
                     .service_time = d.service_time,
                     .timeout = d.timeout};
      graph_.services.push_back(std::move(node));
      selectors_.push_back(&s.selector);
    }
    // Sort services and their selectors together by (ns, name).
    std::vector<size_t> order(graph_.services.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const auto& x = graph_.services[a];
      const auto& y = graph_.services[b];
      return std::tie(x.ns, x.name) < std::tie(y.ns, y.name);
    });
    std::vector<ServiceNode> sorted;
    std::vector<const StringMap*> sorted_selectors;
    for (size_t i : order) {
      sorted.push_back(std::move(graph_.services[i]));
      sorted_selectors.push_back(selectors_[i]);
    }
    graph_.services = std::move(sorted);
    selectors_ = std::move(sorted_selectors);
  }

  void attach_workloads() {
    workloads_ = workloads_of(m_, spec_.namespaces);
    callers_.resize(workloads_.size());
    for (size_t w = 0; w < workloads_.size(); ++w) {
      const WorkloadView& wl = workloads_[w];
      for (size_t s = 0; s < graph_.services.size(); ++s) {
        ServiceNode& svc = graph_.services[s];
        if (svc.ns != wl.ns || !map_selector_matches(*selectors_[s], *wl.labels)) continue;
        svc.workloads.push_back(wl.kind + "/" + wl.name);
        callers_[w].push_back(s);
      }
    }
    for (ServiceNode& svc : graph_.services) std::sort(svc.workloads.begin(), svc.workloads.end());
  }

  std::string display(size_t i) const {
    return graph_.services[i].ns + "/" + graph_.services[i].name;
  }

  // Resolves "name" or "ns/name". With default_ns, a bare name is looked up
  // there (as cluster DNS does); without, it must be unique across namespaces.
  size_t resolve_service(const std::string& ref, const std::string& default_ns,
                         const SourceLocation& where) const {
    auto parts = split(ref, '/');
    if (parts.size() > 2 || ref.empty()) {
      fail(where, "'{}' is not a Service name: write 'name' or 'namespace/name'", ref);
    }
    if (parts.size() == 2) {
      if (auto i = graph_.find(parts[0], parts[1])) return *i;
      std::vector<std::string> all;
      for (size_t i = 0; i < graph_.services.size(); ++i) all.push_back(display(i));
      unknown(where, ref, all);
    }
    std::string_view name = parts[0];
    if (!default_ns.empty()) {
      if (auto i = graph_.find(default_ns, name)) return *i;
      std::vector<std::string> local;
      std::vector<std::string> elsewhere;
      for (size_t i = 0; i < graph_.services.size(); ++i) {
        if (graph_.services[i].ns == default_ns) local.push_back(graph_.services[i].name);
        if (graph_.services[i].name == name) elsewhere.push_back(display(i));
      }
      if (!elsewhere.empty()) {
        throw InputError(where,
                         fmt::format("unknown Service '{}' in namespace '{}'", name, default_ns),
                         fmt::format("write '{}' to call it in its namespace", elsewhere.front()));
      }
      unknown(where, std::string(name), local);
    }
    std::vector<size_t> hits;
    std::vector<std::string> names;
    for (size_t i = 0; i < graph_.services.size(); ++i) {
      if (graph_.services[i].name == name) hits.push_back(i);
      names.push_back(graph_.services[i].name);
    }
    if (hits.size() == 1) return hits[0];
    if (hits.size() > 1) {
      std::vector<std::string> qualified;
      for (size_t i : hits) qualified.push_back(display(i));
      throw InputError(
          where,
          fmt::format("Service name '{}' is ambiguous: {}", name, fmt::join(qualified, ", ")),
          fmt::format("write '{}' (namespace/name)", qualified.front()));
    }
    unknown(where, std::string(name), names);
  }

  [[noreturn]] void unknown(const SourceLocation& where, const std::string& ref,
                            const std::vector<std::string>& candidates) const {
    std::string guess = suggest_name(ref, candidates);
    if (!guess.empty()) fail(where, "unknown Service '{}', did you mean '{}'?", ref, guess);
    std::string hint = candidates.empty()
                           ? "the manifests define no Service in the simulated namespaces"
                           : fmt::format("Services: {}", fmt::join(candidates, ", "));
    throw InputError(where, fmt::format("unknown Service '{}'", ref), hint);
  }

  void apply_costs() {
    cpu_set_.assign(graph_.services.size(),
                    spec_.defaults.cpu_baseline_milli ? "serviceDefaults" : "");
    memory_set_.assign(graph_.services.size(),
                       spec_.defaults.memory_baseline ? "serviceDefaults" : "");
    std::map<size_t, SourceLocation> seen;
    for (const ServiceCost& c : spec_.services) {
      size_t i = resolve_service(c.service, "", c.source);
      if (auto [it, fresh] = seen.emplace(i, c.source); !fresh) {
        fail(c.source, "Service '{}' is described twice (first at {})", display(i),
             it->second.to_string());
      }
      ServiceParams& p = graph_.services[i].params;
      if (c.cpu_per_request) p.cpu_per_request = *c.cpu_per_request;
      if (c.cpu_baseline_milli) {
        p.cpu_baseline_milli = *c.cpu_baseline_milli;
        cpu_set_[i] = "services." + c.service;
      }
      if (c.memory_baseline) {
        p.memory_baseline = *c.memory_baseline;
        memory_set_[i] = "services." + c.service;
      }
      if (c.memory_per_inflight) p.memory_per_inflight = *c.memory_per_inflight;
      if (c.concurrency) p.concurrency = *c.concurrency;
      if (c.service_time) p.service_time = *c.service_time;
      if (c.timeout) p.timeout = *c.timeout;
      if (p.cpu_per_request < 0 || p.cpu_baseline_milli < 0 || p.memory_baseline < 0 ||
          p.memory_per_inflight < 0) {
        fail(c.source, "Service '{}': costs and baselines must not be negative", c.service);
      }
      if (p.concurrency < 1) fail(c.source, "Service '{}': concurrency must be >= 1", c.service);
      if (p.service_time.count() <= 0 || p.timeout.count() <= 0) {
        fail(c.source, "Service '{}': serviceTime and timeout must be positive", c.service);
      }
    }
  }

  // Baselines the scenario does not set: derived from the pods of the
  // workloads the Service selects (the smallest over them, so no pod is
  // pushed over its own request). Baselines it sets but that exceed a pod's
  // request or limit are kept, with a note.
  void derive_baselines() {
    std::vector<std::vector<size_t>> selected(graph_.services.size());
    for (size_t w = 0; w < workloads_.size(); ++w) {
      for (size_t s : callers_[w]) selected[s].push_back(w);
    }
    std::vector<std::string> derived;
    std::vector<LoadModelNote> exceeds;
    for (size_t s = 0; s < graph_.services.size(); ++s) {
      ServiceNode& svc = graph_.services[s];
      std::optional<Baseline> smallest;
      for (size_t w : selected[s]) {
        const Baseline b = derived_baseline(*workloads_[w].spec);
        if (!smallest) {
          smallest = b;
        } else {
          smallest->cpu_milli = std::min(smallest->cpu_milli, b.cpu_milli);
          smallest->memory = std::min(smallest->memory, b.memory);
        }
      }
      const Baseline d =
          smallest.value_or(Baseline{kMaxDerivedCpuBaselineMilli, kMaxDerivedMemoryBaseline});
      std::vector<std::string> what;
      if (cpu_set_[s].empty()) {
        svc.params.cpu_baseline_milli = d.cpu_milli;
        svc.cpu_baseline_derived = true;
        what.push_back(fmt::format("cpu {}m", d.cpu_milli));
      }
      if (memory_set_[s].empty()) {
        svc.params.memory_baseline = d.memory;
        svc.memory_baseline_derived = true;
        what.push_back(fmt::format("memory {}", bytes_text(d.memory)));
      }
      if (!what.empty() && !selected[s].empty()) {
        derived.push_back(fmt::format("{} ({})", display(s), fmt::join(what, ", ")));
      }
      for (size_t w : selected[s]) check_explicit(s, workloads_[w], d, exceeds);
    }
    if (!derived.empty()) {
      graph_.notes.push_back(
          {"LoadModelBaselineDerived",
           fmt::format("the scenario sets no cpuBaseline / memoryBaseline for {}: each pod's idle "
                       "usage is derived from its containers' requests (per container min(5m, "
                       "request / 10) CPU and min(64Mi, request / 2) memory, never above a "
                       "limit; the smallest over the Service's workloads); set them under "
                       "services.<name> or serviceDefaults to use measured values",
                       fmt::join(derived, ", "))});
    }
    for (LoadModelNote& n : exceeds) graph_.notes.push_back(std::move(n));
  }

  // A baseline the scenario sets, above what the workload's pods request or
  // are limited to (limits as the engine applies them: only when every
  // container sets one).
  void check_explicit(size_t s, const WorkloadView& wl, const Baseline& derived,
                      std::vector<LoadModelNote>& out) const {
    const ServiceParams& p = graph_.services[s].params;
    const Resources req = pod_requests(*wl.spec);
    const Resources lim = pod_limits(*wl.spec);
    bool all_cpu = !wl.spec->containers.empty(), all_mem = all_cpu;
    for (const Container& c : wl.spec->containers) {
      all_cpu = all_cpu && c.resources.limits.count("cpu");
      all_mem = all_mem && c.resources.limits.count("memory");
    }
    const std::string workload = fmt::format("{}/{}/{}", wl.kind, wl.ns, wl.name);
    if (!memory_set_[s].empty()) {
      const bool over_req = req.memory > 0 && p.memory_baseline > req.memory;
      const bool over_lim = all_mem && p.memory_baseline > lim.memory;
      if (over_req || over_lim) {
        out.push_back(
            {"LoadModelBaselineExceedsRequest",
             fmt::format("memoryBaseline {} ({}, Service {}) is above the memory {} of {}'s "
                         "pods: kept as written, so each pod {} by the baseline alone; lower "
                         "memoryBaseline (or leave it unset: derived from the requests it "
                         "would be {}) or raise the pods' request{}",
                         bytes_text(p.memory_baseline), memory_set_[s], display(s),
                         limits_text(req.memory > 0, req.memory, all_mem, lim.memory, bytes_text),
                         workload,
                         over_lim ? "is OOM-killed" : "uses more than its request at idle",
                         bytes_text(derived.memory), over_lim ? " and limit" : "")});
      }
    }
    if (!cpu_set_[s].empty()) {
      const bool over_req = req.cpu_milli > 0 && p.cpu_baseline_milli > req.cpu_milli;
      const bool over_lim = all_cpu && p.cpu_baseline_milli > lim.cpu_milli;
      if (over_req || over_lim) {
        auto cpu = [](int64_t m) { return fmt::format("{}m", m); };
        out.push_back(
            {"LoadModelBaselineExceedsRequest",
             fmt::format(
                 "cpuBaseline {}m ({}, Service {}) is above the CPU {} of {}'s pods: "
                 "kept as written, so each pod {} by the baseline alone; lower "
                 "cpuBaseline (or leave it unset: derived from the requests it would "
                 "be {}m) or raise the pods' request{}",
                 p.cpu_baseline_milli, cpu_set_[s], display(s),
                 limits_text(req.cpu_milli > 0, req.cpu_milli, all_cpu, lim.cpu_milli, cpu),
                 workload,
                 over_lim ? "is throttled" : "runs above its request (HPA utilization over 100%)",
                 derived.cpu_milli, over_lim ? " and limit" : "")});
      }
    }
  }

  template <typename Format>
  static std::string limits_text(bool has_req, int64_t req, bool has_lim, int64_t lim,
                                 Format&& format) {
    std::vector<std::string> parts;
    if (has_req) parts.push_back("request " + format(req));
    if (has_lim) parts.push_back("limit " + format(lim));
    return fmt::format("{}", fmt::join(parts, " / "));
  }

  static std::string bytes_text(int64_t b) {
    if (b % (1LL << 20) == 0) return fmt::format("{}Mi", b >> 20);
    if (b % (1LL << 10) == 0) return fmt::format("{}Ki", b >> 10);
    return fmt::format("{}", b);
  }

  void add_routes() {
    for (const RouteRate& r : spec_.routes) {
      if (!(r.rps_per_user >= 0)) {
        fail(r.source, "route '{}': requests per user per second must be >= 0", r.route);
      }
      size_t i =
          r.route.starts_with('/') ? resolve_path(r) : resolve_service(r.route, "", r.source);
      graph_.services[i].entry_rps_per_user += r.rps_per_user;
    }
  }

  size_t resolve_path(const RouteRate& r) const {
    const std::string want = normalize_path(r.route);
    std::set<size_t> targets;
    std::vector<std::string> paths;
    for (const Ingress& ing : m_.ingresses) {
      if (!in_scope(spec_.namespaces, ing.metadata.ns)) continue;
      for (const IngressRule& rule : ing.rules) {
        for (const IngressPath& p : rule.paths) {
          std::string have = normalize_path(p.path);
          paths.push_back(have);
          if (have != want) continue;
          auto i = graph_.find(ing.metadata.ns, p.backend.service_name);
          if (!i) {
            throw InputError(
                r.source,
                fmt::format("route '{}': Ingress {}/{} sends it to Service '{}', which is not in "
                            "the manifests",
                            r.route, ing.metadata.ns, ing.metadata.name, p.backend.service_name),
                fmt::format("the Ingress backend is at {}", p.backend.source.to_string()));
          }
          targets.insert(*i);
        }
      }
    }
    if (targets.empty()) {
      std::sort(paths.begin(), paths.end());
      paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
      std::string guess = closest_match(want, paths);
      if (!guess.empty())
        fail(r.source, "no Ingress path '{}', did you mean '{}'?", r.route, guess);
      throw InputError(r.source, fmt::format("no Ingress path '{}'", r.route),
                       paths.empty()
                           ? "the manifests define no Ingress paths; name a Service instead"
                           : fmt::format("Ingress paths: {}", fmt::join(paths, ", ")));
    }
    if (targets.size() > 1) {
      std::vector<std::string> names;
      for (size_t i : targets) names.push_back(display(i));
      throw InputError(r.source,
                       fmt::format("route '{}' is ambiguous: Ingresses send it to {}", r.route,
                                   fmt::join(names, " and ")),
                       "name the Service instead of the path");
    }
    return *targets.begin();
  }

  // Every Service named in `text` (cluster DNS forms: name, name.ns, name.ns.svc[...],
  // and a headless Service's pod: pod.name[.ns[.svc...]]), resolved from namespace ns.
  std::set<size_t> referenced_services(std::string_view text, const std::string& ns) const {
    std::set<size_t> out;
    size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && !is_token_char(text[i])) ++i;
      size_t start = i;
      while (i < text.size() && is_token_char(text[i])) ++i;
      std::string_view token = text.substr(start, i - start);
      while (!token.empty() && token.back() == '.') token.remove_suffix(1);
      while (!token.empty() && token.front() == '.') token.remove_prefix(1);
      if (token.empty()) continue;
      auto labels = split(token, '.');
      auto svc_suffix_ok = [&](size_t from) {  // nothing, or "svc" then anything
        return labels.size() <= from || labels[from] == "svc";
      };
      if (labels.size() == 1) {
        if (auto s = graph_.find(ns, labels[0])) out.insert(*s);
        continue;
      }
      if (svc_suffix_ok(2)) {
        if (auto s = graph_.find(labels[1], labels[0])) {
          out.insert(*s);
          continue;
        }
      }
      // pod-0.headless-service, pod-0.headless-service.ns[.svc...]
      if (labels.size() == 2) {
        if (auto s = graph_.find(ns, labels[1])) out.insert(*s);
      } else if (svc_suffix_ok(3)) {
        if (auto s = graph_.find(labels[2], labels[1])) out.insert(*s);
      }
    }
    return out;
  }

  void add_discovered(size_t workload, std::string_view text, const std::string& origin,
                      const SourceLocation& source) {
    const WorkloadView& wl = workloads_[workload];
    for (size_t target : referenced_services(text, wl.ns)) {
      for (size_t caller : callers_[workload]) {
        if (caller == target) continue;  // a Service naming itself advertises, it does not call
        edges_.try_emplace({caller, target},
                           CallEdge{.from = caller,
                                    .to = target,
                                    .calls_per_request = spec_.defaults.calls_per_reference,
                                    .origin = origin,
                                    .source = source});
      }
    }
  }

  const ConfigMap* find_config_map(const std::string& ns, std::string_view name) const {
    for (const ConfigMap& cm : m_.config_maps) {
      if (cm.metadata.ns == ns && cm.metadata.name == name) return &cm;
    }
    return nullptr;
  }

  void add_config_map(size_t w, const std::string& cm_name, const std::string& only_key,
                      const std::string& how) {
    const WorkloadView& wl = workloads_[w];
    const ConfigMap* cm = find_config_map(wl.ns, cm_name);
    if (cm == nullptr) return;  // `simcluster validate` reports the dangling reference
    for (const auto& [key, value] : cm->data) {
      if (!only_key.empty() && key != only_key) continue;
      auto src = cm->data_source.find(key);
      add_discovered(w, value,
                     fmt::format("ConfigMap {}/{} key {} ({} of {}/{}/{})", wl.ns, cm_name, key,
                                 how, wl.kind, wl.ns, wl.name),
                     src != cm->data_source.end() ? src->second : cm->metadata.source);
    }
  }

  void discover_references() {
    for (size_t w = 0; w < workloads_.size(); ++w) {
      if (callers_[w].empty()) continue;  // no Service sends it traffic: its calls cannot be rated
      const WorkloadView& wl = workloads_[w];
      std::vector<const Container*> containers;
      for (const Container& c : wl.spec->init_containers) containers.push_back(&c);
      for (const Container& c : wl.spec->containers) containers.push_back(&c);
      for (const Container* c : containers) {
        for (const EnvVar& env : c->env) {
          if (!env.value.empty()) {
            add_discovered(w, env.value,
                           fmt::format("env {} of {}/{}/{}", env.name, wl.kind, wl.ns, wl.name),
                           env.source);
          }
          if (!env.config_map_key_ref.empty()) {
            auto parts = split(env.config_map_key_ref, '/');
            if (parts.size() == 2) {
              add_config_map(w, std::string(parts[0]), std::string(parts[1]),
                             fmt::format("env {}", env.name));
            }
          }
        }
        for (const std::string& cm : c->env_from_config_maps) add_config_map(w, cm, "", "envFrom");
        for (const std::string& arg : c->args) {
          add_discovered(w, arg, fmt::format("args of {}/{}/{}", wl.kind, wl.ns, wl.name),
                         c->source);
        }
      }
      for (const Volume& v : wl.spec->volumes) {
        if (!v.config_map.empty()) add_config_map(w, v.config_map, "", "volume " + v.name);
      }
    }
  }

  void add_explicit_calls() {
    for (const ServiceCost& c : spec_.services) {
      size_t from = resolve_service(c.service, "", c.source);
      std::set<size_t> seen;
      for (const ServiceCallSpec& call : c.calls) {
        if (!(call.calls_per_request >= 0)) {
          fail(call.source, "calls per request must be >= 0 (0 removes a discovered call)");
        }
        size_t to = resolve_service(call.service, graph_.services[from].ns, call.source);
        if (!seen.insert(to).second) {
          fail(call.source, "calls from '{}' to '{}' are listed twice", c.service, display(to));
        }
        edges_[{from, to}] = CallEdge{.from = from,
                                      .to = to,
                                      .calls_per_request = call.calls_per_request,
                                      .origin = "scenario",
                                      .source = call.source};
      }
    }
  }

  const Manifests& m_;
  const LoadSpec& spec_;
  ServiceGraph graph_;
  std::vector<const StringMap*> selectors_;  // parallel to graph_.services
  std::vector<WorkloadView> workloads_;
  std::vector<std::vector<size_t>> callers_;  // workload -> Services selecting it
  // Where the scenario set each Service's baselines ("services.web",
  // "serviceDefaults"); "" when unset (derived).
  std::vector<std::string> cpu_set_, memory_set_;
  std::map<std::pair<size_t, size_t>, CallEdge> edges_;
};

std::string short_name(const ServiceGraph& g, size_t i) {
  size_t same = 0;
  for (const ServiceNode& s : g.services) same += s.name == g.services[i].name ? 1 : 0;
  return same > 1 ? g.services[i].ns + "/" + g.services[i].name : g.services[i].name;
}

}  // namespace

std::optional<size_t> ServiceGraph::find(std::string_view ns, std::string_view name) const {
  auto it = std::lower_bound(
      services.begin(), services.end(), std::pair(ns, name),
      [](const ServiceNode& s, const std::pair<std::string_view, std::string_view>& k) {
        return std::pair<std::string_view, std::string_view>(s.ns, s.name) < k;
      });
  if (it == services.end() || it->ns != ns || it->name != name) return std::nullopt;
  return static_cast<size_t>(it - services.begin());
}

ServiceGraph build_service_graph(const Manifests& manifests, const LoadSpec& spec) {
  return GraphBuilder(manifests, spec).build();
}

void check_traffic_stability(const ServiceGraph& graph) {
  int count = 0;
  std::vector<int> component = load_internal::strong_components_of(graph, &count);
  std::vector<std::vector<size_t>> members(static_cast<size_t>(count));
  for (size_t i = 0; i < component.size(); ++i)
    members[static_cast<size_t>(component[i])].push_back(i);
  std::vector<std::vector<const CallEdge*>> edges_in(static_cast<size_t>(count));
  for (const CallEdge& e : graph.edges) {
    if (e.calls_per_request > 0 && component[e.from] == component[e.to]) {
      edges_in[static_cast<size_t>(component[e.from])].push_back(&e);
    }
  }
  // Components by smallest member, so the loop reported first does not depend
  // on Boost's numbering.
  std::vector<size_t> order;
  for (size_t c = 0; c < members.size(); ++c) {
    if (!edges_in[c].empty()) order.push_back(c);
  }
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return members[a].front() < members[b].front(); });

  for (size_t c : order) {
    const std::vector<size_t>& group = members[c];
    const std::vector<const CallEdge*>& internal = edges_in[c];
    const size_t k = group.size();
    std::map<size_t, size_t> local;
    for (size_t j = 0; j < k; ++j) local[group[j]] = j;
    std::vector<load_internal::MatrixEntry> matrix;
    for (const CallEdge* e : internal) {
      matrix.push_back({local[e->from], local[e->to], e->calls_per_request});
    }
    if (internal.empty()) continue;
    constexpr double kUnstable = 1.0 - 1e-9;  // gain 1 within round-off is unstable
    const double rho = load_internal::spectral_radius(matrix, k, kUnstable);
    if (rho < kUnstable) continue;

    // Name one loop: the shortest cycle through the group's first service (BFS).
    const size_t start = group.front();
    std::map<size_t, const CallEdge*> parent;  // node -> edge that reached it
    std::deque<size_t> queue{start};
    const CallEdge* closing = nullptr;
    while (!queue.empty() && closing == nullptr) {
      size_t u = queue.front();
      queue.pop_front();
      for (const CallEdge* e : internal) {
        if (e->from != u) continue;
        if (e->to == start) {
          closing = e;
          break;
        }
        if (parent.count(e->to) == 0) {
          parent[e->to] = e;
          queue.push_back(e->to);
        }
      }
    }
    std::vector<const CallEdge*> cycle{closing};
    for (size_t v = closing->from; v != start; v = parent[v]->from) cycle.push_back(parent[v]);
    std::reverse(cycle.begin(), cycle.end());
    std::vector<std::string> names{short_name(graph, start)};
    double product = 1;
    for (const CallEdge* e : cycle) {
      names.push_back(short_name(graph, e->to));
      product *= e->calls_per_request;
    }
    const bool simple = internal.size() == k;  // the group is exactly one cycle
    std::string loop = fmt::format("{}", fmt::join(names, " -> "));
    std::string hint = fmt::format(
        "each request entering the loop comes back to {} {:.3g} times on average; lower the "
        "calls per request on it (services.<name>.calls, {} for this edge)",
        names.front(), simple ? product : rho, cycle.front()->origin);
    if (simple) {
      throw InputError(cycle.front()->source,
                       fmt::format("call loop {} has gain {:.3g} (>= 1): traffic through it grows "
                                   "without bound",
                                   loop, product),
                       hint);
    }
    std::vector<std::string> all;
    for (size_t i : group) all.push_back(short_name(graph, i));
    throw InputError(cycle.front()->source,
                     fmt::format("calls among {} form loops with gain {:.3g} (spectral radius, >= "
                                 "1), e.g. {}: traffic through them grows without bound",
                                 fmt::join(all, ", "), rho, loop),
                     hint);
  }
}

}  // namespace simcluster
