// What the partial results of `plan --shard` (lib/plan/partial.cpp) and `run --shard`
// (lib/report/run_partial.cpp) share: the header every partial carries and merge checks,
// and the JSON of the pieces both hold (resource totals, verdict issues). Private to lib/.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/report.h"

namespace simcluster::partial_json {

using Json = nlohmann::ordered_json;

// The header of a partial ("kind": "SimclusterPartial").
struct Header {
  std::string command;  // "plan", "run"
  int format = 0;       // the command's partial format
  std::string version, digest;
  std::vector<std::string> args;
  size_t shard = 0, shards = 1, tasks = 0;
};

// The partial: the header's fields, then "results".
Json partial(const Header& header, Json results);
// Parses `text` as a partial of `command` in `format` into `header` (command and format
// as asked) and returns its "results". Throws InputError at `file` for anything else:
// not a partial, another command's, another format, a damaged header; `results_from`
// errors of the caller should also be reported with damaged().
Json read_partial(std::string_view text, const std::string& file, const std::string& command,
                  int format, Header& header);
// The InputError for a partial whose content could not be read.
[[noreturn]] void damaged(const std::string& file, const std::exception& e);

Json totals_json(const ResourceTotals& t);
ResourceTotals totals_from(const Json& j);
Json fit_issues_json(const std::vector<FitIssue>& issues);
std::vector<FitIssue> fit_issues_from(const Json& j);

}  // namespace simcluster::partial_json
