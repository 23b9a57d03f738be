// Whole runs of small scenarios written here, for the load model's baselines
// (derived from the pods' requests unless the scenario sets them) and for
// the report's "load change -> ready" reaction times.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scenario/scenario_fixtures.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "testing/report_queries.h"

using namespace simcluster;
using simcluster::testing::events_of;
using simcluster::testing::ScratchDir;
using simcluster::testing::warnings_of;

namespace {

const WorkloadSummary& workload(const Report& r, const std::string& name) {
  auto it = std::find_if(r.workloads.begin(), r.workloads.end(),
                         [&](const WorkloadSummary& w) { return w.name == name; });
  REQUIRE(it != r.workloads.end());
  return *it;
}

// A small real pod: requests 2m CPU / 20Mi, limits 5m / 20Mi, behind a Service.
constexpr const char* kTiny = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: tiny, namespace: app}
spec:
  replicas: 1
  selector: {matchLabels: {app: tiny}}
  template:
    metadata: {labels: {app: tiny}}
    spec:
      containers:
        - name: tiny
          image: tiny:1
          resources:
            requests: {cpu: 2m, memory: 20Mi}
            limits: {cpu: 5m, memory: 20Mi}
---
apiVersion: v1
kind: Service
metadata: {name: tiny, namespace: app}
spec:
  selector: {app: tiny}
  ports: [{port: 80}]
)";

// 100 users, 0.01 requests per user per second to tiny (1 rps, 1 ms of CPU
// each: 1m), for 10 minutes, plus `extra` keys.
std::string tiny_scenario(const std::string& extra) {
  return "name: tiny\nmanifests: [tiny.yaml]\nduration: 10m\n"
         "cluster:\n  nodePools:\n    - {name: pool, count: 1, preset: 2cpu-4gi}\n"
         "load:\n  users: 100\n  routes: {tiny: 0.01}\n" +
         extra;
}

}  // namespace

TEST_CASE("a 20Mi / 2m pod at 100 users is neither OOM-killed nor throttled by the defaults") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTiny);
  const Report r = run_scenario(dir.parse(tiny_scenario(""))).report;
  // Derived: 0m (2m / 10, rounded) and 10Mi (20Mi / 2); with 1m of traffic the
  // pod uses 1m of its 5m limit and ~10Mi of its 20Mi. With the former fixed
  // defaults (5m, 64Mi) it was OOM-killed at its first scrape and throttled.
  CHECK(events_of(r, "OOMKilled").empty());
  CHECK(events_of(r, "ContainerRestarted").empty());
  const WorkloadSummary& tiny = workload(r, "tiny");
  CHECK(tiny.throttled_pod_seconds == 0);
  // Saturated only until the first scrape after the pod is Ready (pull 5 s,
  // start 2 s: the 0 s scrape saw no Ready pod); before, for the whole run.
  REQUIRE(r.services.size() == 1);
  CHECK(r.services[0].saturated_seconds == 15);
  CHECK(warnings_of(r, "CPUThrottled").empty());
  // The report says the baselines were derived, in text and JSON.
  const auto derived = warnings_of(r, "LoadModelBaselineDerived");
  REQUIRE(derived.size() == 1);
  CHECK(derived[0]->message.find("app/tiny (cpu 0m, memory 10Mi)") != std::string::npos);
  CHECK(render_text(r).find("LoadModelBaselineDerived") != std::string::npos);
  CHECK(render_json(r).find("\"code\": \"LoadModelBaselineDerived\"") != std::string::npos);
  CHECK(warnings_of(r, "LoadModelBaselineExceedsRequest").empty());
}

TEST_CASE("a baseline the scenario sets above the pod's request is kept and warned about") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTiny);
  // memoryBaseline above the 20Mi limit: kept, so the pod OOM-loops; the
  // warning says why and what to do. cpuBaseline (serviceDefaults) 4m is above
  // the 2m request but under the 5m limit.
  const Report r =
      run_scenario(dir.parse(tiny_scenario("services:\n  tiny: {memoryBaseline: 32Mi}\n"
                                           "serviceDefaults: {cpuBaseline: 4m}\n")))
          .report;
  CHECK_FALSE(events_of(r, "OOMKilled").empty());
  const auto over = warnings_of(r, "LoadModelBaselineExceedsRequest");
  REQUIRE(over.size() == 2);
  CHECK(over[0]->message ==
        "memoryBaseline 32Mi (services.tiny, Service app/tiny) is above the memory request "
        "20Mi / limit 20Mi of Deployment/app/tiny's pods: kept as written, so each pod is "
        "OOM-killed by the baseline alone; lower memoryBaseline (or leave it unset: derived "
        "from the requests it would be 10Mi) or raise the pods' request and limit");
  CHECK(over[1]->message.find("cpuBaseline 4m (serviceDefaults, Service app/tiny) is above the "
                              "CPU request 2m / limit 5m") == 0);
  CHECK(warnings_of(r, "LoadModelBaselineDerived").empty());  // both set
  CHECK(render_text(r).find("LoadModelBaselineExceedsRequest") != std::string::npos);
}

TEST_CASE("an explicit idle usage above a pod no Service covers is warned about") {
  ScratchDir dir;
  // tiny without its Service: idle usage. kubelet.idleMemory 32Mi > 20Mi limit.
  std::string lonely = kTiny;
  lonely = lonely.substr(0, lonely.find("---"));
  dir.write("tiny.yaml", lonely);
  const Report r = run_scenario(dir.parse("name: idle\nmanifests: [tiny.yaml]\nduration: 5m\n"
                                          "cluster:\n  nodePools:\n    - {name: pool, count: "
                                          "1, preset: 2cpu-4gi}\n"
                                          "load: {users: 0}\nkubelet: {idleMemory: 32Mi}\n"))
                       .report;
  CHECK_FALSE(events_of(r, "OOMKilled").empty());
  const auto over = warnings_of(r, "LoadModelBaselineExceedsRequest");
  REQUIRE(over.size() == 1);
  CHECK(over[0]->message.find("kubelet.idleMemory 32Mi is above the memory request 20Mi / limit "
                              "20Mi of Deployment/app/tiny's pods") == 0);
  // Unset, the same pod idles at its derived 10Mi: no OOM.
  const Report d =
      run_scenario(dir.parse("name: idle\nmanifests: [tiny.yaml]\nduration: 5m\n"
                             "cluster:\n  nodePools:\n    - {name: pool, count: 1, preset: "
                             "2cpu-4gi}\nload: {users: 0}\n"))
          .report;
  CHECK(events_of(d, "OOMKilled").empty());
  CHECK(warnings_of(d, "LoadModelBaselineExceedsRequest").empty());
}

// ---------------------------------------------------------------- reaction times

namespace {

// web: 2 replicas of 100m, an HPA at 50% CPU (min 2, max 10), a Service.
constexpr const char* kWeb = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web:1
          resources: {requests: {cpu: 100m, memory: 64Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: app}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: app}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
)";

}  // namespace

TEST_CASE("load change -> ready counts from the step, not from the scrape that saw it") {
  ScratchDir dir;
  dir.write("web.yaml", kWeb);
  // 100 users until 2m07s, then 1,000; 0.1 requests per user per second to web
  // at 2 millicore-seconds each: 20m in all (10% of 2 x 100m, the HPA keeps
  // minReplicas 2), then 200m (100% per pod).
  const Report r = run_scenario(dir.parse("name: step\nmanifests: [web.yaml]\nduration: 10m\n"
                                          "metricsResolution: 60s\n"
                                          "cluster:\n  nodePools:\n    - {name: pool, count: 1, "
                                          "preset: 4cpu-8gi}\n"
                                          "load:\n  users:\n    steps: [{at: 0s, users: 100}, "
                                          "{at: 2m07s, users: 1000}]\n  routes: {web: 0.1}\n"
                                          "services:\n  web: {cpuPerRequest: 2, cpuBaseline: 0m, "
                                          "memoryBaseline: 16Mi}\n"))
                       .report;
  // By hand: metrics-server scrapes at 0, 60, 120, 180 s; the 180 s scrape is
  // the first to see the 1,000 users (100% CPU per pod). The HPA syncs every
  // 15 s; its 180 s sync reads that scrape: ceil(2 x 100 / 50) = 4 replicas
  // (within the scale-up limit of max(2 x 2, 4)). The 2 new pods go to the
  // node that already has web:1 (no pull), start their container in 2 s and,
  // with no readiness probe, are Ready at 182 s. The load changed at 127 s:
  // 182 - 127 = 55 s (counted from the scrape that saw it, it was 2 s).
  const auto scaled = events_of(r, "HPAScaled");
  REQUIRE(scaled.size() == 1);
  CHECK(scaled[0]->t == SimTime::from_seconds(180));
  const WorkloadSummary& web = workload(r, "web");
  REQUIRE(web.hpa);
  CHECK(web.max_replicas == 4);
  CHECK(web.hpa->reaction_seconds == std::vector<int64_t>{55});
}
