// Strict, typed reading of one Kubernetes object from a YNode tree, the way
// the API server decodes a request with field validation "Strict" (the
// kubectl default): unknown fields, duplicate fields and values of the wrong
// JSON type are errors, reported as InputError at the node's file:line:col.
//
// A MapView is one mapping at a dotted path ("spec.template.spec"), checked
// on construction against the full list of API field names of its Go struct
// (from k8s.io/api). Fields that simcluster does not model are still listed,
// so they are accepted, and their content is not looked at.
//
// Every node read counts against a visit budget, so an alias bomb cannot make
// decoding take unbounded time or memory.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/yaml_tree.h"
#include "simcluster/error.h"
#include "simcluster/objects.h"

namespace simcluster::io {

using FieldList = std::initializer_list<std::string_view>;
using FieldSpan = std::span<const std::string_view>;

class Decoder {
 public:
  Decoder(std::string file, size_t visit_budget) : file_(std::move(file)), budget_(visit_budget) {}

  const std::string& file() const { return file_; }
  SourceLocation where(const YNode* n) const;

  // The object being decoded, for messages: Deployment "web".
  void set_object(std::string label) { object_ = std::move(label); }

  // Counts `n` visited nodes; throws once the budget is spent.
  void visit(const YNode* at, size_t n = 1);

  [[noreturn]] void fail(const YNode* at, const std::string& message,
                         const std::string& hint = {}) const;

 private:
  std::string file_;
  std::string object_;
  size_t budget_;
  size_t visited_ = 0;
};

// "spec" + "replicas" -> "spec.replicas"; "" + "spec" -> "spec".
std::string join_path(std::string_view parent, std::string_view field);

class MapView {
 public:
  // A view of `node` at `path`. `node` may be null (absent or YAML null): the
  // view is then empty. Throws if the node is not a mapping or has a field
  // not in `known`.
  MapView(Decoder& d, const YNode* node, std::string path, FieldSpan known);
  MapView(Decoder& d, const YNode* node, std::string path, FieldList known)
      : MapView(d, node, std::move(path), FieldSpan(known.begin(), known.size())) {}

  bool present() const { return node_ != nullptr; }
  const YNode* node() const { return node_; }
  const std::string& path() const { return path_; }
  Decoder& decoder() const { return d_; }
  std::string path_of(std::string_view field) const { return join_path(path_, field); }

  // The value of `field`, or nullptr when absent or null.
  const YNode* get(std::string_view field) const;
  bool has(std::string_view field) const { return get(field) != nullptr; }
  // True when the field is written, even with a null value.
  bool contains(std::string_view field) const;

  std::optional<std::string> opt_str(std::string_view field) const;
  std::string str(std::string_view field, std::string_view fallback = {}) const;
  std::optional<int32_t> opt_i32(std::string_view field) const;
  int32_t i32(std::string_view field, int32_t fallback) const;
  std::optional<int64_t> opt_i64(std::string_view field) const;
  std::optional<bool> opt_bool(std::string_view field) const;
  bool boolean(std::string_view field, bool fallback) const;
  std::optional<Quantity> opt_quantity(std::string_view field) const;
  // An int or a "N%" string (intstr.IntOrString for maxSurge, minAvailable).
  std::optional<IntOrPercent> opt_int_or_percent(std::string_view field) const;
  // An int or a string, as written: "8080" or "http" (ports).
  std::optional<std::string> opt_int_or_string(std::string_view field) const;
  StringMap string_map(std::string_view field) const;
  ResourceList resource_list(std::string_view field) const;
  std::vector<std::string> string_list(std::string_view field) const;
  // The keys of a mapping whose values are not read (Secret data).
  std::vector<std::string> keys(std::string_view field) const;

  MapView map(std::string_view field, FieldSpan known) const;
  MapView map(std::string_view field, FieldList known) const {
    return map(field, FieldSpan(known.begin(), known.size()));
  }
  // Calls f(item, item_path) for each element of a sequence field.
  void each(std::string_view field,
            const std::function<void(const YNode*, const std::string&)>& f) const;

 private:
  Decoder& d_;
  const YNode* node_;
  std::string path_;
};

// Scalar conversions for a node at `path` (used by MapView and lists).
std::string as_string(Decoder& d, const YNode* n, const std::string& path);
int64_t as_int(Decoder& d, const YNode* n, const std::string& path, int64_t lo, int64_t hi);
Quantity as_quantity(Decoder& d, const YNode* n, const std::string& path);

}  // namespace simcluster::io
