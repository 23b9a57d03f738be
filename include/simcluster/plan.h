// Capacity planning: `simcluster plan`. For each load level and each
// candidate node shape, the smallest node count whose simulated run fits
// (Report::verdict) and meets every requirement, verified by simulating that
// count and count - 1; then the cost table, the recommended cluster, the
// autoscaler settings that follow, and request right-sizing from the
// simulated usage.
//
// Contract:
//  * Every figure comes from simulations of the scenario: nothing is
//    extrapolated. A count is "enough" only when every requirement's run fits;
//    the plan runs count - 1 as well and names the constraint that fails there
//    (the binding constraint). A lower bound from requests over allocatable
//    (at the peak of a run on a cluster large enough for everything) starts
//    the search; it is never reported as an answer without its simulation.
//  * Requirements: slo (the run itself fits), n+1 (fits after the busiest
//    node is removed at the peak: most requested, as a share of allocatable),
//    zone (after the busiest zone is lost), rollout (a rolling update of every
//    Deployment, restarting its pods as `kubectl rollout restart` does, at the
//    peak completes and the run fits). Disruption runs give the cluster a
//    settle window after the event (kDisruptionSettle) before counting issues.
//  * Deterministic: the same scenarios and options give the same Plan for any
//    number of threads (candidates are independent; results are placed by
//    index, never by completion order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simcluster/nodes.h"
#include "simcluster/partial.h"
#include "simcluster/render.h"
#include "simcluster/report.h"
#include "simcluster/scenario.h"

namespace simcluster {

// kFullScaleOut ("max"): every HPA held at maxReplicas fits (no pod Pending
// for the grace); planned beside the claims' "N+ nodes for full scale-out".
enum class Requirement { kSlo, kNPlusOne, kZone, kRollout, kFullScaleOut };
std::string_view to_string(Requirement r);  // "slo", "n+1", "zone", "rollout", "max"
std::optional<Requirement> parse_requirement(std::string_view text);

// After a disruption (node or zone loss, rollout start) issues are counted
// only once the cluster had this long to recover; the run goes on for
// kDisruptionObserve after the event.
inline constexpr SimDuration kDisruptionSettle{5 * 60'000};
inline constexpr SimDuration kDisruptionObserve{20 * 60'000};

struct PlanOptions {
  // Candidate shapes: preset names. Empty: the scenario's plan.shapes, else
  // every preset with a list price plus the scenario's own pool shapes.
  std::vector<std::string> shapes;
  bool all_shapes = false;           // every preset, priced or not
  std::optional<int32_t> max_nodes;  // default: scenario plan.maxNodes, else 100
  std::vector<Requirement> require;  // empty: the scenario's plan.require, else slo, rollout, n+1
  int threads = 1;
  // When set, called with (0, total) before the first candidate search (one
  // level and one shape), then after each one finishes with the searches done
  // and their total; calls are serialized
  // (never two at once), from whichever thread finished. Display only: the
  // Plan does not depend on it.
  std::function<void(size_t done, size_t total)> progress;
  // Benchmarks: also find each answer by trying every count from 1 up
  // (PlanCandidate::linear_simulations), to compare with the search.
  bool linear_baseline = false;
};

// One requirement's run at one node count.
struct RequirementCheck {
  Requirement requirement = Requirement::kSlo;
  bool fits = false;
  std::string disrupted;         // "node pool-2", "zone us-east-1a", "12 Deployments"
  std::vector<FitIssue> issues;  // the verdict's issues (first few)
  ResourceTotals peak;           // requests at the peak (pending pods included)
  int32_t pending_max = 0;
};

// Request right-sizing from the simulated usage of the recommended run at the
// highest level (labelled in every output as resting on the load model).
struct RightSizing {
  std::string workload;  // "Deployment/ns/name"
  int32_t replicas = 0;  // most replicas in the run
  int64_t cpu_request_milli = 0, memory_request = 0;
  int64_t cpu_p90_milli = 0;          // p90 over samples of the mean usage per Ready pod
  int64_t memory_peak = 0;            // highest mean usage per Ready pod
  int64_t cpu_recommended_milli = 0;  // p90
  int64_t memory_recommended = 0;     // peak + 15 %
};

// One shape at one load level.
struct PlanCandidate {
  std::string shape;  // pool name in the plan: the preset name, or the scenario's pool name
  NodePool pool;      // the shape (count = the answer, or 0)
  std::optional<int32_t> nodes;  // the smallest count that met every requirement
  int32_t lower_bound = 0;       // from requests over allocatable
  std::optional<double> price_per_hour;
  std::optional<double> monthly_cost;  // nodes x price x 730 h
  double cpu_headroom_percent = 0;     // 100 - requests/allocatable at the peak (slo run)
  double memory_headroom_percent = 0;
  std::vector<RequirementCheck> at_count;  // the answer's runs, one per requirement
  // count - 1: the runs that fail there, and the binding constraint in words
  // ("cpu at the 10,000-user peak with one node down").
  std::vector<RequirementCheck> below;
  std::string binding;
  // Why no count up to max_nodes fits (when nodes is nullopt).
  std::string no_fit_reason;
  int32_t simulations = 0;
  int32_t linear_simulations = 0;                // with PlanOptions::linear_baseline
  std::map<std::string, int32_t> peak_replicas;  // "Kind/ns/name" -> most replicas (slo run)
  // HPAs held at maxReplicas (any run of this search): the most replicas their
  // metrics asked for, by workload.
  std::map<std::string, int32_t> hpa_wanted;
  std::vector<RightSizing> right_sizing;  // from the answer's slo run
  // The answer's nodes with every HPA held at maxReplicas: pods left Pending
  // after the settle window (0: the cluster holds the HPAs' maxima).
  std::optional<int32_t> pending_at_max_replicas;
  // With claims of a full scale-out (lowest level only): the nodes of this
  // shape that hold every HPA at maxReplicas, and what fails with one fewer.
  std::optional<int32_t> full_scale_out_nodes;
  std::string full_scale_out_binding;
};

struct HPASetting {
  std::string workload;
  int32_t max_replicas = 0;   // the manifests'
  int32_t peak_replicas = 0;  // the most the recommended run of the highest level that fits held
  std::optional<int32_t> wanted;  // what the metrics asked for when held at max
};

struct PlanLevel {
  std::string scenario;                   // the scenario's name
  std::string label;                      // "10,000 users" or the scenario's name
  double users = 0;                       // peak users
  std::vector<PlanCandidate> candidates;  // by monthly cost, then nodes, then shape
  std::optional<size_t> recommended;      // index of the cheapest that fits
};

struct Plan {
  std::vector<std::string> scenarios;  // files
  std::vector<std::string> overrides;  // --set PATH=VALUE as given (the first scenario's)
  std::vector<Requirement> require;
  int32_t max_nodes = 0;
  std::string start;  // "steady" or "cold"
  // A scenario had cluster.autoscaler: the plan ran fixed pools instead
  // (planning autoscaled and mixed pools is issue 10's follow-up).
  bool autoscaler_ignored = false;
  // The plan sizes one pool per candidate shape, with the scenario's first pool's zones, labels
  // and taints: the scenario's other pools are not kept ("name: 2 x m5.2xlarge, taints
  // dedicated=batch:NoSchedule"), so pods that need them cannot be placed.
  std::vector<std::string> pools_not_kept;
  SimDuration settle{0};
  std::vector<PlanLevel> levels;  // by users
  // Node group bounds for the recommended shape of the highest level: min =
  // its count at the lowest level, max = at the highest.
  std::optional<std::string> autoscaler_shape;
  std::optional<int32_t> autoscaler_min, autoscaler_max;
  std::vector<HPASetting> hpas;
  std::vector<RightSizing> right_sizing;
  std::string right_sizing_level;  // the level it comes from (the highest that fits)
  // Right-sizing's saving at the highest level: CPU and memory requests freed
  // over the peak replicas, and the nodes of the recommended shape they are.
  int64_t right_sizing_cpu_saved_milli = 0, right_sizing_memory_saved = 0;
  // The claims beside it (first scenario with claims).
  std::optional<ClusterSpec> claimed_cluster;
  std::optional<int32_t> claimed_full_scale_out_nodes;
  std::string claims_source;
  int32_t simulations = 0;
  int32_t linear_simulations = 0;
};

// Plans for these scenarios (each a load level, or several with plan.levels).
// Throws InputError for bad input (an unknown shape, `zone` without zones).
Plan make_plan(const std::vector<Scenario>& scenarios, const PlanOptions& options);

// text / wide (every requirement run), json, yaml, html (with a chart of
// cost against load level per shape).
std::string render_plan(const Plan& plan, ReportFormat format);

// Sharded plans (`plan --shard I/N`, `simcluster merge`; docs/sweeps.md).
// The plan's work is one search per (level, shape): a task, numbered level by
// level (levels by users, shapes in candidate order). The search is adaptive
// (galloping, then bisection, per shape), so a task is never split: shard I
// of N computes the tasks t with t % N == I, each completely, and
// merge_plan(all shards' results) == make_plan, field for field.
// The header (partial.h): the CLI fills version, digest and args.
struct PlanPartial : PartialHeader {
  // (task, its search), by task; the candidates' pools are not carried.
  std::vector<std::pair<size_t, PlanCandidate>> results;
};
// Bumped whenever the partial JSON changes: an internal format, not an API.
inline constexpr int kPlanPartialFormat = 1;

// The task numbers of shard `shard` of `shards` among `tasks`.
std::vector<size_t> plan_shard_tasks(size_t tasks, size_t shard, size_t shards);
// Runs shard's tasks (on options.threads threads). Throws InputError as
// make_plan, std::invalid_argument for shard >= shards.
PlanPartial make_plan_partial(const std::vector<Scenario>& scenarios, const PlanOptions& options,
                              size_t shard, size_t shards);
// The plan from every task's result: exactly make_plan(scenarios, options).
// Throws std::invalid_argument naming a task missing, given twice or unknown.
Plan merge_plan(const std::vector<Scenario>& scenarios, const PlanOptions& options,
                std::vector<std::pair<size_t, PlanCandidate>> results);
// The partial as JSON (internal, versioned by kPlanPartialFormat), and back;
// read_plan_partial throws InputError at `file` for anything else.
std::string write_plan_partial(const PlanPartial& partial);
PlanPartial read_plan_partial(std::string_view text, const std::string& file);

}  // namespace simcluster
