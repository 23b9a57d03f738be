// Whole runs of kube-scheduler's retry of unschedulable pods: the scheduling queue's back-off
// (podInitialBackoffSeconds 1 s doubling to podMaxBackoffSeconds 10 s) and the cluster events
// that move a pod out of unschedulablePods.
//
// Mirrors k8s pkg/scheduler/backend/queue/scheduling_queue.go as of v1.27-v1.31, the versions
// whose messages scheduler.h reproduces. Later defaults change the timing: v1.32 turns on
// SchedulerQueueingHints (per-plugin hints decide which events move a pod), and v1.33 turns on
// SchedulerPopFromBackoffQ (backoff_queue.go: back-off ends are truncated to the second, and
// an idle scheduler pops a backing-off pod at once, so the back-off only delays pods while
// others are waiting). The cases at the end were deviations, now fixed. In v1.27-v1.31:
//  * a failed pod waits in unschedulablePods; Timestamp = the failure time, Attempts counts
//    its scheduling attempts, back-off = min(1 s * 2^(Attempts-1), 10 s);
//  * a relevant cluster event (node became schedulable, assigned pod deleted, ...) moves it to
//    activeQ when its back-off has expired, else to backoffQ, flushed into activeQ once it has;
//  * flushBackoffQCompleted runs every 1 s from the scheduler's start (t = 0 here), so a
//    back-off ending on a whole second is flushed at that second.
// White-box: the pod's attempt counter and back-off end are read from the engine's store.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/store.h"
#include "sim_builders.h"
#include "simcluster/simulator.h"

namespace simcluster {
namespace {

using namespace testing;

SimTime ms(int64_t t) { return SimTime::from_ms(t); }

SimTimelineEvent node_event(TimelineAction action, const std::string& node, int64_t at_ms) {
  SimTimelineEvent e;
  e.at = SimDuration{at_ms};
  e.action = action;
  e.node = node;
  return e;
}

SimTimelineEvent scale(const std::string& deployment, int32_t replicas, int64_t at_ms) {
  SimTimelineEvent e;
  e.at = SimDuration{at_ms};
  e.action = TimelineAction::kScale;
  e.kind = "Deployment";
  e.name = deployment;
  e.replicas = replicas;
  return e;
}

// The one pod of Deployment default/<name>, from the store.
const SimPod& pod_of(const Simulator& sim, const std::string& deployment) {
  const SimPod* found = nullptr;
  for (const auto& [name, p] : sim.store().pods) {
    if (p.workload == "Deployment/default/" + deployment && !p.terminating()) {
      REQUIRE_MESSAGE(found == nullptr, "two pods of ", deployment);
      found = &p;
    }
  }
  REQUIRE_MESSAGE(found != nullptr, "no pod of ", deployment);
  return *found;
}

std::vector<ReportEvent> events_for(const Report& r, const std::string& kind,
                                    const std::string& object) {
  std::vector<ReportEvent> out;
  for (const ReportEvent& e : events_of(r, kind)) {
    if (e.object == object) out.push_back(e);
  }
  return out;
}

// Two nodes with nothing reserved: small-0 (1 CPU) and big-0 (4 CPU, cordoned at t = 0).
// Deployment "big" (one 1500m pod) starts at 0 replicas and is scaled to 1 at 10 s: its pod
// fits only big-0.
SimulationConfig cordoned_world() {
  SimulationConfig cfg;
  cfg.node_pools.push_back(pool("small", 1, 1'000, 4 * kGi));
  cfg.node_pools.push_back(pool("big", 1, 4'000, 16 * kGi));
  cfg.duration = std::chrono::minutes(20);
  cfg.manifests.deployments.push_back(
      deployment("big", 0, container("app", "big:1", "1500m", "64Mi")));
  cfg.timeline.push_back(node_event(TimelineAction::kCordon, "big-0", 0));
  cfg.timeline.push_back(scale("big", 1, 10'000));
  return cfg;
}

constexpr const char* kCordonedMessage =
    "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 "
    "nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not "
    "helpful for scheduling..";

TEST_CASE("a pod Pending on a cordoned node binds the moment the node is uncordoned") {
  SimulationConfig cfg = cordoned_world();
  cfg.timeline.push_back(node_event(TimelineAction::kUncordon, "big-0", 100'000));
  Simulator sim(std::move(cfg));
  sim.run_until(ms(99'999));
  const std::string object = "Pod/default/" + pod_of(sim, "big").pod.metadata.name;
  {
    const SimPod& p = pod_of(sim, "big");
    CHECK_FALSE(p.bound());
    // One attempt at 10 s; nothing relevant happened since, so no retry (the 5-minute flush
    // is not due until 310 s). Its 1 s back-off ended long ago.
    CHECK(p.schedule_attempts == 1);
    CHECK(p.last_attempt == sec(10));
    CHECK(p.backoff_until == sec(11));
    CHECK(p.unschedulable_message == kCordonedMessage);
  }
  sim.run_until(sec(101));
  const Report& r = sim.report();
  auto failed = events_for(r, "FailedScheduling", object);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].t == sec(10));
  CHECK(failed[0].message == kCordonedMessage);
  // NodeSpecUnschedulableChange: the back-off is over, so straight to activeQ and bound at once.
  auto scheduled = events_for(r, "Scheduled", object);
  REQUIRE(scheduled.size() == 1);
  CHECK(scheduled[0].t == sec(100));
  CHECK(scheduled[0].details.at("node") == "big-0");
  CHECK(pod_of(sim, "big").schedule_attempts == 1);
}

TEST_CASE("an uncordon during the 1 s back-off binds the pod when the back-off ends") {
  // Failed at 10 s with Attempts = 1: backing off until 11 s. The uncordon at 10.5 s moves it
  // to backoffQ; it is flushed to activeQ and bound at 11 s.
  SimulationConfig cfg = cordoned_world();
  cfg.timeline.push_back(node_event(TimelineAction::kUncordon, "big-0", 10'500));
  Simulator sim(std::move(cfg));
  sim.run_until(ms(10'999));
  CHECK_FALSE(pod_of(sim, "big").bound());
  CHECK(pod_of(sim, "big").schedule_attempts == 1);
  sim.run_until(sec(11));
  const SimPod& p = pod_of(sim, "big");
  REQUIRE(p.bound());
  CHECK(p.node_name == "big-0");
  CHECK(p.scheduled_at == sec(11));
  CHECK(events_for(sim.report(), "FailedScheduling", "Pod/default/" + p.pod.metadata.name).size() ==
        1);
}

TEST_CASE("futile retries on pod deletions double the back-off, 1, 2, 4, 8 s, capped at 10 s") {
  // One 4-CPU node. "filler" (one 1500m pod) and "churn" (one 10m pod) run from t = 0; the
  // 3000m "big" pod arrives at 10 s and cannot fit (1510m used) until filler goes at 50.5 s.
  // churn is scaled 1 -> 0 at every x.25 s (an assigned pod deleted: NodeResourcesFit's
  // AssignedPodDelete event, which moves the pod) and 0 -> 1 at every x.75 s (an assigned pod
  // added, which does not). So there is always an event during each back-off, and every retry
  // happens exactly when the back-off ends:
  //   attempt  at    back-off   until
  //      1     10 s     1 s     11 s
  //      2     11 s     2 s     13 s
  //      3     13 s     4 s     17 s
  //      4     17 s     8 s     25 s
  //      5     25 s    10 s     35 s   (16 s capped at podMaxBackoff)
  //      6     35 s    10 s     45 s
  //      7     45 s    10 s     55 s
  //   filler deleted at 50.5 s -> the pod fits; it waits out its back-off and binds at 55 s.
  SimulationConfig cfg;
  cfg.node_pools.push_back(pool("n", 1, 4'000, 16 * kGi));
  cfg.duration = std::chrono::minutes(5);
  cfg.kubelet.shutdown = SimDuration{0};  // a deleted pod is gone at once
  cfg.manifests.deployments.push_back(
      deployment("filler", 1, container("app", "filler:1", "1500m", "64Mi")));
  cfg.manifests.deployments.push_back(
      deployment("churn", 1, container("app", "churn:1", "10m", "16Mi")));
  cfg.manifests.deployments.push_back(
      deployment("big", 0, container("app", "big:1", "3000m", "64Mi")));
  cfg.timeline.push_back(scale("big", 1, 10'000));
  for (int64_t s = 10; s < 60; ++s) {
    cfg.timeline.push_back(scale("churn", 0, s * 1000 + 250));
    cfg.timeline.push_back(scale("churn", 1, s * 1000 + 750));
  }
  cfg.timeline.push_back(scale("filler", 0, 50'500));
  Simulator sim(std::move(cfg));

  struct Attempt {
    int64_t at_s, until_s;
  };
  const std::vector<Attempt> attempts = {{10, 11}, {11, 13}, {13, 17}, {17, 25},
                                         {25, 35}, {35, 45}, {45, 55}};
  for (size_t i = 0; i < attempts.size(); ++i) {
    CAPTURE(i);
    sim.run_until(ms(attempts[i].at_s * 1000 - 1));
    if (i > 0) {
      CHECK(pod_of(sim, "big").schedule_attempts == static_cast<int32_t>(i));
    }
    sim.run_until(sec(attempts[i].at_s));
    const SimPod& p = pod_of(sim, "big");
    CHECK_FALSE(p.bound());
    CHECK(p.schedule_attempts == static_cast<int32_t>(i + 1));
    CHECK(p.last_attempt == sec(attempts[i].at_s));
    CHECK(p.backoff_until == sec(attempts[i].until_s));
  }
  sim.run_until(ms(54'999));
  CHECK_FALSE(pod_of(sim, "big").bound());
  sim.run_until(sec(56));
  const SimPod& p = pod_of(sim, "big");
  REQUIRE(p.bound());
  CHECK(p.scheduled_at == sec(55));
  CHECK(p.schedule_attempts == 7);
  // Every attempt failed with the same message: one FailedScheduling event (kube-scheduler
  // emits one per attempt; the API server's event correlator folds identical ones into a
  // single Event with a count).
  const std::string object = "Pod/default/" + p.pod.metadata.name;
  auto failed = events_for(sim.report(), "FailedScheduling", object);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].t == sec(10));
  CHECK(failed[0].message ==
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 "
        "No preemption victims found for incoming pod..");
}

// ---------------------------------------------------------------- known deviations

// kube-scheduler v1.27-v1.31 (eventhandlers.go updateNodeInCache): a node update moves
// unschedulable pods only when the node became more schedulable (nodeSchedulingPropertiesChange:
// spec.unschedulable true -> false, allocatable, labels, taints, conditions) and only pods that
// pass preCheckForNode on it. Cordoning small-0 at 30 s is no event: the pod, whose back-off
// ended at 11 s, is moved straight to activeQ by the uncordon of big-0 at 31 s and bound then.
// (simcluster used to move every pod on any Node change: the cordon caused a futile attempt at
// 30 s, back-off until 32 s, and the pod bound at 32 s.)
TEST_CASE("a cordon is no cluster event: the pod binds at the uncordon that follows") {
  SimulationConfig cfg = cordoned_world();
  cfg.timeline.push_back(node_event(TimelineAction::kCordon, "small-0", 30'000));
  cfg.timeline.push_back(node_event(TimelineAction::kUncordon, "big-0", 31'000));
  Simulator sim(std::move(cfg));
  sim.run_until(sec(40));
  const SimPod& p = pod_of(sim, "big");
  REQUIRE(p.bound());
  CHECK(p.scheduled_at.ms() == 31'000);
  CHECK(p.schedule_attempts == 1);
  CHECK(events_for(sim.report(), "FailedScheduling", "Pod/default/" + p.pod.metadata.name).size() ==
        1);
}

// kube-scheduler (scheduling_queue.go Run / flushUnschedulablePodsLeftover): the leftover
// flush runs every 30 s from the scheduler's start and moves pods whose
// now - Timestamp > podMaxInUnschedulablePodsDuration (5 min). A pod that failed at 10 s is
// retried at the first tick with now - 10 s > 300 s: 330 s.
// (simcluster used to retry at exactly 310 s.)
TEST_CASE("with nothing changing, the pod is retried at the first 30 s flush after 5 minutes") {
  Simulator sim(cordoned_world());
  sim.run_until(ms(329'999));
  CHECK(pod_of(sim, "big").schedule_attempts == 1);
  sim.run_until(sec(330));
  CHECK(pod_of(sim, "big").schedule_attempts == 2);
  CHECK(pod_of(sim, "big").last_attempt.ms() == 330'000);
}

}  // namespace
}  // namespace simcluster
