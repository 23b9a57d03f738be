// simcluster: the command-line front end. It only dispatches to a command and
// turns an InputError into "file:line:col: message" and exit code 1.
#include <fmt/format.h>

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "commands.h"
#include "simcluster/error.h"

namespace {

constexpr const char* kUsage = R"(simcluster - a Kubernetes cluster simulator and capacity planner

Usage:
  simcluster run [-f] SCENARIO... [-o text|wide|json|yaml|csv|html|openmetrics] [--out FILE]
                 [--seed N] [--duration D] [--set PATH=VALUE]... [--start TIME] [-q|--quiet]
                 [--cluster-from DUMP] [-j|--jobs N] [--shard I/N]
  simcluster plan [-f] SCENARIO... [--shapes PRESET,...|all] [--max-nodes N] [--require R,...]
                  [-o text|wide|json|yaml|csv|html] [--out FILE] [-j|--jobs N]
                  [--set PATH=VALUE]... [-q|--quiet] [--shard I/N]
  simcluster merge PARTIAL... [-o text|wide|json|yaml|csv|html|openmetrics] [--start TIME]
                   [--out FILE]
  simcluster validate [-f|--filename] PATH... [-n|--namespace NS] [-o text|json]
                      [--feature-gates HPAScaleToZero=true]
  simcluster calibrate SAMPLES.csv [--rate-column NAME] [--cpu-column NAME] [--service NAME]
  simcluster calibrate --rate RATE.json --cpu CPU.json [--rate-series SEL] [--cpu-series SEL]
                       [--service NAME]
  simcluster help | --help | --version

Commands:
  run        Simulate one or more scenarios and report pods, nodes, cost and risks.
  plan       Find the cheapest cluster (node shape and count) that fits each load level.
  merge      Combine the partial results of 'plan|run --shard I/N' into the plan or run.
  validate   Load Kubernetes manifests, print their inventory and the problems found.
  calibrate  Fit a service's CPU cost (baseline + per request) from measured samples.

Examples:
  simcluster run scenarios/peak.yaml
  simcluster run scenarios/baseline.yaml scenarios/high.yaml scenarios/peak.yaml
  simcluster run scenarios/day.yaml -o html --out day.html
  simcluster run scenarios/day.yaml scenarios/day-autoscaled.yaml scenarios/day-karpenter.yaml
  simcluster plan scenarios/plan.yaml
  simcluster validate scenarios/my-saas-chat
  kubectl get deploy,svc,hpa -o yaml | simcluster validate -f -
  simcluster calibrate --rate rate.json --cpu cpu.json --service chat-service

Run 'simcluster COMMAND --help' for a command's flags.
)";

}  // namespace

int main(int argc, char** argv) {
  using simcluster::cli::Args;
  if (argc < 2) {
    fmt::print(stderr, "{}", kUsage);
    return 2;
  }
  std::string command = argv[1];
  Args args(argv + 2, argv + argc);
  try {
    if (command == "help" || command == "--help" || command == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    }
    if (command == "--version" || command == "version") {
      fmt::print("simcluster 0.1.0\n");
      return 0;
    }
    if (command == "run") return simcluster::cli::cmd_run(args);
    if (command == "plan") return simcluster::cli::cmd_plan(args);
    if (command == "merge") return simcluster::cli::cmd_merge(args);
    if (command == "validate") return simcluster::cli::cmd_validate(args);
    if (command == "calibrate") return simcluster::cli::cmd_calibrate(args);
    std::string hint = simcluster::closest_match(
        command, {"run", "plan", "merge", "validate", "calibrate", "help"});
    fmt::print(stderr, "simcluster: unknown command '{}'{}\nRun 'simcluster --help' for usage.\n",
               command, hint.empty() ? "" : fmt::format(", did you mean '{}'?", hint));
    return 2;
  } catch (const simcluster::InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "simcluster: out of memory\n");
    return 3;
  } catch (const std::exception& e) {
    fmt::print(stderr, "simcluster: internal error: {}\n", e.what());
    return 3;
  }
}
