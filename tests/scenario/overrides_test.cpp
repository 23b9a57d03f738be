// --set PATH=VALUE (lib/scenario/overrides.cpp): an override is applied to the
// scenario's YAML before it is checked, so it gets the file's checks, and
// errors about it name the flag.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scenario/scenario_fixtures.h"
#include "simcluster/manifests.h"
#include "simcluster/scenario.h"

using namespace simcluster;
using simcluster::testing::minimal_scenario;
using simcluster::testing::ScratchDir;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::vector<ScenarioOverride> sets(const std::vector<std::string>& flags) {
  std::vector<ScenarioOverride> out;
  for (const std::string& f : flags) {
    std::optional<ScenarioOverride> o = parse_override(f);
    REQUIRE(o.has_value());
    out.push_back(*o);
  }
  return out;
}

Scenario parse_with(const ScratchDir& dir, const std::string& text,
                    const std::vector<std::string>& flags) {
  return parse_scenario(text, dir.file("test.yaml"), dir.path(), sets(flags));
}

// The error (what()) parsing `text` with `flags` gives, or "" when it parses.
std::string error_with(const ScratchDir& dir, const std::string& text,
                       const std::vector<std::string>& flags) {
  try {
    (void)parse_with(dir, text, flags);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("parse_override splits PATH=VALUE at the first '='") {
  std::optional<ScenarioOverride> o = parse_override("load.users=5000");
  REQUIRE(o.has_value());
  CHECK(o->path == "load.users");
  CHECK(o->value == "5000");
  o = parse_override("a.b=x=y");
  REQUIRE(o.has_value());
  CHECK(o->path == "a.b");
  CHECK(o->value == "x=y");
  o = parse_override("slo.latency=");
  REQUIRE(o.has_value());
  CHECK(o->value == "");
  CHECK_FALSE(parse_override("load.users").has_value());
  CHECK_FALSE(parse_override("=5").has_value());
}

TEST_CASE("An override replaces a scalar, a list entry's key, and is recorded") {
  ScratchDir dir;
  const std::string text = minimal_scenario("load: {users: 10}\nseed: 3\n");
  Scenario plain = dir.parse(text);
  CHECK(plain.overrides.empty());
  CHECK(plain.load.users.constant == 10);

  Scenario s = parse_with(dir, text,
                          {"load.users=5000", "cluster.nodePools[0].count=5",
                           "cluster.nodePools[0].preset=e2-standard-4", "seed=9"});
  CHECK(s.load.users.shape == ProfileShape::kConstant);
  CHECK(s.load.users.constant == 5000);
  REQUIRE(s.node_pools.size() == 1);
  CHECK(s.node_pools[0].count == 5);
  CHECK(s.node_pools[0].shape.capacity.cpu_milli == 4000);
  CHECK(s.seed == 9);
  CHECK(s.overrides == std::vector<std::string>{"load.users=5000", "cluster.nodePools[0].count=5",
                                                "cluster.nodePools[0].preset=e2-standard-4",
                                                "seed=9"});
  // The last override of a path wins.
  CHECK(parse_with(dir, text, {"seed=4", "seed=5"}).seed == 5);
  // A mapping replaced by a scalar: users given as {constant: N} in the file.
  Scenario m =
      parse_with(dir, minimal_scenario("load: {users: {constant: 10}}\n"), {"load.users=7"});
  CHECK(m.load.users.constant == 7);
}

TEST_CASE("An override creates the mappings the file does not have") {
  ScratchDir dir;
  Scenario s = parse_with(dir, minimal_scenario(),
                          {"slo.latency=200ms", "services.web.concurrency=4", "hpa.tolerance=0.2"});
  REQUIRE(s.slo.latency_ms.has_value());
  CHECK(*s.slo.latency_ms == 200);
  REQUIRE(s.load.services.size() == 1);
  CHECK(s.load.services[0].service == "web");
  CHECK(s.load.services[0].concurrency == 4);
  CHECK(s.hpa.tolerance == doctest::Approx(0.2));
  // An empty mapping in the file ("slo:" alone) is filled in too.
  Scenario e = parse_with(dir, minimal_scenario("slo:\n"), {"slo.latency=1s"});
  CHECK(*e.slo.latency_ms == 1000);
}

TEST_CASE("An override's value is YAML: flow lists and mappings are taken, block ones refused") {
  ScratchDir dir;
  Scenario s = parse_with(dir, minimal_scenario(),
                          {"namespaces=[shop, other]",
                           "services.web={cpuPerRequest: 2, "
                           "concurrency: 3}",
                           "cluster.nodePools[0].labels={tier: web}",
                           "cluster.nodePools[0].labels[\"example.com/disk\"]=ssd"});
  CHECK(s.namespaces == std::vector<std::string>{"shop", "other"});
  REQUIRE(s.load.services.size() == 1);
  CHECK(s.load.services[0].concurrency == 3);
  CHECK(s.node_pools[0].labels.at("tier") == "web");
  CHECK(s.node_pools[0].labels.at("example.com/disk") == "ssd");
  CHECK(contains(error_with(dir, minimal_scenario(), {"name=a: b"}),
                 "--set name=a: b: the value 'a: b' reads as a YAML mapping"));
  CHECK(contains(error_with(dir, minimal_scenario(), {"name=[a"}),
                 "--set name=[a: YAML syntax error"));
  // Quoted, it is a string.
  CHECK(parse_with(dir, minimal_scenario(), {"name=\"a: b\""}).name == "a: b");
}

TEST_CASE("An unknown key given by --set is an error at the flag with did you mean") {
  ScratchDir dir;
  CHECK(error_with(dir, minimal_scenario(), {"cluster.nodePools[0].cont=5"}) ==
        "--set cluster.nodePools[0].cont=5: unknown key 'cont' in cluster.nodePools[0], did you "
        "mean 'count'?");
  CHECK(error_with(dir, minimal_scenario(), {"slo.latncy=200ms"}) ==
        "--set slo.latncy=200ms: unknown key 'latncy' in slo, did you mean 'latency'?");
  CHECK(error_with(dir, minimal_scenario(), {"laod.users=5"}) ==
        "--set laod.users=5: unknown key 'laod', did you mean 'load'?");
}

TEST_CASE("A value of the wrong type given by --set is an error naming the flag, not a line") {
  ScratchDir dir;
  CHECK(error_with(dir, minimal_scenario(), {"cluster.nodePools[0].count=abc"}) ==
        "--set cluster.nodePools[0].count=abc: cluster.nodePools[0].count must be an integer, got "
        "'abc'");
  CHECK(contains(error_with(dir, minimal_scenario(), {"cluster.nodePools[0].count=20000"}),
                 "--set cluster.nodePools[0].count=20000: cluster.nodePools[0].count must be "
                 "between 0 and 10000"));
  CHECK(contains(error_with(dir, minimal_scenario(), {"slo.latency=fast"}),
                 "--set slo.latency=fast: slo.latency: bad duration 'fast'"));
  CHECK(contains(error_with(dir, minimal_scenario(), {"cluster.nodePools[0].preset=e2-standard4"}),
                 "--set cluster.nodePools[0].preset=e2-standard4: unknown machine preset "
                 "'e2-standard4', did you mean 'e2-standard-4'?"));
  // An error at a line of the file that an override may have caused says so.
  std::string e = error_with(dir, minimal_scenario(), {"cluster.nodePools[0].cpu=2"});
  CHECK(contains(e, "test.yaml:5:"));
  CHECK(contains(e, "give a preset or cpu/memory, not both"));
  CHECK(contains(e, "the scenario was read with --set cluster.nodePools[0].cpu=2"));
}

TEST_CASE("A list index out of range says how many entries there are") {
  ScratchDir dir;
  CHECK(contains(error_with(dir, minimal_scenario(), {"cluster.nodePools[3].count=5"}),
                 "--set cluster.nodePools[3].count=5: cluster.nodePools has 1 entry (indices "
                 "0..0)"));
  // One past the end is refused too: --set does not add entries.
  const std::string two =
      "name: t\nmanifests: [app.yaml]\ncluster:\n  nodePools:\n"
      "    - {name: a, count: 1, preset: 2cpu-4gi}\n    - {name: b, count: 1, preset: 2cpu-4gi}\n";
  std::string e = error_with(dir, two, {"cluster.nodePools[2].count=5"});
  CHECK(contains(e, "cluster.nodePools has 2 entries (indices 0..1)"));
  CHECK(contains(e, "set the whole list as a flow value"));
  CHECK(parse_with(dir, two, {"cluster.nodePools[1].count=4"}).node_pools[1].count == 4);
  CHECK(contains(error_with(dir, minimal_scenario("namespaces: []\n"), {"namespaces[0]=x"}),
                 "--set namespaces[0]=x: namespaces has no entries"));
}

TEST_CASE(
    "A path that does not fit the scenario's shape, or is malformed, is an error at the flag") {
  ScratchDir dir;
  const std::string text = minimal_scenario("load: {users: 10}\n");
  CHECK(contains(error_with(dir, text, {"load.users.constant=5"}),
                 "--set load.users.constant=5: load.users is '10', not a mapping, so "
                 "load.users.constant does not exist"));
  CHECK(contains(error_with(dir, text, {"cluster[0]=5"}),
                 "--set cluster[0]=5: cluster is a mapping, not a list"));
  CHECK(contains(error_with(dir, text, {"timeline[0].at=1m"}),
                 "--set timeline[0].at=1m: timeline is not in the scenario, so timeline[0] does "
                 "not exist"));
  CHECK(contains(error_with(dir, text, {"load..users=5"}), "--set load..users=5: an empty key"));
  CHECK(contains(error_with(dir, text, {"cluster.nodePools[x].count=5"}),
                 "[x] in cluster.nodePools[x].count is not a list index"));
  CHECK(contains(error_with(dir, text, {"cluster.nodePools[0.count=5"}), "'[' without ']'"));
}

TEST_CASE("References an override makes are checked against the manifests at the flag") {
  ScratchDir dir;
  Scenario s = parse_with(dir, minimal_scenario(), {"services.webb.cpuPerRequest=1"});
  Manifests m = load_manifests(s.manifests);
  std::string e;
  try {
    check_scenario_references(s, m);
  } catch (const InputError& err) {
    e = err.what();
  }
  CHECK(contains(e,
                 "--set services.webb.cpuPerRequest=1: unknown Service 'webb', did you mean "
                 "'web'?"));
}

TEST_CASE("load_scenario applies overrides to the file it reads") {
  ScratchDir dir;
  dir.write("s.yaml", minimal_scenario());
  Scenario s = load_scenario(dir.file("s.yaml"), sets({"cluster.nodePools[0].count=7"}));
  CHECK(s.node_pools[0].count == 7);
  CHECK(s.overrides == std::vector<std::string>{"cluster.nodePools[0].count=7"});
  CHECK(load_scenario(dir.file("s.yaml")).node_pools[0].count == 2);
}

TEST_CASE("A value shared through a YAML alias is changed where the alias is used too") {
  ScratchDir dir;
  const std::string text =
      "name: t\nmanifests: [app.yaml]\ncluster:\n  nodePools:\n"
      "    - {name: a, count: &n 1, preset: 2cpu-4gi}\n    - {name: b, count: *n, preset: "
      "2cpu-4gi}\n";
  Scenario s = parse_with(dir, text, {"cluster.nodePools[0].count=4"});
  CHECK(s.node_pools[0].count == 4);
  CHECK(s.node_pools[1].count == 4);
}
