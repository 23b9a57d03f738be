#include "io/yaml_tree.h"

#include <fmt/format.h>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <map>
#include <sstream>
#include <thread>

#include "simcluster/error.h"

namespace simcluster::io {
namespace {

// From this size on, a file of several documents is parsed in parts side by
// side (parse_yaml). Smaller files are parsed in one go.
constexpr size_t kParallelParseBytes = size_t{4} << 20;
constexpr size_t kParallelParseParts = 4;

SourceLocation at(const std::string& file, int line, int column) {
  return SourceLocation{file, line, column};
}

// Mirrors go-yaml's reader (readerc.go yaml_parser_update_buffer): the input
// must be UTF-8 and every character printable:
//   #x9 | #xA | #xD | [#x20-#x7E] | #x85 | [#xA0-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// Returns the number of leading bytes to skip (a UTF-8 byte order mark).
size_t check_bytes(std::string_view text, const std::string& file) {
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
    throw InputError(at(file, 1, 1), "UTF-16 text is not supported",
                     "convert the file to UTF-8, e.g. iconv -f UTF-16 -t UTF-8");
  }
  size_t start = 0;
  if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) start = 3;
  int line = 1, column = 1;
  for (size_t i = start; i < n;) {
    const unsigned char c = b[i];
    uint32_t cp = 0;
    size_t len = 1;
    bool ok = true;
    if (c < 0x80) {
      cp = c;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
    } else {
      ok = false;
    }
    if (ok && len > 1) {
      if (i + len > n) {
        ok = false;
      } else {
        cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < len && ok; ++k) {
          if ((b[i + k] & 0xC0) != 0x80) ok = false;
          cp = (cp << 6) | (b[i + k] & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid.
        if (ok && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                   (cp >= 0xD800 && cp <= 0xDFFF))) {
          ok = false;
        }
      }
    }
    if (!ok) {
      throw InputError(at(file, line, column), fmt::format("invalid UTF-8 byte 0x{:02X}", c),
                       "YAML must be UTF-8 text; is this a binary file?");
    }
    if (cp == 0) {
      throw InputError(at(file, line, column), "binary data: NUL byte in YAML text",
                       "is this a YAML file?");
    }
    const bool printable = cp == 0x09 || cp == 0x0A || cp == 0x0D || (cp >= 0x20 && cp <= 0x7E) ||
                           cp == 0x85 || (cp >= 0xA0 && cp <= 0xD7FF) ||
                           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!printable) {
      throw InputError(at(file, line, column),
                       fmt::format("control character U+{:04X} is not allowed in YAML", cp));
    }
    if (cp == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
  return start;
}

bool is_merge_key(const YNode* key) {
  return key->is_scalar() && key->value == "<<" &&
         (key->plain || key->tag == "tag:yaml.org,2002:merge");
}

// Builds YNode trees from parser events, enforcing the limits.
class TreeBuilder : public YAML::EventHandler {
 public:
  // `line_offset`: the lines of the file before `text` (a part of it that
  // starts at a line), added to every position reported.
  TreeBuilder(YamlFile& out, std::string_view text, const std::string& file,
              const YamlLimits& limits, int line_offset)
      : out_(out), text_(text), file_(file), limits_(limits), line_offset_(line_offset) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 never consumes a token that cannot start a node at the top
    // of a document (a ',' outside [ ] or { }): HandleNextDocument then returns
    // one empty document after another at the same place. Two documents that
    // start at the same position mean no input was consumed; stop there.
    if (documents_ > 0 && mark.pos == last_start_.pos) stuck(mark);
    last_start_ = mark;
    ++documents_;
    stack_.clear();
    anchors_.clear();
    root_ = nullptr;
  }
  void OnDocumentEnd() override {
    if (root_ != nullptr && !root_->is_null()) out_.add_document(root_);
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YNode* n = make(mark, YNode::Kind::kNull);
    remember(anchor, n);
    attach(n, mark);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    count(mark, 1);
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      throw InputError(at(file_, mark.line + 1 + line_offset_, mark.column + 1),
                       "YAML alias refers to a node that contains it (recursive alias)");
    }
    attach(it->second, mark);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YNode* n = make(mark, YNode::Kind::kScalar);
    n->value = value;
    n->plain = tag == "?";
    if (tag != "?" && tag != "!") n->tag = tag;
    remember(anchor, n);
    attach(n, mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, YNode::Kind::kSequence, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, YNode::Kind::kMap, anchor);
  }
  void OnMapEnd() override {
    YNode* map = stack_.back().node;
    close();
    finish_map(map);
  }

 private:
  struct Frame {
    YNode* node;
    const YNode* key = nullptr;  // a map's key waiting for its value
    YAML::anchor_t anchor = YAML::NullAnchor;
  };

  // The character at a parser mark (line and column count characters, not
  // bytes), quoted for a message: "','", or "end of file".
  std::string char_at(const YAML::Mark& mark) const {
    size_t i = 0;
    for (int line = 0; line < mark.line && i < text_.size(); ++i) {
      if (text_[i] == '\n') ++line;
    }
    for (int col = 0; col < mark.column && i < text_.size(); ++col) {
      ++i;
      while (i < text_.size() && (static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80) ++i;
    }
    if (i >= text_.size()) return "end of file";
    size_t len = 1;
    while (i + len < text_.size() && (static_cast<unsigned char>(text_[i + len]) & 0xC0) == 0x80) {
      ++len;
    }
    return fmt::format("'{}'", text_.substr(i, len));
  }

  [[noreturn]] void stuck(const YAML::Mark& mark) const {
    const std::string c = char_at(mark);
    throw InputError(at(file_, mark.line + 1 + line_offset_, mark.column + 1),
                     fmt::format("malformed YAML: unexpected {} where a value should start", c),
                     c == "','" ? "',' separates items only inside [ ] or { }; quote the text if "
                                  "the comma belongs to a value"
                                : "quote the text if it belongs to a value");
  }

  void count(const YAML::Mark& mark, size_t n) {
    nodes_ += n;
    if (nodes_ > limits_.max_nodes) {
      throw InputError(at(file_, mark.line + 1 + line_offset_, mark.column + 1),
                       fmt::format("YAML has more than {} nodes", limits_.max_nodes),
                       "merge keys (<<) count every entry they copy: is it a merge-key bomb?");
    }
  }

  YNode* make(const YAML::Mark& mark, YNode::Kind kind) {
    count(mark, 1);
    YNode* n = out_.new_node();
    n->kind = kind;
    n->line = mark.line + 1 + line_offset_;
    n->column = mark.column + 1;
    return n;
  }

  void remember(YAML::anchor_t anchor, const YNode* n) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = n;
  }

  void attach(const YNode* n, const YAML::Mark& mark) {
    if (stack_.empty()) {
      root_ = n;
      return;
    }
    Frame& f = stack_.back();
    if (f.node->is_sequence()) {
      f.node->items.push_back(n);
    } else if (f.key == nullptr) {
      if (!n->is_scalar()) {
        throw InputError(at(file_, mark.line + 1 + line_offset_, mark.column + 1),
                         "mapping keys must be strings, not collections or null");
      }
      f.key = n;
    } else {
      f.node->entries.emplace_back(f.key, n);
      f.key = nullptr;
    }
  }

  void open(const YAML::Mark& mark, YNode::Kind kind, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      throw InputError(at(file_, mark.line + 1 + line_offset_, mark.column + 1),
                       fmt::format("YAML nested deeper than {} levels", limits_.max_depth));
    }
    YNode* n = make(mark, kind);
    attach(n, mark);
    stack_.push_back(Frame{n, nullptr, anchor});
  }

  void close() {
    // A collection's anchor becomes usable once it is complete, so an alias
    // inside the collection it names is refused instead of making a cycle.
    Frame f = stack_.back();
    stack_.pop_back();
    remember(f.anchor, f.node);
  }

  // Rejects duplicate keys and applies merge keys ("<<: *defaults"): keys
  // written in the mapping win over merged ones; among several merged
  // mappings the first wins (YAML merge key spec, as go-yaml applies it).
  void finish_map(YNode* map) {
    std::map<std::string_view, const YNode*> seen;
    std::vector<const YNode*> merges;
    std::vector<std::pair<const YNode*, const YNode*>> entries;
    entries.reserve(map->entries.size());
    for (const auto& [key, value] : map->entries) {
      if (is_merge_key(key)) {
        merges.push_back(value);
        continue;
      }
      auto [it, inserted] = seen.emplace(key->value, key);
      if (!inserted) {
        throw InputError(
            at(file_, key->line, key->column),
            fmt::format("duplicate field \"{}\" (first at line {})", key->value, it->second->line));
      }
      entries.emplace_back(key, value);
    }
    for (const YNode* m : merges) {
      std::vector<const YNode*> sources;
      if (m->is_map()) {
        sources.push_back(m);
      } else if (m->is_sequence()) {
        sources = m->items;
      }
      if (sources.empty() && !m->is_sequence()) {
        throw InputError(at(file_, m->line, m->column),
                         "merge key << needs a mapping or a list of mappings");
      }
      for (const YNode* s : sources) {
        if (!s->is_map()) {
          throw InputError(at(file_, s->line, s->column),
                           "merge key << needs a mapping or a list of mappings");
        }
        count(YAML::Mark(), s->entries.size());
        for (const auto& [key, value] : s->entries) {
          if (seen.emplace(key->value, key).second) entries.emplace_back(key, value);
        }
      }
    }
    map->entries = std::move(entries);
  }

  YamlFile& out_;
  std::string_view text_;  // as the parser reads it (after a byte order mark)
  const std::string& file_;
  const YamlLimits& limits_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, const YNode*> anchors_;
  const YNode* root_ = nullptr;
  int line_offset_ = 0;
  size_t nodes_ = 0;
  size_t documents_ = 0;
  YAML::Mark last_start_;
};

// Parses the documents of `text`, a part of `file` that starts at a line
// after `line_offset` lines.
YamlFile parse_documents(std::string_view text, const std::string& file, const YamlLimits& limits,
                         int line_offset) {
  YamlFile out;
  std::istringstream in{std::string(text)};
  TreeBuilder builder(out, text, file, limits, line_offset);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& e) {
    std::string msg = e.msg;
    if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
      msg = "YAML nested too deeply";
    }
    throw InputError(at(file, e.mark.line + 1 + line_offset, e.mark.column + 1),
                     "malformed YAML: " + msg);
  }
  return out;
}

// Where a large file is cut into parts parsed side by side: at most `parts`
// offsets, the first 0, each other one the start of a line that is a
// document marker ("---" then a space, a tab, a line end or the end). YAML
// allows a document marker at the start of a line only between documents
// (inside a block or quoted scalar it ends the document or is an error
// either way), so every part holds whole documents, and anchors, which
// YAML scopes to one document, never cross a cut.
std::vector<size_t> document_cuts(std::string_view text, size_t parts) {
  std::vector<size_t> cuts{0};
  for (size_t k = 1; k < parts; ++k) {
    size_t from = std::max(text.size() / parts * k, cuts.back() + 1);
    while (from < text.size()) {
      const size_t nl = text.find("\n---", from - 1);
      if (nl == std::string_view::npos) return cuts;
      const size_t after = nl + 4;
      if (after == text.size() || text[after] == ' ' || text[after] == '\t' ||
          text[after] == '\n' || text[after] == '\r') {
        cuts.push_back(nl + 1);
        break;
      }
      from = nl + 2;
    }
  }
  return cuts;
}

}  // namespace

void YamlFile::append(YamlFile&& other) {
  // Moving a deque keeps its elements where they are, so the nodes of
  // `other` (and the pointers between them) stay valid here.
  more_arenas_.push_back(std::move(other.arena_));
  for (auto& a : other.more_arenas_) more_arenas_.push_back(std::move(a));
  documents_.insert(documents_.end(), other.documents_.begin(), other.documents_.end());
}

YamlFile parse_yaml(std::string_view text, const std::string& file, const YamlLimits& limits) {
  const size_t start = check_bytes(text, file);
  text.remove_prefix(start);
  // yaml-cpp's scanner reads about 4 MB/s: a file of many documents is cut at
  // document markers into (up to) 4 parts parsed on their own threads. Each
  // part gets the node budget in proportion to its bytes, so the file's total
  // stays the same; the documents and the first error come in file order. The
  // cuts depend on the text alone, never on the machine, so every message is
  // the same everywhere.
  const std::vector<size_t> cuts = text.size() >= kParallelParseBytes
                                       ? document_cuts(text, kParallelParseParts)
                                       : std::vector<size_t>{0};
  if (cuts.size() == 1) return parse_documents(text, file, limits, 0);

  const size_t n = cuts.size();
  std::vector<YamlFile> parts(n);
  std::vector<std::exception_ptr> errors(n);
  auto parse_part = [&](size_t i) {
    const size_t end = i + 1 < n ? cuts[i + 1] : text.size();
    const std::string_view part = text.substr(cuts[i], end - cuts[i]);
    const int line_offset =
        static_cast<int>(std::count(text.begin(), text.begin() + cuts[i], '\n'));
    YamlLimits part_limits = limits;
    part_limits.max_nodes =
        static_cast<size_t>(static_cast<double>(limits.max_nodes) *
                            static_cast<double>(part.size()) / static_cast<double>(text.size())) +
        1;
    try {
      parts[i] = parse_documents(part, file, part_limits, line_offset);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> workers;
    for (size_t i = 1; i < n; ++i) workers.emplace_back(parse_part, i);
    parse_part(0);
  }  // joined
  for (size_t i = 0; i < n; ++i) {
    if (errors[i]) std::rethrow_exception(errors[i]);
  }
  YamlFile out = std::move(parts[0]);
  for (size_t i = 1; i < n; ++i) out.append(std::move(parts[i]));
  return out;
}

ScalarType resolve_scalar(const YNode& node) {
  if (node.is_null()) return ScalarType::kNull;
  if (!node.is_scalar()) return ScalarType::kString;
  if (!node.tag.empty()) {
    const std::string& t = node.tag;
    if (t == "tag:yaml.org,2002:null") return ScalarType::kNull;
    if (t == "tag:yaml.org,2002:bool") return ScalarType::kBool;
    if (t == "tag:yaml.org,2002:int") return ScalarType::kInt;
    if (t == "tag:yaml.org,2002:float") return ScalarType::kFloat;
    return ScalarType::kString;
  }
  if (!node.plain) return ScalarType::kString;
  // Mirrors go-yaml v2 resolve.go: its table of YAML 1.1 words, then numbers.
  static const char* const kNulls[] = {"", "~", "null", "Null", "NULL"};
  static const char* const kBools[] = {
      "y", "Y", "yes", "Yes", "YES", "true",  "True",  "TRUE",  "on",  "On",  "ON",
      "n", "N", "no",  "No",  "NO",  "false", "False", "FALSE", "off", "Off", "OFF"};
  static const char* const kFloats[] = {".nan",  ".NaN",  ".NAN",  ".inf",  ".Inf",  ".INF",
                                        "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"};
  const std::string& v = node.value;
  for (const char* w : kNulls) {
    if (v == w) return ScalarType::kNull;
  }
  for (const char* w : kBools) {
    if (v == w) return ScalarType::kBool;
  }
  for (const char* w : kFloats) {
    if (v == w) return ScalarType::kFloat;
  }
  if (v.empty()) return ScalarType::kString;
  const char c0 = v[0];
  if (!((c0 >= '0' && c0 <= '9') || c0 == '+' || c0 == '-' || c0 == '.')) {
    return ScalarType::kString;
  }
  // Integers as strconv.ParseInt(s, 0, 64) reads them, underscores removed:
  // decimal, 0x hex, 0o or leading-0 octal, 0b binary.
  std::string s;
  for (char c : v) {
    if (c != '_') s.push_back(c);
  }
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  auto all_of = [&](size_t from, auto pred) {
    return from < s.size() &&
           std::all_of(s.begin() + static_cast<std::ptrdiff_t>(from), s.end(), pred);
  };
  auto is_dec = [](char c) { return c >= '0' && c <= '9'; };
  auto is_oct = [](char c) { return c >= '0' && c <= '7'; };
  auto is_bin = [](char c) { return c == '0' || c == '1'; };
  auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    if (all_of(i + 2, is_hex)) return ScalarType::kInt;
  } else if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
    if (all_of(i + 2, is_oct)) return ScalarType::kInt;
  } else if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
    if (all_of(i + 2, is_bin)) return ScalarType::kInt;
  } else if (s.size() > i + 1 && s[i] == '0') {
    if (all_of(i + 1, is_oct)) return ScalarType::kInt;
  } else if (all_of(i, is_dec)) {
    return ScalarType::kInt;
  }
  // Floats: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ on the text as written.
  size_t j = 0;
  if (j < v.size() && (v[j] == '+' || v[j] == '-')) ++j;
  size_t digits = 0;
  while (j < v.size() && is_dec(v[j])) ++j, ++digits;
  if (j < v.size() && v[j] == '.') {
    ++j;
    size_t frac = 0;
    while (j < v.size() && is_dec(v[j])) ++j, ++frac;
    if (digits == 0 && frac == 0) return ScalarType::kString;
  } else if (digits == 0) {
    return ScalarType::kString;
  }
  if (j < v.size() && (v[j] == 'e' || v[j] == 'E')) {
    ++j;
    if (j < v.size() && (v[j] == '+' || v[j] == '-')) ++j;
    size_t exp = 0;
    while (j < v.size() && is_dec(v[j])) ++j, ++exp;
    if (exp == 0) return ScalarType::kString;
  }
  return j == v.size() ? ScalarType::kFloat : ScalarType::kString;
}

}  // namespace simcluster::io
