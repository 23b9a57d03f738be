#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sample_report.h"
#include "simcluster/error.h"
#include "simcluster/render.h"

using namespace simcluster;
using simcluster::testing::kMi;
using simcluster::testing::sample_report;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// One sample line: name{labels} value timestamp. The label text is kept as
// written (escapes included); the closing brace is the first one outside quotes.
struct Point {
  std::string name, labels, value, timestamp;
};

Point parse_point(const std::string& line) {
  Point p;
  size_t brace = line.find('{');
  REQUIRE(brace != std::string::npos);
  p.name = line.substr(0, brace);
  size_t i = brace + 1;
  bool quoted = false;
  for (; i < line.size(); ++i) {
    if (quoted && line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && line[i] == '}') {
      break;
    }
  }
  REQUIRE(i < line.size());
  p.labels = line.substr(brace + 1, i - brace - 1);
  std::istringstream rest(line.substr(i + 1));
  rest >> p.value >> p.timestamp;
  std::string extra;
  CHECK_FALSE(static_cast<bool>(rest >> extra));
  return p;
}

std::vector<Point> points(const std::string& text) {
  std::vector<Point> out;
  for (const auto& l : lines(text)) {
    if (!l.empty() && l[0] != '#') out.push_back(parse_point(l));
  }
  return out;
}

std::string value_at(const std::string& text, const std::string& name,
                     const std::string& label_part, const std::string& timestamp) {
  for (const Point& p : points(text)) {
    if (p.name == name && p.labels.find(label_part) != std::string::npos &&
        p.timestamp == timestamp) {
      return p.value;
    }
  }
  return "(none)";
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TEST_CASE("openmetrics: families with TYPE, UNIT and HELP, not interleaved, ending in # EOF") {
  std::string om = render_openmetrics(sample_report());
  REQUIRE(ends_with(om, "\n# EOF\n"));
  CHECK(om.find("# EOF") == om.size() - 6);  // once, last

  std::map<std::string, std::string> type, unit;
  std::set<std::string> helped, closed;
  std::string current;  // the family whose lines are being read
  for (const auto& l : lines(om)) {
    if (l == "# EOF") break;
    std::istringstream in(l);
    std::string hash, kind, name, rest;
    if (l[0] == '#') {
      in >> hash >> kind >> name;
      std::getline(in, rest);
      REQUIRE(rest.size() > 1);
      rest = rest.substr(1);
      if (name != current) {
        CHECK_MESSAGE(closed.count(name) == 0, name << " interleaved");
        if (!current.empty()) closed.insert(current);
        current = name;
      }
      if (kind == "TYPE") {
        CHECK(type.count(name) == 0);
        CHECK((rest == "gauge" || rest == "counter"));
        type[name] = rest;
      } else if (kind == "UNIT") {
        CHECK(type.count(name) == 1);  // TYPE first
        unit[name] = rest;
        CHECK_MESSAGE(ends_with(name, "_" + rest), name << " lacks its unit " << rest);
      } else {
        REQUIRE(kind == "HELP");
        CHECK(!rest.empty());
        helped.insert(name);
      }
      continue;
    }
    Point p = parse_point(l);
    CHECK(p.name.rfind("simcluster_", 0) == 0);
    REQUIRE_FALSE(current.empty());
    const std::string& t = type[current];
    if (t == "counter") {
      CHECK(p.name == current + "_total");
    } else {
      CHECK(p.name == current);
      CHECK_FALSE(ends_with(p.name, "_total"));
    }
    CHECK(p.labels.rfind("scenario=\"peak\"", 0) == 0);
    CHECK(!p.value.empty());
    CHECK(!p.timestamp.empty());
  }
  CHECK(helped.size() == type.size());
  // Base units only.
  for (const auto& entry : unit) {
    const std::string& u = entry.second;
    CHECK_MESSAGE((u == "seconds" || u == "bytes" || u == "cores" || u == "ratio"), entry.first);
  }
  CHECK(unit["simcluster_service_latency_seconds"] == "seconds");
  CHECK(unit["simcluster_workload_memory_requests_bytes"] == "bytes");
  CHECK(unit["simcluster_workload_cpu_usage_cores"] == "cores");
  CHECK(type["simcluster_node_pool_cost"] == "counter");
  CHECK(type["simcluster_workload_replicas"] == "gauge");
}

TEST_CASE("openmetrics: the samples' figures at their times from the start instant") {
  Report r = sample_report();
  std::string om = render_openmetrics(r);
  const std::string chat = "workload=\"chat-service\"";
  // kOpenMetricsDefaultStartMs is 2026-01-01T00:00:00Z; samples a minute apart.
  CHECK(value_at(om, "simcluster_users", "", "1767225600") == "100");
  CHECK(value_at(om, "simcluster_users", "", "1767225660") == "10000");
  CHECK(value_at(om, "simcluster_workload_replicas", chat, "1767225600") == "5");
  CHECK(value_at(om, "simcluster_workload_replicas", chat, "1767225660") == "18");
  CHECK(value_at(om, "simcluster_workload_ready_replicas", chat, "1767225660") == "18");
  CHECK(value_at(om, "simcluster_workload_desired_replicas", chat, "1767225900") == "4");
  // 18 pods x 300m; 50% of requests used by 18 Ready pods; 18 x 384Mi.
  CHECK(value_at(om, "simcluster_workload_cpu_requests_cores", chat, "1767225660") == "5.4");
  CHECK(value_at(om, "simcluster_workload_cpu_usage_cores", chat, "1767225660") == "2.7");
  CHECK(value_at(om, "simcluster_workload_cpu_utilization_ratio", chat, "1767225660") == "0.5");
  CHECK(value_at(om, "simcluster_workload_memory_requests_bytes", chat, "1767225660") ==
        std::to_string(18 * 384 * kMi));
  CHECK(value_at(om, "simcluster_workload_memory_usage_bytes", chat, "1767225660") ==
        std::to_string(static_cast<int64_t>(0.33333 * 18 * 384 * kMi + 0.5)));
  CHECK(om.find("namespace=\"production\",kind=\"StatefulSet\",workload=\"postgres\"") !=
        std::string::npos);
  // Latency in seconds; saturated is +Inf.
  CHECK(value_at(om, "simcluster_service_latency_seconds", "service=\"auth-service\"",
                 "1767225600") == "0.02");
  CHECK(value_at(om, "simcluster_service_latency_seconds", "service=\"chat-service\"",
                 "1767225780") == "+Inf");
  CHECK(value_at(om, "simcluster_pods_pending", "", "1767225720") == "4");
  CHECK(value_at(om, "simcluster_nodes_ready", "", "1767225780") == "5");
  CHECK(value_at(om, "simcluster_pods", "", "1767225600") == "39");
  CHECK(value_at(om, "simcluster_cpu_requests_cores", "", "1767225600") == "10.55");
  // Ready pods of all workloads at the start: 3 + 3 + 5 + 1 + 1 + 1.
  CHECK(value_at(om, "simcluster_pods_ready", "", "1767225600") == "14");
  // Cost: 0 at the start, the pool's total when the run ended (10 minutes).
  CHECK(value_at(om, "simcluster_node_pool_cost_total", "pool=\"default\"", "1767225600") == "0");
  CHECK(value_at(om, "simcluster_node_pool_cost_total", "pool=\"default\"", "1767226200") ==
        "0.0667");
}

TEST_CASE("openmetrics: timestamps follow the chosen start and rise within each series") {
  Report r = sample_report();
  r.samples[4].t = SimTime::from_ms(240'250);  // a sample off the whole second
  std::string om = render_openmetrics(r, 1'500);
  CHECK(value_at(om, "simcluster_users", "", "1.500") == "100");
  CHECK(value_at(om, "simcluster_users", "", "61.500") == "10000");
  CHECK(value_at(om, "simcluster_users", "", "241.750") == "10000");
  std::map<std::string, double> last;  // series -> last timestamp
  size_t n = 0;
  for (const Point& p : points(om)) {
    const std::string key = p.name + "{" + p.labels + "}";
    const double ts = std::stod(p.timestamp);
    auto it = last.find(key);
    if (it != last.end()) CHECK_MESSAGE(ts > it->second, key << " at " << p.timestamp);
    last[key] = ts;
    ++n;
  }
  // 6 workloads x 9 figures + 2 Services x 2 (rps, latency) + 7 cluster series + 1 per node
  // pool, 10 samples each, plus 2 cost points.
  CHECK(n == (6 * 9 + 2 * 2 + 7 + 1) * 10 + 2);
  CHECK(render_openmetrics(r, 0).find(" 0\n") != std::string::npos);
}

TEST_CASE("openmetrics: label values escape quotes, backslashes and line feeds") {
  Report r = sample_report();
  r.scenario = "peak \"A\"\\B\nC";
  r.workloads[2].name = "chat\\service";
  r.node_pools[0].pool = "bad\xff";
  std::string om = render_openmetrics(r);
  CHECK(om.find("{scenario=\"peak \\\"A\\\"\\\\B\\nC\"") != std::string::npos);
  CHECK(om.find("workload=\"chat\\\\service\"") != std::string::npos);
  CHECK(om.find("pool=\"bad\xEF\xBF\xBD\"") != std::string::npos);  // U+FFFD, not a bad byte
  // No raw line feed inside a line: every line is a comment or parses as a point.
  for (const auto& l : lines(om)) {
    if (l[0] == '#') continue;
    Point p = parse_point(l);
    CHECK(p.name.rfind("simcluster_", 0) == 0);
  }
}

TEST_CASE("openmetrics: the same report renders the same bytes, also through render_report") {
  Report r = sample_report();
  std::string a = render_openmetrics(r);
  CHECK(a == render_openmetrics(sample_report()));
  CHECK(a == render_report(r, ReportFormat::kOpenMetrics));
  CHECK(parse_report_format("openmetrics") == ReportFormat::kOpenMetrics);
  CHECK(report_format_name(ReportFormat::kOpenMetrics) == "openmetrics");
  CHECK_FALSE(parse_report_format("OpenMetrics").has_value());
}

TEST_CASE("openmetrics: a report without samples still gives the families and # EOF") {
  Report r = sample_report();
  r.samples.clear();
  r.simulated_until = SimTime{};
  std::string om = render_openmetrics(r);
  CHECK(ends_with(om, "# EOF\n"));
  CHECK(om.find("# TYPE simcluster_workload_replicas gauge\n") != std::string::npos);
  // Only the cost, once: the run did not get past its start.
  auto ps = points(om);
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].name == "simcluster_node_pool_cost_total");
}

TEST_CASE("openmetrics is one run's: the sizing table refuses it") {
  Report a = sample_report("high"), b = sample_report("peak");
  SizingInput in;
  in.runs = {{&a, std::nullopt}, {&b, std::nullopt}};
  CHECK_THROWS_AS(render_sizing(in, ReportFormat::kOpenMetrics), InputError);
}

TEST_CASE("RFC 3339 times for --start") {
  CHECK(parse_rfc3339_ms("2026-01-01T00:00:00Z") == kOpenMetricsDefaultStartMs);
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_ms("1970-01-01t00:00:01.5z") == 1500);
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:00.25Z") == 250);
  CHECK(parse_rfc3339_ms("2026-01-01T01:00:00+01:00") == kOpenMetricsDefaultStartMs);
  CHECK(parse_rfc3339_ms("2025-12-31T23:30:00-00:30") == kOpenMetricsDefaultStartMs);
  CHECK(parse_rfc3339_ms("2024-02-29T12:00:00Z") == 1'709'208'000'000);
  for (const char* bad :
       {"", "2026-01-01", "2026-01-01T00:00:00", "2026-01-01 00:00:00Z", "2026-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:60Z", "2026-01-01T00:00:00.1234Z", "2026-01-01T00:00:00.Z",
        "1969-12-31T23:59:59Z", "1970-01-01T00:00:00+01:00", "2026-01-01T00:00:00Zjunk",
        "2026-1-01T00:00:00Z", "2026-01-01T00:00:00+0100"}) {
    CHECK_MESSAGE(!parse_rfc3339_ms(bad).has_value(), bad);
  }
  CHECK(format_rfc3339_ms(kOpenMetricsDefaultStartMs) == "2026-01-01T00:00:00Z");
  CHECK(format_rfc3339_ms(1'709'208'000'250) == "2024-02-29T12:00:00.250Z");
  CHECK(parse_rfc3339_ms(format_rfc3339_ms(951'782'400'000)) == 951'782'400'000);  // 2000-02-29
}
