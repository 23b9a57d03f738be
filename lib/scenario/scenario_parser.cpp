// The scenario file format (scenarios/README.md) -> Scenario (scenario.h).
// Every key is checked: unknown keys are errors with "did you mean", every
// value is typed and ranged, and every error names file:line:col.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <regex>

#include "scenario/csv.h"
#include "scenario/overrides.h"
#include "scenario/trace.h"
#include "scenario/yaml_reader.h"
#include "simcluster/scenario.h"

namespace simcluster {
namespace {

using scenario_internal::index_path;
using scenario_internal::join_path;
using scenario_internal::YamlReader;

constexpr size_t kMaxScenarioBytes = size_t{1} << 20;
constexpr size_t kMaxClaimsBytes = size_t{1} << 20;
constexpr SimDuration kMaxDuration{366LL * 86'400'000};
constexpr double kMaxUsers = 1e9;
constexpr size_t kMaxListEntries = 100'000;
constexpr SimDuration kZero{0};

class ScenarioParser {
 public:
  ScenarioParser(const std::string& file, std::string base_dir,
                 const std::vector<ScenarioOverride>& overrides)
      : r_(file), base_dir_(std::move(base_dir)), overrides_(overrides) {}

  Scenario parse(std::string_view text) {
    YAML::Node root = r_.parse(text);
    if (!root.IsMap()) {
      throw InputError(SourceLocation{r_.file(), 1, 1}, "a scenario must be a YAML mapping",
                       "see scenarios/README.md for the format and a full example");
    }
    for (const ScenarioOverride& o : overrides_) {
      scenario_internal::apply_override(root, o, r_);
      s_.overrides.push_back(fmt::format("{}={}", o.path, o.value));
    }
    r_.check_keys(root, "",
                  {"name",
                   "description",
                   "manifests",
                   "namespaces",
                   "duration",
                   "seed",
                   "sampleInterval",
                   "metricsResolution",
                   "cluster",
                   "scheduler",
                   "load",
                   "services",
                   "serviceDefaults",
                   "slo",
                   "timeline",
                   "kubelet",
                   "nodeLifecycle",
                   "hpa",
                   "featureGates",
                   "jobs",
                   "hpaMetrics",
                   "claims",
                   "claimsLevel",
                   "start",
                   "verdict",
                   "plan"});
    s_.file = r_.file();
    s_.dir = base_dir_;
    s_.source = r_.where(root);
    s_.name = root["name"].IsDefined() ? r_.string(root["name"], "name")
                                       : std::filesystem::path(r_.file()).stem().string();
    if (s_.name.empty()) r_.fail_at(root["name"], "name must not be empty");
    if (root["description"].IsDefined())
      s_.description = r_.string(root["description"], "description");
    if (root["duration"].IsDefined()) {
      s_.duration = r_.duration(root["duration"], "duration", SimDuration(1000), kMaxDuration);
    }
    if (root["seed"].IsDefined()) {
      s_.seed = static_cast<uint64_t>(r_.integer(root["seed"], "seed", 0, INT64_MAX));
    }
    if (root["sampleInterval"].IsDefined()) {
      s_.sample_interval =
          r_.duration(root["sampleInterval"], "sampleInterval", SimDuration(1000), s_.duration);
    }
    std::string hint;
    if (std::string why = too_many_samples(s_.duration, s_.sample_interval, &hint); !why.empty()) {
      r_.fail_at(root["sampleInterval"].IsDefined() ? root["sampleInterval"] : root["duration"],
                 why, hint);
    }
    if (root["metricsResolution"].IsDefined()) {
      s_.metrics_resolution = r_.duration(root["metricsResolution"], "metricsResolution",
                                          SimDuration(1000), SimDuration(600'000));
    }
    parse_manifests(r_.required(root, "manifests", ""));
    if (root["namespaces"].IsDefined()) s_.namespaces = strings(root["namespaces"], "namespaces");
    parse_cluster(r_.required(root, "cluster", ""));
    if (root["scheduler"].IsDefined()) parse_scheduler(root["scheduler"]);
    if (root["serviceDefaults"].IsDefined()) parse_defaults(root["serviceDefaults"]);
    if (root["services"].IsDefined()) parse_services(root["services"]);
    if (root["load"].IsDefined()) parse_load(root["load"]);
    s_.load.namespaces = s_.namespaces;
    if (root["slo"].IsDefined()) parse_slo(root["slo"]);
    if (root["timeline"].IsDefined()) parse_timeline(root["timeline"]);
    if (root["kubelet"].IsDefined()) parse_kubelet(root["kubelet"]);
    if (root["nodeLifecycle"].IsDefined()) parse_node_lifecycle(root["nodeLifecycle"]);
    if (root["hpa"].IsDefined()) parse_hpa(root["hpa"]);
    if (root["featureGates"].IsDefined()) parse_feature_gates(root["featureGates"]);
    if (root["jobs"].IsDefined()) parse_jobs(root["jobs"]);
    if (root["hpaMetrics"].IsDefined()) parse_hpa_metrics(root["hpaMetrics"]);
    if (root["start"].IsDefined()) {
      const std::string v = r_.string(root["start"], "start");
      if (v == "steady") {
        s_.start = StartMode::kSteady;
      } else if (v == "cold") {
        s_.start = StartMode::kCold;
      } else {
        std::string hint = closest_match(v, {"steady", "cold"});
        r_.fail_at(root["start"], fmt::format("start '{}' is not steady or cold", v),
                   hint.empty() ? "steady: from the replicas the initial load settles at; cold: "
                                  "from the manifests' replicas, all users at once"
                                : fmt::format("did you mean '{}'?", hint));
      }
    }
    if (root["start"].IsDefined() && s_.cluster_from_manifests) {
      r_.fail_at(root["start"], "start does not apply with cluster.fromManifests",
                 "a cluster dump is a running cluster: the run starts from its pods and "
                 "replicas; remove start");
    }
    if (root["verdict"].IsDefined()) parse_verdict(root["verdict"]);
    if (root["plan"].IsDefined()) parse_plan(root["plan"]);
    if (root["claims"].IsDefined()) parse_claims_ref(root["claims"]);
    if (root["claimsLevel"].IsDefined()) {
      const YAML::Node n = root["claimsLevel"];
      if (!s_.claims) r_.fail_at(n, "claimsLevel needs a claims file (claims: FILE)");
      s_.claims_level = r_.integer(n, "claimsLevel", 0, 1'000'000'000);
      if (s_.claims->at_level(*s_.claims_level) == nullptr) {
        std::vector<std::string> levels;
        for (const ScalingClaim& c : s_.claims->scaling) levels.push_back(std::to_string(c.users));
        r_.fail_at(n,
                   fmt::format("claimsLevel {}: {} makes no claim for that many users",
                               *s_.claims_level, s_.claims->file),
                   levels.empty() ? "the claims file has no scaling claims"
                                  : fmt::format("levels claimed: {}", fmt::join(levels, ", ")));
      }
    }
    return std::move(s_);
  }

 private:
  std::string resolve(const std::string& path) const {
    if (path == "-" || base_dir_.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (std::filesystem::path(base_dir_) / path).lexically_normal().string();
  }

  std::vector<std::string> strings(const YAML::Node& n, const std::string& path) const {
    if (n.IsScalar()) return {r_.string(n, path)};
    r_.require_sequence(n, path);
    std::vector<std::string> out;
    for (size_t i = 0; i < n.size(); ++i) {
      std::string v = r_.string(n[i], index_path(path, i));
      if (v.empty()) r_.fail_at(n[i], fmt::format("{} must not be empty", index_path(path, i)));
      out.push_back(std::move(v));
    }
    return out;
  }

  void check_size(const YAML::Node& n, const std::string& path) const {
    if (n.size() > kMaxListEntries) {
      r_.fail_at(n, fmt::format("{} has more than {} entries", path, kMaxListEntries));
    }
  }

  double users_value(const YAML::Node& n, const std::string& path) const {
    double v = r_.number(n, path, -kMaxUsers * 10, kMaxUsers);
    if (v < 0) r_.fail_at(n, fmt::format("{}: users cannot be negative, got {}", path, n.Scalar()));
    return v;
  }

  // ------------------------------------------------------------ manifests

  void parse_manifests(const YAML::Node& n) {
    std::vector<std::string> paths = strings(n, "manifests");
    if (paths.empty()) r_.fail_at(n, "manifests must name at least one file or directory");
    bool stdin_used = false;
    for (size_t i = 0; i < paths.size(); ++i) {
      const YAML::Node item = n.IsScalar() ? n : n[i];
      std::string resolved = resolve(paths[i]);
      if (resolved == "-") {
        if (stdin_used) r_.fail_at(item, "'-' (stdin) is listed twice");
        stdin_used = true;
      } else {
        std::error_code ec;
        if (!std::filesystem::exists(resolved, ec)) {
          r_.fail_at(item, fmt::format("manifest path '{}' does not exist", paths[i]),
                     fmt::format("it resolves to '{}'; paths are relative to the scenario file",
                                 resolved));
        }
      }
      s_.manifests.push_back(resolved);
      s_.manifest_sources.push_back(r_.where(item));
    }
  }

  // ------------------------------------------------------------ cluster

  void parse_cluster(const YAML::Node& n) {
    r_.check_keys(n, "cluster", {"nodePools", "autoscaler", "fromManifests"});
    if (n["fromManifests"].IsDefined()) {
      s_.cluster_from_manifests = r_.boolean(n["fromManifests"], "cluster.fromManifests");
    }
    if (s_.cluster_from_manifests) {
      // The pools are the manifests' Nodes' (inferred when the run builds the cluster).
      if (n["nodePools"].IsDefined()) {
        r_.fail_at(n["nodePools"], "cluster.nodePools and cluster.fromManifests exclude each other",
                   "the pools come from the manifests' Nodes: remove cluster.nodePools, or "
                   "fromManifests");
      }
      const YAML::Node autoscaler = n["autoscaler"];
      if (autoscaler.IsDefined() && autoscaler.IsMap() && autoscaler["kind"].IsDefined() &&
          autoscaler["kind"].IsScalar() && autoscaler["kind"].Scalar() == "karpenter") {
        r_.fail_at(autoscaler["kind"],
                   "cluster.fromManifests with kind: karpenter is not supported: the dump's "
                   "Nodes become fixed node groups, and Karpenter's NodePools would need "
                   "offerings of their own",
                   "use kind: cluster-autoscaler (it grows and shrinks the dump's pools), or "
                   "describe the cluster in cluster.nodePools");
      }
      if (autoscaler.IsDefined()) parse_autoscaler(autoscaler, "cluster.autoscaler");
      return;
    }
    const YAML::Node autoscaler = n["autoscaler"];
    // Karpenter launches its own nodes: static pools are optional beside it.
    const bool karpenter = autoscaler.IsDefined() && autoscaler.IsMap() &&
                           autoscaler["kind"].IsDefined() && autoscaler["kind"].IsScalar() &&
                           autoscaler["kind"].Scalar() == "karpenter";
    YAML::Node pools = n["nodePools"];
    if (!karpenter || pools.IsDefined()) {
      pools = r_.required(n, "nodePools", "cluster");
      r_.require_sequence(pools, "cluster.nodePools");
      if (pools.size() == 0 && !karpenter) {
        r_.fail_at(pools, "cluster.nodePools must list at least one pool");
      }
      check_size(pools, "cluster.nodePools");
    }
    const size_t num_pools = pools.IsDefined() ? pools.size() : 0;
    int64_t start_nodes = 0;
    for (size_t i = 0; i < num_pools; ++i) {
      NodePool pool = parse_pool(pools[i], index_path("cluster.nodePools", i));
      // The nodes every pool starts with are allocated before anything runs:
      // their sum has the cap of one pool (a run of 300,000 nodes took 1.3 GB).
      start_nodes += pool.count;
      if (start_nodes > kMaxNodesPerPool) {
        r_.fail_at(pools[i]["count"],
                   fmt::format("{}.count: the pools start with {} nodes with this one, more than "
                               "a run holds ({} nodes at the start, every pool together)",
                               index_path("cluster.nodePools", i), start_nodes, kMaxNodesPerPool),
                   "lower the pools' counts (an autoscaled pool may start small and grow to its "
                   "max), or simulate part of the cluster");
      }
      for (const NodePool& other : s_.node_pools) {
        if (other.name == pool.name) {
          r_.fail_at(pools[i]["name"], fmt::format("node pool '{}' is declared twice (first at "
                                                   "line {})",
                                                   pool.name, other.source.line));
        }
      }
      s_.node_pools.push_back(std::move(pool));
    }
    if (karpenter) {
      parse_karpenter(autoscaler, "cluster.autoscaler");
    } else if (autoscaler.IsDefined()) {
      parse_autoscaler(autoscaler, "cluster.autoscaler");
    }
    for (size_t i = 0; i < num_pools; ++i) {
      const NodePool& pool = s_.node_pools[i];
      if (pool.max && !s_.autoscaler.enabled) {
        r_.fail_at(pools[i]["max"],
                   fmt::format("node pool '{}' has autoscaling bounds but cluster.autoscaler is "
                               "not set",
                               pool.name),
                   "add cluster.autoscaler: {kind: cluster-autoscaler}, or remove min/max");
      }
    }
    if (s_.autoscaler.enabled &&
        std::none_of(s_.node_pools.begin(), s_.node_pools.end(),
                     [](const NodePool& p) { return p.max.has_value(); })) {
      r_.fail_at(autoscaler, "cluster.autoscaler is set but no node pool is autoscaled",
                 "give the pools it may resize a max (and a min): cluster.nodePools[].max");
    }
  }

  // cluster.autoscaler: {kind: karpenter, ...}: the batching windows (Karpenter's
  // BATCH_IDLE_DURATION / BATCH_MAX_DURATION settings) and NodePools as
  // kubernetes-sigs/karpenter pkg/apis/v1/nodepool.go describes them, with the instance types
  // taken from the preset catalogue (docs/instance-types.md).
  void parse_karpenter(const YAML::Node& n, const std::string& path) {
    r_.check_keys(n, path, {"kind", "batchIdleDuration", "batchMaxDuration", "nodePools"});
    KarpenterConfig& c = s_.karpenter;
    c.enabled = true;
    if (n["batchIdleDuration"].IsDefined()) {
      c.batch_idle_duration =
          r_.duration(n["batchIdleDuration"], join_path(path, "batchIdleDuration"), SimDuration{1},
                      SimDuration{3'600'000});
    }
    if (n["batchMaxDuration"].IsDefined()) {
      c.batch_max_duration = r_.duration(n["batchMaxDuration"], join_path(path, "batchMaxDuration"),
                                         SimDuration{1}, SimDuration{3'600'000});
    }
    if (c.batch_max_duration < c.batch_idle_duration) {
      r_.fail_at(n,
                 fmt::format("{}: batchMaxDuration ({}) is shorter than batchIdleDuration ({})",
                             path, format_duration(c.batch_max_duration),
                             format_duration(c.batch_idle_duration)),
                 "the batch closes after batchIdleDuration without a new pod, and at the latest "
                 "after batchMaxDuration");
    }
    const std::string pp = join_path(path, "nodePools");
    const YAML::Node pools = r_.required(n, "nodePools", path);
    r_.require_sequence(pools, pp);
    if (pools.size() == 0) r_.fail_at(pools, fmt::format("{} must list at least one NodePool", pp));
    check_size(pools, pp);
    for (size_t i = 0; i < pools.size(); ++i) {
      const YAML::Node p = pools[i];
      const std::string ip = index_path(pp, i);
      r_.check_keys(p, ip,
                    {"name", "instanceTypes", "capacityTypes", "spotPriceRatio", "weight", "limits",
                     "disruption", "labels", "zones", "region", "taints", "nodeProvisioning"});
      KarpenterNodePool np;
      np.name = r_.string(r_.required(p, "name", ip), join_path(ip, "name"));
      for (const KarpenterNodePool& other : c.node_pools) {
        if (other.name == np.name) {
          r_.fail_at(p["name"], fmt::format("Karpenter NodePool '{}' is declared twice", np.name));
        }
      }
      NodePool base;
      base.source = r_.where(p);
      parse_node_template(p, ip, base);
      std::vector<std::string> capacity_types = {"on-demand"};
      if (p["capacityTypes"].IsDefined()) {
        capacity_types = strings(p["capacityTypes"], join_path(ip, "capacityTypes"));
        if (capacity_types.empty()) {
          r_.fail_at(p["capacityTypes"], fmt::format("{}.capacityTypes is empty", ip),
                     "list on-demand, spot or both");
        }
        for (const std::string& ct : capacity_types) {
          if (ct != "on-demand" && ct != "spot") {
            r_.fail_at(p["capacityTypes"],
                       fmt::format("{}.capacityTypes: unknown capacity type '{}'", ip, ct),
                       "karpenter.sh/capacity-type is on-demand or spot");
          }
        }
      }
      const bool spot =
          std::find(capacity_types.begin(), capacity_types.end(), "spot") != capacity_types.end();
      double spot_ratio = 0;
      if (p["spotPriceRatio"].IsDefined()) {
        spot_ratio = r_.number(p["spotPriceRatio"], join_path(ip, "spotPriceRatio"), 0.01, 1.0);
      } else if (spot) {
        r_.fail_at(p["capacityTypes"],
                   fmt::format("{}: spot capacity needs spotPriceRatio (the spot price as a "
                               "fraction of on-demand)",
                               ip),
                   "spot prices move by the hour and the zone; state the one you plan with, e.g. "
                   "spotPriceRatio: 0.35");
      }
      if (p["weight"].IsDefined()) {
        np.weight = static_cast<int32_t>(r_.integer(p["weight"], join_path(ip, "weight"), 0, 100));
      }
      if (p["limits"].IsDefined()) {
        const YAML::Node l = p["limits"];
        const std::string lp = join_path(ip, "limits");
        r_.check_keys(l, lp, {"cpu", "memory"});
        if (l["cpu"].IsDefined()) np.limit_cpu_milli = r_.cpu_milli(l["cpu"], join_path(lp, "cpu"));
        if (l["memory"].IsDefined())
          np.limit_memory = r_.bytes(l["memory"], join_path(lp, "memory"));
      }
      if (p["disruption"].IsDefined()) {
        const YAML::Node d = p["disruption"];
        const std::string dp = join_path(ip, "disruption");
        r_.check_keys(d, dp, {"consolidationPolicy", "consolidateAfter", "budgets"});
        if (d["consolidationPolicy"].IsDefined()) {
          const std::string policy =
              r_.string(d["consolidationPolicy"], join_path(dp, "consolidationPolicy"));
          if (policy == "WhenEmpty") {
            np.consolidate_underutilized = false;
          } else if (policy != "WhenEmptyOrUnderutilized") {
            std::string guess = closest_match(policy, {"WhenEmpty", "WhenEmptyOrUnderutilized"});
            r_.fail_at(d["consolidationPolicy"],
                       fmt::format("unknown consolidationPolicy '{}'{}", policy,
                                   guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
                       "WhenEmpty or WhenEmptyOrUnderutilized");
          }
        }
        if (d["consolidateAfter"].IsDefined()) {
          np.consolidate_after =
              r_.duration(d["consolidateAfter"], join_path(dp, "consolidateAfter"), SimDuration{0},
                          kMaxDuration);
        }
        if (d["budgets"].IsDefined()) {
          const YAML::Node b = d["budgets"];
          const std::string bp = join_path(dp, "budgets");
          r_.require_sequence(b, bp);
          if (b.size() != 1) {
            r_.fail_at(b, fmt::format("{}: one budget is supported (nodes: \"N%\")", bp),
                       "schedules and reasons of budgets are not modelled");
          }
          r_.check_keys(b[0], index_path(bp, 0), {"nodes"});
          const YAML::Node nodes = r_.required(b[0], "nodes", index_path(bp, 0));
          std::string text = r_.string(nodes, join_path(index_path(bp, 0), "nodes"));
          if (text.empty() || text.back() != '%') {
            r_.fail_at(nodes, fmt::format("{}: budget nodes '{}' must be a percentage", bp, text),
                       "write nodes: \"10%\" (the default)");
          }
          text.pop_back();
          int32_t pct = -1;
          const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pct);
          if (ec != std::errc() || end != text.data() + text.size() || pct < 0 || pct > 100) {
            r_.fail_at(nodes, fmt::format("{}: budget nodes must be 0% to 100%", bp));
          }
          np.budget_nodes_percent = pct;
        }
      }
      const YAML::Node types = r_.required(p, "instanceTypes", ip);
      const std::string tp = join_path(ip, "instanceTypes");
      std::vector<std::string> names = strings(types, tp);
      if (names.empty()) r_.fail_at(types, fmt::format("{} is empty", tp));
      for (const std::string& type : names) {
        std::optional<MachineShape> shape = find_machine_shape(type);
        if (!shape) {
          std::string guess = closest_match(type, machine_shape_names());
          r_.fail_at(types,
                     fmt::format("unknown instance type '{}'{}", type,
                                 guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
                     "instance types come from the preset catalogue (docs/instance-types.md)");
        }
        if (!shape->price_micro_usd_per_hour) {
          r_.fail_at(types, fmt::format("instance type '{}' has no price", type),
                     "Karpenter chooses by price: use a priced preset (docs/instance-types.md)");
        }
        for (const std::string& ct : capacity_types) {
          NodePool pool = base;
          const bool is_spot = ct == "spot";
          pool.name = fmt::format("{}-{}{}", np.name, type, is_spot ? "-spot" : "");
          pool.count = 0;
          pool.shape = *shape;
          if (is_spot) {
            pool.shape.price_micro_usd_per_hour = static_cast<int64_t>(
                std::llround(static_cast<double>(*shape->price_micro_usd_per_hour) * spot_ratio));
          }
          pool.labels["karpenter.sh/nodepool"] = np.name;
          pool.labels["karpenter.sh/capacity-type"] = ct;
          for (const NodePool& other : s_.node_pools) {
            if (other.name == pool.name) {
              r_.fail_at(p["name"],
                         fmt::format("Karpenter NodePool '{}' launches nodes named "
                                     "'{}-...', which a node pool already uses",
                                     np.name, pool.name),
                         "rename the NodePool or the node pool");
            }
          }
          np.offerings.push_back(KarpenterOffering{s_.node_pools.size(), type, is_spot});
          s_.node_pools.push_back(std::move(pool));
        }
      }
      c.node_pools.push_back(std::move(np));
    }
  }

  // cluster.autoscaler: {kind: cluster-autoscaler, ...} with the flags of
  // kubernetes/autoscaler cluster-autoscaler/config/flags/flags.go, camelCased.
  void parse_autoscaler(const YAML::Node& n, const std::string& path) {
    r_.check_keys(
        n, path,
        {"kind", "scanInterval", "scaleDownUnneededTime", "scaleDownDelayAfterAdd",
         "scaleDownUtilizationThreshold", "scaleDownEnabled", "maxNodesTotal", "expander",
         "priorities", "maxNodeProvisionTime", "newPodScaleUpDelay", "skipNodesWithLocalStorage",
         "skipNodesWithSystemPods", "balanceSimilarNodeGroups"});
    ClusterAutoscalerConfig& c = s_.autoscaler;
    const YAML::Node kind = r_.required(n, "kind", path);
    const std::string k = r_.string(kind, join_path(path, "kind"));
    if (k != "cluster-autoscaler") {
      std::string guess = closest_match(k, {"cluster-autoscaler", "karpenter"});
      r_.fail_at(kind,
                 fmt::format("unknown autoscaler kind '{}'{}", k,
                             guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
                 "write kind: cluster-autoscaler or kind: karpenter");
    }
    c.enabled = true;
    auto dur = [&](const char* key, SimDuration& out, SimDuration min) {
      if (n[key].IsDefined()) out = r_.duration(n[key], join_path(path, key), min, kMaxDuration);
    };
    dur("scanInterval", c.scan_interval, SimDuration{1'000});
    dur("scaleDownUnneededTime", c.scale_down_unneeded_time, SimDuration{0});
    dur("scaleDownDelayAfterAdd", c.scale_down_delay_after_add, SimDuration{0});
    dur("maxNodeProvisionTime", c.max_node_provision_time, SimDuration{1'000});
    dur("newPodScaleUpDelay", c.new_pod_scale_up_delay, SimDuration{0});
    if (n["scaleDownUtilizationThreshold"].IsDefined()) {
      c.scale_down_utilization_threshold =
          r_.number(n["scaleDownUtilizationThreshold"],
                    join_path(path, "scaleDownUtilizationThreshold"), 0.0, 1.0);
    }
    if (n["maxNodesTotal"].IsDefined()) {
      c.max_nodes_total = static_cast<int32_t>(r_.integer(
          n["maxNodesTotal"], join_path(path, "maxNodesTotal"), 0, kMaxNodesPerPool * 100));
    }
    auto flag = [&](const char* key, bool& out) {
      if (n[key].IsDefined()) out = r_.boolean(n[key], join_path(path, key));
    };
    flag("scaleDownEnabled", c.scale_down_enabled);
    flag("skipNodesWithLocalStorage", c.skip_nodes_with_local_storage);
    flag("skipNodesWithSystemPods", c.skip_nodes_with_system_pods);
    flag("balanceSimilarNodeGroups", c.balance_similar_node_groups);
    if (n["expander"].IsDefined()) {
      const YAML::Node e = n["expander"];
      const std::string text = r_.string(e, join_path(path, "expander"));
      c.expander.chain.clear();
      const std::vector<std::string> names = {"random",      "most-pods", "least-nodes",
                                              "least-waste", "price",     "priority"};
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        const std::string name = text.substr(start, comma - start);
        std::optional<ExpanderKind> kind_of = parse_expander(name);
        if (!kind_of) {
          std::string guess = closest_match(name, names);
          r_.fail_at(
              e,
              fmt::format("unknown expander '{}'{}", name,
                          guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
              fmt::format("expanders: {} (a comma-separated chain)", fmt::join(names, ", ")));
        }
        c.expander.chain.push_back(*kind_of);
        start = comma + 1;
      }
    }
    if (n["priorities"].IsDefined()) {
      const YAML::Node pr = n["priorities"];
      const std::string pp = join_path(path, "priorities");
      r_.require_map(pr, pp);
      for (auto it = pr.begin(); it != pr.end(); ++it) {
        const int32_t prio = static_cast<int32_t>(r_.integer(it->first, pp, -1'000'000, 1'000'000));
        const std::string ip = join_path(pp, std::to_string(prio));
        for (const std::string& re : strings(it->second, ip)) {
          try {
            std::regex compiled(re);
          } catch (const std::regex_error&) {
            r_.fail_at(it->second,
                       fmt::format("{}: '{}' is not a valid regular expression", ip, re));
          }
          c.expander.priorities[prio].push_back(re);
        }
      }
    }
    const bool uses_priority = std::find(c.expander.chain.begin(), c.expander.chain.end(),
                                         ExpanderKind::kPriority) != c.expander.chain.end();
    if (uses_priority && c.expander.priorities.empty()) {
      r_.fail_at(n, fmt::format("{}: the priority expander needs priorities", path),
                 "add priorities: {10: [\"^spot-.*\"], 1: [\".*\"]} (priority -> pool name "
                 "regexes; higher wins)");
    }
  }

  ReservationPolicy policy(const YAML::Node& n, const std::string& path) const {
    std::string v = r_.string(n, path);
    if (v == "gke") return ReservationPolicy::kGke;
    if (v == "eks") return ReservationPolicy::kEks;
    if (v == "aks") return ReservationPolicy::kAks;
    if (v == "none") return ReservationPolicy::kNone;
    std::string guess = closest_match(v, {"gke", "eks", "aks", "none"});
    r_.fail_at(n,
               fmt::format("{}: unknown reservation policy '{}'{}", path, v,
                           guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
               "write gke, eks, aks, none, or a mapping {cpu: 100m, memory: 512Mi}");
  }

  // The keys a static pool and a Karpenter NodePool share: labels, zones, region, taints,
  // nodeProvisioning.
  void parse_node_template(const YAML::Node& n, const std::string& path, NodePool& pool) {
    if (n["labels"].IsDefined()) {
      const YAML::Node l = n["labels"];
      const std::string lp = join_path(path, "labels");
      r_.require_map(l, lp);
      for (auto it = l.begin(); it != l.end(); ++it) {
        std::string key = r_.string(it->first, lp);
        pool.labels[key] = r_.string(it->second, join_path(lp, key));
      }
    }
    if (n["zones"].IsDefined()) pool.zones = strings(n["zones"], join_path(path, "zones"));
    if (n["region"].IsDefined()) pool.region = r_.string(n["region"], join_path(path, "region"));
    if (n["taints"].IsDefined()) {
      const YAML::Node t = n["taints"];
      const std::string tp = join_path(path, "taints");
      r_.require_sequence(t, tp);
      for (size_t i = 0; i < t.size(); ++i) {
        const std::string ip = index_path(tp, i);
        r_.check_keys(t[i], ip, {"key", "value", "effect"});
        Taint taint;
        taint.key = r_.string(r_.required(t[i], "key", ip), join_path(ip, "key"));
        if (t[i]["value"].IsDefined())
          taint.value = r_.string(t[i]["value"], join_path(ip, "value"));
        const YAML::Node e = r_.required(t[i], "effect", ip);
        taint.effect = r_.string(e, join_path(ip, "effect"));
        if (taint.effect != "NoSchedule" && taint.effect != "PreferNoSchedule" &&
            taint.effect != "NoExecute") {
          std::string guess =
              closest_match(taint.effect, {"NoSchedule", "PreferNoSchedule", "NoExecute"});
          r_.fail_at(e,
                     fmt::format("unknown taint effect '{}'{}", taint.effect,
                                 guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)));
        }
        pool.taints.push_back(std::move(taint));
      }
    }
    if (n["nodeProvisioning"].IsDefined()) {
      pool.provisioning = r_.duration(n["nodeProvisioning"], join_path(path, "nodeProvisioning"),
                                      SimDuration{0}, SimDuration{86'400'000});
    }
  }

  NodePool parse_pool(const YAML::Node& n, const std::string& path, bool needs_count = true) {
    r_.check_keys(
        n, path,
        {"name", "count", "preset", "cpu", "memory", "pods", "ephemeralStorage", "reserved",
         "labels", "zones", "region", "taints", "pricePerHour", "min", "max", "nodeProvisioning"});
    NodePool pool;
    pool.source = r_.where(n);
    pool.name = r_.string(r_.required(n, "name", path), join_path(path, "name"));
    if (needs_count || n["count"].IsDefined()) {
      pool.count = static_cast<int32_t>(
          r_.integer(r_.required(n, "count", path), join_path(path, "count"), 0, kMaxNodesPerPool));
    }
    const bool custom = n["cpu"].IsDefined() || n["memory"].IsDefined();
    Resources capacity;
    std::string shape_name;
    std::optional<int64_t> price;
    if (n["preset"].IsDefined()) {
      const YAML::Node p = n["preset"];
      if (custom) r_.fail_at(p, fmt::format("{}: give a preset or cpu/memory, not both", path));
      shape_name = r_.string(p, join_path(path, "preset"));
      std::optional<MachineShape> shape = find_machine_shape(shape_name);
      if (!shape) {
        std::string guess = closest_match(shape_name, machine_shape_names());
        r_.fail_at(p,
                   fmt::format("unknown machine preset '{}'{}", shape_name,
                               guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
                   fmt::format("presets: {}", fmt::join(machine_shape_names(), ", ")));
      }
      pool.shape = *shape;
      capacity = shape->capacity;
      price = shape->price_micro_usd_per_hour;
    } else {
      if (!custom) {
        r_.fail_at(n, fmt::format("{} needs a preset or a machine shape (cpu, memory)", path));
      }
      capacity.cpu_milli = r_.cpu_milli(r_.required(n, "cpu", path), join_path(path, "cpu"));
      capacity.memory = r_.bytes(r_.required(n, "memory", path), join_path(path, "memory"));
      capacity.pods = kDefaultMaxPods;
      capacity.ephemeral_storage = int64_t{100} << 30;  // a 100 GiB boot disk
    }
    if (n["pods"].IsDefined()) {
      capacity.pods = r_.integer(n["pods"], join_path(path, "pods"), 1, 100'000);
    }
    if (n["ephemeralStorage"].IsDefined()) {
      capacity.ephemeral_storage =
          r_.bytes(n["ephemeralStorage"], join_path(path, "ephemeralStorage"));
    }
    const YAML::Node reserved = n["reserved"];
    if (reserved.IsDefined() && reserved.IsMap()) {
      r_.check_keys(reserved, join_path(path, "reserved"), {"cpu", "memory", "ephemeralStorage"});
      pool.shape = make_machine_shape(shape_name, capacity, ReservationPolicy::kNone);
      const std::string rp = join_path(path, "reserved");
      if (reserved["cpu"].IsDefined()) {
        pool.shape.kube_reserved.cpu_milli = r_.cpu_milli(reserved["cpu"], join_path(rp, "cpu"));
      }
      if (reserved["memory"].IsDefined()) {
        pool.shape.kube_reserved.memory = r_.bytes(reserved["memory"], join_path(rp, "memory"));
      }
      if (reserved["ephemeralStorage"].IsDefined()) {
        pool.shape.kube_reserved.ephemeral_storage =
            r_.bytes(reserved["ephemeralStorage"], join_path(rp, "ephemeralStorage"));
      }
    } else if (reserved.IsDefined()) {
      pool.shape =
          make_machine_shape(shape_name, capacity, policy(reserved, join_path(path, "reserved")));
    } else if (custom) {
      pool.shape = make_machine_shape(shape_name, capacity, ReservationPolicy::kGke);
    } else {
      // A preset keeps its cloud's reservation policy, recomputed for the capacity after the
      // pods / ephemeralStorage overrides: m5.large with pods: 110 reserves
      // 255Mi + 11Mi * 110 = 1465Mi of memory, not the 574Mi of its 29-pod default.
      pool.shape = make_machine_shape(shape_name, capacity, *machine_shape_policy(shape_name));
    }
    pool.shape.price_micro_usd_per_hour = price;
    if (n["pricePerHour"].IsDefined()) {
      const YAML::Node p = n["pricePerHour"];
      Quantity q = r_.quantity(p, join_path(path, "pricePerHour"));
      if (q < Quantity() || q > Quantity::from_value(1'000'000)) {
        r_.fail_at(
            p, fmt::format("{}.pricePerHour must be between 0 and 1000000 (USD per hour)", path));
      }
      pool.shape.price_micro_usd_per_hour = static_cast<int64_t>(q.nano() / 1000);
    }
    parse_node_template(n, path, pool);
    if (n["max"].IsDefined()) {
      pool.max =
          static_cast<int32_t>(r_.integer(n["max"], join_path(path, "max"), 0, kMaxNodesPerPool));
      pool.min = 0;
    }
    if (n["min"].IsDefined()) {
      if (!pool.max) {
        r_.fail_at(n["min"], fmt::format("{}.min is set without max", path),
                   "an autoscaled pool needs max (its largest size); min defaults to 0");
      }
      pool.min =
          static_cast<int32_t>(r_.integer(n["min"], join_path(path, "min"), 0, kMaxNodesPerPool));
    }
    if (pool.max && (*pool.min > pool.count || pool.count > *pool.max)) {
      r_.fail_at(n["max"],
                 fmt::format("{}: autoscaling bounds need min ({}) <= count ({}) <= max ({})", path,
                             *pool.min, pool.count, *pool.max),
                 "count is the starting size, between the group's min and max");
    }
    validate_node_pool(pool);
    return pool;
  }

  // ------------------------------------------------------------ scheduler

  void parse_scheduler(const YAML::Node& n) {
    r_.check_keys(n, "scheduler",
                  {"scoring", "resources", "shape", "percentageOfNodesToScore", "preemption"});
    SchedulerConfig& c = s_.scheduler;
    c.source = r_.where(n);
    if (const YAML::Node v = n["scoring"]; v.IsDefined()) {
      std::string s = r_.string(v, "scheduler.scoring");
      if (s == "LeastAllocated") {
        c.scoring_strategy = ScoringStrategy::kLeastAllocated;
      } else if (s == "MostAllocated") {
        c.scoring_strategy = ScoringStrategy::kMostAllocated;
      } else if (s == "RequestedToCapacityRatio") {
        c.scoring_strategy = ScoringStrategy::kRequestedToCapacityRatio;
      } else {
        std::string guess =
            closest_match(s, {"LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"});
        r_.fail_at(v,
                   fmt::format("unknown scoring strategy '{}'{}", s,
                               guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
                   "write LeastAllocated, MostAllocated or RequestedToCapacityRatio");
      }
    }
    if (const YAML::Node v = n["resources"]; v.IsDefined()) {
      r_.require_map(v, "scheduler.resources");
      c.scoring_resources.clear();
      for (auto it = v.begin(); it != v.end(); ++it) {
        std::string name = r_.string(it->first, "scheduler.resources");
        c.scoring_resources.push_back(
            {name, r_.integer(it->second, join_path("scheduler.resources", name), 0, 100)});
      }
    }
    if (const YAML::Node v = n["shape"]; v.IsDefined()) {
      if (c.scoring_strategy != ScoringStrategy::kRequestedToCapacityRatio) {
        r_.fail_at(v, "scheduler.shape applies only to scoring: RequestedToCapacityRatio");
      }
      r_.require_sequence(v, "scheduler.shape");
      c.shape.clear();
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string ip = index_path("scheduler.shape", i);
        r_.check_keys(v[i], ip, {"utilization", "score"});
        c.shape.push_back(
            {r_.integer(r_.required(v[i], "utilization", ip), join_path(ip, "utilization"), 0, 100),
             r_.integer(r_.required(v[i], "score", ip), join_path(ip, "score"), 0, 10)});
      }
    }
    if (const YAML::Node v = n["percentageOfNodesToScore"]; v.IsDefined()) {
      c.percentage_of_nodes_to_score =
          static_cast<int32_t>(r_.integer(v, "scheduler.percentageOfNodesToScore", 0, 100));
    }
    if (const YAML::Node v = n["preemption"]; v.IsDefined()) {
      c.preemption = r_.boolean(v, "scheduler.preemption");
    }
    validate_scheduler_config(c);
  }

  // ------------------------------------------------------------ services

  // Fields shared by serviceDefaults and services.<name>.
  template <typename Set>
  void parse_cost_fields(const YAML::Node& n, const std::string& path, Set&& set) const {
    if (const YAML::Node v = n["cpuPerRequest"]; v.IsDefined()) {
      set.cpu_per_request(r_.number(v, join_path(path, "cpuPerRequest"), 0, 1e9));
    }
    if (const YAML::Node v = n["cpuBaseline"]; v.IsDefined()) {
      set.cpu_baseline(r_.cpu_milli(v, join_path(path, "cpuBaseline")));
    }
    if (const YAML::Node v = n["memoryBaseline"]; v.IsDefined()) {
      set.memory_baseline(r_.bytes(v, join_path(path, "memoryBaseline")));
    }
    if (const YAML::Node v = n["memoryPerInflight"]; v.IsDefined()) {
      set.memory_per_inflight(r_.bytes(v, join_path(path, "memoryPerInflight")));
    }
    if (const YAML::Node v = n["concurrency"]; v.IsDefined()) {
      set.concurrency(
          static_cast<int32_t>(r_.integer(v, join_path(path, "concurrency"), 1, 100'000)));
    }
    if (const YAML::Node v = n["serviceTime"]; v.IsDefined()) {
      set.service_time(
          r_.duration(v, join_path(path, "serviceTime"), SimDuration(1), SimDuration(3'600'000)));
    }
    if (const YAML::Node v = n["timeout"]; v.IsDefined()) {
      set.timeout(
          r_.duration(v, join_path(path, "timeout"), SimDuration(1), SimDuration(86'400'000)));
    }
  }

  void parse_defaults(const YAML::Node& n) {
    r_.check_keys(n, "serviceDefaults",
                  {"cpuPerRequest", "cpuBaseline", "memoryBaseline", "memoryPerInflight",
                   "concurrency", "serviceTime", "timeout", "callsPerReference", "idleCpu"});
    ServiceDefaults& d = s_.load.defaults;
    struct Setter {
      ServiceDefaults& d;
      void cpu_per_request(double v) { d.cpu_per_request = v; }
      void cpu_baseline(int64_t v) { d.cpu_baseline_milli = v; }
      void memory_baseline(int64_t v) { d.memory_baseline = v; }
      void memory_per_inflight(int64_t v) { d.memory_per_inflight = v; }
      void concurrency(int32_t v) { d.concurrency = v; }
      void service_time(SimDuration v) { d.service_time = v; }
      void timeout(SimDuration v) { d.timeout = v; }
    };
    parse_cost_fields(n, "serviceDefaults", Setter{d});
    if (const YAML::Node v = n["callsPerReference"]; v.IsDefined()) {
      d.calls_per_reference = r_.number(v, "serviceDefaults.callsPerReference", 0, 1000);
    }
    if (const YAML::Node v = n["idleCpu"]; v.IsDefined()) {
      d.idle_cpu_milli = r_.cpu_milli(v, "serviceDefaults.idleCpu");
    }
  }

  void parse_services(const YAML::Node& n) {
    r_.require_map(n, "services");
    for (auto it = n.begin(); it != n.end(); ++it) {
      ServiceCost c;
      c.service = r_.string(it->first, "services");
      c.source = r_.where(it->first);
      for (const ServiceCost& other : s_.load.services) {
        if (other.service == c.service) {
          r_.fail_at(it->first, fmt::format("duplicate key '{}' (first at line {})", c.service,
                                            other.source.line));
        }
      }
      const std::string path = join_path("services", c.service);
      const YAML::Node body = it->second;
      r_.check_keys(body, path,
                    {"cpuPerRequest", "cpuBaseline", "memoryBaseline", "memoryPerInflight", "calls",
                     "concurrency", "serviceTime", "timeout"});
      struct Setter {
        ServiceCost& c;
        void cpu_per_request(double v) { c.cpu_per_request = v; }
        void cpu_baseline(int64_t v) { c.cpu_baseline_milli = v; }
        void memory_baseline(int64_t v) { c.memory_baseline = v; }
        void memory_per_inflight(int64_t v) { c.memory_per_inflight = v; }
        void concurrency(int32_t v) { c.concurrency = v; }
        void service_time(SimDuration v) { c.service_time = v; }
        void timeout(SimDuration v) { c.timeout = v; }
      };
      parse_cost_fields(body, path, Setter{c});
      if (const YAML::Node calls = body["calls"]; calls.IsDefined()) {
        const std::string cp = join_path(path, "calls");
        r_.require_map(calls, cp);
        for (auto ct = calls.begin(); ct != calls.end(); ++ct) {
          ServiceCallSpec call;
          call.service = r_.string(ct->first, cp);
          call.source = r_.where(ct->first);
          for (const ServiceCallSpec& other : c.calls) {
            if (other.service == call.service) {
              r_.fail_at(ct->first, fmt::format("duplicate key '{}'", call.service));
            }
          }
          call.calls_per_request = r_.number(ct->second, join_path(cp, call.service), 0, 1000);
          c.calls.push_back(std::move(call));
        }
      }
      s_.load.services.push_back(std::move(c));
    }
  }

  // ------------------------------------------------------------ load

  void parse_load(const YAML::Node& n) {
    r_.check_keys(n, "load", {"users", "routes"});
    if (n["users"].IsDefined()) parse_users(n["users"]);
    if (const YAML::Node routes = n["routes"]; routes.IsDefined()) {
      r_.require_map(routes, "load.routes");
      for (auto it = routes.begin(); it != routes.end(); ++it) {
        RouteRate rr;
        rr.route = r_.string(it->first, "load.routes");
        rr.source = r_.where(it->first);
        if (rr.route.empty()) r_.fail_at(it->first, "a route must be an Ingress path or a Service");
        for (const RouteRate& other : s_.load.routes) {
          if (other.route == rr.route)
            r_.fail_at(it->first, fmt::format("duplicate key '{}'", rr.route));
        }
        rr.rps_per_user = r_.number(it->second, join_path("load.routes", rr.route), 0, 1000);
        s_.load.routes.push_back(std::move(rr));
      }
    }
  }

  std::vector<ProfilePoint> parse_points(const YAML::Node& n, const std::string& path) const {
    r_.require_sequence(n, path);
    if (n.size() == 0) r_.fail_at(n, fmt::format("{} needs at least one point", path));
    check_size(n, path);
    std::vector<ProfilePoint> points;
    for (size_t i = 0; i < n.size(); ++i) {
      const std::string ip = index_path(path, i);
      r_.check_keys(n[i], ip, {"at", "users"});
      const YAML::Node at = r_.required(n[i], "at", ip);
      ProfilePoint p{r_.duration(at, join_path(ip, "at"), kZero, kMaxDuration),
                     users_value(r_.required(n[i], "users", ip), join_path(ip, "users"))};
      if (!points.empty() && p.at <= points.back().at) {
        r_.fail_at(at, fmt::format("{}.at must be after the previous point's ({})", ip,
                                   format_duration(points.back().at)));
      }
      points.push_back(p);
    }
    return points;
  }

  void parse_users(const YAML::Node& n) {
    UsersProfile& u = s_.load.users;
    u.source = r_.where(n);
    if (n.IsScalar()) {
      u.shape = ProfileShape::kConstant;
      u.constant = users_value(n, "load.users");
      return;
    }
    r_.check_keys(n, "load.users", {"constant", "steps", "ramp", "diurnal", "trace", "spikes"});
    int shapes = 0;
    for (const char* k : {"constant", "steps", "ramp", "diurnal", "trace"}) {
      shapes += n[k].IsDefined() ? 1 : 0;
    }
    if (shapes != 1) {
      r_.fail_at(n, fmt::format("load.users needs exactly one of constant, steps, ramp, diurnal, "
                                "trace (found {})",
                                shapes));
    }
    if (const YAML::Node v = n["constant"]; v.IsDefined()) {
      u.shape = ProfileShape::kConstant;
      u.constant = users_value(v, "load.users.constant");
    } else if (const YAML::Node v = n["steps"]; v.IsDefined()) {
      u.shape = ProfileShape::kSteps;
      u.points = parse_points(v, "load.users.steps");
    } else if (const YAML::Node v = n["ramp"]; v.IsDefined()) {
      u.shape = ProfileShape::kRamp;
      u.points = parse_points(v, "load.users.ramp");
    } else if (const YAML::Node v = n["diurnal"]; v.IsDefined()) {
      u.shape = ProfileShape::kDiurnal;
      const std::string p = "load.users.diurnal";
      r_.check_keys(v, p, {"min", "max", "peakHour", "startHour"});
      u.diurnal.min_users = users_value(r_.required(v, "min", p), join_path(p, "min"));
      u.diurnal.max_users = users_value(r_.required(v, "max", p), join_path(p, "max"));
      if (u.diurnal.max_users < u.diurnal.min_users) {
        r_.fail_at(v["max"], fmt::format("{}.max must be >= min", p));
      }
      if (v["peakHour"].IsDefined()) {
        u.diurnal.peak_hour = r_.number(v["peakHour"], join_path(p, "peakHour"), 0, 23.999999);
      }
      if (v["startHour"].IsDefined()) {
        u.diurnal.start_hour = r_.number(v["startHour"], join_path(p, "startHour"), 0, 23.999999);
      }
    } else {
      parse_trace(n["trace"]);
    }
    if (const YAML::Node v = n["spikes"]; v.IsDefined()) {
      const std::string p = "load.users.spikes";
      r_.require_sequence(v, p);
      check_size(v, p);
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string ip = index_path(p, i);
        r_.check_keys(v[i], ip, {"at", "duration", "rise", "users"});
        Spike s;
        s.source = r_.where(v[i]);
        s.at = r_.duration(r_.required(v[i], "at", ip), join_path(ip, "at"), kZero, kMaxDuration);
        s.duration = r_.duration(r_.required(v[i], "duration", ip), join_path(ip, "duration"),
                                 SimDuration(1), kMaxDuration);
        if (v[i]["rise"].IsDefined()) {
          s.rise = r_.duration(v[i]["rise"], join_path(ip, "rise"), kZero, s.duration / 2);
        }
        s.users = users_value(r_.required(v[i], "users", ip), join_path(ip, "users"));
        u.spikes.push_back(s);
      }
    }
  }

  void parse_trace(const YAML::Node& n) {
    const std::string p = "load.users.trace";
    r_.check_keys(n, p,
                  {"file", "column", "timeColumn", "timeUnit", "timeScale", "valueScale",
                   "startOffset", "series"});
    scenario_internal::TraceOptions o;
    const YAML::Node file = r_.required(n, "file", p);
    std::string written = r_.string(file, join_path(p, "file"));
    if (written == "-") r_.fail_at(file, "a trace cannot be read from stdin");
    o.file = resolve(written);
    o.column_source = o.time_column_source = r_.where(file);
    if (const YAML::Node v = n["column"]; v.IsDefined()) {
      o.column = r_.string(v, join_path(p, "column"));
      o.column_source = r_.where(v);
    }
    if (const YAML::Node v = n["timeColumn"]; v.IsDefined()) {
      o.time_column = r_.string(v, join_path(p, "timeColumn"));
      o.time_column_source = r_.where(v);
    }
    if (const YAML::Node v = n["series"]; v.IsDefined()) {
      o.series = r_.string(v, join_path(p, "series"));
      o.series_source = r_.where(v);
    }
    if (const YAML::Node v = n["timeUnit"]; v.IsDefined()) {
      o.time_unit = r_.string(v, join_path(p, "timeUnit"));
      if (o.time_unit != "ms" && o.time_unit != "s" && o.time_unit != "m" && o.time_unit != "h" &&
          o.time_unit != "d") {
        r_.fail_at(v,
                   fmt::format("{}.timeUnit must be ms, s, m, h or d, got '{}'", p, o.time_unit));
      }
    }
    if (const YAML::Node v = n["timeScale"]; v.IsDefined()) {
      o.time_scale = r_.number(v, join_path(p, "timeScale"), 1e-9, 1e9);
    }
    if (const YAML::Node v = n["valueScale"]; v.IsDefined()) {
      o.value_scale = r_.number(v, join_path(p, "valueScale"), 0, 1e9);
    }
    if (const YAML::Node v = n["startOffset"]; v.IsDefined()) {
      o.start_offset =
          r_.duration(v, join_path(p, "startOffset"), kZero, SimDuration(INT64_MAX / 4));
    }
    o.duration = s_.duration;
    UsersProfile& u = s_.load.users;
    u.shape = ProfileShape::kTrace;
    u.trace_file = o.file;
    u.points = scenario_internal::load_trace(o, r_.where(file));
  }

  // ------------------------------------------------------------ slo, timeline, timings

  void parse_plan(const YAML::Node& n) {
    r_.check_keys(n, "plan", {"levels", "shapes", "maxNodes", "require"});
    PlanSpec p;
    p.source = r_.where(n);
    if (const YAML::Node v = n["levels"]; v.IsDefined()) {
      r_.require_sequence(v, "plan.levels");
      check_size(v, "plan.levels");
      for (size_t i = 0; i < v.size(); ++i) {
        const double users = r_.number(v[i], index_path("plan.levels", i), 0, 1e9);
        if (!p.levels.empty() && users <= p.levels.back()) {
          r_.fail_at(v[i], "plan.levels must be increasing (users)");
        }
        p.levels.push_back(users);
      }
    }
    if (const YAML::Node v = n["shapes"]; v.IsDefined()) {
      r_.require_sequence(v, "plan.shapes");
      check_size(v, "plan.shapes");
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string path = index_path("plan.shapes", i);
        NodePool pool;
        if (v[i].IsScalar()) {
          const std::string name = r_.string(v[i], path);
          std::optional<MachineShape> shape = find_machine_shape(name);
          if (!shape) {
            std::string guess = closest_match(name, machine_shape_names());
            r_.fail_at(v[i],
                       fmt::format("unknown machine preset '{}'{}", name,
                                   guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
                       fmt::format("presets: {}", fmt::join(machine_shape_names(), ", ")));
          }
          pool.name = name;
          pool.shape = *shape;
          pool.source = r_.where(v[i]);
        } else {
          pool = parse_pool(v[i], path, /*needs_count=*/false);
        }
        for (const NodePool& other : p.shapes) {
          if (other.name == pool.name) {
            r_.fail_at(v[i], fmt::format("plan shape '{}' is listed twice", pool.name));
          }
        }
        p.shapes.push_back(std::move(pool));
      }
    }
    if (const YAML::Node v = n["maxNodes"]; v.IsDefined()) {
      p.max_nodes = static_cast<int32_t>(r_.integer(v, "plan.maxNodes", 1, kMaxNodesPerPool));
    }
    if (const YAML::Node v = n["require"]; v.IsDefined()) {
      for (const std::string& req : strings(v, "plan.require")) {
        if (req != "slo" && req != "n+1" && req != "zone" && req != "rollout" && req != "max") {
          std::string guess = closest_match(req, {"slo", "n+1", "zone", "rollout", "max"});
          r_.fail_at(v,
                     fmt::format("plan.require: unknown requirement '{}'{}", req,
                                 guess.empty() ? "" : fmt::format(", did you mean '{}'?", guess)),
                     "requirements: slo, n+1, zone, rollout, max");
        }
        p.require.push_back(req);
      }
    }
    s_.plan = std::move(p);
  }

  void parse_verdict(const YAML::Node& n) {
    r_.check_keys(n, "verdict", {"settle", "pendingGrace", "maxThrottledPercent"});
    if (const YAML::Node v = n["settle"]; v.IsDefined()) {
      s_.fit.settle = r_.duration(v, "verdict.settle", SimDuration(0), s_.duration);
    }
    if (const YAML::Node v = n["pendingGrace"]; v.IsDefined()) {
      s_.fit.pending_grace =
          r_.duration(v, "verdict.pendingGrace", SimDuration(0), SimDuration(3'600'000));
    }
    if (const YAML::Node v = n["maxThrottledPercent"]; v.IsDefined()) {
      s_.fit.max_throttled_percent = r_.number(v, "verdict.maxThrottledPercent", 0, 100);
    }
  }

  void parse_slo(const YAML::Node& n) {
    r_.check_keys(n, "slo", {"latency"});
    s_.slo.source = r_.where(n);
    if (const YAML::Node v = n["latency"]; v.IsDefined()) {
      s_.slo.latency_ms = static_cast<double>(
          r_.duration(v, "slo.latency", SimDuration(1), SimDuration(3'600'000)).count());
    }
  }

  // "name", "ns/name", "Kind/name" or "Kind/ns/name"; `any_kind` also takes
  // the kinds whose pods the kubelet runs but a rollout cannot change
  // (ReplicaSet, Job, CronJob).
  WorkloadRef parse_workload_ref(const YAML::Node& n, const std::string& path,
                                 bool any_kind = false) const {
    std::string text = r_.string(n, path);
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      size_t pos = text.find('/', start);
      parts.push_back(text.substr(start, pos - start));
      if (pos == std::string::npos) break;
      start = pos + 1;
    }
    auto is_kind = [any_kind](const std::string& k) {
      return k == "Deployment" || k == "StatefulSet" || k == "DaemonSet" ||
             (any_kind && (k == "ReplicaSet" || k == "Job" || k == "CronJob"));
    };
    WorkloadRef ref;
    if (parts.size() == 1) {
      ref.name = parts[0];
    } else if (parts.size() == 2) {
      (is_kind(parts[0]) ? ref.kind : ref.ns) = parts[0];
      ref.name = parts[1];
    } else if (parts.size() == 3 && is_kind(parts[0])) {
      ref = {parts[0], parts[1], parts[2]};
    } else {
      r_.fail_at(n, fmt::format("{}: '{}' is not a workload", path, text),
                 fmt::format("write name, namespace/name, Kind/name or Kind/namespace/name "
                             "(Kind: Deployment, StatefulSet, DaemonSet{})",
                             any_kind ? ", ReplicaSet, Job, CronJob" : ""));
    }
    for (const std::string& p : parts) {
      if (p.empty()) r_.fail_at(n, fmt::format("{}: '{}' has an empty part", path, text));
    }
    return ref;
  }

  void parse_node_target(const YAML::Node& v, const std::string& path, TimelineEvent& e) const {
    if (v.IsScalar()) {
      e.node = r_.string(v, path);
      return;
    }
    r_.check_keys(v, path, {"node", "zone"});
    const bool node = v["node"].IsDefined(), zone = v["zone"].IsDefined();
    if (node == zone) r_.fail_at(v, fmt::format("{} needs exactly one of node, zone", path));
    if (node) e.node = r_.string(v["node"], join_path(path, "node"));
    if (zone) e.zone = r_.string(v["zone"], join_path(path, "zone"));
  }

  void parse_timeline(const YAML::Node& n) {
    r_.require_sequence(n, "timeline");
    check_size(n, "timeline");
    static constexpr std::pair<const char*, TimelineKind> kActions[] = {
        {"rollout", TimelineKind::kRollout},         {"failNode", TimelineKind::kFailNode},
        {"recoverNode", TimelineKind::kRecoverNode}, {"cordon", TimelineKind::kCordon},
        {"uncordon", TimelineKind::kUncordon},       {"drain", TimelineKind::kDrain},
        {"removeNode", TimelineKind::kRemoveNode},   {"load", TimelineKind::kLoad}};
    for (size_t i = 0; i < n.size(); ++i) {
      const YAML::Node item = n[i];
      const std::string ip = index_path("timeline", i);
      r_.check_keys(item, ip,
                    {"at", "rollout", "failNode", "recoverNode", "cordon", "uncordon", "drain",
                     "removeNode", "load"});
      TimelineEvent e;
      e.source = r_.where(item);
      const YAML::Node at = r_.required(item, "at", ip);
      e.at = r_.duration(at, join_path(ip, "at"), kZero, kMaxDuration);
      if (e.at > s_.duration) {
        r_.fail_at(at, fmt::format("{}.at {} is after the end of the run (duration {})", ip,
                                   format_duration(e.at), format_duration(s_.duration)));
      }
      int actions = 0;
      YAML::Node body;
      for (const auto& [key, kind] : kActions) {
        if (item[key].IsDefined()) {
          ++actions;
          e.kind = kind;
          body = item[key];
        }
      }
      if (actions != 1) {
        r_.fail_at(item, fmt::format("{} needs exactly one action (rollout, failNode, recoverNode, "
                                     "cordon, uncordon, drain, removeNode, load), found {}",
                                     ip, actions));
      }
      const std::string bp = join_path(ip, std::string(to_string(e.kind)));
      switch (e.kind) {
        case TimelineKind::kRollout: {
          r_.check_keys(body, bp, {"workload", "image", "container", "fault"});
          e.workload =
              parse_workload_ref(r_.required(body, "workload", bp), join_path(bp, "workload"));
          e.image = r_.string(r_.required(body, "image", bp), join_path(bp, "image"));
          if (body["container"].IsDefined()) {
            e.container = r_.string(body["container"], join_path(bp, "container"));
          }
          if (const YAML::Node f = body["fault"]; f.IsDefined()) {
            std::string fault = r_.string(f, join_path(bp, "fault"));
            if (fault == "crash") {
              e.fault = RolloutFault::kCrash;
            } else if (fault == "hang") {
              e.fault = RolloutFault::kHang;
            } else if (fault != "none") {
              r_.fail_at(f,
                         fmt::format("{}.fault must be none, crash or hang, got '{}'", bp, fault));
            }
          }
          break;
        }
        case TimelineKind::kLoad: {
          r_.check_keys(body, bp, {"scale", "users"});
          const bool scale = body["scale"].IsDefined(), users = body["users"].IsDefined();
          if (scale == users)
            r_.fail_at(body, fmt::format("{} needs exactly one of scale, users", bp));
          if (scale) e.load.scale = r_.number(body["scale"], join_path(bp, "scale"), 0, 1e6);
          if (users) e.load.users = users_value(body["users"], join_path(bp, "users"));
          e.load.at = e.at;
          e.load.source = e.source;
          break;
        }
        default:
          parse_node_target(body, bp, e);
      }
      s_.timeline.push_back(std::move(e));
    }
    std::stable_sort(s_.timeline.begin(), s_.timeline.end(),
                     [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
    for (const TimelineEvent& e : s_.timeline) {
      if (e.kind == TimelineKind::kLoad) s_.load.changes.push_back(e.load);
    }
  }

  void parse_kubelet(const YAML::Node& n) {
    r_.check_keys(n, "kubelet",
                  {"imagePull", "containerStart", "shutdown", "idleMemory", "workloads"});
    const SimDuration hour(3'600'000);
    if (const YAML::Node v = n["imagePull"]; v.IsDefined()) {
      s_.kubelet.image_pull = r_.duration(v, "kubelet.imagePull", kZero, hour);
    }
    if (const YAML::Node v = n["containerStart"]; v.IsDefined()) {
      s_.kubelet.container_start = r_.duration(v, "kubelet.containerStart", kZero, hour);
    }
    if (const YAML::Node v = n["shutdown"]; v.IsDefined()) {
      s_.kubelet.shutdown = r_.duration(v, "kubelet.shutdown", kZero, hour);
    }
    if (const YAML::Node v = n["idleMemory"]; v.IsDefined()) {
      s_.kubelet.idle_memory = r_.bytes(v, "kubelet.idleMemory");
    }
    if (const YAML::Node v = n["workloads"]; v.IsDefined()) parse_kubelet_workloads(v);
  }

  // kubelet.workloads: {WORKLOAD: {imagePull, containerStart, shutdown}}, the
  // delays of one workload's pods; WORKLOAD as in a rollout, or a ReplicaSet,
  // Job or CronJob. Resolved against the manifests by to_simulation_config().
  void parse_kubelet_workloads(const YAML::Node& n) {
    const std::string p = "kubelet.workloads";
    r_.require_map(n, p);
    check_size(n, p);
    const SimDuration hour(3'600'000);
    for (auto it = n.begin(); it != n.end(); ++it) {
      KubeletWorkloadTiming t;
      t.workload = parse_workload_ref(it->first, p, true);
      t.source = r_.where(it->first);
      const std::string ip = join_path(p, r_.string(it->first, p));
      const YAML::Node body = it->second;
      r_.check_keys(body, ip, {"imagePull", "containerStart", "shutdown"});
      if (const YAML::Node v = body["imagePull"]; v.IsDefined()) {
        t.timing.image_pull = r_.duration(v, join_path(ip, "imagePull"), kZero, hour);
      }
      if (const YAML::Node v = body["containerStart"]; v.IsDefined()) {
        t.timing.container_start = r_.duration(v, join_path(ip, "containerStart"), kZero, hour);
      }
      if (const YAML::Node v = body["shutdown"]; v.IsDefined()) {
        t.timing.shutdown = r_.duration(v, join_path(ip, "shutdown"), kZero, hour);
      }
      if (!t.timing.image_pull && !t.timing.container_start && !t.timing.shutdown) {
        r_.fail_at(body, fmt::format("{} sets none of imagePull, containerStart, shutdown", ip));
      }
      s_.kubelet_workloads.push_back(std::move(t));
    }
  }

  void parse_node_lifecycle(const YAML::Node& n) {
    r_.check_keys(
        n, "nodeLifecycle",
        {"nodeMonitorGracePeriod", "defaultTolerationSeconds", "forceDeleteUnreachablePods"});
    NodeLifecycleConfig& c = s_.node_lifecycle;
    if (const YAML::Node v = n["nodeMonitorGracePeriod"]; v.IsDefined()) {
      c.node_monitor_grace_period = r_.duration(v, "nodeLifecycle.nodeMonitorGracePeriod",
                                                SimDuration(1000), SimDuration(3'600'000));
    }
    if (const YAML::Node v = n["defaultTolerationSeconds"]; v.IsDefined()) {
      c.default_toleration_seconds =
          r_.integer(v, "nodeLifecycle.defaultTolerationSeconds", 0, 86'400);
    }
    if (const YAML::Node v = n["forceDeleteUnreachablePods"]; v.IsDefined()) {
      c.force_delete_unreachable_pods = r_.boolean(v, "nodeLifecycle.forceDeleteUnreachablePods");
    }
  }

  void parse_hpa(const YAML::Node& n) {
    r_.check_keys(n, "hpa",
                  {"syncPeriod", "tolerance", "downscaleStabilization", "cpuInitializationPeriod",
                   "initialReadinessDelay"});
    HPAConfig& c = s_.hpa;
    const SimDuration hour(3'600'000);
    if (const YAML::Node v = n["syncPeriod"]; v.IsDefined()) {
      c.sync_period = r_.duration(v, "hpa.syncPeriod", SimDuration(1000), hour);
    }
    if (const YAML::Node v = n["tolerance"]; v.IsDefined()) {
      c.tolerance = r_.number(v, "hpa.tolerance", 0, 1);
    }
    if (const YAML::Node v = n["downscaleStabilization"]; v.IsDefined()) {
      c.downscale_stabilization = r_.duration(v, "hpa.downscaleStabilization", kZero, hour);
    }
    if (const YAML::Node v = n["cpuInitializationPeriod"]; v.IsDefined()) {
      c.cpu_initialization_period = r_.duration(v, "hpa.cpuInitializationPeriod", kZero, hour);
    }
    if (const YAML::Node v = n["initialReadinessDelay"]; v.IsDefined()) {
      c.initial_readiness_delay = r_.duration(v, "hpa.initialReadinessDelay", kZero, hour);
    }
  }

  // featureGates: {HPAScaleToZero: true}, the kube-apiserver and
  // kube-controller-manager --feature-gates the run assumes. HPAScaleToZero
  // (alpha, off by default) lets an HPA with an Object or External metric set
  // minReplicas 0 and scale its target to 0 (api_validation.h, horizontal.go).
  void parse_feature_gates(const YAML::Node& n) {
    r_.check_keys(n, "featureGates", {"HPAScaleToZero"});
    if (const YAML::Node v = n["HPAScaleToZero"]; v.IsDefined()) {
      s_.hpa.scale_to_zero = r_.boolean(v, "featureGates.HPAScaleToZero");
    }
  }

  // jobs: {runDuration: 90s} (each Job pod succeeds this long after its
  // containers start) or {skip: true} (Jobs and CronJobs are not run; the
  // report warns JobsNotSimulated).
  void parse_jobs(const YAML::Node& n) {
    r_.check_keys(n, "jobs", {"runDuration", "skip"});
    const YAML::Node run = n["runDuration"];
    const YAML::Node skip = n["skip"];
    if (skip.IsDefined() && r_.boolean(skip, "jobs.skip")) {
      if (run.IsDefined()) {
        r_.fail_at(run, "jobs: give runDuration or skip: true, not both",
                   "skip: true leaves Jobs and CronJobs out of the run");
      }
      s_.jobs.run_duration.reset();
      return;
    }
    if (run.IsDefined()) {
      s_.jobs.run_duration = r_.duration(run, "jobs.runDuration", SimDuration(1), kMaxDuration);
    }
  }

  // hpaMetrics: {HPA: {pods: {NAME: V}, object: {"Kind/name:metric": V},
  // external: {NAME: V}}}, HPA being "name" or "namespace/name" and V a
  // quantity or steps [{at, value}, ...]. The names are checked against the
  // HPAs of the manifests by check_scenario_references().
  void parse_hpa_metrics(const YAML::Node& n) {
    const std::string p = "hpaMetrics";
    r_.require_map(n, p);
    check_size(n, p);
    for (auto it = n.begin(); it != n.end(); ++it) {
      HPAMetricsSpec spec;
      const std::string written = r_.string(it->first, p);
      spec.source = r_.where(it->first);
      const size_t slash = written.find('/');
      if (slash == std::string::npos) {
        spec.name = written;
      } else {
        spec.ns = written.substr(0, slash);
        spec.name = written.substr(slash + 1);
      }
      if (spec.name.empty() || (slash != std::string::npos && spec.ns.empty()) ||
          spec.name.find('/') != std::string::npos) {
        r_.fail_at(it->first, fmt::format("{}: '{}' is not an HPA", p, written),
                   "write name or namespace/name of a HorizontalPodAutoscaler");
      }
      const std::string hp = join_path(p, written);
      const YAML::Node body = it->second;
      r_.check_keys(body, hp, {"pods", "object", "external"});
      auto metrics = [&](const char* type, std::map<std::string, MetricSeries>& out) {
        const YAML::Node m = body[type];
        if (!m.IsDefined()) return;
        const std::string tp = join_path(hp, type);
        r_.require_map(m, tp);
        check_size(m, tp);
        for (auto mi = m.begin(); mi != m.end(); ++mi) {
          const std::string name = r_.string(mi->first, tp);
          if (name.empty()) r_.fail_at(mi->first, fmt::format("{}: a metric name is empty", tp));
          if (std::string_view(type) == "object") {
            const size_t s = name.find('/'), c = name.find(':');
            if (s == std::string::npos || c == std::string::npos || s == 0 || c < s + 2 ||
                c + 1 == name.size()) {
              r_.fail_at(mi->first, fmt::format("{}: '{}' is not an object metric", tp, name),
                         "write Kind/name:metric, e.g. \"Ingress/main-route:requests-per-second\"");
            }
          }
          out[name] = metric_series(mi->second, join_path(tp, name));
          spec.sources[std::string(type) + "/" + name] = r_.where(mi->first);
        }
      };
      metrics("pods", spec.values.pods);
      metrics("object", spec.values.object);
      metrics("external", spec.values.external);
      if (spec.sources.empty()) {
        r_.fail_at(body, fmt::format("{} gives no metric (pods, object or external)", hp));
      }
      s_.hpa_metrics.push_back(std::move(spec));
    }
  }

  // A metric value: a quantity, or steps [{at, value}, ...] in increasing `at`.
  MetricSeries metric_series(const YAML::Node& n, const std::string& path) const {
    auto value = [&](const YAML::Node& v, const std::string& vp) {
      Quantity q = r_.quantity(v, vp);
      if (q < Quantity() || !q.checked_milli_value()) {
        r_.fail_at(v, fmt::format("{} must be a number >= 0, got {}", vp, v.Scalar()));
      }
      return q;
    };
    if (n.IsScalar()) return {MetricStep{kZero, value(n, path)}};
    r_.require_sequence(n, path);
    check_size(n, path);
    if (n.size() == 0) r_.fail_at(n, fmt::format("{} must list at least one step", path));
    MetricSeries out;
    for (size_t i = 0; i < n.size(); ++i) {
      const std::string ip = index_path(path, i);
      r_.check_keys(n[i], ip, {"at", "value"});
      const YAML::Node at = r_.required(n[i], "at", ip);
      MetricStep step;
      step.at = r_.duration(at, join_path(ip, "at"), kZero, kMaxDuration);
      if (!out.empty() && step.at <= out.back().at) {
        r_.fail_at(at, fmt::format("{}.at must be after the previous step's", ip));
      }
      step.value = value(r_.required(n[i], "value", ip), join_path(ip, "value"));
      out.push_back(step);
    }
    return out;
  }

  void parse_claims_ref(const YAML::Node& n) {
    std::string written = r_.string(n, "claims");
    if (written == "-") r_.fail_at(n, "claims cannot be read from stdin");
    std::string path = resolve(written);
    std::string text =
        scenario_internal::read_text_file(path, kMaxClaimsBytes, r_.where(n), "claims file");
    s_.claims = parse_claims(text, path);
  }

  YamlReader r_;
  std::string base_dir_;
  const std::vector<ScenarioOverride>& overrides_;
  Scenario s_;
};

}  // namespace

std::string_view to_string(TimelineKind kind) {
  switch (kind) {
    case TimelineKind::kRollout:
      return "rollout";
    case TimelineKind::kFailNode:
      return "failNode";
    case TimelineKind::kRecoverNode:
      return "recoverNode";
    case TimelineKind::kCordon:
      return "cordon";
    case TimelineKind::kUncordon:
      return "uncordon";
    case TimelineKind::kDrain:
      return "drain";
    case TimelineKind::kRemoveNode:
      return "removeNode";
    case TimelineKind::kLoad:
      return "load";
  }
  return "?";
}

Scenario parse_scenario(std::string_view yaml_text, const std::string& file_name,
                        const std::string& base_dir) {
  return parse_scenario(yaml_text, file_name, base_dir, {});
}

Scenario parse_scenario(std::string_view yaml_text, const std::string& file_name,
                        const std::string& base_dir,
                        const std::vector<ScenarioOverride>& overrides) {
  std::string dir = base_dir;
  if (dir.empty()) dir = std::filesystem::path(file_name).parent_path().string();
  try {
    return ScenarioParser(file_name, dir, overrides).parse(yaml_text);
  } catch (const InputError& e) {
    // An error at a line of the file may still come from an override (a
    // preset given by --set beside the file's cpu): say the file was changed.
    if (overrides.empty() || e.where().file.rfind("--set ", 0) == 0) throw;
    std::vector<std::string> flags;
    for (const ScenarioOverride& o : overrides)
      flags.push_back(scenario_internal::override_flag(o));
    std::string note = fmt::format("the scenario was read with {}", fmt::join(flags, " "));
    throw InputError(e.where(), e.message(), e.hint().empty() ? note : e.hint() + "; " + note);
  }
}

Scenario load_scenario(const std::string& path) { return load_scenario(path, {}); }

Scenario load_scenario(const std::string& path, const std::vector<ScenarioOverride>& overrides) {
  if (path == "-") {
    throw InputError(SourceLocation{"-", 0, 0}, "a scenario cannot be read from stdin",
                     "write it to a file; its manifests may come from stdin (manifests: [\"-\"])");
  }
  std::string text = scenario_internal::read_text_file(path, kMaxScenarioBytes,
                                                       SourceLocation{path, 0, 0}, "scenario");
  return parse_scenario(text, path, {}, overrides);
}

}  // namespace simcluster
