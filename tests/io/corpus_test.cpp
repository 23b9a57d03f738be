// Every manifest set of shared/corpus loads, with the object counts per kind
// counted independently of the loader: `grep -rhE '^kind:'` over each set
// (plus the one flow-style document, k8s-website's php-apache HPA, whose
// "kind" is not at the start of a line), less the redefinitions of an object
// already defined (same kind, namespace and name), which kubectl apply and the
// loader collapse into one: eks-retail-store's fargate sizing patch of
// Deployment checkout, istio-rendered's HPA istiod in three files,
// knative-serving-core's activator HPA and PDB in two.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "io_testing.h"

using namespace simcluster;

// Every case here reads ../shared/corpus: a fresh clone without it reports them
// skipped (tests/CMakeLists.txt, the *_shared ctest entries).
TEST_SUITE_BEGIN("needs-shared");

namespace {

using Counts = std::map<std::string, int>;

struct Expected {
  const char* set;
  Counts modelled;
  Counts skipped;
};

// Modelled kinds as Manifests holds them, and skipped documents by kind.
const Expected kCorpus[] = {
    {"bookinfo", {{"Deployment", 6}, {"Service", 4}}, {{"ServiceAccount", 4}}},
    {"eks-retail-store",
     {{"ConfigMap", 6},
      {"CronJob", 1},
      {"DaemonSet", 1},
      {"Deployment", 9},
      {"HorizontalPodAutoscaler", 1},
      {"Job", 1},
      {"Namespace", 6},
      {"PriorityClass", 2},
      {"Secret", 2},
      {"Service", 9},
      {"StatefulSet", 2}},
     {{"Kustomization", 8}, {"ServiceAccount", 5}}},
    {"flannel-daemonset",
     {{"ConfigMap", 1}, {"DaemonSet", 1}, {"Namespace", 1}},
     {{"ClusterRole", 1}, {"ClusterRoleBinding", 1}, {"ServiceAccount", 1}}},
    {"hotel-reservation",
     {{"Deployment", 19}, {"PersistentVolume", 6}, {"PersistentVolumeClaim", 6}, {"Service", 19}},
     {}},
    {"ingress-nginx-rendered",
     {{"ConfigMap", 1}, {"Deployment", 1}, {"Job", 2}, {"Namespace", 1}, {"Service", 2}},
     {{"ClusterRole", 2},
      {"ClusterRoleBinding", 2},
      {"IngressClass", 1},
      {"Role", 2},
      {"RoleBinding", 2},
      {"ServiceAccount", 2},
      {"ValidatingWebhookConfiguration", 1}}},
    {"istio-rendered",
     {{"ConfigMap", 3},
      {"Deployment", 1},
      {"HorizontalPodAutoscaler", 2},
      {"PodDisruptionBudget", 1},
      {"Service", 1}},
     {{"ClusterRole", 3},
      {"ClusterRoleBinding", 3},
      {"MutatingWebhookConfiguration", 1},
      {"Role", 1},
      {"RoleBinding", 1},
      {"ServiceAccount", 1},
      {"ValidatingWebhookConfiguration", 1}}},
    {"k8s-examples",
     {{"Deployment", 5},
      {"HorizontalPodAutoscaler", 2},
      {"Ingress", 1},
      {"PersistentVolume", 1},
      {"PersistentVolumeClaim", 1},
      {"Service", 6},
      {"StatefulSet", 1},
      {"StorageClass", 1}},
     {}},
    {"k8s-website",
     {{"Deployment", 2},
      {"HorizontalPodAutoscaler", 1},
      {"Job", 1},
      {"PodDisruptionBudget", 1},
      {"Service", 4},
      {"StatefulSet", 2}},
     {}},
    {"knative-serving-core",
     {{"Deployment", 6},
      {"HorizontalPodAutoscaler", 2},
      {"PodDisruptionBudget", 2},
      {"Service", 5}},
     {}},
    {"online-boutique", {{"Deployment", 12}, {"Service", 12}}, {{"ServiceAccount", 11}}},
    {"podinfo-bases",
     {{"CronJob", 4},
      {"Deployment", 4},
      {"HorizontalPodAutoscaler", 3},
      {"PersistentVolumeClaim", 1},
      {"Service", 5},
      {"StatefulSet", 1}},
     {{"Kustomization", 4}, {"ServiceAccount", 2}}},
    {"sock-shop",
     {{"Deployment", 14}, {"HorizontalPodAutoscaler", 8}, {"Namespace", 1}, {"Service", 14}},
     {}},
};

Counts modelled_counts(const Manifests& m) {
  Counts c;
  auto add = [&](const char* kind, size_t n) {
    if (n > 0) c[kind] = static_cast<int>(n);
  };
  add("Namespace", m.namespaces.size());
  add("ConfigMap", m.config_maps.size());
  add("Secret", m.secrets.size());
  add("Deployment", m.deployments.size());
  add("ReplicaSet", m.replica_sets.size());
  add("StatefulSet", m.stateful_sets.size());
  add("DaemonSet", m.daemon_sets.size());
  add("Job", m.jobs.size());
  add("CronJob", m.cron_jobs.size());
  add("Pod", m.pods.size());
  add("Service", m.services.size());
  add("Ingress", m.ingresses.size());
  add("PersistentVolumeClaim", m.persistent_volume_claims.size());
  add("PersistentVolume", m.persistent_volumes.size());
  add("StorageClass", m.storage_classes.size());
  add("PodDisruptionBudget", m.pod_disruption_budgets.size());
  add("PriorityClass", m.priority_classes.size());
  add("LimitRange", m.limit_ranges.size());
  add("ResourceQuota", m.resource_quotas.size());
  add("HorizontalPodAutoscaler", m.horizontal_pod_autoscalers.size());
  add("Node", m.nodes.size());
  return c;
}

std::string corpus(const char* set) { return simcluster::testing::shared_dir() + "/corpus/" + set; }

}  // namespace

TEST_CASE("every corpus set loads with the object counts grep finds") {
  for (const Expected& e : kCorpus) {
    CAPTURE(e.set);
    Manifests m = load_manifests({corpus(e.set)});
    CHECK(modelled_counts(m) == e.modelled);
    Counts skipped;
    for (const SkippedObject& s : m.skipped) {
      ++skipped[s.kind];
      CHECK(s.source.line > 0);
    }
    CHECK(skipped == e.skipped);
    // validate's inventory agrees with the loader.
    CHECK(validate(m).object_counts == e.modelled);
  }
}

TEST_CASE("validating sock-shop reports the HPA that targets the missing Deployment cart") {
  ValidationReport r = validate(load_manifests({corpus("sock-shop")}));
  const Problem* found = nullptr;
  for (const Problem& p : r.problems) {
    if (p.code == "hpa-target-missing") {
      CHECK(found == nullptr);  // the only dangling target
      found = &p;
    }
  }
  REQUIRE(found != nullptr);
  CHECK(found->severity == Severity::kError);
  CHECK(found->object == "HorizontalPodAutoscaler sock-shop/cart");
  CHECK(found->message.find("Deployment \"cart\" not found in namespace sock-shop") !=
        std::string::npos);
  CHECK(found->hint == "did you mean Deployment \"carts\"?");
  CHECK(found->where.file.ends_with("sock-shop/autoscaling/cart-hsc.yaml"));
  CHECK(found->where.line == 9);
  CHECK(r.has_errors());
  // The seven other HPAs find their (apps/v1) targets despite apps/v1beta1 refs.
  int scaled = 0;
  for (const ValidatedWorkload& w : r.workloads) scaled += w.hpa.has_value() ? 1 : 0;
  CHECK(scaled == 7);
}

TEST_CASE("corpus quirks load as Kubernetes reads them") {
  // Flow-style HPA with trailing commas (k8s-website).
  Manifests web = load_manifests({corpus("k8s-website/application/hpa/php-apache.yaml")});
  REQUIRE(web.horizontal_pod_autoscalers.size() == 1);
  CHECK(web.horizontal_pod_autoscalers[0].metrics.at(0).target.average_utilization == 50);
  // Native sidecars (restartPolicy: Always on an init container).
  Manifests sidecar = load_manifests({corpus("k8s-website/application/deployment-sidecar.yaml")});
  CHECK(sidecar.deployments.at(0).template_.spec.init_containers.at(0).restart_policy == "Always");
  // Odd quantities: memory 2.5G and 1.5Gi (eks-retail-store), cpu "0.5" (zookeeper).
  Manifests zk = load_manifests({corpus("k8s-website/application/zookeeper/zookeeper.yaml")});
  CHECK(zk.stateful_sets.at(0).template_.spec.containers.at(0).resources.requests.at("cpu") ==
        Quantity::from_milli(500));
  Manifests fargate = load_manifests(
      {corpus("eks-retail-store/modules/fundamentals/fargate/sizing/deployment.yaml")});
  CHECK(fargate.deployments.at(0)
            .template_.spec.containers.at(0)
            .resources.limits.at("memory")
            .value() == 2'500'000'000);
  // knative's older autoscaling/v2beta1 HPA normalises to the v2 model.
  Manifests kn =
      load_manifests({corpus("knative-serving-core/v2beta1-2020-09/activator-hpa.yaml")});
  const HorizontalPodAutoscaler& h = kn.horizontal_pod_autoscalers.at(0);
  CHECK(h.source_api_version == "autoscaling/v2beta1");
  CHECK(h.metrics.at(0).target.type == "Utilization");
  CHECK(h.metrics.at(0).target.average_utilization == 100);
  CHECK(h.max_replicas == 20);
  // PriorityClass value -1 reaches the overprovisioning pause pods.
  Manifests eks = load_manifests({corpus("eks-retail-store")});
  bool pause_found = false;
  for (const Deployment& d : eks.deployments) {
    if (d.metadata.name == "pause-pods") {
      pause_found = true;
      CHECK(d.template_.spec.priority == -1);
    }
  }
  CHECK(pause_found);
}

TEST_SUITE_END();
