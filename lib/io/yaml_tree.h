// A YAML document tree built from yaml-cpp's event parser, private to lib/io.
//
// Why not YAML::Node: the tree keeps what strict Kubernetes decoding needs
// (whether a scalar was quoted, 1-based positions of every key), resolves
// merge keys (<<) as go-yaml does, and is built under hard limits so that bad
// input cannot exhaust memory or the stack:
//   * the bytes are checked first (NUL, invalid UTF-8, control characters);
//   * every parser event counts against a node budget (aliases count once);
//   * nesting deeper than a limit is refused while parsing, before yaml-cpp's
//     own recursion can go deeper.
// Nodes live in an arena owned by YamlFile and point to each other with raw
// pointers: aliases share nodes (as yaml-cpp does), so walking a tree that
// uses aliases must be bounded by the caller (see Decoder's visit budget).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace simcluster::io {

struct YNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  // Scalars: the text, and whether it was written plain (unquoted, untagged)
  // and so is subject to YAML 1.1 type resolution; quoted or !!str-tagged
  // scalars are always strings.
  std::string value;
  bool plain = false;
  std::string tag;                  // explicit tag, e.g. "tag:yaml.org,2002:int"; else empty
  int line = 0, column = 0;         // 1-based
  std::vector<const YNode*> items;  // kSequence
  std::vector<std::pair<const YNode*, const YNode*>> entries;  // kMap, keys are scalars

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_map() const { return kind == Kind::kMap; }
};

struct YamlLimits {
  size_t max_nodes = 2'000'000;
  int max_depth = 128;
};

// The documents of one file. Not copyable (nodes point into the arena).
class YamlFile {
 public:
  YamlFile() = default;
  YamlFile(const YamlFile&) = delete;
  YamlFile& operator=(const YamlFile&) = delete;
  YamlFile(YamlFile&&) = default;
  YamlFile& operator=(YamlFile&&) = default;

  // Documents in order; empty documents ("---" alone, comments) are dropped.
  const std::vector<const YNode*>& documents() const { return documents_; }

  YNode* new_node() { return &arena_.emplace_back(); }
  void add_document(const YNode* root) { documents_.push_back(root); }
  // Takes the nodes and documents of `other`, whose documents follow these.
  void append(YamlFile&& other);

 private:
  std::deque<YNode> arena_;
  std::vector<std::deque<YNode>> more_arenas_;  // of appended files
  std::vector<const YNode*> documents_;
};

// Checks the bytes of `text`, then parses every document (a file of 4 MB or
// more in parts, cut at document markers, on several threads; the result is
// the same as in one go, but for the node budget, which is shared among the
// parts in proportion to their bytes). Throws InputError
// (file:line:col) for bytes that are not YAML text, malformed YAML, a node
// budget or depth exceeded, undefined or self-containing aliases, duplicate
// or non-scalar mapping keys, and bad merge keys.
YamlFile parse_yaml(std::string_view text, const std::string& file, const YamlLimits& limits);

// The YAML 1.1 type a plain scalar resolves to, as go-yaml v2 (which kubectl
// uses through sigs.k8s.io/yaml) resolves it: "yes" and "on" are booleans,
// "0x1F" and "0755" integers, "1e3" a float, "~" and "" null.
enum class ScalarType { kNull, kBool, kInt, kFloat, kString };
ScalarType resolve_scalar(const YNode& node);

}  // namespace simcluster::io
