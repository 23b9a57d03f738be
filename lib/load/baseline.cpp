// Baselines derived from a pod's requests (load_model.h, derived_baseline).
#include <algorithm>

#include "simcluster/load_model.h"

namespace simcluster {
namespace {

Baseline container_baseline(const Container& c) {
  const Resources req = to_resources(c.resources.requests);
  const Resources lim = to_resources(c.resources.limits);
  const bool cpu_limit = c.resources.limits.count("cpu") > 0;
  const bool memory_limit = c.resources.limits.count("memory") > 0;
  Baseline b;
  // Memory: half the request (or the limit), at most 64Mi.
  if (req.memory > 0) {
    b.memory = req.memory / 2;
  } else if (memory_limit && lim.memory > 0) {
    b.memory = lim.memory / 2;
  } else {
    b.memory = kMaxDerivedMemoryBaseline;
  }
  b.memory = std::min(b.memory, kMaxDerivedMemoryBaseline);
  if (memory_limit) b.memory = std::min(b.memory, lim.memory);
  // CPU: a tenth of the request (or the limit), rounded to nearest, at most 5m.
  if (req.cpu_milli > 0) {
    b.cpu_milli = (req.cpu_milli + 5) / 10;
  } else if (cpu_limit && lim.cpu_milli > 0) {
    b.cpu_milli = (lim.cpu_milli + 5) / 10;
  } else {
    b.cpu_milli = kMaxDerivedCpuBaselineMilli;
  }
  b.cpu_milli = std::min(b.cpu_milli, kMaxDerivedCpuBaselineMilli);
  if (cpu_limit) b.cpu_milli = std::min(b.cpu_milli, lim.cpu_milli);
  return b;
}

}  // namespace

Baseline derived_baseline(const PodSpec& spec) {
  Baseline total;
  auto add = [&](const Container& c) {
    const Baseline b = container_baseline(c);
    total.cpu_milli += b.cpu_milli;
    total.memory += b.memory;
  };
  for (const Container& c : spec.containers) add(c);
  // Sidecars (restartable init containers) run beside the app containers.
  for (const Container& c : spec.init_containers) {
    if (c.restart_policy && *c.restart_policy == "Always") add(c);
  }
  return total;
}

}  // namespace simcluster
