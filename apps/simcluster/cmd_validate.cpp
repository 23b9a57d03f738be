// simcluster validate: load manifests, print the inventory, totals and
// problems. Exit code 0 without errors, 1 with errors (warnings do not fail),
// 2 for a usage error.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "simcluster/error.h"
#include "simcluster/manifests.h"

namespace simcluster::cli {
namespace {

constexpr const char* kValidateHelp =
    R"(simcluster validate - check Kubernetes manifests and size what they ask for

Usage:
  simcluster validate [-f] PATH... [-n NAMESPACE] [-o text|json]
                      [--feature-gates HPAScaleToZero=true]

Reads files, directories (recursively: *.yaml, *.yml, *.json) and '-' (stdin)
as kubectl apply -f would, then prints:
  * the objects per kind, and the documents skipped (RBAC, CRDs, Kustomization);
  * every workload with its replicas, HPA range and targets, and per-pod
    requests and limits;
  * total pods, CPU, memory and storage at the initial replica counts, at the
    HPA minimums and at the HPA maximums;
  * problems with file:line:col: what the API server would refuse (the same
    checks, and text, that 'simcluster run' refuses a scenario with: negative
    requests, requests above limits, HPA ranges and targets, ...), objects
    defined twice (the later is kept), HPAs whose target does not exist or whose
    metric has no request to compare with, Services selecting no pods,
    Ingress backends naming missing Services, containers without requests or
    limits, environment values naming Services that do not exist, ...

Flags:
  -f, --filename PATH   a file, directory or '-' (may repeat; plain PATHs work too)
  -n, --namespace NS    namespace for objects that name none (kubectl -n);
                        an object naming another namespace is an error
  -o, --output FORMAT   text (default) or json
      --feature-gates G apiserver feature gates to validate with, as
                        kube-apiserver takes them: HPAScaleToZero=true
                        (the scenario key featureGates sets them for run)
  -h, --help            this help

Exit status: 0 no errors, 1 errors found or unreadable input, 2 bad usage.

Examples:
  simcluster validate scenarios/my-saas-chat
  simcluster validate -f deploy.yaml -f hpa.yaml -o json
  kubectl get deploy,sts,svc,hpa -n shop -o yaml | simcluster validate -f -
)";

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    const size_t end = comma == std::string_view::npos ? s.size() : comma;
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

int usage_error(const std::string& message) {
  fmt::print(stderr, "simcluster validate: {}\nRun 'simcluster validate --help' for usage.\n",
             message);
  return 2;
}

}  // namespace

int cmd_validate(const Args& args) {
  std::vector<std::string> paths;
  LoadOptions options;
  std::string output = "text";
  FeatureGates gates;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool has_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (size_t eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_value = true;
      }
    }
    auto take = [&](const std::string& flag) -> std::optional<std::string> {
      if (has_value) return value;
      if (i + 1 >= args.size()) return std::nullopt;
      (void)flag;
      return args[++i];
    };
    if (arg == "-h" || arg == "--help") {
      fmt::print("{}", kValidateHelp);
      return 0;
    }
    if (arg == "-f" || arg == "--filename") {
      auto v = take(arg);
      if (!v) return usage_error(arg + " needs a PATH");
      paths.push_back(*v);
    } else if (arg == "-n" || arg == "--namespace") {
      auto v = take(arg);
      if (!v || v->empty()) return usage_error(arg + " needs a NAMESPACE");
      options.namespace_override = *v;
    } else if (arg == "--feature-gates") {
      auto v = take(arg);
      if (!v) return usage_error(arg + " needs GATE=true|false[,...]");
      // "HPAScaleToZero=true,Other=false": the only gate that changes
      // validation is known; kube-apiserver refuses unknown gates too.
      for (std::string_view item : split_commas(*v)) {
        const size_t eq = item.find('=');
        const std::string name(item.substr(0, eq));
        const std::string_view on = eq == std::string_view::npos ? "" : item.substr(eq + 1);
        if (name != "HPAScaleToZero") {
          std::string guess = closest_match(name, {"HPAScaleToZero"});
          return usage_error(
              fmt::format("unknown feature gate '{}'{} (known: HPAScaleToZero)", name,
                          guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)));
        }
        if (on != "true" && on != "false") {
          return usage_error(fmt::format("feature gate {} needs =true or =false", name));
        }
        gates.hpa_scale_to_zero = on == "true";
      }
    } else if (arg == "-o" || arg == "--output") {
      auto v = take(arg);
      if (!v) return usage_error(arg + " needs a FORMAT (text or json)");
      output = *v;
    } else if (arg.size() > 2 && arg[0] == '-' && arg[1] == 'o') {
      output = arg.substr(2);  // -ojson, as kubectl accepts
    } else if (arg != "-" && !arg.empty() && arg[0] == '-') {
      std::string guess = closest_match(arg, {"--filename", "--namespace", "--output",
                                              "--feature-gates", "--help", "-f", "-n", "-o"});
      return usage_error(
          fmt::format("unknown flag '{}'{}", arg,
                      guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)));
    } else {
      paths.push_back(arg);
    }
  }
  if (output != "text" && output != "json") {
    return usage_error(fmt::format("unknown output format '{}' (use text or json)", output));
  }
  if (paths.empty()) return usage_error("no PATH given (use '-f -' to read stdin)");

  const Manifests manifests = load_manifests(paths, options);
  const ValidationReport report = validate(manifests, gates);
  fmt::print("{}",
             output == "json" ? format_validation_json(report) : format_validation_text(report));
  return report.has_errors() ? 1 : 0;
}

}  // namespace simcluster::cli
