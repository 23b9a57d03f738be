// What the partial results of `plan --shard` (lib/plan/partial.cpp) and `run --shard`
// (lib/report/run_partial.cpp) share: the header every partial carries and merge checks,
// and the JSON of the pieces both hold (resource totals, verdict issues). Private to lib/.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/partial.h"
#include "simcluster/report.h"

namespace simcluster::partial_json {

using Json = nlohmann::ordered_json;

// The partial: kind, format, command, the header's fields, then "results".
Json partial(const std::string& command, int format, const PartialHeader& header, Json results);
// Parses `text` as a partial of `command` in `format`, fills `header` and returns its
// "results". Throws InputError at `file` for anything else: not a partial, another
// command's, another format, a damaged header. Errors reading the results are the
// caller's to report with damaged().
Json read_partial(std::string_view text, const std::string& file, const std::string& command,
                  int format, PartialHeader& header);
// The InputError for a partial whose content could not be read.
[[noreturn]] void damaged(const std::string& file, const std::exception& e);

Json totals_json(const ResourceTotals& t);
ResourceTotals totals_from(const Json& j);
Json fit_issues_json(const std::vector<FitIssue>& issues);
std::vector<FitIssue> fit_issues_from(const Json& j);

}  // namespace simcluster::partial_json
