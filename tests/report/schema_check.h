// A small JSON Schema checker for the subset docs/report.schema.json uses:
// type (one or several), const, enum, minimum, properties, required,
// additionalProperties (false or a schema), items, oneOf, and local $ref
// ("#/$defs/Name"). Returns the first violation as "path: what", or "".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace simcluster::testing {

class SchemaChecker {
 public:
  explicit SchemaChecker(nlohmann::json root) : root_(std::move(root)) {}

  std::string check(const nlohmann::json& value) const { return check(value, root_, "$"); }

 private:
  const nlohmann::json& resolve(const nlohmann::json& schema) const {
    if (schema.is_object() && schema.contains("$ref")) {
      std::string ref = schema["$ref"];
      const std::string prefix = "#/$defs/";
      if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("unsupported $ref " + ref);
      return resolve(root_["$defs"].at(ref.substr(prefix.size())));
    }
    return schema;
  }

  static bool has_type(const nlohmann::json& v, const std::string& t) {
    if (t == "null") return v.is_null();
    if (t == "boolean") return v.is_boolean();
    if (t == "integer") return v.is_number_integer();
    if (t == "number") return v.is_number();
    if (t == "string") return v.is_string();
    if (t == "array") return v.is_array();
    if (t == "object") return v.is_object();
    return false;
  }

  std::string check(const nlohmann::json& v, const nlohmann::json& schema_in,
                    const std::string& path) const {
    const nlohmann::json& s = resolve(schema_in);
    if (s.contains("oneOf")) {
      int matches = 0;
      std::string last;
      for (const auto& alt : s["oneOf"]) {
        std::string e = check(v, alt, path);
        if (e.empty()) {
          ++matches;
        } else {
          last = e;
        }
      }
      if (matches != 1) {
        return path + ": matches " + std::to_string(matches) + " of oneOf (" + last + ")";
      }
    }
    if (s.contains("type")) {
      bool ok = false;
      if (s["type"].is_array()) {
        for (const auto& t : s["type"]) ok = ok || has_type(v, t);
      } else {
        ok = has_type(v, s["type"]);
      }
      if (!ok)
        return path + ": expected type " + s["type"].dump() + ", got " + v.dump().substr(0, 60);
    }
    if (s.contains("const") && v != s["const"]) return path + ": expected " + s["const"].dump();
    if (s.contains("enum")) {
      bool ok = false;
      for (const auto& e : s["enum"]) ok = ok || e == v;
      if (!ok) return path + ": not in enum";
    }
    if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>()) {
      return path + ": below minimum";
    }
    if (v.is_object()) {
      if (s.contains("required")) {
        for (const auto& k : s["required"]) {
          if (!v.contains(k.get<std::string>())) return path + ": missing " + k.get<std::string>();
        }
      }
      for (auto it = v.begin(); it != v.end(); ++it) {
        std::string p = path + "." + it.key();
        if (s.contains("properties") && s["properties"].contains(it.key())) {
          std::string e = check(it.value(), s["properties"][it.key()], p);
          if (!e.empty()) return e;
        } else if (s.contains("additionalProperties")) {
          const auto& ap = s["additionalProperties"];
          if (ap.is_boolean()) {
            if (!ap.get<bool>()) return p + ": not in the schema";
          } else {
            std::string e = check(it.value(), ap, p);
            if (!e.empty()) return e;
          }
        }
      }
    }
    if (v.is_array() && s.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        std::string e = check(v[i], s["items"], path + "[" + std::to_string(i) + "]");
        if (!e.empty()) return e;
      }
    }
    return "";
  }

  nlohmann::json root_;
};

}  // namespace simcluster::testing
