// Building blocks of the HTML report, private to lib/report: a page shell,
// escaped tables and inline SVG line charts drawn here (no script). Every
// string argument is escaped by these helpers unless its name says it is HTML.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "simcluster/report.h"

namespace simcluster::report_detail {

struct ChartSeries {
  std::string name;
  std::vector<double> y;  // parallel to the chart's t; non-finite = no value (+inf = saturated)
  bool dashed = false;
};

// A horizontal reference line: an HPA target, the SLO.
struct ChartReference {
  double y = 0;
  std::string label;
};

struct Chart {
  std::string id;     // element id, [a-z0-9-] only (made by the renderer, not from input)
  std::string title;  // text, escaped
  std::string unit;   // y axis unit, escaped: "users", "%", "ms"
  bool step = false;  // values hold until the next sample (replicas, nodes)
  bool integer = false;
  std::vector<ChartSeries> series;
  std::vector<ChartReference> references;
};

// A <figure> with the chart as inline SVG and an HTML legend.
// t_ms are the sample times; the x axis runs from 0 to end_ms.
std::string html_chart(const Chart& chart, const std::vector<int64_t>& t_ms, int64_t end_ms);

// A table; every header and cell is escaped. Cells whose column index is in
// `numeric` are right-aligned.
std::string html_table(const std::vector<std::string>& headers,
                       const std::vector<std::vector<std::string>>& rows,
                       const std::vector<size_t>& numeric = {}, const std::string& css_class = {});

// The page: <!DOCTYPE html> ... with the inline stylesheet and a
// Content-Security-Policy that forbids every external load and every script.
std::string html_page(const std::string& title, const std::string& body_html);

// The sections of one report (used for a single run and for each run of a
// sizing comparison); ids are prefixed with `id_prefix` to stay unique.
std::string html_report_body(const Report& report, const std::string& id_prefix);

}  // namespace simcluster::report_detail
