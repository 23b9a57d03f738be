#include "scenario/csv.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>

#include "simcluster/time.h"

namespace simcluster::scenario_internal {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits one line into fields. Returns false on an unterminated quote.
bool split_line(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && trim(field).empty()) {
      quoted = was_quoted = true;
      field.clear();
    } else if (c == ',') {
      out.push_back(was_quoted ? field : std::string(trim(field)));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  if (quoted) return false;
  out.push_back(was_quoted ? field : std::string(trim(field)));
  return true;
}

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& file, size_t max_rows) {
  CsvTable table;
  table.file = file;
  int line_no = 0;
  size_t pos = 0;
  std::vector<std::string> fields;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty() || trim(line).front() == '#') continue;
    if (!split_line(line, fields)) {
      throw InputError(SourceLocation{file, line_no, 0}, "unterminated quoted field");
    }
    if (table.header.empty()) {
      table.header = fields;
      table.header_line = line_no;
      continue;
    }
    if (fields.size() != table.header.size()) {
      throw InputError(SourceLocation{file, line_no, 0},
                       fmt::format("row has {} field(s), the header (line {}) has {}",
                                   fields.size(), table.header_line, table.header.size()));
    }
    if (table.rows.size() >= max_rows) {
      throw InputError(SourceLocation{file, line_no, 0},
                       fmt::format("more than {} rows; cut the file down", max_rows));
    }
    table.rows.push_back({line_no, fields});
  }
  if (table.header.empty())
    throw InputError(SourceLocation{file, 0, 0}, "empty CSV: no header row");
  return table;
}

size_t column_index(const CsvTable& table, const std::string& name, const SourceLocation& where,
                    std::string_view what) {
  for (size_t i = 0; i < table.header.size(); ++i) {
    if (table.header[i] == name) return i;
  }
  std::string guess = closest_match(name, table.header);
  std::string message = guess.empty()
                            ? fmt::format("{} column '{}' is not in {}", what, name, table.file)
                            : fmt::format("{} column '{}' is not in {}, did you mean '{}'?", what,
                                          name, table.file, guess);
  throw InputError(where, message,
                   fmt::format("{} line {} has the columns: {}", table.file, table.header_line,
                               fmt::join(table.header, ", ")));
}

std::string read_text_file(const std::string& path, size_t max_bytes,
                           const SourceLocation& referenced_from, std::string_view what) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    throw InputError(referenced_from, fmt::format("cannot read {} '{}'", what, path),
                     "paths are relative to the scenario file's directory");
  }
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    if (out.size() + n > max_bytes) {
      throw InputError(referenced_from,
                       fmt::format("{} '{}' is larger than {} MiB", what, path, max_bytes >> 20));
    }
    out.append(buf, n);
  }
  if (std::ferror(f.get())) {
    throw InputError(referenced_from,
                     fmt::format("cannot read {} '{}' (is it a directory?)", what, path));
  }
  return out;
}

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<double> parse_date_time(std::string_view s) {
  s = trim(s);
  int64_t y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  size_t i = 10;
  double frac = 0;
  if (i < s.size() && (s[i] == ' ' || s[i] == 'T')) {
    if (!digits(s, i + 1, 2, h) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, mi)) {
      return std::nullopt;
    }
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, sec)) return std::nullopt;
      i += 3;
      if (i < s.size() && s[i] == '.') {
        size_t start = ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        if (i == start) return std::nullopt;
        frac = parse_number("0." + std::string(s.substr(start, i - start))).value_or(0);
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  }
  int64_t offset = 0;
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int64_t oh, om;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, om)) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
    i += 6;
  }
  if (i != s.size()) return std::nullopt;
  const int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return static_cast<double>(secs) + frac;
}

}  // namespace simcluster::scenario_internal
