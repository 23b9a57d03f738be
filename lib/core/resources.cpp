#include "simcluster/resources.h"

#include <algorithm>

#include "core/saturating.h"

namespace simcluster {

// Saturating: a pod's containers may each ask for `memory: 5Ei` (the API
// server takes it), and their sum passes 2^63. Such a pod fits no node, so
// the scheduler never adds it to one and -= stays the inverse of += there.
Resources& Resources::operator+=(const Resources& o) {
  cpu_milli = sat_add(cpu_milli, o.cpu_milli);
  memory = sat_add(memory, o.memory);
  ephemeral_storage = sat_add(ephemeral_storage, o.ephemeral_storage);
  pods = sat_add(pods, o.pods);
  for (const auto& [name, v] : o.extended) {
    int64_t& e = extended[name];
    e = sat_add(e, v);
  }
  return *this;
}

Resources& Resources::operator-=(const Resources& o) {
  cpu_milli -= o.cpu_milli;
  memory -= o.memory;
  ephemeral_storage -= o.ephemeral_storage;
  pods -= o.pods;
  for (const auto& [name, v] : o.extended) {
    auto it = extended.find(name);
    if (it == extended.end()) {
      extended.emplace(name, -v);
    } else if ((it->second -= v) == 0) {
      extended.erase(it);
    }
  }
  return *this;
}

Resources Resources::max(const Resources& a, const Resources& b) {
  Resources r;
  r.cpu_milli = std::max(a.cpu_milli, b.cpu_milli);
  r.memory = std::max(a.memory, b.memory);
  r.ephemeral_storage = std::max(a.ephemeral_storage, b.ephemeral_storage);
  r.pods = std::max(a.pods, b.pods);
  r.extended = a.extended;
  for (const auto& [name, v] : b.extended) {
    auto [it, inserted] = r.extended.emplace(name, v);
    if (!inserted) it->second = std::max(it->second, v);
  }
  return r;
}

bool Resources::fits_in(const Resources& cap) const {
  if (cpu_milli > cap.cpu_milli || memory > cap.memory ||
      ephemeral_storage > cap.ephemeral_storage || pods > cap.pods) {
    return false;
  }
  for (const auto& [name, v] : extended) {
    if (v <= 0) continue;
    auto it = cap.extended.find(name);
    if (it == cap.extended.end() || v > it->second) return false;
  }
  return true;
}

}  // namespace simcluster
