#include "io/decoder.h"

#include <fmt/format.h>

#include <limits>

namespace simcluster::io {
namespace {

// What a node is, for messages: `string "three"`, `number 3`, `a mapping`.
std::string describe(const YNode* n) {
  if (n == nullptr || n->is_null()) return "null";
  if (n->is_map()) return "a mapping";
  if (n->is_sequence()) return "a list";
  switch (resolve_scalar(*n)) {
    case ScalarType::kNull:
      return "null";
    case ScalarType::kBool:
      return fmt::format("boolean {}", n->value);
    case ScalarType::kInt:
    case ScalarType::kFloat:
      return fmt::format("number {}", n->value);
    case ScalarType::kString:
      break;
  }
  std::string v = n->value.size() > 40 ? n->value.substr(0, 40) + "..." : n->value;
  return fmt::format("string \"{}\"", v);
}

// Exact integer value of a YAML 1.1 int ("0x1F", "1_000", "-0o17") or of a
// float that is integral ("1e3", "3.0"); nullopt if not integral or too big.
std::optional<Int128> exact_integer(const YNode& n, ScalarType type) {
  constexpr Int128 kCap = static_cast<Int128>(1) << 100;
  std::string s;
  for (char c : n.value) {
    if (c != '_' || type == ScalarType::kFloat) s.push_back(c);
  }
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  Int128 v = 0;
  if (type == ScalarType::kInt) {
    int base = 10;
    if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
      base = 16, i += 2;
    } else if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
      base = 8, i += 2;
    } else if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
      base = 2, i += 2;
    } else if (s.size() > i + 1 && s[i] == '0') {
      base = 8, i += 1;
    }
    for (; i < s.size(); ++i) {
      const char c = s[i];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : 99;
      if (digit >= base) return std::nullopt;
      v = v * base + digit;
      if (v > kCap) return std::nullopt;
    }
    return negative ? -v : v;
  }
  // A float: mantissa digits, optional fraction, optional exponent.
  std::string digits;
  int scale = 0;  // value = digits * 10^(exp - scale)
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) digits.push_back(s[i]);
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) digits.push_back(s[i]), ++scale;
  }
  int exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      exp = exp * 10 + (s[i] - '0');
      if (exp > 100) return std::nullopt;
    }
    if (eneg) exp = -exp;
  }
  int shift = exp - scale;
  // Drop trailing zeros that the shift must remove.
  while (shift < 0 && !digits.empty() && digits.back() == '0') digits.pop_back(), ++shift;
  if (shift < 0) {
    for (char c : digits) {
      if (c != '0') return std::nullopt;
    }
    return 0;
  }
  for (char c : digits) {
    v = v * 10 + (c - '0');
    if (v > kCap) return std::nullopt;
  }
  for (int k = 0; k < shift; ++k) {
    v *= 10;
    if (v > kCap) return std::nullopt;
  }
  return negative ? -v : v;
}

}  // namespace

SourceLocation Decoder::where(const YNode* n) const {
  if (n == nullptr) return SourceLocation{file_, 0, 0};
  return SourceLocation{file_, n->line, n->column};
}

void Decoder::visit(const YNode* at, size_t n) {
  visited_ += n;
  if (visited_ > budget_) {
    fail(at, fmt::format("YAML expands to more than {} nodes through aliases", budget_),
         "an alias bomb? write the values out instead of repeating aliases");
  }
}

void Decoder::fail(const YNode* at, const std::string& message, const std::string& hint) const {
  throw InputError(where(at), object_.empty() ? message : object_ + ": " + message, hint);
}

std::string join_path(std::string_view parent, std::string_view field) {
  if (parent.empty()) return std::string(field);
  return fmt::format("{}.{}", parent, field);
}

std::string as_string(Decoder& d, const YNode* n, const std::string& path) {
  d.visit(n);
  if (n->is_scalar()) {
    ScalarType t = resolve_scalar(*n);
    if (t == ScalarType::kString) return n->value;
    if (t == ScalarType::kNull) return {};
    d.fail(n, fmt::format("{}: expected a string, got {}", path, describe(n)),
           fmt::format("quote the value: \"{}\"", n->value));
  }
  if (n->is_null()) return {};
  d.fail(n, fmt::format("{}: expected a string, got {}", path, describe(n)));
}

int64_t as_int(Decoder& d, const YNode* n, const std::string& path, int64_t lo, int64_t hi) {
  d.visit(n);
  ScalarType t = n->is_scalar() ? resolve_scalar(*n) : ScalarType::kString;
  if (n->is_scalar() && (t == ScalarType::kInt || t == ScalarType::kFloat)) {
    std::optional<Int128> v = exact_integer(*n, t);
    if (!v) d.fail(n, fmt::format("{}: expected an integer, got {}", path, describe(n)));
    if (*v < lo || *v > hi) {
      d.fail(n, fmt::format("{}: {} is out of range [{}, {}]", path, n->value, lo, hi));
    }
    return static_cast<int64_t>(*v);
  }
  std::string hint;
  if (n->is_scalar() && t == ScalarType::kString && !n->plain) {
    YNode plain = *n;
    plain.plain = true;
    plain.tag.clear();
    if (resolve_scalar(plain) == ScalarType::kInt) hint = "numbers must not be quoted";
  }
  d.fail(n, fmt::format("{}: expected an integer, got {}", path, describe(n)), hint);
}

Quantity as_quantity(Decoder& d, const YNode* n, const std::string& path) {
  d.visit(n);
  ScalarType t = n->is_scalar() ? resolve_scalar(*n) : ScalarType::kBool;
  if (t == ScalarType::kString || t == ScalarType::kInt || t == ScalarType::kFloat) {
    std::string why;
    std::optional<Quantity> q = Quantity::parse(n->value, &why);
    if (q) return *q;
    d.fail(n,
           fmt::format("{}: invalid quantity \"{}\"{}", path, n->value,
                       why.empty() ? std::string() : ": " + why),
           "quantities look like 250m, 0.5, 2, 128Mi, 1Gi, 1.5G");
  }
  d.fail(n, fmt::format("{}: expected a quantity, got {}", path, describe(n)));
}

MapView::MapView(Decoder& d, const YNode* node, std::string path, FieldSpan known)
    : d_(d), node_(node != nullptr && node->is_null() ? nullptr : node), path_(std::move(path)) {
  if (node_ == nullptr) return;
  d_.visit(node_);
  if (!node_->is_map()) {
    d_.fail(node_, fmt::format("{}: expected a mapping, got {}",
                               path_.empty() ? std::string("object") : path_, describe(node_)));
  }
  d_.visit(node_, node_->entries.size());
  for (const auto& [key, value] : node_->entries) {
    bool found = false;
    for (std::string_view k : known) {
      if (k == key->value) {
        found = true;
        break;
      }
    }
    if (found) continue;
    std::vector<std::string> candidates(known.begin(), known.end());
    std::string guess = closest_match(key->value, candidates);
    d_.fail(key, fmt::format("strict decoding error: unknown field \"{}\"", path_of(key->value)),
            guess.empty() ? std::string() : fmt::format("did you mean \"{}\"?", path_of(guess)));
  }
}

const YNode* MapView::get(std::string_view field) const {
  if (node_ == nullptr) return nullptr;
  for (const auto& [key, value] : node_->entries) {
    if (key->value == field) return value->is_null() ? nullptr : value;
  }
  return nullptr;
}

bool MapView::contains(std::string_view field) const {
  if (node_ == nullptr) return false;
  for (const auto& [key, value] : node_->entries) {
    if (key->value == field) return true;
  }
  return false;
}

std::optional<std::string> MapView::opt_str(std::string_view field) const {
  const YNode* n = get(field);
  if (n == nullptr) return std::nullopt;
  return as_string(d_, n, path_of(field));
}

std::string MapView::str(std::string_view field, std::string_view fallback) const {
  std::optional<std::string> v = opt_str(field);
  return v ? *v : std::string(fallback);
}

std::optional<int32_t> MapView::opt_i32(std::string_view field) const {
  const YNode* n = get(field);
  if (n == nullptr) return std::nullopt;
  return static_cast<int32_t>(as_int(d_, n, path_of(field), std::numeric_limits<int32_t>::min(),
                                     std::numeric_limits<int32_t>::max()));
}

int32_t MapView::i32(std::string_view field, int32_t fallback) const {
  return opt_i32(field).value_or(fallback);
}

std::optional<int64_t> MapView::opt_i64(std::string_view field) const {
  const YNode* n = get(field);
  if (n == nullptr) return std::nullopt;
  return as_int(d_, n, path_of(field), std::numeric_limits<int64_t>::min(),
                std::numeric_limits<int64_t>::max());
}

std::optional<bool> MapView::opt_bool(std::string_view field) const {
  const YNode* n = get(field);
  if (n == nullptr) return std::nullopt;
  d_.visit(n);
  if (n->is_scalar() && resolve_scalar(*n) == ScalarType::kBool) {
    static const char* const kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                        "True", "TRUE", "on",  "On",  "ON"};
    for (const char* w : kTrue) {
      if (n->value == w) return true;
    }
    return false;
  }
  d_.fail(n, fmt::format("{}: expected true or false, got {}", path_of(field), describe(n)));
}

bool MapView::boolean(std::string_view field, bool fallback) const {
  return opt_bool(field).value_or(fallback);
}

std::optional<Quantity> MapView::opt_quantity(std::string_view field) const {
  const YNode* n = get(field);
  if (n == nullptr) return std::nullopt;
  return as_quantity(d_, n, path_of(field));
}

std::optional<IntOrPercent> MapView::opt_int_or_percent(std::string_view field) const {
  const YNode* n = get(field);
  if (n == nullptr) return std::nullopt;
  const std::string path = path_of(field);
  if (n->is_scalar()) {
    ScalarType t = resolve_scalar(*n);
    if (t == ScalarType::kInt) {
      return IntOrPercent{false, static_cast<int32_t>(as_int(d_, n, path, 0, 1'000'000'000))};
    }
    if (t == ScalarType::kString) {
      // Mirrors apimachinery intstr.GetScaledValueFromIntOrPercent: "N%".
      const std::string& v = n->value;
      if (v.size() >= 2 && v.back() == '%') {
        int64_t pct = 0;
        bool ok = v.size() <= 12;
        for (size_t i = 0; ok && i + 1 < v.size(); ++i) {
          if (v[i] < '0' || v[i] > '9') ok = false;
          pct = pct * 10 + (v[i] - '0');
        }
        if (ok && pct <= 1'000'000'000) return IntOrPercent{true, static_cast<int32_t>(pct)};
      }
      d_.fail(n,
              fmt::format("{}: invalid value \"{}\": must be an integer or a percentage", path, v),
              "e.g. 1 or \"25%\"");
    }
  }
  d_.fail(n, fmt::format("{}: expected an integer or a percentage, got {}", path, describe(n)));
}

std::optional<std::string> MapView::opt_int_or_string(std::string_view field) const {
  const YNode* n = get(field);
  if (n == nullptr) return std::nullopt;
  const std::string path = path_of(field);
  if (n->is_scalar()) {
    ScalarType t = resolve_scalar(*n);
    if (t == ScalarType::kInt) return std::to_string(as_int(d_, n, path, 0, 2'147'483'647));
    if (t == ScalarType::kString) return n->value;
  }
  d_.fail(n, fmt::format("{}: expected an integer or a string, got {}", path, describe(n)));
}

StringMap MapView::string_map(std::string_view field) const {
  StringMap out;
  const YNode* n = get(field);
  if (n == nullptr) return out;
  const std::string path = path_of(field);
  d_.visit(n);
  if (!n->is_map()) d_.fail(n, fmt::format("{}: expected a mapping, got {}", path, describe(n)));
  for (const auto& [key, value] : n->entries) {
    out[key->value] = as_string(d_, value, join_path(path, key->value));
  }
  return out;
}

ResourceList MapView::resource_list(std::string_view field) const {
  ResourceList out;
  const YNode* n = get(field);
  if (n == nullptr) return out;
  const std::string path = path_of(field);
  d_.visit(n);
  if (!n->is_map()) d_.fail(n, fmt::format("{}: expected a mapping, got {}", path, describe(n)));
  for (const auto& [key, value] : n->entries) {
    out[key->value] = as_quantity(d_, value, join_path(path, key->value));
  }
  return out;
}

std::vector<std::string> MapView::string_list(std::string_view field) const {
  std::vector<std::string> out;
  const YNode* n = get(field);
  if (n == nullptr) return out;
  const std::string path = path_of(field);
  d_.visit(n);
  if (!n->is_sequence()) d_.fail(n, fmt::format("{}: expected a list, got {}", path, describe(n)));
  out.reserve(n->items.size());
  for (size_t i = 0; i < n->items.size(); ++i) {
    out.push_back(as_string(d_, n->items[i], fmt::format("{}[{}]", path, i)));
  }
  return out;
}

std::vector<std::string> MapView::keys(std::string_view field) const {
  std::vector<std::string> out;
  const YNode* n = get(field);
  if (n == nullptr) return out;
  d_.visit(n);
  if (!n->is_map()) {
    d_.fail(n, fmt::format("{}: expected a mapping, got {}", path_of(field), describe(n)));
  }
  d_.visit(n, n->entries.size());
  for (const auto& [key, value] : n->entries) out.push_back(key->value);
  return out;
}

MapView MapView::map(std::string_view field, FieldSpan known) const {
  return MapView(d_, get(field), path_of(field), known);
}

void MapView::each(std::string_view field,
                   const std::function<void(const YNode*, const std::string&)>& f) const {
  const YNode* n = get(field);
  if (n == nullptr) return;
  const std::string path = path_of(field);
  d_.visit(n);
  if (!n->is_sequence()) d_.fail(n, fmt::format("{}: expected a list, got {}", path, describe(n)));
  d_.visit(n, n->items.size());
  for (size_t i = 0; i < n->items.size(); ++i) f(n->items[i], fmt::format("{}[{}]", path, i));
}

}  // namespace simcluster::io
