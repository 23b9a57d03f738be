// LoadSource: what the simulation asks the load model at each metrics sample.
// The engine knows which pods are Ready behind each Service; the load model
// knows the users, the routes, the call graph and each Service's cost. The
// engine passes the first, the model answers with per-Service rates, per-pod
// usage and latency. Implemented by lib/load (LoadModel); tests may supply
// scripted sources.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "simcluster/time.h"

namespace simcluster {

// One Service as the engine sees it at a sample instant.
struct ServiceReadiness {
  std::string ns, name;
  int32_t ready_pods = 0;       // Ready pods selected by the Service
  int64_t cpu_limit_milli = 0;  // per pod (0 = no limit)
  int64_t memory_limit = 0;     // per pod, bytes (0 = no limit)
};

// The model's answer for that Service.
struct ServiceLoad {
  double arrival_rps = 0;                // lambda from the traffic equations
  int64_t cpu_milli_per_pod = 0;         // usage of one Ready pod, capped at the limit
  int64_t cpu_demand_milli_per_pod = 0;  // before the cap (throttling when > usage)
  int64_t memory_per_pod = 0;            // bytes
  double utilization = 0;                // rho of the M/M/c queue (>= 1: saturated)
  double latency_ms = 0;                 // mean response time; +inf when saturated or no Ready pod
  // Usage of one of its pods that serves nothing (starting, not Ready,
  // terminating): the Service's baselines. nullopt: the engine's idle usage.
  std::optional<int64_t> baseline_cpu_milli;
  std::optional<int64_t> baseline_memory;
};

class LoadSource {
 public:
  virtual ~LoadSource() = default;
  // Concurrent users at time t (after timeline load changes).
  virtual double users(SimTime t) const = 0;
  // Services the model knows, in a fixed order; evaluate() answers in that order.
  virtual std::vector<std::pair<std::string, std::string>> services() const = 0;  // (ns, name)
  // REQUIRES: in.size() == out.size() == services().size(), same order.
  virtual void evaluate(SimTime t, std::span<const ServiceReadiness> in,
                        std::span<ServiceLoad> out) const = 0;
  // CPU (millicores) of a pod that no modelled Service selects; nullopt: the
  // engine derives it from the pod's requests (load_model.h, derived_baseline).
  virtual std::optional<int64_t> idle_cpu_milli() const { return 0; }
  // When the load began to rise, for a rise first seen by the metrics scrape
  // at `to` (the previous scrape was at `from`, from < to): the simulated
  // moment in [from, to] the users stepped up or started climbing. The
  // report's "load change -> ready" counts from it. Default: `to`.
  virtual SimTime rise_start(SimTime from, SimTime to) const {
    (void)from;
    return to;
  }
  // What the report should say about the model's inputs (code, message).
  virtual std::vector<std::pair<std::string, std::string>> notes() const { return {}; }
};

}  // namespace simcluster
