// --set PATH=VALUE on the scenario's YAML tree. Like helm's --set (and
// kubectl's JSONPath) a PATH is dotted keys with [N] list indices:
// cluster.nodePools[0].count, services.chat-service.concurrency; a key that
// holds a dot is written in quotes in brackets: labels["example.com/tier"].
#include "scenario/overrides.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

namespace simcluster {

std::optional<ScenarioOverride> parse_override(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return ScenarioOverride{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

namespace scenario_internal {
namespace {

constexpr size_t kMaxIndex = 1'000'000'000;

struct Step {
  bool is_index = false;
  std::string key;
  size_t index = 0;
};

[[noreturn]] void fail_flag(const std::string& flag, const std::string& message,
                            const std::string& hint = {}) {
  throw InputError(SourceLocation{flag, 0, 0}, message, hint);
}

std::vector<Step> parse_path(const std::string& path, const std::string& flag) {
  const std::string kForm =
      "write keys separated by dots and list indices in brackets, e.g. "
      "cluster.nodePools[0].count; a key with a dot in it in quotes: labels[\"a.b/c\"]";
  std::vector<Step> steps;
  size_t i = 0;
  while (true) {
    Step step;
    if (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos)
        fail_flag(flag, fmt::format("'[' without ']' in {}", path), kForm);
      std::string inner = path.substr(i + 1, close - i - 1);
      if (inner.size() >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner.back() == inner[0]) {
        step.key = inner.substr(1, inner.size() - 2);
        if (step.key.empty()) fail_flag(flag, fmt::format("an empty key in {}", path), kForm);
      } else {
        if (inner.empty() || inner.size() > 10 ||
            inner.find_first_not_of("0123456789") != std::string::npos) {
          fail_flag(flag, fmt::format("[{}] in {} is not a list index", inner, path),
                    "an index is a number from 0; " + kForm);
        }
        step.is_index = true;
        step.index = std::stoull(inner);
        if (step.index > kMaxIndex) fail_flag(flag, fmt::format("[{}] is too large", inner));
      }
      i = close + 1;
    } else {
      const size_t end = path.find_first_of(".[]", i);
      step.key = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
      if (step.key.empty()) fail_flag(flag, fmt::format("an empty key in {}", path), kForm);
      i = end == std::string::npos ? path.size() : end;
    }
    steps.push_back(std::move(step));
    if (i == path.size()) return steps;
    if (path[i] == '.') {
      ++i;
      if (i == path.size() || path[i] == '.' || path[i] == '[' || path[i] == ']')
        fail_flag(flag, fmt::format("an empty key in {}", path), kForm);
    } else if (path[i] != '[') {
      fail_flag(flag, fmt::format("unexpected '{}' in {}", path[i], path), kForm);
    }
  }
}

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsScalar()) return fmt::format("'{}'", n.Scalar());
  return "empty";
}

void mark_tree(const YAML::Node& n, const std::string& flag, YamlReader& reader) {
  reader.mark_override(n, flag);
  if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) mark_tree(n[i], flag, reader);
  } else if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      mark_tree(it->first, flag, reader);
      mark_tree(it->second, flag, reader);
    }
  }
}

// Marks the key node `key` of `map` (just added).
void mark_key(const YAML::Node& map, const std::string& key, const std::string& flag,
              YamlReader& reader) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) reader.mark_override(it->first, flag);
  }
}

}  // namespace

std::string override_flag(const ScenarioOverride& o) {
  return fmt::format("--set {}={}", o.path, o.value);
}

void apply_override(YAML::Node& root, const ScenarioOverride& o, YamlReader& reader) {
  const std::string flag = override_flag(o);
  if (o.path.empty()) fail_flag(flag, "the path is empty", "write --set PATH=VALUE");
  const std::vector<Step> steps = parse_path(o.path, flag);

  YAML::Node value;
  try {
    value = YamlReader(flag).parse(o.value);
  } catch (const InputError& e) {
    fail_flag(flag, e.message(), e.hint());
  }
  const size_t first = o.value.find_first_not_of(" \t");
  const bool flow = first != std::string::npos && (o.value[first] == '[' || o.value[first] == '{');
  if ((value.IsMap() || value.IsSequence()) && !flow) {
    fail_flag(flag,
              fmt::format("the value '{}' reads as a YAML {}", o.value,
                          value.IsMap() ? "mapping" : "list"),
              "quote it to mean a string (--set 'PATH=\"a: b\"'), or write a flow value: "
              "[a, b] or {key: value}");
  }
  mark_tree(value, flag, reader);

  YAML::Node cur;
  cur.reset(root);
  std::string at;  // the path so far, as the parser names it
  for (size_t s = 0; s < steps.size(); ++s) {
    const Step& step = steps[s];
    const bool last = s + 1 == steps.size();
    const std::string where = at.empty() ? "the document" : at;
    const YAML::Node& ccur = cur;  // const lookups add nothing to the tree
    if (step.is_index) {
      const std::string next = index_path(at, step.index);
      if (!cur.IsSequence()) {
        fail_flag(flag, fmt::format("{} is {}, not a list, so {} does not exist", where,
                                    describe(cur), next));
      }
      if (step.index >= cur.size()) {
        const size_t n = cur.size();
        fail_flag(flag,
                  n == 0 ? fmt::format("{} has no entries", where)
                         : fmt::format("{} has {} entr{} (indices 0..{})", where, n,
                                       n == 1 ? "y" : "ies", n - 1),
                  fmt::format("--set changes entries that exist; to add one, set the whole "
                              "list as a flow value: --set {}=[...]",
                              at));
      }
      if (last) {
        cur[step.index] = value;
        return;
      }
      YAML::Node child = ccur[step.index];
      cur.reset(child);
      at = next;
      continue;
    }
    const std::string next = join_path(at, step.key);
    if (!cur.IsMap() && !cur.IsNull()) {
      fail_flag(
          flag,
          fmt::format("{} is {}, not a mapping, so {} does not exist", where, describe(cur), next),
          fmt::format("set {} itself", where));
    }
    bool exists = false;
    YAML::Node child;
    if (cur.IsMap()) {
      const YAML::Node c = ccur[step.key];
      exists = c.IsDefined();
      if (exists) child.reset(c);
    }
    if (last) {
      cur[step.key] = value;
      if (!exists) mark_key(cur, step.key, flag, reader);
      return;
    }
    if (exists) {
      cur.reset(child);
    } else {
      if (steps[s + 1].is_index) {
        fail_flag(flag,
                  fmt::format("{} is not in the scenario, so {} does not exist", next,
                              index_path(next, steps[s + 1].index)),
                  fmt::format("set the whole list as a flow value: --set {}=[...]", next));
      }
      YAML::Node map(YAML::NodeType::Map);
      cur[step.key] = map;
      mark_key(cur, step.key, flag, reader);
      reader.mark_override(map, flag);
      cur.reset(map);
    }
    at = next;
  }
}

}  // namespace scenario_internal
}  // namespace simcluster
