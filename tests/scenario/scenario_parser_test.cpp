// The scenario file format: what parses into what, and every way it can be wrong.
// GCC 12 warns about members a designated initializer leaves at their defaults;
// leaving them is the point (house style), so the warning is off here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <doctest/doctest.h>

#include <string>

#include "scenario/scenario_fixtures.h"
#include "simcluster/manifests.h"
#include "simcluster/scenario.h"

using namespace simcluster;
using simcluster::testing::minimal_scenario;
using simcluster::testing::ScratchDir;

namespace {
bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}
bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("A minimal scenario parses with every default in place") {
  ScratchDir dir;
  Scenario s = dir.parse(minimal_scenario());
  CHECK(s.name == "t");
  CHECK(s.manifests == std::vector<std::string>{dir.file("app.yaml")});
  CHECK(s.manifest_sources[0].line == 2);
  CHECK(s.duration == SimDuration(3'600'000));
  CHECK(s.seed == 1);
  CHECK(s.sample_interval == SimDuration(60'000));
  CHECK(s.metrics_resolution == SimDuration(15'000));
  REQUIRE(s.node_pools.size() == 1);
  CHECK(s.node_pools[0].name == "pool");
  CHECK(s.node_pools[0].count == 2);
  CHECK(allocatable(s.node_pools[0].shape).cpu_milli == 1930);
  CHECK(s.load.users.shape == ProfileShape::kConstant);
  CHECK(s.load.users.constant == 0);
  CHECK(s.hpa.sync_period == SimDuration(15'000));
  CHECK(s.scheduler.scoring_strategy == ScoringStrategy::kLeastAllocated);
  CHECK_FALSE(s.claims.has_value());
}

TEST_CASE("Every section of a scenario parses into the Scenario value") {
  ScratchDir dir;
  dir.write("trace.csv", "t,rps\n0,10\n60,20\n");
  Scenario s = dir.parse(R"(name: everything
description: all keys
manifests: [app.yaml]
namespaces: [shop]
duration: 2h
seed: 42
sampleInterval: 30s
metricsResolution: 30s
cluster:
  nodePools:
    - name: big
      count: 4
      cpu: 4
      memory: 16Gi
      pods: 58
      reserved: {cpu: 100m, memory: 1Gi}
      labels: {tier: general}
      zones: [a, b]
      region: r1
      taints: [{key: dedicated, value: web, effect: NoSchedule}]
      pricePerHour: 0.192
    - {name: eks, count: 1, preset: m5.large}
scheduler:
  scoring: RequestedToCapacityRatio
  resources: {cpu: 2, memory: 1}
  shape: [{utilization: 0, score: 10}, {utilization: 100, score: 0}]
  percentageOfNodesToScore: 50
  preemption: false
load:
  users:
    ramp: [{at: 0s, users: 10}, {at: 1h, users: 1000}]
    spikes: [{at: 30m, duration: 10m, rise: 1m, users: 500}]
  routes:
    /shop: 0.5
    db: 0.01
services:
  web:
    cpuPerRequest: 4.5
    cpuBaseline: 15m
    memoryBaseline: 100Mi
    memoryPerInflight: 128Ki
    concurrency: 32
    serviceTime: 25ms
    timeout: 30s
    calls: {db: 3}
serviceDefaults:
  cpuPerRequest: 2
  cpuBaseline: 1m
  memoryBaseline: 10Mi
  memoryPerInflight: 1Ki
  concurrency: 4
  serviceTime: 5ms
  timeout: 10s
  callsPerReference: 2
  idleCpu: 3m
slo: {latency: 250ms}
timeline:
  - at: 50m
    load: {users: 100}
  - at: 10m
    rollout: {workload: Deployment/shop/web, image: "web:2", container: web, fault: crash}
  - {at: 20m, failNode: big-1}
  - {at: 25m, recoverNode: {node: big-1}}
  - {at: 30m, cordon: {zone: a}}
  - {at: 31m, uncordon: {zone: a}}
  - {at: 40m, drain: eks-0}
  - {at: 45m, removeNode: eks-0}
  - {at: 50m, load: {scale: 2}}
kubelet: {imagePull: 20s, containerStart: 3s, shutdown: 5s, idleMemory: 32Mi}
nodeLifecycle: {nodeMonitorGracePeriod: 50s, defaultTolerationSeconds: 60, forceDeleteUnreachablePods: true}
hpa:
  syncPeriod: 30s
  tolerance: 0.05
  downscaleStabilization: 10m
  cpuInitializationPeriod: 3m
  initialReadinessDelay: 20s
)");
  CHECK(s.description == "all keys");
  CHECK(s.namespaces == std::vector<std::string>{"shop"});
  CHECK(s.load.namespaces == std::vector<std::string>{"shop"});
  CHECK(s.duration == SimDuration(7'200'000));
  CHECK(s.seed == 42);
  CHECK(s.sample_interval == SimDuration(30'000));
  REQUIRE(s.node_pools.size() == 2);
  const NodePool& big = s.node_pools[0];
  CHECK(big.shape.capacity.cpu_milli == 4000);
  CHECK(big.shape.capacity.pods == 58);
  CHECK(big.shape.kube_reserved.cpu_milli == 100);
  CHECK(allocatable(big.shape).cpu_milli == 3900);
  CHECK(allocatable(big.shape).memory == 15LL << 30);
  CHECK(big.labels.at("tier") == "general");
  CHECK(big.zones == std::vector<std::string>{"a", "b"});
  CHECK(big.region == "r1");
  REQUIRE(big.taints.size() == 1);
  CHECK(big.taints[0] == Taint{"dedicated", "web", "NoSchedule"});
  CHECK(big.shape.price_micro_usd_per_hour == 192'000);
  CHECK(s.node_pools[1].shape.name == "m5.large");
  CHECK(s.scheduler.scoring_strategy == ScoringStrategy::kRequestedToCapacityRatio);
  CHECK(s.scheduler.shape.size() == 2);
  CHECK(s.scheduler.scoring_resources.size() == 2);
  CHECK(s.scheduler.percentage_of_nodes_to_score == 50);
  CHECK_FALSE(s.scheduler.preemption);
  CHECK(s.load.users.shape == ProfileShape::kRamp);
  CHECK(s.load.users.points.size() == 2);
  CHECK(s.load.users.spikes.size() == 1);
  REQUIRE(s.load.routes.size() == 2);
  CHECK(s.load.routes[0].route == "/shop");
  CHECK(s.load.routes[0].rps_per_user == 0.5);
  REQUIRE(s.load.services.size() == 1);
  const ServiceCost& web = s.load.services[0];
  CHECK(web.cpu_per_request == 4.5);
  CHECK(web.cpu_baseline_milli == 15);
  CHECK(web.memory_baseline == 100LL << 20);
  CHECK(web.memory_per_inflight == 128LL << 10);
  CHECK(web.concurrency == 32);
  CHECK(web.service_time == SimDuration(25));
  CHECK(web.timeout == SimDuration(30'000));
  REQUIRE(web.calls.size() == 1);
  CHECK(web.calls[0].service == "db");
  CHECK(web.calls[0].calls_per_request == 3);
  CHECK(s.load.defaults.calls_per_reference == 2);
  CHECK(s.load.defaults.idle_cpu_milli == 3);
  CHECK(s.load.defaults.service_time == SimDuration(5));
  CHECK(s.slo.latency_ms == 250.0);
  // The timeline is sorted by time, stable; load events also feed the load model.
  REQUIRE(s.timeline.size() == 9);
  CHECK(s.timeline[0].kind == TimelineKind::kRollout);
  CHECK(s.timeline[0].workload.kind == "Deployment");
  CHECK(s.timeline[0].workload.ns == "shop");
  CHECK(s.timeline[0].workload.name == "web");
  CHECK(s.timeline[0].fault == RolloutFault::kCrash);
  CHECK(s.timeline[1].node == "big-1");
  CHECK(s.timeline[3].zone == "a");
  CHECK(s.timeline[7].kind == TimelineKind::kLoad);
  CHECK(s.timeline[8].kind == TimelineKind::kLoad);
  REQUIRE(s.load.changes.size() == 2);
  CHECK(s.load.changes[0].users == 100.0);
  CHECK(s.load.changes[1].scale == 2.0);
  CHECK(s.kubelet.image_pull == SimDuration(20'000));
  CHECK(s.kubelet.shutdown == SimDuration(5'000));
  CHECK(s.kubelet.idle_memory == 32LL << 20);
  CHECK(s.node_lifecycle.node_monitor_grace_period == SimDuration(50'000));
  CHECK(s.node_lifecycle.default_toleration_seconds == 60);
  CHECK(s.node_lifecycle.force_delete_unreachable_pods);  // the default is false
  CHECK(s.hpa.sync_period == SimDuration(30'000));
  CHECK(s.hpa.tolerance == 0.05);
  CHECK(s.hpa.downscale_stabilization == SimDuration(600'000));

  // References check out against the manifests, and the engine config follows.
  Manifests m = load_manifests(s.manifests);
  CHECK_NOTHROW(check_scenario_references(s, m));
  LoadModel model(m, s.load);
  SimulationConfig cfg = to_simulation_config(s, m, &model);
  CHECK(cfg.name == "everything");
  CHECK(cfg.seed == 42);
  CHECK(cfg.load == &model);
  CHECK(cfg.slo_latency_ms == 250.0);
  REQUIRE(cfg.timeline.size() == 7);  // load changes stay with the load model
  CHECK(cfg.timeline[0].action == TimelineAction::kRollout);
  CHECK(cfg.timeline[0].kind == "Deployment");
  CHECK(cfg.timeline[0].name == "web");
  CHECK(cfg.timeline[0].fault == RolloutFault::kCrash);
  CHECK(cfg.timeline[6].action == TimelineAction::kRemoveNode);
  CHECK(cfg.kubelet.idle_cpu_milli == 3);
  CHECK(cfg.hpa.tolerance == 0.05);
  CHECK(cfg.manifests.deployments.size() == 1);
}

TEST_CASE("Each users shape parses") {
  ScratchDir dir;
  CHECK(dir.parse(minimal_scenario("load: {users: 250}")).load.users.constant == 250);
  CHECK(dir.parse(minimal_scenario("load: {users: {constant: 7}}")).load.users.constant == 7);
  Scenario steps = dir.parse(
      minimal_scenario("load:\n  users:\n    steps: [{at: 0s, users: 1}, {at: 5m, users: 2}]\n"));
  CHECK(steps.load.users.shape == ProfileShape::kSteps);
  CHECK(steps.load.users.points[1] == ProfilePoint{SimDuration(300'000), 2});
  Scenario diurnal = dir.parse(minimal_scenario(
      "load:\n  users:\n    diurnal: {min: 100, max: 900, peakHour: 13.5, startHour: 6}\n"));
  CHECK(diurnal.load.users.shape == ProfileShape::kDiurnal);
  CHECK(diurnal.load.users.diurnal.peak_hour == 13.5);
  CHECK(diurnal.load.users.diurnal.start_hour == 6);
  CHECK(diurnal.load.users.diurnal.max_users == 900);
}

TEST_CASE("A misspelt key is an error at its line and column with a suggestion") {
  ScratchDir dir;
  std::string e = dir.error(minimal_scenario("duraton: 1h\n"));
  CHECK(starts_with(
      e, dir.file("test.yaml") + ":6:1: unknown key 'duraton', did you mean 'duration'?"));
  e = dir.error(minimal_scenario("load:\n  users: 5\n  rutes: {}\n"));
  CHECK(starts_with(
      e, dir.file("test.yaml") + ":8:3: unknown key 'rutes' in load, did you mean 'routes'?"));
  e = dir.error(R"(name: t
manifests: [app.yaml]
cluster:
  nodePools:
    - {name: pool, count: 2, preset: 2cpu-4gi, zone: [a]}
)");
  CHECK(contains(e, ":5:48: unknown key 'zone' in cluster.nodePools[0], did you mean 'zones'?"));
}

TEST_CASE("An unknown key with no close match lists the known keys") {
  ScratchDir dir;
  std::string e = dir.error(minimal_scenario("slo: {p99: 3}\n"));
  CHECK(contains(e, "unknown key 'p99' in slo"));
  CHECK(contains(e, "hint: known keys: latency"));
}

TEST_CASE("A duplicate key is an error") {
  ScratchDir dir;
  std::string e = dir.error(minimal_scenario("seed: 1\nseed: 2\n"));
  CHECK(contains(e, ":7:1: duplicate key 'seed' (first at line 6)"));
}

TEST_CASE("A value of the wrong type is an error naming the key") {
  ScratchDir dir;
  CHECK(contains(dir.error(minimal_scenario("seed: many\n")),
                 ":6:7: seed must be an integer, got 'many'"));
  CHECK(contains(dir.error(minimal_scenario("seed: \"42\"\n")), "seed must be an integer"));
  CHECK(contains(dir.error(minimal_scenario("namespaces: {a: b}\n")),
                 "namespaces must be a list, got a mapping"));
  CHECK(contains(dir.error(minimal_scenario("load: [1]\n")), "load must be a mapping, got a list"));
  CHECK(contains(dir.error(minimal_scenario("scheduler: {preemption: maybe}\n")),
                 "scheduler.preemption must be true or false, got 'maybe'"));
  CHECK(contains(dir.error(minimal_scenario("services: {web: {cpuBaseline: lots}}\n")),
                 "services.web.cpuBaseline: bad quantity 'lots'"));
}

TEST_CASE("A bad duration is an error with the accepted forms") {
  ScratchDir dir;
  std::string e = dir.error(minimal_scenario("duration: 1 hour\n"));
  CHECK(contains(e, ":6:11: duration: bad duration '1 hour'"));
  CHECK(contains(e, "hint: write e.g. 250ms, 90s, 5m, 1h30m or 24h"));
  CHECK(contains(dir.error(minimal_scenario("duration: 0s\n")), "duration must be between 1s and"));
  CHECK(contains(dir.error(minimal_scenario("sampleInterval: 2h\n")),
                 "sampleInterval must be between 1s and 1h, got 2h"));
}

TEST_CASE("A run that would take more report samples than the limit is refused before running") {
  ScratchDir dir;
  // 366 days sampled every second: 31,622,400 samples.
  std::string e = dir.error(minimal_scenario("duration: 366d\nsampleInterval: 1s\n"));
  CHECK(contains(e,
                 ":7:17: duration 366d sampled every 1s makes 31622400 report samples; the "
                 "limit is 200000"));
  CHECK(contains(e,
                 "hint: raise sampleInterval to 2m39s or more, or shorten duration to "
                 "2d7h33m20s or less"));
  // Without sampleInterval the default (1m) is too fine for a year: the error is at duration.
  CHECK(contains(dir.error(minimal_scenario("duration: 366d\n")),
                 ":6:11: duration 366d sampled every 1m makes 527040 report samples"));
  // At the limit and a little coarser, both parse.
  CHECK(dir.parse(minimal_scenario("duration: 366d\nsampleInterval: 2m39s\n")).duration ==
        SimDuration(366LL * 86'400'000));
  CHECK(dir.parse(minimal_scenario("duration: 200000s\nsampleInterval: 1s\n")).sample_interval ==
        SimDuration(1000));
  CHECK(contains(dir.error(minimal_scenario("duration: 200001s\nsampleInterval: 1s\n")),
                 "makes 200001 report samples"));
  CHECK(min_sample_interval(SimDuration(3'600'000)) == SimDuration(1000));
  CHECK(min_sample_interval(SimDuration(366LL * 86'400'000)) == SimDuration(159'000));
}

TEST_CASE("Required keys are errors when missing") {
  ScratchDir dir;
  CHECK(contains(
      dir.error("name: t\ncluster: {nodePools: [{name: p, count: 1, preset: 2cpu-4gi}]}\n"),
      "manifests is required"));
  CHECK(contains(dir.error("name: t\nmanifests: [app.yaml]\n"), "cluster is required"));
  CHECK(contains(dir.error(minimal_scenario("timeline: [{failNode: pool-0}]\n")),
                 "timeline[0].at is required"));
  CHECK(contains(dir.error("- a\n- b\n"), "a scenario must be a YAML mapping"));
}

TEST_CASE("A manifest path that does not exist is an error at its entry") {
  ScratchDir dir;
  std::string e = dir.error(R"(name: t
manifests:
  - app.yaml
  - missing/
cluster: {nodePools: [{name: p, count: 1, preset: 2cpu-4gi}]}
)");
  CHECK(contains(e, ":4:5: manifest path 'missing/' does not exist"));
  CHECK(contains(e, "paths are relative to the scenario file"));
  // stdin is allowed, once.
  CHECK(dir.error("name: t\nmanifests: ['-']\ncluster: {nodePools: [{name: p, count: 1, preset: "
                  "2cpu-4gi}]}\n") == "");
  CHECK(contains(dir.error("name: t\nmanifests: ['-', '-']\ncluster: {nodePools: [{name: p, count: "
                           "1, preset: 2cpu-4gi}]}\n"),
                 "'-' (stdin) is listed twice"));
}

TEST_CASE("Negative users are an error wherever users are given") {
  ScratchDir dir;
  CHECK(contains(dir.error(minimal_scenario("load: {users: -5}\n")),
                 "load.users: users cannot be negative, got -5"));
  CHECK(contains(dir.error(minimal_scenario("load: {users: {ramp: [{at: 0s, users: -1}]}}\n")),
                 "load.users.ramp[0].users: users cannot be negative"));
  CHECK(contains(dir.error(minimal_scenario("timeline: [{at: 1m, load: {users: -3}}]\n")),
                 "users cannot be negative"));
  CHECK(
      contains(dir.error(minimal_scenario(
                   "load: {users: {constant: 1, spikes: [{at: 0s, duration: 1m, users: -9}]}}\n")),
               "users cannot be negative"));
}

TEST_CASE("A users profile needs exactly one shape and ordered points") {
  ScratchDir dir;
  CHECK(contains(
      dir.error(minimal_scenario("load: {users: {constant: 1, diurnal: {min: 1, max: 2}}}\n")),
      "load.users needs exactly one of constant, steps, ramp, diurnal, trace (found 2)"));
  CHECK(contains(dir.error(minimal_scenario("load: {users: {spikes: []}}\n")), "(found 0)"));
  CHECK(contains(dir.error(minimal_scenario(
                     "load: {users: {steps: [{at: 5m, users: 1}, {at: 5m, users: 2}]}}\n")),
                 "load.users.steps[1].at must be after the previous point's (5m)"));
  CHECK(contains(dir.error(minimal_scenario("load: {users: {diurnal: {min: 10, max: 5}}}\n")),
                 "load.users.diurnal.max must be >= min"));
  CHECK(contains(
      dir.error(minimal_scenario("load: {users: {diurnal: {min: 1, max: 5, peakHour: 24}}}\n")),
      "peakHour must be between 0 and"));
  CHECK(contains(
      dir.error(minimal_scenario(
          "load: {users: {constant: 1, spikes: [{at: 0s, duration: 1m, rise: 40s, users: 9}]}}\n")),
      "rise must be between 0s and 30s"));
}

TEST_CASE("Node pools are checked") {
  ScratchDir dir;
  auto pool = [&](const std::string& body) {
    return dir.error("name: t\nmanifests: [app.yaml]\ncluster:\n  nodePools:\n    - " + body +
                     "\n");
  };
  CHECK(contains(pool("{name: p, count: 1, preset: 2cpu-4g}"),
                 "unknown machine preset '2cpu-4g', did you mean '2cpu-4gi'?"));
  CHECK(contains(pool("{name: p, count: 1}"),
                 "cluster.nodePools[0] needs a preset or a machine shape"));
  CHECK(contains(pool("{name: p, count: 1, preset: 2cpu-4gi, cpu: 2}"),
                 "give a preset or cpu/memory, not both"));
  CHECK(contains(pool("{name: p, count: 1, cpu: 2}"), "cluster.nodePools[0].memory is required"));
  CHECK(contains(pool("{name: p, count: -1, preset: 2cpu-4gi}"),
                 "count must be between 0 and 10000, got -1"));
  CHECK(contains(pool("{name: p, count: 1, preset: 2cpu-4gi, reserved: gkee}"),
                 "unknown reservation policy 'gkee', did you mean 'gke'?"));
  CHECK(
      contains(pool("{name: p, count: 1, preset: 2cpu-4gi, taints: [{key: k, effect: NoSchedul}]}"),
               "unknown taint effect 'NoSchedul', did you mean 'NoSchedule'?"));
  CHECK(contains(
      pool("{name: p, count: 1, preset: 2cpu-4gi}\n    - {name: p, count: 1, preset: 2cpu-4gi}"),
      "node pool 'p' is declared twice"));
  CHECK(contains(pool("{name: p, count: 1, preset: 2cpu-4gi, pricePerHour: -1}"),
                 "pricePerHour must be between 0 and"));
}

TEST_CASE("A preset whose pods or disk are overridden recomputes its cloud's reservations") {
  ScratchDir dir;
  auto pool = [&](const std::string& body) {
    Scenario s =
        dir.parse("name: t\nmanifests: [app.yaml]\ncluster:\n  nodePools:\n    - " + body + "\n");
    REQUIRE(s.node_pools.size() == 1);
    return s.node_pools[0].shape;
  };
  constexpr int64_t kMi = int64_t{1} << 20;
  constexpr int64_t kGi = int64_t{1} << 30;
  // m5.large (2 vCPU, 8 GiB, 20 GiB disk, EKS policy) at its ENI default of 29 pods: memory
  // reserved 255Mi + 11Mi * 29 = 574Mi, eviction 100Mi -> 8192 - 574 - 100 = 7518Mi.
  const MachineShape plain = pool("{name: p, count: 1, preset: m5.large}");
  CHECK(allocatable(plain).memory == 7518 * kMi);
  // With pods: 110 (prefix delegation): 255Mi + 11Mi * 110 = 1465Mi reserved,
  // 8192 - 1465 - 100 = 6627Mi allocatable. CPU is unchanged: 2000 - (60 + 10) = 1930m.
  const MachineShape eks110 = pool("{name: p, count: 1, preset: m5.large, pods: 110}");
  CHECK(eks110.name == "m5.large");
  CHECK(eks110.capacity.pods == 110);
  CHECK(eks110.kube_reserved.memory == 1465 * kMi);
  CHECK(allocatable(eks110).memory == 6627 * kMi);
  CHECK(allocatable(eks110).cpu_milli == 1930);
  CHECK(allocatable(eks110).pods == 110);
  CHECK(eks110.price_micro_usd_per_hour == 96'000);  // the preset's price is kept
  // A bigger disk moves the 10% nodefs eviction threshold: 100Gi - 1Gi - 10Gi = 89Gi (the
  // 20Gi default disk leaves 20 - 1 - 2 = 17Gi; the stale 2Gi threshold would give 97Gi).
  CHECK(allocatable(pool("{name: p, count: 1, preset: m5.large}")).ephemeral_storage == 17 * kGi);
  CHECK(allocatable(pool("{name: p, count: 1, preset: m5.large, ephemeralStorage: 100Gi}"))
            .ephemeral_storage == 89 * kGi);
  // AKS Standard_D2s_v3 (8 GiB) with pods: 110: min(20Mi * 110 + 50Mi, 25% of 8Gi) =
  // min(2250Mi, 2048Mi) = 2048Mi -> 8192 - 2048 - 100 = 6044Mi (30 pods gave 7442Mi).
  CHECK(allocatable(pool("{name: p, count: 1, preset: Standard_D2s_v3, pods: 110}")).memory ==
        6044 * kMi);
  // GKE e2-standard-2 with a 50Gi disk: kube-reserved min(25Gi, 6Gi + 17.5Gi, 100Gi) = 23.5Gi,
  // eviction 5Gi -> 50 - 23.5 - 5 = 21.5Gi.
  CHECK(allocatable(pool("{name: p, count: 1, preset: e2-standard-2, ephemeralStorage: 50Gi}"))
            .ephemeral_storage == 21 * kGi + 512 * kMi);
  // An explicit reserved mapping still wins: only what it names is reserved, no eviction.
  const MachineShape explicit_reserved =
      pool("{name: p, count: 1, preset: m5.large, pods: 110, reserved: {memory: 1Gi}}");
  CHECK(allocatable(explicit_reserved).memory == 7 * kGi);
  CHECK(allocatable(explicit_reserved).cpu_milli == 2000);
  CHECK(allocatable(explicit_reserved).pods == 110);
  // So does a named policy: the AKS formula on the overridden 110 pods, as above.
  CHECK(
      allocatable(pool("{name: p, count: 1, preset: m5.large, pods: 110, reserved: aks}")).memory ==
      6044 * kMi);
}

TEST_CASE("Scheduler settings are checked") {
  ScratchDir dir;
  CHECK(contains(dir.error(minimal_scenario("scheduler: {scoring: MostAlocated}\n")),
                 "unknown scoring strategy 'MostAlocated', did you mean 'MostAllocated'?"));
  CHECK(contains(dir.error(minimal_scenario("scheduler: {shape: [{utilization: 0, score: 0}]}\n")),
                 "scheduler.shape applies only to scoring: RequestedToCapacityRatio"));
  CHECK(contains(dir.error(minimal_scenario("scheduler: {percentageOfNodesToScore: 101}\n")),
                 "between 0 and 100"));
}

TEST_CASE("Timeline events are checked as they are parsed") {
  ScratchDir dir;
  CHECK(contains(dir.error(minimal_scenario("timeline: [{at: 2h, failNode: pool-0}]\n")),
                 "timeline[0].at 2h is after the end of the run (duration 1h)"));
  CHECK(contains(
      dir.error(minimal_scenario("timeline: [{at: 1m, failNode: pool-0, drain: pool-1}]\n")),
      "timeline[0] needs exactly one action"));
  CHECK(contains(dir.error(minimal_scenario("timeline: [{at: 1m, failNod: pool-0}]\n")),
                 "unknown key 'failNod' in timeline[0], did you mean 'failNode'?"));
  CHECK(contains(dir.error(minimal_scenario("timeline: [{at: 1m, cordon: {node: a, zone: b}}]\n")),
                 "needs exactly one of node, zone"));
  CHECK(contains(dir.error(minimal_scenario("timeline: [{at: 1m, load: {scale: 2, users: 3}}]\n")),
                 "needs exactly one of scale, users"));
  CHECK(contains(dir.error(minimal_scenario("timeline: [{at: 1m, rollout: {workload: web}}]\n")),
                 "timeline[0].rollout.image is required"));
  CHECK(contains(
      dir.error(minimal_scenario("timeline: [{at: 1m, rollout: {workload: a/b/c/d, image: x}}]\n")),
      "'a/b/c/d' is not a workload"));
  CHECK(contains(dir.error(minimal_scenario(
                     "timeline: [{at: 1m, rollout: {workload: web, image: x, fault: boom}}]\n")),
                 "fault must be none, crash or hang"));
}

TEST_CASE("jobs sets the Job run duration or skips Jobs, and reaches the engine config") {
  ScratchDir dir;
  // Default: Jobs run, 60 s each (JobConfig's default).
  CHECK(dir.parse(minimal_scenario()).jobs.run_duration == SimDuration(60'000));
  Scenario s = dir.parse(minimal_scenario("jobs: {runDuration: 90s}\n"));
  CHECK(s.jobs.run_duration == SimDuration(90'000));
  Manifests m = load_manifests(s.manifests);
  CHECK(to_simulation_config(s, m, nullptr).jobs.run_duration == SimDuration(90'000));
  Scenario skipped = dir.parse(minimal_scenario("jobs: {skip: true}\n"));
  CHECK_FALSE(skipped.jobs.run_duration.has_value());
  CHECK_FALSE(to_simulation_config(skipped, m, nullptr).jobs.run_duration.has_value());
  // skip: false is the default behaviour, with or without a duration.
  CHECK(dir.parse(minimal_scenario("jobs: {skip: false, runDuration: 2m}\n")).jobs.run_duration ==
        SimDuration(120'000));
  CHECK(dir.parse(minimal_scenario("jobs: {skip: false}\n")).jobs.run_duration ==
        SimDuration(60'000));

  CHECK(dir.error(minimal_scenario("jobs: {runDuraton: 90s}\n")) ==
        dir.file("test.yaml") +
            ":6:8: unknown key 'runDuraton' in jobs, did you mean 'runDuration'?");
  CHECK(contains(dir.error(minimal_scenario("jobs: {skip: true, runDuration: 90s}\n")),
                 ":6:33: jobs: give runDuration or skip: true, not both"));
  CHECK(contains(dir.error(minimal_scenario("jobs: {runDuration: 0s}\n")),
                 ":6:21: jobs.runDuration must be between 1ms and 8784h, got 0s"));
  CHECK(contains(dir.error(minimal_scenario("jobs: {runDuration: soon}\n")),
                 ":6:21: jobs.runDuration: bad duration 'soon'"));
  CHECK(contains(dir.error(minimal_scenario("jobs: {skip: maybe}\n")), ":6:14: jobs.skip"));
  CHECK(contains(dir.error(minimal_scenario("jobs: 60s\n")), "jobs must be a mapping"));
}

TEST_CASE("kubelet.workloads gives one workload's pod delays, resolved to the engine's key") {
  ScratchDir dir;
  Scenario s = dir.parse(minimal_scenario(R"(kubelet:
  imagePull: 4s
  workloads:
    web: {imagePull: 30s, containerStart: 10s}
    StatefulSet/shop/db: {shutdown: 5s}
)"));
  CHECK(s.kubelet.image_pull == SimDuration(4'000));
  REQUIRE(s.kubelet_workloads.size() == 2);
  CHECK(s.kubelet_workloads[0].workload.name == "web");
  CHECK(s.kubelet_workloads[0].workload.kind.empty());
  CHECK(s.kubelet_workloads[0].timing.image_pull == SimDuration(30'000));
  CHECK(s.kubelet_workloads[0].timing.container_start == SimDuration(10'000));
  CHECK_FALSE(s.kubelet_workloads[0].timing.shutdown.has_value());
  CHECK(s.kubelet_workloads[0].source.line == 9);
  CHECK(s.kubelet_workloads[0].source.column == 5);
  CHECK(s.kubelet_workloads[1].workload.kind == "StatefulSet");
  CHECK(s.kubelet_workloads[1].timing.shutdown == SimDuration(5'000));

  Manifests m = load_manifests(s.manifests);
  SimulationConfig cfg = to_simulation_config(s, m, nullptr);
  CHECK(cfg.kubelet.image_pull == SimDuration(4'000));
  REQUIRE(cfg.kubelet.workloads.size() == 2);
  const PodTiming& web = cfg.kubelet.workloads.at("Deployment/shop/web");
  CHECK(web.image_pull == SimDuration(30'000));
  CHECK(web.container_start == SimDuration(10'000));
  CHECK_FALSE(web.shutdown.has_value());
  CHECK(cfg.kubelet.workloads.at("StatefulSet/shop/db").shutdown == SimDuration(5'000));

  // Parse errors, at the key or value.
  CHECK(contains(dir.error(minimal_scenario("kubelet: {workloads: {web: {imagePul: 1s}}}\n")),
                 ":6:29: unknown key 'imagePul' in kubelet.workloads.web, did you mean "
                 "'imagePull'?"));
  CHECK(contains(dir.error(minimal_scenario("kubelet: {workloads: {web: {}}}\n")),
                 "kubelet.workloads.web sets none of imagePull, containerStart, shutdown"));
  CHECK(contains(dir.error(minimal_scenario("kubelet: {workloads: {web: {shutdown: 2h}}}\n")),
                 "kubelet.workloads.web.shutdown must be between 0s and 1h, got 2h"));
  CHECK(contains(dir.error(minimal_scenario("kubelet: {workloads: {a/b/c/d: {shutdown: 1s}}}\n")),
                 ":6:23: kubelet.workloads: 'a/b/c/d' is not a workload"));
  CHECK(contains(dir.error(minimal_scenario("kubelet: {workloads: [web]}\n")),
                 "kubelet.workloads must be a mapping"));
  CHECK(contains(dir.error(minimal_scenario("kubelet: {workload: {web: {shutdown: 1s}}}\n")),
                 "unknown key 'workload' in kubelet, did you mean 'workloads'?"));

  // References: the workload must exist, once.
  auto check_refs = [&](const std::string& extra) -> std::string {
    Scenario sc = dir.parse(minimal_scenario(extra));
    try {
      check_scenario_references(sc, m);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(contains(check_refs("kubelet: {workloads: {webb: {imagePull: 1s}}}\n"),
                 ":6:23: unknown workload 'webb', did you mean 'web'?"));
  CHECK(contains(check_refs("kubelet: {workloads: {StatefulSet/web: {imagePull: 1s}}}\n"),
                 "unknown workload 'StatefulSet/web'"));
  CHECK(contains(check_refs("kubelet: {workloads: {CronJob/web: {imagePull: 1s}}}\n"),
                 "unknown workload 'CronJob/web'"));
  CHECK(contains(check_refs("kubelet:\n  workloads:\n    web: {imagePull: 1s}\n"
                            "    Deployment/shop/web: {shutdown: 1s}\n"),
                 ":9:5: kubelet.workloads: Deployment/shop/web is given twice (first at line 8)"));
}

namespace {
// An HPA on web with one metric of each type the engine does not compute.
constexpr const char* kMetricsHPA = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 10
  metrics:
    - type: Pods
      pods:
        metric: {name: requests_per_second}
        target: {type: AverageValue, averageValue: "10"}
    - type: Object
      object:
        describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main}
        metric: {name: requests-per-second}
        target: {type: Value, value: 2k}
    - type: External
      external:
        metric: {name: queue_depth}
        target: {type: AverageValue, averageValue: "30"}
)";
std::string with_hpa(const std::string& extra) {
  return R"(name: t
manifests: [app.yaml, hpa.yaml]
cluster:
  nodePools:
    - {name: pool, count: 2, preset: 2cpu-4gi}
)" + extra;
}
}  // namespace

TEST_CASE("hpaMetrics gives values of an HPA's Pods, Object and External metrics") {
  ScratchDir dir;
  dir.write("hpa.yaml", kMetricsHPA);
  Scenario s = dir.parse(with_hpa(R"(hpaMetrics:
  shop/web-hpa:
    external: {queue_depth: 120}
    pods: {requests_per_second: 15}
    object:
      "Ingress/main:requests-per-second":
        - {at: 0s, value: 2k}
        - {at: 10m, value: 500m}
)"));
  REQUIRE(s.hpa_metrics.size() == 1);
  const HPAMetricsSpec& spec = s.hpa_metrics[0];
  CHECK(spec.ns == "shop");
  CHECK(spec.name == "web-hpa");
  CHECK(spec.source.line == 7);
  REQUIRE(spec.values.external.at("queue_depth").size() == 1);
  CHECK(spec.values.external.at("queue_depth")[0].value == Quantity::from_value(120));
  CHECK(spec.values.pods.at("requests_per_second")[0].value == Quantity::from_value(15));
  const MetricSeries& object = spec.values.object.at("Ingress/main:requests-per-second");
  REQUIRE(object.size() == 2);
  CHECK(object[1].at == SimDuration(600'000));
  CHECK(object[1].value == Quantity::from_milli(500));
  // Each step holds until the next; nothing before the first.
  CHECK(metric_value_at(object, SimTime::from_ms(599'999)) == Quantity::from_value(2000));
  CHECK(metric_value_at(object, SimTime::from_ms(600'000)) == Quantity::from_milli(500));
  CHECK_FALSE(metric_value_at(MetricSeries{{SimDuration(5'000), Quantity::from_value(1)}},
                              SimTime::from_ms(4'999))
                  .has_value());
  CHECK(spec.sources.at("external/queue_depth").line == 8);

  Manifests m = load_manifests(s.manifests);
  SimulationConfig cfg = to_simulation_config(s, m, nullptr);
  REQUIRE(cfg.hpa_metrics.count("shop/web-hpa") == 1);
  CHECK(cfg.hpa_metrics.at("shop/web-hpa").object.size() == 1);
  // The short name resolves too.
  CHECK(to_simulation_config(dir.parse(with_hpa("hpaMetrics: {web-hpa: {external: {queue_depth: "
                                                "1}}}\n")),
                             m, nullptr)
            .hpa_metrics.count("shop/web-hpa") == 1);

  // Parse errors.
  CHECK(contains(dir.error(with_hpa("hpaMetrics: {web-hpa: {externl: {queue_depth: 1}}}\n")),
                 ":6:24: unknown key 'externl' in hpaMetrics.web-hpa, did you mean 'external'?"));
  CHECK(contains(dir.error(with_hpa("hpaMetrics: {web-hpa: {external: {queue_depth: -1}}}\n")),
                 "hpaMetrics.web-hpa.external.queue_depth must be a number >= 0, got -1"));
  CHECK(contains(dir.error(with_hpa("hpaMetrics: {web-hpa: {external: {queue_depth: lots}}}\n")),
                 "hpaMetrics.web-hpa.external.queue_depth: bad quantity 'lots'"));
  CHECK(contains(dir.error(with_hpa("hpaMetrics: {web-hpa: {object: {main-rps: 1}}}\n")),
                 ":6:33: hpaMetrics.web-hpa.object: 'main-rps' is not an object metric"));
  CHECK(contains(dir.error(with_hpa("hpaMetrics: {a/b/c: {pods: {x: 1}}}\n")),
                 ":6:14: hpaMetrics: 'a/b/c' is not an HPA"));
  CHECK(contains(dir.error(with_hpa("hpaMetrics: {web-hpa: {}}\n")),
                 "hpaMetrics.web-hpa gives no metric (pods, object or external)"));
  CHECK(contains(dir.error(with_hpa("hpaMetrics:\n  web-hpa:\n    pods:\n      x: [{at: 1m, "
                                    "value: 1}, {at: 30s, value: 2}]\n")),
                 ":9:36: hpaMetrics.web-hpa.pods.x[1].at must be after the previous step's"));
  CHECK(contains(dir.error(with_hpa("hpaMetrics: {web-hpa: {pods: {x: []}}}\n")),
                 "hpaMetrics.web-hpa.pods.x must list at least one step"));
  CHECK(contains(dir.error(with_hpa("hpaMetric: {}\n")),
                 "unknown key 'hpaMetric', did you mean 'hpaMetrics'?"));

  // References: the HPA and its metrics must exist, once.
  auto check_refs = [&](const std::string& extra) -> std::string {
    Scenario sc = dir.parse(with_hpa(extra));
    try {
      check_scenario_references(sc, m);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(check_refs("hpaMetrics: {web-hpa: {pods: {requests_per_second: 1}}}\n") == "");
  CHECK(contains(check_refs("hpaMetrics: {web-hap: {pods: {requests_per_second: 1}}}\n"),
                 ":6:14: unknown HPA 'web-hap', did you mean 'web-hpa'?"));
  CHECK(contains(check_refs("hpaMetrics: {shopp/web-hpa: {pods: {requests_per_second: 1}}}\n"),
                 "unknown HPA 'shopp/web-hpa', did you mean 'shop/web-hpa'?"));
  CHECK(contains(check_refs("hpaMetrics: {web-hpa: {external: {queue_dept: 1}}}\n"),
                 ":6:35: HorizontalPodAutoscaler shop/web-hpa has no External metric "
                 "'queue_dept', did you mean 'queue_depth'?"));
  CHECK(contains(check_refs("hpaMetrics: {web-hpa: {pods: {queue_depth: 1}}}\n"),
                 "has no Pods metric 'queue_depth'"));
  CHECK(contains(
      check_refs("hpaMetrics: {web-hpa: {object: {\"Ingress/main:request-per-second\": 1}}}\n"),
      "has no Object metric 'Ingress/main:request-per-second', did you mean "
      "'Ingress/main:requests-per-second'?"));
  CHECK(contains(check_refs("hpaMetrics:\n  web-hpa: {pods: {requests_per_second: 1}}\n"
                            "  shop/web-hpa: {external: {queue_depth: 1}}\n"),
                 ":8:3: hpaMetrics: shop/web-hpa is given twice (first at line 7)"));
}

TEST_CASE("References into the manifests are checked with suggestions") {
  ScratchDir dir;
  auto check_refs = [&](const std::string& extra) -> std::string {
    Scenario s = dir.parse(minimal_scenario(extra));
    Manifests m = load_manifests(s.manifests);
    try {
      check_scenario_references(s, m);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(check_refs("load: {users: 10, routes: {/shop: 1}}\ntimeline: [{at: 1m, rollout: {workload: "
                   "web, image: x}}]\n") == "");
  CHECK(contains(check_refs("timeline: [{at: 1m, rollout: {workload: webb, image: x}}]\n"),
                 ":6:12: unknown workload 'webb', did you mean 'web'?"));
  CHECK(
      contains(check_refs("timeline: [{at: 1m, rollout: {workload: StatefulSet/web, image: x}}]\n"),
               "unknown workload 'StatefulSet/web'"));
  CHECK(contains(
      check_refs("timeline: [{at: 1m, rollout: {workload: web, image: x, container: wbe}}]\n"),
      "Deployment/shop/web has no container 'wbe', did you mean 'web'?"));
  CHECK(contains(check_refs("timeline: [{at: 1m, failNode: pool-2}]\n"),
                 "failNode: unknown node 'pool-2', did you mean 'pool-0'?"));
  CHECK(contains(check_refs("timeline: [{at: 1m, drain: {zone: eu-1}}]\n"),
                 "drain: no node is in zone 'eu-1'"));
  CHECK(contains(check_refs("load: {users: 1, routes: {/shp: 1}}\n"),
                 ":6:27: no Ingress path '/shp', did you mean '/shop'?"));
  CHECK(contains(check_refs("services: {webb: {cpuPerRequest: 1}}\n"),
                 ":6:12: unknown Service 'webb', did you mean 'web'?"));
  CHECK(contains(check_refs("services: {web: {calls: {dbb: 1}}}\n"),
                 "unknown Service 'dbb', did you mean 'db'?"));
  CHECK(contains(check_refs("services: {web: {calls: {db: 1}}, db: {calls: {web: 1}}}\n"),
                 "call loop db -> web -> db has gain 1"));
}

TEST_CASE("A workload that cannot fit the cluster's pods is refused with what to do") {
  ScratchDir dir;
  auto check_refs = [&](const std::string& scenario) -> std::string {
    Scenario s = dir.parse(scenario);
    Manifests m = load_manifests(s.manifests);
    try {
      check_scenario_references(s, m);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  auto pools = [](const std::string& pool) {
    return "name: t\nmanifests: [big.yaml]\ncluster:\n  nodePools:\n    - " + pool + "\n";
  };
  auto deployment = [](const std::string& replicas) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
           "spec:\n  replicas: " +
           replicas +
           "\n  selector: {matchLabels: {app: web}}\n  template:\n"
           "    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: x}]}\n";
  };
  // 2 nodes x 110 pods hold 220 pods.
  dir.write("big.yaml", deployment("221"));
  std::string e = check_refs(pools("{name: p, count: 2, preset: 2cpu-4gi}"));
  CHECK(contains(e, dir.file("big.yaml") +
                        ":1:1: Deployment shop/web cannot fit the cluster: spec.replicas 221 but "
                        "its nodes hold at most 220 pods"));
  CHECK(contains(e, "hint: lower spec.replicas to 220 or fewer, or add nodes"));
  dir.write("big.yaml", deployment("220"));
  CHECK(check_refs(pools("{name: p, count: 2, preset: 2cpu-4gi}")) == "");
  // The pool's own pods per node count, and so do Nodes of the manifests.
  CHECK(contains(check_refs(pools("{name: p, count: 2, preset: 2cpu-4gi, pods: 100}")),
                 "but its nodes hold at most 200 pods"));
  dir.write("node.yaml",
            "apiVersion: v1\nkind: Node\nmetadata: {name: extra}\nstatus: {allocatable: {pods: "
            "\"21\"}}\n");
  CHECK(check_refs("name: t\nmanifests: [big.yaml, node.yaml]\ncluster:\n  nodePools:\n    - "
                   "{name: p, count: 2, preset: 2cpu-4gi, pods: 100}\n") == "");
  // An HPA's maxReplicas above it is not refused: the run shows the Pending
  // pods and the HPA held at the cluster's limit.
  dir.write("big.yaml", deployment("3") +
                            "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
                            "metadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: "
                            "{apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: "
                            "1000\n");
  CHECK(check_refs(pools("{name: p, count: 2, preset: 2cpu-4gi}")) == "");
  // ... but said before the run: it can never get there.
  {
    Scenario s = dir.parse(pools("{name: p, count: 2, preset: 2cpu-4gi}"));
    std::vector<std::string> w = scenario_capacity_warnings(s, load_manifests(s.manifests));
    REQUIRE(w.size() == 1);
    CHECK(contains(w[0], dir.file("big.yaml") +
                             ":11:1: warning: Deployment shop/web's HorizontalPodAutoscaler may "
                             "scale it to maxReplicas 1000 but the nodes of "));
    CHECK(contains(w[0],
                   "hold at most 220 pods: driven there, the run holds 780 or more pods "
                   "Pending"));
    // An autoscaled pool counts at its max: 10 x 110 pods hold 1000.
    s = dir.parse(pools("{name: p, count: 2, min: 1, max: 10, preset: 2cpu-4gi}") +
                  "  autoscaler: {kind: cluster-autoscaler}\n");
    CHECK(scenario_capacity_warnings(s, load_manifests(s.manifests)).empty());
  }
  // An HPA's minReplicas above it is refused at the HPA: the HPA scales the
  // workload to minReplicas at its first sync, so those pods are certain.
  auto with_min = [&](const std::string& replicas, const std::string& min) {
    return deployment(replicas) +
           "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
           "metadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: "
           "{apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: " +
           min + "\n  maxReplicas: 100000\n";
  };
  dir.write("big.yaml", with_min("3", "100000"));
  e = check_refs(pools("{name: p, count: 2, preset: 2cpu-4gi}"));
  CHECK(contains(e, dir.file("big.yaml") + ":11:1: Deployment shop/web cannot fit the cluster: its "
                                           "HorizontalPodAutoscaler's minReplicas 100000"));
  CHECK(contains(e, "hint: lower the HPA's spec.minReplicas to 220 or fewer"));
  dir.write("big.yaml", with_min("3", "220"));
  CHECK(check_refs(pools("{name: p, count: 2, preset: 2cpu-4gi}")) == "");
  // Scaled to zero, the HPA does nothing (horizontal.go), so its minReplicas is not demanded.
  dir.write("big.yaml", with_min("0", "100000"));
  CHECK(check_refs(pools("{name: p, count: 2, preset: 2cpu-4gi}")) == "");
  dir.write("big.yaml", deployment("221"));
  // A namespace the scenario does not simulate is not checked.
  CHECK(check_refs(pools("{name: p, count: 2, preset: 2cpu-4gi}") + "namespaces: [other]\n") == "");
}

TEST_CASE("The nodes every pool starts with are capped together, at the pool that crosses it") {
  ScratchDir dir;
  auto pools = [](int n, int count) {
    std::string s = "name: t\nmanifests: [app.yaml]\ncluster:\n  nodePools:\n";
    for (int i = 0; i < n; ++i) {
      s += fmt::format("    - {{name: p{}, count: {}, preset: 2cpu-4gi}}\n", i, count);
    }
    return s;
  };
  CHECK(dir.error(pools(2, 5000)) == "");
  const std::string e = dir.error(pools(30, 5000));
  CHECK(contains(e,
                 ":7:25: cluster.nodePools[2].count: the pools start with 15000 nodes with "
                 "this one, more than a run holds (10000 nodes at the start, every pool "
                 "together)"));
  CHECK(contains(e, "hint: lower the pools' counts"));
}

TEST_CASE("Claims are read from the claims file and checked against the level") {
  ScratchDir dir;
  dir.write("claims.yaml", R"(title: the report
scaling:
  - users: 5000
    cpuUtilization: 80
    replicas: {web: 7}
  - users: 100
    replicas: {web: 2}
minimum: {pods: 9, cpu: 2050m, memory: 2304Mi, storage: 15Gi}
recommendedCluster: {nodes: 3, cpu: 2, memory: 4Gi}
fullScaleOut: {minNodes: 10}
scaleDownWithin: 5m
)");
  Scenario s = dir.parse(minimal_scenario("claims: claims.yaml\nclaimsLevel: 5000\n"));
  REQUIRE(s.claims.has_value());
  CHECK(s.claims->title == "the report");
  CHECK(s.claims->scaling.size() == 2);
  CHECK(s.claims->scaling[0].users == 100);  // sorted
  CHECK(s.claims_level == 5000);
  const ScalingClaim* at = s.claims->at_level(5000);
  REQUIRE(at != nullptr);
  CHECK(at->cpu_utilization_percent == 80);
  CHECK(at->replicas.at("web") == 7);
  CHECK(s.claims->minimum->cpu_milli == 2050);
  CHECK(s.claims->minimum->memory == 2304LL << 20);
  CHECK(s.claims->recommended_cluster->memory_per_node == 4LL << 30);
  CHECK(s.claims->full_scale_out_min_nodes == 10);
  CHECK(s.claims->scale_down_within == SimDuration(300'000));

  std::string e = dir.error(minimal_scenario("claims: claims.yaml\nclaimsLevel: 7000\n"));
  CHECK(contains(
      e, "claimsLevel 7000: " + dir.file("claims.yaml") + " makes no claim for that many users"));
  CHECK(contains(e, "levels claimed: 100, 5000"));
  CHECK(contains(dir.error(minimal_scenario("claimsLevel: 100\n")),
                 "claimsLevel needs a claims file"));
  CHECK(contains(dir.error(minimal_scenario("claims: nope.yaml\n")),
                 ":6:9: cannot read claims file"));
  dir.write("bad-claims.yaml", "scaling:\n  - users: 1\n    replica: {web: 1}\n");
  CHECK(contains(
      dir.error(minimal_scenario("claims: bad-claims.yaml\n")),
      "bad-claims.yaml:3:5: unknown key 'replica' in scaling[0], did you mean 'replicas'?"));
}

TEST_CASE("YAML syntax errors and hostile nesting are located errors") {
  ScratchDir dir;
  CHECK(contains(dir.error("name: [unclosed\n"), "YAML syntax error"));
  std::string deep(200, '[');
  CHECK(contains(dir.error("name: " + deep + "\n"), "nested more than 64 deep"));
}

TEST_CASE("Nesting too deep is reported at the bracket that goes past the limit") {
  ScratchDir dir;
  // The 65th [ of line 3; the brackets in the comment and the quotes do not count.
  const std::string deep(100'000, '[');
  std::string e = dir.error("name: t  # [[[[\ndescription: '[[[['\nmanifests: " + deep + "\n");
  CHECK(contains(e, dir.file("test.yaml") + ":3:" + std::to_string(12 + 64) +
                        ": [ and { nested more than 64 deep"));
  // Closed brackets give their depth back: 64 deep twice is not too deep.
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  std::string e2 = dir.error(minimal_scenario("x: " + ok + "\ny: " + ok + "\n"));
  CHECK(contains(e2, "unknown key 'x'"));
  CHECK(contains(dir.error("name: t\nx: [\n" + std::string(64, '{')), ":3:64: [ and {"));
}

TEST_CASE("A scenario file that does not exist is an error naming it") {
  CHECK_THROWS_WITH_AS(load_scenario("/nonexistent/x.yaml"),
                       doctest::Contains("cannot read scenario '/nonexistent/x.yaml'"), InputError);
  CHECK_THROWS_AS(load_scenario("-"), InputError);
}

TEST_CASE("featureGates turns HPAScaleToZero on, and only known gates are accepted") {
  ScratchDir dir;
  CHECK_FALSE(dir.parse(minimal_scenario()).hpa.scale_to_zero);
  CHECK(dir.parse(minimal_scenario("featureGates: {HPAScaleToZero: true}\n")).hpa.scale_to_zero);
  CHECK_FALSE(
      dir.parse(minimal_scenario("featureGates: {HPAScaleToZero: false}\n")).hpa.scale_to_zero);
  std::string e = dir.error(minimal_scenario("featureGates: {HPAScaleToZro: true}\n"));
  CHECK(contains(e, ":6:16: unknown key 'HPAScaleToZro' in featureGates"));
  CHECK(contains(dir.error(minimal_scenario("featureGates: {HPAScaleToZero: yes please}\n")),
                 "featureGates.HPAScaleToZero must be true or false"));
}

TEST_CASE("cluster.autoscaler and the pools' min/max parse with upstream's defaults") {
  ScratchDir dir;
  auto with = [](const std::string& pool, const std::string& autoscaler) {
    return "name: t\nmanifests: [app.yaml]\ncluster:\n  nodePools:\n    - " + pool + "\n" +
           autoscaler;
  };
  Scenario s = dir.parse(with("{name: pool, count: 3, min: 2, max: 10, preset: 2cpu-4gi}",
                              "  autoscaler: {kind: cluster-autoscaler}\n"));
  REQUIRE(s.node_pools[0].max);
  CHECK(*s.node_pools[0].min == 2);
  CHECK(*s.node_pools[0].max == 10);
  CHECK(s.node_pools[0].provisioning == kDefaultNodeProvisioning);
  CHECK(s.autoscaler.enabled);
  CHECK(s.autoscaler.scan_interval == SimDuration(10'000));
  CHECK(s.autoscaler.scale_down_unneeded_time == SimDuration(600'000));
  CHECK(s.autoscaler.scale_down_delay_after_add == SimDuration(600'000));
  CHECK(s.autoscaler.scale_down_utilization_threshold == 0.5);
  CHECK(s.autoscaler.max_nodes_total == 0);
  CHECK(s.autoscaler.max_node_provision_time == SimDuration(900'000));
  CHECK(s.autoscaler.new_pod_scale_up_delay == SimDuration(0));
  CHECK(s.autoscaler.skip_nodes_with_local_storage);
  CHECK(s.autoscaler.skip_nodes_with_system_pods);
  CHECK(s.autoscaler.expander.chain == std::vector<ExpanderKind>{ExpanderKind::kLeastWaste});
  CHECK_FALSE(s.autoscaler.balance_similar_node_groups);

  s = dir.parse(with("{name: pool, count: 0, max: 4, preset: 2cpu-4gi, nodeProvisioning: 90s}",
                     "  autoscaler:\n    kind: cluster-autoscaler\n    scanInterval: 30s\n"
                     "    scaleDownUnneededTime: 5m\n    scaleDownUtilizationThreshold: 0.6\n"
                     "    maxNodesTotal: 7\n    expander: priority,least-waste\n"
                     "    priorities: {10: ['^pool$'], 1: ['.*']}\n"
                     "    skipNodesWithLocalStorage: false\n"
                     "    balanceSimilarNodeGroups: true\n"));
  CHECK(s.autoscaler.balance_similar_node_groups);
  CHECK(*s.node_pools[0].min == 0);
  CHECK(s.node_pools[0].provisioning == SimDuration(90'000));
  CHECK(s.autoscaler.scan_interval == SimDuration(30'000));
  CHECK(s.autoscaler.scale_down_unneeded_time == SimDuration(300'000));
  CHECK(s.autoscaler.scale_down_utilization_threshold == 0.6);
  CHECK(s.autoscaler.max_nodes_total == 7);
  CHECK(s.autoscaler.expander.chain ==
        std::vector<ExpanderKind>{ExpanderKind::kPriority, ExpanderKind::kLeastWaste});
  CHECK(s.autoscaler.expander.priorities.at(10) == std::vector<std::string>{"^pool$"});
  CHECK_FALSE(s.autoscaler.skip_nodes_with_local_storage);

  // Not autoscaled unless asked.
  s = dir.parse(minimal_scenario());
  CHECK_FALSE(s.autoscaler.enabled);
  CHECK_FALSE(s.node_pools[0].max);
}

TEST_CASE("cluster.autoscaler mistakes are errors at their key") {
  ScratchDir dir;
  auto with = [](const std::string& pool, const std::string& autoscaler) {
    return "name: t\nmanifests: [app.yaml]\ncluster:\n  nodePools:\n    - " + pool + "\n" +
           autoscaler;
  };
  const std::string ca = "  autoscaler: {kind: cluster-autoscaler}\n";
  std::string e = dir.error(with("{name: pool, count: 3, min: 4, max: 10, preset: 2cpu-4gi}", ca));
  CHECK_MESSAGE(contains(e, "min (4) <= count (3) <= max (10)"), e);
  e = dir.error(with("{name: pool, count: 11, max: 10, preset: 2cpu-4gi}", ca));
  CHECK_MESSAGE(contains(e, "min (0) <= count (11) <= max (10)"), e);
  e = dir.error(with("{name: pool, count: 3, min: 1, preset: 2cpu-4gi}", ca));
  CHECK_MESSAGE(contains(e, "min is set without max"), e);
  e = dir.error(with("{name: pool, count: 3, max: 5, preset: 2cpu-4gi}", ""));
  CHECK_MESSAGE(contains(e, "cluster.autoscaler is not set"), e);
  e = dir.error(with("{name: pool, count: 3, preset: 2cpu-4gi}", ca));
  CHECK_MESSAGE(contains(e, "no node pool is autoscaled"), e);
  const std::string pool = "{name: pool, count: 3, max: 5, preset: 2cpu-4gi}";
  e = dir.error(with(pool, "  autoscaler: {kind: cluster-autoscalr}\n"));
  CHECK_MESSAGE(contains(e, "did you mean 'cluster-autoscaler'"), e);
  e = dir.error(with(pool, "  autoscaler: {kind: karpenter}\n"));
  CHECK_MESSAGE(contains(e, "nodePools"), e);
  e = dir.error(with(pool, "  autoscaler: {kind: cluster-autoscaler, expander: least-wast}\n"));
  CHECK_MESSAGE(contains(e, "did you mean 'least-waste'"), e);
  e = dir.error(with(pool, "  autoscaler: {kind: cluster-autoscaler, expander: priority}\n"));
  CHECK_MESSAGE(contains(e, "needs priorities"), e);
  e = dir.error(with(pool, "  autoscaler: {kind: cluster-autoscaler, scanIntervall: 5s}\n"));
  CHECK_MESSAGE(contains(e, "scanInterval"), e);
  e = dir.error(
      with(pool, "  autoscaler: {kind: cluster-autoscaler, scaleDownUtilizationThreshold: 1.5}\n"));
  CHECK_MESSAGE(contains(e, "scaleDownUtilizationThreshold"), e);
  e = dir.error(with(pool,
                     "  autoscaler: {kind: cluster-autoscaler, expander: priority, "
                     "priorities: {1: ['(']}}\n"));
  CHECK_MESSAGE(contains(e, "not a valid regular expression"), e);
}

TEST_CASE(
    "cluster.autoscaler kind karpenter: NodePools become one offering per type and capacity") {
  ScratchDir dir;
  auto with = [](const std::string& karpenter) {
    return "name: t\nmanifests: [app.yaml]\ncluster:\n  autoscaler:\n    kind: karpenter\n" +
           karpenter;
  };
  Scenario s =
      dir.parse(with("    nodePools:\n"
                     "      - {name: default, instanceTypes: [m5.large, c5.large]}\n"
                     "      - name: cheap\n"
                     "        instanceTypes: [m5.large]\n"
                     "        capacityTypes: [spot, on-demand]\n"
                     "        spotPriceRatio: 0.3\n"
                     "        weight: 10\n"
                     "        limits: {cpu: 16, memory: 64Gi}\n"
                     "        disruption: {consolidationPolicy: WhenEmpty, consolidateAfter: 2m, "
                     "budgets: [{nodes: '20%'}]}\n"
                     "        nodeProvisioning: 45s\n"));
  REQUIRE(s.karpenter.enabled);
  CHECK(s.karpenter.batch_idle_duration == SimDuration(1'000));
  CHECK(s.karpenter.batch_max_duration == SimDuration(10'000));
  REQUIRE(s.karpenter.node_pools.size() == 2);
  const KarpenterNodePool& d = s.karpenter.node_pools[0];
  CHECK(d.consolidate_underutilized);
  CHECK(d.consolidate_after == SimDuration(0));
  CHECK(d.budget_nodes_percent == 10);
  CHECK_FALSE(d.limit_cpu_milli);
  REQUIRE(d.offerings.size() == 2);
  CHECK(s.node_pools[d.offerings[0].pool].name == "default-m5.large");
  CHECK(s.node_pools[d.offerings[0].pool].count == 0);
  CHECK(s.node_pools[d.offerings[0].pool].labels.at("karpenter.sh/capacity-type") == "on-demand");
  const KarpenterNodePool& c = s.karpenter.node_pools[1];
  CHECK(c.weight == 10);
  CHECK_FALSE(c.consolidate_underutilized);
  CHECK(c.consolidate_after == SimDuration(120'000));
  CHECK(c.budget_nodes_percent == 20);
  CHECK(*c.limit_cpu_milli == 16'000);
  CHECK(*c.limit_memory == 64 * (int64_t{1} << 30));
  REQUIRE(c.offerings.size() == 2);
  const NodePool& spot = s.node_pools[c.offerings[0].pool];
  CHECK(spot.name == "cheap-m5.large-spot");
  CHECK(c.offerings[0].spot);
  CHECK(*spot.shape.price_micro_usd_per_hour == 28'800);  // 0.3 x $0.096
  CHECK(spot.provisioning == SimDuration(45'000));
  CHECK(spot.labels.at("karpenter.sh/nodepool") == "cheap");
  CHECK(*s.node_pools[c.offerings[1].pool].shape.price_micro_usd_per_hour == 96'000);
  CHECK_FALSE(s.autoscaler.enabled);
}

TEST_CASE("Karpenter NodePool mistakes are errors at their key") {
  ScratchDir dir;
  auto with = [](const std::string& np) {
    return "name: t\nmanifests: [app.yaml]\ncluster:\n  autoscaler:\n    kind: karpenter\n"
           "    nodePools:\n      - " +
           np + "\n";
  };
  std::string e = dir.error(with("{name: a, instanceTypes: [m5.larg]}"));
  CHECK_MESSAGE(contains(e, "unknown instance type 'm5.larg', did you mean 'm5.large'?"), e);
  e = dir.error(with("{name: a, instanceTypes: [2cpu-4gi]}"));
  CHECK_MESSAGE(contains(e, "has no price"), e);
  e = dir.error(with("{name: a, instanceTypes: [m5.large], capacityTypes: [spot]}"));
  CHECK_MESSAGE(contains(e, "spot capacity needs spotPriceRatio"), e);
  e = dir.error(with("{name: a, instanceTypes: [m5.large], capacityTypes: [reserved]}"));
  CHECK_MESSAGE(contains(e, "unknown capacity type 'reserved'"), e);
  e = dir.error(
      with("{name: a, instanceTypes: [m5.large], disruption: {consolidationPolicy: WhenEmty}}"));
  CHECK_MESSAGE(contains(e, "did you mean 'WhenEmpty'"), e);
  e = dir.error(
      with("{name: a, instanceTypes: [m5.large], disruption: {budgets: [{nodes: '5'}]}}"));
  CHECK_MESSAGE(contains(e, "must be a percentage"), e);
  e = dir.error(with("{name: a, instanceTypes: [m5.large], limits: {gpu: 1}}"));
  CHECK_MESSAGE(contains(e, "unknown key 'gpu'"), e);
  e = dir.error(with("{name: a}"));
  CHECK_MESSAGE(contains(e, "instanceTypes"), e);
  e = dir.error(
      "name: t\nmanifests: [app.yaml]\ncluster:\n  autoscaler:\n    kind: karpenter\n"
      "    batchIdleDuration: 20s\n    batchMaxDuration: 10s\n"
      "    nodePools: [{name: a, instanceTypes: [m5.large]}]\n");
  CHECK_MESSAGE(contains(e, "batchMaxDuration (10s) is shorter than batchIdleDuration (20s)"), e);
}

TEST_CASE("cluster.fromManifests with an autoscaler: its kind is read safely") {
  ScratchDir dir;
  auto with = [](const std::string& autoscaler) {
    return "name: t\nmanifests: [app.yaml]\ncluster:\n  fromManifests: true\n  autoscaler: " +
           autoscaler + "\n";
  };
  // No kind: the cluster-autoscaler parser names the missing key (a const yaml-cpp node's
  // missing key is invalid: IsScalar() on it threw InvalidNode before).
  CHECK_MESSAGE(contains(dir.error(with("{scanInterval: 10s}")), "kind"), "no kind");
  CHECK_MESSAGE(contains(dir.error(with("{kind: karpenter}")),
                         "cluster.fromManifests with kind: karpenter is not supported"),
                "karpenter");
  CHECK(dir.parse(with("{kind: cluster-autoscaler}")).autoscaler.enabled);
}
