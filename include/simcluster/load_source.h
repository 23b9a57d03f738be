// LoadSource: what the simulation asks the load model at each metrics sample.
// The engine knows which pods are Ready behind each Service; the load model
// knows the users, the routes, the call graph and each Service's cost. The
// engine passes the first, the model answers with per-Service rates, per-pod
// usage and latency. Implemented by lib/load (LoadModel); tests may supply
// scripted sources.
#pragma once

#include <cstdint>
#include <span>
#include <string>
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
  // Usage of a pod that no modelled Service selects (a baseline), bytes/milli.
  virtual int64_t idle_cpu_milli() const { return 0; }
};

}  // namespace simcluster
