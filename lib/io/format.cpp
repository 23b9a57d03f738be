// The validation report as text tables (kubectl get style) and as JSON.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "simcluster/manifests.h"

namespace simcluster {
namespace {

constexpr int64_t kKi = 1024, kMi = kKi * 1024, kGi = kMi * 1024;

// 3450 -> "3450m"; 0 -> "-".
std::string format_cpu(int64_t milli) {
  if (milli == 0) return "-";
  return fmt::format("{}m", milli);
}

// Bytes in the largest unit that holds them exactly, as kubectl prints
// quantities: 268435456 -> "256Mi", 2500000000 -> "2500M". `unit` is the
// largest binary unit tried ("Mi" for memory, "Gi" for storage).
std::string format_bytes(int64_t bytes, int64_t unit = kMi) {
  if (bytes == 0) return "-";
  if (unit >= kGi && bytes % kGi == 0) return fmt::format("{}Gi", bytes / kGi);
  if (bytes % kMi == 0) return fmt::format("{}Mi", bytes / kMi);
  if (bytes % 1'000'000 == 0) return fmt::format("{}M", bytes / 1'000'000);
  if (bytes % kKi == 0) return fmt::format("{}Ki", bytes / kKi);
  return fmt::format("{}", bytes);
}

// Left-aligned columns separated by three spaces; the last is not padded.
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 3, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string replicas_cell(const ValidatedWorkload& w) {
  if (w.kind == "DaemonSet") return "1/node";
  if (w.replicas_defaulted) return fmt::format("{} (default)", w.replicas);
  return std::to_string(w.replicas);
}

nlohmann::ordered_json resources_json(const Resources& r) {
  nlohmann::ordered_json j;
  j["cpu_milli"] = r.cpu_milli;
  j["memory_bytes"] = r.memory;
  j["ephemeral_storage_bytes"] = r.ephemeral_storage;
  nlohmann::ordered_json ext = nlohmann::ordered_json::object();
  for (const auto& [k, v] : r.extended) ext[k] = v;
  j["extended"] = ext;
  return j;
}

nlohmann::ordered_json totals_json(const ValidationTotals& t) {
  nlohmann::ordered_json j;
  j["pods"] = t.pods;
  j["cpu_requests_milli"] = t.cpu_requests_milli;
  j["cpu_limits_milli"] = t.cpu_limits_milli;
  j["memory_requests_bytes"] = t.memory_requests;
  j["memory_limits_bytes"] = t.memory_limits;
  j["storage_bytes"] = t.storage;
  return j;
}

nlohmann::ordered_json location_json(const SourceLocation& s) {
  nlohmann::ordered_json j;
  j["file"] = s.file;
  j["line"] = s.line;
  j["column"] = s.column;
  return j;
}

}  // namespace

std::string format_validation_text(const ValidationReport& r) {
  std::string out;
  int objects = 0;
  for (const auto& [kind, n] : r.object_counts) objects += n;
  out += fmt::format("Loaded {} object{} from {} file{}", objects, objects == 1 ? "" : "s",
                     r.files.size(), r.files.size() == 1 ? "" : "s");
  out += r.skipped.empty() ? ".\n" : fmt::format(" ({} skipped).\n", r.skipped.size());

  if (!r.object_counts.empty()) {
    std::vector<std::vector<std::string>> rows = {{"KIND", "COUNT"}};
    for (const auto& [kind, n] : r.object_counts) rows.push_back({kind, std::to_string(n)});
    out += "\n";
    out += table(rows);
  }

  if (!r.skipped.empty()) {
    out += "\nSKIPPED (not simulated)\n";
    std::vector<std::vector<std::string>> rows = {{"LOCATION", "KIND", "NAME", "REASON"}};
    for (const SkippedObject& s : r.skipped) {
      rows.push_back({s.source.to_string(), fmt::format("{} ({})", s.kind, s.api_version),
                      s.name.empty() ? "-" : s.name, s.reason});
    }
    out += table(rows);
  }

  if (!r.workloads.empty()) {
    out += "\nWORKLOADS (per pod: requests and limits)\n";
    std::vector<std::vector<std::string>> rows = {{"NAMESPACE", "KIND", "NAME", "REPLICAS", "HPA",
                                                   "TARGETS", "CPU REQ", "CPU LIM", "MEM REQ",
                                                   "MEM LIM", "STORAGE"}};
    for (const ValidatedWorkload& w : r.workloads) {
      std::string hpa = "-", targets = "-";
      if (w.hpa) {
        hpa = w.hpa->disabled ? "off (0 replicas)"
                              : fmt::format("{}-{}", w.hpa->min_replicas, w.hpa->max_replicas);
        targets = fmt::format("{}", fmt::join(w.hpa->targets, ", "));
      }
      rows.push_back({w.ns, w.kind, w.name, replicas_cell(w), hpa, targets,
                      format_cpu(w.requests.cpu_milli), format_cpu(w.limits.cpu_milli),
                      format_bytes(w.requests.memory), format_bytes(w.limits.memory),
                      format_bytes(w.storage_per_pod, kGi)});
    }
    out += table(rows);

    out += "\nTOTALS (replicas x per-pod amounts; DaemonSets, Jobs and CronJobs not included)\n";
    std::vector<std::vector<std::string>> trows = {
        {"SCALE", "PODS", "CPU REQ", "CPU LIM", "MEM REQ", "MEM LIM", "STORAGE"}};
    auto add = [&](const char* name, const ValidationTotals& t) {
      trows.push_back({name, std::to_string(t.pods), format_cpu(t.cpu_requests_milli),
                       format_cpu(t.cpu_limits_milli), format_bytes(t.memory_requests),
                       format_bytes(t.memory_limits), format_bytes(t.storage, kGi)});
    };
    add("initial (spec.replicas)", r.initial);
    add("minimum (HPA minReplicas)", r.minimum);
    add("maximum (HPA maxReplicas)", r.maximum);
    out += table(trows);
  }

  const int errors = r.count(Severity::kError);
  const int warnings = r.count(Severity::kWarning);
  const int infos = r.count(Severity::kInfo);
  if (!r.problems.empty()) {
    out += "\nPROBLEMS\n";
    std::vector<std::vector<std::string>> rows;
    for (const Problem& p : r.problems) {
      std::string msg = p.object.empty() ? p.message : fmt::format("{}: {}", p.object, p.message);
      rows.push_back({std::string(to_string(p.severity)), p.where.to_string(), msg});
    }
    // Hints go on their own line under the problem.
    std::string t = table(rows);
    size_t line_start = 0;
    for (const Problem& p : r.problems) {
      size_t line_end = t.find('\n', line_start);
      out += t.substr(line_start, line_end - line_start + 1);
      if (!p.hint.empty()) out += fmt::format("    hint: {}\n", p.hint);
      line_start = line_end + 1;
    }
  }
  out += fmt::format("\n{} error{}, {} warning{}, {} info{}\n", errors, errors == 1 ? "" : "s",
                     warnings, warnings == 1 ? "" : "s", infos, infos == 1 ? "" : "s");
  return out;
}

std::string format_validation_json(const ValidationReport& r) {
  using json = nlohmann::ordered_json;
  json j;
  j["files"] = r.files;
  json counts = json::object();
  for (const auto& [kind, n] : r.object_counts) counts[kind] = n;
  j["object_counts"] = counts;
  json skipped = json::array();
  for (const SkippedObject& s : r.skipped) {
    json o;
    o["api_version"] = s.api_version;
    o["kind"] = s.kind;
    o["name"] = s.name;
    o["reason"] = s.reason;
    o["location"] = location_json(s.source);
    skipped.push_back(o);
  }
  j["skipped"] = skipped;
  json workloads = json::array();
  for (const ValidatedWorkload& w : r.workloads) {
    json o;
    o["kind"] = w.kind;
    o["namespace"] = w.ns;
    o["name"] = w.name;
    o["location"] = location_json(w.source);
    o["replicas"] = w.replicas;
    o["replicas_defaulted"] = w.replicas_defaulted;
    o["min_replicas"] = w.min_replicas;
    o["max_replicas"] = w.max_replicas;
    o["in_totals"] = w.in_totals;
    if (w.hpa) {
      json h;
      h["name"] = w.hpa->name;
      h["min_replicas"] = w.hpa->min_replicas;
      h["max_replicas"] = w.hpa->max_replicas;
      h["targets"] = w.hpa->targets;
      h["disabled"] = w.hpa->disabled;
      o["hpa"] = h;
    } else {
      o["hpa"] = nullptr;
    }
    o["requests"] = resources_json(w.requests);
    o["limits"] = resources_json(w.limits);
    o["storage_per_pod_bytes"] = w.storage_per_pod;
    workloads.push_back(o);
  }
  j["workloads"] = workloads;
  json totals;
  totals["initial"] = totals_json(r.initial);
  totals["minimum"] = totals_json(r.minimum);
  totals["maximum"] = totals_json(r.maximum);
  j["totals"] = totals;
  json problems = json::array();
  for (const Problem& p : r.problems) {
    json o;
    o["severity"] = std::string(to_string(p.severity));
    o["code"] = p.code;
    o["object"] = p.object;
    o["message"] = p.message;
    o["hint"] = p.hint;
    o["location"] = location_json(p.where);
    problems.push_back(o);
  }
  j["problems"] = problems;
  json summary;
  summary["errors"] = r.count(Severity::kError);
  summary["warnings"] = r.count(Severity::kWarning);
  summary["infos"] = r.count(Severity::kInfo);
  j["summary"] = summary;
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace simcluster
