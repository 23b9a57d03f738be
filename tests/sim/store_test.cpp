// The store's indexes (store.h ObjectMap, selector_index.h): they must give exactly what a
// walk of the ordered map or a scan of every selector gives.
#include "sim/store.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "sim/selector_index.h"
#include "simcluster/rng.h"

namespace simcluster {
namespace {

TEST_CASE("ObjectMap: lookups by interned key and the dense list follow every insert and erase") {
  KeyTable keys;
  ObjectMap<SimNode> nodes(keys);
  Rng rng(3);
  std::set<std::string> model;
  for (int step = 0; step < 2000; ++step) {
    const std::string name = "n/" + std::to_string(rng.uniform(60));
    if (rng.uniform(3) == 0) {
      CHECK(nodes.erase(name) == model.erase(name));
    } else {
      auto [it, fresh] = nodes.try_emplace(name);
      CHECK(fresh == model.insert(name).second);
      it->second.pool = name;  // the object remembers its name
    }
    REQUIRE(nodes.size() == model.size());
    REQUIRE(nodes.dense().size() == model.size());
  }
  // Name order for iteration; every object exactly once in the dense list; get() by key.
  std::vector<std::string> walked, dense;
  for (const auto& [k, n] : nodes) walked.push_back(k);
  CHECK(walked == std::vector<std::string>(model.begin(), model.end()));
  for (const SimNode* n : nodes.dense()) dense.push_back(n->pool);
  std::sort(dense.begin(), dense.end());
  CHECK(dense == walked);
  for (int i = 0; i < 60; ++i) {
    const std::string name = "n/" + std::to_string(i);
    const SimNode* n = nodes.get(keys.intern(name));
    if (model.count(name) != 0) {
      REQUIRE(n != nullptr);
      CHECK(n->pool == name);
      CHECK(n == &nodes.at(name));
    } else {
      CHECK(n == nullptr);
    }
  }
  // Erasing through an iterator unindexes too.
  while (!nodes.empty()) nodes.erase(nodes.begin());
  CHECK(nodes.dense().empty());
  CHECK(nodes.get(keys.intern("n/1")) == nullptr);
}

TEST_CASE("SelectorIndex: the candidates hold every selector a scan finds to match") {
  Rng rng(11);
  const std::vector<std::string> keys = {"app", "tier", "team", "zone"};
  auto labels_of = [&](size_t n) {
    StringMap m;
    for (size_t i = 0; i < n; ++i) {
      m[keys[rng.uniform(keys.size())]] = "v" + std::to_string(rng.uniform(4));
    }
    return m;
  };
  struct Entry {
    std::string ns;
    LabelSelector sel;
  };
  std::vector<Entry> entries;
  SelectorIndex index;
  for (uint32_t id = 0; id < 300; ++id) {
    Entry e;
    e.ns = rng.uniform(2) == 0 ? "a" : "b";
    e.sel.match_labels = labels_of(rng.uniform(3));  // 0..2 pairs
    if (rng.uniform(4) == 0) {
      e.sel.match_expressions.push_back(
          {keys[rng.uniform(keys.size())], LabelSelectorRequirement::Op::kExists, {}});
    }
    if (e.sel.is_empty()) continue;  // as the HPA controller and Services skip them
    index.add(id, e.ns, e.sel.match_labels);
    entries.resize(id + 1);
    entries[id] = e;
  }
  for (int pod = 0; pod < 2000; ++pod) {
    const std::string ns = rng.uniform(2) == 0 ? "a" : "b";
    const StringMap labels = labels_of(1 + rng.uniform(4));
    std::vector<uint32_t> scan, indexed;
    for (uint32_t id = 0; id < entries.size(); ++id) {
      const Entry& e = entries[id];
      if (!e.sel.is_empty() && e.ns == ns && selector_matches(e.sel, labels)) scan.push_back(id);
    }
    const std::vector<uint32_t> cand = index.candidates(ns, labels);
    CHECK(std::is_sorted(cand.begin(), cand.end()));
    for (uint32_t id : cand) {
      const Entry& e = entries[id];
      if (e.ns == ns && selector_matches(e.sel, labels)) indexed.push_back(id);
    }
    REQUIRE(indexed == scan);
  }
}

}  // namespace
}  // namespace simcluster
