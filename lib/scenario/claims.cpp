// Claims files (scenario.h): what a report claims, as data.
#include <fmt/format.h>

#include <algorithm>

#include "scenario/csv.h"
#include "scenario/yaml_reader.h"
#include "simcluster/scenario.h"

namespace simcluster {
namespace {

using scenario_internal::index_path;
using scenario_internal::join_path;
using scenario_internal::YamlReader;

constexpr size_t kMaxClaimsBytes = size_t{1} << 20;

TotalsClaim parse_totals(const YamlReader& r, const YAML::Node& n, const std::string& path) {
  r.check_keys(n, path, {"pods", "cpu", "memory", "storage"});
  TotalsClaim t;
  t.source = r.where(n);
  t.pods = static_cast<int32_t>(
      r.integer(r.required(n, "pods", path), join_path(path, "pods"), 0, 1'000'000));
  t.cpu_milli = r.cpu_milli(r.required(n, "cpu", path), join_path(path, "cpu"));
  t.memory = r.bytes(r.required(n, "memory", path), join_path(path, "memory"));
  if (n["storage"].IsDefined()) t.storage = r.bytes(n["storage"], join_path(path, "storage"));
  return t;
}

}  // namespace

const ScalingClaim* Claims::at_level(int64_t users) const {
  for (const ScalingClaim& c : scaling) {
    if (c.users == users) return &c;
  }
  return nullptr;
}

Claims parse_claims(std::string_view text, const std::string& file_name) {
  YamlReader r(file_name);
  YAML::Node root = r.parse(text);
  if (!root.IsMap()) {
    throw InputError(SourceLocation{file_name, 1, 1}, "a claims file must be a mapping",
                     "see scenarios/README.md, \"Claims\"");
  }
  r.check_keys(root, "",
               {"title", "origin", "scaling", "minimum", "maximum", "recommendedCluster",
                "fullScaleOut", "scaleDownWithin"});
  Claims c;
  c.file = file_name;
  if (root["title"].IsDefined()) c.title = r.string(root["title"], "title");
  if (root["origin"].IsDefined()) c.origin = r.string(root["origin"], "origin");
  if (YAML::Node s = root["scaling"]; s.IsDefined()) {
    r.require_sequence(s, "scaling");
    for (size_t i = 0; i < s.size(); ++i) {
      const YAML::Node item = s[i];
      const std::string path = index_path("scaling", i);
      r.check_keys(item, path, {"users", "cpuUtilization", "replicas"});
      ScalingClaim sc;
      sc.source = r.where(item);
      sc.users =
          r.integer(r.required(item, "users", path), join_path(path, "users"), 0, 1'000'000'000);
      if (item["cpuUtilization"].IsDefined()) {
        sc.cpu_utilization_percent = static_cast<int32_t>(
            r.integer(item["cpuUtilization"], join_path(path, "cpuUtilization"), 0, 1000));
      }
      const YAML::Node reps = r.required(item, "replicas", path);
      const std::string rp = join_path(path, "replicas");
      r.require_map(reps, rp);
      for (auto it = reps.begin(); it != reps.end(); ++it) {
        std::string name = r.string(it->first, rp);
        if (sc.replicas.count(name) != 0)
          r.fail_at(it->first, fmt::format("duplicate workload '{}'", name));
        sc.replicas[name] =
            static_cast<int32_t>(r.integer(it->second, join_path(rp, name), 0, 100'000));
      }
      if (c.at_level(sc.users) != nullptr) {
        r.fail_at(item, fmt::format("two scaling claims for {} users", sc.users));
      }
      c.scaling.push_back(std::move(sc));
    }
    std::sort(c.scaling.begin(), c.scaling.end(),
              [](const ScalingClaim& a, const ScalingClaim& b) { return a.users < b.users; });
  }
  if (root["minimum"].IsDefined()) c.minimum = parse_totals(r, root["minimum"], "minimum");
  if (root["maximum"].IsDefined()) c.maximum = parse_totals(r, root["maximum"], "maximum");
  if (YAML::Node n = root["recommendedCluster"]; n.IsDefined()) {
    const std::string path = "recommendedCluster";
    r.check_keys(n, path, {"nodes", "cpu", "memory"});
    ClusterClaim cc;
    cc.source = r.where(n);
    cc.nodes = static_cast<int32_t>(
        r.integer(r.required(n, "nodes", path), "recommendedCluster.nodes", 0, 100'000));
    cc.cpu_milli_per_node = r.cpu_milli(r.required(n, "cpu", path), "recommendedCluster.cpu");
    cc.memory_per_node = r.bytes(r.required(n, "memory", path), "recommendedCluster.memory");
    c.recommended_cluster = cc;
  }
  if (YAML::Node n = root["fullScaleOut"]; n.IsDefined()) {
    r.check_keys(n, "fullScaleOut", {"minNodes"});
    c.full_scale_out_min_nodes = static_cast<int32_t>(
        r.integer(r.required(n, "minNodes", "fullScaleOut"), "fullScaleOut.minNodes", 0, 100'000));
  }
  if (YAML::Node n = root["scaleDownWithin"]; n.IsDefined()) {
    c.scale_down_within =
        r.duration(n, "scaleDownWithin", SimDuration(0), SimDuration(86'400'000LL * 366));
  }
  return c;
}

Claims load_claims(const std::string& path) {
  std::string text = scenario_internal::read_text_file(path, kMaxClaimsBytes,
                                                       SourceLocation{path, 0, 0}, "claims file");
  return parse_claims(text, path);
}

}  // namespace simcluster
