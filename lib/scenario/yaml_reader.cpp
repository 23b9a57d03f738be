#include "scenario/yaml_reader.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

namespace simcluster::scenario_internal {
namespace {

constexpr size_t kMaxFlowDepth = 64;

// Where flow collections ([ and {) outside quotes and comments first nest
// more than `limit` deep (the bracket that goes one too deep, 1-based line and
// column), or nullopt. yaml-cpp parses them recursively, so "[[[[..." must be
// refused before it reaches the parser; the manifest loader (lib/io) reports
// the same with a location.
struct TextPosition {
  int line = 1, column = 1;
};
std::optional<TextPosition> flow_too_deep(std::string_view text, size_t limit) {
  size_t depth = 0;
  char quote = 0;
  TextPosition at;
  bool in_comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const TextPosition here = at;
    if (c == '\n') {
      ++at.line;
      at.column = 1;
      in_comment = false;
      continue;
    }
    ++at.column;
    if (in_comment) continue;
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    const char prev = i == 0 ? '\n' : text[i - 1];
    if (c == '#' && (prev == ' ' || prev == '\n' || prev == '\t')) {
      in_comment = true;
    } else if ((c == '"' || c == '\'') &&
               std::string_view(" \t\n[{,:").find(prev) != std::string_view::npos) {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return here;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

std::string type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "empty";
    case YAML::NodeType::Scalar:
      return fmt::format("'{}'", node.Scalar());
    default:
      return "undefined";
  }
}

}  // namespace

std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

std::string index_path(std::string_view parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

SourceLocation YamlReader::where(const YAML::Node& node) const {
  if (!node.IsDefined()) return SourceLocation{file_, 0, 0};
  for (const auto& [n, flag] : overridden_) {
    if (node.is(n)) return SourceLocation{flag, 0, 0};
  }
  YAML::Mark m = node.Mark();
  if (m.is_null() || m.line < 0) return SourceLocation{file_, 0, 0};
  return SourceLocation{file_, m.line + 1, m.column + 1};
}

void YamlReader::mark_override(const YAML::Node& node, const std::string& flag) {
  overridden_.emplace_back(node, flag);
}

void YamlReader::fail_at(const YAML::Node& node, const std::string& message,
                         const std::string& hint) const {
  throw InputError(where(node), message, hint);
}

YAML::Node YamlReader::parse(std::string_view text) const {
  if (std::optional<TextPosition> at = flow_too_deep(text, kMaxFlowDepth)) {
    throw InputError(SourceLocation{file_, at->line, at->column},
                     fmt::format("[ and {{ nested more than {} deep", kMaxFlowDepth),
                     "flatten the value: a scenario never needs such nesting");
  }
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // Block collections nested hundreds deep (yaml-cpp's guard says "bad file").
    throw InputError(SourceLocation{file_, e.mark.line + 1, e.mark.column + 1},
                     "mappings and lists nested too deeply",
                     "flatten the value: a scenario never needs such nesting");
  } catch (const YAML::Exception& e) {
    SourceLocation at{file_, e.mark.is_null() ? 0 : e.mark.line + 1,
                      e.mark.is_null() ? 0 : e.mark.column + 1};
    throw InputError(at, fmt::format("YAML syntax error: {}", e.msg));
  }
}

void YamlReader::require_map(const YAML::Node& node, std::string_view path) const {
  if (!node.IsMap())
    fail_at(node, fmt::format("{} must be a mapping, got {}", path, type_name(node)));
}

void YamlReader::require_sequence(const YAML::Node& node, std::string_view path) const {
  if (!node.IsSequence()) {
    fail_at(node, fmt::format("{} must be a list, got {}", path, type_name(node)));
  }
}

void YamlReader::check_keys(const YAML::Node& node, std::string_view path,
                            std::initializer_list<std::string_view> allowed) const {
  require_map(node, path.empty() ? "the document" : path);
  std::vector<std::string> names(allowed.begin(), allowed.end());
  std::map<std::string, SourceLocation> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a handle: it->first is a temporary
    if (!key.IsScalar()) fail_at(key, fmt::format("keys of {} must be names", path));
    const std::string& k = key.Scalar();
    auto [pos, fresh] = seen.emplace(k, where(key));
    if (!fresh) {
      fail_at(key, fmt::format("duplicate key '{}' (first at line {})", k, pos->second.line));
    }
    bool known = false;
    for (std::string_view a : allowed) known = known || a == k;
    if (known) continue;
    std::string in = path.empty() ? "" : fmt::format(" in {}", path);
    std::string guess = closest_match(k, names);
    if (!guess.empty())
      fail_at(key, fmt::format("unknown key '{}'{}, did you mean '{}'?", k, in, guess));
    fail_at(key, fmt::format("unknown key '{}'{}", k, in),
            fmt::format("known keys: {}", fmt::join(names, ", ")));
  }
}

YAML::Node YamlReader::required(const YAML::Node& map, std::string_view key,
                                std::string_view path) const {
  YAML::Node v = map[std::string(key)];
  if (!v.IsDefined() || v.IsNull()) {
    fail_at(map, fmt::format("{} is required", join_path(path, key)));
  }
  return v;
}

std::string YamlReader::scalar_text(const YAML::Node& node, std::string_view path,
                                    std::string_view expected) const {
  if (!node.IsScalar()) {
    fail_at(node, fmt::format("{} must be {}, got {}", path, expected, type_name(node)));
  }
  return node.Scalar();
}

std::string YamlReader::string(const YAML::Node& node, std::string_view path) const {
  return scalar_text(node, path, "a string");
}

int64_t YamlReader::integer(const YAML::Node& node, std::string_view path, int64_t min,
                            int64_t max) const {
  std::string text = scalar_text(node, path, "an integer");
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || node.Tag() == "!") {
    fail_at(node, fmt::format("{} must be an integer, got '{}'", path, text));
  }
  if (v < min || v > max) {
    fail_at(node, max == INT64_MAX
                      ? fmt::format("{} must be >= {}, got {}", path, min, v)
                      : fmt::format("{} must be between {} and {}, got {}", path, min, max, v));
  }
  return v;
}

double YamlReader::number(const YAML::Node& node, std::string_view path, double min,
                          double max) const {
  std::string text = scalar_text(node, path, "a number");
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) ||
      node.Tag() == "!") {
    fail_at(node, fmt::format("{} must be a number, got '{}'", path, text));
  }
  if (v < min || v > max) {
    fail_at(node, fmt::format("{} must be between {} and {}, got {}", path, min, max, text));
  }
  return v;
}

bool YamlReader::boolean(const YAML::Node& node, std::string_view path) const {
  std::string text = scalar_text(node, path, "true or false");
  if (text == "true") return true;
  if (text == "false") return false;
  fail_at(node, fmt::format("{} must be true or false, got '{}'", path, text));
}

SimDuration YamlReader::duration(const YAML::Node& node, std::string_view path, SimDuration min,
                                 SimDuration max) const {
  std::string text = scalar_text(node, path, "a duration");
  std::optional<SimDuration> d = parse_duration(text);
  if (!d) {
    fail_at(node, fmt::format("{}: bad duration '{}'", path, text),
            "write e.g. 250ms, 90s, 5m, 1h30m or 24h (a bare number is seconds)");
  }
  if (*d < min || *d > max) {
    fail_at(node, fmt::format("{} must be between {} and {}, got {}", path, format_duration(min),
                              format_duration(max), text));
  }
  return *d;
}

Quantity YamlReader::quantity(const YAML::Node& node, std::string_view path) const {
  std::string text = scalar_text(node, path, "a quantity");
  std::string why;
  std::optional<Quantity> q = Quantity::parse(text, &why);
  if (!q) {
    fail_at(node, fmt::format("{}: bad quantity '{}'{}", path, text, why.empty() ? "" : ": " + why),
            "write e.g. 250m or 0.5 (CPU), 512Mi or 4Gi (memory)");
  }
  return *q;
}

int64_t YamlReader::cpu_milli(const YAML::Node& node, std::string_view path) const {
  Quantity q = quantity(node, path);
  auto v = q.checked_milli_value();
  if (q < Quantity() || !v) fail_at(node, fmt::format("{} must be a CPU amount >= 0", path));
  return *v;
}

int64_t YamlReader::bytes(const YAML::Node& node, std::string_view path) const {
  Quantity q = quantity(node, path);
  auto v = q.checked_value();
  if (q < Quantity() || !v) fail_at(node, fmt::format("{} must be an amount of bytes >= 0", path));
  return *v;
}

}  // namespace simcluster::scenario_internal
