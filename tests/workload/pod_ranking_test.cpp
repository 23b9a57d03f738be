// ReplicaSet scale-down order (spec §4), after kubernetes/kubernetes
// pkg/controller/controller_utils_test.go TestSortingActivePodsWithRanks.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "simcluster/workload.h"

namespace simcluster {
namespace {

const SimTime kNow = SimTime::from_seconds(24 * 3600);

PodRankInfo running_ready(std::string name, std::string node, int64_t ready_s_ago,
                          int64_t created_s_ago) {
  PodRankInfo p;
  p.name = std::move(name);
  p.uid = p.name;
  p.node_name = std::move(node);
  p.phase = PodPhase::kRunning;
  p.ready = true;
  p.ready_since = kNow - std::chrono::seconds(ready_s_ago);
  p.created = kNow - std::chrono::seconds(created_s_ago);
  return p;
}

std::vector<std::string> names(const std::vector<PodRankInfo>& pods,
                               const std::vector<size_t>& idx) {
  std::vector<std::string> out;
  for (size_t i : idx) out.push_back(pods[i].name);
  return out;
}

TEST_CASE("scale-down deletes unscheduled, then not-ready, then doubled-up pods first") {
  // Spec §4 worked example.
  PodRankInfo p1;
  p1.name = "p1";
  p1.phase = PodPhase::kPending;
  PodRankInfo p2 = running_ready("p2", "node-a", 0, 600);
  p2.ready = false;
  p2.ready_since.reset();
  PodRankInfo p3 = running_ready("p3", "node-a", 300, 600);
  PodRankInfo p4 = running_ready("p4", "node-b", 3600, 7200);
  std::vector<PodRankInfo> pods = {p4, p3, p2, p1};
  // Related active pods of the Deployment: these four plus two more on node-a.
  const std::vector<std::string> related = {"", "node-a", "node-a", "node-b", "node-a", "node-a"};
  rank_by_colocation(pods, related);
  CHECK(pods[0].colocated == 1);
  CHECK(pods[1].colocated == 4);
  CHECK(names(pods, pick_pods_to_delete(pods, 2, kNow)) == std::vector<std::string>{"p1", "p2"});
  CHECK(names(pods, pick_pods_to_delete(pods, 3, kNow)) ==
        std::vector<std::string>{"p1", "p2", "p3"});
}

TEST_CASE("more co-located related pods outrank a shorter Ready time") {
  PodRankInfo crowded = running_ready("crowded", "busy-node", 7200, 7200);
  PodRankInfo alone = running_ready("alone", "quiet-node", 30, 30);
  std::vector<PodRankInfo> pods = {alone, crowded};
  const std::vector<std::string> related = {"busy-node", "busy-node", "busy-node", "quiet-node"};
  rank_by_colocation(pods, related);
  CHECK(names(pods, pick_pods_to_delete(pods, 1, kNow)) == std::vector<std::string>{"crowded"});
  pods[1].colocated = pods[0].colocated;  // same rank: the recently Ready pod goes first
  CHECK(names(pods, pick_pods_to_delete(pods, 1, kNow)) == std::vector<std::string>{"alone"});
}

TEST_CASE("pod phase orders Pending before Unknown before Running") {
  PodRankInfo pending, unknown, running;
  pending.node_name = unknown.node_name = running.node_name = "n";
  pending.phase = PodPhase::kPending;
  unknown.phase = PodPhase::kUnknown;
  running.phase = PodPhase::kRunning;
  CHECK(pod_deleted_before(pending, unknown, kNow));
  CHECK(pod_deleted_before(unknown, running, kNow));
  CHECK_FALSE(pod_deleted_before(running, pending, kNow));
}

TEST_CASE("a lower pod-deletion-cost is deleted first, before co-location counts") {
  PodRankInfo cheap = running_ready("cheap", "n1", 100, 100);
  PodRankInfo dear = running_ready("dear", "n2", 100, 100);
  cheap.deletion_cost = -5;
  dear.colocated = 10;  // would otherwise go first
  CHECK(pod_deleted_before(cheap, dear, kNow));
  CHECK_FALSE(pod_deleted_before(dear, cheap, kNow));
}

TEST_CASE("ready times in the same log2 bucket fall back to the uid") {
  // 10 and 12 minutes ago share floor(log2(ns)) = 39; 1 minute ago is 35.
  // uid = name: "a-twelve" < "b-ten", so the uid, not the raw Ready time
  // (which would pick b-ten), decides inside the bucket.
  PodRankInfo ten = running_ready("b-ten", "n", 600, 9000);
  PodRankInfo twelve = running_ready("a-twelve", "n", 720, 9000);
  PodRankInfo one = running_ready("one", "n", 60, 9000);
  CHECK(pod_deleted_before(twelve, ten, kNow));
  CHECK_FALSE(pod_deleted_before(ten, twelve, kNow));
  CHECK(pod_deleted_before(one, ten, kNow));  // Ready for less time goes first
  CHECK_FALSE(pod_deleted_before(ten, one, kNow));
  // A zero Ready time counts as the shortest.
  PodRankInfo zero = ten;
  zero.ready_since.reset();
  CHECK(pod_deleted_before(zero, one, kNow));
}

TEST_CASE("restart counts and then creation time break the remaining ties") {
  PodRankInfo a = running_ready("a", "n", 600, 600);
  PodRankInfo b = running_ready("b", "n", 600, 600);
  a.max_restarts = 3;
  CHECK(pod_deleted_before(a, b, kNow));
  a.max_restarts = 0;
  b.max_sidecar_restarts = 1;
  CHECK(pod_deleted_before(b, a, kNow));
  b.max_sidecar_restarts = 0;
  // Not ready pods skip the Ready-time rule; newer creation goes first.
  a.ready = b.ready = false;
  a.created = kNow - std::chrono::seconds(60);
  b.created = kNow - std::chrono::seconds(3600);
  CHECK(pod_deleted_before(a, b, kNow));
  CHECK_FALSE(pod_deleted_before(b, a, kNow));
  // Identical pods are equal in both directions.
  CHECK_FALSE(pod_deleted_before(a, a, kNow));
}

TEST_CASE("pick_pods_to_delete keeps input order when it takes every pod, and caps at 500") {
  std::vector<PodRankInfo> pods;
  for (int i = 0; i < 3; ++i) {
    std::string name = "p";
    name += std::to_string(i);  // (not "p" + ...: GCC 12 -Wrestrict false positive)
    pods.push_back(running_ready(name, "n", i, i));
  }
  PodRankInfo unscheduled;
  unscheduled.name = "u";
  pods.push_back(unscheduled);
  CHECK(names(pods, pick_pods_to_delete(pods, 10, kNow)) ==
        std::vector<std::string>{"p0", "p1", "p2", "u"});
  CHECK(names(pods, pick_pods_to_delete(pods, 1, kNow)) == std::vector<std::string>{"u"});
  CHECK(pick_pods_to_delete(pods, 0, kNow).empty());
  CHECK(pick_pods_to_delete(pods, -3, kNow).empty());
  std::vector<PodRankInfo> many(700, unscheduled);
  CHECK(pick_pods_to_delete(many, 650, kNow).size() == 500);
}

TEST_CASE("is_pod_available needs Ready for strictly more than minReadySeconds") {
  const SimTime ready = SimTime::from_seconds(100);
  CHECK(is_pod_available(true, ready, 0, ready));
  CHECK_FALSE(is_pod_available(false, ready, 0, ready));
  CHECK_FALSE(is_pod_available(true, ready, 10, SimTime::from_seconds(110)));
  CHECK(is_pod_available(true, ready, 10, SimTime::from_ms(110'001)));
  CHECK(is_pod_available(true, SimTime::from_ms(100'900), 10, SimTime::from_ms(110'001)));
  CHECK_FALSE(is_pod_available(true, std::nullopt, 10, SimTime::from_seconds(500)));
  CHECK(api_time(SimTime::from_ms(100'999)) == SimTime::from_seconds(100));
  CHECK(api_time(SimTime::from_ms(-1)) == SimTime::from_seconds(-1));
}

}  // namespace
}  // namespace simcluster
