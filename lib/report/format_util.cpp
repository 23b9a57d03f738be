#include "report/format_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace simcluster::report_detail {

std::string cpu_text(int64_t milli) { return fmt::format("{}m", milli); }

std::string memory_text(int64_t bytes) {
  if (bytes % kMi == 0) return fmt::format("{}Mi", bytes / kMi);
  return fmt::format("{}Mi", fixed(static_cast<double>(bytes) / kMi, 1));
}

std::string storage_text(int64_t bytes) {
  if (bytes == 0) return "0";
  if (bytes % kGi == 0) return fmt::format("{}Gi", bytes / kGi);
  return memory_text(bytes);
}

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return value > 0 ? "inf" : (value < 0 ? "-inf" : "nan");
  std::string s = fmt::format("{:.{}f}", value, decimals);
  // "-0.0" -> "0.0": a value that rounds to zero has no sign.
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string trimmed(double value, int decimals) {
  std::string s = fixed(value, decimals);
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string percent_text(double value) { return fixed(value, 1) + "%"; }

std::string latency_text(double ms) {
  if (!std::isfinite(ms)) return "saturated";
  return fixed(ms, 1) + "ms";
}

std::string users_text(double users) {
  if (std::isfinite(users) && users == std::floor(users)) return fixed(users, 0);
  return fixed(users, 1);
}

std::string seconds_text(int64_t seconds) { return format_duration(std::chrono::seconds(seconds)); }

std::string time_seconds_text(SimTime t) {
  int64_t ms = t.ms();
  if (ms % 1000 == 0) return fmt::format("{}", ms / 1000);
  return fmt::format("{}{}.{:03}", ms < 0 ? "-" : "", std::abs(ms) / 1000, std::abs(ms) % 1000);
}

std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default: {
        auto u = static_cast<unsigned char>(c);
        // Control characters are not allowed in HTML text; tab and newline are.
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) {
          out += "&#xFFFD;";
        } else {
          out.push_back(c);
        }
      }
    }
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

namespace {
// Width on a terminal: UTF-8 continuation bytes take no column.
size_t display_width(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}
}  // namespace

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  for (auto& c : cells) c = sanitize(c);
  rows_.push_back(std::move(cells));
}

std::string TextTable::render(int indent) const {
  std::vector<size_t> width(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) width[i] = display_width(columns_[i].header);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
  }
  // A group's text must fit over its columns: widen them if not.
  size_t group_lines = 0;
  for (const auto& g : groups_) {
    if (g.first >= width.size() || g.count == 0) continue;
    size_t last = std::min(width.size(), g.first + g.count);
    size_t span = 2 * (last - g.first - 1);
    for (size_t i = g.first; i < last; ++i) span += width[i];
    size_t need = 0;
    for (const auto& l : g.lines) need = std::max(need, display_width(sanitize(l)));
    // Spread the extra width over the group's columns, so none stands out.
    for (size_t extra = need > span ? need - span : 0, i = 0; extra > 0; --extra, ++i) {
      ++width[g.first + i % (last - g.first)];
    }
    group_lines = std::max(group_lines, g.lines.size());
  }
  std::string out;
  if (group_lines) {
    std::vector<size_t> start(width.size());
    size_t x = static_cast<size_t>(indent);
    for (size_t i = 0; i < width.size(); ++i) {
      start[i] = x;
      x += width[i] + 2;
    }
    for (size_t li = 0; li < group_lines; ++li) {
      std::string line;
      for (const auto& g : groups_) {
        if (g.first >= width.size() || li >= g.lines.size()) continue;
        size_t w = display_width(line);
        if (w < start[g.first]) line.append(start[g.first] - w, ' ');
        line += sanitize(g.lines[li]);
        line += ' ';
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line;
      out += '\n';
    }
  }
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line(static_cast<size_t>(indent), ' ');
    for (size_t i = 0; i < cells.size(); ++i) {
      size_t pad = width[i] - display_width(cells[i]);
      bool last = i + 1 == cells.size();
      if (columns_[i].align == Align::kRight) {
        line.append(pad, ' ');
        line += cells[i];
      } else {
        line += cells[i];
        if (!last) line.append(pad, ' ');
      }
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  std::vector<std::string> headers;
  for (const auto& c : columns_) headers.push_back(c.header);
  emit(headers);
  for (const auto& row : rows_) emit(row);
  return out;
}

std::string workload_id(const WorkloadSummary& w) {
  return fmt::format("{}/{}/{}", w.kind, w.ns, w.name);
}
std::string workload_label(const WorkloadSummary& w) { return fmt::format("{}/{}", w.ns, w.name); }
std::string service_label(const ServiceSummary& s) { return fmt::format("{}/{}", s.ns, s.name); }

bool parse_utilization_target(std::string_view target, std::string* resource, double* percent) {
  size_t space = target.find(' ');
  if (space == std::string_view::npos || target.empty() || target.back() != '%') return false;
  std::string_view number = target.substr(space + 1, target.size() - space - 2);
  if (number.empty() || number.size() > 9) return false;
  double v = 0;
  for (char c : number) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *resource = std::string(target.substr(0, space));
  *percent = v;
  return true;
}

namespace {
bool saturated_throughout(const Report& r, const ServiceSummary& s) {
  return r.duration.count() > 0 && s.saturated_seconds * 1000 >= r.duration.count();
}
}  // namespace

std::optional<double> mean_latency(const Report& r, const ServiceSummary& s) {
  if (saturated_throughout(r, s)) return std::nullopt;
  return s.mean_latency_ms;
}

std::optional<double> worst_latency(const Report& r, const ServiceSummary& s) {
  if (saturated_throughout(r, s)) return std::nullopt;
  return s.p_max_latency_ms;
}

std::string latency_text(const std::optional<double>& ms) { return ms ? latency_text(*ms) : "-"; }

int32_t max_pods(const Report& r) {
  int64_t m = std::max({r.totals_start.pods, r.totals_peak.pods, r.totals_end.pods});
  for (const auto& s : r.samples) m = std::max(m, s.totals.pods);
  return static_cast<int32_t>(m);
}

int32_t max_nodes(const Report& r) {
  int32_t m = 0;
  for (const auto& s : r.samples) m = std::max(m, s.nodes);
  if (r.samples.empty()) {
    for (const auto& p : r.node_pools) m += p.max_ready;
  }
  return m;
}

double peak_users(const Report& r) {
  double m = 0;
  for (const auto& s : r.samples) m = std::max(m, s.users);
  return m;
}

}  // namespace simcluster::report_detail
