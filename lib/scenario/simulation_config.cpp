// Scenario -> SimulationConfig (declared in simulator.h, defined here because
// it only copies the scenario's settings and resolves its references), and the
// report-sample limit both the scenario parser and the engine check.
#include <fmt/format.h>

#include <algorithm>

#include "simcluster/scenario.h"
#include "simcluster/simulator.h"

namespace simcluster {
namespace {

// format_duration with whole days first, as scenarios may write them: "366d", "2d7h33m20s".
std::string days_and_time(SimDuration d) {
  constexpr int64_t kDay = 86'400'000;
  if (d.count() < kDay) return format_duration(d);
  const SimDuration rest(d.count() % kDay);
  return fmt::format("{}d{}", d.count() / kDay, rest.count() == 0 ? "" : format_duration(rest));
}

TimelineAction to_action(TimelineKind kind) {
  switch (kind) {
    case TimelineKind::kRollout:
      return TimelineAction::kRollout;
    case TimelineKind::kFailNode:
      return TimelineAction::kFailNode;
    case TimelineKind::kRecoverNode:
      return TimelineAction::kRecoverNode;
    case TimelineKind::kCordon:
      return TimelineAction::kCordon;
    case TimelineKind::kUncordon:
      return TimelineAction::kUncordon;
    case TimelineKind::kDrain:
      return TimelineAction::kDrain;
    case TimelineKind::kRemoveNode:
    case TimelineKind::kLoad:
      break;
  }
  return TimelineAction::kRemoveNode;
}

}  // namespace

SimDuration min_sample_interval(SimDuration duration) {
  const int64_t ms = std::max<int64_t>(duration.count(), 0);
  const int64_t at_least = (ms + kMaxReportSamples - 1) / kMaxReportSamples;
  return SimDuration(std::max<int64_t>((at_least + 999) / 1000, 1) * 1000);
}

std::string too_many_samples(SimDuration duration, SimDuration sample_interval, std::string* hint) {
  if (sample_interval.count() <= 0 || duration / sample_interval <= kMaxReportSamples) return {};
  if (hint != nullptr) {
    *hint = fmt::format(
        "raise sampleInterval to {} or more, or shorten duration to {} or less (a run keeps at "
        "most {} report samples in memory)",
        days_and_time(min_sample_interval(duration)),
        days_and_time(sample_interval * kMaxReportSamples), kMaxReportSamples);
  }
  return fmt::format("duration {} sampled every {} makes {} report samples; the limit is {}",
                     days_and_time(duration), days_and_time(sample_interval),
                     duration / sample_interval, kMaxReportSamples);
}

std::string_view to_string(StartMode mode) {
  return mode == StartMode::kSteady ? "steady" : "cold";
}

void use_cluster_dump(Scenario& scenario, const std::string& dump_path) {
  scenario.manifests = {dump_path};
  scenario.manifest_sources = {SourceLocation{"--cluster-from " + dump_path}};
  scenario.node_pools.clear();
  scenario.cluster_from_manifests = true;
}

std::vector<NodePool> dump_node_pools(const Scenario& scenario, std::vector<Node>& nodes) {
  std::vector<NodePool> pools = node_pools_from_nodes(nodes);
  if (pools.empty()) {
    throw InputError(scenario.source,
                     "cluster.fromManifests: the manifests have no Nodes to make the cluster of",
                     "load a dump that includes them: kubectl get nodes,deployments,... -A -o "
                     "yaml");
  }
  return pools;
}

SimulationConfig to_simulation_config(const Scenario& scenario, Manifests manifests,
                                      const LoadSource* load) {
  check_scenario_references(scenario, manifests);
  SimulationConfig cfg;
  cfg.name = scenario.name;
  cfg.file = scenario.file;
  cfg.namespaces = scenario.namespaces;
  cfg.node_pools = scenario.node_pools;
  cfg.autoscaler = scenario.autoscaler;
  cfg.karpenter = scenario.karpenter;
  if (scenario.cluster_from_manifests) {
    cfg.cluster_from_manifests = true;
    cfg.node_pools = dump_node_pools(scenario, manifests.nodes);
    // With cluster.autoscaler, every inferred pool is a node group the
    // autoscaler may shrink to 1 node or grow to kDumpPoolMax (bound the
    // whole with cluster.autoscaler.maxNodesTotal).
    if (cfg.autoscaler.enabled) {
      for (NodePool& p : cfg.node_pools) {
        p.min = std::min(p.count, 1);
        p.max = std::max(p.count, kDumpPoolMax);
      }
    }
  }
  cfg.scheduler = scenario.scheduler;
  cfg.scheduling_queue = scenario.scheduling_queue;
  cfg.duration = scenario.duration;
  cfg.seed = scenario.seed;
  cfg.sample_interval = scenario.sample_interval;
  cfg.metrics_resolution = scenario.metrics_resolution;
  cfg.hpa = scenario.hpa;
  cfg.kubelet = scenario.kubelet;
  cfg.kubelet.idle_cpu_milli = scenario.load.defaults.idle_cpu_milli;
  for (const KubeletWorkloadTiming& t : scenario.kubelet_workloads) {
    // The engine's key: "Kind/ns/name", as World::make_template names workloads.
    WorkloadRef w = resolve_pod_workload(t.workload, manifests, scenario.namespaces, t.source);
    cfg.kubelet.workloads[w.kind + "/" + w.ns + "/" + w.name] = t.timing;
  }
  cfg.node_lifecycle = scenario.node_lifecycle;
  cfg.jobs = scenario.jobs;
  for (const HPAMetricsSpec& spec : scenario.hpa_metrics) {
    cfg.hpa_metrics[resolve_hpa(spec.ns, spec.name, manifests, scenario.namespaces, spec.source)] =
        spec.values;
  }
  cfg.slo_latency_ms = scenario.slo.latency_ms;
  cfg.fit = scenario.fit;
  cfg.start = scenario.cluster_from_manifests ? "dump" : std::string(to_string(scenario.start));
  cfg.load = load;
  for (const TimelineEvent& e : scenario.timeline) {
    if (e.kind == TimelineKind::kLoad) continue;  // the LoadSource applies load changes
    SimTimelineEvent out;
    out.at = e.at;
    out.action = to_action(e.kind);
    out.source = e.source;
    if (e.kind == TimelineKind::kRollout) {
      WorkloadRef w = resolve_workload(e.workload, manifests, scenario.namespaces, e.source);
      out.kind = w.kind;
      out.ns = w.ns;
      out.name = w.name;
      out.container = e.container;
      out.image = e.image;
      out.fault = e.fault;
    } else {
      out.node = e.node;
      out.zone = e.zone;
    }
    cfg.timeline.push_back(std::move(out));
  }
  cfg.manifests = std::move(manifests);
  return cfg;
}

}  // namespace simcluster
