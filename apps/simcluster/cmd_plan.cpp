// `simcluster plan SCENARIO...`: for each load level and candidate node shape,
// the smallest node count whose simulated run fits and meets every
// requirement, cheapest first (plan.h). Exit codes: 0 ok (also when no shape
// fits a level: that is an answer, printed with its reason), 1 input error,
// 2 usage error.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "progress.h"
#include "shard.h"
#include "simcluster/error.h"
#include "simcluster/plan.h"
#include "simcluster/render.h"

namespace simcluster::cli {

namespace {

constexpr const char* kPlanHelp =
    R"(simcluster plan - find the cheapest cluster that fits each load level

Usage:
  simcluster plan SCENARIO... [--shapes PRESET,...|all] [--max-nodes N]
                  [--require slo,n+1,zone,rollout] [-o text|wide|json|yaml|csv|html]
                  [--out FILE] [-j N] [--set PATH=VALUE]... [--shard I/N]

For each load level (each scenario, or each of its plan.levels) and each
candidate node shape, simulates the cluster at increasing node counts and
reports the smallest count whose run fits: no pod Pending, no Service
saturated or over its SLO, no OOM kill, no HPA held at maxReplicas, CPU
throttling under the bound (the verdict of 'simcluster run'). The count is
verified by simulation, and count - 1 is simulated too: the constraint that
fails there is the binding constraint ("cpu at the 10,000 users peak with one
node down").

Requirements (default: slo, rollout, n+1, or the scenario's plan.require):
  slo       the run itself fits
  n+1       it still fits after the busiest node is removed at the peak
  zone      it still fits after the busiest zone is lost (pools need zones)
  rollout   a rolling update of every Deployment at the peak completes and fits
  max       every HPA held at maxReplicas fits (no pod Pending): full scale-out

Flags:
      --shapes LIST    candidate presets, comma separated, or 'all' (default:
                       the scenario's plan.shapes, else every preset with a
                       price plus the scenario's own pools)
      --max-nodes N    the largest node count tried (default: plan.maxNodes or 100)
      --require LIST   requirements, comma separated (repeatable)
  -o, --output FMT     text (default), wide, json, yaml, csv or html (with a
                       chart of cost against load level per shape)
      --out FILE       write to FILE atomically instead of stdout
  -j, --jobs N         simulate N candidates at once (default 1); the plan is
                       the same for every N
      --set PATH=VALUE what-if without editing the file (repeatable), checked
                       like the file: --set services.chat-service.concurrency=4
      --shard I/N      compute only the I-th of N slices of the candidates
                       (0 <= I < N) and write a partial result (JSON) instead
                       of the plan; 'simcluster merge' combines the N
                       partials into exactly the plan (docs/sweeps.md)
  -q, --quiet          no progress line on stderr; the line (candidate searches
                       done / total, time left) is shown only when stderr is
                       a terminal
  -f FILE              a scenario (same as a positional SCENARIO)
  -h, --help           show this help

Exit codes: 0 ok (a level no shape fits is reported, not an error), 1 input
error, 2 usage error.

Examples:
  simcluster plan scenarios/plan.yaml
  simcluster plan scenarios/plan.yaml --shapes e2-standard-4,m5.xlarge -j 2
  simcluster plan scenarios/high.yaml --require slo,n+1 --max-nodes 20 -o json
  simcluster plan scenarios/plan.yaml -o html --out plan.html
  simcluster plan scenarios/plan.yaml --set plan.levels=[20000] --max-nodes 80
  simcluster plan scenarios/plan.yaml --shard 0/2 --out p0.json
  simcluster plan scenarios/plan.yaml --shard 1/2 --out p1.json
  simcluster merge p0.json p1.json -o json
)";

struct PlanArgs {
  std::vector<std::string> scenarios;
  PlanOptions options;
  ReportFormat format = ReportFormat::kText;
  std::optional<std::string> out;
  std::vector<ScenarioOverride> overrides;
  bool quiet = false;
  std::optional<std::pair<size_t, size_t>> shard;  // --shard I/N
  bool format_given = false;
  // The arguments that change the plan, canonical ("--set=..."): what a
  // partial records, and merge parses again.
  std::vector<std::string> result_args;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string part = s.substr(start, comma - start);
    if (!part.empty()) out.push_back(part);
    start = comma + 1;
  }
  return out;
}

std::optional<int64_t> parse_positive(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}

PlanArgs parse_plan_args(const Args& args, bool* help) {
  PlanArgs o;
  static const std::vector<std::string> kFlags = {
      "--shapes", "--max-nodes", "--require", "--output", "--out",
      "--jobs",   "--set",       "--quiet",   "--help",   "--shard"};
  for (ArgCursor c(args); !c.done(); c.advance()) {
    const std::string& a = c.arg();
    if (a == "-h" || a == "--help") {
      *help = true;
      return o;
    }
    if (c.is("--output") || c.is_short('o')) {
      const std::string v = c.value(c.is("--output") ? "--output" : "-o");
      if (v == "openmetrics") {
        throw UsageError{
            "a plan has no time series for -o openmetrics; use text, wide, json, "
            "yaml, csv or html (simcluster run -o openmetrics gives a run's)"};
      }
      o.format = parse_output_format(v, {"text", "wide", "json", "yaml", "csv", "html"});
      o.format_given = true;
    } else if (c.is("--out")) {
      o.out = c.value("--out");
      if (o.out->empty()) throw UsageError{"--out needs a file name"};
    } else if (c.is("--shapes")) {
      std::string v = c.value("--shapes");
      o.result_args.push_back("--shapes=" + v);
      if (v == "all") {
        o.options.all_shapes = true;
      } else {
        for (std::string& s : split_list(v)) o.options.shapes.push_back(std::move(s));
        if (o.options.shapes.empty()) throw UsageError{"--shapes needs preset names or 'all'"};
      }
    } else if (c.is("--max-nodes")) {
      std::string v = c.value("--max-nodes");
      o.result_args.push_back("--max-nodes=" + v);
      auto n = parse_positive(v);
      if (!n || *n > 10'000) {
        throw UsageError{fmt::format("--max-nodes '{}' is not a count from 1 to 10000", v)};
      }
      o.options.max_nodes = static_cast<int32_t>(*n);
    } else if (c.is("--require")) {
      const std::string v = c.value("--require");
      o.result_args.push_back("--require=" + v);
      for (const std::string& r : split_list(v)) {
        auto req = parse_requirement(r);
        if (!req) {
          std::string hint = closest_match(r, {"slo", "n+1", "zone", "rollout", "max"});
          throw UsageError{fmt::format(
              "--require: unknown requirement '{}'{}; use slo, n+1, zone, rollout or max", r,
              hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
        }
        o.options.require.push_back(*req);
      }
    } else if (c.is("--jobs") || c.is_short('j')) {
      o.options.threads = parse_jobs(c.value(c.is("--jobs") ? "--jobs" : "-j"));
    } else if (c.is("--set")) {
      const std::string v = c.value("--set");
      o.result_args.push_back("--set=" + v);
      o.overrides.push_back(parse_set_flag(v));
    } else if (c.is("--shard")) {
      o.shard = parse_shard(c.value("--shard"));
    } else if (a == "-q" || a == "--quiet") {
      o.quiet = true;
    } else if (c.scenario(o.scenarios)) {
      o.result_args.push_back("--filename=" + o.scenarios.back());
    } else {
      throw unknown_flag(a, kFlags);
    }
  }
  if (o.scenarios.empty()) throw UsageError{"no scenario given"};
  if (o.shard && o.format_given) {
    throw UsageError{
        "--shard writes a partial result (JSON); give -o to 'simcluster merge' instead"};
  }
  if (o.shard && std::find(o.scenarios.begin(), o.scenarios.end(), "-") != o.scenarios.end()) {
    throw UsageError{"--shard needs scenario files (merge reads them again), not stdin"};
  }
  return o;
}

}  // namespace

int cmd_plan(const Args& args) {
  PlanArgs opt;
  bool help = false;
  try {
    opt = parse_plan_args(args, &help);
  } catch (const UsageError& e) {
    fmt::print(stderr, "simcluster plan: {}\nRun 'simcluster plan --help' for usage.\n", e.message);
    return 2;
  }
  if (help) {
    fmt::print("{}", kPlanHelp);
    return 0;
  }
  std::vector<Scenario> scenarios;
  for (const std::string& path : opt.scenarios) {
    scenarios.push_back(read_scenario(path, opt.overrides));
  }
  const std::vector<std::string> inputs = input_files(scenarios);
  if (opt.out) check_output_path(*opt.out, inputs);

  const bool show_progress = !opt.quiet && ::isatty(STDERR_FILENO) == 1;
  // One line: candidate searches (a level and a shape) done / total, time left.
  std::unique_ptr<SweepProgress> bar;
  if (show_progress) {
    opt.options.progress = [&bar](size_t done, size_t total) {
      if (!bar)
        bar = std::make_unique<SweepProgress>("planning", "candidate searches", total, true);
      if (done > 0) bar->done(done - 1);
    };
  }
  if (opt.shard) {
    PlanPartial partial =
        make_plan_partial(scenarios, opt.options, opt.shard->first, opt.shard->second);
    partial.version = simcluster_version();
    partial.digest = inputs_digest(opt.result_args, inputs);
    partial.args = opt.result_args;
    bar.reset();
    return write_output("plan", write_plan_partial(partial), opt.out, inputs);
  }
  Plan plan;
  {
    plan = make_plan(scenarios, opt.options);
    bar.reset();
  }
  std::string output = render_plan(plan, opt.format);
  return write_output("plan", output, opt.out, inputs);
}

int merge_plan_partials(const std::vector<std::pair<std::string, PlanPartial>>& partials,
                        const std::optional<std::string>& format,
                        const std::optional<std::string>& out) {
  // The shards checked against each other (cmd_merge.cpp); now the inputs
  // here against the shards': the same plan arguments, files and bytes.
  const std::string& first_file = partials.front().first;
  const PlanPartial& first = partials.front().second;
  bool help = false;
  PlanArgs opt;
  try {
    opt = parse_plan_args(first.args, &help);
    if (format) {
      opt.format = parse_output_format(*format, {"text", "wide", "json", "yaml", "csv", "html"});
    }
  } catch (const UsageError& e) {
    if (format) {
      fmt::print(stderr, "simcluster merge: {}\nRun 'simcluster merge --help' for usage.\n",
                 e.message);
      return 2;
    }
    throw InputError(SourceLocation{first_file, 0, 0},
                     fmt::format("the partial's plan arguments do not parse: {}", e.message),
                     "run the shards with this simcluster version");
  }
  std::vector<Scenario> scenarios;
  for (const std::string& path : opt.scenarios) {
    scenarios.push_back(read_scenario(path, opt.overrides));
  }
  const std::vector<std::string> inputs = input_files(scenarios);
  if (out) check_output_path(*out, inputs);
  check_inputs_here(first_file, first, opt.result_args, inputs);
  std::vector<std::pair<size_t, PlanCandidate>> results;
  for (const auto& [file, p] : partials) {
    for (const auto& r : p.results) results.push_back(r);
  }
  Plan plan;
  try {
    plan = merge_plan(scenarios, opt.options, std::move(results));
  } catch (const std::invalid_argument& e) {
    throw InputError(SourceLocation{first_file, 0, 0},
                     fmt::format("the partials do not make the plan: {}", e.what()),
                     "run every shard again with the same inputs and simcluster");
  }
  return write_output("merge", render_plan(plan, opt.format), out, inputs);
}

}  // namespace simcluster::cli
