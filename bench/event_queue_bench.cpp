// Hold-model benchmark of the simulation's event queue (lib/sim/event_queue.h)
// against a plain std::priority_queue of the same events.
//
// The hold model (Vaucher and Duval 1975) keeps N events pending: each step
// pops the earliest event and pushes one at its time plus a random increment,
// as a simulation does. Increments are uniform in [0, 600000) ms (up to ten
// simulated minutes), drawn ahead of time from a fixed seed so both queues
// see the same sequence and the generator is not measured.
// One iteration = one pop + one push; items_per_second is events per second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <queue>
#include <vector>

#include "sim/event_queue.h"

namespace {

// The simulator's payload size: an event kind and two ids.
struct Payload {
  uint32_t kind;
  uint32_t a;
  uint64_t b;
};

constexpr size_t kIncrements = 1 << 16;

std::vector<int64_t> make_increments() {
  std::vector<int64_t> inc(kIncrements);
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (auto& v : inc) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = static_cast<int64_t>(x % 600000);
  }
  return inc;
}

void BM_RadixEventQueueHold(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  const std::vector<int64_t> inc = make_increments();
  simcluster::EventQueue<Payload> q;
  size_t k = 0;
  for (size_t i = 0; i < pending; ++i) {
    q.push(inc[k++ & (kIncrements - 1)], Payload{1, static_cast<uint32_t>(i), i});
  }
  for (auto _ : state) {
    auto e = q.pop();
    e.payload.b += 1;
    q.push(e.time + inc[k++ & (kIncrements - 1)], e.payload);
  }
  benchmark::DoNotOptimize(q.size());
  state.SetItemsProcessed(state.iterations());
}

struct HeapEntry {
  int64_t time;
  uint64_t seq;
  Payload payload;
};
struct Later {
  bool operator()(const HeapEntry& a, const HeapEntry& b) const {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};

void BM_PriorityQueueHold(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  const std::vector<int64_t> inc = make_increments();
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, Later> q;
  size_t k = 0;
  uint64_t seq = 0;
  for (size_t i = 0; i < pending; ++i) {
    q.push(HeapEntry{inc[k++ & (kIncrements - 1)], seq++, Payload{1, static_cast<uint32_t>(i), i}});
  }
  for (auto _ : state) {
    HeapEntry e = q.top();
    q.pop();
    e.payload.b += 1;
    q.push(HeapEntry{e.time + inc[k++ & (kIncrements - 1)], seq++, e.payload});
  }
  benchmark::DoNotOptimize(q.size());
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_RadixEventQueueHold)->Arg(1000)->Arg(1000000);
BENCHMARK(BM_PriorityQueueHold)->Arg(1000)->Arg(1000000);

BENCHMARK_MAIN();
