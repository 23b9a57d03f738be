// `simcluster plan SCENARIO...`: for each load level and candidate node shape,
// the smallest node count whose simulated run fits and meets every
// requirement, cheapest first (plan.h). Exit codes: 0 ok (also when no shape
// fits a level: that is an answer, printed with its reason), 1 input error,
// 2 usage error.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
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
                  [--out FILE] [-j N] [--set PATH=VALUE]...

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
  -q, --quiet          no progress line on stderr
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
)";

struct PlanArgs {
  std::vector<std::string> scenarios;
  PlanOptions options;
  ReportFormat format = ReportFormat::kText;
  std::optional<std::string> out;
  std::vector<ScenarioOverride> overrides;
  bool quiet = false;
};

struct UsageError {
  std::string message;
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
      "--shapes", "--max-nodes", "--require", "--output", "--out", "--jobs", "--quiet", "--help"};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& flag) -> std::string {
      if (a.size() > flag.size() && a.compare(0, flag.size() + 1, flag + "=") == 0) {
        return a.substr(flag.size() + 1);
      }
      if ((flag == "-o" || flag == "-j") && a.size() > 2 && a.compare(0, 2, flag) == 0) {
        return a.substr(2);
      }
      if (i + 1 >= args.size()) throw UsageError{fmt::format("{} needs a value", flag)};
      return args[++i];
    };
    auto is = [&](const std::string& flag) { return a == flag || a.rfind(flag + "=", 0) == 0; };
    if (a == "-h" || a == "--help") {
      *help = true;
      return o;
    }
    if (is("--output") || a == "-o" || (a.rfind("-o", 0) == 0 && a.size() > 2 && a[2] != '-')) {
      std::string v = is("--output") ? value("--output") : value("-o");
      auto f = parse_report_format(v);
      if (!f) {
        std::string hint = closest_match(v, {"text", "wide", "json", "yaml", "csv", "html"});
        throw UsageError{
            fmt::format("unknown output format '{}'{}; use text, wide, json, yaml, csv or html", v,
                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
      }
      if (*f == ReportFormat::kOpenMetrics) {
        throw UsageError{
            "a plan has no time series for -o openmetrics; use text, wide, json, "
            "yaml, csv or html (simcluster run -o openmetrics gives a run's)"};
      }
      o.format = *f;
    } else if (is("--out")) {
      o.out = value("--out");
      if (o.out->empty()) throw UsageError{"--out needs a file name"};
    } else if (is("--shapes")) {
      std::string v = value("--shapes");
      if (v == "all") {
        o.options.all_shapes = true;
      } else {
        for (std::string& s : split_list(v)) o.options.shapes.push_back(std::move(s));
        if (o.options.shapes.empty()) throw UsageError{"--shapes needs preset names or 'all'"};
      }
    } else if (is("--max-nodes")) {
      std::string v = value("--max-nodes");
      auto n = parse_positive(v);
      if (!n || *n > 10'000) {
        throw UsageError{fmt::format("--max-nodes '{}' is not a count from 1 to 10000", v)};
      }
      o.options.max_nodes = static_cast<int32_t>(*n);
    } else if (is("--require")) {
      for (const std::string& r : split_list(value("--require"))) {
        auto req = parse_requirement(r);
        if (!req) {
          std::string hint = closest_match(r, {"slo", "n+1", "zone", "rollout", "max"});
          throw UsageError{
              fmt::format("--require: unknown requirement '{}'{}; use slo, n+1, "
                          "zone, rollout or max",
                          r, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
        }
        o.options.require.push_back(*req);
      }
    } else if (is("--jobs") || a == "-j" || (a.rfind("-j", 0) == 0 && a.size() > 2)) {
      std::string v = is("--jobs") ? value("--jobs") : value("-j");
      auto n = parse_positive(v);
      if (!n || *n > 64) throw UsageError{fmt::format("-j '{}' is not a count from 1 to 64", v)};
      o.options.threads = static_cast<int>(*n);
    } else if (is("--set")) {
      std::string v = value("--set");
      auto ov = parse_override(v);
      if (!ov) {
        throw UsageError{
            fmt::format("--set '{}' is not PATH=VALUE (e.g. --set plan.maxNodes=20)", v)};
      }
      o.overrides.push_back(std::move(*ov));
    } else if (a == "-q" || a == "--quiet") {
      o.quiet = true;
    } else if (a == "-f" || a.rfind("-f=", 0) == 0 || a.rfind("--filename", 0) == 0) {
      o.scenarios.push_back(a.rfind("--filename", 0) == 0 ? value("--filename") : value("-f"));
    } else if (a == "-") {
      o.scenarios.push_back(a);
    } else if (!a.empty() && a[0] == '-') {
      std::string name = a.substr(0, a.find('='));
      std::string hint = closest_match(name, kFlags);
      throw UsageError{fmt::format("unknown flag '{}'{}", name,
                                   hint.empty() ? "" : fmt::format(", did you mean '{}'?", hint))};
    } else {
      o.scenarios.push_back(a);
    }
  }
  if (o.scenarios.empty()) throw UsageError{"no scenario given"};
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
  std::set<std::string> all_inputs;
  for (const Scenario& sc : scenarios) {
    for (auto& f : scenario_input_files(sc)) all_inputs.insert(std::move(f));
  }
  std::vector<std::string> inputs(all_inputs.begin(), all_inputs.end());
  if (opt.out) check_output_path(*opt.out, inputs);

  const bool show_progress = !opt.quiet && ::isatty(STDERR_FILENO) == 1;
  if (show_progress) {
    fmt::print(stderr, "planning: simulating candidate clusters...");
    std::fflush(stderr);
  }
  Plan plan = make_plan(scenarios, opt.options);
  if (show_progress) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  std::string output = render_plan(plan, opt.format);
  if (opt.out) {
    write_file_atomically(*opt.out, output, inputs);
  } else {
    std::fwrite(output.data(), 1, output.size(), stdout);
    std::fflush(stdout);
    if (std::ferror(stdout)) {
      fmt::print(stderr, "simcluster plan: error writing to stdout\n");
      return 1;
    }
  }
  return 0;
}

}  // namespace simcluster::cli
