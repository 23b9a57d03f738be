// Rng: the one seeded source of randomness of a simulation. Every random
// choice (kube-scheduler's tie-breaks, the preemption candidate offset, ...)
// draws from an Rng passed in explicitly, so the same seed gives the same run,
// byte for byte, on every platform.
//
// The generator is SplitMix64 (Steele, Lea, Flood 2014; the seeding function
// of java.util.SplittableRandom and xoshiro): 64-bit state, a fixed sequence
// for a given seed, no platform-dependent std:: distributions. Kubernetes
// itself uses Go's math/rand, which a simulator cannot and need not match:
// only "uniform among ties" matters, and that is preserved.
//
// Example: Rng rng(42); rng.uniform(3) is 0, 1 or 2, each with probability 1/3,
// and the same value on every run with seed 42.
#pragma once

#include <cstdint>

namespace simcluster {

class Rng {
  __extension__ typedef unsigned __int128 UInt128;

 public:
  explicit constexpr Rng(uint64_t seed) : state_(seed) {}
  Rng(const Rng&) = default;  // copying forks an identical stream (used by "what if" simulations)
  Rng& operator=(const Rng&) = default;

  // The next 64 random bits (SplitMix64).
  constexpr uint64_t next_u64() {
    state_ += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // A uniform integer in [0, n), unbiased, as Go's rand.Intn(n) is uniform: Lemire's
  // multiply-and-reject method (one multiplication, a division only on the rare reject
  // check). REQUIRES: n > 0. uniform(1) is always 0 and still consumes one draw.
  // Example: n = 3 maps the 64 random bits x to floor(x * 3 / 2^64).
  constexpr uint64_t uniform(uint64_t n) {
    UInt128 m = static_cast<UInt128>(next_u64()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
      while (low < threshold) {
        m = static_cast<UInt128>(next_u64()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  constexpr uint64_t state() const { return state_; }

 private:
  uint64_t state_;
};

}  // namespace simcluster
