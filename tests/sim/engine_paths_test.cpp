// Whole runs of small worlds through the engine's less travelled paths: CPU
// throttling, graceful deletion, liveness kills and the crash-loop back-off cap,
// DaemonSet placement rules, Parallel StatefulSets, CronJobs, the HPA sync
// period, and the invariant checker itself. Times are asserted to the
// millisecond where Kubernetes defines them; each expectation is worked out in
// a comment from the timings of lib/sim/README.md (bind at once, image pull
// 5 s, container start 2 s, metrics every 15 s).
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "sim/checks.h"
#include "sim/controllers.h"
#include "sim/store.h"
#include "sim/world.h"
#include "sim_builders.h"
#include "simcluster/simulator.h"

namespace simcluster {
namespace {

using namespace testing;

SimulationConfig one_node() { return one_node_world("engine-paths", 11); }

SimTimelineEvent scale_at(int64_t at, const char* kind, const char* name, int32_t replicas) {
  SimTimelineEvent e;
  e.at = std::chrono::seconds(at);
  e.action = TimelineAction::kScale;
  e.kind = kind;
  e.name = name;
  e.replicas = replicas;
  return e;
}

// Seconds (from t = 0) of the events of `kind` in the report.
std::vector<int64_t> seconds_of(const Report& r, const std::string& kind) {
  std::vector<int64_t> out;
  for (const ReportEvent& e : events_of(r, kind)) out.push_back(e.t.ms() / 1000);
  return out;
}

// The pods (terminating included) of a workload "Kind/ns/name".
int count_pods(const Simulator& sim, const std::string& workload) {
  int n = 0;
  for (const PodView& p : sim.pods()) n += p.workload == workload;
  return n;
}

// An HPA behaviour that scales up without delay: +100 pods per minute.
HPABehavior fast_scale_up() {
  HPAScalingRules up;
  up.stabilization_window_seconds = 0;
  up.select_policy = "Max";
  up.policies.push_back(HPAScalingPolicy{"Pods", 100, 60});
  return HPABehavior{up, std::nullopt};
}

// ---------------------------------------------------------------- 1. CPU throttling

TEST_CASE(
    "CPU usage above the container's limit is throttled: the HPA and the report see the limit") {
  SimulationConfig cfg = one_node();
  cfg.manifests.deployments.push_back(
      deployment("capped", 2, container("app", "capped:1", "100m", "64Mi", "200m")));
  cfg.manifests.deployments.push_back(
      deployment("free", 2, container("app", "free:1", "100m", "64Mi")));
  HorizontalPodAutoscaler h = cpu_hpa("capped", 2, 10, 50);
  h.behavior = fast_scale_up();
  cfg.manifests.horizontal_pod_autoscalers.push_back(h);
  // Every pod asks for 50m until 120 s (50% of its 100m request: on target),
  // then 1000m. CFS quota holds "capped" at its 200m limit: 200% of requests.
  cfg.usage_hook = [](const PodUsageQuery& q) -> std::optional<PodUsageOverride> {
    return PodUsageOverride{q.t < sec(120) ? 50 : 1000, 32 * kMi};
  };
  Simulator sim(std::move(cfg));
  // The scrape at 120 s runs before the HPA sync of the same instant (it was
  // queued earlier). Throttled: utilization 200%, ratio 200 / 50 = 4, replicas
  // ceil(4 x 2) = 8. Unthrottled it would be 1000% -> 40 -> maxReplicas 10.
  sim.run_until(SimTime::from_ms(119'999));
  CHECK(desired(sim, "Deployment", "capped") == 2);
  sim.run_until(sec(120));
  CHECK(desired(sim, "Deployment", "capped") == 8);
  const Report& r = sim.report();
  auto scaled = events_of(r, "HPAScaled");
  REQUIRE_FALSE(scaled.empty());
  CHECK(scaled[0].t == sec(120));
  CHECK(scaled[0].details.at("utilization.cpu") == "200");
  CHECK(scaled[0].details.at("raw") == "8");
  CHECK(scaled[0].details.at("to") == "8");

  sim.run_until(sec(300));
  const HPAState* state = sim.hpa_state("default", "capped");
  REQUIRE(state != nullptr);
  REQUIRE(state->status.current_metrics.size() == 1);
  CHECK(state->status.current_metrics[0].average_utilization == 200);
  // The report's series: percent of requests over the Ready pods. "capped"
  // never exceeds its limit (200m / 100m); "free" has none and uses 1000m.
  const Report& r2 = sim.report();
  REQUIRE(r2.workloads.size() == 2);
  REQUIRE(r2.workloads[0].name == "capped");
  REQUIRE(r2.workloads[1].name == "free");
  int checked = 0;
  for (const Sample& s : r2.samples) {
    if (s.t < sec(60)) continue;
    CAPTURE(s.t.ms());
    const double capped = s.t < sec(120) ? 50.0 : 200.0;
    const double free = s.t < sec(120) ? 50.0 : 1000.0;
    CHECK(s.workloads[0].cpu_utilization == doctest::Approx(capped));
    CHECK(s.workloads[1].cpu_utilization == doctest::Approx(free));
    ++checked;
  }
  CHECK(checked == 5);  // samples at 60, 120, 180, 240, 300 s
}

// ---------------------------------------------------------------- 2. graceful deletion

TEST_CASE("a deleted pod is gone after min(kubelet shutdown, terminationGracePeriodSeconds)") {
  struct Case {
    std::optional<int64_t> shutdown_s;
    int64_t gone_ms;
  };
  // Grace 5 s, scaled 2 -> 1 at 60 s: the kubelet sends SIGTERM at 60 s and
  // SIGKILL at 65 s. Shutdown unset = the whole grace period: gone at 65 s; a
  // process that exits 2 s after SIGTERM: 62 s; one that would take 10 s is
  // killed at the grace period: 65 s.
  for (const Case c : {Case{std::nullopt, 65'000}, Case{2, 62'000}, Case{10, 65'000}}) {
    CAPTURE(c.shutdown_s.value_or(-1));
    SimulationConfig cfg = one_node();
    if (c.shutdown_s) cfg.kubelet.shutdown = std::chrono::seconds(*c.shutdown_s);
    Deployment d = deployment("web", 2, container("app", "web:1", "100m", "64Mi"));
    d.template_.spec.termination_grace_period_seconds = 5;
    cfg.manifests.deployments.push_back(d);
    cfg.timeline.push_back(scale_at(60, "Deployment", "web", 1));
    Simulator sim(std::move(cfg));
    sim.run_until(sec(59));
    CHECK(count_pods(sim, "Deployment/default/web") == 2);
    sim.run_until(sec(60));
    int terminating = 0;
    for (const PodView& p : sim.pods()) terminating += p.status == "Terminating";
    CHECK(terminating == 1);
    CHECK(sim.workload("Deployment", "default", "web")->pods == 1);
    sim.run_until(SimTime::from_ms(c.gone_ms - 1));
    CHECK(sim.pods().size() == 2);
    sim.run_until(SimTime::from_ms(c.gone_ms));
    REQUIRE(sim.pods().size() == 1);
    CHECK(sim.pods()[0].status == "Running");
  }
}

// ---------------------------------------------------------------- 3. liveness and back-off

// A Deployment whose container has a readiness probe (period 5 s) and a
// liveness probe (initialDelay 10 s, period 5 s, failureThreshold 3), rolled
// out at 100 s to a revision that hangs (its probes never pass).
SimulationConfig hanging_rollout_world() {
  SimulationConfig cfg = one_node();
  Container c = container("app", "web:1", "100m", "64Mi");
  c.readiness_probe = http_probe(0, 5);
  c.liveness_probe = http_probe(10, 5, 1, 3);
  cfg.manifests.deployments.push_back(deployment("web", 1, c));
  SimTimelineEvent e;
  e.at = std::chrono::seconds(100);
  e.action = TimelineAction::kRollout;
  e.name = "web";
  e.image = "web:2";
  e.fault = RolloutFault::kHang;
  cfg.timeline.push_back(e);
  return cfg;
}

// The pod of the hanging revision (the surge pod), or nullopt.
std::optional<PodView> hanging_pod(const Simulator& sim, const std::string& old_revision) {
  for (const PodView& p : sim.pods()) {
    if (p.revision != old_revision) return p;
  }
  return std::nullopt;
}

TEST_CASE("a hanging revision's container is killed by its liveness probe at the computed tick") {
  SimulationConfig cfg = hanging_rollout_world();
  // The surge pod is bound at 100 s (its probe workers tick at 100 + 5k s),
  // pulls web:2 for 5 s and runs at 107 s. Liveness counts once the container
  // has run 10 whole seconds: ticks >= 117 s are 120, 125, 130 -> the third
  // failure kills it at 130 s, which probe_timeline gives too.
  const Container& c = cfg.manifests.deployments[0].template_.spec.containers[0];
  ProbeTimeline t = probe_timeline(c, sec(100), sec(107), RolloutFault::kHang);
  CHECK_FALSE(t.ready);
  REQUIRE(t.killed);
  CHECK(*t.killed == sec(130));
  Simulator sim(std::move(cfg));
  sim.run_until(sec(99));
  REQUIRE(sim.pods().size() == 1);
  const std::string old_revision = sim.pods()[0].revision;
  sim.run_until(SimTime::from_ms(129'999));
  auto p = hanging_pod(sim, old_revision);
  REQUIRE(p);
  CHECK(p->restarts == 0);
  CHECK(p->status == "Running");
  CHECK_FALSE(p->ready);
  sim.run_until(sec(130));
  p = hanging_pod(sim, old_revision);
  REQUIRE(p);
  CHECK(p->restarts == 1);
  // The kill sends SIGTERM and, with no kubelet shutdown time set, the hung
  // container takes the pod's whole 30 s grace period (killContainer); the
  // first restart is then immediate (no back-off entry yet): started at 160 s,
  // running at 162 s; ticks >= 172 s are 175, 180, 185 -> killed again at 185 s.
  sim.run_until(SimTime::from_ms(184'999));
  CHECK(hanging_pod(sim, old_revision)->restarts == 1);
  sim.run_until(sec(185));
  CHECK(hanging_pod(sim, old_revision)->restarts == 2);
  const Report& r = sim.report();
  auto restarted = events_of(r, "ContainerRestarted");
  REQUIRE(restarted.size() == 2);
  CHECK(restarted[0].t == sec(130));
  CHECK(restarted[0].message == "Unhealthy (restart 1, next start in 30s)");
  CHECK(restarted[1].t == sec(185));
  for (const ReportEvent& e : restarted) CHECK(e.details.at("reason") == "Unhealthy");
  // maxUnavailable 25% of 1 = 0: the old pod keeps serving; the rollout hangs.
  auto w = sim.workload("Deployment", "default", "web");
  CHECK(w->ready == 1);
  CHECK(w->rollout_in_progress);
}

TEST_CASE("a liveness kill waits the probe's own terminationGracePeriodSeconds when set") {
  SimulationConfig cfg = hanging_rollout_world();
  Container& c = cfg.manifests.deployments[0].template_.spec.containers[0];
  c.liveness_probe->termination_grace_period_seconds = 5;
  Simulator sim(std::move(cfg));
  sim.run_until(sec(99));
  const std::string old_revision = sim.pods()[0].revision;
  // Killed at 130 s as above; 5 s later the replacement starts (135 s), runs at
  // 137 s; liveness ticks >= 147 s are 150, 155, 160 -> killed again at 160 s.
  sim.run_until(SimTime::from_ms(159'999));
  CHECK(hanging_pod(sim, old_revision)->restarts == 1);
  sim.run_until(sec(160));
  CHECK(hanging_pod(sim, old_revision)->restarts == 2);
  auto restarted = events_of(sim.report(), "ContainerRestarted");
  REQUIRE(restarted.size() == 2);
  CHECK(restarted[0].message == "Unhealthy (restart 1, next start in 5s)");
  CHECK(restarted[1].t == sec(160));
}

// Kubernetes kills a liveness-failed container and starts its replacement in
// the same SyncPod (kuberuntime_manager.go computePodActions puts it in both
// ContainersToKill and ContainersToStart), and doBackOff then looks at the
// pod status read *before* the kill: the newest exited instance is the
// previous one. So the back-off is measured from the previous kill, and a
// container that ran longer than the back-off restarts at once: only when
// the back-off (10, 20, 40 s ...) exceeds the ~25 s a hanging container lives
// does the restart wait. With containers that exit on SIGTERM at once
// (shutdown 0):
//   kill 1 at 130 s: no exited instance -> start at once (no back-off entry);
//   kill 2 at 155 s: previous exit 130 s, no entry -> start at once, back-off 10 s;
//     running 157 s, ticks >= 167 s: 170, 175, 180;
//   kill 3 at 180 s: 180 - 155 = 25 >= 10 -> start at once, back-off 20 s;
//   kill 4 at 205 s: 205 - 180 = 25 >= 20 -> start at once, back-off 40 s;
//   kill 5 at 230 s: 230 - 205 = 25 < 40 -> CrashLoopBackOff until 230 + 40 = 270 s;
//   start 270 s, running 272 s, ticks >= 282 s: 285, 290 -> kill 6 at 295 s.
// (simcluster used to wait the back-off after every kill but the first:
// kills at 130, 155, 190, 235, 300 s; World::crash_pod now checks the
// previous exit for liveness kills.)
TEST_CASE("liveness kills restart at once while the container outlives the back-off") {
  SimulationConfig cfg = hanging_rollout_world();
  cfg.kubelet.shutdown = SimDuration{0};
  Simulator sim(std::move(cfg));
  sim.run_until(sec(300));
  CHECK(seconds_of(sim.report(), "ContainerRestarted") ==
        std::vector<int64_t>{130, 155, 180, 205, 230, 295});
}

// The OOM world of simulator_test.cpp: 100Mi limit, the process needs 200Mi
// while `oom(t)`, 50Mi otherwise.
SimulationConfig oom_world(std::function<bool(SimTime)> oom) {
  SimulationConfig cfg = one_node();
  cfg.manifests.deployments.push_back(
      deployment("web", 1, container("app", "web:1", "100m", "64Mi", "500m", "100Mi")));
  cfg.usage_hook = [oom = std::move(oom)](const PodUsageQuery& q) {
    return std::optional<PodUsageOverride>(PodUsageOverride{10, (oom(q.t) ? 200 : 50) * kMi});
  };
  return cfg;
}

TEST_CASE("CrashLoopBackOff doubles from 10 s and is capped at 300 s (MaxContainerBackOff)") {
  Simulator sim(oom_world([](SimTime t) { return t >= sec(60); }));
  // Killed at the 60 s scrape, restarted at once; each restart runs 2 s later
  // and is OOM-killed at once; the next start waits the back-off, which
  // doubles after each use: 10, 20, 40, 80, 160, then 320 -> 300 (kubelet.go
  // MaxContainerBackOff), 300 ...
  //   kill  60 -> start  60 -> kill  62 (+10) start  72 -> kill  74
  //   (+20) 94 -> 96; (+40) 136 -> 138; (+80) 218 -> 220; (+160) 380 -> 382;
  //   (+300) 682 -> 684; (+300) 984 -> 986; (+300) 1286 -> 1288.
  sim.run_until(sec(1300));
  CHECK(seconds_of(sim.report(), "OOMKilled") ==
        std::vector<int64_t>{60, 62, 74, 96, 138, 220, 382, 684, 986, 1288});
  // In the back-off between kills the pod shows CrashLoopBackOff.
  Simulator again(oom_world([](SimTime t) { return t >= sec(60); }));
  again.run_until(sec(1000));
  REQUIRE(again.pods().size() == 1);
  CHECK(again.pods()[0].status == "CrashLoopBackOff");
  CHECK(again.pods()[0].restarts == 9);
  again.run_until(SimTime::from_ms(1'287'999));
  CHECK(again.pods()[0].restarts == 9);
  again.run_until(sec(1288));
  CHECK(again.pods()[0].restarts == 10);
}

TEST_CASE("the crash back-off starts over only after the container ran more than 10 minutes") {
  // Demand too high from 60 s to 600 s: kills at 60, 62, 74, 96, 138, 220,
  // 382 s; the start planned at 682 s (back-off 300 s) finds 50Mi (scrapes
  // from 600 s on) and the container runs from 684 s. flowcontrol.Backoff
  // forgets the entry when the crash comes more than 2 x 300 s after the last
  // start (682 s):
  //  * demand back at the 1290 s scrape: 1290 - 682 = 608 s > 600 s -> reset:
  //    restart at once, then 10, 20, 40, 80 s again: kills at 1290, 1292,
  //    1304, 1326, 1368, 1450 s (the next, 1612 s, is after the run);
  //  * back at the 1275 s scrape: 593 s -> still 300 s: kills at 1275, 1577 s.
  struct Case {
    int64_t back;
    std::vector<int64_t> tail;
  };
  for (const Case& c :
       {Case{1290, {1290, 1292, 1304, 1326, 1368, 1450}}, Case{1275, {1275, 1577}}}) {
    CAPTURE(c.back);
    const int64_t back = c.back;
    Simulator sim(
        oom_world([back](SimTime t) { return (t >= sec(60) && t < sec(600)) || t >= sec(back); }));
    sim.run_until(sec(1600));
    std::vector<int64_t> want{60, 62, 74, 96, 138, 220, 382};
    want.insert(want.end(), c.tail.begin(), c.tail.end());
    CHECK(seconds_of(sim.report(), "OOMKilled") == want);
  }
}

// ---------------------------------------------------------------- 4. DaemonSet placement

TEST_CASE(
    "a DaemonSet skips nodes with untolerated NoSchedule taints and nodes its selector excludes") {
  SimulationConfig cfg;
  cfg.duration = std::chrono::hours(1);
  auto add_pool = [&](const char* name, const char* disk, std::optional<Taint> taint) {
    NodePool p = pool(name, 1, 4'000, 16 * kGi);
    p.labels = {{"disk", disk}};
    if (taint) p.taints.push_back(*taint);
    cfg.node_pools.push_back(p);
  };
  add_pool("plain", "ssd", std::nullopt);
  add_pool("tainted", "ssd", Taint{"dedicated", "batch", "NoSchedule"});
  add_pool("soft", "ssd", Taint{"dedicated", "batch", "PreferNoSchedule"});
  add_pool("hdd", "hdd", std::nullopt);
  // "agent" selects disk=ssd and tolerates nothing: plain-0 and soft-0 only
  // (PreferNoSchedule is a scoring preference, not a DaemonSet predicate;
  // daemon/util NodeShouldRunDaemonPod checks NoSchedule and NoExecute).
  DaemonSet agent;
  agent.metadata = meta("agent");
  agent.selector.match_labels = {{"app", "agent"}};
  agent.template_ = pod_template("agent", container("agent", "agent:1", "100m", "64Mi"));
  agent.template_.spec.node_selector = {{"disk", "ssd"}};
  cfg.manifests.daemon_sets.push_back(agent);
  // "logs" tolerates the taint and selects every node.
  DaemonSet logs;
  logs.metadata = meta("logs");
  logs.selector.match_labels = {{"app", "logs"}};
  logs.template_ = pod_template("logs", container("logs", "logs:1", "50m", "32Mi"));
  logs.template_.spec.tolerations.push_back(
      Toleration{"dedicated", "Exists", "", "NoSchedule", std::nullopt});
  cfg.manifests.daemon_sets.push_back(logs);
  Simulator sim(std::move(cfg));
  sim.run_until(sec(60));
  std::map<std::string, std::vector<std::string>> nodes_of;
  for (const PodView& p : sim.pods()) {
    CHECK(p.ready);
    nodes_of[p.workload].push_back(p.node);
  }
  for (auto& [w, nodes] : nodes_of) std::sort(nodes.begin(), nodes.end());
  CHECK(nodes_of["DaemonSet/default/agent"] == std::vector<std::string>{"plain-0", "soft-0"});
  CHECK(nodes_of["DaemonSet/default/logs"] ==
        std::vector<std::string>{"hdd-0", "plain-0", "soft-0", "tainted-0"});
  CHECK(sim.workload("DaemonSet", "default", "agent")->desired == 2);
  CHECK(sim.workload("DaemonSet", "default", "logs")->desired == 4);
  for (const NodeView& n : sim.nodes()) {
    CAPTURE(n.name);
    const bool has_agent = n.name == "plain-0" || n.name == "soft-0";
    CHECK(n.requested.cpu_milli == (has_agent ? 150 : 50));
  }
}

// ---------------------------------------------------------------- 5. StatefulSet pod management

TEST_CASE(
    "a Parallel StatefulSet creates and deletes all its pods at once, OrderedReady one by one") {
  for (const char* policy : {"Parallel", "OrderedReady"}) {
    CAPTURE(policy);
    const bool parallel = std::string(policy) == "Parallel";
    SimulationConfig cfg = one_node();
    cfg.kubelet.shutdown = std::chrono::seconds(1);
    Container c = container("db", "postgres:16", "250m", "256Mi");
    c.readiness_probe = http_probe(0, 10);
    StatefulSet s = stateful_set("db", 3, c);
    s.pod_management_policy = policy;
    cfg.manifests.stateful_sets.push_back(s);
    cfg.timeline.push_back(scale_at(100, "StatefulSet", "db", 1));
    Simulator sim(std::move(cfg));
    // Parallel: db-0..2 created and bound at 0 s; one pull of postgres:16
    // (the others wait for it) -> all running at 7 s, Ready at the 10 s tick.
    // OrderedReady: db-1 only once db-0 is Ready (10 s), db-2 at 20 s.
    sim.run_until(sec(99));
    // (Pods of one workload bound at the same instant share one Scheduled event.)
    std::map<std::string, int64_t> scheduled;
    for (const ReportEvent& e : events_of(sim.report(), "Scheduled")) {
      scheduled[e.object] = e.t.ms();
      if (parallel) CHECK(e.details.at("pods") == "3");
    }
    const std::map<std::string, int64_t> want =
        parallel ? std::map<std::string, int64_t>{{"StatefulSet/default/db", 0}}
                 : std::map<std::string, int64_t>{{"Pod/default/db-0", 0},
                                                  {"Pod/default/db-1", 10'000},
                                                  {"Pod/default/db-2", 20'000}};
    CHECK(scheduled == want);
    // Scale 3 -> 1 at 100 s: Parallel deletes db-2 and db-1 together;
    // OrderedReady deletes db-2, and db-1 only once db-2 is gone (101 s).
    sim.run_until(sec(100));
    std::vector<std::string> terminating;
    for (const PodView& p : sim.pods()) {
      if (p.status == "Terminating") terminating.push_back(p.name);
    }
    CHECK(terminating ==
          (parallel ? std::vector<std::string>{"db-1", "db-2"} : std::vector<std::string>{"db-2"}));
    sim.run_until(sec(101));
    CHECK(sim.pods().size() == (parallel ? 1u : 2u));
  }
}

// ---------------------------------------------------------------- 6. CronJobs

SimulationConfig cron_world() {
  SimulationConfig cfg = one_node();
  cfg.jobs.run_duration = std::chrono::seconds(30);
  CronJob cj;
  cj.metadata = meta("backup");
  cj.schedule = "*/5 * * * *";
  cj.job_template.template_ = pod_template("backup", container("b", "backup:1", "100m", "64Mi"));
  cj.job_template.template_.spec.restart_policy = "Never";
  cfg.manifests.cron_jobs.push_back(cj);
  return cfg;
}

TEST_CASE("a CronJob fires at its schedule and each Job runs for the configured run duration") {
  Simulator sim(cron_world());
  // "*/5": 300, 600, 900 s. The first Job's pod pulls backup:1 (5 s), starts
  // (2 s) and runs 30 s: complete at 337 s; later pods find the image: 632 s, 932 s.
  sim.run_until(SimTime::from_ms(299'999));
  CHECK(sim.pods().empty());
  sim.run_until(SimTime::from_ms(336'999));
  CHECK(events_of(sim.report(), "JobComplete").empty());
  REQUIRE(sim.pods().size() == 1);
  CHECK(sim.pods()[0].status == "Running");
  sim.run_until(sec(1000));
  const Report& r = sim.report();
  CHECK(seconds_of(r, "Scheduled") == std::vector<int64_t>{300, 600, 900});
  CHECK(seconds_of(r, "JobComplete") == std::vector<int64_t>{337, 632, 932});
  for (const PodView& p : sim.pods()) {
    CHECK(p.workload == "CronJob/default/backup");
    CHECK(p.phase == "Succeeded");
  }
}

// pkg/controller/cronjob/utils.go getJobName: "<cronjob>-<scheduledTime.Unix() / 60>".
// Simulated t = 0 is 2024-01-01T00:00:00Z = Unix 1704067200 s = minute 28401120,
// so the 300 s run is Job backup-28401125 (simcluster used to count minutes
// from the simulated start: backup-5).
TEST_CASE("a CronJob's Job is named after its scheduled time in Unix minutes") {
  Simulator sim(cron_world());
  sim.run_until(sec(340));
  auto done = events_of(sim.report(), "JobComplete");
  REQUIRE(done.size() == 1);
  CHECK(done[0].object == "Job/default/backup-28401125");
}

// ---------------------------------------------------------------- 7. HPA sync period

TEST_CASE("with a 30 s HPA sync period every decision falls on a multiple of 30 s") {
  // The load rises at 45 s: 400m over 2 pods of 100m = 200% -> 8 pods wanted,
  // +2 pods per 60 s allowed. Syncs at 0, 30, 60 ... s (the first when the HPA
  // is created); the scrape of the same instant runs first.
  //  * 30 s period: 60 s -> 4; 90 s held (the +2 of 60 s is in the window);
  //    120 s -> 6 (the 60 s event is not after 120 - 60); 150 s held; 180 s -> 8.
  //  * 15 s period (the default): 45 s -> 4, 105 s -> 6, 165 s -> 8.
  for (int64_t period : {30, 15}) {
    CAPTURE(period);
    ScriptedLoad load({{"default", "web", step(100, std::chrono::seconds(45), 400)}});
    SimulationConfig cfg = hpa_world(&load, one_node());
    cfg.hpa.sync_period = std::chrono::seconds(period);
    Simulator sim(std::move(cfg));
    sim.run_until(sec(400));
    const Report& r = sim.report();
    CHECK(seconds_of(r, "HPAScaled") ==
          (period == 30 ? std::vector<int64_t>{60, 120, 180} : std::vector<int64_t>{45, 105, 165}));
    for (const char* kind : {"HPAScaled", "HPAHeld"}) {
      for (const ReportEvent& e : events_of(r, kind)) {
        CAPTURE(e.t.ms());
        CHECK(e.t.ms() % (period * 1000) == 0);
      }
    }
    CHECK(desired(sim, "Deployment", "web") == 8);
  }
}

// ---------------------------------------------------------------- 8. the invariant checker

TEST_CASE(
    "the invariant checker reports an HPA target above maxReplicas and an over-committed node") {
  SimulationConfig cfg = one_node();
  cfg.manifests.deployments.push_back(
      deployment("web", 2, container("app", "web:1", "100m", "64Mi")));
  cfg.manifests.horizontal_pod_autoscalers.push_back(cpu_hpa("web", 2, 10, 50));
  World w(std::move(cfg));
  w.run_until(sec(30));
  REQUIRE(find_broken_invariant(w).empty());

  // The HPA has synced (at 0, 15, 30 s); its target at 11 replicas breaks [2, 10].
  SimDeployment& d = w.store.deployments.at("default/web");
  REQUIRE(d.replicas == 2);
  d.replicas = 11;
  const std::string hpa_broken = find_broken_invariant(w);
  CHECK(hpa_broken ==
        "HPA default/web target Deployment/default/web has 11 replicas outside [2, 10]");
  d.replicas = 1;  // below minReplicas too
  CHECK(find_broken_invariant(w).find("has 1 replicas outside [2, 10]") != std::string::npos);
  d.replicas = 2;
  CHECK(find_broken_invariant(w).empty());

  // A pod bound beyond the node's allocatable (16 cores; 200m already requested).
  const NodeId node = w.store.nodes.at("pool-0").snap;
  PodInfo hog;
  hog.name = "hog";
  hog.requests.cpu_milli = 15'900;
  hog.requests.memory = kGi;
  hog.non_zero_requests = hog.requests;
  const PodId id = w.store.snapshot.add_pod(hog, node);
  const std::string fit_broken = find_broken_invariant(w);
  CHECK(fit_broken.find("node pool-0: requests 16100m cpu") != std::string::npos);
  CHECK(fit_broken.find("exceed allocatable 16000m") != std::string::npos);
  w.store.snapshot.remove_pod(id);
  CHECK(find_broken_invariant(w).empty());
}

}  // namespace
}  // namespace simcluster

namespace simcluster {
namespace {

TEST_CASE("Scheduled events: one per workload and instant, one per pod bound alone") {
  SimulationConfig cfg = one_node_world("scheduled-events", 5);
  cfg.node_pools[0].count = 2;
  cfg.manifests.deployments.push_back(
      deployment("web", 5, container("web", "web:1", "100m", "64Mi")));
  cfg.timeline.push_back(scale_at(60, "Deployment", "web", 6));
  Simulator sim(std::move(cfg));
  sim.run_until(sec(120));
  const std::vector<ReportEvent> events = events_of(sim.report(), "Scheduled");
  REQUIRE(events.size() == 2);
  // The five pods created at 0 s: one event for the Deployment, at the first's place.
  CHECK(events[0].t.ms() == 0);
  CHECK(events[0].object == "Deployment/default/web");
  CHECK(events[0].details.at("pods") == "5");
  CHECK(events[0].details.at("nodes") == "2");
  CHECK(events[0].message == "Successfully assigned 5 pods of Deployment/default/web to 2 nodes");
  // The sixth, alone at 60 s: kube-scheduler's own message for the pod.
  CHECK(events[1].t.ms() >= 60'000);
  CHECK(events[1].object.rfind("Pod/default/web-", 0) == 0);
  CHECK(events[1].message.rfind("Successfully assigned default/web-", 0) == 0);
}

}  // namespace
}  // namespace simcluster

namespace simcluster {
namespace {

TEST_CASE("HPAs whose targets select the same pods report AmbiguousSelector, as pods come and go") {
  // "wide" selects tier=front, which web's pods carry too: both HPAs see web's pods, and
  // upstream refuses to scale on pods another HPA also selects. The HPA controller's
  // incremental pod index must see the overlap from the first sync on.
  SimulationConfig cfg = one_node_world("ambiguous", 3);
  Deployment web = deployment("web", 2, container("web", "web:1", "100m", "64Mi"));
  web.template_.metadata.labels["tier"] = "front";
  Deployment wide = deployment("wide", 1, container("wide", "wide:1", "100m", "64Mi"));
  wide.selector.match_labels = {{"tier", "front"}};
  wide.template_.metadata.labels = {{"tier", "front"}};
  Deployment alone = deployment("alone", 1, container("alone", "alone:1", "100m", "64Mi"));
  cfg.manifests.deployments = {web, wide, alone};
  cfg.manifests.horizontal_pod_autoscalers = {cpu_hpa("web", 1, 5, 50), cpu_hpa("wide", 1, 5, 50),
                                              cpu_hpa("alone", 1, 5, 50)};
  cfg.timeline.push_back(scale_at(120, "Deployment", "web", 4));
  Simulator sim(std::move(cfg));
  sim.run_until(sec(200));
  std::set<std::string> ambiguous;
  for (const ReportEvent& e : events_of(sim.report(), "HPAFailed")) {
    if (e.details.at("reason") == "AmbiguousSelector") ambiguous.insert(e.object);
  }
  CHECK(ambiguous == std::set<std::string>{"HorizontalPodAutoscaler/default/web",
                                           "HorizontalPodAutoscaler/default/wide"});
  const HPAState* web_state = sim.hpa_state("default", "web");
  const HPAState* alone_state = sim.hpa_state("default", "alone");
  REQUIRE(web_state != nullptr);
  REQUIRE(alone_state != nullptr);
  bool web_active = true, alone_active = false;
  for (const HPACondition& c : web_state->status.conditions) {
    if (c.type == "ScalingActive") web_active = c.status == "True";
  }
  for (const HPACondition& c : alone_state->status.conditions) {
    if (c.type == "ScalingActive") alone_active = c.reason != "AmbiguousSelector";
  }
  CHECK_FALSE(web_active);
  CHECK(alone_active);
}

}  // namespace
}  // namespace simcluster
