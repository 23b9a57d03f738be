// The controllers' less common paths, and the engine's pure helpers.
#include "sim/controllers.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>

#include "sim/store.h"
#include "sim_builders.h"
#include "simcluster/simulator.h"

namespace simcluster {
namespace {

using namespace testing;

SimulationConfig world(int32_t nodes = 1, int64_t cpu = 16'000) {
  SimulationConfig cfg;
  cfg.node_pools.push_back(pool("pool", nodes, cpu, 64 * kGi));
  cfg.duration = std::chrono::hours(1);
  cfg.kubelet.shutdown = std::chrono::seconds(1);
  return cfg;
}

SimTimelineEvent rollout_of(const char* kind, const char* name, const char* image, int64_t at) {
  SimTimelineEvent e;
  e.at = std::chrono::seconds(at);
  e.action = TimelineAction::kRollout;
  e.kind = kind;
  e.name = name;
  e.image = image;
  return e;
}

// ---------------------------------------------------------------- probes

TEST_CASE("probe ticks start at the bind and skip the initial delay in whole seconds") {
  CHECK(first_tick_at_or_after(sec(0), std::chrono::seconds(10), sec(7)) == sec(10));
  CHECK(first_tick_at_or_after(sec(3), std::chrono::seconds(10), sec(3)) == sec(3));
  CHECK(first_tick_at_or_after(sec(3), std::chrono::seconds(10), sec(14)) == sec(23));
  Container c = container("a", "x", "1m", "1Mi");
  c.readiness_probe = http_probe(5, 10);
  // Running at 7 s: the 10 s tick is 3 s after the start (< 5): skipped.
  ProbeTimeline t = probe_timeline(c, sec(0), sec(7), RolloutFault::kNone);
  CHECK(t.started == sec(7));
  CHECK(t.ready == sec(20));
  CHECK_FALSE(t.killed);
  // A startup probe first: started at the 10 s tick, readiness from there.
  c.startup_probe = http_probe(0, 10);
  c.readiness_probe = http_probe(0, 5);
  t = probe_timeline(c, sec(0), sec(7), RolloutFault::kNone);
  CHECK(t.started == sec(10));
  CHECK(t.ready == sec(10));
  // A hanging revision: the startup probe fails 3 times (10, 20, 30 s) -> killed.
  t = probe_timeline(c, sec(0), sec(7), RolloutFault::kHang);
  CHECK_FALSE(t.ready);
  CHECK(t.killed == sec(30));
  // Without a startup probe the liveness probe kills it after its delay.
  c.startup_probe.reset();
  c.liveness_probe = http_probe(30, 10, 1, 3);
  t = probe_timeline(c, sec(0), sec(7), RolloutFault::kHang);
  CHECK_FALSE(t.ready);
  CHECK(t.killed == sec(60));  // ticks >= 37 s: 40, 50, 60
}

// ---------------------------------------------------------------- cron

TEST_CASE("cron schedules parse and fire at the next matching minute") {
  auto every5 = parse_cron("*/5 * * * *");
  REQUIRE(every5);
  CHECK(next_cron_time(*every5, sec(0)) == sec(300));
  CHECK(next_cron_time(*every5, sec(300)) == sec(600));
  CHECK(next_cron_time(*every5, sec(301)) == sec(600));
  auto daily = parse_cron("@daily");
  REQUIRE(daily);
  CHECK(next_cron_time(*daily, sec(0)) == sec(86'400));
  // 2024-01-01 is a Monday: "0 9 * * 3" (Wednesday 09:00) is 2 days 9 hours in.
  auto wed = parse_cron("0 9 * * 3");
  REQUIRE(wed);
  CHECK(next_cron_time(*wed, sec(0)) == sec((2 * 24 + 9) * 3600));
  auto feb = parse_cron("30 1 29 2 *");  // 2024 is a leap year
  REQUIRE(feb);
  CHECK(next_cron_time(*feb, sec(0)) == sec((59 * 24 + 1) * 3600 + 1800));
  CHECK_FALSE(parse_cron("* * * *"));
  CHECK_FALSE(parse_cron("61 * * * *"));
  CHECK_FALSE(parse_cron("*/0 * * * *"));
  CHECK_FALSE(parse_cron("bogus"));
}

// ---------------------------------------------------------------- workloads

TEST_CASE("Recreate stops every old pod before starting the new revision") {
  SimulationConfig cfg = world();
  Deployment d = deployment("web", 3, container("app", "web:1", "100m", "64Mi"));
  d.strategy.type = "Recreate";
  cfg.manifests.deployments.push_back(d);
  cfg.timeline.push_back(rollout_of("Deployment", "web", "web:2", 60));
  Simulator sim(std::move(cfg));
  sim.run_until(sec(60));
  // All 3 old pods terminating, no new pod yet.
  int terminating = 0, fresh = 0;
  for (const PodView& p : sim.pods()) {
    if (p.status == "Terminating")
      ++terminating;
    else
      ++fresh;
  }
  CHECK(terminating == 3);
  CHECK(fresh == 0);
  // Gone after the 1 s shutdown; the new RS then starts its 3 pods (7 s to Ready).
  sim.run_until(sec(61));
  CHECK(sim.pods().size() == 3);
  for (const PodView& p : sim.pods()) CHECK_FALSE(p.ready);
  sim.run_until(sec(70));
  auto w = sim.workload("Deployment", "default", "web");
  CHECK(w->updated == 3);
  CHECK(w->ready == 3);
}

TEST_CASE("minReadySeconds holds the old pod until the new one has been Ready long enough") {
  SimulationConfig cfg = world();
  Deployment d = deployment("web", 1, container("app", "web:1", "100m", "64Mi"));
  d.min_ready_seconds = 10;
  d.strategy.max_surge = {false, 1};
  d.strategy.max_unavailable = {false, 0};
  cfg.manifests.deployments.push_back(d);
  cfg.timeline.push_back(rollout_of("Deployment", "web", "web:2", 100));
  Simulator sim(std::move(cfg));
  auto old_terminating = [&] {
    for (const PodView& p : sim.pods()) {
      if (p.status == "Terminating") return true;
    }
    return false;
  };
  // The new pod is Ready at 107 s (pull 5 s + start 2 s); available once Ready
  // for more than 10 s; the ReplicaSet re-syncs 11 s after the Ready transition,
  // at 118 s, and only then does the Deployment scale the old one down.
  sim.run_until(sec(107));
  CHECK(sim.pods().size() == 2);
  sim.run_until(SimTime::from_ms(117'999));
  CHECK_FALSE(old_terminating());
  sim.run_until(sec(118));
  CHECK(old_terminating());
}

TEST_CASE("a scale during a rollout is spread over the ReplicaSets in proportion") {
  SimulationConfig cfg = world();
  Container c = container("app", "web:1", "100m", "64Mi");
  c.readiness_probe = http_probe(60, 10);  // slow to become Ready: the rollout lingers
  Deployment d = deployment("web", 10, c);
  cfg.manifests.deployments.push_back(d);
  cfg.timeline.push_back(rollout_of("Deployment", "web", "web:2", 200));
  SimTimelineEvent scale;
  scale.at = std::chrono::seconds(205);
  scale.action = TimelineAction::kScale;
  scale.name = "web";
  scale.replicas = 20;
  cfg.timeline.push_back(scale);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(204));
  // 25%/25% of 10 (surge 3, unavailable 2): the new RS is created at 3 and the
  // old one scaled 10 -> 8; the next sync grows the new RS to 5 (13 in all);
  // then nothing until new pods are available.
  auto rs_sizes = [&] {
    std::vector<int32_t> out;
    for (const auto& [key, rs] : sim.store().replica_sets) out.push_back(rs.replicas);
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(rs_sizes() == std::vector<int32_t>{5, 8});
  sim.run_until(sec(205));
  // 10 -> 20 (surge 5): allowed 25, toAdd 12, both annotated max-replicas 13;
  // largest first: old 8 -> round(8 x 25 / 13 = 15.4) = 15 (+7), new 5 ->
  // round(5 x 25 / 13 = 9.6) = 10 (+5, all that is left).
  CHECK(rs_sizes() == std::vector<int32_t>{10, 15});
  sim.run_until(sec(1200));
  auto w = sim.workload("Deployment", "default", "web");
  CHECK(w->desired == 20);
  CHECK(w->updated == 20);
  CHECK(w->available == 20);
}

TEST_CASE("scaling down a ReplicaSet whose surplus pods are Pending deletes them at once") {
  // 1 node of 1 CPU holds 2 of the 6 pods of 400m; the other 4 stay Pending.
  // Scaling to 1 deletes Pending pods first (ActivePodsWithRanks: unassigned
  // before assigned), and an unbound pod leaves the store at once. The
  // controller must not read a deleted pod afterwards: under AddressSanitizer
  // (scripts/sanitize.sh) this was a heap-use-after-free in
  // ReplicaSetController::reconcile.
  SimulationConfig cfg = world(1, 1'000);
  cfg.manifests.deployments.push_back(
      deployment("web", 6, container("app", "web:1", "400m", "64Mi")));
  SimTimelineEvent scale;
  scale.at = std::chrono::seconds(60);
  scale.action = TimelineAction::kScale;
  scale.name = "web";
  scale.replicas = 1;
  cfg.timeline.push_back(scale);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(59));
  auto count = [&](const char* status) {
    const std::vector<PodView> pods = sim.pods();
    return std::count_if(pods.begin(), pods.end(),
                         [&](const PodView& p) { return p.status == status; });
  };
  CHECK(count("Pending") == 4);
  sim.run_until(sec(60));
  CHECK(count("Pending") == 0);
  sim.run_until(sec(120));
  CHECK(sim.pods().size() == 1);
  auto w = sim.workload("Deployment", "default", "web");
  CHECK(w->desired == 1);
  CHECK(w->available == 1);
}

TEST_CASE("a StatefulSet rolling update goes in reverse ordinal order and stops at the partition") {
  SimulationConfig cfg = world();
  StatefulSet s = stateful_set("db", 4, container("db", "pg:15", "100m", "64Mi"));
  s.partition = 2;
  cfg.manifests.stateful_sets.push_back(s);
  cfg.timeline.push_back(rollout_of("StatefulSet", "db", "pg:16", 100));
  Simulator sim(std::move(cfg));
  sim.run_until(sec(99));
  std::map<std::string, std::string> before;
  for (const PodView& p : sim.pods()) before[p.name] = p.revision;
  REQUIRE(before.size() == 4);
  sim.run_until(sec(100));
  // db-3 first.
  for (const PodView& p : sim.pods()) {
    if (p.name == "db-3")
      CHECK(p.status == "Terminating");
    else
      CHECK(p.status == "Running");
  }
  sim.run_until(sec(300));
  std::map<std::string, std::string> after;
  for (const PodView& p : sim.pods()) after[p.name] = p.revision;
  CHECK(after["db-0"] == before["db-0"]);
  CHECK(after["db-1"] == before["db-1"]);
  CHECK(after["db-2"] != before["db-2"]);
  CHECK(after["db-3"] != before["db-3"]);
  CHECK(after["db-2"] == after["db-3"]);
  const Report& r = sim.report();
  auto steps = events_of(r, "RolloutStep");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].message.find("db-3") != std::string::npos);
  CHECK(steps[1].message.find("db-2") != std::string::npos);
  CHECK(events_of(r, "RolloutComplete").empty());  // partition 2: not all updated
}

TEST_CASE("a DaemonSet runs one pod on every node and its requests count on each") {
  SimulationConfig cfg = world(3, 4'000);
  DaemonSet ds;
  ds.metadata = meta("agent");
  ds.selector.match_labels = {{"app", "agent"}};
  ds.template_ = pod_template("agent", container("agent", "agent:1", "200m", "128Mi"));
  cfg.manifests.daemon_sets.push_back(ds);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(30));
  std::set<std::string> nodes;
  for (const PodView& p : sim.pods()) {
    CHECK(p.ready);
    nodes.insert(p.node);
  }
  CHECK(nodes.size() == 3);
  for (const NodeView& n : sim.nodes()) CHECK(n.requested.cpu_milli == 200);
  CHECK(sim.workload("DaemonSet", "default", "agent")->desired == 3);
}

TEST_CASE("a DaemonSet update replaces one node at a time, each new pod after the old is gone") {
  SimulationConfig cfg = world(3, 4'000);  // kubelet shutdown 1 s
  DaemonSet ds;
  ds.metadata = meta("agent");
  ds.selector.match_labels = {{"app", "agent"}};
  ds.template_ = pod_template("agent", container("agent", "agent:1", "200m", "128Mi"));
  ds.min_ready_seconds = 5;
  cfg.manifests.daemon_sets.push_back(ds);
  cfg.timeline.push_back(rollout_of("DaemonSet", "agent", "agent:2", 60));
  Simulator sim(std::move(cfg));
  sim.run_until(sec(59));
  const std::string old_revision = sim.pods().at(0).revision;
  // maxUnavailable 1 (update.go rollingUpdate, maxSurge 0): at every instant two nodes
  // keep a Ready pod, and no replacement waits Pending beside a terminating old pod.
  std::set<std::string> revisions_seen;
  for (int64_t ms = 60'000; ms <= 240'000; ms += 250) {
    sim.run_until(SimTime::from_ms(ms));
    int ready = 0;
    for (const PodView& p : sim.pods()) {
      ready += p.ready ? 1 : 0;
      CHECK(p.status != "Pending");
      revisions_seen.insert(p.revision);
    }
    CHECK(ready >= 2);
  }
  CHECK(revisions_seen.size() == 2);
  for (const PodView& p : sim.pods()) {
    CHECK(p.revision != old_revision);
    CHECK(p.ready);
  }
  // One node at a time: old pod deleted, gone 1 s later, new pod pulled (5 s), started
  // (2 s), Ready and then available 5 s later (minReadySeconds): 3 steps.
  const Report& r = sim.report();
  CHECK(events_of(r, "RolloutStep").size() == 3);
  REQUIRE(events_of(r, "RolloutComplete").size() == 1);
}

// One 1-CPU node full with two 400m "low" pods; at 30 s "high" (500m) is scaled to 1.
// `high_spec` sets its priority (or class) and preemption policy.
SimulationConfig preemption_world(const std::function<void(PodSpec&)>& high_spec) {
  SimulationConfig cfg = world(1, 1'000);
  Deployment low = deployment("low", 2, container("app", "low:1", "400m", "64Mi"));
  low.template_.spec.priority = 0;
  cfg.manifests.deployments.push_back(low);
  Deployment high = deployment("high", 0, container("app", "high:1", "500m", "64Mi"));
  high_spec(high.template_.spec);
  cfg.manifests.deployments.push_back(high);
  SimTimelineEvent scale;
  scale.at = std::chrono::seconds(30);
  scale.action = TimelineAction::kScale;
  scale.name = "high";
  scale.replicas = 1;
  cfg.timeline.push_back(scale);
  return cfg;
}

TEST_CASE("a high-priority pod preempts a lower-priority one on a full node") {
  Simulator sim(preemption_world([](PodSpec& s) { s.priority = 1000; }));
  sim.run_until(sec(29));
  CHECK(sim.workload("Deployment", "default", "low")->ready == 2);
  sim.run_until(sec(60));
  const Report& r = sim.report();
  CHECK(events_of(r, "Preempted").size() == 1);
  CHECK(sim.workload("Deployment", "default", "high")->ready == 1);
  // The preempted low pod's replacement cannot fit any more: it stays Pending.
  auto low_now = sim.workload("Deployment", "default", "low");
  CHECK(low_now->ready == 1);
  CHECK(low_now->pods == 2);
}

TEST_CASE("a pod whose preemptionPolicy is Never waits instead of preempting") {
  // From its PriorityClass, or set on the pod itself over a class that would preempt.
  for (bool on_pod : {false, true}) {
    CAPTURE(on_pod);
    SimulationConfig cfg = preemption_world([&](PodSpec& s) {
      s.priority_class_name = "important";
      if (on_pod) s.preemption_policy = "Never";
    });
    PriorityClass pc;
    pc.metadata = meta("important", "");
    pc.value = 1000;
    pc.preemption_policy = on_pod ? "PreemptLowerPriority" : "Never";
    cfg.manifests.priority_classes.push_back(pc);
    Simulator sim(std::move(cfg));
    sim.run_until(sec(90));
    const Report& r = sim.report();
    CHECK(events_of(r, "Preempted").empty());
    CHECK(sim.workload("Deployment", "default", "low")->ready == 2);
    CHECK(sim.workload("Deployment", "default", "high")->ready == 0);
    REQUIRE(r.pending.reasons.size() == 1);
    CHECK(r.pending.reasons.begin()->first ==
          "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to "
          "preemptionPolicy=Never..");
  }
}

TEST_CASE("preemption evicts the victim the kubelet started last, not the one created last") {
  // x is created first but waits for pool-1 (cordoned until 100 s): started at 100 s.
  // y is created at 50 s and starts at once on pool-0. At 200 s a high-priority pod needs
  // a whole node: the candidates tie on everything but start time, and the latest
  // status.startTime (x's) decides (pickOneNodeForPreemption), not the creation order.
  SimulationConfig cfg = world(2, 1'000);
  Deployment x = deployment("x", 1, container("app", "x:1", "1", "64Mi"));
  x.template_.spec.node_selector = {{"kubernetes.io/hostname", "pool-1"}};
  cfg.manifests.deployments.push_back(x);
  cfg.manifests.deployments.push_back(deployment("y", 0, container("app", "y:1", "1", "64Mi")));
  Deployment high = deployment("high", 0, container("app", "high:1", "1", "64Mi"));
  high.template_.spec.priority = 1000;
  cfg.manifests.deployments.push_back(high);
  SimTimelineEvent cordon;
  cordon.at = std::chrono::seconds(0);
  cordon.action = TimelineAction::kCordon;
  cordon.node = "pool-1";
  SimTimelineEvent uncordon = cordon;
  uncordon.at = std::chrono::seconds(100);
  uncordon.action = TimelineAction::kUncordon;
  SimTimelineEvent scale_y;
  scale_y.at = std::chrono::seconds(50);
  scale_y.action = TimelineAction::kScale;
  scale_y.name = "y";
  scale_y.replicas = 1;
  SimTimelineEvent scale_high = scale_y;
  scale_high.at = std::chrono::seconds(200);
  scale_high.name = "high";
  cfg.timeline = {cordon, uncordon, scale_y, scale_high};
  Simulator sim(std::move(cfg));
  sim.run_until(sec(150));
  REQUIRE(sim.workload("Deployment", "default", "x")->ready == 1);
  REQUIRE(sim.workload("Deployment", "default", "y")->ready == 1);
  sim.run_until(sec(260));
  const auto preempted = events_of(sim.report(), "Preempted");
  REQUIRE(preempted.size() == 1);
  CHECK(preempted[0].object.rfind("Pod/default/x-", 0) == 0);
  CHECK(sim.workload("Deployment", "default", "y")->ready == 1);
  CHECK(sim.workload("Deployment", "default", "high")->ready == 1);
}

TEST_CASE("a Job runs its completions with the configured run time") {
  SimulationConfig cfg = world();
  cfg.jobs.run_duration = std::chrono::seconds(30);
  Job j;
  j.metadata = meta("migrate");
  j.spec.parallelism = 2;
  j.spec.completions = 4;
  j.spec.template_ = pod_template("migrate", container("m", "migrate:1", "100m", "64Mi"));
  j.spec.template_.spec.restart_policy = "Never";
  cfg.manifests.jobs.push_back(j);
  Simulator sim(std::move(cfg));
  // Two pods at a time: started at 7 s, done at 37 s; the next two (image
  // present) start at 39 s and finish at 69 s.
  sim.run_until(sec(36));
  CHECK(events_of(sim.report(), "JobComplete").empty());
  sim.run_until(sec(70));
  auto done = events_of(sim.report(), "JobComplete");
  REQUIRE(done.size() == 1);
  CHECK(done[0].t == sec(69));
}

TEST_CASE("a Job without completions runs parallelism pods and completes when they are done") {
  SimulationConfig cfg = world();
  cfg.jobs.run_duration = std::chrono::seconds(30);
  Job j;
  j.metadata = meta("drain-queue");
  j.spec.parallelism = 3;  // completions unset: a work queue
  j.spec.template_ = pod_template("drain-queue", container("w", "worker:1", "100m", "64Mi"));
  j.spec.template_.spec.restart_policy = "Never";
  cfg.manifests.jobs.push_back(j);
  Simulator sim(std::move(cfg));
  // All three start together (pulled at 5 s, running at 7 s) and succeed at 37 s.
  sim.run_until(sec(10));
  CHECK(sim.pods().size() == 3);
  sim.run_until(sec(36));
  CHECK(events_of(sim.report(), "JobComplete").empty());
  sim.run_until(sec(60));
  auto done = events_of(sim.report(), "JobComplete");
  REQUIRE(done.size() == 1);
  CHECK(done[0].t == sec(37));
  CHECK(done[0].message == "3 completions in 37s");
}

TEST_CASE("a StatefulSet pod on a failed node comes back only once the evicted pod is gone") {
  for (bool force : {true, false}) {
    CAPTURE(force);
    SimulationConfig cfg = world(2, 4'000);
    cfg.kubelet.shutdown.reset();  // the whole 30 s grace period
    cfg.node_lifecycle.force_delete_unreachable_pods = force;
    StatefulSet s = stateful_set("db", 1, container("db", "pg:16", "100m", "64Mi"));
    s.template_.spec.node_selector = {};
    cfg.manifests.stateful_sets.push_back(s);
    Simulator probe(cfg);
    probe.run_until(sec(20));
    const std::string node = probe.pods().at(0).node;
    SimTimelineEvent fail;
    fail.at = std::chrono::seconds(60);
    fail.action = TimelineAction::kFailNode;
    fail.node = node;
    cfg.timeline.push_back(fail);
    Simulator sim(std::move(cfg));
    // NotReady at 100 s, evicted at 400 s; the API forgets it at 430 s (grace)
    // when forced, never otherwise (the StatefulSet must not run two db-0s).
    sim.run_until(SimTime::from_ms(429'999));
    REQUIRE(sim.pods().size() == 1);
    CHECK(sim.pods()[0].status == "Terminating");
    sim.run_until(sec(500));
    REQUIRE(sim.pods().size() == 1);
    if (force) {
      CHECK(sim.pods()[0].node != node);
      CHECK(sim.pods()[0].ready);
    } else {
      CHECK(sim.pods()[0].status == "Terminating");
      CHECK(sim.pods()[0].node == node);
    }
  }
}

TEST_CASE("unschedulable pods get kube-scheduler's message and retry with back-off") {
  SimulationConfig cfg = world(2, 1'000);
  cfg.manifests.deployments.push_back(
      deployment("big", 1, container("app", "big:1", "1500m", "64Mi")));
  Simulator sim(std::move(cfg));
  sim.run_until(sec(600));
  auto pods = sim.pods();
  REQUIRE(pods.size() == 1);
  CHECK(pods[0].pending_reason ==
        "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 "
        "No preemption victims found for incoming pod..");
  const Report& r = sim.report();
  CHECK(r.pending.reasons.size() == 1);
  CHECK(r.pending.pod_seconds == 600);
  // Retried only every 5 minutes when nothing changes: one event (same message).
  CHECK(events_of(r, "FailedScheduling").size() == 1);
  CHECK(std::any_of(r.warnings.begin(), r.warnings.end(),
                    [](const Warning& w) { return w.code == "PodLargerThanAnyNode"; }));
}

}  // namespace
}  // namespace simcluster
