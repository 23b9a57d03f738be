// Helpers the benchmarks share.
#pragma once

#include <time.h>

namespace simcluster::bench {

// Thread CPU seconds: the machine is shared, so wall time would measure the neighbours.
inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace simcluster::bench
