// Hand-built Reports for the renderer tests: the seed's My-SaaS-Chat shape
// (auth, chat, billing behind HPAs; postgres, redis, jaeger fixed), with a
// time series, events, pending reasons and a saturated Service.
#pragma once

#include <cmath>
#include <limits>
#include <string>

#include "simcluster/report.h"

namespace simcluster::testing {

inline constexpr int64_t kMi = 1024 * 1024;
inline constexpr int64_t kGi = 1024 * kMi;

inline Resources res(int64_t cpu_milli, int64_t mem_mi) {
  Resources r;
  r.cpu_milli = cpu_milli;
  r.memory = mem_mi * kMi;
  r.pods = 1;
  return r;
}

inline WorkloadSummary workload(std::string kind, std::string name, int32_t start, int32_t min,
                                int32_t max, int32_t end, Resources req, Resources lim) {
  WorkloadSummary w;
  w.kind = std::move(kind);
  w.ns = "production";
  w.name = std::move(name);
  w.start_replicas = start;
  w.min_replicas = min;
  w.max_replicas = max;
  w.end_replicas = end;
  w.requests_per_pod = req;
  w.limits_per_pod = lim;
  return w;
}

inline HPASummary hpa(int32_t min, int32_t max, int32_t ups, int32_t downs,
                      std::vector<int64_t> reaction) {
  HPASummary h;
  h.min_replicas = min;
  h.max_replicas = max;
  h.targets = {"cpu 70%", "memory 80%"};
  h.scale_ups = ups;
  h.scale_downs = downs;
  h.reaction_seconds = std::move(reaction);
  return h;
}

// `scale` multiplies the HPA workloads' peak replicas (load level).
inline Report sample_report(std::string name = "peak", int32_t auth_max = 10, int32_t chat_max = 18,
                            int32_t billing_max = 8, double peak_users = 10000) {
  Report r;
  r.scenario = name;
  r.file = "scenarios/" + r.scenario + ".yaml";
  r.seed = 42;
  r.duration = std::chrono::minutes(10);
  r.sample_interval = std::chrono::seconds(60);
  r.slo_latency_ms = 250;

  auto auth =
      workload("Deployment", "auth-service", 3, 2, auth_max, 2, res(250, 256), res(500, 512));
  auth.hpa = hpa(2, 10, 3, 1, {75, 90});
  auth.seconds_at_max = 180;
  auto chat =
      workload("Deployment", "chat-service", 5, 3, chat_max, 4, res(300, 384), res(750, 768));
  chat.hpa = hpa(3, 20, 4, 2, {105});
  chat.rollout_seconds = {135};
  auto billing =
      workload("Deployment", "billing-service", 3, 2, billing_max, 2, res(250, 256), res(500, 512));
  billing.hpa = hpa(2, 8, 2, 1, {});
  auto jaeger = workload("Deployment", "jaeger", 1, 1, 1, 1, res(100, 256), res(500, 512));
  auto postgres = workload("StatefulSet", "postgres", 1, 1, 1, 1, res(250, 256), res(1000, 1024));
  postgres.storage_per_pod = 10 * kGi;
  auto redis = workload("StatefulSet", "redis", 1, 1, 1, 1, res(100, 128), res(500, 512));
  redis.storage_per_pod = 5 * kGi;
  r.workloads = {auth, billing, chat, jaeger, postgres, redis};

  auto service = [](std::string name, double rps, double max, double mean, int64_t over,
                    int64_t saturated) {
    ServiceSummary s;
    s.ns = "production";
    s.name = std::move(name);
    s.peak_rps = rps;
    s.p_max_latency_ms = max;
    s.mean_latency_ms = mean;
    s.seconds_over_slo = over;
    s.saturated_seconds = saturated;
    return s;
  };
  r.services = {
      service("auth-service", 420.5, 38.25, 21.125, 0, 0),
      service("chat-service", 910, std::numeric_limits<double>::infinity(), 180.5, 120, 60)};
  r.simulated_until = SimTime{r.duration};
  r.events_processed = 12345;

  NodeSummary pool;
  pool.pool = "default";
  pool.min_ready = 3;
  pool.max_ready = 5;
  pool.node_hours = 0.6667;
  pool.cost = 0.0667;
  pool.allocatable_per_node = res(1930, 3400);
  pool.allocatable_per_node.pods = 110;
  r.node_pools = {pool};

  r.pending.max_pending = 4;
  r.pending.pod_seconds = 300;
  r.pending.reasons = {{"0/3 nodes are available: 3 Insufficient cpu.", 7},
                       {"0/5 nodes are available: 5 Insufficient memory.", 2}};

  r.totals_start = {14, 3350, 4224 * kMi, 8250, 8576 * kMi, 15 * kGi};
  r.totals_peak = {39, 10550, 12544 * kMi, 25500, 25600 * kMi, 15 * kGi};
  r.totals_end = {11, 2600, 3200 * kMi, 6500, 6784 * kMi, 15 * kGi};
  r.avg_cpu_utilization_of_allocatable = 61.23456;
  r.peak_cpu_utilization_of_allocatable = 109.3;
  r.total_cost = 0.0667;

  r.warnings = {{"HPAMaxExceedsCapacity",
                 "chat-service can scale to 20 pods (6000m) but the pool holds 5 nodes"},
                {"SingleReplicaStateful", "postgres has one replica: a node failure stops it"}};

  auto ev = [](int64_t s, std::string kind, std::string obj, std::string msg) {
    return ReportEvent{
        SimTime::from_seconds(s), std::move(kind), std::move(obj), std::move(msg), {}};
  };
  r.events = {ev(0, "LoadChanged", "Scenario/peak", "users 100 -> 10000"),
              ev(60, "HPAScaled", "HorizontalPodAutoscaler/production/chat-service",
                 "scaled 5 -> 10 (cpu 180% / 70%)"),
              ev(120, "FailedScheduling", "Pod/production/chat-service-7",
                 "0/3 nodes are available: 3 Insufficient cpu."),
              ev(180, "HPAScaled", "HorizontalPodAutoscaler/production/chat-service",
                 "scaled 10 -> 18 (cpu 120% / 70%)"),
              ev(240, "SLOBreached", "Service/production/chat-service", "latency over 250ms")};
  r.events[1].details = {{"metric", "cpu"}, {"raw", "180"}};

  // Ten samples, one a minute.
  for (int i = 0; i < 10; ++i) {
    Sample s;
    s.t = SimTime::from_seconds(60 * i);
    s.users = i == 0 ? 100 : peak_users;
    s.nodes = i < 3 ? 3 : 5;
    s.pending_pods = i == 2 ? 4 : 0;
    for (const auto& w : r.workloads) {
      WorkloadSample ws;
      ws.replicas = i == 0 ? w.start_replicas : (i < 5 ? w.max_replicas : w.end_replicas);
      ws.ready = ws.replicas;
      ws.desired = ws.replicas;
      ws.cpu_utilization = w.hpa ? 40.0 + 10 * (i % 5) : 12.5;
      ws.memory_utilization = 33.333;
      s.workloads.push_back(ws);
    }
    s.latency_ms = {20.0 + i, i == 3 ? std::numeric_limits<double>::infinity() : 150.0 + i};
    s.totals = i < 5 ? r.totals_peak : r.totals_end;
    r.samples.push_back(s);
  }
  return r;
}

}  // namespace simcluster::testing
