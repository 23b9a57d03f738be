// Resources: the integer resource vector the scheduler and the simulation add
// and compare. CPU in millicores (Quantity.MilliValue), memory and storage in
// bytes (Quantity.Value), as kube-scheduler's framework.Resource holds them.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace simcluster {

struct Resources {
  int64_t cpu_milli = 0;
  int64_t memory = 0;                       // bytes
  int64_t ephemeral_storage = 0;            // bytes
  int64_t pods = 0;                         // pod slots (nodes) or 1 per pod
  std::map<std::string, int64_t> extended;  // e.g. nvidia.com/gpu, hugepages-2Mi

  Resources& operator+=(const Resources& o);
  Resources& operator-=(const Resources& o);
  friend Resources operator+(Resources a, const Resources& b) { return a += b; }
  friend Resources operator-(Resources a, const Resources& b) { return a -= b; }
  friend bool operator==(const Resources&, const Resources&) = default;

  // Elementwise max (init containers, pod_requests).
  static Resources max(const Resources& a, const Resources& b);
  // True when every component of *this is <= the same component of cap.
  bool fits_in(const Resources& cap) const;
};

}  // namespace simcluster
