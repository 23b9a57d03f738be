// Partial runs (run_partial.h, docs/sweeps.md): one shard's ScenarioRuns as
// JSON, read back exactly. The format is internal to simcluster and versioned
// (kRunPartialFormat). It is not the user-facing report JSON (render_json
// rounds figures and writes null for a non-finite one): every field is kept
// as it is, doubles in nlohmann's shortest round-trip form and inf/NaN as
// strings, so a Report read back renders the same bytes in every format.
#include "simcluster/run_partial.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "report/partial_json.h"
#include "simcluster/error.h"

namespace simcluster {

using namespace partial_json;

namespace {

// ---------------------------------------------------------------- scalars

Json dbl(double v) {
  if (std::isfinite(v)) return v;
  if (std::isnan(v)) return std::signbit(v) ? "-nan" : "nan";
  return v > 0 ? "inf" : "-inf";
}

double dbl_from(const Json& j) {
  if (!j.is_string()) return j.get<double>();
  const std::string s = j.get<std::string>();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  if (s == "inf") return kInf;
  if (s == "-inf") return -kInf;
  if (s == "nan") return kNan;
  if (s == "-nan") return -kNan;
  throw std::invalid_argument(fmt::format("'{}' is not a number", s));
}

Json dbls(const std::vector<double>& v) {
  Json out = Json::array();
  for (double d : v) out.push_back(dbl(d));
  return out;
}

std::vector<double> dbls_from(const Json& j) {
  std::vector<double> out;
  out.reserve(j.size());
  for (const Json& d : j) out.push_back(dbl_from(d));
  return out;
}

// ---------------------------------------------------------------- parts

Json resources_json(const Resources& r) {
  Json extended = Json::object();
  for (const auto& [k, v] : r.extended) extended[k] = v;
  return Json::array({r.cpu_milli, r.memory, r.ephemeral_storage, r.pods, std::move(extended)});
}

Resources resources_from(const Json& j) {
  Resources r;
  r.cpu_milli = j.at(0).get<int64_t>();
  r.memory = j.at(1).get<int64_t>();
  r.ephemeral_storage = j.at(2).get<int64_t>();
  r.pods = j.at(3).get<int64_t>();
  for (const auto& [k, v] : j.at(4).items()) r.extended[k] = v.get<int64_t>();
  return r;
}

Json workload_json(const WorkloadSummary& w) {
  Json hpa = nullptr;
  if (w.hpa) {
    hpa = {{"min_replicas", w.hpa->min_replicas}, {"max_replicas", w.hpa->max_replicas},
           {"targets", w.hpa->targets},           {"scale_ups", w.hpa->scale_ups},
           {"scale_downs", w.hpa->scale_downs},   {"reaction_seconds", w.hpa->reaction_seconds}};
  }
  return {{"kind", w.kind},
          {"ns", w.ns},
          {"name", w.name},
          {"start_replicas", w.start_replicas},
          {"min_replicas", w.min_replicas},
          {"max_replicas", w.max_replicas},
          {"end_replicas", w.end_replicas},
          {"seconds_at_max", w.seconds_at_max},
          {"requests_per_pod", resources_json(w.requests_per_pod)},
          {"limits_per_pod", resources_json(w.limits_per_pod)},
          {"hpa", std::move(hpa)},
          {"rollout_seconds", w.rollout_seconds},
          {"storage_per_pod", w.storage_per_pod},
          {"throttled_pod_seconds", w.throttled_pod_seconds},
          {"peak_cpu_demand_of_limit", dbl(w.peak_cpu_demand_of_limit)}};
}

WorkloadSummary workload_from(const Json& j) {
  WorkloadSummary w;
  w.kind = j.at("kind").get<std::string>();
  w.ns = j.at("ns").get<std::string>();
  w.name = j.at("name").get<std::string>();
  w.start_replicas = j.at("start_replicas").get<int32_t>();
  w.min_replicas = j.at("min_replicas").get<int32_t>();
  w.max_replicas = j.at("max_replicas").get<int32_t>();
  w.end_replicas = j.at("end_replicas").get<int32_t>();
  w.seconds_at_max = j.at("seconds_at_max").get<int64_t>();
  w.requests_per_pod = resources_from(j.at("requests_per_pod"));
  w.limits_per_pod = resources_from(j.at("limits_per_pod"));
  if (const Json& h = j.at("hpa"); !h.is_null()) {
    HPASummary s;
    s.min_replicas = h.at("min_replicas").get<int32_t>();
    s.max_replicas = h.at("max_replicas").get<int32_t>();
    s.targets = h.at("targets").get<std::vector<std::string>>();
    s.scale_ups = h.at("scale_ups").get<int32_t>();
    s.scale_downs = h.at("scale_downs").get<int32_t>();
    s.reaction_seconds = h.at("reaction_seconds").get<std::vector<int64_t>>();
    w.hpa = std::move(s);
  }
  w.rollout_seconds = j.at("rollout_seconds").get<std::vector<int64_t>>();
  w.storage_per_pod = j.at("storage_per_pod").get<int64_t>();
  w.throttled_pod_seconds = j.at("throttled_pod_seconds").get<int64_t>();
  w.peak_cpu_demand_of_limit = dbl_from(j.at("peak_cpu_demand_of_limit"));
  return w;
}

Json service_json(const ServiceSummary& s) {
  return {{"ns", s.ns},
          {"name", s.name},
          {"peak_rps", dbl(s.peak_rps)},
          {"p_max_latency_ms", dbl(s.p_max_latency_ms)},
          {"mean_latency_ms", dbl(s.mean_latency_ms)},
          {"seconds_over_slo", s.seconds_over_slo},
          {"saturated_seconds", s.saturated_seconds}};
}

ServiceSummary service_from(const Json& j) {
  ServiceSummary s;
  s.ns = j.at("ns").get<std::string>();
  s.name = j.at("name").get<std::string>();
  s.peak_rps = dbl_from(j.at("peak_rps"));
  s.p_max_latency_ms = dbl_from(j.at("p_max_latency_ms"));
  s.mean_latency_ms = dbl_from(j.at("mean_latency_ms"));
  s.seconds_over_slo = j.at("seconds_over_slo").get<int64_t>();
  s.saturated_seconds = j.at("saturated_seconds").get<int64_t>();
  return s;
}

Json pool_json(const NodeSummary& n) {
  return {{"pool", n.pool},
          {"min_ready", n.min_ready},
          {"max_ready", n.max_ready},
          {"node_hours", dbl(n.node_hours)},
          {"cost", dbl(n.cost)},
          {"allocatable_per_node", resources_json(n.allocatable_per_node)},
          {"pending_to_ready_seconds", n.pending_to_ready_seconds}};
}

NodeSummary pool_from(const Json& j) {
  NodeSummary n;
  n.pool = j.at("pool").get<std::string>();
  n.min_ready = j.at("min_ready").get<int32_t>();
  n.max_ready = j.at("max_ready").get<int32_t>();
  n.node_hours = dbl_from(j.at("node_hours"));
  n.cost = dbl_from(j.at("cost"));
  n.allocatable_per_node = resources_from(j.at("allocatable_per_node"));
  n.pending_to_ready_seconds = j.at("pending_to_ready_seconds").get<std::vector<int64_t>>();
  return n;
}

Json verdict_json(const Verdict& v) {
  return {{"fits", v.fits},
          {"settle_ms", v.settle.count()},
          {"pending_grace_ms", v.pending_grace.count()},
          {"node_wait_ms", v.node_wait.count()},
          {"max_throttled_percent", dbl(v.max_throttled_percent)},
          {"issues", fit_issues_json(v.issues)}};
}

Verdict verdict_from(const Json& j) {
  Verdict v;
  v.fits = j.at("fits").get<bool>();
  v.settle = SimDuration(j.at("settle_ms").get<int64_t>());
  v.pending_grace = SimDuration(j.at("pending_grace_ms").get<int64_t>());
  v.node_wait = SimDuration(j.at("node_wait_ms").get<int64_t>());
  v.max_throttled_percent = dbl_from(j.at("max_throttled_percent"));
  v.issues = fit_issues_from(j.at("issues"));
  return v;
}

// [t_ms, kind, object, message, {details}]: a day has thousands.
Json event_json(const ReportEvent& e) {
  Json details = Json::object();
  for (const auto& [k, v] : e.details) details[k] = v;
  return Json::array({e.t.ms(), e.kind, e.object, e.message, std::move(details)});
}

ReportEvent event_from(const Json& j) {
  ReportEvent e;
  e.t = SimTime::from_ms(j.at(0).get<int64_t>());
  e.kind = j.at(1).get<std::string>();
  e.object = j.at(2).get<std::string>();
  e.message = j.at(3).get<std::string>();
  for (const auto& [k, v] : j.at(4).items()) e.details[k] = v.get<std::string>();
  return e;
}

// [t_ms, users, [[replicas, ready, desired, cpu%, mem%]...], nodes, [pool nodes],
//  pending, [latency ms], [rps], totals].
Json sample_json(const Sample& s) {
  Json workloads = Json::array();
  for (const WorkloadSample& w : s.workloads) {
    workloads.push_back(Json::array(
        {w.replicas, w.ready, w.desired, dbl(w.cpu_utilization), dbl(w.memory_utilization)}));
  }
  return Json::array({s.t.ms(), dbl(s.users), std::move(workloads), s.nodes, s.pool_nodes,
                      s.pending_pods, dbls(s.latency_ms), dbls(s.rps), totals_json(s.totals)});
}

Sample sample_from(const Json& j) {
  Sample s;
  s.t = SimTime::from_ms(j.at(0).get<int64_t>());
  s.users = dbl_from(j.at(1));
  for (const Json& w : j.at(2)) {
    WorkloadSample ws;
    ws.replicas = w.at(0).get<int32_t>();
    ws.ready = w.at(1).get<int32_t>();
    ws.desired = w.at(2).get<int32_t>();
    ws.cpu_utilization = dbl_from(w.at(3));
    ws.memory_utilization = dbl_from(w.at(4));
    s.workloads.push_back(ws);
  }
  s.nodes = j.at(3).get<int32_t>();
  s.pool_nodes = j.at(4).get<std::vector<int32_t>>();
  s.pending_pods = j.at(5).get<int32_t>();
  s.latency_ms = dbls_from(j.at(6));
  s.rps = dbls_from(j.at(7));
  s.totals = totals_from(j.at(8));
  return s;
}

Json report_json(const Report& r) {
  Json workloads = Json::array(), services = Json::array(), pools = Json::array();
  for (const WorkloadSummary& w : r.workloads) workloads.push_back(workload_json(w));
  for (const ServiceSummary& s : r.services) services.push_back(service_json(s));
  for (const NodeSummary& n : r.node_pools) pools.push_back(pool_json(n));
  Json reasons = Json::object();
  for (const auto& [k, v] : r.pending.reasons) reasons[k] = v;
  Json warnings = Json::array(), events = Json::array(), samples = Json::array();
  for (const Warning& w : r.warnings) warnings.push_back(Json::array({w.code, w.message}));
  for (const ReportEvent& e : r.events) events.push_back(event_json(e));
  for (const Sample& s : r.samples) samples.push_back(sample_json(s));
  return {{"version", r.version},
          {"scenario", r.scenario},
          {"file", r.file},
          {"overrides", r.overrides},
          {"seed", r.seed},
          {"duration_ms", r.duration.count()},
          {"sample_interval_ms", r.sample_interval.count()},
          {"slo_latency_ms", r.slo_latency_ms ? dbl(*r.slo_latency_ms) : Json(nullptr)},
          {"workloads", std::move(workloads)},
          {"services", std::move(services)},
          {"node_pools", std::move(pools)},
          {"pending",
           {{"max_pending", r.pending.max_pending},
            {"pod_seconds", r.pending.pod_seconds},
            {"reasons", std::move(reasons)}}},
          {"totals_start", totals_json(r.totals_start)},
          {"totals_peak", totals_json(r.totals_peak)},
          {"totals_end", totals_json(r.totals_end)},
          {"avg_cpu_utilization_of_allocatable", dbl(r.avg_cpu_utilization_of_allocatable)},
          {"peak_cpu_utilization_of_allocatable", dbl(r.peak_cpu_utilization_of_allocatable)},
          {"total_cost", dbl(r.total_cost)},
          {"warnings", std::move(warnings)},
          {"verdict", verdict_json(r.verdict)},
          {"start", r.start},
          {"events", std::move(events)},
          {"samples", std::move(samples)},
          {"simulated_until_ms", r.simulated_until.ms()},
          {"events_processed", r.events_processed}};
}

Report report_from(const Json& j) {
  Report r;
  r.version = j.at("version").get<int>();
  r.scenario = j.at("scenario").get<std::string>();
  r.file = j.at("file").get<std::string>();
  r.overrides = j.at("overrides").get<std::vector<std::string>>();
  r.seed = j.at("seed").get<uint64_t>();
  r.duration = SimDuration(j.at("duration_ms").get<int64_t>());
  r.sample_interval = SimDuration(j.at("sample_interval_ms").get<int64_t>());
  if (const Json& slo = j.at("slo_latency_ms"); !slo.is_null()) r.slo_latency_ms = dbl_from(slo);
  for (const Json& w : j.at("workloads")) r.workloads.push_back(workload_from(w));
  for (const Json& s : j.at("services")) r.services.push_back(service_from(s));
  for (const Json& n : j.at("node_pools")) r.node_pools.push_back(pool_from(n));
  const Json& pending = j.at("pending");
  r.pending.max_pending = pending.at("max_pending").get<int32_t>();
  r.pending.pod_seconds = pending.at("pod_seconds").get<int64_t>();
  for (const auto& [k, v] : pending.at("reasons").items()) r.pending.reasons[k] = v.get<int32_t>();
  r.totals_start = totals_from(j.at("totals_start"));
  r.totals_peak = totals_from(j.at("totals_peak"));
  r.totals_end = totals_from(j.at("totals_end"));
  r.avg_cpu_utilization_of_allocatable = dbl_from(j.at("avg_cpu_utilization_of_allocatable"));
  r.peak_cpu_utilization_of_allocatable = dbl_from(j.at("peak_cpu_utilization_of_allocatable"));
  r.total_cost = dbl_from(j.at("total_cost"));
  for (const Json& w : j.at("warnings")) {
    r.warnings.push_back(Warning{w.at(0).get<std::string>(), w.at(1).get<std::string>()});
  }
  r.verdict = verdict_from(j.at("verdict"));
  r.start = j.at("start").get<std::string>();
  r.events.reserve(j.at("events").size());
  for (const Json& e : j.at("events")) r.events.push_back(event_from(e));
  r.samples.reserve(j.at("samples").size());
  for (const Json& s : j.at("samples")) r.samples.push_back(sample_from(s));
  r.simulated_until = SimTime::from_ms(j.at("simulated_until_ms").get<int64_t>());
  r.events_processed = j.at("events_processed").get<uint64_t>();
  return r;
}

Json run_json(const ScenarioRun& run) {
  Json computed = nullptr;
  if (run.computed) {
    computed =
        Json::array({totals_json(run.computed->minimum), totals_json(run.computed->maximum)});
  }
  return {{"report", report_json(run.report)}, {"computed", std::move(computed)}};
}

ScenarioRun run_from(const Json& j) {
  ScenarioRun run;
  run.report = report_from(j.at("report"));
  if (const Json& c = j.at("computed"); !c.is_null()) {
    run.computed = ManifestTotals{totals_from(c.at(0)), totals_from(c.at(1))};
  }
  return run;
}

Json parse_partial(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("kind", "") != "SimclusterPartial") {
    return Json(nullptr);
  }
  return j;
}

}  // namespace

std::string write_run_partial(const RunPartial& p) {
  Json results = Json::array();
  for (const auto& [task, run] : p.results) {
    results.push_back({{"task", task}, {"run", run_json(run)}});
  }
  // Compact: a day's report has tens of thousands of samples and events.
  return partial("run", kRunPartialFormat, p, std::move(results)).dump() + "\n";
}

RunPartial read_run_partial(std::string_view text, const std::string& file) {
  RunPartial p;
  const Json results = read_partial(text, file, "run", kRunPartialFormat, p);
  try {
    for (const Json& r : results) {
      p.results.emplace_back(r.at("task").get<size_t>(), run_from(r.at("run")));
    }
  } catch (const std::exception& e) {
    damaged(file, e);
  }
  return p;
}

std::string partial_command(std::string_view text) {
  const Json j = parse_partial(text);
  if (!j.is_object() || !j.contains("command") || !j["command"].is_string()) return "";
  return j["command"].get<std::string>();
}

}  // namespace simcluster
