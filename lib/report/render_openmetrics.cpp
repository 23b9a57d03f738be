// -o openmetrics: one run's time series in the OpenMetrics text format
// (github.com/OpenObservability/OpenMetrics, specification/OpenMetrics.md), as
// `promtool tsdb create-blocks-from openmetrics` reads it to backfill Prometheus.
// What Prometheus' parser (model/textparse/openmetricsparse.go) insists on is
// kept here: the closing "# EOF", a UNIT that is the name's last "_" part, label
// values in UTF-8 with \\, \" and \n escaped, timestamps in seconds.
//
// Layout (docs/report.md): one MetricFamily per figure, in a fixed order; in a
// family one Metric per label set (workloads and Services in the report's
// order), each with its MetricPoints in increasing timestamp order. Every
// series carries scenario="<name>", so several runs can share one Prometheus.
#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <string>
#include <string_view>

#include "report/format_util.h"
#include "report/json_tree.h"
#include "simcluster/render.h"
#include "simcluster/time.h"

namespace simcluster {

using namespace report_detail;

namespace {

// Well-formed UTF-8 (Unicode 15, table 3-7) copied; every ill-formed byte
// becomes U+FFFD, since Prometheus rejects a label value that is not UTF-8.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    }
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const unsigned char lower = k == 1 ? lo : 0x80, upper = k == 1 ? hi : 0xBF;
      ok = b(i + k) >= lower && b(i + k) <= upper;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// A label value between double quotes: backslash, double quote and line feed
// escaped (the three escapes the format has).
std::string label_value(std::string_view v) {
  std::string out;
  for (char c : valid_utf8(v)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Seconds with milliseconds only when not whole: "1767225600", "1767225600.250".
std::string timestamp_text(int64_t unix_ms) {
  const int64_t s = unix_ms / 1000, ms = unix_ms % 1000;
  if (ms == 0) return fmt::format("{}", s);
  return fmt::format("{}.{:03}", s, ms);
}

// "+Inf", "-Inf", "NaN" as the format spells them; otherwise fixed decimals
// with trailing zeros removed.
std::string value_text(double v, int decimals) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return trimmed(v, decimals);
}

std::string int_text(int64_t v) { return fmt::format("{}", v); }

class Writer {
 public:
  Writer(const Report& r, int64_t start_ms)
      : r_(r), start_ms_(start_ms), scenario_(label_value(r.scenario)) {}

  // HELP text escapes backslash and line feed; ours is constant, escaped anyway.
  void family(std::string_view name, std::string_view type, std::string_view unit,
              std::string_view help) {
    out_ += fmt::format("# TYPE {} {}\n", name, type);
    if (!unit.empty()) out_ += fmt::format("# UNIT {} {}\n", name, unit);
    std::string h;
    for (char c : help)
      h += c == '\\' ? std::string("\\\\") : c == '\n' ? "\\n" : std::string(1, c);
    out_ += fmt::format("# HELP {} {}\n", name, h);
  }

  // {scenario="...",<extra>}; extra is already "name=\"escaped\"" pairs.
  std::string labels(const std::string& extra = {}) const {
    return "{scenario=\"" + scenario_ + "\"" + (extra.empty() ? "" : "," + extra) + "}";
  }

  void point(std::string_view name, const std::string& labels, SimTime t,
             const std::string& value) {
    out_ += name;
    out_ += labels;
    out_ += ' ';
    out_ += value;
    out_ += ' ';
    out_ += timestamp_text(start_ms_ + t.ms());
    out_ += '\n';
  }

  // One MetricPoint per sample.
  void series(std::string_view name, const std::string& labels,
              const std::function<std::string(const Sample&)>& value) {
    for (const Sample& s : r_.samples) point(name, labels, s.t, value(s));
  }

  std::string finish() {
    out_ += "# EOF\n";
    return std::move(out_);
  }

 private:
  const Report& r_;
  int64_t start_ms_;
  std::string scenario_;
  std::string out_;
};

WorkloadSample workload_at(const Sample& s, size_t i) {
  return i < s.workloads.size() ? s.workloads[i] : WorkloadSample{};
}

}  // namespace

std::string render_openmetrics(const Report& r, int64_t start_unix_ms) {
  Writer w(r, start_unix_ms);

  w.family("simcluster_users", "gauge", "", "Concurrent users the load model offered.");
  w.series("simcluster_users", w.labels(),
           [](const Sample& s) { return value_text(s.users, kJsonDecimals); });

  // Per Service.
  std::vector<std::string> service_labels;
  for (const auto& s : r.services) {
    service_labels.push_back(w.labels(
        fmt::format("namespace=\"{}\",service=\"{}\"", label_value(s.ns), label_value(s.name))));
  }
  w.family("simcluster_service_requests_per_second", "gauge", "",
           "Requests per second arriving at the Service (the load model's arrivals).");
  for (size_t i = 0; i < r.services.size(); ++i) {
    w.series("simcluster_service_requests_per_second", service_labels[i], [i](const Sample& s) {
      return i < s.rps.size() ? value_text(s.rps[i], kJsonDecimals) : "NaN";
    });
  }
  w.family("simcluster_service_latency_seconds", "gauge", "seconds",
           "Mean latency of the Service's requests; +Inf while it is saturated or has no Ready "
           "pod.");
  for (size_t i = 0; i < r.services.size(); ++i) {
    w.series("simcluster_service_latency_seconds", service_labels[i], [i](const Sample& s) {
      return i < s.latency_ms.size() ? value_text(s.latency_ms[i] / 1000.0, 6) : "NaN";
    });
  }

  // Per workload.
  std::vector<std::string> workload_labels;
  for (const auto& wl : r.workloads) {
    workload_labels.push_back(
        w.labels(fmt::format("namespace=\"{}\",kind=\"{}\",workload=\"{}\"", label_value(wl.ns),
                             label_value(wl.kind), label_value(wl.name))));
  }
  auto per_workload =
      [&](std::string_view name, std::string_view unit, std::string_view help,
          const std::function<std::string(const WorkloadSummary&, const WorkloadSample&)>& value) {
        w.family(name, "gauge", unit, help);
        for (size_t i = 0; i < r.workloads.size(); ++i) {
          const WorkloadSummary& wl = r.workloads[i];
          w.series(name, workload_labels[i],
                   [&value, &wl, i](const Sample& s) { return value(wl, workload_at(s, i)); });
        }
      };
  per_workload(
      "simcluster_workload_replicas", "", "Pods of the workload that exist (not terminating).",
      [](const WorkloadSummary&, const WorkloadSample& ws) { return int_text(ws.replicas); });
  per_workload("simcluster_workload_ready_replicas", "", "Ready pods of the workload.",
               [](const WorkloadSummary&, const WorkloadSample& ws) { return int_text(ws.ready); });
  per_workload(
      "simcluster_workload_desired_replicas", "",
      "spec.replicas of the workload (what its HPA asked for).",
      [](const WorkloadSummary&, const WorkloadSample& ws) { return int_text(ws.desired); });
  per_workload("simcluster_workload_cpu_requests_cores", "cores",
               "CPU requested by the workload's pods that exist (replicas x requests per pod).",
               [](const WorkloadSummary& wl, const WorkloadSample& ws) {
                 return value_text(
                     static_cast<double>(ws.replicas) * wl.requests_per_pod.cpu_milli / 1000.0, 3);
               });
  per_workload("simcluster_workload_cpu_usage_cores", "cores",
               "CPU used by the workload's Ready pods (utilization x requests per pod x Ready "
               "pods).",
               [](const WorkloadSummary& wl, const WorkloadSample& ws) {
                 return value_text(ws.cpu_utilization / 100.0 * ws.ready *
                                       static_cast<double>(wl.requests_per_pod.cpu_milli) / 1000.0,
                                   3);
               });
  per_workload("simcluster_workload_cpu_utilization_ratio", "ratio",
               "CPU used over CPU requested, averaged over Ready pods (the HPA's utilization, "
               "1 = 100%).",
               [](const WorkloadSummary&, const WorkloadSample& ws) {
                 return value_text(ws.cpu_utilization / 100.0, 5);
               });
  per_workload("simcluster_workload_memory_requests_bytes", "bytes",
               "Memory requested by the workload's pods that exist (replicas x requests per pod).",
               [](const WorkloadSummary& wl, const WorkloadSample& ws) {
                 return int_text(static_cast<int64_t>(ws.replicas) * wl.requests_per_pod.memory);
               });
  per_workload("simcluster_workload_memory_usage_bytes", "bytes",
               "Memory used by the workload's Ready pods (utilization x requests per pod x Ready "
               "pods).",
               [](const WorkloadSummary& wl, const WorkloadSample& ws) {
                 return value_text(ws.memory_utilization / 100.0 * ws.ready *
                                       static_cast<double>(wl.requests_per_pod.memory),
                                   0);
               });
  per_workload("simcluster_workload_memory_utilization_ratio", "ratio",
               "Memory used over memory requested, averaged over Ready pods (1 = 100%).",
               [](const WorkloadSummary&, const WorkloadSample& ws) {
                 return value_text(ws.memory_utilization / 100.0, 5);
               });

  // Cluster.
  const std::string cluster = w.labels();
  w.family("simcluster_pods", "gauge", "", "Pods that exist, Pending ones included.");
  w.series("simcluster_pods", cluster, [](const Sample& s) { return int_text(s.totals.pods); });
  w.family("simcluster_pods_ready", "gauge", "", "Ready pods of the report's workloads.");
  w.series("simcluster_pods_ready", cluster, [](const Sample& s) {
    int64_t ready = 0;
    for (const WorkloadSample& ws : s.workloads) ready += ws.ready;
    return int_text(ready);
  });
  w.family("simcluster_pods_pending", "gauge", "", "Pods waiting for a node (Pending).");
  w.series("simcluster_pods_pending", cluster,
           [](const Sample& s) { return int_text(s.pending_pods); });
  w.family("simcluster_cpu_requests_cores", "gauge", "cores",
           "CPU requested by the pods that exist, Pending ones included.");
  w.series("simcluster_cpu_requests_cores", cluster, [](const Sample& s) {
    return value_text(static_cast<double>(s.totals.cpu_requests_milli) / 1000.0, 3);
  });
  w.family("simcluster_memory_requests_bytes", "gauge", "bytes",
           "Memory requested by the pods that exist, Pending ones included.");
  w.series("simcluster_memory_requests_bytes", cluster,
           [](const Sample& s) { return int_text(s.totals.memory_requests); });
  w.family("simcluster_nodes_ready", "gauge", "", "Ready nodes of all pools together.");
  w.series("simcluster_nodes_ready", cluster, [](const Sample& s) { return int_text(s.nodes); });
  w.family("simcluster_node_pool_nodes_ready", "gauge", "",
           "Ready nodes of the pool (cluster.nodePools, a Karpenter offering, a dump's pool).");
  for (size_t i = 0; i < r.node_pools.size(); ++i) {
    const std::string l = w.labels(fmt::format(R"(pool="{}")", label_value(r.node_pools[i].pool)));
    w.series("simcluster_node_pool_nodes_ready", l, [i](const Sample& s) {
      return int_text(i < s.pool_nodes.size() ? s.pool_nodes[i] : 0);
    });
  }

  // Cost: the report has each pool's total, not its course, so the counter has
  // two points, 0 at the start and the total when the run ended.
  w.family("simcluster_node_pool_cost", "counter", "",
           "Accumulated cost of the pool's nodes (node-hours x price per hour, in the price's "
           "currency): 0 at the start and the pool's total when the run ended.");
  const SimTime end = r.simulated_until;
  for (const NodeSummary& p : r.node_pools) {
    const std::string l = w.labels(fmt::format("pool=\"{}\"", label_value(p.pool)));
    if (end.ms() > 0) w.point("simcluster_node_pool_cost_total", l, SimTime{}, "0");
    w.point("simcluster_node_pool_cost_total", l, end, value_text(p.cost, 6));
  }
  return w.finish();
}

// ---------------------------------------------------------------- RFC 3339

namespace {

void civil_from_days(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::optional<int64_t> parse_rfc3339_ms(std::string_view s) {
  size_t at = 0;
  auto digits = [&](size_t n, int64_t* v) {
    if (at + n > s.size()) return false;
    *v = 0;
    for (size_t k = 0; k < n; ++k) {
      const char c = s[at + k];
      if (c < '0' || c > '9') return false;
      *v = *v * 10 + (c - '0');
    }
    at += n;
    return true;
  };
  auto expect = [&](char a, char b = 0) {
    if (at < s.size() && (s[at] == a || (b != 0 && s[at] == b))) {
      ++at;
      return true;
    }
    return false;
  };
  int64_t y, mo, d, h, mi, sec;
  if (!digits(4, &y) || !expect('-') || !digits(2, &mo) || !expect('-') || !digits(2, &d) ||
      !expect('T', 't') || !digits(2, &h) || !expect(':') || !digits(2, &mi) || !expect(':') ||
      !digits(2, &sec)) {
    return std::nullopt;
  }
  int64_t ms = 0;
  if (expect('.')) {
    size_t n = 0;
    int64_t frac = 0;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      if (++n > 3) return std::nullopt;  // finer than milliseconds
      frac = frac * 10 + (s[at++] - '0');
    }
    if (n == 0) return std::nullopt;
    ms = frac * (n == 1 ? 100 : n == 2 ? 10 : 1);
  }
  int64_t offset_min = 0;
  if (!expect('Z', 'z')) {
    if (at >= s.size() || (s[at] != '+' && s[at] != '-')) return std::nullopt;
    const int64_t sign = s[at++] == '-' ? -1 : 1;
    int64_t oh, om;
    if (!digits(2, &oh) || !expect(':') || !digits(2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = sign * (oh * 60 + om);
  }
  if (at != s.size()) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1) return std::nullopt;
  if (d > kDays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0)) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;  // no leap seconds
  const int64_t seconds =
      days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
  if (seconds < 0) return std::nullopt;
  return seconds * 1000 + ms;
}

std::string format_rfc3339_ms(int64_t unix_ms) {
  const int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  const int64_t secs = (unix_ms - ms) / 1000;
  const int64_t sod = ((secs % 86400) + 86400) % 86400;
  int64_t y, m, d;
  civil_from_days((secs - sod) / 86400, &y, &m, &d);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, sod / 3600,
                                sod / 60 % 60, sod % 60);
  if (ms != 0) out += fmt::format(".{:03}", ms);
  return out + "Z";
}

}  // namespace simcluster
