// Building the call graph from manifests and the scenario's load section.
// GCC 12 warns about members a designated initializer leaves at their defaults;
// leaving them is the point (house style), so the warning is off here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <doctest/doctest.h>

#include <string>

#include "load/load_fixtures.h"
#include "simcluster/load_model.h"

using namespace simcluster;
using simcluster::testing::make_deployment;
using simcluster::testing::make_service;

namespace {

// The My-SaaS-Chat shape: an Ingress to auth/chat/billing, a ConfigMap naming
// postgres and redis used by all three, chat calling auth by URL.
Manifests chat_world() {
  Manifests m;
  for (const char* s :
       {"auth-service", "chat-service", "billing-service", "postgres-service", "redis-service"}) {
    m.services.push_back(make_service(s));
  }
  ConfigMap cm;
  cm.metadata.name = "app-config";
  cm.metadata.ns = "prod";
  cm.data = {{"POSTGRES_HOST", "postgres-service"},
             {"REDIS_HOST", "redis-service"},
             {"LOG_LEVEL", "info"}};
  cm.data_source["POSTGRES_HOST"] = {"config.yaml", 8, 18};
  m.config_maps.push_back(cm);
  for (const char* d : {"auth-service", "chat-service", "billing-service"}) {
    Deployment dep = make_deployment(d);
    dep.template_.spec.containers[0].env_from_config_maps.push_back("app-config");
    m.deployments.push_back(dep);
  }
  m.deployments[1].template_.spec.containers[0].env.push_back(
      EnvVar{.name = "AUTH_URL",
             .value = "http://auth-service:80/verify",
             .source = {"chat.yaml", 30, 20}});
  // A service advertising its own name is not a call.
  m.deployments[1].template_.spec.containers[0].env.push_back(
      EnvVar{.name = "SELF", .value = "chat-service", .source = {"chat.yaml", 31, 20}});
  StatefulSet pg;
  pg.metadata.name = "postgres";
  pg.metadata.ns = "prod";
  pg.template_.metadata.labels = {{"app", "postgres-service"}};
  m.stateful_sets.push_back(pg);
  Ingress ing;
  ing.metadata.name = "main";
  ing.metadata.ns = "prod";
  IngressRule rule;
  for (const char* p : {"auth", "chat", "billing"}) {
    IngressPath path;
    path.path = std::string("/api/") + p + "(/|$)(.*)";
    path.backend.service_name = std::string(p) + "-service";
    rule.paths.push_back(path);
  }
  ing.rules.push_back(rule);
  m.ingresses.push_back(ing);
  return m;
}

double calls(const ServiceGraph& g, const std::string& from, const std::string& to) {
  for (const CallEdge& e : g.edges) {
    if (g.services[e.from].name == from && g.services[e.to].name == to) return e.calls_per_request;
  }
  return 0;
}

const CallEdge* edge(const ServiceGraph& g, const std::string& from, const std::string& to) {
  for (const CallEdge& e : g.edges) {
    if (g.services[e.from].name == from && g.services[e.to].name == to) return &e;
  }
  return nullptr;
}

std::string error_of(const Manifests& m, const LoadSpec& spec) {
  try {
    (void)build_service_graph(m, spec);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("Services are nodes sorted by namespace and name, with the workloads they select") {
  ServiceGraph g = build_service_graph(chat_world(), {});
  REQUIRE(g.services.size() == 5);
  CHECK(g.services[0].name == "auth-service");
  CHECK(g.services[4].name == "redis-service");
  CHECK(g.services[1].workloads == std::vector<std::string>{"Deployment/billing-service"});
  CHECK(g.services[3].workloads == std::vector<std::string>{"StatefulSet/postgres"});
  CHECK(g.find("prod", "chat-service") == size_t{2});
  CHECK_FALSE(g.find("prod", "nope").has_value());
}

TEST_CASE("A Service named in a ConfigMap is called by every workload that uses the ConfigMap") {
  ServiceGraph g = build_service_graph(chat_world(), {});
  for (const char* caller : {"auth-service", "chat-service", "billing-service"}) {
    CAPTURE(caller);
    CHECK(calls(g, caller, "postgres-service") == 1.0);
    CHECK(calls(g, caller, "redis-service") == 1.0);
  }
  const CallEdge* e = edge(g, "chat-service", "postgres-service");
  REQUIRE(e != nullptr);
  CHECK(e->origin ==
        "ConfigMap prod/app-config key POSTGRES_HOST (envFrom of Deployment/prod/chat-service)");
  CHECK(e->source.to_string() == "config.yaml:8:18");
  // A URL in an env value is a call too; a Service naming itself is not.
  CHECK(calls(g, "chat-service", "auth-service") == 1.0);
  CHECK(calls(g, "chat-service", "chat-service") == 0.0);
  CHECK(calls(g, "postgres-service", "redis-service") == 0.0);
}

TEST_CASE("Cluster DNS forms of a Service name are references") {
  Manifests m;
  m.services.push_back(make_service("api"));
  m.services.push_back(make_service("db"));
  m.services.push_back(make_service("cache", "infra"));
  m.services.push_back(make_service("mq"));
  m.deployments.push_back(
      make_deployment("api", {{"DB", "postgres://u@db.prod.svc.cluster.local:5432/app"},
                              {"CACHE", "cache.infra:6379"},
                              {"MQ", "amqp://mq-0.mq:5672"},
                              {"OTHER", "db-replica"}}));
  ServiceGraph g = build_service_graph(m, {});
  CHECK(calls(g, "api", "db") == 1.0);
  CHECK(calls(g, "api", "cache") == 1.0);
  CHECK(calls(g, "api", "mq") == 1.0);  // a headless Service's pod
  CHECK(g.edges.size() == 3);
}

TEST_CASE("Routes give entry rates per user, by Ingress path or by Service") {
  LoadSpec spec;
  spec.routes = {{"/api/chat", 0.05, {"s.yaml", 10, 5}},
                 {"/api/auth/", 0.01, {"s.yaml", 11, 5}},
                 {"billing-service", 0.002, {"s.yaml", 12, 5}},
                 {"prod/billing-service", 0.001, {"s.yaml", 13, 5}}};
  ServiceGraph g = build_service_graph(chat_world(), spec);
  CHECK(g.services[*g.find("prod", "chat-service")].entry_rps_per_user == doctest::Approx(0.05));
  CHECK(g.services[*g.find("prod", "auth-service")].entry_rps_per_user == doctest::Approx(0.01));
  CHECK(g.services[*g.find("prod", "billing-service")].entry_rps_per_user ==
        doctest::Approx(0.003));
}

TEST_CASE("Explicit calls set, add or remove edges") {
  LoadSpec spec;
  ServiceCost chat{.service = "chat-service", .source = {"s.yaml", 20, 3}};
  chat.calls = {{"postgres-service", 3.0, {"s.yaml", 22, 7}},
                {"redis-service", 0.0, {"s.yaml", 23, 7}},
                {"billing-service", 0.1, {"s.yaml", 24, 7}}};
  spec.services.push_back(chat);
  ServiceGraph g = build_service_graph(chat_world(), spec);
  CHECK(calls(g, "chat-service", "postgres-service") == 3.0);
  CHECK(edge(g, "chat-service", "postgres-service")->origin == "scenario");
  CHECK(calls(g, "chat-service", "redis-service") == 0.0);
  CHECK(edge(g, "chat-service", "redis-service") == nullptr);
  CHECK(calls(g, "chat-service", "billing-service") == doctest::Approx(0.1));
  CHECK(calls(g, "auth-service", "redis-service") == 1.0);  // others keep theirs
}

TEST_CASE("Service costs fill in over the defaults") {
  LoadSpec spec;
  spec.defaults.cpu_per_request = 2.0;
  spec.services.push_back(
      ServiceCost{.service = "chat-service", .cpu_per_request = 13.5, .concurrency = 32});
  ServiceGraph g = build_service_graph(chat_world(), spec);
  const ServiceParams& chat = g.services[*g.find("prod", "chat-service")].params;
  CHECK(chat.cpu_per_request == 13.5);
  CHECK(chat.concurrency == 32);
  // No baseline set and no requests on its pods: the derived fallback (5m, 64Mi).
  CHECK(chat.cpu_baseline_milli == kMaxDerivedCpuBaselineMilli);
  CHECK(chat.memory_baseline == kMaxDerivedMemoryBaseline);
  CHECK(g.services[*g.find("prod", "auth-service")].params.cpu_per_request == 2.0);
}

TEST_CASE("A misspelt route, Service or call is an error with a suggestion") {
  LoadSpec route;
  route.routes = {{"/api/chta", 0.05, {"s.yaml", 10, 5}}};
  std::string e = error_of(chat_world(), route);
  CHECK(e.find("s.yaml:10:5: no Ingress path '/api/chta', did you mean '/api/chat'?") == 0);

  LoadSpec svc;
  svc.routes = {{"chat-servce", 0.05, {"s.yaml", 11, 5}}};
  CHECK(error_of(chat_world(), svc)
            .find("s.yaml:11:5: unknown Service 'chat-servce', did you mean 'chat-service'?") == 0);

  LoadSpec cost;
  cost.services.push_back(ServiceCost{.service = "billing", .source = {"s.yaml", 12, 3}});
  CHECK(error_of(chat_world(), cost).find("did you mean 'billing-service'?") != std::string::npos);

  LoadSpec call;
  ServiceCost c{.service = "chat-service", .source = {"s.yaml", 20, 3}};
  c.calls = {{"postgress-service", 1.0, {"s.yaml", 21, 7}}};
  call.services.push_back(c);
  CHECK(error_of(chat_world(), call)
            .find("s.yaml:21:7: unknown Service 'postgress-service', did you mean "
                  "'postgres-service'?") == 0);
}

TEST_CASE("A Service name in two namespaces must be qualified") {
  Manifests m = chat_world();
  m.services.push_back(make_service("chat-service", "staging"));
  LoadSpec spec;
  spec.routes = {{"chat-service", 0.05, {"s.yaml", 10, 5}}};
  std::string e = error_of(m, spec);
  CHECK(
      e.find("Service name 'chat-service' is ambiguous: prod/chat-service, staging/chat-service") !=
      std::string::npos);
  spec.routes[0].route = "staging/chat-service";
  CHECK_NOTHROW((void)build_service_graph(m, spec));
  // Restricting the namespaces removes the ambiguity.
  spec.routes[0].route = "chat-service";
  spec.namespaces = {"prod"};
  CHECK_NOTHROW((void)build_service_graph(m, spec));
}

TEST_CASE("An explicit call loop with gain >= 1 fails when the graph is built") {
  LoadSpec spec;
  ServiceCost a{.service = "auth-service", .source = {"s.yaml", 20, 3}};
  a.calls = {{"chat-service", 2.0, {"s.yaml", 21, 7}}};
  spec.services.push_back(a);  // chat -> auth (discovered, 1 call) closes the loop: gain 2
  std::string e = error_of(chat_world(), spec);
  CHECK(e.find("call loop auth-service -> chat-service -> auth-service has gain 2") !=
        std::string::npos);
}

// ---------------------------------------------------------------- baselines

namespace {

Quantity q(const char* text) { return *Quantity::parse(text); }

// Service "tiny" over a Deployment of one container: requests 2m / 20Mi,
// limits 5m / 20Mi (a small real pod).
Manifests tiny_world() {
  Manifests m;
  m.services.push_back(make_service("tiny"));
  Deployment d = make_deployment("tiny");
  d.template_.spec.containers[0].resources.requests = {{"cpu", q("2m")}, {"memory", q("20Mi")}};
  d.template_.spec.containers[0].resources.limits = {{"cpu", q("5m")}, {"memory", q("20Mi")}};
  m.deployments.push_back(std::move(d));
  return m;
}

std::vector<std::string> note_codes(const ServiceGraph& g) {
  std::vector<std::string> out;
  for (const LoadModelNote& n : g.notes) out.push_back(n.code);
  return out;
}

}  // namespace

TEST_CASE("A pod's derived baseline is a fraction of its requests, capped at the old defaults") {
  PodSpec small;
  small.containers.push_back(Container{.name = "a"});
  small.containers[0].resources.requests = {{"cpu", q("2m")}, {"memory", q("20Mi")}};
  small.containers[0].resources.limits = {{"memory", q("20Mi")}};
  CHECK(derived_baseline(small) == Baseline{0, 10LL << 20});  // 0.2m rounds to 0
  PodSpec big;
  big.containers.push_back(Container{.name = "a"});
  big.containers[0].resources.requests = {{"cpu", q("300m")}, {"memory", q("384Mi")}};
  CHECK(derived_baseline(big) == Baseline{5, 64LL << 20});
  // 25m -> 2.5 rounds to 3m; a limit-only container uses its limit; nothing: 5m / 64Mi.
  PodSpec mixed;
  mixed.containers.push_back(Container{.name = "a"});
  mixed.containers[0].resources.requests = {{"cpu", q("25m")}};
  mixed.containers[0].resources.limits = {{"memory", q("40Mi")}};
  mixed.containers.push_back(Container{.name = "b"});
  // A sidecar counts; a plain init container does not (it has exited).
  mixed.init_containers.push_back(Container{.name = "side", .restart_policy = "Always"});
  mixed.init_containers[0].resources.requests = {{"cpu", q("10m")}, {"memory", q("8Mi")}};
  mixed.init_containers.push_back(Container{.name = "init"});
  // a: 3m + 20Mi; b: 5m + 64Mi; side: 1m + 4Mi.
  CHECK(derived_baseline(mixed) == Baseline{9, 88LL << 20});
  // Never above a limit, even one below the request.
  PodSpec odd;
  odd.containers.push_back(Container{.name = "a"});
  odd.containers[0].resources.requests = {{"memory", q("1Gi")}};
  odd.containers[0].resources.limits = {{"cpu", q("2m")}, {"memory", q("16Mi")}};
  CHECK(derived_baseline(odd) == Baseline{0, 16LL << 20});
}

TEST_CASE("Unset baselines are derived from the selected pods and the report is told") {
  ServiceGraph g = build_service_graph(tiny_world(), LoadSpec{});
  const ServiceNode& tiny = g.services[*g.find("prod", "tiny")];
  CHECK(tiny.cpu_baseline_derived);
  CHECK(tiny.memory_baseline_derived);
  CHECK(tiny.params.cpu_baseline_milli == 0);
  CHECK(tiny.params.memory_baseline == 10LL << 20);
  REQUIRE(note_codes(g) == std::vector<std::string>{"LoadModelBaselineDerived"});
  CHECK(g.notes[0].message.find("prod/tiny (cpu 0m, memory 10Mi)") != std::string::npos);
}

TEST_CASE("A baseline the scenario sets above a pod's request or limit is kept, with a note") {
  LoadSpec spec;
  spec.defaults.memory_baseline = 64LL << 20;  // serviceDefaults
  spec.services.push_back(ServiceCost{.service = "tiny", .cpu_baseline_milli = 3});
  ServiceGraph g = build_service_graph(tiny_world(), spec);
  const ServiceNode& tiny = g.services[*g.find("prod", "tiny")];
  CHECK(tiny.params.memory_baseline == 64LL << 20);
  CHECK(tiny.params.cpu_baseline_milli == 3);
  CHECK_FALSE(tiny.cpu_baseline_derived);
  CHECK_FALSE(tiny.memory_baseline_derived);
  REQUIRE(note_codes(g) == std::vector<std::string>{"LoadModelBaselineExceedsRequest",
                                                    "LoadModelBaselineExceedsRequest"});
  CHECK(g.notes[0].message ==
        "memoryBaseline 64Mi (serviceDefaults, Service prod/tiny) is above the memory request "
        "20Mi / limit 20Mi of Deployment/prod/tiny's pods: kept as written, so each pod is "
        "OOM-killed by the baseline alone; lower memoryBaseline (or leave it unset: derived "
        "from the requests it would be 10Mi) or raise the pods' request and limit");
  CHECK(g.notes[1].message ==
        "cpuBaseline 3m (services.tiny, Service prod/tiny) is above the CPU request 2m / limit "
        "5m of Deployment/prod/tiny's pods: kept as written, so each pod runs above its "
        "request (HPA utilization over 100%) by the baseline alone; lower cpuBaseline (or "
        "leave it unset: derived from the requests it would be 0m) or raise the pods' request");
}
