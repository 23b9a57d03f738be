#include <doctest/doctest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "sample_report.h"
#include "simcluster/render.h"

using namespace simcluster;
using simcluster::testing::sample_report;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the CSV has a header and one row per sample with fixed columns") {
  Report r = sample_report();
  REQUIRE(r.node_pools.size() == 1);
  for (Sample& s : r.samples) s.pool_nodes = {s.nodes};
  auto ls = lines(render_csv(r));
  REQUIRE(ls.size() == r.samples.size() + 1);
  // t, users, 5 per workload, 5 totals, 1 per service, 1 per node pool.
  size_t columns = 2 + 5 * r.workloads.size() + 5 + r.services.size() + r.node_pools.size();
  for (const auto& l : ls) CHECK(count(l, ",") + 1 == columns);
  CHECK(ls[0].rfind("t_s,users,production/auth-service replicas,production/auth-service ready,",
                    0) == 0);
  CHECK(ls[0].find("production/chat-service cpu_pct") != std::string::npos);
  CHECK(ls[0].find(",nodes,pending_pods,pods,cpu_requests_m,memory_requests_mi,") !=
        std::string::npos);
  CHECK(ls[0].find("production/chat-service latency_ms") != std::string::npos);
  CHECK(ls[0].substr(ls[0].size() - 14) == ",default nodes");
  CHECK(ls[1].rfind("0,100,3,3,3,40,33.333,", 0) == 0);
  CHECK(ls[2].rfind("60,10000,10,10,10,50,33.333,", 0) == 0);
  // Saturated latency in sample 3.
  CHECK(ls[4].find(",inf," + std::to_string(r.samples[3].nodes)) != std::string::npos);
  CHECK(ls[5].find(",154," + std::to_string(r.samples[4].nodes)) != std::string::npos);
}

TEST_CASE("CSV fields with commas or quotes from the input are quoted") {
  Report r = sample_report();
  r.workloads[0].name = "a,b\"c";
  auto ls = lines(render_csv(r));
  CHECK(ls[0].find("\"production/a,b\"\"c replicas\"") != std::string::npos);
}

TEST_CASE("the HTML report is one self-contained page that loads nothing") {
  std::string html = render_html(sample_report());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("</html>") != std::string::npos);
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  for (const char* forbidden : {"<script", "<link", "<img", "<iframe", "@import", "url(",
                                " src=", "href=", "https://", "@font-face"}) {
    CHECK_MESSAGE(html.find(forbidden) == std::string::npos, forbidden);
  }
  // The only URL is the SVG namespace name, which is never fetched.
  std::string stripped =
      std::regex_replace(html, std::regex("xmlns=\"http://www.w3.org/2000/svg\""), "");
  CHECK(stripped.find("http://") == std::string::npos);
}

TEST_CASE("the HTML report draws the charts as inline SVG") {
  Report r = sample_report();
  std::string html = render_html(r);
  // users, replicas, 3 HPA utilization charts, nodes, pending, latency.
  CHECK(count(html, "<svg ") == 8);
  CHECK(count(html, "</svg>") == 8);
  for (const char* id : {"id=\"users\"", "id=\"replicas\"", "id=\"util-0\"", "id=\"nodes\"",
                         "id=\"pending\"", "id=\"latency\""}) {
    CHECK_MESSAGE(html.find(id) != std::string::npos, id);
  }
  // One polyline per workload in the replicas chart, titled with its name.
  CHECK(html.find("<title>production/postgres</title></polyline>") != std::string::npos);
  // HPA target and SLO reference lines.
  CHECK(html.find("cpu target 70.0%") != std::string::npos);
  CHECK(html.find("SLO 250.0ms") != std::string::npos);
  // The saturated sample of chat-service is a band, and breaks the line in two.
  CHECK(html.find("production/chat-service: saturated") != std::string::npos);
  CHECK(count(html, "<title>production/chat-service</title></polyline>") == 1 + 2);
  // Tables.
  CHECK(html.find("<td>chat-service</td>") != std::string::npos);
  CHECK(html.find("0/3 nodes are available: 3 Insufficient cpu.") != std::string::npos);
}

TEST_CASE("the HTML chart points stay inside the plot") {
  std::string html = render_html(sample_report());
  std::regex points("points=\"([^\"]*)\"");
  size_t polylines = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), points);
       it != std::sregex_iterator(); ++it) {
    ++polylines;
    std::istringstream in((*it)[1].str());
    for (std::string p; in >> p;) {
      size_t comma = p.find(',');
      REQUIRE(comma != std::string::npos);
      double x = std::stod(p.substr(0, comma)), y = std::stod(p.substr(comma + 1));
      CHECK(x >= 64.0);
      CHECK(x <= 904.0);
      CHECK(y >= 26.0);
      CHECK(y <= 226.0);
    }
  }
  CHECK(polylines > 10);
}

TEST_CASE("the HTML report escapes every string from the input") {
  Report r = sample_report();
  const std::string evil = "<script>alert('x')</script>&\"";
  r.scenario = evil;
  r.file = evil;
  r.workloads[0].name = evil;
  r.workloads[0].ns = evil;
  r.workloads[0].hpa->targets.push_back(evil);
  r.services[0].name = evil;
  r.node_pools[0].pool = evil;
  r.warnings.push_back({evil, evil});
  r.events[0].message = evil;
  r.events[0].object = evil;
  r.events[0].kind = evil;
  r.pending.reasons[evil] = 1;
  std::string html = render_html(r);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("alert('x')") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;") !=
        std::string::npos);
  // In the title, in an SVG <title>, in a legend and in a table cell.
  CHECK(html.find("<title>simcluster: &lt;script&gt;") != std::string::npos);
  CHECK(html.find("<title>&lt;script&gt;") != std::string::npos);

  // The same through the sizing page.
  SizingInput in;
  in.runs.push_back({&r, ClaimedLevel{evil, 10, {{evil, 1}}}});
  in.claims_source = evil;
  std::string page = render_sizing(in, ReportFormat::kHtml);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("&lt;script&gt;") != std::string::npos);
}

TEST_CASE("long time series are reduced but keep their spikes") {
  Report r = sample_report();
  Sample base = r.samples.back();
  r.samples.clear();
  r.duration = std::chrono::hours(24);
  for (int i = 0; i < 5760; ++i) {
    Sample s = base;
    s.t = SimTime::from_seconds(15 * i);
    s.pending_pods = i == 3001 ? 60 : 0;
    r.samples.push_back(s);
  }
  std::string html = render_html(r);
  size_t at = html.find("id=\"pending\"");
  REQUIRE(at != std::string::npos);
  size_t end = html.find("</svg>", at);
  std::string chart = html.substr(at, end - at);
  size_t p = chart.find("points=\"");
  std::string pts = chart.substr(p, chart.find('"', p + 8) - p);
  CHECK(count(pts, " ") < 3200);  // at most ~1500 points, two per step
  // The spike (60 pods on a 0..80 axis: y = 26 + 200 x (1 - 60/80) = 76) survives.
  CHECK(pts.find(",76.0") != std::string::npos);
  CHECK(chart.find(">80<") != std::string::npos);
}

TEST_CASE("the HTML header lists the --set overrides, escaped") {
  Report r = sample_report();
  CHECK(render_html(r).find("overrides:") == std::string::npos);
  r.overrides = {"cluster.nodePools[0].count=6", "name=<b>"};
  CHECK(render_html(r).find("overrides: <code>--set cluster.nodePools[0].count=6 --set "
                            "name=&lt;b&gt;</code>") != std::string::npos);
}
