// -o csv: the time series, one row per sample. Columns (docs/report.md):
//   t_s, users, then per workload W (W = namespace/name):
//   W replicas, W ready, W desired, W cpu_pct, W mem_pct,
//   then nodes, pending_pods, pods, cpu_requests_m, memory_requests_mi,
//   then per Service S: S latency_ms ("inf" when saturated or no Ready pod),
//   then per node pool P: P nodes (Ready nodes of the pool).
#include <fmt/format.h>

#include <cmath>

#include "report/format_util.h"
#include "report/json_tree.h"
#include "simcluster/render.h"

namespace simcluster {

using namespace report_detail;

namespace {

std::string csv_number(double v) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : (v < 0 ? "-inf" : "");
  return trimmed(v, kJsonDecimals);
}

}  // namespace

std::string render_csv(const Report& r) {
  std::vector<std::string> header = {"t_s", "users"};
  for (const auto& w : r.workloads) {
    std::string label = workload_label(w);
    for (const char* what : {"replicas", "ready", "desired", "cpu_pct", "mem_pct"}) {
      header.push_back(fmt::format("{} {}", label, what));
    }
  }
  for (const char* what :
       {"nodes", "pending_pods", "pods", "cpu_requests_m", "memory_requests_mi"}) {
    header.push_back(what);
  }
  for (const auto& s : r.services) header.push_back(fmt::format("{} latency_ms", service_label(s)));
  for (const auto& p : r.node_pools) header.push_back(fmt::format("{} nodes", p.pool));

  std::string out;
  auto emit = [&out](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';
      out += csv_field(cells[i]);
    }
    out += '\n';  // LF (RFC 4180 quoting, Unix line ends)
  };
  emit(header);
  std::vector<std::string> row;
  for (const auto& s : r.samples) {
    row.clear();
    row.push_back(time_seconds_text(s.t));
    row.push_back(csv_number(s.users));
    for (size_t i = 0; i < r.workloads.size(); ++i) {
      WorkloadSample ws = i < s.workloads.size() ? s.workloads[i] : WorkloadSample{};
      row.push_back(fmt::format("{}", ws.replicas));
      row.push_back(fmt::format("{}", ws.ready));
      row.push_back(fmt::format("{}", ws.desired));
      row.push_back(csv_number(ws.cpu_utilization));
      row.push_back(csv_number(ws.memory_utilization));
    }
    row.push_back(fmt::format("{}", s.nodes));
    row.push_back(fmt::format("{}", s.pending_pods));
    row.push_back(fmt::format("{}", s.totals.pods));
    row.push_back(fmt::format("{}", s.totals.cpu_requests_milli));
    row.push_back(csv_number(static_cast<double>(s.totals.memory_requests) / kMi));
    for (size_t i = 0; i < r.services.size(); ++i) {
      row.push_back(i < s.latency_ms.size() ? csv_number(s.latency_ms[i]) : "");
    }
    for (size_t i = 0; i < r.node_pools.size(); ++i) {
      row.push_back(fmt::format("{}", i < s.pool_nodes.size() ? s.pool_nodes[i] : 0));
    }
    emit(row);
  }
  return out;
}

}  // namespace simcluster
