// Property-style rollouts: drive sync_deployment step by step against a tiny
// ReplicaSet model (pods become available one step after creation; scale-down
// removes unavailable pods first, as ActivePodsWithRanks does) and check the
// rolling update's guarantees at every step.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "simcluster/workload.h"

namespace simcluster {
namespace {

struct ModelRS {
  RSView view;            // spec, annotations, revision, template match
  std::vector<int> born;  // creation step of each pod
};

struct RolloutRun {
  int steps = 0;
  int min_available = 1 << 30;
  int max_total = 0;
  bool complete = false;
  std::map<std::string, int> final_pods;
};

// One "step": RS statuses are read, the Deployment syncs, its writes are
// applied, the RS controller creates/deletes pods, then time advances.
RolloutRun run_rollout(DeploymentView d, int32_t replicas_before, int max_steps) {
  std::vector<ModelRS> rss;
  ModelRS old;
  old.view.name = "web-v1";
  old.view.replicas = replicas_before;
  old.view.revision = 1;
  old.view.created = SimTime::from_seconds(0);
  old.view.desired_replicas_annotation = d.replicas;
  old.view.max_replicas_annotation = d.replicas + max_surge(d);
  old.born.assign(static_cast<size_t>(replicas_before), -100);  // long available
  rss.push_back(old);

  DeploymentStatusView status;
  RolloutRun run;
  for (int step = 0; step < max_steps; ++step) {
    const SimTime now = SimTime::from_seconds(10 + step);
    // Status as the RS controller last reported it.
    DeploymentSyncInput in{.deployment = d, .status = status, .replica_sets = {}};
    for (auto& r : rss) {
      const int32_t pods = static_cast<int32_t>(r.born.size());
      const int32_t avail = static_cast<int32_t>(
          std::count_if(r.born.begin(), r.born.end(), [&](int b) { return b < step; }));
      r.view.status_replicas = pods;
      r.view.ready_replicas = avail;
      r.view.available_replicas = avail;
      r.view.live_pods = pods;
      in.replica_sets.push_back(r.view);
    }
    const DeploymentPlan plan = sync_deployment(in, now);
    status = plan.status;
    if (plan.create_new_rs) {
      ModelRS created;
      created.view.name = "web-v2";
      created.view.replicas = plan.create_new_rs->replicas;
      created.view.revision = plan.create_new_rs->revision;
      created.view.created = now;
      created.view.matches_template = true;
      created.view.desired_replicas_annotation = plan.create_new_rs->desired_annotation;
      created.view.max_replicas_annotation = plan.create_new_rs->max_annotation;
      rss.push_back(created);
    }
    for (const auto& s : plan.scales) {
      for (auto& r : rss) {
        if (r.view.name != s.name) continue;
        r.view.replicas = s.replicas;
        r.view.desired_replicas_annotation = s.desired_annotation;
        r.view.max_replicas_annotation = s.max_annotation;
      }
    }
    // ReplicaSet controller: create missing pods, delete the unavailable first.
    for (auto& r : rss) {
      while (static_cast<int32_t>(r.born.size()) < r.view.replicas) r.born.push_back(step);
      std::sort(r.born.begin(), r.born.end());  // newest (least available) last
      while (static_cast<int32_t>(r.born.size()) > r.view.replicas) r.born.pop_back();
    }
    // The invariants hold on the pods that exist at the end of the step,
    // counting availability as it was during the step.
    int total = 0, available = 0;
    for (const auto& r : rss) {
      total += static_cast<int>(r.born.size());
      available += static_cast<int>(
          std::count_if(r.born.begin(), r.born.end(), [&](int b) { return b < step; }));
    }
    run.min_available = std::min(run.min_available, available);
    run.max_total = std::max(run.max_total, total);
    run.steps = step + 1;
    const bool only_new = rss.size() == 2 && rss[0].born.empty() &&
                          static_cast<int32_t>(rss[1].born.size()) == d.replicas;
    if (only_new && available == d.replicas) {
      run.complete = true;
      break;
    }
  }
  for (const auto& r : rss) run.final_pods[r.view.name] = static_cast<int>(r.born.size());
  return run;
}

TEST_CASE("a 5-replica rollout with maxSurge 1, maxUnavailable 0 never dips below 5 available") {
  DeploymentView d;
  d.name = "web";
  d.replicas = 5;
  d.max_surge = IntOrPercent{false, 1};
  d.max_unavailable = IntOrPercent{false, 0};
  const RolloutRun run = run_rollout(d, 5, 100);
  CHECK(run.complete);
  CHECK(run.min_available >= d.replicas - max_unavailable(d));
  CHECK(run.min_available == 5);
  CHECK(run.max_total <= d.replicas + max_surge(d));
  CHECK(run.max_total == 6);  // the surge is used
  CHECK(run.final_pods == std::map<std::string, int>{{"web-v1", 0}, {"web-v2", 5}});
  // Each new pod costs a create step and an availability step.
  CHECK(run.steps <= 12);
}

TEST_CASE("a 10-replica rollout with the 25%/25% defaults stays within 8..13 pods") {
  DeploymentView d;
  d.name = "web";
  d.replicas = 10;
  const RolloutRun run = run_rollout(d, 10, 100);
  CHECK(run.complete);
  CHECK(run.min_available >= 8);
  CHECK(run.max_total <= 13);
  CHECK(run.final_pods == std::map<std::string, int>{{"web-v1", 0}, {"web-v2", 10}});
}

TEST_CASE("a rollout with maxSurge 0 and maxUnavailable 0 still progresses one pod at a time") {
  DeploymentView d;
  d.name = "web";
  d.replicas = 3;
  d.max_surge = IntOrPercent{false, 0};
  d.max_unavailable = IntOrPercent{false, 0};  // fencepost bump: unavailable 1
  const RolloutRun run = run_rollout(d, 3, 100);
  CHECK(run.complete);
  CHECK(run.min_available >= 2);
  CHECK(run.max_total <= 3);
}

}  // namespace
}  // namespace simcluster
