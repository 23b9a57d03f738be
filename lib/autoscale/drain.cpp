// Pods as cluster-autoscaler reads them, node utilization and drainability.
// Mirrors kubernetes/autoscaler cluster-autoscaler/simulator/utilization/info.go
// (Calculate, CalculateUtilizationOfResource), utils/drain/drain.go (IsPodLongTerminating,
// IsPodTerminal, HasBlockingLocalStorage, the safe-to-evict annotations), utils/pod
// (IsDaemonSetPod, IsMirrorPod), simulator/drainability/rules/ (rules.go Default and each
// rule) and simulator/drain.go (GetPodsToMove). See autoscaler.h for the contract.
#include <fmt/format.h>

#include <array>

#include "simcluster/autoscaler.h"

namespace simcluster {

namespace {

constexpr std::string_view kSafeToEvict = "cluster-autoscaler.kubernetes.io/safe-to-evict";
constexpr std::string_view kSafeToEvictLocalVolumes =
    "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";
constexpr std::string_view kDaemonSetPodAnnotation =
    "cluster-autoscaler.kubernetes.io/daemonset-pod";
constexpr std::string_view kMirrorAnnotation = "kubernetes.io/config.mirror";
constexpr SimDuration kLongTerminatingExtra{30'000};  // PodLongTerminatingExtraThreshold

std::string_view annotation(const AutoscalerPod& p, std::string_view key) {
  auto it = p.annotations.find(std::string(key));
  return it == p.annotations.end() ? std::string_view() : std::string_view(it->second);
}

bool safe_to_evict(const AutoscalerPod& p) { return annotation(p, kSafeToEvict) == "true"; }
bool not_safe_to_evict(const AutoscalerPod& p) { return annotation(p, kSafeToEvict) == "false"; }

}  // namespace

AutoscalerPod make_autoscaler_pod(const Pod& pod) {
  AutoscalerPod p;
  p.name = pod.metadata.name;
  if (!pod.metadata.ns.empty()) p.ns = pod.metadata.ns;
  p.labels = pod.metadata.labels;
  p.annotations = pod.metadata.annotations;
  for (const OwnerReference& o : pod.metadata.owner_references) {
    if (!o.controller) continue;
    p.controller_kind = o.kind;
    p.controller_name = o.name;
    break;
  }
  p.requests = pod_requests(pod.spec);
  p.restart_policy = pod.spec.restart_policy;
  if (pod.spec.termination_grace_period_seconds) {
    p.termination_grace_period_seconds = *pod.spec.termination_grace_period_seconds;
  }
  for (const Volume& v : pod.spec.volumes) {
    p.volumes.push_back(
        {v.name, v.empty_dir ? PodVolume::Kind::kEmptyDir : PodVolume::Kind::kOther});
  }
  return p;
}

bool is_daemonset_pod(const AutoscalerPod& p) {
  return p.controller_kind == "DaemonSet" || annotation(p, kDaemonSetPodAnnotation) == "true";
}

bool is_mirror_pod(const AutoscalerPod& p) {
  return p.annotations.contains(std::string(kMirrorAnnotation));
}

bool is_pod_long_terminating(const AutoscalerPod& p, SimTime now) {
  if (!p.deletion_time) return false;
  const SimTime limit = *p.deletion_time + SimDuration(p.termination_grace_period_seconds * 1000) +
                        kLongTerminatingExtra;
  return limit < now;
}

bool is_pod_terminal(const AutoscalerPod& p) {
  if (p.restart_policy == "Never" && (p.phase == "Succeeded" || p.phase == "Failed")) return true;
  if (p.restart_policy == "OnFailure" && p.phase == "Succeeded") return true;
  return p.phase == "Failed";
}

bool has_blocking_local_storage(const AutoscalerPod& p) {
  // getNonBlockingVolumes: the annotation split on ",", names taken as they are.
  const std::string_view listed = annotation(p, kSafeToEvictLocalVolumes);
  auto non_blocking = [&](const std::string& name) {
    if (listed.empty()) return false;
    size_t start = 0;
    while (true) {
      const size_t comma = listed.find(',', start);
      const std::string_view item =
          listed.substr(start, comma == std::string_view::npos ? listed.npos : comma - start);
      if (item == name) return true;
      if (comma == std::string_view::npos) return false;
      start = comma + 1;
    }
  };
  for (const PodVolume& v : p.volumes) {
    const bool local = v.kind == PodVolume::Kind::kHostPath || v.kind == PodVolume::Kind::kEmptyDir;
    if (local && !non_blocking(v.name)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- utilization

namespace {

// CalculateUtilizationOfResource for one resource; get(r) reads the amount of a Resources.
template <typename Get>
std::optional<double> utilization_of(const Resources& allocatable,
                                     std::span<const AutoscalerPod> pods,
                                     const UtilizationOptions& o, SimTime now, Get get,
                                     bool milli_already) {
  const int64_t scale = milli_already ? 1 : 1000;  // Quantity.MilliValue()
  const int64_t alloc = get(allocatable) * scale;
  if (alloc == 0) return std::nullopt;
  int64_t requested = 0;
  int64_t ignored = 0;
  for (const AutoscalerPod& p : pods) {
    const int64_t v = get(p.requests) * scale;
    if (o.skip_daemonset_pods && is_daemonset_pod(p)) {
      ignored += v;
      continue;
    }
    if (o.skip_mirror_pods && is_mirror_pod(p)) {
      ignored += v;
      continue;
    }
    if (is_pod_long_terminating(p, now)) continue;
    requested += v;
  }
  return static_cast<double>(requested) / static_cast<double>(alloc - ignored);
}

}  // namespace

std::optional<UtilizationInfo> node_utilization(const Resources& allocatable,
                                                std::span<const AutoscalerPod> pods,
                                                const UtilizationOptions& o, SimTime now) {
  UtilizationInfo info;
  if (!o.gpu_resource.empty()) {
    const std::string& name = o.gpu_resource;
    auto get = [&](const Resources& r) {
      auto it = r.extended.find(name);
      return it == r.extended.end() ? int64_t{0} : it->second;
    };
    info.resource_name = name;
    // An unready GPU (no allocatable yet) reports 0, so the node can still be removed.
    info.gpu = utilization_of(allocatable, pods, o, now, get, false).value_or(0.0);
    info.utilization = info.gpu;
    return info;
  }
  auto cpu = utilization_of(
      allocatable, pods, o, now, [](const Resources& r) { return r.cpu_milli; }, true);
  if (!cpu) return std::nullopt;
  auto mem = utilization_of(
      allocatable, pods, o, now, [](const Resources& r) { return r.memory; }, false);
  if (!mem) return std::nullopt;
  info.cpu = *cpu;
  info.memory = *mem;
  if (info.cpu > info.memory) {
    info.resource_name = "cpu";
    info.utilization = info.cpu;
  } else {
    info.resource_name = "memory";
    info.utilization = info.memory;
  }
  return info;
}

// ---------------------------------------------------------------- drainability

std::string_view blocking_pod_reason_name(BlockingPodReason r) {
  static constexpr std::array<std::string_view, 9> kNames = {"NoReason",
                                                             "ControllerNotFound",
                                                             "MinReplicasReached",
                                                             "NotReplicated",
                                                             "LocalStorageRequested",
                                                             "NotSafeToEvictAnnotation",
                                                             "UnmovableKubeSystemPod",
                                                             "NotEnoughPdb",
                                                             "UnexpectedError"};
  return kNames[static_cast<size_t>(r)];
}

namespace {

DrainStatus blocked(BlockingPodReason r, std::string message) {
  return {DrainOutcome::kBlockDrain, r, std::move(message)};
}

bool pdb_matches(const RemainingPdb& pdb, const AutoscalerPod& p) {
  return pdb.ns == p.ns && selector_matches(pdb.selector, p.labels);
}

}  // namespace

DrainStatus pod_drainability(const AutoscalerPod& p, std::span<const RemainingPdb> pdbs,
                             const DrainOptions& o, SimTime now) {
  // mirror, longterminating: nothing to drain.
  if (is_mirror_pod(p)) return {DrainOutcome::kSkipDrain, BlockingPodReason::kNoReason, ""};
  if (is_pod_long_terminating(p, now)) {
    return {DrainOutcome::kSkipDrain, BlockingPodReason::kNoReason, ""};
  }
  // Interrupting checks: daemonset, safetoevict, terminal.
  if (is_daemonset_pod(p) || safe_to_evict(p) || is_pod_terminal(p)) {
    return {DrainOutcome::kDrainOk, BlockingPodReason::kNoReason, ""};
  }
  // replicated
  bool replicated = !p.controller_kind.empty();
  if (o.skip_nodes_with_custom_controller_pods && replicated) {
    const std::string& k = p.controller_kind;
    if ((k == "ReplicaSet" || k == "ReplicationController") && p.controller_replicas &&
        *p.controller_replicas < o.min_replica_count) {
      return blocked(BlockingPodReason::kMinReplicasReached,
                     fmt::format("replication controller for {}/{} has too few replicas spec: "
                                 "{} min: {}",
                                 p.ns, p.name, *p.controller_replicas, o.min_replica_count));
    }
    replicated =
        k == "ReplicationController" || k == "Job" || k == "ReplicaSet" || k == "StatefulSet";
  }
  if (!replicated) {
    return blocked(BlockingPodReason::kNotReplicated,
                   fmt::format("{}/{} is not replicated", p.ns, p.name));
  }
  // system
  if (o.skip_nodes_with_system_pods && p.ns == "kube-system") {
    bool has_pdb = false;
    for (const RemainingPdb& pdb : pdbs) has_pdb |= pdb_matches(pdb, p);
    if (!has_pdb) {
      return blocked(
          BlockingPodReason::kUnmovableKubeSystemPod,
          fmt::format("non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: {}",
                      p.name));
    }
  }
  // notsafetoevict
  if (not_safe_to_evict(p)) {
    return blocked(BlockingPodReason::kNotSafeToEvictAnnotation,
                   fmt::format("pod annotated as not safe to evict present: {}", p.name));
  }
  // localstorage
  if (o.skip_nodes_with_local_storage && has_blocking_local_storage(p)) {
    return blocked(BlockingPodReason::kLocalStorageRequested,
                   fmt::format("pod with local storage present: {}", p.name));
  }
  // pdb
  for (const RemainingPdb& pdb : pdbs) {
    if (pdb_matches(pdb, p) && pdb.disruptions_allowed < 1) {
      return blocked(BlockingPodReason::kNotEnoughPdb,
                     fmt::format("not enough pod disruption budget to move {}/{}", p.ns, p.name));
    }
  }
  return {};
}

PodsToMove pods_to_move(std::span<const AutoscalerPod> pods, std::span<const RemainingPdb> pdbs,
                        const DrainOptions& o, SimTime now) {
  PodsToMove out;
  for (size_t i = 0; i < pods.size(); ++i) {
    DrainStatus st = pod_drainability(pods[i], pdbs, o, now);
    switch (st.outcome) {
      case DrainOutcome::kUndefined:
      case DrainOutcome::kDrainOk:
        (is_daemonset_pod(pods[i]) ? out.daemonset_pods : out.pods).push_back(i);
        break;
      case DrainOutcome::kBlockDrain:
        out.pods.clear();
        out.daemonset_pods.clear();
        out.blocking_pod = i;
        out.blocking = std::move(st);
        return out;
      case DrainOutcome::kSkipDrain:
        break;
    }
  }
  return out;
}

}  // namespace simcluster
