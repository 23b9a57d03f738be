// StatefulSet controller decisions (spec §3), after kubernetes/kubernetes
// pkg/controller/statefulset/stateful_set_control_test.go scenarios.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "simcluster/workload.h"

namespace doctest {
template <>
struct StringMaker<simcluster::StatefulSetAction> {
  static String convert(const simcluster::StatefulSetAction& a) {
    static const char* kKinds[] = {"create", "delete", "wait"};
    std::string s = std::string(kKinds[static_cast<int>(a.kind)]) + " " +
                    std::to_string(a.ordinal) + " reason " +
                    std::to_string(static_cast<int>(a.reason));
    if (!a.revision.empty()) s += " @" + a.revision;
    return String(s.c_str());
  }
};
template <>
struct StringMaker<std::vector<simcluster::StatefulSetAction>> {
  static String convert(const std::vector<simcluster::StatefulSetAction>& v) {
    String out = "{";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out += ", ";
      out += StringMaker<simcluster::StatefulSetAction>::convert(v[i]);
    }
    return out + "}";
  }
};
}  // namespace doctest

namespace simcluster {
namespace {

using Kind = StatefulSetAction::Kind;
using Reason = StatefulSetAction::Reason;

StatefulSetView web(int32_t replicas,
                    PodManagementPolicy policy = PodManagementPolicy::kOrderedReady) {
  StatefulSetView s;
  s.name = "web";
  s.replicas = replicas;
  s.pod_management_policy = policy;
  s.current_revision = "rev-a";
  s.update_revision = "rev-a";
  return s;
}

StatefulPodView healthy(int32_t ordinal, std::string revision = "rev-a") {
  StatefulPodView p;
  p.ordinal = ordinal;
  p.revision = std::move(revision);
  p.phase = PodPhase::kRunning;
  p.ready = true;
  p.ready_since = SimTime::from_seconds(0);
  return p;
}

StatefulPodView pending(int32_t ordinal, std::string revision = "rev-a") {
  StatefulPodView p;
  p.ordinal = ordinal;
  p.revision = std::move(revision);
  p.phase = PodPhase::kPending;
  return p;
}

std::vector<StatefulPodView> healthy_pods(int32_t n, std::string revision = "rev-a") {
  std::vector<StatefulPodView> pods;
  for (int32_t i = 0; i < n; ++i) pods.push_back(healthy(i, revision));
  return pods;
}

StatefulSetAction create(int32_t ordinal, std::string revision = "rev-a") {
  return {Kind::kCreate, Reason::kMissing, ordinal, std::move(revision)};
}
StatefulSetAction del(int32_t ordinal, Reason why) { return {Kind::kDelete, why, ordinal, {}}; }
StatefulSetAction wait(int32_t ordinal, Reason why) { return {Kind::kWait, why, ordinal, {}}; }

using Actions = std::vector<StatefulSetAction>;
const SimTime kNow = SimTime::from_seconds(1000);

TEST_CASE("OrderedReady creates one pod per sync, lowest missing ordinal first") {
  const auto set = web(3);
  CHECK(sync_stateful_set(set, {}, kNow) == Actions{create(0)});
  const std::vector<StatefulPodView> pods = {healthy(0)};
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{create(1)});
  const auto all = healthy_pods(3);
  CHECK(sync_stateful_set(set, all, kNow).empty());
}

TEST_CASE("OrderedReady blocks on a pod that is not Running and Ready") {
  const auto set = web(3);
  std::vector<StatefulPodView> pods = {pending(0)};
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(0, Reason::kNotRunningReady)});
  pods = {healthy(0), pending(1)};
  pods[1].phase = PodPhase::kRunning;  // running but not ready
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(1, Reason::kNotRunningReady)});
  // A gap below a healthy pod is filled first: web-1 missing, web-2 healthy.
  pods = {healthy(0), healthy(2)};
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{create(1)});
}

TEST_CASE("OrderedReady waits minReadySeconds after Ready before the next pod") {
  auto set = web(3);
  set.min_ready_seconds = 10;
  std::vector<StatefulPodView> pods = {healthy(0)};
  pods[0].ready_since = SimTime::from_ms(100'400);  // stored as 100 s
  CHECK(sync_stateful_set(set, pods, SimTime::from_seconds(110)) ==
        Actions{wait(0, Reason::kNotAvailable)});
  CHECK(sync_stateful_set(set, pods, SimTime::from_ms(110'001)) == Actions{create(1)});
}

TEST_CASE("Parallel creates every missing pod at once and ignores unready pods") {
  const auto set = web(3, PodManagementPolicy::kParallel);
  // The rolling-update pass then stops at the highest pod that is not healthy
  // yet (upstream: "waiting for Pod to update"); nothing else is pending.
  CHECK(sync_stateful_set(set, {}, kNow) ==
        Actions{create(0), create(1), create(2), wait(2, Reason::kUpdateUnhealthy)});
  std::vector<StatefulPodView> pods = {pending(0), healthy(1), healthy(2)};
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(0, Reason::kUpdateUnhealthy)});
  pods = {pending(0)};
  CHECK(sync_stateful_set(set, pods, kNow) ==
        Actions{create(1), create(2), wait(2, Reason::kUpdateUnhealthy)});
}

TEST_CASE("OrderedReady scales down from the highest ordinal, one pod at a time") {
  const auto set = web(3);
  auto pods = healthy_pods(5);
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(4, Reason::kScaleDown)});
  pods[4].terminating = true;  // must be gone before web-3 goes
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(4, Reason::kTerminating)});
  pods.pop_back();
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(3, Reason::kScaleDown)});
}

TEST_CASE("OrderedReady scale-down waits while a remaining replica is unhealthy") {
  const auto set = web(3);
  auto pods = healthy_pods(5);
  pods[1].ready = false;
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(1, Reason::kNotRunningReady)});
  // An unready condemned pod is deleted only when it is the first unhealthy pod.
  pods = healthy_pods(5);
  pods[3].ready = false;
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(4, Reason::kScaleDown)});
  pods[4].ready = false;  // web-3 is now not the first unhealthy pod
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(4, Reason::kNotRunningReady)});
}

TEST_CASE("Parallel scale-down deletes every condemned pod at once, highest first") {
  const auto set = web(2, PodManagementPolicy::kParallel);
  auto pods = healthy_pods(5);
  pods[3].terminating = true;
  CHECK(sync_stateful_set(set, pods, kNow) ==
        Actions{del(4, Reason::kScaleDown), del(2, Reason::kScaleDown)});
}

TEST_CASE("RollingUpdate replaces pods in reverse ordinal order down to the partition") {
  auto set = web(5);
  set.update_revision = "rev-b";
  set.partition = 3;
  auto pods = healthy_pods(5);
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(4, Reason::kUpdate)});
  // web-4 gone: re-created at the update revision (ordinal >= partition).
  pods.pop_back();
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{create(4, "rev-b")});
  // web-4 back but not ready: the update waits for it.
  pods.push_back(pending(4, "rev-b"));
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(4, Reason::kNotRunningReady)});
  pods[4] = healthy(4, "rev-b");
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(3, Reason::kUpdate)});
  pods[3] = healthy(3, "rev-b");
  CHECK(sync_stateful_set(set, pods, kNow).empty());  // web-0..2 stay below the partition
  // The status does not complete the rollout while the partition holds pods back.
  const auto st = stateful_set_status(set, pods, kNow);
  CHECK(st.current_revision == "rev-a");
  CHECK(st.updated_replicas == 2);
  CHECK(st.current_replicas == 3);
  // Lowering the partition rolls on.
  set.partition = 0;
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(2, Reason::kUpdate)});
}

TEST_CASE("a pod below the partition is re-created at the current revision") {
  auto set = web(5);
  set.update_revision = "rev-b";
  set.partition = 3;
  auto pods = healthy_pods(5);
  pods.erase(pods.begin() + 1);
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{create(1, "rev-a")});
  CHECK(revision_for_new_pod(set, 3) == "rev-b");
  set.current_revision.clear();  // no history yet: current = update
  CHECK(revision_for_new_pod(set, 1) == "rev-b");
}

TEST_CASE("Parallel pods still roll one at a time, waiting for each replacement") {
  auto set = web(3, PodManagementPolicy::kParallel);
  set.update_revision = "rev-b";
  auto pods = healthy_pods(3);
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(2, Reason::kUpdate)});
  pods[2].terminating = true;
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(2, Reason::kUpdateUnhealthy)});
  pods.pop_back();  // gone: created at rev-b, and the update waits for it
  CHECK(sync_stateful_set(set, pods, kNow) ==
        Actions{create(2, "rev-b"), wait(2, Reason::kUpdateUnhealthy)});
}

TEST_CASE("OnDelete never deletes for an update but creates missing pods at the update revision") {
  auto set = web(3);
  set.update_strategy = StatefulSetUpdateStrategy::kOnDelete;
  set.update_revision = "rev-b";
  set.partition = 2;  // ignored by OnDelete
  auto pods = healthy_pods(3);
  CHECK(sync_stateful_set(set, pods, kNow).empty());
  pods.erase(pods.begin());
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{create(0, "rev-b")});
  const auto st = stateful_set_status(set, healthy_pods(3, "rev-b"), kNow);
  CHECK(st.current_revision == "rev-a");  // completeRollingUpdate is RollingUpdate only
}

TEST_CASE("a Failed pod is deleted and re-created under the same name") {
  const auto set = web(3);
  auto pods = healthy_pods(3);
  pods[1].phase = PodPhase::kFailed;
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(1, Reason::kFailed)});
  pods[1].terminating = true;
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(1, Reason::kTerminating)});
  pods.erase(pods.begin() + 1);
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{create(1)});
}

TEST_CASE("ordinals.start shifts the ordinal range") {
  auto set = web(2);
  set.ordinals_start = 5;
  CHECK(sync_stateful_set(set, {}, kNow) == Actions{create(5)});
  const std::vector<StatefulPodView> pods = {healthy(5), healthy(6), healthy(0)};
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(0, Reason::kScaleDown)});
}

TEST_CASE("a stale claim from a previous pod incarnation delays the creation") {
  const auto set = web(2);
  const std::vector<StatefulPodView> pods = {healthy(0)};
  CHECK(sync_stateful_set(set, pods, kNow, {1}) == Actions{wait(1, Reason::kStaleClaim)});
  const auto parallel = web(3, PodManagementPolicy::kParallel);
  CHECK(sync_stateful_set(parallel, {}, kNow, {1}) ==
        Actions{create(0), create(2), wait(2, Reason::kUpdateUnhealthy)});
}

TEST_CASE("a StatefulSet being deleted takes no action") {
  auto set = web(3);
  set.being_deleted = true;
  CHECK(sync_stateful_set(set, {}, kNow).empty());
}

TEST_CASE("with MaxUnavailableStatefulSet, up to maxUnavailable pods update at once") {
  auto set = web(10);
  set.max_unavailable_gate = true;
  set.max_unavailable = IntOrPercent{true, 30};
  set.update_revision = "rev-b";
  CHECK(stateful_set_max_unavailable(set) == 3);
  auto pods = healthy_pods(10);
  CHECK(sync_stateful_set(set, pods, kNow) ==
        Actions{del(9, Reason::kUpdate), del(8, Reason::kUpdate), del(7, Reason::kUpdate)});
  pods[9].terminating = true;
  pods[8] = pending(8, "rev-b");
  pods[8].phase = PodPhase::kRunning;  // running, not ready
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{wait(8, Reason::kNotRunningReady)});
  set.pod_management_policy = PodManagementPolicy::kParallel;
  CHECK(sync_stateful_set(set, pods, kNow) == Actions{del(7, Reason::kUpdate)});
  set.max_unavailable = IntOrPercent{true, 5};
  CHECK(stateful_set_max_unavailable(set) == 1);  // floor(0.5) raised to 1
}

TEST_CASE("status counts pods and completes the rolling update when all are updated") {
  auto set = web(3);
  set.update_revision = "rev-b";
  set.min_ready_seconds = 30;
  auto pods = healthy_pods(3, "rev-b");
  pods[2].ready_since = SimTime::from_seconds(990);  // Ready for 10 s only
  const auto st = stateful_set_status(set, pods, kNow);
  CHECK(st.replicas == 3);
  CHECK(st.ready_replicas == 3);
  CHECK(st.available_replicas == 2);
  CHECK(st.updated_replicas == 3);
  CHECK(st.current_revision == "rev-b");
  CHECK(st.current_replicas == 3);
  pods[0].terminating = true;
  const auto mid = stateful_set_status(set, pods, kNow);
  CHECK(mid.updated_replicas == 2);
  CHECK(mid.current_revision == "rev-a");
}

TEST_CASE("PVC names are <template>-<set>-<ordinal>") {
  CHECK(pvc_name("data", "web", 2) == "data-web-2");
  CHECK(pvc_name("www", "mysql-primary", 0) == "www-mysql-primary-0");
}

TEST_CASE("PVC retention policy decides who owns each claim") {
  auto set = web(3);
  struct Case {
    PVCRetentionPolicy when_deleted, when_scaled;
    int32_t ordinal;
    ClaimOwnership expected;
  };
  using P = PVCRetentionPolicy;
  const std::vector<Case> cases = {
      {P::kRetain, P::kRetain, 1, {false, false}}, {P::kRetain, P::kRetain, 4, {false, false}},
      {P::kDelete, P::kRetain, 1, {true, false}},  {P::kDelete, P::kRetain, 4, {true, false}},
      {P::kRetain, P::kDelete, 1, {false, false}}, {P::kRetain, P::kDelete, 4, {false, true}},
      {P::kDelete, P::kDelete, 1, {true, false}},  {P::kDelete, P::kDelete, 4, {false, true}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.ordinal);
    set.when_deleted = c.when_deleted;
    set.when_scaled = c.when_scaled;
    CHECK(claim_ownership(set, c.ordinal) == c.expected);
  }
}

TEST_CASE("stateful_set_view reads the typed object") {
  StatefulSet s;
  s.metadata.name = "db";
  s.replicas = 4;
  s.pod_management_policy = "Parallel";
  s.update_strategy_type = "OnDelete";
  s.pvc_when_scaled = "Delete";
  const auto v = stateful_set_view(s, "r1", "r2");
  CHECK(v.replicas == 4);
  CHECK(v.pod_management_policy == PodManagementPolicy::kParallel);
  CHECK(v.update_strategy == StatefulSetUpdateStrategy::kOnDelete);
  CHECK(v.when_scaled == PVCRetentionPolicy::kDelete);
  CHECK(v.when_deleted == PVCRetentionPolicy::kRetain);
  CHECK(v.current_revision == "r1");
  CHECK(v.update_revision == "r2");
}

}  // namespace
}  // namespace simcluster
