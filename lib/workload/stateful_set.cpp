// The StatefulSet controller's decisions, as pure functions.
//
// Mirrors k8s pkg/controller/statefulset/stateful_set_control.go
// (updateStatefulSet, processReplica, processCondemned, runForAll,
// updateStatefulSetAfterInvariantEstablished, computeReplicaStatus) and
// stateful_set_utils.go (isHealthy, newVersionedStatefulSetPod,
// completeRollingUpdate, getStatefulSetMaxUnavailable,
// updateClaimOwnerRefForSetAndPod, getPersistentVolumeClaimName) (spec §3).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "simcluster/workload.h"

namespace simcluster {

namespace {

using Action = StatefulSetAction;
using Kind = StatefulSetAction::Kind;
using Reason = StatefulSetAction::Reason;

// One replica slot or condemned pod as upstream's updateStatefulSet sees it:
// an existing pod, or (created = false) the pod it would create.
struct Slot {
  bool created = false;
  int32_t ordinal = 0;
  std::string revision;
  PodPhase phase = PodPhase::kPending;
  bool ready = false;
  std::optional<SimTime> ready_since;
  bool terminating = false;
};

Slot slot_of(const StatefulPodView& p) {
  return Slot{.created = true,
              .ordinal = p.ordinal,
              .revision = p.revision,
              .phase = p.phase,
              .ready = p.ready,
              .ready_since = p.ready_since,
              .terminating = p.terminating};
}

bool is_running_and_ready(const Slot& s) {
  return s.created && s.phase == PodPhase::kRunning && s.ready;
}

// isRunningAndAvailable is IsPodAvailable (Ready for minReadySeconds).
bool is_available(const Slot& s, int32_t min_ready_seconds, SimTime now) {
  return s.created && is_pod_available(s.ready, s.ready_since, min_ready_seconds, now);
}

bool is_healthy(const Slot& s) { return is_running_and_ready(s) && !s.terminating; }

bool is_terminal(const Slot& s) {
  return s.created && (s.phase == PodPhase::kFailed || s.phase == PodPhase::kSucceeded);
}

Action create(int32_t ordinal, const std::string& revision) {
  return Action{
      .kind = Kind::kCreate, .reason = Reason::kMissing, .ordinal = ordinal, .revision = revision};
}
Action remove(int32_t ordinal, Reason why) {
  return Action{.kind = Kind::kDelete, .reason = why, .ordinal = ordinal, .revision = {}};
}
Action wait(int32_t ordinal, Reason why) {
  return Action{.kind = Kind::kWait, .reason = why, .ordinal = ordinal, .revision = {}};
}

std::string current_revision_of(const StatefulSetView& set) {
  return set.current_revision.empty() ? set.update_revision : set.current_revision;
}

}  // namespace

StatefulSetView stateful_set_view(const StatefulSet& s, std::string current_revision,
                                  std::string update_revision) {
  StatefulSetView v;
  v.name = s.metadata.name;
  v.replicas = s.replicas.value_or(1);
  v.pod_management_policy = s.pod_management_policy == "Parallel"
                                ? PodManagementPolicy::kParallel
                                : PodManagementPolicy::kOrderedReady;
  v.update_strategy = s.update_strategy_type == "OnDelete"
                          ? StatefulSetUpdateStrategy::kOnDelete
                          : StatefulSetUpdateStrategy::kRollingUpdate;
  v.partition = s.partition;
  v.max_unavailable = s.max_unavailable;
  v.min_ready_seconds = s.min_ready_seconds;
  v.current_revision = std::move(current_revision);
  v.update_revision = std::move(update_revision);
  v.when_deleted =
      s.pvc_when_deleted == "Delete" ? PVCRetentionPolicy::kDelete : PVCRetentionPolicy::kRetain;
  v.when_scaled =
      s.pvc_when_scaled == "Delete" ? PVCRetentionPolicy::kDelete : PVCRetentionPolicy::kRetain;
  return v;
}

std::string revision_for_new_pod(const StatefulSetView& set, int32_t ordinal) {
  if (set.update_strategy == StatefulSetUpdateStrategy::kRollingUpdate &&
      ordinal < set.ordinals_start + set.partition) {
    return current_revision_of(set);
  }
  return set.update_revision;
}

int32_t stateful_set_max_unavailable(const StatefulSetView& set) {
  const IntOrPercent value = set.max_unavailable.value_or(IntOrPercent{false, 1});
  return std::max(1, scaled_value_from_int_or_percent(value, set.replicas, false));
}

std::vector<StatefulSetAction> sync_stateful_set(const StatefulSetView& set,
                                                 std::span<const StatefulPodView> pods, SimTime now,
                                                 const std::set<int32_t>& stale_claim_ordinals) {
  std::vector<Action> out;
  const int32_t start = set.ordinals_start;
  const int32_t n = std::max(0, set.replicas);

  // Partition into replicas (by ordinal - start) and condemned (out of range).
  std::vector<std::optional<Slot>> replica_slots(static_cast<size_t>(n));
  std::vector<Slot> condemned;
  for (const auto& p : pods) {
    if (p.ordinal < 0) continue;  // no parseable ordinal: ignored
    if (p.ordinal >= start && p.ordinal < start + n) {
      replica_slots[static_cast<size_t>(p.ordinal - start)] = slot_of(p);
    } else {
      condemned.push_back(slot_of(p));
    }
  }
  std::vector<Slot> replicas;
  replicas.reserve(replica_slots.size());
  for (int32_t i = 0; i < n; ++i) {
    auto& s = replica_slots[static_cast<size_t>(i)];
    if (s) {
      replicas.push_back(*s);
    } else {
      Slot planned;
      planned.ordinal = start + i;
      planned.revision = revision_for_new_pod(set, start + i);
      replicas.push_back(planned);
    }
  }
  std::sort(condemned.begin(), condemned.end(),
            [](const Slot& a, const Slot& b) { return a.ordinal > b.ordinal; });

  // The first unhealthy replica by ordinal, else the lowest unhealthy condemned pod.
  std::optional<int32_t> first_unhealthy;
  for (const auto& s : replicas) {
    if (!is_healthy(s)) {
      first_unhealthy = s.ordinal;
      break;
    }
  }
  if (!first_unhealthy) {
    for (auto it = condemned.rbegin(); it != condemned.rend(); ++it) {
      if (!is_healthy(*it)) {
        first_unhealthy = it->ordinal;
        break;
      }
    }
  }

  if (set.being_deleted) return out;
  const bool monotonic = set.pod_management_policy == PodManagementPolicy::kOrderedReady;
  const int32_t min_ready = set.min_ready_seconds;

  // 1. processReplica over every slot; OrderedReady stops at the first block.
  for (const auto& s : replicas) {
    if (is_terminal(s)) {
      if (!s.terminating) {
        out.push_back(remove(s.ordinal, Reason::kFailed));
      } else if (monotonic) {
        out.push_back(wait(s.ordinal, Reason::kTerminating));
      }
      if (monotonic) return out;  // re-created on a later sync, once it is gone
      continue;
    }
    if (!s.created) {
      if (stale_claim_ordinals.count(s.ordinal) != 0) {
        if (monotonic) {
          out.push_back(wait(s.ordinal, Reason::kStaleClaim));
          return out;
        }
        continue;
      }
      out.push_back(create(s.ordinal, s.revision));
      if (monotonic) return out;
      continue;
    }
    if (!monotonic) continue;
    if (s.terminating) {
      out.push_back(wait(s.ordinal, Reason::kTerminating));
      return out;
    }
    if (!is_running_and_ready(s)) {
      out.push_back(wait(s.ordinal, Reason::kNotRunningReady));
      return out;
    }
    if (!is_available(s, min_ready, now)) {
      out.push_back(wait(s.ordinal, Reason::kNotAvailable));
      return out;
    }
  }

  // 2. processCondemned, highest ordinal first; OrderedReady: one per sync.
  for (const auto& c : condemned) {
    if (c.terminating) {
      if (monotonic) {
        out.push_back(wait(c.ordinal, Reason::kTerminating));
        return out;
      }
      continue;
    }
    const bool is_first_unhealthy = first_unhealthy && *first_unhealthy == c.ordinal;
    if (monotonic && !is_running_and_ready(c) && !is_first_unhealthy) {
      out.push_back(wait(c.ordinal, Reason::kNotRunningReady));
      return out;
    }
    if (monotonic && !is_available(c, min_ready, now) && !is_first_unhealthy) {
      out.push_back(wait(c.ordinal, Reason::kNotAvailable));
      return out;
    }
    out.push_back(remove(c.ordinal, Reason::kScaleDown));
    if (monotonic) return out;
  }

  // 3. OnDelete: pods change revision only when someone else deletes them.
  if (set.update_strategy == StatefulSetUpdateStrategy::kOnDelete) return out;

  const int32_t update_min = set.partition;  // an index into replicas, as upstream
  if (set.max_unavailable_gate) {
    // updateStatefulSetAfterInvariantEstablished.
    const int32_t max_unavailable = stateful_set_max_unavailable(set);
    int32_t unavailable = 0;
    std::optional<int32_t> highest_unhealthy;
    for (auto it = replicas.rbegin(); it != replicas.rend(); ++it) {
      if (!is_healthy(*it)) {
        ++unavailable;
        if (!highest_unhealthy) highest_unhealthy = it->ordinal;
      }
    }
    if (unavailable >= max_unavailable) {
      out.push_back(wait(*highest_unhealthy, Reason::kMaxUnavailable));
      return out;
    }
    int32_t deleted = 0;
    for (int32_t target = n - 1; target >= update_min && deleted < max_unavailable - unavailable;
         --target) {
      const Slot& s = replicas[static_cast<size_t>(target)];
      if (s.revision != set.update_revision && !s.terminating) {
        out.push_back(remove(s.ordinal, Reason::kUpdate));
        ++deleted;
      }
    }
    return out;
  }

  // 4. RollingUpdate: the highest ordinal not at the update revision, one at a time.
  for (int32_t target = n - 1; target >= update_min; --target) {
    const Slot& s = replicas[static_cast<size_t>(target)];
    if (s.revision != set.update_revision && !s.terminating) {
      out.push_back(remove(s.ordinal, Reason::kUpdate));
      return out;
    }
    if (!is_healthy(s)) {
      out.push_back(wait(s.ordinal, Reason::kUpdateUnhealthy));
      return out;
    }
  }
  return out;
}

StatefulSetStatusView stateful_set_status(const StatefulSetView& set,
                                          std::span<const StatefulPodView> pods, SimTime now) {
  StatefulSetStatusView st;
  st.current_revision = current_revision_of(set);
  st.update_revision = set.update_revision;
  for (const auto& p : pods) {
    if (p.ordinal < 0) continue;
    const Slot s = slot_of(p);
    ++st.replicas;
    if (is_running_and_ready(s)) {
      ++st.ready_replicas;
      if (is_available(s, set.min_ready_seconds, now)) ++st.available_replicas;
    }
    if (!s.terminating) {
      if (s.revision == st.current_revision) ++st.current_replicas;
      if (s.revision == st.update_revision) ++st.updated_replicas;
    }
  }
  // completeRollingUpdate.
  if (set.update_strategy == StatefulSetUpdateStrategy::kRollingUpdate &&
      st.updated_replicas == set.replicas && st.ready_replicas == set.replicas &&
      st.replicas == set.replicas) {
    st.current_replicas = st.updated_replicas;
    st.current_revision = st.update_revision;
  }
  return st;
}

std::string pvc_name(std::string_view claim_template, std::string_view set_name, int32_t ordinal) {
  std::string name;
  name.reserve(claim_template.size() + set_name.size() + 12);
  name.append(claim_template)
      .append("-")
      .append(set_name)
      .append("-")
      .append(std::to_string(ordinal));
  return name;
}

ClaimOwnership claim_ownership(const StatefulSetView& set, int32_t ordinal) {
  const bool scaled_down =
      ordinal < set.ordinals_start || ordinal >= set.ordinals_start + set.replicas;
  const bool delete_when_scaled = set.when_scaled == PVCRetentionPolicy::kDelete;
  const bool delete_when_deleted = set.when_deleted == PVCRetentionPolicy::kDelete;
  ClaimOwnership o;
  if (delete_when_scaled && scaled_down) {
    o.owned_by_pod = true;
  } else if (delete_when_deleted) {
    o.owned_by_set = true;
  }
  return o;
}

}  // namespace simcluster
