// The workload controllers' decision steps (Deployment, StatefulSet, and the
// ReplicaSet's choice of pods to delete), as pure functions over small value
// types the simulation engine fills from its object store.
//
// Mirrors kubernetes/kubernetes:
//   pkg/controller/deployment/{deployment_controller.go,sync.go,rolling.go,
//     recreate.go,progress.go}, pkg/controller/deployment/util/deployment_util.go
//   pkg/controller/statefulset/{stateful_set_control.go,stateful_set_utils.go}
//   pkg/controller/controller_utils.go (ActivePodsWithRanks, RS orderings)
//   pkg/controller/replicaset/replica_set.go (getPodsToDelete)
//   pkg/api/v1/pod/util.go (IsPodAvailable)
// The spec is /work/shared/spec/controllers.md; section numbers (§) refer to it.
//
// Contract:
//  * Nothing here reads a clock, a store or a global; time is the `now`
//    argument. Same inputs => same outputs, byte for byte.
//  * Nothing throws. A sync that fails upstream (e.g. a scale that would grow
//    an old RS during cleanup) is reported as data (`error`), after the actions
//    already issued, exactly where upstream returns its error.
//  * Timestamps: Kubernetes stores metav1.Time with one-second resolution, so
//    every comparison of stored timestamps (creation, Ready transition,
//    condition update) floors SimTime to whole seconds first (api_time()).
//    `now` keeps its milliseconds, as upstream's time.Now() keeps nanoseconds.
//  * Orderings break ties deliberately (by name, then input order), where
//    upstream's sort.Sort would leave them unspecified.
//
// Typical use by the engine (one Deployment sync):
//
//   DeploymentSyncInput in{.deployment = deployment_view(d, generation),
//                          .status = stored_status,
//                          .replica_sets = {...one RSView per owned RS...}};
//   DeploymentPlan p = sync_deployment(in, now);
//   if (p.create_new_rs) create RS (name from pod-template-hash) at p.create_new_rs->replicas;
//   for (auto& s : p.scales) set spec.replicas and the two annotations of RS s.name;
//   for (auto& n : p.deletions) delete RS n;
//   store p.status; if (p.requeue_after) schedule a sync at now + *p.requeue_after.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/hpa.h"  // PodPhase
#include "simcluster/objects.h"
#include "simcluster/time.h"

namespace simcluster {

// ============================================================ common helpers

// The stored (metav1.Time) form of a time: floored to whole seconds.
// Example: 100'999 ms -> 100'000 ms.
SimTime api_time(SimTime t);

// intstr.GetScaledValueFromIntOrPercent: an int is returned as is; "p%" of
// total is ceil(p*total/100) when round_up, else floor(p*total/100), computed
// in integers (identical to upstream's float64 math for int32 inputs).
// Example: 25% of 10 -> 3 (up) or 2 (down); 39% of 10 -> 4 (up) or 3 (down).
int32_t scaled_value_from_int_or_percent(const IntOrPercent& value, int32_t total, bool round_up);

// pkg/api/v1/pod/util.go IsPodAvailable: Ready and (minReadySeconds == 0 or
// api_time(ready_since) + minReadySeconds < now), strictly.
// Example: minReadySeconds 10, Ready since t=100 s: available at 110.001 s,
// not at 110 s. nullopt ready_since (zero time) is never available when
// minReadySeconds > 0.
bool is_pod_available(bool ready, std::optional<SimTime> ready_since, int32_t min_ready_seconds,
                      SimTime now);

// ============================================================ Deployment (§2)

enum class DeploymentStrategyType { kRollingUpdate, kRecreate };

// What the Deployment controller reads of a Deployment's spec and metadata.
struct DeploymentView {
  std::string name;
  int64_t generation = 1;  // metadata.generation (bumped by every spec change)
  int32_t replicas = 1;    // spec.replicas (defaulted)
  DeploymentStrategyType strategy = DeploymentStrategyType::kRollingUpdate;
  IntOrPercent max_surge{true, 25};        // only read for RollingUpdate
  IntOrPercent max_unavailable{true, 25};  // only read for RollingUpdate
  // Copied to the RSs; the engine counts RS availableReplicas with it
  // (is_pod_available). The decisions here read RS status only.
  int32_t min_ready_seconds = 0;
  // nullopt = no deadline (spec unset or MaxInt32): no Progressing condition.
  std::optional<int32_t> progress_deadline_seconds = 600;
  // nullopt = keep every old RS (spec unset or MaxInt32).
  std::optional<int32_t> revision_history_limit = 10;
  bool paused = false;
  bool being_deleted = false;  // deletionTimestamp set: status only
};

// Converts the typed object; `generation` is the engine's metadata.generation.
DeploymentView deployment_view(const Deployment& d, int64_t generation = 1);

// One ReplicaSet owned by the Deployment, as the controller reads it.
struct RSView {
  std::string name;
  SimTime created;                 // metadata.creationTimestamp (floored to seconds when compared)
  int32_t replicas = 0;            // spec.replicas
  int32_t status_replicas = 0;     // status.replicas: active pods (not terminating/terminal)
  int32_t ready_replicas = 0;      // status.readyReplicas
  int32_t available_replicas = 0;  // status.availableReplicas (ready for minReadySeconds)
  int32_t live_pods = 0;           // pods owned, terminating included, not Succeeded/Failed
  int64_t revision = 0;            // deployment.kubernetes.io/revision; 0 = missing
  std::optional<int32_t> desired_replicas_annotation;  // deployment.kubernetes.io/desired-replicas
  std::optional<int32_t> max_replicas_annotation;      // deployment.kubernetes.io/max-replicas
  bool matches_template = false;  // pod template == Deployment template (ignoring the hash label)
  bool status_observed = true;    // status.observedGeneration >= metadata.generation
  bool being_deleted = false;     // deletionTimestamp set
};

// ReplicaSetsByCreationTimestamp: older first (api_time), ties by name ascending.
bool rs_created_before(const RSView& a, const RSView& b);

// --------------------------------------------------------- fenceposts (§2.2)

struct Fenceposts {
  int32_t surge = 0;
  int32_t unavailable = 0;
  friend bool operator==(const Fenceposts&, const Fenceposts&) = default;
};

// deployment_util.go ResolveFenceposts: surge rounds up, unavailable rounds
// down; if both are 0, unavailable becomes 1 so a rollout can make progress.
// Examples: desired 10, 25%/25% -> {3, 2}; 39%/39% -> {4, 3}; 0%/0% -> {0, 1};
// desired 1, 25%/25% -> {1, 0} (surge != 0, so no bump).
Fenceposts resolve_fenceposts(const IntOrPercent& max_surge, const IntOrPercent& max_unavailable,
                              int32_t desired);

// deployment_util.go MaxSurge: resolved surge for RollingUpdate, else 0.
// Example: 10 replicas, 25% -> 3.
int32_t max_surge(const DeploymentView& d);
// deployment_util.go MaxUnavailable: min(resolved unavailable, replicas) for
// RollingUpdate with replicas > 0, else 0.
// Example: maxUnavailable 10 with 5 replicas -> 5; 60% of 10 -> 6.
int32_t max_unavailable(const DeploymentView& d);
// deployment_util.go MinAvailable: replicas - MaxUnavailable for RollingUpdate, else 0.
// Example: 10 replicas, 60% -> 4.
int32_t min_available(const DeploymentView& d);

// ------------------------------------------------------- rolling update (§2.4)

// deployment_util.go NewRSNewReplicas: the size the new RS may grow to now.
// RollingUpdate: current = Σ spec over all_rss; maxTotal = replicas + maxSurge;
//   current >= maxTotal -> new_rs.replicas, else
//   new_rs.replicas + min(maxTotal - current, replicas - new_rs.replicas).
// Recreate: replicas.
// Example: d=10, surge 2, old 5 + new 0 -> current 5, maxTotal 12 -> 0 + min(7, 10) = 7.
// REQUIRES: all_rss holds whatever upstream passes (normally old RSs + new RS).
int32_t new_rs_new_replicas(const DeploymentView& d, std::span<const RSView> all_rss,
                            const RSView& new_rs);

// A scale the controller writes: spec.replicas plus the two annotations
// scaleReplicaSet sets on every write (desired = d.replicas,
// max = d.replicas + MaxSurge(d)).
struct RSScale {
  std::string name;
  int32_t replicas = 0;
  int32_t desired_annotation = 0;
  int32_t max_annotation = 0;
  friend bool operator==(const RSScale&, const RSScale&) = default;
};

// rolling.go reconcileNewReplicaSet: nullopt when the new RS is already at
// d.replicas or cannot grow; else its new size (down to d.replicas when
// above it, else NewRSNewReplicas).
// Example: d=10, surge 2, old 10, new 2 -> current 12 >= 12 -> nullopt.
std::optional<int32_t> reconcile_new_replica_set(const DeploymentView& d,
                                                 std::span<const RSView> all_rss,
                                                 const RSView& new_rs);

// What reconcileOldReplicaSets did: the scales, in the order issued (an RS
// cleaned up and then scaled down is written twice; apply them in order).
struct OldRSReconcile {
  std::vector<RSScale> scales;
  int32_t cleaned_up = 0;   // removed by cleanupUnhealthyReplicas
  int32_t scaled_down = 0;  // removed by scaleDownOldReplicaSetsForRollingUpdate
  // Non-empty: an invalid scale (an old RS with more available pods than its
  // spec) stopped the step after `scales`. Upstream logs it and reports "not
  // scaled" (reconcileOldReplicaSets returns false, nil), so the sync goes on.
  std::string error;
  bool scaled() const { return error.empty() && cleaned_up + scaled_down > 0; }
};

// rolling.go cleanupUnhealthyReplicas: oldest RS first, scale away up to
// `max_cleanup` unavailable replicas (spec - available) in total. `old_rss`
// should be the active old RSs. Example: one old RS of 10 with 8 available,
// max_cleanup 3 -> cleaned_up 2 (old -> 8); max_cleanup 1 -> 1 (old -> 9).
OldRSReconcile cleanup_unhealthy_replicas(const DeploymentView& d, std::span<const RSView> old_rss,
                                          int32_t max_cleanup);

// rolling.go scaleDownOldReplicaSetsForRollingUpdate: available = Σ available
// over old_rss and new_rs (may be null); if available > d.replicas -
// MaxUnavailable, take the difference from old RSs, oldest first.
// Example: d=10, maxUnavailable 2, one old RS of 10 all available -> old -> 8.
OldRSReconcile scale_down_old_replica_sets(const DeploymentView& d, std::span<const RSView> old_rss,
                                           const RSView* new_rs);

// rolling.go reconcileOldReplicaSets with cleanupUnhealthyReplicas and
// scaleDownOldReplicaSetsForRollingUpdate. `old_rss` are the old RSs (active
// or not; inactive ones are filtered as upstream does). Worked example
// (d=10, maxSurge 0, maxUnavailable 2, one old RS of 10 with 9 available, new
// RS 0): minAvailable 8, maxScaledDown = 10 - 8 - 0 = 2; cleanup removes the 1
// unavailable (old -> 9); available 9 > 8 -> scale 1 more (old -> 8).
OldRSReconcile reconcile_old_replica_sets(const DeploymentView& d, std::span<const RSView> old_rss,
                                          const RSView& new_rs);

// ------------------------------------------------ proportional scaling (§2.6)

// sync.go isScalingEvent: some active RS (spec > 0) carries a desired-replicas
// annotation different from d.replicas.
bool is_scaling_event(const DeploymentView& d, const RSView* new_rs,
                      std::span<const RSView> old_rss);

// deployment_util.go IsSaturated: new RS spec == desired annotation ==
// available == d.replicas.
bool is_saturated(const DeploymentView& d, const RSView* rs);

// deployment_util.go getReplicaSetFraction: round_half_away(rs.replicas *
// (d.replicas + MaxSurge) / maxReplicasAnnotation) - rs.replicas, where a
// missing or 0 annotation falls back to d.status.replicas (status_replicas),
// and 0 there gives 0. d.replicas == 0 gives -rs.replicas.
// Example: d 100, surge 10, rs 50, annotation 130 -> round(42.3) - 50 = -8.
int32_t replica_set_fraction(const RSView& rs, const DeploymentView& d,
                             int32_t deployment_status_replicas);

// deployment_util.go GetProportion: the fraction, capped by what is left to
// add (min when adding, max when removing); 0 for an RS at 0 or when nothing
// is left.
// Example: to_add 3, added 2, fraction +1 -> 1; fraction +2 -> 1 (only 1 left).
int32_t replica_set_proportion(const RSView& rs, const DeploymentView& d, int32_t to_add,
                               int32_t added, int32_t deployment_status_replicas);

// sync.go scale(): resizes the RSs when d.replicas changed (or while paused).
// One active RS (or none: the newest) -> it gets d.replicas; saturated new RS
// -> active old RSs to 0; else (RollingUpdate only) the difference to
// d.replicas + MaxSurge is spread in proportion to each RS's share of its
// max-replicas annotation, largest first (ties newer first when adding, older
// first when removing), leftover to the first. Returns every write, in order
// (the proportional path rewrites every active RS, also to refresh annotations).
// Worked example (sync_test.go "proportional scaling: 7 -> 10", maxSurge 0):
// v3(new)=2, v2=3, v1=2, all annotated max 7 -> toAdd 3, order v2, v3, v1:
// v2 +1 (round 4.29), v3 +1 (round 2.86), v1 +1 (allowed 1) -> 3/4/3.
std::vector<RSScale> proportional_scale(const DeploymentView& d, const RSView* new_rs,
                                        std::span<const RSView> old_rss,
                                        int32_t deployment_status_replicas);

// ------------------------------------------------------------ cleanup (§2.9)

// sync.go cleanupDeployment: names of old RSs to delete, oldest revision first.
// diff = |old RSs not being deleted| - limit; of the first diff by revision
// (ties by creation), delete those with spec 0, status 0 and status observed.
// Example: limit 1, rev1 (1 replica), rev2 (0), rev3 (0) -> diff 2 -> {rev2}.
std::vector<std::string> replica_sets_to_clean_up(const DeploymentView& d,
                                                  std::span<const RSView> old_rss);

// ------------------------------------------------- status and progress (§2.8)

enum class ConditionStatus { kTrue, kFalse, kUnknown };

// A Deployment condition. Times are stored floored to seconds.
struct DeploymentCondition {
  ConditionStatus status = ConditionStatus::kUnknown;
  std::string reason;
  SimTime last_update;
  SimTime last_transition;
  friend bool operator==(const DeploymentCondition&, const DeploymentCondition&) = default;
};

// Reasons, as upstream spells them (deployment_util.go).
inline constexpr std::string_view kReasonNewRSAvailable = "NewReplicaSetAvailable";
inline constexpr std::string_view kReasonReplicaSetUpdated = "ReplicaSetUpdated";
inline constexpr std::string_view kReasonProgressDeadlineExceeded = "ProgressDeadlineExceeded";
inline constexpr std::string_view kReasonNewRSCreated = "NewReplicaSetCreated";
inline constexpr std::string_view kReasonFoundNewRS = "FoundNewReplicaSet";
inline constexpr std::string_view kReasonPaused = "DeploymentPaused";
inline constexpr std::string_view kReasonResumed = "DeploymentResumed";
inline constexpr std::string_view kReasonMinimumReplicasAvailable = "MinimumReplicasAvailable";
inline constexpr std::string_view kReasonMinimumReplicasUnavailable = "MinimumReplicasUnavailable";

// The Deployment's status as stored (what the engine keeps between syncs).
struct DeploymentStatusView {
  int64_t observed_generation = 0;
  int32_t replicas = 0;                            // Σ RS status.replicas
  int32_t updated_replicas = 0;                    // new RS status.replicas
  int32_t ready_replicas = 0;                      // Σ RS status.readyReplicas
  int32_t available_replicas = 0;                  // Σ RS status.availableReplicas
  int32_t unavailable_replicas = 0;                // max(0, Σ RS spec - available)
  std::optional<DeploymentCondition> available;    // type Available
  std::optional<DeploymentCondition> progressing;  // type Progressing
  friend bool operator==(const DeploymentStatusView&, const DeploymentStatusView&) = default;
};

// deployment_util.go DeploymentComplete: updated == available == replicas ==
// d.replicas and observed_generation >= d.generation.
// Example: d 5, (replicas 5, updated 5, available 4) -> false.
bool deployment_complete(const DeploymentView& d, const DeploymentStatusView& s);

// deployment_util.go DeploymentProgressing: compared with the stored status,
// updated grew, or old pods (replicas - updated) shrank, or ready grew, or
// available grew. Example: 10/4/6/6 -> 8/4/6/6 (replicas/updated/ready/avail) is progress.
bool deployment_progressing(const DeploymentStatusView& stored, const DeploymentStatusView& next);

// deployment_util.go DeploymentTimedOut, reading `s.progressing`: false without
// a deadline or condition or when the reason is NewReplicaSetAvailable; true
// when it is ProgressDeadlineExceeded; else api_time(last_update) + deadline < now.
// Example: deadline 10 s, last update 69 s, now 80 s -> true; last update 71 s -> false.
bool deployment_timed_out(const DeploymentView& d, const DeploymentStatusView& s, SimTime now);

// sync.go calculateStatus over new RS + old RSs, keeping `stored`'s
// conditions and setting Available (True iff available >= replicas -
// MaxUnavailable). Condition times set now are api_time(now).
DeploymentStatusView calculate_status(const DeploymentView& d, const RSView* new_rs,
                                      std::span<const RSView> old_rss,
                                      const DeploymentStatusView& stored, SimTime now);

// progress.go syncRolloutStatus (+ requeueStuckDeployment): the status to
// store after a rollout step, and when to come back.
struct RolloutStatusResult {
  DeploymentStatusView status;
  bool changed = false;  // status != stored: the engine writes it (which triggers a sync)
  // Only when unchanged: re-sync after this long for the deadline check; 0 =
  // now (upstream: rate-limited requeue). nullopt = no timer.
  // Example: last update 0 s, deadline 600 s, now 180 s -> 421 s (00:10:01).
  std::optional<SimDuration> requeue_after;
};
RolloutStatusResult sync_rollout_status(const DeploymentView& d, const RSView* new_rs,
                                        std::span<const RSView> old_rss,
                                        const DeploymentStatusView& stored, SimTime now);

// --------------------------------------------------------- one sync (§2.3)

// Everything one Deployment sync reads.
struct DeploymentSyncInput {
  DeploymentView deployment;
  DeploymentStatusView status;       // as stored
  std::vector<RSView> replica_sets;  // every RS the Deployment owns, any order
};

// The RS to create this sync (FindNewReplicaSet found none matching the template).
struct NewRSCreation {
  int32_t replicas = 0;  // NewRSNewReplicas with the new RS at 0
  int64_t revision = 0;  // max(old revisions) + 1
  int32_t desired_annotation = 0;
  int32_t max_annotation = 0;
};

enum class DeploymentSyncPath {
  kStatusOnly,  // being deleted
  kSync,        // paused or scaling event: proportional scale (+ cleanup if paused)
  kRollingUpdate,
  kRecreate,
};

// One sync's effects, to apply in this order: create, revision, scales, deletions, status.
struct DeploymentPlan {
  DeploymentSyncPath path = DeploymentSyncPath::kStatusOnly;
  // The new RS: index into input.replica_sets (FindNewReplicaSet: the oldest
  // RS matching the template), or nullopt (then maybe create_new_rs).
  std::optional<size_t> new_rs_index;
  std::optional<NewRSCreation> create_new_rs;
  // An existing new RS whose revision must be bumped to max(old)+1 (rollback).
  std::optional<int64_t> new_rs_revision;
  // Scales in the order issued. Never names the RS created this sync.
  std::vector<RSScale> scales;
  std::vector<std::string> deletions;  // revisionHistoryLimit cleanup
  DeploymentStatusView status;         // to store
  bool status_changed = false;
  std::optional<SimDuration> requeue_after;  // see RolloutStatusResult
  std::string error;  // non-empty: the sync failed after the actions above (rate-limited retry)
};

// deployment_controller.go syncDeployment: deleted -> status only; paused
// conditions; paused or isScalingEvent -> sync(); else Recreate or Rolling.
// Worked rollout (10 replicas, 25%/25%, new template, all 10 old available):
// sync 1 creates the new RS at 3 (current 10, maxTotal 13) and scales old 10 -> 8
// (maxScaledDown 13 - 8 - 3 = 2); sync 2 grows new 3 -> 5; sync 3 waits until
// new pods become available.
DeploymentPlan sync_deployment(const DeploymentSyncInput& input, SimTime now);

// recreate.go oldPodsRunning: Σ old status.replicas > 0 or any old live pod.
bool old_pods_running(std::span<const RSView> old_rss);

// ============================================================ StatefulSet (§3)

enum class PodManagementPolicy { kOrderedReady, kParallel };
enum class StatefulSetUpdateStrategy { kRollingUpdate, kOnDelete };
enum class PVCRetentionPolicy { kRetain, kDelete };

// What the StatefulSet controller reads of the set.
struct StatefulSetView {
  std::string name;
  int32_t replicas = 1;
  int32_t ordinals_start = 0;  // spec.ordinals.start
  PodManagementPolicy pod_management_policy = PodManagementPolicy::kOrderedReady;
  StatefulSetUpdateStrategy update_strategy = StatefulSetUpdateStrategy::kRollingUpdate;
  int32_t partition = 0;                        // rollingUpdate.partition
  std::optional<IntOrPercent> max_unavailable;  // rollingUpdate.maxUnavailable
  bool max_unavailable_gate = false;            // feature gate MaxUnavailableStatefulSet
  int32_t min_ready_seconds = 0;
  std::string current_revision;  // status.currentRevision ("" = same as update)
  std::string update_revision;   // revision of the current spec
  PVCRetentionPolicy when_deleted = PVCRetentionPolicy::kRetain;
  PVCRetentionPolicy when_scaled = PVCRetentionPolicy::kRetain;
  bool being_deleted = false;
};

StatefulSetView stateful_set_view(const StatefulSet& s, std::string current_revision,
                                  std::string update_revision);

// One existing pod of the set (pods whose name has no ordinal are not passed).
struct StatefulPodView {
  int32_t ordinal = 0;
  std::string revision;  // controller-revision-hash label
  PodPhase phase = PodPhase::kPending;
  bool ready = false;                  // Ready condition True
  std::optional<SimTime> ready_since;  // Ready lastTransitionTime
  bool terminating = false;            // deletionTimestamp set
};

struct StatefulSetAction {
  enum class Kind { kCreate, kDelete, kWait };
  enum class Reason {
    kMissing,          // create: ordinal has no pod
    kFailed,           // delete: phase Failed or Succeeded (re-created later)
    kScaleDown,        // delete: ordinal out of range, highest first
    kUpdate,           // delete: revision != update revision (RollingUpdate)
    kTerminating,      // wait: pod is terminating
    kNotRunningReady,  // wait: pod not Running and Ready
    kNotAvailable,     // wait: Ready but not for minReadySeconds
    kStaleClaim,       // wait: a PVC still owned by a previous pod incarnation
    kUpdateUnhealthy,  // wait: rolling update waits for this pod to be healthy
    kMaxUnavailable,   // wait: maxUnavailable budget used up (gate on)
  };
  Kind kind = Kind::kWait;
  Reason reason = Reason::kMissing;
  int32_t ordinal = 0;
  std::string revision;  // kCreate: the revision the new pod gets
  friend bool operator==(const StatefulSetAction&, const StatefulSetAction&) = default;
};

// stateful_set_control.go updateStatefulSet, one sync. Actions in the order
// upstream issues them. A kWait names the pod the sync stopped at and is
// always the last action: OrderedReady stops at the first unhealthy pod; any
// policy stops a rolling update at an unhealthy pod. Parallel issues every
// create/delete at once (upstream's slow-start batches all succeed here) and
// never waits for other pods. Status counts: stateful_set_status().
// Example (OrderedReady, 3 replicas, web-0 Running+Ready, nothing else):
// {create 1}. With web-0 Pending: {wait 0 kNotRunningReady}.
// `stale_claim_ordinals`: ordinals whose PVC still points at a previous pod
// (StatefulSetAutoDeletePVC PodClaimIsStale): creation there waits.
std::vector<StatefulSetAction> sync_stateful_set(
    const StatefulSetView& set, std::span<const StatefulPodView> pods, SimTime now,
    const std::set<int32_t>& stale_claim_ordinals = {});

// The revision a missing ordinal is created at: the current revision below
// start + partition under RollingUpdate, else the update revision.
std::string revision_for_new_pod(const StatefulSetView& set, int32_t ordinal);

// stateful_set_utils.go getStatefulSetMaxUnavailable: int or percent of
// replicas rounded down, default 1, at least 1. Example: 30% of 10 -> 3; 5% of 10 -> 1.
int32_t stateful_set_max_unavailable(const StatefulSetView& set);

struct StatefulSetStatusView {
  int32_t replicas = 0;            // created pods (replicas + condemned)
  int32_t ready_replicas = 0;      // Running and Ready
  int32_t available_replicas = 0;  // Running and available
  int32_t current_replicas = 0;    // not terminating, at current revision
  int32_t updated_replicas = 0;    // not terminating, at update revision
  std::string current_revision;
  std::string update_revision;
  friend bool operator==(const StatefulSetStatusView&, const StatefulSetStatusView&) = default;
};

// updateStatus + completeRollingUpdate: counts over `pods`; when RollingUpdate
// and updated == ready == replicas == spec.replicas, current_revision becomes
// update_revision and current_replicas = updated_replicas.
StatefulSetStatusView stateful_set_status(const StatefulSetView& set,
                                          std::span<const StatefulPodView> pods, SimTime now);

// "<template>-<set>-<ordinal>", e.g. ("data", "web", 2) -> "data-web-2".
std::string pvc_name(std::string_view claim_template, std::string_view set_name, int32_t ordinal);

// stateful_set_utils.go updateClaimOwnerRefForSetAndPod: who owns a claim.
// owned_by_set: deleted with the StatefulSet. owned_by_pod: deleted after the
// pod is deleted (scale-down). Retain/Retain -> neither; whenDeleted Delete ->
// set (in-range pods; condemned too unless whenScaled Delete); whenScaled
// Delete -> pod, for condemned pods only.
struct ClaimOwnership {
  bool owned_by_set = false;
  bool owned_by_pod = false;
  friend bool operator==(const ClaimOwnership&, const ClaimOwnership&) = default;
};
ClaimOwnership claim_ownership(const StatefulSetView& set, int32_t ordinal);

// ============================================================ pod deletion order (§4)

// One active pod of a ReplicaSet being scaled down, for ActivePodsWithRanks.
struct PodRankInfo {
  std::string name;
  std::string uid;        // tie-break inside a LogarithmicScaleDown bucket
  std::string node_name;  // "" = unscheduled
  PodPhase phase = PodPhase::kPending;
  bool ready = false;
  std::optional<SimTime> ready_since;  // Ready lastTransitionTime; nullopt = zero time
  int32_t deletion_cost = 0;           // controller.kubernetes.io/pod-deletion-cost
  int32_t colocated = 0;     // rank: related active pods on this pod's node (itself included)
  int32_t max_restarts = 0;  // max restartCount of regular containers
  int32_t max_sidecar_restarts = 0;  // max restartCount of sidecar (restartable init) containers
  std::optional<SimTime> created;    // nullopt = zero time
};

// ActivePodsWithRanks.Less with PodDeletionCost and LogarithmicScaleDown on:
// true when `a` is deleted before `b`. Rules in order: unscheduled first;
// Pending < Unknown < Running; not ready first; lower deletion cost first;
// higher colocated first; both ready: ready more recently first (log2 bucket
// of now - readyTime in ns, same bucket -> uid ascending; zero time first);
// more restarts first (regular containers, then sidecars); newer first (same
// bucketing; zero time first).
// Buckets are floor(log2(ns)) computed exactly on integers.
bool pod_deleted_before(const PodRankInfo& a, const PodRankInfo& b, SimTime now);

// getPodsRankedByRelatedPodsOnSameNode: sets each pod's `colocated` to the
// number of related active pods (node names given; "" counts too) on its node.
void rank_by_colocation(std::span<PodRankInfo> pods, std::span<const std::string> related_nodes);

// replica_set.go getPodsToDelete: indices of the first n pods by
// pod_deleted_before (stable: equal pods keep input order), n capped at
// len(pods) and 500 (burstReplicas). When n >= len(pods) no sorting happens.
std::vector<size_t> pick_pods_to_delete(std::span<const PodRankInfo> pods, int32_t n, SimTime now);

}  // namespace simcluster
