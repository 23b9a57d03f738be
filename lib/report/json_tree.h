// The report as a JSON tree (nlohmann::ordered_json, so keys keep the order
// docs/report.md documents), and the two writers that print such a tree
// deterministically: JSON and YAML. Private to lib/report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "simcluster/report.h"

namespace simcluster::report_detail {

using Json = nlohmann::ordered_json;

// Decimals kept for every floating-point figure in JSON, YAML and CSV.
inline constexpr int kJsonDecimals = 3;

Json report_to_json(const Report& report);
Json verdict_to_json(const Verdict& verdict);
Json resource_totals_to_json(const ResourceTotals& totals);
Json resources_to_json(const Resources& resources);

// Pretty JSON: objects one key a line, arrays of scalars on one line, two-space
// indent, floats with kJsonDecimals decimals (trailing zeros trimmed), NaN and
// infinities as null, invalid UTF-8 replaced by U+FFFD. Ends with "\n".
std::string dump_json(const Json& tree);
// The same tree as block YAML; strings double-quoted with JSON escapes (a
// subset of YAML's double-quoted style), so no input can change the structure.
std::string dump_yaml(const Json& tree);

// A JSON string literal, with the quotes.
std::string json_quote(std::string_view text);

}  // namespace simcluster::report_detail
