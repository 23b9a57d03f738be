// Filter plugins and the FitError message (fit_test.go TestEnoughRequests,
// framework/types.go FitError.Error, taint / node affinity / unschedulable filters).
#include <doctest/doctest.h>

#include "sched/sched_builders.h"
#include "simcluster/scheduler.h"

namespace simcluster {
namespace {

using testing::KV;
using testing::make_node;
using testing::make_snapshot;
using testing::PodBuilder;

// fit_test.go makeAllocatableResources(10, 20, 32, 5, 20, 5): 10m cpu, 20 B memory,
// 32 pods, 5 of extended resource A, 20 B ephemeral storage.
Node fit_node() {
  return make_node("machine", {{"cpu", "10m"},
                               {"memory", "20"},
                               {"pods", "32"},
                               {"example.com/aaa", "5"},
                               {"ephemeral-storage", "20"}});
}

FilterStatus fit(const PodInfo& pod, KV existing_requests) {
  auto s =
      make_snapshot({fit_node()}, {{PodBuilder("e").req(existing_requests).info(), "machine"}});
  return run_filters(pod, s, 0, SchedulerConfig{});
}

using Reasons = std::vector<std::string>;

TEST_CASE("NodeResourcesFit: no resources requested always fits") {
  CHECK(fit(PodBuilder().info(), {{"cpu", "10m"}, {"memory", "20"}}).ok());
}

TEST_CASE("NodeResourcesFit: too many resources fails on both cpu and memory") {
  auto st = fit(PodBuilder().req({{"cpu", "1m"}, {"memory", "1"}}).info(),
                {{"cpu", "10m"}, {"memory", "20"}});
  CHECK(st.code == FilterCode::kUnschedulable);
  CHECK(st.reasons == Reasons{"Insufficient cpu", "Insufficient memory"});
}

TEST_CASE("NodeResourcesFit: an init container's larger cpu request is what must fit") {
  auto st = fit(PodBuilder()
                    .req({{"cpu", "1m"}, {"memory", "1"}})
                    .init_req({{"cpu", "3m"}, {"memory", "1"}})
                    .info(),
                {{"cpu", "8m"}, {"memory", "19"}});
  CHECK(st.reasons == Reasons{"Insufficient cpu"});
}

TEST_CASE("NodeResourcesFit: one resource fits, the other does not") {
  auto st = fit(PodBuilder().req({{"cpu", "1m"}, {"memory", "2"}}).info(),
                {{"cpu", "5m"}, {"memory", "19"}});
  CHECK(st.reasons == Reasons{"Insufficient memory"});
}

TEST_CASE("NodeResourcesFit: a request equal to the free amount fits (equal edge case)") {
  CHECK(fit(PodBuilder().req({{"cpu", "5m"}, {"memory", "1"}}).info(),
            {{"cpu", "5m"}, {"memory", "19"}})
            .ok());
}

TEST_CASE("NodeResourcesFit: extended resources are checked, unless ignored") {
  auto pod = PodBuilder().req({{"example.com/aaa", "10"}}).info();
  auto st = fit(pod, {{"cpu", "0"}, {"memory", "0"}});
  CHECK(st.reasons == Reasons{"Insufficient example.com/aaa"});
  auto missing = PodBuilder().req({{"example.com/bbb", "1"}}).info();
  CHECK(fit(missing, {{"cpu", "0"}}).reasons == Reasons{"Insufficient example.com/bbb"});
  auto s = make_snapshot({fit_node()});
  SchedulerConfig ignore;
  ignore.ignored_resources = {"example.com/aaa"};
  CHECK(run_filters(pod, s, 0, ignore).ok());
  SchedulerConfig ignore_group;
  ignore_group.ignored_resource_groups = {"example.com"};
  CHECK(run_filters(missing, s, 0, ignore_group).ok());
}

TEST_CASE("NodeResourcesFit: ephemeral storage and a resource the pod does not request") {
  auto st = fit(PodBuilder().req({{"ephemeral-storage", "25"}}).info(), {{"cpu", "10m"}});
  CHECK(st.reasons == Reasons{"Insufficient ephemeral-storage"});
  // The node is over-committed on cpu (existing 20m of 10m), but the pod asks no cpu.
  CHECK(fit(PodBuilder().req({{"memory", "1"}}).info(), {{"cpu", "20m"}}).ok());
}

TEST_CASE("NodeResourcesFit: the pod count is always checked, even for an empty pod") {
  auto n = make_node("machine", {{"cpu", "10"}, {"memory", "10Gi"}, {"pods", "1"}});
  auto s = make_snapshot({n}, {{PodBuilder("e").info(), "machine"}});
  auto st = run_filters(PodBuilder().req({{"cpu", "1"}}).info(), s, 0, {});
  CHECK(st.reasons == Reasons{"Too many pods"});
  CHECK(run_filters(PodBuilder().info(), s, 0, {}).reasons == Reasons{"Too many pods"});
}

TEST_CASE("The failure message sorts 'count reason' strings and counts each reason per node") {
  std::map<std::string, int64_t> h{{"Insufficient cpu", 3}, {"Insufficient memory", 1}};
  CHECK(fit_error_message(3, h, "") ==
        "0/3 nodes are available: 1 Insufficient memory, 3 Insufficient cpu.");
  std::map<std::string, int64_t> h2{{"X", 10}, {"Y", 2}};
  CHECK(fit_error_message(12, h2, "") == "0/12 nodes are available: 10 X, 2 Y.");
}

TEST_CASE("schedule reports every node's reasons: two lack cpu, one lacks cpu and memory") {
  auto s = make_snapshot({make_node("a", {{"cpu", "1"}, {"memory", "4Gi"}}),
                          make_node("b", {{"cpu", "1"}, {"memory", "4Gi"}}),
                          make_node("c", {{"cpu", "1"}, {"memory", "1Gi"}})});
  SchedulerConfig cfg;
  cfg.preemption = false;
  Rng rng(1);
  auto r = schedule(PodBuilder().req({{"cpu", "2"}, {"memory", "2Gi"}}).info(), s, cfg, rng);
  CHECK_FALSE(r.ok());
  CHECK(r.message == "0/3 nodes are available: 1 Insufficient memory, 3 Insufficient cpu.");
  CHECK(r.reasons.at("Insufficient cpu") == 3);
  CHECK(r.reasons.at("Insufficient memory") == 1);
}

TEST_CASE("A pod without tolerations is kept off tainted, unschedulable and unselected nodes") {
  Node tainted = make_node("tainted", {{"cpu", "4"}, {"memory", "8Gi"}});
  tainted.taints = {{"dedicated", "gpu", "NoSchedule"}};
  Node cordoned = make_node("cordoned", {{"cpu", "4"}, {"memory", "8Gi"}});
  cordoned.unschedulable = true;
  Node cp = make_node("cp", {{"cpu", "4"}, {"memory", "8Gi"}});
  cp.taints = {{"node-role.kubernetes.io/control-plane", "", "NoSchedule"}};
  Node other = make_node("other", {{"cpu", "4"}, {"memory", "8Gi"}}, {{"disk", "hdd"}});
  auto s = make_snapshot({tainted, cordoned, cp, other});
  Rng rng(7);
  auto pod = PodBuilder().req({{"cpu", "1"}}).node_selector("disk", "ssd").info();
  auto r = schedule(pod, s, SchedulerConfig{}, rng);
  CHECK(r.message ==
        "0/4 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
        "1 node(s) had untolerated taint {dedicated: gpu}, "
        "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "1 node(s) were unschedulable. preemption: 0/4 nodes are available: "
        "4 Preemption is not helpful for scheduling..");
  // Tolerating the taint (Equal) opens the tainted node; Exists on the unschedulable taint
  // opens the cordoned one.
  auto gpu = PodBuilder()
                 .req({{"cpu", "1"}})
                 .node_selector("kubernetes.io/hostname", "tainted")
                 .toleration({"dedicated", "Equal", "gpu", "NoSchedule", {}});
  auto r2 = schedule(gpu.info(), s, SchedulerConfig{}, rng);
  REQUIRE(r2.ok());
  CHECK(r2.node_name == "tainted");
  auto drain =
      PodBuilder()
          .req({{"cpu", "1"}})
          .node_selector("kubernetes.io/hostname", "cordoned")
          .toleration({"node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule", {}});
  auto r3 = schedule(drain.info(), s, SchedulerConfig{}, rng);
  REQUIRE(r3.ok());
  CHECK(r3.node_name == "cordoned");
}

TEST_CASE("Required node affinity terms are ORed, expressions ANDed, Gt compares integers") {
  PodInfo pod = PodBuilder().info();
  NodeAffinity na;
  na.required = {NodeSelectorTerm{{{"zone", "In", {"a", "b"}}, {"cores", "Gt", {"8"}}}, {}},
                 NodeSelectorTerm{{}, {{"metadata.name", "In", {"special"}}}}};
  pod.node_affinity = na;
  CHECK(matches_node_selector_and_affinity(pod, {{"zone", "a"}, {"cores", "16"}}, "n1"));
  CHECK_FALSE(matches_node_selector_and_affinity(pod, {{"zone", "a"}, {"cores", "8"}}, "n1"));
  CHECK_FALSE(matches_node_selector_and_affinity(pod, {{"zone", "c"}, {"cores", "16"}}, "n1"));
  CHECK(matches_node_selector_and_affinity(pod, {}, "special"));
  CHECK_FALSE(matches_node_selector_and_affinity(pod, {{"cores", "x"}, {"zone", "a"}}, "n1"));
}

TEST_CASE("A pod whose volume is pinned to a zone only fits nodes of that zone") {
  auto s = make_snapshot({make_node("a", {{"cpu", "4"}}, {{"topology.kubernetes.io/zone", "z1"}}),
                          make_node("b", {{"cpu", "4"}}, {{"topology.kubernetes.io/zone", "z2"}})});
  PodInfo pod = PodBuilder().req({{"cpu", "1"}}).info();
  pod.required_zone = "z2";
  Rng rng(3);
  auto r = schedule(pod, s, SchedulerConfig{}, rng);
  REQUIRE(r.ok());
  CHECK(r.node_name == "b");
  pod.required_zone = "z3";
  auto r2 = schedule(pod, s, SchedulerConfig{}, rng);
  CHECK(r2.message.starts_with(
      "0/2 nodes are available: 2 node(s) had volume node affinity conflict."));
}

TEST_CASE("Toleration matching follows ToleratesTaint: empty effect, Exists and empty key") {
  const Taint t{"k", "v", "NoExecute"};
  CHECK(tolerates_taint(std::vector<Toleration>{{"k", "Equal", "v", "", {}}}, t));
  CHECK_FALSE(tolerates_taint(std::vector<Toleration>{{"k", "Equal", "w", "", {}}}, t));
  CHECK_FALSE(tolerates_taint(std::vector<Toleration>{{"k", "Exists", "", "NoSchedule", {}}}, t));
  CHECK(tolerates_taint(std::vector<Toleration>{{"", "Exists", "", "", {}}}, t));
}

TEST_CASE("Scheduler config validation rejects what kube-scheduler rejects") {
  SchedulerConfig c;
  CHECK_NOTHROW(validate_scheduler_config(c));
  c.percentage_of_nodes_to_score = 101;
  CHECK_THROWS_AS(validate_scheduler_config(c), InputError);
  c = {};
  c.scoring_strategy = ScoringStrategy::kRequestedToCapacityRatio;
  c.shape = {{50, 1}, {40, 2}};
  CHECK_THROWS_AS(validate_scheduler_config(c), InputError);
  c.shape = {{0, 11}};
  CHECK_THROWS_AS(validate_scheduler_config(c), InputError);
  c = {};
  c.scoring_resources = {{"cpu", 101}};
  CHECK_THROWS_AS(validate_scheduler_config(c), InputError);
}

}  // namespace
}  // namespace simcluster
