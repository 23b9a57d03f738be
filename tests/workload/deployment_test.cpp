// Deployment controller decisions, ported from kubernetes/kubernetes
// pkg/controller/deployment/{rolling_test.go,sync_test.go,progress_test.go}
// and util/deployment_util_test.go, plus whole-sync cases from the spec (§2).
#include <doctest/doctest.h>

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simcluster/workload.h"

namespace simcluster {
namespace {

IntOrPercent num(int32_t v) { return IntOrPercent{false, v}; }
IntOrPercent pct(int32_t v) { return IntOrPercent{true, v}; }

// newDeployment() of deployment_controller_test.go: RollingUpdate with
// maxSurge 0 and maxUnavailable 0 unless given.
DeploymentView deployment(int32_t replicas, IntOrPercent surge = num(0),
                          IntOrPercent unavailable = num(0)) {
  DeploymentView d;
  d.name = "foo";
  d.replicas = replicas;
  d.max_surge = surge;
  d.max_unavailable = unavailable;
  return d;
}

RSView rs(std::string name, int32_t replicas, int64_t created_s = 0, int32_t available = 0) {
  RSView r;
  r.name = std::move(name);
  r.replicas = replicas;
  r.created = SimTime::from_seconds(created_s);
  r.available_replicas = available;
  return r;
}

// sync_test.go TestScale: annotations as the previous deployment left them.
RSView annotated(RSView r, const DeploymentView& before) {
  r.desired_replicas_annotation = before.replicas;
  r.max_replicas_annotation = before.replicas + max_surge(before);
  return r;
}

std::map<std::string, int32_t> sizes_after(std::vector<RSView> rss,
                                           const std::vector<RSScale>& scales) {
  std::map<std::string, int32_t> out;
  for (const auto& r : rss) out[r.name] = r.replicas;
  for (const auto& s : scales) out[s.name] = s.replicas;
  return out;
}

// ---------------------------------------------------------------- fenceposts

TEST_CASE("ResolveFenceposts rounds surge up, unavailable down and never returns 0/0") {
  struct Case {
    IntOrPercent surge, unavailable;
    int32_t desired;
    Fenceposts expected;
  };
  // deployment_util_test.go TestResolveFenceposts (nil -> 0) plus spec §2.2.
  const std::vector<Case> cases = {
      {pct(0), pct(0), 0, {0, 1}},     {pct(39), pct(39), 10, {4, 3}},
      {num(0), pct(39), 10, {0, 3}},   {pct(39), num(0), 10, {4, 0}},
      {num(0), num(0), 10, {0, 1}},    {pct(25), pct(25), 10, {3, 2}},
      {pct(25), pct(25), 1, {1, 0}},   {num(2), num(3), 10, {2, 3}},
      {pct(100), pct(100), 7, {7, 7}}, {pct(1), pct(1), 5, {1, 0}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.desired);
    CHECK(resolve_fenceposts(c.surge, c.unavailable, c.desired) == c.expected);
  }
}

TEST_CASE("MaxUnavailable is capped at replicas and is 0 for Recreate or 0 replicas") {
  // deployment_util_test.go TestMaxUnavailable (maxSurge 1).
  struct Case {
    int32_t replicas;
    IntOrPercent unavailable;
    int32_t expected;
  };
  const std::vector<Case> cases = {
      {10, num(5), 5},  {10, num(10), 10},  {5, num(10), 5},  {0, num(10), 0},
      {10, pct(50), 5}, {10, pct(100), 10}, {5, pct(100), 5},
  };
  for (const auto& c : cases) {
    CAPTURE(c.replicas);
    CHECK(max_unavailable(deployment(c.replicas, num(1), c.unavailable)) == c.expected);
  }
  DeploymentView recreate = deployment(10, num(1), num(5));
  recreate.strategy = DeploymentStrategyType::kRecreate;
  CHECK(max_unavailable(recreate) == 0);
  CHECK(max_surge(recreate) == 0);
  CHECK(min_available(recreate) == 0);
  CHECK(min_available(deployment(10, num(0), pct(60))) == 4);
  CHECK(min_available(deployment(5, num(0), num(10))) == 0);
}

TEST_CASE("NewRSNewReplicas grows the new RS up to replicas + maxSurge in total") {
  // deployment_util_test.go TestNewRSNewReplicas: allRSs is one RS of 5.
  const std::vector<RSView> rs5 = {rs("rs5", 5)};
  DeploymentView d = deployment(1, num(1), num(1));
  CHECK(new_rs_new_replicas(d, rs5, rs("new", 5)) == 5);  // cannot scale up
  d = deployment(6, num(10), num(1));
  CHECK(new_rs_new_replicas(d, rs5, rs("new", 2)) == 6);  // 2 + min(16 - 5, 6 - 2)
  d = deployment(3, num(1), num(1));
  d.strategy = DeploymentStrategyType::kRecreate;
  CHECK(new_rs_new_replicas(d, rs5, rs("new", 1)) == 3);
}

// ------------------------------------------------------------------ rolling

TEST_CASE("reconcileNewReplicaSet scales the new RS up within maxSurge, or down to replicas") {
  // rolling_test.go TestDeploymentController_reconcileNewReplicaSet (maxUnavailable 0).
  struct Case {
    int32_t replicas, surge, old_replicas, new_replicas;
    std::optional<int32_t> expected;
  };
  const std::vector<Case> cases = {
      {10, 0, 10, 0, std::nullopt}, {10, 2, 10, 0, 2},  {10, 2, 5, 0, 7},
      {10, 2, 10, 2, std::nullopt}, {10, 2, 2, 11, 10},
  };
  for (const auto& c : cases) {
    CAPTURE(c.old_replicas);
    CAPTURE(c.new_replicas);
    const DeploymentView d = deployment(c.replicas, num(c.surge), num(0));
    const RSView new_rs = rs("foo-v2", c.new_replicas);
    const std::vector<RSView> all = {new_rs, rs("foo-v1", c.old_replicas)};
    CHECK(reconcile_new_replica_set(d, all, new_rs) == c.expected);
  }
}

TEST_CASE("reconcileOldReplicaSets removes unhealthy old pods first and respects minAvailable") {
  // rolling_test.go TestDeploymentController_reconcileOldReplicaSets (maxSurge 0);
  // expected sizes from the spec §2.4 walk-through.
  struct Case {
    int32_t unavailable, old_replicas, new_replicas, old_available, new_available;
    bool scaled;
    int32_t expected_old;
  };
  const std::vector<Case> cases = {
      {0, 10, 0, 10, 0, true, 9}, {2, 10, 0, 10, 0, true, 8}, {2, 10, 0, 8, 0, true, 8},
      {2, 10, 0, 9, 0, true, 8},  {2, 8, 2, 8, 0, false, 8},
  };
  for (const auto& c : cases) {
    CAPTURE(c.unavailable);
    CAPTURE(c.old_available);
    const DeploymentView d = deployment(10, num(0), num(c.unavailable));
    const std::vector<RSView> old = {rs("foo-old", c.old_replicas, 0, c.old_available)};
    const RSView new_rs = rs("foo-new", c.new_replicas, 1, c.new_available);
    const OldRSReconcile r = reconcile_old_replica_sets(d, old, new_rs);
    CHECK(r.scaled() == c.scaled);
    CHECK(r.error.empty());
    CHECK(sizes_after(old, r.scales)["foo-old"] == c.expected_old);
  }
}

TEST_CASE("cleanupUnhealthyReplicas removes at most maxCleanupCount unavailable pods") {
  // rolling_test.go TestDeploymentController_cleanupUnhealthyReplicas (10 old, maxSurge 2,
  // maxUnavailable 2).
  struct Case {
    int32_t ready, max_cleanup, expected;
  };
  const std::vector<Case> cases = {{8, 1, 1}, {8, 3, 2}, {8, 0, 0}, {10, 3, 0}};
  const DeploymentView d = deployment(10, num(2), num(2));
  for (const auto& c : cases) {
    CAPTURE(c.max_cleanup);
    const std::vector<RSView> old = {rs("foo-v2", 10, 0, c.ready)};
    const OldRSReconcile r = cleanup_unhealthy_replicas(d, old, c.max_cleanup);
    CHECK(r.cleaned_up == c.expected);
    CHECK(sizes_after(old, r.scales)["foo-v2"] == 10 - c.expected);
  }
}

TEST_CASE("scaleDownOldReplicaSetsForRollingUpdate keeps replicas - maxUnavailable available") {
  // rolling_test.go TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate.
  struct Case {
    int32_t unavailable, ready, old_replicas;
    std::optional<int32_t> expected;
  };
  const std::vector<Case> cases = {
      {0, 10, 10, 9},           {2, 10, 10, 8},           {2, 8, 10, std::nullopt},
      {2, 10, 0, std::nullopt}, {2, 1, 10, std::nullopt},
  };
  for (const auto& c : cases) {
    CAPTURE(c.unavailable);
    CAPTURE(c.ready);
    const DeploymentView d = deployment(10, num(0), num(c.unavailable));
    const std::vector<RSView> old = {rs("foo-v2", c.old_replicas, 0, c.ready)};
    const OldRSReconcile r = scale_down_old_replica_sets(d, old, nullptr);
    if (c.expected) {
      REQUIRE(r.scales.size() == 1);
      CHECK(r.scales[0].replicas == *c.expected);
    } else {
      CHECK(r.scales.empty());
      CHECK(r.scaled_down == 0);
    }
  }
}

TEST_CASE("old RSs are scaled down oldest first across several old ReplicaSets") {
  const DeploymentView d = deployment(10, num(0), num(3));
  const std::vector<RSView> old = {rs("b", 4, 200, 4), rs("a", 6, 100, 5)};
  const OldRSReconcile r = reconcile_old_replica_sets(d, old, rs("new", 0, 300));
  // maxScaledDown = 10 - 7 - 0 = 3: cleanup takes a's 1 unavailable pod, then
  // available 9 > 7 scales 2 more from the oldest (a: 5 -> 3).
  REQUIRE(r.scales.size() == 2);
  CHECK(r.scales[0] == RSScale{"a", 5, 10, 10});
  CHECK(r.scales[1] == RSScale{"a", 3, 10, 10});
  CHECK(r.cleaned_up == 1);
  CHECK(r.scaled_down == 2);
}

TEST_CASE("an old RS reporting more available pods than its spec stops the cleanup") {
  // rolling.go: "when cleaning up unhealthy replicas, got invalid request";
  // reconcileOldReplicaSets then reports not scaled.
  const DeploymentView d = deployment(4, num(0), num(1));
  const std::vector<RSView> old = {rs("old", 3, 0, 4)};
  const OldRSReconcile r = reconcile_old_replica_sets(d, old, rs("new", 2, 10, 2));
  CHECK_FALSE(r.error.empty());
  CHECK_FALSE(r.scaled());
  CHECK(r.scales.empty());
}

// ---------------------------------------------------- proportional scaling

struct ScaleCase {
  std::string name;
  DeploymentView d, before;
  std::optional<RSView> new_rs;
  std::vector<RSView> old;
  std::map<std::string, int32_t> expected;
};

TEST_CASE("scale() spreads a spec.replicas change in proportion to each RS (sync_test TestScale)") {
  const int64_t newer = 7200, old_t = 3600, older = 0;
  std::vector<ScaleCase> cases;
  auto add = [&](std::string name, int32_t from, int32_t to, std::optional<RSView> n,
                 std::vector<RSView> o, std::map<std::string, int32_t> exp,
                 IntOrPercent surge_before = num(0), IntOrPercent surge_after = num(0)) {
    cases.push_back(ScaleCase{std::move(name), deployment(to, surge_after),
                              deployment(from, surge_before), std::move(n), std::move(o),
                              std::move(exp)});
  };
  add("normal scaling event: 10 -> 12", 10, 12, rs("foo-v1", 10, newer), {}, {{"foo-v1", 12}});
  add("normal scaling event: 10 -> 5", 10, 5, rs("foo-v1", 10, newer), {}, {{"foo-v1", 5}});
  add("proportional scaling: 5 -> 10", 5, 10, rs("foo-v2", 2, newer), {rs("foo-v1", 3, old_t)},
      {{"foo-v2", 4}, {"foo-v1", 6}});
  add("proportional scaling: 5 -> 3", 5, 3, rs("foo-v2", 2, newer), {rs("foo-v1", 3, old_t)},
      {{"foo-v2", 1}, {"foo-v1", 2}});
  add("proportional scaling: 9 -> 4", 9, 4, rs("foo-v2", 8, newer), {rs("foo-v1", 1, old_t)},
      {{"foo-v2", 4}, {"foo-v1", 0}});
  add("proportional scaling: 7 -> 10", 7, 10, rs("foo-v3", 2, newer),
      {rs("foo-v2", 3, old_t), rs("foo-v1", 2, older)},
      {{"foo-v3", 3}, {"foo-v2", 4}, {"foo-v1", 3}});
  add("proportional scaling: 13 -> 8", 13, 8, rs("foo-v3", 2, newer),
      {rs("foo-v2", 8, old_t), rs("foo-v1", 3, older)},
      {{"foo-v3", 1}, {"foo-v2", 5}, {"foo-v1", 2}});
  add("leftover distribution: 3 -> 4", 3, 4, rs("foo-v3", 1, newer),
      {rs("foo-v2", 1, old_t), rs("foo-v1", 1, older)},
      {{"foo-v3", 2}, {"foo-v2", 1}, {"foo-v1", 1}});
  add("leftover distribution: 3 -> 2", 3, 2, rs("foo-v3", 1, newer),
      {rs("foo-v2", 1, old_t), rs("foo-v1", 1, older)},
      {{"foo-v3", 1}, {"foo-v2", 1}, {"foo-v1", 0}});
  add("proportional scaling (no new rs): 4 -> 5", 4, 5, std::nullopt,
      {rs("foo-v2", 2, old_t), rs("foo-v1", 2, older)}, {{"foo-v2", 3}, {"foo-v1", 2}});
  add("proportional scaling: 6 -> 0", 6, 0, rs("foo-v3", 3, newer),
      {rs("foo-v2", 2, old_t), rs("foo-v1", 1, older)},
      {{"foo-v3", 0}, {"foo-v2", 0}, {"foo-v1", 0}});
  add("proportional scaling: 0 -> 6", 6, 6, rs("foo-v3", 0, newer),
      {rs("foo-v2", 0, old_t), rs("foo-v1", 0, older)},
      {{"foo-v3", 6}, {"foo-v2", 0}, {"foo-v1", 0}});
  add("deployment with surge pods", 10, 20, rs("foo-v2", 6, newer), {rs("foo-v1", 6, old_t)},
      {{"foo-v2", 11}, {"foo-v1", 11}}, num(2), num(2));
  add("change both surge and size", 10, 50, rs("foo-v2", 5, newer), {rs("foo-v1", 8, old_t)},
      {{"foo-v2", 22}, {"foo-v1", 34}}, num(3), num(6));
  add("change both size and template", 10, 14, std::nullopt,
      {rs("foo-v2", 7, newer), rs("foo-v1", 3, old_t)}, {{"foo-v2", 10}, {"foo-v1", 4}});

  for (auto& c : cases) {
    CAPTURE(c.name);
    if (c.new_rs) c.new_rs = annotated(*c.new_rs, c.before);
    for (auto& r : c.old) r = annotated(r, c.before);
    std::vector<RSView> all = c.old;
    if (c.new_rs) all.push_back(*c.new_rs);
    const auto scales =
        proportional_scale(c.d, c.new_rs ? &*c.new_rs : nullptr, c.old, /*status replicas*/ 0);
    CHECK(sizes_after(all, scales) == c.expected);
    for (const auto& s : scales) {
      CHECK(s.desired_annotation == c.d.replicas);
      CHECK(s.max_annotation == c.d.replicas + max_surge(c.d));
    }
  }
}

TEST_CASE("scale() only rewrites the RS whose annotations are stale when nothing is to add") {
  // sync_test.go "failed rs update": v2 still says desired 3.
  const DeploymentView before = deployment(5);
  const DeploymentView d = deployment(5);
  const RSView v3 = annotated(rs("foo-v3", 2, 7200), before);
  RSView v2 = rs("foo-v2", 1, 3600);
  v2.desired_replicas_annotation = 3;
  v2.max_replicas_annotation = 3;
  const std::vector<RSView> old = {v2, annotated(rs("foo-v1", 1, 0), before)};
  const auto scales = proportional_scale(d, &v3, old, 0);
  REQUIRE(scales.size() == 1);
  CHECK(scales[0] == RSScale{"foo-v2", 2, 5, 5});
}

TEST_CASE("scale() leaves a saturated-looking but unavailable new RS and its old pods alone") {
  // sync_test.go "saturated but broken new replica set does not affect old pods".
  const DeploymentView d = deployment(2, num(1), num(1));
  const RSView v2 = annotated(rs("foo-v2", 2, 7200, 0), d);
  const std::vector<RSView> old = {annotated(rs("foo-v1", 1, 3600), d)};
  CHECK_FALSE(is_saturated(d, &v2));
  CHECK(proportional_scale(d, &v2, old, 0).empty());
  // Once its pods are available it is saturated: old RSs go to 0.
  RSView ready = v2;
  ready.available_replicas = 2;
  CHECK(is_saturated(d, &ready));
  const auto scales = proportional_scale(d, &ready, old, 0);
  REQUIRE(scales.size() == 1);
  CHECK(scales[0].name == "foo-v1");
  CHECK(scales[0].replicas == 0);
}

TEST_CASE("getReplicaSetFraction rounds half away from zero and falls back to status replicas") {
  DeploymentView d = deployment(100, num(10));
  RSView r = rs("rs", 50);
  r.max_replicas_annotation = 130;
  CHECK(replica_set_fraction(r, d, 0) == -8);  // round(50*110/130 = 42.3) - 50
  r.max_replicas_annotation.reset();
  CHECK(replica_set_fraction(r, d, 100) == 5);  // round(55) - 50
  CHECK(replica_set_fraction(r, d, 0) == 0);    // cannot estimate
  r.max_replicas_annotation = 0;
  CHECK(replica_set_fraction(r, d, 40) == 88);  // round(137.5) = 138
  d.replicas = 0;
  CHECK(replica_set_fraction(r, d, 40) == -50);
  // GetProportion caps by what is left: fraction +88 but only 3 left.
  d.replicas = 100;
  CHECK(replica_set_proportion(r, d, 5, 2, 40) == 3);
  CHECK(replica_set_proportion(r, d, 5, 5, 40) == 0);
  CHECK(replica_set_proportion(rs("empty", 0), d, 5, 0, 40) == 0);
}

TEST_CASE("a scaling event is an active RS whose desired-replicas annotation differs") {
  const DeploymentView d = deployment(5);
  RSView a = rs("a", 3);
  a.desired_replicas_annotation = 5;
  RSView b = rs("b", 0);
  b.desired_replicas_annotation = 3;  // inactive: ignored
  std::vector<RSView> old = {b};
  CHECK_FALSE(is_scaling_event(d, &a, old));
  a.desired_replicas_annotation = 4;
  CHECK(is_scaling_event(d, &a, old));
  a.desired_replicas_annotation.reset();  // no annotation: not an event
  CHECK_FALSE(is_scaling_event(d, &a, old));
}

// ----------------------------------------------------------------- cleanup

RSView with_status(std::string name, int32_t spec, int32_t status) {
  RSView r = rs(std::move(name), spec);
  r.status_replicas = status;
  return r;
}

TEST_CASE("cleanupDeployment deletes the oldest scaled-to-zero RSs beyond revisionHistoryLimit") {
  // sync_test.go TestDeploymentController_cleanupDeployment.
  auto limit = [](int32_t n) {
    DeploymentView d = deployment(1);
    d.revision_history_limit = n;
    return d;
  };
  CHECK(replica_sets_to_clean_up(
            limit(1), std::vector<RSView>{with_status("foo-1", 0, 0), with_status("foo-2", 0, 0),
                                          with_status("foo-3", 0, 0)})
            .size() == 2);
  CHECK(
      replica_sets_to_clean_up(
          limit(0), std::vector<RSView>{with_status("foo-1", 0, 0), with_status("foo-2", 0, 1),
                                        with_status("foo-3", 1, 0), with_status("foo-4", 1, 1)}) ==
      std::vector<std::string>{"foo-1"});
  CHECK(replica_sets_to_clean_up(
            limit(0), std::vector<RSView>{with_status("foo-1", 0, 0), with_status("foo-2", 0, 0)})
            .size() == 2);
  CHECK(replica_sets_to_clean_up(
            limit(0), std::vector<RSView>{with_status("foo-1", 1, 1), with_status("foo-2", 1, 1)})
            .empty());
  RSView deleting = with_status("foo-1", 0, 0);
  deleting.being_deleted = true;
  CHECK(replica_sets_to_clean_up(limit(0), std::vector<RSView>{deleting}).empty());
  CHECK(replica_sets_to_clean_up(
            limit(std::numeric_limits<int32_t>::max()),
            std::vector<RSView>{with_status("foo-1", 0, 0), with_status("foo-2", 0, 0)})
            .empty());
}

TEST_CASE("cleanup walks revisions oldest first and skips, without replacing, busy RSs") {
  DeploymentView d = deployment(1);
  d.revision_history_limit = 1;
  RSView r1 = with_status("rev1", 1, 1), r2 = with_status("rev2", 0, 0),
         r3 = with_status("rev3", 0, 0);
  r1.revision = 1;
  r2.revision = 2;
  r3.revision = 3;
  // Created in the opposite order, so only the revision can explain the result.
  r1.created = SimTime::from_seconds(30);
  r3.created = SimTime::from_seconds(10);
  CHECK(replica_sets_to_clean_up(d, std::vector<RSView>{r3, r1, r2}) ==
        std::vector<std::string>{"rev2"});
  r2.status_observed = false;
  CHECK(replica_sets_to_clean_up(d, std::vector<RSView>{r3, r1, r2}).empty());
}

// ------------------------------------------------------ status and progress

DeploymentStatusView status(int32_t replicas, int32_t updated, int32_t ready, int32_t available) {
  DeploymentStatusView s;
  s.observed_generation = 1;
  s.replicas = replicas;
  s.updated_replicas = updated;
  s.ready_replicas = ready;
  s.available_replicas = available;
  return s;
}

TEST_CASE("DeploymentComplete needs every replica updated and available, and no old pods") {
  // deployment_util_test.go TestDeploymentComplete.
  CHECK_FALSE(deployment_complete(deployment(5, num(0), num(1)), status(5, 5, 5, 4)));
  CHECK_FALSE(deployment_complete(deployment(5, num(0), num(1)), status(5, 5, 5, 3)));
  CHECK(deployment_complete(deployment(5), status(5, 5, 5, 5)));
  CHECK_FALSE(deployment_complete(deployment(5), status(5, 4, 5, 5)));
  CHECK_FALSE(deployment_complete(deployment(1, num(1)), status(2, 1, 1, 1)));
  CHECK_FALSE(deployment_complete(deployment(1, num(1), num(1)), status(1, 1, 1, 0)));
  DeploymentView newer = deployment(5);
  newer.generation = 2;  // status not observed yet
  CHECK_FALSE(deployment_complete(newer, status(5, 5, 5, 5)));
}

TEST_CASE("DeploymentProgressing sees new updated, fewer old, more ready or more available pods") {
  CHECK(deployment_progressing(status(10, 4, 6, 6), status(8, 4, 6, 6)));  // old removed
  CHECK_FALSE(deployment_progressing(status(10, 7, 3, 3), status(10, 6, 3, 3)));
  CHECK(deployment_progressing(status(10, 4, 4, 4), status(10, 5, 4, 4)));  // updated
  CHECK(deployment_progressing(status(10, 4, 4, 4), status(10, 4, 5, 4)));  // ready
  CHECK(deployment_progressing(status(10, 4, 4, 4), status(10, 4, 4, 5)));  // available
  CHECK_FALSE(deployment_progressing(status(10, 4, 4, 4), status(10, 4, 4, 4)));
}

TEST_CASE("DeploymentTimedOut compares lastUpdateTime + deadline with now, strictly") {
  DeploymentView d = deployment(1);
  d.progress_deadline_seconds = 10;
  DeploymentStatusView s;
  s.progressing = DeploymentCondition{ConditionStatus::kTrue, std::string(kReasonReplicaSetUpdated),
                                      SimTime::from_seconds(69), SimTime::from_seconds(69)};
  CHECK(deployment_timed_out(d, s, SimTime::from_seconds(80)));
  s.progressing->last_update = SimTime::from_seconds(71);
  CHECK_FALSE(deployment_timed_out(d, s, SimTime::from_seconds(80)));
  s.progressing->last_update = SimTime::from_seconds(70);
  CHECK_FALSE(deployment_timed_out(d, s, SimTime::from_seconds(80)));  // exactly 10 s
  CHECK(deployment_timed_out(d, s, SimTime::from_ms(80'001)));
  s.progressing->reason = std::string(kReasonNewRSAvailable);
  CHECK_FALSE(deployment_timed_out(d, s, SimTime::from_seconds(1000)));
  d.progress_deadline_seconds.reset();
  s.progressing->reason = std::string(kReasonProgressDeadlineExceeded);
  CHECK_FALSE(deployment_timed_out(d, s, SimTime::from_seconds(1000)));
}

TEST_CASE("a stuck rollout requeues itself for lastUpdateTime + deadline + 1s") {
  DeploymentView d = deployment(10, num(3), num(2));
  d.progress_deadline_seconds = 600;
  RSView new_rs = rs("new", 5, 100, 0);
  new_rs.status_replicas = 5;
  const std::vector<RSView> old = {[] {
    RSView r = rs("old", 8, 0, 8);
    r.status_replicas = 8;
    r.ready_replicas = 8;
    return r;
  }()};
  DeploymentStatusView stored = calculate_status(d, &new_rs, old, {}, SimTime::from_seconds(0));
  stored.progressing =
      DeploymentCondition{ConditionStatus::kTrue, std::string(kReasonReplicaSetUpdated),
                          SimTime::from_seconds(0), SimTime::from_seconds(0)};
  // No progress at 00:03:00: status unchanged, come back at 00:10:01.
  RolloutStatusResult r = sync_rollout_status(d, &new_rs, old, stored, SimTime::from_seconds(180));
  CHECK_FALSE(r.changed);
  REQUIRE(r.requeue_after);
  CHECK(*r.requeue_after == std::chrono::seconds(421));
  // At 00:10:01 the deadline has passed: the condition flips to False.
  r = sync_rollout_status(d, &new_rs, old, stored, SimTime::from_seconds(601));
  CHECK(r.changed);
  REQUIRE(r.status.progressing);
  CHECK(r.status.progressing->status == ConditionStatus::kFalse);
  CHECK(r.status.progressing->reason == kReasonProgressDeadlineExceeded);
  CHECK(r.status.progressing->last_transition == SimTime::from_seconds(601));
  // 0.5 s before the deadline: requeue immediately (rate limited upstream).
  r = sync_rollout_status(d, &new_rs, old, stored, SimTime::from_ms(599'500));
  REQUIRE(r.requeue_after);
  CHECK(*r.requeue_after == SimDuration(0));
}

TEST_CASE("calculateStatus counts RS status and sets Available against MaxUnavailable") {
  const DeploymentView d = deployment(10, num(3), num(2));
  RSView n = rs("new", 5, 100, 3);
  n.status_replicas = 5;
  n.ready_replicas = 4;
  RSView o = rs("old", 8, 0, 6);
  o.status_replicas = 8;
  o.ready_replicas = 7;
  const std::vector<RSView> old = {o};
  const DeploymentStatusView s = calculate_status(d, &n, old, {}, SimTime::from_ms(5'500));
  CHECK(s.replicas == 13);
  CHECK(s.updated_replicas == 5);
  CHECK(s.ready_replicas == 11);
  CHECK(s.available_replicas == 9);
  CHECK(s.unavailable_replicas == 4);
  REQUIRE(s.available);
  CHECK(s.available->status == ConditionStatus::kTrue);  // 9 >= 10 - 2
  CHECK(s.available->last_update == SimTime::from_seconds(5));
}

// ---------------------------------------------------------- whole syncs

RSView live(std::string name, int32_t spec, int64_t created_s, int32_t available,
            bool matches_template, int64_t revision, const DeploymentView& annotate_for) {
  RSView r = rs(std::move(name), spec, created_s, available);
  r.status_replicas = spec;
  r.ready_replicas = available;
  r.live_pods = spec;
  r.matches_template = matches_template;
  r.revision = revision;
  r.desired_replicas_annotation = annotate_for.replicas;
  r.max_replicas_annotation = annotate_for.replicas + max_surge(annotate_for);
  return r;
}

TEST_CASE("a template change creates the new RS and scales the old one in the same sync") {
  // Spec §2.4 worked rollout: 10 replicas, 25%/25% -> surge 3, unavailable 2.
  DeploymentSyncInput in;
  in.deployment = deployment(10, pct(25), pct(25));
  in.deployment.generation = 2;
  in.replica_sets = {live("web-old", 10, 0, 10, false, 1, in.deployment)};
  in.status = status(10, 10, 10, 10);
  const SimTime now = SimTime::from_seconds(100);

  DeploymentPlan p = sync_deployment(in, now);
  CHECK(p.path == DeploymentSyncPath::kRollingUpdate);
  CHECK_FALSE(p.new_rs_index);
  REQUIRE(p.create_new_rs);
  CHECK(p.create_new_rs->replicas == 3);
  CHECK(p.create_new_rs->revision == 2);
  CHECK(p.create_new_rs->desired_annotation == 10);
  CHECK(p.create_new_rs->max_annotation == 13);
  REQUIRE(p.scales.size() == 1);
  CHECK(p.scales[0] == RSScale{"web-old", 8, 10, 13});
  CHECK(p.status_changed);
  REQUIRE(p.status.progressing);
  CHECK(p.status.progressing->reason == kReasonNewRSCreated);
  CHECK(p.status.observed_generation == 2);

  // Sync 2: new RS at 3 (no pods available yet), old at 8 -> new grows to 5.
  in.replica_sets = {live("web-old", 8, 0, 8, false, 1, in.deployment),
                     live("web-new", 3, 100, 0, true, 2, in.deployment)};
  in.status = p.status;
  p = sync_deployment(in, SimTime::from_seconds(101));
  REQUIRE(p.new_rs_index);
  CHECK(*p.new_rs_index == 1);
  CHECK_FALSE(p.create_new_rs);
  REQUIRE(p.scales.size() == 1);
  CHECK(p.scales[0] == RSScale{"web-new", 5, 10, 13});

  // Sync 3: 13 pods, none of the 5 new ones available -> wait.
  in.replica_sets = {live("web-old", 8, 0, 8, false, 1, in.deployment),
                     live("web-new", 5, 100, 0, true, 2, in.deployment)};
  in.status = p.status;
  p = sync_deployment(in, SimTime::from_seconds(102));
  CHECK(p.scales.empty());
  CHECK(p.deletions.empty());
}

TEST_CASE("a completed rolling update deletes old RSs beyond revisionHistoryLimit") {
  DeploymentSyncInput in;
  in.deployment = deployment(3, pct(25), pct(25));
  in.deployment.revision_history_limit = 1;
  in.replica_sets = {live("v1", 0, 0, 0, false, 1, in.deployment),
                     live("v2", 0, 10, 0, false, 2, in.deployment),
                     live("v3", 3, 20, 3, true, 3, in.deployment)};
  in.status = status(3, 3, 3, 3);
  in.deployment.progress_deadline_seconds.reset();
  const DeploymentPlan p = sync_deployment(in, SimTime::from_seconds(500));
  CHECK(p.scales.empty());
  CHECK(p.deletions == std::vector<std::string>{"v1"});
  CHECK_FALSE(p.status.progressing);
  CHECK_FALSE(p.requeue_after);
}

TEST_CASE("a changed spec.replicas mid-rollout is a scaling event handled proportionally") {
  DeploymentSyncInput in;
  const DeploymentView before = deployment(10, num(3), num(2));
  in.deployment = deployment(20, num(3), num(2));  // HPA doubled the replicas
  in.replica_sets = {live("old", 8, 0, 8, false, 1, before),
                     live("new", 5, 100, 0, true, 2, before)};
  in.status = status(13, 5, 8, 8);
  const DeploymentPlan p = sync_deployment(in, SimTime::from_seconds(200));
  CHECK(p.path == DeploymentSyncPath::kSync);
  // allowed 23, toAdd 10, order old(8), new(5): old round(8*23/13=14.15) -> 14,
  // new round(5*23/13 = 8.85) -> 9 (+4 of the 4 left).
  std::map<std::string, int32_t> got;
  for (const auto& s : p.scales) got[s.name] = s.replicas;
  CHECK(got == std::map<std::string, int32_t>{{"old", 14}, {"new", 9}});
  CHECK_FALSE(p.create_new_rs);
}

TEST_CASE("Recreate scales old RSs to 0, waits for their pods, then creates the new RS") {
  DeploymentSyncInput in;
  in.deployment = deployment(3);
  in.deployment.strategy = DeploymentStrategyType::kRecreate;
  in.replica_sets = {live("v1", 3, 0, 3, false, 1, in.deployment)};
  in.status = status(3, 3, 3, 3);

  DeploymentPlan p = sync_deployment(in, SimTime::from_seconds(10));
  CHECK(p.path == DeploymentSyncPath::kRecreate);
  REQUIRE(p.scales.size() == 1);
  CHECK(p.scales[0] == RSScale{"v1", 0, 3, 3});
  CHECK_FALSE(p.create_new_rs);

  // Spec 0 but two pods still terminating: wait.
  RSView v1 = live("v1", 0, 0, 0, false, 1, in.deployment);
  v1.status_replicas = 0;
  v1.live_pods = 2;
  in.replica_sets = {v1};
  p = sync_deployment(in, SimTime::from_seconds(11));
  CHECK(p.scales.empty());
  CHECK_FALSE(p.create_new_rs);

  // Gone: the new RS is created at full size.
  in.replica_sets[0].live_pods = 0;
  p = sync_deployment(in, SimTime::from_seconds(40));
  REQUIRE(p.create_new_rs);
  CHECK(p.create_new_rs->replicas == 3);
  CHECK(p.create_new_rs->revision == 2);
  CHECK(p.scales.empty());
}

TEST_CASE("a paused deployment creates no new RS and reports DeploymentPaused") {
  DeploymentSyncInput in;
  in.deployment = deployment(4, pct(25), pct(25));
  in.deployment.paused = true;
  in.replica_sets = {live("v1", 4, 0, 4, false, 1, in.deployment)};
  in.status = status(4, 4, 4, 4);
  const DeploymentPlan p = sync_deployment(in, SimTime::from_seconds(30));
  CHECK(p.path == DeploymentSyncPath::kSync);
  CHECK_FALSE(p.create_new_rs);
  CHECK(p.scales.empty());
  REQUIRE(p.status.progressing);
  CHECK(p.status.progressing->status == ConditionStatus::kUnknown);
  CHECK(p.status.progressing->reason == kReasonPaused);
}

TEST_CASE("rolling back to an older RS bumps its revision above every old one") {
  DeploymentSyncInput in;
  in.deployment = deployment(2, num(1), num(0));
  in.replica_sets = {live("v1", 0, 0, 0, true, 1, in.deployment),
                     live("v2", 2, 50, 2, false, 2, in.deployment)};
  in.status = status(2, 0, 2, 2);
  const DeploymentPlan p = sync_deployment(in, SimTime::from_seconds(300));
  REQUIRE(p.new_rs_index);
  CHECK(*p.new_rs_index == 0);
  CHECK(p.new_rs_revision == 3);
  REQUIRE(p.scales.size() == 1);
  CHECK(p.scales[0] == RSScale{"v1", 1, 2, 3});
}

}  // namespace
}  // namespace simcluster
