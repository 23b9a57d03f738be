// WorkQueue: client-go's workqueue semantics for the simulation's controllers.
// A key added while it is already queued is merged (it runs once); keys come
// out in the order they were first added. Keys are small integers (interned
// object keys, see KeyTable in store.h).
//
// Example: add(3), add(5), add(3) -> pop 3, pop 5; then add(3) queues it again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace simcluster {

using KeyId = uint32_t;

class WorkQueue {
 public:
  // Returns false when `key` was already queued (merged).
  bool add(KeyId key) {
    if (key >= queued_.size()) queued_.resize(key + 1, false);
    if (queued_[key]) return false;
    queued_[key] = true;
    fifo_.push_back(key);
    return true;
  }
  bool empty() const { return fifo_.empty(); }
  size_t size() const { return fifo_.size(); }
  // REQUIRES: !empty().
  KeyId pop() {
    KeyId k = fifo_.front();
    fifo_.pop_front();
    queued_[k] = false;
    return k;
  }
  bool contains(KeyId key) const { return key < queued_.size() && queued_[key]; }

 private:
  std::deque<KeyId> fifo_;
  std::vector<bool> queued_;
};

}  // namespace simcluster
