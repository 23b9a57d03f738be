// Rendering a Plan (plan.h): text tables, JSON/YAML (the same tree), and an
// HTML page with the tables and a chart of monthly cost against load level.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/format_util.h"
#include "report/html.h"
#include "report/json_tree.h"
#include "simcluster/plan.h"

namespace simcluster {

using namespace report_detail;
using Align = TextTable::Align;

namespace {

std::string money(std::optional<double> v) {
  return v ? fmt::format("${:.2f}", *v) : std::string("-");
}

std::string shape_text(const NodePool& p) {
  const Resources a = allocatable(p.shape);
  return fmt::format("{} cpu, {} allocatable, {} pods", cpu_text(a.cpu_milli),
                     memory_text(a.memory), a.pods);
}

std::string requirements_text(const std::vector<Requirement>& r) {
  std::vector<std::string> parts;
  for (Requirement x : r) parts.emplace_back(to_string(x));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string count_text(const PlanCandidate& c) {
  return c.nodes ? std::to_string(*c.nodes) : std::string("-");
}

std::string note_text(const PlanCandidate& c) {
  if (!c.nodes) return "NO FIT: " + c.no_fit_reason;
  return c.binding.empty() ? "-" : "binds: " + c.binding;
}

std::string workload_short(const std::string& key) {
  // "Deployment/production/chat-service" -> "production/chat-service"
  const size_t a = key.find('/');
  return a == std::string::npos ? key : key.substr(a + 1);
}

std::string render_text(const Plan& p, bool wide) {
  std::string out;
  out += fmt::format("Plan:       {}\n", fmt::join(p.scenarios, ", "));
  if (!p.overrides.empty()) {
    std::vector<std::string> flags;
    for (const std::string& o : p.overrides) flags.push_back("--set " + sanitize(o));
    out += fmt::format("Overrides:  {}\n", fmt::join(flags, " "));
  }
  out += fmt::format("Requires:   {} (each verified by simulation; count - 1 simulated too)\n",
                     requirements_text(p.require));
  out += fmt::format("Start:      {}   settle window {}   max nodes tried {}\n", p.start,
                     format_duration(p.settle), p.max_nodes);
  out += fmt::format("Simulated:  {} runs\n", p.simulations);
  for (const std::string& pool : p.pools_not_kept) {
    out += fmt::format(
        "Note:       not kept: pool {}. The plan sizes one pool of each shape, with the first "
        "pool's zones, labels and taints; pods that need the pool not kept stay Pending.\n",
        sanitize(pool));
  }
  if (p.autoscaler_ignored) {
    out +=
        "Note:       the scenario's node autoscaler (cluster autoscaler or Karpenter) is off in "
        "the plan: it sizes fixed pools "
        "(node-group min/max follow below)\n";
  }
  for (const PlanLevel& l : p.levels) {
    out += fmt::format("\nLOAD LEVEL: {} ({})\n", l.label, sanitize(l.scenario));
    TextTable t({{"SHAPE"},
                 {"NODES", Align::kRight},
                 {"$/MONTH", Align::kRight},
                 {"CPU HEADROOM", Align::kRight},
                 {"MEM HEADROOM", Align::kRight},
                 {"NOTE"}});
    for (const PlanCandidate& c : l.candidates) {
      t.add_row({c.shape, count_text(c), money(c.monthly_cost),
                 c.nodes ? fmt::format("{:.1f}%", c.cpu_headroom_percent) : "-",
                 c.nodes ? fmt::format("{:.1f}%", c.memory_headroom_percent) : "-", note_text(c)});
    }
    out += t.render(2);
    if (l.recommended) {
      const PlanCandidate& r = l.candidates[*l.recommended];
      out += fmt::format("  Recommended: {} x {} ({}){}\n", *r.nodes, r.shape, shape_text(r.pool),
                         r.monthly_cost ? fmt::format(", {}/month", money(r.monthly_cost)) : "");
      for (const RequirementCheck& rc : r.at_count) {
        out +=
            fmt::format("    {:<8} fits{}\n", to_string(rc.requirement),
                        rc.disrupted.empty() ? "" : fmt::format(" ({} at the peak)", rc.disrupted));
      }
      if (r.nodes && *r.nodes > 1) {
        for (const RequirementCheck& rc : r.below) {
          const FitIssue* i = rc.issues.empty() ? nullptr : &rc.issues.front();
          out +=
              fmt::format("    {} nodes fail {}{}: {}\n", *r.nodes - 1, to_string(rc.requirement),
                          rc.disrupted.empty() ? "" : fmt::format(" ({})", rc.disrupted),
                          i ? fmt::format("{} {} at {}: {}", i->check, i->object,
                                          format_duration(i->first.since_start), i->message)
                            : std::string("?"));
        }
      }
    } else {
      out += fmt::format("  Recommended: none: no shape holds {} within {} nodes.\n", l.label,
                         p.max_nodes);
    }
    if (wide) {
      for (const PlanCandidate& c : l.candidates) {
        out += fmt::format("  {}: lower bound {} (requests / allocatable), {} simulations\n",
                           c.shape, c.lower_bound, c.simulations);
      }
    }
  }

  out += "\nAUTOSCALER SETTINGS\n";
  if (p.autoscaler_shape) {
    out += fmt::format(
        "  node group {}: min {}, max {} (the recommended counts at the lowest and the highest "
        "level that fit)\n",
        *p.autoscaler_shape, *p.autoscaler_min, *p.autoscaler_max);
  } else {
    out += "  (no level fits: no node group to size)\n";
  }
  for (const PlanLevel& l : p.levels) {
    if (!l.recommended) continue;
    const PlanCandidate& r = l.candidates[*l.recommended];
    if (!r.pending_at_max_replicas) continue;
    out += fmt::format(
        "  at {}, {} x {} with every HPA at maxReplicas: {}\n", l.label, *r.nodes, r.shape,
        *r.pending_at_max_replicas == 0
            ? std::string("all pods placed (the cluster holds the HPAs' maxima)")
            : fmt::format("{} pods Pending (the HPAs' maxReplicas exceed what it holds; cap them "
                          "or plan for full scale-out below)",
                          *r.pending_at_max_replicas));
  }
  if (!p.hpas.empty()) {
    TextTable t({{"HPA TARGET"},
                 {"MAXREPLICAS", Align::kRight},
                 {"PEAK (FITTING)", Align::kRight},
                 {"METRICS ASKED", Align::kRight},
                 {"ADVICE"}});
    for (const HPASetting& h : p.hpas) {
      std::string advice = "ok";
      if (h.wanted) {
        advice = fmt::format("raise maxReplicas to at least {} (and plan nodes for it)", *h.wanted);
      } else if (h.peak_replicas > 0 && h.peak_replicas < h.max_replicas) {
        advice = fmt::format("held {} at the highest level that fits; the rest is headroom",
                             h.peak_replicas);
      }
      t.add_row({workload_short(h.workload), std::to_string(h.max_replicas),
                 std::to_string(h.peak_replicas), h.wanted ? std::to_string(*h.wanted) : "-",
                 advice});
    }
    out += t.render(2);
  }

  if (p.claimed_cluster || p.claimed_full_scale_out_nodes) {
    out += fmt::format("\nCLAIMS ({})\n", sanitize(p.claims_source));
    if (p.claimed_cluster) {
      const ClusterSpec& c = *p.claimed_cluster;
      out += fmt::format("  The report recommends {} nodes x {} CPU x {}.\n", c.nodes,
                         cpu_text(c.cpu_milli_per_node), memory_text(c.memory_per_node));
      for (const PlanLevel& l : p.levels) {
        for (const PlanCandidate& cand : l.candidates) {
          const Resources cap = cand.pool.shape.capacity;
          if (cap.cpu_milli != c.cpu_milli_per_node || cap.memory != c.memory_per_node) continue;
          out += fmt::format("    at {}: {} needs {}\n", l.label, cand.shape,
                             cand.nodes
                                 ? fmt::format("{} nodes ({} claimed: {})", *cand.nodes, c.nodes,
                                               *cand.nodes <= c.nodes ? "enough" : "too few")
                                 : "more than any count tried: " + cand.no_fit_reason);
        }
      }
    }
    if (p.claimed_full_scale_out_nodes) {
      out += fmt::format(
          "  The report says {}+ nodes for full scale-out. Simulated, every HPA at maxReplicas:\n",
          *p.claimed_full_scale_out_nodes);
      if (!p.levels.empty()) {
        for (const PlanCandidate& c : p.levels.front().candidates) {
          if (c.full_scale_out_nodes) {
            out += fmt::format("    {}: {} nodes{}\n", c.shape, *c.full_scale_out_nodes,
                               c.full_scale_out_binding.empty()
                                   ? std::string()
                                   : fmt::format(" ({})", c.full_scale_out_binding));
          }
        }
      }
    }
  }

  if (!p.right_sizing.empty()) {
    out += fmt::format("\nREQUEST RIGHT-SIZING (at {}, on its recommended cluster)\n",
                       p.right_sizing_level);
    out +=
        "  Rests on the load model's calibration: CPU request = p90 of usage, memory = peak + "
        "15%, per pod, as krr and the VPA recommender do from history.\n";
    TextTable t({{"WORKLOAD"},
                 {"PODS", Align::kRight},
                 {"CPU REQ", Align::kRight},
                 {"CPU P90", Align::kRight},
                 {"-> CPU", Align::kRight},
                 {"MEM REQ", Align::kRight},
                 {"MEM PEAK", Align::kRight},
                 {"-> MEM", Align::kRight}});
    for (const RightSizing& r : p.right_sizing) {
      t.add_row({workload_short(r.workload), std::to_string(r.replicas),
                 cpu_text(r.cpu_request_milli), cpu_text(r.cpu_p90_milli),
                 cpu_text(r.cpu_recommended_milli), memory_text(r.memory_request),
                 memory_text(r.memory_peak), memory_text(r.memory_recommended)});
    }
    out += t.render(2);
    out +=
        "  An HPA scales on utilization of requests: lower requests raise it, so HPA-scaled "
        "workloads then run more, smaller pods; plan again after applying.\n";
    out += fmt::format(
        "  Applied at the peak replicas: {} CPU and {} memory of requests {}.\n",
        cpu_text(std::abs(p.right_sizing_cpu_saved_milli)),
        memory_text(std::abs(p.right_sizing_memory_saved)),
        p.right_sizing_cpu_saved_milli >= 0 ? "freed" : "added (requests are below usage)");
  }
  return out;
}

Json candidate_json(const PlanCandidate& c) {
  Json j = Json::object();
  j["shape"] = c.shape;
  j["allocatable_per_node"] = resources_to_json(allocatable(c.pool.shape));
  j["nodes"] = c.nodes ? Json(*c.nodes) : Json(nullptr);
  j["lower_bound"] = c.lower_bound;
  j["price_per_hour"] = c.price_per_hour ? Json(*c.price_per_hour) : Json(nullptr);
  j["monthly_cost"] = c.monthly_cost ? Json(*c.monthly_cost) : Json(nullptr);
  j["cpu_headroom_percent"] = c.cpu_headroom_percent;
  j["memory_headroom_percent"] = c.memory_headroom_percent;
  j["binding"] = c.binding;
  j["no_fit_reason"] = c.no_fit_reason;
  auto checks = [](const std::vector<RequirementCheck>& list) {
    Json a = Json::array();
    for (const RequirementCheck& r : list) {
      Json rj = Json::object();
      rj["requirement"] = std::string(to_string(r.requirement));
      rj["fits"] = r.fits;
      rj["disrupted"] = r.disrupted;
      Verdict v;
      v.issues = r.issues;
      rj["issues"] = verdict_to_json(v)["issues"];
      rj["peak"] = resource_totals_to_json(r.peak);
      a.push_back(std::move(rj));
    }
    return a;
  };
  j["at_count"] = checks(c.at_count);
  j["below"] = checks(c.below);
  j["pending_at_max_replicas"] =
      c.pending_at_max_replicas ? Json(*c.pending_at_max_replicas) : Json(nullptr);
  j["full_scale_out_nodes"] =
      c.full_scale_out_nodes ? Json(*c.full_scale_out_nodes) : Json(nullptr);
  j["simulations"] = c.simulations;
  return j;
}

Json plan_json(const Plan& p) {
  Json j = Json::object();
  j["version"] = kReportVersion;
  j["kind"] = "CapacityPlan";
  j["scenarios"] = p.scenarios;
  if (!p.overrides.empty()) j["overrides"] = p.overrides;
  Json req = Json::array();
  for (Requirement r : p.require) req.push_back(std::string(to_string(r)));
  j["require"] = std::move(req);
  j["max_nodes"] = p.max_nodes;
  j["start"] = p.start;
  j["settle_ms"] = p.settle.count();
  j["autoscaler_ignored"] = p.autoscaler_ignored;
  {
    Json kept = Json::array();
    for (const std::string& pool : p.pools_not_kept) kept.push_back(pool);
    j["pools_not_kept"] = std::move(kept);
  }
  j["simulations"] = p.simulations;
  Json levels = Json::array();
  for (const PlanLevel& l : p.levels) {
    Json lj = Json::object();
    lj["scenario"] = l.scenario;
    lj["users"] = l.users;
    Json cands = Json::array();
    for (const PlanCandidate& c : l.candidates) cands.push_back(candidate_json(c));
    lj["candidates"] = std::move(cands);
    lj["recommended"] = l.recommended ? Json(l.candidates[*l.recommended].shape) : Json(nullptr);
    levels.push_back(std::move(lj));
  }
  j["levels"] = std::move(levels);
  Json as = Json::object();
  as["shape"] = p.autoscaler_shape ? Json(*p.autoscaler_shape) : Json(nullptr);
  as["min"] = p.autoscaler_min ? Json(*p.autoscaler_min) : Json(nullptr);
  as["max"] = p.autoscaler_max ? Json(*p.autoscaler_max) : Json(nullptr);
  Json hpas = Json::array();
  for (const HPASetting& h : p.hpas) {
    hpas.push_back(Json{{"workload", h.workload},
                        {"max_replicas", h.max_replicas},
                        {"peak_replicas", h.peak_replicas},
                        {"wanted", h.wanted ? Json(*h.wanted) : Json(nullptr)}});
  }
  as["hpas"] = std::move(hpas);
  j["autoscaler"] = std::move(as);
  Json rs = Json::array();
  for (const RightSizing& r : p.right_sizing) {
    rs.push_back(Json{{"workload", r.workload},
                      {"replicas", r.replicas},
                      {"cpu_request_milli", r.cpu_request_milli},
                      {"memory_request_bytes", r.memory_request},
                      {"cpu_p90_milli", r.cpu_p90_milli},
                      {"memory_peak_bytes", r.memory_peak},
                      {"cpu_recommended_milli", r.cpu_recommended_milli},
                      {"memory_recommended_bytes", r.memory_recommended}});
  }
  j["right_sizing"] = Json{{"basis", "load model: cpu p90 of usage, memory peak + 15%"},
                           {"workloads", std::move(rs)},
                           {"cpu_saved_milli", p.right_sizing_cpu_saved_milli},
                           {"memory_saved_bytes", p.right_sizing_memory_saved}};
  if (p.claimed_cluster) {
    j["claims"] = Json{
        {"source", p.claims_source},
        {"nodes", p.claimed_cluster->nodes},
        {"cpu_milli_per_node", p.claimed_cluster->cpu_milli_per_node},
        {"memory_per_node_bytes", p.claimed_cluster->memory_per_node},
        {"full_scale_out_nodes",
         p.claimed_full_scale_out_nodes ? Json(*p.claimed_full_scale_out_nodes) : Json(nullptr)}};
  }
  return j;
}

// Monthly cost against load level, one line per shape (levels evenly spaced).
std::string cost_chart(const Plan& p) {
  const double w = 640, h = 280, left = 70, right = 150, top = 20, bottom = 40;
  double most = 0;
  std::vector<std::string> shapes;
  for (const PlanLevel& l : p.levels) {
    for (const PlanCandidate& c : l.candidates) {
      if (c.monthly_cost) most = std::max(most, *c.monthly_cost);
      if (std::find(shapes.begin(), shapes.end(), c.shape) == shapes.end()) {
        shapes.push_back(c.shape);
      }
    }
  }
  if (most <= 0 || p.levels.empty()) return "<p>No priced shape fits any level: no cost chart.</p>";
  const size_t n = p.levels.size();
  auto x = [&](size_t i) {
    return n == 1 ? left + (w - left - right) / 2
                  : left + (w - left - right) * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  auto y = [&](double v) { return top + (h - top - bottom) * (1 - v / most); };
  static constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  std::string svg = fmt::format(
      "<figure><figcaption>Monthly cost of the smallest cluster that fits, per shape and load "
      "level</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\">",
      w, h, w, h);
  svg += fmt::format(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#888\"/><line x1=\"{0}\" "
      "y1=\"{2}\" x2=\"{3}\" y2=\"{2}\" stroke=\"#888\"/>",
      left, top, h - bottom, w - right);
  for (int k = 0; k <= 4; ++k) {
    const double v = most * k / 4;
    svg += fmt::format(
        "<text x=\"{}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\">${:.0f}"
        "</text>",
        left - 6, y(v) + 4, v);
  }
  for (size_t i = 0; i < n; ++i) {
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}"
        "</text>",
        x(i), h - bottom + 16, html_escape(p.levels[i].label));
  }
  for (size_t s = 0; s < shapes.size(); ++s) {
    const char* color = kColors[s % std::size(kColors)];
    std::string points;
    for (size_t i = 0; i < n; ++i) {
      for (const PlanCandidate& c : p.levels[i].candidates) {
        if (c.shape != shapes[s] || !c.monthly_cost) continue;
        points += fmt::format("{:.1f},{:.1f} ", x(i), y(*c.monthly_cost));
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>", x(i),
                           y(*c.monthly_cost), color);
      }
    }
    if (!points.empty()) {
      svg += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
                         color, points);
    }
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{}\">{}</text>",
                       w - right + 10, top + 14 * static_cast<double>(s + 1), color,
                       html_escape(shapes[s]));
  }
  svg += "</svg></figure>";
  return svg;
}

std::string render_html(const Plan& p) {
  std::string body = "<h1>Capacity plan</h1>";
  body +=
      fmt::format("<p>{} &middot; requires {} &middot; start {} &middot; {} simulations</p>",
                  html_escape(fmt::format("{}", fmt::join(p.scenarios, ", "))),
                  html_escape(requirements_text(p.require)), html_escape(p.start), p.simulations);
  body += cost_chart(p);
  for (const PlanLevel& l : p.levels) {
    body += fmt::format("<h2>{}</h2>", html_escape(l.label));
    std::vector<std::vector<std::string>> rows;
    for (const PlanCandidate& c : l.candidates) {
      rows.push_back({c.shape, count_text(c), money(c.monthly_cost),
                      c.nodes ? fmt::format("{:.1f}%", c.cpu_headroom_percent) : "-",
                      c.nodes ? fmt::format("{:.1f}%", c.memory_headroom_percent) : "-",
                      note_text(c)});
    }
    body += html_table({"shape", "nodes", "$/month", "cpu headroom", "memory headroom", "note"},
                       rows, {1, 2, 3, 4});
    if (l.recommended) {
      const PlanCandidate& r = l.candidates[*l.recommended];
      body += fmt::format("<p><strong>Recommended:</strong> {} x {}</p>", *r.nodes,
                          html_escape(r.shape));
    } else {
      body += "<p><strong>No shape fits this level.</strong></p>";
    }
  }
  body += "<h2>Plan text</h2><pre>" + html_escape(render_text(p, false)) + "</pre>";
  return html_page("simcluster plan", body);
}

}  // namespace

std::string render_plan(const Plan& plan, ReportFormat format) {
  switch (format) {
    case ReportFormat::kText:
      return render_text(plan, false);
    case ReportFormat::kWide:
      return render_text(plan, true);
    case ReportFormat::kJson:
      return dump_json(plan_json(plan));
    case ReportFormat::kYaml:
      return dump_yaml(plan_json(plan));
    case ReportFormat::kHtml:
      return render_html(plan);
    case ReportFormat::kCsv:
      break;
    case ReportFormat::kOpenMetrics:
      // A plan has no time series; simcluster plan refuses the format first.
      throw InputError(SourceLocation{}, "a plan has no time series for -o openmetrics",
                       "use -o text, wide, json, yaml, csv or html");
  }
  // CSV: one row per level and shape.
  std::string out =
      "users,shape,nodes,monthly_cost,cpu_headroom_percent,memory_headroom_percent,"
      "binding\n";
  for (const PlanLevel& l : plan.levels) {
    for (const PlanCandidate& c : l.candidates) {
      // RFC 4180: every text field quoted, quotes doubled.
      auto quote = [](const std::string& text) {
        std::string q = "\"";
        for (char ch : text) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        return q + '"';
      };
      const std::string binding = quote(c.nodes ? c.binding : c.no_fit_reason);
      out +=
          fmt::format("{:.0f},{},{},{},{:.1f},{:.1f},{}\n", l.users, quote(c.shape), count_text(c),
                      c.monthly_cost ? fmt::format("{:.2f}", *c.monthly_cost) : "",
                      c.cpu_headroom_percent, c.memory_headroom_percent, binding);
    }
  }
  return out;
}

}  // namespace simcluster
