#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "report/format_util.h"
#include "sample_report.h"
#include "simcluster/render.h"

using namespace simcluster;
using simcluster::testing::sample_report;

namespace {

// The line of `text` that contains `needle` ("" if none).
std::string line_with(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  if (at == std::string::npos) return "";
  size_t b = text.rfind('\n', at);
  size_t e = text.find('\n', at);
  return text.substr(b == std::string::npos ? 0 : b + 1, e - (b == std::string::npos ? 0 : b + 1));
}

// The row of the table under `section` whose first cell is `first` ("" if none).
std::string row_in(const std::string& text, const std::string& section, const std::string& first) {
  size_t at = text.find("\n" + section + "\n");
  if (at == std::string::npos) return "";
  size_t end = text.find("\n\n", at + 1);
  for (size_t b = text.find('\n', at + 1) + 1; b < end && b != 0;) {
    size_t e = text.find('\n', b);
    std::string line = text.substr(b, e - b);
    size_t s = line.find_first_not_of(' ');
    if (s != std::string::npos && line.compare(s, first.size() + 1, first + " ") == 0) return line;
    b = e + 1;
  }
  return "";
}

}  // namespace

TEST_CASE("the formats are parsed by their kubectl names and nothing else") {
  CHECK(parse_report_format("text") == ReportFormat::kText);
  CHECK(parse_report_format("wide") == ReportFormat::kWide);
  CHECK(parse_report_format("json") == ReportFormat::kJson);
  CHECK(parse_report_format("yaml") == ReportFormat::kYaml);
  CHECK(parse_report_format("csv") == ReportFormat::kCsv);
  CHECK(parse_report_format("html") == ReportFormat::kHtml);
  CHECK_FALSE(parse_report_format("JSON"));
  CHECK_FALSE(parse_report_format(""));
  CHECK_FALSE(parse_report_format("xml"));
  for (auto f : {ReportFormat::kText, ReportFormat::kWide, ReportFormat::kJson, ReportFormat::kYaml,
                 ReportFormat::kCsv, ReportFormat::kHtml}) {
    CHECK(parse_report_format(report_format_name(f)) == f);
  }
}

TEST_CASE("numbers are printed with fixed precision and no negative zero") {
  using namespace report_detail;
  CHECK(fixed(-0.04, 1) == "0.0");
  CHECK(fixed(2.25, 1) == "2.2");  // round-half-even of the binary value, as printf
  CHECK(fixed(1234567.891, 2) == "1234567.89");
  CHECK(trimmed(12.5, 3) == "12.5");
  CHECK(trimmed(3.0, 3) == "3");
  CHECK(trimmed(0.0004, 3) == "0");
  CHECK(trimmed(-0.0004, 3) == "0");
  CHECK(cpu_text(2350) == "2350m");
  CHECK(memory_text(2816 * testing::kMi) == "2816Mi");
  CHECK(memory_text(testing::kMi / 2) == "0.5Mi");
  CHECK(storage_text(15 * testing::kGi) == "15Gi");
  CHECK(latency_text(12.345) == "12.3ms");
  CHECK(latency_text(std::numeric_limits<double>::infinity()) == "saturated");
  CHECK(users_text(5000) == "5000");
  CHECK(users_text(2.5) == "2.5");
  CHECK(time_seconds_text(SimTime::from_ms(15250)) == "15.250");
  CHECK(time_seconds_text(SimTime::from_ms(60000)) == "60");
}

TEST_CASE("the text table aligns columns and strips control characters") {
  report_detail::TextTable t({{"NAME"}, {"N", report_detail::TextTable::Align::kRight}});
  t.add_row({"a", "1"});
  t.add_row({"long\x1b[31mname", "100"});
  std::string out = t.render(2);
  CHECK(out ==
        "  NAME             N\n"
        "  a                1\n"
        "  long?[31mname  100\n");
  CHECK(out.find('\x1b') == std::string::npos);
}

TEST_CASE("the text report lists every workload with start, min, max, end and time at max") {
  std::string out = render_text(sample_report());
  std::string chat = line_with(out, "production  chat-service");
  REQUIRE_FALSE(chat.empty());
  CHECK(chat.rfind("  Deployment", 0) == 0);
  // START MIN MAX END, then time at max and requests.
  CHECK(chat.find("chat-service         5    3   18    4           0s  300m/384Mi") !=
        std::string::npos);
  std::string auth = line_with(out, "production  auth-service");
  CHECK(auth.find(" 2           3m  250m/256Mi") != std::string::npos);  // 180 s at max
  CHECK(out.find("StatefulSet  production  postgres") != std::string::npos);
}

TEST_CASE("the text report shows HPA reaction times, decisions and rollouts") {
  std::string out = render_text(sample_report());
  std::string auth = row_in(out, "AUTOSCALING (HPA)", "production/auth-service");
  REQUIRE_FALSE(auth.empty());
  CHECK(auth.find("cpu 70%, memory 80%") != std::string::npos);
  CHECK(auth.find("1m15s, 1m30s (worst 1m30s)") != std::string::npos);
  CHECK(out.find("Decisions: 2 rescales") != std::string::npos);
  CHECK(out.find("scaled 10 -> 18 (cpu 120% / 70%)") != std::string::npos);
  CHECK(line_with(out, "Deployment/production/chat-service  ").find("2m15s") != std::string::npos);
}

TEST_CASE("the text report gives pending pods with reasons, most frequent first") {
  std::string out = render_text(sample_report());
  CHECK(out.find("most pending at once: 4   pending time: 300 pod-seconds (5m)") !=
        std::string::npos);
  size_t cpu = out.find("3 Insufficient cpu.");
  size_t mem = out.find("5 Insufficient memory.");
  REQUIRE(cpu != std::string::npos);
  REQUIRE(mem != std::string::npos);
  CHECK(cpu < mem);
  CHECK(line_with(out, "Insufficient cpu.").find("7") != std::string::npos);
}

TEST_CASE("the text report totals requests and limits at start, peak and end") {
  std::string out = render_text(sample_report());
  std::string peak = row_in(out, "REQUESTS AND LIMITS (all pods)", "peak");
  CHECK(peak.find("39") != std::string::npos);
  CHECK(peak.find("10550m") != std::string::npos);
  CHECK(peak.find("25500m") != std::string::npos);
  CHECK(peak.find("12544Mi") != std::string::npos);
  CHECK(peak.find("15Gi") != std::string::npos);
  CHECK(out.find("CPU requested / allocatable: average 61.2%, peak 109.3%") != std::string::npos);
  CHECK(out.find("most Ready nodes at once: 5") != std::string::npos);
}

TEST_CASE("the text report compares latency with the SLO and marks saturation") {
  std::string out = render_text(sample_report());
  CHECK(out.find("LATENCY (SLO 250.0ms)") != std::string::npos);
  std::string chat = row_in(out, "LATENCY (SLO 250.0ms)", "production/chat-service");
  REQUIRE_FALSE(chat.empty());
  CHECK(chat.find("saturated") != std::string::npos);
  CHECK(chat.find("2m") != std::string::npos);  // 120 s over the SLO
  CHECK(out.find("[HPAMaxExceedsCapacity]") != std::string::npos);
}

TEST_CASE("the wide text report adds limits, storage and utilization, and every event") {
  Report r = sample_report();
  for (int i = 0; i < 30; ++i) {
    r.events.push_back({SimTime::from_seconds(300 + i),
                        "Evicted",
                        "Pod/production/x",
                        fmt::format("evicted {}", i),
                        {}});
  }
  std::string narrow = render_text(r);
  std::string wide = render_text(r, true);
  CHECK(narrow.find("LIMITS/POD") == std::string::npos);
  CHECK(wide.find("LIMITS/POD") != std::string::npos);
  CHECK(line_with(wide, "StatefulSet  production  postgres").find("10Gi") != std::string::npos);
  CHECK(narrow.find("evicted 19") != std::string::npos);
  CHECK(narrow.find("evicted 20") == std::string::npos);
  CHECK(narrow.find("... 10 more Evicted") != std::string::npos);
  CHECK(wide.find("evicted 29") != std::string::npos);
  CHECK(wide.find("Scheduled") == std::string::npos);  // no such event in the sample
}

TEST_CASE("the text report does not pass terminal escapes from the input through") {
  Report r = sample_report();
  r.scenario = "evil\x1b]0;pwned\x07";
  r.warnings.push_back({"X", "bell\x07 and\nnewline"});
  std::string out = render_text(r);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find('\x07') == std::string::npos);
  CHECK(out.find("bell? and?newline") != std::string::npos);
}

TEST_CASE("rendering the same report twice gives the same bytes in every format") {
  Report r = sample_report();
  for (auto f : {ReportFormat::kText, ReportFormat::kWide, ReportFormat::kJson, ReportFormat::kYaml,
                 ReportFormat::kCsv, ReportFormat::kHtml}) {
    CHECK(render_report(r, f) == render_report(sample_report(), f));
  }
}

TEST_CASE("an empty report renders in every format") {
  Report r;
  r.scenario = "empty";
  for (auto f : {ReportFormat::kText, ReportFormat::kWide, ReportFormat::kJson, ReportFormat::kYaml,
                 ReportFormat::kCsv, ReportFormat::kHtml}) {
    CHECK_FALSE(render_report(r, f).empty());
  }
  CHECK(render_text(r).find("WORKLOADS\n  (none)") != std::string::npos);
}

TEST_CASE("a run that stopped early is flagged as incomplete") {
  Report r = sample_report();
  CHECK(render_text(r).find("INCOMPLETE") == std::string::npos);
  r.simulated_until = SimTime::from_seconds(240);
  CHECK(render_text(r).find("INCOMPLETE: the run stopped at 4m of 10m") != std::string::npos);
  CHECK(render_html(r).find("Incomplete run:") != std::string::npos);
  CHECK(render_json(r).find("\"complete\": false,") != std::string::npos);
}

TEST_CASE("failed scheduling is counted under pending pods, listed as events only in wide") {
  Report r = sample_report();
  std::string narrow = render_text(r), wide = render_text(r, true);
  CHECK(narrow.find("FailedScheduling") == std::string::npos);
  CHECK(wide.find("FailedScheduling  Pod/production/chat-service-7") != std::string::npos);
  CHECK(row_in(narrow, "LATENCY (SLO 250.0ms)", "production/chat-service").find("1m") !=
        std::string::npos);  // 60 s saturated
}

TEST_CASE("a Service saturated throughout has no mean or worst latency") {
  Report r = sample_report();
  r.services[1].saturated_seconds = 600;  // the whole 10m run
  r.services[1].mean_latency_ms = 0;
  r.services[1].p_max_latency_ms = 0;
  std::string chat = row_in(render_text(r), "LATENCY (SLO 250.0ms)", "production/chat-service");
  CHECK(chat.find("0.0ms") == std::string::npos);
  std::string squeezed;
  for (char c : chat) {
    if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed.push_back(c);
  }
  CHECK(squeezed.find(" 910.0 - - 2m 10m") != std::string::npos);
  std::string json = render_json(r);
  CHECK(json.find("\"mean_latency_ms\": null") != std::string::npos);
  CHECK(json.find("\"max_latency_ms\": null") != std::string::npos);
}

TEST_CASE("the text header lists the --set overrides, only when there are any") {
  Report r = sample_report();
  CHECK(render_text(r).find("Overrides:") == std::string::npos);
  r.overrides = {"cluster.nodePools[0].count=6", "load.users=5000"};
  const std::string text = render_text(r);
  CHECK(line_with(text, "Overrides:") ==
        "Overrides: --set cluster.nodePools[0].count=6 --set load.users=5000");
  // Right under the scenario line.
  CHECK(text.find("Overrides:") > text.find("Scenario:"));
  CHECK(text.find("Overrides:") < text.find("Seed:"));
}
