// cluster.fromManifests: a live cluster's `kubectl get ... -A -o yaml` dump
// (tests/io/fixtures/dump/cluster-dump.yaml) loads without noise, validate
// counts its workloads once, its Nodes make the pools, and a run starts from
// its pods where they run.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "simcluster/load_model.h"
#include "simcluster/manifests.h"
#include "simcluster/nodes.h"
#include "simcluster/render.h"
#include "simcluster/scenario.h"
#include "simcluster/simulator.h"
#include "testing/in_source_dir.h"
#include "testing/report_queries.h"

using namespace simcluster;
using simcluster::testing::events_of;
using simcluster::testing::warnings_of;

namespace {

constexpr const char* kDump = "tests/io/fixtures/dump/cluster-dump.yaml";

const Pod* find_pod(const Manifests& m, const std::string& name) {
  for (const Pod& p : m.pods) {
    if (p.metadata.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a cluster dump (kind: List of live objects) loads, and validate counts each pod once") {
  simcluster::testing::InSourceDir in_source;
  const Manifests m = load_manifests({kDump});
  CHECK(m.nodes.size() == 5);
  CHECK(m.pods.size() == 17);
  CHECK(m.replica_sets.size() == 4);
  CHECK(m.skipped.empty());
  CHECK(m.warnings.empty());
  // status is read where it matters: pod phases, the HPA's replicas.
  REQUIRE(find_pod(m, "web-6d8f9c7b54-zq5vn") != nullptr);
  CHECK(find_pod(m, "web-6d8f9c7b54-zq5vn")->phase == "Pending");
  CHECK(find_pod(m, "web-6d8f9c7b54-zq5vn")->spec.node_name.empty());
  CHECK(find_pod(m, "report-28580400-x7k2p")->phase == "Succeeded");
  CHECK(find_pod(m, "redis-0")->spec.node_name == "ip-10-0-2-12.ec2.internal");
  REQUIRE(m.horizontal_pod_autoscalers.size() == 1);
  CHECK(m.horizontal_pod_autoscalers[0].current_replicas == 4);
  CHECK(m.horizontal_pod_autoscalers[0].desired_replicas == 5);

  const ValidationReport v = validate(m);
  CHECK_FALSE(v.has_errors());
  // web 5 x 1000m + api 2 x 1500m + worker 2 x 2000m + redis 250m: the
  // ReplicaSets and pods the controllers own are not counted again.
  CHECK(v.initial.pods == 10);
  CHECK(v.initial.cpu_requests_milli == 12250);
  // A template without a cpu limit is warned about once, at the workload,
  // not again at each of its ReplicaSets and pods.
  int web_warnings = 0, owned_warnings = 0;
  for (const Problem& p : v.problems) {
    if (p.code != "resources-missing") continue;
    if (p.object == "Deployment shop/web") ++web_warnings;
    if (p.object.starts_with("Pod ") || p.object.starts_with("ReplicaSet ")) ++owned_warnings;
  }
  CHECK(web_warnings == 1);
  CHECK(owned_warnings == 0);
}

TEST_CASE("node_pools_from_nodes: pools by instance type and taints, priced from the presets") {
  simcluster::testing::InSourceDir in_source;
  Manifests m = load_manifests({kDump});
  const std::vector<NodePool> pools = node_pools_from_nodes(m.nodes);
  REQUIRE(pools.size() == 2);
  CHECK(pools[0].name == "m5.xlarge");
  CHECK(pools[0].count == 3);  // the cordoned node stays in its pool
  CHECK(pools[0].zones == std::vector<std::string>{"us-east-1a", "us-east-1b", "us-east-1c"});
  CHECK(pools[0].taints.empty());
  CHECK(pools[0].shape.price_micro_usd_per_hour == 192000);
  CHECK(allocatable(pools[0].shape).cpu_milli == 3920);  // the Nodes' allocatable
  // One m5.2xlarge node has only the beta instance-type label.
  CHECK(pools[1].name == "m5.2xlarge");
  CHECK(pools[1].count == 2);
  REQUIRE(pools[1].taints.size() == 1);
  CHECK(pools[1].taints[0].key == "dedicated");
  CHECK(pools[1].labels.at("workload") == "batch");  // new nodes keep the nodeSelector's label
  CHECK(pools[1].shape.price_micro_usd_per_hour == 384000);
  for (const Node& n : m.nodes) CHECK(n.metadata.labels.count(std::string(kLabelNodePool)) == 1);
}

TEST_CASE("a run with cluster.fromManifests starts from the dump's pods on the dump's nodes") {
  simcluster::testing::InSourceDir in_source;
  const Report r = run_scenario(load_scenario("tests/scenario/fixtures/from-dump.yaml")).report;
  CHECK(r.start == "dump");
  REQUIRE(r.node_pools.size() == 2);
  CHECK(r.node_pools[0].pool == "m5.xlarge");
  CHECK(r.node_pools[0].max_ready == 3);
  CHECK(r.node_pools[1].max_ready == 2);
  CHECK(r.total_cost > 0);
  // The controllers' pods take the places of the dump's 14 running pods (the
  // mirror pod and the finished Job's are not simulated); the dump's Pending
  // web pod is Pending again: the cluster has no room for it.
  int placed = 0;
  for (const ReportEvent* e : events_of(r, "Scheduled")) {
    if (e->message.find("where the cluster dump runs") != std::string::npos) ++placed;
  }
  CHECK(placed == 14);
  CHECK(warnings_of(r, "ClusterDumpPlacement").empty());
  CHECK(r.pending.max_pending >= 1);
  bool web = false;
  for (const WorkloadSummary& w : r.workloads) {
    CHECK(w.kind != "Pod");         // no pod of the dump is a workload of its own
    CHECK(w.kind != "ReplicaSet");  // nor a Deployment's ReplicaSet
    if (w.kind == "Deployment" && w.name == "web") {
      web = true;
      CHECK(w.start_replicas == 5);  // the HPA's status.desiredReplicas
    }
  }
  CHECK(web);
  // Ready from the start: no Service is without a Ready pod at t = 0.
  CHECK(warnings_of(r, "ServiceSaturated").empty());
}

TEST_CASE("a dump placement the run cannot honour is a warning, and the pod is scheduled") {
  simcluster::testing::InSourceDir in_source;
  // api asks for more than the dump's node has left once web's pods are there.
  Scenario sc = load_scenario("tests/scenario/fixtures/from-dump.yaml");
  Manifests m = load_manifests(sc.manifests);
  for (Deployment& d : m.deployments) {
    if (d.metadata.name == "api") {
      d.template_.spec.containers[0].resources.requests["cpu"] = Quantity::from_milli(3000);
    }
  }
  LoadModel model(m, sc.load);
  Simulator sim(to_simulation_config(sc, std::move(m), &model));
  sim.run();
  const auto w = warnings_of(sim.report(), "ClusterDumpPlacement");
  REQUIRE_FALSE(w.empty());
  CHECK(w[0]->message.find("does not fit in what the node has left") != std::string::npos);
}
