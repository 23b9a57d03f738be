// The Deployment controller's decisions, as pure functions.
//
// Mirrors k8s pkg/controller/deployment/{deployment_controller.go,sync.go,
// rolling.go,recreate.go,progress.go} and
// pkg/controller/deployment/util/deployment_util.go (spec §2).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/workload.h"

namespace simcluster {

namespace {

constexpr int32_t kMaxInt32 = std::numeric_limits<int32_t>::max();

// ---------------------------------------------------------------- small sums

int32_t sum_spec(std::span<const RSView> rss) {
  int32_t total = 0;
  for (const auto& rs : rss) total += rs.replicas;
  return total;
}

template <typename Range>
int32_t sum_spec_ptrs(const Range& rss) {
  int32_t total = 0;
  for (const RSView* rs : rss) total += rs->replicas;
  return total;
}

// old RSs followed by the new RS (when there is one), as upstream's
// append(oldRSs, newRS) (a nil newRS is skipped by every helper).
std::vector<const RSView*> all_of(const RSView* new_rs, std::span<const RSView> old_rss) {
  std::vector<const RSView*> all;
  all.reserve(old_rss.size() + 1);
  for (const auto& rs : old_rss) all.push_back(&rs);
  if (new_rs != nullptr) all.push_back(new_rs);
  return all;
}

// controller.FilterActiveReplicaSets: spec.replicas > 0, order kept.
std::vector<const RSView*> active_of(const std::vector<const RSView*>& rss) {
  std::vector<const RSView*> active;
  for (const RSView* rs : rss) {
    if (rs->replicas > 0) active.push_back(rs);
  }
  return active;
}

bool has_progress_deadline(const DeploymentView& d) {
  return d.progress_deadline_seconds.has_value() && *d.progress_deadline_seconds != kMaxInt32;
}

bool has_revision_history_limit(const DeploymentView& d) {
  return d.revision_history_limit.has_value() && *d.revision_history_limit != kMaxInt32;
}

RSScale make_scale(const DeploymentView& d, const std::string& name, int32_t replicas) {
  return RSScale{.name = name,
                 .replicas = replicas,
                 .desired_annotation = d.replicas,
                 .max_annotation = d.replicas + max_surge(d)};
}

// deployment_util.go ReplicasAnnotationsNeedUpdate.
bool annotations_need_update(const DeploymentView& d, const RSView& rs) {
  return rs.desired_replicas_annotation != d.replicas ||
         rs.max_replicas_annotation != d.replicas + max_surge(d);
}

// controller_utils.go ReplicaSetsBySizeNewer: larger first, ties newer first.
bool by_size_newer(const RSView* a, const RSView* b) {
  if (a->replicas == b->replicas) return rs_created_before(*b, *a);
  return a->replicas > b->replicas;
}

// controller_utils.go ReplicaSetsBySizeOlder: larger first, ties older first.
bool by_size_older(const RSView* a, const RSView* b) {
  if (a->replicas == b->replicas) return rs_created_before(*a, *b);
  return a->replicas > b->replicas;
}

// deployment_util.go ReplicaSetsByRevision: revision ascending, ties by creation.
bool by_revision(const RSView* a, const RSView* b) {
  if (a->revision == b->revision) return rs_created_before(*a, *b);
  return a->revision < b->revision;
}

// k8s.io/utils integer.RoundToInt32(num / den): half away from zero, exact.
// Example: 5/2 -> 3, -5/2 -> -3, 30/7 -> 4.
int64_t round_half_away(int64_t num, int64_t den) {
  const bool negative = (num < 0) != (den < 0);
  const int64_t a = num < 0 ? -num : num;
  const int64_t b = den < 0 ? -den : den;
  const int64_t q = (2 * a + b) / (2 * b);
  return negative ? -q : q;
}

// deployment_util.go SetDeploymentCondition: a no-op when status and reason
// are unchanged; lastTransitionTime kept when only the reason changes.
void set_condition(std::optional<DeploymentCondition>& slot, ConditionStatus status,
                   std::string_view reason, SimTime now) {
  if (slot && slot->status == status && slot->reason == reason) return;
  DeploymentCondition c{.status = status,
                        .reason = std::string(reason),
                        .last_update = api_time(now),
                        .last_transition = api_time(now)};
  if (slot && slot->status == status) c.last_transition = slot->last_transition;
  slot = c;
}

// deployment_util.go FindActiveOrLatest.
const RSView* find_active_or_latest(const RSView* new_rs, std::span<const RSView> old_rss) {
  if (new_rs == nullptr && old_rss.empty()) return nullptr;
  std::vector<const RSView*> newest_first;
  for (const auto& rs : old_rss) newest_first.push_back(&rs);
  std::sort(newest_first.begin(), newest_first.end(),
            [](const RSView* a, const RSView* b) { return rs_created_before(*b, *a); });
  std::vector<const RSView*> all = newest_first;
  if (new_rs != nullptr) all.push_back(new_rs);
  const auto active = active_of(all);
  if (active.empty()) return new_rs != nullptr ? new_rs : newest_first.front();
  if (active.size() == 1) return active.front();
  return nullptr;
}

}  // namespace

// ================================================================ helpers

SimTime api_time(SimTime t) {
  int64_t ms = t.ms();
  int64_t s = ms / 1000;
  if (ms % 1000 != 0 && ms < 0) --s;
  return SimTime::from_seconds(s);
}

int32_t scaled_value_from_int_or_percent(const IntOrPercent& value, int32_t total, bool round_up) {
  if (!value.is_percent) return value.value;
  const int64_t product = static_cast<int64_t>(value.value) * total;
  int64_t q = product / 100;
  const int64_t r = product % 100;
  if (r != 0) {
    // floor / ceil for either sign (percentages are validated >= 0 upstream)
    if (product > 0 && round_up) ++q;
    if (product < 0 && !round_up) --q;
  }
  return static_cast<int32_t>(q);
}

bool is_pod_available(bool ready, std::optional<SimTime> ready_since, int32_t min_ready_seconds,
                      SimTime now) {
  if (!ready) return false;
  if (min_ready_seconds == 0) return true;
  if (!ready_since) return false;
  return api_time(*ready_since) + std::chrono::seconds(min_ready_seconds) < now;
}

// ================================================================ Deployment

DeploymentView deployment_view(const Deployment& d, int64_t generation) {
  DeploymentView v;
  v.name = d.metadata.name;
  v.generation = generation;
  v.replicas = d.replicas.value_or(1);
  v.strategy = d.strategy.type == "Recreate" ? DeploymentStrategyType::kRecreate
                                             : DeploymentStrategyType::kRollingUpdate;
  v.max_surge = d.strategy.max_surge;
  v.max_unavailable = d.strategy.max_unavailable;
  v.min_ready_seconds = d.min_ready_seconds;
  v.progress_deadline_seconds = d.progress_deadline_seconds == kMaxInt32
                                    ? std::nullopt
                                    : std::optional<int32_t>(d.progress_deadline_seconds);
  v.revision_history_limit = d.revision_history_limit == kMaxInt32
                                 ? std::nullopt
                                 : std::optional<int32_t>(d.revision_history_limit);
  v.paused = d.paused;
  return v;
}

bool rs_created_before(const RSView& a, const RSView& b) {
  const SimTime ta = api_time(a.created);
  const SimTime tb = api_time(b.created);
  if (ta == tb) return a.name < b.name;
  return ta < tb;
}

Fenceposts resolve_fenceposts(const IntOrPercent& max_surge, const IntOrPercent& max_unavailable,
                              int32_t desired) {
  Fenceposts f{.surge = scaled_value_from_int_or_percent(max_surge, desired, true),
               .unavailable = scaled_value_from_int_or_percent(max_unavailable, desired, false)};
  if (f.surge == 0 && f.unavailable == 0) f.unavailable = 1;
  return f;
}

int32_t max_surge(const DeploymentView& d) {
  if (d.strategy != DeploymentStrategyType::kRollingUpdate) return 0;
  return resolve_fenceposts(d.max_surge, d.max_unavailable, d.replicas).surge;
}

int32_t max_unavailable(const DeploymentView& d) {
  if (d.strategy != DeploymentStrategyType::kRollingUpdate || d.replicas == 0) return 0;
  return std::min(resolve_fenceposts(d.max_surge, d.max_unavailable, d.replicas).unavailable,
                  d.replicas);
}

int32_t min_available(const DeploymentView& d) {
  if (d.strategy != DeploymentStrategyType::kRollingUpdate) return 0;
  return d.replicas - max_unavailable(d);
}

// ------------------------------------------------------------ rolling update

int32_t new_rs_new_replicas(const DeploymentView& d, std::span<const RSView> all_rss,
                            const RSView& new_rs) {
  if (d.strategy == DeploymentStrategyType::kRecreate) return d.replicas;
  // Mirrors deployment_util.go NewRSNewReplicas: GetScaledValueFromIntOrPercent
  // directly (no fencepost bump), rounded up.
  const int32_t surge = scaled_value_from_int_or_percent(d.max_surge, d.replicas, true);
  const int32_t current = sum_spec(all_rss);
  const int32_t max_total = d.replicas + surge;
  if (current >= max_total) return new_rs.replicas;
  const int32_t scale_up = std::min(max_total - current, d.replicas - new_rs.replicas);
  return new_rs.replicas + scale_up;
}

std::optional<int32_t> reconcile_new_replica_set(const DeploymentView& d,
                                                 std::span<const RSView> all_rss,
                                                 const RSView& new_rs) {
  if (new_rs.replicas == d.replicas) return std::nullopt;
  if (new_rs.replicas > d.replicas) return d.replicas;
  const int32_t target = new_rs_new_replicas(d, all_rss, new_rs);
  if (target == new_rs.replicas) return std::nullopt;  // scaleReplicaSetAndRecordEvent: no-op
  return target;
}

OldRSReconcile cleanup_unhealthy_replicas(const DeploymentView& d, std::span<const RSView> old_rss,
                                          int32_t max_cleanup) {
  OldRSReconcile out;
  std::vector<const RSView*> old;
  for (const auto& rs : old_rss) old.push_back(&rs);
  std::sort(old.begin(), old.end(),
            [](const RSView* a, const RSView* b) { return rs_created_before(*a, *b); });
  for (const RSView* rs : old) {
    if (out.cleaned_up >= max_cleanup) break;
    if (rs->replicas == 0) continue;
    if (rs->replicas == rs->available_replicas) continue;
    const int32_t k = std::min(max_cleanup - out.cleaned_up, rs->replicas - rs->available_replicas);
    const int32_t target = rs->replicas - k;
    if (target > rs->replicas) {
      out.error = "when cleaning up unhealthy replicas, got invalid request to scale down " +
                  rs->name + " " + std::to_string(rs->replicas) + " -> " + std::to_string(target);
      return out;
    }
    out.scales.push_back(make_scale(d, rs->name, target));
    out.cleaned_up += k;
  }
  return out;
}

OldRSReconcile scale_down_old_replica_sets(const DeploymentView& d, std::span<const RSView> old_rss,
                                           const RSView* new_rs) {
  OldRSReconcile out;
  const int32_t min_avail = d.replicas - max_unavailable(d);
  int32_t available = 0;
  for (const RSView* rs : all_of(new_rs, old_rss)) available += rs->available_replicas;
  if (available <= min_avail) return out;

  std::vector<const RSView*> old;
  for (const auto& rs : old_rss) old.push_back(&rs);
  std::sort(old.begin(), old.end(),
            [](const RSView* a, const RSView* b) { return rs_created_before(*a, *b); });
  const int32_t budget = available - min_avail;
  for (const RSView* rs : old) {
    if (out.scaled_down >= budget) break;
    if (rs->replicas == 0) continue;
    const int32_t k = std::min(rs->replicas, budget - out.scaled_down);
    out.scales.push_back(make_scale(d, rs->name, rs->replicas - k));
    out.scaled_down += k;
  }
  return out;
}

OldRSReconcile reconcile_old_replica_sets(const DeploymentView& d, std::span<const RSView> old_rss,
                                          const RSView& new_rs) {
  OldRSReconcile out;
  std::vector<RSView> old;
  for (const auto& rs : old_rss) {
    if (rs.replicas > 0) old.push_back(rs);  // FilterActiveReplicaSets
  }
  const int32_t old_pods = sum_spec(old);
  if (old_pods == 0) return out;

  const int32_t all_pods = old_pods + new_rs.replicas;
  const int32_t min_avail = d.replicas - max_unavailable(d);
  const int32_t new_unavailable = new_rs.replicas - new_rs.available_replicas;
  const int32_t max_scaled_down = all_pods - min_avail - new_unavailable;
  if (max_scaled_down <= 0) return out;

  // Unavailable old pods go first; the scale-down then sees the cleaned sizes.
  out = cleanup_unhealthy_replicas(d, old, max_scaled_down);
  if (!out.error.empty()) return out;
  for (const auto& s : out.scales) {
    for (auto& rs : old) {
      if (rs.name == s.name) rs.replicas = s.replicas;
    }
  }
  OldRSReconcile down = scale_down_old_replica_sets(d, old, &new_rs);
  for (auto& s : down.scales) out.scales.push_back(std::move(s));
  out.scaled_down = down.scaled_down;
  return out;
}

// ------------------------------------------------------ proportional scaling

bool is_scaling_event(const DeploymentView& d, const RSView* new_rs,
                      std::span<const RSView> old_rss) {
  for (const RSView* rs : active_of(all_of(new_rs, old_rss))) {
    if (rs->desired_replicas_annotation && *rs->desired_replicas_annotation != d.replicas) {
      return true;
    }
  }
  return false;
}

bool is_saturated(const DeploymentView& d, const RSView* rs) {
  if (rs == nullptr || !rs->desired_replicas_annotation) return false;
  return rs->replicas == d.replicas && *rs->desired_replicas_annotation == d.replicas &&
         rs->available_replicas == d.replicas;
}

int32_t replica_set_fraction(const RSView& rs, const DeploymentView& d,
                             int32_t deployment_status_replicas) {
  if (d.replicas == 0) return -rs.replicas;
  const int64_t target = static_cast<int64_t>(d.replicas) + max_surge(d);
  int64_t before = rs.max_replicas_annotation.value_or(0);
  if (before == 0) {
    before = deployment_status_replicas;
    if (before == 0) return 0;  // cannot estimate
  }
  const int64_t size = round_half_away(static_cast<int64_t>(rs.replicas) * target, before);
  return static_cast<int32_t>(size - rs.replicas);
}

int32_t replica_set_proportion(const RSView& rs, const DeploymentView& d, int32_t to_add,
                               int32_t added, int32_t deployment_status_replicas) {
  if (rs.replicas == 0 || to_add == 0 || to_add == added) return 0;
  const int32_t fraction = replica_set_fraction(rs, d, deployment_status_replicas);
  const int32_t allowed = to_add - added;
  return to_add > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
}

std::vector<RSScale> proportional_scale(const DeploymentView& d, const RSView* new_rs,
                                        std::span<const RSView> old_rss,
                                        int32_t deployment_status_replicas) {
  std::vector<RSScale> out;
  if (const RSView* one = find_active_or_latest(new_rs, old_rss)) {
    if (one->replicas != d.replicas) out.push_back(make_scale(d, one->name, d.replicas));
    return out;
  }
  if (is_saturated(d, new_rs)) {
    std::vector<const RSView*> old;
    for (const auto& rs : old_rss) old.push_back(&rs);
    for (const RSView* rs : active_of(old)) out.push_back(make_scale(d, rs->name, 0));
    return out;
  }
  if (d.strategy != DeploymentStrategyType::kRollingUpdate) return out;

  auto active = active_of(all_of(new_rs, old_rss));
  const int32_t allowed = d.replicas > 0 ? d.replicas + max_surge(d) : 0;
  const int32_t to_add = allowed - sum_spec_ptrs(active);
  if (to_add > 0) std::sort(active.begin(), active.end(), by_size_newer);
  if (to_add < 0) std::sort(active.begin(), active.end(), by_size_older);

  std::vector<int32_t> size(active.size());
  int32_t added = 0;
  for (size_t i = 0; i < active.size(); ++i) {
    const int32_t p = to_add != 0 ? replica_set_proportion(*active[i], d, to_add, added,
                                                           deployment_status_replicas)
                                  : 0;
    size[i] = active[i]->replicas + p;
    added += p;
  }
  for (size_t i = 0; i < active.size(); ++i) {
    if (i == 0 && to_add != 0) size[i] = std::max(0, size[i] + (to_add - added));
    // scaleReplicaSet: writes when the size or the annotations change.
    if (size[i] != active[i]->replicas || annotations_need_update(d, *active[i])) {
      out.push_back(make_scale(d, active[i]->name, size[i]));
    }
  }
  return out;
}

// ------------------------------------------------------------------- cleanup

std::vector<std::string> replica_sets_to_clean_up(const DeploymentView& d,
                                                  std::span<const RSView> old_rss) {
  std::vector<std::string> out;
  if (!has_revision_history_limit(d)) return out;
  std::vector<const RSView*> cleanable;
  for (const auto& rs : old_rss) {
    if (!rs.being_deleted) cleanable.push_back(&rs);
  }
  const int64_t diff = static_cast<int64_t>(cleanable.size()) - *d.revision_history_limit;
  if (diff <= 0) return out;
  std::sort(cleanable.begin(), cleanable.end(), by_revision);
  for (int64_t i = 0; i < diff; ++i) {
    const RSView& rs = *cleanable[static_cast<size_t>(i)];
    if (rs.status_replicas != 0 || rs.replicas != 0 || !rs.status_observed || rs.being_deleted) {
      continue;
    }
    out.push_back(rs.name);
  }
  return out;
}

// ------------------------------------------------------- status and progress

bool deployment_complete(const DeploymentView& d, const DeploymentStatusView& s) {
  return s.updated_replicas == d.replicas && s.replicas == d.replicas &&
         s.available_replicas == d.replicas && s.observed_generation >= d.generation;
}

bool deployment_progressing(const DeploymentStatusView& stored, const DeploymentStatusView& next) {
  const int32_t stored_old = stored.replicas - stored.updated_replicas;
  const int32_t next_old = next.replicas - next.updated_replicas;
  return next.updated_replicas > stored.updated_replicas || next_old < stored_old ||
         next.ready_replicas > stored.ready_replicas ||
         next.available_replicas > stored.available_replicas;
}

bool deployment_timed_out(const DeploymentView& d, const DeploymentStatusView& s, SimTime now) {
  if (!has_progress_deadline(d) || !s.progressing) return false;
  const DeploymentCondition& c = *s.progressing;
  if (c.reason == kReasonNewRSAvailable) return false;
  if (c.reason == kReasonProgressDeadlineExceeded) return true;
  return api_time(c.last_update) + std::chrono::seconds(*d.progress_deadline_seconds) < now;
}

DeploymentStatusView calculate_status(const DeploymentView& d, const RSView* new_rs,
                                      std::span<const RSView> old_rss,
                                      const DeploymentStatusView& stored, SimTime now) {
  DeploymentStatusView s;
  int32_t total_spec = 0;
  for (const RSView* rs : all_of(new_rs, old_rss)) {
    s.replicas += rs->status_replicas;
    s.ready_replicas += rs->ready_replicas;
    s.available_replicas += rs->available_replicas;
    total_spec += rs->replicas;
  }
  s.observed_generation = d.generation;
  s.updated_replicas = new_rs != nullptr ? new_rs->status_replicas : 0;
  s.unavailable_replicas = std::max(0, total_spec - s.available_replicas);
  s.progressing = stored.progressing;
  s.available = stored.available;
  if (s.available_replicas >= d.replicas - max_unavailable(d)) {
    set_condition(s.available, ConditionStatus::kTrue, kReasonMinimumReplicasAvailable, now);
  } else {
    set_condition(s.available, ConditionStatus::kFalse, kReasonMinimumReplicasUnavailable, now);
  }
  return s;
}

RolloutStatusResult sync_rollout_status(const DeploymentView& d, const RSView* new_rs,
                                        std::span<const RSView> old_rss,
                                        const DeploymentStatusView& stored, SimTime now) {
  RolloutStatusResult out;
  DeploymentStatusView next = calculate_status(d, new_rs, old_rss, stored, now);
  if (!has_progress_deadline(d)) next.progressing.reset();

  const auto& current = stored.progressing;
  const bool is_complete =
      next.replicas == next.updated_replicas && current && current->reason == kReasonNewRSAvailable;
  if (has_progress_deadline(d) && !is_complete) {
    if (deployment_complete(d, next)) {
      set_condition(next.progressing, ConditionStatus::kTrue, kReasonNewRSAvailable, now);
    } else if (deployment_progressing(stored, next)) {
      // progress.go: refresh lastUpdateTime on every sync that shows progress,
      // keeping lastTransitionTime when the condition was already True.
      DeploymentCondition c{.status = ConditionStatus::kTrue,
                            .reason = std::string(kReasonReplicaSetUpdated),
                            .last_update = api_time(now),
                            .last_transition = api_time(now)};
      if (current && current->status == ConditionStatus::kTrue) {
        c.last_transition = current->last_transition;
      }
      next.progressing = c;
    } else if (deployment_timed_out(d, next, now)) {
      set_condition(next.progressing, ConditionStatus::kFalse, kReasonProgressDeadlineExceeded,
                    now);
    }
  }

  out.changed = next != stored;
  out.status = next;
  if (out.changed) return out;

  // requeueStuckDeployment.
  if (!has_progress_deadline(d) || !current) return out;
  if (deployment_complete(d, next) || current->reason == kReasonProgressDeadlineExceeded) {
    return out;
  }
  const SimTime deadline =
      api_time(current->last_update) + std::chrono::seconds(*d.progress_deadline_seconds);
  const SimDuration after = deadline - now;
  if (after < std::chrono::seconds(1)) {
    out.requeue_after = SimDuration(0);
  } else {
    out.requeue_after = after + std::chrono::seconds(1);
  }
  return out;
}

bool old_pods_running(std::span<const RSView> old_rss) {
  int32_t actual = 0;
  for (const auto& rs : old_rss) actual += rs.status_replicas;
  if (actual > 0) return true;
  return std::any_of(old_rss.begin(), old_rss.end(),
                     [](const RSView& rs) { return rs.live_pods > 0; });
}

// ------------------------------------------------------------------ one sync

namespace {

// The mutable state of one sync: the RSs as upstream holds them, the status
// as stored so far (intermediate status writes included), and the plan.
struct SyncState {
  const DeploymentView& d;
  SimTime now;
  DeploymentPlan plan;
  DeploymentStatusView stored;  // d.Status, including writes made earlier in this sync
  std::vector<RSView> old;      // sorted oldest first, as FindNewReplicaSet leaves rsList
  std::optional<RSView> new_rs;

  const RSView* new_ptr() const { return new_rs ? &*new_rs : nullptr; }
};

// sync.go getAllReplicaSetsAndSyncRevision / getNewReplicaSet.
void sync_revision(SyncState& st, bool create_if_missing) {
  const DeploymentView& d = st.d;
  int64_t max_old = 0;
  for (const auto& rs : st.old) max_old = std::max(max_old, rs.revision);
  const int64_t new_revision = max_old + 1;

  if (st.new_rs) {
    if (st.new_rs->revision < new_revision) {
      // SetNewReplicaSetAnnotations changed the RS: upstream updates it and
      // returns at once (the Progressing condition waits for a later sync).
      st.plan.new_rs_revision = new_revision;
      st.new_rs->revision = new_revision;
      return;
    }
    if (has_progress_deadline(d) && !st.stored.progressing) {
      set_condition(st.stored.progressing, ConditionStatus::kTrue, kReasonFoundNewRS, st.now);
    }
    return;
  }
  if (!create_if_missing) return;

  RSView created;
  created.created = st.now;
  created.revision = new_revision;
  std::vector<RSView> all = st.old;
  all.push_back(created);
  created.replicas = new_rs_new_replicas(d, all, created);
  created.desired_replicas_annotation = d.replicas;
  created.max_replicas_annotation = d.replicas + max_surge(d);
  created.matches_template = true;
  st.plan.create_new_rs = NewRSCreation{.replicas = created.replicas,
                                        .revision = new_revision,
                                        .desired_annotation = d.replicas,
                                        .max_annotation = d.replicas + max_surge(d)};
  st.new_rs = created;
  if (has_progress_deadline(d)) {
    set_condition(st.stored.progressing, ConditionStatus::kTrue, kReasonNewRSCreated, st.now);
  }
}

// deployment_controller.go checkPausedConditions.
void check_paused_conditions(SyncState& st) {
  if (!has_progress_deadline(st.d)) return;
  const auto& cond = st.stored.progressing;
  if (cond && cond->reason == kReasonProgressDeadlineExceeded) return;
  const bool paused_exists = cond && cond->reason == kReasonPaused;
  if (st.d.paused && !paused_exists) {
    set_condition(st.stored.progressing, ConditionStatus::kUnknown, kReasonPaused, st.now);
  } else if (!st.d.paused && paused_exists) {
    set_condition(st.stored.progressing, ConditionStatus::kUnknown, kReasonResumed, st.now);
  }
}

// sync.go syncDeploymentStatus (no progress estimation, no requeue).
void finish_with_plain_status(SyncState& st, const DeploymentStatusView& original) {
  st.plan.status = calculate_status(st.d, st.new_ptr(), st.old, st.stored, st.now);
  st.plan.status_changed = st.plan.status != original;
}

// progress.go syncRolloutStatus over the RSs as read at the start of the step.
void finish_with_rollout_status(SyncState& st, const DeploymentStatusView& original,
                                const RSView* new_rs, std::span<const RSView> old) {
  RolloutStatusResult r = sync_rollout_status(st.d, new_rs, old, st.stored, st.now);
  st.plan.status = r.status;
  st.plan.status_changed = r.status != original;
  st.plan.requeue_after = r.requeue_after;
}

void rollout_rolling(SyncState& st, const DeploymentStatusView& original) {
  sync_revision(st, /*create_if_missing=*/true);
  const RSView& new_rs = *st.new_rs;
  std::vector<RSView> all = st.old;
  all.push_back(new_rs);

  if (auto target = reconcile_new_replica_set(st.d, all, new_rs)) {
    // Never the RS created above: it is created at NewRSNewReplicas already.
    SIMCLUSTER_CHECK(!st.plan.create_new_rs, "new RS {} rescaled in its creating sync", *target);
    st.plan.scales.push_back(make_scale(st.d, new_rs.name, *target));
    finish_with_rollout_status(st, original, &new_rs, st.old);
    return;
  }
  OldRSReconcile old = reconcile_old_replica_sets(st.d, st.old, new_rs);
  for (auto& s : old.scales) st.plan.scales.push_back(std::move(s));
  if (old.scaled()) {
    finish_with_rollout_status(st, original, &new_rs, st.old);
    return;
  }
  if (deployment_complete(st.d, st.stored)) {
    st.plan.deletions = replica_sets_to_clean_up(st.d, st.old);
  }
  finish_with_rollout_status(st, original, &new_rs, st.old);
}

void rollout_recreate(SyncState& st, const DeploymentStatusView& original) {
  sync_revision(st, /*create_if_missing=*/false);
  bool scaled_down = false;
  for (const auto& rs : st.old) {
    if (rs.replicas > 0) {
      st.plan.scales.push_back(make_scale(st.d, rs.name, 0));
      scaled_down = true;
    }
  }
  if (scaled_down || old_pods_running(st.old)) {
    finish_with_rollout_status(st, original, st.new_ptr(), st.old);
    return;
  }
  if (!st.new_rs) {
    sync_revision(st, /*create_if_missing=*/true);
  } else if (st.new_rs->replicas != st.d.replicas) {
    st.plan.scales.push_back(make_scale(st.d, st.new_rs->name, st.d.replicas));
  }
  if (deployment_complete(st.d, st.stored)) {
    st.plan.deletions = replica_sets_to_clean_up(st.d, st.old);
  }
  finish_with_rollout_status(st, original, st.new_ptr(), st.old);
}

}  // namespace

DeploymentPlan sync_deployment(const DeploymentSyncInput& input, SimTime now) {
  const DeploymentView& d = input.deployment;
  SyncState st{.d = d, .now = now, .plan = {}, .stored = input.status, .old = {}, .new_rs = {}};

  // FindNewReplicaSet: the oldest RS whose template matches; all others are old.
  std::vector<size_t> order(input.replica_sets.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return rs_created_before(input.replica_sets[a], input.replica_sets[b]);
  });
  for (size_t i : order) {
    const RSView& rs = input.replica_sets[i];
    if (!st.new_rs && rs.matches_template) {
      st.new_rs = rs;
      st.plan.new_rs_index = i;
    } else {
      st.old.push_back(rs);
    }
  }

  const DeploymentStatusView& original = input.status;
  if (d.being_deleted) {
    st.plan.path = DeploymentSyncPath::kStatusOnly;
    sync_revision(st, false);
    finish_with_plain_status(st, original);
    return st.plan;
  }

  check_paused_conditions(st);
  if (d.paused || is_scaling_event(d, st.new_ptr(), st.old)) {
    st.plan.path = DeploymentSyncPath::kSync;
    sync_revision(st, false);
    st.plan.scales = proportional_scale(d, st.new_ptr(), st.old, st.stored.replicas);
    if (d.paused) st.plan.deletions = replica_sets_to_clean_up(d, st.old);
    finish_with_plain_status(st, original);
    return st.plan;
  }

  if (d.strategy == DeploymentStrategyType::kRecreate) {
    st.plan.path = DeploymentSyncPath::kRecreate;
    rollout_recreate(st, original);
  } else {
    st.plan.path = DeploymentSyncPath::kRollingUpdate;
    rollout_rolling(st, original);
  }
  return st.plan;
}

}  // namespace simcluster
