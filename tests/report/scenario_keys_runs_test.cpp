// Whole runs of small scenarios written here, for the scenario keys that
// reach the engine: jobs (run duration / skip) and kubelet.workloads (per
// workload delays).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scenario/scenario_fixtures.h"
#include "simcluster/load_model.h"
#include "simcluster/manifests.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "simcluster/simulator.h"

using namespace simcluster;
using simcluster::testing::ScratchDir;

namespace {

std::vector<const ReportEvent*> events_of(const Report& r, const std::string& kind) {
  std::vector<const ReportEvent*> out;
  for (const ReportEvent& e : r.events) {
    if (e.kind == kind) out.push_back(&e);
  }
  return out;
}

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
std::string small_scenario(const std::string& manifests, const std::string& duration,
                           const std::string& extra) {
  return "name: keys\nmanifests: [" + manifests + "]\nduration: " + duration +
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
