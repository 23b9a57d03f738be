// -o json and -o yaml: the report as a versioned tree (docs/report.md,
// docs/report.schema.json) and its two printers.
#include <fmt/format.h>

#include <cmath>

#include "report/format_util.h"
#include "report/json_tree.h"
#include "simcluster/render.h"

namespace simcluster {

using namespace report_detail;

namespace report_detail {

namespace {

// A float rounded to kJsonDecimals, or null when it is not finite (latency of
// a saturated Service is +inf in the Report).
Json number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

Json hpa_to_json(const HPASummary& h) {
  Json j = Json::object();
  j["min_replicas"] = h.min_replicas;
  j["max_replicas"] = h.max_replicas;
  j["targets"] = h.targets;
  j["scale_ups"] = h.scale_ups;
  j["scale_downs"] = h.scale_downs;
  j["reaction_seconds"] = h.reaction_seconds;
  return j;
}

Json workload_to_json(const WorkloadSummary& w) {
  Json j = Json::object();
  j["kind"] = w.kind;
  j["namespace"] = w.ns;
  j["name"] = w.name;
  j["replicas"] = Json{{"start", w.start_replicas},
                       {"min", w.min_replicas},
                       {"max", w.max_replicas},
                       {"end", w.end_replicas}};
  j["seconds_at_max"] = w.seconds_at_max;
  j["requests_per_pod"] = resources_to_json(w.requests_per_pod);
  j["limits_per_pod"] = resources_to_json(w.limits_per_pod);
  j["storage_per_pod_bytes"] = w.storage_per_pod;
  j["throttled_pod_seconds"] = w.throttled_pod_seconds;
  j["peak_cpu_demand_of_limit"] = w.peak_cpu_demand_of_limit;
  j["hpa"] = w.hpa ? hpa_to_json(*w.hpa) : Json(nullptr);
  j["rollout_seconds"] = w.rollout_seconds;
  return j;
}

Json series_to_json(const Report& r) {
  Json t = Json::array(), users = Json::array(), nodes = Json::array(), pending = Json::array();
  Json pods = Json::array(), cpu_req = Json::array(), mem_req = Json::array(),
       cpu_lim = Json::array(), mem_lim = Json::array(), storage = Json::array();
  for (const auto& s : r.samples) {
    t.push_back(s.t.ms());
    users.push_back(number(s.users));
    nodes.push_back(s.nodes);
    pending.push_back(s.pending_pods);
    pods.push_back(s.totals.pods);
    cpu_req.push_back(s.totals.cpu_requests_milli);
    mem_req.push_back(s.totals.memory_requests);
    cpu_lim.push_back(s.totals.cpu_limits_milli);
    mem_lim.push_back(s.totals.memory_limits);
    storage.push_back(s.totals.storage);
  }
  Json workloads = Json::array();
  for (size_t i = 0; i < r.workloads.size(); ++i) {
    Json replicas = Json::array(), ready = Json::array(), desired = Json::array(),
         cpu = Json::array(), mem = Json::array();
    for (const auto& s : r.samples) {
      WorkloadSample ws = i < s.workloads.size() ? s.workloads[i] : WorkloadSample{};
      replicas.push_back(ws.replicas);
      ready.push_back(ws.ready);
      desired.push_back(ws.desired);
      cpu.push_back(number(ws.cpu_utilization));
      mem.push_back(number(ws.memory_utilization));
    }
    Json w = Json::object();
    w["workload"] = workload_id(r.workloads[i]);
    w["replicas"] = std::move(replicas);
    w["ready"] = std::move(ready);
    w["desired"] = std::move(desired);
    w["cpu_utilization_percent"] = std::move(cpu);
    w["memory_utilization_percent"] = std::move(mem);
    workloads.push_back(std::move(w));
  }
  Json latency = Json::array();
  for (size_t i = 0; i < r.services.size(); ++i) {
    Json values = Json::array();
    for (const auto& s : r.samples) {
      values.push_back(i < s.latency_ms.size() ? number(s.latency_ms[i]) : Json(nullptr));
    }
    latency.push_back(Json{{"service", service_label(r.services[i])}, {"values", values}});
  }
  Json rps = Json::array();
  for (size_t i = 0; i < r.services.size(); ++i) {
    Json values = Json::array();
    for (const auto& s : r.samples)
      values.push_back(i < s.rps.size() ? number(s.rps[i]) : Json(nullptr));
    rps.push_back(Json{{"service", service_label(r.services[i])}, {"values", values}});
  }
  Json pool_nodes = Json::array();
  for (size_t i = 0; i < r.node_pools.size(); ++i) {
    Json values = Json::array();
    for (const auto& s : r.samples) values.push_back(i < s.pool_nodes.size() ? s.pool_nodes[i] : 0);
    pool_nodes.push_back(Json{{"pool", r.node_pools[i].pool}, {"values", values}});
  }
  Json j = Json::object();
  j["t_ms"] = std::move(t);
  j["users"] = std::move(users);
  j["nodes"] = std::move(nodes);
  j["pool_nodes"] = std::move(pool_nodes);
  j["pending_pods"] = std::move(pending);
  j["totals"] = Json{{"pods", pods},
                     {"cpu_requests_milli", cpu_req},
                     {"memory_requests_bytes", mem_req},
                     {"cpu_limits_milli", cpu_lim},
                     {"memory_limits_bytes", mem_lim},
                     {"storage_bytes", storage}};
  j["workloads"] = std::move(workloads);
  j["latency_ms"] = std::move(latency);
  j["rps"] = std::move(rps);
  return j;
}

}  // namespace

Json resources_to_json(const Resources& r) {
  Json j = Json::object();
  j["cpu_milli"] = r.cpu_milli;
  j["memory_bytes"] = r.memory;
  j["ephemeral_storage_bytes"] = r.ephemeral_storage;
  j["pods"] = r.pods;
  Json ext = Json::object();
  for (const auto& [name, v] : r.extended) ext[name] = v;
  j["extended"] = std::move(ext);
  return j;
}

Json resource_totals_to_json(const ResourceTotals& t) {
  Json j = Json::object();
  j["pods"] = t.pods;
  j["cpu_requests_milli"] = t.cpu_requests_milli;
  j["memory_requests_bytes"] = t.memory_requests;
  j["cpu_limits_milli"] = t.cpu_limits_milli;
  j["memory_limits_bytes"] = t.memory_limits;
  j["storage_bytes"] = t.storage;
  return j;
}

Json verdict_to_json(const Verdict& v) {
  Json issues = Json::array();
  for (const FitIssue& i : v.issues) {
    Json ij = Json::object();
    ij["check"] = i.check;
    ij["object"] = i.object;
    ij["first_ms"] = i.first.ms();
    ij["count"] = i.count;
    ij["message"] = i.message;
    issues.push_back(std::move(ij));
  }
  Json j = Json::object();
  j["fits"] = v.fits;
  j["settle_ms"] = v.settle.count();
  j["pending_grace_ms"] = v.pending_grace.count();
  j["node_wait_ms"] = v.node_wait.count();
  j["max_throttled_percent"] = number(v.max_throttled_percent);
  j["issues"] = std::move(issues);
  return j;
}

namespace {

// Every key of the report before "events" and "series", its two big arrays.
Json report_head_to_json(const Report& r) {
  Json j = Json::object();
  j["version"] = r.version;
  j["kind"] = "SimulationReport";
  j["scenario"] = r.scenario;
  j["file"] = r.file;
  if (!r.overrides.empty()) {  // absent when none, so reports without --set keep their bytes
    Json overrides = Json::array();
    for (const std::string& o : r.overrides) overrides.push_back(o);
    j["overrides"] = std::move(overrides);
  }
  j["seed"] = r.seed;
  j["duration_ms"] = r.duration.count();
  j["duration"] = format_duration(r.duration);
  j["sample_interval_ms"] = r.sample_interval.count();
  j["slo_latency_ms"] = r.slo_latency_ms ? number(*r.slo_latency_ms) : Json(nullptr);
  j["simulated_until_ms"] = r.simulated_until.ms();
  j["complete"] = r.simulated_until.since_start >= r.duration;
  j["peak_users"] = number(peak_users(r));
  j["start"] = r.start;
  j["verdict"] = verdict_to_json(r.verdict);

  Json workloads = Json::array();
  for (const auto& w : r.workloads) workloads.push_back(workload_to_json(w));
  j["workloads"] = std::move(workloads);

  Json services = Json::array();
  for (const auto& s : r.services) {
    Json sj = Json::object();
    sj["namespace"] = s.ns;
    sj["name"] = s.name;
    sj["peak_rps"] = number(s.peak_rps);
    auto worst = worst_latency(r, s), mean = mean_latency(r, s);
    sj["max_latency_ms"] = worst ? number(*worst) : Json(nullptr);
    sj["mean_latency_ms"] = mean ? number(*mean) : Json(nullptr);
    sj["seconds_over_slo"] = s.seconds_over_slo;
    sj["saturated_seconds"] = s.saturated_seconds;
    services.push_back(std::move(sj));
  }
  j["services"] = std::move(services);

  Json reasons = Json::array();
  for (const auto& [msg, n] : r.pending.reasons) {
    reasons.push_back(Json{{"message", msg}, {"count", n}});
  }
  j["pending"] = Json{{"max_pending", r.pending.max_pending},
                      {"pod_seconds", r.pending.pod_seconds},
                      {"reasons", std::move(reasons)}};

  j["totals"] = Json{{"start", resource_totals_to_json(r.totals_start)},
                     {"peak", resource_totals_to_json(r.totals_peak)},
                     {"end", resource_totals_to_json(r.totals_end)},
                     {"max_pods", max_pods(r)}};
  j["utilization"] = Json{
      {"avg_cpu_requests_of_allocatable_percent", number(r.avg_cpu_utilization_of_allocatable)},
      {"peak_cpu_requests_of_allocatable_percent", number(r.peak_cpu_utilization_of_allocatable)}};

  Json pools = Json::array();
  for (const auto& p : r.node_pools) {
    Json pj = Json::object();
    pj["pool"] = p.pool;
    pj["min_ready"] = p.min_ready;
    pj["max_ready"] = p.max_ready;
    pj["node_hours"] = number(p.node_hours);
    pj["cost"] = number(p.cost);
    pj["allocatable_per_node"] = resources_to_json(p.allocatable_per_node);
    Json waits = Json::array();
    for (int64_t s : p.pending_to_ready_seconds) waits.push_back(s);
    pj["pending_to_ready_s"] = std::move(waits);
    pools.push_back(std::move(pj));
  }
  j["nodes"] = Json{{"max_ready", max_nodes(r)}, {"pools", std::move(pools)}};
  j["total_cost"] = number(r.total_cost);

  Json warnings = Json::array();
  for (const auto& w : r.warnings)
    warnings.push_back(Json{{"code", w.code}, {"message", w.message}});
  j["warnings"] = std::move(warnings);

  return j;
}

Json event_to_json(const ReportEvent& e) {
  Json ej = Json::object();
  ej["t_ms"] = e.t.ms();
  ej["kind"] = e.kind;
  ej["object"] = e.object;
  ej["message"] = e.message;
  Json details = Json::object();
  for (const auto& [k, v] : e.details) details[k] = v;
  ej["details"] = std::move(details);
  return ej;
}

}  // namespace

Json report_to_json(const Report& r) {
  Json j = report_head_to_json(r);
  Json events = Json::array();
  for (const auto& e : r.events) events.push_back(event_to_json(e));
  j["events"] = std::move(events);
  j["series"] = series_to_json(r);
  return j;
}

// ---------------------------------------------------------------- printers

namespace {

// The length of the valid UTF-8 sequence starting at s[i] (its code point in
// *cp_out), or 0 when the bytes there are not valid UTF-8.
size_t utf8_length(std::string_view s, size_t i, uint32_t* cp_out) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n;
  uint32_t cp;
  *cp_out = c;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *cp_out = cp;
  return n;
}

bool is_scalar(const Json& j) { return !j.is_object() && !j.is_array(); }

std::string scalar_text(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return j.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
      return fmt::format("{}", j.get<int64_t>());
    case Json::value_t::number_unsigned:
      return fmt::format("{}", j.get<uint64_t>());
    case Json::value_t::number_float: {
      double v = j.get<double>();
      if (!std::isfinite(v)) return "null";
      return trimmed(v, kJsonDecimals);
    }
    case Json::value_t::string:
      return json_quote(j.get_ref<const std::string&>());
    default:
      return "null";
  }
}

void write_json(std::string& out, const Json& j, int indent) {
  std::string pad(static_cast<size_t>(indent + 2), ' ');
  if (j.is_object()) {
    if (j.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    size_t i = 0;
    for (auto it = j.begin(); it != j.end(); ++it, ++i) {
      out += pad;
      out += json_quote(it.key());
      out += ": ";
      write_json(out, it.value(), indent + 2);
      out += i + 1 < j.size() ? ",\n" : "\n";
    }
    out.append(static_cast<size_t>(indent), ' ');
    out += '}';
  } else if (j.is_array()) {
    if (j.empty()) {
      out += "[]";
      return;
    }
    bool flat = std::all_of(j.begin(), j.end(), is_scalar);
    if (flat) {
      out += '[';
      for (size_t i = 0; i < j.size(); ++i) {
        if (i) out += ", ";
        out += scalar_text(j[i]);
      }
      out += ']';
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < j.size(); ++i) {
      out += pad;
      write_json(out, j[i], indent + 2);
      out += i + 1 < j.size() ? ",\n" : "\n";
    }
    out.append(static_cast<size_t>(indent), ' ');
    out += ']';
  } else {
    out += scalar_text(j);
  }
}

bool plain_yaml_key(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  // Keys YAML 1.1 readers would turn into booleans or null stay quoted.
  static const char* kReserved[] = {"y",     "Y",     "yes",  "Yes",  "YES",  "n",    "N",
                                    "no",    "No",    "NO",   "true", "True", "TRUE", "false",
                                    "False", "FALSE", "on",   "On",   "ON",   "off",  "Off",
                                    "OFF",   "null",  "Null", "NULL", "~"};
  for (const char* r : kReserved) {
    if (k == r) return false;
  }
  return !(k[0] >= '0' && k[0] <= '9') && k[0] != '-';
}

std::string yaml_key(std::string_view k) {
  return plain_yaml_key(k) ? std::string(k) : json_quote(k);
}

std::string yaml_inline(const Json& j) {
  if (j.is_object()) return "{}";  // only called for empty containers and scalars
  if (j.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < j.size(); ++i) {
      if (i) out += ", ";
      out += scalar_text(j[i]);
    }
    return out + "]";
  }
  return scalar_text(j);
}

bool yaml_is_inline(const Json& j) {
  if (j.is_object()) return j.empty();
  if (j.is_array()) return std::all_of(j.begin(), j.end(), is_scalar);
  return true;
}

void write_yaml(std::string& out, const Json& j, int indent);

// Writes the members of an object; the first line's indentation has already
// been written when `first_inline` (as after "- ").
void write_yaml_object(std::string& out, const Json& j, int indent, bool first_inline) {
  bool first = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!(first && first_inline)) out.append(static_cast<size_t>(indent), ' ');
    first = false;
    out += yaml_key(it.key());
    out += ':';
    if (yaml_is_inline(it.value())) {
      out += ' ';
      out += yaml_inline(it.value());
      out += '\n';
    } else {
      out += '\n';
      write_yaml(out, it.value(), it.value().is_array() ? indent : indent + 2);
    }
  }
}

void write_yaml(std::string& out, const Json& j, int indent) {
  if (yaml_is_inline(j)) {
    out.append(static_cast<size_t>(indent), ' ');
    out += yaml_inline(j);
    out += '\n';
  } else if (j.is_object()) {
    write_yaml_object(out, j, indent, false);
  } else {
    for (const auto& item : j) {
      out.append(static_cast<size_t>(indent), ' ');
      out += "- ";
      if (item.is_object() && !item.empty()) {
        write_yaml_object(out, item, indent + 2, true);
      } else if (yaml_is_inline(item)) {
        out += yaml_inline(item);
        out += '\n';
      } else {
        out += '\n';
        write_yaml(out, item, indent + 2);
      }
    }
  }
}

}  // namespace

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      case '\b':
        out += "\\b";
        ++i;
        continue;
      case '\f':
        out += "\\f";
        ++i;
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t n = utf8_length(s, i, &cp);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    // C1 controls and non-characters are escaped: YAML does not allow them raw.
    if ((cp >= 0x80 && cp <= 0x9f) || cp == 0xfeff || cp == 0xfffe || cp == 0xffff) {
      out += fmt::format("\\u{:04x}", cp);
      i += n;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  out += '"';
  return out;
}

std::string dump_json(const Json& tree) {
  std::string out;
  write_json(out, tree, 0);
  out += '\n';
  return out;
}

std::string dump_yaml(const Json& tree) {
  std::string out;
  write_yaml(out, tree, 0);
  return out;
}

}  // namespace report_detail

std::string render_json(const Report& r) {
  // dump_json(report_to_json(r)), byte for byte, without building the events' tree: a
  // large run has hundreds of thousands of events; each is written as it is converted.
  std::string out;
  write_json(out, report_head_to_json(r), 0);  // "{\n  ...\n}"
  out.resize(out.size() - 2);                  // reopen the object after its last member
  out += ",\n  \"events\": ";
  if (r.events.empty()) {
    out += "[]";
  } else {
    out += "[\n";
    for (size_t i = 0; i < r.events.size(); ++i) {
      out += "    ";
      write_json(out, event_to_json(r.events[i]), 4);
      out += i + 1 < r.events.size() ? ",\n" : "\n";
    }
    out += "  ]";
  }
  out += ",\n  \"series\": ";
  write_json(out, series_to_json(r), 2);
  out += "\n}\n";
  return out;
}

std::string render_yaml(const Report& report) { return dump_yaml(report_to_json(report)); }

}  // namespace simcluster
