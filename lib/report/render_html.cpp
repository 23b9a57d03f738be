// -o html: one self-contained page. Charts are inline SVG polylines computed
// here; there is no script at all, and a Content-Security-Policy forbids
// loading anything, so the file renders offline and cannot phone home. Every
// string from the input goes through html_escape().
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "report/format_util.h"
#include "report/html.h"
#include "simcluster/render.h"

namespace simcluster {

using namespace report_detail;

namespace report_detail {

namespace {

// Tableau 10, then two more; series past the palette reuse it dashed.
constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                    "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                    "#9c755f", "#bab0ac", "#17becf", "#8c564b"};
constexpr size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

constexpr double kWidth = 920, kHeight = 260;
constexpr double kLeft = 64, kRight = 16, kTop = 26, kBottom = 34;
constexpr size_t kMaxPoints = 1500;  // per series; more are reduced to a min/max envelope

std::string num(double v) { return fixed(v, 1); }

// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
double nice_step(double raw, bool integer) {
  if (!(raw > 0)) return 1;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / p;
  double nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  double step = nf * p;
  if (integer) step = std::max(1.0, std::ceil(step));
  return step;
}

int64_t time_step_seconds(int64_t end_s) {
  static constexpr int64_t kSteps[] = {1,     2,     5,     10,    15,     30,    60,
                                       120,   300,   600,   900,   1800,   3600,  7200,
                                       10800, 21600, 43200, 86400, 172800, 604800};
  for (int64_t s : kSteps) {
    if (end_s / s <= 8) return s;
  }
  return std::max<int64_t>(1, end_s / 8);
}

// Indices of a segment [begin, end) to draw: all of them, or per bucket the
// first, lowest, highest and last, so spikes survive the reduction.
std::vector<size_t> reduce(const std::vector<double>& y, size_t begin, size_t end) {
  std::vector<size_t> idx;
  size_t n = end - begin;
  if (n <= kMaxPoints) {
    for (size_t i = begin; i < end; ++i) idx.push_back(i);
    return idx;
  }
  size_t buckets = kMaxPoints / 4;
  for (size_t b = 0; b < buckets; ++b) {
    size_t lo = begin + n * b / buckets, hi = begin + n * (b + 1) / buckets;
    if (lo >= hi) continue;
    size_t mn = lo, mx = lo;
    for (size_t i = lo; i < hi; ++i) {
      if (y[i] < y[mn]) mn = i;
      if (y[i] > y[mx]) mx = i;
    }
    std::set<size_t> pick = {lo, mn, mx, hi - 1};
    idx.insert(idx.end(), pick.begin(), pick.end());
  }
  return idx;
}

}  // namespace

std::string html_chart(const Chart& c, const std::vector<int64_t>& t_ms, int64_t end_ms) {
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  if (end_ms <= 0) end_ms = t_ms.empty() ? 1 : std::max<int64_t>(1, t_ms.back());
  double max_v = 0;
  for (const auto& s : c.series) {
    for (double v : s.y) {
      if (std::isfinite(v)) max_v = std::max(max_v, v);
    }
  }
  for (const auto& r : c.references) {
    if (std::isfinite(r.y)) max_v = std::max(max_v, r.y);
  }
  // 8% headroom, so a line at the maximum (a target, a cap) is not drawn on the frame.
  double top = max_v * 1.08;
  double step = nice_step(top > 0 ? top / 5 : 0.2, c.integer);
  double y_max = std::max(step, std::ceil(top / step - 1e-9) * step);
  auto X = [&](int64_t t) {
    return kLeft + pw * static_cast<double>(t) / static_cast<double>(end_ms);
  };
  auto Y = [&](double v) { return kTop + ph * (1 - std::clamp(v, 0.0, y_max) / y_max); };

  std::string svg = fmt::format(
      "<svg class=\"chart\" id=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      c.id, kWidth, kHeight, html_escape(c.title));
  // Grid and y labels.
  for (int k = 0; k * step <= y_max + step * 1e-9; ++k) {
    double v = k * step, y = Y(v);
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>"
        "<text class=\"ylabel\" x=\"{}\" y=\"{}\">{}</text>\n",
        num(kLeft), num(y), num(kLeft + pw), num(y), num(kLeft - 6), num(y + 4), trimmed(v, 3));
  }
  // x ticks.
  int64_t end_s = std::max<int64_t>(1, end_ms / 1000);
  int64_t ts = time_step_seconds(end_s);
  for (int64_t s = 0; s * 1000 <= end_ms; s += ts) {
    double x = X(s * 1000);
    svg += fmt::format(
        "<line class=\"tick\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>"
        "<text class=\"xlabel\" x=\"{}\" y=\"{}\">{}</text>\n",
        num(x), num(kTop + ph), num(x), num(kTop + ph + 4), num(x), num(kTop + ph + 18),
        seconds_text(s));
  }
  svg += fmt::format("<text class=\"unit\" x=\"4\" y=\"{}\">{}</text>\n", num(kTop - 12),
                     html_escape(c.unit));
  // Reference lines; labels staggered leftwards so close lines stay readable.
  for (size_t ri = 0; ri < c.references.size(); ++ri) {
    const auto& r = c.references[ri];
    double y = Y(r.y);
    svg += fmt::format(
        "<line class=\"ref\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"><title>{}</title></line>"
        "<text class=\"reflabel\" x=\"{}\" y=\"{}\">{}</text>\n",
        num(kLeft), num(y), num(kLeft + pw), num(y), html_escape(r.label),
        num(kLeft + pw - 4 - 160.0 * static_cast<double>(ri % 4)), num(y - 4),
        html_escape(r.label));
  }
  // Series.
  for (size_t si = 0; si < c.series.size(); ++si) {
    const auto& s = c.series[si];
    const char* color = kPalette[si % kPaletteSize];
    bool dashed = s.dashed || si >= kPaletteSize;
    size_t n = std::min(s.y.size(), t_ms.size());
    size_t i = 0;
    while (i < n) {
      if (!std::isfinite(s.y[i])) {
        // A run of +inf (saturated): a band along the top of the plot.
        size_t j = i;
        while (j < n && !std::isfinite(s.y[j])) ++j;
        if (s.y[i] > 0) {
          int64_t t1 = j < n ? t_ms[j] : end_ms;
          svg += fmt::format(
              "<rect class=\"saturated\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"5\" "
              "fill=\"{}\"><title>{}: saturated</title></rect>\n",
              num(X(t_ms[i])), num(kTop), num(std::max(1.0, X(t1) - X(t_ms[i]))), color,
              html_escape(s.name));
        }
        i = j;
        continue;
      }
      size_t j = i;
      while (j < n && std::isfinite(s.y[j])) ++j;
      std::vector<size_t> idx = reduce(s.y, i, j);
      std::string pts;
      for (size_t k = 0; k < idx.size(); ++k) {
        size_t p = idx[k];
        if (c.step && k > 0) pts += fmt::format("{},{} ", num(X(t_ms[p])), num(Y(s.y[idx[k - 1]])));
        pts += fmt::format("{},{} ", num(X(t_ms[p])), num(Y(s.y[p])));
      }
      // A step series holds its last value to the next sample (or the end).
      if (c.step) {
        int64_t t1 = j < n ? t_ms[j] : end_ms;
        pts += fmt::format("{},{}", num(X(t1)), num(Y(s.y[j - 1])));
      }
      while (!pts.empty() && pts.back() == ' ') pts.pop_back();
      svg += fmt::format(
          "<polyline class=\"series{}\" stroke=\"{}\" points=\"{}\"><title>{}</title></polyline>\n",
          dashed ? " dashed" : "", color, pts, html_escape(s.name));
      i = j;
    }
  }
  svg += fmt::format("<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                     num(kLeft), num(kTop), num(pw), num(ph));
  svg += "</svg>\n";

  std::string legend = "<ul class=\"legend\">";
  for (size_t si = 0; si < c.series.size(); ++si) {
    legend += fmt::format("<li><span class=\"swatch{}\" style=\"border-color:{}\"></span>{}</li>",
                          c.series[si].dashed || si >= kPaletteSize ? " dashed" : "",
                          kPalette[si % kPaletteSize], html_escape(c.series[si].name));
  }
  for (const auto& r : c.references) {
    legend += fmt::format("<li><span class=\"swatch ref\"></span>{}</li>", html_escape(r.label));
  }
  legend += "</ul>\n";
  return fmt::format("<figure class=\"chart\">\n<figcaption>{}</figcaption>\n{}{}</figure>\n",
                     html_escape(c.title), svg, legend);
}

std::string html_table(const std::vector<std::string>& headers,
                       const std::vector<std::vector<std::string>>& rows,
                       const std::vector<size_t>& numeric, const std::string& css_class) {
  auto is_num = [&](size_t i) {
    return std::find(numeric.begin(), numeric.end(), i) != numeric.end();
  };
  std::string out = css_class.empty()
                        ? "<table>\n"
                        : fmt::format("<table class=\"{}\">\n", html_escape(css_class));
  out += "<thead><tr>";
  for (size_t i = 0; i < headers.size(); ++i) {
    out += fmt::format("<th{}>{}</th>", is_num(i) ? " class=\"num\"" : "", html_escape(headers[i]));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += fmt::format("<td{}>{}</td>", is_num(i) ? " class=\"num\"" : "", html_escape(row[i]));
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

std::string html_page(const std::string& title, const std::string& body_html) {
  static constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:16px 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dce3;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.meta{color:#5a6375;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:8px 12px;min-width:120px}
.card .v{font-size:20px;font-weight:600}.card .k{color:#5a6375;font-size:12px}
.card.bad{border-color:#e15759}.card.bad .v{color:#c0392b}
table{border-collapse:collapse;background:#fff;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #d8dce3;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.flag{color:#c0392b;font-weight:600}
figure.chart{background:#fff;border:1px solid #d8dce3;border-radius:6px;margin:10px 0;padding:8px}
figcaption{font-weight:600;margin:0 0 4px}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:#e6e8ec;stroke-width:1}svg .tick{stroke:#8a93a3}
svg .frame{fill:none;stroke:#8a93a3;stroke-width:1}
svg text{font-size:11px;fill:#5a6375}svg .ylabel{text-anchor:end}svg .xlabel{text-anchor:middle}
svg .reflabel{text-anchor:end;fill:#c0392b}
svg .ref{stroke:#c0392b;stroke-width:1.2;stroke-dasharray:6 4}
svg .series{fill:none;stroke-width:1.8;stroke-linejoin:round}svg .dashed{stroke-dasharray:5 3}
svg .saturated{opacity:.8}
ul.legend{list-style:none;margin:4px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
.swatch{display:inline-block;width:16px;height:0;border-top:3px solid;vertical-align:middle;margin-right:5px}
.swatch.dashed{border-top-style:dashed}.swatch.ref{border-top:2px dashed #c0392b}
.warn{background:#fff4e5;border:1px solid #f0b46a;border-radius:6px;padding:6px 12px}
.warn li{margin:2px 0}code{font-size:12px}
details{margin:6px 0}summary{cursor:pointer}
)";
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"simcluster\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</"
      "html>\n",
      html_escape(title), kStyle, body_html);
}

namespace {

std::string card(const std::string& value, const std::string& key, bool bad = false) {
  return fmt::format(
      "<div class=\"card{}\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
      bad ? " bad" : "", html_escape(value), html_escape(key));
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string seconds_list(const std::vector<int64_t>& seconds) {
  std::vector<std::string> parts;
  for (int64_t s : seconds) parts.push_back(seconds_text(s));
  return parts.empty() ? "-" : join(parts, ", ");
}

constexpr size_t kMaxEventRows = 1000;

}  // namespace

std::string html_report_body(const Report& r, const std::string& p) {
  std::string out;
  std::vector<int64_t> t;
  for (const auto& s : r.samples) t.push_back(s.t.ms());
  int64_t end_ms = r.duration.count();

  if (r.simulated_until.since_start < r.duration) {
    out += fmt::format(
        "<p class=\"warn\"><b>Incomplete run:</b> it stopped at {} of {}; the figures cover that "
        "part "
        "only.</p>\n",
        html_escape(format_duration(r.simulated_until.since_start)),
        html_escape(format_duration(r.duration)));
  }
  // The verdict first: does the cluster hold this run?
  out += fmt::format(
      "<h2 id=\"{}verdict\">Verdict: {}</h2>\n<p>Start: {}. Checked after a settle window of {}: "
      "no pod Pending for {} or more, no Service saturated{}, no OOM kill, no HPA held at "
      "maxReplicas while asking for more, CPU throttling at most {}% of each workload's "
      "pod-time.</p>\n",
      p, r.verdict.fits ? "fits" : "does not fit", html_escape(r.start),
      html_escape(format_duration(r.verdict.settle)),
      html_escape(format_duration(r.verdict.pending_grace + r.verdict.node_wait)),
      r.slo_latency_ms ? " or over the SLO" : "", fixed(r.verdict.max_throttled_percent, 1));
  if (!r.verdict.issues.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const FitIssue& i : r.verdict.issues) {
      rows.push_back({i.check, i.object, format_duration(i.first.since_start), i.message});
    }
    out += html_table({"check", "object", "first", "what"}, rows, {2}, "warn");
  }
  // Key figures.
  out += "<div class=\"cards\">";
  out += card(users_text(peak_users(r)), "peak users");
  out += card(fmt::format("{}", max_pods(r)), "most pods at once");
  out += card(fmt::format("{}", max_nodes(r)), "most Ready nodes");
  out += card(fmt::format("{}", r.pending.max_pending), "most pending pods",
              r.pending.max_pending > 0);
  out += card(seconds_text(r.pending.pod_seconds), "pod time pending", r.pending.pod_seconds > 0);
  out += card(cpu_text(r.totals_peak.cpu_requests_milli), "CPU requested at peak");
  out += card(memory_text(r.totals_peak.memory_requests), "memory requested at peak");
  out +=
      card(percent_text(r.peak_cpu_utilization_of_allocatable), "peak CPU requested / allocatable");
  out += card(fixed(r.total_cost, 2), "cost");
  out += card(fmt::format("{}", r.warnings.size()), "warnings", !r.warnings.empty());
  out += "</div>\n";

  if (!r.warnings.empty()) {
    out += fmt::format("<h2 id=\"{}warnings\">Warnings</h2>\n<ul class=\"warn\">\n", p);
    for (const auto& w : r.warnings) {
      out +=
          fmt::format("<li><code>{}</code> {}</li>\n", html_escape(w.code), html_escape(w.message));
    }
    out += "</ul>\n";
  }

  // Charts.
  out += fmt::format("<h2 id=\"{}charts\">Over time</h2>\n", p);
  {
    Chart users{p + "users", "Users", "users", false, false, {}, {}};
    ChartSeries s{"users", {}, false};
    for (const auto& x : r.samples) s.y.push_back(x.users);
    users.series.push_back(std::move(s));
    out += html_chart(users, t, end_ms);
  }
  if (!r.workloads.empty()) {
    Chart replicas{p + "replicas", "Replicas per workload", "pods", true, true, {}, {}};
    for (size_t i = 0; i < r.workloads.size(); ++i) {
      ChartSeries s{workload_label(r.workloads[i]), {}, false};
      for (const auto& x : r.samples) {
        s.y.push_back(i < x.workloads.size() ? x.workloads[i].replicas : 0);
      }
      replicas.series.push_back(std::move(s));
    }
    out += html_chart(replicas, t, end_ms);
  }
  // Utilization against the HPA target, one chart per autoscaled workload.
  bool any_hpa = false;
  for (size_t i = 0; i < r.workloads.size(); ++i) {
    const auto& w = r.workloads[i];
    if (!w.hpa) continue;
    any_hpa = true;
    Chart u{fmt::format("{}util-{}", p, i),
            fmt::format("Utilization vs target: {}", workload_label(w)),
            "% of requests",
            false,
            false,
            {},
            {}};
    ChartSeries cpu{"cpu", {}, false}, mem{"memory", {}, true};
    bool mem_target = false;
    for (const auto& tg : w.hpa->targets) {
      std::string res;
      double pct;
      if (parse_utilization_target(tg, &res, &pct)) {
        u.references.push_back({pct, fmt::format("{} target {}", res, percent_text(pct))});
        mem_target = mem_target || res == "memory";
      }
    }
    for (const auto& x : r.samples) {
      bool ready = i < x.workloads.size() && x.workloads[i].ready > 0;
      double nan = std::numeric_limits<double>::quiet_NaN();
      cpu.y.push_back(ready ? x.workloads[i].cpu_utilization : nan);
      mem.y.push_back(ready ? x.workloads[i].memory_utilization : nan);
    }
    u.series.push_back(std::move(cpu));
    if (mem_target) u.series.push_back(std::move(mem));
    out += html_chart(u, t, end_ms);
  }
  if (!any_hpa && !r.workloads.empty()) {
    Chart u{p + "util", "CPU utilization (of requests)", "%", false, false, {}, {}};
    for (size_t i = 0; i < r.workloads.size(); ++i) {
      ChartSeries s{workload_label(r.workloads[i]), {}, false};
      for (const auto& x : r.samples) {
        bool ready = i < x.workloads.size() && x.workloads[i].ready > 0;
        s.y.push_back(ready ? x.workloads[i].cpu_utilization
                            : std::numeric_limits<double>::quiet_NaN());
      }
      u.series.push_back(std::move(s));
    }
    out += html_chart(u, t, end_ms);
  }
  {
    Chart nodes{p + "nodes", "Ready nodes", "nodes", true, true, {}, {}};
    ChartSeries s{"Ready nodes", {}, false};
    for (const auto& x : r.samples) s.y.push_back(x.nodes);
    nodes.series.push_back(std::move(s));
    // Per pool when there are several (node autoscalers, Karpenter's offerings); pools that
    // never had a node are left out.
    if (r.node_pools.size() > 1) {
      for (size_t i = 0; i < r.node_pools.size(); ++i) {
        if (r.node_pools[i].max_ready == 0) continue;
        ChartSeries ps{r.node_pools[i].pool, {}, true};
        for (const auto& x : r.samples) {
          ps.y.push_back(i < x.pool_nodes.size() ? x.pool_nodes[i] : 0);
        }
        nodes.series.push_back(std::move(ps));
      }
    }
    out += html_chart(nodes, t, end_ms);
  }
  {
    Chart pending{p + "pending", "Pending pods", "pods", true, true, {}, {}};
    ChartSeries s{"pending pods", {}, false};
    for (const auto& x : r.samples) s.y.push_back(x.pending_pods);
    pending.series.push_back(std::move(s));
    out += html_chart(pending, t, end_ms);
  }
  if (!r.services.empty()) {
    Chart lat{
        p + "latency", "Latency per service (mean response time)", "ms", false, false, {}, {}};
    for (size_t i = 0; i < r.services.size(); ++i) {
      ChartSeries s{service_label(r.services[i]), {}, false};
      for (const auto& x : r.samples) {
        s.y.push_back(i < x.latency_ms.size() ? x.latency_ms[i]
                                              : std::numeric_limits<double>::quiet_NaN());
      }
      lat.series.push_back(std::move(s));
    }
    if (r.slo_latency_ms)
      lat.references.push_back({*r.slo_latency_ms, "SLO " + latency_text(*r.slo_latency_ms)});
    out += html_chart(lat, t, end_ms);
  }

  // Tables.
  out += fmt::format("<h2 id=\"{}workloads\">Workloads</h2>\n", p);
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& w : r.workloads) {
      rows.push_back({w.kind, w.ns, w.name, fmt::format("{}", w.start_replicas),
                      fmt::format("{}", w.min_replicas), fmt::format("{}", w.max_replicas),
                      fmt::format("{}", w.end_replicas), seconds_text(w.seconds_at_max),
                      fmt::format("{} / {}", cpu_text(w.requests_per_pod.cpu_milli),
                                  memory_text(w.requests_per_pod.memory)),
                      fmt::format("{} / {}", cpu_text(w.limits_per_pod.cpu_milli),
                                  memory_text(w.limits_per_pod.memory)),
                      w.storage_per_pod ? storage_text(w.storage_per_pod) : "-"});
    }
    out += html_table({"kind", "namespace", "name", "start", "min", "max", "end", "time at max",
                       "requests/pod", "limits/pod", "storage/pod"},
                      rows, {3, 4, 5, 6, 7});
  }
  out += fmt::format("<h2 id=\"{}hpa\">Autoscaling (HPA)</h2>\n", p);
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& w : r.workloads) {
      if (!w.hpa) continue;
      rows.push_back({workload_label(w),
                      fmt::format("{}-{}", w.hpa->min_replicas, w.hpa->max_replicas),
                      w.hpa->targets.empty() ? "-" : join(w.hpa->targets, ", "),
                      fmt::format("{}", w.hpa->scale_ups), fmt::format("{}", w.hpa->scale_downs),
                      seconds_list(w.hpa->reaction_seconds)});
    }
    if (rows.empty()) {
      out += "<p>No HorizontalPodAutoscaler.</p>\n";
    } else {
      out += html_table(
          {"workload", "min-max", "targets", "scale-ups", "scale-downs", "load change to Ready"},
          rows, {3, 4});
    }
  }
  out += fmt::format("<h2 id=\"{}rollouts\">Rollouts</h2>\n", p);
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& w : r.workloads) {
      if (w.rollout_seconds.empty()) continue;
      rows.push_back({workload_id(w), fmt::format("{}", w.rollout_seconds.size()),
                      seconds_list(w.rollout_seconds)});
    }
    if (rows.empty()) {
      out += "<p>No completed rollout.</p>\n";
    } else {
      out += html_table({"workload", "completed", "durations"}, rows, {1});
    }
  }
  out += fmt::format("<h2 id=\"{}pending\">Pending pods</h2>\n", p);
  out += fmt::format(
      "<p>Most pending at once: <b>{}</b>; pending time: <b>{}</b> pod-seconds ({}).</p>\n",
      r.pending.max_pending, r.pending.pod_seconds,
      html_escape(seconds_text(r.pending.pod_seconds)));
  if (!r.pending.reasons.empty()) {
    std::vector<std::pair<std::string, int32_t>> reasons(r.pending.reasons.begin(),
                                                         r.pending.reasons.end());
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::vector<std::string>> rows;
    for (const auto& [msg, n] : reasons) rows.push_back({fmt::format("{}", n), msg});
    out += html_table({"times", "reason"}, rows, {0});
  }
  out += fmt::format("<h2 id=\"{}nodes\">Nodes</h2>\n", p);
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& n : r.node_pools) {
      const auto& a = n.allocatable_per_node;
      const auto& w = n.pending_to_ready_seconds;
      rows.push_back({n.pool, fmt::format("{}", n.min_ready), fmt::format("{}", n.max_ready),
                      fixed(n.node_hours, 2), fixed(n.cost, 2), fmt::format("{}", w.size()),
                      w.empty() ? "-"
                                : html_escape(format_duration(
                                      SimDuration{*std::max_element(w.begin(), w.end()) * 1000})),
                      fmt::format("cpu {}, memory {}, pods {}", cpu_text(a.cpu_milli),
                                  memory_text(a.memory), a.pods)});
    }
    out +=
        html_table({"pool", "min Ready", "max Ready", "node-hours", "cost",
                    "nodes added by an autoscaler", "worst Pending-to-Ready", "allocatable/node"},
                   rows, {1, 2, 3, 4, 5, 6});
    out += fmt::format(
        "<p>Total cost: <b>{}</b>. CPU requested / allocatable: average {}, peak {}.</p>\n",
        fixed(r.total_cost, 2), percent_text(r.avg_cpu_utilization_of_allocatable),
        percent_text(r.peak_cpu_utilization_of_allocatable));
  }
  out += fmt::format("<h2 id=\"{}totals\">Requests and limits</h2>\n", p);
  {
    std::vector<std::vector<std::string>> rows;
    auto row = [&](const char* when, const ResourceTotals& x) {
      rows.push_back({when, fmt::format("{}", x.pods), cpu_text(x.cpu_requests_milli),
                      cpu_text(x.cpu_limits_milli), memory_text(x.memory_requests),
                      memory_text(x.memory_limits), storage_text(x.storage)});
    };
    row("start", r.totals_start);
    row("peak", r.totals_peak);
    row("end", r.totals_end);
    out += html_table({"when", "pods", "CPU requests", "CPU limits", "memory requests",
                       "memory limits", "storage"},
                      rows, {1, 2, 3, 4, 5, 6});
  }
  out +=
      fmt::format("<h2 id=\"{}latency\">Latency{}</h2>\n", p,
                  r.slo_latency_ms ? html_escape(" (SLO " + latency_text(*r.slo_latency_ms) + ")")
                                   : std::string());
  if (r.services.empty()) {
    out += "<p>No modelled service.</p>\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : r.services) {
      rows.push_back({service_label(s), fixed(s.peak_rps, 1), latency_text(mean_latency(r, s)),
                      latency_text(worst_latency(r, s)),
                      r.slo_latency_ms ? seconds_text(s.seconds_over_slo) : "-",
                      seconds_text(s.saturated_seconds)});
    }
    out += html_table({"service", "peak rps", "mean", "worst", "time over SLO", "time saturated"},
                      rows, {1, 2, 3, 4, 5});
  }
  out += fmt::format("<h2 id=\"{}events\">Events ({})</h2>\n", p, r.events.size());
  if (!r.events.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < r.events.size() && i < kMaxEventRows; ++i) {
      const auto& e = r.events[i];
      rows.push_back({format_duration(e.t.since_start), e.kind, e.object, e.message});
    }
    out += "<details>\n<summary>Show the event log</summary>\n";
    out += html_table({"time", "kind", "object", "message"}, rows, {0});
    if (r.events.size() > kMaxEventRows) {
      out += fmt::format("<p>... {} more events in the JSON report (-o json).</p>\n",
                         r.events.size() - kMaxEventRows);
    }
    out += "</details>\n";
  }
  return out;
}

}  // namespace report_detail

std::string render_html(const Report& r) {
  std::string body = fmt::format("<h1>simcluster report: {}</h1>\n", html_escape(r.scenario));
  body += fmt::format(
      "<p class=\"meta\">{} &middot; seed {} &middot; {} simulated{}{}</p>\n",
      html_escape(r.file.empty() ? r.scenario : r.file), r.seed,
      html_escape(format_duration(r.duration)),
      r.sample_interval.count() > 0
          ? html_escape(fmt::format(", sampled every {}", format_duration(r.sample_interval)))
          : std::string(),
      r.slo_latency_ms ? html_escape(", SLO " + latency_text(*r.slo_latency_ms)) : std::string());
  if (!r.overrides.empty()) {
    std::string flags;
    for (const std::string& o : r.overrides) flags += (flags.empty() ? "" : " ") + ("--set " + o);
    body += fmt::format("<p class=\"meta\">overrides: <code>{}</code></p>\n", html_escape(flags));
  }
  body += html_report_body(r, "");
  return html_page("simcluster: " + r.scenario, body);
}

}  // namespace simcluster
