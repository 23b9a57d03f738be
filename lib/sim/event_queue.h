// EventQueue: the simulation's future-event list, a monotone priority queue
// ordered by (time, sequence number).
//
// Contract:
//  * Time is an integer (simulated milliseconds). Events pop in increasing
//    time; events at the same time pop in the order they were pushed (their
//    sequence number), so a run is reproducible.
//  * Monotone: a pushed time must be >= the time of the last popped event
//    (simulated time never goes back). Peeking (next_time) does not advance
//    that bound, so the owner may still push at any time >= the last pop.
//  * Payloads are small trivially copyable values (a kind and a few ids),
//    never closures.
//
// Implementation: a radix heap (Ahuja, Mehlhorn, Orlin, Tarjan 1990) on the
// 64-bit time, with kDigitBits-bit digits instead of single bits so that an
// event moves at most 64 / kDigitBits times (8 levels of 256 buckets by
// default; a 10-minute horizon spans 3 levels). `last_` is the time of the
// current minimum; current_ holds the events at exactly last_, in push order.
// Any other event sits in bucket (L, d): L is the digit position of the
// highest digit in which its time differs from last_, d is its own digit
// there. Buckets in (L, d) order hold increasing, disjoint time ranges. When
// current_ runs dry the first non-empty bucket is scanned for its minimum m,
// last_ becomes m, and that bucket's events move to current_ (time m) or to
// buckets of lower levels. Example with 8-bit digits: last_ = 0x0105; an
// event at 0x0107 goes to (0, 0x07); one at 0x0230 to (1, 0x02).
//
// Why the (time, seq) order is exact without comparing sequence numbers: all
// events with the same time are always in the same bucket (their bucket
// depends only on their time and last_), each bucket is an append-only
// vector, a push appends with a larger sequence number than any queued event,
// and a refill moves a bucket's events in order into current_ and lower-level
// buckets, which are all empty at that moment. So events with equal times keep
// their push order everywhere.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace simcluster {

template <typename Payload, unsigned kDigitBits = 8>
class EventQueue {
  static_assert(std::is_trivially_copyable_v<Payload>, "payloads are small values");
  static_assert(kDigitBits >= 1 && kDigitBits <= 8, "1..8 bits per digit");

 public:
  struct Entry {
    int64_t time = 0;
    uint64_t seq = 0;
    Payload payload{};
  };

  EventQueue() : buckets_(kLevels * kDigits) {}
  EventQueue(const EventQueue&) = default;
  EventQueue& operator=(const EventQueue&) = default;

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // The time below which no push is allowed (the last popped time, or 0).
  int64_t floor_time() const { return static_cast<int64_t>(last_); }

  // Queues `payload` at `time`; returns its sequence number.
  // REQUIRES: time >= floor_time().
  uint64_t push(int64_t time, const Payload& payload) {
    const uint64_t key = static_cast<uint64_t>(time);
    const uint64_t seq = next_seq_++;
    if (key == last_) {
      current_.push_back(Entry{time, seq, payload});
    } else {
      const unsigned b = bucket_of(key);
      append(b, Entry{time, seq, payload});
      if (min_valid_ && key < min_cache_) min_cache_ = key;
    }
    ++size_;
    return seq;
  }

  // The time of the next event. REQUIRES: !empty().
  int64_t next_time() {
    if (head_ < current_.size()) return static_cast<int64_t>(last_);
    if (!min_valid_) {
      min_cache_ = min_of(buckets_[lowest_bucket()]);
      min_valid_ = true;
    }
    return static_cast<int64_t>(min_cache_);
  }

  // Removes and returns the next event. REQUIRES: !empty().
  Entry pop() {
    if (head_ == current_.size()) refill();
    Entry e = current_[head_];
    if (++head_ == current_.size()) {
      current_.clear();
      head_ = 0;
    }
    --size_;
    return e;
  }

  void clear() {
    for (auto& b : buckets_) b = std::vector<Entry>();
    spare_.clear();
    current_.clear();
    head_ = 0;
    level_mask_ = 0;
    digit_mask_.fill(0);
    size_ = 0;
    min_valid_ = false;
  }

 private:
  static constexpr unsigned kLevels = (64 + kDigitBits - 1) / kDigitBits;
  static constexpr unsigned kDigits = 1u << kDigitBits;
  static constexpr unsigned kMaskWords = kDigits >= 64 ? kDigits / 64 : 1;
  static constexpr size_t kMaxSpare = 8;
  static constexpr size_t kKeepCapacity = 64;

  // Bucket of a key != last_: (level, digit) of the highest differing digit,
  // flattened to level * kDigits + digit.
  unsigned bucket_of(uint64_t key) const {
    const unsigned high_bit = 63u - static_cast<unsigned>(std::countl_zero(key ^ last_));
    const unsigned level = high_bit / kDigitBits;
    const unsigned digit = static_cast<unsigned>(key >> (level * kDigitBits)) & (kDigits - 1);
    return level * kDigits + digit;
  }
  // An emptied bucket keeps a small vector (kKeepCapacity) but hands a large
  // one to a pool of spares, so memory stays bounded by what is queued even
  // though, as time advances, every digit of every level gets used.
  void append(unsigned b, const Entry& e) {
    auto& bucket = buckets_[b];
    if (bucket.empty()) {
      if (bucket.capacity() == 0 && !spare_.empty()) {
        bucket = std::move(spare_.back());
        spare_.pop_back();
      }
      mark(b);
    }
    bucket.push_back(e);
  }
  void mark(unsigned b) {
    const unsigned level = b / kDigits, digit = b % kDigits;
    level_mask_ |= uint64_t{1} << level;
    digit_mask_[level * kMaskWords + digit / 64] |= uint64_t{1} << (digit % 64);
  }
  void unmark(unsigned b) {
    const unsigned level = b / kDigits, digit = b % kDigits;
    uint64_t& word = digit_mask_[level * kMaskWords + digit / 64];
    word &= ~(uint64_t{1} << (digit % 64));
    if (word != 0) return;
    for (unsigned w = 0; w < kMaskWords; ++w) {
      if (digit_mask_[level * kMaskWords + w] != 0) return;
    }
    level_mask_ &= ~(uint64_t{1} << level);
  }
  // The non-empty bucket holding the smallest keys. REQUIRES: one exists.
  unsigned lowest_bucket() const {
    const unsigned level = static_cast<unsigned>(std::countr_zero(level_mask_));
    for (unsigned w = 0;; ++w) {
      const uint64_t word = digit_mask_[level * kMaskWords + w];
      if (word != 0) {
        return level * kDigits + w * 64 + static_cast<unsigned>(std::countr_zero(word));
      }
    }
  }
  static uint64_t min_of(const std::vector<Entry>& bucket) {
    uint64_t m = ~uint64_t{0};
    for (const Entry& e : bucket) m = std::min(m, static_cast<uint64_t>(e.time));
    return m;
  }

  // Moves the lowest bucket's events down: those at its minimum time become
  // current_, the others go to buckets of lower levels (empty until now).
  void refill() {
    const unsigned i = lowest_bucket();
    auto& bucket = buckets_[i];
    current_.clear();
    head_ = 0;
    const bool had_min = min_valid_;
    min_valid_ = false;
    if (bucket.size() == 1) {  // the common case with few pending events
      last_ = static_cast<uint64_t>(bucket[0].time);
      current_.push_back(bucket[0]);
    } else {
      last_ = had_min ? min_cache_ : min_of(bucket);
      for (const Entry& e : bucket) {
        const uint64_t key = static_cast<uint64_t>(e.time);
        if (key == last_) {
          current_.push_back(e);
        } else {
          append(bucket_of(key), e);
        }
      }
    }
    bucket.clear();
    if (bucket.capacity() > kKeepCapacity) {
      if (spare_.size() < kMaxSpare) spare_.push_back(std::move(bucket));
      bucket = std::vector<Entry>();
    }
    unmark(i);
  }

  std::vector<std::vector<Entry>> buckets_;  // kLevels * kDigits, ordered by key range
  std::vector<std::vector<Entry>> spare_;    // emptied buckets' storage, for reuse
  std::vector<Entry> current_;               // events at time last_, in push order
  size_t head_ = 0;                          // consumed prefix of current_
  uint64_t level_mask_ = 0;                  // bit L: some bucket of level L is non-empty
  std::array<uint64_t, kLevels * kMaskWords> digit_mask_{};
  uint64_t last_ = 0;
  uint64_t next_seq_ = 0;
  size_t size_ = 0;
  bool min_valid_ = false;  // min_cache_ holds the minimum of the buckets
  uint64_t min_cache_ = 0;
};

}  // namespace simcluster
