// The side-by-side sizing table: several runs (load levels) in columns, each
// workload's most pods beside the figure a capacity plan claimed, the plan's
// claimed totals against the totals computed from the manifests, and the
// recommended cluster against what the runs needed.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "report/format_util.h"
#include "report/html.h"
#include "report/json_tree.h"
#include "simcluster/error.h"
#include "simcluster/render.h"

namespace simcluster {

using namespace report_detail;
using Align = TextTable::Align;

ManifestTotals compute_manifest_totals(const std::vector<WorkloadBounds>& workloads) {
  ManifestTotals t;
  auto add = [](ResourceTotals& into, const WorkloadBounds& w, int64_t n) {
    into.pods += n;
    into.cpu_requests_milli += n * w.requests_per_pod.cpu_milli;
    into.memory_requests += n * w.requests_per_pod.memory;
    into.cpu_limits_milli += n * w.limits_per_pod.cpu_milli;
    into.memory_limits += n * w.limits_per_pod.memory;
    into.storage += n * w.storage_per_pod;
  };
  for (const auto& w : workloads) {
    add(t.minimum, w, w.min_replicas);
    add(t.maximum, w, w.max_replicas);
  }
  return t;
}

namespace {

// The claim for a workload: by name, by namespace/name, or by Kind/namespace/name.
std::optional<int32_t> claim_for(const ClaimedLevel& c, const WorkloadSummary& w) {
  for (const std::string& key : {w.name, workload_label(w), workload_id(w)}) {
    auto it = c.pods.find(key);
    if (it != c.pods.end()) return it->second;
  }
  return std::nullopt;
}

bool claim_key_matches(const std::string& key, const WorkloadSummary& w) {
  return key == w.name || key == workload_label(w) || key == workload_id(w);
}

std::string signed_text(int64_t v, std::string_view unit = "") {
  return fmt::format("{}{}{}", v > 0 ? "+" : "", v, unit);
}

int64_t ceil_div(int64_t a, int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

}  // namespace

SizingComparison compare_sizing(const SizingInput& in) {
  SizingComparison out;
  out.recommended_cluster = in.recommended_cluster;
  out.claimed_full_scale_out_nodes = in.claimed_full_scale_out_nodes;
  if (in.recommended_cluster && in.computed) {
    const auto& rc = *in.recommended_cluster;
    out.full_scale_out_nodes_needed = static_cast<int32_t>(
        std::max(ceil_div(in.computed->maximum.cpu_requests_milli, rc.cpu_milli_per_node),
                 ceil_div(in.computed->maximum.memory_requests, rc.memory_per_node)));
  }
  out.claims_source = in.claims_source;
  const size_t n = in.runs.size();

  for (const auto& run : in.runs) {
    const Report& r = *run.report;
    SizingColumn c;
    c.scenario = r.scenario;
    c.file = r.file;
    c.peak_users = peak_users(r);
    c.claim_label = run.claim ? run.claim->label : "";
    c.max_nodes = max_nodes(r);
    bool any = false;
    for (const auto& s : r.samples) {
      if (s.t.since_start < r.verdict.settle && &s != &r.samples.back()) continue;
      c.min_nodes = any ? std::min(c.min_nodes, s.nodes) : s.nodes;
      any = true;
    }
    for (const NodeSummary& p : r.node_pools) c.node_hours += p.node_hours;
    c.max_pending = r.pending.max_pending;
    c.pending_pod_seconds = r.pending.pod_seconds;
    c.max_pods = max_pods(r);
    // The most CPU requested at once by the run's pods, pending ones included:
    // what a cluster would have to hold (the Report's totals_peak when there
    // is no sample).
    c.peak = r.totals_peak;
    bool first = true;
    for (const auto& s : r.samples) {
      if (first || s.totals.cpu_requests_milli > c.peak.cpu_requests_milli) c.peak = s.totals;
      first = false;
    }
    c.fits = r.verdict.fits;
    c.cost = r.total_cost;
    if (!r.verdict.issues.empty()) {
      const FitIssue& i = r.verdict.issues.front();
      c.verdict_reason =
          fmt::format("{} {} from {}", i.check, i.object, format_duration(i.first.since_start));
    }
    if (in.recommended_cluster) {
      const auto& rc = *in.recommended_cluster;
      c.nodes_needed =
          static_cast<int32_t>(std::max(ceil_div(c.peak.cpu_requests_milli, rc.cpu_milli_per_node),
                                        ceil_div(c.peak.memory_requests, rc.memory_per_node)));
      c.fits_recommended = c.fits && c.max_pending == 0 && c.nodes_needed <= rc.nodes;
    } else {
      c.fits_recommended = c.fits && c.max_pending == 0;
    }
    out.columns.push_back(std::move(c));
  }

  // Rows: every workload of every run, by namespace/name.
  std::map<std::string, SizingRow> rows;
  for (size_t ri = 0; ri < n; ++ri) {
    for (const auto& w : in.runs[ri].report->workloads) {
      auto& row = rows[workload_label(w)];
      if (row.cells.empty()) {
        row.workload = workload_label(w);
        row.name = w.name;
        row.cells.resize(n);
      }
      row.cells[ri].simulated = w.end_replicas;
      row.cells[ri].max = w.max_replicas;
      if (in.runs[ri].claim) row.cells[ri].claimed = claim_for(*in.runs[ri].claim, w);
    }
  }
  // Claims naming a workload no run has: a row simulated at 0, so the
  // difference shows instead of the claim silently vanishing.
  for (size_t ri = 0; ri < n; ++ri) {
    if (!in.runs[ri].claim) continue;
    for (const auto& claimed : in.runs[ri].claim->pods) {
      const std::string& key = claimed.first;  // not a binding: the lambda below captures it
      const auto& pods = claimed.second;
      const auto& ws = in.runs[ri].report->workloads;
      bool found = std::any_of(ws.begin(), ws.end(),
                               [&](const WorkloadSummary& w) { return claim_key_matches(key, w); });
      if (found) continue;
      auto& row = rows["(missing) " + key];
      if (row.cells.empty()) {
        row.workload = key + " (not in the manifests)";
        row.name = key;
        row.cells.resize(n);
      }
      row.cells[ri].claimed = pods;
    }
  }
  for (auto& [key, row] : rows) out.rows.push_back(std::move(row));

  out.claimed_subtotal = {"claimed workloads", "claimed workloads", std::vector<SizingCell>(n)};
  out.total = {"all workloads", "all workloads", std::vector<SizingCell>(n)};
  for (size_t ri = 0; ri < n; ++ri) {
    bool has_claim = in.runs[ri].claim.has_value();
    int32_t claimed_sum = 0;
    for (const auto& row : out.rows) {
      const auto& cell = row.cells[ri];
      out.total.cells[ri].simulated += cell.simulated;
      out.total.cells[ri].max += cell.max;
      if (cell.claimed) {
        out.claimed_subtotal.cells[ri].simulated += cell.simulated;
        out.claimed_subtotal.cells[ri].max += cell.max;
        claimed_sum += *cell.claimed;
      }
    }
    if (has_claim) out.claimed_subtotal.cells[ri].claimed = claimed_sum;
  }

  for (size_t ri = 0; ri < n; ++ri) {
    if (!in.runs[ri].claim) continue;
    std::string users = users_text(in.runs[ri].claim->users > 0 ? in.runs[ri].claim->users
                                                                : out.columns[ri].peak_users);
    for (const auto& row : out.rows) {
      auto d = row.cells[ri].difference();
      if (!d || *d == 0) continue;
      out.differences.push_back(fmt::format("{} @{} users: simulated {}, report says {} ({})",
                                            row.name, users, row.cells[ri].simulated,
                                            *row.cells[ri].claimed, signed_text(*d)));
    }
  }

  if (in.computed) {
    const auto& c = *in.computed;
    auto check = [&](std::string what, std::string unit, std::optional<int64_t> claimed,
                     int64_t computed) {
      out.totals.push_back({std::move(what), std::move(unit), claimed, computed});
    };
    auto opt = [](const std::optional<int32_t>& v) -> std::optional<int64_t> {
      return v ? std::optional<int64_t>(*v) : std::nullopt;
    };
    check("minimum pods", "", opt(in.claimed_minimum.pods), c.minimum.pods);
    check("minimum CPU requests", "m", in.claimed_minimum.cpu_milli, c.minimum.cpu_requests_milli);
    check("minimum memory requests", "Mi",
          in.claimed_minimum.memory ? std::optional<int64_t>(*in.claimed_minimum.memory / kMi)
                                    : std::nullopt,
          c.minimum.memory_requests / kMi);
    check("minimum storage", "Gi",
          in.claimed_minimum.storage ? std::optional<int64_t>(*in.claimed_minimum.storage / kGi)
                                     : std::nullopt,
          c.minimum.storage / kGi);
    check("maximum pods", "", opt(in.claimed_maximum.pods), c.maximum.pods);
    check("maximum CPU requests", "m", in.claimed_maximum.cpu_milli, c.maximum.cpu_requests_milli);
    check("maximum memory requests", "Mi",
          in.claimed_maximum.memory ? std::optional<int64_t>(*in.claimed_maximum.memory / kMi)
                                    : std::nullopt,
          c.maximum.memory_requests / kMi);
    check("maximum storage", "Gi",
          in.claimed_maximum.storage ? std::optional<int64_t>(*in.claimed_maximum.storage / kGi)
                                     : std::nullopt,
          c.maximum.storage / kGi);
  }
  return out;
}

namespace {

// One row of the RUNS table (text and HTML): what a run needed, and with a
// recommended cluster, the nodes of its shape those requests need and
// whether they fit it.
std::vector<std::string> run_row(const SizingColumn& c, bool recommended) {
  std::vector<std::string> row = {c.scenario,
                                  users_text(c.peak_users),
                                  fmt::format("{}", c.max_pods),
                                  fmt::format("{}-{}", c.min_nodes, c.max_nodes),
                                  fixed(c.node_hours, 1),
                                  fmt::format("{}", c.max_pending),
                                  fmt::format("{}", c.pending_pod_seconds),
                                  cpu_text(c.peak.cpu_requests_milli),
                                  memory_text(c.peak.memory_requests),
                                  fixed(c.cost, 2),
                                  c.fits ? "fits" : "DOES NOT FIT: " + c.verdict_reason};
  if (recommended) {
    row.push_back(fmt::format("{}", c.nodes_needed));
    row.push_back(c.fits_recommended ? "fits" : "DOES NOT FIT");
  }
  return row;
}

std::string cell_sim(const SizingCell& c) { return fmt::format("{}", c.simulated); }
std::string cell_max(const SizingCell& c) { return fmt::format("{}", c.max); }
std::string cell_claim(const SizingCell& c) {
  return c.claimed ? fmt::format("{}", *c.claimed) : "-";
}
std::string cell_diff(const SizingCell& c) {
  auto d = c.difference();
  if (!d) return "-";
  return *d == 0 ? "0" : signed_text(*d) + " !";
}

std::string column_title(const SizingColumn& c) {
  return c.claim_label.empty() ? c.scenario : fmt::format("{} ({})", c.scenario, c.claim_label);
}

std::string text_total_value(const std::optional<int64_t>& v, const std::string& unit) {
  return v ? fmt::format("{}{}", *v, unit) : "-";
}

std::string render_text_sizing(const SizingComparison& s) {
  std::string out;
  out += "SIZING: pods per workload in each run";
  if (!s.claims_source.empty()) out += fmt::format(", against {}", sanitize(s.claims_source));
  out += "\n\n";

  std::vector<TextTable::Column> cols = {{"WORKLOAD"}};
  std::vector<TextTable::Group> groups;
  for (const auto& c : s.columns) {
    groups.push_back({cols.size(), 4, {column_title(c), users_text(c.peak_users) + " users"}});
    cols.push_back({"END", Align::kRight});
    cols.push_back({"MAX", Align::kRight});
    cols.push_back({"CLAIM", Align::kRight});
    cols.push_back({"DIFF", Align::kRight});
  }
  TextTable t(cols);
  t.set_groups(groups);
  auto add = [&](const SizingRow& row) {
    std::vector<std::string> cells = {row.workload};
    for (const auto& c : row.cells) {
      cells.push_back(cell_sim(c));
      cells.push_back(cell_max(c));
      cells.push_back(cell_claim(c));
      cells.push_back(cell_diff(c));
    }
    t.add_row(std::move(cells));
  };
  for (const auto& row : s.rows) add(row);
  add(s.claimed_subtotal);
  add(s.total);
  out += t.render(0);
  out +=
      "  END: replicas at the end of the run (settled at its load); MAX: the most during the run;\n"
      "  CLAIM: the plan's figure for that load level; DIFF: END - CLAIM, '!' when not 0.\n"
      "  Replicas count every pod that existed, Running or Pending. 'claimed workloads' sums\n"
      "  only the workloads a claim lists.\n";

  out += fmt::format("\nDIFFERENCES FROM THE CLAIMS ({})\n", s.differences.size());
  if (s.differences.empty()) out += "  (none)\n";
  for (const auto& d : s.differences) out += "  " + sanitize(d) + "\n";

  if (!s.totals.empty()) {
    out += "\nCLAIMED TOTALS vs COMPUTED FROM THE MANIFESTS (min/max replicas x requests)\n";
    TextTable tt({{"WHAT"},
                  {"REPORT SAYS", Align::kRight},
                  {"COMPUTED", Align::kRight},
                  {"DIFF", Align::kRight}});
    for (const auto& c : s.totals) {
      std::string diff = "-";
      if (c.claimed) {
        int64_t d = c.computed - *c.claimed;
        diff = d == 0 ? "0" : signed_text(d, c.unit) + " !";
      }
      tt.add_row({c.what, text_total_value(c.claimed, c.unit),
                  fmt::format("{}{}", c.computed, c.unit), diff});
    }
    out += tt.render(2);
  }

  // What each run needed, and against the recommended cluster when one is claimed.
  const bool rec = s.recommended_cluster.has_value();
  out += "\nRUNS: what each run needed\n";
  if (rec) {
    const auto& rc = *s.recommended_cluster;
    out += fmt::format(
        "  Recommended cluster (claimed): {} nodes x {} CPU x {} = {} CPU, {} (before system "
        "reserves)\n",
        rc.nodes, cpu_text(rc.cpu_milli_per_node), memory_text(rc.memory_per_node),
        cpu_text(rc.nodes * rc.cpu_milli_per_node), memory_text(rc.nodes * rc.memory_per_node));
  }
  std::vector<TextTable::Column> rcols = {{"RUN"},
                                          {"USERS", Align::kRight},
                                          {"MOST PODS", Align::kRight},
                                          {"READY NODES", Align::kRight},
                                          {"NODE-HOURS", Align::kRight},
                                          {"MOST PENDING", Align::kRight},
                                          {"PENDING POD-S", Align::kRight},
                                          {"CPU REQ PEAK", Align::kRight},
                                          {"MEM REQ PEAK", Align::kRight},
                                          {"COST", Align::kRight},
                                          {"VERDICT"}};
  if (rec) {
    rcols.push_back({"NODES NEEDED*", Align::kRight});
    rcols.push_back({"RECOMMENDED CLUSTER"});
  }
  TextTable rt(rcols);
  for (const auto& c : s.columns) rt.add_row(run_row(c, rec));
  out += rt.render(2);
  out +=
      "  READY NODES: fewest after the verdict's settle window - most; NODE-HOURS over all pools.\n"
      "  CPU/MEM REQ PEAK: requests at the sample with the most CPU requested, pending pods\n"
      "  included (what a cluster would have to hold).\n";
  if (rec) {
    out +=
        "  * nodes of the recommended shape those requests need at the very least (ceil of CPU\n"
        "    and of memory over one node's capacity; no reserve, no packing loss). 'simcluster\n"
        "    plan' finds the count that fits by simulation, with failures and rollouts.\n";
    if (s.full_scale_out_nodes_needed) {
      out += fmt::format(
          "  Full scale-out (every workload at its maximum) needs at least {} such nodes",
          *s.full_scale_out_nodes_needed);
      out += s.claimed_full_scale_out_nodes
                 ? fmt::format("; the report says {}.\n", *s.claimed_full_scale_out_nodes)
                 : std::string(".\n");
    }
  }
  return out;
}

Json cell_json(const SizingCell& c) {
  Json j = Json::object();
  j["simulated"] = c.simulated;
  j["max"] = c.max;
  j["claimed"] = c.claimed ? Json(*c.claimed) : Json(nullptr);
  auto d = c.difference();
  j["difference"] = d ? Json(*d) : Json(nullptr);
  return j;
}

Json row_json(const SizingRow& r) {
  Json cells = Json::array();
  for (const auto& c : r.cells) cells.push_back(cell_json(c));
  return Json{{"workload", r.workload}, {"name", r.name}, {"cells", std::move(cells)}};
}

Json sizing_json(const SizingComparison& s, const SizingInput& in) {
  Json j = Json::object();
  j["version"] = kReportVersion;
  j["kind"] = "SizingComparison";
  j["claims_source"] = s.claims_source;
  Json cols = Json::array();
  for (size_t i = 0; i < s.columns.size(); ++i) {
    const auto& c = s.columns[i];
    Json cj = Json::object();
    cj["scenario"] = c.scenario;
    cj["file"] = c.file;
    cj["peak_users"] = c.peak_users;
    cj["claim_label"] = c.claim_label;
    cj["claimed_users"] = in.runs[i].claim ? Json(in.runs[i].claim->users) : Json(nullptr);
    cj["max_pods"] = c.max_pods;
    cj["max_nodes"] = c.max_nodes;
    cj["min_nodes"] = c.min_nodes;
    cj["node_hours"] = c.node_hours;
    cj["max_pending"] = c.max_pending;
    cj["pending_pod_seconds"] = c.pending_pod_seconds;
    cj["peak"] = resource_totals_to_json(c.peak);
    cj["nodes_needed"] = c.nodes_needed;
    cj["fits_recommended"] = c.fits_recommended;
    cj["fits"] = c.fits;
    cj["verdict_reason"] = c.verdict_reason;
    cj["cost"] = c.cost;
    cols.push_back(std::move(cj));
  }
  j["columns"] = std::move(cols);
  Json rows = Json::array();
  for (const auto& r : s.rows) rows.push_back(row_json(r));
  j["rows"] = std::move(rows);
  j["claimed_subtotal"] = row_json(s.claimed_subtotal);
  j["total"] = row_json(s.total);
  j["differences"] = s.differences;
  Json totals = Json::array();
  for (const auto& c : s.totals) {
    Json tj = Json::object();
    tj["what"] = c.what;
    tj["unit"] = c.unit;
    tj["claimed"] = c.claimed ? Json(*c.claimed) : Json(nullptr);
    tj["computed"] = c.computed;
    tj["difference"] = c.claimed ? Json(c.computed - *c.claimed) : Json(nullptr);
    totals.push_back(std::move(tj));
  }
  j["totals"] = std::move(totals);
  if (s.recommended_cluster) {
    const auto& rc = *s.recommended_cluster;
    j["recommended_cluster"] = Json{{"nodes", rc.nodes},
                                    {"cpu_milli_per_node", rc.cpu_milli_per_node},
                                    {"memory_bytes_per_node", rc.memory_per_node}};
  } else {
    j["recommended_cluster"] = nullptr;
  }
  j["full_scale_out_nodes_needed"] =
      s.full_scale_out_nodes_needed ? Json(*s.full_scale_out_nodes_needed) : Json(nullptr);
  j["claimed_full_scale_out_nodes"] =
      s.claimed_full_scale_out_nodes ? Json(*s.claimed_full_scale_out_nodes) : Json(nullptr);
  Json reports = Json::array();
  for (const auto& run : in.runs) reports.push_back(report_to_json(*run.report));
  j["reports"] = std::move(reports);
  return j;
}

std::string render_csv_sizing(const SizingComparison& s) {
  std::string out = "scenario,users,workload,simulated,max,claimed,difference\n";
  auto emit = [&](size_t ci, const SizingRow& row) {
    const auto& c = row.cells[ci];
    auto d = c.difference();
    out += fmt::format("{},{},{},{},{},{},{}\n", csv_field(s.columns[ci].scenario),
                       users_text(s.columns[ci].peak_users), csv_field(row.workload), c.simulated,
                       c.max, c.claimed ? fmt::format("{}", *c.claimed) : "",
                       d ? fmt::format("{}", *d) : "");
  };
  for (size_t ci = 0; ci < s.columns.size(); ++ci) {
    for (const auto& row : s.rows) emit(ci, row);
    emit(ci, s.claimed_subtotal);
    emit(ci, s.total);
  }
  return out;
}

std::string render_html_sizing(const SizingComparison& s, const SizingInput& in) {
  std::string body = "<h1>simcluster sizing comparison</h1>\n";
  if (!s.claims_source.empty()) {
    body += fmt::format("<p class=\"meta\">Claims from {}</p>\n", html_escape(s.claims_source));
  }
  body +=
      "<h2 id=\"sizing\">Pods per workload</h2>\n<table>\n<thead><tr><th "
      "rowspan=\"2\">workload</th>";
  for (const auto& c : s.columns) {
    body += fmt::format("<th colspan=\"4\">{}<br>{} users</th>", html_escape(column_title(c)),
                        html_escape(users_text(c.peak_users)));
  }
  body += "</tr><tr>";
  for (size_t i = 0; i < s.columns.size(); ++i) {
    body +=
        "<th class=\"num\">end</th><th class=\"num\">max</th><th class=\"num\">claim</th>"
        "<th class=\"num\">diff</th>";
  }
  body += "</tr></thead>\n<tbody>\n";
  auto row_html = [&](const SizingRow& row) {
    std::string r = fmt::format("<tr><td>{}</td>", html_escape(row.workload));
    for (const auto& c : row.cells) {
      auto d = c.difference();
      r += fmt::format(
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num{}\">{}</td>",
          c.simulated, c.max, html_escape(cell_claim(c)), d && *d != 0 ? " flag" : "",
          html_escape(d ? (*d == 0 ? "0" : signed_text(*d)) : "-"));
    }
    return r + "</tr>\n";
  };
  for (const auto& row : s.rows) body += row_html(row);
  body += row_html(s.claimed_subtotal);
  body += row_html(s.total);
  body += "</tbody>\n</table>\n";
  body +=
      "<p>end: replicas at the end of the run (settled at its load); max: the most during the "
      "run; claim: the plan's figure for that load level; diff: end - claim.</p>\n";
  body += fmt::format("<h2>Differences from the claims ({})</h2>\n", s.differences.size());
  if (!s.differences.empty()) {
    body += "<ul class=\"warn\">\n";
    for (const auto& d : s.differences) body += "<li>" + html_escape(d) + "</li>\n";
    body += "</ul>\n";
  }
  if (!s.totals.empty()) {
    body += "<h2>Claimed totals vs computed from the manifests</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : s.totals) {
      rows.push_back(
          {c.what, text_total_value(c.claimed, c.unit), fmt::format("{}{}", c.computed, c.unit),
           c.claimed
               ? (c.computed == *c.claimed ? "0" : signed_text(c.computed - *c.claimed, c.unit))
               : "-"});
    }
    body += html_table({"what", "report says", "computed", "difference"}, rows, {1, 2, 3});
  }
  body += "<h2>What each run needed</h2>\n";
  if (s.recommended_cluster) {
    const auto& rc = *s.recommended_cluster;
    body += fmt::format(
        "<p>Recommended cluster (claimed): {} nodes &times; {} CPU &times; {}{}.</p>\n", rc.nodes,
        html_escape(cpu_text(rc.cpu_milli_per_node)), html_escape(memory_text(rc.memory_per_node)),
        s.full_scale_out_nodes_needed
            ? html_escape(fmt::format(
                  "; a full scale-out needs at least {} such nodes{}",
                  *s.full_scale_out_nodes_needed,
                  s.claimed_full_scale_out_nodes
                      ? fmt::format(" (the report says {})", *s.claimed_full_scale_out_nodes)
                      : std::string()))
            : std::string());
  }
  {
    std::vector<std::string> headers = {"run",
                                        "users",
                                        "most pods",
                                        "Ready nodes (fewest after settling - most)",
                                        "node-hours",
                                        "most pending",
                                        "pending pod-seconds",
                                        "CPU requested at peak",
                                        "memory requested at peak",
                                        "cost",
                                        "verdict"};
    if (s.recommended_cluster) {
      headers.push_back("nodes needed (lower bound)");
      headers.push_back("recommended cluster");
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : s.columns) rows.push_back(run_row(c, s.recommended_cluster.has_value()));
    body += html_table(headers, rows, {1, 2, 3, 4, 5, 6, 7, 8, 10});
    body +=
        "<p>Requests at the sample with the most CPU requested, pending pods included. Nodes "
        "needed: of the recommended shape, by requests alone (no reserve, no packing loss).</p>\n";
  }
  for (size_t i = 0; i < in.runs.size(); ++i) {
    const Report& r = *in.runs[i].report;
    body +=
        fmt::format("<h2 id=\"run-{}\">Run: {}</h2>\n<p class=\"meta\">{} &middot; seed {}</p>\n",
                    i, html_escape(r.scenario), html_escape(r.file), r.seed);
    body += html_report_body(r, fmt::format("r{}-", i));
  }
  return html_page("simcluster sizing comparison", body);
}

}  // namespace

std::string render_sizing(const SizingInput& input, ReportFormat format) {
  SizingComparison s = compare_sizing(input);
  switch (format) {
    case ReportFormat::kText:
      return render_text_sizing(s);
    case ReportFormat::kWide: {
      std::string out = render_text_sizing(s);
      for (const auto& run : input.runs) {
        out += "\n" + std::string(78, '=') + "\n";
        out += render_text(*run.report, true);
      }
      return out;
    }
    case ReportFormat::kJson:
      return dump_json(sizing_json(s, input));
    case ReportFormat::kYaml:
      return dump_yaml(sizing_json(s, input));
    case ReportFormat::kCsv:
      return render_csv_sizing(s);
    case ReportFormat::kHtml:
      return render_html_sizing(s, input);
    case ReportFormat::kOpenMetrics:
      throw InputError(SourceLocation{},
                       fmt::format("-o openmetrics renders one run's time series, not a "
                                   "comparison of {} runs",
                                   input.runs.size()),
                       "run each scenario on its own, e.g. simcluster run peak.yaml -o "
                       "openmetrics --out peak.om");
  }
  return render_text_sizing(s);
}

}  // namespace simcluster
