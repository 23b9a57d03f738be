// Checks a scenario's references into its manifests (scenario.h).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "simcluster/manifests.h"
#include "simcluster/nodes.h"
#include "simcluster/scenario.h"

namespace simcluster {
namespace {

bool in_scope(const std::vector<std::string>& namespaces, const std::string& ns) {
  return namespaces.empty() ||
         std::find(namespaces.begin(), namespaces.end(), ns) != namespaces.end();
}

struct Candidate {
  std::string kind, ns, name;
  const PodTemplateSpec* tmpl = nullptr;
  std::string display() const { return kind + "/" + ns + "/" + name; }
};

std::vector<Candidate> workload_candidates(const Manifests& m,
                                           const std::vector<std::string>& namespaces) {
  std::vector<Candidate> out;
  for (const auto& d : m.deployments) {
    if (in_scope(namespaces, d.metadata.ns))
      out.push_back({"Deployment", d.metadata.ns, d.metadata.name, &d.template_});
  }
  for (const auto& s : m.stateful_sets) {
    if (in_scope(namespaces, s.metadata.ns))
      out.push_back({"StatefulSet", s.metadata.ns, s.metadata.name, &s.template_});
  }
  for (const auto& d : m.daemon_sets) {
    if (in_scope(namespaces, d.metadata.ns))
      out.push_back({"DaemonSet", d.metadata.ns, d.metadata.name, &d.template_});
  }
  return out;
}

// workload_candidates() and the other kinds whose pods the kubelet runs.
std::vector<Candidate> pod_workload_candidates(const Manifests& m,
                                               const std::vector<std::string>& namespaces) {
  std::vector<Candidate> out = workload_candidates(m, namespaces);
  for (const auto& r : m.replica_sets) {
    if (in_scope(namespaces, r.metadata.ns))
      out.push_back({"ReplicaSet", r.metadata.ns, r.metadata.name, &r.template_});
  }
  for (const auto& j : m.jobs) {
    if (in_scope(namespaces, j.metadata.ns))
      out.push_back({"Job", j.metadata.ns, j.metadata.name, &j.spec.template_});
  }
  for (const auto& c : m.cron_jobs) {
    if (in_scope(namespaces, c.metadata.ns))
      out.push_back({"CronJob", c.metadata.ns, c.metadata.name, &c.job_template.template_});
  }
  return out;
}

const Candidate& find_workload(const std::vector<Candidate>& all, const WorkloadRef& ref,
                               const SourceLocation& where) {
  std::vector<const Candidate*> hits;
  std::vector<std::string> names;
  for (const Candidate& c : all) {
    if (!ref.kind.empty() && c.kind != ref.kind) continue;
    if (!ref.ns.empty() && c.ns != ref.ns) continue;
    names.push_back(c.name);
    if (c.name == ref.name) hits.push_back(&c);
  }
  std::string written = ref.name;
  if (!ref.ns.empty()) written = ref.ns + "/" + written;
  if (!ref.kind.empty()) written = ref.kind + "/" + written;
  if (hits.size() == 1) return *hits.front();
  if (hits.size() > 1) {
    std::vector<std::string> all_hits;
    for (const Candidate* c : hits) all_hits.push_back(c->display());
    throw InputError(
        where, fmt::format("workload '{}' is ambiguous: {}", written, fmt::join(all_hits, ", ")),
        "write Kind/namespace/name");
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string guess = suggest_name(ref.name, names);
  if (!guess.empty()) fail(where, "unknown workload '{}', did you mean '{}'?", written, guess);
  throw InputError(where, fmt::format("unknown workload '{}'", written),
                   names.empty() ? "the manifests define no Deployment, StatefulSet or DaemonSet "
                                   "in the simulated namespaces"
                                 : fmt::format("workloads: {}", fmt::join(names, ", ")));
}

}  // namespace

WorkloadRef resolve_workload(const WorkloadRef& ref, const Manifests& manifests,
                             const std::vector<std::string>& namespaces,
                             const SourceLocation& where) {
  const std::vector<Candidate> all = workload_candidates(manifests, namespaces);
  const Candidate& c = find_workload(all, ref, where);
  return WorkloadRef{c.kind, c.ns, c.name};
}

WorkloadRef resolve_pod_workload(const WorkloadRef& ref, const Manifests& manifests,
                                 const std::vector<std::string>& namespaces,
                                 const SourceLocation& where) {
  const std::vector<Candidate> all = pod_workload_candidates(manifests, namespaces);
  const Candidate& c = find_workload(all, ref, where);
  return WorkloadRef{c.kind, c.ns, c.name};
}

std::string resolve_hpa(const std::string& ns, const std::string& name, const Manifests& manifests,
                        const std::vector<std::string>& namespaces, const SourceLocation& where) {
  std::vector<std::string> hits, names;
  for (const HorizontalPodAutoscaler& h : manifests.horizontal_pod_autoscalers) {
    if (!in_scope(namespaces, h.metadata.ns)) continue;
    const std::string full = h.metadata.ns + "/" + h.metadata.name;
    names.push_back(ns.empty() ? h.metadata.name : full);
    if (h.metadata.name == name && (ns.empty() || h.metadata.ns == ns)) hits.push_back(full);
  }
  const std::string written = ns.empty() ? name : ns + "/" + name;
  if (hits.size() == 1) return hits.front();
  if (hits.size() > 1) {
    throw InputError(where,
                     fmt::format("HPA '{}' is ambiguous: {}", written, fmt::join(hits, ", ")),
                     "write namespace/name");
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string guess = suggest_name(written, names);
  if (!guess.empty()) fail(where, "unknown HPA '{}', did you mean '{}'?", written, guess);
  throw InputError(where, fmt::format("unknown HPA '{}'", written),
                   names.empty() ? "the manifests define no HorizontalPodAutoscaler in the "
                                   "simulated namespaces"
                                 : fmt::format("HPAs: {}", fmt::join(names, ", ")));
}

namespace {

// hpa.h's object_metric_key(), "Ingress/main:requests-per-second" (lib/scenario
// does not link lib/hpa; the parser tests pin the two to the same form).
std::string object_key(const MetricSpec& m) {
  return fmt::format("{}/{}:{}", m.described_object.kind, m.described_object.name, m.metric_name);
}

// hpaMetrics: each metric must be one of the HPA's metrics of that type.
void check_hpa_metric_names(const HPAMetricsSpec& spec, const HorizontalPodAutoscaler& hpa) {
  for (const auto& [key, where] : spec.sources) {
    const size_t slash = key.find('/');
    const std::string group = key.substr(0, slash), name = key.substr(slash + 1);
    const std::string type = group == "pods" ? "Pods" : group == "object" ? "Object" : "External";
    std::vector<std::string> known;
    for (const MetricSpec& m : hpa.metrics) {
      if (m.type == type) known.push_back(type == "Object" ? object_key(m) : m.metric_name);
    }
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::vector<std::string> all;
    for (const MetricSpec& m : hpa.metrics) {
      if (m.type == "Pods" || m.type == "External") all.push_back(m.type + " " + m.metric_name);
      if (m.type == "Object") all.push_back("Object " + object_key(m));
    }
    std::string guess = suggest_name(name, known);
    throw InputError(where,
                     fmt::format("HorizontalPodAutoscaler {}/{} has no {} metric '{}'{}",
                                 hpa.metadata.ns, hpa.metadata.name, type, name,
                                 guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
                     all.empty() ? "it has no Pods, Object or External metric"
                                 : fmt::format("its metrics: {}", fmt::join(all, ", ")));
  }
}

// The pods the cluster's nodes can hold at once: the `pods` allocatable
// summed over the pools' nodes and the Nodes of the manifests (whose
// allocatable falls back to capacity, then to 110, as the scheduler reads it).
// Example: 2 pools of 3 and 2 e2-standard-2 nodes (110 pods each): 550.
// An autoscaled pool counts at its max; a Karpenter NodePool at the most nodes its limits
// allow of its densest offering, and never more than kMaxNodesPerPool nodes, the cap of
// a NodePool without limits. (nullopt is kept for a bound that cannot be computed.)
std::optional<int64_t> pod_capacity(const Scenario& scenario, const Manifests& manifests) {
  int64_t total = 0;
  for (const NodePool& pool : scenario.node_pools) {
    total +=
        int64_t{pool.max.value_or(pool.count)} * std::max<int64_t>(allocatable(pool.shape).pods, 0);
  }
  if (scenario.karpenter.enabled) {
    for (const KarpenterNodePool& np : scenario.karpenter.node_pools) {
      int64_t most = 0;
      for (const KarpenterOffering& o : np.offerings) {
        const MachineShape& shape = scenario.node_pools[o.pool].shape;
        int64_t nodes = kMaxNodesPerPool;
        if (np.limit_cpu_milli && shape.capacity.cpu_milli > 0) {
          nodes = std::min(nodes, *np.limit_cpu_milli / shape.capacity.cpu_milli);
        }
        if (np.limit_memory && shape.capacity.memory > 0) {
          nodes = std::min(nodes, *np.limit_memory / shape.capacity.memory);
        }
        most = std::max(most, nodes * std::max<int64_t>(allocatable(shape).pods, 0));
      }
      total += most;
    }
  }
  for (const Node& node : manifests.nodes) {
    int64_t pods = kDefaultMaxPods;
    if (auto it = node.allocatable.find("pods"); it != node.allocatable.end()) {
      pods = it->second.value();
    } else if (auto c = node.capacity.find("pods"); c != node.capacity.end()) {
      pods = c->second.value();
    }
    total += std::clamp<int64_t>(pods, 0, INT32_MAX);  // as the scheduler's snapshot reads it
  }
  return total;
}

// A workload whose spec.replicas exceed the pods every node together can
// hold can never run: refused before the engine creates (and tries to
// schedule, again and again) pods that have nowhere to go. An HPA's
// maxReplicas above that is not refused: the HPA may never get there, and a
// run that does shows the Pending pods and the HPA held at the cluster's
// limit, which is what a sizing run is for (kMaxPodsPerRun bounds it).
void check_pod_capacity(const Scenario& scenario, const Manifests& manifests) {
  const std::optional<int64_t> bound = pod_capacity(scenario, manifests);
  if (!bound) return;
  const int64_t capacity = *bound;
  for (const ReplicaDemand& d : replica_demands(manifests)) {
    if (!in_scope(scenario.namespaces, d.ns)) continue;
    // An HPA raises spec.replicas to its minReplicas at its first sync
    // (horizontal.go: currentReplicas < minReplicas -> desired = minReplicas),
    // unless the workload is scaled to zero (then the HPA does nothing).
    if (d.replicas > 0 && d.hpa_min_replicas > capacity && d.hpa_min_replicas > d.replicas) {
      throw InputError(
          d.hpa_min_source,
          fmt::format("{} cannot fit the cluster: its HorizontalPodAutoscaler's minReplicas {} "
                      "(the replicas it scales to at once) but its nodes hold at most {} pods "
                      "(the pods allocatable summed over {}'s node pools and Nodes)",
                      d.display(), d.hpa_min_replicas, capacity, scenario.file),
          fmt::format(
              "lower the HPA's spec.minReplicas to {} or fewer, or add nodes "
              "(cluster.nodePools[].count) or pods per node (cluster.nodePools[].pods) in {}",
              capacity, scenario.file));
    }
    if (d.replicas <= capacity) continue;
    throw InputError(
        d.source,
        fmt::format("{} cannot fit the cluster: spec.replicas {} but its nodes hold at most {} "
                    "pods (the pods allocatable summed over {}'s node pools and Nodes)",
                    d.display(), d.replicas, capacity, scenario.file),
        fmt::format("lower spec.replicas to {} or fewer, or add nodes (cluster.nodePools[].count) "
                    "or pods per node (cluster.nodePools[].pods) in {}",
                    capacity, scenario.file));
  }
}

}  // namespace

std::vector<std::string> scenario_capacity_warnings(const Scenario& scenario,
                                                    const Manifests& manifests) {
  std::vector<std::string> out;
  const std::optional<int64_t> bound = pod_capacity(scenario, manifests);
  if (!bound) return out;
  for (const ReplicaDemand& d : replica_demands(manifests)) {
    if (!in_scope(scenario.namespaces, d.ns) || d.hpa_max_replicas <= *bound) continue;
    out.push_back(fmt::format(
        "{}: warning: {}'s HorizontalPodAutoscaler may scale it to maxReplicas {} but the nodes "
        "of {} hold at most {} pods: driven there, the run holds {} or more pods Pending, which "
        "takes time and memory; lower spec.maxReplicas to {} or add nodes to see them run",
        d.hpa_source.to_string(), d.display(), d.hpa_max_replicas, scenario.file, *bound,
        d.hpa_max_replicas - *bound, *bound));
  }
  return out;
}

void check_scenario_references(const Scenario& scenario, const Manifests& manifests) {
  check_pod_capacity(scenario, manifests);
  (void)build_service_graph(manifests, scenario.load);

  // hpaMetrics: each names one HPA, once, and metrics it has.
  std::map<std::string, const SourceLocation*> hpas_seen;
  for (const HPAMetricsSpec& spec : scenario.hpa_metrics) {
    const std::string key =
        resolve_hpa(spec.ns, spec.name, manifests, scenario.namespaces, spec.source);
    auto [it, fresh] = hpas_seen.emplace(key, &spec.source);
    if (!fresh) {
      fail(spec.source, "hpaMetrics: {} is given twice (first at line {})", key, it->second->line);
    }
    for (const HorizontalPodAutoscaler& h : manifests.horizontal_pod_autoscalers) {
      if (h.metadata.ns + "/" + h.metadata.name == key) check_hpa_metric_names(spec, h);
    }
  }

  // kubelet.workloads: each names one workload, once.
  if (!scenario.kubelet_workloads.empty()) {
    const std::vector<Candidate> all = pod_workload_candidates(manifests, scenario.namespaces);
    std::map<std::string, const SourceLocation*> seen;
    for (const KubeletWorkloadTiming& t : scenario.kubelet_workloads) {
      const std::string key = find_workload(all, t.workload, t.source).display();
      auto [it, fresh] = seen.emplace(key, &t.source);
      if (!fresh) {
        fail(t.source, "kubelet.workloads: {} is given twice (first at line {})", key,
             it->second->line);
      }
    }
  }

  const std::vector<Candidate> workloads = workload_candidates(manifests, scenario.namespaces);
  std::vector<std::string> node_names;
  std::set<std::string> zones;
  for (const NodePool& pool : scenario.node_pools) {
    for (int32_t i = 0; i < pool.count; ++i)
      node_names.push_back(fmt::format("{}-{}", pool.name, i));
    zones.insert(pool.zones.begin(), pool.zones.end());
  }
  for (const Node& node : manifests.nodes) {
    node_names.push_back(node.metadata.name);
    if (auto z = node.metadata.labels.find("topology.kubernetes.io/zone");
        z != node.metadata.labels.end()) {
      zones.insert(z->second);
    }
  }
  for (const TimelineEvent& e : scenario.timeline) {
    switch (e.kind) {
      case TimelineKind::kLoad:
        break;
      case TimelineKind::kRollout: {
        const Candidate& c = find_workload(workloads, e.workload, e.source);
        if (e.container.empty()) break;
        std::vector<std::string> containers;
        for (const Container& k : c.tmpl->spec.containers) containers.push_back(k.name);
        for (const Container& k : c.tmpl->spec.init_containers) containers.push_back(k.name);
        if (std::find(containers.begin(), containers.end(), e.container) != containers.end()) break;
        std::string guess = closest_match(e.container, containers);
        throw InputError(
            e.source,
            fmt::format("{} has no container '{}'{}", c.display(), e.container,
                        guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
            fmt::format("containers: {}", fmt::join(containers, ", ")));
      }
      default:
        if (!e.node.empty() &&
            std::find(node_names.begin(), node_names.end(), e.node) == node_names.end()) {
          std::string guess = closest_match(e.node, node_names);
          throw InputError(
              e.source,
              fmt::format("{}: unknown node '{}'{}", to_string(e.kind), e.node,
                          guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
              "pool nodes are named <pool>-0, <pool>-1, ... up to the pool's count");
        }
        if (!e.zone.empty() && zones.count(e.zone) == 0) {
          std::vector<std::string> known(zones.begin(), zones.end());
          std::string guess = closest_match(e.zone, known);
          throw InputError(
              e.source,
              fmt::format("{}: no node is in zone '{}'{}", to_string(e.kind), e.zone,
                          guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
              known.empty() ? "no node pool lists zones"
                            : fmt::format("zones: {}", fmt::join(known, ", ")));
        }
    }
  }
  if (scenario.claims) {
    for (const ScalingClaim& claim : scenario.claims->scaling) {
      for (const auto& [name, replicas] : claim.replicas) {
        (void)find_workload(workloads, WorkloadRef{"", "", name}, claim.source);
      }
    }
  }
}

}  // namespace simcluster
