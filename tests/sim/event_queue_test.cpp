// The event queue orders events by (time, sequence number); the work queue
// merges repeated keys.
#include "sim/event_queue.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <queue>
#include <random>
#include <vector>

#include "sim/work_queue.h"

namespace simcluster {
namespace {

struct Payload {
  uint32_t id;
};

TEST_CASE("events pop in time order and, at equal times, in the order they were pushed") {
  EventQueue<Payload> q;
  q.push(30, {0});
  q.push(10, {1});
  q.push(30, {2});
  q.push(10, {3});
  q.push(20, {4});
  q.push(10, {5});
  std::vector<uint32_t> ids;
  std::vector<int64_t> times;
  while (!q.empty()) {
    auto e = q.pop();
    ids.push_back(e.payload.id);
    times.push_back(e.time);
  }
  CHECK(ids == std::vector<uint32_t>{1, 3, 5, 4, 0, 2});
  CHECK(times == std::vector<int64_t>{10, 10, 10, 20, 30, 30});
}

TEST_CASE("an event pushed at the current time runs after those already queued for it") {
  EventQueue<Payload> q;
  q.push(5, {0});
  q.push(5, {1});
  CHECK(q.pop().payload.id == 0);
  q.push(5, {2});  // same instant, pushed while it is being processed
  q.push(6, {3});
  CHECK(q.pop().payload.id == 1);
  CHECK(q.pop().payload.id == 2);
  CHECK(q.pop().payload.id == 3);
  CHECK(q.empty());
}

TEST_CASE("peeking the next time does not stop earlier pushes after the last pop") {
  EventQueue<Payload> q;
  q.push(1000, {0});
  CHECK(q.next_time() == 1000);
  // The owner stopped at t = 500 < 1000 and schedules something at 600.
  q.push(600, {1});
  CHECK(q.next_time() == 600);
  CHECK(q.pop().payload.id == 1);
  CHECK(q.pop().payload.id == 0);
  CHECK(q.floor_time() == 1000);
}

TEST_CASE("sequence numbers increase with every push") {
  EventQueue<Payload> q;
  const uint64_t a = q.push(7, {0});
  const uint64_t b = q.push(3, {1});
  CHECK(b == a + 1);
  auto e = q.pop();
  CHECK(e.seq == b);
  CHECK(e.time == 3);
}

struct HeapEntry {
  int64_t time;
  uint64_t seq;
  uint32_t id;
};
struct Later {
  bool operator()(const HeapEntry& a, const HeapEntry& b) const {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};

// Random pushes (many at equal times, spread over several digit levels) and
// pops, checked against a binary heap ordered by (time, seq).
void compare_with_heap(uint64_t seed, int64_t spread, int steps) {
  std::mt19937_64 gen(seed);
  EventQueue<Payload> q;
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, Later> ref;
  uint64_t seq = 0;
  uint32_t id = 0;
  int64_t now = 0;
  for (int step = 0; step < steps; ++step) {
    const bool push = ref.empty() || gen() % 3 != 0;
    if (push) {
      const int burst = 1 + static_cast<int>(gen() % 4);
      for (int i = 0; i < burst; ++i) {
        const int64_t t = now + static_cast<int64_t>(gen() % static_cast<uint64_t>(spread));
        q.push(t, {id});
        ref.push({t, seq++, id});
        ++id;
      }
    } else {
      REQUIRE(q.next_time() == ref.top().time);
      auto e = q.pop();
      HeapEntry r = ref.top();
      ref.pop();
      REQUIRE(e.time == r.time);
      REQUIRE(e.payload.id == r.id);
      REQUIRE(e.seq == r.seq);
      now = e.time;
    }
    REQUIRE(q.size() == ref.size());
  }
  while (!ref.empty()) {
    auto e = q.pop();
    REQUIRE(e.payload.id == ref.top().id);
    ref.pop();
  }
  CHECK(q.empty());
}

TEST_CASE("random pushes and pops come out exactly as from a (time, seq) binary heap") {
  SUBCASE("many ties (times within 8 ms)") { compare_with_heap(1, 8, 200'000); }
  SUBCASE("one digit level (times within 200 ms)") { compare_with_heap(2, 200, 200'000); }
  SUBCASE("three levels (ten simulated minutes)") { compare_with_heap(3, 600'000, 200'000); }
  SUBCASE("far apart (up to a simulated year)") { compare_with_heap(4, 31'536'000'000LL, 100'000); }
}

TEST_CASE("a one-bit-digit queue keeps the same order") {
  EventQueue<Payload, 1> q;
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, Later> ref;
  std::mt19937_64 gen(9);
  uint64_t seq = 0;
  int64_t now = 0;
  for (uint32_t i = 0; i < 50'000; ++i) {
    int64_t t = now + static_cast<int64_t>(gen() % 5000);
    q.push(t, {i});
    ref.push({t, seq++, i});
    if (i % 2 == 1) {
      auto e = q.pop();
      REQUIRE(e.payload.id == ref.top().id);
      now = e.time;
      ref.pop();
    }
  }
}

TEST_CASE("the work queue merges a key added while it is queued") {
  WorkQueue q;
  CHECK(q.add(3));
  CHECK(q.add(5));
  CHECK_FALSE(q.add(3));  // merged
  CHECK(q.size() == 2);
  CHECK(q.contains(3));
  CHECK(q.pop() == 3);
  CHECK_FALSE(q.contains(3));
  CHECK(q.add(3));  // queued again once it was taken
  CHECK(q.pop() == 5);
  CHECK(q.pop() == 3);
  CHECK(q.empty());
}

}  // namespace
}  // namespace simcluster
