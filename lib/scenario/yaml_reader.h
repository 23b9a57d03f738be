// Strict, located reading of YAML for scenario and claims files (private to
// lib/scenario). Every getter checks the node's type and range and throws
// InputError at the node's file:line:col naming the key path
// ("cluster.nodePools[0].count"); check_keys() rejects unknown and duplicate
// keys with "did you mean".
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simcluster/error.h"
#include "simcluster/quantity.h"
#include "simcluster/time.h"

namespace simcluster::scenario_internal {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  // Where the node is; a node without a mark (a missing key) gives the file only.
  // A node an override put in the tree (mark_override) is at the override's
  // flag ("--set load.users=5000"), not at a line of the file.
  SourceLocation where(const YAML::Node& node) const;

  // Records that `node` (a value, a key or a mapping created on the way) came
  // from the override `flag`: errors about it name the flag.
  void mark_override(const YAML::Node& node, const std::string& flag);

  // Parses text into one document; YAML syntax errors become InputError. Guards
  // against alias bombs and deep nesting by bounding the document's size.
  YAML::Node parse(std::string_view text) const;

  // REQUIRES: node is a map (else InputError "`path` must be a mapping").
  // Every key must be a scalar in `allowed`, and appear once.
  void check_keys(const YAML::Node& node, std::string_view path,
                  std::initializer_list<std::string_view> allowed) const;

  void require_map(const YAML::Node& node, std::string_view path) const;
  void require_sequence(const YAML::Node& node, std::string_view path) const;

  // The value of a required key; InputError at the map when absent.
  YAML::Node required(const YAML::Node& map, std::string_view key, std::string_view path) const;

  std::string string(const YAML::Node& node, std::string_view path) const;
  int64_t integer(const YAML::Node& node, std::string_view path, int64_t min, int64_t max) const;
  double number(const YAML::Node& node, std::string_view path, double min, double max) const;
  bool boolean(const YAML::Node& node, std::string_view path) const;
  // Go-style duration ("90s", "5m", "1h30m") or a bare number of seconds.
  SimDuration duration(const YAML::Node& node, std::string_view path, SimDuration min,
                       SimDuration max) const;
  Quantity quantity(const YAML::Node& node, std::string_view path) const;
  // A quantity that must be >= 0 and fit int64 milli-units: CPU in millicores.
  int64_t cpu_milli(const YAML::Node& node, std::string_view path) const;
  // A quantity that must be >= 0 and fit int64 units: bytes.
  int64_t bytes(const YAML::Node& node, std::string_view path) const;

  [[noreturn]] void fail_at(const YAML::Node& node, const std::string& message,
                            const std::string& hint = {}) const;

 private:
  std::string scalar_text(const YAML::Node& node, std::string_view path,
                          std::string_view expected) const;
  std::string file_;
  std::vector<std::pair<YAML::Node, std::string>> overridden_;  // few: one per --set
};

// Joins a key path: join("cluster", "nodePools") == "cluster.nodePools".
std::string join_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, size_t index);

}  // namespace simcluster::scenario_internal
