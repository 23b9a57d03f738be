// The scenarios shipped in scenarios/: each loads, its references resolve
// against the My-SaaS-Chat manifests, and the calibration says what it claims.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "simcluster/manifests.h"
#include "simcluster/scenario.h"

using namespace simcluster;

namespace {

const std::string kScenarios = std::string(SIMCLUSTER_SOURCE_DIR) + "/scenarios";

std::map<std::string, int32_t> seed_pods_at_5000() {
  return {{"auth-service", 7}, {"chat-service", 15}, {"billing-service", 5}};
}

// Per-pod CPU limits of the services' workloads, from the manifests.
int64_t cpu_limit_of(const Manifests& m, const std::string& service) {
  for (const Deployment& d : m.deployments) {
    if (d.template_.metadata.labels.count("app") &&
        d.template_.metadata.labels.at("app") == service) {
      return pod_limits(d.template_.spec).cpu_milli;
    }
  }
  return 0;
}

}  // namespace

TEST_CASE("Every shipped scenario loads, resolves and builds its load model") {
  for (const char* name : {"baseline", "high", "peak", "day", "rollout", "node-failure", "trace"}) {
    CAPTURE(name);
    Scenario s = load_scenario(kScenarios + "/" + name + ".yaml");
    CHECK(s.name == name);
    CHECK_FALSE(s.description.empty());
    CHECK(s.namespaces == std::vector<std::string>{"production"});
    REQUIRE(s.node_pools.size() == 1);
    CHECK(s.node_pools[0].count == 3);
    CHECK(s.node_pools[0].shape.capacity.cpu_milli == 2000);
    CHECK(s.node_pools[0].shape.capacity.memory == 4LL << 30);
    REQUIRE(s.claims.has_value());
    Manifests m = load_manifests(s.manifests);
    CHECK_NOTHROW(check_scenario_references(s, m));
    LoadModel model(m, s.load);
    CHECK(model.services().size() == 6);
    SimulationConfig cfg = to_simulation_config(s, m, &model);
    CHECK(cfg.duration == s.duration);
  }
}

TEST_CASE("The shipped load levels are the report's") {
  CHECK(load_scenario(kScenarios + "/baseline.yaml").load.users.constant == 100);
  CHECK(load_scenario(kScenarios + "/high.yaml").load.users.constant == 5000);
  CHECK(load_scenario(kScenarios + "/peak.yaml").load.users.constant == 10000);
  Scenario day = load_scenario(kScenarios + "/day.yaml");
  CHECK(day.duration == SimDuration(86'400'000));
  CHECK(profile_users(day.load.users, SimTime::from_seconds(2 * 3600)) == doctest::Approx(100));
  CHECK(profile_users(day.load.users, SimTime::from_seconds(8 * 3600)) == doctest::Approx(5050));
  CHECK(profile_users(day.load.users, SimTime::from_seconds(14 * 3600)) == doctest::Approx(10000));
  Scenario rollout = load_scenario(kScenarios + "/rollout.yaml");
  REQUIRE(rollout.timeline.size() == 1);
  CHECK(rollout.timeline[0].kind == TimelineKind::kRollout);
  CHECK(rollout.load.users.constant == 10000);
  Scenario trace = load_scenario(kScenarios + "/trace.yaml");
  CHECK(trace.load.users.shape == ProfileShape::kTrace);
  double peak = 0;
  for (const ProfilePoint& p : trace.load.users.points) peak = std::max(peak, p.users);
  CHECK(peak == doctest::Approx(656 * 15));  // the 2014-04-22 evening burst
  CHECK(trace.load.users.points.front().at <= SimDuration(0));
  CHECK(trace.load.users.points.back().at >= trace.duration);
  CHECK(trace.load.users.points.size() > 280);  // a day of 5-minute samples
}

TEST_CASE("At 5,000 users with the report's pod counts, CPU demand is 80% of requests") {
  Scenario s = load_scenario(kScenarios + "/high.yaml");
  Manifests m = load_manifests(s.manifests);
  LoadModel model(m, s.load);
  std::vector<ServiceReadiness> in;
  for (const auto& [ns, name] : model.services()) {
    int32_t ready = seed_pods_at_5000().count(name) ? seed_pods_at_5000().at(name) : 1;
    in.push_back({ns, name, ready, cpu_limit_of(m, name), 0});
  }
  std::vector<ServiceLoad> out(in.size());
  model.evaluate(SimTime::from_seconds(600), in, out);
  std::map<std::string, ServiceLoad> by_name;
  for (size_t i = 0; i < in.size(); ++i) by_name[in[i].name] = out[i];
  // chat: 0.8 x 300m; auth and billing: 0.8 x 250m.
  CHECK(by_name["chat-service"].cpu_demand_milli_per_pod == 240);
  CHECK(by_name["auth-service"].cpu_demand_milli_per_pod == 200);
  CHECK(by_name["billing-service"].cpu_demand_milli_per_pod == 200);
  CHECK(by_name["chat-service"].arrival_rps == doctest::Approx(250));
  CHECK(by_name["auth-service"].arrival_rps == doctest::Approx(100));
  CHECK(by_name["billing-service"].arrival_rps == doctest::Approx(50));
  // Fan-out from the ConfigMap references, with the scenario's calls per request:
  // postgres 250 x 2 + 100 x 1 + 50 x 2; redis 250 + 100 x 2 + 50; jaeger one span each.
  CHECK(by_name["postgres-service"].arrival_rps == doctest::Approx(700));
  CHECK(by_name["redis-service"].arrival_rps == doctest::Approx(500));
  CHECK(by_name["jaeger-service"].arrival_rps == doctest::Approx(400));
  // Nobody is saturated at the report's counts, and the SLO holds.
  for (const auto& entry : by_name) {
    const std::string& name = entry.first;  // CAPTURE's lambda cannot take a binding (clang 14)
    CAPTURE(name);
    CHECK(entry.second.latency_ms < 300);
  }
}

TEST_CASE("The call graph of My-SaaS-Chat comes from its ConfigMap") {
  Scenario s = load_scenario(kScenarios + "/baseline.yaml");
  LoadSpec bare = s.load;
  bare.services.clear();  // no explicit fan-out: what the manifests alone say
  ServiceGraph g = build_service_graph(load_manifests(s.manifests), bare);
  std::vector<std::string> edges;
  for (const CallEdge& e : g.edges) {
    edges.push_back(g.services[e.from].name + "->" + g.services[e.to].name);
    CHECK(e.calls_per_request == 1.0);
  }
  CHECK(edges ==
        std::vector<std::string>{"auth-service->jaeger-service", "auth-service->postgres-service",
                                 "auth-service->redis-service", "billing-service->jaeger-service",
                                 "billing-service->postgres-service",
                                 "billing-service->redis-service", "chat-service->jaeger-service",
                                 "chat-service->postgres-service", "chat-service->redis-service"});
}

TEST_CASE("The seed report's claims are data in seed-claims.yaml") {
  Claims c = load_claims(kScenarios + "/seed-claims.yaml");
  REQUIRE(c.scaling.size() == 3);
  CHECK(c.scaling[0].users == 100);
  CHECK(c.scaling[0].replicas == std::map<std::string, int32_t>{{"auth-service", 2},
                                                                {"billing-service", 2},
                                                                {"chat-service", 3}});
  CHECK(c.at_level(5000)->replicas.at("chat-service") == 15);
  CHECK(c.at_level(5000)->cpu_utilization_percent == 80);
  CHECK(c.at_level(10000)->replicas.at("billing-service") == 8);
  CHECK(c.at_level(10000)->cpu_utilization_percent == 85);
  CHECK(c.minimum->pods == 9);
  CHECK(c.minimum->cpu_milli == 2050);
  CHECK(c.minimum->memory == 2304LL << 20);
  CHECK(c.minimum->storage == 15LL << 30);
  CHECK(c.maximum->pods == 38);
  CHECK(c.maximum->cpu_milli == 13850);
  CHECK(c.maximum->memory == 17536LL << 20);
  CHECK(c.recommended_cluster->nodes == 3);
  CHECK(c.recommended_cluster->cpu_milli_per_node == 2000);
  CHECK(c.recommended_cluster->memory_per_node == 4LL << 30);
  CHECK(c.full_scale_out_min_nodes == 10);
  CHECK(c.scale_down_within == SimDuration(300'000));
}

TEST_CASE("The full example of scenarios/README.md parses and resolves") {
  std::ifstream in(kScenarios + "/README.md");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string readme = buf.str();
  const std::string start_marker = "<!-- full-example -->\n```yaml\n";
  size_t start = readme.find(start_marker);
  REQUIRE(start != std::string::npos);
  start += start_marker.size();
  size_t end = readme.find("```", start);
  REQUIRE(end != std::string::npos);
  Scenario s = parse_scenario(readme.substr(start, end - start), kScenarios + "/example.yaml");
  CHECK(s.name == "example");
  CHECK_FALSE(s.timeline.empty());
  Manifests m = load_manifests(s.manifests);
  CHECK_NOTHROW(check_scenario_references(s, m));
  LoadModel model(m, s.load);
  CHECK_NOTHROW((void)to_simulation_config(s, m, &model));
}

TEST_CASE("A workload named without its suffix is suggested in full") {
  Scenario s = load_scenario(kScenarios + "/rollout.yaml");
  Manifests m = load_manifests(s.manifests);
  WorkloadRef chat = resolve_workload({"", "", "chat-service"}, m, s.namespaces, {});
  CHECK(chat.kind == "Deployment");
  CHECK(chat.ns == "production");
  CHECK_THROWS_WITH_AS(resolve_workload({"", "", "chat"}, m, s.namespaces, {"r.yaml", 3, 4}),
                       "r.yaml:3:4: unknown workload 'chat', did you mean 'chat-service'?",
                       InputError);
  CHECK_THROWS_WITH_AS(resolve_workload({"Deployment", "", "postgres"}, m, {}, {"r.yaml", 3, 4}),
                       doctest::Contains("unknown workload 'Deployment/postgres'"), InputError);
}
