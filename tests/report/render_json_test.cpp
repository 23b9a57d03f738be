#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/json_tree.h"
#include "sample_report.h"
#include "schema_check.h"
#include "simcluster/render.h"

using namespace simcluster;
using nlohmann::json;
using simcluster::testing::sample_report;

namespace {

json load_schema() {
  std::ifstream in(std::string(SIMCLUSTER_SOURCE_DIR) + "/docs/report.schema.json");
  REQUIRE(in.good());
  return json::parse(in);
}

// Converts a YAML node to JSON the way a YAML 1.2 core-schema reader would
// read our output: quoted scalars are strings, plain ones numbers/bool/null.
json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      json j = json::object();
      for (const auto& kv : n) j[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      json j = json::array();
      for (const auto& x : n) j.push_back(yaml_to_json(x));
      return j;
    }
    case YAML::NodeType::Scalar: {
      if (n.Tag() == "!") return n.as<std::string>();  // quoted
      std::string s = n.as<std::string>();
      if (s == "null") return nullptr;
      if (s == "true") return true;
      if (s == "false") return false;
      return json::parse(s);
    }
    default:
      return nullptr;
  }
}

}  // namespace

TEST_CASE("the JSON report parses, has version 1 and the documented top-level keys") {
  json j = json::parse(render_json(sample_report()));
  CHECK(j["version"] == 1);
  CHECK(j["kind"] == "SimulationReport");
  json schema = load_schema();
  const auto& def = schema["$defs"]["SimulationReport"];
  for (const auto& key : def["required"]) CHECK_MESSAGE(j.contains(key.get<std::string>()), key);
  for (auto it = j.begin(); it != j.end(); ++it) {
    CHECK_MESSAGE(def["properties"].contains(it.key()), it.key());
  }
}

TEST_CASE("the JSON report conforms to docs/report.schema.json") {
  testing::SchemaChecker checker(load_schema());
  CHECK(checker.check(json::parse(render_json(sample_report()))) == "");
  Report empty;
  CHECK(checker.check(json::parse(render_json(empty))) == "");
  // The checker is not a rubber stamp.
  json broken = json::parse(render_json(sample_report()));
  broken["workloads"][0].erase("replicas");
  CHECK(checker.check(broken) != "");
  broken = json::parse(render_json(sample_report()));
  broken["surprise"] = 1;
  CHECK(checker.check(broken) != "");
  broken = json::parse(render_json(sample_report()));
  broken["version"] = 2;
  CHECK(checker.check(broken) != "");
}

TEST_CASE("the JSON report holds the summary, events and the time series") {
  Report r = sample_report();
  json j = json::parse(render_json(r));
  CHECK(j["scenario"] == "peak");
  CHECK(j["file"] == "scenarios/peak.yaml");
  CHECK(j["seed"] == 42);
  CHECK(j["duration_ms"] == 600000);
  CHECK(j["duration"] == "10m");
  CHECK(j["peak_users"] == 10000);
  const auto& chat = j["workloads"][2];
  CHECK(chat["name"] == "chat-service");
  CHECK(chat["replicas"] == json{{"start", 5}, {"min", 3}, {"max", 18}, {"end", 4}});
  CHECK(chat["requests_per_pod"]["cpu_milli"] == 300);
  CHECK(chat["requests_per_pod"]["memory_bytes"] == 384 * testing::kMi);
  CHECK(chat["hpa"]["reaction_seconds"] == json::array({105}));
  CHECK(chat["rollout_seconds"] == json::array({135}));
  CHECK(j["workloads"][3]["hpa"].is_null());
  CHECK(j["totals"]["peak"]["cpu_requests_milli"] == 10550);
  CHECK(j["totals"]["max_pods"] == 39);
  CHECK(j["nodes"]["max_ready"] == 5);
  CHECK(j["pending"]["reasons"][0]["count"] == 7);
  CHECK(j["events"].size() == r.events.size());
  CHECK(j["events"][1]["details"]["metric"] == "cpu");
  CHECK(j["series"]["t_ms"].size() == 10);
  CHECK(j["series"]["t_ms"][1] == 60000);
  CHECK(j["series"]["workloads"][2]["workload"] == "Deployment/production/chat-service");
  CHECK(j["series"]["workloads"][2]["replicas"][1] == 18);
  CHECK(j["series"]["latency_ms"][1]["service"] == "production/chat-service");
}

TEST_CASE("JSON floats have three decimals at most and infinities become null") {
  std::string text = render_json(sample_report());
  json j = json::parse(text);
  CHECK(text.find("\"avg_cpu_requests_of_allocatable_percent\": 61.235") != std::string::npos);
  CHECK(text.find("33.333,") != std::string::npos);
  CHECK(j["services"][1]["max_latency_ms"].is_null());
  CHECK(j["series"]["latency_ms"][1]["values"][3].is_null());
  CHECK(j["series"]["latency_ms"][1]["values"][4] == 154);
  CHECK(j["services"][0]["mean_latency_ms"] == 21.125);
  CHECK(text.find("inf") == std::string::npos);
  CHECK(text.find("nan") == std::string::npos);
}

TEST_CASE("JSON strings from the input are escaped, and invalid UTF-8 is replaced") {
  Report r = sample_report();
  r.scenario = "quote\" back\\slash\nnew\x01line </script>";
  r.warnings.push_back({"Bad", std::string("bytes \xff\xfe and \xc3\xa9 ok")});
  std::string text = render_json(r);
  json j = json::parse(text);  // throws on invalid JSON or UTF-8
  CHECK(j["scenario"] == "quote\" back\\slash\nnew\x01line </script>");
  CHECK(j["warnings"].back()["message"] == "bytes \xef\xbf\xbd\xef\xbf\xbd and \xc3\xa9 ok");
  CHECK(report_detail::json_quote("\x7f") == "\"\\u007f\"");
}

TEST_CASE("the YAML report is the JSON report's tree") {
  Report r = sample_report();
  r.scenario = "yes";  // must stay a string, not a YAML 1.1 boolean
  r.warnings.push_back({"Colon", "a: b - c # not a comment"});
  r.events[0].details = {{"on", "off"}, {"key with space", "v"}};
  YAML::Node y = YAML::Load(render_yaml(r));
  CHECK(yaml_to_json(y) == json::parse(render_json(r)));
}

TEST_CASE("the JSON printer keeps scalar arrays on one line and is stable") {
  using report_detail::Json;
  Json j = Json::object();
  j["a"] = Json::array({1, 2, 3});
  j["b"] = Json::object();
  j["c"] = Json::array({Json{{"x", 1.5}}, Json{{"x", nullptr}}});
  CHECK(report_detail::dump_json(j) ==
        "{\n"
        "  \"a\": [1, 2, 3],\n"
        "  \"b\": {},\n"
        "  \"c\": [\n"
        "    {\n"
        "      \"x\": 1.5\n"
        "    },\n"
        "    {\n"
        "      \"x\": null\n"
        "    }\n"
        "  ]\n"
        "}\n");
  CHECK(report_detail::dump_yaml(j) ==
        "a: [1, 2, 3]\n"
        "b: {}\n"
        "c:\n"
        "- x: 1.5\n"
        "- x: null\n");
}

TEST_CASE("the JSON and YAML reports list the --set overrides after file, absent without") {
  Report r = sample_report();
  CHECK_FALSE(json::parse(render_json(r)).contains("overrides"));
  r.overrides = {"cluster.nodePools[0].count=6", "services.chat-service.concurrency=4"};
  json j = json::parse(render_json(r));
  CHECK(j["overrides"] ==
        json::array({"cluster.nodePools[0].count=6", "services.chat-service.concurrency=4"}));
  // In the text, right after "file" (the parsed object sorts its keys).
  const std::string text = render_json(r);
  const size_t at = text.find(
      "\n  \"overrides\": [\"cluster.nodePools[0].count=6\", "
      "\"services.chat-service.concurrency=4\"],\n");
  REQUIRE(at != std::string::npos);
  CHECK(text.rfind("\n  \"file\": ", at) == text.rfind("\n", at - 1));
  testing::SchemaChecker checker(load_schema());
  CHECK(checker.check(j) == "");
  CHECK(yaml_to_json(YAML::Load(render_yaml(r)))["overrides"] == j["overrides"]);
}

TEST_CASE("render_json streams the events: the bytes of the whole tree, with or without events") {
  using report_detail::dump_json;
  using report_detail::report_to_json;
  Report r = sample_report();
  REQUIRE_FALSE(r.events.empty());
  CHECK(render_json(r) == dump_json(report_to_json(r)));
  r.events.clear();
  CHECK(render_json(r) == dump_json(report_to_json(r)));
  const Report empty;
  CHECK(render_json(empty) == dump_json(report_to_json(empty)));
}
