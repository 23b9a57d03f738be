// scenarios/my-saas-chat holds the manifests the My-SaaS-Chat report
// (shared/seed/000_a251f80fd8b166c0.txt) describes. Every figure the report
// states is checked here, and the totals validate computes from them.
#include <doctest/doctest.h>

#include <algorithm>

#include "io_testing.h"

using namespace simcluster;
using simcluster::testing::kGi;
using simcluster::testing::kMi;
using simcluster::testing::q;

namespace {

const Manifests& chat() {
  static const Manifests m =
      load_manifests({simcluster::testing::source_dir() + "/scenarios/my-saas-chat"});
  return m;
}

template <typename T>
const T& named(const std::vector<T>& v, const std::string& name) {
  auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.metadata.name == name; });
  REQUIRE(it != v.end());
  return *it;
}

void check_resources(const Container& c, const char* cpu_req, const char* cpu_lim,
                     const char* mem_req, const char* mem_lim) {
  CAPTURE(c.name);
  CHECK(c.resources.requests.at("cpu") == q(cpu_req));
  CHECK(c.resources.limits.at("cpu") == q(cpu_lim));
  CHECK(c.resources.requests.at("memory") == q(mem_req));
  CHECK(c.resources.limits.at("memory") == q(mem_lim));
}

void check_health_probe(const std::optional<Probe>& p) {
  REQUIRE(p.has_value());
  CHECK(p->handler == "httpGet");
  CHECK(p->path == "/health");
  CHECK(p->initial_delay_seconds == 30);
  CHECK(p->period_seconds == 10);
  CHECK(p->failure_threshold == 3);
}

}  // namespace

TEST_CASE("My-SaaS-Chat has the report's files, namespaces and configuration") {
  const Manifests& m = chat();
  CHECK(m.files.size() == 21);
  std::vector<std::string> ns;
  for (const Namespace& n : m.namespaces) ns.push_back(n.metadata.name);
  std::sort(ns.begin(), ns.end());
  CHECK(ns == std::vector<std::string>{"development", "production", "staging"});

  const ConfigMap& cm = named(m.config_maps, "app-config");
  CHECK(cm.metadata.ns == "production");
  CHECK(cm.data.at("NODE_ENV") == "production");
  CHECK(cm.data.at("LOG_LEVEL") == "info");
  CHECK(cm.data.at("POSTGRES_HOST") == "postgres-service");
  CHECK(cm.data.at("REDIS_HOST") == "redis-service");
  CHECK(cm.data.at("RATE_LIMIT_MAX_REQUESTS") == "100");

  const Secret& s = named(m.secrets, "app-secrets");
  for (const char* key : {"AUTH_SECRET", "DATABASE_URL", "OPENAI_API_KEY", "STRIPE_SECRET_KEY"}) {
    CAPTURE(key);
    CHECK(std::find(s.keys.begin(), s.keys.end(), key) != s.keys.end());
  }
}

TEST_CASE("My-SaaS-Chat services have the report's replicas, resources, probes and strategy") {
  const Manifests& m = chat();
  struct Want {
    const char* name;
    int32_t replicas;
    const char *cpu_req, *cpu_lim, *mem_req, *mem_lim;
  };
  for (const Want& w : {Want{"auth-service", 3, "250m", "500m", "256Mi", "512Mi"},
                        Want{"chat-service", 5, "300m", "750m", "384Mi", "768Mi"},
                        Want{"billing-service", 3, "250m", "500m", "256Mi", "512Mi"}}) {
    CAPTURE(w.name);
    const Deployment& d = named(m.deployments, w.name);
    CHECK(d.metadata.ns == "production");
    CHECK(d.replicas == w.replicas);
    CHECK(d.strategy.type == "RollingUpdate");
    CHECK(d.strategy.max_surge == IntOrPercent{false, 1});
    CHECK(d.strategy.max_unavailable == IntOrPercent{false, 0});
    CHECK(d.template_.metadata.annotations.at("prometheus.io/scrape") == "true");
    REQUIRE(d.template_.spec.containers.size() == 1);
    const Container& c = d.template_.spec.containers[0];
    check_resources(c, w.cpu_req, w.cpu_lim, w.mem_req, w.mem_lim);
    check_health_probe(c.liveness_probe);
    check_health_probe(c.readiness_probe);
    CHECK(c.env_from_config_maps == std::vector<std::string>{"app-config"});
    CHECK(c.env_from_secrets == std::vector<std::string>{"app-secrets"});

    const Service& svc = named(m.services, w.name);
    CHECK(svc.type == "ClusterIP");
    CHECK(svc.selector.at("app") == w.name);
    CHECK(svc.ports.at(0).port == 80);
  }
}

TEST_CASE("My-SaaS-Chat HPAs scale 2-10, 3-20 and 2-8 on CPU 70% and memory 80%") {
  const Manifests& m = chat();
  struct Want {
    const char* target;
    int32_t min, max;
  };
  for (const Want& w :
       {Want{"auth-service", 2, 10}, Want{"chat-service", 3, 20}, Want{"billing-service", 2, 8}}) {
    CAPTURE(w.target);
    auto it = std::find_if(
        m.horizontal_pod_autoscalers.begin(), m.horizontal_pod_autoscalers.end(),
        [&](const HorizontalPodAutoscaler& h) { return h.scale_target_ref.name == w.target; });
    REQUIRE(it != m.horizontal_pod_autoscalers.end());
    const HorizontalPodAutoscaler& h = *it;
    CHECK(h.source_api_version == "autoscaling/v2");
    CHECK(h.scale_target_ref.kind == "Deployment");
    CHECK(h.scale_target_ref.api_version == "apps/v1");
    CHECK(h.min_replicas == w.min);
    CHECK(h.max_replicas == w.max);
    REQUIRE(h.metrics.size() == 2);
    CHECK(h.metrics[0].resource_name == "cpu");
    CHECK(h.metrics[0].target.type == "Utilization");
    CHECK(h.metrics[0].target.average_utilization == 70);
    CHECK(h.metrics[1].resource_name == "memory");
    CHECK(h.metrics[1].target.average_utilization == 80);
    REQUIRE(h.behavior.has_value());
    const HPAScalingRules& up = *h.behavior->scale_up;
    CHECK(up.select_policy == "Max");
    REQUIRE(up.policies.size() == 2);
    CHECK(up.policies[0].type == "Percent");
    CHECK(up.policies[0].value == 100);
    CHECK(up.policies[0].period_seconds == 60);
    CHECK(up.policies[1].type == "Pods");
    CHECK(up.policies[1].value == 2);
    CHECK(up.policies[1].period_seconds == 60);
    const HPAScalingRules& down = *h.behavior->scale_down;
    CHECK(down.stabilization_window_seconds == 300);
    REQUIRE(down.policies.size() == 1);
    CHECK(down.policies[0].type == "Percent");
    CHECK(down.policies[0].value == 50);
    CHECK(down.policies[0].period_seconds == 300);
  }
}

TEST_CASE("My-SaaS-Chat databases are StatefulSets with claims and headless Services") {
  const Manifests& m = chat();
  const StatefulSet& pg = named(m.stateful_sets, "postgres");
  CHECK(pg.replicas == 1);
  CHECK(pg.service_name == "postgres-service");
  check_resources(pg.template_.spec.containers.at(0), "250m", "1000m", "256Mi", "1Gi");
  REQUIRE(pg.volume_claim_templates.size() == 1);
  CHECK(pg.volume_claim_templates[0].storage_request->value() == 10 * kGi);

  const StatefulSet& redis = named(m.stateful_sets, "redis");
  CHECK(redis.replicas == 1);
  CHECK(redis.service_name == "redis-service");
  const Container& rc = redis.template_.spec.containers.at(0);
  check_resources(rc, "100m", "500m", "128Mi", "512Mi");
  auto aof = std::find(rc.args.begin(), rc.args.end(), "--appendonly");
  REQUIRE(aof != rc.args.end());
  CHECK(*(aof + 1) == "yes");
  REQUIRE(redis.volume_claim_templates.size() == 1);
  CHECK(redis.volume_claim_templates[0].storage_request->value() == 5 * kGi);

  for (const char* name : {"postgres-service", "redis-service"}) {
    CAPTURE(name);
    CHECK(named(m.services, name).cluster_ip == "None");
  }
  CHECK(named(m.services, "postgres-service").ports.at(0).port == 5432);
  CHECK(named(m.services, "redis-service").ports.at(0).port == 6379);
}

TEST_CASE("My-SaaS-Chat Jaeger exposes every tracing port") {
  const Manifests& m = chat();
  const Deployment& j = named(m.deployments, "jaeger");
  check_resources(j.template_.spec.containers.at(0), "100m", "500m", "256Mi", "512Mi");
  const Service& svc = named(m.services, "jaeger-service");
  std::vector<std::pair<int32_t, std::string>> ports;
  for (const ServicePort& p : svc.ports) ports.emplace_back(p.port, p.protocol);
  CHECK(ports == std::vector<std::pair<int32_t, std::string>>{{5775, "UDP"},
                                                              {6831, "UDP"},
                                                              {6832, "UDP"},
                                                              {5778, "TCP"},
                                                              {16686, "TCP"},
                                                              {14268, "TCP"},
                                                              {14250, "TCP"},
                                                              {9411, "TCP"}});
}

TEST_CASE("My-SaaS-Chat has both Ingress variants routing the report's paths") {
  const Manifests& m = chat();
  REQUIRE(m.ingresses.size() == 2);
  const Ingress& regex = named(m.ingresses, "my-saas-chat-ingress");
  CHECK(regex.metadata.annotations.at("nginx.ingress.kubernetes.io/use-regex") == "true");
  CHECK(regex.metadata.annotations.at("nginx.ingress.kubernetes.io/rewrite-target") == "/$2");
  const Ingress& simple = named(m.ingresses, "my-saas-chat-ingress-simple");
  for (const Ingress* ing : {&regex, &simple}) {
    CAPTURE(ing->metadata.name);
    std::map<std::string, std::pair<std::string, int32_t>> routes;
    for (const IngressRule& r : ing->rules) {
      for (const IngressPath& p : r.paths) {
        std::string prefix = p.path.substr(0, p.path.find('('));
        routes[prefix] = {p.backend.service_name, p.backend.port_number};
        CHECK(p.path_type == (ing == &simple ? "Prefix" : "ImplementationSpecific"));
      }
    }
    CHECK(routes.at("/api/auth") == std::pair<std::string, int32_t>{"auth-service", 80});
    CHECK(routes.at("/api/chat") == std::pair<std::string, int32_t>{"chat-service", 80});
    CHECK(routes.at("/api/billing") == std::pair<std::string, int32_t>{"billing-service", 80});
    CHECK(routes.at("/jaeger") == std::pair<std::string, int32_t>{"jaeger-service", 16686});
  }
}

TEST_CASE("My-SaaS-Chat validates clean, and its computed totals differ from the report's") {
  ValidationReport r = validate(chat());
  CHECK(r.problems.empty());
  CHECK_FALSE(r.has_errors());
  // Initial: 3 auth + 5 chat + 3 billing + postgres + redis + jaeger.
  CHECK(r.initial.pods == 14);
  CHECK(r.initial.cpu_requests_milli == 3450);
  CHECK(r.initial.memory_requests == 4096 * kMi);
  // Minimum: 2 x 250m + 3 x 300m + 2 x 250m + 250m + 100m + 100m = 2350m, 10 pods.
  // The report says "9 pods, ~2,050m CPU, ~2,304Mi"; its own table gives these.
  CHECK(r.minimum.pods == 10);
  CHECK(r.minimum.cpu_requests_milli == 2350);
  CHECK(r.minimum.memory_requests == 2816 * kMi);
  CHECK(r.minimum.cpu_limits_milli == 6250);
  CHECK(r.minimum.memory_limits == 6400 * kMi);
  // Maximum: 10 + 20 + 8 + 3 = 41 pods (the report: 38, ~13,850m, ~17,536Mi).
  CHECK(r.maximum.pods == 41);
  CHECK(r.maximum.cpu_requests_milli == 10950);
  CHECK(r.maximum.memory_requests == 12928 * kMi);
  CHECK(r.maximum.cpu_limits_milli == 26000);
  CHECK(r.maximum.memory_limits == 26624 * kMi);
  // Storage: 10Gi postgres + 5Gi redis.
  CHECK(r.minimum.storage == 15 * kGi);
  CHECK(r.maximum.storage == 15 * kGi);
}
