// Whole runs of small scenarios written here, for the scenario keys that
// reach the engine: jobs (run duration / skip), kubelet.workloads (per
// workload delays) and hpaMetrics (values of the HPA metrics the engine does
// not compute).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "scenario/scenario_fixtures.h"
#include "simcluster/load_model.h"
#include "simcluster/manifests.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "simcluster/simulator.h"
#include "testing/report_queries.h"

using namespace simcluster;
using simcluster::testing::events_of;
using simcluster::testing::ScratchDir;

namespace {

std::vector<int64_t> seconds_of(const Report& r, const std::string& kind) {
  std::vector<int64_t> out;
  for (const ReportEvent* e : events_of(r, kind)) out.push_back(e->t.ms() / 1000);
  return out;
}

std::vector<std::string> warning_codes(const Report& r) {
  std::vector<std::string> out;
  for (const Warning& w : r.warnings) out.push_back(w.code);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// One node of 2cpu-4gi, no traffic, the given manifests file and extra keys.
// A cold start: the tests follow the HPAs from the manifests' replicas.
std::string small_scenario(const std::string& manifests, const std::string& duration,
                           const std::string& extra) {
  return "name: keys\nstart: cold\nmanifests: [" + manifests + "]\nduration: " + duration +
         "\ncluster:\n  nodePools:\n    - {name: pool, count: 1, preset: 2cpu-4gi}\n" + extra;
}

// ---------------------------------------------------------------- jobs

constexpr const char* kCronJob = R"(apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: batch}
spec:
  schedule: "*/10 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: report:1
              resources: {requests: {cpu: 100m, memory: 64Mi}}
)";

}  // namespace

TEST_CASE("a CronJob of the manifests runs for the scenario's jobs.runDuration") {
  ScratchDir dir;
  dir.write("cron.yaml", kCronJob);
  // "*/10": Jobs at 600 s and 1200 s. The first pod pulls report:1 (5 s) and
  // starts its container (2 s), then runs 90 s: complete at 697 s; the second
  // finds the image on the node: 1200 + 2 + 90 = 1292 s.
  Report r =
      run_scenario(dir.parse(small_scenario("cron.yaml", "25m", "jobs: {runDuration: 90s}\n")))
          .report;
  CHECK(seconds_of(r, "JobComplete") == std::vector<int64_t>{697, 1292});
  CHECK_FALSE(has(warning_codes(r), "JobsNotSimulated"));

  // Without the key: JobConfig's default, 60 s.
  Report d = run_scenario(dir.parse(small_scenario("cron.yaml", "25m", ""))).report;
  CHECK(seconds_of(d, "JobComplete") == std::vector<int64_t>{667, 1262});
}

TEST_CASE("jobs.skip leaves the CronJob out of the run and warns JobsNotSimulated") {
  ScratchDir dir;
  dir.write("cron.yaml", kCronJob);
  Report r =
      run_scenario(dir.parse(small_scenario("cron.yaml", "25m", "jobs: {skip: true}\n"))).report;
  CHECK(events_of(r, "JobComplete").empty());
  CHECK(events_of(r, "Scheduled").empty());  // no Job pod was ever created
  CHECK(r.totals_peak.pods == 0);
  REQUIRE(has(warning_codes(r), "JobsNotSimulated"));
  for (const Warning& w : r.warnings) {
    if (w.code == "JobsNotSimulated") {
      CHECK(w.message ==
            "the manifests' Jobs (0) and CronJobs (1) were not run: no Job run duration is set "
            "(scenario: jobs: {skip: true})");
    }
  }
}

// ---------------------------------------------------------------- kubelet.workloads

namespace {

// Two Deployments of one pod each, different images, no readiness probe: a
// pod is Ready as soon as its containers have started.
constexpr const char* kTwoDeployments = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: app}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api:1
          resources: {requests: {cpu: 100m, memory: 64Mi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web:1
          resources: {requests: {cpu: 100m, memory: 64Mi}}
)";

// Whether the one pod of `workload` is Ready.
bool ready(const Simulator& sim, const std::string& workload) {
  for (const PodView& p : sim.pods()) {
    if (p.workload == workload) return p.ready;
  }
  return false;
}

Simulator simulator_for(const Scenario& sc) {
  Manifests m = load_manifests(sc.manifests);
  return Simulator(to_simulation_config(sc, std::move(m), nullptr));
}

}  // namespace

TEST_CASE("a kubelet.workloads override moves its pods' Ready time by exactly the difference") {
  ScratchDir dir;
  dir.write("apps.yaml", kTwoDeployments);
  // Defaults: bound at 0, pull 5 s, start 2 s: Ready at 7 s, both pods.
  Simulator plain = simulator_for(dir.parse(small_scenario("apps.yaml", "2m", "")));
  plain.run_until(SimTime::from_ms(6'999));
  CHECK_FALSE(ready(plain, "Deployment/app/api"));
  CHECK_FALSE(ready(plain, "Deployment/app/web"));
  plain.run_until(SimTime::from_ms(7'000));
  CHECK(ready(plain, "Deployment/app/api"));
  CHECK(ready(plain, "Deployment/app/web"));

  // api: pull 30 s, start 10 s: Ready at 40 s = 7 s + (30 - 5) + (10 - 2).
  // web keeps the defaults: Ready at 7 s.
  Simulator slow = simulator_for(dir.parse(small_scenario(
      "apps.yaml", "2m",
      "kubelet:\n  workloads:\n    Deployment/app/api: {imagePull: 30s, containerStart: 10s}\n")));
  slow.run_until(SimTime::from_ms(7'000));
  CHECK(ready(slow, "Deployment/app/web"));
  CHECK_FALSE(ready(slow, "Deployment/app/api"));
  slow.run_until(SimTime::from_ms(39'999));
  CHECK_FALSE(ready(slow, "Deployment/app/api"));
  slow.run_until(SimTime::from_ms(40'000));
  CHECK(ready(slow, "Deployment/app/api"));

  // The global kubelet setting still applies to the fields the override leaves
  // unset: pull 12 s (global) + start 1 s (override) = Ready at 13 s.
  Simulator mixed = simulator_for(dir.parse(
      small_scenario("apps.yaml", "2m",
                     "kubelet:\n  imagePull: 12s\n  workloads:\n    api: {containerStart: 1s}\n")));
  mixed.run_until(SimTime::from_ms(12'999));
  CHECK_FALSE(ready(mixed, "Deployment/app/api"));
  mixed.run_until(SimTime::from_ms(13'000));
  CHECK(ready(mixed, "Deployment/app/api"));
  CHECK_FALSE(ready(mixed, "Deployment/app/web"));  // 12 s + 2 s = 14 s
}

// ---------------------------------------------------------------- hpaMetrics

namespace {

// A worker Deployment of 1 pod and an HPA on one metric, `metric` (YAML).
std::string worker_manifests(const std::string& metric);

// The same with an External metric queue_depth; `target` is its target.
std::string queue_manifests(const std::string& target) {
  return worker_manifests(
      "    - type: External\n      external:\n        metric: {name: queue_depth}\n        "
      "target: " +
      target + "\n");
}

std::string worker_manifests(const std::string& metric) {
  return R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: q}
spec:
  replicas: 1
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
        - name: worker
          image: worker:1
          resources: {requests: {cpu: 100m, memory: 64Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: queue-hpa, namespace: q}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
  minReplicas: 1
  maxReplicas: 10
  metrics:
)" + metric;
}

const WorkloadSummary& worker(const Report& r) {
  for (const WorkloadSummary& w : r.workloads) {
    if (w.name == "worker") return w;
  }
  FAIL("no worker in the report");
  return r.workloads.front();
}

}  // namespace

TEST_CASE("an External metric without a value is warned about and its failed syncs are events") {
  ScratchDir dir;
  dir.write("queue.yaml", queue_manifests("{type: AverageValue, averageValue: \"30\"}"));
  Report r = run_scenario(dir.parse(small_scenario("queue.yaml", "10m", ""))).report;
  // Every sync fails the same way: recorded once, at the first sync (t = 0),
  // as upstream's two Warning events.
  auto failed = events_of(r, "HPAFailed");
  REQUIRE(failed.size() == 2);
  CHECK(failed[0]->t.ms() == 0);
  CHECK(failed[0]->object == "HorizontalPodAutoscaler/q/queue-hpa");
  CHECK(failed[0]->details.at("reason") == "FailedGetExternalMetric");
  CHECK(failed[0]->message.find("FailedGetExternalMetric: unable to get external metric "
                                "q/queue_depth/") == 0);
  CHECK(failed[0]->message.find("external metrics are not simulated (no value was supplied)") !=
        std::string::npos);
  CHECK(failed[1]->details.at("reason") == "FailedComputeMetricsReplicas");
  CHECK(failed[1]->message.find("failed to compute desired number of replicas based on listed "
                                "metrics for Deployment/q/worker: invalid metrics (1 invalid out "
                                "of 1)") != std::string::npos);
  CHECK(failed[1]->details.at("ScalingActive") == "False/FailedGetExternalMetric");
  CHECK(events_of(r, "HPAScaled").empty());
  CHECK(worker(r).end_replicas == 1);
  bool warned = false;
  for (const Warning& w : r.warnings) {
    if (w.code != "HPAMetricNotSimulated") continue;
    warned = true;
    CHECK(w.message.find("HorizontalPodAutoscaler q/queue-hpa: External metric queue_depth is not "
                         "simulated") == 0);
  }
  CHECK(warned);
}

TEST_CASE("an External metric with a supplied value scales as upstream's replica calculator") {
  ScratchDir dir;
  SUBCASE("AverageValue target: ceil(value / target per pod)") {
    // GetExternalPerPodMetricReplicas: queue_depth 120, 30 per pod:
    // ratio 120 / (30 x 1 replica) = 4 is outside the 0.1 tolerance, so
    // replicas = ceil(120 / 30) = 4 at the first sync (t = 0); then
    // 120 / (30 x 4) = 1.0: held at 4 to the end.
    dir.write("queue.yaml", queue_manifests("{type: AverageValue, averageValue: \"30\"}"));
    Report r = run_scenario(dir.parse(small_scenario(
                                "queue.yaml", "10m",
                                "hpaMetrics: {q/queue-hpa: {external: {queue_depth: 120}}}\n")))
                   .report;
    auto scaled = events_of(r, "HPAScaled");
    REQUIRE(scaled.size() == 1);
    CHECK(scaled[0]->t.ms() == 0);
    CHECK(scaled[0]->details.at("from") == "1");
    CHECK(scaled[0]->details.at("to") == "4");
    CHECK(scaled[0]->details.at("metric") == "external metric queue_depth(<nil>)");
    CHECK(worker(r).end_replicas == 4);
    CHECK(events_of(r, "HPAFailed").empty());
    for (const Warning& w : r.warnings) CHECK(w.code != "HPAMetricNotSimulated");
  }
  SUBCASE("steps: the value changes at its time") {
    // 120 until 5m (4 pods, as above), then 30: ratio 30 / (30 x 4) = 0.25,
    // replicas ceil(30 / 30) = 1, after the 5-minute scale-down
    // stabilization window (the 4 recommended until 5m hold to 10m).
    dir.write("queue.yaml", queue_manifests("{type: AverageValue, averageValue: \"30\"}"));
    Report r = run_scenario(dir.parse(small_scenario(
                                "queue.yaml", "15m",
                                "hpaMetrics:\n  queue-hpa:\n    external:\n      queue_depth: "
                                "[{at: 0s, value: 120}, {at: 5m, value: 30}]\n")))
                   .report;
    auto scaled = events_of(r, "HPAScaled");
    REQUIRE(scaled.size() == 2);
    CHECK(scaled[0]->details.at("to") == "4");
    CHECK(scaled[1]->details.at("to") == "1");
    CHECK(scaled[1]->t.ms() > 600'000 - 15'000);
    CHECK(scaled[1]->t.ms() <= 600'000 + 15'000);
    CHECK(worker(r).end_replicas == 1);
  }
  SUBCASE("Value target: ceil(value / target x Ready pods)") {
    // GetExternalMetricReplicas: queue_depth 90, target 30: ratio 3, times
    // the Ready pods. At t = 0 the HPA syncs before the Deployment has
    // created its pod: "unable to calculate ready pods" (HPAFailed). At 15 s
    // the pod is Ready (since 7 s): ceil(3 x 1) = 3, within the legacy
    // scale-up limit max(2 x 1, 4) = 4.
    dir.write("queue.yaml", queue_manifests("{type: Value, value: \"30\"}"));
    Report r = run_scenario(dir.parse(small_scenario(
                                "queue.yaml", "1m",
                                "hpaMetrics: {q/queue-hpa: {external: {queue_depth: 90}}}\n")))
                   .report;
    auto scaled = events_of(r, "HPAScaled");
    REQUIRE_FALSE(scaled.empty());
    auto failed = events_of(r, "HPAFailed");
    REQUIRE_FALSE(failed.empty());
    CHECK(failed[0]->t.ms() == 0);
    CHECK(failed[0]->message.find("no pods returned by selector") != std::string::npos);
    CHECK(scaled[0]->t.ms() == 15'000);
    CHECK(scaled[0]->details.at("from") == "1");
    CHECK(scaled[0]->details.at("to") == "3");
  }
}

TEST_CASE("supplied Pods and Object metric values run upstream's replica calculations") {
  ScratchDir dir;
  SUBCASE("Pods metric, AverageValue target") {
    // GetMetricReplicas: every Running pod reports requests_per_second 15,
    // target 10 per pod: ratio 1.5. At t = 0 no pod exists yet (HPAFailed);
    // at 15 s the one pod (Running since 7 s) reports 15: ceil(1.5 x 1) = 2.
    dir.write("pods.yaml",
              worker_manifests("    - type: Pods\n      pods:\n        metric: {name: "
                               "requests_per_second}\n        target: {type: AverageValue, "
                               "averageValue: \"10\"}\n"));
    Report r = run_scenario(dir.parse(small_scenario(
                                "pods.yaml", "1m",
                                "hpaMetrics: {queue-hpa: {pods: {requests_per_second: 15}}}\n")))
                   .report;
    auto scaled = events_of(r, "HPAScaled");
    REQUIRE_FALSE(scaled.empty());
    CHECK(scaled[0]->t.ms() == 15'000);
    CHECK(scaled[0]->details.at("to") == "2");
    CHECK(scaled[0]->details.at("metric") == "pods metric requests_per_second");
  }
  SUBCASE("Object metric, Value target") {
    // GetObjectMetricReplicas: Ingress main-route requests-per-second 1500,
    // target 500: ratio 3, times the Ready pods: at 15 s 1 pod, 3 replicas.
    dir.write("object.yaml",
              worker_manifests("    - type: Object\n      object:\n        describedObject: "
                               "{apiVersion: networking.k8s.io/v1, kind: Ingress, name: "
                               "main-route}\n        metric: {name: requests-per-second}\n"
                               "        target: {type: Value, value: \"500\"}\n"));
    Report r = run_scenario(dir.parse(small_scenario(
                                "object.yaml", "1m",
                                "hpaMetrics:\n  q/queue-hpa:\n    object: "
                                "{\"Ingress/main-route:requests-per-second\": 1500}\n")))
                   .report;
    auto scaled = events_of(r, "HPAScaled");
    REQUIRE_FALSE(scaled.empty());
    CHECK(scaled[0]->t.ms() == 15'000);
    CHECK(scaled[0]->details.at("to") == "3");
    CHECK(scaled[0]->details.at("metric") == "Ingress metric requests-per-second");
    for (const Warning& w : r.warnings) CHECK(w.code != "HPAMetricNotSimulated");
  }
}

// ---------------------------------------------------------------- featureGates

TEST_CASE("with featureGates HPAScaleToZero an HPA with minReplicas 0 scales to 0 and back") {
  ScratchDir dir;
  std::string m = queue_manifests("{type: AverageValue, averageValue: \"30\"}");
  m.replace(m.find("minReplicas: 1"), 14, "minReplicas: 0");
  dir.write("queue.yaml", m);
  const std::string metrics =
      "hpaMetrics: {q/queue-hpa: {external: {queue_depth: [{at: 0s, value: 0}, {at: 8m, value: "
      "60}]}}}\n";
  // Without the gate the API server refuses minReplicas 0, and so does run.
  try {
    (void)run_scenario(dir.parse(small_scenario("queue.yaml", "12m", metrics)));
    FAIL("minReplicas 0 ran without the HPAScaleToZero gate");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("HorizontalPodAutoscaler q/queue-hpa: spec.minReplicas: "
                                     "Invalid value: 0") != std::string::npos);
    CHECK(std::string(e.what()).find("HPAScaleToZero") != std::string::npos);
  }
  // With it: queue_depth 0 proposes ceil(0 / 30) = 0 replicas, which the
  // default scale-down stabilization (5 min) lets through after 300 s: 1 -> 0,
  // and the HPA stays on at 0 replicas (minReplicas 0). At 8 min the queue
  // holds 60: ceil(60 / 30) = 2 replicas, from 0.
  Report r =
      run_scenario(dir.parse(small_scenario("queue.yaml", "12m",
                                            metrics + "featureGates: {HPAScaleToZero: true}\n")))
          .report;
  auto scaled = events_of(r, "HPAScaled");
  REQUIRE(scaled.size() == 2);
  CHECK(scaled[0]->t.ms() > 300'000);
  CHECK(scaled[0]->details.at("from") == "1");
  CHECK(scaled[0]->details.at("to") == "0");
  CHECK(scaled[1]->t.ms() >= 480'000);
  CHECK(scaled[1]->details.at("from") == "0");
  CHECK(scaled[1]->details.at("to") == "2");
  CHECK(worker(r).min_replicas == 0);
  CHECK(worker(r).end_replicas == 2);
  CHECK(worker(r).hpa->min_replicas == 0);
}

// ---------------------------------------------------------------- text report

TEST_CASE("an HPA whose scale target does not exist shows in the text report") {
  ScratchDir dir;
  std::string m = queue_manifests("{type: AverageValue, averageValue: \"30\"}");
  m.replace(m.find("name: worker}"), 13, "name: wroker}");
  dir.write("queue.yaml", m);
  Report r = run_scenario(dir.parse(small_scenario("queue.yaml", "2m", ""))).report;
  const std::string text = render_report(r, ReportFormat::kText);
  CHECK(text.find("no HorizontalPodAutoscaler\n") == std::string::npos);
  CHECK(text.find("no HorizontalPodAutoscaler scales a workload") != std::string::npos);
  CHECK(text.find("1 HPA cannot scale anything: scale target not found") != std::string::npos);
  const size_t row = text.find("HorizontalPodAutoscaler/q/queue-hpa  FailedGetScale: ");
  CHECK(row != std::string::npos);
  CHECK(text.find("wroker", row) != std::string::npos);
}

TEST_CASE("a single-replica StatefulSet's warning speaks of a volume only when it has one") {
  ScratchDir dir;
  const std::string sts = R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: NAME, namespace: db}
spec:
  replicas: 1
  serviceName: NAME
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      containers:
        - {name: db, image: db:1, resources: {requests: {cpu: 100m, memory: 64Mi}}}
)";
  auto named = [&](const std::string& name) {
    std::string s = sts;
    for (size_t at = s.find("NAME"); at != std::string::npos; at = s.find("NAME", at)) {
      s.replace(at, 4, name);
    }
    return s;
  };
  dir.write("db.yaml", named("cache") + "---\n" + named("pg") +
                           "  volumeClaimTemplates:\n"
                           "    - metadata: {name: data}\n"
                           "      spec: {accessModes: [ReadWriteOnce], resources: {requests: "
                           "{storage: 1Gi}}}\n");
  Report r = run_scenario(dir.parse(small_scenario("db.yaml", "1m", ""))).report;
  std::map<std::string, std::string> single;
  for (const Warning& w : r.warnings) {
    if (w.code == "SingleReplicaStateful") single[w.message.substr(0, 26)] = w.message;
  }
  REQUIRE(single.size() == 2);
  CHECK(single.at("StatefulSet db/cache runs ") ==
        "StatefulSet db/cache runs a single replica: a node failure or rollout takes it down");
  CHECK(single.at("StatefulSet db/pg runs a s") ==
        "StatefulSet db/pg runs a single replica: a node failure or rollout takes it down (and its "
        "zone-pinned volume cannot follow it to another zone)");
}

// ---------------------------------------------------------------- --set

TEST_CASE("a run with --set overrides simulates the changed scenario and records the overrides") {
  ScratchDir dir;
  dir.write("cron.yaml", kCronJob);
  const std::string text = small_scenario("cron.yaml", "5m", "");
  Report plain = run_scenario(parse_scenario(text, dir.file("s.yaml"), dir.path())).report;
  Report three =
      run_scenario(parse_scenario(text, dir.file("s.yaml"), dir.path(),
                                  {{"cluster.nodePools[0].count", "3"}, {"jobs.skip", "true"}}))
          .report;
  REQUIRE(plain.node_pools.size() == 1);
  REQUIRE(three.node_pools.size() == 1);
  CHECK(plain.node_pools[0].max_ready == 1);
  CHECK(three.node_pools[0].max_ready == 3);
  CHECK(plain.overrides.empty());
  CHECK(three.overrides ==
        std::vector<std::string>{"cluster.nodePools[0].count=3", "jobs.skip=true"});
  CHECK_FALSE(has(warning_codes(plain), "JobsNotSimulated"));
  CHECK(has(warning_codes(three), "JobsNotSimulated"));
}
