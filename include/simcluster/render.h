// Rendering: turns a Report (report.h) into text, JSON, YAML, CSV, HTML or
// OpenMetrics, and
// several Reports into a side-by-side sizing table checked against the figures
// a capacity plan claimed.
//
// Contract:
//  * Every renderer is a pure function of its arguments: no clock, no locale,
//    no environment. The same Report gives byte-identical output. Floating
//    point figures are printed with a fixed number of decimals ("45.2%",
//    "12.500" in JSON), never with the C locale's or the shortest form.
//  * Strings that come from the input (scenario, object and pool names, event
//    messages, warning text) are escaped for the target format: HTML entities
//    in HTML, JSON escapes in JSON and YAML, RFC 4180 quoting in CSV, control
//    characters replaced in text. The HTML report is one self-contained file:
//    no script, font, stylesheet or image is loaded from anywhere.
//  * The JSON layout is versioned ("version": 1 = kReportVersion) and is
//    documented in docs/report.md with a JSON Schema in docs/report.schema.json.
//  * write_file_atomically() never leaves a half-written file and refuses to
//    overwrite any of the inputs it is given.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/report.h"
#include "simcluster/resources.h"

namespace simcluster {

struct Scenario;          // scenario.h
struct Manifests;         // objects.h
struct SimulationConfig;  // simulator.h

// ---------------------------------------------------------------- one report

// kubectl-style output formats (-o). kWide is the text table with more columns.
// kOpenMetrics is the time series of one run for Prometheus (render_openmetrics).
enum class ReportFormat { kText, kWide, kJson, kYaml, kCsv, kHtml, kOpenMetrics };

// "text", "wide", "json", "yaml", "csv", "html", "openmetrics" (as kubectl,
// case-sensitive); nullopt for anything else.
std::optional<ReportFormat> parse_report_format(std::string_view name);
std::string_view report_format_name(ReportFormat format);

// A summary a platform engineer can act on: replicas per workload, HPA
// decisions and reaction times, rollouts, pending pods and their reasons, nodes,
// requests/limits totals, utilization, latency against the SLO, warnings.
// `wide` adds limits, storage and per-workload utilization columns and lists
// every event instead of the first few of each kind.
std::string render_text(const Report& report, bool wide = false);
// The whole report as JSON, "version": 1 (see docs/report.md). Ends in "\n".
std::string render_json(const Report& report);
// The same tree as render_json, as a YAML document.
std::string render_yaml(const Report& report);
// The time series: one row per sample (t, users, per workload replicas,
// ready, desired, cpu%, mem%, nodes, pending, requests, latency per service).
std::string render_csv(const Report& report);
// One self-contained HTML page with inline SVG charts and the summary tables.
std::string render_html(const Report& report);

// The wall-clock instant OpenMetrics timestamps start from when none is
// chosen (simcluster run --start): 2026-01-01T00:00:00Z, in Unix milliseconds.
// Fixed, so the output does not depend on when the run was made.
inline constexpr int64_t kOpenMetricsDefaultStartMs = 1'767'225'600'000;
// The time series in the OpenMetrics text format (docs/report.md), for
// `promtool tsdb create-blocks-from openmetrics`: one family per figure,
// "simcluster_" names in base units (seconds, bytes, cores), every sample
// with a timestamp in seconds = start_unix_ms + its simulated time, every
// series labelled scenario="<name>", ending with "# EOF\n".
std::string render_openmetrics(const Report& report,
                               int64_t start_unix_ms = kOpenMetricsDefaultStartMs);
// RFC 3339 date-time, "2026-01-01T00:00:00Z", "2026-03-01T09:30:00.250+01:00"
// (at most millisecond fractions), to Unix milliseconds; nullopt when
// malformed, not a real date or before 1970.
std::optional<int64_t> parse_rfc3339_ms(std::string_view text);
// Unix milliseconds as "2026-01-01T00:00:00Z" (".250" when not whole seconds).
std::string format_rfc3339_ms(int64_t unix_ms);

// Dispatches on format (kOpenMetrics from kOpenMetricsDefaultStartMs).
std::string render_report(const Report& report, ReportFormat format);

// ---------------------------------------------------------------- sizing

// What a capacity plan claimed for one load level, e.g. the seed report's
// "High Load (5,000 users): Auth 7 pods, Chat 15 pods, Billing 5 pods".
struct ClaimedLevel {
  std::string label;                    // "High Load"
  double users = 0;                     // 5000
  std::map<std::string, int32_t> pods;  // workload name (or ns/name) -> pods claimed
};

// A claimed total such as "Pods: 9, CPU: ~2,050m, Memory: ~2,304Mi".
struct ClaimedTotals {
  std::optional<int32_t> pods;
  std::optional<int64_t> cpu_milli;
  std::optional<int64_t> memory;   // bytes
  std::optional<int64_t> storage;  // bytes
};

// "3 nodes x 2 CPU x 4Gi RAM".
struct ClusterSpec {
  int32_t nodes = 0;
  int64_t cpu_milli_per_node = 0;
  int64_t memory_per_node = 0;  // bytes
};

// A workload's replica bounds as the manifests give them: the HPA's
// minReplicas/maxReplicas, or spec.replicas for both when no HPA scales it.
struct WorkloadBounds {
  std::string kind, ns, name;
  int32_t min_replicas = 0, max_replicas = 0;
  Resources requests_per_pod;
  Resources limits_per_pod;
  int64_t storage_per_pod = 0;  // bytes of PVCs per pod (volumeClaimTemplates)
};

// Sum over workloads of min (resp. max) replicas x per-pod requests/limits.
// Example (the seed's manifests): auth 2x250m + chat 3x300m + billing 2x250m
// + postgres 250m + redis 100m + jaeger 100m = 2350m CPU at the minimum;
// 10x250m + 20x300m + 8x250m + 450m = 10950m with 41 pods at the maximum.
struct ManifestTotals {
  ResourceTotals minimum, maximum;
};
ManifestTotals compute_manifest_totals(const std::vector<WorkloadBounds>& workloads);

// One run of the comparison: its report and the claim for its load level.
struct SizingRun {
  const Report* report = nullptr;  // not owned; must outlive the call
  std::optional<ClaimedLevel> claim;
};

struct SizingInput {
  std::vector<SizingRun> runs;  // columns, in the order given
  ClaimedTotals claimed_minimum, claimed_maximum;
  std::optional<ClusterSpec> recommended_cluster;
  std::optional<int32_t> claimed_full_scale_out_nodes;  // "10+ nodes for full scale-out"
  std::optional<ManifestTotals> computed;               // from the manifests
  std::string claims_source;  // where the claims come from, for the heading
};

// One workload's (or a total's) figure in one run.
struct SizingCell {
  // Replicas at the end of the run: settled at the run's load level, the
  // figure a claim "at N users: X pods" is compared with.
  int32_t simulated = 0;
  int32_t max = 0;                 // the most during the run: what the cluster had to hold
  std::optional<int32_t> claimed;  // the claim for this load level, if any
  std::optional<int32_t> difference() const {
    if (!claimed) return std::nullopt;
    return simulated - *claimed;
  }
};

struct SizingRow {
  std::string workload;           // "production/chat-service"
  std::string name;               // "chat-service"
  std::vector<SizingCell> cells;  // one per run; simulated 0 when absent from a run
};

// What one run needed, against the recommended cluster.
struct SizingColumn {
  std::string scenario, file;
  double peak_users = 0;
  std::string claim_label;  // "" when the run has no claim
  int32_t max_nodes = 0;    // most Ready nodes at once (all pools)
  // Fewest Ready nodes at a sample after the verdict's settle window (an autoscaled cluster's
  // floor; a Karpenter cluster starts with none), and node-hours over the run (all pools).
  int32_t min_nodes = 0;
  double node_hours = 0;
  int32_t max_pending = 0;
  int64_t pending_pod_seconds = 0;
  int32_t max_pods = 0;  // most pods at once
  ResourceTotals peak;   // the sample with the most CPU requested (pending pods included)
  // Nodes of the recommended shape needed to hold `peak` by requests alone
  // (a lower bound: ceil(cpu / node cpu) and ceil(memory / node memory)).
  int32_t nodes_needed = 0;
  // The run's verdict and cost on the cluster it simulated (Report::verdict).
  bool fits = true;
  std::string verdict_reason;  // the first issue, "" when it fits
  double cost = 0;
  // The run fits (verdict) and nodes_needed <= the recommended cluster's nodes.
  bool fits_recommended = true;
};

// A claimed figure beside the computed one ("Minimum CPU: 2050m vs 2350m").
struct TotalCheck {
  std::string what;  // "minimum pods", "minimum CPU", ...
  std::string unit;  // "", "m", "Mi"
  std::optional<int64_t> claimed;
  int64_t computed = 0;
};

struct SizingComparison {
  std::vector<SizingColumn> columns;
  std::vector<SizingRow> rows;  // workloads, sorted by namespace/name
  SizingRow claimed_subtotal;   // sum over the workloads each claim lists
  SizingRow total;              // every workload's peak, summed
  // "chat-service @5000 users: simulated 18, report says 15 (+3)", one per mismatch.
  std::vector<std::string> differences;
  std::vector<TotalCheck> totals;  // empty without computed totals
  std::optional<ClusterSpec> recommended_cluster;
  // Nodes of the recommended shape that every workload at its maximum needs
  // (by requests alone, a lower bound), and what the plan said.
  std::optional<int32_t> full_scale_out_nodes_needed;
  std::optional<int32_t> claimed_full_scale_out_nodes;
  std::string claims_source;
};

SizingComparison compare_sizing(const SizingInput& input);

// The side-by-side table. kText/kWide: aligned columns; kJson/kYaml: the
// comparison plus every run's full report; kCsv: one row per workload and run;
// kHtml: the table followed by each run's report on one page. kOpenMetrics is
// refused (InputError): its series are one run's, so each run is rendered alone.
std::string render_sizing(const SizingInput& input, ReportFormat format);

// ---------------------------------------------------------------- running

// One scenario simulated to its end.
struct ScenarioRun {
  Report report;
  // Totals computed from the manifests (workloads in the scenario's
  // namespaces), for the claims comparison; set when the scenario has claims.
  std::optional<ManifestTotals> computed;
};

// Loads the scenario's manifests, checks the scenario's references against
// them, builds the load model and the engine, and runs to the scenario's
// duration. `progress`, when set, is called after each simulated minute with
// (now, end). `warn`, when set, is given each scenario_capacity_warnings()
// line after the checks and before anything is simulated. Throws InputError
// for bad input.
ScenarioRun run_scenario(const Scenario& scenario,
                         const std::function<void(SimTime now, SimTime end)>& progress = {},
                         const std::function<void(const std::string& line)>& warn = {});

// start: steady. The replicas each HPA-scaled workload ("Kind/ns/name")
// settles at under the scenario's initial load (users at t = 0, load changes
// included): a 30-minute cold-start run at that load, without the timeline, on
// the scenario's pools grown until every workload at its maximum fits (so the
// answer does not depend on whether this cluster has room). Empty without HPAs.
std::map<std::string, int32_t> steady_replicas(const Scenario& scenario,
                                               const Manifests& manifests);
// The steady start in the engine: the workloads are created with the
// manifests' replicas at t = 0, as when they were deployed, and scaled to
// `replicas` at kSteadyStartAt (timeline scale events), so the pods that run
// in any case (StatefulSets, fixed-size Deployments, each workload's first
// replicas) queue for the scheduler before the scaled-out ones, as in a
// cluster that grew under its load. No metrics scrape falls in between
// (kSteadyStartAt, simulator.h; the first report sample is taken then too).
void add_steady_start(SimulationConfig& cfg, const std::map<std::string, int32_t>& replicas);

// Every file a run of `scenario` reads: the scenario file (unless "<stdin>"),
// the manifests (directories expanded to their files), the claims file and
// the users trace. Sorted, distinct.
std::vector<std::string> scenario_input_files(const Scenario& scenario);

// The sizing comparison of runs of these scenarios (same order). Each run is
// checked against its scenario's claims at level claimsLevel (or the run's
// peak users); the claimed totals, recommended cluster and computed totals
// come from the first scenario with claims. The result points into `runs`.
SizingInput sizing_input(const std::vector<const Scenario*>& scenarios,
                         const std::vector<ScenarioRun>& runs);

// ---------------------------------------------------------------- output

// Writes `content` to `path` so that readers see either the old file or the
// whole new one: a temporary file in the same directory, fsync, rename (then
// fsync of the directory). A replaced file keeps its permission bits; a new
// one gets 0666 less the umask. Throws InputError, without touching anything,
// when `path` resolves to one of `inputs` (same file after following links, or
// the same inode), is a directory, is a read-only file (no write bit, as
// `chmod a-w` leaves it, even for root) or one this user may not write, or
// cannot be written.
void write_file_atomically(const std::string& path, std::string_view content,
                           const std::vector<std::string>& inputs);

// The checks write_file_atomically() makes before writing, alone, so a
// command can refuse a bad --out before it spends time simulating.
void check_output_path(const std::string& path, const std::vector<std::string>& inputs);

}  // namespace simcluster
