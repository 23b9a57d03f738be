// validate(): the problems it finds, the totals it computes, and its output.
#include <doctest/doctest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "io_testing.h"

using namespace simcluster;
using simcluster::testing::kMi;
using simcluster::testing::load;

namespace {

std::vector<const Problem*> with_code(const ValidationReport& r, const std::string& code) {
  std::vector<const Problem*> out;
  for (const Problem& p : r.problems) {
    if (p.code == code) out.push_back(&p);
  }
  return out;
}

constexpr const char* kWeb = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web
          resources:
            requests: {cpu: 200m, memory: 128Mi}
            limits: {cpu: 400m, memory: 256Mi}
        - name: log
          image: log
          resources:
            requests: {memory: 16Mi}
            limits: {memory: 32Mi}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
)";

}  // namespace

TEST_CASE("service references are recognised only in host-like values") {
  auto ref = [](const char* key, const char* value) { return find_service_reference(key, value); };
  // Bare names ending in -service/-svc, or in variables named like hosts.
  CHECK(ref("POSTGRES_HOST", "postgres-service")->name == "postgres-service");
  CHECK(ref("CACHE", "redis-svc")->name == "redis-svc");
  CHECK(ref("DB_HOST", "postgres")->name == "postgres");
  CHECK(ref("REDIS_ADDR", "redis-service:6379")->name == "redis-service");
  // host:port and URLs name a host explicitly.
  CHECK(ref("ANYTHING", "cartservice:7070")->name == "cartservice");
  CHECK(ref("DATABASE_URL", "postgres://user:pw@postgres-service:5432/app")->name ==
        "postgres-service");
  CHECK(ref("ENDPOINT", "http://jaeger-service:14268/api/traces")->name == "jaeger-service");
  // <svc>.<ns>.svc[.cluster.local] names another namespace.
  auto cross = ref("URL", "http://orders.orders.svc.cluster.local:80");
  REQUIRE(cross.has_value());
  CHECK(cross->name == "orders");
  CHECK(cross->ns == "orders");
  auto pod_dns = ref("PEER", "db-0.db.prod.svc.cluster.local");
  CHECK(pod_dns->name == "db");
  CHECK(pod_dns->ns == "prod");
  // Not references: words, names of things, external hosts, IPs, versions.
  CHECK_FALSE(ref("NODE_ENV", "production"));
  CHECK_FALSE(ref("LOG_LEVEL", "info"));
  CHECK_FALSE(ref("SERVICE_NAME", "auth-service"));
  CHECK_FALSE(ref("OTEL_SERVICE_NAME", "payment-svc"));
  CHECK_FALSE(ref("API_URL", "https://api.openai.com/v1"));
  CHECK_FALSE(ref("REDIS_HOST", "localhost"));
  CHECK_FALSE(ref("LISTEN_ADDR", "0.0.0.0:8080"));
  CHECK_FALSE(ref("LISTEN_ADDR", ":8080"));
  CHECK_FALSE(ref("DB_HOST", "10.0.0.5"));
  CHECK_FALSE(ref("UPSTREAM", "redis.cache"));
  CHECK_FALSE(ref("TIME", "12:30"));
  CHECK_FALSE(ref("VERSION", "1.2.3"));
  CHECK_FALSE(ref("PATH", "/usr/bin:/bin"));
  CHECK_FALSE(ref("RATE_LIMIT_MAX_REQUESTS", "100"));
  CHECK_FALSE(ref("GREETING", "hello world"));
}

TEST_CASE("an HPA whose scale target does not exist is an error with a suggestion") {
  Manifests m = load(std::string(kWeb) + R"(---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: webb, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1beta1, kind: Deployment, name: webb}
  maxReplicas: 5
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1beta1, kind: Deployment, name: web}
  maxReplicas: 5
)");
  ValidationReport r = validate(m);
  auto missing = with_code(r, "hpa-target-missing");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0]->severity == Severity::kError);
  CHECK(missing[0]->where.line == 33);
  CHECK(missing[0]->hint == "did you mean Deployment \"web\"?");
  CHECK(r.has_errors());
  // apps/v1beta1 in the reference still finds the apps/v1 Deployment.
  REQUIRE(r.workloads.size() == 1);
  REQUIRE(r.workloads[0].hpa.has_value());
  CHECK(r.workloads[0].hpa->name == "web");
}

TEST_CASE("an HPA on a resource some container does not request is an error") {
  Manifests m = load(std::string(kWeb) + R"(---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
    - type: Resource
      resource: {name: memory, target: {type: Utilization, averageUtilization: 60}}
    - type: Resource
      resource: {name: cpu, target: {type: AverageValue, averageValue: 100m}}
)");
  ValidationReport r = validate(m);
  auto no_request = with_code(r, "hpa-metric-no-request");
  REQUIRE(no_request.size() == 1);  // memory is requested everywhere; AverageValue needs none
  CHECK(no_request[0]->severity == Severity::kError);
  CHECK(no_request[0]->message.find("container log") != std::string::npos);
  CHECK(no_request[0]->where.line == 36);
}

TEST_CASE("two HPAs on one workload are ambiguous, one HPA defined twice is a duplicate") {
  const std::string hpa = R"(---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: NAME, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics: [{type: Resource, resource: {name: memory, target: {type: Utilization, averageUtilization: 60}}}]
)";
  auto named = [&](const char* name) {
    std::string s = hpa;
    s.replace(s.find("NAME"), 4, name);
    return s;
  };
  ValidationReport two = validate(load(std::string(kWeb) + named("a") + named("b")));
  CHECK(with_code(two, "hpa-ambiguous").size() == 2);
  ValidationReport twice = validate(load(std::string(kWeb) + named("a") + named("a")));
  CHECK(with_code(twice, "hpa-ambiguous").empty());
  auto dup = with_code(twice, "duplicate");
  REQUIRE(dup.size() == 1);
  CHECK(dup[0]->where.line == 37);
}

TEST_CASE("Services selecting no pods and Ingress backends naming missing Services are found") {
  Manifests m = load(std::string(kWeb) + R"(---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: external, namespace: shop}
spec:
  ports: [{port: 443}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
          - {path: /a, pathType: Prefix, backend: {service: {name: wbe, port: {number: 80}}}}
          - {path: /b, pathType: Prefix, backend: {service: {name: web, port: {number: 81}}}}
          - {path: /c, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
)");
  ValidationReport r = validate(m);
  auto nothing = with_code(r, "service-selects-nothing");
  REQUIRE(nothing.size() == 1);  // "external" has no selector: endpoints managed elsewhere
  CHECK(nothing[0]->object == "Service shop/api");
  CHECK(nothing[0]->severity == Severity::kWarning);
  auto missing = with_code(r, "ingress-service-missing");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0]->where.line == 50);
  CHECK(missing[0]->hint == "did you mean \"web\"?");
  auto port = with_code(r, "ingress-port-missing");
  REQUIRE(port.size() == 1);
  CHECK(port[0]->message == "backend Service \"web\" has no port 81");
}

TEST_CASE("containers without requests or limits are warnings, not errors") {
  Manifests m = load(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
        - {name: bare, image: a}
        - {name: half, image: a, resources: {requests: {cpu: 1m, memory: 1Mi}}}
        - {name: cpu-only, image: a, resources: {limits: {cpu: 1}}}
)");
  ValidationReport r = validate(m);
  auto res = with_code(r, "resources-missing");
  REQUIRE(res.size() == 3);
  CHECK(res[0]->message == "container \"bare\" sets no requests and no limits (BestEffort)");
  CHECK(res[1]->message == "container \"half\" sets no limits");
  CHECK(res[2]->message == "container \"cpu-only\" sets no memory request and no memory limit");
  CHECK_FALSE(r.has_errors());
}

TEST_CASE("environment values naming missing Services are warnings at the value") {
  Manifests m = load(std::string(kWeb) + R"(---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data:
  POSTGRES_HOST: postgres-service
  WEB_URL: http://web:80/
  NODE_ENV: production
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api
          args: ["--cache=redis-service:6379", "--name=auth-service"]
          env:
            - {name: REDIS_HOST, value: redis-service}
            - {name: SERVICE_NAME, value: api-service}
          envFrom: [{configMapRef: {name: cfg}}]
          resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}
)");
  ValidationReport r = validate(m);
  auto refs = with_code(r, "service-reference-missing");
  REQUIRE(refs.size() == 3);
  // Sorted by location: the ConfigMap value, the argument, the env value.
  CHECK(refs[0]->where.line == 33);
  CHECK(refs[0]->message.find("Service \"postgres-service\"") != std::string::npos);
  CHECK(refs[1]->message.find("Service \"redis-service\"") != std::string::npos);
  CHECK(refs[1]->message.find("argument") != std::string::npos);
  CHECK(refs[2]->message.find("env REDIS_HOST") != std::string::npos);
  CHECK(refs[2]->severity == Severity::kWarning);
}

TEST_CASE("totals multiply per-pod requests by initial, minimum and maximum replicas") {
  Manifests m = load(std::string(kWeb) + R"(---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 6
  metrics: [{type: Resource, resource: {name: memory, target: {type: Utilization, averageUtilization: 70}}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: db, resources: {limits: {cpu: 500m, memory: 1Gi}}}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: a, resources: {requests: {cpu: 50m}}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: shared, namespace: shop}
spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}
)");
  ValidationReport r = validate(m);
  REQUIRE(r.workloads.size() == 3);
  const ValidatedWorkload& web = r.workloads[0];
  CHECK(web.requests.cpu_milli == 200);
  CHECK(web.requests.memory == 144 * kMi);
  CHECK(web.min_replicas == 1);
  CHECK(web.max_replicas == 6);
  REQUIRE(web.hpa.has_value());
  CHECK(web.hpa->targets == std::vector<std::string>{"memory 70%"});
  const ValidatedWorkload& db = r.workloads[1];
  CHECK(db.requests.cpu_milli == 500);  // requests default to limits
  CHECK(db.storage_per_pod == 10 * (int64_t{1} << 30));
  CHECK_FALSE(r.workloads[2].in_totals);  // DaemonSet: one pod per node
  // web 2 x 200m + db 3 x 500m = 1900m; min web 1 x, max web 6 x.
  CHECK(r.initial.pods == 5);
  CHECK(r.initial.cpu_requests_milli == 1900);
  CHECK(r.minimum.pods == 4);
  CHECK(r.minimum.cpu_requests_milli == 1700);
  CHECK(r.maximum.pods == 9);
  CHECK(r.maximum.cpu_requests_milli == 2700);
  CHECK(r.maximum.memory_requests == (6 * 144 + 3 * 1024) * kMi);
  CHECK(r.maximum.cpu_limits_milli == 6 * 400 + 3 * 500);
  CHECK(r.initial.storage == 31 * (int64_t{1} << 30));  // 3 x 10Gi claims + 1Gi PVC
  CHECK(r.object_counts.at("Deployment") == 1);
  CHECK(r.object_counts.at("PersistentVolumeClaim") == 1);
}

TEST_CASE("a workload with replicas 0 turns its HPA off") {
  std::string web = kWeb;
  web.replace(web.find("replicas: 2"), 11, "replicas: 0");
  ValidationReport r = validate(load(web + R"(---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
  metrics: [{type: Resource, resource: {name: memory, target: {type: Utilization, averageUtilization: 70}}}]
)"));
  REQUIRE(r.workloads.at(0).hpa.has_value());
  CHECK(r.workloads[0].hpa->disabled);
  CHECK(r.maximum.pods == 0);
  CHECK(with_code(r, "hpa-disabled").size() == 1);
}

TEST_CASE("API validation failures of patches and templates are errors") {
  ValidationReport r = validate(load(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: patch, namespace: ui}
spec:
  replicas: 5
  template:
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: mismatch}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: b}}
    spec: {containers: [{name: c, image: c, resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec: {containers: [{name: c, image: c}]}
)"));
  std::vector<std::string> messages;
  for (const Problem* p : with_code(r, "invalid")) messages.push_back(p->message);
  REQUIRE(messages.size() == 4);
  CHECK(messages[0] == "spec.selector: Required value");
  CHECK(messages[1] == "spec.template.spec.containers: Required value");
  CHECK(messages[2].find("`selector` does not match template `labels`") != std::string::npos);
  CHECK(messages[3].find("restartPolicy: Unsupported value: \"Always\"") != std::string::npos);
}

TEST_CASE("the text and JSON reports carry the same figures") {
  ValidationReport r = validate(load(kWeb));
  std::string text = format_validation_text(r);
  CHECK(text.find("Loaded 2 objects from 1 file.") != std::string::npos);
  CHECK(text.find("NAMESPACE   KIND         NAME   REPLICAS") != std::string::npos);
  CHECK(text.find("initial (spec.replicas)") != std::string::npos);
  CHECK(text.find("400m") != std::string::npos);
  CHECK(text.find("288Mi") != std::string::npos);  // 2 x 144Mi
  CHECK(text.find("0 errors, 1 warning, 0 infos") != std::string::npos);
  nlohmann::json j = nlohmann::json::parse(format_validation_json(r));
  CHECK(j["object_counts"]["Deployment"] == 1);
  CHECK(j["workloads"][0]["name"] == "web");
  CHECK(j["workloads"][0]["requests"]["cpu_milli"] == 200);
  CHECK(j["totals"]["initial"]["cpu_requests_milli"] == 400);
  CHECK(j["totals"]["initial"]["memory_requests_bytes"] == 288 * kMi);
  CHECK(j["summary"]["warnings"] == 1);
  CHECK(j["problems"][0]["location"]["line"] == 16);
  // The same input gives byte-identical output.
  CHECK(format_validation_json(validate(load(kWeb))) == format_validation_json(r));
}

// A Deployment "web" in namespace shop with one container's resources.
static std::string deployment_with(const std::string& resources) {
  return R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web
          resources: )" +
         resources + "\n";
}

TEST_CASE("negative requests and limits, and requests above limits, are API validation errors") {
  // Mirrors k8s pkg/apis/core/validation validateResourceRequirements.
  ValidationReport r = validate(load(deployment_with(
      "{requests: {cpu: -5m, memory: -75Mi}, limits: {cpu: 100m, memory: 128Mi}}")));
  auto invalid = with_code(r, "invalid");
  REQUIRE(invalid.size() == 2);
  CHECK(invalid[0]->object == "Deployment shop/web");
  CHECK(invalid[0]->message ==
        "spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"-5m\": must "
        "be greater than or equal to 0");
  CHECK(invalid[1]->message ==
        "spec.template.spec.containers[0].resources.requests[memory]: Invalid value: \"-75Mi\": "
        "must be greater than or equal to 0");
  CHECK(invalid[0]->where.line == 11);  // the container
  CHECK(r.has_errors());

  ValidationReport over = validate(
      load(deployment_with("{requests: {cpu: 500m, memory: 64Mi}, limits: {cpu: 25m, memory: "
                           "-1Mi}}")));
  std::vector<std::string> messages;
  for (const Problem* p : with_code(over, "invalid")) messages.push_back(p->message);
  REQUIRE(messages.size() == 3);
  CHECK(messages[0] ==
        "spec.template.spec.containers[0].resources.limits[memory]: Invalid value: \"-1Mi\": must "
        "be greater than or equal to 0");
  CHECK(messages[1] ==
        "spec.template.spec.containers[0].resources.requests: Invalid value: \"500m\": must be "
        "less than or equal to cpu limit of 25m");
  CHECK(messages[2] ==
        "spec.template.spec.containers[0].resources.requests: Invalid value: \"64Mi\": must be "
        "less than or equal to memory limit of -1Mi");

  // A request equal to its limit, or without a limit, is fine.
  ValidationReport ok =
      validate(load(deployment_with("{requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 100m}}")));
  CHECK(with_code(ok, "invalid").empty());
}

TEST_CASE("HPA API validation is the check run applies, gated minReplicas 0 included") {
  const auto hpa = [](const std::string& min, const std::string& metric) {
    return std::string(kWeb) + R"(---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: )" +
           min + "\n  maxReplicas: 5\n  metrics: [" + metric + "]\n";
  };
  const std::string cpu =
      "{type: Resource, resource: {name: cpu, target: {type: Utilization, "
      "averageUtilization: -20}}}";
  ValidationReport negative = validate(load(hpa("1", cpu)));
  auto invalid = with_code(negative, "invalid");
  REQUIRE(invalid.size() == 1);
  CHECK(invalid[0]->object == "HorizontalPodAutoscaler shop/web");
  CHECK(invalid[0]->message ==
        "spec.metrics[0].resource.target.averageUtilization: Invalid value: -20: must be greater "
        "than 0");
  CHECK(invalid[0]->where.line == 36);  // the metric
  // The first violation is what run (the World, validate_hpa) throws: the same place and text.
  const InputError e = api_violations(load(hpa("1", cpu)), FeatureGates{}).at(0).error();
  CHECK(e.where().to_string() == invalid[0]->where.to_string());
  CHECK(e.message() == invalid[0]->object + ": " + invalid[0]->message);

  const std::string external =
      "{type: External, external: {metric: {name: queue}, target: {type: AverageValue, "
      "averageValue: \"10\"}}}";
  // minReplicas 0 needs the HPAScaleToZero gate (off by default) ...
  ValidationReport gate_off = validate(load(hpa("0", external)));
  invalid = with_code(gate_off, "invalid");
  REQUIRE(invalid.size() == 1);
  CHECK(invalid[0]->message.find("spec.minReplicas: Invalid value: 0: must be greater than or "
                                 "equal to 1") == 0);
  CHECK(invalid[0]->message.find("HPAScaleToZero feature gate") != std::string::npos);
  CHECK(invalid[0]->hint.find("featureGates: {HPAScaleToZero: true}") != std::string::npos);
  // ... and, with it, an Object or External metric.
  const FeatureGates on{.hpa_scale_to_zero = true};
  CHECK(with_code(validate(load(hpa("0", external)), on), "invalid").empty());
  ValidationReport no_external =
      validate(load(hpa("0",
                        "{type: Resource, resource: {name: cpu, target: {type: "
                        "Utilization, averageUtilization: 50}}}")),
               on);
  invalid = with_code(no_external, "invalid");
  REQUIRE(invalid.size() == 1);
  CHECK(invalid[0]->message ==
        "spec.metrics: Forbidden: must specify at least one Object or External metric to "
        "support scaling to zero replicas");
  // With minReplicas 0, a target at 0 replicas keeps autoscaling on.
  ValidationReport zero = validate(load(hpa("0", external)), on);
  CHECK(zero.workloads.at(0).hpa->min_replicas == 0);
  CHECK_FALSE(zero.workloads.at(0).hpa->disabled);
  CHECK(zero.minimum.pods == 0);
}

TEST_CASE("a Deployment defined twice is one Deployment, the later, with a warning") {
  std::string later = kWeb;
  later.replace(later.find("replicas: 2"), 11, "replicas: 5");
  ValidationReport r = validate(load(std::string(kWeb) + "---\n" + later));
  CHECK(r.object_counts.at("Deployment") == 1);
  REQUIRE(r.workloads.size() == 1);
  CHECK(r.workloads[0].replicas == 5);
  CHECK(r.workloads[0].source.line == 29);
  CHECK(r.initial.pods == 5);
  auto dup = with_code(r, "duplicate");
  REQUIRE(dup.size() == 2);  // the Deployment and the Service
  CHECK(dup[0]->object == "Deployment shop/web");
  CHECK(dup[0]->severity == Severity::kWarning);
  CHECK(dup[0]->where.line == 29);
  CHECK(dup[0]->message ==
        "defined again (first at test.yaml:1:1); kubectl apply keeps this later definition");
}

TEST_CASE("totals saturate instead of overflowing on absurd quantities") {
  // Found by fuzz_manifests (UBSan: signed integer overflow in the totals):
  // the API server takes `storage: 5Ei`, and 2 replicas of it pass 2^63 bytes.
  // The totals clamp at the int64 range (tests/fuzz/regressions/manifests).
  Manifests m = load_manifests_from_string(R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: db:1
          resources:
            requests: {cpu: 100m, memory: 5Ei}
            limits: {cpu: 100m, memory: 5Ei}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 5Ei}}
)",
                                           "db.yaml");
  ValidationReport r = validate(m);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  CHECK(r.initial.pods == 2);
  CHECK(r.initial.cpu_requests_milli == 200);
  CHECK(r.initial.memory_requests == kMax);
  CHECK(r.initial.memory_limits == kMax);
  CHECK(r.initial.storage == kMax);
}
