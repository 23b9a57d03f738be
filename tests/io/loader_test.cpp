// The loader, kind by kind: what each field becomes and which API defaults apply.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "io_testing.h"

using namespace simcluster;
using simcluster::testing::kGi;
using simcluster::testing::kMi;
using simcluster::testing::load;
using simcluster::testing::q;

TEST_CASE("a Deployment loads with its template, probes and API defaults") {
  Manifests m = load(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.25
          command: ["nginx"]
          args: ["-g", "daemon off;"]
          ports:
            - containerPort: 80
              name: http
          resources:
            requests: {cpu: 250m, memory: 64Mi}
            limits: {cpu: "1", memory: 128Mi}
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            initialDelaySeconds: 5
            terminationGracePeriodSeconds: 12
          readinessProbe:
            tcpSocket: {port: 80}
          env:
            - {name: MODE, value: prod}
            - name: DB
              valueFrom:
                configMapKeyRef: {name: cfg, key: db}
            - name: TOKEN
              valueFrom:
                secretKeyRef: {name: creds, key: token, optional: true}
          envFrom:
            - configMapRef: {name: common}
            - secretRef: {name: common-secret}
)");
  REQUIRE(m.deployments.size() == 1);
  const Deployment& d = m.deployments[0];
  CHECK(d.metadata.name == "web");
  CHECK(d.metadata.ns == "default");  // kubectl's default namespace
  CHECK(d.metadata.source.file == "test.yaml");
  CHECK(d.metadata.source.line == 1);
  CHECK(d.metadata.source.column == 1);
  CHECK_FALSE(d.replicas.has_value());  // absent stays absent (matters with an HPA)
  CHECK(d.selector.match_labels.at("app") == "web");
  CHECK(d.strategy.type == "RollingUpdate");
  CHECK(d.strategy.max_surge == IntOrPercent{true, 25});
  CHECK(d.strategy.max_unavailable == IntOrPercent{true, 25});
  CHECK(d.progress_deadline_seconds == 600);
  CHECK(d.revision_history_limit == 10);
  const PodSpec& spec = d.template_.spec;
  CHECK(spec.termination_grace_period_seconds == 30);
  CHECK(spec.restart_policy == "Always");
  CHECK(spec.scheduler_name == "default-scheduler");
  CHECK(spec.priority == 0);  // no PriorityClass, no global default
  REQUIRE(spec.containers.size() == 1);
  const Container& c = spec.containers[0];
  CHECK(c.image == "nginx:1.25");
  CHECK(c.source.line == 14);
  CHECK(c.args == std::vector<std::string>{"nginx", "-g", "daemon off;"});
  CHECK(c.resources.requests.at("cpu") == Quantity::from_milli(250));
  CHECK(c.resources.limits.at("cpu") == Quantity::from_value(1));
  CHECK(c.resources.limits.at("memory").value() == 128 * kMi);
  REQUIRE(c.ports.size() == 1);
  CHECK(c.ports[0].protocol == "TCP");
  REQUIRE(c.liveness_probe.has_value());
  CHECK(c.liveness_probe->handler == "httpGet");
  CHECK(c.liveness_probe->path == "/healthz");
  CHECK(c.liveness_probe->port == "http");
  CHECK(c.liveness_probe->initial_delay_seconds == 5);
  CHECK(c.liveness_probe->period_seconds == 10);  // probe defaults
  CHECK(c.liveness_probe->timeout_seconds == 1);
  CHECK(c.liveness_probe->failure_threshold == 3);
  CHECK(c.liveness_probe->termination_grace_period_seconds == 12);
  REQUIRE(c.readiness_probe.has_value());
  CHECK_FALSE(c.readiness_probe->termination_grace_period_seconds);
  CHECK(c.readiness_probe->handler == "tcpSocket");
  CHECK(c.readiness_probe->port == "80");
  REQUIRE(c.env.size() == 3);
  CHECK(c.env[0].value == "prod");
  CHECK(c.env[1].config_map_key_ref == "cfg/db");
  CHECK(c.env[2].secret_key_ref == "creds/token");
  CHECK(c.env[2].optional);
  CHECK(c.env_from_config_maps == std::vector<std::string>{"common"});
  CHECK(c.env_from_secrets == std::vector<std::string>{"common-secret"});
}

TEST_CASE("a container with only limits gets requests equal to its limits") {
  Manifests m = load(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x
      resources:
        limits: {cpu: 500m, memory: 1Gi}
        requests: {memory: 256Mi}
)");
  const Container& c = m.pods.at(0).spec.containers.at(0);
  CHECK(c.resources.requests.at("cpu") == Quantity::from_milli(500));  // from the limit
  CHECK(c.resources.requests.at("memory").value() == 256 * kMi);       // kept
}

TEST_CASE("multi-document files, Lists and flow style all load in document order") {
  Manifests m = load(R"(# a comment before the first document
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a, namespace: shop}
    spec: {selector: {app: a}, ports: [{port: 80}]}
  - apiVersion: v1
    kind: Service
    metadata: {name: b, namespace: shop}
    spec: {ports: [{port: 81, targetPort: web}]}
---
---
{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", }, data: { k: "v", }, }
)");
  REQUIRE(m.services.size() == 2);
  CHECK(m.services[0].metadata.name == "a");
  CHECK(m.services[0].metadata.source.line == 6);
  CHECK(m.services[0].ports[0].target_port == "80");  // defaults to port
  CHECK(m.services[0].type == "ClusterIP");
  CHECK(m.services[1].ports[0].target_port == "web");
  REQUIRE(m.config_maps.size() == 1);
  CHECK(m.config_maps[0].data.at("k") == "v");
  CHECK(m.config_maps[0].metadata.source.line == 16);
}

TEST_CASE("YAML merge keys and anchors are resolved as go-yaml resolves them") {
  Manifests m = load(R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: merged
  labels: &base {team: a, tier: web}
  annotations:
    <<: *base
    tier: api
data: {}
)");
  const ConfigMap& cm = m.config_maps.at(0);
  CHECK(cm.metadata.labels.at("tier") == "web");
  CHECK(cm.metadata.annotations.at("team") == "a");
  CHECK(cm.metadata.annotations.at("tier") == "api");  // written keys win over merged ones
}

TEST_CASE("a StatefulSet keeps its volumeClaimTemplates and update strategy defaults") {
  Manifests m = load(R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres, resources: {requests: {cpu: "0.5"}}}]
  volumeClaimTemplates:
    - metadata:
        name: data
        annotations: {volume.beta.kubernetes.io/storage-class: fast}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 10Gi}}
)");
  const StatefulSet& s = m.stateful_sets.at(0);
  CHECK(s.replicas == 3);
  CHECK(s.service_name == "db");
  CHECK(s.pod_management_policy == "OrderedReady");
  CHECK(s.update_strategy_type == "RollingUpdate");
  CHECK(s.partition == 0);
  CHECK(s.pvc_when_deleted == "Retain");
  REQUIRE(s.volume_claim_templates.size() == 1);
  const PersistentVolumeClaim& c = s.volume_claim_templates[0];
  CHECK(c.metadata.name == "data");
  CHECK(c.metadata.ns == "data");
  CHECK(c.storage_class_name == "fast");
  CHECK(c.storage_request->value() == 10 * kGi);
  CHECK(s.template_.spec.containers[0].resources.requests.at("cpu") == Quantity::from_milli(500));
}

TEST_CASE("DaemonSets, Jobs and CronJobs load with their API defaults") {
  Manifests m = load(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      priorityClassName: system-node-critical
      tolerations: [{operator: Exists, effect: NoSchedule}]
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{key: kubernetes.io/os, operator: In, values: [linux]}]
      containers: [{name: agent, image: a}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: j, image: j}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: queue}
spec:
  parallelism: 4
  template:
    spec:
      restartPolicy: OnFailure
      containers: [{name: j, image: j}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 0 * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: c}]
)");
  const DaemonSet& ds = m.daemon_sets.at(0);
  CHECK(ds.update_strategy_type == "RollingUpdate");
  CHECK(ds.max_unavailable == IntOrPercent{false, 1});
  CHECK(ds.max_surge == IntOrPercent{false, 0});
  CHECK(ds.template_.spec.priority == 2000001000);
  REQUIRE(ds.template_.spec.tolerations.size() == 1);
  CHECK(ds.template_.spec.tolerations[0].op == "Exists");
  REQUIRE(ds.template_.spec.affinity.node_affinity.has_value());
  CHECK(ds.template_.spec.affinity.node_affinity->required.at(0).match_expressions.at(0).values ==
        std::vector<std::string>{"linux"});
  REQUIRE(m.jobs.size() == 2);
  CHECK(m.jobs[0].spec.parallelism == 1);  // neither set: both 1
  CHECK(m.jobs[0].spec.completions == 1);
  CHECK(m.jobs[0].spec.backoff_limit == 6);
  CHECK(m.jobs[1].spec.parallelism == 4);
  CHECK_FALSE(m.jobs[1].spec.completions.has_value());  // a work queue
  const CronJob& cj = m.cron_jobs.at(0);
  CHECK(cj.schedule == "0 0 * * *");
  CHECK(cj.concurrency_policy == "Forbid");
  CHECK(cj.job_template.template_.spec.restart_policy == "OnFailure");
}

TEST_CASE("networking, storage, policy and cluster kinds load") {
  Manifests m = load(R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: v1}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: web, port: {name: http}}}
  rules:
    - host: example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old
  annotations: {kubernetes.io/ingress.class: nginx}
spec:
  backend: {serviceName: web, servicePort: http}
  rules:
    - http:
        paths:
          - {path: /api, backend: {serviceName: api, servicePort: 8080}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  resources: {requests: {storage: 5Gi}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv1}
spec:
  capacity: {storage: 20Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /data}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb}
spec:
  minAvailable: 80%
  maxUnavailable: null
  selector: {matchLabels: {app: web}}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota}
spec:
  hard: {requests.cpu: "10", pods: "50"}
---
apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {topology.kubernetes.io/zone: a}}
spec:
  taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
status:
  capacity: {cpu: "4", memory: 16Gi, pods: "110"}
  conditions: [{type: Ready, status: "True"}]
)");
  REQUIRE(m.ingresses.size() == 2);
  const Ingress& v1 = m.ingresses[0];
  CHECK(v1.ingress_class_name == "nginx");
  CHECK(v1.default_backend->port_name == "http");
  CHECK(v1.rules.at(0).host == "example.com");
  CHECK(v1.rules[0].paths.at(0).path_type == "Prefix");
  CHECK(v1.rules[0].paths[0].backend.service_name == "web");
  CHECK(v1.rules[0].paths[0].backend.port_number == 80);
  const Ingress& old = m.ingresses[1];
  CHECK(old.ingress_class_name == "nginx");  // from the annotation
  CHECK(old.default_backend->port_name == "http");
  CHECK(old.rules.at(0).paths.at(0).path_type == "ImplementationSpecific");
  CHECK(old.rules[0].paths[0].backend.service_name == "api");
  CHECK(old.rules[0].paths[0].backend.port_number == 8080);
  REQUIRE(m.warnings.size() == 1);  // extensions/v1beta1 is no longer served
  CHECK(m.warnings[0].source.line == 13);

  CHECK(m.persistent_volume_claims.at(0).storage_request->value() == 5 * kGi);
  CHECK(m.persistent_volume_claims.at(0).storage_class_name == "standard");
  CHECK(m.persistent_volumes.at(0).capacity_storage->value() == 20 * kGi);
  CHECK(m.persistent_volumes.at(0).reclaim_policy == "Retain");
  CHECK(m.persistent_volumes.at(0).metadata.ns.empty());  // cluster-scoped
  CHECK(m.storage_classes.at(0).is_default);
  CHECK(m.storage_classes.at(0).volume_binding_mode == "WaitForFirstConsumer");
  CHECK(m.storage_classes.at(0).reclaim_policy == "Delete");
  CHECK(m.pod_disruption_budgets.at(0).min_available == IntOrPercent{true, 80});
  CHECK_FALSE(m.pod_disruption_budgets.at(0).max_unavailable.has_value());
  CHECK(m.priority_classes.at(0).value == 1000);
  CHECK(m.priority_classes.at(0).preemption_policy == "PreemptLowerPriority");
  CHECK(m.resource_quotas.at(0).hard.at("pods") == Quantity::from_value(50));
  const Node& n = m.nodes.at(0);
  CHECK(n.metadata.ns.empty());
  CHECK(n.taints.at(0) == Taint{"dedicated", "gpu", "NoSchedule"});
  CHECK(n.allocatable.at("cpu") == Quantity::from_value(4));  // defaults to capacity
  CHECK(n.conditions.at(0).status == "True");
}

TEST_CASE("kinds that are not modelled are skipped with their location, never an error") {
  Manifests m = load(R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {anything: [1, 2, {deep: true}]}
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [a.yaml]
---
apiVersion: mycompany.io/v1
kind: Deployment
metadata: {name: custom}
spec: {whatever: 1}
)");
  REQUIRE(m.skipped.size() == 5);
  CHECK(m.skipped[0].kind == "ServiceAccount");
  CHECK(m.skipped[0].source.to_string() == "test.yaml:1:1");
  CHECK(m.skipped[1].kind == "ClusterRole");
  CHECK(m.skipped[1].name == "reader");
  CHECK(m.skipped[2].source.line == 10);
  CHECK(m.skipped[3].reason.find("kustomize") != std::string::npos);
  CHECK(m.skipped[4].reason.find("mycompany.io/v1") != std::string::npos);
  CHECK(m.deployments.empty());
}

TEST_CASE("a kind a built-in API group does not serve is kubectl's `no matches for kind`") {
  InputError e = simcluster::testing::load_error(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: ok}
---
apiVersion: apps/v1
kind: Deploymnet
metadata: {name: web}
spec: {}
)");
  CHECK(e.where().to_string() == "test.yaml:6:7");
  CHECK(std::string(e.what()).find("no matches for kind \"Deploymnet\" in version \"apps/v1\"") !=
        std::string::npos);
  CHECK(e.hint() == "did you mean \"Deployment\"?");
  InputError core = simcluster::testing::load_error("apiVersion: v1\nkind: Widget\n");
  CHECK(core.message().find("no matches for kind \"Widget\" in version \"v1\"") !=
        std::string::npos);
  CHECK(core.hint().find("custom resource") != std::string::npos);
  // The same kind in a custom group, and a known kind of another group, stay skipped.
  Manifests m = load(
      "apiVersion: example.com/v1\nkind: Deploymnet\nmetadata: {name: w}\n---\n"
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\n");
  REQUIRE(m.skipped.size() == 2);
  CHECK(m.skipped[0].reason == "kind not modelled by simcluster");
}

TEST_CASE("-n puts objects without a namespace there") {
  LoadOptions opts;
  opts.namespace_override = "staging";
  Manifests m = load(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: staging}
---
apiVersion: v1
kind: Namespace
metadata: {name: staging}
)",
                     opts);
  CHECK(m.config_maps.at(0).metadata.ns == "staging");
  CHECK(m.config_maps.at(1).metadata.ns == "staging");
  CHECK(m.namespaces.at(0).metadata.ns.empty());
}

TEST_CASE("directories load recursively, sorted, only yaml, yml and json files") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "simcluster_io_loader_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "b" / "nested");
  fs::create_directories(dir / "a");
  auto write = [](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
  write(dir / "b" / "nested" / "svc.yml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s2}\nspec: {ports: [{port: 1}]}\n");
  write(dir / "a" / "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s1}\nspec: {ports: [{port: 1}]}\n");
  write(dir / "c.json",
        R"({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s3"}, "spec": {}})");
  write(dir / "README.md", "not yaml: [");
  write(dir / "empty.yaml", "# nothing here\n");
  Manifests m = load_manifests({dir.string()});
  REQUIRE(m.services.size() == 3);
  CHECK(m.services[0].metadata.name == "s1");
  CHECK(m.services[1].metadata.name == "s2");
  CHECK(m.services[2].metadata.name == "s3");
  CHECK(m.files.size() == 4);  // README.md is not read
  CHECK(m.services[2].metadata.source.file == (dir / "c.json").string());
  REQUIRE(m.warnings.size() == 1);
  CHECK(m.warnings[0].message == "no objects in file");
  fs::remove_all(dir);
}

TEST_CASE("HPA autoscaling/v1 becomes one CPU utilization metric, 80% by default") {
  Manifests m = load(R"(apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
  targetCPUUtilizationPercentage: 50
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: b}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 4
)");
  REQUIRE(m.horizontal_pod_autoscalers.size() == 2);
  const HorizontalPodAutoscaler& a = m.horizontal_pod_autoscalers[0];
  CHECK(a.source_api_version == "autoscaling/v1");
  CHECK(a.min_replicas == 1);
  CHECK(a.max_replicas == 10);
  CHECK(a.scale_target_ref.name == "web");
  CHECK(a.scale_target_source.line == 5);
  REQUIRE(a.metrics.size() == 1);
  CHECK(a.metrics[0].type == "Resource");
  CHECK(a.metrics[0].resource_name == "cpu");
  CHECK(a.metrics[0].target.type == "Utilization");
  CHECK(a.metrics[0].target.average_utilization == 50);
  CHECK_FALSE(a.behavior.has_value());
  const HorizontalPodAutoscaler& b = m.horizontal_pod_autoscalers[1];
  CHECK(b.min_replicas == 2);
  CHECK(b.metrics.at(0).target.average_utilization == 80);
}

TEST_CASE("HPA autoscaling/v2beta1 metrics convert to the v2 target shapes") {
  Manifests m = load(R"(apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 20
  metrics:
    - type: Resource
      resource: {name: cpu, targetAverageUtilization: 100}
    - type: Resource
      resource: {name: memory, targetAverageValue: 512Mi}
    - type: Pods
      pods: {metricName: rps, targetAverageValue: "10"}
    - type: Object
      object:
        target: {kind: Service, name: web}
        metricName: hits
        targetValue: 2k
    - type: External
      external: {metricName: queue, targetAverageValue: "30"}
    - type: ContainerResource
      containerResource: {name: cpu, container: app, targetAverageUtilization: 60}
)");
  const auto& ms = m.horizontal_pod_autoscalers.at(0).metrics;
  REQUIRE(ms.size() == 6);
  CHECK(ms[0].target.type == "Utilization");
  CHECK(ms[0].target.average_utilization == 100);
  CHECK(ms[1].target.type == "AverageValue");
  CHECK(ms[1].target.average_value->value() == 512 * kMi);
  CHECK(ms[2].type == "Pods");
  CHECK(ms[2].metric_name == "rps");
  CHECK(ms[2].target.type == "AverageValue");
  CHECK(ms[2].target.average_value == Quantity::from_value(10));
  CHECK(ms[3].type == "Object");
  CHECK(ms[3].described_object.name == "web");
  CHECK(ms[3].target.type == "Value");
  CHECK(ms[3].target.value == Quantity::from_value(2000));
  CHECK(ms[4].type == "External");
  CHECK(ms[4].target.type == "AverageValue");
  CHECK(ms[5].container == "app");
  CHECK(ms[5].target.average_utilization == 60);
  CHECK(m.warnings.size() == 1);  // autoscaling/v2beta1 is no longer served
}

TEST_CASE("HPA autoscaling/v2beta2 and v2 keep behavior, defaulted rule by rule") {
  Manifests m = load(R"(apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: beta2}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 20
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 100}}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: v2}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: Pods
      pods:
        metric: {name: gpu_util}
        target: {type: AverageValue, averageValue: 20}
  behavior:
    scaleUp:
      policies:
        - {type: Pods, value: 4, periodSeconds: 15}
      selectPolicy: Min
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: legacy}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
)");
  REQUIRE(m.horizontal_pod_autoscalers.size() == 3);
  const auto& beta2 = m.horizontal_pod_autoscalers[0];
  CHECK(beta2.metrics.at(0).target.average_utilization == 100);
  REQUIRE(beta2.behavior.has_value());
  const HPAScalingRules& up = *beta2.behavior->scale_up;  // fully defaulted
  CHECK(up.stabilization_window_seconds == 0);
  CHECK(up.select_policy == "Max");
  REQUIRE(up.policies.size() == 2);
  CHECK(up.policies[0].type == "Pods");
  CHECK(up.policies[0].value == 4);
  CHECK(up.policies[0].period_seconds == 15);
  CHECK(up.policies[1].type == "Percent");
  CHECK(up.policies[1].value == 100);
  const HPAScalingRules& down = *beta2.behavior->scale_down;
  CHECK(down.stabilization_window_seconds == 60);
  CHECK(down.select_policy == "Max");
  REQUIRE(down.policies.size() == 1);
  CHECK(down.policies[0].type == "Percent");
  CHECK(down.policies[0].value == 100);
  CHECK(down.policies[0].period_seconds == 15);

  const auto& v2 = m.horizontal_pod_autoscalers[1];
  CHECK(v2.min_replicas == 1);
  CHECK(v2.metrics.at(0).metric_name == "gpu_util");
  CHECK(v2.metrics[0].target.average_value == Quantity::from_value(20));
  CHECK(v2.behavior->scale_up->select_policy == "Min");
  CHECK(v2.behavior->scale_up->policies.size() == 1);  // a given list replaces the default
  CHECK(v2.behavior->scale_up->stabilization_window_seconds == 0);
  CHECK_FALSE(v2.behavior->scale_down->stabilization_window_seconds.has_value());

  const auto& legacy = m.horizontal_pod_autoscalers[2];
  CHECK_FALSE(legacy.behavior.has_value());  // no behavior: the legacy path
  REQUIRE(legacy.metrics.size() == 1);       // empty metrics: CPU 80%
  CHECK(legacy.metrics[0].resource_name == "cpu");
  CHECK(legacy.metrics[0].target.average_utilization == 80);
}

TEST_CASE("LimitRange defaults fill missing requests and limits of pods in its namespace") {
  Manifests m = load(R"(apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team}
spec:
  limits:
    - type: Container
      default: {cpu: 500m}
      defaultRequest: {cpu: 100m}
      max: {memory: 1Gi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
        - {name: init, image: i}
      containers:
        - {name: bare, image: a}
        - name: limited
          image: b
          resources: {limits: {cpu: "2"}}
        - name: requested
          image: c
          resources: {requests: {cpu: 50m, memory: 64Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: elsewhere, namespace: other}
spec:
  containers: [{name: x, image: x}]
)");
  const LimitRangeItem& item = m.limit_ranges.at(0).limits.at(0);
  // SetDefaults_LimitRangeItem: max -> default, default -> defaultRequest.
  CHECK(item.default_limit.at("memory").value() == kGi);
  CHECK(item.default_request.at("memory").value() == kGi);
  CHECK(item.default_request.at("cpu") == Quantity::from_milli(100));

  const PodSpec& spec = m.deployments.at(0).template_.spec;
  const Container& bare = spec.containers.at(0);
  CHECK(bare.resources.requests.at("cpu") == Quantity::from_milli(100));
  CHECK(bare.resources.limits.at("cpu") == Quantity::from_milli(500));
  CHECK(bare.resources.requests.at("memory").value() == kGi);
  CHECK(bare.resources.limits.at("memory").value() == kGi);
  const Container& limited = spec.containers.at(1);
  CHECK(limited.resources.requests.at("cpu") == Quantity::from_value(2));  // from its own limit
  CHECK(limited.resources.limits.at("cpu") == Quantity::from_value(2));
  const Container& requested = spec.containers.at(2);
  CHECK(requested.resources.requests.at("cpu") == Quantity::from_milli(50));
  CHECK(requested.resources.requests.at("memory").value() == 64 * kMi);
  CHECK(requested.resources.limits.at("cpu") == Quantity::from_milli(500));
  CHECK(spec.init_containers.at(0).resources.requests.at("cpu") == Quantity::from_milli(100));
  // Other namespaces are untouched.
  CHECK(m.pods.at(0).spec.containers.at(0).resources.requests.empty());
}

TEST_CASE("PriorityClass values resolve into spec.priority, with the global default") {
  Manifests m = load(R"(apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low-default}
value: 10
globalDefault: true
---
apiVersion: v1
kind: Pod
metadata: {name: important}
spec: {priorityClassName: high, containers: [{name: a, image: a}]}
---
apiVersion: v1
kind: Pod
metadata: {name: plain}
spec: {containers: [{name: a, image: a}]}
---
apiVersion: v1
kind: Pod
metadata: {name: typo}
spec: {priorityClassName: hihg, containers: [{name: a, image: a}]}
)");
  CHECK(m.pods.at(0).spec.priority == 1000);
  CHECK(m.pods.at(1).spec.priority == 10);
  CHECK(m.pods.at(1).spec.priority_class_name == "low-default");
  CHECK_FALSE(m.pods.at(2).spec.priority.has_value());
  ValidationReport r = validate(m);
  bool reported = false;
  for (const Problem& p : r.problems) {
    if (p.code == "priority-class-missing") reported = p.severity == Severity::kError;
  }
  CHECK(reported);
}

TEST_CASE("a pod's effective request counts sidecars, init containers and overhead") {
  // Sidecar (restartPolicy Always) started before the 1-CPU init container:
  // max(app 300m + sidecar 50m, init 1000m + sidecar 50m) + overhead 10m = 1060m.
  Manifests m = load(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  overhead: {cpu: 10m, memory: 1Mi}
  initContainers:
    - name: proxy
      image: envoy
      restartPolicy: Always
      resources: {requests: {cpu: 50m, memory: 64Mi}}
    - name: migrate
      image: m
      resources: {requests: {cpu: "1", memory: 32Mi}}
  containers:
    - {name: a, image: a, resources: {requests: {cpu: 100m, memory: 128Mi}}}
    - {name: b, image: b, resources: {requests: {cpu: 200m, memory: 128Mi}}}
)");
  const PodSpec& spec = m.pods.at(0).spec;
  REQUIRE(spec.init_containers.size() == 2);
  CHECK(spec.init_containers[0].restart_policy == "Always");
  CHECK_FALSE(spec.init_containers[1].restart_policy.has_value());
  CHECK(spec.overhead.at("cpu") == Quantity::from_milli(10));
  Resources r = pod_requests(spec);
  CHECK(r.cpu_milli == 1060);
  // Memory: max(128 + 128 + 64, 32 + 64) + 1 = 321Mi.
  CHECK(r.memory == 321 * kMi);
}

TEST_CASE("removed workload API versions load with that version's defaults and a warning") {
  Manifests m = load(R"(apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old}
spec:
  template:
    metadata: {labels: {app: old}}
    spec: {containers: [{name: a, image: a}]}
)");
  const Deployment& d = m.deployments.at(0);
  CHECK(d.selector.match_labels.at("app") == "old");  // defaulted from the template
  CHECK(d.strategy.max_surge == IntOrPercent{false, 1});
  CHECK(d.strategy.max_unavailable == IntOrPercent{false, 1});
  REQUIRE(m.warnings.size() == 1);
  CHECK(m.warnings[0].message.find("Kubernetes 1.16 stopped serving") != std::string::npos);
}

TEST_CASE("kubectl get -o yaml output loads, with server-set fields accepted") {
  Manifests m = load(R"(apiVersion: v1
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    annotations:
      deployment.kubernetes.io/revision: "1"
    creationTimestamp: "2024-05-01T10:00:00Z"
    generation: 1
    labels: {app: web}
    name: web
    namespace: shop
    resourceVersion: "12345"
    uid: 0b0c6f6e-1111-2222-3333-444455556666
    managedFields:
    - apiVersion: apps/v1
      fieldsType: FieldsV1
      fieldsV1: {f:spec: {f:replicas: {}}}
      manager: kubectl-client-side-apply
      operation: Update
  spec:
    progressDeadlineSeconds: 600
    replicas: 2
    revisionHistoryLimit: 10
    selector:
      matchLabels: {app: web}
    strategy:
      rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
      type: RollingUpdate
    template:
      metadata:
        creationTimestamp: null
        labels: {app: web}
      spec:
        containers:
        - image: nginx
          imagePullPolicy: Always
          name: web
          resources: {}
          terminationMessagePath: /dev/termination-log
          terminationMessagePolicy: File
        dnsPolicy: ClusterFirst
        restartPolicy: Always
        schedulerName: default-scheduler
        securityContext: {}
        terminationGracePeriodSeconds: 30
  status:
    availableReplicas: 2
    conditions:
    - {type: Available, status: "True", reason: MinimumReplicasAvailable}
    observedGeneration: 1
    readyReplicas: 2
    replicas: 2
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-5d9c7b
    namespace: shop
    labels: {app: web, pod-template-hash: 5d9c7b}
    ownerReferences:
    - apiVersion: apps/v1
      blockOwnerDeletion: true
      controller: true
      kind: Deployment
      name: web
      uid: 0b0c6f6e-1111-2222-3333-444455556666
  spec:
    replicas: 2
    selector:
      matchLabels: {app: web, pod-template-hash: 5d9c7b}
    template:
      metadata:
        labels: {app: web, pod-template-hash: 5d9c7b}
      spec:
        containers: [{image: nginx, name: web}]
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec:
    clusterIP: 10.96.0.12
    clusterIPs: [10.96.0.12]
    internalTrafficPolicy: Cluster
    ipFamilies: [IPv4]
    ipFamilyPolicy: SingleStack
    ports:
    - {port: 80, protocol: TCP, targetPort: 80}
    selector: {app: web}
    sessionAffinity: None
    type: ClusterIP
  status:
    loadBalancer: {}
kind: List
metadata:
  resourceVersion: ""
)");
  REQUIRE(m.deployments.size() == 1);
  REQUIRE(m.replica_sets.size() == 1);
  REQUIRE(m.services.size() == 1);
  CHECK(m.deployments[0].replicas == 2);
  CHECK(m.replica_sets[0].metadata.owner_references.at(0).controller);
  CHECK(m.services[0].cluster_ip == "10.96.0.12");
  // The Deployment's ReplicaSet is listed but not counted twice.
  ValidationReport r = validate(m);
  CHECK(r.initial.pods == 2);
}

TEST_CASE("a file of 4 MB or more is parsed in parts with the same positions and first error") {
  // 4,600 documents of 12 lines (about 1 KB each): parsed in 4 parts cut at
  // document markers (yaml_tree.cpp parse_yaml). Every object keeps its line
  // in the whole file, and the first error in file order is the one reported.
  constexpr int kDocs = 4'600;
  constexpr int kLines = 12;
  const std::string padding(900, 'x');
  auto doc = [&](int k, const char* replicas) {
    return fmt::format(
        "---\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata: {{name: web-{}, namespace: shop}}\n"
        "spec:\n"
        "  replicas: {}\n"
        "  selector: {{matchLabels: {{app: web}}}}\n"
        "  template:\n"
        "    metadata: {{labels: {{app: web}}, annotations: {{pad: {}}}}}\n"
        "    spec:\n"
        "      containers: [{{name: c, image: 'x:1', resources: {{requests: {{cpu: 1m}}}}}}]\n"
        "# document {}\n",
        k, replicas, padding, k);
  };
  std::string text;
  for (int k = 0; k < kDocs; ++k) text += doc(k, "1");
  REQUIRE(text.size() >= (size_t{4} << 20));
  Manifests m = load_manifests_from_string(text, "big.yaml");
  REQUIRE(m.deployments.size() == kDocs);
  for (int k : {0, 1, kDocs / 4, kDocs / 4 + 1, kDocs / 2, 3 * kDocs / 4 + 1, kDocs - 1}) {
    CAPTURE(k);
    CHECK(m.deployments[k].metadata.name == fmt::format("web-{}", k));
    CHECK(m.deployments[k].metadata.source.line == k * kLines + 2);
  }
  // Errors in the third and the last part: the third's is reported, at its
  // line in the whole file.
  const int bad1 = 3 * kDocs / 5, bad2 = kDocs - 2;
  std::string broken;
  for (int k = 0; k < kDocs; ++k) broken += doc(k, k == bad1 || k == bad2 ? "]" : "1");
  try {
    (void)load_manifests_from_string(broken, "big.yaml");
    FAIL("the broken file loaded");
  } catch (const InputError& e) {
    CHECK(e.where().file == "big.yaml");
    CHECK(e.where().line == bad1 * kLines + 6);
    CHECK(std::string(e.what()).find("malformed YAML") != std::string::npos);
  }
  // A duplicate field names the first one's line in the whole file too.
  std::string dup;
  for (int k = 0; k < kDocs; ++k) {
    dup += doc(k, "1");
    if (k == bad2) dup.insert(dup.rfind("# document"), "kind: Service\n");
  }
  try {
    (void)load_manifests_from_string(dup, "big.yaml");
    FAIL("the file with a duplicate field loaded");
  } catch (const InputError& e) {
    CHECK(e.where().line == bad2 * kLines + 12);
    CHECK(std::string(e.what()).find(fmt::format("(first at line {})", bad2 * kLines + 3)) !=
          std::string::npos);
  }
}
