// Helpers over the object model: label selectors and pod resource requests.
#include "simcluster/objects.h"

#include <algorithm>

namespace simcluster {

// Mirrors k8s apimachinery pkg/labels/selector.go (Requirement.Matches).
bool selector_matches(const LabelSelector& selector, const StringMap& labels) {
  for (const auto& [k, v] : selector.match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& req : selector.match_expressions) {
    auto it = labels.find(req.key);
    bool has = it != labels.end();
    bool in_values = has && std::find(req.values.begin(), req.values.end(), it->second) !=
                                req.values.end();
    switch (req.op) {
      case LabelSelectorRequirement::Op::kIn:
        if (!in_values) return false;
        break;
      case LabelSelectorRequirement::Op::kNotIn:
        if (in_values) return false;
        break;
      case LabelSelectorRequirement::Op::kExists:
        if (!has) return false;
        break;
      case LabelSelectorRequirement::Op::kDoesNotExist:
        if (has) return false;
        break;
    }
  }
  return true;
}

bool map_selector_matches(const StringMap& selector, const StringMap& labels) {
  if (selector.empty()) return false;
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

Resources to_resources(const ResourceList& list) {
  Resources r;
  for (const auto& [name, q] : list) {
    if (name == "cpu") {
      r.cpu_milli = q.milli_value();
    } else if (name == "memory") {
      r.memory = q.value();
    } else if (name == "ephemeral-storage") {
      r.ephemeral_storage = q.value();
    } else if (name == "pods") {
      r.pods = q.value();
    } else {
      r.extended[name] = q.value();
    }
  }
  return r;
}

namespace {

// Scheduler defaults for a container with no cpu / memory request entry
// (k8s pkg/scheduler/util/pod_resources.go: DefaultMilliCPURequest = 100,
// DefaultMemoryRequest = 200 MiB). An explicit 0 stays 0.
constexpr int64_t kDefaultMilliCpuRequest = 100;
constexpr int64_t kDefaultMemoryRequest = 200LL * 1024 * 1024;

Resources container_amount(const Container& c, bool limits, bool non_zero) {
  const ResourceList& list = limits ? c.resources.limits : c.resources.requests;
  Resources r = to_resources(list);
  if (non_zero) {
    if (!list.contains("cpu")) r.cpu_milli = kDefaultMilliCpuRequest;
    if (!list.contains("memory")) r.memory = kDefaultMemoryRequest;
  }
  return r;
}

// Mirrors k8s staging/src/k8s.io/component-helpers/resource/helpers.go
// (PodRequests / AggregateContainerRequests):
//   effective = max(sum(app) + sum(sidecars), max_i(init_i + sidecars before i)) + overhead.
// Example: init IC1 (2 CPU, 1G), IC2 (2 CPU, 3G); apps C1 (2 CPU, 1G), C2 (1 CPU, 1G)
// -> max((3 CPU, 2G), (2 CPU, 3G)) = (3 CPU, 3G).
Resources aggregate(const PodSpec& spec, bool limits, bool non_zero) {
  Resources total;
  for (const auto& c : spec.containers) total += container_amount(c, limits, non_zero);
  Resources sidecars_running;
  Resources init_peak;
  for (const auto& ic : spec.init_containers) {
    Resources req = container_amount(ic, limits, non_zero);
    Resources candidate;
    if (ic.restart_policy && *ic.restart_policy == "Always") {
      total += req;
      sidecars_running += req;
      candidate = sidecars_running;
    } else {
      candidate = req + sidecars_running;
    }
    init_peak = Resources::max(init_peak, candidate);
  }
  total = Resources::max(total, init_peak);
  total += to_resources(spec.overhead);
  total.pods = 1;
  return total;
}

}  // namespace

Resources pod_requests(const PodSpec& spec, bool non_zero) {
  return aggregate(spec, /*limits=*/false, non_zero);
}

Resources pod_limits(const PodSpec& spec) { return aggregate(spec, /*limits=*/true, false); }

}  // namespace simcluster
