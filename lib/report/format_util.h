// Deterministic number and string formatting shared by the renderers, and a
// small aligned-column table for text output. Nothing here reads the locale:
// fmt's format specs without 'L' are locale-independent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/report.h"

namespace simcluster::report_detail {

inline constexpr int64_t kMi = 1024 * 1024;
inline constexpr int64_t kGi = 1024 * kMi;

// "2350m".
std::string cpu_text(int64_t milli);
// Memory in Mi: "2816Mi", "0.5Mi" when not a whole number of Mi (one decimal).
std::string memory_text(int64_t bytes);
// Storage: "15Gi" when whole Gi, "0" for none, otherwise as memory_text.
std::string storage_text(int64_t bytes);
// Fixed decimals with no negative zero: fixed(-0.04, 1) == "0.0".
std::string fixed(double value, int decimals);
// Fixed decimals with trailing zeros (and a trailing point) removed:
// trimmed(12.500, 3) == "12.5", trimmed(3.0, 3) == "3". Used for JSON/CSV.
std::string trimmed(double value, int decimals);
// "45.2%".
std::string percent_text(double value);
// "45.1ms"; "saturated" when not finite (no Ready pod or rho >= 1).
std::string latency_text(double ms);
// "5000" or "5000.5".
std::string users_text(double users);
// "1h30m" from seconds.
std::string seconds_text(int64_t seconds);
// Sample time as "t": seconds, with milliseconds only when not whole ("15", "15.250").
std::string time_seconds_text(SimTime t);

// Control characters (and DEL) replaced by '?', so input text cannot move the
// cursor or change colours of the terminal the text report is printed on.
std::string sanitize(std::string_view text);
std::string html_escape(std::string_view text);
// RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view text);

// Columns of text separated by two spaces, headers in capitals, kubectl-like.
class TextTable {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
  };
  // Text spanning `count` columns from `first`, printed above the headers
  // (one line per entry of `lines`), e.g. a scenario name over SIM/CLAIM/DIFF.
  struct Group {
    size_t first = 0, count = 1;
    std::vector<std::string> lines;
  };
  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}
  void add_row(std::vector<std::string> cells);
  void set_groups(std::vector<Group> groups) { groups_ = std::move(groups); }
  bool empty() const { return rows_.empty(); }
  // Lines end in '\n'; `indent` spaces before each.
  std::string render(int indent = 0) const;

 private:
  std::vector<Column> columns_;
  std::vector<Group> groups_;
  std::vector<std::vector<std::string>> rows_;
};

// "Deployment/production/chat-service".
std::string workload_id(const WorkloadSummary& w);
// "production/chat-service".
std::string workload_label(const WorkloadSummary& w);
std::string service_label(const ServiceSummary& s);

// Parses "cpu 70%" / "memory 80%" (HPASummary::targets) into the resource and
// the percent; false when the target is not a resource utilization.
bool parse_utilization_target(std::string_view target, std::string* resource, double* percent);

// A Service's mean and worst latency leave out its saturated samples; when it
// was saturated for the whole run there is no such figure (nullopt), whatever
// the Report's fields hold.
std::optional<double> mean_latency(const Report& r, const ServiceSummary& s);
std::optional<double> worst_latency(const Report& r, const ServiceSummary& s);
// "12.3ms", "saturated" (infinite), or "-" (none).
std::string latency_text(const std::optional<double>& ms);

// Most pods / Ready nodes seen at once over the samples.
int32_t max_pods(const Report& r);
int32_t max_nodes(const Report& r);
double peak_users(const Report& r);

}  // namespace simcluster::report_detail
