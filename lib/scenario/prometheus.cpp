// Prometheus query_range responses and label matchers (prometheus.h).
#include "scenario/prometheus.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "scenario/csv.h"
#include "scenario/yaml_reader.h"

namespace simcluster::scenario_internal {
namespace {

constexpr double kMaxUnixSeconds = 1e11;  // year ~5000: beyond is a unit mistake
constexpr size_t kMaxListedSeries = 5;

std::string scalar_of(const YamlReader& r, const YAML::Node& n, std::string_view what) {
  if (!n.IsDefined() || n.IsNull()) r.fail_at(n, fmt::format("{} is missing", what));
  if (!n.IsScalar()) r.fail_at(n, fmt::format("{} must be a scalar", what));
  return n.Scalar();
}

}  // namespace

std::string PromSeries::text() const {
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ",";
    out += fmt::format("{}=\"{}\"", name, value);
  }
  return out + "}";
}

std::string PromSeries::label(std::string_view name) const {
  for (const auto& [n, v] : labels) {
    if (n == name) return v;
  }
  return "";
}

std::vector<PromSeries> parse_query_range(std::string_view text, const std::string& file,
                                          PromNaN nan) {
  YamlReader r(file);
  const YAML::Node root = r.parse(text);
  const SourceLocation whole{file, 0, 0};
  if (!root.IsMap()) {
    throw InputError(whole,
                     fmt::format("{}: not a Prometheus query_range response (a JSON object with "
                                 "status and data)",
                                 file),
                     "save the body of /api/v1/query_range, e.g. curl -s "
                     "'http://prometheus:9090/api/v1/query_range?query=...&start=...&end=...&"
                     "step=15s' > file.json");
  }
  if (const YAML::Node status = root["status"]; status.IsDefined()) {
    const std::string s = scalar_of(r, status, "status");
    if (s == "error") {
      const YAML::Node type = root["errorType"];
      const YAML::Node error = root["error"];
      r.fail_at(
          status,
          fmt::format("Prometheus answered with an error: {}: {}",
                      type.IsDefined() && type.IsScalar() ? type.Scalar() : "unknown",
                      error.IsDefined() && error.IsScalar() ? error.Scalar() : "(no message)"),
          "fix the query and save the response again");
    }
    if (s != "success") {
      r.fail_at(status, fmt::format("status is '{}', expected \"success\"", s));
    }
  }
  // A key a const node lacks is an invalid node in yaml-cpp: IsDefined() is false and every
  // other IsX() throws InvalidNode (found by fuzz_trace), so IsDefined() comes first.
  const YAML::Node data = root["data"];
  if (!data.IsDefined() || !data.IsMap()) r.fail_at(root, "the response has no \"data\" object");
  if (const YAML::Node type = data["resultType"]; type.IsDefined()) {
    const std::string t = scalar_of(r, type, "data.resultType");
    if (t != "matrix") {
      r.fail_at(type, fmt::format("data.resultType is \"{}\"; a range of samples is \"matrix\"", t),
                "use /api/v1/query_range (with start, end and step), not /api/v1/query");
    }
  }
  const YAML::Node result = data["result"];
  if (!result.IsDefined() || !result.IsSequence()) {
    r.fail_at(data, "data.result must be a list of series");
  }
  std::vector<PromSeries> out;
  for (size_t i = 0; i < result.size(); ++i) {
    const YAML::Node s = result[i];
    const std::string path = fmt::format("data.result[{}]", i);
    // A series is an object; anything else has no "values" (and yaml-cpp's
    // operator[] on a scalar throws BadSubscript: found by fuzz_trace).
    if (!s.IsMap()) r.fail_at(s, fmt::format("{} must be an object with values", path));
    PromSeries series;
    series.at = r.where(s);
    if (const YAML::Node metric = s["metric"]; metric.IsDefined() && !metric.IsNull()) {
      if (!metric.IsMap()) r.fail_at(metric, fmt::format("{}.metric must be an object", path));
      for (const auto& kv : metric) {
        series.labels.emplace_back(scalar_of(r, kv.first, "a label name"),
                                   scalar_of(r, kv.second, "a label value"));
      }
      std::sort(series.labels.begin(), series.labels.end());
    }
    const YAML::Node values = s["values"];
    if (!values.IsDefined() || !values.IsSequence()) {
      r.fail_at(s, fmt::format("{}.values must be a list", path),
                s["value"].IsDefined() ? "this is an instant query's answer: use query_range" : "");
    }
    series.samples.reserve(values.size());
    for (const YAML::Node& v : values) {
      if (!v.IsSequence() || v.size() != 2) r.fail_at(v, "each value must be [time, \"value\"]");
      const std::string ts = scalar_of(r, v[0], "the time");
      const std::optional<double> t = parse_number(ts);
      if (!t || !std::isfinite(*t) || std::abs(*t) > kMaxUnixSeconds) {
        r.fail_at(v[0], fmt::format("bad time '{}': Unix seconds expected", ts));
      }
      const std::string vs = scalar_of(r, v[1], "the value");
      double value = 0;
      if (vs == "NaN" || vs == "nan") {
        if (nan == PromNaN::kSkip) continue;
        r.fail_at(v[1], fmt::format("{} has a NaN value at {}", series.text(), ts),
                  "Prometheus gives NaN for 0/0 (a rate over no requests); filter it in the "
                  "query (e.g. '... > 0') or pick another range");
      } else if (auto n = parse_number(vs); n && std::isfinite(*n)) {
        value = *n;
      } else if (vs == "+Inf" || vs == "-Inf" || vs == "Inf" || (n && !std::isfinite(*n))) {
        r.fail_at(v[1], fmt::format("{} has an infinite value ({}) at {}", series.text(), vs, ts),
                  "a division by zero in the query; filter it or pick another range");
      } else {
        r.fail_at(v[1], fmt::format("bad value '{}': not a number", vs));
      }
      const int64_t ms = std::llround(*t * 1000.0);
      if (!series.samples.empty() && ms <= series.samples.back().t_ms) {
        r.fail_at(
            v[0], fmt::format("time {} does not increase within {}", ts, series.text()),
            fmt::format("the previous sample is at {}", series.samples.back().at.to_string()));
      }
      series.samples.push_back({ms, value, r.where(v)});
    }
    out.push_back(std::move(series));
  }
  return out;
}

bool LabelMatcher::matches(const PromSeries& s) const {
  const std::string v = s.label(name);
  switch (op) {
    case Op::kEq:
      return v == value;
    case Op::kNe:
      return v != value;
    case Op::kRe:
      return std::regex_match(v, re);
    case Op::kNre:
      return !std::regex_match(v, re);
  }
  return false;
}

std::vector<LabelMatcher> parse_label_matchers(std::string_view text, const SourceLocation& where) {
  const std::string_view all = text;
  auto bad = [&](size_t at, std::string_view what) {
    throw InputError(where, fmt::format("bad label selector '{}' at offset {}: {}", all, at, what),
                     "write PromQL matchers: {service=\"chat\",pod=~\"chat-.*\"}");
  };
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  skip_space();
  const bool braces = i < text.size() && text[i] == '{';
  if (braces) ++i;
  std::vector<LabelMatcher> out;
  for (;;) {
    skip_space();
    if (i >= text.size() || text[i] == '}') break;
    LabelMatcher m;
    const size_t name_start = i;
    while (i < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[i])) != 0 || text[i] == '_')) {
      ++i;
    }
    if (i == name_start) bad(i, "a label name expected");
    m.name = std::string(text.substr(name_start, i - name_start));
    skip_space();
    if (text.substr(i, 2) == "=~") {
      m.op = LabelMatcher::Op::kRe, i += 2;
    } else if (text.substr(i, 2) == "!~") {
      m.op = LabelMatcher::Op::kNre, i += 2;
    } else if (text.substr(i, 2) == "!=") {
      m.op = LabelMatcher::Op::kNe, i += 2;
    } else if (text.substr(i, 1) == "=") {
      m.op = LabelMatcher::Op::kEq, i += 1;
    } else {
      bad(i, "=, !=, =~ or !~ expected");
    }
    skip_space();
    if (i >= text.size() || (text[i] != '"' && text[i] != '\'')) bad(i, "a quoted value expected");
    const char quote = text[i++];
    while (i < text.size() && text[i] != quote) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      m.value += text[i++];
    }
    if (i >= text.size()) bad(i, "unterminated quoted value");
    ++i;
    if (m.op == LabelMatcher::Op::kRe || m.op == LabelMatcher::Op::kNre) {
      try {
        m.re = std::regex(m.value, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        bad(i, fmt::format("bad regular expression '{}': {}", m.value, e.what()));
      }
    }
    out.push_back(std::move(m));
    skip_space();
    if (i < text.size() && text[i] == ',') ++i;
  }
  if (braces) {
    if (i >= text.size()) bad(i, "'}' expected");
    ++i;
  } else if (i < text.size()) {
    bad(i, "unexpected '}'");
  }
  skip_space();
  if (i < text.size()) bad(i, "unexpected text after the selector");
  return out;
}

std::vector<PromSeries> select_series(const std::vector<PromSeries>& all,
                                      const std::vector<LabelMatcher>& matchers,
                                      std::string_view selector, const std::string& file,
                                      const SourceLocation& where) {
  std::vector<PromSeries> out;
  for (const PromSeries& s : all) {
    if (std::all_of(matchers.begin(), matchers.end(),
                    [&](const LabelMatcher& m) { return m.matches(s); })) {
      out.push_back(s);
    }
  }
  if (out.empty()) {
    std::string there;
    for (size_t i = 0; i < all.size() && i < kMaxListedSeries; ++i) {
      there += (i > 0 ? ", " : "") + all[i].text();
    }
    if (all.size() > kMaxListedSeries) there += fmt::format(", ... ({} in all)", all.size());
    throw InputError(where,
                     selector.empty() ? fmt::format("{} has no series", file)
                                      : fmt::format("no series of {} matches {}", file, selector),
                     all.empty() ? "the query returned nothing for its range"
                                 : fmt::format("the series are {}", there));
  }
  return out;
}

}  // namespace simcluster::scenario_internal
