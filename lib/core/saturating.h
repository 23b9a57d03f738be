// Saturating int64 arithmetic for totals over user-given quantities: a
// manifest may ask for `storage: 5Ei` on every replica (the API server takes
// it), and replicas x bytes summed over a cluster can pass 2^63. Totals clamp
// at the int64 range instead of overflowing (undefined behaviour); a clamped
// total reads as "8Ei" or so, which says "absurd" as well as the exact figure.
// Example: sat_mul_add(0, 2, 5Ei = 5764607523034234880) = INT64_MAX.
#pragma once

#include <cstdint>
#include <limits>

namespace simcluster {

inline int64_t sat_add(int64_t a, int64_t b) {
  int64_t r = 0;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

inline int64_t sat_mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (!__builtin_mul_overflow(a, b, &r)) return r;
  return (a < 0) != (b < 0) ? std::numeric_limits<int64_t>::min()
                            : std::numeric_limits<int64_t>::max();
}

// acc + n x v, saturating.
inline int64_t sat_mul_add(int64_t acc, int64_t n, int64_t v) {
  return sat_add(acc, sat_mul(n, v));
}

}  // namespace simcluster
