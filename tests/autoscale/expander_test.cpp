// The expanders: the cases of kubernetes/autoscaler cluster-autoscaler/expander/
// waste/waste_test.go (TestLeastWaste), mostpods, leastnodes, price/price_test.go,
// priority/priority_test.go, random and factory/chain.go, restated.
#include <doctest/doctest.h>

#include <set>

#include "simcluster/autoscaler.h"

namespace simcluster {
namespace {

Resources res(int64_t cpu_milli, int64_t memory) {
  Resources r;
  r.cpu_milli = cpu_milli;
  r.memory = memory;
  return r;
}

ExpansionOption option(std::string group, int32_t nodes, Resources capacity,
                       std::vector<Resources> pods = {}) {
  ExpansionOption o;
  o.node_group = std::move(group);
  o.node_count = nodes;
  o.node_capacity = capacity;
  o.pods = std::move(pods);
  return o;
}

constexpr int64_t kCpuPerPod = 500;
constexpr int64_t kMemPerPod = 1000LL * 1024 * 1024;
constexpr int64_t kGi = 1024LL * 1024 * 1024;

TEST_CASE("least-waste: TestLeastWaste, balanced vs high-memory vs low-cpu node groups") {
  const Resources pod = res(kCpuPerPod, kMemPerPod);
  auto balanced = option("balanced", 1, res(16 * kCpuPerPod, 16 * kMemPerPod));
  // One option without pods is kept.
  CHECK(least_waste_options(std::vector{balanced}) == std::vector<size_t>{0});
  balanced.pods = {pod};
  auto highmem = option("highmem", 1, res(16 * kCpuPerPod, 32 * kMemPerPod), {pod});
  CHECK(least_waste_options(std::vector{balanced, highmem}) == std::vector<size_t>{0});
  auto lowcpu = option("lowcpu", 1, res(8 * kCpuPerPod, 16 * kMemPerPod), {pod});
  CHECK(least_waste_options(std::vector{balanced, highmem, lowcpu}) == std::vector<size_t>{2});
}

TEST_CASE("least-waste: the spec's example, and equal waste keeps both") {
  // Pods need 3 CPU / 6 GiB: 1 node of 4 CPU / 8 GiB wastes 0.5, 2 of 2 CPU / 16 GiB 1.0625.
  std::vector<Resources> pods{res(3000, 6 * kGi)};
  auto a = option("a", 1, res(4000, 8 * kGi), pods);
  auto b = option("b", 2, res(2000, 16 * kGi), pods);
  CHECK(least_waste_options(std::vector{b, a}) == std::vector<size_t>{1});
  auto a2 = option("a2", 1, res(4000, 8 * kGi), pods);
  CHECK(least_waste_options(std::vector{a, b, a2}) == std::vector<size_t>{0, 2});
}

TEST_CASE("most-pods and least-nodes keep every tied option") {
  const Resources p = res(100, 0);
  std::vector<ExpansionOption> o{
      option("a", 2, res(1000, kGi), {p, p}), option("b", 1, res(1000, kGi), {p}),
      option("c", 1, res(1000, kGi), {p, p}), option("d", 0, res(1000, kGi), {})};
  CHECK(most_pods_options(o) == std::vector<size_t>{0, 2});
  CHECK(least_nodes_options(o) == std::vector<size_t>{1, 2});  // 0 nodes is ignored
}

TEST_CASE("price: cheaper per pod wins; unfitness to the preferred node and node count") {
  // Cluster of 5 nodes -> preferred node 2 CPU. 2 pods of 1 CPU / 1 GiB.
  std::vector<Resources> pods{res(1000, kGi), res(1000, kGi)};
  auto two = option("two-cpu", 1, res(2000, 8 * kGi), pods);
  two.node_price_per_hour = 0.10;
  auto eight = option("eight-cpu", 1, res(8000, 32 * kGi), pods);
  eight.node_price_per_hour = 0.40;
  PricingModel m;
  const double stab = 0.5 * m.cpu_per_core_hour + 500.0 / 1024.0 * m.memory_per_gib_hour;
  const double pods_price = 2 * (m.cpu_per_core_hour + m.memory_per_gib_hour);
  // 2-CPU node: unfitness 1, score = (0.10 + stab) / (pods + stab).
  CHECK(*price_score(two, m, 5) == doctest::Approx((0.10 + stab) / (pods_price + stab)));
  // 8-CPU node: unfitness 4, not suppressed for a single node.
  CHECK(*price_score(eight, m, 5) == doctest::Approx(4.0 * (0.40 + stab) / (pods_price + stab)));
  CHECK(price_options(std::vector{eight, two}, m, 5) == std::vector<size_t>{1});
  // With 16 nodes the unfitness is suppressed: (4 - 1) * (1 - tanh(1)) + 1.
  eight.node_count = 16;
  const double suppressed = 3.0 * (1.0 - std::tanh(1.0)) + 1.0;
  CHECK(*price_score(eight, m, 5) ==
        doctest::Approx(suppressed * (16 * 0.40 + stab) / (pods_price + stab)));
  // GPU nodes get unfitness 1000; groups yet to be created cost double.
  auto gpu = two;
  gpu.node_has_gpu = true;
  CHECK(*price_score(gpu, m, 5) == doctest::Approx(1000.0 * *price_score(two, m, 5)));
  auto absent = two;
  absent.node_group_exists = false;
  CHECK(*price_score(absent, m, 5) == doctest::Approx(2.0 * *price_score(two, m, 5)));
  // No node price: the option is skipped.
  auto unknown = two;
  unknown.node_price_per_hour.reset();
  CHECK_FALSE(price_score(unknown, m, 5).has_value());
  CHECK(price_options(std::vector{unknown}, m, 5).empty());
  CHECK(price_options(std::vector{unknown, eight}, m, 5) == std::vector<size_t>{1});
}

TEST_CASE("price: the preferred node doubles as the cluster triples") {
  std::vector<Resources> pods{res(500, kGi)};
  auto four = option("four", 1, res(4000, 16 * kGi), pods);
  four.node_price_per_hour = 0.2;
  // 4 CPU is preferred for 7..20 nodes (unfitness 1) and off by 2x for 3..6 nodes.
  const double at_preferred = *price_score(four, {}, 10);
  CHECK(*price_score(four, {}, 5) == doctest::Approx(2.0 * at_preferred));
  CHECK(*price_score(four, {}, 40) == doctest::Approx(2.0 * at_preferred));
  CHECK(*price_score(four, {}, 1) == doctest::Approx(4.0 * at_preferred));
}

TEST_CASE("priority: priority_test.go, highest matching tier wins, regexes unanchored") {
  std::vector<ExpansionOption> o{option("eu-highmem", 1, res(1000, kGi)),
                                 option("us-standard", 1, res(1000, kGi)),
                                 option("us-highmem", 1, res(1000, kGi))};
  std::map<int32_t, std::vector<std::string>> prios{{10, {".*standard.*"}}, {50, {"highmem"}}};
  CHECK(priority_options(o, prios) == std::vector<size_t>{0, 2});
  prios[100] = {"^us-"};
  CHECK(priority_options(o, prios) == std::vector<size_t>{1, 2});
  // An option matching several tiers counts at its highest.
  prios = {{10, {"us-highmem"}}, {20, {"highmem"}}, {5, {"standard"}}};
  CHECK(priority_options(o, prios) == std::vector<size_t>{0, 2});
  // Nothing matches: every option goes on to random.
  prios = {{10, {"gpu"}}};
  CHECK(priority_options(o, prios) == std::vector<size_t>{0, 1, 2});
  // A regex that does not compile rejects the configuration.
  prios = {{10, {"("}}};
  CHECK(priority_options(o, prios).empty());
}

TEST_CASE("chain: filters in order, stop at one option, then random (seeded)") {
  const Resources p = res(500, kGi);
  std::vector<ExpansionOption> o{option("a", 2, res(1000, 2 * kGi), {p, p}),
                                 option("b", 1, res(1000, 2 * kGi), {p, p}),
                                 option("c", 1, res(4000, 8 * kGi), {p})};
  Rng rng(1);
  ExpanderConfig cfg;
  cfg.chain = {ExpanderKind::kMostPods, ExpanderKind::kLeastNodes};
  CHECK(best_expansion_option(o, cfg, rng) == std::optional<size_t>(1));
  cfg.chain = {ExpanderKind::kLeastWaste};  // a: 1.0, b: 0 (full node), c: 1.75
  CHECK(least_waste_options(o) == std::vector<size_t>{1});
  CHECK(best_expansion_option(o, cfg, rng) == std::optional<size_t>(1));
  // Random: uniform over the options, the same sequence for the same seed.
  cfg.chain = {ExpanderKind::kRandom};
  std::set<size_t> seen;
  Rng r1(7);
  Rng r2(7);
  for (int i = 0; i < 64; ++i) {
    auto x = best_expansion_option(o, cfg, r1);
    CHECK(x == best_expansion_option(o, cfg, r2));
    seen.insert(*x);
  }
  CHECK(seen.size() == 3);
  // Nothing left: no choice.
  CHECK_FALSE(best_expansion_option(std::span<const ExpansionOption>(), cfg, rng).has_value());
  cfg.chain = {ExpanderKind::kPrice};  // no option has a price
  CHECK_FALSE(best_expansion_option(o, cfg, rng).has_value());
}

TEST_CASE("chain: parse_expander takes the flag's names") {
  CHECK(parse_expander("least-waste") == ExpanderKind::kLeastWaste);
  CHECK(parse_expander("most-pods") == ExpanderKind::kMostPods);
  CHECK(parse_expander("priority") == ExpanderKind::kPriority);
  CHECK_FALSE(parse_expander("cheapest").has_value());
}

}  // namespace
}  // namespace simcluster
