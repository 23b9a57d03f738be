// SelectorIndex: which of many selectors (Services' map selectors, the HPAs' targets'
// label selectors) may match a pod, without testing every one of them: the
// candidates are the entries one of whose matchLabels pairs is one of the pod's
// labels, plus those without matchLabels (expressions only), which are always
// candidates. The caller still tests each candidate with the full selector, so the
// answer is exactly that of a scan; only the work is smaller (a pod's labels, not
// every selector). Each entry is indexed under the first of its matchLabels pairs
// in key order (StringMap is ordered): a pod lacking that pair cannot match it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "simcluster/objects.h"

namespace simcluster {

class SelectorIndex {
 public:
  // Entry `id` in namespace `ns` with these matchLabels (empty: always a candidate).
  void add(uint32_t id, const std::string& ns, const StringMap& match_labels) {
    if (match_labels.empty()) {
      unindexed_.push_back({id, ns});
      return;
    }
    const auto& [k, v] = *match_labels.begin();
    by_pair_[pair_key(ns, k, v)].push_back(id);
  }
  void clear() {
    by_pair_.clear();
    unindexed_.clear();
  }
  // The candidate ids for a pod of `ns` with `labels`, ascending, without duplicates.
  std::vector<uint32_t> candidates(const std::string& ns, const StringMap& labels) const {
    std::vector<uint32_t> out;
    for (const auto& [k, v] : labels) {
      auto it = by_pair_.find(pair_key(ns, k, v));
      if (it != by_pair_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
    for (const Unindexed& u : unindexed_) {
      if (u.ns == ns) out.push_back(u.id);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  static std::string pair_key(const std::string& ns, const std::string& k, const std::string& v) {
    std::string s;
    s.reserve(ns.size() + k.size() + v.size() + 2);
    s += ns;
    s += '\0';
    s += k;
    s += '\0';
    s += v;
    return s;
  }
  struct Unindexed {
    uint32_t id;
    std::string ns;
  };
  std::unordered_map<std::string, std::vector<uint32_t>> by_pair_;
  std::vector<Unindexed> unindexed_;
};

}  // namespace simcluster
