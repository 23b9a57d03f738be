// Utilization and drainability: the cases of kubernetes/autoscaler cluster-autoscaler/
// simulator/utilization/info_test.go (TestCalculate), simulator/drainability/rules/*/
// rule_test.go and utils/drain/drain_test.go, restated.
#include <doctest/doctest.h>

#include "simcluster/autoscaler.h"

namespace simcluster {
namespace {

AutoscalerPod pod(std::string name, int64_t cpu_milli, int64_t memory) {
  AutoscalerPod p;
  p.name = std::move(name);
  p.requests.cpu_milli = cpu_milli;
  p.requests.memory = memory;
  p.controller_kind = "ReplicaSet";
  p.controller_name = "rs";
  return p;
}

Resources alloc(int64_t cpu_milli, int64_t memory) {
  Resources r;
  r.cpu_milli = cpu_milli;
  r.memory = memory;
  return r;
}

constexpr int64_t kGi = 1024LL * 1024 * 1024;
const SimTime kNow = SimTime::from_seconds(3600);

// ---------------------------------------------------------------- utilization

TEST_CASE("utilization: max of cpu and memory, memory on ties") {
  std::vector<AutoscalerPod> pods{pod("a", 1500, 4 * kGi)};
  auto u = node_utilization(alloc(4000, 16 * kGi), pods, {}, kNow);
  REQUIRE(u);
  CHECK(u->cpu == doctest::Approx(0.375));
  CHECK(u->memory == doctest::Approx(0.25));
  CHECK(u->utilization == doctest::Approx(0.375));
  CHECK(u->resource_name == "cpu");
  pods = {pod("a", 1000, 4 * kGi)};
  u = node_utilization(alloc(4000, 16 * kGi), pods, {}, kNow);
  CHECK(u->resource_name == "memory");  // 0.25 == 0.25
}

TEST_CASE("utilization: TestCalculate, DaemonSet and mirror pods with and without the skip flags") {
  // info_test.go: node 2000m / 2000000 B; two pods of 100m / 200000 B -> cpu 0.1, memory 0.2.
  std::vector<AutoscalerPod> pods{pod("p1", 100, 200000), pod("p2", 100, 200000)};
  const Resources node = alloc(2000, 2000000);
  CHECK(node_utilization(node, pods, {}, kNow)->cpu == doctest::Approx(0.1));
  CHECK(node_utilization(node, pods, {}, kNow)->utilization == doctest::Approx(0.2));

  AutoscalerPod ds = pod("ds", 100, 200000);
  ds.controller_kind = "DaemonSet";
  pods.push_back(ds);
  // Counted like any pod without the flag: 300m / 2000m.
  CHECK(node_utilization(node, pods, {}, kNow)->cpu == doctest::Approx(0.15));
  // With it, its requests leave allocatable: 200m / 1900m.
  UtilizationOptions skip_ds;
  skip_ds.skip_daemonset_pods = true;
  CHECK(node_utilization(node, pods, skip_ds, kNow)->cpu == doctest::Approx(200.0 / 1900.0));

  AutoscalerPod mirror = pod("static", 100, 200000);
  mirror.controller_kind = "Node";
  mirror.annotations["kubernetes.io/config.mirror"] = "abc";
  pods.push_back(mirror);
  UtilizationOptions skip_both = skip_ds;
  skip_both.skip_mirror_pods = true;
  CHECK(node_utilization(node, pods, skip_ds, kNow)->cpu == doctest::Approx(300.0 / 1900.0));
  CHECK(node_utilization(node, pods, skip_both, kNow)->cpu == doctest::Approx(200.0 / 1800.0));

  // The daemonset-pod annotation marks a DaemonSet pod too.
  AutoscalerPod annotated = pod("x", 100, 0);
  annotated.annotations["cluster-autoscaler.kubernetes.io/daemonset-pod"] = "true";
  CHECK(is_daemonset_pod(annotated));
}

TEST_CASE("utilization: a long-terminating pod does not count, a recently deleted one does") {
  AutoscalerPod gone = pod("gone", 1000, 0);
  gone.deletion_time = kNow - SimDuration(61'000);  // 30 s grace + 30 s extra, 1 s over
  AutoscalerPod going = pod("going", 1000, 0);
  going.deletion_time = kNow - SimDuration(60'000);  // exactly at the limit: still counts
  std::vector<AutoscalerPod> pods{gone, going};
  CHECK(is_pod_long_terminating(gone, kNow));
  CHECK_FALSE(is_pod_long_terminating(going, kNow));
  CHECK(node_utilization(alloc(4000, kGi), pods, {}, kNow)->cpu == doctest::Approx(0.25));
}

TEST_CASE("utilization: a GPU node is measured by its GPU only; no allocatable is an error") {
  AutoscalerPod g = pod("g", 3900, kGi);
  g.requests.extended["nvidia.com/gpu"] = 1;
  std::vector<AutoscalerPod> pods{g};
  Resources node = alloc(4000, 2 * kGi);
  node.extended["nvidia.com/gpu"] = 4;
  UtilizationOptions gpu;
  gpu.gpu_resource = "nvidia.com/gpu";
  auto u = node_utilization(node, pods, gpu, kNow);
  CHECK(u->utilization == doctest::Approx(0.25));
  CHECK(u->resource_name == "nvidia.com/gpu");
  node.extended.clear();  // GPU not ready yet: 0, so the node stays removable
  CHECK(node_utilization(node, pods, gpu, kNow)->utilization == 0.0);
  CHECK_FALSE(node_utilization(alloc(0, kGi), pods, {}, kNow).has_value());
  CHECK_FALSE(node_utilization(alloc(1000, 0), pods, {}, kNow).has_value());
}

// ---------------------------------------------------------------- drainability

DrainStatus drain(const AutoscalerPod& p, std::vector<RemainingPdb> pdbs = {},
                  DrainOptions o = {}) {
  return pod_drainability(p, pdbs, o, kNow);
}

TEST_CASE("drain: replicated pods move; bare pods block (NotReplicated)") {
  CHECK(drain(pod("web", 1, 1)).outcome == DrainOutcome::kUndefined);
  AutoscalerPod bare = pod("bare", 1, 1);
  bare.controller_kind.clear();
  DrainStatus st = drain(bare);
  CHECK(st.outcome == DrainOutcome::kBlockDrain);
  CHECK(st.reason == BlockingPodReason::kNotReplicated);
  CHECK(st.message == "default/bare is not replicated");
  CHECK(blocking_pod_reason_name(st.reason) == "NotReplicated");
  // safe-to-evict: "true" lets even a bare pod go.
  bare.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] = "true";
  CHECK(drain(bare).outcome == DrainOutcome::kDrainOk);
}

TEST_CASE("drain: custom controllers block only with skip-nodes-with-custom-controller-pods") {
  AutoscalerPod custom = pod("c", 1, 1);
  custom.controller_kind = "CustomResource";
  CHECK(drain(custom).reason == BlockingPodReason::kNotReplicated);
  DrainOptions o;
  o.skip_nodes_with_custom_controller_pods = false;
  CHECK(drain(custom, {}, o).outcome == DrainOutcome::kUndefined);
  for (const char* kind : {"ReplicationController", "Job", "ReplicaSet", "StatefulSet"}) {
    custom.controller_kind = kind;
    CHECK(drain(custom).outcome == DrainOutcome::kUndefined);
  }
}

TEST_CASE("drain: min-replica-count blocks a ReplicaSet with too few replicas") {
  AutoscalerPod p = pod("web", 1, 1);
  p.controller_replicas = 1;
  DrainOptions o;
  o.min_replica_count = 2;
  DrainStatus st = drain(p, {}, o);
  CHECK(st.reason == BlockingPodReason::kMinReplicasReached);
  CHECK(st.message == "replication controller for default/web has too few replicas spec: 1 min: 2");
  p.controller_replicas = 2;
  CHECK(drain(p, {}, o).outcome == DrainOutcome::kUndefined);
}

TEST_CASE("drain: mirror and long-terminating pods are skipped, DaemonSet and terminal pods ok") {
  AutoscalerPod mirror = pod("m", 1, 1);
  mirror.controller_kind.clear();
  mirror.annotations["kubernetes.io/config.mirror"] = "x";
  CHECK(drain(mirror).outcome == DrainOutcome::kSkipDrain);
  AutoscalerPod old = pod("old", 1, 1);
  old.controller_kind.clear();
  old.deletion_time = kNow - SimDuration(100'000);
  CHECK(drain(old).outcome == DrainOutcome::kSkipDrain);
  AutoscalerPod ds = pod("ds", 1, 1);
  ds.controller_kind = "DaemonSet";
  ds.ns = "kube-system";
  CHECK(drain(ds).outcome == DrainOutcome::kDrainOk);

  // terminal/rule_test.go: the phase and restart policy decide.
  AutoscalerPod t = pod("t", 1, 1);
  t.controller_kind.clear();
  t.restart_policy = "Never";
  t.phase = "Succeeded";
  CHECK(drain(t).outcome == DrainOutcome::kDrainOk);
  t.restart_policy = "OnFailure";
  CHECK(drain(t).outcome == DrainOutcome::kDrainOk);
  t.phase = "Failed";  // always terminal
  t.restart_policy = "Always";
  CHECK(drain(t).outcome == DrainOutcome::kDrainOk);
  t.restart_policy = "OnFailure";
  t.phase = "Running";
  CHECK(drain(t).reason == BlockingPodReason::kNotReplicated);
  t.phase = "Succeeded";
  t.restart_policy = "Always";  // Succeeded but would restart: not terminal
  CHECK_FALSE(is_pod_terminal(t));
}

TEST_CASE("drain: kube-system pods need a PDB with skip-nodes-with-system-pods") {
  AutoscalerPod dns = pod("coredns", 1, 1);
  dns.ns = "kube-system";
  dns.labels["k8s-app"] = "kube-dns";
  DrainStatus st = drain(dns);
  CHECK(st.reason == BlockingPodReason::kUnmovableKubeSystemPod);
  CHECK(st.message ==
        "non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: coredns");
  DrainOptions o;
  o.skip_nodes_with_system_pods = false;
  CHECK(drain(dns, {}, o).outcome == DrainOutcome::kUndefined);
  RemainingPdb pdb{"dns", "kube-system", {}, 1};
  pdb.selector.match_labels["k8s-app"] = "kube-dns";
  CHECK(drain(dns, {pdb}).outcome == DrainOutcome::kUndefined);
  pdb.ns = "default";  // a PDB of another namespace does not cover it
  CHECK(drain(dns, {pdb}).reason == BlockingPodReason::kUnmovableKubeSystemPod);
}

TEST_CASE("drain: safe-to-evict false blocks (NotSafeToEvictAnnotation)") {
  AutoscalerPod p = pod("p", 1, 1);
  p.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] = "false";
  DrainStatus st = drain(p);
  CHECK(st.reason == BlockingPodReason::kNotSafeToEvictAnnotation);
  CHECK(st.message == "pod annotated as not safe to evict present: p");
}

TEST_CASE("drain: local storage blocks unless listed in safe-to-evict-local-volumes") {
  AutoscalerPod p = pod("p", 1, 1);
  p.volumes = {{"scratch", PodVolume::Kind::kEmptyDir}, {"cfg", PodVolume::Kind::kOther}};
  DrainStatus st = drain(p);
  CHECK(st.reason == BlockingPodReason::kLocalStorageRequested);
  CHECK(st.message == "pod with local storage present: p");
  DrainOptions o;
  o.skip_nodes_with_local_storage = false;
  CHECK(drain(p, {}, o).outcome == DrainOutcome::kUndefined);
  p.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes"] = "other,scratch";
  CHECK(drain(p).outcome == DrainOutcome::kUndefined);
  p.volumes.push_back({"host", PodVolume::Kind::kHostPath});
  CHECK(drain(p).reason == BlockingPodReason::kLocalStorageRequested);
  p.volumes = {{"shm", PodVolume::Kind::kEmptyDirMemory}};  // medium: Memory is not local
  CHECK(drain(p).outcome == DrainOutcome::kUndefined);
}

TEST_CASE("drain: a matching PDB with no disruption left blocks (NotEnoughPdb)") {
  AutoscalerPod p = pod("web-1", 1, 1);
  p.labels["app"] = "web";
  RemainingPdb pdb{"web", "default", {}, 0};
  pdb.selector.match_labels["app"] = "web";
  DrainStatus st = drain(p, {pdb});
  CHECK(st.reason == BlockingPodReason::kNotEnoughPdb);
  CHECK(st.message == "not enough pod disruption budget to move default/web-1");
  pdb.disruptions_allowed = 1;
  CHECK(drain(p, {pdb}).outcome == DrainOutcome::kUndefined);
  pdb.disruptions_allowed = 0;
  pdb.selector.match_labels["app"] = "api";
  CHECK(drain(p, {pdb}).outcome == DrainOutcome::kUndefined);
  // safe-to-evict "true" comes before the PDB rule.
  pdb.selector.match_labels["app"] = "web";
  p.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] = "true";
  CHECK(drain(p, {pdb}).outcome == DrainOutcome::kDrainOk);
}

TEST_CASE("drain: rule order, not replicated is reported before local storage") {
  AutoscalerPod p = pod("p", 1, 1);
  p.controller_kind.clear();
  p.volumes = {{"scratch", PodVolume::Kind::kEmptyDir}};
  CHECK(drain(p).reason == BlockingPodReason::kNotReplicated);
}

TEST_CASE("drain: pods to move on a node, DaemonSet pods apart, the first blocker wins") {
  AutoscalerPod ds = pod("ds", 1, 1);
  ds.controller_kind = "DaemonSet";
  AutoscalerPod mirror = pod("m", 1, 1);
  mirror.annotations["kubernetes.io/config.mirror"] = "x";
  std::vector<AutoscalerPod> pods{pod("a", 1, 1), ds, mirror, pod("b", 1, 1)};
  PodsToMove m = pods_to_move(pods, {}, {}, kNow);
  CHECK(m.pods == std::vector<size_t>{0, 3});
  CHECK(m.daemonset_pods == std::vector<size_t>{1});
  CHECK_FALSE(m.blocking_pod.has_value());
  pods[3].controller_kind.clear();
  m = pods_to_move(pods, {}, {}, kNow);
  CHECK(m.blocking_pod == std::optional<size_t>(3));
  CHECK(m.blocking.reason == BlockingPodReason::kNotReplicated);
  CHECK(m.pods.empty());
}

TEST_CASE("drain: make_autoscaler_pod reads the controller, requests and emptyDir volumes") {
  Pod p;
  p.metadata.name = "web-0";
  p.metadata.ns = "shop";
  p.metadata.owner_references = {{"apps/v1", "ReplicaSet", "web-5d", false},
                                 {"apps/v1", "StatefulSet", "web", true}};
  Container c;
  c.resources.requests["cpu"] = *Quantity::parse("250m");
  p.spec.containers.push_back(c);
  Volume v;
  v.name = "tmp";
  v.empty_dir = true;
  p.spec.volumes.push_back(v);
  p.spec.termination_grace_period_seconds = 5;
  AutoscalerPod a = make_autoscaler_pod(p);
  CHECK(a.ns == "shop");
  CHECK(a.controller_kind == "StatefulSet");
  CHECK(a.controller_name == "web");
  CHECK(a.requests.cpu_milli == 250);
  CHECK(a.termination_grace_period_seconds == 5);
  REQUIRE(a.volumes.size() == 1);
  CHECK(a.volumes[0].kind == PodVolume::Kind::kEmptyDir);
  CHECK(drain(a).reason == BlockingPodReason::kLocalStorageRequested);
}

}  // namespace
}  // namespace simcluster
