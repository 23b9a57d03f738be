// The text report (-o text, -o wide): sections a platform engineer reads top
// to bottom, each a kubectl-like table. Everything from the input is passed
// through sanitize() by TextTable or explicitly.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "report/format_util.h"
#include "simcluster/render.h"

namespace simcluster {

using namespace report_detail;
using Align = TextTable::Align;

namespace {

constexpr size_t kEventsShown = 20;  // per section, without -o wide

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string seconds_list(const std::vector<int64_t>& seconds) {
  if (seconds.empty()) return "-";
  std::vector<std::string> parts;
  for (int64_t s : seconds) parts.push_back(seconds_text(s));
  return join(parts, ", ");
}

std::string resources_text(const Resources& r) {
  return fmt::format("{}/{}", cpu_text(r.cpu_milli), memory_text(r.memory));
}

void heading(std::string& out, std::string_view title) {
  out += '\n';
  out += title;
  out += '\n';
}

void section_header(std::string& out, const Report& r) {
  out += fmt::format("Scenario:  {}", sanitize(r.scenario));
  if (!r.file.empty()) out += fmt::format("  ({})", sanitize(r.file));
  out += '\n';
  if (!r.overrides.empty()) {
    std::vector<std::string> flags;
    for (const std::string& o : r.overrides) flags.push_back("--set " + sanitize(o));
    out += fmt::format("Overrides: {}\n", fmt::join(flags, " "));
  }
  out += fmt::format("Seed:      {}\n", r.seed);
  out += fmt::format("Duration:  {}", format_duration(r.duration));
  if (r.sample_interval.count() > 0) {
    out += fmt::format("  ({} samples, every {})", r.samples.size(),
                       format_duration(r.sample_interval));
  }
  out += '\n';
  if (r.simulated_until.since_start < r.duration) {
    out += fmt::format("INCOMPLETE: the run stopped at {} of {}; figures cover that part only.\n",
                       format_duration(r.simulated_until.since_start), format_duration(r.duration));
  }
  out += fmt::format("Users:     peak {}\n", users_text(peak_users(r)));
  out +=
      fmt::format("SLO:       {}\n",
                  r.slo_latency_ms ? fmt::format("latency <= {}", latency_text(*r.slo_latency_ms))
                                   : std::string("none"));
  out += fmt::format("Start:     {}\n",
                     r.start == "steady" ? "steady (from the replicas the initial load settles at)"
                     : r.start == "dump"
                         ? "dump (from the cluster dump's nodes, pods and replicas)"
                         : "cold (from the manifests' replicas, the initial load all at once)");
}

void section_verdict(std::string& out, const Report& r) {
  const Verdict& v = r.verdict;
  heading(out, fmt::format("VERDICT: {}", v.fits ? "FITS" : "DOES NOT FIT"));
  out += fmt::format(
      "  checked after a settle window of {}: no pod Pending for {} or more, no Service\n"
      "  saturated{}, no OOM kill, no HPA held at maxReplicas while asking for more,\n"
      "  CPU throttling at most {:.1f}% of each workload's pod-time\n",
      format_duration(v.settle), format_duration(v.pending_grace + v.node_wait),
      r.slo_latency_ms ? " or over the SLO" : "", v.max_throttled_percent);
  if (v.node_wait.count() > 0) {
    out += fmt::format(
        "  (Pending: {} of scheduling plus {} for the node autoscaler to add a node:\n"
        "  the slowest nodeProvisioning and the autoscaler's reaction time)\n",
        format_duration(v.pending_grace), format_duration(v.node_wait));
  }
  if (v.issues.empty()) return;
  TextTable t({{"CHECK"}, {"OBJECT"}, {"FIRST", Align::kRight}, {"WHAT"}});
  for (const FitIssue& i : v.issues) {
    t.add_row({i.check, i.object, format_duration(i.first.since_start), i.message});
  }
  out += t.render(2);
}

void section_workloads(std::string& out, const Report& r, bool wide) {
  heading(out, "WORKLOADS");
  if (r.workloads.empty()) {
    out += "  (none)\n";
    return;
  }
  std::vector<TextTable::Column> cols = {{"KIND"},
                                         {"NAMESPACE"},
                                         {"NAME"},
                                         {"START", Align::kRight},
                                         {"MIN", Align::kRight},
                                         {"MAX", Align::kRight},
                                         {"END", Align::kRight},
                                         {"TIME AT MAX", Align::kRight},
                                         {"REQUESTS/POD"}};
  if (wide) {
    cols.push_back({"LIMITS/POD"});
    cols.push_back({"STORAGE/POD", Align::kRight});
    cols.push_back({"AVG CPU", Align::kRight});
    cols.push_back({"PEAK CPU", Align::kRight});
    cols.push_back({"AVG MEM", Align::kRight});
    cols.push_back({"PEAK MEM", Align::kRight});
  }
  TextTable t(cols);
  for (size_t i = 0; i < r.workloads.size(); ++i) {
    const auto& w = r.workloads[i];
    std::vector<std::string> row = {w.kind,
                                    w.ns,
                                    w.name,
                                    fmt::format("{}", w.start_replicas),
                                    fmt::format("{}", w.min_replicas),
                                    fmt::format("{}", w.max_replicas),
                                    fmt::format("{}", w.end_replicas),
                                    seconds_text(w.seconds_at_max),
                                    resources_text(w.requests_per_pod)};
    if (wide) {
      // Utilization of requests, over the samples in which the workload had a Ready pod.
      double cpu_sum = 0, cpu_max = 0, mem_sum = 0, mem_max = 0;
      int64_t n = 0;
      for (const auto& s : r.samples) {
        if (i >= s.workloads.size() || s.workloads[i].ready == 0) continue;
        const auto& ws = s.workloads[i];
        cpu_sum += ws.cpu_utilization;
        mem_sum += ws.memory_utilization;
        cpu_max = std::max(cpu_max, ws.cpu_utilization);
        mem_max = std::max(mem_max, ws.memory_utilization);
        ++n;
      }
      auto avg = [&](double sum) { return n ? percent_text(sum / static_cast<double>(n)) : "-"; };
      row.push_back(resources_text(w.limits_per_pod));
      row.push_back(w.storage_per_pod ? storage_text(w.storage_per_pod) : "-");
      row.push_back(avg(cpu_sum));
      row.push_back(n ? percent_text(cpu_max) : "-");
      row.push_back(avg(mem_sum));
      row.push_back(n ? percent_text(mem_max) : "-");
    }
    t.add_row(std::move(row));
  }
  out += t.render(2);
}

// HPAs whose scale target does not exist scale nothing, so no workload row
// shows them: their first FailedGetScale (upstream's Warning event, repeated
// at every sync) is listed under the table instead.
std::string hpas_without_target(const Report& r) {
  std::set<std::string> seen;
  TextTable t({{"SINCE", Align::kRight}, {"HPA"}, {"EVENT"}});
  for (const auto& e : r.events) {
    auto reason = e.details.find("reason");
    if (e.kind != "HPAFailed" || reason == e.details.end() || reason->second != "FailedGetScale" ||
        !seen.insert(e.object).second) {
      continue;
    }
    t.add_row({format_duration(e.t.since_start), e.object, e.message});
  }
  if (t.empty()) return {};
  return fmt::format("\n  {} HPA{} cannot scale anything: scale target not found\n{}", seen.size(),
                     seen.size() == 1 ? "" : "s", t.render(2));
}

void section_hpa(std::string& out, const Report& r, bool wide) {
  bool any = std::any_of(r.workloads.begin(), r.workloads.end(),
                         [](const WorkloadSummary& w) { return w.hpa.has_value(); });
  heading(out, "AUTOSCALING (HPA)");
  const std::string without_target = hpas_without_target(r);
  if (!any) {
    out += without_target.empty() ? "  no HorizontalPodAutoscaler\n"
                                  : "  no HorizontalPodAutoscaler scales a workload\n";
    out += without_target;
    return;
  }
  TextTable t({{"WORKLOAD"},
               {"MIN-MAX"},
               {"TARGETS"},
               {"SCALE-UPS", Align::kRight},
               {"SCALE-DOWNS", Align::kRight},
               {"LOAD CHANGE -> READY"}});
  for (const auto& w : r.workloads) {
    if (!w.hpa) continue;
    const auto& h = *w.hpa;
    std::string reaction = seconds_list(h.reaction_seconds);
    if (!h.reaction_seconds.empty()) {
      int64_t worst = *std::max_element(h.reaction_seconds.begin(), h.reaction_seconds.end());
      reaction = fmt::format("{} (worst {})", reaction, seconds_text(worst));
    }
    t.add_row({workload_label(w), fmt::format("{}-{}", h.min_replicas, h.max_replicas),
               h.targets.empty() ? "-" : join(h.targets, ", "), fmt::format("{}", h.scale_ups),
               fmt::format("{}", h.scale_downs), reaction});
  }
  out += t.render(2);
  out += without_target;

  std::vector<const ReportEvent*> decisions;
  for (const auto& e : r.events) {
    if (e.kind == "HPAScaled") decisions.push_back(&e);
  }
  out += fmt::format("\n  Decisions: {} rescale{}\n", decisions.size(),
                     decisions.size() == 1 ? "" : "s");
  if (decisions.empty()) return;
  TextTable d({{"TIME", Align::kRight}, {"OBJECT"}, {"DECISION"}});
  size_t shown = wide ? decisions.size() : std::min(decisions.size(), kEventsShown);
  for (size_t i = 0; i < shown; ++i) {
    const auto& e = *decisions[i];
    d.add_row({format_duration(e.t.since_start), e.object, e.message});
  }
  out += d.render(2);
  if (shown < decisions.size()) {
    out += fmt::format("  ... {} more (-o wide lists all)\n", decisions.size() - shown);
  }
}

void section_rollouts(std::string& out, const Report& r) {
  heading(out, "ROLLOUTS");
  int failed = 0;
  for (const auto& e : r.events) failed += e.kind == "RolloutFailed";
  TextTable t({{"WORKLOAD"}, {"COMPLETED", Align::kRight}, {"DURATIONS"}});
  for (const auto& w : r.workloads) {
    if (w.rollout_seconds.empty()) continue;
    t.add_row({workload_id(w), fmt::format("{}", w.rollout_seconds.size()),
               seconds_list(w.rollout_seconds)});
  }
  if (t.empty()) {
    out += "  no completed rollout\n";
  } else {
    out += t.render(2);
  }
  if (failed) out += fmt::format("  {} rollout(s) FAILED (see events)\n", failed);
}

void section_pending(std::string& out, const Report& r) {
  heading(out, "PENDING PODS");
  const auto& p = r.pending;
  out += fmt::format("  most pending at once: {}   pending time: {} pod-seconds ({})\n",
                     p.max_pending, p.pod_seconds, seconds_text(p.pod_seconds));
  if (p.reasons.empty()) return;
  // Most frequent reason first; ties by message (the map's order).
  std::vector<std::pair<std::string, int32_t>> reasons(p.reasons.begin(), p.reasons.end());
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  TextTable t({{"TIMES", Align::kRight}, {"REASON"}});
  for (const auto& [msg, n] : reasons) t.add_row({fmt::format("{}", n), msg});
  out += t.render(2);
}

void section_nodes(std::string& out, const Report& r) {
  heading(out, "NODES");
  if (r.node_pools.empty()) {
    out += "  (no node pool)\n";
    return;
  }
  bool added = false;
  for (const auto& p : r.node_pools) added = added || !p.pending_to_ready_seconds.empty();
  std::vector<TextTable::Column> cols = {{"POOL"},
                                         {"MIN READY", Align::kRight},
                                         {"MAX READY", Align::kRight},
                                         {"NODE-HOURS", Align::kRight},
                                         {"COST", Align::kRight}};
  if (added) cols.push_back({"ADDED", Align::kRight});
  if (added) cols.push_back({"PENDING->READY", Align::kRight});
  cols.push_back({"ALLOCATABLE/NODE"});
  TextTable t(cols);
  for (const auto& p : r.node_pools) {
    const auto& a = p.allocatable_per_node;
    std::vector<std::string> row = {p.pool, fmt::format("{}", p.min_ready),
                                    fmt::format("{}", p.max_ready), fixed(p.node_hours, 2),
                                    fixed(p.cost, 2)};
    if (added) {
      const auto& w = p.pending_to_ready_seconds;
      row.push_back(fmt::format("{}", w.size()));
      row.push_back(
          w.empty() ? "-"
                    : fmt::format("worst {}", format_duration(SimDuration{
                                                  *std::max_element(w.begin(), w.end()) * 1000})));
    }
    row.push_back(fmt::format("cpu {}, memory {}, pods {}", cpu_text(a.cpu_milli),
                              memory_text(a.memory), a.pods));
    t.add_row(row);
  }
  out += t.render(2);
  if (added) {
    out +=
        "  ADDED: nodes a node autoscaler added for Pending pods; PENDING->READY: from the oldest\n"
        "  of those pods turning Pending to its new node being Ready.\n";
  }
  out += fmt::format("  most Ready nodes at once: {}   total cost: {}\n", max_nodes(r),
                     fixed(r.total_cost, 2));
}

void section_totals(std::string& out, const Report& r) {
  heading(out, "REQUESTS AND LIMITS (all pods)");
  TextTable t({{"WHEN"},
               {"PODS", Align::kRight},
               {"CPU REQ", Align::kRight},
               {"CPU LIM", Align::kRight},
               {"MEM REQ", Align::kRight},
               {"MEM LIM", Align::kRight},
               {"STORAGE", Align::kRight}});
  auto row = [&](std::string when, const ResourceTotals& x) {
    t.add_row({std::move(when), fmt::format("{}", x.pods), cpu_text(x.cpu_requests_milli),
               cpu_text(x.cpu_limits_milli), memory_text(x.memory_requests),
               memory_text(x.memory_limits), storage_text(x.storage)});
  };
  row("start", r.totals_start);
  row("peak", r.totals_peak);
  row("end", r.totals_end);
  out += t.render(2);
}

void section_utilization(std::string& out, const Report& r) {
  heading(out, "UTILIZATION");
  out += fmt::format("  CPU requested / allocatable: average {}, peak {}\n",
                     percent_text(r.avg_cpu_utilization_of_allocatable),
                     percent_text(r.peak_cpu_utilization_of_allocatable));
  // Per HPA workload: observed CPU (of requests) against the target.
  TextTable t({{"WORKLOAD"}, {"TARGET"}, {"AVG", Align::kRight}, {"PEAK", Align::kRight}});
  for (size_t i = 0; i < r.workloads.size(); ++i) {
    const auto& w = r.workloads[i];
    double sum = 0, peak = 0;
    int64_t n = 0;
    for (const auto& s : r.samples) {
      if (i >= s.workloads.size() || s.workloads[i].ready == 0) continue;
      sum += s.workloads[i].cpu_utilization;
      peak = std::max(peak, s.workloads[i].cpu_utilization);
      ++n;
    }
    if (!n) continue;
    std::string target = "-";
    if (w.hpa) {
      for (const auto& tg : w.hpa->targets) {
        std::string res;
        double pct;
        if (parse_utilization_target(tg, &res, &pct) && res == "cpu") target = percent_text(pct);
      }
    }
    t.add_row({workload_label(w), target, percent_text(sum / static_cast<double>(n)),
               percent_text(peak)});
  }
  if (!t.empty()) {
    out += "  CPU of requests, over samples with a Ready pod:\n";
    out += t.render(2);
  }
}

void section_latency(std::string& out, const Report& r) {
  heading(out, r.slo_latency_ms ? fmt::format("LATENCY (SLO {})", latency_text(*r.slo_latency_ms))
                                : std::string("LATENCY (no SLO)"));
  if (r.services.empty()) {
    out += "  (no modelled service)\n";
    return;
  }
  TextTable t({{"SERVICE"},
               {"PEAK RPS", Align::kRight},
               {"MEAN", Align::kRight},
               {"WORST", Align::kRight},
               {"OVER SLO", Align::kRight},
               {"SATURATED", Align::kRight}});
  for (const auto& s : r.services) {
    t.add_row({service_label(s), fixed(s.peak_rps, 1), latency_text(mean_latency(r, s)),
               latency_text(worst_latency(r, s)),
               r.slo_latency_ms ? seconds_text(s.seconds_over_slo) : "-",
               seconds_text(s.saturated_seconds)});
  }
  out +=
      "  MEAN/WORST leave out saturated samples (no Ready pod, or arrivals >= capacity);\n"
      "  '-' when the Service was saturated throughout.\n";
  out += t.render(2);
}

bool notable(std::string_view kind) {
  static const std::set<std::string_view> kNotable = {
      "RolloutFailed", "Preempted", "Evicted", "OOMKilled", "ContainerRestarted", "NodeFailed",
      "NodeRecovered", "NodeCordoned", "NodeDrained", "LoadChanged", "SLOBreached", "SLORecovered",
      // the cluster autoscaler
      "ScaledUpGroup", "FailedToScaleUpGroup", "NotTriggerScaleUp", "ScaleDown"};
  return kNotable.count(kind) > 0;
}

void section_events(std::string& out, const Report& r, bool wide) {
  // Without -o wide: the notable kinds, the first kEventsShown of each.
  // FailedScheduling is left to PENDING PODS, which counts its messages.
  std::map<std::string, size_t> seen;
  std::map<std::string, size_t> hidden;
  TextTable t({{"TIME", Align::kRight}, {"KIND"}, {"OBJECT"}, {"MESSAGE"}});
  for (const auto& e : r.events) {
    if (!wide && !notable(e.kind)) continue;
    if (!wide && ++seen[e.kind] > kEventsShown) {
      ++hidden[e.kind];
      continue;
    }
    t.add_row({format_duration(e.t.since_start), e.kind, e.object, e.message});
  }
  heading(out, wide ? "EVENTS" : "NOTABLE EVENTS");
  if (t.empty()) {
    out += "  (none)\n";
    return;
  }
  out += t.render(2);
  for (const auto& [kind, n] : hidden) {
    out += fmt::format("  ... {} more {} (-o wide lists all)\n", n, kind);
  }
}

void section_warnings(std::string& out, const Report& r) {
  heading(out, fmt::format("WARNINGS ({})", r.warnings.size()));
  if (r.warnings.empty()) {
    out += "  (none)\n";
    return;
  }
  for (const auto& w : r.warnings) {
    out += fmt::format("  [{}] {}\n", sanitize(w.code), sanitize(w.message));
  }
}

}  // namespace

std::optional<ReportFormat> parse_report_format(std::string_view name) {
  if (name == "text") return ReportFormat::kText;
  if (name == "wide") return ReportFormat::kWide;
  if (name == "json") return ReportFormat::kJson;
  if (name == "yaml") return ReportFormat::kYaml;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "html") return ReportFormat::kHtml;
  if (name == "openmetrics") return ReportFormat::kOpenMetrics;
  return std::nullopt;
}

std::string_view report_format_name(ReportFormat format) {
  switch (format) {
    case ReportFormat::kText:
      return "text";
    case ReportFormat::kWide:
      return "wide";
    case ReportFormat::kJson:
      return "json";
    case ReportFormat::kYaml:
      return "yaml";
    case ReportFormat::kCsv:
      return "csv";
    case ReportFormat::kHtml:
      return "html";
    case ReportFormat::kOpenMetrics:
      return "openmetrics";
  }
  return "text";
}

std::string render_text(const Report& report, bool wide) {
  std::string out;
  section_header(out, report);
  section_verdict(out, report);
  section_workloads(out, report, wide);
  section_hpa(out, report, wide);
  section_rollouts(out, report);
  section_pending(out, report);
  section_nodes(out, report);
  section_totals(out, report);
  section_utilization(out, report);
  section_latency(out, report);
  section_events(out, report, wide);
  section_warnings(out, report);
  return out;
}

std::string render_report(const Report& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::kText:
      return render_text(report, false);
    case ReportFormat::kWide:
      return render_text(report, true);
    case ReportFormat::kJson:
      return render_json(report);
    case ReportFormat::kYaml:
      return render_yaml(report);
    case ReportFormat::kCsv:
      return render_csv(report);
    case ReportFormat::kHtml:
      return render_html(report);
    case ReportFormat::kOpenMetrics:
      return render_openmetrics(report);
  }
  return render_text(report, false);
}

}  // namespace simcluster
