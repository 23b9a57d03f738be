// The metrics-server pipeline as the HPA sees it (lib/sim/metrics.cpp): the
// window of a container's sample (metrics_server_window), and a whole run in
// which that window decides whether a new pod counts as ready.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "sim/controllers.h"
#include "sim_builders.h"
#include "simcluster/simulator.h"

namespace simcluster {
namespace {

using namespace testing;

constexpr SimDuration kResolution = std::chrono::seconds(15);

// The windows (ms; -1 = no sample) metrics-server serves at each scrape for
// one container instance started at `start`: at each scrape the container is
// in the kubelet's report when it has started (start <= t), and the point
// stored at the previous scrape is the previous `last` (as scrape_metrics
// threads SimPod::metrics_point).
std::vector<int64_t> windows(SimTime start, const std::vector<int64_t>& scrapes_s,
                             SimDuration resolution = kResolution) {
  std::vector<int64_t> out;
  std::optional<SimTime> last;
  for (int64_t s : scrapes_s) {
    if (sec(s) < start) {
      last.reset();
      out.push_back(-1);
      continue;
    }
    std::optional<SimDuration> w = metrics_server_window(start, sec(s), last, resolution);
    out.push_back(w ? w->count() : -1);
    last = sec(s);
  }
  return out;
}

// ---------------------------------------------------------------- the window

TEST_CASE("a fresh container's first sample spans its start to the scrape, from 10 s of age") {
  // Started at 2 s: 13 s old at the 15 s scrape -> window 13 s (the synthetic
  // prev point at the start, pod.go); then scrape to scrape, 15 s.
  CHECK(windows(sec(2), {0, 15, 30, 45}) == std::vector<int64_t>{-1, 13'000, 15'000, 15'000});
  // Exactly 10 s old: a sample (>= freshContainerMinMetricsResolution), as
  // upstream's "should use start time ... for fresh new container" (10 s).
  CHECK(windows(sec(5), {15, 30}) == std::vector<int64_t>{10'000, 15'000});
  // Milliseconds count: 9.999 s old -> none.
  CHECK(windows(SimTime::from_ms(5'001), {15, 30}) == std::vector<int64_t>{-1, 15'000});
}

TEST_CASE("a container younger than 10 s has no sample until the next scrape") {
  // Started at 7 s: 8 s old at 15 s -> nothing; at 30 s the 15 s point is prev.
  CHECK(windows(sec(7), {0, 15, 30, 45}) == std::vector<int64_t>{-1, -1, 15'000, 15'000});
  // Started on a scrape: 0 s old (start not before the timestamp) -> none;
  // nor at 30 s: 15 s old is not under the resolution, and the 15 s point
  // is not after the start (StartTime.Before(last.Timestamp) fails) -> 45 s.
  CHECK(windows(sec(15), {15, 30, 45}) == std::vector<int64_t>{-1, -1, 15'000});
  // Pure function: a container 3 s old with no stored point.
  CHECK_FALSE(metrics_server_window(sec(12), sec(15), std::nullopt, kResolution));
}

TEST_CASE("the fresh-container rule applies only under the resolution; then two points") {
  // A container first seen long after its start (its node's scrape failed
  // before): one point alone gives nothing ("should not use start time ...
  // for long running container"); the next scrape gives the scrape window.
  CHECK_FALSE(metrics_server_window(sec(0), sec(120), std::nullopt, kResolution));
  CHECK(metrics_server_window(sec(0), sec(135), sec(120), kResolution) == SimDuration{15'000});
  // Exactly the resolution old: not fresh (age < resolution is strict).
  CHECK_FALSE(metrics_server_window(sec(0), sec(15), std::nullopt, kResolution));
  // With metrics-server's default 60 s resolution a container 45 s old is
  // still fresh: window 45 s.
  CHECK(metrics_server_window(sec(0), sec(45), std::nullopt, std::chrono::seconds(60)) ==
        SimDuration{45'000});
  // A resolution of 10 s or less: never fresh, always two scrapes.
  CHECK(windows(sec(1), {0, 10, 20}, std::chrono::seconds(10)) ==
        std::vector<int64_t>{-1, -1, 10'000});
}

TEST_CASE("a restart between two scrapes starts over from the new start time") {
  // upstream "should detect container restart": a point at 10 s, restarted at
  // 15 s, scraped at 25 s -> window 10 s (the stored point is of the old
  // instance: start 15 s is not before it).
  CHECK(metrics_server_window(sec(15), sec(25), sec(10), kResolution) == SimDuration{10'000});
  // Restarted at 22 s, scraped at 30 s (8 s old): no sample, although the
  // pod was in the previous scrape.
  CHECK_FALSE(metrics_server_window(sec(22), sec(30), sec(15), kResolution));
  // Same instance, the stored point is prev.
  CHECK(metrics_server_window(sec(2), sec(30), sec(15), kResolution) == SimDuration{15'000});
}

// ---------------------------------------------------------------- whole run

// One pod of 100m at first, a 50% CPU target, no stabilization either way
// (scaleDown window 0) and 80m of CPU shared by the Ready pods: one pod runs
// at 80% (ratio 1.6 -> ceil(1.6 x 1) = 2), two run at 40% each (ratio 0.8,
// ceil(0.8 x 2) = 2): the HPA should scale to 2 once and stay there.
//
// The first pod: bound at 0 s, image pulled by 5 s, running and Ready (no
// probe) at 7 s. Scrape and HPA sync every 15 s, the scrape first. At 30 s
// the HPA scales 1 -> 2; the new pod (image on the node) runs at 32 s with
// a 2 s container start, or 37 s with a 7 s one.
//
// metrics-server (pkg/storage/pod.go) gives its first sample at the 45 s
// scrape, window 45 - 32 = 13 s (>= 10 s): in the HPA's groupPods, 45 <
// 32 + 13 is false -> ready: 40% + 40% -> ratio 0.8 -> 2, held. With the
// 7 s start it is 8 s old at 45 s: no sample at all -> missing; the ready pod
// gives ratio 0.8 < 1, the missing one is filled at 100% of its request ->
// (40 + 100) / 2 = 70% -> ratio 1.4 > 1: the rebalance veto holds 2.
//
// Had the sample carried the scrape resolution (15 s) as its window, 45 <
// 32 + 15 would count the new pod unready at every sync before its second
// sample; on a scale-down unready pods are dropped: ceil(0.8 x 1) = 1. The
// new pod is deleted, the lone pod is back at 80%, the next sync scales to
// 2 again: 2 -> 1 -> 2 every 15 s for the whole run.
TEST_CASE("a new pod's first metrics sample does not make the HPA flap 2 -> 1 -> 2") {
  for (const int64_t start_ms : {2'000, 7'000}) {
    CAPTURE(start_ms);
    SimulationConfig cfg = one_node_world("metrics-window", 3);
    cfg.duration = std::chrono::minutes(10);
    cfg.kubelet.container_start = SimDuration{start_ms};
    cfg.kubelet.image_pull = SimDuration{5'000 - (start_ms - 2'000)};  // first pod Ready at 7 s
    ScriptedLoad load({{"default", "web", [](SimTime) -> int64_t { return 80; }}});
    cfg.manifests.deployments.push_back(
        deployment("web", 1, container("app", "web:1", "100m", "64Mi")));
    cfg.manifests.services.push_back(service("web", "web"));
    HorizontalPodAutoscaler h = cpu_hpa("web", 1, 10, 50);
    HPAScalingRules up, down;
    up.stabilization_window_seconds = 0;
    up.select_policy = "Max";
    up.policies.push_back(HPAScalingPolicy{"Pods", 4, 15});
    down.stabilization_window_seconds = 0;
    down.select_policy = "Max";
    down.policies.push_back(HPAScalingPolicy{"Percent", 100, 15});
    h.behavior = HPABehavior{up, down};
    cfg.manifests.horizontal_pod_autoscalers.push_back(h);
    cfg.load = &load;
    Simulator sim(std::move(cfg));
    sim.run();
    const Report& r = sim.report();
    const std::vector<ReportEvent> scaled = events_of(r, "HPAScaled");
    REQUIRE(scaled.size() >= 1);
    CHECK(scaled[0].t == sec(30));
    CHECK(scaled[0].details.at("to") == "2");
    CHECK(scaled.size() == 1);  // with a 15 s window: 39 rescales in 10 minutes
    CHECK(desired(sim, "Deployment", "web") == 2);
  }
}

}  // namespace
}  // namespace simcluster
