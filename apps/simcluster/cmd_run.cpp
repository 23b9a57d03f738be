// `simcluster run SCENARIO...`: load each scenario and its manifests, simulate,
// and print the report (one scenario) or the side-by-side sizing table against
// the scenarios' claims (several). With --shard I/N, only the I-th of N slices
// of the scenarios, written as a partial result for `simcluster merge`
// (docs/sweeps.md). Exit codes: 0 ok, 1 input error (thrown as InputError and
// printed by main), 2 usage error.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "args.h"
#include "commands.h"
#include "progress.h"
#include "shard.h"
#include "simcluster/error.h"
#include "simcluster/plan.h"
#include "simcluster/render.h"
#include "simcluster/run_partial.h"
#include "simcluster/scenario.h"

namespace simcluster::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kRunHelp =
    R"(simcluster run - simulate scenarios and report what the cluster did

Usage:
  simcluster run SCENARIO... [-o text|wide|json|yaml|csv|html] [--out FILE]
                 [--seed N] [--duration D] [--set PATH=VALUE]... [-j N] [--quiet]
                 [--shard I/N]
  simcluster run SCENARIO -o openmetrics [--start TIME] [--out FILE] ...
  simcluster run SCENARIO --cluster-from DUMP ...

One scenario prints its report: replicas per workload, HPA decisions and how
long they took to get pods Ready, rollouts, pending pods and why, nodes and
cost, requests and limits, utilization, latency against the SLO, warnings.

Several scenarios (e.g. one per load level) print a sizing table side by side:
each workload's most pods in each run beside the figure the scenarios' claims
file states for that load, every difference flagged; the claimed minimum and
maximum totals against the ones computed from the manifests; and the
recommended cluster against what each run needed. With -j N they are
simulated N at a time; the output is the same for every N.

Flags:
  -o, --output FORMAT  text (default), wide (more columns, every event), json,
                       yaml, csv (the time series), html (one offline page)
                       or openmetrics (the time series for Prometheus: one
                       scenario; see docs/grafana/README.md)
      --start TIME     with -o openmetrics: the wall-clock instant (RFC 3339)
                       the simulated clock starts at; default
                       2026-01-01T00:00:00Z, so the output is deterministic
      --out FILE       write to FILE instead of stdout, atomically (a temporary
                       file, then rename); refused if FILE is an input file
      --seed N         override the scenario's random seed
      --duration D     override the simulated duration (30m, 2h, 1d)
      --set PATH=VALUE change one value of the scenario without editing it
                       (repeatable; every scenario given): PATH is dotted
                       keys with [N] list indices, VALUE is YAML; checked as
                       the file is, and listed in the report's header
      --cluster-from DUMP
                       start from a live cluster: DUMP (kubectl get nodes,
                       deployments,statefulsets,daemonsets,replicasets,pods,
                       hpa,pdb,services,ingresses,configmaps -A -o yaml)
                       replaces the scenario's manifests and node pools, and
                       the run starts with its pods on its nodes (the same as
                       manifests: [DUMP] with cluster: {fromManifests: true})
  -j, --jobs N         simulate N scenarios at once, on N threads (default 1,
                       at most 64); the output is byte for byte the same for
                       every N (in the order given, each with its own seed)
      --shard I/N      simulate only the I-th of N slices of the scenarios
                       (those at positions t with t % N == I, 0 <= I < N)
                       and write a partial result (JSON) instead of the
                       output; 'simcluster merge' combines the N partials
                       into exactly what the run without --shard prints
                       (docs/sweeps.md)
  -q, --quiet          no progress line on stderr; the line (simulations done
                       / total, percent, time left) is shown only when stderr
                       is a terminal
  -f FILE              a scenario (same as a positional SCENARIO)
  -                    read one scenario from stdin; its relative paths
                       resolve against the current directory
  -h, --help           show this help

Exit codes: 0 ok, 1 input error (file:line:col: message), 2 usage error.

Examples:
  simcluster run scenarios/peak.yaml
  simcluster run scenarios/peak.yaml -o wide --seed 7 --duration 30m
  simcluster run scenarios/peak.yaml --set cluster.nodePools[0].count=6 \
      --set load.users=5000 --set services.chat-service.concurrency=4
  simcluster run scenarios/baseline.yaml scenarios/high.yaml scenarios/peak.yaml
  simcluster run scenarios/day.yaml scenarios/day-autoscaled.yaml \
      scenarios/day-karpenter.yaml -j 3
  simcluster run scenarios/day.yaml -o html --out day.html
  simcluster run scenarios/rollout.yaml -o json | jq '.workloads[].rollout_seconds'
  simcluster run scenarios/peak.yaml -o csv --out peak.csv
  kubectl get nodes,deployments,statefulsets,daemonsets,replicasets,pods,hpa,pdb,\
services,ingresses,configmaps -A -o yaml > today.yaml
  simcluster run scenarios/peak.yaml --cluster-from today.yaml --set load.users=10000
  simcluster run scenarios/peak.yaml -o openmetrics --start 2026-03-02T09:00:00Z \
      --out peak.om && promtool tsdb create-blocks-from openmetrics peak.om data/
  simcluster run scenarios/baseline.yaml scenarios/high.yaml --shard 0/2 --out r0.json
  simcluster run scenarios/baseline.yaml scenarios/high.yaml --shard 1/2 --out r1.json
  simcluster merge r0.json r1.json -o html --out sizing.html
)";

struct RunOptions {
  std::vector<std::string> scenarios;
  ReportFormat format = ReportFormat::kText;
  std::optional<std::string> out;
  std::optional<uint64_t> seed;
  std::optional<SimDuration> duration;
  std::vector<ScenarioOverride> overrides;  // --set, in order
  bool quiet = false;
  std::optional<int64_t> start_ms;                 // --start, Unix milliseconds
  std::optional<std::string> cluster_from;         // --cluster-from DUMP
  int jobs = 1;                                    // -j N: scenarios simulated at once
  std::optional<std::pair<size_t, size_t>> shard;  // --shard I/N
  bool format_given = false;
  // The arguments that change the runs, canonical ("--set=..."): what a
  // partial records, and merge parses again.
  std::vector<std::string> result_args;
};

void check_output_flags(const RunOptions& o);

int64_t parse_start(const std::string& v) {
  std::optional<int64_t> ms = parse_rfc3339_ms(v);
  if (!ms) {
    throw UsageError{fmt::format(
        "--start '{}' is not an RFC 3339 time from 1970 on (e.g. 2026-01-01T00:00:00Z)", v)};
  }
  return *ms;
}

std::optional<uint64_t> parse_seed(const std::string& s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

RunOptions parse_args(const Args& args, bool* help) {
  RunOptions o;
  static const std::vector<std::string> kFlags = {
      "--output", "--out",  "--seed",         "--duration", "--set",  "--start",
      "--quiet",  "--help", "--cluster-from", "--jobs",     "--shard"};
  for (ArgCursor c(args); !c.done(); c.advance()) {
    const std::string& a = c.arg();
    if (a == "-h" || a == "--help") {
      *help = true;
      return o;
    }
    if (c.is("--output") || c.is_short('o')) {
      o.format =
          parse_output_format(c.value(c.is("--output") ? "--output" : "-o"),
                              {"text", "wide", "json", "yaml", "csv", "html", "openmetrics"});
      o.format_given = true;
    } else if (c.is("--out")) {
      o.out = c.value("--out");
      if (o.out->empty()) throw UsageError{"--out needs a file name"};
    } else if (c.is("--seed")) {
      std::string v = c.value("--seed");
      o.result_args.push_back("--seed=" + v);
      o.seed = parse_seed(v);
      if (!o.seed) throw UsageError{fmt::format("--seed '{}' is not a non-negative integer", v)};
    } else if (c.is("--duration")) {
      std::string v = c.value("--duration");
      o.result_args.push_back("--duration=" + v);
      o.duration = parse_duration(v);
      if (!o.duration || o.duration->count() <= 0) {
        throw UsageError{
            fmt::format("--duration '{}' is not a positive duration (e.g. 90s, 30m, 2h)", v)};
      }
    } else if (c.is("--set")) {
      const std::string v = c.value("--set");
      o.result_args.push_back("--set=" + v);
      o.overrides.push_back(parse_set_flag(v));
    } else if (c.is("--start")) {
      o.start_ms = parse_start(c.value("--start"));
    } else if (c.is("--cluster-from")) {
      o.cluster_from = c.value("--cluster-from");
      if (o.cluster_from->empty()) throw UsageError{"--cluster-from needs a dump file"};
      o.result_args.push_back("--cluster-from=" + *o.cluster_from);
    } else if (c.is("--jobs") || c.is_short('j')) {
      o.jobs = parse_jobs(c.value(c.is("--jobs") ? "--jobs" : "-j"));
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
  if (std::count(o.scenarios.begin(), o.scenarios.end(), "-") > 1) {
    throw UsageError{"stdin ('-') can be read only once"};
  }
  if (o.shard && o.format_given) {
    throw UsageError{
        "--shard writes a partial result (JSON); give -o to 'simcluster merge' instead"};
  }
  if (o.shard && std::find(o.scenarios.begin(), o.scenarios.end(), "-") != o.scenarios.end()) {
    throw UsageError{"--shard needs scenario files (merge reads them again), not stdin"};
  }
  check_output_flags(o);
  return o;
}

// -o openmetrics takes one scenario, --start goes with it: checked for run,
// and for merge with merge's -o and --start.
void check_output_flags(const RunOptions& o) {
  if (o.format == ReportFormat::kOpenMetrics && o.scenarios.size() > 1) {
    throw UsageError{fmt::format(
        "-o openmetrics takes one scenario, got {}: run each on its own (with --out FILE)",
        o.scenarios.size())};
  }
  if (o.start_ms && o.format != ReportFormat::kOpenMetrics) {
    throw UsageError{"--start applies to -o openmetrics only"};
  }
}

}  // namespace

Scenario read_scenario(const std::string& path, const std::vector<ScenarioOverride>& overrides) {
  if (path != "-") return load_scenario(path, overrides);
  constexpr size_t kMaxBytes = size_t{16} << 20;
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    text.append(buf, n);
    if (text.size() > kMaxBytes) {
      throw InputError(SourceLocation{"<stdin>", 0, 0}, "scenario on stdin is larger than 16 MiB");
    }
  }
  return parse_scenario(text, "<stdin>", fs::current_path().string(), overrides);
}

namespace {

// The scenarios of the command line, with --seed, --duration and
// --cluster-from applied.
std::vector<Scenario> load_scenarios(const RunOptions& opt) {
  std::vector<Scenario> scenarios;
  for (const auto& path : opt.scenarios) {
    Scenario sc = read_scenario(path, opt.overrides);
    if (opt.seed) sc.seed = *opt.seed;
    if (opt.duration) sc.duration = *opt.duration;
    if (opt.cluster_from) use_cluster_dump(sc, *opt.cluster_from);
    scenarios.push_back(std::move(sc));
  }
  return scenarios;
}

// Simulates scenarios[which[k]] into runs[k] on up to `jobs` threads.
std::vector<ScenarioRun> simulate(const std::vector<Scenario>& scenarios,
                                  const std::vector<size_t>& which, int jobs, bool quiet) {
  // Each scenario is simulated on its own (its own seed and world), so N
  // threads give the same runs; results are placed by index, never by
  // completion, and the error reported is the first in input order (work is
  // taken in order and stops at an error, so every earlier scenario is done).
  const bool show_progress = !quiet && ::isatty(STDERR_FILENO) == 1;
  std::vector<ScenarioRun> runs(which.size());
  std::vector<std::exception_ptr> errors(which.size());
  {
    SweepProgress bar("simulating", "simulations", which.size(), show_progress);
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    auto worker = [&] {
      while (!failed) {
        const size_t k = next++;  // once taken, a scenario is run
        if (k >= which.size()) break;
        std::function<void(SimTime, SimTime)> progress;
        if (bar.enabled()) {
          progress = [&bar, k](SimTime now, SimTime end) {
            bar.update(k, end.ms() > 0 ? static_cast<double>(now.ms()) / end.ms() : 1.0);
          };
        }
        try {
          runs[k] = run_scenario(scenarios[which[k]], progress,
                                 [&bar](const std::string& line) { bar.message(line); });
        } catch (...) {
          errors[k] = std::current_exception();
          failed = true;
        }
        bar.done(k);
      }
    };
    const size_t threads = std::min<size_t>(static_cast<size_t>(jobs), which.size());
    if (threads <= 1) {
      worker();
    } else {
      std::vector<std::thread> pool;
      for (size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
      for (std::thread& t : pool) t.join();
    }
  }
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return runs;
}

// What run prints for these runs of these scenarios (same order).
std::string render_runs(const RunOptions& opt, const std::vector<Scenario>& scenarios,
                        const std::vector<ScenarioRun>& runs) {
  std::vector<const Scenario*> scenario_ptrs;
  for (const auto& sc : scenarios) scenario_ptrs.push_back(&sc);
  std::string output;
  if (runs.size() == 1) {
    output =
        opt.format == ReportFormat::kOpenMetrics
            ? render_openmetrics(runs[0].report, opt.start_ms.value_or(kOpenMetricsDefaultStartMs))
            : render_report(runs[0].report, opt.format);
    // A single run with claims: the comparison follows the text report.
    bool text = opt.format == ReportFormat::kText || opt.format == ReportFormat::kWide;
    if (text && scenarios[0].claims) {
      output += '\n';
      output += render_sizing(sizing_input(scenario_ptrs, runs), ReportFormat::kText);
    }
  } else {
    output = render_sizing(sizing_input(scenario_ptrs, runs), opt.format);
  }
  return output;
}

}  // namespace

int cmd_run(const Args& args) {
  RunOptions opt;
  bool help = false;
  try {
    opt = parse_args(args, &help);
  } catch (const UsageError& e) {
    fmt::print(stderr, "simcluster run: {}\nRun 'simcluster run --help' for usage.\n", e.message);
    return 2;
  }
  if (help) {
    fmt::print("{}", kRunHelp);
    return 0;
  }

  const std::vector<Scenario> scenarios = load_scenarios(opt);
  const std::vector<std::string> inputs = input_files(scenarios);
  if (opt.out) check_output_path(*opt.out, inputs);  // before spending time simulating

  if (opt.shard) {
    // The tasks are the scenarios, round robin: shard I runs t % N == I.
    RunPartial partial;
    partial.version = simcluster_version();
    partial.digest = inputs_digest(opt.result_args, inputs);
    partial.args = opt.result_args;
    partial.shard = opt.shard->first;
    partial.shards = opt.shard->second;
    partial.tasks = scenarios.size();
    const std::vector<size_t> which =
        plan_shard_tasks(scenarios.size(), opt.shard->first, opt.shard->second);
    std::vector<ScenarioRun> runs = simulate(scenarios, which, opt.jobs, opt.quiet);
    for (size_t k = 0; k < which.size(); ++k)
      partial.results.emplace_back(which[k], std::move(runs[k]));
    return write_output("run", write_run_partial(partial), opt.out, inputs);
  }

  std::vector<size_t> all(scenarios.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const std::vector<ScenarioRun> runs = simulate(scenarios, all, opt.jobs, opt.quiet);
  return write_output("run", render_runs(opt, scenarios, runs), opt.out, inputs);
}

int merge_run_partials(const std::vector<std::pair<std::string, RunPartial>>& partials,
                       const std::optional<std::string>& format,
                       const std::optional<std::string>& start,
                       const std::optional<std::string>& out) {
  // The shards checked against each other (cmd_merge.cpp); now the inputs
  // here against the shards': the same run arguments, files and bytes.
  const std::string& first_file = partials.front().first;
  const RunPartial& first = partials.front().second;
  bool help = false;
  RunOptions opt;
  try {
    opt = parse_args(first.args, &help);
  } catch (const UsageError& e) {
    throw InputError(SourceLocation{first_file, 0, 0},
                     fmt::format("the partial's run arguments do not parse: {}", e.message),
                     "run the shards with this simcluster version");
  }
  try {
    if (format) {
      opt.format = parse_output_format(
          *format, {"text", "wide", "json", "yaml", "csv", "html", "openmetrics"});
    }
    if (start) opt.start_ms = parse_start(*start);
    check_output_flags(opt);
  } catch (const UsageError& e) {
    fmt::print(stderr, "simcluster merge: {}\nRun 'simcluster merge --help' for usage.\n",
               e.message);
    return 2;
  }
  const std::vector<Scenario> scenarios = load_scenarios(opt);
  const std::vector<std::string> inputs = input_files(scenarios);
  if (out) check_output_path(*out, inputs);
  check_inputs_here(first_file, first, opt.result_args, inputs);
  // Every task once (cmd_merge checked each shard holds its slice).
  std::vector<std::optional<ScenarioRun>> by_task(scenarios.size());
  for (const auto& [file, p] : partials) {
    for (const auto& [task, run] : p.results) {
      if (task >= by_task.size() || by_task[task]) {
        throw InputError(SourceLocation{file, 0, 0},
                         fmt::format("{} holds run {} of {} twice or out of range",
                                     shard_name(p.shard, p.shards, file), task, by_task.size()),
                         "run every shard again with the same inputs and simcluster");
      }
      by_task[task] = run;
    }
  }
  std::vector<ScenarioRun> runs;
  for (size_t t = 0; t < by_task.size(); ++t) {
    if (!by_task[t]) {
      throw InputError(SourceLocation{first_file, 0, 0},
                       fmt::format("no shard holds the run of {} (task {})", opt.scenarios[t], t),
                       "run every shard again with the same inputs and simcluster");
    }
    runs.push_back(std::move(*by_task[t]));
  }
  return write_output("merge", render_runs(opt, scenarios, runs), out, inputs);
}

}  // namespace simcluster::cli
