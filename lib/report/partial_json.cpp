// Shared parts of the partial results (partial_json.h).
#include "report/partial_json.h"

#include <fmt/format.h>

#include "simcluster/error.h"

namespace simcluster::partial_json {

Json partial(const std::string& command, int format, const PartialHeader& h, Json results) {
  return {{"kind", "SimclusterPartial"},
          {"format", format},
          {"command", command},
          {"version", h.version},
          {"digest", h.digest},
          {"args", h.args},
          {"shard", h.shard},
          {"shards", h.shards},
          {"tasks", h.tasks},
          {"results", std::move(results)}};
}

void damaged(const std::string& file, const std::exception& e) {
  throw InputError(SourceLocation{file, 0, 0},
                   fmt::format("a damaged partial result: {}", e.what()), "run the shard again");
}

Json read_partial(std::string_view text, const std::string& file, const std::string& command,
                  int format, PartialHeader& h) {
  const SourceLocation where{file, 0, 0};
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("kind", "") != "SimclusterPartial") {
    throw InputError(where, "not a simcluster partial result (JSON of kind SimclusterPartial)",
                     fmt::format("give the files written by 'simcluster {} --shard I/N'", command));
  }
  const std::string of = j.contains("command") && j["command"].is_string()
                             ? j["command"].get<std::string>()
                             : std::string();
  if (of != command) {
    throw InputError(where, fmt::format("a partial of '{}', not of '{}'", of, command),
                     "merge partials of one command");
  }
  if (!j.contains("format") || !j["format"].is_number_integer() ||
      j["format"].get<int>() != format) {
    throw InputError(where,
                     fmt::format("{} partial format {} is not this simcluster's ({})", command,
                                 j.contains("format") ? j["format"].dump() : "none", format),
                     "run every shard and the merge with the same simcluster version");
  }
  try {
    h.version = j.at("version").get<std::string>();
    h.digest = j.at("digest").get<std::string>();
    h.args = j.at("args").get<std::vector<std::string>>();
    h.shard = j.at("shard").get<size_t>();
    h.shards = j.at("shards").get<size_t>();
    h.tasks = j.at("tasks").get<size_t>();
    return std::move(j.at("results"));
  } catch (const std::exception& e) {
    damaged(file, e);
  }
}

Json totals_json(const ResourceTotals& t) {
  return Json::array({t.pods, t.cpu_requests_milli, t.memory_requests, t.cpu_limits_milli,
                      t.memory_limits, t.storage});
}

ResourceTotals totals_from(const Json& j) {
  ResourceTotals t;
  t.pods = j.at(0).get<int64_t>();
  t.cpu_requests_milli = j.at(1).get<int64_t>();
  t.memory_requests = j.at(2).get<int64_t>();
  t.cpu_limits_milli = j.at(3).get<int64_t>();
  t.memory_limits = j.at(4).get<int64_t>();
  t.storage = j.at(5).get<int64_t>();
  return t;
}

Json fit_issues_json(const std::vector<FitIssue>& issues) {
  Json out = Json::array();
  for (const FitIssue& i : issues) {
    out.push_back({{"check", i.check},
                   {"object", i.object},
                   {"first_ms", i.first.ms()},
                   {"count", i.count},
                   {"message", i.message},
                   {"value", i.value}});
  }
  return out;
}

std::vector<FitIssue> fit_issues_from(const Json& j) {
  std::vector<FitIssue> out;
  for (const Json& i : j) {
    FitIssue f;
    f.check = i.at("check").get<std::string>();
    f.object = i.at("object").get<std::string>();
    f.first = SimTime::from_ms(i.at("first_ms").get<int64_t>());
    f.count = i.at("count").get<int64_t>();
    f.message = i.at("message").get<std::string>();
    f.value = i.at("value").get<int64_t>();
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace simcluster::partial_json
