// Whole runs of small worlds built in code: the engine's controllers working
// together, checked to the replica and the second.
#include "simcluster/simulator.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "sim/store.h"
#include "sim_builders.h"

namespace simcluster {
namespace {

using namespace testing;

std::string serialize(const Report& r) {
  std::string s = fmt::format("{} {} {}\n", r.scenario, r.seed, r.events_processed);
  for (const ReportEvent& e : r.events) {
    s += fmt::format("{} {} {} {}", e.t.ms(), e.kind, e.object, e.message);
    for (const auto& [k, v] : e.details) s += fmt::format(" {}={}", k, v);
    s += "\n";
  }
  for (const Sample& x : r.samples) {
    s += fmt::format("{} {} {} {}", x.t.ms(), x.users, x.nodes, x.pending_pods);
    for (const WorkloadSample& w : x.workloads) {
      s += fmt::format(" {}/{}/{}/{:.3f}", w.replicas, w.ready, w.desired, w.cpu_utilization);
    }
    s += "\n";
  }
  for (const WorkloadSummary& w : r.workloads) {
    s += fmt::format("{} {} {} {} {} {}\n", w.name, w.start_replicas, w.min_replicas,
                     w.max_replicas, w.end_replicas, w.seconds_at_max);
  }
  s += fmt::format("{} {} {:.6f}\n", r.pending.max_pending, r.pending.pod_seconds, r.total_cost);
  return s;
}

// ---------------------------------------------------------------- HPA

TEST_CASE("a scale-up under rising usage follows the HPA's policy of 2 pods per 60 s") {
  // 100m total (50% of 2 x 100m: on target) until 60 s, then 400m: the HPA
  // wants 8 pods, the policy allows +2 per 60 s: 4 at 60 s, 6 at 120 s, 8 at 180 s.
  ScriptedLoad load({{"default", "web", step(100, std::chrono::seconds(60), 400)}});
  Simulator sim(hpa_world(&load));
  sim.run_until(sec(59));
  CHECK(desired(sim, "Deployment", "web") == 2);
  sim.run_until(sec(60));
  CHECK(desired(sim, "Deployment", "web") == 4);
  sim.run_until(sec(119));
  CHECK(desired(sim, "Deployment", "web") == 4);
  sim.run_until(sec(120));
  CHECK(desired(sim, "Deployment", "web") == 6);
  sim.run_until(sec(179));
  CHECK(desired(sim, "Deployment", "web") == 6);
  sim.run_until(sec(180));
  CHECK(desired(sim, "Deployment", "web") == 8);
  sim.run_until(sec(400));
  CHECK(desired(sim, "Deployment", "web") == 8);
  auto w = sim.workload("Deployment", "default", "web");
  REQUIRE(w);
  CHECK(w->ready == 8);

  const Report& r = sim.report();
  auto scaled = events_of(r, "HPAScaled");
  REQUIRE(scaled.size() == 3);
  CHECK(scaled[0].t == sec(60));
  CHECK(scaled[0].details.at("limitedBy") == "ScaleUpLimit");
  CHECK(scaled[0].details.at("raw") == "8");
  CHECK(scaled[1].t == sec(120));
  CHECK(scaled[2].t == sec(180));
  REQUIRE(r.workloads.size() == 1);
  REQUIRE(r.workloads[0].hpa);
  CHECK(r.workloads[0].hpa->scale_ups == 3);
  CHECK(r.workloads[0].max_replicas == 8);
  // The load rose at 60 s; the 8th pod was Ready 2 s after the last scale-up.
  REQUIRE(r.workloads[0].hpa->reaction_seconds.size() == 1);
  CHECK(r.workloads[0].hpa->reaction_seconds[0] == 122);
}

TEST_CASE("a scale-down is held by the 300 s stabilization window") {
  // 400m until 600 s, then 100m: the HPA recommends 2 from 600 s on, but the
  // recommendations of 8 up to 585 s keep it at 8 until 885 s.
  ScriptedLoad load({{"default", "web", [](SimTime t) -> int64_t {
                        if (t < sec(60)) return 100;
                        return t < sec(600) ? 400 : 100;
                      }}});
  Simulator sim(hpa_world(&load));
  sim.run_until(sec(599));
  CHECK(desired(sim, "Deployment", "web") == 8);
  sim.run_until(sec(884));
  CHECK(desired(sim, "Deployment", "web") == 8);
  const HPAState* state = sim.hpa_state("default", "web");
  REQUIRE(state != nullptr);
  CHECK(state->status.desired_replicas == 8);
  sim.run_until(sec(885));
  CHECK(desired(sim, "Deployment", "web") == 2);
  sim.run_until(sec(1200));
  CHECK(desired(sim, "Deployment", "web") == 2);
  const Report& r = sim.report();
  auto held = events_of(r, "HPAHeld");
  // Before 180 s the rate limit held it; from 600 s the stabilization window.
  std::erase_if(held, [](const ReportEvent& e) { return e.t < sec(600); });
  REQUIRE_FALSE(held.empty());
  CHECK(held[0].t == sec(600));
  CHECK(held[0].details.at("stabilized") == "8");
  CHECK(held[0].details.at("raw") == "2");
  auto scaled = events_of(r, "HPAScaled");
  REQUIRE(scaled.size() == 4);
  CHECK(scaled[3].t == sec(885));
  CHECK(scaled[3].details.at("to") == "2");
}

// ---------------------------------------------------------------- rollouts

TEST_CASE("a rolling update never drops below replicas - maxUnavailable available pods") {
  SimulationConfig cfg = one_node_world();
  Container c = container("app", "web:1", "100m", "64Mi");
  c.readiness_probe = http_probe(5, 5);
  Deployment d = deployment("web", 4, c);
  d.strategy.max_surge = {false, 1};
  d.strategy.max_unavailable = {false, 1};
  cfg.manifests.deployments.push_back(d);
  SimTimelineEvent e;
  e.at = std::chrono::seconds(120);
  e.action = TimelineAction::kRollout;
  e.name = "web";
  e.image = "web:2";
  cfg.timeline.push_back(e);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(119));
  auto before = sim.workload("Deployment", "default", "web");
  REQUIRE(before);
  CHECK(before->available == 4);
  int32_t min_available = 4, max_pods = 0;
  for (int64_t ms = 120'000; ms <= 400'000; ms += 500) {
    sim.run_until(SimTime::from_ms(ms));
    auto w = sim.workload("Deployment", "default", "web");
    min_available = std::min(min_available, w->available);
    int32_t pods = 0;
    for (const PodView& p : sim.pods()) {
      if (p.workload == "Deployment/default/web") ++pods;  // terminating included
    }
    max_pods = std::max(max_pods, pods);
  }
  CHECK(min_available == 3);  // 4 - maxUnavailable, reached, never crossed
  auto w = sim.workload("Deployment", "default", "web");
  CHECK(w->updated == 4);
  CHECK(w->available == 4);
  CHECK_FALSE(w->rollout_in_progress);
  for (const PodView& p : sim.pods()) CHECK(p.revision != "");
  const Report& r = sim.report();
  auto done = events_of(r, "RolloutComplete");
  REQUIRE(done.size() == 1);
  REQUIRE(r.workloads[0].rollout_seconds.size() == 1);
  CHECK(r.workloads[0].rollout_seconds[0] > 0);
  CHECK(events_of(r, "RolloutStarted").size() == 1);
  CHECK(events_of(r, "RolloutStep").size() >= 4);
  CHECK(max_pods <= 4 + 1 + 4);  // surge 1 + old pods still shutting down
}

TEST_CASE("a crash-looping revision exceeds progressDeadlineSeconds and the rollout fails") {
  SimulationConfig cfg = one_node_world();
  Deployment d = deployment("web", 2, container("app", "web:1", "100m", "64Mi"));
  d.progress_deadline_seconds = 60;
  cfg.manifests.deployments.push_back(d);
  SimTimelineEvent e;
  e.at = std::chrono::seconds(100);
  e.action = TimelineAction::kRollout;
  e.name = "web";
  e.image = "web:broken";
  e.fault = RolloutFault::kCrash;
  cfg.timeline.push_back(e);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(600));
  const Report& r = sim.report();
  auto failed = events_of(r, "RolloutFailed");
  REQUIRE(failed.size() == 1);
  // Progress stops once the surge pod crash-loops; the deadline passes 60 s
  // after the last progress (the controller re-checks a second later).
  CHECK(failed[0].t > sec(160));
  CHECK(failed[0].t < sec(200));
  // maxUnavailable 25% of 2 = 0: the old pods keep serving.
  auto w = sim.workload("Deployment", "default", "web");
  CHECK(w->ready == 2);
  CHECK(w->rollout_in_progress);
  CHECK(events_of(r, "RolloutComplete").empty());
  CHECK_FALSE(events_of(r, "ContainerRestarted").empty());
}

// ---------------------------------------------------------------- StatefulSets

TEST_CASE("an OrderedReady StatefulSet starts pods one by one and keeps their PVCs on scale-down") {
  SimulationConfig cfg = one_node_world();
  cfg.kubelet.shutdown = std::chrono::seconds(1);
  Container c = container("db", "postgres:16", "250m", "256Mi");
  c.readiness_probe = http_probe(0, 10);
  cfg.manifests.stateful_sets.push_back(stateful_set("db", 3, c));
  auto scale = [](int64_t at, int32_t replicas) {
    SimTimelineEvent e;
    e.at = std::chrono::seconds(at);
    e.action = TimelineAction::kScale;
    e.kind = "StatefulSet";
    e.name = "db";
    e.replicas = replicas;
    return e;
  };
  cfg.timeline.push_back(scale(100, 1));
  cfg.timeline.push_back(scale(200, 3));
  Simulator sim(std::move(cfg));
  auto names = [&] {
    std::vector<std::string> out;
    for (const PodView& p : sim.pods()) {
      out.push_back(p.name + (p.status == "Terminating" ? "x" : p.ready ? "+" : "-"));
    }
    return out;
  };
  // db-0: bound at 0, image pulled 5 s, started 7 s; probes tick at 0, 10, 20 s
  // -> Ready at 10 s. db-1 is created then; its image is on the node: running
  // at 12 s, Ready at the 20 s tick. db-2: created 20 s, Ready 30 s.
  sim.run_until(SimTime::from_ms(9'999));
  CHECK(names() == std::vector<std::string>{"db-0-"});
  sim.run_until(sec(10));
  CHECK(names() == std::vector<std::string>{"db-0+", "db-1-"});
  sim.run_until(sec(20));
  CHECK(names() == std::vector<std::string>{"db-0+", "db-1+", "db-2-"});
  sim.run_until(sec(30));
  CHECK(names() == std::vector<std::string>{"db-0+", "db-1+", "db-2+"});
  for (const PodView& p : sim.pods()) {
    REQUIRE(p.claims.size() == 1);
    CHECK(p.claims[0] == "data-" + p.name);
  }
  // Scale to 1 at 100 s: db-2 goes first; db-1 only once db-2 is gone (1 s).
  sim.run_until(sec(100));
  CHECK(names() == std::vector<std::string>{"db-0+", "db-1+", "db-2x"});
  sim.run_until(SimTime::from_ms(100'999));
  CHECK(names() == std::vector<std::string>{"db-0+", "db-1+", "db-2x"});
  sim.run_until(sec(101));
  CHECK(names() == std::vector<std::string>{"db-0+", "db-1x"});
  sim.run_until(sec(150));
  CHECK(names() == std::vector<std::string>{"db-0+"});
  const Store& st = sim.store();
  CHECK(st.pvcs.count("default/data-db-0"));
  CHECK(st.pvcs.count("default/data-db-1"));
  CHECK(st.pvcs.count("default/data-db-2"));
  // Back to 3: the same claims are mounted again.
  sim.run_until(sec(260));
  CHECK(names() == std::vector<std::string>{"db-0+", "db-1+", "db-2+"});
  CHECK(st.pvcs.size() == 3);
  for (const PodView& p : sim.pods()) CHECK(p.claims[0] == "data-" + p.name);
}

TEST_CASE("a zone-pinned StatefulSet pod stays Pending when its zone is gone") {
  SimulationConfig cfg;
  cfg.node_pools.push_back(pool("a", 1, 4'000, 16 * kGi, {"zone-a"}));
  cfg.node_pools.push_back(pool("b", 1, 4'000, 16 * kGi, {"zone-b"}));
  cfg.duration = std::chrono::minutes(30);
  cfg.manifests.stateful_sets.push_back(
      stateful_set("db", 1, container("db", "postgres:16", "250m", "256Mi")));
  Simulator probe(cfg);
  probe.run_until(sec(30));
  auto pods = probe.pods();
  REQUIRE(pods.size() == 1);
  REQUIRE(pods[0].ready);
  const std::string zone = pods[0].node == "a-0" ? "zone-a" : "zone-b";
  const std::string other = zone == "zone-a" ? "b-0" : "a-0";

  SimTimelineEvent e;
  e.at = std::chrono::seconds(60);
  e.action = TimelineAction::kRemoveNode;
  e.zone = zone;
  cfg.timeline.push_back(e);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(600));
  pods = sim.pods();
  REQUIRE(pods.size() == 1);
  CHECK(pods[0].name == "db-0");
  CHECK(pods[0].node == "");
  CHECK(pods[0].phase == "Pending");
  CHECK(pods[0].pending_reason ==
        "0/1 nodes are available: 1 node(s) had volume node affinity conflict. preemption: 0/1 "
        "nodes are available: 1 Preemption is not helpful for scheduling..");
  const Report& r = sim.report();
  CHECK(r.pending.max_pending == 1);
  CHECK(r.pending.pod_seconds >= 539);
  CHECK_FALSE(events_of(r, "FailedScheduling").empty());
  CHECK(std::any_of(r.warnings.begin(), r.warnings.end(),
                    [](const Warning& w) { return w.code == "SingleReplicaStateful"; }));
  (void)other;
}

// ---------------------------------------------------------------- nodes

TEST_CASE("a failed node's pods are evicted after 300 s and rescheduled elsewhere") {
  SimulationConfig cfg;
  cfg.node_pools.push_back(pool("pool", 2, 4'000, 16 * kGi));
  cfg.duration = std::chrono::minutes(30);
  Deployment d = deployment("web", 4, container("app", "web:1", "500m", "256Mi"));
  cfg.manifests.deployments.push_back(d);
  SimTimelineEvent e;
  e.at = std::chrono::seconds(100);
  e.action = TimelineAction::kFailNode;
  e.node = "pool-0";
  cfg.timeline.push_back(e);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(99));
  int on_failed = 0;
  for (const PodView& p : sim.pods()) on_failed += p.node == "pool-0";
  REQUIRE(on_failed > 0);  // the scheduler spreads the 4 pods over both nodes
  // NotReady at 150 s (node-monitor-grace-period 50 s since v1.32): pods NotReady, still
  // there.
  sim.run_until(SimTime::from_ms(149'999));
  CHECK(events_of(sim.report(), "NodeNotReady").empty());
  sim.run_until(sec(150));
  auto w = sim.workload("Deployment", "default", "web");
  CHECK(w->ready == 4 - on_failed);
  CHECK(w->pods == 4);
  // Evicted at 150 + 300 s.
  sim.run_until(SimTime::from_ms(449'999));
  CHECK(sim.workload("Deployment", "default", "web")->pods == 4);
  sim.run_until(sec(450));
  int replacements = 0;
  for (const PodView& p : sim.pods()) {
    if (p.status == "Terminating") CHECK(p.node == "pool-0");
    if (p.status != "Terminating" && p.node == "pool-1") ++replacements;
  }
  CHECK(replacements == 4);
  sim.run_until(sec(470));
  CHECK(sim.workload("Deployment", "default", "web")->ready == 4);
  const Report& r = sim.report();
  CHECK(events_of(r, "Evicted").size() == static_cast<size_t>(on_failed));
  CHECK(events_of(r, "Evicted")[0].t == sec(450));
  CHECK(events_of(r, "NodeNotReady")[0].t == sec(150));
  REQUIRE(r.node_pools.size() == 1);
  CHECK(r.node_pools[0].min_ready == 1);
  CHECK(r.node_pools[0].max_ready == 2);
}

TEST_CASE("a drain waits for the PodDisruptionBudget") {
  SimulationConfig cfg;
  cfg.node_pools.push_back(pool("pool", 2, 4'000, 16 * kGi));
  cfg.duration = std::chrono::minutes(30);
  cfg.kubelet.shutdown = std::chrono::seconds(1);
  Deployment d = deployment("web", 2, container("app", "web:1", "1500m", "256Mi"));
  // Both pods on pool-0 so the drain has to evict them both.
  d.template_.spec.node_selector = {{"kubernetes.io/hostname", "pool-0"}};
  cfg.manifests.deployments.push_back(d);
  PodDisruptionBudget pdb;
  pdb.metadata = meta("web");
  pdb.min_available = IntOrPercent{false, 1};
  pdb.selector.match_labels = {{"app", "web"}};
  cfg.manifests.pod_disruption_budgets.push_back(pdb);
  SimTimelineEvent e;
  e.at = std::chrono::seconds(60);
  e.action = TimelineAction::kDrain;
  e.node = "pool-0";
  cfg.timeline.push_back(e);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(600));
  const Report& r = sim.report();
  auto evicted = events_of(r, "Evicted");
  // One eviction at 60 s; the other is refused (1 healthy pod left = minAvailable)
  // and the replacement can only go to pool-0, which is cordoned: it stays Pending,
  // so the second pod is never evicted and the drain never completes.
  REQUIRE(evicted.size() == 1);
  CHECK(evicted[0].t == sec(60));
  CHECK(events_of(r, "NodeDrained").empty());
  CHECK(sim.workload("Deployment", "default", "web")->ready == 1);
  CHECK(r.pending.max_pending == 1);
}

// ---------------------------------------------------------------- kubelet

TEST_CASE("an OOM-killed container restarts with CrashLoopBackOff 0, 10, 20, 40 s") {
  SimulationConfig cfg = one_node_world();
  cfg.manifests.deployments.push_back(
      deployment("web", 1, container("app", "web:1", "100m", "64Mi", "500m", "100Mi")));
  // From the scrape at 60 s on, the process needs 200Mi, above its 100Mi limit.
  cfg.usage_hook = [](const PodUsageQuery& q) -> std::optional<PodUsageOverride> {
    if (q.t < sec(60)) return PodUsageOverride{10, 50 * kMi};
    return PodUsageOverride{10, 200 * kMi};
  };
  Simulator sim(std::move(cfg));
  auto restarts = [&] { return sim.pods().at(0).restarts; };
  sim.run_until(sec(59));
  CHECK(restarts() == 0);
  CHECK(sim.pods().at(0).status == "Running");
  // Killed by the scrape at 60 s, restarted at once (running at 62 s, where the
  // known usage kills it again), then after 10 s (72 -> 74), 20 s (94 -> 96),
  // 40 s (136 -> 138) and 80 s (218 -> 220).
  sim.run_until(sec(60));
  CHECK(restarts() == 1);
  sim.run_until(SimTime::from_ms(61'999));
  CHECK(restarts() == 1);
  sim.run_until(sec(62));
  CHECK(restarts() == 2);
  CHECK(sim.pods().at(0).status == "CrashLoopBackOff");
  sim.run_until(SimTime::from_ms(73'999));
  CHECK(restarts() == 2);
  sim.run_until(sec(74));
  CHECK(restarts() == 3);
  sim.run_until(sec(96));
  CHECK(restarts() == 4);
  sim.run_until(sec(138));
  CHECK(restarts() == 5);
  sim.run_until(SimTime::from_ms(219'999));
  CHECK(restarts() == 5);
  sim.run_until(sec(220));
  CHECK(restarts() == 6);
  const Report& r = sim.report();
  auto oom = events_of(r, "OOMKilled");
  REQUIRE(oom.size() == 6);
  std::vector<int64_t> at;
  for (const auto& e : oom) at.push_back(e.t.ms() / 1000);
  CHECK(at == std::vector<int64_t>{60, 62, 74, 96, 138, 220});
}

TEST_CASE(
    "readiness follows the probe ticks: initialDelaySeconds, periodSeconds, successThreshold") {
  SimulationConfig cfg = one_node_world();
  Container c = container("app", "web:1", "100m", "64Mi");
  // Running at 7 s; ticks every 10 s from the bind (0 s); the first tick at
  // least 15 s after the start is 30 s; two successes -> Ready at 40 s.
  c.readiness_probe = http_probe(15, 10, 2);
  cfg.manifests.deployments.push_back(deployment("web", 1, c));
  Simulator sim(std::move(cfg));
  sim.run_until(SimTime::from_ms(39'999));
  CHECK_FALSE(sim.pods().at(0).ready);
  CHECK(sim.pods().at(0).status == "Running");
  sim.run_until(sec(40));
  CHECK(sim.pods().at(0).ready);
}

// ---------------------------------------------------------------- whole runs

SimulationConfig busy_world(const LoadSource* load, uint64_t seed) {
  SimulationConfig cfg = hpa_world(load);
  cfg.node_pools.clear();
  cfg.node_pools.push_back(pool("pool", 3, 2'000, 8 * kGi, {"a", "b", "c"}));
  cfg.duration = std::chrono::hours(2);
  cfg.seed = seed;
  cfg.manifests.stateful_sets.push_back(
      stateful_set("db", 2, container("db", "postgres:16", "250m", "256Mi")));
  SimTimelineEvent roll;
  roll.at = std::chrono::minutes(20);
  roll.action = TimelineAction::kRollout;
  roll.name = "web";
  roll.image = "web:2";
  cfg.timeline.push_back(roll);
  SimTimelineEvent fail;
  fail.at = std::chrono::minutes(40);
  fail.action = TimelineAction::kFailNode;
  fail.node = "pool-1";
  cfg.timeline.push_back(fail);
  SimTimelineEvent back = fail;
  back.at = std::chrono::minutes(70);
  back.action = TimelineAction::kRecoverNode;
  cfg.timeline.push_back(back);
  return cfg;
}

TEST_CASE("two runs with the same seed give identical reports") {
  ScriptedLoad load(
      {{"default", "web", [](SimTime t) -> int64_t { return 100 + (t.ms() / 1000 % 1800) / 3; }}});
  Simulator a(busy_world(&load, 42)), b(busy_world(&load, 42));
  a.run();
  b.run();
  const std::string ra = serialize(a.report()), rb = serialize(b.report());
  CHECK(ra == rb);
  CHECK(a.report().events.size() > 20);
  CHECK(a.events_processed() == b.events_processed());
  // A different seed may place pods differently, but the run still completes.
  Simulator c(busy_world(&load, 43));
  c.run();
  CHECK(c.now() == sec(7200));
}

TEST_CASE("a day of a small cluster at steady state costs few events") {
  ScriptedLoad load({{"default", "web", [](SimTime) -> int64_t { return 100; }}});
  SimulationConfig cfg = hpa_world(&load);
  cfg.duration = std::chrono::hours(24);
  Simulator sim(std::move(cfg));
  sim.run();
  // Metrics (every 15 s), HPA syncs (every 15 s) and samples (every 60 s):
  // 5760 + 5760 + 1440 events; the pods' probes cost nothing once they are Ready.
  CHECK(sim.events_processed() < 13'100);
  const Report& r = sim.report();
  CHECK(r.samples.size() == 1441);
  CHECK(r.node_pools[0].node_hours == doctest::Approx(24.0));
  CHECK(r.total_cost == doctest::Approx(2.4));
  CHECK(r.workloads[0].seconds_at_max == 0);
  CHECK(r.simulated_until == sec(86'400));
}

TEST_CASE("a bad timeline reference is an input error with a suggestion") {
  SimulationConfig cfg = one_node_world();
  cfg.manifests.deployments.push_back(deployment("web", 1, container("a", "x", "1m", "1Mi")));
  SimTimelineEvent e;
  e.action = TimelineAction::kRollout;
  e.name = "wbe";
  e.image = "x:2";
  e.source = {"scenario.yaml", 12, 5};
  cfg.timeline.push_back(e);
  try {
    Simulator sim(std::move(cfg));
    FAIL("expected an InputError");
  } catch (const InputError& err) {
    CHECK(std::string(err.what()).find("scenario.yaml:12:5") != std::string::npos);
    CHECK(err.hint() == "did you mean 'web'?");
  }
}

TEST_CASE("load changes are logged in steps of a tenth of the highest load so far") {
  // Users: 1,000 rising to 10,000 over the first 1,000 s, back down to 100 by 2,000 s,
  // then noise between 100 and 130 every scrape (every 30%: no news after 10,000).
  auto users = [](SimTime t) -> int64_t {
    const int64_t s = t.since_start.count() / 1000;
    if (s <= 1000) return 1000 + 9 * s;
    if (s <= 2000) return 10000 - 9900 * (s - 1000) / 1000;
    return 100 + 30 * ((s / 15) % 2);
  };
  ScriptedLoad load({{"default", "web", users}});
  SimulationConfig cfg = hpa_world(&load);
  cfg.duration = std::chrono::hours(2);
  Simulator sim(cfg);
  sim.run_until(sec(7200));
  const auto changes = events_of(sim.report(), "LoadChanged");
  // Rising, each step is more than 10% of the peak so far (which is the load itself);
  // falling, more than 1,000 users; the noise at 100-130 users never is.
  REQUIRE(changes.size() >= 20);
  CHECK(changes.size() <= 40);
  double peak = 0, last = 1000;
  for (const ReportEvent& e : changes) {
    const double to = std::stod(e.details.at("to"));
    peak = std::max(peak, to);
    CHECK(std::abs(to - last) > 0.1 * peak - 1);
    CHECK(e.t <= sec(2000));
    last = to;
  }
  CHECK(peak >= 9000);
  CHECK(last <= 1100);
}

TEST_CASE("scheduling fields simulated only at their defaults make the run warn") {
  SimulationConfig cfg = one_node_world();
  Deployment d = deployment("web", 1, container("app", "web:1", "100m", "64Mi"));
  TopologySpreadConstraint c;
  c.topology_key = "kubernetes.io/hostname";
  c.label_selector.match_labels = {{"app", "web"}};
  c.node_taints_policy = "Honor";
  c.node_affinity_policy = "Honor";  // the default: no warning for it
  d.template_.spec.topology_spread_constraints.push_back(c);
  PodAffinityTerm t;
  t.topology_key = "kubernetes.io/hostname";
  t.namespace_selector_set = true;
  d.template_.spec.affinity.pod_anti_affinity.emplace().required.push_back(t);
  cfg.manifests.deployments.push_back(d);
  cfg.manifests.deployments.push_back(deployment("plain", 1, container("a", "a:1", "1m", "1Mi")));
  Simulator sim(cfg);
  sim.run_until(sec(60));
  std::vector<std::string> found;
  for (const Warning& w : sim.report().warnings) {
    if (w.code == "SchedulingFieldNotSimulated") found.push_back(w.message);
  }
  REQUIRE(found.size() == 1);
  CHECK(found[0] ==
        "Deployment default/web: topologySpreadConstraints[0].nodeTaintsPolicy Honor, "
        "podAntiAffinity namespaceSelector are not simulated; the scheduler used the defaults "
        "(nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore, affinity terms in the listed or "
        "the pod's own namespace)");
}

}  // namespace
}  // namespace simcluster
